"""Evaluation: seeded episodes with a deterministic policy (or a sampled one, seeded as well),
summarised in eval.json."""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from robocue import envs
from robocue.agents.agent import Agent, ExpertAgent
from robocue.agents.runs import EVAL_FILE, MODEL_FILE
from robocue.configs import ConfigError
from robocue.envs.randomization import PHYSICS_VARIANTS, PhysicsVariant
from robocue.files import check_output_path, write_json
from robocue.perception.command_splits import check_command_split, default_split
from robocue.stats import wilson_interval

Policy = Callable[[np.ndarray], np.ndarray]
_PACKAGES = ("robocue", "mujoco", "pybullet", "stable-baselines3", "torch", "gymnasium")


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for package in _PACKAGES:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return versions


def run_episode(env, policy: Policy, seed: int, on_step: Callable | None = None) -> dict:
    """Plays one episode from ``env.reset(seed=seed)``; returns its record for eval.json."""
    observation, info = env.reset(seed=seed)
    if on_step is not None:
        on_step(env, info, step=0, reward=0.0, episode_return=0.0)
    episode_return, length, done = 0.0, 0, False
    while not done:
        observation, reward, terminated, truncated, info = env.step(policy(observation))
        episode_return += float(reward)
        length += 1
        done = terminated or truncated
        if on_step is not None:
            on_step(env, info, step=length, reward=float(reward), episode_return=episode_return)
    return {
        "seed": int(seed),
        "return": episode_return,
        "length": length,
        "success": bool(info.get("is_success", False)),
        "command": info.get("command"),
    }


def summarize(episodes: list[dict], env_id: str) -> dict:
    """The eval.json body for a list of episode records."""
    returns = np.array([e["return"] for e in episodes])
    successes = sum(e["success"] for e in episodes)
    low, high = wilson_interval(successes, len(episodes))
    return {
        "env_id": env_id,
        "n_episodes": len(episodes),
        "success_rate": successes / len(episodes),
        "success_ci": [low, high],
        "mean_return": float(returns.mean()),
        "std_return": float(returns.std()),
        "mean_length": float(np.mean([e["length"] for e in episodes])),
        "episodes": episodes,
        "versions": package_versions(),
    }


def evaluate_policy(env, policy: Policy, env_id: str, episodes: int, seed: int, progress: bool = True) -> dict:
    """Runs ``episodes`` episodes on seeds ``seed, seed+1, ...`` and summarises them.

    torch's generator is seeded with each episode's seed too, so a policy that samples its
    actions repeats its episodes exactly, whatever episodes ran before.
    """
    records = []
    started = time.perf_counter()
    for index in tqdm(range(episodes), desc="evaluating", unit="episode", disable=not progress, leave=False):
        torch.manual_seed(seed + index)
        records.append(run_episode(env, policy, seed + index))
    result = summarize(records, env_id)
    result["seeds"] = [seed + i for i in range(episodes)]
    result["wall_time_s"] = time.perf_counter() - started
    return result


def evaluate_agent(
    agent,
    episodes: int,
    seed: int,
    out: str | Path,
    progress: bool = True,
    commands: str | None = None,
    engine: str | None = None,
    physics: PhysicsVariant | None = None,
) -> tuple[dict, Path]:
    """Evaluates an :class:`Agent` or :class:`ExpertAgent`; writes the JSON to ``out``.

    ``commands`` is the split a spoken-command agent hears (``perception.command_splits.COMMAND_SPLITS``);
    ``engine`` evaluates on the twin of the agent's env in that physics engine; ``physics`` in
    that fixed physics variant.
    """
    path = check_output_path(out)  # a folder, FIFO, symlink or device is refused before any episode
    options = {key: value for key, value in (("split", commands), ("engine", engine)) if value}
    if physics is not None:
        options["physics"] = physics.to_dict()
    env = agent.make_env(**options)
    env_id = env.spec.id if env.spec is not None else agent.env_id
    try:
        result = evaluate_policy(env, agent.policy_for(env), env_id, episodes, seed, progress)
    finally:
        env.close()
    trained_engine = envs.ENV_SPECS[agent.env_id]["engine"]
    result = {
        "agent": agent.name,
        "model_file": getattr(agent, "model_file", None),
        "deterministic": agent.deterministic,
        "commands": commands or _agent_default_split(agent),
        "trained_engine": trained_engine,
        "eval_engine": engine or trained_engine,
        "trained_env_id": agent.env_id,
        "physics": physics.to_dict() if physics is not None else None,
        **result,
    }
    write_json(path, result)
    return result, path


def evaluate_run(
    run_dir: str | Path,
    episodes: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    progress: bool = True,
    commands: str | None = None,
    engine: str | None = None,
    model_file: str | None = None,
    sample: bool = False,
    physics: str | None = None,
) -> tuple[dict, Path]:
    """Evaluates the agent in ``run_dir``; writes eval.json (or ``out``). Returns (result, path).

    ``engine`` names a physics engine to evaluate the twin env in (default out then:
    ``eval_<engine>.json``); ``commands`` a spoken-command split (``eval_<split>.json``);
    ``model_file`` a model inside the run folder other than model.zip, for example
    ``checkpoints/step_100000.zip`` (``eval_step_100000.json``); ``sample`` samples the
    policy's actions instead of taking their mean, whatever the run's ``eval.deterministic``
    says (``eval_sampled.json``); ``physics`` a fixed physics variant, a name in
    ``envs.randomization.PHYSICS_VARIANTS`` (``eval_<name>.json``) or ``KEY=VALUE,...``
    (``eval_physics.json``).

    Raises:
        ConfigError: ``commands`` names a split for an agent that does not hear spoken commands,
            ``model_file`` is not a file in the run folder, or ``physics`` cannot be read.
    """
    agent = Agent.load(run_dir, model_file or MODEL_FILE)
    config = agent.config
    if sample:
        config.eval.deterministic = False
    check_command_split(config.env.commands, commands)
    trained_engine = envs.ENV_SPECS[config.env.id]["engine"]
    if engine is not None and engine not in envs.ENGINE_IDS:
        raise ConfigError(f"--engine {engine!r} is not one of: {', '.join(envs.ENGINE_IDS)}")
    heard = commands if commands != _agent_default_split(agent) else None
    suffix = [part for part in (heard, engine if engine != trained_engine else None) if part]
    if model_file and Path(model_file) != Path(MODEL_FILE):
        suffix.append(Path(model_file).stem)
    if sample:
        suffix.append("sampled")
    variant, name = _physics_variant(physics)
    if name:
        suffix.append(name)
    default_out = Path(run_dir) / (f"eval_{'_'.join(suffix)}.json" if suffix else EVAL_FILE)
    return evaluate_agent(
        agent,
        config.eval.episodes if episodes is None else episodes,
        config.eval.seed if seed is None else seed,
        out or default_out,
        progress,
        commands,
        engine,
        variant,
    )


def _physics_variant(physics: str | None) -> tuple[PhysicsVariant | None, str]:
    """``--physics`` read: the variant and the name its eval file carries (``held-out``, or
    ``physics`` for KEY=VALUE,...); (None, "") without one."""
    if physics is None:
        return None, ""
    try:
        variant = PhysicsVariant.parse(physics)
    except ValueError as error:
        raise ConfigError(f"--physics: {error}") from None
    return variant, physics if physics in PHYSICS_VARIANTS else "physics"


def evaluate_both_engines(run_dir: str | Path, episodes: int | None = None, seed: int | None = None, **options) -> tuple[dict, Path]:
    """Evaluates the agent in ``run_dir`` in MuJoCo and in PyBullet on the same seeds (each engine's
    usual eval file: eval.json in the trained engine, eval_<other>.json in the other) and writes
    ``transfer.json``: both success rates and the gap (trained engine minus the other). ``options``
    are :func:`evaluate_run`'s (``commands``, ``model_file``, ``sample``, ``physics``); the transfer
    file's name carries the same suffixes (``transfer_held-out.json``, ...)."""
    results, files = {}, {}
    for engine in envs.ENGINE_IDS:
        result, path = evaluate_run(run_dir, episodes, seed, engine=engine, **options)
        results[engine], files[engine] = result, path
    trained = next(iter(results.values()))["trained_engine"]
    other = next(engine for engine in envs.ENGINE_IDS if engine != trained)
    summary = {
        "agent": results[trained]["agent"],
        "trained_engine": trained,
        "n_episodes": results[trained]["n_episodes"],
        "seeds": [results[trained]["seeds"][0], results[trained]["seeds"][-1]],
        "physics": results[trained].get("physics"),
        "success": {engine: result["success_rate"] for engine, result in results.items()},
        "success_ci": {engine: result["success_ci"] for engine, result in results.items()},
        "gap": results[trained]["success_rate"] - results[other]["success_rate"],
        "files": {engine: Path(path).name for engine, path in files.items()},
    }
    suffix = Path(files[trained]).stem.removeprefix("eval").removeprefix("_")
    path = Path(files[trained]).with_name(f"transfer_{suffix}.json" if suffix else "transfer.json")
    write_json(path, summary)
    return summary, path


def _agent_default_split(agent) -> str:
    """The split ``agent`` heard when none was asked for (an expert's: ``train``)."""
    config = getattr(agent, "config", None)
    return (default_split(config.env.commands) if config is not None else None) or "train"


def evaluate_expert(
    env_id: str, episodes: int = 100, seed: int = 10_000, out: str | Path | None = None, progress: bool = True, physics: str | None = None
) -> tuple[dict, Path]:
    """Evaluates the scripted expert of ``env_id``; writes runs/expert__<env>/eval.json (or ``out``),
    in the fixed ``physics`` variant when one is given (eval_<variant>.json)."""
    agent = ExpertAgent(env_id)
    variant, name = _physics_variant(physics)
    default_out = agent.run_dir / (f"eval_{name}.json" if name else EVAL_FILE)
    return evaluate_agent(agent, episodes, seed, out or default_out, progress, physics=variant)
