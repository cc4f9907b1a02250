"""The command grammar: a structured command (task, colour, shape, destination) as many English utterances.

Synonyms ("cube", "block", "box"), word orders, politeness ("could you ...", "... please"),
terse forms ("red cube, left side please") and utterances that leave a field out ("the red
one" names no shape, so its shape target is ``None``). Three splits:

- ``train``: training sentence templates on the training colour-shape-task combinations.
- ``paraphrase``: held-out sentence templates (and a few held-out object phrases and
  politeness forms) never used in training, on the training combinations. They reuse the
  training content words (a word-level encoder trained from scratch cannot know a word it
  never saw) but put them in new frames, orders and fillers.
- ``composition``: training templates on the held-out combinations
  :data:`HELD_OUT_COMBINATIONS`: (task, colour, shape) with
  ``(TASKS.index(task) + COLORS.index(color) + SHAPES.index(shape)) % 4 == 0`` (12 of 48).
  Every colour-shape, colour-task and shape-task pair still occurs in training; only the
  triple is new. Composition utterances always name colour and shape.

Terse utterances without a verb ("red cube, left side please") mean ``push``. Every sampled
command dict has the four keys of :data:`perception.command_heads.DECODER_FIELDS`; it comes
from a valid :class:`envs.commands.Command` with the fields the words leave out set to None.
This module is data and sampling only (numpy); the encoders that read the words live in
:mod:`perception.language`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from robocue.envs.commands import COLORS, DESTINATIONS, SHAPES, TASKS, TASKS_WITH_DESTINATION, Command

SPLITS = ("train", "paraphrase", "composition")

COLOR_WORDS = {
    "red": ("red", "crimson", "scarlet"),
    "green": ("green", "emerald", "lime"),
    "blue": ("blue", "navy", "azure"),
    "yellow": ("yellow", "golden", "gold"),
}
SHAPE_WORDS = {
    "cube": ("cube", "block", "box"),
    "ball": ("ball", "sphere", "orb"),
    "cylinder": ("cylinder", "can", "tube"),
}
# Destination as a motion ("push it {motion}"), a location ("put it {location}"), a short side.
DESTINATION_MOTION = {
    "left": ("to the left", "left", "leftwards", "to the left side", "towards the left", "over to the left"),
    "right": ("to the right", "right", "rightwards", "to the right side", "towards the right", "over to the right"),
    "front": ("to the front", "forward", "forwards", "to the front side", "towards the front", "over to the front"),
    "back": ("to the back", "back", "backwards", "to the back side", "towards the back", "to the rear"),
}
DESTINATION_LOCATION = {
    "left": ("on the left", "on the left side", "at the left", "in the left area"),
    "right": ("on the right", "on the right side", "at the right", "in the right area"),
    "front": ("at the front", "in front", "on the front side", "in the front area"),
    "back": ("at the back", "at the rear", "on the back side", "in the back area"),
}
DESTINATION_SIDE = {
    "left": ("left", "left side", "the left", "leftwards"),
    "right": ("right", "right side", "the right", "rightwards"),
    "front": ("front", "front side", "the front", "forward"),
    "back": ("back", "back side", "the back", "backwards"),
}

# Object phrases: {c} colour word, {s} shape word. "full" names both; "no_shape"/"no_color" omit one.
OBJECT_PHRASES = {
    "train": {
        "full": ("the {c} {s}", "that {c} {s}", "the {s} in {c}", "the {s}, the {c} one"),
        "no_shape": ("the {c} one", "the {c} thing", "the {c} object", "something {c}"),
        "no_color": ("the {s}", "that {s}"),
    },
    "paraphrase": {
        "full": ("the {s} that is {c}", "this {c} {s}", "the {c} colored {s}", "the {s} which is {c}"),
        "no_shape": ("this {c} one", "whatever is {c}"),
        "no_color": ("this {s}",),
    },
}
BARE_OBJECT = {"full": ("{c} {s}",), "no_shape": ("{c} one",), "no_color": ("{s}",)}

POLITE_PREFIXES = {
    "train": ("please ", "could you ", "can you ", "i want you to ", "now ", "robot, ", "hey robot, "),
    "paraphrase": ("would you ", "kindly ", "i would like you to ", "i need you to ", "okay robot, "),
}
POLITE_SUFFIXES = {
    "train": (" please", " now", ", thanks", " thank you", " if you can"),
    "paraphrase": (" if possible", ", cheers", " when you are ready", " straight away", ", would you?"),
}

# Sentence templates: {o} object phrase, {b} bare object (no determiner), {m} destination
# motion, {l} destination location, {d} short destination side.
TEMPLATES = {
    "train": {
        "reach": (
            "reach {o}",
            "reach for {o}",
            "touch {o}",
            "tap {o}",
            "move your hand to {o}",
            "move your gripper to {o}",
            "put your gripper on {o}",
            "go for {o}",
            "reach out and touch {o}",
            "touch {o} with your hand",
            "use your arm to reach {o}",
            "use your gripper to touch {o}",
            "{b}, touch it",
            "{o} is the one to touch",
        ),
        "push": (
            "push {o} {m}",
            "slide {o} {m}",
            "shove {o} {m}",
            "nudge {o} {m}",
            "move {o} {m}",
            "drag {o} {m}",
            "give {o} a push {m}",
            "use your arm to shove {o} {m}",
            "use your gripper to slide {o} {m}",
            "push {o} so it ends up {l}",
            "slide {o} until it is {l}",
            "{b}, {d} please",
            "{b}, {d}",
            "{b} {d}",
        ),
        "pick_and_place": (
            "put {o} {l}",
            "place {o} {l}",
            "pick up {o} and place it {l}",
            "pick up {o} and put it {l}",
            "lift {o} and set it down {l}",
            "grab {o} and drop it {l}",
            "carry {o} {m}",
            "pick {o} up and move it {m}",
            "grasp {o} and put it {l}",
            "set {o} down {l}",
            "{o} is to be put {l}",
            "{l}, put {o}",
            "use your gripper to put {o} {l}",
        ),
        "go_to": (
            "go to {o}",
            "drive to {o}",
            "navigate to {o}",
            "head to {o}",
            "roll over to {o}",
            "drive over to {o}",
            "move to {o}",
            "travel to {o}",
            "go over to {o}",
            "find {o} and drive there",
            "drive to where {o} is",
            "make your way to {o}",
            "use your wheels to drive to {o}",
            "use your base to go to {o}",
        ),
    },
    "paraphrase": {
        "reach": (
            "stretch out and touch {o}",
            "i want your gripper on {o}",
            "see {o}? reach for it",
            "get your hand onto {o}",
            "{o}: touch it with your gripper",
            "your hand should touch {o}",
        ),
        "push": (
            "{m}, push {o}",
            "slide {o} a bit {m}",
            "nudge {o} gently {m}",
            "{b} {d}, push it",
            "use your gripper to push {o} {m}",
            "shove {o} along the table {m}",
        ),
        "pick_and_place": (
            "{l}: that is where you place {o}",
            "grab {o}, lift it, and put it {l}",
            "carry {o} all the way {m}",
            "pick up {o}; it goes {l}",
            "lift {o} up and carry it {m}",
            "{o} should be put {l}",
        ),
        "go_to": (
            "head on over to {o}",
            "get yourself to {o}",
            "drive up to {o}",
            "your goal: go to {o}",
            "drive next to {o}",
            "{o}, drive there",
        ),
    },
}
# Which template set and phrase sets each split draws from.
_SPLIT_TEMPLATES = {"train": "train", "paraphrase": "paraphrase", "composition": "train"}
_SPLIT_PHRASES = {"train": ("train",), "paraphrase": ("train", "paraphrase"), "composition": ("train",)}
# How often a field is left out of an utterance (train and paraphrase splits only).
OMIT_SHAPE_PROB = 0.1
OMIT_COLOR_PROB = 0.05
POLITE_PROB = 0.5


def _held_out(task: str, color: str, shape: str) -> bool:
    return (TASKS.index(task) + COLORS.index(color) + SHAPES.index(shape)) % 4 == 0


ALL_COMBINATIONS = tuple((t, c, s) for t in TASKS for c in COLORS for s in SHAPES)
HELD_OUT_COMBINATIONS = tuple(combo for combo in ALL_COMBINATIONS if _held_out(*combo))
TRAIN_COMBINATIONS = tuple(combo for combo in ALL_COMBINATIONS if not _held_out(*combo))


def split_templates(split: str) -> dict[str, tuple[str, ...]]:
    """The sentence templates per task that ``split`` draws from."""
    _check_split(split)
    return TEMPLATES[_SPLIT_TEMPLATES[split]]


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"unknown command split {split!r}; choose one of: {', '.join(SPLITS)}")


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def render_command(
    command: Command, split: str, rng: np.random.Generator, allow_omission: bool = True, kind: str | None = None
) -> tuple[str, dict]:
    """Says ``command`` with a random template of ``split``; returns the text and its target dict.

    ``kind`` forces how the object is named: ``full``, ``no_shape`` or ``no_color`` (None:
    drawn, omissions only where ``allow_omission``)."""
    _check_split(split)
    phrase_sets = _SPLIT_PHRASES[split]
    if kind not in (None, "full", "no_shape", "no_color"):
        raise ValueError(f"kind={kind!r} is not one of: full, no_shape, no_color")
    if kind is None:
        kind = "full"
    elif allow_omission:
        allow_omission = False  # forced
    if allow_omission and split != "composition":
        u = rng.random()
        if u < OMIT_SHAPE_PROB:
            kind = "no_shape"
        elif u < OMIT_SHAPE_PROB + OMIT_COLOR_PROB:
            kind = "no_color"
    objects = tuple(p for name in phrase_sets for p in OBJECT_PHRASES[name][kind])
    c, s = _pick(rng, COLOR_WORDS[command.color]), _pick(rng, SHAPE_WORDS[command.shape])
    slots = {"o": _pick(rng, objects).format(c=c, s=s), "b": _pick(rng, BARE_OBJECT[kind]).format(c=c, s=s)}
    if command.destination is not None:
        slots["m"] = _pick(rng, DESTINATION_MOTION[command.destination])
        slots["l"] = _pick(rng, DESTINATION_LOCATION[command.destination])
        slots["d"] = _pick(rng, DESTINATION_SIDE[command.destination])
    text = _pick(rng, split_templates(split)[command.task]).format(**slots)
    if rng.random() < POLITE_PROB:
        if rng.random() < 0.5:
            text = _pick(rng, tuple(p for name in phrase_sets for p in POLITE_PREFIXES[name])) + text
        else:
            text = text + _pick(rng, tuple(p for name in phrase_sets for p in POLITE_SUFFIXES[name]))
    # Surface variety the tokenizer must undo: capitals and end punctuation.
    if rng.random() < 0.3:
        text = text[:1].upper() + text[1:]
    if rng.random() < 0.3:
        text += _pick(rng, (".", "!", "?"))
    target = command.to_dict()
    if kind == "no_shape":
        target["shape"] = None
    elif kind == "no_color":
        target["color"] = None
    return text, target


def sample_command(split: str, rng: np.random.Generator) -> Command:
    """A random valid command whose (task, colour, shape) belongs to ``split``."""
    _check_split(split)
    combos = HELD_OUT_COMBINATIONS if split == "composition" else TRAIN_COMBINATIONS
    task, color, shape = combos[int(rng.integers(len(combos)))]
    destination = _pick(rng, DESTINATIONS) if task in TASKS_WITH_DESTINATION else None
    return Command(task=task, color=color, shape=shape, destination=destination)


def sample_utterances(split: str, n: int, rng: np.random.Generator | int | None = None) -> list[tuple[str, dict]]:
    """``n`` seeded (text, command dict) pairs from ``split`` ("train", "paraphrase", "composition").

    The command dict has keys task, color, shape, destination; a field the text leaves out is None.
    """
    _check_split(split)
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return [render_command(sample_command(split, rng), split, rng) for _ in range(n)]


def say(command: Command | dict, rng: np.random.Generator | int | None = None, split: str = "train", omit_shape: bool = False) -> str:
    """One utterance for ``command`` from the templates of ``split``: every field named, or
    with ``omit_shape`` the object named by its colour alone ("the red one")."""
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    command = command if isinstance(command, Command) else Command(**command)
    return render_command(command, split, rng, allow_omission=False, kind="no_shape" if omit_shape else None)[0]
