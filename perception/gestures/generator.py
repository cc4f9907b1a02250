"""The training clip generator: choreographed gestures of a performer, and its widened version for training."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from robocue.perception.gestures.performers import (
    _S_CX,
    _S_CY,
    _S_FLEX,
    _S_PHI,
    _S_PITCH,
    _S_SCALE,
    _S_SPREAD,
    _S_YAW,
    _STATE_DIM,
    _STATE_KEYS,
    Performer,
    _circular_mean_deg,
    _direction_deg,
    performers,
    pose_landmarks,
)
from robocue.perception.gestures.vocabulary import (
    FPS,
    GESTURE_DESTINATION,
    GESTURE_PAIRS,
    GESTURES,
    LABELS,
    SPLITS,
    SWIPE_DIRECTION_DEG,
    command_from_gestures,
)

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
            spread=rng.uniform(0.2, 1.0) if wide else rng.uniform(0.5, 1.0),
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
            spread=rng.uniform(0.0, 1.0) if wide else rng.uniform(0.6, 1.0),
            phi=90.0 + rng.uniform(-12, 12),
            yaw=rng.uniform(-12, 12),
            pitch=rng.uniform(-12, 12),
            scale=scale * (rng.uniform(0.95, 1.2) if wide else rng.uniform(1.05, 1.2)),
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
    rng: np.random.Generator,
    performer: int | Performer,
    gestures=None,
    point_deg: float | None = None,
    wide: bool = False,
    idle_frames: int | None = None,
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
        idle_frames: With ``gestures=()``, a clip of about this many idle frames and no
            gesture at all (training only: a still or fidgeting hand is no command).
    """
    performer = performer if isinstance(performer, Performer) else Performer.from_seed(performer)
    if gestures is None:
        if rng.random() < 0.55:
            gestures = (GESTURES[int(rng.integers(len(GESTURES)))],)
        else:
            gestures = GESTURE_PAIRS[int(rng.integers(len(GESTURE_PAIRS)))]
    gestures = tuple(gestures)
    if not gestures and idle_frames is None:
        raise ValueError("a clip needs at least one gesture")
    for g in gestures:
        if g not in GESTURES:
            raise ValueError(f"unknown gesture {g!r}; known: {', '.join(GESTURES)}")

    rest = np.zeros(_STATE_DIM)
    rest[_S_FLEX] = np.clip(performer.rest_flex + rng.uniform(-0.1, 0.1, 5), 0.15, 0.75)
    rest[_S_FLEX][0] *= 0.7
    rest[_S_SPREAD] = rng.uniform(0.0, 0.9) if wide else rng.uniform(0.1, 0.4)
    rest[_S_PHI] = 90.0 + rng.uniform(-20, 20)
    rest[_S_YAW] = performer.yaw_deg + rng.uniform(-10, 10)
    rest[_S_PITCH] = performer.pitch_deg + rng.uniform(-10, 10)
    rest[_S_CX] = performer.center[0] + rng.uniform(-0.05, 0.05)
    rest[_S_CY] = performer.center[1] + rng.uniform(-0.05, 0.05)
    rest[_S_SCALE] = performer.scale * rng.uniform(0.9, 1.1)

    tl = _Timeline(rest)
    _idle(tl, rng, performer, rest, rng.uniform(4, 24) * performer.pause if idle_frames is None else idle_frames)
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
    choreography is widened (``wide=True``); 30% are one gesture, 25% a pair, 15% a long
    recording of three or four gestures, 18% a gesture trimmed tightly (at most a few idle
    frames, the start cut up to 40% into the gesture's lead-in), 12% no gesture at all
    (half a second to four seconds of a resting or fidgeting hand); in half the clips with
    dropped frames the tracker repeats the last frame instead of reporting NaN.
    """
    base = wide_performer(rng, performer) if rng.random() < 0.6 else Performer.from_seed(performer)
    kind = rng.choice(["single", "pair", "recording", "tight", "idle"], p=[0.3, 0.25, 0.15, 0.18, 0.12])
    if kind == "idle":  # no gesture at all: the hand rests still or fidgets
        return sample_clip(rng, base, (), wide=True, idle_frames=int(rng.integers(15, 120)))
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
