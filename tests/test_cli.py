"""The `robocue` command line: help texts and the env listing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

import robocue
from robocue import envs
from robocue.configs import list_presets
from robocue.scripts.cli import COMMANDS, main


def run_help(argv, capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_top_level_help_lists_commands_and_an_example(capsys):
    out = run_help(["--help"], capsys)
    assert "example" in out.lower()
    for command in COMMANDS:
        assert command in out


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_subcommand_help_mentions_an_example(command, capsys):
    out = run_help([command, "--help"], capsys)
    assert "example" in out.lower()
    assert f"robocue {command}" in out


def test_train_help_lists_the_presets(capsys):
    out = run_help(["train", "--help"], capsys)
    for preset in list_presets():
        assert preset in out


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["eval", "somewhere", "--episodes", "0"], ["replay", "somewhere", "--seed", "-1"]])
def test_bad_numbers_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "must be a" in capsys.readouterr().err


def test_envs_lists_every_registered_id(capsys):
    assert main(["envs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    listed = {line.split()[0] for line in lines[1:] if line.strip()}
    assert listed == set(envs.ENV_IDS)
    for env_id in envs.ENV_IDS:
        row = next(line for line in lines if line.split()[0] == env_id)
        assert envs.ENV_SPECS[env_id]["task"] in row.split()
        assert str(envs.ENV_SPECS[env_id]["max_episode_steps"]) in row.split()


def test_installed_console_script_runs(tmp_path):
    """The `robocue` entry point installed next to this Python lists the envs."""
    script = shutil.which("robocue", path=os.path.dirname(sys.executable)) or shutil.which("robocue")
    if script is None:
        pytest.skip("the robocue console script is not installed")
    completed = subprocess.run([script, "envs"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    for env_id in envs.ENV_IDS:
        assert env_id in completed.stdout


def test_version_flag_prints_the_installed_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"robocue {robocue.__version__}"


def test_robocue_installs_one_import_name_and_no_generic_top_level_ones(tmp_path):
    script = (
        "import importlib.util, gymnasium as gym\n"
        "generic = [n for n in ('agents', 'envs', 'configs', 'scripts', 'policies', 'perception') if importlib.util.find_spec(n)]\n"
        "assert not generic, generic\n"
        "env = gym.make('robocue.envs:robocue/Reach-MuJoCo-v0')\n"
        "print(env.reset(seed=0)[0].shape)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_eval_reads_a_run_folder_with_the_flat_config_of_older_runs(tmp_path, capsys):
    """A run folder whose config.yaml has the flat keys (train.bc_episodes, policy.attention_key, ...)
    evaluates; the same file given to `robocue train` stops with the key's new name."""
    import yaml
    from conftest import PPO_PRESET, TINY_PPO_OVERRIDES, flat_schema_config

    run = tmp_path / "run"
    imitation = ["train.timesteps=0", "train.imitation.episodes=1", "train.imitation.epochs=1", "policy.attention.key=fields"]
    assert main(["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *imitation, "train.evaluate=false", "train.video=false", f"run.dir={run}"]) == 0
    config = run / "config.yaml"
    config.write_text(yaml.safe_dump(flat_schema_config(yaml.safe_load(config.read_text())), sort_keys=False))
    assert "attention_key: fields" in config.read_text()
    capsys.readouterr()
    assert main(["eval", str(run), "--episodes", "2"]) == 0
    assert (run / "eval.json").is_file()
    capsys.readouterr()
    assert main(["train", str(config), f"run.dir={tmp_path / 'again'}"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "config key 'policy.attention_dim' is now 'policy.attention.dim'" in err, err


def test_the_gesture_reader_choices_are_the_readers():
    from robocue.perception.gestures import GESTURE_READERS, PERSON_READER
    from robocue.scripts import cli

    assert set(cli.GESTURE_READER_CHOICES) == set(GESTURE_READERS) and cli.PERSON_READER_NAME == PERSON_READER
