"""`robocue command RUN_DIR --gesture CLIP.npy`: a person's own gesture clip, its checks, and the clip maker."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest

from robocue import envs  # noqa: F401
from robocue.agents.follow import POINT_TOLERANCE_DEG, find_gesture_scene, load_gesture_clip, make_gesture_clip
from robocue.agents.training import train
from robocue.configs import load_config
from robocue.envs.commands import COMMAND_DIM
from robocue.envs.person import PERSON, object_bearings
from robocue.perception.command_channels import GestureCommands
from robocue.perception.command_heads import DECODER_FIELDS
from robocue.scripts.cli import main


def angle_error(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def _tiny_run(root, preset: str, extra: list[str]):
    from conftest import TINY_PPO_OVERRIDES

    run_dir = root / preset / "_".join(extra or ["onehot"])
    train(load_config(preset, TINY_PPO_OVERRIDES + extra + ["train.video=false", f"run.dir={run_dir}"]), log=lambda *a, **k: None)
    return run_dir


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Tiny runs: a gesture agent, a spoken-command agent and a one-hot agent (about 2 s in all)."""
    root = tmp_path_factory.mktemp("gesture_command")
    return {
        "gesture": _tiny_run(root, "reach_gesture_ppo", []),
        "language": _tiny_run(root, "reach_ppo", ["env.commands=language"]),
        "onehot": _tiny_run(root, "reach_ppo", []),
    }


@pytest.fixture(scope="module")
def point_clip(tmp_path_factory):
    """A point straight ahead (90 degrees), as `robocue understand --make-gesture` writes it."""
    path = tmp_path_factory.mktemp("clips") / "point.npy"
    np.save(path, make_gesture_clip(["point"], 90.0).landmarks)
    return path


def _one_line_error(capsys, message: str) -> None:
    err = capsys.readouterr().err
    assert message in err, err
    assert err.count("\n") == 1 and err.startswith("robocue "), err


def test_make_gesture_writes_a_clip_the_encoder_understands(tmp_path, capsys):
    path = tmp_path / "clip.npy"
    assert main(["understand", "--make-gesture", "point", "swipe_left", "--direction", "70", "--out", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    landmarks = np.load(path)
    assert landmarks.dtype == np.float32 and landmarks.shape == (result["frames"], 21, 3)
    assert [g["label"] for g in result["performed"]] == ["point", "swipe_left"]
    understood = result["understood"]
    assert [g["label"] for g in understood["gestures"]] == ["point", "swipe_left"]
    assert (understood["task"], understood["destination"]) == ("push", "left")
    # The camera is held level, so the recognised direction is the asked one up to the hand's wobble.
    assert angle_error(understood["gestures"][0]["direction_deg"], 70.0) < 8.0
    assert main(["understand", "--gesture", str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == understood


@pytest.mark.parametrize(
    "argv, message",
    [
        (["understand", "--make-gesture", "point"], "needs --out CLIP.npy"),
        (["understand", "--make-gesture", "point", "--out", "clip.txt"], "needs --out CLIP.npy"),
        (["understand", "--make-gesture", "wave", "--out", "clip.npy"], "unknown gesture 'wave'"),
        (["understand", "--make-gesture", "point", "grab", "stop", "--out", "clip.npy"], "one or two gestures"),
        (["understand", "hello", "--direction", "30"], "go with --make-gesture"),
        (["understand", "--gesture", "clip.npy", "--performer", "3"], "go with --make-gesture"),
    ],
)
def test_make_gesture_refuses_bad_arguments(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    _one_line_error(capsys, message)
    assert not (tmp_path / "clip.npy").exists()


def test_the_wrapper_shows_the_persons_clip_at_every_reset(point_clip):
    env = GestureCommands(gym.make("robocue/Reach-MuJoCo-v0"))
    understood = env.show(load_gesture_clip(point_clip))
    pointed = understood["command"]["direction_deg"]
    assert env.observation_space.shape == (gym.make("robocue/Reach-MuJoCo-v0").observation_space.shape[0] - COMMAND_DIM + 19,)
    for seed in (0, 1):
        observation, info = env.reset(seed=seed)
        features = observation[-19:]
        command = info["command"]
        assert command["performer"] == "person" and command["split"] == "person"
        assert command["gestures"] == understood["gestures"]
        assert command["text"] == f"point {pointed:.0f} deg -> reach the {command['color']} {command['shape']}"
        assert command["stance"] == list(PERSON["reach"][0])  # a person's clip is shown from PERSON
        # task and destination: the same clip, whatever the scene; colour: the object nearest
        # the pointed direction as seen from where the person stands
        np.testing.assert_array_equal(features[:5], [1, 0, 0, 0, 0])
        np.testing.assert_array_equal(features[-5:], [0, 0, 0, 0, 1])
        bearings = object_bearings(env)
        nearest = min(bearings, key=lambda color: angle_error(bearings[color], pointed))
        assert command["understood_color"] == nearest == DECODER_FIELDS["color"][int(np.argmax(features[5:10]))]
        assert features[5:10].sum() == pytest.approx(1.0) and features[10:14].sum() == pytest.approx(1.0)


def test_find_gesture_scene_picks_a_scene_whose_target_is_pointed_at():
    env = gym.make("robocue/Reach-MuJoCo-v0")
    understood = {"task": "reach", "color": None, "shape": None, "destination": None, "direction_deg": 110.0}
    seed = find_gesture_scene(env, understood, 100)

    def fits(candidate: int) -> bool:
        info = env.reset(seed=candidate)[1]
        bearings = object_bearings(env)
        nearest = min(bearings, key=lambda color: angle_error(bearings[color], 110.0))
        return nearest == info["command"]["color"] and angle_error(bearings[nearest], 110.0) <= POINT_TOLERANCE_DEG

    assert fits(seed) and not any(fits(candidate) for candidate in range(100, seed))
    with pytest.raises(ValueError, match="this agent does reach; the gestures ask for push"):
        find_gesture_scene(env, {**understood, "task": "push", "destination": "left"}, 100)
    with pytest.raises(ValueError, match="point at nothing"):
        find_gesture_scene(env, {**understood, "direction_deg": None}, 100)
    with pytest.raises(ValueError, match="no scene among seeds 100-149 .* within 10 deg of the pointed direction 0 deg"):
        find_gesture_scene(env, {**understood, "direction_deg": 0.0}, 100, tries=50)


def test_command_follows_a_gesture_clip_and_writes_a_video(runs, point_clip, tmp_path, capsys):
    assert main(["command", str(runs["gesture"]), "--gesture", str(point_clip), "--out-dir", str(tmp_path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"clip", "gestures", "understood", "command", "pointed_at_deg", "seed", "success", "video"}
    assert result["clip"] == str(point_clip)
    assert [g["label"] for g in result["gestures"]] == ["point"]
    assert set(result["gestures"][0]) == {"label", "start", "end", "direction_deg"}
    pointed = result["gestures"][0]["direction_deg"]
    assert result["understood"] == {"task": "reach", "color": None, "shape": None, "destination": None, "direction_deg": pointed}
    assert isinstance(result["success"], bool) and result["seed"] >= 10_000
    assert result["video"] == str(tmp_path / "command_10000_point.mp4") and (tmp_path / "command_10000_point.mp4").stat().st_size > 0
    # The scene's target is the object the point picked.
    env = gym.make("robocue/Reach-MuJoCo-v0")
    command = env.reset(seed=result["seed"])[1]["command"]
    assert result["command"] == {field: command[field] for field in ("task", "color", "shape", "destination")}
    bearings = object_bearings(env)
    assert min(bearings, key=lambda color: angle_error(bearings[color], pointed)) == command["color"]
    assert result["pointed_at_deg"] == pytest.approx(bearings[command["color"]], abs=0.05)
    assert angle_error(result["pointed_at_deg"], pointed) <= POINT_TOLERANCE_DEG


@pytest.mark.parametrize("asked, hybrid_reads", [([], True), (["--reader", "hybrid"], True), (["--reader", "geometric"], False)])
def test_command_reads_the_clip_with_the_reader_asked_for(runs, point_clip, tmp_path, capsys, monkeypatch, asked, hybrid_reads):
    from robocue.perception.gestures import hybrid

    read = []
    original = hybrid.HybridRecognizer.understand
    counted = lambda self, landmarks: read.append(len(landmarks)) or original(self, landmarks)  # noqa: E731
    monkeypatch.setattr(hybrid.HybridRecognizer, "understand", counted)
    argv = ["command", str(runs["gesture"]), "--gesture", str(point_clip), "--out-dir", str(tmp_path), *asked]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert [g["label"] for g in result["gestures"]] == ["point"]
    assert bool(read) == hybrid_reads  # the agent follows what the reader asked for (by default the hybrid) read


@pytest.mark.parametrize(
    "run, argv, message",
    [
        ("gesture", ["--say", "reach the red ball"], "trained with env.commands=gesture, so it cannot hear words"),
        ("gesture", [], "trained with env.commands=gesture, so it cannot hear words"),  # words from standard input
        ("language", ["--gesture", "CLIP"], "trained with env.commands=language, so it cannot see gestures"),
        ("onehot", ["--gesture", "CLIP"], "trained on one-hot commands, so it cannot see gestures"),
        ("onehot", ["--say", "reach the red ball"], "trained on one-hot commands, so it cannot hear words"),
        ("gesture", ["--say", "reach the red ball", "--gesture", "CLIP"], "give either --say TEXT or --gesture CLIP.npy, not both"),
    ],
)
def test_command_says_what_the_run_was_trained_with(runs, point_clip, run, argv, message, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("reach the red ball\n"))
    argv = [str(point_clip) if arg == "CLIP" else arg for arg in argv]
    assert main(["command", str(runs[run]), *argv]) == 2
    _one_line_error(capsys, message)


def _clip_file(tmp_path, kind: str):
    good = make_gesture_clip(["point"], 90.0).landmarks
    path = tmp_path / "clip.npy"
    if kind == "wrong shape":
        np.save(path, np.zeros((40, 3), dtype=np.float32))
    elif kind == "integers":
        np.save(path, np.ones((40, 21, 3), dtype=np.int64))
    elif kind == "too short":
        np.save(path, good[:3])
    elif kind == "pixels":
        np.save(path, good * 640.0)
    elif kind == "all dropped":
        np.save(path, np.full((40, 21, 3), np.nan, dtype=np.float32))
    elif kind == "not npy":
        path = tmp_path / "clip.txt"
        np.savetxt(path, good.reshape(len(good), -1))
    elif kind == "not an array":
        path.write_text("hello")
    elif kind == "npz":
        np.savez(path.with_suffix(".npz"), good)
        path.with_suffix(".npz").rename(path)
    return path


@pytest.mark.parametrize(
    "kind, message",
    [
        ("missing", "no such file"),
        ("wrong shape", "must have shape (T, 21, 3), got (40, 3)"),
        ("integers", "must be floats (float32), got int64"),
        ("too short", "has 3 frames; a gesture needs at least 6"),
        ("pixels", "pixel coordinates?"),
        ("all dropped", "every frame is dropped"),
        ("not npy", "must be a .npy file"),
        ("not an array", "is not a .npy array of hand landmarks"),
        ("npz", "holds several arrays"),
    ],
)
def test_command_refuses_bad_clip_files_with_one_line(runs, kind, message, tmp_path, capsys):
    path = _clip_file(tmp_path, kind)
    assert main(["command", str(runs["gesture"]), "--gesture", str(path), "--out-dir", str(tmp_path)]) == 2
    _one_line_error(capsys, message)
    assert not list(tmp_path.glob("*.mp4"))


@pytest.mark.parametrize(
    "gestures, message",
    [
        (["point", "swipe_left"], "this agent does reach; the gestures ask for push"),
        (["stop"], "stop cancels the command"),
        (["swipe_right"], "What should I do there? Point at the object first, then swipe."),
    ],
)
def test_command_refuses_gestures_the_agent_cannot_follow(runs, gestures, message, tmp_path, capsys):
    path = tmp_path / "clip.npy"
    np.save(path, make_gesture_clip(gestures, 90.0).landmarks)
    assert main(["command", str(runs["gesture"]), "--gesture", str(path), "--out-dir", str(tmp_path)]) == 2
    _one_line_error(capsys, message)


def test_gesture_ceiling_script_reports_the_rule_accuracy(capsys):
    from robocue.scripts.gesture_ceiling import main as ceiling

    assert ceiling(["--tasks", "Reach", "--episodes", "3", "--roll-scales", "0", "--stances", "best"]) == 0
    result = json.loads(capsys.readouterr().out.strip())
    assert result["task"] == "Reach" and result["roll_scale"] == 0 and result["scenes"] == 3 and result["stances"] == "best"
    assert 0.0 <= result["rule_accuracy"] <= 1.0 and result["median_direction_error_deg"] < 30
    assert result["roll_turned_back"] is True
    assert ceiling(["--tasks", "GoTo", "--episodes", "2", "--stances", "fixed", "--keep-roll"]) == 0
    result = json.loads(capsys.readouterr().out.strip())
    assert (result["task"], result["stances"], result["roll_turned_back"]) == ("GoTo", "fixed", False)
    assert ceiling(["--episodes", "0"]) == 2


def test_a_gesture_runs_evaluation_records_its_performers(runs):
    """The evaluation at the end of training heard training performers, and says so."""
    assert json.loads((runs["gesture"] / "eval.json").read_text())["commands"] == "gesture"
    assert json.loads((runs["language"] / "eval.json").read_text())["commands"] == "train"


def test_a_lone_point_sends_a_goto_agent_to_the_landmark():
    """A point alone implies reach; a GoTo agent takes it as go there, as in training."""
    env = gym.make("robocue/GoTo-MuJoCo-v0")
    understood = {"task": "reach", "color": None, "shape": None, "destination": None, "direction_deg": 90.0}
    seed = find_gesture_scene(env, understood, 100)
    info = env.reset(seed=seed)[1]
    bearings = object_bearings(env)
    assert min(bearings, key=lambda color: angle_error(bearings[color], 90.0)) == info["command"]["color"]
    with pytest.raises(ValueError, match="this agent does go_to; the gestures ask for push"):
        find_gesture_scene(env, {**understood, "task": "push", "destination": "left"}, 100)
