"""Checks of the blind gesture generator (tests/blind_gestures.py): determinism, shapes and the geometry of every label."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

_spec = importlib.util.spec_from_file_location("blind_gestures", Path(__file__).with_name("blind_gestures.py"))
bg = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("blind_gestures", bg)
_spec.loader.exec_module(bg)

PAIRS = {("point", "grab"), ("point", "come_here")} | {(a, s) for a in ("point", "grab") for s in bg.SWIPES}


@pytest.fixture(scope="module")
def clips():
    return bg.blind_dataset(48, 7)


def metric(c):
    """Landmarks in image-width units on both axes (undoing the aspect ratio of normalised y)."""
    return c.landmarks.astype(float) / [1.0, c.meta["aspect"], 1.0]


def extension(m):
    """Per finger (index..pinky): MCP-to-tip distance over the summed bone lengths, 1 = straight."""
    out = []
    for f in range(4):
        j = [5 + 4 * f + k for k in range(4)]
        bones = sum(np.linalg.norm(m[:, j[k + 1]] - m[:, j[k]], axis=-1) for k in range(3))
        out.append(np.linalg.norm(m[:, j[3]] - m[:, j[0]], axis=-1) / bones)
    return np.stack(out, 1)


def angle(v):
    return np.rad2deg(np.arctan2(-v[..., 1], v[..., 0])) % 360  # image direction, 0 = right, 90 = up (y is down)


def circ_diff(a, b):
    return np.abs((np.asarray(a) - b + 180) % 360 - 180)


def one(label, seed, kind="tight", **kw):
    return bg.blind_clip(np.random.default_rng(seed), kind, [label], **kw)


def test_deterministic_in_seed():
    a, b, c = bg.blind_dataset(10, 3), bg.blind_dataset(10, 3), bg.blind_dataset(10, 4)
    assert all(np.array_equal(x.landmarks, y.landmarks, equal_nan=True) and x.gestures == y.gestures for x, y in zip(a, b))
    assert [x.kind for x in a] == [y.kind for y in b]
    assert any(len(x.landmarks) != len(y.landmarks) or x.gestures != y.gestures for x, y in zip(a, c))
    assert np.array_equal(one("grab", 5).landmarks, one("grab", 5).landmarks, equal_nan=True)


def test_shapes_kinds_and_spans(clips):
    assert {k: sum(c.kind == k for c in clips) for k in bg.KINDS} == {"tight": 14, "margin": 14, "pair": 10, "recording": 10}
    for c in clips:
        lm = c.landmarks
        assert lm.dtype == np.float32 and lm.ndim == 3 and lm.shape[1:] == (21, 3)
        nan = np.isnan(lm)
        assert np.array_equal(nan.any((1, 2)), nan.all((1, 2)))  # a dropped frame is all-NaN
        seen = lm[~nan.any((1, 2))]
        assert seen[..., :2].min() >= -0.3 and seen[..., :2].max() <= 1.3
        assert np.allclose(seen[:, 0, 2], 0)  # z relative to the wrist
        ends = [0]
        for label, s, e, d in c.gestures:
            assert label in bg.LABELS and ends[-1] <= s < e <= len(lm)
            assert 0.4 <= (e - s) / bg.FPS <= 3.0
            assert (d is not None and 0 <= d < 360) if label == "point" else d is None
            ends.append(e)
        labels = tuple(g[0] for g in c.gestures)
        idle = len(lm) - sum(e - s for _, s, e, _ in c.gestures)
        if c.kind == "tight":
            assert len(labels) == 1 and idle <= 6
        elif c.kind == "margin":
            assert len(labels) == 1 and c.gestures[0][1] >= 12 and len(lm) - c.gestures[0][2] >= 12
        elif c.kind == "pair":
            assert labels in PAIRS
        else:
            assert 3 <= len(labels) <= 5


@pytest.mark.parametrize("deg", [0, 37, 90, 135, 180, 200, 270, 315, 352])
def test_point_direction_matches_the_index_finger(deg):
    for seed in range(3):
        c = one("point", 100 * deg + seed, point_deg=deg)
        (_, s, e, d), m = c.gestures[0], c.landmarks[:, :, :2].astype(float)
        assert circ_diff(d, deg) < 4, (seed, d)
        held = m[(s + e) // 2 : e]
        held = held[~np.isnan(held).any((1, 2))]
        got = angle(held[:, 8] - held[:, 5])
        assert np.median(circ_diff(got, d)) < 6
        ext = extension(metric(c)[(s + e) // 2 : e])
        assert np.nanmedian(ext[:, 0]) > 0.9 and np.nanmedian(ext[:, 1:]) < 0.65  # index straight, the others curled


@pytest.mark.parametrize("label", list(bg.SWIPES))
def test_swipes_move_the_wrist_in_the_labeled_direction(label):
    want = np.array(bg.SWIPES[label])
    for seed in range(4):
        c = one(label, seed, kind="margin")
        (_, s, e, _), w = c.gestures[0], metric(c)[:, 0, :2]
        ok = ~np.isnan(w).any(1)
        rel = w[s:e][ok[s:e]] - w[s:e][ok[s:e]][0]
        along, across = rel @ want, rel @ want[::-1]
        assert along.max() > 0.2 and along.max() > 2.5 * np.abs(across).max() and along.min() > -0.05
        t = np.flatnonzero(ok)
        speed = np.linalg.norm(np.diff(w[t], axis=0), axis=1) / np.diff(t)
        in_gesture = (t[1:] > s) & (t[1:] <= e)
        assert speed[in_gesture].max() > 2.5 * speed[~in_gesture].max()  # idle moves are slow


def test_y_increases_downwards():
    c = one("swipe_down", 1)
    _, s, e, _ = c.gestures[0]
    w = c.landmarks[s:e, 0, 1]
    assert np.nanmax(w) - w[~np.isnan(w)][0] > 0.2
    c = one("stop", 2)
    _, s, e, _ = c.gestures[0]
    held = c.landmarks[(s + e) // 2 : e]
    assert np.nanmedian(held[:, [8, 12, 16, 20], 1] - held[:, :1, 1]) < -0.05  # fingertips above the wrist


def test_grab_ends_with_a_fist():
    for seed in range(8):
        c = one("grab", seed)
        (_, s, e, _), m = c.gestures[0], metric(c)
        ext = extension(m).mean(1)
        palm = m[:, [0, 5, 9, 13, 17]].mean(1)
        tips = np.linalg.norm(m[:, [8, 12, 16, 20]] - palm[:, None], axis=-1).mean(1) / np.linalg.norm(m[:, 9] - m[:, 0], axis=-1)
        assert np.nanmax(ext[s : (s + e) // 2]) > 0.93  # open first
        assert np.nanmedian(ext[e - 4 : e]) < 0.6 and np.nanmedian(tips[e - 4 : e]) < 0.55  # fingertips folded onto the palm


def test_stop_holds_an_open_palm_facing_the_camera_still():
    for seed in range(8):
        c = one("stop", seed)
        (_, s, e, _), m = c.gestures[0], metric(c)
        held = m[(s + e) // 2 : e]
        held = held[~np.isnan(held).any((1, 2))]
        size = np.median(np.linalg.norm(held[:, 12] - held[:, 0], axis=-1))
        assert 0.05 < size < 0.6
        assert np.std(held[:, 0, :2], axis=0).max() < 0.03 * size  # still
        assert np.median(extension(held)) > 0.93
        up = angle(held[:, 12] - held[:, 9])
        assert np.median(circ_diff(up, 90)) < 50
        n = np.cross(held[:, 5] - held[:, 0], held[:, 17] - held[:, 0])
        assert np.median(np.abs(n[:, 2]) / np.linalg.norm(n, axis=1)) > 0.6  # palm plane faces the camera


def test_come_here_curls_the_fingers_repeatedly():
    for seed in range(8):
        c = one("come_here", seed)
        (_, s, e, _), m = c.gestures[0], metric(c)
        x = extension(m[s:e])[:, 0]  # the index curls in every style
        x = x[~np.isnan(x)]
        x = np.convolve(x, np.ones(3) / 3, "valid")
        mid = (x.max() + x.min()) / 2
        assert x.max() - x.min() > 0.25
        assert np.sum(np.diff(np.sign(x - mid)) != 0) >= 4  # at least two curls


def test_idle_is_relaxed_slow_and_not_a_gesture(clips):
    for c in clips:
        if c.kind == "tight":
            continue
        m = metric(c)
        idle = np.ones(len(m), bool)
        for _, s, e, _ in c.gestures:
            idle[s : e + 15] = False  # the release right after a gesture still carries its posture
        ext = extension(m[idle])
        ext = ext[~np.isnan(ext).any(1)]
        assert 0.6 < np.median(ext) < 0.94  # neither a fist nor an open hand
        assert np.median(ext[:, 0] - ext[:, 1:].mean(1)) < 0.2  # index not singled out (no point)


def test_dropped_frames_happen_as_nan_and_as_repeats(clips):
    nan_runs, repeats = [], 0
    for c in clips:
        nan = np.isnan(c.landmarks).all((1, 2))
        edges = np.flatnonzero(np.diff(np.r_[0, nan.astype(int), 0]))
        nan_runs += list(edges[1::2] - edges[::2])
        same = [t for t in range(1, len(nan)) if not nan[t] and np.array_equal(c.landmarks[t], c.landmarks[t - 1])]
        repeats += len(same)
        assert not same or c.meta["tracker"] == "repeat"
    assert 1 in nan_runs and max(nan_runs) >= 2 and repeats > 0


def test_score_counts_labels_and_pointing_error(clips):
    truth = {id(c.landmarks): c for c in clips}

    def oracle(lm, shift=0.0):
        gs = truth[id(lm)].gestures
        return [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": None if g[3] is None else g[3] + shift} for g in gs]

    r = bg.score(oracle, clips)
    assert r["accuracy"] == 1 and set(r["by_kind"]) == set(bg.KINDS) and all(v == 1 for v in r["by_gesture"].values())
    assert r["pointing_error_deg"]["n"] > 0 and r["pointing_error_deg"]["median"] == 0
    assert bg.score(lambda lm: oracle(lm, 350.0), clips)["pointing_error_deg"]["median"] == pytest.approx(10)
    r = bg.score(lambda lm: [], clips)
    assert r["accuracy"] == 0 and r["pointing_error_deg"]["n"] == 0


def test_bad_requests_fail_clearly():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="allowed"):
        bg.blind_clip(rng, gestures=["wave"])
    with pytest.raises(ValueError, match="allowed"):
        bg.blind_clip(rng, kind="long")
    with pytest.raises(ValueError, match="takes 2 gestures"):
        bg.blind_clip(rng, kind="pair", gestures=["grab"])


def test_main_summarizes_and_saves(tmp_path, capsys):
    assert bg.main(["--n", "6", "--seed", "1", "--save", str(tmp_path), "--save-count", "2"]) == 0
    out = capsys.readouterr().out
    assert "6 clips" in out and "kinds:" in out
    lm = np.load(tmp_path / "clip_001.npy", allow_pickle=False)
    assert lm.dtype == np.float32 and lm.shape[1:] == (21, 3) and sorted(p.name for p in tmp_path.iterdir())[-1] == "clip_001.npy"
    assert bg.main(["--n", "0"]) == 2
