"""Synthetic hand-landmark clips of people commanding a robot over video calls, phones and kiosk cameras.

Blind generator 16, made for held-out testing of gesture recognizers. This generator was written
without reading any other gesture generator or the code it is used to evaluate: the hand skeleton,
the motion model, the scenes and the tracker model below are its own.

What is modeled
---------------
* Scenes: laptop webcams, phones held in the other hand (the camera sways, trembles, tilts and jolts
  with the holding hand and reacts to the gesturing arm), smart displays with wide barrel-distorting
  lenses, and chest-height kiosk cameras; landscape and portrait frames; mirrored self-view streams;
  people 0.4-1.5 m away; camera roll, pitch, perspective; dim rooms with long exposures.
* People: children to large adults with their own palm and finger proportions, the left or the right
  gesturing hand, per-person joint limits (hypermobile fingers that bend backward, stiff hands that
  never close fully), personal speed, amplitude, sloppiness and tremor. Expressive talkers whose hands
  never rest (beats, counting on fingers, open-palm explaining, shrugs, circling, waving) and minimal
  people (wrist-only swipes of a few centimeters, finger-only points, a stop that is just the palm
  turning to the camera, a slow partial grab).
* Hand: an own forward-kinematic skeleton (planar finger chains with MCP, PIP and coupled DIP flexion,
  splay that converges when the fingers curl, palm cupping, a thumb with radial abduction, opposition
  and flexion) driven by 13 shape controls.
* Motion: noisy intentions (minimum-jerk keyframes with Ornstein-Uhlenbeck drift) passed through
  per-person second-order spring-damper systems for the arm, the wrist rotation and the fingers, plus
  physiological tremor.
* Gestures, several styles each: held, reach-and-hold and finger-only points (thumb tucked or out);
  arm sweeps, wrist flicks, index-finger swipes and double strokes; snatch, squeeze, reach and slow
  partial grabs; palm-up index or all-finger beckoning, palm-down scooping, whole-arm pulls; pushed,
  raised and merely turned stops.
* Unlabeled stretches: resting out of frame or on the desk, chin on hand, hovering, talking, face
  touching, scratching, adjusting glasses, drinking, waving, thumbs up, finger tapping, touching the
  kiosk screen, reaching for the keyboard, adjusting the laptop lid, leaving and re-entering the picture.
* Tracker: a MediaPipe-like two-stage tracker. A palm detector that only fires on hands that are open
  enough, big enough, not edge-on, inside the frame and not blurred; a landmark model that drops fast
  or leaving hands, regresses toward an average hand when unsure, confuses left and right (depth
  flipped), jitters more on small, fast and dim hands, jumps on re-detection and is smoothed with a
  one-euro filter (lag). Lost frames are written as NaN, zeros or repeats; frame-rate drops, stray
  duplicated frames and rare phantom hands are included.

Gesture intervals are half-open: (label, start, end, direction) covers frames start .. end - 1.
"""

import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np

LABELS = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
KINDS = ("tight", "margin", "pair", "recording")
FPS = 30.0
MIN_GESTURE_S = 0.5
MAX_GESTURE_S = 3.0

MAX_CLIP_S = 19.5
BAND = (-0.3, 1.3)
LOST_SHARE_RANGE = (0.08, 0.30)  # intended share of lost frames (NaN, zeros or repeats) over a dataset

_SALT = 0xB16
_BLOCK = ("tight",) * 6 + ("margin",) * 5 + ("pair",) * 5 + ("recording",) * 4
_SWIPES = ("swipe_left", "swipe_right", "swipe_up", "swipe_down")
_PAIRS = (("point", "swipe"), ("grab", "swipe"), ("point", "grab"), ("point", "come_here"))
_PALM_IDX = np.array([0, 1, 5, 9, 13, 17])
_TIPS = np.array([8, 12, 16, 20])

_UP = np.array([0.0, -1.0, 0.0])  # world frame: x right, y down (gravity), z away from the camera
_DOWN = -_UP
_TOWARD = np.array([0.0, 0.0, -1.0])  # toward the camera
_AWAY = -_TOWARD
_X = np.array([1.0, 0.0, 0.0])


@dataclass
class Blind16Clip:
    """One clip: (T, 21, 3) float32 landmarks, its gestures, its kind and descriptive metadata."""

    landmarks: np.ndarray
    gestures: tuple[tuple[str, int, int, float | None], ...]
    kind: str
    meta: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------
# small helpers


def _unit(v):
    v = np.asarray(v, float)
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)


def _rotate(v, axis, angle):
    """Rotate vector v about axis by angle (radians), Rodrigues' formula."""
    axis = _unit(axis)
    v = np.asarray(v, float)
    c, s = math.cos(angle), math.sin(angle)
    return v * c + np.cross(axis, v) * s + axis * float(np.dot(axis, v)) * (1.0 - c)


def _rotmats(rv):
    """(n, 3) rotation vectors to (n, 3, 3) matrices."""
    th = np.linalg.norm(rv, axis=1)
    k = rv / np.maximum(th, 1e-12)[:, None]
    n = len(rv)
    K = np.zeros((n, 3, 3))
    K[:, 0, 1], K[:, 0, 2] = -k[:, 2], k[:, 1]
    K[:, 1, 0], K[:, 1, 2] = k[:, 2], -k[:, 0]
    K[:, 2, 0], K[:, 2, 1] = -k[:, 1], k[:, 0]
    s = np.sin(th)[:, None, None]
    c = (1.0 - np.cos(th))[:, None, None]
    return np.eye(3)[None] + s * K + c * (K @ K)


def _euler(roll, pitch, yaw):
    cr, sr = math.cos(roll), math.sin(roll)
    cp, sp = math.cos(pitch), math.sin(pitch)
    cy, sy = math.cos(yaw), math.sin(yaw)
    rz = np.array([[cr, -sr, 0.0], [sr, cr, 0.0], [0.0, 0.0, 1.0]])
    rx = np.array([[1.0, 0.0, 0.0], [0.0, cp, -sp], [0.0, sp, cp]])
    ry = np.array([[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]])
    return rz @ rx @ ry


def _ar1(rng, n, shape, rho):
    """Unit-variance first-order autoregressive noise, (n, *shape)."""
    e = rng.standard_normal((n,) + tuple(shape))
    out = np.empty_like(e)
    a = math.sqrt(max(1.0 - rho * rho, 0.0))
    x = e[0]
    out[0] = x
    for t in range(1, n):
        x = rho * x + a * e[t]
        out[t] = x
    return out


def _choice(rng, names, weights):
    w = np.asarray(weights, float)
    return names[int(rng.choice(len(names), p=w / w.sum()))]


def _seed_word(seed):
    return int(seed) % (2**32)


def _runs(mask):
    """Start and end (exclusive) of each run of True in a boolean array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.diff(m.astype(np.int8))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


# ----------------------------------------------------------------------------------------------
# camera


@dataclass
class _Camera:
    device: str
    W: int
    H: int
    f: float
    cx: float
    cy: float
    k1: float
    mirrored: bool
    roll: float
    pitch: float
    R0: np.ndarray
    dist: float
    light: float
    exposure: float
    shake_rot: float  # radians, slow sway of a hand-held phone
    shake_pos: float  # meters
    shake_tau: float
    tremor_rot: float
    jolts: int
    coupling: float

    def unproject(self, u, v, z):
        """World point seen at normalized image position (u, v) at camera depth z (base pose, no lens)."""
        if self.mirrored:
            u = 1.0 - u
        pc = np.array([(u * self.W - self.cx) / self.f * z, (v * self.H - self.cy) / self.f * z, z])
        return self.R0.T @ pc

    def project0(self, p):
        pc = self.R0 @ np.asarray(p, float)
        z = max(pc[2], 0.03)
        u = (self.f * pc[0] / z + self.cx) / self.W
        v = (self.f * pc[1] / z + self.cy) / self.H
        if self.mirrored:
            u = 1.0 - u
        return u, v, z

    def half_extent(self, z):
        return z * self.W / (2.0 * self.f), z * self.H / (2.0 * self.f)


def _sample_camera(rng):
    device = _choice(rng, ["laptop", "phone", "smart_display", "kiosk"], [0.33, 0.30, 0.15, 0.22])
    shake = shake_pos = tremor = coupling = 0.0
    jolts = 0
    if device == "laptop":
        W, H = [(1280, 720), (1280, 720), (640, 480), (1920, 1080), (960, 540)][int(rng.integers(5))]
        fov, dist = rng.uniform(62, 80), rng.uniform(0.45, 0.9)
        roll, pitch = rng.normal(0, 1.5), rng.uniform(-4, 12)
        mirrored, k1 = rng.random() < 0.25, rng.uniform(-0.08, 0.0)
        jolts = int(rng.random() < 0.12)  # someone nudges the lid
    elif device == "phone":
        if rng.random() < 0.75:
            W, H = [(720, 1280), (1080, 1920), (480, 640), (1080, 1440)][int(rng.integers(4))]
        else:
            W, H = [(1280, 720), (1920, 1080), (640, 480)][int(rng.integers(3))]
        fov, dist = rng.uniform(68, 84), rng.uniform(0.45, 0.75)
        roll, pitch = float(np.clip(rng.normal(0, 5), -12, 12)), rng.normal(0, 7)
        mirrored, k1 = rng.random() < 0.5, rng.uniform(-0.1, 0.0)
        shake = math.radians(rng.uniform(0.2, 0.9))
        shake_pos = rng.uniform(0.001, 0.004)
        tremor = math.radians(rng.uniform(0.01, 0.05))
        jolts = int(rng.poisson(0.5))
        coupling = rng.uniform(0.0, 0.04)
    elif device == "smart_display":
        W, H = [(1280, 720), (1920, 1080), (1280, 800)][int(rng.integers(3))]
        fov, dist = rng.uniform(85, 110), rng.uniform(0.8, 1.5)
        roll, pitch = rng.normal(0, 1.0), rng.uniform(-8, 8)
        mirrored, k1 = rng.random() < 0.3, rng.uniform(-0.25, -0.08)
    else:
        if rng.random() < 0.4:
            W, H = [(1080, 1920), (720, 1280)][int(rng.integers(2))]
        else:
            W, H = [(1280, 720), (1920, 1080)][int(rng.integers(2))]
        fov, dist = rng.uniform(62, 92), 0.45 + 1.05 * rng.beta(1.5, 2.5)
        roll, pitch = rng.normal(0, 0.8), rng.normal(0, 3)
        mirrored, k1 = rng.random() < 0.15, rng.uniform(-0.15, 0.0)
    f = (max(W, H) / 2.0) / math.tan(math.radians(fov) / 2.0)
    light = rng.uniform(0.08, 0.4) if rng.random() < 0.28 else rng.uniform(0.5, 1.0)
    roll_r, pitch_r = math.radians(roll), math.radians(pitch)
    return _Camera(
        device=device,
        W=int(W),
        H=int(H),
        f=float(f),
        cx=W / 2.0 + rng.normal(0, 0.01 * W),
        cy=H / 2.0 + rng.normal(0, 0.01 * H),
        k1=float(k1),
        mirrored=bool(mirrored),
        roll=roll_r,
        pitch=pitch_r,
        R0=_euler(roll_r, pitch_r, math.radians(rng.normal(0, 2))),
        dist=float(dist),
        light=float(light),
        exposure=float(1.0 + 2.0 * (1.0 - light) ** 2),
        shake_rot=float(shake),
        shake_pos=float(shake_pos),
        shake_tau=float(rng.uniform(0.6, 2.0)),
        tremor_rot=float(tremor),
        jolts=jolts,
        coupling=float(coupling),
    )


# ----------------------------------------------------------------------------------------------
# hand skeleton


@dataclass
class _Hand:
    L: float
    mcp_pos: np.ndarray  # (4, 3) local (distal u, radial r, palmar p), meters
    seg: np.ndarray  # (4, 3) proximal, middle, distal phalanx lengths
    splay0: np.ndarray
    splay_gain: np.ndarray
    th_cmc: np.ndarray
    th_seg: np.ndarray
    mcp_lo: float
    mcp_hi: float
    pip_lo: float
    pip_hi: float
    dip_k: float
    dip_lo: float
    dip_hi: float
    th_ip_hyper: float
    th_flex_hi: float


def _make_hand(rng, L, hyper, stiff, child):
    palm = L * rng.normal(0.5, 0.015)
    span = L * rng.normal(0.27, 0.016) * (1.04 if child else 1.0)  # index MCP to pinky MCP
    finger = L - palm
    rel = np.array([rng.normal(0.9, 0.025), 1.0, rng.normal(0.94, 0.025), rng.normal(0.75, 0.03)])
    ratio = np.array([0.46, 0.30, 0.24]) + rng.normal(0, 0.012, 3)
    ratio /= ratio.sum()
    seg = finger * rel[:, None] * ratio[None, :]
    mcp = np.stack(
        [
            palm * np.array([0.965, 1.0, 0.955, 0.87]) * (1 + rng.normal(0, 0.01, 4)),
            span * np.array([0.5, 0.17, -0.16, -0.5]),
            L * np.array([0.0, 0.0, 0.01, 0.02]),
        ],
        axis=1,
    )
    return _Hand(
        L=float(L),
        mcp_pos=mcp,
        seg=seg,
        splay0=np.radians([7.0, 0.0, -6.0, -13.0]) + rng.normal(0, 0.03, 4),
        splay_gain=np.radians([12.0, 3.0, -7.0, -16.0]) * rng.uniform(0.7, 1.3),
        th_cmc=L * np.array([0.12, 0.13, 0.035]) * (1 + rng.normal(0, 0.06, 3)),
        th_seg=L * np.array([0.21, 0.16, 0.13]) * rng.normal(1.0, 0.04),
        mcp_lo=-(0.12 + 0.55 * hyper),
        mcp_hi=1.55 - 0.5 * stiff,
        pip_lo=-(0.02 + 0.3 * hyper * hyper),
        pip_hi=1.85 - 0.6 * stiff,
        dip_k=float(rng.normal(0.64, 0.06)),
        dip_lo=-(0.05 + 0.3 * hyper),
        dip_hi=1.3 - 0.35 * stiff,
        th_ip_hyper=-(0.05 + 0.5 * hyper) * rng.uniform(0.5, 1.0),
        th_flex_hi=1.1 - 0.3 * stiff,
    )


def _fk_local(h, q):
    """Landmarks (T, 21, 3) in the local hand frame (u distal, r radial, p palmar), meters."""
    T = len(q)
    mcp = np.clip(q[:, 0:4], h.mcp_lo, h.mcp_hi)
    pip = np.clip(q[:, 4:8], h.pip_lo, h.pip_hi)
    dip = np.clip(h.dip_k * pip, h.dip_lo, h.dip_hi)
    spread = q[:, 8:9]
    opp = np.clip(q[:, 9], -0.2, 1.1)
    tfl = np.clip(q[:, 10], -0.2, h.th_flex_hi)
    cup = np.clip(q[:, 11], 0.0, 1.0)
    tab = np.clip(q[:, 12], -0.2, 1.1)
    out = np.zeros((T, 21, 3))
    flexfrac = np.clip(mcp / 1.4, 0.0, 1.0)
    splay = (h.splay0[None, :] + spread * h.splay_gain[None, :]) * (1.0 - 0.6 * flexfrac)
    base = np.repeat(h.mcp_pos[None], T, axis=0)
    base[:, 2, 2] += cup * 0.02 * h.L
    base[:, 3, 2] += cup * 0.05 * h.L
    base[:, 2, 1] += cup * 0.01 * h.L
    base[:, 3, 1] += cup * 0.025 * h.L
    zero = np.zeros_like(splay)
    d = np.stack([np.cos(splay), np.sin(splay), zero], axis=-1)
    tilt = cup[:, None] * np.array([0.0, 0.0, 0.2, 0.4])[None, :]
    b = np.stack([zero, tilt, np.ones_like(splay)], axis=-1)
    b = _unit(b - np.sum(b * d, axis=-1, keepdims=True) * d)
    angles = np.stack([mcp, mcp + pip, mcp + pip + dip], axis=-1)  # (T, 4, 3)
    p = base
    for j in range(3):
        a = angles[:, :, j][..., None]
        p = p + h.seg[None, :, j, None] * (d * np.cos(a) + b * np.sin(a))
        out[:, 6 + j :: 4, :][:, :4] = p
    out[:, 5::4, :][:, :4] = base
    # thumb
    az = np.radians(28.0 + 42.0 * tab - 35.0 * opp)
    el = np.radians(12.0 + 50.0 * np.clip(opp, 0.0, 1.1) + 8.0 * tab)
    dt = np.stack([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)], axis=-1)
    oc = np.clip(opp, 0.0, 1.0)
    bt = np.stack([np.zeros(T), -np.ones(T), 0.4 - 0.9 * oc], axis=-1)  # toward the palm, then back over the fingers
    bt = _unit(bt - np.sum(bt * dt, axis=-1, keepdims=True) * dt)
    ipx = h.th_ip_hyper * (1.0 - np.clip(tfl * 3.0, 0.0, 1.0))
    b1 = 0.25 * tfl
    b2 = b1 + 0.85 * tfl
    b3 = b2 + 1.1 * tfl + ipx
    p = np.repeat(h.th_cmc[None], T, axis=0)
    out[:, 1] = p
    for j, ang in enumerate((b1, b2, b3)):
        a = ang[:, None]
        p = p + h.th_seg[j] * (dt * np.cos(a) + bt * np.sin(a))
        out[:, 2 + j] = p
    return out


# ----------------------------------------------------------------------------------------------
# people


@dataclass
class _Person:
    age: str
    hand: _Hand
    side: str
    side_x: float  # world x sign of the gesturing shoulder
    chir: float  # +1 right hand, -1 left hand
    hyper: float
    stiff: float
    style: str
    amp: float
    expr: float
    speed: float
    slop: float
    w_pos: float
    z_pos: float
    w_rot: float
    z_rot: float
    w_shp: float
    z_shp: float
    drift_pos: float
    drift_rot: float
    drift_shp: float
    drift_tau: float
    tremor_m: float
    tremor_hz: float
    point_thumb: str
    count_thumb_first: bool
    beckon: str
    rest: str
    ext_mcp: float
    ext_pip: float
    vmax: float
    bs: float
    chest: np.ndarray
    shoulder: np.ndarray
    home: np.ndarray  # hand center in gesture space, world
    face: np.ndarray


def _sample_person(rng, C):
    age = _choice(rng, ["child", "teen", "adult", "older"], [0.12, 0.1, 0.65, 0.13])
    if age == "child":
        L = rng.uniform(0.115, 0.15)
    elif age == "teen":
        L = rng.uniform(0.15, 0.185)
    else:
        L = rng.normal(0.189, 0.009) if rng.random() < 0.5 else rng.normal(0.172, 0.009)
    L = float(np.clip(L, 0.11, 0.215))
    hyper = rng.beta(1.3, 6.0) + (0.15 if age == "child" else 0.0)
    if rng.random() < 0.1:
        hyper = rng.uniform(0.6, 1.0)
    hyper = float(np.clip(hyper, 0.0, 1.0))
    stiff = float(rng.uniform(0.2, 0.85) if age == "older" else rng.beta(1.0, 9.0))
    style = _choice(rng, ["expressive", "moderate", "minimal"], [0.34, 0.33, 0.33])
    amp = {"expressive": rng.uniform(0.85, 1.35), "moderate": rng.uniform(0.6, 1.0), "minimal": rng.uniform(0.3, 0.6)}[style]
    expr = {"expressive": rng.uniform(0.65, 1.0), "moderate": rng.uniform(0.2, 0.6), "minimal": rng.uniform(0.0, 0.2)}[style]
    speed = float(np.clip(np.exp(rng.normal(0, 0.2)) * {"older": 0.85, "child": 1.1}.get(age, 1.0), 0.65, 1.45))
    slop = float(rng.random() ** 1.3)
    left = rng.random() < (0.45 if C.device == "phone" else 0.12)
    if C.device == "laptop":
        rest = _choice(rng, ["below", "desk", "chin"], [0.5, 0.3, 0.2])
    elif C.device == "phone":
        rest = _choice(rng, ["below", "chest"], [0.6, 0.4])
    elif C.device == "smart_display":
        rest = _choice(rng, ["below", "desk", "chest"], [0.4, 0.35, 0.25])
    else:
        rest = _choice(rng, ["side", "chest"], [0.55, 0.45])
    main_beckon = _choice(rng, ["palm_up_index", "palm_up_all", "palm_down", "arm"], [0.32, 0.3, 0.28, 0.1])
    side_x = 1.0 if left else -1.0
    bs = float(np.clip(L / 0.18, 0.65, 1.15))
    chest = C.unproject(0.5 + rng.normal(0, 0.06), rng.uniform(0.5, 0.8) if C.device == "laptop" else rng.uniform(0.45, 0.75), C.dist)
    shoulder = chest + side_x * 0.17 * bs * _X + _UP * 0.12 * bs
    reach = rng.uniform(0.12, 0.32)
    home = shoulder - side_x * rng.uniform(0.04, 0.16) * _X + _DOWN * rng.uniform(0.0, 0.15) + _TOWARD * reach
    u, v, z = C.project0(home)
    z = max(z, (0.35 if C.device == "phone" else 0.26) + 0.35 * L)
    hw, hh = C.half_extent(z)
    mu, mv = min(0.5 * L / (2 * hw) + 0.05, 0.5), min(0.5 * L / (2 * hh) + 0.05, 0.5)
    u = float(np.clip(u, max(0.25, mu), min(0.75, 1 - mu)))
    v = float(np.clip(v, max(0.24, mv), min(0.72, 1 - mv)))
    home = C.unproject(u, v, z)
    face = chest + _UP * 0.3 * bs + _TOWARD * 0.08
    hand = _make_hand(rng, L, hyper, stiff, age == "child")
    return _Person(
        age=age,
        hand=hand,
        side="left" if left else "right",
        side_x=side_x,
        chir=-1.0 if left else 1.0,
        hyper=hyper,
        stiff=stiff,
        style=style,
        amp=float(amp),
        expr=float(expr),
        speed=speed,
        slop=slop,
        w_pos=float(rng.uniform(11, 18) * math.sqrt(speed)),
        z_pos=float(rng.uniform(0.65, 1.0)),
        w_rot=float(rng.uniform(13, 22) * math.sqrt(speed)),
        z_rot=float(rng.uniform(0.6, 0.95)),
        w_shp=float(rng.uniform(16, 28) * math.sqrt(speed)),
        z_shp=float(rng.uniform(0.6, 0.9)),
        drift_pos=float(rng.uniform(0.0015, 0.005) * (0.5 + slop)),
        drift_rot=float(rng.uniform(0.015, 0.05) * (0.5 + slop)),
        drift_shp=float(rng.uniform(0.02, 0.06) * (0.5 + slop)),
        drift_tau=float(rng.uniform(0.6, 1.5)),
        tremor_m=float(rng.uniform(0.0004, 0.0015) if age == "older" else rng.uniform(0.0001, 0.0005)),
        tremor_hz=float(rng.uniform(5.0, 8.0) if age == "older" else rng.uniform(8.0, 11.5)),
        point_thumb="gun" if rng.random() < 0.3 else "tucked",
        count_thumb_first=bool(rng.random() < 0.5),
        beckon=main_beckon,
        rest=rest,
        ext_mcp=float(-(0.45 * hyper) * rng.uniform(0.5, 1.0) + rng.uniform(0.0, 0.12) * (1.0 - hyper)),
        ext_pip=float(-(0.3 * hyper * hyper) * rng.uniform(0.5, 1.0) + rng.uniform(0.0, 0.1) * (1.0 - hyper)),
        vmax=float(rng.uniform(1.2, 2.2) * speed),
        bs=bs,
        chest=chest,
        shoulder=shoulder,
        home=home,
        face=face,
    )


_SHAPES = {
    # name: (MCP x4, PIP x4, spread, opposition, thumb flexion, cup, thumb radial abduction)
    "relaxed": ([0.35, 0.45, 0.55, 0.62], [0.45, 0.55, 0.65, 0.72], 0.25, 0.3, 0.25, 0.2, 0.2),
    "loose_open": ([0.12, 0.15, 0.2, 0.25], [0.15, 0.2, 0.25, 0.3], 0.4, 0.1, 0.1, 0.05, 0.3),
    "explain": ([0.1, 0.15, 0.22, 0.3], [0.2, 0.25, 0.3, 0.35], 0.5, 0.05, 0.1, 0.1, 0.45),
    "fist": ([1.5] * 4, [1.75] * 4, 0.0, 0.85, 0.6, 0.7, 0.0),
    "fist_side": ([1.5] * 4, [1.7] * 4, 0.0, 0.2, 0.35, 0.6, 0.0),
    "point": ([0.05, 1.45, 1.5, 1.5], [0.05, 1.6, 1.65, 1.65], 0.05, 0.8, 0.5, 0.5, 0.0),
    "point_gun": ([0.05, 1.45, 1.5, 1.5], [0.05, 1.6, 1.65, 1.65], 0.1, 0.0, 0.0, 0.5, 1.0),
    "point_loose": ([0.12, 0.95, 1.05, 1.15], [0.12, 1.1, 1.2, 1.25], 0.1, 0.55, 0.35, 0.35, 0.1),
    "point_soft": ([0.18, 0.8, 0.9, 1.0], [0.2, 0.95, 1.05, 1.1], 0.15, 0.4, 0.3, 0.3, 0.15),
    "hook": ([0.5, 1.45, 1.5, 1.5], [1.5, 1.6, 1.65, 1.65], 0.05, 0.8, 0.5, 0.5, 0.0),
    "curl_all": ([1.0] * 4, [1.25] * 4, 0.1, 0.3, 0.3, 0.3, 0.2),
    "scoop": ([1.2, 1.2, 1.2, 1.2], [0.5, 0.55, 0.6, 0.65], 0.1, 0.2, 0.2, 0.2, 0.2),
    "pinch": ([0.7, 0.55, 0.6, 0.7], [0.55, 0.6, 0.7, 0.8], 0.15, 0.95, 0.35, 0.2, 0.0),
    "cyl": ([0.8, 0.85, 0.9, 0.95], [0.95, 1.0, 1.05, 1.1], 0.05, 0.7, 0.2, 0.35, 0.2),
    "thumbs_up": ([1.5] * 4, [1.75] * 4, 0.0, 0.0, 0.0, 0.6, 0.4),
    "claw": ([0.4, 0.45, 0.5, 0.55], [1.1, 1.15, 1.2, 1.2], 0.3, 0.3, 0.4, 0.2, 0.2),
    "ok": ([0.75, 0.1, 0.05, 0.05], [0.7, 0.1, 0.1, 0.1], 0.4, 0.9, 0.35, 0.1, 0.0),
}
_OPEN_NAMES = {"open": (0.45, 0.0, 0.05, 0.0, 0.35), "spread": (1.0, 0.0, 0.0, 0.0, 0.8), "flat": (-0.1, 0.0, 0.05, 0.0, 0.1)}


def _shape(name, P, rng, noise=1.0):
    """Target shape vector (13,) for a named hand shape, personalized and a little sloppy."""
    q = np.zeros(13)
    if name in _OPEN_NAMES:
        sp, opp, tfl, cup, tab = _OPEN_NAMES[name]
        q[0:4] = P.ext_mcp * (0.5 if name == "flat" else 1.0)
        q[4:8] = P.ext_pip
        q[8:13] = sp, opp, tfl, cup, tab
    elif name.startswith("count"):
        k = int(name[-1])
        order = [4, 0, 1, 2, 3] if P.count_thumb_first else [0, 1, 2, 3, 4]
        shown = set(order[:k])
        for i in range(4):
            q[i], q[4 + i] = (P.ext_mcp, P.ext_pip) if i in shown else (1.4, 1.6)
        q[8] = 0.35
        q[9:13] = (0.0, 0.0, 0.2, 0.8) if 4 in shown else (0.85, 0.6, 0.5, 0.0)
    else:
        mcp, pip, sp, opp, tfl, cup, tab = _SHAPES[name]
        q[0:4], q[4:8] = mcp, pip
        q[8:13] = sp, opp, tfl, cup, tab
        if name.startswith("point"):
            q[0] = min(q[0], q[0] * 0.5 + P.ext_mcp * 0.5 + 0.05)
            q[4] = min(q[4], max(P.ext_pip, 0.0) + 0.05)
    s = noise * (0.4 + P.slop)
    q[0:8] += rng.normal(0, 0.06 * s, 8)
    q[8] += rng.normal(0, 0.1 * s)
    q[9:13] += rng.normal(0, 0.05 * s, 4)
    return q


def _blend(a, b, k):
    return a + (b - a) * k


# ----------------------------------------------------------------------------------------------
# intentions: keyframes rendered with minimum-jerk transitions


class _Timeline:
    def __init__(self, pos, fwd, nrm, shp):
        self.init = {"pos": np.array(pos, float), "fwd": np.array(fwd, float), "nrm": np.array(nrm, float), "shp": np.array(shp, float)}
        self.segs = {k: [] for k in self.init}
        self.last = {k: v.copy() for k, v in self.init.items()}

    def set(self, t0, dur, bump=None, **targets):
        for key, value in targets.items():
            if value is None:
                continue
            v = np.array(value, float)
            b = None if (bump is None or key != "pos") else np.array(bump, float)
            self.segs[key].append((float(t0), max(float(dur), 1.0 / FPS), v, b))
            self.last[key] = v
        return t0 + dur

    def render(self, n):
        t = np.arange(n) / FPS
        out = {}
        for key, v0 in self.init.items():
            val = np.repeat(v0[None, :], n, axis=0)
            for t0, dur, tgt, bump in sorted(self.segs[key], key=lambda s: s[0]):
                i0 = max(0, int(math.ceil(t0 * FPS - 1e-9)))
                if i0 >= n:
                    continue
                start = val[i0].copy()
                s = np.clip((t[i0:] - t0) / dur, 0.0, 1.0)
                m = s * s * s * (10.0 - 15.0 * s + 6.0 * s * s)
                val[i0:] = start + (tgt - start) * m[:, None]
                if bump is not None:
                    val[i0:] += bump[None, :] * np.sin(np.pi * s)[:, None]
            out[key] = val
        return out


# ----------------------------------------------------------------------------------------------
# authoring context


class _Ctx:
    def __init__(self, rng, P, C):
        self.rng, self.P, self.C = rng, P, C
        self.medial = np.array([-P.side_x, 0.0, 0.0])
        self.notes = []
        self.zmin = 0.2 + 0.3 * P.hand.L
        f, n = self.fn("rest_desk", 4)
        self.tl = _Timeline(self.wrist(self.rest_center(), f), f, n, _shape("relaxed", P, rng))

    # -- basic quantities
    def d(self, a, b):
        return float(self.rng.uniform(a, b) / self.P.speed)

    def u(self, a, b):
        return float(self.rng.uniform(a, b))

    def wrist(self, center, f):
        return np.asarray(center, float) - 0.42 * self.P.hand.L * _unit(f)

    def center_now(self):
        return self.tl.last["pos"] + 0.42 * self.P.hand.L * _unit(self.tl.last["fwd"])

    def view(self, p, lo=0.15, hi=0.85, zmin=None, fit=True):
        """Move a world point along the image plane so that it is seen inside [lo, hi]^2.

        With fit, the band also shrinks so that a hand centered there mostly stays in the picture.
        """
        C = self.C
        u, v, z = C.project0(p)
        z = max(z, self.zmin if zmin is None else zmin)
        mu = mv = 0.0
        if fit:
            hw, hh = C.half_extent(z)
            mu = min(0.45 * self.P.hand.L / (2 * hw), 0.42)
            mv = min(0.45 * self.P.hand.L / (2 * hh), 0.42)
        u = float(np.clip(u, max(lo, mu), min(hi, 1 - mu)))
        v = float(np.clip(v, max(lo, mv), min(hi, 1 - mv)))
        return C.unproject(u, v, z)

    def spot(self, jitter=0.04, lo=0.18, hi=0.82):
        j = self.rng.normal(0, jitter, 3) * np.array([1.0, 1.0, 0.5]) * max(self.P.amp, 0.5)
        return self.view(self.P.home + j, lo, hi)

    def shape(self, name, noise=1.0):
        return _shape(name, self.P, self.rng, noise)

    def fn(self, name, noise_deg=8.0):
        M = self.medial
        table = {
            "palm_cam": (_UP + 0.25 * _TOWARD + 0.12 * M, _TOWARD),
            "palm_down": (0.9 * _TOWARD + 0.45 * M + 0.1 * _UP, _DOWN),
            "palm_up": (0.85 * _TOWARD + 0.45 * M + 0.15 * _UP, _UP),
            "palm_medial": (0.8 * _TOWARD + 0.3 * M + 0.3 * _UP, M),
            "palm_self": (_UP + 0.3 * _TOWARD, _AWAY),
            "rest_desk": (0.7 * _TOWARD + 0.7 * M, _DOWN),
            "rest_side": (_DOWN + 0.2 * _TOWARD, M),
            "edge": (0.9 * _UP + 0.2 * _TOWARD, M),
            "palm_lateral": (_UP + 0.1 * _TOWARD, -M),
            "up_medial": (_UP + 0.2 * _TOWARD, M + 0.3 * _AWAY),
        }
        f, n = table[name]
        return self.jitter_fn(f, n, noise_deg)

    def jitter_fn(self, f, n, noise_deg=8.0):
        f = _unit(f)
        n = _unit(np.asarray(n, float) - np.dot(n, f) * f)
        ang = math.radians(self.rng.normal(0, noise_deg * (0.5 + self.P.slop)))
        axis = _unit(self.rng.normal(size=3))
        return _rotate(f, axis, ang), _rotate(n, axis, ang)

    # -- authoring
    def orient(self, t, dur, f, n):
        lf, ln = self.tl.last["fwd"], self.tl.last["nrm"]
        f, n = _unit(f), _unit(n)
        if np.dot(ln, n) < -0.2 or np.dot(lf, f) < -0.2:
            mf = lf + f
            mf = _unit(mf) if np.linalg.norm(mf) > 0.3 else _unit(np.cross(ln, lf) + 0.5 * _UP)
            mn = ln + n
            if np.linalg.norm(mn) > 0.3:
                mn = _unit(mn)
            else:
                mn = _unit(np.cross(mf, ln))
                if np.dot(mn, self.medial) < 0:
                    mn = -mn
            self.tl.set(t, dur * 0.5, fwd=mf, nrm=mn)
            self.tl.set(t + dur * 0.5, dur * 0.5, fwd=f, nrm=n)
        else:
            self.tl.set(t, dur, fwd=f, nrm=n)

    def pose(self, t, dur, center=None, fn=None, shape=None, odur=None, sdur=None, sdelay=0.0, bump=None, wrist_f=None):
        """Author a movement; wrist_f, if given, places the wrist (the hand then rotates about the wrist)."""
        f = wrist_f if wrist_f is not None else (fn[0] if fn is not None else self.tl.last["fwd"])
        if center is not None:
            target = self.wrist(center, f)
            # a real arm has a top speed: min-jerk peak speed is 1.875 D / T
            dist = float(np.linalg.norm(target - self.tl.last["pos"]))
            dur = max(dur, 1.875 * dist / self.P.vmax)
            self.tl.set(t, dur, pos=target, bump=bump)
        if fn is not None:
            self.orient(t, odur or dur, fn[0], fn[1])
        if shape is not None:
            self.tl.set(t + sdelay, sdur or dur, shp=shape)
        return t + dur

    def prep(self, t, center, fn, shape, scale=1.0, wrist_f=None):
        """Unlabeled transport of the hand to a starting configuration; returns the arrival time."""
        dist = float(np.linalg.norm(self.wrist(center, fn[0]) - self.tl.last["pos"]))
        dur = float(np.clip(0.22 + 1.1 * dist, 0.22, 1.0)) / self.P.speed * self.u(0.85, 1.15) * scale
        return self.pose(t, dur, center, fn, shape, odur=dur * 0.9, sdur=dur * 0.8, sdelay=dur * 0.2, wrist_f=wrist_f)

    def reset(self, center, fn, shape):
        """Start the clip with the hand already in this configuration."""
        for key, value in (("pos", self.wrist(center, fn[0])), ("fwd", fn[0]), ("nrm", fn[1]), ("shp", shape)):
            self.tl.init[key] = np.array(value, float)
            self.tl.last[key] = np.array(value, float)

    # -- body places
    def away(self, where="low"):
        """Body-based places where the hand often leaves the picture (in frame or not, as the camera sees it)."""
        P, C = self.P, self.C
        lateral = P.side_x * _X
        if where == "low":
            if C.device == "laptop":  # hands on the keyboard, just below the lens
                p = np.array([P.home[0] + self.rng.normal(0, 0.05), self.u(0.16, 0.28), self.u(0.25, 0.42)])
                return p
            if C.device == "smart_display":  # the kitchen counter
                return P.chest + _DOWN * self.u(0.28, 0.4) * P.bs + _TOWARD * self.u(0.15, 0.3) + lateral * self.u(0.0, 0.1)
            return P.chest + _DOWN * self.u(0.32, 0.48) * P.bs + _TOWARD * self.u(0.05, 0.15) + lateral * self.u(0.05, 0.15)
        if where == "side":
            return P.shoulder + lateral * self.u(0.3, 0.5) + _DOWN * self.u(0.05, 0.3) + _TOWARD * self.u(0.0, 0.15)
        return P.face + _UP * self.u(0.12, 0.22) + lateral * self.u(0.0, 0.08)

    def rest_center(self):
        P, C = self.P, self.C
        if P.rest == "below":
            return self.away("low")
        if P.rest == "side":
            return P.shoulder + P.side_x * 0.05 * _X + _DOWN * 0.58 * P.bs
        if P.rest == "desk":
            z = max(C.dist - self.u(0.1, 0.25), self.zmin)
            u, _, _ = C.project0(P.home)
            return C.unproject(float(np.clip(u + self.rng.normal(0, 0.05), 0.15, 0.85)), self.u(0.84, 0.97), z)
        if P.rest == "chin":
            return self.view(P.face + _DOWN * 0.1 + _TOWARD * 0.05 - P.side_x * 0.02 * _X, 0.1, 0.9, fit=False)
        return self.view(P.chest + _DOWN * 0.14 + _TOWARD * 0.1, 0.1, 0.95, fit=False)

    def rest_fn(self):
        rest = self.P.rest
        if rest in ("below", "desk"):
            return self.fn("rest_desk", 8)
        if rest == "side":
            return self.fn("rest_side", 8)
        if rest == "chin":
            return self.fn("up_medial", 8)
        return self.fn("palm_medial", 12)


# ----------------------------------------------------------------------------------------------
# unlabeled behavior


def _i_rest(ctx, t, dur):
    P = ctx.P
    center = ctx.rest_center()
    fn = ctx.rest_fn()
    shape = ctx.shape("fist_side" if P.rest == "chin" else "relaxed")
    travel = min(ctx.d(0.4, 0.8), dur)
    ctx.pose(t, travel, center, fn, shape, odur=travel, sdur=travel * 0.7)
    tt = t + travel
    while t + dur - tt > 1.2 and ctx.rng.random() < 0.6:  # small shifts while resting
        tt += ctx.u(0.5, 1.5)
        if tt + 0.5 > t + dur:
            break
        ctx.pose(tt, ctx.d(0.3, 0.6), center + ctx.rng.normal(0, 0.012, 3), shape=ctx.shape("relaxed"))
    return t + dur


def _i_hover(ctx, t, dur):
    center = ctx.spot(0.05) + _DOWN * ctx.u(0.0, 0.06)
    fn = ctx.fn(_choice(ctx.rng, ["palm_medial", "palm_down", "rest_desk", "up_medial"], [0.4, 0.25, 0.2, 0.15]), 12)
    travel = min(ctx.d(0.3, 0.7), dur)
    ctx.pose(t, travel, ctx.view(center), fn, ctx.shape(_choice(ctx.rng, ["relaxed", "loose_open", "fist_side"], [0.6, 0.25, 0.15])))
    return t + dur


def _i_tap(ctx, t, dur):
    """Finger tapping or thumb rubbing while the hand rests or hovers."""
    end = t + dur
    t = _i_rest(ctx, t, min(dur, ctx.d(0.4, 0.8))) if ctx.P.rest in ("desk", "chest", "chin") else _i_hover(ctx, t, min(dur, 0.7))
    base = ctx.shape("relaxed")
    rate = ctx.u(3.0, 6.0)
    alt = base.copy()
    which = int(ctx.rng.integers(0, 3))
    if which == 0:
        alt[0] -= 0.35
    elif which == 1:
        alt[[0, 1, 2, 3]] -= np.array([0.3, 0.0, 0.3, 0.0])
    else:
        alt[9:11] += np.array([0.4, 0.3])
    k = 0
    while t + 1.0 / rate < end - 0.1:
        ctx.tl.set(t, 0.5 / rate, shp=alt if k % 2 == 0 else base)
        t += 0.5 / rate * ctx.u(0.9, 1.3)
        k += 1
        if k > 40:
            break
    ctx.tl.set(t, 0.15, shp=base)
    return end


def _beats(ctx, t, end):
    n = int(ctx.rng.integers(2, 7))
    for _ in range(n):
        down, up = ctx.d(0.08, 0.14), ctx.d(0.15, 0.3)
        if t + down + up > end:
            break
        c = ctx.center_now()
        dd = ctx.u(0.012, 0.04) * ctx.P.amp
        ctx.pose(t, down, c + _DOWN * dd + ctx.rng.normal(0, 0.004, 3))
        ctx.pose(t + down, up, c + ctx.rng.normal(0, 0.006, 3))
        t += down + up + ctx.u(0.0, 0.25)
    return min(t, end)


def _i_talk(ctx, t, dur):
    """Speech-accompanying gesticulation: beats, offering palms, circling, counting, shrugging."""
    rng, P = ctx.rng, ctx.P
    end = t + dur
    center = ctx.spot(0.05) + _DOWN * ctx.u(0.0, 0.05)
    fn = ctx.fn(_choice(rng, ["palm_medial", "palm_up", "palm_down", "palm_cam"], [0.45, 0.25, 0.2, 0.1]), 12)
    shape = ctx.shape(_choice(rng, ["relaxed", "explain", "pinch", "loose_open"], [0.35, 0.3, 0.15, 0.2]))
    t = min(ctx.prep(t, ctx.view(center), fn, shape), end)
    guard = 0
    while end - t > 0.4 and guard < 30:
        guard += 1
        r = rng.random()
        left = end - t
        if r < 0.38:
            t = _beats(ctx, t, end)
        elif r < 0.56 and left > 1.0:
            out = ctx.center_now() - ctx.medial * ctx.u(0.03, 0.1) * P.amp + _TOWARD * ctx.u(0.02, 0.07) + _UP * 0.02
            go = ctx.d(0.25, 0.45)
            ctx.pose(t, go, ctx.view(out), ctx.fn("palm_up", 10), ctx.shape("explain"))
            hold = min(ctx.d(0.2, 0.7), left - go - 0.3)
            back = ctx.d(0.25, 0.45)
            ctx.pose(t + go + max(hold, 0.0), back, ctx.view(center), fn, ctx.shape("relaxed"))
            t = min(t + go + max(hold, 0.0) + back, end)
        elif r < 0.68 and left > 1.0:
            rad = ctx.u(0.02, 0.05) * P.amp
            hz = ctx.u(1.2, 2.2)
            turns = 1 if left < 1.6 else int(rng.integers(1, 3))
            steps = 8 * turns
            step = 1.0 / (8 * hz)
            c0 = ctx.center_now()
            sgn = 1.0 if rng.random() < 0.5 else -1.0
            for k in range(1, steps + 1):
                a = sgn * 2 * math.pi * k / 8
                p = c0 + rad * (math.cos(a) - 1) * ctx.medial * -1 + rad * math.sin(a) * _UP + 0.3 * rad * math.sin(a) * _TOWARD
                if t + step > end:
                    break
                ctx.pose(t, step * 2.0, p)
                t += step
        elif r < 0.8 and left > 1.2:
            counts = int(rng.integers(2, 5))
            cfn = ctx.fn(_choice(rng, ["palm_self", "palm_cam", "palm_medial"], [0.45, 0.3, 0.25]), 10)
            c = ctx.view(ctx.center_now() + _UP * 0.04)
            ctx.pose(t, ctx.d(0.25, 0.4), c, cfn)
            t += 0.2
            for k in range(1, counts + 1):
                step = ctx.d(0.3, 0.55)
                if t + step > end:
                    break
                ctx.pose(t, step * 0.5, shape=ctx.shape(f"count{k}"))
                t += step
        elif r < 0.88 and left > 0.9:
            up = ctx.center_now() - ctx.medial * ctx.u(0.04, 0.1) * P.amp + _UP * ctx.u(0.03, 0.08)
            go = ctx.d(0.2, 0.35)
            ctx.pose(t, go, ctx.view(up), ctx.fn("palm_up", 12), ctx.shape("spread"))
            back = ctx.d(0.3, 0.5)
            ctx.pose(t + go + ctx.u(0.1, 0.3), back, ctx.view(center), fn, ctx.shape("relaxed"))
            t = min(t + go + 0.3 + back, end)
        else:
            go = min(ctx.d(0.4, 0.9), left)
            center = ctx.spot(0.06)
            fn = ctx.fn(_choice(rng, ["palm_medial", "palm_up", "palm_down"], [0.5, 0.3, 0.2]), 12)
            t = ctx.pose(t, go, center, fn, ctx.shape(_choice(rng, ["relaxed", "explain", "pinch"], [0.5, 0.3, 0.2])))
    return end


def _i_face(ctx, t, dur):
    """Touching the face, scratching, adjusting glasses, tucking hair or drinking."""
    rng, P = ctx.rng, ctx.P
    end = t + dur
    what = _choice(rng, ["touch", "scratch", "glasses", "hair", "drink"], [0.35, 0.2, 0.15, 0.12, 0.18])
    if what == "drink" and dur < 3.0:
        what = "touch"
    ctx.notes.append(what)
    lateral = P.side_x * ctx.u(0.0, 0.06) * _X
    if what == "drink":
        low = ctx.away("low")
        t1 = ctx.pose(t, ctx.d(0.4, 0.6), low, ctx.fn("rest_desk", 8), ctx.shape("relaxed"))
        t1 = ctx.pose(t1 + ctx.u(0.2, 0.5), 0.2, shape=ctx.shape("cyl"))
        mouth = ctx.view(P.face + _DOWN * 0.08 + _TOWARD * 0.1 + lateral, -0.2, 1.2)
        t1 = ctx.pose(t1, ctx.d(0.5, 0.8), mouth, ctx.fn("palm_medial", 10))
        t1 = ctx.pose(t1 + ctx.u(0.5, 1.2), ctx.d(0.5, 0.8), low)
        ctx.pose(t1, 0.3, shape=ctx.shape("relaxed"))
        return end
    target = {
        "touch": P.face + _DOWN * ctx.u(0.04, 0.1) + _TOWARD * 0.05 + lateral,
        "scratch": P.face + _UP * ctx.u(-0.05, 0.08) + P.side_x * 0.07 * _X,
        "glasses": P.face + _UP * 0.02 + _TOWARD * 0.1,
        "hair": P.face + _UP * 0.08 + P.side_x * 0.06 * _X,
    }[what]
    target = ctx.view(target, -0.25, 1.25)
    shape = ctx.shape(
        {
            "touch": _choice(rng, ["relaxed", "fist_side", "point_loose"], [0.5, 0.3, 0.2]),
            "scratch": "claw",
            "glasses": "pinch",
            "hair": "loose_open",
        }[what]
    )
    go = ctx.d(0.35, 0.6)
    ctx.pose(t, go, target, ctx.fn(_choice(rng, ["up_medial", "palm_self"], [0.6, 0.4]), 14), shape)
    tt = t + go
    stay_end = end - ctx.d(0.35, 0.55)
    if what == "scratch":
        hz = ctx.u(4.0, 7.0)
        k = 0
        while tt + 0.5 / hz < stay_end and k < 30:
            ctx.tl.set(tt, 0.5 / hz, shp=ctx.shape("claw", 0.3) if k % 2 else ctx.shape("relaxed", 0.3))
            tt += 0.5 / hz
            k += 1
    elif what in ("glasses", "hair"):
        ctx.pose(tt + 0.1, ctx.d(0.2, 0.35), target + _UP * 0.02 + _AWAY * 0.03)
    back = ctx.spot(0.06) if rng.random() < 0.5 else ctx.rest_center()
    ctx.pose(max(stay_end, tt), ctx.d(0.35, 0.55), back, ctx.fn("palm_medial", 12), ctx.shape("relaxed"))
    return end


def _i_wave(ctx, t, dur):
    rng, P = ctx.rng, ctx.P
    end = t + dur
    c = ctx.view(ctx.spot(0.04) + _UP * ctx.u(0.02, 0.1), 0.2, 0.8)
    fn = ctx.fn("palm_cam", 10)
    t = ctx.prep(t, c, fn, ctx.shape(_choice(rng, ["open", "spread", "loose_open"], [0.4, 0.3, 0.3])))
    hz = ctx.u(2.0, 3.5)
    wrist_only = rng.random() < 0.5
    amp = ctx.u(0.03, 0.08) * P.amp
    k = 0
    while t + 0.5 / hz < end - 0.35 and k < 10:
        sgn = 1.0 if k % 2 == 0 else -1.0
        if wrist_only:
            ax = _unit(np.cross(fn[0], _X))
            ctx.orient(t, 0.5 / hz, _rotate(fn[0], ax, sgn * math.radians(ctx.u(15, 30))), fn[1])
        else:
            ctx.pose(t, 0.5 / hz, c + sgn * amp * _X)
        t += 0.5 / hz
        k += 1
    ctx.pose(t, ctx.d(0.3, 0.5), ctx.spot(0.05), ctx.fn("palm_medial"), ctx.shape("relaxed"))
    return end


def _i_thumbs(ctx, t, dur):
    end = t + dur
    c = ctx.spot(0.04)
    t = ctx.prep(t, c, ctx.fn("palm_medial", 12), ctx.shape("thumbs_up"))
    ctx.pose(
        t + ctx.u(0.3, 0.8),
        ctx.d(0.3, 0.5),
        ctx.rest_center() if ctx.rng.random() < 0.5 else c,
        ctx.fn("palm_medial"),
        ctx.shape("relaxed"),
    )
    return end


def _i_leave(ctx, t, dur):
    """The hand leaves the picture (reaching for something, keyboard, lap) and stays away."""
    where = _choice(ctx.rng, ["low", "side", "high"], [0.6, 0.3, 0.1])
    ctx.notes.append("leave_" + where)
    go = min(ctx.d(0.35, 0.7), dur)
    ctx.pose(t, go, ctx.away(where), ctx.fn("rest_desk" if where == "low" else "palm_medial", 15), ctx.shape("relaxed"))
    return t + dur


def _i_screen(ctx, t, dur):
    """Kiosk: tap the touch screen next to the camera; laptop: adjust the lid (hand near the lens)."""
    C = ctx.C
    end = t + dur
    z = ctx.u(0.12, 0.22)
    if C.device == "kiosk" or C.device == "smart_display":
        target = C.unproject(ctx.u(0.25, 0.75), ctx.u(0.75, 1.05), z)
        fn = ctx.jitter_fn(_TOWARD + 0.3 * _UP, _DOWN, 10)
        shape = ctx.shape("point_loose")
        ctx.notes.append("touch_screen")
    else:
        target = C.unproject(ctx.u(0.2, 0.8), ctx.u(-0.2, 0.05), z)
        fn = ctx.fn("palm_self", 15)
        shape = ctx.shape("cyl")
        ctx.notes.append("adjust_lid")
    go = ctx.d(0.4, 0.7)
    ctx.pose(t, go, target, fn, shape)
    ctx.pose(t + go + ctx.u(0.15, 0.5), ctx.d(0.4, 0.6), ctx.spot(0.06), ctx.fn("palm_medial"), ctx.shape("relaxed"))
    return end


_IDLE = {
    "rest": (_i_rest, 0.3),
    "hover": (_i_hover, 0.3),
    "tap": (_i_tap, 1.2),
    "talk": (_i_talk, 1.0),
    "face": (_i_face, 1.6),
    "wave": (_i_wave, 1.4),
    "thumbs": (_i_thumbs, 1.3),
    "leave": (_i_leave, 1.0),
    "screen": (_i_screen, 1.6),
}


def _idle(ctx, t, dur, where):
    """Fill [t, t + dur] with unlabeled motion typical of the person; returns t + dur."""
    rng, P = ctx.rng, ctx.P
    end = t + dur
    if dur <= 0:
        return t
    if where == "gap" or dur < 0.6:
        c = ctx.center_now()
        if ctx.C.project0(c)[1] > 1.0 or ctx.C.project0(c)[1] < 0.0:
            c = ctx.spot(0.04)
        ctx.pose(
            t, min(dur, ctx.d(0.2, 0.4)), c + rng.normal(0, 0.01, 3), shape=ctx.shape(_choice(rng, ["relaxed", "loose_open"], [0.7, 0.3]))
        )
        return end
    e = P.expr
    names = ["rest", "hover", "tap", "talk", "face", "wave", "thumbs", "leave", "screen"]
    weights = [
        0.25 * (1 - e) + 0.03,
        0.18 * (1 - e) + 0.04,
        0.08,
        0.7 * e + 0.03,
        0.16,
        (0.1 + 0.2 * e) if where in ("start", "end") else 0.01,
        0.05 if where != "start" else 0.0,
        0.09,
        0.06 if ctx.C.device in ("kiosk", "smart_display", "laptop") else 0.0,
    ]
    guard = 0
    while end - t > 0.3 and guard < 12:
        guard += 1
        name = _choice(rng, names, weights)
        fn, min_d = _IDLE[name]
        left = end - t
        if left < min_d:
            name = "rest" if rng.random() < 0.5 else "hover"
            fn, min_d = _IDLE[name]
        d = left if left < 2.0 else min(left, rng.uniform(max(min_d, 1.0), 4.5))
        ctx.notes.append(name)
        t = fn(ctx, t, d)
    return end


# ----------------------------------------------------------------------------------------------
# gestures


def _img_dir_world(ctx, center, phi_deg):
    C = ctx.C
    u, v, z = C.project0(center)
    a = math.radians(phi_deg)
    p0 = C.unproject(u, v, z)
    p1 = C.unproject(u + 30.0 * math.cos(a) / C.W, v - 30.0 * math.sin(a) / C.H, z)
    return _unit(p1 - p0)


def _swipe_world_dir(ctx, label):
    mx = -1.0 if ctx.C.mirrored else 1.0
    return {"swipe_left": -mx * _X, "swipe_right": mx * _X, "swipe_up": _UP, "swipe_down": _DOWN}[label]


def _g_point(ctx, t, quick=False):
    rng, P = ctx.rng, ctx.P
    style = _choice(
        rng,
        ["held", "reach", "finger_only"],
        {"minimal": [0.35, 0.15, 0.5], "moderate": [0.45, 0.4, 0.15], "expressive": [0.35, 0.6, 0.05]}[P.style],
    )
    r = rng.random()
    if r < 0.38:
        phi = (0.0 if rng.random() < 0.5 else 180.0) + rng.normal(0, 18)
    elif r < 0.6:
        phi = rng.uniform(200, 340)
    elif r < 0.75:
        phi = 90.0 + rng.normal(0, 25)
    else:
        phi = rng.uniform(0, 360)
    phi %= 360.0
    center = ctx.spot(0.04, 0.25, 0.75)
    if style == "finger_only":
        center = ctx.view(center + _DOWN * ctx.u(0.0, 0.08), 0.2, 0.85)
    d_img = _img_dir_world(ctx, center, phi)
    el = math.radians(rng.uniform(-15, 35) if style != "finger_only" else rng.uniform(-10, 20))
    d3 = _unit(d_img * math.cos(el) + _TOWARD * math.sin(el))
    d3 = _rotate(d3, _TOWARD, math.radians(rng.normal(0, 5 * (0.5 + P.slop))))
    cands = [(_DOWN, 0.45), (ctx.medial, 0.3), (_TOWARD, 0.15), (_AWAY, 0.1)]
    cands = [(c, w) for c, w in cands if abs(np.dot(c, d3)) < 0.75] or [(_unit(np.cross(d3, _X + 0.1 * _UP)), 1.0)]
    nc = cands[int(rng.choice(len(cands), p=np.array([w for _, w in cands]) / sum(w for _, w in cands)))][0]
    n = _unit(nc - np.dot(nc, d3) * d3)
    if style == "finger_only":
        name = "point_soft"
    elif P.slop > 0.75 and rng.random() < 0.5:
        name = "point_loose"
    else:
        name = "point_gun" if P.point_thumb == "gun" else "point"
    shape = ctx.shape(name, 0.6)
    s_idx = P.hand.splay0[0] + shape[8] * P.hand.splay_gain[0]
    f = _rotate(d3, n, P.chir * s_idx)
    f = _rotate(f, np.cross(f, n), -0.06)  # the flexed distal joints bend the tip palmward
    pre_f = _unit(f + 0.6 * _UP + 0.4 * ctx.medial)
    pre_shape = ctx.shape("relaxed")
    rec = {"label": "point", "style": style, "phi": phi}
    if style == "reach":
        start = ctx.view(center - d3 * 0.04)
        t = ctx.prep(t, start, (pre_f, n), pre_shape, 0.7 if quick else 1.0)
        rec["t0"] = t
        reach = ctx.u(0.08, 0.22) * P.amp
        end_c = ctx.view(start + d3 * reach, 0.12, 0.88)
        dur = ctx.d(0.3, 0.6)
        t = ctx.pose(t, dur, end_c, (f, n), shape, sdur=dur * 0.6)
    elif style == "held":
        t = ctx.prep(t, center, (_unit(f + 0.25 * _UP), n), pre_shape, 0.7 if quick else 1.0)
        rec["t0"] = t
        dur = ctx.d(0.15, 0.35)
        t = ctx.pose(t, dur * 1.2, center + rng.normal(0, 0.006, 3), (f, n), shape)
        end_c = center
    else:
        t = ctx.prep(t, center, (_unit(f + 0.3 * _DOWN), n), ctx.shape("relaxed"), 0.7 if quick else 1.0)
        rec["t0"] = t
        dur = ctx.d(0.2, 0.4)
        t = ctx.pose(t, dur, center + d3 * 0.01, (f, n), shape)
        end_c = center
    hold = ctx.d(0.4, 1.4) * (1.2 if P.style == "minimal" else 1.0)
    hold = min(hold, 2.6 - (t - rec["t0"]))
    rec["hold"] = (t, t + hold)
    if P.style == "expressive" and style == "reach" and rng.random() < 0.3:  # emphatic jab
        jt = t + hold * 0.2
        ctx.pose(jt, 0.12, end_c + d3 * 0.025)
        ctx.pose(jt + 0.12, 0.15, end_c)
        rec["hold"] = (jt + 0.3, t + hold)
    t += hold
    rec["t1"] = t
    back = ctx.d(0.25, 0.45)
    ctx.pose(
        t,
        back,
        ctx.view(end_c - d3 * 0.05 + _DOWN * 0.02),
        (pre_f, n) if not quick else None,
        ctx.shape("relaxed" if not quick else "point_loose"),
    )
    return t + back, rec


def _fit_path(ctx, mid, dvec, A, lo=0.1, hi=0.9):
    C = ctx.C
    for _ in range(3):
        s, e = mid - dvec * A / 2, mid + dvec * A / 2
        us, vs, _ = C.project0(s)
        ue, ve, _ = C.project0(e)
        du = dv = 0.0
        umin, umax, vmin, vmax = min(us, ue), max(us, ue), min(vs, ve), max(vs, ve)
        if umax - umin > hi - lo or vmax - vmin > hi - lo:
            A *= 0.8
            continue
        if umin < lo:
            du = lo - umin
        elif umax > hi:
            du = hi - umax
        if vmin < lo:
            dv = lo - vmin
        elif vmax > hi:
            dv = hi - vmax
        if du == 0.0 and dv == 0.0:
            break
        u, v, z = C.project0(mid)
        mid = C.unproject(u + du, v + dv, z)
    return mid, A


def _g_swipe(ctx, t, label, quick=False):
    rng, P, C = ctx.rng, ctx.P, ctx.C
    horizontal = label in ("swipe_left", "swipe_right")
    style = _choice(
        rng,
        ["arm", "flick", "finger"],
        {"minimal": [0.15, 0.5, 0.35], "moderate": [0.5, 0.25, 0.25], "expressive": [0.7, 0.15, 0.15]}[P.style],
    )
    double = style != "flick" and rng.random() < 0.1
    dvec = _swipe_world_dir(ctx, label)
    dvec = _rotate(dvec, _TOWARD, math.radians(rng.normal(0, 7 * (0.5 + P.slop))))
    mid = ctx.spot(0.04, 0.3, 0.7)
    z = C.project0(mid)[2]
    hw, hh = C.half_extent(z)
    if style == "arm":
        A = ctx.u(0.15, 0.4) * P.amp
        dur = ctx.d(0.3, 0.6) * (max(A, 0.1) / 0.25) ** 0.3
        pose = _choice(
            rng,
            ["push", "wipe", "back", "flat"] if horizontal else ["lift", "wipe", "edge"],
            [0.35, 0.3, 0.2, 0.15] if horizontal else [0.45, 0.35, 0.2],
        )
        if pose == "push":
            fn = ctx.jitter_fn(_UP + 0.2 * _TOWARD, dvec, 10)
        elif pose == "back":
            fn = ctx.jitter_fn(_UP + 0.2 * _TOWARD, -dvec, 10)
        elif pose == "wipe":
            fn = ctx.fn("palm_cam", 10)
        elif pose == "flat":
            fn = ctx.fn("palm_down", 10)
        elif pose == "lift":
            fn = ctx.fn("palm_up" if label == "swipe_up" else "palm_down", 10)
        else:
            fn = ctx.fn("edge", 10)
        shape = ctx.shape(_choice(rng, ["open", "flat", "loose_open", "spread"], [0.35, 0.25, 0.3, 0.1]))
    elif style == "flick":
        A = ctx.u(0.025, 0.065)
        dur = ctx.d(0.12, 0.25)
        pose = "wrist"
        fn = ctx.fn(_choice(rng, ["palm_cam", "palm_medial"], [0.6, 0.4]) if horizontal else "palm_down", 10)
        shape = ctx.shape(_choice(rng, ["loose_open", "relaxed", "open"], [0.45, 0.3, 0.25]))
    else:
        A = ctx.u(0.06, 0.18) * P.amp
        dur = ctx.d(0.2, 0.45)
        pose = "index"
        fn = ctx.jitter_fn(
            _UP + 0.5 * _TOWARD if rng.random() < 0.6 else _TOWARD + 0.3 * _UP + 0.3 * ctx.medial,
            _TOWARD if rng.random() < 0.5 else ctx.medial,
            12,
        )
        shape = ctx.shape("point" if P.point_thumb == "tucked" else "point_gun", 0.6)
    A_max = (2 * hw * 0.8) if horizontal else (2 * hh * 0.75)
    A = float(np.clip(A, 0.02, A_max))
    mid, A = _fit_path(ctx, mid, dvec, A)
    start, end = mid - dvec * A / 2, mid + dvec * A / 2
    axis = np.cross(fn[0], dvec)
    whip = np.linalg.norm(axis) > 0.3
    if style == "flick":
        ang = math.radians(ctx.u(25, 50))
        ax = _unit(axis) if whip else _unit(np.cross(_TOWARD, dvec))
        f_pre, f_end = _rotate(fn[0], ax, -0.3 * ang), _rotate(fn[0], ax, ang)
        n_pre, n_end = _rotate(fn[1], ax, -0.3 * ang), _rotate(fn[1], ax, ang)
    elif whip:
        a1, a2 = math.radians(ctx.u(5, 20)), math.radians(ctx.u(10, 30))
        ax = _unit(axis)
        f_pre, f_end = _rotate(fn[0], ax, -a1), _rotate(fn[0], ax, a2)
        n_pre, n_end = _rotate(fn[1], ax, -a1), _rotate(fn[1], ax, a2)
    else:
        f_pre, n_pre, f_end, n_end = fn[0], fn[1], fn[0], fn[1]
    t = ctx.prep(t, start, (f_pre, n_pre), shape, 0.7 if quick else 1.0, wrist_f=fn[0])
    t += 3.0 * P.z_pos / P.w_pos + ctx.d(0.0, 0.12)  # let the arm settle at the start before the stroke
    # annotators mark the swipe from the first visible onset (a small wind-up) to the settled end
    rec = {"label": label, "style": style + ("_double" if double else "") + "_" + pose, "t0": max(t - ctx.u(0.05, 0.15), 0.0)}
    perp = _unit(np.cross(dvec, _TOWARD))
    bump = perp * A * ctx.u(-0.15, 0.15) + _TOWARD * A * ctx.u(-0.05, 0.15)
    t = ctx.pose(t, dur, end, (f_end, n_end), odur=dur * 1.1, bump=bump, wrist_f=fn[0])
    if double:
        back = dur * ctx.u(0.6, 0.9)
        ctx.pose(t, back, start + dvec * A * 0.3, (f_pre, n_pre), wrist_f=fn[0])
        t += back
        t = ctx.pose(t, dur, end + dvec * A * ctx.u(-0.1, 0.05), (f_end, n_end), bump=bump * 0.5, wrist_f=fn[0])
    t += ctx.d(0.1, 0.3)
    rec["t1"] = t
    if quick:
        back_c = ctx.view(end - dvec * A * 0.2)
    else:
        back_c = ctx.spot(0.05) if rng.random() < 0.6 else ctx.rest_center()
    ret = ctx.d(0.3, 0.6)
    ctx.pose(t + ctx.u(0.0, 0.15), ret, back_c, ctx.fn("palm_medial", 12), ctx.shape("relaxed"), odur=ret, sdur=ret * 0.6)
    return t + ret, rec


def _g_grab(ctx, t, quick=False):
    rng, P = ctx.rng, ctx.P
    style = _choice(
        rng,
        ["snatch", "squeeze", "reach", "slow"],
        {"minimal": [0.1, 0.3, 0.1, 0.5], "moderate": [0.3, 0.35, 0.2, 0.15], "expressive": [0.4, 0.2, 0.35, 0.05]}[P.style],
    )
    orient = _choice(rng, ["palm_cam", "palm_down", "palm_medial"], [0.55, 0.25, 0.2])
    fn = ctx.fn(orient, 10)
    center = ctx.spot(0.04, 0.25, 0.75)
    open_shape = ctx.shape("loose_open" if style == "slow" else _choice(rng, ["spread", "open"], [0.5, 0.5]))
    fist = ctx.shape("fist" if rng.random() < 0.75 else "fist_side")
    if style == "slow":
        fist = _blend(open_shape, fist, ctx.u(0.6, 0.85))
    t = ctx.prep(t, center, fn, open_shape, 0.7 if quick else 1.0)
    t0 = t
    t += ctx.d(0.12, 0.35)
    rec = {"label": "grab", "style": style + "_" + orient, "t0": t0}
    if style == "snatch":
        dur = ctx.d(0.15, 0.3)
        t = ctx.pose(t, dur * 1.3, ctx.view(center + _AWAY * ctx.u(0.05, 0.15) * P.amp + _DOWN * 0.03), shape=fist, sdur=dur)
    elif style == "squeeze":
        dur = ctx.d(0.3, 0.6)
        t = ctx.pose(t, dur, center + ctx.rng.normal(0, 0.008, 3), shape=fist)
    elif style == "reach":
        go = ctx.d(0.3, 0.5)
        fwd = ctx.view(center + _TOWARD * ctx.u(0.06, 0.15) * P.amp)
        t = ctx.pose(t, go, fwd)
        dur = ctx.d(0.2, 0.4)
        ctx.pose(t, dur * 1.8, ctx.view(center + _AWAY * 0.03), shape=fist, sdur=dur)
        t += dur * 1.5
    else:
        dur = ctx.d(0.6, 1.4)
        t = ctx.pose(t, dur, center + ctx.rng.normal(0, 0.01, 3), shape=fist)
    t += ctx.d(0.15, 0.45)
    t = min(t, t0 + 2.9)
    rec["t1"] = t
    ret = ctx.d(0.3, 0.5)
    dest = ctx.center_now() + _DOWN * ctx.u(0.0, 0.06) if quick or rng.random() < 0.5 else ctx.rest_center()
    ctx.pose(t + ctx.u(0.0, 0.2), ret, dest, shape=ctx.shape("relaxed") if not quick else None)
    return t + ret, rec


def _g_come(ctx, t, quick=False):
    rng, P = ctx.rng, ctx.P
    style = P.beckon if rng.random() < 0.8 else _choice(rng, ["palm_up_index", "palm_up_all", "palm_down", "arm"], [1, 1, 1, 0.5])
    hz = ctx.u(1.2, 2.4) * math.sqrt(P.speed)
    cycles = int(rng.integers(1, 3)) + (1 if P.style != "minimal" else 0) + int(rng.random() < 0.4)
    cycles = max(2, min(cycles, int(2.6 * hz)))
    depth = ctx.u(0.5, 0.8) if P.style == "minimal" else ctx.u(0.8, 1.0)
    center = ctx.spot(0.04, 0.25, 0.75)
    pull = np.zeros(3)
    tilt_axis = None
    if style == "palm_up_index":
        fn = ctx.fn("palm_up", 10)
        base = ctx.shape("point" if P.point_thumb == "tucked" else "point_gun", 0.5)
        curl = _blend(base, ctx.shape("hook", 0.5), depth)
    elif style == "palm_up_all":
        fn = ctx.fn("palm_up", 10)
        base = ctx.shape(_choice(rng, ["open", "loose_open"], [0.5, 0.5]))
        curl = _blend(base, ctx.shape("curl_all"), depth)
    elif style == "palm_down":
        fn = ctx.fn("palm_down", 10)
        fn = (_unit(fn[0] + 0.3 * _DOWN), fn[1])
        base = ctx.shape(_choice(rng, ["open", "loose_open"], [0.5, 0.5]))
        curl = _blend(base, ctx.shape("scoop"), depth)
        pull = _AWAY * ctx.u(0.01, 0.03)
        tilt_axis = _unit(np.cross(fn[0], _DOWN))
    else:
        fn = ctx.fn("palm_self", 10)
        base = ctx.shape("open")
        curl = _blend(base, ctx.shape("curl_all"), 0.6)
        pull = _AWAY * ctx.u(0.05, 0.12) * P.amp
    t = ctx.prep(t, center, fn, base, 0.7 if quick else 1.0)
    rec = {"label": "come_here", "style": style, "t0": t}
    half = 0.5 / hz
    for _ in range(cycles):
        a, b = half * ctx.u(0.8, 1.1), half * ctx.u(0.9, 1.2)
        ctx.pose(t, a, ctx.view(center + pull), shape=curl)
        if tilt_axis is not None:
            ang = math.radians(ctx.u(15, 30))
            ctx.orient(t, a, _rotate(fn[0], tilt_axis, ang), _rotate(fn[1], tilt_axis, ang))
            ctx.orient(t + a, b, fn[0], fn[1])
        ctx.pose(t + a, b, center, shape=base)
        t += a + b
    t += ctx.d(0.05, 0.15)
    rec["t1"] = t
    ret = ctx.d(0.3, 0.5)
    dest = ctx.spot(0.05) if rng.random() < 0.6 else ctx.rest_center()
    ctx.pose(t, ret, dest, ctx.fn("palm_medial", 12), ctx.shape("relaxed"))
    return t + ret, rec


def _g_stop(ctx, t, quick=False):
    rng, P = ctx.rng, ctx.P
    style = _choice(
        rng,
        ["push", "raise", "turn"],
        {"minimal": [0.1, 0.25, 0.65], "moderate": [0.4, 0.35, 0.25], "expressive": [0.6, 0.3, 0.1]}[P.style],
    )
    fn = ctx.fn("palm_cam", 8)
    if P.hyper > 0.5:
        fn = (_unit(fn[0] + 0.25 * P.hyper * _AWAY), fn[1])
    shape = ctx.shape(_choice(rng, ["spread", "open", "flat"], [0.35, 0.45, 0.2]))
    center = ctx.spot(0.04, 0.25, 0.72)
    rec = {"label": "stop", "style": style}
    if style == "push":
        t = ctx.prep(t, ctx.view(center + _AWAY * 0.05), ctx.fn("palm_medial", 10), ctx.shape("relaxed"), 0.7 if quick else 1.0)
        rec["t0"] = t
        dur = ctx.d(0.25, 0.5)
        tgt = ctx.view(center + _TOWARD * ctx.u(0.06, 0.18) * P.amp + _UP * 0.02)
        t = ctx.pose(t, dur, tgt, fn, shape, sdur=dur * 0.8)
        if P.style == "expressive" and rng.random() < 0.3:
            ctx.pose(t + 0.05, 0.12, tgt + _TOWARD * 0.025)
            ctx.pose(t + 0.17, 0.15, tgt)
            t += 0.3
    elif style == "raise":
        low = ctx.view(center + _DOWN * ctx.u(0.08, 0.16), 0.2, 0.95)
        t = ctx.prep(t, low, ctx.fn("palm_medial", 10), ctx.shape("relaxed"), 0.7 if quick else 1.0)
        rec["t0"] = t
        dur = ctx.d(0.3, 0.6)
        t = ctx.pose(t, dur, center, fn, shape, sdur=dur * 0.8)
    else:
        t = ctx.prep(
            t, center, ctx.fn(_choice(rng, ["palm_down", "palm_medial"], [0.5, 0.5]), 10), ctx.shape("relaxed"), 0.7 if quick else 1.0
        )
        rec["t0"] = t
        dur = ctx.d(0.3, 0.6)
        t = ctx.pose(t, dur, center + rng.normal(0, 0.008, 3), fn, shape)
    hold = min(ctx.d(0.5, 1.6), 2.7 - (t - rec["t0"]))
    t += hold
    rec["t1"] = t
    ret = ctx.d(0.3, 0.5)
    dest = ctx.spot(0.05) if rng.random() < 0.5 else ctx.rest_center()
    ctx.pose(t, ret, dest, ctx.fn("palm_medial", 12), ctx.shape("relaxed"))
    return t + ret, rec


def _gesture(ctx, t, label, quick=False):
    if label == "point":
        return _g_point(ctx, t, quick)
    if label in _SWIPES:
        return _g_swipe(ctx, t, label, quick)
    if label == "grab":
        return _g_grab(ctx, t, quick)
    if label == "come_here":
        return _g_come(ctx, t, quick)
    return _g_stop(ctx, t, quick)


# ----------------------------------------------------------------------------------------------
# clip scripts


def _kind_of(seed, index):
    block, pos = divmod(int(index), 20)
    rng = np.random.default_rng([_SALT, 7, _seed_word(seed), block])
    return _BLOCK[int(rng.permutation(20)[pos])]


def _pair_labels(rng):
    a, b = _PAIRS[int(rng.integers(len(_PAIRS)))]
    if b == "swipe":
        b = _SWIPES[int(rng.integers(4))]
    return [a, b]


def _script(rng, kind, shrink):
    if kind in ("tight", "margin"):
        return [[LABELS[int(rng.integers(len(LABELS)))]]]
    if kind == "pair":
        return [_pair_labels(rng)]
    n = int(rng.choice([3, 4, 5], p=[0.4, 0.4, 0.2]))
    if shrink < 0.3:
        n = 3
    units = []
    while n > 0:
        if n >= 2 and rng.random() < 0.35:
            units.append(_pair_labels(rng))
            n -= 2
        else:
            units.append([LABELS[int(rng.integers(len(LABELS)))]])
            n -= 1
    return units


def _author(ctx, kind, shrink):
    rng = ctx.rng
    units = _script(rng, kind, shrink)
    start_state = _choice(rng, ["rest", "hover", "talk"], [0.5 - 0.3 * ctx.P.expr, 0.3, 0.2 + 0.3 * ctx.P.expr])
    recs = []
    if kind == "tight":
        before, after = rng.uniform(0.5, 2.0), 0.4
    elif kind == "margin":
        before, after = rng.uniform(0.3, 3.5) * max(shrink, 0.3), rng.uniform(0.3, 3.0) * max(shrink, 0.3)
    elif kind == "pair":
        before, after = rng.uniform(0.3, 3.0) * max(shrink, 0.3), rng.uniform(0.3, 2.5) * max(shrink, 0.3)
    else:
        before, after = rng.uniform(0.5, 2.5) * shrink, rng.uniform(0.4, 2.0) * shrink
    t = 0.0
    if start_state == "rest":
        ctx.reset(ctx.rest_center(), ctx.rest_fn(), ctx.shape("fist_side" if ctx.P.rest == "chin" else "relaxed"))
    else:
        ctx.reset(ctx.spot(0.05), ctx.fn("palm_medial", 12), ctx.shape("relaxed"))
    if start_state == "talk" and before > 1.0:
        t = _i_talk(ctx, t, min(before, 1.2))
        before -= 1.2
    t = _idle(ctx, t, max(before, 0.0), "start")
    for ui, unit in enumerate(units):
        for j, label in enumerate(unit):
            if j > 0:
                t = _idle(ctx, t, rng.uniform(0.05, 0.6), "gap")
            t, rec = _gesture(ctx, t, label, quick=(len(unit) == 2 and j == 0))
            recs.append(rec)
        if ui < len(units) - 1:
            t = _idle(ctx, t, rng.uniform(0.8, 3.5) * shrink, "between")
    t = _idle(ctx, t, after, "end")
    return recs, t


# ----------------------------------------------------------------------------------------------
# physics, projection


def _simulate(ctx, n):
    P, rng = ctx.P, ctx.rng
    want = ctx.tl.render(n)
    U = np.concatenate([want["pos"], want["fwd"], want["nrm"], want["shp"]], axis=1)
    w = np.concatenate([np.full(3, P.w_pos), np.full(6, P.w_rot), np.full(13, P.w_shp)])
    z = np.concatenate([np.full(3, P.z_pos), np.full(6, P.z_rot), np.full(13, P.z_shp)])
    sig = np.concatenate([np.full(3, P.drift_pos), np.full(6, P.drift_rot), np.full(13, P.drift_shp)])
    rho = math.exp(-1.0 / (FPS * P.drift_tau))
    eps = rng.standard_normal(U.shape) * sig * math.sqrt(1 - rho * rho)
    x = U[0].copy()
    v = np.zeros_like(x)
    o = np.zeros_like(x)
    out = np.empty_like(U)
    dt = 0.5 / FPS
    w2, c = w * w, 2 * z * w
    for k in range(n):
        o = rho * o + eps[k]
        u = U[k] + o
        a = w2 * (u - x) - c * v
        v = v + a * dt
        x = x + v * dt
        a = w2 * (u - x) - c * v
        v = v + a * dt
        x = x + v * dt
        out[k] = x
    tt = np.arange(n) / FPS
    env = 1.0 + 0.5 * np.sin(2 * math.pi * rng.uniform(0.1, 0.4) * tt + rng.uniform(0, 6.3))
    trem = np.sin(2 * math.pi * P.tremor_hz * tt + rng.uniform(0, 6.3)) * env * P.tremor_m
    out[:, 0:3] += trem[:, None] * _unit(rng.normal(size=3))[None, :]
    out[:, 9:17] += (trem / max(P.tremor_m, 1e-6) * 0.01)[:, None] * rng.normal(0, 1, 8)[None, :]
    return out


def _hand_frames(fwd, nrm, chir):
    eu = _unit(fwd)
    nn = nrm - np.sum(nrm * eu, axis=1, keepdims=True) * eu
    norm = np.linalg.norm(nn, axis=1)
    bad = norm < 1e-4
    ep = nn / np.maximum(norm, 1e-12)[:, None]
    if bad.any():
        for i in np.flatnonzero(bad):
            ep[i] = ep[i - 1] if i > 0 else _unit(np.cross(eu[i], _X + 0.3 * _UP))
    er = chir * np.cross(eu, ep)
    return eu, er, ep


def _camera_path(ctx, n, wrist):
    C, rng = ctx.C, ctx.rng
    rv = np.zeros((n, 3))
    c = np.zeros((n, 3))
    tt = np.arange(n) / FPS
    if C.shake_rot > 0:
        rho = math.exp(-1.0 / (FPS * C.shake_tau))
        rv += _ar1(rng, n, (3,), rho) * C.shake_rot * np.array([1.0, 1.0, 0.6])
        ph = rng.uniform(0, 6.3, 3)
        hz = rng.uniform(8.0, 11.0)
        rv += C.tremor_rot * np.sin(2 * math.pi * hz * tt[:, None] + ph[None, :])
        c += _ar1(rng, n, (3,), math.exp(-1.0 / (FPS * 1.5))) * C.shake_pos
        if C.coupling > 0:
            vel = np.gradient(wrist, axis=0) * FPS
            k = np.ones(9) / 9.0
            sm = np.stack([np.convolve(vel[:, i], k, mode="same") for i in range(3)], axis=1)
            rv[:, 0] += C.coupling * sm[:, 1]
            rv[:, 1] -= C.coupling * sm[:, 0]
    for _ in range(C.jolts):
        t0 = rng.uniform(0, max(n / FPS - 0.5, 0.1))
        dur = rng.uniform(0.15, 0.4)
        step = np.zeros(3)
        if C.device == "laptop":
            step[0] = math.radians(rng.uniform(1, 4)) * (1 if rng.random() < 0.5 else -1)
        else:
            step = _unit(rng.normal(size=3)) * math.radians(rng.uniform(2, 6))
        s = np.clip((tt - t0) / dur, 0, 1)
        m = s * s * s * (10 - 15 * s + 6 * s * s)
        keep = 1.0 if C.device == "laptop" else rng.uniform(0.2, 1.0)
        back_t = t0 + dur + rng.uniform(0.5, 2.0)
        sb = np.clip((tt - back_t) / 0.5, 0, 1)
        mb = sb * sb * sb * (10 - 15 * sb + 6 * sb * sb)
        rv += step[None, :] * (m - (1 - keep) * mb)[:, None]
    R = _rotmats(rv) @ C.R0[None]
    return R, c


def _project(C, R, c, Pw):
    pc = np.einsum("nij,nkj->nki", R, Pw - c[:, None, :])
    Z = np.maximum(pc[..., 2], 0.03)
    xn, yn = pc[..., 0] / Z, pc[..., 1] / Z
    # monotonic barrel distortion: r_d = atan(a r) / a, which is r (1 + k1 r^2) near the center
    a = math.sqrt(3.0 * max(-C.k1, 0.0))
    ar = a * np.sqrt(xn * xn + yn * yn)
    k = np.where(ar > 1e-6, np.arctan(ar) / np.maximum(ar, 1e-6), 1.0)
    u = (C.f * xn * k + C.cx) / C.W
    v = (C.f * yn * k + C.cy) / C.H
    if C.mirrored:
        u = 1.0 - u
    z = (Z - Z[:, :1]) * C.f / (Z[:, :1] * C.W)
    return np.stack([u, v, z], axis=-1), pc


def _render(ctx, n):
    """Simulate the intentions, pose the hand, film it. Returns clean normalized landmarks and tracker cues."""
    P, C = ctx.P, ctx.C
    Y = _simulate(ctx, n)
    eu, er, ep = _hand_frames(Y[:, 3:6], Y[:, 6:9], P.chir)
    q = Y[:, 9:22]
    loc = _fk_local(P.hand, q)
    wrist = Y[:, 0:3]
    Pw = wrist[:, None, :] + loc[..., 0:1] * eu[:, None, :] + loc[..., 1:2] * er[:, None, :] + loc[..., 2:3] * ep[:, None, :]
    R, c = _camera_path(ctx, n, wrist)
    lm, pc = _project(C, R, c, Pw)
    px = lm[..., :2] * np.array([C.W, C.H])
    size = np.maximum(np.ptp(px[..., 0], axis=1), np.ptp(px[..., 1], axis=1))
    inside = (lm[..., 0] >= 0) & (lm[..., 0] <= 1) & (lm[..., 1] >= 0) & (lm[..., 1] <= 1)
    tip = np.linalg.norm(loc[:, _TIPS], axis=-1) / P.hand.L
    tipd = 0.6 * tip.max(axis=1) + 0.4 * tip.mean(axis=1)  # a pointing hand still shows an open palm outline
    ep_cam = np.einsum("nij,nj->ni", R, ep)
    view = _unit(pc[:, 0] + pc[:, 9])
    cosf = np.sum(ep_cam * view, axis=1)
    cen = px.mean(axis=1)
    spd = np.r_[0.0, np.linalg.norm(np.diff(cen, axis=0), axis=1)] / np.maximum(size, 1.0)
    aux = {
        "size": size,
        "inframe": inside.mean(axis=1),
        "openness": np.clip((tipd - 0.4) / 0.55, 0.0, 1.0),
        "facing": np.abs(cosf),
        "back": cosf > 0,
        "speed": spd,
        "zcam": pc[:, 0, 2],
    }
    return lm, aux


# ----------------------------------------------------------------------------------------------
# tracker


def _template():
    h = _make_hand(np.random.default_rng(12345), 1.0, 0.15, 0.0, False)
    h.mcp_pos = np.array([[0.482, 0.135, 0.0], [0.5, 0.046, 0.0], [0.478, -0.043, 0.01], [0.435, -0.135, 0.02]])
    h.seg = 0.5 * np.array([0.9, 1.0, 0.94, 0.75])[:, None] * np.array([0.46, 0.30, 0.24])[None, :]
    h.splay0 = np.radians([7.0, 0.0, -6.0, -13.0])
    h.splay_gain = np.radians([12.0, 3.0, -7.0, -16.0])
    h.th_cmc = np.array([0.12, 0.13, 0.035])
    h.th_seg = np.array([0.21, 0.16, 0.13])
    q = np.array([[0.25, 0.3, 0.36, 0.42, 0.3, 0.36, 0.42, 0.48, 0.35, 0.2, 0.15, 0.15, 0.3]])
    loc = _fk_local(h, q)[0]
    out = {}
    for chir in (1, -1):
        eu, ep = _UP, _TOWARD
        er = chir * np.cross(eu, ep)
        out[chir] = loc[:, 0:1] * eu + loc[:, 1:2] * er + loc[:, 2:3] * ep
    return out


_TEMPLATES = _template()


def _similarity_pose(tmpl, obs):
    """Pose template hands (n, 21, 3) onto observations by a per-frame similarity fit of the palm."""
    A, B = tmpl[:, _PALM_IDX], obs[:, _PALM_IDX]
    ma, mb = A.mean(axis=1, keepdims=True), B.mean(axis=1, keepdims=True)
    A0, B0 = A - ma, B - mb
    cov = np.einsum("nki,nkj->nij", B0, A0) / len(_PALM_IDX)
    U, S, Vt = np.linalg.svd(cov)
    d = np.sign(np.linalg.det(U @ Vt))
    d[d == 0] = 1.0
    D = np.ones((len(tmpl), 3))
    D[:, 2] = d
    R = U @ (D[:, :, None] * Vt)
    var_a = np.maximum((A0**2).sum(axis=(1, 2)) / len(_PALM_IDX), 1e-9)
    s = (S * D).sum(axis=1) / var_a
    return s[:, None, None] * np.einsum("nij,nkj->nki", R, tmpl - ma) + mb


def _one_euro(x, seg, size, mincut, beta, dcut=1.0):
    n = len(x)
    y = x.copy()
    te = 1.0 / FPS

    def alpha(cut):
        r = 2 * math.pi * cut * te
        return r / (r + 1.0)

    ad = alpha(dcut)
    prev = dprev = None
    for t in range(n):
        if seg[t] < 0:
            prev = None
            continue
        if prev is None or seg[t] != seg[t - 1]:
            prev = x[t].copy()
            dprev = np.zeros_like(prev)
            continue
        dx = (x[t] - prev) * FPS
        dprev = ad * dx + (1 - ad) * dprev
        cut = mincut + beta * np.abs(dprev) / max(size[t], 1.0)
        r = 2 * math.pi * cut * te
        a = r / (r + 1.0)
        prev = a * x[t] + (1 - a) * prev
        y[t] = prev
    return y


def _track(clean, aux, C, P, rng, active):
    """Run the MediaPipe-like tracker on clean normalized landmarks; returns landmarks and a report."""
    n = len(clean)
    scale = np.array([C.W, C.H, C.W], float)
    obs = clean * scale
    size, inframe, openness = aux["size"], aux["inframe"], aux["openness"]
    facing, back, speed = aux["facing"], aux["back"], aux["speed"]
    light = C.light
    rel = size / max(C.W, C.H)
    short = min(C.W, C.H)
    blur = speed * C.exposure
    # auto-exposure hunting (a hand coming close, a lamp switched on): noisier, harder frames for a while
    ae = np.ones(n)
    for _ in range(int(rng.poisson(0.3 + 0.8 * (1 - light)))):
        a0 = int(rng.integers(0, max(n, 1)))
        ae[a0 : a0 + int(rng.integers(8, 40))] *= rng.uniform(1.5, 3.0)
    det_base = rng.uniform(0.35, 0.9)
    p_det = (
        det_base
        * np.clip((rel - 0.025) / 0.045, 0, 1)
        * np.clip((1.35 - size / short) / 0.4, 0, 1)
        * (0.3 + 0.7 * openness)
        * (0.3 + 0.7 * np.clip(facing / 0.4, 0, 1))
        * np.clip((inframe - 0.5) / 0.35, 0, 1)
        / (1.0 + (blur / 0.15) ** 2)
        * (0.35 + 0.65 * light)
        / np.sqrt(ae)
    )
    p_lose = (
        0.001
        + 0.004 * (1 - light)
        + 0.8 * (inframe < 0.3)
        + 0.15 * np.clip(0.75 - inframe, 0, 1)
        + 0.5 * np.clip((blur - 0.25) / 0.3, 0, 1)
        + 0.02 * (facing < 0.15) * (openness < 0.45)
        + 0.3 * np.clip((0.025 - rel) / 0.01, 0, 1)
        + 0.3 * np.clip((size / short - 1.4) / 0.3, 0, 1)
    )
    trk = np.zeros(n, bool)
    age = np.zeros(n, int)
    seg = np.full(n, -1)
    wrong = np.zeros(n, bool)
    r1, r2, r3 = rng.random(n), rng.random(n), rng.random(n)
    tracking, a, s, w = False, 0, -1, False
    for t in range(n):
        if tracking:
            if r1[t] < p_lose[t]:
                tracking = False
                continue
            a += 1
            if r3[t] < 0.003 + 0.03 * (facing[t] < 0.25):
                w = not w
        else:
            if r2[t] >= p_det[t]:
                continue
            tracking, a, s = True, 0, s + 1
            w = r3[t] < 0.03 + 0.2 * back[t] * (1 - facing[t]) + 0.12 * (facing[t] < 0.3)
        trk[t], age[t], seg[t], wrong[t] = True, a, s, w
    unc = np.clip(
        0.08
        + 0.45 * (1 - facing) * (1 - 0.5 * openness)
        + 0.3 * np.clip((0.07 - rel) / 0.05, 0, 1)
        + 0.25 * (1 - light)
        + 0.3 * np.clip(blur / 0.3, 0, 1)
        + 0.3 * np.exp(-age / 3.0)
        + 0.4 * (1 - inframe),
        0,
        1,
    )
    lam = rng.uniform(0.25, 0.65) * unc
    app = int(P.chir * (-1 if C.mirrored else 1))
    obs_w = obs.copy()
    obs_w[wrong, :, 2] *= -1.0
    tmpl = np.where(wrong[:, None, None], _TEMPLATES[-app][None], _TEMPLATES[app][None])
    posed = _similarity_pose(tmpl, obs_w)
    out = obs_w + lam[:, None, None] * (posed - obs_w)
    out[..., 2] *= rng.uniform(0.45, 1.1)
    sig = (size * (0.004 + 0.018 * unc) + (0.4 + 1.8 * (1 - light)) * max(C.W, C.H) / 1280.0) * (1 + np.clip(speed / 0.1, 0, 2.5)) * ae
    lm_mult = np.ones(21)
    lm_mult[_TIPS] = 1.5
    lm_mult[[4, 7, 11, 15, 19]] = 1.25
    lm_mult[[0, 5, 9, 13, 17]] = 0.8
    noise = _ar1(rng, n, (21, 3), rng.uniform(0.2, 0.6)) * lm_mult[None, :, None] + 0.6 * _ar1(rng, n, (1, 3), rng.uniform(0.5, 0.85))
    noise[..., 2] *= 1.8
    out += noise * sig[:, None, None]
    # re-detection: the landmark model starts from the detector's rough box
    nseg = int(seg.max()) + 1
    if nseg > 0:
        jt = rng.normal(0, 0.08, (nseg, 2))
        js = rng.normal(0, 0.07, nseg)
        jr = rng.normal(0, 0.12, nseg)
        jtau = rng.uniform(1.5, 4.0, nseg)
        idx = np.flatnonzero(trk & (age < 15))
        if len(idx):
            k = seg[idx]
            dec = np.exp(-age[idx] / jtau[k])
            cen = out[idx].mean(axis=1, keepdims=True)
            rel_p = out[idx] - cen
            ang = jr[k] * dec
            ca, sa = np.cos(ang)[:, None], np.sin(ang)[:, None]
            x2 = rel_p[..., 0] * ca - rel_p[..., 1] * sa
            y2 = rel_p[..., 0] * sa + rel_p[..., 1] * ca
            sc = (1 + js[k] * dec)[:, None]
            out[idx, :, 0] = cen[..., 0] + x2 * sc + (jt[k, 0] * dec * size[idx])[:, None]
            out[idx, :, 1] = cen[..., 1] + y2 * sc + (jt[k, 1] * dec * size[idx])[:, None]
            out[idx, :, 2] *= sc
    smoothing = _choice(rng, ["none", "light", "heavy"], [0.2, 0.5, 0.3])
    if smoothing != "none":
        mincut, beta = (
            (rng.uniform(2.5, 5.0), rng.uniform(0.8, 3.0)) if smoothing == "light" else (rng.uniform(0.7, 1.5), rng.uniform(0.15, 0.6))
        )
        out = _one_euro(out.reshape(n, 63), seg, size, mincut, beta).reshape(n, 21, 3)
    out /= scale
    # phantom hands: the detector fires on a face or a knee while the real hand is away
    phantom = np.zeros(n, bool)
    if rng.random() < 0.06:
        free = ~trk & ~active
        runs = [(s0, e0) for s0, e0 in _runs(free) if e0 - s0 >= 6]
        if runs:
            s0, e0 = runs[int(rng.integers(len(runs)))]
            m = int(rng.integers(3, min(15, e0 - s0) + 1))
            s1 = s0 + int(rng.integers(0, e0 - s0 - m + 1))
            ph_size = rng.uniform(0.06, 0.15) * short
            ang = rng.uniform(-0.6, 0.6)
            ca, sa = math.cos(ang), math.sin(ang)
            base = _TEMPLATES[app] @ np.array([[ca, sa, 0.0], [-sa, ca, 0.0], [0.0, 0.0, 1.0]]) * ph_size
            where = np.array([rng.uniform(0.3, 0.7) * C.W, rng.uniform(0.1, 0.9) * C.H, 0.0])
            for t in range(s1, s1 + m):
                jitter = rng.normal(0, 0.03 * ph_size, (21, 3))
                out[t] = (base + where + jitter) / scale
            phantom[s1 : s1 + m] = True
    shown = trk | phantom
    out[..., 2] -= out[:, :1, 2]  # depth is reported relative to the wrist
    out[..., 0:2] = np.clip(out[..., 0:2], BAND[0], BAND[1])
    out[..., 2] = np.clip(out[..., 2], -1.5, 1.5)
    lost_mode = _choice(rng, ["nan", "zeros", "repeat", "repeat_nan", "repeat_zeros"], [0.3, 0.2, 0.15, 0.2, 0.15])
    hold_max = int(rng.integers(2, 7))
    fill = np.nan if "nan" in lost_mode else 0.0
    for s0, e0 in _runs(~shown):
        for t in range(s0, e0):
            if lost_mode.startswith("repeat") and t > 0 and (lost_mode == "repeat" or t - s0 < hold_max):
                out[t] = out[t - 1]
            else:
                out[t] = np.nan if lost_mode == "repeat" else fill
    dup = np.zeros(n, bool)
    if C.device == "phone" and rng.random() < 0.15:  # thermal throttling: the tracker runs at 15 fps
        t0 = int(rng.integers(0, max(n - 30, 1)))
        dup[t0 : t0 + int(rng.integers(30, 90))] = True
        dup &= np.arange(n) % 2 == 1
    dup |= rng.random(n) < 0.004
    dup[0] = False
    for t in np.flatnonzero(dup):
        out[t] = out[t - 1]
    hand_name = {1: "Right", -1: "Left"}
    handed = [None if not shown[t] or dup[t] else hand_name[app * (-1 if wrong[t] else 1)] for t in range(n)]
    report = {
        "lost_mode": lost_mode,
        "smoothing": smoothing,
        "phantom_frames": int(phantom.sum()),
        "exposure_hunting_frames": int((ae > 1).sum()),
        "handedness_confused_frames": int((wrong & trk).sum()),
        "detected_share": float(trk.mean()) if n else 0.0,
        "handedness": handed,
    }
    return out.astype(np.float32), report


def lost_mask(landmarks):
    """Frames written as lost: all-NaN, all-zero, or an exact repeat of the previous frame."""
    x = np.asarray(landmarks)
    flat = x.reshape(len(x), -1)
    nan = np.isnan(flat).all(axis=1)
    zero = (flat == 0).all(axis=1)
    rep = np.zeros(len(x), bool)
    if len(x) > 1:
        rep[1:] = np.all((flat[1:] == flat[:-1]) | (np.isnan(flat[1:]) & np.isnan(flat[:-1])), axis=1)
    return nan | zero | rep


# ----------------------------------------------------------------------------------------------
# clip assembly


def _direction(lm, h0, h1, W, H):
    v = lm[h0:h1, 8, :2].astype(np.float64) - lm[h0:h1, 5, :2].astype(np.float64)
    out = []
    for sx, sy in ((1.0, 1.0), (float(W), float(H))):
        vv = v * np.array([sx, sy])
        nrm = np.linalg.norm(vv, axis=1)
        ok = nrm > 1e-9
        if not ok.any():
            out.append(0.0)
            continue
        m = (vv[ok] / nrm[ok, None]).mean(axis=0)
        out.append(float(math.degrees(math.atan2(-m[1], m[0])) % 360.0))
    return out


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    return x


def _generate(seed, index, tracked=True):
    kind = _kind_of(seed, index)
    base = [_SALT, _seed_word(seed), int(index)]
    for attempt, shrink in enumerate((1.0, 0.6, 0.35, 0.2, 0.1)):
        rng = np.random.default_rng(base + [1, attempt])
        C = _sample_camera(rng)
        P = _sample_person(rng, C)
        ctx = _Ctx(rng, P, C)
        recs, t_end = _author(ctx, kind, shrink)
        if t_end <= MAX_CLIP_S:
            break
    n = min(int(math.ceil(t_end * FPS)) + 1, int(MAX_CLIP_S * FPS))
    raw, aux = _render(ctx, n)
    lag = 0.8 * 2 * P.z_pos / P.w_pos
    gestures, holds = [], []
    prev_end = 0
    for rec in recs:
        s = max(int(round((rec["t0"] + lag) * FPS)), prev_end)
        e = min(int(round((rec["t1"] + lag) * FPS)), n)
        e = max(e, s + 4)
        h = None
        if rec["label"] == "point":
            h0, h1 = rec["hold"]
            h0 = max(int(math.ceil((h0 + lag + 0.1) * FPS)), s)
            h1 = min(int(math.floor((h1 + lag) * FPS)), e)
            if h1 - h0 < 3:
                h0, h1 = max(s, e - 4), e
            h = (h0, h1)
        gestures.append([rec["label"], s, e])
        holds.append(h)
        prev_end = e
    active = np.zeros(n, bool)
    for _, s, e in gestures:
        active[s:e] = True
    trk_out = report = None
    if tracked:
        trk_out, report = _track(raw, aux, C, P, np.random.default_rng(base + [2]), active)
    clean = raw.copy()
    clean[..., 0:2] = np.clip(clean[..., 0:2], BAND[0], BAND[1])
    clean[..., 2] = np.clip(clean[..., 2], -1.5, 1.5)
    clean = clean.astype(np.float32)
    off = 0
    if kind == "tight":
        _, s, e = gestures[0]
        off = s
        clean = clean[s:e]
        if tracked:
            trk_out = trk_out[s:e]
            report["handedness"] = report["handedness"][s:e]
        gestures = [[gestures[0][0], 0, e - s]]
        holds = [None if h is None else (h[0] - s, h[1] - s) for h in holds]
    out_g, dirs_px, intended = [], [], []
    for (label, s, e), h, rec in zip(gestures, holds, recs):
        if label == "point":
            dn, dp = _direction(clean, h[0], h[1], C.W, C.H)
            out_g.append((label, int(s), int(e), dn))
            dirs_px.append(dp)
            intended.append(float(rec["phi"]))
        else:
            out_g.append((label, int(s), int(e), None))
            dirs_px.append(None)
            intended.append(None)
    meta = {
        "image_size": (C.W, C.H),
        "direction_deg_pixels": dirs_px,
        "intended_direction_deg_pixels": intended,
        "point_hold_frames": [None if h is None else [int(h[0]), int(h[1])] for h in holds],
        "styles": [rec["style"] for rec in recs],
        "tracked": bool(tracked),
        "seed": int(seed),
        "index": int(index),
        "crop_offset": int(off),
        "device": C.device,
        "orientation": "portrait" if C.H > C.W else "landscape",
        "mirrored": C.mirrored,
        "hfov_deg": float(math.degrees(2 * math.atan(C.W / (2 * C.f)))),
        "distance_m": C.dist,
        "hand_depth_m": float(np.median(aux["zcam"])),
        "camera_roll_deg": float(math.degrees(C.roll)),
        "camera_pitch_deg": float(math.degrees(C.pitch)),
        "light": C.light,
        "person": {
            "age": P.age,
            "hand": P.side,
            "hand_length_m": P.hand.L,
            "style": P.style,
            "hypermobility": P.hyper,
            "stiffness": P.stiff,
            "speed": P.speed,
            "amplitude": P.amp,
            "rest": P.rest,
            "beckon": P.beckon,
        },
        "idle_behaviors": sorted(set(ctx.notes)),
        "hand_size_px_median": float(np.median(aux["size"])),
    }
    if tracked:
        landmarks = trk_out
        lm = lost_mask(landmarks)
        report["lost_share"] = float(lm.mean()) if len(lm) else 0.0
        meta["handedness"] = report.pop("handedness")
        meta["tracker"] = report
    else:
        landmarks = clean
    return Blind16Clip(landmarks=landmarks, gestures=tuple(out_g), kind=kind, meta=_jsonable_meta(meta))


def _jsonable_meta(meta):
    out = _jsonable(meta)
    out["image_size"] = (int(meta["image_size"][0]), int(meta["image_size"][1]))
    return out


def blind16_dataset(n: int, seed: int = 0) -> list[Blind16Clip]:
    """Tracked clips (what a recognizer sees); clip i depends only on (seed, i)."""
    return [_generate(seed, i, tracked=True) for i in range(int(n))]


def blind16_clean_dataset(n: int, seed: int = 0) -> list[Blind16Clip]:
    """The same clips as blind16_dataset before any tracker error (same labels and kinds)."""
    return [_generate(seed, i, tracked=False) for i in range(int(n))]


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
    ap = argparse.ArgumentParser(description="Write blind16 synthetic gesture clips (.npy) and labels.json.")
    ap.add_argument("out", help="output folder")
    ap.add_argument("-n", "--num", type=int, default=20, help="number of clips")
    ap.add_argument("-s", "--seed", type=int, default=0)
    ap.add_argument("--clean", action="store_true", help="write clips before tracker errors")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    t0 = time.perf_counter()
    make = blind16_clean_dataset if args.clean else blind16_dataset
    clips = make(args.num, args.seed)
    entries = []
    for i, clip in enumerate(clips):
        name = f"clip_{i:05d}.npy"
        np.save(os.path.join(args.out, name), clip.landmarks)
        entries.append(
            {
                "file": name,
                "kind": clip.kind,
                "frames": int(len(clip.landmarks)),
                "gestures": [list(g) for g in clip.gestures],
                "image_size": list(clip.meta["image_size"]),
                "direction_deg_pixels": clip.meta["direction_deg_pixels"],
                "meta": clip.meta,
            }
        )
    doc = {"generator": "blind16", "seed": args.seed, "clean": bool(args.clean), "fps": FPS, "labels": list(LABELS), "clips": entries}
    with open(os.path.join(args.out, "labels.json"), "w") as fh:
        json.dump(_jsonable(doc), fh)
    print(f"wrote {len(clips)} clips to {args.out} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
