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
    env.close()
    return {
        "env_id": env_id,
        "steps": steps,
        "render": render,
        "resets": resets,
        "seconds": elapsed,
        "steps_per_second": steps / elapsed,
        "kwargs": kwargs,
    }


def run_benchmarks(env_ids: list[str], steps: int, render_steps: int) -> list[dict]:
    """State stepping and stepping+rendering for each env id."""
    results = []
    for env_id in env_ids:
        results.append(env_steps_per_second(env_id, steps))
        if render_steps:
            results.append(env_steps_per_second(env_id, render_steps, render=True))
    return results


def markdown_table(results: list[dict]) -> str:
    lines = ["| env | mode | steps | seconds | steps/s |", "|---|---|---:|---:|---:|"]
    for r in results:
        mode = "step + render" if r["render"] else "step"
        lines.append(f"| {r['env_id']} | {mode} | {r['steps']} | {r['seconds']:.2f} | {r['steps_per_second']:.0f} |")
    return "\n".join(lines)


__all__ = ["env_steps_per_second", "markdown_table", "run_benchmarks"]
