"""Every registered env: API conformance, determinism, info contents, rewards, solvability, rendering."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

from robocue import envs
from robocue.envs import ENV_IDS, ENV_SPECS, RobocueEnv

STATE_IDS = [env_id for env_id in ENV_IDS if ENV_SPECS[env_id]["obs_mode"] == "state"]
COMMAND_KEYS = {"task", "color", "shape", "destination", "text"}


@pytest.fixture(params=ENV_IDS)
def env_id(request):
    return request.param


def make(env_id, **kwargs):
    return gym.make(env_id, **kwargs)


def random_actions(env, n, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(env.action_space.low, env.action_space.high).astype(np.float32) for _ in range(n)]


def rollout(env, seed, actions):
    observation, info = env.reset(seed=seed)
    observations, rewards, infos = [observation], [], [info]
    for action in actions:
        observation, reward, terminated, truncated, info = env.step(action)
        observations.append(observation)
        rewards.append(reward)
        infos.append(info)
    return observations, rewards, infos


def scripted_action(unwrapped):
    """The task's scripted expert."""
    return unwrapped.task.expert_action(unwrapped.engine, unwrapped.robot).astype(np.float32)


def arrays(observation) -> list[np.ndarray]:
    """The arrays of an observation, flat Box or Dict, in a fixed order."""
    if isinstance(observation, dict):
        return [np.asarray(observation[key]) for key in sorted(observation)]
    return [np.asarray(observation)]


def assert_same_observation(a, b):
    for x, y in zip(arrays(a), arrays(b), strict=True):
        np.testing.assert_array_equal(x, y)


def test_env_ids_are_registered():
    assert ENV_IDS, "no env ids"
    for env_id in ENV_IDS:
        assert env_id in gym.registry
        assert gym.spec(env_id).max_episode_steps == ENV_SPECS[env_id]["max_episode_steps"]


@pytest.mark.parametrize("engine", ["MuJoCo", "PyBullet"])
def test_step_or_render_before_reset_raises_reset_needed(engine):
    # Registered without Gymnasium's OrderEnforcing wrapper (a call on every step): the env checks.
    env = make(f"robocue/Reach-{engine}-v0", render_mode="rgb_array")
    with pytest.raises(gym.error.ResetNeeded, match="before calling env.reset"):
        env.step(env.action_space.sample())
    with pytest.raises(gym.error.ResetNeeded, match="before calling env.reset"):
        env.render()
    env.reset(seed=0)
    env.step(env.action_space.sample())
    assert env.render().shape == (360, 480, 3)
    env.close()


def test_gymnasium_env_checker_passes(env_id):
    env = make(env_id)
    try:
        gym_check_env(env.unwrapped)
    finally:
        env.close()


def test_sb3_env_checker_passes(env_id):
    env = make(env_id)
    try:
        sb3_check_env(env.unwrapped, warn=False)
    finally:
        env.close()


def test_spaces_and_observations(env_id):
    env = make(env_id)
    observation, _ = env.reset(seed=0)
    assert env.observation_space.contains(observation)
    for array in arrays(observation):
        assert array.dtype in (np.float32, np.uint8) and np.isfinite(array).all()
    observation, reward, terminated, truncated, _ = env.step(env.action_space.sample())
    assert env.observation_space.contains(observation)
    assert isinstance(reward, float)
    env.close()


def test_episode_is_truncated_at_the_registered_length(env_id):
    env = make(env_id)
    env.reset(seed=0)
    steps, done = 0, False
    while not done:
        _, _, terminated, truncated, _ = env.step(np.zeros(env.action_space.shape, np.float32))
        steps += 1
        done = terminated or truncated
    assert steps <= ENV_SPECS[env_id]["max_episode_steps"]
    assert truncated or terminated
    env.close()


def test_same_seed_and_actions_give_identical_rollouts(env_id):
    first, second = make(env_id), make(env_id)
    actions = random_actions(first, 30, seed=123)
    obs_a, rewards_a, infos_a = rollout(first, 7, actions)
    obs_b, rewards_b, infos_b = rollout(second, 7, actions)
    for a, b in zip(obs_a, obs_b, strict=True):
        assert_same_observation(a, b)
    assert rewards_a == rewards_b
    assert infos_a == infos_b
    # Re-seeding the same env replays it exactly as well.
    obs_c, rewards_c, infos_c = rollout(first, 7, actions)
    for a, c in zip(obs_a, obs_c, strict=True):
        assert_same_observation(a, c)
    assert rewards_a == rewards_c and infos_a == infos_c
    first.close()
    second.close()


def test_different_seeds_give_different_scenes(env_id):
    env = make(env_id)
    first_observations = [env.reset(seed=seed)[0] for seed in range(5)]
    for i in range(5):
        for j in range(i + 1, 5):
            different = any(not np.array_equal(x, y) for x, y in zip(arrays(first_observations[i]), arrays(first_observations[j])))
            assert different, (i, j)
    env.close()


def test_info_contents(env_id):
    env = make(env_id)
    _, info = env.reset(seed=0)
    infos = [info] + [env.step(a)[4] for a in random_actions(env, 5, seed=0)]
    for info in infos:
        assert isinstance(info["is_success"], bool)
        for key in ("distance", "reward_dense", "reward_sparse"):
            assert isinstance(info[key], float) and np.isfinite(info[key])
        assert info["distance"] >= 0
        command = info["command"]
        assert COMMAND_KEYS <= set(command)
        assert command["color"] in command["text"] and command["shape"] in command["text"]
        assert command == infos[0]["command"], "the command changed within an episode"
    env.close()


@pytest.mark.parametrize("reward_type", ["dense", "sparse"])
def test_reward_terms_are_consistent(env_id, reward_type):
    """info's terms agree with each other: dense = -distance, sparse = 0 exactly on success."""
    env = make(env_id, reward_type=reward_type)
    _, info = env.reset(seed=1)
    infos = [info]
    for _ in range(40):
        infos.append(env.step(scripted_action(env.unwrapped))[4])
    for info in infos:
        assert info["reward_dense"] == pytest.approx(-info["distance"])
        assert info["reward_sparse"] in (-1.0, 0.0)
        assert (info["reward_sparse"] == 0.0) == info["is_success"]
    env.close()


@pytest.mark.parametrize("reward_type", ["dense", "sparse"])
def test_reward_is_the_selected_term_of_the_same_step(env_id, reward_type):
    """The reward step() returns is info's reward_<reward_type> for the state that step reached."""
    env = make(env_id, reward_type=reward_type)
    env.reset(seed=1)
    for _ in range(40):  # the scripted arm reaches the goal, so the sparse reward changes too
        _, reward, _, _, info = env.step(scripted_action(env.unwrapped))
        assert reward == info[f"reward_{reward_type}"]
    env.close()


@pytest.mark.parametrize("state_id", STATE_IDS)
def test_expert_solves_the_task(state_id):
    """The task's scripted expert succeeds on 9 of 10 seeded episodes: the task is solvable.

    (Observation modes share the task, so the state ids cover them; 100-episode rates are
    measured by `robocue eval --expert` and reported in docs/notes/benchmarks.md.)"""
    env = make(state_id)
    successes = 0
    for seed in range(10):
        env.reset(seed=seed)
        done, info = False, {}
        while not done:
            _, _, terminated, truncated, info = env.step(scripted_action(env.unwrapped))
            done = terminated or truncated
        successes += info["is_success"]
    assert successes >= 9, f"the expert succeeded on {successes}/10 episodes"
    env.close()


@pytest.mark.parametrize("state_id", STATE_IDS)
def test_doing_nothing_does_not_succeed(state_id):
    """Success is not free: a robot that stays still fails most episodes (the check can fail)."""
    env = make(state_id)
    successes = 0
    for seed in range(10):
        env.reset(seed=seed)
        for _ in range(20):
            _, _, _, _, info = env.step(np.zeros(env.action_space.shape, np.float32))
        successes += info["is_success"]
    assert successes <= 2
    env.close()


@pytest.mark.parametrize("size", [(96, 72), (64, 100)])
def test_render_rgb_array(env_id, size):
    width, height = size
    env = make(env_id, render_mode="rgb_array", render_width=width, render_height=height)
    env.reset(seed=0)
    frame = env.render()
    assert isinstance(frame, np.ndarray)
    assert frame.dtype == np.uint8
    assert frame.shape == (height, width, 3)
    assert frame.std() > 5, "the frame is (nearly) uniform"
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 20
    env.close()


def test_render_without_render_mode_returns_none(env_id):
    env = make(env_id)
    env.reset(seed=0)
    assert env.render() is None
    env.close()


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"task": "juggle"}, "task"),
        ({"engine": "bullet-time"}, "engine"),
        ({"obs_mode": "telepathy"}, "obs_mode"),
        ({"render_mode": "human"}, "render_mode"),
        ({"reward_type": "lavish"}, "reward_type"),
        ({"camera": "no_such_camera"}, "camera"),
        ({"n_objects": 0}, "n_objects"),
        ({"n_objects": 99}, "n_objects"),
    ],
)
def test_bad_constructor_kwargs_raise_value_error(env_id, bad, field):
    kwargs = {**gym.spec(env_id).kwargs, **bad}
    with pytest.raises(ValueError, match=field):
        RobocueEnv(**kwargs)


def test_registry_matches_the_env_class(env_id):
    env = make(env_id)
    assert isinstance(env.unwrapped, envs.RobocueEnv)
    env.close()


@pytest.mark.parametrize("engine", ["mujoco", "pybullet"])
def test_reach_resets_park_every_object_not_in_the_scene(engine):
    """Resets park only last episode's objects (the rest never moved): over many resets,
    every object is either placed where the task says or parked below the table, and
    MuJoCo hides the parked ones from the cameras."""
    from robocue.envs.commands import COLORS, SHAPES
    from robocue.envs.tasks.reach import object_name

    env = RobocueEnv(task="reach", engine=engine)
    try:
        for seed in range(8):
            env.reset(seed=seed)
            for color in COLORS:
                for shape in SHAPES:
                    name = object_name(color, shape)
                    position = env.engine.body_position(name)
                    if env.task.placed.get(color, (None,))[0] == shape:
                        np.testing.assert_allclose(position, env.task.placed[color][1], atol=1e-6)
                    else:
                        assert position[2] < -1.0, (seed, name, position)
                    if engine == "mujoco":
                        shown = env.engine.model.geom_rgba[env.engine._body_geoms(name), 3].max() > 0
                        assert shown == (env.task.placed.get(color, (None,))[0] == shape), (seed, name)
    finally:
        env.close()


def test_object_token_noise_moves_each_object_consistently():
    """Token noise shifts every present object's world x, y and its offset from the tip
    by the same draw, leaves absent tokens, the robot and the command alone, and repeats
    with the seed; make_env applies it to training envs only."""
    from robocue.agents.agent import make_env
    from robocue.configs import load_config
    from robocue.envs.wrappers import ObjectTokenNoise

    clean = gym.make("robocue/Push-MuJoCo-v0")
    noisy = ObjectTokenNoise(gym.make("robocue/Push-MuJoCo-v0"), std=0.01)
    layout = clean.unwrapped.observation_layout
    n, dim = layout["objects"]
    start, end = layout["robot"], layout["robot"] + n * dim
    a, _ = clean.reset(seed=4)
    b, _ = noisy.reset(seed=4)
    again, _ = noisy.reset(seed=4)
    np.testing.assert_array_equal(b, again)
    np.testing.assert_array_equal(a[:start], b[:start])
    np.testing.assert_array_equal(a[end:], b[end:])
    tokens_a, tokens_b = a[start:end].reshape(n, dim), b[start:end].reshape(n, dim)
    present = tokens_a[:, 0] == 1
    shift = tokens_b[:, 1:4] - tokens_a[:, 1:4]
    np.testing.assert_allclose(tokens_b[:, 4:7] - tokens_a[:, 4:7], shift, atol=1e-6)
    assert np.all(np.abs(shift[present][:, :2]) > 0) and np.all(shift[~present] == 0) and np.all(shift[:, 2] == 0)
    assert 0.001 < np.abs(shift[present]).mean() < 0.05
    np.testing.assert_array_equal(tokens_a[:, 7:], tokens_b[:, 7:])
    with pytest.raises(ValueError, match="table task"):
        ObjectTokenNoise(gym.make("robocue/GoTo-MuJoCo-v0"), std=0.01)
    config = load_config("push_dagger", ["env.token_noise=0.01"])
    assert any(isinstance(w, ObjectTokenNoise) for w in _wrappers(make_env(config, for_training=True)))
    assert not any(isinstance(w, ObjectTokenNoise) for w in _wrappers(make_env(config)))


def _wrappers(env):
    while isinstance(env, gym.Wrapper):
        yield env
        env = env.env


@pytest.mark.parametrize("engine", ["mujoco", "pybullet"])
@pytest.mark.parametrize("task", ["go_to", "maze"])
def test_navigation_resets_park_what_the_scene_does_not_use(task, engine):
    """Over consecutive resets exactly the bodies of the current scene (landmarks and
    obstacles, or walls and markers) are away from the parking spot."""
    env = RobocueEnv(task=task, engine=engine)
    try:
        parking = env.task.parking
        for seed in range(5):
            env.reset(seed=seed)
            used = set(parking.shown)
            if task == "maze":
                assert set(env.task.walls) <= used
            for name in [*used, *(n for n in _all_parked_names(env.task) if n not in used)]:
                parked = np.allclose(env.engine.body_position(name), parking.spot, atol=1e-6)
                assert parked == (name not in used), (seed, name)
    finally:
        env.close()


def _all_parked_names(task):
    from robocue.envs.commands import COLORS, SHAPES
    from robocue.envs.tasks.go_to import OBSTACLE_HALF_SIZES, landmark_name, obstacle_name
    from robocue.envs.tasks.maze import marker_name

    if task.name == "go_to":
        return [landmark_name(c, s) for c in COLORS for s in SHAPES] + [obstacle_name(i) for i in range(len(OBSTACLE_HALF_SIZES))]
    return [name for name, *_ in task.wall_segments()] + [marker_name(c, s) for c in COLORS for s in SHAPES]


def test_terminate_on_success_ends_the_episode_at_the_first_success():
    """terminate_on_success=True ends the episode at the first step that succeeds (panda-gym's rule); by default it runs on."""
    ends = {}
    for terminate in (False, True):
        env = gym.make("robocue/Reach-MuJoCo-v0", terminate_on_success=terminate)
        env.reset(seed=0)
        for step in range(1, 200):
            _, _, terminated, truncated, info = env.step(scripted_action(env.unwrapped))
            if info["is_success"] and "first" not in ends.get(terminate, {}):
                ends.setdefault(terminate, {})["first"] = step
            if terminated or truncated:
                ends[terminate]["end"], ends[terminate]["terminated"] = step, terminated
                break
        env.close()
    assert ends[True]["terminated"] and ends[True]["end"] == ends[True]["first"]
    assert not ends[False]["terminated"] and ends[False]["end"] > ends[False]["first"]  # truncated at the time limit


@pytest.mark.parametrize("engine", ["mujoco", "pybullet"])
def test_physics_substeps_keep_the_control_period(engine):
    env = RobocueEnv(task="push", engine=engine, physics_substeps=40)
    try:
        assert env.engine.control_dt == pytest.approx(0.04) and env.scene.timestep == pytest.approx(0.001)
        env.reset(seed=0)
        env.step(np.zeros(3, np.float32))
    finally:
        env.close()
    for bad in (0, 2.5, True, 1000):
        with pytest.raises(ValueError, match=f"physics_substeps={bad!r} must be a whole number from 1 to 200"):
            RobocueEnv(task="push", engine=engine, physics_substeps=bad)


def test_finer_physics_steps_keep_a_struck_cube_with_the_tip():
    """At 5 ms steps a 80 g cube struck by the tool tip leaves at up to twice the tip's speed; at 1 ms far less."""
    from robocue.envs.tasks.base import place

    fastest = {}
    for substeps in (8, 40):
        env = RobocueEnv(task="push", tip_height=0.02, physics_substeps=substeps, n_objects=1, shapes=["cube"])
        try:
            env.reset(seed=0)
            body = env.task._target_body
            place(env.engine, body, (0.40, 0.0, 0.025))
            env.robot.reset(env.engine, tip=np.array([0.33, 0.0, 0.02]))
            env.engine.forward()
            cube = [0.40]
            for _ in range(6):  # half steps along x: the tip moves 2.5 cm per step
                env.step(np.array([0.5, 0.0, 0.0], np.float32))
                cube.append(float(env.task.object_position(env.engine)[0]))
            fastest[substeps] = float(np.diff(cube).max()) * 100
        finally:
            env.close()
    assert fastest[8] > 4.5 and fastest[40] < 3.8, fastest
