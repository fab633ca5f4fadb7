"""`cspr-docs init`: a new case folder with a commented case.yaml that passes `case check`."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

from cspr_docs.load import CASE_FILE_NAME, PARTNERSHIP_FILE_NAME, find_partnership_file
from cspr_docs.outputs import check_targets, ensure_folder, write_batch


def _starter(name: str) -> bytes:
    return (files("cspr_docs") / "data" / "init" / name).read_bytes()


def scaffold_case(folder: Path, route: Literal["notification", "referral"]) -> list[Path]:
    """Write case.yaml (and partnership.yaml when none is found) into `folder`; never overwrites.

    Returns:
        The files written, case.yaml first.

    Raises:
        OutputError: a file exists already or the folder cannot be written.
    """
    planned = {folder / CASE_FILE_NAME: _starter(f"{route}.yaml")}
    if find_partnership_file(folder if folder.exists() else folder.parent) is None:
        planned[folder / PARTNERSHIP_FILE_NAME] = _starter(PARTNERSHIP_FILE_NAME)
    check_targets(planned, force=False)
    ensure_folder(folder)
    return write_batch(planned, force=False)
