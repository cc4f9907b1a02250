"""Where a Push goal policy succeeds and fails, by the commanded object's shape, from next to the object.

Loads a run (robocue's own run folder: weights only, rebuilt from its config, its wrappers such as
``env.object_motion`` included), plays near-start episodes with curriculum goals 6-12 cm away
(seeds 100 on, deterministic actions) and prints, per shape, the success rate, the median distance
the object ended past its goal along the way from its start (negative: short of it), and the share
that ended more than 6 cm past or short.

    MUJOCO_GL=egl python docs/notes/push_shapes.py RUN [--model-file checkpoints/step_N.zip] [--episodes 90]
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np

from robocue.agents.agent import Agent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("--model-file", default=None, help="relative to the run folder (default: its model.zip)")
    parser.add_argument("--episodes", type=int, default=90)
    args = parser.parse_args()
    agent = Agent.load(args.run, log=lambda *_: None, **({} if args.model_file is None else {"model_file": args.model_file}))
    env = agent.make_env(goal_range=0.06, near_start=1.0)
    outcomes: dict[str, list[tuple[bool, float]]] = defaultdict(list)
    for episode in range(args.episodes):
        observation, _ = env.reset(seed=100 + episode)
        start, goal = observation["achieved_goal"].copy(), observation["desired_goal"].copy()
        info = {}
        for _ in range(env.unwrapped.task.max_episode_steps):
            observation, _, terminated, truncated, info = env.step(agent.act(observation))
            if terminated or truncated:
                break
        way = (goal - start)[:2]
        distance = float(np.linalg.norm(way))
        along = float((observation["achieved_goal"][:2] - start[:2]) @ way / distance)
        outcomes[env.unwrapped.task.command.shape].append((bool(info.get("is_success", False)), along - distance))
    env.close()
    for shape, rows in sorted(outcomes.items()):
        success = sum(ok for ok, _ in rows)
        past = np.array([p for _, p in rows])
        print(
            f"{shape:8s} success {success}/{len(rows)} = {success / len(rows):.2f}, median past the goal {np.median(past):+.2f} m, "
            f"more than 6 cm past {np.mean(past > 0.06):.2f}, more than 6 cm short {np.mean(past < -0.06):.2f}"
        )


if __name__ == "__main__":
    main()
