"""Desk-webcam hand-landmark clips of seated people commanding a desk robot, seen by a lite hand tracker.

What is modelled
----------------
A person sits at a desk 40-90 cm from a laptop webcam, a tablet on a stand (often in portrait) or a
monitor camera, with the elbow on the desk, on an armrest or floating, and commands a small robot on
the desk. The camera has its own field of view, lens barrel distortion, height above the desk, pitch
(aimed up at the face) and roll. The hand is planned in a gravity-aligned world frame and projected
through the camera, so perspective, foreshortening, roll and the large near-camera hands with cut-off
fingertips or wrists come out of the geometry.

The hand is a 20-angle kinematic model (thumb azimuth/elevation/MCP/IP; MCP flexion, abduction, PIP,
DIP for each finger, with palm cupping and flexion-dependent splay) on personal bones: children to
large adults, broad short hands, long-fingered hands, long nails. Motion comes from key poses joined
by quintic Hermite segments (bell-shaped velocity between stops, smooth passage through via points),
forearm arcs about the elbow, Ornstein-Uhlenbeck postural drift, physiological tremor and finger drift;
speed, amplitude and sloppiness are personal habits. Every gesture has several styles (reach or
static points with jabs, palm/edge/back-hand/windscreen-wiper/flick/finger/fist swipes, presented,
reaching, top-down and slow grabs, index, four-finger, wave-in and palm-down beckons, raised or pushed
stop palms). Idle time is desk life: typing and mousing out of view, resting the chin on the hand,
touching the face, scratching, adjusting glasses, pushing hair back, drinking from a mug, holding a
phone, talking with someone off-screen, waving to them, fidgeting, leaving and re-entering the image.

The tracker is a lightweight low-precision model: size-, speed-, light- and occlusion-dependent
correlated jitter (ring and pinky worst), regression towards a mean hand shape, fingertips snapping
to a neighbour, compressed noisy z, squashed predictions for off-image joints, one-euro smoothing
lag, detection that needs a visible palm, drops during fast motion, backlight/auto-exposure
transients and very near hands, re-detection jumps, 12-24 fps capture in low light (duplicated
frames), pipeline hiccups, sometimes locking onto the other hand that holds a phone or a mug, and
lost frames written as NaN, zeros or repeats. Clean clips hold the true landmarks (NaN only where
the hand is wholly out of the picture). End frames of gestures are exclusive. Besides the required
keys, meta holds frame_status (0 tracked, 1 duplicated frame, 2 lost, 3 the other hand), lost_share,
hold_frames and intended directions of points, gesture styles, idle activities with their frames,
and the person and camera parameters.

This generator was written without reading any other gesture generator or the code it is used to evaluate.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

LABELS = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
KINDS = ("tight", "margin", "pair", "recording")
FPS = 30.0
MIN_GESTURE_S = 0.5
MAX_GESTURE_S = 3.0

_MAX_CLIP_S = 19.6
_BAND = (-0.3, 1.3)
_ZBAND = (-0.3, 0.3)
_BLOCK = ("tight",) * 6 + ("margin",) * 5 + ("pair",) * 5 + ("recording",) * 4
_PAIRS = (("point", "swipe"), ("grab", "swipe"), ("point", "grab"), ("point", "come_here"))
_PALM = [0, 5, 9, 13, 17]
_SWIPES = ("swipe_left", "swipe_right", "swipe_up", "swipe_down")


@dataclass
class Blind13Clip:
    landmarks: np.ndarray  # (T, 21, 3) float32
    gestures: tuple[tuple[str, int, int, float | None], ...]  # (label, start, end (exclusive), direction_deg)
    kind: str
    meta: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------
# small maths helpers


def _unit(v):
    v = np.asarray(v, dtype=float)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-9)


def _quat_from_mat(m):
    tr = m[0, 0] + m[1, 1] + m[2, 2]
    if tr > 0:
        k = math.sqrt(tr + 1.0) * 2
        q = [k / 4, (m[2, 1] - m[1, 2]) / k, (m[0, 2] - m[2, 0]) / k, (m[1, 0] - m[0, 1]) / k]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        k = math.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2]) * 2
        q = [(m[2, 1] - m[1, 2]) / k, k / 4, (m[0, 1] + m[1, 0]) / k, (m[0, 2] + m[2, 0]) / k]
    elif m[1, 1] > m[2, 2]:
        k = math.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2]) * 2
        q = [(m[0, 2] - m[2, 0]) / k, (m[0, 1] + m[1, 0]) / k, k / 4, (m[1, 2] + m[2, 1]) / k]
    else:
        k = math.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1]) * 2
        q = [(m[1, 0] - m[0, 1]) / k, (m[0, 2] + m[2, 0]) / k, (m[1, 2] + m[2, 1]) / k, k / 4]
    return _unit(np.array(q))


def _mat_from_quat(q):
    q = _unit(q)
    w, x, y, z = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    m = np.empty(q.shape[:-1] + (3, 3))
    m[..., 0, 0] = 1 - 2 * (y * y + z * z)
    m[..., 0, 1] = 2 * (x * y - w * z)
    m[..., 0, 2] = 2 * (x * z + w * y)
    m[..., 1, 0] = 2 * (x * y + w * z)
    m[..., 1, 1] = 1 - 2 * (x * x + z * z)
    m[..., 1, 2] = 2 * (y * z - w * x)
    m[..., 2, 0] = 2 * (x * z - w * y)
    m[..., 2, 1] = 2 * (y * z + w * x)
    m[..., 2, 2] = 1 - 2 * (x * x + y * y)
    return m


def _qmul(a, b):
    aw, ax, ay, az = a[..., 0], a[..., 1], a[..., 2], a[..., 3]
    bw, bx, by, bz = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
    return np.stack(
        [
            aw * bw - ax * bx - ay * by - az * bz,
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
        ],
        axis=-1,
    )


def _qrotvec(rv):
    rv = np.asarray(rv, dtype=float)
    ang = np.linalg.norm(rv, axis=-1, keepdims=True)
    ax = rv / np.maximum(ang, 1e-12)
    return np.concatenate([np.cos(ang / 2), ax * np.sin(ang / 2)], axis=-1)


def _quat_from_ac(a, c):
    """Rotation taking the canonical hand (fingers up, palm to a camera on -Z) to finger axis a, palm normal c."""
    a = _unit(a)
    c = np.asarray(c, dtype=float) - np.dot(c, a) * a
    if np.linalg.norm(c) < 1e-3:
        c = np.cross(a, [1.0, 0.0, 0.0]) if abs(a[0]) < 0.9 else np.cross(a, [0.0, 1.0, 0.0])
    c = _unit(c)
    b = np.cross(a, c)
    return _quat_from_mat(np.column_stack([b, -a, -c]))


# local hand axes (a distal, b radial, c palmar) in the canonical pose: a = up, b = +x, c = towards camera
_R_CANON = np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, -1.0]])


def _ou(rng, n, dim, tau, sigma, dt=1.0 / FPS):
    """Ornstein-Uhlenbeck noise, stationary from the first sample."""
    phi = math.exp(-dt / max(tau, 1e-3))
    k = math.sqrt(1 - phi * phi)
    e = rng.standard_normal((n, dim))
    out = np.empty((n, dim))
    x = e[0] * sigma
    for i in range(n):
        if i:
            x = phi * x + k * sigma * e[i]
        out[i] = x
    return out


def _wrap(a):
    return (a + 180.0) % 360.0 - 180.0


# ----------------------------------------------------------------------------------------------
# hand shapes: rows thumb (azimuth, elevation, MCP, IP), then index..pinky (MCP flex, abduction, PIP, DIP)

_SHAPES = {
    "open": [[52, 14, 6, 6], [4, 3, 6, 3], [3, 0, 6, 3], [5, -3, 8, 4], [8, -6, 10, 6]],
    "spread": [[68, 6, 0, 0], [-4, 12, 0, 0], [-4, 2, 0, 0], [-3, -9, 2, 1], [-2, -18, 3, 2]],
    "flat": [[30, 6, 4, 4], [0, -2, 2, 2], [0, 0, 2, 2], [1, 1, 3, 2], [3, 1, 4, 3]],
    "relaxed": [[38, 28, 16, 16], [16, 2, 26, 14], [22, 0, 34, 18], [28, -2, 40, 20], [34, -4, 42, 22]],
    "fist": [[10, 42, 42, 34], [86, 0, 100, 52], [90, 0, 104, 54], [90, 0, 104, 54], [86, -2, 100, 52]],
    "loose_fist": [[25, 38, 25, 25], [62, 0, 80, 40], [68, 0, 86, 44], [70, 0, 88, 44], [70, -2, 86, 44]],
    "point": [[14, 42, 38, 28], [0, 2, 4, 3], [86, 0, 102, 54], [88, 0, 104, 54], [84, -2, 100, 52]],
    "gun": [[66, 8, 4, 4], [0, 2, 4, 3], [84, 0, 100, 52], [86, 0, 102, 52], [84, -2, 98, 50]],
    "claw": [[42, 38, 22, 24], [30, 4, 74, 48], [32, 0, 78, 50], [34, -3, 78, 50], [34, -6, 74, 48]],
    "mug": [[28, 52, 12, 10], [48, 0, 58, 26], [54, 0, 62, 28], [58, 0, 64, 30], [62, -2, 64, 30]],
    "phone": [[48, 30, 8, 14], [44, 0, 38, 18], [46, 0, 44, 20], [50, 0, 48, 22], [54, -2, 50, 22]],
    "pinch": [[28, 46, 22, 14], [38, 2, 34, 18], [54, 0, 70, 40], [64, 0, 80, 44], [70, -2, 80, 44]],
    "type": [[30, 30, 14, 14], [28, 2, 44, 20], [30, 0, 48, 22], [32, -2, 48, 22], [34, -4, 46, 22]],
    "beckon_idx": [[14, 42, 38, 28], [62, 2, 92, 58], [86, 0, 102, 54], [88, 0, 104, 54], [84, -2, 100, 52]],
    "beckon_all": [[40, 30, 18, 16], [62, 2, 88, 50], [66, 0, 92, 52], [68, -2, 92, 52], [66, -4, 88, 50]],
    "index_up": [[30, 36, 30, 24], [6, 2, 8, 4], [70, 0, 86, 44], [74, 0, 90, 46], [74, -2, 88, 46]],
}
_SHAPES = {k: np.array(v, dtype=float).reshape(20) for k, v in _SHAPES.items()}


# ----------------------------------------------------------------------------------------------
# people, hands and cameras


class _Geom:
    """Personal bone geometry and forward kinematics in the hand frame (a distal, b radial, c palmar)."""

    def __init__(self, rng, hand_len, palm_w, finger_f, thumb_f, nail, chir):
        h = hand_len
        lp = 0.46 * h
        self.h, self.lp, self.chir = h, lp, chir
        mcp = np.array(
            [
                [0.93 * lp, 0.19 * h * palm_w, 0.0],
                [lp, 0.065 * h * palm_w, 0.0],
                [0.955 * lp, -0.06 * h * palm_w, 0.0],
                [0.87 * lp, -0.17 * h * palm_w, 0.0],
            ]
        )
        self.mcp = mcp + rng.normal(0, 0.006 * h, (4, 3)) * np.array([1.0, 1.0, 0.3])
        self.splay = np.radians(np.array([6.0, 0.0, -6.0, -13.0]) + rng.normal(0, 2.0, 4))
        lens = np.array([0.50, 0.55, 0.52, 0.41]) * h * finger_f * (1 + rng.normal(0, 0.025, 4))
        ratios = np.array([[0.46, 0.28, 0.26], [0.45, 0.30, 0.25], [0.45, 0.30, 0.25], [0.44, 0.28, 0.28]])
        self.flen = lens[:, None] * ratios * (1 + rng.normal(0, 0.03, (4, 3)))
        self.flen[:, 2] *= 1 + nail
        self.cup = np.array([[0, 0, 0], [0, 0, 0], [0.0, 0.012, 0.018], [-0.01, 0.03, 0.04]]) * h
        self.tbase = np.array([0.12 * h, 0.11 * h * palm_w, 0.03 * h])
        self.tlen = np.array([0.20, 0.15, 0.13]) * h * thumb_f * (1 + rng.normal(0, 0.03, 3))
        self.tlen[2] *= 1 + 0.7 * nail

    def fk(self, qdeg):
        q = np.radians(np.asarray(qdeg, dtype=float)).reshape(-1, 5, 4)
        n = q.shape[0]
        out = np.zeros((n, 21, 3))
        mcp, abd, pip, dip = q[:, 1:, 0], q[:, 1:, 1], q[:, 1:, 2], q[:, 1:, 3]
        cup = np.clip((mcp[:, 2] + mcp[:, 3]) / 3.0, 0.0, 1.0)
        base = self.mcp[None] + cup[:, None, None] * self.cup[None]
        s = self.splay[None] * (1 - 0.5 * np.clip(mcp / 1.5, 0, 1)) + abd
        d0 = np.stack([np.cos(s), np.sin(s), np.zeros_like(s)], -1)
        th = np.cumsum(np.stack([mcp, pip, dip], -1), -1)
        ez = np.array([0.0, 0.0, 1.0])
        dirs = np.cos(th)[..., None] * d0[:, :, None, :] + np.sin(th)[..., None] * ez
        pts = base[:, :, None, :] + np.cumsum(dirs * self.flen[None, :, :, None], axis=2)
        out[:, 5:] = np.concatenate([base[:, :, None, :], pts], axis=2).reshape(n, 16, 3)
        az, el, tm, ti = q[:, 0, 0], q[:, 0, 1], q[:, 0, 2], q[:, 0, 3]
        dm = np.stack([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)], -1)
        w0 = np.array([0.0, -1.0, 0.6])
        w = _unit(w0 - (dm @ w0)[:, None] * dm)
        d1 = np.cos(tm)[:, None] * dm + np.sin(tm)[:, None] * w
        d2 = np.cos(tm + ti)[:, None] * dm + np.sin(tm + ti)[:, None] * w
        out[:, 1] = self.tbase
        out[:, 2] = out[:, 1] + self.tlen[0] * dm
        out[:, 3] = out[:, 2] + self.tlen[1] * d1
        out[:, 4] = out[:, 3] + self.tlen[2] * d2
        out[..., 1] *= self.chir
        return out


def _sample_person(rng):
    age = str(rng.choice(["child", "teen", "adult", "senior"], p=[0.12, 0.12, 0.62, 0.14]))
    if age == "child":
        hand, body = rng.uniform(0.12, 0.155), rng.uniform(0.7, 0.85)
    elif age == "teen":
        hand, body = rng.uniform(0.155, 0.19), rng.uniform(0.88, 1.0)
    else:
        hand, body = float(np.clip(rng.normal(0.183, 0.012), 0.155, 0.215)), float(np.clip(rng.normal(1.0, 0.05), 0.88, 1.12))
    broad = bool(rng.random() < 0.2)
    long_nails = bool(age != "child" and rng.random() < 0.18)
    p = {
        "age": age,
        "hand_len": float(hand),
        "body": float(body),
        "broad": broad,
        "palm_w": float(rng.normal(1.0, 0.05) + (0.11 if broad else 0.0)),
        "finger_f": float(rng.normal(1.0, 0.045) - (0.09 if broad else 0.0)),
        "thumb_f": float(rng.normal(1.0, 0.05)),
        "nail": float(rng.uniform(0.15, 0.35) if long_nails else rng.uniform(0.0, 0.05)),
        "long_nails": long_nails,
        "right_handed": bool(rng.random() < 0.88),
        "speed": float(rng.lognormal(0, 0.18) * {"child": 0.9, "senior": 1.25}.get(age, 1.0)),
        "amp": float(rng.lognormal(0, 0.22) * (1.1 if age == "child" else 1.0)),
        "slop": float(min(1.0, rng.uniform(0, 1) ** 1.3 + (0.25 if age == "child" else 0.0))),
        "tremor": float(rng.uniform(0.001, 0.004) if age == "senior" else rng.uniform(0.0003, 0.0012)),
        "fnoise": float(rng.uniform(1.5, 4.5)),
        "elbow": str(rng.choice(["desk", "armrest", "free"], p=[0.55, 0.2, 0.25])),
        "glasses": bool(rng.random() < 0.4),
        "other_item": [None, "phone", "mug"][int(rng.choice(3, p=[0.5, 0.25, 0.25]))],
        "pinky_curl": float(rng.uniform(0, 15)),
        "ring_curl": float(rng.uniform(0, 8)),
        "thumb_habit": float(rng.normal(0, 6)),
    }
    base = {
        "type": 1.2,
        "mouse": 0.7,
        "rest": 1.0,
        "chin": 0.7,
        "face": 0.5,
        "hair": 0.4,
        "drink": 0.45,
        "talk": 0.9,
        "scratch": 0.5,
        "glasses": 0.35 if p["glasses"] else 0.0,
        "phone": 0.3,
        "leave": 0.3,
        "fidget": 0.8,
        "wave": 0.08,
    }
    p["idle_w"] = {k: v * float(rng.lognormal(0, 0.6)) for k, v in base.items()}
    return p


_SIZES = {
    "laptop": [(1280, 720), (640, 480), (1920, 1080), (960, 540), (640, 360), (1280, 960)],
    "tablet_p": [(720, 1280), (1080, 1920), (768, 1024), (960, 1280), (480, 640)],
    "tablet_l": [(1280, 720), (1024, 768), (1920, 1080)],
    "monitor": [(1920, 1080), (1280, 720)],
}


def _rx(t):
    c, s = math.cos(t), math.sin(t)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _rz(t):
    c, s = math.cos(t), math.sin(t)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def _sample_scene(rng, person):
    dev = str(rng.choice(["laptop", "tablet", "monitor"], p=[0.55, 0.3, 0.15]))
    if dev == "laptop":
        key, fov, hc = "laptop", rng.uniform(62, 80), rng.uniform(0.19, 0.3)
    elif dev == "tablet":
        key = "tablet_p" if rng.random() < 0.6 else "tablet_l"
        fov, hc = rng.uniform(70, 105), rng.uniform(0.1, 0.32)
    else:
        key, fov, hc = "monitor", rng.uniform(60, 82), rng.uniform(0.3, 0.45)
    sizes = _SIZES[key]
    w, h = sizes[int(rng.integers(len(sizes)))]
    fpx = (max(w, h) / 2) / math.tan(math.radians(fov) / 2)
    k1 = -rng.uniform(0.0, 0.05 + (0.1 if fov > 85 else 0.0))
    dist = rng.uniform(0.35, 0.7) if person["age"] == "child" else rng.uniform(0.4, 0.9)
    he = person["body"] * rng.uniform(0.34, 0.46)
    face = np.array([rng.normal(0, 0.05), hc - he, dist])
    elev = math.atan2(-face[1], dist)
    v_face = rng.uniform(0.25, 0.42) if h > w else rng.uniform(0.27, 0.48)
    pitch = elev - math.atan((0.5 - v_face) * h / fpx) + rng.normal(0, 0.02)
    roll = math.radians(float(np.clip(rng.normal(0, 2.5) + (rng.normal(0, 3) if dev == "tablet" else 0), -10, 10)))
    light = float(rng.uniform(0.15, 1.0))
    low = light < 0.42
    fps = float(rng.choice([12, 15, 15, 20, 20, 24])) if low else 30.0
    backlit = bool(rng.random() < 0.25)
    mirrored = bool(rng.random() < 0.6)
    n_ev = int(rng.poisson(rng.uniform(0.02, 0.1) * 20 + (0.8 if backlit else 0.0)))
    events = [(float(rng.uniform(0, 20)), float(rng.uniform(0.3, 1.5)), float(rng.uniform(0.3, 1.0))) for _ in range(n_ev)]
    return {
        "device": dev,
        "size": (int(w), int(h)),
        "fov_long_deg": float(fov),
        "fpx": float(fpx),
        "k1": float(k1),
        "cam_height": float(hc),
        "face": face,
        "R": _rz(roll) @ _rx(-pitch),
        "pitch_deg": math.degrees(pitch),
        "roll_deg": math.degrees(roll),
        "light": light,
        "cam_fps": fps,
        "backlit": backlit,
        "mirrored": mirrored,
        "exposure_events": events,
    }


# ----------------------------------------------------------------------------------------------
# key-pose tracks


class _Track:
    """Key poses joined by quintic Hermite segments (zero velocity at stops, Catmull-Rom velocity at vias)."""

    def __init__(self, t0, v0):
        self.t = [float(t0)]
        self.v = [np.asarray(v0, dtype=float)]
        self.via = [False]

    def add(self, t, v, via=False):
        t = float(t)
        if t <= self.t[-1] + 1e-4:
            if t >= self.t[-1] - 1e-4 and len(self.t) > 1:
                self.v[-1] = np.asarray(v, dtype=float)
                self.via[-1] = via
                return
            t = self.t[-1] + 1.0 / 120
        self.t.append(t)
        self.v.append(np.asarray(v, dtype=float))
        self.via.append(via)

    def eval(self, times):
        tk = np.asarray(self.t)
        vk = np.stack(self.v)
        if len(tk) == 1:
            return np.repeat(vk, len(times), axis=0)
        vel = np.zeros_like(vk)
        for k in range(1, len(tk) - 1):
            if self.via[k]:
                vel[k] = (vk[k + 1] - vk[k - 1]) / (tk[k + 1] - tk[k - 1])
        idx = np.clip(np.searchsorted(tk, times, side="right") - 1, 0, len(tk) - 2)
        h = tk[idx + 1] - tk[idx]
        s = np.clip((times - tk[idx]) / h, 0.0, 1.0)[:, None]
        s3, s4, s5 = s**3, s**4, s**5
        h0 = 1 - 10 * s3 + 15 * s4 - 6 * s5
        h1 = s - 6 * s3 + 8 * s4 - 3 * s5
        h2 = 10 * s3 - 15 * s4 + 6 * s5
        h3 = -4 * s3 + 7 * s4 - 3 * s5
        hh = h[:, None]
        return h0 * vk[idx] + h1 * hh * vel[idx] + h2 * vk[idx + 1] + h3 * hh * vel[idx + 1]


# ----------------------------------------------------------------------------------------------
# the motion builder: gestures and idle behaviour on one hand


class _Builder:
    def __init__(self, rng, person, scene, side=None):
        self.rng, self.p, self.sc = rng, person, scene
        if side is None:
            side = -1 if (person["right_handed"] != scene["mirrored"]) else 1
        self.side = side
        self.geom = _Geom(
            rng, person["hand_len"], person["palm_w"], person["finger_f"], person["thumb_f"], person["nail"], 1 if side < 0 else -1
        )
        rc = scene["R"]
        self.right, self.down, self.fwd = rc[0], rc[1], rc[2]
        self.up = -self.down
        bs = person["body"]
        self.F = scene["face"]
        self.S = self.F + np.array([side * 0.17 * bs, 0.21 * bs, 0.03])
        self.desk_y = scene["cam_height"]
        self.lf = 0.26 * bs
        mode = person["elbow"]
        if mode == "desk":
            self.E = np.array(
                [self.S[0] + side * rng.uniform(-0.03, 0.05), self.desk_y - 0.035, max(0.2, self.F[2] - rng.uniform(0.1, 0.28))]
            )
        elif mode == "armrest":
            self.E = np.array(
                [self.S[0] + side * rng.uniform(0.05, 0.12), self.desk_y + rng.uniform(-0.02, 0.06), self.F[2] + rng.uniform(-0.06, 0.04)]
            )
        else:
            self.E = np.array([self.S[0] + side * 0.04, self.S[1] + 0.2 * bs, self.F[2] - rng.uniform(0.0, 0.12)])
        self.t = 0.0
        self.events = []
        self.occl = []
        self.acts = []
        self.last_was_gesture = False
        # initial state: hand on the desk, on the chin or already up
        pos, q, f = self._start_pose()
        self.pos, self.q, self.f = pos, q, f
        self.P, self.Q, self.Fk = _Track(0, pos), _Track(0, q), _Track(0, f)

    # ---- geometry helpers
    def project(self, pts):
        sc = self.sc
        cam = np.asarray(pts, dtype=float) @ sc["R"].T
        z = np.maximum(cam[..., 2], 0.03)
        xn, yn = cam[..., 0] / z, cam[..., 1] / z
        fac = 1 + sc["k1"] * (xn * xn + yn * yn)
        w, h = sc["size"]
        return np.stack([0.5 + sc["fpx"] / w * xn * fac, 0.5 + sc["fpx"] / h * yn * fac], -1)

    def unproject(self, u, v, depth):
        w, h = self.sc["size"]
        xn, yn = (u - 0.5) * w / self.sc["fpx"], (v - 0.5) * h / self.sc["fpx"]
        return self.sc["R"].T @ np.array([xn * depth, yn * depth, depth])

    def tocam(self, p):
        return _unit(-np.asarray(p, dtype=float))

    def img_dir(self, theta_deg):
        t = math.radians(theta_deg)
        return _unit(math.cos(t) * self.right + math.sin(t) * self.up)

    def pose_points(self, wrist, q, f):
        loc = self.geom.fk(np.asarray(f)[None])[0]
        r = _mat_from_quat(np.asarray(q)) @ _R_CANON
        return wrist + loc @ r.T

    def a_axis(self, q):
        return (_mat_from_quat(np.asarray(q)) @ _R_CANON)[:, 0]

    def center_of(self, wrist, q):
        return wrist + 0.75 * self.geom.lp * self.a_axis(q)

    def wrist_for(self, center, q):
        return np.asarray(center) - 0.75 * self.geom.lp * self.a_axis(q)

    def center_now(self):
        return self.center_of(self.pos, self.q)

    def in_view(self, center=None, margin=0.06):
        c = self.center_now() if center is None else center
        u, v = self.project(c)
        return margin < u < 1 - margin and margin < v < 1 - margin

    def arm_dir(self, phi_deg, psi_deg):
        phi = math.radians(phi_deg) * (-self.side)
        psi = math.radians(psi_deg)
        return np.array([math.sin(phi) * math.cos(psi), -math.cos(phi) * math.cos(psi), -math.sin(psi)])

    def gspace(self, near_face=False, margin=0.12):
        """A palm-centre position in gesture space that the arm can reach and the camera sees."""
        rng = self.rng
        for _ in range(40):
            if near_face and rng.random() < 0.8:
                c = self.F + np.array([self.side * rng.uniform(0.07, 0.17), rng.uniform(-0.02, 0.13), -rng.uniform(0.06, 0.22)])
            else:
                d = self.arm_dir(rng.uniform(-15, 35), rng.uniform(-5, 55))
                c = self.E + (self.lf + 0.7 * self.geom.lp) * d
            if c[2] < 0.16:
                continue
            u, v = self.project(c)
            if margin < u < 1 - margin and margin < v < 1 - margin * 0.6:
                return c
        u = 0.5 + self.side * rng.uniform(0.05, 0.2)
        return self.unproject(u, rng.uniform(0.45, 0.7), max(0.2, self.F[2] - rng.uniform(0.15, 0.3)))

    def fit_view(self, center, q, f, idx, margin=0.03, max_size=0.8):
        """Shift a key pose (palm centre) so that landmarks idx are in the picture and the hand is not too big."""
        w, h = self.sc["size"]
        s = min(w, h)
        c = np.array(center, dtype=float)
        for _ in range(10):
            uv = self.project(self.pose_points(self.wrist_for(c, q), q, f))
            size = float(np.max(np.ptp(uv * np.array([w / s, h / s]), axis=0)))
            if size > max_size and c[2] < self.F[2] - 0.08:
                c = c * min(1 + 0.9 * (size / max_size - 1), (self.F[2] - 0.06) / c[2])
                continue
            sub = uv[idx]
            lo = np.minimum(sub.min(0) - margin, 0.0)
            hi = np.maximum(sub.max(0) - (1 - margin), 0.0)
            shift = -(lo + hi) * 1.15
            if not np.any(shift):
                break
            depth = float((self.sc["R"] @ c)[2])
            c = c + self.right * shift[0] * depth * w / self.sc["fpx"] + self.down * shift[1] * depth * h / self.sc["fpx"]
        return c

    def metres_per_img(self, center, horizontal=True):
        depth = float((self.sc["R"] @ center)[2])
        w, h = self.sc["size"]
        return depth * (w if horizontal else h) / self.sc["fpx"]

    # ---- shapes and timing
    def shape(self, name, jitter=1.0):
        f = _SHAPES[name].copy().reshape(5, 4)
        rng, p = self.rng, self.p
        if name in ("open", "spread", "flat", "relaxed", "gun"):
            f[4, 0] += p["pinky_curl"] * 0.6
            f[4, 2] += p["pinky_curl"]
            f[3, 2] += p["ring_curl"]
        f[0, 0] += p["thumb_habit"]
        f += rng.normal(0, 2.5 * jitter * (1 + p["slop"]), (5, 4)) * np.array([1.0, 0.4, 1.0, 0.6])
        return f.reshape(20)

    def dur(self, lo, hi):
        return self.rng.uniform(lo, hi) * self.p["speed"]

    def transport(self, dist):
        return (0.22 + 0.75 * max(dist, 0.0) ** 0.6) * self.p["speed"] * self.rng.uniform(0.85, 1.15)

    # ---- key writing
    def begin(self):
        for tr, cur in ((self.P, self.pos), (self.Q, self.q), (self.Fk, self.f)):
            if tr.t[-1] < self.t - 1e-3:
                tr.add(self.t, cur)
        return self.t

    def go(self, t, pos=None, q=None, f=None, via=False):
        if pos is not None:
            self.pos = np.asarray(pos, dtype=float)
            self.P.add(t, self.pos, via)
        if q is not None:
            q = np.asarray(q, dtype=float)
            if np.dot(q, self.q) < 0:
                q = -q
            self.q = q
            self.Q.add(t, q, via)
        if f is not None:
            self.f = np.asarray(f, dtype=float)
            self.Fk.add(t, self.f, via)

    def _start_pose(self):
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            pos = self._desk_center()
            q = _quat_from_ac([0, 0.2, -1], [0, 1, 0])
            return self.wrist_for(pos, q), q, self.shape("type")
        c = self.gspace(near_face=r < 0.6, margin=0.08)
        q = _quat_from_ac(self.up + 0.3 * self.side * -self.right, self.tocam(c) * 0.6 + np.array([0, 0, 1.0]) * 0.4)
        return self.wrist_for(c, q), q, self.shape("relaxed")

    def _desk_center(self, lateral=0.0):
        rng = self.rng
        return np.array(
            [
                self.S[0] + self.side * (lateral + rng.uniform(-0.08, 0.03)),
                self.desk_y - 0.03,
                max(0.12, self.F[2] - rng.uniform(0.18, 0.32)),
            ]
        )

    def move_to(self, center, q, f, dur=None, f_lead=0.2):
        t0 = self.begin()
        wrist = self.wrist_for(center, q)
        d = self.transport(np.linalg.norm(wrist - self.pos)) if dur is None else dur
        self.go(t0 + d, pos=wrist, q=q)
        self.go(t0 + d * (1 - f_lead), f=f)
        self.t = t0 + d
        return self.t

    def record(self, label, t0, t1, hold=None, intent=None, style=""):
        self.events.append({"label": label, "t0": t0, "t1": t1, "hold": hold, "intent": intent, "style": style})
        self.t = max(self.t, t1)
        self.last_was_gesture = True

    def palm_q(self, center, lean_back=0.0, roll_deg=0.0):
        """Palm towards the lens, fingers up; lean_back tips the fingers away from the camera."""
        tc = self.tocam(center)
        a = _unit(self.up + lean_back * -tc + math.tan(math.radians(roll_deg)) * self.right)
        return _quat_from_ac(a, tc)

    # ------------------------------------------------------------------------------------------
    # gestures

    def ready(self, near_face=False):
        """Bring the hand up into gesture space if it is not there (unannotated), with a little pause."""
        if self.in_view(margin=0.1) and self.center_now()[2] > 0.16:
            return
        c = self.gspace(near_face=near_face)
        self.move_to(c, self.palm_q(c, 0.3, self.rng.normal(0, 15)), self.shape("relaxed"))
        self.t += self.rng.uniform(0.1, 0.5)

    def g_point(self, theta=None, style=None):
        rng, p = self.rng, self.p
        if theta is None:
            if rng.random() < 0.45:
                theta = rng.uniform(0, 360)
            else:
                theta = float(rng.choice([0, 45, 90, 135, 180, 225, 270, 315]) + rng.normal(0, 8))
        theta = float(theta % 360)
        style = style or str(rng.choice(["reach", "static", "jab", "wrist"], p=[0.4, 0.3, 0.12, 0.18]))
        if style in ("static", "wrist"):
            self.ready()
        d_img = self.img_dir(theta)
        if style in ("static", "wrist"):
            base = self.center_now()
        else:
            base = self.center_now() if (self.in_view(margin=0.12) and rng.random() < 0.5) else self.gspace()
        tc = self.tocam(base)
        down_ish = math.sin(math.radians(theta)) < -0.5
        tilt = rng.uniform(0.2, 0.8) if down_ish else rng.uniform(-0.15, 0.45)
        a = _unit(d_img + tilt * tc)
        opts = {"thumbup": 0.4, "down": 0.3, "camera": 0.15, "back": 0.15}
        if math.sin(math.radians(theta)) > 0.6:
            opts = {"camera": 0.5, "thumbup": 0.3, "back": 0.2, "down": 0.0}
        elif down_ish:
            opts = {"back": 0.45, "thumbup": 0.3, "camera": 0.25, "down": 0.0}
        names = list(opts)
        palm = names[int(rng.choice(len(names), p=np.array(list(opts.values())) / sum(opts.values())))]
        if palm == "down":
            c = -self.up
        elif palm == "camera":
            c = tc
        elif palm == "back":
            c = -tc
        else:
            c = _unit(np.cross(a, self.up))
            if np.dot(np.cross(a, c), self.up) * self.geom.chir < 0:
                c = -c
        if abs(np.dot(_unit(c), a)) > 0.85:
            c = tc if abs(np.dot(tc, a)) < 0.85 else self.up
        f = self.shape("gun" if rng.random() < 0.25 else "point").reshape(5, 4)
        loose = p["slop"] * rng.uniform(0.0, 0.35)
        f[2:, [0, 2, 3]] *= 1 - loose * np.array([[1.0], [0.7], [0.5]])
        f = f.reshape(20)
        q = _quat_from_ac(a, c)
        if style in ("reach", "jab"):
            reach = rng.uniform(0.03, 0.12) * p["amp"]
            center = base + d_img * reach + tc * rng.uniform(0.02, 0.09)
        else:
            center = base + rng.normal(0, 0.008, 3)
        if center[2] < 0.17:
            center = center + np.array([0, 0, 0.17 - center[2]])
        center = self.fit_view(center, q, f, [5, 6, 7, 8, 9, 13, 17], margin=0.04, max_size=0.8)
        q = self._aim(self.wrist_for(center, q), q, f, theta)
        center = self.fit_view(center, q, f, [5, 6, 7, 8, 9, 13, 17], margin=0.04, max_size=0.8)
        wrist = self.wrist_for(center, q)
        t0 = self.begin()
        if style in ("reach", "jab"):
            tr = max(0.3, self.transport(np.linalg.norm(wrist - self.pos)))
        else:
            tr = self.dur(0.25, 0.45)
        hold = min(self.dur(0.5, 1.6), 2.6 - tr)
        self.go(t0 + tr * rng.uniform(0.55, 0.9), f=f)
        self.go(t0 + tr, pos=wrist, q=q)
        th0 = t0 + tr
        if style == "jab":
            tj = th0 + rng.uniform(0.1, 0.25)
            for _ in range(int(rng.integers(1, 3))):
                if tj + 0.3 > th0 + hold:
                    break
                self.go(tj, pos=wrist)
                self.go(tj + 0.1, pos=wrist + self.a_axis(q) * rng.uniform(0.015, 0.035) * p["amp"])
                self.go(tj + 0.24, pos=wrist)
                tj += 0.3
        self.go(th0 + hold, pos=wrist + rng.normal(0, 0.004, 3), q=q, f=f)
        start = t0 + (tr * rng.uniform(0.05, 0.3) if style in ("reach", "jab") else rng.uniform(0.0, 0.1))
        end = th0 + hold + rng.uniform(0.0, 0.12)
        self.t = th0 + hold
        self.record("point", start, end, hold=(th0 + 0.05, th0 + hold - 0.03), intent=theta, style=f"{style}/{palm}")

    def _aim(self, wrist, q, f, theta):
        """Turn the hand about the optical axis until the index finger points at theta in the image (pixels)."""
        w, h = self.sc["size"]
        for _ in range(3):
            uv = self.project(self.pose_points(wrist, q, f)[[5, 8]])
            v = (uv[1] - uv[0]) * np.array([w, h])
            err = _wrap(theta - math.degrees(math.atan2(-v[1], v[0])))
            q = _qmul(_qrotvec(self.fwd * math.radians(-err)), q)
        return q

    def g_swipe(self, label, carry=None):
        rng, p = self.rng, self.p
        horiz = label in ("swipe_left", "swipe_right")
        d = {"swipe_left": -self.right, "swipe_right": self.right, "swipe_up": self.up, "swipe_down": -self.up}[label]
        if carry == "fist" and rng.random() < 0.7:
            style = "fist"
        elif carry == "point" and rng.random() < 0.45:
            style = "finger"
        elif horiz:
            style = str(rng.choice(["wipe", "push", "back", "arc", "flick", "finger"], p=[0.27, 0.15, 0.12, 0.24, 0.14, 0.08]))
        else:
            style = str(rng.choice(["wipe", "palmup", "flick", "finger", "arc"], p=[0.32, 0.32, 0.14, 0.08, 0.14]))
        if style == "flick":
            l_img = rng.uniform(0.1, 0.22) * p["amp"]
        else:
            l_img = rng.uniform(0.14, 0.5) * p["amp"]
        l_img = float(np.clip(l_img, 0.09, 0.6))
        c0 = self.center_now() if (self.in_view(margin=0.15) and rng.random() < 0.5) else self.gspace()
        c0 = self.fit_view(c0, self.palm_q(c0), _SHAPES["open"], _PALM, margin=0.1, max_size=0.8)
        metres = l_img * self.metres_per_img(c0, horiz)
        along = rng.uniform(0.25, 0.65)
        start_c = c0 - d * metres * along
        end_c = start_c + d * metres
        for _ in range(6):  # keep the start in view and the end not far outside
            u0, v0 = self.project(start_c)
            u1, v1 = self.project(end_c)
            if 0.08 < u0 < 0.92 and 0.08 < v0 < 0.95 and -0.02 < u1 < 1.02 and -0.02 < v1 < 1.02:
                break
            shift = self.unproject(0.5, 0.55, float((self.sc["R"] @ c0)[2])) - 0.5 * (start_c + end_c)
            start_c, end_c = start_c + 0.4 * shift, end_c + 0.4 * shift
        if not horiz and label == "swipe_down":
            end_c = end_c + self.tocam(end_c) * metres * rng.uniform(0.0, 0.3)
        elif not horiz:
            end_c = end_c - self.tocam(end_c) * metres * rng.uniform(0.0, 0.25)
        tc = self.tocam(start_c)
        lean = rng.uniform(-0.1, 0.4)
        if style in ("wipe", "arc", "flick"):
            a, c = _unit(self.up + lean * -tc + 0.25 * self.side * -self.right * rng.uniform(-0.5, 1.5)), tc
            fshape = str(rng.choice(["open", "flat", "spread", "relaxed"], p=[0.35, 0.35, 0.15, 0.15]))
        elif style == "push":
            a, c = _unit(self.up + 0.2 * tc), d
            fshape = "flat"
        elif style == "back":
            a, c = _unit(self.up + 0.2 * tc), -d
            fshape = str(rng.choice(["open", "relaxed"]))
        elif style == "palmup":
            if label == "swipe_up":
                a, c = _unit(tc + 0.5 * self.up), self.up
            else:
                a, c = _unit(tc + 0.3 * self.up), -self.up
            fshape = str(rng.choice(["flat", "open", "relaxed"]))
        elif style == "finger":
            a, c = _unit(self.up + 0.3 * tc + (d if horiz else 0 * d) * 0.5), tc
            fshape = "point"
        else:  # fist
            a, c = _unit(self.up + 0.3 * tc), tc if rng.random() < 0.5 else _unit(-self.side * self.right)
            fshape = "fist"
        f = self.shape(fshape)
        if fshape == "fist":
            f = self.f.copy() if carry == "fist" else f
        # wrist lag: the fingers trail the motion at the start and lead it at the end
        perp = d - np.dot(d, a) * a
        lag_dir = perp if np.linalg.norm(perp) > 0.3 else tc * (1 if label == "swipe_up" else -1)
        lag_dir = _unit(lag_dir)
        w_lag = math.radians(rng.uniform(8, 25) if style != "flick" else rng.uniform(15, 30))
        q_s = _quat_from_ac(_unit(a - lag_dir * math.sin(w_lag)), c)
        q_e = _quat_from_ac(_unit(a + lag_dir * math.sin(w_lag * 0.8)), c)
        t0 = self.begin()
        wind = -d * metres * rng.uniform(0.0, 0.12)
        ws = self.wrist_for(start_c + wind, q_s)
        tp = max(0.22, self.transport(np.linalg.norm(ws - self.pos)))
        self.go(t0 + tp * rng.uniform(0.6, 0.9), f=f)
        self.go(t0 + tp, pos=ws, q=q_s)
        ts0 = t0 + tp + rng.uniform(0.0, 0.12)
        speed_k = rng.uniform(0.22, 0.5) if style != "flick" else rng.uniform(0.1, 0.2)
        ts = float(np.clip(speed_k * p["speed"] * (0.7 + 2.0 * metres), 0.12, 0.9))
        self.go(ts0, pos=ws, q=q_s)
        if style == "arc":
            # windscreen-wiper stroke about the elbow: the forearm direction turns, the hand rolls with it
            e = self.E if np.linalg.norm(start_c - self.E) < 0.6 else start_c - self.up * (self.lf + 0.7 * self.geom.lp)
            r0, r1 = start_c - e, end_c - e
            n_via = 3
            for k in range(1, n_via + 1):
                s = k / (n_via + 1)
                rad = (1 - s) * np.linalg.norm(r0) + s * np.linalg.norm(r1)
                pc = e + _unit((1 - s) * r0 + s * r1) * rad
                ak = _unit(pc - e)
                qk = _quat_from_ac(_unit(ak + lean * -tc), tc)
                self.go(ts0 + s * ts, pos=self.wrist_for(pc, qk), q=qk, via=True)
            a_end = _unit(end_c - e)
            q_e = _quat_from_ac(_unit(a_end + lean * -tc + lag_dir * 0.15), tc)
        else:
            bow = rng.normal(0, 0.06 + 0.08 * p["slop"]) * metres
            side_v = _unit(np.cross(d, tc))
            mid = 0.5 * (start_c + end_c) + side_v * bow
            q_m = _quat_from_ac(a, c)
            self.go(ts0 + 0.5 * ts, pos=self.wrist_for(mid, q_m), q=q_m, via=True)
        we = self.wrist_for(end_c, q_e)
        self.go(ts0 + ts, pos=we, q=q_e)
        follow = rng.uniform(0.1, 0.25)
        relaxed = 0.7 * self.f + 0.3 * self.shape("relaxed")
        self.go(ts0 + ts + follow, pos=we + d * metres * rng.uniform(0.02, 0.08) - self.up * rng.uniform(0.0, 0.02), f=relaxed)
        start = max(t0 + tp * rng.uniform(0.8, 0.95), ts0 - rng.uniform(0.08, 0.3))
        end = ts0 + ts + rng.uniform(0.03, 0.18)
        if end - start < 0.34:
            start = max(t0, end - 0.34)
        self.t = ts0 + ts + follow
        self.record(label, start, end, style=style)

    def g_grab(self, style=None):
        rng, p = self.rng, self.p
        style = style or str(rng.choice(["present", "reach", "top", "slow", "snap"], p=[0.3, 0.25, 0.15, 0.15, 0.15]))
        c = self.center_now() if (self.in_view(margin=0.12) and rng.random() < 0.4) else self.gspace()
        tc = self.tocam(c)
        if style == "top":
            q = _quat_from_ac(_unit(tc + 0.5 * -self.up), -self.up)
        else:
            q = self.palm_q(c, rng.uniform(-0.1, 0.35), rng.normal(-8 * self.side, 10))
        f_open = self.shape(str(rng.choice(["spread", "open"], p=[0.55, 0.45])))
        f_fist = self.shape("fist")
        looseness = p["slop"] * rng.uniform(0, 0.3)
        f_fist = (1 - looseness) * f_fist + looseness * self.shape("loose_fist")
        t0 = self.begin()
        if style == "reach":
            c = c + tc * rng.uniform(0.05, 0.12)
            if c[2] < 0.16:
                c[2] = 0.16
        c = self.fit_view(c, q, f_open, [5, 9, 13, 17], margin=0.02, max_size=0.85)
        w = self.wrist_for(c, q)
        tp = max(0.25, self.transport(np.linalg.norm(w - self.pos)))
        self.go(t0 + tp * rng.uniform(0.5, 0.85), f=f_open)
        self.go(t0 + tp, pos=w, q=q)
        tc0 = t0 + tp + rng.uniform(0.1, 0.5)
        self.go(tc0, pos=w + rng.normal(0, 0.004, 3), q=q, f=f_open)
        tcl = {"snap": rng.uniform(0.12, 0.25), "slow": rng.uniform(0.6, 1.1)}.get(style, rng.uniform(0.25, 0.5)) * p["speed"]
        frac = np.clip(0.5 + rng.normal(0, 0.15, 5), 0.2, 0.85)
        frac[0] = rng.uniform(0.1, 0.4)
        if rng.random() < 0.5:  # pinky-first or index-first closing order
            frac[1:] = np.sort(frac[1:]) if rng.random() < 0.5 else np.sort(frac[1:])[::-1]
        mid = (f_open.reshape(5, 4) + frac[:, None] * (f_fist - f_open).reshape(5, 4)).reshape(20)
        if style == "slow":
            mid = 0.5 * mid + 0.5 * self.shape("claw")
        self.go(tc0 + 0.5 * tcl, f=mid, via=True)
        self.go(tc0 + tcl, f=f_fist)
        t_end = tc0 + tcl + rng.uniform(0.15, 0.45)
        if style == "reach":
            self.go(tc0 + tcl * 0.8, pos=w)
            self.go(t_end, pos=w - tc * rng.uniform(0.04, 0.1), q=q)
        else:
            self.go(t_end, pos=w + rng.normal(0, 0.005, 3), q=q)
        start = t0 + tp * rng.uniform(0.5, 0.9)
        end = tc0 + tcl + rng.uniform(0.1, 0.35)
        self.t = t_end
        self.record("grab", start, end, style=style)

    def g_come(self, style=None):
        rng, p = self.rng, self.p
        style = style or str(rng.choice(["index", "fingers", "wave", "down", "arm"], p=[0.3, 0.25, 0.2, 0.1, 0.15]))
        c = self.center_now() if (self.in_view(margin=0.12) and rng.random() < 0.4) else self.gspace(near_face=rng.random() < 0.3)
        tc = self.tocam(c)
        if style in ("index", "fingers", "arm"):
            q = _quat_from_ac(_unit(tc * rng.uniform(0.5, 1.2) + self.up), _unit(self.up - 0.5 * tc))
            f_out = self.shape("open") if style != "index" else self.shape("point")
            f_in = self.shape("beckon_idx" if style == "index" else "beckon_all")
        elif style == "wave":
            q = _quat_from_ac(_unit(self.up + rng.uniform(-0.2, 0.3) * tc), -tc)
            f_out, f_in = self.shape("flat"), self.shape("beckon_all")
            f_in.reshape(5, 4)[1:, 0] += 15
        else:
            q = _quat_from_ac(_unit(tc + 0.3 * self.up), -self.up)
            f_out, f_in = self.shape("open"), self.shape("beckon_all")
        c = self.fit_view(c, q, f_out, [0, 5, 9, 13, 17], margin=0.03, max_size=0.8)
        n = int(rng.choice([2, 3, 3, 4]))
        period = rng.uniform(0.3, 0.6) * p["speed"]
        n = max(1, min(n, int((2.6 - 0.3) / period)))
        t0 = self.begin()
        w = self.wrist_for(c, q)
        tp = max(0.25, self.transport(np.linalg.norm(w - self.pos)))
        self.go(t0 + tp * 0.8, f=f_out)
        self.go(t0 + tp, pos=w, q=q)
        t = t0 + tp + rng.uniform(0.0, 0.2)
        self.go(t, pos=w, q=q, f=f_out)
        first = t
        for _k in range(n):
            amp = rng.uniform(0.7, 1.0)
            fin = f_out + amp * (f_in - f_out)
            if style == "arm" or style == "wave":
                self.go(t + period / 2, pos=w - tc * rng.uniform(0.02, 0.06) * p["amp"], f=fin)
                self.go(t + period, pos=w, f=f_out)
            else:
                self.go(t + period / 2, f=fin)
                self.go(t + period, f=f_out)
            t += period
        start = max(t0 + 0.5 * tp, first - rng.uniform(0.0, 0.15))
        end = t + rng.uniform(0.0, 0.15)
        self.t = t
        self.record("come_here", start, end, style=style)

    def g_stop(self, style=None):
        rng, p = self.rng, self.p
        style = style or str(rng.choice(["raise", "push", "static", "fast"], p=[0.4, 0.25, 0.2, 0.15]))
        if style == "static":
            self.ready(near_face=rng.random() < 0.4)
            c = self.center_now()
        else:
            c = self.gspace(near_face=rng.random() < 0.3)
        q = self.palm_q(c, rng.uniform(-0.05, 0.35), rng.normal(-10 * self.side, 10))
        f = self.shape(str(rng.choice(["flat", "open", "spread"], p=[0.45, 0.35, 0.2])))
        f.reshape(5, 4)[1:, [0, 2]] += p["slop"] * rng.uniform(0, 14)
        if style != "static":
            c = self.fit_view(c, q, f, [5, 9, 13, 17], margin=0.03, max_size=0.75 if style == "push" else 0.85)
        t0 = self.begin()
        w = self.wrist_for(c, q)
        if style == "static":
            tp = self.dur(0.25, 0.45)
        else:
            tp = max(0.25, self.transport(np.linalg.norm(w - self.pos)) * (0.65 if style == "fast" else 1.0))
        self.go(t0 + tp * rng.uniform(0.6, 0.9), f=f)
        self.go(t0 + tp, pos=w, q=q)
        th = t0 + tp
        if style == "push":
            tc = self.tocam(c)
            w2 = w + tc * rng.uniform(0.04, 0.12) * p["amp"]
            if w2[2] < 0.15:
                w2[2] = 0.15
            tpush = rng.uniform(0.18, 0.35)
            self.go(th + tpush, pos=w2, q=q)
            w, th = w2, th + tpush
        hold = min(self.dur(0.5, 1.8), 2.7 - (th - t0))
        hold = max(hold, 0.35)
        self.go(th + hold, pos=w + rng.normal(0, 0.004, 3), q=q, f=f)
        start = t0 + (tp * rng.uniform(0.3, 0.7) if style != "static" else rng.uniform(0.0, 0.1))
        end = th + hold + rng.uniform(0.0, 0.15)
        self.t = th + hold
        self.record("stop", start, end, style=style)

    def gesture(self, label, theta=None, carry=None):
        self.last_was_gesture = False
        if label == "point":
            self.g_point(theta)
        elif label in _SWIPES:
            self.g_swipe(label, carry=carry)
        elif label == "grab":
            self.g_grab()
        elif label == "come_here":
            self.g_come()
        else:
            self.g_stop()

    def gap(self, d):
        """Short pause between the two gestures of a pair: hold, maybe relax a little."""
        t0 = self.begin()
        rng = self.rng
        f = self.f if rng.random() < 0.5 else 0.6 * self.f + 0.4 * self.shape("relaxed")
        self.go(t0 + d, pos=self.pos + rng.normal(0, 0.008, 3) - self.up * rng.uniform(0, 0.02), f=f)
        self.t = t0 + d

    # ------------------------------------------------------------------------------------------
    # idle behaviour

    _ACTS = {
        "type": (0.9, 4.0),
        "mouse": (0.9, 4.0),
        "rest": (0.5, 3.0),
        "chin": (1.2, 4.0),
        "face": (0.8, 2.5),
        "hair": (1.0, 2.2),
        "drink": (1.6, 4.0),
        "talk": (0.8, 4.0),
        "scratch": (0.7, 2.0),
        "glasses": (0.9, 1.8),
        "phone": (1.2, 4.0),
        "leave": (1.0, 3.5),
        "fidget": (0.5, 3.0),
        "wave": (1.0, 2.0),
    }

    def idle(self, d):
        rng = self.rng
        end = self.t + d
        if self.last_was_gesture and d > 0.4:
            t0 = self.begin()
            r = min(rng.uniform(0.25, 0.5), d * 0.5)
            self.go(
                t0 + r,
                pos=self.pos - self.up * rng.uniform(0.01, 0.05) - self.tocam(self.pos) * rng.uniform(0, 0.04),
                f=self.shape("relaxed"),
            )
            self.t = t0 + r
        self.last_was_gesture = False
        w = self.p["idle_w"]
        while end - self.t > 0.35:
            rem = end - self.t
            names = [k for k, (lo, _) in self._ACTS.items() if lo <= rem and w.get(k, 0) > 0]
            if not names:
                break
            pw = np.array([w[k] for k in names])
            name = names[int(rng.choice(len(names), p=pw / pw.sum()))]
            lo, hi = self._ACTS[name]
            dd = min(rem, rng.uniform(lo, hi))
            if rem - dd < 0.35:
                dd = rem
            t_act = self.t
            getattr(self, "a_" + name)(dd)
            self.acts.append((name, round(t_act, 3), round(self.t, 3)))
        self.begin()
        self.t = max(self.t, end)
        self.begin()

    def _seq(self, t0, d, pts):
        """Helper for idle paths: pts are (fraction of d, centre or None, q or None, f or None, via)."""
        for frac, c, q, f, via in pts:
            t = t0 + frac * d
            qq = self.q if q is None else q
            self.go(t, pos=None if c is None else self.wrist_for(c, qq), q=q, f=f, via=via)
        self.t = t0 + d

    def _arrive(self, d, c, q, f, share=0.45):
        t0 = self.begin()
        tr = min(self.transport(np.linalg.norm(self.wrist_for(c, q) - self.pos)), share * d)
        self.go(t0 + tr, pos=self.wrist_for(c, q), q=q)
        self.go(t0 + tr * 0.8, f=f)
        return t0, t0 + tr

    def a_type(self, d, lateral=0.0):
        rng = self.rng
        c = self._desk_center(lateral)
        q = _quat_from_ac([rng.normal(0, 0.2), 0.2, -1], [0, 1, 0])
        base = self.shape("type")
        t0, t = self._arrive(d, c, q, base)
        w = self.wrist_for(c, q)
        while t + 0.3 < t0 + d:
            dt = rng.uniform(0.1, 0.3)
            fv = base.copy().reshape(5, 4)
            k = int(rng.integers(1, 5))
            fv[k, 0] += rng.uniform(10, 25)
            fv[k, 2] += rng.uniform(5, 20)
            if lateral:
                w = w + np.array([rng.normal(0, 0.01), 0, rng.normal(0, 0.01)])
            self.go(t + dt, pos=w + rng.normal(0, 0.006, 3), f=fv.reshape(20), via=True)
            t += dt
        self.go(t0 + d, pos=w, f=base)
        self.t = t0 + d

    def a_mouse(self, d):
        self.a_type(d, lateral=0.12)

    def a_rest(self, d):
        rng = self.rng
        if rng.random() < 0.5:
            u = 0.5 + self.side * rng.uniform(0.05, 0.35)
            c = self.unproject(u, rng.uniform(0.85, 1.12), max(0.18, self.F[2] - rng.uniform(0.05, 0.25)))
            q = _quat_from_ac(_unit(-self.side * self.right + rng.normal(0, 0.2, 3)), [0, 1, 0.3])
        else:
            c = self.gspace(margin=0.05) - self.up * rng.uniform(0.0, 0.06)
            q = _quat_from_ac(_unit(self.up - self.side * self.right * rng.uniform(0, 1)), _unit(self.tocam(c) + rng.normal(0, 0.4, 3)))
        t0, t = self._arrive(d, c, q, self.shape("relaxed"))
        self.go(t0 + d, pos=self.wrist_for(c, q) + rng.normal(0, 0.006, 3))
        self.t = t0 + d

    def a_chin(self, d):
        rng = self.rng
        bs = self.p["body"]
        if rng.random() < 0.6:
            c = self.F + np.array([self.side * rng.uniform(0.0, 0.04), 0.12 * bs, -0.07])
            q = _quat_from_ac([self.side * -0.2, -1, 0.3], [0, -0.2, 1.0])
            f = self.shape("loose_fist" if rng.random() < 0.6 else "relaxed")
        else:
            c = self.F + np.array([self.side * 0.06, 0.07 * bs, -0.05])
            q = _quat_from_ac([self.side * -0.3, -1, 0.2], [-self.side * 0.6, 0, 1.0])
            f = self.shape("open")
        t0, t = self._arrive(d, c, q, f)
        w = self.wrist_for(c, q)
        while t + 0.6 < t0 + d:
            dt = rng.uniform(0.4, 1.2)
            fv = f.copy()
            if rng.random() < 0.4:
                fv.reshape(5, 4)[1, [0, 2]] += rng.uniform(-20, 20)
            self.go(t + dt, pos=w + rng.normal(0, 0.006, 3), f=fv)
            t += dt
        self.go(t0 + d, pos=w)
        self.t = t0 + d

    def a_face(self, d):
        rng = self.rng
        spot = rng.integers(3)
        if spot == 0:  # rub an eye
            c = self.F + np.array([self.side * 0.02, 0.05, -0.07])
            f = self.shape("pinch")
        elif spot == 1:  # hand on the cheek
            c = self.F + np.array([self.side * 0.07, 0.05, -0.04])
            f = self.shape("relaxed")
        else:  # touch the nose or mouth
            c = self.F + np.array([self.side * 0.01, 0.1, -0.08])
            f = self.shape("index_up")
        q = _quat_from_ac([self.side * -0.3, -1, 0.25], [-self.side * 0.3, 0, 1.0])
        t0, t = self._arrive(d, c, q, f, share=0.5)
        w = self.wrist_for(c, q)
        n = int((t0 + d - t) / 0.22)
        for k in range(max(0, n)):
            self.go(t + (k + 1) * 0.22, pos=w + rng.normal(0, 0.008, 3), via=True)
        self.go(t0 + d, pos=w)
        self.t = t0 + d

    def a_hair(self, d):
        rng = self.rng
        s = self.side
        q1 = _quat_from_ac([s * 0.1, -1, 0.2], [-s * 0.7, 0.2, 0.7])
        q2 = _quat_from_ac([0, -0.6, 1.0], [-s * 0.5, 0.6, 0.3])
        f = self.shape(str(rng.choice(["spread", "claw", "open"])))
        t0 = self.begin()
        self._seq(
            t0,
            d,
            [
                (0.3, self.F + np.array([s * 0.09, -0.03, -0.03]), q1, f, False),
                (0.55, self.F + np.array([s * 0.06, -0.13, 0.02]), q2, None, True),
                (0.72, self.F + np.array([s * 0.05, -0.12, 0.1]), q2, None, False),
                (1.0, self.F + np.array([s * 0.15, 0.05, 0.02]), q1, self.shape("relaxed"), False),
            ],
        )

    def a_drink(self, d, other=False):
        rng = self.rng
        s = self.side
        q = _quat_from_ac([-s, -0.25, 0.1], [0, 0.1, 1.0])
        q_tilt = _qmul(_qrotvec(np.array([1.0, 0, 0]) * math.radians(-rng.uniform(20, 45))), q)
        mouth = self.F + np.array([s * 0.05, 0.1, -0.1])
        desk = self._desk_center() + np.array([s * 0.08, -0.04, 0])
        f = self.shape("mug")
        t0 = self.begin()
        up0, up1 = 0.32, 0.32 + rng.uniform(0.2, 0.4)
        self._seq(
            t0,
            d,
            [
                (0.14, desk, q, f, False),
                (up0, mouth, q, None, False),
                (0.5 * (up0 + up1), mouth + np.array([0, -0.01, 0.01]), q_tilt, None, False),
                (up1, mouth, q, None, False),
                (min(0.95, up1 + 0.25), desk, q, None, False),
                (1.0, desk, q, None, False),
            ],
        )
        self.occl.append((t0 + 0.1 * d, t0 + 0.97 * d, 0.6))

    def a_talk(self, d):
        rng = self.rng
        c = self.gspace(margin=0.05) - self.up * rng.uniform(0.0, 0.08)
        tc = self.tocam(c)
        q = _quat_from_ac(_unit(self.up + tc * rng.uniform(0.2, 1.0)), _unit(self.up * rng.uniform(0, 1) + tc * 0.5))
        t0, t = self._arrive(d, c, q, self.shape("relaxed"))
        w = self.wrist_for(c, q)
        while t + 0.3 < t0 + d:
            kind = rng.choice(["beat", "present", "roll", "index", "drift"], p=[0.35, 0.2, 0.15, 0.08, 0.22])
            if kind == "beat":
                n = int(rng.integers(2, 5))
                per = rng.uniform(0.25, 0.5)
                for _ in range(n):
                    if t + per > t0 + d:
                        break
                    self.go(t + per / 2, pos=w - self.up * rng.uniform(0.015, 0.04))
                    self.go(t + per, pos=w)
                    t += per
            elif kind == "present":
                qq = _quat_from_ac(_unit(tc + 0.4 * self.up + rng.normal(0, 0.2, 3)), self.up)
                dt = min(rng.uniform(0.4, 0.9), t0 + d - t)
                self.go(
                    t + dt,
                    pos=w + tc * rng.uniform(0.0, 0.05) + rng.normal(0, 0.02, 3),
                    q=qq,
                    f=self.shape(str(rng.choice(["open", "relaxed"]))),
                )
                t += dt
            elif kind == "roll":
                dt = min(rng.uniform(0.5, 1.0), t0 + d - t)
                qq = _qmul(_qrotvec(self.up * math.radians(rng.uniform(-60, 60))), self.q)
                self.go(t + dt, q=qq, pos=w + rng.normal(0, 0.02, 3), via=False)
                t += dt
            elif kind == "index":
                dt = min(rng.uniform(0.3, 0.5), t0 + d - t)
                self.go(t + dt * 0.4, f=self.shape("index_up"))
                self.go(t + dt, f=self.shape("relaxed"))
                t += dt
            else:
                dt = min(rng.uniform(0.4, 1.0), t0 + d - t)
                w = self.wrist_for(self.gspace(margin=0.05) - self.up * 0.05, self.q) if rng.random() < 0.3 else w + rng.normal(0, 0.03, 3)
                self.go(t + dt, pos=w, f=self.shape("relaxed"))
                t += dt
        self.t = t0 + d

    def a_scratch(self, d):
        rng = self.rng
        s = self.side
        spot = int(rng.integers(4))
        c = (
            self.F
            + [
                np.array([s * 0.07, 0.04, -0.05]),
                np.array([s * 0.1, 0.0, 0.02]),
                np.array([s * 0.05, -0.13, 0.03]),
                np.array([s * 0.03, 0.17, -0.02]),
            ][spot]
        )
        q = _quat_from_ac([s * -0.2, -1, 0.3 if spot != 2 else 0.8], [-s * 0.5, 0.2, 1.0])
        f = self.shape("claw")
        t0, t = self._arrive(d, c, q, f, share=0.5)
        per = rng.uniform(0.15, 0.3)
        while t + per < t0 + d:
            fv = f.copy().reshape(5, 4)
            fv[1:3, [0, 2]] += rng.uniform(10, 25)
            self.go(t + per / 2, f=fv.reshape(20))
            self.go(t + per, f=f)
            t += per
        self.t = t0 + d

    def a_glasses(self, d):
        rng = self.rng
        c = self.F + np.array([self.side * 0.02, 0.07, -0.07])
        q = _quat_from_ac([self.side * -0.15, -1, 0.15], [0, 0.1, 1.0])
        t0, t = self._arrive(d, c, q, self.shape("pinch"), share=0.5)
        w = self.wrist_for(c, q)
        self.go(t + 0.25 * (t0 + d - t), pos=w - self.up * -0.0 + self.up * rng.uniform(0.01, 0.02))
        self.go(t0 + d * 0.85, pos=w + self.up * 0.01)
        self.go(t0 + d, pos=w + self.side * self.right * 0.05 - self.up * 0.04, f=self.shape("relaxed"))
        self.t = t0 + d

    def a_phone(self, d, other=False):
        rng = self.rng
        s = self.side
        u = 0.5 + s * rng.uniform(-0.05, 0.25)
        c = self.unproject(u, rng.uniform(0.7, 0.98), max(0.2, self.F[2] - rng.uniform(0.15, 0.3)))
        q = _quat_from_ac([-s * 0.25, -0.8, -0.5], [0, -0.6, 0.8])
        f = self.shape("phone")
        t0, t = self._arrive(d, c, q, f)
        w = self.wrist_for(c, q)
        while t + 0.3 < t0 + d:
            dt = rng.uniform(0.25, 0.6)
            fv = f.copy().reshape(5, 4)
            fv[0, 0] += rng.uniform(-15, 10)
            fv[0, 2:] += rng.uniform(0, 25)
            self.go(t + dt, pos=w + rng.normal(0, 0.004, 3), f=fv.reshape(20))
            t += dt
        self.t = t0 + d
        self.occl.append((t0, t0 + d, 0.35))

    def a_leave(self, d):
        rng = self.rng
        c = self.F + np.array([self.side * rng.uniform(0.45, 0.7), rng.uniform(0.1, 0.3), -rng.uniform(0.0, 0.15)])
        q = _quat_from_ac([self.side, -0.3, -0.3], [0, 1, 0])
        t0, t = self._arrive(d, c, q, self.shape("relaxed"), share=0.4)
        back = self.gspace(margin=0.05)
        qb = self.palm_q(back, 0.4, 20 * -self.side)
        self.go(t0 + d * 0.65, pos=self.wrist_for(c, q))
        self.go(t0 + d, pos=self.wrist_for(back, qb), q=qb)
        self.t = t0 + d

    def a_fidget(self, d):
        rng = self.rng
        if not self.in_view(margin=0.05):
            c = self.gspace(margin=0.05) - self.up * 0.04
            q = _quat_from_ac(_unit(self.up + rng.normal(0, 0.4, 3)), _unit(self.tocam(c) + rng.normal(0, 0.6, 3)))
            t0, t = self._arrive(d, c, q, self.shape("relaxed"), share=0.5)
        else:
            t0 = t = self.begin()
        w = self.pos.copy()
        base = self.shape("relaxed")
        mode = rng.integers(3)
        while t + 0.15 < t0 + d:
            fv = base.copy().reshape(5, 4)
            if mode == 0:  # drum the fingers
                k = 1 + (int(t * 10) % 4)
                fv[k, 0] += 25
                dt = 0.12
            elif mode == 1:  # rub thumb and index
                fv[0] = [20, 45, 25, 20]
                fv[1, [0, 2]] += rng.uniform(5, 25)
                dt = 0.2
            else:  # stretch and flex
                fv = self.shape(str(rng.choice(["spread", "loose_fist", "relaxed"]))).reshape(5, 4)
                dt = rng.uniform(0.3, 0.6)
            self.go(t + dt, pos=w + rng.normal(0, 0.005, 3), f=fv.reshape(20))
            t += dt
        self.t = t0 + d

    def a_wave(self, d):
        rng = self.rng
        c = self.gspace(near_face=rng.random() < 0.5)
        q = self.palm_q(c, 0.1, 0)
        t0, t = self._arrive(d, c, q, self.shape("open"), share=0.4)
        w = self.wrist_for(c, q)
        per = rng.uniform(0.3, 0.45)
        k = 0
        while t + per / 2 < t0 + d - 0.1:
            sgn = 1 if k % 2 == 0 else -1
            qq = _qmul(_qrotvec(self.fwd * math.radians(sgn * rng.uniform(12, 25))), q)
            self.go(t + per / 2, pos=w + sgn * self.right * 0.015, q=qq)
            t += per / 2
            k += 1
        self.go(t0 + d, q=q, f=self.shape("relaxed"))
        self.t = t0 + d

    # ------------------------------------------------------------------------------------------
    # rendering

    def render(self, n, rng):
        p = self.p
        times = np.arange(n) / FPS
        pos = self.P.eval(times)
        quat = self.Q.eval(times)
        fing = self.Fk.eval(times)
        pos = pos + _ou(rng, n, 3, rng.uniform(0.6, 1.5), rng.uniform(0.002, 0.005) * (1 + p["slop"]))
        ft = rng.uniform(7.5, 11.5)
        ph = rng.uniform(0, 2 * np.pi, 3) + np.cumsum(rng.normal(0, 0.25, (n, 3)), axis=0)
        pos = pos + p["tremor"] * np.sin(2 * np.pi * ft * times[:, None] + ph) * np.array([1.0, 1.0, 0.5])
        rv = _ou(rng, n, 3, rng.uniform(0.5, 1.2), math.radians(rng.uniform(1.5, 3.5)))
        quat = _qmul(_qrotvec(rv), _unit(quat))
        fing = fing + _ou(rng, n, 20, rng.uniform(0.3, 0.8), p["fnoise"]) * np.tile([1.0, 0.3, 1.0, 0.6], 5)
        loc = self.geom.fk(fing)
        rot = _mat_from_quat(quat) @ _R_CANON
        world = pos[:, None, :] + np.einsum("tij,tkj->tki", rot, loc)
        return self.to_image(world)

    def to_image(self, world):
        sc = self.sc
        cam = world @ sc["R"].T
        z = np.maximum(cam[..., 2], 0.03)
        xn, yn = cam[..., 0] / z, cam[..., 1] / z
        fac = 1 + sc["k1"] * (xn * xn + yn * yn)
        w, h = sc["size"]
        out = np.empty(world.shape)
        out[..., 0] = 0.5 + sc["fpx"] / w * xn * fac
        out[..., 1] = 0.5 + sc["fpx"] / h * yn * fac
        out[..., 2] = (z - z[:, :1]) / z[:, :1] * sc["fpx"] / w
        return out


# ----------------------------------------------------------------------------------------------
# the lite tracker


def _features(xyz, sx, sy):
    x, y = xyz[..., 0], xyz[..., 1]
    fin = np.isfinite(x)
    inside = fin & (x >= 0) & (x <= 1) & (y >= 0) & (y <= 1)
    vis = inside.mean(1)
    palm_vis = inside[:, _PALM].sum(1) >= 4
    px, py = np.where(fin, x * sx, 0.0), np.where(fin, y * sy, 0.0)
    big = 1e9
    size = np.maximum(
        np.where(fin, px, -big).max(1) - np.where(fin, px, big).min(1), np.where(fin, py, -big).max(1) - np.where(fin, py, big).min(1)
    )
    size = np.where(fin.any(1), size, 0.0)
    cen = np.stack([px[:, _PALM].mean(1), py[:, _PALM].mean(1)], -1)
    spd = np.zeros(len(x))
    spd[1:] = np.linalg.norm(cen[1:] - cen[:-1], axis=1) / np.maximum(size[1:], 0.02)
    spd = np.nan_to_num(spd, nan=0.0)
    return vis, palm_vis, size, spd


def _template(geom):
    loc = geom.fk(_SHAPES["relaxed"][None])[0]
    return loc[:, 1] + 1j * -loc[:, 0]


def _run_tracker(true, other, scene, geom, occl, expo, rng):
    """Simulate a lite hand-landmark model at the camera frame rate, written out at 30 fps."""
    n = true.shape[0]
    w, h = scene["size"]
    s = float(min(w, h))
    sx, sy = w / s, h / s
    fps = scene["cam_fps"]
    cam_idx = np.floor(np.arange(n) * fps / FPS + rng.uniform(0, 1)).astype(int)
    fresh = np.r_[True, cam_idx[1:] != cam_idx[:-1]]
    src = true.copy()
    if fps < 22:  # longer exposure: motion blur averages the pose over the shutter time
        src[1:] = 0.5 * (true[1:] + true[:-1])
    feats = {"p": _features(src, sx, sy)}
    srcs = {"p": src}
    if other is not None:
        feats["o"] = _features(other, sx, sy)
        srcs["o"] = other
    tpl = _template(geom)
    tpl = tpl - tpl.mean()
    tpl_m = np.conj(tpl)
    tpl_n = float(np.vdot(tpl, tpl).real)
    lite = rng.uniform(1.0, 1.6)
    lam0 = rng.uniform(0.04, 0.14)
    snap_p = rng.uniform(0.3, 0.85)
    zc0 = rng.uniform(0.3, 0.7)
    mincut = rng.uniform(0.8, 3.0)
    beta = rng.uniform(3.0, 20.0)
    p_lose0 = rng.uniform(0.0003, 0.003)
    spd_thr = rng.uniform(0.18, 0.35) * fps / FPS
    det_p = rng.uniform(0.55, 0.95)
    hiccup = rng.uniform(0.0, 0.02)
    ql = (0.55 + 0.45 * scene["light"]) * (0.85 if scene["backlit"] else 1.0)
    style = str(rng.choice(["nan", "zeros", "repeat", "hold_nan", "mixed"], p=[0.35, 0.22, 0.18, 0.13, 0.12]))
    hold_k = int(rng.integers(3, 9))
    base_sig = np.array(
        [0.010, 0.012, 0.014, 0.018, 0.024, 0.010, 0.014, 0.018, 0.022, 0.010, 0.014, 0.018, 0.022]
        + [0.012, 0.022, 0.030, 0.036, 0.014, 0.026, 0.034, 0.042]
    )
    dt = 1.0 / fps
    ad = 1 / (1 + 1 / (2 * np.pi * 1.0 * dt))
    sq_ql = math.sqrt(ql)
    # random draws for the whole clip at once (the loop below only indexes them)
    e_ar = rng.standard_normal((n, 21, 3)) * 0.66
    e_wh = (rng.standard_normal((n, 21)) + 1j * rng.standard_normal((n, 21))) * 0.4
    e_px = (rng.standard_normal((n, 21)) + 1j * rng.standard_normal((n, 21))) * (0.7 / s)
    e_sn = rng.standard_normal((n, 4)) + 1j * rng.standard_normal((n, 4))
    e_z = rng.normal(0, 0.03, n)
    uni = rng.random((n, 8))
    out = np.full((n, 21, 3), np.nan)
    status = np.zeros(n, dtype=np.uint8)
    target = None
    cool = 0
    trans = None
    ar = np.zeros((21, 3))
    snapped = np.zeros(21, dtype=bool)
    xf = dxf = xprev = None
    zc = zc0
    lost_run = 0
    run_mode = style
    have_out = False
    snaps = ((12, 16), (16, 20), (8, 12), (8, 4))
    for j in range(n):
        u = uni[j]
        if j and (not fresh[j] or u[0] < hiccup):
            out[j] = out[j - 1]
            status[j] = 1 if status[j - 1] != 2 else 2
            continue
        ex, oc = expo[j], occl[j]
        if target is None:
            if cool > 0:
                cool -= 1
            else:
                cands = []
                for k, (key, (vis, pv, size, spd)) in enumerate(feats.items()):
                    if pv[j] and vis[j] >= 0.5 and 0.04 < size[j] < 1.2 and np.isfinite(srcs[key][j, 0, 0]):
                        pr = det_p * sq_ql * (1 - 0.8 * ex) * (1 - 0.5 * oc) * (0.3 if spd[j] > spd_thr else 1.0)
                        pr *= 0.6 if size[j] > 0.9 else 1.0
                        if u[1 + k] < pr:
                            cands.append(key)
                if cands:
                    target = "p" if ("p" in cands and (len(cands) == 1 or u[3] < 0.65)) else "o"
                    size_t = feats[target][2][j]
                    trans = [complex(*rng.normal(0, 0.05 * size_t, 2)), rng.normal(1, 0.06), rng.normal(0, 0.06)]
                    xf = None
        else:
            vis, pv, size, spd = feats[target]
            pl = p_lose0 + 0.6 * min(max((spd[j] - spd_thr) / spd_thr, 0.0), 1.0) + 0.35 * ex + 0.05 * oc + 0.01 * (1 - ql)
            pl += 0.25 * (vis[j] < 0.5) + 0.9 * (vis[j] < 0.3) + 0.15 * (size[j] > 1.0) + (0.3 if (not pv[j] and vis[j] < 0.6) else 0.0)
            if not np.isfinite(srcs[target][j, 0, 0]) or u[1] < pl:
                target = None
                cool = 1 + int(u[2] * 3)
        if target is None:
            lost_run += 1
            status[j] = 2
            if lost_run == 1:  # a "mixed" pipeline writes each dropout its own way
                run_mode = style if style != "mixed" else ("nan", "zeros", "repeat")[int(u[4] * 3)]
            if run_mode == "zeros":
                out[j] = 0.0
            elif run_mode in ("repeat", "hold_nan") and j and have_out and (run_mode == "repeat" or lost_run <= hold_k):
                out[j] = out[j - 1]
            else:
                out[j] = np.nan
            continue
        lost_run = 0
        vis, pv, size, spd = feats[target]
        sz = max(size[j], 0.02)
        tru = srcs[target][j]
        e = tru[:, 0] * sx + 1j * tru[:, 1] * sy
        if trans is not None:  # a fresh detection: the crop is off in place, scale and angle for a few frames
            cen = e[_PALM].mean()
            e = cen + (e - cen) * trans[1] * np.exp(1j * trans[2]) + trans[0]
            trans = [trans[0] * 0.55, 1 + (trans[1] - 1) * 0.55, trans[2] * 0.55]
            if abs(trans[1] - 1) < 0.005:
                trans = None
        q = ql * (1 - ex) * (1 - 0.6 * oc)
        sp = min(spd[j] / spd_thr, 1.5)
        # regression towards a mean hand shape (fitted by a 2D similarity, mirrored if the back is seen)
        lam = min(0.6, lam0 + 0.25 * ex + 0.15 * min(sp, 1.0) + 0.1 * oc + 0.1 * (1 - ql))
        em = e.mean()
        ec = e - em
        f1 = (np.vdot(tpl, ec) / tpl_n) * tpl
        f2 = (np.vdot(tpl_m, ec) / tpl_n) * tpl_m
        fit = f1 if np.abs(f1 - ec).sum() <= np.abs(f2 - ec).sum() else f2
        e = e + lam * (fit - ec)
        sig = sz * base_sig * (lite * (1 + 1.2 * (1 - q)) * (1 + 1.5 * sp) * (1 + oc))
        if sz < 0.18:
            sig = sig * math.sqrt(0.18 / sz)
        ar = 0.75 * ar + e_ar[j] * sig[:, None]
        e = e + (ar[:, 0] + 1j * ar[:, 1]) + e_wh[j] * sig + e_px[j]
        for k, (anc, mov) in enumerate(snaps):  # overlapping fingertips snap onto a neighbour
            if abs(e[anc] - e[mov]) < 0.1 * sz and (snapped[mov] or u[5 + k % 3] < snap_p):
                e[mov] = e[anc] + 0.01 * sz * e_sn[j, k]
                e[mov - 1] = 0.5 * (e[mov - 1] + e[anc - 1])
                snapped[mov] = True
            else:
                snapped[mov] = False
        nx, ny = e.real / sx, e.imag / sy
        for arr in (nx, ny):  # the model squashes joints it cannot see towards the border
            lo, hi = arr < 0, arr > 1
            arr[lo] = arr[lo] * 0.7
            arr[hi] = 1 + (arr[hi] - 1) * 0.7
        zc = zc0 + 0.85 * (zc - zc0) + e_z[j]
        zz = tru[:, 2] * max(zc, 0.15) + ar[:, 2] * 2.5 / sx
        x = np.stack([nx * w, ny * h, zz * w], -1)
        if xf is None:
            xf, dxf = x.copy(), np.zeros_like(x)
        else:  # one-euro smoothing in pixels
            dxf = ad * (x - xprev) / dt + (1 - ad) * dxf
            cut = mincut + beta * np.abs(dxf) / s
            al = 1 / (1 + 1 / (2 * np.pi * cut * dt))
            xf = al * x + (1 - al) * xf
        xprev = x
        out[j] = xf / np.array([w, h, w])
        out[j, 0, 2] = 0.0
        status[j] = 0 if target == "p" else 3
        have_out = True
    fin = np.isfinite(out[:, 0, 0])
    out[fin, :, :2] = np.clip(out[fin, :, :2], *_BAND)
    out[fin, :, 2] = np.clip(out[fin, :, 2], *_ZBAND)
    return out, status, style


# ----------------------------------------------------------------------------------------------
# clips


def _kind_of(seed, index):
    block = index // 20
    perm = np.random.default_rng([13, seed & 0xFFFFFFFF, block, 4242]).permutation(20)
    return _BLOCK[int(perm[index % 20])]


def _pick_label(rng):
    w = np.array([0.16, 0.1, 0.1, 0.1, 0.1, 0.15, 0.14, 0.15])
    return LABELS[int(rng.choice(8, p=w / w.sum()))]


def _plan(b, kind, rng):
    """Lay out idle and gestures on the builder; returns the time (s) the clip should end."""
    if kind == "tight":
        b.idle(rng.uniform(0.6, 1.6))
        b.gesture(_pick_label(rng))
        b.idle(0.6)
        return b.t
    if kind == "margin":
        b.idle(rng.uniform(0.3, 3.5))
        b.gesture(_pick_label(rng))
        b.idle(rng.uniform(0.35, 3.5))
        return b.t
    units = []
    if kind == "pair":
        units.append(_PAIRS[int(rng.integers(4))])
        idles = [rng.uniform(0.3, 3.0), rng.uniform(0.35, 3.0)]
    else:
        total = int(rng.integers(3, 6))
        while total > 0:
            if total >= 2 and rng.random() < 0.4:
                units.append(_PAIRS[int(rng.integers(4))])
                total -= 2
            else:
                units.append((_pick_label(rng),))
                total -= 1
        n_g = sum(len(u) for u in units)
        budget = max(2.0, 18.0 - 2.4 * n_g)
        raw = rng.uniform(0.6, 1.0, len(units) + 1) * rng.uniform(0.5, 1.0)
        raw[0] *= 0.5
        idles = list(np.maximum(0.35, raw / raw.sum() * budget))
    b.idle(idles[0])
    for k, unit in enumerate(units):
        prev = None
        for j, lab in enumerate(unit):
            if lab == "swipe":
                lab = _SWIPES[int(rng.integers(4))]
            if j:
                b.gap(rng.uniform(0.1, 0.8))
            carry = None
            if prev == "grab":
                carry = "fist"
            elif prev == "point":
                carry = "point"
            b.gesture(lab, carry=carry)
            prev = lab
        b.idle(idles[k + 1] if k + 1 < len(idles) else 0.4)
    return b.t


def _other_hand(b, person, scene, hidden, rng, n):
    """Landmarks of the other hand (holding a phone or a mug) in some spells when the gesturing hand is away."""
    runs = []
    j = 0
    while j < n:
        if hidden[j]:
            k = j
            while k < n and hidden[k]:
                k += 1
            if (k - j) / FPS > 1.6:
                runs.append((j / FPS, k / FPS))
            j = k
        else:
            j += 1
    if not runs or person["other_item"] is None or rng.random() < 0.4:
        return None
    ob = _Builder(rng, person, scene, side=-b.side)
    ob.P, ob.Q, ob.Fk = _Track(0, ob.wrist_for(ob._desk_center(), ob.q)), _Track(0, ob.q), _Track(0, ob.shape("relaxed"))
    ob.pos = ob.P.v[0]
    vis = np.zeros(n, dtype=bool)
    for a, z in runs:
        a0, z0 = a + 0.2, z - 0.3
        if z0 - a0 < 1.2:
            continue
        ob.t = max(ob.t, a0)
        if person["other_item"] == "mug" and z0 - a0 >= 2.2:
            ob.a_drink(min(z0 - a0, 4.0))
        else:
            ob.a_phone(min(z0 - a0, 4.0))
        ob.begin()
        ob.go(ob.t + 0.5, pos=ob.wrist_for(ob._desk_center(), ob.q))
        ob.t += 0.5
        vis[int(a0 * FPS) : min(n, int(ob.t * FPS))] = True
    if not vis.any():
        return None
    xyz = ob.render(n, rng)
    xyz[~vis] = np.nan
    return xyz


def _direction(xy, w, h):
    v = xy[:, 8, :2] - xy[:, 5, :2]
    v = v[np.all(np.isfinite(v), axis=1)]
    if len(v) == 0:
        return None, None
    res = []
    for sxx, syy in ((1.0, 1.0), (w, h)):
        vv = v * np.array([sxx, -syy])
        u = vv / np.maximum(np.linalg.norm(vv, axis=1, keepdims=True), 1e-12)
        m = u.mean(0)
        res.append(float(math.degrees(math.atan2(m[1], m[0])) % 360.0))
    return res[0], res[1]


def _make(seed, index):
    kind = _kind_of(seed, index)
    ss = np.random.SeedSequence([13, seed & 0xFFFFFFFF, index])
    r_plan, r_noise, r_track, r_other = [np.random.default_rng(x) for x in ss.spawn(4)]
    for _attempt in range(50):  # re-plan the rare recordings that run past the length limit
        person = _sample_person(r_plan)
        scene = _sample_scene(r_plan, person)
        b = _Builder(r_plan, person, scene)
        t_end = _plan(b, kind, r_plan)
        n = int(math.ceil(t_end * FPS))
        if n / FPS <= _MAX_CLIP_S:
            break
        if kind == "recording":
            keep = [ev for ev in b.events if ev["t1"] + 0.4 <= _MAX_CLIP_S]
            if len(keep) >= 3 and (len(keep) == len(b.events) or b.events[len(keep)]["t0"] > _MAX_CLIP_S):
                b.events = keep
                n = int(_MAX_CLIP_S * FPS)
                break
    true = b.render(n, r_noise)
    inside = (true[..., 0] >= 0) & (true[..., 0] <= 1) & (true[..., 1] >= 0) & (true[..., 1] <= 1)
    hidden = inside.sum(1) < 4
    clean = true.copy()
    clean[..., :2] = np.clip(clean[..., :2], *_BAND)
    clean[..., 2] = np.clip(clean[..., 2], *_ZBAND)
    clean[hidden] = np.nan
    times = np.arange(n) / FPS
    occl = np.zeros(n)
    for a, z, lev in b.occl:
        occl[(times >= a) & (times < z)] = np.maximum(occl[(times >= a) & (times < z)], lev)
    expo = np.zeros(n)
    for t_ev, d_ev, sev in scene["exposure_events"]:
        dtv = times - t_ev
        bump = np.where(dtv < 0, 0.0, np.where(dtv < 0.15, dtv / 0.15, np.exp(-(dtv - 0.15) / (d_ev / 2.5))))
        expo = np.maximum(expo, sev * bump * (dtv < d_ev * 2))
    other = _other_hand(b, person, scene, hidden, r_other, n)
    tracked, status, lost_style = _run_tracker(true, other, scene, b.geom, occl, expo, r_track)
    w, h = scene["size"]
    gestures, dirs_px, holds, intents, styles = [], [], [], [], []
    prev_end = 0
    for ev in b.events:  # annotator boundaries: the planned ones give or take a frame
        s0 = int(round(ev["t0"] * FPS + r_plan.normal(0, 1.0)))
        s1 = int(round(ev["t1"] * FPS + r_plan.normal(0, 1.0)))
        s0 = max(prev_end, s0)
        s1 = min(n, max(s1, s0 + 10))
        d_norm = d_px = None
        hold = None
        if ev["label"] == "point":
            h0, h1 = int(math.ceil(ev["hold"][0] * FPS)), int(ev["hold"][1] * FPS)
            h0, h1 = max(h0, s0), min(max(h1, h0 + 3), s1)
            d_norm, d_px = _direction(clean[h0:h1], w, h)
            if d_norm is None:
                d_norm, d_px = _direction(true[h0:h1], w, h)
            hold = (h0, h1)
        gestures.append((ev["label"], s0, s1, d_norm))
        prev_end = s1
        dirs_px.append(d_px)
        holds.append(hold)
        intents.append(ev["intent"])
        styles.append(ev["style"])
    crop = None
    if kind == "tight":
        lab, s0, s1, dn = gestures[0]
        crop = (s0, s1)
        gestures = [(lab, 0, s1 - s0, dn)]
        if holds[0] is not None:
            holds[0] = (holds[0][0] - s0, holds[0][1] - s0)
        clean, tracked, status = clean[s0:s1], tracked[s0:s1], status[s0:s1].copy()
        if status[0] == 1:  # a duplicate of a frame before the cut is just a frame of this clip
            status[0] = 0 if np.isfinite(tracked[0]).all() and (tracked[0] != 0).any() else 2
    meta = {
        "image_size": (int(w), int(h)),
        "direction_deg_pixels": dirs_px,
        "hold_frames": holds,
        "intended_direction_deg_pixels": intents,
        "styles": styles,
        "end_exclusive": True,
        "seed": int(seed),
        "index": int(index),
        "person": {k: v for k, v in person.items() if k != "idle_w"},
        "idle_habits": dict(person["idle_w"]),
        "camera": {
            "device": scene["device"],
            "fov_long_deg": scene["fov_long_deg"],
            "focal_px": scene["fpx"],
            "distortion_k1": scene["k1"],
            "pitch_deg": scene["pitch_deg"],
            "roll_deg": scene["roll_deg"],
            "height_above_desk_m": scene["cam_height"],
            "face_distance_m": float(scene["face"][2]),
            "capture_fps": scene["cam_fps"],
            "light": scene["light"],
            "backlit": scene["backlit"],
            "mirrored": scene["mirrored"],
            "n_exposure_events": len(scene["exposure_events"]),
        },
        "hand_side_in_image": "left" if b.side < 0 else "right",
        "lost_style": lost_style,
        "other_hand_present": other is not None,
        "idle_activities": [(a, int(round(t0 * FPS)), int(round(t1 * FPS))) for a, t0, t1 in b.acts],
        "crop": crop,
    }
    n_out = len(status)
    tmeta = dict(meta, frame_status=status, lost_share=float((status == 2).mean()) if n_out else 0.0)
    cstat = np.where(np.isfinite(clean[:, 0, 0]), 0, 2).astype(np.uint8)
    cmeta = dict(meta, frame_status=cstat, lost_share=float((cstat == 2).mean()) if n_out else 0.0, clean=True)
    g = tuple(gestures)
    return (
        Blind13Clip(tracked.astype(np.float32), g, kind, tmeta),
        Blind13Clip(clean.astype(np.float32), g, kind, cmeta),
    )


def blind13_dataset(n: int, seed: int = 0) -> list[Blind13Clip]:
    """Tracked clips (with tracker errors); clip i depends only on (seed, i)."""
    return [_make(seed, i)[0] for i in range(n)]


def blind13_clean_dataset(n: int, seed: int = 0) -> list[Blind13Clip]:
    """The same clips as blind13_dataset before tracker errors (true landmarks, NaN when wholly out of view)."""
    return [_make(seed, i)[1] for i in range(n)]


def _jsonable(v):
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (np.floating, np.integer, np.bool_)):
        return v.item()
    return v


# The project's scorer, blind 8's, copied in after this module was written.
def _score_ang_diff(a, b):
    """Absolute angular difference in degrees, in [0, 180]."""
    d = np.abs((np.asarray(a, dtype=float) - np.asarray(b, dtype=float) + 180.0) % 360.0 - 180.0)
    return float(d) if np.ndim(d) == 0 else d


def score(recognize, clips) -> dict:
    """Exact label-sequence accuracy overall, per kind and per gesture (single tight/margin clips), pointing error.

    ``pointing_error_deg`` compares direction_deg with the label for every point of a clip read exactly (a
    missing direction counts 180); ``pointing_error_deg_pixels`` does the same in square pixels.
    """
    n = ok_n = 0
    kinds: dict[str, list[int]] = {}
    ges: dict[str, list[int]] = {}
    errs, errs_px = [], []
    confusion: dict[str, int] = {}
    for c in clips:
        out = list(recognize(np.array(c.landmarks, dtype=np.float32, copy=True)) or [])
        out.sort(key=lambda d: (d.get("start") is None, d.get("start") or 0))
        said = [str(d.get("label")) for d in out]
        done = [g[0] for g in c.gestures]
        ok = said == done
        n += 1
        ok_n += ok
        kinds.setdefault(c.kind, [0, 0])
        kinds[c.kind][0] += ok
        kinds[c.kind][1] += 1
        if c.kind in ("tight", "margin") and len(done) == 1:
            ges.setdefault(done[0], [0, 0])
            ges[done[0]][0] += ok
            ges[done[0]][1] += 1
        key = f"{'+'.join(done)} -> {'+'.join(said) if said else 'none'}"
        confusion[key] = confusion.get(key, 0) + 1
        if ok:
            W, H = c.meta.get("image_size", (1, 1))
            px = c.meta.get("direction_deg_pixels") or [None] * len(done)
            for g, d, tpx in zip(c.gestures, out, px):
                if g[0] != "point":
                    continue
                dd = d.get("direction_deg")
                if dd is None or not np.isfinite(dd):
                    errs.append(180.0)
                    errs_px.append(180.0)
                    continue
                errs.append(_score_ang_diff(dd, g[3]))
                if tpx is not None:
                    r = math.radians(float(dd))
                    errs_px.append(_score_ang_diff(math.degrees(math.atan2(H * math.sin(r), W * math.cos(r))), tpx))

    def stats(e):
        return {"median": float(np.median(e)) if e else None, "mean": float(np.mean(e)) if e else None, "n": len(e)}

    return {
        "n": n,
        "accuracy": ok_n / n if n else 0.0,
        "by_kind": {k: v[0] / v[1] for k, v in sorted(kinds.items(), key=lambda kv: KINDS.index(kv[0]))},
        "by_gesture": {k: v[0] / v[1] for k, v in sorted(ges.items(), key=lambda kv: LABELS.index(kv[0]))},
        "pointing_error_deg": stats(errs),
        "confusion": dict(sorted(confusion.items(), key=lambda kv: (-kv[1], kv[0]))),
        "pointing_error_deg_pixels": stats(errs_px),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write blind13 synthetic gesture clips (.npy) and labels.json.")
    ap.add_argument("out", help="output folder")
    ap.add_argument("-n", type=int, default=20, help="number of clips")
    ap.add_argument("-s", "--seed", type=int, default=0)
    ap.add_argument("--clean", action="store_true", help="write the clips before tracker errors")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    clips = (blind13_clean_dataset if args.clean else blind13_dataset)(args.n, args.seed)
    entries = []
    for i, c in enumerate(clips):
        name = f"clip_{i:05d}.npy"
        np.save(out / name, c.landmarks)
        entries.append(
            {
                "file": name,
                "kind": c.kind,
                "n_frames": int(c.landmarks.shape[0]),
                "gestures": [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in c.gestures],
                "image_size": list(c.meta["image_size"]),
                "direction_deg_pixels": c.meta["direction_deg_pixels"],
                "meta": _jsonable({k: v for k, v in c.meta.items() if k != "frame_status"}),
            }
        )
    doc = {"generator": "blind13", "fps": FPS, "seed": args.seed, "clean": bool(args.clean), "end_exclusive": True, "clips": entries}
    (out / "labels.json").write_text(json.dumps(doc, indent=1))
    print(f"wrote {len(clips)} clips to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
