"""Hand-gesture commands: a synthetic clip generator, a renderer, and the gesture encoder.

Clips follow MediaPipe's 21-landmark hand format: float32 ``(T, 21, 3)`` at 30 frames per
second. Landmark 0 is the wrist, 1-4 the thumb (CMC, MCP, IP, tip), 5-8 the index finger
(MCP, PIP, DIP, tip), 9-12 middle, 13-16 ring, 17-20 pinky. ``x`` and ``y`` are normalised
image coordinates (x to the right, y down); ``z`` is depth relative to the wrist on roughly
the scale of ``x``, smaller is closer to the camera. The camera faces the person (not a
mirrored selfie view), and the palm faces the camera, so a right hand shows its thumb on
the image's right. ``x`` and ``y`` lie in [0, 1] while the hand is in view; a swipe or a
far-reaching point can carry some landmarks slightly out of frame, and those keep their
values outside [0, 1], as MediaPipe reports them.

A **dropped frame** (the hand tracker lost the hand) is all-NaN in generated clips. The
encoder treats a frame as dropped when any of its values is not finite or when all are
exactly zero, so zero-filled exports work too.

Vocabulary (``GESTURES``): ``point`` (index finger extended; ``direction_deg`` is where it
points in the image, 0 = right, 90 = up), ``swipe_left``/``swipe_right``/``swipe_up``/
``swipe_down`` (destinations left, right, back, front), ``grab`` (open hand closing to a
fist: pick up), ``come_here`` (beckoning: drive to the person), ``stop`` (open palm held
still: no command). :func:`command_from_gestures` maps a gesture sequence to the command
fields it implies.

Performers are integer seeds; each seed fixes a hand (left or right), bone lengths, speed,
pause lengths, camera roll and distance, noise and drop rate. :func:`performer_split` puts
every fifth performer in the **held-out** split, never used for training.

:class:`GestureEncoder` normalises landmarks (wrist-centred, scaled by palm length,
rotated so the hand points up, left hands mirrored onto right hands), runs a dilated
temporal CNN, and has three heads: per-frame gesture classes, per-frame index-finger
direction (cos, sin), and pooled command features read by the shared
:class:`~perception.command_heads.CommandDecoder`. Reproduce the shipped weights with
``python -m perception.gestures train --seed 0 --out perception/weights/gesture.pt``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from robocue.perception.command_heads import DECODER_FIELDS, CommandDecoder, command_targets

FPS = 30
NUM_LANDMARKS = 21
GESTURES = ("point", "swipe_left", "swipe_right", "swipe_up", "swipe_down", "grab", "come_here", "stop")
BACKGROUND = "background"
LABELS = (BACKGROUND,) + GESTURES  # per-frame label ids index this tuple; 0 is background
GESTURE_DESTINATION = {"swipe_left": "left", "swipe_right": "right", "swipe_up": "back", "swipe_down": "front"}
SWIPE_DIRECTION_DEG = {"swipe_left": 180.0, "swipe_right": 0.0, "swipe_up": 90.0, "swipe_down": 270.0}
# Two-gesture commands the generator performs (first, then second).
GESTURE_PAIRS = (
    *(("point", swipe) for swipe in GESTURE_DESTINATION),
    *(("grab", swipe) for swipe in GESTURE_DESTINATION),
    ("point", "grab"),
    ("point", "come_here"),
)
SPLITS = ("train", "heldout")
PERFORMER_POOL = 1000  # sample_dataset draws performers from range(PERFORMER_POOL)
HAND_CONNECTIONS = (
    (0, 1), (1, 2), (2, 3), (3, 4),
    (0, 5), (5, 6), (6, 7), (7, 8),
    (5, 9), (9, 10), (10, 11), (11, 12),
    (9, 13), (13, 14), (14, 15), (15, 16),
    (13, 17), (0, 17), (17, 18), (18, 19), (19, 20),
)  # fmt: skip
DEFAULT_WEIGHTS = Path(__file__).parent / "weights" / "gesture.pt"


# ---------------------------------------------------------------------------------------
# Gesture sequences -> command fields
# ---------------------------------------------------------------------------------------


def _gesture_label(gesture) -> str:
    if isinstance(gesture, str):
        return gesture
    if isinstance(gesture, dict):
        return gesture["label"]
    return gesture[0]


def _gesture_direction(gesture) -> float | None:
    if isinstance(gesture, dict):
        return gesture.get("direction_deg")
    if isinstance(gesture, (tuple, list)) and len(gesture) >= 4:
        return gesture[3]
    return None


def command_from_gestures(gestures) -> dict:
    """The command fields a gesture sequence implies.

    Rules: ``stop`` anywhere cancels everything (all None). A swipe sets the destination
    (the last swipe wins). ``grab`` sets task ``pick_and_place``, ``come_here`` task
    ``go_to``; otherwise ``point`` sets task ``push`` when a swipe follows it and ``reach``
    when none does. Tasks that take no destination (reach, go_to) drop it. Gestures never
    say colour or shape, so those stay None; the pointing direction is returned as
    ``direction_deg`` (the first point's), for the world to resolve to an object.

    Args:
        gestures: Labels, segment tuples ``(label, start, end, direction_deg)`` or dicts
            with ``label`` (and ``direction_deg``), in temporal order.

    Returns:
        ``{"task", "color", "shape", "destination", "direction_deg"}``, None where not implied.
    """
    labels = [_gesture_label(g) for g in gestures]
    for label in labels:
        if label not in GESTURES:
            raise ValueError(f"unknown gesture {label!r}; known: {', '.join(GESTURES)}")
    command = {"task": None, "color": None, "shape": None, "destination": None, "direction_deg": None}
    if not labels or "stop" in labels:
        return command
    swipes = [i for i, label in enumerate(labels) if label in GESTURE_DESTINATION]
    points = [i for i, label in enumerate(labels) if label == "point"]
    if swipes:
        command["destination"] = GESTURE_DESTINATION[labels[swipes[-1]]]
    if points:
        direction = _gesture_direction(gestures[points[0]])
        command["direction_deg"] = None if direction is None else float(direction)
    if "grab" in labels:
        command["task"] = "pick_and_place"
    elif "come_here" in labels:
        command["task"] = "go_to"
    elif points:
        command["task"] = "push" if any(s > points[0] for s in swipes) else "reach"
    if command["task"] in ("reach", "go_to"):
        command["destination"] = None
    return command


# ---------------------------------------------------------------------------------------
# Performers
# ---------------------------------------------------------------------------------------


def performer_split(performer: int) -> str:
    """``"heldout"`` for every fifth performer (``performer % 5 == 0``), else ``"train"``."""
    return "heldout" if int(performer) % 5 == 0 else "train"


def performers(split: str, pool: int = PERFORMER_POOL) -> list[int]:
    """The performer ids of ``split`` among ``range(pool)``."""
    if split not in SPLITS:
        raise ValueError(f"split {split!r} is not one of: {', '.join(SPLITS)}")
    return [p for p in range(pool) if performer_split(p) == split]


@dataclass(frozen=True)
class Performer:
    """How one person performs gestures (all drawn from the performer's integer seed).

    Attributes:
        id: The performer's seed.
        hand: ``"right"`` or ``"left"``.
        bones: Length multipliers, one per finger (thumb..pinky).
        palm: Palm length multiplier.
        speed: Tempo multiplier (>1 is faster).
        pause: Multiplier on idle and pause lengths.
        roll_deg: In-plane camera rotation.
        scale: Hand length in image units (camera distance).
        noise: Landmark noise standard deviation, image units.
        drop_rate: Probability that a frame is dropped.
        center: Where the hand rests in the image (x, y).
        yaw_deg: Habitual palm turn about the finger axis.
        pitch_deg: Habitual palm tilt towards or away from the camera.
        amplitude: Multiplier on swipe length.
        rest_flex: How curled the fingers are at rest.
    """

    id: int
    hand: str
    bones: tuple
    palm: float
    speed: float
    pause: float
    roll_deg: float
    scale: float
    noise: float
    drop_rate: float
    center: tuple
    yaw_deg: float
    pitch_deg: float
    amplitude: float
    rest_flex: float

    @classmethod
    def from_seed(cls, performer: int) -> Performer:
        rng = np.random.default_rng([int(performer), 0x6E57])
        return cls(
            id=int(performer),
            hand="left" if rng.random() < 0.4 else "right",
            bones=tuple(float(b) for b in rng.uniform(0.85, 1.15, 5)),
            palm=float(rng.uniform(0.88, 1.12)),
            speed=float(rng.uniform(0.7, 1.4)),
            pause=float(rng.uniform(0.6, 1.6)),
            roll_deg=float(rng.uniform(-15.0, 15.0)),
            scale=float(rng.uniform(0.16, 0.36)),
            noise=float(rng.uniform(0.001, 0.01)),
            drop_rate=float(rng.choice([0.0, rng.uniform(0.0, 0.2)])),
            center=(float(rng.uniform(0.4, 0.6)), float(rng.uniform(0.45, 0.6))),
            yaw_deg=float(rng.uniform(-25.0, 25.0)),
            pitch_deg=float(rng.uniform(-20.0, 20.0)),
            amplitude=float(rng.uniform(0.8, 1.25)),
            rest_flex=float(rng.uniform(0.3, 0.6)),
        )


# ---------------------------------------------------------------------------------------
# Hand model
# ---------------------------------------------------------------------------------------

# Pose state per frame: finger flexion (thumb..pinky, 0 straight .. 1 fully curled), finger
# spread (0..1), hand axis direction in the image before camera roll (deg, 90 = fingers up),
# yaw and pitch (deg), palm centre (x, y, image coords), and scale (image units per hand unit).
_S_FLEX = slice(0, 5)
_S_SPREAD, _S_PHI, _S_YAW, _S_PITCH, _S_CX, _S_CY, _S_SCALE = range(5, 12)
_STATE_DIM = 12
_STATE_KEYS = {
    "flex": _S_FLEX, "spread": _S_SPREAD, "phi": _S_PHI, "yaw": _S_YAW, "pitch": _S_PITCH, "cx": _S_CX, "cy": _S_CY, "scale": _S_SCALE,
}  # fmt: skip

# Right hand, palm facing the camera, fingers along +y, thumb side +x, -z towards the camera.
_FINGER_BASE = np.array([[0.11, 0.42], [0.035, 0.45], [-0.04, 0.43], [-0.11, 0.38]])  # index..pinky MCP (x, y)
_FINGER_SPREAD = np.deg2rad([9.0, 2.0, -6.0, -15.0])  # splay per unit spread, index..pinky
_FINGER_BONES = np.array([[0.22, 0.13, 0.10], [0.25, 0.15, 0.11], [0.23, 0.14, 0.10], [0.18, 0.10, 0.09]])
_FINGER_BEND = np.deg2rad([80.0, 100.0, 70.0])  # MCP, PIP, DIP flexion at flex = 1
_THUMB_CMC = np.array([0.08, 0.09, -0.02])
_THUMB_BONES = np.array([0.15, 0.12, 0.10])
_THUMB_BEND = np.deg2rad([20.0, 40.0, 50.0])
_THUMB_CURL_AXIS = np.array([-0.8, 0.25, -0.55]) / np.linalg.norm([-0.8, 0.25, -0.55])
_PALM_CENTRE = np.array([0.0, 0.24, 0.0])


def _unit_rows(a: np.ndarray) -> np.ndarray:
    return a / np.linalg.norm(a, axis=-1, keepdims=True)


def hand_shape(flex: np.ndarray, spread: np.ndarray, performer: Performer) -> np.ndarray:
    """Hand landmarks in the hand's own frame, before any rotation: ``(T, 21, 3)``.

    The frame is a right hand's (fingers along +y, thumb side +x, palm towards -z); a left
    hand is its mirror image (x negated).

    Args:
        flex: ``(T, 5)`` flexion of thumb..pinky, 0 straight, 1 curled.
        spread: ``(T,)`` finger spread, 0 together, 1 wide.
        performer: Supplies bone lengths and the hand.
    """
    flex = np.asarray(flex, dtype=np.float64)
    spread = np.asarray(spread, dtype=np.float64)
    n = flex.shape[0]
    out = np.zeros((n, NUM_LANDMARKS, 3))
    palm = performer.palm
    towards_camera = np.array([0.0, 0.0, -1.0])
    for finger in range(4):
        base = np.array([_FINGER_BASE[finger, 0], _FINGER_BASE[finger, 1] * palm, 0.0])
        angle = _FINGER_SPREAD[finger] * (0.3 + spread)
        d0 = np.stack([np.sin(angle), np.cos(angle), np.zeros(n)], axis=-1)
        bones = _FINGER_BONES[finger] * performer.bones[finger + 1]
        point = np.broadcast_to(base, (n, 3)).copy()
        out[:, 5 + 4 * finger] = point
        bend = np.zeros(n)
        for joint in range(3):
            bend = bend + flex[:, finger + 1] * _FINGER_BEND[joint]
            direction = np.cos(bend)[:, None] * d0 + np.sin(bend)[:, None] * towards_camera
            point = point + bones[joint] * direction
            out[:, 6 + 4 * finger + joint] = point
    thumb_angle = np.deg2rad(30.0 + 25.0 * spread)
    d0 = np.stack([np.sin(thumb_angle), np.cos(thumb_angle), np.zeros(n)], axis=-1)
    point = np.broadcast_to(_THUMB_CMC, (n, 3)).copy()
    out[:, 1] = point
    bend = np.zeros(n)
    for joint in range(3):
        bend = bend + flex[:, 0] * _THUMB_BEND[joint]
        direction = _unit_rows(np.cos(bend)[:, None] * d0 + np.sin(bend)[:, None] * _THUMB_CURL_AXIS)
        point = point + _THUMB_BONES[joint] * performer.bones[0] * direction
        out[:, 2 + joint] = point
    if performer.hand == "left":
        out[..., 0] = -out[..., 0]
    return out


def _rotation(phi_deg: np.ndarray, yaw_deg: np.ndarray, pitch_deg: np.ndarray) -> np.ndarray:
    """``(T, 3, 3)``: yaw about the finger axis, pitch about the palm's width, then in-plane
    rotation taking +y to ``phi`` (y-up image coordinates)."""
    a = np.deg2rad(phi_deg - 90.0)
    b = np.deg2rad(pitch_deg)
    c = np.deg2rad(yaw_deg)
    n = a.shape[0]
    rz = np.zeros((n, 3, 3))
    rz[:, 0, 0], rz[:, 0, 1], rz[:, 1, 0], rz[:, 1, 1], rz[:, 2, 2] = np.cos(a), -np.sin(a), np.sin(a), np.cos(a), 1.0
    rx = np.zeros((n, 3, 3))
    rx[:, 0, 0], rx[:, 1, 1], rx[:, 1, 2], rx[:, 2, 1], rx[:, 2, 2] = 1.0, np.cos(b), -np.sin(b), np.sin(b), np.cos(b)
    ry = np.zeros((n, 3, 3))
    ry[:, 0, 0], ry[:, 0, 2], ry[:, 1, 1], ry[:, 2, 0], ry[:, 2, 2] = np.cos(c), np.sin(c), 1.0, -np.sin(c), np.cos(c)
    return rz @ rx @ ry


def pose_landmarks(states: np.ndarray, performer: Performer) -> np.ndarray:
    """Noise-free image landmarks ``(T, 21, 3)`` for pose states ``(T, 12)`` (see module notes)."""
    shape = hand_shape(states[:, _S_FLEX], states[:, _S_SPREAD], performer)
    rot = _rotation(states[:, _S_PHI], states[:, _S_YAW], states[:, _S_PITCH])
    world = np.einsum("tij,tkj->tki", rot, shape)  # hand units, y up, wrist at origin
    centre = np.einsum("tij,j->ti", rot, _PALM_CENTRE)
    scale = states[:, _S_SCALE][:, None]
    u = (states[:, _S_CX] - 0.5)[:, None] + scale * (world[..., 0] - centre[:, None, 0])
    v = (0.5 - states[:, _S_CY])[:, None] + scale * (world[..., 1] - centre[:, None, 1])
    roll = np.deg2rad(performer.roll_deg)
    u, v = np.cos(roll) * u - np.sin(roll) * v, np.sin(roll) * u + np.cos(roll) * v
    out = np.empty_like(world)
    out[..., 0] = 0.5 + u
    out[..., 1] = 0.5 - v
    out[..., 2] = scale * world[..., 2]
    return out


def _direction_deg(landmarks: np.ndarray, a: int, b: int) -> np.ndarray:
    """Image direction (deg in [0, 360), 0 = right, 90 = up) of landmark a -> b, per frame."""
    d = landmarks[:, b, :2] - landmarks[:, a, :2]
    return np.rad2deg(np.arctan2(-d[:, 1], d[:, 0])) % 360.0


def _circular_mean_deg(angles: np.ndarray, weights: np.ndarray | None = None) -> float:
    rad = np.deg2rad(np.asarray(angles, dtype=np.float64))
    w = np.ones_like(rad) if weights is None else np.asarray(weights, dtype=np.float64)
    return float(np.rad2deg(np.arctan2((w * np.sin(rad)).sum(), (w * np.cos(rad)).sum())) % 360.0)


# ---------------------------------------------------------------------------------------
# Clip generator
# ---------------------------------------------------------------------------------------


@dataclass
class Clip:
    """One generated clip.

    Attributes:
        landmarks: ``(T, 21, 3)`` float32; dropped frames are all-NaN.
        labels: ``(T,)`` int64 indices into ``LABELS`` (0 = background).
        segments: ``[(label, start, end, direction_deg or None)]``, ``end`` exclusive, so
            ``labels[start:end]`` all equal the label's id.
        performer: The performer's seed.
        hand: ``"right"`` or ``"left"``.
        pointing_deg: ``(T,)`` float32 image direction of the index finger (MCP to tip) where
            it is extended, NaN elsewhere; the regression target of the encoder.
    """

    landmarks: np.ndarray
    labels: np.ndarray
    segments: list
    performer: int
    hand: str
    pointing_deg: np.ndarray = field(repr=False)
    fps: int = FPS

    @property
    def gestures(self) -> list[str]:
        return [segment[0] for segment in self.segments]

    @property
    def command(self) -> dict:
        """The command fields the clip's gestures imply (see :func:`command_from_gestures`)."""
        return command_from_gestures(self.segments)


def _ease(n: int) -> np.ndarray:
    """n easing weights in (0, 1], ending at 1 (half-cosine)."""
    t = np.arange(1, n + 1) / n
    return 0.5 - 0.5 * np.cos(np.pi * t)


class _Timeline:
    """Builds pose-state frames by easing between keyframes."""

    def __init__(self, state: np.ndarray):
        self.state = state.copy()
        self.frames: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.frames)

    def to(self, n: int, **changes) -> None:
        n = max(1, int(round(n)))
        target = self.state.copy()
        for key, value in changes.items():
            target[_STATE_KEYS[key]] = value
        # Shortest way round for the hand direction.
        target[_S_PHI] = self.state[_S_PHI] + ((target[_S_PHI] - self.state[_S_PHI] + 180.0) % 360.0 - 180.0)
        w = _ease(n)[:, None]
        self.frames.extend(self.state + w * (target - self.state))
        self.state = target

    def hold(self, n: int) -> None:
        n = max(1, int(round(n)))
        self.frames.extend([self.state.copy()] * n)


def _frames(rng: np.random.Generator, performer: Performer, low: float, high: float) -> float:
    """A duration in frames, scaled by the performer's tempo."""
    return rng.uniform(low, high) / performer.speed


def _perform(
    tl: _Timeline,
    rng: np.random.Generator,
    performer: Performer,
    gesture: str,
    rest: np.ndarray,
    point_deg: float | None = None,
    wide: bool = False,
) -> float | None:
    """Appends one gesture (labelled part only); returns the intended pointing direction.

    ``wide`` (training only) widens the choreography: points held still without reaching,
    looser finger postures, longer holds, swipes sized in hand lengths."""
    cx, cy, scale = rest[_S_CX], rest[_S_CY], rest[_S_SCALE]
    if gesture == "point":
        theta = rng.uniform(0.0, 360.0) if point_deg is None else float(point_deg) % 360.0
        if wide and rng.random() < 0.35:  # a point simply held still where the hand is: no reach
            pcx, pcy = cx, cy
        else:
            reach = rng.uniform(0.02, 0.06)
            # Keep the pointing hand in view: shift the palm against the pointing direction.
            pcx = 0.5 + 0.6 * (cx - 0.5) - 0.35 * scale * math.cos(math.radians(theta)) + reach * math.cos(math.radians(theta))
            pcy = 0.5 + 0.6 * (cy - 0.5) + 0.35 * scale * math.sin(math.radians(theta)) - reach * math.sin(math.radians(theta))
        if wide:
            flex = [rng.uniform(0.15, 1.0), rng.uniform(0.0, 0.12), *rng.uniform(0.6, 1.0, 3)]
        else:
            flex = [rng.uniform(0.7, 1.0), rng.uniform(0.0, 0.08), *rng.uniform(0.85, 1.0, 3)]
        tl.to(
            _frames(rng, performer, 7, 13),
            flex=flex,
            spread=rng.uniform(0.0, 0.2),
            phi=theta,
            yaw=performer.yaw_deg + rng.uniform(-15, 15) + (rng.uniform(-50, 50) if wide else 0.0),
            pitch=performer.pitch_deg * 0.5 + rng.uniform(-10, 10),
            cx=pcx,
            cy=pcy,
        )
        tl.hold(_frames(rng, performer, 12, 28) * (rng.uniform(0.6, 3.0) if wide else 1.0))
        return theta
    if gesture in GESTURE_DESTINATION:
        direction = math.radians(SWIPE_DIRECTION_DEG[gesture])
        du, dv = math.cos(direction), math.sin(direction)  # y-up image coordinates
        length = rng.uniform(0.2, 0.3) * performer.amplitude
        if wide and rng.random() < 0.5:  # a swipe measured in hand lengths, short or long
            length = scale * rng.uniform(0.8, 4.0)
        back = rng.uniform(0.2, 0.4) * length
        horizontal = gesture in ("swipe_left", "swipe_right")
        yaw = rng.choice([-1.0, 1.0]) * rng.uniform(20, 55) if horizontal else performer.yaw_deg + rng.uniform(-10, 10)
        pitch = rng.uniform(-15, 15) if horizontal else rng.uniform(10, 45)
        open_flex = [rng.uniform(0.0, 0.3), *rng.uniform(0.0, 0.12, 4)]
        tl.to(
            _frames(rng, performer, 5, 9),
            flex=open_flex,
            spread=rng.uniform(0.1, 0.5),
            phi=90.0 + rng.uniform(-20, 20),
            yaw=yaw,
            pitch=pitch,
            cx=cx - back * du,
            cy=cy + back * dv,
        )
        tl.hold(_frames(rng, performer, 1, 4))
        tl.to(_frames(rng, performer, 5, 9), cx=cx + (length - back) * du, cy=cy - (length - back) * dv, phi=90.0 + rng.uniform(-20, 20))
        return None
    if gesture == "grab":
        tl.to(
            _frames(rng, performer, 5, 9),
            flex=[rng.uniform(0.0, 0.2), *rng.uniform(0.0, 0.1, 4)],
            spread=rng.uniform(0.5, 1.0),
            phi=90.0 + rng.uniform(-25, 25),
            yaw=performer.yaw_deg + rng.uniform(-10, 10),
            scale=scale * rng.uniform(1.0, 1.12),
        )
        tl.hold(_frames(rng, performer, 2, 7))
        tl.to(
            _frames(rng, performer, 6, 12),
            flex=[rng.uniform(0.75, 1.0), *rng.uniform(0.9, 1.0, 4)],
            spread=0.0,
            cy=cy + rng.uniform(0.0, 0.04),
        )
        tl.hold(_frames(rng, performer, 5, 12))
        return None
    if gesture == "come_here":
        tl.to(
            _frames(rng, performer, 5, 9),
            flex=[rng.uniform(0.1, 0.4), *rng.uniform(0.0, 0.15, 4)],
            spread=rng.uniform(0.1, 0.4),
            phi=90.0 + rng.uniform(-20, 20),
            yaw=performer.yaw_deg + rng.uniform(-10, 10),
            pitch=rng.uniform(-10, 40),
        )
        for _ in range(int(rng.integers(2, 5))):
            half = _frames(rng, performer, 4, 7)
            tl.to(half, flex=[rng.uniform(0.2, 0.5), *rng.uniform(0.65, 0.95, 4)])
            tl.to(half, flex=[rng.uniform(0.1, 0.4), *rng.uniform(0.0, 0.2, 4)])
        return None
    if gesture == "stop":
        tl.to(
            _frames(rng, performer, 5, 9),
            flex=[rng.uniform(0.0, 0.15), *rng.uniform(0.0, 0.06, 4)],
            spread=rng.uniform(0.6, 1.0),
            phi=90.0 + rng.uniform(-12, 12),
            yaw=rng.uniform(-12, 12),
            pitch=rng.uniform(-12, 12),
            scale=scale * rng.uniform(1.05, 1.2),
            cy=cy - rng.uniform(0.0, 0.03),
        )
        tl.hold(_frames(rng, performer, 14, 30) * (rng.uniform(0.6, 3.0) if wide else 1.0))
        return None
    raise ValueError(f"unknown gesture {gesture!r}; known: {', '.join(GESTURES)}")


def _wobble(rng: np.random.Generator, n: int, amplitude: float) -> np.ndarray:
    """Smooth low-frequency noise, ``(n,)``, a few sinusoids of random phase."""
    t = np.arange(n) / FPS
    freqs = rng.uniform(0.2, 1.5, 3)
    phases = rng.uniform(0, 2 * np.pi, 3)
    return amplitude * np.sin(2 * np.pi * freqs[:, None] * t[None] + phases[:, None]).mean(axis=0)


def sample_clip(
    rng: np.random.Generator, performer: int | Performer, gestures=None, point_deg: float | None = None, wide: bool = False
) -> Clip:
    """One clip of one or two gestures, with idle frames before, between and after.

    Args:
        rng: Source of randomness for this clip.
        performer: A performer seed (or a :class:`Performer`).
        gestures: Gesture names in order; None draws a single gesture (55%) or one of
            ``GESTURE_PAIRS``.
        point_deg: Where a ``point`` aims, degrees in the image (0 = right, 90 = up) before
            the performer's camera roll; None draws it uniformly.
        wide: Widen the choreography (see :func:`_perform`); :func:`sample_training_clip`
            sets it.
    """
    performer = performer if isinstance(performer, Performer) else Performer.from_seed(performer)
    if gestures is None:
        if rng.random() < 0.55:
            gestures = (GESTURES[int(rng.integers(len(GESTURES)))],)
        else:
            gestures = GESTURE_PAIRS[int(rng.integers(len(GESTURE_PAIRS)))]
    gestures = tuple(gestures)
    if not gestures:
        raise ValueError("a clip needs at least one gesture")
    for g in gestures:
        if g not in GESTURES:
            raise ValueError(f"unknown gesture {g!r}; known: {', '.join(GESTURES)}")

    rest = np.zeros(_STATE_DIM)
    rest[_S_FLEX] = np.clip(performer.rest_flex + rng.uniform(-0.1, 0.1, 5), 0.15, 0.75)
    rest[_S_FLEX][0] *= 0.7
    rest[_S_SPREAD] = rng.uniform(0.1, 0.4)
    rest[_S_PHI] = 90.0 + rng.uniform(-20, 20)
    rest[_S_YAW] = performer.yaw_deg + rng.uniform(-10, 10)
    rest[_S_PITCH] = performer.pitch_deg + rng.uniform(-10, 10)
    rest[_S_CX] = performer.center[0] + rng.uniform(-0.05, 0.05)
    rest[_S_CY] = performer.center[1] + rng.uniform(-0.05, 0.05)
    rest[_S_SCALE] = performer.scale * rng.uniform(0.9, 1.1)

    tl = _Timeline(rest)
    _idle(tl, rng, performer, rest, rng.uniform(4, 24) * performer.pause)
    spans = []
    for i, gesture in enumerate(gestures):
        start = len(tl)
        theta = _perform(tl, rng, performer, gesture, rest, point_deg, wide)
        spans.append((gesture, start, len(tl), theta))
        tl.to(_frames(rng, performer, 8, 16), **_rest_changes(rest))  # back to rest: background
        if i + 1 < len(gestures):
            _idle(tl, rng, performer, rest, rng.uniform(3, 16) * performer.pause)
    _idle(tl, rng, performer, rest, rng.uniform(4, 24) * performer.pause)
    states = np.array(tl.frames)
    n = len(states)

    # Slow tremor and drift on top of the choreography.
    states[:, _S_CX] += _wobble(rng, n, 0.012)
    states[:, _S_CY] += _wobble(rng, n, 0.012)
    states[:, _S_PHI] += _wobble(rng, n, 4.0)
    states[:, _S_FLEX] = np.clip(states[:, _S_FLEX] + _wobble(rng, n, 0.04)[:, None], 0.0, 1.0)
    clean = pose_landmarks(states, performer)

    labels = np.zeros(n, dtype=np.int64)
    segments = []
    extended = states[:, 1 + _S_FLEX.start] < 0.3
    pointing = np.where(extended, _direction_deg(clean, 5, 8), np.nan)
    for gesture, start, end, _theta in spans:
        labels[start:end] = LABELS.index(gesture)
        direction = None
        if gesture == "point":
            hold = slice(start + (end - start) // 2, end)
            direction = round(_circular_mean_deg(pointing[hold][np.isfinite(pointing[hold])]), 2)
        segments.append((gesture, start, end, direction))

    noisy = clean + rng.normal(0.0, performer.noise, clean.shape)
    noisy[..., 2] = clean[..., 2] + rng.normal(0.0, performer.noise, clean.shape[:2])
    noisy[:, 0, 2] = 0.0  # MediaPipe's depth origin is the wrist
    dropped = rng.random(n) < performer.drop_rate
    if rng.random() < 0.3:  # a short burst of lost tracking
        burst_start = int(rng.integers(0, n))
        dropped[burst_start : burst_start + int(rng.integers(2, 9))] = True
    dropped[int(np.flatnonzero(~dropped)[0]) if (~dropped).any() else 0] = False  # never lose every frame
    noisy[dropped] = np.nan
    return Clip(
        landmarks=noisy.astype(np.float32),
        labels=labels,
        segments=segments,
        performer=performer.id,
        hand=performer.hand,
        pointing_deg=pointing.astype(np.float32),
    )


def _idle(tl: _Timeline, rng: np.random.Generator, performer: Performer, rest: np.ndarray, n: float) -> None:
    """Idle frames: the hand rests, or fidgets (a slow drift, a turn, a finger shuffle)."""
    n = max(1, int(round(n)))
    if n < 10 or rng.random() < 0.5:
        tl.hold(n)
        return
    move = max(1, int(n * rng.uniform(0.5, 0.9)))
    flex = np.clip(rest[_S_FLEX] + rng.uniform(-0.25, 0.25, 5), 0.1, 0.8)
    tl.to(move, flex=flex, phi=rest[_S_PHI] + rng.uniform(-20, 20), cx=rest[_S_CX] + rng.uniform(-0.07, 0.07),
          cy=rest[_S_CY] + rng.uniform(-0.07, 0.07), yaw=rest[_S_YAW] + rng.uniform(-15, 15))  # fmt: skip
    if n - move > 0:
        tl.hold(n - move)


def _rest_changes(rest: np.ndarray) -> dict:
    return {
        "flex": rest[_S_FLEX],
        "spread": rest[_S_SPREAD],
        "phi": rest[_S_PHI],
        "yaw": rest[_S_YAW],
        "pitch": rest[_S_PITCH],
        "cx": rest[_S_CX],
        "cy": rest[_S_CY],
        "scale": rest[_S_SCALE],
    }


def wide_performer(rng: np.random.Generator, performer: int | Performer) -> Performer:
    """``performer`` with far wider settings drawn from ``rng`` (training only): camera roll
    within ±45°, hand size 0.06-0.5 of the image, tempo 0.45-2.2, bone and palm lengths
    0.75-1.3, habitual palm turn ±60° and tilt ±40°, the hand anywhere in the frame, noise
    0.5-6% of the hand's size, up to 25% dropped frames."""
    performer = performer if isinstance(performer, Performer) else Performer.from_seed(performer)
    scale = float(np.exp(rng.uniform(np.log(0.06), np.log(0.5))))
    return dataclasses.replace(
        performer,
        bones=tuple(float(b) for b in rng.uniform(0.75, 1.3, 5)),
        palm=float(rng.uniform(0.75, 1.3)),
        speed=float(rng.uniform(0.45, 2.2)),
        pause=float(rng.uniform(0.3, 2.0)),
        roll_deg=float(rng.uniform(-45.0, 45.0)),
        scale=scale,
        noise=float(scale * rng.uniform(0.005, 0.06)),
        drop_rate=float(rng.choice([0.0, rng.uniform(0.0, 0.25)])),
        center=(float(rng.uniform(0.25, 0.75)), float(rng.uniform(0.25, 0.75))),
        yaw_deg=float(rng.uniform(-60.0, 60.0)),
        pitch_deg=float(rng.uniform(-40.0, 40.0)),
        amplitude=float(rng.uniform(0.5, 2.0)),
        rest_flex=float(rng.uniform(0.15, 0.75)),
    )


def _crop(clip: Clip, start: int, end: int) -> Clip:
    """The frames ``[start, end)`` of ``clip``, its segments cut to them (empty ones dropped)."""
    segments = []
    for label, s, e, direction in clip.segments:
        s, e = max(s, start) - start, min(e, end) - start
        if e - s > 0:
            segments.append((label, s, e, direction))
    return dataclasses.replace(
        clip,
        landmarks=clip.landmarks[start:end],
        labels=clip.labels[start:end],
        segments=segments,
        pointing_deg=clip.pointing_deg[start:end],
    )


def sample_training_clip(rng: np.random.Generator, performer: int) -> Clip:
    """One training clip from the widened generator (the recogniser is trained on these).

    On top of :func:`sample_clip`: 60% of clips come from a :func:`wide_performer`, the
    choreography is widened (``wide=True``); 35% are one gesture, 30% a pair, 15% a long
    recording of three or four gestures, 20% a gesture trimmed tightly (at most a few idle
    frames, the start cut up to 40% into the gesture's lead-in); in half the clips with
    dropped frames the tracker repeats the last frame instead of reporting NaN.
    """
    base = wide_performer(rng, performer) if rng.random() < 0.6 else Performer.from_seed(performer)
    kind = rng.choice(["single", "pair", "recording", "tight"], p=[0.35, 0.3, 0.15, 0.2])
    if kind == "pair":
        gestures = GESTURE_PAIRS[int(rng.integers(len(GESTURE_PAIRS)))]
    elif kind == "recording":
        gestures = tuple(str(g) for g in rng.choice(GESTURES, int(rng.integers(3, 5))))
    else:
        gestures = (GESTURES[int(rng.integers(len(GESTURES)))],)
    clip = sample_clip(rng, base, gestures, wide=True)
    if kind == "tight":
        _, start, end, _ = clip.segments[0]
        first = start - int(rng.integers(0, 4)) + int(rng.integers(0, int(0.4 * min(10, end - start)) + 1))
        last = end + int(rng.integers(0, 4))
        cropped = _crop(clip, max(0, first), min(len(clip.labels), last))
        if np.isfinite(cropped.landmarks).all(axis=(1, 2)).any():
            clip = cropped
    if rng.random() < 0.5:  # the tracker repeats the last frame when it loses the hand
        landmarks = clip.landmarks.copy()
        for t in np.flatnonzero(~np.isfinite(landmarks).all(axis=(1, 2))):
            if t > 0:
                landmarks[t] = landmarks[t - 1]
        clip = dataclasses.replace(clip, landmarks=landmarks)
    return clip


def sample_dataset(split: str, n: int, seed: int) -> list[Clip]:
    """``n`` clips from performers of ``split`` (``"train"`` or ``"heldout"``), deterministic in ``seed``."""
    pool = performers(split)
    rng = np.random.default_rng([int(seed), SPLITS.index(split)])
    return [sample_clip(rng, pool[int(rng.integers(len(pool)))]) for _ in range(n)]


# ---------------------------------------------------------------------------------------
# Rendering and (optional) real video
# ---------------------------------------------------------------------------------------

_FINGER_COLORS = ((200, 200, 200), (0, 140, 255), (0, 200, 0), (255, 160, 0), (200, 0, 200), (0, 0, 230))  # BGR


def render_clip(clip_or_landmarks, path, size: int = 256, labels=None, fps: int = FPS) -> Path:
    """Draws a clip's skeleton as an mp4 video (OpenCV, ``mp4v``) with frame number and label.

    Args:
        clip_or_landmarks: A :class:`Clip` or a ``(T, 21, 3)`` array.
        path: Output file (``.mp4``).
        size: Frame width and height in pixels.
        labels: Optional per-frame label names or ids (a Clip supplies its own).
        fps: Frames per second of the video.

    Returns:
        The path written.
    """
    import cv2

    if isinstance(clip_or_landmarks, Clip):
        landmarks = clip_or_landmarks.landmarks
        labels = clip_or_landmarks.labels if labels is None else labels
    else:
        landmarks = np.asarray(clip_or_landmarks, dtype=np.float32)
    landmarks = _check_landmarks(landmarks)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), float(fps), (size, size))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV could not open a video writer for {path}")
    try:
        for t, frame_landmarks in enumerate(landmarks):
            image = np.full((size, size, 3), 30, dtype=np.uint8)
            radius = max(1, size // 128)
            if _frame_valid_np(frame_landmarks):
                pts = np.round(frame_landmarks[:, :2] * size).astype(int)
                for a, b in HAND_CONNECTIONS:
                    color = _FINGER_COLORS[0 if b <= 0 else (b - 1) // 4 + 1]
                    cv2.line(image, tuple(map(int, pts[a])), tuple(map(int, pts[b])), color, 2, cv2.LINE_AA)
                for i, p in enumerate(pts):
                    cv2.circle(image, tuple(map(int, p)), radius if i else radius + 1, (255, 255, 255), -1, cv2.LINE_AA)
            else:
                cv2.putText(image, "dropped", (size // 2 - 40, size // 2), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 255), 1, cv2.LINE_AA)
            text = f"{t}"
            if labels is not None:
                label = labels[t]
                text += f"  {LABELS[int(label)] if not isinstance(label, str) else label}"
            cv2.putText(image, text, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
            writer.write(image)
    finally:
        writer.release()
    return path


def landmarks_from_video(path) -> np.ndarray:
    """Hand landmarks ``(T, 21, 3)`` from a real video with MediaPipe Hands (optional).

    Needs the ``mediapipe`` package (legacy ``mediapipe.solutions.hands`` API); frames with
    no hand found are all-NaN. Only the first detected hand is kept.
    """
    try:
        import mediapipe as mp
    except ImportError as error:
        raise RuntimeError("landmarks_from_video needs the optional 'mediapipe' package: pip install mediapipe") from error
    import cv2

    hands_api = getattr(getattr(mp, "solutions", None), "hands", None)
    if hands_api is None:
        raise RuntimeError("this mediapipe version has no mediapipe.solutions.hands; install a version that does (e.g. 0.10.14)")
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise ValueError(f"cannot read video {path}")
    frames = []
    with hands_api.Hands(static_image_mode=False, max_num_hands=1) as hands:
        while True:
            ok, image = capture.read()
            if not ok:
                break
            result = hands.process(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
            frame = np.full((NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
            if result.multi_hand_landmarks:
                frame[:] = [(p.x, p.y, p.z) for p in result.multi_hand_landmarks[0].landmark]
            frames.append(frame)
    capture.release()
    if not frames:
        raise ValueError(f"no frames in video {path}")
    return np.stack(frames)


# ---------------------------------------------------------------------------------------
# Encoder
# ---------------------------------------------------------------------------------------


def _frame_valid_np(frame: np.ndarray) -> bool:
    return bool(np.isfinite(frame).all() and np.any(frame != 0))


def _check_landmarks(landmarks) -> np.ndarray | torch.Tensor:
    """Validates a ``(T, 21, 3)`` or ``(B, T, 21, 3)`` landmark array; ValueError with one line."""
    shape = tuple(landmarks.shape)
    if len(shape) not in (3, 4) or shape[-2:] != (NUM_LANDMARKS, 3):
        raise ValueError(f"gesture landmarks must have shape (T, 21, 3) or (B, T, 21, 3), got {shape}")
    if shape[-3] == 0 or (len(shape) == 4 and shape[0] == 0):
        raise ValueError(f"gesture clip is empty: shape {shape}")
    return landmarks


# Landmark chains of the five fingers (wrist, then base to tip) for the joint angles.
_CHAINS = ((0, 1, 2, 3, 4), (0, 5, 6, 7, 8), (0, 9, 10, 11, 12), (0, 13, 14, 15, 16), (0, 17, 18, 19, 20))
_SHAPE_DIM = 20 * 3
_INPUT_DIM = _SHAPE_DIM + 2 + 2 + 1 + 1 + 15 + 15 + 5
FEATURES_VERSION = 2  # 1: clip-centred wrist position and clip-median size (context-dependent), no joint angles


def _fill_dropped(lm: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Dropped frames linearly interpolated between the nearest valid frames (held at the ends)."""
    b, t = valid.shape
    steps = torch.arange(t, device=lm.device).expand(b, t)
    before = torch.cummax(torch.where(valid, steps, torch.full_like(steps, -1)), dim=1).values
    after = t - 1 - torch.cummax(torch.where(valid, t - 1 - steps, torch.full_like(steps, -1)).flip(1), dim=1).values.flip(1)
    first = valid.to(torch.int64).argmax(dim=1, keepdim=True).expand(b, t)
    last = (t - 1 - valid.flip(1).to(torch.int64).argmax(dim=1, keepdim=True)).expand(b, t)
    before = torch.where(before < 0, first, before)
    after = torch.where(after > t - 1, last, after)
    span = (after - before).clamp_min(1).to(lm.dtype)
    w = ((steps - before).to(lm.dtype) / span).clamp(0.0, 1.0)[..., None, None]
    gather = lambda index: torch.gather(lm, 1, index[..., None, None].expand(b, t, NUM_LANDMARKS, 3))  # noqa: E731
    return gather(before) * (1 - w) + gather(after) * w


def _joint_cosines(points: torch.Tensor) -> torch.Tensor:
    """Cosine of the bend at the three inner joints of each finger chain: ``(B, T, 15)``."""
    out = []
    for chain in _CHAINS:
        bones = [points[..., chain[i + 1], :] - points[..., chain[i], :] for i in range(4)]
        for i in range(3):
            out.append(F.cosine_similarity(bones[i], bones[i + 1], dim=-1, eps=1e-6))
    return torch.stack(out, dim=-1)


def normalise_landmarks(landmarks: torch.Tensor) -> dict[str, torch.Tensor]:
    """Per-frame features of a batch of clips, invariant to position, scale, tilt and handedness,
    and independent of what the clip holds before or after the frame's neighbourhood.

    Steps: mark dropped frames (any non-finite value, all zeros, or an exact repeat of the
    frame before, as some trackers report a lost hand) and fill them by linear interpolation
    between the nearest valid frames; centre on the wrist; divide by the clip's median palm
    length (wrist to middle-finger MCP, 3-D); rotate each frame so the hand axis (wrist to
    middle MCP) points up; mirror left hands (detected per clip from which side of the axis
    the index MCP lies on) onto right hands. Features per frame: the 20 normalised landmarks,
    the hand axis's image direction (cos, sin), the wrist's image velocity in palm lengths
    per frame, the change of the palm's size (log ratio to the frame before), the cosine of
    every finger joint's bend in 3-D and in the image plane (finger extension from joint
    angles, independent of bone proportions), each finger's extension (wrist-to-tip distance
    over the finger's length) and the valid flag. No feature depends on a clip-wide position.

    Args:
        landmarks: ``(B, T, 21, 3)``.

    Returns:
        ``features`` ``(B, T, F)``, ``valid`` ``(B, T)`` bool, ``axis`` ``(B, T)`` hand-axis
        image angle (rad), ``mirror`` ``(B,)`` +1 right hand, -1 left hand.

    Raises:
        ValueError: When a clip has no valid frame.
    """
    lm = landmarks.to(torch.float32)
    b, t = lm.shape[:2]
    finite = torch.isfinite(lm).all(dim=(-1, -2)) & (lm.nan_to_num(0.0) != 0).any(dim=-1).any(dim=-1)
    repeat = torch.zeros_like(finite)
    repeat[:, 1:] = (lm[:, 1:] == lm[:, :-1]).all(dim=-1).all(dim=-1) & finite[:, 1:]
    valid = finite & ~repeat
    if not finite.any(dim=1).all():
        raise ValueError("gesture clip has no valid frame: every frame is dropped (NaN or all zeros)")
    valid = valid | (finite & ~valid.any(dim=1, keepdim=True))  # a clip of one still frame repeated
    lm = torch.where(valid[..., None, None], lm, torch.zeros_like(lm))
    lm = _fill_dropped(lm, valid)

    # y up from here on.
    lm = lm * torch.tensor([1.0, -1.0, 1.0], device=lm.device)
    wrist = lm[:, :, 0, :]
    rel = lm - wrist[:, :, None, :]
    palm_len = rel[:, :, 9, :].norm(dim=-1)
    palm = torch.nanmedian(torch.where(valid, palm_len, torch.full_like(palm_len, float("nan"))), dim=1).values.clamp_min(1e-4)
    rel = rel / palm[:, None, None, None]
    axis = torch.atan2(rel[:, :, 9, 1], rel[:, :, 9, 0])
    turn = math.pi / 2 - axis
    cos, sin = torch.cos(turn)[..., None], torch.sin(turn)[..., None]
    x = cos * rel[..., 0] - sin * rel[..., 1]
    y = sin * rel[..., 0] + cos * rel[..., 1]
    side = ((x[:, :, 5] - x[:, :, 17]) * valid).sum(dim=1)
    mirror = torch.where(side >= 0, 1.0, -1.0)
    x = x * mirror[:, None, None]
    points = torch.stack([x, y, rel[..., 2]], dim=-1)
    shape = points[:, :, 1:, :].reshape(b, t, -1)
    flat = torch.cat([points[..., :2], torch.zeros_like(points[..., :1])], dim=-1)
    lengths = torch.stack([sum((points[..., c[i + 1], :] - points[..., c[i], :]).norm(dim=-1) for i in range(4)) for c in _CHAINS], dim=-1)
    reach = torch.stack([(points[..., c[4], :] - points[..., c[0], :]).norm(dim=-1) for c in _CHAINS], dim=-1)
    extension = reach / lengths.clamp_min(1e-4)

    local_palm = palm_len.clamp_min(1e-4)
    velocity = torch.diff(wrist[..., :2], dim=1, prepend=wrist[:, :1, :2]) / local_palm[..., None] * 5.0
    growth = torch.diff(torch.log(local_palm), dim=1, prepend=torch.log(local_palm[:, :1])).clamp(-0.5, 0.5) * 10.0
    features = torch.cat(
        [
            shape,
            torch.cos(axis)[..., None],
            torch.sin(axis)[..., None],
            velocity.clamp(-10.0, 10.0),
            growth[..., None],
            valid[..., None].float(),
            _joint_cosines(points),
            _joint_cosines(flat),
            extension,
        ],
        dim=-1,
    )
    return {"features": features, "valid": valid, "axis": axis, "mirror": mirror}


class _TemporalBlock(nn.Module):
    def __init__(self, channels: int, dilation: int, kernel: int = 5):
        super().__init__()
        self.conv = nn.Conv1d(channels, channels, kernel, padding=dilation * (kernel - 1) // 2, dilation=dilation)
        self.mix = nn.Conv1d(channels, channels, 1)
        self.norm = nn.LayerNorm(channels)  # per frame: no statistic over the whole clip

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        z = self.norm(self.conv(h).transpose(1, 2)).transpose(1, 2)
        return h + self.mix(F.gelu(z))


class GestureEncoder(nn.Module):
    """Temporal CNN over hand-landmark clips into command features.

    Args:
        hidden: Channels of the temporal CNN.
        out_dim: Size of the command features.
        dilations: One residual dilated-conv block per entry (kernel 5).
    """

    def __init__(self, hidden: int = 64, out_dim: int = 64, dilations: tuple = (1, 2, 4, 8, 1)):
        super().__init__()
        self.config = {"hidden": hidden, "out_dim": out_dim, "dilations": list(dilations)}
        self.out_dim = out_dim
        self.input = nn.Sequential(nn.Linear(_INPUT_DIM, hidden), nn.GELU(), nn.Linear(hidden, hidden))
        self.blocks = nn.ModuleList(_TemporalBlock(hidden, d) for d in dilations)
        self.frame_head = nn.Linear(hidden, len(LABELS))
        self.direction_head = nn.Sequential(nn.Linear(hidden + 20 * 3, hidden), nn.GELU(), nn.Linear(hidden, 2))
        self.command = nn.Sequential(nn.Linear(2 * hidden + len(LABELS), out_dim), nn.Tanh())
        self.decoder = CommandDecoder(out_dim)
        # Mirroring a left hand onto a right one leaves motion alone, so no label swaps are needed.

    def _as_batch(self, landmarks) -> torch.Tensor:
        if isinstance(landmarks, np.ndarray):
            landmarks = torch.from_numpy(np.ascontiguousarray(landmarks, dtype=np.float32))
        elif not isinstance(landmarks, torch.Tensor):
            raise ValueError(f"gesture landmarks must be a numpy array or a torch tensor, got {type(landmarks).__name__}")
        _check_landmarks(landmarks)
        if landmarks.dim() == 3:
            landmarks = landmarks[None]
        return landmarks.to(next(self.parameters()).device)

    def encode(self, landmarks, lengths: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """Everything the heads say about a batch ``(B, T, 21, 3)`` (or one clip ``(T, 21, 3)``).

        ``lengths`` ``(B,)``: each clip's own length in a padded batch; frames past it are
        zeroed before every temporal block, so a clip reads the same padded or alone.

        Returns:
            ``features`` ``(B, out_dim)``, ``frame_logits`` ``(B, T, n_labels)``,
            ``direction`` ``(B, T, 2)`` unit (cos, sin) of the index finger's image
            direction, plus ``valid``.
        """
        norm = normalise_landmarks(self._as_batch(landmarks))
        x = self.input(norm["features"]).transpose(1, 2)
        present = None
        if lengths is not None:
            present = (torch.arange(x.shape[-1], device=x.device)[None] < lengths.to(x.device)[:, None])[:, None].float()
            x = x * present
        for block in self.blocks:
            x = block(x)
            if present is not None:
                x = x * present
        h = x.transpose(1, 2)  # (B, T, hidden)
        valid = norm["valid"]
        frame_logits = self.frame_head(h)
        # Index direction relative to the hand axis, in the mirrored (right-hand) frame.
        local = self.direction_head(torch.cat([h, norm["features"][..., :_SHAPE_DIM]], dim=-1))
        rel = torch.atan2(local[..., 1], local[..., 0]) * norm["mirror"][:, None]
        angle = norm["axis"] + rel
        direction = torch.stack([torch.cos(angle), torch.sin(angle)], dim=-1)
        w = valid[..., None].float()
        mean = (h * w).sum(dim=1) / w.sum(dim=1).clamp_min(1.0)
        peak = torch.where(valid[..., None], h, torch.full_like(h, -1e4)).max(dim=1).values
        share = (frame_logits.softmax(dim=-1) * w).sum(dim=1) / w.sum(dim=1).clamp_min(1.0)
        features = self.command(torch.cat([mean, peak, share], dim=-1))
        return {"features": features, "frame_logits": frame_logits, "direction": direction, "valid": valid, "local": local}

    def forward(self, landmarks: torch.Tensor) -> torch.Tensor:
        """Command features ``(B, out_dim)`` for landmarks ``(B, T, 21, 3)``."""
        return self.encode(landmarks)["features"]

    @torch.no_grad()
    def recognise(self, landmarks, smooth: int = 5, min_frames: int = 6) -> list[dict]:
        """Segments one clip ``(T, 21, 3)`` into gestures.

        Per-frame class probabilities are averaged over ``smooth`` frames; runs shorter than
        ``min_frames`` are absorbed by their neighbours.

        Returns:
            ``[{"label", "start", "end", "direction_deg"}]`` in order, ``end`` exclusive,
            ``direction_deg`` (0 = right, 90 = up) for ``point`` and None otherwise.
        """
        if isinstance(landmarks, (np.ndarray, torch.Tensor)) and landmarks.ndim == 4:
            if landmarks.shape[0] != 1:
                raise ValueError(f"recognise takes one clip (T, 21, 3), got a batch of shape {tuple(landmarks.shape)}")
            landmarks = landmarks[0]
        was_training = self.training
        self.eval()
        try:
            out = self.encode(landmarks)
        finally:
            self.train(was_training)
        probs = out["frame_logits"][0].softmax(dim=-1)
        return _segments_from_probs(probs.cpu().numpy(), out["direction"][0].cpu().numpy(), smooth, min_frames)

    @torch.no_grad()
    def understand(self, landmarks) -> dict:
        """What one clip asks for: ``{"gestures": [...], "command": {...}}``.

        ``gestures`` is :meth:`recognise`'s output; ``command`` holds the decoder's task,
        colour, shape and destination (None where the gestures do not say) and the first
        point's ``direction_deg``.
        """
        gestures = self.recognise(landmarks)
        was_training = self.training
        self.eval()
        try:
            features = self(landmarks)
        finally:
            self.train(was_training)
        command = self.decoder.decode(features)[0]
        points = [g for g in gestures if g["label"] == "point"]
        command["direction_deg"] = points[0]["direction_deg"] if points else None
        return {"gestures": gestures, "command": command}

    def save(self, path) -> Path:
        """Writes config and weights to one file."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(
            {"format": "robocue-gesture-encoder", "version": FEATURES_VERSION, "config": self.config, "state_dict": self.state_dict()}, path
        )
        return path

    @classmethod
    def load(cls, path, map_location="cpu") -> GestureEncoder:
        """Reads a file written by :meth:`save`."""
        blob = torch.load(Path(path), map_location=map_location, weights_only=True)
        if not isinstance(blob, dict) or blob.get("format") != "robocue-gesture-encoder":
            raise ValueError(f"{path} is not a robocue gesture encoder file")
        if blob.get("version") != FEATURES_VERSION:
            raise ValueError(
                f"{path} is a gesture encoder of feature version {blob.get('version')}; this robocue reads version {FEATURES_VERSION}: "
                "retrain it with python scripts/train_commands.py --only gesture"
            )
        config = dict(blob["config"])
        config["dilations"] = tuple(config["dilations"])
        encoder = cls(**config)
        encoder.load_state_dict(blob["state_dict"])
        encoder.eval()
        return encoder


def load_default_gesture_encoder() -> GestureEncoder:
    """The gesture encoder shipped with robocue (``perception/weights/gesture.pt``)."""
    if not DEFAULT_WEIGHTS.exists():
        raise FileNotFoundError(
            f"no default gesture weights at {DEFAULT_WEIGHTS}; train them with: python -m perception.gestures train --out {DEFAULT_WEIGHTS}"
        )
    return GestureEncoder.load(DEFAULT_WEIGHTS)


def _runs(labels: np.ndarray) -> list[list[int]]:
    """[label, start, end) runs of equal labels."""
    runs = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            runs.append([int(labels[start]), start, i])
            start = i
    return runs


def _segments_from_probs(probs: np.ndarray, direction: np.ndarray, smooth: int, min_frames: int) -> list[dict]:
    t = len(probs)
    if smooth > 1 and t > 1:
        kernel = np.ones(smooth) / smooth
        padded = np.pad(probs, ((smooth // 2, smooth - 1 - smooth // 2), (0, 0)), mode="edge")
        probs_s = np.stack([np.convolve(padded[:, c], kernel, mode="valid") for c in range(probs.shape[1])], axis=1)
    else:
        probs_s = probs
    labels = probs_s.argmax(axis=1)
    runs = _runs(labels)
    # Absorb short runs (shortest first) into the neighbour that is more probable over the run.
    while len(runs) > 1:
        lengths = [end - start for _, start, end in runs]
        i = int(np.argmin(lengths))
        if lengths[i] >= min_frames:
            break
        _, start, end = runs[i]
        candidates = [j for j in (i - 1, i + 1) if 0 <= j < len(runs)]
        best = max(candidates, key=lambda j: probs_s[start:end, runs[j][0]].sum())
        labels[start:end] = runs[best][0]
        runs = _runs(labels)
    segments = []
    for label, start, end in runs:
        if label == 0 or end - start < min_frames:
            continue
        name = LABELS[label]
        direction_deg = None
        if name == "point":
            steady = slice(start + int(0.4 * (end - start)), end)
            w = probs[steady, label]
            d = direction[steady]
            direction_deg = round(float(np.rad2deg(np.arctan2((w * d[:, 1]).sum(), (w * d[:, 0]).sum())) % 360.0), 1)
        segments.append({"label": name, "start": start, "end": end, "direction_deg": direction_deg})
    return segments


# ---------------------------------------------------------------------------------------
# Training and evaluation
# ---------------------------------------------------------------------------------------


def _collate(clips: list[Clip]) -> dict[str, torch.Tensor]:
    t = max(len(c.labels) for c in clips)
    b = len(clips)
    landmarks = np.full((b, t, NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
    labels = np.full((b, t), -100, dtype=np.int64)
    pointing = np.full((b, t), np.nan, dtype=np.float32)
    for i, clip in enumerate(clips):
        n = len(clip.labels)
        landmarks[i, :n] = clip.landmarks
        labels[i, :n] = clip.labels
        pointing[i, :n] = clip.pointing_deg
    targets = command_targets([clip.command for clip in clips])
    return {
        "lengths": torch.tensor([len(clip.labels) for clip in clips]),
        "landmarks": torch.from_numpy(landmarks),
        "labels": torch.from_numpy(labels),
        "pointing": torch.from_numpy(pointing),
        "commands": targets,
    }


def _loss(encoder: GestureEncoder, batch: dict) -> tuple[torch.Tensor, dict]:
    out = encoder.encode(batch["landmarks"], batch["lengths"])
    frame_loss = F.cross_entropy(out["frame_logits"].reshape(-1, len(LABELS)), batch["labels"].reshape(-1), ignore_index=-100)
    pointing = batch["pointing"]
    mask = torch.isfinite(pointing) & out["valid"]
    if mask.any():
        target = torch.deg2rad(pointing[mask])
        target = torch.stack([torch.cos(target), torch.sin(target)], dim=-1)
        direction_loss = (out["direction"][mask] - target).pow(2).sum(dim=-1).mean()
        direction_loss = direction_loss + 0.1 * (out["local"][mask].norm(dim=-1) - 1.0).pow(2).mean()
    else:
        direction_loss = out["features"].sum() * 0.0
    command_loss = encoder.decoder.loss(out["features"], batch["commands"])
    loss = frame_loss + direction_loss + 0.5 * command_loss
    return loss, {"frame": frame_loss.item(), "direction": direction_loss.item(), "command": command_loss.item()}


def _angle_error(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


@torch.no_grad()
def evaluate_gesture_encoder(encoder: GestureEncoder, clips: list[Clip], batch_size: int = 64) -> dict:
    """Recognition and decoding metrics over clips.

    Returns:
        ``sequence_accuracy`` (recognised gesture sequence equals the true one),
        ``frame_accuracy``, ``boundary_error_frames`` (mean |start/end error| over segments of
        clips whose sequence matched), ``direction_error_deg_mean``/``_median`` (point
        segments of matched clips), ``command_accuracy`` (decoder: all fields right) and
        ``field_accuracy`` per field, ``rule_command_accuracy`` (rules on the recognised
        gestures, direction excluded), ``clips``.
    """
    was_training = encoder.training
    encoder.eval()
    seq_ok, frames_ok, frames_n = 0, 0, 0
    boundary, direction_err = [], []
    field_ok = dict.fromkeys(DECODER_FIELDS, 0)
    all_ok, rule_ok = 0, 0
    for i in range(0, len(clips), batch_size):
        chunk = clips[i : i + batch_size]
        batch = _collate(chunk)
        out = encoder.encode(batch["landmarks"], batch["lengths"])
        decoded = encoder.decoder.decode(out["features"])
        probs = out["frame_logits"].softmax(dim=-1).numpy()
        directions = out["direction"].numpy()
        for j, clip in enumerate(chunk):
            n = len(clip.labels)
            segments = _segments_from_probs(probs[j, :n], directions[j, :n], 5, 6)
            pred_frames = np.zeros(n, dtype=np.int64)
            for s in segments:
                pred_frames[s["start"] : s["end"]] = LABELS.index(s["label"])
            frames_ok += int((pred_frames == clip.labels).sum())
            frames_n += n
            if [s["label"] for s in segments] == clip.gestures:
                seq_ok += 1
                for s, (label, start, end, direction) in zip(segments, clip.segments):
                    boundary.extend([abs(s["start"] - start), abs(s["end"] - end)])
                    if label == "point":
                        direction_err.append(_angle_error(s["direction_deg"], direction))
            truth = clip.command
            all_ok += all(decoded[j][f] == truth[f] for f in DECODER_FIELDS)
            for f in DECODER_FIELDS:
                field_ok[f] += decoded[j][f] == truth[f]
            rule = command_from_gestures(segments)
            rule_ok += all(rule[f] == truth[f] for f in DECODER_FIELDS)
    encoder.train(was_training)
    n = len(clips)
    return {
        "clips": n,
        "sequence_accuracy": seq_ok / n,
        "frame_accuracy": frames_ok / frames_n,
        "boundary_error_frames": float(np.mean(boundary)) if boundary else float("nan"),
        "direction_error_deg_mean": float(np.mean(direction_err)) if direction_err else float("nan"),
        "direction_error_deg_median": float(np.median(direction_err)) if direction_err else float("nan"),
        "command_accuracy": all_ok / n,
        "field_accuracy": {f: field_ok[f] / n for f in DECODER_FIELDS},
        "rule_command_accuracy": rule_ok / n,
    }


_CHUNK = 8  # clips per forward pass in training; gradients of a step's chunks add up


def train_gesture_encoder(
    seed: int = 0,
    steps: int = 1200,
    batch_size: int = 32,
    lr: float = 3e-3,
    eval_clips: int = 300,
    hidden: int = 64,
    out_dim: int = 64,
    threads: int = 1,
    log_every: int = 0,
    time_limit_s: float | None = None,
) -> tuple[GestureEncoder, dict]:
    """Trains a :class:`GestureEncoder` from scratch on fresh clips of training performers.

    Every step draws a new batch of clips (training performers only); evaluation uses
    ``eval_clips`` new clips of training performers and of held-out performers.

    Args:
        seed: Seeds the weights and the clip stream.
        steps: Optimiser steps (AdamW, cosine-decayed learning rate).
        batch_size: Clips per step.
        lr: Peak learning rate.
        eval_clips: Clips per evaluation split.
        hidden: Temporal CNN channels.
        out_dim: Command feature size.
        threads: torch CPU threads.
        log_every: Print losses every this many steps (0: never).
        time_limit_s: Stop early after this many seconds of training.

    Returns:
        The trained encoder (eval mode) and ``{"train": metrics, "heldout": metrics, ...}``
        (see :func:`evaluate_gesture_encoder`).
    """
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = np.random.default_rng([seed, 7])
    pool = performers("train")
    encoder = GestureEncoder(hidden=hidden, out_dim=out_dim)
    optimiser = torch.optim.AdamW(encoder.parameters(), lr=lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=steps, pct_start=0.1)
    encoder.train()
    started = time.perf_counter()
    done = 0
    for step in range(steps):
        clips = [sample_training_clip(rng, pool[int(rng.integers(len(pool)))]) for _ in range(batch_size)]
        clips.sort(key=lambda clip: len(clip.labels))  # chunks of similar length pad little
        optimiser.zero_grad()
        chunks = [clips[i : i + _CHUNK] for i in range(0, len(clips), _CHUNK)]
        for chunk in chunks:
            loss, parts = _loss(encoder, _collate(chunk))
            (loss * len(chunk) / len(clips)).backward()
        nn.utils.clip_grad_norm_(encoder.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        done = step + 1
        if log_every and done % log_every == 0:
            print(f"step {done} loss {loss.item():.3f} " + " ".join(f"{k} {v:.3f}" for k, v in parts.items()), flush=True)
        if time_limit_s is not None and time.perf_counter() - started > time_limit_s:
            break
    train_seconds = time.perf_counter() - started
    encoder.eval()
    metrics = {
        "seed": seed,
        "steps": done,
        "batch_size": batch_size,
        "train_seconds": round(train_seconds, 1),
        "train": evaluate_gesture_encoder(encoder, sample_dataset("train", eval_clips, seed=10_000 + seed)),
        "heldout": evaluate_gesture_encoder(encoder, sample_dataset("heldout", eval_clips, seed=20_000 + seed)),
    }
    return encoder, metrics


def main(argv: list[str] | None = None) -> int:
    """``python -m perception.gestures train|eval|render ...``."""
    parser = argparse.ArgumentParser(prog="python -m perception.gestures", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    train = sub.add_parser("train", help="train the gesture encoder from scratch and print its metrics")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--steps", type=int, default=1200)
    train.add_argument("--batch-size", type=int, default=32)
    train.add_argument("--eval-clips", type=int, default=300)
    train.add_argument("--out", type=Path, default=None, help="where to save the weights")
    evaluate = sub.add_parser("eval", help="metrics of saved weights (default: the shipped ones)")
    evaluate.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--eval-clips", type=int, default=300)
    render = sub.add_parser("render", help="write a generated clip as .npy and .mp4")
    render.add_argument("out", type=Path, help="output path without extension")
    render.add_argument("--performer", type=int, default=1)
    render.add_argument("--seed", type=int, default=0)
    render.add_argument("--gestures", nargs="*", default=None)
    args = parser.parse_args(argv)
    if args.action == "train":
        encoder, metrics = train_gesture_encoder(
            seed=args.seed, steps=args.steps, batch_size=args.batch_size, eval_clips=args.eval_clips, log_every=100
        )
        if args.out is not None:
            encoder.save(args.out)
        print(json.dumps(metrics, indent=2))
    elif args.action == "eval":
        torch.set_num_threads(1)
        encoder = GestureEncoder.load(args.weights)
        metrics = {
            "train": evaluate_gesture_encoder(encoder, sample_dataset("train", args.eval_clips, seed=10_000 + args.seed)),
            "heldout": evaluate_gesture_encoder(encoder, sample_dataset("heldout", args.eval_clips, seed=20_000 + args.seed)),
        }
        print(json.dumps(metrics, indent=2))
    else:
        clip = sample_clip(np.random.default_rng(args.seed), args.performer, args.gestures)
        np.save(args.out.with_suffix(".npy"), clip.landmarks)
        render_clip(clip, args.out.with_suffix(".mp4"))
        print(json.dumps({"segments": clip.segments, "command": clip.command}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
