"""Demonstrations on disk: a task's scripted expert recorded as a Minari dataset, and read back for cloning.

``collect`` plays the expert of an env id on seeds ``seed, seed+1, ...`` and writes a standard
Minari dataset folder through Minari's own storage writer (Minari's HDF5 layout:
``data/main_data.hdf5`` with one group per episode holding observations, actions, rewards,
terminations and truncations, and ``data/metadata.json``). Minari reads it back with
``minari.MinariDataset(DIR / "data")``, or with ``minari.load_dataset(ID)`` once the folder
sits at ``$MINARI_DATASETS_PATH/<ID>``. ``train.imitation.dataset`` clones such a dataset into a
policy before any DAgger or RL.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import gymnasium as gym
import minari
import numpy as np
from minari.data_collector.episode_buffer import EpisodeBuffer
from minari.dataset.minari_storage import MinariStorage

from robocue import envs
from robocue.agents.agent import ExpertAgent
from robocue.configs import Config, ConfigError

DATA_DIR = "data"


def dataset_id(env_id: str) -> str:
    """Minari's id for the expert data of ``env_id``: ``robocue/<task>-<engine>/expert-v0``."""
    name = env_id.split("/")[-1].rsplit("-v", 1)[0].lower()
    return f"robocue/{name}/expert-v0"


def _stack(items: list):
    """Per-step observations or actions -> one array (or a dict of arrays for Dict spaces)."""
    if isinstance(items[0], dict):
        return {key: np.stack([item[key] for item in items]) for key in items[0]}
    return np.stack(items)


def collect(env_id: str, episodes: int, out: str | Path, seed: int = 0, log=print) -> dict:
    """Records ``episodes`` expert episodes of ``env_id`` into a Minari dataset folder ``out``.

    Written with Minari's own storage (``MinariStorage``, HDF5, images stored losslessly), so the
    layout is Minari's. The folder appears whole or not at all. Returns the dataset id, folder,
    steps and successes.

    Raises:
        ValueError: an unknown env id, a bad episode count, or an ``out`` that already holds something.
    """
    if env_id not in envs.ENV_IDS:
        raise ValueError(f"--expert {env_id!r} is not a robocue env; registered: {', '.join(envs.ENV_IDS)}")
    if episodes < 1:
        raise ValueError(f"--episodes must be a positive integer, got {episodes}")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"--out {str(out)!r} already exists and is not an empty folder; choose a new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    identifier = dataset_id(env_id)
    agent = ExpertAgent(env_id)
    env = agent.make_env()
    policy = agent.policy_for(env)
    staging = Path(tempfile.mkdtemp(prefix=".collect-", dir=out.parent)).resolve()  # Minari needs an absolute path
    successes, steps = 0, 0
    try:
        storage = MinariStorage.new(
            staging / DATA_DIR,
            observation_space=env.observation_space,
            action_space=env.action_space,
            env_spec=env.spec,
            jpeg_encoding=False,
        )
        for episode in range(episodes):
            observation, info = env.reset(seed=seed + episode)
            observations, actions, rewards, terminations, truncations = [observation], [], [], [], []
            done = False
            while not done:
                action = np.asarray(policy(observation), dtype=env.action_space.dtype)
                observation, reward, terminated, truncated, info = env.step(action)
                observations.append(observation)
                actions.append(action)
                rewards.append(float(reward))
                terminations.append(bool(terminated))
                truncations.append(bool(truncated))
                done = terminated or truncated
            steps += len(actions)
            successes += bool(info.get("is_success", False))
            storage.update_episodes(
                [
                    EpisodeBuffer(
                        id=episode,
                        seed=seed + episode,
                        observations=_stack(observations),
                        actions=_stack(actions),
                        rewards=rewards,
                        terminations=terminations,
                        truncations=truncations,
                    )
                ]
            )
        storage.update_metadata(
            {
                "dataset_id": identifier,
                "algorithm_name": f"robocue scripted expert ({env_id})",
                "author": {"robocue"},
                "description": f"{episodes} episodes of the scripted expert of {env_id}, seeds {seed}-{seed + episodes - 1}; "
                f"{successes} succeeded.",
                "minari_version": minari.__version__,
            }
        )
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    finally:
        env.close()
        shutil.rmtree(staging, ignore_errors=True)
    log(f"wrote {out} ({identifier}: {episodes} episodes, {steps} steps, {successes} succeeded)")
    return {"dataset_id": identifier, "path": str(out), "episodes": episodes, "steps": steps, "successes": successes}


def load_dataset(folder: str | Path) -> minari.MinariDataset:
    """The Minari dataset in ``folder`` (a folder written by :func:`collect`, or any Minari dataset folder).

    Raises:
        ConfigError: the folder holds no Minari dataset.
    """
    data = Path(folder) / DATA_DIR
    if not (data / "metadata.json").is_file():
        raise ConfigError(
            f"config key 'train.imitation.dataset': {str(folder)!r} is not a Minari dataset (no {DATA_DIR}/metadata.json); "
            "write one with `robocue collect`"
        )
    return minari.MinariDataset(data)


def demonstrations(dataset: minari.MinariDataset) -> dict:
    """Every (observation, action) pair of the dataset, as ``behavior_clone`` takes them.

    Minari stores N+1 observations per episode of N steps; the last has no action and is dropped.
    """
    observations, actions = [], []
    for episode in dataset.iterate_episodes():
        observation = episode.observations
        if isinstance(observation, dict):
            observations.append({key: value[:-1] for key, value in observation.items()})
        else:
            observations.append(observation[:-1])
        actions.append(episode.actions)
    if isinstance(observations[0], dict):
        stacked = {key: np.concatenate([o[key] for o in observations]) for key in observations[0]}
    else:
        stacked = np.concatenate(observations)
    return {"observations": stacked, "actions": np.concatenate(actions).astype(np.float32)}


def check_dataset(config: Config, observation_space: gym.spaces.Space, action_space: gym.spaces.Space) -> None:
    """Stops when ``train.imitation.dataset`` is not a dataset whose spaces match this config's env."""
    imitation = config.train.imitation
    if imitation is None or not imitation.dataset:
        return
    dataset = load_dataset(imitation.dataset)
    for name, theirs, ours in (
        ("observation", dataset.observation_space, observation_space),
        ("action", dataset.action_space, action_space),
    ):
        if theirs != ours:
            raise ConfigError(
                f"config key 'train.imitation.dataset': the dataset's {name} space {theirs} differs from this env's {ours} "
                f"({config.env.id}); collect it from the same env id with `robocue collect --expert {config.env.id}`"
            )
