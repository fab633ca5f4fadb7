"""Shared building blocks of the case model: the strict base class, ISO dates and identifiers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_iso_date(value: Any) -> Any:
    """Accept only `YYYY-MM-DD` text (or a date object); never timestamps or other formats."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("not a real calendar date (expected YYYY-MM-DD)") from None
    raise ValueError("expected a date written as YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_parse_iso_date)]
"""A calendar date written in the case file as YYYY-MM-DD."""

Identifier = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"),
]
"""A short machine identifier (letters, digits, `-` and `_`): used in file names, never free text."""

Reference = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
]
"""A case or notification reference: safe to use in a file name."""


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


Text = Annotated[str, AfterValidator(_not_blank)]
"""Free text that must not be empty or only spaces."""


class Strict(BaseModel):
    """Base of every model: unknown keys are errors, values are immutable, numbers become text where text is due."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


def list_field(**kwargs: Any) -> Any:
    """A list field defaulting to empty (short for `Field(default_factory=list, ...)`)."""
    return Field(default_factory=list, **kwargs)
