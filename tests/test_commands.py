"""The command vocabulary: one-hot encoding, validation and rendering in words."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from robocue.envs.commands import (
    COLORS,
    COMMAND_DIM,
    DESTINATIONS,
    SHAPES,
    TASKS,
    Command,
    decode_command,
    encode_command,
    num_templates,
)

# Tasks whose commands name a destination (every template mentions it).
DESTINATION_TASKS = ("push", "pick_and_place")
ALL_COMMANDS = [
    Command(task, color, shape, destination)
    for task, color, shape, destination in itertools.product(TASKS, COLORS, SHAPES, DESTINATIONS + (None,))
    if (destination is not None) == (task in DESTINATION_TASKS)
]


def test_encode_decode_round_trip_over_every_valid_command():
    """Every valid command encodes to a float32 one-hot vector and decodes back to itself."""
    seen = set()
    for command in ALL_COMMANDS:
        vector = encode_command(command)
        assert vector.shape == (COMMAND_DIM,)
        assert vector.dtype == np.float32
        assert set(np.unique(vector)) <= {0.0, 1.0}
        assert vector.sum() == 4  # one hot per field
        assert decode_command(vector) == command
        seen.add(vector.tobytes())
    assert len(seen) == len(ALL_COMMANDS), "two commands share an encoding"


@pytest.mark.parametrize(
    "field, kwargs",
    [
        ("task", dict(task="dance", color="red", shape="cube")),
        ("color", dict(task="reach", color="purple", shape="cube")),
        ("shape", dict(task="reach", color="red", shape="pyramid")),
        ("destination", dict(task="push", color="red", shape="cube", destination="up")),
    ],
)
def test_invalid_field_raises_value_error_naming_the_field(field, kwargs):
    with pytest.raises(ValueError, match=rf"\b{field}="):
        Command(**kwargs)


@pytest.mark.parametrize("shape", [(COMMAND_DIM - 1,), (COMMAND_DIM + 1,), (2, COMMAND_DIM)])
def test_decode_rejects_vectors_of_the_wrong_shape(shape):
    with pytest.raises(ValueError, match="shape"):
        decode_command(np.zeros(shape, dtype=np.float32))


def test_text_names_color_and_shape_in_every_template():
    """Every paraphrase template of every command mentions its colour and shape words."""
    for command in ALL_COMMANDS:
        for index in range(num_templates(command.task)):
            text = command.text(index)
            assert command.color in text.split(), text
            assert command.shape in text.split(), text


def test_text_names_the_destination_where_the_task_has_one():
    for command in ALL_COMMANDS:
        if command.task in DESTINATION_TASKS and command.destination is not None:
            for index in range(num_templates(command.task)):
                assert command.destination in command.text(index).split()


def test_templates_are_paraphrases_and_index_wraps_around():
    command = Command("reach", "blue", "ball")
    n = num_templates("reach")
    texts = {command.text(i) for i in range(n)}
    assert len(texts) == n > 1
    assert command.text(n) == command.text(0)


def test_to_dict_holds_every_field():
    assert Command("push", "green", "cylinder", "left").to_dict() == {
        "task": "push",
        "color": "green",
        "shape": "cylinder",
        "destination": "left",
    }


@pytest.mark.parametrize("task", DESTINATION_TASKS)
def test_destination_tasks_require_a_destination(task):
    """push/pick_and_place without a destination is rejected, naming the allowed ones."""
    with pytest.raises(ValueError, match="needs a destination"):
        Command(task, "red", "cube")


@pytest.mark.parametrize("task", [t for t in TASKS if t not in DESTINATION_TASKS])
def test_tasks_without_destination_reject_one(task):
    with pytest.raises(ValueError, match="takes no destination"):
        Command(task, "red", "cube", "left")
