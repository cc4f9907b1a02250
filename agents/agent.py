"""An Agent: a trained policy together with the config that says how to build its world."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import numpy as np

from robocue import envs  # noqa: F401  (registers the robocue/ ids)
from robocue.agents.runs import MODEL_FILE, load_run_config
from robocue.configs import Config, ConfigError, algorithm_class
from robocue.perception.command_channels import ENCODER_FILE, wrap


def resolve_device(device: str) -> str:
    """Maps the config's device to a torch device, failing clearly when CUDA is missing."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("config key 'device': cuda was asked for but CUDA is not available; use auto or cpu")
    return device


def make_env(
    config: Config,
    render_mode: str | None = None,
    split: str = "train",
    encoder_path=None,
    engine: str | None = None,
    for_training: bool = False,
    **overrides,
) -> gym.Env:
    """The config's environment (one copy) with its wrappers; ``split`` picks what a spoken
    command's simulated human says (``perception.command_channels.COMMAND_SPLITS``), ``encoder_path`` the
    language encoder that hears it (default: the shipped one), ``engine`` the physics engine
    (default: the config's; another one gives the env's twin there). ``for_training``: as
    training sees it (``env.omit_shape`` and ``env.token_noise`` apply), not as evaluation does."""
    env_id = config.env.id if engine is None else envs.twin_id(config.env.id, engine)
    env = gym.make(env_id, render_mode=render_mode, **{**config.env.kwargs, **overrides})
    omit_shape = config.env.omit_shape if for_training else 0.0
    token_noise = config.env.token_noise if for_training else 0.0
    return wrap(env, config.env.frame_stack, config.env.commands, split, encoder_path, config.env.command_features, omit_shape, token_noise)


class Agent:
    """A policy that acts in the config's environment. Load one from a run folder."""

    def __init__(self, config: Config, model, run_dir: Path | None = None, model_file: str = MODEL_FILE):
        self.config = config
        self.model = model
        self.run_dir = run_dir
        self.model_file = model_file

    @classmethod
    def load(cls, run_dir: str | Path, model_file: str = MODEL_FILE, device: str = "auto") -> Agent:
        run_dir = Path(run_dir)
        config = load_run_config(run_dir)
        path = run_dir / model_file
        if not path.is_file():
            hint = "has its training finished?" if model_file == MODEL_FILE else "see its checkpoints/ folder"
            raise ConfigError(f"{str(run_dir)!r} has no {model_file}; {hint}")
        model = algorithm_class(config.algo.name).load(path, device=resolve_device(device))
        return cls(config, model, run_dir, str(model_file))

    @property
    def name(self) -> str:
        return str(self.run_dir) if self.run_dir else f"{self.config.algo.name} agent"

    @property
    def env_id(self) -> str:
        return self.config.env.id

    @property
    def deterministic(self) -> bool:
        return self.config.eval.deterministic

    def act(self, observation, deterministic: bool = True) -> np.ndarray:
        action, _ = self.model.predict(observation, deterministic=deterministic)
        return action

    def make_env(self, render_mode: str | None = None, split: str = "train", engine: str | None = None, **overrides) -> gym.Env:
        encoder = self.run_dir / ENCODER_FILE if self.run_dir and (self.run_dir / ENCODER_FILE).is_file() else None
        return make_env(self.config, render_mode=render_mode, split=split, encoder_path=encoder, engine=engine, **overrides)

    def policy_for(self, env: gym.Env):
        """observation -> action in ``env`` (the config's deterministic setting)."""
        return lambda observation: self.act(observation, deterministic=self.config.eval.deterministic)


EXPERT_ROOT = Path("runs")


class ExpertAgent:
    """A task's scripted expert: acts from the simulator's true state, not from observations.

    Evaluated and recorded exactly like a trained agent, so the two can be compared.
    """

    def __init__(self, env_id: str):
        if env_id not in envs.ENV_IDS:
            raise ConfigError(f"--expert {env_id!r} is not a robocue env; registered: {', '.join(envs.ENV_IDS)}")
        self.env_id = env_id
        self.name = f"expert:{env_id}"
        self.deterministic = True
        self.run_dir = EXPERT_ROOT / f"expert__{env_id.split('/')[-1]}"

    def make_env(self, render_mode: str | None = None, **overrides) -> gym.Env:
        return gym.make(self.env_id, render_mode=render_mode, **overrides)

    def policy_for(self, env: gym.Env):
        task, engine, robot = env.unwrapped.task, env.unwrapped.engine, env.unwrapped.robot
        return lambda observation: task.expert_action(engine, robot)
