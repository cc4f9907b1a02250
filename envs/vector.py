"""A vectorised env for Stable-Baselines3 whose copies step their physics on threads.

MuJoCo releases Python's global interpreter lock inside ``mj_step``, so the physics of
many env copies can run at once on a thread pool while Python prepares actions and reads
observations. :class:`ThreadedVecEnv` splits each step in three: every copy's action
(Python), every copy's physics (C, on ``n_threads`` threads, each stepping its share of
the copies in turn) and every copy's observation and reward (Python). It runs in one
process, like ``DummyVecEnv``, so copies need no pickling and no inter-process pipes.

``mujoco.batch`` (which this design would use for the middle phase) does not exist in
MuJoCo 4.0; ``mujoco.rollout`` does, but it starts from and returns flat state arrays,
and copying state in and out every step cost more than it saved here.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import gymnasium as gym
import numpy as np
from stable_baselines3.common.vec_env.base_vec_env import VecEnv

from robocue import envs  # noqa: F401  (registers the ids)
from robocue.envs.robocue_env import RobocueEnv


class ThreadedVecEnv(VecEnv):
    """``n_envs`` copies of a robocue env, physics stepped on ``n_threads`` threads.

    Args:
        env_id: A registered robocue id (any observation mode).
        n_envs: Number of copies.
        n_threads: Threads for the physics phase (default: the CPU count, at most ``n_envs``).
        env_kwargs: Keyword arguments for ``gymnasium.make``.

    Episodes end at the id's registered time limit, as under ``gymnasium.make``: ``infos``
    then carry ``terminal_observation`` and ``TimeLimit.truncated``, and the copy resets.
    Wrap in ``VecMonitor`` for episode statistics.
    """

    def __init__(self, env_id: str, n_envs: int, n_threads: int | None = None, env_kwargs: dict | None = None):
        if n_envs < 1:
            raise ValueError(f"n_envs={n_envs} must be at least 1")
        spec = gym.spec(env_id)
        self.envs: list[RobocueEnv] = [gym.make(env_id, **(env_kwargs or {})).unwrapped for _ in range(n_envs)]
        if not isinstance(self.envs[0], RobocueEnv):
            raise ValueError(f"{env_id!r} is not a robocue env")
        self.max_episode_steps = spec.max_episode_steps
        super().__init__(n_envs, self.envs[0].observation_space, self.envs[0].action_space)
        self.n_threads = max(1, min(n_threads or os.cpu_count() or 1, n_envs))
        self._shares = [self.envs[i :: self.n_threads] for i in range(self.n_threads)]
        self._pool = ThreadPoolExecutor(self.n_threads) if self.n_threads > 1 else None
        self._elapsed = np.zeros(n_envs, dtype=int)
        self._actions = None

    # --- stepping ------------------------------------------------------------------------
    def reset(self):
        observations = []
        for i, env in enumerate(self.envs):
            observation, self.reset_infos[i] = env.reset(seed=self._seeds[i], options=self._options[i])
            observations.append(observation)
        self._reset_seeds()
        self._reset_options()
        self._elapsed[:] = 0
        return self._stack(observations)

    def step_async(self, actions: np.ndarray) -> None:
        self._actions = actions

    @staticmethod
    def _physics(share: list[RobocueEnv]) -> None:
        for env in share:
            env.engine.step()

    def step_wait(self):
        for env, action in zip(self.envs, self._actions):
            env.act(action)
        if self._pool is None:
            self._physics(self.envs)
        else:
            for future in [self._pool.submit(self._physics, share) for share in self._shares]:
                future.result()  # re-raises a PhysicsError from its thread
        observations, rewards, dones, infos = [], np.zeros(self.num_envs, dtype=np.float32), np.zeros(self.num_envs, dtype=bool), []
        for i, env in enumerate(self.envs):
            observation, rewards[i], terminated, truncated, info = env.outcome()
            self._elapsed[i] += 1
            truncated = truncated or (self.max_episode_steps is not None and self._elapsed[i] >= self.max_episode_steps)
            if terminated or truncated:
                info["terminal_observation"] = observation
                info["TimeLimit.truncated"] = truncated and not terminated
                observation, self.reset_infos[i] = env.reset()
                self._elapsed[i] = 0
            dones[i] = terminated or truncated
            observations.append(observation)
            infos.append(info)
        return self._stack(observations), rewards, dones, infos

    def _stack(self, observations):
        if isinstance(self.observation_space, gym.spaces.Dict):
            return {key: np.stack([o[key] for o in observations]) for key in self.observation_space.spaces}
        return np.stack(observations)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
        for env in self.envs:
            env.close()

    # --- the rest of SB3's VecEnv interface ------------------------------------------------
    def _indices(self, indices):
        if indices is None:
            return range(self.num_envs)
        return [indices] if isinstance(indices, int) else indices

    # Through Gymnasium's wrappers (TimeLimit, ...) to the env that has the attribute, as SB3's DummyVecEnv does.
    def get_attr(self, attr_name, indices=None):
        return [self.envs[i].get_wrapper_attr(attr_name) for i in self._indices(indices)]

    def set_attr(self, attr_name, value, indices=None) -> None:
        for i in self._indices(indices):
            self.envs[i].set_wrapper_attr(attr_name, value)

    def env_method(self, method_name, *method_args, indices=None, **method_kwargs):
        return [self.envs[i].get_wrapper_attr(method_name)(*method_args, **method_kwargs) for i in self._indices(indices)]

    def env_is_wrapped(self, wrapper_class, indices=None):
        return [False for _ in self._indices(indices)]

    def get_images(self):
        return [env.render() for env in self.envs]
