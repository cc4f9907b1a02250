"""Small statistics on robocue's lowest floor, needing numpy at most (the torch-free ONNX path uses them too)."""

from __future__ import annotations

import math


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for a success rate (sensible at 0 and 1, unlike the normal one)."""
    if trials <= 0:
        return (0.0, 1.0)
    p = successes / trials
    denominator = 1 + z**2 / trials
    center = (p + z**2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2)) / denominator
    # Clamp so that float rounding never puts the observed rate outside its own interval.
    return (max(0.0, min(p, center - half)), min(1.0, max(p, center + half)))
