"""`cspr-docs bundle` (bookmarked PDF packs) and `cspr-docs form fill|fields` (fillable PDF forms)."""

from __future__ import annotations

from pathlib import Path

import click

from cspr_docs.cli.app import cli

_CASE = click.option("--case", "case", type=click.Path(path_type=Path), required=True,
                     help="The case folder or its case.yaml.")
_FORCE = click.option("--force", is_flag=True, help="Replace an existing output file.")


@cli.command("bundle")
@click.argument("pack")
@_CASE
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="The pack PDF (default: <case>/out/<reference>-<pack>.pdf).")
@click.option("--packs", "packs_file", type=click.Path(path_type=Path, dir_okay=False),
              help="YAML file declaring packs: NAME: {title:, parts: [{title:, files:, each:, optional:}]}.")
@click.option("--notification", type=click.Path(path_type=Path, dir_okay=False),
              help="The local authority's notification PDF, in place of the referral form.")
@click.option("--number-pages", is_flag=True, help='Stamp "Page X of Y" at the foot of every page.')
@click.option("--encrypt", is_flag=True, help="Protect the PDF with AES-256 (password from env, file or prompt).")
@click.option("--password-env", metavar="VAR", help="Environment variable holding the PDF password.")
@click.option("--password-file", type=click.Path(path_type=Path, dir_okay=False),
              help="File whose first line is the PDF password.")
@click.option("--password-prompt", is_flag=True, help="Ask for the PDF password on the terminal.")
@click.option("--timeout", type=click.FloatRange(min=1), default=120, show_default=True,
              help="Seconds LibreOffice may take to convert .docx parts.")
@_FORCE
def bundle_command(
    pack: str,
    case: Path,
    out: Path | None,
    packs_file: Path | None,
    notification: Path | None,
    number_pages: bool,
    encrypt: bool,
    password_env: str | None,
    password_file: Path | None,
    password_prompt: bool,
    timeout: float,
    force: bool,
) -> None:
    """Join a pack's documents into one PDF with a bookmark per part (built in: rapid-review-meeting).

    \b
    rapid-review-meeting = the referral form (or --notification FILE), the combined summary
    (out/*referral-form*, out/*combined-summary*) and every agency reply in replies/;
    .docx parts without a PDF are converted with LibreOffice.
    """
    from cspr_docs.load import load_case
    from cspr_docs.pdf.encrypt import read_password
    from cspr_docs.pdf.packs import build_pack

    if not encrypt and (password_env or password_file or password_prompt):
        raise click.UsageError("a password option needs --encrypt")
    password = read_password(password_env, password_file, password_prompt) if encrypt else None
    case_file = load_case(case)
    written = build_pack(pack, case_file, out, packs_file=packs_file, notification=notification,
                         number_pages=number_pages, password=password, timeout=timeout, force=force)
    click.echo(f"wrote {written}{' (encrypted)' if password else ''}")


@cli.group("form")
def form_group() -> None:
    """Fill PDF forms (AcroForm) from case data."""


def _form_and_map(form: str, field_map: Path | None) -> tuple[Path, Path]:
    from cspr_docs.pdf.forms import SHIPPED_FORMS, shipped_form

    if form in SHIPPED_FORMS and not Path(form).exists():
        pdf, default_map = shipped_form(form)
        return pdf, field_map or default_map
    if field_map is None:
        raise click.UsageError("--map FILE is needed for a form that is not shipped with cspr-docs")
    return Path(form), field_map


@form_group.command("fill")
@click.argument("form")
@_CASE
@click.option("--map", "field_map", type=click.Path(path_type=Path, dir_okay=False),
              help="YAML field map 'PDF field name: case.field.path' (default: the shipped form's own map).")
@click.option("--agency", metavar="ID", help="Fill the form for this agency of the case (the map's recipient.* paths).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="The filled PDF.")
@click.option("--flatten", is_flag=True, help="Burn the values into the page; the result is no longer editable.")
@_FORCE
def form_fill_command(
    form: str, case: Path, field_map: Path | None, agency: str | None, out: Path, flatten: bool, force: bool
) -> None:
    """Fill FORM (a PDF, or a shipped form: referral-form, information-request-reply) from the case.

    \b
    With --agency ID the reply form is pre-filled for that agency: its read-only agency_id,
    case_reference and template_version fields tell `collect` whose reply it is.
    """
    from cspr_docs.errors import InputError
    from cspr_docs.load import load_case
    from cspr_docs.pdf.forms import fill_form

    pdf, map_file = _form_and_map(form, field_map)
    loaded = load_case(case)
    recipient = None
    if agency is not None:
        try:
            recipient = loaded.case.agency(agency)
        except KeyError:
            raise InputError(f"{loaded.path}: --agency {agency}: no agency with that id in agencies") from None
    result = fill_form(pdf, map_file, loaded.case, out, recipient=recipient, flatten=flatten, force=force)
    if result.need_recipient:
        click.echo(f"warning: {len(result.need_recipient)} field(s) for the agency left empty: "
                   f"{', '.join(result.need_recipient)} (give --agency ID)", err=True)
    if result.unmapped:
        click.echo(f"warning: {len(result.unmapped)} form field(s) not in the map, left empty: "
                   f"{', '.join(result.unmapped)}", err=True)
    click.echo(f"wrote {result.path} ({len(result.filled)} field(s) filled{', flattened' if flatten else ''})")


@form_group.command("fields")
@click.argument("form")
def form_fields_command(form: str) -> None:
    """List a PDF form's fields (name and type), to write a field map."""
    from cspr_docs.pdf.forms import list_fields

    pdf, _ = _form_and_map(form, Path("-"))
    for name, kind in list_fields(pdf):
        click.echo(f"{name}\t{kind}")
