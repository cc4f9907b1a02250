"""Adding a task touches only envs/tasks: a toy task, declared in this file and registered
with one call, appears in every table derived from tasks, runs in both engines, is
commanded in words the shipped language encoder understands, and trains with PPO."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from conftest import TINY_PPO_OVERRIDES

from robocue import envs
from robocue.agents.training import train
from robocue.configs import load_config
from robocue.envs.person import PERSON, STANCES
from robocue.envs.tasks import TASKS, ReachTask, table_tasks
from robocue.perception.language import load_default_language_encoder, say


class HoverTask(ReachTask):
    """Hold the tool tip 8 cm above the commanded object (people say "reach" for it)."""

    name = "toy_hover"
    id_name, max_episode_steps = "ToyHover", 30
    hover_height = 0.08

    def desired_goal(self, engine) -> np.ndarray:
        return super().desired_goal(engine) + np.array([0.0, 0.0, self.hover_height])

    def expert_action(self, engine, robot) -> np.ndarray:
        raise NotImplementedError("the toy task has no scripted expert")


@pytest.fixture(scope="module")
def toy_ids():
    ids = envs.register_task(HoverTask)
    yield ids
    TASKS.pop(HoverTask.name)
    for env_id in ids:
        envs.ENV_SPECS.pop(env_id)
        envs.ENV_IDS.remove(env_id)
        gym.registry.pop(env_id)


def test_a_registered_task_gets_ids_in_both_engines_and_every_mode(toy_ids):
    assert len(toy_ids) == len(envs.ENGINE_IDS) * len(envs.OBS_MODES)
    assert {"robocue/ToyHover-MuJoCo-v0", "robocue/ToyHover-PyBullet-v0"} <= set(toy_ids) <= set(envs.ENV_IDS)
    assert envs.TASK_IDS["toy_hover"] == ("ToyHover", 30)
    assert PERSON["toy_hover"] == PERSON["reach"] and STANCES["toy_hover"] == STANCES["reach"]
    assert "toy_hover" in table_tasks()


@pytest.mark.parametrize("engine", ["MuJoCo", "PyBullet"])
def test_the_toy_task_runs_in_both_engines(toy_ids, engine):
    env = gym.make(f"robocue/ToyHover-{engine}-v0")
    try:
        _, info = env.reset(seed=0)
        target = env.unwrapped.task.placed[info["command"]["color"]][1]
        np.testing.assert_allclose(env.unwrapped.task.desired_goal(env.unwrapped.engine), target + [0, 0, 0.08])
        steps, truncated = 0, False
        while not truncated:
            _, _, _, truncated, _ = env.step(env.action_space.sample())
            steps += 1
        assert steps == 30
    finally:
        env.close()


def test_the_toy_task_is_commanded_in_words_the_encoder_understands(toy_ids):
    env = gym.make("robocue/ToyHover-MuJoCo-v0")
    encoder = load_default_language_encoder()
    try:
        for seed in range(5):
            _, info = env.reset(seed=seed)
            command = {key: info["command"][key] for key in ("task", "color", "shape", "destination")}
            sentence = say(command, np.random.default_rng(seed))
            understood = encoder.understand(sentence)
            assert {key: understood[key] for key in ("task", "color", "shape")} == {
                "task": "reach",
                "color": command["color"],
                "shape": understood["shape"] if understood["shape"] is None else command["shape"],
            }, sentence
    finally:
        env.close()


def test_ppo_trains_on_the_toy_task_without_an_expert(toy_ids, tmp_path):
    overrides = [*TINY_PPO_OVERRIDES, "env.id=robocue/ToyHover-MuJoCo-v0", f"run.dir={tmp_path / 'toy'}"]
    overrides += ["train.video=false", "eval.episodes=2"]
    result = train(load_config("reach_ppo", overrides), log=lambda *_: None)
    assert result.timesteps > 0 and result.model_path.is_file()
    assert 0.0 <= result.eval["success_rate"] <= 1.0 and len(result.eval["episodes"]) == 2
