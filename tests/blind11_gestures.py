"""Blind generator 11: standing people giving arm-driven command gestures to a robot or wall camera, seen by a re-detecting tracker.

Setting: a person stands 1 to 4 m in front of a mobile robot's camera (low, looking up) or a wall camera
(high, looking down), sometimes stepping close so that the hand becomes large in the picture. Gestures are
made with the whole arm: the wrist position is planned in shoulder-centred spherical coordinates (azimuth,
elevation, reach), so swipes and beckons trace arcs about the shoulder and come towards the camera in the
middle of a sweep. Between key postures the motion follows a skewed minimum-jerk (bell-shaped velocity)
profile with a person-specific overshoot and mid-stroke arc bumps; drift, tremor, body sway and walking
(with arm swing and step bob) are added on top. The hand is a forward-kinematics skeleton (palm with four
MCP knuckles, three-phalanx fingers flexing in their own plane, a thumb with an opposable CMC joint), with
per-person bone ratios (children to large adults), left or right hand, habitual finger offsets and
sloppiness. Gesture styles include cultural variants: palm-up finger curling, palm-down (East Asian) and
whole-arm beckoning, index points with the other fingers tight or loosely curled and whole-hand points,
stop as a hand raised shoulder high or an arm pushed out, arm sweeps, forearm swipes and flicks. Idle
time is people talking with beat gestures, resting, touching the face, adjusting glasses, scratching,
holding a phone, hands on hips, in pockets or crossed arms, waving hello and walking around.

Cameras: landscape and portrait frames, 40-105 degree lenses with barrel distortion, roll, pitch and yaw,
10-30 fps sensors whose frames are duplicated (sometimes irregularly) to fill the 30 fps stream, and
mirrored (selfie) views. The tracker imitates a palm detector plus landmark model: the hand is detected
from scratch every few camera frames, each detection bringing its own offset, rotation, scale and shape
error (so landmarks jump), handedness sometimes flips (the landmarks of the mirrored hand), small or fast
(blurred) or edge-on hands lose confidence, dropouts come in bursts that end only when the palm detector
re-acquires the hand, a fresh detection outside gestures may lock onto the person's other, idle hand, and
an optional One-Euro style smoother adds lag. Lost frames are written as NaN, zeros or repeats of the
previous frame (one convention per pipeline, or a short hold followed by NaN). The clean clips are the
gesturing hand's true landmarks (NaN while it is out of the picture or hidden), sampled by the same camera.

Labels: (label, start_frame, end_frame, direction_deg) with end_frame exclusive; frame indices at 30 fps.
meta holds image_size, direction_deg_pixels, hold_frames (the point holds), styles, camera, person, tracker
statistics and per-frame masks lost and camera_duplicate.
This generator was written without reading any other gesture generator or the code it is used to evaluate.
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
MAX_CLIP_S = 19.5
BAND = (-0.3, 1.3)
Z_BAND = (-0.3, 0.3)
_KIND_BLOCK = ("tight",) * 6 + ("margin",) * 5 + ("pair",) * 5 + ("recording",) * 4
_PAIRS = (("point", "swipe"), ("grab", "swipe"), ("point", "grab"), ("point", "come_here"))
_SWIPES = ("swipe_left", "swipe_right", "swipe_up", "swipe_down")
_TIPS = (8, 12, 16, 20)

# State vector of the hand track: azimuth, elevation (rad), reach (arm lengths), finger direction (3),
# palm normal (3), 20 joint angles (deg), occlusion flag, noise level.
_A, _E, _R = 0, 1, 2
_Y = slice(3, 6)
_Z = slice(6, 9)
_P = slice(9, 29)
_OCC, _NL = 29, 30
_NSTATE = 31


@dataclass
class Blind11Clip:
    landmarks: np.ndarray
    gestures: tuple[tuple[str, int, int, float | None], ...]
    kind: str
    meta: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------
# hand skeleton


def _pose(fingers, thumb):
    """Joint angles in degrees: per finger (MCP flex, PIP flex, DIP flex, abduction), thumb (CMC flex, CMC abd, MCP, IP)."""
    return np.array([v for f in fingers for v in f] + list(thumb), float)


P_OPEN = _pose([(0, 2, 2, 7), (0, 2, 2, 0), (0, 3, 2, -6), (0, 3, 2, -12)], (5, 45, 3, 3))
P_FLAT = _pose([(2, 4, 3, 1), (2, 4, 3, 0), (3, 4, 3, -1), (4, 5, 3, -2)], (12, 22, 5, 8))
P_RELAX = _pose([(22, 32, 18, 3), (28, 38, 22, 0), (33, 44, 25, -2), (38, 50, 28, -5)], (20, 30, 15, 15))
P_CUP = _pose([(12, 20, 10, 4), (14, 22, 10, 0), (16, 24, 12, -3), (18, 26, 12, -6)], (15, 35, 10, 10))
P_FIST = _pose([(85, 100, 60, -2), (88, 102, 62, 0), (88, 102, 60, 2), (88, 100, 58, 4)], (40, 18, 40, 30))
P_LFIST = _pose([(62, 80, 42, 0), (68, 84, 45, 0), (72, 86, 45, 0), (75, 88, 45, 0)], (28, 25, 20, 18))
P_POINT = _pose([(2, 6, 4, 2), (82, 100, 55, 0), (86, 100, 55, 0), (86, 98, 55, 2)], (38, 15, 35, 25))
P_POINT_T = _pose([(2, 6, 4, 2), (80, 98, 55, 0), (84, 98, 55, 0), (84, 96, 55, 2)], (5, 50, 5, 5))
P_POINT_LOOSE = _pose([(6, 12, 8, 3), (48, 68, 38, 0), (58, 76, 40, -2), (64, 80, 40, -4)], (28, 25, 20, 15))
P_CLAW = _pose([(28, 45, 30, 6), (30, 45, 30, 0), (30, 45, 30, -5), (32, 45, 30, -10)], (22, 45, 15, 15))
P_CURL = _pose([(68, 88, 52, 0), (72, 92, 55, 0), (72, 92, 55, 0), (72, 90, 55, 0)], (22, 30, 15, 15))
P_PHONE = _pose([(50, 55, 25, 0), (55, 60, 28, 0), (60, 65, 30, 0), (65, 70, 30, 0)], (18, 40, 10, 10))
P_PINCH = _pose([(35, 40, 20, 2), (60, 80, 45, 0), (70, 85, 45, 0), (75, 85, 45, 0)], (35, 25, 25, 20))
P_HOOK = _pose([(45, 90, 60, 2), (82, 100, 55, 0), (86, 100, 55, 0), (86, 98, 55, 2)], (30, 25, 25, 20))

# Right hand, units of hand length (wrist to middle fingertip ~ 1); x radial (thumb side), y distal, z palmar.
_MCP = np.array([[0.165, 0.50, 0.0], [0.055, 0.53, 0.0], [-0.050, 0.505, 0.0], [-0.145, 0.455, 0.0]])
_BONES = np.array([[0.215, 0.125, 0.095], [0.235, 0.145, 0.100], [0.220, 0.140, 0.095], [0.175, 0.100, 0.085]])
_SPLAY = np.radians([5.0, 0.0, -5.0, -11.0])
_THUMB_BASE = np.array([0.095, 0.11, 0.02])
_THUMB_BONES = np.array([0.215, 0.165, 0.135])


def _unit(v):
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _rot_toward(d, target, ang):
    u = target - np.sum(target * d, axis=-1, keepdims=True) * d
    u = _unit(u)
    return np.cos(ang)[..., None] * d + np.sin(ang)[..., None] * u


def _make_geometry(rng, child):
    palm_w = rng.normal(1.0, 0.05) * (1.05 if child else 1.0)
    palm_l = rng.normal(1.0, 0.03)
    fing = rng.normal(1.0, 0.04) * (0.94 if child else 1.0)
    mcp = _MCP.copy()
    mcp[:, 0] *= palm_w
    mcp[:, 1] *= palm_l
    bones = _BONES * fing * rng.normal(1.0, 0.03, size=(4, 1)) * rng.normal(1.0, 0.02, size=(4, 3))
    thumb = _THUMB_BONES * rng.normal(1.0, 0.05) * rng.normal(1.0, 0.02, size=3)
    base = _THUMB_BASE * np.array([palm_w, palm_l, 1.0])
    # normalise so that wrist -> middle fingertip is one unit
    scale = mcp[1, 1] + bones[1].sum()
    return {
        "mcp": mcp / scale,
        "bones": bones / scale,
        "thumb": thumb / scale,
        "tbase": base / scale,
        "splay": _SPLAY + rng.normal(0, 0.02, 4),
    }


def _fk(geom, pose_deg):
    """Local 21-landmark hand (T, 21, 3) for a right hand from joint angles (T, 20) in degrees."""
    n = pose_deg.shape[0]
    ang = np.radians(pose_deg)
    out = np.zeros((n, 21, 3))
    zhat = np.array([0.0, 0.0, 1.0])
    cup = np.clip((ang[:, 8] + ang[:, 12]) / 3.0, 0.0, 1.0)  # ring/pinky MCP flexion arches the palm
    for f in range(4):
        abd = ang[:, 4 * f + 3] + geom["splay"][f]
        d0 = np.stack([np.sin(abd), np.cos(abd), np.zeros(n)], -1)
        pos = np.broadcast_to(geom["mcp"][f], (n, 3)).copy()
        if f >= 2:
            pos[:, 2] += cup * (0.02 if f == 2 else 0.045)
            pos[:, 0] += cup * (0.005 if f == 2 else 0.015)
        out[:, 5 + 4 * f] = pos
        th = np.zeros(n)
        for k in range(3):
            th = th + ang[:, 4 * f + k]
            d = np.cos(th)[:, None] * d0 + np.sin(th)[:, None] * zhat
            pos = pos + geom["bones"][f][k] * d
            out[:, 6 + 4 * f + k] = pos
    cmcf, cmca, tmcp, tip = ang[:, 16], ang[:, 17], ang[:, 18], ang[:, 19]
    gamma = np.radians(8.0) + 0.8 * cmca
    d = np.stack([np.sin(gamma), np.cos(gamma), np.zeros(n)], -1)
    d = _rot_toward(d, np.array([-0.2, 0.0, 1.0]), np.radians(10.0) + 0.3 * cmcf)
    p1 = np.broadcast_to(geom["tbase"], (n, 3))
    out[:, 1] = p1
    p2 = p1 + geom["thumb"][0] * d
    out[:, 2] = p2
    tgt = np.array([-1.0, 0.05, 0.3])
    d2 = _rot_toward(d, tgt, tmcp)
    p3 = p2 + geom["thumb"][1] * d2
    out[:, 3] = p3
    d3 = _rot_toward(d, tgt, tmcp + tip)
    out[:, 4] = p3 + geom["thumb"][2] * d3
    return out


# --------------------------------------------------------------------------------------------------
# motion primitives


def _minjerk(tau):
    return tau**3 * (10.0 - 15.0 * tau + 6.0 * tau**2)


def _smooth_noise(rng, n, dims, fc, fps=FPS):
    """Gaussian low-passed white noise with unit standard deviation, (n, dims)."""
    m = int(n + 2 * fps / max(fc, 0.05)) + 8
    w = rng.standard_normal((m, dims))
    f = np.fft.rfftfreq(m, 1.0 / fps)
    g = np.exp(-0.5 * (f / fc) ** 2)
    var = (2.0 * np.sum(g**2) - g[0] ** 2) / m
    x = np.fft.irfft(np.fft.rfft(w, axis=0) * g[:, None], n=m, axis=0)
    off = (m - n) // 2
    return x[off : off + n] / math.sqrt(max(var, 1e-12))


class _Track:
    """Key postures joined by skewed minimum-jerk segments with optional overshoot and mid-segment bumps."""

    def __init__(self, t, state):
        self.t = [float(t)]
        self.s = [np.asarray(state, float).copy()]
        self.ov = [0.0]
        self.sk = [1.0]
        self.bump = [None]

    @property
    def now(self):
        return self.t[-1]

    @property
    def cur(self):
        return self.s[-1].copy()

    def to(self, dt, state, ov=0.0, skew=1.0, bump=None):
        self.t.append(self.t[-1] + max(float(dt), 1.0 / 60.0))
        self.s.append(np.asarray(state, float).copy())
        self.ov.append(float(ov))
        self.sk.append(float(skew))
        self.bump.append(None if bump is None else np.asarray(bump, float))

    def hold(self, dt, **changes):
        st = self.cur
        for k, v in changes.items():
            st[{"nl": _NL, "occ": _OCC}[k]] = v
        self.to(dt, st)

    def eval(self, times):
        if len(self.t) == 1:
            self.to(1.0, self.cur)
        tk = np.asarray(self.t)
        sk = np.stack(self.s)
        idx = np.clip(np.searchsorted(tk, times, side="right") - 1, 0, len(tk) - 2)
        t0, t1 = tk[idx], tk[idx + 1]
        tau = np.clip((times - t0) / np.maximum(t1 - t0, 1e-6), 0.0, 1.0)
        tau = tau ** np.asarray(self.sk)[idx + 1]
        ov = np.asarray(self.ov)[idx + 1]
        prog = _minjerk(tau) + ov * 4.0 * tau**3 * (1.0 - tau)
        out = sk[idx] + prog[:, None] * (sk[idx + 1] - sk[idx])
        bumps = np.zeros((len(tk), sk.shape[1]))
        for i, b in enumerate(self.bump):
            if b is not None:
                bumps[i] = b
        out += np.sin(np.pi * np.clip(prog, 0, 1))[:, None] * bumps[idx + 1]
        return out


# --------------------------------------------------------------------------------------------------
# people and cameras


@dataclass
class _Person:
    side: int  # -1: right hand (on the camera's left), +1: left hand
    child: bool
    hand_len: float
    arm_len: float
    shoulder_h: float
    shoulder_half: float
    speed: float
    amp: float
    casual: float
    sloppy: float
    overshoot: float
    skew: float
    tremor: float
    drift: float
    sway: float
    habit: np.ndarray
    geom: dict
    beckon: str
    point_pref: str


def _make_person(rng):
    child = rng.random() < 0.15
    if child:
        hand_len = rng.uniform(0.12, 0.16)
        arm_len = hand_len * rng.uniform(2.9, 3.3)
        shoulder_h = rng.uniform(0.8, 1.2)
        shoulder_half = rng.uniform(0.11, 0.15)
    else:
        hand_len = float(np.clip(rng.normal(0.185, 0.012), 0.16, 0.215))
        arm_len = float(np.clip(hand_len * rng.normal(3.05, 0.12), 0.48, 0.68))
        shoulder_h = rng.uniform(1.25, 1.58)
        shoulder_half = rng.uniform(0.16, 0.22)
    east = rng.random() < 0.35
    return _Person(
        side=-1 if rng.random() < 0.8 else 1,
        child=bool(child),
        hand_len=float(hand_len),
        arm_len=float(arm_len),
        shoulder_h=float(shoulder_h),
        shoulder_half=float(shoulder_half),
        speed=float(np.clip(math.exp(rng.normal(0, 0.18)), 0.7, 1.45)),
        amp=float(np.clip(math.exp(rng.normal(0, 0.15)), 0.7, 1.3)),
        casual=float(rng.uniform(0, 1)),
        sloppy=float(rng.uniform(0, 1) ** 1.5),
        overshoot=float(rng.uniform(0.0, 0.25)),
        skew=float(rng.uniform(0.85, 1.15)),
        tremor=float(rng.uniform(0.0003, 0.0012)),
        drift=float(rng.uniform(0.6, 1.6)),
        sway=float(rng.uniform(0.006, 0.03)),
        habit=rng.normal(0, 4.0, 20),
        geom=_make_geometry(rng, child),
        beckon="palm_down" if east else "palm_up",
        point_pref="whole" if (east and rng.random() < 0.3) else "index",
    )


_SIZES_LAND = ((640, 480), (1280, 720), (1920, 1080), (848, 480), (640, 360), (1024, 768))
_SIZES_PORT = ((480, 640), (720, 1280), (1080, 1920), (480, 848))


@dataclass
class _Camera:
    kind: str
    W: int
    H: int
    hfov: float
    f: float
    cx: float
    cy: float
    k1: float
    pos: np.ndarray
    R: np.ndarray
    pitch: float
    yaw: float
    roll: float
    mirrored: bool
    fps: float
    irregular: bool
    exposure: float

    @property
    def sx(self):
        return -1.0 if self.mirrored else 1.0


def _make_camera(rng, person, dist, x0, safe):
    kind = "robot" if rng.random() < 0.65 else "wall"
    sizes = _SIZES_PORT if rng.random() < 0.3 else _SIZES_LAND
    W, H = sizes[int(rng.integers(len(sizes)))]
    hfov = rng.uniform(50, 90) if kind == "robot" else rng.uniform(60, 105)
    if W < H:
        hfov = min(hfov, 80.0)
    if safe:
        hfov = max(hfov, 65.0)
    # nobody installs a lens so wide that a person at the working distance has a hand of a few pixels
    hfov = min(hfov, max(40.0, 2.0 * math.degrees(math.atan(0.5 * person.hand_len / (0.032 * dist)))))
    f = (W / 2.0) / math.tan(math.radians(hfov) / 2.0)
    k1 = -rng.uniform(0.0, 0.12) * np.clip((hfov - 50.0) / 60.0, 0.0, 1.0)
    height = rng.uniform(0.45, 1.3) if kind == "robot" else rng.uniform(1.9, 2.6)
    aim_h = person.shoulder_h - rng.uniform(0.0, 0.25)
    pitch = math.atan2(aim_h - height, dist) + math.radians(rng.normal(0, 3.0))
    yaw = math.atan2(x0, dist) + math.radians(rng.normal(0, 3.0))
    roll = math.radians(rng.normal(0, 3.0 if kind == "robot" else 5.0))
    fps = float(rng.choice([30.0, 30.0, 30.0, 30.0, 25.0, 24.0, 20.0, 15.0, 15.0, 12.0, 10.0]))
    cp, sp = math.cos(pitch), math.sin(pitch)
    fw = np.array([math.sin(yaw) * cp, sp, -math.cos(yaw) * cp])
    r = _unit(np.cross(fw, [0.0, 1.0, 0.0]))
    d = np.cross(fw, r)
    cr, sr = math.cos(roll), math.sin(roll)
    R = np.stack([cr * r + sr * d, -sr * r + cr * d, fw])
    return _Camera(
        kind=kind,
        W=int(W),
        H=int(H),
        hfov=float(hfov),
        f=float(f),
        cx=W / 2.0 + rng.normal(0, 0.01 * W),
        cy=H / 2.0 + rng.normal(0, 0.01 * H),
        k1=float(k1),
        pos=np.array([0.0, height, 0.0]),
        R=R,
        pitch=float(pitch),
        yaw=float(yaw),
        roll=float(roll),
        mirrored=bool(rng.random() < 0.3),
        fps=fps,
        irregular=bool(rng.random() < 0.3),
        exposure=float(min(math.exp(rng.uniform(math.log(1 / 250), math.log(1 / 25))), 1.0 / fps)),
    )


def _project(cam, pw):
    """World points (..., 3) -> normalised image x, y and camera depth."""
    pc = (pw - cam.pos) @ cam.R.T
    zc = np.maximum(pc[..., 2], 0.05)
    xn, yn = pc[..., 0] / zc, pc[..., 1] / zc
    r2 = xn**2 + yn**2
    if cam.k1 < 0:  # keep the barrel model monotonic far outside the picture
        r2 = np.minimum(r2, 0.3 / -cam.k1)
    fac = 1.0 + cam.k1 * r2
    x = (cam.f * xn * fac + cam.cx) / cam.W
    y = (cam.f * yn * fac + cam.cy) / cam.H
    if cam.mirrored:
        x = 1.0 - x
    return x, y, zc


# --------------------------------------------------------------------------------------------------
# planning of one clip's behaviour


class _Planner:
    def __init__(self, rng, person, cam, dist, x0, safe):
        self.rng = rng
        self.p = person
        self.cam = cam
        self.safe = safe
        self.body = _Track(0.0, [x0, -dist, math.radians(rng.normal(0, 8.0))])
        self.walks = []
        self.ann = []  # dicts: label, t0, t1, hold, style
        self.hand = _Track(0.0, self._initial())

    # small helpers ------------------------------------------------------------
    def U(self, a, b):
        return float(self.rng.uniform(a, b))

    def pick(self, items, p=None):
        if p is not None:
            p = np.asarray(p, float)
            p = p / p.sum()
        return items[int(self.rng.choice(len(items), p=p))]

    def S(self, a, e, r, y, z, pose, occ=0.0, nl=1.0, side=None):
        s = self.p.side if side is None else side
        yv = _unit(np.array([s * y[0], y[1], y[2]], float))
        zv = np.array([s * z[0], z[1], z[2]], float)
        zv = zv - zv.dot(yv) * yv
        if np.linalg.norm(zv) < 1e-3:
            zv = np.cross(yv, [0.0, 1.0, 0.0]) if abs(yv[1]) < 0.9 else np.array([0.0, 0.0, 1.0])
        zv = _unit(zv)
        return np.concatenate([[math.radians(a), math.radians(e), r], yv, zv, pose, [occ, nl]])

    def shape(self, pose, loose=1.0):
        """A gesture hand shape with this person's sloppiness and this instance's variation."""
        p = pose + self.rng.normal(0, 3.0, 20)
        flex = np.ones(20, bool)
        flex[3::4] = False
        flex[16:] = False
        slack = self.p.sloppy * loose * self.rng.uniform(0, 22)
        p[flex] += slack * np.clip(1.0 - pose[flex] / 70.0, 0.0, 1.0)
        return p

    def dist(self):
        return -float(self.body.cur[1])

    def tt(self, s0, s1, base=0.3):
        def cart(s):
            a, e, r = s[_A], s[_E], s[_R]
            return r * np.array([math.cos(e) * math.sin(a), math.sin(e), math.cos(e) * math.cos(a)])

        d = float(np.linalg.norm(cart(s0) - cart(s1)))
        ang = math.acos(float(np.clip(np.dot(_unit(s0[_Y]), _unit(s1[_Y])), -1, 1)))
        return (base + 0.5 * d + 0.1 * ang) * self.p.speed * self.U(0.85, 1.15)

    def go(self, st, dur=None, ov=None, base=0.3, bump=None):
        if dur is None:
            dur = self.tt(self.hand.cur, st, base)
        self.hand.to(dur, st, ov=self.p.overshoot if ov is None else ov, skew=self.p.skew, bump=bump)

    def sync_body(self):
        if self.body.now < self.hand.now:
            self.body.hold(self.hand.now - self.body.now)

    # postures -------------------------------------------------------------------
    def st_rest(self):
        return self.S(self.U(3, 25), self.U(-88, -78), 0.97, (0.05, -1, 0.1), (-1, 0, 0.05), self.shape(P_RELAX, 0))

    def st_talk(self, pose=None):
        pose = self.shape(P_CUP if self.rng.random() < 0.5 else P_RELAX, 0) if pose is None else pose
        return self.S(self.U(-20, 20), self.U(-38, -8), self.U(0.42, 0.65), (-0.35, 0.1, 1), (-0.4, 0.7, 0.1), pose)

    def _initial(self):
        c = self.rng.random()
        if c < 0.35:
            return self.st_rest()
        if c < 0.7:
            return self.st_talk()
        if c < 0.85:
            return self.S(self.U(-35, -20), self.U(-60, -45), 0.6, (-0.7, -0.3, 0.4), (0, -0.2, -1), self.shape(P_RELAX, 0))
        return self.S(self.U(-20, 0), self.U(-30, -15), 0.5, (-0.2, 0.3, 1), (0, 1, 0.2), self.shape(P_PHONE, 0))

    # idle behaviours ---------------------------------------------------------------
    def idle(self, dur):
        t_end = self.hand.now + dur
        while True:
            rem = t_end - self.hand.now
            if rem < 0.35:
                if rem > 0.02:
                    self.hand.hold(rem, nl=1.0)
                break
            names = ["rest", "talk", "face", "head", "phone", "hip", "pocket", "crossed", "wave", "walk", "fidget", "adjust"]
            w = [2.0, 2.5 * (0.5 + self.p.casual), 1.2, 0.4, 0.5, 0.6, 0.5, 0.5, 0.15, 0.0, 0.8, 0.5]
            if rem >= 1.5 and not self.safe:
                w[9] = 0.7
            name = self.pick(names, w)
            getattr(self, "i_" + name)(min(rem, self.U(0.8, 4.0)))
        self.sync_body()

    def _settle(self, st, rem, base=0.3):
        """Move to a posture within the budget; return the time left afterwards."""
        d = self.tt(self.hand.cur, st, base)
        d = min(d, 0.75 * rem)
        self.go(st, d)
        return rem - d

    def i_rest(self, rem):
        left = self._settle(self.st_rest(), rem)
        if left > 0.02:
            self.hand.hold(left, nl=1.0)

    def i_talk(self, rem):
        left = self._settle(self.st_talk(), rem)
        base = self.hand.cur
        while left > 0.2:
            dt = min(left, self.U(0.22, 0.7))
            st = base.copy()
            if self.rng.random() < 0.2:  # presenting: palm up, moving outward
                st = self.S(
                    math.degrees(base[_A]) + self.U(15, 35),
                    math.degrees(base[_E]) + self.U(-5, 10),
                    base[_R] + 0.08,
                    (0.2, 0.2, 1),
                    (0.1, 1, 0),
                    self.shape(P_CUP, 0),
                )
            else:
                st[_A] += math.radians(self.U(-8, 8))
                st[_E] += math.radians(self.U(-7, 7))
                st[_R] += self.U(-0.05, 0.05)
                st[_P] = self.shape(self.pick([P_CUP, P_RELAX, P_OPEN, P_LFIST]), 0)
            self.go(st, dt, ov=0.0)
            left -= dt

    def _face_state(self, where):
        if where == "chin":
            return self.S(self.U(-65, -45), self.U(35, 50), self.U(0.36, 0.45), (-0.3, 0.8, -0.2), (-0.4, 0, -0.9), self.shape(P_LFIST, 0))
        if where == "cheek":
            return self.S(self.U(-50, -30), self.U(45, 60), self.U(0.4, 0.5), (-0.2, 0.9, -0.3), (-0.6, 0, -0.8), self.shape(P_RELAX, 0))
        if where == "glasses":
            return self.S(self.U(-60, -45), self.U(58, 70), self.U(0.45, 0.55), (-0.4, 0.85, -0.2), (-0.3, 0, -1), self.shape(P_PINCH, 0))
        return self.S(self.U(-20, 5), self.U(65, 80), self.U(0.55, 0.65), (-0.5, 0.4, -0.6), (-0.6, -0.5, -0.4), self.shape(P_CLAW, 0))

    def _fidget_fingers(self, left, f_lo, f_hi, amp):
        base = self.hand.cur
        while left > 0.08:
            dt = min(left, 0.5 / self.U(f_lo, f_hi))
            st = base.copy()
            st[_P] = base[_P] + amp * self.rng.uniform(-1, 1) * np.where(np.arange(20) % 4 == 3, 0.1, 1.0)
            st[_P][16:] = base[_P][16:]
            self.go(st, dt, ov=0.0)
            left -= dt

    def i_face(self, rem):
        left = self._settle(self._face_state(self.pick(["chin", "cheek", "glasses"])), rem)
        if self.rng.random() < 0.5:
            self._fidget_fingers(left, 3.0, 6.0, 18.0)
        elif left > 0.02:
            self.hand.hold(left, nl=1.0)

    def i_head(self, rem):
        left = self._settle(self._face_state("head"), rem)
        self._fidget_fingers(left, 3.0, 5.0, 25.0)

    def i_phone(self, rem):
        left = self._settle(
            self.S(self.U(-20, 0), self.U(-30, -15), self.U(0.45, 0.55), (-0.2, 0.3, 1), (0, 1, 0.2), self.shape(P_PHONE, 0)), rem
        )
        base = self.hand.cur
        while left > 0.1:
            dt = min(left, self.U(0.15, 0.4))
            st = base.copy()
            st[9 + 18] += self.U(-20, 25)
            st[9 + 19] += self.U(-15, 20)
            self.go(st, dt, ov=0.0)
            left -= dt

    def i_hip(self, rem):
        left = self._settle(
            self.S(self.U(60, 95), self.U(-58, -42), self.U(0.5, 0.62), (0.1, -0.7, 0.6), (-1, 0, 0), self.shape(P_FLAT, 0)), rem
        )
        if left > 0.02:
            self.hand.hold(left, nl=1.0)

    def i_pocket(self, rem):
        st = self.S(self.U(10, 30), self.U(-80, -70), 0.82, (0, -1, 0.2), (-1, 0, 0), self.shape(P_LFIST, 0), occ=1.0)
        left = self._settle(st, rem)
        if left > 0.02:
            self.hand.hold(left)

    def i_crossed(self, rem):
        occ = 1.0 if self.rng.random() < 0.6 else 0.0
        st = self.S(self.U(-95, -75), self.U(-25, -10), self.U(0.4, 0.5), (-1, 0.2, -0.1), (0, 0, -1), self.shape(P_RELAX, 0), occ=occ)
        left = self._settle(st, rem)
        if left > 0.02:
            self.hand.hold(left)

    def i_fidget(self, rem):
        st = self.S(self.U(-40, -20), self.U(-60, -40), self.U(0.55, 0.65), (-0.8, -0.2, 0.5), (0, -0.3, -1), self.shape(P_RELAX, 0))
        left = self._settle(st, rem)
        self._fidget_fingers(left, 1.0, 3.0, 20.0)

    def i_adjust(self, rem):
        st = self.S(self.U(-60, -35), self.U(-5, 20), self.U(0.3, 0.4), (-0.6, 0.6, 0), (0, 0, -1), self.shape(P_PINCH, 0))
        left = self._settle(st, rem)
        if left > 0.3:
            d = min(left, self.U(0.3, 0.8))
            st2 = st.copy()
            st2[_E] -= math.radians(self.U(10, 25))
            self.go(st2, d, ov=0.0)
            left -= d
        if left > 0.02:
            self.hand.hold(left)

    def i_wave(self, rem):
        """A hello wave: not in the vocabulary, so not labelled."""
        st = self.S(self.U(15, 40), self.U(5, 30), self.U(0.45, 0.6), (0.1, 1, 0.1), (0, 0, 1), self.shape(P_OPEN, 0.5))
        left = self._settle(st, rem)
        k = 0
        f = self.U(2.0, 3.5)
        while left > 0.5 / f:
            s2 = st.copy()
            sgn = 1 if k % 2 == 0 else -1
            s2[_Y] = _unit(st[_Y] + sgn * self.U(0.25, 0.5) * np.array([1.0, 0.0, 0.0]))
            s2[_A] += math.radians(sgn * self.U(2, 8))
            self.go(s2, 0.5 / f, ov=0.0)
            left -= 0.5 / f
            k += 1
        if left > 0.02:
            self.hand.hold(left)

    def i_walk(self, rem):
        if rem < 1.4 or self.safe:
            self.i_rest(rem)
            return
        x, z, yaw = self.body.cur
        D = -z
        mode = self.pick(["closer", "away", "side"], [0.45, 0.3, 0.25])
        if mode == "closer":
            Dn = self.U(0.7, 1.2) if D > 1.6 else D * self.U(0.6, 0.9)
        elif mode == "away":
            Dn = D * self.U(1.2, 1.8)
        else:
            Dn = D + self.U(-0.3, 0.3)
        Dn = float(np.clip(Dn, 0.7, 4.2))
        hw = Dn * math.tan(math.radians(self.cam.hfov) / 2.0)
        xc = Dn * math.tan(self.cam.yaw)
        lim = 0.95 if self.rng.random() < 0.12 else 0.45
        xn = float(np.clip(x + (self.U(-0.9, 0.9) if mode == "side" else self.U(-0.2, 0.2)), xc - lim * hw, xc + lim * hw))
        self.walk_to(xn, Dn, rem)

    def walk_to(self, xn, Dn, rem=None):
        x, z, yaw = self.body.cur
        dist = math.hypot(xn - x, -Dn - z)
        dur = dist / self.U(0.5, 1.0) + 0.6
        if rem is not None:
            dur = min(dur, rem)
        t0 = self.hand.now
        self.sync_body()
        self.body.to(dur, [xn, -Dn, math.radians(self.rng.normal(0, 8.0))], skew=1.0)
        step_f = self.U(1.6, 2.1)
        self.walks.append((t0, t0 + dur, step_f, self.U(0.012, 0.03)))
        # arm swing with the stride
        rest = self.st_rest()
        d0 = min(0.4, 0.3 * dur)
        self.go(rest, d0)
        left = dur - d0
        k = 0
        amp = self.U(8, 20)
        while left > 0.02:
            dt = min(left, 1.0 / step_f)
            st = rest.copy()
            st[_E] = math.radians(-90 + (amp if k % 2 == 0 else -amp))
            self.go(st, dt, ov=0.0)
            left -= dt
            k += 1
        self.sync_body()

    # gestures ----------------------------------------------------------------------
    def pre_gesture(self):
        """Bring the body into a place where the gesture can be seen, and the hand out of hiding."""
        x, z, yaw = self.body.cur
        D = -z
        hw = D * math.tan(math.radians(self.cam.hfov) / 2.0)
        xc = D * math.tan(self.cam.yaw)
        if D < 0.85 or D > 4.1 or abs(x - xc) > 0.5 * hw:
            Dn = float(np.clip(D, 1.1, 3.8))
            hwn = Dn * math.tan(math.radians(self.cam.hfov) / 2.0)
            xcn = Dn * math.tan(self.cam.yaw)
            self.walk_to(xcn + self.U(-0.25, 0.25) * hwn, Dn)
        if self.hand.cur[_OCC] > 0.01:
            self.go(self.st_talk())
        self.sync_body()

    def closeness(self):
        return float(np.clip((self.dist() - 0.5) / 1.5, 0.45, 1.0))

    def annotate(self, label, t0, t1, style, hold=None, direction=None):
        self.ann.append({"label": label, "t0": t0, "t1": t1, "style": style, "hold": hold, "dir": direction})

    def g_point(self):
        rng = self.rng
        p = self.p
        shape = self.pick(["index", "thumb_out", "loose", "whole"], [0.5, 0.15, 0.25, 0.1 if p.point_pref == "index" else 0.3])
        style = self.pick(["reach", "held"])
        m = rng.random()
        if m < 0.45:
            alpha = self.pick([0.0, 180.0]) + rng.normal(0, 25)
        elif m < 0.65:
            alpha = 270.0 + rng.normal(0, 30)
        elif m < 0.85:
            alpha = self.pick([45.0, 135.0, 90.0]) + rng.normal(0, 20)
        else:
            alpha = self.U(0, 360)
        al = math.radians(alpha)
        out = p.side * math.cos(al) * self.cam.sx
        pd = _unit(np.array([out, math.sin(al), self.U(0.1, 0.5)]))
        wd = _unit(pd * 0.75 + np.array([0.0, -0.25, 0.45]))
        a = float(np.clip(math.degrees(math.atan2(wd[0], wd[2])), -70, 110))
        e = float(np.clip(math.degrees(math.asin(wd[1])), -65, 65))
        r = self.U(0.72, 0.95) if style == "reach" else self.U(0.45, 0.7)
        if shape == "whole":
            zpref = (-1.0, 0.0, 0.0)
        elif abs(pd[1]) < 0.7:
            zpref = (self.U(-0.6, 0.0), -1.0, 0.0)
        else:
            zpref = (-1.0, 0.0, self.U(-0.2, 0.5) * np.sign(pd[1]))
        pose = {"index": P_POINT, "thumb_out": P_POINT_T, "loose": P_POINT_LOOSE, "whole": P_FLAT}[shape]
        fin = self.S(a, e, r, pd, zpref, self.shape(pose, 0.4), nl=0.25)
        self.pre_gesture()
        if style == "reach":
            t0 = self.hand.now + self.U(0.0, 0.06)
            d = min(self.tt(self.hand.cur, fin, 0.35), 1.3)
            self.go(fin, d)
        else:
            near = fin.copy()
            near[_P] = self.shape(P_RELAX, 0)
            near[_NL] = 0.6
            self.go(near)
            self.hand.hold(self.U(0.0, 0.3), nl=0.5)
            t0 = self.hand.now
            self.go(fin, self.U(0.15, 0.35) * p.speed, ov=0.0)
        h0 = self.hand.now
        hold = self.U(0.5, 1.6) * (1.2 if style == "held" else 1.0)
        hold = min(hold, MAX_GESTURE_S - 0.05 - (h0 - t0))
        hold = max(hold, MIN_GESTURE_S - (h0 - t0), 0.35)
        self.hand.hold(hold, nl=0.25)
        self.annotate("point", t0, self.hand.now, f"{style}/{shape}", hold=(h0 + 0.05, self.hand.now))

    def g_swipe(self, label):
        p = self.p
        style = self.pick(["arm", "forearm", "flick", "lazy"], [0.4, 0.3, 0.15, 0.15])
        amp_s = p.amp * self.closeness() * (1.0 - 0.25 * p.casual)
        r = {"arm": self.U(0.7, 0.92), "forearm": self.U(0.5, 0.7), "flick": self.U(0.5, 0.75), "lazy": self.U(0.45, 0.7)}[style]
        pose = self.shape(self.pick([P_FLAT, P_RELAX, P_OPEN, P_CUP]), 0.7)
        if label in ("swipe_left", "swipe_right"):
            dxw = (1.0 if label == "swipe_right" else -1.0) * self.cam.sx
            sgn = p.side * dxw
            amp = {"arm": self.U(55, 110), "forearm": self.U(38, 65), "flick": self.U(28, 45), "lazy": self.U(28, 50)}[style] * amp_s
            ac = self.U(-10, 25)
            a0 = float(np.clip(ac - sgn * amp / 2, -75, 115))
            a1 = float(np.clip(ac + sgn * amp / 2, -75, 115))
            ec = self.U(-12, 18) if style == "arm" else self.U(-30, 5)
            e0, e1 = ec + self.U(-5, 5), ec + self.U(-8, 8)
            orient = self.pick(["palm_lead", "back_lead", "palm_down", "palm_cam"], [0.4, 0.2, 0.2, 0.2])
            if orient in ("palm_lead", "back_lead"):
                mo = sgn if orient == "palm_lead" else -sgn
                z = (mo, 0.0, 0.25)
                y0, y1 = (-0.35 * sgn, 0.75, 0.6), (0.35 * sgn, 0.75, 0.6)
            elif orient == "palm_down":
                z = (0.0, -1.0, 0.0)
                y0, y1 = (-0.3 * sgn, 0.1, 1.0), (0.3 * sgn, 0.1, 1.0)
            else:
                z = (0.0, 0.0, 1.0)
                y0, y1 = (-0.3 * sgn, 1.0, 0.1), (0.3 * sgn, 1.0, 0.1)
            s0 = self.S(a0, e0, r, y0, z, pose, nl=0.5)
            s1 = self.S(a1, e1, r, y1, z, pose, nl=0.6)
            bump = np.zeros(_NSTATE)
            bump[_E] = math.radians(self.U(0, 10))
            bump[_R] = self.U(0.0, 0.06)
        else:
            up = label == "swipe_up"
            amp = {"arm": self.U(50, 90), "forearm": self.U(35, 60), "flick": self.U(28, 40), "lazy": self.U(28, 45)}[style] * amp_s
            ec = self.U(-5, 20)
            sg = 1.0 if up else -1.0
            e0 = float(np.clip(ec - sg * amp / 2, -65, 80))
            e1 = float(np.clip(ec + sg * amp / 2, -65, 80))
            a = self.U(-5, 25)
            orient = self.pick(["palm_move", "palm_cam", "back"], [0.5, 0.3, 0.2])
            if orient == "palm_move":
                z = (0.0, sg, 0.1)
                y0, y1 = (0.0, -0.3 * sg, 1.0), (0.0, 0.3 * sg, 1.0)
            elif orient == "palm_cam":
                z = (0.0, 0.0, 1.0)
                y0, y1 = (0.0, 1.0, -0.3 * sg), (0.0, 1.0, 0.3 * sg)
            else:
                z = (0.0, -sg, 0.1)
                y0, y1 = (0.0, -0.3 * sg, 1.0), (0.0, 0.3 * sg, 1.0)
            s0 = self.S(a + self.U(-4, 4), e0, r, y0, z, pose, nl=0.5)
            s1 = self.S(a + self.U(-6, 6), e1, r + self.U(-0.05, 0.05), y1, z, pose, nl=0.6)
            bump = np.zeros(_NSTATE)
            bump[_R] = self.U(0.0, 0.08)
            bump[_A] = math.radians(self.U(-6, 6))
        self.pre_gesture()
        self.go(s0)
        stroke = {"arm": self.U(0.35, 0.8), "forearm": self.U(0.25, 0.5), "flick": self.U(0.15, 0.3), "lazy": self.U(0.6, 1.1)}[
            style
        ] * p.speed
        pre = self.U(0.05, 0.25)
        post = self.U(0.03, 0.15)
        need = (0.34 if style == "flick" else MIN_GESTURE_S) - (pre + stroke + post)
        if need > 0:
            pre += need * 0.6
            post += need * 0.4
        t0 = self.hand.now
        self.hand.hold(pre, nl=0.4)
        self.go(s1, stroke, ov=min(p.overshoot, 0.12), bump=bump)
        self.hand.hold(post, nl=0.6)
        self.annotate(label, t0, self.hand.now, f"{style}/{orient}")

    def g_grab(self):
        p = self.p
        style = self.pick(["front", "down", "side"], [0.5, 0.25, 0.25])
        a, e, r = self.U(-10, 25), self.U(-20, 15), self.U(0.55, 0.88)
        y, z = {"front": ((0, 0.85, 0.5), (0, 0.05, 1)), "down": ((0, -0.2, 1), (0, -1, 0.1)), "side": ((0, 0.3, 1), (-1, 0, 0.1))}[style]
        opn = self.shape(P_OPEN, 0.3)
        fist = self.shape(P_LFIST if self.rng.random() < 0.3 + 0.4 * p.sloppy else P_FIST, 0.0)
        lag = np.array([0.35, 0.5, 0.62, 0.75])
        mix = np.concatenate([np.repeat(lag, 4), [0.3] * 4]) + self.rng.normal(0, 0.05, 20)
        mid = opn + np.clip(mix, 0, 1) * (fist - opn)
        self.pre_gesture()
        self.go(self.S(a, e, r - 0.05, y, z, self.shape(P_RELAX, 0), nl=0.6))
        t0 = self.hand.now
        self.go(self.S(a, e, r, y, z, opn, nl=0.4), self.U(0.15, 0.35) * p.speed, ov=0.0)
        self.hand.hold(self.U(0.05, 0.3), nl=0.35)
        self.go(self.S(a, e, r, y, z, mid, nl=0.4), self.U(0.1, 0.25) * p.speed, ov=0.0)
        self.go(self.S(a, e + self.U(-3, 3), r, y, z, fist, nl=0.4), self.U(0.1, 0.3) * p.speed, ov=0.0)
        self.hand.hold(self.U(0.1, 0.4), nl=0.4)
        if self.rng.random() < 0.4:
            self.go(self.S(a, e + self.U(-5, 5), r - self.U(0.12, 0.25), y, z, fist, nl=0.5), self.U(0.2, 0.4) * p.speed)
        self.annotate("grab", t0, self.hand.now, style)

    def g_come(self):
        p = self.p
        pr = {"palm_up": 0.33, "palm_down": 0.32, "arm": 0.2, "index": 0.15}
        pr[p.beckon] += 0.35
        style = self.pick(list(pr), list(pr.values()))
        f = self.U(0.8, 1.5) if style == "arm" else self.U(1.5, 3.0)
        f /= math.sqrt(p.speed)
        n = int(self.rng.integers(2, 4 if style == "arm" else 5))
        n = max(2, min(n, int(2.6 * f)))
        a = self.U(-5, 20)
        if style == "palm_up":
            e, r = self.U(-25, 0), self.U(0.55, 0.8)
            y, z = (-0.2, 0.2, 1), (0, 1, 0)
            opn = self.shape(P_CUP, 0.3)
            cls = self.shape(P_CURL, 0)
            open_s, close_s = self.S(a, e, r, y, z, opn, nl=0.5), self.S(a, e, r - 0.03, (-0.2, 0.35, 1), z, cls, nl=0.5)
        elif style == "palm_down":
            e, r = self.U(-10, 18), self.U(0.6, 0.9)
            opn = self.shape(P_FLAT, 0.3)
            cls = opn.copy()
            cls[0:16:4] += self.U(50, 75)
            cls[1:16:4] += self.U(25, 50)
            open_s = self.S(a, e, r, (0, 0.35, 1), (0, -1, 0.35), opn, nl=0.5)
            close_s = self.S(a, e - 3, r - 0.02, (0, -0.55, 0.85), (0, -0.7, -0.5), cls, nl=0.5)
        elif style == "arm":
            e = self.U(-15, 10)
            opn = self.shape(P_OPEN, 0.3)
            cls = 0.5 * (opn + self.shape(P_CURL, 0))
            open_s = self.S(a, e, self.U(0.78, 0.92), (0, 0.9, 0.4), (0, 0.2, -1), opn, nl=0.5)
            close_s = self.S(a - 5, e + self.U(5, 15), self.U(0.45, 0.55), (0, 0.95, -0.2), (0, -0.1, -1), cls, nl=0.5)
        else:
            e, r = self.U(-20, 5), self.U(0.55, 0.8)
            y, z = (-0.2, 0.2, 1), (0, 1, 0)
            open_s = self.S(a, e, r, y, z, self.shape(P_POINT, 0.2), nl=0.5)
            close_s = self.S(a, e, r, y, z, self.shape(P_HOOK, 0), nl=0.5)
        self.pre_gesture()
        start = close_s.copy()
        start[_P] = self.shape(P_RELAX, 0)
        start[_NL] = 0.6
        self.go(start)
        t0 = self.hand.now
        self.go(open_s, self.U(0.15, 0.3) * p.speed, ov=0.0)
        for _ in range(n):
            k = self.U(0.7, 1.1)
            self.go(open_s + k * (close_s - open_s), 0.5 / f * self.U(0.85, 1.15), ov=0.0)
            self.go(open_s + self.U(0.0, 0.15) * (close_s - open_s), 0.5 / f * self.U(0.85, 1.15), ov=0.0)
        self.annotate("come_here", t0, self.hand.now, style)

    def g_stop(self):
        p = self.p
        style = self.pick(["shoulder", "extended", "push"], [0.5, 0.3, 0.2])
        pose = self.shape(P_FLAT if self.rng.random() < 0.6 else P_OPEN, 0.5)
        pose[0:16:4] -= self.U(0, 12) * (1 - p.sloppy)  # hyperextended knuckles in a firm stop
        if style == "shoulder":
            fin = self.S(self.U(15, 45), self.U(-15, 10), self.U(0.35, 0.55), (0.05, 1, 0.15), (0, 0.05, 1), pose, nl=0.2)
        else:
            fin = self.S(self.U(-5, 20), self.U(-5, 18), self.U(0.78, 0.95), (0, 1, 0.2), (0, -0.1, 1), pose, nl=0.2)
        self.pre_gesture()
        if style == "push":
            pre = fin.copy()
            pre[_R] -= self.U(0.25, 0.35)
            pre[_NL] = 0.5
            self.go(pre)
            t0 = self.hand.now - self.U(0.0, 0.1)
            self.go(fin, self.U(0.2, 0.35) * p.speed, ov=self.U(0.1, 0.3))
        else:
            before = self.hand.now
            d = self.tt(self.hand.cur, fin, 0.3)
            self.go(fin, d)
            t0 = before + self.U(0.45, 0.85) * d
        h0 = self.hand.now
        hold = float(np.clip(self.U(0.5, 2.0), MIN_GESTURE_S - (h0 - t0) + 0.05, MAX_GESTURE_S - 0.05 - (h0 - t0)))
        self.hand.hold(max(hold, 0.3), nl=0.2)
        self.annotate("stop", t0, self.hand.now, style)

    def gesture(self, label):
        if label == "point":
            self.g_point()
        elif label in _SWIPES:
            self.g_swipe(label)
        elif label == "grab":
            self.g_grab()
        elif label == "come_here":
            self.g_come()
        else:
            self.g_stop()
        self.sync_body()

    # rendering ----------------------------------------------------------------------
    def plan_other(self, t_end):
        """The other hand idles on its own: hanging, on the hip, in a pocket, folded or holding a phone."""
        side = -self.p.side

        def posture():
            c = self.pick(["rest", "hip", "pocket", "crossed", "clasp", "phone"], [3.0, 1.0, 1.0, 0.7, 1.0, 0.5])
            if c == "rest":
                return self.S(self.U(3, 25), self.U(-88, -78), 0.97, (0.05, -1, 0.1), (-1, 0, 0.05), self.shape(P_RELAX, 0), side=side)
            if c == "hip":
                return self.S(
                    self.U(60, 95), self.U(-58, -42), self.U(0.5, 0.62), (0.1, -0.7, 0.6), (-1, 0, 0), self.shape(P_FLAT, 0), side=side
                )
            if c == "pocket":
                return self.S(self.U(10, 30), self.U(-80, -70), 0.82, (0, -1, 0.2), (-1, 0, 0), self.shape(P_LFIST, 0), occ=1.0, side=side)
            if c == "crossed":
                occ = float(self.rng.random() < 0.6)
                return self.S(
                    self.U(-95, -75), self.U(-25, -10), 0.45, (-1, 0.2, -0.1), (0, 0, -1), self.shape(P_RELAX, 0), occ=occ, side=side
                )
            if c == "clasp":
                return self.S(self.U(-35, -20), self.U(-60, -45), 0.6, (-0.7, -0.3, 0.4), (0, -0.2, -1), self.shape(P_RELAX, 0), side=side)
            return self.S(self.U(-20, 0), self.U(-30, -15), 0.5, (-0.2, 0.3, 1), (0, 1, 0.2), self.shape(P_PHONE, 0), side=side)

        tr = _Track(0.0, posture())
        while tr.now < t_end:
            tr.hold(self.U(1.0, 5.0))
            tr.to(self.U(0.4, 0.9) * self.p.speed, posture())
        return tr

    def _hand_world(self, hs, side, body):
        """World landmarks (n, 21, 3) and world palm normals of one hand from its state track."""
        rng, p = self.rng, self.p
        n = hs.shape[0]
        nl = np.clip(hs[:, _NL], 0.1, 1.2)
        npos = _smooth_noise(rng, n, 3, self.U(0.3, 0.8))
        hs[:, _A] += nl * math.radians(2.0 * p.drift) * npos[:, 0]
        hs[:, _E] += nl * math.radians(1.8 * p.drift) * npos[:, 1]
        hs[:, _R] += nl * 0.018 * p.drift * npos[:, 2]
        hs[:, 3:9] += nl[:, None] * 0.05 * _smooth_noise(rng, n, 6, 0.8)
        hs[:, _P] += (1.0 + 2.0 * nl)[:, None] * 2.0 * _smooth_noise(rng, n, 20, 1.0) + p.habit
        flexmask = np.ones(20, bool)
        flexmask[3::4] = False
        hs[:, _P][:, flexmask] = np.clip(hs[:, _P][:, flexmask], -25, 110)
        yv = _unit(hs[:, _Y])
        zv = _unit(hs[:, _Z] - np.sum(hs[:, _Z] * yv, -1, keepdims=True) * yv)
        rot = np.stack([np.cross(yv, zv), yv, zv], -1)  # columns: local axes in the body frame
        local = _fk(p.geom, hs[:, _P]) * p.hand_len
        if side > 0:
            local[..., 0] *= -1.0
        a, e, r = hs[:, _A], hs[:, _E], np.clip(hs[:, _R], 0.15, 1.0)
        sh = np.stack([np.full(n, side * p.shoulder_half), p.shoulder_h + 0.05 * np.clip(np.sin(e), 0, 1) * p.arm_len, np.zeros(n)], -1)
        L = r * p.arm_len
        wrist = sh + np.stack([side * L * np.cos(e) * np.sin(a), L * np.sin(e), L * np.cos(e) * np.cos(a)], -1)
        lm = wrist[:, None, :] + np.einsum("tij,tkj->tki", rot, local)
        to_world, off = body
        tremor = p.tremor * _smooth_noise(rng, n, 3, 9.0) * (0.5 + nl)[:, None]
        return to_world(lm) + (off + tremor)[:, None, :], to_world(zv[:, None, :])[:, 0]

    def _view(self, lmw, nw, occ):
        cam = self.cam
        x, y, zc = _project(cam, lmw)
        zmp = (zc - zc[:, :1]) * cam.f / (cam.W * zc[:, :1])
        out = np.stack([x, y, zmp], -1)
        facing = np.sum(nw * _unit(cam.pos[None, :] - lmw[:, 0]), -1)
        inside = np.mean((x >= 0) & (x <= 1) & (y >= 0) & (y <= 1), axis=1)
        visible = (inside >= 0.6) & ~occ & (zc.min(axis=1) > 0.12)
        return out, visible, zc, facing

    def render(self, n):
        """Clean 30 fps views (landmarks, visibility, camera depth, palm facing) of the gesturing and the other hand."""
        rng, p = self.rng, self.p
        t = np.arange(n) / FPS
        self.sync_body()
        hs = self.hand.eval(t)
        ho = self.plan_other(t[-1] + 0.1).eval(t)
        bs = self.body.eval(t)
        # body: yaw, position, sway and walking
        yaw = bs[:, 2] + math.radians(2.5) * _smooth_noise(rng, n, 1, 0.3)[:, 0]
        sway = _smooth_noise(rng, n, 3, self.U(0.15, 0.4)) * np.array([p.sway, 0.25 * p.sway, p.sway])
        bob = np.zeros(n)
        lat = np.zeros(n)
        for t0, t1, sf, amp in self.walks:
            w = np.clip(np.minimum(t - t0, t1 - t) / 0.3, 0, 1)
            bob += w * amp * np.cos(2 * np.pi * sf * (t - t0))
            lat += w * 0.02 * np.sin(np.pi * sf * (t - t0))
        cy_, sy_ = np.cos(yaw), np.sin(yaw)

        def to_world(v):
            xw = cy_[:, None] * v[..., 0] + sy_[:, None] * v[..., 2]
            zw = -sy_[:, None] * v[..., 0] + cy_[:, None] * v[..., 2]
            return np.stack([xw, v[..., 1], zw], -1)

        off = np.stack([bs[:, 0] + sway[:, 0] + lat, sway[:, 1] + bob, bs[:, 1] + sway[:, 2]], -1)
        main = self._view(*self._hand_world(hs, p.side, (to_world, off)), hs[:, _OCC] >= 0.5)
        other = self._view(*self._hand_world(ho, -p.side, (to_world, off)), ho[:, _OCC] >= 0.5)
        return main, other


# --------------------------------------------------------------------------------------------------
# tracker


def _hand_cues(clean, vis, cam, dt_cam):
    """Pixel landmarks, size, relative size, wrist displacement and motion blur of one hand per camera frame."""
    J = clean.shape[0]
    WH = np.array([cam.W, cam.H], float)
    px = np.where(vis[:, None, None], clean[..., :2], 0.0) * WH
    size = np.linalg.norm(px.max(axis=1) - px.min(axis=1), axis=-1)
    size = np.where(vis, np.maximum(size, 2.0), 0.0)
    disp = np.zeros(J)
    if J > 1:
        dd = np.linalg.norm(np.diff(px[:, 0], axis=0), axis=-1)
        disp[1:] = np.where(vis[1:] & vis[:-1], dd, 0.0)
    blur = np.clip((disp * cam.exposure / dt_cam / np.maximum(size, 1.0) - 0.12) / 0.5, 0.0, 1.0)
    return {"px": px, "size": size, "rel": size / float(max(cam.W, cam.H)), "disp": disp, "blur": blur}


def _track(rng, hands, cam, dt_cam, in_gesture):
    """Imitate a palm-detector + landmark-model tracker on the camera's own frames.

    hands: [(clean landmarks, visible, palm facing)] per camera frame for the gesturing hand and the other hand.
    The palm detector runs at acquisition and again every few frames; each run picks the most convincing palm,
    which outside gestures may be the other hand. Returns tracked landmarks (J, 21, 3) with NaN on lost frames,
    the lost mask and statistics.
    """
    J = hands[0][0].shape[0]
    WH = np.array([cam.W, cam.H], float)
    big = float(max(cam.W, cam.H))
    cues = [_hand_cues(c, v, cam, dt_cam) for c, v, _ in hands]
    vis = np.stack([v for _, v, _ in hands])
    facing = np.stack([f for _, _, f in hands])
    # tracker personality
    period = int(rng.integers(2, 9))
    det_jump = rng.uniform(0.015, 0.05)
    det_rot = math.radians(rng.uniform(1.5, 5.0))
    det_scale = rng.uniform(0.02, 0.06)
    lm_bias = rng.uniform(0.008, 0.025)
    jit_px = rng.uniform(0.4, 1.5) * big / 640.0
    jit_rel = rng.uniform(0.003, 0.010)
    spd_jit = rng.uniform(0.02, 0.08)
    p_flip = rng.uniform(0.002, 0.025)
    conf_bias = rng.normal(0.0, 0.25)
    p_acq = rng.uniform(0.25, 0.7)
    occl_rate = rng.uniform(0.0, 0.08)
    z_scale = rng.uniform(0.6, 1.2)
    # confidence with a slowly wandering (bursty) component
    q = np.zeros((len(hands), J))
    for h, c in enumerate(cues):
        wander = _smooth_noise(rng, J, 1, 1.0 / (dt_cam * 8.0), fps=1.0 / dt_cam)[:, 0]
        q[h] = conf_bias + 1.5 / (1.0 + np.exp(-(c["rel"] - 0.019) / 0.006)) + 0.4 * np.abs(facing[h]) - 1.1 * c["blur"] + 0.4 * wander
    q[1] -= 0.5  # a hanging or busy hand shows less palm
    if rng.random() < 0.5:  # pipelines that keep only the expected handedness never take the other hand
        q[1] = -9.0
    forced = np.zeros(J, bool)
    t = 0.0
    while occl_rate > 0:
        t += rng.exponential(1.0 / occl_rate)
        j0 = int(t / dt_cam)
        if j0 >= J:
            break
        forced[j0 : j0 + max(1, int(rng.uniform(0.1, 0.8) / dt_cam))] = True
    lost = np.ones(J, bool)
    det_id = np.full(J, -1)
    hand_of = np.zeros(J, int)
    acq = np.zeros(J, bool)
    tracking = False
    cur = 0
    since = 0
    nd = -1
    u = rng.random(J)
    pick_noise = rng.normal(0, 0.3, (J, len(hands)))
    for j in range(J):
        if forced[j]:
            tracking = False
            continue
        if tracking and (not vis[cur, j] or q[cur, j] < 0.55):
            tracking = False
        allowed = (0,) if in_gesture[j] else tuple(range(len(hands)))
        if tracking:
            since += 1
            if cur not in allowed:  # the raised, gesturing hand wins the next detection
                if not (vis[0, j] and q[0, j] > 0.75):
                    tracking = False
                    continue
                cur, since, nd = 0, 0, nd + 1
            elif since >= period:  # fresh detection: stays with this hand unless another is clearly better
                for h in allowed:
                    if h != cur and vis[h, j] and q[h, j] > 0.95 and q[h, j] + pick_noise[j, h] > q[cur, j] + 0.6:
                        cur = h
                since, nd = 0, nd + 1
        else:
            cand = [h for h in allowed if vis[h, j] and q[h, j] > 0.95]
            if not cand or u[j] >= p_acq:
                continue
            cur = max(cand, key=lambda h: q[h, j] + pick_noise[j, h])
            tracking, acq[j], since, nd = True, True, 0, nd + 1
        lost[j] = False
        det_id[j] = nd
        hand_of[j] = cur
    ndet = nd + 1
    out = np.full((J, 21, 3), np.nan)
    stats = {"detections": int(ndet), "flips": 0, "redetect_every": period, "other_hand_frames": int(np.sum(~lost & (hand_of == 1)))}
    if ndet == 0:
        return out, lost, stats
    ok = ~lost
    hid = hand_of[ok]
    jj = np.nonzero(ok)[0]
    px = np.stack([c["px"] for c in cues])[hid, jj]
    size = np.stack([c["size"] for c in cues])[hid, jj]
    disp = np.stack([c["disp"] for c in cues])[hid, jj]
    blur = np.stack([c["blur"] for c in cues])[hid, jj]
    rel = size / big
    face = facing[hid, jj]
    zcl = np.stack([c for c, _, _ in hands])[hid, jj][..., 2]
    # per-detection errors
    shift = rng.normal(0, det_jump, (ndet, 2))
    rot = rng.normal(0, det_rot, ndet)
    scl = np.exp(rng.normal(0, det_scale, ndet))
    bias = rng.normal(0, lm_bias, (ndet, 21, 2))
    bias[:, 4::4] *= 1.5
    zb = rng.normal(0, 0.01, (ndet, 21))
    did = det_id[ok]
    P = px.copy()
    S = size[:, None]
    cen = np.mean(P, axis=1, keepdims=True)
    rel_p = (P - cen) * scl[did][:, None, None]
    c, s = np.cos(rot[did])[:, None], np.sin(rot[did])[:, None]
    rel_p = np.stack([c * rel_p[..., 0] - s * rel_p[..., 1], s * rel_p[..., 0] + c * rel_p[..., 1]], -1)
    drift = _smooth_noise(rng, J, 2, 1.5 / (dt_cam * 30.0) + 0.3, fps=1.0 / dt_cam)[ok] * det_jump * 0.4
    P = cen + rel_p + (shift[did] + drift)[:, None, :] * S[:, :, None] + bias[did] * S[:, :, None]
    # motion blur shortens the fingers; small hands scramble them
    bl = blur[:, None, None]
    for f in range(4):
        base = P[:, 5 + 4 * f : 6 + 4 * f]
        seg = P[:, 6 + 4 * f : 9 + 4 * f]
        P[:, 6 + 4 * f : 9 + 4 * f] = base + (seg - base) * (1.0 - 0.35 * bl)
    small = np.clip((0.05 - rel) / 0.05, 0, 1)[:, None, None]
    fmask = np.zeros((1, 21, 1))
    fmask[0, 2:] = 1.0
    P += small * fmask * S[:, :, None] * rng.normal(0, 0.04, P.shape)
    sig = jit_px + jit_rel * S + spd_jit * disp[:, None]
    tipw = np.ones((1, 21, 1))
    tipw[0, _TIPS + (4,)] = 1.4
    P += rng.normal(0, 1.0, P.shape) * sig[:, :, None] * tipw
    # handedness flip: the mirrored hand about the wrist -> middle knuckle axis
    pf = p_flip * (1.0 + 2.0 * (1.0 - np.clip(np.abs(face), 0, 1)))
    flip_det = np.zeros(ndet, bool)
    first = np.unique(did, return_index=True)[1]
    flip_det[did[first]] = rng.random(len(first)) < pf[first]
    fl = flip_det[did]
    if fl.any():
        q0 = P[fl, :1]
        ax = _unit(P[fl, 9:10] - q0)
        dlt = P[fl] - q0
        P[fl] = q0 + 2.0 * np.sum(dlt * ax, -1, keepdims=True) * ax - dlt
    stats["flips"] = int(flip_det.sum())
    Z = zcl * z_scale + zb[did] + rng.normal(0, 1.0, (len(did), 21)) * (2.0 * sig / cam.W)
    Z -= Z[:, :1]  # the model's depths are relative to its own wrist
    res = np.concatenate([P / WH, Z[..., None]], -1)
    # optional One-Euro style smoothing, restarted at each acquisition and change of hand
    if rng.random() < 0.6:
        mincut = rng.uniform(0.8, 3.0)
        beta = rng.uniform(0.3, 3.0)
        idx = np.nonzero(ok)[0]
        sm = res.copy()
        prev = None
        dprev = 0.0
        scale = np.maximum(size / big, 0.02)
        for k, j in enumerate(idx):
            if acq[j] or prev is None or (k > 0 and (idx[k - 1] != j - 1 or hid[k - 1] != hid[k])):
                prev = res[k]
                dprev = 0.0
                continue
            v = float(np.linalg.norm(res[k, 0, :2] - prev[0, :2])) / dt_cam / scale[k]
            dprev = 0.5 * dprev + 0.5 * v
            cut = mincut + beta * dprev
            alpha = 1.0 / (1.0 + 1.0 / (2 * np.pi * cut * dt_cam))
            prev = alpha * res[k] + (1.0 - alpha) * prev
            sm[k] = prev
        res = sm
    out[ok] = res
    return out, lost, stats


# --------------------------------------------------------------------------------------------------
# clip assembly


def _kind_of(seed, i):
    perm = np.random.default_rng([int(seed), int(i) // 20, 9011]).permutation(len(_KIND_BLOCK))
    return _KIND_BLOCK[int(perm[int(i) % 20])]


def _pair(rng):
    first, second = _PAIRS[int(rng.integers(len(_PAIRS)))]
    if second == "swipe":
        second = _SWIPES[int(rng.integers(4))]
    return [first, second]


def _angle_of(vecs):
    """Angle (deg, counter-clockwise) of the mean unit vector of y-up vectors, and that mean's length."""
    u = _unit(vecs)
    m = np.nanmean(u, axis=0)
    return float(math.degrees(math.atan2(m[1], m[0])) % 360.0), float(np.linalg.norm(m))


def _draw_units(rng, kind):
    """The gestures of a clip, drawn once per clip so that re-planning never changes what is performed."""
    if kind in ("tight", "margin"):
        return [[LABELS[int(rng.integers(8))]]]
    if kind == "pair":
        return [_pair(rng)]
    total = int(rng.integers(3, 6))
    units = []
    while sum(len(u) for u in units) < total:
        left = total - sum(len(u) for u in units)
        units.append(_pair(rng) if left >= 2 and rng.random() < 0.4 else [LABELS[int(rng.integers(8))]])
    return units


def _plan(rng, kind, units, safe):
    person = _make_person(rng)
    if safe:
        dist = rng.uniform(1.8, 2.8)
    else:
        c = rng.random()
        dist = rng.uniform(0.9, 1.3) if c < 0.15 else (rng.uniform(2.7, 4.0) if c > 0.8 else rng.uniform(1.3, 2.7))
    x0 = rng.uniform(-0.3, 0.3)
    cam = _make_camera(rng, person, dist, x0, safe)
    pl = _Planner(rng, person, cam, dist, x0, safe)
    idle_scale = 0.6 if safe else 1.0
    if kind == "tight":
        pl.idle(rng.uniform(0.8, 2.0))
        pl.gesture(units[0][0])
        pl.idle(0.5)
    elif kind == "margin":
        pl.idle(rng.uniform(0.3, 3.5) * idle_scale)
        pl.gesture(units[0][0])
        pl.idle(rng.uniform(0.3, 3.0) * idle_scale)
    elif kind == "pair":
        pl.idle(rng.uniform(0.3, 3.0) * idle_scale)
        a, b = units[0]
        pl.gesture(a)
        pl.hand.hold(rng.uniform(0.0, 0.5), nl=0.8)
        pl.gesture(b)
        pl.idle(rng.uniform(0.3, 2.5) * idle_scale)
    else:
        total = sum(len(u) for u in units)
        budget = MAX_CLIP_S - 2.4 * total - 0.5
        gaps = rng.uniform(0.5, 3.0, len(units) + 1) * idle_scale
        gaps *= min(1.0, max(budget, 0.3 * len(gaps)) / gaps.sum())
        pl.idle(max(gaps[0], 0.3))
        for k, u in enumerate(units):
            pl.gesture(u[0])
            if len(u) == 2:
                pl.hand.hold(rng.uniform(0.0, 0.4), nl=0.8)
                pl.gesture(u[1])
            pl.idle(max(gaps[k + 1], 0.3))
    return pl


def _check(clean, gestures, holds, vis, zc):
    """Reject plans whose gestures a viewer of the clean clip could not see as labelled."""
    T = clean.shape[0]
    if T > int(MAX_CLIP_S * FPS) + 1 or T < 10:
        return False
    for (lab, s, e, _), h in zip(gestures, holds):
        if not (0 <= s < e <= T) or e - s < 9:
            return False
        if (e - s) / FPS > MAX_GESTURE_S + 0.05:
            return False
        seg = clean[s:e]
        if not vis[s:e].all() or zc[s:e].min() < 0.2:
            return False
        xy = seg[..., :2]
        if xy.min() < -0.08 or xy.max() > 1.08 or np.mean((xy >= 0) & (xy <= 1)) < 0.95:
            return False
        hand = np.linalg.norm(seg[:, 9, :2] - seg[:, 0, :2], axis=-1)
        hsz = float(np.median(hand))
        if hsz < 0.008:
            return False
        if lab == "point":
            h0, h1 = h
            v = clean[h0:h1, 8, :2] - clean[h0:h1, 5, :2]
            v[:, 1] *= -1
            ln = np.linalg.norm(v, axis=-1)
            if h1 - h0 < 5 or np.median(ln) < 0.45 * hsz or _angle_of(v)[1] < 0.95:
                return False
        elif lab.startswith("swipe"):
            d = seg[-3:, 0, :2].mean(0) - seg[:3, 0, :2].mean(0)
            want = {"swipe_left": (-1, 0), "swipe_right": (1, 0), "swipe_up": (0, -1), "swipe_down": (0, 1)}[lab]
            along = d[0] * want[0] + d[1] * want[1]
            perp = abs(d[0] * want[1] - d[1] * want[0])
            if along < 1.2 * hsz or along < 1.8 * perp:
                return False
        elif lab == "grab":
            tips = np.linalg.norm(seg[:, _TIPS, :2] - seg[:, :1, :2], axis=-1).mean(1) / np.maximum(hand, 1e-6)
            k = max(2, (e - s) // 5)
            if tips[-k:].mean() > 0.75 * tips[:k].max():
                return False
        elif lab == "stop":
            tips = np.linalg.norm(seg[:, _TIPS, :2] - seg[:, :1, :2], axis=-1).mean(1) / np.maximum(hand, 1e-6)
            if np.median(tips[-max(3, (e - s) // 3) :]) < 1.3:
                return False
    return True


def _camera_map(rng, cam, n):
    """Index of the camera frame shown in each 30 fps output frame, and each camera frame's grid sample."""
    dt = 1.0 / cam.fps
    nj = int(n * cam.fps / FPS) + 3
    tj = rng.uniform(0, dt) + np.arange(nj) * dt
    if cam.irregular:
        tj = tj + rng.normal(0, 0.12 * dt, nj)
        tj = np.maximum.accumulate(tj)
    tk = np.arange(n) / FPS + 1e-6
    jk = np.clip(np.searchsorted(tj, tk, side="right") - 1, 0, nj - 1)
    used, inv = np.unique(jk, return_inverse=True)
    grid = np.clip(np.round(tj[used] * FPS).astype(int), 0, n - 1)
    return inv, grid, dt


def _runs(mask):
    out = []
    k = 0
    n = len(mask)
    while k < n:
        if mask[k]:
            j = k
            while j < n and mask[j]:
                j += 1
            out.append([int(k), int(j)])
            k = j
        else:
            k += 1
    return out


def _make_clip(seed, i):
    kind = _kind_of(seed, i)
    units = _draw_units(np.random.default_rng([int(seed), int(i), 11, 99]), kind)
    for attempt in range(12):
        safe = attempt >= 6
        rng = np.random.default_rng([int(seed), int(i), attempt, 11])
        pl = _plan(rng, kind, units, safe)
        t_end = pl.hand.now
        n = int(math.ceil(t_end * FPS)) + 1
        if n > int(MAX_CLIP_S * FPS) + 1 and kind != "tight":
            continue
        (grid_lm, vis, zc, facing), other = pl.render(n)
        inv, grid, dt_cam = _camera_map(rng, pl.cam, n)
        clean_full = np.where(vis[:, None, None], grid_lm, np.nan)[grid][inv]
        vis_out = vis[grid][inv]
        zc_out = zc[grid][inv].min(axis=1)
        gest, holds, styles = [], [], []
        for g in pl.ann:
            s, e = int(round(g["t0"] * FPS)), int(round(g["t1"] * FPS))
            hold = None if g["hold"] is None else (int(round(g["hold"][0] * FPS)), int(round(g["hold"][1] * FPS)))
            gest.append((g["label"], s, e, None))
            holds.append(hold)
            styles.append(g["style"])
        lo, hi = 0, n
        if kind == "tight":
            lo, hi = gest[0][1], gest[0][2]
            gest = [(lab, s - lo, e - lo, d) for lab, s, e, d in gest]
            holds = [None if h is None else (h[0] - lo, h[1] - lo) for h in holds]
        clean = clean_full[lo:hi]
        if not _check(clean, gest, holds, vis_out[lo:hi], zc_out[lo:hi]):
            continue
        # tracker on the camera's frames
        in_g = np.zeros(n, bool)
        for g in pl.ann:
            in_g[int(round(g["t0"] * FPS)) : int(round(g["t1"] * FPS))] = True
        hands = [(grid_lm[grid], vis[grid], facing[grid]), (other[0][grid], other[1][grid], other[3][grid])]
        tracked_cam, lost_cam, stats = _track(rng, hands, pl.cam, dt_cam, in_g[grid])
        mode = pl.pick(["nan", "zeros", "hold", "mixed"], [0.4, 0.25, 0.25, 0.1])
        tracked = tracked_cam[inv]
        lost = lost_cam[inv]
        dup = np.zeros(n, bool)
        dup[1:] = inv[1:] == inv[:-1]
        grace = int(rng.integers(1, 6))  # "mixed": keep the last result a few frames, then give up
        run = 0
        for k in range(n):
            run = run + 1 if lost[k] else 0
            if run == 0:
                continue
            if mode == "zeros":
                tracked[k] = 0.0
            elif k > 0 and (mode == "hold" or (mode == "mixed" and run <= grace)):
                tracked[k] = tracked[k - 1]
        tracked = tracked[lo:hi]
        lost = lost[lo:hi]
        k = 0
        while k < len(lost) and lost[k]:  # a repeat needs a previous frame inside the clip
            if tracked[k].any():
                tracked[k] = np.nan
            k += 1
        dup = dup[lo:hi]
        if lo > 0:
            dup[0] = False
        fin = ~np.isnan(tracked).any(axis=(1, 2))
        tracked[fin, :, :2] = np.clip(tracked[fin, :, :2], *BAND)
        tracked[fin, :, 2] = np.clip(tracked[fin, :, 2], *Z_BAND)
        cfin = ~np.isnan(clean).any(axis=(1, 2))
        clean[cfin, :, :2] = np.clip(clean[cfin, :, :2], *BAND)
        clean[cfin, :, 2] = np.clip(clean[cfin, :, 2], *Z_BAND)
        W, H = pl.cam.W, pl.cam.H
        dirs, dirs_px = [], []
        final = []
        for (lab, s, e, _), h in zip(gest, holds):
            if lab == "point":
                v = clean[h[0] : h[1], 8, :2] - clean[h[0] : h[1], 5, :2]
                a_n = _angle_of(v * np.array([1.0, -1.0]))[0]
                a_p = _angle_of(v * np.array([W, -H]))[0]
                final.append((lab, s, e, round(a_n, 3)))
                dirs_px.append(round(a_p, 3))
            else:
                final.append((lab, s, e, None))
                dirs_px.append(None)
            dirs.append(final[-1][3])
        p, c = pl.p, pl.cam
        meta = {
            "image_size": (W, H),
            "direction_deg_pixels": dirs_px,
            "hold_frames": holds,
            "styles": styles,
            "camera": {
                "kind": c.kind,
                "fps": c.fps,
                "irregular_timing": c.irregular,
                "mirrored": c.mirrored,
                "hfov_deg": round(c.hfov, 1),
                "height_m": round(float(c.pos[1]), 2),
                "pitch_deg": round(math.degrees(c.pitch), 1),
                "roll_deg": round(math.degrees(c.roll), 1),
                "k1": round(c.k1, 3),
            },
            "person": {
                "hand": "left" if p.side > 0 else "right",
                "child": p.child,
                "hand_length_m": round(p.hand_len, 3),
                "speed": round(p.speed, 2),
                "casual": round(p.casual, 2),
                "beckon": p.beckon,
            },
            "distance_m": round(pl.dist(), 2),
            "walks": len(pl.walks),
            "tracker": dict(stats, lost_encoding=mode),
            "lost": lost.copy(),
            "camera_duplicate": dup,
            "clean_lost": ~cfin,
            "attempt": attempt,
            "seed": int(seed),
            "index": int(i),
        }
        return tracked.astype(np.float32), clean.astype(np.float32), tuple(final), kind, meta
    raise RuntimeError(f"could not build clip {i} for seed {seed}")


def _clip_pair(seed, i):
    tracked, clean, gestures, kind, meta = _make_clip(seed, i)
    m_clean = dict(meta, lost=meta["clean_lost"].copy(), clean=True)
    m_track = dict(meta, clean=False)
    return Blind11Clip(tracked, gestures, kind, m_track), Blind11Clip(clean, gestures, kind, m_clean)


def blind11_dataset(n: int, seed: int = 0) -> list[Blind11Clip]:
    """Tracked clips (with tracker errors); clip i depends only on (seed, i)."""
    return [_clip_pair(seed, i)[0] for i in range(n)]


def blind11_clean_dataset(n: int, seed: int = 0) -> list[Blind11Clip]:
    """The same clips as `blind11_dataset` before the tracker: true landmarks, NaN where the hand is not in view."""
    return [_clip_pair(seed, i)[1] for i in range(n)]


def _jsonable(v):
    if isinstance(v, np.ndarray):
        if v.dtype == bool:
            return _runs(v)
        return v.tolist()
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    return v


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
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    clips = []
    for i in range(args.n):
        tr, cl = _clip_pair(args.seed, i)
        c = cl if args.clean else tr
        name = f"clip_{i:05d}.npy"
        np.save(os.path.join(args.out, name), c.landmarks)
        clips.append({"file": name, "kind": c.kind, "gestures": [list(g) for g in c.gestures], **_jsonable(c.meta)})
    doc = {
        "generator": "blind11",
        "seed": args.seed,
        "clean": bool(args.clean),
        "fps": FPS,
        "labels": list(LABELS),
        "end_exclusive": True,
        "clips": clips,
    }
    with open(os.path.join(args.out, "labels.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
    print(f"wrote {args.n} clips to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
