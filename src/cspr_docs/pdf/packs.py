"""Meeting packs: which files of a case folder go into one bookmarked PDF, converting .docx parts on the way."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cspr_docs.errors import DataError, InputError
from cspr_docs.load import read_yaml
from cspr_docs.outputs import check_targets, ensure_folder, slug, write_atomic

BUILT_IN = "rapid-review-meeting"
_SUFFIXES = (".pdf", ".docx", ".odt")


@dataclass(frozen=True)
class PartSpec:
    """One entry of a pack: a title and a glob relative to the case folder; `each` makes one part per file."""

    title: str
    files: str
    each: bool = False
    optional: bool = False


@dataclass(frozen=True)
class PackSpec:
    """A named list of parts."""

    name: str
    title: str
    parts: tuple[PartSpec, ...]


RAPID_REVIEW_MEETING = PackSpec(
    BUILT_IN,
    "Rapid review meeting pack",
    (
        PartSpec("Referral form", "out/*referral-form*"),
        PartSpec("Combined summary", "out/*combined-summary*"),
        PartSpec("Agency reply: {name}", "replies/*", each=True),
    ),
)


def _part(entry: Any, loc: tuple[str | int, ...], doc: Any, problems: list) -> PartSpec | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("title"), str) or not isinstance(
        entry.get("files"), str
    ):
        problems.append(doc.problem(loc, "a part needs `title:` and `files:` (a pattern inside the case folder)"))
        return None
    unknown = set(entry) - {"title", "files", "each", "optional"}
    if unknown:
        problems.append(doc.problem(loc + (min(unknown),), "unknown key (title, files, each, optional)"))
    pattern = PurePosixPath(entry["files"])
    if pattern.is_absolute() or ".." in pattern.parts:
        problems.append(doc.problem(loc + ("files",), "must be a pattern inside the case folder (no '..', not absolute)"))
    return PartSpec(entry["title"], entry["files"], entry.get("each") is True, entry.get("optional") is True)


def load_pack(name: str, packs_file: Path | None) -> PackSpec:
    """The pack called `name`: from `packs_file` (YAML `NAME: {title:, parts: [...]}`) or the built-in one."""
    if packs_file is None:
        if name != BUILT_IN:
            raise InputError(f"{name}: unknown pack (built in: {BUILT_IN}; others come from --packs FILE)")
        return RAPID_REVIEW_MEETING
    doc = read_yaml(packs_file)
    if not isinstance(doc.data, dict):
        raise DataError([doc.problem((), "a packs file maps pack names to {title:, parts: [...]}")])
    if name not in doc.data:
        if name == BUILT_IN:
            return RAPID_REVIEW_MEETING
        raise InputError(f"{packs_file}: no pack named '{name}' (it has: {', '.join(map(str, doc.data)) or 'none'})")
    spec = doc.data[name]
    parts = spec.get("parts") if isinstance(spec, dict) else None
    if not isinstance(parts, list) or not parts:
        raise DataError([doc.problem((name,), "a pack needs `parts:`, a list of {title:, files:}")])
    problems: list = []
    specs = [_part(entry, (name, "parts", i), doc, problems) for i, entry in enumerate(parts)]
    if problems:
        raise DataError(problems)
    title = spec.get("title") if isinstance(spec.get("title"), str) else name
    return PackSpec(name, title, tuple(s for s in specs if s is not None))


def _candidates(folder: Path, pattern: str) -> list[Path]:
    """Files matching the pattern, one per stem, a PDF preferred over the document it was made from."""
    by_stem: dict[Path, Path] = {}
    for path in sorted(folder.glob(pattern)):
        if not path.is_file() or path.suffix.lower() not in _SUFFIXES or path.name.startswith((".", "~$")):
            continue
        key = path.with_suffix("")
        if key not in by_stem or path.suffix.lower() == ".pdf":
            by_stem[key] = path
    return sorted(by_stem.values())


def _reply_title(template: str, path: Path, agencies: list[Any]) -> str:
    name = path.stem
    for agency in sorted(agencies, key=lambda a: -len(a.id)):
        if re.search(rf"(?<![a-z0-9]){re.escape(agency.id.lower())}(?![a-z0-9])", path.stem.lower()):
            name = agency.name
            break
    return template.replace("{name}", name)


def resolve_parts(spec: PackSpec, case_file: Any, notification: Path | None) -> list[tuple[str, Path]]:
    """The pack's parts as (bookmark title, file) in order; a notification PDF replaces the referral form."""
    folder: Path = case_file.folder
    case = case_file.case
    resolved: list[tuple[str, Path]] = []
    for index, part in enumerate(spec.parts):
        if spec is RAPID_REVIEW_MEETING and index == 0 and (notification or case.route == "notification"):
            if notification is None:
                raise InputError(
                    f"{case_file.path}: a notification case: give the notification PDF with --notification FILE"
                )
            resolved.append(("Serious incident notification", notification))
            continue
        found = _candidates(folder, part.files)
        if not found:
            if part.optional:
                continue
            raise InputError(f"{folder}: no file matches '{part.files}' for the part '{part.title}'")
        if not part.each and len(found) > 1:
            raise InputError(f"{folder}: {len(found)} files match '{part.files}' for the part '{part.title}'; "
                             "make the pattern match one")
        resolved.extend((_reply_title(part.title, p, case.agencies), p) for p in found)
    return resolved


def _check_document(path: Path) -> None:
    """Refuse a document LibreOffice should not open (InputError, exit 3): parts may come from agencies' replies.

    Zip bombs, encrypted parts, macros or ActiveX, DOCTYPE/entities, and links to external templates, images or
    objects (which LibreOffice could fetch) are refused; web and mail hyperlinks are fine.
    """
    from cspr_docs.safezip import check_docx

    check_docx(path, error=InputError, refuse_external=True).close()


def build_pack(
    pack: str,
    case_file: Any,
    out: Path | None,
    *,
    packs_file: Path | None = None,
    notification: Path | None = None,
    number_pages: bool = False,
    password: str | None = None,
    timeout: float = 120,
    force: bool = False,
) -> Path:
    """Build a pack PDF for a loaded case; .docx parts are converted first (one LibreOffice batch).

    With a password the pack is encrypted before it reaches `out`, so no plain copy is ever published.

    Raises:
        InputError: a part is missing or ambiguous, or a document part is unsafe to open (exit 3).
    """
    from cspr_docs.pdf.bundle import bundle_pdfs
    from cspr_docs.pdf.convert import convert_to_pdf
    from cspr_docs.pdf.encrypt import encrypt_pdf

    spec = load_pack(pack, packs_file)
    target = out or case_file.folder / "out" / f"{slug(case_file.case.reference)}-{slug(spec.name)}.pdf"
    ensure_folder(target.parent)
    check_targets([target], force=force)
    parts = resolve_parts(spec, case_file, notification)
    for path in sorted({p for _, p in parts if p.suffix.lower() != ".pdf"}):
        _check_document(path)
    work = Path(tempfile.mkdtemp(prefix="cspr-pack-"))
    try:
        documents = sorted({p for _, p in parts if p.suffix.lower() != ".pdf"})
        renamed = {doc: work / "docs" / f"part{i}{doc.suffix.lower()}" for i, doc in enumerate(documents)}
        (work / "docs").mkdir()
        for source, copy in renamed.items():  # distinct stems for LibreOffice, whatever the sources are called
            shutil.copyfile(source, copy)
        pdfs = convert_to_pdf(list(renamed.values()), work / "pdf", timeout=timeout)
        converted = {source: pdf for source, pdf in zip(renamed, pdfs, strict=True)}
        final = [(title, converted.get(path, path)) for title, path in parts]
        staged = bundle_pdfs(final, work / "pack.pdf", title=f"{spec.title}: {case_file.case.reference}",
                             number_pages=number_pages)
        if password is not None:
            encrypt_pdf(staged, password)
        return write_atomic(target, staged.read_bytes(), force=force)
    finally:
        shutil.rmtree(work, ignore_errors=True)
