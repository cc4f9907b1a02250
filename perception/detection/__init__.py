"""The object detector of the modular path: where each coloured object is, from one camera image.

Four parts, each a module of this package, used by ``scripts/make_perception_data.py`` and ``scripts/train_perception.py``:

- :class:`CameraModel`: a pinhole camera built from a scene :class:`envs.scene.Camera`
  (pos, lookat, fovy) with pure numpy, the same geometry both engines render with. It
  projects world points to pixels and lifts a pixel back to the plane an object's centre
  rests in (``z = OBJECT_HALF_SIZE`` on the table).
- A dataset generator (:func:`generate_dataset`): seeded scenes of the table tasks (Reach,
  Push, PickAndPlace; either engine) rendered from the policy camera at the size the
  ``Pixels`` ids observe, after a random number of steps of the scripted expert or of
  random arm motions, with per-colour labels (:class:`DetectionDataset`, format below).
- :class:`HeatmapDetector`: a small CNN with one heatmap per colour in
  ``envs.commands.COLORS``, a presence logit per colour and a shape classifier; positions
  come from a soft-argmax around the heatmap's peak.
- :class:`OpenCVDetector`: the classical baseline, HSV thresholds per colour, the largest
  blob's centroid.

On disk a dataset is two files with one stem: ``NAME.npz`` (arrays) and ``NAME.json``
(metadata). Arrays, with N frames and C = len(COLORS) colour slots in ``COLORS`` order:

========================  ================  ===============================================
key                       shape, dtype      meaning
========================  ================  ===============================================
``images``                (N,H,W,3) uint8   a camera's RGB frame: the policy camera's, or
                                            each of the metadata's ``cameras`` in turn
``present``               (N,C) bool        an object of this colour is in the scene
``shape``                 (N,C) int8        index into SHAPES, -1 when absent
``world``                 (N,C,3) float32   the object's centre, world frame, metres
``uv``                    (N,C,2) float32   its centre projected: column, row; pixel (i, j)'s
                                            centre is at (u=j, v=i); may lie outside the image
``depth``                 (N,C) float32     distance along the camera's axis, metres
``in_view``               (N,C) bool        the projected centre lies inside the image
``visible_pixels``        (N,C) int16       pixels showing the object in this frame
``footprint_pixels``      (N,C) int16       pixels it would show with the arm hidden
``camera_pos``            (N,3) float32     the frame's camera position (moves only under
``camera_lookat``         (N,3) float32     domain randomisation) and look-at point
``pixel_offset``          (N,2) float32     the engine's half-pixel shift (``PIXEL_OFFSET``)
``env_index``             (N,) int16        index into the metadata's ``env_ids``
``seed``, ``step``        (N,) int32        the episode's reset seed and the env step shown
========================  ================  ===============================================

The JSON holds ``format`` (``robocue-detection-v1``), ``env_ids``, ``colors``, ``shapes``,
``object_half_size``, ``camera`` (the policy camera: name, fovy, width, height, nominal pos
and lookat), ``cameras`` (the cameras every frame was rendered from, in row order),
``pixel_offset`` (per engine),
``seed``, ``n_scenes``, ``frames_per_scene``, ``domain_randomization`` and how the arm moved.

An object is *visible* when at least half of its footprint shows (``visible_fraction >=
0.5``), *occluded* when it is in view but less than half shows (hidden behind the arm),
and *out of view* when its centre projects outside the image. The detector is trained to
report an object as present when it shows at least ``MIN_VISIBLE_PIXELS`` pixels.
"""

from __future__ import annotations

from robocue.perception.detection.base import (
    CATEGORIES,
    DETECTOR_FORMAT,
    FORMAT,
    MIN_VISIBLE_PIXELS,
    PIXEL_OFFSET,
    VISIBLE_FRACTION,
    DetectionError,
    Detections,
    Detector,
)
from robocue.perception.detection.camera import CameraModel, env_camera
from robocue.perception.detection.cnn_detector import DetectorConfig, HeatmapDetector, detector_loss, train_detector
from robocue.perception.detection.dataset import (
    DetectionDataset,
    check_env_id,
    dataset_paths,
    frame_labels,
    generate_dataset,
    make_scene_env,
)
from robocue.perception.detection.metrics import evaluate_detections
from robocue.perception.detection.opencv_detector import OpenCVDetector

__all__ = [
    "CATEGORIES",
    "DETECTOR_FORMAT",
    "FORMAT",
    "MIN_VISIBLE_PIXELS",
    "PIXEL_OFFSET",
    "VISIBLE_FRACTION",
    "CameraModel",
    "DetectionDataset",
    "DetectionError",
    "Detections",
    "Detector",
    "DetectorConfig",
    "HeatmapDetector",
    "OpenCVDetector",
    "check_env_id",
    "dataset_paths",
    "detector_loss",
    "env_camera",
    "evaluate_detections",
    "frame_labels",
    "generate_dataset",
    "make_scene_env",
    "train_detector",
]
