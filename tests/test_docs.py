"""The docs are reference in the present tense: no dated narrative in README.md and docs/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Phrases of a lab notebook: what happened when, relative to other work, rather than what is.
HISTORY = re.compile(
    r"\b(?:(?:of|back|until|since|by) then|earlier|before the (?:change|fix)|after the (?:change|fix)|(?:this|that|the same|"
    r"a later|an earlier|the previous|previous) session|(?<!desktop )sessions?|no longer|used to|originally|formerly|previously|"
    r"at the time|"
    r"not yet|yesterday|today|the preset now|20\d\d-\d\d-\d\d|(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December) 20\d\d)\b",
    re.IGNORECASE,
)
REFERENCE = [REPO / "README.md", *sorted(p for p in (REPO / "docs").rglob("*.md") if "notes" not in p.relative_to(REPO / "docs").parts)]
NOTES = sorted((REPO / "docs" / "notes").rglob("*.md"))


def history_phrases(path: Path) -> list[str]:
    return [
        f"{path.relative_to(REPO)}:{number}: {match.group(0)!r}"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for match in HISTORY.finditer(line)
    ]


def test_the_phrase_check_finds_history():
    found = HISTORY.findall("the preset of then, measured in an earlier session before the change on 2026-11-28; the policy is fast")
    assert [f.lower() for f in found] == ["of then", "an earlier session", "before the change", "2026-11-28"]


@pytest.mark.parametrize("path", REFERENCE + NOTES, ids=lambda p: str(p.relative_to(REPO)))
def test_docs_have_no_history_phrases(path):
    assert history_phrases(path) == []
