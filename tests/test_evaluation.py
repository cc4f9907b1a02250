"""Evaluation statistics: the Wilson interval and the eval.json summary."""

from __future__ import annotations

import numpy as np
import pytest

from robocue.agents.evaluation import package_versions, summarize
from robocue.stats import wilson_interval


def test_wilson_all_failures():
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(0.2775, abs=1e-4)


def test_wilson_all_successes():
    low, high = wilson_interval(10, 10)
    assert high == 1.0
    assert low == pytest.approx(0.7225, abs=1e-4)


def test_wilson_half_is_symmetric_around_one_half():
    low, high = wilson_interval(5, 10)
    assert (low + high) / 2 == pytest.approx(0.5)
    assert low == pytest.approx(0.2366, abs=1e-4)
    assert high == pytest.approx(0.7634, abs=1e-4)


def test_wilson_mirror_symmetry():
    for n in (1, 7, 50):
        for k in range(n + 1):
            low, high = wilson_interval(k, n)
            mirror_low, mirror_high = wilson_interval(n - k, n)
            assert low == pytest.approx(1 - mirror_high) and high == pytest.approx(1 - mirror_low)


def test_wilson_bounds_contain_the_rate_and_stay_in_unit_interval():
    for n in (1, 2, 3, 10, 100, 1000):
        for k in range(n + 1):
            low, high = wilson_interval(k, n)
            assert 0.0 <= low <= high <= 1.0, (k, n, low, high)
            assert low - 1e-12 <= k / n <= high + 1e-12, (k, n, low, high)
            if 0 < k < n:
                assert low < k / n < high, (k, n, low, high)


@pytest.mark.parametrize("n", [6, 11, 21, 100])
def test_wilson_interval_contains_all_or_nothing_rates_exactly(n):
    assert wilson_interval(0, n)[0] == 0.0
    assert wilson_interval(n, n)[1] == 1.0


def test_wilson_narrows_with_more_trials():
    widths = [np.subtract(*wilson_interval(n // 2, n)[::-1]) for n in (10, 100, 1000)]
    assert widths[0] > widths[1] > widths[2] > 0


def test_wilson_with_no_trials_is_uninformative():
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_summarize_computes_rate_interval_and_returns():
    episodes = [
        {"seed": 10 + i, "return": float(r), "length": 50, "success": s, "command": {"text": "reach the red cube"}}
        for i, (r, s) in enumerate([(-1.0, True), (-3.0, False), (-2.0, True), (-6.0, True)])
    ]
    result = summarize(episodes, "robocue/Some-v0")
    assert result["env_id"] == "robocue/Some-v0"
    assert result["n_episodes"] == 4
    assert result["success_rate"] == 0.75
    assert result["success_ci"] == list(wilson_interval(3, 4))
    assert result["mean_return"] == pytest.approx(-3.0)
    assert result["std_return"] == pytest.approx(np.std([-1.0, -3.0, -2.0, -6.0]))
    assert result["mean_length"] == 50
    assert result["episodes"] == episodes


def test_package_versions_names_the_stack():
    versions = package_versions()
    for package in ("python", "robocue", "mujoco", "pybullet", "stable-baselines3", "torch", "gymnasium"):
        assert versions.get(package), package


def test_cross_engine_evaluation_uses_the_twin_and_records_both(tmp_path, tiny_ppo_overrides):
    from robocue.agents.evaluation import evaluate_run
    from robocue.agents.training import train
    from robocue.configs import load_config

    run_dir = tmp_path / "run"
    train(load_config("reach_ppo", tiny_ppo_overrides + ["train.video=false", f"run.dir={run_dir}"]), log=lambda *a, **k: None)
    result, path = evaluate_run(run_dir, episodes=2, engine="pybullet", progress=False)
    assert path.name == "eval_pybullet.json"
    assert result["env_id"] == "robocue/Reach-PyBullet-v0"
    assert result["trained_env_id"] == "robocue/Reach-MuJoCo-v0"
    assert (result["trained_engine"], result["eval_engine"]) == ("mujoco", "pybullet")
    same, same_path = evaluate_run(run_dir, episodes=2, engine="mujoco", progress=False)
    assert same_path.name == "eval.json" and same["eval_engine"] == "mujoco"


def test_cross_engine_evaluation_rejects_unknown_engines(tmp_path, tiny_ppo_overrides):
    from robocue.agents.evaluation import evaluate_run
    from robocue.agents.training import train
    from robocue.configs import ConfigError, load_config

    run_dir = tmp_path / "run"
    train(load_config("reach_ppo", tiny_ppo_overrides + ["train.video=false", f"run.dir={run_dir}"]), log=lambda *a, **k: None)
    with pytest.raises(ConfigError, match="--engine 'havok' is not one of: mujoco, pybullet"):
        evaluate_run(run_dir, episodes=1, engine="havok", progress=False)


def test_sampled_evaluation_is_seeded_per_episode_and_says_so(tmp_path, tiny_ppo_overrides):
    """--sample: the policy's actions are drawn, from torch's generator seeded with each
    episode's seed, so the same seeds give the same episodes in any order; eval.json says
    deterministic false, and the default file is eval_sampled.json."""
    from robocue.agents.evaluation import evaluate_run
    from robocue.agents.training import train
    from robocue.configs import load_config

    run_dir = tmp_path / "run"
    train(load_config("reach_ppo", tiny_ppo_overrides + ["train.video=false", f"run.dir={run_dir}"]), log=lambda *a, **k: None)
    mean, _ = evaluate_run(run_dir, episodes=2, seed=5, progress=False)
    first, path = evaluate_run(run_dir, episodes=2, seed=5, sample=True, progress=False)
    assert path.name == "eval_sampled.json" and first["deterministic"] is False and mean["deterministic"] is True
    later, _ = evaluate_run(run_dir, episodes=1, seed=6, sample=True, out=tmp_path / "later.json", progress=False)
    assert later["episodes"][0]["return"] == first["episodes"][1]["return"]
    assert first["episodes"][0]["return"] != mean["episodes"][0]["return"]  # sampled, not the mean action


def test_twin_ids():
    from robocue import envs

    assert envs.twin_id("robocue/PushGoal-MuJoCo-v0", "pybullet") == "robocue/PushGoal-PyBullet-v0"
    assert envs.twin_id("robocue/Maze-PyBullet-v0", "mujoco") == "robocue/Maze-MuJoCo-v0"
    with pytest.raises(ValueError, match="engine 'ode'"):
        envs.twin_id("robocue/Reach-MuJoCo-v0", "ode")


def test_an_acting_model_does_not_warn_about_the_training_batch_size():
    """The default preset's minibatch (512) does not divide one env's rollout (256 steps): PPO warns
    about that at construction, which is moot for a model that only acts (eval, replay, export)."""
    import warnings

    from robocue.agents.agent import build_policy_model, make_env
    from robocue.configs import load_config

    config = load_config("reach_ppo")
    assert config.algo.hyperparameters["n_steps"] % config.algo.hyperparameters["batch_size"] != 0
    env = make_env(config)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model = build_policy_model(config, env, "cpu")
    finally:
        env.close()
    assert model.policy is not None
