"""Spoken commands: the simulated human's words through the language encoder, splits, CLI."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest
import torch

from robocue import envs  # noqa: F401
from robocue.agents.evaluation import evaluate_run
from robocue.agents.training import train
from robocue.configs import ConfigError, load_config
from robocue.envs.commands import COMMAND_DIM
from robocue.perception.command_channels import ENCODER_FILE, SpokenCommands, decoded, with_settled_fields, wrap
from robocue.perception.command_heads import DECODER_FIELDS
from robocue.perception.language import HELD_OUT_COMBINATIONS
from robocue.scripts.cli import main


def _combination(info) -> tuple:
    return info["command"]["task"], info["command"]["color"], info["command"]["shape"]


def _expected_features(env, utterance: str) -> np.ndarray:
    with torch.no_grad():
        embedding = env.encoder.encode_texts([utterance])
        if env.features == "embedding":
            return embedding[0].numpy()
        logits = env.encoder.decoder(embedding)
        belief = torch.cat([torch.softmax(logits[field], dim=-1) for field in DECODER_FIELDS], dim=-1)[0].numpy()
    belief = with_settled_fields(belief, env.encoder.tokenizer.read(utterance))  # the verbs' task, where they name one
    return decoded(belief) if env.features == "decoded" else belief


@pytest.mark.parametrize("features, size", [("decoded", 19), ("belief", 19), ("embedding", 64)])
def test_state_observation_carries_the_encoder_features(features, size):
    base = gym.make("robocue/Reach-MuJoCo-v0")
    env = SpokenCommands(gym.make("robocue/Reach-MuJoCo-v0"), features=features)
    observation, info = env.reset(seed=3)
    assert env.features_dim == size
    size = base.observation_space.shape[0] - COMMAND_DIM + env.features_dim
    assert env.observation_space.shape == (size,) and observation.shape == (size,)
    assert env.observation_layout["command"] == env.features_dim
    expected = _expected_features(env, info["command"]["utterance"])
    np.testing.assert_allclose(observation[-env.features_dim :], expected, rtol=1e-5)
    step_observation, *_ = env.step(np.zeros(env.action_space.shape, dtype=np.float32))
    np.testing.assert_allclose(step_observation[-env.features_dim :], expected, rtol=1e-5)
    assert info["command"]["split"] == "train"


@pytest.mark.parametrize("env_id", ["robocue/ReachPixels-MuJoCo-v0", "robocue/PushGoal-MuJoCo-v0"])
def test_dict_observations_get_features_in_the_command_key(env_id):
    env = SpokenCommands(gym.make(env_id))
    observation, _ = env.reset(seed=0)
    assert observation in env.observation_space
    assert observation["command"].shape == (env.features_dim,)


def test_splits_filter_the_combinations():
    held_out = set(HELD_OUT_COMBINATIONS)
    train_env = SpokenCommands(gym.make("robocue/Reach-MuJoCo-v0"), split="train")
    composition_env = SpokenCommands(gym.make("robocue/Reach-MuJoCo-v0"), split="composition")
    for seed in range(30):
        assert _combination(train_env.reset(seed=seed)[1]) not in held_out
        assert _combination(composition_env.reset(seed=seed)[1]) in held_out


def test_same_seed_same_utterance_and_scene():
    a = SpokenCommands(gym.make("robocue/Reach-MuJoCo-v0"), split="paraphrase")
    b = SpokenCommands(gym.make("robocue/Reach-MuJoCo-v0"), split="paraphrase")
    obs_a, info_a = a.reset(seed=11)
    obs_b, info_b = b.reset(seed=11)
    assert info_a["command"] == info_b["command"]
    np.testing.assert_array_equal(obs_a, obs_b)


@pytest.mark.parametrize("features", ["decoded", "belief"])
def test_the_policy_hears_the_task_the_verbs_name(features):
    """What the policy reads agrees with `robocue understand`: "by lifting it" makes a pick-and-place."""
    from robocue.perception.command_channels import BELIEF_FIELDS

    env = SpokenCommands(gym.make("robocue/Push-MuJoCo-v0"), features=features)
    offset, size = BELIEF_FIELDS["task"]
    heard = env._read("move the red cube to the right by lifting it")[offset : offset + size]
    assert heard.tolist() == [float(task == "pick_and_place") for task in DECODER_FIELDS["task"]]
    said = env._read("push the red cube to the right")[offset : offset + size]  # no verb says otherwise: the decoder's
    assert DECODER_FIELDS["task"][int(np.argmax(said))] == "push"


def test_bad_split_and_mode_are_refused():
    with pytest.raises(ValueError, match="command split 'gibberish'"):
        SpokenCommands(gym.make("robocue/Reach-MuJoCo-v0"), split="gibberish")
    with pytest.raises(ValueError, match="command features 'smell'"):
        SpokenCommands(gym.make("robocue/Reach-MuJoCo-v0"), features="smell")
    with pytest.raises(ValueError, match="commands='morse'"):
        wrap(gym.make("robocue/Reach-MuJoCo-v0"), commands="morse")


def test_language_agent_trains_saves_its_encoder_and_evaluates_on_splits(tmp_path, tiny_ppo_overrides):
    run_dir = tmp_path / "run"
    config = load_config("reach_ppo", tiny_ppo_overrides + ["env.commands=language", "train.video=false", f"run.dir={run_dir}"])
    train(config, log=lambda *a, **k: None)
    assert (run_dir / ENCODER_FILE).is_file()
    result, path = evaluate_run(run_dir, episodes=2, commands="composition", progress=False)
    assert path.name == "eval_composition.json" and result["commands"] == "composition"
    held_out = set(HELD_OUT_COMBINATIONS)
    assert all((e["command"]["task"], e["command"]["color"], e["command"]["shape"]) in held_out for e in result["episodes"])
    assert all(e["command"]["split"] == "composition" and e["command"]["utterance"] for e in result["episodes"])
    with pytest.raises(ConfigError, match="this agent hears language commands; splits: train, paraphrase, composition"):
        evaluate_run(run_dir, episodes=1, commands="gesture", progress=False)


def test_commands_split_needs_a_language_agent(tmp_path, tiny_ppo_overrides):
    run_dir = tmp_path / "run"
    train(load_config("reach_ppo", tiny_ppo_overrides + ["train.video=false", f"run.dir={run_dir}"]), log=lambda *a, **k: None)
    with pytest.raises(ConfigError, match="trained on one-hot commands"):
        evaluate_run(run_dir, episodes=1, commands="paraphrase", progress=False)


def test_understand_prints_json(capsys):
    assert main(["understand", "please push the red cube to the left"]) == 0
    understood = json.loads(capsys.readouterr().out)
    assert {f: understood[f] for f in ("task", "color", "shape", "destination")} == {
        "task": "push",
        "color": "red",
        "shape": "cube",
        "destination": "left",
    }
    assert understood["understood"] is True and understood["question"] is None
    assert set(understood["confidence"]) == {"task", "color", "shape", "destination"}


def test_understand_prints_a_question_when_it_did_not_understand(capsys):
    assert main(["understand", "pick the red ball and the blue cube"]) == 0
    understood = json.loads(capsys.readouterr().out)
    assert understood["understood"] is False and understood["question"] == "Which one: the red ball or the blue cube?"


@pytest.mark.parametrize("argv, message", [(["understand", ""], "it is empty"), (["understand"], "give the TEXT")])
def test_understand_rejects_bad_input_with_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_understand_with_a_run_without_an_encoder(tmp_path, capsys):
    assert main(["understand", "reach the red ball", "--run", str(tmp_path)]) == 2
    assert "was not trained with env.commands=language" in capsys.readouterr().err


def test_understand_a_gesture_clip(tmp_path, capsys):
    from robocue.perception.gestures import sample_clip

    clip = sample_clip(np.random.default_rng(0), 1, ["point", "swipe_left"])
    path = tmp_path / "clip.npy"
    np.save(path, clip.landmarks)
    assert main(["understand", "--gesture", str(path)]) == 0
    understood = json.loads(capsys.readouterr().out)
    assert [g["label"] for g in understood["gestures"]] == ["point", "swipe_left"]
    assert understood["gestures"][0]["direction_deg"] is not None
    assert understood["destination"] == "left" and understood["task"] == "push"
    assert {"gestures", "task", "color", "shape", "destination", "understood", "confidence", "question"} <= set(understood)
    assert understood["understood"] is True and understood["question"] is None


@pytest.mark.parametrize("content, message", [(np.zeros((5, 3)), "must have shape"), (None, "no such file")])
def test_understand_rejects_bad_gesture_files(content, message, tmp_path, capsys):
    path = tmp_path / "clip.npy"
    if content is not None:
        np.save(path, content)
    assert main(["understand", "--gesture", str(path)]) == 2
    assert message in capsys.readouterr().err


@pytest.fixture(scope="module")
def language_run(tmp_path_factory):
    from conftest import TINY_PPO_OVERRIDES

    run_dir = tmp_path_factory.mktemp("command") / "run"
    config = load_config("reach_ppo", TINY_PPO_OVERRIDES + ["env.commands=language", "train.video=false", f"run.dir={run_dir}"])
    train(config, log=lambda *a, **k: None)
    return run_dir


def test_command_runs_one_episode_per_text_and_writes_videos(language_run, tmp_path, capsys, monkeypatch):
    import io

    assert main(["command", str(language_run), "--say", "could you touch the azure block", "--out-dir", str(tmp_path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["understood"] == {"task": "reach", "color": "blue", "shape": "cube", "destination": None}
    assert isinstance(result["success"], bool) and (tmp_path / "command_10000_0.mp4").is_file()
    env = gym.make("robocue/Reach-MuJoCo-v0")
    command = env.reset(seed=result["seed"])[1]["command"]
    assert (command["color"], command["shape"]) == ("blue", "cube")

    monkeypatch.setattr("sys.stdin", io.StringIO("reach the red ball\npush the red cube left\n\ntouch the green one\n"))
    assert main(["command", str(language_run), "--out-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [line["understood"]["color"] for line in lines] == ["red", "green"]
    assert "this agent does reach; the words ask for push" in captured.err


def test_command_refuses_what_it_did_not_understand_and_the_repl_asks(language_run, tmp_path, capsys, monkeypatch):
    import io

    assert main(["command", str(language_run), "--say", "touch the red ball and the blue cube", "--out-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err == "robocue command: error: Which one: the red ball or the blue cube?\n" and not captured.out
    monkeypatch.setattr("sys.stdin", io.StringIO("flibber the quux zorp\ntouch the green one\n"))
    assert main(["command", str(language_run), "--out-dir", str(tmp_path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == {"said": "flibber the quux zorp", "understood": False, "question": "Sorry, what should I do?"}
    assert lines[1]["understood"]["color"] == "green" and isinstance(lines[1]["success"], bool)


def test_command_refuses_one_hot_agents_and_gestures(language_run, tmp_path, tiny_ppo_overrides, capsys):
    one_hot = tmp_path / "onehot"
    train(load_config("reach_ppo", tiny_ppo_overrides + ["train.video=false", f"run.dir={one_hot}"]), log=lambda *a, **k: None)
    assert main(["command", str(one_hot), "--say", "reach the red ball"]) == 2
    assert "trained on one-hot commands" in capsys.readouterr().err
    assert main(["command", str(language_run), "--gesture", "clip.npy"]) == 2
    assert "trained with env.commands=language, so it cannot see gestures" in capsys.readouterr().err


@pytest.mark.parametrize("env_id", ["robocue/Reach-MuJoCo-v0", "robocue/Push-MuJoCo-v0", "robocue/GoTo-MuJoCo-v0"])
def test_gesture_commands_point_at_the_target_and_swipe_to_the_destination(env_id):
    from robocue.perception.command_channels import GestureCommands

    env = GestureCommands(gym.make(env_id))
    observation, info = env.reset(seed=4)
    assert observation in env.observation_space and env.observation_layout["command"] == 19  # as spoken beliefs
    command = info["command"]
    labels = [g["label"] for g in command["gestures"]]
    assert command["shown"][0] == "point" and labels[0] == "point"
    if command["destination"]:
        assert command["shown"][1].startswith("swipe_") and labels[-1] == command["shown"][1]
    features = observation[-19:]
    assert features[5:10].sum() == pytest.approx(1.0) and features[10:14].sum() == pytest.approx(1.0)
    assert command["understood_color"] == command["color"]  # this scene's point picks the target
    assert features[5 + ["red", "green", "blue", "yellow"].index(command["color"])] == 1.0  # decoded: the robot commits
    shape = info["command"]["shape"]
    assert features[10 + ["cube", "ball", "cylinder"].index(shape)] == 1.0
    destination = [None] * 5
    destination[["left", "right", "front", "back", None].index(command["destination"])] = 1
    np.testing.assert_array_equal(features[-5:], [v or 0 for v in destination])
    # The recognised direction (in the camera's rolled image) is the intended one up to the
    # performer's camera roll (at most 15 degrees) and noise.
    pointed = next(g["direction_deg"] for g in command["gestures"] if g["label"] == "point")
    assert abs((pointed - command["pointed_at_deg"] + 180) % 360 - 180) < 25
    assert command["performer"] % 5 != 0  # a training performer
    soft = GestureCommands(gym.make(env_id), features="belief")
    soft_features = soft.reset(seed=4)[0][-19:]
    assert soft_features[5:10].max() < 1.0 and soft_features[5:10].argmax() == features[5:10].argmax()


def test_the_person_steps_to_where_the_target_stands_out():
    from robocue.envs.person import STANCES, angle_error, choose_stance, pointing_direction
    from robocue.perception.command_channels import pointing_belief

    # Two objects in a line from across the table: from there the point is ambiguous; the
    # person steps to the side, from where the two lie far apart.
    target, other = (0.35, 0.0), (0.5, 0.0)
    stance = choose_stance("push", target, [other])
    assert stance != STANCES["push"][0] and stance in STANCES["push"]
    gap = angle_error(pointing_direction("push", target, stance), pointing_direction("push", other, stance))
    assert gap > 20.0  # (from straight across the table: 0)
    assert angle_error(pointing_direction("push", target), pointing_direction("push", other)) == pytest.approx(0.0)
    objects = {"red": ("cube", np.array(target)), "blue": ("ball", np.array(other))}
    colors, shapes = pointing_belief(objects, pointing_direction("push", target, stance), stance, "push")
    assert colors[0] > 0.99 and shapes[0] > 0.99  # red, cube: 21 deg apart, sigma 5 deg
    colors, shapes = pointing_belief(objects, None, stance, "push")
    assert colors[-1] == shapes[-1] == 1.0  # no point: "not said"
    # one object: any stance will do, and the first is kept
    assert choose_stance("go_to", (0.5, 0.5), []) == STANCES["go_to"][0]


def test_simulated_point_turns_the_camera_roll_back():
    """The env's simulated person and the ceiling script share ``simulated_point``: the
    recognised direction, the roll turned back, lands near the bearing pointed at; left in,
    it is off by about the roll; with a level camera, turning back changes nothing."""
    from robocue.envs.person import angle_error, choose_stance, pointing_direction
    from robocue.perception import gestures
    from robocue.perception.command_channels import simulated_point

    encoder, pool = gestures.load_default_gesture_encoder(), gestures.performers("train")
    objects = {"red": ("cube", np.array((0.35, 0.0))), "blue": ("ball", np.array((0.5, 0.0)))}
    args = (encoder, pool, "push", objects, objects["red"][1], "red")
    for seed in range(4):
        point = simulated_point(np.random.default_rng(seed), *args)
        assert point["stance"] == choose_stance("push", objects["red"][1], [objects["blue"][1]])
        assert point["bearing_deg"] == pointing_direction("push", objects["red"][1], point["stance"])
        assert angle_error(point["direction_deg"], point["bearing_deg"]) < 10.0
        roll = gestures.Performer.from_seed(point["performer"]).roll_deg
        kept = simulated_point(np.random.default_rng(seed), *args, turn_back_roll=False)
        assert kept["performer"] == point["performer"]
        assert angle_error(kept["direction_deg"] - roll, point["direction_deg"]) < 1e-6
        level = [simulated_point(np.random.default_rng(seed), *args, roll_scale=0.0, turn_back_roll=turn) for turn in (True, False)]
        assert level[0]["direction_deg"] == pytest.approx(level[1]["direction_deg"])


def test_gesture_heldout_split_uses_held_out_performers():
    from robocue.perception.command_channels import GestureCommands

    env = GestureCommands(gym.make("robocue/Reach-MuJoCo-v0"), split="gesture-heldout")
    for seed in range(5):
        assert env.reset(seed=seed)[1]["command"]["performer"] % 5 == 0
    with pytest.raises(ValueError, match="gesture split 'train'"):
        GestureCommands(gym.make("robocue/Reach-MuJoCo-v0"), split="train")


def test_pointing_direction_convention():
    from robocue.envs.person import pointing_direction

    assert pointing_direction("reach", (0.4, 0.0)) == pytest.approx(90.0)  # straight ahead of the person
    assert pointing_direction("reach", (0.4, -0.3)) < 90.0  # the person's left (they face -x)
    assert pointing_direction("go_to", (0.5, 0.0)) > 90.0  # east of the arena, seen from the south: their right


def test_say_can_name_the_object_by_color_alone():
    from robocue.envs.commands import Command
    from robocue.perception.language import SHAPE_WORDS, say

    command = Command("push", "red", "ball", "left")
    for seed in range(20):
        text = say(command, seed, omit_shape=True).lower()
        assert not any(word in text for word in SHAPE_WORDS["ball"]), text
    assert say(command, 3) == say(command, 3, omit_shape=False)  # the default is unchanged


def test_training_envs_omit_shapes_and_evaluation_envs_never_do():
    from robocue.agents.agent import make_env
    from robocue.configs import load_config
    from robocue.perception.command_channels import SpokenCommands

    config = load_config("reach_language_ppo", ["env.omit_shape=1.0"])
    for for_training, expect_none in ((True, True), (False, False)):
        env = make_env(config, for_training=for_training)
        spoken = env
        while not isinstance(spoken, SpokenCommands):
            spoken = spoken.env
        _, info = env.reset(seed=0)
        understood = spoken.encoder.understand(info["command"]["utterance"])
        assert (understood["shape"] is None) == expect_none, info["command"]["utterance"]
        env.close()


def test_omit_shape_needs_language_commands():
    from robocue.configs import ConfigError, load_config

    with pytest.raises(ConfigError, match="omit_shape"):
        load_config("reach_ppo", ["env.omit_shape=0.3"])


def test_command_features_need_language_commands():
    from robocue.configs import ConfigError, load_config

    with pytest.raises(ConfigError, match="'env.command_features=embedding' applies to env.commands=language only .* decoded or belief"):
        load_config("reach_gesture_ppo", ["env.command_features=embedding"])
    assert load_config("reach_gesture_ppo").env.command_features == "decoded"  # the default; gestures ignore it


def test_decoded_features_read_an_outside_phrasing_as_the_grammar_sentence_it_means():
    env = SpokenCommands(gym.make("robocue/Push-MuJoCo-v0"))
    assert env.features == "decoded"
    outside, grammar = env._read("frobnicate the green cylinder to the left"), env._read("push the green cylinder to the left")
    np.testing.assert_array_equal(outside, grammar)
    assert sorted(set(outside.tolist())) == [0.0, 1.0] and outside.sum() == len(DECODER_FIELDS)
    env.features = "belief"  # the encoder is less sure of the verb it never trained on (colour, shape, place: named once)
    from robocue.perception.command_channels import BELIEF_FIELDS

    offset, size = BELIEF_FIELDS["task"]
    unsure, sure = env._read("frobnicate the green cylinder to the left"), env._read("push the green cylinder to the left")
    assert unsure[offset : offset + size].max() < sure[offset : offset + size].max() == 1.0
