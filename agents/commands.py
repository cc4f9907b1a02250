"""The simulated human commands in words or gestures, read through a command encoder.

Both wrappers here replace the env's one-hot command with what an encoder understood, in
the same place (:class:`_CommandChannel`): :class:`SpokenCommands` (words, below) and
:class:`GestureCommands` (the person points at the target and swipes to the destination;
the gesture encoder's recognition, see its docstring).

:class:`SpokenCommands` wraps a robocue env. At every reset the simulated human says the
episode's command with the template grammar (``perception.language``), and the policy
sees the language encoder's command features in place of the one-hot command: in the
state vector's command block (the attention extractor's query) or in the ``command`` key of
Dict observations. The encoder is robocue's shipped default, frozen.

What the policy reads (``features``): ``belief`` (default), the encoder's decoding head as
per-field probabilities (task, colour, shape, destination, each with its "not said" class),
which a policy grounds as fast as the one-hot command; or ``embedding``, the encoder's raw
64-dimensional features, which vary from paraphrase to paraphrase of the same command and
took PPO far longer to ground (docs/commands.md).

Splits (``perception.language.SPLITS``) choose what the human says: ``train`` (training
templates, training colour-shape-task combinations), ``paraphrase`` (held-out templates)
or ``composition`` (held-out combinations, training templates). An episode whose command
does not belong to the split is redrawn (the env resets again, continuing its seeded
random stream), so training never sees a held-out combination and a ``composition``
evaluation sees nothing else.
"""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import torch

from robocue.envs.commands import COMMAND_DIM, field_offsets
from robocue.envs.wrappers import wrap as wrap_frames
from robocue.perception.command_heads import DECODER_FIELDS

COMMAND_MODES = ("onehot", "language", "gesture")
COMMAND_FEATURES = ("belief", "embedding")
COMMAND_SPLITS = ("train", "paraphrase", "composition")
BELIEF_DIM = sum(len(classes) for classes in DECODER_FIELDS.values())  # per-field probabilities, words or gestures
BELIEF_FIELDS = field_offsets(DECODER_FIELDS.items())  # field -> (offset, size) in the belief features


class _CommandChannel(gym.Wrapper):
    """Replaces the env's one-hot command with ``features_dim`` features computed at each reset.

    Subclasses implement :meth:`_hear` (the episode's command -> features and the info to
    add) and may redraw episodes with :meth:`_wanted`.
    """

    max_redraws = 1000

    def __init__(self, env: gym.Env, features_dim: int, fields: dict | None = None):
        super().__init__(env)
        self.features_dim = features_dim
        self._rng = np.random.default_rng()
        base = env.observation_space
        feature_space = gym.spaces.Box(-np.inf, np.inf, (features_dim,), dtype=np.float32)
        if isinstance(base, gym.spaces.Dict):
            self.observation_space = gym.spaces.Dict({**base.spaces, "command": feature_space})
            if "observation" in base.spaces:  # goal mode: the command also ends the state vector
                state = base["observation"].shape[0] - COMMAND_DIM + features_dim
                self.observation_space = gym.spaces.Dict(
                    {**self.observation_space.spaces, "observation": gym.spaces.Box(-np.inf, np.inf, (state,), dtype=np.float32)}
                )
        else:
            size = base.shape[0] - COMMAND_DIM + features_dim
            self.observation_space = gym.spaces.Box(-np.inf, np.inf, (size,), dtype=np.float32)
        layout = getattr(env.unwrapped, "observation_layout", None)
        if layout is not None:
            # ``fields``: where the features name each command field (None: they do not, as
            # a raw embedding does not)
            self.observation_layout = {**layout, "command": features_dim}
            self.observation_layout.pop("command_fields", None)
            if fields is not None:
                self.observation_layout["command_fields"] = dict(fields)
        self._features = np.zeros(features_dim, dtype=np.float32)
        self._heard: dict = {}

    def _wanted(self, command: dict) -> bool:
        return True

    def _hear(self, command: dict) -> tuple[np.ndarray, dict]:
        raise NotImplementedError

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        observation, info = self.env.reset(seed=seed, options=options)
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        for _ in range(self.max_redraws):
            if self._wanted(info["command"]):
                break
            observation, info = self.env.reset(options=options)
        else:
            raise RuntimeError(f"no episode with a command this wrapper wants in {self.max_redraws} resets")
        features, self._heard = self._hear({key: info["command"][key] for key in ("task", "color", "shape", "destination")})
        self._features = features.astype(np.float32)
        return self._replace(observation), self._annotate(info)

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        return self._replace(observation), reward, terminated, truncated, self._annotate(info)

    def _annotate(self, info: dict) -> dict:
        info["command"] = {**info["command"], **self._heard}
        return info

    def _replace_vector(self, vector: np.ndarray) -> np.ndarray:
        return np.concatenate([vector[:-COMMAND_DIM], self._features])

    def _replace(self, observation):
        if isinstance(observation, dict):
            observation = {**observation, "command": self._features.copy()}
            if "observation" in observation:
                observation["observation"] = self._replace_vector(observation["observation"])
            return observation
        return self._replace_vector(observation)


class SpokenCommands(_CommandChannel):
    """Replaces the one-hot command with language-encoder features of a spoken utterance.

    Args:
        env: A robocue env (any observation mode).
        split: One of ``COMMAND_SPLITS``.
        encoder: A language encoder with ``encode_texts``, ``out_dim`` and ``decoder``; default: the shipped one.
        features: One of ``COMMAND_FEATURES``.
    """

    def __init__(self, env: gym.Env, split: str = "train", encoder=None, features: str = "belief", omit_shape: float = 0.0):
        from robocue.perception import language

        if not 0.0 <= omit_shape <= 1.0:
            raise ValueError(f"omit_shape={omit_shape} must be a probability in [0, 1]")

        if split not in COMMAND_SPLITS:
            raise ValueError(f"command split {split!r} is not one of: {', '.join(COMMAND_SPLITS)}")
        if features not in COMMAND_FEATURES:
            raise ValueError(f"command features {features!r} are not one of: {', '.join(COMMAND_FEATURES)}")
        encoder = encoder if encoder is not None else language.load_default_language_encoder()
        belief = features != "embedding"
        super().__init__(env, BELIEF_DIM if belief else int(encoder.out_dim), BELIEF_FIELDS if belief else None)
        self.split, self.features, self.encoder = split, features, encoder
        self.held_out = set(language.HELD_OUT_COMBINATIONS)
        self.say = language.say
        self.utterance: str | None = None  # set: the person's own words, said at every reset
        # Probability that the simulated human names the object by its colour alone ("the red
        # one"): every colour appears once per scene, so the command stays unambiguous.
        self.omit_shape = omit_shape

    def _wanted(self, command: dict) -> bool:
        combination = (command["task"], command["color"], command["shape"])
        return self.utterance is not None or (combination in self.held_out) == (self.split == "composition")

    def _hear(self, command: dict) -> tuple[np.ndarray, dict]:
        if self.utterance is not None:
            utterance = self.utterance
        else:
            omit = self.omit_shape > 0 and command["shape"] is not None and self._rng.random() < self.omit_shape
            utterance = self.say(command, self._rng, split=self.split, omit_shape=omit)
        with torch.no_grad():
            embedding = self.encoder.encode_texts([utterance])
            if self.features == "belief":
                logits = self.encoder.decoder(embedding)
                embedding = torch.cat([torch.softmax(logits[field], dim=-1) for field in DECODER_FIELDS], dim=-1)
        heard = {"utterance": utterance, "split": self.split if self.utterance is None else "person"}
        if self.utterance is not None:
            heard["text"] = utterance  # what a replay overlays
        return embedding[0].cpu().numpy(), heard


# Where a person stands (x, y) and which way they face, per task: across the table from the
# arm, or outside the arena's south wall. A person's own clip (``GestureCommands.show``) is
# taken to be shown from here.
PERSON = {
    "reach": ((1.0, 0.0), (-1.0, 0.0)),
    "push": ((1.0, 0.0), (-1.0, 0.0)),
    "pick_and_place": ((1.0, 0.0), (-1.0, 0.0)),
    "go_to": ((0.0, -1.9), (0.0, 1.0)),
    "maze": ((0.0, -1.6), (0.0, 1.0)),
}


def _arc(center, radius: float, angles_deg) -> tuple:
    """Stances on a circle round ``center``, each facing it."""
    stances = []
    for angle in angles_deg:
        c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        stances.append(((round(center[0] + radius * c, 6), round(center[1] + radius * s, 6)), (-c, -s)))
    return tuple(stances)


# Where the simulated person may walk before pointing: round the far half of the table,
# eleven places 0.6 m from the middle of the objects' spawn area (from one side of the arm
# to the other; the first is PERSON's, across the table) and seven 0.4 m from it (at the
# table's edge); or outside the arena, three places by each wall, facing in. The person
# picks the one from which the target stands out most (:func:`choose_stance`), as people
# step aside so that nobody mistakes what they point at.
_ARM_STANCES = _arc((0.4, 0.0), 0.6, (0, -20, 20, -40, 40, -60, 60, -80, 80, -100, 100))
_ARM_STANCES += _arc((0.42, 0.0), 0.4, (0, -30, 30, -60, 60, -90, 90))
_ARENA_STANCES = tuple(
    stance
    for along in (0.0, -1.0, 1.0)
    for stance in (
        ((along, -1.9), (0.0, 1.0)),  # south of the arena, facing north (PERSON's first)
        ((along, 1.9), (0.0, -1.0)),
        ((-1.9, along), (1.0, 0.0)),
        ((1.9, along), (-1.0, 0.0)),
    )
)
STANCES = {
    "reach": _ARM_STANCES,
    "push": _ARM_STANCES,
    "pick_and_place": _ARM_STANCES,
    "go_to": _ARENA_STANCES,
    "maze": (PERSON["maze"],),
}
GESTURE_SPLITS = {"gesture": "train", "gesture-heldout": "heldout"}  # command split -> performers
_SWIPE_FOR = {"left": "swipe_left", "right": "swipe_right", "back": "swipe_up", "front": "swipe_down"}
# Spread of the pointing belief: the RMS error of the recognised direction (4.3 deg over 300
# clips of training performers, the camera roll turned back; median 3.8, 95th percentile
# 7.3), rounded up.
POINTING_SIGMA_DEG = 5.0


def pointing_direction(task_name: str, target_xy, stance=None) -> float:
    """Image direction (deg, 0 = right, 90 = up) of a point at ``target_xy`` by a person
    standing at ``stance`` = ((x, y), (facing x, facing y)) (default: ``PERSON[task_name]``),
    seen by a camera facing them: straight ahead is 90, their left is less."""
    (px, py), (fx, fy) = PERSON[task_name] if stance is None else stance
    vx, vy = target_xy[0] - px, target_xy[1] - py
    left = math.degrees(math.atan2(fx * vy - fy * vx, fx * vx + fy * vy))
    return 90.0 - left


def scene_objects(env: gym.Env) -> dict[str, tuple[str, np.ndarray]]:
    """Colour -> (shape, (x, y)) of every object or landmark in the env's current scene: what
    the robot sees, and what a pointed direction is resolved against."""
    from robocue.envs.tasks.reach import object_name

    task, engine = env.unwrapped.task, env.unwrapped.engine
    objects = {}
    for color, placed in task.placed.items():
        if isinstance(placed, tuple):
            shape, position = placed
        else:
            shape, position = placed, engine.body_position(object_name(color, placed))
        objects[color] = (shape, np.asarray(position, dtype=np.float64)[:2])
    return objects


def object_bearings(env: gym.Env, stance=None) -> dict[str, float]:
    """Colour -> the pointing direction (:func:`pointing_direction`) of each object in the
    env's current scene, seen from ``stance`` (default: the task's ``PERSON``)."""
    name = env.unwrapped.task.name
    return {color: pointing_direction(name, xy, stance) for color, (_, xy) in scene_objects(env).items()}


def choose_stance(task_name: str, target_xy, others_xy) -> tuple:
    """The stance of ``STANCES[task_name]`` from which the target's bearing is furthest from
    every other object's (the first such, so the choice is deterministic)."""
    best, best_gap = None, -1.0
    for stance in STANCES[task_name]:
        bearing = pointing_direction(task_name, target_xy, stance)
        gap = min((_angle_error(bearing, pointing_direction(task_name, xy, stance)) for xy in others_xy), default=180.0)
        if gap > best_gap:
            best, best_gap = stance, gap
    return best


def pointing_belief(objects: dict, direction: float | None, stance, task_name: str, sigma_deg: float = POINTING_SIGMA_DEG):
    """Probabilities over colours and shapes (``DECODER_FIELDS`` order, "not said" last) of
    the object a direction pointed from ``stance`` picks out.

    Each object in ``objects`` (colour -> (shape, xy)) weighs exp(-e^2 / 2 sigma^2), e its
    bearing's angle from ``direction``; no direction gives all weight to "not said".
    """
    colors, shapes = DECODER_FIELDS["color"], DECODER_FIELDS["shape"]
    color_belief, shape_belief = np.zeros(len(colors)), np.zeros(len(shapes))
    if direction is None or not objects:
        color_belief[-1] = shape_belief[-1] = 1.0
        return color_belief, shape_belief
    errors = {color: _angle_error(pointing_direction(task_name, xy, stance), direction) for color, (_, xy) in objects.items()}
    nearest = min(errors.values())  # subtracted before exponentiating: never all zero
    for color, (shape, _) in objects.items():
        weight = math.exp(-0.5 * ((errors[color] ** 2 - nearest**2) / sigma_deg**2))
        color_belief[colors.index(color)] += weight
        shape_belief[shapes.index(shape)] += weight
    return color_belief / color_belief.sum(), shape_belief / shape_belief.sum()


def simulated_point(
    rng: np.random.Generator,
    encoder,
    performers,
    task_name: str,
    objects: dict,
    target_xy,
    target_color: str | None,
    shown=("point",),
    *,
    stance=None,
    roll_scale: float = 1.0,
    turn_back_roll: bool = True,
) -> dict:
    """The simulated person points at a target, and the robot recognises where.

    The person walks to the stance from which the target stands out (:func:`choose_stance`
    against every object of ``objects`` but ``target_color``; or ``stance`` when given); a
    performer drawn from ``performers`` with ``rng`` performs ``shown`` (the point first) at
    the target's bearing; ``encoder`` recognises the clip; the robot turns the recognised
    direction back by the performer's camera roll, which it knows (unless
    ``turn_back_roll`` is False). ``roll_scale`` scales that roll (1: as generated, 0: a
    level camera), for measuring what the roll costs.

    Returns:
        ``stance``, ``performer`` (its seed), ``bearing_deg`` (the direction pointed at),
        ``understood`` (``encoder.understand`` of the clip) and ``direction_deg`` (the
        recognised direction the robot resolves, None when no point was recognised).
    """
    import dataclasses

    from robocue.perception import gestures

    if stance is None:
        stance = choose_stance(task_name, target_xy, [xy for color, (_, xy) in objects.items() if color != target_color])
    bearing = pointing_direction(task_name, target_xy, stance)
    seed = performers[int(rng.integers(len(performers)))]
    performer = gestures.Performer.from_seed(seed)
    if roll_scale != 1.0:
        performer = dataclasses.replace(performer, roll_deg=performer.roll_deg * roll_scale)
    clip = gestures.sample_clip(rng, performer, list(shown), point_deg=bearing)
    understood = encoder.understand(clip.landmarks)
    direction = understood["command"].get("direction_deg")
    if direction is not None and turn_back_roll:
        # The camera roll turns everything in the image; the robot watching the person knows
        # how its own camera is rolled and turns the direction back.
        direction = (direction - performer.roll_deg) % 360.0
    return {"stance": stance, "performer": seed, "bearing_deg": bearing, "understood": understood, "direction_deg": direction}


class GestureCommands(_CommandChannel):
    """The simulated person gives the command with hand gestures; the policy reads what the
    gesture encoder recognised, in the same 19 features as spoken commands.

    The person walks to the stance from which the target stands out most
    (:func:`choose_stance`), points at it (:func:`pointing_direction`) and, where the task
    has a destination, swipes towards it; a performer of the split's pool performs it
    (``gesture``: training performers, ``gesture-heldout``: held-out ones). Features
    (``DECODER_FIELDS`` order, as :class:`SpokenCommands`' belief): the recognised task and
    destination as one-hots, and colour and shape as :func:`pointing_belief` of the
    recognised direction against the objects in the scene, which the robot sees, from where
    the person stands, which it sees too. The robot also knows how its camera watching the
    person is rolled (each performer's camera roll) and turns the recognised direction back
    by it. After :meth:`show`, a person's own clip replaces the simulated performer at every
    reset, shown from ``PERSON`` with a level camera.
    """

    def __init__(self, env: gym.Env, split: str = "gesture", encoder=None):
        from robocue.perception import gestures

        if split not in GESTURE_SPLITS:
            raise ValueError(f"gesture split {split!r} is not one of: {', '.join(GESTURE_SPLITS)}")
        super().__init__(env, BELIEF_DIM, BELIEF_FIELDS)
        self.split = split
        self.encoder = encoder if encoder is not None else gestures.load_default_gesture_encoder()
        self.performers = gestures.performers(GESTURE_SPLITS[split])
        self.clip: np.ndarray | None = None  # set with show(): a person's own clip, shown at every reset
        self._clip_understood: dict | None = None

    def show(self, landmarks: np.ndarray) -> dict:
        """From now on the person shows ``landmarks`` (``(T, 21, 3)``) at every reset instead
        of a simulated performer; returns what the encoder understood of them."""
        self.clip = np.asarray(landmarks, dtype=np.float32)
        self._clip_understood = self.encoder.understand(self.clip)
        return self._clip_understood

    def _hear(self, command: dict) -> tuple[np.ndarray, dict]:
        task_name = self.env.unwrapped.task.name
        objects = scene_objects(self.env)
        if command["color"] in objects:
            target = objects[command["color"]][1]
        else:  # a task whose target is a place, not an object
            task, engine = self.env.unwrapped.task, self.env.unwrapped.engine
            target = np.asarray(task.desired_goal(engine))[:2]
        if self.clip is not None:  # a person's own clip, shown from PERSON with a level camera
            stance, shown, performer, understood = PERSON[task_name], None, "person", self._clip_understood
            pointed = understood["command"].get("direction_deg")
        else:
            shown = ["point"] + ([_SWIPE_FOR[command["destination"]]] if command["destination"] else [])
            point = simulated_point(self._rng, self.encoder, self.performers, task_name, objects, target, command["color"], shown)
            stance, performer, understood, pointed = point["stance"], point["performer"], point["understood"], point["direction_deg"]
        color_belief, shape_belief = pointing_belief(objects, pointed, stance, task_name)
        fields = {field: np.zeros(len(classes)) for field, classes in DECODER_FIELDS.items()}
        for field in ("task", "destination"):
            fields[field][DECODER_FIELDS[field].index(understood["command"][field])] = 1.0
        fields["color"], fields["shape"] = color_belief, shape_belief
        features = np.concatenate([fields[field] for field in DECODER_FIELDS]).astype(np.float32)
        heard = {
            "gestures": understood["gestures"],
            "shown": shown,
            "stance": [float(v) for v in stance[0]],
            "pointed_at_deg": round(pointing_direction(task_name, target, stance), 1),
            "understood_color": DECODER_FIELDS["color"][int(np.argmax(color_belief))],
            "performer": performer,
            "split": self.split if self.clip is None else "person",
        }
        if self.clip is not None:
            heard["text"] = _gesture_text(understood["gestures"], command)  # what a replay overlays
        return features, heard


def _gesture_text(gestures: list[dict], command: dict) -> str:
    """One line for a video: the recognised gestures, then the command they picked."""
    from robocue.envs.commands import Command

    shown = ", ".join(g["label"] + (f" {g['direction_deg']:.0f} deg" if g["direction_deg"] is not None else "") for g in gestures)
    return f"{shown or 'no gesture'} -> {Command(**command).text()}"


ENCODER_FILE = "language_encoder.pt"  # a spoken-command run's own copy of its encoder


def load_language_encoder(path=None):
    """The language encoder saved at ``path``, or the shipped default when ``path`` is None."""
    from robocue.perception import language

    return language.LanguageEncoder.load(path) if path else language.load_default_language_encoder()


def wrap(
    env: gym.Env,
    frame_stack: int = 1,
    commands: str = "onehot",
    split: str = "train",
    encoder_path=None,
    command_features: str = "belief",
    omit_shape: float = 0.0,
    token_noise: float = 0.0,
) -> gym.Env:
    """Every wrapper a config asks for: object-token noise and frame stacking, then spoken
    commands (``omit_shape``: how often the simulated human leaves out the shape;
    ``token_noise``: std in metres of the noise on object positions; training sets both,
    evaluation neither)."""
    if commands not in COMMAND_MODES:
        raise ValueError(f"commands={commands!r} is not one of: {', '.join(COMMAND_MODES)}")
    env = wrap_frames(env, frame_stack, token_noise)
    if commands == "language":
        env = SpokenCommands(env, split, load_language_encoder(encoder_path), features=command_features, omit_shape=omit_shape)
    elif commands == "gesture":
        env = GestureCommands(env, "gesture" if split == "train" else split)
    return env


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
    from robocue.agents.replay import record_episodes

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
POINT_TOLERANCE_DEG = 10.0  # a pointed-at target lies this close to the recognised direction


def load_gesture_clip(path) -> np.ndarray:
    """A person's hand-landmark clip from a ``.npy`` file, checked, as float32 ``(T, 21, 3)``.

    Accepts any real floating dtype (converted to float32). Dropped frames are all-NaN or
    all-zero. Every other value must be finite, ``x`` and ``y`` within ``CLIP_XY_RANGE``
    (normalised image coordinates) and ``|z|`` at most ``CLIP_Z_LIMIT``.

    Raises:
        ValueError: One line saying what is wrong with the file.
    """
    from pathlib import Path

    path = Path(path)
    name = f"gesture clip {str(path)!r}"
    if not path.is_file():
        raise ValueError(f"{name}: no such file")
    if path.suffix.lower() != ".npy":
        raise ValueError(f"{name}: must be a .npy file holding float32 hand landmarks (T, 21, 3)")
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


def make_gesture_clip(gestures: list[str], direction_deg: float | None = None, performer: int = 1, seed: int = 0):
    """A synthetic clip to try ``robocue command --gesture`` with: ``perception.gestures.sample_clip``
    by ``performer`` with the camera held level (no roll), so a ``point`` is recognised near
    ``direction_deg`` (0 = right, 90 = up; None: a random direction). Returns the ``Clip``."""
    import dataclasses

    from robocue.perception.gestures import Performer, sample_clip

    level = dataclasses.replace(Performer.from_seed(performer), roll_deg=0.0)
    return sample_clip(np.random.default_rng(seed), level, list(gestures), point_deg=direction_deg)


def _angle_error(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


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
        nearest = min(bearings, key=lambda color: _angle_error(bearings[color], direction))
        if nearest == info["command"]["color"] and _angle_error(bearings[nearest], direction) <= tolerance_deg:
            return candidate
    wanted = f" and destination={destination}" if destination else ""
    span = f"; the person sees objects between {min(seen):.0f} and {max(seen):.0f} deg" if seen else ""
    raise ValueError(
        f"no scene among seeds {seed}-{seed + tries - 1} has its target{wanted} within {tolerance_deg:.0f} deg of "
        f"the pointed direction {direction:.0f} deg{span}"
    )


def follow_gesture(agent, landmarks: np.ndarray, seed: int, out, width: int = 480, height: int = 360) -> dict:
    """One seeded episode of a gesture agent following a person's clip, recorded to ``out``.

    The clip replaces the simulated person's; the scene is the first seed from ``seed`` on
    whose scene the gestures pick the commanded object (:func:`find_gesture_scene`).

    Returns:
        ``gestures`` (recognised: label, start, end, direction_deg), ``understood`` (the
        command fields they imply, with ``direction_deg``), ``command`` (the scene's command
        they picked), ``pointed_at_deg`` (the target's bearing), ``seed``, ``success``, ``video``.
    """
    from robocue.agents.replay import record_episodes

    check_follows(agent, "gesture")
    env = agent.make_env(render_mode="rgb_array", render_width=width, render_height=height)
    try:
        gestures = _find_wrapper(env, GestureCommands)
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
