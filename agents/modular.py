"""The modular agent: an object detector in front of a policy trained on the true state.

A state policy reads object tokens (``[present, x, y, z, dx, dy, dz, one-hot colour,
one-hot shape]``, one per colour; see ``envs/tasks/reach.py``). :class:`DetectedObjects`
renders the policy camera every step (the image a ``Pixels`` env observes), runs a detector
and writes its estimates into those tokens: presence, the centre lifted to the plane objects
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

from agents.agent import Agent
from agents.commands import ENCODER_FILE, wrap
from agents.evaluation import evaluate_policy
from envs.commands import COLORS, SHAPES
from perception.detection import DetectionError, Detections, HeatmapDetector, OpenCVDetector, env_camera


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


class DetectedObjects(gym.ObservationWrapper):
    """Replaces a state env's object tokens with a detector's estimates from the policy camera.

    ``detector`` is a :class:`HeatmapDetector` (positions, presence and shapes) or an
    :class:`OpenCVDetector` (positions and presence; shapes stay as the simulator says, since
    colour blobs cannot tell shapes apart).

    With ``memory`` (the default) the wrapper tracks each object through the episode: it
    keeps the last estimate while the detector misses the object; it updates the position
    only from frames whose detection score is at least ``update_fraction`` of the best score
    the object has had this episode (a CNN's presence probability, OpenCV's blob area), since
    an object half hidden by the arm is found off-centre; and it keeps the shape the detector
    saw when it first found the object (shapes do not change, a half-hidden cylinder looks like a
    cube, and at reset the arm is parked away from the objects; a CNN's presence probability
    saturates, so it cannot pick the best view). Without memory every step uses that step's detections alone. ``stats`` accumulates
    the per-step localisation error (cm) of the estimates used, and how often an object in the
    scene had none.
    """

    def __init__(self, env: gym.Env, detector, memory: bool = True, update_fraction: float = 0.8):
        super().__init__(env)
        base = env.unwrapped
        if getattr(base, "obs_mode", None) != "state":
            raise DetectionError("the modular agent feeds state policies: give it a state env (obs_mode='state')")
        self.layout = base.observation_layout
        self.detector = detector
        self.memory = memory
        self.update_fraction = update_fraction
        self.camera = None
        self._last: dict[int, list] = {}  # colour slot -> [position, first shape, best score]
        self.stats = {"errors_cm": [], "missing": 0, "object_steps": 0, "false_present": 0}

    def reset(self, **kwargs):
        observation, info = self.env.reset(**kwargs)
        self.camera = env_camera(self.env)  # after reset: randomisation may have moved it
        self._last = {}
        return self.observation(observation), info

    def detect(self) -> Detections:
        base = self.env.unwrapped
        image = base.engine.render(base.policy_camera, base.image_size, base.image_size, fast=True)
        return self.detector.predict(image[None])

    def observation(self, observation):
        base = self.env.unwrapped
        detections = self.detect()
        positions = self.camera.lift(detections.uv[0])
        shapes = None if detections.shape is None else detections.shape[0]
        scores = detections.score[0]
        present = detections.present[0] & np.all(np.isfinite(positions), axis=-1)
        used_present = np.zeros(len(COLORS), bool)
        used_positions = np.zeros((len(COLORS), 3))
        used_shapes = np.zeros(len(COLORS), int)
        for i in range(len(COLORS)):
            shape = 0 if shapes is None else int(shapes[i])
            if present[i]:
                if not self.memory or i not in self._last:
                    self._last[i] = [positions[i], shape, float(scores[i])]
                else:
                    track = self._last[i]
                    if scores[i] >= self.update_fraction * track[2]:
                        track[0] = positions[i]
                    track[2] = max(track[2], float(scores[i]))
            if i in self._last and (present[i] or self.memory):
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
        return substitute_object_tokens(
            observation, self.layout, tip, used_present, used_positions, None if shapes is None else used_shapes
        )


def load_detector(detector: str | Path | HeatmapDetector | OpenCVDetector):
    """A detector object from ``"opencv"``, a detector .pt path, or a detector itself."""
    if isinstance(detector, HeatmapDetector | OpenCVDetector):
        return detector
    if str(detector) == "opencv":
        return OpenCVDetector()
    return HeatmapDetector.load(detector)


def make_modular_env(agent: Agent, detector, memory: bool = True, update_fraction: float = 0.8) -> gym.Env:
    """The agent's env with :class:`DetectedObjects` under the config's other wrappers."""
    config = agent.config
    env = gym.make(config.env.id, **config.env.kwargs)
    env = DetectedObjects(env, detector, memory=memory, update_fraction=update_fraction)
    encoder = agent.run_dir / ENCODER_FILE if agent.run_dir and (agent.run_dir / ENCODER_FILE).is_file() else None
    return wrap(env, config.env.frame_stack, config.env.commands, "train", encoder, config.env.command_features)


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
    update_fraction: float = 0.8,
    progress: bool = True,
) -> dict:
    """Success of a run's state policy fed the detector's object tokens vs the true ones.

    Both play episodes on seeds ``seed, seed + 1, ...`` (default: the run's eval seed).
    """
    agent = Agent.load(run_dir, device="cpu")
    detector = load_detector(detector)
    seed = agent.config.eval.seed if seed is None else seed
    truth_env = agent.make_env()
    try:
        truth = evaluate_policy(truth_env, agent.policy_for(truth_env), agent.env_id, episodes, seed, progress)
    finally:
        truth_env.close()
    env = make_modular_env(agent, detector, memory, update_fraction)
    try:
        started = time.perf_counter()
        modular = evaluate_policy(env, agent.policy_for(env), agent.env_id, episodes, seed, progress)
        wrapper = next(w for w in _wrappers(env) if isinstance(w, DetectedObjects))
        stats = wrapper.stats
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
