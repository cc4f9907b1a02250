"""ThreadedVecEnv: the same transitions as DummyVecEnv, and it trains."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from stable_baselines3.common.vec_env import DummyVecEnv

from robocue.agents.benchmark import VEC_ENV_KINDS, vec_env_steps_per_second, vec_env_table
from robocue.agents.training import train
from robocue.configs import ConfigError, load_config
from robocue.envs.vector import ThreadedVecEnv


def _assert_same(a, b):
    if isinstance(a, dict):
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])
    else:
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("env_id", ["robocue/Reach-MuJoCo-v0", "robocue/GoTo-MuJoCo-v0", "robocue/PushGoal-MuJoCo-v0"])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_threaded_matches_dummy_step_for_step(env_id, n_threads):
    """Same seeds and actions: identical observations, rewards, dones and terminal observations."""
    n = 3
    threaded = ThreadedVecEnv(env_id, n, n_threads=n_threads)
    dummy = DummyVecEnv([lambda: gym.make(env_id)] * n)
    threaded.seed(7)
    dummy.seed(7)
    _assert_same(threaded.reset(), dummy.reset())
    rng = np.random.default_rng(0)
    steps = gym.spec(env_id).max_episode_steps + 5  # crosses an episode end
    ended = False
    for _ in range(steps):
        actions = rng.uniform(-1, 1, (n, *threaded.action_space.shape)).astype(np.float32)
        obs_t, rew_t, done_t, info_t = threaded.step(actions)
        obs_d, rew_d, done_d, info_d = dummy.step(actions)
        _assert_same(obs_t, obs_d)
        np.testing.assert_array_equal(rew_t, rew_d)
        np.testing.assert_array_equal(done_t, done_d)
        ended |= bool(done_t.any())
        for a, b in zip(info_t, info_d):
            assert a["is_success"] == b["is_success"]
            if "terminal_observation" in b:
                _assert_same(a["terminal_observation"], b["terminal_observation"])
                assert a["TimeLimit.truncated"] == b["TimeLimit.truncated"]
    assert ended, "no episode ended, so resets were not compared"
    threaded.close()
    dummy.close()


def test_threaded_exposes_env_attributes():
    vec = ThreadedVecEnv("robocue/Reach-MuJoCo-v0", 2)
    assert vec.get_attr("observation_layout")[0]["command"] == 16
    assert vec.env_is_wrapped(gym.Wrapper) == [False, False]
    vec.close()
    # Methods and attributes of the robocue env, through Gymnasium's wrappers (the curriculum's hook).
    push = ThreadedVecEnv("robocue/PushGoal-MuJoCo-v0", 2)
    push.env_method("set_goal_range", 0.12)
    assert [task.goal_range for task in push.get_attr("task")] == [0.12, 0.12]
    push.close()
    with pytest.raises(ValueError, match="n_envs=0"):
        ThreadedVecEnv("robocue/Reach-MuJoCo-v0", 0)


def test_vec_env_benchmark_covers_every_kind():
    results = [vec_env_steps_per_second(kind, "robocue/Reach-MuJoCo-v0", 2, steps=40) for kind in VEC_ENV_KINDS]
    assert all(r["steps_per_second"] > 0 and r["steps"] == 40 for r in results)
    table = vec_env_table(results)
    assert all(kind in table for kind in VEC_ENV_KINDS) and "2 envs" in table


def test_training_on_the_threaded_vec_env(tmp_path, tiny_ppo_overrides):
    config = load_config("reach_ppo", tiny_ppo_overrides + ["env.vec_env=threaded", "train.video=false", f"run.dir={tmp_path / 'run'}"])
    result = train(config, log=lambda *a, **k: None)
    assert result.timesteps >= 256 and result.eval["n_episodes"] == 2


def test_threaded_refuses_frame_stacking(tmp_path):
    config = load_config(
        "reach_pixels_film_ppo", ["env.vec_env=threaded", "env.frame_stack=2", f"run.dir={tmp_path / 'run'}", "logging.wandb=disabled"]
    )
    with pytest.raises(ConfigError, match="env.frame_stack"):
        train(config, log=lambda *a, **k: None)
    assert not (tmp_path / "run").exists()
