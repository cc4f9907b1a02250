"""Time to success: periodic evaluation leaves training's random streams alone, stop at target, config checks, compare columns."""

from __future__ import annotations

import contextlib
import csv
import json

import pytest
import torch
from conftest import PPO_PRESET, SAC_PRESET

from robocue.agents import time_to_target
from robocue.agents.agent import read_model_weights
from robocue.agents.compare import compare
from robocue.agents.training import train
from robocue.configs import ConfigError, load_config

QUIET = [
    "train.target_success=null",
    "train.eval_every=0",
    "train.evaluate=false",
    "train.video=false",
    "train.checkpoint_every=0",
    "train.checkpoint_every_seconds=0",
    "logging.tensorboard=false",
]


def _weights(run_dir) -> dict[str, torch.Tensor]:
    return read_model_weights(run_dir / "model.zip")[0]


def _train(tmp_path, name, preset, overrides):
    config = load_config(preset, [*QUIET, *overrides, f"run.dir={tmp_path / name}"])
    return train(config, log=lambda *args, **kwargs: None)


def _evaluations(run_dir) -> list[dict]:
    with open(run_dir / "metrics" / time_to_target.EVALUATIONS_FILE, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("preset", [PPO_PRESET, SAC_PRESET])
def test_periodic_evaluation_does_not_change_training(tmp_path, preset, tiny_overrides, tiny_ppo_overrides):
    """The same seed trains to bit-identical weights with periodic evaluations and without any."""
    overrides = [*tiny_ppo_overrides, "train.timesteps=512"] if preset == PPO_PRESET else tiny_overrides
    plain = _train(tmp_path, "plain", preset, overrides)
    every = 128 if preset == PPO_PRESET else 100  # PPO: one rollout of 2 envs x 64 steps
    evaluated = _train(tmp_path, "evaluated", preset, [*overrides, f"train.eval_every={every}", "train.eval_episodes=2"])
    rows = _evaluations(evaluated.run_dir)
    assert len(rows) >= 2 and [int(row["step"]) for row in rows][:2] == [every, 2 * every]
    assert not (plain.run_dir / "metrics" / time_to_target.EVALUATIONS_FILE).exists()
    assert plain.timesteps == evaluated.timesteps
    first, second = _weights(plain.run_dir), _weights(evaluated.run_dir)
    assert first.keys() == second.keys()
    for key in first:
        assert torch.equal(first[key], second[key]), key
    progress = (evaluated.run_dir / "metrics" / "progress.csv").read_text().splitlines()[0].split(",")
    assert {"eval/success", "eval/return", "eval/step"} <= set(progress)


def test_the_evaluation_would_disturb_training_without_keeping_the_random_state(tmp_path, tiny_ppo_overrides, monkeypatch):
    """The test above can fail: the evaluation seeds torch per episode, and without restoring it PPO samples other actions."""
    monkeypatch.setattr(time_to_target, "random_state_kept", contextlib.nullcontext)
    plain = _train(tmp_path, "plain", PPO_PRESET, tiny_ppo_overrides)
    evaluated = _train(tmp_path, "evaluated", PPO_PRESET, [*tiny_ppo_overrides, "train.eval_every=128", "train.eval_episodes=1"])
    first, second = _weights(plain.run_dir), _weights(evaluated.run_dir)
    assert any(not torch.equal(first[key], second[key]) for key in first)


def _perfect(env, policy, env_id, episodes, seed, progress=True):
    return {"success_rate": 1.0, "mean_return": -1.0}


def test_stop_at_target_stops_and_records_steps_and_seconds(tmp_path, tiny_ppo_overrides, monkeypatch):
    monkeypatch.setattr(time_to_target, "evaluate_policy", _perfect)
    overrides = [*tiny_ppo_overrides, "train.timesteps=1024", "train.target_success=0.9", "train.eval_every=256"]
    overrides.append("train.stop_at_target=true")
    result = _train(tmp_path, "stop", PPO_PRESET, overrides)
    summary = json.loads((result.run_dir / "train.json").read_text())
    assert summary["steps_to_target"] == 256 and summary["target_success"] == 0.9
    assert 0 < summary["seconds_to_target"] <= summary["wall_seconds_to_target"] <= summary["train_seconds"]
    assert summary["cpu_seconds_to_target"] > 0
    assert summary["periodic_evaluations"] == 1 and summary["target_phase"] == "rl"
    assert result.timesteps < 1024  # stopped: the rollout after the evaluation is cut at its first step
    assert len(_evaluations(result.run_dir)) == 1


def test_without_stop_at_target_training_runs_its_budget_and_records_the_first_hit(tmp_path, tiny_ppo_overrides, monkeypatch):
    monkeypatch.setattr(time_to_target, "evaluate_policy", _perfect)
    overrides = [*tiny_ppo_overrides, "train.timesteps=512", "train.target_success=1", "train.eval_every=128"]
    result = _train(tmp_path, "full", PPO_PRESET, overrides)
    summary = json.loads((result.run_dir / "train.json").read_text())
    assert result.timesteps == 512 and summary["steps_to_target"] == 128 and summary["periodic_evaluations"] == 3


def test_a_target_never_reached_is_null(tmp_path, tiny_ppo_overrides, monkeypatch):
    monkeypatch.setattr(time_to_target, "evaluate_policy", lambda *args, **kwargs: {"success_rate": 0.5, "mean_return": -9.0})
    result = _train(tmp_path, "never", PPO_PRESET, [*tiny_ppo_overrides, "train.target_success=0.9", "train.eval_every=128"])
    summary = json.loads((result.run_dir / "train.json").read_text())
    assert summary["steps_to_target"] is None and summary["seconds_to_target"] is None and summary["periodic_evaluations"] == 1


def test_imitation_evaluates_after_each_fit_and_stops_the_dagger_rounds(tmp_path, tiny_ppo_overrides, monkeypatch):
    monkeypatch.setattr(time_to_target, "evaluate_policy", _perfect)
    overrides = [
        *tiny_ppo_overrides,
        "train.timesteps=0",
        "train.imitation.episodes=1",
        "train.imitation.epochs=1",
        "train.imitation.dagger_iterations=3",
        "train.target_success=0.5",
        "train.stop_at_target=true",
    ]
    result = _train(tmp_path, "dagger", PPO_PRESET, overrides)
    summary = json.loads((result.run_dir / "train.json").read_text())
    rows = _evaluations(result.run_dir)
    assert len(rows) == 1 and rows[0]["phase"] == "imitation"  # the cloning fit reached it: no DAgger round ran
    assert summary["target_phase"] == "imitation" and summary["steps_to_target"] == int(rows[0]["step"]) > 0


def test_compare_shows_steps_and_seconds_to_target(tmp_path, tiny_ppo_overrides, monkeypatch):
    monkeypatch.setattr(time_to_target, "evaluate_policy", _perfect)
    overrides = [*tiny_ppo_overrides, "train.target_success=0.9", "train.eval_every=128", "train.evaluate=true", "eval.episodes=1"]
    config = load_config(PPO_PRESET, [*QUIET, *overrides, f"run.dir={tmp_path / 'timed'}"])
    train(config, log=lambda *args, **kwargs: None)
    result = compare([tmp_path / "timed"], out=tmp_path / "cmp")
    header, _, row = result["table"].splitlines()
    assert "steps to target" in header and "seconds to target" in header
    assert "| 0.9 | 1/1 | 128 [128, 128] |" in row
    assert result["summary"]["timed"]["time_to_target"]["reached_runs"] == 1


@pytest.mark.parametrize(
    ("overrides", "needles"),
    [
        (["train.target_success=0"], ["train.target_success", "greater than 0"]),
        (["train.target_success=1.5"], ["train.target_success", "less than or equal to 1"]),
        (["train.target_success=high"], ["train.target_success", "valid number"]),
        (["train.target_success=0.9", "train.eval_every=0"], ["train.eval_every", "> 0"]),
        (["train.eval_every=-5"], ["train.eval_every"]),
        (["train.eval_episodes=0"], ["train.eval_episodes"]),
        (["train.stop_at_target=true", "train.target_success=null"], ["train.stop_at_target", "train.target_success"]),
    ],
)
def test_config_refuses_bad_time_to_target_keys(overrides, needles):
    with pytest.raises(ConfigError) as error:
        load_config(PPO_PRESET, overrides)
    message = str(error.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message, message


def test_imitation_only_needs_no_eval_every():
    config = load_config(PPO_PRESET, ["train.timesteps=0", "train.imitation.episodes=2", "train.target_success=0.9", "train.eval_every=0"])
    assert config.train.target_success == 0.9
