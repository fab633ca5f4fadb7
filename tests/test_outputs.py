"""Safe writes: batches checked first, atomic replace, cleanup on failure, file-name slugs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cspr_docs import outputs
from cspr_docs.errors import OutputError


def _batch(folder: Path, n: int = 6) -> dict[Path, bytes]:
    return {folder / f"letter-{i}.docx": f"letter {i}".encode() for i in range(n)}


def test_a_batch_writes_every_file(tmp_path):
    files = _batch(tmp_path)
    assert outputs.write_batch(files, force=False) == list(files)
    assert all(path.read_bytes() == data for path, data in files.items())
    assert not list(tmp_path.glob(f"{outputs.TEMP_PREFIX}*"))


def test_an_existing_target_refuses_the_whole_batch_before_writing(tmp_path):
    files = _batch(tmp_path)
    existing = list(files)[4]
    existing.write_bytes(b"keep me")
    with pytest.raises(OutputError, match="already exists"):
        outputs.write_batch(files, force=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing.name]
    assert existing.read_bytes() == b"keep me"


def test_force_replaces_existing_files(tmp_path):
    files = _batch(tmp_path)
    next(iter(files)).write_bytes(b"old")
    outputs.write_batch(files, force=True)
    assert all(path.read_bytes() == data for path, data in files.items())


def test_a_failed_write_removes_what_the_batch_wrote(tmp_path, monkeypatch):
    files = _batch(tmp_path)
    broken = list(files)[3]
    real_replace = Path.replace

    def replace(self: Path, target):
        if Path(target) == broken:
            raise OSError(28, "No space left on device")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    with pytest.raises(OutputError, match="No space left"):
        outputs.write_batch(files, force=False)
    assert list(tmp_path.iterdir()) == []  # no letters, no temp files


def test_a_failed_replace_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "summary.docx"
    target.write_bytes(b"old")

    def replace(_self: Path, _target):
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", replace)
    with pytest.raises(OutputError, match="Permission denied"):
        outputs.write_atomic(target, b"new", force=True)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.docx"]


def test_two_targets_differing_only_by_case_are_refused(tmp_path):
    with pytest.raises(OutputError, match="same file name"):
        outputs.check_targets([tmp_path / "A.docx", tmp_path / "a.docx"], force=False)


def test_written_files_are_not_world_readable(tmp_path):
    (path,) = outputs.write_batch({tmp_path / "x.docx": b"x"}, force=False)
    assert path.stat().st_mode & 0o007 == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [("../../etc/passwd", "etc-passwd"), ("CON", "_CON"), ("", "x"), ("..", "x"), ("Ａｇｅｎｃｙ", "Agency"),
     ("a/b", "a-b"), ("x" * 300, "x" * 40)],
)
def test_slug_never_escapes_or_uses_reserved_names(text, expected):
    assert outputs.slug(text) == expected


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("QA-2026-001_final-report.docx", "~$-2026-001_final-report.docx"),  # a stem of 8 or more loses two
        ("Document1.docx", "~$cument1.docx"),
        ("letter1.docx", "~$etter1.docx"),  # a stem of 7 loses one
        ("memo.docx", "~$memo.docx"),  # shorter: kept whole
        ("QA-2026-001_chronology.xlsx", "~$QA-2026-001_chronology.xlsx"),  # Excel keeps the whole name
    ],
)
def test_lock_files_follow_word_and_libreoffice_naming(tmp_path, name, owner):
    assert outputs.lock_files(tmp_path / name) == [tmp_path / f".~lock.{name}#", tmp_path / owner]


@pytest.mark.parametrize("lock", [".~lock.QA-1_summary.docx#", "~$-1_summary.docx"])
def test_a_target_open_in_word_or_libreoffice_is_refused_even_with_force(tmp_path, lock):
    target = tmp_path / "QA-1_summary.docx"
    target.write_bytes(b"being edited")
    (tmp_path / lock).write_bytes(b"lock")
    other = tmp_path / "QA-1_other.docx"
    with pytest.raises(OutputError) as caught:
        outputs.write_batch({other: b"new", target: b"new"}, force=True)
    assert caught.value.message.startswith(f"{target} is open in Word or LibreOffice: close it first")
    assert lock in caught.value.message
    assert target.read_bytes() == b"being edited" and not other.exists()


def test_a_lock_file_without_its_document_is_ignored(tmp_path):
    (tmp_path / ".~lock.new.docx#").write_bytes(b"stale")
    outputs.write_batch({tmp_path / "new.docx": b"x"}, force=False)
    assert (tmp_path / "new.docx").read_bytes() == b"x"


@pytest.mark.parametrize("below", [(), ("sub",)])
def test_a_file_where_the_output_folder_should_be_is_refused_by_name(tmp_path, below):
    afile = tmp_path / "afile"
    afile.write_bytes(b"mine")
    folder = afile.joinpath(*below)
    for attempt in (lambda: outputs.check_targets([folder / "x.docx"], force=True),
                    lambda: outputs.ensure_folder(folder)):
        with pytest.raises(OutputError, match=f"^{re.escape(str(afile))}: is a file, not a folder"):
            attempt()
    assert afile.read_bytes() == b"mine"
