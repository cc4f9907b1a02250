"""Tests of the blind-8 gesture clip generator itself (tests/blind8_gestures.py), not of any reader."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).with_name("blind8_gestures.py")


def _load():
    name = "blind8_gestures"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _PATH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


b8 = _load()
N = 60  # three blocks of 20: the kind mix is exact


@pytest.fixture(scope="module")
def tracked():
    return b8.blind8_dataset(N, 0)


@pytest.fixture(scope="module")
def clean():
    return b8.blind8_clean_dataset(N, 0)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


def _palm(P: np.ndarray) -> np.ndarray:
    return P[:, [0, 5, 9, 13, 17], :2].mean(1)


def test_public_api():
    assert b8.LABELS == ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
    assert b8.KINDS == ("tight", "margin", "pair", "recording")
    assert {"landmarks", "gestures", "kind", "meta"} <= set(b8.Blind8Clip.__dataclass_fields__)
    doc = b8.__doc__.splitlines()
    assert doc[0].strip() and not doc[1].strip(), "the docstring starts with a one-line summary"
    assert "written without reading" in b8.__doc__
    for fn in (b8.blind8_dataset, b8.blind8_clean_dataset, b8.score, b8.main):
        assert callable(fn)


def test_shapes_labels_and_spans(tracked, clean):
    pairs = set(b8.PAIR_TYPES)
    for clips in (tracked, clean):
        assert len(clips) == N
        for c in clips:
            lm = c.landmarks
            assert isinstance(lm, np.ndarray) and lm.dtype == np.float32 and lm.ndim == 3 and lm.shape[1:] == (21, 3)
            T = len(lm)
            assert T >= 15 and c.kind in b8.KINDS and isinstance(c.gestures, tuple) and c.gestures
            W, H = c.meta["image_size"]
            assert isinstance(W, int) and isinstance(H, int) and W > 0 and H > 0
            assert len(c.meta["direction_deg_pixels"]) == len(c.gestures) == len(c.meta["durations_s"])
            prev_end = -1
            for (label, s, e, d), dpx, dur in zip(c.gestures, c.meta["direction_deg_pixels"], c.meta["durations_s"]):
                assert label in b8.LABELS
                assert isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= T - 1
                assert s >= prev_end, "gestures follow one another"
                prev_end = e
                assert b8.MIN_GESTURE_S - 0.05 <= dur <= b8.MAX_GESTURE_S + 0.05
                assert abs((e - s) / b8.FPS - dur) < 0.1
                if label == "point":
                    assert isinstance(d, float) and 0.0 <= d < 360.0 and isinstance(dpx, float)
                else:
                    assert d is None and dpx is None
            labels = [g[0] for g in c.gestures]
            if c.kind in ("tight", "margin"):
                assert len(labels) == 1
            elif c.kind == "pair":
                assert len(labels) == 2
                assert (labels[0], "swipe" if labels[1].startswith("swipe_") else labels[1]) in pairs
            else:
                assert 3 <= len(labels) <= 5
            if c.kind == "tight":
                assert c.gestures[0][1] == 0 and c.gestures[0][2] == T - 1
            if c.kind == "margin":
                assert c.gestures[0][1] >= 10 and c.gestures[0][2] <= T - 11, "idle frames on both sides"


def test_kind_and_label_mix(tracked):
    kinds = [c.kind for c in tracked]
    assert [kinds.count(k) for k in b8.KINDS] == [18, 15, 15, 12]
    many = [b8._kind_of(5, i) for i in range(400)]
    assert [many.count(k) for k in b8.KINDS] == [120, 100, 100, 80]
    labels = {g[0] for c in tracked for g in c.gestures}
    assert labels == set(b8.LABELS)


def test_clean_and_tracked_are_the_same_clips(tracked, clean):
    differ = 0
    for t, c in zip(tracked, clean):
        assert t.gestures == c.gestures and t.kind == c.kind and t.landmarks.shape == c.landmarks.shape
        assert t.meta["image_size"] == c.meta["image_size"] and "tracker" in t.meta
        both = np.isfinite(t.landmarks[:, 0, 0]) & np.isfinite(c.landmarks[:, 0, 0])
        if both.any():
            differ += not np.allclose(t.landmarks[both], c.landmarks[both], atol=1e-4)
    assert differ >= 0.9 * N, "the tracker adds errors"


def test_deterministic_and_independent_of_n():
    a, b = b8.blind8_dataset(3, 7), b8.blind8_dataset(3, 7)
    longer = b8.blind8_dataset(5, 7)
    for x, y, z in zip(a, b, longer):
        assert _same(x.landmarks, y.landmarks) and _same(x.landmarks, z.landmarks)
        assert x.gestures == y.gestures == z.gestures and x.kind == z.kind
    assert _same(b8.blind8_clean_dataset(2, 7)[1].landmarks, b8.blind8_clean_dataset(4, 7)[1].landmarks)
    other = b8.blind8_dataset(3, 8)
    assert not all(_same(x.landmarks, y.landmarks) for x, y in zip(a, other))


def test_coordinates_and_dropped_frames(tracked, clean):
    nan_t = nan_c = frames = 0
    for clips in (tracked, clean):
        for c in clips:
            lm = c.landmarks
            fin = np.isfinite(lm)
            assert np.all(fin.all((1, 2)) | (~fin).all((1, 2))), "a dropped frame is all-NaN"
            xy = lm[..., :2][fin[..., :2]]
            assert np.all((xy >= -0.3) & (xy <= 1.3))
            assert np.all(np.abs(lm[..., 2][fin[..., 2]]) <= 1.0)
    for t, c in zip(tracked, clean):
        frames += len(t.landmarks)
        nan_t += int(np.isnan(t.landmarks[:, 0, 0]).sum())
        nan_c += int(np.isnan(c.landmarks[:, 0, 0]).sum())
    assert 0.01 < nan_t / frames < 0.4 and nan_c < nan_t
    assert any(t.meta["tracker"]["loss_written_as"] == "hold" for t in tracked)


def test_gestures_are_visible_in_clean_clips(clean):
    spans = [np.isnan(c.landmarks[s : e + 1, 0, 0]).mean() for c in clean for _, s, e, _ in c.gestures]
    assert np.mean(spans) < 0.05 and np.mean(np.array(spans) > 0.5) < 0.03


def test_point_directions_agree_with_clean_landmarks(clean):
    n = 0
    for c in clean:
        W, H = c.meta["image_size"]
        for (label, s, e, d), hold, dpx in zip(c.gestures, c.meta["hold_frames"], c.meta["direction_deg_pixels"]):
            if label != "point":
                assert hold is None
                continue
            a, b = hold
            assert s <= a <= b <= e
            P = c.landmarks[a : b + 1]
            P = P[np.isfinite(P[:, 0, 0])]
            assert len(P)
            v = P[:, 8, :2] - P[:, 5, :2]
            ang = np.arctan2(-v[:, 1], v[:, 0])
            mean = math.degrees(math.atan2(np.sin(ang).mean(), np.cos(ang).mean()))
            assert b8._ang_diff(mean, d) < 3.0
            ang_px = np.arctan2(-v[:, 1] * H, v[:, 0] * W)
            assert b8._ang_diff(math.degrees(math.atan2(np.sin(ang_px).mean(), np.cos(ang_px).mean())), dpx) < 3.0
            n += 1
    assert n >= 10


def test_swipes_move_the_labeled_way(clean):
    n = 0
    for c in clean:
        W, H = c.meta["image_size"]
        for (label, s, e, _), stroke in zip(c.gestures, c.meta["stroke_frames"]):
            if not label.startswith("swipe_"):
                assert stroke is None
                continue
            a, b = stroke
            assert s <= a < b <= e
            pc = _palm(c.landmarks[a : b + 1]) * [W, H]
            pc = pc[np.isfinite(pc[:, 0])]
            d = pc[-1] - pc[0]
            ex, ey = b8.SWIPES[label]
            along, across = d[0] * ex + d[1] * ey, abs(d[0] * ey - d[1] * ex)
            assert along > 0 and along > across, (label, d)
            n += 1
    assert n >= 10


def test_score_with_oracle_and_empty_readers(tracked):
    truth = {c.landmarks.tobytes(): c.gestures for c in tracked}

    def oracle(lm):
        return [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in truth[lm.tobytes()]]

    s = b8.score(oracle, tracked)
    assert s["n"] == N and s["accuracy"] == 1.0
    assert set(s["by_kind"]) == set(b8.KINDS) and all(v == 1.0 for v in s["by_kind"].values())
    assert all(v == 1.0 for v in s["by_gesture"].values())
    assert s["pointing_error_deg"]["n"] > 0 and s["pointing_error_deg"]["median"] == 0.0
    assert s["pointing_error_deg_pixels"]["median"] < 0.5  # the two labels average over the hold separately
    assert all("->" in k for k in s["confusion"])
    e = b8.score(lambda lm: [], tracked)
    assert e["accuracy"] == 0.0 and all(v == 0.0 for v in e["by_kind"].values()) and e["pointing_error_deg"]["n"] == 0


def test_cli_writes_clips_and_labels(tmp_path, capsys):
    assert b8.main(["--n", "3", "--seed", "2", "--out", str(tmp_path)]) == 0
    rows = json.loads((tmp_path / "labels.json").read_text())
    clips = b8.blind8_dataset(3, 2)
    assert len(rows) == 3
    for row, c in zip(rows, clips):
        assert _same(np.load(tmp_path / row["file"]), c.landmarks)
        assert row["kind"] == c.kind and [g["label"] for g in row["gestures"]] == [g[0] for g in c.gestures]
        assert row["meta"]["image_size"] == list(c.meta["image_size"])
    assert "blind8: 3 tracked clips" in capsys.readouterr().out
    assert b8.main(["--n", "2", "--seed", "2", "--clean", "--out", str(tmp_path / "clean")]) == 0
    assert _same(np.load(tmp_path / "clean" / "clip_0001.npy"), b8.blind8_clean_dataset(2, 2)[1].landmarks)
    assert "clean clips" in capsys.readouterr().out
