"""Tests for blind generator 19 (tests/blind19_gestures.py), loaded from its path."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).resolve().with_name("blind19_gestures.py")


def _load():
    spec = importlib.util.spec_from_file_location("blind19_gestures_under_test", _PATH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


gen = _load()
N = 40
SEED = 0
ALLOWED_PAIRS = {("point", s) for s in ("swipe_left", "swipe_right", "swipe_up", "swipe_down")}
ALLOWED_PAIRS |= {("grab", s) for s in ("swipe_left", "swipe_right", "swipe_up", "swipe_down")}
ALLOWED_PAIRS |= {("point", "grab"), ("point", "come_here")}
SWIPE_DIRS = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}


@pytest.fixture(scope="module")
def tracked():
    return gen.blind19_dataset(N, seed=SEED)


@pytest.fixture(scope="module")
def clean():
    return gen.blind19_clean_dataset(N, seed=SEED)


def _pixels(clip):
    w, h = clip.meta["image_size"]
    return clip.landmarks.astype(float) * np.array([w, h, w], dtype=float)


def _openness(px):
    palm = np.linalg.norm(px[:, 9] - px[:, 0], axis=-1)
    tips = np.linalg.norm(px[:, [8, 12, 16, 20]] - px[:, None, 0], axis=-1).mean(-1)
    return tips / palm


def _mean_direction(v):
    u = v / np.linalg.norm(v, axis=1, keepdims=True)
    m = u.mean(0)
    return math.degrees(math.atan2(-m[1], m[0])) % 360.0


def _angle_diff(a, b):
    return abs((a - b + 180.0) % 360.0 - 180.0)


def _lost_masks(lm):
    nan = np.isnan(lm).all(axis=(1, 2))
    zero = (lm == 0).all(axis=(1, 2))
    rep = np.zeros(len(lm), bool)
    rep[1:] = (lm[1:] == lm[:-1]).all(axis=(1, 2)) & ~nan[1:] & ~zero[1:]
    return nan, zero, rep


def _runs(mask):
    m = np.concatenate([[0], mask.astype(np.int8), [0]])
    d = np.diff(m)
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def test_constants_and_docstring():
    assert gen.LABELS == ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
    assert gen.KINDS == ("tight", "margin", "pair", "recording")
    assert gen.FPS == 30.0
    assert gen.MIN_GESTURE_S == 0.5
    assert gen.MAX_GESTURE_S == 3.0
    doc = gen.__doc__
    lines = doc.split("\n")
    assert lines[0].strip() and lines[1].strip() == ""
    sentence = "This generator was written without reading any other gesture generator or the code it is used to evaluate."
    assert sentence in " ".join(doc.split())
    assert callable(gen.score)  # the project scorer, blind 8's, copied in after the module was written
    assert callable(gen.main)


def test_shape_dtype_and_range(tracked, clean):
    assert len(tracked) == N and len(clean) == N
    for clips in (tracked, clean):
        for c in clips:
            assert isinstance(c, gen.Blind19Clip)
            lm = c.landmarks
            assert isinstance(lm, np.ndarray) and lm.dtype == np.float32
            assert lm.ndim == 3 and lm.shape[1:] == (21, 3) and lm.shape[0] >= 15
            assert not np.isinf(lm).any()
            xy = lm[..., :2][np.isfinite(lm[..., :2])]
            assert xy.min() >= -0.3 and xy.max() <= 1.3
            assert c.kind in gen.KINDS
            w, h = c.meta["image_size"]
            assert type(w) is int and type(h) is int and w > 0 and h > 0
            assert len(c.meta["direction_deg_pixels"]) == len(c.gestures)
    for c in clean:
        lm = c.landmarks
        assert np.isfinite(lm).all()
        assert np.all(lm[:, 0, 2] == 0.0)  # depth is relative to the wrist
        z_span = np.ptp(lm[..., 2], axis=1).max()
        xy_span = np.ptp(lm[..., 0], axis=1).max()
        assert z_span < 3.0 * xy_span + 0.05  # z on roughly the scale of x


def test_deterministic_and_seeded_per_clip():
    a = gen.blind19_dataset(5, seed=7)
    b = gen.blind19_dataset(5, seed=7)
    c = gen.blind19_dataset(3, seed=7)
    for x, y in zip(a, b):
        assert np.array_equal(x.landmarks, y.landmarks, equal_nan=True)
        assert x.gestures == y.gestures and x.kind == y.kind and x.meta == y.meta
    for x, y in zip(a[:3], c):
        assert np.array_equal(x.landmarks, y.landmarks, equal_nan=True)
        assert x.gestures == y.gestures
    ca = gen.blind19_clean_dataset(5, seed=7)
    cb = gen.blind19_clean_dataset(5, seed=7)
    assert all(np.array_equal(x.landmarks, y.landmarks) for x, y in zip(ca, cb))
    d = gen.blind19_dataset(5, seed=8)
    assert any(x.landmarks.shape != y.landmarks.shape or not np.array_equal(x.landmarks, y.landmarks, equal_nan=True) for x, y in zip(a, d))


def test_clip_depends_only_on_seed_and_index(tracked):
    later = gen.blind19_dataset(23, seed=SEED)
    for i in (0, 19, 20, 22):
        assert np.array_equal(later[i].landmarks, tracked[i].landmarks, equal_nan=True)
        assert later[i].gestures == tracked[i].gestures


def test_kinds_balanced_per_block(tracked):
    orders = []
    for b in range(N // 20):
        block = [c.kind for c in tracked[20 * b : 20 * b + 20]]
        assert Counter(block) == Counter({"tight": 6, "margin": 5, "pair": 5, "recording": 4})
        orders.append(block)
    assert any(o != sorted(o, key=gen.KINDS.index) for o in orders)  # shuffled, not grouped


def test_gesture_counts_per_kind(tracked):
    for c in tracked:
        labels = [g[0] for g in c.gestures]
        assert all(lab in gen.LABELS for lab in labels)
        if c.kind in ("tight", "margin"):
            assert len(labels) == 1
        elif c.kind == "pair":
            assert len(labels) == 2 and tuple(labels) in ALLOWED_PAIRS
        else:
            assert 3 <= len(labels) <= 5
            assert len(c.landmarks) <= 21 * gen.FPS
    assert set(g[0] for c in tracked for g in c.gestures) == set(gen.LABELS)


def test_durations_within_bounds(tracked):
    for c in tracked:
        for _, s, e, _ in c.gestures:
            assert gen.MIN_GESTURE_S - 1e-9 <= (e - s) / gen.FPS <= gen.MAX_GESTURE_S + 1e-9


def test_intervals_ordered_and_inside(tracked):
    for c in tracked:
        t = len(c.landmarks)
        prev_end = 0
        for _, s, e, _ in c.gestures:
            assert isinstance(s, int) and isinstance(e, int)
            assert 0 <= s < e <= t
            assert s >= prev_end
            prev_end = e
        starts = [g[1] for g in c.gestures]
        ends = [g[2] for g in c.gestures]
        if c.kind == "tight":
            assert starts[0] <= 2 and t - ends[0] <= 2
        else:
            assert starts[0] >= 12 and t - ends[-1] >= 12  # idle before and after
            assert all(s2 - e1 >= 12 for e1, s2 in zip(ends[:-1], starts[1:]))  # idle between


def test_lost_frames_all_three_kinds(tracked, clean):
    totals = Counter()
    single = burst = 0
    for c in tracked:
        nan, zero, rep = _lost_masks(c.landmarks)
        totals.update(nan=int(nan.sum()), zero=int(zero.sum()), repeat=int(rep.sum()))
        for s, e in _runs(nan | zero | rep):
            single += e - s == 1
            burst += e - s >= 3
        partial_nan = np.isnan(c.landmarks).any(axis=(1, 2)) & ~nan
        assert not partial_nan.any()  # a frame is either tracked or lost as a whole
    assert totals["nan"] > 0 and totals["zero"] > 0 and totals["repeat"] > 0
    assert single > 0 and burst > 0
    for c in clean:
        nan, zero, rep = _lost_masks(c.landmarks)
        assert not nan.any() and not zero.any() and not rep.any()


def test_tracked_differs_from_clean_by_noise(tracked, clean):
    fractions = []
    for ct, cc in zip(tracked, clean):
        good = np.isfinite(ct.landmarks).all(axis=(1, 2)) & ~(ct.landmarks == 0).all(axis=(1, 2))
        fractions.append(good.mean())
        assert good.mean() > 0.1
        err = np.abs(ct.landmarks[good, :, :2] - cc.landmarks[good, :, :2])
        assert 0.0 < np.median(err) < 0.05
    assert np.mean(fractions) > 0.7


def test_clean_and_tracked_share_labels(tracked, clean):
    for ct, cc in zip(tracked, clean):
        assert ct.kind == cc.kind
        assert ct.gestures == cc.gestures
        assert ct.landmarks.shape == cc.landmarks.shape
        assert ct.meta["image_size"] == cc.meta["image_size"]
        assert ct.meta["direction_deg_pixels"] == cc.meta["direction_deg_pixels"]


def test_point_direction_matches_clean_landmarks(clean):
    n_points = 0
    for c in clean:
        w, h = c.meta["image_size"]
        for (lab, s, e, d), dp in zip(c.gestures, c.meta["direction_deg_pixels"]):
            if lab != "point":
                assert d is None and dp is None
                continue
            n_points += 1
            v = c.landmarks[s:e, 8, :2].astype(float) - c.landmarks[s:e, 5, :2].astype(float)
            assert 0.0 <= d < 360.0 and 0.0 <= dp < 360.0
            assert _angle_diff(d, _mean_direction(v)) < 0.5
            assert _angle_diff(dp, _mean_direction(v * np.array([w, h]))) < 0.5
            # the index is the extended finger: its tip is farthest from the wrist
            px = _pixels(c)[s:e]
            tip = np.linalg.norm(px[:, [8, 12, 16, 20]] - px[:, None, 0], axis=-1)
            assert np.mean(tip[:, 0] > tip[:, 1:].max(axis=1)) > 0.8
    assert n_points > 0


def test_swipes_move_in_labeled_direction(clean):
    n_swipes = 0
    for c in clean:
        px = _pixels(c)
        for lab, s, e, _ in c.gestures:
            if not lab.startswith("swipe"):
                continue
            n_swipes += 1
            ctr = px[s:e][:, [0, 5, 9, 13, 17], :2].mean(axis=1)
            disp = ctr[-1] - ctr[0]
            length = np.linalg.norm(disp)
            palm = np.median(np.linalg.norm(px[s:e, 9] - px[s:e, 0], axis=-1))
            assert length > palm
            assert disp @ np.array(SWIPE_DIRS[lab]) > math.cos(math.radians(45)) * length, (lab, disp)
    assert n_swipes > 0


def test_grab_ends_more_closed_than_it_starts(clean):
    n_grabs = 0
    for c in clean:
        px = _pixels(c)
        for lab, s, e, _ in c.gestures:
            if lab == "grab":
                n_grabs += 1
                op = _openness(px[s:e])
                assert op[-3:].mean() < op[:3].mean() - 0.3
    assert n_grabs > 0


def test_stop_is_open_and_held(clean):
    n_stops = 0
    for c in clean:
        px = _pixels(c)
        for lab, s, e, _ in c.gestures:
            if lab != "stop":
                continue
            n_stops += 1
            seg = px[s:e]
            assert _openness(seg).mean() > 1.5
            nrm = np.cross(seg[:, 5] - seg[:, 0], seg[:, 17] - seg[:, 0])
            assert np.mean(np.abs(nrm[:, 2]) / np.linalg.norm(nrm, axis=-1)) > 0.5  # palm faces the camera
            late = seg[len(seg) // 2 :, 0, :2]
            palm = np.median(np.linalg.norm(seg[:, 9] - seg[:, 0], axis=-1))
            assert np.ptp(late, axis=0).max() < 0.8 * palm  # held still
    assert n_stops > 0


def test_variation_is_covered(clean):
    metas = [c.meta for c in clean]
    assert {m["handedness"] for m in metas} == {"left", "right"}
    assert {m["mirrored"] for m in metas} == {False, True}
    assert len({m["image_size"] for m in metas}) >= 3
    palms = [m["palm_length_px"] / min(m["image_size"]) for m in metas]
    assert max(palms) > 2.5 * min(palms)


def test_speed_is_reasonable():
    t0 = time.perf_counter()
    gen.blind19_dataset(20, seed=3)
    assert time.perf_counter() - t0 < 12.0


def test_cli_writes_files_and_labels(tmp_path):
    out = tmp_path / "tracked"
    assert gen.main([str(out), "-n", "3", "-s", "5"]) == 0
    info = json.loads((out / "labels.json").read_text())
    clips = gen.blind19_dataset(3, seed=5)
    assert len(info["clips"]) == 3
    for k, (entry, clip) in enumerate(zip(info["clips"], clips)):
        assert entry["file"] == f"clip_{k:05d}.npy"
        arr = np.load(out / entry["file"])
        assert arr.dtype == np.float32 and np.array_equal(arr, clip.landmarks, equal_nan=True)
        assert entry["kind"] == clip.kind
        assert [tuple(g) for g in entry["gestures"]] == list(clip.gestures)
        assert entry["meta"]["image_size"] == list(clip.meta["image_size"])
    out2 = tmp_path / "clean"
    assert gen.main([str(out2), "-n", "2", "-s", "5", "--clean"]) == 0
    clean = gen.blind19_clean_dataset(2, seed=5)
    assert np.array_equal(np.load(out2 / "clip_00001.npy"), clean[1].landmarks)


def test_cli_runs_as_script(tmp_path):
    out = tmp_path / "script"
    res = subprocess.run([sys.executable, str(_PATH), str(out), "-n", "2", "-s", "1"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert (out / "clip_00000.npy").exists() and (out / "clip_00001.npy").exists()
    assert len(json.loads((out / "labels.json").read_text())["clips"]) == 2


def test_the_project_scorer_reads_these_clips(tracked, scorer_reads):
    assert callable(gen.score)  # score: blind 8's, copied in after the module was written
    scorer_reads(gen, tracked)
