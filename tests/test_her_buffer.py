"""MovedGoalHerReplayBuffer (agents/her_buffer.py): which episodes count as moved, what a batch holds."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from stable_baselines3 import HerReplayBuffer
from stable_baselines3.common.vec_env import DummyVecEnv

import robocue.envs  # noqa: F401
from robocue.agents.agent import replay_buffer_arguments
from robocue.agents.her_buffer import MovedGoalHerReplayBuffer
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
