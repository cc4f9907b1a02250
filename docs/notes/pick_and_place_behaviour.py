"""What a PickAndPlace goal policy does from next to the object: does it lift, does it place.

Loads a run (robocue's own run folder: weights only, rebuilt from its config), plays near-start
episodes with curriculum goals 6-12 cm away, first on the table and then all in the air
(``air_goals=1``, up to 15 cm up), seeds 300 on, deterministic actions, and prints for each how
often the episode succeeds, the commanded object is lifted more than 3 cm, and it moves more
than 2 cm across the table.

    MUJOCO_GL=egl python docs/notes/pick_and_place_behaviour.py RUN [--model-file checkpoints/step_N.zip] [--episodes 30]
"""

from __future__ import annotations

import argparse

import numpy as np

from robocue.agents.agent import Agent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("--model-file", default=None, help="relative to the run folder (default: its model.zip)")
    parser.add_argument("--episodes", type=int, default=30)
    args = parser.parse_args()
    agent = Agent.load(args.run, log=lambda *_: None, **({} if args.model_file is None else {"model_file": args.model_file}))
    for air_goals, where in ((0.0, "on the table"), (1.0, "in the air")):
        env = agent.make_env(goal_range=0.06, near_start=1.0, air_goals=air_goals)
        success = lifted = moved = 0
        for episode in range(args.episodes):
            observation, _ = env.reset(seed=300 + episode)
            start = observation["achieved_goal"].copy()
            highest, info = start[2], {}
            for _ in range(env.unwrapped.task.max_episode_steps):
                observation, _, terminated, truncated, info = env.step(agent.act(observation))
                highest = max(highest, float(observation["achieved_goal"][2]))
                if terminated or truncated:
                    break
            success += bool(info.get("is_success", False))
            lifted += highest - start[2] > 0.03
            moved += float(np.linalg.norm(observation["achieved_goal"][:2] - start[:2])) > 0.02
        env.close()
        n = args.episodes
        print(f"goals {where}: success {success}/{n}, lifted more than 3 cm {lifted}/{n}, moved more than 2 cm across {moved}/{n}")


if __name__ == "__main__":
    main()
