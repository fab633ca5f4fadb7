"""Pieces every letter shares: letterhead, date and reference, addressee, contact paragraph and sign-off."""

from __future__ import annotations

from source.base import ACCENT, W
from source.kit import B, para, row, set_table_property, table, tag

SIGNATORY = "partnership.signatories[0]"
PANEL = "National Child Safeguarding Practice Review Panel"
PANEL_EMAIL = "Mailbox.NationalReviewPanel@education.gov.uk"
OFSTED_EMAIL = "SCR.SIN@ofsted.gov.uk"
DFE_EMAIL = "Mailbox.CPOD@education.gov.uk"


def letterhead(doc) -> None:
    """Partnership name (left) and address, phone and email (right), ruled off from the letter.

    Logo hook: when the renderer puts an image object in `document.logo` (docxtpl InlineImage) it is printed
    above the name; the default context has no logo, so the guarded paragraph disappears.
    """
    tbl = table(doc, [8.0, 9.0], style="Layout Table")
    new = tbl.add_row()
    left, right = new.cells
    for cell, width in zip(new.cells, tbl._widths, strict=True):
        cell.width = width
    tag(left, "if document.logo is defined")
    para(left, "{{ document.logo }}")
    tag(left, "endif")
    para(left, "{{ partnership.name }}", style="Letterhead Name")
    para(right, "{{ partnership.address|lines }}", style="Letterhead")
    tag(right, "if partnership.phone")
    para(right, "Telephone: {{ partnership.phone }}", style="Letterhead")
    tag(right, "endif")
    tag(right, "if partnership.email")
    para(right, "Email: {{ partnership.email }}", style="Letterhead")
    tag(right, "endif")
    tag(right, "if partnership.website")
    para(right, "{{ partnership.website }}", style="Letterhead")
    tag(right, "endif")
    borders = (f'<w:tblBorders {W}><w:bottom w:val="single" w:sz="8" w:space="4" w:color="{ACCENT}"/>'
               "</w:tblBorders>")
    set_table_property(tbl, borders)
    para(doc, "")


def date_and_reference(doc, *, their_reference: str = "") -> None:
    """Our reference (left) and the issue date; the date comes only from document.date."""
    para(doc, "Our reference: {{ case.reference }}", style="Address Block")
    if their_reference:
        para(doc, their_reference, style="Address Block")
    para(doc, "Date: {{ document.date|longdate }}", style="Address Block")
    para(doc, "")


def agency_addressee(doc) -> None:
    """The agency's safeguarding lead, with the optional role, postal address and email."""
    para(doc, "{{ recipient.contact.name }}", style="Address Block")
    tag(doc, "if recipient.contact.role")
    para(doc, "{{ recipient.contact.role }}", style="Address Block")
    tag(doc, "endif")
    para(doc, "{{ recipient.name }}", style="Address Block")
    tag(doc, "if recipient.contact.address")
    para(doc, "{{ recipient.contact.address|lines }}", style="Address Block")
    tag(doc, "endif")
    tag(doc, "if recipient.contact.email")
    para(doc, "By secure email: {{ recipient.contact.email }}", style="Address Block")
    tag(doc, "endif")
    para(doc, "")


def national_addressee(doc, lines: list[str]) -> None:
    for line in lines:
        para(doc, line, style="Address Block")
    para(doc, "")


def subject_line(doc, *parts: str) -> None:
    para(doc, *parts, style="Subject Line")


def reach(person: str, *, fallback: str = "", phone: str = "by telephone on ", phone_first: bool = False) -> str:
    """A Jinja expression: how to reach `person` ("by email at E or by telephone on P"), "" when there is no way.

    `fallback` (e.g. "partnership") lends its email or phone where the person has none; with neither, "by post
    at the address above" when the letterhead prints an address. Never a dangling "or".
    """
    def either(field: str) -> str:
        return f"({person}.{field} or {fallback}.{field})" if fallback else f"{person}.{field}"

    email, tel = either("email"), either("phone")
    ways = [f"('by email at ' ~ {email}) if {email} else ''", f"('{phone}' ~ {tel}) if {tel} else ''"]
    return (f"[{', '.join(ways[::-1] if phone_first else ways)}, "
            f"'by post at the address above' if not ({email} or {tel}) and partnership.address|select|list else '']"
            "|join_and('or')")


def contact_paragraph(doc, about: str) -> None:
    """Who to contact: the business office when the profile names one, else the partnership's own details."""
    office = "partnership.business_office"
    means = f"(({reach(office, fallback='partnership')}) if {office} else ({reach('partnership')}))"
    # The set comes after the first words: sign_off keeps a paragraph that starts with a tag apart from it.
    para(doc, f"If you have any questions about {about}, please contact {{% set means = {means} %}}"
         f"{{% if {office} %}}{{{{ {office}.name }}}}{{% if {office}.role %}}, {{{{ {office}.role }}}}"
         "{% if means %},{% endif %}{% endif %}{% else %}the partnership business office{% endif %}"
         "{% if means %} {{ means }}{% endif %}.")


def sign_off(doc, *, closing: str = "Yours sincerely", everyone: bool = False) -> None:
    """Closing, space to sign, then the first signatory (or every signatory) with role and organisation.

    The sign-off sits in one borderless table row that cannot split, and the letter's last paragraph keeps with
    it: LibreOffice does not honour a long chain of keep-with-next paragraphs, so without this the closing could
    stand alone at a page foot. "On behalf of" the partnership is printed only when a signatory's organisation
    does not already say so.
    """
    last = doc.paragraphs[-1] if doc.paragraphs else None
    if last is not None and not last.text.startswith("{%"):
        last.paragraph_format.keep_with_next = True
    cell = row(table(doc, [17.0], style="Layout Table"), closing, style="Normal", cant_split=True)[0]
    if everyone:
        tag(cell, "for signatory in partnership.signatories")
        _signature(cell, "signatory")
        tag(cell, "endfor")
        outside = "partnership.signatories|rejectattr('organisation', 'equalto', partnership.name)|list"
    else:
        _signature(cell, SIGNATORY)
        outside = f"{SIGNATORY}.organisation != partnership.name"
    tag(cell, f"if {outside}")
    para(cell, "")
    para(cell, B("On behalf of {{ partnership.name }}"))
    tag(cell, "endif")
    para(doc, "")


def _signature(container, who: str) -> None:
    para(container, "")
    para(container, "")
    para(container, B(f"{{{{ {who}.name }}}}"), style="Address Block")
    tag(container, f"if {who}.role")
    para(container, f"{{{{ {who}.role }}}}", style="Address Block")
    tag(container, "endif")
    tag(container, f"if {who}.organisation")
    para(container, f"{{{{ {who}.organisation }}}}", style="Address Block")
    tag(container, "endif")


PROCESS_TYPE = ("{{ {'criminal-investigation': 'Criminal investigation', 'criminal-proceedings': 'Criminal "
                "proceedings', 'coroner': 'Coroner', 'cdop': 'Child death review (CDOP)', 'domestic-homicide-review': "
                "'Domestic homicide review', 'safeguarding-adult-review': 'Safeguarding adult review', 'nhs-review': "
                "'NHS review', 'disciplinary': 'Disciplinary process', 'family-court': 'Family court proceedings', "
                "'complaint': 'Complaint', 'other': 'Other'}.get(process.type, process.type) }}")
"""How a parallel process's `type` reads in a table (the ids are for YAML, not for readers)."""
