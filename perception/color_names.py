"""Colour names people use, read as the colour robocue's objects have: "cobalt" is blue.

The table holds the CSS/X11 colour names and common names of paints, gems and foods, each
with its sRGB value as published (CSS Color Module Level 4 for the CSS names; the usual
reference swatches for the rest). A name is read by its hue, saturation and value against
robocue's four object colours (``envs.commands.COLORS``): red (hue within 20 degrees of
0 to 12 and from 332), yellow (42-68), green (75-165) or blue (190-250). A name outside those hue bands
(orange, purple, cyan, pink), or too grey, dark or pale to have a clear hue (grey, brown,
white, black, beige), or listed in :data:`NO_OBJECT_COLOR` (brown, olive), reads as no
colour, so the robot asks rather than guesses.
"""

from __future__ import annotations

import colorsys

# name: (r, g, b), 0-255.
NAMED_RGB: dict[str, tuple[int, int, int]] = {
    # CSS/X11 names with a clear hue.
    "red": (255, 0, 0), "darkred": (139, 0, 0), "firebrick": (178, 34, 34), "crimson": (220, 20, 60), "indianred": (205, 92, 92),
    "maroon": (128, 0, 0), "tomato": (255, 99, 71), "orangered": (255, 69, 0), "orange": (255, 165, 0), "darkorange": (255, 140, 0),
    "coral": (255, 127, 80), "salmon": (250, 128, 114), "pink": (255, 192, 203), "hotpink": (255, 105, 180), "magenta": (255, 0, 255),
    "fuchsia": (255, 0, 255), "purple": (128, 0, 128), "violet": (238, 130, 238), "orchid": (218, 112, 214), "plum": (221, 160, 221),
    "lavender": (230, 230, 250), "indigo": (75, 0, 130), "yellow": (255, 255, 0), "gold": (255, 215, 0), "khaki": (240, 230, 140),
    "goldenrod": (218, 165, 32), "green": (0, 128, 0), "lime": (0, 255, 0), "limegreen": (50, 205, 50), "forestgreen": (34, 139, 34),
    "darkgreen": (0, 100, 0), "seagreen": (46, 139, 87), "olive": (128, 128, 0), "olivedrab": (107, 142, 35), "chartreuse": (127, 255, 0),
    "lawngreen": (124, 252, 0), "springgreen": (0, 255, 127), "teal": (0, 128, 128), "cyan": (0, 255, 255), "aqua": (0, 255, 255),
    "turquoise": (64, 224, 208), "blue": (0, 0, 255), "navy": (0, 0, 128), "darkblue": (0, 0, 139), "mediumblue": (0, 0, 205),
    "royalblue": (65, 105, 225), "dodgerblue": (30, 144, 255), "steelblue": (70, 130, 180), "skyblue": (135, 206, 235),
    "azure": (0, 127, 255), "cornflower": (100, 149, 237), "midnightblue": (25, 25, 112), "slateblue": (106, 90, 205),
    # Too grey, dark or pale to name a hue.
    "grey": (128, 128, 128), "gray": (128, 128, 128), "silver": (192, 192, 192), "white": (255, 255, 255), "black": (0, 0, 0),
    "brown": (165, 42, 42), "tan": (210, 180, 140), "beige": (245, 245, 220), "ivory": (255, 255, 240), "chocolate": (210, 105, 30),
    # Paints, gems, foods and other everyday names.
    "scarlet": (255, 36, 0), "vermilion": (227, 66, 52), "carmine": (150, 0, 24), "cardinal": (196, 30, 58), "cherry": (222, 49, 99),
    "ruby": (224, 17, 95), "garnet": (115, 54, 53), "burgundy": (128, 0, 32),
    "rose": (255, 0, 127), "brick": (203, 65, 84),
    "amber": (255, 191, 0), "lemon": (255, 247, 0), "canary": (255, 239, 0), "mustard": (255, 219, 88), "saffron": (244, 196, 48),
    "sunflower": (255, 218, 3), "blond": (250, 240, 190), "ochre": (204, 119, 34),
    "golden": (255, 215, 0), "emerald": (80, 200, 120), "jade": (0, 168, 107), "mint": (62, 180, 137),
    "sage": (135, 174, 115), "moss": (138, 154, 91), "pine": (1, 121, 111), "grass": (124, 200, 0), "shamrock": (0, 158, 96),
    "cobalt": (0, 71, 171), "sapphire": (15, 82, 186), "cerulean": (0, 123, 167), "ultramarine": (18, 10, 143), "lapis": (38, 97, 156),
    "denim": (21, 96, 189), "prussian": (0, 49, 83), "periwinkle": (204, 204, 255), "aquamarine": (127, 255, 212),
    "peach": (255, 229, 180), "rust": (183, 65, 14),
    "copper": (184, 115, 51), "bronze": (205, 127, 50), "lilac": (200, 162, 200), "mauve": (224, 176, 255),
}  # fmt: skip
NO_OBJECT_COLOR = {"brown", "olive", "aquamarine", "pine", "salmon"}  # hues people do not call red, yellow, green or blue

# Hue bands (degrees) of robocue's object colours; a hue outside every band names none of them.
HUE_BANDS = {"red": ((332.0, 360.0), (0.0, 12.0)), "yellow": ((42.0, 68.0),), "green": ((75.0, 165.0),), "blue": ((190.0, 250.0),)}
MIN_SATURATION = 0.4  # greyer names (grey, beige, lavender) name no hue
MIN_VALUE = 0.3  # darker ones neither (black)


def color_of_rgb(rgb: tuple[int, int, int]) -> str | None:
    """robocue's object colour an sRGB colour reads as, or None when it is none of them."""
    h, s, v = colorsys.rgb_to_hsv(*(c / 255.0 for c in rgb))
    if s < MIN_SATURATION or v < MIN_VALUE:
        return None
    hue = h * 360.0
    for color, bands in HUE_BANDS.items():
        if any(low <= hue <= high for low, high in bands):
            return color
    return None


def is_color_name(word: str) -> bool:
    """Whether ``word`` is a colour name of the table (whatever colour it reads as)."""
    return word.lower() in NAMED_RGB


def color_of_name(word: str) -> str | None:
    """robocue's object colour a colour name reads as ("cobalt" -> "blue"), or None for a word
    that is not a colour name in :data:`NAMED_RGB` or names no object colour ("orange")."""
    word = word.lower()
    rgb = NAMED_RGB.get(word)
    if rgb is None and word.endswith("ish"):  # "reddish", "greenish", "bluish"
        rgb = NAMED_RGB.get(word[:-3]) or NAMED_RGB.get(word[:-4]) or NAMED_RGB.get(word[:-3] + "e")
    if rgb is None and word.endswith("y") and len(word) > 4:  # "goldy", "lemony"
        rgb = NAMED_RGB.get(word[:-1])
    return None if rgb is None or word in NO_OBJECT_COLOR else color_of_rgb(rgb)
