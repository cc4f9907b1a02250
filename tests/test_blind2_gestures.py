"""Properties of the blind2 gesture generator itself (tests/blind2_gestures.py)."""

import json

import numpy as np
import pytest

from tests import blind2_gestures as b2


@pytest.fixture(scope="module")
def clips():
    return b2.blind2_dataset(64, seed=11)


def _palm_center(frame):
    return frame[[0, 5, 9, 13, 17]].mean(axis=0)


def test_shape_and_dtype(clips):
    assert len(clips) == 64
    for clip in clips:
        assert clip.landmarks.dtype == np.float32
        assert clip.landmarks.ndim == 3 and clip.landmarks.shape[1:] == (21, 3)
        assert len(clip.landmarks) >= 10


def test_deterministic_per_seed():
    first, again, other = b2.blind2_dataset(12, seed=5), b2.blind2_dataset(12, seed=5), b2.blind2_dataset(12, seed=6)
    for a, b in zip(first, again):
        assert a.kind == b.kind and a.gestures == b.gestures and a.meta == b.meta
        np.testing.assert_array_equal(a.landmarks, b.landmarks)
    assert any(a.gestures != c.gestures or a.landmarks.shape != c.landmarks.shape for a, c in zip(first, other))


def test_kind_shares():
    assert b2._kind_counts(100) == {"tight": 30, "margin": 25, "pair": 25, "recording": 20}
    assert sum(b2._kind_counts(7).values()) == 7


def test_labels_and_frames_consistent(clips):
    for clip in clips:
        t = len(clip.landmarks)
        previous_end = 0
        for label, start, end, direction in clip.gestures:
            assert label in b2.GESTURES
            assert previous_end <= start < end <= t
            previous_end = end
            assert (direction is not None) == (label == "point")
            if direction is not None:
                assert 0 <= direction < 360
        labels = [g[0] for g in clip.gestures]
        if clip.kind == "tight":
            assert clip.gestures[0][1:3] == (0, t) and len(labels) == 1
        elif clip.kind == "margin":
            assert len(labels) == 1 and clip.gestures[0][1] > 0 and clip.gestures[0][2] < t
        elif clip.kind == "pair":
            assert tuple(labels) in b2.PAIRS
        else:
            assert clip.kind == "recording" and 3 <= len(labels) <= 5


def test_single_gesture_kinds_are_balanced(clips):
    for kind in ("tight", "margin"):
        counts = {g: 0 for g in b2.GESTURES}
        for clip in clips:
            if clip.kind == kind:
                counts[clip.gestures[0][0]] += 1
        assert max(counts.values()) - min(counts.values()) <= 1, counts


def test_coordinates_in_range(clips):
    for clip in clips:
        values = clip.landmarks[np.isfinite(clip.landmarks)]
        assert values.min() >= -0.3 and values.max() <= 1.3
        xy = clip.landmarks[..., :2]
        inside = np.isfinite(xy) & (xy >= 0) & (xy <= 1)
        assert inside.sum() >= 0.95 * np.isfinite(xy).sum()  # leaving the frame is only occasional


def test_dropped_frames_present_in_some_clips(clips):
    has_drop = []
    for clip in clips:
        lm = clip.landmarks
        nan_frames = np.isnan(lm).any(axis=(1, 2))
        assert np.array_equal(nan_frames, np.isnan(lm).all(axis=(1, 2)))  # a dropped frame is all-NaN
        repeats = np.all(lm[1:] == lm[:-1], axis=(1, 2))
        has_drop.append(bool(nan_frames.any() or repeats.any()))
    assert 0.2 * len(clips) < sum(has_drop) < len(clips)


def test_both_hands_and_varied_people(clips):
    assert {c.meta["hand"] for c in clips} == {"left", "right"}
    rolls = [c.meta["roll_deg"] for c in clips]
    sizes = [c.meta["hand_size"] for c in clips]
    assert min(rolls) < -10 and max(rolls) > 10 and max(rolls) <= 25 and min(rolls) >= -25
    assert max(sizes) / min(sizes) > 2


def test_point_direction_matches_drawn_index_finger():
    errors = []
    for i in range(16):
        clip = b2.generate_clip([101, i], "margin", ["point"], clean=True)
        _, start, end, direction = clip.gestures[0]
        hold = clip.landmarks[end - max(3, (end - start) // 4) : end].astype(float)
        v = hold[:, 8, :2] - hold[:, 5, :2]
        drawn = np.degrees(np.arctan2(-v[:, 1], v[:, 0]))
        errors.append(abs(np.median((drawn - direction + 180) % 360 - 180)))
    assert max(errors) < 6.0, errors


@pytest.mark.parametrize("label", ["swipe_left", "swipe_right", "swipe_up", "swipe_down"])
def test_swipe_displacement_matches_label(label):
    axis, sign = {"swipe_left": (0, -1), "swipe_right": (0, 1), "swipe_up": (1, -1), "swipe_down": (1, 1)}[label]
    for i in range(6):
        clip = b2.generate_clip([202, i], "margin", [label], clean=True)
        _, start, end, _ = clip.gestures[0]
        move = _palm_center(clip.landmarks[end - 1, :, :2]) - _palm_center(clip.landmarks[start, :, :2])
        assert sign * move[axis] > 0.1
        assert abs(move[axis]) > abs(move[1 - axis])


def test_grab_ends_with_fingertips_near_palm():
    def tip_ratio(frame):
        scale = np.linalg.norm(frame[9] - frame[0])
        return np.linalg.norm(frame[[8, 12, 16, 20]] - _palm_center(frame), axis=1).mean() / scale

    for i in range(8):
        clip = b2.generate_clip([303, i], "margin", ["grab"], clean=True)
        _, start, end, _ = clip.gestures[0]
        lm = clip.landmarks.astype(float)
        assert tip_ratio(lm[end - 1]) < 0.5
        assert max(tip_ratio(f) for f in lm[start:end]) > 0.85  # it was open first


def test_score_perfect_and_empty(clips):
    truth = {id(c.landmarks): c for c in clips}

    def oracle(landmarks):
        return [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in truth[id(landmarks)].gestures]

    perfect = b2.score(oracle, clips)
    assert set(perfect) == {"n", "accuracy", "by_kind", "by_gesture", "pointing_error_deg", "confusion"}
    assert perfect["n"] == len(clips) and perfect["accuracy"] == 1.0
    assert set(perfect["by_kind"].values()) == {1.0} and set(perfect["by_gesture"]) == set(b2.GESTURES)
    assert perfect["pointing_error_deg"]["n"] > 0 and perfect["pointing_error_deg"]["median"] == 0.0
    assert all(" -> " in key for key in perfect["confusion"])

    empty = b2.score(lambda landmarks: [], clips)
    assert empty["accuracy"] == 0.0 and set(empty["by_gesture"].values()) == {0.0}
    assert empty["pointing_error_deg"] == {"median": None, "mean": None, "n": 0}
    assert all(key.endswith("-> none") for key in empty["confusion"])
    assert sum(empty["confusion"].values()) == len(clips)


def test_main_writes_clips(tmp_path):
    b2.main(["--n", "3", "--seed", "1", "--out", str(tmp_path)])
    index = json.loads((tmp_path / "labels.json").read_text())
    assert len(index) == 3
    for entry in index:
        assert np.load(tmp_path / entry["file"]).shape[1:] == (21, 3)
