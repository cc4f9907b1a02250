"""The mobile base and the navigation tasks: unicycle drive, collisions, range scan, maze
generation, commanded landmarks, egocentric tokens and the scripted experts."""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import pytest

from robocue.envs.commands import COLORS
from robocue.envs.engines import ENGINES, make_engine
from robocue.envs.robots.mobile import MobileBase
from robocue.envs.scene import Body, Geom, Scene
from robocue.envs.tasks.go_to import landmark_name
from robocue.envs.tasks.maze import generate_maze, marker_name, maze_distances

ROBOT = MobileBase()
WALL_X = 1.0  # the test wall's inner face is at x = WALL_X - 0.02


@pytest.fixture(params=ENGINES)
def engine(request):
    """A floor, one wall across the +x side, and the mobile base."""
    bodies = [
        Body("floor", geoms=[Geom("plane", (3, 3, 0.1))]),
        Body("wall", pos=(WALL_X, 0, 0.1), geoms=[Geom("box", (0.02, 2.0, 0.1))]),
    ]
    engine = make_engine(request.param, Scene(bodies=bodies + ROBOT.bodies(), actuators=ROBOT.actuator_specs()))
    yield engine
    engine.close()


def drive(engine, action, steps: int, robot=ROBOT) -> None:
    for _ in range(steps):
        robot.apply_action(engine, np.asarray(action, dtype=np.float64))
        engine.step()


def place(engine, pose, robot=ROBOT) -> None:
    robot.reset(engine, pose)
    engine.forward()


# --- the robot ------------------------------------------------------------------------
@pytest.mark.parametrize("yaw", [0.0, 2.0, -2.5])
def test_forward_action_moves_along_the_heading_without_sideways_drift(engine, yaw):
    start = np.array([-1.0, 0.0])
    place(engine, (*start, yaw))
    heading = np.array([math.cos(yaw), math.sin(yaw)])
    drive(engine, (1.0, 0.0), 20)  # 0.8 s: stays well clear of the wall
    x, y, final_yaw = ROBOT.base_pose(engine)
    moved = np.array([x, y]) - start
    along = moved @ heading
    sideways = moved @ np.array([-heading[1], heading[0]])
    assert along == pytest.approx(ROBOT.max_speed * 20 * engine.control_dt, rel=0.1)
    assert abs(sideways) < 1e-3
    assert abs(math.remainder(final_yaw - yaw, 2 * math.pi)) < 1e-3
    speed = ROBOT.observation(engine)[4]
    assert speed == pytest.approx(ROBOT.max_speed, rel=0.02)


def test_backward_action_reverses(engine):
    place(engine, (0.0, 0.0, 0.0))
    drive(engine, (-0.5, 0.0), 20)
    assert ROBOT.base_pose(engine)[0] < -0.1


def test_turn_action_changes_yaw_in_place(engine):
    place(engine, (0.0, 0.0, 0.3))
    drive(engine, (0.0, 1.0), 10)
    x, y, yaw = ROBOT.base_pose(engine)
    assert yaw - 0.3 == pytest.approx(ROBOT.max_turn_rate * 10 * engine.control_dt, rel=0.1)
    assert math.hypot(x, y) < 1e-3
    drive(engine, (0.0, -1.0), 20)
    assert ROBOT.base_pose(engine)[2] < 0.3


def test_driving_while_turning_follows_an_arc(engine):
    """Forward speed v with turn rate w drives a circle of radius v / w."""
    place(engine, (0.0, -0.5, 0.0))
    steps = 40
    drive(engine, (0.5, 0.5), steps)
    v, w = 0.5 * ROBOT.max_speed, 0.5 * ROBOT.max_turn_rate
    x, y, yaw = ROBOT.base_pose(engine)
    # Centre of the circle: r to the left of the start heading.
    center = np.array([0.0, -0.5 + v / w])
    assert np.hypot(x - center[0], y - center[1]) == pytest.approx(v / w, abs=0.02)
    assert yaw == pytest.approx(w * steps * engine.control_dt, abs=0.1)


def test_wall_stops_the_base(engine):
    place(engine, (0.0, 0.0, 0.0))
    drive(engine, (1.0, 0.0), 100)  # 4 s at full speed would carry it 2.4 m
    x = ROBOT.base_pose(engine)[0]
    assert x < WALL_X - 0.02 - ROBOT.radius + 0.01
    assert x > WALL_X - 0.02 - ROBOT.radius - 0.05  # it did reach the wall


def test_range_scan_measures_distances_to_walls(engine):
    place(engine, (0.0, 0.0, 0.0))
    scan = ROBOT.observation(engine)[6:]
    assert scan.shape == (ROBOT.n_rays,)
    face = WALL_X - 0.02
    assert scan[0] == pytest.approx(face, abs=1e-3)  # straight ahead
    assert scan[1] == pytest.approx(face * math.sqrt(2), abs=1e-3)  # 45 degrees to the left
    assert scan[4] == ROBOT.scan_range  # behind: nothing within range
    # The beams turn with the base: facing away, the wall is behind.
    place(engine, (0.0, 0.0, math.pi))
    scan = ROBOT.observation(engine)[6:]
    assert scan[4] == pytest.approx(face, abs=1e-3)
    assert scan[0] == ROBOT.scan_range


# --- the tasks ------------------------------------------------------------------------
def make(task: str, **kwargs):
    return gym.make(f"robocue/{task}-MuJoCo-v0", **kwargs)


@pytest.mark.parametrize("task", ["GoTo", "Maze"])
def test_commanded_landmark_is_in_the_scene_at_the_goal(task):
    env = make(task)
    u = env.unwrapped
    name = landmark_name if task == "GoTo" else marker_name
    for seed in range(5):
        _, info = env.reset(seed=seed)
        command = u.command
        assert command.task == "go_to" and command.destination is None
        assert (info["command"]["color"], info["command"]["shape"]) == (command.color, command.shape)
        position = u.engine.body_position(name(command.color, command.shape))
        assert position[2] > -0.5, "the commanded landmark is parked"
        np.testing.assert_allclose(position[:2], u.task.desired_goal(u.engine), atol=1e-6)
        token = u.task.observation(u.engine, u.robot)[: u.task.n_tokens * u.task.token_dim].reshape(u.task.n_tokens, -1)[
            COLORS.index(command.color)
        ]
        assert token[0] == 1.0
        np.testing.assert_allclose(token[1:3], position[:2], atol=1e-6)
        assert info["distance"] > u.task.distance_threshold
    env.close()


@pytest.mark.parametrize("task", ["GoTo", "Maze"])
def test_egocentric_offsets_rotate_with_the_robot(task):
    env = make(task)
    u = env.unwrapped
    env.reset(seed=0)
    x, y = u.robot.base_position(u.engine)

    def offsets(yaw):
        place(u.engine, (x, y, yaw), robot=u.robot)
        tokens = u.task.observation(u.engine, u.robot)[: u.task.n_tokens * u.task.token_dim].reshape(u.task.n_tokens, -1)
        present = tokens[:, 0] == 1
        return tokens[present, 4:6], tokens[present, 1:3] - (x, y)

    ahead, world = offsets(0.0)
    np.testing.assert_allclose(ahead, world, atol=1e-9)  # facing +x: robot frame = world frame
    left, _ = offsets(math.pi / 2)  # facing +y: world +y is ahead, world +x is to the right
    np.testing.assert_allclose(left, np.stack([world[:, 1], -world[:, 0]], axis=1), atol=1e-9)
    turned, _ = offsets(1.0)
    np.testing.assert_allclose(np.linalg.norm(turned, axis=1), np.linalg.norm(world, axis=1), atol=1e-9)
    env.close()


def clear_approach(task, robot, target, start_distance: float, stop_distance: float):
    """A heading from which the base can drive straight at ``target`` (x, y) from
    ``start_distance`` away, with nothing else in the way until ``stop_distance``; or None."""
    for angle in np.arange(8) * np.pi / 4:
        direction = np.array([math.cos(angle), math.sin(angle)])
        samples = target - np.linspace(start_distance, stop_distance, 20)[:, None] * direction
        if (task.clearance_map(samples) > robot.radius + 0.03).all():
            return angle
    return None


def test_obstacles_and_landmarks_stop_the_base():
    env = make("GoTo")
    u = env.unwrapped
    tested_obstacles = tested_landmarks = 0
    for seed in range(5):
        env.reset(seed=seed)
        task, robot = u.task, u.robot
        center, half = task.obstacles[0]
        # From 0.5 m beyond the obstacle's west or east face, drive at it for 3 s.
        for side in (-1.0, 1.0):
            face = center[0] + side * half[0]
            start = np.array([face + side * 0.5, center[1]])
            samples = np.stack([np.linspace(start[0], face + side * (robot.radius + 0.05), 20), np.full(20, center[1])], axis=1)
            if (task.clearance_map(samples) > robot.radius + 0.03).all():
                place(u.engine, (start[0], start[1], math.pi if side > 0 else 0.0), robot=robot)
                drive(u.engine, (1.0, 0.0), 75, robot=robot)
                x, y = robot.base_position(u.engine)
                assert abs(y - center[1]) < 0.01
                gap = side * (x - face)
                assert robot.radius - 0.01 < gap < robot.radius + 0.03
                tested_obstacles += 1
                break
        # The commanded landmark is solid too: the base stops at it, inside the success radius.
        goal = task.desired_goal(u.engine)
        angle = clear_approach(task, robot, goal, 0.6, 0.3)
        if angle is not None:
            start = goal - 0.6 * np.array([math.cos(angle), math.sin(angle)])
            place(u.engine, (start[0], start[1], angle), robot=robot)
            drive(u.engine, (1.0, 0.0), 50, robot=robot)
            gap = np.hypot(*(robot.base_position(u.engine) - goal))
            assert robot.radius + 0.05 < gap < task.distance_threshold
            tested_landmarks += 1
    assert tested_obstacles >= 3 and tested_landmarks >= 3
    env.close()


def test_maze_walls_stop_the_base():
    env = make("Maze")
    u = env.unwrapped
    env.reset(seed=0)
    task, robot = u.task, u.robot
    blocked = [
        (a, b)
        for a in [(i, j) for i in range(task.size) for j in range(task.size)]
        for b in [(a[0] + 1, a[1])]
        if b[0] < task.size and (a, b) not in task.passages
    ]
    assert blocked, "this maze has no east-west wall to test"
    for cell, _ in blocked[:3]:
        start = task.cell_center(cell)
        place(u.engine, (start[0], start[1], 0.0), robot=robot)  # facing the wall to the east
        drive(u.engine, (1.0, 0.0), 50, robot=robot)
        assert task.cell_of(robot.base_position(u.engine)) == cell
        assert robot.base_position(u.engine)[0] > start[0] + 0.1  # it drove up to the wall
    env.close()


def test_maze_generation_is_deterministic_and_perfect():
    size = 4
    mazes = [generate_maze(size, np.random.default_rng(seed)) for seed in range(20)]
    assert generate_maze(size, np.random.default_rng(3)) == mazes[3]
    assert len({frozenset(m) for m in mazes}) > 15, "different seeds should give different mazes"
    cells = {(i, j) for i in range(size) for j in range(size)}
    for passages in mazes:
        assert len(passages) == size * size - 1  # a spanning tree: no loops
        for a, b in passages:
            assert abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1 and {a, b} <= cells
        assert set(maze_distances(size, passages, (0, 0))) == cells  # every cell reachable


def test_maze_env_places_exactly_the_generated_walls():
    env = make("Maze")
    u = env.unwrapped
    layouts = []
    for seed in (0, 1, 0):
        env.reset(seed=seed)
        task = u.task
        placed = sorted(name for name, *_ in task.wall_segments() if u.engine.body_position(name)[2] > 0)
        assert placed == sorted(task.walls)
        assert len(placed) == 2 * task.size * (task.size - 1) - (task.size**2 - 1)
        layouts.append(placed)
    assert layouts[0] == layouts[2] and layouts[0] != layouts[1]
    env.close()


@pytest.mark.parametrize("task", ["go_to", "maze"])
def test_n_objects_sets_the_number_of_present_tokens(task):
    from robocue.envs import RobocueEnv

    for n in (1, 4):
        env = RobocueEnv(task=task, n_objects=n)
        env.reset(seed=0)
        tokens = env.task.observation(env.engine, env.robot)[: env.task.n_tokens * env.task.token_dim].reshape(env.task.n_tokens, -1)
        assert tokens[:, 0].sum() == n
        env.close()


def _scene_block(env) -> np.ndarray:
    """The scene block of the env's current state vector."""
    u = env.unwrapped
    layout = u.observation_layout
    start = layout["robot"] + layout["objects"][0] * layout["objects"][1]
    state = u._observation()
    return state[start : start + layout["scene"]]


def test_maze_scene_block_is_the_wall_layout():
    env = make("Maze")
    u = env.unwrapped
    walls = u.task.n_walls
    for seed in (0, 1):
        env.reset(seed=seed)
        block = _scene_block(env)
        standing = [1.0 if name in u.task.walls else 0.0 for name, *_ in u.task.wall_segments()]
        np.testing.assert_array_equal(block[:walls], standing)
        env.step(env.action_space.sample())
        np.testing.assert_array_equal(_scene_block(env)[:walls], standing)  # fixed for the episode
    env.close()


def test_maze_cell_features_say_where_the_robot_and_the_goal_are():
    env = make("Maze")
    task = env.unwrapped.task
    n = task.size**2
    assert env.unwrapped.observation_layout["scene"] == task.n_walls + 2 * n
    cells_seen = set()
    for seed in (0, 1, 2):
        env.reset(seed=seed)
        for _ in range(60):
            block = _scene_block(env)
            robot, goal = block[task.n_walls : task.n_walls + n], block[task.n_walls + n :]
            ix, iy = task.cell_of(env.unwrapped.robot.base_position(env.unwrapped.engine))
            assert robot.sum() == 1.0 and robot[ix * task.size + iy] == 1.0
            assert goal.sum() == 1.0 and goal[task.goal_cell[0] * task.size + task.goal_cell[1]] == 1.0
            cells_seen.add((seed, ix, iy))
            env.step(task.expert_action(env.unwrapped.engine, env.unwrapped.robot))
    assert len(cells_seen) > 6  # the expert drove through several cells: the one-hot followed it
    env.close()
    plain = make("Maze", cell_features=False)
    assert plain.unwrapped.observation_layout["scene"] == task.n_walls
    assert plain.observation_space.shape[0] == env.observation_space.shape[0] - 2 * n
    plain.close()


def test_goto_scene_block_locates_every_obstacle_in_the_robot_frame():
    from robocue.envs.tasks.go_to import OBSTACLE_HALF_SIZES

    env = make("GoTo")
    u = env.unwrapped
    for seed in range(4):
        env.reset(seed=seed)
        for _ in range(3):
            env.step(env.action_space.sample())
        slots = _scene_block(env).reshape(len(OBSTACLE_HALF_SIZES), 7)
        x, y, yaw = u.robot.base_pose(u.engine)
        c, s = math.cos(yaw), math.sin(yaw)
        assert slots[:, 0].sum() == len(u.task.obstacles) >= 1
        for center, half in u.task.obstacles:
            i = OBSTACLE_HALF_SIZES.index(tuple(half))
            present, cx, cy, ahead, left, near_ahead, near_left = slots[i]
            assert present == 1.0
            np.testing.assert_allclose((cx, cy), center, atol=1e-5)
            # Back to the world frame: the robot's position plus the rotated offsets.
            np.testing.assert_allclose((x + c * ahead - s * left, y + s * ahead + c * left), center, atol=1e-5)
            near = np.array((x + c * near_ahead - s * near_left, y + s * near_ahead + c * near_left))
            assert np.all(np.abs(near - center) <= half + 1e-5)  # on (or in) the box
            gap = np.maximum(np.abs(np.array((x, y)) - center) - half, 0.0)
            np.testing.assert_allclose(np.hypot(near_ahead, near_left), np.hypot(*gap), atol=1e-5)
        absent = slots[slots[:, 0] == 0]
        assert not absent.any()
    env.close()


@pytest.mark.parametrize("task", ["GoTo", "Maze"])
def test_n_rays_sets_the_scan_size(task):
    env = make(task, n_rays=16)
    assert env.unwrapped.robot.n_rays == 16 and env.unwrapped.observation_layout["robot"] == 6 + 16
    observation, _ = env.reset(seed=0)
    assert observation.shape == env.observation_space.shape
    env.close()
