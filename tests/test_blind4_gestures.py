"""Checks of the blind4 clip generator (tests/blind4_gestures.py): format, labels, determinism and score()."""

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

_spec = importlib.util.spec_from_file_location("blind4_gestures_under_test", Path(__file__).with_name("blind4_gestures.py"))
b4 = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = b4  # dataclasses look their module up while the class is made
_spec.loader.exec_module(b4)

SEED = 3
N = 200
PAIRS = {("point", s) for s in b4.SWIPES} | {("grab", s) for s in b4.SWIPES} | {("point", "grab"), ("point", "come_here")}


@pytest.fixture(scope="module")
def clips():
    return b4.blind4_dataset(N, SEED)


@pytest.fixture(scope="module")
def clean():
    return b4.blind4_clean_dataset(N, SEED)


def _dropped(lm):
    return np.isnan(lm).all(axis=(1, 2)) | (lm == 0).all(axis=(1, 2))


def _circ_mean_deg(a):
    a = np.radians(a)
    return math.degrees(math.atan2(float(np.sin(a).mean()), float(np.cos(a).mean()))) % 360.0


def _wrap(d):
    return abs((d + 180.0) % 360.0 - 180.0)


def test_shapes_and_dtypes(clips):
    assert len(clips) == N
    for c in clips:
        assert isinstance(c, b4.Blind4Clip)
        assert c.landmarks.dtype == np.float32
        assert c.landmarks.ndim == 3 and c.landmarks.shape[1:] == (21, 3)
        assert len(c.landmarks) >= 12
        assert c.kind in ("tight", "margin", "pair", "recording")
        assert isinstance(c.meta, dict) and c.meta["fps"] == 30


def test_values_in_range_and_dropped_frames_whole(clips):
    for c in clips:
        lm = c.landmarks
        xy = lm[..., :2][np.isfinite(lm[..., :2])]
        assert xy.min() >= -0.3 and xy.max() <= 1.3
        nan_any = np.isnan(lm).any(axis=(1, 2))
        nan_all = np.isnan(lm).all(axis=(1, 2))
        assert np.array_equal(nan_any, nan_all), "a frame is either whole or dropped"
        ok = ~_dropped(lm)
        assert np.allclose(lm[ok, 0, 2], 0.0, atol=1e-6), "z is relative to the wrist"


def test_nan_frames_in_some_clips(clips):
    with_nan = sum(bool(np.isnan(c.landmarks).all(axis=(1, 2)).any()) for c in clips)
    assert 0.2 * N <= with_nan
    whole = [(~_dropped(c.landmarks)).mean() for c in clips]
    assert np.median(whole) > 0.6


def test_repeated_frames_occur(clips):
    reps = 0
    for c in clips:
        lm = c.landmarks
        same = np.all(lm[1:] == lm[:-1], axis=(1, 2)) & ~_dropped(lm)[1:]
        reps += int(same.sum())
    assert reps > 10


def test_deterministic_per_seed():
    a = b4.blind4_dataset(12, 11)
    b = b4.blind4_dataset(12, 11)
    c = b4.blind4_dataset(12, 12)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.landmarks, y.landmarks)
        assert x.gestures == y.gestures and x.kind == y.kind
    assert any(x.landmarks.shape != y.landmarks.shape or x.gestures != y.gestures for x, y in zip(a, c))


def test_clean_and_tracked_share_labels(clips, clean):
    for c, k in zip(clips, clean):
        assert c.gestures == k.gestures and c.kind == k.kind
        assert c.landmarks.shape == k.landmarks.shape
        assert not np.isnan(k.landmarks).any()


def test_kind_shares(clips):
    counts = {k: sum(c.kind == k for c in clips) for k, _ in b4.KIND_SHARES}
    for k, share in b4.KIND_SHARES:
        assert abs(counts[k] / N - share) < 0.05, counts


def test_every_label_appears(clips):
    seen = {g[0] for c in clips for g in c.gestures}
    assert seen == set(b4.LABELS)
    single = [c.gestures[0][0] for c in clips if c.kind in ("tight", "margin")]
    assert {lab: single.count(lab) for lab in b4.LABELS}.keys() == set(b4.LABELS)
    assert min(single.count(lab) for lab in b4.LABELS) >= 8


def test_gesture_intervals_ordered_and_inside(clips):
    for c in clips:
        t = len(c.landmarks)
        prev_end = -1
        for label, s, e, d in c.gestures:
            assert label in b4.LABELS
            assert 0 <= s < e < t
            assert s > prev_end
            prev_end = e
            assert 0.4 <= (e - s + 1) / 30 <= 3.1
            if label == "point":
                assert isinstance(d, float) and 0.0 <= d < 360.0
            else:
                assert d is None
        labels = tuple(g[0] for g in c.gestures)
        if c.kind in ("tight", "margin"):
            assert len(labels) == 1
        elif c.kind == "pair":
            assert labels in PAIRS
        else:
            assert 3 <= len(labels) <= 5


def test_tight_clips_are_cropped(clips):
    for c in clips:
        if c.kind == "tight":
            _, s, e, _ = c.gestures[0]
            assert s <= 4 and len(c.landmarks) - 1 - e <= 4
        if c.kind == "margin":
            _, s, e, _ = c.gestures[0]
            assert s >= 15 and len(c.landmarks) - 1 - e >= 15


def test_point_labels_match_drawn_index_finger(clean):
    n = 0
    for c in clean:
        for label, s, e, d in c.gestures:
            if label != "point":
                continue
            a = e - (e - s) // 3
            v = c.landmarks[a : e + 1, 8, :2] - c.landmarks[a : e + 1, 5, :2]
            drawn = _circ_mean_deg(np.degrees(np.arctan2(-v[:, 1], v[:, 0])))
            assert _wrap(drawn - d) < 4.0, (drawn, d)
            n += 1
    assert n >= 20


def test_point_directions_cover_the_circle(clips):
    dirs = np.array([g[3] for c in clips for g in c.gestures if g[0] == "point"])
    hist = np.histogram(dirs, bins=8, range=(0, 360))[0]
    assert (hist > 0).sum() >= 7


def test_swipes_move_the_wrist_their_way(clean):
    n = 0
    for c in clean:
        w, h = c.meta["camera"]["image_size"]
        for label, s, e, _ in c.gestures:
            if label not in b4.SWIPES:
                continue
            d = c.landmarks[e, 0, :2] - c.landmarks[s, 0, :2]
            ang = math.degrees(math.atan2(-d[1], d[0]))
            assert _wrap(ang - b4.SWIPE_AXIS[label]) < 35.0, (label, ang)
            palm = np.linalg.norm((c.landmarks[s, 9, :2] - c.landmarks[s, 0, :2]) * [w, h])
            assert np.linalg.norm(d * [w, h]) > palm
            n += 1
    assert n >= 40


def test_grab_closes_the_hand(clean):
    n = 0
    for c in clean:
        w, h = c.meta["camera"]["image_size"]
        for label, s, e, _ in c.gestures:
            if label != "grab":
                continue
            px = c.landmarks[s : e + 1, :, :2] * [w, h]
            tips = np.linalg.norm(px[:, list(b4.TIPS)] - px[:, None, 0], axis=-1).mean(1)
            assert tips[-3:].mean() < 0.8 * tips[:3].mean()
            n += 1
    assert n >= 15


def test_hands_vary(clips):
    hands = {c.meta["person"]["hand"] for c in clips}
    assert hands == {"left", "right"}
    share = np.array([c.meta["camera"]["hand_height_share"] for c in clips])
    assert share.min() < 0.1 and share.max() > 0.3
    sizes = {tuple(c.meta["camera"]["image_size"]) for c in clips}
    assert len(sizes) >= 3


def _oracle(clips):
    table = {id(c.landmarks): c for c in clips}

    def read(lm):
        c = table[id(lm)]
        return [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in c.gestures]

    return read


def test_score_oracle_and_empty(clips):
    sub = clips[:60]
    r = b4.score(_oracle(sub), sub)
    assert r["n"] == 60 and r["accuracy"] == 1.0
    assert all(v == 1.0 for v in r["by_kind"].values())
    assert all(v == 1.0 for v in r["by_gesture"].values())
    assert r["pointing_error_deg"]["median"] == 0.0 and r["pointing_error_deg"]["n"] > 0
    assert r["confusion"] == {}
    e = b4.score(lambda lm: [], sub)
    assert e["accuracy"] == 0.0
    assert all(v == 0.0 for v in e["by_kind"].values())
    assert sum(e["confusion"].values()) == 60
    assert all(k.endswith("-> none") for k in e["confusion"])
    counts = list(e["confusion"].values())
    assert counts == sorted(counts, reverse=True)
    assert e["pointing_error_deg"] == {"median": None, "mean": None, "n": 0}


def test_score_pointing_error_wraps_and_missing_direction():
    lm = np.zeros((30, 21, 3), np.float32)
    clip = b4.Blind4Clip(lm, [("point", 2, 20, 5.0)], "tight")
    r = b4.score(lambda x: [{"label": "point", "start": 2, "end": 20, "direction_deg": 355.0}], [clip])
    assert r["pointing_error_deg"]["median"] == pytest.approx(10.0)
    r = b4.score(lambda x: [{"label": "point", "start": 2, "end": 20, "direction_deg": None}], [clip])
    assert r["pointing_error_deg"]["median"] == 180.0
    r = b4.score(lambda x: [{"label": "grab", "start": 2, "end": 20, "direction_deg": None}], [clip])
    assert r["accuracy"] == 0.0 and r["confusion"] == {"point -> grab": 1}


def test_cli_writes_clips(tmp_path, capsys):
    b4.main(["--n", "4", "--seed", "5", "--out", str(tmp_path)])
    labels = json.loads((tmp_path / "labels.json").read_text())
    assert len(labels["clips"]) == 4
    for row in labels["clips"]:
        arr = np.load(tmp_path / row["file"])
        assert arr.dtype == np.float32 and arr.shape[1:] == (21, 3)
    assert "4 clips" in capsys.readouterr().out
