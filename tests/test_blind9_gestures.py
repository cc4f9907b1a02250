"""Tests of the blind9 synthetic gesture clip generator itself (not of any gesture reader)."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).with_name("blind9_gestures.py")
_SPEC = importlib.util.spec_from_file_location("blind9_gestures", _PATH)
bg = importlib.util.module_from_spec(_SPEC)
sys.modules["blind9_gestures"] = bg
_SPEC.loader.exec_module(bg)

SEED = 7
N = 20
PAIR_TYPES = {("point", "swipe"), ("grab", "swipe"), ("point", "grab"), ("point", "come_here")}


@pytest.fixture(scope="module")
def tracked():
    return bg.blind9_dataset(N, seed=SEED)


@pytest.fixture(scope="module")
def clean():
    return bg.blind9_clean_dataset(N, seed=SEED)


def _lost(frames: np.ndarray) -> np.ndarray:
    return np.isnan(frames).any(axis=(1, 2)) | np.all(frames == 0, axis=(1, 2))


def _family(label: str) -> str:
    return "swipe" if label.startswith("swipe_") else label


def test_public_constants():
    assert bg.LABELS == ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
    assert bg.KINDS == ("tight", "margin", "pair", "recording")
    assert bg.FPS == 30.0
    assert (bg.MIN_GESTURE_S, bg.MAX_GESTURE_S) == (0.5, 3.0)
    assert callable(bg.score) and callable(bg.main) and callable(bg._ang_diff)
    assert "written without reading" in bg.__doc__
    assert bg.__doc__.splitlines()[1] == ""


def test_kinds_per_block(tracked):
    assert len(tracked) == N
    assert Counter(c.kind for c in tracked) == {"tight": 6, "margin": 5, "pair": 5, "recording": 4}


@pytest.mark.parametrize("which", ["tracked", "clean"])
def test_clip_format(which, request):
    clips = request.getfixturevalue(which)
    for clip in clips:
        assert isinstance(clip, bg.Blind9Clip)
        lm = clip.landmarks
        assert isinstance(lm, np.ndarray) and lm.dtype == np.float32 and lm.ndim == 3 and lm.shape[1:] == (21, 3)
        assert lm.shape[0] >= int(bg.MIN_GESTURE_S * bg.FPS)
        frame_nan = np.isnan(lm)
        assert np.array_equal(frame_nan.any(axis=(1, 2)), frame_nan.all(axis=(1, 2))), "NaN frames must be all-NaN"
        xy = lm[..., :2][~np.isnan(lm[..., :2])]
        assert xy.size == 0 or (xy.min() >= -0.3 and xy.max() <= 1.3)
        assert np.all(np.isfinite(lm[..., 2][~np.isnan(lm[..., 2])]))
        w, h = clip.meta["image_size"]
        assert isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0
        assert len(clip.meta["direction_deg_pixels"]) == len(clip.gestures) == len(clip.meta["durations_s"])


@pytest.mark.parametrize("which", ["tracked", "clean"])
def test_gesture_spans(which, request):
    for clip in request.getfixturevalue(which):
        n_frames = len(clip.landmarks)
        assert clip.gestures, "every clip has a gesture"
        prev_end = -1
        for k, (label, start, end, direction) in enumerate(clip.gestures):
            assert label in bg.LABELS
            assert isinstance(start, int) and isinstance(end, int)
            assert prev_end < start <= end <= n_frames - 1
            prev_end = end
            duration = (end - start + 1) / bg.FPS
            assert bg.MIN_GESTURE_S <= duration <= bg.MAX_GESTURE_S
            assert clip.meta["durations_s"][k] == pytest.approx(duration)
            pixel = clip.meta["direction_deg_pixels"][k]
            if label == "point":
                assert isinstance(direction, float) and 0.0 <= direction < 360.0
                assert isinstance(pixel, float) and 0.0 <= pixel < 360.0
                # converting between square pixels and normalized units keeps the quadrant
                w, h = clip.meta["image_size"]
                back = math.degrees(math.atan2(math.sin(math.radians(pixel)) / h, math.cos(math.radians(pixel)) / w)) % 360.0
                assert bg._ang_diff(back, direction) < 1e-3
            else:
                assert direction is None and pixel is None


def test_kind_structure(tracked):
    for clip in tracked:
        n_frames = len(clip.landmarks)
        labels = [g[0] for g in clip.gestures]
        if clip.kind == "tight":
            assert len(clip.gestures) == 1
            assert clip.gestures[0][1] == 0 and clip.gestures[0][2] == n_frames - 1
        elif clip.kind == "margin":
            assert len(clip.gestures) == 1
            assert clip.gestures[0][1] >= 10 and clip.gestures[0][2] <= n_frames - 11
        elif clip.kind == "pair":
            assert len(clip.gestures) == 2
            assert (labels[0], _family(labels[1])) in PAIR_TYPES
            assert clip.gestures[0][1] > 0 and clip.gestures[1][2] < n_frames - 1
        else:
            assert 3 <= len(clip.gestures) <= 5
            assert 10.0 <= n_frames / bg.FPS <= 25.0


def test_clean_matches_tracked(tracked, clean):
    for t, c in zip(tracked, clean, strict=True):
        assert t.kind == c.kind and t.gestures == c.gestures
        assert t.landmarks.shape == c.landmarks.shape
        assert t.meta["image_size"] == c.meta["image_size"]
        assert not np.isnan(c.landmarks).any()
        assert not _lost(c.landmarks).any()
        assert np.all(c.landmarks[:, 0, 2] == 0.0), "z is relative to the wrist"


def test_tracker_loses_frames(tracked):
    lost = np.concatenate([_lost(c.landmarks) for c in tracked])
    assert lost.any()
    assert lost.mean() < 0.8
    seen = sum(int((~_lost(c.landmarks)).sum()) for c in tracked)
    assert seen > 0.2 * sum(len(c.landmarks) for c in tracked)


def test_tracked_differs_from_clean_but_is_close(tracked, clean):
    errors = []
    for t, c in zip(tracked, clean, strict=True):
        ok = ~_lost(t.landmarks)
        if not ok.any():
            continue
        palm = np.linalg.norm(c.landmarks[ok, 9, :2] - c.landmarks[ok, 0, :2], axis=1)
        err = np.linalg.norm(t.landmarks[ok, :, :2] - c.landmarks[ok, :, :2], axis=2).mean(axis=1)
        errors.append(float(np.median(err / np.maximum(palm, 1e-3))))
    assert 0.005 < np.median(errors) < 0.5


def test_point_labels_follow_the_finger(clean):
    diffs = []
    for clip in clean:
        for label, _, end, direction in clip.gestures:
            if label == "point":
                dx, dy = clip.landmarks[end, 8, :2] - clip.landmarks[end, 5, :2]
                diffs.append(bg._ang_diff(math.degrees(math.atan2(-dy, dx)), direction))
    assert diffs and np.median(diffs) < 25.0


def test_determinism_and_independence_from_n(tracked, clean):
    again = bg.blind9_dataset(3, seed=SEED)
    for a, b in zip(again, tracked[:3], strict=True):
        assert a.kind == b.kind and a.gestures == b.gestures
        np.testing.assert_array_equal(a.landmarks, b.landmarks)
    np.testing.assert_array_equal(bg.blind9_clean_dataset(2, seed=SEED)[1].landmarks, clean[1].landmarks)
    other = bg.blind9_dataset(3, seed=SEED + 1)
    assert any(a.landmarks.shape != b.landmarks.shape or a.gestures != b.gestures for a, b in zip(other, tracked[:3], strict=True))


def test_score_oracle_and_baseline(tracked):
    """score() is blind 8's, verbatim: it calls recognize on a copy of each clip's landmarks, in order."""
    answers = iter([{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in c.gestures] for c in tracked)
    result = bg.score(lambda lm: next(answers), tracked)
    assert result["accuracy"] == 1.0 and result["n"] == N
    assert set(result["by_kind"]) == set(bg.KINDS) and all(v == 1.0 for v in result["by_kind"].values())
    if result["pointing_error_deg"]["n"]:
        assert result["pointing_error_deg"]["median"] == 0.0
    constant = bg.score(lambda lm: [{"label": "stop"}], tracked)
    assert constant["accuracy"] < 1.0
    json.dumps(constant)
    assert bg._ang_diff(350.0, 10.0) == pytest.approx(20.0)


def test_cli_writes_clips(tmp_path, capsys):
    assert bg.main(["--n", "2", "--seed", "3", "--out", str(tmp_path)]) == 0
    assert "clips" in capsys.readouterr().out
    records = json.loads((tmp_path / "labels.json").read_text())
    assert len(records) == 2
    first = np.load(tmp_path / "clip_0000.npy")
    assert first.shape[1:] == (21, 3) and first.dtype == np.float32
    assert records[0]["gestures"][0][0] in bg.LABELS
    assert bg.main(["--n", "1", "--seed", "3", "--clean", "--out", str(tmp_path / "clean")]) == 0
    assert not np.isnan(np.load(tmp_path / "clean" / "clip_0000.npy")).any()
