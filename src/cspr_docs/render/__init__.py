"""Rendering facade: case + kinds -> .docx files, each template compiled once per run, written as one batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cspr_docs.documents import CATALOGUE, DocumentKind, Recipient, Stage, reached_kinds, recipients
from cspr_docs.errors import InputError
from cspr_docs.model import Case
from cspr_docs.outputs import check_targets, ensure_folder, slug, write_batch

__all__ = [
    "PlannedDocument",
    "Renderer",
    "output_name",
    "plan_documents",
    "render_documents",
    "select_kinds",
]


@dataclass(frozen=True)
class PlannedDocument:
    """One output: its kind, its recipient (per-recipient kinds) and the file it goes to."""

    kind: DocumentKind
    recipient: Recipient | None
    path: Path


def output_name(case: Case, kind: DocumentKind, recipient: Recipient | None = None) -> str:
    """`<reference>_<kind>[_<recipient id>].docx`, built from identifiers only, never from free text."""
    parts = [slug(case.reference, max_length=64), kind.id]
    if recipient is not None:
        parts.append(slug(recipient.id))
    return "_".join(parts) + ".docx"


def select_kinds(
    case: Case, kind_ids: Iterable[str] = (), *, all_reached: bool = False, stage: Stage | None = None
) -> list[DocumentKind]:
    """The kinds to render: those named, plus (with --all or --stage) every kind the case has reached."""
    chosen = [CATALOGUE[k] for k in kind_ids]
    if all_reached or stage is not None:
        chosen += reached_kinds(case, stage=stage)
    unique = list(dict.fromkeys(chosen))
    if not unique:
        where = f" at stage {stage}" if stage else ""
        raise InputError(f"case {case.reference}: nothing to render{where}: the case has not reached those documents")
    return unique


def plan_documents(case: Case, kinds: Iterable[DocumentKind], out: Path) -> list[PlannedDocument]:
    """Every output of a run, in order: one per kind, or one per recipient for per-recipient kinds."""
    planned: list[PlannedDocument] = []
    for kind in kinds:
        if kind.per_recipient is not None:
            people = recipients(case, kind)
            if not people:
                raise InputError(f"case {case.reference}: {kind.id} goes to each {_WHO[kind.per_recipient]}, but "
                                 "the case lists none")
            planned += [PlannedDocument(kind, r, out / output_name(case, kind, r)) for r in people]
        else:
            planned.append(PlannedDocument(kind, None, out / output_name(case, kind)))
    return planned


_WHO = {
    "agency": "agency",
    "practitioner": "practitioner invited (review.practitioners)",
    "family": "family member the review writes to (family[].contact)",
}


class Renderer:
    """Renders documents of one case; compiles each kind's template once and reuses it for every recipient."""

    def __init__(
        self, case: Case, *, templates: Path | None = None, draft: bool = False, issue_date: dt.date,
        collected: dict[str, Any] | None = None,
    ) -> None:
        from cspr_docs.render.env import make_environment
        from cspr_docs.render.logo import LogoEmbed, attached_logo

        self.case = case
        self.collected = collected
        self.templates = templates
        self.draft = draft
        self.issue_date = issue_date
        self.env = make_environment("draft" if draft else "strict")
        self._compiled: dict[str, Any] = {}
        self._bases: dict[bool, dict[str, Any]] = {}
        logo = attached_logo(case.partnership)  # path checked by load_case; image and XML prepared once per run
        self.logo = LogoEmbed(logo, f"{case.partnership.name} logo") if logo is not None else None

    def template(self, kind: DocumentKind) -> Any:
        """The compiled template of a kind (compiled on first use, then reused)."""
        if kind.id not in self._compiled:
            from cspr_docs.render.docx import compile_template
            from cspr_docs.render.pack import find_template

            compiled = compile_template(find_template(kind, self.templates).path, self.env)
            if self.logo is not None:
                self.logo.embed(compiled)
            self._compiled[kind.id] = compiled
        return self._compiled[kind.id]

    def context(self, kind: DocumentKind, recipient: Recipient | None = None) -> dict[str, Any]:
        """The template context of one document."""
        from cspr_docs.render.context import base_context, document_context

        if kind.publishable not in self._bases:
            self._bases[kind.publishable] = base_context(self.case, publishable=kind.publishable,
                                                         collected=self.collected)
        return document_context(
            self._bases[kind.publishable], kind, self.case,
            issue_date=self.issue_date, draft=self.draft, recipient=recipient,
            logo=self.logo.markup if self.logo is not None else None,
        )

    def render(self, kind: DocumentKind, recipient: Recipient | None = None) -> bytes:
        """The .docx bytes of one document. Raises TemplateError (exit 3) naming the file and place."""
        return self.template(kind).render(self.context(kind, recipient))


def render_documents(
    case: Case,
    kinds: Iterable[DocumentKind],
    *,
    out: Path,
    issue_date: dt.date,
    templates: Path | None = None,
    draft: bool = False,
    force: bool = False,
    collected: dict[str, Any] | None = None,
) -> list[Path]:
    """Render every planned document in memory, then write them all atomically; nothing is written on any error.

    Returns the written .docx paths (the seam for PDF conversion). `collected`: see `cspr_docs.collect.collected`.

    Raises:
        TemplateError: a template is unsafe, broken, or needs a value the case lacks (exit 3).
        OutputError: a target exists without `force`, or cannot be written (exit 5).
    """
    planned = plan_documents(case, kinds, out)
    check_targets([doc.path for doc in planned], force=force)
    renderer = Renderer(case, templates=templates, draft=draft, issue_date=issue_date, collected=collected)
    files = {doc.path: renderer.render(doc.kind, doc.recipient) for doc in planned}
    ensure_folder(out)
    return write_batch(files, force=force)
