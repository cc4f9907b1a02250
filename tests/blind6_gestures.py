"""Blind-6 gesture clips: people and a hand tracker, imitated from first principles (numpy only).

This generator was written blind: without reading robocue's gesture readers (``robocue/perception/gestures``),
the other test generators in ``tests/`` (``outside_gestures``, ``blind_gestures`` .. ``blind5_gestures``) or
their tests. Its only sources are the clip format of ``docs/commands.md`` and a written brief. It imports
nothing from robocue, so it can score any reader ``recognize(landmarks (T, 21, 3)) -> [{"label", "start",
"end", "direction_deg"}, ...]``.

Clips
-----
MediaPipe's 21 hand landmarks (0 wrist; 1-4 thumb CMC, MCP, IP, tip; 5-8 index MCP, PIP, DIP, tip; 9-12
middle; 13-16 ring; 17-20 little), float32 ``(T, 21, 3)`` at 30 fps: ``x``, ``y`` normalised by the image
width and height separately (x right, y down), never beyond [-0.3, 1.3]; ``z`` the depth relative to the wrist
in x units (smaller = closer to the camera). A dropped frame is all-NaN, or in some clips a repeat of the last
tracked frame. Labels are ``LABELS``; every clip has a ``kind`` from ``KINDS``:

* ``tight``: one gesture, trimmed to 0-4 frames around it (the hand is already in the gesture at frame 0);
* ``margin``: one gesture with 0.5-3 s of idle hand (resting low, fidgeting) before and after;
* ``pair``: point or grab then a swipe, point then grab, or point then come_here;
* ``recording``: 3-5 gestures of any kind in a row (no label twice in a row).

Between two gestures the hand goes back to rest in about half of the transitions; in the others it flows from
one gesture into the next (coarticulation: the next preparation starts during or right after the last hold).

Ground truth: ``gestures`` holds ``(label, start, end, direction_deg)`` with frames relative to the clip. The
interval is the gesture's nucleus: point = index extended and aimed .. end of the hold; swipe = 1 % .. 99 % of
the main lognormal stroke; grab = first finger starts closing .. hand closed; come_here = first curl .. last
reopening; stop = start of the push toward the camera .. end of the hold. ``direction_deg`` (points only) is
the circular mean, over the settled end of the hold (``meta["truth_windows"]``), of the direction from the
index MCP (5) to the index tip (8) in the clip's own normalised coordinates with y flipped up: 0 = right,
90 = up, counter-clockwise, in [0, 360). Because x and y are normalised separately this is the direction a
reader can measure from the landmarks; the direction in square pixels is in ``meta["direction_deg_pixels"]``
and ``score`` reports the error against it as well.

Hand model
----------
A kinematic hand from joint angles, built in a hand frame (x radial, y distal, z volar/palm side, in hand
lengths: wrist crease to middle tip). Phalanx lengths are the segment/hand-length ratios of Buchholz, Armstrong
& Goldstein (1992, J. Biomech.): index 0.265/0.143/0.097, middle 0.277/0.170/0.108, ring 0.259/0.165/0.107,
little 0.206/0.117/0.093, thumb metacarpal/proximal/distal 0.251/0.196/0.158; the knuckles (MCP) lie on an
arc 0.37-0.445 from the wrist with a natural splay (+7, 0, -6, -13 degrees). Each finger has MCP, PIP, DIP
flexion (toward the palm) and abduction; the thumb has metacarpal yaw and pitch (out of the palm) plus MCP and
IP flexion toward the ulnar/volar side; a palm-arch parameter cups the ring and little metacarpals in a fist.
Left hands are the mirror image (x -> -x). A pool of 24 performers per seed (25 % children: hands 11.5-15 cm
with relatively shorter fingers and wider palms; adults 16.5-20.5 cm; 12 % left-handed; each clip uses the
dominant hand 88 % of the time) varies every bone by about 3.5 %, the palm width and length, speed, the
lognormal spread, overshoot, tremor, drift, the habit of flicking swipes, and a habitual offset of each joint.
Named hand shapes (open, flat, relaxed, loose, fist, partial fist, point with the thumb tucked or out, beckon
open/curled for the whole hand or the index alone) get the performer's habit and per-instance noise.

Motion model
------------
Every degree of freedom (wrist position, hand orientation, the 21 shape angles) moves by superposed
sigma-lognormal strokes (Plamondon's kinematic theory): a stroke adds ``delta * Phi((ln(t - t0) - mu) /
sigma)``, an asymmetric bell-shaped velocity with a fast rise and a long tail; orientation strokes are rotation
vectors composed in order. Strokes overlap, which gives coarticulation; a main stroke may overshoot (typically
0-15 %) and be followed by a correcting stroke. Finger shape changes start during the hand's rise (preparation)
and lag or lead the arm; grab closes the fingers one after the other (index first, little first or together).
Physiological tremor (7-11 Hz), slow drift (0.1-1 Hz) of the position and orientation and small finger
fidgets are added on top. The hand rests low and to the side of its gesture zone (as far as the frame allows),
with slow fidgets (drifts, finger and wrist adjustments), and rises into the zone before each gesture.

Gestures: point in any direction (uniform), mostly across the image plane but 20 % toward the camera
(elevation 42-66 degrees, foreshortened index), palm down / sideways / to the camera or body as the
direction suggests, thumb tucked or out, held 0.3-3 s (log-uniform), sometimes with a small re-aim (3-12
degrees) a fifth to 40 % into the hold or a small poke toward the target; swipes as a whole-arm stroke
(1.2-3.6 hand lengths at 2.4 or more hand lengths per second, less where the frame is too small; 0.3-1.5 s;
curved path, depth arc, trailing wrist) or a wrist flick (35-95 degrees plus 0.4-0.8 hand lengths of travel,
0.25-0.55 s), reached by a slower preparation; palm to the camera, leading, trailing, down or edge-on, fingers
open, together or loosely curled, sometimes with a wind-up; grab with the palm to the camera, down or
sideways, fast (0.2 s) to slow (1 s), a full or partial fist, sometimes reaching forward while closing and
pulling back after; come_here with 1-4 beckons of the whole hand (with wrist flexion) or the index alone, palm
up (fingers toward the camera, foreshortened) or palm to the camera; stop raised and pushed toward the camera
(6-30 % of the camera distance) then held 0.5-2 s, fingers together or spread.

Camera
------
A pinhole camera with mild radial (barrel) distortion facing the person: resolutions from 640x360 to 1920x1080
in landscape and portrait, a field of view of 55-80 degrees on the long side, roll up to 18 degrees, the person
turned (yaw) up to 25 degrees and the camera pitched up to 15 degrees; the hand is about 5-60 % of the frame
height (at least 40 pixels), so the camera distance follows from the hand length; close hands show strong
perspective.
x and y are normalised by width and height separately, so the hand is stretched by the aspect ratio in these
units. If the clean motion leaves [-0.27, 1.27] the camera moves back or sideways until it fits.

Tracker
-------
Modelled on MediaPipe Hands in video mode: tracking is lost when fewer than 50-70 % of the landmarks are
inside the image, when the palm leaves it, when the hand is smaller than 20-36 pixels, with a probability that
grows with the hand's speed (motion blur), and in random bursts (mean 1.5-8 frames); after a loss the palm
detector needs 2-4 frames and the new track starts with an offset, scale and rotation error that decays over a
few frames (small re-crop jumps also happen during tracking). Landmark jitter is AR(1) noise of 0.4-2 pixels
plus 0.3-1.2 % of the hand size, up to 5x larger on the fingers when they overlap in a fist, where fingertips
also snap onto a neighbouring finger or collapse onto their knuckle for a few frames. Depth is scaled by
0.4-1.5, tilted, and very noisy (4-20 % of the hand size, correlated); 15 % of clips have handedness confusion
segments (depth mirrored, extra jitter). A One Euro filter (min cutoff 0.6-4 Hz, speed coefficient 0.05-1.5)
smooths each track with the usual lag. 5 % of clips have a 1-3 frame false detection elsewhere in the image,
20 % show the last frame instead of NaN while lost, 20 % come from a slower camera (15, 20 or 24 fps) whose
frames are repeated to 30 fps. The tracker is redrawn milder (no random or blur losses, at last one that never
loses the hand; ``meta["tracker"]["severity"]``) when it would hide a labelled gesture (a swipe needs 3 tracked
frames spread over it, other gestures half of their frames).

Each labelled gesture is checked on the clean landmarks as a person would judge it (``gesture_problems``):
a point's index is straight and steady, the other fingers curled; a swipe's hand travels at least 0.7 hand
lengths along its axis, at most half of that across, with a peak speed at least 1/0.7 of any unlabelled motion
in that direction; a grab goes from open to closed; come_here shows as many finger curls as beckons; stop shows
an open palm facing the camera, held still, after the hand grew by the push; and every gesture is mostly in view (its palm
centre inside the image for 70 % of the interval, 50 % for swipes). Clips that fail are drawn again.

``blind6_dataset(n, seed)`` gives tracked clips, ``blind6_clean_dataset(n, seed)`` the same clips before the
tracker, ``score(recognize, clips)`` the scores; ``python tests/blind6_gestures.py --n 16 --seed 0 --out DIR``
writes ``clip_NNNN.npy`` and ``labels.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FPS = 30.0
LABELS = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
KINDS = ("tight", "margin", "pair", "recording")
SWIPES = {"swipe_left": (-1.0, 0.0), "swipe_right": (1.0, 0.0), "swipe_up": (0.0, -1.0), "swipe_down": (0.0, 1.0)}
_KIND_CYCLE = ("tight", "margin", "pair", "recording", "tight", "margin", "pair", "margin", "tight", "recording")
_N_PEOPLE = 24

# Buchholz, Armstrong & Goldstein (1992): segment length / hand length.
_PHALANX = np.array([[0.265, 0.143, 0.097], [0.277, 0.170, 0.108], [0.259, 0.165, 0.107], [0.206, 0.117, 0.093]])
_THUMB = np.array([0.251, 0.196, 0.158])
_MCP = np.array([[0.140, 0.425, 0.0], [0.045, 0.445, 0.0], [-0.045, 0.420, 0.0], [-0.130, 0.375, 0.0]])
_CMC = np.array([0.105, 0.105, 0.035])
_SPLAY = np.array([7.0, 0.0, -6.0, -13.0])
_ARCH = np.array([[0.0, 0.0, 0.01], [0.0, 0.0, 0.02], [0.012, 0.0, 0.05], [0.03, -0.01, 0.09]])
_RESOLUTIONS = (
    (640, 480), (1280, 720), (1920, 1080), (640, 360), (960, 540), (800, 600),
    (1024, 768), (1280, 960), (480, 640), (720, 1280), (1080, 1920), (360, 640),
)  # fmt: skip
_PALM = (0, 5, 9, 13, 17)

# Hand shapes: per finger (MCP, PIP, DIP flexion, abduction), thumb (yaw, pitch, MCP, IP), palm arch; degrees.
_F = {
    "open": [(2, 4, 2, 6), (2, 3, 2, 1), (3, 4, 2, -4), (4, 5, 3, -9)],
    "flat": [(3, 4, 2, -4), (3, 4, 2, 0), (4, 4, 2, 3), (5, 5, 3, 6)],
    "relaxed": [(22, 30, 18, 0), (28, 38, 22, 0), (32, 44, 26, 0), (38, 50, 30, 0)],
    "loose": [(18, 24, 12, 2), (22, 26, 14, 0), (26, 30, 16, 0), (30, 34, 18, -2)],
    "fist": [(82, 100, 62, -3), (86, 102, 64, -1), (86, 100, 62, 1), (84, 98, 60, 3)],
    "partial": [(45, 78, 48, -2), (50, 82, 50, 0), (52, 84, 50, 1), (55, 86, 50, 2)],
    "point": [(4, 4, 2, 0), (78, 98, 60, -1), (80, 98, 60, 1), (80, 96, 58, 3)],
    "beckon_open": [(8, 8, 4, -2), (8, 8, 4, 0), (9, 9, 5, 1), (10, 10, 5, 3)],
    "beckon_curl": [(55, 92, 58, -2), (60, 96, 60, 0), (62, 96, 60, 1), (65, 96, 60, 3)],
    "beckon_idx_open": [(8, 8, 4, 0), (78, 98, 60, -1), (80, 98, 60, 1), (80, 96, 58, 3)],
    "beckon_idx_curl": [(50, 98, 62, 0), (78, 98, 60, -1), (80, 98, 60, 1), (80, 96, 58, 3)],
}
_T = {
    "open": (50, 15, 5, 5), "flat": (28, 10, 5, 5), "relaxed": (30, 30, 15, 20), "loose": (38, 20, 10, 10),
    "fist": (20, 42, 36, 45), "partial": (25, 38, 22, 25), "point": (18, 44, 36, 45), "point_l": (55, 10, 0, 2),
    "beckon_open": (35, 20, 10, 10), "beckon_curl": (32, 28, 15, 20),
}  # fmt: skip
_ARCHES = {"open": 0.0, "flat": 0.0, "relaxed": 0.25, "loose": 0.1, "fist": 0.8, "partial": 0.5, "point": 0.6}


def _shape_vec(fingers: str, thumb: str, arch: float) -> np.ndarray:
    return np.concatenate([np.asarray(_F[fingers], float).ravel(), np.asarray(_T[thumb], float), [arch]])


_SHAPES = {
    "open": _shape_vec("open", "open", 0.0),
    "flat": _shape_vec("flat", "flat", 0.0),
    "relaxed": _shape_vec("relaxed", "relaxed", 0.25),
    "loose": _shape_vec("loose", "loose", 0.1),
    "fist": _shape_vec("fist", "fist", 0.8),
    "partial": _shape_vec("partial", "partial", 0.5),
    "point": _shape_vec("point", "point", 0.6),
    "point_l": _shape_vec("point", "point_l", 0.6),
    "beckon_open": _shape_vec("beckon_open", "beckon_open", 0.1),
    "beckon_curl": _shape_vec("beckon_curl", "beckon_curl", 0.4),
    "beckon_idx_open": _shape_vec("beckon_idx_open", "point", 0.6),
    "beckon_idx_curl": _shape_vec("beckon_idx_curl", "point", 0.6),
}


@dataclass
class Blind6Clip:
    """One clip: landmarks (T, 21, 3) float32, gestures [(label, start, end, direction_deg or None)], kind, meta."""

    landmarks: np.ndarray
    gestures: list[tuple[str, int, int, float | None]]
    kind: str
    meta: dict = field(default_factory=dict)


Clip = Blind6Clip


# --------------------------------------------------------------------------------------------- maths helpers
def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz & Stegun 7.1.26 (error below 1.5e-7)."""
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-a * a)
    return s * y


_ZQ = 2.326  # the stroke's nominal start and end are its 1 % and 99 % points


def _lognormal_cdf(times: np.ndarray, t_start: float, dur: float, sigma: float) -> np.ndarray:
    """Fraction of a sigma-lognormal stroke done at each time; 1 % at t_start, 99 % at t_start + dur."""
    mu = math.log(dur / (2.0 * math.sinh(_ZQ * sigma)))
    t0 = t_start - math.exp(mu - _ZQ * sigma)
    dt = times - t0
    out = np.zeros_like(times, dtype=float)
    ok = dt > 0
    out[ok] = 0.5 * (1.0 + _erf((np.log(dt[ok]) - mu) / (sigma * math.sqrt(2.0))))
    return out


def _unit(v) -> np.ndarray:
    v = np.asarray(v, float)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 1e-12, n, 1.0)


def _rodrigues(omega) -> np.ndarray:
    omega = np.asarray(omega, float)
    th = np.linalg.norm(omega, axis=-1)
    k = omega / np.where(th > 1e-12, th, 1.0)[..., None]
    K = np.zeros(omega.shape[:-1] + (3, 3))
    K[..., 0, 1], K[..., 0, 2], K[..., 1, 2] = -k[..., 2], k[..., 1], -k[..., 0]
    K[..., 1, 0], K[..., 2, 0], K[..., 2, 1] = k[..., 2], -k[..., 1], k[..., 0]
    s, c = np.sin(th)[..., None, None], np.cos(th)[..., None, None]
    return np.eye(3) + s * K + (1.0 - c) * (K @ K)


def _log_rot(R: np.ndarray) -> np.ndarray:
    c = np.clip((np.trace(R) - 1.0) / 2.0, -1.0, 1.0)
    ang = math.acos(c)
    if ang < 1e-9:
        return np.zeros(3)
    if ang > math.pi - 1e-4:
        M = (R + np.eye(3)) / 2.0
        axis = _unit(M[int(np.argmax(np.diag(M)))])
        return axis * ang
    axis = np.array([R[2, 1] - R[1, 2], R[0, 2] - R[2, 0], R[1, 0] - R[0, 1]]) / (2.0 * math.sin(ang))
    return axis * ang


def _rot_between(a, b) -> np.ndarray:
    a, b = _unit(a), _unit(b)
    ax = np.cross(a, b)
    s = np.linalg.norm(ax)
    if s < 1e-9:
        return np.eye(3)
    return _rodrigues(ax / s * math.atan2(s, float(a @ b)))


def _frame(distal, volar) -> np.ndarray:
    """Hand orientation: columns are the radial, distal and volar axes in the body frame."""
    d = _unit(distal)
    v = np.asarray(volar, float) - float(np.dot(volar, d)) * d
    if np.linalg.norm(v) < 1e-6:
        v = np.cross(d, [1.0, 0.0, 0.0]) if abs(d[0]) < 0.9 else np.cross(d, [0.0, 1.0, 0.0])
    v = _unit(v)
    return np.column_stack([np.cross(d, v), d, v])


def _axis_rot(axis: int, deg: float) -> np.ndarray:
    w = np.zeros(3)
    w[axis] = math.radians(deg)
    return _rodrigues(w)


def _band_noise(rng: np.random.Generator, T: int, dims: int, lo: float, hi: float) -> np.ndarray:
    """Unit-variance noise with its power between lo and hi Hz."""
    n = max(int(T), 16)
    freqs = np.fft.rfftfreq(n, 1.0 / FPS)
    band = ((freqs >= lo) & (freqs <= hi)).astype(float)
    if band.sum() == 0:
        band[min(1, len(band) - 1)] = 1.0
    spec = (rng.normal(size=(len(freqs), dims)) + 1j * rng.normal(size=(len(freqs), dims))) * band[:, None]
    x = np.fft.irfft(spec, n=n, axis=0)[:T]
    sd = x.std(axis=0)
    return x / np.where(sd > 1e-12, sd, 1.0)


def _ang_diff(a: float, b: float) -> float:
    return abs((float(a) - float(b) + 180.0) % 360.0 - 180.0)


# ------------------------------------------------------------------------------------------------ the hand
@dataclass
class _Person:
    pid: int
    child: bool
    dominant: int  # +1 right-handed, -1 left-handed
    hand_len: float  # metres, wrist crease to middle fingertip
    bone: np.ndarray  # (4, 3) phalanx factors
    thumb: np.ndarray  # (3,)
    width: float
    palm: float
    speed: float  # multiplies durations
    sigma: float  # lognormal spread
    overshoot: float
    tremor: float  # hand lengths
    drift: float  # hand lengths
    rot_drift: float  # degrees
    flick_p: float
    habit: np.ndarray  # (21,) degrees added to every shape


def _people(seed: int) -> list[_Person]:
    rng = np.random.default_rng([abs(int(seed)), 606])
    out = []
    for pid in range(_N_PEOPLE):
        child = bool(rng.random() < 0.25)
        fing = 0.95 if child else 1.0
        habit = np.concatenate([rng.normal(0, 3.0, 16), rng.normal(0, 4.0, 4), [0.0]])
        out.append(
            _Person(
                pid=pid,
                child=child,
                dominant=-1 if rng.random() < 0.12 else 1,
                hand_len=float(rng.uniform(0.115, 0.15) if child else rng.uniform(0.165, 0.205)),
                bone=np.clip(rng.normal(1.0, 0.035, (4, 3)), 0.9, 1.1) * fing,
                thumb=np.clip(rng.normal(1.0, 0.035, 3), 0.9, 1.1) * fing,
                width=float(np.clip(rng.normal(1.0, 0.05), 0.88, 1.12) * (1.05 if child else 1.0)),
                palm=float(np.clip(rng.normal(1.0, 0.03), 0.93, 1.07)),
                speed=float(np.exp(rng.normal(-0.08, 0.2) if child else rng.normal(0.0, 0.15))),
                sigma=float(rng.uniform(0.2, 0.38)),
                overshoot=float(rng.uniform(0.0, 0.12)),
                tremor=float(rng.uniform(0.002, 0.006) * (1.5 if child else 1.0)),
                drift=float(rng.uniform(0.005, 0.018)),
                rot_drift=float(rng.uniform(0.3, 0.8)),
                flick_p=float(rng.uniform(0.15, 0.6)),
                habit=habit,
            )
        )
    return out


def _hand_local(shape: np.ndarray, person: _Person, side: int) -> np.ndarray:
    """Joint angles (T, 21) in degrees -> landmarks (T, 21, 3) in the hand frame, in metres."""
    shape = np.atleast_2d(shape)
    T = shape.shape[0]
    out = np.zeros((T, 21, 3))
    f = np.radians(shape[:, :16].reshape(T, 4, 4))
    arch = shape[:, 20]
    mcp = _MCP * np.array([person.width, person.palm, 1.0])
    base = mcp[None] + arch[:, None, None] * _ARCH[None]
    alpha = np.radians(_SPLAY)[None] + f[:, :, 3]
    b = np.stack([np.sin(alpha), np.cos(alpha), np.zeros_like(alpha)], -1)
    n = np.array([0.0, 0.0, 1.0])
    lens = _PHALANX * person.bone
    fingers = 5 + 4 * np.arange(4)
    out[:, fingers] = base
    p, phi = base, np.zeros((T, 4))
    for k in range(3):
        phi = phi + f[:, :, k]
        d = np.cos(phi)[..., None] * b + np.sin(phi)[..., None] * n
        p = p + lens[None, :, k, None] * d
        out[:, fingers + k + 1] = p
    yaw, pitch, f1, f2 = (np.radians(shape[:, 16 + i]) for i in range(4))
    dm = np.stack([np.sin(yaw) * np.cos(pitch), np.cos(yaw) * np.cos(pitch), np.sin(pitch)], -1)
    q = _unit([-1.0, 0.1, 0.8])
    tl = _THUMB * person.thumb
    cmc = _CMC * np.array([person.width, person.palm, 1.0])
    out[:, 1] = cmc
    out[:, 2] = cmc + tl[0] * dm
    w1 = _unit(q - (dm @ q)[:, None] * dm)
    dp = np.cos(f1)[:, None] * dm + np.sin(f1)[:, None] * w1
    out[:, 3] = out[:, 2] + tl[1] * dp
    w2 = _unit(q - (dp @ q)[:, None] * dp)
    dd = np.cos(f2)[:, None] * dp + np.sin(f2)[:, None] * w2
    out[:, 4] = out[:, 3] + tl[2] * dd
    if side < 0:
        out[..., 0] *= -1.0
    return out * person.hand_len


# ---------------------------------------------------------------------------------------------- the motion
class _Motion:
    """Superposed sigma-lognormal strokes for the wrist position, hand orientation and 21 shape angles."""

    def __init__(self, pos, R, shape):
        self.p0, self.R0, self.s0 = np.array(pos, float), np.array(R, float), np.array(shape, float)
        self.pos, self.R, self.shape = self.p0.copy(), self.R0.copy(), self.s0.copy()
        self.ps: list = []
        self.rs: list = []
        self.ss: list = []

    def pos_by(self, delta, t, dur, sigma) -> float:
        delta = np.asarray(delta, float)
        self.ps.append((t, dur, sigma, delta))
        self.pos = self.pos + delta
        return t + dur

    def pos_to(self, target, t, dur, sigma, overshoot=0.0, rng=None) -> float:
        delta = np.asarray(target, float) - self.pos
        if overshoot <= 0:
            return self.pos_by(delta, t, dur, sigma)
        self.pos_by(delta * (1 + overshoot), t, dur, sigma)
        a, b = (0.7, 0.45) if rng is None else (rng.uniform(0.55, 0.85), rng.uniform(0.35, 0.6))
        return max(t + dur, self.pos_by(-delta * overshoot, t + a * dur, b * dur, sigma))

    def rot_by(self, omega, t, dur, sigma) -> float:
        omega = np.asarray(omega, float)
        self.rs.append((t, dur, sigma, omega))
        self.R = _rodrigues(omega) @ self.R
        return t + dur

    def rot_to(self, Rt, t, dur, sigma, overshoot=0.0) -> float:
        om = _log_rot(np.asarray(Rt) @ self.R.T)
        if overshoot <= 0:
            return self.rot_by(om, t, dur, sigma)
        self.rot_by(om * (1 + overshoot), t, dur, sigma)
        return max(t + dur, self.rot_by(-om * overshoot, t + 0.7 * dur, 0.45 * dur, sigma))

    def shape_to(self, target, t, dur, sigma, idx=None) -> float:
        idx = np.arange(21) if idx is None else np.asarray(idx)
        delta = np.zeros(21)
        delta[idx] = np.asarray(target, float)[idx] - self.shape[idx]
        self.ss.append((t, dur, sigma, delta))
        self.shape = self.shape + delta
        return t + dur

    def evaluate(self, times: np.ndarray):
        pos = np.repeat(self.p0[None], len(times), 0)
        for t, d, s, delta in self.ps:
            pos += _lognormal_cdf(times, t, d, s)[:, None] * delta
        R = np.repeat(self.R0[None], len(times), 0)
        for t, d, s, om in self.rs:
            R = _rodrigues(_lognormal_cdf(times, t, d, s)[:, None] * om) @ R
        shape = np.repeat(self.s0[None], len(times), 0)
        for t, d, s, delta in self.ss:
            shape += _lognormal_cdf(times, t, d, s)[:, None] * delta
        return pos, R, shape


# ---------------------------------------------------------------------------------------------- the camera
@dataclass
class _Camera:
    W: int
    H: int
    f: float
    ppx: float
    ppy: float
    k1: float
    Rcb: np.ndarray
    C: np.ndarray
    fov: float
    roll: float
    yaw: float
    pitch: float

    def project(self, Pb: np.ndarray) -> np.ndarray:
        """Body-frame points (..., 3) in metres -> MediaPipe-style (x, y, z) normalised landmarks."""
        Pc = Pb @ self.Rcb.T + self.C
        Z = np.maximum(Pc[..., 2], 0.05)
        xn, yn = Pc[..., 0] / Z, Pc[..., 1] / Z
        fac = 1.0 + self.k1 * (xn * xn + yn * yn)
        x = (self.f * xn * fac + self.ppx) / self.W
        y = (self.f * yn * fac + self.ppy) / self.H
        zw = Z[..., :1]
        z = (Z - zw) * self.f / (zw * self.W)
        return np.stack([x, y, z], -1)


def _draw_camera(rng: np.random.Generator, hand_len: float) -> tuple[_Camera, float]:
    W, H = _RESOLUTIONS[int(rng.integers(len(_RESOLUTIONS)))]
    fov = float(rng.uniform(55, 80))
    f = 0.5 * max(W, H) / math.tan(math.radians(fov) / 2)
    frac = float(max(math.exp(rng.uniform(math.log(0.05), math.log(0.6))), 40.0 / H))
    Zc = f * hand_len / (frac * H)
    cx, cy = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.58)
    ppx, ppy = W / 2 + rng.normal(0, 0.01 * W), H / 2 + rng.normal(0, 0.01 * H)
    roll = float(np.clip(rng.normal(0, 7), -18, 18))
    yaw, pitch = float(rng.uniform(-25, 25)), float(rng.uniform(-15, 15))
    Rcb = _axis_rot(2, roll) @ _axis_rot(0, pitch) @ _axis_rot(1, yaw)
    C = np.array([(cx * W - ppx) / f * Zc, (cy * H - ppy) / f * Zc, Zc])
    cam = _Camera(W, H, f, ppx, ppy, float(rng.uniform(-0.12, 0.03)), Rcb, C, fov, roll, yaw, pitch)
    return cam, frac


# ------------------------------------------------------------------------------------------- the performer
class _Performer:
    def __init__(self, rng: np.random.Generator, person: _Person, side: int, cam: _Camera, frac: float):
        self.rng, self.p, self.side = rng, person, side
        self.L = person.hand_len
        self.medial = float(side)  # body +x is the right hand's medial side (the person faces the camera)
        self.zone = np.zeros(3)
        W, H = cam.W, cam.H
        self.room_x = 0.95 * W / (frac * H) - 0.8  # a swipe may cross most of the frame, not much more
        self.room_y = 0.95 / frac - 0.8
        cy = (cam.C[1] * cam.f / cam.C[2] + cam.ppy) / H
        self.depth_cap = 0.25 * cam.C[2] / self.L
        self.Zc = float(cam.C[2])
        drop = float(np.clip(rng.uniform(1.2, 2.2), 0.4, max(0.4, (1.22 - cy) / frac - 0.9)))
        self.rest_pos = self.L * np.array([-self.medial * rng.uniform(0.2, 0.5), drop, rng.uniform(0.1, 0.4)])
        self.rest_R = _frame([-self.medial * 0.15, 0.9, -0.35], [self.medial, 0.1, 0.0])
        self.m = _Motion(self.rest_pos, self.rest_R, self.shape("relaxed"))

    # -- small helpers
    def u(self, a, b):
        return float(self.rng.uniform(a, b))

    def sig(self) -> float:
        return float(np.clip(self.p.sigma + self.rng.normal(0, 0.04), 0.14, 0.48))

    def ov(self) -> float:
        return float(max(0.0, self.rng.normal(self.p.overshoot, 0.03))) if self.rng.random() < 0.6 else 0.0

    def shape(self, name: str, noise: float = 3.0) -> np.ndarray:
        s = _SHAPES[name] + self.p.habit + np.concatenate([self.rng.normal(0, noise, 20), [0.0]])
        s[:16] = np.clip(s[:16], -12, 112)
        s[20] = np.clip(s[20], 0, 1)
        return s

    def jitter(self, R: np.ndarray, deg: float) -> np.ndarray:
        return _rodrigues(_unit(self.rng.normal(size=3)) * math.radians(self.rng.normal(0, deg))) @ R

    def spot(self, sd=(0.25, 0.2, 0.12)) -> np.ndarray:
        return self.zone + self.L * self.rng.normal(0, sd)

    def go(self, t, pos=None, R=None, shape=None, v=None, min_dur=0.35, shape_at=(0.1, 0.5), shape_dur=(0.5, 0.9)):
        """A transition (preparation, retraction): returns (time everything has settled, arm stroke duration)."""
        m, rng = self.m, self.rng
        dist = 0.0 if pos is None else float(np.linalg.norm(np.asarray(pos) - m.pos)) / self.L
        ang = 0.0 if R is None else math.degrees(np.linalg.norm(_log_rot(np.asarray(R) @ m.R.T)))
        v = v or self.u(1.1, 1.8)
        dur = max(min_dur, dist / v, ang / self.u(160, 260)) * self.p.speed
        sig = self.sig()
        ends = [t + dur]
        if pos is not None:
            ends.append(m.pos_to(pos, t, dur, sig, overshoot=self.ov(), rng=rng))
        if R is not None:
            lag = self.u(0.0, 0.12) * dur
            ends.append(m.rot_to(R, t + lag, dur * self.u(0.8, 1.05), sig, overshoot=0.7 * self.ov()))
        if shape is not None:
            ends.append(m.shape_to(shape, t + self.u(*shape_at) * dur, max(0.18, self.u(*shape_dur) * dur), self.sig()))
        return max(ends), dur

    # -- rest and idle
    def to_rest(self, t) -> float:
        pos = self.rest_pos + self.L * self.rng.normal(0, [0.08, 0.08, 0.05])
        end, _ = self.go(t, pos, self.jitter(self.rest_R, 8), self.shape("relaxed"), v=self.u(0.8, 1.3), min_dur=0.5)
        return end

    def idle(self, t, dur) -> float:
        m, end = self.m, t + dur
        tk = t + self.u(0.1, 0.8)
        while tk < end - 0.6:
            fd = self.u(0.6, 1.6)
            r = self.rng.random()
            if r < 0.5:
                home = self.rest_pos if m.pos[1] > 0.3 * self.L else m.pos
                m.pos_by(0.5 * (home - m.pos) + self.L * self.rng.normal(0, 0.06, 3), tk, fd, self.sig())
            elif r < 0.8:
                m.shape_to(self.shape("relaxed", noise=6.0), tk, fd, self.sig())
            else:
                m.rot_by(_unit(self.rng.normal(size=3)) * math.radians(self.u(4, 12)), tk, fd, self.sig())
            tk += fd + self.u(0.2, 1.2)
        return end

    # -- gestures: each returns (event, time the hand is free again)
    def point(self, t):
        rng, m, L = self.rng, self.m, self.L
        theta = self.u(0, 360)
        toward = bool(rng.random() < 0.2)
        elev = self.u(42, 66) if toward else self.u(-8, 22)
        th, el = math.radians(theta), math.radians(elev)
        d = np.array([math.cos(th) * math.cos(el), -math.sin(th) * math.cos(el), -math.sin(el)])
        pos = self.spot() + L * np.array([0.45 * d[0], 0.35 * d[1], 0.0])
        pos[2] -= L * min(self.u(0.2, 1.0), self.depth_cap)
        thumb = "point_l" if rng.random() < 0.25 else "point"
        shape = self.shape(thumb)
        up = math.sin(th)
        if up > 0.55:
            opts = [("camera", [0, 0, -1.0]), ("medial", [self.medial, 0, 0])]
        elif up < -0.55:
            opts = [("body", [0, 0, 1.0]), ("medial", [self.medial, 0, 0])]
        else:
            opts = [("down", [0, 1.0, 0]), ("medial", [self.medial, 0, 0]), ("down", [0, 1.0, 0])]
        palm, vol = opts[int(rng.integers(len(opts)))]
        vol = np.asarray(vol, float)
        if np.linalg.norm(vol - (vol @ d) * d) < 0.35:
            palm, vol = "down", np.array([0, 1.0, 0]) if abs(d[1]) < 0.8 else np.array([0, 0, 1.0])
        R0 = _frame(d, vol)
        R0 = _rodrigues(d * math.radians(rng.normal(0, 15))) @ R0
        loc = _hand_local(shape[None], self.p, self.side)[0]
        R = _rot_between(R0 @ (loc[8] - loc[5]), d) @ R0
        ready, dur = self.go(t, pos, R, shape, min_dur=0.4, shape_at=(0.05, 0.45), shape_dur=(0.45, 0.75))
        t0 = max(t + 0.2, ready - 0.1)
        hold = math.exp(self.u(math.log(0.3), math.log(3.0)))
        t1 = t0 + hold
        win0 = t0 + 0.4 * hold
        style = {"aim_deg": round(theta, 1), "toward_camera": toward, "elevation_deg": round(elev, 1), "palm": palm, "thumb": thumb}
        style["hold_s"] = round(hold, 2)
        if hold >= 1.0 and rng.random() < 0.35:
            ta, da = t0 + self.u(0.2, 0.4) * hold, self.u(0.15, 0.3)
            ang = self.u(3, 12) * (1 if rng.random() < 0.5 else -1)
            m.rot_by(_unit([0.2 * rng.normal(), 0.2 * rng.normal(), 1.0]) * math.radians(ang), ta, da, self.sig())
            win0 = max(win0, ta + da + 0.05)
            style["reaim_deg"] = round(ang, 1)
        elif hold > 0.8 and rng.random() < 0.2:
            jab = d * L * self.u(0.1, 0.25)
            m.pos_by(jab, t0, 0.2, self.sig())
            m.pos_by(-jab, t0 + 0.18, 0.25, self.sig())
            win0 = max(win0, t0 + 0.45)
            style["poke"] = True
        ev = {"label": "point", "t0": t0, "t1": t1, "win": (win0, t1), "style": style}
        return ev, t1

    def _swipe_frame(self, u, horiz, palm, flick):
        med = self.medial
        up = np.array([0, -1.0, 0])
        if horiz:
            d = up
            v = {"camera": [0, 0, -1.0], "leading": u, "trailing": -u, "down": [0, 1.0, 0]}[palm]
            if palm == "down":
                d = np.array([med * 0.3, 0.1, -0.95])
        elif flick:
            d = np.array([med, 0, 0.0])
            v = {"camera": [0, 0, -1.0], "leading": u}.get(palm, [0, 0, -1.0])
        else:
            d = {"camera": up, "leading": np.array([med * 0.4, 0, -0.9]), "edge": np.array([0, -0.7, -0.7])}[palm]
            v = {"camera": [0, 0, -1.0], "leading": u, "edge": [med, 0, 0]}[palm]
        return self.jitter(_frame(d, v), 8)

    def swipe(self, label, t):
        rng, m, L = self.rng, self.m, self.L
        u = np.array([*SWIPES[label], 0.0])
        horiz = u[0] != 0
        flick = bool(rng.random() < self.p.flick_p)
        if horiz:
            palms = ["camera", "leading", "trailing"] if flick else ["camera", "leading", "trailing", "down"]
        else:
            palms = ["camera", "leading"] if flick else ["camera", "leading", "edge"]
        palm = palms[int(rng.integers(len(palms)))]
        fingers = ("open", "flat", "loose")[int(rng.choice(3, p=[0.4, 0.3, 0.3]))]
        shape = self.shape(fingers)
        room = self.room_x if horiz else self.room_y
        if flick:
            dur = float(np.clip(self.u(0.25, 0.5) * self.p.speed, 0.25, 0.55))
            A = self.u(0.4, 0.8)
            beta = self.u(35, 55) if palm == "camera" else self.u(55, 95)
            dur = min(dur, max(0.25, (A + 0.9 * math.sin(math.radians(beta) / 2)) / 2.2))
        else:
            dur = float(np.clip((self.u(0.3, 1.5) if rng.random() < 0.12 else self.u(0.3, 1.2)) * self.p.speed, 0.28, 1.5))
            A = max(self.u(1.2, 3.2), 2.4 * dur)
            A = float(min(A, max(1.0, room - 0.3)))
            dur = min(dur, max(0.28, A / 2.4))  # a swipe is brisk: at least 2.4 hand lengths per second
        perp = np.array([-u[1], u[0], 0.0])
        center = self.zone + L * (perp * rng.normal(0, 0.3) + rng.normal(0, 0.1, 3) * [1, 1, 0.5])
        center[2] -= L * min(self.u(0.0, 0.6), self.depth_cap)
        start, end = center - u * A * L / 2, center + u * A * L / 2
        R = self._swipe_frame(u, horiz, palm, flick)
        sgn = 1.0
        if flick:
            fd = R @ np.array([0, 1.0, 0])
            sgn = 1.0 if float(np.cross([0, 0, 1.0], [fd[0], fd[1], 0.0]) @ u) >= 0 else -1.0
            R = _axis_rot(2, -sgn * beta / 2) @ R
        v = self.u(0.9, 1.4)  # getting to the start of a swipe is slower than the swipe
        ready, pdur = self.go(t, start, R, shape, v=v, min_dur=0.35, shape_at=(0.0, 0.4), shape_dur=(0.4, 0.8))
        ts = max(t + 0.2, ready - self.u(0.0, 0.12))
        style = {"style": "flick" if flick else "arm", "palm": palm, "fingers": fingers, "dur_s": round(dur, 2)}
        sig = self.sig()
        if rng.random() < 0.2:
            wd = self.u(0.25, 0.4)
            m.pos_by(-u * L * A * self.u(0.08, 0.18), ts, wd, sig)
            ts += 0.8 * wd
            style["windup"] = True
        m.pos_to(end, ts, dur, sig, overshoot=self.ov(), rng=rng)
        arc = self.u(-0.12, 0.15) * A * L
        side_dir = np.array([0, 1.0, 0]) if horiz else np.array([self.medial, 0, 0])
        m.pos_by(side_dir * arc, ts, 0.55 * dur, sig)
        m.pos_by(-side_dir * arc, ts + 0.45 * dur, 0.55 * dur, sig)
        dz = L * self.u(0.0, min(0.3, self.depth_cap))
        m.pos_by([0, 0, -dz], ts, 0.55 * dur, sig)
        m.pos_by([0, 0, dz], ts + 0.45 * dur, 0.55 * dur, sig)
        if flick:
            m.rot_by([0, 0, sgn * math.radians(beta)], ts + self.u(0.0, 0.05) * dur, dur * self.u(0.85, 1.0), sig)
            style["flick_deg"] = round(beta, 1)
        else:
            trail = math.radians(self.u(5, 15)) * (1 if rng.random() < 0.5 else -1)
            m.rot_by([0, 0, trail], ts, 0.5 * dur, sig)
            m.rot_by([0, 0, -trail], ts + 0.45 * dur, 0.55 * dur, sig)
        t1 = ts + dur
        return {"label": label, "t0": ts, "t1": t1, "win": None, "style": style}, t1 + self.u(0.05, 0.3)

    def grab(self, t):
        rng, m, L = self.rng, self.m, self.L
        palm = ("camera", "down", "side")[int(rng.choice(3, p=[0.4, 0.25, 0.35]))]
        d, v = {
            "camera": ([0, -1.0, 0], [0, 0, -1.0]),
            "down": ([self.medial * 0.3, 0.15, -0.94], [0, 1.0, 0]),
            "side": ([0, -0.8, -0.6], [self.medial, 0, 0]),
        }[palm]
        R = self.jitter(_frame(d, v), 8)
        pos = self.spot()
        pos[2] -= L * min(self.u(0.0, 0.6), self.depth_cap)
        ready, _ = self.go(t, pos, R, self.shape("open"), min_dur=0.35, shape_at=(0.0, 0.35), shape_dur=(0.5, 0.8))
        tc = ready + self.u(0.05, 0.4)
        cdur = math.exp(self.u(math.log(0.2), math.log(1.0))) * self.p.speed
        partial = bool(rng.random() < 0.25)
        target = self.shape("partial" if partial else "fist")
        order = ("index_first", "little_first", "together")[int(rng.integers(3))]
        step = {"index_first": 1.0, "little_first": -1.0, "together": 0.0}[order] * self.u(0.01, 0.05)
        ends = []
        for j in range(4):
            off = step * (j if step > 0 else j - 3) + self.u(0, 0.02)
            ends.append(m.shape_to(target, tc + off, cdur * self.u(0.9, 1.1), self.sig(), idx=np.arange(4 * j, 4 * j + 4)))
        ends.append(m.shape_to(target, tc + self.u(0.02, 0.12), cdur, self.sig(), idx=np.arange(16, 21)))
        style = {"palm": palm, "partial": partial, "order": order, "close_s": round(cdur, 2)}
        if rng.random() < 0.4:
            m.pos_by([0, 0, -L * min(self.u(0.1, 0.3), self.depth_cap)], tc, cdur, self.sig())
            style["reach"] = True
        t0, t1 = tc, max(ends)
        free = t1 + self.u(0.1, 0.6)
        if rng.random() < 0.5:
            free = m.pos_by([0, -L * self.u(0.0, 0.2), L * self.u(0.3, 0.9)], free, self.u(0.4, 0.8), self.sig())
            style["pull"] = True
        return {"label": "grab", "t0": t0, "t1": t1, "win": None, "style": style}, free

    def come_here(self, t):
        rng, m, L = self.rng, self.m, self.L
        whole = bool(rng.random() < 0.6)
        palm_up = bool(rng.random() < 0.55)
        if palm_up:
            R = _frame([self.medial * 0.2, -0.3, -0.93], [0, -1.0, 0])
        else:
            R = _frame([self.u(-0.2, 0.2), -1.0, 0], [0, 0, -1.0])
        R = self.jitter(R, 8)
        opn = self.shape("beckon_open" if whole else "beckon_idx_open")
        curl = self.shape("beckon_curl" if whole else "beckon_idx_curl")
        idx = np.arange(16) if whole else np.arange(4)
        ready, _ = self.go(t, self.spot(), R, opn, min_dur=0.35, shape_at=(0.0, 0.4), shape_dur=(0.5, 0.8))
        n = int(rng.integers(1, 5))
        tk = ready + self.u(0.05, 0.3)
        t0 = tk
        end = tk
        for _ in range(n):
            c, r = self.u(0.16, 0.32) * self.p.speed, self.u(0.18, 0.38) * self.p.speed
            m.shape_to(curl, tk, c, self.sig(), idx=idx)
            tr = tk + c * self.u(0.75, 0.95)
            end = m.shape_to(opn, tr, r, self.sig(), idx=idx)
            if whole:
                w = math.radians(self.u(8, 20))
                axis = m.R[:, 0]
                m.rot_by(axis * w, tk, c, self.sig())
                m.rot_by(-axis * w, tr, r, self.sig())
            tk = end + self.u(0.0, 0.12)
        if rng.random() < 0.5:
            m.pos_by([0, 0, L * self.u(0.05, 0.3)], t0, max(0.3, end - t0), self.sig())
        style = {"fingers": "whole" if whole else "index", "palm": "up" if palm_up else "camera", "beckons": n}
        return {"label": "come_here", "t0": t0, "t1": end, "win": None, "style": style}, end + self.u(0.05, 0.3)

    def stop(self, t):
        rng, m, L = self.rng, self.m, self.L
        tilt, back = math.radians(float(np.clip(rng.normal(0, 8), -15, 15))), math.radians(self.u(-10, 15))
        d = np.array([math.sin(tilt), -math.cos(tilt) * math.cos(back), math.cos(tilt) * math.sin(back)])
        R = self.jitter(_frame(d, [0, 0, -1.0]), 5)
        fingers = "flat" if rng.random() < 0.6 else "open"
        push = min(self.u(0.08, 0.25), 0.3 * self.Zc)
        push = max(push, 0.06 * self.Zc)
        pre = self.spot()
        pre[2] += 0.5 * push
        target = pre + np.array([0, -L * self.u(0.0, 0.2), -push])
        ready, dur = self.go(t, pre, R, self.shape(fingers), min_dur=0.4, shape_at=(0.0, 0.4), shape_dur=(0.4, 0.7))
        t0 = t + self.u(0.45, 0.85) * dur
        pdur = self.u(0.25, 0.6) * self.p.speed
        pend = m.pos_to(target, t0, pdur, self.sig(), overshoot=0.5 * self.ov(), rng=rng)
        hold = self.u(0.5, 2.0)
        t1 = max(pend, ready) + hold
        style = {"fingers": fingers, "push_m": round(push, 3), "hold_s": round(hold, 2)}
        return {"label": "stop", "t0": t0, "t1": t1, "win": None, "style": style}, t1

    def perform(self, kind: str, labels: list[str]):
        lead = {"tight": (0.2, 0.6), "margin": (0.5, 3.0)}.get(kind, (0.4, 2.2))
        t = self.idle(0.0, self.u(*lead))
        events, coart = [], []
        for i, lab in enumerate(labels):
            if i > 0:
                c = bool(self.rng.random() < 0.5) and {labels[i - 1], lab} != {"grab", "come_here"}
                coart.append(c)
                if c:
                    t += self.u(0.0, 0.25)
                else:
                    t = self.to_rest(t + self.u(0.05, 0.3))
                    t = self.idle(t, self.u(0.3, 1.5))
            fn = self.swipe if lab in SWIPES else getattr(self, lab)
            ev, t = fn(lab, t) if lab in SWIPES else fn(t)
            events.append(ev)
        t += self.u(0.05, 0.3)
        if kind != "tight" or self.rng.random() < 0.5:
            t = self.to_rest(t)
        t = self.idle(t, self.u(0.5, 3.0) if kind == "margin" else self.u(0.3, 1.5))
        return events, coart, t


# ------------------------------------------------------------------------------------------------- checks
def _px(lm: np.ndarray, W: int, H: int) -> np.ndarray:
    return np.stack([lm[..., 0] * W, lm[..., 1] * H, lm[..., 2] * W], -1)


def _openness(P: np.ndarray) -> np.ndarray:
    """(T, 21, 3) -> (T, 4): fingertip-to-knuckle distance over the finger's bone chain (1 straight, ~0.3 fist)."""
    i = 5 + 4 * np.arange(4)
    seg = [np.linalg.norm(P[:, i + k + 1] - P[:, i + k], axis=-1) for k in range(3)]
    return np.linalg.norm(P[:, i + 3] - P[:, i], axis=-1) / np.maximum(seg[0] + seg[1] + seg[2], 1e-9)


def _hand_size(P: np.ndarray) -> np.ndarray:
    """Hand length (wrist to middle tip, open) in pixels, from the wrist-to-middle-knuckle bone."""
    return np.linalg.norm(P[:, 9] - P[:, 0], axis=-1) / 0.445


def direction_deg(lm: np.ndarray) -> np.ndarray:
    """Per-frame index direction (MCP 5 -> tip 8) in normalised coordinates, y flipped up, degrees in [0, 360)."""
    v = lm[:, 8, :2] - lm[:, 5, :2]
    return np.degrees(np.arctan2(-v[:, 1], v[:, 0])) % 360.0


def _circ_mean(deg: np.ndarray) -> float:
    r = np.radians(deg)
    return float(np.degrees(math.atan2(np.sin(r).mean(), np.cos(r).mean())) % 360.0)


def gesture_problems(clip: Blind6Clip) -> list[str]:
    """What a person would object to in a clean clip's labels (empty when every gesture is valid)."""
    lm = np.asarray(clip.landmarks, float)
    if not np.isfinite(lm).all():
        return ["non-finite landmarks: check clean clips"]
    W, H = clip.meta["image_size"]
    side = 1 if clip.meta["hand"] == "right" else -1
    P = _px(lm, W, H)
    T = len(lm)
    probs = []
    if lm[..., :2].min() < -0.3 or lm[..., :2].max() > 1.3:
        probs.append("landmarks beyond [-0.3, 1.3]")
    size = _hand_size(P)
    cent = P[:, :, :2].mean(1)
    opn = _openness(P)
    busy = np.zeros(T, bool)
    for _, s, e, _ in clip.gestures:
        busy[max(0, s - 2) : e + 3] = True
    vel = np.diff(cent, axis=0)
    for gi, (lab, s, e, ddeg) in enumerate(clip.gestures):
        name = f"{gi}:{lab}"
        if e - s < 2 or s < 0 or e >= T:
            probs.append(f"{name} interval {s}..{e} too short or outside the clip")
            continue
        Ls = float(np.median(size[s : e + 1]))
        pc = lm[s : e + 1, list(_PALM), :2].mean(1)
        seen = float(((pc >= 0) & (pc <= 1)).all(1).mean())
        if seen < (0.5 if lab in SWIPES else 0.7):
            probs.append(f"{name} out of the frame ({seen:.0%} of the interval in view)")
        if lab == "point":
            a, b = clip.meta["truth_windows"][gi]
            dirs = direction_deg(lm[a : b + 1])
            mean = _circ_mean(dirs)
            dev = np.array([_ang_diff(x, mean) for x in dirs])
            if dev.max() > 10 or dev.std() > 4:
                probs.append(f"{name} index not steady (max deviation {dev.max():.1f})")
            if ddeg is None or _ang_diff(mean, ddeg) > 1.0:
                probs.append(f"{name} label direction differs from the index")
            seg = np.s_[a : b + 1]
            v1, v2 = P[seg, 6] - P[seg, 5], P[seg, 8] - P[seg, 6]
            bend = np.degrees(np.arccos(np.clip((_unit(v1) * _unit(v2)).sum(-1), -1, 1)))
            if np.mean(bend < 30) < 0.9 or opn[seg, 0].min() < 0.9:
                probs.append(f"{name} index not extended")
            if opn[seg, 1:].mean() > 0.7:
                probs.append(f"{name} other fingers not curled")
            if np.median(np.linalg.norm(P[seg, 8, :2] - P[seg, 5, :2], axis=-1)) < 0.12 * Ls:
                probs.append(f"{name} index invisible in the image")
        elif lab in SWIPES:
            u = np.array(SWIPES[lab])
            disp = cent[e] - cent[s]
            along, across = float(disp @ u), abs(float(disp[0] * u[1] - disp[1] * u[0]))
            if along < 0.7 * Ls or across > 0.5 * along:
                probs.append(f"{name} travel {along / Ls:.2f} along, {across / Ls:.2f} across (hand lengths)")
            va = vel @ u
            peak = va[s:e].max()
            free = ~(busy[1:] | busy[:-1])
            if free.any() and va[free].max() > 0.7 * peak:
                probs.append(f"{name} an unlabelled motion is as fast ({va[free].max() / peak:.2f})")
        elif lab == "grab":
            q = max(2, (e - s) // 4)
            o = opn.mean(1)
            if o[s : s + q + 1].max() < 0.85 or o[e - q : e + 1].min() > 0.72:
                probs.append(f"{name} does not go from open ({o[s]:.2f}) to closed ({o[e]:.2f})")
            if np.linalg.norm(P[e, 0, :2] - P[s, 0, :2]) > 1.2 * Ls:
                probs.append(f"{name} hand travels too far")
        elif lab == "come_here":
            st = clip.meta["styles"][gi]
            o = opn[s : e + 1, 0] if st["fingers"] == "index" else opn[s : e + 1].mean(1)
            thr = 0.5 * (o.max() + o.min())
            below = o < thr
            n = int(below[0]) + int(np.sum(below[1:] & ~below[:-1]))
            if o.max() - o.min() < 0.25 or n != st["beckons"]:
                probs.append(f"{name} {n} curls seen for {st['beckons']} beckons (range {o.max() - o.min():.2f})")
            if np.linalg.norm(cent[e] - cent[s]) > 1.0 * Ls:
                probs.append(f"{name} hand travels too far")
        elif lab == "stop":
            h0 = s + int(0.4 * (e - s))
            seg = np.s_[h0 : e + 1]
            nrm = _unit(side * np.cross(P[seg, 5] - P[seg, 0], P[seg, 17] - P[seg, 0]))
            if nrm[:, 2].mean() > -0.6 or nrm[:, 2].max() > -0.4:
                probs.append(f"{name} palm not toward the camera ({nrm[:, 2].mean():.2f})")
            if opn[seg].mean() < 0.85:
                probs.append(f"{name} hand not open")
            wr = P[seg, 0, :2]
            if np.linalg.norm(wr.max(0) - wr.min(0)) > 0.25 * Ls:
                probs.append(f"{name} hand not held still")
            if np.median(size[seg]) < 1.03 * size[s]:
                probs.append(f"{name} no push toward the camera")
    return probs


# ------------------------------------------------------------------------------------------------ tracker
def _one_euro(X: np.ndarray, det: np.ndarray, size: np.ndarray, min_cutoff: float, beta: float) -> np.ndarray:
    te = 1.0 / FPS
    out = X.copy()
    prev = None
    dxh = np.zeros(X.shape[1:])
    ad = 2 * math.pi * 1.0 * te / (2 * math.pi * 1.0 * te + 1)
    for t in range(len(X)):
        if not det[t]:
            prev = None
            continue
        x = X[t]
        if prev is None:
            xh, dxh = x, np.zeros_like(x)
        else:
            dxh = dxh + ad * ((x - prev) / te - dxh)
            fc = min_cutoff + beta * np.linalg.norm(dxh[:, :2], axis=-1) / max(size[t], 1.0)
            r = 2 * math.pi * fc * te
            xh = prev + (r / (r + 1))[:, None] * (x - prev)
        out[t] = xh
        prev = xh
    return out


def _track(clean: np.ndarray, W: int, H: int, rng: np.random.Generator, severity: float) -> tuple[np.ndarray, dict]:
    """Clean normalised landmarks -> what a MediaPipe-like tracker reports (NaN or repeated frames when lost)."""
    T = len(clean)
    P = _px(clean, W, H)
    size = np.maximum(_hand_size(P), 1.0)
    curl = np.clip((0.92 - _openness(P).mean(1)) / 0.5, 0, 1)
    u = rng.uniform
    prm = {
        "jitter_px": u(0.4, 2.0), "jitter_rel": u(0.003, 0.012), "fist_gain": u(1.5, 4.0), "rho": u(0.2, 0.7),
        "z_scale": u(0.4, 1.5), "z_noise": u(0.04, 0.2), "z_tilt": u(-0.15, 0.15),
        "min_cutoff": u(0.6, 4.0), "beta": u(0.05, 1.5),
        "drop_rate": u(0.0, 0.02) * max(severity, 0.0), "burst": u(1.5, 8.0), "blur_thr": u(0.12, 0.3) / max(severity, 0.25),
        "vis_frac": u(0.5, 0.7), "min_px": u(25, 45), "redetect": int(rng.integers(1, 4)),
        "jump": u(0.03, 0.15), "jump_decay": u(0.35, 0.75), "snap": u(0.02, 0.12),
        "fill": "repeat" if rng.random() < 0.2 else "nan",
        "confusion": bool(rng.random() < 0.15), "ghost": bool(rng.random() < 0.05),
        "fps": float(rng.choice([15.0, 20.0, 24.0])) if rng.random() < 0.2 else 30.0,
    }  # fmt: skip
    # detection
    x, y = clean[..., 0], clean[..., 1]
    inside = ((x >= 0) & (x <= 1) & (y >= 0) & (y <= 1)).mean(1)
    pc = clean[:, list(_PALM), :2].mean(1)
    visible = (inside >= prm["vis_frac"]) & (np.abs(pc - 0.5) <= 0.52).all(1) & (size >= prm["min_px"] * 0.8)
    if severity < 0:  # last resort: a tracker that never loses the hand
        visible[:] = True
    cent = P[:, :, :2].mean(1)
    speed = np.r_[0.0, np.linalg.norm(np.diff(cent, axis=0), axis=1)] / size
    p_blur = np.clip((speed - prm["blur_thr"]) / prm["blur_thr"], 0, 1) * 0.7 * float(np.clip(severity, 0.0, 1.0))
    det = np.zeros(T, bool)
    starts = []
    lost, wait = (not visible[0]) or rng.random() < 0.05, 0
    for t in range(T):
        if lost:
            if visible[t] and wait <= 0 and rng.random() >= p_blur[t]:
                lost = False
                starts.append(t)
            wait -= 1
        elif not visible[t] or rng.random() < p_blur[t]:
            lost, wait = True, prm["redetect"]
        elif rng.random() < prm["drop_rate"]:
            lost, wait = True, int(rng.geometric(1.0 / prm["burst"]))
        det[t] = not lost
    # landmark noise, AR(1) in pixels, larger on overlapping fingers
    gain = np.ones((T, 21))
    fing = [6, 7, 8, 10, 11, 12, 14, 15, 16, 18, 19, 20, 3, 4]
    gain[:, fing] += prm["fist_gain"] * curl[:, None]
    e = np.zeros((T, 21, 2))
    prev = rng.normal(size=(21, 2))
    a = prm["rho"]
    white = rng.normal(size=(T, 21, 2))
    for t in range(T):
        prev = a * prev + math.sqrt(1 - a * a) * white[t]
        e[t] = prev
    sig = prm["jitter_px"] + prm["jitter_rel"] * size
    Q = P.copy()
    Q[..., :2] += e * (sig[:, None, None] * gain[..., None])
    # fingertip snapping in a fist
    snap, fsel, nb, w = False, 1, 2, 0.0
    n_snap = 0
    for t in range(T):
        if curl[t] > 0.55 and not snap and rng.random() < prm["snap"]:
            snap, fsel = True, int(rng.integers(4))
            nb, w = (fsel + (1 if fsel < 3 and (fsel == 0 or rng.random() < 0.5) else -1)), u(0.5, 1.0)
            collapse = rng.random() < 0.4
            n_snap += 1
        elif snap and (curl[t] <= 0.45 or rng.random() < 0.3):
            snap = False
        if snap:
            j = [7 + 4 * fsel, 8 + 4 * fsel]
            tgt = Q[t, [6 + 4 * fsel] * 2] if collapse else Q[t, [7 + 4 * nb, 8 + 4 * nb]]
            Q[t, j] = Q[t, j] + w * (tgt - Q[t, j])
    # depth: scaled, tilted, very noisy
    zn = _band_noise(rng, T, 21, 0.0, 6.0)
    Q[..., 2] = prm["z_scale"] * P[..., 2] + prm["z_tilt"] * (P[..., 1] - P[:, :1, 1]) + prm["z_noise"] * size[:, None] * zn
    conf = np.zeros(T, bool)
    if prm["confusion"]:
        for _ in range(int(rng.integers(1, 3))):
            a0 = int(rng.integers(T))
            conf[a0 : a0 + int(rng.integers(5, 45))] = True
        Q[conf, :, 2] *= -1.0
        Q[conf, :, :2] += rng.normal(size=(int(conf.sum()), 21, 2)) * sig[conf, None, None]
    Q[:, 0, 2] = 0.0
    # re-detection jumps (after a loss, and small re-crops while tracking)
    recrops = [t for t in range(1, T) if det[t] and det[t - 1] and rng.random() < 0.004]
    for t0 in [s for s in starts if s > 0] + recrops:
        k = 1.0 if t0 in starts else 0.4
        off = rng.normal(0, prm["jump"] * size[t0] * k, 2)
        sc, rot = rng.normal(0, 0.07 * k), math.radians(rng.normal(0, 5 * k))
        fct = 1.0
        for t in range(t0, T):
            if fct < 0.03 or not det[t]:
                break
            c = Q[t, :, :2].mean(0)
            ca, sa = math.cos(rot * fct), math.sin(rot * fct)
            d = Q[t, :, :2] - c
            d = np.stack([ca * d[:, 0] - sa * d[:, 1], sa * d[:, 0] + ca * d[:, 1]], -1) * (1 + sc * fct)
            Q[t, :, :2] = c + d + off * fct
            fct *= prm["jump_decay"]
    Q = _one_euro(Q, det, size, prm["min_cutoff"], prm["beta"])
    if prm["ghost"] and det.any():
        t0 = int(rng.choice(np.flatnonzero(det)))
        shift = rng.uniform(-0.5, 0.5, 2) * [W, H]
        sc = u(0.6, 1.4)
        for t in range(t0, min(T, t0 + int(rng.integers(1, 4)))):
            c = Q[t, :, :2].mean(0)
            Q[t, :, :2] = c + shift + sc * (Q[t, :, :2] - c)
    out = np.stack([Q[..., 0] / W, Q[..., 1] / H, Q[..., 2] / W], -1)
    out[..., :2] = np.clip(out[..., :2], -0.3, 1.3)
    last = None
    for t in range(T):
        if det[t]:
            last = out[t].copy()
        else:
            out[t] = last if (prm["fill"] == "repeat" and last is not None) else np.nan
    if prm["fps"] < 30:
        src = np.floor(np.floor(np.arange(T) * prm["fps"] / FPS) * FPS / prm["fps"]).astype(int)
        out, det = out[np.clip(src, 0, T - 1)], det[np.clip(src, 0, T - 1)]
    prm["lost_frac"] = float(1 - det.mean())
    prm["snaps"], prm["redetections"] = n_snap, len(starts)
    prm["det"] = det
    return out.astype(np.float32), prm


def _observable(det: np.ndarray, gestures) -> bool:
    for lab, s, e, _ in gestures:
        d = det[s : e + 1]
        if lab in SWIPES:
            n = len(d)
            third = max(1, n // 3)
            if d.sum() < 3 or not d[: third + 1].any() or not d[-third - 1 :].any():
                return False
        elif d.mean() < 0.5:
            return False
    return True


# ---------------------------------------------------------------------------------------------- assembly
def _labels_for(kind: str, i: int, seed: int, rng: np.random.Generator) -> list[str]:
    if kind in ("tight", "margin"):
        k = sum(1 for j in range(i) if _KIND_CYCLE[(j + seed) % 10] in ("tight", "margin"))
        perm = np.random.default_rng([abs(int(seed)), k // 8, 99]).permutation(len(LABELS))
        return [LABELS[int(perm[k % 8])]]
    swipes = list(SWIPES)
    if kind == "pair":
        r = rng.random()
        if r < 0.4:
            return ["point", swipes[int(rng.integers(4))]]
        if r < 0.65:
            return ["grab", swipes[int(rng.integers(4))]]
        return ["point", "grab"] if r < 0.825 else ["point", "come_here"]
    w = np.array([0.2, 0.1, 0.1, 0.1, 0.1, 0.13, 0.13, 0.14])
    out: list[str] = []
    for _ in range(int(rng.integers(3, 6))):
        p = w.copy()
        if out:
            p[LABELS.index(out[-1])] = 0
        out.append(LABELS[int(rng.choice(len(LABELS), p=p / p.sum()))])
    return out


def _frame_of(t: float) -> int:
    return int(round(t * FPS))


def _make_clip(seed: int, i: int, people: list[_Person], tracked: bool) -> Blind6Clip:
    rng = np.random.default_rng([abs(int(seed)), i, 6])
    kind = _KIND_CYCLE[(i + seed) % 10]
    labels = _labels_for(kind, i, seed, rng)
    for attempt in range(80):
        if attempt and attempt % 20 == 0 and kind in ("pair", "recording"):
            labels = _labels_for(kind, i, seed, rng)
        clip = _scene(rng, kind, labels, people)
        if clip is not None and not gesture_problems(clip):
            break
    else:  # pragma: no cover - every seed tried so far succeeds long before this
        raise RuntimeError(f"blind6: no valid clip for seed {seed} index {i}: {gesture_problems(clip) if clip else 'bounds'}")
    clip.meta["attempts"] = attempt + 1
    if not tracked:
        clip.meta["tracked"] = False
        return clip
    trng = np.random.default_rng([abs(int(seed)), i, 7])
    W, H = clip.meta["image_size"]
    full, (a, b) = clip.meta.pop("_full"), clip.meta["crop"]
    for severity in (1.0, 0.5, 0.0, -1.0):
        out, prm = _track(full, W, H, trng, severity)
        det = prm.pop("det")[a:b]
        if _observable(det, clip.gestures):
            break
    lost = float(1 - det.mean())
    prm = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in prm.items()}
    prm["severity"] = severity
    meta = dict(clip.meta, tracked=True, tracker=prm, lost_frac=round(lost, 4))
    return Blind6Clip(out[a:b], clip.gestures, kind, meta)


def _scene(rng: np.random.Generator, kind: str, labels: list[str], people: list[_Person]) -> Blind6Clip | None:
    person = people[int(rng.integers(len(people)))]
    side = person.dominant if rng.random() < 0.88 else -person.dominant
    cam, frac = _draw_camera(rng, person.hand_len)
    perf = _Performer(rng, person, side, cam, frac)
    events, coart, t_end = perf.perform(kind, labels)
    T = int(math.ceil(t_end * FPS)) + 1
    times = np.arange(T) / FPS
    pos, R, shape = perf.m.evaluate(times)
    L = person.hand_len
    pos = pos + L * (person.drift * _band_noise(rng, T, 3, 0.1, 1.0) + person.tremor * _band_noise(rng, T, 3, 7.0, 11.0))
    rot = math.radians(person.rot_drift) * _band_noise(rng, T, 3, 0.1, 1.0) + math.radians(0.3) * _band_noise(rng, T, 3, 7, 11)
    R = _rodrigues(rot) @ R
    shape = shape + np.concatenate([1.5 * _band_noise(rng, T, 20, 0.2, 2.0), np.zeros((T, 1))], 1)
    local = _hand_local(shape, person, side)
    Pb = pos[:, None, :] + np.einsum("tij,tkj->tki", R, local)
    for _ in range(10):
        lm = cam.project(Pb)
        lo, hi = lm[..., :2].reshape(-1, 2).min(0), lm[..., :2].reshape(-1, 2).max(0)
        span = (hi - lo).max()
        if span > 1.5:
            cam.C = cam.C * (span / 1.5 * 1.03)
            continue
        shift = np.where(lo < -0.27, -0.27 - lo, np.where(hi > 1.27, 1.27 - hi, 0.0))
        if not shift.any():
            break
        cam.C[:2] += (shift + np.sign(shift) * 0.005) * np.array([cam.W, cam.H]) * cam.C[2] / cam.f
    else:
        return None
    if np.abs(lm[..., :2] - 0.5).max() > 0.78:
        return None
    gestures = []
    windows = []
    dirs_px = []
    for ev in events:
        s, e = _frame_of(ev["t0"]), min(_frame_of(ev["t1"]), T - 1)
        gestures.append([ev["label"], s, e, None])
        if ev["win"] is not None:
            a, b = _frame_of(ev["win"][0]), min(_frame_of(ev["win"][1]), e)
            a = min(a, b - 4)
            windows.append([a, b])
        else:
            windows.append(None)
    a, b = 0, T
    if kind == "tight":
        a = max(0, gestures[0][1] - int(rng.integers(0, 5)))
        b = min(T, gestures[-1][2] + 1 + int(rng.integers(0, 5)))
    out_g = []
    for g, w in zip(gestures, windows):
        d = None
        if g[0] == "point":
            d = float(round(_circ_mean(direction_deg(lm[w[0] : w[1] + 1])), 3) % 360.0)
            v = (lm[w[0] : w[1] + 1, 8, :2] - lm[w[0] : w[1] + 1, 5, :2]) * [cam.W, cam.H]
            dirs_px.append(float(round(_circ_mean(np.degrees(np.arctan2(-v[:, 1], v[:, 0]))), 3)))
        else:
            dirs_px.append(None)
        out_g.append((g[0], g[1] - a, g[2] - a, d))
    size = _hand_size(_px(lm, cam.W, cam.H))
    meta = {
        "person": person.pid, "child": person.child, "hand": "right" if side > 0 else "left",
        "hand_len_m": round(person.hand_len, 4), "image_size": [cam.W, cam.H], "fov_deg": round(cam.fov, 1),
        "roll_deg": round(cam.roll, 1), "yaw_deg": round(cam.yaw, 1), "pitch_deg": round(cam.pitch, 1),
        "distance_m": round(float(cam.C[2]), 3), "hand_frac": round(float(np.median(size)) / cam.H, 4),
        "labels": labels, "styles": [ev["style"] for ev in events], "coarticulated": coart,
        "truth_windows": [None if w is None else [w[0] - a, w[1] - a] for w in windows],
        "direction_deg_pixels": dirs_px, "crop": [a, b], "_full": lm.astype(np.float32),
    }  # fmt: skip
    return Blind6Clip(lm[a:b].astype(np.float32), out_g, kind, meta)


def blind6_dataset(n: int, seed: int = 0) -> list[Blind6Clip]:
    """n tracked clips, deterministic per seed (clip i does not depend on n)."""
    people = _people(seed)
    return [_make_clip(seed, i, people, tracked=True) for i in range(int(n))]


def blind6_clean_dataset(n: int, seed: int = 0) -> list[Blind6Clip]:
    """The same clips as ``blind6_dataset(n, seed)`` before the tracker: exact landmarks, no drops."""
    people = _people(seed)
    out = []
    for i in range(int(n)):
        c = _make_clip(seed, i, people, tracked=False)
        c.meta.pop("_full", None)
        out.append(c)
    return out


# ------------------------------------------------------------------------------------------------- scoring
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


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    return x


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Blind-6 gesture clips: people and a MediaPipe-like tracker, imitated.")
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="folder for clip_NNNN.npy and labels.json")
    ap.add_argument("--clean", action="store_true", help="landmarks before the tracker")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    clips = (blind6_clean_dataset if args.clean else blind6_dataset)(args.n, args.seed)
    dt = time.perf_counter() - t
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        rows = []
        for i, c in enumerate(clips):
            name = f"clip_{i:04d}.npy"
            np.save(args.out / name, c.landmarks)
            rows.append(
                {
                    "file": name,
                    "kind": c.kind,
                    "gestures": [{"label": g[0], "start": g[1], "end": g[2], "direction_deg": g[3]} for g in c.gestures],
                    "meta": _jsonable(c.meta),
                }
            )
        (args.out / "labels.json").write_text(json.dumps(rows, indent=1))
    kinds = {k: sum(c.kind == k for c in clips) for k in KINDS}
    labs = {lab: sum(g[0] == lab for c in clips for g in c.gestures) for lab in LABELS}
    frames = sum(len(c.landmarks) for c in clips)
    nan = sum(int(np.isnan(c.landmarks[:, 0, 0]).sum()) for c in clips)
    print(f"blind6: {len(clips)} {'clean' if args.clean else 'tracked'} clips, seed {args.seed}, {frames} frames, {dt:.1f} s")
    print("  kinds:  " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    print("  labels: " + ", ".join(f"{k} {v}" for k, v in labs.items()))
    print(f"  NaN frames: {nan / max(frames, 1):.1%}" + (f"; written to {args.out}" if args.out else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
