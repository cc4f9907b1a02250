"""Training: config -> run folder with a trained, evaluated and recorded agent.

Reads top to bottom like a CleanRL script: validate everything, create the run folder,
build envs and the SB3 model, learn with checkpoints and logging, save, evaluate, replay.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3.common.callbacks import BaseCallback, CallbackList
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv, VecMonitor, VecNormalize
from tqdm import tqdm

from robocue import envs
from robocue.agents.agent import (
    Agent,
    build_policy_model,
    check_stamp,
    first_line,
    foreign_model,
    foreign_refusal,
    load_weights,
    make_env,
    mode_twin,
    model_path,
    read_model_weights,
    resolve_device,
    sb3_model,
    state_twin,
    training_env_ids,
    training_env_kwargs,
    training_randomization,
    zip_algorithm,
)
from robocue.agents.collect import check_dataset, demonstrations, load_dataset
from robocue.agents.curriculum import GoalCurriculum
from robocue.agents.demonstrations import PolicyTeacher, behavior_clone, expert_labels, imitation_recipe, warm_start
from robocue.agents.evaluation import evaluate_run
from robocue.agents.plots import plot_run_curves
from robocue.agents.replay import replay_run
from robocue.agents.resume import (
    load_dagger_state,
    newest_resume_step,
    read_dagger_meta,
    remove_dagger_states,
    restore_resume_state,
    save_dagger_state,
    save_resume_state,
    wrap_recorded,
)
from robocue.agents.runs import CHECKPOINT_DIR, MODEL_FILE, create_run_dir, load_run_config, save_config, save_model
from robocue.agents.time_to_target import TimeToTarget
from robocue.agents.tracking import finish_wandb, make_logger, start_wandb
from robocue.agents.train_summary import write_train_summary
from robocue.configs import OFF_POLICY, Config, ConfigError, algorithm_class
from robocue.envs.commands import COMMAND_DIM
from robocue.envs.vector import ThreadedVecEnv
from robocue.envs.wrappers import EngineMix, ObjectMotion, ObjectTokenNoise
from robocue.perception.command_channels import ENCODER_FILE, load_language_encoder, wrap
from robocue.policies import policy_kwargs
from robocue.policies.attention import CommandAttentionExtractor
from robocue.policies.factory import check_extractor
from robocue.policies.multimodal import MultimodalExtractor


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived during training (what `timeout`, schedulers and `kill` send): handled like
    Ctrl-C (the model is saved), and the CLI exits with ``exit_code`` 143 (128 + SIGTERM)."""

    exit_code = 143


@contextmanager
def terminate_as_exception(ignore: bool = False):
    """Within the block, SIGTERM raises :class:`Terminated` (or, with ``ignore``, is held off),
    so training saves its model as it does on Ctrl-C. Only the main thread can take signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN if ignore else handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    """Saves ``checkpoints/step_<N>.zip`` every ``every`` environment steps and every
    ``seconds`` of wall time (either 0: off), atomically, stamped with the config's env id."""

    def __init__(self, folder: Path, every: int, config: Config, seconds: float = 0):
        super().__init__()
        self.folder, self.every, self.next_save = folder, every, every
        self.config, self.seconds = config, seconds
        # The exact-resume state goes with each checkpoint, at the next rollout start (after the update).
        # The threaded vec env applies no wrappers, so no recorder; a curriculum's state is not saved.
        self.resume = config.env.vec_env != "threaded" and config.env.curriculum is None
        self.resume_due = True

    def _on_training_start(self) -> None:
        # A first checkpoint at once: a run killed before the first interval still leaves a model to evaluate.
        save_model(self.model, self.folder / f"step_{self.num_timesteps}.zip", self.config.env.id, self.config.algo.name)
        self.next_save = (self.num_timesteps // self.every + 1) * self.every if self.every else 0
        self.next_time = time.monotonic() + self.seconds

    def _on_rollout_start(self) -> None:
        if self.resume and self.resume_due:
            save_resume_state(self.model, self.config, self.folder, self.config.train.resume_replay_buffer)
            remove_dagger_states(self.folder)  # RL's resume state supersedes the cloning and DAgger rounds'
            self.resume_due = False

    def _on_step(self) -> bool:
        by_steps = self.every and self.num_timesteps >= self.next_save
        by_time = self.seconds and time.monotonic() >= self.next_time
        if by_steps or by_time:
            save_model(self.model, self.folder / f"step_{self.num_timesteps}.zip", self.config.env.id, self.config.algo.name)
            while self.every and self.next_save <= self.num_timesteps:
                self.next_save += self.every
            self.next_time = time.monotonic() + self.seconds
            self.resume_due = True
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


def finished_run(folder: str, key: str, log=print) -> tuple[Config, Path]:
    """The config and model file of the run ``folder`` that config key ``key`` names; a run
    without model.zip (stopped by SIGKILL) gives its newest checkpoint, saying which.

    Raises:
        ConfigError: naming ``key``, when the folder is not a run or has no model at all.
    """
    try:
        config = load_run_config(folder)
        path = model_path(Path(folder), MODEL_FILE, log=lambda text: log(f"{key}: {text}"))
    except ConfigError as error:
        raise ConfigError(f"config key {key!r}: {error}") from None
    return config, path


def init_source(config: Config, log=print) -> Path | None:
    """The model file ``train.init_from`` names, checked against the config (None when unset).

    Raises:
        ConfigError: the folder is not a run, or its algorithm or policy differ from this
            config's (only ``share_features_extractor`` may differ).
    """
    if not config.train.init_from:
        return None
    key = "config key 'train.init_from'"
    foreign = foreign_model(config.train.init_from)
    if foreign is not None:  # a Stable-Baselines3 zip made elsewhere: only with train.trust_pickle
        if not config.train.trust_pickle:
            raise ConfigError(f"{key}: {foreign_refusal(config.train.init_from, 'set train.trust_pickle=true')}")
        try:
            algo = zip_algorithm(foreign)  # from the JSON keys of its data entry: nothing unpickled yet
        except ConfigError as error:
            raise ConfigError(f"{key}: {error}") from None
        if algo != config.algo.name:
            raise ConfigError(f"{key}: that zip holds a {algo} model, this config trains {config.algo.name}; they must match")
        return foreign
    source, path = finished_run(config.train.init_from, "train.init_from", log)
    if source.algo.name != config.algo.name:
        raise ConfigError(f"{key}: that run trained {source.algo.name}, this config trains {config.algo.name}; they must match")
    ours, theirs = config.policy.model_dump(), source.policy.model_dump()
    differ = [k for k in ours if k != "share_features_extractor" and ours[k] != theirs[k]]
    if differ:
        shown = ", ".join(f"policy.{k} ({theirs[k]!r} there, {ours[k]!r} here)" for k in differ)
        raise ConfigError(f"{key}: the policy must be built the same way; differs in {shown}")
    return path


def init_weights(config: Config, path: Path) -> dict:
    """The ``train.init_from`` model's policy weights (read as weights only), checked against its own run's config;
    a foreign zip (allowed by ``train.trust_pickle``, checked by :func:`init_source`) through SB3's loader, which unpickles it."""
    if foreign_model(config.train.init_from) is not None:
        try:
            return algorithm_class(config.algo.name).load(path, device="cpu").policy.state_dict()
        except Exception as error:  # noqa: BLE001  (whatever a zip made elsewhere makes SB3 raise: one line)
            raise ConfigError(
                f"config key 'train.init_from': Stable-Baselines3 cannot load {str(path)!r} ({type(error).__name__}: {first_line(error)})"
            ) from None
    try:
        weights, stamp = read_model_weights(path)
        check_stamp(stamp, load_run_config(config.train.init_from), path)
    except ConfigError as error:
        raise ConfigError(f"config key 'train.init_from': {error}") from None
    return weights


def check_init_spaces(config: Config, path: Path, model) -> None:
    """Stops when the ``init_from`` weights do not fit the policy this config builds (another
    observation or action space: another task or observation mode)."""
    load_weights(
        model,
        init_weights(config, path),
        f"config key 'train.init_from': that run's policy does not fit this env's observation space or action space "
        f"({config.env.id}); start from a run of the same task and observation mode",
    )


def check_teacher(config: Config, state_dim: int, log=print) -> None:
    """Stops when ``train.imitation.teacher`` is not a finished state-mode run of this config's task."""
    teacher_dir = config.train.imitation.teacher if config.train.imitation else None
    if not teacher_dir:
        return
    key = "config key 'train.imitation.teacher'"
    if foreign_model(teacher_dir) is not None:
        if not config.train.trust_pickle:
            raise ConfigError(f"{key}: {foreign_refusal(teacher_dir, 'set train.trust_pickle=true')}")
        agent = load_teacher(config, "cpu", log)
        if agent.config.env.commands != "onehot":
            commands = agent.config.env.commands
            raise ConfigError(f"{key}: the teacher must observe one-hot commands; that zip's policy hears env.commands={commands}")
        return
    teacher, _ = finished_run(teacher_dir, "train.imitation.teacher", log)
    theirs, ours = envs.ENV_SPECS.get(teacher.env.id, {}), envs.ENV_SPECS[config.env.id]
    if theirs.get("obs_mode") != "state" or theirs.get("task") != ours["task"] or teacher.env.commands != "onehot":
        raise ConfigError(
            f"{key}: the teacher must be a state-mode run of the {ours['task']} task with one-hot commands; "
            f"that run trained on {teacher.env.id} with env.commands={teacher.env.commands}"
        )
    try:
        agent = Agent.load(teacher_dir, device="cpu", log=lambda text: None)
    except ConfigError as error:
        raise ConfigError(f"{key}: {error}") from None
    shape = agent.model.observation_space.shape
    if shape != (state_dim,):
        raise ConfigError(
            f"{key}: that run observes {shape[0]} state entries, this env's state has {state_dim}; "
            "train the teacher with the same env.kwargs"
        )


def load_teacher(config: Config, device: str, log=print) -> Agent:
    """The ``train.imitation.teacher`` policy: a run folder's weights, or (with ``train.trust_pickle``) a
    Stable-Baselines3 zip made elsewhere through SB3's loader, acting in the state-mode env of this task."""
    teacher_dir = config.train.imitation.teacher
    foreign = foreign_model(teacher_dir)
    if foreign is None:
        return Agent.load(teacher_dir, device=device, log=log)
    try:
        return Agent.load_trusted_zip(foreign, state_twin(config.env.id), device, key="the teacher's state-mode env")
    except ConfigError as error:
        raise ConfigError(f"config key 'train.imitation.teacher': {error}") from None
    except Exception as error:  # noqa: BLE001  (whatever a zip made elsewhere makes SB3 raise: one line)
        raise ConfigError(
            f"config key 'train.imitation.teacher': Stable-Baselines3 cannot load {str(foreign)!r} "
            f"({type(error).__name__}: {first_line(error)})"
        ) from None


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
    try:
        training_randomization(config)
    except ValueError as error:
        env.close()
        raise ConfigError(f"config key 'env.domain_randomization': {error}") from None
    if config.env.engines:
        problem = None
        if len(set(config.env.engines)) != len(config.env.engines):
            problem = f"lists an engine twice ({config.env.engines}); each of mujoco and pybullet at most once"
        elif config.env.vec_env == "threaded":
            problem = "mixing engines needs env.vec_env=dummy or subproc, not threaded"
        if problem is not None:
            env.close()
            raise ConfigError(f"config key 'env.engines' {problem}")
    if config.env.curriculum is not None:
        curriculum = config.env.curriculum
        problem = None
        if curriculum.full_range <= curriculum.goal_range:
            problem = f"full_range={curriculum.full_range} must be larger than goal_range={curriculum.goal_range}"
        elif not hasattr(env.unwrapped.task, "set_goal_range"):
            problem = f"moves goals of push and pick_and_place only; {config.env.id} has none to move"
        elif curriculum.air_goals > 0 and not env.unwrapped.task.gripper:
            problem = f"air_goals={curriculum.air_goals}: goals in the air are for pick_and_place, not {config.env.id} (set it to 0)"
        if problem is not None:
            env.close()
            raise ConfigError(f"config key 'env.curriculum' {problem}")
    if config.env.object_motion:
        problem = "needs env.vec_env=dummy or subproc (the threaded env applies no wrappers)" if config.env.vec_env == "threaded" else None
        try:
            ObjectMotion(env)
        except ValueError as error:
            problem = str(error)
        if problem is not None:
            env.close()
            raise ConfigError(f"config key 'env.object_motion': {problem}")
    if config.algo.her is not None and not hasattr(env.unwrapped, "compute_reward"):
        env.close()
        goal_id = mode_twin(config.env.id, "goal") if config.env.id in envs.ENV_SPECS else "robocue/<Task>Goal-<Engine>-v0"
        raise ConfigError(
            f"config key 'algo.her' relabels goals, so it needs a goal env (observations with achieved_goal and desired_goal), "
            f"not {config.env.id}: use env.id={goal_id}"
        )
    if config.algo.her is not None and env.spec is not None and env.spec.max_episode_steps:
        # HER samples whole episodes: its first batch must come after every copy's first episode ends.
        needed = env.spec.max_episode_steps * config.env.n_envs
        starts = config.algo.hyperparameters.get("learning_starts", 100)
        if config.train.timesteps and starts < needed:
            env.close()
            raise ConfigError(
                f"config key 'algo.learning_starts' is {starts}, but hindsight relabelling (algo.her) needs the first episodes "
                f"finished before learning: at least {needed} ({config.env.n_envs} env copies x {env.spec.max_episode_steps} steps)"
            )
    if config.env.token_noise > 0:
        try:
            ObjectTokenNoise(env, config.env.token_noise)
        except ValueError as error:
            env.close()
            raise ConfigError(f"config key 'env.token_noise': {error}") from None
    try:
        env = wrap(
            env,
            config.env.frame_stack,
            config.env.commands,
            command_features=config.env.command_features,
            omit_shape=config.env.omit_shape,
            object_motion=config.env.object_motion,
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
        check_replay_memory(config, env.observation_space)
        check_rollout_memory(config, env.observation_space)
        model = build_checked_model(config, env)  # every hyperparameter, the whole policy, a one-transition buffer
        source = init_source(config)
        if source is not None:
            check_init_spaces(config, source, model)
        u = env.unwrapped
        check_teacher(config, u.robot.observation_dim + u.task.observation_dim + COMMAND_DIM)
        check_dataset(config, env.observation_space, env.action_space)
    except ValueError as error:
        if isinstance(error, ConfigError):
            raise
        raise ConfigError(f"config key {key!r}: {error}") from None
    finally:
        env.close()
    return resolve_device(config.device)


def build_checked_model(config: Config, env: gym.Env):
    """Builds the config's algorithm and policy on ``env`` (no buffers), so that a config SB3 or
    torch refuses stops here, before the run folder exists, with one line."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PPO's note on batch sizes that do not divide the rollout
            hyperparameters = dict(config.algo.hyperparameters)
            if config.algo.name in OFF_POLICY:  # sized by check_replay_memory; one transition proves the buffer can be built
                hyperparameters["buffer_size"] = 1
            return build_policy_model(config, env, "cpu", hyperparameters, setup=True)
    except (AssertionError, ValueError, TypeError, RuntimeError, KeyError, OverflowError, MemoryError) as error:
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        what = f"{type(error).__name__}: {text}"
        raise ConfigError(f"config keys 'algo' and 'policy': Stable-Baselines3 cannot build this model ({what})") from None


def rollout_buffer_bytes(config: Config, observation_space: gym.spaces.Space) -> int:
    """Bytes PPO's rollout buffer takes (0 for SAC): n_steps x n_envs observations as float32."""
    if config.algo.name != "ppo":
        return 0
    spaces = observation_space.spaces.values() if isinstance(observation_space, gym.spaces.Dict) else [observation_space]
    per_observation = sum(int(np.prod(space.shape)) for space in spaces) * 4
    return int(config.algo.hyperparameters.get("n_steps", 2048)) * config.env.n_envs * (per_observation + 64)


def check_rollout_memory(config: Config, observation_space: gym.spaces.Space) -> None:
    """Stops before allocating a rollout buffer that the machine cannot hold."""
    needed, available = rollout_buffer_bytes(config, observation_space), available_memory_bytes()
    if available is not None and needed > 0.8 * available:
        raise ConfigError(
            f"config key 'algo.n_steps': the rollout buffer (n_steps x env.n_envs observations) needs about {needed / 2**30:.1f} GiB "
            f"but only {available / 2**30:.1f} GiB is available; lower algo.n_steps or env.n_envs"
        )


def replay_buffer_bytes(config: Config, observation_space: gym.spaces.Space) -> int:
    """Bytes an off-policy algorithm's replay buffer will take (0 for on-policy ones).

    SB3's buffers store every observation twice (``observations`` and ``next_observations``;
    Dict buffers cannot share them), in the space's dtype: uint8 images stay uint8.
    """
    if config.algo.name not in OFF_POLICY:
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
    env_kwargs = training_env_kwargs(config)
    if config.env.vec_env == "threaded":
        vec_env = VecMonitor(ThreadedVecEnv(config.env.id, config.env.n_envs, env_kwargs=env_kwargs))
        vec_env.seed(config.seed)
    else:
        vec_env = make_vec_env(
            partial(EngineMix, training_env_ids(config)) if config.env.engines else config.env.id,
            n_envs=config.env.n_envs,
            seed=config.seed,
            env_kwargs=env_kwargs,
            wrapper_class=wrap_recorded,
            wrapper_kwargs={
                "frame_stack": config.env.frame_stack,
                "commands": config.env.commands,
                "command_features": config.env.command_features,
                "omit_shape": config.env.omit_shape,
                "token_noise": config.env.token_noise,
                "object_motion": config.env.object_motion,
            },
            vec_env_cls=SubprocVecEnv if config.env.vec_env == "subproc" else DummyVecEnv,
        )
    if config.env.normalize_reward:
        gamma = config.algo.hyperparameters.get("gamma", 0.99)
        vec_env = VecNormalize(vec_env, norm_obs=False, norm_reward=True, gamma=gamma)
    is_dict = isinstance(vec_env.observation_space, gym.spaces.Dict)
    layout = None if is_dict else vec_env.env_method("get_wrapper_attr", "observation_layout", indices=0)[0]
    return sb3_model(config, vec_env, device, layout)


def train(config: Config, log=print, resume: str | Path | None = None, callbacks: list[BaseCallback] | tuple = ()) -> TrainResult:
    """Trains an agent as the config says, then evaluates and records it.

    Every check that can fail on bad input runs before the run folder is created. With
    ``resume`` (a run folder; ``config`` is its own), the run continues in place from its newest
    resume state (agents/resume.py), exactly as it would have run without the stop.
    ``callbacks`` are SB3 callbacks added to the run's own (a sweep reports progress to Ray Tune with one).

    Raises:
        ConfigError: on anything wrong with the config (nothing is written then).
    """
    device = check_runnable(config)
    if resume is None:
        run_dir = create_run_dir(config)
        save_config(run_dir, config)
        if config.env.commands == "language":  # the run keeps its own copy of the encoder its policy hears through
            load_language_encoder().save(run_dir / ENCODER_FILE)
    else:
        run_dir = Path(resume)
        if config.env.curriculum is not None:
            raise ConfigError(f"--resume {str(run_dir)!r}: a run with env.curriculum cannot resume (its curriculum's state is not saved)")
        dagger = read_dagger_meta(run_dir)
        rounds = config.train.imitation.dagger_iterations if config.train.imitation else 0
        dagger_left = dagger is not None and dagger["round"] < rounds and newest_resume_step(run_dir) is None
        if (run_dir / MODEL_FILE).is_file() and not dagger_left:  # SIGTERM, SIGINT and every cloning or DAgger fit save model.zip too
            done = (read_model_weights(run_dir / MODEL_FILE)[1] or {}).get("num_timesteps", config.train.timesteps)
            if done >= config.train.timesteps:
                raise ConfigError(f"--resume {str(run_dir)!r}: that run has finished ({done} steps); nothing to resume")
        if newest_resume_step(run_dir) is None and dagger is None:
            restore_resume_state(None, config, run_dir)  # raises the one-line error
    log(f"run folder: {run_dir}")
    log(f"training {config.algo.name.upper()} on {config.env.id} for {config.train.timesteps} steps (device {device}, seed {config.seed})")

    if config.train.torch_threads:
        torch.set_num_threads(config.train.torch_threads)
    model = build_model(config, device)
    resumed_rl, dagger_start = False, None
    if resume is not None and newest_resume_step(run_dir) is None:  # stopped during cloning or DAgger: from its last round
        dagger_start = load_dagger_state(model, config, run_dir)
        round_ = dagger_start["round"]
        log(f"resumed after cloning and DAgger round {round_} from {run_dir / CHECKPOINT_DIR}/dagger_{round_}.*")
    elif resume is not None:
        resumed_rl = True
        step = restore_resume_state(model, config, run_dir, log=log)
        log(f"resumed at step {step} from {run_dir / CHECKPOINT_DIR}/resume_{step}.*")
        csv = run_dir / "metrics" / "progress.csv"
        if csv.is_file():  # SB3's CSV writer starts its file afresh: keep what came before
            csv.replace(csv.with_name(f"progress_until_{step}.csv"))
    elif config.train.init_from:
        source = init_source(config, log=lambda text: None)  # checked (and its fallback said) by check_runnable
        load_weights(model, init_weights(config, source), "config key 'train.init_from'")
        log(f"policy weights from {source}")
    wandb_run = start_wandb(config, run_dir)
    model.set_logger(make_logger(config, run_dir, wandb_run))
    callbacks = [ProgressBar(config.train.timesteps, config.train.progress_bar), *callbacks]
    if config.train.max_seconds:
        callbacks.append(TimeLimit(config.train.max_seconds))
    if config.train.critic_warmup:
        callbacks.append(CriticWarmup(config.train.critic_warmup, log=log))
    if config.env.curriculum is not None:
        callbacks.append(GoalCurriculum(config, log=log))
    if config.train.checkpoint_every or config.train.checkpoint_every_seconds:
        callbacks.append(
            CheckpointEvery(run_dir / CHECKPOINT_DIR, config.train.checkpoint_every, config, config.train.checkpoint_every_seconds)
        )

    final_model = run_dir / MODEL_FILE

    def save() -> None:
        save_model(model, final_model, config.env.id, config.algo.name)

    started, cpu_started = time.perf_counter(), time.process_time()
    measured = config.train.target_success is not None or config.train.eval_every
    periodic = TimeToTarget(config, run_dir, started, log=log, cpu_started=cpu_started) if measured else None
    if periodic is not None and config.train.eval_every:
        callbacks.append(periodic)
    imitation = config.train.imitation
    if imitation is not None and imitation.teacher:
        log(f"labels from the teacher in {imitation.teacher} (instead of the scripted expert)")
    try:
        with terminate_as_exception():
            if imitation is not None and imitation.dataset and resume is None:
                demos = demonstrations(load_dataset(imitation.dataset))  # spaces checked by check_runnable
                loss = behavior_clone(model, demos, imitation.epochs, seed=config.seed)
                save()
                log(f"cloned {len(demos['actions'])} steps of {imitation.dataset} ({imitation.epochs} epochs, loss {loss:.3f})")
            if imitation is not None and imitation.episodes and (resume is None or dagger_start is not None):
                # The policy after every fit goes to model.zip, so a long imitation run stopped
                # between rounds still leaves its latest policy for `robocue eval`.
                warm_start(
                    model,
                    lambda: make_env(config, for_training=True),
                    **imitation_recipe(imitation),
                    seed=config.seed * 100_000 + 50_000,
                    log=log,
                    on_fit=lambda _round: save(),
                    evaluate=None if periodic is None else lambda steps: periodic.evaluate(model, steps, phase="imitation"),
                    labeler=PolicyTeacher(load_teacher(config, device, log)) if imitation.teacher else expert_labels,
                    on_state=lambda done, data, head: save_dagger_state(run_dir / CHECKPOINT_DIR, config, done, data, model, head),
                    start=dagger_start,
                )
            if config.train.timesteps and not (periodic is not None and periodic.stop and periodic.reached):  # 0: imitation only
                remaining = config.train.timesteps - model.num_timesteps  # all of it, unless resumed
                model.learn(total_timesteps=remaining, callback=CallbackList(callbacks), reset_num_timesteps=not resumed_rl)
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM as Terminated
        with terminate_as_exception(ignore=True):  # a second signal does not cut the save short
            save()
        name = "SIGTERM" if isinstance(stop, Terminated) else "SIGINT"
        log(f"\n{name}: stopped at step {model.num_timesteps}; model saved to {final_model}", file=sys.stderr)
        raise
    finally:
        finish_wandb(wandb_run)
        model.get_env().close()
        if periodic is not None:
            periodic.close()
    train_seconds = time.perf_counter() - started
    save()
    plot_run_curves(run_dir)  # curves.png: success rate and return against steps (none for imitation only)
    result = TrainResult(run_dir, final_model, int(model.num_timesteps), train_seconds)
    write_train_summary(run_dir, result.timesteps, train_seconds, device, None if periodic is None else periodic.summary())
    if config.train.timesteps:
        log(f"trained {result.timesteps} steps in {train_seconds:.0f}s ({result.timesteps / train_seconds:.0f} steps/s)")
    else:
        log(f"trained by imitation only (train.timesteps=0) in {train_seconds:.0f}s")
    if periodic is not None and periodic.target is not None:
        if periodic.reached:
            log(
                f"time to success {periodic.target:g}: {periodic.steps_to_target} steps, {periodic.seconds_to_target:.1f}s of training "
                f"({periodic.wall_seconds_to_target:.1f}s with {periodic.evaluations} periodic evaluations; "
                f"{periodic.cpu_seconds_to_target:.1f} CPU seconds)"
            )
        else:
            log(f"success {periodic.target:g} was not reached in {periodic.evaluations} periodic evaluations")
    if result.timesteps < config.train.timesteps and not (periodic is not None and periodic.stop and periodic.reached):
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
