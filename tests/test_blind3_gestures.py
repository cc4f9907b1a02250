"""Checks of the blind-3 gesture generator (tests/blind3_gestures.py); no project imports."""

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).with_name("blind3_gestures.py")


def _load():
    name = "blind3_gestures_under_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _PATH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


b3 = _load()
N = 40


@pytest.fixture(scope="module")
def clips():
    return b3.blind3_dataset(N, 0)


def _angle(v):
    return math.degrees(math.atan2(-v[1], v[0])) % 360.0


def _diff(a, b):
    return abs((a - b + 180.0) % 360.0 - 180.0)


def _extension(lm, aspect):
    """Mean fingertip-to-wrist distance relative to the wrist-to-middle-knuckle distance."""
    p = lm[..., :2].astype(float).copy()
    p[..., 1] /= aspect
    palm = np.linalg.norm(p[:, 9] - p[:, 0], axis=1)
    tips = np.linalg.norm(p[:, [8, 12, 16, 20]] - p[:, [0]], axis=2).mean(axis=1)
    return tips / palm


def test_shapes_dtype_and_limits(clips):
    assert len(clips) == N
    for c in clips:
        assert isinstance(c, b3.Blind3Clip)
        assert c.landmarks.dtype == np.float32
        assert c.landmarks.ndim == 3 and c.landmarks.shape[1:] == (21, 3)
        assert len(c.landmarks) >= 15
        lm = c.landmarks
        finite = np.isfinite(lm)
        # a frame is either fully tracked or fully dropped
        assert np.all(finite.all(axis=(1, 2)) | (~finite).all(axis=(1, 2)))
        vals = lm[finite]
        assert vals.min() >= -0.3 and vals.max() <= 1.3
        tracked = finite.all(axis=(1, 2))
        for _, start, end, _ in c.gestures:  # the gestures themselves are mostly tracked
            assert tracked[start:end].mean() >= 0.5
        json.dumps(c.meta)


def test_deterministic_per_seed():
    a = b3.blind3_dataset(6, 11)
    b = b3.blind3_dataset(6, 11)
    c = b3.blind3_dataset(6, 12)
    for x, y in zip(a, b):
        assert x.kind == y.kind and x.gestures == y.gestures
        assert np.array_equal(x.landmarks, y.landmarks, equal_nan=True)
    assert any(x.gestures != z.gestures or x.landmarks.shape != z.landmarks.shape for x, z in zip(a, c))


def test_kinds_and_shares(clips):
    counts = {k: sum(c.kind == k for c in clips) for k in b3.KINDS}
    assert counts == {"tight": 12, "margin": 10, "pair": 10, "recording": 8}
    single = [c.gestures[0][0] for c in clips if c.kind in ("tight", "margin")]
    per = [single.count(g) for g in b3.GESTURES]
    assert max(per) - min(per) <= 1


def test_labels_valid_ordered_and_inside(clips):
    pairs_ok = {("point", "grab"), ("point", "come_here")} | {(a, s) for a in ("point", "grab") for s in b3.SWIPES}
    for c in clips:
        T = len(c.landmarks)
        prev_end = 0
        for label, start, end, direction in c.gestures:
            assert label in b3.GESTURES
            assert prev_end <= start < end <= T
            assert 12 <= end - start <= 3.2 * b3.FPS
            assert (direction is None) == (label != "point")
            if direction is not None:
                assert 0.0 <= direction < 360.0
            prev_end = end
        labels = tuple(g[0] for g in c.gestures)
        if c.kind == "tight":
            assert len(labels) == 1 and c.gestures[0][1] == 0 and c.gestures[0][2] == T
        elif c.kind == "margin":
            assert len(labels) == 1 and c.gestures[0][1] > 0 and c.gestures[0][2] < T
        elif c.kind == "pair":
            assert labels in pairs_ok
        else:
            assert 3 <= len(labels) <= 5
            assert all(a != b for a, b in zip(labels, labels[1:]))


def test_dropped_frames_present(clips):
    nan_frames = sum(int((~np.isfinite(c.landmarks).all(axis=(1, 2))).sum()) for c in clips)
    assert nan_frames > 0


def test_point_direction_matches_index_finger_clean():
    for seed in range(6):
        c = b3.make_clip("tight", ["point"], seed, tracker=False)
        label, start, end, direction = c.gestures[0]
        seg = c.landmarks[start + (end - start) // 2 : end]
        v = np.median(seg[:, 8, :2] - seg[:, 5, :2], axis=0)
        assert _diff(_angle(v), direction) < 5.0


def test_point_direction_under_tracker_noise(clips):
    errs = []
    for c in clips:
        for label, start, end, direction in c.gestures:
            if label != "point":
                continue
            seg = c.landmarks[start + (end - start) // 2 : end]
            seg = seg[np.isfinite(seg).all(axis=(1, 2))]
            if len(seg) < 3:
                continue
            errs.append(_diff(_angle(np.median(seg[:, 8, :2] - seg[:, 5, :2], axis=0)), direction))
    assert errs and np.median(errs) < 10.0


def test_open_hand_and_fist_differ():
    for seed in range(4):
        c = b3.make_clip("tight", ["grab"], seed, tracker=False)
        e = _extension(c.landmarks, c.meta["aspect"])
        k = max(2, len(e) // 6)
        assert e[:k].mean() > 1.4 * e[-k:].mean()
        s = b3.make_clip("tight", ["stop"], seed, tracker=False)
        assert np.median(_extension(s.landmarks, s.meta["aspect"])) > 1.6


def test_score_oracle_and_empty(clips):
    def oracle(lm):
        for c in clips:
            if c.landmarks is lm:
                return [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in c.gestures]
        raise AssertionError("unknown clip")

    res = b3.score(oracle, clips)
    assert set(res) == {"n", "accuracy", "by_kind", "by_gesture", "pointing_error_deg", "confusion"}
    assert res["n"] == N and res["accuracy"] == 1.0
    assert all(v == 1.0 for v in res["by_kind"].values())
    assert set(res["by_gesture"]) == set(b3.GESTURES)
    pe = res["pointing_error_deg"]
    assert pe["n"] > 0 and pe["median"] == 0.0 and pe["mean"] == 0.0
    assert sum(res["confusion"].values()) == N

    empty = b3.score(lambda lm: [], clips)
    assert empty["accuracy"] == 0.0
    assert all(v == 0.0 for v in empty["by_kind"].values())
    assert empty["pointing_error_deg"] == {"median": None, "mean": None, "n": 0}
    assert all(k.endswith("-> none") for k in empty["confusion"])


def test_cli_writes_clips(tmp_path, capsys):
    assert b3.main(["--n", "3", "--seed", "2", "--out", str(tmp_path)]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 3
    labels = json.loads((tmp_path / "labels.json").read_text())
    assert len(labels["clips"]) == 3
    for rec in labels["clips"]:
        arr = np.load(tmp_path / rec["file"])
        assert arr.shape[1:] == (21, 3) and arr.dtype == np.float32
