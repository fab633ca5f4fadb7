"""The 7-minute learning briefing: seven tiles on one or two pages, publishable (no marking, pseudonyms only)."""

from __future__ import annotations

from docx.oxml import parse_xml
from docx.shared import Pt, RGBColor

from source.base import ACCENT, SHADE, W
from source.kit import B, new_document, para, set_table_property, shade_cell, table, tag

BRIEFING = "case.learning_briefing"
WIDTH = 17.0 / 6  # six grid columns: tiles span three (two a row) or two (three a row)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)


def _merged_row(grid, spans: list[int]):
    """A new row whose cells are merged into tiles of `spans` grid columns; returns the tile cells."""
    new = grid.add_row()
    for cell, width in zip(new.cells, grid._widths, strict=True):
        cell.width = width
    tiles, start = [], 0
    for span in spans:
        cell = new.cells[start].merge(new.cells[start + span - 1]) if span > 1 else new.cells[start]
        for extra in cell.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        tiles.append(cell)
        start += span
    new._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {W}/>'))
    return tiles


def _tile_heading(cell, number: str, title: str) -> None:
    shade_cell(cell, SHADE)
    paragraph = para(cell, number, "  " + title, style="Table Heading")
    big, name = paragraph.runs
    big.font.size, name.font.size = Pt(20), Pt(13)
    for run in (big, name):
        run.font.color.rgb = RGBColor.from_string(ACCENT)
        run.bold = True


def _text_tile(cell, number: str, title: str, value: str) -> None:
    _tile_heading(cell, number, title)
    para(cell, f"{{{{ {value} }}}}", style="Table Text")


def _list_tile(cell, number: str, title: str, items: str) -> None:
    _tile_heading(cell, number, title)
    tag(cell, f"for item in {items}")
    para(cell, "{{ item }}", style="List Bullet")
    tag(cell, "endfor")


def learning_briefing():
    doc = new_document("learning-briefing", "7-minute briefing", marking=False)
    tag(doc, "if document.logo is defined")  # the partnership's logo, as on its letters (render/logo.py)
    para(doc, "{{ document.logo }}", align="right")
    tag(doc, "endif")
    grid = table(doc, [WIDTH] * 6)
    borders = "".join(f'<w:{side} w:val="single" w:sz="36" w:space="0" w:color="FFFFFF"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    set_table_property(grid, f"<w:tblBorders {W}>{borders}</w:tblBorders>")
    set_table_property(grid, f'<w:tblCellMar {W}><w:top w:w="85" w:type="dxa"/><w:left w:w="142" w:type="dxa"/>'
                       '<w:bottom w:w="85" w:type="dxa"/><w:right w:w="142" w:type="dxa"/></w:tblCellMar>')
    (band,) = _merged_row(grid, [6])
    shade_cell(band, ACCENT)
    for text, size in [("7-MINUTE BRIEFING", 11), (("Learning from the local child safeguarding practice review: "
                                                   "{{ subject }}"), 18),
                       ("{{ partnership.name }} · {{ document.date|longdate }}", 10)]:
        run = para(band, text, style="Table Text").runs[0]
        run.font.size, run.font.color.rgb, run.bold = Pt(size), WHITE, size > 10
    para(band, "Read this with your team in seven minutes, then talk about the questions at the end.",
         style="Table Text").runs[0].font.color.rgb = WHITE
    first, second = _merged_row(grid, [3, 3])
    _text_tile(first, "1", "Background", f"{BRIEFING}.background")
    _text_tile(second, "2", "Why it matters", f"{BRIEFING}.why_it_matters")
    tiles = _merged_row(grid, [2, 2, 2])
    for index, cell in enumerate(tiles):
        _tile_heading(cell, str(index + 3), f"{{{{ {BRIEFING}.key_points[{index}].heading }}}}")
        para(cell, f"{{{{ {BRIEFING}.key_points[{index}].text }}}}", style="Table Text")
    sixth, seventh = _merged_row(grid, [3, 3])
    _list_tile(sixth, "6", "Things to note and remember", f"{BRIEFING}.things_to_note")
    _list_tile(seventh, "7", "What to do", f"{BRIEFING}.what_to_do")
    (questions,) = _merged_row(grid, [6])
    shade_cell(questions, SHADE)
    heading = para(questions, "Questions for your team", style="Table Heading").runs[0]
    heading.font.size, heading.font.color.rgb = Pt(13), RGBColor.from_string(ACCENT)
    tag(questions, f"for question in {BRIEFING}.reflective_questions")
    para(questions, "{{ loop.index }}.\t{{ question }}", style="List Numbered Item")
    tag(questions, "endfor")
    para(questions, B("Find out more. "), "Read the full report {% if case.publication.url %}at "
         "{{ case.publication.url }}{% else %}on the {{ partnership.name }} website{% if partnership.website %} "
         f"({{{{ partnership.website }}}}){{% endif %}}{{% endif %}}.{{% if {BRIEFING}.further_information %}} "
         f"{{{{ {BRIEFING}.further_information }}}}{{% endif %}} After your discussion, please record what your team "
         "will do differently, and tell the partnership.", style="Table Text")
    return doc
