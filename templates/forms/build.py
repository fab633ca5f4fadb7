"""Build the shipped fillable PDF forms and their default field maps: `python templates/forms/build.py`."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

HERE = Path(__file__).resolve().parent
WIDTH, HEIGHT, MARGIN = 595.0, 842.0, 50.0
LINE = 16.0
_READ_ONLY = 1
_MULTILINE = 1 << 12
REPLY_VERSION = "2"  # cspr_docs.pdf.forms.REPLY_FORM_VERSION must say the same (a test checks)


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class Text:
    name: str
    label: str
    path: str = ""
    lines: int = 1
    readonly: bool = False
    value: str = ""


@dataclass(frozen=True)
class Check:
    name: str
    label: str
    path: str = ""
    equals: str = ""


REFERRAL = [
    Text("protective_marking", "Protective marking", "partnership.protective_marking"),
    Heading("Referral for a Child Safeguarding Practice Review"),
    Note("Send to the safeguarding partnership business office by secure email. Not a child protection referral."),
    Text("partnership_name", "Safeguarding partnership", "partnership.name"),
    Text("case_reference", "Case reference (office use)", "reference"),
    Text("date_received", "Date received (office use)", "referral.received_date"),
    Heading("1. Referrer"),
    Text("referrer_name", "Name", "referral.referrer.name"),
    Text("referrer_role", "Role", "referral.referrer.role"),
    Text("referrer_agency", "Agency", "referral.referrer.agency"),
    Text("referrer_contact", "Contact (email / phone)", "referral.referrer.contact"),
    Text("senior_lead_name", "Senior safeguarding lead who agreed it", "referral.referrer.senior_lead.name"),
    Text("senior_lead_role", "Their role", "referral.referrer.senior_lead.role"),
    Heading("2. Incident"),
    Text("incident_date", "Date of the incident", "incident.date"),
    Text("aware_date", "Date the local authority became aware", "incident.aware_date"),
    Text("incident_type", "Type (death / serious harm / other)", "incident.type"),
    Text("incident_category", "Category", "incident.category"),
    Text("local_authority", "Local authority", "incident.local_authority"),
    Heading("3. Child"),
    Text("child_name", "Name (restricted)", "children[0].name"),
    Text("child_pseudonym", "Pseudonym", "children[0].pseudonym"),
    Text("child_dob", "Date of birth (restricted)", "children[0].date_of_birth"),
    Text("child_age", "Age", "children[0].age"),
    Text("child_sex", "Sex / gender", "children[0].sex"),
    Text("child_ethnicity", "Ethnicity", "children[0].ethnicity"),
    Text("child_language", "Language", "children[0].language"),
    Text("child_religion", "Religion", "children[0].religion"),
    Text("child_disability", "Disability / SEND", "children[0].disability"),
    Text("child_school", "School / setting", "children[0].school"),
    Text("child_legal_status", "Legal status", "children[0].legal_status"),
    Heading("4. What happened"),
    Text("incident_summary", "The incident and the harm; why abuse or neglect is known or suspected",
         "incident.summary", lines=5),
    Text("other_children_safe", "Immediate actions, including for other children", "incident.other_children_safe",
         lines=3),
    Text("media_interest", "Media interest", "incident.media_interest"),
    Text("parallel_processes", "Parallel processes (police, coroner, CDOP, DHR/SAR, disciplinary)",
         "parallel_processes", lines=3),
    Heading("5. Case for review"),
    Text("reasons", "Why the criteria for a review may be met", "referral.reasons", lines=5),
    Text("anticipated_learning", "Anticipated learning", "referral.anticipated_learning", lines=4),
    Heading("6. Decision (partnership use)"),
    Check("outcome_local_review", "Local child safeguarding practice review", "rapid_review.decision.outcome",
          "local-review"),
    Check("outcome_national_review", "National review recommended", "rapid_review.decision.outcome",
          "national-review-recommended"),
    Check("outcome_alternative_learning", "Alternative learning review", "rapid_review.decision.outcome",
          "alternative-learning-review"),
    Check("outcome_no_further_action", "No further action", "rapid_review.decision.outcome", "no-further-action"),
    Text("decision_date", "Date of decision", "rapid_review.decision.date"),
    Text("decision_rationale", "Rationale, against the criteria", "rapid_review.decision.rationale", lines=5),
]

REPLY = [
    Text("protective_marking", "Protective marking", "partnership.protective_marking"),
    Heading("Rapid review: information request reply"),
    Note("Return by secure email by the date in the covering letter. Do not contact the family."),
    Text("partnership_name", "Safeguarding partnership", "partnership.name"),
    Text("case_reference", "Case reference", "reference", readonly=True),
    Text("notification_reference", "Notification reference", "notification.reference"),
    Text("child_pseudonym", "Child", "children[0].pseudonym"),
    Text("agency_name", "Agency", "recipient.name"),
    Text("agency_id", "Agency id (office use)", "recipient.id", readonly=True),
    Text("template_version", "Form version (office use)", readonly=True, value=REPLY_VERSION),
    Text("author_name", "Completed by (name)"),
    Text("author_role", "Role"),
    Text("date_completed", "Date completed"),
    Text("approved_by", "Approved by (senior manager)"),
    Text("approved_date", "Date approved"),
    Heading("1. Involvement"),
    Check("involved", "The agency was involved with the child or family"),
    Check("nil_return", "Nil return: no involvement found"),
    Text("subjects_searched", "Subjects searched (names, dates of birth, identifiers) and whether known", lines=3),
    Text("first_contact", "First contact (date)"),
    Text("last_contact", "Last contact (date)"),
    Text("service_type", "Service provided"),
    Check("involvement_current", "Involvement is current"),
    Heading("2. Summary of involvement"),
    Text("summary", "Summary narrative (proportionate, 1-2 pages)", lines=8),
    Text("key_events", "Key events: date | event / contact | who (role) | action / outcome | significance", lines=8),
    Text("lived_experience", "Lived experience and voice of the child; race, culture, language, disability, religion",
         lines=4),
    Heading("3. Analysis and learning"),
    Text("went_well", "What went well", lines=4),
    Text("areas_for_improvement", "Areas for improvement", lines=4),
    Text("learning_single_agency", "Single-agency learning", lines=3),
    Text("learning_inter_agency", "Inter-agency learning (communication, information sharing, escalation)", lines=3),
    Text("immediate_actions", "Immediate actions since the incident; safety of other children", lines=3),
    Heading("4. Records and other processes"),
    Check("records_secured", "Records have been secured"),
    Text("records_secured_date", "Date secured"),
    Text("records_secured_by", "Secured by, and how"),
    Text("other_processes", "Other processes (internal review, disciplinary, complaint, police)", lines=3),
    Text("criteria_view", "Optional: the agency's view on the criteria for a local review, with reasons", lines=3),
]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _font(base: str) -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject(base),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })


def _stream(writer: PdfWriter, data: str, resources: DictionaryObject | None = None, bbox=None):
    stream = DecodedStreamObject()
    stream.set_data(data.encode("latin-1"))
    if bbox is not None:
        stream[NameObject("/Type")] = NameObject("/XObject")
        stream[NameObject("/Subtype")] = NameObject("/Form")
        stream[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in bbox)
        stream[NameObject("/Resources")] = resources or DictionaryObject()
    return writer._add_object(stream)


class _Builder:
    """Lays the items out top to bottom, starting a new page when one is full."""

    def __init__(self, title: str) -> None:
        self.writer = PdfWriter()
        self.title = title
        self.fields = ArrayObject()
        self.page = None
        self.ops: list[str] = []
        self.annots = ArrayObject()
        self.y = 0.0
        self.page_no = 0

    def _new_page(self) -> None:
        self._finish_page()
        self.page = self.writer.add_blank_page(WIDTH, HEIGHT)
        self.page_no += 1
        self.annots = ArrayObject()
        self.ops = [f"BT /F1 8 Tf 0.4 g {MARGIN} 20 Td ({_escape(self.title)} - page {self.page_no}) Tj ET 0 g"]
        self.y = HEIGHT - MARGIN

    def _finish_page(self) -> None:
        if self.page is None:
            return
        resources = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): _font("/Helvetica"),
                                                   NameObject("/F2"): _font("/Helvetica-Bold")}),
        })
        self.page[NameObject("/Resources")] = resources
        self.page[NameObject("/Contents")] = _stream(self.writer, "\n".join(self.ops))
        self.page[NameObject("/Annots")] = self.annots

    def _room(self, height: float) -> None:
        if self.page is None or self.y - height < MARGIN + 10:
            self._new_page()

    def _widget(self, name: str, label: str, rect: tuple[float, float, float, float]) -> DictionaryObject:
        widget = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/T"): TextStringObject(name),
            NameObject("/TU"): TextStringObject(label),
            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect),
            NameObject("/F"): NumberObject(4),
            NameObject("/P"): self.page.indirect_reference,
        })
        return widget

    def _add(self, widget: DictionaryObject) -> None:
        ref = self.writer._add_object(widget)
        self.annots.append(ref)
        self.fields.append(ref)

    def heading(self, item: Heading) -> None:
        self._room(6 * LINE)  # never leave a heading alone at the foot of a page
        self.y -= LINE * 1.4
        self.ops.append(f"BT /F2 12 Tf {MARGIN} {self.y:.1f} Td ({_escape(item.text)}) Tj ET")
        self.y -= LINE * 0.4

    def note(self, item: Note) -> None:
        self._room(LINE)
        self.y -= LINE
        self.ops.append(f"BT /F1 8 Tf {MARGIN} {self.y:.1f} Td ({_escape(item.text)}) Tj ET")

    def text(self, item: Text) -> None:
        box = 14.0 * item.lines + 4
        if item.lines == 1:
            self._room(LINE + 4)
            self.y -= LINE + 4
            left, bottom, right, top = MARGIN + 200, self.y - 4, WIDTH - MARGIN, self.y + 14
            self.ops.append(f"BT /F1 9 Tf {MARGIN} {self.y:.1f} Td ({_escape(item.label)}) Tj ET")
        else:
            self._room(LINE + box + 6)
            self.y -= LINE + 2
            self.ops.append(f"BT /F1 9 Tf {MARGIN} {self.y:.1f} Td ({_escape(item.label)}) Tj ET")
            left, top, right = MARGIN, self.y - 4, WIDTH - MARGIN
            bottom = top - box
            self.y = bottom - 2
        if item.readonly:  # shaded, so nobody expects to type in it
            self.ops.append(f"0.92 g {left:.1f} {bottom:.1f} {right - left:.1f} {top - bottom:.1f} re f 0 g")
        self.ops.append(f"0.6 G 0.5 w {left:.1f} {bottom:.1f} {right - left:.1f} {top - bottom:.1f} re S 0 G")
        widget = self._widget(item.name, item.label, (left, bottom, right, top))
        widget[NameObject("/FT")] = NameObject("/Tx")
        widget[NameObject("/DA")] = TextStringObject("/Helv 9 Tf 0 g")
        flags = (_MULTILINE if item.lines > 1 else 0) | (_READ_ONLY if item.readonly else 0)
        if flags:
            widget[NameObject("/Ff")] = NumberObject(flags)
        if item.value:
            widget[NameObject("/V")] = TextStringObject(item.value)
            widget[NameObject("/DV")] = TextStringObject(item.value)
        self._add(widget)

    def check(self, item: Check) -> None:
        self._room(LINE + 4)
        self.y -= LINE + 4
        left, bottom = MARGIN, self.y - 3
        self.ops.append(f"0.6 G 0.5 w {left:.1f} {bottom:.1f} 12 12 re S 0 G")
        self.ops.append(f"BT /F1 9 Tf {MARGIN + 20} {self.y:.1f} Td ({_escape(item.label)}) Tj ET")
        widget = self._widget(item.name, item.label, (left, bottom, left + 12, bottom + 12))
        widget[NameObject("/FT")] = NameObject("/Btn")
        widget[NameObject("/V")] = NameObject("/Off")
        widget[NameObject("/AS")] = NameObject("/Off")
        on = _stream(self.writer, "q 0 G 1.4 w 2.5 2.5 m 9.5 9.5 l 2.5 9.5 m 9.5 2.5 l S Q", bbox=(0, 0, 12, 12))
        off = _stream(self.writer, "", bbox=(0, 0, 12, 12))
        widget[NameObject("/AP")] = DictionaryObject({
            NameObject("/N"): DictionaryObject({NameObject("/Yes"): on, NameObject("/Off"): off}),
        })
        widget[NameObject("/MK")] = DictionaryObject({NameObject("/CA"): TextStringObject("8")})
        self._add(widget)

    def build(self, items: list) -> bytes:
        for item in items:
            {Heading: self.heading, Note: self.note, Text: self.text, Check: self.check}[type(item)](item)
        self._finish_page()
        self.writer._root_object[NameObject("/AcroForm")] = self.writer._add_object(DictionaryObject({
            NameObject("/Fields"): self.fields,
            NameObject("/DR"): DictionaryObject({
                NameObject("/Font"): DictionaryObject({
                    NameObject("/Helv"): _font("/Helvetica"),
                    NameObject("/ZaDb"): DictionaryObject({
                        NameObject("/Type"): NameObject("/Font"),
                        NameObject("/Subtype"): NameObject("/Type1"),
                        NameObject("/BaseFont"): NameObject("/ZapfDingbats"),
                    }),
                }),
            }),
            NameObject("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
            NameObject("/NeedAppearances"): BooleanObject(True),
        }))
        self.writer.add_metadata({"/Title": self.title, "/Producer": "cspr-docs"})
        buffer = io.BytesIO()
        self.writer.write(buffer)
        return buffer.getvalue()


def field_map(title: str, items: list) -> str:
    """The default field map: PDF field name -> case field path (unmapped fields listed as comments)."""
    lines = [
        f"# Default field map for {title}: PDF field name -> case field path.",
        "# Generated by templates/forms/build.py; copy and edit it for your own form.",
        "# A checkbox maps to a true/false field, or to {path: FIELD, equals: VALUE}.",
    ]
    if any(isinstance(item, Text | Check) and item.path.startswith("recipient.") for item in items):
        lines += [
            "# recipient.* paths (recipient.id, recipient.name, recipient.contact.name, ...) are the agency the",
            "# form is filled for (form fill --agency ID, merge --form-pdf); without one those fields stay empty.",
        ]
    for item in items:
        if isinstance(item, Check) and item.path:
            lines.append(f"{item.name}: {{path: {item.path}, equals: {item.equals}}}")
        elif isinstance(item, Text) and item.value:
            lines.append(f"# {item.name}: (fixed in the form: {item.value})")
        elif isinstance(item, Text | Check):
            lines.append(f"{item.name}: {item.path}" if item.path else f"# {item.name}: (filled in by hand)")
    return "\n".join(lines) + "\n"


FORMS = {
    "referral-form": ("CSPR referral form", REFERRAL),
    "information-request-reply": ("Rapid review information request reply", REPLY),
}


def main(out_dir: Path = HERE) -> None:
    """Write each form's .pdf and .fields.yaml into `out_dir`; the output is byte-for-byte reproducible."""
    for name, (title, items) in FORMS.items():
        (out_dir / f"{name}.pdf").write_bytes(_Builder(title).build(items))
        (out_dir / f"{name}.fields.yaml").write_text(field_map(title, items), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
