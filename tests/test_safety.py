"""Safety on hostile input: loading runs no code, writing never clobbers, stopping keeps the model."""

from __future__ import annotations

import base64
import json
import os
import pickle
import shutil
import signal
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import PPO_PRESET, SAC_PRESET, TINY_OVERRIDES, TINY_PPO_OVERRIDES

from robocue.agents.agent import Agent, newest_checkpoint, read_model_weights
from robocue.agents.runs import STAMP_FILE
from robocue.scripts.cli import main

NO_EXTRAS = ["train.evaluate=false", "train.video=false", "train.checkpoint_every=0"]


@pytest.fixture(scope="module")
def ppo_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("safety") / "ppo"
    assert main(["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS, "train.checkpoint_every=128", f"run.dir={run_dir}"]) == 0
    return run_dir


@pytest.fixture(scope="module")
def sac_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("safety") / "sac"
    assert main(["train", SAC_PRESET, *TINY_OVERRIDES, *NO_EXTRAS, f"run.dir={run_dir}"]) == 0
    return run_dir


class _WritesMarker:
    """Unpickling this creates the file ``path``: the stand-in for a stranger's code."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _payload(marker: Path) -> bytes:
    return pickle.dumps(_WritesMarker(marker))


def craft_zip(source: Path, target: Path, marker: Path, weights: str = "crafted", stamp: dict | None = None) -> Path:
    """A copy of ``source`` (an SB3 zip) whose ``data`` carries a payload that writes ``marker``
    when unpickled; ``weights``: crafted (policy.pth is a payload too), real, or none."""
    with zipfile.ZipFile(source) as archive:
        entries = {name: archive.read(name) for name in archive.namelist() if name != STAMP_FILE}
    data = json.loads(entries["data"])
    data["observation_space"] = {
        ":type:": "<class 'gymnasium.spaces.box.Box'>",
        ":serialized:": base64.b64encode(_payload(marker)).decode(),
    }
    entries["data"] = json.dumps(data).encode()
    if weights == "crafted":
        entries["policy.pth"] = _payload(marker)
    elif weights == "none":
        del entries["policy.pth"]
    if stamp is not None:
        entries[STAMP_FILE] = json.dumps(stamp).encode()
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        for name, blob in entries.items():
            archive.writestr(name, blob)
    return target


def crafted_run(run: Path, folder: Path, marker: Path, **kwargs) -> Path:
    """A copy of the run folder ``run`` whose model.zip is crafted."""
    shutil.copytree(run, folder)
    craft_zip(run / "model.zip", folder / "model.zip", marker, **kwargs)
    return folder


def test_the_crafted_payload_does_run_when_unpickled(ppo_run, tmp_path):
    """The test zips are live: SB3's own loader runs their code (so the tests below can fail)."""
    from stable_baselines3 import PPO

    marker = tmp_path / "marker"
    path = craft_zip(ppo_run / "model.zip", tmp_path / "evil.zip", marker, weights="real")
    try:
        PPO.load(path)
    except Exception:
        pass  # the payload is no space; SB3 fails after unpickling it
    assert marker.exists()


def _one_line_exit_2(capsys, argv: list[str], *needles: str) -> str:
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.mark.parametrize("command", ["eval", "replay", "command", "init_from", "teacher", "eval-checkpoint"])
def test_a_crafted_model_runs_no_code_anywhere(ppo_run, tmp_path, capsys, command):
    marker = tmp_path / "marker"
    run = crafted_run(ppo_run, tmp_path / "evil", marker)
    never = tmp_path / "never"
    argv = {
        "eval": ["eval", str(run), "--episodes", "1"],
        "eval-checkpoint": ["eval", str(run), "--model", "model.zip", "--episodes", "1"],
        "replay": ["replay", str(run), "--episodes", "1"],
        "command": ["command", str(run), "--say", "touch the red ball"],
        "init_from": ["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS, f"train.init_from={run}", f"run.dir={never}"],
        "teacher": [
            "train",
            PPO_PRESET,
            *TINY_PPO_OVERRIDES,
            *NO_EXTRAS,
            "train.timesteps=0",
            "train.imitation.episodes=1",
            f"train.imitation.teacher={run}",
            f"run.dir={never}",
        ],  # fmt: skip
    }[command]
    _one_line_exit_2(capsys, argv, "not plain weights")
    assert not marker.exists()
    assert not never.exists()


def test_crafted_data_with_real_weights_loads_as_weights_only(ppo_run, tmp_path, capsys):
    """An unstamped zip (as runs saved before the stamp are) loads its weights; its data never runs."""
    marker = tmp_path / "marker"
    run = crafted_run(ppo_run, tmp_path / "evil", marker, weights="real")
    assert main(["eval", str(run), "--episodes", "1"]) == 0
    assert not marker.exists()
    for key, value in Agent.load(run).model.policy.state_dict().items():
        assert torch.equal(value, Agent.load(ppo_run).model.policy.state_dict()[key])


def test_a_model_of_another_env_is_refused(ppo_run, tmp_path, capsys):
    marker = tmp_path / "marker"
    stamp = {"format": 1, "env_id": "robocue/Push-MuJoCo-v0", "algo": "ppo"}
    run = crafted_run(ppo_run, tmp_path / "push", marker, weights="real", stamp=stamp)
    _one_line_exit_2(capsys, ["eval", str(run)], "trained on robocue/Push-MuJoCo-v0", "robocue/Reach-MuJoCo-v0")
    assert not marker.exists()


def test_models_are_stamped_with_env_and_algorithm(ppo_run):
    weights, stamp = read_model_weights(ppo_run / "model.zip")
    assert stamp["env_id"] == "robocue/Reach-MuJoCo-v0" and stamp["algo"] == "ppo" and stamp["num_timesteps"] == 256
    assert all(isinstance(value, torch.Tensor) for value in weights.values())


@pytest.mark.parametrize("algo", ["ppo", "sac"])
def test_loaded_agents_act_as_sb3_loaded_ones(ppo_run, sac_run, algo):
    from stable_baselines3 import PPO, SAC

    run = ppo_run if algo == "ppo" else sac_run
    agent, reference = Agent.load(run, device="cpu"), {"ppo": PPO, "sac": SAC}[algo].load(run / "model.zip", device="cpu")
    env = agent.make_env()
    observation, _ = env.reset(seed=3)
    for _ in range(5):
        action = agent.act(observation)
        assert (action == reference.predict(observation, deterministic=True)[0]).all()
        observation, *_ = env.step(action)
    env.close()


def test_a_crafted_encoder_file_is_refused(ppo_run, tmp_path, capsys):
    marker = tmp_path / "marker"
    run = tmp_path / "run"
    shutil.copytree(ppo_run, run)
    (run / "language_encoder.pt").write_bytes(_payload(marker))
    _one_line_exit_2(capsys, ["eval", str(run), "--episodes", "1"], "language_encoder.pt", "not a plain weights file")
    _one_line_exit_2(capsys, ["understand", "red ball", "--run", str(run)], "not a plain weights file")
    assert not marker.exists()


def test_a_zip_without_config_needs_trust_pickle(ppo_run, tmp_path, capsys):
    foreign = tmp_path / "foreign.zip"
    shutil.copy(ppo_run / "model.zip", foreign)
    _one_line_exit_2(capsys, ["eval", str(foreign)], "--trust-pickle")
    out = tmp_path / "out.json"
    argv = ["eval", str(foreign), "--trust-pickle", "--env-id", "robocue/Reach-MuJoCo-v0", "--episodes", "1", "--out", str(out)]
    assert main(argv) == 0
    assert json.loads(out.read_text())["n_episodes"] == 1


def test_a_truncated_or_foreign_file_is_one_line(ppo_run, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(ppo_run, run)
    (run / "model.zip").write_bytes(b"PK\x03\x04 not really a zip")
    _one_line_exit_2(capsys, ["eval", str(run)], "not a readable model zip")
    with zipfile.ZipFile(run / "model.zip", "w") as archive:
        archive.writestr("data", "{}")
    _one_line_exit_2(capsys, ["eval", str(run)], "no policy.pth")


def test_a_model_of_another_algorithm_is_refused(ppo_run, sac_run, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(ppo_run, run)
    shutil.copy(sac_run / "model.zip", run / "model.zip")
    _one_line_exit_2(capsys, ["eval", str(run)], "sac model", "algo.name=ppo")


# --- stopping ---------------------------------------------------------------------------------
def test_a_run_without_model_falls_back_to_its_newest_checkpoint(ppo_run, tmp_path, capsys):
    run = tmp_path / "killed"
    shutil.copytree(ppo_run, run)
    (run / "model.zip").unlink()
    assert newest_checkpoint(run).name == "step_256.zip"
    assert main(["eval", str(run), "--episodes", "1"]) == 0
    assert "using its newest checkpoint checkpoints/step_256.zip" in capsys.readouterr().err
    tuned = tmp_path / "tuned"
    argv = ["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS, f"train.init_from={run}", "train.max_seconds=1e-9", f"run.dir={tuned}"]
    assert main(argv) == 0
    assert "checkpoints/step_256.zip" in capsys.readouterr().out


def test_a_run_without_any_model_is_one_line(ppo_run, tmp_path, capsys):
    run = tmp_path / "empty"
    run.mkdir()
    shutil.copy(ppo_run / "config.yaml", run)
    _one_line_exit_2(capsys, ["eval", str(run)], "no model.zip and no checkpoints")


def test_wall_time_checkpoints(tmp_path):
    from robocue.agents.training import train
    from robocue.configs import load_config

    config = load_config(
        PPO_PRESET, [*TINY_PPO_OVERRIDES, *NO_EXTRAS, "train.checkpoint_every_seconds=1e-9", f"run.dir={tmp_path / 'run'}"]
    )
    train(config, log=lambda *a, **k: None)
    saved = sorted((tmp_path / "run" / "checkpoints").glob("step_*.zip"))
    assert len(saved) >= 128  # every step of the 256 (2 envs) passes the tiny interval


@pytest.mark.slow
def test_sigterm_saves_the_model_and_exits_143(tmp_path):
    run = tmp_path / "run"
    argv = [sys.executable, "-m", "robocue.scripts.cli", "train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS,
            "train.timesteps=10000000", f"run.dir={run}"]  # fmt: skip
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:
            if line.startswith("training PPO"):
                break
        import time

        time.sleep(3)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 143, err
    assert "SIGTERM: stopped at step" in err
    assert main(["eval", str(run), "--episodes", "1"]) == 0


# --- writing ----------------------------------------------------------------------------------
def test_atomic_writes_keep_the_umask_permissions(tmp_path):
    from robocue.files import write_json

    previous = os.umask(0o022)
    try:
        write_json(tmp_path / "a.json", {"a": 1})
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o644


def _special_paths(tmp_path: Path, suffix: str) -> dict[str, Path]:
    fifo = tmp_path / f"fifo{suffix}"
    os.mkfifo(fifo)
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    target = tmp_path / "target.json"
    target.write_text("keep me")
    link = tmp_path / f"link{suffix}"
    link.symlink_to(target)
    return {"fifo": fifo, "folder": folder, "symlink": link, "device": Path("/dev/null")}


@pytest.mark.parametrize("kind", ["fifo", "folder", "symlink", "device"])
@pytest.mark.parametrize("command", ["eval", "replay"])
def test_out_refuses_what_is_not_a_regular_file(ppo_run, tmp_path, capsys, monkeypatch, kind, command):
    import robocue.agents.evaluation

    def no_episodes(*args, **kwargs):
        raise AssertionError("an episode ran")

    monkeypatch.setattr(robocue.agents.evaluation, "run_episode", no_episodes)
    monkeypatch.setattr(robocue.agents.replay, "run_episode", no_episodes)
    path = _special_paths(tmp_path, ".json" if command == "eval" else ".mp4")[kind]
    before = os.lstat(path)
    _one_line_exit_2(capsys, [command, str(ppo_run), "--out", str(path)])
    after = os.lstat(path)
    assert (before.st_mode, before.st_ino, before.st_size) == (after.st_mode, after.st_ino, after.st_size)
    assert (tmp_path / "target.json").read_text() == "keep me"


def test_out_in_a_read_only_folder_is_refused_up_front(ppo_run, tmp_path, capsys, monkeypatch):
    import robocue.agents.evaluation

    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    monkeypatch.setattr(robocue.agents.evaluation, "run_episode", lambda *a, **k: pytest.fail("an episode ran"))
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    _one_line_exit_2(capsys, ["eval", str(ppo_run), "--out", str(folder / "eval.json")], "not writable")


def test_a_non_empty_run_dir_is_refused(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    _one_line_exit_2(capsys, ["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS, f"run.dir={tmp_path}"], "run.dir", "not empty")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_default_run_names_never_collide(tmp_path):
    from robocue.agents.runs import create_run_dir
    from robocue.configs import load_config

    config = load_config(PPO_PRESET, [f"run.root={tmp_path}"])
    folders = {create_run_dir(config) for _ in range(3)}  # within one second: the same time stamp
    assert len(folders) == 3 and all(folder.is_dir() for folder in folders)


# --- everything checked before anything is written ----------------------------------------------
@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("algo.learning_rate=-1", "algo.learning_rate"),
        ("algo.batch_size=0", "algo.batch_size"),
        ("policy.net_arch=[-4]", "policy.net_arch"),
        ("algo.gamma=.nan", "algo.gamma"),
        ("seed=4294967296", "seed"),
        ("algo.n_steps=1e9", "algo.n_steps"),
        ("algo.n_steps=1000000000", "algo.n_steps"),
        ("env.n_envs=100000", "env.n_envs"),
        ("train.max_seconds=.inf", "train.max_seconds"),
        ("algo.clip_range=0", "algo.clip_range"),
    ],
)
def test_bad_configs_stop_with_one_line_and_no_folder(tmp_path, capsys, override, key):
    run_dir = tmp_path / "never"
    _one_line_exit_2(capsys, ["train", PPO_PRESET, override, f"run.dir={run_dir}"], f"'{key}")
    assert not run_dir.exists()


def test_a_config_that_sb3_cannot_build_stops_before_the_folder(tmp_path, capsys):
    run_dir = tmp_path / "never"
    argv = ["train", SAC_PRESET, "algo.ent_coef=auto_x", f"run.dir={run_dir}"]  # SB3 parses ent_coef when it builds
    _one_line_exit_2(capsys, argv, "config keys 'algo' and 'policy'")
    assert not run_dir.exists()


def test_config_files_that_are_not_yaml_files_are_one_line(tmp_path, capsys):
    _one_line_exit_2(capsys, ["train", str(tmp_path)], "is a folder")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage\x80")
    _one_line_exit_2(capsys, ["train", str(binary)], str(binary), "not text")


def test_a_gesture_file_claiming_a_huge_array_is_refused_before_loading(tmp_path, capsys):
    path = tmp_path / "huge.npy"
    header = {"descr": "<f4", "fortran_order": False, "shape": (1_000_000_000, 21, 3)}  # ~252 GB
    with open(path, "wb") as handle:
        np.lib.format.write_array_header_1_0(handle, header)
    _one_line_exit_2(capsys, ["understand", "--gesture", str(path)], "claims 1000000000 frames")


def test_os_errors_are_one_line(tmp_path, capsys):
    _one_line_exit_2(capsys, ["bench", "--env", "robocue/Reach-MuJoCo-v0", "--steps", "1", "--render-steps", "0",
                              "--out", str(tmp_path / "missing" / "x" / "..")])  # fmt: skip
