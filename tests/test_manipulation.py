"""Push and pick-and-place: physical objects, destination regions, the gripper and the experts."""

from __future__ import annotations

import itertools

import gymnasium as gym
import numpy as np
import pytest

from robocue import envs  # noqa: F401  (registers the ids)
from robocue.envs import RobocueEnv
from robocue.envs.commands import COLORS, DESTINATIONS, SHAPES
from robocue.envs.robots.arm import Arm
from robocue.envs.tasks.manipulation import AIR_HEIGHT, PickAndPlaceTask, PushTask
from robocue.envs.tasks.reach import OBJECT_HALF_SIZE, object_name
from robocue.envs.tasks.table import (
    DESTINATION_REGIONS,
    FLOOR_Z,
    MANIPULATION_SPAWN_HIGH,
    MANIPULATION_SPAWN_LOW,
    on_table,
)

TASK_NAMES = ("push", "pick_and_place")
STATE_IDS = {"push": "robocue/Push-MuJoCo-v0", "pick_and_place": "robocue/PickAndPlace-MuJoCo-v0"}


@pytest.fixture(params=TASK_NAMES)
def env(request):
    env = RobocueEnv(task=request.param)
    yield env
    env.close()


def placed_positions(env) -> dict[str, np.ndarray]:
    return {color: env.engine.body_position(object_name(color, shape)) for color, shape in env.task.placed.items()}


def expert_step(env):
    return env.step(env.task.expert_action(env.engine, env.robot))


# --- the table and its regions -------------------------------------------------------
def test_regions_are_on_the_table_reachable_and_clear_of_the_spawn_box():
    assert set(DESTINATION_REGIONS) == set(DESTINATIONS)
    arm = Arm()
    for region in DESTINATION_REGIONS.values():
        assert on_table(region.center, margin=region.radius + 0.05), region
        assert arm.min_radius + 0.05 < np.hypot(*region.center) < arm.max_radius - 0.03, region
        # Nearest point of the spawn box is at least 0.1 m from the centre: no free successes.
        nearest = np.clip(region.center, MANIPULATION_SPAWN_LOW, MANIPULATION_SPAWN_HIGH)
        assert np.hypot(*(nearest - region.center)) >= 0.1, region
    for a, b in itertools.combinations(DESTINATION_REGIONS.values(), 2):
        assert np.hypot(*np.subtract(a.center, b.center)) > a.radius + b.radius + 0.1


def test_destination_convention_is_the_person_at_the_far_side():
    """Left/right as seen from the cameras at +x facing the robot; front is away from the robot."""
    regions = DESTINATION_REGIONS
    assert regions["left"].center[1] < 0 < regions["right"].center[1]
    assert regions["front"].center[0] > regions["back"].center[0]
    assert regions["front"].center[0] > max(regions["left"].center[0], regions["right"].center[0])


# --- scenes ----------------------------------------------------------------------------
def test_objects_rest_on_the_table_after_reset(env):
    for seed in range(5):
        env.reset(seed=seed)
        start = placed_positions(env)
        assert len(start) == env.task.n_objects
        for position in start.values():
            assert position[2] == pytest.approx(OBJECT_HALF_SIZE, abs=1e-3)
            assert on_table(position, margin=0.1)
        for _ in range(20):
            env.step(np.zeros(env.action_space.shape, np.float32))
        for color, position in placed_positions(env).items():
            # Nothing fell through, bounced or slid: at most a millimetre of settling.
            assert np.linalg.norm(position - start[color]) < 2e-3, (seed, color, position)
            assert np.allclose(env.engine.body_velocity(object_name(color, env.task.placed[color])), 0.0, atol=1e-2)


def test_parked_objects_stay_apart_below_the_floor(env):
    env.reset(seed=0)
    for _ in range(100):
        env.step(np.zeros(env.action_space.shape, np.float32))
    parked = [
        env.engine.body_position(object_name(color, shape))
        for color, shape in itertools.product(COLORS, SHAPES)
        if env.task.placed.get(color) != shape
    ]
    assert len(parked) == len(COLORS) * len(SHAPES) - env.task.n_objects
    for position in parked:
        assert position[2] < FLOOR_Z - 1.0
    for a, b in itertools.combinations(parked, 2):
        assert np.linalg.norm(a - b) > 0.4  # falling side by side, never touching


def test_commanded_object_is_in_the_scene_and_the_goal_is_its_region(env):
    for seed in range(10):
        observation, info = env.reset(seed=seed)
        command = env.task.command
        assert command.task == env.task.verb and command.destination in DESTINATIONS
        assert env.task.placed[command.color] == command.shape
        # Its token: present, at the achieved goal, with the right colour and shape.
        robot_dim = env.observation_layout["robot"]
        n_tokens, token_dim = env.observation_layout["objects"]
        tokens = observation[robot_dim : robot_dim + n_tokens * token_dim].reshape(n_tokens, token_dim)
        token = tokens[COLORS.index(command.color)]
        assert token[0] == 1.0
        np.testing.assert_allclose(token[1:4], env.task.achieved_goal(env.engine, env.robot), atol=1e-6)
        assert token[7 + len(COLORS) + SHAPES.index(command.shape)] == 1.0
        goal = env.task.desired_goal(env.engine)
        np.testing.assert_allclose(goal, DESTINATION_REGIONS[command.destination].target(OBJECT_HALF_SIZE))
        assert on_table(goal) and not info["is_success"] and info["distance"] >= 0.1


def test_tokens_follow_moving_objects():
    env = RobocueEnv(task="push")
    observation, _ = env.reset(seed=0)
    for _ in range(40):
        observation, *_ = expert_step(env)
    robot_dim = env.observation_layout["robot"]
    n_tokens, token_dim = env.observation_layout["objects"]
    tokens = observation[robot_dim : robot_dim + n_tokens * token_dim].reshape(n_tokens, token_dim)
    tip = env.robot.tip_position(env.engine)
    for color, position in placed_positions(env).items():
        token = tokens[COLORS.index(color)]
        np.testing.assert_allclose(token[1:4], position, atol=1e-5)
        np.testing.assert_allclose(token[4:7], position - tip, atol=1e-5)


# --- the arm -------------------------------------------------------------------------
def test_reach_arm_is_unchanged_and_the_gripper_is_an_option():
    arm = Arm()
    assert arm.action_dim == 3 and arm.observation_dim == 14
    assert all("finger" not in actuator.name for actuator in arm.actuator_specs())
    reach = RobocueEnv(task="reach")
    assert reach.action_space.shape == (3,) and reach.observation_layout["robot"] == 14
    gripper = Arm(gripper=True)
    assert gripper.action_dim == 4 and gripper.observation_dim == 16
    pick = RobocueEnv(task="pick_and_place")
    assert pick.action_space.shape == (4,) and pick.observation_layout["robot"] == 16
    assert RobocueEnv(task="push").action_space.shape == (3,)


@pytest.mark.parametrize("shape", SHAPES)
def test_gripper_closes_on_an_object_and_lifts_it(shape):
    env = RobocueEnv(task="pick_and_place")
    seed = next(s for s in range(100) if env.reset(seed=s)[1]["command"]["shape"] == shape)
    env.reset(seed=seed)
    position = env.task.object_position(env.engine)
    env.robot.reset(env.engine, tip=position)  # fingers open around the object
    env.engine.forward()
    open_gap = env.robot.finger_gap(env.engine)
    for _ in range(5):
        env.step(np.array([0, 0, 0, -1], np.float32))
    closed_gap = env.robot.finger_gap(env.engine)
    assert 2 * OBJECT_HALF_SIZE - 0.01 < closed_gap < open_gap  # stopped by the object, not closed
    for _ in range(8):
        env.step(np.array([0, 0, 0.5, -1], np.float32))
    tip, lifted = env.robot.tip_position(env.engine), env.task.object_position(env.engine)
    assert lifted[2] > position[2] + 0.08
    assert np.linalg.norm(lifted - tip) < 0.02  # it rose with the tip, still between the fingers
    for _ in range(10):
        env.step(np.array([0, 0, 0, 1], np.float32))  # open: it drops back onto the table
    assert env.task.object_position(env.engine)[2] == pytest.approx(OBJECT_HALF_SIZE, abs=0.01)


def test_open_fingers_do_not_lift_anything():
    env = RobocueEnv(task="pick_and_place")
    env.reset(seed=0)
    position = env.task.object_position(env.engine)
    env.robot.reset(env.engine, tip=position)
    env.engine.forward()
    for _ in range(8):
        env.step(np.array([0, 0, 0.5, 1], np.float32))
    assert env.task.object_position(env.engine)[2] == pytest.approx(OBJECT_HALF_SIZE, abs=2e-3)


# --- experts -------------------------------------------------------------------------
def test_push_expert_moves_the_object_towards_the_region():
    env = RobocueEnv(task="push")
    for seed in range(5):
        _, info = env.reset(seed=seed)
        start = info["distance"]
        for _ in range(30):
            _, _, _, _, info = expert_step(env)
        assert info["distance"] < 0.6 * start, (seed, start, info["distance"])


@pytest.mark.parametrize("task", TASK_NAMES)
def test_expert_solves_nine_of_ten_seeds(task):
    env = gym.make(STATE_IDS[task])
    successes = 0
    for seed in range(10):
        env.reset(seed=seed)
        done = False
        while not done:
            _, _, terminated, truncated, info = env.step(
                env.unwrapped.task.expert_action(env.unwrapped.engine, env.unwrapped.robot).astype(np.float32)
            )
            done = terminated or truncated
        successes += info["is_success"]
    assert successes >= 9, f"{task}: the expert succeeded on {successes}/10 episodes"


@pytest.mark.parametrize("task", TASK_NAMES)
def test_doing_nothing_does_not_succeed(task):
    env = gym.make(STATE_IDS[task])
    for seed in range(10):
        env.reset(seed=seed)
        for _ in range(20):
            _, _, _, _, info = env.step(np.zeros(env.action_space.shape, np.float32))
        assert not info["is_success"], seed


def test_success_needs_the_object_down_in_the_region():
    task = PickAndPlaceTask()
    goal = DESTINATION_REGIONS["left"].target(OBJECT_HALF_SIZE)
    assert task.is_success(goal + [0.03, 0.03, 0.0], goal)
    assert not task.is_success(goal + [0.0, 0.0, 0.08], goal)  # held above the region
    assert not task.is_success(goal + [0.07, 0.0, 0.0], goal)
    assert PushTask().distance_threshold == DESTINATION_REGIONS["left"].radius


def test_n_objects_is_validated():
    for task in (PushTask, PickAndPlaceTask):
        with pytest.raises(ValueError, match="n_objects"):
            task(n_objects=0)
        with pytest.raises(ValueError, match="n_objects"):
            task(n_objects=len(COLORS) + 1)


def test_shapes_limits_the_objects_and_the_default_draws_as_before():
    env = RobocueEnv(task="push", shapes=["cube"])
    default, explicit = RobocueEnv(task="push"), RobocueEnv(task="push", shapes=SHAPES)
    try:
        for seed in range(6):
            env.reset(seed=seed)
            assert set(env.task.placed.values()) == {"cube"} and env.task.command.shape == "cube"
            assert len(env.task.placed) == 3
            default.reset(seed=seed), explicit.reset(seed=seed)
            assert default.task.placed == explicit.task.placed and default.task.command == explicit.task.command
    finally:
        env.close(), default.close(), explicit.close()
    for bad in (["box"], [], ["cube", "cube"]):
        with pytest.raises(ValueError, match="shapes=.* must be distinct shapes from cube, ball, cylinder"):
            PushTask(shapes=bad)


@pytest.mark.parametrize("task", TASK_NAMES)
def test_commanded_first_puts_the_commanded_objects_token_first_and_changes_nothing_else(task):
    ordered, default = RobocueEnv(task=task, commanded_first=True), RobocueEnv(task=task)
    layout = default.observation_layout
    start, size = layout["robot"], layout["objects"][1]
    try:
        slots = set()
        for seed in range(8):
            first, _ = ordered.reset(seed=seed)
            plain, _ = default.reset(seed=seed)
            assert ordered.task.command == default.task.command and ordered.task.placed == default.task.placed
            tokens = first[start : start + 4 * size].reshape(4, size)
            plain_tokens = plain[start : start + 4 * size].reshape(4, size)
            color = COLORS.index(ordered.task.command.color)
            assert tokens[0, 7 + color] == 1.0  # the commanded colour, first
            np.testing.assert_allclose(tokens[0, 1:4], ordered.task.object_position(ordered.engine), atol=1e-6)
            others = [i for i in range(4) if i != color]
            np.testing.assert_array_equal(tokens[1:], plain_tokens[others])  # the rest in colour order
            np.testing.assert_array_equal(tokens[0], plain_tokens[color])
            np.testing.assert_array_equal(first[:start], plain[:start])
            np.testing.assert_array_equal(first[start + 4 * size :], plain[start + 4 * size :])
            slots.add(int(np.flatnonzero(plain_tokens[:, 7 + color])[0]))
        assert len(slots) > 1  # by default the commanded object's slot changes between episodes
    finally:
        ordered.close(), default.close()


def test_commanded_first_is_refused_where_the_policy_must_read_the_command():
    with pytest.raises(ValueError, match="commanded_first=True orders the state's object tokens: obs_mode must be state or goal"):
        RobocueEnv(task="push", obs_mode="pixels", commanded_first=True)
    from robocue.perception.command_channels import wrap

    env = RobocueEnv(task="push", commanded_first=True)
    try:
        for commands in ("language", "gesture"):
            refused = f"gives the commanded object away by its token's slot: commands='{commands}' needs commands=onehot"
            with pytest.raises(ValueError, match=refused):
                wrap(env, commands=commands)
        assert wrap(env, commands="onehot") is env
    finally:
        env.close()


# --- training aids for RL without demonstrations (env.curriculum) ---------------------
@pytest.mark.parametrize("task", TASK_NAMES)
def test_goal_range_puts_the_goal_on_the_way_to_the_region(task):
    env = RobocueEnv(task=task, goal_range=0.1)
    try:
        for seed in range(8):
            env.reset(seed=seed)
            start = env.task.object_position(env.engine)
            goal = env.task.desired_goal(env.engine)
            region = DESTINATION_REGIONS[env.task.command.destination].target(OBJECT_HALF_SIZE)
            # Past the success distance (doing nothing must not succeed), at most goal_range past it.
            distance, to_region = np.linalg.norm(goal[:2] - start[:2]), np.linalg.norm(region[:2] - start[:2])
            assert min(env.task.distance_threshold, to_region) - 1e-6 <= distance <= env.task.distance_threshold + 0.1 + 1e-6
            if to_region > env.task.distance_threshold:
                assert not env.task.is_success(start, goal)
            assert goal[2] == pytest.approx(OBJECT_HALF_SIZE)
            # On the segment from the object to the region's centre.
            way, rest = region[:2] - start[:2], goal[:2] - start[:2]
            assert abs(way[0] * rest[1] - way[1] * rest[0]) < 1e-6 and float(way @ rest) >= 0
        env.unwrapped.set_goal_range(None)  # the evaluation's goals again, from the next reset
        env.reset(seed=0)
        region = DESTINATION_REGIONS[env.task.command.destination].target(OBJECT_HALF_SIZE)
        np.testing.assert_allclose(env.task.desired_goal(env.engine), region)
    finally:
        env.close()


@pytest.mark.parametrize("task", TASK_NAMES)
def test_near_start_puts_the_tool_tip_next_to_the_commanded_object(task):
    env = RobocueEnv(task=task, near_start=1.0)
    try:
        for seed in range(6):
            env.reset(seed=seed)
            offset = env.robot.tip_position(env.engine) - env.task.object_position(env.engine)
            assert np.linalg.norm(offset[:2]) <= 0.11 and 0.0 < offset[2] < 0.11
            assert np.linalg.norm(offset) > 0.02  # not inside it
    finally:
        env.close()


def test_air_goals_lift_part_of_the_pick_and_place_goals():
    env = RobocueEnv(task="pick_and_place", goal_range=0.06, air_goals=0.5)
    try:
        heights = []
        for seed in range(40):
            env.reset(seed=seed)
            heights.append(env.task.desired_goal(env.engine)[2] - OBJECT_HALF_SIZE)
        heights = np.array(heights)
        assert heights.min() >= -1e-9 and heights.max() <= AIR_HEIGHT + 1e-9
        lifted = int((heights > 1e-9).sum())
        assert 10 <= lifted <= 30  # about half of 40
        env.unwrapped.set_goal_range(None)  # the regions' centres, still lifted by the training aid
        lifted_at_center = 0
        for seed in range(10):
            env.reset(seed=seed)
            lifted_at_center += env.task.desired_goal(env.engine)[2] > OBJECT_HALF_SIZE
        assert lifted_at_center > 0
    finally:
        env.close()
    with pytest.raises(ValueError, match="goals in the air are for pick_and_place"):
        PushTask(air_goals=0.5)
    with pytest.raises(ValueError, match="air_goals=2 must be a probability"):
        PickAndPlaceTask(air_goals=2)


def test_the_aids_left_off_change_no_episode():
    """Off (the defaults), they draw nothing from the episode's generator: every seed's episode is as it was."""
    plain, off = RobocueEnv(task="push"), RobocueEnv(task="push", goal_range=None, near_start=0.0)
    try:
        for seed in range(3):
            np.testing.assert_array_equal(plain.reset(seed=seed)[0], off.reset(seed=seed)[0])
        np.testing.assert_allclose(plain.robot.tip_position(plain.engine), Arm.home, atol=0.02)
    finally:
        plain.close(), off.close()


def test_the_aids_are_validated():
    with pytest.raises(ValueError, match="near_start=1.5 must be a probability"):
        PushTask(near_start=1.5)
    with pytest.raises(ValueError, match="goal_range=0 must be positive"):
        PickAndPlaceTask(goal_range=0)
    reach = RobocueEnv(task="reach")
    with pytest.raises(ValueError, match="task 'reach' has no goal range"):
        reach.set_goal_range(0.1)
    reach.close()


@pytest.mark.parametrize("task", TASK_NAMES)
def test_max_step_caps_the_tool_tip_and_the_expert_still_solves_it(task):
    env = RobocueEnv(task=task, max_step=0.02)
    try:
        assert env.robot.max_step == 0.02 and Arm.max_step == 0.05  # this env's arm only
        env.reset(seed=0)
        before = env.robot.target.copy()
        env.step(np.ones(env.action_space.shape, np.float32))
        assert np.abs(env.robot.target - before).max() <= 0.02 + 1e-9
        successes = 0
        for seed in range(5):
            env.reset(seed=seed)
            for _ in range(env.task.max_episode_steps):
                _, _, _, _, info = expert_step(env)
            successes += info["is_success"]
        assert successes >= 4, f"{task}: the expert with a 2 cm step succeeded on {successes}/5"
    finally:
        env.close()
    with pytest.raises(ValueError, match="max_step=0.5 must be between 0 and 0.1"):
        RobocueEnv(task=task, max_step=0.5)


@pytest.mark.parametrize("engine", ["mujoco", "pybullet"])
def test_servo_speed_makes_the_tool_tip_follow_its_target(engine):
    def covered(speed):  # tool-tip travel over three full steps along y, then one step with no action, cm
        env = RobocueEnv(task="push", engine=engine, tip_height=0.05, servo_speed=speed)
        try:
            env.reset(seed=0)
            tips = [env.robot.tip_position(env.engine).copy()]
            for action in (1.0, 1.0, 1.0, 0.0):
                env.step(np.array([0.0, action, 0.0], dtype=np.float32))
                tips.append(env.robot.tip_position(env.engine).copy())
            return np.linalg.norm(np.diff(tips, axis=0), axis=1) * 100
        finally:
            env.close()

    default, fast = covered(1.0), covered(4.0)
    assert default[0] < 4.0 and default[3] > 1.0  # lags its 5 cm steps, then coasts on
    assert fast[0] > 4.5 and abs(fast[2] - 5.0) < 0.2 and fast[3] < 0.5
    assert Arm(servo_speed=4.0).actuator_specs()[0].kp == 16 * Arm().actuator_specs()[0].kp
    with pytest.raises(ValueError, match="servo_speed=0 must be between 0.25 and 8"):
        PushTask(servo_speed=0)


def test_tip_height_keeps_the_tool_tip_in_a_plane_and_pushes_objects():
    env = RobocueEnv(task="push", tip_height=0.02, reward_type="sparse")
    try:
        env.reset(seed=0)
        np.testing.assert_allclose(env.robot.target, [*Arm.plane_home, 0.02])
        rng = np.random.default_rng(0)
        moved = 0
        for seed in range(10):
            env.reset(seed=seed)
            start = env.task.object_position(env.engine).copy()
            for _ in range(env.task.max_episode_steps):  # a random walk in the plane, the z action pushing up or down in vain
                env.step(rng.uniform(-1, 1, 3).astype(np.float32))
                assert env.robot.target[2] == 0.02
            assert abs(env.robot.tip_position(env.engine)[2] - 0.02) < 0.01
            moved += np.linalg.norm(env.task.object_position(env.engine)[:2] - start[:2]) > 0.02
        assert moved >= 2  # the tip sweeps the objects' plane (39 of 100 episodes, docs/tasks.md)
    finally:
        env.close()
    near = RobocueEnv(task="push", tip_height=0.03, near_start=1.0)
    try:
        near.reset(seed=1)
        assert near.robot.target[2] == 0.03
        assert np.linalg.norm(near.robot.target[:2] - near.task.object_position(near.engine)[:2]) <= 0.11
    finally:
        near.close()
    with pytest.raises(ValueError, match="plane_height=0.9 must lie in the tool tip's workspace"):
        PushTask(tip_height=0.9)
    with pytest.raises(ValueError, match="tip_height=0.02: a tool tip kept at one height is for push, not pick_and_place"):
        PickAndPlaceTask(tip_height=0.02)
