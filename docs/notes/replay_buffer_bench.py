"""Milliseconds to draw one HER batch of 256 from SB3's HerReplayBuffer and from DeviceHerReplayBuffer.

Both buffers hold the same 80,000 transitions with PushGoal's observation shapes (4 env copies,
episodes of 100 steps, random numbers), and draw with the same numpy seed, on the CPU device (one
torch thread). On a GPU (``--device cuda``) the device buffer gathers and relabels on the GPU;
SB3's draws on the host and copies the batch over, as it does in training.

    MUJOCO_GL=egl python docs/notes/replay_buffer_bench.py [--device cuda]
"""

from __future__ import annotations

import argparse
import time

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import HerReplayBuffer
from stable_baselines3.common.vec_env import DummyVecEnv

import robocue.envs  # noqa: F401  (registers the ids)
from robocue.agents.her_buffer import DeviceHerReplayBuffer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    venv = DummyVecEnv([lambda: gym.make("robocue/PushGoal-MuJoCo-v0", reward_type="sparse") for _ in range(4)])
    shapes = {key: space.shape for key, space in venv.observation_space.spaces.items()}
    buffers = {
        "SB3 HerReplayBuffer": HerReplayBuffer(200_000, venv.observation_space, venv.action_space, env=venv, n_envs=4, device=args.device),
        "DeviceHerReplayBuffer": DeviceHerReplayBuffer(
            200_000, venv.observation_space, venv.action_space, env=venv, n_envs=4, device=args.device
        ),
    }
    rng = np.random.default_rng(0)
    for t in range(20_000):
        observation = {key: rng.standard_normal((4, *shape)).astype(np.float32) for key, shape in shapes.items()}
        done = np.full(4, t % 100 == 99)
        action = rng.uniform(-1, 1, (4, *venv.action_space.shape)).astype(np.float32)
        for buffer in buffers.values():
            buffer.add(observation, observation, action, np.full(4, -1.0), done, [{"TimeLimit.truncated": bool(done[0])}] * 4)
    for repeat in range(args.repeats):
        for name, buffer in buffers.items():
            np.random.seed(repeat)
            start = time.perf_counter()
            for _ in range(200):
                batch = buffer.sample(256)
            if args.device.startswith("cuda"):
                torch.cuda.synchronize()
            assert batch.observations["observation"].device.type == torch.device(args.device).type
            print(f"repeat {repeat}: {name:22s} {(time.perf_counter() - start) / 200 * 1e3:.2f} ms per batch of 256")
    venv.close()


if __name__ == "__main__":
    main()
