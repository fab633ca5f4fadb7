"""`merge --combined` also writes one print-ready .docx: a section per recipient, own headers, pages and bookmark."""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import re
import zipfile

import docx
import pytest
import yaml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from lxml import etree
from pypdf import PdfReader

from conftest import CASES, fixture_cases, requires_soffice
from cspr_docs.documents import CATALOGUE
from cspr_docs.render.combine import bookmark_name, combine_documents
from test_logo import png
from test_merge import DATE, LETTER, new_case, recipient, snapshot, stem, write_recipients
from test_merge_pdf import fake_soffice  # noqa: F401  (a fixture)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
SAFE = etree.XMLParser(resolve_entities=False, no_network=True)


def check_package(data: bytes) -> dict[str, etree._Element]:
    """Every XML part parses and has a content type; every relationship and r: reference resolves; ids are unique.

    Returns the parsed parts by name.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        xml = {n: etree.fromstring(archive.read(n), SAFE) for n in names if n.endswith((".xml", ".rels"))}
    types = xml["[Content_Types].xml"]
    defaults = {e.get("Extension") for e in types if e.tag.endswith("Default")}
    overrides = [e.get("PartName").lstrip("/") for e in types if e.tag.endswith("Override")]
    assert len(overrides) == len(set(overrides)), "a part has two content types"
    assert not set(overrides) - names, "a content type for a part that is not there"
    assert not [n for n in names if n not in overrides and n.rsplit(".", 1)[-1] not in defaults]
    docpr, sdt = [], []
    for name, root in xml.items():
        if name.endswith(".rels") or name == "[Content_Types].xml":
            continue
        folder, base = posixpath.split(name)
        rels = xml.get(posixpath.join(folder, "_rels", f"{base}.rels"))
        ids = set()
        for rel in rels if rels is not None else ():
            if rel.get("TargetMode") != "External":
                target = posixpath.normpath(posixpath.join(folder, rel.get("Target")))
                assert target in names, f"{name}: relationship to missing {target}"
            ids.add(rel.get("Id"))
        for element in root.iter():
            for attribute, value in element.attrib.items():
                if attribute.startswith(R):
                    assert value in ids, f"{name}: {attribute} {value} has no relationship"
        docpr += [e.get("id") for e in root.iter(DOCPR)]
        sdt += [e.get(f"{W}val") for e in root.iter(f"{W}id") if e.getparent().tag == f"{W}sdtPr"]
    assert len(docpr) == len(set(docpr)), "drawing ids repeat"
    assert len(sdt) == len(set(sdt)), "content-control ids repeat"
    body = xml["word/document.xml"]
    starts = list(body.iter(f"{W}bookmarkStart"))
    assert len({b.get(f"{W}id") for b in starts}) == len(starts), "bookmark ids repeat"
    assert len({b.get(f"{W}name").casefold() for b in starts}) == len(starts), "bookmark names repeat"
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,39}", b.get(f"{W}name")) for b in starts)
    assert {e.get(f"{W}id") for e in body.iter(f"{W}bookmarkEnd")} == {b.get(f"{W}id") for b in starts}
    docx.Document(io.BytesIO(data))  # python-docx opens it
    return xml


def text_of(root: etree._Element) -> str:
    return " ".join(t.text or "" for t in root.iter(f"{W}t"))


def instructions(root: etree._Element) -> str:
    return " ".join([t.text or "" for t in root.iter(f"{W}instrText")]
                    + [f.get(f"{W}instr") for f in root.iter(f"{W}fldSimple")])


def sections(body: etree._Element) -> list[etree._Element]:
    return [s for s in body.iter(f"{W}sectPr") if s.getparent().tag in (f"{W}pPr", f"{W}body")]


def bookmarks(body: etree._Element) -> list[str]:
    return [b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")]


# --- the fixtures' agencies ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case_dir", fixture_cases(), ids=lambda p: p.name)
@pytest.mark.parametrize("kind", [LETTER, "information-request-reply"])  # the reply: bookmarks, content controls
def test_combined_docx_holds_each_agency_letter_once_in_order(
    tmp_path, invoke, fake_soffice, case_dir, kind  # noqa: F811
):
    fake_soffice("good")  # 2-page PDFs: LibreOffice itself is tested below
    data = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))
    agencies, reference = data["agencies"], data["reference"]
    out = tmp_path / "out"
    result = invoke("merge", kind, "--case", case_dir, "--out", out, "--combined", "--date", DATE)
    assert result.exit_code == 0, result.stderr
    combined = out / f"{reference}_{kind}-combined.docx"
    assert f"wrote {combined}" in result.stdout
    blob = combined.read_bytes()
    xml = check_package(blob)
    body = xml["word/document.xml"]
    document = docx.Document(io.BytesIO(blob))
    assert len(document.sections) == len(agencies)
    for section in sections(body):
        assert section.find(f"{W}type").get(f"{W}val") == "nextPage"
        assert section.find(f"{W}pgNumType").get(f"{W}start") == "1"

    text = text_of(body)
    letters = {}
    for agency in agencies:
        with zipfile.ZipFile(out / f"{reference}_{kind}_{agency['id']}.docx") as archive:
            letters[agency["id"]] = text_of(etree.fromstring(archive.read("word/document.xml"), SAFE))
    previous = -1
    for agency in agencies:  # details found in no other agency's letter: as often as in its own, in order
        details = [agency["name"], agency["contact"]["name"], *(agency["contact"].get("address") or [])]
        own = [d for d in details if d in letters[agency["id"]]
               and not any(d in letters[o["id"]] for o in agencies if o is not agency)]
        assert own, agency["id"]
        for detail in own:
            assert text.count(detail) == letters[agency["id"]].count(detail) >= 1, detail
        assert text.index(own[0]) > previous
        previous = text.index(own[0])
    expected = [bookmark_name(a["id"], set()) for a in agencies]  # the fixtures' ids give distinct names
    assert [b for b in bookmarks(body) if b in expected] == expected

    footers = [root for name, root in xml.items() if re.fullmatch(r"word/footer[^/]*\.xml", name)]
    headers = [root for name, root in xml.items() if re.fullmatch(r"word/header[^/]*\.xml", name)]
    assert len(footers) == len(headers) == len(agencies)  # each letter its own
    assert all("SECTIONPAGES" in instructions(f) and "NUMPAGES" not in instructions(f) for f in footers)
    media = [n for n in zipfile.ZipFile(io.BytesIO(blob)).namelist() if n.startswith("word/media/")]
    logos = [e for e in body.iter() if e.get(f"{R}embed")]
    with zipfile.ZipFile(out / f"{reference}_{kind}_{agencies[0]['id']}.docx") as archive:
        logo = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert (len(logos), len(media)) == ((len(agencies), 1) if logo else (0, 0))  # each letter's logo, stored once
    assert document.core_properties.title == f"{reference}: {CATALOGUE[kind].title}"
    assert document.core_properties.author == "" and document.core_properties.last_modified_by == ""

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["combined_docx"] == {"file": combined.name, "sha256": hashlib.sha256(blob).hexdigest()}
    assert manifest["combined"]["file"].endswith("-combined.pdf")  # the key other tools read is unchanged


def test_combined_reply_forms_do_not_claim_to_be_the_first_agencys_form(tmp_path, invoke, fake_soffice):  # noqa: F811
    fake_soffice("good")
    kind, out = "information-request-reply", tmp_path / "out"
    result = invoke("merge", kind, "--case", CASES / "notification-death", "--out", out, "--combined", "--date", DATE)
    assert result.exit_code == 0, result.stderr
    first = docx.Document(next(out.glob(f"*_{kind}_csc.docx")))
    assert first.core_properties.identifier == f"NSCP-2025-014/csc/{kind}/1"  # one form says whose it is
    combined = docx.Document(next(out.glob(f"*_{kind}-combined.docx")))
    assert combined.core_properties.identifier == ""  # twelve forms are no single agency's reply
    assert combined.core_properties.title == f"NSCP-2025-014: {CATALOGUE[kind].title}"


def test_collect_refuses_the_combined_reply_file(tmp_path, invoke, case_copy):
    folder = case_copy("notification-death")
    out = tmp_path / "out"
    kind = "information-request-reply"
    assert invoke("merge", kind, "--case", folder, "--out", out, "--only", "csc,icb", "--date", DATE).exit_code == 0
    combined = tmp_path / "combined.docx"
    combined.write_bytes(combine_documents([(p.stem, p.read_bytes()) for p in sorted(out.glob("*.docx"))],
                                           title="t"))
    before = {p.name: p.read_bytes() for p in (folder / "replies").iterdir()}
    result = invoke("collect", combined, "--case", folder)
    assert result.exit_code == 3
    assert "holds 2 different reply forms (a combined print file?)" in result.stderr
    assert {p.name: p.read_bytes() for p in (folder / "replies").iterdir()} == before


def test_existing_combined_docx_without_force_is_exit_5_and_nothing_written(tmp_path, invoke, fake_soffice):  # noqa: F811
    fake_soffice("good")
    case = new_case(tmp_path, invoke)
    people = write_recipients(tmp_path / "r.csv", [recipient(i, f"Agency {i}") for i in ("a1", "b2")])
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"{stem(case)[:-1]}-combined.docx"
    target.write_bytes(b"an older combined file")
    before = snapshot(out)
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--combined")
    assert result.exit_code == 5, result.stderr
    assert target.name in result.stderr and "--force" in result.stderr
    assert snapshot(out) == before
    forced = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--combined", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert len(docx.Document(str(target)).sections) == 2


@pytest.mark.parametrize("behaviour", ["nothing", "truncated"])
def test_failing_soffice_leaves_a_valid_combined_docx_and_no_pdf(tmp_path, invoke, fake_soffice, behaviour):  # noqa: F811
    fake_soffice(behaviour)
    case = new_case(tmp_path, invoke)
    people = write_recipients(tmp_path / "r.csv", [recipient(i, f"Agency {i}") for i in ("a1", "b2", "c3")])
    out = tmp_path / "out"
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--combined")
    assert result.exit_code == 4, result.stderr
    start = stem(case)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{start}{i}.docx" for i in ("a1", "b2", "c3")] + [f"{start[:-1]}-combined.docx"])  # no PDF, no manifest
    xml = check_package((out / f"{start[:-1]}-combined.docx").read_bytes())
    assert len(sections(xml["word/document.xml"])) == 3
    assert "Agency b2" in text_of(xml["word/document.xml"])


def test_dry_run_lists_the_combined_docx_and_writes_nothing(tmp_path, invoke):
    case = new_case(tmp_path, invoke)
    people = write_recipients(tmp_path / "r.csv", [recipient(i, f"Agency {i}") for i in ("a1", "b2")])
    out = tmp_path / "out"
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--combined", "--dry-run")
    assert result.exit_code in (0, 4), result.stderr  # 4: no LibreOffice here, which --combined needs
    if result.exit_code == 0:
        assert f"would write {out / (stem(case)[:-1] + '-combined.docx')}" in result.stdout
    assert not out.exists()


def test_family_combined_docx_names_no_one_on_the_terminal(tmp_path, invoke, fake_soffice):  # noqa: F811
    fake_soffice("good")
    folder = CASES / "notification-death"
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    out = tmp_path / "out"
    result = invoke("merge", "family-letter", "--case", folder, "--out", out, "--combined", "--date", DATE)
    assert result.exit_code == 0, result.stderr
    combined = out / f"{data['reference']}_family-letter-combined.docx"
    assert combined.is_file()
    real = [p["name"] for group in ("children", "family") for p in data.get(group, [])]
    assert not [name for name in real if name in result.stdout + result.stderr]
    members = [m for m in data["family"] if m.get("contact")]
    body = check_package(combined.read_bytes())["word/document.xml"]
    assert [b for b in bookmarks(body) if not b.startswith("_")] == [bookmark_name(m["id"], set()) for m in members]


def test_custom_template_headers_lists_and_page_counts_stay_per_letter(tmp_path, invoke, fake_soffice):  # noqa: F811
    fake_soffice("good")  # every letter "has" 2 pages: the count stored for readers that cannot count
    pack = tmp_path / "pack"
    pack.mkdir()
    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "For {{ recipient.name }}"
    add_page_fields(template.sections[0].footer.paragraphs[0])
    template.add_paragraph("Dear {{ recipient.contact.name }}")
    for step in ("Search records", "Reply"):
        template.add_paragraph(step, style="List Number")
    template.save(str(pack / "information-request-letter.docx"))
    case = new_case(tmp_path, invoke)
    rows = [recipient(i, f"Agency {i}") for i in ("a1", "b2", "c3")]
    people = write_recipients(tmp_path / "r.csv", rows)
    out = tmp_path / "out"
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--combined",
                    "--templates", pack)
    assert result.exit_code == 0, result.stderr
    combined = out / f"{stem(case)[:-1]}-combined.docx"
    blob = combined.read_bytes()
    xml = check_package(blob)
    document = docx.Document(io.BytesIO(blob))
    assert [s.header.paragraphs[0].text for s in document.sections] == [f"For Agency {i}" for i in ("a1", "b2", "c3")]
    for section in document.sections:
        footer = section.footer._element
        assert "SECTIONPAGES" in instructions(footer) and "NUMPAGES" not in instructions(footer)
        assert text_of(footer).split() == ["Page", "1", "of", "2"]  # PAGE's stored result, then the count
    lists = [p for p in xml["word/document.xml"].iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle") is not None
             and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "ListNumber"]
    assert len(lists) == 6
    assert_lists_restart(xml, lists, per_letter=2)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["combined_docx"]["sha256"] == hashlib.sha256(blob).hexdigest()  # the file as last written


# --- combine_documents on its own --------------------------------------------------------------------------------


def add_field(paragraph, code: str, result: str = "1") -> None:
    for kind, text in (("begin", None), ("instr", code), ("separate", None), ("text", result), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
            run._r.append(element)
        elif kind == "text":
            run.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)


def add_page_fields(paragraph) -> None:
    paragraph.add_run("Page ")
    add_field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    add_field(paragraph, "NUMPAGES")


def letter(name: str, *, items: int, breaks: int = 0, image: bytes | None = None) -> bytes:
    """A letter with a header, page fields (both forms), a numbered list, a picture, a link, a bookmark and a
    REF to it, a content control, and a table at the very end."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"Header for {name}"
    add_page_fields(section.footer.paragraphs[0])
    simple = section.footer.add_paragraph()._p
    simple.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r>'
                            "</w:fldSimple>"))
    opening = document.add_paragraph(f"Letter to {name}")
    opening._p.append(parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="0" w:name="_Ref1"/>'))
    opening._p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="0"/>'))
    add_field(document.add_paragraph("See "), "REF _Ref1 \\h")
    for index in range(items):
        document.add_paragraph(f"Item {index} for {name}", style="List Number")
    document.add_paragraph("A bullet", style="List Bullet")
    document.add_picture(io.BytesIO(png(8, 8)), width=Cm(1))
    if image is not None:
        document.add_picture(io.BytesIO(image), width=Cm(1))
    link = document.add_paragraph()
    rel = document.part.relate_to("https://example.org/" + name, docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK,
                                  is_external=True)
    link._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{rel}"><w:r><w:t>site</w:t></w:r>'
                             "</w:hyperlink>"))
    document.element.body.insert(-1, parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:id w:val="7"/></w:sdtPr>'
        f"<w:sdtContent><w:p><w:r><w:t>Control of {name}</w:t></w:r></w:p></w:sdtContent></w:sdt>"))
    for _ in range(breaks):
        document.add_page_break()
    document.add_table(rows=1, cols=1).cell(0, 0).text = f"Table ending {name}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def assert_lists_restart(xml: dict[str, etree._Element], paragraphs: list, *, per_letter: int) -> None:
    """Each letter's list items point at their own w:num, each starting its levels afresh (the first keeps its own)."""
    numbering = xml["word/numbering.xml"]
    nums = {n.get(f"{W}numId"): n for n in numbering.iter(f"{W}num")}
    ids = [p.find(f"{W}pPr/{W}numPr/{W}numId") for p in paragraphs]
    letters = [ids[i:i + per_letter] for i in range(0, len(ids), per_letter)]
    assert all(e is None for e in letters[0])  # from the style, as in the letter itself
    used = [{e.get(f"{W}val") for e in group} for group in letters[1:]]
    assert all(len(u) == 1 for u in used) and len({next(iter(u)) for u in used}) == len(used)
    for (num_id,) in used:
        override = nums[num_id].find(f"{W}lvlOverride[@{W}ilvl='0']/{W}startOverride")
        assert override is not None and override.get(f"{W}val") == "1"


def test_bookmark_names_are_valid_unique_and_from_the_label():
    taken: set[str] = set()
    names = [bookmark_name(label, taken) for label in
             ("police", "community-health", "0042", "Police", "x" * 60, "\U0001f600", "community_health")]
    assert names[:4] == ["police", "community_health", "id_0042", "Police_2"]
    assert names[4] == "x" * 40 and names[5] == "id" and names[6] == "community_health_2"
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", n) for n in names)


def test_combine_documents_keeps_each_letter_whole_and_valid():
    other = png(4, 4, lambda _x, _y: (255, 0, 0, 255))
    parts = [("alpha", letter("Alpha", items=3)), ("beta", letter("Beta", items=2, image=other)),
             ("gamma", letter("Gamma", items=4))]
    blob = combine_documents(parts, title="Case: letters")
    xml = check_package(blob)
    body = xml["word/document.xml"]
    assert len(sections(body)) == 3 and len(docx.Document(io.BytesIO(blob)).sections) == 3
    # Letters ending in a table get a paragraph of their own to end their section.
    for section in sections(body)[:2]:
        ending = section.getparent().getparent()
        assert ending.getprevious().tag == f"{W}tbl" and not text_of(ending)
    text = text_of(body)
    assert [text.count(f"Table ending {n}") for n in ("Alpha", "Beta", "Gamma")] == [1, 1, 1]
    assert text.index("Alpha") < text.index("Beta") < text.index("Gamma")
    items = [p for p in body.iter(f"{W}p") if "Item" in text_of(p)]
    numbered = [p.find(f"{W}pPr/{W}numPr/{W}numId") for p in items]
    assert all(n is None for n in numbered[:3])
    beta, gamma = {n.get(f"{W}val") for n in numbered[3:5]}, {n.get(f"{W}val") for n in numbered[5:]}
    assert len(beta) == len(gamma) == 1 and beta != gamma
    # Pictures: the shared one stored once, Beta's own once; links kept, each letter its own target.
    media = [n for n in zipfile.ZipFile(io.BytesIO(blob)).namelist() if n.startswith("word/media/")]
    assert len(media) == 2 and len(list(body.iter(DOCPR))) == 4
    links = {r.get("Target") for r in xml["word/_rels/document.xml.rels"] if r.get("TargetMode") == "External"}
    assert links == {f"https://example.org/{n}" for n in ("Alpha", "Beta", "Gamma")}
    # Bookmarks: the recipients' first, each letter's own renamed, its REF following it.
    names = bookmarks(body)
    assert [n for n in names if not n.startswith("_")] == ["alpha", "beta", "gamma"]
    refs = re.findall(r"REF (\S+)", instructions(body))
    assert sorted(refs) == sorted(n for n in names if n.startswith("_Ref1")) and len(set(refs)) == 3
    # Every header and footer its own; NUMPAGES, complex and simple, now counts the letter's pages.
    footers = [root for name, root in xml.items() if re.fullmatch(r"word/footer[^/]*\.xml", name)]
    assert len(footers) == 3
    for footer in footers:
        assert instructions(footer).split().count("SECTIONPAGES") == 2 and "NUMPAGES" not in instructions(footer)
    assert sorted(text_of(r) for n, r in xml.items() if re.fullmatch(r"word/header[^/]*\.xml", n)) == [
        "Header for Alpha", "Header for Beta", "Header for Gamma"]
    core = docx.Document(io.BytesIO(blob)).core_properties
    assert core.title == "Case: letters" and core.author == ""


def test_page_counts_become_the_stored_results_of_the_page_count_fields():
    blob = combine_documents([("a", letter("A", items=1)), ("b", letter("B", items=1))], title="t",
                             page_counts=[3, 5])
    document = docx.Document(io.BytesIO(blob))
    shown = [text_of(section.footer._element).split() for section in document.sections]
    assert shown == [["Page", "1", "of", "3", "3"], ["Page", "1", "of", "5", "5"]]  # complex field, simple one
    with pytest.raises(ValueError, match="page count"):
        combine_documents([("a", letter("A", items=1))], title="t", page_counts=[1, 2])


# --- with LibreOffice ------------------------------------------------------------------------------------------


@requires_soffice
def test_libreoffice_prints_each_letter_from_page_1_of_its_own_count(tmp_path, invoke):
    """A merge with LibreOffice stores each letter's page count in the combined file, which LibreOffice
    (unlike Word) cannot count for a section itself: converted, each letter reads "Page 1 of N" for its own N."""
    from cspr_docs.pdf.convert import convert_to_pdf

    case = new_case(tmp_path, invoke)
    long_address = ";".join(f"Line {i} of a long address" for i in range(60))
    rows = [recipient("short", "Short Agency"), recipient("long", "Long Agency", address=long_address),
            recipient("third", "Third Agency")]
    people = write_recipients(tmp_path / "r.csv", rows)
    out = tmp_path / "out"
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--combined",
                    "--date", DATE)
    assert result.exit_code == 0, result.stderr
    start = stem(case)
    letters = [out / f"{start}{row['id']}.docx" for row in rows]
    pdfs = convert_to_pdf([*letters, out / f"{start[:-1]}-combined.docx"], tmp_path / "pdf")
    counts = [len(PdfReader(pdf).pages) for pdf in pdfs[:-1]]
    assert len(set(counts)) > 1, counts  # the long address makes its letter longer
    combined = PdfReader(pdfs[-1])
    assert len(combined.pages) == sum(counts)
    first = 0
    for row, count in zip(rows, counts, strict=True):
        text = " ".join(combined.pages[first].extract_text().split())
        assert f"Page 1 of {count}" in text and row["contact_name"] in text, (row["id"], text[-200:])
        last = " ".join(combined.pages[first + count - 1].extract_text().split())
        assert f"Page {count} of {count}" in last
        first += count


@requires_soffice
def test_libreoffice_restarts_numbered_lists_in_each_letter(tmp_path):
    from cspr_docs.pdf.convert import convert_to_pdf

    path = tmp_path / "combined.docx"
    path.write_bytes(combine_documents([("a", letter("Alpha", items=3)), ("b", letter("Beta", items=2, breaks=1))],
                                       title="t", page_counts=[1, 2]))
    (pdf,) = convert_to_pdf([path], tmp_path / "pdf")
    reader = PdfReader(pdf)
    assert len(reader.pages) == 3
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert re.findall(r"(\d+)\. Item \d for (\w+)", text) == [
        ("1", "Alpha"), ("2", "Alpha"), ("3", "Alpha"), ("1", "Beta"), ("2", "Beta")]
    assert "Header for Beta" in reader.pages[2].extract_text()
