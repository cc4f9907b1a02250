"""The gesture vocabulary, the clip format and what a gesture sequence asks for."""

from __future__ import annotations

import numpy as np
import torch

from robocue.perception.clarify import clarify_gestures
from robocue.perception.command_heads import DECODER_FIELDS

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


def interpret_gestures(gestures: list[dict], sure: list[float]) -> dict:
    """A reader's answer for one clip: the recognised ``gestures``, the command they imply,
    whether it was understood, a confidence per field and the question to ask back.

    ``sure``: how sure the reader is of each gesture, in [0, 1]. A field's confidence is that
    of the gestures that set it (the task: the least sure point, grab or come_here; the
    destination: the last swipe; every field: the stop's, when there is one).
    """
    command = command_from_gestures(gestures)
    labels = [g["label"] for g in gestures]
    confidence = dict.fromkeys(DECODER_FIELDS, 1.0 if gestures else 0.0)
    setting = [c for g, c in zip(labels, sure) if g in ("point", "grab", "come_here")]
    if command["task"] is not None and setting:
        confidence["task"] = min(setting)
    swipes = [c for g, c in zip(labels, sure) if g in GESTURE_DESTINATION]
    if command["destination"] is not None and swipes:
        confidence["destination"] = swipes[-1]
    if "stop" in labels:
        confidence = {field: sure[labels.index("stop")] for field in DECODER_FIELDS}
    return {"gestures": gestures, **command, **clarify_gestures(labels, command, confidence)}
