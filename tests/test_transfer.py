"""Physics randomisation, fixed physics variants, training across engines and the transfer
evaluation (docs/transfer.md): seeded, in both engines, ranges checked before a run starts."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest

from robocue import envs  # noqa: F401  (registers the ids)
from robocue.envs.randomization import PHYSICS_VARIANTS, DomainRandomization, PhysicsVariant
from robocue.envs.wrappers import EngineMix

PUSH = {"mujoco": "robocue/Push-MuJoCo-v0", "pybullet": "robocue/Push-PyBullet-v0"}
PHYSICS_ONLY = {"color": 0.0, "light": 0.0, "camera": 0.0}


@pytest.mark.parametrize(
    "option, message",
    [
        ({"latency": 1.5}, "latency=1.5 must be a whole number"),
        ({"latency": 11}, "latency=11 must be a number between 0 and 10"),
        ({"action_noise": 0.6}, "action_noise=0.6 must be a number between 0 and 0.5"),
        ({"gain": -0.1}, "gain=-0.1 must be a number between 0 and 0.9"),
        ({"gain": True}, "gain=True must be a number"),
        ({"grip": 0.1}, "no field 'grip'"),
    ],
)
def test_randomization_ranges_are_checked(option, message):
    with pytest.raises(ValueError, match=message):
        DomainRandomization.from_option(option)


@pytest.mark.parametrize(
    "text, message",
    [
        ("friction=0.05", "friction=0.05 must be a factor between 0.1 and 10"),
        ("latency=1.5", "not a number"),
        ("latency=12", "latency=12 must be a whole number"),
        ("gravity=2", "no field 'gravity'"),
        ("slippery", "not KEY=VALUE"),
        ("mass=heavy", "mass='heavy' is not a number"),
    ],
)
def test_physics_variant_parse_errors_name_the_key(text, message):
    with pytest.raises(ValueError, match=message):
        PhysicsVariant.parse(text)


def test_physics_variant_parses_names_and_pairs():
    assert PhysicsVariant.parse("held-out") == PhysicsVariant(**PHYSICS_VARIANTS["held-out"])
    assert PhysicsVariant.parse("friction=0.5, latency=2") == PhysicsVariant(friction=0.5, latency=2)


def _kp(engine):
    """The stiffness each engine's arm servos have now (MuJoCo: kp; PyBullet: the motor's position gain)."""
    if engine.name == "mujoco":
        return engine.model.actuator_gainprm[:4, 0].copy()
    return np.array([engine._actuators[name][3][0] for name in list(engine._actuators)[:4]])


@pytest.mark.parametrize("engine", ["mujoco", "pybullet"])
def test_physics_variant_sets_friction_mass_and_gains_without_compounding(engine):
    nominal = gym.make(PUSH[engine]).unwrapped
    nominal.reset(seed=0)
    variant = gym.make(PUSH[engine], physics={"gain": 0.5, "mass": 2.0, "friction": 0.5}).unwrapped
    for seed in (0, 1):  # applied relative to the built scene: the second reset changes nothing more
        variant.reset(seed=seed)
        np.testing.assert_allclose(_kp(variant.engine), 0.5 * _kp(nominal.engine), rtol=1e-6)
    if engine == "mujoco":
        objects = [b for b in range(nominal.engine.model.nbody) if nominal.engine.model.body_jntnum[b] and b > 2]
        free = [b for b in objects if nominal.engine.model.jnt_type[nominal.engine.model.body_jntadr[b]] == 0]
        np.testing.assert_allclose(variant.engine.model.body_mass[free], 2.0 * nominal.engine.model.body_mass[free])
        # the solver's mass-derived constants follow the new masses before the next step
        variant.step(np.zeros(3, dtype=np.float32))
        np.testing.assert_allclose(variant.engine.model.body_invweight0[free, 0], 0.5 * nominal.engine.model.body_invweight0[free, 0])
    nominal.close()
    variant.close()


@pytest.mark.parametrize("engine", ["mujoco", "pybullet"])
def test_latency_holds_the_arm_then_acts_on_old_actions(engine):
    env = gym.make(PUSH[engine], physics={"latency": 2}).unwrapped
    env.reset(seed=3)
    home = env.robot.target.copy()
    move, still = np.array([1.0, 0.0, 0.0], dtype=np.float32), np.zeros(3, dtype=np.float32)
    env.step(move)
    env.step(still)
    np.testing.assert_allclose(env.robot.target, home)  # two steps of latency: nothing acted on yet
    env.step(still)  # now the first action (move) arrives
    assert env.robot.target[0] > home[0]
    env.close()


@pytest.mark.parametrize("engine", ["mujoco", "pybullet"])
def test_physics_randomization_is_seeded(engine):
    option = {**PHYSICS_ONLY, "friction": 0.5, "mass": 0.5, "gain": 0.3, "latency": 2, "action_noise": 0.1}

    def rollout():
        env = gym.make(PUSH[engine], domain_randomization=option)
        env.reset(seed=11)
        kp = _kp(env.unwrapped.engine)
        states = [env.step(np.full(3, 0.3, dtype=np.float32))[0] for _ in range(5)]
        latency = env.unwrapped._latency
        env.close()
        return kp, np.stack(states), latency

    first, second = rollout(), rollout()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert first[2] == second[2]


def test_engine_mix_alternates_by_seed_and_exposes_the_acting_copy():
    env = EngineMix(list(PUSH.values()))
    assert env.engines == ["mujoco", "pybullet"]
    seen = []
    for seed in (4, 5, 6):
        observation, _ = env.reset(seed=seed)
        seen.append(env.unwrapped.engine.name)
        assert env.observation_space.contains(observation)
    assert seen == ["mujoco", "pybullet", "mujoco"]
    env.reset()  # without a seed the engines take turns
    assert env.unwrapped.engine.name == "pybullet"
    env.close()


def test_training_env_gets_randomization_and_engines_but_evaluation_does_not():
    from robocue.agents.agent import make_env
    from robocue.configs import load_config

    config = load_config("push_dagger", ["env.domain_randomization={friction: 0.4}", "env.engines=[mujoco, pybullet]"])
    training = make_env(config, for_training=True)
    training.reset(seed=1)
    assert training.unwrapped.engine.name == "pybullet"
    randomization = training.unwrapped.randomization
    assert randomization.friction == 0.4 and randomization.color == 0 and randomization.gain == 0  # left out: off
    training.close()
    evaluation = make_env(config)
    evaluation.reset(seed=1)
    assert evaluation.unwrapped.randomization is None and evaluation.unwrapped.engine.name == "mujoco"
    evaluation.close()


@pytest.mark.parametrize(
    "override, message",
    [
        ("env.domain_randomization={friction: 1.5}", "'env.domain_randomization': domain_randomization.friction=1.5"),
        ("env.domain_randomization={slip: 0.1}", "'env.domain_randomization': domain_randomization has no field 'slip'"),
        ("env.engines=[mujoco, mujoco]", "'env.engines' lists an engine twice"),
    ],
)
def test_bad_training_physics_stops_before_the_run_folder(tmp_path, override, message):
    from robocue.agents.training import train
    from robocue.configs import ConfigError, load_config

    run_dir = tmp_path / "run"
    with pytest.raises(ConfigError, match=message):
        train(load_config("push_dagger", [override, f"run.dir={run_dir}"]), log=lambda *a, **k: None)
    assert not run_dir.exists()


def test_engines_refuse_the_threaded_vec_env(tmp_path):
    from robocue.agents.training import train
    from robocue.configs import ConfigError, load_config

    with pytest.raises(ConfigError, match="'env.engines' mixing engines needs env.vec_env=dummy or subproc"):
        train(load_config("reach_ppo", ["env.engines=[mujoco, pybullet]", "env.vec_env=threaded", f"run.dir={tmp_path / 'r'}"]))


def test_eval_both_engines_and_physics_variant_write_their_files(tmp_path, tiny_ppo_overrides):
    from robocue.agents.evaluation import evaluate_both_engines, evaluate_run
    from robocue.agents.training import train
    from robocue.configs import ConfigError, load_config

    run_dir = tmp_path / "run"
    overrides = tiny_ppo_overrides + ["train.video=false", f"run.dir={run_dir}", "env.engines=[mujoco, pybullet]"]
    train(load_config("reach_ppo", overrides + ["env.domain_randomization={gain: 0.2, action_noise: 0.05}"]), log=lambda *a, **k: None)
    summary, path = evaluate_both_engines(run_dir, episodes=2, progress=False)
    assert path.name == "transfer.json" and json.loads(path.read_text()) == summary
    assert set(summary["success"]) == {"mujoco", "pybullet"}
    assert summary["gap"] == pytest.approx(summary["success"]["mujoco"] - summary["success"]["pybullet"])
    assert summary["files"] == {"mujoco": "eval.json", "pybullet": "eval_pybullet.json"}
    result, held_out = evaluate_run(run_dir, episodes=2, physics="held-out", progress=False)
    assert held_out.name == "eval_held-out.json" and result["physics"] == PHYSICS_VARIANTS["held-out"]
    summary, path = evaluate_both_engines(run_dir, episodes=1, physics="gain=0.8", progress=False)
    assert path.name == "transfer_physics.json" and summary["physics"]["gain"] == 0.8
    with pytest.raises(ConfigError, match="--physics: physics.mass=0.01 must be a factor"):
        evaluate_run(run_dir, episodes=1, physics="mass=0.01", progress=False)


def test_object_motion_appends_each_objects_velocity_to_its_token():
    from robocue.agents.demonstrations import expert_labels
    from robocue.envs.wrappers import ObjectMotion

    env = ObjectMotion(gym.make(PUSH["mujoco"]))
    base = env.unwrapped.observation_layout
    layout = env.get_wrapper_attr("observation_layout")
    n, dim = layout["objects"]
    assert (n, dim) == (base["objects"][0], base["objects"][1] + 3) and layout["token_fields"] == base["token_fields"]
    start = layout["robot"]

    def tokens(observation):
        return observation[start : start + n * dim].reshape(n, dim)

    observation, _ = env.reset(seed=0)
    assert env.observation_space.contains(observation) and not tokens(observation)[:, -3:].any()  # zeros at reset
    previous = tokens(observation)[:, 1:4].copy()
    for _ in range(30):  # the expert reaches the object and starts pushing it
        observation, *_ = env.step(expert_labels(env))
        now = tokens(observation)
        np.testing.assert_allclose(now[:, -3:], (now[:, 1:4] - previous) / 0.04 * now[:, :1], atol=1e-5)
        previous = now[:, 1:4].copy()
    assert np.abs(tokens(observation)[:, -3:]).max() > 0.01  # the pushed object moves
    assert not tokens(observation)[tokens(observation)[:, 0] == 0][:, -3:].any()  # absent objects: zeros
    env.close()


def test_object_motion_grows_a_goal_envs_observation_and_leaves_its_goals():
    from robocue.envs.wrappers import ObjectMotion

    plain = gym.make("robocue/PushGoal-MuJoCo-v0")
    env = ObjectMotion(gym.make("robocue/PushGoal-MuJoCo-v0"))
    n, dim = env.get_wrapper_attr("observation_layout")["objects"]
    start = env.get_wrapper_attr("observation_layout")["robot"]
    assert env.observation_space["observation"].shape[0] == plain.observation_space["observation"].shape[0] + 3 * n
    grown, _ = env.reset(seed=0)
    original, _ = plain.reset(seed=0)
    assert env.observation_space.contains(grown)
    for _ in range(5):
        action = env.action_space.sample()
        grown, *_ = env.step(action)
        original, *_ = plain.step(action)
    for key in ("achieved_goal", "desired_goal"):
        np.testing.assert_array_equal(grown[key], original[key])
    tokens = grown["observation"][start : start + n * dim].reshape(n, dim)
    np.testing.assert_array_equal(tokens[:, :-3].reshape(-1), original["observation"][start : start + n * (dim - 3)])
    env.close()
    plain.close()


@pytest.mark.parametrize(
    "overrides, message",
    [
        (["env.id=robocue/GoTo-MuJoCo-v0"], "object motion needs a state or goal observation of a table task"),
        (["env.vec_env=threaded"], "'env.object_motion': needs env.vec_env=dummy or subproc"),
    ],
)
def test_object_motion_refuses_what_it_cannot_apply_to(tmp_path, overrides, message):
    from robocue.agents.training import train
    from robocue.configs import ConfigError, load_config

    with pytest.raises(ConfigError, match=message):
        train(load_config("push_dagger", ["env.object_motion=true", *overrides, f"run.dir={tmp_path / 'r'}"]))
    assert not (tmp_path / "r").exists()


def test_a_run_with_object_motion_trains_evaluates_and_exports(tmp_path):
    from robocue.agents.evaluation import evaluate_run
    from robocue.agents.training import train
    from robocue.configs import load_config

    run_dir = tmp_path / "run"
    overrides = [
        "env.object_motion=true",
        "env.domain_randomization={friction: 0.3}",
        "train.imitation.episodes=2",
        "train.imitation.epochs=1",
        "train.imitation.dagger_iterations=1",
        "train.video=false",
        "train.evaluate=false",
        "logging.tensorboard=false",
        f"run.dir={run_dir}",
    ]
    train(load_config("push_dagger", overrides), log=lambda *a, **k: None)
    result, _ = evaluate_run(run_dir, episodes=2, progress=False)
    assert result["physics"] is None
    held, _ = evaluate_run(run_dir, episodes=1, physics="held-out", progress=False)
    assert held["n_episodes"] == 1
    from robocue.agents.export import export_run
    from robocue.agents.onnx_runtime import evaluate_export

    manifest = export_run(run_dir, progress=lambda *a, **k: None)
    assert manifest["object_motion"] is True and manifest["observation_layout"]["objects"][1] == 17
    exported, _ = evaluate_export(run_dir, episodes=2)
    assert [e["success"] for e in exported["episodes"]] == [e["success"] for e in result["episodes"]]
