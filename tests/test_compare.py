"""Many seeds and compare: seed lists, bootstrap statistics, summary files and plots, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from robocue.agents.compare import compare, interval_estimates, markdown_table, resolve_group
from robocue.agents.plots import CURVES_FILE, plot_run_curves, read_curve
from robocue.agents.seeds import GROUP_FILE, parse_seeds, seeds_label
from robocue.scripts.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def fake_run(folder, seed: int, success: float, mean_return: float, rows: int = 4):
    """A run folder with what compare reads: config.yaml, eval.json and metrics/progress.csv."""
    folder.mkdir(parents=True)
    (folder / "config.yaml").write_text(yaml.safe_dump({"seed": seed}))
    (folder / "eval.json").write_text(json.dumps({"success_rate": success, "mean_return": mean_return, "n_episodes": 10}))
    (folder / "metrics").mkdir()
    lines = ["time/total_timesteps,time/time_elapsed,rollout/success_rate,rollout/ep_rew_mean"]
    lines += [f"{1000 * (i + 1)},{10 * (i + 1)},{success * i / (rows - 1)},{mean_return - rows + i}" for i in range(rows)]
    (folder / "metrics" / "progress.csv").write_text("\n".join(lines) + "\n")
    return folder


def fake_group(folder, successes, returns):
    folder.mkdir(parents=True)
    names = []
    for seed, (success, mean_return) in enumerate(zip(successes, returns)):
        fake_run(folder / f"seed_{seed}", seed, success, mean_return)
        names.append(f"seed_{seed}")
    (folder / GROUP_FILE).write_text(json.dumps({"seeds": list(range(len(names))), "runs": names}))
    return folder


@pytest.mark.parametrize(
    "text, seeds",
    [("0-4", [0, 1, 2, 3, 4]), ("3", [3]), ("0,3,7", [0, 3, 7]), ("0-2,9", [0, 1, 2, 9]), (" 1 - 2", [1, 2])],
)
def test_parse_seeds(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["", "a", "-1", "4-0", "0-2,1", "1.5", "0--2"])
def test_parse_seeds_refuses(text):
    with pytest.raises(ValueError, match="--seeds"):
        parse_seeds(text)


def test_seeds_label():
    assert seeds_label([0, 1, 2, 3, 4]) == "0-4"
    assert seeds_label([5]) == "5"
    assert seeds_label([0, 3, 7]) == "0_3_7"


def test_interval_estimates_values_and_determinism():
    scores = [1.0, 1.0, 0.9, 0.8, 0.2, 1.0, 0.95, 0.85]
    first, second = interval_estimates(scores), interval_estimates(scores)
    assert first == second  # seeded bootstrap
    ordered = np.sort(scores)
    assert first["iqm"]["value"] == pytest.approx(ordered[2:6].mean())  # the middle half of 8 runs
    assert first["median"]["value"] == pytest.approx(np.median(scores))
    assert first["mean"]["value"] == pytest.approx(np.mean(scores))
    for estimate in first.values():
        low, high = estimate["ci"]
        assert low <= estimate["value"] <= high
        assert low < high
    # The IQM ignores the one bad seed; the mean does not.
    assert first["iqm"]["value"] > first["mean"]["value"]


def test_interval_of_one_run_is_the_point():
    assert interval_estimates([0.5])["iqm"] == {"value": 0.5, "ci": [0.5, 0.5]}


def test_compare_writes_summary_table_and_plots(tmp_path):
    good = fake_group(tmp_path / "good", [1.0, 0.9, 1.0], [-2.0, -3.0, -2.5])
    bad = fake_group(tmp_path / "bad", [0.1, 0.0, 0.3], [-10.0, -12.0, -9.0])
    single = fake_run(tmp_path / "single", 7, 0.5, -5.0)
    report = compare([good, bad, single], tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert list(summary) == ["good", "bad", "single"]
    assert summary["good"]["success_rate"]["mean"]["value"] == pytest.approx(29 / 30)
    assert summary["bad"]["return"]["median"]["value"] == pytest.approx(-10.0)
    assert summary["good"]["success_rate"]["iqm"]["ci"][0] > summary["bad"]["success_rate"]["iqm"]["ci"][1]
    assert [run["seed"] for run in summary["good"]["per_run"]] == [0, 1, 2]
    assert summary["single"]["per_run"][0]["steps"] == 4000
    table = (tmp_path / "out" / "summary.md").read_text()
    assert table.count("\n") == 5 and "| good | 3 |" in table
    assert table.strip() == report["table"]
    for name in ("curves_steps.png", "curves_time.png", "final.png"):
        assert (tmp_path / "out" / name).read_bytes()[:8] == PNG_MAGIC


def test_a_run_still_training_is_listed_but_not_counted(tmp_path):
    group = fake_group(tmp_path / "g", [1.0, 0.5], [-1.0, -2.0])
    (group / "seed_1" / "eval.json").unlink()
    summary = compare([group], tmp_path / "out")["summary"]["g"]
    assert summary["runs"] == 2 and summary["evaluated_runs"] == 1
    assert summary["success_rate"]["mean"]["value"] == 1.0
    assert summary["per_run"][1]["success_rate"] is None and summary["per_run"][1]["steps"] == 4000


def test_markdown_table_shows_intervals():
    estimate = {"value": 0.5, "ci": [0.25, 0.75]}
    row = {"evaluated_runs": 2, "success_rate": dict.fromkeys(("mean", "median", "iqm"), estimate)}
    row["return"] = row["success_rate"]
    assert "| g | 2 | 0.50 [0.25, 0.75] |" in markdown_table({"g": row})


def test_a_folder_of_runs_is_a_group(tmp_path):
    fake_run(tmp_path / "sweep" / "a", 0, 1.0, 0.0)
    fake_run(tmp_path / "sweep" / "b", 1, 1.0, 0.0)
    (tmp_path / "sweep" / "notes").mkdir()
    assert [p.name for p in resolve_group(tmp_path / "sweep")] == ["a", "b"]


def test_compare_refuses_what_is_not_a_run(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="not a run folder"):
        resolve_group(tmp_path / "empty")
    assert main(["compare", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    run = fake_run(tmp_path / "run", 0, 1.0, 0.0)
    (run / "eval.json").unlink()
    assert main(["compare", str(run), "--out", str(tmp_path / "out")]) == 2
    assert "robocue eval" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_run_curves_png(tmp_path):
    run = fake_run(tmp_path / "run", 0, 1.0, -1.0)
    assert len(read_curve(run)) == 4
    assert plot_run_curves(run) == run / CURVES_FILE
    assert (run / CURVES_FILE).read_bytes()[:8] == PNG_MAGIC
    (tmp_path / "nothing").mkdir()
    assert plot_run_curves(tmp_path / "nothing") is None  # imitation-only runs log no rows


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--seeds", "0-x"], "--seeds must be"),
        (["train", "reach_ppo", "--seeds", "0-1", "seed=3"], "set per run by --seeds"),
        (["train", "--parallel", "2"], "--parallel goes with --seeds"),
        (["train", "reach_ppo", "--seeds", "0-1", "train.timsteps=5"], "train.timsteps"),
    ],
)
def test_train_seeds_refuses_bad_input_before_writing(tmp_path, capsys, argv, message):
    assert main([*argv, f"run.dir={tmp_path / 'group'}"]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "group").exists()


@pytest.mark.slow
def test_train_two_seeds_in_parallel(tmp_path, capsys):
    group = tmp_path / "group"
    overrides = ["train.timesteps=1024", "env.n_envs=2", "algo.n_steps=256", "eval.episodes=2", "train.video=false"]
    assert main(["train", "reach_ppo", "--seeds", "0-1", "--parallel", "2", *overrides, "logging.wandb=disabled", f"run.dir={group}"]) == 0
    data = json.loads((group / GROUP_FILE).read_text())
    assert data["seeds"] == [0, 1] and data["runs"] == ["seed_0", "seed_1"]
    for seed in (0, 1):
        run = group / f"seed_{seed}"
        assert yaml.safe_load((run / "config.yaml").read_text())["seed"] == seed
        assert (run / "eval.json").is_file() and (run / CURVES_FILE).is_file()
        assert (group / "logs" / f"seed_{seed}.log").is_file()
    summary = json.loads((group / "compare" / "summary.json").read_text())
    assert summary["group"]["evaluated_runs"] == 2
    assert "| group | 2 |" in capsys.readouterr().out
