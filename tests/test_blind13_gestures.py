"""Tests for the blind13 synthetic gesture-clip generator (tests/blind13_gestures.py)."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).with_name("blind13_gestures.py")


def _load():
    name = "blind13_gestures_under_test"
    spec = importlib.util.spec_from_file_location(name, _PATH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look the module up while the class is built
    spec.loader.exec_module(mod)
    return mod


g = _load()

N = 60
SEED = 1
PALM = [0, 5, 9, 13, 17]
SWIPE_VEC = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}


@pytest.fixture(scope="module")
def tracked():
    return g.blind13_dataset(N, seed=SEED)


@pytest.fixture(scope="module")
def clean():
    return g.blind13_clean_dataset(N, seed=SEED)


def _px(clip):
    w, h = clip.meta["image_size"]
    return clip.landmarks.astype(float) * np.array([w, h, w])


def _openness(frame_px):
    """Mean fingertip-to-wrist distance over the wrist-to-middle-MCP length (3D, pixel units)."""
    palm = np.linalg.norm(frame_px[9] - frame_px[0])
    return float(np.mean(np.linalg.norm(frame_px[[8, 12, 16, 20]] - frame_px[0], axis=1)) / palm)


def test_constants_and_docstring():
    assert g.LABELS == ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
    assert g.KINDS == ("tight", "margin", "pair", "recording")
    assert g.FPS == 30.0 and g.MIN_GESTURE_S == 0.5 and g.MAX_GESTURE_S == 3.0
    doc = g.__doc__
    lines = doc.splitlines()
    assert lines[0].strip() and not lines[1].strip() and lines[2].strip()
    assert "written without reading" in doc
    assert callable(g.score)  # the project's scorer, copied in after the module was written
    for name in ("Blind13Clip", "blind13_dataset", "blind13_clean_dataset", "main"):
        assert callable(getattr(g, name))


def test_kinds_per_block(tracked):
    kinds = [c.kind for c in tracked]
    blocks = [kinds[i : i + 20] for i in range(0, N, 20)]
    for blk in blocks:
        assert blk.count("tight") == 6 and blk.count("margin") == 5
        assert blk.count("pair") == 5 and blk.count("recording") == 4
    assert len({tuple(b) for b in blocks}) > 1  # the order depends on the block
    other = [c.kind for c in g.blind13_dataset(20, seed=SEED + 1)]
    assert sorted(other) == sorted(blocks[0]) and other != blocks[0]  # ... and on the seed


@pytest.mark.parametrize("which", ["tracked", "clean"])
def test_clip_format(which, request):
    clips = request.getfixturevalue(which)
    for c in clips:
        lm = c.landmarks
        assert isinstance(c, g.Blind13Clip) and c.kind in g.KINDS
        assert lm.dtype == np.float32 and lm.ndim == 3 and lm.shape[1:] == (21, 3)
        assert 9 <= lm.shape[0] < 20 * g.FPS
        w, h = c.meta["image_size"]
        assert isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0
        nan = np.isnan(lm).all(axis=(1, 2))
        zero = (lm == 0).all(axis=(1, 2))
        good = ~nan & ~zero
        # a frame is either lost as a whole (NaN or zeros) or fully finite
        assert np.isfinite(lm[good]).all()
        assert not np.isnan(lm[~nan]).any()
        if which == "clean":
            assert not zero.any()
        xy = lm[good][..., :2]
        assert xy.min() >= -0.3 and xy.max() <= 1.3
        assert np.abs(lm[good][..., 2]).max() <= 0.3 + 1e-6
        assert np.allclose(lm[good][:, 0, 2], 0.0)  # z is relative to the wrist
        if good.any():  # most of the visible hand is inside the image
            inside = ((xy >= 0) & (xy <= 1)).all(-1).mean()
            assert inside > 0.6


def test_labels_valid_and_ordered(tracked):
    for c in tracked:
        t = c.landmarks.shape[0]
        assert len(c.gestures) >= 1
        assert len(c.meta["direction_deg_pixels"]) == len(c.gestures)
        prev_end = 0
        for (label, s, e, d), dpx in zip(c.gestures, c.meta["direction_deg_pixels"], strict=True):
            assert label in g.LABELS
            assert isinstance(s, int) and isinstance(e, int)
            assert 0 <= s < e <= t
            assert s >= prev_end  # in time order, no overlap
            prev_end = e
            dur = (e - s) / g.FPS
            assert 0.3 <= dur <= g.MAX_GESTURE_S + 0.1
            if not label.startswith("swipe"):
                assert dur >= g.MIN_GESTURE_S
            if label == "point":
                assert 0.0 <= d < 360.0 and 0.0 <= dpx < 360.0
            else:
                assert d is None and dpx is None


def test_kind_structure(tracked):
    pair_ok = {("point", "swipe"), ("grab", "swipe"), ("point", "grab"), ("point", "come_here")}
    for c in tracked:
        t = c.landmarks.shape[0]
        labels = [x[0] for x in c.gestures]
        if c.kind == "tight":
            assert len(c.gestures) == 1
            assert c.gestures[0][1] == 0 and c.gestures[0][2] == t
        elif c.kind == "margin":
            ((_, s, e, _),) = c.gestures
            assert s >= 0.3 * g.FPS - 2 and t - e >= 0.3 * g.FPS - 2
        elif c.kind == "pair":
            assert len(labels) == 2
            key = tuple("swipe" if x.startswith("swipe") else x for x in labels)
            assert key in pair_ok
            gap = c.gestures[1][1] - c.gestures[0][2]
            assert 0 <= gap <= 1.5 * g.FPS
            assert c.gestures[0][1] >= 0.3 * g.FPS - 2 and t - c.gestures[1][2] >= 0.3 * g.FPS - 2
        else:
            assert 3 <= len(labels) <= 5
            assert t / g.FPS >= 8.0


def test_determinism():
    a = g.blind13_dataset(4, seed=7)
    b = g.blind13_dataset(4, seed=7)
    c = g.blind13_dataset(6, seed=7)
    d = g.blind13_dataset(4, seed=8)
    for x, y, z in zip(a, b, c[:4], strict=True):
        np.testing.assert_array_equal(x.landmarks, y.landmarks)
        np.testing.assert_array_equal(x.landmarks, z.landmarks)
        assert x.gestures == y.gestures == z.gestures and x.kind == z.kind
    assert any(x.landmarks.shape != y.landmarks.shape or not np.array_equal(x.landmarks, y.landmarks, equal_nan=True) for x, y in zip(a, d))
    ca = g.blind13_clean_dataset(4, seed=7)
    cb = g.blind13_clean_dataset(4, seed=7)
    for x, y in zip(ca, cb, strict=True):
        np.testing.assert_array_equal(x.landmarks, y.landmarks)


def test_tracked_and_clean_share_labels(tracked, clean):
    assert len(tracked) == len(clean)
    for t, c in zip(tracked, clean, strict=True):
        assert t.gestures == c.gestures and t.kind == c.kind
        assert t.landmarks.shape == c.landmarks.shape
        assert t.meta["image_size"] == c.meta["image_size"]
        assert t.meta["direction_deg_pixels"] == c.meta["direction_deg_pixels"]


def test_tracker_errors_are_present_but_bounded(tracked, clean):
    errs = []
    for t, c in zip(tracked, clean, strict=True):
        st = t.meta["frame_status"]
        m = (st == 0) & np.isfinite(c.landmarks[:, 0, 0])
        if m.sum() < 5:
            continue
        w, h = c.meta["image_size"]
        s = min(w, h)
        a = t.landmarks[m][..., :2] * np.array([w, h]) / s
        b = c.landmarks[m][..., :2] * np.array([w, h]) / s
        size = np.ptp(b, axis=1).max(axis=1)
        errs.append(np.median(np.linalg.norm(a - b, axis=2) / size[:, None], axis=0))
    e = np.median(np.array(errs), axis=0)
    assert 0.005 < e[0] < 0.12  # wrist: jitter and lag, but still on the hand
    assert np.all(e < 0.25)
    assert e[[16, 20]].mean() > e[[8, 12]].mean()  # ring and pinky tips are the noisiest


def test_point_directions_agree_with_clean_index_finger(clean):
    n_points = 0
    for c in clean:
        w, h = c.meta["image_size"]
        for k, (label, s, e, d) in enumerate(c.gestures):
            if label != "point":
                continue
            n_points += 1
            h0, h1 = c.meta["hold_frames"][k]
            assert s <= h0 < h1 <= e
            seg = c.landmarks[h0:h1].astype(float)
            seg = seg[np.isfinite(seg[:, 0, 0])]
            assert len(seg) >= 3
            v = seg[:, 8, :2] - seg[:, 5, :2]
            for scale, ref in (((1.0, 1.0), d), ((w, h), c.meta["direction_deg_pixels"][k])):
                vv = v * np.array([scale[0], -scale[1]])
                u = (vv / np.linalg.norm(vv, axis=1, keepdims=True)).mean(0)
                ang = math.degrees(math.atan2(u[1], u[0])) % 360
                assert abs((ang - ref + 180) % 360 - 180) < 0.5
                # the finger is held steadily in that direction
                assert np.linalg.norm(u) > 0.9
            intent = c.meta["intended_direction_deg_pixels"][k]
            assert abs((c.meta["direction_deg_pixels"][k] - intent + 180) % 360 - 180) < 20
            # the index finger is extended and the others are curled during the hold
            p = seg * np.array([w, h, w])
            idx = np.linalg.norm(p[:, 8] - p[:, 5], axis=1)
            mid = np.linalg.norm(p[:, 12] - p[:, 9], axis=1)
            ring = np.linalg.norm(p[:, 16] - p[:, 13], axis=1)
            assert np.median(idx) > 1.2 * np.median(mid) and np.median(idx) > 1.2 * np.median(ring)
    assert n_points >= 10


def test_swipes_move_their_way_in_the_image(clean):
    n = 0
    for c in clean:
        w, h = c.meta["image_size"]
        for label, s, e, _ in c.gestures:
            if not label.startswith("swipe"):
                continue
            pc = c.landmarks[s:e][:, PALM, :2].astype(float).mean(1) * np.array([w, h])
            pc = pc[np.isfinite(pc[:, 0])]
            assert len(pc) >= 2
            dv = pc[-1] - pc[0]
            vec = np.array(SWIPE_VEC[label])
            along = float(dv @ vec)
            perp = abs(float(dv[0] * vec[1] - dv[1] * vec[0]))
            assert along > 0.04 * min(w, h), (label, along)
            assert along > perp
            n += 1
    assert n >= 15


def test_grabs_close_the_hand(clean):
    n = 0
    for c in clean:
        px = _px(c)
        for label, s, e, _ in c.gestures:
            if label != "grab":
                continue
            first = [_openness(px[i]) for i in range(s, min(s + 3, e)) if np.isfinite(px[i, 0, 0])]
            last = [_openness(px[i]) for i in range(max(s, e - 3), e) if np.isfinite(px[i, 0, 0])]
            assert first and last
            assert np.mean(first) > 1.5 and np.mean(last) < 1.2
            assert np.mean(first) - np.mean(last) > 0.5
            n += 1
    assert n >= 5


def test_come_here_oscillates_and_stop_is_a_still_open_palm(clean):
    n_come = n_stop = 0
    for c in clean:
        px = _px(c)
        w, h = c.meta["image_size"]
        for label, s, e, _ in c.gestures:
            fr = [i for i in range(s, e) if np.isfinite(px[i, 0, 0])]
            if label == "come_here":
                o = np.array([_openness(px[i]) for i in fr])
                o = np.convolve(o, np.ones(3) / 3, mode="valid")
                turns = np.sum(np.diff(np.sign(np.diff(o[::2]))) != 0)
                assert turns >= 2 and np.ptp(o) > 0.15
                n_come += 1
            elif label == "stop":
                tail = fr[len(fr) // 2 :]
                assert np.median([_openness(px[i]) for i in tail]) > 1.5
                pc = px[tail][:, PALM, :2].mean(1)
                steps = np.linalg.norm(np.diff(pc, axis=0), axis=1) / min(w, h)
                assert np.median(steps) < 0.01
                n_stop += 1
    assert n_come >= 3 and n_stop >= 3


def test_variety_of_people_cameras_and_hands(clean):
    sizes, portrait, sides, fps = [], set(), set(), set()
    for c in clean:
        w, h = c.meta["image_size"]
        portrait.add(h > w)
        sides.add(c.meta["hand_side_in_image"])
        fps.add(c.meta["camera"]["capture_fps"])
        fin = np.isfinite(c.landmarks[:, 0, 0])
        if fin.any():
            xy = c.landmarks[fin][..., :2] * np.array([w, h]) / min(w, h)
            sizes.append(np.median(np.ptp(xy, axis=1).max(axis=1)))
    assert portrait == {True, False} and sides == {"left", "right"}
    assert min(fps) < 25 and max(fps) == 30
    assert np.percentile(sizes, 10) < 0.25 and np.percentile(sizes, 90) > 0.45


def test_lost_frames(tracked):
    total = lost = 0
    styles = set()
    for c in tracked:
        lm = c.landmarks
        st = c.meta["frame_status"]
        assert st.shape == (lm.shape[0],)
        styles.add(c.meta["lost_style"])
        for j in range(lm.shape[0]):
            f = lm[j]
            if st[j] == 1:  # duplicated capture or pipeline hiccup: an exact repeat
                assert j > 0 and np.array_equal(f, lm[j - 1], equal_nan=True)
            elif st[j] == 2:  # lost: NaN, zeros or a repeat of the previous output
                assert np.isnan(f).all() or (f == 0).all() or (j > 0 and np.array_equal(f, lm[j - 1], equal_nan=True)) or c.kind == "tight"
            else:
                assert np.isfinite(f).all() and not (f == 0).all()
        total += lm.shape[0]
        lost += int((st == 2).sum())
    share = lost / total
    assert 0.08 <= share <= 0.32, share
    assert len(styles) >= 3


def test_cli_writes_files(tmp_path):
    assert g.main([str(tmp_path / "t"), "-n", "3", "-s", "4"]) == 0
    assert g.main([str(tmp_path / "c"), "-n", "3", "-s", "4", "--clean"]) == 0
    docs = []
    for sub in ("t", "c"):
        d = tmp_path / sub
        files = sorted(p.name for p in d.glob("clip_*.npy"))
        assert files == ["clip_00000.npy", "clip_00001.npy", "clip_00002.npy"]
        doc = json.loads((d / "labels.json").read_text())
        assert len(doc["clips"]) == 3
        for ent in doc["clips"]:
            arr = np.load(d / ent["file"])
            assert arr.shape == (ent["n_frames"], 21, 3) and arr.dtype == np.float32
            assert ent["kind"] in g.KINDS and len(ent["image_size"]) == 2
            for gg in ent["gestures"]:
                assert gg["label"] in g.LABELS and 0 <= gg["start"] < gg["end"] <= ent["n_frames"]
        docs.append(doc)
    assert [e["gestures"] for e in docs[0]["clips"]] == [e["gestures"] for e in docs[1]["clips"]]
    ref = g.blind13_dataset(3, seed=4)
    np.testing.assert_array_equal(np.load(tmp_path / "t" / "clip_00001.npy"), ref[1].landmarks)


@pytest.mark.slow
def test_200_clips_within_time_limit():
    t0 = time.perf_counter()
    clips = g.blind13_dataset(200, seed=3)
    dt = time.perf_counter() - t0
    assert len(clips) == 200
    assert dt < 60.0, dt
    assert max(c.landmarks.shape[0] for c in clips) < 20 * g.FPS


def test_the_project_scorer_reads_these_clips(tracked, scorer_reads):
    scorer_reads(g, tracked)  # score: blind 8's, copied in after the module was written
