"""Tests of the blind-6 gesture clip generator itself (tests/blind6_gestures.py), not of any reader."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).with_name("blind6_gestures.py")


def _load():
    name = "blind6_gestures"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _PATH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


b6 = _load()
N = 100


@pytest.fixture(scope="module")
def tracked():
    return b6.blind6_dataset(N, 0)


@pytest.fixture(scope="module")
def clean():
    return b6.blind6_clean_dataset(N, 0)


def _px(c, lm=None):
    W, H = c.meta["image_size"]
    lm = c.landmarks if lm is None else lm
    return np.stack([lm[..., 0] * W, lm[..., 1] * H, lm[..., 2] * W], -1)


def test_public_api():
    assert b6.LABELS == ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
    assert b6.KINDS == ("tight", "margin", "pair", "recording")
    assert {"landmarks", "gestures", "kind", "meta"} <= set(b6.Blind6Clip.__dataclass_fields__)
    assert "written" in b6.__doc__ and "without reading" in b6.__doc__


def test_shapes_and_labels(tracked, clean):
    for clips in (tracked, clean):
        assert len(clips) == N
        for c in clips:
            lm = c.landmarks
            assert isinstance(lm, np.ndarray) and lm.dtype == np.float32 and lm.ndim == 3 and lm.shape[1:] == (21, 3)
            assert len(lm) >= 3 and c.kind in b6.KINDS and c.gestures
            starts = [g[1] for g in c.gestures]
            assert starts == sorted(starts)
            for lab, s, e, d in c.gestures:
                assert lab in b6.LABELS and 0 <= s < e < len(lm)
                if lab == "point":
                    assert d is not None and 0.0 <= d < 360.0
                else:
                    assert d is None
            if c.kind in ("tight", "margin"):
                assert len(c.gestures) == 1
            elif c.kind == "pair":
                assert len(c.gestures) == 2
            else:
                assert 3 <= len(c.gestures) <= 5


def test_clean_and_tracked_describe_the_same_clips(tracked, clean):
    for t, c in zip(tracked, clean):
        assert t.kind == c.kind and t.gestures == c.gestures and t.landmarks.shape == c.landmarks.shape
        assert t.meta["image_size"] == c.meta["image_size"] and t.meta["tracked"] and not c.meta["tracked"]
    # where tracked, the tracker stays near the truth (median error well under a hand length)
    errs = []
    for t, c in zip(tracked, clean):
        ok = np.isfinite(t.landmarks[:, 0, 0])
        if ok.sum() < 5:
            continue
        size = np.median(np.linalg.norm(_px(c)[:, 9] - _px(c)[:, 0], axis=-1)) / 0.445
        d = np.linalg.norm(_px(t)[ok, :, :2] - _px(c)[ok, :, :2], axis=-1)
        errs.append(np.median(d) / size)
    assert np.median(errs) < 0.1


def test_deterministic_per_seed():
    a, b = b6.blind6_dataset(5, 7), b6.blind6_dataset(5, 7)
    for x, y in zip(a, b):
        assert np.array_equal(x.landmarks, y.landmarks, equal_nan=True) and x.gestures == y.gestures and x.kind == y.kind
    prefix = b6.blind6_dataset(2, 7)
    assert all(np.array_equal(x.landmarks, y.landmarks, equal_nan=True) for x, y in zip(prefix, a))
    other = b6.blind6_dataset(5, 8)
    assert any(x.landmarks.shape != y.landmarks.shape or x.gestures != y.gestures for x, y in zip(a, other))
    ca, cb = b6.blind6_clean_dataset(3, 7), b6.blind6_clean_dataset(3, 7)
    assert all(np.array_equal(x.landmarks, y.landmarks) for x, y in zip(ca, cb))


def test_coordinates_in_range(tracked, clean):
    for c in clean:
        assert np.isfinite(c.landmarks).all()
    for c in tracked + clean:
        xy = c.landmarks[..., :2]
        xy = xy[np.isfinite(xy)]
        assert xy.min() >= -0.3 and xy.max() <= 1.3
        assert np.isfinite(c.landmarks[..., 2][np.isfinite(c.landmarks[..., 2])]).all()


def test_tracker_drops_and_effects(tracked):
    nan_frames = 0
    for c in tracked:
        bad = ~np.isfinite(c.landmarks)
        per_frame = bad.reshape(len(c.landmarks), -1)
        assert np.all(per_frame.all(1) | ~per_frame.any(1)), "a dropped frame is all-NaN, never partly"
        nan_frames += int(per_frame.all(1).sum())
    assert nan_frames > 0
    fills = {c.meta["tracker"]["fill"] for c in tracked}
    assert fills == {"nan", "repeat"}
    assert any(c.meta["tracker"]["fps"] < 30 for c in tracked)
    assert any(c.meta["tracker"]["confusion"] for c in tracked)
    assert any(c.meta["tracker"]["redetections"] > 0 for c in tracked)
    # a repeated frame (repeat fill or a slow camera) is an exact copy of the one before it
    rep = sum(int((np.abs(np.diff(c.landmarks, axis=0)).max(axis=(1, 2)) == 0).sum()) for c in tracked)
    assert rep > 0


def test_kinds_labels_and_variety(tracked):
    assert {c.kind for c in tracked} == set(b6.KINDS)
    assert {g[0] for c in tracked for g in c.gestures} == set(b6.LABELS)
    singles = {c.gestures[0][0] for c in tracked if c.kind in ("tight", "margin")}
    assert singles == set(b6.LABELS)
    assert {c.meta["hand"] for c in tracked} == {"left", "right"}
    assert any(c.meta["child"] for c in tracked) and not all(c.meta["child"] for c in tracked)
    sizes = {tuple(c.meta["image_size"]) for c in tracked}
    assert any(w > h for w, h in sizes) and any(w < h for w, h in sizes)
    frac = [c.meta["hand_frac"] for c in tracked]
    assert min(frac) < 0.1 and max(frac) > 0.35
    styles = [st for c in tracked for st in c.meta["styles"]]
    assert {st.get("style") for st in styles if "flick_deg" in st or st.get("style") == "arm"} == {"flick", "arm"}
    assert any(st.get("toward_camera") for st in styles)
    assert any(any(c.meta["coarticulated"]) for c in tracked) and any(
        not all(c.meta["coarticulated"]) for c in tracked if c.meta["coarticulated"]
    )


def test_every_gesture_valid_on_clean_landmarks(clean):
    for c in clean:
        assert b6.gesture_problems(c) == [], (c.kind, c.gestures)


def test_point_direction_matches_clean_index(clean):
    n = 0
    for c in clean:
        for lab, s, e, d in c.gestures:
            if lab != "point":
                continue
            a = max(s, e - max(2, (e - s) // 4))
            v = c.landmarks[a : e + 1, 8, :2] - c.landmarks[a : e + 1, 5, :2]
            ang = np.degrees(np.arctan2(-v[:, 1], v[:, 0]))
            med = math.degrees(math.atan2(np.sin(np.radians(ang)).mean(), np.cos(np.radians(ang)).mean()))
            assert abs((med - d + 180) % 360 - 180) < 6.0
            n += 1
    assert n >= 10


def test_swipes_travel_along_their_axis(clean):
    n = 0
    for c in clean:
        P = _px(c)
        size = np.linalg.norm(P[:, 9] - P[:, 0], axis=-1) / 0.445
        for lab, s, e, _ in c.gestures:
            if not lab.startswith("swipe"):
                continue
            u = np.array(b6.SWIPES[lab])
            disp = P[e, :, :2].mean(0) - P[s, :, :2].mean(0)
            along, across = disp @ u, abs(disp[0] * u[1] - disp[1] * u[0])
            assert along >= 0.7 * np.median(size[s : e + 1]) and across <= 0.5 * along
            dn = c.landmarks[e, :, :2].mean(0) - c.landmarks[s, :, :2].mean(0)
            assert np.sign(dn @ u) > 0
            n += 1
    assert n >= 10


def test_grab_closes_and_stop_faces_camera(clean):
    for c in clean:
        P = _px(c)
        opn = b6._openness(P).mean(1)
        for lab, s, e, _ in c.gestures:
            if lab == "grab":
                assert opn[s] > opn[e] + 0.15
            if lab == "stop":
                side = 1 if c.meta["hand"] == "right" else -1
                n = np.cross(P[e, 5] - P[e, 0], P[e, 17] - P[e, 0]) * side
                assert n[2] / np.linalg.norm(n) < -0.4 and opn[e] > 0.85


def _oracle(clips, direction_offset=0.0):
    table = {c.landmarks.tobytes(): c.gestures for c in clips}

    def recognize(lm):
        gs = table[np.asarray(lm, np.float32).tobytes()]
        out = [
            {"label": g[0], "start": g[1], "end": g[2], "direction_deg": None if g[3] is None else (g[3] + direction_offset) % 360}
            for g in gs
        ]
        return out[::-1]  # score sorts by start

    return recognize


def test_score_oracle_and_wrong_readers(tracked):
    clips = tracked[:40]
    r = b6.score(_oracle(clips), clips)
    assert r["n"] == 40 and r["accuracy"] == 1.0
    assert set(r["by_kind"]) == set(b6.KINDS) and all(v == 1.0 for v in r["by_kind"].values())
    assert r["by_gesture"] and all(v == 1.0 for v in r["by_gesture"].values())
    assert r["pointing_error_deg"]["n"] > 0 and r["pointing_error_deg"]["median"] == pytest.approx(0.0, abs=1e-6)
    assert all(k.split(" -> ")[0] == k.split(" -> ")[1] for k in r["confusion"])
    assert sum(r["confusion"].values()) == 40

    off = b6.score(_oracle(clips, direction_offset=90.0), clips)
    assert off["accuracy"] == 1.0 and off["pointing_error_deg"]["median"] == pytest.approx(90.0, abs=1e-6)

    none = b6.score(lambda lm: [], clips)
    assert none["accuracy"] == 0.0 and all(k.endswith("-> none") for k in none["confusion"])

    def always_stop(lm):
        return [{"label": "stop", "start": 0, "end": len(lm) - 1, "direction_deg": None}]

    wrong = b6.score(always_stop, clips)
    assert wrong["accuracy"] < 1.0 and any(k.endswith("-> stop") and not k.startswith("stop ->") for k in wrong["confusion"])


def test_cli_writes_clips_and_labels(tmp_path, capsys):
    assert b6.main(["--n", "3", "--seed", "2", "--out", str(tmp_path)]) == 0
    rows = json.loads((tmp_path / "labels.json").read_text())
    assert len(rows) == 3 and "blind6" in capsys.readouterr().out
    ref = b6.blind6_dataset(3, 2)
    for row, c in zip(rows, ref):
        lm = np.load(tmp_path / row["file"])
        assert lm.dtype == np.float32 and np.array_equal(lm, c.landmarks, equal_nan=True)
        assert [(g["label"], g["start"], g["end"], g["direction_deg"]) for g in row["gestures"]] == c.gestures
    assert b6.main(["--n", "2", "--seed", "2", "--out", str(tmp_path / "clean"), "--clean"]) == 0
    assert np.isfinite(np.load(tmp_path / "clean" / "clip_0000.npy")).all()
