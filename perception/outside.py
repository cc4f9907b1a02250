"""Commands from outside robocue's own generators, for evaluation only: never trained on.

Two sets live under ``tests/`` (the repository's, not the installed package's): the
independent gesture clip generator ``tests/outside_gestures.py`` (its own hand model,
camera and timing; see its docstring) and the out-of-grammar phrasings
``tests/data/outside_phrasings.tsv`` (205 sentences written by hand without the grammar's
templates). ``robocue eval RUN --commands outside`` (words) and ``--commands
gesture-outside`` (gestures) read them through this module; in an installed copy without
``tests/`` they fail with a message saying so.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHRASINGS = ROOT / "tests" / "data" / "outside_phrasings.tsv"
# command split -> its sentences: written in the project, and by eight writers who never saw the parser (the first seven
# sets then read for the everyday words and rules of perception/words.py and clarify.py, the eighth held out)
PHRASING_FILES = {
    "outside": PHRASINGS,
    "outside-blind": ROOT / "tests" / "data" / "outside_phrasings_blind.tsv",
    "outside-blind2": ROOT / "tests" / "data" / "outside_phrasings_blind2.tsv",
    "outside-blind3": ROOT / "tests" / "data" / "outside_phrasings_blind3.tsv",
    "outside-blind4": ROOT / "tests" / "data" / "outside_phrasings_blind4.tsv",
    "outside-blind5": ROOT / "tests" / "data" / "outside_phrasings_blind5.tsv",
    "outside-blind6": ROOT / "tests" / "data" / "outside_phrasings_blind6.tsv",
    "outside-blind7": ROOT / "tests" / "data" / "outside_phrasings_blind7.tsv",
    "outside-blind8": ROOT / "tests" / "data" / "outside_phrasings_blind8.tsv",
}
GENERATOR = ROOT / "tests" / "outside_gestures.py"
BLIND_GENERATOR = ROOT / "tests" / "blind_gestures.py"  # a second independent generator, for reports only
BLIND2_GENERATOR = ROOT / "tests" / "blind2_gestures.py"  # a third, for reports only
BLIND3_GENERATOR = ROOT / "tests" / "blind3_gestures.py"  # a fourth, for reports only
BLIND4_GENERATOR = ROOT / "tests" / "blind4_gestures.py"  # a fifth, for reports only
BLIND5_GENERATOR = ROOT / "tests" / "blind5_gestures.py"  # a sixth, for reports only
BLIND6_GENERATOR = ROOT / "tests" / "blind6_gestures.py"  # a seventh, for reports only
BLIND7_GENERATOR = ROOT / "tests" / "blind7_gestures.py"  # an eighth, for reports only
BLIND8_GENERATOR = ROOT / "tests" / "blind8_gestures.py"  # a ninth, for reports only
BLIND9_GENERATOR = ROOT / "tests" / "blind9_gestures.py"  # a tenth, for reports only
BLIND10_GENERATOR = ROOT / "tests" / "blind10_gestures.py"  # an eleventh, for reports only
BLIND11_GENERATOR = ROOT / "tests" / "blind11_gestures.py"  # a twelfth, for reports only
BLIND12_GENERATOR = ROOT / "tests" / "blind12_gestures.py"  # a thirteenth, for reports only
FIELDS = ("task", "color", "shape", "destination")


def _need(path: Path) -> None:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: the outside command sets live in the repository's tests/ folder, not in an installed copy"
        )


@cache
def outside_phrasings(path: str | Path | None = None) -> tuple[tuple[str, dict], ...]:
    """The out-of-grammar phrasings: ``((text, {"task", "color", "shape", "destination"}), ...)``.

    The file holds one tab-separated line per sentence (text, task, colour, shape,
    destination; ``-`` for a field the sentence does not say); ``#`` starts a comment line.
    """
    path = Path(path) if path is not None else PHRASINGS
    _need(path)
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 5:
            raise ValueError(f"{path}:{number}: expected 5 tab-separated columns (text, task, color, shape, destination), got {len(parts)}")
        rows.append((parts[0], {field: None if value == "-" else value for field, value in zip(FIELDS, parts[1:])}))
    return tuple(rows)


def load_test_module(name: str, path: Path):
    _need(path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@cache
def outside_gestures():
    """The independent gesture generator module (``tests/outside_gestures.py``)."""
    return load_test_module("robocue_outside_gestures", GENERATOR)
