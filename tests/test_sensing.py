"""Domain randomisation, depth images, the robots' own cameras and shaped rewards."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from robocue import envs  # noqa: F401  (registers the ids)
from robocue.envs.randomization import DomainRandomization

MUJOCO = "MuJoCo"
TASK_NAMES = ("Reach", "Push", "PickAndPlace", "GoTo", "Maze")
ROBOT_CAMERA = {"Reach": "wrist", "Push": "wrist", "PickAndPlace": "wrist", "GoTo": "ego", "Maze": "ego"}


def _object_positions(env) -> np.ndarray:
    return np.asarray(env.unwrapped.task.observation(env.unwrapped.engine, env.unwrapped.robot))


@pytest.mark.parametrize("task", TASK_NAMES)
def test_randomisation_keeps_the_scene_and_changes_the_looks(task):
    plain = gym.make(f"robocue/{task}Pixels-{MUJOCO}-v0")
    jittered = gym.make(f"robocue/{task}Pixels-{MUJOCO}-v0", domain_randomization=True)
    a, info_a = plain.reset(seed=5)
    b, info_b = jittered.reset(seed=5)
    assert info_a["command"] == info_b["command"]
    np.testing.assert_allclose(_object_positions(plain), _object_positions(jittered))
    assert np.abs(a["pixels"].astype(int) - b["pixels"]).mean() > 1.0
    plain.close()
    jittered.close()


def test_randomisation_does_not_compound_across_episodes():
    env = gym.make("robocue/Push-MuJoCo-v0", domain_randomization={"color": 0.0, "light": 0.0, "camera": 0.0})
    model = env.unwrapped.engine.model
    nominal_mass = model.body_mass.copy()
    nominal_friction = model.geom_friction[:, 0].copy()
    for seed in range(20):
        env.reset(seed=seed)
        mass_ratio = model.body_mass[nominal_mass > 0] / nominal_mass[nominal_mass > 0]
        assert np.all((mass_ratio >= 0.7 - 1e-9) & (mass_ratio <= 1.3 + 1e-9))
        friction_ratio = model.geom_friction[:, 0] / nominal_friction
        assert np.all((friction_ratio >= 0.7 - 1e-9) & (friction_ratio <= 1.3 + 1e-9))
    assert not np.allclose(model.body_mass, nominal_mass), "object masses were never changed"
    env.close()


def test_randomisation_is_off_by_default_and_seeded():
    env = gym.make("robocue/ReachPixels-MuJoCo-v0")
    assert env.unwrapped.randomization is None
    first = gym.make("robocue/ReachPixels-MuJoCo-v0", domain_randomization=True).reset(seed=2)[0]["pixels"]
    second = gym.make("robocue/ReachPixels-MuJoCo-v0", domain_randomization=True).reset(seed=2)[0]["pixels"]
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize(
    "option, message",
    [
        ({"colour": 0.1}, "no field 'colour'"),
        ({"mass": 2.0}, "mass=2.0 must be a number between 0 and 0.9"),
        ({"camera": 0.5}, "camera=0.5 must be a number between 0 and 0.1"),
        ("yes", "must be true, false or a dict"),
    ],
)
def test_bad_randomisation_options_name_the_problem(option, message):
    with pytest.raises(ValueError, match=message):
        gym.make("robocue/Reach-MuJoCo-v0", domain_randomization=option)


def test_randomisation_option_forms():
    assert DomainRandomization.from_option(None) is None
    assert DomainRandomization.from_option(False) is None
    assert DomainRandomization.from_option(True) == DomainRandomization()
    assert DomainRandomization.from_option({"mass": 0.0}).mass == 0.0


@pytest.mark.parametrize("mode", ["Pixels", "PixelsState"])
def test_depth_image_is_uint8_and_scaled_to_the_range(mode):
    env = gym.make(f"robocue/Reach{mode}-MuJoCo-v0", depth=True, depth_range=3.0)
    observation, _ = env.reset(seed=0)
    assert env.observation_space["depth"].shape == (84, 84, 1)
    assert observation["depth"].dtype == np.uint8 and observation["depth"].shape == (84, 84, 1)
    assert observation in env.observation_space
    # The overview camera sits about 1.2-2 m from the table: depth reads well inside the range.
    table_depth = float(np.median(observation["depth"])) * 3.0 / 255
    assert 0.5 < table_depth < 2.5
    env.close()


def test_depth_needs_a_pixel_mode():
    with pytest.raises(ValueError, match="depth=True adds a depth image"):
        gym.make("robocue/Reach-MuJoCo-v0", depth=True)


@pytest.mark.parametrize("task", TASK_NAMES)
def test_the_robot_camera_moves_with_the_robot(task):
    env = gym.make(f"robocue/{task}Pixels-{MUJOCO}-v0", policy_camera=ROBOT_CAMERA[task])
    first, _ = env.reset(seed=0)
    for _ in range(10):
        last = env.step(np.ones(env.action_space.shape, dtype=np.float32))[0]
    assert np.abs(first["pixels"].astype(int) - last["pixels"]).mean() > 2.0
    env.close()


@pytest.mark.parametrize("task, term", [("Push", "approach"), ("PickAndPlace", "approach"), ("GoTo", "detour"), ("Maze", "detour")])
def test_shaped_reward_is_dense_plus_the_shaping_terms(task, term):
    env = gym.make(f"robocue/{task}-MuJoCo-v0", reward_type="shaped")
    env.reset(seed=0)
    for _ in range(5):
        _, reward, _, _, info = env.step(env.action_space.sample())
        assert info[term] <= 0.0
        assert info["success_bonus"] == (1.0 if info["is_success"] else 0.0)
        assert reward == info["reward_shaped"] == pytest.approx(info["reward_dense"] + info[term] + info["success_bonus"])
    env.close()


def test_maze_shaped_reward_is_minus_the_distance_through_the_maze():
    env = gym.make("robocue/Maze-MuJoCo-v0", reward_type="shaped")
    env.reset(seed=0)
    task = env.unwrapped.task
    _, reward, _, _, info = env.step(np.zeros(2, dtype=np.float32))
    assert -(reward - info["success_bonus"]) >= info["distance"] - 1e-6  # never shorter than the straight line
    assert info["success_bonus"] - reward == pytest.approx(
        task.path_length(env.unwrapped.robot, env.unwrapped.robot.base_position(env.unwrapped.engine))
    )
    env.close()


def test_shaped_reward_is_refused_for_goal_envs():
    with pytest.raises(ValueError, match="goal envs"):
        gym.make("robocue/PushGoal-MuJoCo-v0", reward_type="shaped")


def test_shaped_reward_pays_the_success_bonus_on_success():
    env = gym.make("robocue/Reach-MuJoCo-v0", reward_type="shaped")
    env.reset(seed=0)
    task, engine, robot = env.unwrapped.task, env.unwrapped.engine, env.unwrapped.robot
    successes = []
    for _ in range(50):
        _, reward, _, _, info = env.step(task.expert_action(engine, robot))
        if info["is_success"]:
            successes.append(reward)
            assert reward == pytest.approx(info["reward_dense"] + 1.0)
    assert successes, "the expert never reached the object"
    env.close()


def test_goto_detour_is_the_planned_path_excess():
    env = gym.make("robocue/GoTo-MuJoCo-v0", reward_type="shaped")
    detours = []
    for seed in range(6):
        env.reset(seed=seed)
        task, robot, engine = env.unwrapped.task, env.unwrapped.robot, env.unwrapped.engine
        _, reward, _, _, info = env.step(np.zeros(2, dtype=np.float32))
        position = robot.base_position(engine)
        assert task.path_length(robot, position) >= info["distance"] - 1e-6
        assert reward == pytest.approx(-task.path_length(robot, position) + info["success_bonus"])
        detours.append(info["detour"])
    assert min(detours) < -0.01, "no seed had an obstacle in the way"
    env.close()
