"""Time to success on panda-gym's PandaReach-v3 with plain Stable-Baselines3: the anchor for robocue's Reach.

Not part of robocue and not one of its dependencies: install panda-gym into your own virtual
environment first (``pip install panda-gym``). The recipe is RL Baselines3 Zoo's for goal-reaching
arms (its FetchReach/PandaReach entry: SAC + HER, ``future`` goals x4, batch 256, gamma 0.95,
learning rate 1e-3, 1,000 random steps first, [64, 64] with one critic, observations normalised).
Time to success is measured as robocue measures it (agents/time_to_target.py): every
``--eval-every`` steps, ``--eval-episodes`` episodes on fixed seeds in a separate env with
deterministic actions; seconds of training exclude the evaluations.

    python docs/notes/panda_reach_anchor.py --seed 0     # prints steps and seconds to 0.9, and a JSON line
"""

from __future__ import annotations

import argparse
import json
import time

import gymnasium as gym
import numpy as np
import panda_gym  # noqa: F401  (registers PandaReach-v3)
import torch
from stable_baselines3 import SAC, HerReplayBuffer
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import VecNormalize

ENV_ID = "PandaReach-v3"


class TimeToTarget(BaseCallback):
    def __init__(self, target: float, every: int, episodes: int, started: float):
        super().__init__()
        self.target, self.every, self.episodes, self.started = target, every, episodes, started
        self.env = gym.make(ENV_ID)
        self.next_eval, self.eval_seconds, self.reached = every, 0.0, None

    def _on_step(self) -> bool:
        if self.num_timesteps < self.next_eval:
            return True
        self.next_eval += self.every
        began = time.perf_counter()
        train_seconds = began - self.started - self.eval_seconds
        normalize: VecNormalize = self.model.get_env()
        successes = 0
        for index in range(self.episodes):
            observation, _ = self.env.reset(seed=20_000 + index)
            done = False
            while not done:
                action, _ = self.model.predict(normalize.normalize_obs(observation), deterministic=True)
                observation, _, terminated, truncated, info = self.env.step(action)
                done = terminated or truncated
            successes += bool(info.get("is_success", False))
        self.eval_seconds += time.perf_counter() - began
        success = successes / self.episodes
        print(f"step {self.num_timesteps}: success {success:.2f} after {train_seconds:.1f}s of training", flush=True)
        if success >= self.target:
            self.reached = {"steps_to_target": self.num_timesteps, "seconds_to_target": round(train_seconds, 1)}
            return False
        return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--target", type=float, default=0.9)
    parser.add_argument("--eval-every", type=int, default=1000)
    parser.add_argument("--eval-episodes", type=int, default=20)
    parser.add_argument("--timesteps", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    env = VecNormalize(make_vec_env(ENV_ID, n_envs=1, seed=args.seed), norm_reward=False)
    model = SAC(
        "MultiInputPolicy",
        env,
        buffer_size=1_000_000,
        ent_coef="auto",
        batch_size=256,
        gamma=0.95,
        learning_rate=1e-3,
        learning_starts=1000,
        replay_buffer_class=HerReplayBuffer,
        replay_buffer_kwargs={"goal_selection_strategy": "future", "n_sampled_goal": 4},
        policy_kwargs={"net_arch": [64, 64], "n_critics": 1},
        seed=args.seed,
        device="cpu",
    )
    started = time.perf_counter()
    callback = TimeToTarget(args.target, args.eval_every, args.eval_episodes, started)
    model.learn(args.timesteps, callback=callback)
    result = {
        "env": ENV_ID,
        "recipe": "SAC+HER (zoo)",
        "seed": args.seed,
        "target_success": args.target,
        **(callback.reached or {"steps_to_target": None, "seconds_to_target": None}),
        "steps": model.num_timesteps,
        "steps_per_second": round(model.num_timesteps / (time.perf_counter() - started - callback.eval_seconds), 1),
        "torch_threads": torch.get_num_threads(),
        "numpy": np.__version__,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
