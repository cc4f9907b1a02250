"""scripts/offpolicy_speed.py: bad input is refused before anything trains; a contender is timed as documented."""

from __future__ import annotations

import json

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


def test_the_markdown_table_compares_each_contender_with_reach_sac_of_the_same_sitting(tmp_path, capsys):
    rows = [
        {
            "contender": name,
            "env_id": env,
            "algo": "sac",
            "steps": 100,
            "seconds": 1.0,
            "steps_per_second": sps,
            "gradient_steps_per_second": sps / 2,
            "gradient_steps_per_env_step": 0.5,
            "torch_threads": 1,
        }
        for name, env, sps in (
            ("push_sac_her+train.torch_threads=2", "robocue/PushGoal-MuJoCo-v0", 300.0),
            ("reach_sac", "robocue/Reach-MuJoCo-v0", 100.0),
            ("plain SB3 SAC (defaults, HER)", "robocue/PushGoal-MuJoCo-v0", 50.0),
        )
    ]
    path = tmp_path / "speed.json"
    path.write_text(json.dumps({"command": "x", "rows": rows}))
    assert offpolicy_speed.main(["--markdown", str(path)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[2] == "| `push_sac_her` with `train.torch_threads=2` | PushGoal | 300 | 150 | 0.5 | 1 | 3.00 |"
    assert table[3].endswith("| 1.00 |") and table[4].startswith("| plain SB3 SAC + HER") and table[4].endswith("| 0.50 |")


def test_markdown_of_a_file_that_is_not_its_results_is_refused_with_one_line(tmp_path, capsys):
    path = tmp_path / "notes.json"
    path.write_text('{"rows": [{"contender": "reach_sac"}]}')
    assert offpolicy_speed.main(["--markdown", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is not a results file of this script" in err[0]
