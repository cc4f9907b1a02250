"""Blind10: synthetic MediaPipe-Hands landmark clips of people giving command gestures to a robot's camera.

This generator was written without reading any other gesture generator or the
code it is used to evaluate; it is built only from general knowledge of hand
anatomy, human arm movement, webcams and MediaPipe Hands.  What it models:

* People: hand length from small children to large adults, left or right hand,
  individual bone proportions and joint ranges, speed / amplitude habits,
  sloppiness (direction errors, loose finger shapes, curved paths),
  physiological tremor (7-12 Hz) and slow postural drift.
* Hand: a kinematic hand giving the 21 MediaPipe landmarks from per-finger
  MCP / PIP / DIP flexion, finger abduction ("spread") and a thumb chain that
  blends between an abducted and an opposed (tucked) configuration.
* Motion: the wrist path, the hand orientation and the finger posture are sums
  of overlapping minimum-jerk submovements (Flash & Hogan; Flash & Henis), so
  movements co-articulate; a two-link arm (shoulder, upper arm, forearm) bounds
  the reach and bends swipes into elbow-pivot arcs; wrist rotations drive
  flicks and beckons.  Several styles per gesture (held / reaching / wrist
  points with corrective sub-movements, flicks, strokes, lazy and long swipes,
  fast / slow / partial / reaching grabs, palm-up, index, palm-in and palm-down
  beckons, raised / pushed / high / low stops; grab-then-drag swipes).
* Idle at a table: hands resting on the table (often at the image's bottom
  edge), in the lap (out of view), under the chin or hovering; fidgeting finger
  taps, shifting, talking beats, touching the face, reaching for things,
  scratching the other arm, leaving and re-entering the frame; returns to rest.
* Cameras: landscape, portrait and square sizes, field of view, distance,
  pitch, roll, the person's yaw, optional radial lens distortion, mirrored
  (selfie) or not, native 15-60 fps resampled to 30 fps.
* Tracker: MediaPipe-like detection / tracking state machine (loss at image
  edges, for tiny hands, at speed and at random; re-detection latency and
  re-detection jumps), landmark jitter growing for small and fast hands,
  One-Euro-style adaptive smoothing (lag), scale and depth-scale bias,
  transient finger and depth errors, dropped frames; lost frames are written
  as NaN, zeros or exact repeats of the previous frame.

Clips are float32 arrays (T, 21, 3) at 30 fps in MediaPipe's normalised image
coordinates (x right, y down, z relative to the wrist in x's scale), labelled
as a human annotator would mark them.
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

_CLIP_TAG = 0xB10D10  # mixed into every clip's SeedSequence
_BLOCK_TAG = 0xB10C20  # mixed into the per-block kind permutation
_BLOCK_KINDS = ("tight",) * 6 + ("margin",) * 5 + ("pair",) * 5 + ("recording",) * 4
_SWIPES = ("swipe_left", "swipe_right", "swipe_up", "swipe_down")
_SWIPE_DEG = {"swipe_right": 0.0, "swipe_up": 90.0, "swipe_left": 180.0, "swipe_down": 270.0}
_MIN_F = int(round(MIN_GESTURE_S * FPS))
_MAX_F = int(round(MAX_GESTURE_S * FPS))
_BAND = (-0.3, 1.3)

# Design ("body") coordinates, metres, for a right-handed person: origin between
# the shoulders, x towards the person's left (image right for an unmirrored
# camera facing them), y down, z away from the camera (into the person).
_UP = np.array([0.0, -1.0, 0.0])
_DOWN = np.array([0.0, 1.0, 0.0])
_FWD = np.array([0.0, 0.0, -1.0])  # towards the camera
_BACK = np.array([0.0, 0.0, 1.0])  # towards the person's chest
_MED = np.array([1.0, 0.0, 0.0])  # towards the body midline (right hand)
_LAT = np.array([-1.0, 0.0, 0.0])


# --------------------------------------------------------------------------- math
def _unit(v):
    v = np.asarray(v, dtype=float)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-12)


def _minjerk(tau):
    tau = np.clip(tau, 0.0, 1.0)
    return tau * tau * tau * (10.0 - 15.0 * tau + 6.0 * tau * tau)


def _rot(v, axis, ang):
    """Rodrigues rotation of vector v about unit axis by ang radians."""
    k = _unit(axis)
    c, s = math.cos(ang), math.sin(ang)
    return v * c + np.cross(k, v) * s + k * float(k @ v) * (1.0 - c)


def _perp(base, f):
    """Unit vector nearest to base that is perpendicular to f."""
    f = _unit(f)
    for b in (np.asarray(base, dtype=float), _BACK, _DOWN, _MED):
        p = b - float(b @ f) * f
        nrm = float(np.linalg.norm(p))
        if nrm > 0.2 * max(float(np.linalg.norm(b)), 1e-9):
            return p / nrm
    return _unit(np.cross(f, _MED))  # unreachable in practice


def _pick(rng, options, probs):
    p = np.asarray(probs, dtype=float)
    return options[int(rng.choice(len(options), p=p / p.sum()))]


def _smooth_noise(rng, t, dim, knot_dt, amp):
    """Band-limited noise at times t: Catmull-Rom spline through random knots."""
    t = np.asarray(t, dtype=float)
    span = float(t[-1] - t[0]) if len(t) else 0.0
    n = int(span / knot_dt) + 4
    kn = rng.normal(0.0, 1.0, (n, dim)) * amp
    s = (t - t[0]) / knot_dt
    i = np.minimum(np.floor(s).astype(int), n - 4)
    u = (s - i)[:, None]
    p0, p1, p2, p3 = kn[i], kn[i + 1], kn[i + 2], kn[i + 3]
    return 0.5 * (2 * p1 + (p2 - p0) * u + (2 * p0 - 5 * p1 + 4 * p2 - p3) * u * u + (3 * p1 - p0 - 3 * p2 + p3) * u * u * u)


def _tremor(rng, t, amp, dim=3):
    """Physiological tremor: a few 7-12 Hz components with random axes."""
    out = np.zeros((len(t), dim))
    for _ in range(3):
        fr = rng.uniform(7.0, 12.0)
        ph = rng.uniform(0.0, 2 * np.pi, dim)
        a = amp * rng.uniform(0.3, 1.0) * rng.normal(0.0, 1.0, dim) / math.sqrt(dim)
        out += a * np.sin(2 * np.pi * fr * t[:, None] + ph)
    return out


def _ang_diff(a, b):
    """Absolute angular difference in degrees, in [0, 180]."""
    d = np.abs((np.asarray(a, dtype=float) - np.asarray(b, dtype=float) + 180.0) % 360.0 - 180.0)
    return float(d) if np.ndim(d) == 0 else d


# --------------------------------------------------------------------------- people
class _Person:
    def __init__(self, rng):
        self.child = bool(rng.random() < 0.18)
        if self.child:
            hl = rng.uniform(0.115, 0.16)
        else:
            hl = float(np.clip(rng.normal(0.186, 0.012), 0.16, 0.215))
        self.hand_len = float(hl)  # wrist crease to middle tip, m
        self.bs = hl / 0.186 * rng.uniform(0.93, 1.07)  # body scale
        self.right = bool(rng.random() < 0.82)
        self.La = 0.30 * self.bs * rng.uniform(0.95, 1.05)
        self.Lf = 0.26 * self.bs * rng.uniform(0.95, 1.05)
        self.reach = self.La + self.Lf
        self.shoulder_w = 0.38 * self.bs * rng.uniform(0.92, 1.08)
        self.speed = float(np.clip(np.exp(rng.normal(0.08 if self.child else 0.0, 0.2)), 0.65, 1.55))
        self.amp = float(np.clip(np.exp(rng.normal(0.0, 0.18)), 0.65, 1.45))
        self.sloppy = float(min(1.0, rng.beta(2.0, 3.0) + (0.15 if self.child else 0.0)))
        self.tremor = rng.uniform(0.0003, 0.0014) * (1.0 + self.sloppy)
        self.drift = rng.uniform(0.002, 0.007)
        self.open_curl = rng.uniform(0.0, 0.12)
        self.spread = rng.uniform(0.45, 1.0)
        self.thumb_out = bool(rng.random() < 0.2)

    def describe(self):
        return {
            "hand_length_m": round(self.hand_len, 4),
            "child": self.child,
            "hand": "right" if self.right else "left",
            "speed": round(self.speed, 3),
            "amplitude": round(self.amp, 3),
            "sloppiness": round(self.sloppy, 3),
        }


# --------------------------------------------------------------------------- hand model
class _Hand:
    """Right-hand kinematic model in local (radial, finger, palm-normal) coordinates."""

    def __init__(self, rng, hand_len):
        L = hand_len / 1.97
        self.L = L
        mcp = np.array([[0.30, 0.95, 0.0], [0.08, 1.00, 0.0], [-0.13, 0.95, -0.01], [-0.32, 0.85, -0.02]])
        mcp = mcp + rng.normal(0.0, 0.015, mcp.shape) * np.array([1.0, 1.0, 0.5])
        self.mcp = mcp * L
        phal = np.array([[0.43, 0.25, 0.20], [0.47, 0.30, 0.20], [0.44, 0.28, 0.20], [0.35, 0.20, 0.18]])
        phal = phal * rng.normal(1.0, 0.05, (4, 1)) * rng.normal(1.0, 0.03, (4, 3)) * rng.normal(1.0, 0.04)
        self.phal = phal * L
        self.cmc = (np.array([0.22, 0.20, 0.06]) + rng.normal(0.0, 0.015, 3)) * L
        self.tlen = np.array([0.45, 0.33, 0.28]) * rng.normal(1.0, 0.05) * rng.normal(1.0, 0.03, 3) * L
        self.abd0 = np.radians(np.array([7.0, 0.0, -6.0, -13.0]) + rng.normal(0.0, 2.0, 4))
        self.abdg = np.radians(np.array([11.0, 2.0, -7.0, -15.0])) * rng.uniform(0.7, 1.3)
        self.rom = rng.uniform(0.9, 1.08, 3)
        self.hyper = math.radians(rng.uniform(0.0, 15.0))
        t_open = np.array([[0.72, 0.62, 0.20], [0.58, 0.80, 0.08], [0.42, 0.90, 0.02]])
        t_closed = np.array([[0.30, 0.55, 0.55], [-0.45, 0.45, 0.45], [-0.90, 0.20, 0.10]])
        self.t_open = _unit(t_open + rng.normal(0.0, 0.05, t_open.shape))
        self.t_closed = _unit(t_closed + rng.normal(0.0, 0.05, t_closed.shape))

    def local(self, pose):
        """pose (K, 10): [idx mcp, idx ip, mid mcp, mid ip, ring .., pinky .., thumb, spread]."""
        K = len(pose)
        out = np.zeros((K, 21, 3))
        tb = np.clip(pose[:, 8], -0.1, 1.1)[:, None]
        p = np.tile(self.cmc, (K, 1))
        out[:, 1] = p
        for s in range(3):
            d = _unit(self.t_open[s] * (1.0 - tb) + self.t_closed[s] * tb)
            p = p + d * self.tlen[s]
            out[:, 2 + s] = p
        spread = np.clip(pose[:, 9], -0.2, 1.2)
        for j in range(4):
            cm = np.clip(pose[:, 2 * j], -0.15, 1.1)
            cp = np.clip(pose[:, 2 * j + 1], -0.1, 1.1)
            a = (self.abd0[j] + self.abdg[j] * spread) * (1.0 - 0.6 * np.clip(cm, 0.0, 1.0))
            th1 = -self.hyper * (1.0 - np.clip(cm, 0.0, 1.0)) + self.rom[0] * math.radians(92.0) * cm
            th2 = th1 + self.rom[1] * math.radians(105.0) * cp
            th3 = th2 + self.rom[2] * math.radians(75.0) * cp
            d0 = np.stack([np.sin(a), np.cos(a), np.zeros(K)], axis=-1)
            base = 5 + 4 * j
            q = np.tile(self.mcp[j], (K, 1))
            out[:, base] = q
            for s, th in enumerate((th1, th2, th3)):
                seg = np.cos(th)[:, None] * d0
                seg[:, 2] += np.sin(th)
                q = q + seg * self.phal[j, s]
                out[:, base + 1 + s] = q
        return out


def _frames(f, n):
    """Rotation matrices (K,3,3) with columns [radial, finger, palm normal]."""
    f = _unit(f)
    n = n - np.sum(n * f, axis=-1, keepdims=True) * f
    nn = np.linalg.norm(n, axis=-1, keepdims=True)
    bad = nn[:, 0] < 1e-6
    if bad.any():
        alt = np.cross(f[bad], _MED)
        alt2 = np.cross(f[bad], _DOWN)
        use2 = np.linalg.norm(alt, axis=-1) < 0.3
        alt[use2] = alt2[use2]
        n[bad] = alt
        nn[bad] = np.linalg.norm(alt, axis=-1, keepdims=True)
    n = n / nn
    v = np.cross(f, n)
    return np.stack([v, f, n], axis=-1)


# --------------------------------------------------------------------------- camera
_LANDSCAPE = ((640, 480), (1280, 720), (1920, 1080), (960, 540), (800, 600), (1024, 576), (640, 360), (1280, 960), (1600, 900))
_PORTRAIT = ((480, 640), (720, 1280), (1080, 1920), (540, 960), (600, 800))
_SQUARE = ((720, 720), (1080, 1080), (512, 512))
_FPS_CHOICES = ((30.0, 0.55), (25.0, 0.1), (24.0, 0.07), (15.0, 0.1), (20.0, 0.05), (60.0, 0.13))


def _rx(a):
    c, s = math.cos(a), math.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _ry(a):
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def _rz(a):
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


class _Camera:
    def __init__(self, rng, person):
        u = rng.random()
        group = _LANDSCAPE if u < 0.74 else (_PORTRAIT if u < 0.94 else _SQUARE)
        self.W, self.H = group[int(rng.integers(len(group)))]
        long_side, short = max(self.W, self.H), min(self.W, self.H)
        self.hfov = rng.uniform(56.0, 84.0)
        self.f = (long_side / 2.0) / math.tan(math.radians(self.hfov) / 2.0)
        if rng.random() < 0.5:
            self.k1, self.k2 = rng.uniform(-0.22, 0.04), rng.uniform(-0.03, 0.03)
        else:
            self.k1 = self.k2 = 0.0
        self.mirror = bool(rng.random() < 0.5)
        self.pitch = float(np.clip(rng.normal(0.0, 9.0), -22.0, 22.0))
        self.roll = float(rng.uniform(-14.0, 14.0) if rng.random() < 0.1 else np.clip(rng.normal(0.0, 2.5), -8, 8))
        self.yaw = float(np.clip(rng.normal(0.0, 10.0), -28.0, 28.0))
        fps_opts = [a for a, _ in _FPS_CHOICES]
        self.fps = float(_pick(rng, fps_opts, [b for _, b in _FPS_CHOICES]))
        R = _rz(math.radians(self.roll)) @ _rx(math.radians(self.pitch)) @ _ry(math.radians(self.yaw))
        Ps = np.eye(3) if person.right else np.diag([-1.0, 1.0, 1.0])
        self.M = R @ Ps
        hl, bs = person.hand_len, person.bs
        dmin = max(0.6, hl * self.f / (0.4 * short) + 0.3 * bs, 0.6 * bs * self.f / self.W, 0.7 * bs * self.f / self.H)
        dmax = min(2.2, hl * self.f / 60.0 + 0.25)
        dmax = max(dmax, dmin)
        self.D = float(dmin + (dmax - dmin) * rng.random() ** 1.3)
        u0 = float(np.clip(rng.normal(0.5, 0.08), 0.3, 0.7))
        v0 = rng.uniform(0.12, 0.42)
        self.T = np.array([(u0 * self.W - self.W / 2) / self.f * self.D, (v0 * self.H - self.H / 2) / self.f * self.D, self.D])
        self.zmin = min(max(0.3, hl * self.f / (0.45 * short)), 0.75 * self.D)

    def describe(self):
        return {
            "image_size": (self.W, self.H),
            "hfov_deg": round(self.hfov, 2),
            "distance_m": round(self.D, 3),
            "pitch_deg": round(self.pitch, 2),
            "roll_deg": round(self.roll, 2),
            "person_yaw_deg": round(self.yaw, 2),
            "k1": round(self.k1, 4),
            "k2": round(self.k2, 4),
            "mirrored": self.mirror,
            "fps_native": self.fps,
        }

    def to_cam(self, p):
        return p @ self.M.T + self.T

    def project(self, P):
        Z = np.maximum(P[..., 2], 0.05)
        xn, yn = P[..., 0] / Z, P[..., 1] / Z
        if self.k1 or self.k2:
            r2 = xn * xn + yn * yn
            s = 1.0 + self.k1 * r2 + self.k2 * r2 * r2
            xn, yn = xn * s, yn * s
        x = (self.f * xn + self.W / 2.0) / self.W
        y = (self.f * yn + self.H / 2.0) / self.H
        if self.mirror:
            x = 1.0 - x
        return x, y, Z

    def norm_xy(self, p):
        x, y, _ = self.project(self.to_cam(np.asarray(p, dtype=float)))
        return x, y

    def _px(self, p):
        x, y = self.norm_xy(p)
        return np.array([x * self.W, -y * self.H])

    def jac(self, p):
        """d(pixel x, pixel y-up)/d(design x, design y) at design point p."""
        e = 0.01
        p = np.asarray(p, dtype=float)
        p0 = self._px(p)
        cx = (self._px(p + np.array([e, 0.0, 0.0])) - p0) / e
        cy = (self._px(p + np.array([0.0, e, 0.0])) - p0) / e
        return np.column_stack([cx, cy])

    def design_dir(self, p, img_deg):
        """Unit design-plane direction whose image motion at p has angle img_deg (pixels, y up)."""
        a = math.radians(img_deg)
        w = np.linalg.lstsq(self.jac(p), np.array([math.cos(a), math.sin(a)]), rcond=None)[0]
        return _unit(np.array([w[0], w[1], 0.0]))

    def cam_pos_design(self):
        return np.linalg.solve(self.M, -self.T)


# --------------------------------------------------------------------------- motion
class _Track:
    """Wrist position, hand orientation and finger posture as superposed minimum-jerk submovements."""

    _CH = ("pos", "f", "n", "pose")

    def __init__(self, pos, f, n, pose):
        f = _unit(f)
        self.start = {"pos": np.array(pos, float), "f": f, "n": _perp(n, f), "pose": np.array(pose, float)}
        self.cur = {k: v.copy() for k, v in self.start.items()}
        self.moves = {k: [] for k in self._CH}

    def _add(self, key, t0, dur, target):
        target = np.asarray(target, dtype=float)
        d = target - self.cur[key]
        if np.any(np.abs(d) > 1e-9):
            self.moves[key].append((float(t0), max(float(dur), 0.04), d))
            self.cur[key] = target.copy()

    def nudge(self, key, t0, dur, delta):
        delta = np.asarray(delta, dtype=float)
        self.moves[key].append((float(t0), max(float(dur), 0.04), delta))
        self.cur[key] = self.cur[key] + delta

    def move(self, t0, dur, pos=None, f=None, n=None, pose=None):
        dur = max(float(dur), 0.04)
        if pos is not None:
            self._add("pos", t0, dur, pos)
        if pose is not None:
            self._add("pose", t0, dur, pose)
        if f is None and n is None:
            return
        cf, cn = self.cur["f"], self.cur["n"]
        ft = cf if f is None else _unit(f)
        nt = _perp(cn if n is None else n, ft)
        if float(ft @ cf) < -0.2 or float(nt @ cn) < -0.2:
            mf = cf + ft
            mf = _unit(mf) if np.linalg.norm(mf) > 0.3 else cn.copy()
            mn = cn + nt
            mn = mn if np.linalg.norm(mn) > 0.3 else -cf
            mn = _perp(mn, mf)
            self._add("f", t0, dur * 0.55, mf)
            self._add("n", t0, dur * 0.55, mn)
            t0, dur = t0 + dur * 0.45, dur * 0.55
        self._add("f", t0, dur, ft)
        self._add("n", t0, dur, nt)

    def state(self):
        return {k: v.copy() for k, v in self.cur.items()}

    def eval(self, t):
        out = {}
        for k in self._CH:
            base = self.start[k]
            mv = self.moves[k]
            if not mv:
                out[k] = np.tile(base, (len(t), 1))
                continue
            t0s = np.array([m[0] for m in mv])
            ds = np.array([m[1] for m in mv])
            dl = np.array([m[2] for m in mv])
            S = _minjerk((t[:, None] - t0s[None, :]) / ds[None, :])
            out[k] = base + S @ dl
        return out


class _Ctx:
    pass


def _place(ctx, p):
    """Keep a wrist target reachable, in front of the torso and not too near the camera."""
    p = np.array(p, dtype=float)
    v = p - ctx.S
    d = float(np.linalg.norm(v))
    rmax = 0.93 * ctx.P.reach
    if d > rmax:
        p = ctx.S + v * rmax / d
    p[2] = min(p[2], -0.08 * ctx.P.bs)
    g = ctx.cam.M[2]
    Z = float(g @ p + ctx.cam.T[2])
    if Z < ctx.cam.zmin:
        p = p + (ctx.cam.zmin - Z) * g
    return p


def _need(v, lo, hi):
    a, b = float(np.min(v)), float(np.max(v))
    if b - a > hi - lo:
        return 0.5 * (lo + hi) - 0.5 * (a + b)
    if a < lo:
        return lo - a
    if b > hi:
        return hi - b
    return 0.0


def _fit(ctx, pts, xlo=0.07, xhi=0.93, ylo=0.07, yhi=0.93):
    """Design-plane shift that brings the projected key points inside the given image box."""
    pts = np.atleast_2d(np.asarray(pts, dtype=float))
    shift = np.zeros(3)
    cam = ctx.cam
    for _ in range(3):
        x, y = cam.norm_xy(pts + shift)
        dx, dy = _need(x, xlo, xhi), _need(y, ylo, yhi)
        if abs(dx) < 1e-3 and abs(dy) < 1e-3:
            break
        J = cam.jac(pts.mean(axis=0) + shift)
        w = np.linalg.lstsq(J, np.array([dx * cam.W, -dy * cam.H]), rcond=None)[0]
        shift[:2] += np.clip(w, -0.6, 0.6)
    return shift


def _elbow(ctx, W):
    S, La, Lf = ctx.S, ctx.P.La, ctx.P.Lf
    v = W - S
    d = float(np.clip(np.linalg.norm(v), abs(La - Lf) + 1e-3, La + Lf - 1e-3))
    u = _unit(v)
    a = (La * La - Lf * Lf + d * d) / (2 * d)
    h = math.sqrt(max(La * La - a * a, 0.0))
    p = _perp(np.array([-0.35, 1.0, 0.25]), u)
    return S + a * u + h * p


def _to_cam_dir(ctx, p):
    return _unit(ctx.cam_design - p)


def _pose(ctx, name):
    r, P = ctx.rng, ctx.P
    q = np.zeros(10)
    if name == "open":
        c = P.open_curl + r.uniform(0.0, 0.06, 4)
        q[0:8:2], q[1:8:2] = c, c * 0.8
        q[8], q[9] = r.uniform(0.0, 0.25), P.spread * r.uniform(0.5, 1.1)
    elif name == "relaxed":
        q[0:8:2] = r.uniform(0.15, 0.35) + np.array([0.0, 0.04, 0.08, 0.12])
        q[1:8:2] = r.uniform(0.25, 0.45) + np.array([0.0, 0.05, 0.1, 0.15])
        q[8], q[9] = r.uniform(0.4, 0.55), r.uniform(0.1, 0.3)
    elif name == "rest":
        q[0:8:2] = r.uniform(0.2, 0.4) + np.array([0.0, 0.03, 0.06, 0.1])
        q[1:8:2] = r.uniform(0.35, 0.6) + np.array([0.0, 0.04, 0.08, 0.12])
        q[8], q[9] = r.uniform(0.35, 0.6), r.uniform(0.05, 0.25)
    elif name == "fist":
        q[0:8] = r.uniform(0.9, 1.0, 8)
        q[8], q[9] = r.uniform(0.85, 1.0), r.uniform(0.0, 0.1)
    elif name == "partial":
        q[0:8:2] = r.uniform(0.45, 0.7, 4)
        q[1:8:2] = r.uniform(0.5, 0.8, 4)
        q[8], q[9] = r.uniform(0.5, 0.75), r.uniform(0.0, 0.15)
    elif name == "soft":
        q[0:8:2] = r.uniform(0.3, 0.5, 4)
        q[1:8:2] = r.uniform(0.35, 0.55, 4)
        q[8], q[9] = r.uniform(0.45, 0.65), r.uniform(0.05, 0.2)
    elif name == "point":
        q[0], q[1] = r.uniform(0.0, 0.08) + 0.1 * P.sloppy * r.random(), r.uniform(0.0, 0.1)
        q[2], q[3] = r.uniform(0.75, 1.0) - 0.35 * P.sloppy * r.random(), r.uniform(0.8, 1.0)
        q[4:8] = r.uniform(0.85, 1.0, 4)
        q[8] = r.uniform(0.05, 0.35) if (P.thumb_out or r.random() < 0.1) else r.uniform(0.65, 0.95)
        q[9] = r.uniform(0.0, 0.15)
    elif name == "hook":
        q[0:8:2] = r.uniform(0.35, 0.7) + r.normal(0.0, 0.05, 4)
        q[1:8:2] = r.uniform(0.6, 0.95) + r.normal(0.0, 0.05, 4)
        q[8], q[9] = r.uniform(0.3, 0.6), r.uniform(0.0, 0.15)
    elif name == "index_open":
        q[0], q[1] = r.uniform(0.0, 0.12), r.uniform(0.0, 0.15)
        q[2:8] = r.uniform(0.75, 0.95, 6)
        q[8], q[9] = r.uniform(0.5, 0.85), r.uniform(0.0, 0.1)
    elif name == "index_hook":
        q[0], q[1] = r.uniform(0.25, 0.5), r.uniform(0.75, 1.0)
        q[2:8] = r.uniform(0.75, 0.95, 6)
        q[8], q[9] = r.uniform(0.5, 0.85), r.uniform(0.0, 0.1)
    else:
        raise ValueError(name)
    q[:9] += r.normal(0.0, 0.03 * (0.5 + P.sloppy), 9)
    return np.clip(q, -0.08, 1.05)


# --------------------------------------------------------------------------- gestures
def _g_point(ctx, t0, from_g):
    r, P, cam, tr, bs = ctx.rng, ctx.P, ctx.cam, ctx.tr, ctx.P.bs
    style = _pick(r, ("arm", "wrist", "adjust", "jab"), (0.45, 0.25, 0.15, 0.15))
    prep = float(np.clip(r.uniform(0.28, 0.6) / P.speed, 0.2, 0.75)) * (0.75 if from_g else 1.0)
    if ctx.away:
        prep += 0.15
    hold = r.uniform(0.35, 1.9) if style != "jab" else r.uniform(0.35, 0.9)
    total = min(max(prep + hold, 0.6), 2.85)
    u = r.random()
    if u < 0.45:
        a = r.uniform(0.0, 360.0)
    elif u < 0.7:
        a = (0.0 if r.random() < 0.5 else 180.0) + r.normal(0.0, 20.0)
    elif u < 0.9:
        a = 270.0 + r.normal(0.0, 35.0)
    else:
        a = 90.0 + r.normal(0.0, 30.0)
    C = ctx.S + np.array([0.14, 0.16, -0.30]) * bs
    w = cam.design_dir(C, a)
    f = _unit(w + np.array([0.0, 0.0, r.uniform(-0.5, 0.2)]))
    if style == "wrist":
        W = ctx.S + np.array([r.uniform(0.05, 0.2), r.uniform(0.2, 0.32), -r.uniform(0.22, 0.32)]) * bs + 0.06 * bs * f
    else:
        reach = r.uniform(0.5, 0.9) * min(P.amp, 1.15) * P.reach
        W = ctx.S + reach * _unit(0.8 * f + np.array([0.2, 0.25, -0.75]))
    pron = r.uniform(0.0, np.pi / 2)
    n = _perp(math.cos(pron) * _DOWN + math.sin(pron) * _MED, f)
    W = _place(ctx, W)
    W = _place(ctx, W + _fit(ctx, [W, W + f * 0.9 * P.hand_len]))
    tr.move(t0, prep, pos=W, f=f, n=n)
    s0 = r.uniform(0.0, 0.12) * prep
    tr.move(t0 + s0, prep - s0 - r.uniform(0.0, 0.1) * prep, pose=_pose(ctx, "point"))
    h0, h1 = t0 + prep, t0 + total
    if style == "adjust" and h1 - h0 > 0.6:
        tm = h0 + r.uniform(0.15, 0.45) * (h1 - h0)
        f2 = _rot(f, _perp(r.normal(0.0, 1.0, 3), f), math.radians(r.uniform(4.0, 14.0)))
        W2 = _place(ctx, W + r.normal(0.0, 0.02, 3) * bs)
        tr.move(tm, r.uniform(0.2, 0.35), pos=W2, f=f2, n=_perp(n, f2))
    elif style == "jab":
        amp = r.uniform(0.03, 0.07) * bs
        d = r.uniform(0.12, 0.2)
        tr.nudge("pos", h0 - 0.05, d, f * amp)
        tr.nudge("pos", h0 - 0.05 + d, d * 1.3, -f * amp)
    ctx.away = False
    return {"style": style, "end": t0 + total, "hold": (h0, h1)}


def _g_swipe(ctx, t0, label, from_g, drag=False):
    r, P, cam, tr, bs = ctx.rng, ctx.P, ctx.cam, ctx.tr, ctx.P.bs
    style = _pick(r, ("stroke", "flick", "lazy", "long"), (0.4, 0.2, 0.2, 0.2))
    stroke = {"stroke": r.uniform(0.22, 0.42), "flick": r.uniform(0.13, 0.24), "lazy": r.uniform(0.45, 0.85), "long": r.uniform(0.35, 0.6)}[
        style
    ] / P.speed
    length = (
        {"stroke": r.uniform(0.18, 0.32), "flick": r.uniform(0.05, 0.11), "lazy": r.uniform(0.14, 0.3), "long": r.uniform(0.32, 0.5)}[style]
        * P.amp
        * bs
    )
    prep = (r.uniform(0.15, 0.35) if from_g else r.uniform(0.25, 0.55)) / P.speed
    if ctx.away:
        prep += 0.15
    pause = r.uniform(0.0, 0.15)
    settle = r.uniform(0.04, 0.18)
    total = prep + pause + stroke + settle
    if total < 0.62:
        pause += 0.62 - total
        total = 0.62
    if total > 2.85:
        prep -= total - 2.85
        total = 2.85
    err = float(np.clip(r.normal(0.0, 4.0 + 12.0 * P.sloppy), -25.0, 25.0))
    horiz = label in ("swipe_left", "swipe_right")
    C = ctx.S + np.array([r.uniform(0.05, 0.25), r.uniform(0.05, 0.25), -r.uniform(0.25, 0.38)]) * bs
    opts = ("push", "palm_cam", "table", "back") if horiz else ("push", "palm_cam", "back")
    orient = _pick(r, opts, (0.35, 0.35, 0.15, 0.15) if horiz else (0.45, 0.4, 0.15))
    if orient == "table":
        C = C + np.array([0.0, 0.12, -0.04]) * bs
    w3 = _unit(cam.design_dir(C, _SWIPE_DEG[label] + err) + np.array([0.0, 0.0, r.normal(0.0, 0.15)]))
    if orient in ("push", "back"):
        n = w3 if orient == "push" else -w3
        f = _perp(_UP + 0.3 * _FWD if horiz else 0.6 * _FWD + _MED, n)
    elif orient == "palm_cam":
        n = _to_cam_dir(ctx, C)
        f = _perp(_UP if horiz else _MED + 0.3 * _UP, n)
    else:
        n = _unit(_DOWN + 0.2 * _FWD)
        f = _perp(_FWD + 0.3 * _MED, n)
    n = _perp(n, f)
    phi = math.radians(r.uniform(25.0, 50.0) if style == "flick" else r.uniform(4.0, 15.0))
    k = np.cross(f, w3)
    if np.linalg.norm(k) > 0.2:
        fs, ns = _rot(f, k, -phi / 2), _rot(n, k, -phi / 2)
        fe, ne = _rot(f, k, phi / 2), _rot(n, k, phi / 2)
    else:
        fs, ns, fe, ne = f, n, f, n
    start, end = C - w3 * length / 2, C + w3 * length / 2
    tip = 0.9 * P.hand_len
    sh = _fit(ctx, [start, end, start + fs * tip, end + fe * tip], 0.05, 0.95, 0.05, 0.95)
    start, end = _place(ctx, start + sh), _place(ctx, end + sh)
    pose = _pose(ctx, "open")
    if drag:
        pose = _pose(ctx, "partial" if r.random() < 0.5 else "fist")
    tr.move(t0, prep, pos=start, f=fs, n=ns)
    tr.move(t0 + r.uniform(0.0, 0.2) * prep, prep * r.uniform(0.6, 0.8), pose=pose)
    ts = t0 + prep + pause
    tr.move(ts, stroke, pos=end, f=fe, n=ne)
    L = float(np.linalg.norm(end - start))
    mid = 0.5 * (start + end)
    E = _elbow(ctx, start)
    away = mid - E
    wd = _unit(end - start)
    away = away - float(away @ wd) * wd
    if np.linalg.norm(away) > 1e-6 and L > 1e-3:
        rr = float(np.linalg.norm(mid - E))
        sag = (rr - math.sqrt(max(rr * rr - (L / 2) ** 2, 0.0))) * r.uniform(0.3, 1.0)
        sag += P.sloppy * r.uniform(0.0, 0.03) * bs
        bump = _unit(away) * sag * (1.0 if r.random() < 0.8 else -1.0)
        tr.nudge("pos", ts, stroke / 2, bump)
        tr.nudge("pos", ts + stroke / 2, stroke / 2, -bump)
    if r.random() < 0.35:
        tr.nudge("pos", ts + 0.85 * stroke, r.uniform(0.12, 0.22), -wd * L * r.uniform(0.04, 0.12))
    ctx.away = False
    return {"style": style + ("_drag" if drag else ""), "orient": orient, "end": t0 + total, "stroke": (ts, ts + stroke)}


def _g_grab(ctx, t0, from_g):
    r, P, tr, bs = ctx.rng, ctx.P, ctx.tr, ctx.P.bs
    style = _pick(r, ("fast", "slow", "partial", "reach"), (0.3, 0.25, 0.2, 0.25))
    prep = (r.uniform(0.2, 0.4) if from_g else r.uniform(0.3, 0.6)) / P.speed
    if ctx.away:
        prep += 0.15
    open_hold = r.uniform(0.0, 0.3)
    close = {"fast": r.uniform(0.12, 0.25), "slow": r.uniform(0.4, 0.8), "partial": r.uniform(0.2, 0.45), "reach": r.uniform(0.25, 0.5)}[
        style
    ] / P.speed
    post = r.uniform(0.12, 0.5)
    total = prep + open_hold + close + post
    if total < 0.62:
        post += 0.62 - total
        total = 0.62
    total = min(total, 2.85)
    orient = _pick(r, ("cam", "table", "side"), (0.45, 0.3, 0.25))
    Wo = ctx.S + np.array([r.uniform(0.05, 0.25), r.uniform(0.1, 0.3), -r.uniform(0.28, 0.4)]) * bs
    if style == "reach":
        Wo = Wo + np.array([0.0, 0.0, -0.08]) * bs
    if orient == "cam":
        n = _to_cam_dir(ctx, Wo)
        f = _perp(_UP, n)
        f = _rot(f, np.cross(f, n), math.radians(r.uniform(10.0, 40.0)))
        pull = _unit(_BACK + 0.4 * _UP)
    elif orient == "table":
        Wo = Wo + np.array([0.0, 0.08, 0.0]) * bs
        n = _unit(_DOWN + 0.25 * _FWD)
        f = _perp(_FWD + 0.3 * _MED, n)
        pull = _unit(_UP + 0.3 * _BACK)
    else:
        n = _unit(_MED + 0.2 * _DOWN)
        f = _perp(_FWD + 0.2 * _UP, n)
        pull = _unit(_BACK + 0.2 * _UP)
    n = _perp(n, f)
    Wc = Wo + pull * r.uniform(0.02, 0.08) * bs * (1.6 if style == "reach" else 1.0)
    sh = _fit(ctx, [Wo, Wc, Wo + f * 0.9 * P.hand_len])
    Wo, Wc = _place(ctx, Wo + sh), _place(ctx, Wc + sh)
    tr.move(t0, prep, pos=Wo, f=f, n=n)
    o = _pose(ctx, "open")
    o[9] = max(o[9], r.uniform(0.5, 1.0))
    tr.move(t0 + r.uniform(0.0, 0.2) * prep, prep * r.uniform(0.6, 0.8), pose=o)
    tc = t0 + prep + open_hold
    tr.move(tc, close, pose=_pose(ctx, "partial" if style == "partial" else "fist"))
    f2 = _rot(f, np.cross(f, n), math.radians(r.uniform(0.0, 20.0)))
    tr.move(tc + close * r.uniform(0.0, 0.4), close * r.uniform(0.8, 1.5) + 0.1, pos=Wc, f=f2, n=_perp(n, f2))
    ctx.away = False
    return {"style": style, "orient": orient, "end": t0 + total, "close": (tc, tc + close)}


def _g_come(ctx, t0, from_g):
    r, P, tr, bs = ctx.rng, ctx.P, ctx.tr, ctx.P.bs
    style = _pick(r, ("palm_up", "index", "palm_in", "palm_down"), (0.35, 0.2, 0.25, 0.2))
    period = r.uniform(0.32, 0.7) / P.speed
    prep = (r.uniform(0.2, 0.4) if from_g else r.uniform(0.25, 0.5)) / P.speed
    if ctx.away:
        prep += 0.15
    ncyc = int(r.integers(2, 5))
    while prep + ncyc * period > 2.8 and ncyc > 2:
        ncyc -= 1
    if prep + ncyc * period > 2.8:
        period = (2.8 - prep) / ncyc
    tail = r.uniform(0.02, 0.1)
    if prep + ncyc * period + tail < 0.62:
        prep = 0.62 - ncyc * period - tail
    total = prep + ncyc * period + tail
    if style in ("palm_up", "index"):
        W = ctx.S + np.array([r.uniform(0.05, 0.2), r.uniform(0.2, 0.32), -r.uniform(0.28, 0.4)]) * bs
        n = _unit(_UP + r.uniform(0.3, 0.9) * _FWD)
        f = _perp(_FWD + r.uniform(0.2, 0.8) * _MED + 0.3 * _UP, n)
        flex = math.radians(r.uniform(0.0, 15.0) if style == "palm_up" else r.uniform(0.0, 5.0))
        opn, cls = ("open", "hook") if style == "palm_up" else ("index_open", "index_hook")
    elif style == "palm_in":
        W = ctx.S + np.array([r.uniform(0.03, 0.18), r.uniform(-0.05, 0.15), -r.uniform(0.25, 0.35)]) * bs
        n = _unit(_BACK + r.uniform(-0.2, 0.4) * _UP)
        f = _perp(_UP + r.uniform(0.0, 0.4) * _MED, n)
        flex = math.radians(r.uniform(20.0, 45.0))
        opn, cls = "open", "hook"
    else:
        W = ctx.S + np.array([r.uniform(0.05, 0.2), r.uniform(0.1, 0.25), -r.uniform(0.32, 0.42)]) * bs
        n = _unit(_DOWN + r.uniform(0.0, 0.6) * _FWD)
        f = _perp(_FWD + r.uniform(0.0, 0.4) * _MED, n)
        flex = math.radians(r.uniform(20.0, 45.0))
        opn, cls = "open", "hook"
    n = _perp(n, f)
    W = _place(ctx, W + _fit(ctx, [W, W + f * 0.9 * P.hand_len]))
    po = _pose(ctx, opn)
    tr.move(t0, prep, pos=W, f=f, n=n, pose=po)
    k = np.cross(f, n)
    tc = t0 + prep
    for _ in range(ncyc):
        a = r.uniform(0.4, 0.6)
        h1, h2 = period * a, period * (1 - a)
        fl = flex * r.uniform(0.7, 1.2)
        pc = _pose(ctx, cls)
        if style in ("palm_in", "palm_down"):
            pc[:8] = pc[:8] * r.uniform(0.4, 0.8)
        pull = _BACK * r.uniform(0.005, 0.03) * bs
        tr.move(tc, h1, f=_rot(f, k, fl), n=_rot(n, k, fl), pose=pc)
        tr.nudge("pos", tc, h1, pull)
        tr.move(tc + h1, h2, f=f, n=n, pose=po + r.normal(0.0, 0.02, 10))
        tr.nudge("pos", tc + h1, h2, -pull)
        tc += period
    ctx.away = False
    return {"style": style, "cycles": ncyc, "end": t0 + total}


def _g_stop(ctx, t0, from_g):
    r, P, tr, bs = ctx.rng, ctx.P, ctx.tr, ctx.P.bs
    style = _pick(r, ("raised", "pushed", "high", "low"), (0.4, 0.3, 0.15, 0.15))
    prep = (r.uniform(0.22, 0.4) if style == "pushed" else r.uniform(0.3, 0.6)) / P.speed
    if from_g:
        prep *= 0.8
    if ctx.away:
        prep += 0.15
    hold = r.uniform(0.4, 1.8)
    total = float(np.clip(prep + hold, 0.65, 2.85))
    if style == "raised":
        W = ctx.S + np.array([r.uniform(0.02, 0.15), r.uniform(-0.12, 0.05), -r.uniform(0.18, 0.28)]) * bs
    elif style == "high":
        W = ctx.S + np.array([r.uniform(0.0, 0.1), r.uniform(-0.3, -0.18), -r.uniform(0.15, 0.25)]) * bs
    elif style == "low":
        W = ctx.S + np.array([r.uniform(0.05, 0.2), r.uniform(0.12, 0.25), -r.uniform(0.3, 0.4)]) * bs
    else:
        W = ctx.S + np.array([r.uniform(0.03, 0.18), r.uniform(-0.05, 0.1), -r.uniform(0.38, 0.5)]) * bs
    n = _to_cam_dir(ctx, W)
    n = _unit(n + r.normal(0.0, 0.12, 3))
    f = _perp(_UP + r.normal(0.0, 0.15) * _MED + r.normal(0.0, 0.1) * _FWD, n)
    W = _place(ctx, W)
    W = _place(ctx, W + _fit(ctx, [W, W + f * 0.95 * P.hand_len]))
    po = _pose(ctx, "open")
    po[9] = max(po[9], r.uniform(0.3, 1.0))
    if style == "pushed":
        Wp = _place(ctx, W + np.array([0.0, 0.03, 0.2]) * bs)
        tr.move(t0, prep * 0.55, pos=Wp, f=f, n=n, pose=po)
        tr.move(t0 + prep * 0.4, prep * 0.6, pos=W)
    else:
        tr.move(t0, prep, pos=W, f=f, n=n)
        tr.move(t0 + r.uniform(0.0, 0.2) * prep, prep * r.uniform(0.6, 0.8), pose=po)
    h0, h1 = t0 + prep, t0 + total
    if r.random() < 0.2 and h1 - h0 > 0.8:
        tm = h0 + r.uniform(0.2, 0.5) * (h1 - h0)
        amp = r.uniform(0.02, 0.05) * bs
        tr.nudge("pos", tm, 0.15, n * amp)
        tr.nudge("pos", tm + 0.15, 0.2, -n * amp)
    ctx.away = False
    return {"style": style, "end": t0 + total, "hold": (h0, h1)}


def _gesture(ctx, label, t0, prev):
    from_g = prev is not None
    if label == "point":
        info = _g_point(ctx, t0, from_g)
    elif label in _SWIPES:
        info = _g_swipe(ctx, t0, label, from_g, drag=(prev == "grab" and ctx.rng.random() < 0.25))
    elif label == "grab":
        info = _g_grab(ctx, t0, from_g)
    elif label == "come_here":
        info = _g_come(ctx, t0, from_g)
    else:
        info = _g_stop(ctx, t0, from_g)
    info["label"] = label
    info["start"] = t0
    return info


# --------------------------------------------------------------------------- idle behaviour
def _face_targets(ctx):
    bs = ctx.P.bs
    return {
        "chin": (np.array([-0.02, -0.02, -0.13]) * bs, _unit(_UP + 0.3 * _BACK), _BACK),
        "cheek": (np.array([-0.08, -0.06, -0.10]) * bs, _unit(_UP + 0.3 * _MED), _unit(_BACK + 0.5 * _MED)),
        "mouth": (np.array([-0.03, -0.05, -0.16]) * bs, _unit(_MED + 0.5 * _UP), _BACK),
        "temple": (np.array([-0.10, -0.20, -0.06]) * bs, _unit(_UP + 0.3 * _MED), _MED),
    }


def _choose_rest(ctx):
    r, bs, S = ctx.rng, ctx.P.bs, ctx.S
    kind = _pick(r, ("table", "lap", "chin", "hover"), (0.58, 0.16, 0.08, 0.18))
    ylim = r.uniform(0.92, 1.12)
    pose = _pose(ctx, "rest")
    if kind == "table":
        pos = S + np.array([r.uniform(0.08, 0.3), r.uniform(0.36, 0.48), -r.uniform(0.18, 0.34)]) * bs
        if r.random() < 0.7:
            n = _unit(_DOWN + 0.15 * _MED)
            f = _perp(_FWD + r.uniform(0.2, 0.8) * _MED, n)
        else:
            n = _unit(_MED + 0.3 * _DOWN)
            f = _perp(_FWD + 0.3 * _MED, n)
    elif kind == "lap":
        pos = S + np.array([r.uniform(0.1, 0.25), r.uniform(0.62, 0.75), -r.uniform(0.08, 0.15)]) * bs
        n = _unit(_MED + 0.5 * _UP)
        f = _perp(_FWD + _MED, n)
        ylim = 1.2
    elif kind == "chin":
        p, f, n = _face_targets(ctx)["chin"]
        pos = p + np.array([0.0, 0.03, 0.0]) * bs
        pose = _pose(ctx, "relaxed")
    else:
        pos = S + np.array([r.uniform(0.1, 0.25), r.uniform(0.2, 0.32), -r.uniform(0.25, 0.35)]) * bs
        f = _unit(0.6 * _UP + 0.8 * _FWD + 0.3 * _MED)
        n = _perp(_MED + 0.5 * _DOWN, f)
        pose = _pose(ctx, "relaxed")
    pos = _place(ctx, pos)
    pos = pos + _fit(ctx, [pos], -0.08, 1.08, 0.05, ylim)
    return {"pos": pos, "f": _unit(f), "n": _perp(n, f), "pose": pose, "kind": kind}


def _go_rest(ctx, t, dur):
    rest = ctx.rest
    ctx.tr.move(t, dur, pos=rest["pos"] + ctx.rng.normal(0.0, 0.01, 3) * ctx.P.bs, f=rest["f"], n=rest["n"])
    ctx.tr.move(t + 0.1 * dur, dur * 1.1, pose=rest["pose"] + ctx.rng.normal(0.0, 0.03, 10))
    ctx.away = rest["kind"] == "lap"


def _a_still(ctx, t, t1):
    return min(t1, t + ctx.rng.uniform(0.4, 1.6))


def _a_shift(ctx, t, t1):
    r, bs = ctx.rng, ctx.P.bs
    d = r.uniform(0.3, 0.7)
    if t + d > t1:
        return t1
    rest = ctx.rest
    rest["pos"] = rest["pos"] + np.array([r.normal(0, 0.025), r.normal(0, 0.008), r.normal(0, 0.02)]) * bs
    fr = _rot(rest["f"], _DOWN, math.radians(r.normal(0.0, 10.0)))
    rest["f"], rest["n"] = fr, _perp(rest["n"], fr)
    _go_rest(ctx, t, d)
    return t + d + r.uniform(0.0, 0.3)


def _a_fidget(ctx, t, t1):
    r = ctx.rng
    dt = r.uniform(0.1, 0.25)
    taps = int(r.integers(2, 7))
    taps = min(taps, int((t1 - t) / (2 * dt)))
    if taps < 1:
        return t1
    if r.random() < 0.7:
        j = int(r.integers(0, 4))
        delta = np.zeros(10)
        delta[2 * j], delta[2 * j + 1] = r.uniform(0.15, 0.35), r.uniform(0.05, 0.2)
    else:
        delta = np.zeros(10)
        delta[8] = r.uniform(0.15, 0.3)
    for _ in range(taps):
        ctx.tr.nudge("pose", t, dt, -delta)
        ctx.tr.nudge("pose", t + dt, dt, delta)
        t += 2 * dt * r.uniform(1.0, 1.3)
    return min(t, t1)


def _a_talk(ctx, t, t1):
    r, P, bs, tr = ctx.rng, ctx.P, ctx.P.bs, ctx.tr
    if t1 - t < 1.3:
        return _a_still(ctx, t, t1)
    rise = r.uniform(0.3, 0.5) / P.speed + (0.15 if ctx.away else 0.0)
    base = ctx.rest["pos"] if ctx.rest["kind"] != "lap" else ctx.S + np.array([0.15, 0.4, -0.25]) * bs
    tp = _place(ctx, base + np.array([r.uniform(-0.02, 0.08), -r.uniform(0.1, 0.2), -r.uniform(0.04, 0.12)]) * bs)
    n = _unit(_MED * r.uniform(0.4, 1.0) + _UP * r.uniform(0.3, 1.0))
    f = _perp(_FWD + 0.4 * _MED + 0.3 * _UP, n)
    tr.move(t, rise, pos=tp, f=f, n=n, pose=_pose(ctx, "relaxed" if r.random() < 0.6 else "soft"))
    ctx.away = False
    t += rise
    per = r.uniform(0.25, 0.45)
    for _ in range(int(r.integers(2, 6))):
        if t + per > t1 - 0.7:
            break
        amp = r.uniform(0.015, 0.045) * bs
        d = _DOWN * amp + r.normal(0.0, 0.006, 3) * bs
        tr.nudge("pos", t, per * 0.45, d)
        tr.nudge("pos", t + per * 0.45, per * 0.55, -d)
        dp = r.normal(0.0, 0.06, 10)
        tr.nudge("pose", t, per * 0.5, dp)
        tr.nudge("pose", t + per * 0.5, per * 0.5, -dp)
        t += per * r.uniform(1.0, 1.4)
    if r.random() < 0.7 and t1 - t > 0.6:
        d = r.uniform(0.4, 0.7)
        _go_rest(ctx, t, d)
        t += d
    return min(t, t1)


def _a_face(ctx, t, t1):
    r, P, bs, tr = ctx.rng, ctx.P, ctx.P.bs, ctx.tr
    go, back = r.uniform(0.45, 0.75) / P.speed, r.uniform(0.45, 0.8) / P.speed
    stay = r.uniform(0.4, 1.6)
    if t + go + stay + back > t1:
        stay = t1 - t - go - back
    if stay < 0.2:
        return _a_still(ctx, t, t1)
    name = _pick(r, ("chin", "cheek", "mouth", "temple"), (0.35, 0.25, 0.2, 0.2))
    p, f, n = _face_targets(ctx)[name]
    tr.move(t, go, pos=p + r.normal(0.0, 0.01, 3) * bs, f=f, n=n, pose=_pose(ctx, "relaxed"))
    ctx.away = False
    if r.random() < 0.5:
        per = r.uniform(0.25, 0.4)
        _wiggle(tr, t + go, t + go + stay, per, _MED * r.uniform(0.005, 0.012) * bs)
    _go_rest(ctx, t + go + stay, back)
    return t + go + stay + back


def _wiggle(tr, start: float, end: float, per: float, d: np.ndarray) -> None:
    """Small back-and-forth nudges of the hand's position, one every ``per`` seconds from ``start`` to ``end``."""
    k = start
    while k + per < end:
        tr.nudge("pos", k, per / 2, d)
        tr.nudge("pos", k + per / 2, per / 2, -d)
        k += per


def _a_reach(ctx, t, t1):
    r, P, bs, tr = ctx.rng, ctx.P, ctx.P.bs, ctx.tr
    go, hold, back = r.uniform(0.4, 0.7) / P.speed, r.uniform(0.2, 0.6), r.uniform(0.4, 0.7) / P.speed
    if t + go + hold + back > t1 or ctx.rest["kind"] == "chin":
        return _a_still(ctx, t, t1)
    base = ctx.rest["pos"] if ctx.rest["kind"] != "lap" else ctx.S + np.array([0.15, 0.42, -0.25]) * bs
    tgt = _place(ctx, base + np.array([r.uniform(-0.05, 0.15), r.uniform(-0.04, 0.02), -r.uniform(0.1, 0.2)]) * bs)
    n = _unit(_DOWN + r.uniform(0.0, 1.0) * _MED)
    f = _perp(_FWD + 0.3 * _MED, n)
    tr.move(t, go, pos=tgt, f=f, n=n, pose=_pose(ctx, "relaxed"))
    tr.move(t + go * 0.7, hold + go * 0.3, pose=_pose(ctx, "soft"))
    ctx.away = False
    _go_rest(ctx, t + go + hold, back)
    return t + go + hold + back


def _a_adjust(ctx, t, t1):
    r, P, bs, tr = ctx.rng, ctx.P, ctx.P.bs, ctx.tr
    go, stay, back = r.uniform(0.4, 0.7) / P.speed, r.uniform(0.4, 1.2), r.uniform(0.4, 0.7) / P.speed
    if t + go + stay + back > t1:
        return _a_still(ctx, t, t1)
    tgt = _place(ctx, np.array([r.uniform(0.1, 0.25), r.uniform(0.05, 0.3), -r.uniform(0.08, 0.15)]) * bs)
    n = _unit(_BACK + 0.5 * _DOWN)
    f = _perp(_MED + 0.2 * _DOWN, n)
    tr.move(t, go, pos=tgt, f=f, n=n, pose=_pose(ctx, "soft"))
    ctx.away = False
    per = r.uniform(0.2, 0.35)
    _wiggle(tr, t + go, t + go + stay, per, r.normal(0.0, 1.0, 3) * 0.008 * bs)
    _go_rest(ctx, t + go + stay, back)
    return t + go + stay + back


def _a_leave(ctx, t, t1):
    r, P, bs, tr = ctx.rng, ctx.P, ctx.P.bs, ctx.tr
    go = r.uniform(0.4, 0.8) / P.speed
    if t + go + 0.3 > t1 or ctx.away:
        return _a_still(ctx, t, t1)
    lap = _place(ctx, ctx.S + np.array([r.uniform(0.1, 0.25), r.uniform(0.65, 0.8), -r.uniform(0.08, 0.15)]) * bs)
    lap = lap + _fit(ctx, [lap], -0.1, 1.1, 0.05, 1.2)
    n = _unit(_MED + 0.5 * _UP)
    tr.move(t, go, pos=lap, f=_perp(_FWD + _MED, n), n=n, pose=_pose(ctx, "rest"))
    ctx.away = True
    t += go
    stay = r.uniform(0.5, 2.5)
    if t + stay + 0.8 < t1 and r.random() < 0.5:
        back = r.uniform(0.45, 0.8) / P.speed
        _go_rest(ctx, t + stay, back)
        return t + stay + back
    return t1


_ACTIONS = (
    (_a_still, 0.28),
    (_a_shift, 0.12),
    (_a_fidget, 0.14),
    (_a_talk, 0.14),
    (_a_face, 0.1),
    (_a_reach, 0.07),
    (_a_adjust, 0.07),
    (_a_leave, 0.08),
)


def _idle(ctx, t0, t1, returning):
    r, P = ctx.rng, ctx.P
    t = t0
    if returning:
        if r.random() < 0.2 and t1 - t > 1.6:
            t += r.uniform(0.3, 0.9)
        dur = float(np.clip(r.uniform(0.4, 0.85) / P.speed, 0.3, 1.0))
        dur = min(dur, max(t1 - t, 0.3))
        _go_rest(ctx, t, dur)
        t += dur
    funcs = [a for a, _ in _ACTIONS]
    probs = [b for _, b in _ACTIONS]
    while t1 - t > 0.5:
        t = max(_pick(r, funcs, probs)(ctx, t, t1), t + 0.05)


# --------------------------------------------------------------------------- tracker
def _tracker(rng, clean, cam, P):
    """MediaPipe-like tracking of a clean native-rate clip; lost frames are NaN."""
    K = len(clean)
    fps, W, H = cam.fps, cam.W, cam.H
    x, y = clean[..., 0], clean[..., 1]
    px, py = x * W, y * H
    size = np.maximum(np.hypot(px[:, 9] - px[:, 0], py[:, 9] - py[:, 0]), 1.25 * np.hypot(px[:, 5] - px[:, 17], py[:, 5] - py[:, 17]))
    size = np.maximum(size, 1.0)
    idx = [0, 5, 9, 13, 17]
    cx, cy = px[:, idx].mean(1), py[:, idx].mean(1)
    spd = np.zeros(K)
    spd[1:] = np.hypot(np.diff(cx), np.diff(cy)) / size[1:] * fps  # palm lengths per second
    inside = ((x >= 0) & (x <= 1) & (y >= 0) & (y <= 1)).mean(1)
    inband = ((x > -0.25) & (x < 1.25) & (y > -0.25) & (y < 1.25)).all(1)
    vis_thr = rng.uniform(0.55, 0.8)
    min_px = rng.uniform(10.0, 18.0)
    visible = (inside >= vis_thr) & inband & (size >= min_px)
    v_lose = rng.uniform(14.0, 30.0)
    small = np.clip((1.6 * min_px - size) / min_px, 0.0, 1.0)
    p_lose = np.clip(rng.uniform(0.001, 0.008) + 0.5 * (spd / v_lose) ** 4 + 0.08 * small, 0.0, 0.9)
    v_det = rng.uniform(10.0, 22.0)
    p_det = rng.uniform(0.35, 0.9) / (1.0 + (spd / v_det) ** 4)
    u1, u2 = rng.random(K), rng.random(K)
    lost = np.ones(K, dtype=bool)
    redet = np.zeros(K, dtype=bool)
    tracking = False
    for k in range(K):
        if tracking:
            if visible[k] and u1[k] >= p_lose[k]:
                lost[k] = False
            else:
                tracking = False
        elif visible[k] and (u2[k] < p_det[k] or (k == 0 and u2[k] < 0.9)):
            tracking = True
            lost[k] = False
            redet[k] = True
    drops = rng.random(K) < rng.uniform(0.002, 0.012)

    meas = clean.astype(float).copy()
    lag = rng.uniform(0.0, 0.5)
    meas[1:] -= lag * (clean[1:] - clean[:-1])
    t = np.arange(K) / fps
    sc = 1.0 + _smooth_noise(rng, t, 1, 1.0, 0.025)[:, 0]
    wr = meas[:, :1, :2]
    meas[..., :2] = wr + (meas[..., :2] - wr) * sc[:, None, None]
    meas[..., 2] *= rng.uniform(0.6, 1.3)
    meas[..., 2] += rng.normal(0.0, 0.1, 21) * (size / W)[:, None] * 0.5

    # transient finger errors (curl misread, phantom extension, swing)
    n_ev = rng.poisson(rng.uniform(0.05, 0.4) * K / fps)
    for _ in range(n_ev):
        j = int(rng.integers(0, 5))
        base = 1 if j == 0 else 1 + 4 * j
        chain = [base + 1, base + 2, base + 3]
        L = int(rng.integers(3, 16))
        k0 = int(rng.integers(0, max(K - 1, 1)))
        k1 = min(K, k0 + L)
        w = np.sin(np.pi * (np.arange(k0, k1) - k0 + 0.5) / L) ** 2
        rel = meas[k0:k1, chain, :2] - meas[k0:k1, base : base + 1, :2]
        frac = np.array([0.5, 0.8, 1.0])[None, :, None]
        typ = rng.integers(0, 3)
        if typ == 0:
            rel = rel * (1.0 - rng.uniform(0.3, 0.7) * w[:, None, None] * frac)
        elif typ == 1:
            rel = rel * (1.0 + rng.uniform(0.2, 0.6) * w[:, None, None] * frac)
        else:
            ang = math.radians(rng.uniform(10.0, 30.0)) * rng.choice([-1.0, 1.0]) * w[:, None]
            c, s = np.cos(ang), np.sin(ang)
            rx = rel[..., 0] * W
            ry = rel[..., 1] * H
            rel = np.stack([(c * rx - s * ry) / W, (s * rx + c * ry) / H], axis=-1)
        meas[k0:k1, chain, :2] = meas[k0:k1, base : base + 1, :2] + rel
    # transient depth errors
    for _ in range(rng.poisson(rng.uniform(0.03, 0.2) * K / fps)):
        L = int(rng.integers(2, 11))
        k0 = int(rng.integers(0, max(K - 1, 1)))
        k1 = min(K, k0 + L)
        w = np.sin(np.pi * (np.arange(k0, k1) - k0 + 0.5) / L) ** 2
        meas[k0:k1, :, 2] *= 1.0 + (rng.uniform(-1.5, 1.5)) * w[:, None]
    # re-detection jumps
    tau = rng.uniform(1.5, 4.0)
    for k in np.flatnonzero(redet):
        k1 = min(K, k + 12)
        dec = np.exp(-np.arange(k1 - k) / tau)[:, None]
        off = rng.normal(0.0, 0.12, 2) * size[k] / np.array([W, H])
        ang = math.radians(rng.normal(0.0, 5.0)) * dec
        scl = 1.0 + rng.normal(0.0, 0.05) * dec
        wr = meas[k:k1, :1, :2]
        rel = (meas[k:k1, :, :2] - wr) * np.array([W, H])
        c, s = np.cos(ang), np.sin(ang)
        rx = (c * rel[..., 0] - s * rel[..., 1]) * scl
        ry = (s * rel[..., 0] + c * rel[..., 1]) * scl
        meas[k:k1, :, 0] = wr[..., 0] + rx / W + off[0] * dec
        meas[k:k1, :, 1] = wr[..., 1] + ry / H + off[1] * dec
    # jitter: coloured noise, larger for small / fast hands and at the fingertips
    rho = rng.uniform(0.3, 0.7)
    wts = rho ** np.arange(5)
    wts /= math.sqrt(float(np.sum(wts * wts)))
    white = rng.normal(0.0, 1.0, (K + 4, 21, 3))
    col = sum(wts[i] * white[4 - i : 4 - i + K] for i in range(5))
    sig = (rng.uniform(0.4, 1.5) + rng.uniform(0.008, 0.025) * size) * (1.0 + 1.2 * spd / fps)
    mult = np.array([1.0, 1.2, 1.2, 1.3, 1.5, 0.8, 1.0, 1.2, 1.5, 0.8, 1.0, 1.2, 1.5, 0.8, 1.0, 1.2, 1.5, 0.9, 1.1, 1.3, 1.6])
    s2 = sig[:, None] * mult[None, :]
    meas[..., 0] += col[..., 0] * s2 / W
    meas[..., 1] += col[..., 1] * s2 / H
    meas[..., 2] += col[..., 2] * s2 * rng.uniform(1.5, 3.0) / W
    # One-Euro-style adaptive smoothing with resets at re-detection
    cutoff = rng.uniform(1.5, 6.0) + rng.uniform(0.3, 2.0) * spd
    alpha = 1.0 / (1.0 + (1.0 / (2 * np.pi * cutoff)) * fps)
    out = np.full((K, 21, 3), np.nan)
    prev = None
    for k in range(K):
        if lost[k]:
            continue
        if redet[k] or prev is None:
            prev = meas[k]
        else:
            prev = alpha[k] * meas[k] + (1.0 - alpha[k]) * prev
        out[k] = prev
    out[..., 2] -= out[:, :1, 2]  # MediaPipe reports depth relative to the wrist
    out[drops] = np.nan
    xy = out[..., :2]
    bad = ~np.isfinite(out).all(axis=(1, 2)) | ((xy < _BAND[0] + 0.02) | (xy > _BAND[1] - 0.02)).any(axis=(1, 2))
    out[bad] = np.nan
    return out


def _resample(a, fps_nat, T30):
    if abs(fps_nat - FPS) < 1e-9:
        return a[:T30].copy()
    s = np.arange(T30) * fps_nat / FPS
    i0 = np.minimum(np.floor(s).astype(int), len(a) - 1)
    fr = s - i0
    i1 = np.minimum(i0 + 1, len(a) - 1)
    lin = a[i0] * (1.0 - fr)[:, None, None] + a[i1] * fr[:, None, None]
    near = a[np.where(fr < 0.5, i0, i1)]
    bad = ~np.isfinite(lin).all(axis=(1, 2))
    lin[bad] = near[bad]
    return lin


def _encode_lost(rng, trk):
    out = trk.copy()
    lost = ~np.isfinite(out).all(axis=(1, 2))
    mode = _pick(rng, ("nan", "zero", "repeat"), (0.4, 0.3, 0.3))
    mixed = rng.random() < 0.25
    k, T = 0, len(out)
    while k < T:
        if not lost[k]:
            k += 1
            continue
        e = k
        while e < T and lost[e]:
            e += 1
        m = _pick(rng, ("nan", "zero", "repeat"), (0.4, 0.3, 0.3)) if mixed else mode
        if m == "zero":
            out[k:e] = 0.0
        elif m == "repeat" and k > 0:
            out[k:e] = out[k - 1]
        else:
            out[k:e] = np.nan
        k = e
    return out, ("mixed" if mixed else mode), float(lost.mean()) if T else 0.0


# --------------------------------------------------------------------------- clips
@dataclass
class Blind10Clip:
    """One synthetic clip: landmarks (T,21,3) float32 at 30 fps, labels, clip kind and metadata."""

    landmarks: np.ndarray
    gestures: tuple[tuple[str, int, int, float | None], ...]
    kind: str
    meta: dict = field(default_factory=dict)


def _kind_of(seed, i):
    b, k = divmod(int(i), 20)
    perm = np.random.default_rng(np.random.SeedSequence([int(seed), b, _BLOCK_TAG])).permutation(20)
    return _BLOCK_KINDS[int(perm[k])]


def _pair(rng):
    t = int(rng.integers(4))
    sw = _SWIPES[int(rng.integers(4))]
    return [("point", sw), ("grab", sw), ("point", "grab"), ("point", "come_here")][t]


def _direction(lm, h0, h1, W, H):
    v = lm[h0:h1, 8, :2].astype(float) - lm[h0:h1, 5, :2].astype(float)
    res = []
    for sx, sy in ((1.0, 1.0), (float(W), float(H))):
        vx, vy = v[:, 0] * sx, v[:, 1] * sy
        nrm = np.hypot(vx, vy)
        ok = nrm > 1e-12
        if not ok.any():
            res.append(0.0)
            continue
        mx, my = float(np.mean(vx[ok] / nrm[ok])), float(np.mean(vy[ok] / nrm[ok]))
        d = math.degrees(math.atan2(-my, mx)) % 360.0
        res.append(0.0 if d >= 360.0 else d)
    return res[0], res[1]


def _make_clip(seed, i, tracked=True):
    ss = np.random.SeedSequence([int(seed), int(i), _CLIP_TAG])
    s_scene, s_track, s_enc = ss.spawn(3)
    rng = np.random.default_rng(s_scene)
    kind = _kind_of(seed, i)
    ctx = _Ctx()
    ctx.rng = rng
    ctx.P = P = _Person(rng)
    ctx.hand = _Hand(rng, P.hand_len)
    ctx.cam = cam = _Camera(rng, P)
    ctx.S = np.array([-P.shoulder_w / 2.0, 0.0, 0.0])
    ctx.cam_design = cam.cam_pos_design()
    ctx.rest = _choose_rest(ctx)
    ctx.away = ctx.rest["kind"] == "lap"
    rest = ctx.rest
    ctx.tr = _Track(rest["pos"], rest["f"], rest["n"], rest["pose"])

    if kind in ("tight", "margin"):
        cmds = [[LABELS[int(rng.integers(len(LABELS)))]]]
    elif kind == "pair":
        cmds = [list(_pair(rng))]
    else:
        left, cmds = int(rng.integers(3, 6)), []
        while left > 0:
            if left >= 2 and rng.random() < 0.35:
                cmds.append(list(_pair(rng)))
                left -= 2
            else:
                cmds.append([LABELS[int(rng.integers(len(LABELS)))]])
                left -= 1
    lead = {"tight": (0.5, 1.0), "margin": (0.3, 1.5), "pair": (0.4, 1.5), "recording": (0.5, 2.5)}[kind]
    tail = {"tight": (0.4, 0.6), "margin": (0.4, 1.5), "pair": (0.4, 1.5), "recording": (0.5, 2.0)}[kind]
    t = rng.uniform(*lead)
    _idle(ctx, 0.0, t, returning=False)
    infos = []
    for ci, cmd in enumerate(cmds):
        prev = None
        for lab in cmd:
            if prev is not None:
                t += rng.uniform(0.0, 0.35)
            info = _gesture(ctx, lab, t, prev)
            infos.append(info)
            t = info["end"]
            prev = lab
        gap = rng.uniform(*tail) if ci == len(cmds) - 1 else rng.uniform(1.0, 4.0)
        _idle(ctx, t, t + gap, returning=True)
        t += gap
    total = t

    # render at the camera's native rate
    fps = cam.fps
    K = int(math.ceil(total * fps)) + 2
    tn = np.arange(K) / fps
    ev = ctx.tr.eval(tn)
    pos = ev["pos"] + _smooth_noise(rng, tn, 3, 0.7, P.drift) + _tremor(rng, tn, P.tremor)
    f = ev["f"] + _smooth_noise(rng, tn, 3, 0.6, 0.025) + _tremor(rng, tn, 0.004)
    n = ev["n"] + _smooth_noise(rng, tn, 3, 0.6, 0.025)
    pose = ev["pose"] + _smooth_noise(rng, tn, 10, 0.5, 0.02 + 0.03 * P.sloppy)
    R = _frames(f, n)
    pts = pos[:, None, :] + np.einsum("kij,kpj->kpi", R, ctx.hand.local(pose))
    x, y, Z = cam.project(cam.to_cam(pts))
    zmp = (Z - Z[:, :1]) * cam.f / (Z[:, :1] * cam.W)
    clean_nat = np.stack([x, y, zmp], axis=-1)

    T30 = int(round(total * FPS))
    clean = _resample(clean_nat, fps, T30)
    clean[..., :2] = np.clip(clean[..., :2], _BAND[0], _BAND[1])

    # annotator's labels
    marks, prev_end = [], 0
    for info in infos:
        s = int(round((info["start"] + float(np.clip(rng.normal(0.0, 0.04), -0.1, 0.1))) * FPS))
        e = int(round((info["end"] + float(np.clip(rng.normal(0.0, 0.05), -0.12, 0.12))) * FPS))
        s = max(s, prev_end, 0)
        e = min(max(e, s + _MIN_F), s + _MAX_F, T30)
        marks.append((s, e))
        prev_end = e
    crop0, crop1 = (marks[0][0], marks[0][1]) if kind == "tight" else (0, T30)
    clean = clean[crop0:crop1]
    clean32 = clean.astype(np.float32)
    W, H = cam.W, cam.H

    gestures, dirs_px, ginfo = [], [], []
    for info, (s, e) in zip(infos, marks):
        s, e = s - crop0, e - crop0
        d = dpx = None
        gi = {"style": info["style"]}
        for key in ("hold", "stroke", "close"):
            if key in info:
                a = max(s, int(math.ceil(info[key][0] * FPS)) - crop0)
                b = min(e, int(math.floor(info[key][1] * FPS)) - crop0)
                gi[key] = [a, b] if b > a else [s + (e - s) // 2, e]
        if info["label"] == "point":
            h0, h1 = gi["hold"]
            if h1 - h0 < 3:
                h0, h1 = s + (e - s) // 2, e
                gi["hold"] = [h0, h1]
            d, dpx = _direction(clean32, h0, h1, W, H)
        gestures.append((info["label"], int(s), int(e), d))
        dirs_px.append(dpx)
        ginfo.append(gi)

    meta = {
        "image_size": (W, H),
        "direction_deg_pixels": dirs_px,
        "seed": int(seed),
        "index": int(i),
        "fps_native": fps,
        "mirrored": cam.mirror,
        "hand": "right" if P.right else "left",
        "camera": cam.describe(),
        "person": P.describe(),
        "rest": rest["kind"],
        "gesture_info": ginfo,
        "tracked": bool(tracked),
    }
    if not tracked:
        return Blind10Clip(clean32, tuple(gestures), kind, meta)

    trk_nat = _tracker(np.random.default_rng(s_track), clean_nat, cam, P)
    trk = _resample(trk_nat, fps, T30)[crop0:crop1]
    trk, enc, lost_frac = _encode_lost(np.random.default_rng(s_enc), trk)
    meta["loss_encoding"] = enc
    meta["lost_fraction"] = round(lost_frac, 4)
    return Blind10Clip(trk.astype(np.float32), tuple(gestures), kind, meta)


def blind10_dataset(n: int, seed: int = 0) -> list[Blind10Clip]:
    """n tracked clips; clip i depends only on (seed, i)."""
    return [_make_clip(seed, i, tracked=True) for i in range(int(n))]


def blind10_clean_dataset(n: int, seed: int = 0) -> list[Blind10Clip]:
    """The same n clips before tracker errors."""
    return [_make_clip(seed, i, tracked=False) for i in range(int(n))]


def _jsonable(o):
    if isinstance(o, dict):
        return {str(k): _jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_jsonable(v) for v in o]
    if isinstance(o, np.generic):
        return o.item()
    return o


# scoring: tests/blind8_gestures.py's score, copied verbatim after this module was written


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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write Blind10 synthetic gesture clips as .npy files plus labels.json.")
    ap.add_argument("out", help="output folder")
    ap.add_argument("-n", "--n", type=int, default=20, help="number of clips")
    ap.add_argument("-s", "--seed", type=int, default=0, help="dataset seed")
    ap.add_argument("--clean", action="store_true", help="write the clean (pre-tracker) clips")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    clips = (blind10_clean_dataset if args.clean else blind10_dataset)(args.n, args.seed)
    entries = []
    for i, c in enumerate(clips):
        name = f"clip_{i:05d}.npy"
        np.save(os.path.join(args.out, name), c.landmarks)
        entries.append(
            {
                "file": name,
                "kind": c.kind,
                "frames": int(len(c.landmarks)),
                "gestures": [list(g) for g in c.gestures],
                "meta": _jsonable(c.meta),
            }
        )
    doc = {
        "generator": "blind10_gestures",
        "seed": args.seed,
        "n": args.n,
        "clean": bool(args.clean),
        "fps": FPS,
        "labels": list(LABELS),
        "kinds": list(KINDS),
        "clips": entries,
    }
    with open(os.path.join(args.out, "labels.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
