"""Run the rules over drafts: load the case and rule packs, read each draft, collect findings in reading order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cspr_docs.checks.context import Context
from cspr_docs.checks.explain import explanations
from cspr_docs.checks.findings import FileResult, Summary
from cspr_docs.checks.kinds import CHECKED, SOURCES, KindChoice, infer_kind
from cspr_docs.checks.own import OwnOutputs
from cspr_docs.checks.readers import find_drafts, read_draft
from cspr_docs.checks.registry import HEADING_IDS, RULES
from cspr_docs.checks.rulepack import PARTNERSHIP_RULES_FILE, RulePack, load_rule_pack, rule_pack_from
from cspr_docs.errors import DraftError
from cspr_docs.load import CaseFile


def load_packs(rules: Path | None, loaded: CaseFile | None) -> RulePack:
    """The partnership's defaults (`check_rules:` in its profile, then `check-rules.yaml` beside the profile) with
    `--rules` on top."""
    pack = RulePack()
    known = {"rule_ids": set(RULES), "heading_ids": set(HEADING_IDS)}
    if loaded is not None:
        if loaded.case.partnership.check_rules is not None and loaded.document is not None:
            pack = pack.merged(rule_pack_from(loaded.document.section("partnership", "check_rules"), **known))
        beside = (loaded.partnership_path or loaded.path).parent / PARTNERSHIP_RULES_FILE
        if beside.is_file():
            pack = pack.merged(load_rule_pack(beside, **known))
    if rules is not None:
        pack = pack.merged(load_rule_pack(rules, **known))
    return pack


def check_drafts(drafts: Sequence[Path], *, kind: str | None = None, case_path: Path | None = None,
                 rules: Path | None = None, strict: bool = False, explain: bool = False) -> Summary:
    """Check every draft (a folder: the drafts directly in it) as `kind`, or (None) as the kind each draft says it
    is (`kinds.infer_kind`). Files cspr-docs wrote itself (listed in a merge manifest beside them) are skipped with
    a note. A draft that cannot be read (corrupt, refused, a foreign encrypted PDF) does not stop the others: it is
    listed in `Summary.unreadable` and the run's exit code is 3.

    Raises:
        DraftError: a folder holds no draft.
        DataError, InputError: the case or a rule pack is invalid.
        ExternalToolError: reading a PDF went over its time or memory limit (a hostile PDF).
    """
    loaded = None
    if case_path is not None:
        from cspr_docs.load import load_case

        loaded = load_case(case_path)
    case = loaded.case if loaded else None
    pack = load_packs(rules, loaded)
    defaults = {rule.id: rule.severity for rule in RULES.values()}
    results: list[FileResult] = []
    unreadable: list[tuple[str, str]] = []
    own = OwnOutputs()
    for path in find_drafts(drafts):
        written_by = own.written_by(path)
        if written_by:
            results.append(FileResult(path=str(path), kind="cspr-docs output", kind_from="file-name",
                                      skipped=f"not checked: {written_by}"))
            continue
        try:
            draft = read_draft(path)
        except DraftError as exc:
            unreadable.append((str(path), str(exc)))
            continue
        choice = KindChoice(kind, "option") if kind else infer_kind(draft)
        ctx = Context(draft=draft, kind=choice.kind, case=case, pack=pack, defaults=defaults)
        result = FileResult(path=ctx.file, kind=choice.kind, kind_from=choice.source)
        if not choice.checked:
            result.skipped = (f"not checked: check has no rules for this kind of document ({choice.kind}, "
                              f"{SOURCES[choice.source]}); to check it as one of {', '.join(CHECKED)}, give --kind")
        for rule in RULES.values():
            if choice.kind not in rule.kinds or rule.id in pack.disabled or (rule.needs_case and case is None):
                continue
            result.rules_run.append(rule.id)
            result.findings.extend(rule.check(ctx))
        if explain and result.rules_run:
            result.explain = explanations(ctx)
        results.append(result)
    return Summary(files=results, strict=strict, unreadable=unreadable)
