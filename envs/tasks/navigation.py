"""Navigation: drive the mobile base to the landmark or maze goal the command names.

:class:`NavigationTask` is the part two tasks share: the robot
(:class:`envs.robots.mobile.MobileBase`), the goal, the reward and the token layout.

- ``go_to`` (:class:`envs.tasks.go_to.GoToTask`): a walled 3 m x 3 m arena with coloured
  landmark pillars and box obstacles, placed per episode.
- ``maze`` (:class:`envs.tasks.maze.MazeTask`): a perfect maze generated from the episode's seed, with
  coloured goal markers in some of its cells.

Object tokens are egocentric: one per colour in ``COLORS`` order,
``[present, x, y, z, dx, dy, dz, one-hot color (4), one-hot shape (3)]`` where x, y, z is
the object's world position and (dx, dy, dz) its offset from the base centre expressed in
the ROBOT's frame (dx ahead, dy to the left). A policy then reads "the goal is ahead and a
little to the left" directly, without composing world offsets with its heading, which
makes navigation far easier to learn; the format is the manipulation tasks', so the
command-keyed attention extractor works unchanged.
"""

from __future__ import annotations

import math

import numpy as np

from robocue.envs.commands import COLORS, SHAPES, Command
from robocue.envs.robots.mobile import MobileBase
from robocue.envs.scene import Body, Geom
from robocue.envs.tasks.base import Task

# Parked bodies wait here, below the floor and out of every camera's view and every scan.
PARKING = np.array([0.0, 0.0, -2.0])
FLOOR_RGBA = (0.62, 0.64, 0.66, 1.0)
WALL_RGBA = (0.42, 0.36, 0.32, 1.0)
OBSTACLE_RGBA = (0.5, 0.5, 0.52, 1.0)
SQRT2 = math.sqrt(2.0)


def wrap_angle(angle: float) -> float:
    return (angle + math.pi) % (2 * math.pi) - math.pi


def wall_box(name: str, center, half) -> Body:
    """A static wall (no joint, not mocap): a box standing on the floor."""
    return Body(name, pos=(center[0], center[1], half[2]), geoms=[Geom("box", tuple(half), WALL_RGBA, friction=0.3)])


def outer_walls(half_width: float, thickness: float, height: float) -> list[Body]:
    """Four walls whose inner faces bound the square |x|, |y| <= half_width."""
    t, h = thickness / 2, height / 2
    offset, length = half_width + t, half_width + thickness
    return [
        wall_box("wall_east", (offset, 0.0), (t, length, h)),
        wall_box("wall_west", (-offset, 0.0), (t, length, h)),
        wall_box("wall_north", (0.0, offset), (length, t, h)),
        wall_box("wall_south", (0.0, -offset), (length, t, h)),
    ]


class NavigationTask(Task):
    """What the navigation tasks share: robot, goals, egocentric tokens and the pursuit expert.

    Subclasses set ``self._goal`` (x, y) and call :meth:`_compose` in ``reset``, and
    implement ``_expert_path``.
    """

    robot_class = MobileBase
    goal_dim = 2
    token_dim = 7 + len(COLORS) + len(SHAPES)
    n_tokens = len(COLORS)
    lookahead = 0.3  # pure-pursuit look-ahead distance of the experts, metres

    def __init__(self, reward_type: str, n_objects: int, distance_threshold: float, n_rays: int):
        super().__init__(reward_type)
        if not 1 <= n_objects <= len(COLORS):
            raise ValueError(f"n_objects={n_objects} must be between 1 and {len(COLORS)}")
        self.n_objects = n_objects
        self.distance_threshold = distance_threshold
        self.n_rays = n_rays
        self.command: Command | None = None
        self._goal = np.zeros(2)
        self._compose({}, np.zeros(self.scene_dim))

    def make_robot(self) -> MobileBase:
        return MobileBase(n_rays=self.n_rays)

    def _compose(self, placed: dict[str, tuple[str, np.ndarray]], scene: np.ndarray, points=(), boxes=()) -> None:
        """Fixes the episode's observation: what is constant, and where the egocentric parts go.

        Args:
            placed: Colour -> (shape, world position) of the objects the tokens describe.
            scene: The scene block's constant entries (zeros where :meth:`observation` fills in).
            points: (world xy, index in ``scene``) of further fixed points: the point's
                (ahead, left) offset from the base goes to that index and the next.
            boxes: (low xy, high xy, index in ``scene``) of axis-aligned boxes: the offset of
                the box's point nearest to the base goes there.
        """
        tokens = np.zeros((self.n_tokens, self.token_dim))
        fixed, targets = [], []
        for i, color in enumerate(COLORS):
            if color in placed:
                shape, position = placed[color]
                tokens[i, 0] = 1.0
                tokens[i, 1:4] = position
                tokens[i, 6] = position[2]  # the base frame sits on the floor: dz is the height
                tokens[i, 7 + i] = 1.0
                tokens[i, 7 + len(COLORS) + SHAPES.index(shape)] = 1.0
                fixed.append(position[:2])
                targets.append(i * self.token_dim + 4)
        offset = self.n_tokens * self.token_dim
        for xy, index in points:
            fixed.append(xy)
            targets.append(offset + index)
        targets += [offset + index for _, _, index in boxes]
        self._template = np.concatenate([tokens.ravel(), scene])
        # World points of this episode, one row each; the boxes' rows change with the base.
        # The same memory read as complex numbers x + iy: one multiplication turns them all
        # into the robot's frame (this runs every step, where numpy's per-call overhead counts).
        self._points = np.zeros((len(fixed) + len(boxes), 2))
        if fixed:
            self._points[: len(fixed)] = fixed
        self._complex_points = self._points.view(np.complex128)[:, 0]
        # (row of self._points, x low, y low, x high, y high) per box, as Python floats
        self._boxes = [(len(fixed) + k, *map(float, low), *map(float, high)) for k, (low, high, _) in enumerate(boxes)]
        self._targets = np.array([i for t in targets for i in (t, t + 1)], dtype=np.intp)  # each point's (ahead, left)

    def observation(self, engine, robot) -> np.ndarray:
        return self._observe(*engine.joint_positions(robot.joints).tolist())

    def _observe(self, x: float, y: float, yaw: float) -> np.ndarray:
        """The task part of the state with the base at (x, y), heading ``yaw``."""
        for row, x_low, y_low, x_high, y_high in self._boxes:  # each box's point nearest to the base
            self._complex_points[row] = complex(
                x_low if x < x_low else x_high if x > x_high else x, y_low if y < y_low else y_high if y > y_high else y
            )
        # (ahead, left) of every point in the robot's frame: (p - base) * e^(-i yaw), read back
        # as (real, imaginary) pairs
        local = (self._complex_points - complex(x, y)) * complex(math.cos(yaw), -math.sin(yaw))
        observation = self._template.copy()
        observation[self._targets] = local.view(np.float64)
        return observation

    def achieved_goal(self, engine, robot) -> np.ndarray:
        return robot.base_position(engine)

    def desired_goal(self, engine) -> np.ndarray:
        return self._goal.copy()

    # --- expert ------------------------------------------------------------------------
    def _expert_path(self, engine, robot, position: np.ndarray) -> np.ndarray:
        """Way points (m, 2) from near ``position`` to the goal, the last one the goal."""
        raise NotImplementedError

    behind = 2.6  # radians: a look-ahead point further round to the right than this is turned to leftwards

    def expert_action(self, engine, robot) -> np.ndarray:
        """Pure pursuit of the planned path: steer at a point ``lookahead`` further along it.

        A point almost behind the robot is turned to leftwards, whichever side it is on:
        otherwise the turn's direction flips between neighbouring states (just left or just
        right of straight behind), and a policy cloning the expert averages the two into
        no turn at all (stuck facing a wall).
        """
        x, y, yaw = robot.base_pose(engine)
        position = np.array([x, y])
        path = self._expert_path(engine, robot, position)
        carrot = look_ahead(path, position, self.lookahead)
        to_goal = float(np.hypot(*(path[-1] - position)))
        if to_goal < 0.05:
            return np.zeros(2)
        error = wrap_angle(math.atan2(carrot[1] - y, carrot[0] - x) - yaw)
        if error < -self.behind:
            error += 2 * math.pi
        return steer(error, to_goal, robot)

    def path_length(self, robot, position) -> float:
        """Length (m) of the way from ``position`` to the goal that the robot must drive."""
        raise NotImplementedError

    def shaping_terms(self, engine, robot) -> dict[str, float]:
        """``detour``: minus the way's excess over the straight line (:meth:`path_length`), so
        the shaped reward is minus the distance the robot must still drive."""
        position = robot.base_position(engine)
        return {"detour": -(self.path_length(robot, position) - float(np.hypot(*(self._goal - position))))}


def steer(error: float, to_goal: float, robot) -> np.ndarray:
    """The experts' action for a heading error (rad) and distance left (m): turn towards the
    point, drive forward only when roughly facing it, slow down near the goal."""
    turn = min(1.0, max(-1.0, 4.0 * error / robot.max_turn_rate))
    forward = max(0.0, math.cos(error)) ** 4 if abs(error) < 1.0 else 0.0
    forward *= min(1.0, 0.2 + to_goal / 0.3)
    return np.array([forward, turn])


def look_ahead(path: np.ndarray, position: np.ndarray, distance: float) -> np.ndarray:
    """The point ``distance`` along polyline ``path`` beyond the point of it closest to ``position``."""
    if len(path) == 1:
        return path[0]
    starts, ends = path[:-1], path[1:]
    segments = ends - starts
    lengths = np.maximum(np.sqrt(np.sum(segments * segments, axis=1)), 1e-9)
    t = np.clip(np.sum((position - starts) * segments, axis=1) / lengths**2, 0.0, 1.0)
    closest = starts + t[:, None] * segments
    gaps = np.sum((closest - position) ** 2, axis=1)
    i = int(np.argmin(gaps))
    remaining = distance + t[i] * lengths[i]  # measured from the start of segment i
    for j in range(i, len(segments)):
        if remaining <= lengths[j]:
            return starts[j] + segments[j] * (remaining / lengths[j])
        remaining -= lengths[j]
    return path[-1]
