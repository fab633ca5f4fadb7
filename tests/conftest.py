"""Shared test fixtures: the CLI runner, the fixtures folder, isolation from the user's environment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
CASES = FIXTURES / "cases"
SENTINEL_NAME = "Zzsentinelname"


def fixture_cases() -> list[Path]:
    """Every example case folder under fixtures/cases."""
    return sorted(p.parent for p in CASES.glob("*/case.yaml"))


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CSPR_DOCS_DEBUG", raising=False)


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stdout and stderr apart."""
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner):
    """Run `cspr-docs ARGS…` in-process; returns the click Result."""
    from cspr_docs.cli import cli

    def run(*args: str | Path, input: str | None = None):
        return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return run


@pytest.fixture
def case_copy(tmp_path: Path):
    """Copy a fixture case folder (and the shared partnership.yaml and logo.png) into tmp_path; returns it."""

    def copy(name: str) -> Path:
        target = tmp_path / "cases" / name
        shutil.copytree(CASES / name, target)
        for shared in (CASES / "partnership.yaml", CASES / "logo.png"):  # the profile and the logo it names
            if shared.exists():
                shutil.copy(shared, tmp_path / "cases" / shared.name)
        return target

    return copy


requires_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed here; CI installs it"
)
