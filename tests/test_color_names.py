"""Colour names read by hue: the table, the word mapper's colour step, and the question for a colour no object has."""

from __future__ import annotations

import pytest

from robocue.envs.commands import COLORS
from robocue.perception.color_names import NAMED_RGB, color_of_name, color_of_rgb
from robocue.perception.language import load_default_language_encoder


@pytest.fixture(scope="module")
def default_language_encoder():
    return load_default_language_encoder()


@pytest.mark.parametrize(
    ("word", "color"),
    [
        ("cobalt", "blue"), ("sapphire", "blue"), ("navy", "blue"), ("ruby", "red"), ("cherry", "red"), ("maroon", "red"),
        ("jade", "green"), ("chartreuse", "green"), ("amber", "yellow"), ("lemon", "yellow"), ("reddish", "red"), ("bluish", "blue"),
        ("orange", None), ("purple", None), ("grey", None), ("brown", None), ("teal", None), ("pink", None), ("table", None),
    ],
)  # fmt: skip
def test_color_names_read_as_the_object_color_of_their_hue(word, color):
    assert color_of_name(word) == color


def test_the_four_object_colors_read_as_themselves_and_grays_as_none():
    for color in COLORS:
        assert color_of_name(color) == color
    assert color_of_rgb((128, 128, 128)) is None and color_of_rgb((10, 0, 0)) is None
    assert all(value is None or value in COLORS for value in map(color_of_name, NAMED_RGB))


def test_the_encoder_maps_a_color_name_and_asks_about_a_color_no_object_has(default_language_encoder):
    read = default_language_encoder.interpret("slide the cobalt block leftwards")
    assert (read["color"], read["read_as"].get("cobalt"), read["understood"]) == ("blue", "blue", True)
    orange = default_language_encoder.interpret("grab the orange ball and put it left")
    assert orange["understood"] is False and "orange" in orange["question"] and orange["unknown"] == ["orange"]
