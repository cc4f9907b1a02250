"""An Agent: a trained policy together with the config that says how to build its world."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import numpy as np

import envs  # noqa: F401  (registers the robocue/ ids)
from agents.runs import MODEL_FILE, load_run_config
from configs import Config, ConfigError, algorithm_class


def resolve_device(device: str) -> str:
    """Maps the config's device to a torch device, failing clearly when CUDA is missing."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("config key 'device': cuda was asked for but CUDA is not available; use auto or cpu")
    return device


def make_env(config: Config, render_mode: str | None = None, **overrides) -> gym.Env:
    """The config's environment (one copy), with extra keyword overrides."""
    return gym.make(config.env.id, render_mode=render_mode, **{**config.env.kwargs, **overrides})


class Agent:
    """A policy that acts in the config's environment. Load one from a run folder."""

    def __init__(self, config: Config, model, run_dir: Path | None = None):
        self.config = config
        self.model = model
        self.run_dir = run_dir

    @classmethod
    def load(cls, run_dir: str | Path, model_file: str = MODEL_FILE, device: str = "auto") -> Agent:
        run_dir = Path(run_dir)
        config = load_run_config(run_dir)
        path = run_dir / model_file
        if not path.is_file():
            raise ConfigError(f"{str(run_dir)!r} has no {model_file}; has its training finished?")
        model = algorithm_class(config.algo.name).load(path, device=resolve_device(device))
        return cls(config, model, run_dir)

    @property
    def name(self) -> str:
        return str(self.run_dir) if self.run_dir else f"{self.config.algo.name} agent"

    def act(self, observation, deterministic: bool = True) -> np.ndarray:
        action, _ = self.model.predict(observation, deterministic=deterministic)
        return action

    def make_env(self, render_mode: str | None = None, **overrides) -> gym.Env:
        return make_env(self.config, render_mode=render_mode, **overrides)
