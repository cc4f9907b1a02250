"""push_sac_her's recipe on panda-gym's PandaPush-v3 with plain Stable-Baselines3: is it the task or the recipe?

Not part of robocue and not one of its dependencies: install panda-gym into your own environment
first (``pip install panda-gym``). The recipe is ``push_sac_her``'s (configs/push_sac_her.yaml):
SAC + HER (``future`` goals x4), 4 env copies, 2 gradient steps per step of the 4 copies, batch
256, [256, 256], gamma 0.95, tau 0.05, learning rate 1e-3, automatic entropy, 2,000 steps before
learning, no observation normalisation, no curriculum (PandaPush's block starts within 15 cm of
the table's centre, under a tip that starts above it; its goals are on the table within 15 cm of
the centre). Prints training success over the last 100 episodes every ``--log-every`` steps and
``--eval-episodes`` deterministic evaluation episodes (fixed seeds, a separate env) every
``--eval-every`` steps; stops after ``--seconds`` of training (evaluations excluded).

    python docs/notes/panda_push_anchor.py --seconds 3600 --seed 0
"""

from __future__ import annotations

import argparse
import json
import time
from collections import deque

import gymnasium as gym
import numpy as np
import panda_gym  # noqa: F401  (registers PandaPush-v3)
import torch
from stable_baselines3 import SAC, HerReplayBuffer
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env

ENV_ID = "PandaPush-v3"


class Progress(BaseCallback):
    def __init__(self, args, started: float):
        super().__init__()
        self.args, self.started = args, started
        self.env = gym.make(ENV_ID)
        self.outcomes: deque[bool] = deque(maxlen=100)
        self.next_log, self.next_eval, self.eval_seconds = args.log_every, args.eval_every, 0.0
        self.evaluations: list[dict] = []

    def training_seconds(self) -> float:
        return time.perf_counter() - self.started - self.eval_seconds

    def _on_step(self) -> bool:
        for done, info in zip(self.locals["dones"], self.locals["infos"]):
            if done:
                self.outcomes.append(bool(info.get("is_success", False)))
        if self.num_timesteps >= self.next_log:
            self.next_log += self.args.log_every
            rate = np.mean(self.outcomes) if self.outcomes else 0.0
            print(f"step {self.num_timesteps}: training success {rate:.2f} ({self.training_seconds():.0f} s)", flush=True)
        if self.num_timesteps >= self.next_eval:
            self.next_eval += self.args.eval_every
            self.evaluate()
        return self.training_seconds() < self.args.seconds

    def evaluate(self) -> None:
        began = time.perf_counter()
        successes = 0
        for index in range(self.args.eval_episodes):
            observation, _ = self.env.reset(seed=20_000 + index)
            done = False
            while not done:
                action, _ = self.model.predict(observation, deterministic=True)
                observation, _, terminated, truncated, info = self.env.step(action)
                done = terminated or truncated
            successes += bool(info.get("is_success", False))
        self.eval_seconds += time.perf_counter() - began
        success = successes / self.args.eval_episodes
        self.evaluations.append({"step": self.num_timesteps, "seconds": round(self.training_seconds(), 1), "success": success})
        print(f"step {self.num_timesteps}: evaluation success {success:.2f} over {self.args.eval_episodes} episodes", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=3600.0, help="training seconds (evaluations excluded)")
    parser.add_argument("--log-every", type=int, default=10_000)
    parser.add_argument("--eval-every", type=int, default=50_000)
    parser.add_argument("--eval-episodes", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    env = make_vec_env(ENV_ID, n_envs=4, seed=args.seed)
    model = SAC(
        "MultiInputPolicy",
        env,
        buffer_size=1_000_000,
        ent_coef="auto",
        batch_size=256,
        gamma=0.95,
        tau=0.05,
        learning_rate=1e-3,
        learning_starts=2000,
        train_freq=1,
        gradient_steps=2,
        replay_buffer_class=HerReplayBuffer,
        replay_buffer_kwargs={"goal_selection_strategy": "future", "n_sampled_goal": 4},
        policy_kwargs={"net_arch": [256, 256]},
        seed=args.seed,
        device="cpu",
    )
    started = time.perf_counter()
    callback = Progress(args, started)
    model.learn(10_000_000, callback=callback)
    callback.evaluate()
    result = {
        "env": ENV_ID,
        "recipe": "push_sac_her's SAC + HER",
        "seed": args.seed,
        "steps": model.num_timesteps,
        "training_seconds": round(callback.training_seconds(), 1),
        "steps_per_second": round(model.num_timesteps / callback.training_seconds(), 1),
        "evaluations": callback.evaluations,
        "torch_threads": torch.get_num_threads(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
