"""The contents of a rendered document: one entry per heading, numbered as the headings are, field codes kept."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from lxml import etree

from conftest import CASES, fixture_cases, requires_soffice
from cspr_docs.documents import CATALOGUE
from cspr_docs.load import load_case
from cspr_docs.render import toc

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WNS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
PLACEHOLDER = "Update this field"
REPORT = CATALOGUE["final-report"].template


def render(invoke, case: Path, out: Path, kind: str = "final-report", *extra: str | Path) -> Path:
    draft = () if (case / "case.yaml").read_text().count("\nreview:") else ("--draft",)
    result = invoke("render", kind, "--case", case, "--out", out, *draft, *extra)
    assert result.exit_code == 0, result.stderr
    return next(out.glob(f"*_{kind}.docx"))


def body(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def field_paragraphs(root: etree._Element) -> list[etree._Element]:
    """The paragraphs from the TOC field's begin to its end."""
    paragraphs, inside = [], False
    for p in root.iter(W + "p"):
        codes = [c.get(W + "fldCharType") for c in p.iter(W + "fldChar")]
        if "begin" in codes and "TOC" in "".join(t.text or "" for t in p.iter(W + "instrText")):
            inside = True
        if inside:
            paragraphs.append(p)
        if inside and "end" in codes:
            break
    return paragraphs


def entries(root: etree._Element) -> list[str]:
    """Each contents entry as its text, the tab between number and heading as '\\t'."""
    return ["".join(e.text or "" if e.tag == W + "t" else "\t" for r in p.iter(W + "r") for e in r
                    if e.tag in (W + "t", W + "tab")) for p in field_paragraphs(root)]


def numbered_headings(path: Path) -> list[str]:
    """Headings of levels 1-2 as a reader sees them: 'Heading 1' and '2' numbered 1, 1.1…; unnumbered ones bare."""
    found, first, second = [], 0, 0
    for paragraph in docx.Document(str(path)).paragraphs:
        style = paragraph.style.name
        if style == "Heading 1":
            first, second = first + 1, 0
            found.append(f"{first}\t{paragraph.text}")
        elif style == "Heading 2":
            second += 1
            found.append(f"{first}.{second}\t{paragraph.text}")
        elif style == "Heading Unnumbered":
            found.append(paragraph.text)
    return found


@pytest.mark.parametrize("case", fixture_cases(), ids=lambda p: p.name)
def test_contents_lists_every_section_heading_in_order(invoke, tmp_path, case) -> None:
    path = render(invoke, case, tmp_path / "out")
    listed = entries(body(path))
    assert listed == numbered_headings(path)
    assert listed[:3] == ["Foreword", "1\tIntroduction and reasons for the review", "2\tScope and method"]
    assert "6.1\tHow agencies worked together" in listed and "Appendix D: Contributing agencies" in listed
    assert "Contents" not in listed  # the contents' own title


def test_field_codes_stay_and_the_placeholder_goes(invoke, tmp_path) -> None:
    root = body(render(invoke, CASES / "notification-death", tmp_path / "out"))
    paragraphs = field_paragraphs(root)
    codes = [c.get(W + "fldCharType") for p in paragraphs for c in p.iter(W + "fldChar")]
    assert codes == ["begin", "separate", "end"]
    assert [t.text for t in paragraphs[0].iter(W + "instrText")] == [' TOC \\o "1-2" \\h \\z \\u ']
    assert PLACEHOLDER not in "".join(root.itertext())
    assert {p.find(f"{W}pPr/{W}pStyle").get(W + "val") for p in paragraphs} == {"TOC1", "TOC2"}


def test_each_entry_links_to_its_heading(invoke, tmp_path) -> None:
    root = body(render(invoke, CASES / "notification-death", tmp_path / "out"))
    marks = {b.get(W + "name"): "".join(t.text for t in b.getparent().iter(W + "t"))
             for b in root.iter(W + "bookmarkStart")}
    links = [(h.get(W + "anchor"), "".join(t.text for t in h.iter(W + "t"))) for p in field_paragraphs(root)
             for h in p.iter(W + "hyperlink")]
    assert len(links) == 18
    assert all(text.endswith(marks[anchor]) for anchor, text in links)
    assert len({anchor for anchor, _ in links}) == len(links)


def _custom_pack(tmp_path: Path, toc_instruction: str, cached: str = "Contents go here") -> Path:
    """A final-report template written by a user: a simple TOC field in a table cell, headings made by a loop."""
    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0]._p.append(parse_xml(
        f'<w:fldSimple {WNS} w:instr="{toc_instruction}"><w:r><w:t>{cached}</w:t></w:r></w:fldSimple>'))
    document.add_heading("Recommendations", 1)
    document.add_paragraph("{%p for item in recommendations %}")
    document.add_heading("{{ item.id }} for {{ item.owner }}", 2)
    document.add_paragraph("{{ item.text }}")
    document.add_paragraph("{%p endfor %}")
    document.add_heading("Not listed at level 3", 3)
    pack = tmp_path / "pack"
    pack.mkdir()
    document.save(str(pack / REPORT))
    return pack


def test_a_custom_template_lists_headings_made_by_loops(invoke, tmp_path) -> None:
    case = CASES / "notification-death"
    pack = _custom_pack(tmp_path, 'TOC \\o &quot;1-2&quot; \\h')
    root = body(render(invoke, case, tmp_path / "out", "final-report", "--templates", pack))
    recommendations = load_case(case).case.recommendations
    assert len(recommendations) == 6
    assert entries(root) == ["Recommendations"] + [f"{r.id} for {r.owner}" for r in recommendations]
    assert "Contents go here" not in "".join(root.itertext())
    assert field_paragraphs(root)[0].getparent().tag == W + "tc"  # filled where the author put it


def test_a_table_of_figures_is_left_as_the_author_made_it(invoke, tmp_path) -> None:
    pack = _custom_pack(tmp_path, 'TOC \\c &quot;Figure&quot;', cached="Figures go here")
    root = body(render(invoke, CASES / "notification-death", tmp_path / "out", "final-report", "--templates", pack))
    assert "Figures go here" in "".join(root.itertext())
    assert not list(root.iter(W + "bookmarkStart"))


def test_a_document_without_contents_is_untouched(invoke, tmp_path, monkeypatch) -> None:
    case = CASES / "notification-death"
    with_hook = render(invoke, case, tmp_path / "a", "combined-summary")
    monkeypatch.setattr(toc, "prepare", lambda *_: None)
    without = render(invoke, case, tmp_path / "b", "combined-summary")
    assert with_hook.read_bytes() == without.read_bytes()
    assert len(numbered_headings(with_hook)) > 5  # it has headings, only no contents field


def test_list_numbering_is_counted_as_word_shows_it() -> None:
    """Roman and letter formats, a legal-style level and a restart: the numbers Word prints before each heading."""
    levels = ('<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/>'
              '</w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:isLgl/>'
              '<w:lvlText w:val="%1.%2"/></w:lvl>')
    numbering = (f'<w:numbering {WNS}><w:abstractNum w:abstractNumId="7">{levels}</w:abstractNum>'
                 '<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num></w:numbering>')
    styles = (f'<w:styles {WNS}><w:style w:type="paragraph" w:styleId="H1"><w:name w:val="heading 1"/><w:pPr>'
              '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="H2"><w:name w:val="heading 2"/><w:basedOn w:val="H1"/><w:pPr>'
              '<w:numPr><w:ilvl w:val="1"/></w:numPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Side"><w:name w:val="Side note"/><w:pPr><w:outlineLvl'
              ' w:val="0"/></w:pPr></w:style></w:styles>')
    paragraphs = "".join(f'<w:p><w:pPr><w:pStyle w:val="{s}"/></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>'
                         for s, t in [("H1", "One"), ("H2", "Sub"), ("H2", "Sub"), ("Side", "Aside"), ("H1", "Two"),
                                      ("H2", "Again")])
    document = (f'<w:document {WNS}><w:body><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>'
                'TOC \\o "1-2" \\u</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>old'
                f'</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>{paragraphs}</w:body></w:document>')
    contents = {"word/document.xml": document.encode(), "word/styles.xml": styles.encode(),
                "word/numbering.xml": numbering.encode()}
    outline = toc.prepare(contents, "word/document.xml")
    assert outline is not None and toc.prepare({"word/document.xml": b"<x/>"}, "word/document.xml") is None
    root = etree.fromstring(contents["word/document.xml"])
    assert toc.fill(root, outline)
    assert entries(root) == ["I.\tOne", "1.1\tSub", "1.2\tSub", "Aside", "II.\tTwo", "2.1\tAgain"]


@requires_soffice
def test_the_pdf_contents_page_lists_the_headings(invoke, tmp_path) -> None:
    path = render(invoke, CASES / "notification-death", tmp_path / "out", "final-report", "--pdf")
    pdf = path.with_suffix(".pdf")
    page = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    lines = [re.sub(r"\s+", " ", line).strip() for line in page.splitlines()]
    wanted = [entry.replace("\t", " ") for entry in numbered_headings(path)]
    start = lines.index("Contents") + 1
    assert lines[start:start + len(wanted)] == wanted
    assert PLACEHOLDER not in page
