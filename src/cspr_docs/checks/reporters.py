"""Render a check Summary as text (people), JSON (version 1), JUnit XML or GitHub workflow annotations."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

from cspr_docs.checks.findings import Summary


def render(summary: Summary, fmt: str, *, explain: bool = False) -> str:
    """The report in `fmt` (text, json, junit, github); `explain`: how each required element was found (text and
    JSON)."""
    if fmt == "text":
        return text(summary, explain=explain)
    if fmt == "json":
        return as_json(summary, explain=explain)
    return {"junit": junit, "github": github}[fmt](summary)


def _tail(summary: Summary) -> str:
    skipped = sum(1 for r in summary.files if r.skipped)
    return (f"{len(summary.files) - skipped} file(s) checked: {summary.errors} error(s), {summary.warnings} "
            f"warning(s)" + (f"; {skipped} not checked (see above)" if skipped else "")
            + (f"; {len(summary.unreadable)} could not be read (exit 3)" if summary.unreadable else ""))


def text(summary: Summary, *, explain: bool = False) -> str:
    from cspr_docs.checks.kinds import SOURCES

    lines: list[str] = []
    for result in summary.files:
        if result.skipped:
            lines.append(f"{result.path}: {result.skipped}")
            continue
        if result.kind_from != "option" and (result.findings or explain):
            lines.append(f"{result.path}: checked as {result.kind} ({SOURCES[result.kind_from]})")
        for f in result.findings:
            where = f.location.describe()
            lines.append(f"{result.path}: {where}: {f.severity} [{f.rule}] {f.message}" if where
                         else f"{result.path}: {f.severity} [{f.rule}] {f.message}")
        if not result.findings:
            source = "" if result.kind_from == "option" else f", {SOURCES[result.kind_from]};"
            lines.append(f"{result.path}: ok ({result.kind}{source or ','} {len(result.rules_run)} rules)")
        for entry in result.explain if explain else ():
            where = entry["location"]
            place = ""
            if where:
                place = next((f" ({k} {where[k]})" for k in ("line", "page", "paragraph") if where.get(k) is not None), "")
            lines.append(f"{result.path}: explain {entry['element']}: {entry['explanation']}{place}")
    lines.append(_tail(summary))
    return "\n".join(lines) + "\n"


def as_json(summary: Summary, *, explain: bool = False) -> str:
    data = {
        "version": 1,
        "files": [{"path": r.path, "kind": r.kind, "kind_from": r.kind_from, "skipped": r.skipped or None,
                   "findings": [f.as_dict() for f in r.findings], **({"explain": r.explain} if explain else {})}
                  for r in summary.files],
        "unreadable": [{"path": path, "error": why} for path, why in summary.unreadable],
        "summary": {"files": len(summary.files), "errors": summary.errors, "warnings": summary.warnings},
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def junit(summary: Summary) -> str:
    cases: list[str] = []
    failures = 0
    tests = 0
    skipped = 0
    for result in summary.files:
        if result.skipped:
            tests += 1
            skipped += 1
            cases.append(f'    <testcase classname={quoteattr(result.path)} name="kind">'
                         f'<skipped message={quoteattr(result.skipped)}/></testcase>')
        for rule in result.rules_run:
            tests += 1
            found = [f for f in result.findings if f.rule == rule]
            failing = [f for f in found if f.severity == "error" or summary.strict]
            body = "\n".join(f"{f.severity}: {f.message} ({f.location.describe()})" for f in found)
            inner = ""
            if failing:
                failures += 1
                inner = (f"<failure message={quoteattr(failing[0].message)} type={quoteattr(rule)}>"
                         f"{escape(body)}</failure>")
            elif found:
                inner = f"<system-out>{escape(body)}</system-out>"
            cases.append(f'    <testcase classname={quoteattr(result.path)} name={quoteattr(rule)}>{inner}</testcase>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites name="cspr-docs check" tests="{tests}" failures="{failures}">\n'
            f'  <testsuite name="cspr-docs check" tests="{tests}" failures="{failures}" errors="0" '
            f'skipped="{skipped}">\n'
            + "\n".join(cases) + ("\n" if cases else "") + "  </testsuite>\n</testsuites>\n")


def _gh_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")


def github(summary: Summary) -> str:
    lines: list[str] = []
    for result in summary.files:
        if result.skipped:
            lines.append(f"::notice file={_gh_prop(result.path)},title=kind::{_gh_data(result.skipped)}")
        for f in result.findings:
            level = "error" if f.severity == "error" or summary.strict else "warning"
            props = f"file={_gh_prop(result.path)}"
            if f.location.line is not None:
                props += f",line={f.location.line}"
            props += f",title={_gh_prop(f.rule)}"
            where = f.location.describe()
            lines.append(f"::{level} {props}::{_gh_data(f.message + (f' ({where})' if where else ''))}")
    lines.append(_tail(summary))
    return "\n".join(lines) + "\n"
