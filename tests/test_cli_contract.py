"""The command-line contract: exit codes, messages on stderr, tracebacks only with --debug, init and schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conftest import CASES, SENTINEL_NAME, fixture_cases
from cspr_docs import __version__
from cspr_docs.load import read_yaml

# exit 0 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["notification", "referral"])
def test_init_writes_a_case_that_passes_check(invoke, tmp_path: Path, route: str) -> None:
    folder = tmp_path / "new-case"
    result = invoke("init", folder, "--route", route)
    assert result.exit_code == 0, result.stderr
    assert (folder / "case.yaml").is_file() and (folder / "partnership.yaml").is_file()
    assert f"wrote {folder / 'case.yaml'}" in result.stdout
    check = invoke("case", "check", folder)
    assert check.exit_code == 0, check.stderr
    assert f"({route} route)" in check.stdout and check.stderr == ""
    assert invoke("case", "check", folder / "case.yaml").exit_code == 0


def test_init_uses_a_partnership_profile_found_above(invoke, tmp_path: Path) -> None:
    assert invoke("init", tmp_path / "first", "--route", "notification").exit_code == 0
    (tmp_path / "first" / "partnership.yaml").rename(tmp_path / "partnership.yaml")
    result = invoke("init", tmp_path / "second", "--route", "referral")
    assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "second" / "partnership.yaml").exists()
    assert invoke("case", "check", tmp_path / "second").exit_code == 0


def test_version(invoke) -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert "cspr-docs" in result.stdout and __version__ in result.stdout


def test_help_lists_the_exit_codes(invoke) -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "Exit codes" in result.stdout and "case" in result.stdout and "init" in result.stdout


def test_python_dash_m_works_the_same(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "cspr_docs", "case", "check", str(tmp_path / "absent")],
        capture_output=True, text=True, env=env, check=False,
    )
    assert done.returncode == 3 and done.stderr.startswith("error: ") and "file not found" in done.stderr


# exit 2 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("case", "check"),  # missing argument
        ("case", "check", "--no-such-option", "x"),
        ("--no-such-option",),
        ("no-such-command",),
        ("init", "somewhere"),  # --route is required
        ("init", "somewhere", "--route", "email"),
    ],
)
def test_usage_errors_exit_2(
    invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2
    assert "Usage:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "somewhere").exists()


# exit 3 ---------------------------------------------------------------------------------------------------


def test_missing_file_exits_3(invoke, tmp_path: Path) -> None:
    result = invoke("case", "check", tmp_path / "nowhere" / "case.yaml")
    assert result.exit_code == 3
    assert result.stderr == f"error: {tmp_path / 'nowhere' / 'case.yaml'}: file not found\n"


def test_folder_without_case_file_exits_3(invoke, tmp_path: Path) -> None:
    result = invoke("case", "check", tmp_path)
    assert result.exit_code == 3 and f"{tmp_path / 'case.yaml'}: file not found" in result.stderr


def test_bad_data_exits_3_with_every_problem(invoke, tmp_path: Path) -> None:
    folder = tmp_path / "case"
    invoke("init", folder, "--route", "notification")
    path = folder / "case.yaml"
    text = path.read_text(encoding="utf-8").replace("route: notification", "route: email")
    path.write_text(text.replace("type: serious-harm", "type: injury"), encoding="utf-8")
    result = invoke("case", "check", folder)
    assert result.exit_code == 3 and result.stdout == ""
    assert "2 problems" in result.stderr and "route:" in result.stderr and "incident.type:" in result.stderr
    assert "Traceback" not in result.stderr


def test_typed_error_shows_traceback_only_with_debug(invoke, tmp_path: Path) -> None:
    plain = invoke("case", "check", tmp_path / "absent")
    debug = invoke("--debug", "case", "check", tmp_path / "absent")
    assert plain.exit_code == debug.exit_code == 3
    assert "Traceback" not in plain.stderr
    assert "Traceback" in debug.stderr and "InputError" in debug.stderr
    assert debug.stderr.rstrip().endswith(plain.stderr.rstrip())


# exit 5 ---------------------------------------------------------------------------------------------------


def test_init_refuses_to_overwrite(invoke, tmp_path: Path) -> None:
    folder = tmp_path / "case"
    assert invoke("init", folder, "--route", "notification").exit_code == 0
    case_file = folder / "case.yaml"
    case_file.write_bytes(case_file.read_bytes() + b"# my edits\n")
    before = case_file.read_bytes()
    mtime = case_file.stat().st_mtime_ns
    result = invoke("init", folder, "--route", "referral")
    assert result.exit_code == 5
    assert str(case_file) in result.stderr and "already exists" in result.stderr
    assert case_file.read_bytes() == before and case_file.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in folder.iterdir()) == ["case.yaml", "partnership.yaml"]


def test_init_refuses_when_only_case_file_exists(invoke, tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "case.yaml").write_bytes(b"reference: mine\n")
    result = invoke("init", folder, "--route", "notification")
    assert result.exit_code == 5
    assert (folder / "case.yaml").read_bytes() == b"reference: mine\n"
    assert not (folder / "partnership.yaml").exists()  # the batch is checked before anything is written


def test_merge_out_that_is_a_file_exits_5_like_render(invoke, tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_bytes(b"mine")
    for extra in ((), ("--dry-run",)):
        result = invoke("merge", "workshop-invitation", "--case", CASES / "notification-death", "--out", afile,
                        "--date", "2026-03-02", *extra)
        assert result.exit_code == 5, result.stderr
        assert result.stderr == f"error: {afile}: is a file, not a folder; give a folder for the output\n"
    assert afile.read_bytes() == b"mine"


@pytest.mark.parametrize("lock", ["libreoffice", "word"])
def test_force_does_not_replace_a_document_open_in_word_or_libreoffice(invoke, tmp_path: Path, lock: str) -> None:
    from cspr_docs.outputs import lock_files

    out = tmp_path / "out"
    args = ("merge", "workshop-invitation", "--case", CASES / "notification-death", "--out", out,
            "--date", "2026-03-02", "--force")
    assert invoke(*args).exit_code == 0
    letter = min(out.glob("*.docx"))
    letter.write_bytes(b"being edited")
    lock_files(letter)[0 if lock == "libreoffice" else 1].write_bytes(b"lock")
    result = invoke(*args)
    assert result.exit_code == 5
    assert result.stderr.startswith(f"error: {letter} is open in Word or LibreOffice: close it first")
    assert letter.read_bytes() == b"being edited"


# closed pipe (`| head`) -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("--help",), ("templates", "list"), ("check", "--list-rules"), ("timeline", CASES / "notification-death"),
     ("schema",)],
    ids=lambda a: " ".join(map(str, a[:2])),
)
def test_a_closed_output_pipe_ends_quietly_with_141(tmp_path: Path, args: tuple[str | Path, ...]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader (`head`) has already gone
    try:
        done = subprocess.run([sys.executable, "-m", "cspr_docs", *map(str, args)], stdout=write_end,
                              stderr=subprocess.PIPE, env={**os.environ, "HOME": str(tmp_path)}, check=False)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, b"")


def test_a_closed_pipe_inside_any_command_is_not_an_internal_error(invoke, monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    monkeypatch.setattr("cspr_docs.load.load_case", _explode(BrokenPipeError(32, "Broken pipe")))
    result = invoke("case", "check", tmp_path)
    assert (result.exit_code, result.stderr) == (141, "")


# exit 70 and 130 ------------------------------------------------------------------------------------------


def _explode(exc: BaseException):
    def raiser(*_args: Any, **_kwargs: Any) -> Any:
        raise exc

    return raiser


def test_internal_error_exits_70_without_traceback(invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("cspr_docs.load.load_case", _explode(RuntimeError(f"bug near {SENTINEL_NAME}")))
    result = invoke("case", "check", tmp_path)
    assert result.exit_code == 70
    assert "internal error (RuntimeError)" in result.stderr and "--debug" in result.stderr
    assert "Traceback" not in result.stderr and SENTINEL_NAME not in result.stderr


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_internal_error_traceback_with_debug(
    invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, how: str
) -> None:
    monkeypatch.setattr("cspr_docs.load.load_case", _explode(RuntimeError("boom")))
    if how == "flag":
        result = invoke("--debug", "case", "check", tmp_path)
    else:
        monkeypatch.setenv("CSPR_DOCS_DEBUG", "1")
        result = invoke("case", "check", tmp_path)
    assert result.exit_code == 70
    assert "Traceback" in result.stderr and "RuntimeError: boom" in result.stderr


def test_interrupt_exits_130(invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("cspr_docs.load.load_case", _explode(KeyboardInterrupt()))
    result = invoke("case", "check", tmp_path)
    assert result.exit_code == 130 and "interrupted" in result.stderr


# schema ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    from click.testing import CliRunner

    from cspr_docs.cli import cli

    result = CliRunner().invoke(cli, ["schema"], catch_exceptions=False)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _raw_case(folder: Path) -> dict[str, Any]:
    data = read_yaml(folder / "case.yaml").data
    if "partnership" not in data:
        data["partnership"] = read_yaml(CASES / "partnership.yaml").data
    return data


def test_schema_is_draft_2020_12(invoke) -> None:
    schema = json.loads(invoke("schema").stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"reference", "route", "children", "incident"} <= set(schema["required"])


@pytest.mark.parametrize("folder", fixture_cases(), ids=lambda p: p.name)
def test_schema_accepts_every_fixture(validator: Draft202012Validator, folder: Path) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_raw_case(folder))]
    assert errors == []


@pytest.mark.parametrize("route", ["notification", "referral"])
def test_schema_accepts_init_output(invoke, validator: Draft202012Validator, tmp_path: Path, route: str) -> None:
    invoke("init", tmp_path / "c", "--route", route)
    data = read_yaml(tmp_path / "c" / "case.yaml").data
    data["partnership"] = read_yaml(tmp_path / "c" / "partnership.yaml").data
    assert list(validator.iter_errors(data)) == []


@pytest.mark.parametrize("where", [(), ("incident",), ("partnership",), ("children", 0)])
def test_schema_rejects_an_unknown_key(validator: Draft202012Validator, where: tuple[str | int, ...]) -> None:
    data = _raw_case(fixture_cases()[0])
    target: Any = data
    for part in where:
        target = target[part]
    target["nickname"] = "x"
    errors = list(validator.iter_errors(data))
    assert errors and any("nickname" in e.message for e in errors)
