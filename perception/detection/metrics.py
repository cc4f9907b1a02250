"""Localisation error and detection precision/recall of a detector's output on a data set."""

from __future__ import annotations

import numpy as np

from robocue.envs.commands import COLORS
from robocue.perception.detection.base import CATEGORIES, Detections
from robocue.perception.detection.dataset import DetectionDataset


def evaluate_detections(dataset: DetectionDataset, detections: Detections, match_cm: float = 5.0) -> dict:
    """Localisation error and detection precision/recall of ``detections`` on ``dataset``.

    Positions are lifted to the object-centre plane with each frame's camera and compared
    with the true centres in 3-D. A detection is a true positive when its colour's object is
    in the scene and the estimate lies within ``match_cm``; recall is split by category
    (visible, occluded, out of view), precision is over all detections. Localisation error
    (cm, per colour and overall) is over the visible objects the detector found.
    """
    world = dataset.lift(detections.uv)
    error_cm = 100 * np.linalg.norm(world - dataset.world, axis=-1)
    error_cm = np.where(np.isfinite(error_cm), error_cm, np.inf)
    category = dataset.category()
    present, found = dataset.present, detections.present.astype(bool)
    hit = found & present & (error_cm <= match_cm)
    result: dict = {"match_cm": match_cm, "n_frames": len(dataset)}
    n_found = int(found.sum())
    result["precision"] = float(hit.sum() / n_found) if n_found else None
    result["n_detections"] = n_found
    result["recall"] = float(hit.sum() / present.sum()) if present.any() else None
    result["false_positive_rate_absent"] = float((found & ~present).sum() / max(int((~present).sum()), 1))
    for index, name in enumerate(CATEGORIES):
        mask = category == index
        result[f"recall_{name}"] = float(hit[mask].sum() / mask.sum()) if mask.any() else None
        result[f"found_{name}"] = float(found[mask].sum() / mask.sum()) if mask.any() else None
        result[f"n_{name}"] = int(mask.sum())
    # Precision split by what the detection fell on: a visible object, an occluded one, ...
    for index, name in enumerate(CATEGORIES):
        mask = found & (category == index)
        result[f"precision_{name}"] = float(hit[mask].sum() / mask.sum()) if mask.any() else None
    visible_found = (category == 0) & found
    per_color = {}
    for i, color in enumerate(COLORS):
        errors = error_cm[visible_found[:, i], i]
        errors = errors[np.isfinite(errors)]
        per_color[color] = _error_stats(errors)
    errors = error_cm[visible_found]
    result["error_cm"] = _error_stats(errors[np.isfinite(errors)])
    result["error_cm_per_color"] = per_color
    occluded_found = (category == 1) & found
    errors = error_cm[occluded_found]
    result["error_cm_occluded"] = _error_stats(errors[np.isfinite(errors)])
    if detections.shape is not None:
        detectable = dataset.detectable & (category == 0)
        result["shape_accuracy_visible"] = (
            float((detections.shape[detectable] == dataset.shape[detectable]).mean()) if detectable.any() else None
        )
    return result


def _error_stats(errors: np.ndarray) -> dict:
    if len(errors) == 0:
        return {"n": 0, "median": None, "mean": None, "p90": None}
    return {
        "n": int(len(errors)),
        "median": float(np.median(errors)),
        "mean": float(np.mean(errors)),
        "p90": float(np.percentile(errors, 90)),
    }
