"""`cspr-docs merge`, and the `--pdf`/`--encrypt`/`--quiet` helpers `render` shares: password, progress bar."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import click

from cspr_docs.cli.app import cli

_STAGES = {"render": "Rendering", "write": "Writing", "pdf": "Converting to PDF", "encrypt": "Encrypting",
           "manifest": "Manifest"}


def progress_enabled(quiet: bool, environ: Mapping[str, str], isatty: bool) -> bool:
    """A progress bar only for a person at a terminal: never with --quiet, in CI, or into a pipe or file."""
    return not quiet and not environ.get("CI") and isatty


@contextlib.contextmanager
def progress_bar(quiet: bool) -> Iterator[Any]:
    """A progress callback (stage, done, total) drawing a rich bar on stderr, or None when it must stay silent."""
    if not progress_enabled(quiet, os.environ, sys.stderr.isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


def password_options(function: Any) -> Any:
    """--encrypt, --password-env and --password-file (never a password argument: it shows in `ps` and history)."""
    for option in reversed((
        click.option("--encrypt", is_flag=True,
                     help="Protect the PDFs with AES-256; password from --password-env, --password-file "
                          "or a prompt on a terminal. Implies --pdf."),
        click.option("--password-env", metavar="VAR", help="Environment variable holding the PDF password."),
        click.option("--password-file", type=click.Path(path_type=Path, dir_okay=False),
                     help="File whose first line is the PDF password."),
    )):
        function = option(function)
    return function


def get_password(encrypt: bool, password_env: str | None, password_file: Path | None) -> str | None:
    """The PDF password when --encrypt is given: from the variable, the file, or a prompt on a terminal."""
    from cspr_docs.errors import InputError

    if not encrypt:
        if password_env or password_file:
            raise click.UsageError("--password-env and --password-file need --encrypt")
        return None
    prompt = password_env is None and password_file is None
    if prompt and not sys.stdin.isatty():
        raise InputError("--encrypt: give --password-env VAR or --password-file FILE (no terminal to ask on)")
    from cspr_docs.pdf.encrypt import read_password

    return read_password(password_env, password_file, prompt)


@cli.command("merge")
@click.argument("kind")
@click.option("--case", "case_path", required=True, type=click.Path(path_type=Path), help="case.yaml or its folder.")
@click.option("--recipients", type=click.Path(path_type=Path, dir_okay=False),
              help="Agency recipients in a .csv, .xlsx or .yaml file (per-agency kinds only) "
                   "[default: the kind's recipients in the case].")
@click.option("--only", multiple=True, metavar="ID",
              help="Only these recipient ids (repeat, or separate with commas).")
@click.option("--out", type=click.Path(path_type=Path),  # a file here is refused by the core: exit 5, as render
              help="Output folder [default: CASE/out/KIND].")
@click.option("--pdf", is_flag=True, help="Also convert each document to PDF (LibreOffice).")
@click.option("--combined", is_flag=True,
              help="Also write one print-ready .docx and one PDF holding every letter, each with a bookmark per "
                   "recipient (the PDF needs LibreOffice; the .docx is written first).")
@click.option("--form-pdf", is_flag=True,
              help="Also write each agency the fillable PDF reply form, pre-filled with the case and the agency "
                   "(information-request-reply only; no LibreOffice).")
@password_options
@click.option("--dry-run", is_flag=True, help="Check every recipient, value and target; write nothing.")
@click.option("--force", is_flag=True, help="Replace existing files.")
@click.option("--quiet", is_flag=True, help="No progress bar and no list of files; errors only.")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="A custom template pack; kinds missing there use the defaults.")
@click.option("--date", "issue_date", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Issue date printed on the documents (YYYY-MM-DD) [default: today].")
@click.option("--draft", is_flag=True, help="Render missing values as [[MISSING: field]] instead of failing.")
@click.option("--timeout", type=click.FloatRange(min=1), default=120, show_default=True,
              help="Seconds each LibreOffice process may run.")
def merge_command(
    kind: str,
    case_path: Path,
    recipients: Path | None,
    only: tuple[str, ...],
    out: Path | None,
    pdf: bool,
    combined: bool,
    form_pdf: bool,
    encrypt: bool,
    password_env: str | None,
    password_file: Path | None,
    dry_run: bool,
    force: bool,
    quiet: bool,
    templates: Path | None,
    issue_date: dt.datetime | None,
    draft: bool,
    timeout: float,
) -> None:
    """One KIND document per recipient, from one compiled template, plus manifest.csv and manifest.json.

    \b
    Kinds: the per-recipient documents (PER in `cspr-docs templates list`): agency kinds go to
    the case's agencies (requests only to those the terms of reference ask), practitioner kinds
    to review.practitioners, family kinds to family members with a `contact`.
    Files: <reference>_<kind>_<recipient id>.docx (and .pdf, and .form.pdf: the fillable PDF
    form with --form-pdf), <reference>_<kind>-combined.docx and .pdf (--combined: every
    letter from a new page, numbered from page 1), manifest.csv and manifest.json
    (recipient id, name, email, files, sha256), written last; family members are listed by
    pseudonym only.
    --recipients files (agency kinds) have the columns of agencies[]: id, name, type,
    contact_name, role, salutation, email, phone, address (lines separated by ';'),
    statutory_partner; headings ignore case, spaces, '-' and '.' ("Contact Name" is
    contact_name); a CSV may be separated by ',', ';' or tabs; every cell is text.
    """
    from cspr_docs.collect import collected
    from cspr_docs.documents import CATALOGUE
    from cspr_docs.documents import recipients as recipients_of
    from cspr_docs.load import load_case
    from cspr_docs.merge import has_form_pdf, merge
    from cspr_docs.recipients import load_recipients, select

    entry = CATALOGUE.get(kind)
    if entry is None or entry.per_recipient is None:
        choices = ", ".join(k.id for k in CATALOGUE.values() if k.per_recipient is not None)
        raise click.BadParameter(f"{kind!r} is not a per-recipient document; choose from: {choices}",
                                 param_hint="KIND")
    if form_pdf and not has_form_pdf(entry):
        raise click.UsageError(f"--form-pdf: no fillable PDF form is shipped for {kind}; it is for "
                               "information-request-reply")
    if recipients is not None and entry.per_recipient != "agency":
        raise click.UsageError(f"--recipients lists agencies; {kind} goes to each {entry.per_recipient}, "
                               "taken from the case (use --only ID to choose some)")
    password = None if dry_run else get_password(encrypt, password_env, password_file)
    loaded = load_case(case_path)
    chosen = load_recipients(recipients) if recipients is not None else recipients_of(loaded.case, entry)
    wanted = [ident.strip() for item in only for ident in item.split(",") if ident.strip()]
    selected = select(chosen, wanted)
    with progress_bar(quiet) as progress:
        result = merge(
            loaded.case,
            entry,
            selected,
            out=out if out is not None else loaded.folder / "out" / kind,
            issue_date=issue_date.date() if issue_date else dt.date.today(),
            templates=templates,
            draft=draft,
            collected=collected(loaded.case, loaded.folder),
            pdf=pdf or encrypt,
            combined=combined,
            form_pdf=form_pdf,
            password=password,
            force=force,
            dry_run=dry_run,
            timeout=timeout,
            progress=progress,
        )
    if dry_run:
        # Ids and file names only: no names of children, family members or contacts.
        for path in result.plan.targets():
            click.echo(f"would write {path}")
        click.echo(f"dry run: {len(result.plan.items)} recipient(s) checked; nothing written")
        return
    if not quiet:
        for path in result.written:
            click.echo(f"wrote {path}{' (encrypted)' if password and path.suffix == '.pdf' else ''}")
        click.echo(f"merged {kind} for {len(result.plan.items)} recipient(s)")
