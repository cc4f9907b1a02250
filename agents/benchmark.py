"""Speed measurements: environment steps per second, with and without rendering."""

from __future__ import annotations

import time

import gymnasium as gym

import envs  # noqa: F401  (registers the robocue/ ids)


def env_steps_per_second(env_id: str, steps: int = 20_000, seed: int = 0, render: bool = False, **kwargs) -> dict:
    """Steps ``env_id`` with uniformly random actions (resetting at episode ends) and times it.

    With ``render=True`` every step also renders an RGB frame of the env's render size.
    """
    env = gym.make(env_id, render_mode="rgb_array" if render else None, **kwargs)
    env.action_space.seed(seed)
    actions = [env.action_space.sample() for _ in range(1000)]
    env.reset(seed=seed)
    resets = 0
    started = time.perf_counter()
    for step in range(steps):
        _, _, terminated, truncated, _ = env.step(actions[step % len(actions)])
        if render:
            env.render()
        if terminated or truncated:
            env.reset()
            resets += 1
    elapsed = time.perf_counter() - started
    engine = env.unwrapped.engine
    # The physics limit: plain engine steps per second divided by substeps per env step.
    physics_limit = engine.raw_step_rate() / engine.substeps
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


__all__ = ["env_steps_per_second", "markdown_table", "run_benchmarks"]
