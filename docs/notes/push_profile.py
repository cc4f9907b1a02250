"""Where push_sac_her's training time goes: cProfile over 2,000 env steps of learn() once learning has started.

    MUJOCO_GL=egl python docs/notes/push_profile.py [OVERRIDES]

Builds the preset's model as robocue train does (agents.training.build_model, one torch thread),
learns 2,400 steps (past algo.learning_starts=2000), then profiles 2,000 more and prints the 35
most expensive calls by cumulative time. docs/notes/benchmarks.md reads it.
"""

import cProfile
import pstats
import sys
import time

import torch

from robocue.agents.training import build_model
from robocue.configs.schema import load_config


def main(overrides: list[str]) -> None:
    torch.set_num_threads(1)
    config = load_config("push_sac_her", ["algo.learning_starts=2000", *overrides])
    model = build_model(config, "cpu")
    model.learn(2400)  # past learning_starts
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    model.learn(2000, reset_num_timesteps=False)
    profile.disable()
    seconds = time.perf_counter() - start
    print(f"2000 steps in {seconds:.1f} s: {2000 / seconds:.0f} steps/s")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main(sys.argv[1:])
