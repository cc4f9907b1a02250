"""ASHA ranks sweep trials by a periodic evaluation: the score and the report callback (no Ray needed)."""

from __future__ import annotations

import math

import pytest
import torch
from conftest import PPO_PRESET, TINY_PPO_OVERRIDES

from robocue.agents.sweep import ASHA_EVAL_SEED, METRIC, SpecError, TuneReport, load_spec, score
from robocue.agents.training import build_model
from robocue.configs import load_config


def test_score_breaks_ties_by_return_and_never_reorders_success():
    assert score(0.0, -5.0, 5) > score(0.0, -20.0, 5) > score(0.0, -1e9, 5)
    assert score(0.2, -1e9, 5) > score(0.0, 1e9, 5)  # one more success beats any return
    assert score(0.6, -1e6, 5) > score(0.4, 1e6, 5)
    assert abs(score(0.4, 3.0, 5) - 0.4) < 0.5 / 5
    assert score(0.5, math.nan, 2) == 0.5


def test_tune_report_evaluates_on_fixed_scenes_and_leaves_training_rngs(tmp_path):
    config = load_config(PPO_PRESET, [*TINY_PPO_OVERRIDES, f"run.dir={tmp_path / 'run'}"])
    model = build_model(config, "cpu")
    report = TuneReport(100, config, eval_episodes=2)
    report.init_callback(model)
    state = torch.get_rng_state()
    first, second = report.evaluate(), report.evaluate()
    assert torch.equal(torch.get_rng_state(), state)
    assert first == second  # the same scenes (seeds from ASHA_EVAL_SEED) and a deterministic policy
    assert set(first) == {"eval_success", "eval_return", METRIC} and ASHA_EVAL_SEED > 10_000
    assert first[METRIC] == score(first["eval_success"], first["eval_return"], 2)
    report._on_training_end()
    assert report.eval_env is None
    model.get_env().close()


@pytest.mark.parametrize("value", [0.5, True, 5000])
def test_asha_eval_episodes_must_be_a_sane_integer(tmp_path, value):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"preset: reach_ppo\nparams: {{algo.gamma: 0.9}}\nasha: {{eval_episodes: {str(value).lower()}}}\n")
    with pytest.raises(SpecError, match="asha"):
        load_spec(spec)
