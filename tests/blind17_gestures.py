"""Synthetic hand-landmark clips of workshop workers signaling to a fixed robot-mounted camera.

This generator was written without reading any other gesture generator or the code it
is used to evaluate.

Blind generator 17. Everything below is its own design, made from general knowledge of hands,
people at work and hand trackers.

Scene. A camera is bolted to a robot (a low mobile base or a taller torso/head mount, 0.45-1.7 m
high) in a workshop or warehouse; it is aimed roughly at people's chests but never re-aimed, so the
person stands anywhere from 1 m to 4 m away, off center, turned by up to +-25 degrees. The lens has
a 55-90 degree field of view, a little barrel distortion, a mounting roll and one of several robot
camera resolutions. Points are projected with a pinhole model; `z` is the camera depth relative to
the wrist, scaled like `x` (focal length / image width). The image is not mirrored.

People. Each clip has one person with one gesturing hand (right or left) and one of four signaling
styles: "brisk" (safety-vest industrial signalers: short, fast strokes with overshoot and crisp
holds), "exaggerated" (large whole-arm motions and wide arcs), "tiny" (small motions made mostly
by the wrist, with a larger wrist flick) and "casual". Some wear work gloves, which the model
treats as chunkier hands: wider knuckle spacing, slightly shorter phalanges with the fingertip
landmark pushed out by the glove, and stiffer joints that do not close fully.

Hand model. A skeleton in a hand frame (y along the fingers, z out of the palm) built from
quaternion joint rotations: each finger is abduction about the palm normal, an axial twist that
grows with flexion (ring and little finger supinate when curled), then MCP, PIP and DIP flexion
about the joint axis. Fingers converge as they flex and the palm cups. The thumb has a carpo-
metacarpal frame (spread, palmar lift, axial roll) and MCP and IP flexion. Bone lengths come from
this generator's own ratios (palm 0.435-0.48 of hand length, per-finger phalanx splits, individual
finger length ratios), joint ranges and flexion strength vary per person. A left hand is the
mirror image of the right-hand skeleton.

Motion. Every movement (hand position, hand orientation by quaternion interpolation, finger pose)
uses a velocity-profile model: a primary submovement with an asymmetric bell-shaped velocity
(beta-shaped, usually an early peak and a long deceleration) that overshoots or undershoots the
target, followed by one or two overlapping corrective submovements that land on it; paths bulge
sideways; finger shaping leads the arm. Durations of transitions follow a Fitts-like law.
Physiological tremor (8-12 Hz), postural sway and slow finger drift are added everywhere.

Gestures. point: index out, others curled, thumb over the middle finger, either held still or
reached out along the pointing line. Swipes: open, blade, relaxed or back-of-hand strokes across
the image in the labeled direction, sometimes with an anticipatory counter-movement and a wrist
flick. grab: open hand (palm down, forward or sideways) closing to a fist, often with an approach
and a lift. come_here: palm-up all-finger or index-only curling, palm-toward-camera curling, or an
industrial forearm wave toward the body. stop: open spread palm to the camera, held, sometimes
after a short push. Unlabeled activity: resting at the side, on the belt or hip, talking beats,
scratching the neck, head or arm, adjusting safety glasses or a hard hat, tugging a vest or glove
cuff, looking at a held tool or tablet, and reaching down out of the frame.

Tracker. The camera runs at a variable frame rate (12-30 fps nominal, interval jitter, stalls,
dim-light episodes at half rate) with exposure blur; a tracker with correlated landmark noise
(worse for small, far or gloved hands), bursty detection loss (more when the hand is small, fast
or leaving the frame), episodes where it swaps to a mirrored-handedness estimate (depth flipped
about the wrist, 2-D shape pulled toward the mirror image), episodes where the fingers lose their
depth, outlier frames (more when the hand passes over a reflective safety vest), a wrong depth
scale and an optional One-Euro smoothing filter. Its output is resampled to 30 fps with a latency,
by sample-and-hold or by linear interpolation. Lost output frames are written as all-NaN, all-zero
or a repeat of the last good frame, in bursts and single frames.
"""

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LABELS = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
KINDS = ("tight", "margin", "pair", "recording")
FPS = 30.0
MIN_GESTURE_S = 0.5
MAX_GESTURE_S = 3.0

_MIN_FRAMES = int(math.ceil(MIN_GESTURE_S * FPS))
_MAX_FRAMES = int(math.floor(MAX_GESTURE_S * FPS))
_MAX_RECORDING_FRAMES = 600
_SALT_CLIP = 170_017
_SALT_KIND = 170_018
_SALT_LABEL = 170_019
_SALT_TRACK = 170_020
_BLOCK = ("tight",) * 6 + ("margin",) * 5 + ("pair",) * 5 + ("recording",) * 4
_SWIPE_DIR = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}
_TIPS = (8, 12, 16, 20)
_LOST_MODES = ("nan", "zero", "hold")


@dataclass
class Blind17Clip:
    landmarks: np.ndarray
    gestures: tuple[tuple[str, int, int, float | None], ...]
    kind: str
    meta: dict


# ----------------------------------------------------------------------------------------------
# quaternions (w, x, y, z), broadcasting over leading axes


def _qmul(a, b):
    aw, ax, ay, az = np.moveaxis(np.asarray(a, float), -1, 0)
    bw, bx, by, bz = np.moveaxis(np.asarray(b, float), -1, 0)
    return np.stack(
        [
            aw * bw - ax * bx - ay * by - az * bz,
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
        ],
        -1,
    )


def _qaxis(axis, angle):
    angle = np.asarray(angle, float)[..., None] / 2.0
    return np.concatenate([np.cos(angle), np.sin(angle) * np.asarray(axis, float)], -1)


def _qx(a):
    return _qaxis((1.0, 0.0, 0.0), a)


def _qy(a):
    return _qaxis((0.0, 1.0, 0.0), a)


def _qz(a):
    return _qaxis((0.0, 0.0, 1.0), a)


def _qrot(q, v):
    w = q[..., :1]
    u = q[..., 1:]
    t = 2.0 * np.cross(u, v)
    return v + w * t + np.cross(u, t)


def _qmat(q):
    w, x, y, z = np.moveaxis(q, -1, 0)
    return np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
            np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
            np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1),
        ],
        -2,
    )


def _qfrom_mat(m):
    tr = m[0, 0] + m[1, 1] + m[2, 2]
    if tr > 0:
        s = math.sqrt(tr + 1.0) * 2
        q = [0.25 * s, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = math.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2]) * 2
        q = [(m[2, 1] - m[1, 2]) / s, 0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s]
    elif m[1, 1] > m[2, 2]:
        s = math.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2]) * 2
        q = [(m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s]
    else:
        s = math.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1]) * 2
        q = [(m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s]
    q = np.array(q)
    return q / np.linalg.norm(q)


def _unit(v):
    v = np.asarray(v, float)
    return v / max(np.linalg.norm(v), 1e-12)


def _perp(v, rng):
    r = rng.normal(size=3)
    v = _unit(v)
    r -= r.dot(v) * v
    return _unit(r)


def _q_axes(finger_dir, palm_normal):
    """Orientation whose hand y axis is finger_dir and z axis (palm side) is near palm_normal."""
    y = _unit(finger_dir)
    z = np.asarray(palm_normal, float) - np.dot(palm_normal, y) * y
    if np.linalg.norm(z) < 1e-3:
        z = np.cross(y, (0.3, 0.5, 0.8))
    z = _unit(z)
    x = np.cross(y, z)
    return _qfrom_mat(np.column_stack([x, y, z]))


def _q_toward(q0, q1, s):
    q1 = np.asarray(q1, float)
    if np.dot(q0, q1) < 0:
        q1 = -q1
    r = _qmul(np.array([q0[0], -q0[1], -q0[2], -q0[3]]), q1)
    vn = np.linalg.norm(r[1:])
    if vn < 1e-9:
        return np.repeat(np.asarray(q0, float)[None], len(s), 0)
    ang = 2.0 * math.atan2(vn, r[0])
    return _qmul(q0, _qaxis(r[1:] / vn, ang * np.asarray(s)))


def _q_turn(q, axis, angle):
    """Rotate orientation q by angle about a world-frame axis."""
    return _qmul(_qaxis(_unit(axis), angle), q)


# ----------------------------------------------------------------------------------------------
# hand skeleton


# pose vector: thumb (spread, lift, mcp, ip), then index, middle, ring, pinky (abduction, mcp, pip, dip)
def _pose(thumb, abd, mcp, pip, dip):
    v = np.zeros(20)
    v[:4] = thumb
    for k in range(4):
        v[4 + 4 * k : 8 + 4 * k] = (abd[k], mcp[k], pip[k], dip[k])
    return v


_POSES = {
    "open": _pose((0.28, 0.05, 0.05, 0.0), (0.13, 0.0, -0.1, -0.2), (0.02,) * 4, (0.04,) * 4, (0.03,) * 4),
    "flat": _pose((-0.12, 0.1, 0.1, 0.1), (-0.05, 0.0, 0.05, 0.1), (0.08,) * 4, (0.06,) * 4, (0.04,) * 4),
    "relaxed": _pose((0.0, 0.25, 0.3, 0.25), (0.0,) * 4, (0.35, 0.45, 0.5, 0.6), (0.45, 0.55, 0.6, 0.6), (0.25, 0.3, 0.3, 0.3)),
    "half": _pose((0.1, 0.2, 0.2, 0.15), (0.02, 0, -0.02, -0.05), (0.22, 0.3, 0.4, 0.5), (0.35, 0.45, 0.5, 0.55), (0.2, 0.22, 0.25, 0.3)),
    "fist": _pose((-0.3, 0.55, 0.6, 0.5), (-0.03, 0, 0.03, 0.06), (1.42, 1.45, 1.48, 1.5), (1.62, 1.65, 1.65, 1.6), (0.85,) * 4),
    "point": _pose(
        (-0.25, 0.5, 0.55, 0.45), (0.0, 0, 0.03, 0.06), (0.04, 1.45, 1.48, 1.5), (0.05, 1.65, 1.65, 1.6), (0.03, 0.85, 0.85, 0.85)
    ),
    "claw": _pose((0.0, 0.35, 0.3, 0.3), (0.0,) * 4, (0.35,) * 4, (1.1,) * 4, (0.8,) * 4),
    "pinch": _pose((0.0, 0.55, 0.3, 0.25), (0.0,) * 4, (0.75, 0.9, 1.0, 1.05), (0.75, 1.1, 1.3, 1.3), (0.45, 0.6, 0.7, 0.7)),
    "hold": _pose((0.0, 0.6, 0.3, 0.2), (0.0,) * 4, (0.9,) * 4, (1.05,) * 4, (0.6,) * 4),
    "beckon_open": _pose((0.05, 0.2, 0.2, 0.15), (0.03, 0, -0.03, -0.06), (0.05,) * 4, (0.15,) * 4, (0.1,) * 4),
    "beckon_curl": _pose((0.0, 0.3, 0.3, 0.25), (0.0,) * 4, (0.95, 1.0, 1.05, 1.1), (1.45,) * 4, (0.8,) * 4),
    "index_ext": _pose(
        (-0.2, 0.5, 0.5, 0.4), (0.0, 0, 0.03, 0.06), (0.12, 1.45, 1.48, 1.5), (0.2, 1.65, 1.65, 1.6), (0.1, 0.85, 0.85, 0.85)
    ),
    "index_curl": _pose(
        (-0.2, 0.5, 0.5, 0.4), (0.0, 0, 0.03, 0.06), (0.7, 1.45, 1.48, 1.5), (1.5, 1.65, 1.65, 1.6), (0.9, 0.85, 0.85, 0.85)
    ),
}
_LIMITS_LO = _pose((-0.6, -0.3, -0.3, -0.3), (-0.35,) * 4, (-0.35,) * 4, (-0.1,) * 4, (-0.25,) * 4)
_LIMITS_HI = _pose((0.7, 1.1, 1.0, 1.3), (0.35,) * 4, (1.65,) * 4, (1.9,) * 4, (1.3,) * 4)


@dataclass
class _Anatomy:
    hand_len: float
    mcp: np.ndarray
    seg: np.ndarray
    splay: np.ndarray
    conv: np.ndarray
    twist: np.ndarray
    cup: float
    cmc: np.ndarray
    th_len: np.ndarray
    th_spread: float
    th_lift: float
    th_roll: float
    flex_scale: float
    hyper: float
    left: bool


def _sample_anatomy(rng, glove, left):
    hl = rng.uniform(0.165, 0.205)
    r_palm = rng.uniform(0.435, 0.48)
    pw = rng.uniform(0.9, 1.1) * (1.08 if glove else 1.0)
    mid = hl * (1.0 - r_palm)
    flen = mid * np.array([rng.uniform(0.88, 0.96), 1.0, rng.uniform(0.91, 0.99), rng.uniform(0.72, 0.82)])
    frac = np.array([[0.46, 0.30, 0.24], [0.45, 0.31, 0.24], [0.45, 0.31, 0.24], [0.44, 0.30, 0.26]])
    frac = np.abs(frac + rng.normal(0, 0.012, (4, 3)))
    frac /= frac.sum(1, keepdims=True)
    seg = flen[:, None] * frac
    if glove:
        seg *= 0.96
        seg[:, 2] += 0.006
    xy = np.array([[0.085, r_palm - 0.012], [0.026, r_palm], [-0.032, r_palm - 0.018], [-0.086, r_palm - 0.055]])
    xy += rng.normal(0, 0.004, (4, 2))
    mcp = np.zeros((4, 3))
    mcp[:, 0] = xy[:, 0] * hl * pw
    mcp[:, 1] = xy[:, 1] * hl
    mcp[:, 2] = np.array([-0.004, -0.006, -0.005, -0.002]) * hl / 0.185
    return _Anatomy(
        hand_len=hl + (0.006 if glove else 0.0),
        mcp=mcp,
        seg=seg,
        splay=np.array([0.07, 0.0, -0.07, -0.16]) + rng.normal(0, 0.02, 4),
        conv=np.array([-0.06, 0.0, 0.05, 0.12]),
        twist=np.array([0.0, 0.0, 0.06, 0.15]) * rng.uniform(0.6, 1.4),
        cup=rng.uniform(0.006, 0.016),
        cmc=np.array([0.07 * hl * pw, 0.095 * hl, 0.004]),
        th_len=hl * np.array([0.225, 0.17, 0.135]) * rng.uniform(0.94, 1.06) + np.array([0, 0, 0.005 if glove else 0.0]),
        th_spread=rng.uniform(0.45, 0.65),
        th_lift=rng.uniform(0.15, 0.3),
        th_roll=rng.uniform(-1.15, -0.85),
        flex_scale=rng.uniform(0.9, 1.05) * (0.86 if glove else 1.0),
        hyper=rng.uniform(0.0, 0.18),
        left=bool(left),
    )


def _fk(pose, an):
    """Landmarks (T, 21, 3) in the hand frame, meters, from pose vectors (T, 20)."""
    lo = _LIMITS_LO.copy()
    lo[4::4] = -0.35
    lo[6::4] = -0.05 - an.hyper
    lo[7::4] = -0.1 - an.hyper
    pose = np.clip(pose, lo, _LIMITS_HI)
    n = pose.shape[0]
    out = np.zeros((n, 21, 3))
    ey = np.array([0.0, 1.0, 0.0])
    th = pose[:, :4]
    q = _qmul(_qmul(_qz(-(an.th_spread + th[:, 0])), _qx(an.th_lift + th[:, 1])), _qy(np.full(n, an.th_roll)))
    p = np.broadcast_to(an.cmc, (n, 3)).copy()
    out[:, 1] = p
    p = p + _qrot(q, an.th_len[0] * ey)
    out[:, 2] = p
    q = _qmul(q, _qx(th[:, 2]))
    p = p + _qrot(q, an.th_len[1] * ey)
    out[:, 3] = p
    q = _qmul(q, _qx(th[:, 3]))
    out[:, 4] = p + _qrot(q, an.th_len[2] * ey)
    cup_w = (0.0, 0.0, 0.5, 1.0)
    for k in range(4):
        a, m, pp, d = (pose[:, 4 + 4 * k + j] for j in range(4))
        f = np.clip(m / 1.5, 0.0, 1.0)
        spl = (an.splay[k] + a) * (1.0 - 0.4 * f) + an.conv[k] * f
        q = _qmul(_qz(-spl), _qy(an.twist[k] * f))
        base = an.mcp[k] + np.outer(f * an.cup * cup_w[k], (0.0, 0.0, 1.0))
        j0 = 5 + 4 * k
        out[:, j0] = base
        q = _qmul(q, _qx(m))
        p = base + _qrot(q, an.seg[k, 0] * ey)
        out[:, j0 + 1] = p
        q = _qmul(q, _qx(pp))
        p = p + _qrot(q, an.seg[k, 1] * ey)
        out[:, j0 + 2] = p
        q = _qmul(q, _qx(d))
        out[:, j0 + 3] = p + _qrot(q, an.seg[k, 2] * ey)
    if an.left:
        out[..., 0] *= -1.0
    return out


# ----------------------------------------------------------------------------------------------
# velocity-profile motion model

_GRID = np.linspace(0.0, 1.0, 129)


def _bell(tau, a, b):
    pdf = _GRID ** (a - 1.0) * (1.0 - _GRID) ** (b - 1.0)
    c = np.cumsum(pdf)
    c = (c - c[0]) / (c[-1] - c[0])
    return np.interp(tau, _GRID, c)


def _profile(n, rng, st, over_scale=1.0, lead=0.0):
    """Progress 0..1 over n frames (last frame exactly 1): primary + corrective submovements."""
    tau = np.arange(1, n + 1) / n
    if lead > 0:
        tau = np.minimum(tau / (1.0 - lead), 1.0)
    t1 = rng.uniform(0.6, 0.85)
    a = st["va"] * rng.uniform(0.9, 1.1)
    b = st["vb"] * rng.uniform(0.9, 1.1)
    e = float(np.clip(rng.normal(st["over"], 0.03) * over_scale, -0.15, 0.25))
    s1 = _bell(np.clip(tau / t1, 0, 1), a, b)
    t2 = t1 * rng.uniform(0.55, 0.9)
    s2 = _bell(np.clip((tau - t2) / (1 - t2), 0, 1), 2.0, 2.4)
    e2 = e * rng.uniform(-0.35, 0.35) if rng.random() < st["second"] else 0.0
    t3 = t2 + (1 - t2) * rng.uniform(0.4, 0.7)
    s3 = _bell(np.clip((tau - t3) / (1 - t3), 0, 1), 2.0, 2.0)
    return (1 + e) * s1 - (e + e2) * s2 + e2 * s3, s1


class _Track:
    """Per-frame wrist position (m), hand orientation quaternion and finger pose."""

    def __init__(self, pos, quat, pose, include_start=True):
        self.cur = (np.asarray(pos, float), np.asarray(quat, float), np.asarray(pose, float))
        self.P, self.Q, self.H = [], [], []
        if include_start:
            self.hold(1)

    def __len__(self):
        return sum(len(p) for p in self.P)

    def hold(self, n):
        n = int(n)
        if n > 0:
            p, q, h = self.cur
            self.P.append(np.repeat(p[None], n, 0))
            self.Q.append(np.repeat(q[None], n, 0))
            self.H.append(np.repeat(h[None], n, 0))

    def move(self, n, rng, st, pos=None, quat=None, pose=None, bulge=0.0, over=1.0, pose_lead=None, perp=None):
        n = max(int(n), 1)
        p0, q0, h0 = self.cur
        s, s1 = _profile(n, rng, st, over)
        if pos is None:
            P = np.repeat(p0[None], n, 0)
        else:
            d = np.asarray(pos, float) - p0
            P = p0 + s[:, None] * d
            dist = np.linalg.norm(d)
            if bulge and dist > 1e-6:
                w = _perp(d, rng) if perp is None else _unit(perp)
                P = P + (4 * s1 * (1 - s1))[:, None] * (bulge * dist) * w
            P[-1] = pos
        if quat is None:
            Q = np.repeat(q0[None], n, 0)
        else:
            sq, _ = _profile(n, rng, st, over, lead=rng.uniform(0.0, 0.2))
            Q = _q_toward(q0, quat, sq)
        if pose is None:
            Hh = np.repeat(h0[None], n, 0)
        else:
            lead = rng.uniform(0.0, 0.3) if pose_lead is None else pose_lead
            sp, _ = _profile(n, rng, st, 0.4, lead=lead)
            Hh = h0 + sp[:, None] * (np.asarray(pose, float) - h0)
        self.P.append(P)
        self.Q.append(Q)
        self.H.append(Hh)
        self.cur = (P[-1].copy(), Q[-1].copy(), Hh[-1].copy())
        return n

    def extend(self, other):
        self.P += other.P
        self.Q += other.Q
        self.H += other.H
        self.cur = tuple(c.copy() for c in other.cur)

    def first(self):
        return self.P[0][0], self.Q[0][0], self.H[0][0]

    def arrays(self):
        return np.concatenate(self.P), np.concatenate(self.Q), np.concatenate(self.H)

    def truncate(self, n):
        P, Q, H = self.arrays()
        self.P, self.Q, self.H = [P[:n]], [Q[:n]], [H[:n]]
        self.cur = (P[n - 1].copy(), Q[n - 1].copy(), H[n - 1].copy())


# ----------------------------------------------------------------------------------------------
# person, scene and camera

_STYLES = {
    # speed: duration multiplier; amp: amplitude multiplier; va/vb: velocity bell shape; over: overshoot
    "brisk": dict(
        speed=(0.65, 0.85), amp=(0.95, 1.2), va=(1.8, 2.4), vb=(2.2, 3.0), over=(0.04, 0.12), vswipe=(1.3, 2.1), flick=(0.05, 0.2)
    ),
    "exaggerated": dict(
        speed=(0.95, 1.3), amp=(1.3, 1.8), va=(2.0, 2.6), vb=(2.4, 3.4), over=(0.0, 0.08), vswipe=(1.0, 1.7), flick=(0.05, 0.2)
    ),
    "tiny": dict(
        speed=(0.9, 1.25), amp=(0.4, 0.65), va=(2.2, 3.0), vb=(2.8, 4.0), over=(-0.06, 0.03), vswipe=(0.35, 0.7), flick=(0.25, 0.5)
    ),
    "casual": dict(
        speed=(0.85, 1.15), amp=(0.8, 1.1), va=(2.0, 2.8), vb=(2.5, 3.5), over=(-0.03, 0.07), vswipe=(0.6, 1.2), flick=(0.1, 0.3)
    ),
}
_RESOLUTIONS = ((640, 480), (848, 480), (1280, 720), (960, 540), (1920, 1080), (1280, 800))


class _Ctx:
    def __init__(self, rng):
        self.style_name = str(rng.choice(list(_STYLES), p=[0.3, 0.2, 0.2, 0.3]))
        sr = _STYLES[self.style_name]
        self.st = {k: float(rng.uniform(*v)) for k, v in sr.items()}
        self.st["second"] = float(rng.uniform(0.1, 0.5))
        self.st["fitts_a"] = float(rng.uniform(0.15, 0.25))
        self.st["fitts_b"] = float(rng.uniform(0.08, 0.13))
        self.vest = bool(rng.random() < (0.85 if self.style_name == "brisk" else 0.4))
        self.glove = bool(rng.random() < (0.6 if self.style_name == "brisk" else 0.35))
        self.left = bool(rng.random() < 0.25)
        self.side = -1.0 if self.left else 1.0
        self.an = _sample_anatomy(rng, self.glove, self.left)
        self.arm_len = float(rng.uniform(0.55, 0.72))
        h_sh = rng.uniform(1.28, 1.55)
        h_cam = rng.uniform(0.45, 0.8) if rng.random() < 0.4 else rng.uniform(0.9, 1.7)
        self.distance = float(rng.uniform(1.0, 4.0))
        lat = rng.uniform(-0.35, 0.35) * min(1.0, self.distance / 1.5)
        self.S = np.array([lat, -(h_sh - h_cam), self.distance])
        psi = rng.uniform(-0.45, 0.45)
        self.yaw = float(psi)
        self.right_b = np.array([-math.cos(psi), 0.0, math.sin(psi)])
        self.fwd = np.array([-math.sin(psi), 0.0, -math.cos(psi)])
        self.up = np.array([0.0, -1.0, 0.0])
        self.out = self.side * self.right_b
        self.shoulder = self.S + self.out * rng.uniform(0.16, 0.21)
        self.W, self.H = _RESOLUTIONS[rng.integers(len(_RESOLUTIONS))]
        self.hfov = float(rng.uniform(55.0, 90.0))
        self.fx = (self.W / 2) / math.tan(math.radians(self.hfov) / 2)
        self.cx = self.W / 2 * (1 + rng.normal(0, 0.01))
        self.cy = self.H / 2 * (1 + rng.normal(0, 0.01))
        self.k1 = float(-rng.uniform(0.0, 0.1) * (self.hfov - 50.0) / 40.0)
        chest = self.S - 0.12 * self.up + 0.2 * self.fwd
        vis_w = self.distance * self.W / self.fx
        vis_h = self.distance * self.H / self.fx
        aim = chest + np.array([rng.uniform(-0.12, 0.12) * vis_w, rng.uniform(-0.08, 0.12) * vis_h, 0.0])
        cz = _unit(aim)
        cx_ = _unit(np.cross((0.0, 1.0, 0.0), cz))
        cy_ = np.cross(cz, cx_)
        self.roll = float(np.clip(rng.normal(0, 0.07), -0.2, 0.2))
        c, s = math.cos(self.roll), math.sin(self.roll)
        self.R = np.column_stack([c * cx_ + s * cy_, -s * cx_ + c * cy_, cz])
        self.chest = self.S - 0.2 * self.up

    # geometry helpers
    def bp(self, o, u, f):
        return self.shoulder + o * self.out + u * self.up + f * self.fwd

    def bdir(self, o, u, f):
        return _unit(o * self.out + u * self.up + f * self.fwd)

    def cam_dir(self, dx, dy, dz=0.0):
        return _unit(self.R @ np.array([dx, dy, dz]))

    def toward_cam(self, p):
        return _unit(-np.asarray(p, float))

    def project(self, pts):
        pc = np.asarray(pts, float) @ self.R
        zc = np.maximum(pc[..., 2], 0.05)
        xn = pc[..., 0] / zc
        yn = pc[..., 1] / zc
        fd = 1.0 + self.k1 * (xn * xn + yn * yn)
        u = (self.fx * xn * fd + self.cx) / self.W
        v = (self.fx * yn * fd + self.cy) / self.H
        return u, v, zc

    def in_view(self, p, margin):
        u, v, zc = self.project(p)
        uu = float(np.clip(u, margin, 1 - margin))
        vv = float(np.clip(v, margin, 1 - margin))
        if uu == u and vv == v:
            return np.asarray(p, float)
        pc = np.asarray(p, float) @ self.R
        xn, yn = pc[0] / pc[2], pc[1] / pc[2]
        fd = 1.0 + self.k1 * (xn * xn + yn * yn)
        xn2 = (uu * self.W - self.cx) / self.fx / fd
        yn2 = (vv * self.H - self.cy) / self.fx / fd
        return self.R @ np.array([xn2 * pc[2], yn2 * pc[2], pc[2]])

    def extent(self, p):
        zc = float((np.asarray(p, float) @ self.R)[2])
        return zc * self.W / self.fx, zc * self.H / self.fx

    def pose(self, name, rng, jitter=0.04):
        base = _POSES[name].copy()
        flex = np.ones(20, bool)
        flex[4::4] = False
        flex[0] = False
        base[flex] = np.where(base[flex] > 0.3, base[flex] * self.an.flex_scale, base[flex])
        if self.glove:
            base[4::4] *= 0.7
        return base + rng.normal(0, jitter, 20)

    def frames(self, seconds):
        return int(round(seconds * FPS * self.st["speed"]))

    def transit(self, trk, rng, pos, quat, pose, relaxed=True):
        p0, q0, _ = trk.cur
        dist = float(np.linalg.norm(np.asarray(pos) - p0))
        ang = 2 * math.acos(min(1.0, abs(float(np.dot(q0, quat)))))
        dur = self.st["fitts_a"] + self.st["fitts_b"] * math.log2(1 + dist / 0.04) + 0.06 * ang
        dur *= self.st["speed"] * (rng.uniform(1.15, 1.6) if relaxed else 1.0)
        n = max(4, int(round(dur * FPS)))
        return trk.move(n, rng, self.st, pos=pos, quat=quat, pose=pose, bulge=rng.uniform(0.05, 0.22))


# ----------------------------------------------------------------------------------------------
# gestures: each returns a _Track whose frames are exactly the labeled interval


def _g_point(ctx, rng):
    st = ctx.st
    phi = rng.uniform(0, 2 * math.pi)  # wanted image direction (pixels), 0 = right, pi/2 = up
    el = rng.uniform(-0.15, 0.6)  # how much the finger also points toward the camera
    ext = ctx.arm_len * rng.uniform(0.55, 0.95) * min(1.0, 0.7 + 0.3 * st["amp"])
    base = ctx.bp(rng.uniform(-0.05, 0.1), rng.uniform(-0.2, 0.0), 0.15)
    aim = phi
    for _ in range(3):  # perspective bends the seen direction: re-aim the 3-D direction until it shows phi
        d = ctx.cam_dir(math.cos(el) * math.cos(aim), -math.cos(el) * math.sin(aim), -math.sin(el))
        hold_pos = ctx.in_view(base + 0.45 * ext * d + 0.2 * ext * ctx.fwd, 0.1)
        u, v, _ = ctx.project(np.stack([hold_pos, hold_pos + 0.08 * d]))
        seen = math.atan2(-(v[1] - v[0]) * ctx.H, (u[1] - u[0]) * ctx.W)
        aim += (phi - seen + math.pi) % (2 * math.pi) - math.pi
    pref = _unit(-ctx.up * rng.uniform(0.3, 1.0) - ctx.out * rng.uniform(-0.3, 1.0) + ctx.fwd * rng.uniform(-0.3, 0.3))
    if abs(np.dot(pref, d)) > 0.9:
        pref = -ctx.out
    q_hold = _q_axes(d, pref)
    pose = ctx.pose("point", rng, 0.03)
    if rng.random() < 0.55:
        back = rng.uniform(0.12, 0.3) * min(st["amp"], 1.3)
        start = ctx.in_view(hold_pos - d * back - ctx.up * rng.uniform(0.0, 0.08), 0.08)
        q_start = _q_turn(q_hold, _perp(d, rng), rng.uniform(-0.25, 0.25))
        pose0 = pose.copy()
        pose0[5:8] += rng.uniform(0.1, 0.35, 3)
        g = _Track(start, q_start, pose0)
        g.move(max(6, ctx.frames(rng.uniform(0.3, 0.6))), rng, st, pos=hold_pos, quat=q_hold, pose=pose, bulge=rng.uniform(0.0, 0.1))
        g.hold(ctx.frames(rng.uniform(0.25, 1.5)))
    else:
        g = _Track(hold_pos, q_hold, pose)
        n = ctx.frames(rng.uniform(0.5, 2.4))
        if rng.random() < 0.35:
            jab = hold_pos + d * rng.uniform(0.02, 0.05)
            n1 = rng.integers(3, 6)
            g.hold(n // 3)
            g.move(n1, rng, st, pos=jab)
            g.move(n1 + 1, rng, st, pos=hold_pos)
            g.hold(n - n // 3 - 2 * n1)
        else:
            g.hold(n)
    return g


def _g_stop(ctx, rng):
    st = ctx.st
    reach = rng.uniform(0.3, 0.55) if ctx.style_name != "tiny" else rng.uniform(0.2, 0.35)
    p = ctx.bp(rng.uniform(-0.05, 0.15), rng.uniform(-0.05, 0.25), reach)
    p = ctx.in_view(p, 0.1)
    fd = _unit(ctx.up + ctx.out * rng.uniform(-0.25, 0.25) + ctx.toward_cam(p) * rng.uniform(-0.15, 0.2))
    q = _q_axes(fd, ctx.toward_cam(p) + ctx.out * rng.uniform(-0.2, 0.2))
    pose = ctx.pose("open", rng, 0.03)
    n_hold = ctx.frames(rng.uniform(0.55, 2.3))
    if ctx.style_name == "brisk" or rng.random() < 0.4:
        start = p - ctx.toward_cam(p) * rng.uniform(0.03, 0.08)
        g = _Track(start, q, pose)
        g.move(rng.integers(4, 9), rng, st, pos=p, over=1.5)
    else:
        g = _Track(p, q, pose)
    g.hold(n_hold)
    return g


def _g_grab(ctx, rng):
    st = ctx.st
    target = ctx.bp(rng.uniform(-0.05, 0.12), rng.uniform(-0.35, 0.05), rng.uniform(0.3, 0.5))
    target = ctx.in_view(target, 0.12)
    variant = rng.choice(["down", "front", "side"])
    if variant == "down":
        q = _q_axes(ctx.fwd * 0.8 - ctx.up * 0.5 + ctx.out * rng.uniform(-0.3, 0.3), -ctx.up + ctx.fwd * rng.uniform(-0.4, 0.2))
        approach = ctx.up * rng.uniform(0.0, 0.12) - ctx.fwd * rng.uniform(0.0, 0.05)
    elif variant == "front":
        q = _q_axes(ctx.up + ctx.out * rng.uniform(-0.3, 0.3), ctx.toward_cam(target))
        approach = -ctx.fwd * rng.uniform(0.0, 0.12)
    else:
        q = _q_axes(ctx.fwd + ctx.up * rng.uniform(-0.2, 0.5), -ctx.out + ctx.up * rng.uniform(-0.3, 0.3))
        approach = -ctx.fwd * rng.uniform(0.0, 0.1) + ctx.out * rng.uniform(0.0, 0.06)
    q_end = _q_turn(q, _perp(ctx.up, rng), rng.uniform(-0.25, 0.25))
    open_pose = ctx.pose("open", rng, 0.04) * rng.uniform(0.8, 1.0) + ctx.pose("relaxed", rng, 0.02) * 0.1
    fist = ctx.pose("fist", rng, 0.04)
    g = _Track(target + approach, q, open_pose)
    if np.linalg.norm(approach) > 0.03:
        g.move(max(4, ctx.frames(rng.uniform(0.15, 0.35))), rng, st, pos=target)
    g.move(max(6, ctx.frames(rng.uniform(0.25, 0.6))), rng, st, pose=fist, quat=q_end, pose_lead=0.0)
    if rng.random() < 0.7:
        lift = target + ctx.up * rng.uniform(0.04, 0.14) - ctx.fwd * rng.uniform(0.0, 0.1)
        g.move(max(5, ctx.frames(rng.uniform(0.2, 0.5))), rng, st, pos=ctx.in_view(lift, 0.06))
    g.hold(ctx.frames(rng.uniform(0.0, 0.35)))
    return g


def _g_come_here(ctx, rng):
    st = ctx.st
    variant = rng.choice(["palm_up", "index", "palm_cam", "forearm"], p=[0.35, 0.2, 0.25, 0.2])
    p = ctx.in_view(ctx.bp(rng.uniform(-0.05, 0.15), rng.uniform(-0.2, 0.1), rng.uniform(0.25, 0.45)), 0.12)
    move_in = None
    if variant in ("palm_up", "index"):
        q = _q_axes(ctx.fwd + ctx.up * rng.uniform(0.3, 0.8) + ctx.out * rng.uniform(-0.3, 0.3), ctx.up)
        ext, curl = ("beckon_open", "beckon_curl") if variant == "palm_up" else ("index_ext", "index_curl")
    elif variant == "palm_cam":
        q = _q_axes(ctx.up + ctx.out * rng.uniform(-0.2, 0.2), ctx.toward_cam(p) + ctx.up * rng.uniform(0.0, 0.4))
        ext, curl = "beckon_open", "beckon_curl"
    else:
        q = _q_axes(ctx.up + ctx.fwd * rng.uniform(0.2, 0.6), -ctx.fwd + ctx.up * 0.2)
        ext, curl = "beckon_open", "relaxed"
        move_in = -ctx.fwd * rng.uniform(0.08, 0.18) * min(ctx.st["amp"], 1.4) + ctx.up * rng.uniform(0.0, 0.06)
    period = rng.uniform(0.35, 0.7) * st["speed"]
    cycles = int(rng.integers(2, 5))
    while cycles > 2 and cycles * period * FPS > _MAX_FRAMES - 6:
        cycles -= 1
    pe = ctx.pose(ext, rng, 0.03)
    g = _Track(p, q, pe)
    for _ in range(cycles):
        n1 = max(3, int(round(period * FPS * rng.uniform(0.4, 0.5))))
        n2 = max(3, int(round(period * FPS)) - n1)
        pc_ = ctx.pose(curl, rng, 0.05)
        tgt = None if move_in is None else p + move_in
        g.move(n1, rng, st, pose=pc_, pos=tgt, over=0.5, pose_lead=0.0)
        g.move(n2, rng, st, pose=ctx.pose(ext, rng, 0.04), pos=None if move_in is None else p, over=0.5, pose_lead=0.0)
    g.hold(rng.integers(0, 6))
    return g


def _g_swipe(ctx, rng, label):
    st = ctx.st
    dx, dy = _SWIPE_DIR[label]
    dev = rng.uniform(-0.25, 0.25)
    c, s = math.cos(dev), math.sin(dev)
    ddx, ddy = c * dx - s * dy, s * dx + c * dy
    d = ctx.cam_dir(ddx, ddy, rng.uniform(-0.15, 0.15))
    center = ctx.bp(rng.uniform(-0.05, 0.15), rng.uniform(-0.15, 0.15), rng.uniform(0.25, 0.5))
    center = ctx.in_view(center, 0.2)
    base_amp = {"brisk": (0.3, 0.55), "exaggerated": (0.45, 0.75), "tiny": (0.3, 0.45), "casual": (0.3, 0.55)}[ctx.style_name]
    amp = rng.uniform(*base_amp) * st["amp"]
    vw, vh = ctx.extent(center)
    amp = max(amp, 1.15 * ctx.an.hand_len)
    amp = min(amp, 0.7 * (vw if dx else vh))
    start = ctx.in_view(center - d * amp / 2, 0.07)
    end = ctx.in_view(center + d * amp / 2, 0.07)
    variant = rng.choice(["open_cam", "blade", "relaxed", "back"])
    if variant == "open_cam":
        q = _q_axes(ctx.up + ctx.out * rng.uniform(-0.3, 0.3), ctx.toward_cam(center))
        pose = ctx.pose("open", rng, 0.05) * rng.uniform(0.7, 1.0)
    elif variant == "relaxed":
        q = _q_axes(ctx.fwd + ctx.up * rng.uniform(0.0, 0.6) - ctx.out * 0.3, -ctx.out + ctx.up * 0.4)
        pose = ctx.pose("half", rng, 0.05)
    else:
        sign = 1.0 if variant == "blade" else -1.0
        fd = ctx.up if dx else ctx.fwd + ctx.up * 0.3
        q = _q_axes(fd + ctx.out * rng.uniform(-0.2, 0.2), sign * d)
        pose = ctx.pose("flat", rng, 0.04)
    y_axis = _qmat(q)[:, 1]
    ax = np.cross(y_axis, d)
    if np.linalg.norm(ax) < 0.3:
        ax = _qmat(q)[:, 0]
    flick = rng.uniform(*_STYLES[ctx.style_name]["flick"])
    q0 = _q_turn(q, ax, -flick * rng.uniform(0.3, 1.0))
    q1 = _q_turn(q, ax, flick)
    v = st["vswipe"] * rng.uniform(0.85, 1.15)
    n_stroke = max(5, int(round(float(np.linalg.norm(end - start)) / v * FPS)))
    n_stroke = min(n_stroke, _MAX_FRAMES - 14)
    g = _Track(start, q0, pose)
    if rng.random() < (0.6 if ctx.style_name == "brisk" else 0.25):
        g.move(rng.integers(3, 6), rng, st, pos=start - d * rng.uniform(0.02, 0.05), over=0.3)
    else:
        g.hold(rng.integers(0, 4))
    arc = ctx.cam_dir(-ddy, ddx, 0.0) * rng.uniform(-1, 1) + ctx.toward_cam(center) * rng.uniform(0.0, 1.0)
    bulge = rng.uniform(0.02, 0.15) * (1.6 if ctx.style_name == "exaggerated" else 1.0)
    g.move(n_stroke, rng, st, pos=end, quat=q1, bulge=bulge, perp=arc)
    g.hold(rng.integers(2, 9))
    short = _MIN_FRAMES - len(g)
    if short > 0:
        g2 = _Track(start, q0, pose, include_start=False)
        g2.hold(short // 2 + 1)
        g2.extend(g)
        g2.hold(short - short // 2)
        g = g2
    return g


def _gesture(ctx, rng, label):
    if label == "point":
        g = _g_point(ctx, rng)
    elif label == "stop":
        g = _g_stop(ctx, rng)
    elif label == "grab":
        g = _g_grab(ctx, rng)
    elif label == "come_here":
        g = _g_come_here(ctx, rng)
    else:
        g = _g_swipe(ctx, rng, label)
    if len(g) < _MIN_FRAMES:
        g.hold(_MIN_FRAMES - len(g))
    if len(g) > _MAX_FRAMES:
        g.truncate(_MAX_FRAMES)
    return g


# ----------------------------------------------------------------------------------------------
# unlabeled activity

_IDLE_KINDS = ("rest", "talk", "scratch", "glasses", "hat", "vest", "glove", "tool", "out")
_IDLE_P = (0.2, 0.17, 0.12, 0.07, 0.05, 0.08, 0.08, 0.11, 0.12)


def _idle_orientation(ctx, rng, fd, pn, jitter=0.25):
    q = _q_axes(ctx.bdir(*fd), ctx.bdir(*pn))
    q = _q_turn(q, rng.normal(size=3), rng.uniform(0, jitter))
    m = _qmat(q)
    palm = m[:, 2]
    hand = ctx.bp(0.0, -0.2, 0.3)
    if np.dot(palm, ctx.toward_cam(hand)) > 0.55:
        q = _q_turn(q, m[:, 1], math.pi / 2 * (1 if rng.random() < 0.5 else -1))
    return q


def _idle(trk, ctx, rng, kind, n):
    st = ctx.st
    u = rng.uniform
    start = len(trk)
    if kind == "rest":
        choice = rng.integers(3)
        if choice == 0:
            p, fd, pn, pose = ctx.bp(u(0.0, 0.08), -u(0.55, 0.66), u(0.0, 0.12)), (0, -1, 0.15), (-1, 0, 0), "relaxed"
        elif choice == 1:
            p, fd, pn, pose = ctx.bp(-u(0.12, 0.2), -u(0.42, 0.52), u(0.15, 0.25)), (-0.8, -0.4, 0.2), (0, 0, -1), "hold"
        else:
            p, fd, pn, pose = ctx.bp(u(0.08, 0.15), -u(0.42, 0.5), u(-0.02, 0.05)), (-0.3, -0.6, 0.7), (-1, 0, 0), "half"
        ctx.transit(trk, rng, p, _idle_orientation(ctx, rng, fd, pn), ctx.pose(pose, rng))
        trk.hold(n - (len(trk) - start))
    elif kind == "talk":
        c = ctx.bp(u(-0.12, 0.08), -u(0.15, 0.35), u(0.22, 0.38))
        ctx.transit(trk, rng, c, _idle_orientation(ctx, rng, (-0.5, 0.1, 0.85), (-0.5, 0.85, 0)), ctx.pose("half", rng))
        while len(trk) - start < n - 6:
            k = int(rng.integers(7, 16))
            tgt = c + rng.uniform(-0.04, 0.04) * ctx.out + rng.uniform(-0.05, 0.05) * ctx.up + rng.uniform(-0.04, 0.04) * ctx.fwd
            q = _idle_orientation(ctx, rng, (-0.5, 0.1, 0.85), (-0.5, 0.85, 0), 0.35)
            trk.move(k, rng, st, pos=tgt, quat=q, pose=ctx.pose("half" if rng.random() < 0.5 else "relaxed", rng, 0.08))
        trk.hold(n - (len(trk) - start))
    elif kind == "scratch":
        spot = rng.integers(4)
        if spot == 0:
            p, fd, pn = ctx.bp(-u(0.05, 0.12), u(0.08, 0.14), u(0.0, 0.08)), (-0.3, 0.5, -0.8), (-0.9, 0, -0.2)
        elif spot == 1:
            p, fd, pn = ctx.bp(-u(0.0, 0.1), u(0.28, 0.36), u(-0.05, 0.05)), (-0.3, 0.6, -0.5), (-0.9, -0.2, 0)
        elif spot == 2:
            p, fd, pn = ctx.bp(-u(0.14, 0.2), u(0.15, 0.2), u(0.1, 0.15)), (-0.4, 0.5, -0.7), (-0.5, 0, -0.8)
        else:
            p, fd, pn = ctx.bp(-u(0.3, 0.4), -u(0.2, 0.3), u(0.15, 0.25)), (-0.6, -0.3, -0.3), (0, -1, 0)
        ctx.transit(trk, rng, p, _idle_orientation(ctx, rng, fd, pn), ctx.pose("claw", rng))
        while len(trk) - start < n - 4:
            a = ctx.pose("claw", rng, 0.03)
            a[6::4] += 0.35
            a[7::4] += 0.2
            jig = p + rng.normal(0, 0.008, 3)
            trk.move(int(rng.integers(3, 5)), rng, st, pose=a, pos=jig, pose_lead=0.0)
            trk.move(int(rng.integers(3, 5)), rng, st, pose=ctx.pose("claw", rng, 0.03), pos=p, pose_lead=0.0)
        trk.hold(n - (len(trk) - start))
    elif kind in ("glasses", "hat"):
        if kind == "glasses":
            p, fd, pn, pose = ctx.bp(-u(0.14, 0.2), u(0.2, 0.26), u(0.1, 0.16)), (-0.2, 0.8, -0.5), (-0.3, 0, -0.9), "pinch"
        else:
            p, fd, pn, pose = ctx.bp(-u(0.05, 0.15), u(0.33, 0.4), u(0.05, 0.12)), (-0.3, 0.3, -0.9), (0, -1, -0.3), "hold"
        ctx.transit(trk, rng, p, _idle_orientation(ctx, rng, fd, pn, 0.2), ctx.pose(pose, rng))
        for _ in range(int(rng.integers(1, 4))):
            if len(trk) - start >= n - 8:
                break
            trk.move(int(rng.integers(4, 8)), rng, st, pos=p + ctx.up * u(0.008, 0.02) - ctx.fwd * u(0.0, 0.01))
            trk.hold(int(rng.integers(1, 6)))
        trk.hold(n - (len(trk) - start))
    elif kind in ("vest", "glove"):
        if kind == "vest":
            p, fd, pn, pose = ctx.bp(-u(0.2, 0.3), -u(0.05, 0.2), u(0.1, 0.15)), (-0.6, -0.3, -0.6), (0, 0, -1), "hold"
            tug = -ctx.up * u(0.03, 0.05) + ctx.fwd * u(0.0, 0.03)
        else:
            p, fd, pn, pose = ctx.bp(-u(0.15, 0.25), -u(0.35, 0.45), u(0.25, 0.32)), (-0.8, 0.0, 0.3), (0, -1, 0), "pinch"
            tug = ctx.out * u(0.03, 0.06) + ctx.up * u(0.0, 0.03)
        ctx.transit(trk, rng, p, _idle_orientation(ctx, rng, fd, pn, 0.2), ctx.pose(pose, rng))
        for _ in range(int(rng.integers(1, 4))):
            if len(trk) - start >= n - 10:
                break
            trk.move(int(rng.integers(4, 8)), rng, st, pos=p + tug)
            trk.move(int(rng.integers(4, 8)), rng, st, pos=p)
        trk.hold(n - (len(trk) - start))
    elif kind == "tool":
        p = ctx.bp(u(-0.1, 0.05), -u(0.25, 0.4), u(0.25, 0.35))
        ctx.transit(trk, rng, p, _idle_orientation(ctx, rng, (-0.6, 0.2, 0.7), (-0.6, 0.8, 0), 0.2), ctx.pose("hold", rng))
        while len(trk) - start < n - 12:
            tgt = p + rng.normal(0, 0.025, 3)
            trk.move(int(rng.integers(12, 30)), rng, st, pos=tgt, quat=_idle_orientation(ctx, rng, (-0.6, 0.2, 0.7), (-0.6, 0.8, 0), 0.25))
        trk.hold(n - (len(trk) - start))
    else:  # "out": reach down into a pocket or a bin, usually out of the frame
        p = ctx.bp(u(0.05, 0.2), -u(0.85, 1.0), u(-0.2, 0.25))
        ctx.transit(
            trk, rng, p, _idle_orientation(ctx, rng, (0, -1, 0.2), (-1, 0, 0)), ctx.pose("hold" if rng.random() < 0.5 else "relaxed", rng)
        )
        trk.hold(n - (len(trk) - start))


def _idle_span(trk, ctx, rng, n, names):
    remaining = int(n)
    while remaining > 0:
        if remaining < 20:
            p0, q0, _ = trk.cur
            p = p0 + ctx.up * -rng.uniform(0.0, 0.06) + rng.normal(0, 0.01, 3)
            k = min(remaining, int(rng.integers(6, 12)))
            trk.move(k, rng, ctx.st, pos=p, pose=ctx.pose("relaxed", rng))
            trk.hold(remaining - k)
            names.append(("relax", len(trk) - remaining, len(trk)))
            return
        allot = int(rng.integers(24, 90))
        if remaining - allot < 20:
            allot = remaining
        kind = str(rng.choice(_IDLE_KINDS, p=_IDLE_P))
        s = len(trk)
        _idle(trk, ctx, rng, kind, allot)
        names.append((kind, s, len(trk)))
        remaining -= len(trk) - s


# ----------------------------------------------------------------------------------------------
# clip assembly


def _kind_of(seed, i):
    perm = np.random.default_rng([_SALT_KIND, seed, i // 20]).permutation(20)
    return _BLOCK[perm[i % 20]]


def _labels_for(seed, i, kind):
    rng = np.random.default_rng([_SALT_LABEL, seed, i])
    swipes = ("swipe_left", "swipe_right", "swipe_up", "swipe_down")
    if kind in ("tight", "margin"):
        return [str(rng.choice(LABELS))]
    if kind == "pair":
        c = rng.integers(4)
        sw = str(rng.choice(swipes))
        return [("point", sw), ("grab", sw), ("point", "grab"), ("point", "come_here")][c]
    return [str(x) for x in rng.choice(LABELS, size=int(rng.integers(3, 6)))]


def _start_idle(ctx, rng):
    p = ctx.bp(rng.uniform(-0.15, 0.1), -rng.uniform(0.3, 0.6), rng.uniform(0.05, 0.3))
    return _Track(p, _idle_orientation(ctx, rng, (-0.3, -0.7, 0.5), (-1, 0.2, 0)), ctx.pose("relaxed", rng))


def _micro_motion(P, Q, H, ctx, rng):
    n = len(P)
    t = np.arange(n) / FPS
    amp_sway = rng.uniform(0.003, 0.01)
    sway = np.zeros((n, 3))
    for _ in range(2):
        f = rng.uniform(0.15, 0.5)
        sway += amp_sway * np.sin(2 * math.pi * f * t[:, None] + rng.uniform(0, 2 * math.pi, 3)) * rng.uniform(0.4, 1.0, 3)
    ft = rng.uniform(8.0, 12.0)
    trem = rng.uniform(0.0003, 0.0015) * np.sin(2 * math.pi * ft * t[:, None] + rng.uniform(0, 2 * math.pi, 3))
    trem *= (1 + 0.3 * np.sin(2 * math.pi * rng.uniform(0.3, 1.0) * t))[:, None]
    P = P + sway + trem
    rot = rng.uniform(0.003, 0.012) * np.sin(2 * math.pi * ft * t[:, None] + rng.uniform(0, 2 * math.pi, 3))
    rot += rng.uniform(0.01, 0.03) * np.sin(2 * math.pi * rng.uniform(0.1, 0.4) * t[:, None] + rng.uniform(0, 2 * math.pi, 3))
    half = rot / 2
    qs = np.concatenate([np.ones((n, 1)), half], 1)
    qs /= np.linalg.norm(qs, axis=1, keepdims=True)
    Q = _qmul(qs, Q)
    drift = np.cumsum(rng.normal(0, 0.004, (n, 20)), 0)
    kernel = np.ones(9) / 9
    drift = np.stack([np.convolve(drift[:, j], kernel, mode="same") for j in range(20)], 1)
    drift -= drift.mean(0)
    H = H + np.clip(drift, -0.05, 0.05)
    return P, Q, H


def _render(P, Q, H, ctx):
    local = _fk(H, ctx.an)
    world = P[:, None, :] + np.einsum("tij,tkj->tki", _qmat(Q), local)
    u, v, zc = ctx.project(world)
    z = (zc - zc[:, :1]) * ctx.fx / (zc[:, :1] * ctx.W)
    return np.stack([u, v, z], -1)


def _closure(lm, W, H):
    p = lm.astype(np.float64) * np.array([W, H, W])
    tips = np.linalg.norm(p[..., _TIPS, :] - p[..., :1, :], axis=-1).mean(-1)
    palm = np.linalg.norm(p[..., 9, :] - p[..., 0, :], axis=-1)
    return tips / np.maximum(palm, 1e-9)


def _direction(lm, W=1.0, H=1.0):
    d = (lm[:, 8, :2] - lm[:, 5, :2]).astype(np.float64) * np.array([W, H])
    u = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-12)
    m = u.mean(0)
    return float(math.degrees(math.atan2(-m[1], m[0])) % 360.0), float(np.linalg.norm(m))


def _valid(lm, gestures, W, H):
    for label, s, e, _ in gestures:
        seg = lm[s:e]
        inside = ((seg[..., 0] >= 0) & (seg[..., 0] <= 1) & (seg[..., 1] >= 0) & (seg[..., 1] <= 1)).mean()
        if inside < 0.9:
            return False
        c = _closure(seg, W, H)
        size = np.median(np.linalg.norm((seg[:, 9, :2] - seg[:, 0, :2]) * np.array([W, H]), axis=1))
        if label.startswith("swipe"):
            disp = (seg[-1, 0, :2] - seg[0, 0, :2]) * np.array([W, H])
            dvec = np.array(_SWIPE_DIR[label])
            main = float(disp @ dvec)
            perp = abs(float(disp[0] * dvec[1] - disp[1] * dvec[0]))
            if main < 1.2 * size or main < 2.0 * perp:
                return False
        elif label == "point":
            _, r = _direction(seg)
            if r < 0.9:
                return False
        elif label == "grab":
            if c[-1] > 0.72 * c[0] or c[0] < 1.65:
                return False
        elif label == "stop":
            if c.min() < 1.7:
                return False
        elif label == "come_here":
            if c.max() - c.min() < 0.2:
                return False
    return True


def _build(seed, i):
    kind = _kind_of(seed, i)
    labels = _labels_for(seed, i, kind)
    for attempt in range(8):
        rng = np.random.default_rng([_SALT_CLIP, seed, i, attempt])
        ctx = _Ctx(rng)
        gtracks = [_gesture(ctx, rng, lab) for lab in labels]
        idle_names = []
        intervals = []
        if kind == "tight":
            g = gtracks[0]
            trk = _Track(*g.first(), include_start=False)
            trk.hold(rng.integers(0, 3))
            intervals.append((len(trk), len(trk) + len(g)))
            trk.extend(g)
            trk.hold(rng.integers(0, 3))
        else:
            trk = _start_idle(ctx, rng)
            if kind == "margin":
                gaps = [ctx.frames(rng.uniform(0.6, 3.0)), ctx.frames(rng.uniform(0.5, 2.5))]
            elif kind == "pair":
                gaps = [ctx.frames(rng.uniform(0.4, 2.0)) for _ in range(3)]
            else:
                budget = _MAX_RECORDING_FRAMES - sum(len(g) for g in gtracks) - 22 * len(gtracks) - 10
                share = rng.dirichlet(np.full(len(gtracks) + 1, 2.0))
                gaps = [max(12, int(budget * f * rng.uniform(0.7, 1.0))) for f in share]
            gaps = [max(g_, 10) for g_ in gaps]
            for k, g in enumerate(gtracks):
                _idle_span(trk, ctx, rng, gaps[k], idle_names)
                p, q, h = g.first()
                ctx.transit(trk, rng, p, q, h, relaxed=False)
                intervals.append((len(trk), len(trk) + len(g)))
                trk.extend(g)
            _idle_span(trk, ctx, rng, gaps[-1], idle_names)
            if kind == "recording" and len(trk) > _MAX_RECORDING_FRAMES + 30:
                trk.truncate(max(_MAX_RECORDING_FRAMES + 30, intervals[-1][1] + 12))
        P, Q, H = trk.arrays()
        P, Q, H = _micro_motion(P, Q, H, ctx, rng)
        proj = _render(P, Q, H, ctx)
        clean = np.clip(proj, -0.3, 1.3).astype(np.float32)
        clean[..., 2] = np.clip(proj[..., 2], -1.0, 1.0)
        gestures = tuple((lab, int(s), int(e), None) for lab, (s, e) in zip(labels, intervals))
        if _valid(clean, gestures, ctx.W, ctx.H):
            break
    dirs_px = []
    out = []
    for lab, s, e, _ in gestures:
        if lab == "point":
            out.append((lab, s, e, _direction(clean[s:e])[0]))
            dirs_px.append(_direction(clean[s:e], ctx.W, ctx.H)[0])
        else:
            out.append((lab, s, e, None))
            dirs_px.append(None)
    meta = {
        "image_size": (int(ctx.W), int(ctx.H)),
        "direction_deg_pixels": dirs_px,
        "fps": FPS,
        "seed": int(seed),
        "index": int(i),
        "attempt": attempt,
        "style": ctx.style_name,
        "hand": "left" if ctx.left else "right",
        "glove": ctx.glove,
        "vest": ctx.vest,
        "distance_m": round(ctx.distance, 3),
        "hand_length_m": round(float(ctx.an.hand_len), 4),
        "camera": {"hfov_deg": round(ctx.hfov, 2), "roll_deg": round(math.degrees(ctx.roll), 2), "k1": round(ctx.k1, 4)},
        "idle": [list(x) for x in idle_names],
    }
    return kind, tuple(out), proj, clean, ctx, meta


# ----------------------------------------------------------------------------------------------
# tracker


def _runs(mask):
    idx = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return list(zip(idx[::2].tolist(), idx[1::2].tolist()))


def _track(proj, ctx, rng):
    n_out = proj.shape[0]
    W, H = ctx.W, ctx.H
    scale = np.array([W, H, W], float)
    r_base = float(rng.choice([30.0, 30.0, 25.0, 24.0, 20.0, 15.0, 12.0]) * rng.uniform(0.96, 1.03))
    jit = rng.uniform(0.02, 0.15)
    p_stall = rng.uniform(0.0, 0.02)
    p_dim = rng.uniform(0.002, 0.02) if rng.random() < 0.4 else 0.0
    t_end = (n_out - 1) / FPS + 0.25
    n_max = int(t_end * r_base * 1.5) + 40
    jn = rng.normal(0, jit, n_max)
    us = rng.random((n_max, 3))
    stall = rng.uniform(0.06, 0.25, n_max)
    latency = rng.uniform(0.0, 0.06)
    times = []
    t = -latency - rng.uniform(0.01, 1 / r_base)
    dim = False
    k = 0
    while t <= t_end and k < n_max:
        times.append(t)
        dim = (us[k, 0] > 0.05) if dim else (us[k, 0] < p_dim)
        dt = math.exp(jn[k]) / (r_base * (0.55 if dim else 1.0))
        if us[k, 1] < p_stall:
            dt += stall[k]
        t += dt
        k += 1
    times = np.array(times)
    K = len(times)
    expo = rng.uniform(0.004, 0.9 / r_base)

    def sample(tt):
        f = np.clip(tt * FPS, 0, n_out - 1)
        i0 = np.floor(f).astype(int)
        i1 = np.minimum(i0 + 1, n_out - 1)
        w = (f - i0)[:, None, None]
        return proj[i0] * (1 - w) + proj[i1] * w

    obs = (sample(times) + sample(times - expo / 2) + sample(times - expo)) / 3.0
    px = obs * scale
    hand_px = np.linalg.norm(px[:, 9, :2] - px[:, 0, :2], axis=1)
    inside = ((obs[..., 0] >= 0) & (obs[..., 0] <= 1) & (obs[..., 1] >= 0) & (obs[..., 1] <= 1)).mean(1)
    spd = np.zeros(K)
    spd[1:] = np.linalg.norm(np.diff(obs[:, 0, :2], axis=0), axis=1) / np.maximum(np.diff(times), 1e-3)
    cu, cv, _ = ctx.project(ctx.chest)
    chest_px = np.array([cu * W, cv * H])
    chest_r = 0.2 * ctx.fx / ctx.distance

    glove = ctx.glove
    noise_rel = rng.uniform(0.006, 0.02) * (1.5 if glove else 1.0)
    px_noise = rng.uniform(0.3, 1.2)
    rho = rng.uniform(0.3, 0.85)
    p_loss = rng.uniform(0.002, 0.015) * (1.6 if glove else 1.0)
    p_recover = rng.uniform(0.25, 0.6)
    p_swap = rng.uniform(0.004, 0.02) if rng.random() < (0.55 if glove else 0.4) else 0.0
    p_swap_end = rng.uniform(0.05, 0.25)
    w_swap = rng.uniform(0.05, 0.3)
    p_depth = rng.uniform(0.004, 0.025) if rng.random() < (0.7 if glove else 0.45) else 0.0
    p_depth_end = rng.uniform(0.03, 0.2)
    depth_keep = rng.uniform(0.0, 0.3)
    p_out = rng.uniform(0.001, 0.006)
    zscale = rng.uniform(0.6, 1.5)
    smooth = rng.random() > 0.25
    mincut = rng.uniform(0.8, 3.0)
    beta = rng.uniform(0.004, 0.04)
    lm_scale = np.ones((21, 3))
    lm_scale[list(_TIPS) + [4], :] = 1.4
    lm_scale[:, 2] *= 2.5
    noise = rng.normal(size=(K, 21, 3)) * lm_scale
    gshift = rng.normal(size=(K, 2))
    ur = rng.random((K, 6))
    out_kind = rng.integers(0, 3, K)
    out_amt = rng.uniform(0.3, 1.2, K)
    out_dir = rng.normal(size=(K, 2))
    chains = [(1, (2, 3, 4)), (5, (6, 7, 8)), (9, (10, 11, 12)), (13, (14, 15, 16)), (17, (18, 19, 20))]

    res = np.zeros((K, 21, 3))
    lost = np.zeros(K, bool)
    e = np.zeros((21, 3))
    bad = swap = flat = False
    xh = dxh = None
    t_prev = 0.0
    events = {"swap": 0, "depth": 0, "outlier": 0}
    for k in range(K):
        u = ur[k]
        if bad:
            bad = u[0] > p_recover
        else:
            pk = p_loss * (1 + 3 * (hand_px[k] < 25)) * (1 + min(spd[k] / 2.0, 1.5)) * (1 + 3 * (1 - inside[k]))
            bad = u[0] < pk
        if bad or inside[k] < 0.55:
            lost[k] = True
            xh = None
            continue
        p = px[k].copy()
        s = max(hand_px[k], 8.0)
        sig = noise_rel * s + px_noise
        e = rho * e + math.sqrt(1 - rho * rho) * noise[k]
        p += e * sig
        p[:, :2] += gshift[k] * sig * 0.7
        swap = (u[1] > p_swap_end) if swap else (u[1] < p_swap)
        if swap:
            events["swap"] += 1
            p[:, 2] = 2 * p[0, 2] - p[:, 2]
            ax = _unit(p[9, :2] - p[0, :2])
            v = p[:, :2] - p[0, :2]
            mir = p[0, :2] + 2 * (v @ ax)[:, None] * ax - v
            p[:, :2] = (1 - w_swap) * p[:, :2] + w_swap * mir
        flat = (u[2] > p_depth_end) if flat else (u[2] < p_depth)
        if flat:
            events["depth"] += 1
            for base, ch in chains:
                p[list(ch), 2] = p[base, 2] + depth_keep * (p[list(ch), 2] - p[base, 2])
        po = p_out * (4.0 if ctx.vest and np.linalg.norm(p[0, :2] - chest_px) < chest_r else 1.0) * (2.0 if glove else 1.0)
        if u[3] < po:
            events["outlier"] += 1
            if out_kind[k] == 0:
                c = p[[0, 5, 9, 13, 17]].mean(0)
                p[1:] = c + (1 - 0.5 * out_amt[k]) * (p[1:] - c)
            elif out_kind[k] == 1:
                p[:, :2] += out_dir[k] * s * out_amt[k] * 0.7
            else:
                f = int(u[4] * 5)
                base, ch = chains[f]
                p[list(ch), :2] += out_dir[k] * s * 0.4 * out_amt[k]
        p[:, 2] = p[0, 2] + zscale * (p[:, 2] - p[0, 2])
        if smooth:
            if xh is None:
                xh, dxh = p, np.zeros_like(p)
            else:
                dt = max(times[k] - t_prev, 1e-3)
                ad = 1.0 / (1.0 + 1.0 / (2 * math.pi * 1.5 * dt))
                dxh = ad * (p - xh) / dt + (1 - ad) * dxh
                fc = mincut + beta * np.abs(dxh)
                a = 1.0 / (1.0 + 1.0 / (2 * math.pi * fc * dt))
                xh = a * p + (1 - a) * xh
            p = xh
        t_prev = times[k]
        res[k] = p

    interp = rng.random() < 0.5
    tj = np.arange(n_out) / FPS - latency
    idx = np.searchsorted(times, tj, side="right") - 1
    outp = np.zeros((n_out, 21, 3))
    olost = np.zeros(n_out, bool)
    for j in range(n_out):
        i0 = idx[j]
        if i0 < 0:
            olost[j] = True
            continue
        if interp and i0 + 1 < K:
            w = (tj[j] - times[i0]) / max(times[i0 + 1] - times[i0], 1e-6)
            if not lost[i0] and not lost[i0 + 1]:
                outp[j] = (1 - w) * res[i0] + w * res[i0 + 1]
                continue
            near = i0 if w < 0.5 else i0 + 1
            if not lost[near]:
                outp[j] = res[near]
                continue
            olost[j] = True
        elif lost[i0]:
            olost[j] = True
        else:
            outp[j] = res[i0]
    olost |= rng.random(n_out) < rng.uniform(0.003, 0.015)
    outp = outp / scale
    outp[..., 2] -= outp[:, :1, 2]
    outp[..., :2] = np.clip(outp[..., :2], -0.3, 1.3)
    outp[..., 2] = np.clip(outp[..., 2], -1.0, 1.0)
    weights = rng.dirichlet([0.8, 0.8, 0.8])
    lost_runs = []
    for s, e_ in _runs(olost):
        mode = _LOST_MODES[int(rng.choice(3, p=weights))]
        if mode == "hold" and s == 0:
            mode = "nan"
        if mode == "nan":
            outp[s:e_] = np.nan
        elif mode == "zero":
            outp[s:e_] = 0.0
        else:
            outp[s:e_] = outp[s - 1]
        lost_runs.append([int(s), int(e_), mode])
    info = {
        "capture_fps": round(r_base, 2),
        "resample": "interp" if interp else "hold",
        "latency_s": round(latency, 4),
        "smoothing": "one_euro" if smooth else "none",
        "depth_scale": round(zscale, 3),
        "events": events,
    }
    return outp.astype(np.float32), lost_runs, info


# ----------------------------------------------------------------------------------------------
# public API


def _clip(seed, i, tracked):
    kind, gestures, proj, clean, ctx, meta = _build(seed, i)
    if not tracked:
        meta.update(clean=True, lost=[])
        return Blind17Clip(clean, gestures, kind, meta)
    rng = np.random.default_rng([_SALT_TRACK, seed, i])
    lm, lost, info = _track(proj, ctx, rng)
    meta.update(clean=False, lost=lost, tracker=info)
    return Blind17Clip(lm, gestures, kind, meta)


def blind17_dataset(n: int, seed: int = 0) -> list[Blind17Clip]:
    """Tracked clips (tracker noise, lag, resampling and lost frames); clip i depends only on (seed, i)."""
    return [_clip(seed, i, True) for i in range(n)]


def blind17_clean_dataset(n: int, seed: int = 0) -> list[Blind17Clip]:
    """The same clips before tracker errors: same labels and kinds, exact projected landmarks."""
    return [_clip(seed, i, False) for i in range(n)]


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
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
    ap.add_argument("out", type=Path)
    ap.add_argument("-n", type=int, default=20)
    ap.add_argument("-s", "--seed", type=int, default=0)
    ap.add_argument("--clean", action="store_true", help="write clips before tracker errors")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    clips = (blind17_clean_dataset if args.clean else blind17_dataset)(args.n, args.seed)
    entries = []
    for i, c in enumerate(clips):
        name = f"clip_{i:05d}.npy"
        np.save(args.out / name, c.landmarks)
        entries.append({"file": name, "kind": c.kind, "gestures": [list(g) for g in c.gestures], "meta": _jsonable(c.meta)})
    doc = {"generator": "blind17", "labels": list(LABELS), "fps": FPS, "seed": args.seed, "clean": args.clean, "clips": entries}
    (args.out / "labels.json").write_text(json.dumps(doc, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
