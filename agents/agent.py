"""An Agent: a trained policy together with the config that says how to build its world.

Loading is data, not code: the policy is rebuilt from the run's ``config.yaml`` and only the
weights (the ``policy.pth`` entry of the model zip, read with ``torch.load(weights_only=True)``)
are loaded into it. Nothing a run folder holds is unpickled, so a model.zip whose ``data`` entry
carries a cloudpickle payload runs no code. A zip made elsewhere, without a robocue config to
rebuild from, can be loaded only by unpickling it (``load_trusted_zip``, ``--trust-pickle``).
"""

from __future__ import annotations

import io
import json
import re
import sys
import warnings
import zipfile
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import HerReplayBuffer
from stable_baselines3.common.vec_env import DummyVecEnv

from robocue import envs  # noqa: F401  (registers the robocue/ ids)
from robocue.agents.curriculum import curriculum_env_kwargs
from robocue.agents.fast_sac import LeanSAC
from robocue.agents.her_buffer import DeviceHerReplayBuffer, MovedGoalHerReplayBuffer
from robocue.agents.runs import CHECKPOINT_DIR, CONFIG_FILE, MODEL_FILE, STAMP_FILE, load_run_config
from robocue.configs import Config, ConfigError, algorithm_class
from robocue.configs.schema import validate_config
from robocue.envs.randomization import DomainRandomization
from robocue.envs.wrappers import EngineMix
from robocue.perception.command_channels import COMMAND_MODES, ENCODER_FILE, wrap
from robocue.policies import policy_kwargs
from robocue.policies.factory import policy_class

WEIGHTS_ENTRY = "policy.pth"  # the policy's state dict inside an SB3 zip
MAX_WEIGHTS_BYTES = 4 * 2**30  # a zip entry claiming more is refused before it is read


def resolve_device(device: str) -> str:
    """Maps the config's device to a torch device, failing clearly when CUDA is missing."""
    if device == "auto":  # (torch is imported at the top of this module)
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
    command's simulated human says (``perception.command_splits.COMMAND_SPLITS``), ``encoder_path`` the
    language encoder that hears it (default: the shipped one), ``engine`` the physics engine
    (default: the config's; another one gives the env's twin there). ``for_training``: as
    training sees it (``env.omit_shape``, ``env.token_noise``, ``env.domain_randomization`` and
    ``env.engines`` apply), not as evaluation does."""
    env_id = config.env.id if engine is None else envs.twin_id(config.env.id, engine)
    kwargs = {**(training_env_kwargs(config) if for_training else config.env.kwargs), **overrides}
    if for_training and config.env.engines:
        env = EngineMix(training_env_ids(config), render_mode=render_mode, **kwargs)
    else:
        env = gym.make(env_id, render_mode=render_mode, **kwargs)
    omit_shape = config.env.omit_shape if for_training else 0.0
    token_noise = config.env.token_noise if for_training else 0.0
    return wrap(
        env,
        config.env.frame_stack,
        config.env.commands,
        split,
        encoder_path,
        config.env.command_features,
        omit_shape,
        token_noise,
        config.env.object_motion,
    )


def training_randomization(config: Config) -> DomainRandomization | None:
    """``env.domain_randomization`` as the env's option: the fields it leaves out are 0 (off)."""
    option = config.env.domain_randomization
    if not option:
        return None
    return DomainRandomization.from_option({**{name: 0 for name in DomainRandomization.__dataclass_fields__}, **option})


def training_env_kwargs(config: Config) -> dict:
    """The env kwargs training episodes are made with: ``env.kwargs`` plus ``env.domain_randomization``
    and the curriculum's first goal range and starts (``env.curriculum``)."""
    randomization = training_randomization(config)
    kwargs = {**config.env.kwargs, **curriculum_env_kwargs(config)}
    return kwargs if randomization is None else {**kwargs, "domain_randomization": randomization}


def training_env_ids(config: Config) -> list[str]:
    """The twins of ``env.id`` that training episodes take turns among (``env.engines``; default: env.id alone)."""
    return [envs.twin_id(config.env.id, engine) for engine in config.env.engines] or [config.env.id]


class Agent:
    """A policy that acts in the config's environment. Load one from a run folder."""

    def __init__(self, config: Config, model, run_dir: Path | None = None, model_file: str = MODEL_FILE):
        self.config = config
        self.model = model
        self.run_dir = run_dir
        self.model_file = model_file

    @classmethod
    def load(cls, run_dir: str | Path, model_file: str = MODEL_FILE, device: str = "auto", log=None) -> Agent:
        """Rebuilds the run's policy from its config.yaml and loads the weights of ``model_file``.

        Without ``model.zip`` (a run stopped by SIGKILL) the newest checkpoint stands in, and
        ``log`` (default: stderr) says which.

        Raises:
            ConfigError: one line, when the folder is not a run, the file is not plain weights
                (a crafted pickle), was saved for another env or algorithm, or does not fit.
        """
        run_dir = Path(run_dir)
        if foreign_model(run_dir) is not None:
            raise ConfigError(foreign_refusal(run_dir, "pass --trust-pickle --env-id ENV_ID"))
        config = load_run_config(run_dir)
        path = model_path(run_dir, model_file, log)
        agent = cls(config, None, run_dir, str(path.relative_to(run_dir)))
        agent.check_encoder()
        weights, stamp = read_model_weights(path)
        check_stamp(stamp, config, path)
        env = agent.make_env()
        try:
            agent.model = build_policy_model(config, env, resolve_device(device))
        finally:
            env.close()
        load_weights(agent.model, weights, f"{str(path)!r} does not fit the policy its run's {CONFIG_FILE} builds")
        return agent

    @classmethod
    def load_trusted_zip(cls, path: str | Path, env_id: str, device: str = "auto", key: str = "--env-id") -> Agent:
        """Loads a Stable-Baselines3 zip made elsewhere with SB3's own loader, which UNPICKLES it
        (and so runs any code it holds): for zips whose author the user trusts (``--trust-pickle``,
        ``train.trust_pickle``). ``env.commands`` is the first of onehot, language and gesture whose
        wrapped env has the zip's observation space; ``key`` names where ``env_id`` came from in errors."""
        path = Path(path)
        if env_id not in envs.ENV_IDS:
            raise ConfigError(f"{key} {env_id!r} is not a robocue env; registered: {', '.join(envs.ENV_IDS)}")
        if path.is_dir():
            path = path / MODEL_FILE
        if not path.is_file():
            raise ConfigError(f"{str(path)!r} is not a file")
        algo = zip_algorithm(path)
        model = algorithm_class(algo).load(path, device=resolve_device(device))
        config = None
        for commands in COMMAND_MODES:
            candidate = validate_config({"env": {"id": env_id, "commands": commands}, "algo": {"name": algo}})
            env = make_env(candidate)
            try:
                fits = env.observation_space == model.observation_space and env.action_space == model.action_space
            finally:
                env.close()
            if fits:
                config = candidate
                break
        if config is None:
            raise ConfigError(
                f"{str(path)!r}: its policy's observation space {model.observation_space} or action space {model.action_space} "
                f"is not that of {env_id} with any of env.commands={', '.join(COMMAND_MODES)}; name the env it was trained on"
            )
        return cls(config, model, None, str(path))

    def check_encoder(self) -> None:
        """Refuses, in one line, a run's language encoder file that is not plain weights."""
        path = self.run_dir / ENCODER_FILE if self.run_dir else None
        if path is not None and path.is_file():
            check_weights_file(path)

    @property
    def name(self) -> str:
        return str(self.run_dir) if self.run_dir else f"{self.model_file} ({self.config.algo.name}, trusted pickle)"

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


def foreign_model(path: str | Path) -> Path | None:
    """The model file when ``path`` is a Stable-Baselines3 model made elsewhere (a ``.zip`` file, or a
    folder holding model.zip but no robocue config.yaml), else None (a run folder, or nothing there)."""
    path = Path(path)
    if path.is_file() and path.suffix == ".zip":
        return path
    if path.is_dir() and (path / MODEL_FILE).is_file() and not (path / CONFIG_FILE).is_file():
        return path / MODEL_FILE
    return None


def foreign_refusal(path: str | Path, how: str) -> str:
    """The one-line refusal of a foreign model; ``how`` says how a user who trusts it loads it anyway."""
    return (
        f"{str(path)!r} is a Stable-Baselines3 model without a robocue config.yaml; loading it would unpickle it, "
        f"which runs any code it holds: {how} only if you trust whoever made it"
    )


def mode_twin(env_id: str, obs_mode: str) -> str:
    """The env of ``env_id``'s task in the same engine that observes in ``obs_mode``."""
    wanted = {**envs.ENV_SPECS[env_id], "obs_mode": obs_mode}
    for other, other_spec in envs.ENV_SPECS.items():
        if other_spec == wanted:
            return other
    raise ConfigError(f"{env_id} has no {obs_mode}-mode twin")


def state_twin(env_id: str) -> str:
    """The state-mode env of ``env_id``'s task in the same engine (what a teacher policy observes)."""
    return mode_twin(env_id, "state")


def model_path(run_dir: Path, model_file: str = MODEL_FILE, log=None) -> Path:
    """``run_dir/model_file``; for a missing model.zip, the newest ``checkpoints/step_<N>.zip`` (saying so)."""
    path = run_dir / model_file
    if path.is_file():
        return path
    if Path(model_file) == Path(MODEL_FILE):
        checkpoint = newest_checkpoint(run_dir)
        if checkpoint is not None:
            say = log or (lambda text: print(text, file=sys.stderr))
            name = checkpoint.relative_to(run_dir)
            say(f"{str(run_dir)!r} has no {MODEL_FILE} (training did not finish); using its newest checkpoint {name}")
            return checkpoint
        raise ConfigError(f"{str(run_dir)!r} has no {MODEL_FILE} and no checkpoints; has its training started?")
    raise ConfigError(f"{str(run_dir)!r} has no {model_file}; see its {CHECKPOINT_DIR}/ folder")


def newest_checkpoint(run_dir: Path) -> Path | None:
    """The ``checkpoints/step_<N>.zip`` with the largest N, or None."""
    found = []
    for path in (Path(run_dir) / CHECKPOINT_DIR).glob("step_*.zip"):
        match = re.fullmatch(r"step_(\d+)\.zip", path.name)
        if match and path.is_file():
            found.append((int(match.group(1)), path))
    return max(found)[1] if found else None


def first_line(error: BaseException) -> str:
    """The informative line of an error: torch's refusals put theirs (``Unsupported global: ...``) deep inside."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    unsupported = [line for line in lines if line.startswith("Unsupported")]
    text = unsupported[0] if unsupported else lines[0] if lines else type(error).__name__
    if text.startswith("Weights only load failed"):
        text = "it holds objects other than tensors"
    return text[:200]


def torch_load_weights(source) -> object:
    """``torch.load(source, weights_only=True)`` on the CPU, without torch's warnings about pickle protocols."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.load(source, map_location="cpu", weights_only=True)


def check_weights_file(path: Path) -> dict:
    """``torch.load(path, weights_only=True)``, with a crafted or broken file refused in one line."""
    try:
        return torch_load_weights(Path(path))
    except Exception as error:  # UnpicklingError, RuntimeError, EOFError, ...: whatever the bytes make it raise
        raise ConfigError(
            f"{str(path)!r} is not a plain weights file ({type(error).__name__}: {first_line(error)}); robocue loads weights only"
        ) from None


def read_model_weights(path: Path) -> tuple[dict, dict | None]:
    """The policy state dict of an SB3 zip and robocue's stamp in it (None in zips without one).

    Reads ``policy.pth`` with ``weights_only=True`` and the stamp as JSON; the ``data`` entry,
    which SB3 fills with cloudpickled objects, is never read.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if WEIGHTS_ENTRY not in names:
                raise ConfigError(f"{str(path)!r} is not a Stable-Baselines3 model (no {WEIGHTS_ENTRY} inside)")
            if archive.getinfo(WEIGHTS_ENTRY).file_size > MAX_WEIGHTS_BYTES:
                raise ConfigError(f"{str(path)!r}: its {WEIGHTS_ENTRY} claims more than {MAX_WEIGHTS_BYTES // 2**30} GiB; refused")
            blob = archive.read(WEIGHTS_ENTRY)
            stamp_text = archive.read(STAMP_FILE) if STAMP_FILE in names else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        if isinstance(error, ConfigError):
            raise
        raise ConfigError(f"{str(path)!r} is not a readable model zip ({type(error).__name__}: {first_line(error)})") from None
    try:
        weights = torch_load_weights(io.BytesIO(blob))
    except Exception as error:  # UnpicklingError and friends: a crafted policy.pth
        raise ConfigError(
            f"{str(path)!r}: its {WEIGHTS_ENTRY} is not plain weights ({type(error).__name__}: {first_line(error)}); "
            "robocue loads weights only and runs no code from a model file"
        ) from None
    if not isinstance(weights, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in weights.items()):
        raise ConfigError(f"{str(path)!r}: its {WEIGHTS_ENTRY} is not a state dict of named tensors")
    stamp = None
    if stamp_text is not None:
        try:
            stamp = json.loads(stamp_text)
        except ValueError:
            stamp = None
        if not isinstance(stamp, dict) or not isinstance(stamp.get("env_id"), str):
            raise ConfigError(f"{str(path)!r}: its {STAMP_FILE} is not robocue's stamp (a JSON object with env_id)")
    return weights, stamp


def check_stamp(stamp: dict | None, config: Config, path: Path) -> None:
    """Refuses a model saved for another env or algorithm than the run's config says.

    Zips without a stamp (saved before robocue stamped them) load as weights only, unchecked.
    """
    if stamp is None:
        return
    if stamp["env_id"] != config.env.id:
        raise ConfigError(f"{str(path)!r} was trained on {stamp['env_id']}, but its run's config.yaml says {config.env.id}; refused")
    if stamp.get("algo", config.algo.name) != config.algo.name:
        raise ConfigError(f"{str(path)!r} is a {stamp['algo']} model, but its run's config.yaml says algo.name={config.algo.name}; refused")


def zip_algorithm(path: Path) -> str:
    """sac, tqc or ppo, from the JSON keys of an SB3 zip's ``data`` entry (nothing is unpickled)."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = json.loads(archive.read("data"))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ConfigError(f"{str(path)!r} is not a Stable-Baselines3 zip ({type(error).__name__}: {first_line(error)})") from None
    if "top_quantiles_to_drop_per_net" in data:
        return "tqc"
    if "buffer_size" in data:
        return "sac"
    if "n_steps" in data:
        return "ppo"
    raise ConfigError(f"{str(path)!r}: cannot tell its algorithm (robocue knows sac, tqc and ppo)")


def replay_buffer_arguments(config: Config, device: str = "cpu") -> dict:
    """SB3 constructor arguments for the config's replay buffer: HER's with ``algo.her``, else none;
    on ``device`` (resolved: cpu or cuda) when ``algo.her.device_buffer`` says so (null: on CUDA)."""
    if config.algo.her is None:
        return {}
    her = config.algo.her.model_dump()
    on_device = her.pop("device_buffer")
    if her["moved_share"] > 0:
        return {"replay_buffer_class": MovedGoalHerReplayBuffer, "replay_buffer_kwargs": her}
    del her["moved_share"], her["moved_distance"]
    if on_device or (on_device is None and device.startswith("cuda")):
        return {"replay_buffer_class": DeviceHerReplayBuffer, "replay_buffer_kwargs": her}
    return {"replay_buffer_class": HerReplayBuffer, "replay_buffer_kwargs": her}


def sb3_model(config: Config, vec_env, device: str, layout: dict | None, hyperparameters: dict | None = None, setup: bool = True):
    """The config's SB3 algorithm on ``vec_env``: its policy class and keyword arguments (``layout``
    is the state observation's block layout, ``None`` for Dict observations), its seed, device and
    hyperparameters (``hyperparameters`` replaces the config's). ``setup`` runs SB3's whole setup
    (buffers, optimisers); without it the model holds no policy yet."""
    # SAC trains with LeanSAC's update (agents/fast_sac.py): the same weights as SB3's, in less time
    algorithm, extra = algorithm_class(config.algo.name), {}
    if config.algo.name == "sac":
        algorithm, extra = LeanSAC, {"matmul_dtype": config.algo.matmul_dtype}
    return algorithm(
        policy_class(isinstance(vec_env.observation_space, gym.spaces.Dict)),
        vec_env,
        seed=config.seed,
        device=device,
        verbose=0,
        policy_kwargs=policy_kwargs(config.policy, config.algo.name, layout),
        _init_setup_model=setup,
        **(replay_buffer_arguments(config, device) if setup else {}),
        **(config.algo.hyperparameters if hyperparameters is None else hyperparameters),
        **extra,
    )


def build_policy_model(config: Config, env: gym.Env, device: str, hyperparameters: dict | None = None, setup: bool = False):
    """The config's SB3 algorithm on one copy of ``env`` with its policy built, but no rollout or
    replay buffer: enough to act (``predict``) and to hold loaded weights. ``hyperparameters``
    default to the config's; ``setup`` runs SB3's whole setup instead (buffers included)."""
    layout = None if isinstance(env.observation_space, gym.spaces.Dict) else env.get_wrapper_attr("observation_layout")
    with warnings.catch_warnings():
        if not setup:  # only acting: PPO's warning that batch_size does not divide one env's rollout is moot
            warnings.filterwarnings("ignore", message="You have specified a mini-batch size", category=UserWarning)
        model = sb3_model(config, DummyVecEnv([lambda: env]), device, layout, hyperparameters, setup)
    if setup:
        return model
    model._setup_lr_schedule()
    extra = {"use_sde": model.use_sde} if config.algo.name == "ppo" else {}  # SAC puts use_sde in policy_kwargs itself
    model.policy = model.policy_class(model.observation_space, model.action_space, model.lr_schedule, **extra, **model.policy_kwargs)
    model.policy = model.policy.to(model.device)
    return model


def load_weights(model, weights: dict, what: str) -> None:
    """``model.policy.load_state_dict(weights)``, strict, with a mismatch as one line starting with ``what``."""
    try:
        model.policy.load_state_dict(weights)
    except (RuntimeError, KeyError, ValueError) as error:
        raise ConfigError(f"{what}: {first_line(error)}") from None


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
