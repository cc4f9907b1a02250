"""Blind generator 19: synthetic MediaPipe-style hand-landmark clips of people gesturing at a robot.

This generator was written without reading any other gesture generator or the code it is used to
evaluate. Everything below is its own design.

What is modeled
----------------
* Hand: a 3-D skeleton in a hand frame (wrist at the origin, +y toward the middle finger, +z out of
  the palm). Each person gets a hand length (15.5-20.5 cm), palm width and length, per-finger and
  per-phalanx length factors, finger splay, a thumb with its own carpometacarpal joint (radial and
  palmar abduction plus MCP / IP flexion in a tilted bending plane), MCP hyper-extension, fist
  tightness, a palm-cupping arch, finger "enslaving" (neighbors of an extended finger uncurl a
  little) and a tendency to point with a lazily bent index. Left hands are the mirror image.
* Motion: each clip is a timeline of key poses (wrist position, hand orientation, 21 articulation
  angles) joined by minimum-jerk segments with per-channel time warps (the hand shape can form
  early or late relative to the arm), curved paths (bows), staggered finger closing, and
  overlays for rhythmic movements (beckoning, scratching, tapping, talking beats). On top sit
  slow postural drift, body sway, 7-12 Hz physiological tremor and small finger wander.
* Gestures: stop (optional push, then an open palm held toward the camera), point (held aim or a
  reach that extends the index; pointing directions all round the image plane and partly toward
  the camera; several palm rolls; thumb tucked or out; optional emphasis jabs), swipes (four
  hand carriages - palm leading, palm to camera, backhand, palm flat - with whip-like wrist
  motion, bowed paths, skewed speed profiles and lengths from 1.3 to 5 hand lengths), grab
  (table, side and mid-air grasps: reach, staggered closing into a fist, lift or pull back) and
  come_here (palm-up all-finger curl, palm-up index curl, palm-to-body wrist flap and the
  palm-down beckon).
* Unlabeled activity: settling, resting the arm down (often out of frame), resting on a table with
  finger taps, scratching the face or the other arm, talking hands, adjusting glasses, touching
  the chin, looking at a watch, thumb fidgeting and leaving the frame. Preparation and retraction
  movements use a relaxed hand; no idle pose holds an open palm toward the camera or an
  index-only hand, and idle lateral movements are kept short.
* Scene: image sizes from VGA to 1080p including portrait phones, horizontal field of view
  40-95 degrees, barrel distortion, camera roll up to 20 degrees, camera pitch, person yaw,
  mirrored self-view cameras, hands from about 6 % to 55 % of the short image side, and a framing
  step that keeps the labeled gestures (mostly) inside the picture while idle activity may leave.
* Tracker: crop-window wobble (a slowly varying similarity transform), per-landmark noise
  (fingertips noisier, depth much noisier and rescaled), motion-blur lag and finger shrinkage at
  high speed, a one-euro or exponential smoothing filter (or none) that lags, loss when the hand
  leaves the frame, is tiny or moves fast, bursty (Markov) and single drop-outs, re-detection
  latency, and lost frames written as all-NaN, all-zero or held repeats (holds that time out turn
  into NaN or zeros).
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

_SALT = 190_019
_KIND_SALT = 190_020
_TRACK_SALT = 190_021
_BLOCK = ("tight",) * 6 + ("margin",) * 5 + ("pair",) * 5 + ("recording",) * 4
_SWIPES = ("swipe_left", "swipe_right", "swipe_up", "swipe_down")
_PAIR_FAMILIES = (("point", "swipe"), ("grab", "swipe"), ("point", "grab"), ("point", "come_here"))
_MIN_FRAMES = int(math.ceil(MIN_GESTURE_S * FPS))
_MAX_FRAMES = int(math.floor(MAX_GESTURE_S * FPS))

# World frame: the person as an untilted camera would see them. x to image right, y down, z away
# from the camera (into the scene). The person faces the camera.
_UP = np.array([0.0, -1.0, 0.0])
_DOWN = -_UP
_TOWARD = np.array([0.0, 0.0, -1.0])
_AWAY = -_TOWARD
_THUMB_BEND = np.array([-0.75, 0.55, -0.1]) / np.linalg.norm([-0.75, 0.55, -0.1])
_ABD_SHAPE = np.array([0.9, 0.1, -0.5, -1.1])


@dataclass
class Blind19Clip:
    landmarks: np.ndarray
    gestures: tuple[tuple[str, int, int, float | None], ...]
    kind: str
    meta: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------
# small geometry helpers


def _unit(v):
    v = np.asarray(v, dtype=float)
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)


def _mj(x):
    """Minimum-jerk profile on [0, 1]."""
    return x * x * x * (10.0 - 15.0 * x + 6.0 * x * x)


def _skew(k):
    z = np.zeros(k.shape[:-1])
    return np.stack(
        [
            np.stack([z, -k[..., 2], k[..., 1]], -1),
            np.stack([k[..., 2], z, -k[..., 0]], -1),
            np.stack([-k[..., 1], k[..., 0], z], -1),
        ],
        -2,
    )


def _rotvec_to_matrix(rv):
    rv = np.asarray(rv, dtype=float)
    th = np.linalg.norm(rv, axis=-1)
    k = rv / np.where(th < 1e-12, 1.0, th)[..., None]
    kk = _skew(k)
    s = np.sin(th)[..., None, None]
    c = (1.0 - np.cos(th))[..., None, None]
    return np.eye(3) + s * kk + c * (kk @ kk)


def _matrix_to_rotvec(r):
    c = float(np.clip((np.trace(r) - 1.0) / 2.0, -1.0, 1.0))
    th = math.acos(c)
    if th < 1e-9:
        return np.zeros(3)
    if th > math.pi - 1e-4:
        m = (r + np.eye(3)) / 2.0
        i = int(np.argmax(np.diag(m)))
        axis = m[:, i] / math.sqrt(max(m[i, i], 1e-12))
        return _unit(axis) * th
    v = np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]]) / (2.0 * math.sin(th))
    return v * th


def _axis_angle(axis, deg):
    return _rotvec_to_matrix(_unit(axis) * math.radians(deg))


def _orient(distal, palmar):
    """Hand orientation: columns are the hand's x (thumb side of a right hand), y (distal), z (palmar)."""
    y = _unit(distal)
    n = np.asarray(palmar, dtype=float)
    z = n - np.dot(n, y) * y
    if np.linalg.norm(z) < 1e-6:
        alt = np.array([1.0, 0.0, 0.0]) if abs(y[0]) < 0.9 else np.array([0.0, 0.0, 1.0])
        z = alt - np.dot(alt, y) * y
    z = _unit(z)
    return np.column_stack([np.cross(y, z), y, z])


def _rot_angle(r0, r1):
    return float(np.linalg.norm(_matrix_to_rotvec(r0.T @ r1)))


def _slerp(r0, r1, s):
    return r0 @ _rotvec_to_matrix(s * _matrix_to_rotvec(r0.T @ r1))


# ----------------------------------------------------------------------------------------------
# people, hands and poses


@dataclass
class _Person:
    length: float
    sign: int  # +1 right hand, -1 left hand
    seg: np.ndarray  # (5, 3) phalanx lengths (index, middle, ring, pinky, thumb), meters
    mcp: np.ndarray  # (4, 3) MCP positions in the hand frame
    cmc: np.ndarray  # (3,) thumb CMC position
    splay: np.ndarray  # (4,) degrees
    cup_z: np.ndarray  # (4,) meters of palmar MCP shift per unit of cupping
    hyper: float
    flex: float
    coupling: float
    spread: float
    lazy: float
    speed: float
    tremor: float
    sway: float
    drift: float
    fidget: float


def _sample_person(rng) -> _Person:
    length = rng.uniform(0.155, 0.205)
    sign = 1 if rng.random() < 0.62 else -1
    base = np.array([[0.215, 0.13, 0.10], [0.245, 0.16, 0.105], [0.23, 0.15, 0.10], [0.175, 0.11, 0.09], [0.21, 0.165, 0.13]])
    finger_f = np.clip(rng.normal(1.0, 0.05, 5), 0.86, 1.14)
    seg = base * finger_f[:, None] * np.clip(rng.normal(1.0, 0.035, (5, 3)), 0.9, 1.1) * length
    palm_w = np.clip(rng.normal(1.0, 0.07), 0.85, 1.18)
    palm_l = np.clip(rng.normal(1.0, 0.05), 0.88, 1.12)
    mcp = np.array([[0.165, 0.435, 0.0], [0.055, 0.455, 0.0], [-0.045, 0.43, 0.0], [-0.135, 0.39, 0.0]])
    mcp = mcp * np.array([palm_w, palm_l, 1.0]) * length
    mcp[:, 1] += rng.normal(0, 0.008, 4) * length
    cmc = np.array([0.12 * palm_w, 0.10 * palm_l, 0.03]) * length
    splay = np.array([8.0, 0.0, -6.0, -13.0]) + rng.normal(0, 2.0, 4)
    cup_z = np.array([0.02, 0.0, 0.025, 0.055]) * length
    return _Person(
        length=length,
        sign=sign,
        seg=seg,
        mcp=mcp,
        cmc=cmc,
        splay=splay,
        cup_z=cup_z,
        hyper=rng.uniform(0.0, 25.0),
        flex=rng.uniform(0.85, 1.05),
        coupling=rng.uniform(0.0, 0.3),
        spread=rng.uniform(0.0, 1.0),
        lazy=rng.uniform(0.0, 1.0) ** 2,
        speed=float(np.clip(np.exp(rng.normal(0.0, 0.22)), 0.6, 1.6)),
        tremor=rng.uniform(0.0004, 0.0025),
        sway=rng.uniform(0.003, 0.02),
        drift=rng.uniform(0.003, 0.012),
        fidget=rng.uniform(0.0, 1.0),
    )


def _pose(mcp, pip, dip, abd, thumb, cup):
    a = np.zeros(21)
    a[0:16:4], a[1:16:4], a[2:16:4], a[3:16:4] = mcp, pip, dip, abd
    a[16:20] = thumb
    a[20] = cup
    return a


def _pose_open(p, rng, flat=1.0, spread=None):
    s = max(0.0, p.spread * 14.0 + rng.normal(0, 2.0) if spread is None else spread)
    curl = 1.0 - flat
    mcp = -p.hyper * rng.uniform(0.5, 1.0, 4) * flat + curl * rng.uniform(10, 30, 4)
    pip = rng.uniform(0, 6, 4) + curl * rng.uniform(10, 35, 4)
    dip = rng.uniform(-4, 6, 4) + curl * rng.uniform(5, 20, 4)
    abd = s * _ABD_SHAPE + rng.normal(0, 1.5, 4)
    thumb = [rng.uniform(38, 55) + 0.8 * s, rng.uniform(3, 14) + curl * 15, rng.uniform(-5, 12), rng.uniform(-12, 10)]
    return _pose(mcp, pip, dip, abd, thumb, 0.5 * curl)


def _pose_fist(p, rng):
    f = p.flex
    thumb = [rng.uniform(28, 42), rng.uniform(25, 40), rng.uniform(25, 42), rng.uniform(25, 50)]
    return _pose(
        rng.uniform(78, 95, 4) * f,
        rng.uniform(92, 110, 4) * f,
        rng.uniform(40, 65, 4) * f,
        np.array([3.0, 0.0, -2.0, -5.0]) + rng.normal(0, 1.5, 4),
        thumb,
        rng.uniform(0.5, 1.0),
    )


def _pose_point(p, rng):
    a = _pose_fist(p, rng)
    lazy = p.lazy * rng.uniform(0.5, 1.0)
    a[0:4] = [rng.uniform(-8, 10), rng.uniform(0, 10) + lazy * 25, rng.uniform(0, 8) + lazy * 12, rng.uniform(0, 6)]
    a[4] -= p.coupling * 35
    a[5] -= p.coupling * 40
    if rng.random() < 0.6:
        a[16:20] = np.array([26.0, 38.0, 35.0, 35.0]) + rng.normal(0, 4, 4)
    else:
        a[16:20] = np.array([45.0, 12.0, 8.0, 5.0]) + rng.normal(0, 5, 4)
    return a


def _pose_relaxed(p, rng, amount=1.0):
    return _pose(
        np.array([15.0, 22, 28, 34]) * amount + rng.normal(0, 5, 4),
        np.array([25.0, 32, 38, 42]) * amount + rng.normal(0, 6, 4),
        np.array([12.0, 15, 18, 20]) * amount + rng.normal(0, 4, 4),
        np.array([4.0, 0, -3, -7]) + rng.normal(0, 2, 4),
        np.array([32.0, 28, 15, 15]) + rng.normal(0, 4, 4),
        0.3,
    )


def _pose_claw(p, rng):
    return _pose(
        rng.uniform(15, 35, 4),
        rng.uniform(55, 80, 4),
        rng.uniform(35, 55, 4),
        np.array([2.0, 0, -2, -5]) + rng.normal(0, 2, 4),
        np.array([30.0, 35, 25, 30]) + rng.normal(0, 4, 4),
        0.5,
    )


def _pose_pinch(p, rng):
    a = _pose_relaxed(p, rng, rng.uniform(1.4, 1.9))
    a[0:4] = [rng.uniform(35, 50), rng.uniform(40, 55), rng.uniform(15, 30), 2.0]
    a[16:20] = np.array([30.0, 45, 20, 10]) + rng.normal(0, 3, 4)
    return a


def _hand_local(p: _Person, art):
    """Forward kinematics: articulation (T, 21) in degrees (cupping in [0, 1]) -> (T, 21, 3) meters."""
    a = np.radians(art)
    n = art.shape[0]
    out = np.zeros((n, 21, 3))
    zero = np.zeros(n)
    palmar = np.array([0.0, 0.0, 1.0])
    for k in range(4):
        ab = math.radians(p.splay[k]) + a[:, 4 * k + 3]
        f = np.stack([np.sin(ab), np.cos(ab), zero], -1)
        pt = np.tile(p.mcp[k], (n, 1))
        pt[:, 2] += art[:, 20] * p.cup_z[k]
        out[:, 5 + 4 * k] = pt
        th = np.cumsum(a[:, 4 * k : 4 * k + 3], axis=1)
        for j in range(3):
            d = np.cos(th[:, j])[:, None] * f + np.sin(th[:, j])[:, None] * palmar
            pt = pt + p.seg[k, j] * d
            out[:, 6 + 4 * k + j] = pt
    ar, ap = a[:, 16], a[:, 17]
    u0 = np.stack([np.sin(ar) * np.cos(ap), np.cos(ar) * np.cos(ap), np.sin(ap)], -1)
    w = _THUMB_BEND - (u0 @ _THUMB_BEND)[:, None] * u0
    w = _unit(w)
    out[:, 1] = p.cmc
    pt = p.cmc + p.seg[4, 0] * u0
    out[:, 2] = pt
    th1 = a[:, 18]
    th2 = th1 + a[:, 19]
    pt = pt + p.seg[4, 1] * (np.cos(th1)[:, None] * u0 + np.sin(th1)[:, None] * w)
    out[:, 3] = pt
    out[:, 4] = pt + p.seg[4, 2] * (np.cos(th2)[:, None] * u0 + np.sin(th2)[:, None] * w)
    if p.sign < 0:
        out[..., 0] *= -1.0
    return out


# ----------------------------------------------------------------------------------------------
# timeline of key poses


class _Timeline:
    def __init__(self, pos, rot, art):
        self.t = [0.0]
        self.pos = [np.asarray(pos, float)]
        self.rot = [np.asarray(rot, float)]
        self.art = [np.asarray(art, float)]
        self.bow = [np.zeros(3)]
        self.gp = [1.0]
        self.gr = [1.0]
        self.ga = [1.0]
        self.delay = [np.zeros(21)]
        self.overlays = []

    @property
    def now(self):
        return self.t[-1]

    def state(self):
        return self.pos[-1].copy(), self.rot[-1].copy(), self.art[-1].copy()

    def go(self, dur, pos=None, rot=None, art=None, bow=None, gp=1.0, gr=1.0, ga=1.0, delay=None):
        dur = max(float(dur), 1e-3)
        p0, r0, a0 = self.state()
        self.t.append(self.now + dur)
        self.pos.append(p0 if pos is None else np.asarray(pos, float))
        self.rot.append(r0 if rot is None else np.asarray(rot, float))
        self.art.append(a0 if art is None else np.asarray(art, float))
        self.bow.append(np.zeros(3) if bow is None else np.asarray(bow, float))
        self.gp.append(gp)
        self.gr.append(gr)
        self.ga.append(ga)
        self.delay.append(np.zeros(21) if delay is None else np.asarray(delay, float))

    def hold(self, dur):
        if dur > 1e-4:
            self.go(dur)

    def snap(self):
        """Stretch the last segment so that the timeline ends on a frame boundary."""
        end = math.ceil(self.now * FPS - 1e-6) / FPS
        self.t[-1] = max(end, self.t[-1])

    def overlay(self, t0, t1, fn):
        self.overlays.append((t0, t1, fn))

    def evaluate(self, n_frames):
        tf = np.arange(n_frames) / FPS
        times = np.asarray(self.t)
        nseg = len(times) - 1
        pos_k = np.asarray(self.pos)
        art_k = np.asarray(self.art)
        if nseg == 0:
            pos = np.repeat(pos_k[:1], n_frames, 0)
            rot = np.repeat(self.rot[0][None], n_frames, 0)
            art = np.repeat(art_k[:1], n_frames, 0)
        else:
            k = np.clip(np.searchsorted(times, tf, side="right"), 1, nseg)
            tau = np.clip((tf - times[k - 1]) / np.maximum(times[k] - times[k - 1], 1e-9), 0.0, 1.0)
            gp, gr, ga = np.asarray(self.gp)[k], np.asarray(self.gr)[k], np.asarray(self.ga)[k]
            sp = _mj(tau**gp)[:, None]
            pos = pos_k[k - 1] + sp * (pos_k[k] - pos_k[k - 1]) + 4.0 * sp * (1.0 - sp) * np.asarray(self.bow)[k]
            omega = np.zeros((nseg + 1, 3))
            for j in range(1, nseg + 1):
                omega[j] = _matrix_to_rotvec(self.rot[j - 1].T @ self.rot[j])
            r0 = np.asarray(self.rot)[k - 1]
            sr = _mj(tau**gr)[:, None]
            rot = r0 @ _rotvec_to_matrix(sr * omega[k])
            delay = np.asarray(self.delay)
            dmax = delay.max(axis=1)
            ta = (tau**ga)[:, None]
            sa = _mj(np.clip((ta - delay[k]) / np.maximum(1.0 - dmax[k], 1e-3)[:, None], 0.0, 1.0))
            art = art_k[k - 1] + sa * (art_k[k] - art_k[k - 1])
        for t0, t1, fn in self.overlays:
            m = (tf >= t0) & (tf < t1)
            if not m.any():
                continue
            res = fn(tf[m] - t0)
            if "pos" in res:
                pos[m] += res["pos"]
            if "art" in res:
                art[m] += res["art"]
            if "rot" in res:
                rot[m] = rot[m] @ _rotvec_to_matrix(res["rot"])
        return pos, rot, art


# ----------------------------------------------------------------------------------------------
# camera and scene


@dataclass
class _Camera:
    width: int
    height: int
    f: float
    cx: float
    cy: float
    k1: float
    mirror: bool
    rot: np.ndarray
    t: np.ndarray
    roll: float
    pitch: float
    yaw: float
    hfov: float


_SIZES = ((640, 480), (1280, 720), (1920, 1080), (960, 540), (720, 1280), (480, 640), (1024, 768), (848, 480), (1080, 1920))
_SIZE_W = np.array([0.22, 0.22, 0.14, 0.08, 0.08, 0.06, 0.07, 0.08, 0.05])


def _sample_camera(rng, p: _Person) -> _Camera:
    w, h = _SIZES[int(rng.choice(len(_SIZES), p=_SIZE_W / _SIZE_W.sum()))]
    hfov = rng.uniform(48, 95) if w > h else rng.uniform(40, 70)
    f = w / (2.0 * math.tan(math.radians(hfov) / 2.0))
    roll = rng.normal(0, 3.0) if rng.random() < 0.7 else rng.uniform(-20, 20)
    roll = float(np.clip(roll, -20, 20))
    pitch = float(np.clip(rng.normal(0, 8.0), -20, 20))
    yaw = float(np.clip(rng.normal(0, 10.0), -28, 28))
    rz = _axis_angle([0, 0, 1], roll)
    rx = _axis_angle([1, 0, 0], pitch)
    ry = _axis_angle([0, 1, 0], yaw)
    size_frac = math.exp(rng.uniform(math.log(0.06), math.log(0.55)))
    depth = max(0.28, p.length * f / (size_frac * min(w, h)))
    u0, v0 = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.68)
    t = np.array([(u0 - 0.5) * w * depth / f, (v0 - 0.5) * h * depth / f, depth])
    k1 = rng.uniform(-0.16, 0.03) * (hfov / 95.0) ** 2
    return _Camera(
        width=w,
        height=h,
        f=f,
        cx=w / 2 + rng.normal(0, 0.01 * w),
        cy=h / 2 + rng.normal(0, 0.01 * h),
        k1=k1,
        mirror=bool(rng.random() < 0.3),
        rot=rz @ rx @ ry,
        t=t,
        roll=roll,
        pitch=pitch,
        yaw=yaw,
        hfov=hfov,
    )


def _project(world, cam: _Camera):
    pc = world @ cam.rot.T + cam.t
    z = np.maximum(pc[..., 2], 0.05)
    xn, yn = pc[..., 0] / z, pc[..., 1] / z
    d = 1.0 + cam.k1 * (xn * xn + yn * yn)
    u = (cam.f * xn * d + cam.cx) / cam.width
    v = (cam.f * yn * d + cam.cy) / cam.height
    if cam.mirror:
        u = 1.0 - u
    zw = z[..., :1]
    zz = (z - zw) * cam.f / (zw * cam.width)
    return np.stack([u, v, zz], -1)


def _fit_camera(world, frames, cam: _Camera, rng):
    """Move (and if needed pull back) the camera so that the labeled frames are in the picture."""
    margin = rng.uniform(-0.02, 0.05)
    sub = world[frames]
    for _ in range(6):
        uv = _project(sub, cam)[..., :2]
        lo = uv.reshape(-1, 2).min(0)
        hi = uv.reshape(-1, 2).max(0)
        room = 1.0 - 2.0 * margin
        ext = hi - lo
        if (ext > room).any():
            k = float((ext / room).max()) * 1.03
            cam.t = cam.t * k
            continue
        shift = np.zeros(2)
        for a in range(2):
            if lo[a] < margin:
                shift[a] = margin - lo[a]
            elif hi[a] > 1.0 - margin:
                shift[a] = (1.0 - margin) - hi[a]
        if np.abs(shift).max() < 1e-3:
            break
        if cam.mirror:
            shift[0] = -shift[0]
        cam.t[0] += shift[0] * cam.width * cam.t[2] / cam.f
        cam.t[1] += shift[1] * cam.height * cam.t[2] / cam.f


@dataclass
class _Ctx:
    rng: np.random.Generator
    person: _Person
    cam: _Camera
    out: np.ndarray
    med: np.ndarray
    ds: float  # how much depth motion the framing allows (close cameras: less)
    lat: float  # scale for idle lateral movements
    ready_rot: np.ndarray = None


# ----------------------------------------------------------------------------------------------
# movements


def _move(tl, ctx, pos, rot, art, speed=0.55, max_dur=None, ga=0.5):
    """An unlabeled transition (retraction, idle move) with a relaxed timing."""
    rng, p = ctx.rng, ctx.person
    p0, r0, _ = tl.state()
    dist = float(np.linalg.norm(np.asarray(pos) - p0))
    dur = (0.35 + dist / speed + _rot_angle(r0, rot) / 4.0) / p.speed
    dur = float(np.clip(dur, 0.35, 1.6))
    if max_dur is not None:
        dur = max(0.25, min(dur, max_dur))
    side = _unit(rng.normal(0, 1, 3))
    bow = side * dist * rng.uniform(0.0, 0.15)
    tl.go(dur, pos, rot, art, bow=bow, gp=rng.uniform(0.8, 1.1), gr=rng.uniform(0.8, 1.1), ga=ga)
    return dur


def _prep(tl, ctx, pos, rot, art):
    """Preparation into a gesture: the hand shape forms late; ends on a frame boundary."""
    rng, p = ctx.rng, ctx.person
    p0, r0, _ = tl.state()
    dist = float(np.linalg.norm(np.asarray(pos) - p0))
    dur = (0.22 + dist / 0.75 + _rot_angle(r0, rot) / 5.0) / p.speed
    dur = float(np.clip(dur, 0.25, 1.3))
    side = _unit(rng.normal(0, 1, 3))
    bow = side * dist * rng.uniform(0.0, 0.12)
    tl.go(dur, pos, rot, art, bow=bow, gp=rng.uniform(0.85, 1.15), gr=0.9, ga=rng.uniform(1.1, 1.6))
    tl.snap()


def _relaxed_rot(ctx):
    rng = ctx.rng
    d = _UP * rng.uniform(0.3, 1.0) + _TOWARD * rng.uniform(0.2, 0.8) + ctx.med * rng.uniform(-0.2, 0.5)
    n = ctx.med + _DOWN * rng.uniform(-0.3, 0.8) + _AWAY * rng.uniform(0.0, 0.5)
    return _orient(d, n)


def _ready(ctx):
    rng = ctx.rng
    pos = rng.normal(0, 0.02, 3) * np.array([1.0, 1.0, ctx.ds])
    return pos, _relaxed_rot(ctx), _pose_relaxed(ctx.person, rng, rng.uniform(0.8, 1.3))


def _stop(tl, ctx, n):
    rng, p = ctx.rng, ctx.person
    dur = n / FPS
    d = _axis_angle(_TOWARD, rng.normal(0, 10)) @ _UP
    d = _axis_angle([1, 0, 0], rng.normal(0, 8)) @ d
    palm = _axis_angle(_UP, rng.normal(0, 10)) @ _TOWARD
    palm = _axis_angle([1, 0, 0], rng.normal(0, 8)) @ palm
    rot = _orient(d, palm)
    art = _pose_open(p, rng, flat=rng.uniform(0.85, 1.0))
    pos = rng.normal(0, 0.03, 3) * np.array([1, 1, 0]) + _UP * rng.uniform(0, 0.08) + _TOWARD * rng.uniform(0, 0.12) * ctx.ds
    push = rng.random() < 0.6
    if push:
        pre_pos = pos + _AWAY * rng.uniform(0.04, 0.1) * ctx.ds + _DOWN * rng.uniform(0, 0.04)
        pre_rot = _axis_angle(rot[:, 0], rng.uniform(-30, -15)) @ rot
        pre_art = art + 0.35 * (_pose_relaxed(p, rng) - art)
        _prep(tl, ctx, pre_pos, pre_rot, pre_art)
        t0 = tl.now
        tp = min(rng.uniform(0.15, 0.35) / p.speed, 0.45 * dur)
        tl.go(tp, pos, rot, art, gp=0.8, ga=0.8)
        tl.hold(dur - tp)
    else:
        _prep(tl, ctx, pos, rot, art)
        t0 = tl.now
        tl.hold(dur)
    return t0, "push" if push else "held"


def _point(tl, ctx, n):
    rng, p = ctx.rng, ctx.person
    dur = n / FPS
    phi = math.radians(rng.uniform(0, 360))
    eps = math.radians(rng.uniform(-15, 50))
    d_img = np.array([math.cos(phi), -math.sin(phi), 0.0])
    dp = _unit(math.cos(eps) * d_img + math.sin(eps) * _TOWARD)
    if abs(dp @ _UP) < 0.8:
        base = _DOWN
    elif dp @ _UP > 0:
        base = _TOWARD if rng.random() < 0.5 else ctx.med
    else:
        base = _AWAY
    base = _unit(base - (base @ dp) * dp)
    psi = float(np.clip(rng.normal(0, 35), -80, 80))
    rot = _orient(dp, _axis_angle(dp, psi) @ base)
    art = _pose_point(p, rng)
    reach_len = rng.uniform(0.04, 0.25)
    dpos = dp * np.array([1.0, 1.0, ctx.ds])
    final = rng.normal(0, 0.025, 3) * np.array([1, 1, ctx.ds]) + dpos * reach_len
    reach = rng.random() < 0.5
    if reach:
        start = final - dpos * reach_len * rng.uniform(0.6, 1.0) + _DOWN * rng.uniform(0.0, 0.06)
        r_start = _slerp(ctx.ready_rot, rot, rng.uniform(0.45, 0.8))
        a_start = art + rng.uniform(0.4, 0.7) * (_pose_relaxed(p, rng) - art)
        _prep(tl, ctx, start, r_start, a_start)
        t0 = tl.now
        tr = float(np.clip(rng.uniform(0.3, 0.65) / p.speed, 0.25, 0.6 * dur))
        tl.go(tr, final, rot, art, ga=0.7, gp=rng.uniform(0.8, 1.1))
        tl.hold(dur - tr)
        hold0 = t0 + tr
    else:
        _prep(tl, ctx, final, rot, art)
        t0 = tl.now
        tl.hold(dur)
        hold0 = t0
    hold_len = t0 + dur - hold0
    if rng.random() < 0.25 and hold_len > 0.5:
        amp = rng.uniform(0.015, 0.04) * dpos
        njab = int(rng.integers(1, 3))
        length = hold_len * rng.uniform(0.5, 0.9)

        def jab(tt, amp=amp, njab=njab, length=length):
            ph = np.clip(tt / length, 0, 1) * njab
            return {"pos": (np.sin(np.pi * ph) ** 2)[:, None] * amp}

        tl.overlay(hold0, hold0 + length, jab)
    return t0, "reach" if reach else "held"


def _swipe(tl, ctx, n, label):
    rng, p, cam = ctx.rng, ctx.person, ctx.cam
    dur = n / FPS
    horizontal = label in ("swipe_left", "swipe_right")
    sgn = -1.0 if label in ("swipe_left", "swipe_up") else 1.0
    if horizontal:
        u = np.array([sgn * (-1.0 if cam.mirror else 1.0), 0.0, 0.0])
    else:
        u = np.array([0.0, sgn, 0.0])
    u = _axis_angle(_TOWARD, rng.uniform(-10, 10)) @ u
    u = _unit(u + _AWAY * rng.uniform(-0.2, 0.2) * ctx.ds)
    span_px = cam.width if horizontal else cam.height
    a_max = 0.85 * span_px * cam.t[2] / cam.f
    amp = min(p.length * rng.uniform(1.3, 5.0), a_max)
    h0 = rng.uniform(0.0, 0.12)
    h1 = rng.uniform(0.0, 0.12)
    move = dur - h0 - h1
    if move < 0.3:
        h0 = h1 = 0.0
        move = dur
    amp = min(amp, 1.7 * move)  # average speed limit
    center = rng.normal(0, 0.03, 3) * np.array([1, 1, ctx.ds]) + _UP * rng.uniform(-0.03, 0.08)
    start = center - u * amp * (0.5 + rng.uniform(-0.15, 0.15))
    end = start + u * amp
    perp = _unit(np.cross(u, _TOWARD))
    bow = perp * amp * rng.uniform(-0.15, 0.15) + _TOWARD * amp * rng.uniform(0, 0.12) * ctx.ds
    mode = str(rng.choice(["palm_leading", "palm_camera", "backhand", "flat"], p=[0.3, 0.3, 0.2, 0.2]))
    if mode == "palm_leading":
        distal = _UP + ctx.med * 0.2 if horizontal else _TOWARD + ctx.med * 0.4
        palm = u
    elif mode == "palm_camera":
        distal, palm = _UP + ctx.med * rng.uniform(-0.2, 0.3), _TOWARD
    elif mode == "backhand":
        distal = _UP + ctx.med * 0.2 if horizontal else _TOWARD + ctx.med * 0.4
        palm = -u
    else:
        distal = _TOWARD + ctx.med * rng.uniform(0.2, 0.8)
        palm = _DOWN if (horizontal or sgn > 0) else _UP
    rmid = _orient(distal, palm)
    axis = np.cross(rmid[:, 1], u)
    axis = rmid[:, 0] if np.linalg.norm(axis) < 0.2 else axis
    whip = rng.uniform(5, 30)
    r_start = _axis_angle(axis, -whip) @ rmid
    r_end = _axis_angle(axis, whip) @ rmid
    art = _pose_open(p, rng, flat=rng.uniform(0.6, 1.0))
    _prep(tl, ctx, start, r_start, art)
    t0 = tl.now
    tl.hold(h0)
    gamma = rng.uniform(0.75, 1.35)
    art_end = art + rng.normal(0, 4, 21) * np.r_[np.ones(20), 0]
    tl.go(move, end, r_end, art_end, bow=bow, gp=gamma, gr=gamma * rng.uniform(0.8, 1.0), ga=1.0)
    tl.hold(h1)
    return t0, mode


def _grab(tl, ctx, n):
    rng, p = ctx.rng, ctx.person
    dur = n / FPS
    mode = str(rng.choice(["table", "side", "air"], p=[0.45, 0.3, 0.25]))
    if mode == "table":
        palm, distal = _DOWN + 0.3 * _TOWARD, _TOWARD + 0.6 * _DOWN + 0.2 * ctx.med
        reach_dir, lift_dir = _unit(_TOWARD * ctx.ds + 0.6 * _DOWN), _unit(_UP + 0.3 * _AWAY)
    elif mode == "side":
        palm, distal = ctx.med + 0.2 * _TOWARD, 0.7 * _TOWARD + 0.5 * _UP
        reach_dir, lift_dir = _unit(_TOWARD * ctx.ds + 0.2 * ctx.med), _unit(_AWAY + 0.5 * _UP)
    else:
        palm, distal = _TOWARD + 0.3 * _DOWN, _UP + 0.3 * ctx.med
        reach_dir, lift_dir = _unit(_TOWARD * ctx.ds + 0.1 * _UP), _unit(_AWAY + 0.2 * _DOWN)
    rot = _axis_angle(rng.normal(0, 1, 3), rng.uniform(0, 15)) @ _orient(distal, palm)
    open_art = _pose_open(p, rng, flat=rng.uniform(0.7, 1.0), spread=rng.uniform(5, 15))
    fist = _pose_fist(p, rng)
    start = rng.normal(0, 0.03, 3) * np.array([1, 1, ctx.ds]) + (_DOWN * 0.05 if mode == "table" else 0.0)
    do_reach = rng.random() < 0.7
    w = np.array([rng.uniform(0.2, 0.5) if do_reach else 0.0, rng.uniform(0.2, 0.45), rng.uniform(0.2, 0.5), rng.uniform(0.0, 0.3)])
    w = w / w.sum() * dur
    _prep(tl, ctx, start, rot, open_art)
    t0 = tl.now
    pos = start
    if do_reach:
        pos = start + reach_dir * rng.uniform(0.03, 0.15)
        tl.go(w[0], pos, _axis_angle(rng.normal(0, 1, 3), rng.uniform(0, 8)) @ rot, gp=rng.uniform(0.8, 1.2))
    delay = np.zeros(21)
    order = rng.uniform(0, 0.35) * (np.arange(4) / 3.0 if rng.random() < 0.5 else (3 - np.arange(4)) / 3.0)
    for k in range(4):
        delay[4 * k : 4 * k + 4] = order[k]
    delay[16:20] = rng.uniform(0, 0.35)
    tl.go(w[1], pos + reach_dir * 0.01, art=fist, delay=delay, ga=rng.uniform(0.8, 1.2))
    lifted = pos + lift_dir * rng.uniform(0.03, 0.12)
    tl.go(w[2], lifted, _axis_angle(rng.normal(0, 1, 3), rng.uniform(0, 10)) @ tl.rot[-1])
    tl.hold(w[3])
    tl.t[-1] = t0 + dur
    return t0, mode


def _come_here(tl, ctx, n):
    rng, p = ctx.rng, ctx.person
    dur = n / FPS
    variant = str(rng.choice(["palm_up", "index", "wrist_flap", "palm_down"], p=[0.45, 0.25, 0.2, 0.1]))
    wflex = 0.0
    pull = _AWAY * rng.uniform(0.0, 0.03) * ctx.ds
    ext = _pose_open(p, rng, flat=rng.uniform(0.7, 1.0), spread=rng.uniform(0, 8))
    curl = _pose(rng.uniform(55, 80, 4), rng.uniform(70, 100, 4), rng.uniform(30, 50, 4), ext[3:16:4], ext[16:20], ext[20])
    if variant in ("palm_up", "index"):
        a = math.radians(rng.uniform(10, 70))
        distal = math.cos(a) * _TOWARD + math.sin(a) * ctx.med + _UP * rng.uniform(0, 0.4)
        palm = _UP + _TOWARD * rng.uniform(-0.2, 0.3)
        wflex = rng.uniform(0, 15)
        if variant == "index":
            ext = _pose_point(p, rng)
            ext[16:20] = [40.0, 20.0, 10.0, 10.0]
            curl = ext.copy()
            curl[0:3] = [rng.uniform(45, 65), rng.uniform(80, 100), rng.uniform(40, 60)]
    elif variant == "wrist_flap":
        distal, palm = _UP + ctx.med * rng.uniform(0, 0.4), _AWAY + ctx.med * rng.uniform(-0.2, 0.3)
        wflex = rng.uniform(25, 50)
        curl = ext + rng.uniform(0.3, 0.7) * (curl - ext)
    else:
        distal, palm = _UP * 0.5 + _TOWARD * 0.6, _DOWN * 0.7 + _TOWARD * 0.5
        wflex = rng.uniform(10, 30)
    rot = _orient(distal, palm)
    pos = rng.normal(0, 0.03, 3) * np.array([1, 1, ctx.ds]) + _TOWARD * rng.uniform(0, 0.1) * ctx.ds
    _prep(tl, ctx, pos, rot, ext)
    t0 = tl.now
    tl.hold(dur)
    f0 = rng.uniform(1.2, 2.6) * p.speed
    cycles = int(np.clip(round(dur * f0), 2, 6))
    freq = cycles / dur
    sharp = rng.uniform(0.7, 1.3)
    delta = curl - ext
    rv = np.array([math.radians(wflex), 0.0, 0.0])

    def beckon(tt, freq=freq, sharp=sharp, delta=delta, rv=rv, pull=pull):
        c = (0.5 - 0.5 * np.cos(2 * np.pi * freq * tt)) ** sharp
        return {"art": c[:, None] * delta, "rot": c[:, None] * rv, "pos": c[:, None] * pull}

    tl.overlay(t0, t0 + dur, beckon)
    return t0, variant


def _gesture(tl, ctx, label, n):
    if label == "stop":
        return _stop(tl, ctx, n)
    if label == "point":
        return _point(tl, ctx, n)
    if label == "grab":
        return _grab(tl, ctx, n)
    if label == "come_here":
        return _come_here(tl, ctx, n)
    return _swipe(tl, ctx, n, label)


# ----------------------------------------------------------------------------------------------
# unlabeled activity


def _act_settle(tl, ctx, alloc):
    rng = ctx.rng
    pos = _DOWN * rng.uniform(0.03, 0.18) + ctx.med * rng.uniform(-0.05, 0.08) * ctx.lat + _AWAY * rng.uniform(0, 0.1) * ctx.ds
    m = _move(tl, ctx, pos, _relaxed_rot(ctx), _pose_relaxed(ctx.person, rng, rng.uniform(1.0, 1.5)), max_dur=alloc)
    tl.hold(alloc - m)


def _act_rest_down(tl, ctx, alloc):
    rng = ctx.rng
    pos = ctx.out * 0.06 * ctx.lat + _DOWN * rng.uniform(0.4, 0.6) + _AWAY * 0.15 * ctx.ds
    rot = _orient(_DOWN + 0.2 * _TOWARD, ctx.med + 0.3 * _AWAY)
    m = _move(tl, ctx, pos, rot, _pose_relaxed(ctx.person, rng, rng.uniform(0.7, 1.2)), speed=0.7, max_dur=alloc)
    tl.hold(alloc - m)


def _act_table(tl, ctx, alloc):
    rng = ctx.rng
    pos = _DOWN * rng.uniform(0.15, 0.3) + _TOWARD * rng.uniform(0, 0.08) * ctx.ds + ctx.med * rng.uniform(0, 0.08) * ctx.lat
    rot = _orient(_TOWARD + 0.6 * ctx.med + 0.2 * _DOWN, _DOWN)
    m = _move(tl, ctx, pos, rot, _pose_relaxed(ctx.person, rng, rng.uniform(0.5, 0.9)), max_dur=alloc)
    t_start = tl.now
    rest = alloc - m
    tl.hold(rest)
    n_taps = int(rng.integers(0, 4))
    for _ in range(n_taps):
        if rest < 0.4:
            break
        tt0 = t_start + rng.uniform(0, rest - 0.3)
        finger = int(rng.integers(0, 4))
        amp = np.zeros(21)
        amp[4 * finger] = rng.uniform(-25, -10)
        amp[4 * finger + 1] = rng.uniform(-10, 0)

        def tap(tt, amp=amp):
            return {"art": (np.sin(np.pi * np.clip(tt / 0.25, 0, 1)) ** 2)[:, None] * amp}

        tl.overlay(tt0, tt0 + 0.25, tap)


def _act_scratch(tl, ctx, alloc):
    rng = ctx.rng
    if rng.random() < 0.5:
        pos = ctx.med * 0.08 * ctx.lat + _UP * rng.uniform(0.22, 0.32) + _AWAY * 0.2 * ctx.ds
        rot = _orient(_UP + 0.4 * ctx.med, _AWAY + 0.3 * ctx.med)
    else:
        pos = ctx.med * rng.uniform(0.15, 0.25) * ctx.lat + _DOWN * rng.uniform(0.05, 0.15) + _AWAY * 0.05 * ctx.ds
        rot = _orient(ctx.med + 0.3 * _DOWN, _DOWN + 0.3 * _AWAY)
    m = _move(tl, ctx, pos, rot, _pose_claw(ctx.person, rng), max_dur=alloc)
    t_start = tl.now
    tl.hold(alloc - m)
    freq = rng.uniform(3.5, 6.0)
    amp = np.zeros(21)
    amp[0:16:4] = rng.uniform(8, 20)
    amp[1:16:4] = rng.uniform(5, 15)
    vec = rot[:, 1] * rng.uniform(0.004, 0.01)

    def scratch(tt, freq=freq, amp=amp, vec=vec):
        s = np.sin(2 * np.pi * freq * tt)
        env = np.clip(tt / 0.2, 0, 1)
        return {"art": (s * env)[:, None] * amp, "pos": (s * env)[:, None] * vec}

    tl.overlay(t_start, t_start + alloc - m, scratch)


def _act_talk(tl, ctx, alloc):
    rng, p = ctx.rng, ctx.person
    t_start = tl.now
    end = t_start + alloc
    while end - tl.now > 0.2:
        pos = (
            _DOWN * rng.uniform(0, 0.12)
            + ctx.med * rng.uniform(-0.04, 0.08) * ctx.lat
            + _TOWARD * rng.uniform(-0.02, 0.08) * ctx.ds
            + ctx.out * rng.uniform(0, 0.03) * ctx.lat
        )
        palm = _UP * rng.uniform(0, 1) + ctx.med * rng.uniform(0.3, 1) + _AWAY * rng.uniform(0, 0.4)
        distal = _TOWARD * rng.uniform(0.4, 1) + _UP * rng.uniform(0, 0.6) + ctx.med * rng.uniform(0, 0.4)
        art = _pose_relaxed(p, rng, rng.uniform(0.6, 1.5))
        d = min(rng.uniform(0.25, 0.6) / p.speed, end - tl.now)
        tl.go(d, pos, _orient(distal, palm), art, gp=rng.uniform(0.8, 1.3), ga=rng.uniform(0.6, 1.4))
    freq = rng.uniform(2.0, 3.5)
    amp = _DOWN * rng.uniform(0.005, 0.02) * max(ctx.ds, 0.5)

    def beats(tt, freq=freq, amp=amp):
        return {"pos": (np.abs(np.sin(np.pi * freq * tt)) ** 3)[:, None] * amp}

    tl.overlay(t_start, tl.now, beats)


def _act_glasses(tl, ctx, alloc):
    rng = ctx.rng
    pos = ctx.med * 0.1 * ctx.lat + _UP * rng.uniform(0.28, 0.36) + _AWAY * 0.25 * ctx.ds
    rot = _orient(_UP + 0.3 * ctx.med + 0.2 * _AWAY, _AWAY)
    m = _move(tl, ctx, pos, rot, _pose_pinch(ctx.person, rng), max_dur=alloc * 0.7)
    rest = alloc - m
    push = min(0.3, rest)
    tl.go(push, pos + _UP * rng.uniform(0.008, 0.02))
    tl.hold(rest - push)


def _act_leave(tl, ctx, alloc):
    rng = ctx.rng
    pos = ctx.out * 0.3 * ctx.lat + _DOWN * rng.uniform(0.5, 0.7) + _AWAY * 0.1 * ctx.ds
    rot = _orient(_DOWN + 0.2 * ctx.out, ctx.med)
    m = _move(tl, ctx, pos, rot, _pose_relaxed(ctx.person, rng), speed=0.6, max_dur=alloc)
    tl.hold(alloc - m)


def _act_chin(tl, ctx, alloc):
    rng = ctx.rng
    pos = ctx.med * 0.1 * ctx.lat + _UP * rng.uniform(0.15, 0.22) + _AWAY * 0.25 * ctx.ds
    rot = _orient(_UP + 0.5 * _AWAY, _AWAY + 0.3 * ctx.med)
    art = _pose_fist(ctx.person, rng) if rng.random() < 0.4 else _pose_relaxed(ctx.person, rng, 1.6)
    m = _move(tl, ctx, pos, rot, art, max_dur=alloc)
    tl.hold(alloc - m)


def _act_watch(tl, ctx, alloc):
    rng = ctx.rng
    pos = ctx.med * 0.06 * ctx.lat + _DOWN * 0.04 + _TOWARD * 0.03 * ctx.ds
    rot = _orient(ctx.med + 0.3 * _TOWARD, _DOWN + 0.2 * _AWAY)
    m = _move(tl, ctx, pos, rot, _pose_relaxed(ctx.person, rng), max_dur=alloc)
    tl.hold(alloc - m)


def _act_fidget(tl, ctx, alloc):
    rng = ctx.rng
    pos = _DOWN * rng.uniform(0.05, 0.2) + _AWAY * rng.uniform(0, 0.1) * ctx.ds
    m = _move(tl, ctx, pos, _relaxed_rot(ctx), _pose_relaxed(ctx.person, rng, rng.uniform(1.0, 1.5)), max_dur=alloc)
    t_start = tl.now
    tl.hold(alloc - m)
    freq = rng.uniform(2.0, 4.0)
    amp = np.zeros(21)
    amp[17] = rng.uniform(4, 10)
    amp[18] = rng.uniform(4, 10)
    amp[1] = rng.uniform(3, 8)

    def rub(tt, freq=freq, amp=amp):
        return {"art": np.sin(2 * np.pi * freq * tt)[:, None] * amp}

    tl.overlay(t_start, t_start + alloc - m, rub)


_ACTS = {
    "settle": (_act_settle, 1.0),
    "rest_down": (_act_rest_down, 1.0),
    "rest_table": (_act_table, 0.8),
    "scratch": (_act_scratch, 0.7),
    "talk": (_act_talk, 1.2),
    "glasses": (_act_glasses, 0.4),
    "leave_frame": (_act_leave, 0.5),
    "chin": (_act_chin, 0.5),
    "watch": (_act_watch, 0.4),
    "fidget": (_act_fidget, 0.7),
}


def _idle(tl, ctx, dur, names):
    rng = ctx.rng
    end = tl.now + dur
    keys = list(_ACTS)
    weights = np.array([_ACTS[k][1] for k in keys])
    weights[keys.index("talk")] *= 0.5 + ctx.person.fidget
    weights[keys.index("fidget")] *= 0.5 + ctx.person.fidget
    weights = weights / weights.sum()
    while end - tl.now > 0.25:
        remaining = end - tl.now
        if remaining < 0.9:
            name = "settle"
            alloc = remaining
        else:
            name = keys[int(rng.choice(len(keys), p=weights))]
            alloc = min(remaining, rng.uniform(0.9, 3.0))
            if remaining - alloc < 0.6:
                alloc = remaining
        _ACTS[name][0](tl, ctx, alloc)
        names.append(name)


# ----------------------------------------------------------------------------------------------
# life noise


def _smooth_noise(rng, n, step, shape, sigma):
    knots = rng.normal(0, 1, (n // step + 3,) + shape) * sigma
    x = np.arange(n) / step
    k = np.floor(x).astype(int)
    w = _mj(x - k)
    w = w.reshape((-1,) + (1,) * len(shape))
    return knots[k] * (1 - w) + knots[k + 1] * w


def _life(rng, p, n, ds):
    tf = np.arange(n) / FPS
    scale = np.array([1.0, 1.0, ds])
    pos = _smooth_noise(rng, n, int(rng.integers(20, 46)), (3,), p.drift) * scale
    sway_f = rng.uniform(0.15, 0.4)
    sway_dir = _unit(rng.normal(0, 1, 3) * np.array([1.0, 0.4, 1.0]))
    pos += (p.sway * np.sin(2 * np.pi * sway_f * tf + rng.uniform(0, 6.3)))[:, None] * sway_dir * scale
    env = 0.5 + np.abs(_smooth_noise(rng, n, 15, (), 1.0))
    trem = np.zeros((n, 3))
    for _ in range(3):
        fr = rng.uniform(7, 12)
        trem += np.sin(2 * np.pi * fr * tf + rng.uniform(0, 6.3))[:, None] * _unit(rng.normal(0, 1, 3))
    pos += (env * p.tremor / 2)[:, None] * trem + rng.normal(0, 0.0003, (n, 3))
    rot = _smooth_noise(rng, n, 25, (3,), math.radians(rng.uniform(0.8, 2.5)))
    rot += rng.normal(0, math.radians(0.15), (n, 3))
    art = _smooth_noise(rng, n, 15, (21,), rng.uniform(1.0, 3.0))
    art[:, 20] = 0.0
    return pos, rot, art


# ----------------------------------------------------------------------------------------------
# clip assembly


def _kind_for(seed, i):
    block = i // len(_BLOCK)
    order = np.random.default_rng([_KIND_SALT, seed, block]).permutation(len(_BLOCK))
    return _BLOCK[int(order[i % len(_BLOCK)])]


def _labels_for(rng, kind):
    if kind in ("tight", "margin"):
        return [LABELS[int(rng.integers(len(LABELS)))]]
    if kind == "pair":
        first, second = _PAIR_FAMILIES[int(rng.integers(len(_PAIR_FAMILIES)))]
        if second == "swipe":
            second = _SWIPES[int(rng.integers(4))]
        return [first, second]
    labels = []
    n = int(rng.integers(3, 6))
    while len(labels) < n:
        lab = LABELS[int(rng.integers(len(LABELS)))]
        if labels and lab == labels[-1]:
            continue
        labels.append(lab)
    return labels


_DUR_RANGE = {"point": (0.6, 2.8), "swipe": (0.5, 1.3), "grab": (0.7, 2.0), "come_here": (0.9, 3.0), "stop": (0.7, 3.0)}


def _frames_for(rng, label, speed):
    lo, hi = _DUR_RANGE["swipe" if label.startswith("swipe") else label]
    d = math.exp(rng.uniform(math.log(lo), math.log(hi))) / speed
    return int(np.clip(round(d * FPS), _MIN_FRAMES, _MAX_FRAMES))


def _openness(lm, w, h):
    p = lm * np.array([w, h, w], dtype=float)
    palm = np.linalg.norm(p[..., 9, :] - p[..., 0, :], axis=-1)
    tips = np.linalg.norm(p[..., [8, 12, 16, 20], :] - p[..., None, 0, :], axis=-1).mean(-1)
    return tips / np.maximum(palm, 1e-9)


def _index_direction(lm, w=1.0, h=1.0):
    v = (lm[:, 8, :2] - lm[:, 5, :2]).astype(float) * np.array([w, h], dtype=float)
    nrm = np.linalg.norm(v, axis=1)
    ok = nrm > 1e-12
    m = (v[ok] / nrm[ok, None]).mean(0)
    return math.degrees(math.atan2(-m[1], m[0])) % 360.0, float(np.linalg.norm(m))


def _valid(lm, spans, labels, cam):
    w, h = cam.width, cam.height
    scale = np.array([w, h, w], dtype=float)
    for (s, e), lab in zip(spans, labels):
        seg = lm[s:e]
        wrist = seg[:, 0, :2]
        if np.mean(((wrist >= 0) & (wrist <= 1)).all(-1)) < 0.9:
            return False
        if np.mean((seg[..., :2] >= -0.02) & (seg[..., :2] <= 1.02)) < 0.85:
            return False
        px = seg * scale
        palm = float(np.median(np.linalg.norm(px[:, 9] - px[:, 0], axis=-1)))
        if palm < 6.0:
            return False
        if lab.startswith("swipe"):
            ctr = px[:, [0, 5, 9, 13, 17], :2].mean(1)
            disp = ctr[-1] - ctr[0]
            want = {"swipe_left": (-1, 0), "swipe_right": (1, 0), "swipe_up": (0, -1), "swipe_down": (0, 1)}[lab]
            length = float(np.linalg.norm(disp))
            if length < 1.0 * palm or disp @ np.array(want) < math.cos(math.radians(40)) * length:
                return False
        elif lab == "point":
            _, res = _index_direction(seg, w, h)
            v2 = np.linalg.norm(px[:, 8, :2] - px[:, 5, :2], axis=-1)
            v3 = np.linalg.norm(px[:, 8] - px[:, 5], axis=-1)
            if res < 0.9 or np.mean(v2 / np.maximum(v3, 1e-9)) < 0.3:
                return False
        elif lab == "grab":
            op = _openness(seg, w, h)
            if op[:3].mean() - op[-3:].mean() < 0.5 or op[-3:].mean() > 1.25:
                return False
        elif lab == "stop":
            if _openness(seg, w, h).mean() < 1.5:
                return False
            nrm = np.cross(px[:, 5] - px[:, 0], px[:, 17] - px[:, 0])
            if np.mean(np.abs(nrm[:, 2]) / np.maximum(np.linalg.norm(nrm, axis=-1), 1e-9)) < 0.55:
                return False
    return True


def _attempt(seed, i, attempt, kind):
    rng = np.random.default_rng([_SALT, seed, i, attempt])
    p = _sample_person(rng)
    cam = _sample_camera(rng, p)
    out = np.array([-1.0 if p.sign > 0 else 1.0, 0.0, 0.0])
    ds = float(np.clip(cam.t[2] / 1.0, 0.3, 1.0))
    lat = float(min(1.0, 0.35 * cam.width * cam.t[2] / cam.f / 0.3))
    ctx = _Ctx(rng=rng, person=p, cam=cam, out=out, med=-out, ds=ds, lat=lat)
    ctx.ready_rot = _relaxed_rot(ctx)
    labels = _labels_for(rng, kind)
    frames = [_frames_for(rng, lab, p.speed) for lab in labels]
    if kind == "recording":
        while len(labels) > 3 and sum(frames) / FPS + 1.5 * len(labels) > 18.0:
            labels.pop()
            frames.pop()
    idle_names: list[str] = []
    variants: list[str] = []
    starts: list[float] = []
    pos0, rot0, art0 = _ready(ctx)
    if kind != "tight":
        pos0 = pos0 + _DOWN * rng.uniform(0.05, 0.4)
    tl = _Timeline(pos0, rot0, art0)

    def do(lab, nf):
        t0, var = _gesture(tl, ctx, lab, nf)
        starts.append(t0)
        variants.append(var)

    if kind == "tight":
        tl.hold(rng.uniform(0.1, 0.3))
        do(labels[0], frames[0])
        _act_settle(tl, ctx, 0.5)
    elif kind == "margin":
        _idle(tl, ctx, rng.uniform(0.5, 3.0), idle_names)
        do(labels[0], frames[0])
        _idle(tl, ctx, rng.uniform(0.5, 3.0), idle_names)
    elif kind == "pair":
        _idle(tl, ctx, rng.uniform(0.5, 2.0), idle_names)
        do(labels[0], frames[0])
        _idle(tl, ctx, rng.uniform(0.5, 2.5), idle_names)
        do(labels[1], frames[1])
        _idle(tl, ctx, rng.uniform(0.5, 2.0), idle_names)
    else:
        budget = rng.uniform(12.0, 17.5) - sum(frames) / FPS - 0.8 * len(labels)
        parts = rng.dirichlet(np.full(len(labels) + 1, 2.0)) * max(budget, 0.0)
        parts = np.maximum(parts, 0.6)
        for k, lab in enumerate(labels):
            _idle(tl, ctx, parts[k], idle_names)
            do(lab, frames[k])
        _idle(tl, ctx, parts[-1], idle_names)
    n_total = int(math.floor(tl.now * FPS)) + 1
    spans = [(int(round(t0 * FPS)), int(round(t0 * FPS)) + nf) for t0, nf in zip(starts, frames)]
    pos, rot, art = tl.evaluate(n_total)
    lp, lr, la = _life(rng, p, n_total, ds)
    pos = pos + lp
    rot = rot @ _rotvec_to_matrix(lr)
    art = art + la
    world = pos[:, None, :] + np.einsum("tij,tkj->tki", rot, _hand_local(p, art))
    if kind == "tight":
        lo = spans[0][0] - int(rng.integers(0, 3))
        hi = spans[0][1] + int(rng.integers(0, 3))
        world = world[lo:hi]
        spans = [(spans[0][0] - lo, spans[0][1] - lo)]
    mask = np.zeros(len(world), bool)
    for s, e in spans:
        mask[s:e] = True
    _fit_camera(world, mask, cam, rng)
    lm = _project(world, cam)
    lm[..., :2] = np.clip(lm[..., :2], -0.3, 1.3)
    lm[..., 2] = np.clip(lm[..., 2], -1.3, 1.3)
    lm = lm.astype(np.float32)
    ok = len(lm) <= int(20.5 * FPS) and _valid(lm, spans, labels, cam)
    info = {
        "p": p,
        "cam": cam,
        "labels": labels,
        "spans": spans,
        "variants": variants,
        "idle": idle_names,
    }
    return ok, lm, info


def _clean_clip(seed, i):
    kind = _kind_for(seed, i)
    for attempt in range(40):
        ok, lm, info = _attempt(seed, i, attempt, kind)
        if ok:
            break
    cam, p = info["cam"], info["p"]
    w, h = cam.width, cam.height
    gestures = []
    pix_dirs = []
    for (s, e), lab in zip(info["spans"], info["labels"]):
        if lab == "point":
            deg, _ = _index_direction(lm[s:e])
            pdeg, _ = _index_direction(lm[s:e], w, h)
            gestures.append((lab, int(s), int(e), float(deg)))
            pix_dirs.append(float(pdeg))
        else:
            gestures.append((lab, int(s), int(e), None))
            pix_dirs.append(None)
    palm_px = np.linalg.norm((lm[:, 9] - lm[:, 0]).astype(float) * np.array([w, h, w]), axis=-1)
    meta = {
        "image_size": (int(w), int(h)),
        "direction_deg_pixels": pix_dirs,
        "handedness": "right" if p.sign > 0 else "left",
        "mirrored": bool(cam.mirror),
        "camera_roll_deg": round(float(cam.roll), 2),
        "camera_pitch_deg": round(float(cam.pitch), 2),
        "person_yaw_deg": round(float(cam.yaw), 2),
        "hfov_deg": round(float(cam.hfov), 2),
        "distance_m": round(float(cam.t[2]), 3),
        "palm_length_px": round(float(np.median(palm_px)), 2),
        "speed": round(float(p.speed), 3),
        "variants": list(info["variants"]),
        "idle": list(info["idle"]),
        "attempt": attempt,
    }
    return lm, tuple(gestures), kind, meta, cam


# ----------------------------------------------------------------------------------------------
# tracker


def _runs(mask):
    """(start, end) of runs of True in a boolean vector."""
    m = np.concatenate([[False], mask, [False]]).astype(np.int8)
    d = np.diff(m)
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def _track(clean, cam: _Camera, rng):
    n = len(clean)
    w, h = cam.width, cam.height
    scale = np.array([w, h, w], dtype=float)
    px = clean.astype(float) * scale
    palm = np.maximum(np.linalg.norm(px[:, 9] - px[:, 0], axis=-1), 3.0)
    quality = rng.uniform(0.0, 1.0)

    # crop-window wobble: a slowly varying similarity transform about the hand center
    a = rng.uniform(0.6, 0.92)
    innov = np.sqrt(1 - a * a)
    sig = np.array([rng.uniform(0.01, 0.05), rng.uniform(0.01, 0.05), rng.uniform(0.005, 0.03), math.radians(rng.uniform(0.3, 2.0))])
    wob = np.zeros((n, 4))
    e = rng.normal(0, 1, (n, 4)) * sig
    wob[0] = e[0]
    for t in range(1, n):
        wob[t] = a * wob[t - 1] + innov * e[t]
    ctr = px[:, :, :2].mean(1, keepdims=True)
    rel = px[:, :, :2] - ctr
    c, s = np.cos(wob[:, 3]), np.sin(wob[:, 3])
    rx = c[:, None] * rel[..., 0] - s[:, None] * rel[..., 1]
    ry = s[:, None] * rel[..., 0] + c[:, None] * rel[..., 1]
    sc = (1.0 + wob[:, 2])[:, None]
    out = px.copy()
    out[..., 0] = ctr[..., 0] + sc * rx + (wob[:, 0] * palm)[:, None]
    out[..., 1] = ctr[..., 1] + sc * ry + (wob[:, 1] * palm)[:, None]
    out[..., 2] = px[..., 2] * sc

    # motion blur: landmarks lag along their motion, fast fingers shrink toward the knuckles
    kappa = rng.uniform(0.0, 0.35)
    vel = np.zeros_like(out)
    vel[1:] = px[1:] - px[:-1]
    speed = np.linalg.norm(vel[:, :, :2].mean(1), axis=-1) / palm
    out -= kappa * vel
    shrink = np.clip((speed - 0.12) * 0.5, 0.0, 0.25)
    for tip, base in ((8, 5), (12, 9), (16, 13), (20, 17), (7, 5), (11, 9), (15, 13), (19, 17), (4, 2)):
        out[:, tip] -= shrink[:, None] * (out[:, tip] - out[:, base])

    # landmark noise, fingertips worst, depth worst of all
    lw = np.ones(21)
    lw[[4, 8, 12, 16, 20]] = 1.7
    lw[[3, 7, 11, 15, 19]] = 1.3
    lw[[2, 6, 10, 14, 18]] = 1.1
    sigma = (0.008 + 0.03 * quality) * palm
    zmul = rng.uniform(1.5, 3.0)
    an = rng.uniform(0.0, 0.5)
    noise = rng.normal(0, 1, (n, 21, 3))
    for t in range(1, n):
        noise[t] = an * noise[t - 1] + math.sqrt(1 - an * an) * noise[t]
    noise *= sigma[:, None, None] * lw[None, :, None]
    noise[..., 2] *= zmul
    out += noise
    out[..., 2] *= rng.uniform(0.55, 1.15)
    out[..., 2] -= out[:, :1, 2]

    # rare glitches: for a frame or three the model folds or straightens one finger
    glitches = 0
    if rng.random() < 0.35:
        for _ in range(int(rng.integers(1, 4))):
            g0 = int(rng.integers(0, n))
            g1 = min(n, g0 + int(rng.integers(1, 4)))
            base = 5 + 4 * int(rng.integers(0, 4))
            amt = rng.uniform(0.3, 0.7)
            chain = out[g0:g1, base : base + 4].copy()
            if rng.random() < 0.5:
                target = chain[:, :1] + 0.35 * (chain - chain[:, :1])
            else:
                seg_len = np.linalg.norm(np.diff(chain, axis=1), axis=-1)
                direc = _unit(chain[:, 1] - chain[:, 0])
                cum = np.concatenate([np.zeros((g1 - g0, 1)), np.cumsum(seg_len, axis=1)], axis=1)
                target = chain[:, :1] + cum[..., None] * direc[:, None]
            out[g0:g1, base : base + 4] = chain + amt * (target - chain)
            glitches += g1 - g0

    # which frames are lost
    inside = ((clean[..., :2] >= 0) & (clean[..., :2] <= 1)).all(-1).mean(-1)
    wrist_in = ((clean[:, 0, :2] >= -0.03) & (clean[:, 0, :2] <= 1.03)).all(-1)
    lost = (inside < 0.55) | ~wrist_in
    latency = int(rng.integers(0, 5))
    for s_, e_ in _runs(lost.copy()):
        if e_ - s_ >= 2:
            lost[e_ : e_ + latency] = True
    p_enter = rng.uniform(0.004, 0.03) * (0.5 + quality)
    p_exit = rng.uniform(0.25, 0.7)
    p_single = rng.uniform(0.003, 0.02)
    p_extra = np.clip((speed - 0.25) * 0.6, 0, 0.5) + np.where(palm < 12, 0.3, np.where(palm < 20, 0.08, 0.0))
    u = rng.random((n, 3))
    bad = False
    for t in range(n):
        bad = (u[t, 0] > p_exit) if bad else (u[t, 0] < p_enter)
        if bad or u[t, 1] < p_single or u[t, 2] < p_extra[t]:
            lost[t] = True

    # smoothing filter (skips lost frames, resets after long gaps)
    mode = str(rng.choice(["none", "ema", "euro"], p=[0.2, 0.3, 0.5]))
    if mode != "none":
        alpha = rng.uniform(0.35, 0.8)
        mincut, beta = rng.uniform(0.8, 4.0), rng.uniform(0.05, 0.6)
        state = None
        dstate = None
        gap = 0
        for t in range(n):
            if lost[t]:
                gap += 1
                continue
            x = out[t]
            if state is None or gap >= 3:
                state, dstate = x.copy(), np.zeros_like(x)
            elif mode == "ema":
                state = alpha * x + (1 - alpha) * state
            else:
                dx = (x - state) * FPS / palm[t]
                ad = 1.0 / (1.0 + FPS / (2 * np.pi * 1.0))
                dstate = ad * dx + (1 - ad) * dstate
                cut = mincut + beta * np.abs(dstate)
                ax = 1.0 / (1.0 + FPS / (2 * np.pi * cut))
                state = ax * x + (1 - ax) * state
            out[t] = state
            gap = 0

    res = out / scale
    res[..., :2] = np.clip(res[..., :2], -0.3, 1.3)
    res[..., 2] = np.clip(res[..., 2], -1.3, 1.3)
    res = res.astype(np.float32)

    # encode lost frames: NaN, zeros or a held repeat (holds time out)
    style_p = rng.dirichlet([1.5, 1.5, 1.5])
    max_hold = int(rng.integers(2, 12))
    counts = {"nan": 0, "zero": 0, "hold": 0}
    for s_, e_ in _runs(lost):
        style = ("nan", "zero", "hold")[int(rng.choice(3, p=style_p))]
        after = ("nan", "zero")[int(rng.integers(2))]
        for t in range(s_, e_):
            st = style
            if st == "hold" and (s_ == 0 or t - s_ >= max_hold):
                st = after
            if st == "nan":
                res[t] = np.nan
            elif st == "zero":
                res[t] = 0.0
            else:
                res[t] = res[s_ - 1]
            counts[st] += 1
    return res, {"filter": mode, "lost_frames": int(lost.sum()), "lost_by_kind": counts, "glitch_frames": glitches}


# ----------------------------------------------------------------------------------------------
# public API


def _make(seed, i, tracked):
    lm, gestures, kind, meta, cam = _clean_clip(seed, i)
    meta = dict(meta)
    if tracked:
        lm, tinfo = _track(lm, cam, np.random.default_rng([_TRACK_SALT, seed, i]))
        meta["tracker"] = tinfo
    return Blind19Clip(landmarks=lm, gestures=gestures, kind=kind, meta=meta)


def blind19_dataset(n: int, seed: int = 0) -> list[Blind19Clip]:
    """Tracked clips (with tracker noise, lag and lost frames); clip i depends only on (seed, i)."""
    return [_make(seed, i, True) for i in range(n)]


def blind19_clean_dataset(n: int, seed: int = 0) -> list[Blind19Clip]:
    """The same clips as blind19_dataset before tracker errors (same labels and kinds)."""
    return [_make(seed, i, False) for i in range(n)]


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
    ap = argparse.ArgumentParser(description="Write blind generator 19 gesture clips as .npy files plus labels.json.")
    ap.add_argument("out", help="output folder")
    ap.add_argument("-n", type=int, default=20, help="number of clips")
    ap.add_argument("-s", "--seed", type=int, default=0)
    ap.add_argument("--clean", action="store_true", help="write clips before tracker errors")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    clips = (blind19_clean_dataset if args.clean else blind19_dataset)(args.n, args.seed)
    entries = []
    for k, clip in enumerate(clips):
        name = f"clip_{k:05d}.npy"
        np.save(out / name, clip.landmarks)
        entries.append(
            {
                "file": name,
                "kind": clip.kind,
                "num_frames": int(clip.landmarks.shape[0]),
                "gestures": [list(g) for g in clip.gestures],
                "meta": clip.meta,
            }
        )
    info = {"generator": "blind19", "fps": FPS, "seed": args.seed, "clean": bool(args.clean), "labels": list(LABELS), "clips": entries}
    (out / "labels.json").write_text(json.dumps(info, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
