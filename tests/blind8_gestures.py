"""Blind-8 hand-gesture clips: an independent generator of tracked hand landmarks for measuring gesture readers on unseen data.

It was written without reading any robocue gesture reader, the project's notes or the other clip generators' hand models
and gesture plans: only the clip format and vocabulary (docs/commands.md, "Gestures") and the scoring contract, constants
and command line of tests/blind7_gestures.py (its ``score`` is copied verbatim below, so the two report the same numbers).
That file's module docstring and first hand-model constants were also seen, by accident; nothing here follows them.

What is modelled, in the order a clip is made:

* **Hands** (``_Person``, ``_fk``): a mesh-free skeleton whose segment lengths follow published hand anthropometry (bone
  lengths as fractions of hand length, metacarpals fanning from the carpal row, a transverse palm arch that deepens when
  the palm cups), perturbed by five invented principal shape modes (long fingers, broad palm, digit ratio, thumb length,
  little finger). Each finger has its own curl, hook (PIP/DIP without MCP, as in beckoning with one finger), abduction
  and a per-person twist of its flexion plane, so that curled fingers converge; the thumb has curl, opposition and
  radial spread. Hand length 12-21.5 cm, left or right hand, seen directly or through a mirroring camera.
* **Movement** (``_Track``): every degree of freedom follows piecewise quintic Hermite splines through knots, which give
  minimum-jerk strokes between rests, via-points without stopping, and an asymmetric (time-warped) bell-shaped speed
  profile per person; transport durations follow Fitts' law with a per-person intercept, slope and tempo. The hand
  preshapes during transport, on its own timeline. Physiological tremor (7.5-12 Hz) and slow postural sway ride on top.
* **Gestures** (``_g_point`` ... ``_g_stop``): points with the arm held still, reaching points, points with emphasis
  jabs and wrist-only points, pointing toward the camera with foreshortening, tucked or "gun" thumbs and sloppy middle
  fingers; swipes with the palm to the camera, edge-on, back-hand first, palm up or down, relaxed or fisted, made by
  translating the arm, by swinging the forearm about the elbow or by flicking the wrist, with wind-ups, pauses and
  repeated short strokes with slow returns; grabs in front, reaching, from above (claw) or sideways, closing fast or
  slowly with fingers staggered either way, loose or tight, sometimes pulled back; beckoning palm up with all fingers or
  one, palm toward oneself or palm down (2-4 cycles); stops with fingers together or spread, tilted, raised high or
  pushed toward the camera. Preparations are Fitts-timed reaches that sometimes stop half way (hesitation), and
  gestures may be placed near the frame edge, partly out of frame.
* **Everything else** (``_idle``): hands resting out of view or low in the frame, talking beats, touching the face,
  fiddling fingers, palm-up "presenting" moves, posture shifts, the hand leaving the frame and coming back, and short
  pauses between the two gestures of a command in which the fingers half relax.
* **Cameras** (``_Camera``): laptop and desk webcams, phones in portrait and landscape, and a low robot camera, with
  frame sizes of many aspect ratios (x and y are normalised by the frame's own width and height), 58-95 degree lenses
  with barrel distortion, roll and pitch, hand-held shake, 10-60 fps with clock jitter and dropped captures, exposure
  time (motion blur) and rolling-shutter readout.
* **Tracker** (``_track``): a detect-then-track state machine whose loss hazard grows with blur, small hands, edge-on
  palms and hands leaving the frame, and whose re-detection takes frames; a region-of-interest misalignment that wanders
  (Ornstein-Uhlenbeck) and jumps at re-detection, temporally correlated landmark jitter heavier on curled fingers,
  regression of the fingers toward a mean hand shape when occluded, occasional finger swaps, mirrored depth, rare false
  detections elsewhere in the frame, wrong depth scale and noisy depth, EMA or one-euro smoothing (lag), lost frames
  written as NaN, as repeats of the last frame or as zeros, and resampling to 30 fps by latest, nearest or linear frame
  with pipeline latency.

Labels are what an annotator would say the person meant. A gesture's span (frames, both ends inclusive) runs from the
first visible frame of its preparation to the end of its stroke or hold; a point's ``direction_deg`` is the direction of
the index finger (MCP to tip) in the normalised image (0 = right, 90 = up, y down) averaged over the hold, and
``meta["direction_deg_pixels"]`` is the same in square pixels. Swipe names are image directions (``SWIPES``).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

LABELS = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
KINDS = ("tight", "margin", "pair", "recording")
SWIPES = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}
PAIR_TYPES = (("point", "swipe"), ("grab", "swipe"), ("point", "grab"), ("point", "come_here"))
FPS = 30.0
MIN_GESTURE_S, MAX_GESTURE_S = 0.5, 3.0
_KIND_BLOCK = ("tight",) * 6 + ("margin",) * 5 + ("pair",) * 5 + ("recording",) * 4  # 30/25/25/20 % per 20 clips


@dataclass
class Blind8Clip:
    """One clip: landmarks (T, 21, 3) float32, gestures ((label, start, end, direction_deg or None), ...), kind, meta."""

    landmarks: np.ndarray
    gestures: tuple[tuple[str, int, int, float | None], ...]
    kind: str
    meta: dict = field(default_factory=dict)


Clip = Blind8Clip

# ------------------------------------------------------------------------------------------------ geometry
# World frame: the camera's, levelled: x to the image's right, y down, z away from the camera (metres).
_RIGHT = np.array([1.0, 0.0, 0.0])
_DOWN = np.array([0.0, 1.0, 0.0])
_UP = -_DOWN
_AWAY = np.array([0.0, 0.0, 1.0])
_TOWARD = -_AWAY


def _unit(v) -> np.ndarray:
    v = np.asarray(v, float)
    return v / max(float(np.linalg.norm(v)), 1e-12)


def _rot(axis, ang: float) -> np.ndarray:
    """Rotation by ``ang`` radians about ``axis`` (Rodrigues)."""
    a = _unit(axis)
    k = np.array([[0.0, -a[2], a[1]], [a[2], 0.0, -a[0]], [-a[1], a[0], 0.0]])
    return np.eye(3) + math.sin(ang) * k + (1.0 - math.cos(ang)) * (k @ k)


def _rotvecs(rv: np.ndarray) -> np.ndarray:
    """(T, 3) rotation vectors to (T, 3, 3) matrices."""
    th = np.linalg.norm(rv, axis=-1)
    a = rv / np.maximum(th, 1e-12)[:, None]
    k = np.zeros(rv.shape[:-1] + (3, 3))
    k[:, 0, 1], k[:, 0, 2], k[:, 1, 2] = -a[:, 2], a[:, 1], -a[:, 0]
    k[:, 1, 0], k[:, 2, 0], k[:, 2, 1] = a[:, 2], -a[:, 1], a[:, 0]
    s, c = np.sin(th)[:, None, None], (1.0 - np.cos(th))[:, None, None]
    return np.eye(3)[None] + s * k + c * (k @ k)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.stack(
        [
            a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
            a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
            a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0],
        ],
        -1,
    )


def _frame(distal, palmar) -> np.ndarray:
    """Hand orientation: columns are the radial (thumb-side, for a right hand), distal and palmar axes in the world."""
    d = _unit(distal)
    n = np.asarray(palmar, float) - d * float(np.dot(palmar, d))
    if np.linalg.norm(n) < 1e-6:
        n = np.cross(d, _RIGHT if abs(d[0]) < 0.9 else _AWAY)
    n = _unit(n)
    return np.column_stack([np.cross(d, n), d, n])


def _wobble(r: np.ndarray, deg: float, rng: np.random.Generator) -> np.ndarray:
    return _rot(rng.normal(size=3), math.radians(rng.normal(0.0, deg))) @ r


def _quat(r: np.ndarray) -> np.ndarray:
    tr = r[0, 0] + r[1, 1] + r[2, 2]
    if tr > 0:
        s = math.sqrt(tr + 1.0) * 2
        q = [0.25 * s, (r[2, 1] - r[1, 2]) / s, (r[0, 2] - r[2, 0]) / s, (r[1, 0] - r[0, 1]) / s]
    elif r[0, 0] > r[1, 1] and r[0, 0] > r[2, 2]:
        s = math.sqrt(1.0 + r[0, 0] - r[1, 1] - r[2, 2]) * 2
        q = [(r[2, 1] - r[1, 2]) / s, 0.25 * s, (r[0, 1] + r[1, 0]) / s, (r[0, 2] + r[2, 0]) / s]
    elif r[1, 1] > r[2, 2]:
        s = math.sqrt(1.0 + r[1, 1] - r[0, 0] - r[2, 2]) * 2
        q = [(r[0, 2] - r[2, 0]) / s, (r[0, 1] + r[1, 0]) / s, 0.25 * s, (r[1, 2] + r[2, 1]) / s]
    else:
        s = math.sqrt(1.0 + r[2, 2] - r[0, 0] - r[1, 1]) * 2
        q = [(r[1, 0] - r[0, 1]) / s, (r[0, 2] + r[2, 0]) / s, (r[1, 2] + r[2, 1]) / s, 0.25 * s]
    q = np.array(q)
    return q / np.linalg.norm(q)


def _qmat(q: np.ndarray) -> np.ndarray:
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    w, x, y, z = np.moveaxis(q, -1, 0)
    m = np.stack(
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y), 2 * (x * y + w * z), 1 - 2 * (x * x + z * z)]
        + [2 * (y * z - w * x), 2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        -1,
    )
    return m.reshape(q.shape[:-1] + (3, 3))


def _slerp(q0: np.ndarray, q1: np.ndarray, s: float) -> np.ndarray:
    d = float(np.dot(q0, q1))
    if d < 0:
        q1, d = -q1, -d
    if d > 0.9995:
        q = q0 + (q1 - q0) * s
    else:
        th = math.acos(min(d, 1.0))
        q = (math.sin((1 - s) * th) * q0 + math.sin(s * th) * q1) / math.sin(th)
    return q / np.linalg.norm(q)


def _slerp_r(r0: np.ndarray, r1: np.ndarray, s: float) -> np.ndarray:
    return _qmat(_slerp(_quat(r0), _quat(r1), s)[None])[0]


def _mj(tau, skew: float = 0.0):
    """Minimum-jerk progress with a time warp: skew > 0 puts the speed peak early and lengthens the deceleration."""
    tau = np.clip(tau, 0.0, 1.0)
    w = tau + skew * tau * (1.0 - tau)
    return w * w * w * (10.0 - 15.0 * w + 6.0 * w * w)


def _pick(rng: np.random.Generator, opts: dict):
    keys = list(opts)
    p = np.array([opts[k] for k in keys], float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


# ------------------------------------------------------------------------------------------------ hand skeleton
# A right hand in its own frame (radial = thumb side, distal, palmar), in hand lengths (wrist crease to the middle
# fingertip). Metacarpal and phalanx lengths are the usual anthropometric fractions of hand length; the metacarpals fan
# out from a carpal row just distal to the wrist, and the palm's edges sit palmar of its middle (the transverse arch).
_CARPAL = np.array([[0.070, 0.070, 0.0], [0.018, 0.072, 0.0], [-0.035, 0.066, 0.0], [-0.085, 0.058, 0.0]])
_FAN = np.radians([14.0, 3.0, -9.0, -19.0])
_META = np.array([0.374, 0.373, 0.336, 0.295])
_PHAL = np.array([[0.265, 0.143, 0.097], [0.277, 0.170, 0.108], [0.259, 0.165, 0.107], [0.206, 0.117, 0.093]])
_ARCH = np.array([0.012, 0.0, 0.010, 0.028])
_CUP = np.array([[-0.010, 0.0, 0.020], [0.0, 0.0, 0.0], [0.012, 0.0, 0.015], [0.035, -0.012, 0.050]])  # MCP shift, cupped
_CUP_TILT = np.array([0.04, 0.0, 0.06, 0.12])  # proximal phalanges tilt palmar as the palm cups
_SPREAD = np.radians([10.0, 2.0, -7.0, -15.0])  # abduction of each finger at full spread
_THUMB = np.array([0.251, 0.196, 0.158])
_CMC = np.array([0.075, 0.115, 0.045])
_PALM_C = np.array([0.0, 0.30, 0.02])  # mid-palm, the point gesture plans place
_PALM_IDX = [0, 5, 9, 13, 17]

# Hand shape vector (16): curl of index..little (0 straight, 1 fist, < 0 hyperextended), hook of index..little
# (PIP/DIP flexion with a straight MCP), spread of index..little (0 together, 1 wide), thumb curl, thumb opposition,
# thumb radial spread, palm cupping.
NS = 16
_TC, _TO, _TS, _CUPI = 12, 13, 14, 15


def _shape(curl, hook=(0.0, 0.0, 0.0, 0.0), spread=(0.2, 0.2, 0.2, 0.2), thumb=(0.25, 0.3, 0.3), cup=0.2) -> np.ndarray:
    s = np.zeros(NS)
    s[0:4], s[4:8], s[8:12] = np.broadcast_to(curl, 4), np.broadcast_to(hook, 4), np.broadcast_to(spread, 4)
    s[_TC], s[_TO], s[_TS], s[_CUPI] = thumb[0], thumb[1], thumb[2], cup
    return s


_PRIOR = _shape(0.32, spread=0.25, thumb=(0.3, 0.35, 0.35), cup=0.25)  # the tracker's idea of an average hand


@dataclass
class _Person:
    """Who gestures: hand skeleton, joint ranges and motor habits, drawn once per clip."""

    hand: str  # the person's hand: right or left
    c: int  # how it looks in the image: +1 like a right hand, -1 like a left one (mirroring cameras swap them)
    group: str
    L: float  # hand length, m
    body: float  # body scale relative to an average adult
    carpal: np.ndarray
    fan: np.ndarray
    meta: np.ndarray
    phal: np.ndarray
    arch: np.ndarray
    thumb: np.ndarray
    cmc: np.ndarray
    twist: np.ndarray
    mcp_max: float
    pip_max: float
    dip_ratio: float
    hyper: float
    thumb_hyper: float
    rest_curl: float
    tempo: float
    fitts_a: float
    fitts_b: float
    skew: float
    tremor_mm: float
    drift_mm: float
    expressive: float
    tidy: float


def _person(rng: np.random.Generator, mirrored: bool) -> _Person:
    hand = "right" if rng.random() < 0.86 else "left"
    c = (1 if hand == "right" else -1) * (-1 if mirrored else 1)
    group = _pick(rng, {"child": 0.1, "small": 0.48, "large": 0.42})
    L = {"child": rng.uniform(0.12, 0.155), "small": rng.uniform(0.165, 0.19), "large": rng.uniform(0.185, 0.215)}[group]
    m = np.clip(rng.normal(size=5), -2.5, 2.5)  # principal shape modes
    meta = _META * (1 - 0.03 * m[0]) * rng.normal(1.0, 0.015, 4)
    phal = _PHAL * (1 + 0.06 * m[0]) * rng.normal(1.0, 0.02, (4, 3))
    carpal = _CARPAL.copy()
    carpal[:, 0] *= 1 + 0.10 * m[1]
    fan = _FAN * (1 + 0.10 * m[1])
    phal[0] *= 1 + 0.04 * m[2]
    phal[2] *= 1 - 0.04 * m[2]
    thumb = _THUMB * (1 + 0.08 * m[3]) * rng.normal(1.0, 0.02, 3)
    cmc = _CMC * np.array([1.0, 1 - 0.10 * m[3], 1.0])
    phal[3] *= 1 + 0.08 * m[4]
    meta[3] *= 1 + 0.05 * m[4]
    return _Person(
        hand=hand,
        c=c,
        group=group,
        L=float(L),
        body=float(np.clip(L / 0.185, 0.7, 1.2)),
        carpal=carpal,
        fan=fan,
        meta=meta,
        phal=phal,
        arch=_ARCH * rng.uniform(0.6, 1.4),
        thumb=thumb,
        cmc=cmc,
        twist=np.radians(np.array([-4.0, 0.0, 5.0, 12.0]) + rng.normal(0, 3, 4)),
        mcp_max=math.radians(rng.uniform(78, 95)),
        pip_max=math.radians(rng.uniform(95, 112)),
        dip_ratio=float(rng.uniform(0.55, 0.8)),
        hyper=math.radians(rng.uniform(-12, 4)),
        thumb_hyper=math.radians(rng.uniform(-20, 0)),
        rest_curl=float(rng.uniform(0.18, 0.42)),
        tempo=float(np.clip(math.exp(rng.normal(0, 0.16)), 0.7, 1.45)),
        fitts_a=float(rng.uniform(0.10, 0.22)),
        fitts_b=float(rng.uniform(0.07, 0.13)),
        skew=float(rng.uniform(-0.1, 0.45)),
        tremor_mm=float(rng.uniform(0.2, 1.2) * (1.5 if group == "child" else 1.0)),
        drift_mm=float(rng.uniform(2.0, 9.0)),
        expressive=float(rng.uniform(0, 1)),
        tidy=float(rng.uniform(0, 1)),
    )


def _fk(pe: _Person, s: np.ndarray) -> np.ndarray:
    """Forward kinematics: shape vectors (T, 16) to the 21 landmarks (T, 21, 3) in the hand frame, hand lengths."""
    T = len(s)
    out = np.zeros((T, 21, 3))
    curl, hook, spr = s[:, 0:4], np.clip(s[:, 4:8], 0.0, 1.0), s[:, 8:12]
    cc = np.clip(curl, 0.0, 1.0)
    cup = np.clip(s[:, _CUPI], 0.0, 1.0)
    zero = np.zeros(T)
    for f in range(4):
        base = pe.carpal[f] + pe.meta[f] * np.array([math.sin(pe.fan[f]), math.cos(pe.fan[f]), 0.0])
        mcp = (base + np.array([0.0, 0.0, pe.arch[f]]))[None] + cup[:, None] * _CUP[f]
        al = pe.fan[f] + spr[:, f] * _SPREAD[f] * (1.0 - 0.6 * cc[:, f])
        u0 = np.stack([np.sin(al), np.cos(al), cup * _CUP_TILT[f]], -1)
        u0 /= np.linalg.norm(u0, axis=-1, keepdims=True)
        k = np.stack([u0[:, 1], -u0[:, 0], zero], -1)  # u0 x palmar: the flexion axis before twisting
        k /= np.linalg.norm(k, axis=-1, keepdims=True)
        tw = (pe.twist[f] * (0.4 + cc[:, f]))[:, None]
        k2 = k * np.cos(tw) + _cross(u0, k) * np.sin(tw)
        m = _cross(k2, u0)  # the direction the finger curls toward
        p1 = curl[:, f] * pe.mcp_max + pe.hyper * (1.0 - cc[:, f])
        p2 = np.maximum(np.maximum(curl[:, f], hook[:, f]) * pe.pip_max, -0.08)
        p3 = p2 * pe.dip_ratio
        j = 5 + 4 * f
        out[:, j] = pos = mcp
        for seg, ang in enumerate((p1, p1 + p2, p1 + p2 + p3)):
            pos = pos + pe.phal[f, seg] * (np.cos(ang)[:, None] * u0 + np.sin(ang)[:, None] * m)
            out[:, j + 1 + seg] = pos
    tc, to, ts = s[:, _TC], np.clip(s[:, _TO], 0.0, 1.0), np.clip(s[:, _TS], 0.0, 1.0)
    az, el = np.radians(28 + 32 * ts - 30 * to), np.radians(12 + 40 * to + 8 * ts)
    um = np.stack([np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)], -1)
    w0 = np.stack([-np.ones(T), np.full(T, 0.05), 0.5 + 0.6 * to], -1)
    w = w0 - np.sum(w0 * um, -1, keepdims=True) * um
    w /= np.linalg.norm(w, axis=-1, keepdims=True)
    ctc = np.clip(tc, 0.0, 1.0)
    pm = (tc * math.radians(50) + 0.3 * pe.thumb_hyper * (1 - ctc))[:, None]
    pi = (tc * math.radians(80) + pe.thumb_hyper * (1 - ctc))[:, None]
    out[:, 1] = pe.cmc[None] + cup[:, None] * np.array([-0.01, 0.0, 0.02])
    out[:, 2] = out[:, 1] + pe.thumb[0] * um
    out[:, 3] = out[:, 2] + pe.thumb[1] * (np.cos(pm) * um + np.sin(pm) * w)
    out[:, 4] = out[:, 3] + pe.thumb[2] * (np.cos(pm + pi) * um + np.sin(pm + pi) * w)
    out[..., 0] *= pe.c
    return out


# ------------------------------------------------------------------------------------------------ motion tracks
class _Track:
    """A vector-valued trajectory: quintic Hermite through knots (value, velocity, zero acceleration)."""

    def __init__(self, t: float, value, quat: slice | None = None):
        v = np.asarray(value, float)
        self.ts, self.vs, self.ds, self.q = [float(t)], [v.copy()], [np.zeros_like(v)], quat

    @property
    def end(self) -> float:
        return self.ts[-1]

    @property
    def value(self) -> np.ndarray:
        return self.vs[-1].copy()

    def snapshot(self):
        return len(self.ts), self.ts[-1], self.vs[-1].copy(), self.ds[-1].copy()

    def restore(self, snap) -> None:
        n, t, v, d = snap
        del self.ts[n:], self.vs[n:], self.ds[n:]
        self.ts[-1], self.vs[-1], self.ds[-1] = t, v.copy(), d.copy()

    def _push(self, t: float, v, d) -> None:
        v, d = np.array(v, float), np.array(d, float)
        if self.q is not None and float(np.dot(v[self.q], self.vs[-1][self.q])) < 0:
            v[self.q] *= -1
            d[self.q] *= -1
        if t <= self.ts[-1] + 1e-6:
            self.vs[-1], self.ds[-1] = v, d
        else:
            self.ts.append(float(t))
            self.vs.append(v)
            self.ds.append(d)

    def hold(self, t: float) -> None:
        if t > self.ts[-1] + 1e-6:
            self._push(t, self.vs[-1], np.zeros_like(self.vs[-1]))

    def follow(self, t0: float, t1: float, fn, rate: float = 20.0) -> None:
        """Knots sampled from fn(t) on [t0, t1] (fn must start where the track is, at rest, and end at rest)."""
        t0 = max(t0, self.end)
        self.hold(t0)
        if t1 <= t0 + 1e-3:
            t1 = t0 + 0.02
        n = max(2, int(math.ceil((t1 - t0) * rate)))
        dt = (t1 - t0) / n
        ts = t0 + dt * np.arange(-1, n + 2)
        vs = [np.asarray(fn(t), float) for t in ts]
        for k in range(2, n + 2):
            d = (vs[k + 1] - vs[k - 1]) / (2 * dt) if k < n + 1 else np.zeros_like(vs[k])
            self._push(ts[k], vs[k], d)

    def eval(self, times: np.ndarray) -> np.ndarray:
        tk, vk, dk = np.asarray(self.ts), np.stack(self.vs), np.stack(self.ds)
        if len(tk) == 1:
            return np.repeat(vk[:1], len(times), 0)
        i = np.clip(np.searchsorted(tk, times, "right") - 1, 0, len(tk) - 2)
        h = tk[i + 1] - tk[i]
        u = np.clip((times - tk[i]) / h, 0.0, 1.0)
        u3 = u * u * u
        u4, u5 = u3 * u, u3 * u * u
        h0, h1 = 1 - 10 * u3 + 15 * u4 - 6 * u5, u - 6 * u3 + 8 * u4 - 3 * u5
        h4, h5 = -4 * u3 + 7 * u4 - 3 * u5, 10 * u3 - 15 * u4 + 6 * u5
        return h0[:, None] * vk[i] + (h1 * h)[:, None] * dk[i] + (h4 * h)[:, None] * dk[i + 1] + h5[:, None] * vk[i + 1]


# ------------------------------------------------------------------------------------------------ camera
_CAMERAS = {
    # weight, frame sizes, long-side field of view (deg), subject distance (m), chest height in the image, fps weights,
    # chance of a mirrored image, rolling-shutter readout (s), barrel k1, roll sd (deg), pitch (deg), hand-held chance
    "laptop": (0.24, [(640, 480), (1280, 720), (960, 540)], (58, 78), (0.45, 0.95), (0.75, 1.1), {15: 0.2, 24: 0.1, 30: 0.7}, 0.5,
               (0.015, 0.033), (-0.06, 0.0), 2.0, (-4, 10), 0.0),
    "desk": (0.14, [(1280, 720), (1920, 1080), (640, 480), (800, 600)], (60, 82), (0.6, 1.7), (0.6, 0.95), {30: 0.6, 60: 0.25, 25: 0.15},
             0.4, (0.01, 0.03), (-0.08, 0.0), 3.0, (-8, 8), 0.0),
    "phone_portrait": (0.2, [(720, 1280), (1080, 1920), (1080, 2340), (480, 640)], (64, 80), (0.45, 2.0), (0.45, 0.75),
                       {30: 0.6, 60: 0.2, 24: 0.1, 20: 0.1}, 0.3, (0.012, 0.03), (-0.04, 0.02), 5.0, (-10, 10), 0.5),
    "phone_landscape": (0.12, [(1920, 1080), (1280, 720), (2340, 1080), (640, 360)], (64, 80), (0.6, 2.5), (0.5, 0.85),
                        {30: 0.6, 60: 0.25, 24: 0.15}, 0.2, (0.012, 0.03), (-0.04, 0.02), 4.0, (-8, 8), 0.4),
    "robot": (0.3, [(640, 480), (848, 480), (1280, 720), (424, 240), (320, 240)], (68, 95), (0.8, 3.0), (0.35, 0.75),
              {10: 0.2, 15: 0.3, 30: 0.4, 60: 0.1}, 0.05, (0.0, 0.03), (-0.14, -0.02), 2.0, (-20, -4), 0.0),
}  # fmt: skip


@dataclass
class _Camera:
    kind: str
    W: int
    H: int
    f: float
    cx: float
    cy: float
    k1: float
    Rc: np.ndarray  # world to camera
    fps: float
    mirrored: bool
    readout: float
    exposure: float
    shake: np.ndarray  # (3, 2, 3): amplitude (rad), frequency (Hz), phase per axis and component
    D: float
    chest_img: tuple[float, float]

    def rc_at(self, times: np.ndarray) -> np.ndarray:
        a, f, p = self.shake
        rv = np.sum(a[None] * np.sin(2 * np.pi * f[None] * times[:, None, None] + p[None]), axis=1)
        return _rotvecs(rv) @ self.Rc

    def project(self, X: np.ndarray, Rc: np.ndarray) -> np.ndarray:
        """World points (T, N, 3) to normalised image coordinates, z relative to point 0 in the x scale."""
        Xc = X @ Rc.T if Rc.ndim == 2 else np.einsum("tij,tnj->tni", Rc, X)
        Z = np.maximum(Xc[..., 2], 0.03)
        x, y = Xc[..., 0] / Z, Xc[..., 1] / Z
        r2 = x * x + y * y
        g = 1.0 + self.k1 * np.minimum(r2, 1.2)
        u, v = self.f * x * g + self.cx, self.f * y * g + self.cy
        zr = (Z - Z[..., :1]) * self.f / (Z[..., :1] * self.W)
        return np.stack([u / self.W, v / self.H, zr], -1)

    def unproject(self, xn: float, yn: float, depth: float) -> np.ndarray:
        x, y = (xn * self.W - self.cx) / self.f, (yn * self.H - self.cy) / self.f
        return self.Rc.T @ np.array([x * depth, y * depth, depth])


def _camera(rng: np.random.Generator) -> _Camera:
    kinds = list(_CAMERAS)
    kind = kinds[int(rng.choice(len(kinds), p=np.array([_CAMERAS[k][0] for k in kinds]) / sum(_CAMERAS[k][0] for k in kinds)))]
    _, sizes, fov, dist, chest_y, fpss, p_mirror, ro, k1, roll_sd, pitch, p_hand = _CAMERAS[kind]
    W, H = sizes[int(rng.integers(len(sizes)))]
    f = (max(W, H) / 2) / math.tan(math.radians(rng.uniform(*fov)) / 2)
    fps = float(_pick(rng, fpss))
    rc = _rot(_RIGHT, math.radians(rng.uniform(*pitch))) @ _rot(_AWAY, math.radians(np.clip(rng.normal(0, roll_sd), -12, 12)))
    shake = np.zeros((3, 2, 3))
    if rng.random() < p_hand:
        shake[0] = np.radians(rng.uniform(0.05, 0.35, (2, 3)))
        shake[1] = rng.uniform(0.3, 4.0, (2, 3))
        shake[2] = rng.uniform(0, 2 * np.pi, (2, 3))
    readout = 0.0 if (kind == "robot" and rng.random() < 0.35) else float(rng.uniform(*ro))
    return _Camera(
        kind=kind,
        W=int(W),
        H=int(H),
        f=float(f),
        cx=W / 2 + rng.normal(0, 0.01 * W),
        cy=H / 2 + rng.normal(0, 0.01 * H),
        k1=float(rng.uniform(*k1)),
        Rc=rc,
        fps=fps,
        mirrored=bool(rng.random() < p_mirror),
        readout=readout,
        exposure=float(rng.uniform(0.25, 0.95) / fps),
        shake=shake,
        D=float(rng.uniform(*dist)),
        chest_img=(float(rng.uniform(0.3, 0.7)), float(rng.uniform(*chest_y))),
    )


# ------------------------------------------------------------------------------------------------ the scene
class _Scene:
    """One person in front of one camera: the wrist/orientation track, the hand-shape track and the labels."""

    def __init__(self, rng: np.random.Generator):
        self.cam = _camera(rng)
        self.pe = pe = _person(rng, self.cam.mirrored)
        cam = self.cam
        cam.D = float(min(cam.D, cam.f * pe.L / rng.uniform(30.0, 45.0)))  # nobody films hands smaller than this
        cam.D = max(cam.D, self.near_limit() + 0.15)
        self.chest = cam.unproject(cam.chest_img[0], cam.chest_img[1], cam.D)
        self.S = self.chest + pe.body * np.array([-pe.c * 0.17, -0.14, -0.02])  # the gesturing shoulder
        self.mir = np.array([pe.c, 1.0, 1.0])
        amp = pe.drift_mm * 1e-3
        self.nz = {
            "df": rng.uniform(0.07, 0.6, (3, 3)),
            "da": amp * rng.uniform(0.2, 1.0, (3, 3)) / 1.7,
            "dp": rng.uniform(0, 2 * np.pi, (3, 3)),
            "tf": rng.uniform(7.5, 12.0, 2),
            "ta": pe.tremor_mm * 1e-3,
            "tax": np.stack([_unit(rng.normal(size=3)) for _ in range(2)]),
            "tp": rng.uniform(0, 2 * np.pi, 2),
            "tm": rng.uniform(0.1, 0.5),
            "rf": rng.uniform(0.1, 0.8, (3, 2)),
            "ra": math.radians(rng.uniform(0.3, 2.0)) * rng.uniform(0.3, 1.0, (3, 2)) / 1.4,
            "rp": rng.uniform(0, 2 * np.pi, (3, 2)),
            "cf": rng.uniform(0.2, 1.2, 4),
            "ca": rng.uniform(0.01, 0.04),
            "cp": rng.uniform(0, 2 * np.pi, 4),
        }
        self.arm: _Track | None = None
        self.shp: _Track | None = None

    # ---- state
    def start(self, w, r, shape) -> None:
        self.arm = _Track(0.0, np.concatenate([w, _quat(r)]), quat=slice(3, 7))
        self.shp = _Track(0.0, shape)

    def now(self) -> float:
        t = max(self.arm.end, self.shp.end)
        self.arm.hold(t)
        self.shp.hold(t)
        return t

    def pose(self) -> tuple[np.ndarray, np.ndarray]:
        a = self.arm.value
        return a[:3], _qmat(a[None, 3:])[0]

    def snapshot(self):
        return self.arm.snapshot(), self.shp.snapshot()

    def restore(self, snap) -> None:
        self.arm.restore(snap[0])
        self.shp.restore(snap[1])

    def state(self, times: np.ndarray, noise: bool = True):
        a, s = self.arm.eval(times), self.shp.eval(times)
        w, r = a[:, :3], _qmat(a[:, 3:])
        if noise:
            nz, t = self.nz, times
            w = w + np.sum(nz["da"][None] * np.sin(2 * np.pi * nz["df"][None] * t[:, None, None] + nz["dp"][None]), -1)
            env = 0.7 + 0.3 * np.sin(2 * np.pi * nz["tm"] * t)
            trem = np.sin(2 * np.pi * nz["tf"][None] * t[:, None] + nz["tp"][None]) * env[:, None]
            w = w + nz["ta"] * trem @ nz["tax"]
            rv = np.sum(nz["ra"][None] * np.sin(2 * np.pi * nz["rf"][None] * t[:, None, None] + nz["rp"][None]), -1)
            r = _rotvecs(rv) @ r
            s = s.copy()
            s[:, 0:4] += nz["ca"] * np.sin(2 * np.pi * nz["cf"][None] * t[:, None] + nz["cp"][None])
        return w, r, s

    def world(self, w: np.ndarray, r: np.ndarray, s: np.ndarray) -> np.ndarray:
        return w[:, None, :] + self.pe.L * np.einsum("tij,tnj->tni", r, _fk(self.pe, s))

    def render(self, times: np.ndarray, noise: bool = True, shake: bool = True, shape: np.ndarray | None = None):
        w, r, s = self.state(times, noise)
        s_used = s if shape is None else np.broadcast_to(shape, s.shape).copy()
        Rc = self.cam.rc_at(times) if shake else self.cam.Rc
        return self.cam.project(self.world(w, r, s_used), Rc), (w, r, s)

    def centers(self, times: np.ndarray, noise: bool = True, shake: bool = True) -> np.ndarray:
        w, r, _ = self.state(times, noise)
        cen = w + self.pe.L * (r @ (_PALM_C * self.mir))
        Rc = self.cam.rc_at(times) if shake else self.cam.Rc
        return self.cam.project(cen[:, None, :], Rc)[:, 0, :2]

    def pose_view(self, w, r, local: np.ndarray) -> tuple[np.ndarray, float]:
        """Image landmarks (21, 3) and the nearest landmark's camera depth for a pose with precomputed hand-frame points."""
        X = w + self.pe.L * local @ r.T
        return self.cam.project(X[None], self.cam.Rc)[0], float((X @ self.cam.Rc.T)[:, 2].min())

    # ---- planning helpers
    def center_of(self, w, r) -> np.ndarray:
        return w + self.pe.L * (r @ (_PALM_C * self.mir))

    def wrist_for(self, center, r) -> np.ndarray:
        return center - self.pe.L * (r @ (_PALM_C * self.mir))

    def depth(self, p) -> float:
        return float((self.cam.Rc @ p)[2])

    def img(self, p) -> np.ndarray:
        return self.cam.project(np.asarray(p, float)[None, None], self.cam.Rc)[0, 0, :2]

    def shift(self, p, dx: float, dy: float) -> np.ndarray:
        xc = self.cam.Rc @ p
        xc[0] += dx * self.cam.W * xc[2] / self.cam.f
        xc[1] += dy * self.cam.H * xc[2] / self.cam.f
        return self.cam.Rc.T @ xc

    def set_depth(self, p, z: float) -> np.ndarray:
        """Move a point along its line of sight to camera depth z (keeps its place in the image)."""
        xc = self.cam.Rc @ p
        return self.cam.Rc.T @ (xc * (z / max(xc[2], 1e-3)))

    def near_limit(self) -> float:
        """How close to the camera a gesturing hand comes: never so close that it fills half the frame."""
        cam = self.cam
        return max(0.3, 0.5 * cam.D, cam.f * self.pe.L / (0.45 * min(cam.W, cam.H)))

    def clamp_depth(self, p) -> np.ndarray:
        z = self.depth(p)
        return self.set_depth(p, min(max(z, self.near_limit()), self.cam.D + 0.1))

    def fit(self, w, r, s, margin: float, r2=None) -> np.ndarray:
        """Shift (and if need be push back) a pose so that its landmarks lie inside the frame with this margin.

        s may be a list of hand shapes (and r2 a second orientation) that the pose must fit in all of.
        """
        avail = 1.0 - 2.0 * margin
        local = _fk(self.pe, np.atleast_2d(np.asarray(s, float))).reshape(-1, 3)
        rs = [r] if r2 is None else [r, r2]
        for _ in range(8):
            c0 = self.center_of(w, r)
            views = [self.pose_view(w, rr, local) for rr in rs]
            P, zmin = np.concatenate([v for v, _ in views]), min(z for _, z in views)
            if zmin < 0.12:
                w = w + self.set_depth(c0, self.depth(c0) * 1.2) - c0
                continue
            lo, hi = P[:, :2].min(0), P[:, :2].max(0)
            size = float((hi - lo).max())
            if size > 0.9 * avail and self.depth(c0) < self.cam.D:
                z = min(self.depth(c0) * size / (0.8 * avail), self.cam.D)
                w = w + self.set_depth(c0, z) - c0
                continue
            d = np.where(lo < margin, margin - lo, np.where(hi > 1 - margin, 1 - margin - hi, 0.0))
            if not np.any(np.abs(d) > 1e-4):
                break
            d = np.clip(d, -0.6, 0.6)
            w = self.shift(w, float(d[0]), float(d[1]))
        return w

    def visible(self, w, r) -> bool:
        p = self.img(self.center_of(w, r))
        return bool(np.all((p > 0.0) & (p < 1.0)))

    def first_visible(self, t0: float, t1: float) -> float:
        if t1 <= t0:
            return t0
        ts = np.arange(t0, t1, 1.0 / 60.0)
        p = self.centers(ts, noise=False, shake=False)
        ok = np.flatnonzero(np.all((p > 0.01) & (p < 0.99), axis=1))
        return float(ts[ok[0]]) if len(ok) else t1

    def mt(self, dist: float) -> float:
        """Fitts' law movement time for a transport of dist metres (target tolerance 4 cm)."""
        pe = self.pe
        return pe.tempo * (pe.fitts_a + pe.fitts_b * math.log2(1.0 + max(dist, 0.0) / 0.02))

    def move(self, t0: float, dur: float, w1, r1, skew: float | None = None) -> float:
        t0 = max(t0, self.arm.end)
        w0, r0 = self.pose()
        q0, q1 = _quat(r0), _quat(r1)
        sk = self.pe.skew if skew is None else skew
        w1 = np.asarray(w1, float)

        def fn(t):
            s = float(_mj((t - t0) / dur, sk))
            return np.concatenate([w0 + (w1 - w0) * s, _slerp(q0, q1, s)])

        self.arm.follow(t0, t0 + dur, fn)
        return t0 + dur

    def move_path(self, t0: float, dur: float, path, skew: float | None = None) -> float:
        """Transport along path(s) -> (wrist, R), s in [0, 1] advancing with minimum-jerk timing."""
        t0 = max(t0, self.arm.end)
        sk = self.pe.skew if skew is None else skew
        qref = _quat(self.pose()[1])

        def fn(t):
            w, r = path(float(_mj((t - t0) / dur, sk)))
            q = _quat(r)
            return np.concatenate([w, q if np.dot(q, qref) >= 0 else -q])

        self.arm.follow(t0, t0 + dur, fn)
        return t0 + dur

    def arm_fn(self, t0: float, t1: float, fn) -> None:
        qref = _quat(self.pose()[1])

        def g(t):
            w, r = fn(t)
            q = _quat(r)
            return np.concatenate([w, q if np.dot(q, qref) >= 0 else -q])

        self.arm.follow(t0, t1, g)

    def shape_to(self, t0: float, dur: float, target, skew: float = 0.0) -> float:
        t0 = max(t0, self.shp.end)
        s0, target = self.shp.value, np.asarray(target, float)
        self.shp.follow(t0, t0 + dur, lambda t: s0 + (target - s0) * float(_mj((t - t0) / dur, skew)))
        return t0 + dur


# ------------------------------------------------------------------------------------------------ hand shapes
def _relaxed(pe: _Person, rng: np.random.Generator, curl: float | None = None) -> np.ndarray:
    base = pe.rest_curl if curl is None else curl
    c = base + np.array([0.0, 0.04, 0.08, 0.12]) + rng.normal(0, 0.04, 4)
    return _shape(c, spread=rng.uniform(0.1, 0.4), thumb=(0.25 + rng.normal(0, 0.05), 0.3, 0.3), cup=0.2)


def _open(pe: _Person, rng: np.random.Generator, spread: float, sloppy: float = 0.0) -> np.ndarray:
    c = rng.uniform(-0.08, 0.08, 4) + sloppy * rng.uniform(0, 0.15, 4) + pe.hyper * 0.2
    thumb = (rng.uniform(0.0, 0.15), rng.uniform(0.0, 0.15), float(np.clip(spread + rng.normal(0, 0.2), 0, 1)))
    return _shape(c, spread=np.clip(spread + rng.normal(0, 0.08, 4), -0.15, 1.0), thumb=thumb, cup=0.0)


# ------------------------------------------------------------------------------------------------ gestures
def _prep(sc: _Scene, rng: np.random.Generator, t0: float, w1, r1, squeeze: float) -> tuple[float, bool]:
    """The preparation: a Fitts-timed transport to the gesture's pose, sometimes stopping half way to hesitate."""
    w0, r0 = sc.pose()
    dist = float(np.linalg.norm(sc.center_of(w1, r1) - sc.center_of(w0, r0)))
    dur = max(0.28, sc.mt(dist) * rng.uniform(0.9, 1.25) * squeeze)
    if rng.random() < 0.06 + 0.12 * (1.0 - sc.pe.tidy):
        fr = rng.uniform(0.35, 0.65)
        t = sc.move(t0, dur * fr * 1.1, w0 + (w1 - w0) * fr, _slerp_r(r0, r1, 0.8 * fr))
        return sc.move(t + rng.uniform(0.12, 0.45) * squeeze, dur * (1 - fr) * 1.1, w1, r1), True
    return sc.move(t0, dur, w1, r1), False


def _g_point(sc: _Scene, rng: np.random.Generator, label: str, extra: float, squeeze: float) -> dict:
    pe, c = sc.pe, sc.pe.c
    t0 = sc.now()
    w0, r0 = sc.pose()
    variant = _pick(rng, {"arm": 0.42, "reach": 0.25, "jab": 0.13, "wrist": 0.2})
    a = (float(rng.choice([0.0, 180.0])) + rng.normal(0, 22)) if rng.random() < 0.6 else rng.uniform(0, 360)
    u = rng.random()
    phi = rng.uniform(0, 25) if u < 0.7 else (rng.uniform(25, 42) if u < 0.9 else rng.uniform(42, 55))
    ar, pr = math.radians(a), math.radians(phi)
    d3 = np.array([math.cos(ar) * math.cos(pr), -math.sin(ar) * math.cos(pr), -math.sin(pr)])
    vert = abs(math.sin(ar)) * math.cos(pr)
    side = c * _RIGHT
    n_v = rng.uniform(0, 1) * _TOWARD + rng.uniform(0.3, 1) * side if d3[1] < 0 else rng.uniform(0.3, 1) * _AWAY + rng.uniform(0, 1) * side
    n_pref = (1 - vert) * (_DOWN + rng.uniform(-0.4, 0.4) * _TOWARD) + vert * n_v + rng.normal(0, 0.15, 3)
    r1 = _frame(d3, n_pref) @ _rot(_AWAY, c * pe.fan[0] * rng.uniform(0.6, 1.0))  # aim the index, not the hand's axis
    sloppy = 1.0 - pe.tidy
    thumb = _pick(rng, {"tuck": 0.55, "gun": 0.2, "side": 0.25})
    th = {"tuck": (rng.uniform(0.45, 0.7), rng.uniform(0.6, 0.85), 0.1), "side": (0.3, 0.3, 0.35)}
    th["gun"] = (rng.uniform(0, 0.1), 0.0, rng.uniform(0.8, 1.0))
    th = th[thumb]
    curls = [
        rng.uniform(-0.08, 0.05) + sloppy * rng.uniform(0, 0.15),
        rng.uniform(0.75, 1.0) - sloppy * rng.uniform(0, 0.35),
        rng.uniform(0.8, 1.02) - sloppy * rng.uniform(0, 0.2),
        rng.uniform(0.8, 1.05) - sloppy * rng.uniform(0, 0.15),
    ]
    sh = _shape(curls, spread=(rng.uniform(0, 0.2), 0.0, 0.0, 0.0), thumb=th, cup=rng.uniform(0.3, 0.6))
    if variant == "wrist" and sc.visible(w0, r0):
        center = sc.center_of(w0, r0) + rng.normal(0, 0.03, 3)
    else:
        variant = "arm" if variant == "wrist" else variant
        reach = rng.uniform(0.15, 0.4) * pe.body
        center = sc.S + np.array([0.2 * math.cos(ar) + c * rng.uniform(0, 0.12), -0.15 * math.sin(ar) + rng.uniform(0, 0.2), -reach])
    center = sc.clamp_depth(center)
    edge = rng.random() < 0.12
    margin = rng.uniform(0.02, 0.06)
    if edge:
        center = sc.set_depth(sc.cam.unproject(0.5 + 0.42 * math.cos(ar), 0.5 - 0.42 * math.sin(ar), sc.depth(center)), sc.depth(center))
        margin = rng.uniform(-0.07, 0.0)
    w1 = sc.fit(sc.wrist_for(center, r1), r1, sh, margin)
    arrive, hesitated = _prep(sc, rng, t0, w1, r1, squeeze)
    variant += "+hesitate" if hesitated else ""
    sc.shape_to(t0 + rng.uniform(0, 0.3) * (arrive - t0), (arrive - t0) * rng.uniform(0.45, 0.7), sh)
    hold = (rng.uniform(0.3, 1.3) * pe.tempo) * squeeze + extra
    if variant.startswith("reach"):
        sc.move(arrive, hold, w1 + d3 * rng.uniform(0.02, 0.06), r1, skew=-0.2)
    elif variant.startswith("jab"):
        t = arrive + rng.uniform(0.08, 0.25)
        for _ in range(int(rng.integers(1, 3))):
            out, back = rng.uniform(0.09, 0.15), rng.uniform(0.12, 0.2)
            if t + out + back > arrive + hold:
                break
            sc.move(t, out, w1 + d3 * rng.uniform(0.02, 0.045), r1, skew=0.3)
            t = sc.move(t + out, back, w1, r1)
    sc.arm.hold(arrive + hold)
    sc.shp.hold(arrive + hold)
    return {
        "t0": t0,
        "t_stroke": arrive,
        "t1": arrive + hold,
        "hold": (arrive + 0.04, arrive + hold),
        "variant": f"{variant}/{thumb}/aim{a % 360:.0f}/{phi:.0f}",
    }


def _g_swipe(sc: _Scene, rng: np.random.Generator, label: str, extra: float, squeeze: float) -> dict:
    pe, c = sc.pe, sc.pe.c
    t0 = sc.now()
    w0, r0 = sc.pose()
    e = np.array([*SWIPES[label], 0.0])
    horiz = e[0] != 0
    if horiz:
        style = _pick(rng, {"face": 0.33, "blade": 0.22, "back": 0.1, "relaxed": 0.27, "fist": 0.08})
    else:
        style = _pick(rng, {"face": 0.3, "palm": 0.35, "relaxed": 0.25, "blade": 0.1})
    mech = _pick(rng, {"arm": 0.4, "elbow": 0.4, "wrist": 0.2})
    side = c * _RIGHT
    if style in ("face", "relaxed", "fist"):
        d = _UP + rng.uniform(-0.3, 0.4) * side + rng.uniform(0, 0.5) * _TOWARD
        n = _TOWARD + rng.normal(0, 0.2, 3)
    elif style == "blade":
        d = (_UP * rng.uniform(0.6, 1) + _TOWARD * rng.uniform(0, 0.8)) if horiz else (_TOWARD + _UP * rng.uniform(0, 0.4))
        n = e if horiz else side
    elif style == "back":
        d, n = _UP + _TOWARD * rng.uniform(0, 0.5), -e
    else:  # palm up to lift, palm down to press
        n = (_UP if e[1] < 0 else _DOWN) + _TOWARD * rng.uniform(0, 0.5)
        d = _TOWARD + side * rng.uniform(-0.2, 0.6) + _UP * rng.uniform(0, 0.3)
    r_mid = _wobble(_frame(d, n), 18 if style in ("relaxed", "fist") else 8, rng)
    sloppy = 1.0 - pe.tidy
    if style == "relaxed":
        sh = _relaxed(pe, rng, rng.uniform(0.2, 0.45))
    elif style == "fist":
        sh = _shape(rng.uniform(0.65, 0.9, 4), spread=0.0, thumb=(0.55, 0.7, 0.1), cup=0.5)
    else:
        sh = _open(pe, rng, rng.uniform(0.0, 0.45), sloppy)
    if mech == "wrist":
        r_piv, theta, trans = float(np.linalg.norm(_PALM_C)) * pe.L, math.radians(rng.uniform(45, 80)), rng.uniform(0.02, 0.07)
    elif mech == "elbow":
        r_piv = rng.uniform(0.24, 0.33) * pe.body
        theta, trans = rng.uniform(0.2, 0.5) / r_piv, 0.0
    else:
        r_piv, theta, trans = 0.0, 0.0, 0.0
    A = rng.uniform(0.2, 0.5)
    rep = 1 if rng.random() < 0.82 else int(rng.integers(2, 4))
    if rep > 1:
        k = rng.uniform(0.8, 1.0) if mech == "wrist" else rng.uniform(0.45, 0.75)
        A, theta, trans = A * k, theta * k, trans * k
    u = r_mid[:, 1] - e * float(np.dot(r_mid[:, 1], e))
    if np.linalg.norm(u) < 0.35:
        u = _UP if horiz else side
    u = _unit(u)
    axis = _unit(np.cross(u, e))
    bow, zb = rng.normal(0, 0.12) * A, rng.uniform(0, 0.08)
    perp = _unit(np.cross(e, _AWAY))
    tw = math.radians(rng.normal(0, 10))
    ra, rb = _rot(_AWAY, -tw / 2) @ r_mid, _rot(_AWAY, tw / 2) @ r_mid

    def make_path(cm, scale):
        A_, th_, tr_ = A * scale, theta * scale, trans * scale
        if th_ > 0:
            piv = cm - u * r_piv

            def path(s):
                q = _rot(axis, (s - 0.5) * th_)
                r = q @ r_mid
                return sc.wrist_for(piv + q @ (cm - piv) + e * tr_ * (s - 0.5), r), r
        else:

            def path(s):
                r = _slerp_r(ra, rb, min(max(s, 0.0), 1.0))
                cen = cm + e * A_ * (s - 0.5) + (perp * bow * scale + _TOWARD * zb) * math.sin(math.pi * s)
                return sc.wrist_for(cen, r), r

        return path

    cm = sc.clamp_depth(
        sc.S + pe.body * np.array([c * rng.uniform(0.0, 0.22), rng.uniform(-0.08, 0.22), 0.0]) + _TOWARD * rng.uniform(0.15, 0.4)
    )
    edge = rng.random() < 0.12
    margin = rng.uniform(-0.08, -0.02) if edge else rng.uniform(0.02, 0.06)
    avail = 1 - 2 * margin
    scale = 1.0
    local = _fk(pe, sh[None])[0]
    s_a = -rng.uniform(0.08, 0.2) if rng.random() < 0.3 else 0.0  # wind-up: cocked back before the stroke
    for _ in range(14):
        path = make_path(cm, scale)
        views = [sc.pose_view(*path(s), local) for s in (s_a, 0.5, 1.0)]
        if min(z for _, z in views) < 0.12:
            cm = sc.set_depth(cm, sc.depth(cm) * 1.2)
            continue
        P = np.concatenate([v[:, :2] for v, _ in views])
        lo, hi = P.min(0), P.max(0)
        span = hi - lo
        if np.any(span > avail):
            one = P[21:42]
            hand = one.max(0) - one.min(0)
            if float(hand.max()) > 0.3 and sc.depth(cm) < sc.cam.D:
                cm = sc.set_depth(cm, min(sc.depth(cm) * 1.25, sc.cam.D))
            elif np.all(avail - hand > 0.1):
                scale *= float(np.min(np.maximum(avail - hand, 0.1) / np.maximum(span - hand, 1e-3))) * 0.97
                scale = min(scale, 1.0)
            else:  # too close to fit: let the stroke run out of the frame, centred
                dd = 0.5 - (lo + hi) / 2
                cm = sc.shift(cm, float(np.clip(dd[0], -0.6, 0.6)), float(np.clip(dd[1], -0.6, 0.6)))
            continue
        dd = np.where(lo < margin, margin - lo, np.where(hi > 1 - margin, 1 - margin - hi, 0.0))
        if not np.any(np.abs(dd) > 1e-4):
            break
        dd = np.clip(dd, -0.6, 0.6)
        cm = sc.shift(cm, float(dd[0]), float(dd[1]))
    if not np.all((sc.img(cm) > 0.05) & (sc.img(cm) < 0.95)):
        cm = sc.set_depth(sc.cam.unproject(0.5, 0.5, sc.depth(cm)), sc.depth(cm))
    path = make_path(cm, scale)
    wa, ra_ = path(s_a)
    dist = float(np.linalg.norm(sc.center_of(wa, ra_) - sc.center_of(w0, r0)))
    prep = max(0.25, sc.mt(dist) * rng.uniform(0.85, 1.2) * squeeze)
    t = sc.move(t0, prep, wa, ra_)
    sc.shape_to(t0 + rng.uniform(0, 0.2) * prep, prep * rng.uniform(0.5, 0.75), sh)
    if rng.random() < 0.3:
        t += rng.uniform(0.05, 0.3) * squeeze
    t += extra
    stroke = max(0.14, pe.tempo * rng.uniform(0.2, 0.45) * (A * scale / 0.35) ** 0.35 * squeeze)
    t_stroke = t
    stroke_start = t
    for k in range(rep):
        sa = s_a
        t = sc.move_path(t, stroke, lambda s, sa=sa: path(sa + (1 - sa) * s), skew=rng.uniform(0.0, 0.4))
        if k < rep - 1:
            s_r = rng.uniform(0.0, 0.2)
            t = sc.move_path(t, stroke * rng.uniform(1.3, 2.2), lambda s, s_r=s_r: path(1 - (1 - s_r) * s), skew=-0.1)
            s_a = s_r
            stroke_start = t
    if rng.random() < 0.35:
        t += rng.uniform(0.05, 0.25)
    sc.arm.hold(t)
    sc.shp.hold(t)
    v = f"{style}/{mech}" + (f"/x{rep}" if rep > 1 else "") + ("/windup" if s_a < 0 else "") + ("/edge" if edge else "")
    return {"t0": t0, "t_stroke": t_stroke, "t1": t, "hold": None, "stroke": (stroke_start, stroke_start + stroke), "variant": v}


def _g_grab(sc: _Scene, rng: np.random.Generator, label: str, extra: float, squeeze: float) -> dict:
    pe, c = sc.pe, sc.pe.c
    t0 = sc.now()
    side = c * _RIGHT
    style = _pick(rng, {"face": 0.4, "reach": 0.25, "claw": 0.2, "side": 0.15})
    if style == "face":
        d, n = _UP + _TOWARD * rng.uniform(0, 0.6) + side * rng.uniform(-0.2, 0.4), _TOWARD + _DOWN * rng.uniform(0, 0.3)
    elif style == "reach":
        d, n = _TOWARD + _UP * rng.uniform(0.2, 0.8), _DOWN + _TOWARD * rng.uniform(0.2, 0.8)
    elif style == "claw":
        d, n = _TOWARD + side * rng.uniform(-0.2, 0.5), _DOWN
    else:
        d, n = _TOWARD * rng.uniform(0.5, 1) + _UP * rng.uniform(0.3, 0.9), side
    r1 = _wobble(_frame(d, n), 10, rng)
    op = _open(pe, rng, rng.uniform(0.3, 1.0), 1 - pe.tidy)
    op[_TS] = rng.uniform(0.5, 1.0)
    loose = rng.random() < 0.25
    fist = _shape(
        rng.uniform(0.72, 1.0, 4) + np.array([0.0, 0.02, 0.04, 0.07]) - (0.15 if loose else 0.0),
        spread=0.0,
        thumb=(rng.uniform(0.45, 0.8), rng.uniform(0.5, 0.9), rng.uniform(0.05, 0.2)),
        cup=rng.uniform(0.4, 0.8),
    )
    center = sc.clamp_depth(
        sc.S + pe.body * np.array([c * rng.uniform(-0.05, 0.25), rng.uniform(-0.15, 0.2), 0.0]) + _TOWARD * rng.uniform(0.2, 0.42)
    )
    w1 = sc.fit(sc.wrist_for(center, r1), r1, [op, fist], rng.uniform(0.02, 0.06))
    t, hesitated = _prep(sc, rng, t0, w1, r1, squeeze)
    prep = t - t0
    sc.shape_to(t0 + rng.uniform(0, 0.25) * prep, prep * rng.uniform(0.45, 0.7), op)
    if rng.random() < 0.55:
        t += rng.uniform(0.1, 0.5) * squeeze
    t += extra
    fast = rng.random() < 0.5
    close = (rng.uniform(0.12, 0.3) if fast else rng.uniform(0.35, 0.9)) * squeeze * pe.tempo
    order = _pick(rng, {"together": 0.4, "little_first": 0.35, "index_first": 0.25})
    lag = {"together": np.zeros(4), "little_first": np.array([3.0, 2.0, 1.0, 0.0]), "index_first": np.array([0.0, 1.0, 2.0, 3.0])}[order]
    lag = lag * rng.uniform(0.02, 0.05) * (close / 0.4)
    offs = np.zeros(NS)
    offs[0:4] = lag
    offs[_TC] = offs[_TO] = rng.uniform(0.1, 0.5) * close
    offs[_CUPI] = lag[3]
    tc = t
    sc.shp.follow(tc, tc + close + offs.max(), lambda tt: op + (fist - op) * _mj((tt - tc - offs) / close, 0.2))
    t_closed = tc + close + offs.max()
    if style == "reach":
        sc.move(tc, close, w1 + _TOWARD * rng.uniform(0.03, 0.08), r1)
    t_end = t_closed
    if rng.random() < 0.5:  # pick it up: pull back toward the body
        back = rng.uniform(0.25, 0.5) * squeeze
        wp, _ = sc.pose()
        sc.move(
            max(t_closed - 0.05, sc.arm.end), back, wp + _AWAY * rng.uniform(0.04, 0.12) + _DOWN * rng.uniform(0, 0.06), _wobble(r1, 6, rng)
        )
        t_end = max(t_end, sc.arm.end)
    t_end += rng.uniform(0.1, 0.45) * squeeze
    sc.arm.hold(t_end)
    sc.shp.hold(t_end)
    return {
        "t0": t0,
        "t_stroke": tc,
        "t1": t_end,
        "hold": None,
        "variant": f"{style}/{'fast' if fast else 'slow'}/{order}" + ("/loose" if loose else ""),
    }


def _g_come(sc: _Scene, rng: np.random.Generator, label: str, extra: float, squeeze: float) -> dict:
    pe, c = sc.pe, sc.pe.c
    t0 = sc.now()
    side = c * _RIGHT
    style = _pick(rng, {"palm_up": 0.45, "index": 0.22, "palm_in": 0.2, "palm_down": 0.13})
    if style in ("palm_up", "index"):
        n = _UP + _TOWARD * (rng.uniform(0.4, 1.0) if style == "palm_up" else rng.uniform(0.1, 0.6))
        d = _TOWARD + _UP * rng.uniform(0, 0.5) + side * rng.uniform(-0.1, 0.5)
    elif style == "palm_in":
        n, d = _AWAY + side * rng.uniform(-0.2, 0.3), _UP + _AWAY * rng.uniform(-0.1, 0.2) + side * rng.uniform(0, 0.3)
    else:
        n, d = _DOWN + _TOWARD * rng.uniform(0, 0.3), _TOWARD + _UP * rng.uniform(0, 0.3)
    r1 = _wobble(_frame(d, n), 8, rng)
    thumb_rel = (0.2, 0.2, 0.4)
    if style == "index":
        lo = _shape([0.0, 0.85, 0.9, 0.92], thumb=(0.5, 0.7, 0.1), cup=0.4)
        hi = lo.copy()
        hi[0], hi[4] = rng.uniform(0.15, 0.35), rng.uniform(0.7, 1.0)
        flex, freq = rng.uniform(0, 8), rng.uniform(1.6, 3.0)
    else:
        lo_c, hi_c, flex = {
            "palm_up": (rng.uniform(-0.05, 0.15), rng.uniform(0.55, 0.95), rng.uniform(5, 20)),
            "palm_in": (rng.uniform(-0.05, 0.1), rng.uniform(0.3, 0.65), rng.uniform(20, 45)),
            "palm_down": (rng.uniform(0.0, 0.15), rng.uniform(0.45, 0.8), rng.uniform(15, 35)),
        }[style]
        lo = _shape(lo_c + rng.normal(0, 0.03, 4), spread=rng.uniform(0, 0.3), thumb=thumb_rel, cup=0.1)
        hi = _shape(hi_c + rng.normal(0, 0.04, 4), spread=0.1, thumb=thumb_rel, cup=0.3)
        freq = rng.uniform(1.2, 2.5)
    freq = freq / math.sqrt(pe.tempo) / squeeze
    cycles = max(2, int(round(int(rng.integers(2, 5)) * min(1.0, squeeze))))
    flex = math.radians(flex)
    center = sc.clamp_depth(
        sc.S + pe.body * np.array([c * rng.uniform(0.0, 0.22), rng.uniform(-0.1, 0.2), 0.0]) + _TOWARD * rng.uniform(0.15, 0.38)
    )
    w1 = sc.fit(sc.wrist_for(center, r1), r1, [lo, hi], rng.uniform(0.03, 0.07), r2=_rot(r1[:, 0], flex) @ r1)
    t, hesitated = _prep(sc, rng, t0, w1, r1, squeeze)
    prep = t - t0
    sc.shape_to(t0 + rng.uniform(0, 0.25) * prep, prep * rng.uniform(0.45, 0.7), lo)
    t += rng.uniform(0.0, 0.15) + extra
    tc = t
    lag = np.zeros(NS)
    lag[0:4] = np.array([0.0, 1.0, 2.0, 3.0]) * rng.uniform(0, 0.02)
    amps = rng.uniform(0.75, 1.0, cycles + 1)
    pull = rng.uniform(0.005, 0.03)

    def osc(ph):
        ph = np.clip(ph, 0.0, cycles)
        return 0.5 * (1 - np.cos(2 * np.pi * ph)) * amps[np.minimum(ph.astype(int), cycles)]

    t_end = tc + cycles / freq + float(lag.max())
    sc.shp.follow(tc, t_end, lambda tt: lo + (hi - lo) * osc(np.full(NS, (tt - tc) * freq) - lag * freq))

    def arm(tt):
        o = float(osc(np.array([(tt - tc) * freq]))[0])
        return w1 + _AWAY * pull * o, _rot(r1[:, 0], flex * o) @ r1

    sc.arm_fn(tc, tc + cycles / freq, arm)
    sc.arm.hold(t_end)
    sc.shp.hold(t_end)
    return {"t0": t0, "t_stroke": tc, "t1": t_end, "hold": None, "variant": f"{style}/x{cycles}" + ("/hesitate" if hesitated else "")}


def _g_stop(sc: _Scene, rng: np.random.Generator, label: str, extra: float, squeeze: float) -> dict:
    pe, c = sc.pe, sc.pe.c
    t0 = sc.now()
    together, pushed, high = rng.random() < 0.55, rng.random() < 0.35, rng.random() < 0.3
    d = _rot(_AWAY, math.radians(rng.uniform(-20, 20) + c * 5)) @ _UP
    r1 = _frame(d, _TOWARD)
    r1 = _rot(r1[:, 0], math.radians(rng.uniform(-15, 20))) @ r1
    r1 = _rot(r1[:, 1], math.radians(rng.uniform(-30, 30))) @ r1
    sloppy = 1 - pe.tidy
    curls = rng.uniform(-0.12, 0.06, 4) + sloppy * rng.uniform(0, 0.12, 4)
    if together:
        sh = _shape(
            curls, spread=rng.uniform(-0.15, 0.12, 4), thumb=(rng.uniform(0, 0.15), rng.uniform(0, 0.15), rng.uniform(0, 0.3)), cup=0.0
        )
    else:
        sh = _shape(curls, spread=rng.uniform(0.55, 1.0, 4), thumb=(rng.uniform(0, 0.1), 0.0, rng.uniform(0.7, 1.0)), cup=0.0)
    up = rng.uniform(-0.3, -0.1) if high else rng.uniform(-0.12, 0.12)
    center = sc.clamp_depth(sc.S + pe.body * np.array([c * rng.uniform(-0.02, 0.22), up, 0.0]) + _TOWARD * rng.uniform(0.2, 0.45))
    w1 = sc.fit(sc.wrist_for(center, r1), r1, sh, rng.uniform(0.02, 0.07))
    w_pre = w1 + _AWAY * rng.uniform(0.06, 0.15) if pushed else w1
    t, hesitated = _prep(sc, rng, t0, w_pre, r1, squeeze)
    prep = t - t0
    sc.shape_to(t0 + rng.uniform(0, 0.25) * prep, prep * rng.uniform(0.5, 0.75), sh)
    if pushed:
        t = sc.move(t, rng.uniform(0.18, 0.35) * squeeze, w1, r1)
    hold = rng.uniform(0.4, 1.5) * pe.tempo * squeeze + extra
    sc.arm.hold(t + hold)
    sc.shp.hold(t + hold)
    v = ("together" if together else "spread") + ("/pushed" if pushed else "") + ("/high" if high else "")
    v += "/hesitate" if hesitated else ""
    return {"t0": t0, "t_stroke": t, "t1": t + hold, "hold": (t, t + hold), "variant": v}


_GESTURES = {"point": _g_point, "grab": _g_grab, "come_here": _g_come, "stop": _g_stop}


def _perform(sc: _Scene, rng: np.random.Generator, label: str) -> dict:
    """Plan one gesture; replan with a longer hold or a quicker tempo until its visible span is 0.5-3 s."""
    seed = int(rng.integers(2**62))
    fn = _GESTURES.get(label, _g_swipe)
    snap = sc.snapshot()
    extra, squeeze = 0.0, 1.0
    for attempt in range(5):
        g = fn(sc, np.random.default_rng(seed), label, extra, squeeze)
        g["t_prep"] = g["t0"]
        g["t0"] = sc.first_visible(g["t0"], g["t_stroke"])
        dur = g["t1"] - g["t0"]
        if MIN_GESTURE_S + 0.03 <= dur <= MAX_GESTURE_S - 0.03 or attempt == 4:
            break
        sc.restore(snap)
        if dur < MIN_GESTURE_S + 0.03:
            extra += MIN_GESTURE_S + 0.08 - dur
        else:
            squeeze *= (MAX_GESTURE_S - 0.15) / dur
    if g["t1"] - g["t0"] > MAX_GESTURE_S - 0.03:
        g["t0"] = g["t1"] - (MAX_GESTURE_S - 0.05)
    g["label"] = label
    return g


# ------------------------------------------------------------------------------------------------ idle behaviour
def _rest_out_pose(sc: _Scene, rng: np.random.Generator):
    c = sc.pe.c
    sx = float(sc.img(sc.S)[0])
    center = sc.cam.unproject(sx + rng.uniform(-0.15, 0.1), rng.uniform(1.3, 1.7), sc.depth(sc.S) + rng.uniform(-0.1, 0.05))
    r = _wobble(_frame(_DOWN + 0.3 * _TOWARD, c * _RIGHT), 12, rng)
    return sc.wrist_for(center, r), r, _relaxed(sc.pe, rng)


def _rest_in_pose(sc: _Scene, rng: np.random.Generator):
    c = sc.pe.c
    sx = float(sc.img(sc.S)[0])
    z = max(sc.near_limit(), sc.depth(sc.S) - rng.uniform(0.1, 0.35))
    center = sc.cam.unproject(float(np.clip(sx + c * rng.uniform(-0.05, 0.3), 0.12, 0.88)), rng.uniform(0.7, 0.9), z)
    r = _wobble(
        _frame(_TOWARD + c * _RIGHT * rng.uniform(0, 0.7) + _DOWN * rng.uniform(0, 0.3), _DOWN + _TOWARD * rng.uniform(-0.2, 0.4)), 15, rng
    )
    s = _relaxed(sc.pe, rng)
    return sc.fit(sc.wrist_for(center, r), r, s, 0.01), r, s


def _air_pose(sc: _Scene, rng: np.random.Generator):
    c = sc.pe.c
    z = max(sc.near_limit(), sc.depth(sc.S) - rng.uniform(0.1, 0.35))
    center = sc.cam.unproject(rng.uniform(0.15, 0.85), rng.uniform(0.3, 0.85), z)
    d = _UP * rng.uniform(0, 1) + _TOWARD * rng.uniform(0.2, 1) + c * _RIGHT * rng.uniform(0, 0.7)
    n = c * _RIGHT * rng.uniform(0, 1) + _DOWN * rng.uniform(0, 1) + _AWAY * rng.uniform(0, 0.5)
    r = _wobble(_frame(d, n), 15, rng)
    s = _relaxed(sc.pe, rng)
    return sc.fit(sc.wrist_for(center, r), r, s, 0.02), r, s


def _go(sc: _Scene, rng: np.random.Generator, pose, left: float, slow: tuple[float, float] = (1.1, 1.6)) -> float | None:
    """Unhurried transport to a pose; returns the arrival time or None when there is no time for it."""
    t = sc.now()
    w0, r0 = sc.pose()
    w, r, s = pose
    dur = sc.mt(float(np.linalg.norm(sc.center_of(w, r) - sc.center_of(w0, r0)))) * rng.uniform(*slow)
    if dur > left:
        return None
    sc.move(t, dur, w, r)
    sc.shape_to(t + 0.05 * dur, 0.8 * dur, s)
    return t + dur


def _fiddle(sc: _Scene, rng: np.random.Generator, t0: float, dur: float) -> None:
    s0 = sc.shp.value
    f, p, a = rng.uniform(1.0, 4.0, 4), rng.uniform(0, 2 * np.pi, 4), rng.uniform(0.05, 0.2, 4)

    def fn(t):
        env = math.sin(math.pi * min(max((t - t0) / dur, 0.0), 1.0)) ** 2
        s = s0.copy()
        s[0:4] += a * np.sin(2 * np.pi * f * (t - t0) + p) * env
        s[_TO] += 0.2 * math.sin(2 * np.pi * f[0] * 0.7 * (t - t0)) * env
        return s

    sc.shp.follow(t0, t0 + dur, fn)


def _b_rest(sc: _Scene, rng: np.random.Generator, left: float, out: bool) -> None:
    t_stop = sc.now() + left
    t = _go(sc, rng, (_rest_out_pose if out else _rest_in_pose)(sc, rng), left)
    if t is None:
        return
    stay = min(t_stop - t, rng.uniform(0.5, 3.0))
    if stay <= 0.05:
        return
    if not out and rng.random() < 0.4:
        _fiddle(sc, rng, max(sc.shp.end, t), stay)
    sc.arm.hold(t + stay)


def _b_beats(sc: _Scene, rng: np.random.Generator, left: float) -> None:
    pe, c = sc.pe, sc.pe.c
    t_stop = sc.now() + left
    center = sc.clamp_depth(
        sc.S + pe.body * np.array([c * rng.uniform(0.05, 0.3), rng.uniform(0.0, 0.25), 0.0]) + _TOWARD * rng.uniform(0.15, 0.35)
    )
    n = _UP * rng.uniform(0.3, 1) + c * _RIGHT * rng.uniform(0, 1) + _TOWARD * rng.uniform(0, 0.5)
    r = _wobble(_frame(_TOWARD + _UP * rng.uniform(0, 0.5) + c * _RIGHT * rng.uniform(0, 0.6), n), 15, rng)
    s = _relaxed(pe, rng, rng.uniform(0.15, 0.4))
    w = sc.fit(sc.wrist_for(center, r), r, s, 0.03)
    t = _go(sc, rng, (w, r, s), left, (1.0, 1.4))
    if t is None:
        return
    for _ in range(int(rng.integers(2, 7))):
        dn, upd = rng.uniform(0.1, 0.2), rng.uniform(0.18, 0.35)
        if t + dn + upd > t_stop:
            break
        t = sc.move(t, dn, w + _unit(_DOWN + rng.normal(0, 0.4, 3)) * rng.uniform(0.015, 0.05), _wobble(r, 3, rng), skew=0.3)
        w = w + rng.normal(0, 0.01, 3)
        t = sc.move(t, upd, w, r)


def _b_face(sc: _Scene, rng: np.random.Generator, left: float) -> None:
    c = sc.pe.c
    t_stop = sc.now() + left
    sx = float(sc.img(sc.S)[0])
    center = sc.cam.unproject(
        sx + c * rng.uniform(0.0, 0.25), rng.uniform(-0.12, 0.18), max(sc.near_limit(), sc.depth(sc.S) - rng.uniform(0.0, 0.12))
    )
    r = _wobble(
        _frame(_UP + _AWAY * rng.uniform(0.2, 0.8) + c * _RIGHT * rng.uniform(0, 0.5), _AWAY + c * _RIGHT * rng.uniform(0, 0.6)), 15, rng
    )
    s = _relaxed(sc.pe, rng, rng.uniform(0.35, 0.7))
    w = sc.wrist_for(center, r)
    t = _go(sc, rng, (w, r, s), left, (1.3, 1.8))
    if t is None:
        return
    rub = min(rng.uniform(0.4, 1.3), t_stop - t - 0.1)
    if rub > 0.2:
        f, a, ax = rng.uniform(2.5, 5.0), rng.uniform(0.006, 0.015), _unit(rng.normal(size=3))

        def fn(tt):
            env = math.sin(math.pi * min(max((tt - t) / rub, 0.0), 1.0)) ** 2
            return w + ax * a * math.sin(2 * np.pi * f * (tt - t)) * env, r

        sc.arm_fn(t, t + rub, fn)


def _b_shift(sc: _Scene, rng: np.random.Generator, left: float) -> None:
    _go(sc, rng, _air_pose(sc, rng), left, (1.2, 1.8))


def _b_present(sc: _Scene, rng: np.random.Generator, left: float) -> None:
    c = sc.pe.c
    t_stop = sc.now() + left
    w0, r0 = sc.pose()
    if not sc.visible(w0, r0):
        return _b_shift(sc, rng, left)
    r = _wobble(_frame(_TOWARD + c * _RIGHT * rng.uniform(-0.5, 0.3), _UP + _TOWARD * rng.uniform(0, 0.3)), 10, rng)
    s = _relaxed(sc.pe, rng, rng.uniform(0.05, 0.25))
    w = sc.fit(sc.wrist_for(sc.center_of(w0, r0), r), r, s, 0.03)
    t = _go(sc, rng, (w, r, s), left)
    if t is None:
        return
    out, hold, back = rng.uniform(0.5, 0.9), rng.uniform(0.2, 0.5), rng.uniform(0.5, 0.9)
    if t + out + hold + back > t_stop:
        return
    t = sc.move(t, out, w + _unit(-c * _RIGHT + _TOWARD) * rng.uniform(0.06, 0.14), r)
    sc.move(t + hold, back, w, r)


def _b_leave(sc: _Scene, rng: np.random.Generator, left: float) -> None:
    sx = float(sc.img(sc.S)[0])
    xn = -0.5 if sx < 0.5 else 1.5
    w, r, s = _rest_out_pose(sc, rng)
    center = sc.cam.unproject(xn, rng.uniform(0.4, 1.2), sc.depth(sc.center_of(w, r)))
    t = _go(sc, rng, (sc.wrist_for(center, r), r, s), left)
    if t is not None:
        sc.arm.hold(t + rng.uniform(0.4, 1.5))


def _idle(sc: _Scene, rng: np.random.Generator, dur: float, in_view: bool = False) -> None:
    """Unlabelled behaviour filling dur seconds: rests, talking beats, face touches, fiddling, shifts."""
    t_end = sc.now() + dur
    ex = sc.pe.expressive
    if in_view:
        opts = {"rest_in": 0.35, "beats": 0.25 * (0.3 + ex), "fiddle": 0.2, "shift": 0.2, "present": 0.1 * ex}
    else:
        opts = {"rest_out": 0.17, "rest_in": 0.2, "beats": 0.2 * (0.3 + ex), "face": 0.08, "shift": 0.15, "fiddle": 0.1}
        opts.update(present=0.08 * ex, leave=0.05)
    first = True
    while True:
        t = sc.now()
        left = t_end - t
        if left < 0.3:
            break
        if first:
            sc.shape_to(t, min(left, rng.uniform(0.3, 0.6)), _relaxed(sc.pe, rng))
            first = False
        b = _pick(rng, opts)
        if b in ("rest_in", "rest_out"):
            _b_rest(sc, rng, left, b == "rest_out")
        elif b == "beats":
            _b_beats(sc, rng, left)
        elif b == "face":
            _b_face(sc, rng, left)
        elif b == "fiddle":
            d = min(left, rng.uniform(0.6, 2.0))
            _fiddle(sc, rng, max(sc.shp.end, t), d)
            sc.arm.hold(t + d)
        elif b == "shift":
            _b_shift(sc, rng, left)
        elif b == "present":
            _b_present(sc, rng, left)
        else:
            _b_leave(sc, rng, left)
        if sc.now() <= t + 1e-6:  # nothing fitted in the time left
            sc.arm.hold(t + min(left, rng.uniform(0.2, 0.6)))
    sc.arm.hold(t_end)
    sc.shp.hold(t_end)


def _gap(sc: _Scene, rng: np.random.Generator, dur: float) -> None:
    """A short pause between two gestures of one command: the fingers half relax, the arm settles."""
    t = sc.now()
    if dur < 0.03:
        return
    cur = sc.shp.value
    rel = _relaxed(sc.pe, rng)
    sc.shape_to(t, min(dur, rng.uniform(0.25, 0.5)), cur + (rel - cur) * rng.uniform(0.2, 0.6))
    w, r = sc.pose()
    sc.move(t, dur, w + rng.normal(0, 0.015, 3), r)
    sc.now()


def _init(sc: _Scene, rng: np.random.Generator, in_view: bool) -> None:
    opts = {"low": 0.55, "air": 0.45} if in_view else {"out": 0.35, "low": 0.35, "air": 0.3}
    k = _pick(rng, opts)
    sc.arm = sc.shp = None
    pose = {"out": _rest_out_pose, "low": _rest_in_pose, "air": _air_pose}[k](sc, rng)
    sc.start(*pose)


# ------------------------------------------------------------------------------------------------ clips
def _kind_of(seed: int, i: int) -> str:
    perm = np.random.default_rng([seed, i // 20, 808]).permutation(20)
    return _KIND_BLOCK[int(perm[i % 20])]


def _swipe(rng: np.random.Generator) -> str:
    return str(rng.choice(list(SWIPES)))


def _plan(sc: _Scene, rng: np.random.Generator, kind: str) -> tuple[list[dict], float, float]:
    if kind == "tight":
        _init(sc, rng, True)
        _idle(sc, rng, rng.uniform(0.3, 1.0), in_view=True)
        g = _perform(sc, rng, str(rng.choice(LABELS)))
        _idle(sc, rng, 0.5)
        return [g], g["t0"], g["t1"]
    _init(sc, rng, False)
    warm = rng.uniform(0.2, 1.0)
    if kind == "margin":
        pre, post = rng.uniform(0.5, 2.5), rng.uniform(0.5, 2.5)
        _idle(sc, rng, warm + pre)
        gs = [_perform(sc, rng, str(rng.choice(LABELS)))]
    elif kind == "pair":
        pre, post = rng.uniform(0.25, 1.5), rng.uniform(0.3, 1.5)
        a, b = PAIR_TYPES[int(rng.integers(len(PAIR_TYPES)))]
        _idle(sc, rng, warm + pre)
        gs = [_perform(sc, rng, a)]
        _gap(sc, rng, rng.uniform(0.0, 0.6) if rng.random() < 0.7 else 0.0)
        gs.append(_perform(sc, rng, _swipe(rng) if b == "swipe" else b))
    else:
        pre, post = rng.uniform(0.5, 2.0), rng.uniform(0.5, 2.0)
        _idle(sc, rng, warm + pre)
        labels: list[str] = []
        n = int(rng.integers(3, 6))
        while len(labels) < n:
            if rng.random() < 0.3 and len(labels) <= n - 2:
                a, b = PAIR_TYPES[int(rng.integers(len(PAIR_TYPES)))]
                labels += [a, _swipe(rng) if b == "swipe" else b]
            else:
                labels.append(str(rng.choice(LABELS)))
        gs = []
        for k, lab in enumerate(labels):
            gs.append(_perform(sc, rng, lab))
            if k < len(labels) - 1:
                if rng.random() < 0.25:
                    _gap(sc, rng, rng.uniform(0.1, 0.6))
                else:
                    _idle(sc, rng, rng.uniform(0.8, 3.5))
    _idle(sc, rng, post + 0.3)
    return gs, max(0.0, gs[0]["t_prep"] - pre), gs[-1]["t1"] + post


def _direction(P: np.ndarray, W: int, H: int) -> tuple[float, float]:
    v = P[:, 8, :2] - P[:, 5, :2]
    a = np.arctan2(-v[:, 1], v[:, 0])
    ap = np.arctan2(-v[:, 1] * H, v[:, 0] * W)
    deg = math.degrees(math.atan2(np.sin(a).mean(), np.cos(a).mean())) % 360.0
    deg_px = math.degrees(math.atan2(np.sin(ap).mean(), np.cos(ap).mean())) % 360.0
    return float(deg), float(deg_px)


def _clean_frames(P: np.ndarray) -> np.ndarray:
    """The hand as an ideal tracker would report it: NaN while its palm (or most of it) is out of the frame, inside [-0.3, 1.3]."""
    P = P.copy()
    pc = P[:, _PALM_IDX, :2].mean(1)
    inside = ((P[..., :2] >= 0) & (P[..., :2] <= 1)).all(-1).mean(1)
    vis = np.all((pc >= 0) & (pc <= 1), axis=1) & (inside >= 0.35)
    P[..., :2] = np.clip(P[..., :2], -0.3, 1.3)
    P[~vis] = np.nan
    return P


def _track(sc: _Scene, w0: float, T: int, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """The camera and the hand tracker: frames at the camera's rate, tracked with errors, resampled to 30 fps."""
    cam = sc.cam
    W, H, fps = cam.W, cam.H, cam.fps
    t_start = max(0.0, w0 - rng.uniform(0.3, 1.5))
    t_stop = w0 + (T - 1) / FPS + 0.15
    n = int(math.ceil((t_stop - t_start) * fps)) + 2
    tk = t_start + (np.arange(n) + rng.random()) / fps * (1 + rng.normal(0, 0.002)) + rng.normal(0, rng.uniform(0, 0.003), n)
    tk = np.sort(tk)
    keep = rng.random(n) >= rng.uniform(0, 0.025)
    keep[0] = True
    tk = tk[keep]
    K = len(tk)
    exp, ro = cam.exposure, cam.readout
    tm = tk - exp / 2
    Pa, (_, ra, sa) = sc.render(tm - ro / 2)
    if ro > 0:
        Pb, _ = sc.render(tm + ro / 2)
        P = Pa + (Pb - Pa) * np.clip(Pa[..., 1:2], 0.0, 1.0)
    else:
        P = Pa
    Pr, _ = sc.render(tm - ro / 2, shape=_PRIOR)
    c1, c0 = sc.centers(tk), sc.centers(tk - exp)
    scale = np.array([W, H, W], float)
    X = P * scale
    Xr = Pr * scale
    pc = P[:, _PALM_IDX, :2].mean(1)
    inside = ((P[..., :2] >= 0) & (P[..., :2] <= 1)).all(-1).mean(1)
    cin = np.all((pc >= 0) & (pc <= 1), axis=1)
    size = np.maximum(np.linalg.norm(X[:, 9, :2] - X[:, 0, :2], axis=-1), 1.3 * np.linalg.norm(X[:, 5, :2] - X[:, 17, :2], axis=-1))
    blur = np.linalg.norm((c1 - c0) * scale[:2], axis=-1) / np.maximum(size, 1.0)
    facing = np.abs(np.einsum("ij,tj->ti", cam.Rc, ra[:, :, 2])[:, 2])
    curl = np.clip(sa[:, 0:4], 0.0, 1.0)
    detectable = cin & (inside >= 0.4) & (size >= 9.0)

    base_h = 10 ** rng.uniform(-3.0, -1.8)
    haz = base_h + 0.3 * np.clip(blur - 0.3, 0, 1.5) + 0.08 * (1 - inside) + 0.05 * np.clip((28 - size) / 20, 0, 1) + 0.01 * (1 - facing)
    det0 = rng.uniform(0.35, 0.9)
    pdet = (
        det0 * np.clip(1 - 1.5 * np.clip(blur - 0.25, 0, None), 0.05, 1) * np.clip(size / 35, 0.25, 1) * np.where(inside >= 0.7, 1.0, 0.5)
    )
    jit_px, jit_rel, rho = rng.uniform(0.3, 1.5), rng.uniform(0.004, 0.016), rng.uniform(0.0, 0.6)
    occl = 0.3 + 0.7 * (1 - facing)
    wgt = np.ones(21)
    wgt[[0]] = 0.8
    wgt[[1, 5, 9, 13, 17]] = 0.7
    wgt[[4, 8, 12, 16, 20]] = 1.5
    wgt[[3, 7, 11, 15, 19]] = 1.2
    fing_curl = np.zeros((K, 21))
    for f in range(4):
        fing_curl[:, 6 + 4 * f : 9 + 4 * f] = curl[:, f : f + 1]
    fing_curl[:, 2:5] = curl.mean(1, keepdims=True) * 0.5
    sig = (jit_px + jit_rel * size)[:, None] * wgt[None] * (1 + 1.5 * fing_curl * occl[:, None]) * (1 + 1.5 * np.minimum(blur, 1))[:, None]
    z_noise = rng.uniform(1.5, 3.5)
    beta = np.clip(rng.uniform(0.0, 0.25) * occl * (0.5 + curl.mean(1)), 0, 0.5)
    roi_tau = rng.uniform(0.15, 1.0)
    roi_sd = np.array([rng.uniform(0.01, 0.05), rng.uniform(0.01, 0.05), math.radians(rng.uniform(0.5, 3.0)), rng.uniform(0.005, 0.03)])
    a_roi = math.exp(-1.0 / (fps * roi_tau))
    z_scale = rng.uniform(0.55, 1.5)
    swap_rate = rng.uniform(0, 0.006) if rng.random() < 0.6 else 0.0
    mirror_rate = rng.uniform(0, 0.004)
    filt = _pick(rng, {"none": 0.3, "ema": 0.3, "one_euro": 0.4})
    alpha = rng.uniform(0.35, 0.8)
    mincut, beta_e, dcut = rng.uniform(0.6, 3.0), rng.uniform(0.002, 0.03), 1.0
    loss = _pick(rng, {"nan": 0.55, "hold": 0.38, "zeros": 0.07})
    hold_max = int(rng.integers(2, 13))
    resample = _pick(rng, {"latest": 0.5, "nearest": 0.3, "linear": 0.2})
    latency = rng.uniform(0.0, 0.05) if rng.random() < 0.5 else 0.0

    u1, u2, u3, u4 = rng.random(K), rng.random(K), rng.random(K), rng.random(K)
    swap_len, swap_pair, mirror_len = rng.integers(2, 9, K), rng.integers(0, 3, K), rng.integers(3, 16, K)
    # 1. when the hand is tracked: detect, track, lose it, detect it again
    episode = np.full(K, -1)
    swap = np.full(K, -1)
    mirror = np.zeros(K, bool)
    tracking, ep, swap_left, sp, mirror_left = False, -1, 0, 0, 0
    n_swaps = n_mirrors = n_losses = 0
    busy = ((curl.mean(1) > 0.4) | (facing < 0.5)).tolist()
    u1, u2, u3, u4, haz_, pdet_, det_ = u1.tolist(), u2.tolist(), u3.tolist(), u4.tolist(), haz.tolist(), pdet.tolist(), detectable.tolist()
    mir_p = (mirror_rate * (1 + 3 * (1 - facing))).tolist()
    for k in range(K):
        if tracking and (not det_[k] or u1[k] < haz_[k]):
            tracking = False
            n_losses += 1
        elif not tracking and det_[k] and u2[k] < pdet_[k]:
            tracking = True
            ep += 1
        if not tracking:
            continue
        episode[k] = ep
        if swap_left == 0 and swap_rate and u3[k] < swap_rate * (2.0 if busy[k] else 0.3):
            swap_left, sp = int(swap_len[k]), int(swap_pair[k])
            n_swaps += 1
        if swap_left:
            swap[k] = sp
            swap_left -= 1
        if mirror_left == 0 and u4[k] < mir_p[k]:
            mirror_left = int(mirror_len[k])
            n_mirrors += 1
        if mirror_left:
            mirror[k] = True
            mirror_left -= 1
    ok = episode >= 0
    new_ep = ok & np.r_[True, episode[1:] != episode[:-1]]
    # 2. what the tracker gets wrong while it tracks
    roi = np.zeros((K, 4))
    eps = np.zeros((K, 21, 3))
    G = rng.standard_normal((K, 21, 3))
    Gr = rng.standard_normal((K, 4))
    jump = rng.standard_normal((K, 4)) * roi_sd * 1.5
    b_roi, b_eps = math.sqrt(1 - a_roi * a_roi), math.sqrt(1 - rho * rho)
    for k in range(K):
        if new_ep[k] or k == 0:
            roi[k], eps[k] = jump[k], b_eps * G[k]
        else:
            roi[k] = a_roi * roi[k - 1] + b_roi * roi_sd * Gr[k]
            eps[k] = rho * eps[k - 1] + b_eps * G[k]
    x = X.copy()
    x[:, 1:] += beta[:, None, None] * (Xr[:, 1:] - x[:, 1:])
    cen = x[:, _PALM_IDX, :2].mean(1)
    cr, sr = np.cos(roi[:, 2]), np.sin(roi[:, 2])
    rot = np.stack([np.stack([cr, sr], -1), np.stack([-sr, cr], -1)], 1)
    rel = (x[:, :, :2] - cen[:, None]) * np.exp(roi[:, 3])[:, None, None]
    x[:, :, :2] = cen[:, None] + np.einsum("kni,kij->knj", rel, rot) + (roi[:, :2] * size[:, None])[:, None]
    x[:, :, :2] += eps[:, :, :2] * sig[:, :, None]
    x[:, :, 2] = z_scale * x[:, :, 2] + eps[:, :, 2] * sig * z_noise
    for p_, (a0, b0) in enumerate(((5, 9), (9, 13), (13, 17))):
        m = swap == p_
        if m.any():
            x[m, a0 : a0 + 4], x[m, b0 : b0 + 4] = x[m, b0 : b0 + 4].copy(), x[m, a0 : a0 + 4].copy()
    x[mirror, :, 2] *= -1
    # 3. the tracker's own smoothing
    out = np.full((K, 21, 3), np.nan)
    te = 1.0 / fps
    ad = 1.0 / (1.0 + 1.0 / (2 * np.pi * dcut * te))
    y = dxp = None
    for k in np.flatnonzero(ok):
        v = x[k]
        if new_ep[k] or y is None:
            y, dxp = v, np.zeros_like(v)
        elif filt == "ema":
            y = alpha * v + (1 - alpha) * y
        elif filt == "one_euro":
            dxp = ad * (v - y) * fps + (1 - ad) * dxp
            a_ = 1.0 / (1.0 + 1.0 / (2 * np.pi * (mincut + beta_e * np.abs(dxp)) * te))
            y = a_ * v + (1 - a_) * y
        else:
            y = v
        out[k] = y
    # rare false detections of something else as the hand
    n_ghost = 0
    if rng.random() < 0.15:
        for k in np.flatnonzero(rng.random(K) < rng.uniform(0.0, 0.004)):
            m = int(rng.integers(1, 4))
            off = rng.uniform(-0.35, 0.35, 2) * scale[:2]
            sc_ = rng.uniform(0.6, 1.4)
            for j in range(k, min(K, k + m)):
                g = X[j].copy()
                cen = g[_PALM_IDX, :2].mean(0)
                g[:, :2] = cen + (g[:, :2] - cen) * sc_ + off
                out[j], ok[j] = g, True
            n_ghost += 1
    # what the writer stores for frames without a hand
    if loss == "hold":
        last, run = None, 0
        for k in range(K):
            if ok[k]:
                last, run = out[k], 0
            elif last is not None and run < hold_max:
                out[k] = last
                run += 1
    elif loss == "zeros":
        out[~ok] = 0.0
    # resample to 30 fps
    tq = w0 + np.arange(T) / FPS - latency
    i = np.clip(np.searchsorted(tk, tq, "right") - 1, 0, K - 1)
    if resample == "latest":
        res = out[i]
    else:
        j = np.clip(i + 1, 0, K - 1)
        near = np.where(np.abs(tk[j] - tq) < np.abs(tq - tk[i]), j, i)
        res = out[near]
        if resample == "linear":
            fr = np.clip((tq - tk[i]) / np.maximum(tk[j] - tk[i], 1e-6), 0, 1)[:, None, None]
            lin = out[i] + (out[j] - out[i]) * fr
            good = np.isfinite(lin).all((1, 2)) & (np.abs(out[i]).sum((1, 2)) > 0) & (np.abs(out[j]).sum((1, 2)) > 0)
            res = np.where(good[:, None, None], lin, res)
    res = res / scale
    fin = np.isfinite(res)
    res[..., :2] = np.where(fin[..., :2], np.clip(res[..., :2], -0.3, 1.3), res[..., :2])
    res[..., 2] = np.where(fin[..., 2], np.clip(res[..., 2], -1.0, 1.0), res[..., 2])
    info = {
        "filter": filt,
        "loss_written_as": loss,
        "resample": resample,
        "latency_s": round(float(latency), 3),
        "camera_frames": int(K),
        "losses": int(n_losses),
        "swaps": int(n_swaps),
        "depth_mirrors": int(n_mirrors),
        "false_detections": int(n_ghost),
    }
    return res.astype(np.float32), info


def _make(seed: int, i: int, tracked: bool) -> Blind8Clip:
    rng = np.random.default_rng([seed, i, 88])
    kind = _kind_of(seed, i)
    sc = _Scene(rng)
    gs, w0, w1 = _plan(sc, rng, kind)
    T = int(round((w1 - w0) * FPS)) + 1
    times = w0 + np.arange(T) / FPS
    raw, _ = sc.render(times)
    cam = sc.cam
    gestures, dpx, holds, strokes = [], [], [], []
    for g in gs:
        s = int(np.clip(round((g["t0"] - w0) * FPS), 0, T - 1))
        e = int(np.clip(round((g["t1"] - w0) * FPS), s, T - 1))
        deg = None
        hf = sf = None
        if g["label"] == "point":
            a = int(np.clip(math.ceil((g["hold"][0] - w0) * FPS), s, e))
            b = int(np.clip(math.floor((g["hold"][1] - w0) * FPS), a, e))
            deg, px = _direction(raw[a : b + 1], cam.W, cam.H)
            deg = round(deg, 2) % 360.0
            dpx.append(round(px, 2) % 360.0)
            hf = [a, b]
        else:
            dpx.append(None)
        if "stroke" in g:
            a = int(np.clip(round((g["stroke"][0] - w0) * FPS), s, e))
            sf = [a, int(np.clip(round((g["stroke"][1] - w0) * FPS), a, e))]
        holds.append(hf)
        strokes.append(sf)
        gestures.append((g["label"], s, e, deg))
    meta = {
        "image_size": (cam.W, cam.H),
        "direction_deg_pixels": dpx,
        "durations_s": [round(g["t1"] - g["t0"], 3) for g in gs],
        "hold_frames": holds,
        "stroke_frames": strokes,
        "variants": [g["variant"] for g in gs],
        "camera": cam.kind,
        "camera_fps": cam.fps,
        "mirrored": cam.mirrored,
        "hand": sc.pe.hand,
        "image_hand": "right" if sc.pe.c > 0 else "left",
        "hand_length_m": round(sc.pe.L, 3),
        "distance_m": round(cam.D, 2),
        "seed": seed,
        "index": i,
    }
    if tracked:
        lm, meta["tracker"] = _track(sc, w0, T, np.random.default_rng([seed, i, 89]))
    else:
        lm = _clean_frames(raw).astype(np.float32)
    return Blind8Clip(landmarks=lm, gestures=tuple(gestures), kind=kind, meta=meta)


def blind8_dataset(n: int, seed: int = 0) -> list[Blind8Clip]:
    """n tracked clips (noisy, lossy landmarks as a hand tracker reports them); clip i depends only on (seed, i)."""
    return [_make(seed, i, True) for i in range(n)]


def blind8_clean_dataset(n: int, seed: int = 0) -> list[Blind8Clip]:
    """The same n clips before the camera's frame rate and the tracker: true landmarks at 30 fps."""
    return [_make(seed, i, False) for i in range(n)]


# ------------------------------------------------------------------------------------------------ scoring
def _ang_diff(a: float, b: float) -> float:
    return abs((float(a) - float(b) + 180.0) % 360.0 - 180.0)


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
                errs.append(_ang_diff(dd, g[3]))
                if tpx is not None:
                    r = math.radians(float(dd))
                    errs_px.append(_ang_diff(math.degrees(math.atan2(H * math.sin(r), W * math.cos(r))), tpx))

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


# ----------------------------------------------------------------------------------------------------- CLI
def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    return x


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Blind-8 gesture clips: people, phones, webcams and a robot camera, and a lossy hand tracker.")
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="folder for clip_NNNN.npy and labels.json")
    ap.add_argument("--clean", action="store_true", help="landmarks before the tracker")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    clips = (blind8_clean_dataset if args.clean else blind8_dataset)(args.n, args.seed)
    dt = time.perf_counter() - t
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        rows = []
        for i, c in enumerate(clips):
            name = f"clip_{i:04d}.npy"
            np.save(args.out / name, c.landmarks)
            gs = [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in c.gestures]
            rows.append({"file": name, "kind": c.kind, "gestures": gs, "meta": _jsonable(c.meta)})
        (args.out / "labels.json").write_text(json.dumps(rows, indent=1))
    kinds = {k: sum(c.kind == k for c in clips) for k in KINDS}
    labs = {lab: sum(g[0] == lab for c in clips for g in c.gestures) for lab in LABELS}
    frames = sum(len(c.landmarks) for c in clips)
    nan = sum(int(np.isnan(c.landmarks[:, 0, 0]).sum()) for c in clips)
    durs = [d for c in clips for d in c.meta["durations_s"]]
    print(f"blind8: {len(clips)} {'clean' if args.clean else 'tracked'} clips, seed {args.seed}, {frames} frames, {dt:.1f} s")
    print("  kinds:  " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    print("  labels: " + ", ".join(f"{k} {v}" for k, v in labs.items()))
    if durs:
        print(f"  gesture durations: {min(durs):.2f}-{max(durs):.2f} s, median {np.median(durs):.2f} s")
    print(f"  NaN frames: {nan / max(frames, 1):.1%}" + (f"; written to {args.out}" if args.out else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
