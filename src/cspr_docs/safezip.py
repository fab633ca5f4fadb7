"""Checks on untrusted zip packages (.docx, .xlsx, .odt) before anything parses them: size, macros, links."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

from cspr_docs.errors import CsprDocsError, DraftError, InputError

MAX_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 200
_PROLOG_BYTES = 2048
_RATIO_FROM_BYTES = 1024 * 1024
_MAX_RELS_BYTES = 2 * 1024 * 1024
_EXTERNAL = re.compile(rb"<Relationship\b[^>]*>", re.DOTALL)
_HYPERLINK_TYPE = b"/relationships/hyperlink"
_SAFE_LINK = re.compile(rb'Target="(?:https?:|mailto:)', re.IGNORECASE)
_MACRO_TYPES = (b"macroEnabled", b"vbaProject", b"ms-office.activeX")
_ODF_MIMETYPES = (b"application/vnd.oasis.opendocument", b"application/vnd.sun.xml")
_ODF_MARKERS = ("META-INF/manifest.xml", "content.xml")
_ODF_XML_BYTES = 64 * 1024 * 1024
_ODF_MACRO_FOLDERS = {"basic", "scripts"}
_ODF_LINKED_PARTS = ("content.xml", "styles.xml", "meta.xml")
_ODF_NS = re.compile(r"urn:oasis:names:tc:opendocument:xmlns:([a-z-]+):1\.0|http://openoffice\.org/2000/([a-z]+)")
_PREFIXES = {"drawing": "draw"}
_HYPERLINKS = {("text", "a"), ("draw", "a"), ("form", "form"), ("form", "button")}
_URL_ATTRIBUTES = {"href", "image-data"}
_MACRO_ATTRIBUTES = _URL_ATTRIBUTES | {"id", "macro-name"}  # where macro URLs go (menu:id in toolbars and menus)
_DDE = {"dde-source", "dde-connection-decl", "dde-connection", "dde-link"}
_FILE_LINKS = {"section-source", "auto-reload"}
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_WEB_HREF = re.compile(r"(?:https?:|mailto:|#)", re.IGNORECASE)
_MACRO_URL = re.compile(r"(?:vnd\.sun\.star\.script:|macro:)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def check_zip(
    path: Path,
    *,
    max_bytes: int = MAX_BYTES,
    max_entries: int = MAX_ENTRIES,
    max_ratio: float = MAX_RATIO,
    error: type[CsprDocsError] = InputError,
) -> None:
    """Refuse an untrusted zip package (not a zip, too many entries, too big, bomb ratio, encrypted, macros, DOCTYPE).

    Raises:
        error: with the file and the rule broken (never the content).
    """
    check_docx(path, max_bytes=max_bytes, max_entries=max_entries, max_ratio=max_ratio, error=error).close()


def check_docx(
    path: Path,
    *,
    max_bytes: int = MAX_BYTES,
    max_entries: int = MAX_ENTRIES,
    max_ratio: float = MAX_RATIO,
    error: type[CsprDocsError] = DraftError,
    refuse_external: bool = False,
) -> zipfile.ZipFile:
    """Open an untrusted Office file after checking it is safe to read; returns the open ZipFile (close it).

    Refuses (`error`, exit 3): not a zip, too many entries, total or per-entry uncompressed size over
    `max_bytes`, an entry compressing better than `max_ratio`, encrypted entries, macros, and any XML part that
    declares a DOCTYPE or entity; with `refuse_external`, also relationships to external targets other than web
    or mail hyperlinks (linked templates, images, OLE objects). Declared sizes bound what a later read can return
    (zipfile stops at the declared size and fails the CRC), so checking them bounds memory. ODF packages (.odt)
    also get `_check_odf`: Basic/Scripts folders, script bindings, ODF encryption and (with `refuse_external`)
    links to content outside the package.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    if size > max_bytes:
        raise error(f"{path}: file is {size // (1024 * 1024)} MiB, over the {max_bytes // (1024 * 1024)} MiB limit")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        again = path.suffix.lower() if path.suffix.lower() in (".odt", ".xlsx") else ".docx"
        raise error(f"{path}: not a valid Office file (it is not a zip package); save it again as {again}") from None
    try:
        _check_entries(path, archive, max_bytes, max_entries, max_ratio, error)
        if refuse_external:
            _check_relationships(path, archive, error)
        if _is_odf(path, archive, error):
            _check_odf(path, archive, error, refuse_external=refuse_external)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_entries(
    path: Path,
    archive: zipfile.ZipFile,
    max_bytes: int,
    max_entries: int,
    max_ratio: float,
    error: type[CsprDocsError],
) -> None:
    infos = archive.infolist()
    if len(infos) > max_entries:
        raise error(f"{path}: refused: {len(infos)} zip entries, over the limit of {max_entries}")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > max_bytes or total > max_bytes:
            raise error(f"{path}: refused: uncompressed size over {max_bytes // (1024 * 1024)} MiB (zip bomb?)")
        if info.file_size > _RATIO_FROM_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            raise error(f"{path}: refused: part {info.filename} has a compression ratio over {max_ratio:g} (zip bomb?)")
        if info.flag_bits & 0x1:
            raise error(f"{path}: refused: part {info.filename} is encrypted; remove the password first")
        if info.filename.lower().endswith(("vbaproject.bin", "vbadata.xml")):
            raise error(f"{path}: refused: the file contains macros (save it as .docx without macros)")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            head = _read(path, archive, info, _PROLOG_BYTES, error)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise error(f"{path}: refused: part {info.filename} declares a DOCTYPE or entities")
    if "[Content_Types].xml" in archive.namelist():
        types = _read(path, archive, archive.getinfo("[Content_Types].xml"), _MAX_RELS_BYTES, error)
        if any(marker in types for marker in _MACRO_TYPES):
            raise error(f"{path}: refused: the file declares macros or ActiveX controls (save it as plain .docx)")


def _check_relationships(path: Path, archive: zipfile.ZipFile, error: type[CsprDocsError]) -> None:
    for info in archive.infolist():
        if not info.filename.endswith(".rels"):
            continue
        data = _read(path, archive, info, _MAX_RELS_BYTES, error)
        for match in _EXTERNAL.finditer(data):
            rel = match.group(0)
            if b'TargetMode="External"' not in rel:
                continue
            if _HYPERLINK_TYPE in rel and _SAFE_LINK.search(rel):
                continue
            kind = re.search(rb'Type="[^"]*/([A-Za-z]+)"', rel)
            label = kind.group(1).decode("ascii") if kind else "unknown"
            raise error(
                f"{path}: refused: part {info.filename} links to an external {label} target "
                "(linked template, image or object); embed it or remove the link"
            )


def _read(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, error: type[CsprDocsError]) -> bytes:
    try:
        with archive.open(info) as handle:
            return handle.read(limit)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError):
        raise error(f"{path}: part {info.filename} is corrupt") from None


def _is_odf(path: Path, archive: zipfile.ZipFile, error: type[CsprDocsError]) -> bool:
    # Not only the `mimetype` entry: LibreOffice detects ODF from the manifest too, so dropping it must not help.
    names = set(archive.namelist())
    if "mimetype" in names:
        head = _read(path, archive, archive.getinfo("mimetype"), 128, error).strip()
        if head.startswith(_ODF_MIMETYPES):
            return True
    return any(marker in names for marker in _ODF_MARKERS)


def _check_odf(path: Path, archive: zipfile.ZipFile, error: type[CsprDocsError], *, refuse_external: bool) -> None:
    """Refuse ODF macros (Basic/, Scripts/, script bindings), encryption and, with `refuse_external`, outside links.

    XML parts are parsed with lxml as a stream of start tags into a target (no tree is built), with entities
    unresolved, no network and libxml2's size limits: namespace-aware, so another prefix for the ODF namespaces or
    a character reference inside a URL cannot slip past as it would past a byte scan.
    """
    for info in archive.infolist():
        for folder in info.filename.split("/")[:-1]:
            if folder.lower() in _ODF_MACRO_FOLDERS:
                raise error(f"{path}: refused: the file contains macros (a {folder}/ folder); "
                            "save it again without macros")
    if "META-INF/manifest.xml" in archive.namelist():
        found = _scan_xml(path, archive, archive.getinfo("META-INF/manifest.xml"), error, links=False)
        if "encryption-data" in found:
            raise error(f"{path}: refused: the document is encrypted; remove the password first")
    for info in archive.infolist():
        if not info.filename.endswith(".xml") or info.filename == "META-INF/manifest.xml" or not info.file_size:
            continue
        links = refuse_external and info.filename.rsplit("/", 1)[-1] in _ODF_LINKED_PARTS
        _scan_xml(path, archive, info, error, links=links)


class _Refused(Exception):
    """A rule broken inside an XML part, raised from the parser target to stop parsing at once."""


class _OdfTarget:
    """An lxml parser target that checks each start tag; collects local element names for the caller."""

    def __init__(self, links: bool) -> None:
        self.links = links
        self.stack: list[str] = []
        self.names: set[str] = set()

    def doctype(self, *_args: object) -> None:
        raise _Refused("declares a DOCTYPE or entities")

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        space, local = _split(tag)
        label = f"{space}:{local}" if space else local
        if local == "event-listener" or (self.stack and self.stack[-1] == "event-listeners"):
            raise _Refused(f"binds scripts to events ({label}); save it again without macros")
        if local in ("script", "execute-macro"):
            raise _Refused(f"contains a script or macro field ({label}); save it again without macros")
        if any(_split(n)[1] in _MACRO_ATTRIBUTES and _MACRO_URL.match(_clean(v)) for n, v in attrib.items()):
            raise _Refused(f"binds a macro ({label}); save it again without macros")
        if self.links:
            self._check_links(space, local, label, attrib)
        self.stack.append(local)
        self.names.add(local)

    def _check_links(self, space: str, local: str, label: str, attrib: dict[str, str]) -> None:
        if local in _DDE:
            raise _Refused(f"has a DDE link ({label}); paste the content in instead")
        if _XML_BASE in attrib:
            raise _Refused(f"sets xml:base on {label}; save it again from the application")
        for name, value in attrib.items():
            if _split(name)[1] not in _URL_ATTRIBUTES:
                continue
            if (space, local) in _HYPERLINKS:
                if _clean(value) and not _WEB_HREF.match(_clean(value)):
                    raise _Refused(f"has a hyperlink ({label}) to a file or other non-web target; "
                                   "only web and mail links are allowed")
                continue
            if local in _FILE_LINKS:
                # Any file link resolves next to the document, outside the package, however relative it looks;
                # a section source naming only a section (labels) is the same document and has no link.
                ok = not _clean(value)
            elif (space, local) == ("meta", "template"):
                # LibreOffice opens the template on load, so remote and absolute ones are refused; documents made
                # from a personal template point at it relatively, and a relative path only reaches local files.
                ok = _inside(value, parent=True)
            else:
                ok = _inside(value, parent=False)
            if not ok:
                raise _Refused(f"links to content outside the file ({label}: a linked image, object, frame, "
                               "section or template); embed it or remove the link")

    def end(self, _tag: str) -> None:
        self.stack.pop()

    def close(self) -> set[str]:
        return self.names


def _scan_xml(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, error: type[CsprDocsError], *, links: bool
) -> set[str]:
    from lxml import etree

    if info.file_size > _ODF_XML_BYTES:
        raise error(f"{path}: refused: part {info.filename} is over {_ODF_XML_BYTES // (1024 * 1024)} MiB, "
                    "too large to check")
    data = _read(path, archive, info, _ODF_XML_BYTES, error)
    parser = etree.XMLParser(target=_OdfTarget(links), resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False)
    try:
        parser.feed(data)
        return parser.close()
    except _Refused as refused:
        raise error(f"{path}: refused: part {info.filename} {refused}") from None
    except etree.XMLSyntaxError as exc:
        raise error(f"{path}: refused: part {info.filename} is not well-formed XML (line {exc.lineno})") from None


def _split(tag: str) -> tuple[str, str]:
    """('draw', 'image') for an ODF or OpenOffice.org namespace, ('', local name) for any other."""
    if not tag.startswith("{"):
        return "", tag
    uri, local = tag[1:].split("}", 1)
    match = _ODF_NS.fullmatch(uri)
    space = (match.group(1) or match.group(2)) if match else ""
    return _PREFIXES.get(space, space), local


def _clean(href: str) -> str:
    # Control characters and spaces are dropped as URL parsers drop them, so "ht\ttp:" is still seen as a scheme.
    return _CONTROL.sub("", href).replace("\\", "/")


def _inside(href: str, *, parent: bool) -> bool:
    """True for an empty link or a relative path (`Pictures/x.png`, `./Object 1`, `Object 1`, `#…`), with no
    `..` unless `parent`; False for anything with a scheme, a drive or a leading slash."""
    for candidate in (href, unquote(href)):
        ref = _clean(candidate).removeprefix("#")
        if ref.lower().startswith("vnd.sun.star.package:"):
            ref = ref[len("vnd.sun.star.package:"):]
        segments = ref.split("/")
        if ref.startswith("/") or _SCHEME.match(ref) or ":" in segments[0] or (".." in segments and not parent):
            return False
    return True
