"""The modular agent: an object detector in front of a policy trained on the true state.

A state policy reads object tokens (``[present, x, y, z, dx, dy, dz, one-hot colour,
one-hot shape]``, one per color; see ``envs/tasks/reach.py``). :class:`DetectedObjects`
renders the scene's fixed cameras every step, runs a detector on each view, fuses the views
and writes the estimates into those tokens: presence, the centre lifted to the plane objects
rest in, the offset from the tool tip (the robot's own proprioception) and, for the CNN, the
shape it recognised. An object the detector has seen earlier in the episode but misses now
(behind the arm) keeps its last estimate. :func:`evaluate_modular` plays the same seeded
episodes with the true tokens and with the detector's, so the two success rates compare.
"""

from __future__ import annotations

import time
from pathlib import Path

import gymnasium as gym
import numpy as np

from robocue.agents.agent import Agent
from robocue.agents.evaluation import evaluate_policy
from robocue.envs.commands import COLORS, SHAPES
from robocue.perception.command_channels import ENCODER_FILE, wrap
from robocue.perception.detection import DetectionError, Detections, HeatmapDetector, OpenCVDetector, env_camera


def object_tokens(state: np.ndarray, layout: dict) -> np.ndarray:
    """The (n_tokens, token_dim) object block of a flat state vector (a view, not a copy)."""
    n_tokens, token_dim = layout["objects"]
    start = layout["robot"]
    return state[start : start + n_tokens * token_dim].reshape(n_tokens, token_dim)


def substitute_object_tokens(
    state: np.ndarray,
    layout: dict,
    tip: np.ndarray,
    present: np.ndarray,
    positions: np.ndarray,
    shapes: np.ndarray | None = None,
) -> np.ndarray:
    """A copy of ``state`` whose object tokens say what a detector saw.

    Args:
        state: Flat state ``[robot | tokens | command]`` laid out as ``layout``
            (``env.observation_layout``).
        tip: The tool tip's position (3,), for the offsets ``d*``.
        present: (C,) bool per colour slot; absent slots become all zeros.
        positions: (C, 3) estimated centres.
        shapes: (C,) shape indices, or None to keep the shape one-hot the state had.
    """
    n_tokens, token_dim = layout["objects"]
    if n_tokens != len(COLORS) or token_dim != 7 + len(COLORS) + len(SHAPES):
        raise DetectionError(f"object tokens {layout['objects']} are not one per colour of [present, x, y, z, dx, dy, dz, colour, shape]")
    out = np.array(state, dtype=np.float32, copy=True)
    tokens = object_tokens(out, layout)
    old_shapes = tokens[:, 7 + len(COLORS) :].copy()
    tokens[:] = 0.0
    for i in range(n_tokens):
        if not present[i]:
            continue
        tokens[i, 0] = 1.0
        tokens[i, 1:4] = positions[i]
        tokens[i, 4:7] = positions[i] - tip
        tokens[i, 7 + i] = 1.0
        if shapes is None:
            tokens[i, 7 + len(COLORS) :] = old_shapes[i]
        else:
            tokens[i, 7 + len(COLORS) + int(shapes[i])] = 1.0
    return out


# How sharply the fusion prefers the views that show more of an object: a view's weight is
# its quality (score / the best score the object had in that view) to this power.
FUSION_POWER = 4.0


class DetectedObjects(gym.ObservationWrapper):
    """Replaces a state env's object tokens with a detector's estimates from fixed cameras.

    ``detector`` is a :class:`HeatmapDetector` (positions, presence and shapes) or an
    :class:`OpenCVDetector` (positions and presence; shapes stay as the simulator says, since
    colour blobs cannot tell shapes apart).

    ``cameras`` names the scene cameras rendered every step (default: all of the scene's
    fixed cameras, for the table tasks ``overview`` and ``front``), at ``image_size`` pixels
    (default: the CNN's input size, or the env's ``image_size`` for OpenCV). Each view's
    detection is lifted to the object-centre plane through its own camera, and the views are
    fused per object: a view's *quality* is its detection score over the best score the object
    has had in that view this episode (a CNN's presence probability, OpenCV's blob area: a
    half-hidden object scores less), and the position is the average of the views' estimates
    weighted by quality to the power ``FUSION_POWER``. Two views rarely lose the same part of
    an object behind the arm, and averaging them halves the jitter of either.

    With ``memory`` (the default) the wrapper tracks each object through the episode: it
    keeps the last estimate while no view finds the object (with ``max_objects``, at most
    that many objects: beyond it, those whose best score this episode is lowest go); it updates the position only
    when the best view's quality is at least ``update_fraction`` (default 0: every step the
    object is seen; the old single-camera tracker used 0.8, which froze a pushed object's
    estimate for good while the tool tip hid part of it); and it keeps the shape the best
    view saw when the object was first found (shapes do not change, a half-hidden cylinder
    looks like a cube, and at reset the arm is parked away from the objects). Without memory
    every step uses that step's detections alone. ``stats`` accumulates the per-step
    localisation error (cm) of the estimates used, and how often an object in the scene had
    none.
    """

    def __init__(
        self,
        env: gym.Env,
        detector,
        memory: bool = True,
        update_fraction: float = 0.0,
        cameras: tuple[str, ...] | list[str] | None = None,
        image_size: int | None = None,
        presence_threshold: float = 0.5,
        max_objects: int = 0,
    ):
        super().__init__(env)
        if max_objects < 0:
            raise DetectionError(f"max_objects={max_objects} must be 0 (no limit) or a number of objects")
        self.max_objects = max_objects
        if not 0.0 < presence_threshold < 1.0:
            raise DetectionError(f"presence threshold {presence_threshold} must lie between 0 and 1")
        if presence_threshold != 0.5 and not isinstance(detector, HeatmapDetector):
            raise DetectionError("a presence threshold applies to the CNN detector (OpenCV reports every blob it finds)")
        self.presence_threshold = presence_threshold
        base = env.unwrapped
        if getattr(base, "obs_mode", None) != "state":
            raise DetectionError("the modular agent feeds state policies: give it a state env (obs_mode='state')")
        self.layout = base.observation_layout
        self.detector = detector
        self.memory = memory
        self.update_fraction = update_fraction
        fixed = [c.name for c in base.scene.cameras]
        self.camera_names = tuple(cameras) if cameras else tuple(sorted(fixed, key=lambda n: n != base.policy_camera))
        unknown = [name for name in self.camera_names if name not in fixed]
        if unknown:
            raise DetectionError(f"cameras {unknown} are not fixed scene cameras; the scene has {fixed}")
        if image_size is None:
            image_size = detector.config.image_size if isinstance(detector, HeatmapDetector) else base.image_size
        self.image_size = int(image_size)
        self.camera = None  # the first view's CameraModel
        self.cameras: dict[str, object] = {}
        self._last: dict[int, list] = {}  # colour slot -> [position, first shape]
        self._best: dict[tuple[str, int], float] = {}  # (view, colour slot) -> best score this episode
        self.stats = {"errors_cm": [], "missing": 0, "object_steps": 0, "false_present": 0}

    def reset(self, **kwargs):
        observation, info = self.env.reset(**kwargs)
        # After reset: randomisation may have moved the cameras.
        self.cameras = {name: env_camera(self.env, self.image_size, self.image_size, name) for name in self.camera_names}
        self.camera = self.cameras[self.camera_names[0]]
        self._last, self._best = {}, {}
        return self.observation(observation), info

    def detect(self) -> dict[str, Detections]:
        """This step's detections, one per view."""
        base = self.env.unwrapped
        size = self.image_size
        kwargs = {"threshold": self.presence_threshold} if isinstance(self.detector, HeatmapDetector) else {}
        return {name: self.detector.predict(base.engine.render(name, size, size, fast=True)[None], **kwargs) for name in self.camera_names}

    def fuse(self, views: dict[str, Detections]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per colour slot: seen by any view, the fused position, the best view's shape and quality."""
        c = len(COLORS)
        seen, positions, shapes, quality = np.zeros(c, bool), np.zeros((c, 3)), np.zeros(c, int), np.zeros(c)
        weights = np.zeros(c)
        for name, detections in views.items():
            lifted = self.cameras[name].lift(detections.uv[0])
            present = detections.present[0] & np.all(np.isfinite(lifted), axis=-1)
            for i in np.flatnonzero(present):
                score = float(detections.score[0, i])
                best = self._best[name, i] = max(self._best.get((name, i), 0.0), score)
                q = score / best if best > 0 else 1.0
                weight = max(q, 1e-6) ** FUSION_POWER
                positions[i] += weight * lifted[i]
                weights[i] += weight
                if not seen[i] or q > quality[i]:
                    quality[i] = q
                    shapes[i] = 0 if detections.shape is None else int(detections.shape[0, i])
                seen[i] = True
        positions[seen] /= weights[seen, None]
        return seen, positions, shapes, quality

    def observation(self, observation):
        base = self.env.unwrapped
        views = self.detect()
        seen, positions, shapes, quality = self.fuse(views)
        has_shape = any(d.shape is not None for d in views.values())
        used_present = np.zeros(len(COLORS), bool)
        used_positions = np.zeros((len(COLORS), 3))
        used_shapes = np.zeros(len(COLORS), int)
        for i in range(len(COLORS)):
            if seen[i]:
                if not self.memory or i not in self._last:
                    self._last[i] = [positions[i], shapes[i]]
                elif quality[i] >= self.update_fraction:
                    self._last[i][0] = positions[i]
        if self.max_objects and len(self._last) > self.max_objects:
            # More objects than the scene holds: keep those with the best scores any view
            # gave them this episode (a false detection rarely scores like a real object).
            best = {i: max(score for (_, slot), score in self._best.items() if slot == i) for i in self._last}
            for i in sorted(best, key=best.get)[: len(self._last) - self.max_objects]:
                del self._last[i]
        for i in range(len(COLORS)):
            if i in self._last and (seen[i] or self.memory):
                used_present[i] = True
                used_positions[i], used_shapes[i] = self._last[i][0], self._last[i][1]
        truth = object_tokens(np.asarray(observation), self.layout)
        for i in range(len(COLORS)):
            if truth[i, 0] > 0:
                self.stats["object_steps"] += 1
                if used_present[i]:
                    self.stats["errors_cm"].append(100 * float(np.linalg.norm(used_positions[i] - truth[i, 1:4])))
                else:
                    self.stats["missing"] += 1
            elif used_present[i]:
                self.stats["false_present"] += 1
        tip = base.robot.tip_position(base.engine)
        return substitute_object_tokens(observation, self.layout, tip, used_present, used_positions, used_shapes if has_shape else None)


def load_detector(detector: str | Path | HeatmapDetector | OpenCVDetector):
    """A detector object from ``"opencv"``, a detector .pt path, or a detector itself."""
    if isinstance(detector, HeatmapDetector | OpenCVDetector):
        return detector
    if str(detector) == "opencv":
        return OpenCVDetector()
    return HeatmapDetector.load(detector)


def make_modular_env(
    agent: Agent,
    detector,
    memory: bool = True,
    update_fraction: float = 0.0,
    cameras: tuple[str, ...] | list[str] | None = None,
    image_size: int | None = None,
    presence_threshold: float = 0.5,
    max_objects: int = 0,
) -> gym.Env:
    """The agent's env with :class:`DetectedObjects` under the config's other wrappers."""
    config = agent.config
    env = gym.make(config.env.id, **config.env.kwargs)
    env = DetectedObjects(
        env,
        detector,
        memory=memory,
        update_fraction=update_fraction,
        cameras=cameras,
        image_size=image_size,
        presence_threshold=presence_threshold,
        max_objects=max_objects,
    )
    encoder = agent.run_dir / ENCODER_FILE if agent.run_dir and (agent.run_dir / ENCODER_FILE).is_file() else None
    return wrap(
        env,
        config.env.frame_stack,
        config.env.commands,
        "train",
        encoder,
        config.env.command_features,
        object_motion=config.env.object_motion,
    )


def _summary(result: dict) -> dict:
    keys = ("env_id", "n_episodes", "success_rate", "success_ci", "mean_return", "std_return", "mean_length", "wall_time_s")
    out = {key: result[key] for key in keys}
    out["successes"] = [bool(e["success"]) for e in result["episodes"]]
    return out


def evaluate_modular(
    run_dir: str | Path,
    detector,
    episodes: int = 50,
    seed: int | None = None,
    memory: bool = True,
    update_fraction: float = 0.0,
    progress: bool = True,
    cameras: tuple[str, ...] | list[str] | None = None,
    image_size: int | None = None,
    presence_threshold: float = 0.5,
    max_objects: int = 0,
) -> dict:
    """Success of a run's state policy fed the detector's object tokens vs the true ones.

    Both play episodes on seeds ``seed, seed + 1, ...`` (default: the run's eval seed).
    ``presence_threshold``: the CNN's presence probability from which it reports an object;
    ``max_objects``: track at most this many objects (0: no limit).
    """
    agent = Agent.load(run_dir, device="cpu")
    detector = load_detector(detector)
    seed = agent.config.eval.seed if seed is None else seed
    # Built first: its checks refuse bad options before any episode is played.
    env = make_modular_env(agent, detector, memory, update_fraction, cameras, image_size, presence_threshold, max_objects)
    try:
        truth_env = agent.make_env()
        try:
            truth = evaluate_policy(truth_env, agent.policy_for(truth_env), agent.env_id, episodes, seed, progress)
        finally:
            truth_env.close()
        started = time.perf_counter()
        modular = evaluate_policy(env, agent.policy_for(env), agent.env_id, episodes, seed, progress)
        wrapper = next(w for w in _wrappers(env) if isinstance(w, DetectedObjects))
        stats, views, size = wrapper.stats, list(wrapper.camera_names), wrapper.image_size
        modular["wall_time_s"] = time.perf_counter() - started
    finally:
        env.close()
    errors = np.asarray(stats["errors_cm"])
    return {
        "run_dir": str(run_dir),
        "env_id": agent.env_id,
        "detector": type(detector).__name__,
        "memory": memory,
        "update_fraction": update_fraction,
        "presence_threshold": presence_threshold,
        "max_objects": max_objects,
        "cameras": views,
        "image_size": size,
        "seed": seed,
        "episodes": episodes,
        "ground_truth": _summary(truth),
        "modular": _summary(modular),
        "success_gap": modular["success_rate"] - truth["success_rate"],
        "token_error_cm": {
            "median": float(np.median(errors)) if len(errors) else None,
            "mean": float(np.mean(errors)) if len(errors) else None,
            "p90": float(np.percentile(errors, 90)) if len(errors) else None,
        },
        "missing_fraction": stats["missing"] / max(stats["object_steps"], 1),
        "false_present_steps": stats["false_present"],
    }


def _wrappers(env):
    while True:
        yield env
        if not hasattr(env, "env"):
            return
        env = env.env


__all__ = ["DetectedObjects", "evaluate_modular", "load_detector", "make_modular_env", "substitute_object_tokens"]
