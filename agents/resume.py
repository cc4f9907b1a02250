"""Exact resume: what a run must save to continue, bit for bit, as if it had never stopped.

At the start of a rollout (PPO) or of a round of collection (SAC), after the previous
update, robocue can write ``checkpoints/resume_<N>.*``:

- ``resume_<N>.pt``: every state dict SB3 has (policy, optimisers) and its torch variables
  (SAC's ``log_ent_coef``), and torch's RNG state; read back with ``weights_only=True``.
- ``resume_<N>.npz``: the observation the next step starts from, which envs start an
  episode, numpy's global RNG key, and SAC's replay buffer (``train.resume_replay_buffer``);
  read back with ``allow_pickle=False``.
- ``resume_<N>.json``, written last (its presence marks a complete state): step counters,
  the other RNG states (Python's, the action space's, every env's generator), VecNormalize
  statistics, and for every env copy how its current episode began (its seed, or its
  generator's state before the reset) and the actions taken since. Resuming replays those
  actions, so each env reaches exactly the physical state it was in.

A run stopped while it clones or runs DAgger rounds (before RL starts) continues from the
round it was in: after every fit (0: the cloning fit, then each DAgger round) robocue writes
``checkpoints/dagger_<R>.*`` (``.pt``: the policy's and the auxiliary head's weights and torch's
RNG state; ``.npz``: the aggregated labelled data set and numpy's RNG key; ``.json``, last: the
round, the data set's size and the other RNG states), keeping only the newest. Once RL has
written its first resume state, the DAgger states are removed (RL's state supersedes them).

Nothing here unpickles anything.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch

from robocue.agents.agent import first_line, torch_load_weights
from robocue.agents.runs import CHECKPOINT_DIR
from robocue.configs import Config, ConfigError
from robocue.files import atomic_path, write_json
from robocue.perception.command_channels import wrap

RESUME_FORMAT = 1
DAGGER_FORMAT = 1
DATA_KEYS = ("actions", "goals", "weights")  # DAgger's data set besides its observations


class EpisodeRecorder(gym.Wrapper):
    """Remembers how the current episode began and the actions taken since, to replay it."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.episode = {"seed": None, "rng": None, "options": None, "actions": []}

    def reset(self, *, seed=None, options=None):
        rng = self.env.unwrapped.np_random.bit_generator.state if seed is None else None
        self.episode = {"seed": seed, "rng": rng, "options": options, "actions": []}
        return self.env.reset(seed=seed, options=options)

    def step(self, action):
        self.episode["actions"].append(np.asarray(action, dtype=np.float32).tolist())
        return self.env.step(action)

    def episode_state(self) -> dict:
        return json.loads(json.dumps(self.episode))

    def replay_episode(self, episode: dict):
        """Brings the env to the state ``episode`` (from :meth:`episode_state`) describes; returns the last observation."""
        if episode["seed"] is None:
            self.env.unwrapped.np_random.bit_generator.state = episode["rng"]
        observation, _ = self.reset(seed=episode["seed"], options=episode["options"])
        for action in episode["actions"]:
            observation, *_ = self.step(np.asarray(action, dtype=np.float32))
        return observation


def wrap_recorded(env: gym.Env, **kwargs) -> gym.Env:
    """``perception.command_channels.wrap`` with an :class:`EpisodeRecorder` outside (training's vec envs)."""
    return EpisodeRecorder(wrap(env, **kwargs))


def _state_paths(folder: Path, kind: str, number: int) -> dict[str, Path]:
    """The three files of one saved state, ``<kind>_<number>.{pt,npz,json}``."""
    return {suffix: folder / f"{kind}_{number}.{suffix}" for suffix in ("pt", "npz", "json")}


def _paths(folder: Path, step: int) -> dict[str, Path]:
    return _state_paths(folder, "resume", step)


def _newest_state(run_dir: Path, kind: str) -> int | None:
    """The number of the newest complete ``kind`` state in ``run_dir/checkpoints`` (all three files there), or None."""
    numbers = []
    for path in (Path(run_dir) / CHECKPOINT_DIR).glob(f"{kind}_*.json"):
        match = re.fullmatch(rf"{kind}_(\d+)\.json", path.name)
        if match and all(p.is_file() for p in _state_paths(path.parent, kind, int(match.group(1))).values()):
            numbers.append(int(match.group(1)))
    return max(numbers) if numbers else None


def newest_resume_step(run_dir: Path) -> int | None:
    """The step of the newest complete resume state in ``run_dir/checkpoints``, or None."""
    return _newest_state(run_dir, "resume")


def _observation_arrays(prefix: str, observation) -> dict[str, np.ndarray]:
    if isinstance(observation, dict):
        return {f"{prefix}__{key}": np.asarray(value) for key, value in observation.items()}
    return {prefix: np.asarray(observation)}


def _observation_from(arrays, prefix: str, keys: list[str] | None):
    if keys is not None:
        return {key: arrays[f"{prefix}__{key}"] for key in keys}
    return arrays[prefix]


def save_resume_state(model, config: Config, folder: Path, replay_buffer: bool = True) -> Path:
    """Writes the resume state of ``model`` at its current step into ``folder``; removes older ones."""
    step = int(model.num_timesteps)
    paths = _paths(folder, step)
    names, variables = model._get_torch_save_params()
    tensors = {
        "parameters": model.get_parameters(),
        "variables": {name: getattr(model, name).detach().clone() for name in variables},
        "torch_rng": torch.get_rng_state(),
    }
    np_state = np.random.get_state()
    arrays = {"np_rng_key": np_state[1], "last_episode_starts": np.asarray(model._last_episode_starts)}
    arrays.update(_observation_arrays("last_obs", model._last_obs))
    if getattr(model, "_last_original_obs", None) is not None:
        arrays.update(_observation_arrays("last_original_obs", model._last_original_obs))
    buffer = getattr(model, "replay_buffer", None)
    meta = {
        "format": RESUME_FORMAT,
        "env_id": config.env.id,
        "algo": config.algo.name,
        "num_timesteps": step,
        "n_updates": int(model._n_updates),
        "episode_num": int(model._episode_num),
        "np_rng": [np_state[0], int(np_state[2]), int(np_state[3]), float(np_state[4])],
        "python_rng": [random.getstate()[0], list(random.getstate()[1]), random.getstate()[2]],
        "action_space_rng": model.action_space.np_random.bit_generator.state,
        "episodes": model.get_env().env_method("episode_state"),
        "env_rngs": [rng.bit_generator.state for rng in model.get_env().get_attr("np_random")],
        "replay_buffer": None,
        "vec_normalize": None,
    }
    if buffer is not None and replay_buffer:
        arrays.update({f"buffer__{k}": v for k, v in _buffer_arrays(buffer).items()})
        meta["replay_buffer"] = {"pos": int(buffer.pos), "full": bool(buffer.full)}
        if hasattr(buffer, "_current_ep_start"):
            meta["replay_buffer"]["current_ep_start"] = [int(start) for start in buffer._current_ep_start]
    normalize = model._vec_normalize_env
    if normalize is not None:
        meta["vec_normalize"] = {
            "ret_mean": np.asarray(normalize.ret_rms.mean).tolist(),
            "ret_var": np.asarray(normalize.ret_rms.var).tolist(),
            "ret_count": float(normalize.ret_rms.count),
            "returns": normalize.returns.tolist(),
        }
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_path(paths["pt"]) as tmp:
        torch.save(tensors, tmp)
    with atomic_path(paths["npz"]) as tmp, open(tmp, "wb") as handle:
        np.savez(handle, **arrays)
    write_json(paths["json"], meta)  # last: its presence marks a complete state
    for old in folder.glob("resume_*.*"):
        match = re.fullmatch(r"resume_(\d+)\.(pt|npz|json)", old.name)
        if match and int(match.group(1)) != step:
            old.unlink(missing_ok=True)
    return paths["json"]


# A replay buffer's per-transition arrays; HER's buffer adds where each transition's episode starts
# and how long it is (its stored infos stay out: robocue's compute_reward reads no info).
# ep_moved: MovedGoalHerReplayBuffer's (agents/her_buffer.py); buffers without it skip it
_BUFFER_ARRAYS = ("observations", "next_observations", "actions", "rewards", "dones", "timeouts", "ep_start", "ep_length", "ep_moved")


def _host(array) -> np.ndarray:
    """A buffer's array in host memory (DeviceHerReplayBuffer keeps its transitions in torch tensors)."""
    return array.cpu().numpy() if isinstance(array, torch.Tensor) else array


def _buffer_arrays(buffer) -> dict[str, np.ndarray]:
    """The filled part of a replay buffer's arrays (all of them once it has wrapped around)."""
    filled = buffer.buffer_size if buffer.full else buffer.pos
    arrays = {}
    for name in _BUFFER_ARRAYS:
        value = getattr(buffer, name, None)
        if isinstance(value, dict):
            arrays.update({f"{name}__{key}": _host(v[:filled]) for key, v in value.items()})
        elif value is not None:
            arrays[name] = _host(value[:filled])
    return arrays


def _fill(array, saved: np.ndarray) -> None:
    if isinstance(array, torch.Tensor):
        array[: len(saved)] = torch.as_tensor(saved).to(array.device)
    else:
        array[: len(saved)] = saved


def _restore_buffer(buffer, arrays, meta: dict) -> None:
    for name in _BUFFER_ARRAYS:
        value = getattr(buffer, name, None)
        if isinstance(value, dict):
            for key in value:
                _fill(value[key], arrays[f"buffer__{name}__{key}"])
        elif value is not None:
            _fill(value, arrays[f"buffer__{name}"])
    buffer.pos, buffer.full = meta["pos"], meta["full"]
    if "current_ep_start" in meta:  # HER: where each env copy's running episode began
        buffer._current_ep_start[:] = meta["current_ep_start"]


def restore_resume_state(model, config: Config, run_dir: Path, log=print) -> int:
    """Loads the newest resume state of ``run_dir`` into ``model`` (built from the run's config,
    its envs not yet reset); returns its step.

    Raises:
        ConfigError: there is no complete resume state, or it belongs to another env or algorithm.
    """
    step = newest_resume_step(run_dir)
    if step is None:
        raise ConfigError(
            f"--resume {str(run_dir)!r}: no complete checkpoints/resume_<N>.json or dagger_<R>.json; a run saves a dagger "
            "state after each cloning or DAgger fit, a resume state at its first rollout and then with every checkpoint "
            "(train.checkpoint_every, train.checkpoint_every_seconds)"
        )
    paths = _paths(Path(run_dir) / CHECKPOINT_DIR, step)
    try:
        meta = json.loads(paths["json"].read_text())
        tensors = torch_load_weights(paths["pt"])
        with np.load(paths["npz"], allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except Exception as error:  # noqa: BLE001  (a damaged or crafted state: one line)
        raise ConfigError(
            f"--resume: the state {str(paths['json'])!r} cannot be read ({type(error).__name__}: {first_line(error)})"
        ) from None
    if meta.get("format") != RESUME_FORMAT or meta.get("env_id") != config.env.id or meta.get("algo") != config.algo.name:
        raise ConfigError(f"--resume: {str(paths['json'])!r} was saved for {meta.get('algo')} on {meta.get('env_id')}, not this run")
    model.set_parameters(tensors["parameters"], exact_match=True, device=model.device)
    for name, value in tensors["variables"].items():
        getattr(model, name).data.copy_(value.to(model.device))
    vec_env = model.get_env()
    observations = [vec_env.env_method("replay_episode", episode, indices=[i])[0] for i, episode in enumerate(meta["episodes"])]
    for index, state in enumerate(meta["env_rngs"]):
        _set_env_rng(vec_env, index, state)
    keys = list(model.observation_space.spaces) if isinstance(model.observation_space, gym.spaces.Dict) else None
    model._last_obs = _observation_from(arrays, "last_obs", keys)
    model._last_episode_starts = arrays["last_episode_starts"]
    if "last_original_obs" in arrays or any(key.startswith("last_original_obs__") for key in arrays):
        model._last_original_obs = _observation_from(arrays, "last_original_obs", keys)
    _check_replayed(observations, model._last_obs, log)
    model.num_timesteps, model._n_updates, model._episode_num = meta["num_timesteps"], meta["n_updates"], meta["episode_num"]
    if meta["replay_buffer"] is not None:
        _restore_buffer(model.replay_buffer, arrays, meta["replay_buffer"])
    elif getattr(model, "replay_buffer", None) is not None:
        log("resume: this run saved no replay buffer (train.resume_replay_buffer=false); SAC starts from an empty one")
    normalize = model._vec_normalize_env
    if normalize is not None and meta["vec_normalize"] is not None:
        stats = meta["vec_normalize"]
        normalize.ret_rms.mean, normalize.ret_rms.var = np.asarray(stats["ret_mean"]), np.asarray(stats["ret_var"])
        normalize.ret_rms.count, normalize.returns = stats["ret_count"], np.asarray(stats["returns"])
    model.action_space.np_random.bit_generator.state = meta["action_space_rng"]
    torch.set_rng_state(tensors["torch_rng"])
    kind, pos, has_gauss, cached = meta["np_rng"]
    np.random.set_state((kind, arrays["np_rng_key"], pos, has_gauss, cached))
    version, internal, gauss = meta["python_rng"]
    random.setstate((version, tuple(internal), gauss))
    return step


def _set_env_rng(vec_env, index: int, state: dict) -> None:
    rng = np.random.default_rng()
    rng.bit_generator.state = state
    vec_env.set_attr("np_random", rng, indices=[index])


def _check_replayed(observations: list, last_obs, log) -> None:
    """Warns when replaying an env's episode did not reproduce the saved observation (a nondeterministic engine)."""

    def same(saved, replayed) -> bool:
        replayed = np.asarray(replayed)
        if replayed.ndim == 3 and saved.shape != replayed.shape:  # images as SB3 stores them: channel-first
            replayed = np.transpose(replayed, (2, 0, 1))
        return np.array_equal(saved, replayed)

    for index, observation in enumerate(observations):
        if isinstance(last_obs, dict):
            equal = all(same(last_obs[key][index], observation[key]) for key in last_obs)
        else:
            equal = same(last_obs[index], observation)
        if not equal:
            log(f"resume: env copy {index} did not replay to its saved observation; the run continues, but not bit for bit")
            return


def _rng_meta() -> dict:
    """numpy's global RNG (without its key, which goes to the .npz) and Python's, as JSON."""
    np_state, py_state = np.random.get_state(), random.getstate()
    return {
        "np_rng": [np_state[0], int(np_state[2]), int(np_state[3]), float(np_state[4])],
        "python_rng": [py_state[0], list(py_state[1]), py_state[2]],
    }


def _restore_rngs(meta: dict, np_key: np.ndarray, torch_rng: torch.Tensor) -> None:
    torch.set_rng_state(torch_rng)
    kind, pos, has_gauss, cached = meta["np_rng"]
    np.random.set_state((kind, np_key, pos, has_gauss, cached))
    version, internal, gauss = meta["python_rng"]
    random.setstate((version, tuple(internal), gauss))


def _dagger_paths(folder: Path, round_: int) -> dict[str, Path]:
    return _state_paths(folder, "dagger", round_)


def newest_dagger_round(run_dir: Path) -> int | None:
    """The round of the newest complete DAgger state in ``run_dir/checkpoints``, or None."""
    return _newest_state(run_dir, "dagger")


def read_dagger_meta(run_dir: Path) -> dict | None:
    """The ``.json`` of the newest complete DAgger state (round, rounds, labels), or None."""
    round_ = newest_dagger_round(run_dir)
    if round_ is None:
        return None
    try:
        return json.loads(_dagger_paths(Path(run_dir) / CHECKPOINT_DIR, round_)["json"].read_text())
    except (OSError, ValueError):
        return None


def remove_dagger_states(folder: Path, keep: int | None = None) -> None:
    """Removes ``folder``'s DAgger states (all, or all but round ``keep``)."""
    for old in Path(folder).glob("dagger_*.*"):
        match = re.fullmatch(r"dagger_(\d+)\.(pt|npz|json)", old.name)
        if match and int(match.group(1)) != keep:
            old.unlink(missing_ok=True)


def save_dagger_state(folder: Path, config: Config, round_: int, data: dict, model, aux_head=None) -> Path:
    """Writes the DAgger state after fit ``round_`` (0: cloning): the aggregated data set ``data``,
    the policy (and auxiliary head) weights and the RNG states; removes older states."""
    paths = _dagger_paths(Path(folder), round_)
    tensors = {
        "policy": model.policy.state_dict(),
        "aux_head": aux_head.state_dict() if aux_head is not None else {},
        "torch_rng": torch.get_rng_state(),
    }
    arrays = {"np_rng_key": np.random.get_state()[1]}
    arrays.update(_observation_arrays("observations", data["observations"]))
    arrays.update({key: np.asarray(data[key]) for key in DATA_KEYS})
    observations = data["observations"]
    meta = {
        "format": DAGGER_FORMAT,
        "env_id": config.env.id,
        "algo": config.algo.name,
        "round": round_,
        "rounds": config.train.imitation.dagger_iterations,
        "labels": int(len(data["actions"])),
        "goal_entries": int(data.get("goal_entries", np.asarray(data["goals"]).shape[1])),
        "observation_keys": list(observations) if isinstance(observations, dict) else None,
        **_rng_meta(),
    }
    Path(folder).mkdir(parents=True, exist_ok=True)
    with atomic_path(paths["pt"]) as tmp:
        torch.save(tensors, tmp)
    with atomic_path(paths["npz"]) as tmp, open(tmp, "wb") as handle:
        np.savez(handle, **arrays)
    write_json(paths["json"], meta)  # last: its presence marks a complete state
    remove_dagger_states(folder, keep=round_)
    return paths["json"]


def load_dagger_state(model, config: Config, run_dir: Path) -> dict | None:
    """Loads the newest DAgger state of ``run_dir`` into ``model``'s policy (read as data:
    ``weights_only=True``, ``allow_pickle=False``, JSON); returns what ``warm_start`` continues
    from (``round``, ``data``, ``aux_head`` weights, ``restore_rngs``), or None when there is none.

    Raises:
        ConfigError: the state cannot be read, or belongs to another env, algorithm or policy.
    """
    round_ = newest_dagger_round(run_dir)
    if round_ is None:
        return None
    paths = _dagger_paths(Path(run_dir) / CHECKPOINT_DIR, round_)
    try:
        meta = json.loads(paths["json"].read_text())
        tensors = torch_load_weights(paths["pt"])
        with np.load(paths["npz"], allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
        keys = meta["observation_keys"]
        data = {key: arrays[key] for key in DATA_KEYS}
        data["observations"] = _observation_from(arrays, "observations", keys)
        data["goal_entries"] = int(meta["goal_entries"])
        policy, aux_head, torch_rng = tensors["policy"], tensors["aux_head"], tensors["torch_rng"]
    except Exception as error:  # noqa: BLE001  (a damaged or crafted state: one line)
        raise ConfigError(
            f"--resume: the DAgger state {str(paths['json'])!r} cannot be read ({type(error).__name__}: {first_line(error)})"
        ) from None
    if meta.get("format") != DAGGER_FORMAT or meta.get("env_id") != config.env.id or meta.get("algo") != config.algo.name:
        raise ConfigError(f"--resume: {str(paths['json'])!r} was saved for {meta.get('algo')} on {meta.get('env_id')}, not this run")
    try:
        model.policy.load_state_dict(policy)
    except (RuntimeError, KeyError, ValueError) as error:
        raise ConfigError(f"--resume: {str(paths['pt'])!r} does not fit this run's policy: {first_line(error)}") from None
    return {
        "round": int(meta["round"]),
        "data": data,
        "aux_head": aux_head or None,
        "restore_rngs": lambda: _restore_rngs(meta, arrays["np_rng_key"], torch_rng),
    }
