"""robocue sweep: spec checks, search space, trial naming, summary and best preset; a real 2x2 sweep killed and resumed."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import yaml

from robocue.agents.sweep import (
    BEST_FILE,
    SUMMARY_FILE,
    TRIALS_DIR,
    SpecError,
    load_spec,
    param_space,
    summary_rows,
    trial_name,
    write_best,
)
from robocue.configs import load_config
from robocue.scripts.cli import main

TINY = [
    "train.timesteps=512",
    "env.n_envs=2",
    "algo.n_steps=256",
    "algo.batch_size=128",
    "eval.episodes=2",
    "logging.wandb=disabled",
    "train.checkpoint_every=0",
]


def write_spec(folder, **spec):
    path = folder / "sweep.yaml"
    path.write_text(yaml.safe_dump({"preset": "reach_ppo", "overrides": TINY, "out": str(folder / "out"), **spec}))
    return path


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"params": {"algo.learning_rate": {"grid": [1e-3]}}, "budget": 3}, "key 'budget' is unknown"),
        ({"params": {}}, "'params' must map"),
        ({"params": {"algo.learning_rate": {"normal": [0, 1]}}}, "must be a value or one of"),
        ({"params": {"algo.learning_rate": {"uniform": [1e-3, 1e-4]}}}, "low < high"),
        ({"params": {"algo.learning_rate": {"loguniform": [0, 1e-3]}}}, "needs low > 0"),
        ({"params": {"algo.learning_rte": {"grid": [1e-3]}}}, "algo.learning_rte"),
        ({"params": {"algo.n_epochs": {"grid": [5, "many"]}}}, "algo.n_epochs"),
        ({"params": {"seed": {"grid": [0, 1]}}}, "use 'seeds'"),
        ({"params": {"algo.gamma": 0.9}, "seeds": "1-0"}, "'seeds' must be"),
        ({"params": {"algo.gamma": 0.9}, "samples": 0}, "'samples' must be"),
        ({"params": {"algo.gamma": 0.9}, "asha": {"grace": 5}}, "'asha' must be"),
    ],
)
def test_bad_specs_name_the_key(tmp_path, spec, message):
    with pytest.raises(SpecError, match=message):
        load_spec(write_spec(tmp_path, **spec))
    assert not (tmp_path / "out").exists()


def test_cli_refuses_a_bad_spec_with_exit_2(tmp_path, capsys):
    assert main(["sweep", str(write_spec(tmp_path, params={"algo.nope": {"grid": [1]}}))]) == 2
    assert "algo.nope" in capsys.readouterr().err
    assert main(["sweep", str(tmp_path / "missing.yaml")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_search_space_crosses_grid_and_seeds(tmp_path):
    spec = load_spec(
        write_spec(
            tmp_path,
            params={"algo.learning_rate": {"loguniform": [1e-4, 1e-3]}, "algo.n_epochs": {"grid": [5, 10]}, "algo.gamma": 0.9},
            seeds="0-2",
            samples=3,
        )
    )
    space = param_space(spec)
    assert space["algo.gamma"] == 0.9
    assert space["algo.n_epochs"] == {"grid_search": [5, 10]}
    assert space["seed"] == {"grid_search": [0, 1, 2]}
    assert 1e-4 <= space["algo.learning_rate"].sample() <= 1e-3
    assert spec["out"] == str((tmp_path / "out").resolve())


def test_trial_names_are_stable_and_distinct():
    a = trial_name({"algo.learning_rate": 0.001, "algo.n_epochs": 5, "seed": 0})
    assert a == trial_name({"seed": 0, "algo.n_epochs": 5, "algo.learning_rate": 0.001})  # key order does not matter
    assert a.startswith("learning_rate=0.001__n_epochs=5__seed=0__")
    assert a != trial_name({"algo.learning_rate": 0.001, "algo.n_epochs": 5, "seed": 1})
    assert "/" not in trial_name({"policy.net_arch": [64, 64], "seed": 0})


def test_summary_and_best_from_trial_folders(tmp_path):
    spec = load_spec(write_spec(tmp_path, params={"algo.learning_rate": {"grid": [0.001, 0.01]}}, seeds="0-1"))
    trials = [{"algo.learning_rate": lr, "seed": seed} for lr in (0.001, 0.01) for seed in (0, 1)]
    success = {(0.001, 0): 1.0, (0.001, 1): 0.5, (0.01, 0): 1.0, (0.01, 1): 1.0}
    for params in trials:
        run = tmp_path / "out" / TRIALS_DIR / trial_name(params)
        run.mkdir(parents=True)
        (run / "config.yaml").write_text("seed: 0\n")
        rate = success[(params["algo.learning_rate"], params["seed"])]
        (run / "eval.json").write_text(json.dumps({"success_rate": rate, "success_ci": [0.0, 1.0], "mean_return": -1.0, "n_episodes": 2}))
    rows = summary_rows(spec, [{**t, "extra": 1} for t in trials])
    assert [row["status"] for row in rows] == ["finished"] * 4
    best = write_best(tmp_path / "out" / BEST_FILE, spec, rows)
    assert best["params"] == {"algo.learning_rate": 0.01} and best["success_rate"] == 1.0 and best["seeds"] == [0, 1]
    config = load_config(str(tmp_path / "out" / BEST_FILE))
    assert config.algo.hyperparameters["learning_rate"] == 0.01 and config.train.timesteps == 512
    assert config.train.video  # the trials' no-video default is not part of the preset


@pytest.mark.slow
def test_two_by_two_sweep_killed_midway_resumes(tmp_path):
    spec = write_spec(tmp_path, params={"algo.learning_rate": {"grid": [0.0003, 0.001]}}, seeds="0-1")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "robocue.scripts.cli", "sweep", str(spec), "--max-concurrent", "1"]
    env = {**os.environ, "RAY_DEDUP_LOGS": "0"}
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    deadline = time.time() + 400
    while not list(out.glob(f"{TRIALS_DIR}/*/eval.json")) and time.time() < deadline and first.poll() is None:
        time.sleep(0.5)
    finished = {path.parent.name: path.parent.joinpath("model.zip").stat().st_mtime_ns for path in out.glob(f"{TRIALS_DIR}/*/eval.json")}
    assert finished and first.poll() is None, "the sweep should still be running after its first trial"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert not (out / SUMMARY_FILE).exists()

    second = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "resuming the sweep" in second.stdout
    trials = sorted(path for path in (out / TRIALS_DIR).iterdir())
    assert len(trials) == 4 and all((trial / "eval.json").is_file() and (trial / "curves.png").is_file() for trial in trials)
    for name, mtime in finished.items():  # finished before the kill: not trained again
        assert (out / TRIALS_DIR / name / "model.zip").stat().st_mtime_ns == mtime
    with open(out / SUMMARY_FILE) as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4 and {row["status"] for row in rows} == {"finished"}
    assert {(row["algo.learning_rate"], row["seed"]) for row in rows} == {(lr, s) for lr in ("0.0003", "0.001") for s in ("0", "1")}
    assert load_config(str(out / BEST_FILE)).algo.hyperparameters["learning_rate"] in (0.0003, 0.001)
