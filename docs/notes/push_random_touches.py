"""How far uniform random actions send the commanded Push object, by the arm's ``max_step``.

Each episode starts with the tool tip next to the commanded object (``near_start=1``, three
objects, curriculum goals 6-12 cm away) and takes 100 uniformly random actions; the script counts
the episodes whose object ends more than 2 cm and more than 20 cm from its start, off the table
(below it), and at its goal. With ``--expert`` it also runs the Push and PickAndPlace scripted
experts from the arm's home on the evaluation's goals (the regions' centres) and counts their
successes (seeds 0-19). Used in docs/tasks.md and docs/notes/benchmarks.md.

    MUJOCO_GL=egl python docs/notes/push_random_touches.py --max-step 0.05 0.03 0.02 0.015 0.01 --expert
"""

from __future__ import annotations

import argparse

import gymnasium as gym
import numpy as np

import robocue.envs  # noqa: F401  (registers the ids)


def measure(max_step: float, episodes: int) -> dict[str, float]:
    env = gym.make("robocue/PushGoal-MuJoCo-v0", reward_type="sparse", goal_range=0.06, near_start=1.0, max_step=max_step)
    rng = np.random.default_rng(1)
    moved = far = fell = reached = 0
    for episode in range(episodes):
        observation, _ = env.reset(seed=episode)
        start = observation["achieved_goal"].copy()
        for _ in range(100):
            observation, _, _, _, info = env.step(rng.uniform(-1, 1, 3))
        distance = float(np.linalg.norm(observation["achieved_goal"][:2] - start[:2]))
        moved += distance > 0.02
        far += distance > 0.2
        fell += observation["achieved_goal"][2] < 0
        reached += bool(info["is_success"])
    env.close()
    return {"moved 2 cm": moved / episodes, "moved 20 cm": far / episodes, "off the table": fell / episodes, "at goal": reached / episodes}


def expert_success(env_id: str, max_step: float, episodes: int) -> float:
    env = gym.make(env_id, max_step=max_step).unwrapped
    successes = 0
    for episode in range(episodes):
        env.reset(seed=episode)
        for _ in range(env.task.max_episode_steps):
            _, _, _, _, info = env.step(env.task.expert_action(env.engine, env.robot))
        successes += bool(info["is_success"])
    env.close()
    return successes / episodes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-step", type=float, nargs="+", default=[0.05, 0.02], help="tool-tip metres per env step")
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--expert", action="store_true", help="also the scripted experts' success from home (20 episodes each)")
    args = parser.parse_args()
    for max_step in args.max_step:
        shares = measure(max_step, args.episodes)
        if args.expert:
            shares["Push expert at the region"] = expert_success("robocue/Push-MuJoCo-v0", max_step, 20)
            shares["PickAndPlace expert"] = expert_success("robocue/PickAndPlace-MuJoCo-v0", max_step, 20)
        print(f"max_step {max_step}: " + ", ".join(f"{name} {share:.2f}" for name, share in shares.items()))


if __name__ == "__main__":
    main()
