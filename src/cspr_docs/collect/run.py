"""One `collect` run: read every file, check it belongs to this case, compare it with the template, build replies."""

from __future__ import annotations

import calendar
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cspr_docs.collect.reply import (
    ANSWER_FIELDS,
    CHRONOLOGY_KIND,
    EVENT_FIELDS,
    KINDS,
    REPLY_KIND,
    YES_NO_FIELDS,
    CollectedReply,
    KeyEvent,
    RawReply,
    tag_of,
)
from cspr_docs.errors import CsprDocsError, InputError
from cspr_docs.load import CaseFile
from cspr_docs.model import Case

_SIGN_OFF = ("author_name", "completed_date", "approver_name")
_SIGN_OFF_TAGS = tuple(tag_of(n) for n in ANSWER_FIELDS[ANSWER_FIELDS.index("author_name"):])


@dataclass
class CollectRun:
    """The outcome of reading a batch: replies to store, warnings, refusals (nothing is stored if any)."""

    replies: list[CollectedReply] = field(default_factory=list)
    returned: list[bytes] = field(default_factory=list)
    """The bytes each reply was read from (same order as `replies`): stored as the agency returned them."""
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


@dataclass
class _Profile:
    """The template as rendered for one agency: its placeholders, its own text, its version."""

    placeholders: dict[str, str]
    text: Counter[str]
    version: str


class Collector:
    """Reads replies of one case; renders each (kind, agency) template once to tell answers from template text."""

    def __init__(self, loaded: CaseFile, *, templates: Path | None = None, agency: str | None = None) -> None:
        self.case: Case = loaded.case
        if agency is not None and agency not in {a.id for a in self.case.agencies}:
            ids = ", ".join(a.id for a in self.case.agencies)
            raise InputError(f"--agency {agency}: not an agency of case {self.case.reference} (its agencies: {ids})")
        self.templates = templates
        self.agency = agency
        self._profiles: dict[tuple[str, str], _Profile | None] = {}
        self._renderer = None

    def run(self, files: list[Path]) -> CollectRun:
        result = CollectRun()
        seen: dict[str, Path] = {}
        by_agency: dict[tuple[str, str], int] = {}
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                result.refused.append(f"{path}: cannot read ({exc.strerror or exc})")
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen:
                result.warnings.append(f"{path.name}: the same file as {seen[digest].name}; read once")
                result.skipped.append(path)
                continue
            seen[digest] = path
            try:
                reply, warnings = self.read(path, digest)
            except CsprDocsError as exc:
                result.refused.append(exc.message)
                continue
            result.warnings.extend(warnings)
            if reply is None:
                result.skipped.append(path)
                continue
            key = (reply.kind, reply.agency)
            if key in by_agency:
                earlier = result.replies[by_agency[key]]
                result.warnings.append(f"{path.name}: a second {reply.kind} for agency {reply.agency} in this run "
                                       f"(also {earlier.source}); the later file is kept")
                result.replies[by_agency[key]] = reply
                result.returned[by_agency[key]] = data
            else:
                by_agency[key] = len(result.replies)
                result.replies.append(reply)
                result.returned.append(data)
        return result

    def read(self, path: Path, digest: str = "") -> tuple[CollectedReply | None, list[str]]:
        """One file -> (reply, warnings); (None, warnings) for an unfilled form. Raises InputError (refused)."""
        raw = self._read_file(path)
        self._identify(raw)
        if raw.format == "docx":
            profile = self._profile(raw.kind, raw.agency)
            if profile is not None:
                self._against_template(raw, profile)
            else:
                raw.warn("template", f"no {raw.kind} template to compare with; text outside the fields not checked")
            raw.paragraphs = []
        reply = self._build(raw, digest)
        if self._unfilled(reply):
            raw.warn("form", "no answers: the form was returned unfilled; not collected")
            return None, raw.warnings
        self._check_answers(raw, reply)
        return reply, raw.warnings

    def _read_file(self, path: Path) -> RawReply:
        suffix = path.suffix.lower()
        if suffix == ".docx":
            from cspr_docs.collect.read_docx import read_docx

            return read_docx(path)
        if suffix == ".pdf":
            from cspr_docs.collect.read_pdf import read_pdf

            return read_pdf(path)
        raise InputError(f"{path}: not a .docx or .pdf reply (save it as .docx, or send the PDF form)")

    def _identify(self, raw: RawReply) -> None:
        """Refuse a file of another case, an unknown agency, or one that is not a cspr-docs reply."""
        name = raw.path
        ids = {a.id for a in self.case.agencies}
        if raw.format == "pdf" and not raw.agency:
            wanted = " ".join(raw.agency_name.split()).casefold()
            matches = [a.id for a in self.case.agencies if wanted in (a.id.casefold(), " ".join(a.name.split()).casefold())]
            raw.agency = matches[0] if matches else (self.agency or "")
            if not raw.agency:
                raise InputError(f"{name}: field agency_name matches no agency of case {self.case.reference}; "
                                 "give the agency with --agency ID")
        if not raw.kind and not raw.reference:
            if not self.agency:
                raise InputError(f"{name}: no form reference (core property identifier, custom property "
                                 "cspr.template): not a reply made by cspr-docs; give --agency ID to read it anyway")
            raw.kind, raw.reference, raw.agency = REPLY_KIND, self.case.reference, self.agency
            raw.warn("form reference", f"missing; read as the reply of agency {self.agency} to this case")
        if raw.kind not in KINDS:
            raise InputError(f"{name}: a cspr-docs {raw.kind or 'document'}, not a reply or chronology")
        if not raw.reference:
            raw.warn("case reference", f"empty; assumed to be case {self.case.reference}")
            raw.reference = self.case.reference
        if raw.reference != self.case.reference:
            raise InputError(f"{name}: refused: the reply is for case {raw.reference}, not {self.case.reference}")
        if self.agency and raw.agency != self.agency:
            raise InputError(f"{name}: refused: the reply is from agency {raw.agency}, not {self.agency} (--agency)")
        if raw.agency not in ids:
            raise InputError(f"{name}: refused: agency {raw.agency!r} is not an agency of case {self.case.reference}")

    def _profile(self, kind: str, agency: str) -> _Profile | None:
        if (kind, agency) not in self._profiles:
            self._profiles[kind, agency] = self._make_profile(kind, agency)
        return self._profiles[kind, agency]

    def _make_profile(self, kind_id: str, agency_id: str) -> _Profile | None:
        from cspr_docs.collect.read_docx import read_docx_bytes
        from cspr_docs.documents import CATALOGUE
        from cspr_docs.render import Renderer

        kind = CATALOGUE.get(kind_id)
        if kind is None:
            return None
        if self._renderer is None:
            # The letters went out on the requests date; dates in template text are ignored in the comparison.
            sent = self.case.rapid_review.requests_sent_date or self.case.incident.aware_date
            self._renderer = Renderer(self.case, templates=self.templates, draft=True, issue_date=sent)
        try:
            data = self._renderer.render(kind, self.case.agency(agency_id))
        except CsprDocsError:
            return None
        template = read_docx_bytes(data, f"{kind_id}.docx")
        text: Counter[str] = Counter()
        for full, outside in template.paragraphs:
            text[" ".join(full.split())] += 1
            if outside != full:
                text[" ".join(outside.split())] += 1
        return _Profile(template.placeholders, text, template.version)

    def _against_template(self, raw: RawReply, profile: _Profile) -> None:
        """Answers still showing the template's prompt are unanswered; paragraphs the template lacks are unplaced."""
        for name, prompt in profile.placeholders.items():
            for answers in (raw.answers, raw.extra):
                if answers.get(name) and " ".join(answers[name].split()) == " ".join(prompt.split()):
                    answers[name] = ""
        if raw.format == "docx" and profile.version and raw.version and raw.version != profile.version:
            raw.warn("template version", f"made from template version {raw.version}; the current version is "
                     f"{profile.version}: check that every answer was read")
        left = Counter(profile.text)
        rest: list[tuple[str, str]] = []
        for full, outside in raw.paragraphs:
            if not _take(left, (" ".join(full.split()), " ".join(outside.split()))):
                rest.append((full, outside))
        # Dates in the template (issue date, reply-by date) depend on the day it was rendered: compare without them.
        masked = Counter({_mask(k): 0 for k in left})
        for key, count in left.items():
            masked[_mask(key)] += count
        for full, outside in rest:
            if not _take(masked, (_mask(full), _mask(outside))):
                raw.unplaced.append(outside)
        raw.paragraphs = []

    def _build(self, raw: RawReply, digest: str) -> CollectedReply:
        answers = dict(raw.answers)
        for name in YES_NO_FIELDS:
            answers[name] = self._yes_no(raw, name, answers.get(name, ""))
        known: dict[str, str] = {}
        extra = {k: v for k, v in raw.extra.items() if v}
        by_pseudonym = {p.pseudonym: p.id for p in [*self.case.children, *self.case.family]}
        for who, answer in raw.known.items():
            person = by_pseudonym.get(who[3:]) if who.startswith("as:") else who
            value = self._yes_no(raw, "cspr:known", answer) if answer else ""
            if person:
                known[person] = value
            elif answer:
                extra[f"known: {who[3:]}"] = answer
        unplaced = [t for t in raw.unplaced if t.strip()]
        return CollectedReply(
            reference=raw.reference, agency=raw.agency, kind=raw.kind, template_version=raw.version,
            source=raw.path.name, format=raw.format, sha256=digest,
            known={k: v for k, v in known.items() if v},
            key_events=[_event(e) for e in raw.events], extra=extra, unplaced=unplaced,
            **{name: answers.get(name, "") for name in ANSWER_FIELDS},
        )

    @staticmethod
    def _yes_no(raw: RawReply, name: str, text: str) -> str:
        word = text.strip().casefold()
        if not word:
            return ""
        if word.startswith(("yes", "y ", "true")) or word == "y":
            return "yes"
        if word.startswith(("no", "nil", "false")) or word == "n":
            return "no"
        raw.warn(tag_of(name) if not name.startswith("cspr:") else name, "not Yes or No; kept as written")
        return text.strip()

    @staticmethod
    def _unfilled(reply: CollectedReply) -> bool:
        answered = [getattr(reply, n) for n in ANSWER_FIELDS]
        return not any(answered) and not reply.key_events and not reply.known and not reply.unplaced \
            and not reply.extra

    def _check_answers(self, raw: RawReply, reply: CollectedReply) -> None:
        missing = raw.missing if reply.kind == REPLY_KIND else [m for m in raw.missing if m.endswith(_SIGN_OFF_TAGS)]
        for name in missing:
            raw.warn(name, "not found in the file (deleted, or an older form?); nothing read for it")
        if reply.kind == CHRONOLOGY_KIND:
            if not reply.key_events:
                raw.warn("chronology", "no rows read from the chronology table")
        elif not reply.involved:
            raw.warn(tag_of("involved"), "unanswered: neither a reply nor a nil return; stored as returned")
        elif reply.involved == "yes":
            for name in ("summary",):
                if not getattr(reply, name):
                    raw.warn(tag_of(name), "empty")
        for name in _SIGN_OFF:
            if not getattr(reply, name) and reply.kind == REPLY_KIND:
                raw.warn(tag_of(name), "empty: the reply has no author or senior sign-off yet")
        if reply.unplaced:
            raw.warn("text outside the fields", f"{len(reply.unplaced)} paragraph(s) kept as unplaced text")
        for number, event in enumerate(reply.key_events, start=1):
            if not event.date:
                raw.warn(f"key events row {number}", "no date")


_NAMES = [*(m for m in calendar.month_name if m), *(m for m in calendar.month_abbr if m), *calendar.day_name]
_DATE_WORDS = re.compile(r"\b(?:" + "|".join(_NAMES) + r")\b|\d+")


def _mask(text: str) -> str:
    return _DATE_WORDS.sub("#", " ".join(text.split()))


def _take(counter: Counter[str], keys: tuple[str, ...]) -> bool:
    for key in keys:
        if counter[key] > 0:
            counter[key] -= 1
            return True
    return False


def _event(data: dict[str, str]) -> KeyEvent:
    extra = {k.removeprefix("extra:"): v for k, v in data.items() if k.startswith("extra:")}
    return KeyEvent(**{k: v for k, v in data.items() if k in EVENT_FIELDS}, extra=extra)
