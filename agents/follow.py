"""Following a real person: an agent acts on words a person says or a hand-landmark clip
a person shows, in one seeded, recorded episode (``robocue command``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import gymnasium as gym
import numpy as np

from robocue.agents.replay import record_episodes
from robocue.envs.person import angle_error, object_bearings
from robocue.perception.command_channels import GestureCommands, SpokenCommands
from robocue.perception.gestures import Performer, sample_clip


def find_scene(env, understood: dict, seed: int, tries: int = 2000) -> int:
    """The first seed from ``seed`` on whose scene and command fit what was understood.

    Raises:
        ValueError: the command asks for another task than the env's, or no scene fits.
    """
    _, info = env.reset(seed=seed)
    task = info["command"]["task"]
    if understood.get("task") not in (None, task):
        raise ValueError(f"this agent does {task}; the words ask for {understood['task']}")
    fields = [field for field in ("color", "shape", "destination") if understood.get(field) is not None]
    for candidate in range(seed, seed + tries):
        _, info = env.reset(seed=candidate)
        if all(info["command"][field] == understood[field] for field in fields):
            return candidate
    wanted = ", ".join(f"{field}={understood[field]}" for field in fields)
    raise ValueError(f"no scene among seeds {seed}-{seed + tries - 1} has a command with {wanted}")


_FOLLOWS = {"language": "words (--say TEXT)", "gesture": "gestures (--gesture CLIP.npy)"}


def check_follows(agent, commands: str) -> None:
    """Raises a one-line ValueError unless ``agent`` was trained with ``env.commands=commands``."""
    trained = agent.config.env.commands
    if trained == commands:
        return
    wanted = {"language": "hear words", "gesture": "see gestures"}[commands]
    if trained == "onehot":
        raise ValueError(f"this agent was trained on one-hot commands, so it cannot {wanted}; train one with env.commands={commands}")
    raise ValueError(f"this agent was trained with env.commands={trained}, so it cannot {wanted}; give it {_FOLLOWS[trained]}")


def _find_wrapper(env: gym.Env, kind: type) -> gym.Env:
    while not isinstance(env, kind):
        env = env.env
    return env


def follow_command(agent, text: str, seed: int, out, width: int = 480, height: int = 360) -> dict:
    """One seeded episode of a spoken-command agent following ``text``, recorded to ``out``.

    The person's words replace the simulated human's; the scene is the first seed from
    ``seed`` on whose sampled command fits what the agent's encoder understood (same task,
    and the colour, shape and destination that the words name).
    """
    check_follows(agent, "language")
    env = agent.make_env(render_mode="rgb_array", render_width=width, render_height=height)
    try:
        spoken = _find_wrapper(env, SpokenCommands)
        understood = spoken.encoder.understand(text)
        spoken.utterance = text
        scene_seed = find_scene(env, understood, seed)
        record = record_episodes(env, agent.policy_for(env), out, [scene_seed])
    finally:
        env.close()
    episode = record["episodes"][0]
    return {"text": text, "understood": understood, "seed": scene_seed, "success": episode["success"], "video": record["path"]}


# A person's clip: MediaPipe landmarks are normalised image coordinates; values far outside
# [0, 1] are pixel coordinates or another format. Generated clips stay within [-0.3, 1.3].
CLIP_XY_RANGE = (-1.0, 2.0)
CLIP_Z_LIMIT = 2.0
MIN_CLIP_FRAMES = 6  # the recogniser drops gestures shorter than this
MAX_CLIP_FRAMES = 3600  # two minutes of hand landmarks at 30 frames a second: bounds the memory a clip takes
POINT_TOLERANCE_DEG = 10.0  # a pointed-at target lies this close to the recognised direction


def load_gesture_clip(path) -> np.ndarray:
    """A person's hand-landmark clip from a ``.npy`` file, checked, as float32 ``(T, 21, 3)``.

    Accepts any real floating dtype (converted to float32) and from ``MIN_CLIP_FRAMES`` to
    ``MAX_CLIP_FRAMES`` frames; the ``.npy`` header is read first, so a file claiming more (or a
    huge array of another shape) is refused before anything is allocated. Dropped frames are
    all-NaN or all-zero. Every other value must be finite, ``x`` and ``y`` within
    ``CLIP_XY_RANGE`` (normalised image coordinates) and ``|z|`` at most ``CLIP_Z_LIMIT``.

    Raises:
        ValueError: One line saying what is wrong with the file.
    """
    path = Path(path)
    name = f"gesture clip {str(path)!r}"
    if not path.is_file():
        raise ValueError(f"{name}: no such file")
    if path.suffix.lower() != ".npy":
        raise ValueError(f"{name}: must be a .npy file holding float32 hand landmarks (T, 21, 3)")
    shape = _npy_shape(path)
    if shape and shape[0] > MAX_CLIP_FRAMES:
        raise ValueError(f"{name} claims {shape[0]} frames; at most {MAX_CLIP_FRAMES} (two minutes at 30 frames a second)")
    if shape and int(np.prod(shape, dtype=np.float64)) > MAX_CLIP_FRAMES * 21 * 3:
        raise ValueError(f"{name}: an array of shape {shape} is no (T, 21, 3) hand-landmark clip")
    try:
        landmarks = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(f"{name} is not a .npy array of hand landmarks ({reason})") from None
    if not isinstance(landmarks, np.ndarray):
        raise ValueError(f"{name} holds several arrays (.npz?); save one float32 (T, 21, 3) array with np.save")
    if landmarks.ndim != 3 or landmarks.shape[1:] != (21, 3):
        raise ValueError(f"{name}: hand landmarks must have shape (T, 21, 3), got {landmarks.shape}")
    if not np.issubdtype(landmarks.dtype, np.floating):
        raise ValueError(f"{name}: hand landmarks must be floats (float32), got {landmarks.dtype}")
    if len(landmarks) < MIN_CLIP_FRAMES:
        raise ValueError(f"{name} has {len(landmarks)} frames; a gesture needs at least {MIN_CLIP_FRAMES} (30 frames a second)")
    landmarks = landmarks.astype(np.float32)
    dropped = ~np.isfinite(landmarks).all(axis=(1, 2)) | (landmarks == 0).all(axis=(1, 2))
    if dropped.all():
        raise ValueError(f"{name}: every frame is dropped (NaN or all zeros)")
    kept = landmarks[~dropped]
    if not np.isfinite(kept).all():
        raise ValueError(f"{name}: frames mix NaN or inf with numbers; a dropped frame must be all-NaN or all zeros")
    low, high = CLIP_XY_RANGE
    xy = kept[..., :2]
    if xy.min() < low or xy.max() > high:
        raise ValueError(
            f"{name}: x and y run from {xy.min():.3g} to {xy.max():.3g}; MediaPipe landmarks are normalised image "
            f"coordinates in [0, 1] (pixel coordinates? divide by the image width and height)"
        )
    if np.abs(kept[..., 2]).max() > CLIP_Z_LIMIT:
        raise ValueError(
            f"{name}: |z| reaches {np.abs(kept[..., 2]).max():.3g}; MediaPipe's z is depth relative to the wrist, on the scale of x"
        )
    return landmarks


def _npy_shape(path: Path) -> tuple | None:
    """The shape a ``.npy`` file's header claims, read without loading the array (None: no readable header)."""
    try:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape = read_header(handle)[0]
    except (OSError, ValueError):
        return None  # np.load then says what is wrong
    return tuple(shape)


def make_gesture_clip(gestures: list[str], direction_deg: float | None = None, performer: int = 1, seed: int = 0):
    """A synthetic clip to try ``robocue command --gesture`` with: ``perception.gestures.sample_clip``
    by ``performer`` with the camera held level (no roll), so a ``point`` is recognised near
    ``direction_deg`` (0 = right, 90 = up; None: a random direction). Returns the ``Clip``."""
    level = dataclasses.replace(Performer.from_seed(performer), roll_deg=0.0)
    return sample_clip(np.random.default_rng(seed), level, list(gestures), point_deg=direction_deg)


def find_gesture_scene(env: gym.Env, understood: dict, seed: int, tries: int = 2000, tolerance_deg: float = POINT_TOLERANCE_DEG) -> int:
    """The first seed from ``seed`` on whose scene the gestures pick the commanded object.

    A scene fits when its command has the task and destination the gestures imply and the
    pointed direction (``understood["direction_deg"]``) picks its target: the target is the
    object whose bearing from the person is nearest to it, within ``tolerance_deg``. A lone
    point implies ``reach``, which a GoTo agent takes as its own task (go where it points),
    as it did from the simulated person in training.

    Args:
        env: The env below the :class:`GestureCommands` wrapper (resetting it hears nothing).
        understood: ``GestureEncoder.understand(...)["command"]``.

    Raises:
        ValueError: the gestures ask for another task, point nowhere, or no scene fits.
    """
    _, info = env.reset(seed=seed)
    task = info["command"]["task"]
    implied = understood.get("task")
    if task == "go_to" and implied == "reach":  # a lone point: the mobile robot goes where an arm would reach
        implied = task
    if implied not in (None, task):
        raise ValueError(f"this agent does {task}; the gestures ask for {understood['task']}")
    direction = understood.get("direction_deg")
    if direction is None:
        raise ValueError("the gestures point at nothing, so they pick no object: start the clip with a point at the target")
    destination = understood.get("destination")
    seen = []
    for candidate in range(seed, seed + tries):
        _, info = env.reset(seed=candidate)
        if destination is not None and info["command"]["destination"] != destination:
            continue
        bearings = object_bearings(env)
        seen.extend(bearings.values())
        nearest = min(bearings, key=lambda color: angle_error(bearings[color], direction))
        if nearest == info["command"]["color"] and angle_error(bearings[nearest], direction) <= tolerance_deg:
            return candidate
    wanted = f" and destination={destination}" if destination else ""
    span = f"; the person sees objects between {min(seen):.0f} and {max(seen):.0f} deg" if seen else ""
    raise ValueError(
        f"no scene among seeds {seed}-{seed + tries - 1} has its target{wanted} within {tolerance_deg:.0f} deg of "
        f"the pointed direction {direction:.0f} deg{span}"
    )


def follow_gesture(agent, landmarks: np.ndarray, seed: int, out, width: int = 480, height: int = 360, reader=None) -> dict:
    """One seeded episode of a gesture agent following a person's clip, recorded to ``out``.

    The clip replaces the simulated person's; the scene is the first seed from ``seed`` on
    whose scene the gestures pick the commanded object (:func:`find_gesture_scene`). ``reader``
    (a gesture reader of :func:`~perception.gestures.load_gesture_reader`) reads the clip; by
    default the agent's own, the geometric reader.

    Returns:
        ``gestures`` (recognised: label, start, end, direction_deg), ``understood`` (the
        command fields they imply, with ``direction_deg``), ``command`` (the scene's command
        they picked), ``pointed_at_deg`` (the target's bearing), ``seed``, ``success``, ``video``.
    """
    check_follows(agent, "gesture")
    env = agent.make_env(render_mode="rgb_array", render_width=width, render_height=height)
    try:
        gestures = _find_wrapper(env, GestureCommands)
        if reader is not None:
            gestures.encoder = reader
        understood = gestures.show(landmarks)
        labels = [g["label"] for g in understood["gestures"]]
        if not labels:
            raise ValueError("no gesture recognised in the clip (the hand only rests or fidgets)")
        if "stop" in labels:
            raise ValueError(f"the clip shows {', '.join(labels)}: stop cancels the command")
        scene_seed = find_gesture_scene(gestures.env, understood["command"], seed)
        record = record_episodes(env, agent.policy_for(env), out, [scene_seed])
    finally:
        env.close()
    episode = record["episodes"][0]
    command = episode["command"]
    return {
        "gestures": understood["gestures"],
        "understood": understood["command"],
        "command": {field: command[field] for field in ("task", "color", "shape", "destination")},
        "pointed_at_deg": command["pointed_at_deg"],
        "seed": scene_seed,
        "success": episode["success"],
        "video": record["path"],
    }
