"""Speed measurements: environment steps per second, with and without rendering."""

from __future__ import annotations

import functools
import time

import gymnasium as gym
import numpy as np
from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv

from robocue import envs  # noqa: F401  (registers the robocue/ ids)
from robocue.envs.vector import ThreadedVecEnv


def env_steps_per_second(env_id: str, steps: int = 20_000, seed: int = 0, render: bool = False, **kwargs) -> dict:
    """Steps ``env_id`` with uniformly random actions (resetting at episode ends) and times it.

    With ``render=True`` every step also renders an RGB frame of the env's render size.
    The physics limit is plain engine steps per second divided by substeps per env step,
    measured from states the run visits (at up to 64 steps drawn at random from the run,
    seeded, outside the timed steps: 10 env steps' worth of plain engine steps from a copy
    of that state, with its controls held): contacts make physics cost depend on the state,
    so one snapshot (for example a scene at rest) would misstate it, and so would evenly
    spaced points, which fall on the same step of every episode when the spacing is a
    multiple of the episode length (with 20,000 steps, every probe was an episode's first
    step).
    """
    env = gym.make(env_id, render_mode="rgb_array" if render else None, **kwargs)
    env.action_space.seed(seed)
    actions = [env.action_space.sample() for _ in range(1000)]
    env.reset(seed=seed)
    engine = env.unwrapped.engine
    samples = max(1, min(64, steps // 100))
    probes = set(np.random.default_rng(seed).choice(steps, size=samples, replace=False).tolist())
    raw_seconds_per_step = []
    resets = 0
    elapsed = 0.0
    started = time.perf_counter()
    for step in range(steps):
        if step in probes:  # not timed: the physics limit from this state
            elapsed += time.perf_counter() - started
            raw_seconds_per_step.append(1.0 / engine.raw_step_rate(10 * engine.substeps))
            started = time.perf_counter()
        _, _, terminated, truncated, _ = env.step(actions[step % len(actions)])
        if render:
            env.render()
        if terminated or truncated:
            env.reset()
            resets += 1
    elapsed += time.perf_counter() - started
    # The physics limit: plain engine steps per second divided by substeps per env step.
    physics_limit = 1.0 / (float(np.mean(raw_seconds_per_step)) * engine.substeps)
    env.close()
    return {
        "env_id": env_id,
        "obs_mode": env.unwrapped.obs_mode,
        "steps": steps,
        "render": render,
        "resets": resets,
        "seconds": elapsed,
        "steps_per_second": steps / elapsed,
        "physics_limit_steps_per_second": physics_limit,
        "fraction_of_physics_limit": (steps / elapsed) / physics_limit,
        "kwargs": kwargs,
    }


VEC_ENV_KINDS = ("dummy", "subproc", "threaded")


def _make_env(env_id: str, kwargs: dict) -> gym.Env:
    # Module-level, so a subprocess unpickling it imports this module and so registers the ids.
    return gym.make(env_id, **kwargs)


def make_vec(kind: str, env_id: str, n_envs: int, **kwargs):
    """``n_envs`` copies of ``env_id`` in a ``DummyVecEnv``, ``SubprocVecEnv`` or :class:`ThreadedVecEnv`."""
    if kind == "threaded":
        return ThreadedVecEnv(env_id, n_envs, env_kwargs=kwargs)
    if kind not in VEC_ENV_KINDS:
        raise ValueError(f"vec env {kind!r} is not one of: {', '.join(VEC_ENV_KINDS)}")
    factories = [functools.partial(_make_env, env_id, kwargs)] * n_envs
    return SubprocVecEnv(factories) if kind == "subproc" else DummyVecEnv(factories)


def vec_env_steps_per_second(kind: str, env_id: str, n_envs: int, steps: int = 20_000, seed: int = 0) -> dict:
    """Total env steps per second (over all copies) of a vectorised env with random actions."""
    vec = make_vec(kind, env_id, n_envs)
    vec.seed(seed)
    vec.reset()
    rng = np.random.default_rng(seed)
    actions = rng.uniform(-1, 1, (64, n_envs, *vec.action_space.shape)).astype(np.float32)
    calls = max(1, steps // n_envs)
    started = time.perf_counter()
    for i in range(calls):
        vec.step(actions[i % len(actions)])
    elapsed = time.perf_counter() - started
    vec.close()
    return {"vec_env": kind, "env_id": env_id, "n_envs": n_envs, "steps": calls * n_envs, "steps_per_second": calls * n_envs / elapsed}


def vec_env_table(results: list[dict]) -> str:
    """Markdown: one row per env id and kind, one column per number of copies."""
    counts = sorted({r["n_envs"] for r in results})
    lines = ["| env | vec env | " + " | ".join(f"{n} envs" for n in counts) + " |", "|---|---|" + "---:|" * len(counts)]
    rows: dict[tuple, dict] = {}
    for r in results:
        rows.setdefault((r["env_id"], r["vec_env"]), {})[r["n_envs"]] = r["steps_per_second"]
    for (env_id, kind), by_count in rows.items():
        cells = " | ".join(f"{by_count[n]:.0f}" if n in by_count else "" for n in counts)
        lines.append(f"| {env_id} | {kind} | {cells} |")
    return "\n".join(lines)


def run_benchmarks(env_ids: list[str], steps: int, render_steps: int) -> list[dict]:
    """Stepping each env id (pixel modes render every observation), plus stepping with a
    video frame rendered every step (``render_steps`` > 0)."""
    results = []
    for env_id in env_ids:
        results.append(env_steps_per_second(env_id, steps))
        if render_steps:
            results.append(env_steps_per_second(env_id, render_steps, render=True))
    return results


def markdown_table(results: list[dict]) -> str:
    lines = [
        "| env | observation | + video frame | steps | env steps/s | physics limit steps/s | fraction of limit |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['env_id']} | {r['obs_mode']} | {'yes' if r['render'] else 'no'} | {r['steps']} | "
            f"{r['steps_per_second']:.0f} | {r['physics_limit_steps_per_second']:.0f} | {r['fraction_of_physics_limit']:.2f} |"
        )
    return "\n".join(lines)


__all__ = ["env_steps_per_second", "markdown_table", "run_benchmarks", "vec_env_steps_per_second", "vec_env_table"]
