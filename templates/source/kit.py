"""Building blocks for the pack: paragraphs of single-run tags, tables, letterhead, header/footer, content controls."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import quoteattr

from docx import Document
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Cm, Twips

from source import base
from source.base import SHADE, W

TEMPLATE_VERSION = "1"
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_DROP = {"http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects", RT.WEB_SETTINGS, RT.THEME,
         RT.CUSTOM_XML}


class B(str):
    """Bold run."""


class I(str):
    """Italic run."""


class G(str):
    """Guidance run: grey italic text the author replaces."""


# ---------------------------------------------------------------- document


def new_document(kind: str, title: str, *, marking: bool = True, identifier: str = ""):
    """A blank A4 document on the slim base, with the header and footer of the house style."""
    doc = Document()
    part = doc.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype in _DROP:
            del part.rels[rid]
    for rid, rel in list(part.package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del part.package.rels[rid]
    part._styles_part._element = parse_xml(base.styles_xml())
    part.numbering_part._element = parse_xml(base.numbering_xml())
    part._settings_part._element = parse_xml(base.settings_xml())
    for rel in part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = base.font_table_xml().encode()
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Twips(1134))
    section.header_distance = section.footer_distance = Cm(0.9)
    _core_properties(doc, title, kind, identifier)
    _custom_properties(doc, kind)
    _header_footer(doc, marking=marking)
    return doc


def _core_properties(doc, title: str, kind: str, identifier: str) -> None:
    props = doc.core_properties
    props.title = title
    props.subject = ""
    props.author = "cspr-docs"
    props.last_modified_by = "cspr-docs"
    props.comments = f"cspr-docs default template {kind}, version {TEMPLATE_VERSION}"
    props.keywords = f"cspr-docs; {kind}"
    props.identifier = identifier
    props.language = "en-GB"
    props.category = ""
    props.revision = 1
    props.created = props.modified = FIXED_TIME


def _custom_properties(doc, kind: str) -> None:
    """cspr.template and cspr.template-version: identify the kind of a returned document (survive LibreOffice)."""
    fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
    items = [("cspr.template", kind), ("cspr.template-version", TEMPLATE_VERSION)]
    props = "".join(f'<property fmtid="{fmtid}" pid="{pid}" name="{name}"><vt:lpwstr>{value}</vt:lpwstr></property>'
                    for pid, (name, value) in enumerate(items, start=2))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxml'
           'formats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/office'
           f'Document/2006/docPropsVTypes">{props}</Properties>')
    package = doc.part.package
    part = Part(PackURI("/docProps/custom.xml"),
                "application/vnd.openxmlformats-officedocument.custom-properties+xml", xml.encode(), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _header_footer(doc, *, marking: bool) -> None:
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.style = doc.styles["Protective Marking"]
    foot = section.footer.paragraphs[0]
    foot.style = doc.styles["footer"]
    if marking:
        head.add_run("{{ document.marking }}{% if document.draft %} – DRAFT{% endif %}")
        foot.add_run("Ref: {{ case.reference }}")
    else:
        head.add_run("{% if document.draft %}DRAFT – NOT FOR PUBLICATION{% endif %}")
        foot.add_run("{{ subject }}: local child safeguarding practice review")
    foot.add_run("\tPage ")
    field(foot, "PAGE")
    foot.add_run(" of ")
    field(foot, "NUMPAGES")
    if marking:
        section.footer.add_paragraph("{{ document.marking }}", style="Protective Marking")


def field(paragraph, instruction: str, cached: str = "1", *, placeholder: bool = False) -> None:
    """A complex field (PAGE, NUMPAGES, TOC…) with a cached result that Word and LibreOffice recompute.

    `placeholder`: the cached text is an instruction (grey italic), since a PDF export prints it as it is.
    """
    p = paragraph._p
    look = '<w:rPr><w:rStyle w:val="PlaceholderText"/><w:i/><w:color w:val="767171"/></w:rPr>' if placeholder else ""
    p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>'))
    p.append(parse_xml(f'<w:r {W}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'))
    p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>'))
    p.append(parse_xml(f'<w:r {W}>{look}<w:t xml:space="preserve">{cached}</w:t></w:r>'))
    p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'))


def save(doc, path) -> None:
    """Write the .docx reproducibly: entries sorted, fixed timestamps and permissions."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for name in sorted(zin.namelist()):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, zin.read(name))
    path.write_bytes(out.getvalue())


# ---------------------------------------------------------------- paragraphs


def _runs(paragraph, parts: Iterable[str]) -> None:
    for text in parts:
        run = paragraph.add_run(str(text))
        if isinstance(text, B):
            run.bold = True
        elif isinstance(text, I):
            run.italic = True
        elif isinstance(text, G):
            run.style = "Placeholder Text"
            run.italic = True


def para(container, *parts: str, style: str | None = None, align: str | None = None, keep_next: bool = False):
    """A paragraph; each part is one run, so a Jinja tag written as one part is never split."""
    paragraphs = getattr(container, "paragraphs", [])
    if hasattr(container, "_tc") and len(paragraphs) == 1 and not paragraphs[0].text and not paragraphs[0].runs:
        paragraph = paragraphs[0]
        if style:
            paragraph.style = style
    else:
        paragraph = container.add_paragraph(style=style)
    _runs(paragraph, parts)
    if align:
        paragraph.paragraph_format.alignment = {"right": 2, "center": 1, "justify": 3}[align]
    if keep_next:
        paragraph.paragraph_format.keep_with_next = True
    return paragraph


def tag(container, statement: str):
    """A paragraph holding only `{%p statement %}`: docxtpl replaces the whole paragraph by the Jinja tag."""
    return para(container, f"{{%p {statement} %}}")


def heading(doc, text: str, level: int = 1, *, numbered: bool = True):
    style = f"heading {level}" if numbered else "Heading Unnumbered"
    return para(doc, text, style=style)


def guidance(container, text: str):
    return para(container, text, style="Guidance")


def bullets(container, items: Iterable[str | tuple[str, ...]]):
    for item in items:
        parts = item if isinstance(item, tuple) else (item,)
        para(container, *parts, style="List Bullet")


def optional_text(container, value: str, missing: str, *, style: str | None = None):
    """`value` when the case has it, else a guidance line saying what goes here."""
    para(container, f"{{% if {value} %}}", f"{{{{ {value} }}}}", "{% else %}", G(missing), "{% endif %}",
         style=style)


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# ---------------------------------------------------------------- tables


def table(container, widths_cm: list[float], *, style: str = "CSPR Table", header: list[str] | None = None):
    """A fixed-layout table whose columns add up to the text width; optional repeating header row."""
    tbl = container.add_table(rows=0, cols=len(widths_cm))
    tbl.style = style
    tbl.autofit = False
    tbl._widths = [Cm(w) for w in widths_cm]
    first_row = "1" if header else "0"
    set_table_property(tbl, f'<w:tblLook {W} w:val="{"0620" if header else "0600"}" w:firstRow="{first_row}" '
                       'w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>')
    total = sum(int(Cm(w).twips) for w in widths_cm)
    set_table_property(tbl, f'<w:tblW {W} w:w="{total}" w:type="dxa"/>')
    for col, width in zip(tbl.columns, tbl._widths, strict=True):
        col.width = width
    if header:
        cells = row(tbl, *header, style="Table Heading", shade=True)
        tr_pr = cells[0]._tc.getparent().get_or_add_trPr()
        tr_pr.append(parse_xml(f'<w:tblHeader {W}/>'))
    return tbl


_TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
                "tblCaption", "tblDescription"]


def set_table_property(tbl, xml: str) -> None:
    """Put one table property in its schema position (Word rejects tblPr children out of order)."""
    element = parse_xml(xml)
    name = element.tag.split("}")[1]
    tbl_pr = tbl._tbl.tblPr
    for old in tbl_pr.findall(element.tag):
        tbl_pr.remove(old)
    later = [f"w:{n}" for n in _TBLPR_ORDER[_TBLPR_ORDER.index(name) + 1:]]
    tbl_pr.insert_element_before(element, *later)


def row(tbl, *cells, style: str = "Table Text", shade: bool = False, cant_split: bool = False,
        min_height_cm: float = 0):
    """Add a row: each cell is a string (one run) or a tuple of run parts."""
    new = tbl.add_row()
    for cell, width, content in zip(new.cells, tbl._widths, cells, strict=True):
        cell.width = width
        parts = content if isinstance(content, tuple) else (content,)
        para(cell, *parts, style=style)
        if shade:
            shade_cell(cell)
    if cant_split:
        new._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {W}/>'))
    if min_height_cm:
        height = int(Cm(min_height_cm).twips)
        new._tr.get_or_add_trPr().append(parse_xml(f'<w:trHeight {W} w:val="{height}" w:hRule="atLeast"/>'))
    return new.cells


def row_tag(tbl, statement: str) -> None:
    """A row holding only `{%tr statement %}` (the whole row becomes the tag)."""
    row(tbl, f"{{%tr {statement} %}}", *[""] * (len(tbl._widths) - 1))


def shade_cell(cell, fill: str = SHADE) -> None:
    cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {W} w:val="clear" w:color="auto" w:fill="{fill}"/>'))


def merge_row(cells):
    """Merge a row's cells into one full-width cell (keeps the first cell's content)."""
    merged = cells[0].merge(cells[-1])
    for extra in merged.paragraphs[1:]:
        if not extra.text:
            extra._p.getparent().remove(extra._p)
    return merged


def form_rows(tbl, rows: Iterable[tuple[str, tuple[str, ...] | str]]) -> None:
    """Label | value rows of a form (labels shaded)."""
    for label, value in rows:
        cells = row(tbl, label, value, cant_split=True)
        cells[0].paragraphs[0].runs[0].bold = True
        shade_cell(cells[0])


# ---------------------------------------------------------------- content controls


def _placeholder_run(text: str) -> str:
    safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f'<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/><w:color w:val="767171"/></w:rPr>'
            f'<w:t xml:space="preserve">{safe}</w:t></w:r>')


def _sdt_pr(tag_name: str, title: str, kind: str, items: Iterable[tuple[str, str]] = (), *,
            locked: bool = False) -> str:
    if kind == "dropdown":
        options = "".join(f"<w:listItem w:displayText={quoteattr(shown)} w:value={quoteattr(value)}/>"
                          for value, shown in items)
        typ = f"<w:dropDownList>{options}</w:dropDownList>"
    elif kind == "date":
        typ = ('<w:date><w:dateFormat w:val="dd/MM/yyyy"/><w:lid w:val="en-GB"/>'
               '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>')
    elif kind == "text":
        typ = '<w:text w:multiLine="1"/>'
    else:
        typ = ""  # rich text: several paragraphs allowed
    lock = '<w:lock w:val="sdtContentLocked"/>' if locked else ""
    shown = "" if locked else "<w:showingPlcHdr/>"
    return (f"<w:sdtPr><w:alias w:val={quoteattr(title)}/><w:tag w:val={quoteattr(tag_name)}/>{lock}{shown}{typ}"
            "</w:sdtPr>")


def control(paragraph, tag_name: str, title: str, placeholder: str, kind: str = "text",
            items: Iterable[tuple[str, str]] = (), *, locked: bool = False) -> None:
    """An inline content control (plain text, dropdown or date) at the end of a paragraph.

    A locked control holds pre-filled text (no placeholder state) that the author cannot edit.
    """
    content = _placeholder_run(placeholder)
    if locked:
        content = f'<w:r><w:t xml:space="preserve">{placeholder}</w:t></w:r>'
    paragraph._p.append(parse_xml(f"<w:sdt {W}>{_sdt_pr(tag_name, title, kind, items, locked=locked)}"
                                  f"<w:sdtContent>{content}</w:sdtContent></w:sdt>"))


def block_control(cell, tag_name: str, title: str, placeholder: str) -> None:
    """A rich-text content control filling a table cell (the author may write several paragraphs)."""
    tc = cell._tc
    for p in list(tc.findall(f"{{{_WNS}}}p")):
        tc.remove(p)
    tc.append(parse_xml(f'<w:sdt {W}>{_sdt_pr(tag_name, title, "rich")}<w:sdtContent><w:p><w:pPr>'
                        f'<w:pStyle w:val="TableText"/></w:pPr>{_placeholder_run(placeholder)}</w:p>'
                        "</w:sdtContent></w:sdt>"))


def bookmark(paragraph, name: str, ident: int) -> None:
    """A point bookmark (LibreOffice 7.4 drops content-control tags on save but keeps bookmarks)."""
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0,
                        parse_xml(f'<w:bookmarkStart {W} w:id="{ident}" w:name="{name}"/>'))
    paragraph._p.append(parse_xml(f'<w:bookmarkEnd {W} w:id="{ident}"/>'))


_WNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
