"""Training: config -> run folder with a trained, evaluated and recorded agent.

Reads top to bottom like a CleanRL script: validate everything, create the run folder,
build envs and the SB3 model, learn with checkpoints and logging, save, evaluate, replay.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import gymnasium as gym
import numpy as np
from stable_baselines3.common.callbacks import BaseCallback, CallbackList
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv, VecMonitor, VecNormalize
from tqdm import tqdm

from robocue import envs
from robocue.agents.agent import Agent, make_env, resolve_device
from robocue.agents.commands import ENCODER_FILE, load_language_encoder, wrap
from robocue.agents.demonstrations import PolicyTeacher, expert_labels, warm_start
from robocue.agents.evaluation import evaluate_run
from robocue.agents.replay import replay_run
from robocue.agents.runs import MODEL_FILE, create_run_dir, load_run_config, save_config, save_model
from robocue.agents.tracking import finish_wandb, make_logger, start_wandb
from robocue.agents.train_summary import write_train_summary
from robocue.configs import Config, ConfigError, algorithm_class
from robocue.envs.commands import COMMAND_DIM
from robocue.envs.vector import ThreadedVecEnv
from robocue.envs.wrappers import ObjectTokenNoise
from robocue.policies import policy_kwargs
from robocue.policies.attention import CommandAttentionExtractor
from robocue.policies.factory import check_extractor, policy_class
from robocue.policies.multimodal import MultimodalExtractor


@dataclass
class TrainResult:
    """Where a training run put things, and how it went."""

    run_dir: Path
    model_path: Path
    timesteps: int
    train_seconds: float
    eval: dict | None = None
    eval_path: Path | None = None
    videos: list[str] = field(default_factory=list)


class CheckpointEvery(BaseCallback):
    """Saves ``checkpoints/step_<N>.zip`` every ``every`` environment steps, atomically."""

    def __init__(self, folder: Path, every: int):
        super().__init__()
        self.folder, self.every, self.next_save = folder, every, every

    def _on_step(self) -> bool:
        if self.num_timesteps >= self.next_save:
            save_model(self.model, self.folder / f"step_{self.num_timesteps}.zip")
            self.next_save += self.every
        return True


class TimeLimit(BaseCallback):
    """Stops learning once ``seconds`` of wall time have passed since training started."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds

    def _on_training_start(self) -> None:
        self.deadline = time.perf_counter() + self.seconds

    def _on_step(self) -> bool:
        return time.perf_counter() < self.deadline


class ProgressBar(BaseCallback):
    """A tqdm bar over environment steps showing the running success rate and return."""

    def __init__(self, total: int, enabled: bool = True):
        super().__init__()
        self.total, self.enabled = total, enabled

    def _on_training_start(self) -> None:
        interactive = sys.stderr.isatty()
        self.bar = tqdm(
            total=self.total,
            desc="training",
            unit="step",
            disable=not self.enabled,
            dynamic_ncols=True,
            mininterval=0.2 if interactive else 15.0,  # a log file gets a line every 15 s
        )

    def _on_step(self) -> bool:
        self.bar.update(self.training_env.num_envs)
        if self.n_calls % 500 == 0:
            postfix = {}
            if self.model.ep_success_buffer:
                postfix["success"] = f"{np.mean(self.model.ep_success_buffer):.2f}"
            if self.model.ep_info_buffer:
                postfix["return"] = f"{np.mean([e['r'] for e in self.model.ep_info_buffer]):.2f}"
            self.bar.set_postfix(postfix, refresh=False)
        return True

    def _on_training_end(self) -> None:
        self.bar.close()


class CriticWarmup(BaseCallback):
    """Freezes everything but the critic for the first ``steps`` environment steps.

    A policy that starts from cloned or ``init_from`` weights acts well, but its critic
    knows nothing yet, and advantages measured against an untrained critic would push the
    actor around before the critic has caught up. While frozen, only the value head (and
    the critic's own features extractor, where it has one) learns.
    """

    def __init__(self, steps: int, log=print):
        super().__init__()
        self.steps, self.log, self.frozen = steps, log, []

    def _on_training_start(self) -> None:
        critic = set()
        policy = self.model.policy
        if hasattr(policy, "value_net"):  # PPO: value head, its MLP, its own extractor if not shared
            modules = [policy.value_net, policy.mlp_extractor.value_net]
            if policy.vf_features_extractor is not policy.pi_features_extractor:
                modules.append(policy.vf_features_extractor)
            critic = {id(p) for module in modules for p in module.parameters()}
            candidates = list(policy.parameters())
        else:  # SAC: the actor has its own optimizer; the critics are not touched
            candidates = list(policy.actor.parameters())
        self.frozen = [p for p in candidates if id(p) not in critic and p.requires_grad]
        for parameter in self.frozen:
            parameter.requires_grad_(False)
        self.log(f"critic warm-up: actor frozen ({sum(p.numel() for p in self.frozen)} parameters) for {self.steps} steps")

    def _release(self) -> None:
        for parameter in self.frozen:
            parameter.requires_grad_(True)
        if self.frozen:
            self.log(f"critic warm-up over at step {self.num_timesteps}: the actor learns from now on")
        self.frozen = []

    def _on_step(self) -> bool:
        if self.frozen and self.num_timesteps >= self.steps:
            self._release()
        return True

    def _on_training_end(self) -> None:
        self._release()


def finished_run(folder: str, key: str) -> tuple[Config, Path]:
    """The config and model file of the run ``folder`` that config key ``key`` names.

    Raises:
        ConfigError: naming ``key``, when the folder is not a run or its training has not finished.
    """
    try:
        config = load_run_config(folder)
    except ConfigError as error:
        raise ConfigError(f"config key {key!r}: {error}") from None
    path = Path(folder) / MODEL_FILE
    if not path.is_file():
        raise ConfigError(f"config key {key!r}: {str(folder)!r} has no {MODEL_FILE}; has its training finished?")
    return config, path


def init_source(config: Config) -> Path | None:
    """The model file ``train.init_from`` names, checked against the config (None when unset).

    Raises:
        ConfigError: the folder is not a finished run, or its algorithm, policy or spaces
            differ from this config's (only ``share_features_extractor`` may differ).
    """
    if not config.train.init_from:
        return None
    key = "config key 'train.init_from'"
    source, path = finished_run(config.train.init_from, "train.init_from")
    if source.algo.name != config.algo.name:
        raise ConfigError(f"{key}: that run trained {source.algo.name}, this config trains {config.algo.name}; they must match")
    ours, theirs = config.policy.model_dump(), source.policy.model_dump()
    differ = [k for k in ours if k != "share_features_extractor" and ours[k] != theirs[k]]
    if differ:
        shown = ", ".join(f"policy.{k} ({theirs[k]!r} there, {ours[k]!r} here)" for k in differ)
        raise ConfigError(f"{key}: the policy must be built the same way; differs in {shown}")
    return path


def _as_model_sees(space: gym.spaces.Space) -> gym.spaces.Space:
    """``space`` as an SB3 model stores it: channel-last images transposed to channel-first."""
    from stable_baselines3.common.preprocessing import is_image_space, is_image_space_channels_first
    from stable_baselines3.common.vec_env import VecTransposeImage

    if isinstance(space, gym.spaces.Dict):
        return gym.spaces.Dict({key: _as_model_sees(value) for key, value in space.spaces.items()})
    if is_image_space(space) and not is_image_space_channels_first(space):
        return VecTransposeImage.transpose_space(space)
    return space


def check_init_spaces(config: Config, path: Path, observation_space, action_space) -> None:
    """Stops when the ``init_from`` model observes or acts differently from this config's env."""
    from stable_baselines3.common.save_util import load_from_zip_file

    data, _, _ = load_from_zip_file(path, device="cpu", load_data=True)
    for name, ours in (("observation", _as_model_sees(observation_space)), ("action", action_space)):
        theirs = data.get(f"{name}_space")
        if theirs is not None and theirs != ours:
            raise ConfigError(
                f"config key 'train.init_from': that run's {name} space {theirs} differs from this env's {ours} "
                f"({config.env.id}); start from a run of the same task and observation mode"
            )


def check_teacher(config: Config, state_dim: int) -> None:
    """Stops when ``train.teacher`` is not a finished state-mode run of this config's task."""
    if not config.train.teacher:
        return
    from stable_baselines3.common.save_util import load_from_zip_file

    key = "config key 'train.teacher'"
    teacher, path = finished_run(config.train.teacher, "train.teacher")
    theirs, ours = envs.ENV_SPECS.get(teacher.env.id, {}), envs.ENV_SPECS[config.env.id]
    if theirs.get("obs_mode") != "state" or theirs.get("task") != ours["task"] or teacher.env.commands != "onehot":
        raise ConfigError(
            f"{key}: the teacher must be a state-mode run of the {ours['task']} task with one-hot commands; "
            f"that run trained on {teacher.env.id} with env.commands={teacher.env.commands}"
        )
    space = load_from_zip_file(path, device="cpu")[0].get("observation_space")
    if space is not None and space.shape != (state_dim,):
        raise ConfigError(
            f"{key}: that run observes {space.shape[0]} state entries, this env's state has {state_dim}; "
            "train the teacher with the same env.kwargs"
        )


def check_runnable(config: Config) -> str:
    """Checks what the schema cannot (env id, env kwargs, device); returns the torch device."""
    if config.env.id not in gym.registry:
        raise ConfigError(f"config key 'env.id': unknown environment {config.env.id!r}; registered: {', '.join(envs.ENV_IDS)}")
    reserved = sorted({"render_mode"} & set(config.env.kwargs))
    if reserved:
        raise ConfigError(f"config key 'env.kwargs.{reserved[0]}' is set by robocue (replay renders, training does not); remove it")
    try:
        env = gym.make(config.env.id, **config.env.kwargs)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"config key 'env.kwargs': {error}") from None
    if config.env.vec_env == "threaded" and config.env.frame_stack > 1:
        env.close()
        raise ConfigError("config key 'env.frame_stack': frame stacking needs env.vec_env=dummy or subproc, not threaded")
    if config.env.vec_env == "threaded" and config.env.commands != "onehot":
        env.close()
        raise ConfigError("config key 'env.commands': spoken commands need env.vec_env=dummy or subproc, not threaded")
    if config.env.token_noise > 0:
        try:
            ObjectTokenNoise(env, config.env.token_noise)
        except ValueError as error:
            env.close()
            raise ConfigError(f"config key 'env.token_noise': {error}") from None
    try:
        env = wrap(
            env, config.env.frame_stack, config.env.commands, command_features=config.env.command_features, omit_shape=config.env.omit_shape
        )
    except ValueError as error:
        env.close()
        raise ConfigError(f"config key 'env.frame_stack': {error}") from None
    key = "policy.features_extractor"
    try:
        check_extractor(config.policy.features_extractor, isinstance(env.observation_space, gym.spaces.Dict))
        if config.policy.features_extractor == "multimodal":
            kwargs = policy_kwargs(config.policy, config.algo.name)["features_extractor_kwargs"]
            MultimodalExtractor(env.observation_space, **kwargs)  # image too small, no pixels, ...
        elif config.policy.features_extractor == "attention":
            key = "policy"  # its errors name the planner key that cannot apply
            layout = env.get_wrapper_attr("observation_layout")
            kwargs = policy_kwargs(config.policy, config.algo.name, layout)["features_extractor_kwargs"]
            CommandAttentionExtractor(env.observation_space, **kwargs)  # a maze planner without a maze, ...
    except ValueError as error:
        raise ConfigError(f"config key {key!r}: {error}") from None
    finally:
        env.close()
    u = env.unwrapped
    check_teacher(config, u.robot.observation_dim + u.task.observation_dim + COMMAND_DIM)
    source = init_source(config)
    if source is not None:
        check_init_spaces(config, source, env.observation_space, env.action_space)
    check_replay_memory(config, env.observation_space)
    return resolve_device(config.device)


def replay_buffer_bytes(config: Config, observation_space: gym.spaces.Space) -> int:
    """Bytes an off-policy algorithm's replay buffer will take (0 for on-policy ones).

    SB3's buffers store every observation twice (``observations`` and ``next_observations``;
    Dict buffers cannot share them), in the space's dtype: uint8 images stay uint8.
    """
    if config.algo.name != "sac":
        return 0
    spaces = observation_space.spaces.values() if isinstance(observation_space, gym.spaces.Dict) else [observation_space]
    per_observation = sum(int(np.prod(space.shape)) * np.dtype(space.dtype).itemsize for space in spaces)
    size = int(config.algo.hyperparameters.get("buffer_size", 1_000_000))
    return size * (2 * per_observation + 64)  # + action, reward, done, timeout


def available_memory_bytes() -> int | None:
    """MemAvailable from /proc/meminfo (None where there is no such file)."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def check_replay_memory(config: Config, observation_space: gym.spaces.Space, log=print) -> None:
    """Says how much memory the replay buffer needs; stops before allocating if the machine lacks it."""
    needed = replay_buffer_bytes(config, observation_space)
    if needed < 256 * 2**20:
        return
    available = available_memory_bytes()
    log(f"replay buffer: about {needed / 2**30:.1f} GiB for {config.algo.hyperparameters.get('buffer_size', 1_000_000)} transitions")
    if available is not None and needed > 0.8 * available:
        raise ConfigError(
            f"config key 'algo.buffer_size': the replay buffer needs about {needed / 2**30:.1f} GiB but only "
            f"{available / 2**30:.1f} GiB is available; lower algo.buffer_size or image_size"
        )


def build_model(config: Config, device: str):
    """The SB3 model for the config, on vectorised copies of its env."""
    if config.env.vec_env == "threaded":
        vec_env = VecMonitor(ThreadedVecEnv(config.env.id, config.env.n_envs, env_kwargs=config.env.kwargs))
        vec_env.seed(config.seed)
    else:
        vec_env = make_vec_env(
            config.env.id,
            n_envs=config.env.n_envs,
            seed=config.seed,
            env_kwargs=config.env.kwargs,
            wrapper_class=wrap,
            wrapper_kwargs={
                "frame_stack": config.env.frame_stack,
                "commands": config.env.commands,
                "command_features": config.env.command_features,
                "omit_shape": config.env.omit_shape,
                "token_noise": config.env.token_noise,
            },
            vec_env_cls=SubprocVecEnv if config.env.vec_env == "subproc" else DummyVecEnv,
        )
    if config.env.normalize_reward:
        gamma = config.algo.hyperparameters.get("gamma", 0.99)
        vec_env = VecNormalize(vec_env, norm_obs=False, norm_reward=True, gamma=gamma)
    algorithm = algorithm_class(config.algo.name)
    is_dict = isinstance(vec_env.observation_space, gym.spaces.Dict)
    layout = None if is_dict else vec_env.env_method("get_wrapper_attr", "observation_layout", indices=0)[0]
    return algorithm(
        policy_class(is_dict),
        vec_env,
        seed=config.seed,
        device=device,
        verbose=0,
        policy_kwargs=policy_kwargs(config.policy, config.algo.name, layout),
        **config.algo.hyperparameters,
    )


def train(config: Config, log=print) -> TrainResult:
    """Trains an agent as the config says, then evaluates and records it.

    Every check that can fail on bad input runs before the run folder is created.

    Raises:
        ConfigError: on anything wrong with the config (nothing is written then).
    """
    import torch

    device = check_runnable(config)
    run_dir = create_run_dir(config)
    save_config(run_dir, config)
    if config.env.commands == "language":  # the run keeps its own copy of the encoder its policy hears through
        load_language_encoder().save(run_dir / ENCODER_FILE)
    log(f"run folder: {run_dir}")
    log(f"training {config.algo.name.upper()} on {config.env.id} for {config.train.timesteps} steps (device {device}, seed {config.seed})")

    if config.train.torch_threads:
        torch.set_num_threads(config.train.torch_threads)
    model = build_model(config, device)
    if config.train.init_from:
        from stable_baselines3.common.save_util import load_from_zip_file

        _, params, _ = load_from_zip_file(Path(config.train.init_from) / MODEL_FILE, device=device)  # checked by check_runnable
        model.policy.load_state_dict(params["policy"])
        log(f"policy weights from {config.train.init_from}")
    wandb_run = start_wandb(config, run_dir)
    model.set_logger(make_logger(config, run_dir, wandb_run))
    callbacks = [ProgressBar(config.train.timesteps, config.train.progress_bar)]
    if config.train.max_seconds:
        callbacks.append(TimeLimit(config.train.max_seconds))
    if config.train.critic_warmup:
        callbacks.append(CriticWarmup(config.train.critic_warmup, log=log))
    if config.train.checkpoint_every:
        callbacks.append(CheckpointEvery(run_dir / "checkpoints", config.train.checkpoint_every))

    model_path = run_dir / MODEL_FILE
    started = time.perf_counter()
    if config.train.teacher:
        log(f"labels from the teacher in {config.train.teacher} (instead of the scripted expert)")
    if config.train.bc_episodes:
        # The policy after every fit goes to model.zip, so a long imitation run stopped
        # between rounds still leaves its latest policy for `robocue eval`.
        warm_start(
            model,
            lambda: make_env(config, for_training=True),
            config.train.bc_episodes,
            config.train.bc_epochs,
            config.train.dagger_iterations,
            seed=config.seed * 100_000 + 50_000,
            log=log,
            aux_weight=config.train.bc_aux_weight,
            episode_steps=config.train.bc_episode_steps,
            dagger_episodes=config.train.dagger_episodes,
            after_success=config.train.bc_after_success,
            lr_schedule=config.train.bc_lr_schedule,
            on_fit=lambda _: save_model(model, model_path),
            focus=config.train.dagger_focus,
            aux_target=config.train.bc_aux_target,
            labeller=PolicyTeacher(Agent.load(config.train.teacher, device=device)) if config.train.teacher else expert_labels,
        )
    try:
        if config.train.timesteps:  # 0: imitation only, the warm start is the whole training
            model.learn(total_timesteps=config.train.timesteps, callback=CallbackList(callbacks))
    except KeyboardInterrupt:
        save_model(model, model_path)
        log(f"\ninterrupted at step {model.num_timesteps}; model saved to {model_path}", file=sys.stderr)
        raise
    finally:
        finish_wandb(wandb_run)
        model.get_env().close()
    train_seconds = time.perf_counter() - started
    save_model(model, model_path)
    result = TrainResult(run_dir, model_path, int(model.num_timesteps), train_seconds)
    write_train_summary(run_dir, result.timesteps, train_seconds, device)
    if config.train.timesteps:
        log(f"trained {result.timesteps} steps in {train_seconds:.0f}s ({result.timesteps / train_seconds:.0f} steps/s)")
    else:
        log(f"trained by imitation only (train.timesteps=0) in {train_seconds:.0f}s")
    if result.timesteps < config.train.timesteps:
        log(f"stopped early by train.max_seconds={config.train.max_seconds:g} ({config.train.timesteps} steps were asked for)")

    if config.train.evaluate:
        result.eval, result.eval_path = evaluate_run(run_dir, progress=config.train.progress_bar)
        low, high = result.eval["success_ci"]
        log(
            f"success rate {result.eval['success_rate']:.2f} (95% CI {low:.2f}-{high:.2f}) "
            f"over {result.eval['n_episodes']} episodes, mean return {result.eval['mean_return']:.2f}"
        )
    if config.train.video:
        result.videos.append(replay_run(run_dir)["path"])
    return result


__all__ = ["Agent", "TrainResult", "check_runnable", "train"]
