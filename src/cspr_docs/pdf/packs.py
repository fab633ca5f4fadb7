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


def _matches(folder: Path, pattern: str) -> list[Path]:
    """Files the pattern matches, hidden files and Office lock files left out."""
    return sorted(p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith((".", "~$")))


def _candidates(matched: list[Path]) -> list[Path]:
    """The documents among the matches, one per stem, a PDF preferred over the document it was made from."""
    by_stem: dict[Path, Path] = {}
    for path in matched:
        if path.suffix.lower() not in _SUFFIXES:
            continue
        key = path.with_suffix("")
        if key not in by_stem or path.suffix.lower() == ".pdf":
            by_stem[key] = path
    return sorted(by_stem.values())


def _agency_of(path: Path, agencies: list[Any]) -> Any | None:
    """The agency whose id the file name carries (`csc.docx`, `CSPR-0000-00-csc.pdf`), longest id first."""
    for agency in sorted(agencies, key=lambda a: -len(a.id)):
        if re.search(rf"(?<![a-z0-9]){re.escape(agency.id.lower())}(?![a-z0-9])", path.stem.lower()):
            return agency
    return None


def _in_agency_order(found: list[Path], agencies: list[Any]) -> list[Path]:
    """Agencies' files in the case's agency order, then any other file by name."""
    position = {a.id: i for i, a in enumerate(agencies)}

    def key(path: Path) -> tuple[int, str]:
        agency = _agency_of(path, agencies)
        return (position[agency.id] if agency else len(agencies), path.name)

    return sorted(found, key=key)


def _collected_without_file(case_file: Any, matched: list[Path], found: list[Path]) -> None:
    """Refuse a part that matches collected replies (replies/<agency id>.yaml) but not the file the agency returned.

    `collect` keeps that file as replies/<agency id>.docx or .pdf; replies collected before it did have no file.
    """
    folder: Path = case_file.folder
    agencies = case_file.case.agencies
    ids = {a.id for a in agencies}
    covered = {a.id for a in (_agency_of(p, agencies) for p in found) if a is not None}
    missing: dict[Path, list[str]] = {}
    for path in matched:
        if path.suffix == ".yaml" and path.stem in ids and path.stem not in covered and path.parent in (
            folder / "replies", folder / "chronologies"
        ):
            missing.setdefault(path.parent, []).append(path.stem)
    for where, agency_ids in missing.items():
        sub = where.name
        what = "replies" if sub == "replies" else "chronologies"
        raise InputError(
            f"{where}: collected {what} of agenc{'y' if len(agency_ids) == 1 else 'ies'} {', '.join(agency_ids)} "
            f"have no returned file for the pack (collected before `collect` kept the files, or the file was "
            f"removed). Collect each returned .docx or .pdf again (cspr-docs collect FILE... --case "
            f"{case_file.path}), which keeps it as {sub}/<agency id>.docx or .pdf, or copy it there yourself"
        )


def _nothing_found(folder: Path, part: PartSpec, matched: list[Path]) -> InputError:
    if matched:
        message = (f"{folder}: '{part.files}' matches no .pdf, .docx or .odt file for the part '{part.title}' "
                   f"({len(matched)} other file(s))")
    else:
        message = f"{folder}: no file matches '{part.files}' for the part '{part.title}'"
    if part.files.startswith("replies/"):
        message += "; collect the agencies' replies first (cspr-docs collect FILE... --case CASE)"
    return InputError(message)


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
        matched = _matches(folder, part.files)
        found = _candidates(matched)
        _collected_without_file(case_file, matched, found)
        if not found:
            if part.optional:
                continue
            raise _nothing_found(folder, part, matched)
        if not part.each and len(found) > 1:
            raise InputError(f"{folder}: {len(found)} files match '{part.files}' for the part '{part.title}'; "
                             "make the pattern match one")
        for path in _in_agency_order(found, case.agencies):
            agency = _agency_of(path, case.agencies)
            resolved.append((part.title.replace("{name}", agency.name if agency else path.stem), path))
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
                             number_pages=number_pages, template=f"pack:{spec.name}")
        if password is not None:
            encrypt_pdf(staged, password)
        return write_atomic(target, staged.read_bytes(), force=force)
    finally:
        shutil.rmtree(work, ignore_errors=True)
