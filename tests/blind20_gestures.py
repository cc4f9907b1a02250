"""Blind generator 20: synthetic MediaPipe-style hand-landmark clips of people gesturing at a robot.

This generator was written without reading any other gesture generator or the code it is used to
evaluate.

What is modelled
----------------
* Hand: a kinematic skeleton in a palm frame (x radial, y distal, z palmar), with per-person palm
  length (children included), palm width, finger and phalanx proportions, splay, thumb length and
  joint ranges (flexion range, MCP/PIP hyperextension, spread, DIP/PIP coupling).  Each finger has
  MCP flexion and abduction, PIP and DIP flexion; abduction converges as the finger flexes; the
  thumb has a CMC azimuth/elevation and MCP/IP flexion in its own oblique plane; a palm-cup
  parameter folds the ring and pinky metacarpals.  Left hands are mirror images of right hands.
* Body and arm: the hand moves in a body frame (sternum origin) with a shoulder and a per-person
  arm length that bounds the reach; targets are in front of the body, at the face, at the side.
* Motion: minimum-jerk moves with skewed velocity profiles, curved paths, joint-wise delays when
  the hand changes shape, wrist trailing during fast strokes, postural sway, physiological tremor
  (7-11 Hz) and finger micro-motion.  Each person has a tempo and an amplitude (expressiveness).
* Gestures: point (held still or reaching, thumb tucked or out, optional jabs, any image
  direction that is not foreshortened); four swipes (arc-shaped strokes of varied length, speed,
  tilt and palm orientation: palm leading, palm down, palm to camera, back of hand, edge; the
  person's own direction is chosen so that the motion reads correctly in the (possibly rolled or
  mirrored) image); grab (top, side or frontal grasp with an aperture pre-shape, closing to a fist
  and lifting); come_here (palm-up, index-only, palm-in and palm-down beckoning, 2-4 cycles, with
  wrist flexion and pulls toward the body); stop (raised or pushed open palm held toward the
  camera).
* Unlabeled activity: resting at the side, at the waist or clasped, scratching head/cheek/chin/
  neck/arm, adjusting glasses or rubbing the chin, talking beats with the palm up or sideways,
  looking at a phone with the thumb scrolling, drumming fingers, rubbing hands, hands in pockets or
  behind the back, dropping the hand out of frame.  Retractions after gestures are slow and relaxed.
* Scene and camera: pinhole camera with image sizes from 480p to 1080p (landscape and portrait),
  horizontal field of view 40-95 degrees, barrel distortion for wide lenses, camera roll, pitch
  (robot camera below or above the chest), body yaw, mirrored self-view, person distance chosen so
  the hand spans about 5 % to 42 % of the image width, and in some clips a camera that shakes or
  drifts (hand-held phone, robot base).  z is MediaPipe-like relative depth.
* Tracker errors: a detection-confidence model (hand size, speed, visibility, edge-on palm,
  occlusion, lighting) drives a lost/tracked Markov chain, plus single-frame glitches and forced
  bursts; lost frames are written as NaN, zeros or a held repeat; 24/25 fps sources give periodic
  duplicates.  Tracked frames get size-dependent, temporally correlated jitter (global and per
  landmark, fingertips worse, z worse), motion-blur lag, finger-chain mislocalization episodes,
  re-acquisition transients, depth-scale bias and One-Euro or exponential smoothing lag.  While the
  gesturing hand is lost in idle moments, the tracker may latch onto the person's other, resting hand.
"""

import argparse
import json
import math
import os
import sys
from dataclasses import dataclass

import numpy as np

LABELS = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
KINDS = ("tight", "margin", "pair", "recording")
FPS = 30.0
MIN_GESTURE_S = 0.5
MAX_GESTURE_S = 3.0

_MIN_FRAMES = int(math.ceil(MIN_GESTURE_S * FPS))
_MAX_FRAMES = int(math.floor(MAX_GESTURE_S * FPS))
_BLOCK = 20
_BLOCK_KINDS = ("tight",) * 6 + ("margin",) * 5 + ("pair",) * 5 + ("recording",) * 4
_SWIPES = ("swipe_left", "swipe_right", "swipe_up", "swipe_down")
_SWIPE_DIR = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}
_PAIR_FAMILIES = (("point", "swipe"), ("grab", "swipe"), ("point", "grab"), ("point", "come_here"))
_SALT_BLOCK, _SALT_LABELS, _SALT_CLIP, _SALT_TRACKER = 20_2001, 20_2002, 20_2003, 20_2004
_MAX_RECORDING_FRAMES = 612
_PALM_IDX = (0, 5, 9, 13, 17)

_X = np.array([1.0, 0.0, 0.0])
_Y = np.array([0.0, 1.0, 0.0])
_Z = np.array([0.0, 0.0, 1.0])

# Hand template, in units of palm length (wrist to middle MCP); right hand, x radial, y distal, z palmar.
_MCP_BASE = np.array([[0.25, 0.95, 0.0], [0.04, 1.0, 0.0], [-0.15, 0.94, 0.0], [-0.32, 0.83, 0.0]])
_PHAL_BASE = np.array([[0.46, 0.27, 0.21], [0.50, 0.31, 0.22], [0.47, 0.30, 0.22], [0.37, 0.21, 0.20]])
_SPLAY_BASE = np.array([0.09, 0.0, -0.08, -0.18])
_ABD_BASE = np.array([0.10, 0.0, -0.08, -0.16])
_CMC_BASE = np.array([0.22, 0.27, 0.06])
_THUMB_BASE = np.array([0.44, 0.33, 0.28])
_CUP_TILT = np.array([-0.2, 0.0, 0.35, 0.75])
_CUP_DEPTH = np.array([0.03, 0.0, 0.06, 0.16])
_THUMB_FLEX_HINT = np.array([-0.8, 0.15, 0.6])

_IMAGE_SIZES = (
    (640, 480),
    (1280, 720),
    (1920, 1080),
    (960, 540),
    (848, 480),
    (1024, 768),
    (480, 640),
    (720, 1280),
    (640, 360),
    (1280, 960),
)
_IMAGE_P = np.array([0.2, 0.2, 0.12, 0.08, 0.06, 0.06, 0.08, 0.08, 0.06, 0.06])


@dataclass
class Blind20Clip:
    landmarks: np.ndarray
    gestures: tuple[tuple[str, int, int, float | None], ...]
    kind: str
    meta: dict


# ----------------------------------------------------------------------------------------------
# small math helpers


def _unit(v):
    v = np.asarray(v, float)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-12)


def _minjerk(t):
    t = np.clip(t, 0.0, 1.0)
    return t * t * t * (10.0 - 15.0 * t + 6.0 * t * t)


def _rot(axis, angle):
    x, y, z = _unit(axis)
    c, s = math.cos(angle), math.sin(angle)
    C = 1.0 - c
    return np.array(
        [
            [c + x * x * C, x * y * C - z * s, x * z * C + y * s],
            [y * x * C + z * s, c + y * y * C, y * z * C - x * s],
            [z * x * C - y * s, z * y * C + x * s, c + z * z * C],
        ]
    )


def _rotvec_mats(w):
    w = np.asarray(w, float)
    th = np.linalg.norm(w, axis=-1)
    k = w / np.maximum(th, 1e-12)[..., None]
    K = np.zeros(w.shape[:-1] + (3, 3))
    K[..., 0, 1], K[..., 0, 2] = -k[..., 2], k[..., 1]
    K[..., 1, 0], K[..., 1, 2] = k[..., 2], -k[..., 0]
    K[..., 2, 0], K[..., 2, 1] = -k[..., 1], k[..., 0]
    s = np.sin(th)[..., None, None]
    c = (1.0 - np.cos(th))[..., None, None]
    return np.eye(3) + s * K + c * (K @ K)


def _frame(a, u, b, w):
    """Rotation that takes local vector a onto u and local vector b as close as possible to w."""
    e1 = _unit(a)
    e2 = _unit(b - (b @ e1) * e1)
    e3 = np.cross(e1, e2)
    f1 = _unit(u)
    w2 = w - (w @ f1) * f1
    if np.linalg.norm(w2) < 1e-6:
        w2 = np.cross(f1, _X if abs(f1[0]) < 0.9 else _Y)
    f2 = _unit(w2)
    f3 = np.cross(f1, f2)
    return np.column_stack([f1, f2, f3]) @ np.column_stack([e1, e2, e3]).T


def _mat2quat(m):
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


def _quat2mat(q):
    q = _unit(q)
    w, x, y, z = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    m = np.empty(q.shape[:-1] + (3, 3))
    m[..., 0, 0] = 1 - 2 * (y * y + z * z)
    m[..., 0, 1] = 2 * (x * y - z * w)
    m[..., 0, 2] = 2 * (x * z + y * w)
    m[..., 1, 0] = 2 * (x * y + z * w)
    m[..., 1, 1] = 1 - 2 * (x * x + z * z)
    m[..., 1, 2] = 2 * (y * z - x * w)
    m[..., 2, 0] = 2 * (x * z - y * w)
    m[..., 2, 1] = 2 * (y * z + x * w)
    m[..., 2, 2] = 1 - 2 * (x * x + y * y)
    return m


def _slerp_mats(R0, R1, s):
    q0, q1 = _mat2quat(R0), _mat2quat(R1)
    d = float(q0 @ q1)
    if d < 0:
        q1, d = -q1, -d
    s = np.asarray(s, float)[:, None]
    if d > 0.9995:
        q = q0 + s * (q1 - q0)
    else:
        th = math.acos(min(d, 1.0))
        q = (np.sin((1 - s) * th) * q0 + np.sin(s * th) * q1) / math.sin(th)
    return _quat2mat(q)


def _colored(rng, T, shape, lo, hi):
    """Unit-variance noise band-limited to [lo, hi] Hz, shape (T, *shape)."""
    n = max(2 * T, 128)
    w = rng.standard_normal((n,) + tuple(shape))
    F = np.fft.rfft(w, axis=0)
    fr = np.fft.rfftfreq(n, 1.0 / FPS)
    mask = ((fr >= lo) & (fr <= hi)).astype(float)
    mask[0] = 0.0
    out = np.fft.irfft(F * mask.reshape((-1,) + (1,) * len(shape)), n, axis=0)[:T]
    sd = out.std()
    return out / sd if sd > 0 else out


def _jitter_dir(rng, v, sigma):
    return _unit(v + rng.normal(0.0, sigma, 3))


def _runs(mask):
    """Start/end pairs of runs of True in a boolean array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.diff(m.astype(np.int8))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


# ----------------------------------------------------------------------------------------------
# hand, person, pose


@dataclass
class _Hand:
    palm: float
    mcp: np.ndarray
    phal: np.ndarray
    splay: np.ndarray
    cmc: np.ndarray
    thumb: np.ndarray
    left: bool


@dataclass
class _Person:
    hand: _Hand
    side: float
    tempo: float
    amp: float
    flex: float
    hyper: float
    spread: float
    dip: float
    tremor_mm: float
    tremor_hz: float
    sway_cm: float
    arm: float
    shoulder: np.ndarray
    glasses: bool
    thumb_out: float


def _make_hand(rng, left):
    if rng.random() < 0.06:
        palm = rng.uniform(0.064, 0.078)
    else:
        palm = float(np.clip(rng.normal(0.094, 0.007), 0.078, 0.112))
    width = rng.uniform(0.85, 1.15)
    mcp = _MCP_BASE * np.array([width, 1.0, 1.0]) + rng.normal(0.0, 0.015, (4, 3)) * np.array([1.0, 1.0, 0.0])
    mcp[1] = [mcp[1, 0], math.sqrt(max(1.0 - mcp[1, 0] ** 2, 0.5)), 0.0]
    finger = rng.uniform(0.9, 1.1) * rng.uniform(0.94, 1.06, (4, 1)) * rng.uniform(0.93, 1.07, (4, 3))
    cmc = _CMC_BASE + rng.normal(0.0, 0.02, 3)
    thumb = _THUMB_BASE * rng.uniform(0.9, 1.1) * rng.uniform(0.94, 1.06, 3)
    return _Hand(palm, mcp * palm, _PHAL_BASE * finger * palm, _SPLAY_BASE * rng.uniform(0.7, 1.3), cmc * palm, thumb * palm, left)


def _make_person(rng):
    left = rng.random() < 0.3
    hand = _make_hand(rng, left)
    size = hand.palm / 0.094
    side = 1.0 if left else -1.0
    shoulder = np.array([side * rng.uniform(0.15, 0.2) * size, -rng.uniform(0.1, 0.16) * size, 0.0])
    return _Person(
        hand=hand,
        side=side,
        tempo=float(np.exp(rng.normal(0.0, 0.2))),
        amp=rng.uniform(0.7, 1.3),
        flex=rng.uniform(0.8, 1.05),
        hyper=rng.uniform(0.0, 0.35),
        spread=rng.uniform(0.5, 1.5),
        dip=rng.uniform(0.55, 0.9),
        tremor_mm=rng.uniform(0.2, 1.4),
        tremor_hz=rng.uniform(7.5, 10.5),
        sway_cm=rng.uniform(0.3, 1.5),
        arm=rng.uniform(0.52, 0.62) * size,
        shoulder=shoulder,
        glasses=bool(rng.random() < 0.4),
        thumb_out=rng.uniform(0.0, 0.6),
    )


def _pose(name, per, rng, jit=1.0, thumb_out=False):
    """Joint-angle vector: 4 fingers x (MCP flex, abduction, PIP, DIP), thumb (phi, theta, MCP, IP), cup."""
    fl, sp = per.flex, per.spread
    abd = _ABD_BASE * sp
    dip = None
    if name == "flat":
        mcp = -per.hyper * rng.uniform(0.5, 1.0, 4)
        pip = -0.25 * per.hyper * rng.uniform(0.3, 1.0, 4)
        dip = np.full(4, 0.03)
        abd = abd * 1.2
        th, cup = (0.95, 0.12, 0.05, -0.12), 0.0
    elif name == "open":
        mcp = rng.uniform(0.03, 0.12, 4)
        pip = rng.uniform(0.05, 0.15, 4)
        abd = abd * 0.35
        th, cup = (0.6, 0.25, 0.1, 0.05), 0.1
    elif name == "pregrasp":
        mcp = rng.uniform(0.05, 0.18, 4)
        pip = rng.uniform(0.1, 0.28, 4)
        abd = abd * 1.1
        th, cup = (0.85, 0.45, 0.05, 0.0), 0.05
    elif name == "half":
        mcp = np.array([0.2, 0.25, 0.3, 0.35])
        pip = np.array([0.3, 0.35, 0.4, 0.45])
        abd = abd * 0.6
        th, cup = (0.6, 0.35, 0.2, 0.15), 0.2
    elif name == "relaxed":
        mcp = np.array([0.35, 0.45, 0.55, 0.65])
        pip = np.array([0.5, 0.6, 0.7, 0.75])
        abd = abd * 0.4
        th, cup = (0.45, 0.45, 0.3, 0.3), 0.3
    elif name == "curled":
        mcp = np.array([0.9, 1.0, 1.1, 1.15]) * fl
        pip = np.array([1.2, 1.3, 1.35, 1.35]) * fl
        abd = abd * 0.2
        th, cup = (0.25, 0.55, 0.45, 0.4), 0.5
    elif name == "fist":
        mcp = np.array([1.35, 1.45, 1.5, 1.5]) * fl
        pip = np.array([1.75, 1.8, 1.8, 1.7]) * fl
        dip = np.array([0.9, 0.95, 0.95, 0.9]) * fl
        abd = abd * 0.0
        th, cup = (0.05, 0.45, 0.7, 0.6), 0.7
    elif name in ("point", "beckon_index"):
        k = rng.uniform(0.85, 1.0)
        mcp = np.array([0.02, 1.4, 1.45, 1.45]) * np.array([1.0, fl * k, fl * k, fl * k])
        pip = np.array([0.04, 1.75, 1.75, 1.65]) * np.array([1.0, fl * k, fl * k, fl * k])
        dip = np.array([0.02, 0.9, 0.9, 0.85]) * np.array([1.0, fl, fl, fl])
        abd = abd * np.array([0.0, 0.0, 0.0, 0.0])
        if name == "beckon_index":
            mcp[0], pip[0], dip[0] = 0.75 * fl, 1.5 * fl, 0.95 * fl
        th = (0.95, 0.15, 0.0, -0.05) if thumb_out else (0.1, 0.6, 0.55, 0.45)
        cup = 0.5
    elif name == "beckon_all":
        mcp = np.array([0.8, 0.85, 0.9, 0.95]) * fl
        pip = np.array([1.4, 1.45, 1.5, 1.45]) * fl
        abd = abd * 0.2
        th, cup = (0.45, 0.5, 0.35, 0.3), 0.4
    elif name == "flap":
        mcp = np.array([1.0, 1.05, 1.1, 1.1]) * fl
        pip = np.array([0.9, 1.0, 1.0, 0.95]) * fl
        abd = abd * 0.2
        th, cup = (0.5, 0.45, 0.3, 0.25), 0.35
    elif name == "claw":
        mcp = np.array([0.3, 0.3, 0.35, 0.4])
        pip = np.array([1.1, 1.15, 1.1, 1.0]) * fl
        dip = np.array([0.8, 0.8, 0.75, 0.7]) * fl
        abd = abd * 0.5
        th, cup = (0.45, 0.6, 0.4, 0.5), 0.3
    elif name == "pinch":
        mcp = np.array([0.6, 0.95, 1.0, 1.05]) * np.array([1.0, fl, fl, fl])
        pip = np.array([0.75, 1.2, 1.25, 1.2]) * np.array([1.0, fl, fl, fl])
        dip = np.array([0.35, 0.8, 0.8, 0.75])
        abd = abd * 0.2
        th, cup = (0.25, 0.85, 0.3, 0.2), 0.4
    elif name == "grip":
        mcp = np.array([0.8, 0.9, 0.95, 1.0]) * fl
        pip = np.array([1.0, 1.05, 1.1, 1.1]) * fl
        dip = np.full(4, 0.6)
        abd = abd * 0.1
        th, cup = (0.7, 0.3, 0.15, 0.1), 0.3
    else:
        raise ValueError(name)
    if dip is None:
        dip = pip * per.dip
    v = np.zeros(21)
    v[0:16:4] = mcp + rng.normal(0.0, 0.04 * jit, 4)
    v[1:16:4] = abd + rng.normal(0.0, 0.025 * jit, 4)
    v[2:16:4] = pip + rng.normal(0.0, 0.04 * jit, 4)
    v[3:16:4] = dip + rng.normal(0.0, 0.03 * jit, 4)
    v[16:20] = np.asarray(th) + rng.normal(0.0, 0.05 * jit, 4)
    v[20] = cup + rng.normal(0.0, 0.05 * jit)
    return _clip_pose(v)


def _clip_pose(v):
    v = v.copy()
    v[..., 0:16:4] = np.clip(v[..., 0:16:4], -0.5, 1.65)
    v[..., 1:16:4] = np.clip(v[..., 1:16:4], -0.45, 0.45)
    v[..., 2:16:4] = np.clip(v[..., 2:16:4], -0.2, 1.95)
    v[..., 3:16:4] = np.clip(v[..., 3:16:4], -0.15, 1.3)
    v[..., 16] = np.clip(v[..., 16], -0.3, 1.2)
    v[..., 17] = np.clip(v[..., 17], -0.1, 1.1)
    v[..., 18] = np.clip(v[..., 18], -0.2, 1.0)
    v[..., 19] = np.clip(v[..., 19], -0.3, 1.2)
    v[..., 20] = np.clip(v[..., 20], 0.0, 1.0)
    return v


def _fk(J, hand):
    """Joint angles (T, 21) -> landmark positions (T, 21, 3) in the hand frame, meters."""
    J = np.atleast_2d(J)
    T = len(J)
    out = np.zeros((T, 21, 3))
    f = J[:, :16].reshape(T, 4, 4)
    mcp, abd, pip, dip = f[..., 0], f[..., 1], f[..., 2], f[..., 3]
    cup = J[:, 20:21]
    tilt = cup * _CUP_TILT
    nrm = np.stack([np.sin(tilt), np.zeros_like(tilt), np.cos(tilt)], -1)
    psi = (hand.splay + abd) * (1.0 - 0.5 * np.clip(mcp / 1.4, 0.0, 1.0))
    d0 = np.stack([np.sin(psi), np.cos(psi), np.zeros_like(psi)], -1)
    d = _unit(d0 - np.sum(d0 * nrm, -1, keepdims=True) * nrm)
    p = hand.mcp[None] + (cup * _CUP_DEPTH * hand.palm)[..., None] * _Z
    out[:, 5::4] = p
    a = np.zeros_like(mcp)
    for k, ang in enumerate((mcp, pip, dip)):
        a = a + ang
        p = p + hand.phal[None, :, k, None] * (np.cos(a)[..., None] * d + np.sin(a)[..., None] * nrm)
        out[:, 6 + k :: 4] = p
    phi, th, tm, ti = J[:, 16], J[:, 17], J[:, 18], J[:, 19]
    d1 = np.stack([np.sin(phi) * np.cos(th), np.cos(phi) * np.cos(th), np.sin(th)], -1)
    e = _unit(_THUMB_FLEX_HINT - (d1 @ _THUMB_FLEX_HINT)[:, None] * d1)
    out[:, 1] = hand.cmc
    m = hand.cmc + hand.thumb[0] * d1
    out[:, 2] = m
    ip = m + hand.thumb[1] * (np.cos(tm)[:, None] * d1 + np.sin(tm)[:, None] * e)
    out[:, 3] = ip
    out[:, 4] = ip + hand.thumb[2] * (np.cos(tm + ti)[:, None] * d1 + np.sin(tm + ti)[:, None] * e)
    if hand.left:
        out[..., 0] *= -1.0
    return out


# ----------------------------------------------------------------------------------------------
# scene and camera


@dataclass
class _Scene:
    W: int
    H: int
    f: float
    cx: float
    cy: float
    k1: float
    k2: float
    mirror: bool
    R: np.ndarray
    t: np.ndarray
    hfov: float
    roll: float
    pitch: float
    yaw: float
    dist: float

    def project(self, pc):
        Z = np.maximum(pc[..., 2], 0.05)
        xn, yn = pc[..., 0] / Z, pc[..., 1] / Z
        r2 = np.minimum(xn * xn + yn * yn, 1.2)
        dd = 1.0 + self.k1 * r2 + self.k2 * r2 * r2
        u = (self.f * xn * dd + self.cx) / self.W
        v = (self.f * yn * dd + self.cy) / self.H
        if self.mirror:
            u = 1.0 - u
        return u, v, Z


def _make_scene(rng, per):
    W, H = _IMAGE_SIZES[rng.choice(len(_IMAGE_SIZES), p=_IMAGE_P / _IMAGE_P.sum())]
    hfov = math.radians(rng.uniform(52, 95) if W >= H else rng.uniform(40, 65))
    f = W / 2.0 / math.tan(hfov / 2.0)
    wide = hfov > math.radians(75)
    k1 = rng.uniform(-0.16, 0.0) if wide else rng.uniform(-0.05, 0.03)
    k2 = rng.uniform(0.0, 0.03) if wide else 0.0
    hand_len = 2.0 * per.hand.palm
    frac = math.exp(rng.uniform(math.log(0.05), math.log(0.42)))
    dist = float(np.clip(hand_len * f / (frac * W), 0.35, 5.0))
    roll = rng.normal(0.0, 4.0) if rng.random() < 0.7 else rng.uniform(-25.0, 25.0)
    pitch = rng.uniform(-12.0, 25.0)
    yaw = rng.uniform(-35.0, 35.0)
    rr, pp, yy = (math.radians(a) for a in (roll, pitch, yaw))
    R = _rot(_Z, rr) @ _rot(_X, pp) @ _rot(_Y, yy)
    cx0 = W / 2.0 + rng.normal(0.0, 0.01 * W)
    cy0 = H / 2.0 + rng.normal(0.0, 0.01 * H)
    home = np.array([per.side * rng.uniform(0.12, 0.28), -rng.uniform(-0.1, 0.12), -rng.uniform(0.25, 0.4)])
    u0, v0 = rng.uniform(0.35, 0.65), rng.uniform(0.35, 0.62)
    home_cam = np.array([(u0 * W - cx0) / f * dist, (v0 * H - cy0) / f * dist, dist])
    t = home_cam - R @ home
    sc = _Scene(W, H, f, cx0, cy0, k1, k2, bool(rng.random() < 0.25), R, t, hfov, roll, pitch, yaw, dist)
    return sc, home


class _Ctx:
    def __init__(self, rng, per, sc, home):
        self.rng, self.per, self.sc, self.home = rng, per, sc, home
        self.cam_b = sc.R.T @ (-sc.t)

    def b(self, lat, up, fwd):
        """Body-frame vector: lat outward on the gesturing side, up, fwd toward the camera side."""
        return np.array([self.per.side * lat, -up, -fwd], float)

    def frames(self, seconds):
        return max(1, int(round(seconds * FPS)))

    def tocam(self, p):
        return _unit(self.cam_b - p)

    def cam(self, pts):
        return np.atleast_2d(np.asarray(pts, float)) @ self.sc.R.T + self.sc.t

    def img(self, pts):
        u, v, _ = self.sc.project(self.cam(np.atleast_2d(pts)))
        return np.stack([u, v], -1)

    def orient(self, normal, distal):
        return _frame(_Z, normal, _Y, distal)

    def reach(self, p, min_fwd=0.1):
        p = np.array(p, float)
        v = p - self.per.shoulder
        r = np.linalg.norm(v)
        lim = 0.97 * self.per.arm
        if r > lim:
            p = self.per.shoulder + v / r * lim
        p[2] = min(p[2], -min_fwd)
        return p

    def hand_pts(self, pos, R):
        hl = 2.0 * self.per.hand.palm
        y, x = R @ _Y, R @ _X
        return np.array(
            [pos, pos + y * hl, pos + y * 0.5 * hl + x * 0.5 * self.per.hand.palm, pos + y * 0.5 * hl - x * 0.5 * self.per.hand.palm]
        )

    def fit(self, pts, lo=0.08, hi=0.92):
        """Body-frame translation that brings the projected points inside [lo, hi] in both axes."""
        sc = self.sc
        delta = np.zeros(3)
        for _ in range(4):
            uv = self.img(pts + delta)
            du, dv = _need(uv[:, 0], lo, hi), _need(uv[:, 1], lo, hi)
            if abs(du) < 1e-4 and abs(dv) < 1e-4:
                break
            if sc.mirror:
                du = -du
            Z = float(np.mean(np.maximum(self.cam(pts + delta)[:, 2], 0.1)))
            delta = delta + sc.R.T @ np.array([du * sc.W * Z / sc.f, dv * sc.H * Z / sc.f, 0.0])
        return delta


def _need(x, lo, hi):
    a, b = float(x.min()), float(x.max())
    if b - a > hi - lo:
        return (lo + hi) / 2.0 - (a + b) / 2.0
    if a < lo:
        return lo - a
    if b > hi:
        return hi - b
    return 0.0


# ----------------------------------------------------------------------------------------------
# motion track


class _Track:
    def __init__(self, pos, R, pose):
        self.pos, self.R, self.pose = np.asarray(pos, float), np.asarray(R, float), np.asarray(pose, float)
        self.P, self.Rs, self.J, self.O = [], [], [], []
        self.n = 0

    def push(self, P, Rs, J, occ=False):
        self.P.append(P)
        self.Rs.append(Rs)
        self.J.append(J)
        self.O.append(np.full(len(P), bool(occ)))
        self.pos, self.R, self.pose = P[-1].copy(), Rs[-1].copy(), J[-1].copy()
        self.n += len(P)

    def plan(self, n, pos=None, R=None, pose=None, bend=None, skew=1.0, pose_span=(0.0, 1.0), rot_span=(0.0, 1.0), delays=None):
        n = max(1, int(n))
        tau = np.arange(1, n + 1) / n
        s = _minjerk(tau**skew)
        p1 = self.pos if pos is None else np.asarray(pos, float)
        P = self.pos + np.outer(s, p1 - self.pos)
        if bend is not None:
            P = P + np.outer(np.sin(np.pi * s), bend)
        if R is None:
            Rs = np.repeat(self.R[None], n, 0)
        else:
            sr = _minjerk((tau - rot_span[0]) / max(rot_span[1] - rot_span[0], 1e-6))
            Rs = _slerp_mats(self.R, R, sr)
        j1 = self.pose if pose is None else np.asarray(pose, float)
        tt = np.clip((tau - pose_span[0]) / max(pose_span[1] - pose_span[0], 1e-6), 0.0, 1.0)[:, None]
        if delays is not None:
            tt = np.clip((tt - delays[None]) / (1.0 - delays.max()), 0.0, 1.0)
        J = self.pose + _minjerk(tt) * (j1 - self.pose)
        return P, Rs, J

    def move(self, n, pos=None, R=None, pose=None, occ=False, **kw):
        self.push(*self.plan(n, pos, R, pose, **kw), occ=occ)

    def hold(self, n, occ=False):
        if n > 0:
            self.move(n, occ=occ)

    def arrays(self):
        return np.concatenate(self.P), np.concatenate(self.Rs), np.concatenate(self.J), np.concatenate(self.O)


def _delays(rng, spread=0.15, order=None):
    """Per-joint start delays (fractions of a move) so that fingers do not move in lockstep."""
    d = np.zeros(21)
    fing = rng.uniform(0.0, spread, 4) if order is None else np.asarray(order) * spread
    for i in range(4):
        d[4 * i : 4 * i + 4] = fing[i] + np.array([0.0, 0.0, 0.03, 0.06]) * spread / 0.15
    d[16:20] = rng.uniform(0.0, spread) + np.array([0.0, 0.0, 0.02, 0.04])
    return np.clip(d, 0.0, 0.3)


def _goto(tr, cx, pos, R, pose, speed=1.0, occ=False, pose_span=(0.0, 1.0)):
    rng = cx.rng
    dist = float(np.linalg.norm(pos - tr.pos))
    n = cx.frames(cx.per.tempo * speed * (0.35 + 0.9 * dist + rng.uniform(0.0, 0.2)))
    side = _unit(np.cross(pos - tr.pos + 1e-9, rng.normal(size=3)))
    tr.move(
        n,
        pos,
        R,
        pose,
        occ=occ,
        bend=side * rng.uniform(0.0, 0.2) * dist,
        skew=rng.uniform(0.85, 1.15),
        pose_span=pose_span,
        delays=_delays(rng),
    )
    return n


# ----------------------------------------------------------------------------------------------
# gestures


def _fit_len(n_fixed, n_var):
    """Clamp the variable part so that the labeled interval is within [_MIN_FRAMES, _MAX_FRAMES]."""
    return int(np.clip(n_var, _MIN_FRAMES - n_fixed, _MAX_FRAMES - n_fixed))


def _g_stop(tr, cx):
    rng, per = cx.rng, cx.per
    push = rng.random() < 0.45
    pos = cx.reach(cx.b(rng.uniform(-0.02, 0.28), rng.uniform(-0.05, 0.22), rng.uniform(0.38, 0.55) if push else rng.uniform(0.24, 0.42)))
    tocam = cx.tocam(pos)
    w = rng.uniform(0.65, 1.0)
    normal = _jitter_dir(rng, _unit(w * tocam + (1 - w) * cx.b(0, 0, 1)), 0.1)
    distal = _unit(cx.b(0, 1, 0) + rng.uniform(-0.15, 0.45) * cx.b(1, 0, 0) + rng.uniform(-0.15, 0.15) * cx.b(0, 0, 1))
    R = cx.orient(normal, distal)
    pos = pos + cx.fit(cx.hand_pts(pos, R), 0.1, 0.9)
    pose = _pose("flat" if rng.random() < 0.5 else "open", per, rng)
    thrust = rng.uniform(0.03, 0.1) if push else rng.uniform(0.0, 0.03)
    start = pos - tocam * thrust + cx.b(0, -rng.uniform(0.0, 0.04), 0)
    R0 = _rot(_unit(np.cross(normal, distal)), math.radians(rng.uniform(-12, 12))) @ R
    tr.move(
        cx.frames(per.tempo * rng.uniform(0.35, 0.75)),
        start,
        R0,
        pose,
        pose_span=(0.0, 0.7),
        rot_span=(0.0, 0.85),
        delays=_delays(rng, 0.1),
    )
    s0 = tr.n
    n_thr = cx.frames(per.tempo * rng.uniform(0.12, 0.3))
    n_hold = _fit_len(n_thr, cx.frames(per.tempo * rng.uniform(0.45, 2.3)))
    tr.move(n_thr, pos, R, skew=0.8)
    if rng.random() < 0.25 and n_hold > 20:
        k = cx.frames(0.15)
        tr.move(k, pos + tocam * rng.uniform(0.01, 0.025), skew=0.7)
        tr.move(k, pos)
        tr.hold(n_hold - 2 * k)
    else:
        tr.hold(n_hold)
    return s0, tr.n, "push" if push else "raise"


def _g_swipe(tr, cx, label):
    rng, per, sc = cx.rng, cx.per, cx.sc
    want = np.array(_SWIPE_DIR[label])
    center = cx.reach(cx.home + cx.b(rng.uniform(-0.08, 0.08), rng.uniform(-0.08, 0.1), rng.uniform(-0.05, 0.08)))
    up, out, fwd = cx.b(0, 1, 0), cx.b(1, 0, 0), cx.b(0, 0, 1)
    cands = (out, -out, up, -up)
    uv0 = cx.img(center)[0]
    scores = []
    for c in cands:
        duv = (cx.img(center + 0.05 * c)[0] - uv0) * np.array([sc.W, sc.H])
        scores.append(float(_unit(duv) @ want))
    k = int(np.argmax(scores))
    vertical = k >= 2
    direction = _rot(fwd, math.radians(rng.uniform(-12, 12))) @ cands[k]
    perp = _unit(np.cross(fwd, direction))
    depth = float(cx.cam(center)[0, 2])
    view = (sc.H if vertical else sc.W) * depth / sc.f
    L = rng.uniform(0.16, 0.6) * per.amp
    L = min(L, rng.uniform(0.4, 0.8) * view, 0.5 if vertical else 0.7)
    L = max(L, 0.1)
    tocam = cx.tocam(center)
    r = rng.random()
    if not vertical:
        if r < 0.25:
            normal, distal, style = _unit(tocam + 0.3 * fwd), _unit(up + 0.2 * out), "face"
        elif r < 0.55:
            normal, distal, style = _unit(direction + 0.3 * fwd), _unit(0.8 * up + 0.4 * fwd), "palm_leads"
        elif r < 0.8:
            normal, distal, style = _unit(-up + 0.2 * fwd), _unit(fwd + rng.uniform(-0.3, 0.6) * out), "palm_down"
        else:
            normal, distal, style = _unit(-direction + 0.2 * fwd), up, "back_leads"
    else:
        if r < 0.5:
            normal, distal, style = direction, _unit(fwd + rng.uniform(-0.2, 0.6) * out + 0.2 * up), "palm_leads"
        elif r < 0.75:
            normal, distal, style = tocam, _unit(up + 0.4 * out), "face"
        else:
            normal, distal, style = -out, _unit(fwd + 0.3 * up), "edge"
    R_mid = cx.orient(_jitter_dir(rng, normal, 0.08), distal)
    swing = math.radians(rng.uniform(8, 28)) * per.amp * (1 if rng.random() < 0.5 else -1)
    R_start, R_end = _rot(perp, -swing / 2) @ R_mid, _rot(perp, swing / 2) @ R_mid
    sag = rng.uniform(-0.1, 0.2) * L
    bend = sag * (-up if not vertical else out) + rng.uniform(0.0, 0.06) * fwd
    pname = rng.choice(["flat", "open", "relaxed", "half", "point"], p=[0.3, 0.3, 0.17, 0.15, 0.08])
    pose = _pose(str(pname), per, rng, thumb_out=rng.random() < 0.3)
    start, end = center - direction * L / 2, center + direction * L / 2
    delta = cx.fit(np.concatenate([cx.hand_pts(start, R_start), cx.hand_pts(end, R_end), cx.hand_pts(center + bend, R_mid)]), 0.05, 0.95)
    start, end = start + delta, end + delta
    tr.move(cx.frames(per.tempo * rng.uniform(0.3, 0.7)), start, R_start, pose, pose_span=(0.0, 0.8), delays=_delays(rng, 0.1))
    s0 = tr.n
    n0 = int(rng.integers(0, 8))
    n1 = int(rng.integers(2, 12))
    stroke = float(np.clip(per.tempo * rng.uniform(0.28, 0.8) * math.sqrt(L / 0.3), 0.2, 1.8))
    n_s = _fit_len(n0 + n1, cx.frames(stroke))
    short = _MIN_FRAMES - (n0 + n_s + n1)
    if short > 0:
        extra = int(rng.integers(0, short + 1))
        n0, n1 = n0 + extra, n1 + short - extra
    tr.hold(n0)
    P, Rs, J = tr.plan(n_s, end, R_end, bend=bend, skew=rng.uniform(0.75, 1.15))
    vel = np.gradient(np.concatenate([tr.pos[None], P]), axis=0)[1:] * FPS
    speed = np.linalg.norm(vel, axis=1)
    trail = math.radians(rng.uniform(8, 30)) * speed / max(float(speed.max()), 1e-6)
    distal_t = Rs @ _Y
    rv = np.cross(distal_t, -_unit(vel)) * trail[:, None]
    Rs = _rotvec_mats(rv) @ Rs
    tr.push(P, Rs, J)
    tr.move(n1, end + direction * rng.uniform(0.0, 0.03) * L, R_end, skew=0.7)
    return s0, tr.n, f"{style}/{pname}"


def _g_point(tr, cx):
    rng, per, sc = cx.rng, cx.per, cx.sc
    reach = rng.random() < 0.45
    pose = _pose("point", per, rng, thumb_out=rng.random() < per.thumb_out)
    loc = _fk(pose[None], per.hand)[0]
    a = _unit(loc[8] - loc[5])
    up, out, fwd = cx.b(0, 1, 0), cx.b(1, 0, 0), cx.b(0, 0, 1)
    cos_lim = math.cos(math.radians(35))
    for _ in range(40):
        az, el = math.radians(rng.uniform(-70, 100)), math.radians(rng.uniform(-55, 40))
        u = _unit(math.cos(el) * (math.cos(az) * fwd + math.sin(az) * out) + math.sin(el) * up)
        ext = rng.uniform(0.55, 0.95) if reach else rng.uniform(0.3, 0.9)
        arm_dir = _unit(u + rng.uniform(0.3, 0.8) * fwd)
        wrist = cx.reach(per.shoulder + ext * per.arm * arm_dir, 0.12)
        roll = rng.uniform(0.0, math.pi / 2)
        R = _frame(a, u, _Z, math.cos(roll) * -up + math.sin(roll) * -out)
        delta = cx.fit(cx.hand_pts(wrist, R), 0.07, 0.93)
        wrist = wrist + delta
        ray = _unit(cx.cam(wrist)[0])
        if abs(float((sc.R @ u) @ ray)) <= cos_lim:
            break
    if reach:
        start = per.shoulder + 0.3 * per.arm * arm_dir + cx.b(0, -0.08, 0.05) + delta
        start[2] = min(start[2], -0.1)
        R0 = _rot(_unit(np.cross(u, rng.normal(size=3))), math.radians(rng.uniform(8, 22))) @ R
        tr.move(cx.frames(per.tempo * rng.uniform(0.3, 0.6)), start, R0, pose, pose_span=(0.0, 0.85), delays=_delays(rng, 0.12))
        s0 = tr.n
        n_reach = cx.frames(per.tempo * rng.uniform(0.3, 0.75))
        tr.move(n_reach, wrist, R, skew=0.8)
        n_hold = _fit_len(n_reach, cx.frames(per.tempo * rng.uniform(0.25, 1.8)))
    else:
        tr.move(
            cx.frames(per.tempo * rng.uniform(0.45, 0.9)),
            wrist,
            R,
            pose,
            pose_span=(0.0, 0.75),
            rot_span=(0.0, 0.9),
            delays=_delays(rng, 0.12),
        )
        s0 = tr.n
        n_hold = _fit_len(0, cx.frames(per.tempo * rng.uniform(0.5, 2.5)))
    if rng.random() < 0.3 and n_hold >= 24:
        k = n_hold // 4
        for _ in range(2):
            tr.move(k, wrist + u * rng.uniform(0.015, 0.04), skew=0.7)
            tr.move(k, wrist)
        tr.hold(n_hold - 4 * k)
        style = "jab"
    else:
        tr.hold(n_hold)
        style = "reach" if reach else "held"
    return s0, tr.n, style


def _g_grab(tr, cx):
    rng, per = cx.rng, cx.per
    up, out, fwd = cx.b(0, 1, 0), cx.b(1, 0, 0), cx.b(0, 0, 1)
    obj = cx.reach(cx.b(rng.uniform(-0.05, 0.3), rng.uniform(-0.3, 0.15), rng.uniform(0.3, 0.5)))
    tocam = cx.tocam(obj)
    r = rng.random()
    if r < 0.45:
        style, normal, distal = "top", _unit(-up + 0.2 * rng.normal(size=3)), _unit(fwd + 0.3 * out - 0.3 * up)
        approach = up
    elif r < 0.8:
        style, normal, distal = "side", _unit(-out + 0.15 * rng.normal(size=3)), _unit(fwd + 0.2 * up)
        approach = out
    else:
        style, normal, distal = "front", _unit(tocam - 0.3 * up), up
        approach = -tocam
    R_open = cx.orient(normal, distal)
    R_close = _rot(_unit(np.cross(normal, distal)), math.radians(rng.uniform(-15, 5))) @ R_open
    obj = obj + cx.fit(np.concatenate([cx.hand_pts(obj, R_open), cx.hand_pts(obj + up * 0.12, R_close)]), 0.08, 0.92)
    pre = obj + approach * rng.uniform(0.05, 0.14)
    open_pose = _pose("pregrasp", per, rng)
    wide = open_pose.copy()
    wide[1:16:4] *= 1.3
    fist = _pose("fist", per, rng)
    tr.move(cx.frames(per.tempo * rng.uniform(0.35, 0.8)), pre, R_open, open_pose, pose_span=(0.0, 0.75), delays=_delays(rng, 0.1))
    s0 = tr.n
    n_app = cx.frames(per.tempo * rng.uniform(0.15, 0.5))
    tr.move(n_app, obj, pose=_clip_pose(wide), skew=0.8)
    n_close = cx.frames(per.tempo * rng.uniform(0.2, 0.6))
    tr.move(
        n_close,
        obj + approach * 0.01,
        R_close,
        fist,
        delays=_delays(rng, 0.2, order=rng.permutation(4) / 3.0 if rng.random() < 0.3 else None),
    )
    n_lift = _fit_len(n_app + n_close, cx.frames(per.tempo * rng.uniform(0.15, 0.6)))
    lift = up * rng.uniform(0.03, 0.15) * per.amp - fwd * rng.uniform(0.0, 0.05)
    tr.move(n_lift, tr.pos + lift, skew=0.9)
    n_hold = min(int(rng.integers(0, 10)), _MAX_FRAMES - (tr.n - s0))
    tr.hold(n_hold)
    return s0, tr.n, style


def _g_come(tr, cx):
    rng, per = cx.rng, cx.per
    up, out, fwd = cx.b(0, 1, 0), cx.b(1, 0, 0), cx.b(0, 0, 1)
    style = str(rng.choice(["palm_up", "index", "palm_in", "palm_down"], p=[0.4, 0.25, 0.2, 0.15]))
    raise_up = 0.12 if style == "palm_in" else 0.0
    pos = cx.reach(cx.b(rng.uniform(0.05, 0.3), rng.uniform(-0.15, 0.12) + raise_up, rng.uniform(0.25, 0.45)))
    tocam = cx.tocam(pos)
    if style == "palm_up" or (style == "index" and rng.random() < 0.5):
        normal = _unit(up + rng.uniform(0.2, 0.7) * tocam)
        distal = _unit(fwd + rng.uniform(0.0, 0.4) * out + 0.1 * up)
    elif style in ("palm_in", "index"):
        normal = _unit(-fwd + 0.2 * rng.normal(size=3))
        distal = _unit(up + 0.2 * out)
    else:
        normal = _unit(-up + 0.15 * rng.normal(size=3))
        distal = _unit(fwd + 0.2 * out)
    R = cx.orient(normal, distal)
    pos = pos + cx.fit(cx.hand_pts(pos, R), 0.1, 0.9)
    if style == "index":
        ext = _pose("point", per, rng, thumb_out=False)
        curl = ext.copy()
        curl[0:4] = _pose("beckon_index", per, rng, jit=0.5)[0:4]
    else:
        ext = _pose("open" if rng.random() < 0.6 else "half", per, rng)
        curl = _pose("flap" if style == "palm_down" else "beckon_all", per, rng)
    tr.move(cx.frames(per.tempo * rng.uniform(0.35, 0.8)), pos, R, ext, pose_span=(0.0, 0.75), delays=_delays(rng, 0.1))
    s0 = tr.n
    period = per.tempo * rng.uniform(0.38, 0.75)
    cycles = int(rng.choice([2, 3, 4], p=[0.35, 0.4, 0.25]))
    while cycles > 2 and cycles * period * FPS > _MAX_FRAMES:
        cycles -= 1
    period = min(period, _MAX_FRAMES / FPS / cycles)
    period = max(period, _MIN_FRAMES / FPS / cycles)
    n = int(np.clip(round(cycles * period * FPS), _MIN_FRAMES, _MAX_FRAMES))
    t = np.arange(1, n + 1) / FPS
    ph = t / period
    ph = ph + 0.08 * np.sin(2 * np.pi * ph)
    amps = rng.uniform(0.75, 1.0, cycles + 1)
    c = (0.5 - 0.5 * np.cos(2 * np.pi * ph)) * amps[np.minimum(ph.astype(int), cycles)]
    J = ext + c[:, None] * (curl - ext)
    wrist = math.radians(rng.uniform(8, 28)) * (0.3 if style == "index" else 1.0)
    Rl = _rotvec_mats(np.outer(wrist * c, _X))
    Rs = R[None] @ Rl
    pull = rng.uniform(0.0, 0.04)
    P = pos + np.outer(c * pull, -fwd) + np.outer(t / t[-1], -fwd * rng.uniform(0.0, 0.05))
    tr.push(P, Rs, _clip_pose(J))
    return s0, tr.n, style


def _gesture(tr, cx, label):
    if label == "stop":
        return _g_stop(tr, cx)
    if label == "point":
        return _g_point(tr, cx)
    if label == "grab":
        return _g_grab(tr, cx)
    if label == "come_here":
        return _g_come(tr, cx)
    return _g_swipe(tr, cx, label)


# ----------------------------------------------------------------------------------------------
# unlabeled activity


def _rest_target(cx, where):
    rng, per = cx.rng, cx.per
    up, out, fwd = cx.b(0, 1, 0), cx.b(1, 0, 0), cx.b(0, 0, 1)
    if where == "hang":
        pos = cx.b(rng.uniform(0.18, 0.26), rng.uniform(-0.58, -0.45), rng.uniform(-0.02, 0.08))
        R = cx.orient(_unit(-out + 0.2 * rng.normal(size=3)), _unit(-up + 0.2 * fwd))
        pose = _pose("relaxed", per, rng)
    elif where == "waist":
        pos = cx.b(rng.uniform(0.0, 0.15), rng.uniform(-0.4, -0.25), rng.uniform(0.15, 0.3))
        R = cx.orient(_unit(-fwd - 0.6 * up), _unit(0.5 * fwd - 0.8 * out - 0.3 * up))
        pose = _pose("relaxed" if rng.random() < 0.5 else "curled", per, rng)
    elif where == "clasp":
        pos = cx.b(rng.uniform(-0.02, 0.06), rng.uniform(-0.35, -0.22), rng.uniform(0.15, 0.25))
        R = cx.orient(_unit(-out - 0.3 * fwd), _unit(fwd - 0.5 * out - 0.2 * up))
        pose = _pose("curled", per, rng)
    else:  # mid: relaxed hand in front, below the gesture space
        pos = cx.b(rng.uniform(0.05, 0.25), rng.uniform(-0.3, -0.12), rng.uniform(0.2, 0.35))
        R = cx.orient(_unit(-out - 0.5 * up + 0.2 * rng.normal(size=3)), _unit(fwd - 0.3 * up))
        pose = _pose("relaxed", per, rng)
    return cx.reach(pos, -0.1), R, pose


def _retract(tr, cx):
    rng = cx.rng
    where = str(rng.choice(["hang", "waist", "mid", "clasp"], p=[0.35, 0.25, 0.3, 0.1]))
    pos, R, pose = _rest_target(cx, where)
    dist = float(np.linalg.norm(pos - tr.pos))
    n = cx.frames(cx.per.tempo * (rng.uniform(0.5, 0.9) + 0.6 * dist))
    tr.move(
        n,
        pos,
        R,
        pose,
        bend=cx.b(0, 0, 1) * rng.uniform(0.0, 0.08),
        pose_span=(0.0, 0.5),
        rot_span=(0.05, 0.85),
        skew=rng.uniform(1.0, 1.3),
        delays=_delays(rng),
    )


def _act_rest(tr, cx, n):
    where = str(cx.rng.choice(["hang", "waist", "clasp", "mid"], p=[0.35, 0.3, 0.15, 0.2]))
    pos, R, pose = _rest_target(cx, where)
    used = _goto(tr, cx, pos, R, pose)
    tr.hold(max(n - used, cx.frames(0.3)))


def _oscillate(tr, cx, n, freq, pose_amp, pos_amp, occ=False):
    t = np.arange(1, n + 1) / FPS
    s = np.sin(2 * np.pi * freq * t + cx.rng.uniform(0, 2 * np.pi))
    env = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.15)
    P = tr.pos + np.outer(s * env, pos_amp)
    J = tr.pose + np.outer(s * env, pose_amp)
    tr.push(P, np.repeat(tr.R[None], n, 0), _clip_pose(J), occ=occ)


def _act_scratch(tr, cx, n):
    rng, per = cx.rng, cx.per
    up, out, fwd = cx.b(0, 1, 0), cx.b(1, 0, 0), cx.b(0, 0, 1)
    spot = int(rng.integers(0, 6))
    occ = False
    if spot == 0:
        pos, normal, distal = cx.b(0.09, 0.47, 0.03), -out, _unit(up - 0.2 * fwd)
    elif spot == 1:
        pos, normal, distal = cx.b(0.07, 0.35, 0.1), _unit(-out - fwd), up
    elif spot == 2:
        pos, normal, distal = cx.b(0.0, 0.28, 0.12), _unit(-fwd + 0.3 * up), _unit(up - 0.4 * out)
    elif spot == 3:
        pos, normal, distal = cx.b(0.04, 0.22, 0.05), -fwd, _unit(-out + up)
    elif spot == 4:
        pos, normal, distal = cx.b(-0.22, 0.05, 0.08), -out, _unit(up - 0.3 * fwd)
    else:
        pos, normal, distal, occ = cx.b(0.06, 0.5, -0.08), _unit(-fwd - up), up, True
    pos = pos * (per.hand.palm / 0.094)
    R = cx.orient(_jitter_dir(rng, normal, 0.1), distal)
    used = _goto(tr, cx, pos, R, _pose("claw", per, rng))
    k = max(n - used, cx.frames(rng.uniform(0.5, 1.5)))
    amp = np.zeros(21)
    amp[0:16:4], amp[2:16:4] = rng.uniform(0.1, 0.25), rng.uniform(0.15, 0.35)
    _oscillate(tr, cx, k, rng.uniform(3.0, 6.0), amp, (R @ _Y) * rng.uniform(0.004, 0.012), occ=occ)


def _act_face(tr, cx, n):
    """Adjusting glasses (if worn) or rubbing the chin."""
    rng, per = cx.rng, cx.per
    up, out, fwd = cx.b(0, 1, 0), cx.b(1, 0, 0), cx.b(0, 0, 1)
    size = per.hand.palm / 0.094
    if per.glasses:
        pos = cx.b(0.0, 0.37, 0.13) * size
        R = cx.orient(_unit(-fwd - 0.3 * out), _unit(up - 0.6 * out))
        used = _goto(tr, cx, pos - up * 0.02, R, _pose("pinch", per, rng))
        tr.move(cx.frames(0.25), pos + up * 0.01)
        tr.hold(cx.frames(rng.uniform(0.15, 0.4)))
        used += cx.frames(0.25) + cx.frames(0.3)
        if n - used > 10:
            _act_rest(tr, cx, n - used)
    else:
        pos = cx.b(0.01, 0.26, 0.13) * size
        R = cx.orient(_unit(-fwd + 0.6 * up), _unit(up - 0.5 * out))
        used = _goto(tr, cx, pos, R, _pose("curled", per, rng))
        k = max(n - used, cx.frames(0.6))
        amp = np.zeros(21)
        amp[16:20] = rng.uniform(0.05, 0.15)
        _oscillate(tr, cx, k, rng.uniform(1.0, 2.5), amp, out * 0.01)


def _act_talk(tr, cx, n):
    rng, per = cx.rng, cx.per
    up, out, fwd = cx.b(0, 1, 0), cx.b(1, 0, 0), cx.b(0, 0, 1)
    center = cx.reach(cx.b(rng.uniform(0.0, 0.2), rng.uniform(-0.22, 0.05), rng.uniform(0.2, 0.36)))
    used = 0
    relaxed, half = _pose("relaxed", per, rng), _pose("half", per, rng)
    while used < n:
        off = cx.b(rng.uniform(-0.06, 0.06), rng.uniform(-0.06, 0.06), rng.uniform(-0.04, 0.04)) * per.amp
        target = center + off
        normal = _unit(up * rng.uniform(0.2, 1.0) - out * rng.uniform(0.3, 1.0) - fwd * rng.uniform(0.0, 0.5))
        tc = cx.tocam(target)
        if normal @ tc > 0.3:
            normal = _unit(normal - 1.2 * (normal @ tc) * tc)
        distal = _unit(fwd + out * rng.uniform(-0.3, 0.5) + up * rng.uniform(-0.2, 0.3))
        mix = rng.uniform(0.0, 1.0)
        k = cx.frames(per.tempo * rng.uniform(0.25, 0.6))
        tr.move(k, target, cx.orient(normal, distal), mix * relaxed + (1 - mix) * half, skew=0.7)
        used += k


def _act_leave(tr, cx, n):
    rng = cx.rng
    mode = str(rng.choice(["down", "pocket", "behind"], p=[0.5, 0.3, 0.2]))
    pos, R, pose = _rest_target(cx, "hang")
    if mode == "pocket":
        pos = pos + cx.b(0, 0.08, -0.05)
    elif mode == "behind":
        pos = cx.b(0.12, -0.3, -0.15)
    used = _goto(tr, cx, pos, R, _pose("curled", cx.per, rng))
    tr.hold(max(n - used, cx.frames(rng.uniform(0.4, 1.5))), occ=mode != "down")


def _act_phone(tr, cx, n):
    rng, per = cx.rng, cx.per
    up, out, fwd = cx.b(0, 1, 0), cx.b(1, 0, 0), cx.b(0, 0, 1)
    pos = cx.reach(cx.b(rng.uniform(0.0, 0.12), rng.uniform(-0.2, -0.05), rng.uniform(0.25, 0.35)))
    R = cx.orient(_unit(0.7 * up - 0.7 * fwd), _unit(fwd - 0.5 * out))
    used = _goto(tr, cx, pos, R, _pose("grip", per, rng))
    k = max(n - used, cx.frames(rng.uniform(0.8, 2.0)))
    amp = np.zeros(21)
    amp[16], amp[18], amp[19] = 0.12, 0.2, 0.25
    _oscillate(tr, cx, k, rng.uniform(1.5, 3.0), amp, np.zeros(3))


def _act_drum(tr, cx, n):
    rng, per = cx.rng, cx.per
    up, out, fwd = cx.b(0, 1, 0), cx.b(1, 0, 0), cx.b(0, 0, 1)
    pos = cx.reach(cx.b(rng.uniform(0.05, 0.25), rng.uniform(-0.35, -0.25), rng.uniform(0.25, 0.4)))
    R = cx.orient(-up, _unit(fwd + 0.2 * out))
    used = _goto(tr, cx, pos, R, _pose("relaxed", per, rng))
    k = max(n - used, cx.frames(rng.uniform(0.8, 2.0)))
    period = rng.uniform(0.5, 0.9)
    t = np.arange(1, k + 1) / FPS
    J = np.repeat(tr.pose[None], k, 0)
    for i, finger in enumerate((3, 2, 1, 0)):
        ph = (t / period - i * 0.12) % 1.0
        J[:, 4 * finger] += 0.35 * np.exp(-(((ph - 0.1) / 0.05) ** 2))
    tr.push(np.repeat(tr.pos[None], k, 0), np.repeat(tr.R[None], k, 0), _clip_pose(J))


def _act_rub(tr, cx, n):
    rng, per = cx.rng, cx.per
    up, out, fwd = cx.b(0, 1, 0), cx.b(1, 0, 0), cx.b(0, 0, 1)
    pos = cx.reach(cx.b(rng.uniform(-0.02, 0.05), rng.uniform(-0.22, -0.08), rng.uniform(0.22, 0.3)))
    R = cx.orient(-out, _unit(fwd + up))
    used = _goto(tr, cx, pos, R, _pose("half", per, rng))
    k = max(n - used, cx.frames(rng.uniform(0.6, 1.5)))
    _oscillate(tr, cx, k, rng.uniform(2.0, 3.5), np.zeros(21), _unit(fwd + up) * 0.02)


_ACTIVITIES = (_act_rest, _act_talk, _act_scratch, _act_face, _act_leave, _act_phone, _act_drum, _act_rub)
_ACTIVITY_P = np.array([0.25, 0.2, 0.14, 0.09, 0.1, 0.08, 0.08, 0.06])


def _idle(tr, cx, n):
    end = tr.n + n
    while end - tr.n > 12:
        act = _ACTIVITIES[cx.rng.choice(len(_ACTIVITIES), p=_ACTIVITY_P)]
        act(tr, cx, end - tr.n)
    tr.hold(end - tr.n)


# ----------------------------------------------------------------------------------------------
# clip assembly


def _overlay(P, Rs, J, per, rng):
    T = len(P)
    sway = _colored(rng, T, (3,), 0.1, 0.6) * per.sway_cm / 100.0 * np.array([1.0, 0.6, 1.0])
    trem = _colored(rng, T, (3,), per.tremor_hz - 1.5, per.tremor_hz + 1.5) * per.tremor_mm / 1000.0
    rotn = _colored(rng, T, (3,), per.tremor_hz - 1.5, per.tremor_hz + 1.5) * math.radians(rng.uniform(0.2, 0.8))
    rotn = rotn + _colored(rng, T, (3,), 0.1, 1.0) * math.radians(rng.uniform(0.5, 2.0))
    fing = _colored(rng, T, (21,), 0.2, 2.0) * 0.02
    return P + sway + trem, _rotvec_mats(rotn) @ Rs, _clip_pose(J + fing)


def _render(P, Rs, J, hand, sc, cam_motion=None):
    local = _fk(J, hand)
    world = P[:, None, :] + np.einsum("tij,tkj->tki", Rs, local)
    pc = world @ sc.R.T + sc.t
    if cam_motion is not None:
        pc = np.einsum("tij,tkj->tki", cam_motion, pc)
    u, v, Z = sc.project(pc)
    z = (Z - Z[:, :1]) * sc.f / (Z[:, :1] * sc.W)
    out = np.stack([np.clip(u, -0.3, 1.3), np.clip(v, -0.3, 1.3), z], -1)
    return out.astype(np.float32), float(pc[..., 2].min())


def _block_plan(seed, i):
    b, k = divmod(i, _BLOCK)
    rng = np.random.default_rng([_SALT_BLOCK, seed, b])
    kinds = [_BLOCK_KINDS[j] for j in rng.permutation(_BLOCK)]
    singles = np.concatenate([rng.permutation(len(LABELS)), rng.choice(len(LABELS), 3, replace=False)])
    slot = sum(1 for j in range(k) if kinds[j] in ("tight", "margin"))
    return kinds[k], LABELS[int(singles[slot])] if kinds[k] in ("tight", "margin") else None


def _labels_for(seed, i, kind, single):
    rng = np.random.default_rng([_SALT_LABELS, seed, i])
    if kind in ("tight", "margin"):
        return [single]
    if kind == "pair":
        a, b = _PAIR_FAMILIES[int(rng.integers(len(_PAIR_FAMILIES)))]
        if b == "swipe":
            b = _SWIPES[int(rng.integers(4))]
        return [a, b]
    k = int(rng.integers(3, 6))
    # pairs already favor point and grab; recordings lean the other way
    w = np.array([0.7, 1.0, 1.0, 1.0, 1.0, 0.7, 1.5, 1.5])
    out = []
    while len(out) < k:
        lab = LABELS[int(rng.choice(len(LABELS), p=w / w.sum()))]
        if not out or lab != out[-1] or rng.random() < 0.15:
            out.append(lab)
    return out


def _initial(cx):
    where = str(cx.rng.choice(["hang", "waist", "mid", "clasp"], p=[0.3, 0.25, 0.35, 0.1]))
    pos, R, pose = _rest_target(cx, where)
    return _Track(pos, R, pose)


def _other_hand(cx, T, cam_motion):
    """The person's other, idle hand (at the side, on the hip or at the waist), which a tracker may latch onto."""
    rng, per = cx.rng, cx.per
    side = -per.side
    where = int(rng.integers(0, 3))
    if where == 0:
        pos = np.array([side * rng.uniform(0.18, 0.26), rng.uniform(0.45, 0.58), -rng.uniform(-0.02, 0.08)])
        normal, distal = np.array([-side, 0.0, 0.0]), _unit(np.array([0.0, 1.0, -0.2]))
    elif where == 1:
        pos = np.array([side * rng.uniform(0.2, 0.28), rng.uniform(0.28, 0.38), -rng.uniform(0.0, 0.08)])
        normal, distal = _unit(np.array([-side, 0.0, 0.5])), _unit(np.array([-side, 0.3, -0.3]))
    else:
        pos = np.array([side * rng.uniform(0.0, 0.12), rng.uniform(0.25, 0.38), -rng.uniform(0.15, 0.28)])
        normal, distal = _unit(np.array([0.0, 0.6, 1.0])), _unit(np.array([-side, 0.3, -0.5]))
    hand = _Hand(per.hand.palm, per.hand.mcp, per.hand.phal, per.hand.splay, per.hand.cmc, per.hand.thumb, not per.hand.left)
    R = _frame(_Z, normal, _Y, distal)
    P = pos + _colored(rng, T, (3,), 0.1, 0.6) * per.sway_cm / 100.0
    J = np.repeat(_pose("relaxed", per, rng)[None], T, 0) + _colored(rng, T, (21,), 0.2, 2.0) * 0.02
    return _render(P, np.repeat(R[None], T, 0), _clip_pose(J), hand, cx.sc, cam_motion)[0]


def _try_build(rng, kind, labels):
    per = _make_person(rng)
    sc, home = _make_scene(rng, per)
    cx = _Ctx(rng, per, sc, home)
    tr = _initial(cx)
    marks = []
    if kind == "tight":
        tr.hold(cx.frames(rng.uniform(0.1, 0.4)))
        marks.append(_gesture(tr, cx, labels[0]))
        _retract(tr, cx)
    elif kind == "margin":
        _idle(tr, cx, cx.frames(rng.uniform(0.3, 2.0)))
        marks.append(_gesture(tr, cx, labels[0]))
        _retract(tr, cx)
        _idle(tr, cx, cx.frames(rng.uniform(0.2, 1.8)))
    elif kind == "pair":
        _idle(tr, cx, cx.frames(rng.uniform(0.3, 1.8)))
        marks.append(_gesture(tr, cx, labels[0]))
        _retract(tr, cx)
        _idle(tr, cx, cx.frames(rng.uniform(0.0, 1.5)))
        marks.append(_gesture(tr, cx, labels[1]))
        _retract(tr, cx)
        _idle(tr, cx, cx.frames(rng.uniform(0.2, 1.5)))
    else:
        target = rng.uniform(11.0, 19.0) * FPS
        _idle(tr, cx, cx.frames(rng.uniform(0.3, 1.5)))
        for j, lab in enumerate(labels):
            marks.append(_gesture(tr, cx, lab))
            _retract(tr, cx)
            left = len(labels) - 1 - j
            budget = (target - tr.n - left * 75) / (left + 1)
            _idle(tr, cx, int(np.clip(budget * rng.uniform(0.5, 1.3), 6, 100)))
    P, Rs, J, occ = tr.arrays()
    P, Rs, J = _overlay(P, Rs, J, per, rng)
    T = len(P)
    cam_motion = None
    if rng.random() < 0.35:  # hand-held phone or a robot base that is not quite still
        shake = _colored(rng, T, (3,), 0.5, 3.0) * math.radians(rng.uniform(0.05, 0.4))
        drift = _colored(rng, T, (3,), 0.02, 0.25) * math.radians(rng.uniform(0.5, 3.0))
        cam_motion = _rotvec_mats((shake + drift) * np.array([1.0, 1.0, 0.5]))
    lm, zmin = _render(P, Rs, J, per.hand, sc, cam_motion)
    other = _other_hand(cx, T, cam_motion)
    lo, hi = 0, len(lm)
    if kind == "tight":
        lo = marks[0][0] - int(rng.integers(0, 3))
        hi = marks[0][1] + int(rng.integers(0, 3))
    elif kind == "recording" and hi > _MAX_RECORDING_FRAMES:
        hi = _MAX_RECORDING_FRAMES
        if marks[-1][1] + 6 > hi:
            return None
    lm, occ, other = lm[lo:hi], occ[lo:hi], other[lo:hi]
    gest = [(lab, s - lo, e - lo, style) for lab, (s, e, style) in zip(labels, marks)]
    info = {
        "per": per,
        "sc": sc,
        "occ": occ,
        "zmin": zmin,
        "styles": [g[3] for g in gest],
        "other": other,
        "ego_motion": cam_motion is not None,
    }
    return lm, [g[:3] for g in gest], info


# ----------------------------------------------------------------------------------------------
# measurements on landmarks (used to reject implausible draws)


def _px3(lm, W, H):
    return lm.astype(np.float64) * np.array([W, H, W], float)


def _curl(P3):
    """Total bend (radians) of each finger, index to pinky: (T, 4)."""
    out = []
    for f in range(4):
        ids = [0, 5 + 4 * f, 6 + 4 * f, 7 + 4 * f, 8 + 4 * f]
        seg = _unit(np.diff(P3[:, ids], axis=1))
        cosang = np.clip(np.sum(seg[:, 1:] * seg[:, :-1], -1), -1.0, 1.0)
        out.append(np.arccos(cosang).sum(1))
    return np.stack(out, 1)


def _facing(P3):
    n = np.cross(P3[:, 5] - P3[:, 0], P3[:, 17] - P3[:, 0])
    return n[:, 2] / np.maximum(np.linalg.norm(n, axis=1), 1e-9)


def _cycles(sig, min_range=0.8):
    lo_v, hi_v = float(sig.min()), float(sig.max())
    if hi_v - lo_v < min_range:
        return 0
    lo, hi = lo_v + 0.3 * (hi_v - lo_v), lo_v + 0.7 * (hi_v - lo_v)
    state, count = sig[0] > hi, 0
    for x in sig:
        if not state and x > hi:
            state, count = True, count + 1
        elif state and x < lo:
            state = False
    return count


def _direction(lm, s, e, W, H):
    d = lm[s:e, 8, :2].astype(np.float64) - lm[s:e, 5, :2].astype(np.float64)
    out = []
    for scale in (np.array([1.0, 1.0]), np.array([W, H], float)):
        m = _unit(d * scale).mean(0)
        deg = math.degrees(math.atan2(-m[1], m[0])) % 360.0
        out.append(0.0 if deg >= 360.0 else deg)
    return out[0], out[1], float(np.linalg.norm(_unit(d).mean(0)))


def _problems(lm, gestures, W, H, hand_sign, zmin):
    if zmin < 0.12:
        return "too close"
    P3 = _px3(lm, W, H)
    palm = np.linalg.norm(P3[:, 9] - P3[:, 0], axis=1)
    curl = _curl(P3)
    face = _facing(P3) * hand_sign
    ctr = lm[:, _PALM_IDX, :2].astype(np.float64).mean(1)
    ctr_px = ctr * np.array([W, H])
    speed = np.r_[0.0, np.linalg.norm(np.diff(ctr_px, axis=0), axis=1)] * FPS / np.maximum(palm, 1e-6)
    idle = np.ones(len(lm), bool)
    for lab, s, e in gestures:
        idle[s:e] = False
        if not _MIN_FRAMES <= e - s <= _MAX_FRAMES:
            return "duration"
        if (ctr[s:e] < 0).any() or (ctr[s:e] > 1).any():
            return "out of frame"
        if lab in _SWIPE_DIR:
            want = np.array(_SWIPE_DIR[lab])
            for c, size in ((ctr, 1.0), (ctr_px, float(palm[s:e].mean()))):
                disp = c[e - 1] - c[s]
                along, perp = float(disp @ want), abs(float(disp[0] * want[1] - disp[1] * want[0]))
                if along < 1.6 * perp or (size > 1.0 and along < 1.2 * size):
                    return "swipe direction"
        elif lab == "point":
            _, _, res = _direction(lm, s, e, W, H)
            ilen = np.linalg.norm(P3[s:e, 8, :2] - P3[s:e, 5, :2], axis=1) / palm[s:e]
            if res < 0.85 or ilen.mean() < 0.3 or curl[s:e, 0].mean() > 0.9 or curl[s:e, 1:].mean() < 1.8:
                return "point shape"
        elif lab == "grab":
            if curl[e - 3 : e].mean() - curl[s : s + 3].mean() < 1.2:
                return "grab closure"
        elif lab == "stop":
            if curl[s:e].mean(1).max() > 0.9 or face[s:e].max() > -0.6:
                return "stop shape"
        elif lab == "come_here":
            if max(_cycles(curl[s:e, 0]), _cycles(curl[s:e].mean(1))) < 2:
                return "come_here cycles"
    still = speed < 1.0
    open_face = (curl.mean(1) < 0.9) & (face < -0.6) & still & idle
    index_only = (curl[:, 0] < 0.8) & (curl[:, 1:].mean(1) > 2.0) & still & idle
    for mask in (open_face, index_only):
        if any(e - s >= 12 for s, e in _runs(mask)):
            return "idle looks like a gesture"
    vis = idle & (ctr[:, 0] >= 0) & (ctr[:, 0] <= 1) & (ctr[:, 1] >= 0) & (ctr[:, 1] <= 1)
    for s, e in _runs(vis):
        x = ctr[s:e, 0]
        for lag in (10, 20, 30):
            if len(x) > lag and np.abs(x[lag:] - x[:-lag]).max() > 0.45:
                return "idle sweep"
    return None


def _hand_sign(per, sc):
    return (-1.0 if per.hand.left else 1.0) * (-1.0 if sc.mirror else 1.0)


def _build(seed, i):
    kind, single = _block_plan(seed, i)
    labels = _labels_for(seed, i, kind, single)
    res = None
    for attempt in range(60):
        rng = np.random.default_rng([_SALT_CLIP, seed, i, attempt])
        got = _try_build(rng, kind, labels)
        if got is None:
            continue
        res = got
        lm, gest, info = res
        why = _problems(lm, gest, info["sc"].W, info["sc"].H, _hand_sign(info["per"], info["sc"]), info["zmin"])
        if why is None:
            break
    lm, gest, info = res
    per, sc = info["per"], info["sc"]
    gestures, pixel_dirs = [], []
    for lab, s, e in gest:
        if lab == "point":
            d, dp, _ = _direction(lm, s, e, sc.W, sc.H)
            gestures.append((lab, int(s), int(e), float(d)))
            pixel_dirs.append(float(dp))
        else:
            gestures.append((lab, int(s), int(e), None))
            pixel_dirs.append(None)
    P3 = _px3(lm, sc.W, sc.H)
    palm_frac = float(np.median(np.linalg.norm(P3[:, 9] - P3[:, 0], axis=1)) / sc.W)
    meta = {
        "image_size": (int(sc.W), int(sc.H)),
        "direction_deg_pixels": pixel_dirs,
        "handedness": "left" if per.hand.left else "right",
        "mirrored": bool(sc.mirror),
        "fps": FPS,
        "styles": list(info["styles"]),
        "camera": {
            "hfov_deg": round(math.degrees(sc.hfov), 2),
            "roll_deg": round(float(sc.roll), 2),
            "pitch_deg": round(float(sc.pitch), 2),
            "body_yaw_deg": round(float(sc.yaw), 2),
            "distance_m": round(float(sc.dist), 3),
            "k1": round(float(sc.k1), 4),
        },
        "palm_length_frac_width": round(palm_frac, 4),
        "person": {"palm_m": round(per.hand.palm, 4), "tempo": round(per.tempo, 3), "amplitude": round(per.amp, 3)},
        "occluded_frames": int(info["occ"].sum()),
        "camera_ego_motion": bool(info["ego_motion"]),
        "attempt": attempt,
        "seed": int(seed),
        "index": int(i),
    }
    return Blind20Clip(lm, tuple(gestures), kind, meta), info


# ----------------------------------------------------------------------------------------------
# tracker error model

_LM_GAIN = np.array([0.8, 0.9, 1.0, 1.25, 1.6] + [0.9, 1.05, 1.3, 1.6] * 4)


def _one_euro(x, min_cut, beta, d_cut=1.0):
    alpha = lambda fc: 1.0 / (1.0 + FPS / (2 * math.pi * fc))  # noqa: E731
    out = np.empty_like(x)
    xh, dxh = x[0].copy(), np.zeros_like(x[0])
    out[0] = xh
    ad = alpha(d_cut)
    for t in range(1, len(x)):
        dx = (x[t] - xh) * FPS
        dxh = ad * dx + (1 - ad) * dxh
        fc = min_cut + beta * np.abs(dxh)
        a = 1.0 / (1.0 + FPS / (2 * math.pi * fc))
        xh = a * x[t] + (1 - a) * xh
        out[t] = xh
    return out


def _ema(x, a):
    out = np.empty_like(x)
    out[0] = x[0]
    for t in range(1, len(x)):
        out[t] = a * x[t] + (1 - a) * out[t - 1]
    return out


def _tracker(clip, info, rng):
    lm = clip.landmarks
    W, H = clip.meta["image_size"]
    T = len(lm)
    scale = np.array([W, H, W], float)
    Y = lm.astype(np.float64) * scale
    palm3 = np.maximum(np.linalg.norm(Y[:, 9] - Y[:, 0], axis=1), 1.0)
    palm2 = np.linalg.norm(Y[:, 9, :2] - Y[:, 0, :2], axis=1)
    ctr = Y[:, _PALM_IDX, :2].mean(1)
    speed = np.r_[0.0, np.linalg.norm(np.diff(ctr, axis=0), axis=1)] * FPS / palm3
    x, y = lm[..., 0], lm[..., 1]
    inside = ((x >= 0) & (x <= 1) & (y >= 0) & (y <= 1)).mean(1)
    facing = np.abs(_facing(Y))
    conf = (
        rng.uniform(0.7, 1.0)
        * np.clip((np.maximum(palm2, 0.5 * palm3) - 5.0) / 20.0, 0.0, 1.0) ** 0.5
        * np.exp(-((speed / rng.uniform(12.0, 28.0)) ** 2))
        * np.clip((inside - 0.3) / 0.5, 0.0, 1.0)
        * (0.5 + 0.5 * facing)
    )
    conf[info["occ"]] = 0.0
    # lost / tracked chain
    base, k_lose, r_find = math.exp(rng.uniform(math.log(0.0015), math.log(0.02))), rng.uniform(0.03, 0.25), rng.uniform(0.2, 0.75)
    u = rng.random(T)
    lost = np.zeros(T, bool)
    state = conf[0] < 0.2
    for t in range(T):
        c = conf[t]
        if c < 0.06:
            state = True
        elif state:
            state = not (u[t] < r_find * math.sqrt(c))
        else:
            state = u[t] < base + k_lose * (1.0 - c) ** 3
        lost[t] = state
    lost |= rng.random(T) < rng.uniform(0.0, 0.03)
    if rng.random() < 0.35:
        s = int(rng.integers(0, T))
        lost[s : s + int(rng.integers(3, 16))] = True
    for _, s, e, _ in clip.gestures:
        allowed = int(0.35 * (e - s))
        idx = np.flatnonzero(lost[s:e])
        if len(idx) > allowed:
            lost[s + rng.choice(idx, len(idx) - allowed, replace=False)] = False
    # with one hand tracked, the tracker may latch onto the other, idle hand while the gesturing hand is lost
    swap = np.zeros(T, bool)
    if rng.random() < 0.3:
        other = info["other"]
        ox, oy = other[..., 0], other[..., 1]
        o_in = ((ox >= 0) & (ox <= 1) & (oy >= 0) & (oy <= 1)).mean(1) > 0.85
        busy = np.zeros(T, bool)
        for _, s, e, _ in clip.gestures:
            busy[max(0, s - 3) : e + 3] = True
        for s, e in _runs(lost):
            if e - s >= 2 and not busy[s:e].any() and o_in[s:e].all() and rng.random() < 0.6:
                swap[s:e] = True
        if swap.any():
            Y[swap] = other[swap].astype(np.float64) * scale
            lost[swap] = False
            conf[swap] = 0.6
            palm3 = np.maximum(np.linalg.norm(Y[:, 9] - Y[:, 0], axis=1), 1.0)
    # motion blur: the tracker sees the hand part-way through the exposure
    if T > 1:
        vel = np.gradient(Y, axis=0)
        vel[swap | np.roll(swap, 1) | np.roll(swap, -1)] = 0.0
        Y = Y - 0.5 * rng.uniform(0.0, 0.6) * vel + rng.standard_normal(Y.shape) * np.abs(vel) * 0.05
    # jitter: global + per landmark, temporally correlated, size and confidence dependent
    sig = (rng.uniform(0.3, 1.5) + rng.uniform(0.01, 0.035) * palm3) * (1.0 + 1.5 * (1.0 - conf))
    g = _colored(rng, T, (3,), 0.0, rng.uniform(1.5, 4.0)) * 0.7
    loc = _colored(rng, T, (21, 3), 0.0, rng.uniform(3.0, 8.0)) * 0.5
    white = rng.standard_normal((T, 21, 3)) * 0.35
    noise = (g[:, None] + (loc + white) * _LM_GAIN[None, :, None]) * sig[:, None, None]
    noise[..., 2] *= rng.uniform(1.5, 3.0)
    outside = (x < 0) | (x > 1) | (y < 0) | (y > 1)  # landmarks extrapolated beyond the image are worse
    noise *= (1.0 + 1.5 * outside)[..., None]
    Y = Y + noise
    # finger-chain mislocalization episodes
    for _ in range(rng.poisson(rng.uniform(0.0, 0.5) * T / FPS)):
        f = int(rng.integers(0, 5))
        chain = [1, 2, 3, 4] if f == 0 else [5 + 4 * (f - 1) + j for j in range(4)]
        L = int(rng.integers(4, 26))
        s = int(rng.integers(0, max(1, T - L)))
        e = min(T, s + L)
        w = np.sin(np.pi * (np.arange(e - s) + 0.5) / (e - s))
        ang = math.radians(rng.uniform(10, 35)) * (1 if rng.random() < 0.5 else -1) * w
        sc_ = 1.0 + (rng.uniform(0.75, 1.15) - 1.0) * w
        base_pt = Y[s:e, chain[0], :2][:, None]
        rel = Y[s:e, chain[1:], :2] - base_pt
        c, sn = np.cos(ang)[:, None], np.sin(ang)[:, None]
        rot = np.stack([c * rel[..., 0] - sn * rel[..., 1], sn * rel[..., 0] + c * rel[..., 1]], -1)
        Y[s:e, chain[1:], :2] = base_pt + rot * sc_[:, None, None]
    # smoothing (reset at every re-acquisition) and re-acquisition transients
    mode = rng.choice(3, p=[0.45, 0.25, 0.3])
    min_cut, beta, alpha = rng.uniform(0.6, 3.0), rng.uniform(0.002, 0.03), rng.uniform(0.35, 0.8)
    segments = []
    for s, e in _runs(~lost):
        cuts = [s] + [t for t in range(s + 1, e) if swap[t] != swap[t - 1]] + [e]
        segments += list(zip(cuts[:-1], cuts[1:]))
    for s, e in segments:
        n_tr = min(int(rng.integers(1, 5)), e - s)
        off = rng.normal(0.0, 0.12, 2) * palm3[s]
        gain = 1.0 + rng.normal(0.0, 0.05)
        for j in range(n_tr):
            dec = 0.5**j
            c0 = Y[s + j, _PALM_IDX, :2].mean(0)
            Y[s + j, :, :2] = c0 + (Y[s + j, :, :2] - c0) * (1.0 + (gain - 1.0) * dec) + off * dec
        seg = Y[s:e].reshape(e - s, -1)
        if mode == 0:
            seg = _one_euro(seg, min_cut, beta)
        elif mode == 1:
            seg = _ema(seg, alpha)
        Y[s:e] = seg.reshape(e - s, 21, 3)
    Y[..., 2] = (Y[..., 2] - Y[:, :1, 2]) * rng.uniform(0.6, 1.4)
    out = Y / scale
    out[..., :2] = np.clip(out[..., :2], -0.3, 1.3)
    out = out.astype(np.float32)
    # lost frames: NaN, zeros or a held repeat of the last output
    wk = rng.dirichlet([0.8, 0.8, 0.8])
    counts = {"nan": 0, "zero": 0, "repeat": 0}
    for s, e in _runs(lost):
        kind = int(rng.choice(3, p=wk))
        if kind == 2 and s == 0:
            kind = 0
        if kind == 0:
            out[s:e] = np.nan
        elif kind == 1:
            out[s:e] = 0.0
        else:
            out[s:e] = out[s - 1]
        counts[("nan", "zero", "repeat")[kind]] += e - s
    if rng.random() < 0.1:
        m = int(rng.choice([5, 6]))
        for t in range(int(rng.integers(1, m + 1)), T, m):
            out[t] = out[t - 1]
            counts["repeat"] += 1
    meta = dict(clip.meta)
    meta["tracker"] = {"lost_frames": counts, "other_hand_frames": int(swap.sum()), "smoothing": ("one_euro", "ema", "none")[int(mode)]}
    return Blind20Clip(out, clip.gestures, clip.kind, meta)


# ----------------------------------------------------------------------------------------------
# public API


def blind20_clean_dataset(n: int, seed: int = 0) -> list[Blind20Clip]:
    """The clips of `blind20_dataset` before tracker errors (same labels, kinds and sizes)."""
    return [_build(seed, i)[0] for i in range(int(n))]


def blind20_dataset(n: int, seed: int = 0) -> list[Blind20Clip]:
    """Tracked clips: clean clips passed through the tracker error model; clip i depends only on (seed, i)."""
    out = []
    for i in range(int(n)):
        clip, info = _build(seed, i)
        out.append(_tracker(clip, info, np.random.default_rng([_SALT_TRACKER, seed, i])))
    return out


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
    ap = argparse.ArgumentParser(description="Write blind generator 20 gesture clips as .npy files plus labels.json.")
    ap.add_argument("out", help="output directory")
    ap.add_argument("-n", type=int, default=20, help="number of clips")
    ap.add_argument("-s", "--seed", type=int, default=0, help="dataset seed")
    ap.add_argument("--clean", action="store_true", help="write clips before tracker errors")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    clips = (blind20_clean_dataset if args.clean else blind20_dataset)(args.n, args.seed)
    records = []
    for i, c in enumerate(clips):
        name = f"clip_{i:05d}.npy"
        np.save(os.path.join(args.out, name), c.landmarks)
        records.append(
            {
                "file": name,
                "kind": c.kind,
                "frames": int(len(c.landmarks)),
                "gestures": [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in c.gestures],
                "meta": _jsonable(c.meta),
            }
        )
    doc = {
        "generator": "blind20",
        "fps": FPS,
        "labels": list(LABELS),
        "kinds": list(KINDS),
        "seed": args.seed,
        "clean": bool(args.clean),
        "clips": records,
    }
    with open(os.path.join(args.out, "labels.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
