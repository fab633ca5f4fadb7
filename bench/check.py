"""Benchmark `cspr-docs check` on a 100-page .docx against plain python-docx paragraph extraction of the same file.

Run: python bench/check.py  (prints medians and the ratio; target: check <= 2x the baseline, all parts included)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def build_draft(path: Path, pages: int = 100) -> None:
    """About 100 pages: headings, ~8 paragraphs of ~70 words and a small table per page, header and footer."""
    import docx

    sys.path.insert(0, str(REPO / "fixtures" / "drafts"))
    from build import FINAL, _docx  # the fixture builder (deterministic zip)

    words = ("The multi-agency response relied on information sharing between health visiting, the nursery and "
             "children's social care, and on thresholds that were applied differently across agencies. ") * 3
    content = list(FINAL)
    for page in range(pages):
        content.append(("h2", f"{page + 1}. Key practice episode {page + 1}"))
        content += [("p", words)] * 8
        if page % 5 == 0:
            content.append(("table", [["Agency", "Contact", "Date"], ["Health", "Visit", "March 2024"],
                                      ["School", "Meeting", "April 2024"]]))
    path.write_bytes(_docx(content, header="Child J review", footer="Page footer", comment="A comment",
                           parts={"footnotes": "A footnote."}))
    assert docx  # imported for the baseline below


def baseline(path: Path) -> int:
    """Plain python-docx: the text of every body paragraph and table cell (no headers, notes or properties)."""
    import docx

    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return len(texts)


def check(path: Path, case: Path) -> int:
    from cspr_docs.checks.engine import check_drafts

    return len(check_drafts([path], case_path=case).files[0].findings)


def interleaved(fns: dict, runs: int = 9) -> dict[str, float]:
    """Median time of each function, run alternately so machine noise hits them alike."""
    for fn, args in fns.values():
        fn(*args)  # warm imports and caches
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, (fn, args) in fns.items():
            start = time.perf_counter()
            fn(*args)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    case = REPO / "fixtures" / "drafts" / "case"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report-100-pages.docx"
        build_draft(path)
        from cspr_docs.checks.readers import read_draft

        blocks = len(read_draft(path).blocks)
        medians = interleaved({"base": (baseline, (path,)), "read": (read_draft, (path,)),
                                "check": (check, (path, case))})
        base, read, full = medians["base"], medians["read"], medians["check"]
        size = path.stat().st_size
    print(f"draft: {size // 1024} KiB, {blocks} blocks (all parts)")
    print(f"python-docx paragraph extraction (body + tables only): {base * 1000:.0f} ms")
    print(f"cspr-docs read only (every part):                      {read * 1000:.0f} ms")
    print(f"cspr-docs check (read + all rules, with --case):       {full * 1000:.0f} ms")
    print(f"ratio check / baseline: {full / base:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
