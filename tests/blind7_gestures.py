"""Blind-7 hand-gesture clips: an independent generator for measuring gesture readers on data they were never tuned on.

It was written without reading any robocue gesture reader or any of the project's other clip generators: only the
clip format and vocabulary (docs/commands.md, "Gestures") and the scoring contract of tests/blind6_gestures.py (whose
``score`` is copied below so that the two report the same numbers) were read.

What is modelled, in the order a clip is made:

* **People** (``_Person``): a hand built by forward kinematics over joint angles, with bone lengths drawn per person
  from anthropometric ranges (children with 11-15 cm hands up to large adults with 23 cm hands), palm breadth and
  finger proportions of their own, a left or right hand, a tempo, a motion style (spring-damper strokes that
  overshoot, or minimum-jerk-like strokes with an asymmetric speed profile) and a degree of sloppiness.
* **Gestures** (``_g_point`` ... ``_g_stop``): each is a small plan of targets for the hand center, the hand
  orientation and the 17 joint angles, with sloppy variants: partly bent pointing fingers and thumbs sticking out,
  swipes with a flat, relaxed or fisted hand done with the whole arm, with the forearm pivoting on the elbow (arced)
  or by flicking the wrist, curved swipes, wind-ups, grabs that close slowly, staggered or only partly, beckoning with
  the whole hand, the index finger, the wrist or palm down, stops held briefly or pushed toward the camera.
* **Idle behavior**: fidgeting, scratching at the head, resting in view, the hand leaving the frame and coming back,
  slow retractions after a gesture, sway and physiological tremor.
* **Camera** (``_Camera``): 0.5-3 m away, roll up to +-30 degrees, wide-angle lenses with barrel distortion, frame
  sizes of many aspect ratios (x and y are normalized by different pixel counts), 15-60 fps with timing jitter.
* **Tracker** (``_track``): camera frames resampled to 30 fps by taking the latest frame, correlated landmark jitter
  that grows on curled (occluded) fingers, EMA or one-euro smoothing (lag), losses in bursts, on fast motion, for
  tiny hands and out of frame, re-detection errors, dropped frames written as NaN or as repeats of the last frame,
  left/right confusion (depth mirrored) and wrong-depth z.

Labels are what an annotator would say the person meant: the labelled span of a gesture runs from its preparation
to the end of its stroke or hold, a point's ``direction_deg`` is the direction of the index finger (MCP to tip) in
the normalized image (0 = right, 90 = up) during the hold, and ``meta["direction_deg_pixels"]`` is the same in
square pixels. Swipe names refer to image directions (``SWIPES``, x right, y down).
"""

from __future__ import annotations

import argparse
import functools
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


@dataclass
class Blind7Clip:
    """One clip: landmarks (T, 21, 3) float32, gestures ((label, start, end, direction_deg or None), ...), kind, meta."""

    landmarks: np.ndarray
    gestures: tuple[tuple[str, int, int, float | None], ...]
    kind: str
    meta: dict = field(default_factory=dict)


Clip = Blind7Clip

# ------------------------------------------------------------------------------------------------ hand model
# A right hand in its own frame: axes (radial = thumb side, distal = toward the fingers, palmar = out of the palm),
# lengths in hand lengths (wrist crease to middle fingertip). Proportions follow adult hand anthropometry: the
# knuckles (MCPs) sit on a shallow arc, the middle finger is longest, the little finger's metacarpal is shortest.
_MCP = np.array([[0.135, 0.425, 0.0], [0.035, 0.445, 0.0], [-0.07, 0.42, 0.005], [-0.165, 0.38, 0.015]])
_PHALANX = np.array([[0.215, 0.125, 0.10], [0.24, 0.15, 0.11], [0.225, 0.145, 0.105], [0.175, 0.105, 0.095]])
_SPLAY = np.radians([7.0, 0.0, -6.0, -13.0])  # resting divergence of the fingers from the distal axis
_SPREAD_GAIN = np.radians([9.0, 1.0, -7.0, -16.0])  # extra divergence when the fingers are spread wide
_CMC = np.array([0.115, 0.10, 0.035])  # thumb carpometacarpal joint, MediaPipe landmark 1
_THUMB = np.array([0.235, 0.165, 0.13])  # thumb metacarpal, proximal and distal phalanges
_CENTER = np.array([0.0, 0.4, 0.0])  # the point the gesture plans move: mid-palm

# The 17 joint angles (degrees): 0 spread (0..1, not an angle), then MCP/PIP/DIP flexion of index, middle, ring,
# little finger (1..12), then thumb abduction away from the palm's edge, opposition toward the palm, MCP and IP flexion.
NQ = 17
SPREAD, TH_ABD, TH_OPP, TH_MCP, TH_IP = 0, 13, 14, 15, 16


def _mcp(f: int) -> int:
    return 1 + 3 * f


@dataclass
class _Person:
    """Who gestures: body, hand and habits, all drawn once per clip."""

    hand: str
    side: float  # +1 right hand, -1 left hand (the left hand is the mirror image of the right one)
    group: str  # child, adult or large adult
    length: float  # hand length in metres
    mcp: np.ndarray
    phalanx: np.ndarray
    splay: np.ndarray
    cmc: np.ndarray
    thumb: np.ndarray
    tempo: float  # multiplies every duration: > 1 is a slow, deliberate mover
    style: str  # "spring": strokes settle like a spring-damper, with overshoot; "beta": smooth asymmetric strokes
    zeta: float
    beta_ab: tuple[float, float]
    sloppy: float  # 0 = textbook gestures, 1 = very sloppy
    tremor: float
    forearm: float


def _person(rng: np.random.Generator) -> _Person:
    """Bone lengths from anthropometric ranges: children (4-10 years), adults of both sexes, large adults."""
    group = str(rng.choice(["child", "adult", "large"], p=[0.2, 0.65, 0.15]))
    length = {"child": rng.uniform(0.11, 0.15), "adult": rng.uniform(0.165, 0.205), "large": rng.uniform(0.205, 0.23)}[group]
    palm = rng.uniform(0.9, 1.12)
    finger = rng.uniform(0.9, 1.0) if group == "child" else rng.uniform(0.93, 1.08)
    mcp = _MCP * np.array([palm, 1.0, 1.0]) * length
    phalanx = _PHALANX * finger * length * np.exp(rng.normal(0, 0.04, (4, 3)))
    hand = "left" if rng.random() < 0.3 else "right"
    style = "spring" if rng.random() < 0.5 else "beta"
    return _Person(
        hand=hand,
        side=1.0 if hand == "right" else -1.0,
        group=group,
        length=float(length),
        mcp=mcp,
        phalanx=phalanx,
        splay=_SPLAY + np.radians(rng.normal(0, 2.0, 4)),
        cmc=_CMC * np.array([palm, 1.0, 1.0]) * length,
        thumb=_THUMB * length * rng.uniform(0.92, 1.08) * np.exp(rng.normal(0, 0.04, 3)),
        tempo=float(np.exp(rng.normal(0.0, 0.22))),
        style=style,
        zeta=float(rng.uniform(0.45, 1.0)),
        beta_ab=(float(rng.uniform(1.8, 3.6)), float(rng.uniform(1.8, 3.6))),
        sloppy=float(rng.uniform(0, 1) ** 1.5),
        tremor=float(rng.uniform(0.3, 1.5) * (1.5 if group == "child" else 1.0)),
        forearm=float(1.4 * length * rng.uniform(0.9, 1.1)),
    )


def _hand_local(q: np.ndarray, pe: _Person) -> np.ndarray:
    """Forward kinematics: joint angles (T, NQ) in degrees -> landmarks (T, 21, 3) in the hand frame, metres.

    Each finger is a planar chain: its direction leaves the knuckle splayed in the palm plane and every flexion
    turns it further toward the palm. Fingers converge as they curl, and the ring and little metacarpals cup
    forward in a fist. The thumb's metacarpal leaves the CMC joint abducted and opposed, and its two flexions bend
    it across the palm. The left hand is the mirror image (radial axis negated).
    """
    q = np.atleast_2d(q)
    n = len(q)
    a = np.radians(q)
    out = np.zeros((n, 21, 3))
    zeros = np.zeros(n)
    for f in range(4):
        curl = np.clip(q[:, _mcp(f)] / 90.0, 0.0, 1.0)
        splay = (pe.splay[f] + _SPREAD_GAIN[f] * q[:, SPREAD]) * (1.0 - 0.6 * curl)
        u0 = np.stack([np.sin(splay), np.cos(splay), zeros], -1)
        pos = np.repeat(pe.mcp[f][None], n, 0)
        if f >= 2:
            pos[:, 2] += pe.length * 0.03 * (f - 1) * curl
        out[:, 5 + 4 * f] = pos
        cum = zeros.copy()
        for k in range(3):
            cum = cum + a[:, _mcp(f) + k]
            step = np.cos(cum)[:, None] * u0 + np.sin(cum)[:, None] * np.array([0.0, 0.0, 1.0])
            pos = pos + pe.phalanx[f, k] * step
            out[:, 6 + 4 * f + k] = pos
    ab, op = a[:, TH_ABD], a[:, TH_OPP]
    m = np.stack([np.sin(ab), np.cos(ab), zeros], -1)
    m = np.cos(op)[:, None] * m + np.sin(op)[:, None] * np.array([0.0, 0.0, 1.0])
    across = np.array([-0.75, 0.0, 0.66])
    w = across[None] - (m @ across)[:, None] * m
    w /= np.linalg.norm(w, axis=-1, keepdims=True)
    pos = np.repeat(pe.cmc[None], n, 0)
    out[:, 1] = pos
    cum = zeros.copy()
    for k, flex in enumerate((zeros, a[:, TH_MCP], a[:, TH_IP])):
        cum = cum + flex
        pos = pos + pe.thumb[k] * (np.cos(cum)[:, None] * m + np.sin(cum)[:, None] * w)
        out[:, 2 + k] = pos
    out[..., 0] *= pe.side
    return out


def _pose(name: str, rng: np.random.Generator, sloppy: float = 0.0) -> np.ndarray:
    """A hand shape as joint angles, with per-performance variation; ``sloppy`` loosens the defining features."""
    u = rng.uniform
    q = np.zeros(NQ)

    def fingers(which, mcp, pip, dip, jit=5.0):
        for f in which:
            q[_mcp(f) : _mcp(f) + 3] = [u(*mcp) + rng.normal(0, jit), u(*pip) + rng.normal(0, jit), u(*dip) + rng.normal(0, jit / 2)]

    def thumb(abd, opp, mcp, ip):
        q[TH_ABD:] = [u(*abd), u(*opp), u(*mcp), u(*ip)]

    if name == "flat":  # stop: fingers straight (a little hyperextension allowed), often spread
        q[SPREAD] = u(0.2, 1.0)
        fingers(range(4), (-8, 6), (-3, 8), (-2, 8), 3.0)
        thumb((45, 65), (5, 20), (-5, 10), (-5, 10))
    elif name == "open":  # a relaxed open hand
        q[SPREAD] = u(0.1, 0.6)
        fingers(range(4), (5, 22), (8, 28), (4, 16))
        thumb((35, 55), (15, 30), (5, 20), (5, 20))
    elif name == "half":  # a relaxed half-open hand
        q[SPREAD] = u(0.0, 0.3)
        fingers(range(4), (25, 50), (35, 60), (20, 40))
        thumb((25, 45), (25, 45), (10, 30), (10, 30))
    elif name == "fist":
        fingers(range(4), (78, 92), (92, 108), (40, 70), 3.0)
        thumb((10, 25), (40, 60), (30, 50), (25, 45))
    elif name == "loose_fist":
        fingers(range(4), (58, 76), (68, 92), (30, 55))
        thumb((18, 35), (30, 50), (15, 35), (15, 35))
    elif name == "partial":  # a grab that stops well short of a fist
        fingers(range(4), (42, 60), (50, 72), (25, 45))
        thumb((25, 40), (30, 45), (15, 30), (10, 30))
    elif name == "rest":  # the hand hanging or lying relaxed
        q[SPREAD] = u(0.0, 0.2)
        fingers(range(4), (25, 55), (35, 65), (20, 40), 7.0)
        thumb((20, 40), (20, 40), (10, 30), (10, 30))
    elif name in ("point", "point_thumb"):
        s = sloppy
        q[_mcp(0) : _mcp(0) + 3] = [u(-5, 10) + s * u(0, 25), u(0, 10) + s * u(0, 35), u(0, 8) + s * u(0, 20)]
        fingers([1], (62, 90), (72, 105), (35, 60))
        q[_mcp(1)] -= s * u(0, 40)  # sloppy: the middle finger half follows the index
        q[_mcp(1) + 1] -= s * u(0, 45)
        fingers([2, 3], (68, 92), (78, 105), (35, 60))
        if name == "point_thumb":  # thumb sticking out, an "L"
            thumb((50, 70), (0, 15), (0, 10), (0, 15))
        else:
            thumb((10, 28), (38, 58), (25, 50), (20, 40))
    elif name == "hook":  # index beckon, curled phase
        fingers([0], (30, 55), (75, 100), (40, 70))
        fingers([1, 2, 3], (68, 92), (78, 105), (35, 60))
        thumb((10, 28), (38, 58), (25, 50), (20, 40))
    else:
        raise ValueError(name)
    return q


# ---------------------------------------------------------------------------------------------- rotations
def _rotmat(v: np.ndarray) -> np.ndarray:
    """Rotation vectors (..., 3) -> matrices (..., 3, 3) (Rodrigues)."""
    v = np.asarray(v, float)
    th = np.linalg.norm(v, axis=-1)[..., None, None]
    k = v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)
    z = np.zeros(v.shape[:-1])
    kx = np.stack(
        [np.stack([z, -k[..., 2], k[..., 1]], -1), np.stack([k[..., 2], z, -k[..., 0]], -1), np.stack([-k[..., 1], k[..., 0], z], -1)], -2
    )
    return np.eye(3) + np.sin(th) * kx + (1 - np.cos(th)) * (kx @ kx)


def _rotvec(r: np.ndarray) -> np.ndarray:
    """Matrix (3, 3) -> rotation vector (3,)."""
    c = np.clip((np.trace(r) - 1) / 2, -1.0, 1.0)
    th = math.acos(c)
    if th < 1e-8:
        return np.zeros(3)
    if math.pi - th < 1e-4:
        b = (r + np.eye(3)) / 2
        k = b[:, int(np.argmax(np.diag(b)))]
        return k / np.linalg.norm(k) * th
    w = np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]])
    return w / (2 * math.sin(th)) * th


def _axis_angle(axis, deg) -> np.ndarray:
    a = np.asarray(axis, float)
    return _rotmat(a / np.linalg.norm(a) * math.radians(deg))


def _unit(v) -> np.ndarray:
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def _frame(distal, palmar) -> np.ndarray:
    """Hand orientation whose distal axis points along ``distal`` and whose palm faces ``palmar`` (made orthogonal)."""
    d = _unit(distal)
    p = np.asarray(palmar, float) - np.dot(palmar, d) * d
    if np.linalg.norm(p) < 1e-6:
        p = np.cross(d, [1.0, 0.0, 0.0]) if abs(d[0]) < 0.9 else np.cross(d, [0.0, 1.0, 0.0])
    p = _unit(p)
    return np.stack([np.cross(d, p), d, p], axis=1)


def _align(a, b) -> np.ndarray:
    """The smallest rotation taking direction a to direction b."""
    a, b = _unit(a), _unit(b)
    ax = np.cross(a, b)
    s = np.linalg.norm(ax)
    if s < 1e-9:
        return np.eye(3)
    return _rotmat(ax / s * math.atan2(s, float(np.dot(a, b))))


# --------------------------------------------------------------------------------------- stroke profiles
@functools.lru_cache(maxsize=512)
def _profile_table(kind: str, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Fraction of a stroke done against time in stroke durations (0..3).

    "beta": a smooth bell-shaped speed profile whose peak sits early or late (a Beta(a, b) density as velocity;
    a = b = 3 is the minimum-jerk shape). "spring": the hand as a mass on a spring-damper (damping ratio a)
    pulled by a smoothly moving equilibrium point, so it overshoots and settles; scaled so 95 % is reached at 0.9.
    """
    grid = np.linspace(0.0, 3.0, 601)
    if kind == "beta":
        x = np.linspace(0.0, 1.0, 401)
        dens = x ** (a - 1) * (1 - x) ** (b - 1)
        cdf = np.concatenate([[0.0], np.cumsum((dens[1:] + dens[:-1]) / 2)])
        cdf /= cdf[-1]
        return grid, np.interp(grid, x, cdf)
    zeta, wn, dt = a, 6.0, 0.004
    ts = np.arange(0.0, 6.0, dt)
    ramp = np.clip(ts / 0.45, 0, 1)
    target = ramp**3 * (10 - 15 * ramp + 6 * ramp**2)
    x = np.zeros_like(ts)
    pos = vel = 0.0
    for k in range(1, len(ts)):
        acc = wn * wn * (target[k - 1] - pos) - 2 * zeta * wn * vel
        vel += acc * dt
        pos += vel * dt
        x[k] = pos
    t95 = ts[int(np.argmax(x >= 0.95))]
    prof = np.interp(grid, ts * (0.9 / t95), x, right=x[-1])
    taper = np.clip((3.0 - grid) / 0.8, 0, 1)
    return grid, 1.0 + (prof - 1.0) * taper


def _profile(t: np.ndarray, t0: float, dur: float, prof: tuple) -> np.ndarray:
    grid, table = _profile_table(*prof)
    return np.interp((t - t0) / max(dur, 1e-3), grid, table, left=0.0, right=1.0)


def _osc_wave(t: np.ndarray, t0: float, t1: float, freq: float, skew: float, ramp: float = 0.12) -> np.ndarray:
    """A repeated movement (beckoning, scratching): 0 -> 1 -> 0 per cycle, quicker one way when skew > 0."""
    ph = 2 * np.pi * freq * (t - t0)
    w = 0.5 * (1 - np.cos(ph + skew * np.sin(ph)))
    a = np.clip((t - t0) / ramp, 0, 1)
    b = np.clip((t1 - t) / ramp, 0, 1)
    env = a * a * (3 - 2 * a) * b * b * (3 - 2 * b)
    return np.where((t >= t0) & (t <= t1), w * env, 0.0)


def _sines(t: np.ndarray, amps: np.ndarray, freqs: np.ndarray, phases: np.ndarray) -> np.ndarray:
    """Smooth noise as a sum of sinusoids: the same function of time however often it is sampled."""
    return np.einsum("kd,tkd->td", amps, np.sin(2 * np.pi * freqs[None, :, None] * t[:, None, None] + phases[None]))


class _Timeline:
    """Targets for the hand center (m), orientation and joint angles, reached by overlapping strokes.

    Every ``move`` adds a stroke from the previous target to a new one; strokes superpose, so a new stroke can
    start before the previous one has settled (coarticulation). Orientation strokes compose as rotations in the
    hand frame. Oscillations (beckoning, scratching) and smooth noise (sway, tremor) ride on top.
    """

    def __init__(self, center, rot, q, rng: np.random.Generator, pe: _Person):
        self.center0, self.rot0, self.q0 = np.array(center, float), np.array(rot, float), np.array(q, float)
        self.center, self.rot, self.q = self.center0.copy(), self.rot0.copy(), self.q0.copy()
        self.pos_strokes: list = []
        self.rot_strokes: list = []
        self.q_strokes: list = []
        self.q_osc: list = []
        self.rot_osc: list = []
        k = 5
        sway = np.array([0.004, 0.004, 0.006]) * rng.uniform(0.5, 2.0)
        self.noise_pos = (
            np.concatenate([rng.normal(0, 1, (k, 3)) * sway / np.sqrt(k), rng.normal(0, 1, (3, 3)) * 3e-4 * pe.tremor]),
            np.concatenate([rng.uniform(0.1, 0.7, k), rng.uniform(7.0, 11.0, 3)]),
            rng.uniform(0, 2 * np.pi, (k + 3, 3)),
        )
        self.noise_rot = (rng.normal(0, 1, (4, 3)) * np.radians(1.5), rng.uniform(0.2, 1.5, 4), rng.uniform(0, 2 * np.pi, (4, 3)))
        self.noise_q = (rng.normal(0, 1, (3, NQ)) * 2.0, rng.uniform(0.2, 1.0, 3), rng.uniform(0, 2 * np.pi, (3, NQ)))
        self.noise_q[0][:, SPREAD] *= 0.02

    def move(self, t0, dur, prof, center=None, rot=None, q=None, bow=None, mask=None):
        if center is not None:
            center = np.asarray(center, float)
            self.pos_strokes.append((t0, dur, prof, center - self.center, np.zeros(3) if bow is None else np.asarray(bow, float)))
            self.center = center.copy()
        if rot is not None:
            self.rot_strokes.append((t0, dur, prof, _rotvec(self.rot.T @ rot)))
            self.rot = np.array(rot, float)
        if q is not None:
            new = np.array(q, float) if mask is None else np.where(mask, q, self.q)
            self.q_strokes.append((t0, dur, prof, new - self.q))
            self.q = new

    def render(self, t: np.ndarray):
        n = len(t)
        center = np.repeat(self.center0[None], n, 0) + _sines(t, *self.noise_pos)
        for t0, dur, prof, delta, bow in self.pos_strokes:
            s = _profile(t, t0, dur, prof)
            center += s[:, None] * delta + np.clip(4 * s * (1 - s), 0, None)[:, None] * bow
        rot = np.repeat(self.rot0[None], n, 0)
        for t0, dur, prof, w in self.rot_strokes:
            rot = rot @ _rotmat(_profile(t, t0, dur, prof)[:, None] * w)
        extra = _sines(t, *self.noise_rot)
        for t0, t1, freq, w, skew in self.rot_osc:
            extra += _osc_wave(t, t0, t1, freq, skew)[:, None] * w
        rot = rot @ _rotmat(extra)
        q = np.repeat(self.q0[None], n, 0) + _sines(t, *self.noise_q)
        for t0, dur, prof, delta in self.q_strokes:
            q += _profile(t, t0, dur, prof)[:, None] * delta
        for t0, t1, freq, amp, skew in self.q_osc:
            q += _osc_wave(t, t0, t1, freq, skew)[:, None] * amp
        q[:, SPREAD] = np.clip(q[:, SPREAD], 0, 1)
        return center, rot, q


# ------------------------------------------------------------------------------------------------- camera
_IMAGE_SIZES = (
    (640, 480),
    (1280, 720),
    (1920, 1080),
    (720, 1280),
    (1080, 1920),
    (480, 640),
    (1080, 1080),
    (320, 240),
    (2560, 1080),
    (1440, 1080),
    (960, 540),
    (540, 960),
)


@dataclass
class _Camera:
    """A pinhole camera with barrel distortion and roll; the person frame is the camera frame before the roll.

    Positions are planned as pixel offsets from the image center in the person frame, inside a box that stays in
    view whatever the roll (``half``), at depth ``z0`` where a hand is ``hand_px`` pixels long.
    """

    width: int
    height: int
    f: float
    roll: float
    distortion: float
    rmax: float
    distance: float
    z0: float
    hand_px: float
    half: np.ndarray
    fov_deg: float

    def metric(self, offset, z: float) -> np.ndarray:
        return np.array([offset[0] * z / self.f, offset[1] * z / self.f, z])

    def offset(self, image_offset) -> np.ndarray:
        """A pixel offset in the rolled image, expressed in the person frame."""
        c, s = math.cos(self.roll), math.sin(self.roll)
        x, y = image_offset
        return np.array([c * x + s * y, -s * x + c * y])

    def project(self, pts: np.ndarray) -> np.ndarray:
        """(..., 21, 3) person-frame metres -> normalized x, y and wrist-relative z in image-width units."""
        c, s = math.cos(self.roll), math.sin(self.roll)
        x = c * pts[..., 0] - s * pts[..., 1]
        y = s * pts[..., 0] + c * pts[..., 1]
        z = np.maximum(pts[..., 2], 0.05)
        xn, yn = x / z, y / z
        rr = np.minimum(np.sqrt(xn * xn + yn * yn) / self.rmax, 1.15)
        fac = 1.0 - self.distortion * rr * rr
        px = self.width / 2 + self.f * xn * fac
        py = self.height / 2 + self.f * yn * fac
        zz = (z - z[..., :1]) * self.f / (z[..., :1] * self.width)
        return np.stack([px / self.width, py / self.height, zz], -1)


def _camera(rng: np.random.Generator, pe: _Person) -> _Camera:
    w, h = _IMAGE_SIZES[int(rng.integers(len(_IMAGE_SIZES)))]
    wide = rng.random() < 0.45
    fov = rng.uniform(85, 120) if wide else rng.uniform(55, 85)
    diag = math.hypot(w, h)
    f = diag / 2 / math.tan(math.radians(fov) / 2)
    roll = math.radians(rng.normal(0, 5) if rng.random() < 0.7 else rng.uniform(-30, 30))
    distance = math.exp(rng.uniform(math.log(0.5), math.log(3.0)))
    reach = rng.uniform(0.12, 0.4) * pe.length / 0.19
    z0 = max(distance - reach, 0.28)
    short = min(w, h)
    hand_px = pe.length * f / z0
    if hand_px > 0.36 * short or hand_px < 0.035 * short:  # the person stands back (or closer) to be seen whole
        hand_px = rng.uniform(0.2, 0.36) * short if hand_px > 0.36 * short else rng.uniform(0.035, 0.05) * short
        z0 = pe.length * f / hand_px
        distance = z0 + reach
    margin = 0.55 * hand_px + 0.02 * short
    hx, hy = max(w / 2 - margin, 0.1 * short), max(h / 2 - margin, 0.1 * short)
    c, s = abs(math.cos(roll)), abs(math.sin(roll))
    shrink = min(1.0, (w / 2 - margin) / (hx * c + hy * s), (h / 2 - margin) / (hx * s + hy * c))
    shrink = max(shrink, 0.35)
    return _Camera(
        width=w,
        height=h,
        f=f,
        roll=roll,
        distortion=rng.uniform(0.1, 0.3) if wide else rng.uniform(0.0, 0.08),
        rmax=diag / 2 / f,
        distance=distance,
        z0=z0,
        hand_px=hand_px,
        half=np.array([hx, hy]) * shrink,
        fov_deg=fov,
    )


# ------------------------------------------------------------------------------------------------ gestures
class _Ctx:
    """What gesture plans share: the person, camera, timeline, random stream and the clip's gesture area."""

    def __init__(self, rng: np.random.Generator, pe: _Person, cam: _Camera):
        self.rng, self.pe, self.cam = rng, pe, cam
        side_x = -pe.side * rng.uniform(0.0, 0.45)  # a right hand tends to gesture on the image's left (camera facing)
        self.home = np.clip(np.array([side_x, rng.uniform(-0.3, 0.35)]), -0.75, 0.75) * cam.half
        self.tl: _Timeline | None = None

    def dur(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi) * self.pe.tempo)

    def travel_time(self, center, lo: float, hi: float) -> float:
        """Time to bring the hand to a new place: longer the farther it is (about 4-6 hand lengths a second)."""
        dist = float(np.linalg.norm(np.asarray(center) - self.tl.center)) / self.pe.length
        return min(max(self.dur(lo, hi), self.dur(0.17, 0.25) * dist), 1.6)

    def prof(self, ballistic: bool = False) -> tuple:
        """A stroke profile in the person's own style; ballistic strokes (swipes) peak early."""
        pe, rng = self.pe, self.rng
        if pe.style == "spring":
            z = float(np.clip(pe.zeta + rng.normal(0, 0.07), 0.5 if ballistic else 0.45, 1.0))
            return ("spring", round(z * 20) / 20, 0.0)
        a, b = pe.beta_ab[0] * math.exp(rng.normal(0, 0.1)), pe.beta_ab[1] * math.exp(rng.normal(0, 0.1))
        if ballistic:
            a, b = min(a, b), max(a, b) + 0.5
        return ("beta", round(a * 4) / 4, round(b * 4) / 4)

    def clamp(self, offset) -> np.ndarray:
        return np.clip(offset, -self.cam.half, self.cam.half)

    def spot(self, jitter: float = 0.25) -> np.ndarray:
        """Where a gesture happens: near the clip's gesture area."""
        return self.clamp(self.home + self.rng.normal(0, jitter * self.cam.hand_px, 2))

    def local(self, q: np.ndarray) -> np.ndarray:
        return _hand_local(q, self.pe)

    def metric(self, offset, dz: float = 0.0) -> np.ndarray:
        return self.cam.metric(offset, max(self.cam.z0 + dz, 0.22))

    def neutral_rot(self) -> np.ndarray:
        rng = self.rng
        d = np.array([rng.normal(0, 0.3), -1.0, rng.uniform(-0.6, 0.1)])
        p = np.array([-self.pe.side * rng.uniform(0.2, 1.0), rng.normal(0, 0.3), rng.uniform(-1.0, 0.3)])
        return _frame(d, p)

    def rest_rot(self) -> np.ndarray:
        rng = self.rng
        d = np.array([rng.uniform(-0.5, 0.5), rng.uniform(-0.2, 0.9), rng.uniform(-0.8, -0.1)])
        p = np.array([-self.pe.side * rng.uniform(0.2, 1.0), rng.uniform(-0.3, 0.3), rng.uniform(0.0, 1.0)])
        return _frame(d, p)

    def ready_state(self):
        """The hand raised and relaxed just before a gesture (tight clips start here)."""
        off = self.clamp(self.spot() + np.array([0.0, 0.3]) * self.cam.hand_px)
        q = _pose(str(self.rng.choice(["open", "half", "rest"])), self.rng)
        return self.metric(off, self.rng.uniform(0.0, 0.08)), self.neutral_rot(), q

    def rest_state(self, out_of_view: bool):
        """Hand resting low in view, or out of view below or beside the frame."""
        rng, cam = self.rng, self.cam
        if out_of_view:
            if rng.random() < 0.75:
                img = np.array([rng.uniform(-0.3, 0.3) * cam.width, cam.height / 2 + rng.uniform(0.9, 1.4) * cam.hand_px])
            else:
                sgn = -self.pe.side if rng.random() < 0.8 else self.pe.side
                img = np.array([sgn * (cam.width / 2 + rng.uniform(0.9, 1.4) * cam.hand_px), rng.uniform(0.0, 0.4) * cam.height])
            off = cam.offset(img)
        else:
            off = self.clamp(np.array([self.home[0] + rng.normal(0, 0.4) * cam.hand_px, cam.half[1] * rng.uniform(0.45, 1.0)]))
        dz = rng.uniform(0.02, 0.12)
        home, spot = self.metric(self.home, dz), self.metric(off, dz)
        # an arm is only so long: with a wide view the resting hand stays in the picture, hanging at the side
        reach = rng.uniform(0.45, 0.7) * self.pe.length / 0.19
        gap = np.linalg.norm(spot[:2] - home[:2])
        if gap > reach:
            spot[:2] = home[:2] + (spot[:2] - home[:2]) * reach / gap
        return spot, self.rest_rot(), _pose("rest", rng)


def _fit_span(parts: list[float], stretch: int) -> list[float]:
    """Lengthen or shorten one part (a hold) so the whole gesture lasts MIN_GESTURE_S..MAX_GESTURE_S, then scale."""
    total = sum(parts)
    if total < MIN_GESTURE_S:
        parts[stretch] += MIN_GESTURE_S - total + 0.02
    elif total > MAX_GESTURE_S - 0.02:
        parts[stretch] -= min(total - MAX_GESTURE_S + 0.02, max(parts[stretch] - 0.15, 0.0))
        total = sum(parts)
        if total > MAX_GESTURE_S - 0.02:
            parts = [p * (MAX_GESTURE_S - 0.02) / total for p in parts]
    return parts


def _g_point(ctx: _Ctx, t: float) -> dict:
    """Point: the arm reaches out toward a target while the hand forms a pointing shape, then holds.

    The direction is drawn in 3D (any direction in the image, up to 45 degrees toward or 30 degrees away from the
    camera); the hand is turned so its index finger (knuckle to tip, bent or not) lies along it, the palm facing
    down or sideways with a personal roll. Sloppy people bend the index, let the middle finger follow or stick the
    thumb out. Some add a small jab along the direction.
    """
    rng, pe, cam, tl = ctx.rng, ctx.pe, ctx.cam, ctx.tl
    theta = rng.uniform(0, 2 * np.pi)
    elev = math.radians(rng.uniform(-30, 45))
    v = np.array([math.cos(theta) * math.cos(elev), -math.sin(theta) * math.cos(elev), -math.sin(elev)])
    thumb_out = rng.random() < 0.25
    sloppy = float(np.clip(pe.sloppy + rng.normal(0, 0.15), 0, 1))
    q = _pose("point_thumb" if thumb_out else "point", rng, sloppy)
    loc = ctx.local(q)[0]
    align = _align(loc[8] - loc[5], [0.0, 1.0, 0.0])
    pref = np.array([0.0, 1.0, 0.3]) if abs(v[1]) < 0.75 else np.array([rng.normal(0, 0.3), 0.0, rng.choice([-1.0, 1.0])])
    frame = _axis_angle(v, rng.normal(0, 30)) @ _frame(v, pref)
    rot = frame @ align
    reach_px = rng.uniform(0.3, 1.2) * cam.hand_px
    off = ctx.clamp(ctx.spot() + np.array([math.cos(theta), -math.sin(theta)]) * reach_px)
    center = ctx.metric(off, -math.sin(elev) * rng.uniform(0.05, 0.2) - rng.uniform(0.0, 0.08))
    rise, hold = _fit_span([ctx.travel_time(center, 0.25, 0.75), rng.uniform(0.2, 2.0)], 1)
    lag = rng.uniform(0.0, 0.15) * rise
    tl.move(t, rise, ctx.prof(), center=center, rot=rot)
    tl.move(t + lag, rise - lag * 0.5, ctx.prof(), q=q)
    jab = rng.random() < 0.25
    if jab:
        tj = t + rise * rng.uniform(0.8, 1.0)
        tl.move(tj, 0.15, ctx.prof(True), center=center + v * rng.uniform(0.02, 0.05))
        tl.move(tj + 0.15, 0.2, ctx.prof(), center=center)
    end = t + rise + hold
    hold0 = min(t + rise + lag + 0.25 + (0.35 if jab else 0.0), end - 3.0 / FPS)
    return {
        "label": "point",
        "t0": t,
        "t1": end,
        "hold": (hold0, end),
        "style": {"thumb_out": thumb_out, "sloppy": round(sloppy, 2), "elevation_deg": round(math.degrees(elev), 1), "jab": jab},
    }


def _g_swipe(ctx: _Ctx, t: float, label: str, shape: str | None = None) -> dict:
    """Swipe: a quick stroke across the image, after moving to its start.

    Done with the whole arm (straight or curved path), with the forearm pivoting on the elbow (an arc, the hand
    tilting with it) or by flicking the wrist (the fingers sweep, the wrist barely moves); the hand flat, relaxed,
    half-open or still fisted after a grab, the palm toward the camera, leading, trailing or facing down. Some wind
    up first. Strokes are ballistic: they peak early and may overshoot and bounce back a little.
    """
    rng, pe, cam, tl = ctx.rng, ctx.pe, ctx.cam, ctx.tl
    u2 = np.array(SWIPES[label])
    u3 = np.array([u2[0], u2[1], 0.0])
    vertical = bool(u2[1] != 0)
    p_method = [0.45, 0.2, 0.35] if vertical else [0.55, 0.35, 0.10]
    method = str(rng.choice(["arm", "forearm", "flick"], p=p_method))
    if shape is None:
        shape = str(rng.choice(["flat", "open", "half", "loose_fist"], p=[0.3, 0.35, 0.25, 0.1]))
    q = _pose(shape, rng)
    ax = 1 if vertical else 0
    h = cam.half[ax]
    hp = cam.hand_px
    travel = float(rng.uniform(1.3, 3.2) * hp)
    if method == "flick":
        travel = float(rng.uniform(0.15, 0.5) * hp)
    travel = max(min(travel, 1.9 * h), min(0.8 * hp, travel))
    c = ctx.spot(0.4)
    if travel <= 2 * h:
        c[ax] = float(np.clip(c[ax], -h + travel / 2, h - travel / 2))
    start, stop = c - u2 * travel / 2, c + u2 * travel / 2
    perp = np.array([-u2[1], u2[0]])
    z_start = rng.uniform(-0.05, 0.05)
    z_stop = z_start + rng.uniform(-0.07, 0.07)
    style: dict = {"style": method, "shape": shape}
    bow_off = np.zeros(2)
    if method == "flick":
        gamma = math.radians(rng.uniform(0, 55))
        w = np.array([perp[0], perp[1], 0.0]) * rng.choice([-1.0, 1.0])
        d_mid = _unit(np.array([0.0, 0.0, -1.0]) * math.cos(gamma) + w * math.sin(gamma))
        axis = _unit(np.cross(d_mid, u3))
        r = axis * rng.choice([-1.0, 1.0])
        r_mid = np.stack([r, d_mid, np.cross(r, d_mid)], axis=1)
        beta = rng.uniform(50, 95)
        rot_a, rot_b = _axis_angle(axis, -beta / 2) @ r_mid, _axis_angle(axis, beta / 2) @ r_mid
        wrist_a, wrist_b = ctx.metric(start, z_start), ctx.metric(stop, z_start)
        center_a = wrist_a + rot_a @ (_CENTER * pe.length)
        center_b = wrist_b + rot_b @ (_CENTER * pe.length)
        bow = d_mid * _CENTER[1] * pe.length * (1 - math.cos(math.radians(beta / 2)))
        style["flick_deg"] = round(beta, 1)
    else:
        lean = 0.0
        if method == "forearm":
            alpha = rng.uniform(30, 70)
            sag = travel * math.tan(math.radians(alpha) / 4) / 2
            bow_off = (np.array([0.0, -1.0]) if not vertical else np.array([-pe.side, 0.0])) * sag
            lean = alpha
            style["arc_deg"] = round(alpha, 1)
        else:
            bend = rng.uniform(-0.22, 0.22) if rng.random() < 0.6 else rng.uniform(-0.05, 0.05)
            bow_off = perp * bend * travel
            style["curve"] = round(bend, 2)
        facing = str(rng.choice(["camera", "lead", "trail", "down"], p=[0.4, 0.25, 0.15, 0.2]))
        if facing == "camera":
            base = _frame([rng.normal(0, 0.25), -1.0, rng.uniform(-0.3, 0.2)], [rng.normal(0, 0.3), rng.normal(0, 0.2), -1.0])
        elif facing in ("lead", "trail"):
            sgn = 1.0 if facing == "lead" else -1.0
            d = [rng.normal(0, 0.3), -1.0, -0.3] if not vertical else [rng.normal(0, 0.4), 0.0, -1.0]
            base = _frame(d, sgn * u3 + np.array([0.0, 0.0, -0.3]))
        else:
            d = [-pe.side * rng.uniform(0.2, 1.0), 0.0, -1.0] if not vertical else [rng.normal(0, 0.4), -0.2, -1.0]
            base = _frame(d, [0.0, 1.0, -0.2])
        style["palm"] = facing
        rot_a = rot_b = base
        if lean:
            rot_a, rot_b = _axis_angle([0, 0, 1], -lean / 2) @ base, _axis_angle([0, 0, 1], lean / 2) @ base
            tip_a, tip_b = rot_a[:, 1], rot_b[:, 1]
            if np.dot(tip_b - tip_a, u3) < 0:
                rot_a, rot_b = rot_b, rot_a
        elif rng.random() < 0.5:
            rot_b = _axis_angle([0, 0, 1], rng.normal(0, 10)) @ base
        center_a, center_b = ctx.metric(start, z_start), ctx.metric(stop, z_stop)
        bow = ctx.metric(bow_off, z_start) * np.array([1.0, 1.0, 0.0])
    prep, stroke, settle = ctx.travel_time(center_a, 0.25, 0.6), ctx.dur(0.18, 0.6), rng.uniform(0.05, 0.35)
    if method == "flick":
        stroke = ctx.dur(0.12, 0.35)
    tl.move(t, prep, ctx.prof(True), center=center_a, rot=rot_a, q=q)
    t_stroke = t + prep * rng.uniform(0.9, 1.05)
    t_first = t_stroke
    windup = method != "flick" and rng.random() < 0.25
    if windup:
        wd = ctx.dur(0.2, 0.4)
        tl.move(t_stroke, wd, ctx.prof(), center=center_a - (center_b - center_a) * rng.uniform(0.15, 0.35))
        t_stroke += wd * rng.uniform(0.7, 1.0)
    style["windup"] = windup
    q_end = None
    if shape in ("half", "open") and rng.random() < 0.2:
        q_end = _pose("flat", rng)  # the hand opens as it sweeps
    tl.move(t_stroke, stroke, ctx.prof(True), center=center_b, rot=rot_b, bow=bow, q=q_end)
    end = t_stroke + stroke + settle
    start_label = max(t, t_first - 0.1)
    if end - start_label < MIN_GESTURE_S:  # the hand rests where the stroke ended
        end = start_label + MIN_GESTURE_S
    return {"label": label, "t0": start_label, "t1": end, "style": style}


def _g_grab(ctx: _Ctx, t: float) -> dict:
    """Grab: an open hand presented (often reaching forward), then the fingers close to a fist and it may pull back.

    Closing takes 0.15 to 1.6 s, the fingers may close one after another (little finger first or index first), and
    some people stop at a loose or partial fist.
    """
    rng, tl = ctx.rng, ctx.tl
    facing = str(rng.choice(["camera", "side", "down", "camera_sideways"], p=[0.5, 0.2, 0.15, 0.15]))
    if facing == "camera":
        rot = _frame([rng.normal(0, 0.35), -1.0, rng.uniform(-0.3, 0.2)], [rng.normal(0, 0.35), rng.normal(0, 0.2), -1.0])
    elif facing == "side":
        rot = _frame([rng.normal(0, 0.2), -1.0, -0.2], [rng.choice([-1.0, 1.0]), 0.0, -0.5])
    elif facing == "down":
        rot = _frame([rng.normal(0, 0.3), -0.5, -1.0], [0.0, 1.0, -0.3])
    else:
        rot = _frame([rng.choice([-1.0, 1.0]), -0.4, -0.1], [0.0, 0.0, -1.0])
    q_open = _pose(str(rng.choice(["flat", "open"])), rng)
    closed = str(rng.choice(["fist", "loose_fist", "partial"], p=[0.6, 0.25, 0.15]))
    q_closed = _pose(closed, rng)
    reach = rng.uniform(0.0, 0.15) if rng.random() < 0.5 else 0.0
    off = ctx.spot()
    center = ctx.metric(off, -reach)
    order = str(rng.choice(["together", "little_first", "index_first"], p=[0.5, 0.3, 0.2]))
    stagger = 0.0 if order == "together" else rng.uniform(0.02, 0.08)
    prep, show, close, hold = ctx.travel_time(center, 0.25, 0.6), rng.uniform(0.05, 0.5), ctx.dur(0.15, 1.6), rng.uniform(0.1, 0.7)
    prep, show, close, hold, _ = _fit_span([prep, show, close, hold, 3 * stagger], 3)
    tl.move(t, prep, ctx.prof(), center=center, rot=rot, q=q_open)
    tc = t + prep + show
    fingers = [3, 2, 1, 0] if order == "little_first" else [0, 1, 2, 3]
    for k, f in enumerate(fingers):
        mask = np.zeros(NQ, bool)
        mask[_mcp(f) : _mcp(f) + 3] = True
        if k == 0:
            mask[SPREAD] = True
        tl.move(tc + k * stagger, close, ctx.prof(), q=q_closed, mask=mask)
    mask = np.zeros(NQ, bool)
    mask[TH_ABD:] = True
    tl.move(tc + rng.uniform(0, 3 * stagger + 0.05), close, ctx.prof(), q=q_closed, mask=mask)
    close_end = tc + close + 3 * stagger
    pull = rng.random() < 0.35
    if pull:
        tl.move(close_end - 0.05, ctx.dur(0.25, 0.5), ctx.prof(), center=center + np.array([0.0, 0.03, 0.1]) * rng.uniform(0.5, 1.5))
    end = close_end + hold
    return {
        "label": "grab",
        "t0": t,
        "t1": end,
        "style": {"palm": facing, "closed": closed, "order": order, "reach": reach > 0, "pull": pull},
    }


def _g_come(ctx: _Ctx, t: float) -> dict:
    """Come here (beckoning): repeated curls toward the person, 2-4 cycles at 1-2.6 Hz.

    Styles: palm up with the fingers toward the camera, palm toward oneself (back of the hand to the camera), the
    index finger alone, palm down with the fingers flapping down (as in much of Asia), or the whole hand folding
    at the wrist. Curling is usually quicker than releasing (skewed cycles).
    """
    rng, tl = ctx.rng, ctx.tl
    style = str(rng.choice(["palm_up", "palm_self", "index", "palm_down", "wrist"], p=[0.3, 0.2, 0.25, 0.1, 0.15]))
    palm_up = _frame([rng.normal(0, 0.35), -0.3, -1.0], [0.0, -1.0, 0.0])
    if style in ("palm_up",) or (style == "index" and rng.random() < 0.6):
        rot = palm_up
    elif style == "palm_down":
        rot = _frame([rng.normal(0, 0.3), 0.15, -1.0], [0.0, 1.0, 0.1])
    else:
        rot = _frame([rng.normal(0, 0.3), -1.0, rng.uniform(-0.3, 0.3)], [rng.normal(0, 0.3), 0.0, 1.0])
    rot = _axis_angle([0, 0, 1], rng.normal(0, 12)) @ rot
    if style == "index":
        q = _pose("point", rng, 0.2)
        amp = _pose("hook", rng) - q
        amp[_mcp(1) :] = 0.0
        amp[SPREAD] = 0.0
    else:
        q = _pose(str(rng.choice(["flat", "open"])), rng)
        curled = _pose(str(rng.choice(["fist", "loose_fist", "partial"])) if style != "wrist" else "half", rng)
        amp = (curled - q) * rng.uniform(0.6, 1.0)
        amp[TH_ABD:] *= 0.3
        amp[SPREAD] = 0.0
    wrist_deg = rng.uniform(25, 50) if style == "wrist" else rng.uniform(0, 15)
    freq = rng.uniform(1.0, 2.6) / float(np.clip(ctx.pe.tempo, 0.85, 1.3))
    off = ctx.spot()
    center = ctx.metric(off, -rng.uniform(0.0, 0.1))
    prep = ctx.travel_time(center, 0.25, 0.6)
    cycles = int(rng.integers(2, 5))
    while cycles > 2 and prep + cycles / freq > MAX_GESTURE_S - 0.2:
        cycles -= 1
    if prep + cycles / freq > MAX_GESTURE_S - 0.2:
        freq = cycles / (MAX_GESTURE_S - 0.2 - prep)
    tl.move(t, prep, ctx.prof(), center=center, rot=rot, q=q)
    t0 = t + prep * rng.uniform(0.85, 1.0)
    t1 = t0 + cycles / freq
    skew = rng.uniform(0.0, 0.6)
    tl.q_osc.append((t0, t1, freq, amp, skew))
    tl.rot_osc.append((t0, t1, freq, np.array([math.radians(wrist_deg), 0.0, 0.0]), skew))
    end = max(t1 + rng.uniform(0.02, 0.2), t + MIN_GESTURE_S)
    return {"label": "come_here", "t0": t, "t1": end, "style": {"style": style, "cycles": cycles, "hz": round(freq, 2)}}


def _g_stop(ctx: _Ctx, t: float) -> dict:
    """Stop: the flat palm raised toward the camera and held, briefly or long, sometimes pushed toward the camera."""
    rng, cam, tl = ctx.rng, ctx.cam, ctx.tl
    q = _pose("flat", rng)
    tilt = math.radians(rng.normal(0, 12))
    rot = _frame([math.sin(tilt), -math.cos(tilt), rng.uniform(-0.25, 0.15)], [rng.normal(0, 0.2), rng.normal(0, 0.2), -1.0])
    pushed = rng.random() < 0.4
    off = ctx.spot()
    dz = -rng.uniform(0.0, 0.06)
    rise, hold = ctx.travel_time(ctx.metric(off, dz), 0.25, 0.7), (rng.uniform(0.15, 0.4) if rng.random() < 0.3 else rng.uniform(0.4, 2.2))
    rise, hold = _fit_span([rise, hold], 1)
    tl.move(t, rise, ctx.prof(), center=ctx.metric(off, dz), rot=rot, q=q)
    if pushed:
        push = max(min(rng.uniform(0.08, 0.25), cam.z0 - _closest_depth(ctx)), 0.0)
        tl.move(t + rise * rng.uniform(0.5, 1.0), ctx.dur(0.2, 0.45), ctx.prof(), center=ctx.metric(off * 0.9, dz - push))
    return {"label": "stop", "t0": t, "t1": t + rise + hold, "style": {"pushed": pushed, "brief": hold < 0.4, "toward_camera": pushed}}


def _closest_depth(ctx: _Ctx) -> float:
    """Closest depth a pushed palm may reach: where the hand would be half the short image side long."""
    cam = ctx.cam
    return max(ctx.pe.length * cam.f / (0.5 * min(cam.width, cam.height)), 0.2)


_GESTURES = {"point": _g_point, "grab": _g_grab, "come_here": _g_come, "stop": _g_stop}


def _do(ctx: _Ctx, t: float, label: str, shape: str | None = None) -> dict:
    if label.startswith("swipe"):
        return _g_swipe(ctx, t, label, shape)
    return _GESTURES[label](ctx, t)


# ----------------------------------------------------------------------------------------- idle behavior
def _retract(ctx: _Ctx, t: float, out_of_view: bool | None = None) -> float:
    """The hand sinks back to rest, slowly and relaxing (never a fast stroke)."""
    if out_of_view is None:
        out_of_view = ctx.rng.random() < 0.45
    center, rot, q = ctx.rest_state(out_of_view)
    d = ctx.dur(0.7, 1.4)
    ctx.tl.move(t, d, ctx.prof(), center=center, rot=rot, q=q)
    return t + d


def _fidget(ctx: _Ctx, t: float, dur: float) -> float:
    """Small, slow shifts of a resting hand: fingers twiddle, the wrist turns a little, the hand drifts."""
    rng, tl = ctx.rng, ctx.tl
    end = t + dur
    while t < end - 0.3:
        d = rng.uniform(0.3, 0.8)
        shift = rng.normal(0, 0.08, 3) * ctx.pe.length
        shift[2] *= 0.5
        rot = _axis_angle(rng.normal(0, 1, 3), rng.normal(0, 8)) @ tl.rot
        q = np.clip(tl.q + rng.normal(0, 8, NQ) * (np.arange(NQ) > 0), -10, 110)
        tl.move(t, d, ctx.prof(), center=tl.center + shift, rot=rot, q=q)
        t += d * rng.uniform(0.7, 1.3)
    return max(t, end)


def _scratch(ctx: _Ctx, t: float) -> float:
    """The hand goes up to the head (slowly, curled), scratches with quick small finger curls, and stays there."""
    rng, cam, tl = ctx.rng, ctx.cam, ctx.tl
    off = ctx.clamp(np.array([ctx.home[0] * 0.5 + rng.normal(0, 0.4) * cam.hand_px, -cam.half[1] * rng.uniform(0.6, 1.0)]))
    rot = _frame([rng.normal(0, 0.4), -1.0, 0.3], [-ctx.pe.side, 0.0, 1.0])
    go = ctx.dur(0.8, 1.4)
    tl.move(t, go, ctx.prof(), center=ctx.metric(off, rng.uniform(0.08, 0.18)), rot=rot, q=_pose("half", rng))
    t0 = t + go
    t1 = t0 + rng.uniform(0.6, 1.8)
    amp = np.zeros(NQ)
    amp[1:13] = np.tile([rng.uniform(10, 25), rng.uniform(10, 25), 5.0], 4)
    tl.q_osc.append((t0, t1, rng.uniform(3.0, 6.0), amp, 0.0))
    return t1


# --------------------------------------------------------------------------------------------- clip plans
def _plan(ctx: _Ctx, kind: str) -> tuple[list[dict], float, float]:
    """Schedule a clip's gestures and idle behavior; returns the gestures and the clip's time window."""
    rng = ctx.rng
    if kind in ("tight", "margin"):
        labels = [[str(rng.choice(LABELS))]]
    elif kind == "pair":
        labels = [_pair(rng)]
    else:
        labels = []
    if kind == "tight":
        ctx.tl = _Timeline(*ctx.ready_state(), rng, ctx.pe)
        t = 0.5
        g = _do(ctx, t, labels[0][0])
        return [g], g["t0"] - rng.uniform(0, 0.2), g["t1"] + rng.uniform(0, 0.2)
    start_out = rng.random() < (0.4 if kind != "recording" else 0.5)
    ctx.tl = _Timeline(*ctx.rest_state(start_out), rng, ctx.pe)
    t = 0.0
    gestures: list[dict] = []
    if kind in ("margin", "pair"):
        lead = rng.uniform(0.4, 2.0)
        if not start_out and rng.random() < 0.5:
            _fidget(ctx, t, lead)
        t = lead
        gestures += _command(ctx, t, labels[0])
        t = gestures[-1]["t1"]
        tail = rng.uniform(0.4, 2.0)
        if rng.random() < 0.6:
            _retract(ctx, t + rng.uniform(0.0, 0.3))
        return gestures, 0.0, t + tail
    target = rng.uniform(5.0, 12.0)
    t = rng.uniform(0.3, 1.5)
    if not start_out and rng.random() < 0.5:
        _fidget(ctx, 0.0, t)
    while True:
        cmd = _pair(rng) if rng.random() < 0.4 else [str(rng.choice(LABELS))]
        n = len(gestures)
        if n >= 2 and (n + len(cmd) > 5 or t + 1.2 * len(cmd) + 0.5 > target or t + 3.0 * len(cmd) + 0.3 > 12.0):
            break
        if n + len(cmd) > 5 or t + 3.0 * len(cmd) + 0.3 > 12.0:
            cmd = cmd[:1]
        gestures += _command(ctx, t, cmd)
        t = gestures[-1]["t1"]
        r = rng.random()
        t = _retract(ctx, t + rng.uniform(0.0, 0.3), out_of_view=r < 0.25) if r < 0.8 else t + 0.1
        r = rng.random() if t < 4.0 else 1.0
        if r < 0.25:
            t = _scratch(ctx, t)
        elif r < 0.6:
            t = _fidget(ctx, t, rng.uniform(0.3, 1.5))
        t += rng.uniform(0.2, 1.2)
    return gestures, 0.0, max(min(max(target, t + 0.3), 12.0), gestures[-1]["t1"] + 0.1)


def _pair(rng: np.random.Generator) -> list[str]:
    a, b = PAIR_TYPES[int(rng.integers(len(PAIR_TYPES)))]
    if b == "swipe":
        b = str(rng.choice(list(SWIPES)))
    return [a, b]


def _command(ctx: _Ctx, t: float, labels: list[str]) -> list[dict]:
    """One gesture, or two in quick succession (the second may start while the first is still settling)."""
    out = [_do(ctx, t, labels[0])]
    if len(labels) == 2:
        shape = None
        if labels[0] == "grab" and ctx.rng.random() < 0.6:
            shape = "fist"  # carrying what was grabbed
        t2 = out[0]["t1"] + ctx.rng.uniform(0.05, 0.6)
        out.append(_do(ctx, t2, labels[1], shape))
        out[-1]["t0"] = max(out[-1]["t0"], out[0]["t1"] + 1.0 / FPS)
    return out


# -------------------------------------------------------------------------------------------------- render
def _render(ctx: _Ctx, times: np.ndarray):
    """Landmarks in the normalized image (T, 21, 3), the fraction of landmarks inside the image, joint angles."""
    center, rot, q = ctx.tl.render(times)
    local = ctx.local(q)
    wrist = center - rot @ (_CENTER * ctx.pe.length)
    pts = wrist[:, None, :] + np.einsum("tij,tkj->tki", rot, local)
    lm = ctx.cam.project(pts)
    inside = ((lm[..., 0] >= 0) & (lm[..., 0] <= 1) & (lm[..., 1] >= 0) & (lm[..., 1] <= 1)).mean(1)
    return lm, inside, q


def _keep_in_range(lm: np.ndarray) -> np.ndarray:
    """Slide a frame's whole hand back into [-0.3, 1.3] (only frames where the hand is out of view need it)."""
    out = lm.copy()
    for ax in (0, 1):
        lo, hi = out[..., ax].min(1), out[..., ax].max(1)
        shift = np.where(lo < -0.3, -0.3 - lo, 0.0) + np.where(hi > 1.3, 1.3 - hi, 0.0)
        out[..., ax] += shift[:, None]
    return out


def _direction(lm: np.ndarray, a: int, b: int, width: int, height: int) -> tuple[float, float]:
    """Circular mean direction of index knuckle -> tip over frames a..b: normalized image and square pixels."""
    v = lm[a : b + 1, 8, :2] - lm[a : b + 1, 5, :2]
    ang = np.arctan2(-v[:, 1], v[:, 0])
    deg = round(math.degrees(math.atan2(np.sin(ang).mean(), np.cos(ang).mean())) % 360.0, 3) % 360.0
    r = math.radians(deg)
    dpx = math.degrees(math.atan2(height * math.sin(r), width * math.cos(r))) % 360.0
    return deg, dpx


# ------------------------------------------------------------------------------------------------- tracker
def _track(ctx: _Ctx, t0: float, n_out: int, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """What a MediaPipe-like tracker writes for the clip at 30 fps, and a summary of what it did."""
    cam = ctx.cam
    fps = float(rng.choice([15.0, 20.0, 24.0, 25.0, 29.97, 30.0, 30.0, 48.0, 50.0, 60.0]))
    n_cam = int(math.ceil((n_out / FPS + 0.2) * fps)) + 2
    tc = t0 - rng.uniform(0, 1 / fps) + np.arange(n_cam) / fps + rng.normal(0, 0.002 if rng.random() < 0.5 else 0.0, n_cam)
    tc = np.sort(tc)
    hiccup = rng.random(n_cam) < rng.choice([0.0, 0.01, 0.03])
    hiccup[0] = False
    tc = tc[~hiccup]
    lm, inside, q = _render(ctx, tc)
    n = len(tc)
    short = min(cam.width, cam.height)
    px = lm[..., :2] * np.array([cam.width, cam.height])
    size = np.linalg.norm(px[:, 9] - px[:, 0], axis=-1) / 0.445
    # detection: the hand must be mostly in view; tiny hands and fast, blurred hands are missed more often
    ok = inside >= 0.6
    rate = float(rng.choice([0.0, rng.uniform(0.005, 0.03), rng.uniform(0.03, 0.08)], p=[0.3, 0.45, 0.25]))
    burst = rng.uniform(1.0, 5.0)
    speed = np.zeros(n)
    palm = px[:, [0, 5, 9, 13, 17]].mean(1)
    speed[1:] = np.linalg.norm(np.diff(palm, axis=0), axis=-1) * fps / np.maximum(size[1:], 1.0)
    blur = rng.uniform(0.0, 1.0)
    p_lost = rate / burst + np.where(size < 0.04 * short, 0.03, 0.0)
    p_blur = np.clip((speed - 6.0) / 40.0, 0.0, 0.08) * blur
    k = 0
    while k < n:
        r = rng.random()
        if r < p_lost[k] + p_blur[k]:
            m = int(rng.geometric(1.0 / burst)) if r < p_lost[k] else int(rng.geometric(0.6))
            ok[k : k + m] = False
            k += m
        k += 1
    # jitter: correlated over frames, larger on fingertips and on curled (hidden) fingers and right after re-detection
    base = size * rng.uniform(0.004, 0.02) + rng.uniform(0.3, 1.5)
    rho = rng.uniform(0.0, 0.85)
    weight = np.ones((n, 21))
    weight[:, [4, 8, 12, 16, 20]] *= 1.6
    for f in range(4):
        curl = np.clip(q[:, _mcp(f) : _mcp(f) + 3].sum(1) / 240.0, 0, 1)
        weight[:, 5 + 4 * f + 1 : 9 + 4 * f] *= (1.0 + 1.2 * curl)[:, None]
    redetect = np.zeros(n, bool)
    redetect[1:] = ok[1:] & ~ok[:-1]
    after = redetect.copy()
    for s in (1, 2):
        after[s:] |= redetect[:-s]
    weight[after & ok] *= 3.0
    noise = rng.normal(0, 1, (n, 21, 3))
    for i in range(1, n):
        noise[i] = rho * noise[i - 1] + math.sqrt(1 - rho * rho) * noise[i]
    shake = rng.normal(0, 1, (n, 1, 2)) * size[:, None, None] * rng.uniform(0.002, 0.012)
    out = lm.copy()
    out[..., :2] += (noise[..., :2] * (base[:, None] * weight)[..., None] + shake) / np.array([cam.width, cam.height])
    zscale = rng.uniform(0.5, 1.6)
    out[..., 2] = lm[..., 2] * zscale + noise[..., 2] * (2.5 * base[:, None] * weight) / cam.width
    # wrong depth and left/right confusion (the tracker fits the mirrored hand: depth flips about the wrist)
    confusion = rng.random() < 0.15
    wrong_z = rng.random() < 0.2
    for flag, fn in ((confusion, lambda z: -z), (wrong_z, lambda z: z * rng.uniform(-0.3, 0.3))):
        if flag:
            for _ in range(int(rng.integers(1, 4))):
                a = int(rng.integers(0, n))
                b = a + int(rng.uniform(0.3, 1.5) * fps) if rng.random() < 0.8 else n
                out[a:b, :, 2] = fn(out[a:b, :, 2])
    # smoothing: none, exponential or one-euro, restarted after every loss
    smoothing = str(rng.choice(["none", "ema", "one_euro"], p=[0.3, 0.3, 0.4]))
    if smoothing != "none":
        alpha = rng.uniform(0.3, 0.8)
        mincut, beta = rng.uniform(0.5, 3.0), rng.uniform(0.05, 0.6)
        prev = dprev = None
        for i in range(n):
            if not ok[i]:
                prev = None
                continue
            if prev is None:
                prev, dprev = out[i].copy(), np.zeros((21, 3))
                continue
            if smoothing == "ema":
                prev = alpha * out[i] + (1 - alpha) * prev
            else:
                d = (out[i] - prev) * fps
                ad = 1 / (1 + fps / (2 * np.pi * 1.0))
                dprev = ad * d + (1 - ad) * dprev
                cut = mincut + beta * np.abs(dprev) / max(size[i] / cam.width, 1e-3)
                a = 1 / (1 + fps / (2 * np.pi * cut))
                prev = a * out[i] + (1 - a) * prev
            out[i] = prev
    # to 30 fps: each output frame shows the latest camera frame
    tout = t0 + np.arange(n_out) / FPS
    idx = np.clip(np.searchsorted(tc, tout + 1e-9, side="right") - 1, 0, n - 1)
    res = out[idx].astype(np.float32)
    good = ok[idx] & np.all((res[..., :2] >= -0.3) & (res[..., :2] <= 1.3), axis=(1, 2))
    res[~good] = np.nan
    fill = "repeat" if rng.random() < 0.4 else "nan"
    if fill == "repeat":
        last = None
        for i in range(n_out):
            if good[i]:
                last = res[i]
            elif last is not None:
                res[i] = last
    info = {
        "fps": fps,
        "fill": fill,
        "smoothing": smoothing,
        "jitter_px": round(float(np.median(base)), 2),
        "drop_rate": round(rate, 4),
        "dropped": round(float(1 - good.mean()), 4),
        "redetections": int(redetect.sum()),
        "confusion": bool(confusion),
        "wrong_z": bool(wrong_z),
        "z_scale": round(float(zscale), 3),
    }
    return res, info


# ------------------------------------------------------------------------------------------------ datasets
def _make(seed: int, i: int, tracked: bool) -> Blind7Clip:
    rng = np.random.default_rng([int(seed), int(i), 7])
    kind = str(rng.choice(KINDS, p=[0.3, 0.25, 0.2, 0.25]))
    pe = _person(rng)
    cam = _camera(rng, pe)
    ctx = _Ctx(rng, pe, cam)
    plan, c0, c1 = _plan(ctx, kind)
    n = int(round((c1 - c0) * FPS)) + 1
    times = c0 + np.arange(n) / FPS
    lm, inside, _ = _render(ctx, times)
    out_of_view = inside < 0.6
    clean = _keep_in_range(lm).astype(np.float32)
    gestures, px_dirs, styles, durations = [], [], [], []
    for g in plan:
        s = int(np.clip(round((g["t0"] - c0) * FPS), 0, n - 2))
        e = int(np.clip(round((g["t1"] - c0) * FPS), s + 1, n - 1))
        d = dpx = None
        if g["label"] == "point":
            a = int(np.clip(round((g["hold"][0] - c0) * FPS), s, e - 1))
            d, dpx = _direction(clean, a, e, cam.width, cam.height)
        gestures.append((g["label"], s, e, d))
        px_dirs.append(dpx)
        styles.append(g["style"])
        durations.append(round((e - s) / FPS, 3))
    meta = {
        "tracked": False,
        "seed": int(seed),
        "index": int(i),
        "hand": pe.hand,
        "child": pe.group == "child",
        "group": pe.group,
        "hand_length_m": round(pe.length, 4),
        "tempo": round(pe.tempo, 3),
        "motion": pe.style,
        "sloppy": round(pe.sloppy, 3),
        "image_size": (cam.width, cam.height),
        "hand_frac": round(cam.hand_px / min(cam.width, cam.height), 4),
        "camera": {
            "distance_m": round(cam.distance, 3),
            "roll_deg": round(math.degrees(cam.roll), 2),
            "fov_deg": round(cam.fov_deg, 1),
            "distortion": round(cam.distortion, 3),
        },
        "styles": styles,
        "durations_s": durations,
        "direction_deg_pixels": px_dirs,
        "out_of_view": round(float(out_of_view.mean()), 4),
    }
    if not tracked:
        return Blind7Clip(landmarks=clean, gestures=tuple(gestures), kind=kind, meta=meta)
    trng = np.random.default_rng([int(seed), int(i), 7, 1])
    res, info = _track(ctx, c0, n, trng)
    meta = dict(meta, tracked=True, tracker=info)
    return Blind7Clip(landmarks=res, gestures=tuple(gestures), kind=kind, meta=meta)


def blind7_dataset(n: int, seed: int = 0) -> list[Blind7Clip]:
    """n tracked clips; clip i depends only on (seed, i)."""
    return [_make(seed, i, True) for i in range(n)]


def blind7_clean_dataset(n: int, seed: int = 0) -> list[Blind7Clip]:
    """The same clips as ``blind7_dataset`` before the camera's frame rate and the tracker touched them."""
    return [_make(seed, i, False) for i in range(n)]


# ------------------------------------------------------------------------------------------------- scoring
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
    ap = argparse.ArgumentParser(description="Blind-7 gesture clips: people, cameras and a MediaPipe-like tracker, imitated.")
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="folder for clip_NNNN.npy and labels.json")
    ap.add_argument("--clean", action="store_true", help="landmarks before the tracker")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    clips = (blind7_clean_dataset if args.clean else blind7_dataset)(args.n, args.seed)
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
    print(f"blind7: {len(clips)} {'clean' if args.clean else 'tracked'} clips, seed {args.seed}, {frames} frames, {dt:.1f} s")
    print("  kinds:  " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    print("  labels: " + ", ".join(f"{k} {v}" for k, v in labs.items()))
    if durs:
        print(f"  gesture durations: {min(durs):.2f}-{max(durs):.2f} s, median {np.median(durs):.2f} s")
    print(f"  NaN frames: {nan / max(frames, 1):.1%}" + (f"; written to {args.out}" if args.out else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
