"""Packs: several PDFs joined into one, a bookmark per part, clean metadata and optional page numbers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from cspr_docs.errors import InputError
from cspr_docs.outputs import check_targets, ensure_folder, write_atomic
from cspr_docs.pdf.probe import inspect_pdfs

PRODUCER = "cspr-docs"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _stamp_page(width: float, height: float, text: str):
    """A transparent page holding only `text` centred at the foot, in Helvetica (a standard font: nothing embedded)."""
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    size = 9
    text_width = len(text) * size * 0.5  # Helvetica averages about half an em per character
    x, y = max(0.0, (width - text_width) / 2), 18.0
    page = PageObject.create_blank_page(width=width, height=height)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/FCsprStamp"): font})}
    )
    stream = DecodedStreamObject()
    stream.set_data(f"q BT /FCsprStamp {size} Tf 0 g {x:.2f} {y:.2f} Td ({_escape(text)}) Tj ET Q".encode("latin-1"))
    page[NameObject("/Contents")] = stream
    return page


def _number_pages(writer) -> None:
    from pypdf import Transformation

    total = len(writer.pages)
    for index, page in enumerate(writer.pages, start=1):
        box = page.mediabox
        stamp = _stamp_page(float(box.width), float(box.height), f"Page {index} of {total}")
        # Stamps sit in the page's own coordinates, which need not start at 0,0.
        page.merge_transformed_page(stamp, Transformation().translate(float(box.left), float(box.bottom)))


def bundle_pdfs(
    parts: Sequence[tuple[str, Path]],
    out: Path,
    *,
    title: str,
    number_pages: bool = False,
    force: bool = False,
    template: str = "",
) -> Path:
    """Join PDFs into `out`: one top-level bookmark per part (its title -> its first page), metadata set.

    The parts may come from outside (agency replies): they are size-checked and parsed first in a limited
    child process. Metadata is only /Title, /Producer and, given `template`, /CsprTemplate (what the file is, for
    `check`): nothing (author, creator) is taken from the parts or the environment.

    Raises:
        InputError / DraftError: no parts, or a part is missing, not a PDF, encrypted, corrupt or empty (exit 3).
        ExternalToolError: a part took too long or too much memory to parse (exit 4).
        OutputError: `out` exists without `force` or cannot be written (exit 5).
    """
    from pypdf import PdfReader, PdfWriter

    if not parts:
        raise InputError(f"{out}: a pack needs at least one part")
    ensure_folder(out.parent)
    check_targets([out], force=force)
    inspect_pdfs([path for _, path in parts])
    writer = PdfWriter()
    starts: list[tuple[str, int]] = []
    for part_title, path in parts:
        starts.append((part_title, len(writer.pages)))
        writer.append(PdfReader(path, strict=False), import_outline=False)
    for part_title, first_page in starts:
        writer.add_outline_item(title=part_title, page_number=first_page)
    if number_pages:
        _number_pages(writer)
    writer.metadata = None
    writer.add_metadata({"/Title": title, "/Producer": PRODUCER, **({"/CsprTemplate": template} if template else {})})
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer.write(buffer)
    return write_atomic(out, buffer.getvalue(), force=force)
