"""Resume beyond RL: a run stopped during DAgger continues from its round; a resumed run keeps its wandb run id."""

from __future__ import annotations

import json
import pickle
import signal
import subprocess
import sys

import pytest
import torch
import yaml
from conftest import PPO_PRESET, TINY_PPO_OVERRIDES, flat_schema_config

from robocue.agents import training
from robocue.agents.agent import read_model_weights
from robocue.agents.resume import newest_dagger_round, newest_resume_step, read_dagger_meta
from robocue.agents.tracking import WANDB_RUN_FILE
from robocue.scripts.cli import main

QUIET = ["train.evaluate=false", "train.video=false"]
DAGGER = [
    "train.imitation.episodes=1",
    "train.imitation.epochs=2",
    "train.imitation.dagger_iterations=3",
    "train.imitation.dagger_episodes=1",
    "train.imitation.episode_steps=20",
]


class Crash(Exception):
    """Stands in for SIGKILL: nothing after it runs, nothing is saved on the way out."""


def _dagger_argv(run_dir, timesteps: int) -> list[str]:
    return ["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *QUIET, *DAGGER, f"train.timesteps={timesteps}", f"run.dir={run_dir}"]


@pytest.mark.parametrize("timesteps, flat", [(0, True), (128, False)], ids=["imitation-only, flat config.yaml", "then-rl"])
def test_a_run_stopped_after_a_dagger_round_resumes_from_it(tmp_path, monkeypatch, capsys, timesteps, flat):
    """``flat``: the stopped run's config.yaml as older runs wrote it (flat keys, no train.imitation); --resume reads it."""
    whole, stopped = tmp_path / "whole", tmp_path / "stopped"
    assert main(_dagger_argv(whole, timesteps)) == 0
    real = training.save_dagger_state

    def crash_after_round_1(folder, config, round_, data, model, aux_head=None):
        path = real(folder, config, round_, data, model, aux_head)
        if round_ == 1:
            raise Crash()
        return path

    monkeypatch.setattr(training, "save_dagger_state", crash_after_round_1)
    with pytest.raises(Crash):
        main(_dagger_argv(stopped, timesteps))
    monkeypatch.undo()
    assert newest_dagger_round(stopped) == 1 and newest_resume_step(stopped) is None
    if flat:
        config = stopped / "config.yaml"
        config.write_text(yaml.safe_dump(flat_schema_config(yaml.safe_load(config.read_text())), sort_keys=False))
        assert "bc_episodes: 1" in config.read_text() and "imitation" not in config.read_text()
    capsys.readouterr()
    assert main(["train", "--resume", str(stopped)]) == 0
    out = capsys.readouterr().out
    assert "resumed after cloning and DAgger round 1" in out and "DAgger round 1:" not in out and "DAgger round 3:" in out
    ended, stamp = read_model_weights(stopped / "model.zip")
    reference, reference_stamp = read_model_weights(whole / "model.zip")
    assert stamp["num_timesteps"] == reference_stamp["num_timesteps"] == timesteps
    for key in reference:
        assert torch.equal(ended[key], reference[key]), key
    if timesteps == 0:  # imitation only: the last DAgger state stays; it matches the uninterrupted run's
        meta, reference_meta = read_dagger_meta(stopped), read_dagger_meta(whole)
        assert meta["round"] == reference_meta["round"] == 3
        assert meta["labels"] == reference_meta["labels"] > 20
    else:  # RL's first resume state replaced the DAgger states
        assert newest_dagger_round(stopped) is None and newest_dagger_round(whole) is None
    assert main(["train", "--resume", str(stopped)]) == 2
    assert "that run has finished" in capsys.readouterr().err


# Trains in a child process that SIGKILLs itself once the DAgger state of round 1 is written.
KILLER = """
import os, signal, sys
from robocue.agents import training
from robocue.configs import load_config
save = training.save_dagger_state
def killing(folder, config, round_, *args):
    path = save(folder, config, round_, *args)
    if round_ == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return path
training.save_dagger_state = killing
training.train(load_config(sys.argv[1], sys.argv[2:]))
"""


@pytest.mark.slow
def test_a_dagger_run_killed_with_sigkill_resumes_from_its_round(tmp_path, capsys):
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    assert main(_dagger_argv(whole, 0)) == 0
    child = subprocess.run([sys.executable, "-c", KILLER, *_dagger_argv(killed, 0)[1:]], capture_output=True)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    assert newest_dagger_round(killed) == 1
    assert main(["train", "--resume", str(killed)]) == 0
    ended, reference = read_model_weights(killed / "model.zip")[0], read_model_weights(whole / "model.zip")[0]
    assert all(torch.equal(ended[key], reference[key]) for key in reference)
    assert read_dagger_meta(killed)["labels"] == read_dagger_meta(whole)["labels"]


def test_a_crafted_dagger_state_runs_no_code(tmp_path, capsys):
    class Payload:
        def __reduce__(self):
            return (open, (str(tmp_path / "marker"), "w"))

    run = tmp_path / "run"
    argv = _dagger_argv(run, 0)
    argv.remove("train.imitation.dagger_iterations=3")
    assert main([*argv, "train.imitation.dagger_iterations=1"]) == 0
    state = run / "checkpoints" / "dagger_1.json"
    state.write_text(json.dumps({**json.loads(state.read_text()), "round": 0}))  # as if stopped after round 0 ...
    (run / "checkpoints" / "dagger_1.pt").write_bytes(pickle.dumps(Payload()))  # ... with a crafted .pt
    capsys.readouterr()
    assert main(["train", "--resume", str(run)]) == 2
    err = capsys.readouterr().err.strip()
    assert "DAgger state" in err and "cannot be read" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "marker").exists()


def test_a_resumed_run_keeps_its_wandb_run_id(tmp_path):
    run = tmp_path / "run"
    argv = ["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *QUIET, "train.checkpoint_every=128", "logging.wandb=offline", f"run.dir={run}"]
    assert main(argv) == 0
    run_id = json.loads((run / WANDB_RUN_FILE).read_text())["id"]
    (run / "model.zip").unlink()  # as SIGKILL leaves it: the newest resume state is at step 128
    assert main(["train", "--resume", str(run)]) == 0
    assert json.loads((run / WANDB_RUN_FILE).read_text())["id"] == run_id
    offline = sorted(path.name for path in (run / "wandb").glob("offline-run-*"))
    assert len(offline) == 2 and all(name.endswith(f"-{run_id}") for name in offline), offline
