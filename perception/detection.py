"""The object detector of the modular path: where each coloured object is, from one camera image.

Four parts, used by ``scripts/make_perception_data.py`` and ``scripts/train_perception.py``:

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

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from robocue import envs
from robocue.agents.runs import atomic_path
from robocue.envs.commands import COLOR_RGBA, COLORS, SHAPES
from robocue.envs.robocue_env import RobocueEnv
from robocue.envs.scene import Camera, walk_bodies
from robocue.envs.tasks import TASKS
from robocue.envs.tasks.reach import OBJECT_HALF_SIZE, object_name

FORMAT = "robocue-detection-v1"
DETECTOR_FORMAT = "robocue-detector-v1"
TABLE_TASKS = tuple(name for name, task in TASKS.items() if task.on_table)
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
_ARRAY_KEYS = (
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


# --- camera geometry --------------------------------------------------------------------------
@dataclass(frozen=True)
class CameraModel:
    """A pinhole camera at ``pos`` looking at ``lookat`` with vertical field of view ``fovy``
    (degrees), rendering ``width`` x ``height`` images, as MuJoCo and PyBullet build it: image
    right is ``forward x world-up``, image up completes the frame, square pixels.
    """

    pos: tuple[float, float, float]
    lookat: tuple[float, float, float]
    fovy: float
    width: int
    height: int
    offset: tuple[float, float] = (0.0, 0.0)
    """Where the engine's image puts a point, relative to the ideal pinhole's (u, v), pixels:
    ``PIXEL_OFFSET[engine]``."""

    @classmethod
    def from_camera(cls, camera: Camera, width: int, height: int, offset=(0.0, 0.0)) -> CameraModel:
        pos, lookat = tuple(map(float, camera.pos)), tuple(map(float, camera.lookat))
        return cls(pos, lookat, float(camera.fovy), int(width), int(height), tuple(map(float, offset)))

    def to_dict(self) -> dict:
        keys = ("pos", "lookat", "fovy", "width", "height", "offset")
        return {key: list(getattr(self, key)) if isinstance(getattr(self, key), tuple) else getattr(self, key) for key in keys}

    def axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Right, up and forward unit vectors (world frame)."""
        forward = np.subtract(self.lookat, self.pos).astype(float)
        forward /= np.linalg.norm(forward)
        right = np.cross(forward, (0.0, 0.0, 1.0))
        if np.linalg.norm(right) < 1e-6:  # straight down: +x is image up (as both engines do)
            right = np.cross(forward, (1.0, 0.0, 0.0))
        right /= np.linalg.norm(right)
        return right, np.cross(right, forward), forward

    @property
    def focal(self) -> float:
        """Focal length in pixels (the same horizontally: square pixels)."""
        return 0.5 * self.height / math.tan(math.radians(self.fovy) / 2)

    def intrinsics(self) -> np.ndarray:
        """3x3 K for pixel coordinates with pixel (i, j)'s centre at (u=j, v=i), v down."""
        f, (du, dv) = self.focal, self.offset
        return np.array([[f, 0.0, self.width / 2 - 0.5 + du], [0.0, f, self.height / 2 - 0.5 + dv], [0.0, 0.0, 1.0]])

    def extrinsics(self) -> np.ndarray:
        """4x4 world -> camera transform; camera axes x right, y down, z forward (OpenCV's)."""
        right, up, forward = self.axes()
        rotation = np.stack([right, -up, forward])
        transform = np.eye(4)
        transform[:3, :3] = rotation
        transform[:3, 3] = -rotation @ np.asarray(self.pos, float)
        return transform

    def project(self, points) -> tuple[np.ndarray, np.ndarray]:
        """World points (..., 3) -> pixel coordinates (..., 2) and depth along the axis (...)."""
        right, up, forward = self.axes()
        offset = np.asarray(points, float) - np.asarray(self.pos, float)
        depth = offset @ forward
        safe = np.where(np.abs(depth) < 1e-9, 1e-9, depth)
        f, (du, dv) = self.focal, self.offset
        u = self.width / 2 - 0.5 + du + f * (offset @ right) / safe
        v = self.height / 2 - 0.5 + dv - f * (offset @ up) / safe
        return np.stack([u, v], axis=-1), depth

    def rays(self, uv) -> np.ndarray:
        """Unit directions (..., 3), world frame, of the rays through pixel coordinates (..., 2)."""
        right, up, forward = self.axes()
        uv = np.asarray(uv, float)
        f, (du, dv) = self.focal, self.offset
        x = (uv[..., 0] - (self.width / 2 - 0.5 + du)) / f
        y = -(uv[..., 1] - (self.height / 2 - 0.5 + dv)) / f
        direction = forward + x[..., None] * right + y[..., None] * up
        return direction / np.linalg.norm(direction, axis=-1, keepdims=True)

    def lift(self, uv, height: float = OBJECT_HALF_SIZE) -> np.ndarray:
        """World points (..., 3) where the rays through ``uv`` meet the plane ``z = height``.

        Rays that never reach the plane (pointing up or along it) give NaN.
        """
        direction = self.rays(uv)
        pos = np.asarray(self.pos, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (height - pos[2]) / direction[..., 2]
        t = np.where(t > 0, t, np.nan)
        return pos + t[..., None] * direction

    def in_image(self, uv) -> np.ndarray:
        uv = np.asarray(uv, float)
        return (uv[..., 0] > -0.5) & (uv[..., 0] < self.width - 0.5) & (uv[..., 1] > -0.5) & (uv[..., 1] < self.height - 0.5)


def env_camera(env, width: int | None = None, height: int | None = None, name: str | None = None) -> CameraModel:
    """The :class:`CameraModel` of ``env``'s camera ``name`` (default: the policy camera) as
    it is now.

    Built from the scene's Camera spec; when domain randomisation moves cameras, the
    jittered pose is read back from the engine (``Engine.camera_pose``), since the spec keeps
    the nominal pose.
    """
    base = env.unwrapped
    name = name or base.policy_camera
    offset = PIXEL_OFFSET[base.engine.name]
    if name not in [c.name for c in base.scene.cameras]:
        fixed = [c.name for c in base.scene.cameras]
        raise DetectionError(f"camera {name!r} is not a fixed scene camera (the detector needs one); scene cameras: {fixed}")
    spec = next(c for c in base.scene.cameras if c.name == name)
    width = width or base.image_size
    height = height or base.image_size
    randomized = base.randomization is not None and base.randomization.camera > 0
    if not randomized:
        return CameraModel.from_camera(spec, width, height, offset)
    pos, lookat, fovy = base.engine.camera_pose(name)
    return CameraModel(tuple(map(float, pos)), tuple(map(float, lookat)), fovy, width, height, offset)


# --- dataset ---------------------------------------------------------------------------------
@dataclass
class DetectionDataset:
    """Frames and per-colour labels; see the module notes for every array."""

    arrays: dict[str, np.ndarray]
    metadata: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.arrays["images"])

    def __getattr__(self, name: str):
        arrays = self.__dict__.get("arrays", {})
        if name in arrays:
            return arrays[name]
        raise AttributeError(name)

    @property
    def visible_fraction(self) -> np.ndarray:
        return self.visible_pixels / np.maximum(self.footprint_pixels, 1)

    @property
    def detectable(self) -> np.ndarray:
        """(N, C): the object shows at least MIN_VISIBLE_PIXELS pixels (the detector's target)."""
        return self.present & (self.visible_pixels >= MIN_VISIBLE_PIXELS)

    def category(self) -> np.ndarray:
        """(N, C) index into CATEGORIES for present objects, -1 for absent colours."""
        out = np.full(self.present.shape, -1, dtype=np.int8)
        out[self.present & ~self.in_view] = 2
        inside = self.present & self.in_view
        out[inside & (self.visible_fraction >= VISIBLE_FRACTION)] = 0
        out[inside & (self.visible_fraction < VISIBLE_FRACTION)] = 1
        return out

    def camera(self, index: int) -> CameraModel:
        meta = self.metadata["camera"]
        return CameraModel(
            tuple(map(float, self.camera_pos[index])),
            tuple(map(float, self.camera_lookat[index])),
            float(meta["fovy"]),
            int(meta["width"]),
            int(meta["height"]),
            tuple(map(float, self.pixel_offset[index])),
        )

    def lift(self, uv: np.ndarray) -> np.ndarray:
        """Pixel coordinates (N, C, 2), one row per frame, lifted to the object-centre plane."""
        out = np.empty((*uv.shape[:-1], 3))
        for index in range(len(self)):
            out[index] = self.camera(index).lift(uv[index])
        return out

    def subset(self, indices) -> DetectionDataset:
        return DetectionDataset({key: value[indices] for key, value in self.arrays.items()}, dict(self.metadata))

    def save(self, path: str | Path) -> tuple[Path, Path]:
        """Writes ``<stem>.npz`` and ``<stem>.json``, each complete or not at all."""
        npz, meta = dataset_paths(path)
        npz.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(npz) as tmp:
            with open(tmp, "wb") as handle:
                np.savez_compressed(handle, **self.arrays)
        with atomic_path(meta) as tmp:
            tmp.write_text(json.dumps(self.metadata, indent=2) + "\n")
        return npz, meta

    @classmethod
    def load(cls, path: str | Path) -> DetectionDataset:
        npz, meta = dataset_paths(path)
        for file in (npz, meta):
            if not file.is_file():
                raise DetectionError(f"no dataset file {str(file)!r} (write one with scripts/make_perception_data.py)")
        metadata = json.loads(meta.read_text())
        if metadata.get("format") != FORMAT:
            raise DetectionError(f"{str(meta)!r} is not a {FORMAT} dataset (format={metadata.get('format')!r})")
        with np.load(npz) as data:
            missing = [key for key in _ARRAY_KEYS if key not in data]
            if missing:
                raise DetectionError(f"{str(npz)!r} lacks arrays: {', '.join(missing)}")
            arrays = {key: data[key] for key in _ARRAY_KEYS}
        return cls(arrays, metadata)


def dataset_paths(path: str | Path) -> tuple[Path, Path]:
    """The ``.npz`` and ``.json`` of a dataset named by either file or by their common stem."""
    path = Path(path)
    if path.suffix in (".npz", ".json"):
        path = path.with_suffix("")
    return path.with_name(path.name + ".npz"), path.with_name(path.name + ".json")


def check_env_id(env_id: str) -> dict:
    """The spec of a robocue table-task env id, or a DetectionError naming the valid ones."""
    if env_id not in envs.ENV_SPECS:
        table = [i for i, s in envs.ENV_SPECS.items() if s["task"] in TABLE_TASKS and s["obs_mode"] == "state"]
        raise DetectionError(f"unknown env id {env_id!r}; the detector's datasets take: {', '.join(table)}")
    spec = envs.ENV_SPECS[env_id]
    if spec["task"] not in TABLE_TASKS:
        raise DetectionError(f"{env_id!r} is a {spec['task']} env; the detector covers the table tasks ({', '.join(TABLE_TASKS)})")
    return spec


def make_scene_env(env_id: str, image_size: int = 84, domain_randomization: bool | dict | None = None, **kwargs):
    """A state-mode env of ``env_id``'s task and engine, rendering its policy camera at ``image_size``."""
    spec = check_env_id(env_id)
    return RobocueEnv(
        task=spec["task"],
        engine=spec["engine"],
        obs_mode="state",
        image_size=image_size,
        domain_randomization=domain_randomization,
        **kwargs,
    )


def _placed_objects(task) -> dict[str, str]:
    """colour -> shape of the objects in the current scene (Reach stores (shape, position))."""
    return {color: (value[0] if isinstance(value, tuple) else value) for color, value in task.placed.items()}


def frame_labels(env, camera: CameraModel | None = None, camera_name: str | None = None) -> dict[str, np.ndarray]:
    """Camera ``camera_name``'s frame of ``env`` now (default: the policy camera), with
    per-colour labels (one row of a dataset); ``camera`` is that camera's model.

    Visibility comes from re-rendering with bodies hidden: an object's visible pixels are
    those that change when it is hidden, its footprint the same with the arm hidden too.
    The renders use the fast settings (no shadows), so hiding a body changes only its pixels.
    """
    base = env.unwrapped
    engine, size = base.engine, base.image_size
    camera_name = camera_name or base.policy_camera
    camera = camera or env_camera(env, name=camera_name)

    def render():
        return engine.render(camera_name, size, size, fast=True)

    image = render()
    arm = [body.name for body in walk_bodies(base.robot.bodies()) if body.geoms]
    n = len(COLORS)
    labels = {
        "images": image,
        "present": np.zeros(n, bool),
        "shape": np.full(n, -1, np.int8),
        "world": np.zeros((n, 3), np.float32),
        "uv": np.zeros((n, 2), np.float32),
        "depth": np.zeros(n, np.float32),
        "in_view": np.zeros(n, bool),
        "visible_pixels": np.zeros(n, np.int16),
        "footprint_pixels": np.zeros(n, np.int16),
        "camera_pos": np.asarray(camera.pos, np.float32),
        "camera_lookat": np.asarray(camera.lookat, np.float32),
        "pixel_offset": np.asarray(camera.offset, np.float32),
    }
    placed = _placed_objects(base.task)
    if not placed:
        return labels
    for name in arm:
        engine.set_body_visible(name, False)
    no_arm = render()
    for color, shape in placed.items():
        body = object_name(color, shape)
        engine.set_body_visible(body, False)
        footprint = np.any(render() != no_arm, axis=-1)
        for name in arm:
            engine.set_body_visible(name, True)
        visible = np.any(render() != image, axis=-1)
        for name in arm:
            engine.set_body_visible(name, False)
        engine.set_body_visible(body, True)
        i = COLORS.index(color)
        world = engine.body_position(body)
        uv, depth = camera.project(world)
        labels["present"][i] = True
        labels["shape"][i] = SHAPES.index(shape)
        labels["world"][i] = world
        labels["uv"][i] = uv
        labels["depth"][i] = depth
        labels["in_view"][i] = bool(depth > 0 and camera.in_image(uv))
        labels["visible_pixels"][i] = int(visible.sum())
        labels["footprint_pixels"][i] = int(footprint.sum())
    for name in arm:
        engine.set_body_visible(name, True)
    return labels


def _random_motion(rng: np.random.Generator, action_dim: int, steps: int) -> np.ndarray:
    """Smooth random arm motion: an action held for 3-10 steps at a time."""
    actions = np.empty((steps, action_dim), np.float32)
    t = 0
    while t < steps:
        hold = int(rng.integers(3, 11))
        actions[t : t + hold] = rng.uniform(-1.0, 1.0, action_dim)
        t += hold
    return actions


def generate_dataset(
    env_ids: Sequence[str],
    n_scenes: int,
    seed: int = 0,
    frames_per_scene: int = 1,
    image_size: int = 84,
    domain_randomization: bool | dict | None = None,
    expert_fraction: float = 0.5,
    progress: bool = True,
    cameras: Sequence[str] | None = None,
) -> DetectionDataset:
    """Renders ``n_scenes`` seeded scenes, cycling through ``env_ids``.

    Scene ``k`` is ``env_ids[k % len(env_ids)]`` reset with seed ``seed + k``. The arm then
    moves for a random number of steps (up to the episode length), driven by the task's
    scripted expert (with probability ``expert_fraction``; it reaches for, pushes or carries
    objects, so the arm often hides them) or by smooth random actions, and
    ``frames_per_scene`` frames are taken at distinct random steps along the way, each from
    every camera in ``cameras`` (default: the policy camera alone; the modular agent looks
    through ``overview`` and ``front``), one dataset row per camera. Each row holds its
    camera's pose; the cameras must share a field of view.
    """
    if n_scenes < 1:
        raise DetectionError(f"n_scenes={n_scenes} must be at least 1")
    if frames_per_scene < 1:
        raise DetectionError(f"frames_per_scene={frames_per_scene} must be at least 1")
    env_ids = list(env_ids)
    if not env_ids:
        raise DetectionError("give at least one env id")
    for env_id in env_ids:
        check_env_id(env_id)
    scene_envs = [make_scene_env(env_id, image_size, domain_randomization) for env_id in env_ids]
    first = scene_envs[0].unwrapped
    cameras = list(cameras or [first.policy_camera])
    specs = {c.name: c for c in first.scene.cameras}
    unknown = [name for name in cameras if name not in specs]
    if unknown:
        for env in scene_envs:
            env.close()
        raise DetectionError(f"camera(s) {', '.join(unknown)} are not fixed scene cameras; scene cameras: {', '.join(specs)}")
    if len({specs[name].fovy for name in cameras}) > 1:
        for env in scene_envs:
            env.close()
        raise DetectionError(f"cameras {', '.join(cameras)} differ in field of view; one dataset holds one fovy")
    rows: list[dict] = []
    try:
        for k in tqdm(range(n_scenes), desc="rendering scenes", unit="scene", disable=not progress):
            index = k % len(env_ids)
            env = scene_envs[index]
            base = env.unwrapped
            episode_steps = envs.ENV_SPECS[env_ids[index]]["max_episode_steps"]
            rng = np.random.default_rng([seed, k, 7919])
            base.reset(seed=seed + k)
            models = {name: env_camera(env, name=name) for name in cameras}
            take = np.sort(rng.choice(episode_steps + 1, size=min(frames_per_scene, episode_steps + 1), replace=False))
            expert = rng.random() < expert_fraction
            actions = _random_motion(rng, base.action_space.shape[0], int(take[-1]))
            for step in range(int(take[-1]) + 1):
                if step in take:
                    for name, model in models.items():
                        row = frame_labels(env, model, name)
                        row.update(env_index=np.int16(index), seed=np.int32(seed + k), step=np.int32(step))
                        rows.append(row)
                if step < take[-1]:
                    action = base.task.expert_action(base.engine, base.robot) if expert else actions[step]
                    base.step(action)
    finally:
        for env in scene_envs:
            env.close()
    arrays = {key: np.stack([row[key] for row in rows]) for key in _ARRAY_KEYS}
    base = scene_envs[0].unwrapped
    spec = next(c for c in base.scene.cameras if c.name == base.policy_camera)
    camera = CameraModel.from_camera(spec, image_size, image_size)  # nominal; frames hold their own
    metadata = {
        "format": FORMAT,
        "env_ids": env_ids,
        "colors": list(COLORS),
        "shapes": list(SHAPES),
        "object_half_size": OBJECT_HALF_SIZE,
        "camera": {"name": base.policy_camera, **camera.to_dict()},
        "cameras": cameras,  # each frame is rendered from each, in this order
        "pixel_offset": {name: list(offset) for name, offset in PIXEL_OFFSET.items()},
        "seed": seed,
        "n_scenes": n_scenes,
        "frames_per_scene": frames_per_scene,
        "n_frames": len(rows),
        "image_size": image_size,
        "domain_randomization": bool(domain_randomization) if not isinstance(domain_randomization, dict) else domain_randomization,
        "arm_motion": {"expert_fraction": expert_fraction, "random": "actions held for 3-10 steps"},
        "min_visible_pixels": MIN_VISIBLE_PIXELS,
        "visible_fraction": VISIBLE_FRACTION,
    }
    return DetectionDataset(arrays, metadata)


# --- detections and metrics -----------------------------------------------------------------------
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


# --- the CNN ---------------------------------------------------------------------------------------
@dataclass
class DetectorConfig:
    """Architecture and training settings of :class:`HeatmapDetector` (saved with its weights)."""

    image_size: int = 84
    width: int = 32
    """Channels at half resolution; the bottleneck (quarter resolution) has twice as many."""
    colors: tuple[str, ...] = COLORS
    shapes: tuple[str, ...] = SHAPES
    sigma: float = 1.0
    """Standard deviation of the target heatmap's Gaussian, heatmap cells (2 pixels each)."""
    window: int = 2
    """Positions: soft-argmax over the (2*window+1)^2 cells around each heatmap's peak."""
    epochs: int = 12
    batch_size: int = 64
    learning_rate: float = 2e-3
    seed: int = 0

    def to_dict(self) -> dict:
        return {**asdict(self), "colors": list(self.colors), "shapes": list(self.shapes)}

    @classmethod
    def from_dict(cls, data: dict) -> DetectorConfig:
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise DetectionError(f"detector config has unknown keys: {', '.join(unknown)}")
        data = dict(data)
        for key in ("colors", "shapes"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)


def _conv(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, padding=dilation, dilation=dilation), nn.GroupNorm(8, cout), nn.ReLU())


class HeatmapDetector(nn.Module):
    """Per-colour heatmaps at half resolution, with presence and shape heads.

    The image is folded into 2x2 blocks (pixel unshuffle: 12 channels at half resolution,
    nothing lost), two convs, a stride-2 stage with dilated convs for context, upsampled and
    added back: the heatmap logits, one channel per colour. Position: a soft-argmax over the
    cells around the heatmap's peak (trained with an L1 loss, so it is unbiased). Presence: a
    linear map of the pooled bottleneck plus a learned multiple of each heatmap's peak
    logit. Shape: the half-resolution features pooled with each colour's heatmap as weights,
    then a linear classifier shared by the colours.

    Input: uint8 images (B, H, W, 3) or floats (B, 3, H, W) in [0, 1].
    """

    def __init__(self, config: DetectorConfig | None = None):
        super().__init__()
        self.config = config = config or DetectorConfig()
        if config.image_size % 4:
            raise DetectionError(f"image_size={config.image_size} must be a multiple of 4")
        w, c = config.width, len(config.colors)
        self.stem = nn.Sequential(_conv(12, w), _conv(w, w))
        self.down = nn.Sequential(_conv(w, 2 * w, stride=2), _conv(2 * w, 2 * w, dilation=1), _conv(2 * w, 2 * w, dilation=2))
        self.lateral = nn.Conv2d(2 * w, w, 1)
        self.fuse = _conv(w, w)
        self.heat = nn.Conv2d(w, c, 1)
        self.presence_features = nn.Linear(2 * w, c)
        self.presence_peak = nn.Parameter(torch.ones(c))
        self.shape_head = nn.Linear(w, len(config.shapes))
        size = config.image_size // 2
        # Pixel coordinates of each heatmap cell's centre (a cell covers 2x2 pixels).
        centres = torch.arange(size, dtype=torch.float32) * 2 + 0.5
        self.register_buffer("cell_u", centres.repeat(size), persistent=False)
        self.register_buffer("cell_v", centres.repeat_interleave(size), persistent=False)

    def _prepare(self, images) -> torch.Tensor:
        if isinstance(images, np.ndarray):
            images = torch.as_tensor(images)
        images = images.to(self.heat.weight.device)
        if images.dtype == torch.uint8:
            images = images.permute(0, 3, 1, 2).float() / 255.0
        return images

    def forward(self, images) -> dict[str, torch.Tensor]:
        x = self._prepare(images)
        size = self.config.image_size
        if x.shape[-2:] != (size, size):
            raise DetectionError(f"the detector takes {size}x{size} images, got {tuple(x.shape[-2:])}")
        half = self.stem(F.pixel_unshuffle(x, 2))
        bottleneck = self.down(half)
        up = F.interpolate(self.lateral(bottleneck), size=half.shape[-2:], mode="bilinear", align_corners=False)
        features = self.fuse(half + up)
        heat = self.heat(features)  # (B, C, h, w)
        b, c = heat.shape[:2]
        logits = heat.flatten(2)
        weights = logits.softmax(-1)
        uv = self.peak_uv(logits)
        presence = self.presence_features(bottleneck.mean((2, 3))) + self.presence_peak * logits.amax(-1)
        pooled = torch.einsum("bcn,bfn->bcf", weights, features.flatten(2))
        return {"heat": logits, "uv": uv, "presence": presence, "shape": self.shape_head(pooled)}

    def peak_uv(self, logits: torch.Tensor) -> torch.Tensor:
        """Soft-argmax over the cells within ``window`` of each heatmap's peak: (B, C, 2)."""
        size = self.config.image_size // 2
        grid = logits.view(*logits.shape[:2], size, size)
        peak = logits.argmax(-1)
        row, col = peak // size, peak % size
        rows = torch.arange(size, device=logits.device).view(1, 1, size, 1)
        cols = torch.arange(size, device=logits.device).view(1, 1, 1, size)
        near = ((rows - row[..., None, None]).abs() <= self.config.window) & ((cols - col[..., None, None]).abs() <= self.config.window)
        local = grid.masked_fill(~near, float("-inf")).flatten(2).softmax(-1)
        return torch.stack([local @ self.cell_u, local @ self.cell_v], dim=-1)

    @torch.no_grad()
    def predict(self, images, batch_size: int = 256, threshold: float = 0.5) -> Detections:
        """Detections for uint8 RGB images (N, H, W, 3)."""
        was_training = self.training
        self.eval()
        images = np.asarray(images)
        if images.ndim == 3:
            images = images[None]
        outputs = {"present": [], "uv": [], "score": [], "shape": []}
        for start in range(0, len(images), batch_size):
            out = self(images[start : start + batch_size])
            score = out["presence"].sigmoid()
            outputs["score"].append(score.cpu().numpy())
            outputs["present"].append((score >= threshold).cpu().numpy())
            outputs["uv"].append(out["uv"].cpu().numpy())
            outputs["shape"].append(out["shape"].argmax(-1).cpu().numpy())
        self.train(was_training)
        return Detections(**{key: np.concatenate(value) for key, value in outputs.items()})

    def save(self, path: str | Path) -> Path:
        """Writes ``{"format", "config", "state_dict"}`` atomically."""
        path = Path(path)
        with atomic_path(path) as tmp:
            torch.save({"format": DETECTOR_FORMAT, "config": self.config.to_dict(), "state_dict": self.state_dict()}, tmp)
        return path

    @classmethod
    def load(cls, path: str | Path, device: str = "cpu") -> HeatmapDetector:
        path = Path(path)
        if not path.is_file():
            raise DetectionError(f"no detector file {str(path)!r} (train one with scripts/train_perception.py)")
        data = torch.load(path, map_location=device, weights_only=True)
        if not isinstance(data, dict) or data.get("format") != DETECTOR_FORMAT:
            raise DetectionError(f"{str(path)!r} is not a {DETECTOR_FORMAT} file")
        detector = cls(DetectorConfig.from_dict(data["config"]))
        detector.load_state_dict(data["state_dict"])
        return detector.to(device).eval()


def detector_loss(out: dict[str, torch.Tensor], batch: dict[str, torch.Tensor], config: DetectorConfig) -> dict[str, torch.Tensor]:
    """Heatmap cross-entropy against a Gaussian at each detectable object, soft-argmax L1
    (pixels), presence BCE and shape cross-entropy; position and shape terms only where the
    object is detectable."""
    size = config.image_size // 2
    target_uv = batch["uv"]  # (B, C, 2) pixels
    cells = (target_uv - 0.5) / 2  # in cell coordinates
    coords = torch.arange(size, dtype=torch.float32, device=target_uv.device)
    gx = torch.exp(-0.5 * ((coords.view(1, 1, size) - cells[..., 0:1]) / config.sigma) ** 2)
    gy = torch.exp(-0.5 * ((coords.view(1, 1, size) - cells[..., 1:2]) / config.sigma) ** 2)
    target = (gy[..., :, None] * gx[..., None, :]).flatten(2)
    target = target / target.sum(-1, keepdim=True).clamp_min(1e-12)
    mask = batch["detectable"].float()
    count = mask.sum().clamp_min(1.0)
    heat = -(target * out["heat"].log_softmax(-1)).sum(-1)
    terms = {
        "heat": (heat * mask).sum() / count,
        "uv": ((out["uv"] - target_uv).abs().sum(-1) * mask).sum() / count,
        "presence": F.binary_cross_entropy_with_logits(out["presence"], mask),
        "shape": (
            F.cross_entropy(out["shape"].flatten(0, 1), batch["shape"].clamp_min(0).flatten(), reduction="none") * mask.flatten()
        ).sum()
        / count,
    }
    terms["total"] = terms["heat"] + 0.2 * terms["uv"] + terms["presence"] + 0.5 * terms["shape"]
    return terms


def _tensors(dataset: DetectionDataset, index=slice(None)) -> dict[str, torch.Tensor]:
    uv = np.nan_to_num(dataset.uv[index], nan=0.0)
    return {
        "images": torch.as_tensor(dataset.images[index]),
        "uv": torch.as_tensor(uv, dtype=torch.float32),
        "detectable": torch.as_tensor(dataset.detectable[index] & dataset.in_view[index]),
        "shape": torch.as_tensor(dataset.shape[index].astype(np.int64)),
    }


def train_detector(
    dataset: DetectionDataset,
    config: DetectorConfig | None = None,
    validation: DetectionDataset | None = None,
    device: str = "cpu",
    progress: bool = True,
) -> tuple[HeatmapDetector, list[dict]]:
    """Trains a :class:`HeatmapDetector` with Adam and a cosine schedule; returns it and the
    per-epoch losses (and validation metrics when ``validation`` is given)."""
    config = config or DetectorConfig(image_size=int(dataset.images.shape[1]))
    if dataset.images.shape[1] != config.image_size:
        raise DetectionError(f"the dataset's images are {dataset.images.shape[1]} pixels; config.image_size={config.image_size}")
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    detector = HeatmapDetector(config).to(device)
    optimizer = torch.optim.Adam(detector.parameters(), lr=config.learning_rate)
    steps_per_epoch = math.ceil(len(dataset) / config.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=config.learning_rate, total_steps=config.epochs * steps_per_epoch, pct_start=0.15
    )
    history = []
    bar = tqdm(total=config.epochs * steps_per_epoch, desc="training detector", unit="batch", disable=not progress)
    for epoch in range(config.epochs):
        detector.train()
        order = rng.permutation(len(dataset))
        sums: dict[str, float] = {}
        for start in range(0, len(order), config.batch_size):
            batch = {k: v.to(device) for k, v in _tensors(dataset, np.sort(order[start : start + config.batch_size])).items()}
            terms = detector_loss(detector(batch["images"]), batch, config)
            optimizer.zero_grad()
            terms["total"].backward()
            optimizer.step()
            scheduler.step()
            for key, value in terms.items():
                sums[key] = sums.get(key, 0.0) + float(value.detach())
            bar.update(1)
            bar.set_postfix(loss=f"{float(terms['total'].detach()):.3f}")
        record = {"epoch": epoch + 1, **{key: value / steps_per_epoch for key, value in sums.items()}}
        if validation is not None:
            metrics = evaluate_detections(validation, detector.predict(validation.images))
            record.update(val_recall_visible=metrics["recall_visible"], val_median_cm=metrics["error_cm"]["median"])
        history.append(record)
    bar.close()
    return detector.eval(), history


__all__ = [
    "CATEGORIES",
    "CameraModel",
    "DetectionDataset",
    "DetectionError",
    "Detections",
    "DetectorConfig",
    "HeatmapDetector",
    "OpenCVDetector",
    "detector_loss",
    "env_camera",
    "evaluate_detections",
    "frame_labels",
    "generate_dataset",
    "make_scene_env",
    "train_detector",
]
