"""The partnership logo: found and checked when the case loads, embedded once per compiled template."""

from __future__ import annotations

import posixpath
import re
import struct
import zlib
from dataclasses import dataclass
from html import escape
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, Literal

from markupsafe import Markup

from cspr_docs.errors import DataError, Problem
from cspr_docs.render import _zip

if TYPE_CHECKING:
    from cspr_docs.render.docx import CompiledTemplate

FIELD = "partnership.logo"
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_SIDE_PIXELS = 10_000
MAX_ASPECT = 20
HEIGHT_EMU = 648_000  # 1.8 cm (360 000 EMU per cm)
MAX_WIDTH_EMU = 2_700_000  # 7.5 cm: the letterhead's left cell is 8 cm wide
DOCPR_ID = 900_000_001  # far above the ids the engine numbers drawings with (from 1000)
REL_ID = "rIdCsprLogo"
HOOK = "document.logo"

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPE = {"png": "image/png", "jpeg": "image/jpeg"}


class LogoRefused(ValueError):
    """Why a logo cannot be used; the message names no case value."""


@dataclass(frozen=True)
class LogoImage:
    """A checked logo: its bytes, format and pixel size."""

    path: Path
    data: bytes
    format: Literal["png", "jpeg"]
    width: int
    height: int

    def extent(self) -> tuple[int, int]:
        """Width and height in EMU: 1.8 cm high with the aspect kept, narrowed to fit the letterhead cell."""
        width, height = round(HEIGHT_EMU * self.width / self.height), HEIGHT_EMU
        if width > MAX_WIDTH_EMU:
            width, height = MAX_WIDTH_EMU, round(MAX_WIDTH_EMU * self.height / self.width)
        return width, height


def resolve_logo_path(value: str, folder: Path) -> Path:
    """The logo file named by `value`, relative to `folder`; refuses absolute paths and paths leaving it."""
    if PureWindowsPath(value).is_absolute() or PureWindowsPath(value).drive or PurePosixPath(value).is_absolute():
        raise LogoRefused("an absolute path is not allowed; give a path relative to the partnership folder")
    if value.startswith("\\"):
        raise LogoRefused("an absolute path is not allowed; give a path relative to the partnership folder")
    base = folder.resolve()
    target = (base / value.replace("\\", "/")).resolve()
    if not target.is_relative_to(base):
        raise LogoRefused("the path leaves the partnership folder (the logo must be inside it)")
    return target


def image_size(data: bytes) -> tuple[Literal["png", "jpeg"], int, int]:
    """Format and pixel size from the header only (PNG IHDR, JPEG start-of-frame)."""
    if data.startswith(_PNG):
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise LogoRefused("the PNG header is damaged")
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    if data.startswith(b"\xff\xd8\xff"):
        return ("jpeg", *_jpeg_size(data))
    raise LogoRefused("not a PNG or JPEG image (checked by its first bytes)")


def _jpeg_size(data: bytes) -> tuple[int, int]:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            break
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        if marker in _JPEG_SOF:
            if length < 7 or at + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        if marker == 0xDA or length < 2:  # image data before any frame header
            break
        at += 2 + length
    raise LogoRefused("the JPEG header is damaged (no frame size found)")


def read_logo(path: Path) -> LogoImage:
    """Read and check a logo file: PNG or JPEG by magic bytes, at most 2 MiB, a sensible pixel size."""
    try:
        if not path.is_file():
            raise LogoRefused("file not found (the path is relative to the partnership folder)")
        size = path.stat().st_size
        if size > MAX_LOGO_BYTES:
            raise LogoRefused(f"the image is {size // 1024} KiB, over the {MAX_LOGO_BYTES // 1024} KiB limit")
        with path.open("rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except OSError as exc:
        raise LogoRefused(f"cannot read the image ({exc.strerror})") from None
    if len(data) > MAX_LOGO_BYTES:
        raise LogoRefused(f"the image is over the {MAX_LOGO_BYTES // 1024} KiB limit")
    kind, width, height = image_size(data)
    if not (0 < width <= MAX_SIDE_PIXELS and 0 < height <= MAX_SIDE_PIXELS):
        raise LogoRefused(f"the image is {width}×{height} pixels; each side must be 1 to {MAX_SIDE_PIXELS}")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise LogoRefused(f"the image is {width}×{height} pixels, too long and thin for a letterhead "
                          f"(at most {MAX_ASPECT}:1)")
    return LogoImage(path, data, kind, width, height)


@dataclass(frozen=True)
class LogoRef:
    """A logo path that passed the path checks, with the place of the field for later errors."""

    path: Path
    place: tuple[str, int | None, int | None]

    def read(self) -> LogoImage:
        """The checked image. Raises DataError naming the file, place and field (exit 3)."""
        try:
            return read_logo(self.path)
        except LogoRefused as exc:
            raise DataError([Problem(*self.place, FIELD, str(exc))]) from None


def check_logo_path(value: str, source: Path, place: tuple[str, int | None, int | None] | None = None) -> LogoRef:
    """The logo named in `source` (the file holding the field), relative to its folder; the image is read later.

    Raises:
        DataError: an absolute path or one leaving the folder, naming the file, place and `partnership.logo`.
    """
    place = place or (str(source), None, None)
    try:
        return LogoRef(resolve_logo_path(value.strip(), source.parent), place)
    except LogoRefused as exc:
        raise DataError([Problem(*place, FIELD, str(exc))]) from None


def attach_logo(partnership: Any, logo: LogoRef | None) -> None:
    """Keep the checked logo path with the partnership (load_case does this)."""
    partnership._logo_image = logo


def attached_logo(partnership: Any) -> LogoRef | None:
    """The logo load_case checked, or None (no logo, or a partnership built in code rather than loaded)."""
    return getattr(partnership, "_logo_image", None)


def uses_logo(template: CompiledTemplate) -> list[str]:
    """The templated parts that print `document.logo`."""
    return [name for name, part in template.parts.items()
            if HOOK in part.source and part.role != "document properties"]


class LogoEmbed:
    """The image part and drawing XML of one logo: read and prepared once, on the first template with the hook."""

    def __init__(self, ref: LogoRef, description: str) -> None:
        self.ref = ref
        self.description = description
        self.logo: LogoImage | None = None
        self.markup: Markup | None = None  # the value of `document.logo`, once a template needs it

    def embed(self, template: CompiledTemplate) -> None:
        """Add the image part, a relationship in each part using the hook, and its content type.

        Raises:
            DataError: the image is missing or refused (only when a template prints the logo).
        """
        users = uses_logo(template)
        if not users:
            return
        if self.logo is None:
            self.logo = self.ref.read()
            self.extension = "png" if self.logo.format == "png" else "jpeg"
            self.crc = zlib.crc32(self.logo.data) & 0xFFFFFFFF
            self.markup = Markup(_drawing(self.logo, self.description))
        names = {m if isinstance(m, str) else m.name.decode("utf-8") for m in template.members}
        media = next(name for n in range(1, 1000)
                     if (name := f"word/media/cspr-logo{'' if n == 1 else n}.{self.extension}") not in names)
        members = list(template.members)
        for part in users:
            _set_member(members, _rels_name(part), lambda xml, part=part: self._add_rel(xml, part, media))
        _set_member(members, "[Content_Types].xml", self._add_default)
        # Stored, not deflated: PNG and JPEG are compressed already.
        members.append(_zip.Entry(media.encode("utf-8"), self.crc, len(self.logo.data), self.logo.data, 0))
        template.members = members

    def _add_rel(self, xml: bytes | None, part: str, media: str) -> bytes:
        target = posixpath.relpath(media, posixpath.dirname(part) or ".")
        rel = f'<Relationship Id="{REL_ID}" Type="{_IMAGE_REL}" Target="{target}"/>'
        if xml is None:
            return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<Relationships xmlns="{_RELS_NS}">{rel}</Relationships>').encode()
        text = xml.decode("utf-8")
        if f'Id="{REL_ID}"' in text:
            return xml
        return text.replace("</Relationships>", rel + "</Relationships>", 1).encode("utf-8")

    def _add_default(self, xml: bytes | None) -> bytes:
        text = (xml or b"").decode("utf-8")
        if re.search(rf'Extension="{self.extension}"', text, re.IGNORECASE):
            return xml or b""
        default = f'<Default Extension="{self.extension}" ContentType="{_CONTENT_TYPE[self.extension]}"/>'
        return re.sub(r"(<Types\b[^>]*>)", lambda m: m.group(1) + default, text, count=1).encode("utf-8")


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _set_member(members: list[str | _zip.Entry], name: str, change: Any) -> None:
    """Replace (or add) the non-templated zip member `name` with `change(old bytes or None)`."""
    for index, member in enumerate(members):
        if isinstance(member, _zip.Entry) and member.name == name.encode("utf-8"):
            old = zlib.decompress(member.data, -15) if member.method == 8 else member.data
            members[index] = _zip.deflate(name, change(old))
            return
    members.append(_zip.deflate(name, change(None)))


def _drawing(logo: LogoImage, description: str) -> str:
    """An inline picture that closes the hook's text run and reopens one after it (as docxtpl's InlineImage)."""
    cx, cy = logo.extent()
    a = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    pic = 'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
    r = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    wp = 'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    descr = escape(description, quote=True)
    return (
        f'</w:t></w:r><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" {wp}>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{DOCPR_ID}" name="Logo" descr="{descr}"/>'
        f'<wp:cNvGraphicFramePr><a:graphicFrameLocks {a} noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        f'<a:graphic {a}><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic {pic}><pic:nvPicPr><pic:cNvPr id="0" name="logo.{logo.format}" descr="{descr}"/>'
        '<pic:cNvPicPr><a:picLocks noChangeAspect="1" noChangeArrowheads="1"/></pic:cNvPicPr></pic:nvPicPr>'
        f'<pic:blipFill><a:blip {r} r:embed="{REL_ID}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        '</wp:inline></w:drawing></w:r><w:r><w:t xml:space="preserve">'
    )
