"""Milliseconds per SAC gradient step: Stable-Baselines3's update against LeanSAC's (agents/fast_sac.py).

    MUJOCO_GL=egl python docs/notes/sac_update_bench.py [--threads N] [--steps N] [--compile] [OVERRIDES]

Builds push_sac_her as robocue train does (one torch thread by default), fills its replay buffer
with 2,400 steps, then times ``--steps`` gradient steps of each update from the same weights,
optimizer states and random streams: SB3's ``SAC.train``, LeanSAC's in float32 (checked bit for bit
against SB3's) and LeanSAC's in bfloat16; with ``--compile``, also LeanSAC's in float32 with the
actor's ``action_log_prob`` and the critics' forward passes through ``torch.compile`` (timed after
a warm-up of 5 steps, whose seconds it prints). docs/notes/benchmarks.md reads it.
"""

from __future__ import annotations

import argparse
import copy
import time

import numpy as np
import torch
from stable_baselines3 import SAC

from robocue.agents.fast_sac import LeanSAC, use_fused_adam
from robocue.agents.training import build_model
from robocue.configs.schema import load_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--compile", action="store_true", help="also time LeanSAC float32 with torch.compile")
    parser.add_argument("overrides", nargs="*")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = build_model(load_config("push_sac_her", ["algo.learning_starts=2000", *args.overrides]), "cpu")
    model.learn(2400)
    optimizers = lambda: (model.actor.optimizer, model.critic.optimizer, model.ent_coef_optimizer)  # noqa: E731
    weights, entropy = copy.deepcopy(model.policy.state_dict()), model.log_ent_coef.detach().clone()
    states = [copy.deepcopy(o.state_dict()) for o in optimizers()]

    def timed(label: str, train) -> dict[str, torch.Tensor]:
        model.policy.load_state_dict(weights)
        with torch.no_grad():
            model.log_ent_coef.copy_(entropy)
        for optimizer, state in zip(optimizers(), states):
            optimizer.load_state_dict(copy.deepcopy(state))
        torch.manual_seed(0)
        np.random.seed(0)  # HER's sampling draws from numpy's global stream
        started = time.perf_counter()
        train()
        print(f"{label}: {(time.perf_counter() - started) * 1000 / args.steps:.2f} ms per gradient step (batch {model.batch_size})")
        return {k: v.clone() for k, v in model.policy.state_dict().items()}

    sb3 = timed("Stable-Baselines3 SAC.train", lambda: SAC.train(model, args.steps, model.batch_size))
    model.matmul_dtype = "float32"
    lean = timed("LeanSAC float32", lambda: LeanSAC.train(model, args.steps, model.batch_size))
    print("  the same weights as SAC.train:", all(torch.equal(sb3[k], lean[k]) for k in sb3))
    model.matmul_dtype = "bfloat16"
    use_fused_adam(model)  # as LeanSAC sets its optimizers up for bfloat16
    states = [copy.deepcopy(o.state_dict()) for o in optimizers()]
    fast = timed("LeanSAC bfloat16 (fused Adam)", lambda: LeanSAC.train(model, args.steps, model.batch_size))
    print(f"  largest weight difference from SAC.train: {max(float((sb3[k] - fast[k]).abs().max()) for k in sb3):.3g}")
    if args.compile:
        model.matmul_dtype = "float32"
        model.actor.action_log_prob = torch.compile(model.actor.action_log_prob)
        model.critic.forward = torch.compile(model.critic.forward)
        model.critic_target.forward = torch.compile(model.critic_target.forward)
        started = time.perf_counter()
        LeanSAC.train(model, 5, model.batch_size)
        print(f"torch.compile warm-up (5 steps): {time.perf_counter() - started:.1f} s")
        timed("LeanSAC float32, torch.compile", lambda: LeanSAC.train(model, args.steps, model.batch_size))


if __name__ == "__main__":
    main()
