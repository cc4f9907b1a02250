"""Blind gesture clips: a third, independent generator of MediaPipe-style hand-landmark clips for tests.

Written only from the published clip conventions (21 landmarks, x/y normalised with y down, z relative to
the wrist, 30 fps, dropped frames all-NaN or repeated, 8 gestures), with numpy and the standard library.

- Hand: a metric 3-D skeleton (palm 9 cm) whose fingers are chains of quaternion joint rotations
  (abduction about the palm normal, then MCP/PIP/DIP flexion towards the palm side); the thumb is a
  chain on its own tilted base frame. Left hands are the mirror image. Postures are 20 joint angles.
- Motion: keyframes eased with minimum-jerk profiles (slerp for orientation), per-person tempo,
  styles and resting posture, a small sway/tremor overlay that is larger while idle.
- Camera: pinhole, focal 0.8-1.5 image widths, aspect 1, 4:3 or 16:9, roll within +-25 deg; the hand is
  0.09-0.45 image widths long (wrist to middle tip) at its working depth, so near hands show perspective.
- Tracker: AR(1) jitter per landmark plus a shared whole-hand term, both relative to hand size; frames
  with the hand mostly outside the image are lost; single and burst drops, all-NaN or repeated frames.
- Idle: loosely curled relaxed hands held low, slow drifting moves (at most 0.18 image widths/s on
  average), fidgets, the hand entering from below.
- Labels: a gesture's frames run from the moment the hand starts forming it (posture and orientation)
  to the end of its hold; a swipe's slower partial return, when there is one, belongs to the swipe; the
  release into a relaxed hand belongs to the idle after it. A point's direction_deg is measured on the
  noise-free landmarks (MCP 5 -> tip 8) over its hold, within 2 deg of point_deg when that is given.

``python tests/blind_gestures.py --n 40 --seed 0 [--save DIR]`` prints a summary and can save clips.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

FPS = 30
LABELS = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
SWIPES = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}
KINDS = ("tight", "margin", "pair", "recording")
KIND_SHARE = (0.3, 0.3, 0.2, 0.2)
HAND_LEN = 0.186  # metres, wrist to middle fingertip of the model hand

# Right hand, metres; hand frame: x towards the thumb side, y wrist -> fingers, z out of the palm.
MCP = np.array([[0.028, 0.088, 0.003], [0.006, 0.092, 0.0], [-0.013, 0.086, 0.001], [-0.030, 0.075, 0.004]])
BONES = np.array([[0.040, 0.024, 0.020], [0.045, 0.028, 0.021], [0.042, 0.027, 0.021], [0.033, 0.019, 0.018]])
FAN = np.array([0.10, 0.0, -0.09, -0.20])  # rest splay (rad, + = towards the thumb)
SPREAD_SIGN = np.array([1.0, 0.1, -1.0, -1.6])
THUMB_CMC, THUMB_BONES = np.array([0.024, 0.028, 0.008]), np.array([0.036, 0.031, 0.026])
EX, EY, EZ = np.eye(3)


# ----------------------------------------------------------------------------------------- quaternions (w, x, y, z)
def qmul(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    w = a[..., :1] * b[..., :1] - (a[..., 1:] * b[..., 1:]).sum(-1, keepdims=True)
    return np.concatenate([w, a[..., :1] * b[..., 1:] + b[..., :1] * a[..., 1:] + np.cross(a[..., 1:], b[..., 1:])], -1)


def qaxis(axis, angle):
    angle = np.asarray(angle, float)[..., None]
    axis = np.asarray(axis, float) / np.linalg.norm(axis, axis=-1, keepdims=True)
    return np.concatenate([np.cos(angle / 2) + 0 * axis[..., :1], np.sin(angle / 2) * axis], -1)


def qrot(q, v):
    t = 2 * np.cross(q[..., 1:], v)
    return v + q[..., :1] * t + np.cross(q[..., 1:], t)


def qslerp(a, b, s):
    b = -b if np.dot(a, b) < 0 else b
    th = np.arccos(np.clip(np.dot(a, b), -1, 1))
    if th < 1e-4:
        out = a + s[:, None] * (b - a)
    else:
        out = (np.sin((1 - s) * th)[:, None] * a + np.sin(s * th)[:, None] * b) / np.sin(th)
    return out / np.linalg.norm(out, axis=-1, keepdims=True)


def qmat(r):
    t = np.trace(r)
    if t > 0:
        s = 2 * np.sqrt(t + 1)
        q = [s / 4, (r[2, 1] - r[1, 2]) / s, (r[0, 2] - r[2, 0]) / s, (r[1, 0] - r[0, 1]) / s]
    else:
        i = int(np.argmax(np.diag(r)))
        j, k = (i + 1) % 3, (i + 2) % 3
        s = 2 * np.sqrt(1 + r[i, i] - r[j, j] - r[k, k])
        q = [0.0] * 4
        q[0], q[1 + i], q[1 + j], q[1 + k] = (r[k, j] - r[j, k]) / s, s / 4, (r[j, i] + r[i, j]) / s, (r[k, i] + r[i, k]) / s
    return np.array(q) / np.linalg.norm(q)


def _frame(a, b):
    a = np.asarray(a, float) / np.linalg.norm(a)
    for cand in (b, -EZ, EX):
        c = np.asarray(cand, float) - np.dot(cand, a) * a
        if np.linalg.norm(c) > 0.25:
            break
    c /= np.linalg.norm(c)
    return np.stack([a, c, np.cross(a, c)], 1)


def align(hand_a, cam_a, hand_b, cam_b):
    """Rotation (hand -> camera) taking hand_a exactly onto cam_a and hand_b as near as possible to cam_b."""
    return qmat(_frame(cam_a, cam_b) @ _frame(hand_a, hand_b).T)


THUMB_Q = align(EY, [0.66, 0.72, 0.2], EZ, [-0.5, -0.1, 0.85])


def minjerk(t):
    t = np.clip(t, 0, 1)
    return t**3 * (10 - 15 * t + 6 * t**2)


# ---------------------------------------------------------------------------------------------------- hand model
def hand_local(P, scale=1.0, left=False):
    """Posture angles (T, 20) -> landmarks (T, 21, 3) in the hand frame (metres)."""
    P = np.atleast_2d(P)
    out = np.zeros((len(P), 21, 3))
    q = qmul(qaxis(EZ, -P[:, 0]), THUMB_Q)
    p = np.broadcast_to(THUMB_CMC, (len(P), 3))
    out[:, 1] = p
    for j in range(3):
        q = qmul(q, qaxis(EX, P[:, 1 + j]))
        p = p + qrot(q, EY * THUMB_BONES[j])
        out[:, 2 + j] = p
    for f in range(4):
        a = P[:, 4 + 4 * f : 8 + 4 * f]
        q, p = qaxis(EZ, -(FAN[f] + SPREAD_SIGN[f] * a[:, 0])), np.broadcast_to(MCP[f], (len(P), 3))
        out[:, 5 + 4 * f] = p
        for j in range(3):
            q = qmul(q, qaxis(EX, a[:, 1 + j]))
            p = p + qrot(q, EY * BONES[f, j])
            out[:, 6 + 4 * f + j] = p
    out *= scale
    if left:
        out[..., 0] *= -1
    return out


def posture(thumb, fingers, rng=None, sd=0.0):
    P = np.concatenate([thumb] + [fingers[i] if isinstance(fingers[0], tuple) else fingers for i in range(4)]).astype(float)
    return P if rng is None else P + rng.normal(0, sd, 20)


THUMB = {"out": (0.15, 0.05, 0.1, 0.1), "along": (-0.5, 0.0, 0.05, 0.05), "tucked": (-0.25, 0.75, 0.55, 0.6)}
STRAIGHT, CURLED, BECKON = (0.0, 0.05, 0.06, 0.04), (-0.03, 1.5, 1.75, 1.0), (0.0, 1.1, 1.45, 0.8)


# ------------------------------------------------------------------------------------------------ people, camera
def _person(rng):
    per = {
        "left": bool(rng.random() < 0.45),
        "size": float(np.exp(rng.uniform(np.log(0.09), np.log(0.45)))),
        "f": rng.uniform(0.8, 1.5),
        "aspect": float(rng.choice([1.0, 4 / 3, 16 / 9], p=[0.3, 0.35, 0.35])),
        "roll": float(np.deg2rad(np.clip(rng.normal(0, 11), -25, 25))),
        "scale": rng.uniform(0.88, 1.12),
        "tempo": float(np.clip(np.exp(rng.normal(0, 0.2)), 0.7, 1.45)),
        "w_idle": rng.uniform(0.8, 1.3),
        "tracker": "nan" if rng.random() < 0.7 else "repeat",
        "drop": 0.0 if rng.random() < 0.25 else rng.uniform(0.005, 0.05),
        "jit": (rng.uniform(0.003, 0.016), rng.uniform(0.002, 0.01), rng.uniform(0.3, 0.85)),
    }
    per["Z"] = per["f"] * HAND_LEN * per["scale"] / per["size"]
    per["v_idle"] = min(0.18, rng.uniform(0.6, 1.2) * per["size"])  # mean speed of idle moves, image widths/s
    per["body"] = (rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.6))  # the person's shoulder centre in the image
    t, (b1, b2) = rng.uniform([-0.15, 0.2, 0.2, 0.15], [0.1, 0.45, 0.5, 0.4]), rng.uniform([0.35, 0.55], [0.6, 0.85])
    fingers = [(rng.uniform(-0.03, 0.06), b1 + 0.09 * i, b2 + 0.08 * i, rng.uniform(0.2, 0.45)) for i in range(4)]
    per["relaxed"] = posture(t, fingers, rng, 0.04)
    hs = np.array([per["size"], per["size"] * per["aspect"]])  # hand length in normalised x, y
    rest = per["body"] + hs * [rng.uniform(-1, 1), rng.uniform(1.5, 2.5)]
    per["rest_uv"] = (np.clip(rest[0], 0.2, 0.8), max(0.45, min(rest[1], 0.95 - 0.55 * hs[1])))
    per["point_thumb"] = "tucked" if rng.random() < 0.6 else "out"
    per["swipe_style"] = "open" if rng.random() < 0.6 else "flat"
    per["beckon"] = rng.choice(["palm_up", "palm_up", "index", "palm_camera"])
    return per


def world(per, u, v):
    """Image point (before the camera roll, normalised) of the wrist at the working depth -> camera-frame metres."""
    z = per["Z"]
    return np.array([(u - 0.5) * z / per["f"], (v - 0.5) * z / (per["f"] * per["aspect"]), z])


def _img(per, w):
    return per["f"] * np.asarray(w)[..., :2] / np.asarray(w)[..., 2:]  # width units, unrolled


def _rest(rng, per):
    u, v = per["rest_uv"]
    fingers = [rng.normal(0, 0.35), rng.uniform(0.2, 0.9), -rng.uniform(0.3, 1.0)]
    normal = [rng.choice([-1, 1]) * rng.uniform(0.3, 1), rng.uniform(0.3, 1), rng.uniform(-0.2, 0.3)]
    return world(per, u + rng.normal(0, 0.03), v + rng.normal(0, 0.02)), align(EY, fingers, EZ, normal)


# ---------------------------------------------------------------------------------------------------- timeline
class Track:
    def __init__(self, P, W, Q):
        self.P, self.W, self.Q, self.L = [P[None]], [W[None]], [Q[None]], [np.ones(1)]

    @property
    def n(self):
        return sum(len(x) for x in self.L)

    def last(self):
        return self.P[-1][-1], self.W[-1][-1], self.Q[-1][-1]

    def add(self, P, W, Q, loose):
        self.P.append(P), self.W.append(W), self.Q.append(Q), self.L.append(np.full(len(P), float(loose)))

    def go(self, n, pose=None, pos=None, q=None, loose=0.3, arc=None, stagger=None):
        """Append n frames easing (minimum jerk, slerp) from the last state to the given targets; None keeps a value."""
        n = int(round(n))
        if n <= 0:
            return
        p0, w0, q0 = self.last()
        t = np.arange(1, n + 1) / n
        tp = t[:, None] if stagger is None else np.clip((t[:, None] - stagger) / (1 - stagger.max()), 0, 1)
        e = minjerk(t)
        P = p0 + minjerk(tp) * ((p0 if pose is None else pose) - p0)
        W = w0 + e[:, None] * ((w0 if pos is None else pos) - w0)
        if arc is not None:
            W = W + np.sin(np.pi * e)[:, None] * arc
        self.add(P, W, qslerp(q0, q0 if q is None else q, e), loose)

    def arrays(self):
        return [np.concatenate(x) for x in (self.P, self.W, self.Q, self.L)]


def _move_frames(per, tr, pos, q):
    _, w0, q0 = tr.last()
    dist = np.linalg.norm(_img(per, pos) - _img(per, w0))
    ang = 2 * np.arccos(min(1.0, abs(float(np.dot(q0, q)))))
    return FPS * max(0.4, dist / per["v_idle"], ang / per["w_idle"])


def _wander(tr, rng, per, n):
    anchor = tr.last()[1]
    while n > 0:
        k = min(n, int(rng.uniform(0.6, 1.5) * FPS))
        k = n if n - k < 8 else k
        amp = min(1.0, k / FPS)  # short steps move less: idle stays slow
        q = qmul(qaxis(rng.normal(size=3), amp * rng.uniform(0, 0.12)), tr.last()[2])
        tr.go(k, per["relaxed"] + amp * rng.normal(0, 0.07, 20), anchor + rng.normal(0, amp * 0.05 * HAND_LEN, 3), q, loose=1.0)
        n -= k


def _idle(tr, rng, per, n, target=None):
    """Append about n idle frames (more when the slow move needs them), ending relaxed at target (pos, q) or at rest."""
    if n <= 0:
        return
    relax = int(min(n, rng.uniform(0.3, 0.5) * FPS))
    tr.go(relax, per["relaxed"] + rng.normal(0, 0.05, 20), tr.last()[1] + rng.normal(0, 0.03 * HAND_LEN, 3), loose=0.6)
    n -= relax
    rest = _rest(rng, per)
    if target is None:
        k = int(_move_frames(per, tr, *rest))
        if n >= k:
            tr.go(k, per["relaxed"], *rest, loose=1.0)
            n -= k
        return _wander(tr, rng, per, n)
    need = _move_frames(per, tr, *target)
    if n > need + 2 * FPS and rng.random() < 0.6:
        k = int(_move_frames(per, tr, *rest))
        tr.go(k, per["relaxed"], *rest, loose=1.0)
        n -= k
        need = _move_frames(per, tr, *target)
    _wander(tr, rng, per, int(n - need))
    tr.go(max(need, 6), per["relaxed"] + rng.normal(0, 0.05, 20), *target, loose=1.0)


# ------------------------------------------------------------------------------------------------------ gestures
def _gesture(rng, per, label, point_deg=None):
    """A gesture's start (pos, approach orientation) and a function appending its frames (returns hold frames)."""
    tempo, size, asp = per["tempo"], per["size"], per["aspect"]
    u = np.clip(per["body"][0] + rng.uniform(-1.2, 1.2) * size, 0.2, 0.8)
    v = np.clip(per["body"][1] + rng.uniform(-0.5, 1.2) * size * asp, 0.25, 0.75)
    sec = lambda a, b: max(2, int(rng.uniform(a, b) * tempo * FPS))  # noqa: E731
    hold, pos = [], None

    def upright(tilt_sd=0.15, pitch_sd=0.15, normal=(0.0, 0.0, -1.0)):
        tilt, pitch = rng.normal(0, tilt_sd), rng.normal(0, pitch_sd)
        return align(EY, [np.sin(tilt), -np.cos(tilt) * np.cos(pitch), -np.sin(pitch)], EZ, np.add(normal, rng.normal(0, 0.15, 3)))

    if label == "point":
        d = np.deg2rad(rng.uniform(0, 360) if point_deg is None else point_deg)
        phi = np.arctan2(np.sin(d) / asp, np.cos(d)) + per["roll"]  # y-up angle in pixel space before the camera roll
        el = np.deg2rad(rng.uniform(-15, 35))
        pose = posture(THUMB[per["point_thumb"]], [STRAIGHT, CURLED, CURLED, CURLED], rng, 0.04)
        lm = hand_local(pose, per["scale"], per["left"])[0]
        palm = [rng.uniform(-0.3, 0.3), rng.uniform(0, 1), -rng.uniform(0, 1)]
        u, v = u - 0.15 * np.cos(d) * size, v + 0.15 * np.sin(d) * size * asp

        def aim(phi):
            t = [np.cos(el) * np.cos(phi), -np.cos(el) * np.sin(phi), -np.sin(el)]
            q = align(lm[8] - lm[5], t, EZ, palm)
            return q, _direction(_render(per, pose[None], world(per, u, v)[None], q[None]))

        for _ in range(6):  # Newton steps on phi until the index points where asked in the image (perspective, aspect)
            q, seen = aim(phi)
            err = (np.rad2deg(d) - seen + 180) % 360 - 180
            if abs(err) < 0.2:
                break
            slope = np.clip(((aim(phi + 0.02)[1] - seen + 180) % 360 - 180) / np.rad2deg(0.02), 0.3, 4.0)
            phi += np.deg2rad(err / slope)

        def perform(tr):
            tr.go(sec(0.15, 0.35), pose, None, q, loose=0.3)
            start = tr.n
            tr.go(sec(0.5, 1.7), pose, None, qmul(qaxis(rng.normal(size=3), rng.uniform(0, 0.04)), q), loose=0.12)
            hold.append((start, tr.n))

    elif label == "stop":
        spread = rng.random() < 0.5
        sp = rng.uniform(0.12, 0.25) if spread else rng.uniform(-0.06, 0.0)
        pose = posture(THUMB["out" if spread else "along"], (sp,) + STRAIGHT[1:], rng, 0.03)
        q = upright()
        pos, push = world(per, u, v + 0.1), rng.uniform(0.0, 0.03)

        def perform(tr):
            tr.go(sec(0.15, 0.35), pose, tr.last()[1] - EZ * push, q, loose=0.2)
            tr.go(sec(0.6, 1.7), loose=0.04)

    elif label == "grab":
        q = upright() if rng.random() < 0.6 else upright(normal=(rng.choice([-1, 1]), 0.0, -0.6))
        opened = posture(THUMB["out"], (rng.uniform(0.1, 0.25),) + STRAIGHT[1:], rng, 0.03)
        fist = posture(THUMB["tucked"], CURLED, rng, 0.04)
        stagger = np.repeat(np.r_[0.0, rng.uniform(0, 0.15, 4)], 4) if rng.random() < 0.5 else np.zeros(20)
        fast = rng.random() < 0.5

        def perform(tr):
            tr.go(sec(0.15, 0.3), opened, None, q, loose=0.25)
            tr.go(sec(0.1, 0.25), loose=0.15)
            reach = tr.last()[1] + [0, 0, rng.uniform(-0.04, 0.01)]
            tr.go(sec(0.18, 0.35) if fast else sec(0.5, 1.0), fist, reach, loose=0.2, stagger=stagger)
            tr.go(sec(0.2, 0.5), loose=0.12)

    elif label in SWIPES:
        dx, dy = SWIPES[label]
        D = float(np.clip(max(rng.uniform(0.25, 0.5), 0.9 * size), 0.25, 0.6 if dx else 0.62 / asp))
        if dx:
            u, v = 0.5 - dx * D / 2 + rng.uniform(-0.08, 0.08), rng.uniform(0.3, 0.6)
        else:
            u, v = rng.uniform(0.3, 0.7), 0.5 + 0.08 - dy * D * asp / 2 + rng.uniform(-0.05, 0.05)
        if per["swipe_style"] == "open":
            pose, q = posture(THUMB["out"], (rng.uniform(0.02, 0.15),) + STRAIGHT[1:], rng, 0.04), upright(0.25)
        else:
            pose = posture(THUMB["along"], (-0.04,) + STRAIGHT[1:], rng, 0.03)
            side = rng.choice([-1, 1])
            q = upright(0.2, normal=(dx, 0, -0.5)) if dx else align(EY, [side, rng.uniform(-0.2, 0.2), -0.4], EZ, [0, dy, -0.4])
        move = np.array([dx * D, dy * D, 0]) * per["Z"] / per["f"]
        arc = np.array([dy, dx, 0]) * rng.uniform(-0.12, 0.12) * D * per["Z"] / per["f"]
        flick = qaxis(EZ, rng.choice([-1, 1]) * rng.uniform(0.05, 0.3))
        n_stroke = max(5, int(rng.uniform(0.18, 0.42) * np.sqrt(tempo) * FPS))

        def perform(tr):
            tr.go(sec(0.1, 0.25), pose, None, q, loose=0.25)
            tr.go(rng.integers(2, 6), loose=0.15)
            w0 = tr.last()[1]
            tr.go(n_stroke, None, w0 + move, qmul(flick, q), loose=0.2, arc=arc)
            if rng.random() < 0.55:  # slower partial return, still the same gesture
                ratio = rng.uniform(0.2, 0.33)  # return speed / stroke speed
                back = min(rng.uniform(0.3, 0.9), 1.5 * FPS * ratio / n_stroke)
                tr.go(n_stroke * back / ratio, (pose + per["relaxed"]) / 2, w0 + move * (1 - back), q, loose=0.4)
            else:
                tr.go(rng.integers(4, 10), loose=0.3)

    elif label == "come_here":
        style = per["beckon"]
        if style == "palm_camera":
            q = upright(0.2)
        else:
            side = rng.choice([-1, 1]) * rng.uniform(0.3, 1.0)
            q = align(EY, [side, rng.uniform(-0.1, 0.4), -1], EZ, [0, -1, -rng.uniform(0.2, 0.8)])
        index_only = style == "index"
        base = posture(THUMB["out"], STRAIGHT, rng, 0.03)
        curl = posture(THUMB["out"], BECKON, rng, 0.08)
        if index_only:
            base[8:] = curl[8:] = posture(THUMB["out"], CURLED, rng, 0.05)[8:]
        period, cycles = rng.uniform(0.35, 0.7) * tempo, int(rng.integers(2, 5))
        cycles = max(2, min(cycles, int(2.4 / period)))
        lag = np.repeat(np.r_[0.0, np.sort(rng.uniform(0, 0.08, 4))], 4) * period

        def perform(tr):
            tr.go(sec(0.15, 0.3), base, None, q, loose=0.25)
            _, w0, q0 = tr.last()
            t = np.arange(1, int((cycles * period + lag.max()) * FPS) + 1) / FPS
            ph = np.clip((t[:, None] - lag) / period, 0, cycles)
            P = base + (1 - np.cos(2 * np.pi * ph)) / 2 * (curl - base)
            bob = np.sin(2 * np.pi * np.clip(t / period, 0, cycles))[:, None] * qrot(q0, EZ) * 0.04 * HAND_LEN
            tr.add(P, w0 + bob, np.repeat(q0[None], len(t), 0), 0.2)

    else:
        raise ValueError(f"unknown gesture {label!r}; allowed: {', '.join(LABELS)}")
    pos = world(per, u, v) if pos is None else pos
    q_pre = qslerp(_rest(rng, per)[1], q, np.array([0.8]))[0]
    return {"label": label, "pos": pos, "q_pre": q_pre, "perform": perform, "hold": hold}


# -------------------------------------------------------------------------------------------------- clip assembly
@dataclass
class BlindClip:
    landmarks: np.ndarray  # (T, 21, 3) float32
    gestures: list  # [(label, start, end, direction_deg or None)], end exclusive
    kind: str
    meta: dict = field(default_factory=dict)


def _render(per, P, W, Q):
    pts = W[:, None] + qrot(Q[:, None], hand_local(P, per["scale"], per["left"]))
    c, s = np.cos(per["roll"]), np.sin(per["roll"])
    X, Y, Z = c * pts[..., 0] - s * pts[..., 1], s * pts[..., 0] + c * pts[..., 1], pts[..., 2]
    f, a = per["f"], per["aspect"]
    return np.stack([0.5 + f * X / Z, (0.5 / a + f * Y / Z) * a, f * (Z - Z[:, :1]) / Z[:, :1]], -1)


def _smooth(rng, T, dims, tau):
    k = int(3 * tau) + 1
    ker = np.exp(-0.5 * (np.arange(-k, k + 1) / tau) ** 2)
    w = rng.standard_normal((T + 2 * k, dims))
    return np.stack([np.convolve(w[:, d], ker, "valid") for d in range(dims)], 1) / np.sqrt((ker**2).sum())


def _noise_and_drops(rng, per, clean, spans):
    T = len(clean)
    k1, k2, rho = per["jit"]
    sd = per["size"] * np.array([1.0, per["aspect"], 1.5])
    e, g = np.zeros((T, 21, 3)), np.zeros((T, 1, 3))
    xi, xg = rng.standard_normal((T, 21, 3)), rng.standard_normal((T, 1, 3))
    e[0], g[0] = xi[0], xg[0]
    for t in range(1, T):
        e[t] = rho * e[t - 1] + np.sqrt(1 - rho**2) * xi[t]
        g[t] = rho * g[t - 1] + np.sqrt(1 - rho**2) * xg[t]
    tips = np.ones((21, 1))
    tips[[4, 8, 12, 16, 20]] = 1.3
    out = clean + (k1 * e * tips + k2 * g) * sd
    out[..., 2] -= out[:, :1, 2]  # depth stays relative to the (noisy) wrist
    xy = clean[..., :2]
    lost = ((xy < 0) | (xy > 1)).any(-1).mean(1) > 0.35  # hand mostly outside the image: not detected
    drop = np.zeros(T, bool)
    in_g = np.zeros(T, bool)
    for _, s, e_, _ in spans:
        in_g[s:e_] = True
    for _ in range(rng.poisson(per["drop"] * T)):
        t = int(rng.integers(0, T))
        n = 1 if rng.random() < 0.75 else int(rng.integers(2, 9))
        drop[t : t + (min(n, 3) if in_g[t] else n)] = True
    out[lost] = np.nan
    for t in np.flatnonzero(drop & ~lost):
        out[t] = np.nan if per["tracker"] == "nan" or t == 0 else out[t - 1]
    return out, lost


def _direction(lm):
    v = lm[:, 8, :2] - lm[:, 5, :2]
    a = np.arctan2(-v[:, 1], v[:, 0])
    return float(np.rad2deg(np.arctan2(np.sin(a).mean(), np.cos(a).mean())) % 360)


def _plan(rng, kind, gestures):
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")
    if gestures is not None:
        gestures = [gestures] if isinstance(gestures, str) else list(gestures)
        bad = [g for g in gestures if g not in LABELS]
        if bad or not 1 <= len(gestures) <= 5:
            raise ValueError(f"gestures must be 1-5 labels (got {gestures!r}); allowed: {', '.join(LABELS)}")
        kind = kind or {1: "margin", 2: "pair"}.get(len(gestures), "recording")
        want = {"tight": "1", "margin": "1", "pair": "2", "recording": "3-5"}[kind]
        if not int(want[0]) <= len(gestures) <= int(want[-1]):
            raise ValueError(f"kind {kind!r} takes {want} gestures; got {len(gestures)}")
        return kind, gestures
    kind = kind or str(rng.choice(KINDS, p=KIND_SHARE))
    swipe = str(rng.choice(list(SWIPES)))
    if kind in ("tight", "margin"):
        return kind, [str(rng.choice(LABELS))]
    if kind == "pair":
        return kind, [["point", swipe], ["grab", swipe], ["point", "grab"], ["point", "come_here"]][int(rng.integers(4))]
    return kind, [str(g) for g in rng.choice(LABELS, int(rng.integers(3, 6)))]


def blind_clip(rng, kind=None, gestures=None, point_deg=None) -> BlindClip:
    """One clip. rng: numpy Generator (or seed); kind in KINDS; gestures: labels; point_deg: direction for every point."""
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    kind, labels = _plan(rng, kind, gestures)
    for _ in range(40):
        clip = _attempt(rng, kind, labels, point_deg)
        if clip is not None:
            return clip
    raise RuntimeError(f"could not place {labels} in the image")  # not reached in practice


def _attempt(rng, kind, labels, point_deg):
    per = _person(rng)
    specs = [_gesture(rng, per, lab, point_deg) for lab in labels]
    s = lambda a, b: int(rng.uniform(a, b) * FPS)  # noqa: E731
    pre, mid, post = {"tight": ((0, 0.1), None, (0, 0.1)), "margin": ((0.5, 2.5), None, (0.5, 2.0))}.get(
        kind, ((0.2, 1.2), (0.4, 1.5), (0.2, 1.2)) if kind == "pair" else ((0.5, 2.0), (0.6, 2.5), (0.5, 2.0))
    )
    relaxed = per["relaxed"]
    entering = kind in ("margin", "recording") and rng.random() < 0.3
    if kind in ("tight", "pair"):
        tr = Track(relaxed, specs[0]["pos"], specs[0]["q_pre"])
        tr.go(s(*pre), None, specs[0]["pos"] + rng.normal(0, 0.01 * HAND_LEN, 3), loose=0.6)
    else:
        w, q = _rest(rng, per)
        if entering:
            below = 1.0 - per["rest_uv"][1] + 0.35 * per["size"] * per["aspect"]  # normalised y to move out of the image
            w = w + [rng.normal(0, 0.05), 0.0, 0.0] + EY * below * per["Z"] / per["f"] / per["aspect"]
        tr = Track(relaxed, w, q)
        if entering:  # slow rise from below the image; the tracker finds the hand once it is mostly inside
            rest = _rest(rng, per)
            tr.go(_move_frames(per, tr, *rest), relaxed, *rest, loose=1.0)
        _idle(tr, rng, per, s(*pre), (specs[0]["pos"], specs[0]["q_pre"]))
    spans = []
    for i, sp in enumerate(specs):
        if i:
            _idle(tr, rng, per, s(*mid), (sp["pos"], sp["q_pre"]))
        start = tr.n
        sp["perform"](tr)
        spans.append([sp["label"], start, tr.n, None])
    if kind == "tight":
        tr.go(s(*post), loose=0.3)
    else:
        _idle(tr, rng, per, s(*post), None)
    P, W, Q, L = tr.arrays()
    T = len(P)
    L = np.convolve(np.pad(L, 4, mode="edge"), np.ones(9) / 9, "valid")[:, None]
    W = W + L * _smooth(rng, T, 3, 8) * 0.015 * HAND_LEN
    P = P + L * _smooth(rng, T, 20, 6) * 0.04
    rv = 0.03 * L * _smooth(rng, T, 3, 10) + 1e-12
    Q = qmul(qaxis(rv, np.linalg.norm(rv, axis=1)), Q)
    clean = _render(per, P, W, Q)
    for sp, span in zip(specs, spans):
        if sp["hold"]:
            span[3] = _direction(clean[slice(*sp["hold"][0])])
    out, lost = _noise_and_drops(rng, per, clean, spans)
    seen = out[~np.isnan(out).any((1, 2))][..., :2]
    if any(lost[s:e].any() for _, s, e, _ in spans) or seen.min() < -0.3 or seen.max() > 1.3:
        return None
    meta = {k: per[k] for k in ("left", "size", "aspect", "tracker", "tempo", "swipe_style", "point_thumb", "beckon")}
    meta.update(roll_deg=float(np.rad2deg(per["roll"])), entering=entering, clean=clean.astype(np.float32))
    return BlindClip(out.astype(np.float32), [tuple(x) for x in spans], kind, meta)


def blind_dataset(n: int, seed: int) -> list[BlindClip]:
    """n clips, kinds in 30/30/20/20 shares, single gestures balanced over the vocabulary; deterministic in seed."""
    rng = np.random.default_rng(seed)
    counts = np.floor(np.array(KIND_SHARE) * n).astype(int)
    counts[np.argsort(-(np.array(KIND_SHARE) * n - counts))[: n - counts.sum()]] += 1
    kinds = rng.permutation(np.repeat(KINDS, counts))
    singles = iter(np.concatenate([rng.permutation(LABELS) for _ in range(n // 8 + 1)]))
    clips = []
    for i, kind in enumerate(kinds):
        crng = np.random.default_rng([seed, i])
        clips.append(blind_clip(crng, str(kind), [str(next(singles))] if kind in ("tight", "margin") else None))
    return clips


# --------------------------------------------------------------------------------------------------------- scoring
def score(recognize, clips) -> dict:
    """Label-sequence accuracy overall, per kind and per single gesture; pointing error over points of matched clips."""
    by_kind, by_gesture, errors, confusion = {}, {}, [], Counter()
    for c in clips:
        pred = sorted(recognize(c.landmarks), key=lambda g: g["start"])
        truth = [g[0] for g in c.gestures]
        ok = [p["label"] for p in pred] == truth
        by_kind.setdefault(c.kind, []).append(ok)
        if len(truth) == 1:
            by_gesture.setdefault(truth[0], []).append(ok)
            confusion[(truth[0], "+".join(p["label"] for p in pred) or "none")] += 1
        if ok:
            for (label, _, _, d), p in zip(c.gestures, pred):
                if label == "point":
                    got = p.get("direction_deg")
                    errors.append(180.0 if got is None else abs((got - d + 180) % 360 - 180))
    mean = lambda xs: float(np.mean(xs)) if xs else float("nan")  # noqa: E731
    return {
        "n": len(clips),
        "accuracy": mean([x for v in by_kind.values() for x in v]),
        "by_kind": {k: mean(v) for k, v in sorted(by_kind.items())},
        "by_gesture": {k: mean(v) for k, v in sorted(by_gesture.items())},
        "pointing_error_deg": {"median": float(np.median(errors)) if errors else float("nan"), "mean": mean(errors), "n": len(errors)},
        "confusion": {f"{t} -> {p}": n for (t, p), n in sorted(confusion.items())},
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Summarise (and optionally save) a blind gesture data set.")
    ap.add_argument("--n", type=int, default=40, help="number of clips (1-10000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save", metavar="DIR", help="write the first --save-count clips as DIR/clip_NNN.npy plus clip_NNN.json labels")
    ap.add_argument("--save-count", type=int, default=5)
    a = ap.parse_args(argv)
    if not 1 <= a.n <= 10000 or a.save_count < 0:
        print(f"error: --n must be 1-10000 and --save-count >= 0 (got {a.n}, {a.save_count})", file=sys.stderr)
        return 2
    if a.save and os.path.exists(a.save) and not os.path.isdir(a.save):
        print(f"error: --save {a.save!r} exists and is not a folder", file=sys.stderr)
        return 2
    clips = blind_dataset(a.n, a.seed)
    frames = np.array([len(c.landmarks) for c in clips])
    dropped = sum(int(np.isnan(c.landmarks).all((1, 2)).sum()) for c in clips)
    print(f"{a.n} clips (seed {a.seed}), {frames.sum()} frames, {frames.mean() / FPS:.1f} s mean, {dropped} all-NaN frames")
    print("kinds:    " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(c.kind for c in clips).items())))
    print("gestures: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(g[0] for c in clips for g in c.gestures).items())))
    sizes = [c.meta["size"] for c in clips]
    print(
        f"people:   {sum(c.meta['left'] for c in clips)} left hands, hand length {min(sizes):.2f}-{max(sizes):.2f} image widths, "
        f"roll {min(c.meta['roll_deg'] for c in clips):+.0f} to {max(c.meta['roll_deg'] for c in clips):+.0f} deg, "
        f"{sum(c.meta['tracker'] == 'repeat' for c in clips)} clips from trackers that repeat dropped frames"
    )
    if a.save:
        os.makedirs(a.save, exist_ok=True)
        for i, c in enumerate(clips[: a.save_count]):
            base = os.path.join(a.save, f"clip_{i:03d}")
            np.save(base + ".tmp.npy", c.landmarks)
            os.replace(base + ".tmp.npy", base + ".npy")
            with open(base + ".json.tmp", "w") as fh:
                json.dump({"kind": c.kind, "gestures": c.gestures}, fh)
            os.replace(base + ".json.tmp", base + ".json")
        print(f"saved {min(a.save_count, len(clips))} clips to {a.save}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
