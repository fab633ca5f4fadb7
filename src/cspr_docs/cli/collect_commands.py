"""`cspr-docs collect`: read returned replies and chronologies, show reply status, export the merged chronology."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from cspr_docs.cli.app import cli

_SUFFIXES = (".docx", ".pdf")


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    """Files as given; a folder stands for the .docx and .pdf files directly inside it (Office lock files skipped)."""
    from cspr_docs.folders import documents_in

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += documents_in(path, _SUFFIXES)
        else:
            files.append(path)
    return files


@cli.command("collect")
@click.argument("replies", nargs=-1, type=click.Path(path_type=Path), metavar="[REPLY]...")
@click.option("--case", "case_path", required=True, type=click.Path(path_type=Path), help="case.yaml or its folder.")
@click.option("--agency", help="The agency id of a reply that does not say which agency it is from.")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="The template pack the replies were made from [default: the shipped pack].")
@click.option("--dry-run", is_flag=True, help="Read and report what would change; write nothing.")
@click.option("--status", is_flag=True, help="List each agency as returned, nil return or outstanding.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date to judge lateness by [default: today].")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format of --status.")
@click.option("--chronology", "chronology_out", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the merged multi-agency chronology to FILE.csv or FILE.xlsx.")
@click.option("--force", is_flag=True, help="Replace an existing --chronology file.")
def collect_command(
    replies: tuple[Path, ...],
    case_path: Path,
    agency: str | None,
    templates: Path | None,
    dry_run: bool,
    status: bool,
    today: dt.datetime | None,
    output_format: str,
    chronology_out: Path | None,
    force: bool,
) -> None:
    """Read returned information request replies (.docx or fillable PDF) and local review
    chronologies into CASE/replies/<agency>.yaml and CASE/chronologies/<agency>.yaml; the
    file as returned is kept beside it as <agency>.docx or <agency>.pdf.

    \b
    A folder given as REPLY stands for every .docx and .pdf in it. Each file says which case
    and agency it belongs to; a reply for another case is refused (exit 3) and then nothing
    is stored. Re-running is safe: unchanged replies are left alone, changed ones list the
    fields that changed, and a newer file replaces the kept one. Warnings (unanswered
    fields, text outside the fields, an old template version, duplicates) go to stderr and
    name the file and field.
    """
    from cspr_docs.load import load_case

    if not replies and not status and chronology_out is None:
        raise click.UsageError("give REPLY files or folders, --status, or --chronology FILE")
    loaded = load_case(case_path)
    if replies:
        _collect(loaded, replies, agency=agency, templates=templates, dry_run=dry_run)
    if status:
        _status(loaded, today.date() if today else dt.date.today(), output_format)
    if chronology_out is not None:
        _chronology(loaded, chronology_out, force=force)


def _collect(loaded, given: tuple[Path, ...], *, agency: str | None, templates: Path | None, dry_run: bool) -> None:
    from cspr_docs.collect.run import Collector
    from cspr_docs.collect.store import compare, store
    from cspr_docs.errors import InputError

    files = _expand(given)
    if not files:
        folders = ", ".join(str(p) for p in given)
        raise InputError(f"{folders}: no .docx or .pdf replies in the folder(s) given")
    run = Collector(loaded, templates=templates, agency=agency).run(files)
    if run.refused:
        # The run stores nothing, so warnings about the other files would only be noise now; they come next time.
        listed = "\n".join(f"  {r}" for r in run.refused)
        held = f"\n{len(run.warnings)} warning(s) about the other files not shown" if run.warnings else ""
        raise InputError(f"{len(run.refused)} file(s) refused; nothing was stored:\n{listed}{held}")
    for warning in run.warnings:
        click.echo(f"warning: {warning}", err=True)
    if dry_run:
        changes = [compare(loaded.folder, r) for r in run.replies]
    else:
        changes = store(loaded.folder, run.replies, run.returned)
    for change, reply in zip(changes, run.replies, strict=True):
        click.echo(f"{_describe(change, loaded.folder, dry_run)} from {reply.source}")
    for path in run.skipped:
        click.echo(f"skipped: {path.name}")


def _describe(change, folder: Path, dry_run: bool) -> str:
    """`new: replies/csc.yaml, replies/csc.docx`; `updated: replies/csc.yaml (summary), replies/csc.pdf (replaces
    replies/csc.docx)`; `unchanged: replies/csc.yaml`."""
    prefix = "would be " if dry_run else ""
    line = f"{prefix}{change.state}: {change.path.relative_to(folder)}"
    if change.fields:
        line += f" ({', '.join(change.fields)})"
    if change.kept is not None:
        kept = str(change.kept.relative_to(folder))
        if change.state == "unchanged":
            kept = f"returned file {prefix}kept as {kept}"
        if change.removed:
            kept += f" (replaces {', '.join(str(p.relative_to(folder)) for p in change.removed)})"
        line += f", {kept}"
    return line


def _status(loaded, today: dt.date, output_format: str) -> None:
    from cspr_docs.collect.status import reply_status
    from cspr_docs.collect.store import load_replies
    from cspr_docs.render.env import longdate

    rows = reply_status(loaded.case, load_replies(loaded.folder), today)
    if output_format == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2))
        return
    table = [("AGENCY", "STATE", "REPLY BY", "")]
    for row in rows:
        late = "OVERDUE" if row.overdue else ""
        table.append((row.agency, row.state, longdate(row.reply_by) if row.reply_by else "-", late))
    widths = [max(len(r[i]) for r in table) for i in range(3)]
    for row in table:
        click.echo(("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]).rstrip())
    counts = {s: sum(r.state == s for r in rows) for s in ("returned", "nil return", "outstanding")}
    overdue = sum(r.overdue for r in rows)
    click.echo(f"{counts['returned']} returned, {counts['nil return']} nil return, {counts['outstanding']} "
               f"outstanding ({overdue} overdue) on {longdate(today)}")


def _chronology(loaded, target: Path, *, force: bool) -> None:
    from cspr_docs.collect.chronology import export, merge
    from cspr_docs.collect.store import load_chronologies, load_replies
    from cspr_docs.outputs import write_atomic

    entries = merge(loaded.case, load_replies(loaded.folder), load_chronologies(loaded.folder))
    data = export(entries, target)
    if target.parent and not target.parent.exists():
        from cspr_docs.outputs import ensure_folder

        ensure_folder(target.parent)
    write_atomic(target, data, force=force)
    undated = sum(e.undated for e in entries)
    note = f"; {undated} with a date that could not be read, listed last" if undated else ""
    click.echo(f"wrote {target} ({len(entries)} events{note})")
