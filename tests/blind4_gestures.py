"""Blind4: an independent, fully blind generator of hand-tracker gesture clips.

Written from the clip format and gesture vocabulary alone, without looking at the project's recognizer,
its training data or the other clip generators, to measure how the gesture reader transfers to clips
it was never tuned on.  numpy and the standard library only.

Output format: float32 (T, 21, 3) MediaPipe hand landmarks at 30 fps; x, y normalised by image width
and height (x right, y down), z = depth relative to the wrist in x units (smaller is closer); a dropped
frame is all-NaN (in a few clips all-zero instead).  Labels are ``(label, start_frame, end_frame,
direction_deg)`` with an inclusive frame range; ``direction_deg`` only for ``point``, measured in
normalised image coordinates with y flipped (0 = right, 90 = up).

Models (all of them are this file's own):

* Hand.  A 3-D skeleton in a hand-local frame (u = wrist->middle knuckle, v = thumb side, n = palmar
  normal).  Per person: hand length 16.5-20.5 cm, palm share, per-finger and per-segment lengths after
  anthropometric proportions with individual variation, knuckle line width and shape, natural finger
  splay, thumb CMC placement and thumb segment lengths.  Each finger is a planar chain driven by MCP,
  PIP and DIP flexion plus MCP abduction; the thumb is a metacarpal aimed by abduction and opposition
  angles, then bends at MCP and IP in a plane that crosses the palm.  A palm-arch parameter cups the
  ring and little knuckles (the palm is a deformable quadrilateral).  Left hands are mirror images.
  Postures (open, spread, relaxed, fist, point with thumb tucked / out / alongside, hooked index) are
  sampled with per-person looseness; finger closing is staggered per finger.
* Motion.  The person stands 0.6-4 m from the camera, possibly turned by up to 25 degrees; positions
  are laid out relative to the shoulder of the gesturing arm (rest hanging at the thigh, resting at
  the waist, ready at the chest, working space in front of the chest).  Every move is a minimum-jerk
  transition of wrist position, hand orientation (geodesic rotation, via an intermediate orientation for
  big turns) and finger posture, with arcs (bulges) where the forearm pivots.  Swipes are planned as
  image-space strokes of a physical length (18-55 cm per person, shortened to fit the view), with
  per-person sloppiness (diagonal), skewed speed profiles, a hand that rotates toward the stroke
  direction along the arc, palm styles (wiper, sweep, flat, lift, press, palm-to-camera; a closed fist
  in some grab-then-swipe pairs) and a wind-up;
  the wind-up and the way back after a swipe are kept at most ~0.55 of the stroke's mean speed.
  Points aim the index finger at a 3-D direction (any image direction, out of or into the image plane),
  with a reach or simply held still.  Grabs close an open hand (palm to camera, down or sideways) quickly
  or slowly with a reach and a small lift.  come_here is 2-4 beckoning cycles with the whole hand palm
  up, one hooked index finger, or the back of the hand waving toward the body.  stop is a raised palm,
  held or brief, sometimes pushed forward.  On top: smooth physiological drift and tremor, larger
  fidgeting in idle (drift, hand turns, finger taps), slow body sway.
* Camera.  Pinhole with square pixels, 4:3 or 16:9 frames (x, y normalised per axis, so motion is
  squashed on wide frames), horizontal field of view 55-80 degrees, small roll and pitch; the working
  space is framed anywhere in the picture and the hand spans 6-42 % of the frame height (at least 45 px).
  z is the depth difference to the wrist scaled like x.
* Tracker (its own random stream; ``blind4_clean_dataset`` gives the same clips without it).  Detection
  lost when the hand is largely out of frame or tiny, random drop-outs in runs, more drop-outs at high
  speed (motion blur); landmark noise (white, temporally correlated per landmark,
  whole-hand jitter, more on fingertips and off-frame points); a one-euro style smoothing filter with lag
  in most clips; rare glitches (mirrored hand, jump, fingertips swapped); noisy and mis-scaled z;
  repeated frames; values past [-0.28, 1.28] count as lost.
* Clips.  tight (cropped to one gesture, 30 %), margin (one gesture with idle before and after, hand
  rising into view and dropping out, 25 %), pair (point or grab then a swipe, point then grab, point
  then come_here, 25 %), recording (3-5 arbitrary gestures with idle in between, 20 %).  Each clip is
  checked on its tracker-free frames (hand in view during the gestures, swipe displacement along its
  label, grab closes, index visible and steady for points, beckoning moves the fingers, stop shows the
  palm) and redrawn when a check fails, so labels are what a person watching would say; this rejection
  biases toward clearly performed, mostly in-frame gestures.

CLI: ``python tests/blind4_gestures.py --n 16 --seed 0 [--out DIR]``.
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
KIND_SHARES = (("tight", 0.30), ("margin", 0.25), ("pair", 0.25), ("recording", 0.20))
TIPS = (4, 8, 12, 16, 20)
NPOSE = 21  # 4 fingers x (mcp, pip, dip, abduction), thumb (abduction, opposition, mcp, ip), palm arch

# per-frame noise amplitudes: (position m, rotation rad, finger rad)
AMP_MOVE = (0.002, 0.012, 0.015)
AMP_HOLD = (0.003, 0.015, 0.02)
AMP_IDLE = (0.018, 0.07, 0.08)


@dataclass
class Blind4Clip:
    landmarks: np.ndarray  # (T, 21, 3) float32
    gestures: list  # [(label, start_frame, end_frame, direction_deg or None)], in time order; direction only for point
    kind: str  # tight | margin | pair | recording
    meta: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------------------------------
# rotations


def _unit(v):
    v = np.asarray(v, float)
    return v / max(float(np.linalg.norm(v)), 1e-12)


def _rodrigues(rv):
    """Rotation vectors (..., 3) -> rotation matrices (..., 3, 3)."""
    rv = np.asarray(rv, float)
    th = np.linalg.norm(rv, axis=-1)
    k = rv / np.maximum(th, 1e-12)[..., None]
    kx = np.zeros(rv.shape[:-1] + (3, 3))
    kx[..., 0, 1], kx[..., 0, 2] = -k[..., 2], k[..., 1]
    kx[..., 1, 0], kx[..., 1, 2] = k[..., 2], -k[..., 0]
    kx[..., 2, 0], kx[..., 2, 1] = -k[..., 1], k[..., 0]
    s = np.sin(th)[..., None, None]
    c = (1.0 - np.cos(th))[..., None, None]
    return np.eye(3) + s * kx + c * (kx @ kx)


def _rotvec(m):
    """Rotation matrix -> rotation vector (single 3x3)."""
    c = float(np.clip((np.trace(m) - 1.0) / 2.0, -1.0, 1.0))
    th = math.acos(c)
    if th < 1e-9:
        return np.zeros(3)
    if th > math.pi - 1e-4:
        w, v = np.linalg.eigh((m + m.T) / 2.0)
        return v[:, int(np.argmax(w))] * th
    ax = np.array([m[2, 1] - m[1, 2], m[0, 2] - m[2, 0], m[1, 0] - m[0, 1]]) / (2.0 * math.sin(th))
    return ax * th


def _rot(axis, ang):
    return _rodrigues(_unit(axis) * ang)


def _frame(u, n_hint):
    """Proper rotation with columns (u, w, n): u finger axis, n palmar normal, w = n x u."""
    u = _unit(u)
    n = np.asarray(n_hint, float) - np.dot(n_hint, u) * u
    if np.linalg.norm(n) < 1e-6:
        alt = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
        n = alt - np.dot(alt, u) * u
    n = _unit(n)
    return np.column_stack([u, np.cross(n, u), n])


def _angle_between(r0, r1):
    return float(np.linalg.norm(_rotvec(r0.T @ r1)))


def _minjerk(t):
    t = np.clip(t, 0.0, 1.0)
    return t * t * t * (10.0 - 15.0 * t + 6.0 * t * t)


def _smooth_noise(rng, t, d, sigma):
    """(t, d) Gaussian-filtered white noise with unit standard deviation per column."""
    pad = int(4 * sigma) + 4
    n = t + 2 * pad
    x = rng.standard_normal((n, d))
    f = np.fft.rfftfreq(n)
    h = np.exp(-0.5 * (2.0 * np.pi * f * sigma) ** 2)
    y = np.fft.irfft(np.fft.rfft(x, axis=0) * h[:, None], n=n, axis=0)[pad : pad + t]
    return y / np.maximum(y.std(axis=0, keepdims=True), 1e-9)


# ----------------------------------------------------------------------------------------------------------------------
# person, hand geometry, camera

# finger segment lengths as shares of hand length (proximal, middle, distal): index, middle, ring, little
_SEG = np.array([[0.245, 0.143, 0.097], [0.266, 0.170, 0.108], [0.244, 0.165, 0.107], [0.204, 0.117, 0.093]])


class _Person:
    def __init__(self, rng):
        u = rng.uniform
        self.right = bool(rng.random() < 0.68)
        self.chi = -1.0 if self.right else 1.0  # thumb side = chi * w
        hl = u(0.165, 0.205)
        self.hl = hl
        palm = hl * u(0.43, 0.48)
        fing = 1.0 + rng.normal(0, 0.04, 4)[:, None]
        self.seg = _SEG * hl * fing * (1.0 + rng.normal(0, 0.035, (4, 3)))
        width = u(0.88, 1.12)
        a = palm * (np.array([0.94, 1.0, 0.96, 0.87]) + rng.normal(0, 0.012, 4))
        b = hl * np.array([0.185, 0.06, -0.06, -0.175]) * width + rng.normal(0, 0.003, 4)
        self.mcp = np.column_stack([a, b, np.zeros(4)])
        self.arch = hl * np.array([[0.0, -0.005, 0.0], [0.0, 0.0, 0.012], [0.0, 0.01, 0.03], [-0.01, 0.03, 0.06]]) * u(0.7, 1.3)
        self.splay = np.radians(np.array([7.0, 0.0, -6.0, -13.0]) + rng.normal(0, 2.0, 4))
        self.cmc = np.array([palm * u(0.17, 0.26), hl * u(0.10, 0.14), hl * u(0.0, 0.04)])
        self.tseg = hl * np.array([0.22, 0.17, 0.14]) * (1.0 + rng.normal(0, 0.05, 3))
        self.index_len = float(self.seg[0].sum())
        # styles
        self.arm = u(0.9, 1.1)
        self.tempo = u(0.75, 1.35)
        self.move_speed = u(0.6, 1.3)
        self.sloppy = u(3.0, 12.0)
        self.swipe_len = u(0.18, 0.55)
        self.swipe_speed = u(0.7, 2.2)
        self.loose = u(0.0, 12.0)
        self.spread = u(0.1, 1.0)
        self.point_thumb = str(rng.choice(["tucked", "out", "side"], p=[0.5, 0.25, 0.25]))
        self.point_still = u(0.2, 0.7)
        self.grab_speed = str(rng.choice(["quick", "normal", "slow"]))
        self.stop_brief = u(0.0, 0.6)
        self.come_style = str(rng.choice(["hand", "finger", "wave"], p=[0.4, 0.3, 0.3]))

    def meta(self):
        return {
            "hand": "right" if self.right else "left",
            "hand_length_m": round(self.hl, 4),
            "tempo": round(self.tempo, 3),
            "sloppiness_deg": round(self.sloppy, 2),
            "swipe_length_m": round(self.swipe_len, 3),
            "swipe_speed_mps": round(self.swipe_speed, 3),
            "point_thumb": self.point_thumb,
            "grab_speed": self.grab_speed,
            "come_style": self.come_style,
        }


class _Scene:
    def __init__(self, rng, person, size_scale=1.0):
        u = rng.uniform
        self.w, self.h = [(640, 480), (1280, 720), (1920, 1080), (848, 480), (960, 540), (640, 360)][int(rng.integers(6))]
        self.hfov = u(55.0, 80.0)
        self.f = self.w / 2.0 / math.tan(math.radians(self.hfov) / 2.0)
        roll = math.radians(float(np.clip(rng.normal(0, 3.0), -7, 7)))
        pitch = math.radians(u(-10.0, 12.0))
        rc = _rot([1.0, 0, 0], pitch) @ _rot([0, 0, 1.0], roll)
        self.up = rc @ np.array([0.0, -1.0, 0.0])
        fwd_room = rc @ np.array([0.0, 0.0, -1.0])
        self.yaw = u(-25.0, 25.0)
        self.fwd = _rot(self.up, math.radians(self.yaw)) @ fwd_room  # person's forward: toward the camera
        right = np.cross(self.fwd, self.up)
        self.out = right if person.right else -right  # lateral, away from the body midline
        self.h_frac = max(math.exp(u(math.log(0.06), math.log(0.42))) * size_scale, 45.0 / self.h)  # hands of 45 px or more
        z0 = self.f * person.hl / (self.h_frac * self.h)
        self.z0 = z0
        gx, gy = u(0.32, 0.68), u(0.33, 0.62)
        c0 = self.unproject(gx, gy, z0)
        ar = person.arm
        self.shoulder = c0 - ar * (0.30 * self.fwd - 0.10 * self.up - 0.05 * self.out)
        self.arm = ar

    def pos(self, fwd, up, out):
        return self.shoulder + self.arm * (fwd * self.fwd + up * self.up + out * self.out)

    def project(self, p):
        p = np.asarray(p, float)
        return np.stack([self.f * p[..., 0] / p[..., 2] / self.w + 0.5, self.f * p[..., 1] / p[..., 2] / self.h + 0.5], -1)

    def unproject(self, x, y, z):
        return np.array([(x - 0.5) * self.w * z / self.f, (y - 0.5) * self.h * z / self.f, z])

    def meta(self):
        return {
            "image_size": [self.w, self.h],
            "hfov_deg": round(self.hfov, 2),
            "distance_m": round(self.z0, 3),
            "hand_height_share": round(self.h_frac, 3),
            "body_yaw_deg": round(self.yaw, 1),
        }


def _hand_local(fp, pp):
    """Finger posture parameters (T, NPOSE) -> (T, 21, 3) points in (u, thumb side, palmar) coordinates."""
    t = fp.shape[0]
    out = np.zeros((t, 21, 3))
    arch = fp[:, 20:21]
    z = np.zeros(t)
    nrm = np.array([0.0, 0.0, 1.0])
    for i in range(4):
        base = 5 + 4 * i
        p = pp.mcp[i][None, :] + arch * pp.arch[i][None, :]
        s = pp.splay[i] + fp[:, 4 * i + 3]
        d0 = np.stack([np.cos(s), np.sin(s), z], -1)
        out[:, base] = p
        th = np.zeros(t)
        for j in range(3):
            th = th + fp[:, 4 * i + j]
            p = p + pp.seg[i, j] * (np.cos(th)[:, None] * d0 + np.sin(th)[:, None] * nrm)
            out[:, base + 1 + j] = p
    al, be, tm, ti = fp[:, 16], fp[:, 17], fp[:, 18], fp[:, 19]
    t1 = np.stack([np.cos(be) * np.cos(al), np.cos(be) * np.sin(al), np.sin(be)], -1)
    braw = np.array([0.0, -1.0, 0.3])
    b0 = braw[None, :] - (t1 @ braw)[:, None] * t1
    b0 /= np.linalg.norm(b0, axis=-1, keepdims=True)
    out[:, 1] = pp.cmc
    p = pp.cmc + pp.tseg[0] * t1
    out[:, 2] = p
    p = p + pp.tseg[1] * (np.cos(tm)[:, None] * t1 + np.sin(tm)[:, None] * b0)
    out[:, 3] = p
    th = tm + ti
    out[:, 4] = p + pp.tseg[2] * (np.cos(th)[:, None] * t1 + np.sin(th)[:, None] * b0)
    return out


def _render(pos, rot, fp, pp, sc):
    """Wrist positions (T,3), hand frames (T,3,3), postures (T,NPOSE) -> camera points (T,21,3), normalised (T,21,3)."""
    loc = _hand_local(fp, pp)
    loc[..., 1] *= pp.chi
    world = pos[:, None, :] + np.einsum("tij,tkj->tki", rot, loc)
    zz = np.maximum(world[..., 2], 0.05)
    x = sc.f * world[..., 0] / zz / sc.w + 0.5
    y = sc.f * world[..., 1] / zz / sc.h + 0.5
    zr = (zz - zz[:, :1]) * sc.f / (sc.w * zz[:, :1])
    return world, np.stack([x, y, zr], -1)


# ----------------------------------------------------------------------------------------------------------------------
# timeline of wrist position, hand orientation and finger posture


class _Timeline:
    def __init__(self, p, r, f, amp):
        self.P, self.R, self.F, self.A = [np.asarray(p, float)[None]], [r[None]], [f[None]], [np.asarray(amp, float)[None]]
        self.n = 1

    def state(self):
        return self.P[-1][-1].copy(), self.R[-1][-1].copy(), self.F[-1][-1].copy()

    def raw(self, p, r, f, amp):
        self.P.append(p)
        self.R.append(r)
        self.F.append(f)
        self.A.append(np.tile(np.asarray(amp, float), (len(p), 1)))
        self.n += len(p)

    def move(self, p1, r1, f1, n, amp=AMP_MOVE, bulge=None, skew=1.0, stagger=0.0, lead=None, via=None, rng=None):
        n = max(int(n), 1)
        p0, r0, f0 = self.state()
        tau = np.arange(1, n + 1) / n
        s = _minjerk(tau**skew)
        p = p0 + s[:, None] * (np.asarray(p1) - p0)
        if bulge is not None:
            p = p + (4.0 * s * (1.0 - s))[:, None] * np.asarray(bulge)[None, :]
        if via is not None:
            rv1 = _rotvec(r0.T @ via)
            rv2 = _rotvec(via.T @ r1)
            s1 = np.clip(2.0 * s, 0, 1)
            s2 = np.clip(2.0 * s - 1.0, 0, 1)
            r = np.where((s < 0.5)[:, None, None], r0[None] @ _rodrigues(s1[:, None] * rv1), via[None] @ _rodrigues(s2[:, None] * rv2))
        else:
            r = r0[None] @ _rodrigues(s[:, None] * _rotvec(r0.T @ r1)[None, :])
        if stagger > 0:
            offs = stagger * (lead if lead is not None else rng.uniform(0, 1, NPOSE))
            sf = _minjerk(np.clip((tau[:, None] - offs[None, :]) / (1.0 - stagger), 0, 1))
        else:
            sf = s[:, None]
        f = f0 + sf * (np.asarray(f1) - f0)
        self.raw(p, r, f, amp)

    def hold(self, n, amp=AMP_HOLD):
        n = max(int(n), 1)
        p, r, f = self.state()
        self.raw(np.tile(p, (n, 1)), np.tile(r, (n, 1, 1)), np.tile(f, (n, 1)), amp)

    def arrays(self):
        return np.concatenate(self.P), np.concatenate(self.R), np.concatenate(self.F), np.concatenate(self.A)


# ----------------------------------------------------------------------------------------------------------------------
# performer: postures, idle, the eight gestures


class _Performer:
    def __init__(self, rng, pp, sc):
        self.rng, self.pp, self.sc = rng, pp, sc
        self.tl = None
        self.styles = []
        self.last_stroke_speed = None  # after a swipe, the way back is clearly slower than the stroke

    # -- helpers
    def u(self, a, b):
        return float(self.rng.uniform(a, b))

    def jit(self, r, deg):
        ax = self.rng.standard_normal(3)
        return _rot(ax, math.radians(self.rng.normal(0, deg))) @ r

    def hc(self, r):
        """Hand center offset from the wrist for orientation r."""
        return r @ np.array([0.45 * self.pp.hl, 0.0, 0.03 * self.pp.hl])

    def place(self, center, r, lo=0.14, hi=0.86):
        xy = self.sc.project(center)
        x, y = float(np.clip(xy[0], lo, hi)), float(np.clip(xy[1], lo, hi))
        return self.sc.unproject(x, y, float(center[2])) - self.hc(r)

    def frames(self, seconds):
        return max(1, int(round(seconds * FPS / self.pp.tempo)))

    def travel(self, p_to, base=0.22, slow=1.0):
        p0, _, _ = self.tl.state()
        d = float(np.linalg.norm(np.asarray(p_to) - p0))
        return int(np.clip(round(FPS * (base + d / self.pp.move_speed) * slow / self.pp.tempo), 6, 45))

    def go(self, p1, r1, f1, n, **kw):
        """Move with a via orientation when the hand has to turn a lot (the forearm swings through)."""
        _, r0, _ = self.tl.state()
        via = None
        if _angle_between(r0, r1) > math.radians(110):
            via = _frame(self.sc.fwd + 0.3 * self.sc.up - 0.3 * self.sc.out, -self.sc.out + 0.3 * self.sc.up)
            if max(_angle_between(r0, via), _angle_between(via, r1)) > math.radians(150):
                via = None
        self.tl.move(p1, r1, f1, n, via=via, rng=self.rng, **kw)

    # -- postures
    def pose(self, name, **kw):
        u, f, pp = self.u, np.zeros(NPOSE), self.pp

        def fing(i, mcp, pip, dip, abd=0.0):
            f[4 * i : 4 * i + 4] = np.radians([mcp, pip, dip, abd])

        def thumb(al, be, m, ip):
            f[16:20] = np.radians([al, be, m, ip])

        lo = pp.loose
        if name == "open":
            sp = kw.get("spread", pp.spread)
            for i in range(4):
                pip = u(0, 10) + 0.5 * lo
                fing(i, u(-8, 6) + 0.5 * lo, pip, pip * u(0.4, 0.8), sp * [6, 0, -5, -10][i])
            thumb(u(32, 48) + 12 * sp, u(8, 22), u(0, 12), u(0, 12))
        elif name == "relaxed":
            for i in range(4):
                pip = u(28, 50) + 3 * i
                fing(i, u(18, 38) + 5 * i, pip, pip * u(0.45, 0.7), u(-2, 2))
            thumb(u(22, 34), u(22, 34), u(12, 24), u(12, 28))
            f[20] = 0.3
        elif name == "fist":
            for i in range(4):
                fing(i, u(78, 95), u(95, 112), u(45, 70), [-3, 0, 3, 7][i] + u(-1, 1))
            thumb(u(5, 15), u(34, 44), u(25, 40), u(40, 60))
            f[20] = 1.0
        elif name in ("point", "hook"):
            if name == "point":
                fing(0, u(-6, 8) + 0.3 * lo, u(0, 10) + 0.3 * lo, u(0, 8), u(-2, 4))
            else:
                fing(0, u(35, 60), u(80, 105), u(45, 70), u(-2, 2))
            for i in range(1, 4):
                fing(i, u(75, 95), u(95, 112), u(45, 70), [0, 3, 7][i - 1])
            style = kw.get("thumb", pp.point_thumb)
            if style == "out":
                thumb(u(58, 75), u(5, 18), u(0, 10), u(0, 10))
            elif style == "side":
                thumb(u(12, 22), u(20, 30), u(10, 20), u(5, 15))
            else:
                thumb(u(5, 15), u(34, 44), u(25, 40), u(40, 60))
            f[20] = 0.7
        return f

    # -- body-referenced orientations
    def r_hang(self):
        sc = self.sc
        return self.jit(_frame(-sc.up + 0.15 * sc.fwd, -sc.out + 0.2 * sc.fwd), 10)

    def r_low(self):
        sc = self.sc
        return self.jit(_frame(sc.fwd - 0.5 * sc.out - 0.2 * sc.up, 0.6 * sc.up - 0.8 * sc.out), 12)

    def r_chest(self):
        sc = self.sc
        return self.jit(_frame(0.7 * sc.up + 0.5 * sc.fwd - 0.4 * sc.out, -sc.out - 0.3 * sc.fwd), 12)

    def rest_state(self, mode):
        sc, u = self.sc, self.u
        if mode == "hang":
            return sc.pos(u(0.02, 0.1), u(-0.62, -0.55), u(0.02, 0.09)), self.r_hang(), self.pose("relaxed")
        if mode == "low":
            return sc.pos(u(0.15, 0.28), u(-0.45, -0.33), u(-0.15, -0.02)), self.r_low(), self.pose("relaxed")
        return sc.pos(u(0.18, 0.3), u(-0.22, -0.08), u(-0.12, 0.02)), self.r_chest(), self.pose("relaxed")

    def start(self, mode):
        p, r, f = self.rest_state(mode)
        self.tl = _Timeline(p, r, f, AMP_IDLE)

    # -- idle: go to a resting place and fidget there
    def idle(self, n, mode=None):
        rng = self.rng
        if mode is None:
            mode = str(rng.choice(["hang", "low", "chest"], p=[0.4, 0.4, 0.2]))
        n = max(int(n), 2)
        p, r, f = self.rest_state(mode)
        m = int(self.travel(p, base=0.3) * self.u(1.2, 1.8))
        if self.last_stroke_speed:
            d = float(np.linalg.norm(p - self.tl.state()[0]))
            m = max(m, int(math.ceil(FPS * d / (0.55 * self.last_stroke_speed))))
            self.last_stroke_speed = None
        n = max(n, m + 2)
        m = min(n, m)
        self.go(p, r, f, m, amp=AMP_MOVE, bulge=0.05 * self.sc.fwd)
        left = n - m
        while left > 0:
            k = min(left, int(rng.integers(15, 60)))
            ev = rng.random()
            p0, r0, f0 = self.tl.state()
            if k >= 15 and ev < 0.15:  # slow hand turn
                self.tl.move(p0, _rot(r0[:, 0], math.radians(self.u(-50, 50))) @ r0, f0, k, amp=AMP_IDLE)
            elif k >= 12 and ev < 0.27:  # finger tap
                ft = f0.copy()
                ft[:16] += np.radians(self.u(10, 22))
                h = k // 2
                self.tl.move(p0, r0, ft, h, amp=AMP_IDLE)
                self.tl.move(p0, r0, f0, k - h, amp=AMP_IDLE)
            elif k >= 20 and ev < 0.4:  # small shift of the resting hand
                d = rng.normal(0, 0.04, 3)
                self.tl.move(p0 + d, self.jit(r0, 8), f0, k, amp=AMP_IDLE)
            else:
                self.tl.hold(k, AMP_IDLE)
            left -= k

    # -- gestures; each returns {"label", "start", "end", "dir", ...}; frames are inclusive
    def gesture(self, label, **kw):
        if label == "point":
            g = self.g_point(**kw)
        elif label in SWIPES:
            g = self.g_swipe(label, **kw)
        elif label == "grab":
            g = self.g_grab()
        elif label == "come_here":
            g = self.g_come()
        else:
            g = self.g_stop()
        self.styles.append({k: v for k, v in g.items() if k in ("label", "style")})
        return g

    def g_point(self):
        sc, pp, u = self.sc, self.pp, self.u
        th = math.radians(u(0.0, 360.0))
        e = _unit([math.cos(th) * sc.w, -math.sin(th) * sc.h, 0.0])
        el = math.radians(u(-25.0, 30.0))
        d = _unit(math.cos(el) * e + math.sin(el) * np.array([0.0, 0.0, -1.0]))
        g = -sc.up - 0.5 * sc.out + 0.3 * sc.fwd
        if np.linalg.norm(g - np.dot(g, d) * d) < 0.45:
            g = sc.fwd - 0.4 * sc.out
        r = _frame(d, g)
        r = _rot(d, math.radians(u(-35.0, 75.0)) * pp.chi) @ r
        f = self.pose("point")
        still = self.rng.random() < pp.point_still
        reach = 0.0 if still else u(0.06, 0.22)
        center = sc.pos(u(0.2, 0.35), u(-0.18, 0.05), u(-0.12, 0.1)) + e * u(0.03, 0.15)
        hcp = center + 0.1 * pp.hl * d
        wrist = self.place(hcp, r, 0.16, 0.84)
        if reach > 0:
            ax = np.cross(d, self.rng.standard_normal(3))
            r_pre = _rot(ax, math.radians(u(5, 20))) @ r
            p_pre = wrist - d * reach
            self.go(p_pre, r_pre, f, self.travel(p_pre), stagger=0.3, bulge=0.04 * sc.fwd)
            self.tl.hold(int(self.rng.integers(1, 5)))
            start = self.tl.n - 1
            n_reach = int(self.rng.integers(7, 16))
            self.tl.move(wrist, r, f, n_reach, skew=u(0.8, 1.1))
        else:
            self.go(wrist, r, f, self.travel(wrist), stagger=0.3, bulge=0.04 * sc.fwd)
            start = self.tl.n - 1
            n_reach = 0
        hs = self.tl.n
        n_hold = max(self.frames(u(0.5, 1.9 if still else 1.6)), n_reach + 3, 15)
        n_hold = min(n_hold, 88 - n_reach)
        self.tl.hold(n_hold, AMP_HOLD)
        return {
            "label": "point",
            "start": start,
            "end": self.tl.n - 1,
            "hold": (hs, self.tl.n - 1),
            "style": f"{'still' if still else 'reach'}/{pp.point_thumb}",
        }

    def g_swipe(self, label, fist=False):
        sc, pp, u, rng = self.sc, self.pp, self.u, self.rng
        horiz = label in ("swipe_left", "swipe_right")
        th = math.radians(SWIPE_AXIS[label] + float(np.clip(rng.normal(0, pp.sloppy), -20, 20)))
        e2 = _unit([math.cos(th) * sc.w, -math.sin(th) * sc.h])  # pixel direction (y down)
        m3 = np.array([e2[0], e2[1], 0.0])
        _, r_now, f_now = self.tl.state()
        if fist:
            style = "fist"
            r_mid = self.jit(r_now, 8)
            f = f_now
        else:
            f = self.pose("open", spread=u(0.0, 0.5))
            if horiz:
                style = str(rng.choice(["wiper", "sweep", "flat"], p=[0.45, 0.35, 0.2]))
                if style == "wiper":
                    a = math.radians(u(10, 70))
                    r_mid = _frame(sc.up + 0.15 * sc.fwd, math.cos(a) * sc.fwd + math.sin(a) * m3)
                elif style == "sweep":
                    a = math.radians(u(50, 90))
                    r_mid = _frame(sc.up + 0.5 * sc.fwd, math.cos(a) * sc.fwd + math.sin(a) * m3)
                else:
                    t = math.radians(u(20, 45))
                    r_mid = _frame(sc.fwd + 0.2 * sc.up + 0.3 * m3, -math.cos(t) * sc.up + math.sin(t) * sc.fwd)
            else:
                style = str(rng.choice(["lift" if label == "swipe_up" else "press", "palm_cam"], p=[0.5, 0.5]))
                if style == "lift":
                    r_mid = _frame(sc.fwd + u(0.1, 0.6) * sc.up - 0.3 * sc.out, sc.up + u(0.2, 0.7) * sc.fwd)
                elif style == "press":
                    r_mid = _frame(sc.fwd + u(0.2, 0.8) * sc.up - 0.3 * sc.out, -sc.up + u(0.3, 0.8) * sc.fwd)
                else:
                    r_mid = _frame(sc.up + u(-0.1, 0.3) * sc.fwd + u(-0.3, 0.3) * sc.out, sc.fwd)
            r_mid = self.jit(r_mid, 7)
        axr = np.cross(r_mid[:, 0], m3)
        if np.linalg.norm(axr) < 0.2:
            axr = np.cross(r_mid[:, 2], m3)
        phi = math.radians(u(8, 35))
        r_a = _rot(axr, -phi / 2) @ r_mid
        r_b = _rot(axr, phi / 2) @ r_mid
        # plan the stroke in pixels for the hand center
        zh = sc.z0 * u(0.93, 1.03)
        hl_px = sc.f * pp.hl / zh
        length = pp.swipe_len * u(0.8, 1.2) * sc.f / zh
        mx = 0.06 * sc.w + 0.35 * hl_px
        my = 0.06 * sc.h + 0.35 * hl_px
        lo_x, hi_x, lo_y, hi_y = mx, sc.w - mx, my, sc.h - my
        if hi_x - lo_x < 1 or hi_y - lo_y < 1:
            lo_x, hi_x, lo_y, hi_y = 0.3 * sc.w, 0.7 * sc.w, 0.3 * sc.h, 0.7 * sc.h
        span = min((hi_x - lo_x) / max(abs(e2[0]), 1e-6), (hi_y - lo_y) / max(abs(e2[1]), 1e-6))
        length = float(np.clip(length, 1.4 * hl_px, 0.9 * span))
        c0 = sc.project(sc.pos(0.3, -0.1, -0.05)) * [sc.w, sc.h]
        c = c0 + np.array([u(-0.15, 0.15) * sc.w, u(-0.15, 0.12) * sc.h])
        if horiz:
            c[1] += u(-0.1, 0.05) * sc.h
        a_px, b_px = c - 0.5 * length * e2, c + 0.5 * length * e2
        lo = np.array([lo_x, lo_y])
        hi = np.array([hi_x, hi_y])
        shift = np.maximum(lo - np.minimum(a_px, b_px), 0) - np.maximum(np.maximum(a_px, b_px) - hi, 0)
        a_px, b_px = a_px + shift, b_px + shift
        zs = zh + u(-0.05, 0.05)
        ze = zs + u(-0.08, 0.08)
        a3 = sc.unproject(a_px[0] / sc.w, a_px[1] / sc.h, zs)
        b3 = sc.unproject(b_px[0] / sc.w, b_px[1] / sc.h, ze)
        lm = float(np.linalg.norm(b3 - a3))
        if horiz:
            bulge = sc.up * lm * u(0.02, 0.16) + sc.fwd * lm * u(0.0, 0.12)
        else:
            bulge = sc.fwd * lm * u(0.05, 0.2) + sc.out * lm * rng.normal(0, 0.05)
        wa, wb = a3 - self.hc(r_a), b3 - self.hc(r_b)
        # wind-up / prep (clearly slower than the stroke), stroke, follow-through
        v = pp.swipe_speed * u(0.8, 1.25)
        n_st = int(np.clip(round(FPS * lm / v), 7, 27))
        v_st = lm / (n_st / FPS)
        d_prep = float(np.linalg.norm(wa - self.tl.state()[0]))
        n_prep = max(self.travel(wa), int(math.ceil(FPS * d_prep / (0.55 * v_st))))
        self.go(wa, r_a, f, min(n_prep, 60), stagger=0.2, bulge=0.04 * sc.fwd)
        pause = int(rng.integers(1, 7))
        self.tl.hold(pause, AMP_HOLD)
        pre = int(rng.integers(2, 6))
        start = max(0, self.tl.n - 1 - pre)
        self.tl.move(wb, r_b, f, n_st, bulge=bulge, skew=u(0.75, 1.3))
        self.last_stroke_speed = v_st
        follow = max(int(rng.integers(3, 9)), 15 - (self.tl.n - 1 - start))
        if rng.random() < 0.3:  # small overshoot and settle back
            self.tl.move(wb + 0.05 * lm * m3, r_b, f, max(2, follow // 2))
            self.tl.move(wb, r_b, f, max(2, follow - follow // 2))
        else:
            self.tl.hold(follow, AMP_HOLD)
        return {"label": label, "start": start, "end": self.tl.n - 1, "stroke": (start + pre, start + pre + n_st), "style": style}

    def g_grab(self):
        sc, pp, u, rng = self.sc, self.pp, self.u, self.rng
        style = str(rng.choice(["cam", "down", "side"], p=[0.5, 0.25, 0.25]))
        if style == "cam":
            r = _frame(sc.up + u(0, 0.4) * sc.fwd + u(-0.3, 0.3) * sc.out, sc.fwd)
        elif style == "down":
            t = math.radians(u(35, 60))
            r = _frame(sc.fwd + u(-0.2, 0.3) * sc.up - u(0, 0.4) * sc.out, -math.cos(t) * sc.up + math.sin(t) * sc.fwd)
        else:
            r = _frame(0.7 * sc.up + 0.7 * sc.fwd, -sc.out + 0.5 * sc.fwd)
        r = self.jit(r, 8)
        f_open = self.pose("open", spread=u(0.3, 1.0))
        f_fist = self.pose("fist")
        center = sc.pos(u(0.25, 0.4), u(-0.2, 0.05), u(-0.12, 0.1))
        wrist = self.place(center, r)
        self.go(wrist, r, f_open, self.travel(wrist), stagger=0.25, bulge=0.04 * sc.fwd)
        start = self.tl.n - 1
        self.tl.hold(int(rng.integers(4, 13)), AMP_HOLD)
        lo, hi = {"quick": (6, 10), "normal": (10, 18), "slow": (16, 30)}[pp.grab_speed]
        n_close = int(rng.integers(lo, hi + 1))
        order = rng.permutation(4) / 3.0 if rng.random() < 0.5 else np.array([1.0, 0.67, 0.33, 0.0])
        lead = np.zeros(NPOSE)
        for i in range(4):
            lead[4 * i : 4 * i + 4] = order[i]
        lead[16:20] = u(0.5, 1.0)
        lead[20] = 0.5
        p_end = wrist + r[:, 2] * u(0.0, 0.07)
        self.tl.move(p_end, self.jit(r, 5), f_fist, n_close, stagger=u(0.1, 0.3), lead=lead)
        n_hold = int(rng.integers(5, 16))
        if rng.random() < 0.4:
            _, r1, _ = self.tl.state()
            self.tl.move(p_end + sc.up * u(0.01, 0.04), r1, f_fist, n_hold, amp=AMP_HOLD)
        else:
            self.tl.hold(n_hold, AMP_HOLD)
        return {"label": "grab", "start": start, "end": self.tl.n - 1, "style": f"{style}/{pp.grab_speed}"}

    def g_come(self):
        sc, pp, u, rng = self.sc, self.pp, self.u, self.rng
        var = pp.come_style if rng.random() < 0.75 else str(rng.choice(["hand", "finger", "wave"]))
        if var in ("hand", "finger"):
            r = _frame(u(0.5, 0.9) * sc.fwd + u(0.2, 0.6) * sc.up - u(0.2, 0.7) * sc.out, sc.up + u(0.1, 0.6) * sc.fwd)
        else:
            r = _frame(sc.up + u(0, 0.3) * sc.fwd + u(-0.2, 0.3) * sc.out, -sc.fwd - u(-0.3, 0.5) * sc.out)
        r = self.jit(r, 8)
        if var == "hand":
            f_ext = self.pose("open", spread=u(0.0, 0.4))
            f_curl = f_ext.copy()
            for i in range(4):
                f_curl[4 * i : 4 * i + 3] = np.radians([u(55, 80), u(70, 100), u(40, 60)])
            wamp = math.radians(u(5, 20))
        elif var == "finger":
            f_ext = self.pose("point", thumb=str(rng.choice(["side", "tucked"])))
            f_curl = f_ext.copy()
            f_curl[0:3] = np.radians([u(35, 60), u(80, 105), u(45, 70)])
            wamp = math.radians(u(0, 8))
        else:
            f_ext = self.pose("open", spread=u(0.0, 0.5))
            f_curl = f_ext.copy()
            for i in range(4):
                f_curl[4 * i : 4 * i + 3] = np.radians([u(25, 55), u(20, 50), u(10, 30)])
            wamp = math.radians(u(25, 50))
        center = sc.pos(u(0.25, 0.4), u(-0.2, 0.05), u(-0.1, 0.1))
        wrist = self.place(center, r)
        self.go(wrist, r, f_ext, self.travel(wrist), stagger=0.2, bulge=0.04 * sc.fwd)
        start = self.tl.n - 1
        per = FPS / (u(1.2, 2.4) * pp.tempo**0.5)
        ncyc = int(rng.choice([2, 3, 3, 4]))
        ncyc = max(2, min(ncyc, int(88 // per)))
        total = int(round(ncyc * per))
        t = np.arange(1, total + 1)
        k = u(0.7, 1.3)
        w = ((1.0 - np.cos(2 * np.pi * t / per)) / 2.0) ** k
        w_d = ((1.0 - np.cos(2 * np.pi * np.clip(t - 1.5, 0, None) / per)) / 2.0) ** k  # distal joints lag a little
        f = f_ext[None, :] + w[:, None] * (f_curl - f_ext)[None, :]
        for i in range(4):
            f[:, 4 * i + 2] = f_ext[4 * i + 2] + w_d * (f_curl[4 * i + 2] - f_ext[4 * i + 2])
        ax = np.cross(r[:, 0], r[:, 2])
        rs = _rodrigues((w * wamp)[:, None] * _unit(ax)[None, :]) @ r[None]
        pull = u(0.0, 0.035)
        p = wrist[None, :] - (w * pull)[:, None] * sc.fwd[None, :]
        self.tl.raw(p, rs, f, AMP_HOLD)
        return {"label": "come_here", "start": start, "end": self.tl.n - 1, "style": var}

    def g_stop(self):
        sc, pp, u, rng = self.sc, self.pp, self.u, self.rng
        uu = _rot(sc.fwd, math.radians(u(-20, 20))) @ sc.up
        lean = math.radians(u(0, 20))
        uu = math.cos(lean) * uu - math.sin(lean) * sc.fwd
        r = _frame(uu, _rot(sc.up, math.radians(u(-25, 25))) @ sc.fwd)
        r = self.jit(r, 4)
        f = self.pose("open", spread=u(0.0, 0.3) if rng.random() < 0.5 else u(0.6, 1.0))
        center = sc.pos(u(0.28, 0.45), u(-0.05, 0.15), u(-0.1, 0.12))
        wrist = self.place(center, r, 0.15, 0.85)
        brief = rng.random() < pp.stop_brief
        n_rise = self.travel(wrist, slow=0.8 if brief else 1.0)
        self.go(wrist, r, f, n_rise, stagger=0.25, bulge=0.05 * sc.fwd)
        start = self.tl.n - 1 - int(round(n_rise * (0.3 if brief else u(0.0, 0.15))))
        if not brief and rng.random() < 0.3:
            self.tl.move(wrist + sc.fwd * u(0.02, 0.05), r, f, int(rng.integers(6, 11)))
        n_hold = int(rng.integers(10, 19)) if brief else min(self.frames(u(0.5, 2.0)), 80)
        self.tl.hold(max(n_hold, 10), AMP_HOLD)
        return {"label": "stop", "start": max(start, 0), "end": self.tl.n - 1, "style": "brief" if brief else "held"}


# ----------------------------------------------------------------------------------------------------------------------
# clean-frame checks


def _px(norm, sc):
    return norm[..., :2] * np.array([sc.w, sc.h])


def _bbox_diag(px):
    return np.linalg.norm(px.max(axis=1) - px.min(axis=1), axis=-1)


def _point_direction(norm, a, b):
    v = norm[a : b + 1, 8, :2] - norm[a : b + 1, 5, :2]
    ang = np.arctan2(-v[:, 1], v[:, 0])
    mean = math.degrees(math.atan2(float(np.sin(ang).mean()), float(np.cos(ang).mean()))) % 360.0
    spread = float(np.abs((np.degrees(ang) - mean + 180.0) % 360.0 - 180.0).max())
    return mean, spread


def _check(norm, world, gs, sc, pp):
    if float(world[..., 2].min()) < 0.25:
        return False
    px = _px(norm, sc)
    for g in gs:
        s, e = g["start"], g["end"]
        if s < 0 or e <= s:
            return False
        seg = norm[s : e + 1]
        inside = ((seg[..., 0] >= 0) & (seg[..., 0] <= 1) & (seg[..., 1] >= 0) & (seg[..., 1] <= 1)).mean(1)
        if (inside >= 0.75).mean() < 0.9:
            return False
        sp = px[s : e + 1]
        hand = 0.45 * float(np.median(_bbox_diag(sp)))
        if hand < 12.0:
            return False
        lab = g["label"]
        if lab in SWIPES:
            d = sp[-1, 0] - sp[0, 0]
            dn = seg[-1, 0, :2] - seg[0, 0, :2]
            ang = math.degrees(math.atan2(-dn[1], dn[0]))
            if abs((ang - SWIPE_AXIS[lab] + 180.0) % 360.0 - 180.0) > 30.0:
                return False
            if np.linalg.norm(d) < 1.6 * hand:
                return False
        elif lab == "point":
            a, b = g["hold"]
            mean, spread = _point_direction(norm, a, b)
            if spread > 7.0:
                return False
            flen = np.linalg.norm(px[a : b + 1, 8] - px[a : b + 1, 5], axis=-1)
            zw = world[a : b + 1, 0, 2]
            if float((flen / (sc.f * pp.index_len / zw)).min()) < 0.5:
                return False
            g["dir"] = round(mean, 1)
        elif lab == "grab":
            tip = np.linalg.norm(sp[:, TIPS] - sp[:, None, 0], axis=-1).mean(1)
            if tip[-3:].mean() > 0.72 * tip[:3].mean():
                return False
        elif lab == "come_here":
            tip = np.linalg.norm(sp[:, TIPS] - sp[:, None, 0], axis=-1)
            if float((tip.max(0) - tip.min(0)).max()) < 0.3 * hand:
                return False
        elif lab == "stop":
            q = sp[:, [0, 5, 9, 13, 17, 0]]
            area = 0.5 * np.abs((q[:, :-1, 0] * q[:, 1:, 1] - q[:, 1:, 0] * q[:, :-1, 1]).sum(1))
            if float(np.median(area)) < 0.12 * hand * hand:
                return False
    return True


# ----------------------------------------------------------------------------------------------------------------------
# human micro-motion


def _micro(rng, pos, rot, fp, amp):
    t = len(pos)
    k = np.ones(15) / 15.0
    a = np.stack([np.convolve(np.pad(amp[:, i], 7, mode="edge"), k, mode="valid") for i in range(3)], -1)
    pos = pos + a[:, :1] * _smooth_noise(rng, t, 3, 10.0) * 0.6
    pos = pos + 0.0007 * _smooth_noise(rng, t, 3, 1.2)  # physiological tremor
    pos = pos + rng.uniform(0.003, 0.012) * _smooth_noise(rng, t, 3, 35.0)  # body sway
    rot = _rodrigues(a[:, 1:2] * _smooth_noise(rng, t, 3, 9.0) * 0.6) @ rot
    fn = _smooth_noise(rng, t, 5, 7.0)
    fing = np.repeat(fn[:, :4], 4, axis=1)
    fing[:, 3::4] *= 0.15
    extra = np.concatenate([fing, np.repeat(fn[:, 4:5], 4, axis=1), np.zeros((t, 1))], 1)
    fp = fp + a[:, 2:3] * (0.7 * extra + 0.3 * _smooth_noise(rng, t, NPOSE, 4.0)) * 0.6
    fp[:, 20] = np.clip(fp[:, 20], 0.0, 1.2)
    return pos, rot, fp


# ----------------------------------------------------------------------------------------------------------------------
# tracker


def _one_euro(xs, valid, scale, fmin, beta):
    out = xs.copy()
    te = 1.0 / FPS
    prev = None
    dprev = None
    ad = 1.0 / (1.0 + 1.0 / (2 * math.pi * 1.0) / te)
    for t in range(len(xs)):
        if not valid[t]:
            prev = None
            continue
        x = xs[t]
        if prev is None:
            prev, dprev = x, np.zeros_like(x)
            continue
        dx = (x - prev) * FPS
        dprev = ad * dx + (1 - ad) * dprev
        spd = np.linalg.norm(dprev, axis=-1, keepdims=True) / max(scale[t], 1e-6)
        fc = fmin + beta * spd
        a = 1.0 / (1.0 + 1.0 / (2 * math.pi * fc) / te)
        prev = a * x + (1 - a) * prev
        out[t] = prev
    return out


def _track(norm, sc, rng):
    t = len(norm)
    u = rng.uniform
    prm = {
        "white": u(0.006, 0.03),
        "corr": u(0.005, 0.03),
        "jitter": u(0.003, 0.015),
        "z_noise": u(0.02, 0.08),
        "z_scale": u(0.6, 1.3),
        "drop": 0.0 if rng.random() < 0.2 else u(0.0, 0.03),
        "repeat": 0.0 if rng.random() < 0.4 else u(0.0, 0.05),
        "blur": u(0.0, 0.2),
        "glitch": 0.0 if rng.random() < 0.5 else u(0.0, 1.5),
        "smoothing": bool(rng.random() < 0.7),
        "fmin": u(0.6, 3.0),
        "beta": u(0.3, 3.0),
        "zero_frames": bool(rng.random() < 0.1),
        "edge_min": u(0.55, 0.75),
        "min_px": u(18.0, 28.0),
    }
    px = _px(norm, sc)
    diag = _bbox_diag(px)
    hand = 0.45 * np.maximum(diag, 0.5 * np.median(diag) + 1e-3)  # about a palm length, robust to foreshortening
    inside = ((norm[..., 0] >= 0) & (norm[..., 0] <= 1) & (norm[..., 1] >= 0) & (norm[..., 1] <= 1)).mean(1)
    lost = (inside < prm["edge_min"]) | (diag < prm["min_px"])
    lost |= (diag < 1.4 * prm["min_px"]) & (rng.random(t) < 0.25)
    speed = np.zeros(t)
    speed[1:] = np.linalg.norm(px[1:, 0] - px[:-1, 0], axis=-1) / hand[1:]
    p = prm["drop"] + prm["blur"] * np.clip((speed - 0.25) / 0.75, 0, 1)
    for s in np.flatnonzero(rng.random(t) < p):
        lost[s : s + min(int(rng.geometric(0.5)), 6)] = True
    # landmark noise, in pixels relative to the palm length
    tipf = np.ones(21)
    tipf[list(TIPS)] = 1.6
    tipf[[3, 7, 11, 15, 19]] = 1.3
    off = ~((norm[..., 0] >= 0) & (norm[..., 0] <= 1) & (norm[..., 1] >= 0) & (norm[..., 1] <= 1))
    scl = hand[:, None, None] * (tipf[None, :, None] * (1.0 + 1.5 * off[..., None]))
    noisy = px + rng.standard_normal((t, 21, 2)) * prm["white"] * scl
    noisy += _smooth_noise(rng, t, 42, 2.5).reshape(t, 21, 2) * prm["corr"] * scl
    noisy += _smooth_noise(rng, t, 2, 1.5)[:, None, :] * prm["jitter"] * hand[:, None, None]
    # motion smear: at speed the fingers lag toward where they were
    w = np.clip(0.12 * speed, 0, 0.4)[:, None, None]
    noisy[1:, 1:] = (1 - w[1:]) * noisy[1:, 1:] + w[1:] * noisy[:-1, 1:]
    if prm["smoothing"]:
        noisy = _one_euro(noisy, ~lost, hand, prm["fmin"], prm["beta"])
    z = norm[..., 2] * prm["z_scale"] + _smooth_noise(rng, t, 21, 2.0) * prm["z_noise"] * (hand / sc.w)[:, None]
    z = z - z[:, :1]
    # glitches: mirrored hand, jump, swapped fingertips
    n_gl = int(rng.poisson(prm["glitch"] * t / 300.0))
    for _ in range(n_gl):
        s = int(rng.integers(0, t))
        ln = int(rng.integers(1, 3))
        kind = int(rng.integers(3))
        for k in range(s, min(t, s + ln)):
            q = noisy[k]
            if kind == 0:
                ax = _unit(q[9] - q[0])
                rel = q - q[0]
                noisy[k] = q[0] + 2 * (rel @ ax)[:, None] * ax[None, :] - rel
            elif kind == 1:
                noisy[k] = q + rng.normal(0, 0.5, 2) * hand[k]
            else:
                i = int(rng.integers(0, 3))
                a, b = TIPS[1 + i], TIPS[2 + i]
                noisy[k, [a, b]] = noisy[k, [b, a]]
    out = np.concatenate([noisy / np.array([sc.w, sc.h]), z[..., None]], -1)
    xy = out[..., :2]
    lost |= ((xy < -0.28) | (xy > 1.28)).any(axis=(1, 2))
    out[lost] = np.nan
    rep = rng.random(t) < prm["repeat"]
    for k in np.flatnonzero(rep):
        if k > 0:
            out[k] = out[k - 1]
    if prm["zero_frames"]:
        out[np.isnan(out).any(axis=(1, 2))] = 0.0
    meta = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in prm.items()}
    meta["lost_frames"] = int(np.isnan(out).all(axis=(1, 2)).sum() + (out == 0).all(axis=(1, 2)).sum())
    meta["repeated_frames"] = int(rep[1:].sum())
    meta["glitches"] = n_gl
    return out.astype(np.float32), meta


# ----------------------------------------------------------------------------------------------------------------------
# clips


def _perform(rng, kind, labels, size_scale):
    pp = _Person(rng)
    sc = _Scene(rng, pp, size_scale)
    pf = _Performer(rng, pp, sc)
    u = pf.u
    gs = []
    pf.start(str(rng.choice(["hang", "low", "chest"], p=[0.45, 0.35, 0.2])))
    if kind == "tight":
        if rng.random() < 0.5:
            pf.idle(int(rng.integers(4, 20)))
        gs.append(pf.gesture(labels[0]))
        pf.idle(int(rng.integers(20, 40)))
    elif kind == "margin":
        pf.idle(int(rng.integers(15, 91)))
        gs.append(pf.gesture(labels[0]))
        pf.idle(int(rng.integers(15, 91)) + 20)
    elif kind == "pair":
        pf.idle(int(rng.integers(8, 61)))
        gs.append(pf.gesture(labels[0]))
        if rng.random() < 0.5:  # brief pause, hand half relaxed
            p, r, f = pf.tl.state()
            fr = f + 0.3 * (pf.pose("relaxed") - f)
            pf.tl.move(p + 0.02 * sc.up * rng.normal(), pf.jit(r, 6), fr, int(rng.integers(4, 20)), amp=AMP_HOLD)
        fist = labels[0] == "grab" and labels[1] in SWIPES and rng.random() < 0.4
        gs.append(pf.gesture(labels[1], fist=fist) if labels[1] in SWIPES else pf.gesture(labels[1]))
        pf.idle(int(rng.integers(8, 61)) + 20)
    else:
        pf.idle(int(rng.integers(15, 76)))
        for i, lab in enumerate(labels):
            gs.append(pf.gesture(lab))
            pf.idle(int(u(25, 110)) if i < len(labels) - 1 else int(u(15, 75)) + 20)
    pos, rot, fp, amp = pf.tl.arrays()
    pos, rot, fp = _micro(rng, pos, rot, fp, amp)
    world, norm = _render(pos, rot, fp, pp, sc)
    for g in gs:
        g.setdefault("dir", None)
    ok = _check(norm, world, gs, sc, pp)
    lo, hi = 0, len(norm) - 1
    if kind == "tight":
        lo = max(0, gs[0]["start"] - int(rng.integers(0, 5)))
        hi = min(len(norm) - 1, gs[0]["end"] + int(rng.integers(0, 5)))
    norm = norm[lo : hi + 1]
    for g in gs:
        g["start"] -= lo
        g["end"] -= lo
    meta = {"person": pp.meta(), "camera": sc.meta(), "styles": [s.get("style") for s in pf.styles]}
    return ok, norm, gs, sc, meta


def _labels_for(rng, kind, cycle):
    if kind in ("tight", "margin"):
        return [next(cycle)]
    if kind == "pair":
        t = rng.choice(["point+swipe", "grab+swipe", "point+grab", "point+come_here"], p=[0.3, 0.3, 0.2, 0.2])
        if t == "point+grab":
            return ["point", "grab"]
        if t == "point+come_here":
            return ["point", "come_here"]
        return [t.split("+")[0], str(rng.choice(SWIPES))]
    return [str(x) for x in rng.choice(LABELS, size=int(rng.integers(3, 6)))]


def _label_cycle(seed):
    rng = np.random.default_rng([seed, 0xB4, 1])
    while True:
        for i in rng.permutation(len(LABELS)):
            yield LABELS[int(i)]


def _kind_plan(n, seed):
    raw = [share * n for _, share in KIND_SHARES]
    counts = [int(math.floor(x)) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    kinds = [k for (k, _), c in zip(KIND_SHARES, counts) for _ in range(c)]
    rng = np.random.default_rng([seed, 0xB4, 0])
    return [kinds[int(i)] for i in rng.permutation(len(kinds))]


def _make_clip(seed, index, kind, labels, tracker):
    norm = gs = sc = meta = None
    for attempt in range(14):
        rng = np.random.default_rng([seed, index, attempt, 0xB4])
        ok, norm, gs, sc, meta = _perform(rng, kind, labels, 0.88**attempt)
        if ok:
            break
    meta["attempts"] = attempt + 1
    meta["checked"] = bool(ok)
    meta["fps"] = FPS
    if tracker:
        lm, tmeta = _track(norm, sc, np.random.default_rng([seed, index, 0x7AC]))
        meta["tracker"] = tmeta
    else:
        lm = norm.astype(np.float32)
        meta["tracker"] = None
    gestures = [(g["label"], int(g["start"]), int(g["end"]), (float(g["dir"]) if g["label"] == "point" else None)) for g in gs]
    return Blind4Clip(landmarks=lm, gestures=gestures, kind=kind, meta=meta)


def _dataset(n, seed, tracker):
    kinds = _kind_plan(n, seed)
    cycle = _label_cycle(seed)
    clips = []
    for i, kind in enumerate(kinds):
        labels = _labels_for(np.random.default_rng([seed, i, 0x1AB]), kind, cycle)
        clips.append(_make_clip(seed, i, kind, labels, tracker))
    return clips


def blind4_dataset(n: int, seed: int) -> list[Blind4Clip]:
    """n clips, deterministic for (n, seed), kinds mixed per KIND_SHARES, as a hand tracker would give them."""
    return _dataset(n, seed, True)


def blind4_clean_dataset(n: int, seed: int) -> list[Blind4Clip]:
    """The same clips as blind4_dataset(n, seed) before the tracker model (no noise, no lost or repeated frames)."""
    return _dataset(n, seed, False)


# ----------------------------------------------------------------------------------------------------------------------
# scoring


def _wrap(d):
    return abs((d + 180.0) % 360.0 - 180.0)


def score(recognize, clips) -> dict:
    """Exact-sequence accuracy of recognize(landmarks) -> [{"label", "start", "end", "direction_deg"}] over clips.

    confusion counts the wrong clips only, keyed "performed -> said" with labels joined by "+" ("none" when nothing
    was said).  Pointing error is over correct clips, per performed point (180 when no direction was given).
    """
    n = len(clips)
    right = 0
    kinds: dict = {}
    gest: dict = {}
    errs = []
    conf: Counter = Counter()
    for c in clips:
        said = list(recognize(c.landmarks) or [])
        said_labels = [str(d.get("label")) for d in said]
        truth = [g[0] for g in c.gestures]
        ok = said_labels == truth
        right += ok
        kinds.setdefault(c.kind, []).append(ok)
        if c.kind in ("tight", "margin") and truth:
            gest.setdefault(truth[0], []).append(ok)
        if ok:
            for g, d in zip(c.gestures, said):
                if g[0] == "point" and g[3] is not None:
                    sd = d.get("direction_deg")
                    bad = sd is None or not np.isfinite(float(sd))
                    errs.append(180.0 if bad else _wrap(float(sd) - float(g[3])))
        else:
            conf[f"{'+'.join(truth)} -> {'+'.join(said_labels) if said_labels else 'none'}"] += 1
    return {
        "n": n,
        "accuracy": right / n if n else 0.0,
        "by_kind": {k: float(np.mean(v)) for k, v in sorted(kinds.items())},
        "by_gesture": {k: float(np.mean(gest[k])) for k in LABELS if k in gest},
        "pointing_error_deg": {
            "median": float(np.median(errs)) if errs else None,
            "mean": float(np.mean(errs)) if errs else None,
            "n": len(errs),
        },
        "confusion": dict(sorted(conf.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


# ----------------------------------------------------------------------------------------------------------------------
# CLI


def main(argv=None):
    ap = argparse.ArgumentParser(description="Blind4 hand-gesture clips (MediaPipe landmarks, 30 fps).")
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="folder for clip_NNNN.npy files and labels.json")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    clips = blind4_dataset(a.n, a.seed)
    dt = time.perf_counter() - t0
    if a.out is not None:
        a.out.mkdir(parents=True, exist_ok=True)
        rows = []
        for i, c in enumerate(clips):
            name = f"clip_{i:04d}.npy"
            np.save(a.out / name, c.landmarks)
            rows.append({"file": name, "kind": c.kind, "gestures": [list(g) for g in c.gestures], "meta": c.meta})
        (a.out / "labels.json").write_text(json.dumps({"seed": a.seed, "n": a.n, "fps": FPS, "clips": rows}, indent=1))
    kinds = Counter(c.kind for c in clips)
    labels = Counter(g[0] for c in clips for g in c.gestures)
    frames = sum(len(c.landmarks) for c in clips)
    print(f"{len(clips)} clips, {frames} frames in {dt:.2f} s; kinds {dict(kinds)}; gestures {dict(labels)}")
    if a.out is not None:
        print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
