"""Synthetic hand-tracker clips of people at home commanding a household robot from a sofa or kitchen.

This generator was written without reading any other gesture generator or the code it
is used to evaluate.

What is modeled
---------------
People. Each clip draws one person: a child (small, quick, lively hands whose movements
overshoot), an adult, or an elderly person (slow, well damped movements, postural or
pathological 4-8 Hz tremor and, often, arthritic hands whose fingers neither fully extend
nor fully close and drift toward the little finger). The person sits on a sofa with the
forearm on the armrest, stands at a kitchen counter with the forearm on it, or stands
free. A resting forearm anchors the elbow: the wrist then lives on a sphere around the
elbow, so swipes become arcs made from the elbow and wrist. Some people hold a cup or a
phone with the ring and little fingers of the gesturing hand, which stay curled whatever
the hand does. Either hand may gesture.

Hand. A "puppet": a flat palm card with the four finger knuckles (MCP) on it and jointed
finger chains that bend out of the card's plane (the depth axis); the thumb is a chain
whose base swings across the palm (opposition) and bends toward the little finger. Segment
lengths come from a proportion model fitted to anthropometric ranges (hand length 11-21 cm,
palm breadth, finger-length ratios, phalanx ratios, per-finger jitter). One curl value per
finger is mapped to MCP/PIP/DIP angles through each person's joint ranges (hyperextension in
children, contractures and reduced flexion in arthritic hands), fingers converge as they
curl and the palm cups.

Motion. Every controlled quantity (wrist position and elbow anchoring, the hand's pointing
and palm-normal directions, finger curls, spread, thumb opposition) follows a sum of damped
oscillator step responses: each target change excites a second-order response with the
person's natural frequency and damping (under-damped people overshoot). Targets change after
stochastic (gamma distributed) dwell times. On top come narrow-band tremor (noise through a
resonator), slow postural sway and finger tremor.

Gestures. point (held still, with an optional jab, or reaching toward the target; thumb
tucked or cocked), swipes (palm leading, palm down or back-hand, with a wrist flick, lengths
and speeds set in the image), grab (from above a table, in the air toward the robot, or on a
handle; incompletely closing for arthritic hands), come_here (finger beckon, index-only
beckon, whole-hand wave toward the body, palm-down scoop), stop (open palm pushed toward the
camera then held). Unlabeled activity: resting on the armrest, lap or counter, talking hands,
scratching, adjusting glasses, sipping, finger tapping, looking at a phone, touching hair,
rubbing the chin, shifting, and the hand leaving the frame.

Camera. A wide-angle home camera on the robot: field of view 80-125 degrees with radial
(barrel) distortion r_d = r / sqrt(1 + lambda r^2), a digital zoom crop that can be off the
optical center, roll, pitch and yaw, perspective projection, optionally a mirrored self-view
(labels follow the motion in the clip's image), several image sizes and aspect ratios.

Tracker. Per-landmark jitter growing toward the fingertips and in depth, region-of-interest
jitter (shift and scale of the whole hand), a Kalman-like alpha-beta smoother whose velocity
term lags and overshoots on fast motion and coasts through short gaps, occasional whole-hand
collapse of the landmarks toward the palm when the hand is edge-on (occluded fingers), depth
scale errors, squashing of landmarks beyond the image border, and lost frames (hand out of
frame with a re-acquisition delay, hand too small, motion blur, random bursts and singles),
written as all-NaN, all-zero or a repeat of the last good frame.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

LABELS = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
KINDS = ("tight", "margin", "pair", "recording")
FPS = 30.0
MIN_GESTURE_S = 0.5
MAX_GESTURE_S = 3.0

_SALT_CLIP = 0x18C11
_SALT_TRACK = 0x18A7C
_SALT_BLOCK = 0x18B10
_SALT_LABEL = 0x18AB1
_BLOCK = ("tight",) * 6 + ("margin",) * 5 + ("pair",) * 5 + ("recording",) * 4
_MAX_ATTEMPTS = 16
_MIN_FRAMES = int(round(MIN_GESTURE_S * FPS))
_MAX_FRAMES = int(round(MAX_GESTURE_S * FPS))
_SWIPE_DIRS = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}
_IMAGE_SIZES = ((640, 480), (1280, 720), (1920, 1080), (960, 540), (800, 600), (1024, 768), (720, 720))
_IMAGE_SIZE_P = (0.24, 0.28, 0.12, 0.1, 0.1, 0.1, 0.06)
IDLE_MARGIN_FRAMES = 30  # idle frames closer than this to a gesture may be preparation or retraction

# Person frame: origin at the gesturing shoulder, X = camera right when the person faces the
# camera, Y = down (gravity), Z = away from the camera (toward the person's back).
_UP = np.array([0.0, -1.0, 0.0])
_DOWN = np.array([0.0, 1.0, 0.0])
_TOWARD = np.array([0.0, 0.0, -1.0])  # toward the camera / robot
_AWAY = np.array([0.0, 0.0, 1.0])  # toward the person

# Hand puppet in hand-length units, right hand: x toward the thumb, y toward the fingers,
# z out of the palm.
_MCP_BASE = np.array([[0.135, 0.375], [0.035, 0.39], [-0.06, 0.37], [-0.145, 0.33]])
_PHALANX = np.array([[0.292, 0.157, 0.107], [0.305, 0.187, 0.119], [0.285, 0.182, 0.118], [0.227, 0.129, 0.102]])
_THUMB = np.array([0.22, 0.17, 0.14])
_SPREAD_DEG = np.array([9.0, 1.5, -7.0, -16.0])


# ----------------------------------------------------------------------------- data class


@dataclass
class Blind18Clip:
    landmarks: np.ndarray
    gestures: tuple[tuple[str, int, int, float | None], ...]
    kind: str
    meta: dict


# ----------------------------------------------------------------------------- small helpers


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _orth(n_hint: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Component of n_hint perpendicular to the unit vector d, normalized (with fallbacks)."""
    for cand in (n_hint, _DOWN, _AWAY, np.array([1.0, 0.0, 0.0])):
        c = np.asarray(cand, float)
        n = c - float(c @ d) * d
        if np.linalg.norm(n) > 0.2 * max(np.linalg.norm(c), 1e-9):
            return _unit(n)
    return _unit(np.cross(d, [0.3, 0.5, 0.8]))


def _step_response(tau: np.ndarray, om, ze) -> np.ndarray:
    """Unit step response of a damped oscillator (natural frequency om, damping ratio ze < 1)."""
    tp = np.maximum(tau, 0.0)
    sq = np.sqrt(1.0 - ze * ze)
    wd = om * sq
    s = 1.0 - np.exp(-ze * om * tp) * (np.cos(wd * tp) + (ze / sq) * np.sin(wd * tp))
    return np.where(tau > 0.0, s, 0.0)


@lru_cache(maxsize=1024)
def _tau_unit(ze_key: int, frac_key: int) -> float:
    tau = np.arange(0.0, 40.0, 0.002)
    s = _step_response(tau, 1.0, ze_key / 100.0)
    return float(tau[int(np.argmax(s >= frac_key / 1000.0))])


def _rise(om: float, ze: float, frac: float = 0.9) -> float:
    """Time for a damped oscillator step response to first reach frac of the step."""
    return _tau_unit(int(round(ze * 100)), int(round(frac * 1000))) / om


def _synth(keys: list, times: np.ndarray, dim: int) -> np.ndarray:
    """Sum of damped oscillator step responses through the keyed targets."""
    keys = sorted(keys, key=lambda k: k[0])
    g = np.array([k[1] for k in keys], dtype=float).reshape(len(keys), dim)
    x = np.repeat(g[:1], len(times), axis=0)
    if len(keys) > 1:
        tk = np.array([k[0] for k in keys[1:]])
        om = np.array([k[2] for k in keys[1:]])
        ze = np.array([k[3] for k in keys[1:]])
        s = _step_response(times[None, :] - tk[:, None], om[:, None], ze[:, None])
        x = x + s.T @ np.diff(g, axis=0)
    return x


def _resonant_noise(rng: np.random.Generator, t_len: int, channels: int, f0: float, q: float) -> np.ndarray:
    """White noise through a damped resonator at f0 Hz (quality q), unit standard deviation."""
    n = 1 << int(math.ceil(math.log2(t_len + 128)))
    spec = np.fft.rfft(rng.standard_normal((n, channels)), axis=0)
    f = np.fft.rfftfreq(n, 1.0 / FPS)
    gain = 1.0 / np.sqrt((1.0 - (f / f0) ** 2) ** 2 + (f / (q * f0)) ** 2)
    x = np.fft.irfft(spec * gain[:, None], n, axis=0)
    x = x / (x.std(axis=0, keepdims=True) + 1e-12)
    return x[:t_len]


def _rot(v: np.ndarray, axis: np.ndarray, deg: float) -> np.ndarray:
    k = _unit(axis)
    a = math.radians(deg)
    return v * math.cos(a) + np.cross(k, v) * math.sin(a) + k * float(k @ v) * (1.0 - math.cos(a))


def _gamma(rng: np.random.Generator, mean: float, shape: float = 4.0) -> float:
    return float(rng.gamma(shape, mean / shape))


# ----------------------------------------------------------------------------- person


@dataclass
class _Person:
    age: str
    right: bool
    h: float
    hl: float
    fl: float
    bs: float
    posture: str
    anchored: bool
    arthritic: bool
    holding: str | None
    hold: float
    speed: float
    zeta: float
    om_w: float
    om_o: float
    om_h: float
    elbow: np.ndarray
    mcp_xy: np.ndarray
    arch: np.ndarray
    phalanx: np.ndarray
    spread_deg: np.ndarray
    ulnar: np.ndarray
    thumb_len: np.ndarray
    cmc: np.ndarray
    thumb_abd: float
    lo: np.ndarray
    hi: np.ndarray
    ex: tuple
    thumb_rng: tuple
    trem_f: float
    trem_amp: float
    curl_trem: float
    sway: float


def _sample_person(rng: np.random.Generator) -> _Person:
    age = str(rng.choice(["child", "adult", "elderly"], p=[0.2, 0.47, 0.33]))
    right = bool(rng.random() < 0.82)
    h = -1.0 if right else 1.0  # side of the gesturing shoulder along person X
    if age == "child":
        hl, speed, zeta = rng.uniform(0.115, 0.155), rng.uniform(1.15, 1.6), rng.uniform(0.45, 0.75)
    elif age == "adult":
        hl = rng.normal(0.19, 0.009) if rng.random() < 0.5 else rng.normal(0.175, 0.008)
        speed, zeta = rng.uniform(0.8, 1.3), rng.uniform(0.6, 0.92)
    else:
        hl, speed, zeta = rng.normal(0.18, 0.01), rng.uniform(0.45, 0.85), rng.uniform(0.75, 0.96)
    hl = float(np.clip(hl, 0.11, 0.215))
    bs = hl / 0.185
    fl = hl * rng.uniform(1.3, 1.5)
    posture = str(rng.choice(["sofa", "counter", "standing"], p=[0.5, 0.2, 0.3]))
    anchored = bool((posture == "sofa" and rng.random() < 0.75) or (posture == "counter" and rng.random() < 0.7))
    arthritic = bool((age == "elderly" and rng.random() < 0.6) or (age == "adult" and rng.random() < 0.05))
    holding, hold = None, 0.0
    if rng.random() < 0.15:
        holding, hold = str(rng.choice(["cup", "phone"])), float(rng.uniform(0.5, 0.75))

    breadth = rng.normal(1.0, 0.05) * (1.05 if age == "child" else 1.0)
    mcp_xy = _MCP_BASE.copy()
    mcp_xy[:, 0] *= breadth
    mcp_xy[:, 1] += rng.normal(0.0, 0.008, 4)
    finger_scale = rng.normal(1.0, 0.04) * (0.96 if age == "child" else 1.0)
    phalanx = _PHALANX * finger_scale * rng.normal(1.0, 0.035, (4, 1)) * rng.normal(1.0, 0.04, (4, 3))
    arch = np.array([0.005, 0.0, 0.02, 0.04]) * rng.uniform(0.6, 1.4)
    spread_deg = _SPREAD_DEG * rng.uniform(0.8, 1.25)
    ulnar = rng.uniform(3.0, 14.0) * np.array([0.5, 0.8, 1.0, 1.2]) if arthritic else np.zeros(4)
    thumb_len = _THUMB * rng.normal(1.0, 0.05) * rng.normal(1.0, 0.04, 3)
    cmc = np.array([0.10 * breadth + rng.normal(0, 0.01), 0.10 + rng.normal(0, 0.01), 0.02])
    hi = np.stack([rng.normal(88, 4, 4), rng.normal(104, 4, 4), rng.normal(72, 5, 4)], axis=1)
    lo = np.zeros((4, 3))
    lo[:, 0] = {"child": -rng.uniform(5, 25), "adult": -rng.uniform(0, 15), "elderly": rng.uniform(-5, 8)}[age]
    lo[:, 0] += rng.normal(0, 2, 4)
    lo[:, 1] = rng.uniform(0, 4, 4)
    lo[:, 2] = rng.uniform(0, 5, 4)
    thumb_rng = (rng.uniform(40, 60), rng.uniform(60, 85))
    if arthritic:
        hi = (
            hi
            * rng.uniform(0.8, 1.0, (4, 1))
            * np.stack([rng.uniform(0.75, 0.95, 4), rng.uniform(0.55, 0.85, 4), rng.uniform(0.6, 0.9, 4)], 1)
        )
        lo[:, 0] = rng.uniform(0, 12, 4)
        lo[:, 1] = rng.uniform(8, 28, 4)
        lo[:, 2] = rng.uniform(5, 20, 4)
        f = rng.uniform(0.6, 0.9)
        thumb_rng = (thumb_rng[0] * f, thumb_rng[1] * f)
    ex = (rng.uniform(0.9, 1.3), rng.uniform(0.7, 1.0))

    om_w = max(2 * math.pi * rng.uniform(1.3, 2.2) * speed, 2 * math.pi * 0.8)
    om_o = om_w * rng.uniform(1.1, 1.5)
    om_h = max(2 * math.pi * rng.uniform(2.2, 3.5) * speed, 2 * math.pi * 1.1)
    if age == "elderly":
        trem_f = rng.uniform(4, 8)
        trem_mm = rng.uniform(1, 6) if rng.random() < 0.5 else rng.uniform(0.5, 1.5)
        sway_mm = rng.uniform(4, 12)
    else:
        trem_f = rng.uniform(8, 12)
        trem_mm = rng.uniform(0.2, 0.8) if age == "child" else rng.uniform(0.3, 1.2)
        sway_mm = rng.uniform(2, 6)
    trem_amp = trem_mm / 1000.0
    curl_trem = trem_amp / hl * rng.uniform(1.0, 3.0)
    if posture == "sofa":
        elbow = np.array([h * rng.uniform(0.06, 0.14), rng.uniform(0.28, 0.36), rng.uniform(-0.12, 0.02)]) * bs
    elif posture == "counter":
        elbow = np.array([h * rng.uniform(0.0, 0.1), rng.uniform(0.25, 0.35), rng.uniform(-0.3, -0.15)]) * bs
    else:
        elbow = np.array([h * 0.03, 0.3, -0.02]) * bs
    return _Person(
        age=age, right=right, h=h, hl=hl, fl=fl, bs=bs, posture=posture, anchored=anchored, arthritic=arthritic,
        holding=holding, hold=hold, speed=speed, zeta=zeta, om_w=om_w, om_o=om_o, om_h=om_h, elbow=elbow,
        mcp_xy=mcp_xy, arch=arch, phalanx=phalanx, spread_deg=spread_deg, ulnar=ulnar, thumb_len=thumb_len, cmc=cmc,
        thumb_abd=float(rng.uniform(30, 50)), lo=lo, hi=hi, ex=ex, thumb_rng=thumb_rng, trem_f=trem_f,
        trem_amp=trem_amp, curl_trem=curl_trem, sway=sway_mm / 1000.0,
    )  # fmt: skip


def _hand_local(p: _Person, hs: np.ndarray) -> np.ndarray:
    """Puppet forward kinematics: (T, 7) shape channels -> (T, 21, 3) right-hand landmarks in hand lengths."""
    t_len = len(hs)
    c = np.clip(hs[:, :5], 0.0, 1.1)
    if p.hold > 0:
        c[:, 3:5] = np.maximum(c[:, 3:5], p.hold)
    spread = np.clip(hs[:, 5], 0.0, 1.6)
    opp = np.clip(hs[:, 6], 0.0, 1.0)
    out = np.zeros((t_len, 21, 3))
    cf = c[:, 1:]
    cm = cf.mean(axis=1)
    mcp = np.zeros((t_len, 4, 3))
    mcp[:, :, 0] = p.mcp_xy[None, :, 0] * (1.0 - 0.08 * cm[:, None])
    mcp[:, :, 1] = p.mcp_xy[None, :, 1]
    mcp[:, :, 2] = p.arch[None, :] * cm[:, None]
    ang = np.deg2rad(p.spread_deg[None, :] * spread[:, None] * (1.0 - 0.7 * np.minimum(cf, 1.0)) - p.ulnar[None, :])
    u = np.stack([np.sin(ang), np.cos(ang), np.zeros_like(ang)], axis=-1)
    zhat = np.array([0.0, 0.0, 1.0])
    th = [np.deg2rad(p.lo[:, j] + (p.hi[:, j] - p.lo[:, j]) * cf ** p.ex[min(j, 1)]) for j in range(3)]
    out[:, 5::4] = mcp
    pos = mcp
    cum = np.zeros_like(cf)
    for k in range(3):
        cum = cum + th[k]
        dirk = np.cos(cum)[..., None] * u + np.sin(cum)[..., None] * zhat
        pos = pos + p.phalanx[None, :, k, None] * dirk
        out[:, 6 + k :: 4] = pos
    a_open = p.thumb_abd * (0.6 + 0.4 * np.minimum(spread, 1.0))
    a = np.deg2rad(a_open * (1.0 - opp) + 10.0 * opp)
    e = np.deg2rad(12.0 * (1.0 - opp) + 55.0 * opp)
    ut = np.stack([np.cos(e) * np.sin(a), np.cos(e) * np.cos(a), np.sin(e)], axis=-1)
    w = np.array([-0.7, 0.0, 0.7])
    b = _unit(w[None, :] - (ut @ w)[:, None] * ut)
    t1 = np.deg2rad(c[:, 0] * p.thumb_rng[0])[:, None]
    t2 = t1 + np.deg2rad(c[:, 0] * p.thumb_rng[1])[:, None]
    out[:, 1] = p.cmc
    out[:, 2] = p.cmc + p.thumb_len[0] * ut
    out[:, 3] = out[:, 2] + p.thumb_len[1] * (np.cos(t1) * ut + np.sin(t1) * b)
    out[:, 4] = out[:, 3] + p.thumb_len[2] * (np.cos(t2) * ut + np.sin(t2) * b)
    return out


# ----------------------------------------------------------------------------- camera and scene


@dataclass
class _Camera:
    width: int
    height: int
    aspect: float
    hfov: float
    lam: float
    focal: float
    zoom: float
    x0: float
    y0: float
    cw: float
    ch: float
    roll: float
    pitch: float
    yaw: float
    mirror: bool
    rot: np.ndarray
    trans: np.ndarray

    def project(self, pts: np.ndarray):
        c = pts @ self.rot.T + self.trans
        z = np.maximum(c[..., 2], 0.05)
        u, v = c[..., 0] / z, c[..., 1] / z
        f = 1.0 / np.sqrt(1.0 + self.lam * (u * u + v * v))
        px = self.focal * u * f + 0.5
        py = self.focal * v * f + 0.5 * self.aspect
        x = (px - self.x0) / self.cw
        y = (py - self.y0) / self.ch
        if self.mirror:
            x = 1.0 - x
        return x, y, z

    def ray(self, x: float, y: float):
        if self.mirror:
            x = 1.0 - x
        ud = (self.x0 + x * self.cw - 0.5) / self.focal
        vd = (self.y0 + y * self.ch - 0.5 * self.aspect) / self.focal
        k = 1.0 / math.sqrt(max(1.0 - self.lam * (ud * ud + vd * vd), 0.05))
        return ud * k, vd * k


def _rotation(roll: float, pitch: float, yaw: float) -> np.ndarray:
    r, p, y = map(math.radians, (roll, pitch, yaw))
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    return rz @ rx @ ry


@dataclass
class _Scene:
    cam: _Camera
    home: np.ndarray
    rest: np.ndarray
    rest_d: np.ndarray
    rest_n: np.ndarray
    face: np.ndarray
    chest: np.ndarray
    talk: np.ndarray
    m_per_w: float
    mx: float
    a_default: float
    inward: np.ndarray
    outward: np.ndarray


def _sample_scene(rng: np.random.Generator, p: _Person) -> _Scene:
    h, bs = p.h, p.bs
    inward, outward = np.array([-h, 0.0, 0.0]), np.array([h, 0.0, 0.0])
    if p.anchored:
        home = p.elbow + p.fl * _unit([-h * rng.uniform(0.05, 0.3), -rng.uniform(0.5, 0.9), -rng.uniform(0.5, 0.9)])
        rest = p.elbow + p.fl * _unit([-h * rng.uniform(0.0, 0.25), rng.uniform(-0.05, 0.15), -1.0])
        rest_d = _unit(rest - p.elbow)
        rest_n = _DOWN if rng.random() < 0.7 else inward
    else:
        home = np.array([-h * rng.uniform(0.0, 0.15), rng.uniform(0.15, 0.3), -rng.uniform(0.25, 0.42)]) * bs
        if p.posture == "sofa":
            rest = np.array([-h * rng.uniform(0.05, 0.15), rng.uniform(0.45, 0.55), -rng.uniform(0.2, 0.3)]) * bs
            rest_d, rest_n = _unit(_TOWARD + 0.6 * inward), _DOWN
        elif rng.random() < 0.6:
            rest = np.array([h * 0.02, 0.58, -0.02]) * bs
            rest_d, rest_n = _DOWN, inward
        else:
            rest = np.array([-h * 0.12, 0.42, -0.15]) * bs
            rest_d, rest_n = _unit(inward + 0.3 * _DOWN), _AWAY
    face = np.array([-h * 0.18, -0.1, -0.1]) * bs
    chest = np.array([-h * 0.12, 0.22, -0.22]) * bs
    talk = home + np.array([0.0, 0.08, 0.1]) * bs

    k = int(rng.choice(len(_IMAGE_SIZES), p=_IMAGE_SIZE_P))
    width, height = _IMAGE_SIZES[k]
    aspect = height / width
    hfov = rng.uniform(80.0, 125.0)
    lam = rng.uniform(0.1, 0.8) * (hfov - 70.0) / 55.0
    tn = math.tan(math.radians(hfov / 2))
    focal = 0.5 * math.sqrt(1.0 + lam * tn * tn) / tn
    zoom = math.exp(rng.uniform(0.0, math.log(2.3)))
    cw, ch = 1.0 / zoom, aspect / zoom
    x0, y0 = rng.uniform(0.0, 1.0 - cw), rng.uniform(0.0, aspect - ch)
    roll = float(np.clip(rng.normal(0.0, 5.0), -14.0, 14.0))
    pitch, yaw = rng.uniform(-20.0, 12.0), rng.uniform(-25.0, 25.0)
    mirror = bool(rng.random() < 0.2)
    rot = _rotation(roll, pitch, yaw)
    cam = _Camera(width, height, aspect, hfov, lam, focal, zoom, x0, y0, cw, ch, roll, pitch, yaw, mirror, rot, np.zeros(3))
    xt, yt = rng.uniform(0.32, 0.68), rng.uniform(0.3, 0.62)
    u, v = cam.ray(xt, yt)
    g = 1.0 / (1.0 + lam * (u * u + v * v))
    s_img = math.exp(rng.uniform(math.log(0.06), math.log(0.3)))
    depth = float(np.clip(p.hl * focal * zoom * g / s_img, 0.55, 4.5))
    cam.trans = np.array([u * depth, v * depth, depth]) - rot @ home
    m_per_w = depth / (focal * zoom * g)
    return _Scene(cam, home, rest, rest_d, rest_n, face, chest, talk, m_per_w, -1.0 if mirror else 1.0,
                  1.0 if p.anchored else 0.0, inward, outward)  # fmt: skip


# ----------------------------------------------------------------------------- motion programs


@dataclass
class _Program:
    label: str
    frames: int
    lead: float  # seconds of preparation before the gesture's first frame
    keys: list  # (dt, group, target, omega, zeta), dt relative to the first frame


class _Builder:
    """Collects target keys for the wrist (W), orientation (O) and hand shape (H) channels."""

    def __init__(self, rng: np.random.Generator, p: _Person, sc: _Scene):
        self.rng, self.p, self.sc = rng, p, sc
        self.keys: dict[str, list] = {"W": [], "O": [], "H": []}
        self.limit = math.inf
        self.last_o = None
        self.last_w = None

    # --- low level
    def ze(self) -> float:
        return float(np.clip(self.p.zeta + self.rng.normal(0.0, 0.04), 0.35, 0.97))

    def put(self, t: float, g: str, target, om: float, ze: float | None = None) -> None:
        if t >= self.limit:
            return
        ze = self.ze() if ze is None else ze
        target = np.asarray(target, dtype=float)
        if g == "O":
            prev = self.last_o
            if prev is not None and (prev[:3] @ target[:3] < -0.2 or prev[3:] @ target[3:] < -0.2):
                d = prev[:3] + target[:3]
                if np.linalg.norm(d) < 0.3:
                    d = _orth(_TOWARD, _unit(prev[:3]))
                d = _unit(d)
                n = _orth(prev[3:] + target[3:] + 0.5 * _TOWARD, d)
                self.keys["O"].append((t - 0.1, np.r_[d, n], om, ze))
            self.last_o = target
        if g == "W":
            self.last_w = target
        self.keys[g].append((t, target, om, ze))

    def wk(self, dt, pos, a=None, om=None, ze=None):
        a = self.sc.a_default if a is None else a
        return (dt, "W", np.r_[pos, a], om or self.p.om_w, ze)

    def ok(self, dt, d, n_hint, om=None, ze=None):
        d = _unit(d)
        return (dt, "O", np.r_[d, _orth(np.asarray(n_hint, float), d)], om or self.p.om_o, ze)

    def hk(self, dt, curls, spread, opp, om=None, ze=None):
        return (dt, "H", np.r_[curls, spread, opp], om or self.p.om_h, ze)

    def emit(self, keys: list, t0: float) -> None:
        for dt, g, target, om, ze in sorted(keys, key=lambda k: k[0]):
            self.put(t0 + dt, g, target, om, ze)

    def lead(self, ze: float) -> float:
        p = self.p
        return float(np.clip(max(_rise(p.om_w, ze, 0.88), _rise(p.om_h, ze, 0.88)), 0.2, 1.0))

    def relaxed(self, lo: float = 0.32, hi: float = 0.55) -> np.ndarray:
        r = self.rng
        base = r.uniform(lo, hi)
        c = base + np.array([-0.05, 0.0, 0.04, 0.08, 0.12]) + r.normal(0.0, 0.03, 5)
        return np.clip(c, lo, 0.85)

    def anchor_for_gesture(self) -> float:
        return 1.0 if (self.p.anchored and self.rng.random() < 0.7) else 0.0

    @staticmethod
    def fit(frames_s: float) -> int:
        return int(np.clip(round(frames_s * FPS), _MIN_FRAMES + 1, _MAX_FRAMES - 1))

    # --- gestures
    def program(self, label: str) -> _Program:
        if label == "point":
            return self.g_point()
        if label.startswith("swipe"):
            return self.g_swipe(label)
        return {"grab": self.g_grab, "come_here": self.g_come_here, "stop": self.g_stop}[label]()

    def g_point(self) -> _Program:
        r, p, sc = self.rng, self.p, self.sc
        if r.random() < 0.45:
            phi = r.uniform(0.0, 360.0)
        else:
            phi = float(r.choice([0.0, 180.0, 200.0, 225.0, 315.0, 340.0, 270.0])) + r.normal(0.0, 15.0)
        ph = math.radians(phi)
        d = _unit([math.cos(ph) * sc.mx, -math.sin(ph), r.uniform(-0.8, 0.3)])
        if abs(d[1]) < 0.7:
            n_hint = [_DOWN, sc.inward, _AWAY][int(r.choice(3, p=[0.6, 0.3, 0.1]))]
        else:
            n_hint = sc.inward if r.random() < 0.6 else _AWAY
        a = self.anchor_for_gesture()
        start = sc.home + r.normal(0.0, 0.03, 3) * p.bs + 0.06 * p.bs * d
        curls = np.r_[0.0, r.uniform(0.0, 0.08), r.uniform(0.8, 1.0, 3)]
        if r.random() < 0.65:
            curls[0], opp = r.uniform(0.4, 0.7), r.uniform(0.6, 0.85)
        else:
            curls[0], opp = r.uniform(0.0, 0.15), r.uniform(0.0, 0.15)
        ze = self.ze()
        lead = self.lead(ze)
        keys = [self.wk(-lead, start, a), self.ok(-lead, d, n_hint), self.hk(-lead, curls, r.uniform(0.1, 0.5), opp)]
        if r.random() < (0.65 if p.age == "elderly" else 0.5):
            dur = float(np.clip(_gamma(r, 1.5 / math.sqrt(p.speed)), 0.55, 2.9))
            if r.random() < 0.35:
                tj = r.uniform(0.15, 0.4) * dur
                keys.append(self.wk(tj, start + d * r.uniform(0.02, 0.05) * p.bs, a))
                keys.append(self.wk(tj + r.uniform(0.12, 0.25), start, a))
        else:
            tr = r.uniform(0.0, 0.15)
            om_r = p.om_w * r.uniform(0.5, 0.9)
            keys.append(self.wk(tr, start + d * r.uniform(0.08, 0.28) * p.bs, a, om_r, ze))
            dur = min(tr + _rise(om_r, ze, 0.9) + _gamma(r, 0.5), MAX_GESTURE_S - 0.05)
        return _Program("point", self.fit(dur), lead, keys)

    def g_swipe(self, label: str) -> _Program:
        r, p, sc = self.rng, self.p, self.sc
        dx, dy = _SWIPE_DIRS[label]
        horizontal = dx != 0.0
        dirw = _unit([dx * sc.mx, dy, r.normal(0.0, 0.15)])
        a = self.anchor_for_gesture()
        a_img = r.uniform(0.18, 0.5)
        length = a_img * sc.m_per_w * (1.0 if horizontal else sc.cam.aspect)
        l_max = 1.5 * p.fl if a > 0.5 else 0.7 * p.bs
        length = float(np.clip(length, 1.3 * p.hl, max(l_max, 1.3 * p.hl)))
        center = sc.home + r.normal(0.0, 0.03, 3) * p.bs
        start, end = center - 0.5 * length * dirw, center + 0.5 * length * dirw
        if horizontal:
            u = r.random()
            if u < 0.5:
                n_hint, d = dirw, _unit(_UP * r.uniform(0.5, 1.0) + _TOWARD * r.uniform(0.2, 0.8))
            elif u < 0.8:
                n_hint, d = _DOWN, _unit(_TOWARD + _UP * r.uniform(0.0, 0.4))
            else:
                n_hint, d = -dirw, _unit(_UP * r.uniform(0.5, 1.0) + _TOWARD * r.uniform(0.2, 0.8))
        elif dy < 0:
            n_hint, d = _UP, _unit(_TOWARD + sc.inward * r.uniform(-0.2, 0.4) + _UP * r.uniform(0.0, 0.3))
        else:
            n_hint, d = _DOWN, _unit(_TOWARD + sc.inward * r.uniform(-0.2, 0.4) + _UP * r.uniform(0.0, 0.3))
        beta = math.tan(math.radians(r.uniform(8.0, 25.0) + (10.0 if a > 0.5 else 0.0)))
        perp = dirw - float(dirw @ d) * d
        d_s, d_e = _unit(d - beta * perp), _unit(d + beta * perp)
        curls = np.r_[r.uniform(0.05, 0.3), r.uniform(0.05, 0.3, 4)]
        ze_s = self.ze()
        stroke = float(np.clip(r.uniform(0.25, 0.75) / p.speed, 0.18, 1.5))
        om_s = _tau_unit(int(round(ze_s * 100)), 950) / stroke
        pre = float(np.clip(_gamma(r, 0.12, 2.0), 0.0, 0.35))
        post = r.uniform(0.05, 0.3)
        dur = pre + stroke + post
        if dur < MIN_GESTURE_S + 0.05:
            post += MIN_GESTURE_S + 0.05 - dur
            dur = pre + stroke + post
        ze = self.ze()
        lead = self.lead(ze)
        keys = [
            self.wk(-lead, start, a), self.ok(-lead, d_s, n_hint), self.hk(-lead, curls, r.uniform(0.1, 0.6), r.uniform(0.0, 0.3)),
            self.wk(pre, end, a, om_s, ze_s), self.ok(pre, d_e, n_hint, om_s * 1.2, ze_s),
        ]  # fmt: skip
        return _Program(label, self.fit(dur), lead, keys)

    def g_grab(self) -> _Program:
        r, p, sc = self.rng, self.p, self.sc
        style = str(r.choice(["table", "air", "side"], p=[0.45, 0.35, 0.2]))
        bs = p.bs
        if style == "table":
            pos = sc.home + (0.03 * sc.inward + np.array([0.0, 0.08, -0.08])) * bs
            d = _unit(_TOWARD + _DOWN * r.uniform(0.3, 1.0) + sc.inward * r.uniform(-0.2, 0.3))
            n_hint = _DOWN + 0.3 * _TOWARD
        elif style == "air":
            pos = sc.home + np.array([0.0, -0.03, -0.1]) * bs
            d, n_hint = _unit(_UP + _TOWARD * r.uniform(0.1, 0.6)), _TOWARD
        else:
            pos = sc.home + np.array([0.0, 0.0, -0.08]) * bs
            d, n_hint = _unit(_TOWARD + 0.3 * _UP), sc.inward
        a = self.anchor_for_gesture()
        open_c = np.r_[r.uniform(0.0, 0.2), r.uniform(0.0, 0.15, 4)]
        closed_c = np.r_[r.uniform(0.5, 0.8), r.uniform(0.88, 1.05, 4)]
        ze = self.ze()
        dwell = float(np.clip(_gamma(r, 0.3 / p.speed, 3.0), 0.08, 1.2))
        om_c = p.om_h * r.uniform(0.6, 1.1)
        rc = _rise(om_c, ze, 0.92)
        lead = self.lead(ze)
        keys = [
            self.wk(-lead, pos - 0.04 * bs * _TOWARD, a), self.ok(-lead, d, n_hint),
            self.hk(-lead, open_c, r.uniform(0.6, 1.3), r.uniform(0.0, 0.25)),
            self.wk(0.0, pos, a), self.hk(dwell, closed_c, r.uniform(0.0, 0.2), r.uniform(0.6, 0.9), om_c, ze),
        ]  # fmt: skip
        if r.random() < 0.6:
            keys.append(
                self.wk(dwell + rc * r.uniform(0.5, 1.0), pos + np.array([0.0, -r.uniform(0.03, 0.08), r.uniform(0.0, 0.06)]) * bs, a)
            )
        dur = min(dwell + rc + r.uniform(0.1, 0.45), MAX_GESTURE_S - 0.05)
        return _Program("grab", self.fit(dur), lead, keys)

    def g_come_here(self) -> _Program:
        r, p, sc = self.rng, self.p, self.sc
        style = str(r.choice(["fingers", "index", "hand", "scoop"], p=[0.35, 0.25, 0.25, 0.15]))
        pos = sc.home + np.array([0.0, 0.03, 0.02]) * p.bs
        if style in ("fingers", "index"):
            d0 = _unit(_TOWARD + _UP * r.uniform(0.1, 0.8) + sc.inward * r.uniform(-0.2, 0.4))
            n_hint, d1 = _UP, d0
        elif style == "hand":
            d0 = _unit(_UP + _TOWARD * r.uniform(0.0, 0.5))
            n_hint, d1 = _AWAY, _unit(d0 + _AWAY * r.uniform(0.4, 0.9))
        else:
            d0 = _unit(_TOWARD + 0.2 * _DOWN)
            n_hint, d1 = _DOWN, _unit(d0 + (_DOWN + _AWAY) * r.uniform(0.3, 0.6))
        a = self.anchor_for_gesture()
        open_c = np.r_[r.uniform(0.1, 0.3), r.uniform(0.0, 0.2, 4)]
        curled = np.r_[r.uniform(0.3, 0.6), r.uniform(0.6, 0.95, 4)]
        if style == "index":
            others = r.uniform(0.75, 0.95, 3)
            open_c = np.r_[r.uniform(0.4, 0.7), r.uniform(0.0, 0.1), others]
            curled = np.r_[open_c[0], r.uniform(0.6, 0.95), others]
        half = float(np.clip(r.uniform(0.18, 0.4) / p.speed, 0.12, 0.6))
        halves = [float(np.clip(_gamma(r, half, 8.0), 0.1, 0.7)) for _ in range(10)]
        n_cyc = int(r.integers(2, 6))
        while n_cyc > 2 and sum(halves[: 2 * n_cyc]) > MAX_GESTURE_S - 0.3:
            n_cyc -= 1
        tot = sum(halves[: 2 * n_cyc])
        if tot > MAX_GESTURE_S - 0.3:
            halves = [x * (MAX_GESTURE_S - 0.3) / tot for x in halves]
        ze = self.ze()
        om_b = _tau_unit(int(round(ze * 100)), 800) / half
        lead = self.lead(ze)
        spread = r.uniform(0.1, 0.6)
        keys = [self.wk(-lead, pos, a), self.ok(-lead, d0, n_hint), self.hk(-lead, open_c, spread, 0.3)]
        tt = r.uniform(0.0, 0.1)
        for k in range(n_cyc):
            keys.append(self.hk(tt, curled, spread * 0.5, 0.4, om_b, ze))
            if style in ("hand", "scoop"):
                keys.append(self.ok(tt, d1, n_hint, om_b, ze))
            keys.append(self.wk(tt, pos + 0.015 * p.bs * _AWAY, a, om_b, ze))
            tt += halves[2 * k]
            keys.append(self.hk(tt, open_c, spread, 0.3, om_b, ze))
            if style in ("hand", "scoop"):
                keys.append(self.ok(tt, d0, n_hint, om_b, ze))
            keys.append(self.wk(tt, pos, a, om_b, ze))
            tt += halves[2 * k + 1]
        dur = max(tt, MIN_GESTURE_S + 0.05)
        return _Program("come_here", self.fit(dur), lead, keys)

    def g_stop(self) -> _Program:
        r, p, sc = self.rng, self.p, self.sc
        pos = sc.home + (sc.inward * r.uniform(0.0, 0.08) + _UP * r.uniform(0.0, 0.08) + _TOWARD * r.uniform(0.05, 0.18)) * p.bs
        d = _unit(_UP + _TOWARD * r.uniform(-0.25, 0.3) + sc.outward * r.uniform(-0.25, 0.25))
        n_hint = _unit(_TOWARD + _UP * r.uniform(-0.3, 0.3) + sc.outward * r.uniform(-0.3, 0.3))
        a = self.anchor_for_gesture()
        curls = np.r_[r.uniform(0.0, 0.15), r.uniform(0.0, 0.1, 4)]
        ze = self.ze()
        lead = self.lead(ze)
        keys = [self.wk(-lead, pos, a), self.ok(-lead, d, n_hint), self.hk(-lead, curls, r.uniform(0.1, 1.0), r.uniform(0.0, 0.15))]
        if r.random() < 0.5:
            keys.append(self.wk(r.uniform(0.0, 0.1), pos + _TOWARD * r.uniform(0.02, 0.06) * p.bs, a))
        dur = float(np.clip(_gamma(r, 1.5 / p.speed**0.3), 0.6, 2.9))
        return _Program("stop", self.fit(dur), lead, keys)

    # --- unlabeled activity
    def idle(self, t0: float, t1: float) -> None:
        r, p = self.rng, self.p
        self.limit = t1
        t = t0 + r.uniform(0.0, 0.12)
        acts = ["rest", "talk", "scratch", "glasses", "sip", "tap", "leave", "phone", "hair", "chin", "shift"]
        w = np.array([3.0, 2.5, 1.0, 0.8, 0.8, 1.0, 1.0, 0.8, 0.6, 0.7, 1.0])
        if p.age == "elderly":
            w[3] *= 2.0
        if p.holding == "cup":
            w[4] *= 2.5
        if p.holding == "phone":
            w[7] *= 2.5
        if p.anchored or p.posture == "counter":
            w[5] *= 2.0
        if p.age == "child":
            w[1] *= 1.5
            w[3] = 0.1
        w = w / w.sum()
        while t < t1 - 0.05:
            act = "rest" if t1 - t < 0.6 else acts[int(r.choice(len(acts), p=w))]
            t = max(getattr(self, "_a_" + act)(t), t + 0.2)
        self.limit = math.inf

    def _go(self, t, pos, a, d, n_hint, shape, om_scale=1.0):
        p = self.p
        if self.last_w is not None:  # long unlabeled moves take longer (square-root law)
            dist = float(np.linalg.norm(self.last_w[:3] - pos))
            om_scale *= float(np.clip(math.sqrt(0.15 * p.bs / max(dist, 1e-6)), 0.5, 1.0))
        om = p.om_w * om_scale
        self.emit([self.wk(0.0, pos, a, om), self.ok(0.0, d, n_hint, p.om_o * om_scale), self.hk(0.0, *shape)], t)
        return t + _rise(om, p.zeta, 0.85)

    def _a_rest(self, t):
        r, p, sc = self.rng, self.p, self.sc
        arrive = self._go(t, sc.rest + r.normal(0, 0.015, 3) * p.bs, sc.a_default, sc.rest_d, sc.rest_n,
                          (self.relaxed(), r.uniform(0.1, 0.5), r.uniform(0.2, 0.5)), r.uniform(0.6, 1.0))  # fmt: skip
        end = arrive + _gamma(r, 1.6, 3.0)
        for _ in range(int(r.poisson((end - arrive) * 0.7))):
            self.emit([self.hk(r.uniform(arrive, end) - t, self.relaxed(), r.uniform(0.1, 0.5), r.uniform(0.2, 0.5))], t)
        return end

    def _a_talk(self, t):
        r, p, sc = self.rng, self.p, self.sc
        tt = t
        for _ in range(int(r.integers(3, 7))):
            off = r.normal(0.0, 0.035, 3)
            off *= min(1.0, 0.07 / (np.linalg.norm(off) + 1e-9))
            n_hint = [_UP, sc.inward, _DOWN][int(r.choice(3, p=[0.4, 0.35, 0.25]))]
            d = _unit(_TOWARD * r.uniform(0.5, 1.0) + _UP * r.uniform(-0.2, 0.6) + sc.inward * r.uniform(-0.3, 0.4))
            keys = [self.wk(0.0, sc.talk + off * p.bs), self.ok(0.0, d, n_hint),
                    self.hk(0.0, self.relaxed(0.3, 0.65), r.uniform(0.2, 0.9), r.uniform(0.2, 0.5))]  # fmt: skip
            self.emit(keys, tt)
            tt += _gamma(r, 0.4 / p.speed, 3.0) + 0.1
        return tt

    def _claw(self):
        r = self.rng
        return np.r_[r.uniform(0.35, 0.5), r.uniform(0.5, 0.65, 4)]

    def _a_scratch(self, t):
        r, p, sc = self.rng, self.p, self.sc
        spot = str(r.choice(["cheek", "head", "neck", "arm"]))
        if spot == "arm":
            pos, a, d, n_hint = np.array([-p.h * 0.35, 0.3, -0.15]) * p.bs, sc.a_default, _unit(_TOWARD + sc.inward), _DOWN
        else:
            off = {"cheek": [p.h * 0.06, -0.05, 0.02], "head": [p.h * 0.05, -0.3, 0.05], "neck": [p.h * 0.08, 0.1, 0.0]}[spot]
            pos, a, d, n_hint = sc.face + np.array(off) * p.bs, 0.0, _unit(_UP + 0.3 * _AWAY), _AWAY
        claw = self._claw()
        arrive = self._go(t, pos, a, d, n_hint, (claw, 0.2, 0.4), r.uniform(0.7, 1.0))
        half = r.uniform(0.07, 0.14)
        ze = self.ze()
        om = _tau_unit(int(round(ze * 100)), 700) / half
        k = int(r.integers(4, 14))
        for i in range(k):
            sgn = 1.0 if i % 2 == 0 else -1.0
            c = claw + sgn * np.r_[0.0, np.full(4, 0.13)]
            self.emit([self.hk(0.0, c, 0.2, 0.4, om, ze), self.wk(0.0, pos + sgn * 0.006 * p.bs * d, a, om, ze)], arrive + i * half)
        return arrive + k * half + r.uniform(0.1, 0.4)

    def _a_glasses(self, t):
        r, p, sc = self.rng, self.p, self.sc
        eyes = sc.face + np.array([0.0, -0.08, -0.02]) * p.bs
        pinch = (np.r_[r.uniform(0.4, 0.5), r.uniform(0.42, 0.55), r.uniform(0.65, 0.8, 3)], 0.2, r.uniform(0.75, 0.9))
        d = _unit(_UP + 0.3 * sc.inward + 0.4 * _AWAY)
        arrive = self._go(t, eyes + np.array([0.0, 0.02, -0.04]) * p.bs, 0.0, d, _AWAY, pinch)
        self.emit([self.wk(0.0, eyes, 0.0, self.p.om_w * 1.5)], arrive + 0.1)
        return arrive + r.uniform(0.4, 1.1)

    def _a_sip(self, t):
        r, p, sc = self.rng, self.p, self.sc
        grip = (np.r_[r.uniform(0.4, 0.5), r.uniform(0.55, 0.7, 4)], 0.2, r.uniform(0.5, 0.7))
        d = _unit(_UP + 0.3 * sc.inward)
        arrive = self._go(t, sc.face + np.array([0.0, 0.04, -0.05]) * p.bs, 0.0, d, sc.inward, grip, r.uniform(0.5, 0.8))
        self.emit([self.ok(0.0, _unit(_UP + 0.6 * _AWAY), sc.inward)], arrive + 0.1)
        return arrive + r.uniform(0.5, 1.5)

    def _a_tap(self, t):
        r, p, sc = self.rng, self.p, self.sc
        base = self.relaxed(0.35, 0.55)
        arrive = self._go(t, sc.rest + r.normal(0, 0.01, 3) * p.bs, sc.a_default, sc.rest_d, _DOWN, (base, 0.3, 0.4))
        tt = arrive
        order = [4, 3, 2, 1] if r.random() < 0.5 else list(r.permutation([1, 2, 3, 4]))
        for i in range(int(r.integers(4, 12))):
            f = int(order[i % 4])
            c = base.copy()
            c[f] = r.uniform(0.0, 0.15)
            self.emit([self.hk(0.0, c, 0.3, 0.4, p.om_h * 1.5), self.hk(r.uniform(0.08, 0.16), base, 0.3, 0.4, p.om_h * 1.5)], tt)
            tt += r.uniform(0.12, 0.3)
        return tt + 0.2

    def _a_leave(self, t):
        r, p, sc = self.rng, self.p, self.sc
        if r.random() < 0.65:
            base = sc.rest + np.array([0.0, r.uniform(0.1, 0.3), 0.05]) * p.bs
            step = _DOWN
        else:
            base = sc.rest + np.array([p.h * r.uniform(0.2, 0.35), r.uniform(0.15, 0.3), r.uniform(-0.1, 0.1)]) * p.bs
            step = _unit(_DOWN + sc.outward)
        target = base
        for k in range(12):
            target = base + step * 0.1 * k
            x, y, _ = sc.cam.project(target[None, :])
            if y[0] > 1.18 or x[0] < -0.15 or x[0] > 1.15:
                break
        arrive = self._go(t, target, 0.0, _unit(_DOWN + 0.3 * _TOWARD), sc.inward, (self.relaxed(0.4, 0.6), 0.3, 0.4), r.uniform(0.4, 0.7))
        return arrive + r.uniform(0.5, 2.5)

    def _a_phone(self, t):
        r, p, sc = self.rng, self.p, self.sc
        pos = sc.chest + np.array([0.0, -0.05, -0.05]) * p.bs
        base = np.r_[0.3, r.uniform(0.5, 0.65, 4)]
        arrive = self._go(t, pos, 0.0, _unit(0.6 * _UP + 0.8 * _TOWARD), _unit(_AWAY + 0.5 * _UP), (base, 0.2, 0.55))
        tt = arrive
        for _ in range(int(r.integers(2, 7))):
            c = base.copy()
            c[0] = r.uniform(0.45, 0.65)
            self.emit([self.hk(0.0, c, 0.2, 0.55), self.hk(r.uniform(0.1, 0.2), base, 0.2, 0.55)], tt)
            tt += r.uniform(0.2, 0.45)
        return tt + r.uniform(0.1, 0.5)

    def _a_hair(self, t):
        r, p, sc = self.rng, self.p, self.sc
        spot = np.array([0.0, -0.28, 0.05]) * p.bs
        arrive = self._go(t, spot, 0.0, _unit(_UP + 0.5 * _AWAY), sc.inward, (self.relaxed(0.35, 0.5), 0.3, 0.4))
        tt = arrive
        for _ in range(int(r.integers(1, 4))):
            self.emit([self.wk(0.0, spot + np.array([0.0, 0.06, 0.03]) * p.bs, 0.0)], tt)
            tt += r.uniform(0.3, 0.5)
            self.emit([self.wk(0.0, spot, 0.0)], tt)
            tt += r.uniform(0.3, 0.5)
        return tt

    def _a_chin(self, t):
        r, p, sc = self.rng, self.p, self.sc
        pos = sc.face + np.array([0.0, 0.04, -0.04]) * p.bs
        shape = (np.r_[0.4, r.uniform(0.5, 0.6), r.uniform(0.55, 0.75, 3)], 0.2, 0.5)
        arrive = self._go(t, pos, 0.0, _unit(_UP + 0.3 * _AWAY), _AWAY, shape)
        tt = arrive
        for k in range(int(r.integers(4, 9))):
            ang = k * math.pi / 2
            self.emit([self.wk(0.0, pos + 0.008 * p.bs * np.array([math.cos(ang), math.sin(ang), 0.0]), 0.0)], tt)
            tt += r.uniform(0.15, 0.3)
        return tt

    def _a_shift(self, t):
        r, p, sc = self.rng, self.p, self.sc
        d = _rot(sc.rest_d, _UP, r.uniform(-40.0, 40.0))
        arrive = self._go(t, sc.rest + r.normal(0.0, 0.05, 3) * p.bs, sc.a_default, d, sc.rest_n,
                          (self.relaxed(), 0.3, 0.4), r.uniform(0.5, 0.8))  # fmt: skip
        return arrive + r.uniform(0.2, 0.8)


# ----------------------------------------------------------------------------- rendering


def _render(rng: np.random.Generator, p: _Person, sc: _Scene, b: _Builder, t_len: int) -> np.ndarray:
    times = np.arange(t_len) / FPS
    w = _synth(b.keys["W"], times, 4)
    o = _synth(b.keys["O"], times, 6)
    hs = _synth(b.keys["H"], times, 7)
    pos = w[:, :3]
    if p.anchored:
        a = np.clip(w[:, 3:4], 0.0, 1.0)
        proj = p.elbow + p.fl * _unit(pos - p.elbow)
        pos = pos + a * (proj - pos)
    trem = _resonant_noise(rng, t_len, 14, p.trem_f, rng.uniform(3.0, 7.0))
    env = np.clip(1.0 + 0.5 * _resonant_noise(rng, t_len, 1, 0.2, 0.7), 0.2, None)
    sway = _resonant_noise(rng, t_len, 3, 0.3, 0.7)
    pos = pos + trem[:, :3] * p.trem_amp * env + sway * p.sway
    o = o + trem[:, 3:9] * (p.trem_amp / 0.09) * env
    hs = hs.copy()
    hs[:, :5] += trem[:, 9:14] * p.curl_trem * env
    d = _unit(o[:, :3])
    n = o[:, 3:] - np.sum(o[:, 3:] * d, axis=1, keepdims=True) * d
    bad = np.linalg.norm(n, axis=1) < 1e-3
    if bad.any():
        n[bad] = np.cross(d[bad], [0.3, 0.5, 0.8])
    n = _unit(n)
    rot = np.stack([np.cross(d, n), d, n], axis=-1)
    local = _hand_local(p, hs) * p.hl
    if not p.right:
        local[..., 0] *= -1.0
    world = pos[:, None, :] + np.einsum("tij,tkj->tki", rot, local)
    x, y, z = sc.cam.project(world)
    zr = (z - z[:, :1]) * sc.cam.focal * sc.cam.zoom / z[:, :1]
    return np.stack([x, y, zr], axis=-1)


# ----------------------------------------------------------------------------- measurements (shared by checks)


def _pixels(lm: np.ndarray, size) -> np.ndarray:
    return lm * np.array([size[0], size[1], size[0]], dtype=float)


def _directions(lm: np.ndarray, s: int, e: int, size):
    v = lm[s:e, 8, :2] - lm[s:e, 5, :2]
    out = []
    for sx, sy in ((1.0, 1.0), (float(size[0]), float(size[1]))):
        u = _unit(np.stack([v[:, 0] * sx, -v[:, 1] * sy], axis=1))
        m = u.mean(axis=0)
        out.append((float(math.degrees(math.atan2(m[1], m[0])) % 360.0), float(np.linalg.norm(m))))
    return out


def _palm_len(pix: np.ndarray) -> np.ndarray:
    return np.linalg.norm(pix[:, 9] - pix[:, 0], axis=-1)


def _openness(pix: np.ndarray) -> np.ndarray:
    """Mean distance of the index and middle tips from the wrist, in palm lengths."""
    tips = np.linalg.norm(pix[:, [8, 12]] - pix[:, None, 0], axis=-1).mean(axis=1)
    return tips / np.maximum(_palm_len(pix), 1e-9)


def _straight(pix: np.ndarray, finger: int) -> np.ndarray:
    m = 1 + 4 * finger
    a = _unit(pix[:, m + 1] - pix[:, m])
    b = _unit(pix[:, m + 3] - pix[:, m + 2])
    return np.sum(a * b, axis=-1)


def _runs(mask: np.ndarray):
    m = np.r_[False, mask, False].astype(np.int8)
    dm = np.diff(m)
    return list(zip(np.flatnonzero(dm == 1), np.flatnonzero(dm == -1)))


def _check(lm: np.ndarray, gestures: list, size) -> bool:
    pix = _pixels(lm, size)
    t_len = len(lm)
    for label, s, e, _ in gestures:
        seg = pix[s:e]
        pc = lm[s:e][:, [0, 5, 9, 13, 17], :2].mean(axis=1)
        if np.mean(np.all((pc >= 0.0) & (pc <= 1.0), axis=1)) < 0.7:
            return False
        palm = float(np.median(_palm_len(seg)))
        if palm < 3.0:
            return False
        if label == "point":
            (_, res), (_, res_px) = _directions(lm, s, e, size)
            if res < 0.85 or res_px < 0.85:
                return False
            if np.mean((lm[s:e, [5, 8], :2] < 0.0) | (lm[s:e, [5, 8], :2] > 1.0)) > 0.1:
                return False
            v = seg[:, 8] - seg[:, 5]
            if np.mean(np.linalg.norm(v[:, :2], axis=1)) < 0.45 * np.mean(np.linalg.norm(v, axis=1)):
                return False
            reach = [np.median(np.linalg.norm(seg[:, 4 + 4 * f] - seg[:, 0], axis=1)) / palm for f in (1, 2, 3)]
            if reach[0] < 1.6 or reach[0] - max(reach[1], reach[2]) < 0.45:
                return False
        elif label.startswith("swipe"):
            dx, dy = _SWIPE_DIRS[label]
            c = seg[:, :, :2].mean(axis=1)
            disp = c[-3:].mean(axis=0) - c[:3].mean(axis=0)
            along = disp[0] * dx + disp[1] * dy
            perp = abs(disp[0] * dy - disp[1] * dx)
            if along < 1.3 * perp or along < 1.2 * palm:
                return False
        elif label == "grab":
            op = _openness(seg)
            if op[-3:].mean() > op[:3].mean() - 0.35:
                return False
        elif label == "stop":
            if np.median(_openness(seg)) < 1.9:
                return False
            c = seg[e - s - max(3, (e - s) * 4 // 5) :, :, :2].mean(axis=1)
            if np.max(np.ptp(c, axis=0)) > 1.5 * palm:
                return False
        elif label == "come_here":
            if np.ptp(_openness(seg)) < 0.25 and np.ptp(np.linalg.norm(seg[:, 8] - seg[:, 0], axis=1)) < 0.25 * palm:
                return False
    idle = np.ones(t_len, dtype=bool)
    for _, s, e, _ in gestures:
        idle[max(0, s - IDLE_MARGIN_FRAMES) : e + IDLE_MARGIN_FRAMES] = False
    if idle.sum() >= 15:
        st = np.stack([_straight(pix, f) for f in (1, 2, 3, 4)], axis=1) > 0.9
        point_like = st[:, 0] & ~st[:, 1] & ~st[:, 2]
        open_like = st.all(axis=1)
        for mask in (point_like & idle, open_like & idle):
            if any(b - a >= 15 for a, b in _runs(mask)):
                return False
        c = lm[:, :, :2].mean(axis=1) * np.array(size, dtype=float)
        for a, b in _runs(idle):
            if b - a > 20:
                dxy = c[a + 20 : b] - c[a : b - 20]
                if np.any((np.abs(dxy[:, 0]) > 0.4 * size[0]) & (np.abs(dxy[:, 0]) > 2.0 * np.abs(dxy[:, 1]))):
                    return False
    return True


# ----------------------------------------------------------------------------- clip assembly


def _kind_of(seed: int, i: int) -> str:
    perm = np.random.default_rng([_SALT_BLOCK, seed, i // 20]).permutation(20)
    return _BLOCK[int(perm[i % 20])]


def _choose_labels(rng: np.random.Generator, kind: str) -> list[str]:
    if kind in ("tight", "margin"):
        return [LABELS[int(rng.integers(8))]]
    if kind == "pair":
        swipe = LABELS[1 + int(rng.integers(4))]
        return [("point", swipe), ("grab", swipe), ("point", "grab"), ("point", "come_here")][int(rng.integers(4))]
    return [LABELS[int(rng.integers(8))] for _ in range(int(rng.integers(3, 6)))]


def _attempt(seed: int, i: int, attempt: int, kind: str):
    rng = np.random.default_rng([_SALT_CLIP, seed, i, attempt])
    p = _sample_person(rng)
    sc = _sample_scene(rng, p)
    b = _Builder(rng, p, sc)
    labels = list(_choose_labels(np.random.default_rng([_SALT_LABEL, seed, i]), kind))  # fixed across attempts
    progs = [b.program(lab) for lab in labels]
    spans = []
    if kind == "tight":
        s = int(rng.integers(0, 3))
        b.emit(progs[0].keys, s / FPS)
        spans.append((s, s + progs[0].frames))
        t_len = spans[0][1] + int(rng.integers(0, 3))
    else:
        ng = len(progs)
        if kind == "margin":
            idles = [rng.uniform(0.6, 3.0), rng.uniform(0.6, 3.0)]
        elif kind == "pair":
            idles = [rng.uniform(0.4, 2.0), rng.uniform(0.5, 2.5), rng.uniform(0.4, 2.0)]
        else:
            idles = [rng.uniform(0.5, 3.0)] + [rng.uniform(0.8, 4.0) for _ in range(ng - 1)] + [rng.uniform(0.5, 3.0)]
        mins = [pr.lead + 0.3 for pr in progs] + [0.4]
        idles = [max(x, m) for x, m in zip(idles, mins)]
        if kind == "recording":
            budget = 19.8 - sum(pr.frames for pr in progs) / FPS
            if sum(idles) > budget:
                extra = [x - m for x, m in zip(idles, mins)]
                scale = max(0.0, (budget - sum(mins)) / max(sum(extra), 1e-9))
                idles = [m + e * scale for m, e in zip(mins, extra)]
        f = 0
        for k, pr in enumerate(progs):
            s = f + int(round(idles[k] * FPS))
            b.idle(f / FPS, s / FPS - pr.lead)
            b.emit(pr.keys, s / FPS)
            spans.append((s, s + pr.frames))
            f = s + pr.frames
        t_len = f + int(round(idles[-1] * FPS))
        b.idle(f / FPS, t_len / FPS)
    raw = _render(rng, p, sc, b, t_len)
    size = (sc.cam.width, sc.cam.height)
    clean = raw.copy()
    clean[..., :2] = np.clip(clean[..., :2], -0.3, 1.3)
    clean = clean.astype(np.float32)
    gestures, dirs_px = [], []
    for lab, (s, e) in zip(labels, spans):
        if lab == "point":
            (deg, _), (deg_px, _) = _directions(clean.astype(float), s, e, size)
            gestures.append((lab, int(s), int(e), deg))
            dirs_px.append(deg_px)
        else:
            gestures.append((lab, int(s), int(e), None))
            dirs_px.append(None)
    ok = _check(clean.astype(float), gestures, size)
    cam = sc.cam
    pix = _pixels(clean.astype(float), size)
    meta = {
        "image_size": (int(size[0]), int(size[1])),
        "direction_deg_pixels": dirs_px,
        "generator": "blind18",
        "seed": int(seed),
        "index": int(i),
        "attempt": int(attempt),
        "checks_passed": bool(ok),
        "person": {
            "age": p.age, "hand": "right" if p.right else "left", "posture": p.posture, "elbow_anchored": p.anchored,
            "arthritic": p.arthritic, "holding": p.holding, "hand_length_m": round(p.hl, 4), "speed": round(p.speed, 3),
            "damping": round(p.zeta, 3), "tremor_hz": round(p.trem_f, 2), "tremor_mm": round(p.trem_amp * 1000, 2),
        },
        "camera": {
            "hfov_deg": round(cam.hfov, 2), "distortion_lambda": round(cam.lam, 4), "zoom": round(cam.zoom, 3),
            "roll_deg": round(cam.roll, 2), "pitch_deg": round(cam.pitch, 2), "yaw_deg": round(cam.yaw, 2),
            "mirrored": cam.mirror, "palm_px_median": round(float(np.median(_palm_len(pix))), 2),
        },
    }  # fmt: skip
    return ok, raw, clean, tuple(gestures), meta


def _track(raw: np.ndarray, gestures, size, rng: np.random.Generator):
    """Tracker model: jitter, ROI jitter, palm collapse, lost frames, alpha-beta smoothing."""
    t_len = len(raw)
    aspect = size[1] / size[0]
    pix = np.array([1.0, aspect, 1.0])
    lm = raw.astype(float)
    pl = np.linalg.norm((lm[:, 9] - lm[:, 0]) * pix, axis=1)
    pl_med = float(np.median(pl))
    palm_idx = [0, 5, 9, 13, 17]
    # measurement noise, temporally correlated
    sig = rng.uniform(0.015, 0.06) * pl_med
    rho = rng.uniform(0.0, 0.6)
    e = rng.standard_normal((t_len, 21, 3))
    for t in range(1, t_len):
        e[t] = rho * e[t - 1] + math.sqrt(1 - rho * rho) * e[t]
    wts = np.ones(21)
    wts[[4, 8, 12, 16, 20]] = 1.7
    wts[[3, 7, 11, 15, 19]] = 1.3
    wts[0] = 0.8
    noise = e * sig * wts[None, :, None]
    noise[..., 2] *= 2.5
    roi = rng.standard_normal((t_len, 3))
    for t in range(1, t_len):
        roi[t] = 0.8 * roi[t - 1] + 0.6 * roi[t]
    pc = lm[:, palm_idx].mean(axis=1, keepdims=True)
    meas = pc + (lm - pc) * (1.0 + 0.012 * roi[:, 2])[:, None, None]
    meas[..., :2] += (roi[:, None, :2] * 0.025 * pl_med) / pix[None, None, :2]
    meas = meas + noise / pix
    # collapse toward the palm when the hand is edge-on
    v1, v2 = (lm[:, 5] - lm[:, 0]) * pix, (lm[:, 17] - lm[:, 0]) * pix
    nrm = np.cross(v1, v2)
    edge = 1.0 - np.abs(nrm[:, 2]) / (np.linalg.norm(nrm, axis=1) + 1e-12)
    factor = np.ones(t_len)
    n_collapse = 0
    if rng.random() < 0.35:
        w = edge**3 + 0.05
        for c in rng.choice(t_len, size=int(rng.integers(1, 4)), p=w / w.sum()):
            length = int(rng.integers(4, 19))
            depth = rng.uniform(0.2, 0.65)
            tt = np.arange(t_len) - (c - length / 2)
            bump = np.where((tt >= 0) & (tt <= length), np.sin(np.pi * np.clip(tt, 0, length) / length) ** 2, 0.0)
            factor = np.minimum(factor, 1.0 - (1.0 - depth) * bump)
            n_collapse += 1
    pcm = meas[:, palm_idx].mean(axis=1, keepdims=True)
    meas = pcm + (meas - pcm) * factor[:, None, None]
    # lost frames
    cen = lm[:, palm_idx, :2].mean(axis=1)
    out = np.any((cen < -0.02) | (cen > 1.02), axis=1)
    lost = out.copy()
    delay = int(rng.integers(1, 5))
    for _, b in _runs(out):
        lost[b : b + delay] = True
    random_lost = np.zeros(t_len, dtype=bool)
    random_lost |= (pl < 0.02) & (rng.random(t_len) < 0.2)
    speed = np.r_[0.0, np.linalg.norm(np.diff(cen * pix[:2], axis=0), axis=1)]
    random_lost |= (speed > rng.uniform(0.035, 0.07)) & (rng.random(t_len) < 0.35)
    random_lost |= (factor < 0.45) & (rng.random(t_len) < 0.3)
    for _ in range(int(rng.poisson(t_len / FPS * rng.uniform(0.05, 0.35)))):
        st = int(rng.integers(0, t_len))
        ln = 1 if rng.random() < 0.5 else min(2 + int(rng.geometric(0.18)), 24)
        random_lost[st : st + ln] = True
    random_lost &= ~lost
    for _, s, e_, _ in gestures:
        idx = np.flatnonzero(random_lost[s:e_]) + s
        cap = int(0.35 * (e_ - s))
        if len(idx) > cap:
            random_lost[rng.choice(idx, size=len(idx) - cap, replace=False)] = False
    lost |= random_lost
    # alpha-beta (constant velocity Kalman-like) smoother
    alpha = rng.uniform(0.3, 0.8)
    beta = alpha * alpha / (2.0 - alpha) * rng.uniform(0.6, 2.0)
    flat = meas.reshape(t_len, 63)
    sm = np.zeros_like(flat)
    x = v = None
    gap = 0
    for t in range(t_len):
        if lost[t]:
            gap += 1
            continue
        z = flat[t]
        if x is None or gap > 3:
            x, v = z.copy(), np.zeros(63)
        else:
            xp = x + v * (gap + 1)
            res = z - xp
            x = xp + alpha * res
            v = v + beta * res / (gap + 1)
        sm[t] = x
        gap = 0
    trk = sm.reshape(t_len, 21, 3)
    trk[..., 2] = (trk[..., 2] - trk[:, :1, 2]) * rng.uniform(0.5, 1.4)
    xy = trk[..., :2]
    trk[..., :2] = np.where(xy < 0.0, xy * 0.5, np.where(xy > 1.0, 1.0 + (xy - 1.0) * 0.5, xy))
    trk[..., :2] = np.clip(trk[..., :2], -0.3, 1.3)
    # write lost frames
    kinds = ("nan", "zero", "hold")
    kw = rng.dirichlet([0.8, 0.8, 0.8])
    counts = {k: 0 for k in kinds}
    runs = {k: 0 for k in kinds}
    for a, b in _runs(lost):
        k = kinds[int(rng.choice(3, p=kw))]
        if k == "hold" and a > 0:
            trk[a:b] = trk[a - 1]
        elif k == "zero":
            trk[a:b] = 0.0
        else:
            k = "nan"
            trk[a:b] = np.nan
        counts[k] += int(b - a)
        runs[k] += 1
    info = {
        "lost_frames": counts, "lost_runs": runs, "alpha": round(alpha, 3), "beta": round(beta, 4),
        "jitter_palm_fraction": round(sig / max(pl_med, 1e-9), 4), "collapse_events": n_collapse,
    }  # fmt: skip
    return trk.astype(np.float32), info


@lru_cache(maxsize=512)
def _make(seed: int, i: int):
    kind = _kind_of(seed, i)
    result = None
    for attempt in range(_MAX_ATTEMPTS):
        result = _attempt(seed, i, attempt, kind)
        if result[0]:
            break
    ok, raw, clean, gestures, meta = result
    rng_t = np.random.default_rng([_SALT_TRACK, seed, i, meta["attempt"]])
    tracked, info = _track(raw, gestures, meta["image_size"], rng_t)
    clean.setflags(write=False)
    tracked.setflags(write=False)
    return kind, clean, tracked, gestures, meta, info


def _clip(seed: int, i: int, clean: bool) -> Blind18Clip:
    kind, c_lm, t_lm, gestures, meta, info = _make(int(seed), int(i))
    m = json.loads(json.dumps(meta))
    m["image_size"] = tuple(meta["image_size"])
    m["clean"] = bool(clean)
    if not clean:
        m["tracker"] = json.loads(json.dumps(info))
    return Blind18Clip(landmarks=(c_lm if clean else t_lm).copy(), gestures=gestures, kind=kind, meta=m)


def blind18_dataset(n: int, seed: int = 0) -> list[Blind18Clip]:
    """n tracked clips; clip i depends only on (seed, i)."""
    return [_clip(seed, i, clean=False) for i in range(n)]


def blind18_clean_dataset(n: int, seed: int = 0) -> list[Blind18Clip]:
    """The same n clips before the tracker model (same labels and kinds)."""
    return [_clip(seed, i, clean=True) for i in range(n)]


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
    ap = argparse.ArgumentParser(description="Write blind18 synthetic gesture clips (.npy) and labels.json.")
    ap.add_argument("out", type=Path)
    ap.add_argument("-n", type=int, default=20)
    ap.add_argument("-s", "--seed", type=int, default=0)
    ap.add_argument("--clean", action="store_true", help="write the clips before tracker errors")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    clips = (blind18_clean_dataset if args.clean else blind18_dataset)(args.n, args.seed)
    records = []
    for k, c in enumerate(clips):
        name = f"clip_{k:05d}.npy"
        np.save(args.out / name, c.landmarks)
        records.append(
            {"file": name, "kind": c.kind, "frames": int(len(c.landmarks)), "gestures": [list(g) for g in c.gestures], "meta": c.meta}
        )
    doc = {
        "generator": "blind18",
        "seed": args.seed,
        "clean": args.clean,
        "fps": FPS,
        "labels": list(LABELS),
        "kinds": list(KINDS),
        "clips": records,
    }
    (args.out / "labels.json").write_text(json.dumps(doc, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
