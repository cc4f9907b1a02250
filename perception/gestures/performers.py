"""Performers (who gestures, and how) and the training generator's hand model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from robocue.perception.gestures.vocabulary import (
    NUM_LANDMARKS,
    PERFORMER_POOL,
    SPLITS,
)

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
_PALM_CENTER = np.array([0.0, 0.24, 0.0])


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
    center = np.einsum("tij,j->ti", rot, _PALM_CENTER)
    scale = states[:, _S_SCALE][:, None]
    u = (states[:, _S_CX] - 0.5)[:, None] + scale * (world[..., 0] - center[:, None, 0])
    v = (0.5 - states[:, _S_CY])[:, None] + scale * (world[..., 1] - center[:, None, 1])
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
