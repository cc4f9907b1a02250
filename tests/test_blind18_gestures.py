"""Tests for the independent synthetic gesture generator tests/blind18_gestures.py."""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).resolve().parent / "blind18_gestures.py"
_N = 40  # two blocks of 20


def _load():
    name = "blind18_gestures_under_test"
    spec = importlib.util.spec_from_file_location(name, _PATH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


g = _load()

SWIPES = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}
PAIRS = {("point", s) for s in SWIPES} | {("grab", s) for s in SWIPES} | {("point", "grab"), ("point", "come_here")}


@pytest.fixture(scope="module")
def tracked():
    return g.blind18_dataset(_N, seed=0)


@pytest.fixture(scope="module")
def clean():
    return g.blind18_clean_dataset(_N, seed=0)


def _pix(lm, size):
    return lm.astype(float) * np.array([size[0], size[1], size[0]], dtype=float)


def _openness(pix):
    palm = np.linalg.norm(pix[:, 9] - pix[:, 0], axis=-1)
    tips = np.linalg.norm(pix[:, [8, 12]] - pix[:, None, 0], axis=-1).mean(axis=1)
    return tips / palm


def _runs(mask):
    m = np.r_[False, mask, False].astype(np.int8)
    d = np.diff(m)
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def _frame_kinds(lm):
    """Per frame: 'nan', 'zero', 'hold' (repeat of the previous frame) or 'ok'."""
    out = []
    for t in range(len(lm)):
        f = lm[t]
        if np.isnan(f).all():
            out.append("nan")
        elif not np.any(f):
            out.append("zero")
        elif t > 0 and np.array_equal(f, lm[t - 1]):
            out.append("hold")
        else:
            out.append("ok")
    return np.array(out)


# ----------------------------------------------------------------------------- API and constants


def test_constants_and_docstring():
    assert g.LABELS == ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
    assert g.KINDS == ("tight", "margin", "pair", "recording")
    assert g.FPS == 30.0 and g.MIN_GESTURE_S == 0.5 and g.MAX_GESTURE_S == 3.0
    doc = g.__doc__
    lines = doc.splitlines()
    assert lines[0].strip() and not lines[1].strip(), "one-line summary then a blank line"
    flat = " ".join(doc.split())
    assert "This generator was written without reading any other gesture generator or the code it is used to evaluate." in flat
    for word in ("tremor", "distortion", "smoother", "collapse", "armrest"):
        assert word in flat
    assert {f for f in g.Blind18Clip.__dataclass_fields__} == {"landmarks", "gestures", "kind", "meta"}
    assert callable(g.score)  # the project scorer, blind 8's, copied in after the module was written


def test_numpy_only_and_american_identifiers():
    tree = ast.parse(_PATH.read_text())
    imported = set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
        elif isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    assert imported <= {"__future__", "argparse", "json", "math", "sys", "dataclasses", "functools", "pathlib", "numpy"}
    british = re.compile(r"(normalis|colour|behaviour|centre|modelled|analys[e]|optimis)", re.I)
    assert not [n for n in names if british.search(n)]


# ----------------------------------------------------------------------------- format


@pytest.mark.parametrize("which", ["tracked", "clean"])
def test_shape_dtype_range(which, request):
    clips = request.getfixturevalue(which)
    assert len(clips) == _N
    for c in clips:
        lm = c.landmarks
        assert isinstance(lm, np.ndarray) and lm.dtype == np.float32 and lm.ndim == 3 and lm.shape[1:] == (21, 3)
        assert len(lm) >= 15
        xy = lm[..., :2]
        fin = xy[np.isfinite(xy)]
        assert fin.min() >= -0.3 and fin.max() <= 1.3
        good = ~np.isnan(lm).any(axis=(1, 2))
        assert np.allclose(lm[good, 0, 2], 0.0, atol=1e-6), "z is relative to the wrist"
        w, h = c.meta["image_size"]
        assert isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0
        assert len(c.meta["direction_deg_pixels"]) == len(c.gestures)
        assert c.kind in g.KINDS
        if which == "clean":
            assert np.isfinite(lm).all()
            assert np.any(lm != 0.0, axis=(1, 2)).all()
            # the hand mostly inside the image, and of a plausible size
            palm = np.median(np.linalg.norm(_pix(lm, (w, h))[:, 9] - _pix(lm, (w, h))[:, 0], axis=-1))
            assert 0.01 * w < palm < 0.25 * w


def test_z_scale_similar_to_x(clean):
    ratios = []
    for c in clean:
        lm = c.landmarks.astype(float)
        ratios.append(np.median(np.abs(lm[:, 12, 2])) / np.median(np.linalg.norm(lm[:, 12, :2] - lm[:, 0, :2], axis=1)))
    assert 0.02 < np.median(ratios) < 3.0


def test_deterministic_and_per_index():
    g._make.cache_clear()
    a = g.blind18_dataset(6, seed=3)
    g._make.cache_clear()
    b = g.blind18_dataset(6, seed=3)
    g._make.cache_clear()
    c = g.blind18_dataset(3, seed=3)
    for x, y in zip(a, b):
        assert x.landmarks.tobytes() == y.landmarks.tobytes()
        assert x.gestures == y.gestures and x.kind == y.kind
    for x, y in zip(a[:3], c):
        assert x.landmarks.tobytes() == y.landmarks.tobytes() and x.gestures == y.gestures
    g._make.cache_clear()
    d = g.blind18_dataset(3, seed=4)
    assert any(x.landmarks.shape != y.landmarks.shape or not np.array_equal(x.landmarks, y.landmarks, equal_nan=True) for x, y in zip(c, d))


def test_returned_arrays_are_independent_copies():
    a = g.blind18_dataset(1, seed=5)[0]
    a.landmarks[:] = 7.0
    b = g.blind18_dataset(1, seed=5)[0]
    assert not np.all(b.landmarks == 7.0)


# ----------------------------------------------------------------------------- kinds and labels


def test_kinds_balanced_per_block(tracked):
    for start in range(0, _N, 20):
        kinds = [c.kind for c in tracked[start : start + 20]]
        assert {k: kinds.count(k) for k in g.KINDS} == {"tight": 6, "margin": 5, "pair": 5, "recording": 4}
    assert [c.kind for c in tracked[:20]] != sorted(c.kind for c in tracked[:20]), "shuffled within the block"


def test_gesture_counts_per_kind(tracked):
    for c in tracked:
        labels = tuple(x[0] for x in c.gestures)
        assert all(lab in g.LABELS for lab in labels)
        if c.kind in ("tight", "margin"):
            assert len(labels) == 1
        elif c.kind == "pair":
            assert labels in PAIRS
        else:
            assert 3 <= len(labels) <= 5
            assert len(c.landmarks) <= 20.5 * g.FPS
    all_labels = {x[0] for c in tracked for x in c.gestures}
    assert all_labels == set(g.LABELS)


def test_durations_in_range(tracked):
    for c in tracked:
        for _, s, e, _ in c.gestures:
            assert g.MIN_GESTURE_S * g.FPS <= e - s <= g.MAX_GESTURE_S * g.FPS


def test_intervals_ordered_and_inside(tracked):
    for c in tracked:
        t_len = len(c.landmarks)
        prev = 0
        for lab, s, e, d in c.gestures:
            assert isinstance(s, int) and isinstance(e, int)
            assert prev <= s < e <= t_len
            prev = e
            assert (d is None) == (lab != "point")
            if d is not None:
                assert 0.0 <= d < 360.0
        if c.kind == "tight":
            assert c.gestures[0][1] <= 2 and t_len - c.gestures[0][2] <= 2
        if c.kind in ("margin", "pair", "recording"):
            assert c.gestures[0][1] >= 10 and t_len - c.gestures[-1][2] >= 10
        if c.kind in ("pair", "recording"):
            assert all(b[1] - a[2] >= 10 for a, b in zip(c.gestures, c.gestures[1:])), "idle between gestures"


# ----------------------------------------------------------------------------- tracker errors


def test_lost_frames_all_kinds_bursts_and_singles(tracked):
    counts = {"nan": 0, "zero": 0, "hold": 0}
    lengths = []
    for c in tracked:
        fk = _frame_kinds(c.landmarks)
        for k in counts:
            counts[k] += int(np.sum(fk == k))
        lengths += [b - a for a, b in _runs(fk != "ok")]
    assert all(v > 0 for v in counts.values()), counts
    assert 1 in lengths and max(lengths) >= 3


def test_clean_has_no_lost_frames_and_tracked_differs(tracked, clean):
    differs = 0
    for t, c in zip(tracked, clean):
        assert (_frame_kinds(c.landmarks) != "nan").all() and (_frame_kinds(c.landmarks) != "zero").all()
        ok = np.isfinite(t.landmarks).all(axis=(1, 2)) & np.any(t.landmarks != 0, axis=(1, 2))
        err = np.abs(t.landmarks[ok, :, :2] - c.landmarks[ok, :, :2])
        differs += bool(err.size and np.median(err) > 1e-4)
    assert differs >= 0.9 * len(tracked)


def test_clean_and_tracked_share_labels(tracked, clean):
    for t, c in zip(tracked, clean):
        assert t.gestures == c.gestures and t.kind == c.kind
        assert t.landmarks.shape == c.landmarks.shape
        assert t.meta["image_size"] == c.meta["image_size"]
        assert t.meta["direction_deg_pixels"] == c.meta["direction_deg_pixels"]


# ----------------------------------------------------------------------------- label semantics on clean clips


def _gestures(clips, pred):
    for c in clips:
        for lab, s, e, d in c.gestures:
            if pred(lab):
                yield c, lab, s, e, d


def test_point_direction_matches_clean_index(clean):
    n = 0
    for c, _, s, e, d in _gestures(clean, lambda lab: lab == "point"):
        w, h = c.meta["image_size"]
        v = c.landmarks[s:e, 8, :2].astype(float) - c.landmarks[s:e, 5, :2].astype(float)
        for (sx, sy), want in (((1.0, 1.0), d), ((w, h), c.meta["direction_deg_pixels"][[x[1] for x in c.gestures].index(s)])):
            u = np.stack([v[:, 0] * sx, -v[:, 1] * sy], axis=1)
            u /= np.linalg.norm(u, axis=1, keepdims=True)
            m = u.mean(axis=0)
            assert np.linalg.norm(m) > 0.8, "the index points one way during the gesture"
            got = math.degrees(math.atan2(m[1], m[0])) % 360.0
            assert abs((got - want + 180.0) % 360.0 - 180.0) < 0.5
        # index extended, middle and ring curled
        pix = _pix(c.landmarks[s:e], (w, h))
        palm = np.median(np.linalg.norm(pix[:, 9] - pix[:, 0], axis=-1))
        reach = [np.median(np.linalg.norm(pix[:, 4 + 4 * f] - pix[:, 0], axis=-1)) / palm for f in (1, 2, 3)]
        assert reach[0] > max(reach[1], reach[2]) + 0.3
        n += 1
    assert n >= 5


def test_point_directions_vary(clean):
    dirs = [d for _, _, _, _, d in _gestures(clean, lambda lab: lab == "point")]
    hist = np.histogram(dirs, bins=4, range=(0.0, 360.0))[0]
    assert (hist > 0).sum() >= 3


def test_swipes_move_in_labeled_direction(clean):
    n = 0
    for c, lab, s, e, _ in _gestures(clean, lambda lab: lab in SWIPES):
        pix = _pix(c.landmarks[s:e], c.meta["image_size"])
        cen = pix[:, :, :2].mean(axis=1)
        disp = cen[-3:].mean(axis=0) - cen[:3].mean(axis=0)
        dx, dy = SWIPES[lab]
        along, perp = disp[0] * dx + disp[1] * dy, abs(disp[0] * dy - disp[1] * dx)
        palm = np.median(np.linalg.norm(pix[:, 9] - pix[:, 0], axis=-1))
        assert along > perp and along > 0.8 * palm, (lab, disp)
        n += 1
    assert n >= 8


def test_grab_ends_more_closed(clean):
    n = 0
    for c, _, s, e, _ in _gestures(clean, lambda lab: lab == "grab"):
        op = _openness(_pix(c.landmarks[s:e], c.meta["image_size"]))
        assert op[-3:].mean() < 0.85 * op[:3].mean()
        n += 1
    assert n >= 3


def test_stop_is_open_and_still(clean):
    n = 0
    for c, _, s, e, _ in _gestures(clean, lambda lab: lab == "stop"):
        pix = _pix(c.landmarks[s:e], c.meta["image_size"])
        assert np.median(_openness(pix)) > 1.6
        palm = np.median(np.linalg.norm(pix[:, 9] - pix[:, 0], axis=-1))
        late = pix[len(pix) // 4 :, :, :2].mean(axis=1)
        assert np.ptp(late, axis=0).max() < 2.0 * palm
        n += 1
    assert n >= 2


def test_come_here_moves_fingers_repeatedly(clean):
    n = 0
    for c, _, s, e, _ in _gestures(clean, lambda lab: lab == "come_here"):
        pix = _pix(c.landmarks[s:e], c.meta["image_size"])
        tip = np.linalg.norm(pix[:, 8] - pix[:, 0], axis=-1) / np.linalg.norm(pix[:, 9] - pix[:, 0], axis=-1)
        dt = np.diff(tip)
        dt = dt[np.abs(dt) > 0.01]
        assert np.sum(np.diff(np.sign(dt)) != 0) >= 2, "curl and uncurl more than once"
        n += 1
    assert n >= 3


def test_idle_is_not_gesture_like(clean):
    margin = g.IDLE_MARGIN_FRAMES
    checked = 0
    for c in clean:
        pix = _pix(c.landmarks, c.meta["image_size"])
        idle = np.ones(len(pix), dtype=bool)
        for _, s, e, _ in c.gestures:
            idle[max(0, s - margin) : e + margin] = False
        if idle.sum() < 15:
            continue
        checked += 1
        straight = []
        for f in (1, 2, 3, 4):
            m = 1 + 4 * f
            a = pix[:, m + 1] - pix[:, m]
            b = pix[:, m + 3] - pix[:, m + 2]
            straight.append(np.sum(a * b, -1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1)) > 0.9)
        st = np.stack(straight, axis=1)
        for mask in (st[:, 0] & ~st[:, 1] & ~st[:, 2], st.all(axis=1)):
            assert all(b - a < 15 for a, b in _runs(mask & idle))
        w = c.meta["image_size"][0]
        cen = pix[:, :, :2].mean(axis=1)
        for a, b in _runs(idle):
            if b - a > 20:
                d = cen[a + 20 : b] - cen[a : b - 20]
                assert not np.any((np.abs(d[:, 0]) > 0.45 * w) & (np.abs(d[:, 0]) > 2 * np.abs(d[:, 1])))
    assert checked >= 10


def test_variation_is_covered(clean):
    metas = [c.meta for c in clean]
    assert {m["person"]["hand"] for m in metas} == {"left", "right"}
    assert {m["person"]["age"] for m in metas} == {"child", "adult", "elderly"}
    assert len({m["image_size"] for m in metas}) >= 3
    rolls = [m["camera"]["roll_deg"] for m in metas]
    assert min(rolls) < -3 and max(rolls) > 3
    palms = [m["camera"]["palm_px_median"] / m["image_size"][0] for m in metas]
    assert max(palms) > 2.5 * min(palms)


# ----------------------------------------------------------------------------- CLI


@pytest.mark.parametrize("clean_flag", [False, True])
def test_cli_writes_files(tmp_path, clean_flag):
    out = tmp_path / "out"
    argv = [str(out), "-n", "3", "-s", "2"] + (["--clean"] if clean_flag else [])
    assert g.main(argv) == 0
    files = sorted(p.name for p in out.glob("clip_*.npy"))
    assert files == ["clip_00000.npy", "clip_00001.npy", "clip_00002.npy"]
    doc = json.loads((out / "labels.json").read_text())
    ref = (g.blind18_clean_dataset if clean_flag else g.blind18_dataset)(3, seed=2)
    assert len(doc["clips"]) == 3
    for rec, c in zip(doc["clips"], ref):
        arr = np.load(out / rec["file"])
        assert np.array_equal(arr, c.landmarks, equal_nan=True)
        assert rec["kind"] == c.kind
        assert [tuple(x) for x in rec["gestures"]] == [tuple(x) for x in c.gestures]
        assert rec["meta"]["image_size"] == list(c.meta["image_size"])


def test_the_project_scorer_reads_these_clips(tracked, scorer_reads):
    scorer_reads(g, tracked)  # score: blind 8's, copied in after the module was written
