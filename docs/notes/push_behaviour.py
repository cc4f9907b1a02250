"""What a Push goal policy does from next to the object: where the commanded object ends up.

Loads a run's checkpoint (robocue's own run folder: weights only, rebuilt from its config), plays
near-start episodes with curriculum goals 6-12 cm away (seeds 100 on, deterministic actions) and
prints the success rate, how often the object was pushed more than 2 cm towards its goal, and per
episode the commanded shape and how far past its goal the object ended (negative: short of it).

    MUJOCO_GL=egl python docs/notes/push_behaviour.py RUN checkpoints/step_N.zip --max-step 0.02
"""

from __future__ import annotations

import argparse

import gymnasium as gym
import numpy as np

from robocue.agents.agent import Agent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("model_file", help="relative to the run folder, e.g. checkpoints/step_114520.zip")
    parser.add_argument("--max-step", type=float, default=None, help="the run's env.kwargs.max_step")
    parser.add_argument("--episodes", type=int, default=30)
    args = parser.parse_args()
    agent = Agent.load(args.run, model_file=args.model_file, log=print)
    kwargs = {} if args.max_step is None else {"max_step": args.max_step}
    env = gym.make("robocue/PushGoal-MuJoCo-v0", reward_type="sparse", goal_range=0.06, near_start=1.0, **kwargs)
    rows, successes, pushed = [], 0, 0
    for episode in range(args.episodes):
        observation, _ = env.reset(seed=100 + episode)
        start, goal = observation["achieved_goal"].copy(), observation["desired_goal"].copy()
        way = (goal - start)[:2]
        distance = float(np.linalg.norm(way))
        for _ in range(env.unwrapped.task.max_episode_steps):
            observation, _, _, _, info = env.step(agent.act(observation))
        along = float((observation["achieved_goal"][:2] - start[:2]) @ way / distance)
        successes += bool(info["is_success"])
        pushed += along > 0.02
        rows.append(f"{env.unwrapped.task.command.shape} {along - distance:+.2f}{' success' if info['is_success'] else ''}")
    env.close()
    print(f"success {successes / args.episodes:.2f}, pushed more than 2 cm towards the goal {pushed / args.episodes:.2f}")
    print("past the goal (m): " + ", ".join(rows))


if __name__ == "__main__":
    main()
