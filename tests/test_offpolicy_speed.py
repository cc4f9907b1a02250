"""scripts/offpolicy_speed.py: bad input is refused before anything trains; a contender is timed as documented."""

from __future__ import annotations

from conftest import HER_OVERRIDES, SAC_PRESET, TINY_OVERRIDES

from robocue.configs import load_config
from robocue.scripts import offpolicy_speed


def test_an_on_policy_preset_is_refused_with_one_line(capsys):
    assert offpolicy_speed.main(["--preset", "reach_ppo", "--no-plain", "--steps", "100"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "trains ppo" in err[0]


def test_an_unknown_override_is_refused_with_one_line(capsys):
    assert offpolicy_speed.main(["--preset", "reach_sac_her+algo.bogus=1", "--no-plain"]) == 2
    assert "'algo.bogus'" in capsys.readouterr().err


def test_a_contender_reports_its_gradient_steps_per_env_step():
    from robocue.agents.training import build_model

    overrides = (
        [o for o in TINY_OVERRIDES if not o.startswith("train.")]
        + HER_OVERRIDES
        + ["algo.gradient_steps=2", "env.n_envs=4", "algo.learning_starts=400"]
    )
    config = load_config(SAC_PRESET, overrides)
    row = offpolicy_speed._timed(build_model(config, "cpu"), 200)
    # reach_sac's train_freq=2 with 4 copies: one collection is 8 env steps, then 2 gradient steps
    assert row["steps"] == 200 and row["gradient_steps_per_env_step"] == 0.25
    assert row["steps_per_second"] > 0 and row["seconds"] > 0
