"""Short probes of push_sac_her: training success every 10,000 steps, no periodic evaluation.

Builds the preset's SAC + HER model on its threaded env copies with the curriculum, as `robocue
train push_sac_her` does, optionally with SB3's ``VecNormalize`` on the observations (which robocue
does not offer: evaluation and export would need its statistics), and prints the training success
over the last 100 episodes and the curriculum's range. Used for docs/notes/benchmarks.md ("Push
from sparse reward": the 25-minute probes). Config overrides as for `robocue train`:

    MUJOCO_GL=egl python docs/notes/push_probe.py --seconds 1500 env.kwargs.max_step=0.02
    MUJOCO_GL=egl python docs/notes/push_probe.py --seconds 1500 --normalize env.kwargs.max_step=0.02
"""

from __future__ import annotations

import argparse
import time

import torch
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.vec_env import VecMonitor, VecNormalize

from robocue.agents.agent import sb3_model, training_env_kwargs
from robocue.agents.curriculum import GoalCurriculum
from robocue.configs.schema import load_config
from robocue.envs.vector import ThreadedVecEnv


class TrainingSuccess(BaseCallback):
    """Prints training success every ``every`` steps; stops after ``seconds``."""

    def __init__(self, seconds: float, curriculum: GoalCurriculum, every: int = 10_000):
        super().__init__()
        self.seconds, self.curriculum, self.every = seconds, curriculum, every
        self.start, self.next, self.outcomes = time.time(), every, []

    def _on_step(self) -> bool:
        for done, info in zip(self.locals["dones"], self.locals["infos"]):
            if done:
                self.outcomes.append(bool(info.get("is_success")))
        if self.num_timesteps >= self.next:
            self.next += self.every
            last = self.outcomes[-100:]
            success = sum(last) / max(1, len(last))
            elapsed = time.time() - self.start
            print(f"{self.num_timesteps} {elapsed:.0f}s train_success {success:.2f} range {self.curriculum.goal_range}", flush=True)
        return time.time() - self.start < self.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1500.0)
    parser.add_argument("--normalize", action="store_true", help="SB3 VecNormalize on observations (not rewards)")
    parser.add_argument("overrides", nargs="*", help="config overrides, e.g. env.kwargs.max_step=0.02")
    args = parser.parse_args()
    torch.set_num_threads(1)
    config = load_config("push_sac_her", args.overrides)
    vec_env = VecMonitor(ThreadedVecEnv(config.env.id, config.env.n_envs, env_kwargs=training_env_kwargs(config)))
    vec_env.seed(config.seed)
    if args.normalize:
        vec_env = VecNormalize(vec_env, norm_obs=True, norm_reward=False, clip_obs=5.0)
    model = sb3_model(config, vec_env, "cpu", None)
    curriculum = GoalCurriculum(config, log=lambda message: print(message, flush=True))
    model.learn(100_000_000, callback=[curriculum, TrainingSuccess(args.seconds, curriculum)])


if __name__ == "__main__":
    main()
