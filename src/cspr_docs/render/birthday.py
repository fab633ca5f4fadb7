"""A date that is a child's date of birth, printed by the date filters as "Child A's birth"."""

from __future__ import annotations

import datetime as dt
from typing import Any


class BirthDay(dt.date):
    """A date that is a child's date of birth: prints as "Child A's birth" (`phrase`), never as the date."""

    phrase: str

    @classmethod
    def of(cls, day: dt.date, phrase: str) -> BirthDay:
        made = cls(day.year, day.month, day.day)
        made.phrase = phrase
        return made

    def _plain(self) -> dt.date:
        return dt.date(self.year, self.month, self.day)

    # Arithmetic and replace() give plain dates (a day later is no longer a birth).
    def __add__(self, other: Any) -> Any:
        return self._plain() + other

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        return self._plain() - other

    def replace(self, *args: Any, **kwargs: Any) -> dt.date:
        return self._plain().replace(*args, **kwargs)

    def __str__(self) -> str:
        return self.phrase

    def __format__(self, spec: str) -> str:
        return self.phrase
