"""Safe writes: batches checked first, atomic replace, cleanup on failure, file-name slugs."""

from __future__ import annotations

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
