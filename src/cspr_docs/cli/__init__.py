"""The command line: the only layer that prints or exits. Each command group lives in its own module."""

from __future__ import annotations

from collections.abc import Sequence

from cspr_docs.cli import case_commands  # noqa: F401  (registers init, case, schema)
from cspr_docs.cli import check_commands as _check  # noqa: F401  (registers check)
from cspr_docs.cli import collect_commands as _collect  # noqa: F401  (registers collect)
from cspr_docs.cli import merge_commands as _merge  # noqa: F401  (registers merge)
from cspr_docs.cli import pdf_commands as _pdf  # noqa: F401  (registers bundle, form)
from cspr_docs.cli import render_commands as _render  # noqa: F401  (registers render, templates)
from cspr_docs.cli import timeline_commands as _timeline  # noqa: F401  (registers timeline)
from cspr_docs.cli.app import cli


def main(argv: Sequence[str] | None = None) -> int:
    """Run `cspr-docs`; returns the exit code (click exits itself in standalone mode)."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="cspr-docs")
    return 0


__all__ = ["cli", "main"]
