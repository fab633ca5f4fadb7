"""The click group and the single error boundary that maps typed errors to exit codes."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import click

from cspr_docs import __version__
from cspr_docs.errors import CsprDocsError, ExitStatus

# The reader of our output went away (`cspr-docs ... | head`): end quietly with the status a Unix tool killed by
# SIGPIPE gives (128 + 13), as `cat` or `grep` would; not 0, which would pass off a cut-short `check` as clean, and
# not click's and Python's 1, which is our "check found problems".
CLOSED_PIPE = ExitStatus.CLOSED_PIPE


def _closed_pipe() -> click.exceptions.Exit:
    """Point stdout and stderr at the null device, so the flush at exit does not fail again, and say nothing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # no real file descriptor (e.g. under a test runner)
            pass
    return click.exceptions.Exit(int(CLOSED_PIPE))


class CsprGroup(click.Group):
    """A group whose invoke is the one place errors become messages and exit codes."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:  # `--help` and `--version` print while the arguments are parsed, before invoke
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            raise _closed_pipe() from None

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool(ctx.params.get("debug")) or os.environ.get("CSPR_DOCS_DEBUG") == "1"
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # subprocesses get no stdin pipe: this can only be our own output
            raise _closed_pipe() from None
        except CsprDocsError as exc:
            if debug:
                click.echo(traceback.format_exc(), err=True, nl=False)
            click.echo(f"error: {exc.message}", err=True)
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(int(ExitStatus.INTERRUPTED))
        except Exception as exc:  # noqa: BLE001  (the one catch-all: an internal bug)
            if debug:
                click.echo(traceback.format_exc(), err=True, nl=False)
            click.echo(
                f"error: internal error ({type(exc).__name__}); please report it. Run with --debug for details.",
                err=True,
            )
            ctx.exit(int(ExitStatus.INTERNAL))


@click.group(cls=CsprGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="cspr-docs")
def cli(debug: bool) -> None:  # debug is read by CsprGroup.invoke
    """Produce and check the documents of a Child Safeguarding Practice Review.

    \b
    Exit codes: 0 success; 1 check found problems; 2 usage; 3 bad input;
    4 external tool missing or failed; 5 output refused or failed; 70 internal error; 130 interrupted;
    141 output pipe closed early (e.g. `| head`).
    """
