"""Blind5: a sixth, independent generator of hand-gesture landmark clips (MediaPipe's 21 points, 30 fps).

It measures, blind, how a gesture reader transfers to clips it was never tuned on. It was written from the
clip format and the gesture vocabulary alone, without looking at robocue's reader or its training generator.

Models
------
- Hand: a 3-D skeleton built from joint angles. Palm knuckles and bone lengths (phalanges in palm lengths)
  vary per person (children to adults: finger-to-palm ratio, palm width, per-bone scatter, MCP
  hyperextension, joint gains); each finger has an MCP/PIP/DIP flexion chain (DIP coupled to PIP) driven by
  one curl value, plus spread; the thumb blends between an open and an opposed direction chain. Left hands
  are mirror images. The hand is posed in 3-D by its axis direction in the image, its elevation toward the
  camera and the palm's turn about the axis, so it is seen from the palm, the back or the side.
- Motion: each clip is a timeline of minimum-jerk moves of the wrist (x, y, depth), the hand's orientation and
  the finger curls, plus hold, beckoning oscillations (whole hand or index only, 2-4 cycles with finger
  lag) and strokes with an arc, wrist flick and optional wind-up. People are lazy (small, slow 1.3-2.6 s
  swipes of 10-20% of the frame, long holds), normal or brisk (0.2-0.4 s flicks); points are held still or
  follow a reach along the pointing direction, in any image direction; transitions move at human speed
  (0.12-0.25 palm lengths a frame) and idle hands rest below the gesture zone, fidget and may leave the
  frame. Physiological tremor (8-12 Hz) and slow sway are added everywhere.
- Camera: 4:3, 3:4, 16:9 and 9:16 (portrait phone) frames; the hand is 5-50% of the frame's height (log
  uniform); a pinhole projection with per-point perspective (focal 0.7-1.2 of the long side); roll up to
  +-25 degrees about the image centre; z is depth relative to the wrist in x units.
- Tracker: per-landmark jitter (fingertips and depth noisier) and whole-hand jitter, a depth scale error,
  exponential smoothing (lag) in about half the clips, dropped frames (random, bursts of lost tracking, fast
  motion blur, a hand mostly outside the frame) as all-NaN frames or, in some clips, repeats of the last
  frame; rare glitches (a whole-hand jump, one finger thrown off, a mirrored hand, a depth spike).
- Clips: tight (cropped to within 3 frames of the gesture), margin (15+ idle frames before and after, the hand
  may enter or leave), pair (two gestures in a row: point or grab then a swipe, point then grab or
  come_here), recording (3-5 gestures with idle between); shares 30/25/25/20%. Every labelled gesture is
  checked on the clean frames as a person would judge it (swipes travel along their axis by over 1.3 palm
  lengths with the hand open, grabs close from open to fist, points keep the index out and its direction
  steady, beckons curl and reopen twice or more, stops hold an open palm up and still) and the clip is
  redrawn if any check fails; a point's direction is read from the drawn index finger.

Use: ``blind5_dataset(n, seed)``, ``blind5_clean_dataset(n, seed)``, ``score(recognize, clips)``;
``python tests/blind5_gestures.py --n 16 --seed 0 [--out DIR]`` writes clip_NNNN.npy and labels.json.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FPS = 30
LABELS = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
SWIPES = ("swipe_left", "swipe_right", "swipe_up", "swipe_down")
SWIPE_AXIS = {"swipe_right": 0.0, "swipe_up": 90.0, "swipe_left": 180.0, "swipe_down": 270.0}
KINDS = ("tight", "margin", "pair", "recording")
KIND_SHARES = (("tight", 0.30), ("margin", 0.25), ("pair", 0.25), ("recording", 0.20))
PAIRS = tuple([("point", s) for s in SWIPES] + [("grab", s) for s in SWIPES] + [("point", "grab"), ("point", "come_here")])
TIPS = (4, 8, 12, 16, 20)
IMAGE_SIZES = ((640, 480), (1024, 768), (480, 640), (1280, 720), (1920, 1080), (720, 1280), (1080, 1920))
IMAGE_SIZE_P = (0.2, 0.1, 0.1, 0.2, 0.15, 0.15, 0.1)
MIN_FRAMES, MAX_FRAMES = 12, 90  # a labelled gesture lasts 0.4-3 s

# Hand model, right hand, in palm lengths (wrist to middle knuckle = 1); local axes: lateral (thumb side), along
# the hand (toward the fingers), palm normal (out of the palm, the way fingers flex).
_MCP = np.array([[0.30, 0.94, 0.0], [0.07, 1.00, 0.0], [-0.15, 0.95, 0.0], [-0.34, 0.85, 0.0]])
_SPLAY = np.radians([7.0, 1.0, -5.0, -12.0])
_SPLAY_OPEN = np.radians([10.0, 2.0, -8.0, -18.0])
_BONES = np.array([[0.46, 0.27, 0.21], [0.51, 0.31, 0.23], [0.47, 0.30, 0.22], [0.37, 0.22, 0.20]])
_THUMB_CMC = np.array([0.20, 0.20, 0.04])
_THUMB_BONES = np.array([0.40, 0.32, 0.27])
_THUMB_OPEN = np.array([[0.70, 0.66, 0.18], [0.55, 0.80, 0.12], [0.42, 0.90, 0.06]])
_THUMB_CLOSED = np.array([[0.35, 0.78, 0.50], [-0.45, 0.55, 0.70], [-0.85, 0.15, 0.50]])

# Timeline state: wrist x, y (pixels, before camera roll), depth (pixels, away from camera), hand axis angle in
# the image (degrees, 0 right, 90 up), elevation toward the camera (degrees), palm turn about the axis (0 = palm
# to camera), curls (thumb, index, middle, ring, little; 0 straight, 1 fist), spread (0-1).
X, Y, Z, ANG, ELEV, YAW = range(6)
C = slice(6, 11)
SPREAD = 11
NSTATE = 12


@dataclass
class Blind5Clip:
    landmarks: np.ndarray  # (T, 21, 3) float32
    gestures: list  # [(label, start_frame, end_frame, direction_deg or None)], inclusive frames, time order; direction only for point
    kind: str  # tight | margin | pair | recording
    meta: dict = field(default_factory=dict)  # must include "fps": 30


class _Redraw(Exception):
    """The drawn clip does not show its labels well enough (or leaves the frame); draw it again."""


def _wrap180(d):
    return (np.asarray(d) + 180.0) % 360.0 - 180.0


def _minjerk(s):
    return s * s * s * (10.0 - 15.0 * s + 6.0 * s * s)


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _axis(ang_deg, elev_deg):
    a, e = np.radians(ang_deg), np.radians(elev_deg)
    return np.stack([np.cos(e) * np.cos(a), -np.cos(e) * np.sin(a), -np.sin(e)], axis=-1)


def _frame(ang_deg, elev_deg, yaw_deg):
    """Hand axis u and palm-to-camera reference normal, the turned palm normal n and w = u x n_ref."""
    u = _axis(ang_deg, elev_deg)
    ref = np.array([0.0, 0.0, -1.0])
    nref = _unit(ref - (u @ ref)[..., None] * u)
    w = np.cross(u, nref)
    y = np.radians(yaw_deg)[..., None]
    return u, nref, w, np.cos(y) * nref + np.sin(y) * w


def _yaw_for(ang, elev, target):
    """The palm turn that brings the palm normal closest to target (a 3-D camera-frame direction)."""
    u, nref, w, _ = _frame(np.float64(ang), np.float64(elev), np.float64(0.0))
    t = np.asarray(target, float)
    t = t - (t @ u) * u
    if np.linalg.norm(t) < 1e-3:
        return 0.0
    return math.degrees(math.atan2(float(t @ w), float(t @ nref)))


# ----------------------------------------------------------------------------------------------- scene


class _Scene:
    """One performer in front of one camera: hand, style, frame, hand size, roll."""

    def __init__(self, rng, shrink=1.0):
        self.rng = rng
        r = rng
        self.hand = "left" if r.random() < 0.45 else "right"
        self.side = -1.0 if self.hand == "left" else 1.0
        self.age = str(r.choice(["child", "teen", "adult"], p=[0.2, 0.2, 0.6]))
        ratio = r.uniform(0.85, 1.0) if self.age == "child" else r.uniform(0.92, 1.1)
        palm_w = r.uniform(0.95, 1.15) if self.age == "child" else r.uniform(0.88, 1.1)
        self.mcp = _MCP * [palm_w, 1.0, 1.0] + r.normal(0.0, 0.015, (4, 3)) * [1, 1, 0]
        self.bones = _BONES * ratio * r.uniform(0.94, 1.06, (4, 3))
        self.thumb_bones = _THUMB_BONES * ratio * r.uniform(0.92, 1.08, 3)
        self.cmc = _THUMB_CMC * [palm_w, 1.0, 1.0]
        self.splay = _SPLAY + np.radians(r.normal(0.0, 2.0, 4))
        self.splay_open = _SPLAY_OPEN * r.uniform(0.7, 1.3)
        self.mcp_gain = r.uniform(0.85, 1.1)
        self.pip_gain = r.uniform(0.9, 1.1)
        self.hyper = r.uniform(-12.0, 2.0)
        self.relax = r.uniform(0.25, 0.5)
        self.style = str(r.choice(["lazy", "normal", "brisk"], p=[0.3, 0.45, 0.25]))
        self.tempo = {"lazy": r.uniform(1.3, 1.8), "normal": r.uniform(0.85, 1.2), "brisk": r.uniform(0.55, 0.8)}[self.style]
        k = r.choice(len(IMAGE_SIZES), p=IMAGE_SIZE_P)
        self.W, self.H = IMAGE_SIZES[k]
        self.share = float(math.exp(r.uniform(math.log(0.05), math.log(0.5))) * shrink)
        self.roll = float(r.normal(0.0, 3.0) if r.random() < 0.35 else r.uniform(-25.0, 25.0))
        self.hl_units = 1.0 + float(self.bones[1].sum())
        self.HL = self.share * self.H
        self.PL = self.HL / self.hl_units
        self.focal = max(max(self.W, self.H) * r.uniform(0.7, 1.2), 2.5 * self.HL)
        # where the person gestures: a zone around a body point, the hands rest below it
        mx, my = self._margins()
        self.body = (r.uniform(0.3, 0.7) * self.W, r.uniform(0.35, 0.6) * self.H)
        self.body = (float(np.clip(self.body[0], mx, self.W - mx)), float(np.clip(self.body[1], my, self.H - my)))

    def frames(self, lo, hi, tempo=True):
        return max(1, int(round(self.rng.uniform(lo, hi) * FPS * (self.tempo if tempo else 1.0))))

    def _margins(self):
        return 0.5 * self.HL + 0.02 * self.W, 0.5 * self.HL + 0.02 * self.H

    def spot(self, near=None, spread=(2.5, 2.0), dy=0.0):
        """A hand centre (pixels) in the gesture zone that keeps the hand in the frame."""
        mx, my = self._margins()
        if mx * 2 > self.W or my * 2 > self.H:
            raise _Redraw
        bx, by = self.body if near is None else near
        x = bx + self.rng.uniform(-1, 1) * spread[0] * self.HL
        y = by + dy * self.HL + self.rng.uniform(-1, 1) * spread[1] * self.HL
        return float(np.clip(x, mx, self.W - mx)), float(np.clip(y, my, self.H - my))

    def wrist_for(self, cx, cy, ang, elev):
        L = 0.45 * self.HL * math.cos(math.radians(elev))
        return cx - L * math.cos(math.radians(ang)), cy + L * math.sin(math.radians(ang))

    def center(self, st):
        L = 0.45 * self.HL * math.cos(math.radians(st[ELEV]))
        return st[X] + L * math.cos(math.radians(st[ANG])), st[Y] - L * math.sin(math.radians(st[ANG]))

    def meta(self):
        return {
            "person": {"hand": self.hand, "age": self.age, "style": self.style, "tempo": round(float(self.tempo), 3)},
            "camera": {
                "image_size": [int(self.W), int(self.H)],
                "roll_deg": round(self.roll, 2),
                "hand_height_share": round(self.share, 4),
                "focal_px": round(float(self.focal), 1),
            },
        }


# ----------------------------------------------------------------------------------------------- timeline


class _Track:
    def __init__(self, state):
        self.chunks = [np.asarray(state, float)[None].copy()]
        self.n = 1

    @property
    def cur(self):
        return self.chunks[-1][-1].copy()

    def go(self, n, target):
        n = max(1, int(n))
        cur = self.cur
        tgt = np.asarray(target, float).copy()
        for k in (ANG, YAW):
            tgt[k] = cur[k] + _wrap180(tgt[k] - cur[k])
        s = _minjerk(np.arange(1, n + 1) / n)
        chunk = cur + s[:, None] * (tgt - cur)
        start = self.n
        self.chunks.append(chunk)
        self.n += n
        return chunk, start

    def hold(self, n):
        return self.go(n, self.cur)

    def array(self):
        return np.concatenate(self.chunks)


def _travel(sc, a, b, lo=0.25, hi=0.5):
    """Frames to move between two states at human speed."""
    d = math.dist(sc.center(a), sc.center(b)) + 0.5 * abs(a[Z] - b[Z])
    dang = abs(float(_wrap180(a[ANG] - b[ANG]))) + 0.5 * abs(float(_wrap180(a[YAW] - b[YAW]))) + abs(a[ELEV] - b[ELEV])
    n = max(sc.frames(lo, hi), d / (sc.PL * sc.rng.uniform(0.12, 0.25)), dang / sc.rng.uniform(6.0, 12.0))
    return int(min(n, 45))


def _pose(sc, cx, cy, ang, elev, yaw, curls, spread, z=0.0):
    st = np.zeros(NSTATE)
    st[X], st[Y] = sc.wrist_for(cx, cy, ang, elev)
    st[Z], st[ANG], st[ELEV], st[YAW] = z, ang, elev, yaw
    st[C] = np.clip(curls, 0.0, 1.0)
    st[SPREAD] = spread
    return st


def _relaxed(sc):
    r = sc.rng
    c = sc.relax + r.uniform(-0.08, 0.08, 5) + np.array([0.0, 0.0, 0.03, 0.06, 0.1])
    c[0] = r.uniform(0.15, 0.45)
    return c


def _rest(sc):
    """A resting hand below the gesture zone, fingers hanging down or forward; may be partly or wholly out of frame."""
    r = sc.rng
    ang = r.uniform(-125.0, -55.0)
    elev = r.uniform(-5.0, 45.0)
    cx = sc.body[0] + r.uniform(-1.5, 1.5) * sc.HL
    cy = sc.body[1] + r.uniform(2.5, 4.5) * sc.HL
    st = _pose(sc, cx, cy, ang, elev, r.uniform(-180, 180), _relaxed(sc), r.uniform(0.0, 0.3), z=r.uniform(0, 0.5) * sc.PL)
    # keep every point of the hanging hand within y < 1.27 H and x inside [-0.27, 1.27] W
    st[Y] = min(st[Y], 1.27 * sc.H - 1.02 * sc.HL * math.cos(math.radians(elev)))
    st[X] = float(np.clip(st[X], -0.2 * sc.W + 0.5 * sc.HL, 1.2 * sc.W - 0.5 * sc.HL))
    return st


def _ready(sc):
    r = sc.rng
    cx, cy = sc.spot()
    return _pose(sc, cx, cy, r.uniform(60, 120), r.uniform(0, 40), r.uniform(-60, 60), _relaxed(sc), r.uniform(0.1, 0.4))


def _idle(sc, tr, n):
    """Rest with slow fidgeting: small drifts of the hand and the fingers."""
    r = sc.rng
    left = int(n)
    while left > 0:
        k = min(left, int(r.integers(10, 40)))
        st = tr.cur
        st[X] += r.normal(0, 0.15) * sc.PL
        st[Y] += r.normal(0, 0.15) * sc.PL
        st[ANG] += r.normal(0, 4.0)
        st[YAW] += r.normal(0, 6.0)
        st[C] = np.clip(st[C] + r.normal(0, 0.04, 5), 0.15, 0.7)
        tr.go(k, st)
        left -= k


def _to_rest(sc, tr):
    st = _rest(sc)
    tr.go(_travel(sc, tr.cur, st, 0.4, 0.9), st)


def _fit_label(s, e):
    if e - s + 1 < MIN_FRAMES or e - s + 1 > MAX_FRAMES:
        raise _Redraw
    return s, e


# ----------------------------------------------------------------------------------------------- gestures


def _g_point(sc, tr):
    r = sc.rng
    phi = r.uniform(0.0, 360.0)
    elev = r.uniform(-10.0, 40.0)
    view = r.choice(["down", "thumb_up", "palm", "back"], p=[0.45, 0.3, 0.1, 0.15])
    u = _axis(phi, elev)
    if view == "down":
        yaw = _yaw_for(phi, elev, [0.0, 1.0, 0.0])
    elif view == "thumb_up":
        yaw = _yaw_for(phi, elev, sc.side * np.cross([0.0, -1.0, 0.0], u))
    elif view == "palm":
        yaw = 0.0
    else:
        yaw = 180.0
    yaw += r.normal(0.0, 12.0)
    curls = np.array([r.uniform(0.45, 0.95), r.uniform(0.0, 0.08), r.uniform(0.75, 1.0), r.uniform(0.8, 1.0), r.uniform(0.8, 1.0)])
    reach = r.random() < 0.45
    R = r.uniform(0.5, 1.8) * sc.PL if reach else 0.0
    dx, dy = math.cos(math.radians(phi)), -math.sin(math.radians(phi))
    here = sc.center(tr.cur)
    cx, cy = sc.spot(near=here if r.random() < 0.5 else None, spread=(1.5, 1.2))
    mx, my = sc._margins()
    cx = float(np.clip(cx, mx + max(0, R * dx), sc.W - mx + min(0, R * dx)))
    cy = float(np.clip(cy, my + max(0, R * dy), sc.H - my + min(0, R * dy)))
    ce = math.cos(math.radians(elev))
    start = _pose(sc, cx - R * ce * dx, cy - R * ce * dy, phi, elev, yaw, curls, r.uniform(0.0, 0.3), z=R * math.sin(math.radians(elev)))
    tr.go(_travel(sc, tr.cur, start, 0.25, 0.5), start)
    s = tr.n - 1 - int(r.integers(0, 3))
    if reach:
        st = start.copy()
        st[X] += R * ce * dx
        st[Y] += R * ce * dy
        st[Z] -= R * math.sin(math.radians(elev))
        tr.go(sc.frames(0.25, 0.6), st)
    used = tr.n - s
    h = int(np.clip(sc.frames(0.4, 1.6), MIN_FRAMES - used + 2, MAX_FRAMES - used - 2))
    st = tr.cur
    st[ANG] += r.uniform(-2.0, 2.0)
    tr.go(h, st)
    return ("point", *_fit_label(s, tr.n - 1))


def _g_swipe(sc, tr, label):
    r = sc.rng
    axis = SWIPE_AXIS[label]
    dx, dy = math.cos(math.radians(axis)), -math.sin(math.radians(axis))
    horizontal = label in ("swipe_left", "swipe_right")
    style = sc.style if r.random() < 0.8 else str(r.choice(["lazy", "normal", "brisk"]))
    frac, dur = {
        "lazy": (r.uniform(0.10, 0.20), r.uniform(1.3, 2.6)),
        "normal": (r.uniform(0.18, 0.40), r.uniform(0.45, 1.1)),
        "brisk": (r.uniform(0.20, 0.50), r.uniform(0.22, 0.40)),
    }[style]
    dim = sc.W if horizontal else sc.H
    A = float(np.clip(frac * dim, r.uniform(1.4, 2.0) * sc.PL, 5.0 * sc.HL))
    motion = np.array([dx, dy, 0.0])
    lead = 1.0 if r.random() < 0.6 else -1.0  # palm or back of the hand leads
    v = r.random()
    if horizontal:
        if v < 0.4:
            ang, elev = 90 + r.normal(0, 12), r.uniform(-10, 25)
            yaw = _yaw_for(ang, elev, lead * motion)
        elif v < 0.65:
            ang, elev, yaw = 90 + r.normal(0, 15), r.uniform(-10, 25), r.normal(0, 20)
        elif v < 0.8:
            ang, elev, yaw = 90 + r.normal(0, 15), r.uniform(-10, 25), 180 + r.normal(0, 20)
        else:
            ang, elev = r.choice([90.0, -90.0]) + r.normal(0, 20), r.uniform(40, 65)
            yaw = _yaw_for(ang, elev, lead * motion)
    else:
        if v < 0.45:
            ang = (0.0 if (sc.side < 0) else 180.0) + r.normal(0, 25)
            elev = r.uniform(-10, 30)
            yaw = _yaw_for(ang, elev, lead * motion)
        elif v < 0.7:
            ang, elev, yaw = 90 + r.normal(0, 15), r.uniform(-10, 25), r.normal(0, 25)
        else:
            ang, elev = r.choice([0.0, 180.0, 90.0]) + r.normal(0, 20), r.uniform(40, 65)
            yaw = _yaw_for(ang, elev, lead * motion)
    yaw += r.normal(0, 8)
    curls = np.array([r.uniform(0.0, 0.4), *(r.uniform(0.0, 0.22, 4) + [0.0, 0.0, 0.02, 0.04])])
    mx, my = sc._margins()
    m_al, dim_al = (0.3 * sc.HL + 0.02 * sc.W, sc.W) if horizontal else (0.3 * sc.HL + 0.02 * sc.H, sc.H)
    lo, hi = m_al, dim_al - m_al - A
    if hi < lo:
        raise _Redraw
    here = sc.center(tr.cur)
    cx, cy = sc.spot(near=here if r.random() < 0.5 else None, spread=(2.0, 1.5))
    pos = r.uniform(lo, hi)
    if horizontal:
        cx = pos if dx > 0 else dim_al - pos
    else:
        cy = pos if dy > 0 else dim_al - pos
    start = _pose(sc, cx, cy, ang, elev, yaw, curls, r.uniform(0.1, 0.6), z=r.uniform(-0.3, 0.3) * sc.PL)
    tr.go(_travel(sc, tr.cur, start, 0.25, 0.5), start)
    s = tr.n - 1 - int(r.integers(0, 3))
    windup = r.random() < {"lazy": 0.05, "normal": 0.15, "brisk": 0.4}[style]
    if windup:
        st = start.copy()
        w = r.uniform(0.12, 0.3) * A
        st[X] -= w * dx
        st[Y] -= w * dy
        tr.go(int(round(r.uniform(0.12, 0.25) * FPS)), st)
    n = int(np.clip(round(dur * FPS), 6, MAX_FRAMES - (tr.n - s) - 6))
    st = start.copy()
    st[X] += A * dx
    st[Y] += A * dy
    st[Z] += r.normal(0, 0.2) * sc.PL
    chunk, _ = tr.go(n, st)
    ph = np.sin(np.pi * np.arange(1, n + 1) / n)
    bulge = r.normal(0.0, 0.08) * A
    chunk[:, X] += -dy * bulge * ph
    chunk[:, Y] += dx * bulge * ph
    chunk[:, ANG] += r.uniform(-12, 12) * ph
    if style == "brisk":
        chunk[:, YAW] += r.uniform(-20, 20) * ph
    tr.hold(sc.frames(0.1, 0.3))
    e = min(tr.n - 1, s + max(MIN_FRAMES, (tr.n - 1 - s) - int(r.integers(0, 4))))
    return (label, *_fit_label(s, e))


def _g_grab(sc, tr):
    r = sc.rng
    v = r.random()
    if v < 0.35:
        ang, elev, yaw = 90 + r.normal(0, 15), r.uniform(-10, 20), r.normal(0, 20)
    elif v < 0.65:
        ang, elev = r.choice([90.0, -90.0]) + r.normal(0, 20), r.uniform(35, 65)
        yaw = _yaw_for(ang, elev, [0.0, 1.0, 0.0]) + r.normal(0, 15)
    elif v < 0.9:
        ang, elev, yaw = 90 + r.normal(0, 20), r.uniform(-10, 30), r.choice([-1, 1]) * r.uniform(60, 100)
    else:
        ang, elev, yaw = 90 + r.normal(0, 15), r.uniform(-10, 20), 180 + r.normal(0, 20)
    opened = np.array([r.uniform(0.0, 0.25), *r.uniform(0.0, 0.15, 4)])
    closed = np.array([r.uniform(0.6, 1.0), *r.uniform(0.85, 1.0, 4)])
    here = sc.center(tr.cur)
    cx, cy = sc.spot(near=here if r.random() < 0.6 else None, spread=(1.5, 1.2))
    start = _pose(sc, cx, cy, ang, elev, yaw, opened, r.uniform(0.3, 0.8), z=r.uniform(-0.2, 0.3) * sc.PL)
    tr.go(_travel(sc, tr.cur, start, 0.25, 0.5), start)
    h0 = sc.frames(0.1, 0.4)
    tr.hold(h0)
    s = tr.n - 1 - min(h0 - 1, int(r.integers(2, 6)))
    n = int(np.clip(sc.frames(0.25, 0.9), 6, 40))
    st = start.copy()
    st[C] = closed
    st[SPREAD] = r.uniform(0.0, 0.1)
    st[Z] -= r.uniform(0.0, 0.8) * sc.PL
    st[X] += r.normal(0, 0.15) * sc.PL
    st[Y] += r.normal(0, 0.15) * sc.PL
    st[ELEV] += r.uniform(-5, 12)
    chunk, _ = tr.go(n, st)
    # fingers close one after the other (index first or little first)
    t = np.arange(1, n + 1) / n
    lag = r.uniform(0.0, 0.25) * (np.arange(4) if r.random() < 0.5 else np.arange(3, -1, -1)) / 3
    for j in range(4):
        q = _minjerk(np.clip((t - lag[j]) / (1 - lag.max() + 1e-9), 0, 1))
        chunk[:, 7 + j] = opened[1 + j] + (closed[1 + j] - opened[1 + j]) * q
    used = tr.n - s
    h1 = int(np.clip(sc.frames(0.15, 0.6), max(4, MIN_FRAMES - used), MAX_FRAMES - used))
    tr.hold(h1)
    return ("grab", *_fit_label(s, tr.n - 1))


def _g_come_here(sc, tr):
    r = sc.rng
    index_only = r.random() < 0.3
    v = r.random()
    if v < 0.45:
        ang, elev = 90 + r.normal(0, 20), r.uniform(25, 60)
        yaw = _yaw_for(ang, elev, [0.0, -1.0, 0.0]) + r.normal(0, 15)
    elif v < 0.8:
        ang, elev, yaw = 90 + r.normal(0, 15), r.uniform(-10, 25), r.normal(0, 25)
    else:
        ang, elev, yaw = 90 + r.normal(0, 20), r.uniform(0, 35), r.choice([-1, 1]) * r.uniform(40, 80)
    period = r.uniform(0.35, 0.75) * math.sqrt(sc.tempo)
    cycles = int(r.integers(2, 5))
    while cycles > 2 and cycles * period > 2.8:
        cycles -= 1
    period = min(period, 2.8 / cycles)
    lo = r.uniform(0.0, 0.12, 4)
    hi = r.uniform(0.65, 0.95, 4)
    if index_only:
        lo[1:] = hi[1:] = r.uniform(0.75, 0.95, 3)
    thumb = r.uniform(0.4, 0.8) if index_only else r.uniform(0.1, 0.5)
    here = sc.center(tr.cur)
    cx, cy = sc.spot(near=here if r.random() < 0.6 else None, spread=(1.5, 1.2))
    start = _pose(sc, cx, cy, ang, elev, yaw, np.array([thumb, *lo]), r.uniform(0.0, 0.4))
    tr.go(_travel(sc, tr.cur, start, 0.2, 0.45), start)
    n = int(round(cycles * period * FPS))
    chunk, s = tr.go(n, start)
    t = np.arange(1, n + 1) / n * cycles
    lag = np.sort(r.uniform(0.0, 0.1, 4))
    for j in range(4):
        q = np.clip(t - lag[j], 0.0, None)
        chunk[:, 7 + j] = lo[j] + (hi[j] - lo[j]) * (1 - np.cos(2 * np.pi * q)) / 2
    chunk[:, Z] += r.uniform(0.0, 0.15) * sc.PL * (1 - np.cos(2 * np.pi * t)) / 2
    chunk[:, ELEV] += r.uniform(0.0, 6.0) * np.sin(2 * np.pi * t)
    tr.hold(sc.frames(0.1, 0.3))
    return ("come_here", *_fit_label(s, s + n - 1))


def _g_stop(sc, tr):
    r = sc.rng
    ang, elev, yaw = 90 + r.uniform(-15, 15), r.uniform(-15, 15), r.normal(0, 12)
    curls = np.array([r.uniform(0.0, 0.3), *r.uniform(0.0, 0.12, 4)])
    here = sc.center(tr.cur)
    cx, cy = sc.spot(near=here if r.random() < 0.4 else None, spread=(1.5, 1.0), dy=-0.5)
    push = r.random() < 0.3
    st = _pose(sc, cx, cy, ang, elev, yaw, curls, r.uniform(0.2, 0.9), z=(-r.uniform(0.1, 0.4) if push else r.uniform(-0.1, 0.2)) * sc.PL)
    tr.go(max(_travel(sc, tr.cur, st, 0.3, 0.7), 6), st)
    s = tr.n - 1 - int(r.integers(0, 2))
    h = int(np.clip(sc.frames(0.6, 1.8), MIN_FRAMES, MAX_FRAMES - 2))
    tr.hold(h)
    return ("stop", *_fit_label(s, tr.n - 1))


def _gesture(sc, tr, label):
    if label == "point":
        return _g_point(sc, tr)
    if label in SWIPES:
        return _g_swipe(sc, tr, label)
    return {"grab": _g_grab, "come_here": _g_come_here, "stop": _g_stop}[label](sc, tr)


def _smooth_noise(rng, T, k, width=6.0):
    x = rng.normal(0.0, 1.0, (T + 60, k))
    g = np.exp(-0.5 * (np.arange(-18, 19) / width) ** 2)
    g /= np.sqrt((g * g).sum())
    y = np.stack([np.convolve(x[:, j], g, mode="same") for j in range(k)], axis=1)
    return y[30 : 30 + T]


def _add_life(sc, A):
    """Tremor and slow sway of the whole hand, small wobbles of the orientation and the fingers."""
    r = sc.rng
    T = len(A)
    t = np.arange(T) / FPS
    f = r.uniform(8.0, 12.0)
    amp = r.uniform(0.003, 0.012) * sc.PL
    A[:, X] += amp * np.sin(2 * np.pi * f * t + r.uniform(0, 6.3))
    A[:, Y] += amp * np.sin(2 * np.pi * f * t + r.uniform(0, 6.3))
    sm = _smooth_noise(r, T, 9, width=r.uniform(5.0, 10.0))
    sway = r.uniform(0.01, 0.04) * sc.PL
    A[:, X] += sway * sm[:, 0]
    A[:, Y] += sway * sm[:, 1]
    A[:, ANG] += 0.8 * sm[:, 2]
    A[:, ELEV] += 1.2 * sm[:, 3]
    A[:, YAW] += 2.0 * sm[:, 4]
    A[:, 7:11] += 0.012 * sm[:, 5:9]
    A[:, C] = np.clip(A[:, C], 0.0, 1.0)
    A[:, SPREAD] = np.clip(A[:, SPREAD], 0.0, 1.0)


# ----------------------------------------------------------------------------------------------- rendering


def _hand_local(sc, curl, spread):
    T = len(curl)
    out = np.zeros((T, 21, 3))
    tc = curl[:, 0:1]
    pos = np.broadcast_to(sc.cmc, (T, 3)).copy()
    out[:, 1] = pos
    for k in range(3):
        d = (1 - tc) * _THUMB_OPEN[k] + tc * _THUMB_CLOSED[k]
        d[:, 0] += 0.15 * (spread - 0.5)
        pos = pos + sc.thumb_bones[k] * _unit(d)
        out[:, 2 + k] = pos
    zero = np.zeros(T)
    for j in range(4):
        c = curl[:, 1 + j]
        beta = sc.splay[j] + spread * sc.splay_open[j] * (1 - 0.6 * c)
        a = np.stack([np.sin(beta), np.cos(beta), zero], axis=-1)
        mcp = np.radians(sc.hyper * (1 - c) + c * 82.0 * sc.mcp_gain)
        pip = np.radians(c * 105.0 * sc.pip_gain)
        th = (mcp, mcp + pip, mcp + 1.65 * pip)
        pos = np.broadcast_to(sc.mcp[j], (T, 3)).copy()
        pos[:, 2] += 0.06 * c * (j / 3.0)  # the palm cups as the hand closes
        out[:, 5 + 4 * j] = pos
        for k in range(3):
            d = np.cos(th[k])[:, None] * a
            d[:, 2] += np.sin(th[k])
            pos = pos + sc.bones[j, k] * d
            out[:, 6 + 4 * j + k] = pos
    return out


def _render(sc, A):
    """Timeline -> clean landmarks (T, 21, 3) in normalised image coordinates, z relative to the wrist in x units."""
    u, _, _, n = _frame(A[:, ANG], A[:, ELEV], A[:, YAW])
    lat = sc.side * np.cross(u, n)
    loc = _hand_local(sc, A[:, C], A[:, SPREAD])
    P = A[:, None, 0:3] + sc.PL * (loc[..., 0:1] * lat[:, None] + loc[..., 1:2] * u[:, None] + loc[..., 2:3] * n[:, None])
    if (sc.focal + P[..., 2]).min() < 0.4 * sc.focal:
        raise _Redraw
    cx, cy = sc.W / 2.0, sc.H / 2.0
    k = sc.focal / (sc.focal + P[..., 2])
    dx, dy = (P[..., 0] - cx) * k, (P[..., 1] - cy) * k
    c, s = math.cos(math.radians(sc.roll)), math.sin(math.radians(sc.roll))
    x = (cx + c * dx - s * dy) / sc.W
    y = (cy + s * dx + c * dy) / sc.H
    z = (P[..., 2] - P[:, 0:1, 2]) / sc.W
    return np.stack([x, y, z], axis=-1)


# ----------------------------------------------------------------------------------------------- checks


def _to_px(lm, W, H):
    return np.asarray(lm, float) * np.array([W, H, W])


def _finger_curls(P):
    """3-D angle (degrees) between wrist->knuckle and knuckle->tip for index, middle, ring, little: (T, 4)."""
    out = []
    for m, t in ((5, 8), (9, 12), (13, 16), (17, 20)):
        a = P[:, m] - P[:, 0]
        b = P[:, t] - P[:, m]
        cos = (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1) + 1e-9)
        out.append(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
    return np.stack(out, axis=1)


def _closings(x, rise=40.0, reopen=15.0):
    lo = float(x.min())
    closed, n = False, 0
    for v in x:
        if not closed and v > lo + rise:
            closed, n = True, n + 1
        elif closed and v < lo + reopen:
            closed = False
    return n


def _point_direction(lm, s, e):
    a = s + (e - s) // 3
    v = lm[a : e + 1, 8, :2] - lm[a : e + 1, 5, :2]
    ang = np.arctan2(-v[:, 1], v[:, 0])
    cm, sm = float(np.cos(ang).mean()), float(np.sin(ang).mean())
    return math.degrees(math.atan2(sm, cm)) % 360.0, math.hypot(cm, sm)


def _check(sc, lm, gestures):
    """Would a person watching the clean clip say these labels? Raise _Redraw if not. Returns the labels with directions."""
    xy = lm[..., :2]
    if xy.min() < -0.28 or xy.max() > 1.28:
        raise _Redraw
    P = _to_px(lm, sc.W, sc.H)
    out = []
    for label, s, e in gestures:
        seg = P[s : e + 1]
        inside = ((xy[s : e + 1] >= 0) & (xy[s : e + 1] <= 1)).all(-1).mean(-1)
        if inside.mean() < 0.85:
            raise _Redraw
        palm = float(np.median(np.linalg.norm(seg[:, 9] - seg[:, 0], axis=-1)))
        curls = _finger_curls(seg)
        wrist_range = float(np.linalg.norm(seg[:, 0, :2] - np.median(seg[:, 0, :2], axis=0), axis=-1).max())
        direction = None
        if label in SWIPES:
            d = seg[-1, 0, :2] - seg[0, 0, :2]
            ang = math.degrees(math.atan2(-d[1], d[0]))
            if abs(float(_wrap180(ang - SWIPE_AXIS[label]))) > 35.0 or np.linalg.norm(d) < 1.3 * palm:
                raise _Redraw
            if np.median(curls.mean(1)) > 55.0:
                raise _Redraw
        elif label == "point":
            a = (e - s) // 3
            hold = curls[a:]
            if np.median(hold[:, 0]) > 30.0 or np.median(hold[:, 1:].mean(1)) < 70.0:
                raise _Redraw
            idx3 = np.linalg.norm(seg[a:, 8] - seg[a:, 5], axis=-1)
            idx2 = np.linalg.norm(seg[a:, 8, :2] - seg[a:, 5, :2], axis=-1)
            if np.median(idx2 / idx3) < 0.55:
                raise _Redraw
            direction, R = _point_direction(lm, s, e)
            if R < 0.995:
                raise _Redraw
            direction = round(direction, 3) % 360.0
        elif label == "grab":
            mc = curls.mean(1)
            if mc[:3].mean() > 45.0 or mc[-3:].mean() < 85.0:
                raise _Redraw
            tips = np.linalg.norm(seg[:, list(TIPS), :2] - seg[:, None, 0, :2], axis=-1).mean(1)
            if tips[-3:].mean() > 0.85 * tips[:3].mean() or wrist_range > 1.2 * palm:
                raise _Redraw
        elif label == "come_here":
            n = max(_closings(curls.mean(1)), _closings(curls[:, 0]))
            if n < 2 or wrist_range > 1.0 * palm:
                raise _Redraw
        elif label == "stop":
            if np.median(curls.mean(1)) > 30.0 or wrist_range > 0.4 * palm:
                raise _Redraw
            v = seg[:, 9, :2] - seg[:, 0, :2]
            up = np.degrees(np.arctan2(-v[:, 1], v[:, 0]))
            if np.median(np.abs(_wrap180(up - 90.0))) > 50.0:
                raise _Redraw
            nrm = _unit(np.cross(seg[:, 5] - seg[:, 0], seg[:, 17] - seg[:, 0]))
            if np.median(np.abs(nrm[:, 2])) < 0.5:
                raise _Redraw
        out.append((label, int(s), int(e), None if direction is None else float(direction)))
    return out


# ----------------------------------------------------------------------------------------------- clips


def _build(sc, kind, labels):
    r = sc.rng
    gest = []
    if kind == "tight":
        tr = _Track(_ready(sc))
        tr.hold(int(r.integers(2, 6)))
        gest.append(_gesture(sc, tr, labels[0]))
        tr.hold(int(r.integers(4, 9)))
    elif kind == "margin":
        tr = _Track(_rest(sc))
        _idle(sc, tr, max(18, sc.frames(0.6, 2.0)))
        gest.append(_gesture(sc, tr, labels[0]))
        _to_rest(sc, tr)
        _idle(sc, tr, max(18, sc.frames(0.6, 2.0)))
    elif kind == "pair":
        tr = _Track(_rest(sc) if r.random() < 0.6 else _ready(sc))
        _idle(sc, tr, int(r.integers(6, 36)))
        for lab in labels:
            gest.append(_gesture(sc, tr, lab))
        if r.random() < 0.7:
            _to_rest(sc, tr)
        _idle(sc, tr, int(r.integers(6, 36)))
    else:
        tr = _Track(_rest(sc))
        _idle(sc, tr, sc.frames(0.5, 1.5))
        for lab in labels:
            gest.append(_gesture(sc, tr, lab))
            _to_rest(sc, tr)
            _idle(sc, tr, sc.frames(0.4, 1.6))
    A = tr.array()
    _add_life(sc, A)
    return A, gest


def _schedule(seed, i):
    """Kind and labels of clip i: blocks of 40 clips hold exact kind shares and every single-gesture label twice or more."""
    b, pos = divmod(i, 40)
    rb = np.random.default_rng(np.random.SeedSequence([int(seed) % 2**32, b, 7]))
    kinds = ["tight"] * 12 + ["margin"] * 10 + ["pair"] * 10 + ["recording"] * 8
    order = rb.permutation(40)
    singles = list(LABELS) * 2 + list(rb.choice(LABELS, 6, replace=False))
    singles = list(rb.permutation(singles))
    kind = kinds[order[pos]]
    if kind in ("tight", "margin"):
        j = sorted(p for p in range(40) if kinds[order[p]] in ("tight", "margin")).index(pos)
        return kind, [str(singles[j])]
    rc = np.random.default_rng(np.random.SeedSequence([int(seed) % 2**32, i, 3]))
    if kind == "pair":
        return kind, list(PAIRS[int(rc.integers(len(PAIRS)))])
    labs = []
    for _ in range(int(rc.integers(3, 6))):
        choices = [lab for lab in LABELS if not labs or lab != labs[-1]]
        labs.append(str(rc.choice(choices)))
    return kind, labs


def _track_landmarks(clean, sc, rng):
    """The tracker: jitter, depth scale, smoothing, dropped and repeated frames, glitches."""
    W, H, HL = sc.W, sc.H, sc.HL
    T = len(clean)
    par = {
        "z_scale": float(rng.uniform(0.6, 1.3)),
        "jitter_hand": float(rng.uniform(0.002, 0.015)),
        "smoothing": float(1.0 if rng.random() < 0.45 else rng.uniform(0.35, 0.9)),
        "drop_rate": float(0.0 if rng.random() < 0.3 else rng.uniform(0.01, 0.1)),
        "burst_rate": float(rng.uniform(0.0, 0.012)),
        "repeats": bool(rng.random() < 0.3),
        "glitch_rate": float(0.0 if rng.random() < 0.6 else rng.uniform(0.002, 0.01)),
    }
    P = _to_px(clean, W, H)
    P[..., 2] *= par["z_scale"]
    sig = par["jitter_hand"] * HL
    noise = rng.normal(0.0, sig, (T, 21, 3))
    noise[:, list(TIPS)] *= 1.5
    noise[..., 2] *= 2.0
    noise += rng.normal(0.0, 0.6 * sig, (T, 1, 3))
    P = P + noise
    xy = clean[..., :2]
    inside = ((xy >= 0) & (xy <= 1)).all(-1).mean(-1)
    drop = inside < 0.55
    drop |= rng.random(T) < par["drop_rate"]
    for t in np.flatnonzero(rng.random(T) < par["burst_rate"]):
        drop[t : t + int(rng.integers(2, 10))] = True
    Pc = _to_px(clean, W, H)
    speed = np.linalg.norm(np.diff(Pc[:, 0, :2], axis=0), axis=-1)
    fast = speed > max(0.05 * max(W, H), 0.8 * HL)
    drop[1:] |= fast & (rng.random(T - 1) < 0.3)
    out = np.full((T, 21, 3), np.nan)
    a = par["smoothing"]
    prev = None
    for t in range(T):
        if drop[t]:
            prev = None
            continue
        prev = P[t] if prev is None else a * P[t] + (1 - a) * prev
        out[t] = prev
    for t in np.flatnonzero((rng.random(T) < par["glitch_rate"]) & ~drop):
        g = int(rng.integers(4))
        if g == 0:
            out[t, :, :2] += rng.uniform(0.3, 1.0) * HL * _unit(rng.normal(0, 1, 2))
        elif g == 1:
            f = int(rng.integers(5))
            out[t, 1 + 4 * f : 5 + 4 * f, :2] += rng.normal(0.0, 0.3 * HL, 2)
        elif g == 2:
            out[t, :, 0] = 2 * out[t, 0, 0] - out[t, :, 0]
        else:
            out[t, :, 2] *= 3.0
    if par["repeats"]:
        for t in range(1, T):
            if drop[t] and rng.random() < 0.7:
                out[t] = out[t - 1]
    out = out / np.array([W, H, W])
    out[..., 2] -= out[:, 0:1, 2]
    out[..., :2] = np.clip(out[..., :2], -0.3, 1.3)
    return out.astype(np.float32), par


def _make_clip(seed, i, tracked=True):
    kind, labels = _schedule(seed, i)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed) % 2**32, i, 0]))
    for attempt in range(80):
        sc = _Scene(rng, shrink=1.0 if attempt < 6 else 0.85 ** (attempt - 5))
        try:
            A, gest = _build(sc, kind, labels)
            clean = _render(sc, A)
            gestures = _check(sc, clean, gest)
        except _Redraw:
            continue
        break
    else:  # pragma: no cover - the draws above always find a clip in practice
        raise RuntimeError(f"blind5: no valid clip for seed {seed}, index {i}")
    if kind == "tight":
        r = np.random.default_rng(np.random.SeedSequence([int(seed) % 2**32, i, 2]))
        a = gestures[0][1] - int(r.integers(0, 4))
        b = gestures[0][2] + int(r.integers(0, 4))
        b = min(b, len(clean) - 1)
        clean = clean[a : b + 1]
        gestures = [(g[0], g[1] - a, g[2] - a, g[3]) for g in gestures]
    meta = {"fps": FPS, "index": i, "attempts": attempt + 1, **sc.meta()}
    if tracked:
        trng = np.random.default_rng(np.random.SeedSequence([int(seed) % 2**32, i, 1]))
        lm, par = _track_landmarks(clean, sc, trng)
        meta["tracker"] = par
    else:
        lm = clean.astype(np.float32)
        meta["tracker"] = None
    return Blind5Clip(lm, gestures, kind, meta)


def blind5_dataset(n: int, seed: int) -> list[Blind5Clip]:
    """n clips as a tracker reports them (noise, lag, dropped and repeated frames); deterministic for a seed."""
    return [_make_clip(seed, i, tracked=True) for i in range(int(n))]


def blind5_clean_dataset(n: int, seed: int) -> list[Blind5Clip]:
    """The same clips as blind5_dataset(n, seed), drawn without the tracker."""
    return [_make_clip(seed, i, tracked=False) for i in range(int(n))]


# ----------------------------------------------------------------------------------------------- scoring


def _angle_error(pred, true):
    try:
        p = float(pred)
    except (TypeError, ValueError):
        return 180.0
    if not math.isfinite(p):
        return 180.0
    return abs((p - float(true) + 180.0) % 360.0 - 180.0)


def score(recognize, clips) -> dict:
    """Exact sequence match of said against performed labels, by kind and gesture, pointing error, confusions."""
    n = len(clips)
    ok_all, per_kind, per_gesture, errors = [], {}, {}, []
    confusion = Counter()
    for c in clips:
        said = list(recognize(c.landmarks) or [])
        said = sorted(said, key=lambda g: float(g.get("start", 0) if g.get("start") is not None else 0))
        said_labels = [str(g["label"]) for g in said]
        performed = [g[0] for g in c.gestures]
        ok = said_labels == performed
        ok_all.append(ok)
        per_kind.setdefault(c.kind, []).append(ok)
        if c.kind in ("tight", "margin") and len(performed) == 1:
            per_gesture.setdefault(performed[0], []).append(ok)
        if ok:
            for g, s in zip(c.gestures, said):
                if g[0] == "point":
                    errors.append(_angle_error(s.get("direction_deg"), g[3]))
        else:
            confusion[f"{'+'.join(performed)} -> {'+'.join(said_labels) if said_labels else 'none'}"] += 1
    errs = np.array(errors, float)
    return {
        "n": n,
        "accuracy": float(np.mean(ok_all)) if n else 0.0,
        "by_kind": {k: float(np.mean(per_kind[k])) for k in KINDS if k in per_kind},
        "by_gesture": {lab: float(np.mean(per_gesture[lab])) for lab in LABELS if lab in per_gesture},
        "pointing_error_deg": {
            "median": float(np.median(errs)) if len(errs) else None,
            "mean": float(errs.mean()) if len(errs) else None,
            "n": int(len(errs)),
        },
        "confusion": dict(sorted(confusion.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


# ----------------------------------------------------------------------------------------------- CLI


def main(argv=None):
    ap = argparse.ArgumentParser(description="Blind5 hand-gesture landmark clips (MediaPipe format, 30 fps).")
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=str, default=None, help="folder for clip_NNNN.npy and labels.json")
    ap.add_argument("--clean", action="store_true", help="write the clips without the tracker")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    clips = (blind5_clean_dataset if args.clean else blind5_dataset)(args.n, args.seed)
    secs = time.perf_counter() - t0
    rows = []
    for i, c in enumerate(clips):
        rows.append(
            {
                "file": f"clip_{i:04d}.npy",
                "kind": c.kind,
                "frames": int(len(c.landmarks)),
                "gestures": [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in c.gestures],
                "meta": c.meta,
            }
        )
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for row, c in zip(rows, clips):
            np.save(out / row["file"], c.landmarks)
        doc = {"generator": "blind5", "seed": args.seed, "n": args.n, "fps": FPS, "clean": bool(args.clean), "clips": rows}
        (out / "labels.json").write_text(json.dumps(doc, indent=1))
    kinds = Counter(c.kind for c in clips)
    labels = Counter(g[0] for c in clips for g in c.gestures)
    where = f" to {args.out}" if args.out else ""
    print(f"{len(clips)} clips{where} in {secs:.1f} s; kinds {dict(kinds)}; gestures {dict(labels)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
