"""Exact resume: a run killed with SIGKILL and resumed ends with the uninterrupted run's weights, bit for bit."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
import torch
from conftest import HER_OVERRIDES, PPO_PRESET, SAC_PRESET, TINY_OVERRIDES, TINY_PPO_OVERRIDES

from robocue.agents.agent import read_model_weights
from robocue.agents.resume import newest_resume_step
from robocue.scripts.cli import main

QUIET = ["train.evaluate=false", "train.video=false"]
RUNS = {
    "ppo": (PPO_PRESET, [*TINY_PPO_OVERRIDES, *QUIET, "train.timesteps=512", "train.checkpoint_every=128"], 300, 256),
    "sac": (SAC_PRESET, [*TINY_OVERRIDES, *QUIET, "train.checkpoint_every=100"], 250, 200),
    # TQC with hindsight relabelling on two env copies: the HER buffer's episode bookkeeping resumes too.
    "tqc_her": (
        SAC_PRESET,
        [*TINY_OVERRIDES, *QUIET, *HER_OVERRIDES, "env.n_envs=2", "train.timesteps=400", "train.checkpoint_every=100"],
        330,
        300,
    ),
    # SAC with hindsight relabelling from the replay buffer kept in tensors (agents/her_buffer.py)
    "sac_her_device_buffer": (
        SAC_PRESET,
        [
            *TINY_OVERRIDES,
            *QUIET,
            *HER_OVERRIDES,
            "algo.name=sac",
            "algo.her.device_buffer=true",
            "env.n_envs=2",
            "train.timesteps=400",
            "train.checkpoint_every=100",
        ],  # fmt: skip
        330,
        300,
    ),
}
# Trains in a child process that SIGKILLs itself at the first step at or past KILL_AT.
KILLER = """
import os, signal, sys
from robocue.agents import training
from robocue.configs import load_config
kill_at, preset, overrides = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
on_step = training.CheckpointEvery._on_step
def killing(self):
    if self.num_timesteps >= kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    return on_step(self)
training.CheckpointEvery._on_step = killing
training.train(load_config(preset, overrides))
"""


@pytest.mark.slow
@pytest.mark.parametrize("algo", sorted(RUNS))
def test_a_killed_run_resumes_bit_for_bit(tmp_path, algo, capsys):
    preset, overrides, kill_at, resume_step = RUNS[algo]
    assert main(["train", preset, *overrides, f"run.dir={tmp_path / 'whole'}"]) == 0
    killed = tmp_path / "killed"
    child = subprocess.run([sys.executable, "-c", KILLER, str(kill_at), preset, *overrides, f"run.dir={killed}"], capture_output=True)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    assert not (killed / "model.zip").exists() and newest_resume_step(killed) == resume_step
    capsys.readouterr()
    assert main(["train", "--resume", str(killed)]) == 0
    assert f"resumed at step {resume_step}" in capsys.readouterr().out
    whole, _ = read_model_weights(tmp_path / "whole" / "model.zip")
    resumed, stamp = read_model_weights(killed / "model.zip")
    assert stamp["num_timesteps"] == read_model_weights(tmp_path / "whole" / "model.zip")[1]["num_timesteps"]
    assert whole.keys() == resumed.keys()
    for key in whole:
        assert torch.equal(whole[key], resumed[key]), key
    assert (killed / "metrics" / f"progress_until_{resume_step}.csv").is_file()


def test_resume_needs_a_resume_state(tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *QUIET, "train.checkpoint_every=0", "train.checkpoint_every_seconds=0",
                 f"run.dir={run}"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["train", "--resume", str(run)]) == 2
    assert "that run has finished (256 steps)" in capsys.readouterr().err
    (run / "model.zip").unlink()  # as SIGKILL leaves it
    assert main(["train", "--resume", str(run)]) == 2
    assert "no complete checkpoints/resume_<N>.json" in capsys.readouterr().err
    assert main(["train", "--resume", str(run), "seed=3"]) == 2
    assert "give no preset or overrides" in capsys.readouterr().err


def test_a_crafted_resume_state_runs_no_code(tmp_path, capsys):
    import pickle

    class Payload:
        def __reduce__(self):
            return (open, (str(tmp_path / "marker"), "w"))

    run = tmp_path / "run"
    assert main(["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *QUIET, f"run.dir={run}"]) == 0
    step = newest_resume_step(run)
    (run / "checkpoints" / f"resume_{step}.pt").write_bytes(pickle.dumps(Payload()))
    (run / "model.zip").unlink()
    capsys.readouterr()
    assert main(["train", "--resume", str(run)]) == 2
    err = capsys.readouterr().err.strip()
    assert "cannot be read" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "marker").exists()
