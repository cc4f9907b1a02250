"""Export to ONNX/TorchScript, acting from ONNX without torch, int8, latency bench, bad inputs."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

from robocue.agents.agent import Agent
from robocue.agents.export import STATIC_INT8_SCOPES, export_run, record_observations
from robocue.agents.onnx_policy import OnnxLanguageEncoder, OnnxPolicy, load_manifest
from robocue.agents.runs import save_config, save_model
from robocue.agents.training import build_model
from robocue.configs import load_config
from robocue.perception.command_channels import ENCODER_FILE, SpokenCommands, decoded, load_language_encoder, with_settled_fields
from robocue.scripts.cli import main


def make_run(folder, preset: str, *overrides: str):
    """An untrained agent saved as a run folder (config.yaml + model.zip): export needs no training."""
    config = load_config(preset, ["env.n_envs=1", f"run.dir={folder}", "logging.wandb=disabled", *overrides])
    folder.mkdir(parents=True, exist_ok=True)
    save_config(folder, config)
    if config.env.commands == "language":
        load_language_encoder().save(folder / ENCODER_FILE)
    save_model(build_model(config, "cpu"), folder / "model.zip", config.env.id, config.algo.name)
    return folder


@pytest.fixture(scope="module")
def reach_run(tmp_path_factory):
    run = make_run(tmp_path_factory.mktemp("reach") / "run", "reach_ppo")
    export_run(run, int8=True, progress=lambda *_: None)
    return run


def _actions_match(run, int8: bool, tolerance: float) -> float:
    agent = Agent.load(run, device="cpu")
    observations = record_observations(agent, episodes=1, seed=321, max_observations=40)
    policy = OnnxPolicy(run / "export", int8=int8)
    worst = 0.0
    for index in range(len(next(iter(observations.values())))):
        observation = {key: values[index] for key, values in observations.items()}
        observation = observation if policy.is_dict else observation["observation"]
        worst = max(worst, float(np.abs(agent.act(observation) - policy.act(observation)).max()))
    assert worst <= tolerance
    return worst


def test_onnx_actions_match_pytorch_on_recorded_observations(reach_run):
    _actions_match(reach_run, int8=False, tolerance=1e-5)


def test_int8_actions_stay_close_to_pytorch(reach_run):
    _actions_match(reach_run, int8=True, tolerance=0.05)
    manifest = load_manifest(reach_run / "export")
    assert manifest["int8"]["method"] == "dynamic"
    assert manifest["sizes_kb"]["policy_int8"] < manifest["sizes_kb"]["policy"]


def test_manifest_says_how_to_feed_the_model(reach_run):
    manifest = load_manifest(reach_run / "export")
    assert manifest["inputs"] == [{"name": "observation", "shape": ["batch", 86], "dtype": "float32"}]
    assert manifest["output"]["shape"] == ["batch", 3]
    assert manifest["observation_layout"]["robot"] == 14
    import onnxruntime as ort

    session = ort.InferenceSession(str(reach_run / "export" / manifest["files"]["policy"]))
    assert [i.name for i in session.get_inputs()] == ["observation"]
    batch = session.run(None, {"observation": np.zeros((5, 86), dtype=np.float32)})[0]
    assert batch.shape == (5, 3) and np.all(np.abs(batch) <= 1.0)


BLOCK_TORCH = textwrap.dedent(
    """
    import sys

    class BlockTorch:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("torch", "stable_baselines3"):
                raise ImportError(f"importing {name} is blocked in this test")
            return None

    sys.meta_path.insert(0, BlockTorch())
    from robocue.scripts.cli import main

    code = main(sys.argv[1:])
    assert "torch" not in sys.modules
    sys.exit(code)
    """
)


@pytest.mark.parametrize("int8", [False, True])
def test_onnx_eval_runs_with_torch_blocked(reach_run, tmp_path, int8):
    out = tmp_path / "eval.json"
    argv = ["eval", str(reach_run), "--runtime", "onnx", "--episodes", "2", "--out", str(out)] + (["--int8"] if int8 else [])
    done = subprocess.run([sys.executable, "-c", BLOCK_TORCH, *argv], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["runtime"] == "onnx" and result["int8"] is int8 and result["n_episodes"] == 2


def test_the_blocker_does_block_torch():
    done = subprocess.run([sys.executable, "-c", BLOCK_TORCH.replace("from robocue.scripts.cli import main", "import torch")])
    assert done.returncode != 0


def test_onnx_and_pytorch_evaluate_the_same_episodes(reach_run, tmp_path):
    argv = ["--episodes", "3", "--seed", "500"]
    assert main(["eval", str(reach_run), *argv, "--out", str(tmp_path / "torch.json")]) == 0
    assert main(["eval", str(reach_run), "--runtime", "onnx", *argv, "--out", str(tmp_path / "onnx.json")]) == 0
    torch_run, onnx_run = (json.loads((tmp_path / name).read_text()) for name in ("torch.json", "onnx.json"))
    assert [e["seed"] for e in torch_run["episodes"]] == [e["seed"] for e in onnx_run["episodes"]]
    assert [e["length"] for e in torch_run["episodes"]] == [e["length"] for e in onnx_run["episodes"]]
    assert np.allclose([e["return"] for e in torch_run["episodes"]], [e["return"] for e in onnx_run["episodes"]], atol=1e-3)


def test_torchscript_export_matches(reach_run, tmp_path):
    manifest = export_run(reach_run, "torchscript", out=tmp_path / "ts", progress=lambda *_: None)
    module = torch.jit.load(str(tmp_path / "ts" / manifest["files"]["policy"]))
    agent = Agent.load(reach_run, device="cpu")
    observation = record_observations(agent, episodes=1, seed=7, max_observations=5)["observation"]
    with torch.no_grad():
        actions = module(torch.as_tensor(observation)).numpy()
    expected = np.stack([agent.act(o) for o in observation])
    assert np.abs(actions - expected).max() < 1e-5


def test_language_encoder_export_matches_the_spoken_command_features(tmp_path):
    run = make_run(tmp_path / "words", "reach_language_ppo")
    manifest = export_run(run, progress=lambda *_: None)
    assert manifest["files"]["language_encoder"] == "language_encoder.onnx"
    encoder = OnnxLanguageEncoder(run / "export", manifest)
    agent = Agent.load(run, device="cpu")
    env = agent.make_env()
    spoken = env
    while not isinstance(spoken, SpokenCommands):
        spoken = spoken.env
    # words the grammar lacks (a colour name, a misspelling, an inflection) read as in PyTorch,
    # as probabilities and as the decoded command the policy reads
    assert spoken.features == "decoded"
    texts = ("touch the red cube", "could you reach the azure ball please", "Go to the GREEN block!", "touchin teh cobalt sphere")
    # + everyday words and phrases, and a task named by the verbs ("by lifting it": pick-and-place)
    for text in texts + ("alright, poke the sky blue tin closer to me", "touch the barrell", "move the red cube left by lifting it"):
        spoken.utterance = text
        heard = spoken._hear({"task": "reach", "color": "red", "shape": "cube", "destination": None})[0]
        onnx_belief = with_settled_fields(encoder.belief(text), encoder.read(text))  # as OnnxSpokenCommands reads it
        np.testing.assert_array_equal(decoded(onnx_belief), heard)
        spoken.features = "belief"
        assert np.abs(onnx_belief - spoken._read(text)).max() < 1e-5
        spoken.features = "decoded"
    assert encoder.understand("touch the red cube")["color"] == "red"
    assert encoder.understand("touchin teh cobalt sphere")["color"] == "blue"
    env.close()
    # the whole spoken-command agent evaluates from ONNX: the same episodes as PyTorch
    assert main(["eval", str(run), "--episodes", "2", "--out", str(tmp_path / "t.json")]) == 0
    assert main(["eval", str(run), "--runtime", "onnx", "--episodes", "2", "--out", str(tmp_path / "o.json")]) == 0
    lengths = [[e["length"] for e in json.loads((tmp_path / n).read_text())["episodes"]] for n in ("t.json", "o.json")]
    assert lengths[0] == lengths[1]


def test_a_gesture_agent_exports_and_evaluates_from_onnx_as_in_pytorch(tmp_path, capsys):
    """A gesture agent reads clips with the geometric reader (numpy rules, nothing to export):
    the manifest says so, and its ONNX episodes are PyTorch's, for each split of performers."""
    run = make_run(tmp_path / "hands", "reach_gesture_ppo")
    manifest = export_run(run, progress=lambda *_: None)
    assert manifest["gesture_reader"] == "geometric" and set(manifest["files"]) == {"policy"}
    for split in ("gesture", "gesture-heldout"):
        argv = ["--episodes", "2", "--commands", split]
        assert main(["eval", str(run), *argv, "--out", str(tmp_path / "t.json")]) == 0
        assert main(["eval", str(run), "--runtime", "onnx", *argv, "--out", str(tmp_path / "o.json")]) == 0
        torch_run, onnx_run = (json.loads((tmp_path / name).read_text()) for name in ("t.json", "o.json"))
        assert onnx_run["commands"] == split
        assert [e["command"] for e in torch_run["episodes"]] == [e["command"] for e in onnx_run["episodes"]]
        assert np.allclose([e["return"] for e in torch_run["episodes"]], [e["return"] for e in onnx_run["episodes"]], atol=1e-3)
    capsys.readouterr()
    _one_line_exit_2(["eval", str(run), "--runtime", "onnx", "--episodes", "1", "--commands", "outside"], capsys, "--commands")


@pytest.mark.slow
def test_pixel_policy_exports_with_static_int8(tmp_path):
    run = make_run(tmp_path / "pixels", "reach_pixels_dagger")
    manifest = export_run(run, int8=True, progress=lambda *_: None)
    assert manifest["policy_kind"] == "cnn" and manifest["int8"]["method"] == "static"
    errors = manifest["int8"]["action_error"]  # both scopes tried on observations apart from the calibration ones
    assert set(errors) == set(STATIC_INT8_SCOPES) and manifest["int8"]["scope"] == min(errors, key=errors.get)
    assert {spec["name"]: spec["dtype"] for spec in manifest["inputs"]}["pixels"] == "uint8"
    _actions_match(run, int8=False, tolerance=1e-5)
    _actions_match(run, int8=True, tolerance=0.05)


@pytest.mark.slow
def test_bench_policy_reports_latency_and_memory(reach_run, capsys):
    assert main(["bench", "--policy", str(reach_run), "--runtime", "onnx", "--actions", "50"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["n"] == 50 and 0 < result["p50_ms"] <= result["p99_ms"] and result["peak_memory_mb"] > 0


def _one_line_exit_2(argv, capsys, wanted: str):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and wanted in err, err


def test_export_of_a_run_without_a_model_is_one_line_exit_2(tmp_path, capsys):
    run = make_run(tmp_path / "nomodel", "reach_ppo")
    (run / "model.zip").unlink()
    _one_line_exit_2(["export", str(run)], capsys, "has no model.zip")
    assert not (run / "export").exists()


def test_export_of_a_folder_that_is_no_run_is_one_line_exit_2(tmp_path, capsys):
    _one_line_exit_2(["export", str(tmp_path)], capsys, "is not a run folder")


def test_unknown_format_is_one_line_exit_2(reach_run, capsys):
    _one_line_exit_2(["export", str(reach_run), "--format", "tflite"], capsys, "--format 'tflite' is not one of: onnx, torchscript")


def test_int8_torchscript_is_one_line_exit_2(reach_run, capsys):
    _one_line_exit_2(["export", str(reach_run), "--format", "torchscript", "--int8"], capsys, "--int8")


def test_onnx_eval_without_an_export_is_one_line_exit_2(tmp_path, capsys):
    run = make_run(tmp_path / "noexport", "reach_ppo")
    _one_line_exit_2(["eval", str(run), "--runtime", "onnx"], capsys, "robocue export RUN_DIR")


def test_bench_unknown_runtime_is_one_line_exit_2(reach_run, capsys):
    _one_line_exit_2(["bench", "--policy", str(reach_run), "--runtime", "tensorrt"], capsys, "--runtime 'tensorrt' is not one of")


@pytest.fixture(scope="module")
def pixel_teacher(tmp_path_factory):
    return make_run(tmp_path_factory.mktemp("teacher") / "run", "reach_pixels_dagger")


def test_distill_refuses_a_student_over_a_quarter_of_the_teacher(pixel_teacher, tmp_path, capsys):
    _one_line_exit_2(["distill", str(pixel_teacher), "policy.net_arch=[256,256]", "--out", str(tmp_path / "big")], capsys, "more than 25%")
    assert not (tmp_path / "big").exists()


def test_distill_refuses_a_state_teacher(reach_run, tmp_path, capsys):
    _one_line_exit_2(["distill", str(reach_run), "--out", str(tmp_path / "s")], capsys, "is not a pixel agent")


@pytest.mark.slow
def test_distilled_student_is_a_run_folder_that_exports(pixel_teacher, tmp_path):
    tiny = [
        "train.imitation.episodes=1",
        "train.imitation.dagger_iterations=1",
        "train.imitation.dagger_episodes=1",
        "train.imitation.epochs=1",
        "eval.episodes=2",
    ]
    assert main(["distill", str(pixel_teacher), *tiny, "--out", str(tmp_path / "student")]) == 0
    record = json.loads((tmp_path / "student" / "distill.json").read_text())
    assert record["student_parameters"] <= 0.25 * record["teacher_parameters"]
    evaluation = json.loads((tmp_path / "student" / "eval.json").read_text())  # evaluated as train does
    assert evaluation["n_episodes"] == 2 and record["success"] == evaluation["success_rate"]
    manifest = export_run(tmp_path / "student", progress=lambda *_: None)
    assert manifest["parameters"] == record["student_parameters"]
    _actions_match(tmp_path / "student", int8=False, tolerance=1e-5)


def test_gesture_encoder_export_matches_pytorch_with_dropped_frames(tmp_path):
    from robocue.agents.export import export_gesture_encoder
    from robocue.agents.onnx_policy import OnnxGestureEncoder
    from robocue.perception.gestures import load_default_gesture_encoder, sample_clip

    encoder = load_default_gesture_encoder()
    manifest = export_gesture_encoder(encoder, tmp_path)
    exported = OnnxGestureEncoder(tmp_path, manifest)
    clips = [
        sample_clip(np.random.default_rng(seed), seed + 1, gestures, point_deg=70.0).landmarks
        for seed, gestures in enumerate([["point"], ["point", "swipe_left"], ["grab"], ["come_here"]])
    ]
    clips[0][3:6] = np.nan  # dropped frames
    clips[1][:2] = 0.0  # zero-filled dropped frames at the start
    for clip in clips:
        ours = exported.encode(clip)
        with torch.no_grad():
            theirs = encoder.encode(clip)
        for key in ("features", "frame_logits", "direction"):
            assert np.abs(ours[key] - theirs[key].numpy()).max() < 1e-4, key


def test_the_teachers_success_is_taken_only_over_the_students_episodes(tmp_path):
    from robocue.agents.export_distill import _teacher_success

    episodes = [{"seed": 10_000 + i, "success": i % 4 != 0} for i in range(8)]
    (tmp_path / "eval.json").write_text(json.dumps({"episodes": episodes}))
    assert _teacher_success(tmp_path, [10_000, 10_001, 10_002, 10_003]) == 0.75
    assert _teacher_success(tmp_path, [10_000, 20_000]) is None  # the teacher never played seed 20000
    assert _teacher_success(tmp_path / "none", [10_000]) is None
