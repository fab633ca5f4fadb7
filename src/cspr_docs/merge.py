"""Mail merge: one document per recipient from one compiled template, PDFs, combined DOCX and PDF, a manifest."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cspr_docs.documents import DocumentKind, Recipient
from cspr_docs.errors import InputError
from cspr_docs.model import Agency, Case, FamilyMember
from cspr_docs.outputs import TEMP_PREFIX, check_targets, ensure_folder, slug, write_batch
from cspr_docs.render import Renderer, output_name

__all__ = ["MergeItem", "MergePlan", "MergeResult", "Progress", "convert_outputs", "merge", "plan_merge"]

Progress = Callable[[str, int, int], None]
"""Progress callback: (stage, done, total); stages are render, write, pdf, manifest."""

MANIFEST_CSV = "manifest.csv"
MANIFEST_JSON = "manifest.json"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _silent(stage: str, done: int, total: int) -> None:
    del stage, done, total


@dataclass(frozen=True)
class MergeItem:
    """One recipient (an agency, a practitioner or a family member) and the files made for it."""

    recipient: Recipient
    docx: Path
    pdf: Path | None
    form: Path | None = None
    """The pre-filled fillable PDF form (`--form-pdf`): `<docx name without .docx>.form.pdf`."""


@dataclass(frozen=True)
class MergePlan:
    """Every file a merge will write, known (and checked) before anything is rendered or written."""

    kind: DocumentKind
    out: Path
    items: list[MergeItem]
    combined: Path | None
    manifest_csv: Path
    manifest_json: Path
    combined_docx: Path | None = None

    def targets(self) -> list[Path]:
        """Every output path, the manifests last."""
        paths = [item.docx for item in self.items] + [item.pdf for item in self.items if item.pdf]
        paths += [item.form for item in self.items if item.form]
        paths += [path for path in (self.combined_docx, self.combined) if path]
        return [*paths, self.manifest_csv, self.manifest_json]


@dataclass
class MergeResult:
    """What a merge wrote (or, in a dry run, would write), and the sha256 of each file written."""

    plan: MergePlan
    written: list[Path] = field(default_factory=list)
    sha256: dict[Path, str] = field(default_factory=dict)


_WHO = {
    "agency": "agency (agencies, or the terms of reference's contributions for requests)",
    "practitioner": "practitioner invited (review.practitioners)",
    "family": "family member the review writes to (family[].contact)",
}


def plan_merge(
    case: Case, kind: DocumentKind, recipients: Sequence[Recipient], out: Path, *, pdf: bool, combined: bool,
    form_pdf: bool = False,
) -> MergePlan:
    """File names `<reference>_<kind>_<slug(id)>`: unique (ignoring case) and inside `out`, or InputError (exit 3)."""
    if kind.per_recipient is None:
        raise InputError(f"{kind.id}: not a per-recipient document; merge makes one document per recipient")
    if form_pdf and not has_form_pdf(kind):
        raise InputError(f"{kind.id}: no fillable PDF form is shipped for it (--form-pdf is for "
                         "information-request-reply)")
    if not recipients:
        raise InputError(f"case {case.reference}: no recipients to merge {kind.id} to: it goes to each "
                         f"{_WHO[kind.per_recipient]}, and there is none")
    base = out.resolve()
    items: list[MergeItem] = []
    seen: dict[str, str] = {}
    for recipient in recipients:
        docx = out / output_name(case, kind, recipient)
        key = docx.name.casefold()
        if key in seen:
            raise InputError(
                f"recipients {seen[key]!r} and {recipient.id!r} would share the file name {docx.name}; "
                "make their ids distinct (file names ignore case and drop leading or trailing '-' and '_')"
            )
        seen[key] = recipient.id
        if docx.resolve().parent != base:
            raise InputError(f"recipient {recipient.id!r}: the file name would leave the output folder")
        # Ids have no '.', so '<stem>.form.pdf' never meets another recipient's '<stem>.pdf'.
        form = docx.with_name(f"{docx.stem}.form.pdf") if form_pdf else None
        items.append(MergeItem(recipient, docx, docx.with_suffix(".pdf") if pdf else None, form))
    stem = f"{slug(case.reference, max_length=64)}_{kind.id}"
    # '-combined' cannot equal any recipient's '<stem>_<id>' name: the character after the stem differs.
    together = out / f"{stem}-combined.pdf" if combined else None
    together_docx = out / f"{stem}-combined.docx" if combined else None
    return MergePlan(kind, out, items, together, out / MANIFEST_CSV, out / MANIFEST_JSON, together_docx)


def has_form_pdf(kind: DocumentKind) -> bool:
    """Whether `merge --form-pdf` can fill a shipped fillable PDF form for each recipient of `kind`."""
    from cspr_docs.pdf.forms import SHIPPED_FORMS

    return kind.id in SHIPPED_FORMS and kind.per_recipient == "agency"


def merge(
    case: Case,
    kind: DocumentKind,
    recipients: Sequence[Recipient],
    *,
    out: Path,
    issue_date: dt.date,
    templates: Path | None = None,
    draft: bool = False,
    collected: dict[str, Any] | None = None,
    pdf: bool = False,
    combined: bool = False,
    form_pdf: bool = False,
    password: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    timeout: float = 120,
    progress: Progress | None = None,
) -> MergeResult:
    """Render one document per recipient from one compiled template; then PDFs, the combined files, the manifest.

    Every recipient is rendered in memory and every target checked before the first file is written; the
    manifest is written last, so it only exists for a complete merge. `combined`: the combined .docx is written
    with the letters, before any PDF work; once LibreOffice has counted each letter's pages it is written again
    with those counts stored in its page fields (see `combine_documents`), then the combined PDF. If PDF
    conversion or encryption fails, the .docx files (the combined one too) stay (valid) and no PDF is left.
    `collected`: what the templates see of the collected replies, as for `render` (see
    `cspr_docs.collect.collected`). `form_pdf`: also each recipient's copy of the shipped fillable PDF form,
    pre-filled with the case and the agency (pypdf; no LibreOffice, never encrypted).

    Raises:
        InputError / TemplateError: bad recipients, colliding file names, a template or value problem (exit 3).
        ExternalToolError: LibreOffice missing or failing, or encryption failing (exit 4).
        OutputError: a target exists without `force`, or cannot be written (exit 5).
    """
    report = progress or _silent
    plan = plan_merge(case, kind, recipients, out, pdf=pdf, combined=combined, form_pdf=form_pdf)
    check_targets(plan.targets(), force=force)
    renderer = Renderer(case, templates=templates, draft=draft, issue_date=issue_date, collected=collected)
    documents: dict[Path, bytes] = {}
    total = len(plan.items)
    for done, item in enumerate(plan.items, start=1):
        documents[item.docx] = renderer.render(kind, item.recipient)
        report("render", done, total)
    if form_pdf:
        from cspr_docs.pdf.forms import fill_forms, shipped_form

        agencies = [item.recipient for item in plan.items if isinstance(item.recipient, Agency)]
        filled = fill_forms(*shipped_form(kind.id), case, agencies)
        documents.update({item.form: data for item, data in zip(plan.items, filled, strict=True) if item.form})
    result = MergeResult(plan)
    if dry_run:
        if pdf or combined:
            from cspr_docs.pdf.convert import find_soffice

            find_soffice()
        return result
    title = f"{case.reference}: {kind.title}"
    letters = [(item.recipient.id, documents[item.docx]) for item in plan.items]
    if plan.combined_docx is not None:
        from cspr_docs.render.combine import combine_documents

        documents[plan.combined_docx] = combine_documents(letters, title=title)
    ensure_folder(out)
    if force:  # an old manifest would vouch for files this run replaces, even if the run then fails
        for stale in (plan.manifest_csv, plan.manifest_json):
            stale.unlink(missing_ok=True)
    result.written += write_batch(documents, force=force)
    report("write", total, total)
    files = dict(documents)
    if pdf or combined:
        parts = [(_bookmark(item.recipient), item.docx) for item in plan.items]
        made, pages = _make_pdfs(out, parts, combined=plan.combined, keep=pdf, title=title, password=password,
                                 timeout=timeout, report=report, template=kind.id)
        if plan.combined_docx is not None:
            from cspr_docs.render.combine import combine_documents

            # The same letters, now with their page counts for readers that cannot count a section's pages.
            counted = {plan.combined_docx: combine_documents(letters, title=title, page_counts=pages)}
            write_batch(counted, force=True)  # replaces the file this run wrote above
            files.update(counted)
        result.written += write_batch(made, force=force)
        files.update(made)
    result.sha256 = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
    manifests = _manifests(case, plan, result.sha256, issue_date=issue_date, encrypted=password is not None)
    result.written += write_batch(manifests, force=force)
    report("manifest", 1, 1)
    return result


def convert_outputs(
    docx_paths: Sequence[Path],
    *,
    password: str | None = None,
    force: bool = False,
    timeout: float = 120,
    progress: Progress | None = None,
) -> list[Path]:
    """PDFs next to written .docx files (`render --pdf`), encrypted before they reach their folder.

    Raises:
        ExternalToolError: LibreOffice missing or failing, or encryption failing (exit 4): no PDF is left.
        OutputError: a PDF exists without `force` (exit 5).
    """
    report = progress or _silent
    by_folder: dict[Path, list[Path]] = {}
    for path in docx_paths:
        by_folder.setdefault(path.parent, []).append(path)
    targets = [path.with_suffix(".pdf") for path in docx_paths]
    check_targets(targets, force=force)
    made: dict[Path, bytes] = {}
    for folder, paths in by_folder.items():
        made.update(_make_pdfs(folder, [(p.stem, p) for p in paths], combined=None, keep=True, title="",
                               password=password, timeout=timeout, report=report)[0])
    return write_batch(made, force=force)


def _listed(recipient: Recipient) -> tuple[str, str]:
    """(name, email) for bookmarks and manifests: a family member by pseudonym and no contact (restricted)."""
    if isinstance(recipient, FamilyMember):
        return recipient.pseudonym, ""
    if isinstance(recipient, Agency):
        return recipient.name, recipient.contact.email
    return recipient.name, recipient.email


def _bookmark(recipient: Recipient) -> str:
    return f"{_listed(recipient)[0]} ({recipient.id})"


def _make_pdfs(
    folder: Path,
    parts: list[tuple[str, Path]],
    *,
    combined: Path | None,
    keep: bool,
    title: str,
    password: str | None,
    timeout: float,
    report: Progress,
    template: str = "",
) -> tuple[dict[Path, bytes], list[int]]:
    """Convert, bundle and encrypt in a private staging folder inside `folder`.

    Returns {final path: bytes}, and the page count of each part when `combined` is asked for (else []).

    Nothing reaches `folder` here: a plain PDF never sits where an encrypted one is expected, and a failure
    leaves no PDF at all (the staging folder is removed whatever happens).
    """
    from cspr_docs.pdf.convert import convert_to_pdf

    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}pdf-", dir=folder))
    try:
        report("pdf", 0, len(parts))
        converted = convert_to_pdf([path for _, path in parts], staging / "pdf", timeout=timeout)
        report("pdf", len(parts), len(parts))
        staged = {folder / pdf.name: pdf for pdf in converted} if keep else {}
        pages: list[int] = []
        if combined is not None:
            from pypdf import PdfReader

            from cspr_docs.pdf.bundle import bundle_pdfs

            pages = [len(PdfReader(pdf).pages) for pdf in converted]  # verified PDFs LibreOffice just wrote
            labelled = [(label, pdf) for (label, _), pdf in zip(parts, converted, strict=True)]
            staged[combined] = bundle_pdfs(labelled, staging / combined.name, title=title, template=template)
        if password is not None:
            from cspr_docs.pdf.encrypt import encrypt_pdf

            for done, pdf in enumerate(staged.values(), start=1):
                encrypt_pdf(pdf, password)
                report("encrypt", done, len(staged))
        return {target: pdf.read_bytes() for target, pdf in staged.items()}, pages
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _cell(value: str) -> str:
    # Spreadsheets run a cell starting with = + - @ as a formula: a recipient file must not inject one.
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _manifests(
    case: Case, plan: MergePlan, sha256: dict[Path, str], *, issue_date: dt.date, encrypted: bool
) -> dict[Path, bytes]:
    """manifest.csv (one row per recipient) and manifest.json: ids, names, emails, files and sha256.

    Agencies and practitioners are listed by name and email; family members by pseudonym only.
    """
    rows = []
    for item in plan.items:
        files = [{"file": p.name, "sha256": sha256[p]} for p in (item.docx, item.pdf, item.form) if p is not None]
        name, email = _listed(item.recipient)
        rows.append({"id": item.recipient.id, "name": name, "email": email, "files": files})
    combined = {"file": plan.combined.name, "sha256": sha256[plan.combined]} if plan.combined else None
    combined_docx = ({"file": plan.combined_docx.name, "sha256": sha256[plan.combined_docx]}
                     if plan.combined_docx else None)
    document = {
        "case": case.reference,
        "kind": plan.kind.id,
        "recipient_type": plan.kind.per_recipient,
        "issue_date": issue_date.isoformat(),
        "encrypted_pdfs": encrypted,
        "recipients": rows,
        "combined": combined,
        "combined_docx": combined_docx,
    }
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    pdf = any(item.pdf for item in plan.items)
    form = any(item.form for item in plan.items)
    writer.writerow(["recipient_id", "name", "email", "docx", "docx_sha256", *(["pdf", "pdf_sha256"] if pdf else []),
                     *(["form_pdf", "form_pdf_sha256"] if form else [])])
    for row in rows:
        cells = [row["id"], row["name"], row["email"]]
        for entry in row["files"]:
            cells += [entry["file"], entry["sha256"]]
        writer.writerow([_cell(str(cell)) for cell in cells])
    return {
        plan.manifest_csv: text.getvalue().encode("utf-8-sig"),
        plan.manifest_json: (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    }
