"""The classical baseline detector: HSV thresholds per colour, the largest blob's centroid."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from robocue.envs.commands import COLOR_RGBA, COLORS
from robocue.perception.detection.base import Detections


# --- the classical baseline --------------------------------------------------------------------
def _hue_of(rgba) -> float:
    """OpenCV hue (0-180) of an RGB colour in [0, 1]."""
    pixel = np.uint8(np.round(np.asarray(rgba[:3]) * 255)).reshape(1, 1, 3)
    return float(cv2.cvtColor(pixel, cv2.COLOR_RGB2HSV)[0, 0, 0])


@dataclass
class OpenCVDetector:
    """HSV colour segmentation: per colour, pixels within ``hue_tolerance`` of the colour's
    hue (from ``envs.commands.COLOR_RGBA``) with saturation and value above the minimums;
    the largest 8-connected blob of at least ``min_pixels`` pixels is the object, its
    centroid the object's pixel position. Table, floor, arm and destination markers are
    all unsaturated, so saturation separates the objects from them.
    """

    hue_tolerance: float = 12.0
    min_saturation: int = 110
    min_value: int = 40
    min_pixels: int = 1
    hues: dict[str, float] = field(default_factory=lambda: {color: _hue_of(COLOR_RGBA[color]) for color in COLORS})

    def masks(self, image: np.ndarray) -> np.ndarray:
        """(C, H, W) bool: pixels of each colour in one RGB uint8 image."""
        hsv = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2HSV)
        hue = hsv[..., 0].astype(np.float32)
        strong = (hsv[..., 1] >= self.min_saturation) & (hsv[..., 2] >= self.min_value)
        out = np.zeros((len(COLORS), *image.shape[:2]), bool)
        for i, color in enumerate(COLORS):
            distance = np.abs(hue - self.hues[color])
            distance = np.minimum(distance, 180 - distance)  # hue wraps around (red)
            out[i] = strong & (distance <= self.hue_tolerance)
        return out

    def predict(self, images: np.ndarray) -> Detections:
        """Detections for uint8 RGB images (N, H, W, 3)."""
        images = np.asarray(images)
        if images.ndim == 3:
            images = images[None]
        n, c = len(images), len(COLORS)
        uv = np.full((n, c, 2), np.nan, np.float32)
        score = np.zeros((n, c), np.float32)
        for k, image in enumerate(images):
            for i, mask in enumerate(self.masks(image)):
                count, labels, stats, centroids = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
                if count <= 1:
                    continue
                areas = stats[1:, cv2.CC_STAT_AREA]
                best = int(np.argmax(areas))
                if areas[best] >= self.min_pixels:
                    uv[k, i] = centroids[best + 1]
                    score[k, i] = areas[best]
        return Detections(present=score > 0, uv=uv, score=score)
