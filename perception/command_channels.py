"""The simulated human commands in words or gestures, read through a command encoder.

Both wrappers here replace the env's one-hot command with what an encoder understood, in
the same place (:class:`_CommandChannel`): :class:`SpokenCommands` (words, below) and
:class:`GestureCommands` (the person points at the target and swipes to the destination;
the gesture encoder's recognition, see its docstring).

:class:`SpokenCommands` wraps a robocue env. At every reset the simulated human says the
episode's command with the template grammar (``robocue.perception.language``), and the policy
sees the language encoder's command features in place of the one-hot command: in the
state vector's command block (the attention extractor's query) or in the ``command`` key of
Dict observations. The encoder is robocue's shipped default, frozen.

What the policy reads (``features``): ``decoded`` (default), what the encoder understood,
one-hot per field (task, colour, shape, destination, each with its "not said" class), so a
sentence the grammar never uses, once understood, reads exactly as the grammar's own do;
``belief``, the encoder's decoding head as per-field probabilities, which are less sure on
words from outside the grammar than on any the policy trained with; or ``embedding``, the
encoder's raw 64-dimensional features, which vary from paraphrase to paraphrase of the same
command and took PPO far longer to ground (docs/commands.md).

Splits (``perception.language.SPLITS``) choose what the human says: ``train`` (training
templates, training colour-shape-task combinations), ``paraphrase`` (held-out templates)
or ``composition`` (held-out combinations, training templates), or ``outside``,
``outside-blind`` to ``outside-blind8`` (the out-of-grammar phrasings of
``tests/data/outside_phrasings*.tsv``, evaluation only: a sentence whose task, colour and
destination are the episode's and whose shape is the episode's or unsaid). An episode whose
command does not belong to the split is redrawn (the env resets again, continuing its seeded
random stream), so training never sees a held-out combination and a ``composition``
evaluation sees nothing else.
"""

from __future__ import annotations

import dataclasses
import math

import gymnasium as gym
import numpy as np
import torch

from robocue.envs.commands import COMMAND_DIM, Command, field_offsets
from robocue.envs.person import PERSON, angle_error, choose_stance, pointing_direction, scene_objects
from robocue.envs.wrappers import wrap as wrap_frames
from robocue.perception import gestures, language
from robocue.perception.clarify import settled
from robocue.perception.command_heads import DECODER_FIELDS
from robocue.perception.command_splits import COMMAND_SPLITS, GESTURE_SPLITS
from robocue.perception.outside import PHRASING_FILES, outside_gestures, outside_phrasings

COMMAND_MODES = ("onehot", "language", "gesture")
COMMAND_FEATURES = ("decoded", "belief", "embedding")
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
        try:  # the layout as the wrappers inside made it (object motion grows the tokens)
            layout = env.get_wrapper_attr("observation_layout")
        except AttributeError:
            layout = None
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

    def __init__(self, env: gym.Env, split: str = "train", encoder=None, features: str = "decoded", omit_shape: float = 0.0):
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
        if self.split in PHRASING_FILES and self.utterance is None:
            return bool(_outside_sentences(command, self.split))
        combination = (command["task"], command["color"], command["shape"])
        return self.utterance is not None or (combination in self.held_out) == (self.split == "composition")

    def _hear(self, command: dict) -> tuple[np.ndarray, dict]:
        utterance = self._utterance(command)
        heard = {"utterance": utterance, "split": self.split if self.utterance is None else "person"}
        if self.utterance is not None:
            heard["text"] = utterance  # what a replay overlays
        return self._read(utterance), heard

    def _utterance(self, command: dict) -> str:
        """What the person says: their own words, an outside phrasing or the grammar's."""
        if self.utterance is not None:
            return self.utterance
        omit = self.omit_shape > 0 and command["shape"] is not None and self._rng.random() < self.omit_shape
        if self.split in PHRASING_FILES:
            sentences = _outside_sentences(command, self.split)
            return sentences[int(self._rng.integers(len(sentences)))]
        return self.say(command, self._rng, split=self.split, omit_shape=omit)

    def _read(self, utterance: str) -> np.ndarray:
        """What the policy reads of ``utterance`` (``self.features``)."""
        with torch.no_grad():
            embedding = self.encoder.encode_texts([utterance])
            if self.features == "embedding":
                return embedding[0].cpu().numpy()
            logits = self.encoder.decoder(embedding)
            belief = torch.cat([torch.softmax(logits[field], dim=-1) for field in DECODER_FIELDS], dim=-1)[0].cpu().numpy()
        tokenizer = getattr(self.encoder, "tokenizer", None)  # (the pretrained encoders read sentences whole)
        if tokenizer is not None:
            belief = with_settled_fields(belief, tokenizer.read(utterance))
        return decoded(belief) if self.features == "decoded" else belief


def with_settled_fields(belief: np.ndarray, read: list[tuple[str, str | None]]) -> np.ndarray:
    """``belief`` made sure of what the words settle themselves (``clarify.settled``: the task the verbs name, a
    colour, shape or place named once), as ``interpret`` and ``robocue understand`` read them; the other fields
    unchanged. ``read``: the tokenizer's ``(written, known)`` pairs."""
    offset, size = BELIEF_FIELDS["task"]
    task = DECODER_FIELDS["task"][int(np.argmax(belief[offset : offset + size]))]
    out = belief.copy()
    for field, value in settled(read, task).items():
        offset, size = BELIEF_FIELDS[field]
        out[offset : offset + size] = 0.0
        out[offset + DECODER_FIELDS[field].index(value)] = 1.0
    return out


def decoded(belief: np.ndarray) -> np.ndarray:
    """Belief features made one-hot per field: what the encoder understood."""
    out = np.zeros_like(belief)
    for offset, size in BELIEF_FIELDS.values():
        out[offset + int(np.argmax(belief[offset : offset + size]))] = 1.0
    return out


def _outside_sentences(command: dict, split: str = "outside") -> list[str]:
    """Sentences of an outside ``split`` that say ``command`` (the shape may go unsaid: colours are unique in a scene)."""
    return [
        text
        for text, said in outside_phrasings(PHRASING_FILES[split])
        if all(said[f] == command[f] for f in ("task", "color", "destination")) and said["shape"] in (command["shape"], None)
    ]


_SWIPE_FOR = {"left": "swipe_left", "right": "swipe_right", "back": "swipe_up", "front": "swipe_down"}
# Spread of the pointing belief: the RMS error of the recognised direction (4.3 deg over 300
# clips of training performers, the camera roll turned back; median 3.8, 95th percentile
# 7.3), rounded up.
POINTING_SIGMA_DEG = 5.0


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
    errors = {color: angle_error(pointing_direction(task_name, xy, stance), direction) for color, (_, xy) in objects.items()}
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


def outside_point(rng: np.random.Generator, encoder, task_name: str, objects: dict, target_xy, target_color, shown) -> dict:
    """:func:`simulated_point` with a person of the independent generator (``tests/outside_gestures.py``)
    instead of a performer: a clip of ``shown``, trimmed tightly or with a little idle, its
    camera roll turned back as the robot knows it."""
    stance = choose_stance(task_name, target_xy, [xy for color, (_, xy) in objects.items() if color != target_color])
    bearing = pointing_direction(task_name, target_xy, stance)
    clip = outside_gestures().outside_clip(rng, kind=str(rng.choice(["tight", "margin"])), gestures=list(shown), point_deg=bearing)
    understood = encoder.understand(clip.landmarks)
    direction = understood["command"].get("direction_deg")
    if direction is not None:  # this generator's roll turns image directions by -camera_roll_deg
        direction = (direction + clip.camera_roll_deg) % 360.0
    return {"stance": stance, "performer": "outside", "bearing_deg": bearing, "understood": understood, "direction_deg": direction}


class GestureCommands(_CommandChannel):
    """The simulated person gives the command with hand gestures; the policy reads what the
    gesture reader recognised (``encoder``; default: :func:`load_gesture_reader`'s geometric
    reader), in the same 19 features as spoken commands.

    The person walks to the stance from which the target stands out most
    (:func:`choose_stance`), points at it (:func:`pointing_direction`) and, where the task
    has a destination, swipes towards it; a performer of the split's pool performs it
    (``gesture``: training performers, ``gesture-heldout``: held-out ones). Features
    (``DECODER_FIELDS`` order, as :class:`SpokenCommands`' belief): the recognised task and
    destination as one-hots, and colour and shape as :func:`pointing_belief` of the
    recognised direction against the objects in the scene, which the robot sees, from where
    the person stands, which it sees too; with ``features="decoded"`` (default) the robot
    commits to the most likely object (its colour and shape one-hot), with ``"belief"`` it
    passes the probabilities on. The robot also knows how its camera watching the
    person is rolled (each performer's camera roll) and turns the recognised direction back
    by it. After :meth:`show`, a person's own clip replaces the simulated performer at every
    reset, shown from ``PERSON`` with a level camera.
    """

    def __init__(self, env: gym.Env, split: str = "gesture", encoder=None, features: str = "decoded"):
        if split not in GESTURE_SPLITS:
            raise ValueError(f"gesture split {split!r} is not one of: {', '.join(GESTURE_SPLITS)}")
        if features not in ("decoded", "belief"):
            raise ValueError(f"gesture command features {features!r} are not one of: decoded, belief")
        super().__init__(env, BELIEF_DIM, BELIEF_FIELDS)
        self.split, self.features = split, features
        self.encoder = encoder if encoder is not None else gestures.load_gesture_reader()
        self.performers = gestures.performers(GESTURE_SPLITS[split]) if split != "gesture-outside" else []
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
            if self.split == "gesture-outside":
                point = outside_point(self._rng, self.encoder, task_name, objects, target, command["color"], shown)
            else:
                point = simulated_point(self._rng, self.encoder, self.performers, task_name, objects, target, command["color"], shown)
            stance, performer, understood, pointed = point["stance"], point["performer"], point["understood"], point["direction_deg"]
        color_belief, shape_belief = pointing_belief(objects, pointed, stance, task_name)
        if self.features == "decoded" and pointed is not None and objects:
            # The robot commits to the object it most believes was pointed at.
            best = int(np.argmax(color_belief))
            shape = objects[DECODER_FIELDS["color"][best]][0]
            color_belief = np.eye(len(color_belief))[best]
            shape_belief = np.eye(len(shape_belief))[DECODER_FIELDS["shape"].index(shape)]
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
    shown = ", ".join(g["label"] + (f" {g['direction_deg']:.0f} deg" if g["direction_deg"] is not None else "") for g in gestures)
    return f"{shown or 'no gesture'} -> {Command(**command).text()}"


ENCODER_FILE = "language_encoder.pt"  # a spoken-command run's own copy of its encoder


def load_language_encoder(path=None):
    """The language encoder saved at ``path``, or the shipped default when ``path`` is None."""
    return language.LanguageEncoder.load(path) if path else language.load_default_language_encoder()


def wrap(
    env: gym.Env,
    frame_stack: int = 1,
    commands: str = "onehot",
    split: str = "train",
    encoder_path=None,
    command_features: str = "decoded",
    omit_shape: float = 0.0,
    token_noise: float = 0.0,
    object_motion: bool = False,
) -> gym.Env:
    """Every wrapper a config asks for: object-token noise and frame stacking, then spoken
    commands (``omit_shape``: how often the simulated human leaves out the shape;
    ``token_noise``: std in metres of the noise on object positions; training sets both,
    evaluation neither; ``object_motion``: object velocities in the tokens, both)."""
    if commands not in COMMAND_MODES:
        raise ValueError(f"commands={commands!r} is not one of: {', '.join(COMMAND_MODES)}")
    if commands != "onehot" and getattr(env.unwrapped.task, "commanded_first", False):
        raise ValueError(
            f"commanded_first=True gives the commanded object away by its token's slot: commands={commands!r} needs commands=onehot"
        )
    env = wrap_frames(env, frame_stack, token_noise, object_motion)
    if commands == "language":
        env = SpokenCommands(env, split, load_language_encoder(encoder_path), features=command_features, omit_shape=omit_shape)
    elif commands == "gesture":
        env = GestureCommands(env, "gesture" if split == "train" else split, features=command_features)
    return env
