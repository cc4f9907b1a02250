"""Detection data sets: seeded table scenes rendered from the policy camera, with per-colour labels."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from robocue import envs
from robocue.envs.commands import COLORS, SHAPES
from robocue.envs.robocue_env import RobocueEnv
from robocue.envs.scene import walk_bodies
from robocue.envs.tasks import table_tasks
from robocue.envs.tasks.reach import OBJECT_HALF_SIZE, object_name
from robocue.files import atomic_path
from robocue.perception.detection.base import (
    ARRAY_KEYS,
    FORMAT,
    MIN_VISIBLE_PIXELS,
    PIXEL_OFFSET,
    VISIBLE_FRACTION,
    DetectionError,
)
from robocue.perception.detection.camera import CameraModel, env_camera


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
        with np.load(npz, allow_pickle=False) as data:
            missing = [key for key in ARRAY_KEYS if key not in data]
            if missing:
                raise DetectionError(f"{str(npz)!r} lacks arrays: {', '.join(missing)}")
            arrays = {key: data[key] for key in ARRAY_KEYS}
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
        table = [i for i, s in envs.ENV_SPECS.items() if s["task"] in table_tasks() and s["obs_mode"] == "state"]
        raise DetectionError(f"unknown env id {env_id!r}; the detector's datasets take: {', '.join(table)}")
    spec = envs.ENV_SPECS[env_id]
    if spec["task"] not in table_tasks():
        raise DetectionError(f"{env_id!r} is a {spec['task']} env; the detector covers the table tasks ({', '.join(table_tasks())})")
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
    arrays = {key: np.stack([row[key] for row in rows]) for key in ARRAY_KEYS}
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
