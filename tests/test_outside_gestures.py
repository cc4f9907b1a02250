"""The independent gesture clip generator (tests/outside_gestures.py) and the shipped recogniser on its clips."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import torch
from outside_gestures import GESTURE_NAMES, outside_clip, outside_dataset, score_recognizer

from robocue.perception.gestures import GESTURES, load_default_gesture_encoder, load_gesture_reader

SOURCE = Path(__file__).parent / "outside_gestures.py"


def test_the_generator_shares_no_code_with_robocue():
    imported = set()
    for node in ast.walk(ast.parse(SOURCE.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__", "dataclasses", "numpy"}, imported
    assert GESTURE_NAMES == GESTURES  # the published vocabulary is all it shares


@pytest.mark.parametrize("kind", ["tight", "margin", "recording"])
def test_clips_follow_the_published_format(kind):
    rng = np.random.default_rng(3)
    for _ in range(4):
        clip = outside_clip(rng, kind)
        t = len(clip.landmarks)
        assert clip.landmarks.shape == (t, 21, 3) and clip.landmarks.dtype == np.float32
        finite = np.isfinite(clip.landmarks).all(axis=(1, 2))
        assert np.all(finite | np.isnan(clip.landmarks).all(axis=(1, 2))) and finite[0]
        assert np.all(clip.landmarks[finite][:, 0, 2] == 0.0), "depth is relative to the wrist"
        previous = 0
        for label, start, end, direction in clip.gestures:
            assert label in GESTURES and previous <= start < end <= t
            assert (direction is not None) == (label == "point")
            previous = end
        if kind == "tight":
            assert clip.gestures[0][1] == 0 and clip.gestures[-1][2] == t, "trimmed to the gesture"
        assert (len(clip.gestures) >= 3) == (kind == "recording")
        assert all(0.2 * 30 <= end - start <= 4.5 * 30 for _, start, end, _ in clip.gestures), "a quick flick to a long hold"


def test_the_same_seed_gives_the_same_clips_and_a_point_aims_where_asked():
    a, b = outside_dataset(3, seed=5), outside_dataset(3, seed=5)
    assert all(np.array_equal(x.landmarks, y.landmarks, equal_nan=True) for x, y in zip(a, b))
    rng = np.random.default_rng(1)
    clips = [outside_clip(rng, "margin", ["point"], point_deg=30.0) for _ in range(20)]
    # The camera's roll turns image directions by -camera_roll_deg; the index finger shows the
    # bearing asked for, up to the sway of the hold and the perspective of the reach.
    errors = [abs((c.gestures[0][3] + c.camera_roll_deg - 30.0 + 180.0) % 360.0 - 180.0) for c in clips]
    assert np.median(errors) < 1.0 and max(errors) < 3.0


def test_the_score_counts_exact_sequences_and_point_errors():
    clips = outside_dataset(6, seed=2)

    def perfect(landmarks):
        clip = next(c for c in clips if c.landmarks is landmarks)
        return [{"label": g[0], "direction_deg": g[3]} for g in clip.gestures]

    score = score_recognizer(perfect, clips)
    assert score["label_accuracy"] == 1.0 and score["clips"] == 6
    assert score_recognizer(lambda landmarks: [], clips)["label_accuracy"] == 0.0


@pytest.mark.slow
def test_the_learned_recognizer_on_the_independent_generator():
    torch.set_num_threads(1)
    encoder = load_default_gesture_encoder()
    score = score_recognizer(encoder.recognize, outside_dataset(120, seed=7))
    assert score["label_accuracy"] >= LEARNED_LABEL_ACCURACY, score
    assert score["pointing_error_deg_median"] <= 10.0, score


LEARNED_LABEL_ACCURACY = 0.2  # measured 0.325 over 200 clips (seed 1, docs/commands.md): it does not transfer


def test_the_default_reader_transfers_to_the_independent_generator():
    # Seed 7, not the seed 1 the thresholds were set on (docs/commands.md).
    score = score_recognizer(load_gesture_reader().recognize, outside_dataset(60, seed=7))
    assert score["label_accuracy"] >= 0.9, score
    assert score["pointing_error_deg_median"] <= 5.0, score
