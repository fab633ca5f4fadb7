"""The one Jinja environment every template part renders in: sandboxed, strict, autoescaped, with letter filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Literal, NoReturn

from jinja2 import Undefined, pass_context
from jinja2.exceptions import SecurityError, TemplateRuntimeError, UndefinedError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing

from cspr_docs.render.birthday import BirthDay

Mode = Literal["strict", "draft", "collect"]

MAX_STRING = 1_000_000
_UNSAFE_STR_ATTRIBUTES = frozenset({"format", "format_map"})
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


class Node(dict):
    """A mapping of the context that knows its dotted path, so a missing field can be named exactly."""

    __slots__ = ("_path",)

    def __init__(self, data: Any = (), path: str = "") -> None:
        super().__init__(data)
        self._path = path


class NodeList(list):
    """A list of the context that knows its dotted path."""

    __slots__ = ("_path",)

    def __init__(self, data: Iterable[Any] = (), path: str = "") -> None:
        super().__init__(data)
        self._path = path


class MissingValueError(UndefinedError):
    """A value a template needs is undefined or empty; `path` names the field (never its value)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _safe_name(name: Any) -> str:
    # A key computed from data (e.g. `x[child.name]`) could be a case value: never echo it.
    text = str(name)
    if isinstance(name, int) and not isinstance(name, bool):
        return f"[{name}]"
    return f".{text}" if text.isidentifier() and len(text) <= 60 else "[<key>]"


class FilledValue:
    """Stands for a filled value (text, date, number) a template looked a field up in: its path, never the value."""

    __slots__ = ("path", "type_name")

    def __init__(self, path: str | None, type_name: str) -> None:
        self.path = path
        self.type_name = type_name

    def describe(self) -> str:
        return self.path or f"(a {_TYPE_NAMES.get(self.type_name, self.type_name)} value)"


_TYPE_NAMES = {"str": "text", "int": "number", "float": "number", "bool": "true/false", "date": "date"}


def _describe_filled(obj: Any) -> str:
    if isinstance(obj, FilledValue):
        return obj.describe()
    return FilledValue(None, type(obj).__name__).describe()


def undefined_path(value: Undefined) -> str:
    """The dotted path of an undefined value, built from template names only; a field of the case is named as in
    case.yaml (`review.decision_date`, whether the template wrote `review.…` or `case.review.…`)."""
    return _path_of(value).removeprefix("case.")


def _path_of(value: Undefined) -> str:
    name = value._undefined_name
    obj = value._undefined_obj
    if obj is missing:
        return _safe_name(name)[1:] if name is not None else "(value)"
    if isinstance(obj, Node | NodeList):
        base = obj._path
    elif isinstance(obj, Undefined):
        base = _path_of(obj)
    else:
        base = _describe_filled(obj)
    if name is None:
        return base
    return f"{base}{_safe_name(name)}"


def undefined_error(value: Undefined, reason: str) -> MissingValueError:
    """The error for using an undefined value: "x.y is not defined", or "x has no field 'y'" when x has a value."""
    inner = value
    while isinstance(inner._undefined_obj, Undefined):
        inner = inner._undefined_obj
    obj, name = inner._undefined_obj, inner._undefined_name
    if obj is missing or isinstance(obj, Node | NodeList) or name is None:
        return MissingValueError(undefined_path(value), reason)
    base = _describe_filled(obj).removeprefix("case.")
    what = "item" if isinstance(name, int) and not isinstance(name, bool) else "field"
    key = _safe_name(name).lstrip(".")
    return MissingValueError(base, f"has no {what} {key if key.startswith('[') else repr(key)}")


class _PathUndefined(Undefined):
    """Undefined whose failure names the dotted field path."""

    __slots__ = ()
    reason = "is not defined"

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> NoReturn:  # noqa: ARG002
        if self._undefined_exception is not UndefinedError:  # e.g. a SecurityError from the sandbox
            raise self._undefined_exception(self._undefined_hint or "unsafe template construct")
        raise undefined_error(self, self.reason)


class StrictPathUndefined(_PathUndefined):
    """Strict: any use of a missing field (print, test, loop) is an error naming the field."""

    __slots__ = ()
    __iter__ = __str__ = __len__ = __bool__ = __contains__ = _PathUndefined._fail_with_undefined_error  # type: ignore[assignment]
    __eq__ = __ne__ = __hash__ = _PathUndefined._fail_with_undefined_error  # type: ignore[assignment]


class StrictEmpty(_PathUndefined):
    """An empty (None) field in strict mode: false in tests, empty in loops, an error when printed."""

    __slots__ = ()
    reason = "has no value"
    __str__ = _PathUndefined._fail_with_undefined_error  # type: ignore[assignment]


class DraftUndefined(Undefined):
    """Draft mode: a missing or empty field prints a visible placeholder and chains through attributes."""

    __slots__ = ()

    def __str__(self) -> str:
        if self._undefined_exception is not UndefinedError:
            raise self._undefined_exception(self._undefined_hint or "unsafe template construct")
        return f"[[MISSING: {undefined_path(self)}]]"

    def __html__(self) -> str:
        return str(self)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return type(self)(obj=self, name=name)

    def __getitem__(self, name: Any) -> Any:
        return type(self)(obj=self, name=name)


class CollectingUndefined(DraftUndefined):
    """Collect mode: like draft, but every missing path is recorded (with the template line) for one report."""

    __slots__ = ()
    found: ClassVar[list[tuple[str, int | None]]] = []

    def __str__(self) -> str:
        text = super().__str__()
        self.found.append((undefined_path(self), _template_line()))
        return text

    def __bool__(self) -> bool:
        if type(self).strict_tests:
            self.found.append((undefined_path(self), _template_line()))
        return False

    strict_tests: ClassVar[bool] = False


def _template_line() -> int | None:
    import sys

    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == "<template>":
            template = frame.f_globals.get("__jinja_template__")
            if template is not None:
                return template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None


def is_missing(value: Any) -> bool:
    """True for None and for undefined/empty values of every mode."""
    return value is None or isinstance(value, Undefined)


class CaseEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox plus: empty fields become path-aware values, str.format is refused, big strings are refused."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, mode: Mode) -> None:
        undefined: type[Undefined]
        if mode == "strict":
            undefined, self.empty = StrictPathUndefined, StrictEmpty
        elif mode == "draft":
            undefined = self.empty = DraftUndefined
        else:
            undefined = type("Collecting", (CollectingUndefined,), {"found": [], "strict_tests": True})
            self.empty = type("CollectingEmpty", (CollectingUndefined,), {"found": undefined.found})
        super().__init__(undefined=undefined, autoescape=True, keep_trailing_newline=True)
        self.mode = mode
        self._last_filled: tuple[Any, str] = (missing, "")
        self.finalize = self._finalize
        self.tests["none"] = is_missing

    def _finalize(self, value: Any) -> Any:
        if value is None:
            raise MissingValueError("(value)", "has no value")
        return value

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _UNSAFE_STR_ATTRIBUTES:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> None:
        # The sandbox would hand out a wrapped str.format; letters never need it, and it has a history of escapes.
        if super().wrap_str_format(value) is not None:
            raise SecurityError("str.format and str.format_map are not allowed in templates")

    def unsafe_undefined(self, obj: Any, attribute: str) -> NoReturn:
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe")

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise SecurityError("exponent too large in a template")
        if operator == "*" and isinstance(left, str | list) and isinstance(right, int) and right * len(left) > MAX_STRING:
            raise SecurityError("repetition too large in a template")
        if operator == "*" and isinstance(right, str | list) and isinstance(left, int) and left * len(right) > MAX_STRING:
            raise SecurityError("repetition too large in a template")
        return super().call_binop(context, operator, left, right)

    def _wrap_empty(self, obj: Any, name: Any, value: Any) -> Any:
        if isinstance(obj, Node | NodeList):
            if value is None:
                return self.empty(obj=obj, name=name)
            if not isinstance(value, Node | NodeList | Undefined):
                self._last_filled = (value, f"{obj._path}{_safe_name(name)}")
        elif isinstance(value, Undefined) and value._undefined_obj is obj and not isinstance(obj, Undefined | None):
            # A field of a filled value (`children[0].name.foo`): name the value by its path, never print it.
            last, path = self._last_filled
            if value._undefined_exception is UndefinedError:
                return type(value)(obj=FilledValue(path if last is obj else None, type(obj).__name__), name=name)
        return value

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self._wrap_empty(obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return self._wrap_empty(obj, argument, super().getitem(obj, argument))

    def wrap_top_level(self, context: dict[str, Any]) -> dict[str, Any]:
        """Top-level None values (e.g. `review`) become this mode's empty value, with their name as path."""
        return {key: (self.empty(name=key) if value is None else value) for key, value in context.items()}


def _date_or_placeholder(value: Any, filter_name: str) -> dt.date | str:
    if isinstance(value, Undefined):
        if isinstance(value, DraftUndefined):
            return str(value)
        value._fail_with_undefined_error()
    if value is None:
        raise MissingValueError("(value)", f"has no value (filter {filter_name})")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TemplateRuntimeError(f"filter {filter_name} expects a date, got {type(value).__name__}")


def longdate(value: Any) -> str:
    """21 November 2026 (a child's date of birth: "Child A's birth")."""
    day = _date_or_placeholder(value, "longdate")
    if isinstance(day, BirthDay):
        return day.phrase
    return day if isinstance(day, str) else f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def shortdate(value: Any) -> str:
    """21/11/2026 (a child's date of birth: "Child A's birth")."""
    day = _date_or_placeholder(value, "shortdate")
    if isinstance(day, BirthDay):
        return day.phrase
    return day if isinstance(day, str) else day.strftime("%d/%m/%Y")


def weekday(value: Any) -> str:
    """Saturday."""
    day = _date_or_placeholder(value, "weekday")
    return day if isinstance(day, str) else day.strftime("%A")


def join_and(values: Any, last: str = "and") -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    if isinstance(values, Undefined) and not isinstance(values, DraftUndefined):
        values._fail_with_undefined_error()
    items = [str(v) for v in values if v is not None and str(v) != ""]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def lines(values: Any) -> str:
    """Address lines -> one multi-line text (line breaks survive in Word)."""
    if isinstance(values, Undefined) and not isinstance(values, DraftUndefined):
        values._fail_with_undefined_error()
    if isinstance(values, str):
        return values
    return "\n".join(str(v) for v in values if v)


@pass_context
def pseudonym(context: Context, person_id: Any) -> str:
    """A child's or family member's id -> their pseudonym."""
    case = context.get("case") or {}
    for person in [*case.get("children", ()), *case.get("family", ())]:
        if person.get("id") == person_id:
            return str(person.get("pseudonym"))
    raise TemplateRuntimeError("filter pseudonym: no child or family member has that id")


@pass_context
def agency_name(context: Context, agency_id: Any) -> str:
    """An agency id -> the agency's name."""
    case = context.get("case") or {}
    for agency in case.get("agencies", ()):
        if agency.get("id") == agency_id:
            return str(agency.get("name"))
    raise TemplateRuntimeError("filter agency_name: no agency has that id")


@pass_context
def working_days(context: Context, value: Any, days: int) -> Any:
    """`d|working_days(5)`: five working days after d (negative counts back), with the partnership's closures."""
    from cspr_docs.timeline import add_working_days

    day = _date_or_placeholder(value, "working_days")
    if isinstance(day, str):
        return day
    if not isinstance(days, int) or abs(days) > 2000:
        raise TemplateRuntimeError("filter working_days expects a whole number of days (at most 2000)")
    partnership = context.get("partnership") or {}
    closures = [d for d in partnership.get("closure_days", ()) if isinstance(d, dt.date)]
    return add_working_days(day, days, closures)


FILTERS: dict[str, Callable[..., Any]] = {
    "longdate": longdate,
    "shortdate": shortdate,
    "weekday": weekday,
    "join_and": join_and,
    "lines": lines,
    "pseudonym": pseudonym,
    "agency_name": agency_name,
    "working_days": working_days,
}


def make_environment(mode: Mode = "strict") -> CaseEnvironment:
    """The environment for one run: `strict` (missing values are errors), `draft` (placeholders) or `collect`."""
    env = CaseEnvironment(mode)
    env.filters.update(FILTERS)
    return env
