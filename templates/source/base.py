"""The slim base document: house styles, heading and bullet numbering, settings and fonts, written from scratch."""

from __future__ import annotations

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
FONT = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans: same line breaks as Word
ACCENT = "1F3864"  # dark navy for headings and the letterhead name
SHADE = "DCE3EE"  # pale blue-grey for table header rows and form labels
TEXT_WIDTH = 9638  # twips: A4 width 11906 minus two 2 cm margins (1134 each)


def _pstyle(sid: str, name: str, ppr: str = "", rpr: str = "", based: str = "Normal", nxt: str = "",
            extra: str = "") -> str:
    based_on = f'<w:basedOn w:val="{based}"/>' if based else ""
    nxt_el = f'<w:next w:val="{nxt}"/>' if nxt else ""
    return (f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/>{based_on}{nxt_el}'
            f'{extra}<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>')


def _heading(level: int, size: int, before: int, colour: str = ACCENT) -> str:
    return _pstyle(
        f"Heading{level}", f"heading {level}",
        ppr=(f'<w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val="{level - 1}"/><w:numId w:val="1"/></w:numPr>'
             f'<w:spacing w:before="{before}" w:after="120"/>'
             f'<w:outlineLvl w:val="{level - 1}"/>'),
        rpr=f'<w:b/><w:color w:val="{colour}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/>',
        nxt="Normal",
    )


def styles_xml() -> str:
    """Only the styles the pack uses: no latent styles, no theme fonts (python-docx's default carries ~800 KB)."""
    fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
    styles = [
        (f'<w:docDefaults><w:rPrDefault><w:rPr>{fonts}<w:sz w:val="22"/><w:szCs w:val="22"/>'
        '<w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
        '</w:docDefaults>'),
        ('<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:widowControl/></w:pPr></w:style>'),
        ('<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>'),
        ('<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        '</w:tblCellMar></w:tblPr></w:style>'),
        ('<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:semiHidden/>'
        '</w:style>'),
        _heading(1, 28, 360),
        _heading(2, 24, 240),
        _heading(3, 22, 200, colour="000000"),
        _pstyle("Title", "Title", ppr='<w:spacing w:before="0" w:after="240"/>',
                rpr=f'<w:b/><w:color w:val="{ACCENT}"/><w:sz w:val="40"/><w:szCs w:val="40"/>', nxt="Normal"),
        _pstyle("Subtitle", "Subtitle", ppr='<w:spacing w:after="240"/>',
                rpr='<w:color w:val="404040"/><w:sz w:val="28"/><w:szCs w:val="28"/>', nxt="Normal"),
        _pstyle("Header", "header", ppr='<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
                '<w:jc w:val="center"/>', rpr='<w:b/><w:sz w:val="20"/><w:szCs w:val="20"/>'),
        _pstyle("Footer", "footer",
                ppr=f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>'
                '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
                rpr='<w:sz w:val="18"/><w:szCs w:val="18"/>'),
        _pstyle("Marking", "Protective Marking", based="Header", ppr='<w:spacing w:before="60" w:after="0"/>'
                '<w:jc w:val="center"/>', rpr='<w:b/><w:caps/><w:sz w:val="20"/><w:szCs w:val="20"/>'),
        _pstyle("LetterheadName", "Letterhead Name", ppr='<w:spacing w:after="60"/>',
                rpr=f'<w:b/><w:color w:val="{ACCENT}"/><w:sz w:val="30"/><w:szCs w:val="30"/>'),
        _pstyle("Letterhead", "Letterhead", ppr='<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
                '<w:jc w:val="right"/>', rpr='<w:color w:val="404040"/><w:sz w:val="18"/><w:szCs w:val="18"/>'),
        _pstyle("Address", "Address Block", ppr='<w:spacing w:after="0"/>'),
        _pstyle("SubjectLine", "Subject Line", ppr='<w:keepNext/><w:spacing w:before="240" w:after="240"/>',
                rpr='<w:b/>', nxt="Normal"),
        _pstyle("TableText", "Table Text", ppr='<w:spacing w:before="40" w:after="40" w:line="240"'
                ' w:lineRule="auto"/>', rpr='<w:sz w:val="20"/><w:szCs w:val="20"/>'),
        _pstyle("TableHeading", "Table Heading", based="TableText", ppr='<w:keepNext/>',
                rpr='<w:b/>'),
        _pstyle("Guidance", "Guidance", ppr='<w:spacing w:after="120"/>',
                rpr='<w:i/><w:color w:val="5A5A5A"/><w:sz w:val="20"/><w:szCs w:val="20"/>'),
        _pstyle("ListBullet", "List Bullet", ppr='<w:numPr><w:numId w:val="2"/></w:numPr>'
                '<w:spacing w:after="80"/><w:ind w:left="567" w:hanging="283"/>'),
        _pstyle("ListNumbered", "List Numbered Item", ppr='<w:spacing w:after="80"/>'
                '<w:ind w:left="567" w:hanging="567"/>'),
        _pstyle("CoverTitle", "Cover Title", based="Title", ppr='<w:spacing w:before="2400" w:after="240"/>',
                rpr=f'<w:b/><w:color w:val="{ACCENT}"/><w:sz w:val="48"/><w:szCs w:val="48"/>'),
        _pstyle("Unnumbered", "Heading Unnumbered", based="Heading1",
                ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr><w:outlineLvl w:val="0"/>'),
        _pstyle("TOCHeading", "TOC Heading", based="Unnumbered"),
        _pstyle("TOC1", "toc 1", ppr=f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/>'
                '</w:tabs><w:spacing w:after="60"/>'),
        _pstyle("TOC2", "toc 2", ppr=f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/>'
                '</w:tabs><w:spacing w:after="60"/><w:ind w:left="284"/>'),
        ('<w:style w:type="character" w:styleId="PlaceholderText"><w:name w:val="Placeholder Text"/>'
        '<w:uiPriority w:val="99"/><w:rPr><w:color w:val="767171"/></w:rPr></w:style>'),
        ('<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
        '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>'),
        '<w:style w:type="table" w:styleId="CsprTable"><w:name w:val="CSPR Table"/><w:basedOn w:val="TableNormal"/>'
        '<w:qFormat/><w:pPr><w:spacing w:after="0"/></w:pPr><w:tblPr><w:tblBorders>'
        + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="8497B0"/>'
                  for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders><w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="113" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="113" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        f'<w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr><w:tcPr><w:shd w:val="clear" w:color="auto"'
        f' w:fill="{SHADE}"/></w:tcPr></w:tblStylePr></w:style>',
        '<w:style w:type="table" w:styleId="PlainTable"><w:name w:val="Layout Table"/>'
        '<w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>'
        + "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>'
        '</w:tblCellMar></w:tblPr></w:style>',
    ]
    return f'<w:styles {W}>{"".join(styles)}</w:styles>'


def _level(ilvl: int, fmt: str, text: str, indent: int, hanging: int, style: str = "") -> str:
    pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{pstyle}'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{indent}" w:hanging="{hanging}"/></w:pPr></w:lvl>')


def numbering_xml() -> str:
    """numId 1: headings 1, 1.1, 1.1.1 (linked to Heading 1-3); numId 2: bullets for List Bullet."""
    headings = "".join(_level(i, "decimal", ".".join(f"%{n + 1}" for n in range(i + 1)), 851, 851,
                              f"Heading{i + 1}") for i in range(3))
    bullet = ('<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/>'
              '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="567" w:hanging="283"/></w:pPr>'
              f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/></w:rPr></w:lvl>')
    return (f'<w:numbering {W}>'
            f'<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>{headings}</w:abstractNum>'
            f'<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="singleLevel"/>{bullet}</w:abstractNum>'
            '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
            '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>')


def settings_xml() -> str:
    return (f'<w:settings {W}><w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
            '<w:characterSpacingControl w:val="doNotCompress"/><w:compat>'
            '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word"'
            ' w:val="15"/></w:compat><w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>')


def font_table_xml() -> str:
    return (f'<w:fonts {W}><w:font w:name="{FONT}"><w:panose1 w:val="020B0604020202020204"/>'
            '<w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font></w:fonts>')
