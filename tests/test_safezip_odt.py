"""ODF parts of a pack (.odt agency replies) are refused before LibreOffice opens them if they carry macros or links."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from conftest import FIXTURES, SENTINEL_NAME, requires_soffice
from cspr_docs.errors import InputError
from cspr_docs.safezip import check_docx

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0" '
    'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:ooo="http://openoffice.org/2004/office"'
)
PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n'
EVIL = "http://evil.example/track.png"
FRAME = '<draw:frame draw:name="F1" svg:width="2cm" svg:height="2cm" text:anchor-type="as-char">{}</draw:frame>'
SAFE_BODY = (
    f"<text:p>Agency reply from {SENTINEL_NAME}</text:p>"
    '<text:p><text:a xlink:type="simple" xlink:href="https://example.org/policy">policy</text:a> '
    '<text:a xlink:type="simple" xlink:href="mailto:someone@example.org">mail</text:a> '
    '<text:a xlink:type="simple" xlink:href="#Chronology">see below</text:a></text:p>'
    '<text:section text:name="Copy"><text:section-source text:section-name="Chronology"/></text:section>'
)


def content_xml(body: str = SAFE_BODY, scripts: str = "", prolog: str = PROLOG) -> bytes:
    return (
        f'{prolog}<office:document-content {NS} office:version="1.3"><office:scripts>{scripts}</office:scripts>'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    ).encode()


def styles_xml(inner: str = "") -> bytes:
    return (
        f'{PROLOG}<office:document-styles {NS} office:version="1.3"><office:styles>{inner}</office:styles>'
        "</office:document-styles>"
    ).encode()


def meta_xml(inner: str = "") -> bytes:
    return (f'{PROLOG}<office:document-meta {NS} office:version="1.3"><office:meta>'
            f"<meta:generator>cspr-docs tests</meta:generator>{inner}</office:meta></office:document-meta>").encode()


def manifest_xml(extra: str = "") -> bytes:
    entry = '<manifest:file-entry manifest:full-path="{}" manifest:media-type="{}"/>'
    entries = [entry.format("/", "application/vnd.oasis.opendocument.text")] + [
        entry.format(name, "text/xml") for name in ("content.xml", "styles.xml", "meta.xml")
    ]
    return (
        f'{PROLOG}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        f'manifest:version="1.3">{"".join(entries)}{extra}</manifest:manifest>'
    ).encode()


def make_odt(path: Path, *, mimetype: bool = True, parts: dict[str, bytes] | None = None) -> Path:
    """A small .odt as LibreOffice lays it out: `mimetype` stored first, then the manifest and the XML parts."""
    files = {
        "META-INF/manifest.xml": manifest_xml(),
        "content.xml": content_xml(),
        "styles.xml": styles_xml(),
        "meta.xml": meta_xml(),
    }
    files.update(parts or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype:
            archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                             compress_type=zipfile.ZIP_STORED)
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def write_pdf(path: Path, pages: int) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=300, height=400)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def pack_case(invoke, tmp_path: Path) -> Path:
    """A referral case whose rapid review meeting pack has two PDFs and whatever replies the test adds."""
    case = tmp_path / "case"
    assert invoke("init", case, "--route", "referral").exit_code == 0
    write_pdf(case / "out" / "CSPR-0000-00-referral-form.pdf", 2)
    write_pdf(case / "out" / "CSPR-0000-00-combined-summary.pdf", 1)
    return case


@pytest.fixture
def soffice_stub(tmp_path, monkeypatch):
    """A stand-in LibreOffice that writes a 1-page PDF per document and logs every document it is given."""
    import stat
    import sys

    good = write_pdf(tmp_path / "stub-good.pdf", 1)
    log = tmp_path / "stub.log"
    script = tmp_path / "soffice-stub"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\nfrom pathlib import Path\n"
        "args = sys.argv[1:]\nout = Path(args[args.index('--outdir') + 1])\n"
        "for doc in args[args.index('--outdir') + 2:]:\n"
        f"    open({str(log)!r}, 'a').write(doc + '\\n')\n"
        f"    (out / (Path(doc).stem + '.pdf')).write_bytes(Path({str(good)!r}).read_bytes())\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("CSPR_DOCS_SOFFICE", str(script))
    return log


def listener(prefix: str = "script") -> str:
    return (f'<office:event-listeners><{prefix}:event-listener script:language="ooo:script" '
            f'script:event-name="dom:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main'
            f'?language=Basic&amp;location=document"/></office:event-listeners>')


def linked(element: str, href: str = EVIL) -> dict[str, bytes]:
    inner = FRAME.format(f'<{element} xlink:href="{href}"/>')
    return {"content.xml": content_xml(f"<text:p>{inner}</text:p>")}


HOSTILE: dict[str, tuple[dict, str]] = {
    "basic-folder": ({"parts": {"Basic/Standard/Module1.xml": b"<module/>"}}, "macros"),
    "scripts-folder": ({"parts": {"Scripts/python/run.py": b"import os"}}, "macros"),
    "basic-without-mimetype": ({"mimetype": False, "parts": {"Basic/script-lc.xml": b"<x/>"}}, "macros"),
    "document-event-listener": ({"parts": {"content.xml": content_xml(scripts=listener())}}, "binds scripts"),
    "listener-under-another-prefix": ({"parts": {"content.xml": content_xml(scripts=listener("s").replace(
        "<office:event-listeners>", '<office:event-listeners xmlns:s="urn:oasis:names:tc:opendocument:xmlns:'
        'script:1.0">'))}}, "binds scripts"),
    "listener-in-styles": ({"parts": {"styles.xml": styles_xml(
        f'<style:style style:name="x" style:family="paragraph">{listener()}</style:style>')}}, "binds scripts"),
    "inline-script": ({"parts": {"content.xml": content_xml(
        scripts='<office:script script:language="JavaScript">alert(1)</office:script>')}}, "script"),
    "macro-hyperlink": ({"parts": {"content.xml": content_xml(
        '<text:p><text:a xlink:href="vnd.sun.star.script:Tools.Misc.Run?location=application">x</text:a>'
        "</text:p>")}}, "binds a macro"),
    "macro-field": ({"parts": {"content.xml": content_xml(
        '<text:p><text:execute-macro text:name="Main">run</text:execute-macro></text:p>')}}, "macro field"),
    "linked-section-file": ({"parts": {"content.xml": content_xml(
        '<text:section text:name="S"><text:section-source xlink:href="file:///etc/passwd"/></text:section>')}},
        "outside the file"),
    "linked-section-relative": ({"parts": {"content.xml": content_xml(
        '<text:section text:name="S"><text:section-source xlink:href="Object 1" text:filter-name="writer8"/>'
        "</text:section>")}}, "outside the file"),
    "image-web": ({"parts": linked("draw:image")}, "outside the file"),
    "image-parent-path": ({"parts": linked("draw:image", "../../secret/photo.png")}, "outside the file"),
    "image-percent-encoded-parent": ({"parts": linked("draw:image", "%2e%2e/photo.png")}, "outside the file"),
    "image-character-reference": ({"parts": linked("draw:image", "&#104;ttp://evil.example/x.png")},
                                  "outside the file"),
    "image-absolute-path": ({"parts": linked("draw:image", "/home/someone/photo.png")}, "outside the file"),
    "image-windows-share": ({"parts": linked("draw:image", "\\\\server\\share\\photo.png")}, "outside the file"),
    "image-drive": ({"parts": linked("draw:image", "C:\\photo.png")}, "outside the file"),
    "object-file": ({"parts": linked("draw:object", "file:///tmp/other.odt")}, "outside the file"),
    "object-ole": ({"parts": linked("draw:object-ole", "smb://server/share/sheet.xls")}, "outside the file"),
    "plugin": ({"parts": linked("draw:plugin")}, "outside the file"),
    "applet": ({"parts": linked("draw:applet")}, "outside the file"),
    "floating-frame": ({"parts": linked("draw:floating-frame")}, "outside the file"),
    "background-image-in-styles": ({"parts": {"styles.xml": styles_xml(
        '<style:style style:name="bg" style:family="paragraph"><style:paragraph-properties>'
        f'<style:background-image xlink:href="{EVIL}"/></style:paragraph-properties></style:style>')}},
        "outside the file"),
    "remote-template": ({"parts": {"meta.xml": meta_xml(
        '<meta:template xlink:type="simple" xlink:href="https://evil.example/t.ott" xlink:title="t"/>')}},
        "outside the file"),
    "auto-reload": ({"parts": {"meta.xml": meta_xml(f'<meta:auto-reload xlink:href="{EVIL}" meta:delay="PT1S"/>')}},
                    "outside the file"),
    "dde-link": ({"parts": {"content.xml": content_xml(
        '<text:dde-connection-decls><text:dde-connection-decl office:name="d" office:dde-application="soffice" '
        'office:dde-topic="file:///etc/passwd" office:dde-item="x"/></text:dde-connection-decls>')}}, "DDE"),
    "file-hyperlink": ({"parts": {"content.xml": content_xml(
        '<text:p><text:a xlink:href="file:///etc/passwd">x</text:a></text:p>')}}, "hyperlink"),
    "xml-base": ({"parts": {"content.xml": content_xml(
        '<text:p xml:base="http://evil.example/">' + FRAME.format('<draw:image xlink:href="x.png"/>') + "</text:p>")}},
        "xml:base"),
    "encrypted": ({"parts": {"META-INF/manifest.xml": manifest_xml(
        '<manifest:file-entry manifest:full-path="Pictures/x.png" manifest:media-type="image/png">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
        "</manifest:encryption-data></manifest:file-entry>")}}, "remove the password first"),
    "late-doctype": ({"parts": {"content.xml": content_xml(prolog=PROLOG + "<!--" + "x" * 4096 + "-->"
                                                           '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>')}},
                     "DOCTYPE"),
    "prolog-doctype": ({"parts": {"content.xml": content_xml(prolog=PROLOG + '<!DOCTYPE x [<!ENTITY e "y">]>')}},
                       "DOCTYPE"),
    "not-well-formed": ({"parts": {"content.xml": content_xml()[:-30]}}, "not well-formed"),
    "bomb": ({"parts": {"Pictures/filler.png": b"\x00" * (30 * 1024 * 1024)}}, "zip bomb"),
}


def test_a_clean_odt_with_web_links_and_package_paths_passes(tmp_path):
    image = FRAME.format('<draw:image xlink:href="Pictures/photo.png" xlink:type="simple"/>')
    objects = "".join(FRAME.format(f'<draw:object xlink:href="{ref}"/>') for ref in ("./Object 1", "Object 2"))
    body = SAFE_BODY + f"<text:p>{image}{objects}</text:p>"
    odt = make_odt(tmp_path / "reply.odt", parts={
        "content.xml": content_xml(body),
        "meta.xml": meta_xml('<meta:template xlink:href="../Templates/reply.ott" xlink:title="reply"/>'),
        "Pictures/photo.png": b"\x89PNG\r\n\x1a\n",
        "Configurations2/accelerator/current.xml": b"",
    })
    check_docx(odt, error=InputError, refuse_external=True).close()


@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_an_unsafe_odt_reply_is_refused_before_libreoffice_opens_it(tmp_path, invoke, soffice_stub, hostile):
    options, reason = HOSTILE[hostile]
    case = pack_case(invoke, tmp_path)
    make_odt(case / "replies" / "late-reply.odt", **options)
    target = tmp_path / "pack.pdf"
    result = invoke("bundle", "rapid-review-meeting", "--case", case, "--out", target)
    assert result.exit_code == 3, result.stderr
    assert "late-reply.odt" in result.stderr and reason in result.stderr
    assert "evil" not in result.stderr and "passwd" not in result.stderr and SENTINEL_NAME not in result.stderr
    assert not soffice_stub.exists()
    assert not target.exists()
    assert not list((case / "out").glob("*rapid-review-meeting*"))


def test_a_clean_odt_reply_goes_to_libreoffice(tmp_path, invoke, soffice_stub):
    case = pack_case(invoke, tmp_path)
    make_odt(case / "replies" / "late-reply.odt")
    result = invoke("bundle", "rapid-review-meeting", "--case", case, "--out", tmp_path / "pack.pdf")
    assert result.exit_code == 0, result.stderr
    assert [Path(line).suffix for line in soffice_stub.read_text().splitlines()] == [".odt"]
    assert len(PdfReader(tmp_path / "pack.pdf").pages) == 4


def test_oversized_xml_part_is_refused_rather_than_half_checked(tmp_path, monkeypatch):
    from cspr_docs import safezip

    monkeypatch.setattr(safezip, "_ODF_XML_BYTES", 1024)
    odt = make_odt(tmp_path / "reply.odt", parts={"content.xml": content_xml("<text:p>x</text:p>" * 200)})
    with pytest.raises(InputError, match="too large to check") as caught:
        check_docx(odt, error=InputError, refuse_external=True)
    assert caught.value.exit_code == 3


def test_links_are_only_refused_where_the_caller_asks(tmp_path):
    odt = make_odt(tmp_path / "reply.odt", parts=HOSTILE["image-web"][0]["parts"])
    check_docx(odt, error=InputError).close()
    macros = make_odt(tmp_path / "macros.odt", parts=HOSTILE["document-event-listener"][0]["parts"])
    with pytest.raises(InputError, match="binds scripts"):
        check_docx(macros, error=InputError)


def soffice_to_odt(source: Path, outdir: Path) -> Path:
    profile = outdir / "profile"
    subprocess.run(
        [shutil.which("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "odt", "--outdir", str(outdir), str(source)],
        check=True, capture_output=True, timeout=600,
    )
    return outdir / f"{source.stem}.odt"


@requires_soffice
@pytest.mark.parametrize("draft", ["good-final-report.docx", "bad-genogram.docx"])
def test_an_odt_saved_by_libreoffice_passes(tmp_path, draft):
    odt = soffice_to_odt(FIXTURES / "drafts" / draft, tmp_path)
    with zipfile.ZipFile(odt) as archive:
        assert archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument.text")
    check_docx(odt, error=InputError, refuse_external=True).close()


@requires_soffice
def test_a_pack_with_a_clean_odt_reply_converts(tmp_path, invoke):
    case = pack_case(invoke, tmp_path)
    make_odt(case / "replies" / "late-reply.odt")
    result = invoke("bundle", "rapid-review-meeting", "--case", case, "--out", tmp_path / "pack.pdf")
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(tmp_path / "pack.pdf")
    assert len(reader.pages) == 4
    assert "Agency reply from" in reader.pages[3].extract_text()
    assert [item.title for item in reader.outline][-1] == "Agency reply: late-reply"
