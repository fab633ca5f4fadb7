"""The template pack: where default templates live, custom packs with fallback, listing and export."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import cspr_docs
from cspr_docs.documents import CATALOGUE, DocumentKind
from cspr_docs.errors import InputError, TemplateError
from cspr_docs.outputs import ensure_folder, write_batch


def default_templates_dir() -> Path:
    """The shipped pack: inside the installed wheel, else the repository's `templates/` (editable install)."""
    try:
        installed = resources.files("cspr_docs") / "templates"
        if installed.is_dir():
            return Path(str(installed))
    except (ModuleNotFoundError, NotADirectoryError, TypeError):
        pass
    return Path(cspr_docs.__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class TemplateSource:
    """The template file a kind renders from, and whether it comes from a custom pack."""

    kind: DocumentKind
    path: Path
    custom: bool


def _check_dir(templates: Path) -> None:
    if not templates.is_dir():
        raise InputError(f"{templates}: template folder not found")


def find_template(kind: DocumentKind, templates: Path | None = None) -> TemplateSource:
    """The custom pack's file for `kind` when `templates` has one, else the default; TemplateError if neither."""
    if templates is not None:
        _check_dir(templates)
        candidate = templates / kind.template
        if candidate.is_file():
            return TemplateSource(kind, candidate, True)
    default = default_templates_dir() / kind.template
    if not default.is_file():
        raise TemplateError(f"{default}: no template for {kind.id} (the default pack is incomplete)")
    return TemplateSource(kind, default, False)


def list_templates(templates: Path | None = None) -> list[tuple[DocumentKind, TemplateSource | None]]:
    """Every catalogue kind with the template it would use (None when the default is missing too)."""
    result = []
    for kind in CATALOGUE.values():
        try:
            result.append((kind, find_template(kind, templates)))
        except TemplateError:
            result.append((kind, None))
    return result


def pack_files(templates: Path | None = None) -> list[Path]:
    """The .docx files of a pack (the default pack when `templates` is None)."""
    folder = templates if templates is not None else default_templates_dir()
    _check_dir(folder)
    return sorted(p for p in folder.glob("*.docx") if p.is_file() and not p.name.startswith(("~$", ".")))


def export_pack(dest: Path, *, force: bool) -> list[Path]:
    """Copy the default pack's .docx templates into `dest` for a partnership to edit; nothing replaced without force."""
    sources = pack_files(None)
    if not sources:
        raise TemplateError(f"{default_templates_dir()}: the default template pack is empty")
    ensure_folder(dest)
    return write_batch({dest / src.name: src.read_bytes() for src in sources}, force=force)
