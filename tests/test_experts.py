"""`robocue eval --expert` and `robocue replay --expert`: the scripted experts through the CLI."""

from __future__ import annotations

import json

import cv2
import pytest

from robocue.envs import ENV_IDS, ENV_SPECS
from robocue.scripts.cli import main

STATE_IDS = [env_id for env_id in ENV_IDS if ENV_SPECS[env_id]["obs_mode"] == "state"]


@pytest.mark.parametrize("env_id", STATE_IDS)
def test_eval_expert_writes_the_same_eval_json_as_an_agent(env_id, tmp_path):
    out = tmp_path / "expert.json"
    assert main(["eval", "--expert", env_id, "--episodes", "4", "--seed", "3", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["env_id"] == env_id and result["agent"] == f"expert:{env_id}"
    assert [e["seed"] for e in result["episodes"]] == [3, 4, 5, 6]
    assert result["success_rate"] >= 0.75
    low, high = result["success_ci"]
    assert low <= result["success_rate"] <= high


def test_replay_expert_writes_a_video(tmp_path):
    out = tmp_path / "expert.mp4"
    code = main(["replay", "--expert", ENV_IDS[0], "--episodes", "1", "--width", "64", "--height", "48", "--out", str(out)])
    assert code == 0
    capture = cv2.VideoCapture(str(out))
    assert capture.get(cv2.CAP_PROP_FRAME_COUNT) > 0
    assert (capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (64, 48)


@pytest.mark.parametrize("command", ["eval", "replay"])
def test_run_dir_and_expert_are_exclusive(command, tmp_path, capsys):
    assert main([command]) == 2
    assert main([command, str(tmp_path), "--expert", ENV_IDS[0]]) == 2
    assert "either RUN_DIR or --expert" in capsys.readouterr().err


def test_unknown_expert_env_is_a_clear_error(capsys):
    assert main(["eval", "--expert", "robocue/Nope-v0"]) == 2
    assert "registered:" in capsys.readouterr().err
