"""End to end: tiny train -> eval -> replay through the `robocue` CLI, for SAC and PPO."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
import yaml
from conftest import PPO_PRESET, SAC_PRESET, TINY_OVERRIDES, TINY_PPO_OVERRIDES

from robocue import envs
from robocue.scripts import results_table
from robocue.scripts.cli import main

REPO = Path(__file__).resolve().parents[1]
VERSION_KEYS = ("robocue", "mujoco", "pybullet", "stable-baselines3", "torch", "gymnasium")
EPISODE_KEYS = {"seed", "return", "length", "success", "command"}
RUNS = {"sac": (SAC_PRESET, TINY_OVERRIDES), "ppo": (PPO_PRESET, TINY_PPO_OVERRIDES)}


@pytest.fixture(scope="module", params=sorted(RUNS))
def trained_run(request, tmp_path_factory):
    """(algorithm, exit code, run folder) of one tiny training run through `robocue train`."""
    preset, overrides = RUNS[request.param]
    run_dir = tmp_path_factory.mktemp(request.param) / "run"
    code = main(["train", preset, *overrides, f"run.dir={run_dir}"])
    return request.param, code, run_dir


def read_video(path: Path) -> tuple[int, int, int, int]:
    """(frames read, reported frame count, width, height) of a video file."""
    capture = cv2.VideoCapture(str(path))
    assert capture.isOpened(), f"OpenCV cannot open {path}"
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    width, height = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    frames = 0
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        assert frame.shape == (height, width, 3)
        frames += 1
    capture.release()
    return frames, count, width, height


def check_eval(result: dict, episodes: int, env_id: str) -> None:
    rate, (low, high) = result["success_rate"], result["success_ci"]
    assert 0.0 <= low <= rate <= high <= 1.0
    assert len(result["episodes"]) == episodes
    for episode in result["episodes"]:
        assert EPISODE_KEYS <= set(episode)
        assert 1 <= episode["length"] <= envs.ENV_SPECS[env_id]["max_episode_steps"]
        assert isinstance(episode["success"], bool)
        assert {"task", "color", "shape", "text"} <= set(episode["command"])
    assert rate == pytest.approx(sum(e["success"] for e in result["episodes"]) / episodes)
    returns = [e["return"] for e in result["episodes"]]
    assert result["mean_return"] == pytest.approx(sum(returns) / episodes)
    assert result["std_return"] >= 0
    assert result["mean_length"] == pytest.approx(sum(e["length"] for e in result["episodes"]) / episodes)
    assert result["env_id"] == env_id
    for package in VERSION_KEYS:
        assert result["versions"].get(package), package


def test_train_exits_0_and_fills_the_run_folder(trained_run):
    algo, code, run_dir = trained_run
    assert code == 0
    config = yaml.safe_load((run_dir / "config.yaml").read_text())
    assert config["algo"]["name"] == algo and config["run"]["dir"] == str(run_dir)
    assert (run_dir / "model.zip").stat().st_size > 0
    progress = (run_dir / "metrics" / "progress.csv").read_text().splitlines()
    assert len(progress) >= 2 and "time/total_timesteps" in progress[0]
    assert list((run_dir / "metrics").rglob("events.out.tfevents.*"))
    steps = sorted(int(p.stem.split("_")[1]) for p in (run_dir / "checkpoints").glob("step_*.zip"))
    assert steps[0] == 0 and steps[-1] >= 200  # one as learning starts, then every checkpoint_every steps
    videos = list((run_dir / "videos").glob("*.mp4"))
    assert len(videos) == 1
    frames, _, width, height = read_video(videos[0])
    assert frames > 0 and (width, height) == (96, 72)
    assert not list(run_dir.rglob("*.tmp")), "a temporary file was left behind"


def test_train_writes_a_complete_eval_json(trained_run):
    algo, code, run_dir = trained_run
    result = json.loads((run_dir / "eval.json").read_text())
    config = yaml.safe_load((run_dir / "config.yaml").read_text())
    check_eval(result, episodes=2, env_id=config["env"]["id"])
    assert [e["seed"] for e in result["episodes"]] == [config["eval"]["seed"], config["eval"]["seed"] + 1]


def test_eval_command_writes_seeded_episodes(trained_run, tmp_path, capsys):
    algo, code, run_dir = trained_run
    out = tmp_path / "e.json"
    assert main(["eval", str(run_dir), "--episodes", "3", "--seed", "5", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    result = json.loads(out.read_text())
    check_eval(result, episodes=3, env_id=yaml.safe_load((run_dir / "config.yaml").read_text())["env"]["id"])
    assert [e["seed"] for e in result["episodes"]] == [5, 6, 7]
    # A deterministic policy on the same seeds evaluates to the same episodes.
    again = tmp_path / "again.json"
    assert main(["eval", str(run_dir), "--episodes", "3", "--seed", "5", "--out", str(again)]) == 0
    assert json.loads(again.read_text())["episodes"] == result["episodes"]


def test_eval_model_picks_a_checkpoint(trained_run, capsys):
    algo, code, run_dir = trained_run
    checkpoint = sorted((run_dir / "checkpoints").glob("step_*.zip"))[0]
    name = f"checkpoints/{checkpoint.name}"
    assert main(["eval", str(run_dir), "--episodes", "2", "--model", name]) == 0
    out = run_dir / f"eval_{checkpoint.stem}.json"
    assert str(out) in capsys.readouterr().out
    assert json.loads(out.read_text())["model_file"] == name
    assert json.loads((run_dir / "eval.json").read_text())["model_file"] == "model.zip"


def test_eval_model_that_is_not_there_is_a_clear_error(trained_run, capsys):
    algo, code, run_dir = trained_run
    assert main(["eval", str(run_dir), "--model", "checkpoints/step_99.zip"]) == 2
    err = capsys.readouterr().err
    assert "has no checkpoints/step_99.zip" in err and "Traceback" not in err
    assert main(["eval", "--expert", "robocue/Reach-MuJoCo-v0", "--model", "x.zip"]) == 2
    assert "--model" in capsys.readouterr().err


def test_replay_command_writes_a_playable_mp4(trained_run, tmp_path):
    algo, code, run_dir = trained_run
    out = tmp_path / "v.mp4"
    assert main(["replay", str(run_dir), "--episodes", "1", "--out", str(out), "--width", "64", "--height", "48"]) == 0
    frames, count, width, height = read_video(out)
    assert count > 0 and frames > 0
    assert (width, height) == (64, 48)
    assert not list(tmp_path.glob("*.tmp"))


def test_replay_rejects_a_non_mp4_out(trained_run, tmp_path, capsys):
    algo, code, run_dir = trained_run
    assert main(["replay", str(run_dir), "--out", str(tmp_path / "v.avi")]) == 2
    assert capsys.readouterr().err.startswith("robocue replay: error:")
    assert list(tmp_path.iterdir()) == []


def test_train_refuses_to_reuse_a_run_folder(trained_run, capsys):
    algo, code, run_dir = trained_run
    preset, overrides = RUNS[algo]
    before = (run_dir / "config.yaml").read_bytes(), (run_dir / "model.zip").read_bytes()
    assert main(["train", preset, *overrides, f"run.dir={run_dir}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("robocue train: error:") and "already holds a run" in err
    assert ((run_dir / "config.yaml").read_bytes(), (run_dir / "model.zip").read_bytes()) == before


def subprocess_env(**extra) -> dict:
    env = {**os.environ, "MUJOCO_GL": os.environ.get("MUJOCO_GL", "egl"), "WANDB_SILENT": "true", **extra}
    return env


def test_train_script_runs_as_a_subprocess(tmp_path):
    run_dir = tmp_path / "script_run"
    completed = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "train.py"), SAC_PRESET, *TINY_OVERRIDES, f"run.dir={run_dir}"],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert (run_dir / "model.zip").is_file() and (run_dir / "eval.json").is_file()
    assert str(run_dir) in completed.stdout
    assert not (tmp_path / "runs").exists()  # run.dir wins over run.root


def test_wandb_offline_run_writes_a_wandb_folder_without_the_network(tmp_path):
    """logging.wandb=offline logs locally; wandb's server and any proxy point at a closed local port."""
    run_dir = tmp_path / "wandb_run"
    overrides = [o for o in TINY_OVERRIDES if not o.startswith("logging.wandb")] + ["logging.wandb=offline"]
    closed = "http://127.0.0.1:9"
    completed = subprocess.run(
        [sys.executable, "-m", "robocue.scripts.cli", "train", SAC_PRESET, *overrides, f"run.dir={run_dir}"],
        cwd=tmp_path,
        env=subprocess_env(
            WANDB_MODE="offline",
            WANDB_BASE_URL=closed,
            WANDB_API_KEY="",
            HTTP_PROXY=closed,
            HTTPS_PROXY=closed,
            http_proxy=closed,
            https_proxy=closed,
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert (run_dir / "model.zip").is_file()
    wandb_dir = run_dir / "wandb"
    assert wandb_dir.is_dir()
    offline_runs = list(wandb_dir.glob("offline-run-*"))
    assert offline_runs, sorted(p.name for p in wandb_dir.iterdir())
    assert list(offline_runs[0].glob("*.wandb")), "the offline run holds no data file"


def test_render_mode_in_env_kwargs_is_rejected_up_front_or_works(tmp_path, capsys):
    run_dir = tmp_path / "run"
    code = main(
        [
            "train",
            SAC_PRESET,
            *TINY_OVERRIDES,
            "train.timesteps=100",
            "env.kwargs.render_mode=rgb_array",
            f"run.dir={run_dir}",
        ]
    )
    if code == 2:
        assert capsys.readouterr().err.startswith("robocue train: error:")
        assert not run_dir.exists()
    else:
        assert code == 0
        assert (run_dir / "eval.json").is_file()


def test_pixel_env_trains_with_the_combined_extractor(tmp_path, tiny_ppo_overrides):
    """A pixel preset runs end to end: MultiInputPolicy with NatureCNN on 84x84 frames plus the command."""
    run_dir = tmp_path / "pixels"
    code = main(
        [
            "train",
            "reach_pixels_ppo",
            *tiny_ppo_overrides,
            "algo.n_epochs=1",
            "policy.net_arch=[32]",
            "train.torch_threads=0",
            f"run.dir={run_dir}",
        ]
    )
    assert code == 0
    result = json.loads((run_dir / "eval.json").read_text())
    assert result["env_id"] == "robocue/ReachPixels-MuJoCo-v0" and result["n_episodes"] == 2
    assert list((run_dir / "videos").glob("*.mp4"))


def test_train_writes_train_json_that_the_results_table_reads(trained_run):
    """train.json records the training wall time and machine; docs/results.md is built from it."""
    algo, code, run_dir = trained_run
    summary = json.loads((run_dir / "train.json").read_text())
    assert summary["timesteps"] > 0 and summary["train_seconds"] > 0
    assert summary["machine"]["cpu_count"] >= 1 and summary["machine"]["description"]
    # Other tests here evaluate the run again (other engine, checkpoints); eval.json's row has no `robocue eval`.
    (row,) = [row for row in results_table.run_rows(run_dir) if "robocue eval" not in row.reproduce]
    assert row.wall_seconds == summary["train_seconds"] and row.machine == summary["machine"]["description"]
    assert row.preset == f"reach_{algo}" and row.reproduce.startswith(f"robocue train reach_{algo} ")
