"""Constants, errors and the detector interface shared by the detection modules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

FORMAT = "robocue-detection-v1"
DETECTOR_FORMAT = "robocue-detector-v1"
# An object showing fewer pixels than this counts as not detectable (the detector's target).
MIN_VISIBLE_PIXELS = 2
# Half of its footprint must show for an object to count as visible in the metrics.
VISIBLE_FRACTION = 0.5
CATEGORIES = ("visible", "occluded", "out_of_view")
# Where each engine's image shows a point relative to the ideal pinhole (pixel (i, j)'s
# centre at (u=j, v=i)), pixels. MuJoCo's matches it; PyBullet's TinyRenderer samples
# pixels at whole coordinates and flips rows, so it draws everything half a pixel right and
# up (measured: blob centroids of fully visible objects sat at +0.50, -0.50 px from the
# pinhole projection in PyBullet, +0.00, -0.01 in MuJoCo, on 1200 held-out frames).
PIXEL_OFFSET = {"mujoco": (0.0, 0.0), "pybullet": (0.5, -0.5)}
ARRAY_KEYS = (
    "images",
    "present",
    "shape",
    "world",
    "uv",
    "depth",
    "in_view",
    "visible_pixels",
    "footprint_pixels",
    "camera_pos",
    "camera_lookat",
    "pixel_offset",
    "env_index",
    "seed",
    "step",
)


class DetectionError(ValueError):
    """Bad input to the detection tools (missing file, wrong format, unknown env id)."""


@dataclass
class Detections:
    """What a detector reports for N images: per colour slot whether it sees the object
    (``present``, (N, C) bool), where (``uv``, (N, C, 2) pixel coordinates, NaN when not
    found), its confidence (``score``) and, for the CNN, the shape (``shape``, (N, C) index
    into SHAPES)."""

    present: np.ndarray
    uv: np.ndarray
    score: np.ndarray
    shape: np.ndarray | None = None


class Detector(Protocol):
    """What the modular path asks of a detector: :class:`Detections` for uint8 RGB images (N, H, W, 3)."""

    def predict(self, images: np.ndarray) -> Detections: ...
