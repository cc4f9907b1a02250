"""Tests of the blind generator 17 (tests/blind17_gestures.py), loaded from its path."""

import importlib.util
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).with_name("blind17_gestures.py")
N_CLIPS = 40


def _load():
    name = "blind17_gestures_under_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _PATH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


g17 = _load()


@pytest.fixture(scope="module")
def tracked():
    return g17.blind17_dataset(N_CLIPS, seed=3)


@pytest.fixture(scope="module")
def clean():
    return g17.blind17_clean_dataset(N_CLIPS, seed=3)


def _px(lm, meta):
    w, h = meta["image_size"]
    return lm.astype(np.float64) * np.array([w, h, w])


def _openness(lm, meta):
    """Mean fingertip-to-wrist distance over wrist-to-middle-knuckle distance, in pixel-scaled 3-D."""
    p = _px(lm, meta)
    tips = np.linalg.norm(p[..., [8, 12, 16, 20], :] - p[..., :1, :], axis=-1).mean(-1)
    return tips / np.linalg.norm(p[..., 9, :] - p[..., 0, :], axis=-1)


def _gestures(clips, prefix):
    for c in clips:
        for g in c.gestures:
            if g[0].startswith(prefix):
                yield c, g


def test_constants_and_docstring():
    assert g17.LABELS == ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
    assert g17.KINDS == ("tight", "margin", "pair", "recording")
    assert g17.FPS == 30.0
    assert g17.MIN_GESTURE_S == 0.5 and g17.MAX_GESTURE_S == 3.0
    doc = g17.__doc__
    lines = doc.splitlines()
    assert lines[0].strip() and lines[1].strip() == ""
    flat = " ".join(doc.split())
    assert "This generator was written without reading any other gesture generator or the code it is used to evaluate." in flat
    assert callable(g17.score)  # the project scorer, blind 8's, copied in after the module was written
    src = _PATH.read_text()
    assert re.search(r"^import (torch|cv2|scipy)|^from (torch|cv2|scipy)", src, re.M) is None


def test_shape_dtype_range(tracked, clean):
    for clips, is_clean in ((tracked, False), (clean, True)):
        for c in clips:
            lm = c.landmarks
            assert isinstance(lm, np.ndarray) and lm.dtype == np.float32
            assert lm.ndim == 3 and lm.shape[1:] == (21, 3) and lm.shape[0] >= 15
            xy = lm[..., :2]
            good = xy[np.isfinite(xy)]
            assert good.min() >= -0.3 and good.max() <= 1.3
            assert c.kind in g17.KINDS
            w, h = c.meta["image_size"]
            assert isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0
            assert len(c.meta["direction_deg_pixels"]) == len(c.gestures)
            if is_clean:
                assert np.isfinite(lm).all()
                assert np.abs(lm[:, 0, 2]).max() == 0.0
            else:
                ok = np.isfinite(lm).all(axis=(1, 2)) & (np.abs(lm).sum(axis=(1, 2)) > 0)
                assert np.abs(lm[ok, 0, 2]).max() < 1e-6


def test_hands_vary_in_size_and_most_of_the_hand_is_in_frame(clean):
    sizes = []
    for c in clean:
        p = _px(c.landmarks, c.meta)
        sizes.append(np.median(np.linalg.norm(p[:, 9, :2] - p[:, 0, :2], axis=1)) / c.meta["image_size"][0])
        for _, s, e, _ in c.gestures:
            xy = c.landmarks[s:e, :, :2]
            assert ((xy >= 0) & (xy <= 1)).all(-1).mean() > 0.85
    assert max(sizes) > 2.5 * min(sizes)
    assert {c.meta["hand"] for c in clean} == {"left", "right"}


def test_deterministic_and_index_based():
    a = g17.blind17_dataset(4, seed=11)
    b = g17.blind17_dataset(4, seed=11)
    longer = g17.blind17_dataset(6, seed=11)
    other = g17.blind17_dataset(4, seed=12)
    for x, y, z in zip(a, b, longer):
        assert np.array_equal(x.landmarks, y.landmarks, equal_nan=True)
        assert np.array_equal(x.landmarks, z.landmarks, equal_nan=True)
        assert x.gestures == y.gestures and x.kind == y.kind and x.meta == y.meta
    assert any(
        x.landmarks.shape != o.landmarks.shape or not np.array_equal(x.landmarks, o.landmarks, equal_nan=True) for x, o in zip(a, other)
    )
    ca = g17.blind17_clean_dataset(3, seed=11)
    cb = g17.blind17_clean_dataset(3, seed=11)
    for x, y in zip(ca, cb):
        assert np.array_equal(x.landmarks, y.landmarks)


def test_kinds_balanced_per_block(tracked):
    for b in range(0, N_CLIPS, 20):
        counts = Counter(c.kind for c in tracked[b : b + 20])
        assert counts == {"tight": 6, "margin": 5, "pair": 5, "recording": 4}
    order = [c.kind for c in tracked[:20]]
    assert order != sorted(order, key=g17.KINDS.index)  # shuffled within the block


def test_gesture_counts_per_kind(tracked):
    swipes = {"swipe_left", "swipe_right", "swipe_up", "swipe_down"}
    allowed = {("point", s) for s in swipes} | {("grab", s) for s in swipes} | {("point", "grab"), ("point", "come_here")}
    for c in tracked:
        labels = [g[0] for g in c.gestures]
        assert all(lab in g17.LABELS for lab in labels)
        if c.kind in ("tight", "margin"):
            assert len(labels) == 1
        elif c.kind == "pair":
            assert tuple(labels) in allowed
        else:
            assert 3 <= len(labels) <= 5
            assert c.landmarks.shape[0] <= 21.5 * g17.FPS
    seen = {g[0] for c in tracked for g in c.gestures}
    assert seen == set(g17.LABELS)


def test_durations(tracked):
    for c in tracked:
        for _, s, e, _ in c.gestures:
            assert g17.MIN_GESTURE_S <= (e - s) / g17.FPS <= g17.MAX_GESTURE_S


def test_intervals_in_order_and_inside(tracked):
    for c in tracked:
        t = c.landmarks.shape[0]
        prev_end = 0
        for k, (_, s, e, _) in enumerate(c.gestures):
            assert 0 <= s < e <= t
            assert s >= prev_end and (k == 0 or s > prev_end)
            prev_end = e
        first, last = c.gestures[0][1], c.gestures[-1][2]
        if c.kind == "tight":
            assert first <= 2 and t - last <= 2
        else:
            assert first >= 10 and t - last >= 10
        if c.kind == "pair":
            assert c.gestures[1][1] - c.gestures[0][2] >= 10


def test_lost_frames_of_all_three_kinds(tracked, clean):
    modes = Counter()
    lengths = set()
    for c in tracked:
        lm = c.landmarks
        flat = lm.reshape(len(lm), -1)
        for s, e, mode in c.meta["lost"]:
            modes[mode] += 1
            lengths.add(min(e - s, 2))
            if mode == "nan":
                assert np.isnan(flat[s:e]).all()
            elif mode == "zero":
                assert (flat[s:e] == 0).all()
            else:
                assert s > 0 and np.isfinite(flat[s - 1]).all()
                assert (flat[s:e] == flat[s - 1]).all()
        nan_rows = np.isnan(flat).any(1)
        assert (np.isnan(flat[nan_rows]).all(1)).all()  # a lost frame is all-NaN, never partly
    assert set(modes) == {"nan", "zero", "hold"}
    assert lengths == {1, 2}  # single frames and bursts
    for c in clean:
        flat = c.landmarks.reshape(len(c.landmarks), -1)
        assert np.isfinite(flat).all() and (np.abs(flat).sum(1) > 0).all()
        assert c.meta["lost"] == []


def test_tracker_perturbs_but_follows_the_hand(tracked, clean):
    errs = []
    changed = 0
    for t, c in zip(tracked, clean):
        flat = t.landmarks.reshape(len(t.landmarks), -1)
        ok = np.isfinite(flat).all(1) & (np.abs(flat).sum(1) > 0)
        p_t, p_c = _px(t.landmarks[ok], t.meta), _px(c.landmarks[ok], c.meta)
        size = np.median(np.linalg.norm(p_c[:, 9, :2] - p_c[:, 0, :2], axis=1))
        errs.append(np.median(np.linalg.norm(p_t[:, 0, :2] - p_c[:, 0, :2], axis=1)) / size)
        changed += not np.allclose(t.landmarks[ok], c.landmarks[ok], atol=1e-5)
    assert changed == len(tracked)
    assert np.median(errs) < 0.35


def test_clean_and_tracked_share_labels(tracked, clean):
    for t, c in zip(tracked, clean):
        assert t.kind == c.kind
        assert t.gestures == c.gestures
        assert t.landmarks.shape == c.landmarks.shape
        assert t.meta["image_size"] == c.meta["image_size"]
        assert t.meta["direction_deg_pixels"] == c.meta["direction_deg_pixels"]


def _mean_angle(d):
    u = d / np.linalg.norm(d, axis=1, keepdims=True)
    m = u.mean(0)
    return math.degrees(math.atan2(-m[1], m[0])) % 360.0


def _angle_diff(a, b):
    return abs((a - b + 180.0) % 360.0 - 180.0)


def test_point_direction_matches_clean_index(clean):
    n = 0
    for c, (label, s, e, deg) in _gestures(clean, "point"):
        k = c.gestures.index((label, s, e, deg))
        d = (c.landmarks[s:e, 8, :2] - c.landmarks[s:e, 5, :2]).astype(np.float64)
        assert 0.0 <= deg < 360.0
        assert _angle_diff(deg, _mean_angle(d)) < 1e-3
        w, h = c.meta["image_size"]
        assert _angle_diff(c.meta["direction_deg_pixels"][k], _mean_angle(d * [w, h])) < 1e-3
        # the index is the extended finger: longer than the curled middle finger
        p = _px(c.landmarks[s:e], c.meta)
        idx = np.linalg.norm(p[:, 8] - p[:, 0], axis=1).mean()
        mid = np.linalg.norm(p[:, 12] - p[:, 0], axis=1).mean()
        assert idx > 1.3 * mid
        n += 1
    assert n >= 5
    for c in clean:
        for (label, *_rest, deg), dp in zip(c.gestures, c.meta["direction_deg_pixels"]):
            assert (deg is None) == (label != "point") and (dp is None) == (label != "point")


def test_swipes_move_in_labeled_image_direction(clean):
    dirs = {"swipe_left": (-1, 0), "swipe_right": (1, 0), "swipe_up": (0, -1), "swipe_down": (0, 1)}
    n = 0
    for c, (label, s, e, _) in _gestures(clean, "swipe"):
        p = _px(c.landmarks[s:e], c.meta)
        disp = p[-1, 0, :2] - p[0, 0, :2]
        dx, dy = dirs[label]
        along = disp[0] * dx + disp[1] * dy
        across = abs(disp[0] * dy - disp[1] * dx)
        size = np.median(np.linalg.norm(p[:, 9, :2] - p[:, 0, :2], axis=1))
        assert along > 1.5 * across
        assert along > size
        n += 1
    assert n >= 5


def test_grab_ends_more_closed_than_it_starts(clean):
    n = 0
    for c, (_, s, e, _) in _gestures(clean, "grab"):
        o = _openness(c.landmarks[s:e], c.meta)
        assert o[-1] < 0.8 * o[0]
        assert o[0] > 1.6
        n += 1
    assert n >= 3


def test_stop_is_open_and_still(clean):
    n = 0
    for c, (_, s, e, _) in _gestures(clean, "stop"):
        o = _openness(c.landmarks[s:e], c.meta)
        assert o.min() > 1.6
        p = _px(c.landmarks[s:e], c.meta)
        size = np.median(np.linalg.norm(p[:, 9, :2] - p[:, 0, :2], axis=1))
        late = p[len(p) // 2 :, 0, :2]
        assert np.ptp(late, axis=0).max() < 0.8 * size
        n += 1
    assert n >= 2


def test_come_here_fingers_curl_repeatedly(clean):
    n = 0
    for c, (_, s, e, _) in _gestures(clean, "come_here"):
        o = _openness(c.landmarks[s:e], c.meta)
        mid = (o.max() + o.min()) / 2
        crossings = np.count_nonzero(np.diff(np.sign(o - mid)) != 0)
        assert o.max() - o.min() > 0.15
        assert crossings >= 3
        n += 1
    assert n >= 2


def test_cli_writes_clips_and_labels(tmp_path):
    out = tmp_path / "tracked"
    assert g17.main([str(out), "-n", "3", "-s", "5"]) == 0
    files = sorted(out.glob("clip_*.npy"))
    assert [f.name for f in files] == ["clip_00000.npy", "clip_00001.npy", "clip_00002.npy"]
    doc = json.loads((out / "labels.json").read_text())
    ref = g17.blind17_dataset(3, seed=5)
    assert len(doc["clips"]) == 3
    for f, entry, c in zip(files, doc["clips"], ref):
        arr = np.load(f)
        assert arr.dtype == np.float32
        assert np.array_equal(arr, c.landmarks, equal_nan=True)
        assert entry["file"] == f.name and entry["kind"] == c.kind
        assert [tuple(g) for g in entry["gestures"]] == [tuple(g) for g in c.gestures]
        assert tuple(entry["meta"]["image_size"]) == c.meta["image_size"]
    out_clean = tmp_path / "clean"
    assert g17.main([str(out_clean), "-n", "2", "-s", "5", "--clean"]) == 0
    ref_clean = g17.blind17_clean_dataset(2, seed=5)
    for i, c in enumerate(ref_clean):
        assert np.array_equal(np.load(out_clean / f"clip_{i:05d}.npy"), c.landmarks)
    assert json.loads((out_clean / "labels.json").read_text())["clean"] is True


def test_the_project_scorer_reads_these_clips(tracked, scorer_reads):
    scorer_reads(g17, tracked)  # score: blind 8's, copied in after the module was written
