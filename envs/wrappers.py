"""Gymnasium wrappers robocue applies by config (so training and evaluation agree)."""

from __future__ import annotations

from collections import deque

import gymnasium as gym
import numpy as np

from robocue.envs.tasks import table_tasks

IMAGE_KEYS = ("pixels", "depth")


class EngineMix(gym.Wrapper):
    """The twins of one env in several physics engines; every reset picks one.

    With a seed, the copy is ``seed % len(env_ids)`` (so a run's seeds split evenly and
    reproducibly across engines); without one, the engines take turns. Each copy keeps its
    own random stream and time limit, and ``unwrapped`` is the copy now acting, so scripted
    experts and wrappers read the engine the episode runs in. Training with
    ``env.engines`` (agents/agent.py) uses it; the observation and action spaces of twins
    are equal by construction (envs/__init__.py).
    """

    def __init__(self, env_ids: list[str], **kwargs):
        if not env_ids:
            raise ValueError("EngineMix needs at least one env id")
        self._copies = [gym.make(env_id, **kwargs) for env_id in env_ids]
        first = self._copies[0]
        for env_id, copy in zip(env_ids[1:], self._copies[1:]):
            if copy.observation_space != first.observation_space or copy.action_space != first.action_space:
                raise ValueError(f"{env_id} does not share {env_ids[0]}'s observation and action spaces")
        super().__init__(first)
        self._turn = 0

    @property
    def engines(self) -> list[str]:
        return [copy.unwrapped.engine.name for copy in self._copies]

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        index = seed % len(self._copies) if seed is not None else self._turn % len(self._copies)
        self._turn = index + 1
        self.env = self._copies[index]
        return self.env.reset(seed=seed, options=options)

    def set_goal_range(self, goal_range: float | None) -> None:
        """Every copy's (the curriculum's hook, envs/robocue_env.py)."""
        for copy in self._copies:
            copy.unwrapped.set_goal_range(goal_range)

    def close(self):
        for copy in self._copies:
            copy.close()


class FrameStack(gym.ObservationWrapper):
    """Stacks the last ``n`` images of a pixel observation along the channel axis.

    Only image keys (``pixels``, ``depth``) are stacked: ``(H, W, C)`` becomes
    ``(H, W, n * C)``, oldest first; the command and proprioception keep their latest value.
    At reset the first frame fills the stack.
    """

    def __init__(self, env: gym.Env, n: int):
        super().__init__(env)
        if n < 1:
            raise ValueError(f"frame_stack={n} must be at least 1")
        space = env.observation_space
        if not isinstance(space, gym.spaces.Dict) or not any(key in space.spaces for key in IMAGE_KEYS):
            raise ValueError("frame_stack > 1 needs a pixel observation mode (pixels or pixels+state)")
        self.n = n
        self.keys = [key for key in IMAGE_KEYS if key in space.spaces]
        stacked = {}
        for key, sub in space.spaces.items():
            if key in self.keys:
                h, w, c = sub.shape
                stacked[key] = gym.spaces.Box(0, 255, (h, w, n * c), dtype=np.uint8)
            else:
                stacked[key] = sub
        self.observation_space = gym.spaces.Dict(stacked)
        self._frames = {key: deque(maxlen=n) for key in self.keys}

    def reset(self, **kwargs):
        observation, info = self.env.reset(**kwargs)
        for key in self.keys:
            self._frames[key].clear()
            self._frames[key].extend([observation[key]] * self.n)
        return self._stacked(observation), info

    def observation(self, observation):
        for key in self.keys:
            self._frames[key].append(observation[key])
        return self._stacked(observation)

    def _stacked(self, observation):
        return {**observation, **{key: np.concatenate(self._frames[key], axis=-1) for key in self.keys}}


class ObjectTokenNoise(gym.ObservationWrapper):
    """Adds Gaussian noise to every present object's x and y in a state observation, as an
    object detector's error would (it lifts pixels onto the table plane, so height is exact):
    one draw per object and step, added to the token's world position and to its offset from
    the tool tip alike (``agents.modular`` writes a
    detector's estimate into both). Meant for training (``env.token_noise``), so that a
    policy learns to act on slightly wrong positions; the noise has its own generator,
    seeded at ``reset(seed=...)``, so it leaves the scenes unchanged.
    """

    def __init__(self, env: gym.Env, std: float):
        super().__init__(env)
        base = env.unwrapped
        if not std > 0:
            raise ValueError(f"token noise std={std} must be positive (metres)")
        # Table tasks' object tokens start [present, x, y, z, dx, dy, dz] in the world frame
        # (the offset is from the tool tip), the layout a detector's estimates are written into.
        if not base.task.on_table or getattr(base, "obs_mode", None) != "state":
            raise ValueError(
                f"token noise needs a state observation of a table task ({', '.join(table_tasks())}); "
                f"got task {base.task.name} with observation {getattr(base, 'obs_mode', '?')}"
            )
        self.std = float(std)
        layout = base.observation_layout
        self._start = layout["robot"]
        self._tokens = layout["objects"]
        self._rng = np.random.default_rng()

    def reset(self, *, seed=None, options=None):
        if seed is not None:
            self._rng = np.random.default_rng([seed, 0x7E57])
        return super().reset(seed=seed, options=options)

    def observation(self, observation):
        n, dim = self._tokens
        observation = observation.copy()
        tokens = observation[self._start : self._start + n * dim].reshape(n, dim)  # a view
        noise = self._rng.normal(0.0, self.std, (n, 2)).astype(np.float32) * tokens[:, :1]  # absent tokens stay zero
        tokens[:, 1:3] += noise  # x and y: a detector lifts its pixels onto the plane objects rest on
        tokens[:, 4:6] += noise
        return observation


class ObjectMotion(gym.ObservationWrapper):
    """Appends to every object token of a table task's state observation the object's velocity,
    ``(vx, vy, vz)`` in m/s, from the change of the token's position since the previous step
    (zeros at reset and for absent objects), so that a policy sees a pushed object slide or a
    gripped one slip (``env.object_motion``). Tokens grow from ``token_dim`` to ``token_dim + 3``;
    ``observation_layout`` says so, and the colour and shape fields keep their offsets. A goal
    env's ``observation`` entry (the same state vector) grows the same way; its goals do not.
    """

    def __init__(self, env: gym.Env):
        super().__init__(env)
        base = env.unwrapped
        if not base.task.on_table or getattr(base, "obs_mode", None) not in ("state", "goal"):
            raise ValueError(
                f"object motion needs a state or goal observation of a table task ({', '.join(table_tasks())}); "
                f"got task {base.task.name} with observation {getattr(base, 'obs_mode', '?')}"
            )
        layout = env.get_wrapper_attr("observation_layout")
        self._start, (self._n, self._dim) = layout["robot"], tuple(layout["objects"])
        self._dt = base.engine.control_dt
        self.observation_layout = {**layout, "objects": (self._n, self._dim + 3)}
        self._goal = isinstance(env.observation_space, gym.spaces.Dict)
        state_space = env.observation_space["observation"] if self._goal else env.observation_space
        grown = gym.spaces.Box(-np.inf, np.inf, (state_space.shape[0] + 3 * self._n,), dtype=np.float32)
        self.observation_space = gym.spaces.Dict({**env.observation_space.spaces, "observation": grown}) if self._goal else grown
        self._previous: np.ndarray | None = None

    def reset(self, *, seed=None, options=None):
        self._previous = None
        return super().reset(seed=seed, options=options)

    def observation(self, observation):
        if self._goal:
            return {**observation, "observation": self._grow(observation["observation"])}
        return self._grow(observation)

    def _grow(self, state: np.ndarray) -> np.ndarray:
        end = self._start + self._n * self._dim
        tokens = state[self._start : end].reshape(self._n, self._dim)
        positions = tokens[:, 1:4].copy()
        velocity = np.zeros((self._n, 3), dtype=np.float32)
        if self._previous is not None:
            velocity = (positions - self._previous) / self._dt * tokens[:, :1]  # absent tokens stay zero
        self._previous = positions
        grown = np.concatenate([tokens, velocity.astype(np.float32)], axis=1).reshape(-1)
        return np.concatenate([state[: self._start], grown, state[end:]]).astype(np.float32)


def wrap(env: gym.Env, frame_stack: int = 1, token_noise: float = 0.0, object_motion: bool = False) -> gym.Env:
    """Applies the config's wrappers: object-token noise when ``token_noise > 0`` (training
    only), object velocities in the tokens with ``object_motion`` (after the noise: a detector's
    velocity is as noisy as its positions), frame stacking when ``frame_stack > 1``."""
    if token_noise > 0:
        env = ObjectTokenNoise(env, token_noise)
    if object_motion:
        env = ObjectMotion(env)
    return FrameStack(env, frame_stack) if frame_stack > 1 else env
