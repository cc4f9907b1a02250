"""The MediaPipe-tracked clip set (tests/data/mediapipe_rendered.*): what perception.outside loads from it."""

import json
import math

import numpy as np

from robocue.perception.gestures.vocabulary import LABELS
from robocue.perception.outside import MEDIAPIPE_RENDERED_LABELS, mediapipe_rendered_clips


def test_the_clips_load_as_the_scorers_read_them():
    clips = mediapipe_rendered_clips()
    entries = json.loads(MEDIAPIPE_RENDERED_LABELS.read_text(encoding="utf-8"))
    assert len(clips) == len(entries) == 120
    assert {kind: sum(c.kind == kind for c in clips) for kind in ("tight", "margin", "pair")} == {"tight": 40, "margin": 40, "pair": 40}
    for clip, entry in zip(clips, entries):
        frames = len(clip.landmarks)
        assert clip.landmarks.dtype == np.float32 and clip.landmarks.shape == (frames, 21, 3)
        tracked = ~np.isnan(clip.landmarks).all(axis=(1, 2))
        assert abs(tracked.mean() - entry["tracked_fraction"]) < 1e-3  # what the tracker found, as the script counted it
        assert len(clip.gestures) == (2 if clip.kind == "pair" else 1)
        previous_end = 0
        for label, start, end, direction in clip.gestures:
            assert label in LABELS and previous_end <= start < end <= frames
            previous_end = end
            assert (direction is None) == (label != "point")
        if clip.kind == "tight":
            assert clip.gestures[0][1] == 0 and clip.gestures[0][2] == frames


def test_point_directions_are_given_in_normalized_coordinates_and_in_pixels():
    for clip in mediapipe_rendered_clips():
        width, height = clip.meta["image_size"]
        for (label, *_, direction), pixel_deg in zip(clip.gestures, clip.meta["direction_deg_pixels"]):
            if label != "point":
                assert pixel_deg is None
                continue
            # the same direction: a unit step in normalised coordinates, stretched to pixels, has the pixel angle
            rad = math.radians(direction)
            back = math.degrees(math.atan2(math.sin(rad) * height, math.cos(rad) * width)) % 360.0
            assert abs((back - pixel_deg + 180.0) % 360.0 - 180.0) < 0.01
