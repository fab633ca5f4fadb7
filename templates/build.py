"""Build the default template pack: `python templates/build.py [--out DIR]` writes templates/<kind>.docx."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from source import (
    briefing,
    chronology,
    family,
    forms,
    letters,
    notices,
    reports,
    review_forms,
    review_letters,
)
from source.kit import save

BUILDERS = {
    "referral-form": forms.referral_form,
    "information-request-letter": letters.information_request_letter,
    "information-request-reply": forms.information_request_reply,
    "combined-summary": reports.combined_summary,
    "panel-covering-letter": letters.panel_covering_letter,
    "reviewer-notification": letters.reviewer_notification,
    "terms-of-reference": reports.terms_of_reference,
    "final-report": reports.final_report,
    "publication-notice": letters.publication_notice,
    "outcome-letter": review_letters.outcome_letter,
    "chronology-request-letter": review_letters.chronology_request_letter,
    "chronology-template": review_forms.chronology_template,
    "multi-agency-chronology": chronology.multi_agency_chronology,
    "information-report-request-letter": review_letters.information_report_request_letter,
    "information-report-template": review_forms.information_report_template,
    "factual-summary": review_forms.factual_summary,
    "workshop-invitation": review_letters.workshop_invitation,
    "family-letter": family.family_letter,
    "family-letter-draft": family.family_letter_draft,
    "progress-request": notices.progress_request,
    "family-letter-publication": family.family_letter_publication,
    "delay-notice": notices.delay_notice,
    "learning-briefing": briefing.learning_briefing,
}


def build(out: Path = HERE) -> list[Path]:
    """Write every template into `out`; the bytes depend only on this source and the python-docx version."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, builder in BUILDERS.items():
        target = out / f"{kind}.docx"
        save(builder(), target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into (default: templates/)")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
