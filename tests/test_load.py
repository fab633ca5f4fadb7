"""Bad YAML case data (reliability.md section A): each is refused with exit 3, file, line and field, no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cspr_docs.errors import DataError, InputError
from cspr_docs.load import MAX_YAML_BYTES, load_case, read_yaml
from cspr_docs.scaffold import scaffold_case

TITLE = "title: Child A"
DOB = "    date_of_birth: 2020-01-01"


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """A valid case folder written by `init` (case.yaml and partnership.yaml)."""
    folder = tmp_path / "case"
    scaffold_case(folder, "notification")
    return folder


def _base(case_dir: Path) -> str:
    return (case_dir / "case.yaml").read_text(encoding="utf-8")


def _write(case_dir: Path, text: str | bytes) -> Path:
    path = case_dir / "case.yaml"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def _replace(case_dir: Path, old: str, new: str) -> tuple[Path, int]:
    """Replace one line of the valid case; returns the file and the (1-based) line of the replacement."""
    text = _base(case_dir)
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    return _write(case_dir, text.replace(old, new, 1)), line


def _refused(invoke, path: Path, *needles: str) -> str:
    """Run `case check`; assert exit 3, one error block naming the file, no traceback; return stderr."""
    result = invoke("case", "check", path)
    assert result.exit_code == 3, result.stdout + result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    assert str(path.parent if path.is_dir() else path) in result.stderr
    assert result.stdout == ""
    for needle in needles:
        assert needle in result.stderr, f"{needle!r} not in {result.stderr!r}"
    return result.stderr


def test_the_starting_case_is_valid(invoke, case_dir: Path) -> None:
    assert invoke("case", "check", case_dir).exit_code == 0


# A1 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        "!!python/object/new:os.system [touch {marker}]",
        '!!python/object/apply:subprocess.check_output [["touch", "{marker}"]]',
    ],
)
def test_a1_python_tags_are_refused_and_not_run(invoke, case_dir: Path, tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "command-ran"
    path, line = _replace(case_dir, TITLE, "title: " + payload.format(marker=marker))
    _refused(invoke, path, f"case.yaml:{line}:", "title: YAML tags (!!…) are not allowed")
    assert not marker.exists()


def test_a1_tag_on_a_mapping_is_refused(invoke, case_dir: Path) -> None:
    path, line = _replace(case_dir, TITLE, "title: !!python/object:builtins.dict {a: 1}")
    _refused(invoke, path, f"case.yaml:{line}:", "title: YAML tags")


# A2 -------------------------------------------------------------------------------------------------------


def test_a2_alias_bomb_is_refused_at_the_first_anchor(invoke, case_dir: Path) -> None:
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[level]
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    base = _base(case_dir)
    path = _write(case_dir, base + "\n".join(bomb) + "\n")
    line = base.count("\n") + 1
    with pytest.raises(DataError, match="anchors"):
        read_yaml(path)
    _refused(invoke, path, f"case.yaml:{line}:", "anchors (&name) are not allowed")


def test_a2_a_lone_alias_is_refused(invoke, case_dir: Path) -> None:
    path, line = _replace(case_dir, TITLE, "title: *child")
    _refused(invoke, path, f"case.yaml:{line}:", "aliases (*name) are not allowed")


# A3 -------------------------------------------------------------------------------------------------------


def test_a3_duplicate_top_level_key(invoke, case_dir: Path) -> None:
    path, line = _replace(case_dir, TITLE, TITLE + "\ntitle: Child B")
    _refused(invoke, path, f"case.yaml:{line + 1}:", "title: duplicate key 'title'")


def test_a3_duplicate_nested_key_and_all_problems_at_once(invoke, case_dir: Path) -> None:
    text = _base(case_dir).replace(DOB, DOB + "\n" + DOB, 1).replace(TITLE, TITLE + "\n" + TITLE, 1)
    path = _write(case_dir, text)
    stderr = _refused(invoke, path, "children[0].date_of_birth: duplicate key 'date_of_birth'", "2 problems")
    dob_line = text.splitlines().index(DOB) + 2
    assert f"case.yaml:{dob_line}:" in stderr


# A4 / A5 --------------------------------------------------------------------------------------------------


def test_a4_a5_yaml_11_surprises_stay_text(case_dir: Path) -> None:
    text = _base(case_dir).replace(
        '    sex: ""\n    ethnicity: ""',
        "    sex: no\n    ethnicity: yes\n    religion: on\n    language: Off\n    disability: 1.5",
    ).replace("reference: CSPR-0000-00", "reference: 0123").replace(
        "    name: Replace With Real Name         # restricted\n    date_of_birth: 2020-01-01",
        "    name: Real Name\n    date_of_birth: 2020-01-01\n    school: 07700900123\n    local_authority: 0x1F",
        1,
    )
    data = read_yaml(_write(case_dir, text)).data
    child = data["children"][0]
    assert (child["sex"], child["ethnicity"], child["religion"], child["language"]) == ("no", "yes", "on", "Off")
    assert child["disability"] == "1.5" and child["school"] == "07700900123" and child["local_authority"] == "0x1F"
    assert data["reference"] == "0123"
    assert child["date_of_birth"] == "2020-01-01"  # a date is text until the schema reads it
    case = load_case(case_dir).case
    assert case.reference == "0123" and case.children[0].sex == "no" and case.children[0].school == "07700900123"


@pytest.mark.parametrize("null", ["Null", "~", "null", "NULL", ""])
def test_a4_null_never_silently_fills_a_text_field(invoke, case_dir: Path, null: str) -> None:
    path, line = _replace(case_dir, '    sex: ""', f"    sex: {null}")
    assert read_yaml(path).data["children"][0]["sex"] is None
    _refused(invoke, path, f"case.yaml:{line}:", "children[0].sex: Input should be a valid string")


def test_a5_plain_integers_become_text_where_text_is_due(case_dir: Path) -> None:
    path, _ = _replace(case_dir, 'age: "6 years"', "age: 5")
    assert read_yaml(path).data["children"][0]["age"] == 5
    assert load_case(case_dir).case.children[0].age == "5"


# A6 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2012-02-30", "not a real calendar date"),
        ("0000-00-00", "not a real calendar date"),
        ("2012-2-3", "expected a date written as YYYY-MM-DD"),
        ("03/02/2012", "expected a date written as YYYY-MM-DD"),
        ("2012-02-03T10:00:00", "expected a date written as YYYY-MM-DD"),
        ("20120203", "expected a date written as YYYY-MM-DD"),
    ],
)
def test_a6_invalid_dates(invoke, case_dir: Path, value: str, message: str) -> None:
    path, line = _replace(case_dir, DOB, f"    date_of_birth: {value}")
    _refused(invoke, path, f"case.yaml:{line}:", f"children[0].date_of_birth: {message}")


# A7 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("# only a comment\n\n# and another\n", "the file is empty"),
        ("---\n---\n", "expected a single YAML document"),
        ("---\nreference: A\n---\nreference: B\n", "expected a single YAML document"),
    ],
)
def test_a7_empty_or_several_documents(invoke, case_dir: Path, text: str, message: str) -> None:
    _refused(invoke, _write(case_dir, text), message)


# A8 -------------------------------------------------------------------------------------------------------


def test_a8_utf8_bom_is_accepted(invoke, case_dir: Path) -> None:
    _write(case_dir, b"\xef\xbb\xbf" + _base(case_dir).encode("utf-8"))
    assert invoke("case", "check", case_dir).exit_code == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a8_utf16_is_refused(invoke, case_dir: Path, encoding: str) -> None:
    data = _base(case_dir).encode(encoding)
    if encoding != "utf-16":  # no BOM: the NUL bytes give it away
        _refused(invoke, _write(case_dir, data), "NUL byte at byte offset")
    else:
        _refused(invoke, _write(case_dir, data), "UTF-16")


def test_a8_nul_byte_gives_its_offset(invoke, case_dir: Path) -> None:
    text = _base(case_dir).encode("utf-8")
    _refused(invoke, _write(case_dir, text[:100] + b"\x00" + text[100:]), "NUL byte at byte offset 100")


def test_a8_invalid_utf8_gives_its_offset(invoke, case_dir: Path) -> None:
    text = _base(case_dir).encode("utf-8")
    _refused(invoke, _write(case_dir, text[:57] + b"\xc3\x28" + text[57:]), "not valid UTF-8 at byte offset 57")


# A9 -------------------------------------------------------------------------------------------------------


def test_a9_oversized_file_is_refused_before_parsing(invoke, case_dir: Path) -> None:
    # Invalid YAML throughout: only a size check done before parsing can produce the size message.
    padding = b"[" * (MAX_YAML_BYTES + 1)
    path = _write(case_dir, padding)
    stderr = _refused(invoke, path, "over the", "limit")
    assert "invalid YAML" not in stderr
    with pytest.raises(InputError, match="limit"):
        read_yaml(path)


def test_a9_size_limit_is_a_parameter_of_the_reader(case_dir: Path) -> None:
    path = case_dir / "case.yaml"
    size = path.stat().st_size
    assert read_yaml(path, max_bytes=size).data["route"] == "notification"
    with pytest.raises(InputError, match="limit"):
        read_yaml(path, max_bytes=size - 1)


# A10 ------------------------------------------------------------------------------------------------------


def test_a10_list_where_a_mapping_is_expected(invoke, case_dir: Path) -> None:
    text = _base(case_dir)
    start = text.index("incident:\n")
    end = text.index("\nnotification:")
    line = text[:start].count("\n") + 1
    path = _write(case_dir, text[:start] + "incident:\n  - 2026-01-05\n  - death\n" + text[end:])
    _refused(invoke, path, f"case.yaml:{line + 1}:", "incident: Input should be a valid dictionary")


def test_a10_unknown_key_and_missing_key_reported_together(invoke, case_dir: Path) -> None:
    text = _base(case_dir).replace(TITLE, TITLE + "\nnickname: Tiny", 1)
    text = text.replace("  summary: A short factual description of what happened.\n", "", 1)
    stderr = _refused(invoke, _write(case_dir, text), "2 problems")
    assert re.search(r"case\.yaml:\d+:\d+: unknown field \(its name is not repeated here", stderr)
    assert "nickname" not in stderr
    assert re.search(r"case\.yaml:\d+:\d+: incident\.summary: required field is missing", stderr)


def test_a10_unknown_key_is_never_repeated_but_a_near_field_name_is_suggested(invoke, case_dir: Path) -> None:
    from conftest import SENTINEL_NAME

    text = _base(case_dir).replace("    pseudonym: Child A", f"    {SENTINEL_NAME}: x\n    pseudonm: Child A", 1)
    stderr = _refused(invoke, _write(case_dir, text), "3 problems", "children[0].pseudonym: required field is missing")
    assert SENTINEL_NAME not in stderr and "pseudonm" not in stderr
    line = text.splitlines().index(f"    {SENTINEL_NAME}: x") + 1
    assert f"case.yaml:{line}:" in stderr and f"case.yaml:{line + 1}:" in stderr
    assert "children[0]: unknown field (its name is not repeated here; did you mean 'pseudonym'?" in stderr


def test_a10_a_field_name_in_the_wrong_place_is_named(invoke, case_dir: Path) -> None:
    text = _base(case_dir).replace("    pseudonym: Child A", "    pseudonym: Child A\n    incident: x", 1)
    _refused(invoke, _write(case_dir, text), "children[0].incident: unknown field here (check the indentation")


def test_a3_duplicate_key_that_is_not_a_field_word_is_not_repeated(invoke, case_dir: Path) -> None:
    from conftest import SENTINEL_NAME

    text = _base(case_dir).replace("    pseudonym: Child A", f"    {SENTINEL_NAME}: x\n    {SENTINEL_NAME}: y", 1)
    stderr = _refused(invoke, _write(case_dir, text), "children[0]: duplicate key (not repeated here")
    assert SENTINEL_NAME not in stderr


def test_a10_whole_file_is_a_list(invoke, case_dir: Path) -> None:
    _refused(invoke, _write(case_dir, "- reference\n- route\n"), "case.yaml:1:1:", "a case file is a mapping")


def test_a10_nested_list_item_path(invoke, case_dir: Path) -> None:
    path, line = _replace(case_dir, "    type: icb", "    type: clinical-commissioning-group")
    _refused(invoke, path, f"case.yaml:{line}:", "agencies[1].type: Input should be")


# A11 ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["{{ 7*7 }}", "{% include 'x' %}", "{{ ''.__class__ }}", "{{ cycler.__init__ }}"])
def test_a11_template_syntax_in_values_is_plain_text(invoke, case_dir: Path, value: str) -> None:
    quoted = "'" + value.replace("'", "''") + "'"
    _replace(case_dir, TITLE, f"title: {quoted}")
    assert invoke("case", "check", case_dir).exit_code == 0
    assert load_case(case_dir).case.title == value


# A12 / A13 ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "escape",
    ["\\f", "\\a", "\\x00", "\\x01", "\\x08", "\\v", "\\x0B", "\\x1F", "\\ud800", "\\uFFFE", "\\uFFFF", "\\e"],
)
def test_a12_a13_control_characters_are_refused_naming_the_field(invoke, case_dir: Path, escape: str) -> None:
    path, line = _replace(case_dir, TITLE, f'title: "Child {escape}A"')
    _refused(invoke, path, f"case.yaml:{line}:", "title: contains control character U+")


def test_a12_tab_and_newline_are_kept(case_dir: Path) -> None:
    _replace(case_dir, TITLE, 'title: "Child\\tA\\nB"')
    assert load_case(case_dir).case.title == "Child\tA\nB"


@pytest.mark.parametrize("raw", ["\x01", "\x07", "\x1f", "\x7f"])
def test_a13_raw_control_characters_in_the_file(invoke, case_dir: Path, raw: str) -> None:
    path, line = _replace(case_dir, TITLE, f"title: Child {raw}A")
    _refused(invoke, path, f"case.yaml:{line}:", f"character U+{ord(raw):04X} is not allowed")


def test_a13_control_characters_in_the_partnership_file_name_that_file(invoke, case_dir: Path) -> None:
    profile = case_dir / "partnership.yaml"
    text = profile.read_text(encoding="utf-8").replace("short_name: ESCP", 'short_name: "ES\\x07CP"')
    profile.write_text(text, encoding="utf-8")
    _refused(invoke, case_dir, f"{profile}:", "short_name: contains control character U+0007")


# the partnership profile -----------------------------------------------------------------------------------


def test_partnership_schema_errors_point_into_the_partnership_file(invoke, case_dir: Path) -> None:
    profile = case_dir / "partnership.yaml"
    text = profile.read_text(encoding="utf-8")
    line = text.splitlines().index("  - kind: icb") + 1
    profile.write_text(text.replace("  - kind: icb", "  - kind: ccg"), encoding="utf-8")
    _refused(invoke, case_dir, f"{profile}:{line}:", "partnership.statutory_partners[1].kind")


def test_missing_partnership_profile(invoke, case_dir: Path) -> None:
    (case_dir / "partnership.yaml").unlink()
    _refused(invoke, case_dir, "no partnership profile")


# tabs (QA finding 17) ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("indent", "column"), [("\t", 1), ("  \t  ", 3)])
def test_a_tab_used_for_indentation_says_use_spaces_with_line_and_column(invoke, case_dir: Path, indent: str,
                                                                         column: int) -> None:
    path, line = _replace(case_dir, "    pseudonym: Child A", indent + "pseudonym: Child A")
    stderr = _refused(invoke, path, f"case.yaml:{line}:{column}: invalid YAML: tabs cannot indent YAML: use spaces")
    assert "'\\t'" not in stderr and "token" not in stderr


def test_a_tab_between_items_says_use_spaces(invoke, case_dir: Path) -> None:
    path, line = _replace(case_dir, "  - id: child-a", "  -\tid: child-a")
    _refused(invoke, path, f"case.yaml:{line}:4: invalid YAML: a tab cannot separate YAML items here: use spaces")


def test_a_tab_in_the_partnership_file_names_that_file(invoke, case_dir: Path) -> None:
    profile = case_dir / "partnership.yaml"
    text = profile.read_text(encoding="utf-8")
    line = text.splitlines().index("  - kind: icb") + 2
    profile.write_text(text.replace("  - kind: icb\n    organisation", "  - kind: icb\n\torganisation"), encoding="utf-8")
    _refused(invoke, case_dir, f"{profile}:{line}:1: invalid YAML: tabs cannot indent YAML")


def test_a10_the_suggestion_is_a_field_of_that_level(invoke, case_dir: Path) -> None:
    top = _base(case_dir).replace(TITLE, TITLE + "\nplacs: x", 1)  # `places` exists, but only in check_rules
    stderr = _refused(invoke, _write(case_dir, top), "unknown field")
    assert "did you mean" not in stderr
    _write(case_dir, top.replace("\nplacs: x", "", 1))
    profile = case_dir / "partnership.yaml"  # `init` wrote it beside the case
    profile.write_text(profile.read_text(encoding="utf-8") + "check_rules:\n  placs: [Ashby Moor]\n", encoding="utf-8")
    stderr = _refused(invoke, case_dir, "unknown field")
    assert "partnership.check_rules: unknown field (its name is not repeated here; did you mean 'places'?" in stderr
