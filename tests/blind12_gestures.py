"""Synthetic workbench gesture clips: seated people commanding a robot arm, filmed by a low wide-angle camera.

This generator was written without reading any other gesture generator or the code it is used to evaluate.

What is modelled
----------------
* Scene: a person sits at a workbench next to a robot arm. The camera sits on the bench, on the robot's base
  or on its wrist, usually below the hands and looking up at them (strong pitch, some yaw and roll), with a
  wide-angle lens (60-125 degree field of view, barrel distortion of a blended rectilinear/equidistant kind).
  A wrist-mounted camera wobbles and may drift when the robot moves. Frames are landscape or portrait.
* Hand: a 3-D skeleton driven by joint angles (MCP, PIP, coupled DIP, splay; a thumb with palmar abduction,
  opposition and flexion) with per-person bone lengths, palm width, palmar cupping, finger enslavement, and
  ranges of motion. Older adults may have arthritic fingers that never fully extend nor fully close (and
  drift ulnarwards) and 4-7 Hz tremor (rest or postural); children have small, hyperextensible hands; some
  people gesture small and fast from the wrist only.
* Motion: superposed submovements (minimum-jerk or sigma-lognormal velocity profiles) on an 18-D pose
  (wrist position, hand orientation as a rotation vector, finger shape), so overlapping submovements blend
  (co-articulation); via-point arcs, overshoot-and-correct, fingers leading or lagging the arm, holds with
  postural drift, breathing and physiological tremor. Gestures can be abandoned and restarted, and the next
  gesture may cut into the hold of the previous one. Several styles per gesture (push/raise/wrist stop;
  palm-led, back-led, palm-to-camera and wrist-flick swipes; in-place, reaching, clawing and palm-down grabs;
  four ways to beckon; still, reaching and jabbing points).
* Idle time: hands resting on the bench, elbow on the bench with the hand up by the face, picking up and
  using and putting down tools, typing, picking and placing parts, wiping the bench, rubbing the hands,
  scratching the head, touching the face and glasses, talking with beat gestures, reaching towards the robot,
  dropping the hand into the lap or out to the side, and a second person's hand passing through.
* Tracker: per-landmark jitter (larger for small, fast and occluded landmarks, occluded fingers pulled
  towards the palm), temporally correlated noise, noisy and biased depth, heavy temporal smoothing (EMA,
  alpha-beta with overshoot, or one-euro), one- or two-frame whole-hand glitches (shift, scale, mirror,
  rotate, scrambled fingers), following the wrong hand, lost frames (more often at the image edges, for
  small or fast hands) written as NaN, zeros or repeats, and re-detection jumps. Cameras run at 15, 24, 25,
  30 or 60 fps; the tracker runs at the camera rate and its output is resampled to 30 fps (hold or linear).

Labels: (label, start_frame, end_frame, direction_deg) with end_frame exclusive. A gesture is marked from the
moment the hand starts to form it (for swipes: shortly before the stroke) to the end of its stroke or hold;
abandoned attempts, return strokes and idle activity are not labelled. Point directions are measured on the
clean landmarks over the hold frames (meta["hold_frames"]). meta["lost_frames"] lists the frames the tracker
lost (by design about 8-10% of all frames; most clips lose only a few frames or none, while clips where the
hand rests outside the picture lose up to about two thirds); with "hold" resampling of 15/24/25 fps cameras
some tracked frames are also exact repeats.
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

_NUMBER = 12
_BLOCK = ("tight",) * 6 + ("margin",) * 5 + ("pair",) * 5 + ("recording",) * 4
_MAX_CLIP_S = 19.5

_POS = np.arange(0, 3)
_ROT = np.arange(3, 6)
_FING = np.arange(6, 18)
_NQ = 18
_PALM = [0, 5, 9, 13, 17]


# ----------------------------------------------------------------------------------------------------------
# small maths helpers
# ----------------------------------------------------------------------------------------------------------
def _unit(v):
    v = np.asarray(v, dtype=float)
    n = np.linalg.norm(v)
    return v / n if n > 1e-12 else v


def _rodrigues(r):
    """Rotation vectors (..., 3) to rotation matrices (..., 3, 3)."""
    r = np.asarray(r, dtype=float)
    th = np.linalg.norm(r, axis=-1)
    k = r / np.maximum(th, 1e-12)[..., None]
    kx, ky, kz = k[..., 0], k[..., 1], k[..., 2]
    kk = np.zeros(r.shape[:-1] + (3, 3))
    kk[..., 0, 1] = -kz
    kk[..., 0, 2] = ky
    kk[..., 1, 0] = kz
    kk[..., 1, 2] = -kx
    kk[..., 2, 0] = -ky
    kk[..., 2, 1] = kx
    s = np.sin(th)[..., None, None]
    c = (1.0 - np.cos(th))[..., None, None]
    return np.eye(3) + s * kk + c * (kk @ kk)


def _log_rot(rm):
    c = float(np.clip((np.trace(rm) - 1.0) / 2.0, -1.0, 1.0))
    th = math.acos(c)
    if th < 1e-7:
        return np.zeros(3)
    if th > math.pi - 1e-4:
        a = (rm + np.eye(3)) / 2.0
        i = int(np.argmax(np.diag(a)))
        ax = _unit(a[:, i])
        return ax * th
    w = np.array([rm[2, 1] - rm[1, 2], rm[0, 2] - rm[2, 0], rm[1, 0] - rm[0, 1]]) / (2.0 * math.sin(th))
    return w * th


def _nearest_rotvec(r, ref):
    th = np.linalg.norm(r)
    if th < 1e-9:
        return r
    k = r / th
    cands = [r, k * (th - 2 * math.pi), k * (th + 2 * math.pi)]
    return min(cands, key=lambda c: float(np.linalg.norm(c - ref)))


def _erf(x):
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-a * a)
    return s * y


_LN_NORM = 0.5 * (1.0 + math.erf(2.8 / math.sqrt(2.0)))


def _profile(tau, kind, sigma):
    """Normalised displacement profile on tau in [0, 1]."""
    tau = np.clip(tau, 0.0, 1.0)
    if kind == "mj":
        return tau**3 * (10.0 - 15.0 * tau + 6.0 * tau * tau)
    mu = -2.8 * sigma
    lt = np.log(np.maximum(tau, 1e-9))
    s = 0.5 * (1.0 + _erf((lt - mu) / (sigma * math.sqrt(2.0)))) / _LN_NORM
    s = np.minimum(s, 1.0)
    s[tau <= 0.0] = 0.0
    s[tau >= 1.0] = 1.0
    return s


def _frame_nu(n, u_pref, fallback=(0.0, 0.0, 1.0)):
    """Hand frame with palm normal n exact and fingers as close as possible to u_pref: columns (u x n, u, n)."""
    n = _unit(n)
    u = np.asarray(u_pref, float) - np.dot(u_pref, n) * n
    if np.linalg.norm(u) < 1e-3:
        fb = np.asarray(fallback, float)
        u = fb - np.dot(fb, n) * n
        if np.linalg.norm(u) < 1e-3:
            u = np.cross(n, [1.0, 0.0, 0.0])
    u = _unit(u)
    return np.column_stack([np.cross(u, n), u, n])


def _frame_un(u, n_pref, fallback=(0.0, 0.0, 1.0)):
    """Hand frame with finger axis u exact and palm normal as close as possible to n_pref."""
    u = _unit(u)
    n = np.asarray(n_pref, float) - np.dot(n_pref, u) * u
    if np.linalg.norm(n) < 0.25:
        fb = np.asarray(fallback, float)
        n = fb - np.dot(fb, u) * u
        if np.linalg.norm(n) < 1e-3:
            n = np.cross(u, [1.0, 0.0, 0.0])
    n = _unit(n)
    return np.column_stack([np.cross(u, n), u, n])


def _rot_about(axis, ang):
    return _rodrigues(_unit(axis) * ang)


# ----------------------------------------------------------------------------------------------------------
# people
# ----------------------------------------------------------------------------------------------------------
@dataclass
class _Person:
    L: float
    hand: int  # +1 right hand, -1 left hand
    group: str
    arthritic: bool
    wrist_only: bool
    mcp: np.ndarray  # (4, 3) local MCP positions (la, lu, ln)
    cup: np.ndarray  # (4, 3) palmar cupping displacement at full curl
    phal: np.ndarray  # (4, 3) phalanx lengths
    splay0: np.ndarray
    ulnar: float
    mcp_lo: np.ndarray
    mcp_hi: np.ndarray
    pip_lo: np.ndarray
    pip_hi: np.ndarray
    dip_k: float
    spread_max: float
    enslave: np.ndarray
    cmc: np.ndarray
    th_len: np.ndarray
    th_alpha: float
    th_ab0: float
    th_ab_rng: float
    th_op_max: float
    th_mcp_max: float
    th_ip_max: float
    speed: float
    amp: float
    slop: float
    hold: float
    stiff: float
    profile: str
    ln_sigma: float
    p_abandon: float
    tremor: dict | None
    thumb_point: str
    zone_side: float
    zone_up: float


def _sample_person(rng, group=None):
    if group is None:
        group = str(rng.choice(["child", "adult", "older"], p=[0.1, 0.55, 0.35]))
    if group == "child":
        L = rng.uniform(0.115, 0.155)
    else:
        L = float(np.clip(rng.normal(0.175 if rng.random() < 0.5 else 0.19, 0.012), 0.15, 0.225))
    hand = 1 if rng.random() < 0.72 else -1
    arthritic = group == "older" and rng.random() < 0.5 or group == "adult" and rng.random() < 0.05
    wrist_only = rng.random() < (0.3 if group == "older" else 0.18)
    pl = rng.uniform(0.5, 0.56)
    pw = rng.uniform(0.42, 0.5) * L
    palm = pl * L
    mcp = np.array(
        [
            [0.45 * pw, 0.96 * palm, 0.012 * L],
            [0.15 * pw, palm, 0.0],
            [-0.15 * pw, 0.95 * palm, 0.006 * L],
            [-0.42 * pw, 0.86 * palm, 0.016 * L],
        ]
    )
    mcp[:, :2] += rng.normal(0, 0.01 * L, (4, 2))
    cup = np.array([[0.0, 0.0, 0.01], [0.0, 0.0, 0.0], [0.004, -0.005, 0.028], [0.02, -0.01, 0.05]]) * L
    flen = (1.0 - pl) * L * rng.uniform(0.93, 1.0)
    rel = np.array([0.91, 1.0, 0.95, 0.76]) + rng.normal(0, 0.03, 4)
    rel[1] = 1.0
    ratios = np.array([0.49, 0.30, 0.21]) + rng.normal(0, 0.015, 3)
    ratios /= ratios.sum()
    phal = np.outer(rel * flen, ratios) * rng.uniform(0.96, 1.04, (4, 3))
    splay0 = np.array([0.13, 0.03, -0.08, -0.2]) + rng.normal(0, 0.02, 4)
    if group == "child":
        mcp_lo = rng.uniform(-0.45, -0.15, 4)
    else:
        mcp_lo = rng.uniform(-0.25, -0.03, 4)
    mcp_hi = rng.uniform(1.35, 1.6, 4)
    pip_lo = rng.uniform(-0.06, 0.05, 4)
    pip_hi = rng.uniform(1.6, 1.85, 4)
    dip_k = rng.uniform(0.55, 0.8)
    spread_max = rng.uniform(0.8, 1.0)
    ulnar = 0.0
    th_op_max, th_mcp_max, th_ip_max = rng.uniform(1.1, 1.35), rng.uniform(0.8, 1.0), rng.uniform(1.0, 1.3)
    stiff = 1.0
    if arthritic:
        sev = rng.uniform(0.4, 1.0)
        mcp_lo = rng.uniform(0.15, 0.45, 4) * sev + 0.05
        mcp_hi = 1.45 - sev * rng.uniform(0.35, 0.6, 4)
        pip_lo = rng.uniform(0.2, 0.55, 4) * sev + 0.05
        pip_hi = 1.75 - sev * rng.uniform(0.5, 0.8, 4)
        dip_k = rng.uniform(0.3, 0.6)
        spread_max = rng.uniform(0.3, 0.65)
        ulnar = -rng.uniform(0.05, 0.25) if rng.random() < 0.5 else 0.0
        th_op_max *= 0.65
        th_mcp_max *= 0.6
        th_ip_max *= 0.6
        stiff = rng.uniform(1.15, 1.6)
    e = rng.uniform(0.02, 0.1)
    e_rm, e_rp = rng.uniform(0.08, 0.22), rng.uniform(0.08, 0.22)
    ens = np.eye(4)
    for i, j, v in ((0, 1, e), (1, 0, e), (1, 2, e_rm), (2, 1, e_rm), (2, 3, e_rp), (3, 2, e_rp)):
        ens[i, j] = v
    ens /= ens.sum(axis=1, keepdims=True)
    cmc = np.array([0.36 * pw + 0.02 * L, 0.17 * L, 0.03 * L])
    th_len = np.array([0.24, 0.165, 0.135]) * L * rng.uniform(0.93, 1.07, 3)
    base_speed = {"child": 1.1, "adult": 1.0, "older": 0.75}[group]
    speed = base_speed * math.exp(rng.normal(0, 0.22))
    amp = math.exp(rng.normal(0, 0.28))
    if wrist_only:
        speed *= rng.uniform(1.25, 1.7)
        amp *= rng.uniform(0.4, 0.65)
    slop = rng.random() ** 1.5 * (1.3 if group in ("child", "older") else 1.0)
    tremor = None
    if group == "older" and rng.random() < 0.55 or group == "adult" and rng.random() < 0.06:
        tremor = {
            "freq": rng.uniform(4.0, 7.0),
            "kind": str(rng.choice(["rest", "postural"])),
            "pos": rng.uniform(0.0008, 0.005),
            "rot": rng.uniform(0.01, 0.06),
            "fing": rng.uniform(0.02, 0.08),
            "phase": rng.uniform(0, 2 * math.pi),
        }
    return _Person(
        L=L,
        hand=hand,
        group=group,
        arthritic=bool(arthritic),
        wrist_only=bool(wrist_only),
        mcp=mcp,
        cup=cup,
        phal=phal,
        splay0=splay0,
        ulnar=ulnar,
        mcp_lo=mcp_lo,
        mcp_hi=mcp_hi,
        pip_lo=pip_lo,
        pip_hi=pip_hi,
        dip_k=dip_k,
        spread_max=spread_max,
        enslave=ens,
        cmc=cmc,
        th_len=th_len,
        th_alpha=rng.uniform(0.55, 0.8),
        th_ab0=0.05,
        th_ab_rng=rng.uniform(0.7, 0.95),
        th_op_max=th_op_max,
        th_mcp_max=th_mcp_max,
        th_ip_max=th_ip_max,
        speed=speed,
        amp=amp,
        slop=min(slop, 1.0),
        hold=math.exp(rng.normal(0, 0.3)),
        stiff=stiff,
        profile="ln" if rng.random() < 0.5 else "mj",
        ln_sigma=rng.uniform(0.2, 0.42),
        p_abandon=rng.uniform(0.0, 0.18),
        tremor=tremor,
        thumb_point=str(rng.choice(["tucked", "up", "loose"], p=[0.5, 0.25, 0.25])),
        zone_side=rng.uniform(0.0, 0.13),
        zone_up=rng.uniform(-0.04, 0.08),
    )


_THUMB_BEND = _unit([-0.85, -0.1, 0.5])


def _hand_local(f, p):
    """Finger parameters (T, 12) to local landmark positions (T, 21, 3): la towards the thumb, lu along the palm, ln palmar."""
    T = f.shape[0]
    out = np.zeros((T, 21, 3))
    curls = f[:, :8].reshape(T, 4, 2)
    mc = curls[:, :, 0] @ p.enslave.T
    pc = curls[:, :, 1] @ p.enslave.T
    mcc = np.clip(mc, -0.15, 1.05)
    mcp_ang = p.mcp_lo + (p.mcp_hi - p.mcp_lo) * mcc
    pip_ang = p.pip_lo + (p.pip_hi - p.pip_lo) * np.clip(pc, -0.1, 1.05)
    dip_ang = p.dip_k * pip_ang
    spread = np.clip(f[:, 8], 0.0, 1.0) * p.spread_max
    cup = np.clip(mcc, 0, 1).mean(axis=1)
    for k in range(4):
        base = 5 + 4 * k
        pos = p.mcp[k] + cup[:, None] * p.cup[k]
        out[:, base] = pos
        splay = p.splay0[k] * (0.35 + 1.3 * spread) * (1.0 - 0.55 * np.clip(mcc[:, k], 0, 1)) + p.ulnar
        sd, cd = np.sin(splay), np.cos(splay)
        ang = np.zeros(T)
        for j, inc in enumerate((mcp_ang[:, k], pip_ang[:, k], dip_ang[:, k])):
            ang = ang + inc
            c, s = np.cos(ang), np.sin(ang)
            seg = np.stack([sd * c, cd * c, s], axis=-1)
            pos = pos + p.phal[k, j] * seg
            out[:, base + 1 + j] = pos
    out[:, 1] = p.cmc
    ab = p.th_ab0 + p.th_ab_rng * np.clip(f[:, 9], -0.1, 1.0)
    op = p.th_op_max * np.clip(f[:, 10], 0.0, 1.0)
    fl = np.clip(f[:, 11], -0.15, 1.0)
    a0 = p.th_alpha
    d = np.stack([np.cos(ab) * math.sin(a0), np.cos(ab) * math.cos(a0), np.sin(ab)], axis=-1)
    la = d[:, 0] * np.cos(op) - d[:, 2] * np.sin(op)
    ln = d[:, 0] * np.sin(op) + d[:, 2] * np.cos(op)
    d = np.stack([la, d[:, 1], ln], axis=-1)
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    pos = p.cmc + p.th_len[0] * d
    out[:, 2] = pos
    for j, ang in ((1, p.th_mcp_max * fl), (2, p.th_ip_max * fl)):
        b = _THUMB_BEND - (d @ _THUMB_BEND)[:, None] * d
        b /= np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-9)
        d = np.cos(ang)[:, None] * d + np.sin(ang)[:, None] * b
        pos = pos + p.th_len[j] * d
        out[:, 2 + j] = pos
    out[..., 0] *= p.hand
    return out


# ----------------------------------------------------------------------------------------------------------
# motion: superposed submovements and oscillations on an 18-D pose
# ----------------------------------------------------------------------------------------------------------
class _Motion:
    def __init__(self, q0):
        self.q0 = np.asarray(q0, float).copy()
        self.plan = self.q0.copy()
        self.subs = []
        self.oscs = []

    def move(self, t0, dur, target, dims, prof="mj", sigma=0.3):
        dims = np.asarray(dims)
        delta = np.asarray(target, float) - self.plan[dims]
        self.plan[dims] = target
        if np.max(np.abs(delta)) > 1e-9:
            self.subs.append((float(t0), max(float(dur), 0.02), dims, delta, prof, sigma))

    def osc(self, t0, t1, amp, freq, phase=0.0, ramp=0.15, beat=0.0):
        amp = np.asarray(amp, float)
        if t1 - t0 > 0.05 and np.max(np.abs(amp)) > 0:
            self.oscs.append((float(t0), float(t1), amp, float(freq), float(phase), float(ramp), float(beat)))

    def eval(self, t):
        t = np.asarray(t, float)
        q = np.tile(self.q0, (len(t), 1))
        for t0, dur, dims, delta, prof, sig in self.subs:
            i0 = int(np.searchsorted(t, t0, side="right"))
            i1 = int(np.searchsorted(t, t0 + dur, side="left"))
            if i1 < len(t):
                q[i1:, dims] += delta
            if i1 > i0:
                s = _profile((t[i0:i1] - t0) / dur, prof, sig)
                q[i0:i1, dims] += s[:, None] * delta
        for t0, t1, amp, f, ph, ramp, beat in self.oscs:
            i0 = int(np.searchsorted(t, t0, side="right"))
            i1 = int(np.searchsorted(t, t1, side="left"))
            if i1 <= i0:
                continue
            tt = t[i0:i1]
            r = max(min(ramp, (t1 - t0) / 2), 1e-3)
            env = np.clip(np.minimum(tt - t0, t1 - tt) / r, 0, 1)
            env = 0.5 - 0.5 * np.cos(np.pi * env)
            w = np.sin(2 * np.pi * f * tt + ph)
            if beat:
                w = w + beat * np.sin(2 * np.pi * f * 1.083 * tt + 1.7 * ph)
            q[i0:i1] += (env * w)[:, None] * amp
        return q


# ----------------------------------------------------------------------------------------------------------
# camera
# ----------------------------------------------------------------------------------------------------------
_SIZES_LAND = [(640, 480), (1280, 720), (1920, 1080), (848, 480), (1280, 800), (800, 600), (960, 540)]
_SIZES_PORT = [(480, 640), (720, 1280), (1080, 1920), (480, 848), (600, 800)]


@dataclass
class _Camera:
    W: int
    H: int
    f: float
    cx: float
    cy: float
    beta: float
    R0: np.ndarray  # world -> camera
    pos: np.ndarray
    fps: float
    mount: str
    hfov: float
    roll: float
    wobble: list = field(default_factory=list)
    drift: tuple | None = None

    def rot(self, t):
        t = np.atleast_1d(np.asarray(t, float))
        r = np.zeros((len(t), 3))
        for ax, a, fr, ph in self.wobble:
            r += np.outer(a * np.sin(2 * np.pi * fr * t + ph), ax)
        if self.drift is not None:
            t0, dur, rv = self.drift
            r += np.outer(_profile((t - t0) / dur, "mj", 0.3), rv)
        return _rodrigues(r) @ self.R0

    def distort(self, ru):
        return (1.0 - self.beta) * ru + self.beta * np.arctan(ru)


def _sample_camera(rng):
    if rng.random() < 0.64:
        W, H = _SIZES_LAND[rng.integers(len(_SIZES_LAND))]
    else:
        W, H = _SIZES_PORT[rng.integers(len(_SIZES_PORT))]
    mount = str(rng.choice(["bench", "robot_base", "robot_wrist"], p=[0.4, 0.3, 0.3]))
    fov = math.radians(rng.uniform(65, 125))
    beta = rng.uniform(0.0, 0.12) + max(0.0, math.degrees(fov) - 80) / 45 * rng.uniform(0.2, 0.6)
    cam = _Camera(
        W=int(W),
        H=int(H),
        f=1.0,
        cx=W / 2 + rng.normal(0, 0.015 * W),
        cy=H / 2 + rng.normal(0, 0.015 * H),
        beta=beta,
        R0=np.eye(3),
        pos=np.zeros(3),
        fps=float(rng.choice([15.0, 24.0, 25.0, 30.0, 60.0], p=[0.15, 0.12, 0.13, 0.4, 0.2])),
        mount=mount,
        hfov=0.0,
        roll=0.0,
    )
    half = max(W, H) / 2
    cam.f = half / float(cam.distort(math.tan(fov / 2)))
    cam.hfov = math.degrees(2 * math.atan(float(_undistort_r(cam, (W / 2) / cam.f))))
    wob = 0.0015 if mount == "bench" else (0.003 if mount == "robot_base" else 0.008)
    for _ in range(3):
        ax = _unit(rng.normal(size=3))
        cam.wobble.append((ax, rng.uniform(0.2, 1.0) * wob, rng.uniform(0.3, 6.0), rng.uniform(0, 2 * math.pi)))
    if mount == "robot_wrist" and rng.random() < 0.45:
        cam.drift = (rng.uniform(0, 12), rng.uniform(0.8, 3.0), _unit(rng.normal(size=3)) * rng.uniform(0.01, 0.06))
    return cam


def _undistort_r(cam, rd):
    lo, hi = 0.0, 20.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if cam.distort(mid) < rd:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _look_at(forward, roll):
    z = _unit(forward)
    x = np.cross([0.0, 1.0, 0.0], z)
    x = _unit(x)
    y = np.cross(z, x)
    c, s = math.cos(roll), math.sin(roll)
    x2 = c * x + s * y
    y2 = -s * x + c * y
    return np.stack([x2, y2, z])


def _project(Pw, cam, t):
    """World points (T, K, 3) at times t to (T, K, 3) normalised MediaPipe-style (x, y, z relative to point 0)."""
    Rc = cam.rot(t)
    Pc = np.einsum("tij,tkj->tki", Rc, Pw - cam.pos)
    Z = np.maximum(Pc[..., 2], 0.04)
    xu = Pc[..., 0] / Z
    yu = Pc[..., 1] / Z
    ru = np.sqrt(xu * xu + yu * yu)
    sc = cam.distort(ru) / np.maximum(ru, 1e-9)
    sc = np.where(ru < 1e-9, 1.0, sc)
    out = np.empty(Pw.shape)
    out[..., 0] = (cam.f * xu * sc + cam.cx) / cam.W
    out[..., 1] = (cam.f * yu * sc + cam.cy) / cam.H
    z0 = Z[:, :1]
    out[..., 2] = (Z - z0) * cam.f / (z0 * cam.W)
    return out


def _unproject(cam, x, y, depth):
    """Normalised image point and camera depth to a world point (ignores distortion, good enough for passers)."""
    xu = (x * cam.W - cam.cx) / cam.f
    yu = (y * cam.H - cam.cy) / cam.f
    pc = np.array([xu * depth, yu * depth, depth])
    return cam.R0.T @ pc + cam.pos


# ----------------------------------------------------------------------------------------------------------
# the scene: a seated person at a bench, a timeline of idle activities and gestures
# ----------------------------------------------------------------------------------------------------------
_DIMG = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}


class _Scene:
    def __init__(self, rng, person, cam):
        self.rng = rng
        self.p = person
        self.cam = cam
        r = rng
        self.h_cam = {"bench": r.uniform(0.02, 0.15), "robot_base": r.uniform(0.08, 0.25), "robot_wrist": r.uniform(0.12, 0.45)}[cam.mount]
        hz = r.uniform(0.22, 0.55)
        D = r.uniform(0.35, 0.9) if cam.mount == "bench" else r.uniform(0.45, 1.3) * (1.3 if r.random() < 0.25 else 1.0)
        D = max(D, (hz - self.h_cam) / math.tan(math.radians(r.uniform(35, 50))))
        self.G = np.array([r.uniform(-0.2, 0.2), self.h_cam - hz, D])
        self.bench_y = self.h_cam
        psi = math.radians(r.uniform(-35, 35))
        self.fwd = np.array([math.sin(psi), 0.0, -math.cos(psi)])
        self.up = np.array([0.0, -1.0, 0.0])
        self.down = -self.up
        self.right = np.cross(self.fwd, self.up)
        self.medial = -self.right * person.hand
        self.lateral = -self.medial
        self.zone0 = self.G + self.lateral * person.zone_side + self.up * person.zone_up
        self.head = self.G + self.up * r.uniform(0.25, 0.42) - self.fwd * r.uniform(0.15, 0.25) + self.medial * 0.12
        # aim so that the gesture zone lands at a chosen spot of the picture (sometimes near an edge)
        gx = r.uniform(0.3, 0.7) if r.random() < 0.88 else r.choice([r.uniform(0.2, 0.3), r.uniform(0.7, 0.8)])
        gy = r.uniform(0.42, 0.7) if r.random() < 0.88 else r.choice([r.uniform(0.3, 0.42), r.uniform(0.7, 0.8)])
        dist = float(np.linalg.norm(self.zone0 - cam.pos))
        g_dir = _unit(self.zone0 - cam.pos)
        side = _unit(np.cross([0.0, 1.0, 0.0], g_dir))
        vert = np.cross(g_dir, side)
        for _ in range(8):
            sx = (gx - 0.5) * cam.W / cam.f * dist
            sy = (gy - 0.5) * cam.H / cam.f * dist
            aim = self.zone0 - side * sx - vert * sy
            if math.degrees(math.atan2(-(aim[1] - cam.pos[1]), aim[2])) < 62:
                break
            gy = 0.5 + 0.7 * (gy - 0.5)
        roll = math.radians(r.normal(0, 7) if r.random() < 0.85 else r.uniform(-25, 25))
        cam.R0 = _look_at(aim - cam.pos, roll)
        cam.roll = math.degrees(roll)
        self.pitch = math.degrees(math.atan2(-(aim[1] - cam.pos[1]), aim[2]))
        self.yaw = math.degrees(math.atan2(aim[0], aim[2]))
        self.R_ref = _frame_nu(self.fwd, self.up)
        self.t = 0.0
        self.m = None
        self.gestures = []
        self.events = []
        self.intruders = []
        self.rubs = []
        self.idle_segments = []
        self.gesture_segments = []

    # ---- helpers ------------------------------------------------------------------------------------------
    def U(self, a, b):
        return float(self.rng.uniform(a, b))

    def chance(self, p):
        return bool(self.rng.random() < p)

    def to_cam(self, p):
        return _unit(self.cam.pos - p)

    def zone(self, jit=1.0):
        r = self.rng
        return self.zone0 + jit * (
            self.lateral * r.uniform(-0.04, 0.05) + self.up * r.uniform(-0.04, 0.04) + self.fwd * r.uniform(-0.03, 0.03)
        )

    def bench_point(self, fwd_range=(-0.12, 0.12), lat_range=(-0.12, 0.2)):
        p = self.G.copy()
        p[1] = self.bench_y - self.U(0.025, 0.05)
        return p + self.fwd * self.U(*fwd_range) + self.lateral * self.U(*lat_range)

    def prof(self):
        if self.p.profile == "ln" or self.chance(0.2):
            return "ln", self.p.ln_sigma * self.U(0.85, 1.15)
        return "mj", 0.3

    def rotvec(self, R):
        r = _log_rot(self.R_ref.T @ R)
        return _nearest_rotvec(r, self.m.plan[_ROT])

    def R_plan(self):
        return self.R_ref @ _rodrigues(self.m.plan[_ROT])

    def tdur(self, dist):
        return float(np.clip((0.3 + 0.85 * math.sqrt(max(dist, 0.0))) / self.p.speed, 0.22, 1.5))

    def pose(self, t0, dur, pos=None, R=None, shape=None, prof=None, finger_lag=None):
        pr, sg = prof if prof is not None else self.prof()
        if pos is not None:
            self.m.move(t0, dur, pos, _POS, pr, sg)
        if R is not None:
            self.m.move(t0 + dur * self.U(-0.05, 0.08), dur * self.U(0.85, 1.1), self.rotvec(R), _ROT, pr, sg)
        if shape is not None:
            lag = self.U(-0.12, 0.1) if finger_lag is None else finger_lag
            self.m.move(t0 + dur * lag, dur * self.p.stiff * self.U(0.8, 1.1), shape, _FING, "mj")

    def shape(self, name):
        r = self.rng
        s = self.p.slop
        if name == "open":
            c = r.uniform(0.0, 0.08, 8) + s * r.uniform(0.0, 0.22, 8)
            return np.r_[c, r.uniform(0.45, 0.95), r.uniform(0.0, 0.25), r.uniform(0.0, 0.12), r.uniform(-0.1, 0.1)]
        if name == "flat":
            c = r.uniform(0.02, 0.15, 8) + s * r.uniform(0.0, 0.2, 8)
            return np.r_[c, r.uniform(0.0, 0.25), r.uniform(0.05, 0.2), r.uniform(0.05, 0.2), r.uniform(0.0, 0.15)]
        if name == "relaxed":
            c = np.array([0.25, 0.3, 0.32, 0.38, 0.4, 0.45, 0.45, 0.5]) + r.normal(0, 0.06, 8)
            return np.r_[c, r.uniform(0.1, 0.35), r.uniform(0.25, 0.45), r.uniform(0.2, 0.4), r.uniform(0.15, 0.35)]
        if name == "fist":
            c = r.uniform(0.9, 1.05, 8) - s * r.uniform(0.0, 0.22, 8)
            th = [0.1, 0.75, 0.6] if r.random() < 0.75 else [0.2, 0.25, 0.3]
            return np.r_[c, 0.05, th]
        if name == "point":
            idx = r.uniform(-0.05, 0.06, 2) + s * r.uniform(0.0, 0.18, 2)
            oth = r.uniform(0.88, 1.02, 6) - s * r.uniform(0.0, 0.3, 6)
            th = {"tucked": [0.1, 0.8, 0.55], "up": [0.15, 0.0, 0.0], "loose": [0.35, 0.35, 0.3]}[self.p.thumb_point]
            return np.r_[idx, oth, r.uniform(0.05, 0.2), th]
        if name == "cyl":
            c = np.tile([r.uniform(0.55, 0.72), r.uniform(0.6, 0.8)], 4) + r.normal(0, 0.04, 8)
            return np.r_[c, 0.1, r.uniform(0.55, 0.75), r.uniform(0.45, 0.65), r.uniform(0.25, 0.45)]
        if name == "pinch":
            c = np.array([0.45, 0.55, 0.5, 0.6, 0.55, 0.65, 0.6, 0.7]) + r.normal(0, 0.05, 8)
            return np.r_[c, 0.1, r.uniform(0.45, 0.65), r.uniform(0.5, 0.7), r.uniform(0.2, 0.4)]
        if name == "type":
            c = np.tile([r.uniform(0.3, 0.45), r.uniform(0.4, 0.55)], 4) + r.normal(0, 0.04, 8)
            return np.r_[c, r.uniform(0.25, 0.45), 0.25, 0.15, 0.15]
        if name == "claw":
            c = np.tile([r.uniform(0.1, 0.3), r.uniform(0.55, 0.8)], 4) + r.normal(0, 0.04, 8)
            return np.r_[c, r.uniform(0.2, 0.45), 0.3, 0.3, 0.35]
        raise ValueError(name)

    def img_dir_world(self, p, d_img, t=0.0, basis=None):
        """World direction in a plane (default: the person's frontal plane) whose image motion at p is along d_img."""
        e1, e2 = (self.right, self.up) if basis is None else basis
        eps = 0.01
        pts = np.stack([p, p + eps * e1, p + eps * e2])[None]
        pr = _project(pts, self.cam, np.array([t]))[0, :, :2] * [self.cam.W, self.cam.H]
        J = np.column_stack([(pr[1] - pr[0]) / eps, (pr[2] - pr[0]) / eps])
        c = np.linalg.lstsq(J, np.asarray(d_img, float), rcond=1e-6)[0]
        if not np.all(np.isfinite(c)) or np.linalg.norm(c) < 1e-9:
            c = np.array([d_img[0], -d_img[1]])
        return _unit(c[0] * e1 + c[1] * e2)

    # ---- initial pose -----------------------------------------------------------------------------------
    def init(self):
        r = self.rng
        kind = str(r.choice(["bench", "elbow", "zone", "lap", "tool"], p=[0.35, 0.2, 0.2, 0.1, 0.15]))
        shape = self.shape("relaxed")
        if kind == "bench":
            pos = self.bench_point()
            R = _frame_nu(_unit(self.down + 0.25 * self.medial), self.fwd)
        elif kind == "elbow":
            pos = self.head + self.down * self.U(0.08, 0.2) + self.fwd * self.U(0.05, 0.12)
            R = _frame_nu(_unit(-self.fwd + self.medial * self.U(0, 0.8)), self.up)
        elif kind == "zone":
            pos = self.zone() + self.down * self.U(0.0, 0.1)
            R = _frame_nu(_unit(self.medial + self.down * self.U(0, 1)), self.fwd + self.up * 0.5)
        elif kind == "lap":
            pos = self.G.copy()
            pos[1] = self.bench_y + self.U(0.15, 0.3)
            pos = pos - self.fwd * self.U(0.15, 0.25)
            R = _frame_nu(_unit(self.medial + self.up * 0.3), self.fwd)
        else:
            pos = self.zone() + self.down * self.U(0.05, 0.15)
            R = _frame_nu(_unit(self.medial + self.down * 0.3), self.fwd)
            shape = self.shape("cyl")
        q0 = np.zeros(_NQ)
        q0[_POS] = pos
        q0[_ROT] = _log_rot(self.R_ref.T @ R)
        q0[_FING] = shape
        self.m = _Motion(q0)
        self.init_kind = kind
        self._continuous()

    def _continuous(self):
        """Postural drift, breathing and physiological tremor over the whole clip (extended later)."""
        r = self.rng
        m = self.m
        big = 1.6 if self.p.group == "older" else 1.0
        for _ in range(3):
            a = np.zeros(_NQ)
            a[_POS] = _unit(r.normal(size=3)) * r.uniform(0.001, 0.006) * big
            a[_ROT] = r.normal(size=3) * r.uniform(0.004, 0.015)
            m.osc(-1.0, 60.0, a, r.uniform(0.05, 0.45), r.uniform(0, 6.3), ramp=0.0)
        a = np.zeros(_NQ)
        a[_POS] = self.up * r.uniform(0.0008, 0.003)
        m.osc(-1.0, 60.0, a, r.uniform(0.2, 0.35), r.uniform(0, 6.3), ramp=0.0)
        a = np.zeros(_NQ)
        a[_POS] = _unit(r.normal(size=3)) * r.uniform(0.0002, 0.0008)
        a[_ROT] = r.normal(size=3) * 0.0015
        a[_FING[:8]] = r.uniform(0.002, 0.01)
        m.osc(-1.0, 60.0, a, r.uniform(8.0, 12.0), r.uniform(0, 6.3), ramp=0.0, beat=0.5)

    def _tremor(self, t0, t1, gesture):
        tr = self.p.tremor
        if tr is None or t1 <= t0:
            return
        gain = 1.0
        if tr["kind"] == "rest":
            gain = 0.45 if gesture else 1.3
        a = np.zeros(_NQ)
        a[_POS] = _unit(self.up + 0.5 * self.fwd) * tr["pos"] * gain
        a[_ROT] = (self.R_ref.T @ np.array([1.0, 0.3, 0.0])) * tr["rot"] * gain
        a[_FING[:8]] = tr["fing"] * gain * np.array([1, 0.6] * 4)
        self.m.osc(t0 - 0.15, t1 + 0.15, a, tr["freq"], tr["phase"], ramp=0.3, beat=0.35)

    # ---- idle ---------------------------------------------------------------------------------------------
    def release(self, t, strength=1.0):
        """The hand relaxes after a gesture: fingers loosen and the arm sags a little."""
        d = self.U(0.3, 0.6) / self.p.speed
        shape = self.m.plan[_FING] + strength * (self.shape("relaxed") - self.m.plan[_FING])
        drop = self.m.plan[_POS] + strength * (self.down * self.U(0.02, 0.08) - self.fwd * self.U(0.0, 0.04))
        self.pose(t, d, pos=drop, shape=shape)
        return d

    _IDLE = {
        "hold": (0.0, 1.2),
        "bench": (0.7, 2.0),
        "elbow": (0.9, 1.4),
        "tool": (1.3, 1.8),
        "type": (1.0, 1.3),
        "rub": (0.9, 0.9),
        "scratch": (1.2, 0.8),
        "face": (1.0, 1.1),
        "leave": (1.2, 0.8),
        "talk": (1.0, 0.9),
        "pick": (1.4, 1.0),
        "wipe": (1.2, 0.6),
        "fidget": (0.6, 0.9),
        "reach": (1.1, 0.7),
    }

    def idle(self, dur, after_gesture=True, allow_leave=True):
        t0 = self.t
        t = t0
        end = t0 + dur
        if after_gesture and dur > 0.25:
            t += min(self.release(t), dur) * self.U(0.5, 0.9)
        names = list(self._IDLE)
        while end - t > 0.55:
            rem = end - t
            ok = [n for n in names if self._IDLE[n][0] <= rem and (allow_leave or n != "leave")]
            w = np.array([self._IDLE[n][1] for n in ok])
            if self.p.group == "older":
                w = w * np.array([1.6 if n in ("elbow", "hold", "face", "fidget") else 1.0 for n in ok])
            name = ok[int(self.rng.choice(len(ok), p=w / w.sum()))]
            lo = self._IDLE[name][0]
            d = min(rem, self.U(max(lo, 0.6), max(lo, 0.6) + 3.0))
            if rem - d < 0.6:
                d = rem
            getattr(self, "_i_" + name)(t, d)
            self.events.append((name, round(t, 3), round(t + d, 3)))
            t += d
        if dur > 1.0 and self.chance(0.14):
            self._passer(t0 + self.U(0, max(dur - 0.6, 0.01)))
        self.idle_segments.append((t0, end))
        self._tremor(t0, end, gesture=False)
        self.t = end

    def _i_hold(self, t, d):
        if self.chance(0.6):
            p = self.m.plan[_POS] + self.rng.normal(0, 0.015, 3)
            self.pose(t, min(d, self.U(0.4, 1.0)) / self.p.speed**0.5, pos=p, shape=self.shape("relaxed"))

    def _i_bench(self, t, d):
        p = self.bench_point()
        R = _frame_nu(_unit(self.down + self.medial * self.U(0, 0.6) + self.fwd * self.U(-0.2, 0.2)), self.fwd + self.medial * 0.3)
        dd = min(self.tdur(np.linalg.norm(p - self.m.plan[_POS])), d * 0.7)
        self.pose(t, dd, p, R, self.shape("relaxed"))
        if d - dd > 1.0 and self.chance(0.5):
            a = np.zeros(_NQ)
            k = int(self.rng.integers(4))
            a[6 + 2 * k] = self.U(0.08, 0.2)
            self.m.osc(t + dd + 0.2, t + d - 0.1, a, self.U(2.5, 6), self.U(0, 6.3), ramp=0.1)

    def _i_elbow(self, t, d):
        p = self.head + self.down * self.U(0.06, 0.2) + self.fwd * self.U(0.04, 0.12) + self.lateral * self.U(-0.04, 0.08)
        R = _frame_nu(_unit(-self.fwd + self.medial * self.U(0, 0.9) + self.down * self.U(0, 0.4)), self.up + self.fwd * self.U(0, 0.4))
        sh = self.shape("relaxed") + self.U(0.0, 0.3) * np.r_[np.ones(8), np.zeros(4)]
        if self.chance(0.3):
            sh = self.shape("fist")
        dd = min(self.tdur(np.linalg.norm(p - self.m.plan[_POS])), d * 0.7)
        self.pose(t, dd, p, R, sh)
        a = np.zeros(_NQ)
        a[_POS] = _unit(self.rng.normal(size=3)) * self.U(0.003, 0.01)
        self.m.osc(t + dd, t + d, a, self.U(0.2, 0.6), self.U(0, 6.3), ramp=0.3)
        if d - dd > 1.0 and self.chance(0.4):
            a = np.zeros(_NQ)
            a[[6, 8, 10, 12]] = self.U(0.1, 0.25)
            self.m.osc(t + dd + 0.2, t + dd + self.U(0.5, d - dd), a, self.U(3, 7), self.U(0, 6.3), ramp=0.1)

    def _i_tool(self, t, d):
        plan = self.m.plan
        holding = plan[6] > 0.5 and plan[8] > 0.5 and plan[15] > 0.45
        te = t + d
        if not holding:
            p = self.bench_point()
            R = _frame_nu(_unit(self.medial + self.down * self.U(0.3, 1.0)), self.fwd)
            dd = min(self.tdur(np.linalg.norm(p - plan[_POS])), 0.3 * d)
            self.pose(t, dd, p + self.up * 0.04, R, self.shape("open") * 0.6 + 0.15)
            self.pose(t + dd, 0.2, p)
            cd = self.U(0.25, 0.45) * self.p.stiff
            self.m.move(t + dd + 0.1, cd, self.shape("cyl"), _FING, "mj")
            t = t + dd + 0.1 + cd
        work = self.zone() + self.down * self.U(0.03, 0.15) + self.medial * self.U(0.0, 0.08) - self.fwd * self.U(0, 0.05)
        wd = self.tdur(np.linalg.norm(work - self.m.plan[_POS]))
        Rw = _frame_nu(_unit(self.medial + self.down * self.U(-0.3, 0.5) + self.fwd * self.U(-0.3, 0.3)), self.fwd + self.up * self.U(0, 1))
        put_down = te - t > 1.2 and self.chance(0.75)
        self.pose(t, min(wd, 0.4 * (te - t)), work, Rw)
        t += min(wd, 0.4 * (te - t))
        t_work_end = te - (0.9 if put_down else 0.0)
        if t_work_end - t > 0.3:
            u = Rw[:, 1]
            a = np.zeros(_NQ)
            a[_ROT] = self.R_ref.T @ u * self.U(0.15, 0.5)
            a[_POS] = self.rng.normal(0, 0.008, 3)
            self.m.osc(t, t_work_end, a, self.U(0.7, 2.2), self.U(0, 6.3), ramp=0.2, beat=0.3)
        if put_down:
            p2 = self.bench_point()
            t = max(t, t_work_end)
            dd = min(self.tdur(np.linalg.norm(p2 - work)), 0.45)
            self.pose(t, dd, p2)
            self.m.move(t + dd, 0.3 * self.p.stiff, self.shape("open") * 0.5 + 0.2, _FING, "mj")
            self.pose(t + dd + 0.2, 0.3, p2 + self.up * self.U(0.03, 0.08) - self.fwd * 0.03)

    def _i_type(self, t, d):
        p = self.bench_point(fwd_range=(0.0, 0.18), lat_range=(-0.2, 0.15))
        R = _frame_nu(_unit(self.down + self.fwd * self.U(0.0, 0.4) + self.medial * self.U(-0.1, 0.3)), self.fwd)
        dd = min(self.tdur(np.linalg.norm(p - self.m.plan[_POS])), 0.5 * d)
        self.pose(t, dd, p, R, self.shape("type"))
        tt = t + dd + 0.1
        rate = self.U(3.0, 7.0)
        lat = self.right
        while tt < t + d - 0.3:
            k = int(self.rng.integers(4))
            dims = [6 + 2 * k, 7 + 2 * k]
            base = self.m.plan[dims].copy()
            self.m.move(tt, self.U(0.05, 0.08), base + [self.U(0.15, 0.3), self.U(0.08, 0.2)], dims)
            self.m.move(tt + 0.07, self.U(0.08, 0.12), base, dims)
            if self.chance(0.12):
                self.m.move(tt, 0.25, p + lat * self.U(-0.06, 0.06) + self.fwd * self.U(-0.03, 0.03), _POS)
            tt += self.rng.exponential(1.0 / rate) + 0.06

    def _i_rub(self, t, d):
        p = self.zone() + self.down * self.U(0.04, 0.14) + self.medial * self.U(0.05, 0.15) - self.fwd * self.U(0.0, 0.06)
        R = _frame_nu(_unit(self.medial + self.down * self.U(-0.2, 0.3)), _unit(self.up + self.fwd * self.U(0.2, 1.0)))
        dd = min(self.tdur(np.linalg.norm(p - self.m.plan[_POS])), 0.45 * d)
        self.pose(t, dd, p, R, self.shape("flat"))
        amp = self.U(0.012, 0.035)
        fr = self.U(1.8, 4.0)
        a = np.zeros(_NQ)
        a[_POS] = R[:, 1] * amp
        a[_FING[:8]] = self.U(0.03, 0.12)
        self.m.osc(t + dd * 0.8, t + d - 0.1, a, fr, 0.0, ramp=0.2)
        self.rubs.append((t + dd * 0.6, t + d, amp, fr))

    def _i_scratch(self, t, d):
        p = self.head + self.up * self.U(0.03, 0.12) + self.lateral * self.U(-0.05, 0.1) - self.fwd * self.U(0.0, 0.08)
        R = _frame_nu(_unit(self.down + self.fwd * self.U(-0.6, 0.2) + self.medial * self.U(0, 0.5)), -self.fwd + self.medial * 0.3)
        dd = min(self.tdur(np.linalg.norm(p - self.m.plan[_POS])), 0.45 * d)
        self.pose(t, dd, p, R, self.shape("claw"))
        fr = self.U(3.0, 5.5)
        a = np.zeros(_NQ)
        a[_FING[:8]] = np.array([0.25, 0.15] * 4) * self.U(0.6, 1.2)
        a[_POS] = _unit(self.rng.normal(size=3)) * self.U(0.004, 0.012)
        t1 = t + dd + self.U(0.5, max(0.6, d - dd - 0.3))
        self.m.osc(t + dd, min(t1, t + d), a, fr, 0.0, ramp=0.1)
        if t + d - t1 > 0.6:
            self.pose(
                t1, min(0.6, t + d - t1), self.m.plan[_POS] + self.down * self.U(0.1, 0.2) + self.fwd * 0.05, shape=self.shape("relaxed")
            )

    def _i_face(self, t, d):
        p = self.head + self.down * self.U(0.03, 0.12) + self.fwd * self.U(0.07, 0.11) + self.lateral * self.U(-0.04, 0.05)
        R = _frame_nu(_unit(-self.fwd + self.medial * self.U(-0.2, 0.6)), self.up)
        sh = self.shape("pinch") if self.chance(0.6) else self.shape("relaxed")
        dd = min(self.tdur(np.linalg.norm(p - self.m.plan[_POS])), 0.5 * d)
        self.pose(t, dd, p, R, sh)
        if self.chance(0.5):
            self.pose(t + dd + 0.1, 0.2, p + self.up * self.U(0.008, 0.02))
            self.pose(t + dd + 0.35, 0.25, p + self.up * 0.005)
        else:
            a = np.zeros(_NQ)
            a[_POS] = _unit(self.rng.normal(size=3)) * self.U(0.004, 0.01)
            self.m.osc(t + dd, t + d, a, self.U(1.5, 3.5), 0.0, ramp=0.15)

    def _i_leave(self, t, d):
        how = self.rng.choice(["lap", "side", "up"], p=[0.5, 0.35, 0.15])
        if how == "lap":
            p = self.G.copy()
            p[1] = self.bench_y + self.U(0.12, 0.3)
            p = p - self.fwd * self.U(0.15, 0.3)
        elif how == "side":
            p = self.zone() + self.lateral * self.U(0.45, 0.8) + self.down * self.U(-0.1, 0.2)
        else:
            p = self.head + self.up * self.U(0.15, 0.3)
        dd = min(self.tdur(np.linalg.norm(p - self.m.plan[_POS])), 0.5 * d)
        R = _frame_nu(_unit(self.medial + self.rng.normal(0, 0.4, 3)), self.fwd)
        self.pose(t, dd, p, R, self.shape("relaxed"))

    def _i_talk(self, t, d):
        p = self.zone() + self.down * self.U(0.0, 0.08) + self.medial * self.U(-0.05, 0.1)
        R = _frame_nu(_unit(self.up * self.U(0.2, 1.0) + self.medial * self.U(0.2, 1.0)), self.fwd)
        sh = self.shape("relaxed") * self.U(0.4, 0.9)
        dd = min(self.tdur(np.linalg.norm(p - self.m.plan[_POS])), 0.4 * d)
        self.pose(t, dd, p, R, sh)
        tt = t + dd
        while tt < t + d - 0.45:
            amp = self.U(0.015, 0.05) * self.p.amp
            dn = self.U(0.1, 0.2)
            self.m.move(tt, dn, p + self.down * amp + self.fwd * amp * self.U(-0.3, 0.5), _POS, "ln", 0.3)
            self.m.move(tt + dn, self.U(0.2, 0.35), p + self.rng.normal(0, 0.01, 3), _POS)
            tt += self.U(0.35, 0.9)

    def _i_pick(self, t, d):
        p1 = self.bench_point()
        p2 = p1 + self.lateral * self.U(-0.2, 0.2) + self.fwd * self.U(-0.1, 0.1)
        R = _frame_nu(_unit(self.down + self.medial * self.U(0, 0.7)), self.fwd)
        dd = min(self.tdur(np.linalg.norm(p1 - self.m.plan[_POS])), 0.35 * d)
        self.pose(t, dd, p1 + self.up * 0.03, R, self.shape("open") * 0.4 + 0.25)
        self.pose(t + dd, 0.2, p1)
        self.m.move(t + dd + 0.05, 0.25 * self.p.stiff, self.shape("pinch"), _FING)
        mv = min(0.6, d * 0.3)
        self.pose(t + dd + 0.3, mv, p2 + self.up * 0.03)
        self.pose(t + dd + 0.3 + mv * 0.8, 0.2, p2)
        self.m.move(t + dd + 0.5 + mv, 0.25, self.shape("relaxed"), _FING)

    def _i_wipe(self, t, d):
        p = self.bench_point()
        R = _frame_nu(_unit(self.down + self.fwd * self.U(-0.2, 0.2)), self.fwd + self.medial * 0.3)
        dd = min(self.tdur(np.linalg.norm(p - self.m.plan[_POS])), 0.4 * d)
        self.pose(t, dd, p, R, self.shape("flat"))
        tt = t + dd
        ax = _unit(self.right + self.fwd * self.U(-0.5, 0.5))
        sgn = 1.0
        while tt < t + d - 0.5:
            sd = self.U(0.3, 0.6)
            self.m.move(tt, sd, p + ax * sgn * self.U(0.05, 0.13), _POS)
            sgn = -sgn
            tt += sd * self.U(0.8, 1.0)

    def _i_fidget(self, t, d):
        a = np.zeros(_NQ)
        if self.chance(0.5):
            a[[15, 16, 17]] = [self.U(0.05, 0.15), self.U(0.05, 0.2), self.U(0.1, 0.25)]
            fr = self.U(1.0, 3.0)
        else:
            a[[6, 8, 10, 12]] = self.U(0.1, 0.3)
            fr = self.U(5.0, 9.0)
        self.m.osc(t + 0.05, t + d - 0.05, a, fr, self.U(0, 6.3), ramp=0.1)
        if self.chance(0.5):
            self.pose(t, min(0.5, d), self.m.plan[_POS] + self.rng.normal(0, 0.02, 3))

    def _i_reach(self, t, d):
        """Reach towards the robot or something on the bench near it (adjust a part, press a button)."""
        p = self.zone() + self.to_cam(self.zone0) * self.U(0.15, 0.32) * min(1.0, self.G[2] / 0.6) + self.down * self.U(0.0, 0.12)
        sh = self.shape("pinch") if self.chance(0.5) else self.shape("open") * 0.5 + 0.2
        R = _frame_nu(_unit(self.down + self.fwd * self.U(-0.2, 0.6) + self.medial * self.U(0, 0.6)), self.fwd)
        dd = min(self.tdur(np.linalg.norm(p - self.m.plan[_POS])), 0.4 * d)
        self.pose(t, dd, p, R, sh)
        if d - dd > 0.8:
            self.pose(t + dd + self.U(0.2, 0.5), 0.25, p + self.rng.normal(0, 0.015, 3))
            self.pose(t + d - 0.5, 0.45, self.zone() + self.down * self.U(0.05, 0.12), shape=self.shape("relaxed"))

    def _passer(self, t0):
        """A second person's hand crosses the picture (it is never in the clean clip: only the tracker may see it)."""
        r = self.rng
        ppl = _sample_person(r, group=str(r.choice(["adult", "older"])))
        side = int(r.integers(4))
        pts = []
        for s in (side, (side + 2) % 4 if r.random() < 0.7 else (side + 1) % 4):
            a = r.uniform(0.15, 0.85)
            x, y = [(-0.15, a), (a, -0.15), (1.15, a), (a, 1.15)][s]
            pts.append((x, y))
        depth = r.uniform(0.35, 1.3)
        p0 = _unproject(self.cam, pts[0][0], pts[0][1], depth)
        p1 = _unproject(self.cam, pts[1][0], pts[1][1], depth * r.uniform(0.8, 1.2))
        dur = r.uniform(0.6, 1.8)
        R = _frame_nu(_unit(r.normal(size=3)), r.normal(size=3))
        Rref = np.eye(3)
        q0 = np.zeros(_NQ)
        q0[_POS] = p0
        q0[_ROT] = _log_rot(R)
        q0[_FING] = self.shape("cyl") if r.random() < 0.4 else self.shape("relaxed")
        mo = _Motion(q0)
        mo.move(t0, dur, p1, _POS, "mj")
        mo.move(t0, dur, q0[_ROT] + r.normal(0, 0.3, 3), _ROT, "mj")
        self.intruders.append({"t0": t0, "t1": t0 + dur, "motion": mo, "person": ppl, "R_ref": Rref, "kind": "passer"})

    # ---- gestures -----------------------------------------------------------------------------------------
    def approach(self, t, target, frac=(0.55, 0.85), near=0.07, R=None):
        cur = self.m.plan[_POS]
        dist = float(np.linalg.norm(target - cur))
        if dist < near:
            return t
        dd = self.tdur(dist)
        self.pose(t, dd, target, R=R, shape=self.m.plan[_FING] * 0.5 + 0.5 * self.shape("relaxed"))
        return t + dd * self.U(*frac)

    def stop_R(self, c):
        w = self.U(0.3, 1.0)
        n = _unit(w * self.to_cam(c) + (1 - w) * self.fwd + self.rng.normal(0, 0.12 * (1 + self.p.slop), 3))
        u_pref = self.up + self.lateral * self.U(-0.3, 0.3) - self.fwd * self.U(0.0, 0.3)
        return _frame_nu(n, u_pref)

    def abandon(self, t, label):
        """Start forming a gesture, give up, pause: the attempt is not annotated."""
        key = {"point": "point", "come_here": "relaxed"}.get(label, "open")
        c = self.zone()
        cur = self.m.plan[_POS].copy()
        frac = self.U(0.3, 0.6)
        d1 = self.U(0.2, 0.35) / self.p.speed
        sh = self.m.plan[_FING] + frac * (self.shape(key) - self.m.plan[_FING])
        self.pose(t, d1, cur + frac * (c - cur), shape=sh)
        d2 = self.U(0.25, 0.45) / self.p.speed
        self.pose(t + d1 * 0.9, d2, cur + self.down * 0.02, shape=self.shape("relaxed"))
        self.events.append(("abandoned_" + label, round(t, 3), round(t + d1 + d2, 3)))
        return t + d1 * 0.9 + d2 + self.U(0.15, 0.6)

    def gesture(self, label, follow_idle=True, allow_abandon=True):
        t = self.t
        if allow_abandon and self.chance(self.p.p_abandon):
            t = self.abandon(t, label)
        if label == "point":
            g = self._g_point(t)
        elif label == "stop":
            g = self._g_stop(t)
        elif label == "grab":
            g = self._g_grab(t)
        elif label == "come_here":
            g = self._g_come(t)
        else:
            g = self._g_swipe(t, label, follow_idle)
        g["label"] = label
        t0, t1 = g["t0"], g["t1"]
        lim = MAX_GESTURE_S - 0.05
        if t1 - t0 > lim:
            t1 = t0 + lim
            g["t1"] = t1
            if g.get("hold") is not None:
                g["hold"] = (g["hold"][0], min(g["hold"][1], t1))
        self.gestures.append(g)
        self.gesture_segments.append((t0, t1))
        self._tremor(t0, t1, gesture=True)
        self.t = max(g["t1"], g.get("busy", g["t1"]))
        return g

    def _g_stop(self, t):
        p = self.p
        w = np.array([0.35, 0.3, 0.25, 0.1])
        if p.wrist_only:
            w = np.array([0.15, 0.15, 0.65, 0.05])
        style = str(self.rng.choice(["push", "raise", "wrist", "double"], p=w / w.sum()))
        c = self.zone()
        R = self.stop_R(c)
        sh = self.shape("open")
        tc = self.to_cam(c)
        tch = _unit(tc - np.dot(tc, self.up) * self.up * 0.5)
        if style == "raise":
            t_f = self.approach(t, c + self.down * self.U(0.06, 0.16) - self.fwd * 0.03)
            form = self.U(0.3, 0.55) / p.speed
            end_pos = c + tch * self.U(0.0, 0.03)
        elif style == "wrist":
            t_f = self.approach(t, c, near=0.12)
            form = self.U(0.18, 0.32) / p.speed
            end_pos = self.m.plan[_POS] + self.rng.normal(0, 0.006, 3)
        else:
            t_f = self.approach(t, c - tch * 0.04)
            form = self.U(0.25, 0.5) / p.speed
            end_pos = c + tch * self.U(0.04, 0.14) * p.amp
        self.pose(t_f, form, end_pos, R, sh, finger_lag=self.U(-0.15, 0.05))
        te = t_f + form
        if self.chance(0.6):
            self.m.move(te, self.U(0.15, 0.25), end_pos + self.rng.normal(0, 0.006, 3), _POS)
        if style == "double":
            back = end_pos - tch * self.U(0.02, 0.05)
            self.m.move(te + 0.1, 0.2 / p.speed, back, _POS)
            self.m.move(te + 0.1 + 0.18 / p.speed, 0.22 / p.speed, end_pos, _POS)
            te += 0.1 + 0.4 / p.speed
        hold = float(np.clip(self.U(0.4, 1.3) * p.hold, 0.35, 2.0))
        return {"t0": t_f, "t1": te + hold, "hold": None, "style": style, "tail": hold}

    def _g_grab(self, t):
        p = self.p
        style = str(self.rng.choice(["in_place", "reach", "quick", "claw", "down"], p=[0.3, 0.2, 0.2, 0.15, 0.15]))
        c = self.zone()
        if style == "down":
            R = _frame_nu(_unit(self.down + self.U(0.2, 0.7) * self.fwd), self.fwd)
        else:
            R = self.stop_R(c)
        tc = self.to_cam(c)
        t_f = self.approach(t, c)
        od = (self.U(0.15, 0.25) if style == "quick" else self.U(0.2, 0.38)) / p.speed
        self.pose(t_f, od, c + self.rng.normal(0, 0.01, 3), R, self.shape("open"), finger_lag=self.U(-0.1, 0.0))
        t1 = t_f + od + (self.U(0.0, 0.08) if style == "quick" else self.U(0.05, 0.3))
        cd = (self.U(0.18, 0.3) if style == "quick" else self.U(0.25, 0.6)) / p.speed * p.stiff
        fist = self.shape("fist")
        if style == "claw":
            mid = fist.copy()
            mid[[0, 2, 4, 6]] = self.m.plan[[6, 8, 10, 12]]
            self.m.move(t1, 0.6 * cd, mid, _FING)
            self.m.move(t1 + 0.35 * cd, 0.65 * cd, fist, _FING)
        else:
            self.m.move(t1, cd, fist, _FING)
        if style == "reach":
            reach = c + tc * self.U(0.06, 0.16) * p.amp
            self.m.move(t_f, od + cd * 0.8, reach, _POS, *self.prof())
            self.m.move(t1 + cd, 0.3 / p.speed, reach - tc * self.U(0.02, 0.06), _POS)
        Rc = _rot_about(R[:, 1], self.U(-0.15, 0.15)) @ R
        self.m.move(t1, cd, self.rotvec(Rc), _ROT)
        hold = float(np.clip(self.U(0.12, 0.5) * p.hold, 0.1, 0.8))
        return {"t0": t_f, "t1": t1 + cd + hold, "hold": None, "style": style, "tail": hold}

    def _g_come(self, t):
        p = self.p
        style = str(self.rng.choice(["palm_up", "index", "wave_in", "palm_down"], p=[0.35, 0.2, 0.25, 0.2]))
        c = self.zone() + self.fwd * self.U(-0.02, 0.06)
        t_f = self.approach(t, c)
        base = self.shape("open")
        base[8] *= 0.5
        cyc = base.copy()
        rot_amp = 0.0
        if style == "palm_up":
            R = _frame_nu(_unit(self.up + self.U(0.1, 0.6) * -self.fwd + self.medial * self.U(0, 0.4)), self.fwd + self.up * 0.3)
            cyc[[0, 2, 4, 6]] = self.U(0.5, 0.85)
            cyc[[1, 3, 5, 7]] = self.U(0.6, 1.0)
        elif style == "index":
            n = self.up if self.chance(0.6) else -self.fwd
            R = _frame_nu(_unit(n + self.U(0.1, 0.5) * -self.fwd), self.fwd + self.up * 0.5)
            base = self.shape("point")
            cyc = base.copy()
            cyc[0] = self.U(0.35, 0.6)
            cyc[1] = self.U(0.85, 1.05)
        elif style == "wave_in":
            R = _frame_nu(_unit(-self.fwd + self.up * self.U(-0.2, 0.4) + self.medial * self.U(0, 0.4)), self.up)
            cyc[[0, 2, 4, 6]] = self.U(0.15, 0.45)
            cyc[[1, 3, 5, 7]] = self.U(0.2, 0.5)
            rot_amp = self.U(0.4, 0.75)
        else:
            R = _frame_nu(_unit(self.down + self.fwd * self.U(0.2, 0.8)), self.fwd + self.up * 0.3)
            cyc[[0, 2, 4, 6]] = self.U(0.5, 0.8)
            cyc[[1, 3, 5, 7]] = self.U(0.45, 0.8)
            rot_amp = self.U(0.15, 0.35)
        if p.arthritic or p.wrist_only:
            # stiff fingers (or a wrist-only habit): the wrist does much of the beckoning
            rot_amp = max(rot_amp, self.U(0.2, 0.45))
        form = self.U(0.2, 0.4) / p.speed
        self.pose(t_f, form, c, R, base)
        f = self.U(1.3, 2.8) * p.speed**0.5
        ncyc = int(self.rng.choice([2, 3, 3, 4]))
        while ncyc > 2 and form + ncyc / f > 2.8:
            ncyc -= 1
        f = max(f, ncyc / max(2.8 - form, 0.5))
        tc = t_f + form * self.U(0.7, 1.0)
        a_lat = R[:, 0]
        for _ in range(ncyc):
            a_k = self.U(0.75, 1.1) * (0.7 + 0.3 * min(p.amp, 1.5))
            h1 = self.U(0.4, 0.5) / f
            h2 = 1.0 / f - h1
            self.m.move(tc, h1 * 1.1, base + a_k * (cyc - base), _FING)
            self.m.move(tc + h1, h2 * 1.1, base + self.rng.normal(0, 0.03, 12), _FING)
            if rot_amp:
                Rk = _rot_about(a_lat, rot_amp * a_k) @ R
                self.m.move(tc, h1 * 1.1, self.rotvec(Rk), _ROT)
                self.m.move(tc + h1, h2 * 1.1, self.rotvec(R), _ROT)
            tc += 1.0 / f
        if self.chance(0.4):
            self.m.move(t_f + form, ncyc / f, c - self.fwd * self.U(0.02, 0.07), _POS)
        end = tc + 0.1 / f
        return {"t0": t_f, "t1": end, "hold": None, "style": style, "tail": 0.5 / f}

    def _g_point(self, t):
        p = self.p
        style = str(self.rng.choice(["static", "reach", "jab"], p=[0.4, 0.4, 0.2]))
        th = self.U(0, 2 * math.pi)
        c = self.zone() + self.lateral * self.U(-0.03, 0.06)
        d_img = (math.cos(th), -math.sin(th))
        d2 = self.img_dir_world(c, d_img)
        tc = self.to_cam(c)
        tperp = tc - np.dot(tc, d2) * d2
        tperp = _unit(tperp) if np.linalg.norm(tperp) > 1e-3 else self.fwd
        e = self.U(-0.3, 0.55)
        dirw = _unit(math.cos(e) * d2 + math.sin(e) * tperp)
        if abs(np.dot(dirw, self.down)) < 0.7:
            n_pref = self.down if self.chance(0.7) else self.medial
        else:
            n_pref = -self.fwd if np.dot(dirw, self.up) > 0 else self.fwd
        R = _frame_un(dirw, n_pref + self.rng.normal(0, 0.25, 3), fallback=self.medial)
        sh = self.shape("point")
        if style == "static":
            t_f = self.approach(t, c)
            form = self.U(0.25, 0.5) / p.speed
            pos = c + dirw * self.U(0.0, 0.02)
            hold = self.U(0.5, 1.8) * p.hold
        elif style == "reach":
            t_f = self.approach(t, c - dirw * 0.05)
            form = self.U(0.35, 0.7) / p.speed
            pos = c + dirw * self.U(0.06, 0.18) * p.amp
            hold = self.U(0.4, 1.4) * p.hold
        else:
            t_f = self.approach(t, c)
            form = self.U(0.18, 0.3) / p.speed
            pos = c + dirw * self.U(0.03, 0.08)
            hold = self.U(0.3, 0.6) * p.hold
        self.pose(t_f, form, pos, R, sh, finger_lag=self.U(-0.2, 0.0))
        h0 = t_f + form * 1.1 + 0.04
        hold = float(np.clip(hold, 0.35, MAX_GESTURE_S - 0.1 - (h0 - t_f)))
        if self.chance(0.5):
            self.m.move(t_f + form, self.U(0.15, 0.3), pos + self.rng.normal(0, 0.006, 3), _POS)
        if style == "jab" and self.chance(0.5) and hold > 0.4:
            self.m.move(h0 + 0.05, 0.12, pos + dirw * 0.025, _POS)
            self.m.move(h0 + 0.17, 0.15, pos, _POS)
        if self.chance(0.5):
            Rw = _rot_about(self.rng.normal(size=3), self.U(0.02, 0.07)) @ R
            self.m.move(h0 + 0.1, hold * 0.8, self.rotvec(Rw), _ROT)
        return {"t0": t_f, "t1": h0 + hold, "hold": (h0, h0 + hold), "style": style, "tail": hold}

    def _g_swipe(self, t, label, follow_idle):
        p = self.p
        w = np.array([0.3, 0.2, 0.3, 0.2])
        if p.wrist_only:
            w = np.array([0.1, 0.1, 0.2, 0.6])
        vertical = label in ("swipe_up", "swipe_down")
        if vertical:
            w = w * np.array([1.0, 0.4, 1.0, 1.0])
        style = str(self.rng.choice(["palm_lead", "back_lead", "palm_cam", "flick"], p=w / w.sum()))
        c = self.zone()
        dw = self.img_dir_world(c, _DIMG[label])
        nrm = _unit(np.cross(self.right, self.up))
        dw = _rot_about(nrm, self.rng.normal(0, math.radians(5) * (1 + p.slop))) @ dw
        L = p.L
        if style == "flick":
            Ls = max(self.U(0.02, 0.06) * p.amp / 0.5, 0.25 * L)
        else:
            Ls = max(self.U(0.12, 0.36) * p.amp, 0.7 * L)
        p0 = c - dw * Ls / 2
        p1 = c + dw * Ls / 2
        up_ref = self.fwd if vertical else self.up
        if style == "palm_lead":
            R0 = _frame_nu(dw, up_ref, fallback=self.up)
        elif style == "back_lead":
            R0 = _frame_nu(-dw, up_ref, fallback=self.up)
        elif style == "flick" and vertical:
            R0 = _frame_nu(_unit(self.down + self.to_cam(c) * self.U(0.0, 0.5)), self.fwd)
        else:
            R0 = self.stop_R(c)
        sh = self.shape("flat") if self.chance(0.6) else self.shape("open")
        wind = self.U(0.0, 0.3) * Ls if self.chance(0.5) else 0.0
        prep = self.U(0.22, 0.4) / p.speed
        u_w = R0[:, 1]
        ax = np.cross(u_w, dw)
        ang = self.U(0.45, 0.85) if style == "flick" else self.U(0.08, 0.3)
        if style == "flick":
            # rotate about the wrist so that the fingertips move the right way in the picture
            b1 = _unit(np.cross(u_w, R0[:, 2]))
            b2 = R0[:, 2]
            tdir = self.img_dir_world(c + u_w * 0.8 * L, _DIMG[label], basis=(b1, b2))
            ax = np.cross(u_w, tdir)
        if np.linalg.norm(ax) < 0.4:
            ax = R0[:, 0] * np.sign(np.dot(np.cross(R0[:, 0], u_w), dw) + 1e-9)
            ang = min(ang, 0.3)
        ax = _unit(ax)
        Rs = _rot_about(ax, -ang / 2) @ R0
        Re = _rot_about(ax, ang / 2) @ R0
        t_f = self.approach(t, p0 - dw * wind, frac=(0.85, 1.0), R=Rs)
        self.pose(t_f, prep, None, Rs, sh)
        self.m.move(t_f, prep * 0.8, p0 - dw * wind, _POS, *self.prof())
        ts = t_f + prep * self.U(0.75, 1.0)
        sd = (self.U(0.12, 0.3) if style == "flick" else self.U(0.22, 0.6)) / p.speed
        perp = _unit(np.cross(nrm, dw))
        if not vertical and np.dot(perp, self.up) < 0:
            perp = -perp
        arc = self.U(-0.05, 0.2) * Ls
        via = c + perp * arc
        pr, sg = self.prof()
        over = self.chance(0.3)
        end = p1 + dw * Ls * self.U(0.05, 0.12) if over else p1
        self.m.move(ts, sd * 0.6, via, _POS, pr, sg)
        self.m.move(ts + sd * 0.4, sd * 0.6, end, _POS, pr, sg)
        self.m.move(ts, sd, self.rotvec(Re), _ROT, pr, sg)
        te = ts + sd
        if over:
            self.m.move(te - 0.02, 0.18 / p.speed, p1, _POS)
            te += 0.1
        t0 = max(t_f + 0.85 * prep, ts - self.U(0.06, 0.2))
        t1 = te + self.U(0.08, 0.3)
        shortest = 0.3 if style == "flick" else 0.5
        if t1 - t0 < shortest:
            t1 = t0 + shortest
        g = {"t0": t0, "t1": t1, "hold": None, "style": style, "tail": sd * 0.3}
        if follow_idle and self.chance(0.35):
            tr = t1 + self.U(0.1, 0.35)
            rd = self.U(0.5, 0.9) / p.speed
            self.pose(tr, rd, c - dw * Ls * self.U(0.1, 0.4) + self.down * 0.03, shape=self.shape("relaxed"))
            g["busy"] = tr + rd
            self.events.append(("return_stroke", round(tr, 3), round(tr + rd, 3)))
        return g


# ----------------------------------------------------------------------------------------------------------
# the tracker
# ----------------------------------------------------------------------------------------------------------
def _sample_tracker(rng, cam):
    filt = str(rng.choice(["ema", "ab", "euro"], p=[0.3, 0.35, 0.35]))
    return {
        "filter": filt,
        "ema_a": float(rng.uniform(0.22, 0.65)),
        "ab_a": float(rng.uniform(0.25, 0.6)),
        "ab_bf": float(rng.uniform(0.6, 2.2)),
        "euro_min": float(rng.uniform(0.4, 2.0)),
        "euro_beta": float(rng.uniform(0.05, 0.6)),
        "jit_rel": float(rng.uniform(0.004, 0.015)),
        "jit_px": float(rng.uniform(0.4, 2.0) * max(cam.W, cam.H) / 640),
        "rho": float(rng.uniform(0.2, 0.8)),
        "shared": float(rng.uniform(0.3, 0.9)),
        "blur": float(rng.uniform(0.04, 0.2)),
        "occl_gain": float(rng.uniform(1.5, 3.5)),
        "occl_pull": float(rng.uniform(0.1, 0.35)),
        "zscale": float(rng.uniform(0.5, 1.4)),
        "zbias": float(rng.normal(0, 0.04)),
        "znoise": float(rng.uniform(0.02, 0.08)),
        "base_loss": float(math.exp(rng.uniform(math.log(0.0008), math.log(0.012)))),
        "stay": float(rng.uniform(0.5, 0.82)),
        "glitch_rate": float(rng.uniform(0.0, 0.3)),
        "loss_code": str(rng.choice(["nan", "zero", "repeat", "mixed"], p=[0.3, 0.2, 0.2, 0.3])),
        "resample": str(rng.choice(["hold", "linear"], p=[0.45, 0.55])),
        "redetect": float(rng.uniform(0.05, 0.3)),
        "switch_p": float(rng.uniform(0.1, 0.5)),
    }


def _reflect_other_hand(Pw, Rn, t, rub):
    """The person's other hand, palm to palm with the tracked one, rubbing in antiphase."""
    t0, t1, amp, fr = rub
    n = Rn[:, :, 2]
    w = Pw[:, 0]
    c = w + n * 0.025
    d = Pw - c[:, None]
    proj = np.einsum("tkj,tj->tk", d, n)
    refl = Pw - 2 * proj[..., None] * n[:, None]
    shift = -2 * amp * np.sin(2 * np.pi * fr * t) * (t > t0) * (t < t1)
    return refl + (shift[:, None] * Rn[:, :, 1])[:, None]


def _track(Pn, Pw, Rn, tn, scene, tr, rng):
    """Clean landmarks at the camera's rate (Tn, 21, 3) to tracker output at the same rate, and a lost mask."""
    cam = scene.cam
    W, H = cam.W, cam.H
    fps = cam.fps
    Tn = len(tn)
    S = np.array([W, H, W], float)
    px = Pn * S
    size = np.linalg.norm(px[:, 9] - px[:, 0], axis=1) * 1.9
    size = np.maximum(size, 4.0)
    sref = float(np.median(size))
    cen = px[:, :, :2].mean(axis=1)
    spd = np.zeros(Tn)
    spd[1:] = np.linalg.norm(np.diff(cen, axis=0), axis=1) * fps
    spd[0] = spd[1] if Tn > 1 else 0.0
    inside = ((Pn[..., 0] >= 0) & (Pn[..., 0] <= 1) & (Pn[..., 1] >= 0) & (Pn[..., 1] <= 1)).mean(axis=1)
    # occlusion estimate: landmarks behind the palm and near it in the image
    palm_z = px[:, _PALM, 2].mean(axis=1)
    palm_c = px[:, _PALM, :2].mean(axis=1)
    behind = np.clip((px[..., 2] - palm_z[:, None]) / (0.25 * size[:, None]), 0, 1)
    near = np.clip(1.4 - np.linalg.norm(px[..., :2] - palm_c[:, None], axis=2) / (0.6 * size[:, None]), 0, 1)
    occl = behind * near
    occl[:, 0] = 0.0
    rub_mask = np.zeros(Tn, bool)
    for r0, r1, _, _ in scene.rubs:
        rub_mask |= (tn >= r0) & (tn <= r1)
    # measurement noise
    sig = np.sqrt((tr["jit_rel"] * size) ** 2 + tr["jit_px"] ** 2 + (tr["blur"] * spd / fps) ** 2)
    sig = sig * np.where(rub_mask, 2.0, 1.0)
    outside_l = (Pn[..., 0] < 0) | (Pn[..., 0] > 1) | (Pn[..., 1] < 0) | (Pn[..., 1] > 1)
    sig_l = sig[:, None] * (1 + tr["occl_gain"] * occl) * np.where(outside_l, 2.5, 1.0)
    rho = tr["rho"] ** (30.0 / fps)
    w = rng.normal(size=(Tn, 22, 2))
    e = np.empty_like(w)
    e[0] = w[0]
    cf = math.sqrt(1 - rho * rho)
    for j in range(1, Tn):
        e[j] = rho * e[j - 1] + cf * w[j]
    raw = px.copy()
    raw[..., :2] += sig_l[..., None] * e[:, :21] + (tr["shared"] * sig)[:, None, None] * e[:, 21:22]
    raw[..., :2] += rng.normal(0, 0.008 * sref, (1, 21, 2))
    raw[..., :2] += (occl * tr["occl_pull"])[..., None] * (palm_c[:, None] - px[..., :2])
    zb = rng.normal(0, 1, 21) * tr["zbias"] * sref
    raw[..., 2] = tr["zscale"] * px[..., 2] + zb + rng.normal(0, 1, (Tn, 21)) * tr["znoise"] * size[:, None] * (1 + occl)
    # other hands: passers-by and the person's own other hand while rubbing
    others = []
    for it in scene.intruders:
        m = (tn >= it["t0"]) & (tn <= it["t1"])
        if not m.any():
            continue
        q = it["motion"].eval(tn[m])
        loc = _hand_local(q[:, _FING], it["person"])
        Rw = it["R_ref"] @ _rodrigues(q[:, _ROT])
        pw = q[:, None, _POS] + np.einsum("tij,tkj->tki", Rw, loc)
        o = np.full((Tn, 21, 3), np.nan)
        o[m] = _project(pw, cam, tn[m]) * S
        others.append((o, 0.25))
    for rub in scene.rubs:
        m = (tn >= rub[0]) & (tn <= rub[1])
        if not m.any():
            continue
        o = np.full((Tn, 21, 3), np.nan)
        ow = _reflect_other_hand(Pw[m], Rn[m], tn[m], rub)
        o[m] = _project(ow, cam, tn[m]) * S
        others.append((o, 0.06))
    # lost frames: a two-state chain whose hazard grows at the image edges, for small and for fast hands
    hz = (
        tr["base_loss"]
        + 0.8 * np.clip((0.6 - inside) / 0.6, 0, 1) ** 1.5
        + 0.15 * np.clip((40 - size) / 25, 0, 1)
        + 0.06 * np.clip(spd / size - 3.0, 0, 3) / 3
        + 0.04 * rub_mask
    )
    stay = np.where(inside < 0.5, 0.92, tr["stay"])
    u = rng.random(Tn)
    lost = np.zeros(Tn, bool)
    prev = False
    for j in range(Tn):
        if inside[j] < 0.2:
            cur = u[j] < 0.985
        elif prev:
            cur = u[j] < stay[j]
        else:
            cur = u[j] < hz[j]
        lost[j] = cur
        prev = cur
    # the tracker may follow another hand
    wrong = np.zeros(Tn, bool)
    for o, pbase in others:
        ok = np.isfinite(o[:, 0, 0])
        oin = np.zeros(Tn)
        oin[ok] = ((o[ok, :, 0] >= 0) & (o[ok, :, 0] <= W) & (o[ok, :, 1] >= 0) & (o[ok, :, 1] <= H)).mean(axis=1)
        dist = np.full(Tn, np.inf)
        dist[ok] = np.linalg.norm(o[ok, :, :2].mean(axis=1) - cen[ok], axis=1) / size[ok]
        left = 0
        for j in range(Tn):
            if not ok[j] or oin[j] < 0.5:
                left = 0
                continue
            if left > 0:
                wrong[j] = True
                raw[j] = o[j] + rng.normal(0, tr["jit_px"] + 0.01 * sref, (21, 3))
                left -= 1
                continue
            p_sw = 0.0
            if lost[j]:
                p_sw = 0.3 + tr["switch_p"]
            elif dist[j] < 1.3:
                p_sw = pbase * (0.5 + tr["switch_p"])
            if rng.random() < p_sw:
                left = int(rng.integers(2, 13))
                wrong[j] = True
                raw[j] = o[j] + rng.normal(0, tr["jit_px"] + 0.01 * sref, (21, 3))
                left -= 1
    lost &= ~wrong
    # whole-hand glitches of one or two frames
    n_gl = rng.poisson(tr["glitch_rate"] * Tn / fps)
    glitches = []
    for _ in range(n_gl):
        j = int(rng.integers(Tn))
        k = 1 if rng.random() < 0.6 else 2
        kind = str(rng.choice(["shift", "scale", "mirror", "rotate", "scramble"]))
        glitches.append((j, kind))
        for jj in range(j, min(Tn, j + k)):
            f = raw[jj]
            c = f[:, :2].mean(axis=0)
            if kind == "shift":
                f[:, :2] += _unit(rng.normal(size=2)) * rng.uniform(0.3, 1.2) * size[jj]
            elif kind == "scale":
                f[:, :2] = c + (f[:, :2] - c) * rng.uniform(0.55, 1.5)
            elif kind == "mirror":
                a = _unit(f[9, :2] - f[0, :2])
                d = f[:, :2] - f[0, :2]
                f[:, :2] = f[0, :2] + 2 * np.outer(d @ a, a) - d
                f[:, 2] = -f[:, 2]
            elif kind == "rotate":
                th = rng.uniform(0.5, 3.1) * rng.choice([-1, 1])
                rm = np.array([[math.cos(th), -math.sin(th)], [math.sin(th), math.cos(th)]])
                f[:, :2] = c + (f[:, :2] - c) @ rm.T
            else:
                pc = f[_PALM, :2].mean(axis=0)
                idx = [2, 3, 4, 6, 7, 8, 10, 11, 12, 14, 15, 16, 18, 19, 20]
                f[idx, :2] = pc + (f[idx, :2] - pc) * rng.uniform(0.2, 1.3, (len(idx), 1))
    # smoothing with resets after loss, and re-detection offsets
    U = (raw / sref).reshape(Tn, 63)
    out = np.full((Tn, 63), np.nan)
    k30 = 30.0 / fps
    a_ema = 1 - (1 - tr["ema_a"]) ** k30
    a_ab = 1 - (1 - tr["ab_a"]) ** k30
    b_ab = a_ab * a_ab / (2 - a_ab) * tr["ab_bf"]
    te = 1.0 / fps
    a_d = 1.0 / (1.0 + fps / (2 * math.pi * 1.0))
    state = None
    vel = None
    dxh = None
    offset = None
    for j in range(Tn):
        if lost[j]:
            state = None
            continue
        x = U[j]
        if state is None:
            offset = np.tile(np.r_[rng.normal(0, tr["redetect"], 2), 0.0], 21) * (size[j] / sref)
            offset = offset * rng.uniform(0.9, 1.1, 63)
            state = x + offset
            vel = np.zeros(63)
            dxh = np.zeros(63)
            out[j] = state
            continue
        if offset is not None:
            offset = offset * 0.5
            x = x + offset
            if np.max(np.abs(offset)) < 1e-3:
                offset = None
        filt = tr["filter"]
        if filt == "ema":
            state = state + a_ema * (x - state)
        elif filt == "ab":
            pred = state + vel
            r = x - pred
            state = pred + a_ab * r
            vel = vel + b_ab * r
        else:
            dx = (x - state) / te
            dxh = dxh + a_d * (dx - dxh)
            cut = tr["euro_min"] + tr["euro_beta"] * np.abs(dxh)
            a = 1.0 / (1.0 + fps / (2 * math.pi * cut))
            state = state + a * (x - state)
        out[j] = state
    res = out.reshape(Tn, 21, 3) * sref / S
    res[..., 2] -= res[:, :1, 2]
    info = {"wrong_hand_frames": int(wrong.sum()), "glitches": [(round(float(tn[j]), 3), k) for j, k in glitches]}
    return res, lost, info


def _resample(res, lost, tn, T, mode, fps):
    """Camera-rate tracker output to 30 fps."""
    tk = np.arange(T) / FPS
    pos = tk * fps
    Tn = len(tn)
    out = np.full((T, 21, 3), np.nan)
    lk = np.ones(T, bool)
    if mode == "hold" or fps == FPS:
        j = np.clip(np.floor(pos + 1e-6).astype(int), 0, Tn - 1)
        out[:] = res[j]
        lk[:] = lost[j]
        return out, lk
    j0 = np.clip(np.floor(pos + 1e-6).astype(int), 0, Tn - 1)
    j1 = np.clip(j0 + 1, 0, Tn - 1)
    w = np.clip(pos - j0, 0, 1)
    both = ~lost[j0] & ~lost[j1]
    out[both] = (1 - w[both, None, None]) * res[j0[both]] + w[both, None, None] * res[j1[both]]
    jn = np.where(w < 0.5, j0, j1)
    rest = ~both
    out[rest] = res[jn[rest]]
    lk[both] = False
    lk[rest] = lost[jn[rest]]
    return out, lk


def _encode_lost(arr, lost, code, rng):
    out = arr.copy()
    T = len(out)
    j = 0
    while j < T:
        if not lost[j]:
            j += 1
            continue
        k = j
        while k < T and lost[k]:
            k += 1
        c = code if code != "mixed" else str(rng.choice(["nan", "zero", "repeat"]))
        if c == "repeat" and j == 0:
            c = "nan"
        for jj in range(j, k):
            if c == "nan":
                out[jj] = np.nan
            elif c == "zero":
                out[jj] = 0.0
            else:
                out[jj] = out[jj - 1]
        j = k
    return out


# ----------------------------------------------------------------------------------------------------------
# clips
# ----------------------------------------------------------------------------------------------------------
@dataclass
class Blind12Clip:
    landmarks: np.ndarray  # (T, 21, 3) float32 at 30 fps
    gestures: tuple[tuple[str, int, int, float | None], ...]  # (label, start_frame, end_frame exclusive, direction_deg)
    kind: str  # one of KINDS
    meta: dict  # image_size (W, H), direction_deg_pixels, hold_frames, lost_frames, camera, person, tracker, ...


def _kind_of(seed, i):
    b = i // 20
    rng = np.random.default_rng(np.random.SeedSequence([_NUMBER, int(seed), int(b), 977]))
    return _BLOCK[int(rng.permutation(20)[i % 20])]


_PAIRS = (("point", "swipe"), ("grab", "swipe"), ("point", "grab"), ("point", "come_here"))
_SWIPES = ("swipe_left", "swipe_right", "swipe_up", "swipe_down")


def _pair_labels(rng):
    a, b = _PAIRS[int(rng.integers(4))]
    if b == "swipe":
        b = _SWIPES[int(rng.integers(4))]
    return a, b


def _do_pair(sc, a, b, follow_idle=True):
    g1 = sc.gesture(a, follow_idle=False)
    gap = sc.U(-0.15, 0.75)
    if gap < 0:
        lo = g1["t0"] + 0.5
        if g1.get("hold") is not None:
            lo = max(lo, g1["hold"][0] + 0.35)
        start = max(g1["t1"] + gap, lo)
        start = min(start, g1["t1"])
        g1["t1"] = start
        if g1.get("hold") is not None:
            g1["hold"] = (g1["hold"][0], min(g1["hold"][1], start))
        sc.t = start
    else:
        if gap > 0.25:
            sc.release(g1["t1"], strength=sc.U(0.3, 0.7))
        sc.t = g1["t1"] + gap
    sc.gesture(b, follow_idle=follow_idle, allow_abandon=False)


def _build_timeline(sc, kind, rng, idle_scale=1.0):
    sc.init()
    if kind == "tight":
        sc.idle(sc.U(0.4, 1.2), after_gesture=False)
        sc.gesture(LABELS[int(rng.integers(len(LABELS)))])
        sc.idle(0.35)
    elif kind == "margin":
        sc.idle(sc.U(0.3, 3.0) * idle_scale, after_gesture=False)
        sc.gesture(LABELS[int(rng.integers(len(LABELS)))])
        sc.idle(sc.U(0.3, 3.0) * idle_scale)
    elif kind == "pair":
        sc.idle(sc.U(0.3, 2.5) * idle_scale, after_gesture=False)
        _do_pair(sc, *_pair_labels(rng))
        sc.idle(sc.U(0.3, 2.5) * idle_scale)
    else:
        n_g = int(rng.integers(3, 6))
        units = []
        left = n_g
        while left > 0:
            if left >= 2 and rng.random() < 0.4:
                units.append(_pair_labels(rng))
                left -= 2
            else:
                units.append((LABELS[int(rng.integers(len(LABELS)))],))
                left -= 1
        sc.idle(sc.U(0.3, 2.0) * idle_scale, after_gesture=False)
        for k, u in enumerate(units):
            if len(u) == 2:
                _do_pair(sc, *u)
            else:
                sc.gesture(u[0])
            last = k == len(units) - 1
            sc.idle((sc.U(0.3, 1.5) if last else sc.U(0.8, 3.5)) * idle_scale)


def _render(sc, times):
    q = sc.m.eval(times)
    loc = _hand_local(q[:, _FING], sc.p)
    R = sc.R_ref @ _rodrigues(q[:, _ROT])
    Pw = q[:, None, _POS] + np.einsum("tij,tkj->tki", R, loc)
    return Pw, R, _project(Pw, sc.cam, times)


def _angle(v):
    return float(math.degrees(math.atan2(v[1], v[0])) % 360.0)


def _point_dirs(clean, s, e, W, H):
    seg = clean[s:e]
    v = seg[:, 8, :2] - seg[:, 5, :2]
    vn = np.stack([v[:, 0], -v[:, 1]], axis=1)
    vp = np.stack([v[:, 0] * W, -v[:, 1] * H], axis=1)
    un = vn / np.maximum(np.linalg.norm(vn, axis=1, keepdims=True), 1e-12)
    up = vp / np.maximum(np.linalg.norm(vp, axis=1, keepdims=True), 1e-12)
    return _angle(un.mean(axis=0)), _angle(up.mean(axis=0))


def _visible(clean, gestures):
    """Annotated gestures must be (mostly) in the picture: an annotator labels what can be seen."""
    for g in gestures:
        s, e = int(round(g["t0"] * FPS)), int(round(g["t1"] * FPS))
        seg = clean[s:e]
        if len(seg) == 0:
            return False
        ins = (seg[..., 0] >= 0) & (seg[..., 0] <= 1) & (seg[..., 1] >= 0) & (seg[..., 1] <= 1)
        if ins.mean() < 0.75:
            return False
        if g.get("hold") is not None:
            h = clean[int(round(g["hold"][0] * FPS)) : int(round(g["hold"][1] * FPS))][:, [5, 6, 7, 8], :2]
            if len(h) and (h.min() < -0.05 or h.max() > 1.05):
                return False
    return True


def _make(seed, i):
    kind = _kind_of(seed, i)
    rng = np.random.default_rng(np.random.SeedSequence([_NUMBER, int(seed), int(i)]))
    person = _sample_person(rng)
    cam = _sample_camera(rng)
    sc = None
    scale = 1.0
    for _attempt in range(10):
        sc = _Scene(rng, person, cam)
        _build_timeline(sc, kind, rng, idle_scale=scale)
        if sc.t > _MAX_CLIP_S:
            scale *= 0.8
            continue
        T = int(math.floor(sc.t * FPS))
        times = np.arange(T) / FPS
        _, _, clean = _render(sc, times)
        if _visible(clean, sc.gestures):
            break
    t_end = min(sc.t, _MAX_CLIP_S)
    T = int(math.floor(t_end * FPS))
    times = np.arange(T) / FPS
    _, _, clean = _render(sc, times)
    tn = np.arange(int(math.ceil(t_end * cam.fps)) + 2) / cam.fps
    Pw_n, R_n, P_n = _render(sc, tn)
    tr = _sample_tracker(rng, cam)
    res, lost_n, tinfo = _track(P_n, Pw_n, R_n, tn, sc, tr, rng)
    trk, lost = _resample(res, lost_n, tn, T, tr["resample"], cam.fps)
    # labels
    gest = []
    styles = []
    for g in sc.gestures:
        s = int(round(g["t0"] * FPS))
        e = int(round(g["t1"] * FPS))
        s = max(0, min(s, T - 2))
        e = max(s + 2, min(e, T))
        if gest and s < gest[-1][2]:
            s = gest[-1][2]
            e = max(e, s + 2)
        h = None
        if g.get("hold") is not None:
            h0 = max(s, int(round(g["hold"][0] * FPS)))
            h1 = min(e, int(round(g["hold"][1] * FPS)))
            if h1 - h0 < 3:
                h0 = max(s, e - max(3, (e - s) // 2))
                h1 = e
            h = (h0, h1)
        gest.append([g["label"], s, e, h])
        styles.append(g["style"])
    lo, hi = 0, T
    if kind == "tight":
        lo, hi = gest[0][1], gest[0][2]
        gest[0][1], gest[0][2] = lo, hi
    clean = clean[lo:hi]
    trk = trk[lo:hi]
    lost = lost[lo:hi]
    gestures = []
    dir_px = []
    hold_frames = []
    for lab, s, e, h in gest:
        s, e = s - lo, e - lo
        if h is not None:
            h = (h[0] - lo, h[1] - lo)
        d = None
        dp = None
        if lab == "point":
            cl = np.clip(clean, -0.3, 1.3)
            d, dp = _point_dirs(cl, h[0], h[1], cam.W, cam.H)
        gestures.append((lab, int(s), int(e), d))
        dir_px.append(dp)
        hold_frames.append(list(h) if h is not None else None)
    clean = clean.copy()
    clean[..., :2] = np.clip(clean[..., :2], -0.3, 1.3)
    clean[..., 2] = np.clip(clean[..., 2], -1.0, 1.0)
    trk[..., :2] = np.clip(trk[..., :2], -0.3, 1.3)
    trk[..., 2] = np.clip(trk[..., 2], -1.0, 1.0)
    trk = _encode_lost(trk, lost, tr["loss_code"], rng)
    meta = {
        "image_size": (cam.W, cam.H),
        "direction_deg_pixels": dir_px,
        "hold_frames": hold_frames,
        "styles": styles,
        "lost_share": float(lost.mean()) if len(lost) else 0.0,
        "lost_frames": [int(k) for k in np.nonzero(lost)[0]],
        "trim_offset_frames": int(lo),
        "camera": {
            "mount": cam.mount,
            "fps_native": cam.fps,
            "hfov_deg": round(cam.hfov, 1),
            "pitch_up_deg": round(sc.pitch, 1),
            "yaw_deg": round(sc.yaw, 1),
            "roll_deg": round(cam.roll, 1),
            "distortion_beta": round(cam.beta, 3),
            "moving": cam.drift is not None,
        },
        "person": {
            "group": person.group,
            "hand": "right" if person.hand > 0 else "left",
            "hand_length_m": round(person.L, 3),
            "arthritic": person.arthritic,
            "tremor_hz": round(person.tremor["freq"], 2) if person.tremor else None,
            "wrist_only": person.wrist_only,
            "speed": round(person.speed, 2),
            "amplitude": round(person.amp, 2),
            "sloppiness": round(person.slop, 2),
            "distance_m": round(float(np.linalg.norm(sc.G - cam.pos)), 2),
        },
        "tracker": {
            "filter": tr["filter"],
            "loss_code": tr["loss_code"],
            "resample": tr["resample"],
            "wrong_hand_frames": tinfo["wrong_hand_frames"],
            "glitches": tinfo["glitches"],
        },
        "idle_events": sc.events,
        "seed": int(seed),
        "index": int(i),
    }
    gt = tuple(gestures)
    tracked = Blind12Clip(trk.astype(np.float32), gt, kind, meta)
    cmeta = dict(meta)
    cmeta["lost_share"] = 0.0
    cmeta["lost_frames"] = []
    cmeta["clean"] = True
    cleanclip = Blind12Clip(clean.astype(np.float32), gt, kind, cmeta)
    return tracked, cleanclip


def blind12_dataset(n: int, seed: int = 0) -> list[Blind12Clip]:
    """Tracked clips (what a recogniser sees); clip i depends only on (seed, i)."""
    return [_make(seed, i)[0] for i in range(n)]


def blind12_clean_dataset(n: int, seed: int = 0) -> list[Blind12Clip]:
    """The same clips as blind12_dataset, before tracker errors (true landmarks at 30 fps)."""
    return [_make(seed, i)[1] for i in range(n)]


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
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
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="output folder")
    ap.add_argument("-n", type=int, default=20, help="number of clips")
    ap.add_argument("-s", "--seed", type=int, default=0)
    ap.add_argument("--clean", action="store_true", help="write the clips before tracker errors")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    labels = []
    for i in range(a.n):
        tracked, clean = _make(a.seed, i)
        c = clean if a.clean else tracked
        name = f"clip_{i:05d}.npy"
        np.save(os.path.join(a.out, name), c.landmarks)
        labels.append({"file": name, "kind": c.kind, "gestures": [list(g) for g in c.gestures], "meta": c.meta})
    with open(os.path.join(a.out, "labels.json"), "w") as fh:
        json.dump(_jsonable(labels), fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
