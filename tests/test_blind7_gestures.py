"""Tests of the blind-7 gesture clip generator itself (tests/blind7_gestures.py), not of any reader."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).with_name("blind7_gestures.py")


def _load():
    name = "blind7_gestures"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _PATH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


b7 = _load()
N = 80


@pytest.fixture(scope="module")
def tracked():
    return b7.blind7_dataset(N, 0)


@pytest.fixture(scope="module")
def clean():
    return b7.blind7_clean_dataset(N, 0)


def _px(c, lm=None):
    W, H = c.meta["image_size"]
    lm = c.landmarks if lm is None else lm
    return np.stack([lm[..., 0] * W, lm[..., 1] * H, lm[..., 2] * W], -1)


def _size(P):
    return np.linalg.norm(P[:, 9] - P[:, 0], axis=-1) / 0.445


def _openness(P):
    return (np.linalg.norm(P[:, [8, 12, 16, 20]] - P[:, :1], axis=-1) / _size(P)[:, None]).mean(1)


def test_public_api():
    assert b7.LABELS == ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
    assert b7.KINDS == ("tight", "margin", "pair", "recording")
    assert {"landmarks", "gestures", "kind", "meta"} <= set(b7.Blind7Clip.__dataclass_fields__)
    assert "written without reading" in b7.__doc__


def test_shapes_labels_and_durations(tracked, clean):
    pairs = {(a, b) for a, b in b7.PAIR_TYPES}
    for clips in (tracked, clean):
        assert len(clips) == N
        for c in clips:
            lm = c.landmarks
            assert isinstance(lm, np.ndarray) and lm.dtype == np.float32 and lm.ndim == 3 and lm.shape[1:] == (21, 3)
            assert len(lm) >= 15 and c.kind in b7.KINDS and c.gestures and isinstance(c.gestures, tuple)
            starts = [g[1] for g in c.gestures]
            assert starts == sorted(starts)
            for (lab, s, e, d), prev in zip(c.gestures, (None,) + c.gestures[:-1]):
                assert lab in b7.LABELS and 0 <= s < e < len(lm)
                assert 0.45 <= (e - s) / b7.FPS <= 3.15
                assert prev is None or prev[2] < s
                if lab == "point":
                    assert d is not None and 0.0 <= d < 360.0
                else:
                    assert d is None
            labels = [g[0] for g in c.gestures]
            if c.kind in ("tight", "margin"):
                assert len(labels) == 1
            elif c.kind == "pair":
                assert len(labels) == 2 and (labels[0], "swipe" if labels[1].startswith("swipe") else labels[1]) in pairs
            else:
                assert 2 <= len(labels) <= 5 and 5.0 <= len(lm) / b7.FPS <= 12.1
            assert len(c.meta["direction_deg_pixels"]) == len(labels)


def test_clean_and_tracked_describe_the_same_clips(tracked, clean):
    for t, c in zip(tracked, clean):
        assert t.kind == c.kind and t.gestures == c.gestures and t.landmarks.shape == c.landmarks.shape
        assert t.meta["image_size"] == c.meta["image_size"] and t.meta["tracked"] and not c.meta["tracked"]
    errs = []
    for t, c in zip(tracked, clean):
        ok = np.isfinite(t.landmarks[:, 0, 0]) & (c.meta["out_of_view"] < 0.5)
        if ok.sum() < 5:
            continue
        d = np.linalg.norm(_px(t)[ok, :, :2] - _px(c)[ok, :, :2], axis=-1)
        errs.append(np.median(d) / np.median(_size(_px(c))))
    assert np.median(errs) < 0.1


def test_deterministic_per_seed_and_independent_of_n():
    a, b = b7.blind7_dataset(5, 7), b7.blind7_dataset(5, 7)
    for x, y in zip(a, b):
        assert np.array_equal(x.landmarks, y.landmarks, equal_nan=True) and x.gestures == y.gestures and x.kind == y.kind
    prefix = b7.blind7_dataset(2, 7)
    assert all(np.array_equal(x.landmarks, y.landmarks, equal_nan=True) for x, y in zip(prefix, a))
    other = b7.blind7_dataset(5, 8)
    assert any(x.landmarks.shape != y.landmarks.shape or x.gestures != y.gestures for x, y in zip(a, other))
    ca, cb = b7.blind7_clean_dataset(3, 7), b7.blind7_clean_dataset(3, 7)
    assert all(np.array_equal(x.landmarks, y.landmarks) for x, y in zip(ca, cb))


def test_coordinates_in_range(tracked, clean):
    for c in clean:
        assert np.isfinite(c.landmarks).all()
    for c in tracked + clean:
        xy = c.landmarks[..., :2]
        xy = xy[np.isfinite(xy)]
        assert xy.min() >= -0.3 and xy.max() <= 1.3


def test_tracker_effects(tracked):
    nan_frames = 0
    for c in tracked:
        bad = ~np.isfinite(c.landmarks).reshape(len(c.landmarks), -1)
        assert np.all(bad.all(1) | ~bad.any(1)), "a dropped frame is all-NaN, never partly"
        nan_frames += int(bad.all(1).sum())
    assert nan_frames > 0
    info = [c.meta["tracker"] for c in tracked]
    assert {i["fill"] for i in info} == {"nan", "repeat"}
    assert any(i["fps"] < 30 for i in info) and any(i["fps"] > 30 for i in info)
    assert any(i["confusion"] for i in info) and any(i["wrong_z"] for i in info)
    assert any(i["redetections"] > 0 for i in info)
    assert {i["smoothing"] for i in info} == {"none", "ema", "one_euro"}
    rep = sum(int((np.abs(np.diff(c.landmarks, axis=0)).max(axis=(1, 2)) == 0).sum()) for c in tracked)
    assert rep > 0


def test_people_cameras_and_styles_vary(tracked):
    assert {c.kind for c in tracked} == set(b7.KINDS)
    assert {g[0] for c in tracked for g in c.gestures} == set(b7.LABELS)
    assert {c.meta["hand"] for c in tracked} == {"left", "right"}
    assert any(c.meta["child"] for c in tracked) and not all(c.meta["child"] for c in tracked)
    sizes = {tuple(c.meta["image_size"]) for c in tracked}
    assert any(w > h for w, h in sizes) and any(w < h for w, h in sizes)
    frac = [c.meta["hand_frac"] for c in tracked]
    assert min(frac) < 0.06 and max(frac) > 0.25
    assert max(abs(c.meta["camera"]["roll_deg"]) for c in tracked) > 15
    dist = [c.meta["camera"]["distance_m"] for c in tracked]
    assert min(dist) < 1.0 and max(dist) > 2.0
    styles = [st for c in tracked for st in c.meta["styles"]]
    assert {st["style"] for st in styles if "shape" in st} == {"arm", "forearm", "flick"}
    assert any(st.get("toward_camera") for st in styles) and any(st.get("thumb_out") for st in styles)
    assert {st["closed"] for st in styles if "closed" in st} >= {"fist", "partial"}
    assert len({st["style"] for st in styles if "cycles" in st}) >= 3
    assert any(c.meta["out_of_view"] > 0 for c in tracked)


def test_point_direction_matches_clean_index(clean):
    n = 0
    for c in clean:
        for (lab, s, e, d), st in zip(c.gestures, c.meta["styles"]):
            if lab != "point" or abs(st["elevation_deg"]) > 35:  # strongly foreshortened fingers wobble more
                continue
            a = max(s, e - 4)
            v = c.landmarks[a : e + 1, 8, :2] - c.landmarks[a : e + 1, 5, :2]
            ang = np.arctan2(-v[:, 1], v[:, 0])
            med = math.degrees(math.atan2(np.sin(ang).mean(), np.cos(ang).mean()))
            assert abs((med - d + 180) % 360 - 180) < 12.0  # the label is the mean over the hold; hands drift a little
            n += 1
    assert n >= 10


def test_swipes_travel_along_their_axis(clean):
    n = 0
    for c in clean:
        P = _px(c)
        for (lab, s, e, _), st in zip(c.gestures, c.meta["styles"]):
            if not lab.startswith("swipe"):
                continue
            u = np.array(b7.SWIPES[lab])
            size = np.median(_size(P)[s : e + 1])
            tip = P[s : e + 1, 12, :2] @ u
            travel = (tip - np.minimum.accumulate(tip)).max() / size  # largest forward sweep of the fingertip
            assert travel >= (0.4 if st["style"] == "flick" else 1.0), (lab, st)
            disp = P[e, :, :2].mean(0) - P[s, :, :2].mean(0)
            assert disp @ u > 0
            n += 1
    assert n >= 10


def test_grab_closes_and_stop_faces_camera(clean):
    for c in clean:
        P = _px(c)
        opn = _openness(P)
        for lab, s, e, _ in c.gestures:
            if lab == "grab":
                assert opn[s : e + 1].max() > opn[e] + 0.15
            if lab == "stop":
                side = 1 if c.meta["hand"] == "right" else -1
                normal = np.cross(P[e, 5] - P[e, 0], P[e, 17] - P[e, 0]) * side
                assert normal[2] / np.linalg.norm(normal) < -0.4 and opn[e] > 0.8


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
    r = b7.score(_oracle(clips), clips)
    assert r["n"] == 40 and r["accuracy"] == 1.0
    assert all(v == 1.0 for v in r["by_kind"].values()) and all(v == 1.0 for v in r["by_gesture"].values())
    assert r["pointing_error_deg"]["n"] > 0 and r["pointing_error_deg"]["median"] == pytest.approx(0.0, abs=1e-6)
    assert r["pointing_error_deg_pixels"]["median"] == pytest.approx(0.0, abs=1e-2)
    assert all(k.split(" -> ")[0] == k.split(" -> ")[1] for k in r["confusion"]) and sum(r["confusion"].values()) == 40

    off = b7.score(_oracle(clips, direction_offset=90.0), clips)
    assert off["accuracy"] == 1.0 and off["pointing_error_deg"]["median"] == pytest.approx(90.0, abs=1e-6)

    none = b7.score(lambda lm: [], clips)
    assert none["accuracy"] == 0.0 and all(v == 0.0 for v in none["by_kind"].values())
    assert all(k.endswith("-> none") for k in none["confusion"]) and none["pointing_error_deg"]["n"] == 0

    def always_stop(lm):
        return [{"label": "stop", "start": 0, "end": len(lm) - 1, "direction_deg": None}]

    wrong = b7.score(always_stop, clips)
    assert wrong["accuracy"] < 1.0 and any(k.endswith("-> stop") and not k.startswith("stop ->") for k in wrong["confusion"])


def test_cli_writes_clips_and_labels(tmp_path, capsys):
    assert b7.main(["--n", "3", "--seed", "2", "--out", str(tmp_path)]) == 0
    rows = json.loads((tmp_path / "labels.json").read_text())
    assert len(rows) == 3 and "blind7" in capsys.readouterr().out
    for row, c in zip(rows, b7.blind7_dataset(3, 2)):
        lm = np.load(tmp_path / row["file"])
        assert lm.dtype == np.float32 and np.array_equal(lm, c.landmarks, equal_nan=True)
        assert tuple((g["label"], g["start"], g["end"], g["direction_deg"]) for g in row["gestures"]) == c.gestures
    assert b7.main(["--n", "2", "--seed", "2", "--out", str(tmp_path / "clean"), "--clean"]) == 0
    assert np.isfinite(np.load(tmp_path / "clean" / "clip_0000.npy")).all()
