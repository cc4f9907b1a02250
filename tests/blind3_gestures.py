"""Blind test set 3: an independent generator of hand-tracker clips for robocue.

Written from the format description only (no code, hand model or timing model
shared with the rest of the repository).  Imports numpy and the standard
library only.

Output format: float32 ``(T, 21, 3)`` MediaPipe-ordered landmarks at 30 fps,
``x``/``y`` normalised image coordinates (x right, y down), ``z`` depth
relative to the wrist (smaller = closer), scaled like ``x``.  A dropped frame
is all-NaN (or a repeat of the previous frame).

Models
------
* **Hand skeleton** - a kinematic chain per finger driven by joint angles
  (MCP flexion, PIP flexion, DIP flexion, MCP abduction; thumb: CMC
  abduction, opposition, MCP and IP flexion).  Segment lengths follow
  anthropometric ratios of hand length (metacarpal / proximal / middle /
  distal, roughly after Buchholz, Armstrong & Goldstein 1992) with per-person
  log-normal variation per bone and per finger, a per-person palm width, a
  fanned metacarpal layout and a transverse palm arch that deepens as the
  ring and little fingers flex.  The relaxed pose is a semi-curled cascade
  (little finger most curled); the "open" hand is never perfectly straight.
  A left hand is the mirror image of the right (the hand-local radial axis is
  flipped).
* **Orientation** - the hand frame is spanned by a finger-direction vector and
  a palm-normal vector in camera space (Gram-Schmidt each frame), so a palm
  can face the camera, the floor, the ceiling or the side at any angle.
* **Motion** - every channel (wrist x/y, depth, finger-direction vector, palm
  normal, 20 joint angles) follows a piecewise target made of minimum-jerk
  ramps with a random power time-warp (asymmetric velocity bells), and the
  hand tracks those targets through per-person damped second-order springs
  (natural frequency and damping drawn per person and per channel group, so
  there is lag and sometimes overshoot).  Swipe strokes are arcs with wrist
  rotation along the stroke, a back-swing and a follow-through.  Posture
  changes are co-articulated with the transport of the hand (fingers shape
  while the hand rises), grabs close finger by finger, the hand rises from a
  rest pose (on a table, hanging, or in the lap) and drops back to it, and
  idle stretches hold fidgets (small drifts, re-curls, turns, aborted half
  raises).  Physiological tremor (8-12 Hz) and slow drift are added on top.
* **Scene** - camera roll up to +-25 deg, frame aspect 1:1, 4:3 or 16:9
  (coordinates are normalised per axis, as MediaPipe does; all directions,
  including the pointing label, are measured in those normalised
  coordinates), hand length drawn log-uniformly (open hand ~8% to ~45% of the
  frame width) and the performance placed in the frame so that the gesture
  frames fit (a scene too big is shrunk, i.e. the person stands further
  away).  Rest positions may lie outside the frame.
* **Tracker** - detection noise proportional to hand size (a temporally
  correlated whole-hand component plus per-landmark noise, fingertips noisier,
  z 2.5x noisier and with an unreliable per-clip scale), glitches (swapped
  neighbouring fingers, single-landmark outliers, a finger read as folded, a
  one-frame jump), an adaptive exponential smoother (lag at low speed,
  catches up at high speed) that re-initialises after a loss, tracking loss
  when the hand leaves the frame, short random losses, dropped frames given as
  NaN and frames repeated.

Clip kinds: ``tight`` (cropped to the gesture), ``margin`` (idle around one
gesture), ``pair`` (point/grab then a swipe, point then grab, point then
come_here), ``recording`` (3-5 gestures with idle between).

Public API: :class:`Blind3Clip`, :func:`blind3_dataset`, :func:`score`,
:func:`main` (``python tests/blind3_gestures.py --n 16 --seed 0 [--out DIR]``).
``make_clip(kind, labels, seed, tracker=True)`` builds one clip (with
``tracker=False`` the landmarks are the clean rendering).
"""

import argparse
import json
import math
import os
from dataclasses import dataclass, field

import numpy as np

FPS = 30
GESTURES = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
SWIPES = ("swipe_left", "swipe_right", "swipe_up", "swipe_down")
KINDS = ("tight", "margin", "pair", "recording")
SHARES = {"tight": 0.3, "margin": 0.25, "pair": 0.25, "recording": 0.2}
LIMIT = (-0.3, 1.3)


@dataclass
class Blind3Clip:
    landmarks: np.ndarray  # (T, 21, 3) float32
    gestures: list  # [(label, start, end, direction_deg or None)]
    kind: str
    meta: dict = field(default_factory=dict)


# --------------------------------------------------------------------------
# hand skeleton (hand length = 1)
_META = np.array([0.374, 0.373, 0.336, 0.295])  # index, middle, ring, little
_PROX = np.array([0.265, 0.277, 0.259, 0.206])
_MIDP = np.array([0.143, 0.170, 0.165, 0.117])
_DIST = np.array([0.097, 0.108, 0.107, 0.093])
_THUMB = np.array([0.251, 0.196, 0.158])
_CARPAL = np.array([[0.035, 0.060], [0.005, 0.065], [-0.030, 0.060], [-0.060, 0.050]])
_FAN = np.array([9.0, 1.0, -8.0, -17.0])
_ARCH = np.array([0.0, -0.008, 0.015, 0.035])

# channel layout of the motion state
X, Y, D = 0, 1, 2
F = slice(3, 6)
N = slice(6, 9)
POSE = slice(9, 29)
NCH = 29


def _u(rng, a, b):
    return float(rng.uniform(a, b))


def _unit(v):
    v = np.asarray(v, float)
    return v / max(np.linalg.norm(v), 1e-9)


def _rot_img(v, deg):
    """Rotate a camera-space vector counter-clockwise as seen in the image."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    x, y, z = v
    return np.array([x * c + y * s, -x * s + y * c, z])


def _rot_yaw(v, deg):
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    x, y, z = v
    return np.array([x * c + z * s, y, -x * s + z * c])


def _rot_pitch(v, deg):
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    x, y, z = v
    return np.array([x, y * c - z * s, y * s + z * c])


class _Hand:
    def __init__(self, rng):
        ln = lambda s, k=None: rng.lognormal(0.0, s, k)  # noqa: E731
        finger = ln(0.04, 4)
        self.meta = _META * ln(0.03, 4)
        self.prox = _PROX * finger * ln(0.035, 4)
        self.midp = _MIDP * finger * ln(0.04, 4)
        self.dist = _DIST * finger * ln(0.05, 4)
        self.thumb = _THUMB * ln(0.04) * ln(0.04, 3)
        self.width = _u(rng, 0.9, 1.13)
        self.fan = np.radians(_FAN * self.width * _u(rng, 0.8, 1.2))
        self.carpal = _CARPAL * np.array([self.width, 1.0])
        self.cmc = np.array([_u(rng, 0.07, 0.105), _u(rng, 0.09, 0.14), _u(rng, 0.01, 0.04)])
        self.arch = _ARCH * _u(rng, 0.6, 1.4)
        self.left = bool(rng.random() < 0.3)

    def local(self, pose):
        """Joint angles (T, 20) in degrees -> (T, 21, 3) in the hand frame (u, v, n).

        u: radial (thumb side), v: along the middle metacarpal, n: palm normal
        (out of the palm); fingers curl towards +n.
        """
        T = len(pose)
        a = np.radians(pose)
        out = np.zeros((T, 21, 3))
        p0 = np.array([0.0, 0.0, 1.0])
        for i in range(4):
            mcp, pip, dip, abd = (a[:, 4 * i + k] for k in range(4))
            base = np.array([*self.carpal[i], 0.0])
            knuckle = base + self.meta[i] * np.array([math.sin(self.fan[i]), math.cos(self.fan[i]), 0.0])
            cup = np.clip(pose[:, 4 * i] / 90.0, 0.0, 1.2)
            P1 = knuckle[None, :] + (self.arch[i] * cup)[:, None] * p0[None, :]
            gam = self.fan[i] + abd
            l0 = np.stack([np.sin(gam), np.cos(gam), np.zeros(T)], axis=1)

            def seg(phi):
                return np.cos(phi)[:, None] * l0 + np.sin(phi)[:, None] * p0[None, :]  # noqa: B023

            P2 = P1 + self.prox[i] * seg(mcp)
            P3 = P2 + self.midp[i] * seg(mcp + pip)
            P4 = P3 + self.dist[i] * seg(mcp + pip + dip)
            out[:, 5 + 4 * i : 9 + 4 * i] = np.stack([P1, P2, P3, P4], axis=1)
        tab, opp, tmcp, tip = (a[:, 16 + k] for k in range(4))
        l0 = np.cos(opp)[:, None] * np.stack([np.sin(tab), np.cos(tab), np.zeros(T)], axis=1) + np.sin(opp)[:, None] * p0[None, :]
        w = np.array([-0.6, 0.0, 0.8])
        pt = w[None, :] - (l0 @ w)[:, None] * l0
        pt /= np.linalg.norm(pt, axis=1, keepdims=True)

        def tseg(phi):
            return np.cos(phi)[:, None] * l0 + np.sin(phi)[:, None] * pt

        C1 = np.tile(self.cmc, (T, 1))
        C2 = C1 + self.thumb[0] * l0
        C3 = C2 + self.thumb[1] * tseg(tmcp)
        C4 = C3 + self.thumb[2] * tseg(tmcp + tip)
        out[:, 1:5] = np.stack([C1, C2, C3, C4], axis=1)
        if self.left:
            out[..., 0] *= -1.0
        return out


# --------------------------------------------------------------------------
# hand postures (20 joint angles, degrees)
class _Poses:
    def __init__(self, rng):
        self.rng = rng
        self.bias = _u(rng, 0.0, 12.0)  # how bent an "open" hand stays
        self.spread = _u(rng, 0.3, 1.2)
        self.relax = _u(rng, 0.7, 1.3)
        self.tight = _u(rng, 0.8, 1.05)

    def _thumb(self, kind):
        r = self.rng
        if kind == "open":
            return [_u(r, 40, 58), _u(r, 8, 20), _u(r, 0, 12), _u(r, 0, 18)]
        if kind == "relaxed":
            return [_u(r, 25, 40), _u(r, 22, 38), _u(r, 10, 25), _u(r, 10, 28)]
        if kind == "gun":
            return [_u(r, 35, 50), _u(r, 10, 25), _u(r, 0, 15), _u(r, 0, 15)]
        return [_u(r, 8, 22), _u(r, 40, 60), _u(r, 30, 50), _u(r, 20, 42)]  # wrapped

    def _finger(self, kind, i):
        r, b = self.rng, self.bias
        if kind == "open":
            ab = [_u(r, 3, 12), _u(r, -3, 3), -_u(r, 3, 9), -_u(r, 7, 18)][i] * self.spread
            return [_u(r, -8, 8) + 0.5 * b, _u(r, 0, 10) + b, _u(r, 0, 8) + 0.5 * b, ab]
        if kind == "flat":
            ab = [_u(r, 0, 10), _u(r, -2, 2), -_u(r, 0, 8), -_u(r, 2, 14)][i] * self.spread
            return [_u(r, -10, 5) + 0.3 * b, _u(r, 0, 8) + 0.5 * b, _u(r, 0, 6), ab]
        if kind == "relaxed":
            k = self.relax
            return [
                (22 + 7 * i) * k + r.normal(0, 4),
                (32 + 6 * i) * k + r.normal(0, 5),
                (18 + 4 * i) * k + r.normal(0, 4),
                [4, 0, -3, -7][i] + r.normal(0, 2),
            ]
        if kind == "hook":
            return [_u(r, 35, 70), _u(r, 70, 105), _u(r, 35, 65), [2, 0, -1, -3][i]]
        if kind == "hook_index":
            return [_u(r, 20, 55), _u(r, 75, 105), _u(r, 45, 70), _u(r, -3, 4)]
        if kind == "point":
            return [_u(r, -6, 10), _u(r, 0, 14), _u(r, 0, 10), _u(r, -3, 5)]
        t = self.tight  # fist
        return [_u(r, 72, 92) * t, _u(r, 92, 110) * t, _u(r, 38, 65) * t, [-3, 0, 3, 6][i]]

    def make(self, kind):
        if kind in ("open", "flat", "relaxed", "fist", "hook"):
            fingers = [self._finger(kind, i) for i in range(4)]
            thumb = self._thumb({"open": "open", "flat": "open", "relaxed": "relaxed", "hook": "relaxed"}.get(kind, "wrap"))
        elif kind in ("point", "point_gun", "hook_index"):
            first = "point" if kind != "hook_index" else "hook_index"
            fingers = [self._finger(first, 0)] + [self._finger("fist", i) for i in (1, 2, 3)]
            thumb = self._thumb("gun" if kind == "point_gun" else "wrap")
        else:
            raise ValueError(kind)
        return np.array([v for f in fingers for v in f] + thumb, float)


# --------------------------------------------------------------------------
# motion: piecewise minimum-jerk targets tracked by second-order springs
def _mj(s, g=1.0):
    s = np.clip(s, 0.0, 1.0) ** g
    return s * s * s * (10.0 - 15.0 * s + 6.0 * s * s)


def _state_vec(st):
    return np.concatenate([[st["x"], st["y"], st["d"]], _unit(st["f"]), _unit(st["n"]), st["pose"]])


def _vec_state(v):
    return {"x": v[0], "y": v[1], "d": v[2], "f": v[F].copy(), "n": v[N].copy(), "pose": v[POSE].copy()}


class _Timeline:
    def __init__(self, state):
        self.init = _state_vec(state)
        self.cur = self.init.copy()
        self.ev = []

    def move(self, t0, dur, sl, val, g=1.0):
        dur = max(dur, 1.0 / FPS)
        if isinstance(sl, int):
            sl = slice(sl, sl + 1)
        val = np.atleast_1d(np.asarray(val, float))
        self.ev.append((t0, t0 + dur, sl, val, g, None))
        self.cur[sl] = val

    def path(self, t0, dur, sl, fn):
        dur = max(dur, 1.0 / FPS)
        self.ev.append((t0, t0 + dur, sl, None, 1.0, fn))
        self.cur[sl] = fn(np.array([1.0]))[0]

    def go(self, t0, dur, st, g=1.0, pose_win=(0.15, 0.95)):
        v = _state_vec(st)
        self.move(t0, dur, slice(0, 3), v[0:3], g)
        self.move(t0 + 0.05 * dur, 0.9 * dur, slice(3, 9), v[3:9], g)
        a, b = pose_win
        self.move(t0 + a * dur, (b - a) * dur, POSE, v[POSE], g)

    def state(self):
        return _vec_state(self.cur.copy())

    def dense(self, T):
        r = np.tile(self.init, (T, 1))
        tt = np.arange(T) / FPS
        for t0, t1, sl, val, g, fn in sorted(self.ev, key=lambda e: e[0]):
            f0 = max(0, int(math.ceil(t0 * FPS - 1e-9)))
            if f0 >= T:
                continue
            s = np.clip((tt[f0:] - t0) / (t1 - t0), 0.0, 1.0)
            if fn is None:
                v0 = r[f0, sl].copy()
                r[f0:, sl] = v0 + _mj(s, g)[:, None] * (val - v0)
            else:
                r[f0:, sl] = fn(s)
        return r


def _spring(r, omega, zeta, sub=4):
    """Exact composition of semi-implicit Euler sub-steps of x'' = w^2 (r - x) - 2 z w x'."""
    h = 1.0 / (FPS * sub)
    C = len(omega)
    M = np.zeros((C, 3, 3))
    w2 = omega**2
    M[:, 0, 0] = 1 - h * h * w2
    M[:, 0, 1] = h - 2 * zeta * omega * h * h
    M[:, 0, 2] = h * h * w2
    M[:, 1, 0] = -h * w2
    M[:, 1, 1] = 1 - 2 * zeta * omega * h
    M[:, 1, 2] = h * w2
    M[:, 2, 2] = 1.0
    A = np.linalg.matrix_power(M, sub)
    x = r[0].copy()
    v = np.zeros(C)
    out = np.empty_like(r)
    for t in range(len(r)):
        out[t] = x
        xn = A[:, 0, 0] * x + A[:, 0, 1] * v + A[:, 0, 2] * r[t]
        v = A[:, 1, 0] * x + A[:, 1, 1] * v + A[:, 1, 2] * r[t]
        x = xn
    return out


# --------------------------------------------------------------------------
class _Person:
    def __init__(self, rng, L):
        self.rng = rng
        self.hand = _Hand(rng)
        self.poses = _Poses(rng)
        self.L = L
        self.speed = _u(rng, 0.75, 1.35)
        om = np.empty(NCH)
        ze = np.empty(NCH)
        om[0:2], ze[0:2] = _u(rng, 9, 15), _u(rng, 0.55, 0.85)
        om[2], ze[2] = _u(rng, 7, 11), _u(rng, 0.7, 0.95)
        om[3:9], ze[3:9] = _u(rng, 10, 16), _u(rng, 0.65, 0.9)
        om[9:25], ze[9:25] = _u(rng, 20, 32), _u(rng, 0.55, 0.85)
        om[25:29], ze[25:29] = _u(rng, 18, 28), _u(rng, 0.6, 0.9)
        self.omega, self.zeta = om, ze
        self.tremor = _u(rng, 0.002, 0.008)
        self.rest_style = str(rng.choice(["table", "hang", "lap"]))
        self.side = 1.0 if rng.random() < 0.5 else -1.0

    def rest(self, anchor, visible):
        r, L = self.rng, self.L
        x = anchor[0] + _u(r, -0.6, 0.6) * L
        y = anchor[1] + (_u(r, 0.25, 0.7) if visible else _u(r, 0.8, 1.6)) * L
        if self.rest_style == "table":
            f, n = [_u(r, -0.3, 0.3), _u(r, 0.0, 0.3), -1.0], [0.0, 1.0, _u(r, -0.2, 0.2)]
        elif self.rest_style == "hang":
            f, n = [self.side * _u(r, 0, 0.3), 1.0, -_u(r, 0.1, 0.5)], [-self.side, 0.0, -_u(r, 0, 0.5)]
        else:
            f, n = [-self.side * _u(r, 0.3, 0.8), _u(r, 0.1, 0.5), -0.6], [0.0, 0.7, -0.3]
        return {"x": x, "y": y, "d": _u(r, -0.25, 0.0), "f": np.array(f), "n": np.array(n), "pose": self.poses.make("relaxed")}


def _approach(tl, t, st, P, far=False):
    dur = (_u(P.rng, 0.45, 0.9) if far else _u(P.rng, 0.3, 0.65)) / P.speed
    tl.go(t, dur, st, g=_u(P.rng, 0.75, 1.3), pose_win=(_u(P.rng, 0.0, 0.4), _u(P.rng, 0.75, 1.0)))
    return t + dur


def _palm_cam(rng, inplane=20.0, yaw=25.0, pitch=15.0):
    f = _rot_img(np.array([0.0, -1.0, 0.0]), _u(rng, -inplane, inplane))
    n = np.array([0.0, 0.0, -1.0])
    y, p = _u(rng, -yaw, yaw), _u(rng, -pitch, pitch)
    return _rot_pitch(_rot_yaw(f, y), p), _rot_pitch(_rot_yaw(n, y), p)


def _g_swipe(tl, t, anchor, P, S, label, far):
    r = P.rng
    dvec = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}[label]
    dv = np.array(dvec)
    horizontal = dv[1] == 0
    frac = _u(r, 0.10, 0.60)
    Ls = frac * (1.0 if horizontal else S["H"])
    dev = math.radians(_u(r, -10, 10))  # the person's own line is not exact
    c, s = math.cos(dev), math.sin(dev)
    dv = np.array([dv[0] * c + dv[1] * s, -dv[0] * s + dv[1] * c])
    perp = np.array([-dv[1], dv[0]])
    start = np.asarray(anchor) - dv * Ls / 2
    arc = _u(r, -0.12, 0.12) * Ls
    style = str(r.choice(["palm_cam", "leading", "blade"] if not horizontal else ["palm_cam", "palm_cam", "leading"]))
    if style == "palm_cam":
        f, n = _palm_cam(r, 25, 30, 20)
    elif style == "leading":
        f = _rot_img(np.array([0.0, -1.0, 0.0]), _u(r, -20, 20))
        n = _unit(np.array([dv[0], dv[1], 0.0]) * _u(r, 0.5, 1.0) + np.array([0, 0, -1.0]) * _u(r, 0.4, 0.9))
    else:
        side = 1.0 if r.random() < 0.5 else -1.0
        f = _unit([side, _u(r, -0.4, 0.1), _u(r, -0.4, 0.1)])
        n = _unit([0.0, dv[1], -_u(r, 0.2, 0.8)])
    phi = _u(r, 5, 22) * (-1 if dv[0] > 0 or dv[1] < 0 else 1)
    d0 = _u(r, -0.05, 0.15)
    pose = P.poses.make("open" if r.random() < 0.6 else "flat")
    st = {"x": start[0], "y": start[1], "d": d0, "f": _rot_img(f, -phi), "n": _rot_img(n, -phi), "pose": pose}
    t = _approach(tl, t, st, P, far)
    t_arrived = t
    prep = _u(r, 0.12, 0.35) / P.speed
    back = _u(r, 0.0, 0.1) * Ls
    if back > 0.005:
        tl.move(t, prep * 0.8, slice(0, 2), start - dv * back, g=_u(r, 0.8, 1.2))
    ts = t + prep
    ds = (0.2 + 0.45 * frac) * _u(r, 0.75, 1.4) / P.speed
    gamma = _u(r, 0.6, 1.5)
    p_from = start - dv * back
    dd = _u(r, -0.08, 0.08)

    def pos(sv):
        w = _mj(sv, gamma)
        return p_from[None, :] + (dv * (Ls + back))[None, :] * w[:, None] + perp[None, :] * (arc * np.sin(np.pi * w))[:, None]

    f0, n0 = st["f"], st["n"]

    def orient(sv):
        w = _mj(sv, gamma)
        ang = -phi + 2 * phi * w
        return np.array([np.concatenate([_rot_img(f0, a + phi), _rot_img(n0, a + phi)]) for a in ang])

    tl.path(ts, ds, slice(0, 2), pos)
    tl.path(ts + 0.03, ds, slice(3, 9), orient)
    tl.move(ts, ds * 0.5, D, d0 + dd)
    tl.move(ts + ds * 0.5, ds * 0.5, D, d0)
    end = ts + ds + _u(r, 0.08, 0.2)
    start_t = max(ts - prep * _u(r, 0.3, 1.0), t_arrived + _u(r, 0.08, 0.15))
    if end - start_t < 0.5:
        end = start_t + 0.5
    free = end + _u(r, 0.0, 0.25)
    return {"start": start_t, "end": end, "free": free, "style": style, "length": frac}


def _g_point(tl, t, anchor, P, S, far):
    r = P.rng
    ang = _u(r, 0, 360)
    tilt = _u(r, -30, 30)
    f = _unit([math.cos(math.radians(ang)), -math.sin(math.radians(ang)), math.tan(math.radians(tilt))])
    for _ in range(10):
        n0 = _u(r, 0, 1) * np.array([0, 1.0, 0]) + _u(r, -0.3, 1) * np.array([0, 0, -1.0]) + _u(r, -0.5, 0.5) * np.array([1.0, 0, 0])
        n = n0 - (n0 @ f) * f
        if np.linalg.norm(n) > 0.3:
            break
    else:
        n = np.array([0, 0, -1.0]) - f[2] * f
    pose = P.poses.make("point_gun" if r.random() < 0.35 else "point")
    variant = "held" if r.random() < 0.5 else "reach"
    fd = np.array([f[0], f[1]])
    fd = fd / max(np.linalg.norm(fd), 1e-9)
    if variant == "held":
        st = {"x": anchor[0], "y": anchor[1], "d": _u(r, -0.05, 0.1), "f": f, "n": n, "pose": pose}
        ta = _approach(tl, t, st, P, far)
        start = ta + _u(r, 0.05, 0.2)
        hold0 = start + 0.1
    else:
        reach = _u(r, 0.04, 0.14)
        pre = 0.5 * (P.poses.make("relaxed") + pose)
        p0 = np.asarray(anchor) - fd * reach
        st = {"x": p0[0], "y": p0[1], "d": _u(r, -0.1, 0.05), "f": _rot_img(f, _u(r, -15, 15)), "n": n, "pose": pre}
        ta = _approach(tl, t, st, P, far)
        ta += _u(r, 0.0, 0.15)
        dr = _u(r, 0.25, 0.6) / P.speed
        tl.move(ta, dr, slice(0, 3), [anchor[0], anchor[1], st["d"] + _u(r, 0.0, 0.12)], g=_u(r, 0.7, 1.3))
        tl.move(ta + 0.05, dr * 0.9, slice(3, 9), np.concatenate([f, n]))
        tl.move(ta, dr * _u(r, 0.6, 1.0), POSE, pose)
        start = ta
        hold0 = ta + dr + 0.1
    hold = _u(r, 0.6, 2.0) if variant == "held" else _u(r, 0.4, 1.5)
    end = min(hold0 + hold, start + 3.0)
    end = max(end, start + 0.6)
    return {"start": start, "end": end, "free": end, "hold": (hold0 + 0.1, end), "style": variant, "intent_deg": ang}


def _g_grab(tl, t, anchor, P, S, far):
    r = P.rng
    if r.random() < 0.65:
        f, n = _palm_cam(r, 25, 40, 15)
    else:
        f = _rot_img(_unit([0.0, -0.6, -0.8]), _u(r, -20, 20))
        n = _unit([0.0, 0.8, -0.6])
        n = n - (n @ f) * f
    st = {"x": anchor[0], "y": anchor[1], "d": _u(r, -0.05, 0.1), "f": f, "n": n, "pose": P.poses.make("open")}
    ta = _approach(tl, t, st, P, far)
    start = ta + _u(r, 0.0, 0.12)
    tc = start + _u(r, 0.1, 0.45)
    dc = _u(r, 0.15, 1.0) / P.speed
    fist = P.poses.make("fist")
    order = [0, 1, 2, 3] if r.random() < 0.5 else [3, 2, 1, 0]
    lag = _u(r, 0.0, 0.07)
    for k, i in enumerate(order):
        sl = slice(9 + 4 * i, 13 + 4 * i)
        tl.move(tc + k * lag, dc, sl, fist[4 * i : 4 * i + 4], g=_u(r, 0.7, 1.4))
    tl.move(tc + _u(r, 0.0, 0.1), dc, slice(25, 29), fist[16:20])
    tl.move(tc, dc * 1.2, slice(0, 3), [anchor[0], anchor[1] + _u(r, -0.01, 0.03), st["d"] - _u(r, 0.0, 0.1)])
    end = tc + dc + 3 * lag + _u(r, 0.2, 0.6)
    end = min(end, start + 3.0)
    return {
        "start": start,
        "end": end,
        "free": end,
        "style": "fast" if dc < 0.45 else "slow",
        "phases": (start, tc, tc + dc + 3 * lag, end),
    }


def _g_come_here(tl, t, anchor, P, S, far):
    r = P.rng
    index_only = r.random() < 0.35
    palm_up = r.random() < 0.4
    if palm_up:
        f = _unit([_u(r, -0.3, 0.3), -_u(r, 0.2, 0.6), -1.0])
        n = _unit([0.0, -1.0, -0.3])
        n = _unit(n - (n @ f) * f)
    else:
        f, n = _palm_cam(r, 25, 25, 15)
    ext = P.poses.make("point" if index_only else "open")
    st = {"x": anchor[0], "y": anchor[1], "d": _u(r, -0.05, 0.1), "f": f, "n": n, "pose": ext}
    ta = _approach(tl, t, st, P, far)
    k = int(r.integers(2, 5))
    freq = _u(r, 1.3, 2.6) * min(P.speed, 1.15)
    if k / freq > 2.6:
        freq = k / 2.6
    half = 0.5 / freq
    tt = ta + _u(r, 0.0, 0.15)
    start = tt - _u(r, 0.0, 0.1)
    for _ in range(k):
        hook = P.poses.make("hook_index" if index_only else "hook")
        amp = _u(r, 0.75, 1.1)
        curled = ext + amp * (hook - ext)
        tl.move(tt, half * _u(r, 0.8, 1.05), POSE, curled, g=_u(r, 0.8, 1.2))
        fc = _unit(f + 0.15 * n)
        tl.move(tt, half, slice(3, 6), fc)
        tt += half
        tl.move(tt, half * _u(r, 0.8, 1.05), POSE, P.poses.make("point" if index_only else "open"))
        tl.move(tt, half, slice(3, 6), f)
        tt += half
    end = min(tt + _u(r, 0.05, 0.15), start + 3.0)
    return {
        "start": start,
        "end": end,
        "free": end,
        "style": ("index" if index_only else "hand") + ("_palm_up" if palm_up else "_palm_cam"),
        "cycles": k,
    }


def _g_stop(tl, t, anchor, P, S, far):
    r = P.rng
    f, n = _palm_cam(r, 20, 25, 18)
    d0 = _u(r, -0.1, 0.05)
    st = {
        "x": anchor[0],
        "y": anchor[1] + _u(r, 0.0, 0.03),
        "d": d0,
        "f": f,
        "n": n,
        "pose": P.poses.make("flat" if r.random() < 0.6 else "open"),
    }
    ta = _approach(tl, t, st, P, far)
    push = _u(r, 0.03, 0.2)
    tp = _u(r, 0.1, 0.3)
    tl.move(ta - tp * 0.6, tp, slice(0, 3), [anchor[0], anchor[1], d0 + push])
    start = ta + _u(r, 0.0, 0.2)
    end = start + _u(r, 0.5, 2.0)
    end = max(end, start + 0.6)
    end = min(end, start + 3.0)
    return {"start": start, "end": end, "free": end, "hold": (ta + 0.15, end), "style": "push"}


def _gesture(label, tl, t, anchor, P, S, far):
    if label in SWIPES:
        return _g_swipe(tl, t, anchor, P, S, label, far)
    return {"point": _g_point, "grab": _g_grab, "come_here": _g_come_here, "stop": _g_stop}[label](tl, t, anchor, P, S, far)


def _idle(tl, t, dur, base, P):
    r, L = P.rng, P.L
    end = t + dur
    while t < end - 0.15:
        step = min(_u(r, 0.3, 1.2), end - t)
        st = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in base.items()}
        st["x"] += r.normal(0, 0.05 * L)
        st["y"] += r.normal(0, 0.03 * L)
        st["f"] = _rot_img(_rot_yaw(_unit(st["f"]), r.normal(0, 8)), r.normal(0, 8))
        st["pose"] = st["pose"] + r.normal(0, 6, 20)
        if r.random() < 0.12 and step > 0.6:
            up = dict(st)
            up["y"] = st["y"] - _u(r, 0.2, 0.5) * L
            tl.go(t, step * 0.45, up, pose_win=(0, 1))
            tl.go(t + step * 0.5, step * 0.45, st, pose_win=(0, 1))
        else:
            tl.go(t, step * _u(r, 0.5, 0.9), st, pose_win=(0, 1))
        t += step
    return max(t, end)


# --------------------------------------------------------------------------
def _frames(st_f, st_n):
    v = st_f.copy()
    nv = np.linalg.norm(v, axis=1)
    weak = nv < 0.35
    v[weak, 2] -= 0.35 - nv[weak]
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    n = st_n - np.sum(st_n * v, axis=1, keepdims=True) * v
    nn = np.linalg.norm(n, axis=1)
    bad = nn < 1e-3
    if bad.any():
        alt = np.array([0.0, 0.0, -1.0]) - v[bad, 2:3] * v[bad]
        n[bad] = alt
        nn = np.linalg.norm(n, axis=1)
    n /= nn[:, None]
    u = np.cross(v, n)
    return np.stack([u, v, n], axis=2)  # columns u, v, n


def _noise_smooth(rng, T, k, scale):
    w = rng.normal(0, 1, T + 2 * k)
    ker = np.hanning(2 * k + 1)
    s = np.convolve(w, ker / ker.sum(), mode="same")[k : k + T]
    return s / (s.std() + 1e-9) * scale


def _tremor(rng, T, amp):
    t = np.arange(T) / FPS
    out = np.zeros(T)
    for _ in range(3):
        out += np.sin(2 * np.pi * _u(rng, 7.5, 12) * t + _u(rng, 0, 6.3))
    env = 1 + 0.5 * _noise_smooth(rng, T, 15, 1.0)
    return out / 3 * amp * np.clip(env, 0.2, 2)


def _render(P, S, motion):
    T = len(motion)
    rng = P.rng
    motion = motion.copy()
    motion[:, 0] += _noise_smooth(rng, T, 20, 0.015 * P.L) + _tremor(rng, T, P.tremor * P.L)
    motion[:, 1] += _noise_smooth(rng, T, 20, 0.012 * P.L) + _tremor(rng, T, P.tremor * P.L)
    motion[:, POSE] += np.stack([_tremor(rng, T, 1.0) for _ in range(20)], axis=1)
    R = _frames(motion[:, F], motion[:, N])
    loc = P.hand.local(motion[:, POSE])
    cam = np.einsum("tij,tkj->tki", R, loc)
    size = P.L * np.exp(motion[:, D])
    pts = cam * size[:, None, None]
    pts[:, :, 0] += motion[:, 0][:, None]
    pts[:, :, 1] += motion[:, 1][:, None]
    return pts


def _place(pts, S, gframes, rng, allow_out):
    """Camera roll, then shrink/translate so the gesture frames fit the frame."""
    H = S["H"]
    g = pts[gframes]
    c = np.array([(g[..., 0].min() + g[..., 0].max()) / 2, (g[..., 1].min() + g[..., 1].max()) / 2])
    a = math.radians(S["roll"])
    ca, sa = math.cos(a), math.sin(a)
    x = pts[..., 0] - c[0]
    y = pts[..., 1] - c[1]
    out = pts.copy()
    out[..., 0] = x * ca + y * sa
    out[..., 1] = -x * sa + y * ca
    g = out[gframes]
    x0, x1 = g[..., 0].min(), g[..., 0].max()
    y0, y1 = g[..., 1].min(), g[..., 1].max()
    lo = -0.04 if allow_out else 0.0
    m = [_u(rng, lo, 0.05) for _ in range(4)]
    aw, ah = 1 - m[0] - m[1], H - m[2] * H - m[3] * H
    s = min(1.0, aw / max(x1 - x0, 1e-6), ah / max(y1 - y0, 1e-6))
    nx = m[0] + _u(rng, 0, 1) * max(aw - s * (x1 - x0), 0)
    ny = m[2] * H + _u(rng, 0, 1) * max(ah - s * (y1 - y0), 0)
    out[..., 0] = (out[..., 0] - x0) * s + nx
    out[..., 1] = (out[..., 1] - y0) * s + ny
    out[..., 2] = out[..., 2] * s
    return out, s


def _tracker(rng, pts, H):
    """pts: clean (T, 21, 3) in width units (y in [0, H]), z absolute depth. Returns normalised."""
    T = len(pts)
    meta = {}
    size = np.linalg.norm(pts[:, 9, :2] - pts[:, 0, :2], axis=1)
    size = np.maximum(size, 1e-3)
    z = pts[..., 2] - pts[:, :1, 2]
    zs = _u(rng, 0.45, 1.0)
    meas = pts.copy()
    meas[..., 2] = z * zs
    js, ji = _u(rng, 0.004, 0.015), _u(rng, 0.004, 0.014)
    rho = _u(rng, 0.5, 0.9)
    shared = np.zeros((T, 3))
    e = rng.normal(0, 1, (T, 3))
    for t in range(1, T):
        shared[t] = rho * shared[t - 1] + math.sqrt(1 - rho * rho) * e[t]
    tipw = np.ones(21)
    tipw[[4, 8, 12, 16, 20]] = 1.6
    tipw[[3, 7, 11, 15, 19]] = 1.3
    noise = rng.normal(0, 1, (T, 21, 3)) * ji * tipw[None, :, None] + shared[:, None, :] * js
    noise[..., 2] *= 2.5
    meas += noise * size[:, None, None]
    # glitches
    rate = _u(rng, 0.0, 0.5)
    ng = int(rng.poisson(rate * T / FPS))
    kinds = []
    for _ in range(ng):
        t0 = int(rng.integers(0, T))
        kind = str(rng.choice(["swap", "outlier", "fold", "jump"]))
        kinds.append(kind)
        if kind == "swap":
            ln = int(rng.integers(1, 4))
            a, b = [(5, 9), (9, 13), (13, 17)][int(rng.integers(0, 3))]
            seg = slice(t0, min(T, t0 + ln))
            tmp = meas[seg, a : a + 4].copy()
            meas[seg, a : a + 4] = meas[seg, b : b + 4]
            meas[seg, b : b + 4] = tmp
        elif kind == "outlier":
            k = int(rng.integers(1, 21))
            seg = slice(t0, min(T, t0 + int(rng.integers(1, 3))))
            meas[seg, k, :2] += rng.normal(0, 1, 2) * _u(rng, 0.3, 0.8) * size[t0]
        elif kind == "fold":
            fi = int(rng.integers(0, 4))
            seg = slice(t0, min(T, t0 + int(rng.integers(2, 6))))
            base = 5 + 4 * fi
            lam = _u(rng, 0.4, 0.7)
            for j in (2, 3):
                meas[seg, base + j] = meas[seg, base + j] + lam * (meas[seg, base] - meas[seg, base + j])
        else:
            meas[t0, :, :2] += rng.normal(0, 1, 2) * _u(rng, 0.1, 0.3) * size[t0]
    meta["glitches"] = kinds
    # visibility
    xs, ys = pts[..., 0], pts[..., 1] / H
    inside = (xs > 0) & (xs < 1) & (ys > 0) & (ys < 1)
    wrist_ok = (xs[:, 0] > -0.03) & (xs[:, 0] < 1.03) & (ys[:, 0] > -0.03) & (ys[:, 0] < 1.03)
    lost = ~(wrist_ok & (inside.mean(axis=1) >= 0.7))
    runs = 0
    if rng.random() < 0.4:
        for _ in range(int(rng.integers(1, 3))):
            ln = int(rng.integers(2, 9))
            t0 = int(rng.integers(0, max(1, T - ln)))
            lost[t0 : t0 + ln] = True
            runs += 1
    meta["loss_runs"] = runs
    # adaptive smoothing
    amin, beta = _u(rng, 0.35, 0.85), _u(rng, 2.0, 8.0)
    out = np.full_like(meas, np.nan)
    prev = None
    for t in range(T):
        if lost[t]:
            prev = None
            continue
        if prev is None:
            cur = meas[t].copy()
        else:
            sp = np.mean(np.abs(meas[t, :, :2] - prev[:, :2])) / size[t]
            a = min(1.0, amin + beta * sp)
            cur = prev + a * (meas[t] - prev)
        out[t] = cur
        prev = cur
    out[..., 2] -= out[:, :1, 2]
    out[..., 2] = 0.28 * np.tanh(out[..., 2] / 0.28)
    out[..., 1] /= H
    # dropped and repeated frames
    p_drop, p_rep = _u(rng, 0.0, 0.035), _u(rng, 0.0, 0.05)
    u = rng.random(T)
    drop = u < p_drop
    rep = (u >= p_drop) & (u < p_drop + p_rep)
    for t in range(1, T):
        if rep[t]:
            out[t] = out[t - 1]
    out[drop] = np.nan
    bad = np.any((out[..., :2] < LIMIT[0] + 0.02) | (out[..., :2] > LIMIT[1] - 0.02), axis=(1, 2))
    out[bad] = np.nan
    meta.update(
        {
            "p_drop": round(p_drop, 4),
            "p_repeat": round(p_rep, 4),
            "jitter": round(ji, 4),
            "smooth_alpha_min": round(amin, 3),
            "z_scale": round(zs, 3),
        }
    )
    return out, meta


def _direction(clean, f0, f1):
    seg = clean[f0:f1]
    v = seg[:, 8, :2] - seg[:, 5, :2]
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
    m = v.mean(axis=0)
    return float(math.degrees(math.atan2(-m[1], m[0])) % 360.0)


def make_clip(kind, labels, seed, tracker=True):
    """One clip of ``kind`` performing ``labels`` in order (deterministic per seed)."""
    rng = np.random.default_rng(seed)
    labels = list(labels)
    aspect = float(rng.choice([1.0, 4 / 3, 16 / 9], p=[0.4, 0.4, 0.2]))
    H = 1.0 / aspect
    L = float(math.exp(_u(rng, math.log(0.13), math.log(0.55))))
    L = min(L, 0.8 * H)
    S = {"H": H, "aspect": aspect, "roll": _u(rng, -25, 25)}
    P = _Person(rng, L)
    anchor0 = np.array([_u(rng, 0.3, 0.7), _u(rng, 0.3, 0.6) * H])
    rest_visible = bool(rng.random() < 0.6)
    rest = P.rest(anchor0, rest_visible)
    tl = _Timeline(rest)
    t = _idle(tl, 0.0, _u(rng, 0.15, 0.4) if kind == "tight" else _u(rng, 0.4, 2.5), rest, P)
    infos = []
    for i, lab in enumerate(labels):
        anchor = anchor0.copy()
        far = True
        if i > 0:
            if kind == "recording":
                anchor = anchor0 + np.array([rng.normal(0, 0.08), rng.normal(0, 0.05) * H])
                if rng.random() < 0.6:
                    dur = _u(rng, 0.4, 0.9) / P.speed
                    tl.go(t, dur, rest, pose_win=(0.0, 0.8))
                    t = _idle(tl, t + dur, _u(rng, 0.3, 2.0), rest, P)
                else:
                    mid = tl.state()
                    lam = _u(rng, 0.3, 0.7)
                    for k in ("x", "y", "d"):
                        mid[k] = (1 - lam) * mid[k] + lam * rest[k]
                    mid["pose"] = 0.5 * (mid["pose"] + rest["pose"])
                    dur = _u(rng, 0.35, 0.7) / P.speed
                    tl.go(t, dur, mid, pose_win=(0.0, 0.9))
                    t = t + dur + _u(rng, 0.3, 1.2)
            else:  # pair: direct co-articulated transition or a partial lowering
                anchor = anchor0 + np.array([rng.normal(0, 0.05), rng.normal(0, 0.03) * H])
                if rng.random() < 0.5:
                    far = False
                    t += _u(rng, 0.0, 0.3)
                else:
                    mid = tl.state()
                    lam = _u(rng, 0.2, 0.6)
                    for k in ("x", "y", "d"):
                        mid[k] = (1 - lam) * mid[k] + lam * rest[k]
                    mid["pose"] = 0.5 * (mid["pose"] + rest["pose"])
                    dur = _u(rng, 0.3, 0.6) / P.speed
                    tl.go(t, dur, mid, pose_win=(0.0, 0.9))
                    t = t + dur + _u(rng, 0.1, 0.6)
        info = _gesture(lab, tl, t, anchor, P, S, far)
        info["label"] = lab
        infos.append(info)
        t = info["free"]
    dur = _u(rng, 0.4, 0.9) / P.speed
    tl.go(t, dur, rest, pose_win=(0.0, 0.7))
    t += dur
    t = _idle(tl, t, 0.3 if kind == "tight" else _u(rng, 0.4, 2.5), rest, P)
    T = int(math.ceil(t * FPS)) + 1
    motion = _spring(tl.dense(T), P.omega, P.zeta)
    pts = _render(P, S, motion)
    spans = []
    for info in infos:
        s0 = int(round(info["start"] * FPS))
        s1 = int(round(info["end"] * FPS))
        s0 = max(s0, spans[-1][1] if spans else 0)
        s1 = max(s1, s0 + 12)
        spans.append((s0, min(s1, T)))
    gmask = np.zeros(T, bool)
    for a, b in spans:
        gmask[a:b] = True
    fitmask = np.ones(T, bool) if rest_visible else gmask
    pts, shrink = _place(pts, S, fitmask, rng, allow_out=any(l in SWIPES for l in labels))  # noqa: E741
    clean = pts.copy()
    clean[..., 2] -= clean[:, :1, 2]
    clean[..., 2] = 0.28 * np.tanh(clean[..., 2] / 0.28)
    clean[..., 1] /= H
    if tracker:
        lm, tmeta = _tracker(rng, pts, H)
    else:
        lm, tmeta = clean.copy(), {}
    gestures = []
    styles = []
    for info, (a, b) in zip(infos, spans):
        direction = None
        if info["label"] == "point":
            h0, h1 = (int(round(v * FPS)) for v in info["hold"])
            h0, h1 = max(a, min(h0, b - 4)), min(b, max(h1, h0 + 4))
            direction = round(_direction(clean, h0, h1), 2)
        gestures.append((info["label"], a, b, direction))
        styles.append(info.get("style"))
    if kind == "tight":
        a, b = spans[0]
        lm = lm[a:b]
        gestures = [(gestures[0][0], 0, b - a, gestures[0][3])]
    lm = lm.astype(np.float32)
    finite = np.isfinite(lm).all(axis=(1, 2))
    width = float(np.median(clean[gmask][..., 0].max(axis=1) - clean[gmask][..., 0].min(axis=1)))
    meta = {
        "seed": int(seed),
        "hand": "left" if P.hand.left else "right",
        "hand_length": round(L * shrink, 4),
        "hand_width_frac": round(width, 4),
        "aspect": round(aspect, 4),
        "roll_deg": round(S["roll"], 2),
        "speed": round(P.speed, 3),
        "rest": P.rest_style,
        "rest_in_frame": rest_visible,
        "styles": styles,
        "nan_frames": int((~finite).sum()),
        "tracker": tmeta,
    }
    return Blind3Clip(landmarks=lm, gestures=gestures, kind=kind, meta=meta)


def _kind_counts(n):
    raw = {k: SHARES[k] * n for k in KINDS}
    cnt = {k: int(math.floor(v)) for k, v in raw.items()}
    rest = n - sum(cnt.values())
    for k in sorted(KINDS, key=lambda k: -(raw[k] - cnt[k]))[:rest]:
        cnt[k] += 1
    return cnt


def blind3_dataset(n: int, seed: int) -> list:
    """``n`` clips, deterministic per ``seed``."""
    rng = np.random.default_rng([3, int(seed)])
    cnt = _kind_counts(n)
    kinds = [k for k in KINDS for _ in range(cnt[k])]
    kinds = [kinds[i] for i in rng.permutation(len(kinds))]
    perm = [GESTURES[i] for i in rng.permutation(len(GESTURES))]
    cycle = iter(perm[i % len(perm)] for i in range(10**6))
    order = {"tight": [], "margin": []}
    for k in ("tight", "margin"):
        order[k] = [next(cycle) for _ in range(cnt[k])]
    seeds = rng.integers(0, 2**62, size=n)
    clips = []
    pos = {"tight": 0, "margin": 0}
    for i, kind in enumerate(kinds):
        if kind in ("tight", "margin"):
            labels = [order[kind][pos[kind]]]
            pos[kind] += 1
        elif kind == "pair":
            c = int(rng.integers(0, 4))
            if c == 0:
                labels = ["point", str(rng.choice(SWIPES))]
            elif c == 1:
                labels = ["grab", str(rng.choice(SWIPES))]
            elif c == 2:
                labels = ["point", "grab"]
            else:
                labels = ["point", "come_here"]
        else:
            m = int(rng.integers(3, 6))
            labels = []
            while len(labels) < m:
                g = str(rng.choice(GESTURES))
                if not labels or g != labels[-1]:
                    labels.append(g)
        clips.append(make_clip(kind, labels, int(seeds[i])))
    return clips


def _angle_err(a, b):
    return abs((a - b + 180.0) % 360.0 - 180.0)


def score(recognize, clips) -> dict:
    """Exact-sequence accuracy of ``recognize(landmarks) -> [{"label", "start", "end", "direction_deg"}]``.

    A point read correctly but without a direction counts as a 180 deg error.
    """
    n = len(clips)
    ok_all = 0
    kind_tot, kind_ok, g_tot, g_ok = {}, {}, {}, {}
    errs = []
    confusion = {}
    for clip in clips:
        said = list(recognize(clip.landmarks) or [])
        said_labels = [str(d["label"]) for d in said]
        performed = [g[0] for g in clip.gestures]
        ok = said_labels == performed
        ok_all += ok
        kind_tot[clip.kind] = kind_tot.get(clip.kind, 0) + 1
        kind_ok[clip.kind] = kind_ok.get(clip.kind, 0) + int(ok)
        if clip.kind in ("tight", "margin"):
            g = performed[0]
            g_tot[g] = g_tot.get(g, 0) + 1
            g_ok[g] = g_ok.get(g, 0) + int(ok)
        if ok:
            for truth, out in zip(clip.gestures, said):
                if truth[0] == "point" and truth[3] is not None:
                    d = out.get("direction_deg")
                    errs.append(180.0 if d is None else _angle_err(float(d), float(truth[3])))
        key = "+".join(performed) + " -> " + ("+".join(said_labels) if said_labels else "none")
        confusion[key] = confusion.get(key, 0) + 1
    return {
        "n": n,
        "accuracy": ok_all / n if n else 0.0,
        "by_kind": {k: kind_ok[k] / kind_tot[k] for k in kind_tot},
        "by_gesture": {g: g_ok[g] / g_tot[g] for g in g_tot},
        "pointing_error_deg": {
            "median": float(np.median(errs)) if errs else None,
            "mean": float(np.mean(errs)) if errs else None,
            "n": len(errs),
        },
        "confusion": dict(sorted(confusion.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    clips = blind3_dataset(args.n, args.seed)
    records = []
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    for i, c in enumerate(clips):
        labels = " ".join(f"{g[0]}[{g[1]}:{g[2]}]" + (f"@{g[3]:.0f}" if g[3] is not None else "") for g in c.gestures)
        print(
            f"{i:3d} {c.kind:9s} T={len(c.landmarks):4d} nan={c.meta['nan_frames']:3d} "
            f"hand={c.meta['hand']:5s} w={c.meta['hand_width_frac']:.2f} {labels}"
        )
        if args.out:
            name = f"clip_{i:03d}.npy"
            np.save(os.path.join(args.out, name), c.landmarks)
            records.append(
                {
                    "file": name,
                    "kind": c.kind,
                    "gestures": [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in c.gestures],
                    "meta": c.meta,
                }
            )
    if args.out:
        with open(os.path.join(args.out, "labels.json"), "w") as fh:
            json.dump({"n": args.n, "seed": args.seed, "clips": records}, fh, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
