"""`cspr-docs check DRAFT…`: statutory and anonymisation checks on report drafts, for people and for CI."""

from __future__ import annotations

from pathlib import Path

import click

from cspr_docs.checks.kinds import CHECKED as KINDS
from cspr_docs.cli.app import cli


@cli.command("check")
@click.argument("drafts", nargs=-1, type=click.Path(path_type=Path))
@click.option("--case", "case_path", type=click.Path(path_type=Path), help="Case file or folder: names to look for, "
              "reviewer, dates, quorum.")
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="What the drafts are [default: each draft's own kind, from the cspr.template property of a "
                   "document cspr-docs rendered, else its file name, else its title, else its sections; else an "
                   "unknown document, checked for names and identifiers only].")
@click.option("--rules", type=click.Path(path_type=Path, dir_okay=False), help="Rule pack (YAML).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "github"]), default="text",
              show_default=True, help="Report format.")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--explain", is_flag=True, help="Say where each required element was found, or why not (text, json).")
@click.option("--list-rules", is_flag=True, help="List the rule ids and exit.")
@click.pass_context
def check_command(ctx: click.Context, drafts: tuple[Path, ...], case_path: Path | None, kind: str | None,
                  rules: Path | None, fmt: str, strict: bool, explain: bool, list_rules: bool) -> None:
    """Check report drafts (.docx, .pdf, .md, .txt) for statutory content and identifying details.

    A folder stands for the drafts directly inside it.

    \b
    Exit codes: 0 no errors (warnings fail only with --strict); 1 findings;
    3 a draft, the case or the rule pack cannot be read or is refused for safety
    (the other drafts are still checked and reported first);
    4 reading a PDF went over its time or memory limit. Without --case, names and
    dates of birth are not looked for (a note on stderr says so).
    """
    if list_rules:
        from cspr_docs.checks.registry import RULES

        for rule in RULES.values():
            needs = " (needs --case)" if rule.needs_case else ""
            click.echo(f"{rule.id:22} {rule.severity:8} {','.join(rule.kinds):52} {rule.summary}{needs}")
        return
    if not drafts:
        raise click.UsageError("give at least one DRAFT to check")
    from cspr_docs.checks.engine import check_drafts
    from cspr_docs.checks.reporters import render

    summary = check_drafts(drafts, kind=kind, case_path=case_path, rules=rules, strict=strict, explain=explain)
    if summary.files or fmt == "json":
        click.echo(render(summary, fmt, explain=explain), nl=False)
    for _, why in summary.unreadable:
        click.echo(f"error: {why}", err=True)
    if case_path is None:
        from cspr_docs.checks.registry import RULES

        kinds = {result.kind for result in summary.files}
        skipped = [rule.id for rule in RULES.values() if rule.needs_case and kinds & set(rule.kinds)]
        if skipped:
            click.echo(f"note: without --case these rules did not run: {', '.join(skipped)}; the drafts were NOT "
                       "checked for real names or dates of birth (give --case CASE)", err=True)
    ctx.exit(int(summary.exit_code))
