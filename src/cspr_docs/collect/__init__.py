"""Read returned agency replies and chronologies back into replies/<agency>.yaml, report status, merge events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cspr_docs.model import Case


def collected(case: Case, case_folder: Path) -> dict[str, Any]:
    """What the templates see of the collected replies: `replies` (agency id -> reply) and `chronology` (merged).

    Raises:
        DataError: a stored reply under replies/ or chronologies/ is not valid.
    """
    from cspr_docs.collect.chronology import merge
    from cspr_docs.collect.store import load_chronologies, load_replies

    replies = load_replies(case_folder)
    entries = merge(case, replies, load_chronologies(case_folder))
    return {
        "replies": {agency: reply.model_dump(mode="json") for agency, reply in replies.items()},
        "chronology": [entry.model_dump(mode="json") for entry in entries],
    }
