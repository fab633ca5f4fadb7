"""The partnership logo: path and image refusals at load, one embedded image per letter, a picture on page 1."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest

from conftest import CASES, requires_soffice
from cspr_docs.documents import CATALOGUE
from cspr_docs.errors import DataError
from cspr_docs.load import load_case
from cspr_docs.render import Renderer
from cspr_docs.render.logo import HEIGHT_EMU, MAX_WIDTH_EMU, LogoImage, image_size

CASE = "notification-death"
DAY = dt.date(2026, 3, 2)
NAVY, PALE, TEAL = (0x1F, 0x38, 0x64), (0xDC, 0xE3, 0xEE), (0x2E, 0x8B, 0x8B)


def png(width: int, height: int, pixel=None) -> bytes:
    """A truecolour+alpha PNG written with zlib only (no imaging library); black unless `pixel(x, y)` says."""
    pixel = pixel or (lambda _x, _y: (0, 0, 0, 255))
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b""))


def fixture_logo() -> bytes:
    """fixtures/cases/logo.png: a navy disc with a pale ring and a teal centre, on a transparent ground."""
    size, centre = 240, 119.5

    def pixel(x: int, y: int) -> tuple[int, ...]:
        r = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
        if r <= 42:
            return (*TEAL, 255)
        if 78 <= r <= 92:
            return (*PALE, 255)
        return (*NAVY, 255) if r <= 118 else (0, 0, 0, 0)

    return png(size, size, pixel)


def jpeg_header(width: int, height: int) -> bytes:
    """The start of a baseline JPEG: SOI, an APP0 segment, then a frame header with the size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def _set_logo(folder: Path, value: str) -> Path:
    profile = folder.parent / "partnership.yaml"
    text, count = re.subn(r"(?m)^logo: .*$", lambda _: f"logo: {value}", profile.read_text())
    assert count == 1
    profile.write_text(text)
    return profile


def _letter(case_folder: Path, kind: str = "information-request-letter") -> bytes:
    case = load_case(case_folder).case
    recipient = case.agencies[0] if CATALOGUE[kind].per_recipient == "agency" else None
    return Renderer(case, issue_date=DAY).render(CATALOGUE[kind], recipient)


# ---------------------------------------------------------------- the fixture and the header reader


def test_fixture_logo_is_the_generated_image() -> None:
    assert (CASES / "logo.png").read_bytes() == fixture_logo()
    assert "logo: logo.png" in (CASES / "partnership.yaml").read_text()


def test_image_size_reads_png_and_jpeg_headers() -> None:
    assert image_size(png(3, 2)) == ("png", 3, 2)
    assert image_size(jpeg_header(640, 480)) == ("jpeg", 640, 480)


def test_extent_keeps_the_aspect_at_1_8_cm_and_fits_the_cell() -> None:
    square = LogoImage(Path("x"), b"", "png", 240, 240)
    assert square.extent() == (HEIGHT_EMU, HEIGHT_EMU) == (648_000, 648_000)
    assert LogoImage(Path("x"), b"", "png", 300, 100).extent() == (1_944_000, 648_000)
    banner = LogoImage(Path("x"), b"", "png", 1000, 100)  # 18 cm wide at 1.8 cm: narrowed to the cell
    assert banner.extent() == (MAX_WIDTH_EMU, MAX_WIDTH_EMU // 10)


# ---------------------------------------------------------------- rendering


def test_letter_embeds_the_logo_once_with_a_drawing_that_references_it(case_copy) -> None:
    data = _letter(case_copy(CASE))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert archive.read("word/media/cspr-logo.png") == fixture_logo()
        body = archive.read("word/document.xml").decode()
        rels = archive.read("word/_rels/document.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
    assert [n for n in names if n.startswith("word/media/")] == ["word/media/cspr-logo.png"]
    assert len(names) == len(set(names))
    embed = re.findall(r'r:embed="([^"]+)"', body)
    assert len(embed) == 1 and body.count("<w:drawing>") == 1
    assert re.search(rf'Id="{embed[0]}" Type="[^"]+/image" Target="media/cspr-logo.png"', rels)
    assert '<Default Extension="png" ContentType="image/png"/>' in types
    assert '<wp:extent cx="648000" cy="648000"/>' in body  # 1.8 cm square
    assert "Northmoor Safeguarding Children Partnership logo" in body  # alt text

    document = docx.Document(io.BytesIO(data))
    assert len(document.inline_shapes) == 1
    assert document.inline_shapes[0].height == 648_000
    assert document.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed in document.part.rels
    assert document.tables[0].cell(0, 0).paragraphs[0]._p.xpath(".//w:drawing")  # in the letterhead cell


def test_every_recipient_gets_the_same_single_image_from_one_compiled_template(case_copy) -> None:
    case = load_case(case_copy(CASE)).case
    renderer = Renderer(case, issue_date=DAY)
    kind = CATALOGUE["information-request-letter"]
    outputs = [renderer.render(kind, agency) for agency in case.agencies]
    assert len(case.agencies) >= 2 and len(renderer._compiled) == 1
    for data in outputs:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            media = [n for n in archive.namelist() if n.startswith("word/media/")]
            rels = archive.read("word/_rels/document.xml.rels").decode()
        assert media == ["word/media/cspr-logo.png"]
        assert rels.count("cspr-logo.png") == 1


def test_the_final_report_cover_carries_the_logo(case_copy) -> None:
    document = docx.Document(io.BytesIO(_letter(case_copy(CASE), "final-report")))
    assert len(document.inline_shapes) == 1
    assert document.paragraphs[0]._p.xpath(".//w:drawing")  # above the cover title
    assert document.paragraphs[1].text == "Local Child Safeguarding Practice Review"


def test_the_learning_briefing_carries_the_logo_above_its_band(case_copy) -> None:
    document = docx.Document(io.BytesIO(_letter(case_copy(CASE), "learning-briefing")))
    assert len(document.inline_shapes) == 1
    assert document.paragraphs[0]._p.xpath(".//w:drawing")  # before the table of tiles
    assert document.element.body.index(document.paragraphs[0]._p) < document.element.body.index(
        document.tables[0]._tbl)


def test_documents_without_the_hook_get_no_image(case_copy) -> None:
    data = _letter(case_copy(CASE), "information-request-reply")  # a form to fill: no letterhead
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/media/")]
        assert "cspr-logo" not in archive.read("word/_rels/document.xml.rels").decode()


def test_no_logo_renders_no_image(case_copy) -> None:
    folder = case_copy(CASE)
    _set_logo(folder, '""')
    data = _letter(folder)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/media/")]
        assert "<w:drawing>" not in archive.read("word/document.xml").decode()


def test_jpeg_logo_gets_its_content_type(case_copy) -> None:
    folder = case_copy(CASE)
    (folder.parent / "brand").mkdir()
    (folder.parent / "brand" / "logo.jpg").write_bytes(jpeg_header(400, 200))
    _set_logo(folder, "brand/logo.jpg")
    with zipfile.ZipFile(io.BytesIO(_letter(folder))) as archive:
        assert "word/media/cspr-logo.jpeg" in archive.namelist()
        assert '<Default Extension="jpeg" ContentType="image/jpeg"/>' in archive.read("[Content_Types].xml").decode()
        assert '<wp:extent cx="1296000" cy="648000"/>' in archive.read("word/document.xml").decode()


def test_render_cli_writes_letters_with_the_logo(case_copy, invoke, tmp_path: Path) -> None:
    folder = case_copy(CASE)
    result = invoke("render", "information-request-letter", "--case", folder, "--out", tmp_path / "out",
                    "--date", "2026-03-02")
    assert result.exit_code == 0, result.stderr
    letters = sorted((tmp_path / "out").glob("*.docx"))
    assert letters
    for letter in letters:
        with zipfile.ZipFile(letter) as archive:
            assert "word/media/cspr-logo.png" in archive.namelist()


@requires_soffice
def test_pdf_has_the_logo_image_on_page_one(case_copy, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from cspr_docs.pdf.convert import convert_to_pdf

    letter = tmp_path / "letter.docx"
    letter.write_bytes(_letter(case_copy(CASE)))
    (pdf,) = convert_to_pdf([letter], tmp_path)
    page = PdfReader(pdf).pages[0]
    xobjects = page["/Resources"]["/XObject"]
    images = [xobjects[name].get_object() for name in xobjects]
    assert any(image["/Subtype"] == "/Image" and image["/Width"] == image["/Height"] for image in images)
    assert _teal_pixels(pdf, top_left=True) > 20 and _teal_pixels(pdf, top_left=False) == 0


def _teal_pixels(pdf: Path, *, top_left: bool) -> int:
    """Pixels of the logo's teal centre in page 1 drawn by pdftoppm: in the letterhead's top-left, or elsewhere."""
    ppm = subprocess.run(["pdftoppm", "-r", "36", "-f", "1", "-l", "1", "-singlefile", str(pdf)],
                         capture_output=True, check=True, timeout=120).stdout
    magic, width, height, _maximum, pixels = ppm.split(maxsplit=4)
    assert magic == b"P6"
    width, height = int(width), int(height)
    count = 0
    for y in range(height):
        for x in range(width):
            r, g, b = pixels[3 * (y * width + x):3 * (y * width + x) + 3]
            teal = abs(r - TEAL[0]) < 30 and abs(g - TEAL[1]) < 30 and abs(b - TEAL[2]) < 30
            inside = x < width // 2 and y < height // 5
            count += teal and inside == top_left
    return count


# ---------------------------------------------------------------- refusals (reliability B12 and the image checks)


@pytest.mark.parametrize(("value", "expected"), [
    ("../../secret.png", "the path leaves the partnership folder"),
    ("../secret.png", "the path leaves the partnership folder"),  # exists, one folder up
    ("/etc/passwd", "an absolute path is not allowed"),
    (r"'C:\logos\logo.png'", "an absolute path is not allowed"),
    (r"'\\server\share\logo.png'", "an absolute path is not allowed"),
    (r"'..\..\secret.png'", "the path leaves the partnership folder"),
    ("missing.png", "file not found"),
])
def test_refused_paths(case_copy, invoke, tmp_path: Path, value: str, expected: str) -> None:
    folder = case_copy(CASE)
    (tmp_path / "secret.png").write_bytes(png(2, 2))
    profile = _set_logo(folder, value)
    result = invoke("render", "information-request-letter", "--case", folder, "--out", tmp_path / "out")
    assert result.exit_code == 3
    line = profile.read_text().splitlines().index(f"logo: {value}") + 1
    assert f"{profile}:{line}:7: partnership.logo: {expected}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_symlink_out_of_the_folder_is_refused(case_copy, tmp_path: Path) -> None:
    folder = case_copy(CASE)
    (tmp_path / "secret.png").write_bytes(png(2, 2))
    (folder.parent / "link.png").symlink_to(tmp_path / "secret.png")
    _set_logo(folder, "link.png")
    with pytest.raises(DataError, match="partnership.logo: the path leaves the partnership folder"):
        load_case(folder)


REFUSED_IMAGES = {
    "gif": (b"GIF89a" + b"\x00" * 40, "not a PNG or JPEG image"),
    "svg": (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a PNG or JPEG image"),
    "cut-png": (b"\x89PNG\r\n\x1a\n\x00\x00", "the PNG header is damaged"),
    "cut-jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF", "the JPEG header is damaged"),
    "huge": (png(1, 1)[:16] + struct.pack(">II", 100_000, 100_000) + png(1, 1)[24:], "each side must be 1 to 10000"),
    "zero": (png(1, 1)[:16] + struct.pack(">II", 0, 50) + png(1, 1)[24:], "each side must be 1 to 10000"),
    "thin": (jpeg_header(2100, 100), "too long and thin"),
    "big-file": (png(1, 1) + b"\x00" * (2 * 1024 * 1024), "over the 2048 KiB limit"),
}


@pytest.mark.parametrize("name", REFUSED_IMAGES)
def test_refused_images(case_copy, name: str) -> None:
    content, expected = REFUSED_IMAGES[name]
    folder = case_copy(CASE)
    (folder.parent / "bad.png").write_bytes(content)
    profile = _set_logo(folder, "bad.png")
    with pytest.raises(DataError) as caught:
        _letter(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.column, problem.field) == (str(profile), 14, 7, "partnership.logo")
    assert expected in problem.message


def test_a_folder_is_not_a_logo(case_copy) -> None:
    folder = case_copy(CASE)
    (folder.parent / "brand").mkdir()
    _set_logo(folder, "brand")
    with pytest.raises(DataError, match="partnership.logo: file not found"):
        _letter(folder)


def test_a_missing_logo_stops_only_documents_that_print_it(case_copy, invoke, tmp_path: Path) -> None:
    folder = case_copy(CASE)
    (folder.parent / "logo.png").unlink()
    assert invoke("case", "check", folder).exit_code == 0  # the path is fine; the image is read when printed
    assert _letter(folder, "information-request-reply")  # no logo hook: renders
    result = invoke("render", "information-request-letter", "--case", folder, "--out", tmp_path / "out")
    assert result.exit_code == 3
    assert "partnership.yaml:14:7: partnership.logo: file not found" in result.stderr
    assert not (tmp_path / "out").exists()


def test_case_check_reports_the_logo_with_other_problems(case_copy, invoke) -> None:
    folder = case_copy(CASE)
    _set_logo(folder, "../../secret.png")
    result = invoke("case", "check", folder)
    assert result.exit_code == 3
    assert "partnership.logo" in result.stderr and "secret" not in result.stderr
