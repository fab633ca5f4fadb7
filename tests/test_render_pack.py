"""The default template pack rendered for every fixture case: valid files, values present, nothing leaked."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import re
import zipfile
from functools import cache
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import REPO, fixture_cases
from cspr_docs.documents import CATALOGUE, reached_kinds, recipients
from cspr_docs.load import load_case
from cspr_docs.model import Case
from cspr_docs.render import Renderer
from cspr_docs.render.env import longdate
from cspr_docs.render.pack import default_templates_dir

DAY = dt.date(2026, 11, 21)


@cache
def _pack(tmp_root: str) -> Path:
    """The committed pack when it is complete, else a fresh build of its source (while the pack is being made)."""
    committed = default_templates_dir()
    if all((committed / kind.template).is_file() for kind in CATALOGUE.values()):
        return committed
    build_script = REPO / "templates" / "build.py"
    if not build_script.is_file():
        pytest.fail("no template pack and no templates/build.py yet")
    spec = importlib.util.spec_from_file_location("_template_build", build_script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = Path(tmp_root) / "pack"
    module.build(out)
    return out


@pytest.fixture
def pack(tmp_path_factory) -> Path:
    return _pack(str(tmp_path_factory.getbasetemp()))


def _parts_text(data: bytes) -> dict[str, str]:
    """Text of every XML part (strict parse), keyed by part name."""
    texts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                root = etree.fromstring(archive.read(name))
                texts[name] = "".join(root.itertext())
    return texts


def _render_all(case: Case, pack: Path) -> dict[tuple[str, str | None], str]:
    renderer = Renderer(case, templates=pack, issue_date=DAY)
    outputs = {}
    for kind in reached_kinds(case):
        for recipient in recipients(case, kind) if kind.per_recipient else [None]:
            data = renderer.render(kind, recipient)
            docx.Document(io.BytesIO(data))  # re-opens
            outputs[(kind.id, recipient.id if recipient else None)] = "\n".join(_parts_text(data).values())
    return outputs


@pytest.mark.parametrize("folder", fixture_cases(), ids=lambda p: p.name)
def test_every_reached_kind_renders_with_the_values_that_matter(folder, pack):
    case = load_case(folder).case
    outputs = _render_all(case, pack)
    assert outputs
    real_names = [p.name for p in [*case.children, *case.family]]
    for (kind_id, agency_id), text in outputs.items():
        where = f"{kind_id} {agency_id or ''}"
        for leftover in ("{{", "{%", "[[MISSING"):
            assert leftover not in text, f"{leftover} left in {where}"
        if not CATALOGUE[kind_id].publishable:  # the published report carries its title, not the file reference
            assert case.reference in text, where
        assert case.children[0].pseudonym in text or case.title in text, where
        if agency_id and CATALOGUE[kind_id].per_recipient == "agency":
            assert case.agency(agency_id).name in text, where
        if kind_id == "information-request-letter":
            from cspr_docs.timeline import due_dates

            assert longdate(due_dates(case)["replies"]) in text, where
        if kind_id in ("reviewer-notification", "final-report", "terms-of-reference"):
            assert case.review.reviewer.name in text, where
        if kind_id == "combined-summary":
            assert all(a.name in text for a in case.agencies), where
        if CATALOGUE[kind_id].publishable:
            leaked = [n for n in real_names if re.search(re.escape(n.split()[0]), text)]
            assert not leaked, f"restricted names in {where}"


def test_every_kind_is_rendered_by_some_fixture():
    reached = {k.id for folder in fixture_cases() for k in reached_kinds(load_case(folder).case)}
    if not fixture_cases():
        pytest.fail("no fixture cases yet")
    assert reached == set(CATALOGUE)


def test_special_characters_survive_the_real_templates(pack):
    folders = fixture_cases()
    if not folders:
        pytest.fail("no fixture cases yet")
    case = load_case(folders[0]).case
    special = "B&B <Ltd> \"Q\" 'x' Zoë Ødegård"
    data = case.model_dump()
    data["agencies"][0]["name"] = special
    data["title"] = "Child \"Ä\" & <B>"
    case = Case.model_validate(data)
    outputs = _render_all(case, pack)
    letter = outputs[("information-request-letter", case.agencies[0].id)]
    assert special in letter
    assert all("Child \"Ä\" & <B>" in text for text in outputs.values())
