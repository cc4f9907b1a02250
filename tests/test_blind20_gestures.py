"""Tests for the blind generator 20 (tests/blind20_gestures.py), loaded from its path."""

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).with_name("blind20_gestures.py")
_N = 40
_SEED = 7
_SWIPE_DIR = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}
_ALLOWED_PAIRS = {("point", s) for s in _SWIPE_DIR} | {("grab", s) for s in _SWIPE_DIR} | {("point", "grab"), ("point", "come_here")}


def _load():
    spec = importlib.util.spec_from_file_location("blind20_gestures_under_test", _PATH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def gen():
    return _load()


@pytest.fixture(scope="module")
def tracked(gen):
    return gen.blind20_dataset(_N, seed=_SEED)


@pytest.fixture(scope="module")
def clean(gen):
    return gen.blind20_clean_dataset(_N, seed=_SEED)


# ---------------------------------------------------------------------------------------------
# independent measurements on landmarks


def _px(lm, meta):
    W, H = meta["image_size"]
    return lm.astype(np.float64) * np.array([W, H, W], float)


def _bend(P):
    """Sum of the joint angles along each finger (wrist-MCP-PIP-DIP-tip), index..pinky: (T, 4)."""
    out = []
    for f in range(4):
        chain = P[:, [0, 5 + 4 * f, 6 + 4 * f, 7 + 4 * f, 8 + 4 * f]]
        seg = np.diff(chain, axis=1)
        seg = seg / np.linalg.norm(seg, axis=-1, keepdims=True)
        cos = np.clip((seg[:, 1:] * seg[:, :-1]).sum(-1), -1, 1)
        out.append(np.arccos(cos).sum(1))
    return np.stack(out, 1)


def _palm_normal_z(P, meta):
    """z of the unit palm normal (negative = palm toward the camera), corrected for handedness and mirroring."""
    n = np.cross(P[:, 5] - P[:, 0], P[:, 17] - P[:, 0])
    nz = n[:, 2] / np.linalg.norm(n, axis=1)
    sign = (1.0 if meta["handedness"] == "right" else -1.0) * (-1.0 if meta["mirrored"] else 1.0)
    return nz * sign


def _mean_dir_deg(d):
    u = d / np.linalg.norm(d, axis=1, keepdims=True)
    m = u.mean(0)
    return math.degrees(math.atan2(-m[1], m[0])) % 360.0


def _angle_diff(a, b):
    return abs((a - b + 180.0) % 360.0 - 180.0)


def _lost_kinds(lm):
    nan = np.isnan(lm).all(axis=(1, 2))
    zero = (lm == 0).all(axis=(1, 2))
    rep = np.zeros(len(lm), bool)
    for t in range(1, len(lm)):
        rep[t] = not nan[t] and not zero[t] and np.array_equal(lm[t], lm[t - 1])
    return nan, zero, rep


def _run_lengths(mask):
    m = np.concatenate([[0], mask.astype(np.int8), [0]])
    d = np.diff(m)
    return np.flatnonzero(d == -1) - np.flatnonzero(d == 1)


def _gesture_mask(clip):
    g = np.zeros(len(clip.landmarks), bool)
    for _, s, e, _ in clip.gestures:
        g[s:e] = True
    return g


# ---------------------------------------------------------------------------------------------


def test_constants_and_docstring(gen):
    assert gen.LABELS == ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
    assert gen.KINDS == ("tight", "margin", "pair", "recording")
    assert gen.FPS == 30.0 and gen.MIN_GESTURE_S == 0.5 and gen.MAX_GESTURE_S == 3.0
    doc = gen.__doc__
    lines = doc.split("\n")
    assert lines[0].strip() and not lines[1].strip(), "docstring must start with a one-line summary and a blank line"
    sentence = "This generator was written without reading any other gesture generator or the code it is used to evaluate."
    assert sentence in " ".join(doc.split())
    for name in ("Blind20Clip", "blind20_dataset", "blind20_clean_dataset", "main"):
        assert callable(getattr(gen, name))


def test_shape_dtype_range_and_meta(tracked, clean):
    for ds in (tracked, clean):
        assert len(ds) == _N
        for c in ds:
            lm = c.landmarks
            assert isinstance(lm, np.ndarray) and lm.dtype == np.float32
            assert lm.ndim == 3 and lm.shape[1:] == (21, 3) and len(lm) >= 15
            xy = lm[..., :2][np.isfinite(lm[..., :2])]
            assert xy.min() >= -0.3 and xy.max() <= 1.3
            partial = np.isnan(lm).any(axis=(1, 2)) & ~np.isnan(lm).all(axis=(1, 2))
            assert not partial.any(), "a lost frame must be all-NaN"
            W, H = c.meta["image_size"]
            assert isinstance(W, int) and isinstance(H, int) and W > 0 and H > 0
            assert len(c.meta["direction_deg_pixels"]) == len(c.gestures)
            assert c.kind in ("tight", "margin", "pair", "recording")
    for c in clean:
        assert np.isfinite(c.landmarks).all()
        assert np.abs(c.landmarks[:, 0, 2]).max() < 1e-6, "wrist z is the depth origin"
        # the hand mostly lies within the image (it may leave the frame in idle moments)
        inside = ((c.landmarks[..., :2] >= 0) & (c.landmarks[..., :2] <= 1)).all(-1).mean()
        assert inside > 0.3


def test_deterministic_and_index_independent(gen):
    a = gen.blind20_dataset(4, seed=11)
    b = gen.blind20_dataset(4, seed=11)
    for x, y in zip(a, b):
        assert np.array_equal(x.landmarks, y.landmarks, equal_nan=True)
        assert x.gestures == y.gestures and x.kind == y.kind
    single = gen.blind20_dataset(2, seed=11)[1]
    assert np.array_equal(single.landmarks, a[1].landmarks, equal_nan=True)
    other = gen.blind20_dataset(2, seed=12)
    assert not all(np.array_equal(p.landmarks, q.landmarks, equal_nan=True) for p, q in zip(other, a))


def test_kinds_balanced_per_block(tracked):
    for b in range(0, _N, 20):
        kinds = [c.kind for c in tracked[b : b + 20]]
        assert {k: kinds.count(k) for k in set(kinds)} == {"tight": 6, "margin": 5, "pair": 5, "recording": 4}


def test_gesture_counts_per_kind(tracked):
    labels = set()
    for c in tracked:
        n = len(c.gestures)
        labels |= {g[0] for g in c.gestures}
        T = len(c.landmarks)
        if c.kind == "tight":
            assert n == 1
            assert c.gestures[0][1] <= 2 and T - c.gestures[0][2] <= 2
        elif c.kind == "margin":
            assert n == 1
            assert c.gestures[0][1] >= 9 and T - c.gestures[0][2] >= 9
        elif c.kind == "pair":
            assert n == 2
            assert (c.gestures[0][0], c.gestures[1][0]) in _ALLOWED_PAIRS
        else:
            assert 3 <= n <= 5
            assert T <= 21 * 30
    assert labels == set(_SWIPE_DIR) | {"point", "grab", "come_here", "stop"}


def test_durations_and_intervals(tracked):
    for c in tracked:
        T = len(c.landmarks)
        prev_end = 0
        for k, (lab, s, e, d) in enumerate(c.gestures):
            assert isinstance(s, int) and isinstance(e, int)
            assert 0.5 <= (e - s) / 30.0 <= 3.0
            assert 0 <= s < e <= T
            assert s >= prev_end
            if k > 0:
                assert s - prev_end >= 10, "idle frames between gestures"
            prev_end = e
            assert (d is None) == (lab != "point")


def test_lost_frames_of_all_kinds_in_bursts_and_singles(tracked):
    singles, bursts = set(), set()
    for c in tracked:
        for name, mask in zip(("nan", "zero", "repeat"), _lost_kinds(c.landmarks)):
            runs = _run_lengths(mask)
            if (runs == 1).any():
                singles.add(name)
            if (runs >= 3).any():
                bursts.add(name)
    assert singles == {"nan", "zero", "repeat"}
    assert bursts == {"nan", "zero", "repeat"}


def test_gestures_mostly_tracked(tracked):
    total = lost = 0
    for c in tracked:
        g = _gesture_mask(c)
        nan, zero, rep = _lost_kinds(c.landmarks)
        lost += (nan | zero | rep)[g].sum()
        total += g.sum()
    assert lost / total < 0.3


def test_tracker_error_is_moderate(tracked, clean):
    medians = []
    for t, c in zip(tracked, clean):
        if t.meta["tracker"]["other_hand_frames"]:
            continue  # frames where the tracker followed the other hand are not comparable
        nan, zero, rep = _lost_kinds(t.landmarks)
        ok = ~(nan | zero | rep)
        P, Q = _px(c.landmarks, c.meta), _px(t.landmarks, c.meta)
        palm = np.linalg.norm(P[:, 9] - P[:, 0], axis=1)
        err = np.linalg.norm(Q[ok][..., :2] - P[ok][..., :2], axis=-1) / palm[ok][:, None]
        medians.append(np.median(err))
    assert len(medians) >= 10
    assert 0.01 < np.median(medians) < 0.3
    assert max(medians) < 1.0


def test_clean_and_tracked_share_labels(tracked, clean):
    for t, c in zip(tracked, clean):
        assert t.gestures == c.gestures and t.kind == c.kind
        assert t.landmarks.shape == c.landmarks.shape
        assert t.meta["image_size"] == c.meta["image_size"]
        assert t.meta["direction_deg_pixels"] == c.meta["direction_deg_pixels"]
        nan, zero, rep = _lost_kinds(c.landmarks)
        assert not (nan | zero | rep).any()
        assert not np.array_equal(t.landmarks, c.landmarks, equal_nan=True)


def test_point_direction_matches_clean_index(clean):
    seen = 0
    for c in clean:
        W, H = c.meta["image_size"]
        for k, (lab, s, e, d) in enumerate(c.gestures):
            if lab != "point":
                assert c.meta["direction_deg_pixels"][k] is None
                continue
            seen += 1
            v = c.landmarks[s:e, 8, :2].astype(np.float64) - c.landmarks[s:e, 5, :2].astype(np.float64)
            assert 0.0 <= d < 360.0
            assert _angle_diff(d, _mean_dir_deg(v)) < 0.05
            assert _angle_diff(c.meta["direction_deg_pixels"][k], _mean_dir_deg(v * np.array([W, H]))) < 0.05
            # pointing shape: index straight, the other fingers curled
            bend = _bend(_px(c.landmarks[s:e], c.meta))
            assert bend[:, 0].mean() < 1.0 and bend[:, 1:].mean() > 1.7
    assert seen >= 5


def test_point_directions_cover_the_circle(gen):
    dirs = [g[3] for c in gen.blind20_clean_dataset(60, seed=3) for g in c.gestures if g[0] == "point"]
    hist = np.histogram(dirs, bins=4, range=(0, 360))[0]
    assert (hist > 0).sum() >= 3


def test_swipes_move_in_their_image_direction(clean):
    seen = 0
    for c in clean:
        W, H = c.meta["image_size"]
        for lab, s, e, _ in c.gestures:
            if lab not in _SWIPE_DIR:
                continue
            seen += 1
            want = np.array(_SWIPE_DIR[lab])
            ctr = c.landmarks[s:e][:, [0, 5, 9, 13, 17], :2].astype(np.float64).mean(1)
            for scale in (np.array([1.0, 1.0]), np.array([W, H], float)):
                disp = (ctr[-1] - ctr[0]) * scale
                along = disp @ want
                across = abs(disp[0] * want[1] - disp[1] * want[0])
                assert along > 0 and along > 1.3 * across, (lab, disp)
            P = _px(c.landmarks[s:e], c.meta)
            palm = np.linalg.norm(P[:, 9] - P[:, 0], axis=1).mean()
            assert np.linalg.norm((ctr[-1] - ctr[0]) * np.array([W, H])) > palm
    assert seen >= 10


def test_grab_ends_more_closed_than_it_starts(clean):
    seen = 0
    for c in clean:
        for lab, s, e, _ in c.gestures:
            if lab == "grab":
                seen += 1
                bend = _bend(_px(c.landmarks[s:e], c.meta)).mean(1)
                assert bend[-3:].mean() > bend[:3].mean() + 1.0
                P = _px(c.landmarks[s:e], c.meta)
                palm = np.linalg.norm(P[:, 9] - P[:, 0], axis=1)
                reach = np.linalg.norm(P[:, [8, 12, 16, 20]] - P[:, [0]], axis=2).mean(1) / palm
                assert reach[-1] < reach[0]
    assert seen >= 3


def test_stop_is_an_open_palm_toward_the_camera(clean):
    seen = 0
    for c in clean:
        for lab, s, e, _ in c.gestures:
            if lab == "stop":
                seen += 1
                P = _px(c.landmarks[s:e], c.meta)
                assert _bend(P).mean(1).max() < 1.0
                assert _palm_normal_z(P, c.meta).max() < -0.5
                ctr = P[:, [0, 5, 9, 13, 17], :2].mean(1)
                palm = np.linalg.norm(P[:, 9] - P[:, 0], axis=1).mean()
                # held: the palm center stays within a few palm lengths
                assert np.ptp(ctr, axis=0).max() < 3.0 * palm
    assert seen >= 3


def test_come_here_curls_repeatedly(clean):
    seen = 0
    for c in clean:
        for lab, s, e, _ in c.gestures:
            if lab != "come_here":
                continue
            seen += 1
            bend = _bend(_px(c.landmarks[s:e], c.meta))
            best = 0
            for sig in (bend[:, 0], bend.mean(1)):
                lo, hi = sig.min(), sig.max()
                if hi - lo < 0.6:
                    continue
                a, b = lo + 0.3 * (hi - lo), lo + 0.7 * (hi - lo)
                up, count = sig[0] > b, 0
                for x in sig:
                    if not up and x > b:
                        up, count = True, count + 1
                    elif up and x < a:
                        up = False
                best = max(best, count)
            assert best >= 2
    assert seen >= 3


def test_idle_does_not_look_like_a_gesture(clean):
    for c in clean:
        lm = c.landmarks
        P = _px(lm, c.meta)
        idle = ~_gesture_mask(c)
        palm = np.linalg.norm(P[:, 9] - P[:, 0], axis=1)
        ctr = P[:, [0, 5, 9, 13, 17], :2].mean(1)
        speed = np.r_[0.0, np.linalg.norm(np.diff(ctr, axis=0), axis=1)] * 30.0 / palm
        still = speed < 1.0
        bend = _bend(P)
        open_palm = (bend.mean(1) < 0.9) & (_palm_normal_z(P, c.meta) < -0.6) & still & idle
        index_only = (bend[:, 0] < 0.8) & (bend[:, 1:].mean(1) > 2.0) & still & idle
        for mask in (open_palm, index_only):
            assert _run_lengths(mask).max(initial=0) < 12
        # no fast lateral sweep across most of the image while idle
        xn = lm[:, [0, 5, 9, 13, 17], 0].astype(np.float64).mean(1)
        yn = lm[:, [0, 5, 9, 13, 17], 1].astype(np.float64).mean(1)
        vis = idle & (xn >= 0) & (xn <= 1) & (yn >= 0) & (yn <= 1)
        for t in range(len(lm) - 30):
            if vis[t : t + 31].all():
                assert abs(xn[t + 30] - xn[t]) < 0.5


def test_variation_across_clips(gen):
    ds = gen.blind20_clean_dataset(60, seed=5)
    hands = {c.meta["handedness"] for c in ds}
    mirrored = {c.meta["mirrored"] for c in ds}
    sizes = []
    for c in ds:
        P = _px(c.landmarks, c.meta)
        sizes.append(np.median(np.linalg.norm(P[:, 9] - P[:, 0], axis=1)) / c.meta["image_size"][0])
    assert hands == {"left", "right"} and mirrored == {True, False}
    assert min(sizes) < 0.04 and max(sizes) > 0.12
    assert len({c.meta["image_size"] for c in ds}) >= 4
    rolls = [abs(c.meta["camera"]["roll_deg"]) for c in ds]
    assert max(rolls) > 10
    swipe_frames = [e - s for c in ds for lab, s, e, _ in c.gestures if lab in _SWIPE_DIR]
    assert max(swipe_frames) - min(swipe_frames) >= 10


def test_cli_writes_clips_and_labels(gen, tmp_path):
    out = tmp_path / "tracked"
    assert gen.main([str(out), "-n", "3", "-s", "4"]) == 0
    ref = gen.blind20_dataset(3, seed=4)
    doc = json.loads((out / "labels.json").read_text())
    assert len(doc["clips"]) == 3 and doc["clean"] is False
    for i, (rec, c) in enumerate(zip(doc["clips"], ref)):
        assert rec["file"] == f"clip_{i:05d}.npy"
        arr = np.load(out / rec["file"])
        assert arr.dtype == np.float32 and np.array_equal(arr, c.landmarks, equal_nan=True)
        assert [(g["label"], g["start"], g["end"], g["direction_deg"]) for g in rec["gestures"]] == [tuple(g) for g in c.gestures]
        assert rec["kind"] == c.kind and tuple(rec["meta"]["image_size"]) == c.meta["image_size"]
    out2 = tmp_path / "clean"
    assert gen.main([str(out2), "-n", "2", "-s", "4", "--clean"]) == 0
    clean_ref = gen.blind20_clean_dataset(2, seed=4)
    assert np.array_equal(np.load(out2 / "clip_00001.npy"), clean_ref[1].landmarks)
    assert json.loads((out2 / "labels.json").read_text())["clean"] is True


def test_the_project_scorer_reads_these_clips(gen, tracked, scorer_reads):
    assert callable(gen.score)  # score: blind 8's, copied in after the module was written
    scorer_reads(gen, tracked)
