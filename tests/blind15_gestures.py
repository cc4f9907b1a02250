"""Synthetic MediaPipe-style hand-landmark clips of warehouse workers commanding a mobile robot with a moving camera.

This generator was written without reading any other gesture generator or the code it is used to
evaluate; it was built from hand anatomy, human motor behavior, camera geometry and the habits of a
MediaPipe-like hand tracker. What is modeled:

- Scene: a loading dock or warehouse aisle. A worker stands 1 to 6 m in front of a mobile robot whose
  camera sits 0.35 to 1.5 m above the floor and is aimed at the worker's gesture space. The robot is
  parked, creeps toward or away from the worker, turns (sometimes during a swipe), follows a walking
  worker with a lagging pan, and bobs on floor joints, so the whole picture pans, rotates and zooms.
  Cameras are landscape or portrait, 40 to 100 degree lenses (wide ones with barrel distortion),
  15 to 30 fps; aisles may be dim (long exposures) or the worker backlit by an open dock door.
- People: small visitors to large adults (hand length 13 to 21.5 cm) with individual palm and finger
  proportions, right or left gesturing hand, personal speed, amplitude, sloppiness, hurry habits and
  an exaggeration habit that grows with distance. Many wear work or nitrile gloves; some hold a scanner
  or a box edge in the other hand, or in the gesturing hand while idle.
- Hand: a 21-joint kinematic hand (finger flexion at MCP/PIP/DIP, splay, palm cupping, an opposable
  thumb) posed on an arm that stays within reach of the shoulder and in front of the torso.
- Gestures, several styles each: points held still, reached out or jabbed and held (pointing mostly
  along the floor and at shelves); swipes by palm, back of hand, flat wipe, wrist flick or whole arm,
  with wind-up, arc, follow-through and hurried half-height versions; grabs in the air, reaching,
  clawing down, squeezing slowly or snatching; beckoning palm up, palm down, with the whole arm in two
  beats, or by flapping the wrist; stop pushed forward, raised high, held, or with the fingers sideways.
- Idle (unlabeled): standing, hands on hips, talking with beats, touching the face, adjusting a hard
  hat or glasses, walking across or out of the picture, carrying a box, using a tablet, crossing the
  arms, waving at a colleague, hands in pockets, scanning a box with a scanner gun, reaching to a shelf
  outside the picture and grasping something, tugging a glove, stretching, checking a watch, rubbing
  the neck, leaning on a rack, wiping the brow.
- Tracker: exposure-time motion blur (from the hand and from the robot's own motion) that smears and
  curls fingertips; size-, blur-, lighting-, occlusion- and glove-dependent loss and re-detection;
  re-detection jumps that decay; occasional switches to the other hand; glove errors (misplaced
  joints, curled and extended fingers confused); self-occlusion by the torso; correlated jitter;
  compressed, noisy depth that is sometimes read mirrored; one-euro smoothing (reset or not after a
  loss); latency; camera-rate resampling by hold or interpolation; pipeline stalls; lost frames written
  as NaN, zeros, repeats, or repeats that give up after a few frames.

Labels are (label, start_frame, end_frame, direction_deg) with end_frame exclusive. For a point the
direction is the mean over its hold frames of the unit vector from landmark 5 to landmark 8 in
normalized image coordinates with y flipped; meta["hold_frames"] gives those frames.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LABELS = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
KINDS = ("tight", "margin", "pair", "recording")
FPS = 30.0
MIN_GESTURE_S = 0.5
MAX_GESTURE_S = 3.0

_SALT = 150_615
_BLOCK = ("tight",) * 6 + ("margin",) * 5 + ("pair",) * 5 + ("recording",) * 4
_MAX_CLIP_S = 19.3
_FLICK_MIN_S = 0.34
_BAND = (-0.3, 1.3)

# Directions in the person frame (x: image right, y: down, z: away from the robot).
_UP = np.array([0.0, -1.0, 0.0])
_DOWN = np.array([0.0, 1.0, 0.0])
_CAM = np.array([0.0, 0.0, -1.0])
_BACK = np.array([0.0, 0.0, 1.0])
_XR = np.array([1.0, 0.0, 0.0])

# Hand geometry for a right hand in units of hand length, axes (distal, radial, palmar).
_MCP = np.array([[0.470, 0.115, 0.000], [0.495, 0.025, 0.000], [0.470, -0.065, -0.008], [0.420, -0.145, -0.018]])
_BONES = np.array([[0.215, 0.125, 0.100], [0.235, 0.145, 0.105], [0.220, 0.135, 0.100], [0.170, 0.100, 0.090]])
_SPLAY0 = np.radians([6.0, 0.0, -6.0, -12.0])
_SPLAY_GAIN = np.array([1.0, 0.15, -0.75, -1.35])
_CUP = np.array([0.0, 0.0, 0.025, 0.045])
_CMC = np.array([0.125, 0.105, 0.025])
_THUMB = np.array([0.225, 0.165, 0.135])
# Thumb flexion curls toward the palm when the thumb lies along the index finger and across the
# fingers (toward the little finger) when it is opposed.
_THUMB_BEND_ADDUCTED = np.array([0.0, -0.4, 0.9])
_THUMB_BEND_OPPOSED = np.array([0.35, -0.9, -0.1])
_TIPS = [4, 8, 12, 16, 20]
_DIPS = [3, 7, 11, 15, 19]
_PALM = [0, 5, 9, 13, 17]


# ----------------------------------------------------------------------------------------------
# Small geometry helpers
# ----------------------------------------------------------------------------------------------


def _unit(v):
    v = np.asarray(v, dtype=float)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-12)


def _axis_angle(axis, angle):
    x, y, z = _unit(axis)
    c, s = math.cos(angle), math.sin(angle)
    k = 1.0 - c
    return np.array(
        [
            [c + x * x * k, x * y * k - z * s, x * z * k + y * s],
            [y * x * k + z * s, c + y * y * k, y * z * k - x * s],
            [z * x * k - y * s, z * y * k + x * s, c + z * z * k],
        ]
    )


def _rotvecs(v):
    """Rodrigues for many rotation vectors (n, 3) -> (n, 3, 3)."""
    th = np.linalg.norm(v, axis=1)
    k = v / np.maximum(th, 1e-12)[:, None]
    kx = np.zeros((len(v), 3, 3))
    kx[:, 0, 1], kx[:, 0, 2] = -k[:, 2], k[:, 1]
    kx[:, 1, 0], kx[:, 1, 2] = k[:, 2], -k[:, 0]
    kx[:, 2, 0], kx[:, 2, 1] = -k[:, 1], k[:, 0]
    s, c = np.sin(th)[:, None, None], np.cos(th)[:, None, None]
    return np.eye(3)[None] + s * kx + (1.0 - c) * (kx @ kx)


def _rot_y(angle):
    """Rotations about the vertical axis for an array of angles (n,) -> (n, 3, 3)."""
    c, s = np.cos(angle), np.sin(angle)
    r = np.zeros((len(angle), 3, 3))
    r[:, 0, 0], r[:, 0, 2], r[:, 1, 1], r[:, 2, 0], r[:, 2, 2] = c, s, 1.0, -s, c
    return r


def _rot_x(angle):
    c, s = np.cos(angle), np.sin(angle)
    r = np.zeros((len(angle), 3, 3))
    r[:, 0, 0], r[:, 1, 1], r[:, 1, 2], r[:, 2, 1], r[:, 2, 2] = 1.0, c, -s, s, c
    return r


def _rot_z(angle):
    c, s = np.cos(angle), np.sin(angle)
    r = np.zeros((len(angle), 3, 3))
    r[:, 0, 0], r[:, 0, 1], r[:, 1, 0], r[:, 1, 1], r[:, 2, 2] = c, -s, s, c, 1.0
    return r


def _hand_frame(distal, palm_hint):
    """Hand rotation with columns (distal, palmar normal, distal x palmar)."""
    d = _unit(distal)
    w = np.asarray(palm_hint, dtype=float)
    w = w - np.dot(w, d) * d
    if np.linalg.norm(w) < 1e-3:
        w = np.cross(d, _XR if abs(d[0]) < 0.9 else _DOWN)
    w = _unit(w)
    return np.column_stack([d, w, np.cross(d, w)])


def _turn(rot, axis, angle):
    return _axis_angle(axis, angle) @ rot


def _mat_to_quat(m):
    tr = m[0, 0] + m[1, 1] + m[2, 2]
    if tr > 0:
        s = math.sqrt(tr + 1.0) * 2
        q = [0.25 * s, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = math.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2]) * 2
        q = [(m[2, 1] - m[1, 2]) / s, 0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s]
    elif m[1, 1] > m[2, 2]:
        s = math.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2]) * 2
        q = [(m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s]
    else:
        s = math.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1]) * 2
        q = [(m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s]
    return _unit(np.array(q))


def _quat_to_mat(q):
    w, x, y, z = q[:, 0], q[:, 1], q[:, 2], q[:, 3]
    m = np.empty((len(q), 3, 3))
    m[:, 0, 0] = 1 - 2 * (y * y + z * z)
    m[:, 0, 1] = 2 * (x * y - z * w)
    m[:, 0, 2] = 2 * (x * z + y * w)
    m[:, 1, 0] = 2 * (x * y + z * w)
    m[:, 1, 1] = 1 - 2 * (x * x + z * z)
    m[:, 1, 2] = 2 * (y * z - x * w)
    m[:, 2, 0] = 2 * (x * z - y * w)
    m[:, 2, 1] = 2 * (y * z + x * w)
    m[:, 2, 2] = 1 - 2 * (x * x + y * y)
    return m


def _smooth_noise(rng, n, dims, cutoff, sigma):
    """Gaussian noise low-passed near `cutoff` Hz with standard deviation about `sigma`."""
    width = max(1, int(round(FPS / (2.0 * cutoff))))
    x = rng.standard_normal((n + 4 * width, dims))
    for _ in range(2):
        c = np.cumsum(x, axis=0)
        x = np.concatenate([c[width - 1 : width], c[width:] - c[:-width]]) / width
    sd = math.sqrt((2 * width**3 + width) / 3.0) / width**2
    return x[:n] * (sigma / sd)


def _ar1(rng, n, dims, rho):
    """Unit-variance AR(1) noise of shape (n, dims)."""
    e = rng.standard_normal((n, dims)) * math.sqrt(1.0 - rho * rho)
    out = np.empty_like(e)
    prev = rng.standard_normal(dims)
    for k in range(n):
        prev = rho * prev + e[k]
        out[k] = prev
    return out


# ----------------------------------------------------------------------------------------------
# Hand model
# ----------------------------------------------------------------------------------------------


@dataclass
class _HandShape:
    mcp: np.ndarray
    bones: np.ndarray
    cmc: np.ndarray
    thumb: np.ndarray
    splay0: np.ndarray


def _sample_shape(rng):
    palm_len = rng.normal(1.0, 0.035)
    palm_w = rng.normal(1.0, 0.05)
    fingers = rng.normal(1.0, 0.035)
    mcp = _MCP * np.array([palm_len, palm_w, 1.0]) + rng.normal(0.0, 0.006, (4, 3)) * np.array([1.0, 1.0, 0.3])
    bones = _BONES * fingers * rng.normal(1.0, 0.025, (4, 1)) * rng.normal(1.0, 0.02, (4, 3))
    cmc = _CMC * np.array([palm_len, palm_w, 1.0])
    thumb = _THUMB * rng.normal(1.0, 0.04) * rng.normal(1.0, 0.02, 3)
    splay0 = _SPLAY0 + np.radians(rng.normal(0.0, 1.5, 4))
    total = mcp[1, 0] + bones[1].sum()
    return _HandShape(mcp / total, bones / total, cmc / total, thumb / total, splay0)


def _render_hand(wrist, rot, fingers, length, shape, side):
    """World landmarks (n, 21, 3) from wrist positions, hand rotations, finger angles (degrees)."""
    n = len(wrist)
    f = np.radians(fingers)
    loc = np.zeros((n, 21, 3))
    flex1 = np.clip(f[:, 0:4], 0.0, None)
    splay = shape.splay0[None, :] + f[:, 12:13] * _SPLAY_GAIN[None, :]
    cs, ss = np.cos(splay), np.sin(splay)
    cur = np.broadcast_to(shape.mcp, (n, 4, 3)).copy()
    cur[:, :, 2] += _CUP * np.sin(flex1)
    cur[:, :, 0] -= 0.4 * _CUP * np.sin(flex1)
    loc[:, 5::4] = cur
    cum = np.zeros((n, 4))
    for k in range(3):
        cum = cum + f[:, 4 * k : 4 * k + 4]
        c = np.cos(cum)
        step = np.stack([c * cs, c * ss, np.sin(cum)], axis=-1) * shape.bones[None, :, k, None]
        cur = cur + step
        loc[:, 6 + k :: 4] = cur
    ta, op, tm, ti = f[:, 13], f[:, 14], f[:, 15], f[:, 16]
    t = np.stack([np.cos(op) * np.cos(ta), np.cos(op) * np.sin(ta), np.sin(op)], axis=-1)
    mix = np.clip(op / math.radians(60.0), 0.0, 1.0)[:, None]
    q = (1.0 - mix) * _THUMB_BEND_ADDUCTED + mix * _THUMB_BEND_OPPOSED
    q = _unit(q - np.sum(q * t, axis=1, keepdims=True) * t)
    p = np.broadcast_to(shape.cmc, (n, 3)).copy()
    loc[:, 1] = p
    p = p + shape.thumb[0] * t
    loc[:, 2] = p
    a = tm[:, None]
    p = p + shape.thumb[1] * (np.cos(a) * t + np.sin(a) * q)
    loc[:, 3] = p
    a = (tm + ti)[:, None]
    loc[:, 4] = p + shape.thumb[2] * (np.cos(a) * t + np.sin(a) * q)
    d = rot[:, :, 0]
    w = rot[:, :, 1]
    r = side * rot[:, :, 2]
    return wrist[:, None, :] + length * (loc[..., 0:1] * d[:, None] + loc[..., 1:2] * r[:, None] + loc[..., 2:3] * w[:, None])


def _pose(mcp, pip, dip, spread, thumb):
    return np.concatenate([np.broadcast_to(mcp, 4), np.broadcast_to(pip, 4), np.broadcast_to(dip, 4), [spread], thumb]).astype(float)


def _with_finger(pose, j, mcp, pip, dip):
    out = pose.copy()
    out[j], out[4 + j], out[8 + j] = mcp, pip, dip
    return out


_OPEN = _pose([2, 2, 3, 4], [4, 4, 5, 6], [3, 3, 4, 5], 9, [48, 12, 6, 8])
_FLAT = _pose([2, 2, 3, 4], [3, 3, 4, 5], [2, 2, 3, 4], 1, [24, 6, 5, 5])
_RELAXED = _pose([18, 25, 32, 38], [28, 35, 40, 45], [14, 18, 20, 22], 4, [32, 30, 14, 16])
_FIST = _pose([85, 88, 88, 86], [100, 102, 100, 98], [55, 55, 52, 50], 0, [18, 40, 38, 32])
_POINT = _with_finger(_pose([85, 88, 88, 86], [100, 102, 100, 98], [55, 55, 52, 50], 0, [14, 40, 36, 30]), 0, 4, 5, 3)
_GUN = _POINT.copy()
_GUN[13:17] = [50, 12, 4, 4]
_GRIP = _pose([55, 62, 66, 70], [65, 70, 72, 75], [30, 32, 35, 35], 2, [35, 55, 20, 15])
_TRIGGER = _with_finger(_GRIP, 0, 32, 45, 20)
_CLAW = _pose([30, 30, 30, 30], [60, 60, 60, 60], [40, 40, 40, 40], 8, [45, 40, 20, 25])
_PINCH = _with_finger(_pose([30, 45, 55, 60], [40, 55, 60, 62], [20, 25, 28, 30], 2, [40, 50, 20, 20]), 0, 40, 45, 25)
_CURL = _pose([65, 70, 72, 74], [92, 95, 95, 95], [50, 52, 52, 52], 0, [30, 35, 20, 20])


# ----------------------------------------------------------------------------------------------
# Keyframe tracks
# ----------------------------------------------------------------------------------------------


class _Track:
    """Vector keyframes interpolated by cubic Hermite segments; `flow` keeps a key moving."""

    def __init__(self, dim):
        self.dim = dim
        self.times, self.values, self.flows = [], [], []

    def key(self, t, value, flow=0.0):
        value = np.array(value, dtype=float).reshape(self.dim)
        if self.times and t <= self.times[-1] + 1e-6:
            if t >= self.times[-1] - 1e-6:
                self.values[-1], self.flows[-1] = value, flow
                return
            t = self.times[-1] + 1e-3
        self.times.append(float(t))
        self.values.append(value)
        self.flows.append(float(flow))

    def last(self):
        return self.values[-1].copy()

    def eval(self, ts):
        times = np.array(self.times)
        v = np.array(self.values)
        if len(times) == 1:
            return np.repeat(v[:1], len(ts), axis=0)
        c = np.array(self.flows)
        m = np.zeros_like(v)
        m[1:-1] = c[1:-1, None] * (v[2:] - v[:-2]) / (times[2:] - times[:-2])[:, None]
        idx = np.clip(np.searchsorted(times, ts, side="right") - 1, 0, len(times) - 2)
        h = times[idx + 1] - times[idx]
        u = np.clip((ts - times[idx]) / h, 0.0, 1.0)
        u2, u3 = u * u, u * u * u
        h00, h10, h01, h11 = 2 * u3 - 3 * u2 + 1, u3 - 2 * u2 + u, -2 * u3 + 3 * u2, u3 - u2
        return h00[:, None] * v[idx] + (h10 * h)[:, None] * m[idx] + h01[:, None] * v[idx + 1] + (h11 * h)[:, None] * m[idx + 1]


class _RotTrack:
    """Rotation keyframes interpolated by slerp with eased timing."""

    def __init__(self):
        self.times, self.quats, self.flows = [], [], []

    def key(self, t, rot, flow=0.0):
        q = _mat_to_quat(rot) if np.shape(rot) == (3, 3) else np.array(rot, dtype=float)
        if self.quats and float(np.dot(q, self.quats[-1])) < 0:
            q = -q
        if self.times and t <= self.times[-1] + 1e-6:
            if t >= self.times[-1] - 1e-6:
                if len(self.quats) > 1 and float(np.dot(q, self.quats[-2])) < 0:
                    q = -q
                self.quats[-1], self.flows[-1] = q, flow
                return
            t = self.times[-1] + 1e-3
        self.times.append(float(t))
        self.quats.append(q)
        self.flows.append(float(flow))

    def last(self):
        return _quat_to_mat(self.quats[-1][None])[0]

    def last_quat(self):
        return self.quats[-1].copy()

    def eval(self, ts):
        times = np.array(self.times)
        q = np.array(self.quats)
        if len(times) == 1:
            return np.repeat(_quat_to_mat(q[:1]), len(ts), axis=0)
        c = np.array(self.flows)
        idx = np.clip(np.searchsorted(times, ts, side="right") - 1, 0, len(times) - 2)
        u = np.clip((ts - times[idx]) / (times[idx + 1] - times[idx]), 0.0, 1.0)
        u2, u3 = u * u, u * u * u
        s = (-2 * u3 + 3 * u2) + c[idx] * (u3 - 2 * u2 + u) + c[idx + 1] * (u3 - u2)
        q0, q1 = q[idx], q[idx + 1]
        dot = np.clip(np.sum(q0 * q1, axis=1), -1.0, 1.0)
        om = np.arccos(np.abs(dot))
        so = np.sin(om)
        small = so < 1e-4
        a = np.where(small, 1.0 - s, np.sin((1.0 - s) * om) / np.where(small, 1.0, so))
        b = np.where(small, s, np.sin(s * om) / np.where(small, 1.0, so))
        out = a[:, None] * q0 + b[:, None] * q1
        return _quat_to_mat(_unit(out))


# ----------------------------------------------------------------------------------------------
# People, cameras, tracker settings
# ----------------------------------------------------------------------------------------------


@dataclass
class _Person:
    hand_len: float
    height: float
    arm: float
    sw: float
    sh: float
    side: int
    sigma: float
    shape: _HandShape
    speed: float
    amp: float
    slop: float
    hurry: float
    exag: float
    glove: str
    glove_sev: float
    other_object: str
    hand_object: str
    beckon_pref: str
    stop_pref: str
    tremor: float
    root_x: float
    dist: float
    yaw0: float


@dataclass
class _Camera:
    width: int
    height_px: int
    focal: float
    cx: float
    cy: float
    k1: float
    mount_h: float
    roll0: float
    fov_long: float


@dataclass
class _TrackerCfg:
    fps: float
    phase: float
    drift: float
    exposure: float
    latency: float
    resample: str
    det_base: float
    drop_base: float
    swap_base: float
    jit_rel: float
    jit_floor: float
    rho: float
    z_gain: float
    z_noise: float
    smooth: bool
    min_cut: float
    beta: float
    reset_on_loss: bool
    encoding: str
    hold_max: int
    stall_rate: float
    jump_rate: float
    redetect_err: float
    err_decay: float
    lighting: str
    light_det: float
    light_noise: float
    flip_rate: float


def _sample_person(rng):
    young = rng.random() < 0.08
    if young:
        hand_len = rng.uniform(0.13, 0.158)
    else:
        hand_len = float(np.clip(rng.normal(0.183, 0.013), 0.158, 0.215))
    height = hand_len / 0.108 * rng.normal(1.0, 0.03)
    side = 1 if rng.random() < 0.76 else -1
    glove = str(rng.choice(["none", "nitrile", "work", "hivis"], p=[0.55, 0.12, 0.22, 0.11]))
    glove_sev = {"none": 0.0, "nitrile": 0.3, "work": 1.0, "hivis": 0.8}[glove]
    other_object = str(rng.choice(["none", "scanner", "box_edge", "tablet"], p=[0.55, 0.2, 0.15, 0.1]))
    hand_object = "scanner" if rng.random() < 0.2 else "none"
    return _Person(
        hand_len=hand_len,
        height=height,
        arm=0.335 * height * rng.normal(1.0, 0.03),
        sw=0.115 * height * rng.normal(1.0, 0.05),
        sh=0.818 * height,
        side=side,
        sigma=-float(side),
        shape=_sample_shape(rng),
        speed=float(np.clip(rng.lognormal(0.0, 0.2), 0.65, 1.5)),
        amp=float(np.clip(rng.lognormal(0.0, 0.22), 0.65, 1.5)),
        slop=float(rng.beta(1.5, 3.0)),
        hurry=float(rng.uniform(0.1, 0.5)),
        exag=0.0,
        glove=glove,
        glove_sev=glove_sev,
        other_object=other_object,
        hand_object=hand_object,
        beckon_pref=str(rng.choice(["palm_up_curl", "palm_down_flap"], p=[0.6, 0.4])),
        stop_pref=str(rng.choice(["push", "raise_high", "held"], p=[0.5, 0.3, 0.2])),
        tremor=float(rng.uniform(0.0006, 0.0022)),
        root_x=float(rng.normal(0.0, 0.25)),
        dist=1.0,
        yaw0=float(np.radians(rng.normal(0.0, 9.0))),
    )


def _sample_camera(rng, person, simple):
    """Distance first, then a camera that can see a hand at that distance (far robots carry better optics)."""
    dist = 1.0 + 5.0 * rng.beta(1.3, 1.9)
    if simple:
        dist = min(dist, 3.0)
    for _ in range(16):
        if rng.random() < 0.27:
            width, height = [(480, 640), (720, 1280), (1080, 1920), (540, 960)][rng.integers(4)]
        else:
            width, height = [(640, 480), (1280, 720), (1920, 1080), (848, 480), (960, 540), (1280, 800)][rng.integers(6)]
        if simple:
            fov_long = rng.uniform(60.0, 75.0)
        elif rng.random() < 0.15:
            fov_long = rng.uniform(40.0, 58.0)
        else:
            fov_long = rng.uniform(58.0, 100.0)
        focal = (max(width, height) / 2.0) / math.tan(math.radians(fov_long) / 2.0)
        if person.hand_len * focal / dist >= 28.0:
            break
    else:
        dist = max(1.0, person.hand_len * focal / 28.0)
    k1 = -rng.uniform(0.0, 0.12) * max(0.0, fov_long - 58.0) / 42.0
    person.dist = float(dist)
    person.exag = float(np.clip(0.05 + 0.11 * (dist - 1.0), 0.0, 0.6))
    cam = _Camera(
        width=width,
        height_px=height,
        focal=focal,
        cx=width / 2.0 + rng.normal(0.0, 0.01 * width),
        cy=height / 2.0 + rng.normal(0.0, 0.01 * height),
        k1=k1,
        mount_h=rng.uniform(0.35, 1.5),
        roll0=math.radians(float(np.clip(rng.normal(0.0, 3.0), -10.0, 10.0))),
        fov_long=fov_long,
    )
    return cam


def _sample_tracker(rng, person):
    fps = float(rng.choice([30.0, 25.0, 20.0, 15.0], p=[0.5, 0.17, 0.18, 0.15]))
    # dim aisles lengthen exposure (more blur); an open dock door behind the worker backlights the hand
    lighting = str(rng.choice(["normal", "dim_aisle", "backlit_dock_door"], p=[0.6, 0.25, 0.15]))
    exposure = rng.uniform(0.65, 1.0) / fps if lighting == "dim_aisle" else rng.uniform(0.25, 0.8) / fps
    return _TrackerCfg(
        fps=fps,
        phase=rng.uniform(0.0, 1.0 / fps),
        drift=rng.normal(0.0, 0.004),
        exposure=min(0.05, exposure),
        latency=float(rng.choice([0.0, 0.0, 0.0, 1.0 / 30.0, 2.0 / 30.0])),
        resample=str(rng.choice(["hold", "interp"], p=[0.45, 0.55])),
        det_base=rng.uniform(0.5, 0.9),
        drop_base=rng.uniform(0.001, 0.006),
        swap_base=rng.uniform(0.02, 0.1),
        jit_rel=rng.uniform(0.005, 0.014),
        jit_floor=rng.uniform(0.25, 0.8),
        rho=rng.uniform(0.3, 0.75),
        z_gain=rng.uniform(0.5, 1.1),
        z_noise=rng.uniform(1.2, 2.5),
        smooth=rng.random() < 0.75,
        min_cut=float(np.exp(rng.uniform(math.log(0.4), math.log(2.5)))),
        beta=float(np.exp(rng.uniform(math.log(0.003), math.log(0.03)))),
        reset_on_loss=rng.random() < 0.6,
        encoding=str(rng.choice(["nan", "zeros", "repeat", "hold_nan", "hold_zeros"], p=[0.3, 0.2, 0.2, 0.15, 0.15])),
        hold_max=int(rng.integers(2, 9)),
        stall_rate=rng.uniform(0.0, 0.06),
        jump_rate=rng.uniform(0.003, 0.015),
        redetect_err=rng.uniform(0.06, 0.2),
        err_decay=rng.uniform(0.35, 0.65),
        lighting=lighting,
        light_det={"normal": 1.0, "dim_aisle": 0.9, "backlit_dock_door": 0.65}[lighting],
        light_noise={"normal": 1.0, "dim_aisle": 1.25, "backlit_dock_door": 1.4}[lighting],
        flip_rate=rng.uniform(0.0, 0.04),
    )


# ----------------------------------------------------------------------------------------------
# The performer: keyframes for arm, hand, fingers, body and occlusion
# ----------------------------------------------------------------------------------------------


class _Performer:
    def __init__(self, person, cam, rng):
        self.P = person
        self.cam = cam
        self.rng = rng
        self.sigma = person.sigma
        self.t = 0.0
        self.wrist, self.rot, self.fing, self.occl = _Track(3), _RotTrack(), _Track(17), _Track(1)
        self.o_wrist, self.o_rot, self.o_fing, self.o_occl = _Track(3), _RotTrack(), _Track(17), _Track(1)
        self.body = _Track(3)
        self.gestures = []
        self.activities = []
        self.idle_where, self.idle_end, self.variant = "middle", 0.0, ""
        self.max_fwd = max(0.25, person.dist - 0.55)
        self.inward = np.array([-self.sigma, 0.0, 0.0])
        self.outward = -self.inward
        self.body.key(0.0, [person.root_x, person.dist, person.yaw0])
        w = self.pos(0.05, -0.94 * person.arm, 0.03)
        self.key(0.0, w, _hand_frame(_DOWN, self.inward), self.idle_fingers(), 0.0)
        self.set_other("hang", instant=True)

    # positions relative to the gesturing shoulder, in the person frame
    def clamp(self, v):
        P = self.P
        out, up, fwd = self.sigma * v[0], -v[1], -v[2]
        if -2.0 * P.sw - 0.06 < out < 0.03 and -0.31 * P.height < up < 0.06 * P.height:
            fwd = max(fwd, 0.11)
        fwd = float(np.clip(fwd, -0.2, self.max_fwd))
        vec = np.array([self.sigma * out, -up, -fwd])
        n = np.linalg.norm(vec)
        lim = 0.97 * P.arm
        return vec * (lim / n) if n > lim else vec

    def pos(self, out, up, fwd):
        return self.clamp(np.array([self.sigma * out, -up, -fwd]))

    def to_cam(self, rel):
        """Unit vector from the hand to the robot camera, in the person frame."""
        x, z, yaw = self.body.last()
        cam_world = np.array([0.0, -self.cam.mount_h, 0.0])
        cam_rel = _rot_y(np.array([-yaw]))[0] @ (cam_world - np.array([x, 0.0, z]))
        hand = np.array([self.sigma * self.P.sw, -self.P.sh, 0.0]) + rel
        return _unit(cam_rel - hand)

    def idle_fingers(self):
        base = _TRIGGER if self.P.hand_object == "scanner" else _RELAXED
        return self.jitter_fingers(base, 0.6)

    def jitter_fingers(self, pose, amount=1.0):
        f = pose + self.rng.normal(0.0, 3.0 * (1.0 + 2.0 * self.P.slop) * amount, 17)
        f[:12] = np.clip(f[:12], -12.0, 112.0)
        f[12] = np.clip(f[12], -2.0, 20.0)
        f[13:] = np.clip(f[13:], [5, 0, -5, -5], [70, 70, 70, 70])
        return f

    # keying
    def key(self, t, wrist=None, rot=None, fingers=None, occl=None, flow=0.0):
        if wrist is not None:
            self.wrist.key(t, wrist, flow)
        if rot is not None:
            self.rot.key(t, rot, flow)
        if fingers is not None:
            self.fing.key(t, fingers, flow)
        if occl is not None:
            self.occl.key(t, [occl], 0.0)

    def hold(self, t=None):
        t = self.t if t is None else t
        self.wrist.key(t, self.wrist.last())
        self.rot.key(t, self.rot.last_quat())
        self.fing.key(t, self.fing.last())
        self.occl.key(t, self.occl.last())

    def move(self, dur, wrist=None, rot=None, fingers=None, occl=None, flow=0.0):
        self.hold()
        self.t += max(dur, 1.0 / FPS)
        self.key(self.t, wrist, rot, fingers, occl, flow)

    def via(self, dur, wrist=None, rot=None, fingers=None, occl=None, flow=0.4):
        self.t += max(dur, 1.0 / FPS)
        self.key(self.t, wrist, rot, fingers, occl, flow)

    def transit(self, wrist, rot):
        dist = float(np.linalg.norm(wrist - self.wrist.last()))
        c = np.clip((np.trace(self.rot.last().T @ rot) - 1.0) / 2.0, -1.0, 1.0)
        return (0.2 + 0.55 * dist**0.8 + 0.12 * math.acos(c)) / self.P.speed

    def go(self, wrist, rot, fingers, occl=0.0, max_t=None, extra=0.0):
        dur = self.transit(wrist, rot) + extra
        if max_t is not None:
            dur = min(dur, max_t)
        self.move(dur, wrist, rot, fingers, occl)

    def wait_until(self, t_end):
        if t_end > self.t:
            self.hold(t_end)
            self.t = t_end

    def body_key(self, t, x=None, z=None, yaw=None, flow=0.0):
        bx, bz, byaw = self.body.last()
        self.body.key(t, [bx if x is None else x, bz if z is None else z, byaw if yaw is None else yaw], flow)

    def face_robot(self, dur):
        self.body_key(self.t)
        self.body_key(self.t + dur, yaw=self.P.yaw0 + math.radians(self.rng.normal(0.0, 4.0)))

    def set_other(self, kind, instant=False):
        P, rng = self.P, self.rng
        so = -self.sigma
        inward_o = np.array([-so, 0.0, 0.0])

        def opos(out, up, fwd):
            return np.array([so * out, -up, -fwd])

        if kind == "hang":
            w, r, f, o = opos(0.05, -0.94 * P.arm, 0.03), _hand_frame(_DOWN, inward_o), _RELAXED, 0.0
        elif kind == "scanner":
            w, r, f, o = opos(-0.05, -0.22 * P.height, 0.2), _hand_frame(_CAM + 0.5 * _DOWN, inward_o), _TRIGGER, 0.3
        elif kind == "box_edge":
            w, r, f, o = opos(0.02, -0.2 * P.height, 0.18), _hand_frame(_CAM + _DOWN, inward_o), _GRIP, 0.45
        elif kind == "tablet":
            w, r, f, o = opos(-0.5 * P.sw, -0.15 * P.height, 0.28), _hand_frame(_CAM - 0.4 * inward_o, _UP), _GRIP, 0.5
        elif kind == "hip":
            w, r, f, o = opos(0.12, -0.24 * P.height, -0.02), _hand_frame(_DOWN - 0.6 * inward_o, inward_o), _FLAT, 0.2
        else:  # hidden: pocket, behind the back, tucked under the other arm
            w, r, f, o = opos(-0.02, -0.33 * P.height, 0.06), _hand_frame(_DOWN, inward_o), _RELAXED, 1.0
        w = w + rng.normal(0.0, 0.02, 3)
        if instant:
            self.o_wrist.key(0.0, w)
            self.o_rot.key(0.0, r)
            self.o_fing.key(0.0, f)
            self.o_occl.key(0.0, [o])
            return
        t0, t1 = self.t, self.t + rng.uniform(0.4, 0.8)
        for tr in (self.o_wrist, self.o_fing, self.o_occl):
            tr.key(t0, tr.last())
        self.o_rot.key(t0, self.o_rot.last_quat())
        self.o_wrist.key(t1, w)
        self.o_rot.key(t1, r)
        self.o_fing.key(t1, f)
        self.o_occl.key(t1, [o])

    def other_default(self):
        obj = self.P.other_object
        if obj != "none" and self.rng.random() < 0.75:
            return obj
        return str(self.rng.choice(["hang", "hang", "hip", "hidden"]))

    def add_gesture(self, label, t0, t1, hold=None, style="", flick=False):
        self.gestures.append({"label": label, "t0": t0, "t1": t1, "hold": hold, "style": style, "flick": flick})


# ----------------------------------------------------------------------------------------------
# Gestures
# ----------------------------------------------------------------------------------------------


def _point_angle(rng, sigma):
    u = rng.random()
    side = 1.0
    if u < 0.45:
        elev = float(np.clip(rng.normal(-8.0, 18.0), -60.0, 50.0))
    elif u < 0.7:
        side, elev = -1.0, float(np.clip(rng.normal(-5.0, 18.0), -60.0, 50.0))
    elif u < 0.88:
        side, elev = float(rng.choice([-1.0, 1.0])), rng.uniform(-88.0, -55.0)
    else:
        side, elev = float(rng.choice([-1.0, 1.0])), rng.uniform(50.0, 88.0)
    e = math.radians(elev)
    return math.atan2(math.sin(e), sigma * side * math.cos(e))


def _g_point(p, rng, hurried, exag):
    P = p.P
    theta = _point_angle(rng, p.sigma)
    d3 = _unit([math.cos(theta), -math.sin(theta), rng.uniform(-0.45, 0.15)])
    style = str(rng.choice(["held", "reach", "jab"], p=[0.25, 0.35, 0.4] if hurried else [0.3, 0.45, 0.25]))
    if exag:
        reach = P.arm * rng.uniform(0.9, 0.97)
    elif hurried:
        reach = P.arm * rng.uniform(0.45, 0.75)
    else:
        reach = P.arm * rng.uniform(0.6, 0.92)
    arm_dir = _unit(d3 + np.array([0.0, 0.12, -0.35]))
    w_hold = p.clamp(arm_dir * reach)
    horizontal = abs(math.sin(theta)) < 0.8
    h1 = _DOWN if horizontal else _BACK
    h2 = [_CAM, _BACK, _XR, -_XR][rng.integers(4)]
    beta = math.radians(rng.uniform(-20.0, 75.0))
    rot = _hand_frame(d3, math.cos(beta) * h1 + math.sin(beta) * h2)
    fingers = _GUN if rng.random() < 0.3 else _POINT
    fingers = p.jitter_fingers(fingers)
    if rng.random() < 0.25 * P.slop + 0.05:
        fingers = _with_finger(fingers, 1, rng.uniform(30, 60), rng.uniform(40, 70), 20)
    fingers[0], fingers[4], fingers[8] = rng.uniform(-3, 8), rng.uniform(0, 12 + 15 * P.slop), rng.uniform(0, 10)
    p.face_robot(0.5)
    hold_s = rng.uniform(0.35, 0.8) if hurried else (rng.uniform(1.0, 2.3) if exag else rng.uniform(0.5, 1.9))
    if style == "held":
        p.go(w_hold, rot, fingers)
        t0 = p.t
        hold_s = max(hold_s, 0.6)
    else:
        w_pre = p.clamp(arm_dir * reach * rng.uniform(0.35, 0.55) + np.array([0.0, 0.06, 0.0]))
        pre_rot = _turn(rot, np.cross(d3, _DOWN) + 1e-6, math.radians(rng.uniform(-25, 10)))
        pre_f = _with_finger(fingers, 0, rng.uniform(15, 35), rng.uniform(25, 50), 15)
        p.go(w_pre, pre_rot, pre_f)
        t0 = p.t
        if style == "reach":
            p.move(rng.uniform(0.3, 0.6) / P.speed, w_hold, rot, fingers)
        else:
            over = p.clamp(w_hold + arm_dir * rng.uniform(0.03, 0.07))
            p.move(rng.uniform(0.13, 0.22) / P.speed, over, rot, fingers, flow=0.0)
            p.via(rng.uniform(0.1, 0.18), w_hold, None, None, flow=0.0)
    th0 = p.t + 0.04
    n_drift = 1 + int(rng.integers(2))
    for _ in range(n_drift):
        p.via(
            hold_s / n_drift,
            w_hold + rng.normal(0.0, 0.008, 3),
            _turn(rot, rng.normal(0, 1, 3), math.radians(rng.normal(0, 1.5))),
            None,
            flow=0.5,
        )
    th1 = p.t
    p.add_gesture("point", t0, p.t, (th0, th1), style)


def _swipe_axis(rot_dir, dirv):
    axis = np.cross(rot_dir, dirv)
    return axis if np.linalg.norm(axis) > 1e-3 else None


def _g_swipe(p, rng, label, hurried, exag):
    P = p.P
    H = P.height
    dirv = {"swipe_left": -_XR, "swipe_right": _XR, "swipe_up": _UP, "swipe_down": _DOWN}[label]
    horizontal = label in ("swipe_left", "swipe_right")
    if horizontal:
        styles, probs = ["palm_lead", "backhand", "flat_wipe", "flick", "arm_sweep"], [0.3, 0.2, 0.15, 0.15, 0.2]
    else:
        styles, probs = ["palm_dir", "palm_cam", "flick", "arm_sweep"], [0.38, 0.27, 0.15, 0.2]
    probs = np.array(probs)
    if hurried:
        probs = probs * np.array([1.0] * (len(probs) - 2) + [2.5, 0.3])
    if exag:
        probs = probs * np.array([1.0] * (len(probs) - 2) + [0.2, 4.0])
    style = str(rng.choice(styles, p=probs / probs.sum()))
    flick = style == "flick"
    if flick:
        amp = rng.uniform(0.08, 0.14)
    elif style == "arm_sweep" or exag:
        amp = rng.uniform(0.5, 0.8)
    elif hurried:
        amp = rng.uniform(0.14, 0.26) * P.amp
    else:
        amp = rng.uniform(0.24, 0.48) * P.amp
    amp = min(amp, 0.95 * P.arm)
    if horizontal:
        center = p.pos(rng.uniform(-0.9, 0.3) * P.sw, rng.uniform(-0.14, 0.03) * H, rng.uniform(0.25, 0.45))
        if hurried:
            center = p.pos(rng.uniform(-0.8, 0.2) * P.sw, rng.uniform(-0.22, -0.1) * H, rng.uniform(0.2, 0.38))
    else:
        center = p.pos(rng.uniform(-0.6, 0.25) * P.sw, rng.uniform(-0.14, -0.02) * H, rng.uniform(0.25, 0.45))
    off = math.radians(float(np.clip(rng.normal(0.0, 7.0 * (1.0 + P.slop)), -18.0, 18.0)))
    d_img = _axis_angle(_CAM, off) @ dirv
    perp = _UP if horizontal else p.outward
    start = p.clamp(center - d_img * amp / 2.0)
    end = p.clamp(center + d_img * amp / 2.0)
    mid = p.clamp((start + end) / 2.0 + _CAM * rng.uniform(0.02, 0.08) * (amp / 0.4) + perp * rng.uniform(-0.02, 0.06) * (amp / 0.4))
    # hand orientation
    tilt = rng.uniform(0.0, 0.5)
    fingers = _OPEN
    if style == "palm_lead":
        dist_dir, hint = _UP + tilt * _CAM, dirv
    elif style == "backhand":
        dist_dir, hint = _UP + tilt * _CAM, -dirv
    elif style == "flat_wipe":
        dist_dir, hint, fingers = _CAM + 0.4 * p.inward, _DOWN, _FLAT
    elif style == "palm_dir":
        dist_dir, hint = _CAM + 0.3 * _UP, dirv
    elif style == "palm_cam":
        dist_dir, hint = _UP + 0.2 * p.inward, p.to_cam(center)
    elif style == "flick":
        if horizontal:
            dist_dir, hint = _UP + tilt * _CAM, p.to_cam(center) if rng.random() < 0.6 else dirv
        else:
            dist_dir, hint = _CAM + 0.2 * _UP, dirv
        fingers = _POINT if rng.random() < 0.5 else _OPEN
    else:
        dist_dir, hint = (_UP + 0.3 * _CAM, dirv) if horizontal else (_CAM + 0.3 * p.outward, dirv)
    if hurried and rng.random() < 0.5:
        fingers = 0.6 * fingers + 0.4 * _RELAXED
    fingers = p.jitter_fingers(fingers)
    base = _hand_frame(dist_dir, hint)
    axis = _swipe_axis(base[:, 0], dirv)
    if flick:
        a0, a1 = -math.radians(rng.uniform(25, 40)), math.radians(rng.uniform(30, 55))
    else:
        a0, a1 = -math.radians(rng.uniform(8, 22)), math.radians(rng.uniform(12, 30))

    def orient(a):
        return base if axis is None else _turn(base, axis, a)

    speed = P.speed * (1.3 if hurried else 1.0) / (1.15 if exag else 1.0)
    stroke = (0.12 + 0.22 * rng.uniform(0.7, 1.3)) / speed if flick else (0.16 + 0.5 * amp**0.8) / speed
    windup = rng.uniform(0.1, 0.26) / speed
    settle = rng.uniform(0.06, 0.18)
    ready = rng.uniform(0.03, 0.25)
    min_s = _FLICK_MIN_S if flick else MIN_GESTURE_S
    short = min_s + 0.04 - (ready + windup + stroke + settle)
    if short > 0:
        ready += short
    p.face_robot(0.5)
    p.go(start, orient(0.3 * a0), fingers)
    t0 = p.t
    p.move(ready, start + rng.normal(0.0, 0.004, 3), None, None)
    counter = rng.uniform(0.02, 0.06) * (amp / 0.4) ** 0.5
    p.move(windup, p.clamp(start - d_img * counter), orient(a0), None)
    p.move(stroke * 0.5, mid, orient(0.5 * (a0 + a1)), None, flow=0.9)
    p.via(stroke * 0.5, end, orient(a1), p.jitter_fingers(fingers, 0.5), flow=0.0)
    p.via(settle, p.clamp(end + d_img * rng.uniform(0.0, 0.03)), None, None, flow=0.0)
    p.add_gesture(label, t0, p.t, None, style, flick)


def _g_grab(p, rng, hurried, exag):
    P = p.P
    H = P.height
    style = str(rng.choice(["air", "reach", "claw_down", "slow", "snatch"], p=[0.35, 0.22, 0.18, 0.1, 0.15]))
    w = p.pos(rng.uniform(-0.7, 0.15) * P.sw, rng.uniform(-0.13, 0.04) * H, rng.uniform(0.2, 0.38))
    if style == "claw_down":
        rot = _hand_frame(_CAM + rng.uniform(0.3, 0.8) * _DOWN + 0.2 * p.inward, _DOWN)
        open_f = p.jitter_fingers(0.7 * _OPEN + 0.3 * _CLAW)
    else:
        hint = p.to_cam(w) if rng.random() < 0.75 else p.inward + 0.5 * _CAM
        rot = _hand_frame(_UP + rng.uniform(0.1, 0.6) * _CAM + 0.15 * p.inward, hint)
        open_f = p.jitter_fingers(_OPEN)
    open_f[12] = rng.uniform(6, 18) if not hurried else rng.uniform(2, 10)
    fist = p.jitter_fingers(_FIST)
    if rng.random() < 0.4 * P.slop + 0.05:
        fist[:4] -= rng.uniform(10, 25)
        fist[4:8] -= rng.uniform(5, 20)
    speed = P.speed * (1.25 if hurried else 1.0)
    close = {"slow": rng.uniform(0.6, 1.1), "snatch": rng.uniform(0.13, 0.22)}.get(style, rng.uniform(0.22, 0.45)) / speed
    open_hold = rng.uniform(0.08, 0.3) if hurried else rng.uniform(0.15, 0.45)
    fist_hold = rng.uniform(0.12, 0.25) if hurried else rng.uniform(0.15, 0.5)
    p.face_robot(0.5)
    p.go(w, rot, open_f)
    t0 = p.t
    if style == "reach":
        fwd = p.clamp(w + _CAM * rng.uniform(0.12, 0.25) * (1.3 if exag else 1.0))
        p.move(rng.uniform(0.25, 0.45) / speed, fwd, None, p.jitter_fingers(open_f, 0.4), flow=0.0)
        w = fwd
    else:
        p.move(open_hold, w + rng.normal(0.0, 0.006, 3), None, None)
    mid = 0.5 * (open_f + fist) + rng.normal(0.0, 6.0, 17) * np.r_[np.ones(12), np.zeros(5)]
    stagger = np.r_[rng.normal(0.0, 8.0, 4), np.zeros(13)]
    w_end = w
    if style == "snatch":
        w_end = p.clamp(w + _BACK * rng.uniform(0.08, 0.15) + _DOWN * 0.03)
    elif style == "claw_down":
        w_end = p.clamp(w + _UP * rng.uniform(0.02, 0.07))
    p.move(close * 0.5, 0.5 * (w + w_end), None, mid + stagger, flow=0.6)
    p.via(close * 0.5, w_end, _turn(rot, rng.normal(0, 1, 3), math.radians(rng.normal(0, 6))), fist, flow=0.0)
    p.via(fist_hold, w_end + rng.normal(0.0, 0.005, 3), None, None, flow=0.0)
    if p.t - t0 < MIN_GESTURE_S + 0.03:
        p.via(MIN_GESTURE_S + 0.05 - (p.t - t0), None, None, None, flow=0.0)
    p.add_gesture("grab", t0, p.t, None, style)


def _g_come_here(p, rng, hurried, exag):
    P = p.P
    H = P.height
    if rng.random() < 0.55:
        style = P.beckon_pref
    else:
        style = str(rng.choice(["palm_up_curl", "palm_down_flap", "whole_arm", "wrist_flap"], p=[0.3, 0.3, 0.25, 0.15]))
    n = 2 if hurried else int(rng.integers(2, 5))
    if exag:
        n = max(n, 3)
    period = rng.uniform(0.35, 0.65) / P.speed
    if hurried:
        period *= 0.8
    n = min(n, max(2, int(2.6 / period)))
    speed = P.speed
    p.face_robot(0.5)
    if style == "palm_up_curl":
        w = p.pos(rng.uniform(-0.3, 0.15) * P.sw, rng.uniform(-0.25, -0.08) * H, rng.uniform(0.25, 0.4))
        rot = _hand_frame(_CAM + rng.uniform(0.1, 0.6) * _UP + 0.3 * p.outward, _UP)
        ext = p.jitter_fingers(_OPEN)
        ext[12] = rng.uniform(0, 6)
        index_only = rng.random() < 0.35
        curl = ext.copy()
        fingers_idx = [0] if index_only else [0, 1, 2, 3]
        for j in fingers_idx:
            curl = _with_finger(curl, j, rng.uniform(55, 75), rng.uniform(80, 100), rng.uniform(40, 60))
        if index_only:
            for j in (1, 2, 3):
                ext = _with_finger(ext, j, 80, 95, 50)
                curl = _with_finger(curl, j, 80, 95, 50)
        p.go(w, rot, ext)
        t0 = p.t
        for _ in range(n):
            p.via(
                period * 0.5, w + _BACK * rng.uniform(0.005, 0.02), _turn(rot, p.outward, math.radians(rng.uniform(4, 12))), curl, flow=0.35
            )
            p.via(period * 0.5, w + rng.normal(0.0, 0.005, 3), rot, ext, flow=0.35)
    elif style == "palm_down_flap":
        w = p.pos(rng.uniform(-0.3, 0.2) * P.sw, rng.uniform(-0.12, 0.03) * H, rng.uniform(0.3, 0.45))
        rot = _hand_frame(_CAM + 0.2 * _UP + 0.2 * p.outward, _DOWN)
        ext = p.jitter_fingers(_FLAT)
        down = _pose(rng.uniform(40, 75), rng.uniform(30, 55), 20, 0, [30, 20, 15, 10])
        axis = np.cross(rot[:, 0], _DOWN)
        p.go(w, rot, ext)
        t0 = p.t
        for _ in range(n):
            p.via(period * 0.5, w + _DOWN * 0.01, _turn(rot, axis, math.radians(rng.uniform(25, 45))), down, flow=0.35)
            p.via(period * 0.5, w + rng.normal(0.0, 0.005, 3), rot, ext, flow=0.35)
    elif style == "whole_arm":
        reach = rng.uniform(0.45, 0.55) if not exag else 0.95 * P.arm
        w_out = p.pos(rng.uniform(0.0, 0.15), rng.uniform(-0.05, 0.06) * H, reach)
        w_in = p.pos(-0.3 * P.sw, -0.12 * H, rng.uniform(0.12, 0.2))
        palm_up = rng.random() < 0.6
        rot_out = _hand_frame(_CAM + 0.3 * _UP, _UP) if palm_up else _hand_frame(_UP + 0.4 * _CAM, _BACK)
        rot_in = _turn(rot_out, p.outward, math.radians(rng.uniform(20, 40)))
        ext = p.jitter_fingers(_OPEN)
        cur = p.jitter_fingers(0.5 * _OPEN + 0.5 * _CURL)
        n = 2 if rng.random() < 0.7 else 3
        beat = rng.uniform(0.3, 0.5) / speed
        p.go(w_out, rot_out, ext)
        t0 = p.t
        for i in range(n):
            p.via(beat, w_in, rot_in, cur, flow=0.3)
            if i < n - 1:
                p.via(beat, w_out + rng.normal(0.0, 0.02, 3), rot_out, ext, flow=0.3)
    else:  # wrist_flap: back of the hand toward the robot, fingers flapping toward the face
        w = p.pos(rng.uniform(-0.1, 0.2), rng.uniform(-0.1, 0.05) * H, rng.uniform(0.25, 0.4))
        rot = _hand_frame(_UP + 0.2 * _CAM, _BACK)
        ext = p.jitter_fingers(_OPEN)
        axis = np.cross(rot[:, 0], _BACK)
        bent = p.jitter_fingers(0.6 * _OPEN + 0.4 * _CURL)
        p.go(w, rot, ext)
        t0 = p.t
        for _ in range(n):
            p.via(period * 0.5, w, _turn(rot, axis, math.radians(rng.uniform(30, 55))), bent, flow=0.35)
            p.via(period * 0.5, w + rng.normal(0.0, 0.004, 3), rot, ext, flow=0.35)
    p.via(rng.uniform(0.05, 0.15), None, None, None, flow=0.0)
    if p.t - t0 < MIN_GESTURE_S + 0.03:
        p.via(MIN_GESTURE_S + 0.05 - (p.t - t0), None, None, None, flow=0.0)
    p.add_gesture("come_here", t0, p.t, None, style)


def _g_stop(p, rng, hurried, exag):
    P = p.P
    H = P.height
    style = P.stop_pref if rng.random() < 0.6 else str(rng.choice(["push", "raise_high", "held", "sideways"], p=[0.35, 0.25, 0.2, 0.2]))
    if exag and style == "held":
        style = "raise_high"
    fingers = p.jitter_fingers(_OPEN)
    fingers[13] = rng.uniform(25, 55)
    fingers[12] = rng.uniform(0, 14)
    hold_s = rng.uniform(0.4, 0.7) if hurried else (rng.uniform(1.0, 2.2) if exag else rng.uniform(0.5, 1.6))
    p.face_robot(0.5)
    tilt = rng.uniform(0.0, 0.3)
    if style in ("push", "sideways"):
        w0 = p.pos(rng.uniform(-0.3, 0.1) * P.sw, rng.uniform(-0.1, 0.05) * H, rng.uniform(0.08, 0.18))
        reach = 0.95 * P.arm if exag else rng.uniform(0.38, 0.55)
        w1 = p.clamp(w0 + _CAM * (reach - 0.12) + _UP * rng.uniform(0.0, 0.06))
        dist_dir = _UP + tilt * _BACK if style == "push" else (p.inward if rng.random() < 0.6 else p.outward) + 0.3 * _UP
        rot1 = _hand_frame(dist_dir, p.to_cam(w1))
        rot0 = _turn(rot1, np.cross(rot1[:, 0], _CAM) + 1e-6, math.radians(rng.uniform(-5, 25)))
        p.go(w0, rot0, fingers)
        t0 = p.t
        p.move(rng.uniform(0.15, 0.3) / P.speed, w1, rot1, None)
        w_hold, rot = w1, rot1
    elif style == "raise_high":
        w1 = p.pos(rng.uniform(0.0, 0.15), rng.uniform(0.14, 0.26) * H, rng.uniform(0.05, 0.2))
        w_mid = p.clamp(w1 + _DOWN * rng.uniform(0.1, 0.18) + _CAM * 0.05)
        rot = _hand_frame(_UP + tilt * _BACK, p.to_cam(w1))
        p.go(w_mid, rot, fingers)
        t0 = p.t - rng.uniform(0.0, 0.1)
        p.move(rng.uniform(0.15, 0.28) / P.speed, w1, rot, None)
        w_hold = w1
    else:
        w_hold = p.pos(rng.uniform(-0.4, 0.15) * P.sw, rng.uniform(-0.08, 0.06) * H, rng.uniform(0.25, 0.45))
        rot = _hand_frame(_UP + tilt * _BACK, p.to_cam(w_hold))
        p.go(w_hold, rot, fingers)
        t0 = p.t
        hold_s = max(hold_s, 0.6)
    th0 = p.t + 0.04
    n_drift = 1 + int(rng.integers(2))
    for _ in range(n_drift):
        p.via(
            hold_s / n_drift,
            w_hold + rng.normal(0.0, 0.008, 3),
            _turn(rot, rng.normal(0, 1, 3), math.radians(rng.normal(0, 2.0))),
            None,
            flow=0.5,
        )
    p.add_gesture("stop", t0, p.t, (th0, p.t), style)


def _gesture(p, rng, label):
    P = p.P
    hurried = rng.random() < P.hurry
    exag = (not hurried) and rng.random() < P.exag
    p.set_other(p.other_default())
    p.body_key(p.t)
    if label == "point":
        _g_point(p, rng, hurried, exag)
    elif label.startswith("swipe"):
        _g_swipe(p, rng, label, hurried, exag)
    elif label == "grab":
        _g_grab(p, rng, hurried, exag)
    elif label == "come_here":
        _g_come_here(p, rng, hurried, exag)
    else:
        _g_stop(p, rng, hurried, exag)
    g = p.gestures[-1]
    g["hurried"], g["exaggerated"] = hurried, exag


# ----------------------------------------------------------------------------------------------
# Idle behaviors (unlabeled)
# ----------------------------------------------------------------------------------------------


def _i_rest(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    v = str(rng.choice(["hang", "hang", "hip", "front", "behind"]))
    f = p.idle_fingers()
    occ = 0.25 if P.hand_object == "scanner" else 0.0
    if v == "hang":
        w = p.pos(rng.uniform(0.03, 0.08), -0.94 * P.arm, rng.uniform(-0.03, 0.07))
        rot = _hand_frame(_DOWN, p.inward * math.cos(rng.uniform(-0.6, 0.9)) + _BACK * math.sin(rng.uniform(-0.6, 0.9)))
    elif v == "hip":
        w = p.pos(0.12, -0.24 * H, -0.02)
        rot, f, occ = _hand_frame(_DOWN - 0.6 * p.inward, p.inward), p.jitter_fingers(_FLAT), 0.2
    elif v == "front":
        w = p.pos(-0.9 * P.sw, -0.27 * H, 0.14)
        rot, occ = _hand_frame(_DOWN + p.inward, _BACK), 0.55
    else:
        w = p.pos(-0.3 * P.sw, -0.27 * H, -0.14)
        rot, occ = _hand_frame(_DOWN, _CAM), 1.0
    if v == "front":
        p.set_other("hidden")
    p.go(w, rot, f, occ, max_t=0.6 * dur)
    while p.t < t_end - 0.6:
        p.via(min(rng.uniform(0.5, 1.4), t_end - p.t), w + rng.normal(0.0, 0.012, 3), None, None, flow=0.5)
    p.wait_until(t_end)


def _i_talk(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    if rng.random() < 0.6:
        p.body_key(p.t)
        p.body_key(p.t + 0.5, yaw=P.yaw0 + math.radians(rng.uniform(15, 50) * rng.choice([-1, 1])))
    base = p.pos(rng.uniform(-0.6, 0.1) * P.sw, rng.uniform(-0.25, -0.12) * H, rng.uniform(0.15, 0.32))
    rot = _hand_frame(_CAM + 0.5 * p.inward + 0.2 * _UP, _UP if rng.random() < 0.5 else p.inward)
    f0 = p.jitter_fingers(0.6 * _RELAXED + 0.4 * _OPEN)
    p.go(base, rot, f0, 0.0, max_t=0.5 * dur)
    while p.t < t_end - 0.4:
        dt = min(rng.uniform(0.25, 0.6), t_end - p.t)
        off = np.array([rng.normal(0, 0.03), abs(rng.normal(0.03, 0.02)), rng.normal(0, 0.02)])
        p.via(dt * 0.4, base + off, _turn(rot, rng.normal(0, 1, 3), math.radians(rng.normal(0, 10))), p.jitter_fingers(f0, 1.5), flow=0.3)
        p.via(dt * 0.6, base + rng.normal(0, 0.01, 3), None, None, flow=0.4)
    p.wait_until(t_end)


def _i_face(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    spot = str(rng.choice(["chin", "nose", "cheek", "ear", "forehead"]))
    up = {"chin": 0.05, "nose": 0.09, "cheek": 0.08, "ear": 0.1, "forehead": 0.13}[spot] * H
    out = -P.sw + (0.07 if spot == "ear" else rng.normal(0.0, 0.025))
    w = p.pos(out, up - 0.06, rng.uniform(0.08, 0.13))
    rot = _hand_frame(_UP + 0.5 * _BACK + 0.3 * p.inward, _BACK)
    f = p.jitter_fingers(_with_finger(_RELAXED, 0, 10, 25, 15))
    p.go(w, rot, f, 0.3, max_t=0.45 * dur)
    scratch = rng.random() < 0.6
    while p.t < t_end - 0.5:
        if scratch:
            for _ in range(int(rng.integers(3, 8))):
                p.via(rng.uniform(0.1, 0.16), w + rng.normal(0.0, 0.008, 3), None, p.jitter_fingers(f, 1.5), flow=0.4)
        p.via(rng.uniform(0.3, 0.8), w + rng.normal(0.0, 0.01, 3), None, None, flow=0.3)
    p.wait_until(t_end)


def _i_head(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    what = str(rng.choice(["hard_hat", "glasses", "earmuff"]))
    up = {"hard_hat": 0.17, "glasses": 0.1, "earmuff": 0.1}[what] * H
    out = -P.sw + (0.08 if what == "earmuff" else rng.normal(0.0, 0.03))
    w = p.pos(out, up - 0.05, rng.uniform(0.05, 0.12))
    rot = _hand_frame(_UP + 0.4 * _BACK, _BACK if what != "earmuff" else p.inward)
    p.go(w, rot, p.jitter_fingers(_PINCH), 0.2, max_t=0.5 * dur)
    while p.t < t_end - 0.4:
        p.via(rng.uniform(0.2, 0.5), w + rng.normal(0.0, 0.015, 3), _turn(rot, rng.normal(0, 1, 3), math.radians(8)), None, flow=0.3)
    p.wait_until(t_end)


def _i_walk(p, rng, dur):
    """Walk into the picture, out of it, or aside and back, swinging the arms."""
    P = p.P
    t_start = p.t
    t_end = p.t + dur
    x0, z0, _ = p.body.last()
    s = float(rng.choice([-1.0, 1.0]))
    v = rng.uniform(0.9, 1.4)
    yaw_out = -s * math.radians(rng.uniform(65, 90))
    face = P.yaw0 + math.radians(rng.normal(0, 8))
    mode = "aside"
    if p.idle_where == "start" and t_start < 1e-6 and rng.random() < 0.6:
        mode = "enter"
    elif p.idle_where == "end" and abs(t_end - p.idle_end) < 1e-6 and rng.random() < 0.6:
        mode = "exit"
    elif dur > 3.2 and rng.random() < 0.6:
        mode = "out_and_back"
    keys = []
    if mode == "enter":
        far = min(3.5, v * (dur - 0.8))
        walk = far / v
        keys = [(t_start, x0 + s * far, -yaw_out, 0.0)]
        n = max(2, int(walk / 0.5))
        keys += [(t_start + walk * i / n, x0 + s * far * (1 - i / n), -yaw_out, 0.8 if i < n else 0.0) for i in range(1, n + 1)]
        keys.append((min(t_end, t_start + walk + 0.4), x0, face, 0.0))
    elif mode == "exit":
        far = v * max(0.5, dur - 0.4)
        n = max(2, int(dur / 0.5))
        keys = [(t_start, x0, None, 0.0), (t_start + 0.35, x0 + s * 0.1, yaw_out, 0.5)]
        keys += [(t_start + 0.35 + (dur - 0.35) * i / n, x0 + s * far * i / n, yaw_out, 0.8 if i < n else 0.0) for i in range(1, n + 1)]
    else:
        walk_t = (dur - 1.0) / 2.0
        far = v * walk_t if mode == "out_and_back" else min(v * walk_t, rng.uniform(0.5, 1.6))
        out_t = far / v
        n = max(2, int(out_t / 0.5))
        t_walk0 = t_start + 0.4
        keys = [(t_start, x0, None, 0.0), (t_start + 0.35, x0, yaw_out, 0.0)]
        keys += [(t_walk0 + out_t * i / n, x0 + s * far * i / n, yaw_out, 0.8 if i < n else 0.0) for i in range(1, n + 1)]
        t_turn = t_walk0 + out_t
        pause = max(0.3, dur - 0.4 - 2 * out_t - 1.0)
        keys.append((t_turn + 0.2 + pause, x0 + s * far, -yaw_out, 0.0))
        x_end = x0 + rng.normal(0.0, 0.12)
        t_back0 = t_turn + 0.2 + pause
        keys += [
            (t_back0 + out_t * i / n, x0 + s * far + (x_end - x0 - s * far) * i / n, -yaw_out, 0.8 if i < n else 0.0)
            for i in range(1, n + 1)
        ]
        keys.append((min(t_end, t_back0 + out_t + 0.4), x_end, face, 0.0))
    for t, x, yaw, flow in keys:
        p.body_key(t, x=x, z=z0 + 0.04 * rng.normal(), yaw=yaw, flow=flow)
    f = p.idle_fingers()
    rot = _hand_frame(_DOWN, p.inward)
    w_back = p.pos(0.05, -0.92 * P.arm, -0.12)
    w_fwd = p.pos(0.05, -0.9 * P.arm, 0.18)
    p.go(w_back, rot, f, 0.0, max_t=0.4)
    swing = True
    while p.t < t_end - 0.3:
        p.via(min(rng.uniform(0.45, 0.6), t_end - p.t), w_fwd if swing else w_back, None, None, flow=0.7)
        swing = not swing
    p.wait_until(t_end)
    p.variant = mode


def _i_carry(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    w = p.pos(rng.uniform(-0.5, 0.05) * P.sw, rng.uniform(-0.24, -0.14) * H, rng.uniform(0.22, 0.32))
    rot = _hand_frame(_CAM + 0.6 * p.inward, _UP) if rng.random() < 0.5 else _hand_frame(_CAM + 0.3 * _DOWN, p.inward)
    p.set_other("box_edge")
    p.go(w, rot, p.jitter_fingers(_GRIP), rng.uniform(0.3, 0.6), max_t=0.5 * dur)
    if dur > 2.5 and rng.random() < 0.5:
        x0, z0, yaw = p.body.last()
        shift = rng.uniform(0.3, 0.9) * rng.choice([-1, 1])
        p.body_key(p.t)
        p.body_key(p.t + 0.8, x=x0 + shift, yaw=yaw - math.copysign(0.6, shift), flow=0.0)
        p.body_key(min(t_end, p.t + 1.8), x=x0 + rng.normal(0, 0.1), yaw=P.yaw0, flow=0.0)
    while p.t < t_end - 0.5:
        p.via(rng.uniform(0.4, 0.9), w + rng.normal(0.0, 0.015, 3), None, None, flow=0.5)
    p.wait_until(t_end)


def _i_tablet(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    p.set_other("tablet")
    if rng.random() < 0.5:
        w = p.pos(-0.5 * P.sw, -0.15 * H, 0.28)
        rot = _hand_frame(_CAM * 0.3 + p.inward, 0.7 * _UP + 0.3 * _BACK)
        p.go(w, rot, p.jitter_fingers(_pose([20, 25, 30, 35], 15, 10, 2, [40, 30, 10, 10])), 0.45, max_t=0.5 * dur)
        while p.t < t_end - 0.5:
            p.via(rng.uniform(0.4, 1.0), w + rng.normal(0.0, 0.01, 3), None, None, flow=0.5)
    else:
        w = p.pos(-1.0 * P.sw, -0.14 * H, 0.3)
        rot = _hand_frame(_DOWN + 0.6 * _CAM + 0.3 * p.inward, _BACK)
        tap_f = p.jitter_fingers(_with_finger(_FIST, 0, 15, 20, 10))
        p.go(w, rot, tap_f, 0.15, max_t=0.5 * dur)
        while p.t < t_end - 0.4:
            for _ in range(int(rng.integers(1, 4))):
                p.via(rng.uniform(0.09, 0.15), w + _DOWN * 0.015, None, None, flow=0.3)
                p.via(rng.uniform(0.09, 0.15), w, None, None, flow=0.3)
            w = w + rng.normal(0.0, 0.02, 3) * np.array([1.0, 0.3, 1.0])
            p.via(rng.uniform(0.2, 0.6), w, None, None, flow=0.2)
    p.wait_until(t_end)


def _i_cross(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    on_top = rng.random() < 0.5
    w = p.pos(-2.0 * P.sw - 0.02, -0.13 * H, 0.12 if on_top else 0.08)
    rot = _hand_frame(p.inward + 0.3 * _DOWN, _BACK)
    p.set_other("hidden")
    p.go(w, rot, p.jitter_fingers(_FLAT), 0.3 if on_top else 0.9, max_t=0.5 * dur)
    while p.t < t_end - 0.6:
        p.via(rng.uniform(0.6, 1.5), w + rng.normal(0.0, 0.008, 3), None, None, flow=0.4)
    p.wait_until(t_end)


def _i_wave(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    c = float(rng.choice([-1.0, 1.0]))
    p.body_key(p.t)
    p.body_key(p.t + 0.4, yaw=P.yaw0 - c * math.radians(rng.uniform(20, 55)))
    w = p.pos(rng.uniform(0.05, 0.3), rng.uniform(-0.02, 0.14) * H, rng.uniform(0.1, 0.25))
    rot = _hand_frame(_UP + 0.2 * p.outward, _CAM + 0.3 * c * _XR)
    p.go(w, rot, p.jitter_fingers(_OPEN), 0.0, max_t=0.45 * dur)
    arm_wave = rng.random() < 0.5
    amp = rng.uniform(0.06, 0.14) if arm_wave else rng.uniform(0.02, 0.04)
    ang = math.radians(rng.uniform(8, 18) if arm_wave else rng.uniform(18, 32))
    half = rng.uniform(0.16, 0.26)
    sgn = 1.0
    while p.t < t_end - 0.5:
        p.via(half, w + sgn * amp * _XR, _turn(rot, rot[:, 1], sgn * ang), None, flow=0.5)
        sgn = -sgn
    p.via(min(0.3, max(0.05, t_end - p.t)), p.clamp(w + _DOWN * 0.1), rot, p.jitter_fingers(_RELAXED), flow=0.0)
    if rng.random() < 0.5:
        p.body_key(p.t)
        p.body_key(t_end, yaw=P.yaw0)
    p.wait_until(t_end)


def _i_pocket(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    back = rng.random() < 0.3
    w = p.pos(rng.uniform(-0.04, 0.03), -0.32 * H, -0.12 if back else 0.06)
    rot = _hand_frame(_DOWN + 0.2 * _CAM, p.inward)
    p.go(w, rot, p.jitter_fingers(_RELAXED), 1.0, max_t=0.5 * dur)
    if rng.random() < 0.5:
        p.set_other("hidden")
    while p.t < t_end - 0.8:
        p.via(rng.uniform(0.6, 1.5), w + rng.normal(0.0, 0.006, 3), None, None, flow=0.4)
    p.wait_until(t_end)


def _i_scanner(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    aim = _unit([p.sigma * rng.uniform(0.2, 1.0), rng.uniform(0.1, 0.8), -rng.uniform(0.3, 0.9)])
    w = p.clamp(aim * P.arm * rng.uniform(0.55, 0.8))
    rot = _hand_frame(aim, _DOWN + 0.3 * p.inward)
    trig = p.jitter_fingers(_TRIGGER)
    pulled = _with_finger(trig, 0, trig[0] + 15, trig[4] + 25, trig[8] + 10)
    p.go(w, rot, trig, 0.35, max_t=0.45 * dur)
    while p.t < t_end - 0.6:
        p.via(rng.uniform(0.2, 0.5), w + rng.normal(0.0, 0.01, 3), None, None, flow=0.3)
        p.via(0.1, None, None, pulled, flow=0.0)
        p.via(0.12, None, None, trig, flow=0.0)
    p.via(min(0.5, max(0.05, t_end - p.t)), p.pos(-0.2 * P.sw, -0.22 * H, 0.2), _hand_frame(_CAM + _DOWN, p.inward), None, flow=0.0)
    p.wait_until(t_end)


def _i_reach_out(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    x0, z0, yaw = p.body.last()
    p.body_key(p.t)
    p.body_key(p.t + 0.5, x=x0 + p.sigma * rng.uniform(0.2, 0.6), yaw=yaw + p.sigma * math.radians(rng.uniform(-40, -15)))
    w = p.pos(0.45, rng.uniform(-0.05, 0.22) * H, rng.uniform(0.1, 0.3))
    rot = _hand_frame(p.outward + 0.3 * _CAM, _CAM if rng.random() < 0.5 else _DOWN)
    p.go(w, rot, p.jitter_fingers(_OPEN), 0.0, max_t=0.45 * dur)
    p.via(rng.uniform(0.2, 0.4), p.clamp(w + p.outward * 0.04), None, p.jitter_fingers(_GRIP), flow=0.0)
    p.via(min(0.6, max(0.1, t_end - p.t - 0.2)), p.pos(-0.3 * P.sw, -0.2 * H, 0.25), _hand_frame(_CAM, p.inward), None, flow=0.0)
    p.body_key(p.t)
    p.body_key(max(p.t + 0.1, t_end), x=x0, yaw=yaw)
    p.wait_until(t_end)


def _i_glove(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    w = p.pos(-0.8 * P.sw, -0.22 * H, 0.22)
    rot = _hand_frame(p.inward + 0.4 * _CAM, _DOWN)
    p.set_other("hidden")
    p.go(w, rot, p.jitter_fingers(_RELAXED), 0.45, max_t=0.5 * dur)
    while p.t < t_end - 0.3:
        p.via(rng.uniform(0.15, 0.35), w + rng.normal(0.0, 0.02, 3), None, p.jitter_fingers(0.5 * _OPEN + 0.5 * _GRIP, 3.0), flow=0.3)
    p.wait_until(t_end)


def _i_stretch(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    if rng.random() < 0.6:
        w = p.pos(rng.uniform(0.0, 0.1), rng.uniform(0.2, 0.28) * H, rng.uniform(-0.05, 0.1))
        rot = _hand_frame(_UP, _UP + _CAM if rng.random() < 0.5 else _CAM)
    else:
        w = p.pos(0.5, rng.uniform(-0.05, 0.05) * H, 0.05)
        rot = _hand_frame(p.outward, _DOWN)
    p.go(w, rot, p.jitter_fingers(_OPEN), 0.0, max_t=0.45 * dur, extra=0.2)
    p.via(min(rng.uniform(0.4, 1.0), max(0.05, t_end - p.t - 0.5)), w + rng.normal(0.0, 0.02, 3), None, None, flow=0.2)
    p.via(
        max(0.05, min(0.7, t_end - p.t)),
        p.pos(0.05, -0.9 * P.arm, 0.05),
        _hand_frame(_DOWN, p.inward),
        p.jitter_fingers(_RELAXED),
        flow=0.0,
    )
    p.wait_until(t_end)


def _i_watch(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    w = p.pos(-0.4 * P.sw, -0.08 * H, 0.3)
    rot = _hand_frame(p.inward + 0.3 * _CAM, _DOWN)
    p.go(w, rot, p.jitter_fingers(_RELAXED), 0.0, max_t=0.5 * dur)
    p.wait_until(t_end)


def _i_neck(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    w = p.pos(-0.5 * P.sw, 0.06 * H, -0.08)
    rot = _hand_frame(_UP + p.inward, _BACK)
    p.go(w, rot, p.jitter_fingers(_RELAXED), 0.8, max_t=0.5 * dur)
    while p.t < t_end - 0.3:
        p.via(rng.uniform(0.2, 0.35), w + rng.normal(0.0, 0.015, 3), None, None, flow=0.4)
    p.wait_until(t_end)


def _i_lean(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    w = p.pos(0.36, rng.uniform(-0.1, 0.0) * H, 0.05)
    rot = _hand_frame(_UP + p.outward * 0.5, p.outward + 0.4 * _DOWN)
    p.go(w, rot, p.jitter_fingers(_FLAT), 0.1, max_t=0.5 * dur)
    p.wait_until(t_end)


def _i_brow(p, rng, dur):
    P = p.P
    H = P.height
    t_end = p.t + dur
    a = p.pos(-P.sw + 0.08, 0.13 * H - 0.04, 0.12)
    b = p.pos(-P.sw - 0.08, 0.13 * H - 0.04, 0.12)
    rot = _hand_frame(p.inward, _BACK)
    p.go(a, rot, p.jitter_fingers(_FLAT), 0.15, max_t=0.5 * dur)
    p.via(rng.uniform(0.25, 0.45), b, None, None, flow=0.0)
    p.via(
        min(0.5, max(0.05, t_end - p.t)),
        p.pos(0.05, -0.6 * P.arm, 0.15),
        _hand_frame(_DOWN + _CAM, p.inward),
        p.jitter_fingers(_RELAXED),
        flow=0.0,
    )
    p.wait_until(t_end)


# name: (function, min seconds, max seconds, base weight)
_IDLE = {
    "rest": (_i_rest, 0.25, 5.0, 1.6),
    "talk": (_i_talk, 0.9, 4.0, 1.6),
    "touch_face": (_i_face, 1.0, 3.0, 1.0),
    "adjust_head_gear": (_i_head, 1.0, 2.8, 0.8),
    "walk": (_i_walk, 2.2, 7.0, 3.5),
    "carry": (_i_carry, 1.2, 5.0, 0.9),
    "tablet": (_i_tablet, 1.2, 5.0, 0.8),
    "arms_crossed": (_i_cross, 1.2, 5.0, 0.9),
    "wave_colleague": (_i_wave, 1.1, 2.8, 0.8),
    "pocket": (_i_pocket, 1.2, 5.0, 0.9),
    "scanner": (_i_scanner, 1.3, 4.0, 0.5),
    "reach_shelf": (_i_reach_out, 1.3, 3.5, 0.7),
    "glove_tug": (_i_glove, 1.0, 3.0, 0.0),
    "stretch": (_i_stretch, 1.3, 3.0, 0.3),
    "check_watch": (_i_watch, 1.0, 2.5, 0.5),
    "rub_neck": (_i_neck, 1.0, 3.0, 0.5),
    "lean_on_rack": (_i_lean, 1.0, 4.0, 0.6),
    "wipe_brow": (_i_brow, 0.9, 2.0, 0.4),
}


def _idle(p, rng, dur, short=False, where="middle"):
    t_end = p.t + dur
    p.idle_where, p.idle_end = where, t_end
    p.body_key(p.t)
    if short:
        w = p.clamp(p.wrist.last() + _DOWN * rng.uniform(0.03, 0.12) + _BACK * rng.uniform(0.0, 0.06))
        p.move(max(dur, 1.0 / FPS), w, None, p.jitter_fingers(0.5 * p.fing.last() + 0.5 * _RELAXED), flow=0.0)
        p.activities.append(("pause", t_end - dur, p.t))
        return
    p.set_other(p.other_default())
    P = p.P
    while t_end - p.t > 0.25:
        rem = t_end - p.t
        names, weights = [], []
        for name, (_fn, lo, _hi, wgt) in _IDLE.items():
            wgt = wgt + (1.5 if name == "scanner" and P.hand_object == "scanner" else 0.0)
            wgt = wgt + (1.2 if name == "glove_tug" and P.glove != "none" else 0.0)
            wgt = wgt + (0.8 if name == "carry" and P.other_object == "box_edge" else 0.0)
            if lo <= rem and wgt > 0:
                names.append(name)
                weights.append(wgt)
        w = np.array(weights)
        name = str(rng.choice(names, p=w / w.sum()))
        fn, lo, hi, _ = _IDLE[name]
        d = rng.uniform(lo, min(hi, rem))
        if rem - d < 0.4:
            d = rem
        t0 = p.t
        p.variant = ""
        fn(p, rng, d)
        p.wait_until(t0 + d)
        p.activities.append((name + ("_" + p.variant if p.variant else ""), t0, p.t))
    p.wait_until(t_end)


_PAIRS = (
    ("point", "swipe"),
    ("grab", "swipe"),
    ("point", "grab"),
    ("point", "come_here"),
)


def _pair_labels(rng):
    a, b = _PAIRS[int(rng.choice(4, p=[0.35, 0.25, 0.2, 0.2]))]
    if b == "swipe":
        b = str(rng.choice(["swipe_left", "swipe_right", "swipe_up", "swipe_down"]))
    return [a, b]


def _idle_length(rng, lo, hi):
    """Mostly short idle stretches with a tail of long ones."""
    if rng.random() < 0.6:
        return rng.uniform(lo, lo + 0.45 * (hi - lo))
    return rng.uniform(lo + 0.3 * (hi - lo), hi)


def _compose(p, rng, kind):
    if kind in ("tight", "margin"):
        label = LABELS[int(rng.integers(len(LABELS)))]
        pre = rng.uniform(0.6, 1.3) if kind == "tight" else _idle_length(rng, 0.3, 5.5)
        post = rng.uniform(0.3, 0.7) if kind == "tight" else _idle_length(rng, 0.3, 5.0)
        _idle(p, rng, pre, where="start")
        _gesture(p, rng, label)
        _idle(p, rng, post, where="end")
        return
    if kind == "pair":
        units = [_pair_labels(rng)]
        idles = [_idle_length(rng, 0.4, 4.5), _idle_length(rng, 0.3, 4.0)]
    else:
        n = int(rng.integers(3, 6))
        units, count = [], 0
        while count < n:
            if n - count >= 2 and rng.random() < 0.45:
                units.append(_pair_labels(rng))
            else:
                units.append([LABELS[int(rng.integers(len(LABELS)))]])
            count += len(units[-1])
        idles = [_idle_length(rng, 0.4, 3.0)] + [_idle_length(rng, 0.8, 4.5) for _ in units[1:]] + [_idle_length(rng, 0.3, 2.5)]
        budget = _MAX_CLIP_S - 1.0 - 2.3 * count - 0.5 * len(units)
        total = sum(idles)
        if total > budget:
            idles = [max(0.35, x * budget / total) for x in idles]
    for i, unit in enumerate(units):
        _idle(p, rng, idles[i], where="start" if i == 0 else "middle")
        for j, label in enumerate(unit):
            if j:
                _idle(p, rng, rng.uniform(0.1, 0.6), short=True)
            _gesture(p, rng, label)
    _idle(p, rng, idles[-1], where="end")


# ----------------------------------------------------------------------------------------------
# Evaluation, camera motion, projection
# ----------------------------------------------------------------------------------------------


def _self_occlusion(root, yaw, wrist, person):
    """How much the worker's own torso hides a hand (the camera looks from the front)."""
    torso = root + np.array([0.0, -0.62 * person.height, 0.0])
    rel = wrist - torso
    half_w = person.sw * np.abs(np.cos(yaw)) + 0.11 * np.abs(np.sin(yaw)) + 0.03
    half_h = 0.2 * person.height
    behind = np.clip((rel[:, 2] + 0.02) / 0.08, 0.0, 1.0)
    across = np.clip((half_w - np.abs(rel[:, 0])) / 0.05, 0.0, 1.0)
    level = np.clip((half_h - np.abs(rel[:, 1])) / 0.05, 0.0, 1.0)
    return 0.95 * behind * across * level


def _evaluate(p, rng, ts):
    P = p.P
    n = len(ts)
    body = p.body.eval(ts)
    body[:, :2] += _smooth_noise(rng, n, 2, 0.3, 0.01)
    body[:, 2] += _smooth_noise(rng, n, 1, 0.4, math.radians(1.5))[:, 0]
    ry = _rot_y(body[:, 2])
    root = np.stack([body[:, 0], np.zeros(n), body[:, 1]], axis=1)
    out = {"body": body}
    for tag, wt, rt, ft, ot, sgn in (
        ("main", p.wrist, p.rot, p.fing, p.occl, p.sigma),
        ("other", p.o_wrist, p.o_rot, p.o_fing, p.o_occl, -p.sigma),
    ):
        rel = wt.eval(ts)
        f1, f2 = rng.uniform(7.5, 11.5, 2)
        ph = rng.uniform(0, 2 * math.pi, (2, 3))
        trem = P.tremor * (np.sin(2 * math.pi * f1 * ts[:, None] + ph[0]) + 0.6 * np.sin(2 * math.pi * f2 * ts[:, None] + ph[1]))
        trem = trem * (0.6 + 0.8 * np.abs(_smooth_noise(rng, n, 1, 0.5, 1.0)))
        rel = rel + trem + _smooth_noise(rng, n, 3, 1.2, 0.004)
        shoulder = np.array([sgn * P.sw, -P.sh, 0.0])
        wrist = root + np.einsum("tij,tj->ti", ry, shoulder + rel)
        rot = rt.eval(ts)
        rot = _rotvecs(_smooth_noise(rng, n, 3, 1.5, math.radians(2.5))) @ ry @ rot
        fing = ft.eval(ts) + _smooth_noise(rng, n, 17, 2.0, 2.0)
        occ = np.maximum(np.clip(ot.eval(ts)[:, 0], 0.0, 1.0), _self_occlusion(root, body[:, 2], wrist, P))
        out[tag] = (wrist, rot, fing, occ)
    return out


def _camera_motion(rng, ts, body, person, scale, swipes):
    """Ego-motion of the robot camera: shake, creeping, turning (often during a swipe), following, bobbing."""
    n = len(ts)
    mode = str(rng.choice(["parked", "creep", "turn", "follow"], p=[0.3, 0.25, 0.27, 0.18]))
    yaw, pitch, roll = np.zeros(n), np.zeros(n), np.zeros(n)
    pos = np.zeros((n, 3))
    moving = mode != "parked"
    shake = math.radians(rng.uniform(0.1, 0.35) if moving else rng.uniform(0.02, 0.12))
    yaw += _smooth_noise(rng, n, 1, 5.0, shake)[:, 0]
    pitch += _smooth_noise(rng, n, 1, 5.0, shake)[:, 0]
    roll += _smooth_noise(rng, n, 1, 5.0, shake)[:, 0]
    dur = ts[-1] + 1.0 / FPS
    speed = np.zeros(n)
    if mode in ("creep", "follow"):
        vel = np.zeros(n)
        for _ in range(int(rng.integers(1, 3))):
            length = rng.uniform(1.0, 4.0)
            t0 = rng.uniform(-0.5, max(0.0, dur - 0.5))
            peak = rng.uniform(0.08, 0.35) * (1.0 if rng.random() < 0.7 else -1.0)
            u = np.clip((ts - t0) / length, 0.0, 1.0)
            vel += peak * 0.5 * (1.0 - np.cos(2 * math.pi * u))
        z = np.cumsum(vel) / FPS
        limit = person.dist - 1.05
        if z.max() > limit:
            z = z * (limit / z.max()) if limit > 0.02 else np.minimum(z, 0.0)
        pos[:, 2] += z
        speed = np.abs(np.gradient(z) * FPS)
    if mode == "turn":
        rate = np.zeros(n)
        for i in range(int(rng.integers(1, 3))):
            length = rng.uniform(0.6, 2.0)
            t0 = rng.uniform(-0.3, max(0.0, dur - 0.4))
            if i == 0 and swipes and rng.random() < 0.5:
                a, b = swipes[int(rng.integers(len(swipes)))]
                t0 = 0.5 * (a + b) + rng.normal(0.0, 0.15) - 0.5 * length
            peak = math.radians(rng.uniform(5.0, 25.0)) * (rng.choice([-1.0, 1.0]) if i == 0 else -np.sign(rate.sum() + 1e-9))
            u = np.clip((ts - t0) / length, 0.0, 1.0)
            rate += peak * 0.5 * (1.0 - np.cos(2 * math.pi * u))
        ego = np.cumsum(rate) / FPS
        yaw += ego
        off = rng.uniform(0.05, 0.25)
        pos[:, 0] += off * np.sin(ego)
        pos[:, 2] += off * (np.cos(ego) - 1.0)
        speed = np.abs(rate) * 0.3
    if mode == "follow":
        target = np.arctan2(body[:, 0], body[:, 1])
        tau = rng.uniform(0.4, 1.1)
        a = 1.0 / (1.0 + tau * FPS)
        out = np.empty(n)
        cur = target[0]
        for k in range(n):
            cur += a * (target[k] - cur)
            out[k] = cur
        yaw += out - out[0]
        speed = speed + np.abs(np.gradient(out)) * FPS * 0.3
    if moving:
        fb = rng.uniform(1.2, 3.0)
        ph = rng.uniform(0, 2 * math.pi, 3)
        env = np.clip(speed / 0.25, 0.0, 1.5) + 0.15
        pitch += math.radians(rng.uniform(0.3, 1.2)) * env * np.sin(2 * math.pi * fb * ts + ph[0])
        roll += math.radians(rng.uniform(0.2, 0.8)) * env * np.sin(2 * math.pi * fb * 0.5 * ts + ph[1])
        pos[:, 1] += rng.uniform(0.003, 0.008) * env * np.sin(2 * math.pi * fb * ts + ph[2])
    return mode, pos * scale, yaw * scale, pitch * scale, roll * scale


def _project(points, cam_pos, rcam, cam):
    """World points (n, k, 3) -> normalized image landmarks (n, k, 3) with wrist-relative z."""
    pc = np.einsum("tji,tkj->tki", rcam, points - cam_pos[:, None, :])
    depth = np.maximum(pc[..., 2], 0.05)
    xn, yn = pc[..., 0] / depth, pc[..., 1] / depth
    dist = 1.0 + cam.k1 * (xn * xn + yn * yn)
    u = cam.focal * xn * dist + cam.cx
    v = cam.focal * yn * dist + cam.cy
    zrel = cam.focal * (depth - depth[:, :1]) / (depth[:, :1] * cam.width)
    return np.stack([u / cam.width, v / cam.height_px, zrel], axis=-1), depth


# ----------------------------------------------------------------------------------------------
# Checks of the clean clip
# ----------------------------------------------------------------------------------------------


def _px(lm, size):
    return lm * np.array([size[0], size[1], size[0]], dtype=float)


def _openness(lm_px):
    """Mean fingertip-to-wrist distance over palm length, in 3D pixel units."""
    palm = np.linalg.norm(lm_px[:, 9] - lm_px[:, 0], axis=-1)
    tips = np.linalg.norm(lm_px[:, [8, 12, 16, 20]] - lm_px[:, None, 0], axis=-1).mean(axis=1)
    return tips / np.maximum(palm, 1e-9)


def _direction(lm, size, s, e):
    v = lm[s:e, 8, :2] - lm[s:e, 5, :2]
    out = []
    for scale in ((1.0, 1.0), size):
        vv = v * np.array(scale, dtype=float)
        m = _unit(vv).mean(axis=0)
        out.append(float(math.degrees(math.atan2(-m[1], m[0])) % 360.0))
    return out


def _verify(lm, size, gestures, side):
    """Empty string when every labeled gesture is visible and does what its label says, else the reason."""
    px = _px(lm, size)
    for g in gestures:
        s, e = g["s"], g["e"]
        dur = (e - s) / FPS
        if dur > MAX_GESTURE_S or dur < (_FLICK_MIN_S if g["flick"] else MIN_GESTURE_S) - 1e-6:
            return "duration:" + g["label"]
        seg = lm[s:e]
        if seg[..., :2].min() < -0.2 or seg[..., :2].max() > 1.2:
            return "band:" + g["label"]
        cen = seg[:, _PALM, :2].mean(axis=1)
        inside = np.all((cen > 0.02) & (cen < 0.98), axis=1).mean()
        if inside < 0.85:
            return "offscreen:" + g["label"]
        sp = px[s:e]
        palm = np.median(np.linalg.norm(sp[:, 9] - sp[:, 0], axis=-1))
        if palm < 10.0:
            return "small:" + g["label"]
        label = g["label"]
        if label.startswith("swipe"):
            dv = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}[label]
            dv = np.array(dv)
            for pts in (sp[:, :, :2].mean(axis=1), sp[:, 0, :2]):
                disp = pts[-3:].mean(axis=0) - pts[:3].mean(axis=0)
                along = float(disp @ dv)
                perp = abs(float(disp[0] * dv[1] - disp[1] * dv[0]))
                if along < 0.7 * palm or along < 1.4 * perp:
                    return "swipe:" + label
        elif label == "point":
            hs, he = g["hold"]
            hold = px[hs:he]
            if len(hold) < 8:
                return "point_hold:" + label
            idx = np.linalg.norm(hold[:, 8, :2] - hold[:, 5, :2], axis=-1)
            hp = np.linalg.norm(hold[:, 9, :2] - hold[:, 0, :2], axis=-1)
            if np.mean(idx) < 0.5 * np.mean(hp):
                return "point_short:" + label
            vec = lm[hs:he, 8, :2] - lm[hs:he, 5, :2]
            ang = np.arctan2(-vec[:, 1], vec[:, 0])
            mean = math.atan2(np.sin(ang).mean(), np.cos(ang).mean())
            dev = np.abs((ang - mean + math.pi) % (2 * math.pi) - math.pi)
            if np.median(dev) > math.radians(7.0) or dev.max() > math.radians(35.0):
                return "point_spread:" + label
            tip = np.linalg.norm(hold[:, 8] - hold[:, 0], axis=-1)
            others = np.linalg.norm(hold[:, [12, 16, 20]] - hold[:, None, 0], axis=-1).max(axis=1)
            if np.mean(tip > others) < 0.9:
                return "point_shape:" + label
        elif label == "grab":
            op = _openness(sp)
            if op[:3].mean() - op[-3:].mean() < 0.45 or op[-3:].mean() > 1.3:
                return "grab:" + label
        elif label == "stop":
            hs, he = g["hold"]
            hold = px[hs:he]
            nrm = np.cross(hold[:, 5] - hold[:, 0], hold[:, 17] - hold[:, 0])
            facing = -side * nrm[:, 2] / np.maximum(np.linalg.norm(nrm, axis=-1), 1e-9)
            if facing.mean() < 0.45 or _openness(hold).mean() < 1.45:
                return "stop:" + label
        elif label == "come_here":
            reach = np.linalg.norm(sp[:, [8, 12, 16, 20]] - sp[:, None, 0], axis=-1) / palm
            if np.ptp(reach, axis=0).max() < 0.4:
                return "beckon:" + label
    return ""


# ----------------------------------------------------------------------------------------------
# Tracker
# ----------------------------------------------------------------------------------------------


def _perceived_fingers(rng, fing, person, hand_object_occ):
    """Finger angles as a gloved or occluded hand appears to the tracker."""
    n = len(fing)
    g = person.glove_sev
    out = fing.copy()
    bias = np.zeros(17)
    bias[:8] = rng.normal(0.0, 12.0 * g + 2.0, 8)
    out += bias
    rate = 0.02 + 0.3 * g
    n_ep = rng.poisson(rate * n / FPS + 2.0 * hand_object_occ.mean())
    for _ in range(n_ep):
        c = int(rng.integers(0, n))
        half = int(rng.uniform(0.08, 0.35) * FPS)
        a, b = max(0, c - half), min(n, c + half + 1)
        ramp = np.minimum(1.0, np.minimum(np.arange(a, b) - a + 1, b - np.arange(a, b)) / 3.0)
        group = [[0], [1], [3], [2, 3], [1, 2], [0, 1], [1, 2, 3]][rng.integers(7)]
        for j in group:
            seg = out[a:b]
            extended = seg[:, j] + seg[:, 4 + j] < 70.0
            tgt = np.where(extended[:, None], [[72.0, 92.0, 50.0]], [[8.0, 10.0, 5.0]])
            for k, col in enumerate((j, 4 + j, 8 + j)):
                seg[:, col] = seg[:, col] * (1 - ramp) + tgt[:, k] * ramp
    return out


def _one_euro(x, ok, fresh, rate, min_cut, beta, reset_on_loss):
    y = x.copy()
    prev = None
    dprev = None
    last_k = -1
    te = 1.0 / rate
    ad = 1.0 / (1.0 + 1.0 / (2 * math.pi * 1.0 * te))
    for k in range(len(x)):
        if not ok[k]:
            if reset_on_loss:
                prev = None
            continue
        if prev is None or (fresh[k] and reset_on_loss):
            prev, dprev, last_k = x[k], np.zeros_like(x[k]), k
            y[k] = x[k]
            continue
        dt = te * (k - last_k)
        dx = (x[k] - prev) / dt
        ad = 1.0 / (1.0 + 1.0 / (2 * math.pi * 1.0 * dt))
        dprev = dprev + ad * (dx - dprev)
        cut = min_cut + beta * np.abs(dprev)
        a = 1.0 / (1.0 + 1.0 / (2 * math.pi * cut * dt))
        prev = prev + a * (x[k] - prev)
        y[k] = prev
        last_k = k
    return y


def _run_tracker(rng, cfg, main_px, other_px, occl, o_occl, size, person):
    """Simulate detection, tracking, noise, smoothing and logging at 30 fps; returns pixel landmarks."""
    width, height = size
    n = len(main_px)
    rate = cfg.fps * (1.0 + cfg.drift)
    k_count = int(math.floor((n / FPS - cfg.phase) * rate)) + 1
    tk = cfg.phase + np.arange(k_count) / rate

    def sample(arr):
        acc = 0.0
        for frac in (0.15, 0.5, 0.85):
            u = np.clip((tk - cfg.exposure * frac) * FPS, 0.0, n - 1.0)
            i0 = np.floor(u).astype(int)
            i1 = np.minimum(i0 + 1, n - 1)
            a = (u - i0).reshape((-1,) + (1,) * (arr.ndim - 1))
            acc = acc + arr[i0] * (1.0 - a) + arr[i1] * a
        return acc / 3.0

    def feats(m):
        palm = np.linalg.norm(m[:, 9, :2] - m[:, 0, :2], axis=-1)
        wide = np.linalg.norm(m[:, 5, :2] - m[:, 17, :2], axis=-1)
        scale = np.maximum(palm, 1.3 * wide)
        xn, yn = m[..., 0] / width, m[..., 1] / height
        inview = ((xn >= 0) & (xn <= 1) & (yn >= 0) & (yn <= 1)).mean(axis=1)
        cen = m[:, _PALM, :2].mean(axis=1)
        spd = np.zeros(len(m))
        spd[1:] = np.linalg.norm(np.diff(cen, axis=0), axis=-1) * cfg.fps
        blur = spd * cfg.exposure / np.maximum(scale, 1.0)
        return scale, inview, blur

    mm = sample(main_px)
    om = sample(other_px)
    occ_m = sample(occl)[:, 0]
    occ_o = sample(o_occl)[:, 0]
    sc_m, in_m, bl_m = feats(mm)
    sc_o, in_o, bl_o = feats(om)
    # motion blur smears fingertips toward the palm
    curl = 0.35 * np.clip((bl_m - 0.3) / 0.8, 0.0, 1.0)
    pc = mm[:, _PALM].mean(axis=1, keepdims=True)
    mm[:, _TIPS] -= curl[:, None, None] * (mm[:, _TIPS] - pc)
    mm[:, _DIPS] -= 0.5 * curl[:, None, None] * (mm[:, _DIPS] - pc)
    g = person.glove_sev

    def sig(x):
        return 1.0 / (1.0 + np.exp(-np.clip(x, -50.0, 50.0)))

    def p_det(sc, inv, bl, oc):
        view = np.where(inv >= 0.75, 1.0, np.clip(inv, 0.0, 1.0) ** 3)
        p = cfg.det_base * cfg.light_det * sig((sc - 12.0) / 3.0) * view * (1.0 - oc) ** 2 * np.clip(1.2 - bl, 0.0, 1.0)
        return p / (1.0 + 0.8 * g)

    def p_drop(sc, inv, bl, oc):
        p = cfg.drop_base + 0.35 * sig((9.0 - sc) / 2.5) + 0.2 * np.clip(bl - 0.55, 0.0, 1.5) + 0.6 * oc**3
        p = p + np.where(inv < 0.55, 0.3 + (0.55 - inv), 0.0)
        p = p * (1.0 + 1.0 * g) * (2.0 - cfg.light_det)
        return np.where(oc > 0.9, 0.95, np.clip(p, 0.0, 0.98))

    det_m, drop_m = p_det(sc_m, in_m, bl_m, occ_m), p_drop(sc_m, in_m, bl_m, occ_m)
    det_o = cfg.swap_base / cfg.det_base * p_det(sc_o, in_o, bl_o, occ_o)
    drop_o = np.clip(p_drop(sc_o, in_o, bl_o, occ_o) + 0.05, 0.0, 0.98)
    u = rng.random((k_count, 3))
    state = 1 if rng.random() < min(1.0, 2.0 * det_m[0]) else 0
    err = np.zeros(4)
    errs = np.zeros((k_count, 4))
    states = np.zeros(k_count, dtype=np.int8)
    fresh = np.zeros(k_count, dtype=bool)
    for k in range(k_count):
        if state == 0:
            new = 0
            if u[k, 0] < det_m[k]:
                new = 1
            elif u[k, 1] < det_o[k]:
                new = 2
            if new:
                state = new
                sc = sc_m[k] if new == 1 else sc_o[k]
                e = cfg.redetect_err * sc
                err = np.array([rng.normal(0, e), rng.normal(0, e), rng.normal(0, 0.06), rng.normal(0, 0.1)])
                fresh[k] = True
        else:
            pd = drop_m[k] if state == 1 else drop_o[k]
            if u[k, 0] < pd:
                state = 0
            elif u[k, 2] < cfg.jump_rate:
                e = 0.06 * (sc_m[k] if state == 1 else sc_o[k])
                err = err + np.array([rng.normal(0, e), rng.normal(0, e), rng.normal(0, 0.02), rng.normal(0, 0.03)])
        states[k] = state
        errs[k] = err
        err = err * cfg.err_decay
    ok = states > 0
    src = np.where((states == 2)[:, None, None], om, mm)
    sc = np.where(states == 2, sc_o, sc_m)
    bl = np.where(states == 2, bl_o, bl_m)
    cen = src[:, _PALM, :2].mean(axis=1)
    rel = src[..., :2] - cen[:, None]
    ca, sa = np.cos(errs[:, 3]), np.sin(errs[:, 3])
    s = np.exp(errs[:, 2])
    rx = (ca[:, None] * rel[..., 0] - sa[:, None] * rel[..., 1]) * s[:, None]
    ry = (sa[:, None] * rel[..., 0] + ca[:, None] * rel[..., 1]) * s[:, None]
    xy = np.stack([rx, ry], axis=-1) + cen[:, None] + errs[:, None, :2]
    z = src[..., 2] * s[:, None] * cfg.z_gain
    # monocular depth ambiguity: now and then the model reads the hand mirrored in depth
    flip = np.ones(k_count)
    for _ in range(rng.poisson(cfg.flip_rate * k_count / cfg.fps)):
        a0 = int(rng.integers(0, k_count))
        flip[a0 : a0 + int(rng.integers(3, 15))] = -1.0
    z = z * flip[:, None]
    sig_px = (cfg.jit_rel * sc + cfg.jit_floor) * (1.0 + 1.2 * np.clip(bl, 0.0, 2.0)) * cfg.light_noise
    weights = np.ones(21)
    weights[0] = 0.9
    weights[_DIPS] = 1.25
    weights[_TIPS] = 1.5
    weights[1:] *= 1.0 + 0.8 * g
    common = _ar1(rng, k_count, 2, 0.75) * sig_px[:, None] * 0.7
    local = _ar1(rng, k_count, 63, cfg.rho).reshape(k_count, 21, 3) * (sig_px[:, None, None] * weights[None, :, None])
    xy = xy + common[:, None, :] + local[..., :2]
    z = z + local[..., 2] * cfg.z_noise
    z = z - z[:, :1]
    trk = np.concatenate([xy, z[..., None]], axis=-1)
    if cfg.smooth:
        flat = _one_euro(trk.reshape(k_count, 63), ok, fresh, rate, cfg.min_cut, cfg.beta, cfg.reset_on_loss)
        trk = flat.reshape(k_count, 21, 3)
    # log at 30 fps
    tn = np.arange(n) / FPS - cfg.latency
    k0 = np.searchsorted(tk, tn, side="right") - 1
    valid = k0 >= 0
    kc = np.clip(k0, 0, k_count - 1)
    good = valid & ok[kc]
    vals = trk[kc].copy()
    if cfg.resample == "interp":
        k1 = np.minimum(kc + 1, k_count - 1)
        span = np.maximum(tk[k1] - tk[kc], 1e-9)
        a = np.clip((tn - tk[kc]) / span, 0.0, 1.0)
        both = good & ok[k1] & (k1 > kc)
        vals[both] = trk[kc[both]] * (1.0 - a[both, None, None]) + trk[k1[both]] * a[both, None, None]
    stalled = np.zeros(n, dtype=bool)
    for _ in range(rng.poisson(cfg.stall_rate * n / FPS)):
        a0 = int(rng.integers(0, n))
        a1 = min(n, a0 + int(rng.integers(2, 9)))
        vals[a0 + 1 : a1] = vals[a0]
        good[a0 + 1 : a1] = good[a0]
        stalled[a0 + 1 : a1] = True
    swapped = np.zeros(n, dtype=bool)
    swapped[valid] = states[kc[valid]] == 2
    return vals, good, stalled, swapped


def _encode(vals_px, good, size, cfg):
    width, height = size
    out = vals_px / np.array([width, height, width], dtype=float)
    out[..., :2] = np.clip(out[..., :2], *_BAND)
    out[..., 2] = np.clip(out[..., 2], -1.0, 1.0)
    out = out.astype(np.float32)
    lost = ~good
    run = 0
    for t in range(len(out)):
        if not lost[t]:
            run = 0
            continue
        run += 1
        enc = cfg.encoding
        if enc in ("hold_nan", "hold_zeros"):
            enc = "repeat" if run <= cfg.hold_max else enc[5:]
        if enc == "nan":
            out[t] = np.nan
        elif enc == "zeros" or t == 0:
            out[t] = 0.0
        else:
            out[t] = out[t - 1]
    return out


# ----------------------------------------------------------------------------------------------
# Clip assembly
# ----------------------------------------------------------------------------------------------


@dataclass
class Blind15Clip:
    landmarks: np.ndarray
    gestures: tuple[tuple[str, int, int, float | None], ...]
    kind: str
    meta: dict


def _entropy(seed):
    seed = int(seed)
    return 2 * seed if seed >= 0 else -2 * seed - 1


def _kind_for(seed, index):
    block = index // 20
    rng = np.random.default_rng(np.random.SeedSequence([_entropy(seed), block, _SALT, 7]))
    return _BLOCK[int(rng.permutation(20)[index % 20])]


def _attempt(seed, index, attempt):
    kind = _kind_for(seed, index)
    rng = np.random.default_rng(np.random.SeedSequence([_entropy(seed), index, attempt, _SALT]))
    person = _sample_person(rng)
    cam = _sample_camera(rng, person, simple=attempt >= 8)
    p = _Performer(person, cam, rng)
    _compose(p, rng, kind)
    n = int(round(p.t * FPS))
    ts = np.arange(n) / FPS
    ev = _evaluate(p, rng, ts)
    # labels as an annotator marks them
    gestures = []
    prev_end = 0
    for g in p.gestures:
        s = int(round(g["t0"] * FPS)) + int(rng.integers(-2, 2))
        e = int(round(g["t1"] * FPS)) + int(rng.integers(-1, 3))
        s = max(s, prev_end)
        e = min(e, n)
        if e - s < 8:
            return None
        item = dict(g, s=s, e=e)
        if g["hold"] is not None:
            hs = max(s, int(math.ceil(g["hold"][0] * FPS)) + 1)
            he = min(e, int(math.floor(g["hold"][1] * FPS)))
            if he - hs < 8:
                return None
            item["hold"] = (hs - s, he - s)
        gestures.append(item)
        prev_end = e
    if kind == "margin" and (gestures[0]["s"] < 9 or n - gestures[-1]["e"] < 9):
        return None
    if kind != "tight" and n > _MAX_CLIP_S * FPS:
        return None
    # camera aim, ego-motion, projection
    wrist_m, rot_m, fing_m, occ_m = ev["main"]
    wrist_o, rot_o, fing_o, occ_o = ev["other"]
    body = ev["body"]
    gframes = np.concatenate([np.arange(g["s"], g["e"]) for g in gestures])
    chest = np.stack([body[:, 0], np.full(n, -0.72 * person.height), body[:, 1]], axis=1)
    target = 0.65 * wrist_m[gframes].mean(axis=0) + 0.35 * chest[gframes].mean(axis=0)
    cam_h = cam.mount_h
    yaw0 = math.atan2(target[0], target[2])
    pitch0 = math.atan2(-(target[1] + cam_h), math.hypot(target[0], target[2]))
    hfov = 2 * math.atan(cam.width / 2 / cam.focal)
    vfov = 2 * math.atan(cam.height_px / 2 / cam.focal)
    yaw0 += rng.normal(0.0, 0.06 * hfov)
    pitch0 += rng.normal(0.0, 0.06 * vfov)
    scale = 1.0 if attempt < 3 else (0.4 if attempt < 6 else 0.0)
    swipes = [(g["s"] / FPS, g["e"] / FPS) for g in gestures if g["label"].startswith("swipe")]
    mode, cpos, cyaw, cpitch, croll = _camera_motion(rng, ts, body, person, scale, swipes)
    cpos[:, 1] -= cam_h
    rcam = _rot_y(yaw0 + cyaw) @ _rot_x(pitch0 + cpitch) @ _rot_z(cam.roll0 + croll)
    shape = person.shape
    world = _render_hand(wrist_m, rot_m, fing_m, person.hand_len, shape, person.side)
    clean, _depth = _project(world, cpos, rcam, cam)
    size = (cam.width, cam.height_px)
    glob = [
        dict(g, s=g["s"], e=g["e"], hold=None if g["hold"] is None else (g["s"] + g["hold"][0], g["s"] + g["hold"][1])) for g in gestures
    ]
    if _verify(clean, size, glob, person.side):
        return None
    # what the tracker sees
    fing_seen = _perceived_fingers(rng, fing_m, person, occ_m * (person.hand_object != "none"))
    shape_seen = _HandShape(shape.mcp, shape.bones * (1.0 - 0.06 * person.glove_sev * rng.random()), shape.cmc, shape.thumb, shape.splay0)
    seen_world = _render_hand(wrist_m, rot_m, fing_seen, person.hand_len * (1.0 + 0.05 * person.glove_sev), shape_seen, person.side)
    seen, _ = _project(seen_world, cpos, rcam, cam)
    other_world = _render_hand(wrist_o, rot_o, fing_o, person.hand_len, shape, -person.side)
    other, _ = _project(other_world, cpos, rcam, cam)
    cfg = _sample_tracker(rng, person)
    vals, good, stalled, swapped = _run_tracker(rng, cfg, _px(seen, size), _px(other, size), occ_m[:, None], occ_o[:, None], size, person)
    tracked = _encode(vals, good, size, cfg)
    clean_out = clean.copy()
    clean_out[..., :2] = np.clip(clean_out[..., :2], *_BAND)
    clean_out = clean_out.astype(np.float32)
    a, b = 0, n
    if kind == "tight":
        a, b = gestures[0]["s"], gestures[0]["e"]
    labels, dirs_px, holds, styles = [], [], [], []
    for g in gestures:
        s, e = g["s"] - a, g["e"] - a
        if g["label"] == "point":
            hs, he = g["s"] + g["hold"][0], g["s"] + g["hold"][1]
            d_norm, d_pix = _direction(clean_out, size, hs, he)
            labels.append(("point", s, e, d_norm))
            dirs_px.append(d_pix)
            holds.append((hs - a, he - a))
        else:
            labels.append((g["label"], s, e, None))
            dirs_px.append(None)
            holds.append(None if g["hold"] is None else (g["s"] + g["hold"][0] - a, g["s"] + g["hold"][1] - a))
        styles.append(g["style"])
    lost = ~good[a:b]
    meta = {
        "image_size": (int(cam.width), int(cam.height_px)),
        "direction_deg_pixels": dirs_px,
        "hold_frames": holds,
        "styles": styles,
        "hurried": [bool(g["hurried"]) for g in gestures],
        "exaggerated": [bool(g["exaggerated"]) for g in gestures],
        "seed": int(seed),
        "index": int(index),
        "attempt": int(attempt),
        "distance_m": round(float(person.dist), 3),
        "hand": "right" if person.side > 0 else "left",
        "hand_length_m": round(float(person.hand_len), 4),
        "person_height_m": round(float(person.height), 3),
        "glove": person.glove,
        "other_hand_object": person.other_object,
        "gesturing_hand_object_when_idle": person.hand_object,
        "camera": {
            "fov_long_deg": round(float(cam.fov_long), 2),
            "focal_px": round(float(cam.focal), 2),
            "mount_height_m": round(float(cam.mount_h), 3),
            "pitch_deg": round(math.degrees(pitch0), 2),
            "roll_deg": round(math.degrees(cam.roll0), 2),
            "radial_k1": round(float(cam.k1), 4),
            "ego_motion": mode,
            "ego_scale": scale,
            "camera_fps": cfg.fps,
            "resample": cfg.resample,
        },
        "tracker": {
            "encoding": cfg.encoding,
            "smoothing": bool(cfg.smooth),
            "lighting": cfg.lighting,
            "latency_frames": int(round(cfg.latency * FPS)),
        },
        "ego_during_gestures": [
            {
                "yaw_deg": round(math.degrees(float(cyaw[g["e"] - 1] - cyaw[g["s"]])), 2),
                "pitch_deg": round(math.degrees(float(cpitch[g["e"] - 1] - cpitch[g["s"]])), 2),
                "move_m": round(float(np.linalg.norm(cpos[g["e"] - 1] - cpos[g["s"]])), 3),
            }
            for g in gestures
        ],
        "idle_activities": [
            (name, max(0, int(round(t0 * FPS)) - a), min(b, int(round(t1 * FPS))) - a)
            for name, t0, t1 in p.activities
            if int(round(t1 * FPS)) > a and int(round(t0 * FPS)) < b
        ],
        "lost_frames": int(lost.sum()),
        "lost_share": round(float(lost.mean()), 4),
        "stalled_frames": int(stalled[a:b].sum()),
        "other_hand_frames": int(swapped[a:b].sum()),
    }
    g_tuple = tuple(labels)
    trk_clip = Blind15Clip(np.ascontiguousarray(tracked[a:b]), g_tuple, kind, meta)
    cln_meta = dict(meta, lost_frames=0, lost_share=0.0, stalled_frames=0, other_hand_frames=0)
    cln_clip = Blind15Clip(np.ascontiguousarray(clean_out[a:b]), g_tuple, kind, cln_meta)
    return trk_clip, cln_clip


def _make(seed, index):
    for attempt in range(40):
        out = _attempt(seed, index, attempt)
        if out is not None:
            return out
    raise RuntimeError(f"could not generate clip {index} for seed {seed}")


def blind15_dataset(n: int, seed: int = 0) -> list[Blind15Clip]:
    """Tracked clips (with tracker noise, smoothing and lost frames); clip i depends only on (seed, i)."""
    return [_make(seed, i)[0] for i in range(n)]


def blind15_clean_dataset(n: int, seed: int = 0) -> list[Blind15Clip]:
    """The same clips as blind15_dataset before tracker errors: true landmarks in every frame."""
    return [_make(seed, i)[1] for i in range(n)]


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    return x


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
    ap = argparse.ArgumentParser(description="Write synthetic warehouse gesture clips (.npy) and labels.json.")
    ap.add_argument("out", help="output folder")
    ap.add_argument("-n", type=int, default=20, help="number of clips")
    ap.add_argument("-s", "--seed", type=int, default=0, help="dataset seed")
    ap.add_argument("--clean", action="store_true", help="write the clips before tracker errors")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    clips = (blind15_clean_dataset if args.clean else blind15_dataset)(args.n, args.seed)
    records = []
    for i, clip in enumerate(clips):
        name = f"clip_{i:05d}.npy"
        np.save(out / name, clip.landmarks)
        records.append(
            {
                "file": name,
                "kind": clip.kind,
                "frames": int(clip.landmarks.shape[0]),
                "gestures": [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in clip.gestures],
                "meta": _jsonable(clip.meta),
            }
        )
    (out / "labels.json").write_text(json.dumps({"fps": FPS, "seed": args.seed, "clean": bool(args.clean), "clips": records}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
