"""The goal-distance curriculum (env.curriculum): the env kwargs it starts from, its widening rule,
what the config refuses, and a tiny training run that logs it."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from robocue.agents.agent import make_env, training_env_kwargs
from robocue.agents.curriculum import GoalCurriculum
from robocue.agents.training import check_runnable, train
from robocue.configs import ConfigError, load_config

PUSH = "push_sac_her"


class _Envs:
    """Stands in for the training VecEnv: records the ranges the callback sets."""

    def __init__(self):
        self.ranges = []

    def env_method(self, name, value):
        assert name == "set_goal_range"
        self.ranges.append(value)


class _Model:
    """Stands in for the SB3 model the callback reads its env, logger and step count from."""

    num_timesteps = 0

    def __init__(self, envs):
        self.envs, self.logger = envs, type("Logger", (), {"record": lambda self, key, value: None})()

    def get_env(self):
        return self.envs


def _callback(**settings) -> tuple[GoalCurriculum, _Envs, list[str]]:
    overrides = [f"env.curriculum.{key}={value}" for key, value in settings.items()]
    lines: list[str] = []
    callback = GoalCurriculum(load_config(PUSH, overrides), log=lines.append)
    envs = _Envs()
    callback.init_callback(_Model(envs))
    callback._on_training_start()
    return callback, envs, lines


def _episodes(callback: GoalCurriculum, outcomes: list[bool]) -> None:
    for success in outcomes:
        callback.locals = {"dones": np.array([True]), "infos": [{"is_success": success}]}
        callback._on_step()


def test_the_range_widens_only_after_a_full_window_of_enough_success():
    callback, envs, lines = _callback(goal_range=0.1, widen_by=0.1, full_range=0.35, advance_at=0.5, window=10)
    assert envs.ranges == [0.1]
    _episodes(callback, [True] * 9)  # the window is not full yet
    assert envs.ranges == [0.1]
    _episodes(callback, [True])
    assert envs.ranges == [0.1, 0.2] and "goals now up to 0.20 m" in lines[-1]
    _episodes(callback, [False] * 6 + [True] * 4)  # 0.4 < 0.5: stays
    assert envs.ranges == [0.1, 0.2]
    _episodes(callback, [True])  # the last 10: 5 of 10, the oldest failure gone
    assert envs.ranges == [0.1, 0.2, 0.3]
    _episodes(callback, [True] * 10)  # 0.4 >= full_range 0.35: the regions' centres
    assert envs.ranges[-1] is None and "the regions' centres" in lines[-1]
    _episodes(callback, [True] * 30)  # and there it stays
    assert envs.ranges[-1] is None and len(envs.ranges) == 4


def test_episodes_that_are_not_over_do_not_count():
    callback, envs, _ = _callback(window=10, advance_at=0.5)
    for _ in range(50):
        callback.locals = {"dones": np.array([False, False]), "infos": [{"is_success": True}, {"is_success": True}]}
        callback._on_step()
    assert envs.ranges == [0.06]


def test_only_training_envs_get_the_curriculum():
    config = load_config(PUSH)
    assert training_env_kwargs(config)["goal_range"] == 0.06 and training_env_kwargs(config)["near_start"] == 0.5
    for for_training, expected in ((True, 0.06), (False, None)):
        env = make_env(config, for_training=for_training)
        assert env.unwrapped.task.goal_range == expected
        env.close()


def test_air_goals_reach_only_pick_and_place_training_envs():
    config = load_config("pick_and_place_sac_her")
    assert training_env_kwargs(config)["air_goals"] == 0.5 and "air_goals" not in training_env_kwargs(load_config(PUSH))
    for for_training, expected in ((True, 0.5), (False, 0.0)):
        env = make_env(config, for_training=for_training)
        assert env.unwrapped.task.air_goals == expected
        env.close()


@pytest.mark.parametrize(
    "overrides, needle",
    [
        (["env.id=robocue/ReachGoal-MuJoCo-v0"], "config key 'env.curriculum' moves goals of push and pick_and_place only"),
        (["env.curriculum.full_range=0.05"], "full_range=0.05 must be larger than goal_range=0.06"),
        (["env.curriculum.air_goals=0.5"], "goals in the air are for pick_and_place"),
        (["algo.learning_starts=100"], r"'algo.learning_starts' is 100, .* at least 400 \(4 env copies x 100 steps\)"),
    ],
)
def test_the_config_refuses_a_curriculum_that_cannot_apply(overrides, needle):
    with pytest.raises(ConfigError, match=needle):
        check_runnable(load_config(PUSH, overrides))


TINY_PUSH = [
    "train.timesteps=1200",
    "train.max_seconds=0",
    "train.eval_every=0",
    "train.target_success=null",
    "train.progress_bar=false",
    "train.checkpoint_every=200",
    "algo.learning_starts=400",
    "algo.buffer_size=2000",
    "algo.batch_size=32",
    "policy.net_arch=[16,16]",
    "eval.episodes=1",
    "train.video=false",
    "logging.wandb=disabled",
]


def test_a_curriculum_run_logs_its_range_and_cannot_resume(tmp_path):
    config = load_config(PUSH, [*TINY_PUSH, f"run.dir={tmp_path / 'run'}"])
    lines: list[str] = []
    result = train(config, log=lines.append)
    with open(result.run_dir / "metrics" / "progress.csv") as handle:
        ranges = [row["curriculum/goal_range"] for row in csv.DictReader(handle)]
    assert ranges and ranges[0] == "0.06"
    # Widening: test_the_range_widens_only_after_a_full_window_of_enough_success (a random policy seldom pushes far enough).
    assert not list((result.run_dir / "checkpoints").glob("resume_*"))
    with pytest.raises(ConfigError, match="a run with env.curriculum cannot resume"):
        train(config, log=lines.append, resume=result.run_dir)
