"""`cspr-docs render` and `cspr-docs templates list|check|export`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cspr_docs.cli.app import cli
from cspr_docs.cli.merge_commands import get_password, password_options, progress_bar

STAGE_CHOICE = click.Choice(["referral", "rapid-review", "review", "publication"])


def after_render(
    docx_paths: list[Path], *, pdf: bool = False, password: str | None = None, force: bool = False,
    quiet: bool = False,
) -> list[Path]:
    """Seam for `--pdf`/`--encrypt`: PDFs next to the written .docx paths; returns the files it wrote."""
    if not pdf:
        return []
    from cspr_docs.merge import convert_outputs

    with progress_bar(quiet) as progress:
        return convert_outputs(docx_paths, password=password, force=force, progress=progress)


class KindsHelpCommand(click.Command):
    """A command whose help lists the catalogue's kinds, read only when help is shown (keeps startup light)."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        import inspect
        import textwrap

        from cspr_docs.documents import CATALOGUE

        kinds = textwrap.fill(", ".join(CATALOGUE) + ".", width=76, initial_indent="Kinds: ", break_on_hyphens=False)
        original = self.help or ""
        self.help = inspect.cleandoc(original).replace("{kinds}", kinds)
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = original


@cli.command("render", cls=KindsHelpCommand)
@click.argument("kinds", nargs=-1, metavar="[KIND]...")
@click.option("--all", "all_reached", is_flag=True, help="Every document the case has reached on its route.")
@click.option("--stage", type=STAGE_CHOICE, help="Every reached document of one stage.")
@click.option("--case", "case_path", required=True, type=click.Path(path_type=Path), help="case.yaml or its folder.")
@click.option("--out", type=click.Path(path_type=Path), help="Output folder [default: CASE/out].")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="A custom template pack; kinds missing there use the defaults.")
@click.option("--draft", is_flag=True, help="Render missing values as [[MISSING: field]] instead of failing.")
@click.option("--force", is_flag=True, help="Replace existing files.")
@click.option("--date", "issue_date", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Issue date printed on the documents (YYYY-MM-DD) [default: today].")
@click.option("--pdf", is_flag=True, help="Also convert each document to PDF (LibreOffice).")
@password_options
@click.option("--quiet", is_flag=True, help="No progress bar and no list of files; errors only.")
def render_command(
    kinds: tuple[str, ...],
    all_reached: bool,
    stage: str | None,
    case_path: Path,
    out: Path | None,
    templates: Path | None,
    draft: bool,
    force: bool,
    issue_date: dt.datetime | None,
    pdf: bool,
    encrypt: bool,
    password_env: str | None,
    password_file: Path | None,
    quiet: bool,
) -> None:
    """Render documents of a case as .docx: the KINDs named, or --all / --stage.

    \b
    {kinds}
    Per-recipient kinds give one file per agency, practitioner or family member:
    <reference>_<kind>[_<recipient id>].docx
    """
    from cspr_docs.collect import collected
    from cspr_docs.documents import CATALOGUE
    from cspr_docs.load import load_case
    from cspr_docs.outputs import check_targets
    from cspr_docs.render import plan_documents, render_documents, select_kinds

    unknown = [k for k in kinds if k not in CATALOGUE]
    if unknown:
        raise click.BadParameter(f"unknown kind {unknown[0]!r}; choose from: {', '.join(CATALOGUE)}", param_hint="KIND")
    if not kinds and not all_reached and stage is None:
        raise click.UsageError("name at least one KIND, or use --all or --stage")
    password = get_password(encrypt, password_env, password_file)
    pdf = pdf or encrypt
    loaded = load_case(case_path)
    chosen = select_kinds(loaded.case, kinds, all_reached=all_reached, stage=stage)  # type: ignore[arg-type]
    out = out if out is not None else loaded.folder / "out"
    if pdf:  # refuse an existing PDF before any .docx is written
        check_targets([d.path.with_suffix(".pdf") for d in plan_documents(loaded.case, chosen, out)], force=force)
    written = render_documents(
        loaded.case,
        chosen,
        out=out,
        issue_date=issue_date.date() if issue_date else dt.date.today(),
        templates=templates,
        draft=draft,
        force=force,
        collected=collected(loaded.case, loaded.folder),
    )
    for path in written:  # before the PDFs: if conversion fails, these .docx files are still there
        if not quiet:
            click.echo(f"wrote {path}")
    for path in after_render(written, pdf=pdf, password=password, force=force, quiet=quiet):
        if not quiet:
            click.echo(f"wrote {path}{' (encrypted)' if password else ''}")


@cli.group("templates")
def templates_group() -> None:
    """List, check and export the template pack."""


@templates_group.command("list")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False), help="A custom template pack.")
def templates_list_command(templates: Path | None) -> None:
    """Each document kind: stage, recipients, and whether its template is the default or custom."""
    from cspr_docs.render.pack import list_templates

    rows = [("KIND", "STAGE", "PER", "SOURCE", "FILE")]
    for kind, source in list_templates(templates):
        origin = "missing" if source is None else ("custom" if source.custom else "default")
        rows.append((kind.id, kind.stage, kind.per_recipient or "-", origin, str(source.path) if source else "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])


@templates_group.command("check")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="A custom template pack [default: the shipped pack].")
def templates_check_command(templates: Path | None) -> None:
    """Check every .docx of a pack: safety, syntax (with place), fields the case model does not provide."""
    from cspr_docs.errors import TemplateError
    from cspr_docs.render.check import check_pack
    from cspr_docs.render.pack import pack_files

    files = pack_files(templates)
    if not files:
        raise TemplateError(f"{templates}: no .docx templates in this folder")
    problems = check_pack(files)
    if problems:
        listed = "\n".join(f"  {p}" for p in problems)
        raise TemplateError(f"{len(problems)} problem(s) in the templates:\n{listed}")
    click.echo(f"ok: {len(files)} template(s) checked")


@templates_group.command("export")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Replace files already in FOLDER.")
def templates_export_command(folder: Path, force: bool) -> None:
    """Copy the default templates to FOLDER to edit; use them with --templates FOLDER."""
    from cspr_docs.render.pack import export_pack

    for path in export_pack(folder, force=force):
        click.echo(f"wrote {path}")
    click.echo(f"next: edit the templates in Word, then: cspr-docs templates check --templates {folder}")
