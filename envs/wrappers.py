"""Gymnasium wrappers robocue applies by config (so training and evaluation agree)."""

from __future__ import annotations

from collections import deque

import gymnasium as gym
import numpy as np

IMAGE_KEYS = ("pixels", "depth")


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


def wrap(env: gym.Env, frame_stack: int = 1) -> gym.Env:
    """Applies the config's wrappers (frame stacking when ``frame_stack > 1``)."""
    return FrameStack(env, frame_stack) if frame_stack > 1 else env
