"""`templates check`: every problem of a template pack in one run (safety, syntax, fields the context lacks)."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import meta, nodes
from pydantic import BaseModel

from cspr_docs.documents import CATALOGUE, DocumentKind
from cspr_docs.errors import TemplateError
from cspr_docs.render.context import RESTRICTED_FIELDS, context_names
from cspr_docs.render.docx import Part, compile_part, describe_place, load_parts
from cspr_docs.render.env import make_environment

# A shape is: dict (closed mapping: field -> shape), ("list", shape), ("map", shape), or None (anything goes).
Shape = Any
_DICT_METHODS = {"items", "keys", "values", "get"}
_PASS_THROUGH_FILTERS = {"sort", "reverse", "list", "selectattr", "rejectattr", "unique", "default", "d", "batch"}
_JINJA_GLOBALS = {"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop", "true", "false", "none"}


def model_shape(model: type[BaseModel], *, publishable: bool = False) -> dict[str, Shape]:
    """The closed mapping shape of a model dump (restricted fields dropped for publishable documents)."""
    shape = {name: _shape(field.annotation, publishable) for name, field in model.model_fields.items()}
    if publishable and model.__name__ in ("Child", "FamilyMember"):
        for name in RESTRICTED_FIELDS:
            shape.pop(name, None)
    return shape


def _shape(annotation: Any, publishable: bool) -> Shape:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return _shape(args[0], publishable)
    if origin in (typing.Union, types.UnionType):
        return _shape(args[0], publishable) if len(args) == 1 else None
    if origin in (list, tuple):
        return ("list", _shape(args[0], publishable) if args else None)
    if origin is dict:
        return ("map", _shape(args[1], publishable) if len(args) == 2 else None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_shape(annotation, publishable=publishable)
    return None


def context_shape(kind: DocumentKind) -> dict[str, Shape]:
    """What the template context of a kind provides, as shapes."""
    from cspr_docs.collect.chronology import ChronologyEntry
    from cspr_docs.collect.reply import CollectedReply
    from cspr_docs.model import Case
    from cspr_docs.timeline import MILESTONE_IDS

    case = model_shape(Case, publishable=kind.publishable)
    shape: dict[str, Shape] = {
        "case": case,
        "subject": None,
        "due": {m.replace("-", "_"): None for m in MILESTONE_IDS},
        "document": {"kind": None, "title": None, "date": None, "marking": None, "draft": None},
        "criteria": ("map", None),
        "local_criteria": ("map", None),
        "national_criteria": ("map", None),
        "replies": ("map", model_shape(CollectedReply)),
        "chronology": ("list", model_shape(ChronologyEntry)),
        "recipient": {"agency": case["agencies"][1], "practitioner": case["review"]["practitioners"][1],
                      "family": case["family"][1]}.get(kind.per_recipient or "agency"),
    }
    for key in ("partnership", "children", "family", "agencies", "review", "rapid_review", "recommendations"):
        shape[key] = case[key]
    return {name: shape[name] for name in context_names(kind)}


def _resolve(node: nodes.Node, scope: dict[str, Shape]) -> tuple[Shape, str, str | None]:
    """(shape, path, failing path or None) of an expression made of names, attributes and constant subscripts."""
    if isinstance(node, nodes.Name):
        return scope.get(node.name), node.name, None
    if isinstance(node, nodes.Filter) and node.name in _PASS_THROUGH_FILTERS and node.node is not None:
        return _resolve(node.node, scope)
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        shape, path, failed = _resolve(node.node, scope)
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if failed or shape is None or not isinstance(key, str | int):
            return None, path, failed
        if isinstance(shape, dict):
            if key in shape:
                return shape[key], f"{path}.{key}", None
            if key in _DICT_METHODS:
                return None, path, None
            return None, path, f"{path}.{key}"
        if shape[0] == "list" and isinstance(key, int):
            return shape[1], f"{path}[{key}]", None
        if shape[0] == "map":
            return shape[1], f"{path}.{key}", None
    return None, "", None


def _loop_scope(ast: nodes.Template, scope: dict[str, Shape]) -> dict[str, Shape]:
    """Loop variables bound to the element shape of what they iterate (set to None when ambiguous)."""
    bound = dict(scope)
    for loop in ast.find_all(nodes.For):
        if isinstance(loop.target, nodes.Name):
            shape, _, _ = _resolve(loop.iter, bound)
            element = shape[1] if isinstance(shape, tuple) and shape[0] == "list" else None
            name = loop.target.name
            bound[name] = element if name not in bound or bound[name] == element else None
    for assign in ast.find_all(nodes.Assign):
        if isinstance(assign.target, nodes.Name):
            bound[assign.target.name] = _resolve(assign.node, bound)[0]
    return bound


def part_problems(part: Part, kind: DocumentKind | None, source: Path) -> Iterator[str]:
    """Names and fields a compiled part uses that the context of its kind does not provide."""
    env = part.template.environment
    ast = env.parse(part.source)
    scope = context_shape(kind) if kind else {}
    names = set(scope) if kind else set().union(*(context_names(k) for k in CATALOGUE.values()))
    provided = names | _JINJA_GLOBALS | set(env.globals)
    seen: set[str] = set()
    for name in sorted(meta.find_undeclared_variables(ast) - provided):
        line = next((n.lineno for n in ast.find_all(nodes.Name) if n.name == name), None)
        yield f"{source}: {describe_place(part, line)}: uses `{name}`, which the context does not provide"
    if kind is None:
        return
    loop_scope = _loop_scope(ast, scope)
    # `x.y is defined` is how a template guards an optional field: neither the test nor its guarded use is wrong.
    guarded = {_resolve(test.node, loop_scope)[2] for test in ast.find_all(nodes.Test)
               if test.name in ("defined", "undefined")}
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        failed = _resolve(node, loop_scope)[2]
        if failed and failed not in seen and failed not in guarded:
            seen.add(failed)
            restricted = kind.publishable and failed.rsplit(".", 1)[-1] in RESTRICTED_FIELDS
            why = ("a restricted field, removed from publishable documents" if restricted
                   else "a field the case model does not have")
            yield f"{source}: {describe_place(part, node.lineno)}: `{failed}` is {why}"


def check_template(path: Path, kind: DocumentKind | None) -> list[str]:
    """Every problem of one template file: unsafe or corrupt file, syntax errors per part, unknown fields."""
    env = make_environment("strict")
    try:
        contents, roles = load_parts(path)
    except TemplateError as exc:
        return [exc.message]
    problems: list[str] = []
    if kind is None:
        problems.append(f"{path}: not a document kind of the catalogue; `render` never uses it")
    for name, role in roles.items():
        try:
            part = compile_part(path, env, name, role, contents[name])
        except TemplateError as exc:
            problems.append(exc.message)
            continue
        problems.extend(part_problems(part, kind, path))
    return problems


def check_pack(files: list[Path]) -> list[str]:
    """Every problem of every template file, in file order."""
    by_file = {kind.template: kind for kind in CATALOGUE.values()}
    problems: list[str] = []
    for path in files:
        problems.extend(check_template(path, by_file.get(path.name)))
    return problems
