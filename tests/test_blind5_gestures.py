"""Checks of the blind5 clip generator (tests/blind5_gestures.py): format, labels, determinism and score()."""

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

_spec = importlib.util.spec_from_file_location("blind5_gestures_under_test", Path(__file__).with_name("blind5_gestures.py"))
b5 = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = b5  # dataclasses look their module up while the class is made
_spec.loader.exec_module(b5)

SEED = 5
N = 200


@pytest.fixture(scope="module")
def clips():
    return b5.blind5_dataset(N, SEED)


@pytest.fixture(scope="module")
def clean():
    return b5.blind5_clean_dataset(N, SEED)


def _dropped(lm):
    return np.isnan(lm).all(axis=(1, 2))


def _wrap(d):
    return abs((d + 180.0) % 360.0 - 180.0)


def _circ_mean_deg(a):
    a = np.radians(a)
    return math.degrees(math.atan2(float(np.sin(a).mean()), float(np.cos(a).mean()))) % 360.0


def _px(c):
    w, h = c.meta["camera"]["image_size"]
    return c.landmarks.astype(float) * [w, h, w]


def _curls(p):
    out = []
    for m, t in ((5, 8), (9, 12), (13, 16), (17, 20)):
        a, b = p[:, m] - p[:, 0], p[:, t] - p[:, m]
        cos = (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
        out.append(np.degrees(np.arccos(np.clip(cos, -1, 1))))
    return np.stack(out, 1)


def test_shapes_dtypes_kinds(clips):
    assert len(clips) == N
    for c in clips:
        assert isinstance(c, b5.Blind5Clip)
        assert c.landmarks.dtype == np.float32
        assert c.landmarks.ndim == 3 and c.landmarks.shape[1:] == (21, 3)
        assert len(c.landmarks) >= 12
        assert c.kind in ("tight", "margin", "pair", "recording")
        assert isinstance(c.meta, dict) and c.meta["fps"] == 30
        json.dumps(c.meta)


def test_values_in_range_and_dropped_frames_whole(clips, clean):
    for c in clips:
        lm = c.landmarks
        xy = lm[..., :2][np.isfinite(lm[..., :2])]
        assert xy.min() >= -0.3 and xy.max() <= 1.3
        assert np.array_equal(np.isnan(lm).any(axis=(1, 2)), _dropped(lm)), "a frame is either whole or dropped"
        assert not np.isinf(lm).any()
        ok = ~_dropped(lm)
        assert ok.any()
        assert np.allclose(lm[ok, 0, 2], 0.0, atol=1e-6), "z is relative to the wrist"
    for k in clean:
        assert k.landmarks[..., :2].min() >= -0.3 and k.landmarks[..., :2].max() <= 1.3
        assert np.allclose(k.landmarks[:, 0, 2], 0.0, atol=1e-6)
    inside = np.concatenate([((k.landmarks[..., :2] >= 0) & (k.landmarks[..., :2] <= 1)).all(-1).ravel() for k in clean])
    assert inside.mean() > 0.8, "mostly in [0, 1]"


def test_dropped_and_repeated_frames_occur(clips):
    with_nan = sum(bool(_dropped(c.landmarks).any()) for c in clips)
    assert 0.2 * N <= with_nan < N
    assert np.median([(~_dropped(c.landmarks)).mean() for c in clips]) > 0.8
    reps = sum(int((np.all(c.landmarks[1:] == c.landmarks[:-1], axis=(1, 2)) & ~_dropped(c.landmarks)[1:]).sum()) for c in clips)
    assert reps > 10


def test_deterministic_per_seed():
    a = b5.blind5_dataset(12, 11)
    b = b5.blind5_dataset(12, 11)
    c = b5.blind5_dataset(12, 12)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.landmarks, y.landmarks)
        assert x.gestures == y.gestures and x.kind == y.kind and x.meta == y.meta
    assert any(x.landmarks.shape != y.landmarks.shape or x.gestures != y.gestures for x, y in zip(a, c))
    # a clip does not depend on how many clips are drawn
    np.testing.assert_array_equal(b5.blind5_dataset(3, 11)[2].landmarks, a[2].landmarks)


def test_clean_and_tracked_share_labels(clips, clean):
    for c, k in zip(clips, clean):
        assert c.gestures == k.gestures and c.kind == k.kind
        assert c.landmarks.shape == k.landmarks.shape
        assert not np.isnan(k.landmarks).any()


def test_kind_shares_and_every_label(clips):
    counts = {k: sum(c.kind == k for c in clips) for k, _ in b5.KIND_SHARES}
    for k, share in b5.KIND_SHARES:
        assert abs(counts[k] / N - share) < 0.03, counts
    assert {g[0] for c in clips for g in c.gestures} == set(b5.LABELS)
    single = [c.gestures[0][0] for c in clips if c.kind in ("tight", "margin")]
    assert min(single.count(lab) for lab in b5.LABELS) >= 8


def test_gesture_intervals_ordered_and_inside(clips):
    pairs = set(b5.PAIRS)
    for c in clips:
        t = len(c.landmarks)
        prev_end = -1
        for label, s, e, d in c.gestures:
            assert label in b5.LABELS
            assert isinstance(s, int) and isinstance(e, int)
            assert 0 <= s < e < t and s > prev_end
            prev_end = e
            assert 0.4 <= (e - s + 1) / 30 <= 3.0
            if label == "point":
                assert isinstance(d, float) and 0.0 <= d < 360.0
            else:
                assert d is None
        labels = tuple(g[0] for g in c.gestures)
        if c.kind in ("tight", "margin"):
            assert len(labels) == 1
        elif c.kind == "pair":
            assert labels in pairs
        else:
            assert 3 <= len(labels) <= 5


def test_tight_is_cropped_and_margin_has_idle(clips):
    for c in clips:
        _, s, e, _ = c.gestures[0]
        if c.kind == "tight":
            assert s <= 3 and len(c.landmarks) - 1 - e <= 3
        if c.kind == "margin":
            assert s >= 15 and len(c.landmarks) - 1 - e >= 15


def test_swipes_move_their_way_on_clean_clips(clean):
    n = 0
    for c in clean:
        p = _px(c)
        for label, s, e, _ in c.gestures:
            if label not in b5.SWIPES:
                continue
            d = p[e, 0, :2] - p[s, 0, :2]
            ang = math.degrees(math.atan2(-d[1], d[0]))
            assert _wrap(ang - b5.SWIPE_AXIS[label]) <= 35.0, (label, ang)
            palm = np.median(np.linalg.norm(p[s : e + 1, 9] - p[s : e + 1, 0], axis=-1))
            assert np.linalg.norm(d) >= 1.3 * palm
            n += 1
    assert n >= 40


def test_point_labels_match_the_drawn_index_and_cover_all_quadrants(clips, clean):
    n = 0
    for c in clean:
        for label, s, e, d in c.gestures:
            if label != "point":
                continue
            a = s + (e - s) // 3
            v = c.landmarks[a : e + 1, 8, :2] - c.landmarks[a : e + 1, 5, :2]
            drawn = _circ_mean_deg(np.degrees(np.arctan2(-v[:, 1], v[:, 0])))
            assert _wrap(drawn - d) < 1.0, (drawn, d)
            assert np.median(_curls(_px(c)[a : e + 1])[:, 0]) < 30.0, "the index is out"
            n += 1
    assert n >= 20
    dirs = np.array([g[3] for c in clips for g in c.gestures if g[0] == "point"])
    assert set((dirs // 90).astype(int)) == {0, 1, 2, 3}
    assert (np.histogram(dirs, bins=8, range=(0, 360))[0] > 0).all()


def test_grab_closes_and_come_here_beckons_and_stop_holds(clean):
    seen = {"grab": 0, "come_here": 0, "stop": 0}
    for c in clean:
        p = _px(c)
        for label, s, e, _ in c.gestures:
            if label not in seen:
                continue
            cu = _curls(p[s : e + 1]).mean(1)
            if label == "grab":
                assert cu[:3].mean() < 45 and cu[-3:].mean() > 85
            elif label == "come_here":
                ci = _curls(p[s : e + 1])[:, 0]
                assert max(cu.max() - cu.min(), ci.max() - ci.min()) > 40
            else:
                assert np.median(cu) < 30
                v = p[s : e + 1, 9, :2] - p[s : e + 1, 0, :2]
                assert np.median([_wrap(a - 90) for a in np.degrees(np.arctan2(-v[:, 1], v[:, 0]))]) < 50
            seen[label] += 1
    assert min(seen.values()) >= 10, seen


def test_people_and_cameras_vary(clips):
    assert {c.meta["person"]["hand"] for c in clips} == {"left", "right"}
    assert {c.meta["person"]["style"] for c in clips} == {"lazy", "normal", "brisk"}
    share = np.array([c.meta["camera"]["hand_height_share"] for c in clips])
    assert share.min() < 0.07 and share.max() > 0.35
    sizes = {tuple(c.meta["camera"]["image_size"]) for c in clips}
    assert any(w > h for w, h in sizes) and any(w < h for w, h in sizes) and len(sizes) >= 5
    roll = np.array([c.meta["camera"]["roll_deg"] for c in clips])
    assert np.abs(roll).max() > 15


def _oracle(clips):
    table = {id(c.landmarks): c for c in clips}

    def read(lm):
        return [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in table[id(lm)].gestures]

    return read


def test_score_oracle_and_empty(clips):
    sub = clips[:80]
    r = b5.score(_oracle(sub), sub)
    assert set(r) == {"n", "accuracy", "by_kind", "by_gesture", "pointing_error_deg", "confusion"}
    assert r["n"] == 80 and r["accuracy"] == 1.0
    assert set(r["by_kind"]) == set(b5.KINDS) and all(v == 1.0 for v in r["by_kind"].values())
    assert r["by_gesture"] and all(v == 1.0 for v in r["by_gesture"].values())
    assert r["pointing_error_deg"]["median"] == 0.0 and r["pointing_error_deg"]["mean"] == 0.0 and r["pointing_error_deg"]["n"] > 0
    assert r["confusion"] == {}
    e = b5.score(lambda lm: [], sub)
    assert e["accuracy"] == 0.0
    assert all(v == 0.0 for v in e["by_kind"].values()) and all(v == 0.0 for v in e["by_gesture"].values())
    assert sum(e["confusion"].values()) == 80 and all(k.endswith("-> none") for k in e["confusion"])
    counts = list(e["confusion"].values())
    assert counts == sorted(counts, reverse=True)
    assert e["pointing_error_deg"] == {"median": None, "mean": None, "n": 0}


def test_score_wraps_angles_and_counts_missing_direction():
    clip = b5.Blind5Clip(np.zeros((30, 21, 3), np.float32), [("point", 2, 20, 5.0)], "tight", {"fps": 30})
    r = b5.score(lambda x: [{"label": "point", "start": 2, "end": 20, "direction_deg": 355.0}], [clip])
    assert r["pointing_error_deg"]["median"] == pytest.approx(10.0)
    for bad in (None, float("nan")):
        r = b5.score(lambda x, bad=bad: [{"label": "point", "start": 2, "end": 20, "direction_deg": bad}], [clip])
        assert r["pointing_error_deg"]["median"] == 180.0
    r = b5.score(lambda x: [{"label": "grab", "start": 2, "end": 20, "direction_deg": None}], [clip])
    assert r["accuracy"] == 0.0 and r["confusion"] == {"point -> grab": 1}
    pair = b5.Blind5Clip(np.zeros((60, 21, 3), np.float32), [("point", 2, 20, 5.0), ("swipe_left", 30, 45, None)], "pair", {"fps": 30})
    r = b5.score(lambda x: [{"label": "point", "start": 2, "end": 20, "direction_deg": 0.0}], [pair])
    assert r["confusion"] == {"point+swipe_left -> point": 1} and r["by_gesture"] == {}


def test_cli_writes_clips(tmp_path, capsys):
    assert b5.main(["--n", "4", "--seed", "5", "--out", str(tmp_path)]) == 0
    labels = json.loads((tmp_path / "labels.json").read_text())
    assert len(labels["clips"]) == 4 and labels["fps"] == 30
    for row in labels["clips"]:
        arr = np.load(tmp_path / row["file"])
        assert arr.dtype == np.float32 and arr.shape == (row["frames"], 21, 3)
        assert all(set(g) == {"label", "start", "end", "direction_deg"} for g in row["gestures"])
    assert "4 clips" in capsys.readouterr().out
