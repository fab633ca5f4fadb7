"""Benchmark (not a test): 50 one-page letters to PDF, convert_to_pdf against one soffice process per file."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from docx import Document

from cspr_docs.pdf.convert import convert_to_pdf, find_soffice, verify_pdf


def make_letters(folder: Path, count: int) -> list[Path]:
    """One-page letters, each to a different agency, made with python-docx."""
    folder.mkdir(parents=True)
    letters = []
    for index in range(count):
        document = Document()
        document.add_heading("Rapid review: request for information", level=1)
        document.add_paragraph(f"To: Safeguarding Lead, Example Agency {index:03d}")
        document.add_paragraph("Case reference: CSPR-2026-001. Child: Child A.")
        for paragraph in range(6):
            document.add_paragraph(
                f"Paragraph {paragraph + 1}. Please search your records, confirm whether your agency was involved, "
                "secure the records and complete the attached reply template by the return date."
            )
        path = folder / f"letter-{index:03d}.docx"
        document.save(str(path))
        letters.append(path)
    return letters


def one_process_per_file(soffice: str, letters: list[Path], out_dir: Path, profile: Path) -> None:
    """The naive way: `soffice --convert-to pdf` once per letter (on one warm profile, its best case)."""
    out_dir.mkdir(parents=True)
    for letter in letters:
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out_dir), str(letter)],
            check=True, capture_output=True, timeout=120,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=50)
    args = parser.parse_args()
    soffice = find_soffice()
    root = Path(tempfile.mkdtemp(prefix="cspr-bench-pdf-"))
    try:
        letters = make_letters(root / "letters", args.letters)
        profile = root / "naive-profile"
        one_process_per_file(soffice, letters[:1], root / "warm-up", profile)  # build the profile, untimed

        start = time.perf_counter()
        ours = convert_to_pdf(letters, root / "ours")
        ours_time = time.perf_counter() - start

        start = time.perf_counter()
        one_process_per_file(soffice, letters, root / "naive", profile)
        naive_time = time.perf_counter() - start

        for pdf in [*ours, *sorted((root / "naive").glob("*.pdf"))]:
            verify_pdf(pdf.read_bytes(), pdf)
        count = len(letters)
        print(f"{count} one-page letters to PDF on {os.cpu_count()} CPU(s)")
        print(f"  convert_to_pdf (batched, {min(2, os.cpu_count() or 1)} processes, fresh profiles): "
              f"{ours_time:6.1f} s  ({ours_time / count:.2f} s/letter)")
        print(f"  one soffice process per file (warm profile):       {naive_time:6.1f} s  "
              f"({naive_time / count:.2f} s/letter)")
        print(f"  ratio: {naive_time / ours_time:.1f}x (target >= 12x)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
