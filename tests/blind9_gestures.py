"""Independent generator of synthetic MediaPipe-Hands landmark clips of people giving command gestures to a camera.

This module was written without reading any robocue gesture reader, any robocue data generator or any
other gesture data generator: it is built only from general knowledge of hands, human movement, webcams
and MediaPipe Hands, so that the clips measure how well readers transfer to data they never saw.

What is modelled
----------------
Hand: a kinematic skeleton of the 21 MediaPipe landmarks with adult (and some child) bone proportions,
per-person variation of palm width and phalanx lengths, MCP/PIP/DIP flexion coupling, finger abduction
that closes as fingers curl, a "hook" (claw) component, and a thumb that blends between open, adducted
and folded-across-the-fist configurations. Left hands are mirror images of right hands.

People: hand size, left or right hand, speed and amplitude habits, sloppiness, per-finger timing lags
when closing the hand, slow postural sway, physiological tremor and finger noise. Each gesture has
several styles: points with the whole arm, the forearm or only the wrist, thumb tucked or "gun"
shaped, toward any image direction and partly toward the camera; swipes with the whole arm (palm
pushing, wiping or back-handed), wrist flicks, one-finger swipes and lazy small swipes, with wind-ups,
curved paths, direction errors, follow-through bounces and occasional double strokes; grabs that
close fully, loosely or into a claw, facing the camera, from above or sideways, sometimes pulling the
fist back; beckoning with the palm up (all fingers or the index only), with the palm toward oneself
(wrist flexing toward the body) or palm-down flapping, 2 to 5 cycles of decaying amplitude; stop as a
pushed, raised or lazy open palm held with drift. Two-gesture commands chain point or grab with a
swipe (a grab is often dragged as a fist), point with grab (reaching toward the pointed place) and
point with come_here.

Idle behavior: hands resting on a desk below the frame, hanging at the side, clasped, in a pocket,
crossed or at the chin; fidgeting, touching the face, talking beats, looking at the hand, stretching,
reaching out of the frame, raising and lowering the hand, relaxing after a gesture.

Motion: keyframes joined by minimum-jerk segments (with skewed timing) or cubic Hermite segments
through via points, smoothed for coarticulation, with transport times growing with distance.

Cameras: laptop/desk, room and low robot set-ups; image sizes including portrait phones; field of
view, principal point offset, radial lens distortion, pitch and roll; mirrored (selfie) or not;
native frame rates of 15 to 60 fps with timestamp jitter and dropped frames, resampled to 30 fps by
sample-and-hold or linear interpolation.

Tracker: palm detection that needs most of the hand in view and a large enough hand, tracking loss
at frame edges, under occlusion, on motion blur and at random; re-detection delays; ghost detections
of the face or the other hand; pose errors for fingers foreshortened toward the camera and for
edge-on palms; correlated whole-hand and per-landmark jitter that grows for small hands; depth scale
errors and noise; region-of-interest lag and One-Euro smoothing; lost frames written as NaN, zeros or
repeats of the previous frame.

Labels: what the person meant, as a human annotator would mark it: the span runs from the start of the
gesture's preparation to the end of its stroke or hold (returns to rest are idle); swipes carry their
intended image direction even when sloppy; a point's direction is the image direction of the index
finger (MCP to tip) averaged over its hold in the clean clip.

``score`` is tests/blind8_gestures.py's, copied verbatim after this module was written, so every blind
generator reports the same numbers.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

LABELS = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
KINDS = ("tight", "margin", "pair", "recording")
FPS = 30.0
MIN_GESTURE_S, MAX_GESTURE_S = 0.5, 3.0

_KIND_COUNTS = {"tight": 6, "margin": 5, "pair": 5, "recording": 4}
_SWIPE_DIRS = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, 1.0), "swipe_down": (0.0, -1.0)}
_SWIPES = tuple(_SWIPE_DIRS)
_PAIR_TYPES = (("point", "swipe"), ("grab", "swipe"), ("point", "grab"), ("point", "come_here"))
_HI_RATE = 120.0
_GEST_LO, _GEST_HI = 0.56, 2.88

_X = np.array([1.0, 0.0, 0.0])
_Y = np.array([0.0, 1.0, 0.0])
_Z = np.array([0.0, 0.0, 1.0])

# state vector layout: wrist position (3, meters, person-aligned camera frame: x right, y up, z away),
# finger direction u (3), palm normal n (3), curls of index..little (4), thumb fold, thumb adduction,
# finger spread, hook, occlusion
_DIM = 18
_TC, _TA, _SP, _HK, _OC = 13, 14, 15, 16, 17

# hand model in millimeters for a 188 mm hand; local axes: a toward the thumb, b along the fingers, c out of the palm
_MCP_MM = np.array([[22.0, 92.0, 0.0], [2.0, 95.0, 0.0], [-17.0, 88.0, 0.0], [-33.0, 78.0, 0.0]])
_BONES_MM = np.array([[40.0, 23.0, 20.0], [45.0, 27.0, 21.0], [42.0, 26.0, 21.0], [33.0, 18.0, 19.0]])
_BASE_DEG = np.array([5.0, 0.0, -5.0, -11.0])
_SPREAD_DEG = np.array([9.0, 0.0, -8.0, -17.0])
_THUMB_CMC_MM = np.array([24.0, 26.0, 9.0])
_THUMB_BONES_MM = np.array([40.0, 31.0, 26.0])
_THUMB_OPEN = np.array([[0.62, 0.70, 0.35], [0.50, 0.84, 0.20], [0.42, 0.90, 0.10]])
_THUMB_ADDUCTED = np.array([[0.42, 0.85, 0.30], [0.22, 0.96, 0.15], [0.12, 0.99, 0.08]])
_THUMB_CLOSED = np.array([[0.32, 0.78, 0.50], [-0.30, 0.70, 0.60], [-0.85, 0.35, 0.40]])

_IMAGE_SIZES = {
    "desk": ([(640, 480), (1280, 720), (1920, 1080), (960, 540), (848, 480), (720, 1280)], [0.3, 0.3, 0.15, 0.1, 0.1, 0.05]),
    "room": ([(640, 480), (1280, 720), (1920, 1080), (640, 360), (1080, 1920)], [0.25, 0.35, 0.25, 0.1, 0.05]),
    "robot": ([(640, 480), (1280, 720), (848, 480), (424, 240)], [0.35, 0.3, 0.25, 0.1]),
}


@dataclass
class Blind9Clip:
    """One clip: landmarks (T, 21, 3) float32, annotated gestures, clip kind and metadata."""

    landmarks: np.ndarray
    gestures: tuple[tuple[str, int, int, float | None], ...]
    kind: str
    meta: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------
# small vector helpers


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _reject(v: np.ndarray, axis: np.ndarray) -> np.ndarray:
    axis = _unit(axis)
    return np.asarray(v, dtype=float) - float(np.dot(v, axis)) * axis


def _rotate(v: np.ndarray, axis: np.ndarray, deg: float) -> np.ndarray:
    k = _unit(axis)
    th = math.radians(deg)
    v = np.asarray(v, dtype=float)
    return v * math.cos(th) + np.cross(k, v) * math.sin(th) + k * float(np.dot(k, v)) * (1.0 - math.cos(th))


def _bridge(v0: np.ndarray, v1: np.ndarray, pref: np.ndarray) -> np.ndarray:
    """A direction half way between two nearly opposite directions, passing through pref."""
    w = _reject(pref, _unit(v0))
    if np.linalg.norm(w) < 0.2:
        w = _reject(_Y, _unit(v0))
    if np.linalg.norm(w) < 0.2:
        w = _reject(_X, _unit(v0))
    return _unit(_unit(v0) + _unit(v1) + _unit(w))


def _state(pos, u, n, curls, tc=0.3, ta=0.6, sp=0.2, hook=0.0, occ=0.0) -> np.ndarray:
    s = np.zeros(_DIM)
    s[0:3] = pos
    s[3:6] = _unit(np.asarray(u, dtype=float))
    s[6:9] = _unit(np.asarray(n, dtype=float))
    s[9:13] = curls
    s[_TC], s[_TA], s[_SP], s[_HK], s[_OC] = tc, ta, sp, hook, occ
    return s


def _blend(s0: np.ndarray, s1: np.ndarray, w: float) -> np.ndarray:
    s = s0 + w * (s1 - s0)
    s[3:6] = _unit(s[3:6])
    s[6:9] = _unit(s[6:9])
    return s


def _colored(rng: np.random.Generator, n: int, sigma: float, dims: int) -> np.ndarray:
    """Unit-variance Gaussian noise, low-pass filtered with a Gaussian of sigma samples."""
    sigma = max(float(sigma), 0.3)
    half = int(math.ceil(3.0 * sigma))
    k = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    k /= np.sqrt(np.sum(k**2))
    w = rng.standard_normal((n + 2 * half, dims))
    out = np.empty((n, dims))
    for d in range(dims):
        out[:, d] = np.convolve(w[:, d], k, mode="valid")
    return out


def _smooth(values: np.ndarray, sigma: float) -> np.ndarray:
    half = int(math.ceil(3.0 * sigma))
    if half < 1:
        return values
    k = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    k /= k.sum()
    padded = np.concatenate([np.repeat(values[:1], half, 0), values, np.repeat(values[-1:], half, 0)])
    out = np.empty_like(values)
    for d in range(values.shape[1]):
        out[:, d] = np.convolve(padded[:, d], k, mode="valid")
    return out


def _interp_rows(rate: float, values: np.ndarray, t: np.ndarray) -> np.ndarray:
    x = np.clip(np.asarray(t, dtype=float) * rate, 0.0, len(values) - 1.000001)
    i0 = np.floor(x).astype(int)
    fr = (x - i0)[:, None]
    return values[i0] * (1.0 - fr) + values[i0 + 1] * fr


# ----------------------------------------------------------------------------------------------
# hand model


@dataclass
class _HandGeometry:
    mcp: np.ndarray
    bones: np.ndarray
    thumb_cmc: np.ndarray
    thumb_bones: np.ndarray
    palm_len: float


def _sample_geometry(rng: np.random.Generator, hand_len: float) -> _HandGeometry:
    k = hand_len / 0.188 / 1000.0
    mcp = _MCP_MM.copy()
    mcp[:, 0] *= rng.uniform(0.9, 1.1)
    mcp[:, 1] *= rng.uniform(0.95, 1.05)
    mcp[:, 1] += rng.normal(0.0, 1.5, 4)
    bones = _BONES_MM * rng.uniform(0.94, 1.06, (4, 1)) * rng.uniform(0.96, 1.04, (4, 3))
    cmc = _THUMB_CMC_MM + rng.normal(0.0, 2.0, 3)
    thumb = _THUMB_BONES_MM * rng.uniform(0.92, 1.08) * rng.uniform(0.96, 1.04, 3)
    return _HandGeometry(mcp * k, bones * k, cmc * k, thumb * k, float(mcp[1, 1] * k))


def _render(states: np.ndarray, g: _HandGeometry, chirality: int) -> np.ndarray:
    """World positions (N, 21, 3) of the MediaPipe landmarks for hand states (N, _DIM)."""
    n_fr = len(states)
    b = _unit(states[:, 3:6])
    nrm = states[:, 6:9]
    c = nrm - np.sum(nrm * b, axis=1, keepdims=True) * b
    bad = np.linalg.norm(c, axis=1) < 1e-4
    if bad.any():
        alt = np.cross(b[bad], _X)
        tiny = np.linalg.norm(alt, axis=1) < 1e-3
        alt[tiny] = np.cross(b[bad][tiny], _Y)
        c[bad] = alt
    c = _unit(c)
    a = np.cross(c, b)

    curls = states[:, 9:13]
    cl = np.clip(curls, 0.0, 1.0)
    hook = np.clip(states[:, _HK : _HK + 1], 0.0, 1.0)
    spread = states[:, _SP : _SP + 1]
    alpha = np.radians(_BASE_DEG + _SPREAD_DEG * spread) * (1.0 - 0.55 * cl)
    mcp_a = 85.0 * curls * (1.0 - 0.6 * hook)
    pip_a = 100.0 * np.clip(curls + 0.9 * hook, -0.05, 1.1)
    dip_a = 0.7 * pip_a
    phi = np.radians(np.cumsum(np.stack([mcp_a, pip_a, dip_a], axis=2), axis=2))
    al = alpha[:, :, None]
    dirs = np.stack([np.sin(al) * np.cos(phi), np.cos(al) * np.cos(phi), np.sin(phi)], axis=3)
    seg = dirs * g.bones[None, :, :, None]
    joints = g.mcp[None, :, None, :] + np.concatenate([np.zeros((n_fr, 4, 1, 3)), np.cumsum(seg, axis=2)], axis=2)

    tc = np.clip(states[:, _TC], -0.1, 1.05)[:, None, None]
    ta = np.clip(states[:, _TA], 0.0, 1.0)[:, None, None]
    base = _THUMB_OPEN * (1.0 - ta) + _THUMB_ADDUCTED * ta
    tdir = _unit(base * (1.0 - tc) + _THUMB_CLOSED * tc)
    tj = g.thumb_cmc + np.cumsum(tdir * g.thumb_bones[None, :, None], axis=1)

    local = np.zeros((n_fr, 21, 3))
    local[:, 1] = g.thumb_cmc
    local[:, 2:5] = tj
    local[:, 5:21] = joints.reshape(n_fr, 16, 3)
    local[..., 0] *= chirality
    return states[:, None, 0:3] + local[..., 0:1] * a[:, None, :] + local[..., 1:2] * b[:, None, :] + local[..., 2:3] * c[:, None, :]


# ----------------------------------------------------------------------------------------------
# person and camera


class _Session:
    """One person in front of one camera, with the tracker that watches them."""

    def __init__(self, rng: np.random.Generator) -> None:
        r = rng
        self.setup = str(r.choice(["desk", "room", "robot"], p=[0.45, 0.35, 0.20]))
        sizes, probs = _IMAGE_SIZES[self.setup]
        w, h = sizes[int(r.choice(len(sizes), p=probs))]
        self.width, self.height = int(w), int(h)
        self.fov_deg = float(r.uniform(58.0, 82.0))
        self.f = max(w, h) / (2.0 * math.tan(math.radians(self.fov_deg) / 2.0))
        self.cx = w / 2.0 + r.normal(0.0, 0.01 * w)
        self.cy = h / 2.0 + r.normal(0.0, 0.01 * h)
        self.k1 = float(r.uniform(-0.12, 0.02))
        pitch = {"desk": r.uniform(-3.0, 15.0), "room": r.uniform(-12.0, 6.0), "robot": r.uniform(6.0, 25.0)}[self.setup]
        roll = float(np.clip(r.normal(0.0, 2.5), -6.0, 6.0))
        if r.random() < 0.1:
            roll = float((1.0 if r.random() < 0.5 else -1.0) * r.uniform(4.0, 10.0))
        self.pitch_deg, self.roll_deg = float(pitch), roll
        p, q = math.radians(pitch), math.radians(roll)
        xa = _X
        ya = np.array([0.0, math.cos(p), -math.sin(p)])
        za = np.array([0.0, math.sin(p), math.cos(p)])
        self.R = np.stack([math.cos(q) * xa + math.sin(q) * ya, -math.sin(q) * xa + math.cos(q) * ya, za])

        self.mirrored = bool(r.random() < 0.5)
        self.xsign = -1.0 if self.mirrored else 1.0
        self.handed = 1 if r.random() < 0.8 else -1
        self.medial = self.handed * _X
        if r.random() < 0.08:
            self.hand_len = float(r.uniform(0.13, 0.16))
        else:
            self.hand_len = float(np.clip(r.normal(0.185, 0.012), 0.155, 0.21))
        lo_d, hi_d = {"desk": (0.45, 0.9), "room": (1.3, 3.2), "robot": (0.8, 2.2)}[self.setup]
        self.distance = float(r.uniform(lo_d, hi_d))
        far = self.f * self.hand_len / 40.0  # beyond this the hand is under about 40 px long
        if self.distance > far and r.random() < 0.75:
            self.distance = float(r.uniform(lo_d, max(lo_d + 0.05, far)))
        y_sh = {"desk": r.uniform(0.78, 1.02), "room": r.uniform(0.22, 0.45), "robot": r.uniform(0.18, 0.42)}[self.setup]
        self.mid = self.unproject(r.uniform(0.32, 0.68), y_sh, self.distance)
        self.shoulder = self.mid - self.medial * r.uniform(0.15, 0.19)
        self.head = self.mid + _Y * r.uniform(0.2, 0.27) + _Z * r.uniform(-0.02, 0.04)

        self.geom = _sample_geometry(r, self.hand_len)
        self.speed = float(np.clip(r.lognormal(0.0, 0.18), 0.65, 1.5))
        self.amp = float(np.clip(r.lognormal(0.0, 0.22), 0.55, 1.6))
        self.sloppy = float(r.beta(2.0, 3.0))
        self.finger_lag = r.normal(0.0, 0.012, 4) + np.array([0.015, 0.005, -0.005, -0.015]) * r.uniform(0.0, 1.5)
        if self.setup == "desk":
            self.rest_kind = str(r.choice(["desk_below", "desk_visible", "chin"], p=[0.6, 0.2, 0.2]))
        else:
            self.rest_kind = str(r.choice(["hang", "clasp", "pocket", "crossed"], p=[0.55, 0.2, 0.1, 0.15]))

        self.native_fps = float(r.choice([30.0, 25.0, 24.0, 20.0, 15.0, 60.0], p=[0.5, 0.1, 0.08, 0.05, 0.12, 0.15]))
        self.resample = str(r.choice(["hold", "linear"], p=[0.6, 0.4]))
        self.lost_repr = str(r.choice(["nan", "zero", "hold"], p=[0.65, 0.2, 0.15]))
        self.tracker = {
            "base_loss": r.uniform(0.0005, 0.01),
            "det_rate": r.uniform(0.35, 0.9),
            "blur": r.uniform(0.3, 1.2),
            "edge": r.uniform(0.0, 0.05),
            "foreshorten": r.uniform(0.3, 1.0),
            "curl_noise": r.uniform(0.02, 0.07),
            "jit_global": r.uniform(0.01, 0.035),
            "jit_local": r.uniform(0.006, 0.025),
            "jit_corr": r.uniform(0.5, 2.0),
            "z_scale": r.uniform(0.6, 1.5),
            "z_noise": r.uniform(0.02, 0.07),
            "z_bias": r.normal(0.0, 0.03, 21),
            "roi_lag": r.uniform(0.0, 0.3),
            "euro": (r.uniform(0.6, 3.0), r.uniform(2.0, 25.0), 1.0) if r.random() < 0.65 else None,
            "ghost_rate": 0.0 if r.random() < 0.55 else r.uniform(0.01, 0.1),
            "drop_rate": r.uniform(0.0, 0.015),
        }

    # camera geometry (lens distortion is ignored when placing things)
    def unproject(self, x: float, y: float, zc: float) -> np.ndarray:
        if self.mirrored:
            x = 1.0 - x
        xn = (x * self.width - self.cx) / self.f
        yn = -(y * self.height - self.cy) / self.f
        return self.R.T @ np.array([xn * zc, yn * zc, zc])

    def to_display(self, p: np.ndarray) -> tuple[float, float, float]:
        pc = self.R @ p
        zc = max(float(pc[2]), 0.05)
        x = (self.f * pc[0] / zc + self.cx) / self.width
        y = (-self.f * pc[1] / zc + self.cy) / self.height
        if self.mirrored:
            x = 1.0 - x
        return float(x), float(y), zc

    def keep_in_view(self, pos: np.ndarray, xr=(0.05, 0.95), yr=(0.05, 0.95), zmin: float = 0.3) -> np.ndarray:
        x, y, zc = self.to_display(pos)
        x2, y2, z2 = min(max(x, xr[0]), xr[1]), min(max(y, yr[0]), yr[1]), max(zc, zmin)
        if (x2, y2, z2) == (x, y, zc):
            return pos
        return self.unproject(x2, y2, z2)

    def in_view(self, pos: np.ndarray, lo: float, hi: float) -> bool:
        x, y, zc = self.to_display(pos)
        return lo <= x <= hi and lo <= y <= hi and zc >= 0.3

    def fit_hand(self, state: np.ndarray, lo: float = -0.08, hi: float = 1.08) -> np.ndarray:
        """Moves a posed hand sideways (and back if it is too big) until all its landmarks are within [lo, hi]."""
        state = state.copy()
        for _ in range(4):
            lm, _ = _camera_landmarks(self, _render(state[None], self.geom, self.handed))
            xy = lm[0, :, :2]
            span = float(np.max(np.ptp(xy, axis=0)))
            x, y, zc = self.to_display(state[0:3])
            if span > (hi - lo) * 0.8:
                zc *= span / ((hi - lo) * 0.8)
            shift = np.maximum(0.0, lo - xy.min(axis=0)) - np.maximum(0.0, xy.max(axis=0) - hi)
            if not shift.any() and span <= (hi - lo) * 0.8:
                break
            state[0:3] = self.unproject(x + float(shift[0]), y + float(shift[1]), zc)
        return state

    def ready_pose(self, r: np.random.Generator) -> np.ndarray:
        m = self.medial
        reach = r.uniform(0.1, 0.25) if self.setup == "desk" else r.uniform(0.18, 0.4)
        forward = min(reach, max(0.05, self.distance - 0.3))
        pos = self.shoulder + m * r.uniform(0.04, 0.2) + _Y * r.uniform(-0.22, 0.08) - _Z * forward
        pos = self.keep_in_view(pos, (0.1, 0.9), (0.22, 0.82))
        u = _unit(_Y + m * r.uniform(0.0, 0.5) - _Z * r.uniform(0.0, 0.5))
        n = _unit(-_Z * r.uniform(0.2, 1.0) + m * r.uniform(0.3, 1.0) - _Y * r.uniform(0.0, 0.3))
        curls = np.sort(r.uniform(0.1, 0.45, 4)) + np.array([0.0, 0.03, 0.06, 0.1])
        st = _state(pos, u, n, curls, r.uniform(0.1, 0.4), r.uniform(0.4, 0.9), r.uniform(0.05, 0.3), r.uniform(0.0, 0.15))
        return self.fit_hand(st, 0.0, 1.0)

    def rest_pose(self, r: np.random.Generator) -> np.ndarray:
        m, kind = self.medial, self.rest_kind
        occ = 0.0
        curls = np.sort(r.uniform(0.25, 0.55, 4))
        if kind in ("desk_below", "desk_visible"):
            xs, _, _ = self.to_display(self.shoulder + m * 0.08)
            yd = r.uniform(1.06, 1.18) if kind == "desk_below" else r.uniform(0.86, 0.97)
            pos = self.unproject(min(max(xs, 0.05), 0.95), yd, max(0.25, self.distance - r.uniform(0.12, 0.3)))
            u = _unit(-_Z * 0.8 + m * 0.6 + _Y * 0.05)
            n = _unit(-_Y + _Z * 0.1)
        elif kind == "chin":
            pos = self.head - _Y * r.uniform(0.1, 0.15) - m * 0.02 - _Z * r.uniform(0.05, 0.09)
            u = _unit(_Y + m * r.uniform(0.2, 0.5) - _Z * 0.1)
            n = _unit(_Z - m * 0.3)
            curls = np.array([r.uniform(-0.05, 0.4), r.uniform(0.6, 0.9), r.uniform(0.65, 0.95), r.uniform(0.7, 1.0)])
        elif kind == "hang":
            pos = self.shoulder - _Y * r.uniform(0.52, 0.6) - m * r.uniform(0.02, 0.06) + _Z * r.uniform(-0.05, 0.03)
            u = _unit(-_Y - _Z * r.uniform(0.0, 0.2))
            n = m
        elif kind == "clasp":
            pos = self.mid - _Y * r.uniform(0.4, 0.5) - _Z * r.uniform(0.08, 0.15) - m * 0.03
            u = _unit(m - _Y * 0.3)
            n = _unit(_Z + _Y * 0.2)
            curls = r.uniform(0.45, 0.7, 4)
            occ = 0.55
        elif kind == "pocket":
            pos = self.shoulder - _Y * 0.5 - m * 0.05
            u, n, occ = -_Y, m, 1.0
        else:  # arms crossed: the hand tucked at the other elbow
            pos = self.mid - _Y * 0.22 + m * 0.1 - _Z * 0.1
            u = _unit(m + _Y * 0.2)
            n = _Z
            occ = 0.9
        if kind != "desk_below":
            x, y, zc = self.to_display(pos)
            if y > 1.18 or x < -0.15 or x > 1.15:
                pos = self.unproject(min(max(x, -0.15), 1.15), min(y, r.uniform(1.02, 1.15)), zc)
        return _state(pos, u, n, curls, r.uniform(0.2, 0.5), r.uniform(0.5, 0.9), r.uniform(0.0, 0.2), 0.0, occ)


def _camera_landmarks(sess: _Session, world: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MediaPipe-style landmarks (x, y normalized, z relative to the wrist in x scale) and camera coordinates."""
    pc = world @ sess.R.T
    zc = np.maximum(pc[..., 2], 0.05)
    xn, yn = pc[..., 0] / zc, pc[..., 1] / zc
    dist = 1.0 + sess.k1 * (xn**2 + yn**2)
    x = (sess.f * xn * dist + sess.cx) / sess.width
    y = (-sess.f * yn * dist + sess.cy) / sess.height
    if sess.mirrored:
        x = 1.0 - x
    z = (pc[..., 2] - pc[:, :1, 2]) * sess.f / (sess.width * zc[:, :1])
    return np.stack([x, y, z], axis=-1), pc


# ----------------------------------------------------------------------------------------------
# motion: keyframes with minimum-jerk stops and Hermite via points


class _Motion:
    def __init__(self, state: np.ndarray) -> None:
        self.times = [0.0]
        self.states = [np.array(state, dtype=float)]
        self.via = [False]
        self.gammas = [1.0]

    @property
    def t(self) -> float:
        return self.times[-1]

    @property
    def cur(self) -> np.ndarray:
        return self.states[-1].copy()

    def _append(self, dt: float, state: np.ndarray, gamma: float, via: bool) -> None:
        self.times.append(self.times[-1] + max(float(dt), 1e-3))
        self.states.append(np.array(state, dtype=float))
        self.gammas.append(float(gamma))
        self.via.append(bool(via))

    def go(self, dt: float, state: np.ndarray, gamma: float = 1.0, via: bool = False) -> None:
        cur = self.states[-1]
        state = np.array(state, dtype=float)
        flip_u = float(np.dot(_unit(cur[3:6]), _unit(state[3:6]))) < -0.1
        flip_n = float(np.dot(_unit(cur[6:9]), _unit(state[6:9]))) < -0.1
        if (flip_u or flip_n) and dt > 0.05:
            mid = 0.5 * (cur + state)
            mid[3:6] = _bridge(cur[3:6], state[3:6], -_Z) if flip_u else _unit(mid[3:6])
            mid[6:9] = _bridge(cur[6:9], state[6:9], -_Y) if flip_n else _unit(mid[6:9])
            self._append(dt / 2.0, mid, 1.0, True)
            self._append(dt / 2.0, state, gamma, via)
        else:
            self._append(dt, state, gamma, via)

    def hold(self, dt: float) -> None:
        self._append(dt, self.states[-1], 1.0, False)

    def evaluate(self, t: np.ndarray) -> np.ndarray:
        if len(self.times) < 2:
            self.hold(0.1)
        times = np.array(self.times)
        states = np.array(self.states)
        via = np.array(self.via)
        via[0] = via[-1] = False
        gam = np.array(self.gammas)
        vel = np.zeros_like(states)
        for k in np.nonzero(via)[0]:
            vel[k] = (states[k + 1] - states[k - 1]) / (times[k + 1] - times[k - 1])
        idx = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
        h = times[idx + 1] - times[idx]
        tau = np.clip((t - times[idx]) / h, 0.0, 1.0)
        stop = ~via[idx] & ~via[idx + 1]
        tw = np.where(stop, tau ** gam[idx + 1], tau)
        mj = tw**3 * (10.0 - 15.0 * tw + 6.0 * tw**2)
        s0, s1 = states[idx], states[idx + 1]
        lin = s0 + mj[:, None] * (s1 - s0)
        t2, t3 = tau**2, tau**3
        herm = (
            (2 * t3 - 3 * t2 + 1)[:, None] * s0
            + ((t3 - 2 * t2 + tau) * h)[:, None] * vel[idx]
            + (-2 * t3 + 3 * t2)[:, None] * s1
            + ((t3 - t2) * h)[:, None] * vel[idx + 1]
        )
        return np.where(stop[:, None], lin, herm)


class _Builder:
    def __init__(self, sess: _Session, rng: np.random.Generator, start_up: bool) -> None:
        self.s = sess
        self.r = rng
        self.rest = sess.rest_pose(rng)
        self.place = "up" if start_up else "rest"
        self.m = _Motion(sess.ready_pose(rng) if start_up else self.rest_variant())
        self.events: list[dict] = []

    def rest_variant(self) -> np.ndarray:
        st = self.rest.copy()
        st[0:3] += self.r.normal(0.0, 0.012, 3)
        st[9:13] = np.clip(st[9:13] + self.r.normal(0.0, 0.05, 4), -0.1, 1.05)
        return st

    def dur(self, base: float) -> float:
        return base / self.s.speed * self.r.uniform(0.88, 1.15)

    def transport(self, target: np.ndarray) -> float:
        return self.dur(0.2 + 0.9 * float(np.linalg.norm(target - self.m.states[-1][0:3])))

    def anchor(self) -> np.ndarray:
        if self.place == "rest":
            return self.s.ready_pose(self.r)[0:3]
        return self.m.states[-1][0:3].copy()


# ----------------------------------------------------------------------------------------------
# gestures; each returns phases (dt, state, gamma, via, flexible, tag), a style name and extras


def _g_point(b: _Builder, ctx: dict) -> tuple[list, str, dict]:
    s, r = b.s, b.r
    m = s.medial
    pick = r.random()
    if pick < 0.45:
        theta = (0.0 if r.random() < 0.5 else 180.0) + r.normal(0.0, 18.0)
    elif pick < 0.72:
        theta = r.uniform(25.0, 155.0)
    elif pick < 0.88:
        theta = r.uniform(205.0, 335.0)
    else:
        theta = r.uniform(0.0, 360.0)
    pick = r.random()
    psi = r.uniform(0.0, 35.0) if pick < 0.7 else (r.uniform(35.0, 55.0) if pick < 0.85 else r.uniform(-25.0, 0.0))
    th, ps = math.radians(theta), math.radians(psi)
    v = _unit(np.array([s.xsign * math.cos(th) * math.cos(ps), math.sin(th) * math.cos(ps), -math.sin(ps)]))
    style = str(r.choice(["arm", "forearm", "wrist", "lazy"], p=[0.4, 0.3, 0.12, 0.18]))
    reach = {"arm": r.uniform(0.2, 0.4), "forearm": r.uniform(0.08, 0.2), "wrist": r.uniform(0.0, 0.05), "lazy": r.uniform(0.02, 0.1)}
    pos = b.anchor() + reach[style] * s.amp * _unit(v + np.array([0.0, 0.1, -0.25]))
    pos = s.keep_in_view(pos, (0.06, 0.94), (0.06, 0.94))
    u = _unit(v + r.normal(0.0, 0.04 + 0.06 * s.sloppy, 3))
    n = _reject(-_Y * (1.0 - abs(v[1])) - _Z * 0.5 + m * 0.3, u)
    if np.linalg.norm(n) < 0.1:
        n = _reject(-_Z + m, u)
    n = _rotate(_unit(n), u, r.normal(0.0, 20.0))
    thumb = str(r.choice(["tucked", "gun", "half"], p=[0.55, 0.25, 0.2]))
    tc, ta = {
        "tucked": (r.uniform(0.75, 1.0), r.uniform(0.3, 0.7)),
        "gun": (r.uniform(-0.05, 0.15), r.uniform(0.0, 0.5)),
        "half": (r.uniform(0.35, 0.6), r.uniform(0.4, 0.9)),
    }[thumb]
    index = r.uniform(0.1, 0.3) if style == "lazy" else r.uniform(-0.06, 0.1)
    others = np.clip(r.uniform(0.8, 1.02, 3) - r.uniform(0.0, 0.35, 3) * s.sloppy, 0.45, 1.05)
    target = _state(pos, u, n, np.concatenate([[index], others]), tc, ta, r.uniform(0.0, 0.15), r.uniform(0.0, 0.1))
    target = s.fit_hand(target, -0.05, 1.05)
    pos = target[0:3].copy()
    ph: list = []
    dt_tr = b.transport(pos) + r.uniform(0.0, 0.1)
    if r.random() < 0.35:
        over = target.copy()
        over[0:3] += v * r.uniform(0.01, 0.03) * s.amp
        ph.append((dt_tr, over, r.uniform(0.7, 1.0), False, False, None))
        ph.append((r.uniform(0.08, 0.18), target, 1.0, False, False, "hold"))
    else:
        ph.append((dt_tr, target, r.uniform(0.7, 1.1), False, False, None))
    hold_total = r.uniform(0.3, 1.4) * (1.3 if style == "arm" else 1.0)
    pieces = int(r.integers(1, 3))
    for _ in range(pieces):
        drift = target.copy()
        drift[0:3] += r.normal(0.0, 0.006, 3)
        drift[3:6] = _unit(u + r.normal(0.0, 0.03, 3))
        ph.append((hold_total / pieces, drift, 1.0, False, True, "hold"))
    if r.random() < 0.2:
        jab = ph[-1][1].copy()
        jab[0:3] += v * r.uniform(0.02, 0.05)
        ph.append((r.uniform(0.1, 0.16), jab, 0.8, False, False, "hold"))
        ph.append((r.uniform(0.12, 0.2), ph[-2][1], 1.0, False, False, "hold"))
    return ph, f"{style}/{thumb}", {"intent_deg": float(theta % 360.0), "point_pos": pos, "point_v": v}


def _swipe_shape(r: np.random.Generator, kind: str) -> tuple:
    if kind == "fist":
        return r.uniform(0.85, 1.0, 4), r.uniform(0.75, 1.0), 0.5, 0.0
    if kind == "finger":
        curls = np.array([r.uniform(-0.05, 0.08), r.uniform(0.75, 1.0), r.uniform(0.8, 1.0), r.uniform(0.8, 1.0)])
        return curls, r.uniform(0.6, 0.95), 0.5, 0.0
    if kind == "lazy":
        return r.uniform(0.2, 0.5, 4), r.uniform(0.2, 0.5), 0.7, 0.1
    curls = np.sort(r.uniform(-0.08, 0.2, 4)) + np.array([0.0, 0.02, 0.05, 0.08])
    return curls, r.uniform(0.0, 0.3), r.uniform(0.4, 1.0), r.uniform(0.0, 0.35)


def _g_swipe(b: _Builder, label: str, ctx: dict) -> tuple[list, str, dict]:
    s, r = b.s, b.r
    m = s.medial
    dx, dy = _SWIPE_DIRS[label]
    dw = _rotate(_unit(np.array([s.xsign * dx, dy, 0.0])), _Z, float(np.clip(r.normal(0.0, 6.0 + 10.0 * s.sloppy), -25.0, 25.0)))
    perp = _unit(np.cross(_Z, dw))
    horizontal = dy == 0.0
    carry = ctx.get("carry")
    if carry == "fist":
        style = str(r.choice(["arm", "lazy"], p=[0.7, 0.3]))
    else:
        style = str(r.choice(["arm", "flick", "finger", "lazy"], p=[0.45, 0.2, 0.13, 0.22]))
    amp = {"arm": r.uniform(0.2, 0.45), "flick": r.uniform(0.03, 0.09), "finger": r.uniform(0.1, 0.25), "lazy": r.uniform(0.08, 0.18)}
    big = amp[style] * s.amp
    stroke = {"arm": r.uniform(0.18, 0.45), "flick": r.uniform(0.12, 0.26), "finger": r.uniform(0.2, 0.45), "lazy": r.uniform(0.22, 0.45)}
    ts = stroke[style] / (s.speed * r.uniform(0.85, 1.2))
    center = b.anchor() - _Z * r.uniform(0.0, 0.1)
    for _ in range(8):
        p0, p1 = center - dw * big / 2.0, center + dw * big / 2.0
        if s.in_view(p0, -0.02, 1.02) and s.in_view(p1, -0.02, 1.02):
            break
        center = s.keep_in_view(center, (0.25, 0.75), (0.25, 0.75))
        big *= 0.82
    p0, p1 = center - dw * big / 2.0, center + dw * big / 2.0

    if horizontal:
        med = float(np.dot(dw, m)) > 0.0
        ori = str(r.choice(["push", "wipe", "back"], p=[0.5, 0.35, 0.15] if med else [0.3, 0.3, 0.4]))
        if ori == "push":
            n, u = dw, _unit(_Y - _Z * r.uniform(0.0, 0.4))
        elif ori == "wipe":
            n, u = _unit(-_Z + dw * r.uniform(-0.2, 0.2)), _unit(_Y + m * r.uniform(-0.1, 0.4))
        else:
            n, u = -dw, _unit(_Y - _Z * r.uniform(0.0, 0.4))
    elif dy > 0:
        ori = str(r.choice(["lift", "wipe", "back"], p=[0.45, 0.4, 0.15]))
        if ori == "lift":
            n, u = _unit(_Y - _Z * 0.2), _unit(-_Z * r.uniform(0.4, 1.0) + m * r.uniform(0.2, 0.8))
        elif ori == "wipe":
            n, u = -_Z, _unit(_Y * r.uniform(0.0, 1.0) + m * r.uniform(0.3, 1.0))
        else:
            n, u = _unit(-_Y - _Z * 0.2), _unit(-_Z * 0.6 + m * 0.6)
    else:
        ori = str(r.choice(["pat", "wipe", "back"], p=[0.45, 0.4, 0.15]))
        if ori == "pat":
            n, u = _unit(-_Y - _Z * 0.2), _unit(-_Z * r.uniform(0.4, 1.0) + m * r.uniform(0.2, 0.8))
        elif ori == "wipe":
            n, u = -_Z, _unit(_Y * r.uniform(0.2, 1.0) + m * r.uniform(0.2, 1.0))
        else:
            n, u = _unit(_Y - _Z * 0.3), _unit(-_Z * 0.6 + m * 0.6)
    if style == "finger":
        u = _unit(_Y * 0.6 - _Z * 0.6 + m * 0.3)
        n = _reject(-_Z + dw * 0.3 - _Y * 0.3, u)
    fd = _reject(dw, u)
    if np.linalg.norm(fd) < 0.35:
        fd = _reject(n, u)
    fd = _unit(fd)
    lag, lead = {"flick": (r.uniform(20, 35), r.uniform(25, 45)), "finger": (r.uniform(0, 10), r.uniform(0, 12))}.get(
        style, (r.uniform(8, 22), r.uniform(10, 28))
    )
    u0 = _unit(u - fd * math.tan(math.radians(lag)))
    u1 = _unit(u + fd * math.tan(math.radians(lead)))

    shape_kind = "fist" if carry == "fist" else ("finger" if style == "finger" else ("lazy" if style == "lazy" else "open"))
    curls, tc, ta, sp = _swipe_shape(r, shape_kind)
    s0 = s.fit_hand(_state(p0, u0, n, curls, tc, ta, sp), -0.15, 1.15)
    s1 = s.fit_hand(_state(p1, u1, n, curls, tc, ta, sp), -0.15, 1.15)
    mid = center + perp * r.uniform(-0.15, 0.15) * big - _Z * r.uniform(0.0, 0.25) * big
    if horizontal and style == "arm":
        mid = mid - _Y * r.uniform(0.0, 0.12) * big
    smid = s.fit_hand(_state(mid, _unit(u0 + u1), n, curls, tc, ta, sp), -0.15, 1.15)

    ph: list = [(b.transport(p0) * r.uniform(1.1, 1.5) + r.uniform(0.05, 0.2), s0, r.uniform(0.8, 1.1), False, False, None)]
    ph.append((r.uniform(0.0, 0.15), s0, 1.0, False, True, None))
    if style != "flick" and r.random() < 0.4:
        wind = s0.copy()
        wind[0:3] -= dw * r.uniform(0.08, 0.25) * big
        ph.append((r.uniform(0.1, 0.2), wind, 1.0, False, False, None))
    split = r.uniform(0.42, 0.55)
    gam = r.uniform(0.7, 1.1)
    ph.append((ts * split, smid, gam, True, False, None))
    ph.append((ts * (1.0 - split), s1, gam, False, False, None))
    if r.random() < 0.07:
        back = s0.copy()
        back_mid = smid.copy()
        back_mid[0:3] -= _Z * 0.05
        back_dt = r.uniform(0.25, 0.45)
        ph.append((back_dt / 2, back_mid, 1.0, True, False, None))
        ph.append((back_dt / 2, back, 1.0, False, False, None))
        ph.append((ts * split, smid, gam, True, False, None))
        ph.append((ts * (1.0 - split), s1, gam, False, False, None))
    end = s1
    if r.random() < 0.35:
        end = s1.copy()
        end[0:3] -= dw * r.uniform(0.005, 0.02)
        ph.append((r.uniform(0.08, 0.15), end, 1.0, False, False, None))
    ph.append((r.uniform(0.05, 0.3), end, 1.0, False, True, None))
    return ph, f"{style}/{ori}", {}


def _g_grab(b: _Builder, ctx: dict) -> tuple[list, str, dict]:
    s, r = b.s, b.r
    m = s.medial
    ori = str(r.choice(["face", "down", "side"], p=[0.55, 0.25, 0.2]))
    if ori == "face":
        u = _unit(_Y + m * r.uniform(0.0, 0.4) - _Z * r.uniform(0.0, 0.3))
        n = _unit(-_Z + m * r.uniform(-0.2, 0.5) + _Y * r.uniform(-0.2, 0.2))
    elif ori == "down":
        u = _unit(-_Z * r.uniform(0.5, 1.0) + _Y * r.uniform(0.0, 0.3) + m * r.uniform(0.0, 0.5))
        n = _unit(-_Y - _Z * r.uniform(0.0, 0.4))
    else:
        u = _unit(_Y * r.uniform(0.3, 0.8) - _Z * r.uniform(0.4, 0.9))
        n = _unit(m + r.normal(0.0, 0.15, 3))
    if "point_pos" in ctx:
        pos = ctx["point_pos"] + ctx["point_v"] * r.uniform(0.03, 0.12)
    else:
        pos = b.anchor() - _Z * r.uniform(0.0, 0.2) * s.amp + _Y * r.uniform(-0.05, 0.08)
    pos = s.keep_in_view(pos, (0.08, 0.92), (0.08, 0.92))
    s_open = _state(pos, u, n, r.uniform(-0.1, 0.12, 4), r.uniform(-0.05, 0.15), r.uniform(0.0, 0.4), r.uniform(0.4, 1.0))
    s_open = s.fit_hand(s_open, -0.05, 1.05)
    pos = s_open[0:3].copy()
    close = str(r.choice(["full", "loose", "claw"], p=[0.65, 0.2, 0.15]))
    u_c = _unit(u + _unit(_reject(n, u)) * r.uniform(0.0, 0.25))
    if close == "full":
        s_closed = _state(pos, u_c, n, r.uniform(0.9, 1.05, 4), r.uniform(0.75, 1.0), r.uniform(0.3, 0.6), 0.0)
    elif close == "loose":
        s_closed = _state(pos, u_c, n, r.uniform(0.55, 0.8, 4), r.uniform(0.4, 0.7), 0.5, 0.1)
    else:
        s_closed = _state(pos, u_c, n, r.uniform(0.3, 0.5, 4), r.uniform(0.45, 0.7), 0.3, r.uniform(0.1, 0.3), r.uniform(0.55, 0.9))
    ph: list = [(b.transport(pos) + r.uniform(0.1, 0.25), s_open, r.uniform(0.8, 1.1), False, False, None)]
    held = s_open.copy()
    held[_SP] = min(1.0, held[_SP] + r.uniform(0.0, 0.15))
    ph.append((r.uniform(0.0, 0.45), held, 1.0, False, True, None))
    ph.append((r.uniform(0.15, 0.55) / s.speed, s_closed, r.uniform(0.7, 1.2), False, False, None))
    last = s_closed
    if r.random() < 0.4:
        last = s_closed.copy()
        last[0:3] += _Z * r.uniform(0.05, 0.18) - _Y * r.uniform(0.0, 0.05)
        ph.append((r.uniform(0.2, 0.5), last, 1.0, False, False, None))
    ph.append((r.uniform(0.1, 0.7), last, 1.0, False, True, None))
    return ph, f"{ori}/{close}", {}


def _g_come(b: _Builder, ctx: dict) -> tuple[list, str, dict]:
    s, r = b.s, b.r
    m = s.medial
    style = str(r.choice(["palm_up", "index", "wave_self", "palm_down"], p=[0.4, 0.2, 0.25, 0.15]))
    pos = s.keep_in_view(b.anchor() - _Z * r.uniform(0.0, 0.15) * s.amp + _Y * r.uniform(-0.08, 0.05), (0.1, 0.9), (0.15, 0.88))
    hook_flex = 0.0
    if style in ("palm_up", "index"):
        u = _unit(-_Z * r.uniform(0.6, 1.0) + _Y * r.uniform(0.1, 0.5) + m * r.uniform(0.0, 0.5))
        n = _unit(_Y + _Z * r.uniform(0.0, 0.4))
        if style == "palm_up":
            ext = np.sort(r.uniform(-0.08, 0.12, 4))
            flex = np.array([r.uniform(0.5, 0.85), r.uniform(0.55, 0.9), r.uniform(0.6, 0.95), r.uniform(0.6, 0.95)])
            tc, ta = 0.3, 0.6
            u_flex = _unit(u + n * r.uniform(0.15, 0.4))
        else:
            rest = r.uniform(0.8, 1.0, 3)
            ext = np.concatenate([[r.uniform(-0.05, 0.08)], rest])
            flex = np.concatenate([[r.uniform(0.7, 1.0)], rest])
            tc, ta = r.uniform(0.6, 0.9), 0.5
            hook_flex = r.uniform(0.1, 0.4)
            u_flex = _unit(u + n * r.uniform(0.0, 0.15))
    elif style == "wave_self":
        u = _unit(_Y + m * r.uniform(0.0, 0.4) - _Z * r.uniform(0.0, 0.2))
        n = _unit(_Z + m * r.uniform(-0.2, 0.3))
        ext = r.uniform(0.0, 0.2, 4)
        flex = r.uniform(0.25, 0.6, 4)
        tc, ta = 0.2, 0.7
        u_flex = _unit(u + _Z * math.tan(math.radians(r.uniform(30.0, 55.0))))
    else:
        u = _unit(-_Z * r.uniform(0.5, 1.0) + _Y * r.uniform(0.0, 0.4) + m * r.uniform(0.0, 0.5))
        n = _unit(-_Y * 0.8 - _Z * 0.3)
        ext = r.uniform(-0.05, 0.15, 4)
        flex = r.uniform(0.5, 0.9, 4)
        tc, ta = 0.3, 0.7
        u_flex = _unit(u - _Y * r.uniform(0.3, 0.6))
    sp = r.uniform(0.0, 0.3)
    s_ext = s.fit_hand(_state(pos, u, n, ext, tc, ta, sp), -0.05, 1.05)
    pos = s_ext[0:3].copy()
    s_flex = _state(pos, u_flex, n, flex, tc + 0.1, ta, sp * 0.5, hook_flex)
    period = 1.0 / (r.uniform(1.3, 2.8) * float(np.clip(s.speed, 0.8, 1.3)))
    tr = b.transport(pos) + r.uniform(0.05, 0.2)
    n_max = int((2.6 - tr) / period)
    n_cyc = int(np.clip(r.integers(2, 6), 2, max(2, n_max)))
    ph: list = [(tr, s_ext, r.uniform(0.8, 1.1), False, False, None)]
    pull = r.uniform(0.0, 0.02)
    for k in range(n_cyc):
        w = float(np.clip(1.0 - 0.1 * k + r.normal(0.0, 0.08), 0.5, 1.1))
        f_k = _blend(s_ext, s_flex, w)
        f_k[0:3] += _Z * pull * (k + 0.5)
        e_k = s_ext.copy()
        e_k[0:3] += _Z * pull * (k + 1)
        t_f = period * r.uniform(0.4, 0.55)
        ph.append((t_f, f_k, r.uniform(0.7, 1.0), False, False, None))
        ph.append((period - t_f, e_k, 1.0, False, False, None))
    ph.append((r.uniform(0.0, 0.25), ph[-1][1], 1.0, False, True, None))
    return ph, f"{style}/{n_cyc}", {}


def _g_stop(b: _Builder, ctx: dict) -> tuple[list, str, dict]:
    s, r = b.s, b.r
    m = s.medial
    style = str(r.choice(["push", "raise", "lazy"], p=[0.5, 0.3, 0.2]))
    u = _unit(_Y + m * r.uniform(-0.1, 0.35) - _Z * r.uniform(-0.1, 0.2))
    yaw = r.uniform(25.0, 45.0) * (1 if r.random() < 0.7 else -1) if style == "lazy" else r.uniform(-20.0, 20.0)
    n = _rotate(_rotate(-_Z, _Y, yaw * s.handed), _X, r.uniform(-15.0, 15.0))
    fwd = {"push": r.uniform(0.12, 0.3), "raise": r.uniform(0.0, 0.1), "lazy": r.uniform(0.0, 0.06)}[style]
    up = {"push": r.uniform(0.0, 0.12), "raise": r.uniform(0.02, 0.15), "lazy": r.uniform(-0.05, 0.05)}[style]
    pos = s.keep_in_view(b.anchor() - _Z * fwd * s.amp + _Y * up, (0.08, 0.92), (0.08, 0.9))
    if style == "lazy":
        curls = r.uniform(0.1, 0.35, 4)
    else:
        curls = r.uniform(-0.1, 0.1, 4) + np.array([0.0, 0.0, 0.02, 0.04])
    target = s.fit_hand(_state(pos, u, n, curls, r.uniform(-0.05, 0.15), r.uniform(0.2, 1.0), r.uniform(0.0, 0.6)), -0.05, 1.05)
    pos = target[0:3].copy()
    ph: list = [(b.transport(pos) * r.uniform(0.9, 1.2), target, r.uniform(0.6, 0.9), False, False, None)]
    if r.random() < 0.2:
        pulse = target.copy()
        pulse[0:3] -= _Z * r.uniform(0.02, 0.04)
        ph.append((r.uniform(0.1, 0.18), pulse, 1.0, False, False, None))
        ph.append((r.uniform(0.12, 0.2), target, 1.0, False, False, None))
    hold_total = r.uniform(0.5, 1.8)
    pieces = int(r.integers(2, 4))
    for _ in range(pieces):
        drift = target.copy()
        drift[0:3] += r.normal(0.0, 0.004, 3)
        drift[3:6] = _unit(u + r.normal(0.0, 0.025, 3))
        ph.append((hold_total / pieces, drift, 1.0, False, True, None))
    return ph, style, {}


_BUILDERS = {"point": _g_point, "grab": _g_grab, "come_here": _g_come, "stop": _g_stop}


def _commit(b: _Builder, label: str, phases: list, style: str, extra: dict) -> None:
    dts = np.array([p[0] for p in phases], dtype=float)
    flex = np.array([p[4] for p in phases], dtype=bool)
    total = dts.sum()
    if total > _GEST_HI:
        room = np.maximum(dts[flex] - 0.05, 0.0)
        if room.sum() > 0:
            dts[flex] -= room / room.sum() * min(total - _GEST_HI, room.sum())
        total = dts.sum()
        if total > _GEST_HI:
            dts *= _GEST_HI / total
    elif total < _GEST_LO:
        add = _GEST_LO - total + 0.01
        if flex.any():
            dts[flex] += add / flex.sum()
        else:
            dts[-1] += add
    t0 = b.m.t
    hold = []
    for dt, (_, state, gamma, via, _, tag) in zip(dts, phases, strict=True):
        ts = b.m.t
        b.m.go(dt, state, gamma, via)
        if tag == "hold":
            hold.append((ts, b.m.t))
    b.events.append({"label": label, "t0": t0, "t1": b.m.t, "hold": hold, "style": style, "intent_deg": extra.get("intent_deg")})
    b.place = "gesture"


def _perform(b: _Builder, label: str, ctx: dict) -> dict:
    if label in _SWIPE_DIRS:
        ph, style, extra = _g_swipe(b, label, ctx)
    else:
        ph, style, extra = _BUILDERS[label](b, ctx)
    _commit(b, label, ph, style, extra)
    return extra


# ----------------------------------------------------------------------------------------------
# idle behavior


def _lower(b: _Builder, dt: float) -> None:
    b.m.go(dt, b.rest_variant(), b.r.uniform(0.8, 1.2))
    b.place = "rest"


def _raise(b: _Builder, dt: float) -> None:
    b.m.go(dt, b.s.ready_pose(b.r), b.r.uniform(0.8, 1.2))
    b.place = "up"


def _act_hold(b: _Builder, free: float) -> None:
    st = b.m.cur
    st[0:3] += b.r.normal(0.0, 0.008, 3)
    st[9:13] = np.clip(st[9:13] + b.r.normal(0.0, 0.04, 4), -0.1, 1.05)
    b.m.go(min(free, b.r.uniform(0.5, 2.5)), st)


def _act_fidget(b: _Builder, free: float) -> None:
    r = b.r
    total = min(free, r.uniform(0.6, 2.2))
    base = b.m.cur
    used = 0.0
    while used < total - 0.12:
        dt = min(r.uniform(0.15, 0.5), total - used)
        st = base.copy()
        mode = r.random()
        if mode < 0.4:
            k = 9 + int(r.integers(0, 4))
            st[k] = np.clip(base[k] + r.uniform(-0.35, 0.35), -0.1, 1.05)
        elif mode < 0.7:
            st[3:6] = _rotate(base[3:6], _unit(r.normal(0.0, 1.0, 3)), r.normal(0.0, 12.0))
        else:
            st[0:3] += r.normal(0.0, 0.015, 3)
            st[9:13] = np.clip(base[9:13] + r.normal(0.0, 0.1, 4), -0.1, 1.05)
        st[_TC] = np.clip(base[_TC] + r.normal(0.0, 0.15), -0.05, 1.0)
        b.m.go(dt, st)
        used += dt


def _act_face(b: _Builder, free: float) -> None:
    s, r = b.s, b.r
    m = s.medial
    back = b.m.cur
    t_go = min(b.dur(r.uniform(0.4, 0.8)), free * 0.3)
    t_back = min(b.dur(r.uniform(0.4, 0.8)), free * 0.3)
    stay = max(0.15, min(r.uniform(0.5, 2.0), free - t_go - t_back))
    pos = s.head + _Y * r.uniform(-0.16, 0.02) + m * r.uniform(-0.08, 0.04) - _Z * r.uniform(0.05, 0.12)
    u = _unit(_Y + m * r.uniform(0.2, 0.8) - _Z * r.uniform(0.0, 0.3))
    n = _unit(_Z - m * r.uniform(0.0, 0.5))
    curls = np.array([r.uniform(-0.05, 0.6), r.uniform(0.4, 0.9), r.uniform(0.5, 0.95), r.uniform(0.5, 1.0)])
    st = _state(pos, u, n, curls, r.uniform(0.2, 0.8), r.uniform(0.3, 0.9), r.uniform(0.0, 0.2))
    b.m.go(t_go, st, 0.9)
    if r.random() < 0.5:
        period = 1.0 / r.uniform(3.0, 5.0)
        n_osc = max(1, int(stay / period))
        for _ in range(n_osc):
            sc = st.copy()
            sc[9:11] = np.clip(st[9:11] + r.uniform(0.2, 0.4), -0.1, 1.05)
            b.m.go(period / 2, sc)
            b.m.go(period / 2, st)
    else:
        drift = st.copy()
        drift[0:3] += r.normal(0.0, 0.01, 3)
        b.m.go(stay, drift)
    b.m.go(t_back, back, 1.0)


def _act_reach(b: _Builder, free: float) -> None:
    s, r = b.s, b.r
    m = s.medial
    back = b.m.cur
    lateral_display = -s.handed * s.xsign
    xd = 1.12 if lateral_display > 0 else -0.12
    t_out = min(b.dur(r.uniform(0.4, 0.8)), free * 0.3)
    stay = max(0.1, min(r.uniform(0.3, 1.5), free - 2 * t_out))
    pos = s.unproject(xd, r.uniform(0.45, 1.05), max(0.3, s.distance - r.uniform(0.1, 0.35)))
    st = _state(pos, _unit(-m - _Z * 0.5), _unit(-_Y * 0.6 + m * 0.3), r.uniform(0.3, 0.7, 4), 0.4, 0.6, 0.1)
    b.m.go(t_out, st)
    holding = st.copy()
    holding[9:13] = r.uniform(0.5, 0.75, 4)
    holding[_HK] = r.uniform(0.0, 0.5)
    b.m.go(stay, holding)
    b.m.go(t_out * r.uniform(0.9, 1.2), back)


def _act_beats(b: _Builder, free: float) -> None:
    r = b.r
    total = min(free, r.uniform(0.8, 2.2))
    period = 1.0 / r.uniform(1.5, 3.0)
    base = b.m.cur
    base[9:13] = r.uniform(0.3, 0.55, 4)
    base[6:9] = _unit(base[6:9] + _Y * r.uniform(0.0, 0.8))
    b.m.go(min(0.3, total / 3), base)
    direction = _unit(np.array([r.normal(0.0, 0.4), -1.0, r.normal(0.0, 0.4)]))
    for _ in range(max(1, int((total - 0.3) / period))):
        down = base.copy()
        down[0:3] += direction * r.uniform(0.02, 0.06)
        down[3:6] = _rotate(base[3:6], _X, r.normal(0.0, 6.0))
        b.m.go(period * 0.45, down, 0.8)
        b.m.go(period * 0.55, base)


def _act_look(b: _Builder, free: float) -> None:
    r = b.r
    m = b.s.medial
    back = b.m.cur
    dt = min(b.dur(r.uniform(0.35, 0.6)), free * 0.3)
    st = back.copy()
    st[6:9] = _unit(_Z + _Y * 0.3)
    st[3:6] = _unit(_Y * 0.8 + m * 0.5)
    st[9:13] = r.uniform(0.3, 0.6, 4)
    b.m.go(dt, st)
    b.m.go(max(0.1, min(r.uniform(0.4, 1.2), free - 2 * dt)), st)
    b.m.go(dt, back)


def _act_stretch(b: _Builder, free: float) -> None:
    r = b.r
    back = b.m.cur
    st = back.copy()
    st[9:13] = r.uniform(-0.15, 0.0, 4)
    st[_SP] = r.uniform(0.7, 1.0)
    st[_TC] = -0.05
    dt = min(r.uniform(0.3, 0.6), free / 3)
    b.m.go(dt, st)
    b.m.go(dt, st)
    b.m.go(dt, back)


def _choose_activity(b: _Builder, free: float, end_up: bool) -> str:
    if b.place == "rest":
        opts = [("hold", 3.0), ("fidget", 1.5)]
        if free > 1.4:
            opts += [("face", 0.9), ("reach", 0.6)]
        if free > 1.2:
            opts.append(("raise", 0.8))
    else:
        opts = [("hold", 2.0), ("beats", 1.4), ("fidget", 1.2)]
        if free > 1.1:
            opts += [("look", 0.5), ("face", 0.7)]
        if free > 0.8:
            opts.append(("stretch", 0.2))
        if free > (2.0 if end_up else 0.8):
            opts.append(("lower", 1.2))
    weights = np.array([w for _, w in opts])
    return opts[int(b.r.choice(len(opts), p=weights / weights.sum()))][0]


_ACTIVITIES = {"hold": _act_hold, "fidget": _act_fidget, "face": _act_face, "reach": _act_reach, "beats": _act_beats}
_ACTIVITIES.update({"look": _act_look, "stretch": _act_stretch})


def _idle(b: _Builder, budget: float, end_up: bool) -> None:
    r = b.r
    t_end = b.m.t + max(budget, 0.0)
    raise_dt = b.dur(r.uniform(0.45, 0.85))
    if b.place == "gesture":
        avail = t_end - b.m.t
        go_rest = (not end_up and avail > 1.2 and r.random() < 0.65) or (avail > 3.0 and r.random() < 0.4)
        if go_rest and avail - (raise_dt if end_up else 0.0) >= 0.6:
            _lower(b, min(b.dur(r.uniform(0.5, 1.0)), avail * 0.6))
        else:
            st = b.s.ready_pose(r)
            st[0:3] = 0.5 * (st[0:3] + b.m.states[-1][0:3])
            b.m.go(min(b.dur(r.uniform(0.45, 0.9)), max(0.12, avail * 0.7)), st)
            b.place = "up"
    while True:
        free = t_end - b.m.t - (raise_dt if end_up and b.place == "rest" else 0.0)
        if free < 0.3:
            break
        act = _choose_activity(b, free, end_up)
        if act == "raise":
            _raise(b, raise_dt)
        elif act == "lower":
            _lower(b, min(b.dur(r.uniform(0.5, 1.0)), free * 0.6))
        else:
            _ACTIVITIES[act](b, free)
    if end_up and b.place == "rest":
        _raise(b, max(0.25, min(raise_dt, t_end - b.m.t)))
    if b.m.t < t_end - 1e-3:
        st = b.m.cur
        st[0:3] += r.normal(0.0, 0.004, 3)
        b.m.go(t_end - b.m.t, st)


def _pause(b: _Builder, dt: float) -> None:
    st = b.m.cur
    st[0:3] += b.r.normal(0.0, 0.006, 3)
    st[9:13] += b.r.uniform(0.0, 0.08, 4) * (st[9:13] < 0.5)
    b.m.go(dt, st)


# ----------------------------------------------------------------------------------------------
# clip plans


def _pair_labels(r: np.random.Generator) -> tuple[str, str]:
    first, second = _PAIR_TYPES[int(r.choice(len(_PAIR_TYPES), p=[0.3, 0.25, 0.25, 0.2]))]
    if second == "swipe":
        second = _SWIPES[int(r.integers(len(_SWIPES)))]
    return first, second


def _do_pair(b: _Builder, first: str, second: str) -> None:
    extra = _perform(b, first, {})
    _pause(b, b.r.uniform(0.1, 0.6))
    ctx: dict = {}
    if first == "grab" and second in _SWIPE_DIRS and b.r.random() < 0.7:
        ctx["carry"] = "fist"
    if first == "point" and second == "grab":
        ctx["point_pos"], ctx["point_v"] = extra["point_pos"], extra["point_v"]
    _perform(b, second, ctx)


def _plan(sess: _Session, rng: np.random.Generator, kind: str) -> _Builder:
    r = rng
    if kind in ("tight", "margin"):
        b = _Builder(sess, r, r.random() < 0.3)
        label = LABELS[int(r.integers(len(LABELS)))]
        _idle(b, r.uniform(0.4, 1.6) if kind == "tight" else r.uniform(0.6, 3.2), r.random() < 0.7)
        _perform(b, label, {})
        _idle(b, r.uniform(0.3, 0.6) if kind == "tight" else r.uniform(0.5, 3.0), False)
        return b
    if kind == "pair":
        b = _Builder(sess, r, r.random() < 0.3)
        _idle(b, r.uniform(0.5, 2.5), r.random() < 0.7)
        _do_pair(b, *_pair_labels(r))
        _idle(b, r.uniform(0.5, 2.5), False)
        return b
    length = r.uniform(10.0, 25.0)
    n_gest = min(int(r.integers(3, 6)), max(3, int(length // 4)))
    commands: list[tuple[str, ...]] = []
    count = 0
    while count < n_gest:
        if n_gest - count >= 2 and r.random() < 0.3:
            commands.append(_pair_labels(r))
            count += 2
        else:
            commands.append((LABELS[int(r.integers(len(LABELS)))],))
            count += 1
    gap = max(0.7, (length - 1.8 * n_gest) / (len(commands) + 1))
    for _ in range(8):
        b = _Builder(sess, r, r.random() < 0.3)
        for cmd in commands:
            _idle(b, gap * r.uniform(0.6, 1.4), r.random() < 0.7)
            if len(cmd) == 2:
                _do_pair(b, cmd[0], cmd[1])
            else:
                _perform(b, cmd[0], {})
        spare = length - b.m.t
        _idle(b, max(0.6, spare), False)
        if 10.0 <= b.m.t <= 24.9 and spare < 2.0 * gap + 1.0:
            break
        # spread the spare time over the gaps (or take time out of them) and try again
        gap = max(0.5, gap + (spare - gap) / (len(commands) + 1))
    return b


# ----------------------------------------------------------------------------------------------
# rendering, tracking and resampling


def _states_on_grid(sess: _Session, b: _Builder, rng: np.random.Generator, t_total: float) -> np.ndarray:
    r = rng
    n = int(math.ceil(t_total * _HI_RATE)) + 2
    tg = np.arange(n) / _HI_RATE
    states = b.m.evaluate(tg)
    for k in range(4):
        states[:, 9 + k] = np.interp(tg - sess.finger_lag[k], tg, states[:, 9 + k])
    states = _smooth(states, r.uniform(0.018, 0.035) * _HI_RATE)
    states[:, 0:3] += _colored(r, n, r.uniform(0.25, 0.8) * _HI_RATE, 3) * r.uniform(0.002, 0.007)
    tremor = r.uniform(0.0002, 0.0009) * (1.0 + 0.3 * _colored(r, n, 0.3 * _HI_RATE, 1))
    states[:, 0:3] += tremor * np.sin(2 * math.pi * r.uniform(8.0, 12.0) * tg[:, None] + r.uniform(0, 2 * math.pi, 3))
    states[:, 3:6] += _colored(r, n, 0.3 * _HI_RATE, 3) * r.uniform(0.01, 0.03)
    states[:, 6:9] += _colored(r, n, 0.3 * _HI_RATE, 3) * r.uniform(0.01, 0.03)
    states[:, 9:13] += _colored(r, n, 0.25 * _HI_RATE, 4) * r.uniform(0.01, 0.035)
    states[:, _TC] += _colored(r, n, 0.3 * _HI_RATE, 1)[:, 0] * 0.03
    states[:, _OC] = np.clip(states[:, _OC], 0.0, 1.0)
    return states


def _ghost(sess: _Session, rng: np.random.Generator, count: int) -> np.ndarray | None:
    r = rng
    if r.random() < 0.5:
        pos = sess.head + _Y * r.uniform(-0.1, 0.05) + _X * r.uniform(-0.06, 0.06) - _Z * 0.05
    else:
        pos = sess.mid + sess.medial * r.uniform(0.12, 0.25) - _Y * r.uniform(0.3, 0.5) - _Z * r.uniform(0.05, 0.25)
    st = _state(pos, _Y * r.uniform(-0.5, 1.0) + r.normal(0.0, 0.5, 3), -_Z + r.normal(0.0, 0.6, 3), r.uniform(0.2, 0.95, 4))
    states = np.repeat(st[None], count, 0)
    states[:, 0:3] += np.cumsum(r.normal(0.0, 0.004, (count, 3)), axis=0)
    lm, _ = _camera_landmarks(sess, _render(states, sess.geom, -sess.handed))
    inside = np.mean((lm[..., 0] >= 0) & (lm[..., 0] <= 1) & (lm[..., 1] >= 0) & (lm[..., 1] <= 1))
    return lm if inside >= 0.6 else None


def _track(sess: _Session, rng: np.random.Generator, states: np.ndarray, t_out: np.ndarray) -> tuple[np.ndarray, dict]:
    r = rng
    tp = sess.tracker
    w_img, h_img, fps = sess.width, sess.height, sess.native_fps
    t_total = (len(states) - 1) / _HI_RATE
    n = int(math.ceil(t_out[-1] * fps)) + 3
    tn = np.sort((np.arange(n) - 1 + r.uniform(0.0, 1.0)) / fps + r.normal(0.0, 0.05 / fps, n))
    keep = r.random(n) >= tp["drop_rate"]
    keep[:2] = True
    tn = tn[keep]
    n = len(tn)
    sn = _interp_rows(_HI_RATE, states, np.clip(tn, 0.0, t_total))
    true_lm, pc = _camera_landmarks(sess, _render(sn, sess.geom, sess.handed))

    # pose-level errors of the landmark network
    se = sn.copy()
    fv = pc[:, [8, 12, 16, 20]] - pc[:, [5, 9, 13, 17]]
    dz = np.abs(fv[..., 2]) / np.maximum(np.linalg.norm(fv, axis=-1), 1e-9)
    wf = np.clip((dz - 0.6) / 0.3, 0.0, 1.0) * tp["foreshorten"]
    se[:, 9:13] += wf * (0.6 - se[:, 9:13])
    bb = _unit(sn[:, 3:6])
    nn = _unit(sn[:, 6:9] - np.sum(sn[:, 6:9] * bb, axis=1, keepdims=True) * bb)
    edge = np.clip((0.35 - np.abs((nn @ sess.R.T)[:, 2])) / 0.35, 0.0, 1.0)
    se[:, 10:13] += edge[:, None] * _colored(r, n, 4.0, 3) * 0.2
    se[:, 9:13] += _colored(r, n, 3.0, 4) * tp["curl_noise"]
    se[:, _TC] += _colored(r, n, 3.0, 1)[:, 0] * tp["curl_noise"] * 1.5
    se[:, 3:9] += _colored(r, n, 4.0, 6) * 0.025
    pose_lm, _ = _camera_landmarks(sess, _render(se, sess.geom, sess.handed))

    # detection and tracking
    x, y = true_lm[..., 0], true_lm[..., 1]
    inside = np.mean((x >= 0) & (x <= 1) & (y >= 0) & (y <= 1), axis=1)
    scale = sess.f * sess.geom.palm_len / (w_img * np.maximum(pc[:, 0, 2], 0.05))
    hand_px = 2.0 * scale * w_img
    speed = np.zeros(n)
    speed[1:] = np.mean(np.hypot((x[1:] - x[:-1]) * w_img, (y[1:] - y[:-1]) * h_img), axis=1) / np.maximum(scale[1:] * w_img, 1.0)
    occ = sn[:, _OC]
    draws = r.random(n)
    tracked = np.zeros(n, dtype=bool)
    on = False
    for i in range(n):
        vis_ok = inside[i] >= 0.5 and occ[i] < 0.5 and hand_px[i] >= 28.0
        if on:
            p = (
                tp["base_loss"]
                + 0.25 * max(0.0, 0.75 - inside[i])
                + tp["blur"] * 0.7 * max(0.0, speed[i] - 0.45)
                + 0.6 * max(0.0, occ[i] - 0.3)
                + (0.04 if hand_px[i] < 70.0 else 0.0)
                + tp["edge"] * edge[i]
            )
            on = vis_ok and draws[i] >= p
        elif vis_ok and inside[i] >= 0.8:
            q = tp["det_rate"] * min(1.0, (hand_px[i] - 28.0) / 80.0) * (1.0 - min(0.8, max(0.0, speed[i] - 0.3)))
            on = draws[i] < q * (1.0 - 0.5 * edge[i]) * (1.0 - occ[i])
        tracked[i] = on

    lm = pose_lm.copy()
    ghost = np.zeros(n, dtype=bool)
    for _ in range(int(r.poisson(tp["ghost_rate"] * t_total))):
        count = int(r.integers(1, 7))
        start = int(r.integers(0, max(1, n - count)))
        g = _ghost(sess, r, count)
        if g is not None:
            stop = min(n, start + count)
            lm[start:stop] = g[: stop - start]
            ghost[start:stop] = True

    # landmark jitter, depth errors, scale wobble
    tipw = np.ones(21)
    tipw[[4, 8, 12, 16, 20]] = 1.6
    tipw[[3, 7, 11, 15, 19]] = 1.3
    sc = (scale * (1.0 + 30.0 / np.maximum(hand_px, 10.0)))[:, None]
    glob = _colored(r, n, tp["jit_corr"], 2) * tp["jit_global"]
    loc = _colored(r, n, 0.8, 63).reshape(n, 21, 3) * tp["jit_local"] * tipw[None, :, None]
    lm[..., 0] += (glob[:, 0:1] + loc[..., 0]) * sc
    lm[..., 1] += (glob[:, 1:2] + loc[..., 1]) * sc * (w_img / h_img)
    zwob = 1.0 + 0.08 * _colored(r, n, 6.0, 1)
    lm[..., 2] = lm[..., 2] * tp["z_scale"] * zwob + (loc[..., 2] * tp["z_noise"] / tp["jit_local"] + tp["z_bias"]) * sc
    lm[:, 0, 2] = 0.0
    center = lm[..., :2].mean(axis=1, keepdims=True)
    lm[..., :2] = center + (lm[..., :2] - center) * (1.0 + 0.015 * _colored(r, n, 3.0, 1))[:, :, None]

    # region-of-interest lag and One-Euro smoothing, frame by frame
    valid = tracked | ghost
    out = np.full((n, 21, 3), np.nan)
    dt = 1.0 / fps
    lag, euro = tp["roi_lag"], tp["euro"]
    xh = dxh = prev_raw = None
    for i in range(n):
        if not valid[i] or (i > 0 and ghost[i] != ghost[i - 1]):
            xh = dxh = prev_raw = None
            if not valid[i]:
                continue
        raw = lm[i]
        cur = raw if prev_raw is None else raw - lag * (raw - prev_raw)
        prev_raw = raw
        if euro is None or xh is None:
            xh, dxh = cur.copy(), np.zeros_like(cur)
        else:
            min_cut, beta, d_cut = euro
            a_d = 1.0 / (1.0 + 1.0 / (2 * math.pi * d_cut * dt))
            dxh = dxh + a_d * ((cur - xh) / dt - dxh)
            cutoff = min_cut + beta * np.linalg.norm(dxh[:, :2], axis=1, keepdims=True)
            a = 1.0 / (1.0 + 1.0 / (2 * math.pi * cutoff * dt))
            xh = xh + a * (cur - xh)
        out[i] = xh

    # resample the native stream to 30 fps
    j = np.clip(np.searchsorted(tn, t_out + 1e-9, side="right") - 1, 0, n - 1)
    if sess.resample == "hold":
        res = out[j].copy()
    else:
        j1 = np.minimum(j + 1, n - 1)
        fr = np.clip((t_out - tn[j]) / np.maximum(tn[j1] - tn[j], 1e-6), 0.0, 1.0)
        a0, a1 = out[j], out[j1]
        both = ~np.isnan(a0[:, 0, 0]) & ~np.isnan(a1[:, 0, 0])
        res = np.where((fr < 0.5)[:, None, None], a0, a1)
        res[both] = a0[both] + fr[both, None, None] * (a1[both] - a0[both])
    lost = np.isnan(res[:, 0, 0])
    if sess.lost_repr == "zero":
        res[lost] = 0.0
    elif sess.lost_repr == "hold":
        run = 0
        for i in range(len(res)):
            if lost[i] and i > 0 and run < 10 and not np.isnan(res[i - 1, 0, 0]):
                res[i] = res[i - 1]
                run += 1
            elif not lost[i]:
                run = 0
    res[..., :2] = np.clip(res[..., :2], -0.3, 1.3)
    res[..., 2] = np.clip(res[..., 2], -1.0, 1.0)
    info = {"lost_fraction": float(lost.mean()), "ghost_frames": int(ghost.sum()), "native_frames": int(n)}
    return res.astype(np.float32), info


# ----------------------------------------------------------------------------------------------
# clips and datasets


def _seed_key(seed: int) -> int:
    return int(seed) % (2**63)


def _kind_for(seed: int, index: int) -> str:
    rng = np.random.default_rng(np.random.SeedSequence([_seed_key(seed), index // 20, 0x4B1D]))
    order = [k for k in KINDS for _ in range(_KIND_COUNTS[k])]
    return order[int(rng.permutation(20)[index % 20])]


def _direction(clean: np.ndarray, frames: np.ndarray, size: tuple[int, int]) -> tuple[float, float]:
    vec = clean[frames, 8, :2].astype(float) - clean[frames, 5, :2].astype(float)
    dx, dy = float(vec[:, 0].sum()), float(vec[:, 1].sum())
    deg = math.degrees(math.atan2(-dy, dx)) % 360.0
    pix = math.degrees(math.atan2(-dy * size[1], dx * size[0])) % 360.0
    return deg, pix


def _generate(seed: int, index: int) -> tuple[Blind9Clip, Blind9Clip]:
    kind = _kind_for(seed, index)
    rng = np.random.default_rng(np.random.SeedSequence([_seed_key(seed), int(index), 0xB109]))
    sess = _Session(rng)
    b = _plan(sess, rng, kind)
    t_total = b.m.t
    states = _states_on_grid(sess, b, rng, t_total)
    n_out = int(math.floor(t_total * FPS + 1e-9))
    t_out = np.arange(n_out) / FPS
    clean = _camera_landmarks(sess, _render(_interp_rows(_HI_RATE, states, t_out), sess.geom, sess.handed))[0]
    clean[..., :2] = np.clip(clean[..., :2], -0.3, 1.3)
    clean[..., 2] = np.clip(clean[..., 2], -1.0, 1.0)
    clean = clean.astype(np.float32)
    tracked, tinfo = _track(sess, rng, states, t_out)

    size = (sess.width, sess.height)
    spans, dirs, dirs_px, styles, intents = [], [], [], [], []
    prev_end = -1
    for ev in b.events:
        s0 = max(int(math.ceil(ev["t0"] * FPS - 1e-6)), prev_end + 1)
        e0 = min(int(math.floor(ev["t1"] * FPS + 1e-6)), n_out - 1)
        prev_end = e0
        d = dp = None
        if ev["label"] == "point":
            frames = [f for h0, h1 in ev["hold"] for f in range(int(math.ceil(h0 * FPS)), int(math.floor(h1 * FPS)) + 1) if s0 <= f <= e0]
            if not frames:
                frames = list(range(max(s0, e0 - 4), e0 + 1))
            d, dp = _direction(clean, np.array(sorted(set(frames))), size)
        spans.append((ev["label"], s0, e0, d))
        dirs.append(d)
        dirs_px.append(dp)
        styles.append(ev["style"])
        intents.append(ev["intent_deg"])
    if kind == "tight":
        s0, e0 = spans[0][1], spans[0][2]
        clean, tracked = clean[s0 : e0 + 1], tracked[s0 : e0 + 1]
        spans = [(spans[0][0], 0, e0 - s0, spans[0][3])]
    gestures = tuple((str(lbl), int(a), int(e), None if d is None else float(d)) for lbl, a, e, d in spans)
    meta = {
        "image_size": size,
        "direction_deg_pixels": dirs_px,
        "durations_s": [(e - a + 1) / FPS for _, a, e, _ in gestures],
        "seed": int(seed),
        "index": int(index),
        "duration_s": len(clean) / FPS,
        "setup": sess.setup,
        "native_fps": sess.native_fps,
        "resample": sess.resample,
        "mirrored": sess.mirrored,
        "hand": "right" if sess.handed > 0 else "left",
        "hand_length_m": round(sess.hand_len, 4),
        "distance_m": round(sess.distance, 3),
        "fov_deg": round(sess.fov_deg, 2),
        "camera_pitch_deg": round(sess.pitch_deg, 2),
        "camera_roll_deg": round(sess.roll_deg, 2),
        "rest": sess.rest_kind,
        "styles": styles,
        "intended_direction_deg": intents,
        "lost_repr": sess.lost_repr,
    }
    tracked_meta = dict(meta, tracked=True, **tinfo)
    clean_meta = dict(meta, tracked=False, lost_fraction=0.0)
    return (
        Blind9Clip(np.ascontiguousarray(tracked), gestures, kind, tracked_meta),
        Blind9Clip(np.ascontiguousarray(clean), gestures, kind, clean_meta),
    )


def blind9_dataset(n: int, seed: int = 0) -> list[Blind9Clip]:
    """n tracked clips, as a real hand tracker reports them; clip i depends only on (seed, i)."""
    return [_generate(seed, i)[0] for i in range(int(n))]


def blind9_clean_dataset(n: int, seed: int = 0) -> list[Blind9Clip]:
    """The same clips as blind9_dataset(n, seed), before the tracker's errors."""
    return [_generate(seed, i)[1] for i in range(int(n))]


# ----------------------------------------------------------------------------------------------
# scoring


def _ang_diff(a: float, b: float) -> float:
    return abs((float(a) - float(b) + 180.0) % 360.0 - 180.0)


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


# ----------------------------------------------------------------------------------------------
# command line


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Generate blind9 synthetic hand-gesture landmark clips.")
    parser.add_argument("--n", type=int, default=20, help="number of clips")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="folder for clip_NNNN.npy and labels.json")
    parser.add_argument("--clean", action="store_true", help="write clips before the tracker's errors")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    clips = (blind9_clean_dataset if args.clean else blind9_dataset)(args.n, args.seed)
    elapsed = time.perf_counter() - start
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        records = []
        for i, clip in enumerate(clips):
            name = f"clip_{i:04d}.npy"
            np.save(args.out / name, clip.landmarks)
            records.append({"file": name, "kind": clip.kind, "gestures": clip.gestures, "meta": clip.meta})
        (args.out / "labels.json").write_text(json.dumps(_jsonable(records), indent=1))
    kinds = {k: sum(c.kind == k for c in clips) for k in KINDS}
    labels = {lbl: sum(g[0] == lbl for c in clips for g in c.gestures) for lbl in LABELS}
    frames = sum(len(c.landmarks) for c in clips)
    lost = sum(int(np.sum(np.isnan(c.landmarks[:, 0, 0]) | np.all(c.landmarks == 0, axis=(1, 2)))) for c in clips)
    print(f"blind9: {len(clips)} {'clean' if args.clean else 'tracked'} clips, seed {args.seed}, {elapsed:.1f} s")
    print(f"kinds: {kinds}")
    print(f"gestures: {labels}")
    print(f"frames: {frames} ({frames / FPS:.1f} s), lost (NaN or zero): {lost / max(frames, 1):.1%}")
    if args.out is not None:
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
