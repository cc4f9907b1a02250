"""Blind generator 14: hand-landmark clips of children, adults and elderly people commanding a home-care robot.

What is modelled
----------------
Setting: a home or care home.  A slow domestic mobile robot (camera 0.6-1.1 m above the floor, a
wide-angle lens with barrel distortion, landscape webcams or a portrait tablet "face") looks at one
person 1-3 m away: children of 6-12, adults, elderly people, standing, sitting on a chair or sofa, or
in a wheelchair.  The robot looks up at standing people and level at seated ones; it follows the person
with a lagging pan controller, sometimes turns away and back, sometimes drives slowly, and its floor
vibration shakes the picture, so the hand drifts in the image even when it is held still.

Hands: an own 21-joint skeleton (finger abduction, MCP/PIP/DIP flexion, a thumb with CMC opposition and
palmar abduction, a palmar arch) sized from age and body height, with individual phalanx and palm
ratios, 2D:4D variation and left or right handedness (a left hand is the mirror image of a right hand).
Elderly people show incomplete finger extension and incomplete fists, ulnar drift, slow movements with
a 4-7 Hz tremor and small, elbow-and-wrist swipes; children are fast, big, overshooting and repeat
swipes (each repetition is annotated as a separate swipe); adults are economical.  Movements are sums
of overlapping lognormal velocity strokes (sigma-lognormal motor control) with Fitts-like durations,
plus raised-cosine cycles for beckoning and waving, slow postural drift and breathing.

Gestures: several styles each (points that reach, jab, form in place or are simply held; palm-leading,
back-hand, palm-to-camera, index, flick and loose swipes with wrist rotation and curved paths; grabs
with the fingers closing in sequence; four ways of beckoning; raised, pushed, high or tilted stops).
Idle time is unlabelled: resting (arm hanging, hands clasped, hand in the pocket, on the hip, arms
crossed, on the lap, armrest or wheelchair joystick), fidgeting, touching the face, scratching,
adjusting glasses, talking to someone else with beat gestures, pointing for someone else, waving hello
or bye-bye, clapping, petting the dog, carrying, picking up and putting down things, drinking from a
cup, using a phone, steering a wheelchair, and walking into, out of and across the picture.
Annotation rule: a gesture is labelled only if it is addressed to the robot.  A point (or any gesture)
whose stroke or hold begins while the person's body is turned away from the robot towards another
person is idle, even if the person then turns to the robot while still holding it.  Preparation,
retraction and the return strokes between repeated swipes are not labelled.

Tracker: a desktop MediaPipe-like tracker (palm detection, then landmark tracking) with detection
failures for small, blurred (dim light lengthens the exposure), edge-on, occluded (torso, pocket,
objects held) and out-of-frame hands; re-detection warm-up frames with decaying offset, scale and
rotation errors; mirrored (left/right) fits; latching onto the other hand; jitter that grows as the
hand gets smaller/farther and with blur, temporally correlated; one-euro, alpha-beta (Kalman-like),
EMA or no smoothing; lost frames written as NaN, zeros, repeats, or repeats and then NaN, and
duplicated camera frames.

This generator was written without reading any other gesture generator or the code it is used to
evaluate.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from dataclasses import dataclass, field

import numpy as np

LABELS = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
KINDS = ("tight", "margin", "pair", "recording")
FPS = 30.0
MIN_GESTURE_S = 0.5
MAX_GESTURE_S = 3.0

ANNOTATION_RULE = (
    "Only gestures addressed to the robot are labelled: a gesture whose stroke or hold begins while the "
    "person's body is turned away towards another person is idle, even if they then turn to the robot. "
    "Preparation, retraction and the return strokes between repeated swipes are idle. "
    "end_frame is exclusive."
)

_NUM = 14
_MAX_CLIP_S = 19.3
_GRID_S = 21.0
_BAND = (-0.3, 1.3)
_BLOCK = ("tight",) * 6 + ("margin",) * 5 + ("pair",) * 5 + ("recording",) * 4
_PAIRS = (("point", "swipe"), ("grab", "swipe"), ("point", "grab"), ("point", "come_here"))
_SWIPES = ("swipe_left", "swipe_right", "swipe_up", "swipe_down")
_X = np.array([1.0, 0.0, 0.0])
_Y = np.array([0.0, 1.0, 0.0])
_Z = np.array([0.0, 0.0, 1.0])
_DEG = math.pi / 180.0


@dataclass
class Blind14Clip:
    landmarks: np.ndarray
    gestures: tuple
    kind: str
    meta: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------
# small numerical helpers


def _rng(*keys: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([_NUM] + [int(k) % (2**32) for k in keys]))


def _erf(x: np.ndarray) -> np.ndarray:
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-a * a)
    return s * y


_K98 = 2.0537


def _progress(t: np.ndarray, t_start: float, dur: float, sigma: float) -> np.ndarray:
    """Cumulative lognormal stroke: 2 % done at t_start, 98 % done at t_start + dur."""
    sigma = max(float(sigma), 0.06)
    emu = dur / (2.0 * math.sinh(_K98 * sigma))
    t0 = t_start - emu * math.exp(-_K98 * sigma)
    x = t - t0
    out = np.zeros_like(t)
    m = x > 1e-9
    z = (np.log(x[m]) - math.log(emu)) / sigma
    out[m] = 0.5 * (1.0 + _erf(z / math.sqrt(2.0)))
    return out


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / (np.linalg.norm(v) + 1e-12)


def _tukey(t: np.ndarray, t0: float, t1: float, ramp: float) -> np.ndarray:
    ramp = max(ramp, 1e-3)
    w = np.clip((t - t0) / ramp, 0.0, 1.0) * np.clip((t1 - t) / ramp, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * w)


def _smooth(rng: np.random.Generator, t: np.ndarray, dims: int, amp: float, f_lo: float, f_hi: float, k: int = 4) -> np.ndarray:
    out = np.zeros((len(t), dims))
    for _ in range(k):
        f = rng.uniform(f_lo, f_hi, dims)
        ph = rng.uniform(0.0, 2.0 * np.pi, dims)
        a = rng.normal(0.0, 1.0, dims)
        out += a * np.sin(2.0 * np.pi * f * t[:, None] + ph)
    return out * amp / math.sqrt(k / 2.0)


def _cycles(t: np.ndarray, t0: float, freq: float, n: int, rng: np.random.Generator, skew: float = 1.0):
    """n raised-cosine cycles (0 -> 1 -> 0) starting at t0, each a little different; returns (w, t_end)."""
    w = np.zeros_like(t)
    s = t0
    for _ in range(n):
        d = rng.uniform(0.88, 1.12) / freq
        a = rng.uniform(0.78, 1.0)
        m = (t >= s) & (t < s + d)
        x = ((t[m] - s) / d) ** skew
        w[m] = a * (0.5 - 0.5 * np.cos(2.0 * np.pi * x))
        s += d
    return w, s


class _Track:
    """A signal built as a sum of lognormal strokes (plus additive overlays)."""

    def __init__(self, t: np.ndarray, start, wrap=None):
        self.t = t
        self.goal = np.array(start, dtype=float)
        self.val = np.tile(self.goal, (len(t), 1))
        self.wrap = None if wrap is None else np.asarray(wrap, dtype=bool)

    def to(self, t0: float, dur: float, target, sigma: float = 0.22, dims=None) -> np.ndarray:
        target = np.broadcast_to(np.asarray(target, dtype=float), self.goal.shape)
        d = np.where(np.isnan(target), 0.0, target - self.goal)
        if self.wrap is not None:
            d = np.where(self.wrap, (d + np.pi) % (2.0 * np.pi) - np.pi, d)
        if dims is not None:
            m = np.zeros_like(d)
            m[np.asarray(dims)] = 1.0
            d = d * m
        return self.shift(t0, dur, d, sigma)

    def shift(self, t0: float, dur: float, delta, sigma: float = 0.22) -> np.ndarray:
        delta = np.asarray(delta, dtype=float)
        prog = _progress(self.t, t0, max(dur, 1.5 / FPS), sigma)
        if np.any(delta):
            self.goal = self.goal + delta
            self.val += prog[:, None] * delta[None, :]
        return prog


# ----------------------------------------------------------------------------------------------
# hand skeleton


def _pose(abd, mcp, pip, dip, thumb, cup=0.0) -> np.ndarray:
    j = np.zeros(21)
    j[0:16:4] = abd
    j[1:16:4] = mcp
    j[2:16:4] = pip
    j[3:16:4] = dip
    j[16:20] = thumb
    j[20] = cup
    return j


# joint vector: per finger (index, middle, ring, pinky) [abduction, MCP, PIP, DIP] in degrees;
# thumb [CMC radial angle, CMC palmar abduction, MCP flexion, IP flexion]; palmar arch ("cup").
_POSES = {
    "open": _pose((13, 3, -7, -17), (2, 0, 2, 4), (4, 3, 3, 4), (3, 2, 2, 3), (50, 12, 3, 3), 0),
    "flat": _pose((4, 0, -3, -7), (0, 0, 1, 2), (3, 2, 2, 3), (2, 2, 2, 2), (24, 8, 5, 5), 0),
    "relaxed": _pose((6, 1, -4, -9), (18, 24, 30, 36), (30, 38, 42, 46), (14, 18, 20, 22), (32, 28, 15, 15), 8),
    "fist": _pose((-2, 0, 2, 4), (86, 88, 88, 86), (100, 104, 104, 98), (55, 58, 58, 52), (0, 25, 40, 30), 22),
    "point": _pose((3, 0, 3, 5), (4, 84, 86, 84), (6, 100, 100, 96), (4, 55, 55, 50), (3, 28, 38, 30), 18),
    "point_thumb": _pose((3, 0, 3, 5), (4, 80, 86, 84), (6, 100, 100, 96), (4, 55, 55, 50), (40, 15, 0, 5), 14),
    "grip": _pose((0, 0, -2, -4), (52, 56, 58, 60), (62, 66, 66, 62), (25, 28, 28, 26), (6, 42, 15, 12), 12),
    "pinch": _pose((5, 0, -3, -6), (40, 48, 55, 60), (38, 62, 66, 66), (22, 32, 34, 34), (15, 42, 22, 22), 10),
    "claw": _pose((6, 0, -4, -8), (35, 38, 40, 42), (55, 58, 58, 58), (35, 38, 38, 38), (30, 30, 20, 20), 8),
    "knuckle": _pose((0, 0, 0, 0), (70, 75, 78, 80), (95, 100, 100, 96), (50, 55, 55, 50), (10, 30, 30, 25), 15),
}
_FLEX = np.array([1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15])
_ABD = np.array([0, 4, 8, 12])
_JMAX = np.tile([95.0, 110.0, 80.0], 4)
_EXTW = np.tile([0.5, 1.0, 0.6], 4)
_QTHUMB = _unit([-1.0, 0.1, 0.9])


def _hand_geometry(rng: np.random.Generator, L: float) -> dict:
    pw = L * rng.uniform(0.41, 0.48)
    pl = L * rng.uniform(0.46, 0.50)
    fm = L - pl
    ratio = np.array([0.92, 1.0, 0.95, 0.77]) + rng.normal(0.0, 0.015, 4)
    ratio[1] = 1.0
    phal = np.array([[0.46, 0.30, 0.24], [0.46, 0.30, 0.24], [0.46, 0.30, 0.24], [0.44, 0.29, 0.27]])
    phal = phal * rng.uniform(0.96, 1.04, (4, 3))
    seg = (fm * ratio)[:, None] * phal / phal.sum(1, keepdims=True)
    mcp = np.stack(
        [
            pw * np.array([0.37, 0.12, -0.13, -0.35]) + rng.normal(0.0, 0.008 * L, 4),
            pl * np.array([0.95, 1.0, 0.95, 0.85]),
            L * np.array([0.0, -0.012, 0.0, 0.015]),
        ],
        axis=1,
    )
    cmc = np.array([0.30 * pw, 0.14 * pl, 0.10 * pw])
    tseg = L * np.array([0.235, 0.165, 0.13]) * rng.uniform(0.94, 1.06)
    return {"L": L, "pw": pw, "pl": pl, "seg": seg, "mcp": mcp, "cmc": cmc, "tseg": tseg}


def _hand_local(J: np.ndarray, geo: dict) -> np.ndarray:
    """Right-hand landmarks in the hand frame (a: radial/thumb side, b: distal, c: palmar), metres."""
    T = len(J)
    r = np.radians(J)
    out = np.zeros((T, 21, 3))
    cup = r[:, 20]
    for f in range(4):
        k = (0.0, 0.0, 0.35, 0.7)[f]
        base = np.tile(geo["mcp"][f], (T, 1))
        base[:, 2] += k * np.sin(cup) * geo["pw"] * 0.5
        base[:, 0] += k * (1.0 - np.cos(cup)) * geo["pw"] * 0.8
        sa = np.sin(r[:, 4 * f])
        ca = np.cos(r[:, 4 * f])
        cum = k * cup * 0.5
        p = base
        out[:, 5 + 4 * f] = base
        for s in range(3):
            cum = cum + r[:, 4 * f + 1 + s]
            c = np.cos(cum)
            d = np.stack([sa * c, ca * c, np.sin(cum)], -1)
            p = p + geo["seg"][f, s] * d
            out[:, 6 + 4 * f + s] = p
    al, be = r[:, 16], r[:, 17]
    d0 = np.stack([np.sin(al) * np.cos(be), np.cos(al) * np.cos(be), np.sin(be)], -1)
    w = _QTHUMB[None, :] - (d0 @ _QTHUMB)[:, None] * d0
    w /= np.linalg.norm(w, axis=1, keepdims=True) + 1e-12
    p = np.tile(geo["cmc"], (T, 1))
    out[:, 1] = p
    cum = np.zeros(T)
    for s in range(3):
        d = np.cos(cum)[:, None] * d0 + np.sin(cum)[:, None] * w
        p = p + geo["tseg"][s] * d
        out[:, 2 + s] = p
        if s < 2:
            cum = cum + r[:, 18 + s]
    return out


def _uvn(psi, eps, rho):
    """Hand axes from (psi: in-image finger angle, eps: finger elevation towards the camera, rho: roll).

    u: radial (thumb side of a right hand), v: distal (fingers), n: palmar normal; u = v x n.
    rho = 0 puts the palm towards the camera (for eps = 0).
    """
    cp, sp = np.cos(psi), np.sin(psi)
    ce, se = np.cos(eps), np.sin(eps)
    cr, sr = np.cos(rho), np.sin(rho)
    v = np.stack([ce * cp, -ce * sp, -se], -1)
    u = np.stack([sr * se * cp + cr * sp, -sr * se * sp + cr * cp, sr * ce], -1)
    n = np.stack([-cr * se * cp + sr * sp, cr * se * sp + sr * cp, -cr * ce], -1)
    return u, v, n


def _best_rho(psi: float, eps: float, pref) -> float:
    cp, sp, ce, se = math.cos(psi), math.sin(psi), math.cos(eps), math.sin(eps)
    na = np.array([-se * cp, se * sp, -ce])
    nb = np.array([sp, cp, 0.0])
    pref = np.asarray(pref, dtype=float)
    return math.atan2(float(nb @ pref), float(na @ pref))


def _angles(v, pref, rng=None, rho_sd: float = 0.0) -> np.ndarray:
    v = _unit(v)
    eps = math.asin(float(np.clip(-v[2], -1.0, 1.0)))
    psi = math.atan2(-v[1], v[0])
    rho = _best_rho(psi, eps, _unit(pref))
    if rng is not None and rho_sd > 0:
        rho += rng.normal(0.0, rho_sd)
    return np.array([psi, eps, rho])


def _fk(pos: np.ndarray, ori: np.ndarray, jnt: np.ndarray, geo: dict) -> np.ndarray:
    u, v, n = _uvn(ori[:, 0], ori[:, 1], ori[:, 2])
    loc = _hand_local(jnt, geo)
    return pos[:, None, :] + loc[..., 0:1] * u[:, None, :] + loc[..., 1:2] * v[:, None, :] + loc[..., 2:3] * n[:, None, :]


# ----------------------------------------------------------------------------------------------
# people and cameras


class _Person:
    pass


class _Cam:
    pass


def _sample_person(rng: np.random.Generator) -> _Person:
    p = _Person()
    g = str(rng.choice(("child", "adult", "elderly"), p=(0.3, 0.38, 0.32)))
    p.group = g
    U = rng.uniform
    if g == "child":
        p.age = int(rng.integers(6, 13))
        p.height = 1.16 + 0.062 * (p.age - 6) + rng.normal(0.0, 0.045)
        p.L = (0.122 + 0.0078 * (p.age - 6)) * U(0.94, 1.06)
        p.speed, p.amp = U(1.25, 1.7), U(1.05, 1.45)
        p.ext_def, p.flex_frac, p.ulnar = U(-8.0, 0.0), 1.0, 0.0
        p.tremor, p.tremor_f = U(0.0003, 0.0008), U(8.0, 11.0)
        p.repeat, p.wrist_share, p.reach = U(0.35, 0.75), U(0.0, 0.4), U(0.75, 0.98)
    elif g == "adult":
        p.age = int(rng.integers(18, 65))
        p.height = float(np.clip(rng.normal(1.71, 0.085), 1.5, 1.98))
        p.L = 0.108 * p.height * U(0.95, 1.05)
        p.speed, p.amp = U(0.85, 1.2), U(0.7, 1.05)
        p.ext_def, p.flex_frac, p.ulnar = U(-3.0, 5.0), U(0.95, 1.0), 0.0
        p.tremor, p.tremor_f = U(0.0002, 0.0006), U(8.0, 12.0)
        p.repeat, p.wrist_share, p.reach = 0.08, U(0.1, 0.5), U(0.55, 0.95)
    else:
        p.age = int(rng.integers(65, 94))
        p.height = float(np.clip(rng.normal(1.64, 0.08), 1.45, 1.9))
        p.L = 0.107 * p.height * U(0.95, 1.05)
        p.speed, p.amp = U(0.45, 0.78), U(0.42, 0.7)
        p.ext_def, p.flex_frac, p.ulnar = U(8.0, 32.0), U(0.62, 0.9), U(0.0, 14.0)
        p.tremor, p.tremor_f = U(0.0006, 0.004), U(4.0, 7.0)
        p.repeat, p.wrist_share, p.reach = 0.03, U(0.45, 0.9), U(0.4, 0.75)
    pw = {"child": (0.03, 0.1), "adult": (0.08, 0.18), "elderly": (0.35, 0.25)}[g]
    r = rng.random()
    p.mode = "wheelchair" if r < pw[0] else ("seated" if r < pw[0] + pw[1] else "standing")
    p.left = bool(rng.random() < 0.11)
    p.sloppy = float(rng.beta(2.0, 3.0))
    p.splay = U(0.75, 1.35)
    p.sw = 0.118 * p.height * U(0.93, 1.07)
    p.arm = 0.335 * p.height * U(0.96, 1.04)
    if p.mode == "standing":
        p.sh_h = 0.815 * p.height - (U(0.0, 0.06) if g == "elderly" else 0.0)
        p.rest = str(rng.choice(("hang", "clasp", "pocket", "hip", "crossed"), p=(0.5, 0.2, 0.1, 0.08, 0.12)))
    else:
        seat = 0.5 if p.mode == "wheelchair" else U(0.4, 0.47)
        p.sh_h = seat + 0.34 * p.height
        if p.mode == "wheelchair":
            p.rest = str(rng.choice(("armrest", "lap", "joystick"), p=(0.4, 0.3, 0.3)))
        else:
            p.rest = str(rng.choice(("lap", "armrest", "clasp_lap"), p=(0.5, 0.25, 0.25)))
    p.geo = _hand_geometry(rng, p.L)
    p.has_dog = bool(rng.random() < 0.4)
    p.glasses = bool(rng.random() < {"child": 0.1, "adult": 0.35, "elderly": 0.8}[g])
    p.hold_habit = U(0.8, 1.25)
    return p


_LANDSCAPE = ((640, 480), (1280, 720), (1920, 1080), (848, 480), (960, 540))
_PORTRAIT = ((480, 640), (720, 1280), (1080, 1920), (540, 960))


def _sample_camera(rng: np.random.Generator, p: _Person) -> _Cam:
    c = _Cam()
    U = rng.uniform
    sizes = _PORTRAIT if rng.random() < 0.28 else _LANDSCAPE
    c.W, c.H = sizes[int(rng.integers(len(sizes)))]
    c.dfov = U(68.0, 105.0)
    c.f = 0.5 * math.hypot(c.W, c.H) / math.tan(0.5 * c.dfov * _DEG)
    c.k1 = U(-0.16, -0.01)
    c.cx = c.W / 2 + rng.normal(0.0, 0.01 * c.W)
    c.cy = c.H / 2 + rng.normal(0.0, 0.01 * c.H)
    c.h = U(0.6, 1.1)
    if p.group == "child":
        c.dist = U(1.0, 2.3)
    elif p.mode == "wheelchair":
        c.dist = U(1.0, 2.5)
    else:
        c.dist = U(1.0, 3.0)
    c.px = rng.normal(0.0, 0.1) * c.dist
    c.aim = U(0.02, 0.3) if c.H <= c.W else U(-0.12, 0.2)
    c.pitch_bias = rng.normal(0.0, 3.0) * _DEG
    c.mode = str(rng.choice(("still", "pan", "drive"), p=(0.35, 0.4, 0.25)))
    c.tau = U(0.4, 1.6)
    c.roll = float(np.clip(rng.normal(0.0, 2.5), -7.0, 7.0)) * _DEG
    c.dim = float(rng.beta(2.0, 2.0))
    return c


def _personal(base: np.ndarray, p: _Person, rng: np.random.Generator, noise: float = 1.0) -> np.ndarray:
    j = base.copy()
    j[_ABD] = j[_ABD] * p.splay - p.ulnar
    fl = j[_FLEX]
    ext = p.ext_def * _EXTW
    if p.ext_def >= 0:
        fl = ext + np.maximum(fl, 0.0) * (p.flex_frac * (_JMAX - ext) / _JMAX)
    else:
        fl = fl + ext * (1.0 - np.clip(fl / 30.0, 0.0, 1.0))
    j[_FLEX] = fl
    sd = (1.5 + 5.0 * p.sloppy) * noise
    j[_FLEX] += rng.normal(0.0, sd, 12)
    j[_ABD] += rng.normal(0.0, 0.5 * sd, 4)
    j[16:20] += rng.normal(0.0, sd, 4)
    return j


def _pick(rng: np.random.Generator, table: dict):
    names = list(table)
    w = np.array([table[k] for k in names], dtype=float)
    return names[int(rng.choice(len(names), p=w / w.sum()))]


_STYLES = {
    "point": {
        "child": {"reach": 0.45, "jab": 0.25, "static": 0.15, "held": 0.15},
        "adult": {"reach": 0.35, "static": 0.3, "held": 0.35},
        "elderly": {"reach": 0.25, "static": 0.35, "held": 0.4},
    },
    "swipe": {
        "child": {"palm_lead": 0.3, "backhand": 0.2, "palm_cam": 0.2, "index": 0.15, "loose": 0.15},
        "adult": {"palm_lead": 0.25, "backhand": 0.2, "palm_cam": 0.2, "index": 0.1, "flick": 0.15, "loose": 0.1},
        "elderly": {"palm_cam": 0.25, "loose": 0.3, "flick": 0.3, "palm_lead": 0.15},
    },
    "grab": {
        "child": {"palm_cam": 0.35, "quick": 0.35, "reach": 0.3},
        "adult": {"palm_cam": 0.35, "palm_down": 0.3, "reach": 0.35},
        "elderly": {"palm_cam": 0.4, "palm_down": 0.35, "reach": 0.25},
    },
    "come_here": {
        "child": {"curl": 0.3, "arm": 0.4, "wave_in": 0.2, "hook": 0.1},
        "adult": {"curl": 0.4, "hook": 0.25, "wave_in": 0.25, "arm": 0.1},
        "elderly": {"curl": 0.35, "wave_in": 0.45, "hook": 0.1, "arm": 0.1},
    },
    "stop": {
        "child": {"raise": 0.35, "push": 0.35, "high": 0.3},
        "adult": {"raise": 0.4, "push": 0.3, "tilt": 0.15, "high": 0.15},
        "elderly": {"raise": 0.5, "push": 0.2, "tilt": 0.3},
    },
}


def _point_dir(rng: np.random.Generator) -> float:
    if rng.random() < 0.5:
        return float(rng.uniform(0.0, 360.0))
    base = rng.choice([0, 180, 270, 225, 315, 45, 135, 90], p=[0.2, 0.2, 0.2, 0.1, 0.1, 0.07, 0.07, 0.06])
    return float((base + rng.normal(0.0, 10.0)) % 360.0)


# ----------------------------------------------------------------------------------------------
# the performance: a person's hand, body and the robot's camera over time

_IDLES = {  # name: (minimum seconds, weights for child, adult, elderly)
    "rest": (0.3, (0.8, 1.2, 2.0)),
    "fidget": (0.8, (2.0, 1.5, 2.0)),
    "face": (1.6, (1.5, 2.0, 2.0)),
    "talk": (1.8, (1.0, 2.5, 2.0)),
    "point_away": (2.4, (1.0, 2.0, 1.5)),
    "wave": (1.3, (2.5, 1.0, 1.0)),
    "clap": (1.2, (2.0, 0.6, 0.5)),
    "dog": (2.0, (3.0, 2.5, 2.5)),
    "carry": (2.4, (1.0, 2.0, 1.2)),
    "walk": (3.0, (3.0, 2.0, 1.0)),
    "cup": (2.0, (0.4, 1.5, 2.0)),
    "phone": (2.0, (0.8, 1.5, 0.3)),
    "joystick": (1.2, (3.0, 3.0, 3.0)),
    "robot_turn": (1.5, (0.7, 0.7, 0.7)),
}


class _Ctx:
    def __init__(self, rng: np.random.Generator, p: _Person, cam: _Cam):
        self.rng, self.p, self.cam = rng, p, cam
        self.t = np.arange(int(_GRID_S * FPS)) / FPS
        n = len(self.t)
        sc = self.sc = p.height / 1.72
        self.sh = np.array([-p.sw, 0.0, 0.0])
        self.chest = np.array([-0.09 * sc, 0.17 * sc, -0.31 * sc])
        self.face = np.array([0.0, -0.2 * sc, -0.1 * sc])
        tc = np.array([-cam.px, -cam.h + p.sh_h - 0.17 * sc, -cam.dist])
        if p.left:
            tc[0] = -tc[0]
        self.to_cam = _unit(tc)
        rp, ro, rj, _ = self.rest_target()
        self.pos = _Track(self.t, rp)
        self.ori = _Track(self.t, ro, wrap=(True, True, True))
        self.jnt = _Track(self.t, rj)
        orest = "armrest" if p.rest == "joystick" else p.rest
        op, oo, oj, _ = self.rest_target(orest)
        self.oth = _Track(self.t, op + rng.normal(0.0, 0.01, 3))
        self.oth_ori = _Track(self.t, oo, wrap=(True, True, True))
        self.oth_j = _Track(self.t, oj)
        self.body = _Track(self.t, np.zeros(4), wrap=(False, False, False, True))
        self.camt = _Track(self.t, np.zeros(5))
        self.occl = np.zeros(n)
        self.hold = np.zeros(n)
        self.now = 0.0
        self.gestures: list[dict] = []
        self.events: list[tuple] = []
        self._occ = None
        if p.rest in ("pocket", "crossed"):
            self._occ = (0.0, 1.0 if p.rest == "pocket" else 0.7)

    # -- basic motion -------------------------------------------------------------------------
    def U(self, a: float, b: float) -> float:
        return float(self.rng.uniform(a, b))

    def flag(self, arr: np.ndarray, a: float, b: float, val: float) -> None:
        ia, ib = max(0, int(a * FPS)), min(len(arr), int(math.ceil(b * FPS)))
        if ib > ia:
            arr[ia:ib] = np.maximum(arr[ia:ib], val)

    def _close_occ(self, t: float) -> None:
        if self._occ is not None:
            self.flag(self.occl, self._occ[0], t, self._occ[1])
            self._occ = None

    def clamp(self, pos) -> np.ndarray:
        pos = np.array(pos, dtype=float)
        d = pos - self.sh
        r = np.linalg.norm(d)
        m = 0.97 * self.p.arm
        if r > m:
            pos = self.sh + d * m / r
        pos[2] = min(pos[2], 0.12)
        return pos

    def fitts(self, target) -> float:
        dist = float(np.linalg.norm(np.asarray(target) - self.pos.goal))
        return (0.22 + 0.11 * math.log2(1.0 + dist / 0.012)) / self.p.speed * self.U(0.85, 1.2)

    def move(self, pos=None, ori=None, jnt=None, dur=None, t=None, sigma=None, jdelay=0.0, jdur=None, advance=0.85) -> float:
        t = self.now if t is None else t
        self._close_occ(t)
        if dur is None:
            dur = self.fitts(pos) if pos is not None else 0.4 / self.p.speed
        sigma = self.U(0.18, 0.3) if sigma is None else sigma
        if pos is not None:
            self.pos.to(t, dur, self.clamp(pos), sigma)
        if ori is not None:
            self.ori.to(t, dur, ori, sigma)
        if jnt is not None:
            self.jnt.to(t + jdelay, jdur or dur, jnt, sigma)
        self.now = t + dur * advance
        return dur

    def pose(self, name: str, noise: float = 1.0) -> np.ndarray:
        j = _personal(_POSES[name], self.p, self.rng, noise)
        if name.startswith("point"):
            lazy = self.p.sloppy * self.U(0.0, 40.0)
            j[5:8] -= lazy * np.array([0.8, 1.0, 0.6])
            j[9:12] -= 0.4 * lazy * np.array([0.8, 1.0, 0.6])
        return j

    def rest_target(self, variant=None):
        p, rng, sc, arm = self.p, self.rng, self.sc, self.p.arm
        v = variant or p.rest
        occ = 0.0
        jn = "relaxed"
        if v == "hang":
            pos = [-p.sw - 0.03 * sc, 0.9 * arm, 0.03]
            ori = np.array([270.0 + rng.normal(0, 6), 4.0 + rng.normal(0, 4), -90.0 + rng.normal(0, 12)]) * _DEG
        elif v == "pocket":
            pos = [-p.sw - 0.01, 0.8 * arm, 0.0]
            ori = np.array([275.0, 5.0, -90.0]) * _DEG
            occ = 1.0
        elif v == "hip":
            pos = [-p.sw - 0.11 * sc, 0.6 * arm, 0.03]
            ori = _angles([0.3, 1.0, 0.3], _X)
            jn = "fist" if rng.random() < 0.6 else "flat"
        elif v == "crossed":
            pos = [0.1 * sc, 0.26 * sc, -0.14 * sc]
            ori = _angles([1.0, -0.1, 0.1], _Z)
            occ = 0.7
        elif v == "clasp":
            pos = [-0.05 * sc, 0.74 * arm, -0.17 * sc]
            ori = _angles([1.0, 0.6, -0.4], _Z + 0.5 * _X)
        elif v == "clasp_lap":
            pos = [-0.06 * sc, 0.64 * arm, -0.3 * arm]
            ori = _angles([1.0, 0.2, -0.8], _Z + _Y)
        elif v == "lap":
            pos = [-0.55 * p.sw, 0.62 * arm, -0.33 * arm]
            ori = _angles([0.3, 0.35, -1.0], _Y)
        elif v == "armrest":
            pos = [-p.sw - 0.05 * sc, 0.52 * arm, -0.3 * arm]
            ori = _angles([0.0, 0.15, -1.0], _Y)
        else:  # joystick
            pos = [-p.sw - 0.03 * sc, 0.5 * arm, -0.42 * arm]
            ori = _angles([0.2, 0.3, -1.0], _Y)
            jn = "grip"
        pos = np.array(pos, dtype=float) + rng.normal(0.0, 0.012, 3)
        return pos, np.asarray(ori, dtype=float), self.pose(jn, 0.6), occ

    def go_rest(self, variant=None, dur=None) -> None:
        pos, ori, j, occ = self.rest_target(variant)
        self.move(pos=pos, ori=ori, jnt=j, dur=dur, advance=1.0)
        if occ > 0:
            self._occ = (self.now, occ)

    def face_robot(self) -> None:
        if abs(self.body.goal[3]) > 0.04:
            d = self.U(0.45, 0.8) / math.sqrt(self.p.speed)
            self.body.to(self.now, d, [np.nan, np.nan, np.nan, 0.0])
            self.now += 0.7 * d

    def label(self, name: str, t0: float, t1: float, hold=None, **info) -> None:
        self.gestures.append({"label": name, "t0": t0, "t1": t1, "hold": hold, "info": info})

    def xsign(self) -> float:
        return -1.0 if self.p.left else 1.0

    def overlay_j(self, w: np.ndarray, amp: np.ndarray) -> None:
        self.jnt.val += w[:, None] * amp[None, :]

    # -- gestures (right-hand world: x is image right for a right hand; mirrored for left hands) ------
    def g_point(self, d_img: float, style: str) -> None:
        p, rng = self.p, self.rng
        self.face_robot()
        psi = d_img * _DEG
        if p.left:
            psi = math.pi - psi
        eps = float(np.clip(rng.normal(10.0, 16.0), -25.0, 45.0)) * _DEG
        v3 = np.array([math.cos(eps) * math.cos(psi), -math.cos(eps) * math.sin(psi), -math.sin(eps)])
        pref = _unit(self.U(0.4, 1.0) * _Y + self.U(0.0, 0.7) * _Z + self.U(0.0, 0.7) * _X)
        ori = np.array([psi, eps, _best_rho(psi, eps, pref) + rng.normal(0.0, 0.15)])
        jp = self.pose("point_thumb" if rng.random() < 0.25 else "point")
        arm_dir = _unit(v3 + np.array([0.0, 0.3, -0.55]))
        ext = p.reach * self.U(0.85, 1.05) if style in ("reach", "jab") else self.U(0.35, 0.6)
        target = self.clamp(self.sh + ext * p.arm * arm_dir)
        if style in ("reach", "jab"):
            pre = self.sh + 0.38 * p.arm * _unit(arm_dir + np.array([0.0, 0.9, 0.0]))
            self.move(pos=pre, ori=self.ori.goal + 0.5 * ((ori - self.ori.goal + np.pi) % (2 * np.pi) - np.pi), jnt=self.pose("relaxed"))
            t0 = self.now
            d = self.U(0.3, 0.6) / p.speed
            self.move(pos=target, ori=ori, jnt=jp, dur=d, jdur=0.8 * d, advance=1.0)
            if p.group == "child" and rng.random() < 0.6:
                self.pos.shift(self.now - 0.12 * d, 0.2, -self.U(0.02, 0.05) * arm_dir)
                self.now += 0.1
        elif style == "static":
            self.move(pos=target, ori=ori, jnt=self.pose("relaxed" if rng.random() < 0.6 else "fist"), advance=1.0)
            self.now += self.U(0.05, 0.3)
            t0 = self.now
            d = self.U(0.25, 0.5) / math.sqrt(p.speed)
            self.jnt.to(t0, d, jp, self.U(0.18, 0.3))
            self.now = t0 + d
        else:
            self.move(pos=target, ori=ori, jnt=jp, advance=1.0)
            self.now += self.U(0.03, 0.15)
            t0 = self.now
        th0 = self.now + 0.04
        hold = min(self.U(0.5, 1.9) * p.hold_habit * (1.3 if p.group == "elderly" else 1.0), 2.85 - (th0 - t0))
        hold = max(hold, 0.45)
        if style == "jab":
            tj = th0 + 0.15
            for _ in range(int(rng.integers(1, 3))):
                if tj + 0.4 > th0 + hold:
                    break
                a = self.U(0.03, 0.07)
                self.pos.shift(tj, 0.14, a * arm_dir, 0.2)
                self.pos.shift(tj + 0.16, 0.18, -a * arm_dir, 0.2)
                tj += self.U(0.4, 0.6)
        self.now = th0 + hold
        self.label("point", t0, self.now, hold=(th0, self.now), style=style, intended=d_img)

    def g_swipe(self, label: str, style: str, reps: int = 1) -> None:
        p, rng = self.p, self.rng
        self.face_robot()
        e = {"swipe_left": -_X, "swipe_right": _X, "swipe_up": -_Y, "swipe_down": _Y}[label].copy()
        e[0] *= self.xsign()
        horiz = e[1] == 0.0
        orth = _Y if horiz else _X
        A = self.U(0.2, 0.42) * p.amp
        if style == "flick":
            A *= self.U(0.45, 0.65)
        c = self.chest.copy()
        if horiz:
            c += [self.U(-0.08, 0.04), self.U(-0.12, 0.06), self.U(-0.08, 0.05)]
        else:
            c += [self.U(-0.1, 0.02), self.U(-0.05, 0.05), self.U(-0.1, 0.05)]
        drift = self.U(-0.18, 0.18) * A
        S = c - 0.5 * A * e - 0.5 * drift * orth
        E = c + 0.5 * A * e + 0.5 * drift * orth
        bulge = self.U(0.04, 0.14) * A * (-_Z) + self.U(-0.15, 0.15) * A * orth
        if style == "palm_lead":
            npref = e + 0.3 * (-_Z)
        elif style == "backhand":
            npref = -e + 0.3 * (-_Z)
        elif style == "palm_cam":
            npref = self.to_cam + 0.3 * (-_Z)
        elif style == "index":
            npref = _Y + (-_Z)
        else:
            npref = [e, -_Z, _Y][int(rng.integers(3))] + 0.2 * _Y
        if horiz or style in ("palm_cam", "index"):
            psi = (90.0 + rng.normal(0.0, 12.0)) * _DEG
            eps = self.U(0.0, 35.0) * _DEG
        else:
            psi = self.U(0.0, 35.0) * _DEG
            eps = self.U(30.0, 60.0) * _DEG
        v = np.array([math.cos(eps) * math.cos(psi), -math.cos(eps) * math.sin(psi), -math.sin(eps)])
        base = _angles(v, _unit(npref), rng, 0.12)
        wr = (self.U(8.0, 22.0) + 28.0 * p.wrist_share) * _DEG * (1.6 if style == "flick" else 1.0)
        dori = np.zeros(3)
        if horiz:
            dori[0] = -e[0] * wr
        elif style in ("palm_cam", "index"):
            dori[1] = e[1] * 0.6 * wr
        else:
            dori[0] = -e[1] * wr
        ori0, ori1 = base - 0.5 * dori, base + 0.5 * dori
        jn = {"palm_lead": "flat", "backhand": "flat", "palm_cam": "flat", "index": "point", "flick": "flat", "loose": "relaxed"}[style]
        if jn == "flat" and rng.random() < 0.35:
            jn = "open"
        jg = self.pose(jn)
        self.move(pos=S, ori=ori0, jnt=jg, advance=1.0)
        if rng.random() < 0.35:
            self.pos.shift(self.now - 0.1, 0.22 / p.speed, -self.U(0.02, 0.05) * e, 0.25)
            self.now += 0.12 / p.speed
        for r in range(reps):
            ts = self.now
            d = float(np.clip(self.U(0.32, 0.6) / p.speed**0.8 * (A / 0.3) ** 0.35, 0.2, 1.4))
            sig = self.U(0.18, 0.35)
            prog = self.pos.to(ts, d, self.clamp(E), sig)
            self.pos.val += (4.0 * prog * (1.0 - prog))[:, None] * bulge[None, :]
            self.ori.to(ts - 0.15 * d, 1.1 * d, ori1, sig)
            if p.group == "child" and rng.random() < 0.5:
                self.pos.shift(ts + 0.85 * d, 0.2, -self.U(0.03, 0.08) * A * e, 0.25)
            self.label(label, ts - self.U(0.0, 0.08), ts + d + self.U(0.03, 0.12), style=style, rep=r)
            self.now = ts + d
            if r < reps - 1:
                dr = d * self.U(1.15, 1.7)
                t_r = self.now + self.U(0.02, 0.12)
                S2 = S + self.U(-0.03, 0.03) * orth + self.U(0.0, 0.04) * _Z
                prog = self.pos.to(t_r, dr, self.clamp(S2), self.U(0.2, 0.3))
                sag = (self.U(0.06, 0.15) * A) * (_Y if horiz else _Z)
                self.pos.val += (4.0 * prog * (1.0 - prog))[:, None] * sag[None, :]
                self.ori.to(t_r, dr, ori0 + rng.normal(0.0, 0.08, 3))
                jr = 0.6 * jg + 0.4 * self.pose("relaxed", 0.5)
                self.jnt.to(t_r, 0.6 * dr, jr)
                self.jnt.to(t_r + 0.6 * dr, 0.4 * dr, jg)
                self.now = t_r + dr * self.U(0.88, 1.0)
                self.ori.to(self.now - 0.05, 0.2, ori0)

    def g_grab(self, style: str) -> None:
        p, rng = self.p, self.rng
        self.face_robot()
        P0 = self.chest + [self.U(-0.06, 0.04), self.U(-0.1, 0.05), self.U(-0.06, 0.04)]
        if style in ("palm_cam", "quick"):
            v = [rng.normal(0.0, 0.15), -1.0, -self.U(0.0, 0.4)]
            ori = _angles(v, self.to_cam + 0.3 * (-_Z), rng, 0.12)
        elif style == "palm_down":
            v = [self.U(0.2, 0.8), self.U(-0.2, 0.2), -1.0]
            ori = _angles(v, _Y + 0.3 * (-_Z), rng, 0.12)
        else:
            v = [rng.normal(0.0, 0.3), -self.U(0.3, 1.0), -1.0]
            ori = _angles(v, -_Z + self.U(0.0, 1.0) * _Y, rng, 0.12)
        self.move(pos=P0, ori=ori, jnt=self.pose("relaxed"), advance=1.0)
        t0 = self.now + self.U(0.0, 0.08)
        quick = style == "quick"
        d_open = self.U(0.15, 0.35) / p.speed
        self.jnt.to(t0, d_open, self.pose("open" if rng.random() < 0.7 else "flat"), 0.25)
        t_c = t0 + d_open
        if style == "reach":
            d_r = self.U(0.3, 0.5) / p.speed
            self.pos.to(t0, d_r, self.clamp(P0 - self.U(0.08, 0.18) * _Z + self.U(-0.04, 0.04) * _Y), 0.25)
            t_c = t0 + max(d_open, 0.8 * d_r)
        t_c += self.U(0.08, 0.45) / math.sqrt(p.speed) * (0.5 if quick else 1.0)
        d_close = self.U(0.12, 0.2) if quick else self.U(0.2, 0.45) / p.speed
        fist = self.pose("fist")
        order = rng.integers(3)
        step = self.U(0.0, 0.05)
        lags = [step * k for k in ((3, 2, 1, 0), (0, 1, 2, 3), (0, 0, 0, 0))[order]]
        for f in range(4):
            self.jnt.to(t_c + lags[f], d_close, fist, 0.25, dims=[4 * f, 4 * f + 1, 4 * f + 2, 4 * f + 3])
        tl = self.U(0.0, 0.08)
        self.jnt.to(t_c + tl, d_close, fist, 0.25, dims=[16, 17, 18, 19, 20])
        self.ori.to(t_c, d_close, ori + rng.normal(0.0, 0.08, 3))
        if style == "reach" or rng.random() < 0.35:
            self.pos.to(t_c + 0.4 * d_close, self.U(0.3, 0.5) / p.speed, self.clamp(self.pos.goal + self.U(0.05, 0.14) * _Z), 0.25)
        t1 = t_c + max(max(lags), tl) + d_close + self.U(0.05, 0.25)
        t1 = max(t1, t0 + self.U(0.5, 0.6))
        self.label("grab", t0, t1, style=style)
        self.now = t1

    def g_stop(self, style: str) -> None:
        p, rng = self.p, self.rng
        self.face_robot()
        npref = _unit(0.6 * self.to_cam + 0.4 * (-_Z) + rng.normal(0.0, 0.08, 3))
        psi = (90.0 + rng.normal(0.0, 10.0) + (self.U(15.0, 35.0) if style == "tilt" else 0.0)) * _DEG
        vr = np.array([math.cos(psi), -math.sin(psi), 0.0])
        v = _unit(vr - (vr @ npref) * npref)
        ori = _angles(v, npref, rng, 0.08)
        jn = self.pose("flat" if rng.random() < 0.7 else "open")
        if style == "high":
            P = self.face + np.array([-0.14, self.U(-0.04, 0.1), -0.15]) * self.sc
        else:
            P = self.chest + [self.U(-0.06, 0.04), self.U(-0.18, -0.04), -self.U(0.0, 0.1)]
        if style == "push":
            pre = P + self.U(0.08, 0.15) * _Z
            self.move(pos=pre, ori=ori, jnt=jn, advance=1.0)
            t0 = self.now - self.U(0.0, 0.05)
            d = self.U(0.2, 0.4) / p.speed
            self.pos.to(self.now, d, self.clamp(P), 0.22)
            self.now += d
        else:
            d = self.move(pos=P, ori=ori, jnt=jn, advance=1.0)
            t0 = self.now - self.U(0.15, 0.3) * d
        hold = self.U(0.6, 2.0) * p.hold_habit
        hold = min(hold, 2.9 - (self.now - t0))
        self.now += hold
        self.label("stop", t0, self.now, style=style)

    def g_come(self, style: str) -> None:
        p, rng = self.p, self.rng
        self.face_robot()
        freq = {"child": self.U(2.3, 3.4), "adult": self.U(1.5, 2.4), "elderly": self.U(0.9, 1.5)}[p.group]
        n = int(rng.integers(2, 4)) + (1 if p.group == "child" and rng.random() < 0.6 else 0)
        n = max(2, min(n, int(2.6 * freq)))
        P = self.chest + [self.U(-0.05, 0.05), self.U(-0.02, 0.1), self.U(-0.08, 0.02)]
        if style in ("curl", "hook"):
            v = [self.U(-0.1, 0.4), -self.U(0.3, 0.8), -1.0]
            ori = _angles(v, -_Y, rng, 0.15)
            jn = self.pose("point" if style == "hook" else ("flat" if rng.random() < 0.6 else "open"))
        elif style == "wave_in":
            v = [self.U(-0.2, 0.5), -1.0, -self.U(0.3, 1.0)]
            ori = _angles(v, _Y + (-_Z), rng, 0.15)
            jn = self.pose("flat")
        else:
            v = [self.U(-0.3, 0.3), -1.0, -self.U(0.0, 0.5)]
            ori = _angles(v, _Z, rng, 0.15)
            jn = self.pose("flat")
            P = P - self.U(0.05, 0.15) * _Z
        self.move(pos=P, ori=ori, jnt=jn, advance=1.0)
        t0 = self.now + self.U(0.0, 0.1)
        w, t_end = _cycles(self.t, t0, freq, n, rng, skew=self.U(0.65, 1.0))
        amp = np.zeros(21)
        if style == "curl":
            pip = self.U(45.0, 85.0)
            amp[[1, 5, 9, 13]] = self.U(35.0, 70.0)
            amp[[2, 6, 10, 14]] = pip
            amp[[3, 7, 11, 15]] = 0.6 * pip
            amp *= 0.6 + 0.4 * p.flex_frac
        elif style == "hook":
            amp[1], amp[2], amp[3] = self.U(15.0, 40.0), self.U(60.0, 90.0), self.U(35.0, 55.0)
        elif style == "wave_in":
            amp[[1, 5, 9, 13]] = self.U(40.0, 80.0)
            amp[[2, 6, 10, 14]] = self.U(10.0, 40.0)
            self.ori.val[:, 1] += w * self.U(10.0, 25.0) * _DEG
        else:
            amp[[1, 5, 9, 13]] = self.U(15.0, 40.0)
            amp[[2, 6, 10, 14]] = self.U(20.0, 50.0)
            sweep = self.U(0.06, 0.16) * p.amp * _unit([0.0, -0.3, 1.0])
            self.pos.val += w[:, None] * sweep[None, :]
        self.overlay_j(w, amp)
        self.now = t_end
        self.label("come_here", t0, t_end + self.U(0.02, 0.1), style=style, cycles=n)
        self.now = t_end + 0.05

    def gesture(self, spec: dict) -> None:
        lab = spec["label"]
        if lab == "point":
            self.g_point(spec["d"], spec["style"])
        elif lab.startswith("swipe"):
            self.g_swipe(lab, spec["style"], spec.get("reps", 1))
        elif lab == "grab":
            self.g_grab(spec["style"])
        elif lab == "stop":
            self.g_stop(spec["style"])
        else:
            self.g_come(spec["style"])

    def retract(self) -> None:
        if self.rng.random() < 0.7:
            self.go_rest()
        else:
            ready = self.chest + np.array([0.02, 0.28, 0.1]) * self.sc
            self.move(pos=ready, ori=_angles([1.0, 0.8, -0.6], _Z + _Y), jnt=self.pose("relaxed"), advance=1.0)

    # -- idle behaviour -------------------------------------------------------------------------
    def idle(self, dur: float, first: bool = False, last: bool = False) -> None:
        p, rng = self.p, self.rng
        end = self.now + dur
        if first and p.mode != "seated" and dur > 2.5 and rng.random() < 0.3:
            t0 = self.now
            self.i_enter(dur)
            self.events.append(("enter", t0, self.now))
        if last and p.mode != "seated" and dur > 2.5 and rng.random() < 0.2:
            t0 = self.now
            self.i_leave(dur)
            self.events.append(("leave", t0, self.now))
        gi = {"child": 0, "adult": 1, "elderly": 2}[p.group]
        while end - self.now > 0.3:
            rem = end - self.now
            table = {}
            for name, (mn, w) in _IDLES.items():
                if mn > rem:
                    continue
                if name == "walk" and p.mode != "standing":
                    continue
                if name == "joystick" and p.mode != "wheelchair":
                    continue
                if name == "dog" and not p.has_dog:
                    continue
                table[name] = w[gi]
            name = _pick(rng, table)
            t0 = self.now
            getattr(self, "i_" + name)(rem)
            self.events.append((name, t0, self.now))
        self.now = max(self.now, end)

    def i_rest(self, rem: float) -> None:
        t0 = self.now
        self.go_rest()
        self.now = max(self.now, t0 + min(rem, self.U(0.5, 3.0)))

    def i_robot_turn(self, rem: float) -> None:
        t0 = self.now
        self.go_rest()
        d = self.U(0.5, 1.1)
        a = self.U(8.0, 25.0) * _DEG * (1 if self.rng.random() < 0.5 else -1)
        ts = t0 + self.U(0.0, 0.3)
        self.camt.shift(ts, d, [0, 0, a, 0, 0], 0.25)
        back = ts + d + self.U(0.1, max(0.15, rem - 2 * d - 0.3))
        self.camt.shift(back, d, [0, 0, -a, 0, 0], 0.25)
        self.now = max(self.now, back + d)

    def i_fidget(self, rem: float) -> None:
        p, rng = self.p, self.rng
        t0 = self.now
        dur = min(rem, self.U(0.8, 3.5))
        if rng.random() < 0.5 or self.p.mode != "standing":
            base, ori, j, _ = self.rest_target()
        else:
            base = self.chest + np.array([0.03, 0.35, 0.1]) * self.sc
            ori = _angles([1.0, 0.5, -0.6], _Z + _Y)
            j = self.pose("relaxed")
        self.move(pos=base, ori=ori, jnt=j, advance=1.0)
        while self.now < t0 + dur - 0.3:
            d = self.U(0.25, 0.7) / math.sqrt(p.speed)
            self.move(pos=base + rng.normal(0.0, 0.03, 3), ori=ori + rng.normal(0.0, 0.15, 3), dur=d, advance=self.U(0.9, 1.6))
        t1 = max(self.now, t0 + 0.5)
        amp = np.zeros(21)
        fingers = rng.choice(4, size=int(rng.integers(1, 4)), replace=False)
        for f in fingers:
            amp[4 * f + 1 : 4 * f + 4] = self.U(8.0, 25.0)
        amp[18:20] = self.U(5.0, 25.0)
        osc = np.sin(2 * np.pi * self.U(1.0, 3.0) * self.t + self.U(0, 6.3)) * _tukey(self.t, t0, t1, 0.3)
        self.overlay_j(osc, amp)
        self.now = t1

    def i_face(self, rem: float) -> None:
        p, rng, sc = self.p, self.rng, self.sc
        t0 = self.now
        opts = ["nose", "chin", "ear", "hair", "eye"] + (["glasses"] * 3 if p.glasses else [])
        what = opts[int(rng.integers(len(opts)))]
        off = {
            "nose": (0.0, -0.01, -0.09),
            "chin": (0.0, 0.08, -0.07),
            "ear": (-0.08, -0.02, 0.0),
            "hair": (-0.05, -0.12, -0.02),
            "eye": (-0.03, -0.04, -0.08),
            "glasses": (-0.065, -0.04, -0.05),
        }[what]
        tgt = self.face + np.array(off) * sc
        v = _unit([0.35, -1.0, -0.15]) if what != "chin" else _unit([0.5, -0.6, -0.3])
        ori = _angles(v, [0.3, 0.0, 1.0], rng, 0.2)
        jn = {"glasses": "pinch", "chin": "fist" if rng.random() < 0.5 else "relaxed", "eye": "knuckle"}.get(what, "claw")
        wrist = tgt - 0.78 * p.L * v
        self.move(pos=wrist, ori=ori, jnt=self.pose(jn), advance=1.0)
        act = self.U(1.0, 3.0) if what == "chin" else self.U(0.4, 1.8)
        act = min(act, max(0.3, rem - (self.now - t0) - 0.8))
        if what in ("nose", "ear", "hair"):
            amp = np.zeros(21)
            amp[[1, 5, 9]] = self.U(8.0, 20.0)
            amp[[2, 6, 10]] = self.U(10.0, 25.0)
            osc = 0.5 + 0.5 * np.sin(2 * np.pi * self.U(4.0, 7.0) * self.t)
            self.overlay_j(osc * _tukey(self.t, self.now, self.now + act, 0.1), amp)
        elif what == "glasses":
            self.pos.shift(self.now + 0.1, 0.25, -0.012 * _Y, 0.25)
            self.pos.shift(self.now + 0.45, 0.3, 0.012 * _Y, 0.25)
        elif what == "eye":
            osc = np.sin(2 * np.pi * self.U(2.0, 3.5) * self.t)[:, None] * np.array([0.008, 0.006, 0.0])
            self.pos.val += osc * _tukey(self.t, self.now, self.now + act, 0.15)[:, None]
        self.now += act
        self.retract()

    def i_talk(self, rem: float) -> None:
        rng = self.rng
        t0 = self.now
        s = 1 if rng.random() < 0.5 else -1
        yaw = s * self.U(20.0, 55.0) * _DEG
        d = self.U(0.5, 0.9)
        self.body.to(self.now, d, [np.nan, np.nan, np.nan, yaw])
        pos = self.chest + np.array([self.U(-0.02, 0.06), self.U(0.08, 0.2), self.U(0.0, 0.08)])
        ori = _angles([self.U(0.3, 1.0), -self.U(0.0, 0.5), -1.0], -_Y + self.U(0.0, 1.0) * _X, rng, 0.3)
        self.move(pos=pos, ori=ori, jnt=self.pose("relaxed" if rng.random() < 0.5 else "open"), advance=1.0)
        end = t0 + min(rem, self.U(1.8, 5.0)) - 0.9
        while self.now < end:
            a = self.U(0.02, 0.06)
            self.pos.shift(self.now, 0.15, a * _Y, 0.25)
            self.pos.shift(self.now + 0.17, 0.25, -a * _Y, 0.25)
            if rng.random() < 0.3:
                self.ori.to(self.now, 0.4, ori + np.array([0.0, 0.0, rng.normal(0.0, 0.6)]))
                self.jnt.to(self.now, 0.4, self.pose("open" if rng.random() < 0.5 else "relaxed"))
            self.now += self.U(0.35, 0.8)
        if rng.random() < 0.75 or rem < 4:
            self.face_robot()
        self.retract()

    def i_point_away(self, rem: float) -> None:
        p, rng = self.p, self.rng
        s = 1 if rng.random() < 0.5 else -1
        yaw = s * self.U(25.0, 70.0) * _DEG
        self.body.to(self.now, self.U(0.5, 0.9), [np.nan, np.nan, np.nan, yaw])
        self.now += 0.3
        d3 = _unit([s * self.U(-0.2, 1.0), self.U(-0.3, 0.8), self.U(-1.0, 0.3)])
        ori = _angles(d3, _Y + 0.5 * _Z, rng, 0.2)
        target = self.clamp(self.sh + self.U(0.45, 0.85) * p.arm * _unit(d3 + np.array([0.0, 0.3, -0.5])))
        self.move(pos=target, ori=ori, jnt=self.pose("point"), advance=1.0)
        self.now += self.U(0.5, 1.5)
        if rng.random() < 0.3:
            self.face_robot()
            self.now += self.U(0.3, 0.8)
        self.retract()
        self.face_robot()
        self.now += self.U(0.1, 0.5)

    def i_wave(self, rem: float) -> None:
        p, rng = self.p, self.rng
        P = self.face + np.array([-0.2, self.U(0.0, 0.12), -0.12]) * self.sc
        if p.group == "child":
            P = P + np.array([-0.05, -0.05, 0.0])
        npref = _unit(0.6 * self.to_cam + 0.4 * (-_Z))
        vr = np.array([self.U(-0.2, 0.3), -1.0, 0.0])
        v = _unit(vr - (vr @ npref) * npref)
        ori = _angles(v, npref, rng, 0.15)
        flap = rng.random() < (0.35 if p.group == "child" else 0.2)
        self.move(pos=P, ori=ori, jnt=self.pose("flat" if flap else "open"), advance=1.0)
        f = {"child": self.U(2.2, 3.5), "adult": self.U(1.8, 3.0), "elderly": self.U(1.2, 2.0)}[p.group]
        dur = min(rem, self.U(0.9, 2.5))
        t0, t1 = self.now, self.now + dur
        env = _tukey(self.t, t0, t1, 0.2)
        ph = 2 * np.pi * f * (self.t - t0)
        if flap:
            amp = np.zeros(21)
            amp[[1, 5, 9, 13]] = self.U(40.0, 70.0)
            amp[[2, 6, 10, 14]] = self.U(10.0, 30.0)
            self.overlay_j((0.5 - 0.5 * np.cos(ph)) * env, amp)
        else:
            self.ori.val[:, 0] += np.sin(ph) * env * self.U(12.0, 30.0) * _DEG
            ax = self.U(0.02, 0.08) * p.amp * (1.8 if p.group == "child" else 1.0)
            self.pos.val[:, 0] += np.sin(ph + 0.4) * env * ax
        self.now = t1
        self.retract()

    def i_clap(self, rem: float) -> None:
        p, rng = self.p, self.rng
        P = np.array([-0.025, self.chest[1] + self.U(-0.02, 0.1), self.chest[2] + 0.05])
        ori = _angles([self.U(0.0, 0.4), -1.0, -self.U(0.3, 1.0)], _X, rng, 0.1)
        j = self.pose("flat")
        t_s = self.now
        d = self.move(pos=P, ori=ori, jnt=j, advance=1.0)
        self.oth.to(t_s, d, P + rng.normal(0, 0.01, 3), 0.25)
        self.oth_ori.to(t_s, d, ori, 0.25)
        self.oth_j.to(t_s, d, j, 0.25)
        f = {"child": self.U(2.5, 4.0), "adult": self.U(2.0, 3.0), "elderly": self.U(1.5, 2.3)}[p.group]
        n = int(rng.integers(3, 9 if p.group == "child" else 6))
        n = max(2, min(n, int((rem - 1.0) * f)))
        t0 = self.now
        t1 = t0 + n / f
        sep = self.U(0.06, 0.14)
        env = _tukey(self.t, t0 - 0.1, t1 + 0.1, 0.15)
        apart = (0.5 - 0.5 * np.cos(2 * np.pi * f * (self.t - t0))) * env
        self.pos.val[:, 0] -= sep * apart
        self.oth.val[:, 0] -= sep * apart * self.U(0.8, 1.2)
        self.now = t1 + 0.2
        self.retract()
        op, oo, oj, _ = self.rest_target("armrest" if p.rest == "joystick" else p.rest)
        self.oth.to(t1 + 0.2, 0.6 / p.speed, op, 0.25)
        self.oth_ori.to(t1 + 0.2, 0.6 / p.speed, oo, 0.25)
        self.oth_j.to(t1 + 0.2, 0.6 / p.speed, oj, 0.25)

    def i_dog(self, rem: float) -> None:
        p, rng, arm = self.p, self.rng, self.p.arm
        t0 = self.now
        bend = p.mode == "standing"
        if bend:
            self.body.to(
                self.now, self.U(0.6, 1.0) / math.sqrt(p.speed), [np.nan, self.U(0.25, 0.45) * self.sc, -self.U(0.05, 0.15), np.nan]
            )
            base = np.array([-0.1, 0.75 * arm, -0.45 * arm])
        else:
            base = np.array([-p.sw - 0.12, 0.85 * arm, -0.15])
        base = base + rng.normal(0.0, 0.03, 3)
        ori = _angles([self.U(-0.3, 0.3), self.U(0.0, 0.4), -1.0], _Y, rng, 0.15)
        self.move(pos=base, ori=ori, jnt=0.5 * self.pose("flat") + 0.5 * self.pose("relaxed"), advance=1.0)
        axis = _X if rng.random() < 0.5 else _Z
        L = self.U(0.12, 0.25)
        while self.now < t0 + min(rem, 6.0) - 1.4:
            d = self.U(0.5, 0.9) / math.sqrt(p.speed)
            self.pos.shift(self.now, d, L * axis, 0.25)
            self.pos.shift(self.now + d, 0.35, -L * axis - 0.03 * _Y, 0.25)
            self.pos.shift(self.now + d + 0.3, 0.2, 0.03 * _Y, 0.25)
            self.now += d + self.U(0.45, 0.7)
        if bend:
            self.body.to(self.now, self.U(0.6, 1.0) / math.sqrt(p.speed), [np.nan, 0.0, 0.0, np.nan])
        self.retract()

    def i_carry(self, rem: float) -> None:
        p, rng, arm = self.p, self.rng, self.p.arm
        table_y = float(np.clip(p.sh_h - 0.75, 0.15, 0.85 * arm))
        obj = np.array([-p.sw - self.U(0.0, 0.2), table_y, -self.U(0.3, 0.5)])
        ori = _angles([self.U(0.2, 0.6), self.U(0.0, 0.4), -1.0], _X, rng, 0.2)
        self.move(pos=obj, ori=ori, jnt=self.pose("open"), advance=1.0)
        tg = self.now
        dc = self.U(0.25, 0.5) / p.speed
        self.jnt.to(tg, dc, self.pose("grip"), 0.25)
        self.now += dc + self.U(0.05, 0.2)
        walk = p.mode == "standing" and rem > 5.0 and rng.random() < 0.5
        carry = np.array([-p.sw - 0.02, 0.75 * arm, -0.05]) if rng.random() < 0.5 else self.chest + [0.02, 0.25, 0.05]
        self.move(pos=carry, ori=ori + rng.normal(0.0, 0.15, 3), advance=1.0)
        if walk:
            dx = self.U(0.3, 1.0) * (1 if rng.random() < 0.5 else -1)
            dw = abs(dx) / self.U(0.6, 1.0) + 0.4
            self.body.shift(self.now, dw, [dx, 0, 0, 0], 0.2)
            self.pos.val[:, 2] += np.sin(2 * np.pi * 0.9 * (self.t - self.now)) * 0.03 * _tukey(self.t, self.now, self.now + dw, 0.3)
            self.now += dw
        else:
            self.now += self.U(0.3, 1.0)
        obj2 = obj + np.array([self.U(-0.15, 0.05), 0.0, self.U(-0.05, 0.1)])
        self.move(pos=obj2, ori=ori, advance=1.0)
        self.jnt.to(self.now, 0.3 / p.speed, self.pose("open"), 0.25)
        self.flag(self.hold, tg, self.now + 0.15, 1.0)
        self.now += 0.3 / p.speed
        self.retract()

    def i_walk(self, rem: float) -> None:
        p, rng = self.p, self.rng
        t0 = self.now
        self.go_rest("hang")
        s = 1 if rng.random() < 0.5 else -1
        v = self.U(1.0, 1.8) if p.group == "child" else self.U(0.6, 1.1) * (0.7 if p.group == "elderly" else 1.0)
        half = self.cam.dist * self.cam.W / (2 * self.cam.f)
        dist = min(half + self.U(0.3, 0.9), max(0.6, (rem - 2.5) * v / 2))
        dw = dist / v + 0.3
        self.body.to(self.now, 0.5, [np.nan, np.nan, np.nan, s * self.U(60.0, 90.0) * _DEG])
        ta = self.now + 0.2
        self.body.shift(ta, dw, [s * dist, 0, 0, 0], 0.15)
        pause = self.U(0.2, 1.2)
        tb = ta + dw + pause
        self.body.to(tb - 0.3, 0.5, [np.nan, np.nan, np.nan, -s * self.U(60.0, 90.0) * _DEG])
        self.body.shift(tb, dw, [-s * dist, 0, 0, 0], 0.15)
        te = tb + dw
        self.walk_overlay(ta, te, v)
        self.now = te
        self.face_robot()
        self.now = max(self.now, t0 + 0.5)

    def walk_overlay(self, ta: float, te: float, v: float) -> None:
        fs = 0.9 * (1.3 if self.p.group == "child" else 1.0) * (v / 0.9) ** 0.5
        env = _tukey(self.t, ta, te, 0.4)
        self.pos.val[:, 2] += np.sin(2 * np.pi * fs * (self.t - ta)) * self.U(0.06, 0.14) * env
        self.body.val[:, 1] += np.abs(np.sin(2 * np.pi * fs * (self.t - ta))) * 0.025 * env

    def i_enter(self, rem: float) -> None:
        p, rng = self.p, self.rng
        s = 1 if rng.random() < 0.5 else -1
        half = self.cam.dist * self.cam.W / (2 * self.cam.f)
        v = self.U(1.0, 1.8) if p.group == "child" else self.U(0.6, 1.1) * (0.7 if p.group == "elderly" else 1.0)
        if p.mode == "wheelchair":
            v = self.U(0.4, 0.8)
        dist = min(half + self.U(0.3, 0.7), max(0.5, (rem - 1.0) * v))
        self.body.val[:, 0] += s * dist
        self.body.goal[0] += s * dist
        yaw0 = s * self.U(65.0, 90.0) * _DEG
        self.body.val[:, 3] += yaw0
        self.body.goal[3] += yaw0
        dw = dist / v + 0.2
        self.body.shift(0.0, dw, [-s * dist, 0, 0, 0], 0.15)
        self.body.to(dw - 0.4, 0.6, [np.nan, np.nan, np.nan, 0.0])
        if p.mode == "standing":
            self.walk_overlay(0.0, dw, v)
        self.now = dw + 0.2

    def i_leave(self, rem: float) -> None:
        p, rng = self.p, self.rng
        s = 1 if rng.random() < 0.5 else -1
        self.go_rest("hang" if p.mode == "standing" else None)
        v = self.U(1.0, 1.8) if p.group == "child" else self.U(0.6, 1.1) * (0.7 if p.group == "elderly" else 1.0)
        if p.mode == "wheelchair":
            v = self.U(0.4, 0.8)
        self.body.to(self.now, 0.5, [np.nan, np.nan, np.nan, s * self.U(60.0, 90.0) * _DEG])
        ta = self.now + 0.25
        dist = v * max(0.5, rem - (ta - self.now) - 0.2)
        self.body.shift(ta, dist / v, [s * dist, 0, 0, 0], 0.15)
        if p.mode == "standing":
            self.walk_overlay(ta, ta + dist / v, v)
        self.now = ta + dist / v

    def i_cup(self, rem: float) -> None:
        p, rng = self.p, self.rng
        t0 = self.now
        hold_pos = self.chest + np.array([0.02, 0.2, 0.05]) * self.sc
        ori = _angles([self.U(0.5, 1.0), -self.U(0.0, 0.5), -1.0], _X, rng, 0.15)
        self.move(pos=hold_pos, ori=ori, jnt=self.pose("grip"), advance=1.0)
        mouth = self.face + np.array([-0.03, 0.07, -0.12]) * self.sc
        self.move(pos=mouth - 0.5 * p.L * _unit([0.6, -0.2, -0.5]), ori=ori + np.array([0.0, 0.4, 0.0]), advance=1.0)
        self.now += min(self.U(0.6, 2.0), max(0.2, rem - (self.now - t0) - 1.5))
        self.move(pos=hold_pos, ori=ori, advance=1.0)
        self.flag(self.hold, t0, self.now, 1.0)
        self.retract()

    def i_phone(self, rem: float) -> None:
        rng = self.rng
        t0 = self.now
        P = self.chest + np.array([0.04, self.U(0.1, 0.2), self.U(0.0, 0.08)])
        ori = _angles([self.U(0.6, 1.0), -self.U(0.3, 0.8), -0.6], -_Y + _Z, rng, 0.15)
        self.move(pos=P, ori=ori, jnt=self.pose("grip"), advance=1.0)
        dur = min(rem - (self.now - t0) - 0.6, self.U(1.0, 4.0))
        dur = max(dur, 0.3)
        amp = np.zeros(21)
        amp[18], amp[19] = self.U(10.0, 25.0), self.U(10.0, 30.0)
        taps = np.zeros_like(self.t)
        tt = self.now
        while tt < self.now + dur - 0.3:
            w, _ = _cycles(self.t, tt, self.U(3.0, 5.0), 1, rng)
            taps += w
            tt += self.U(0.25, 0.9)
        self.overlay_j(taps, amp)
        self.flag(self.hold, t0, self.now + dur, 1.0)
        self.flag(self.occl, self.now, self.now + dur, 0.3)
        self.now += dur
        self.retract()

    def i_joystick(self, rem: float) -> None:
        rng = self.rng
        t0 = self.now
        self.go_rest("joystick")
        base = self.pos.goal.copy()
        while self.now < t0 + min(rem, 5.0) - 0.6:
            dv = _unit([rng.normal(0, 1), 0.0, rng.normal(0, 1)]) * self.U(0.015, 0.04)
            d = self.U(0.3, 1.0)
            self.move(pos=base + dv, dur=0.2, advance=1.0)
            self.body.shift(self.now, d, [0.0, 0.0, -dv[2] * self.U(3.0, 8.0), dv[0] * self.U(2.0, 5.0)], 0.3)
            self.now += d
            self.move(pos=base, dur=0.2, advance=1.0)
            self.now += self.U(0.1, 0.4)

    # -- rendering ----------------------------------------------------------------------------
    def schedule_camera(self, t_end: float) -> None:
        c, rng = self.cam, self.rng
        busy = sorted((g["t0"] - 0.4, g["t1"] + 0.25) for g in self.gestures)
        gaps, a = [], 0.0
        for s, e in busy:
            if s > a:
                gaps.append((a, s))
            a = max(a, e)
        if a < t_end:
            gaps.append((a, t_end))
        for a, b in gaps:
            L = b - a
            if c.mode in ("pan", "drive") and L > 1.8 and rng.random() < 0.55:
                d1 = self.U(0.6, min(1.4, 0.45 * L))
                amp = self.U(4.0, 18.0) * _DEG * (1 if rng.random() < 0.5 else -1)
                t1 = a + self.U(0.0, L - 2 * d1 - 0.05)
                self.camt.shift(t1, d1, [0, 0, amp, 0, 0], 0.25)
                t2 = self.U(t1 + d1, b - d1)
                self.camt.shift(t2, d1, [0, 0, -amp, 0, 0], 0.25)
            if c.mode == "drive" and L > 2.0 and rng.random() < 0.7:
                dz = self.U(-0.5, 0.5)
                goal = self.camt.goal[1] + dz
                if not (-0.5 < goal < c.dist - 0.85):
                    dz = -dz
                dur = abs(dz) / self.U(0.12, 0.3)
                if dur < L - 0.1:
                    self.camt.shift(a + self.U(0.0, L - dur), dur, [self.U(-0.1, 0.1), dz, 0, 0, 0], 0.2)
        if c.mode == "drive" and rng.random() < 0.35:
            dz = self.U(-0.3, 0.3)
            if c.dist + dz - self.camt.goal[1] < 0.9:
                dz = abs(dz)
            self.camt.shift(0.5 * t_end, 0.9 * t_end, [0, dz, 0, 0, 0], 0.12)

    def render(self, T: int, with_other: bool) -> dict:
        p, c, rng = self.p, self.cam, self.rng
        self._close_occ(T / FPS)
        t = self.t[:T]
        pos = self.pos.val[:T].copy()
        tr_env = 0.6 + 0.4 * np.sin(2 * np.pi * self.U(0.1, 0.3) * t + self.U(0, 6.3))
        pos += p.tremor * tr_env[:, None] * np.sin(2 * np.pi * p.tremor_f * t[:, None] + rng.uniform(0, 6.3, 3))
        drift_amp = self.U(0.002, 0.006) * (1.5 if p.group == "elderly" else 1.0)
        pos += _smooth(rng, t, 3, drift_amp, 0.08, 0.6)
        jnt = self.jnt.val[:T] + _smooth(rng, t, 21, self.U(1.0, 3.0), 0.2, 1.5)
        ori = self.ori.val[:T] + _smooth(rng, t, 3, self.U(0.01, 0.03), 0.1, 0.8)
        if p.group == "elderly":
            jnt += 40.0 * p.tremor * np.sin(2 * np.pi * p.tremor_f * t[:, None] + rng.uniform(0, 6.3, 21))
        lm_b = _fk(pos, ori, jnt, p.geo)
        oth_b = None
        if with_other:
            op = self.oth.val[:T] + _smooth(rng, t, 3, 0.004, 0.08, 0.5)
            oth_b = _fk(op, self.oth_ori.val[:T], self.oth_j.val[:T], p.geo)
            oth_b[..., 0] *= -1.0
        if p.left:
            lm_b[..., 0] *= -1.0
            if oth_b is not None:
                oth_b[..., 0] *= -1.0
        body = self.body.val[:T].copy()
        body[:, 1] += 0.004 * np.sin(2 * np.pi * self.U(0.2, 0.3) * t + self.U(0, 6.3))
        body[:, [0, 2]] += _smooth(rng, t, 2, 0.006 if p.mode == "standing" else 0.003, 0.1, 0.4)
        base = np.array([c.px, -p.sh_h, c.dist])
        origin = base[None, :] + body[:, :3]

        def to_world(lm):
            cy_, sy_ = np.cos(body[:, 3])[:, None], np.sin(body[:, 3])[:, None]
            x, y, z = lm[..., 0], lm[..., 1], lm[..., 2]
            return np.stack([cy_ * x + sy_ * z, y, -sy_ * x + cy_ * z], -1) + origin[:, None, :]

        world = to_world(lm_b)
        torso = to_world(np.tile(np.array([[0.0, 0.25 * self.sc, 0.03]]), (T, 1, 1)))[:, 0]
        cam_pos, R = self.camera_pose(T, origin)
        out = _project(world, cam_pos, R, c)
        res = {"clean": out["lm"], "Z": out["Z"]}
        if oth_b is not None:
            res["other"] = _project(to_world(oth_b), cam_pos, R, c)["lm"]
        tp = _project(torso[:, None, :], cam_pos, R, c)
        # torso occlusion: hand behind the torso as seen from the camera
        half_w = c.f * 0.16 * self.sc / np.maximum(tp["Z"][:, 0], 0.3) / c.W
        half_w *= np.abs(np.cos(body[:, 3])) + 0.55 * np.abs(np.sin(body[:, 3]))
        cx = out["lm"][:, :, 0].mean(1)
        behind = out["Z"][:, 0] > tp["Z"][:, 0] + 0.04
        ylo = lm_b[:, 0, 1] > -0.05
        yhi = lm_b[:, 0, 1] < 0.7 * p.arm
        geo_occ = (np.abs(cx - tp["lm"][:, 0, 0]) < half_w) & behind & ylo & yhi
        res["occl"] = np.maximum(self.occl[:T], geo_occ.astype(float))
        res["hold"] = self.hold[:T].copy()
        return res

    def camera_pose(self, T: int, origin: np.ndarray):
        c, rng = self.cam, self.rng
        t = self.t[:T]
        ct = self.camt.val[:T]
        pos = np.stack([ct[:, 0], np.full(T, -c.h), ct[:, 1]], 1)
        tgt = origin + np.array([0.0, c.aim, 0.0])
        home = np.array([c.px, -self.p.sh_h + c.aim, c.dist])
        if c.mode == "still":
            lag = np.repeat(home[None, :], T, axis=0)
        else:
            lag = np.empty_like(tgt)
            lag[0] = home
            a = 1.0 - math.exp(-1.0 / (FPS * c.tau))
            for k in range(1, T):
                lag[k] = lag[k - 1] + a * (tgt[k] - lag[k - 1])
        f = lag - pos
        speed = np.zeros(T)
        speed[1:] = np.abs(np.diff(ct[:, 1])) * FPS + np.abs(np.diff(ct[:, 2])) * FPS
        vib = _smooth(rng, t, 2, 0.08 * _DEG, 3.0, 9.0) * (1.0 + 25.0 * np.minimum(speed, 0.5))[:, None]
        wander = _smooth(rng, t, 2, (0.15 if c.mode == "still" else 0.5) * _DEG, 0.03, 0.2)
        yaw = np.arctan2(f[:, 0], f[:, 2]) + ct[:, 2] + wander[:, 0]
        pitch = np.arctan2(-f[:, 1], np.hypot(f[:, 0], f[:, 2])) + ct[:, 3] + c.pitch_bias + wander[:, 1] + vib[:, 0]
        roll = c.roll + ct[:, 4] + vib[:, 1]
        cy, sy, cp, sp, cr, sr = np.cos(yaw), np.sin(yaw), np.cos(pitch), np.sin(pitch), np.cos(roll), np.sin(roll)
        fwd = np.stack([cp * sy, -sp, cp * cy], 1)
        xr = np.stack([cy, np.zeros(T), -sy], 1)
        yd = np.stack([sp * sy, cp, sp * cy], 1)
        x2 = cr[:, None] * xr + sr[:, None] * yd
        y2 = -sr[:, None] * xr + cr[:, None] * yd
        return pos, np.stack([x2, y2, fwd], 1)


def _project(world: np.ndarray, cam_pos: np.ndarray, R: np.ndarray, c: _Cam) -> dict:
    pc = np.einsum("tij,tkj->tki", R, world - cam_pos[:, None, :])
    Z = np.maximum(pc[..., 2], 0.05)
    xn, yn = pc[..., 0] / Z, pc[..., 1] / Z
    r2 = np.minimum(xn * xn + yn * yn, 1.6)
    dist = 1.0 + c.k1 * r2 + 0.3 * c.k1 * c.k1 * r2 * r2
    u = c.f * xn * dist + c.cx
    v = c.f * yn * dist + c.cy
    x, y = u / c.W, v / c.H
    z = (Z - Z[:, :1]) * c.f / (Z[:, :1] * c.W)
    lm = np.stack([np.clip(x, *_BAND), np.clip(y, *_BAND), np.clip(z, -1.0, 1.0)], -1)
    return {"lm": lm, "Z": Z}


# ----------------------------------------------------------------------------------------------
# clip composition


def _kind(seed: int, i: int) -> str:
    block = i // len(_BLOCK)
    perm = _rng(1, seed, block).permutation(len(_BLOCK))
    return _BLOCK[int(perm[i % len(_BLOCK)])]


def _spec(rng: np.random.Generator, p: _Person, label: str | None = None) -> dict:
    if label is None:
        w = np.array([0.75, 0.9, 0.9, 0.9, 0.9, 1.0, 1.25, 1.4])
        label = LABELS[int(rng.choice(len(LABELS), p=w / w.sum()))]
    lab = label
    fam = "swipe" if lab.startswith("swipe") else lab
    return {"label": lab, "style": _pick(rng, _STYLES[fam][p.group]), "d": _point_dir(rng) if lab == "point" else None, "reps": 1}


def _pair(rng: np.random.Generator, p: _Person) -> list:
    a, b = _PAIRS[int(rng.integers(len(_PAIRS)))]
    if b == "swipe":
        b = _SWIPES[int(rng.integers(4))]
    return [_spec(rng, p, a), _spec(rng, p, b)]


def _plan(rng: np.random.Generator, kind: str, p: _Person, max_g: int = 5) -> list:
    if kind in ("tight", "margin"):
        return [[_spec(rng, p)]]
    if kind == "pair":
        return [_pair(rng, p)]
    n = int(rng.integers(3, max_g + 1))
    units, count = [], 0
    rep_p = 0.35 if p.group == "child" else 0.07
    while count < n:
        left = n - count
        r = rng.random()
        if left >= 2 and r < 0.3:
            u = _pair(rng, p)
        elif left >= 2 and r < 0.3 + rep_p:
            s = _spec(rng, p, _SWIPES[int(rng.integers(4))])
            s["reps"] = int(min(left, rng.integers(2, 4)))
            u = [s]
        else:
            u = [_spec(rng, p)]
        units.append(u)
        count += sum(s["reps"] for s in u)
    return units


def _openness(lm: np.ndarray, W: int, H: int) -> np.ndarray:
    q = lm[..., :3] * np.array([W, H, W], dtype=float)
    palm = np.linalg.norm(q[:, 9] - q[:, 0], axis=-1)
    tips = np.linalg.norm(q[:, [8, 12, 16, 20]] - q[:, None, 0], axis=-1).mean(1)
    return tips / np.maximum(palm, 1e-6)


def _validate(clean: np.ndarray, labels: list, holds: list, W: int, H: int) -> bool:
    T = len(clean)
    px = clean[..., :2] * np.array([W, H], dtype=float)
    prev = 0
    for k, (lab, s, e) in enumerate(labels):
        if not (prev <= s < e <= T) or e - s < 5:
            return False
        prev = e
        seg = clean[s:e]
        wr = seg[:, 0, :2]
        if np.mean(np.all((wr >= 0.0) & (wr <= 1.0), axis=1)) < 0.85:
            return False
        if np.mean(np.all((seg[..., :2] >= -0.03) & (seg[..., :2] <= 1.03), axis=(1, 2))) < 0.7:
            return False
        palm = float(np.median(np.linalg.norm(px[s:e, 9] - px[s:e, 0], axis=-1)))
        if palm < 5.0:
            return False
        hand = float(np.median(np.linalg.norm(px[s:e, 12] - px[s:e, 0], axis=-1)))
        if lab.startswith("swipe"):
            c = px[s:e].mean(1)
            dv = c[-1] - c[0]
            ax = {"swipe_left": (-1, 0), "swipe_right": (1, 0), "swipe_up": (0, -1), "swipe_down": (0, 1)}[lab]
            along = dv[0] * ax[0] + dv[1] * ax[1]
            orth = abs(dv[0] * ax[1] - dv[1] * ax[0])
            if along < 1.6 * orth or along < 0.45 * max(hand, palm * 1.5):
                return False
        elif lab == "point":
            hs, he = holds[k]
            if he - hs < 4:
                return False
            vec = px[hs:he, 8] - px[hs:he, 5]
            ln = np.linalg.norm(vec, axis=-1)
            palm_h = np.linalg.norm(px[hs:he, 9] - px[hs:he, 0], axis=-1)
            if np.median(ln) < 0.35 * np.median(palm_h) or np.median(ln) < 3.0:
                return False
            u = vec / np.maximum(ln[:, None], 1e-9)
            if np.linalg.norm(u.mean(0)) < 0.93:
                return False
        elif lab == "grab":
            op = _openness(seg, W, H)
            k0 = max(2, int(0.4 * len(op)))
            if op[-1] > 0.8 * op[:k0].max():
                return False
    return True


def _idle_len(rng: np.random.Generator) -> float:
    r = rng.random()
    if r < 0.35:
        return float(rng.uniform(0.3, 1.2))
    if r < 0.7:
        return float(rng.uniform(1.2, 3.0))
    return float(rng.uniform(3.0, 6.0))


def _compose(seed: int, i: int, attempt: int, kind: str):
    rng = _rng(2, seed, i, attempt)
    p = _sample_person(rng)
    cam = _sample_camera(rng, p)
    ctx = _Ctx(rng, p, cam)
    plan = _plan(rng, kind, p, max_g=5 if attempt < 5 else 4)
    n_g = sum(s["reps"] for u in plan for s in u)
    per_g = 1.7 + 1.0 / p.speed
    squeeze = 1.0 if attempt < 3 else 0.5
    if kind == "tight":
        pre, post, gaps = ctx.U(0.6, 1.4), ctx.U(0.3, 0.6), []
    else:
        pre, post = _idle_len(rng) * squeeze, _idle_len(rng) * squeeze
        gaps = [max(0.8, _idle_len(rng)) * squeeze for _ in range(len(plan) - 1)]
        spare = _MAX_CLIP_S - 0.5 - per_g * n_g
        tot = pre + post + sum(gaps)
        if tot > spare:
            f = max(spare, 0.9 + 0.3 * len(gaps)) / tot
            pre, post = max(0.35, pre * f), max(0.35, post * f)
            gaps = [max(0.3, g * f) for g in gaps]
    ctx.idle(pre, first=True)
    for k, unit in enumerate(plan):
        for gi, spec in enumerate(unit):
            if gi > 0:
                ctx.now += ctx.U(0.1, 0.5)
            ctx.gesture(spec)
        if k < len(plan) - 1:
            ctx.retract()
            ctx.idle(gaps[k])
    ctx.retract()
    ctx.idle(post, last=True)
    t_end = ctx.now
    T = int(math.ceil(t_end * FPS)) + 1
    if T > _MAX_CLIP_S * FPS or T > len(ctx.t):
        return None
    ctx.schedule_camera(t_end)
    labels, holds = [], []
    for g in ctx.gestures:
        s = int(round(g["t0"] * FPS))
        e = int(round(g["t1"] * FPS))
        if labels and s < labels[-1][2]:
            s = labels[-1][2]
        e = min(max(e, s + 1), T)
        labels.append((g["label"], s, e))
        if g["hold"] is not None:
            hs = max(s, int(math.ceil(g["hold"][0] * FPS)))
            he = min(e, int(math.floor(g["hold"][1] * FPS)))
            holds.append((hs, he))
        else:
            holds.append(None)
    ren = ctx.render(T, with_other=True)
    valid = _validate(ren["clean"], labels, holds, cam.W, cam.H)
    trim = (labels[0][1], labels[0][2]) if kind == "tight" else None
    meta = {
        "image_size": (int(cam.W), int(cam.H)),
        "person": {
            "group": p.group,
            "age": p.age,
            "height_m": round(p.height, 3),
            "hand_length_m": round(p.L, 4),
            "hand": "left" if p.left else "right",
            "posture": p.mode,
            "rest": p.rest,
            "speed": round(p.speed, 3),
            "amplitude": round(p.amp, 3),
        },
        "camera": {
            "height_m": round(cam.h, 3),
            "distance_m": round(cam.dist, 3),
            "diag_fov_deg": round(cam.dfov, 1),
            "robot_motion": cam.mode,
            "roll_deg": round(cam.roll / _DEG, 2),
            "dim_light": round(cam.dim, 3),
        },
        "styles": [g["info"].get("style") for g in ctx.gestures],
        "intended_direction_deg": [g["info"].get("intended") for g in ctx.gestures],
        "idle_events": [(n, int(round(a * FPS)), int(round(b * FPS))) for n, a, b in ctx.events if b > a],
        "annotation_rule": ANNOTATION_RULE,
        "attempt": attempt,
    }
    return {"kind": kind, "ren": ren, "labels": labels, "holds": holds, "trim": trim, "meta": meta, "valid": valid, "cam": cam}


def _generate(seed: int, i: int) -> dict:
    kind = _kind(seed, i)
    res = None
    for attempt in range(12):
        r = _compose(seed, i, attempt, kind)
        if r is None:
            continue
        res = r
        if r["valid"]:
            break
    if res is None:  # pragma: no cover - the squeezed attempts always fit
        raise RuntimeError("could not compose a clip")
    return res


# ----------------------------------------------------------------------------------------------
# the hand tracker


def _feats(P: np.ndarray, W: int, H: int):
    xy = P[..., :2]
    size = np.linalg.norm(xy.max(1) - xy.min(1), axis=-1)
    inside = ((xy[..., 0] >= 0) & (xy[..., 0] <= W) & (xy[..., 1] >= 0) & (xy[..., 1] <= H)).mean(1)
    c = xy.mean(1)
    speed = np.zeros(len(P))
    speed[1:] = np.linalg.norm(np.diff(c, axis=0), axis=-1)
    tip = np.zeros(len(P))
    tip[1:] = np.linalg.norm(np.diff(xy[:, [4, 8, 12, 16, 20]], axis=0), axis=-1).max(1)
    nrm = np.cross(P[:, 5] - P[:, 0], P[:, 17] - P[:, 0])
    facing = np.abs(nrm[:, 2]) / (np.linalg.norm(nrm, axis=-1) + 1e-9)
    return size, inside, np.maximum(speed, 0.6 * tip), facing


def _track(clean: np.ndarray, other, occl: np.ndarray, hold: np.ndarray, W: int, H: int, dim: float, rng: np.random.Generator):
    T = len(clean)
    sc = np.array([W, H, W], dtype=float)
    P = clean.astype(np.float64) * sc
    OH = other.astype(np.float64) * sc if other is not None else None
    expo = 0.3 + 0.65 * dim

    def quality(f, occ, hd):
        size, inside, speed, facing = f
        blur = speed * expo / np.maximum(size, 1.0)
        q = np.clip((size - 8.0) / 30.0, 0.0, 1.0) * np.exp(-blur / 0.25) * (0.6 + 0.4 * facing)
        q = q * (1.0 - 0.85 * occ) * (1.0 - 0.3 * hd) * (1.0 - 0.25 * dim)
        return q, blur

    fd = _feats(P, W, H)
    q, blur = quality(fd, occl, hold)
    if OH is not None:
        fo = _feats(OH, W, H)
        qo, blur_o = quality(fo, np.zeros(T), np.zeros(T))
    else:
        fo, qo, blur_o = fd, np.zeros(T), blur
    filt = str(rng.choice(("euro", "alphabeta", "ema", "none"), p=(0.5, 0.2, 0.2, 0.1)))
    style = str(rng.choice(("nan", "zeros", "repeat", "repeat_nan"), p=(0.3, 0.25, 0.3, 0.15)))
    hold_max = int(rng.integers(3, 11))
    p_dup = rng.uniform(0.0, 0.006)
    base_px = rng.uniform(0.5, 1.0) * (1.0 + 1.2 * dim)
    rel0 = rng.uniform(0.010, 0.018)
    ar = rng.uniform(0.55, 0.85)
    p_other = rng.uniform(0.015, 0.05)
    p_mirror = rng.uniform(0.02, 0.06)
    min_cut, beta = rng.uniform(0.7, 2.5), rng.uniform(0.002, 0.012)
    ab_a, ab_b = rng.uniform(0.45, 0.8), rng.uniform(0.05, 0.25)
    ema_a = rng.uniform(0.45, 0.85)
    white = rng.standard_normal((T, 22, 3))
    noise = np.empty_like(white)
    noise[0] = white[0]
    kk = math.sqrt(1.0 - ar * ar)
    for t in range(1, T):
        noise[t] = ar * noise[t - 1] + kk * white[t]
    lw = np.ones((21, 3))
    lw[[4, 8, 12, 16, 20]] *= 1.4
    lw[:, 2] *= 2.0
    fingers = np.arange(5, 21)

    def alpha(fc):
        return 1.0 / (1.0 + FPS / (2.0 * np.pi * fc))

    out = np.full((T, 21, 3), np.nan, dtype=np.float32)
    lost = np.zeros(T, dtype=bool)
    tracking = False
    src = 0
    mirror = False
    warm = 0
    wl = 0
    w_off = np.zeros(2)
    w_scale = w_rot = w_tau = 0.0
    xf = dxf = vf = None
    run = 0
    have_prev = False
    n_redetect = n_switch = n_mirror = 0
    for t in range(T):
        if tracking:
            qq = q[t] if src == 0 else qo[t]
            ins = fd[1][t] if src == 0 else fo[1][t]
            p_lose = 0.001 + 0.25 * (1.0 - qq) ** 5 + (0.03 if src == 1 else 0.0)
            if ins < 0.6:
                p_lose = 0.85
            if rng.random() < p_lose:
                tracking = False
            elif mirror and rng.random() < 0.04:
                mirror = False
                warm, wl = 0, int(rng.integers(2, 5))
        if not tracking:
            pd = 0.7 * q[t] ** 1.1 if fd[1][t] >= 0.75 else 0.0
            po = 0.7 * qo[t] ** 1.1 * p_other if (OH is not None and fo[1][t] >= 0.75) else 0.0
            r = rng.random()
            if r < pd + po:
                tracking = True
                src = 0 if r < pd else 1
                n_redetect += 1
                n_switch += src
                mirror = bool(rng.random() < p_mirror * (1.6 - (fd[3][t] if src == 0 else fo[3][t])))
                n_mirror += int(mirror)
                warm, wl = 0, int(rng.integers(3, 9))
                size = fd[0][t] if src == 0 else fo[0][t]
                w_off = rng.normal(0.0, rng.uniform(0.06, 0.2) * size, 2)
                w_scale, w_rot, w_tau = rng.normal(0.0, 0.1), rng.normal(0.0, 0.12), rng.uniform(1.5, 3.5)
                xf = None
        if tracking:
            src_arr = P if src == 0 else OH
            size = (fd[0] if src == 0 else fo[0])[t]
            bl = (blur if src == 0 else blur_o)[t]
            face = (fd[3] if src == 0 else fo[3])[t]
            rel = rel0 + 0.05 * float(np.clip((90.0 - size) / 70.0, 0.0, 1.0)) + 0.3 * min(bl, 1.0)
            sig = math.sqrt((rel * size) ** 2 + base_px**2)
            m = src_arr[t].copy()
            wgt = lw.copy()
            wgt[fingers] *= 1.0 + 1.5 * (1.0 - face)
            fw = math.exp(-warm / w_tau) if warm < wl else 0.0
            if fw > 0:
                wgt[fingers] *= 1.0 + 2.0 * fw
            m += noise[t, :21] * sig * wgt + noise[t, 21] * sig * 0.7
            if fw > 0:
                c0 = m[0, :2].copy()
                ang = w_rot * fw
                ca, sa = math.cos(ang), math.sin(ang)
                rel_xy = m[:, :2] - c0
                rot = np.stack([ca * rel_xy[:, 0] - sa * rel_xy[:, 1], sa * rel_xy[:, 0] + ca * rel_xy[:, 1]], -1)
                m[:, :2] = c0 + (1.0 + w_scale * fw) * rot + w_off * fw
            if mirror:
                a0 = m[0, :2].copy()
                dd = m[9, :2] - a0
                dd /= np.linalg.norm(dd) + 1e-9
                rv = m[:, :2] - a0
                proj = (rv @ dd)[:, None] * dd
                m[:, :2] = a0 + 2.0 * proj - rv
                m[:, 2] *= -1.0
            x = m.reshape(-1)
            if xf is None or filt == "none":
                xf, dxf, vf = x.copy(), np.zeros_like(x), np.zeros_like(x)
            elif filt == "euro":
                dx = (x - xf) * FPS
                ad = alpha(1.0)
                dxf = ad * dx + (1 - ad) * dxf
                a = alpha(min_cut + beta * np.abs(dxf))
                xf = a * x + (1 - a) * xf
            elif filt == "alphabeta":
                pred = xf + vf
                res = x - pred
                xf = pred + ab_a * res
                vf = vf + ab_b * res
            else:
                xf = ema_a * x + (1 - ema_a) * xf
            row = (xf.reshape(21, 3) / sc).astype(np.float32)
            row[:, :2] = np.clip(row[:, :2], *_BAND)
            row[:, 2] = np.clip(row[:, 2], -1.0, 1.0)
            warm += 1
            if have_prev and rng.random() < p_dup:
                out[t] = out[t - 1]
                lost[t] = True
            else:
                out[t] = row
                have_prev = True
            run = 0
        else:
            lost[t] = True
            run += 1
            if style == "zeros":
                out[t] = 0.0
            elif style in ("repeat", "repeat_nan") and t > 0 and (style == "repeat" or run <= hold_max):
                out[t] = out[t - 1]
    info = {"filter": filt, "lost_style": style, "redetections": n_redetect, "other_hand_latches": n_switch, "mirrored_fits": n_mirror}
    return out, lost, info


# ----------------------------------------------------------------------------------------------
# public API


def _direction(lm: np.ndarray, hs: int, he: int, W: float = 1.0, H: float = 1.0) -> float:
    v = (lm[hs:he, 8, :2] - lm[hs:he, 5, :2]).astype(np.float64) * np.array([W, H])
    u = v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)
    m = u.mean(0)
    return float(round(math.degrees(math.atan2(-m[1], m[0])) % 360.0, 4))


def _clip(seed: int, i: int, tracked: bool) -> Blind14Clip:
    res = _generate(seed, i)
    ren, cam = res["ren"], res["cam"]
    clean = ren["clean"]
    meta = dict(res["meta"])
    if tracked:
        out, lost, info = _track(clean, ren.get("other"), ren["occl"], ren["hold"], cam.W, cam.H, cam.dim, _rng(3, seed, i))
        meta["tracker"] = info
    else:
        out, lost = clean.astype(np.float32), np.zeros(len(clean), dtype=bool)
    labels, holds = list(res["labels"]), list(res["holds"])
    if res["trim"] is not None:
        s, e = res["trim"]
        out, lost, clean = out[s:e].copy(), lost[s:e].copy(), clean[s:e]
        labels = [(lab, a - s, b - s) for lab, a, b in labels]
        holds = [None if h is None else (h[0] - s, h[1] - s) for h in holds]
        k = 0
        while tracked and k < len(out) and lost[k]:  # repeats of frames that were trimmed away
            if not np.all(out[k] == 0.0):
                out[k] = np.nan
            k += 1
    gestures, dpx = [], []
    for (lab, a, b), h in zip(labels, holds):
        if lab == "point":
            gestures.append((lab, int(a), int(b), _direction(clean, h[0], h[1])))
            dpx.append(_direction(clean, h[0], h[1], cam.W, cam.H))
        else:
            gestures.append((lab, int(a), int(b), None))
            dpx.append(None)
    meta["direction_deg_pixels"] = dpx
    meta["hold_frames"] = [None if h is None else (int(h[0]), int(h[1])) for h in holds]
    meta["lost"] = [int(x) for x in np.flatnonzero(lost)]
    meta["lost_share"] = float(lost.mean()) if len(lost) else 0.0
    meta["fps"] = FPS
    meta["end_exclusive"] = True
    meta["tracked"] = tracked
    return Blind14Clip(landmarks=np.ascontiguousarray(out, dtype=np.float32), gestures=tuple(gestures), kind=res["kind"], meta=meta)


def blind14_dataset(n: int, seed: int = 0) -> list[Blind14Clip]:
    """Tracked clips (tracker noise, smoothing and lost frames); clip i depends only on (seed, i)."""
    return [_clip(seed, i, True) for i in range(n)]


def blind14_clean_dataset(n: int, seed: int = 0) -> list[Blind14Clip]:
    """The same clips as blind14_dataset, before tracker errors."""
    return [_clip(seed, i, False) for i in range(n)]


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
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
    ap = argparse.ArgumentParser(prog="blind14_gestures.py", description=__doc__.splitlines()[0])
    ap.add_argument("out", help="output folder")
    ap.add_argument("-n", type=int, default=20, help="number of clips")
    ap.add_argument("-s", "--seed", type=int, default=0)
    ap.add_argument("--clean", action="store_true", help="write the clips before tracker errors")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    make = blind14_clean_dataset if args.clean else blind14_dataset
    entries = []
    for k, c in enumerate(make(args.n, args.seed)):
        name = f"clip_{k:05d}.npy"
        np.save(os.path.join(args.out, name), c.landmarks)
        entries.append({"file": name, "kind": c.kind, "gestures": [list(g) for g in c.gestures], "meta": _jsonable(c.meta)})
    doc = {"generator": "blind14", "fps": FPS, "labels": list(LABELS), "seed": args.seed, "clean": bool(args.clean), "clips": entries}
    with open(os.path.join(args.out, "labels.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
    print(f"wrote {len(entries)} clips to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
