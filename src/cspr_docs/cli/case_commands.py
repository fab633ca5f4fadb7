"""`cspr-docs init`, `cspr-docs case check` and `cspr-docs schema`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import click

from cspr_docs.cli.app import cli


@cli.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--route", type=click.Choice(["notification", "referral"]), required=True, help="How the case began.")
def init_command(folder: Path, route: Literal["notification", "referral"]) -> None:
    """Create a case folder with a commented case.yaml (and partnership.yaml if none is found)."""
    from cspr_docs.scaffold import scaffold_case

    written = scaffold_case(folder, route)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: edit {written[0]}, then run: cspr-docs case check {folder}")


@cli.group("case")
def case_group() -> None:
    """Work with case data."""


@case_group.command("check")
@click.argument("case", type=click.Path(path_type=Path))
def case_check_command(case: Path) -> None:
    """Validate a case file (or folder) and report every problem at once; then any warnings (exit 0)."""
    from cspr_docs.load import format_loc, load_case
    from cspr_docs.model.consistency import find_observations

    loaded = load_case(case)
    from cspr_docs.checks.engine import load_packs

    load_packs(None, loaded)  # the partnership's rules for `check` (check_rules:, check-rules.yaml) are read here too
    c = loaded.case
    click.echo(
        f"ok: {loaded.path}: case {c.reference} ({c.route} route), {len(c.children)} child(ren), "
        f"{len(c.family)} family member(s), {len(c.agencies)} agencies"
    )
    for loc, message in find_observations(c):
        shared = loc[:1] == ("partnership",) and loaded.partnership_path is not None
        click.echo(f"warning: {loaded.partnership_path if shared else loaded.path}: {format_loc(loc)}: {message}")


@cli.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of case.yaml, for editor autocompletion."""
    from cspr_docs.model import Case

    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cspr-docs case file"
    click.echo(json.dumps(schema, indent=2, ensure_ascii=False))
