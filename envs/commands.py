"""The command vocabulary: what a simulated human can ask the robot to do.

A command is structured (task, colour, shape, destination). This module is the single
home of the vocabulary: envs encode commands from it, and the language and gesture
encoders are built on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TASKS = ("reach", "push", "pick_and_place", "go_to")
COLORS = ("red", "green", "blue", "yellow")
SHAPES = ("cube", "ball", "cylinder")
DESTINATIONS = ("left", "right", "front", "back")
TASKS_WITH_DESTINATION = ("push", "pick_and_place")

COLOR_RGBA = {
    "red": (0.85, 0.15, 0.15, 1.0),
    "green": (0.15, 0.7, 0.2, 1.0),
    "blue": (0.15, 0.3, 0.9, 1.0),
    "yellow": (0.95, 0.85, 0.1, 1.0),
}

# One-hot blocks in this order; destination has an extra "none" slot.
_FIELDS = (
    ("task", TASKS),
    ("color", COLORS),
    ("shape", SHAPES),
    ("destination", DESTINATIONS + (None,)),
)
COMMAND_DIM = sum(len(values) for _, values in _FIELDS)


def field_offsets(fields) -> dict[str, tuple[int, int]]:
    """Field -> (offset, size) of consecutive blocks, one per ``(field, values)`` pair."""
    offsets, offset = {}, 0
    for field, values in fields:
        offsets[field] = (offset, len(values))
        offset += len(values)
    return offsets


# Where each field sits in the vector. Policies that match a command's colour and shape
# against the objects' read this (``observation_layout``).
COMMAND_FIELDS = field_offsets(_FIELDS)

_SHAPE_WORDS = {"cube": "cube", "ball": "ball", "cylinder": "cylinder"}
_TEMPLATES = {
    "reach": (
        "reach the {color} {shape}",
        "touch the {color} {shape}",
        "move your hand to the {color} {shape}",
        "go for the {color} {shape}",
    ),
    "push": (
        "push the {color} {shape} to the {destination}",
        "slide the {color} {shape} {destination}",
    ),
    "pick_and_place": (
        "put the {color} {shape} on the {destination}",
        "pick up the {color} {shape} and place it {destination}",
    ),
    "go_to": (
        "drive to the {color} {shape}",
        "go to the {color} {shape}",
    ),
}


@dataclass(frozen=True)
class Command:
    """A structured command: what to do, to which object, and where to.

    Attributes:
        task: One of ``TASKS``.
        color: Colour of the target object, one of ``COLORS``.
        shape: Shape of the target object, one of ``SHAPES``.
        destination: Destination region, one of ``DESTINATIONS``, or None where the task
            has none (reach, go_to).
    """

    task: str
    color: str
    shape: str
    destination: str | None = None

    def __post_init__(self):
        for field, values in _FIELDS:
            value = getattr(self, field)
            if value not in values:
                allowed = ", ".join(str(v) for v in values)
                raise ValueError(f"command {field}={value!r} is not one of: {allowed}")
        needs_destination = self.task in TASKS_WITH_DESTINATION
        if needs_destination and self.destination is None:
            raise ValueError(f"command task={self.task!r} needs a destination, one of: {', '.join(DESTINATIONS)}")
        if not needs_destination and self.destination is not None:
            raise ValueError(f"command task={self.task!r} takes no destination, got {self.destination!r}")

    def text(self, template_index: int = 0) -> str:
        """Renders the command in words from the template grammar."""
        templates = _TEMPLATES[self.task]
        template = templates[template_index % len(templates)]
        return template.format(color=self.color, shape=_SHAPE_WORDS[self.shape], destination=self.destination)

    def to_dict(self) -> dict:
        return {"task": self.task, "color": self.color, "shape": self.shape, "destination": self.destination}


def num_templates(task: str) -> int:
    """Number of paraphrase templates the grammar has for ``task``."""
    return len(_TEMPLATES[task])


def encode_command(command: Command) -> np.ndarray:
    """Concatenated one-hot encoding of a command, shape ``(COMMAND_DIM,)``, float32."""
    vector = np.zeros(COMMAND_DIM, dtype=np.float32)
    for field, values in _FIELDS:
        vector[COMMAND_FIELDS[field][0] + values.index(getattr(command, field))] = 1.0
    return vector


def decode_command(vector: np.ndarray) -> Command:
    """Inverse of :func:`encode_command` (argmax per field)."""
    vector = np.asarray(vector)
    if vector.shape != (COMMAND_DIM,):
        raise ValueError(f"command vector must have shape ({COMMAND_DIM},), got {vector.shape}")
    fields = {}
    for field, values in _FIELDS:
        offset, size = COMMAND_FIELDS[field]
        fields[field] = values[int(np.argmax(vector[offset : offset + size]))]
    return Command(**fields)
