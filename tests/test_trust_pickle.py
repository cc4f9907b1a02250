"""--trust-pickle and train.trust_pickle: a Stable-Baselines3 zip made elsewhere enters through
`command`, `train.init_from` and `train.imitation.teacher` only when the user says they trust it; the
gesture-clip frame cap holds in the library loader."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch
from conftest import PPO_PRESET, TINY_PPO_OVERRIDES
from test_safety import NO_EXTRAS, _one_line_exit_2, craft_zip

from robocue.agents.agent import read_model_weights
from robocue.agents.follow import MAX_CLIP_FRAMES, load_gesture_clip, make_gesture_clip
from robocue.scripts.cli import main


@pytest.fixture(scope="module")
def language_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("trust") / "language"
    argv = ["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS, "env.commands=language", f"run.dir={run_dir}"]
    assert main(argv) == 0
    return run_dir


def _honest_zip(source, target):
    """A copy of an SB3 zip without robocue's stamp: what SB3 itself writes."""
    import zipfile

    from robocue.agents.runs import STAMP_FILE

    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for name in archive.namelist():
            if name != STAMP_FILE:
                out.writestr(name, archive.read(name))
    return target


# --- robocue command ----------------------------------------------------------------------------
def test_command_refuses_a_foreign_zip_without_trust_pickle(language_run, tmp_path, capsys):
    marker = tmp_path / "marker"
    crafted = craft_zip(language_run / "model.zip", tmp_path / "evil.zip", marker)
    _one_line_exit_2(capsys, ["command", str(crafted), "--say", "touch the red ball"], "--trust-pickle")
    folder = tmp_path / "folder"
    folder.mkdir()
    craft_zip(language_run / "model.zip", folder / "model.zip", marker)
    _one_line_exit_2(capsys, ["command", str(folder), "--say", "touch the red ball"], "--trust-pickle")
    assert not marker.exists()


def test_command_loads_a_foreign_zip_with_trust_pickle(language_run, tmp_path, capsys):
    zip_path = _honest_zip(language_run / "model.zip", tmp_path / "elsewhere" / "policy.zip")
    argv = ["command", str(zip_path), "--trust-pickle", "--env-id", "robocue/Reach-MuJoCo-v0", "--say", "touch the red ball"]
    assert main([*argv, "--out-dir", str(tmp_path / "videos")]) == 0, capsys.readouterr().err
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["understood"]["color"] == "red" and (tmp_path / "videos").is_dir()
    # env.commands is read off the zip's observation space: a one-hot Reach env would not fit it
    _one_line_exit_2(capsys, [*argv[:3], "--say", "touch the red ball"], "--trust-pickle needs RUN_DIR (the zip) and --env-id")
    _one_line_exit_2(capsys, [*argv[:4], "robocue/ReachPixels-MuJoCo-v0", "--say", "x"], "observation space")


def test_command_trust_pickle_and_onnx_do_not_mix(language_run, capsys):
    _one_line_exit_2(capsys, ["command", str(language_run), "--trust-pickle", "--runtime", "onnx", "--say", "x"], "--runtime onnx")


# --- train.init_from and train.imitation.teacher ------------------------------------------
def _train(tmp_path, *overrides):
    return ["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS, *overrides, f"run.dir={tmp_path / 'run'}"]


@pytest.mark.parametrize("key", ["train.init_from", "train.imitation.teacher"])
def test_a_foreign_zip_needs_train_trust_pickle(language_run, tmp_path, capsys, key):
    marker = tmp_path / "marker"
    crafted = craft_zip(language_run / "model.zip", tmp_path / "evil.zip", marker)
    extra = ["train.timesteps=0", "train.imitation.episodes=1"] if key == "train.imitation.teacher" else []
    _one_line_exit_2(capsys, _train(tmp_path, *extra, f"{key}={crafted}"), key, "train.trust_pickle=true")
    assert not marker.exists() and not (tmp_path / "run").exists()


def test_trust_pickle_does_not_open_run_folders_to_pickles(language_run, tmp_path, capsys):
    """A robocue run folder loads as weights only, trusted or not: its crafted policy.pth is refused."""
    marker = tmp_path / "marker"
    evil = tmp_path / "evil"
    shutil.copytree(language_run, evil)
    craft_zip(language_run / "model.zip", evil / "model.zip", marker)
    argv = _train(tmp_path, "env.commands=language", "train.trust_pickle=true", f"train.init_from={evil}")
    _one_line_exit_2(capsys, argv, "not plain weights")
    assert not marker.exists() and not (tmp_path / "run").exists()


def test_init_from_a_trusted_foreign_zip(language_run, tmp_path, capsys):
    zip_path = _honest_zip(language_run / "model.zip", tmp_path / "elsewhere.zip")
    argv = _train(tmp_path, "env.commands=language", "train.trust_pickle=true", f"train.init_from={zip_path}", "train.max_seconds=1e-9")
    assert main(argv) == 0, capsys.readouterr().err
    started, _ = read_model_weights(tmp_path / "run" / "model.zip")  # stopped before its first update
    source, _ = read_model_weights(language_run / "model.zip")
    assert all(torch.equal(started[key], source[key]) for key in source)
    sac_like = tmp_path / "sac.zip"  # a zip of another algorithm is refused from its JSON, before unpickling
    import zipfile

    with zipfile.ZipFile(zip_path) as archive, zipfile.ZipFile(sac_like, "w") as out:
        for name in archive.namelist():
            blob = archive.read(name)
            if name == "data":
                data = json.loads(blob)
                data.pop("n_steps")
                data["buffer_size"] = 10
                blob = json.dumps(data).encode()
            out.writestr(name, blob)
    argv = _train(tmp_path / "b", "env.commands=language", "train.trust_pickle=true", f"train.init_from={sac_like}")
    _one_line_exit_2(capsys, argv, "holds a sac model")


def test_teacher_from_a_trusted_foreign_zip(tmp_path, capsys):
    state_run = tmp_path / "state"
    assert main(["train", PPO_PRESET, *TINY_PPO_OVERRIDES, *NO_EXTRAS, f"run.dir={state_run}"]) == 0
    zip_path = _honest_zip(state_run / "model.zip", tmp_path / "teacher.zip")
    argv = _train(
        tmp_path, "train.timesteps=0", "train.imitation.episodes=1", "train.trust_pickle=true", f"train.imitation.teacher={zip_path}"
    )
    assert main(argv) == 0, capsys.readouterr().err
    assert f"labels from the teacher in {zip_path}" in capsys.readouterr().out
    assert (tmp_path / "run" / "model.zip").is_file()


# --- the gesture-clip frame cap in the library ------------------------------------------------
def test_load_gesture_clip_caps_frames_before_loading(tmp_path):
    huge = tmp_path / "huge.npy"
    with open(huge, "wb") as handle:  # a header claiming ~252 GB and no data: refused from the header alone
        np.lib.format.write_array_header_1_0(handle, {"descr": "<f4", "fortran_order": False, "shape": (1_000_000_000, 21, 3)})
    with pytest.raises(ValueError, match=rf"claims 1000000000 frames; at most {MAX_CLIP_FRAMES}") as caught:
        load_gesture_clip(huge)
    assert len(str(caught.value).splitlines()) == 1
    long = tmp_path / "long.npy"
    clip = make_gesture_clip(["point"], 90.0).landmarks
    np.save(long, np.concatenate([clip] * (MAX_CLIP_FRAMES // len(clip) + 1)))
    with pytest.raises(ValueError, match=f"at most {MAX_CLIP_FRAMES}"):
        load_gesture_clip(long)
    wide = tmp_path / "wide.npy"
    with open(wide, "wb") as handle:
        np.lib.format.write_array_header_1_0(handle, {"descr": "<f4", "fortran_order": False, "shape": (10, 100_000, 3)})
    with pytest.raises(ValueError, match="no \\(T, 21, 3\\) hand-landmark clip"):
        load_gesture_clip(wide)
    exact = tmp_path / "exact.npy"
    np.save(exact, np.concatenate([clip] * (MAX_CLIP_FRAMES // len(clip) + 1))[:MAX_CLIP_FRAMES])
    assert load_gesture_clip(exact).shape == (MAX_CLIP_FRAMES, 21, 3)


def test_the_cli_keeps_its_frame_cap_message(tmp_path, capsys):
    huge = tmp_path / "huge.npy"
    with open(huge, "wb") as handle:
        np.lib.format.write_array_header_1_0(handle, {"descr": "<f4", "fortran_order": False, "shape": (5000, 21, 3)})
    _one_line_exit_2(capsys, ["understand", "--gesture", str(huge)], "claims 5000 frames; at most 3600 (two minutes at 30 frames a second)")
