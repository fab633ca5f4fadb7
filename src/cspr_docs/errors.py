"""Typed errors of the core; each carries the exit code the CLI maps it to. Nothing here prints."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar


class ExitStatus(IntEnum):
    """The documented exit codes of `cspr-docs` (README, PRODUCT.md)."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    BAD_INPUT = 3
    EXTERNAL_TOOL = 4
    OUTPUT = 5
    INTERNAL = 70
    INTERRUPTED = 130
    CLOSED_PIPE = 141


class CsprDocsError(Exception):
    """Base of every error the CLI reports without a traceback.

    Messages must never contain case values (names, dates of birth): they name files, places and fields.
    """

    exit_code: ClassVar[ExitStatus] = ExitStatus.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(CsprDocsError):
    """An input file is missing, unreadable, too large, corrupt or refused for safety."""

    exit_code = ExitStatus.BAD_INPUT


@dataclass(frozen=True)
class Problem:
    """One problem in a data file: where it is and what is wrong (never the value itself)."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return f"{place}: {self.field}: {self.message}" if self.field else f"{place}: {self.message}"


class DataError(InputError):
    """The case data (or another YAML input) is invalid; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            super().__init__(str(self.problems[0]))
        else:
            lines = "\n".join(f"  {p}" for p in self.problems)
            super().__init__(f"{len(self.problems)} problems in the data:\n{lines}")


class TemplateError(InputError):
    """A template cannot be used: syntax error, undefined variable, unsafe construct, corrupt file."""


class DraftError(InputError):
    """A draft, reply or form to read is unreadable, corrupt or refused for safety."""


class ExternalToolError(CsprDocsError):
    """An external tool (LibreOffice, cryptography) is missing, failed or timed out."""

    exit_code = ExitStatus.EXTERNAL_TOOL


class OutputError(CsprDocsError):
    """An output cannot be written: it exists without --force, permission denied, disk full, unsafe path."""

    exit_code = ExitStatus.OUTPUT
