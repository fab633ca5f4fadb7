"""`cspr-docs timeline`: every statutory milestone of a case and its state, as a table, JSON or iCalendar."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Literal

import click

from cspr_docs.cli.app import cli

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        if not _ISO_DAY.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("expected a real date written as YYYY-MM-DD") from None


@cli.command("timeline")
@click.argument("case", type=click.Path(path_type=Path))
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    callback=_parse_today,
    help="The day to measure the case against (default: the real date).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "ics"]),
    default="table",
    show_default=True,
    help="table for people, json for tools, ics for Outlook and other calendars.",
)
def timeline_command(case: Path, today: dt.date | None, output_format: Literal["table", "json", "ics"]) -> None:
    """Show every deadline of a case (folder or case.yaml): due date, state, days left or overdue.

    \b
    Working days exclude weekends, England and Wales bank holidays (substitute days included)
    and the partnership's closure_days; 1, 2 and 6 month periods are calendar months.
    """
    from cspr_docs.load import load_case
    from cspr_docs.timeline import compute_timeline
    from cspr_docs.timeline_formats import timeline_ics, timeline_json, timeline_table

    loaded = load_case(case)
    timeline = compute_timeline(loaded.case, today or dt.date.today())
    if output_format == "json":
        click.echo(json.dumps(timeline_json(timeline), indent=2, ensure_ascii=False))
    elif output_format == "ics":
        click.echo(timeline_ics(timeline), nl=False)
    else:
        from rich.console import Console

        console = Console(highlight=False)
        if not console.is_terminal:  # files and pipes: wide enough that no row wraps
            console = Console(highlight=False, width=132)
        # Rendered by rich, written by click: a closed pipe then reaches the CLI's error boundary (rich would exit 1).
        with console.capture() as captured:
            console.print(timeline_table(timeline))
        click.echo(captured.get(), nl=False, color=console.color_system is not None)
