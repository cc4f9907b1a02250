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
import json
import sys
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np

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
BLIND13_GENERATOR = ROOT / "tests" / "blind13_gestures.py"  # a fourteenth, for reports only
BLIND14_GENERATOR = ROOT / "tests" / "blind14_gestures.py"  # a fifteenth, for reports only
BLIND15_GENERATOR = ROOT / "tests" / "blind15_gestures.py"  # a sixteenth, for reports only
BLIND16_GENERATOR = ROOT / "tests" / "blind16_gestures.py"  # a seventeenth, for reports only
BLIND17_GENERATOR = ROOT / "tests" / "blind17_gestures.py"  # an eighteenth, for reports only
BLIND18_GENERATOR = ROOT / "tests" / "blind18_gestures.py"  # a nineteenth, for reports only
BLIND19_GENERATOR = ROOT / "tests" / "blind19_gestures.py"  # a twentieth, for reports only
BLIND20_GENERATOR = ROOT / "tests" / "blind20_gestures.py"  # a twenty-first, for reports only
# clips a real MediaPipe tracker read from rendered videos of a 3-D hand (docs/notes/mediapipe_rendered_hands.py)
MEDIAPIPE_RENDERED = ROOT / "tests" / "data" / "mediapipe_rendered.npz"
MEDIAPIPE_RENDERED_LABELS = ROOT / "tests" / "data" / "mediapipe_rendered.json"
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


def _normalized_deg(pixel_deg: float | None, width: int, height: int) -> float | None:
    """A direction in pixels (0 = right, 90 = up) as it reads in normalised image coordinates."""
    if pixel_deg is None:
        return None
    rad = np.radians(pixel_deg)
    return round(float(np.degrees(np.arctan2(np.sin(rad) / height, np.cos(rad) / width)) % 360.0), 3)


def mediapipe_rendered_clips() -> list[SimpleNamespace]:
    """The clips MediaPipe's hand tracker read from rendered hand videos, held out from every reader.

    Each has ``landmarks`` (float32 ``(T, 21, 3)`` as ``landmarks_from_video`` returned them),
    ``gestures`` (``(label, start, end, direction_deg)``, ``end`` exclusive; a point's direction
    in normalised image coordinates, as readers give it), ``kind`` (tight, margin or pair) and
    ``meta`` (``image_size``, ``direction_deg_pixels``, ``hand``, ``render``), as the blind
    generators' scorers read them. Loaded without pickle.
    """
    _need(MEDIAPIPE_RENDERED)
    _need(MEDIAPIPE_RENDERED_LABELS)
    entries = json.loads(MEDIAPIPE_RENDERED_LABELS.read_text(encoding="utf-8"))
    with np.load(MEDIAPIPE_RENDERED, allow_pickle=False) as arrays:
        clips = []
        for entry in entries:
            width, height = entry["image_size"]
            gestures = tuple(
                (str(label), int(start), int(end), _normalized_deg(direction, width, height))
                for label, start, end, direction in entry["gestures"]
            )
            meta = {
                "image_size": (width, height),
                "direction_deg_pixels": [direction for *_, direction in entry["gestures"]],
                "hand": entry["hand"],
                "render": entry["render"],
            }
            landmarks = arrays[entry["file"].removesuffix(".npy")].astype(np.float32)
            clips.append(SimpleNamespace(landmarks=landmarks, gestures=gestures, kind=entry["kind"], meta=meta))
    return clips


@cache
def outside_gestures():
    """The independent gesture generator module (``tests/outside_gestures.py``)."""
    return load_test_module("robocue_outside_gestures", GENERATOR)
