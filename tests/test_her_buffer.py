"""agents/her_buffer.py: MovedGoalHerReplayBuffer (which episodes count as moved, what a batch holds) and
DeviceHerReplayBuffer (the same batches as SB3's, from tensors on the device)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch
from stable_baselines3 import HerReplayBuffer
from stable_baselines3.common.vec_env import DummyVecEnv

import robocue.envs  # noqa: F401
from robocue.agents.agent import replay_buffer_arguments
from robocue.agents.her_buffer import DeviceHerReplayBuffer, MovedGoalHerReplayBuffer
from robocue.configs.schema import load_config

STEPS = 10  # per synthetic episode


@pytest.fixture(scope="module")
def vec_env():
    env = DummyVecEnv([lambda: gym.make("robocue/PushGoal-MuJoCo-v0", reward_type="sparse")])
    yield env
    env.close()


def _buffer(vec_env, **kwargs) -> MovedGoalHerReplayBuffer:
    return MovedGoalHerReplayBuffer(
        1000, vec_env.observation_space, vec_env.action_space, env=vec_env, n_sampled_goal=4, device="cpu", **kwargs
    )


def _add_episode(buffer, marker: float, move: float) -> None:
    """STEPS transitions whose observation starts with ``marker``; the achieved goal moves ``move`` metres along x."""
    space = buffer.observation_space
    for t in range(STEPS):
        obs, nxt = ({key: np.zeros((1, *s.shape), np.float32) for key, s in space.spaces.items()} for _ in range(2))
        obs["observation"][0, 0] = nxt["observation"][0, 0] = marker
        obs["achieved_goal"][0] = [0.4 + move * t / STEPS, 0.0, 0.025]
        nxt["achieved_goal"][0] = [0.4 + move * (t + 1) / STEPS, 0.0, 0.025]
        obs["desired_goal"][0] = nxt["desired_goal"][0] = [0.6, 0.0, 0.025]
        done = np.array([t == STEPS - 1])
        buffer.add(obs, nxt, np.zeros((1, 3), np.float32), np.array([-1.0]), done, [{"TimeLimit.truncated": bool(done[0])}])


def test_episodes_are_marked_by_how_far_their_achieved_goal_got(vec_env):
    buffer = _buffer(vec_env)
    _add_episode(buffer, 1.0, 0.0)
    _add_episode(buffer, 2.0, 0.05)
    np.testing.assert_allclose(buffer.ep_moved[:STEPS, 0], 0.0)
    np.testing.assert_allclose(buffer.ep_moved[STEPS : 2 * STEPS, 0], 0.05, rtol=1e-5)


def test_a_batch_draws_its_share_from_moved_episodes(vec_env):
    buffer = _buffer(vec_env, moved_share=0.5)
    for _ in range(9):
        _add_episode(buffer, 1.0, 0.0)  # nine still episodes ...
    _add_episode(buffer, 2.0, 0.05)  # ... and one that moved: a tenth of the transitions
    np.random.seed(0)
    markers = buffer.sample(2000).observations["observation"][:, 0].numpy()
    assert 0.5 <= np.mean(markers == 2.0) <= 0.6  # half drawn from it, plus its share of the uniform half
    rewards = buffer.sample(64).rewards  # relabelled rewards are still computed by the env
    assert set(np.unique(rewards.numpy())) <= {-1.0, 0.0}


def test_with_nothing_moved_a_batch_is_uniform(vec_env):
    buffer = _buffer(vec_env, moved_share=1.0)
    _add_episode(buffer, 1.0, 0.0)
    _add_episode(buffer, 2.0, 0.01)  # below moved_distance (0.02)
    np.random.seed(0)
    markers = buffer.sample(2000).observations["observation"][:, 0].numpy()
    assert 0.4 <= np.mean(markers == 2.0) <= 0.6


def test_the_share_is_validated(vec_env):
    with pytest.raises(ValueError, match="moved_share=1.5 must be between 0 and 1"):
        _buffer(vec_env, moved_share=1.5)


def test_the_config_picks_the_buffer():
    plain = replay_buffer_arguments(load_config("push_sac_her", ["algo.her.moved_share=0"]))
    assert plain["replay_buffer_class"] is HerReplayBuffer and "moved_share" not in plain["replay_buffer_kwargs"]
    moved = replay_buffer_arguments(load_config("push_sac_her", ["algo.her.moved_share=0.5"]))
    assert moved["replay_buffer_class"] is MovedGoalHerReplayBuffer and moved["replay_buffer_kwargs"]["moved_share"] == 0.5


# --- DeviceHerReplayBuffer: transitions in tensors on the training device -----------------------
def _filled_pair(reward_type: str, strategy: str):
    """SB3's buffer and the device one (on the CPU), fed the same 2-copy ReachGoal transitions past a
    wrap-around (buffer of 120 per copy, 5 episodes of 50 steps)."""
    venv = DummyVecEnv([lambda: gym.make("robocue/ReachGoal-MuJoCo-v0", reward_type=reward_type) for _ in range(2)])
    venv.seed(0)
    buffers = [
        cls(240, venv.observation_space, venv.action_space, env=venv, n_envs=2, device="cpu", goal_selection_strategy=strategy)
        for cls in (HerReplayBuffer, DeviceHerReplayBuffer)
    ]
    obs, rng = venv.reset(), np.random.default_rng(0)
    for _ in range(250):
        action = rng.uniform(-1, 1, size=(2, *venv.action_space.shape)).astype(np.float32)
        nxt, reward, done, infos = venv.step(action)
        real_next = {key: value.copy() for key, value in nxt.items()}
        for i, info in enumerate(infos):
            if done[i]:
                for key in real_next:
                    real_next[key][i] = info["terminal_observation"][key]
        for buffer in buffers:
            buffer.add(obs, real_next, action, reward, done, infos)
        obs = nxt
    return venv, buffers


@pytest.mark.parametrize("reward_type, strategy", [("sparse", "future"), ("dense", "final"), ("sparse", "episode")])
def test_the_device_buffer_samples_what_sb3s_samples(reward_type, strategy):
    venv, (plain, device) = _filled_pair(reward_type, strategy)
    try:
        assert plain.full and device.full and isinstance(device.observations["observation"], torch.Tensor)
        for seed in range(3):
            batches = []
            for buffer in (plain, device):
                np.random.seed(seed)
                batches.append(buffer.sample(256))
            a, b = batches
            for key in a.observations:
                assert torch.equal(a.observations[key], b.observations[key])
                assert torch.equal(a.next_observations[key], b.next_observations[key])
            for field in ("actions", "dones", "rewards"):
                assert torch.equal(getattr(a, field), getattr(b, field)), field
            assert b.rewards.dtype == torch.float32 and (reward_type == "dense" or (b.rewards == 0).any())
    finally:
        venv.close()


def test_the_config_puts_the_buffer_on_the_device_on_cuda():
    config = load_config("reach_sac_her")
    assert replay_buffer_arguments(config, "cpu")["replay_buffer_class"] is HerReplayBuffer
    assert replay_buffer_arguments(config, "cuda")["replay_buffer_class"] is DeviceHerReplayBuffer
    forced = load_config("reach_sac_her", ["algo.her.device_buffer=true"])
    assert replay_buffer_arguments(forced, "cpu")["replay_buffer_class"] is DeviceHerReplayBuffer
    assert "device_buffer" not in replay_buffer_arguments(forced, "cpu")["replay_buffer_kwargs"]
    off = load_config("reach_sac_her", ["algo.her.device_buffer=false"])
    assert replay_buffer_arguments(off, "cuda")["replay_buffer_class"] is HerReplayBuffer


def test_training_with_the_device_buffer_gives_sb3s_weights(tmp_path):
    """On the CPU the device buffer draws and relabels every batch as SB3's does: the same weights, bit for bit."""
    from conftest import HER_OVERRIDES, SAC_PRESET, TINY_OVERRIDES

    from robocue.agents.agent import read_model_weights
    from robocue.scripts.cli import main

    runs = {}
    for on_device in ("false", "true"):
        run = tmp_path / on_device
        overrides = [*TINY_OVERRIDES, *HER_OVERRIDES, "algo.name=sac", f"algo.her.device_buffer={on_device}", "env.n_envs=2"]
        assert main(["train", SAC_PRESET, *overrides, "train.evaluate=false", "train.video=false", f"run.dir={run}"]) == 0
        runs[on_device] = read_model_weights(run / "model.zip")[0]
    assert runs["true"].keys() == runs["false"].keys()
    for key in runs["true"]:
        assert torch.equal(runs["true"][key], runs["false"][key]), key
