"""robocue collect: expert episodes as a Minari dataset, read back by Minari, and cloned into a policy."""

from __future__ import annotations

import shutil

import gymnasium as gym
import minari
import numpy as np
import pytest

from robocue.agents.collect import collect, dataset_id, demonstrations, load_dataset
from robocue.agents.demonstrations import behavior_clone
from robocue.agents.training import build_model
from robocue.configs import ConfigError, load_config
from robocue.scripts.cli import main

REACH = "robocue/Reach-MuJoCo-v0"


@pytest.fixture(scope="module")
def reach_dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("data") / "reach"
    result = collect(REACH, episodes=3, out=out, seed=5, log=lambda *a: None)
    assert result["dataset_id"] == "robocue/reach-mujoco/expert-v0"
    return out, result


def test_minari_reads_the_dataset(reach_dataset):
    out, result = reach_dataset
    dataset = minari.MinariDataset(out / "data")
    assert dataset.total_episodes == 3 and dataset.total_steps == result["steps"]
    assert dataset.observation_space == gym.make(REACH).observation_space
    episode = next(dataset.iterate_episodes())
    assert len(episode.observations) == len(episode.actions) + 1 == len(episode.rewards) + 1
    assert episode.truncations[-1] or episode.terminations[-1]
    assert np.all(np.abs(episode.actions) <= 1.0)
    # The first observation is what reset(seed=5) gives: the dataset holds the seeded episode.
    first, _ = gym.make(REACH).reset(seed=5)
    np.testing.assert_array_equal(episode.observations[0], first)


def test_minari_load_dataset_by_id(reach_dataset, tmp_path, monkeypatch):
    out, result = reach_dataset
    shutil.copytree(out, tmp_path / result["dataset_id"])
    monkeypatch.setenv("MINARI_DATASETS_PATH", str(tmp_path))
    dataset = minari.load_dataset(result["dataset_id"])
    assert dataset.total_episodes == 3


def test_demonstrations_pair_observations_with_actions(reach_dataset):
    demos = demonstrations(load_dataset(reach_dataset[0]))
    assert demos["observations"].shape == (reach_dataset[1]["steps"], 86)
    assert demos["actions"].shape == (reach_dataset[1]["steps"], 3) and demos["actions"].dtype == np.float32


@pytest.mark.slow
def test_cloning_the_dataset_imitates_the_expert(reach_dataset):
    config = load_config("reach_ppo", ["env.n_envs=1", f"train.imitation.dataset={reach_dataset[0]}"])
    model = build_model(config, "cpu")
    demos = demonstrations(load_dataset(reach_dataset[0]))

    def error() -> float:
        predicted, _ = model.predict(demos["observations"], deterministic=True)
        return float(np.mean((predicted - demos["actions"]) ** 2))

    before = error()
    behavior_clone(model, demos, epochs=30, seed=0)
    assert error() < 0.5 * before


def test_dict_observations(tmp_path):
    out = tmp_path / "goal"
    collect("robocue/ReachGoal-MuJoCo-v0", episodes=1, out=out, log=lambda *a: None)
    demos = demonstrations(load_dataset(out))
    assert set(demos["observations"]) == {"observation", "achieved_goal", "desired_goal"}
    assert len(demos["observations"]["observation"]) == len(demos["actions"])


def test_collect_refuses_bad_input_without_writing(tmp_path, capsys):
    assert main(["collect", "--expert", "robocue/Nope-v0", "--episodes", "1", "--out", str(tmp_path / "a")]) == 2
    assert "registered:" in capsys.readouterr().err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    assert main(["collect", "--expert", REACH, "--episodes", "1", "--out", str(tmp_path / "full")]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]  # no dataset, no staging folder


def test_the_imitation_dataset_must_match_the_env(reach_dataset, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["train", "goto_ppo", f"train.imitation.dataset={reach_dataset[0]}", f"run.dir={run}"]) == 2
    assert "differs from this env's" in capsys.readouterr().err
    assert main(["train", "reach_ppo", f"train.imitation.dataset={tmp_path}", f"run.dir={run}"]) == 2
    assert "not a Minari dataset" in capsys.readouterr().err
    assert not run.exists()
    with pytest.raises(ConfigError, match="train.imitation.dataset"):
        load_dataset(tmp_path)


def test_relative_out_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    collect(REACH, episodes=1, out="data/reach", log=lambda *a: None)
    assert minari.MinariDataset(tmp_path / "data" / "reach" / "data").total_episodes == 1
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["reach"]


def test_dataset_id():
    assert dataset_id("robocue/PickAndPlace-PyBullet-v0") == "robocue/pickandplace-pybullet/expert-v0"


@pytest.mark.slow
def test_train_from_a_dataset_by_cloning_only(reach_dataset, tmp_path, capsys):
    run = tmp_path / "run"
    argv = ["train", "reach_ppo", f"train.imitation.dataset={reach_dataset[0]}", "train.timesteps=0", "train.imitation.epochs=5"]
    assert main([*argv, "eval.episodes=2", "train.video=false", "logging.wandb=disabled", f"run.dir={run}"]) == 0
    assert f"cloned {reach_dataset[1]['steps']} steps" in capsys.readouterr().out
    assert (run / "model.zip").is_file() and (run / "eval.json").is_file()
