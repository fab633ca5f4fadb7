"""The only YAML reader: safe, strict, with line numbers; every problem reported at once, no value ever quoted."""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from cspr_docs.errors import DataError, InputError, Problem

MAX_YAML_BYTES = 5 * 1024 * 1024
CASE_FILE_NAME = "case.yaml"
PARTNERSHIP_FILE_NAME = "partnership.yaml"

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_INT_TEXT = re.compile(r"-?(0|[1-9][0-9]*)")
# A key is quoted in an error only when it looks like a field name: a name typed as a key is never repeated.
_FIELD_WORD = re.compile(r"[a-z][a-z0-9_]{0,39}")
# Characters XML 1.0 cannot carry (and form feed, bell, vertical tab), which would corrupt or distort a document.
_ILLEGAL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


class _Resolver(BaseResolver):
    """YAML 1.2-like scalars: only true/false, null and plain decimals are not text.

    `no`, `yes`, `on`, `0123`, `07700900123`, `1.5` and dates all stay text; the schema decides what they mean.
    """


_Resolver.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Resolver.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Resolver.add_implicit_resolver(_INT, re.compile(r"^-?(?:0|[1-9][0-9]*)$"), list("-0123456789"))


class _RefusedError(yaml.MarkedYAMLError):
    """A construct this loader refuses (anchors and aliases: alias bombs)."""


class _Composer(Reader, Scanner, Parser, Composer, _Resolver):
    """Composes the node tree only; rejects anchors and aliases before anything is expanded."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Resolver.__init__(self)

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise _RefusedError(problem="aliases (*name) are not allowed", problem_mark=event.start_mark)
        if getattr(event, "anchor", None):
            raise _RefusedError(problem="anchors (&name) are not allowed", problem_mark=event.start_mark)
        return super().compose_node(parent, index)


@dataclass
class YamlDocument:
    """A YAML file read into plain Python values, with where each value stands in which file."""

    path: Path
    data: Any
    marks: dict[Loc, tuple[str, int, int]] = field(default_factory=dict)
    prefix: Loc = ()  # where `data` stands in the file, for a section of it (`section`)

    def place(self, loc: Loc) -> tuple[str, int | None, int | None]:
        """File, line and column of the value at `loc`, or of its nearest enclosing value."""
        loc = (*self.prefix, *loc)
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.marks:
                return self.marks[loc[:end]]
        return str(self.path), None, None

    def problem(self, loc: Loc, message: str) -> Problem:
        """A problem located at the field `loc`."""
        file, line, column = self.place(loc)
        return Problem(file, line, column, format_loc((*self.prefix, *loc)), message)

    def section(self, *keys: str | int) -> YamlDocument:
        """The value at `keys` as a document of its own whose problems still say where it stands in the file."""
        data = self.data
        for key in keys:
            data = data[key]
        return YamlDocument(self.path, data, self.marks, (*self.prefix, *keys))


def format_loc(loc: Loc) -> str:
    """`('children', 0, 'name')` -> `children[0].name`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _read_text(path: Path, max_bytes: int) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected a YAML file")
    if size > max_bytes:
        raise InputError(f"{path}: file is {size // 1024} KiB, over the {max_bytes // 1024} KiB limit for YAML files")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: file is UTF-16; save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{path}: NUL byte at byte offset {nul}; the file is binary or not UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 at byte offset {exc.start}; save the file as UTF-8") from None


def _mark_of(path: Path, node: Node) -> tuple[str, int, int]:
    return str(path), node.start_mark.line + 1, node.start_mark.column + 1


def _construct(node: Node, loc: Loc, doc: YamlDocument, problems: list[Problem]) -> Any:
    doc.marks[loc] = _mark_of(doc.path, node)
    if isinstance(node, MappingNode):
        if node.tag != _MAP:
            problems.append(doc.problem(loc, "YAML tags (!!…) are not allowed"))
            return None
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR:
                file, line, col = _mark_of(doc.path, key_node)
                problems.append(Problem(file, line, col, format_loc(loc), "keys must be plain words"))
                continue
            key = key_node.value
            if key in result:
                file, line, col = _mark_of(doc.path, key_node)
                shown = f" '{key}'" if _FIELD_WORD.fullmatch(key) else " (not repeated here: it may be personal data)"
                problems.append(Problem(file, line, col, format_loc(loc + (key,) if shown.startswith(" '") else loc),
                                        f"duplicate key{shown}"))
                continue
            result[key] = _construct(value_node, loc + (key,), doc, problems)
        return result
    if isinstance(node, SequenceNode):
        if node.tag != _SEQ:
            problems.append(doc.problem(loc, "YAML tags (!!…) are not allowed"))
            return None
        return [_construct(item, loc + (i,), doc, problems) for i, item in enumerate(node.value)]
    value = node.value
    if node.tag == _STR:
        bad = _ILLEGAL_CHARS.search(value)
        if bad:
            problems.append(
                doc.problem(loc, f"contains control character U+{ord(bad.group()):04X}, which a document cannot hold")
            )
        return value
    if node.tag == _NULL:
        return None
    if node.tag == _BOOL and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if node.tag == _INT and _INT_TEXT.fullmatch(value):
        return int(value)
    problems.append(doc.problem(loc, "YAML tags (!!…) are not allowed; write plain values"))
    return None


def _tab_problem(text: str, index: int) -> str:
    """PyYAML's wording for a tab ("found character '\\t' that cannot start any token") hides the usual cause."""
    line_start = text.rfind("\n", 0, index) + 1
    if not text[line_start:index].strip(" \t"):
        return "tabs cannot indent YAML: use spaces"
    return "a tab cannot separate YAML items here: use spaces"


def read_yaml(path: Path, *, max_bytes: int = MAX_YAML_BYTES) -> YamlDocument:
    """Read one YAML document safely into plain values with their places.

    Raises:
        InputError: the file is missing, too large, not UTF-8 or binary.
        DataError: the YAML is malformed, empty, has several documents, tags, anchors, aliases or duplicate keys.
    """
    text = _read_text(path, max_bytes)
    doc = YamlDocument(path=path, data=None)
    try:
        root = _Composer(text).get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if "single document" in (exc.context or "") + problem:
            problem = "expected a single YAML document, found several (remove the extra '---')"
        elif mark and ("'\\t'" in problem or "tab character" in problem):
            problem = _tab_problem(text, mark.index)
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise DataError([Problem(str(path), line, col, "", f"invalid YAML: {problem}")]) from None
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not allow
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if position is not None else None
        code = getattr(exc, "character", None)
        if isinstance(code, int):  # PyYAML's reader reports the code point, not the character
            code = chr(code)
        detail = f"character U+{ord(code):04X} is not allowed" if isinstance(code, str) else "unreadable text"
        raise DataError([Problem(str(path), line, None, "", f"invalid YAML: {detail}")]) from None
    if root is None:
        raise DataError([Problem(str(path), None, None, "", "the file is empty (only comments or nothing)")])
    problems: list[Problem] = []
    doc.data = _construct(root, (), doc, problems)
    if problems:
        raise DataError(problems)
    return doc


def _friendly(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; `cspr-docs schema` lists the fields)"
    if kind == "string_pattern_mismatch":
        return "use only letters, digits, '-' and '_' (and '.' in references), starting with a letter or digit"
    message = str(error["msg"])
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    value = error.get("input")
    if isinstance(value, str) and len(value) >= 2 and value in message:  # never echo a value
        message = message.replace(value, "…")
    return message


def _unknown_key(doc: YamlDocument, loc: Loc, words: frozenset[str], here: frozenset[str]) -> Problem:
    """An unknown key, named only when it is a field name of the schema: otherwise it may be a person's name.
    The suggestion is the nearest field that may stand `here`."""
    key = loc[-1]
    if isinstance(key, str) and key in words:
        return doc.problem(loc, "unknown field here (check the indentation; `cspr-docs schema` lists the fields)")
    file, line, column = doc.place(loc)
    close = difflib.get_close_matches(str(key).lower(), here, n=1, cutoff=0.75)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return Problem(file, line, column, format_loc((*doc.prefix, *loc[:-1])),
                   f"unknown field (its name is not repeated here; {hint}`cspr-docs schema` lists the fields)")


def _field_words(model: type[BaseModel]) -> frozenset[str]:
    """Every field name (and alias) of `model` and of the models inside it."""
    words: set[str] = set()
    seen: set[type[BaseModel]] = set()
    pending: list[Any] = [model]
    while pending:
        kind = pending.pop()
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if kind in seen:
                continue
            seen.add(kind)
            for name, info in kind.model_fields.items():
                words.update(w for w in (name, info.alias) if w)
                pending.append(info.annotation)
        else:  # list[X], X | None, Annotated[X, ...]: look inside
            pending.extend(typing.get_args(kind))
    return frozenset(words)


def _flatten(kinds: list[Any]) -> list[Any]:
    """`X | None`, `Optional[X]`, `Annotated[X, ...]` and unions, as the types they stand for."""
    flat: list[Any] = []
    while kinds:
        kind = kinds.pop()
        origin = typing.get_origin(kind)
        if origin is typing.Annotated:
            kinds.append(typing.get_args(kind)[0])
        elif origin is typing.Union or origin is types.UnionType:
            kinds.extend(typing.get_args(kind))
        else:
            flat.append(kind)
    return flat


def _fields_at(model: type[BaseModel], path: Loc) -> frozenset[str]:
    """The field names (and aliases) that may stand at `path` inside `model`; empty if the path leads nowhere."""
    kinds: list[Any] = [model]
    for part in path:
        following: list[Any] = []
        for kind in _flatten(kinds):
            origin, args = typing.get_origin(kind), typing.get_args(kind)
            if isinstance(kind, type) and issubclass(kind, BaseModel) and isinstance(part, str):
                following += [i.annotation for n, i in kind.model_fields.items() if part in (n, i.alias)]
            elif origin in (list, tuple) and isinstance(part, int) and args:
                following.append(args[0])
            elif origin is dict and len(args) == 2:
                following.append(args[1])
        kinds = following
    return frozenset(w for kind in _flatten(kinds) if isinstance(kind, type) and issubclass(kind, BaseModel)
                     for n, i in kind.model_fields.items() for w in (n, i.alias) if w)


def validate(model: type[M], doc: YamlDocument, *, data: Any = None) -> M:
    """Validate a document's data against a model, turning every schema error into one DataError."""
    try:
        return model.model_validate(doc.data if data is None else data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            if err["type"] == "extra_forbidden" and loc:
                problems.append(_unknown_key(doc, loc, _field_words(model), _fields_at(model, loc[:-1])))
            else:
                problems.append(doc.problem(loc, _friendly(dict(err))))
        raise DataError(problems) from None


@dataclass(frozen=True)
class CaseFile:
    """A loaded, valid case with the files it came from."""

    case: Any  # cspr_docs.model.Case (imported lazily to keep this module's import light)
    path: Path
    partnership_path: Path | None
    document: YamlDocument | None = field(default=None, repr=False, compare=False)  # the data with its places

    @property
    def folder(self) -> Path:
        """The case folder (replies/ and out/ live here)."""
        return self.path.parent

    @property
    def partnership_folder(self) -> Path:
        """The folder relative paths in the partnership profile (the logo) are taken from."""
        return (self.partnership_path or self.path).parent


def case_file_path(path: Path) -> Path:
    """The case.yaml for a path given as the file itself or as its folder."""
    return path / CASE_FILE_NAME if path.is_dir() else path


def find_partnership_file(case_folder: Path) -> Path | None:
    """The nearest partnership.yaml in the case folder or above it, stopping at a repository root."""
    folder = case_folder.resolve()
    for candidate in (folder, *folder.parents):
        profile = candidate / PARTNERSHIP_FILE_NAME
        if profile.is_file():
            return profile
        if (candidate / ".git").exists():
            return None
    return None


def load_case(path: Path) -> CaseFile:
    """Load and validate a case (file or folder) with its partnership profile; every problem in one DataError.

    Raises:
        InputError: a file is missing or unreadable.
        DataError: the YAML, the schema or the consistency rules are broken.
    """
    from cspr_docs.model import Case, find_inconsistencies

    case_path = case_file_path(path)
    doc = read_yaml(case_path)
    if not isinstance(doc.data, dict):
        raise DataError([doc.problem((), "a case file is a mapping of fields (reference, route, children, …)")])
    data = dict(doc.data)
    partnership_path = None
    if "partnership" not in data:
        partnership_path = find_partnership_file(case_path.parent)
        if partnership_path is None:
            raise DataError(
                [doc.problem((), "no partnership profile: add a `partnership:` section or a partnership.yaml beside "
                              "or above the case folder (`cspr-docs init` writes one)")]
            )
        profile = read_yaml(partnership_path)
        doc.marks.update({("partnership", *loc): mark for loc, mark in profile.marks.items()})
        data["partnership"] = profile.data
    case = validate(Case, doc, data=data)
    problems = [doc.problem(loc, message) for loc, message in find_inconsistencies(case)]
    if case.partnership.logo:
        from cspr_docs.render.logo import attach_logo, check_logo_path

        try:  # the path now (reliability B12); the image when a document prints it
            source = partnership_path or case_path
            place = doc.place(("partnership", "logo"))
            attach_logo(case.partnership, check_logo_path(case.partnership.logo, source, place))
        except DataError as exc:
            problems += exc.problems
    if problems:
        raise DataError(problems)
    return CaseFile(case=case, path=case_path, partnership_path=partnership_path,
                    document=YamlDocument(doc.path, data, doc.marks))
