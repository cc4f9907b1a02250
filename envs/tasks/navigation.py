"""Navigation: drive the mobile base to the landmark or maze goal the command names.

Two tasks share the robot (:class:`envs.robots.mobile.MobileBase`), the goal, the reward
and the token layout:

- ``go_to`` (:class:`GoToTask`): a walled 3 m x 3 m arena with coloured landmark pillars
  and box obstacles, placed per episode.
- ``maze`` (:class:`MazeTask`): a perfect maze generated from the episode's seed, with
  coloured goal markers in some of its cells.

Object tokens are egocentric: one per colour in ``COLORS`` order,
``[present, x, y, z, dx, dy, dz, one-hot colour (4), one-hot shape (3)]`` where x, y, z is
the object's world position and (dx, dy, dz) its offset from the base centre expressed in
the ROBOT's frame (dx ahead, dy to the left). A policy then reads "the goal is ahead and a
little to the left" directly, without composing world offsets with its heading, which
makes navigation far easier to learn; the format is the manipulation tasks', so the
command-keyed attention extractor works unchanged.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from robocue.envs.commands import COLOR_RGBA, COLORS, SHAPES, Command
from robocue.envs.robots.mobile import MobileBase
from robocue.envs.scene import Body, Camera, Geom
from robocue.envs.tasks.base import Parking, Task

# Parked bodies wait here, below the floor and out of every camera's view and every scan.
_PARKING = np.array([0.0, 0.0, -2.0])
_FLOOR = (0.62, 0.64, 0.66, 1.0)
_WALL = (0.42, 0.36, 0.32, 1.0)
_OBSTACLE = (0.5, 0.5, 0.52, 1.0)
_SQRT2 = math.sqrt(2.0)


def _wrap(angle: float) -> float:
    return (angle + math.pi) % (2 * math.pi) - math.pi


def _wall_box(name: str, center, half) -> Body:
    """A static wall (no joint, not mocap): a box standing on the floor."""
    return Body(name, pos=(center[0], center[1], half[2]), geoms=[Geom("box", tuple(half), _WALL, friction=0.3)])


def _outer_walls(half_width: float, thickness: float, height: float) -> list[Body]:
    """Four walls whose inner faces bound the square |x|, |y| <= half_width."""
    t, h = thickness / 2, height / 2
    offset, length = half_width + t, half_width + thickness
    return [
        _wall_box("wall_east", (offset, 0.0), (t, length, h)),
        _wall_box("wall_west", (-offset, 0.0), (t, length, h)),
        _wall_box("wall_north", (0.0, offset), (length, t, h)),
        _wall_box("wall_south", (0.0, -offset), (length, t, h)),
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
        carrot = _look_ahead(path, position, self.lookahead)
        to_goal = float(np.hypot(*(path[-1] - position)))
        if to_goal < 0.05:
            return np.zeros(2)
        error = _wrap(math.atan2(carrot[1] - y, carrot[0] - x) - yaw)
        if error < -self.behind:
            error += 2 * math.pi
        return _steer(error, to_goal, robot)


def _steer(error: float, to_goal: float, robot) -> np.ndarray:
    """The experts' action for a heading error (rad) and distance left (m): turn towards the
    point, drive forward only when roughly facing it, slow down near the goal."""
    turn = min(1.0, max(-1.0, 4.0 * error / robot.max_turn_rate))
    forward = max(0.0, math.cos(error)) ** 4 if abs(error) < 1.0 else 0.0
    forward *= min(1.0, 0.2 + to_goal / 0.3)
    return np.array([forward, turn])


def _look_ahead(path: np.ndarray, position: np.ndarray, distance: float) -> np.ndarray:
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


# ----------------------------------------------------------------------------------------
# GoTo
# ----------------------------------------------------------------------------------------
LANDMARK_HEIGHT = 0.4
# Friction 0.3, as every other surface the base can touch (walls, obstacles, the base itself):
# at 1.0 a base pressed against a landmark could not turn (the contact's friction torque
# beat the yaw servo's 5 N m), and MuJoCo (the larger of the two) and PyBullet (the product)
# disagreed about the pair.
_LANDMARK_GEOMS = {
    "cube": lambda rgba: Geom("box", (0.08, 0.08, LANDMARK_HEIGHT / 2), rgba, friction=0.3),
    "cylinder": lambda rgba: Geom("cylinder", (0.08, LANDMARK_HEIGHT / 2), rgba, friction=0.3),
    "ball": lambda rgba: Geom("sphere", (0.1,), rgba, friction=0.3),
}
_LANDMARK_CENTER_HEIGHT = {"cube": LANDMARK_HEIGHT / 2, "cylinder": LANDMARK_HEIGHT / 2, "ball": 0.1}
LANDMARK_RADIUS = 0.115  # footprint radius that covers every landmark shape (the cube's corners)
# Obstacle pool: box half-extents (x, y); the height is fixed.
OBSTACLE_HALF_SIZES = ((0.15, 0.15), (0.25, 0.08), (0.08, 0.25), (0.12, 0.12))
OBSTACLE_HALF_HEIGHT = 0.125


def landmark_name(color: str, shape: str) -> str:
    return f"landmark_{color}_{shape}"


def obstacle_name(index: int) -> str:
    return f"obstacle_{index}"


class GoToTask(NavigationTask):
    """Drive to the landmark the command names, around box obstacles.

    A 3 m x 3 m arena (``|x|, |y| <= half_width``) holds ``n_objects`` landmark pillars of
    distinct colours (shapes random) and 1 to ``max_obstacles`` boxes from a fixed pool.
    Landmarks and obstacles collide; every gap between them, and between them and the
    walls, is at least ``min_gap`` (wider than the base), so every landmark can be
    reached. The base starts at least ``min_start_distance`` from the commanded landmark,
    facing a random way.

    Observation (task part): egocentric tokens (module docstring), then the scene block:
    one slot per box of the obstacle pool (its size is fixed by the slot), 7 entries each,
    ``[present, x, y, ahead, left, near ahead, near left]``: the box centre in the world,
    the centre in the robot's frame, and the point of the box nearest to the base centre
    in the robot's frame (zeros when the box is not in the scene). The robot block holds
    the 8-beam range scan, which sees walls, obstacles and landmarks.
    Success: base centre within ``distance_threshold`` of the landmark's centre (the base
    touches a landmark at 0.20-0.23 m).
    """

    name = "go_to"
    id_name, max_episode_steps = "GoTo", 200
    # The person stands outside the arena's south wall, facing in; before pointing they may
    # walk to three places by each wall.
    person = ((0.0, -1.9), (0.0, 1.0))
    person_stances = tuple(
        stance
        for along in (0.0, -1.0, 1.0)
        for stance in (
            ((along, -1.9), (0.0, 1.0)),  # south of the arena, facing north (``person``)
            ((along, 1.9), (0.0, -1.0)),
            ((-1.9, along), (1.0, 0.0)),
            ((1.9, along), (-1.0, 0.0)),
        )
    )
    half_width = 1.5
    wall_thickness = 0.1
    wall_height = 0.3
    min_gap = 0.3
    min_start_distance = 0.9
    grid_resolution = 0.05
    scene_dim = 7 * len(OBSTACLE_HALF_SIZES)

    def __init__(
        self,
        reward_type: str = "dense",
        n_objects: int = 4,
        max_obstacles: int = 3,
        distance_threshold: float = 0.3,
        n_rays: int = 8,
    ):
        super().__init__(reward_type, n_objects, distance_threshold, n_rays)
        if not 0 <= max_obstacles <= len(OBSTACLE_HALF_SIZES):
            raise ValueError(f"max_obstacles={max_obstacles} must be between 0 and {len(OBSTACLE_HALF_SIZES)}")
        self.max_obstacles = max_obstacles
        self.placed: dict[str, tuple[str, np.ndarray]] = {}
        self.obstacles: list[tuple[np.ndarray, np.ndarray]] = []  # (centre xy, half extents xy)
        self._plan = None
        landmarks = [landmark_name(color, shape) for color in COLORS for shape in SHAPES]
        self.parking = Parking(landmarks + [obstacle_name(i) for i in range(len(OBSTACLE_HALF_SIZES))], _PARKING)

    def scene_bodies(self) -> list[Body]:
        floor = Body("floor", geoms=[Geom("plane", (self.half_width + 0.5,) * 2 + (0.1,), _FLOOR)])
        landmarks = [
            Body(landmark_name(color, shape), pos=tuple(_PARKING), geoms=[_LANDMARK_GEOMS[shape](COLOR_RGBA[color])], mocap=True)
            for color in COLORS
            for shape in SHAPES
        ]
        obstacles = [
            Body(
                obstacle_name(i),
                pos=tuple(_PARKING),
                geoms=[Geom("box", (hx, hy, OBSTACLE_HALF_HEIGHT), _OBSTACLE, friction=0.3)],
                mocap=True,
            )
            for i, (hx, hy) in enumerate(OBSTACLE_HALF_SIZES)
        ]
        return [floor] + _outer_walls(self.half_width, self.wall_thickness, self.wall_height) + landmarks + obstacles

    def cameras(self) -> list[Camera]:
        return [
            Camera("overview", pos=(0.0, -3.4, 3.7), lookat=(0.0, -0.15, 0.0), fovy=45),
            Camera("top", pos=(0.0, 0.0, 4.3), lookat=(0.0, 0.0, 0.0), fovy=45),
        ]

    # --- sampling ------------------------------------------------------------------------
    def _sample_discs(self, rng, radii, placed, max_tries: int = 200) -> list[np.ndarray | None]:
        """Centres for discs of ``radii`` keeping ``min_gap`` to the walls and to ``placed``
        discs (a list of (centre, radius), extended in place); None where none was found."""
        centres = []
        for radius in radii:
            limit = self.half_width - radius - self.min_gap
            for _ in range(max_tries):
                xy = -limit + (limit - -limit) * rng.random(2)  # = rng.uniform(-limit, limit, 2), bit for bit, cheaper
                x, y = xy.tolist()
                if all(math.hypot(x - c[0], y - c[1]) >= radius + r + self.min_gap for c, r in placed):
                    placed.append((xy, radius))
                    centres.append(xy)
                    break
            else:
                centres.append(None)
        return centres

    def reset(self, engine, robot, rng: np.random.Generator) -> Command:
        self.parking.reset(engine)
        colors = [COLORS[i] for i in sorted(rng.choice(len(COLORS), self.n_objects, replace=False))]
        shapes = [SHAPES[i] for i in rng.integers(len(SHAPES), size=self.n_objects)]
        discs: list[tuple[np.ndarray, float]] = []
        # Landmarks always fit: the arena holds far more than four at these spacings.
        landmark_xy = self._sample_discs(rng, [LANDMARK_RADIUS] * self.n_objects, discs, max_tries=10_000)
        self.placed = {}
        for color, shape, xy in zip(colors, shapes, landmark_xy):
            position = np.array([xy[0], xy[1], _LANDMARK_CENTER_HEIGHT[shape]])
            self.parking.show(engine, landmark_name(color, shape), position)
            self.placed[color] = (shape, position)
        n_obstacles = int(rng.integers(1, self.max_obstacles + 1)) if self.max_obstacles else 0
        chosen = sorted(rng.choice(len(OBSTACLE_HALF_SIZES), n_obstacles, replace=False)) if n_obstacles else []
        radii = [float(np.hypot(*OBSTACLE_HALF_SIZES[i])) for i in chosen]
        self.obstacles = []
        slots = {}
        for i, xy in zip(chosen, self._sample_discs(rng, radii, discs)):
            if xy is not None:  # crowded: leave this one parked
                self.parking.show(engine, obstacle_name(i), (xy[0], xy[1], OBSTACLE_HALF_HEIGHT))
                self.obstacles.append((xy, np.array(OBSTACLE_HALF_SIZES[i])))
                slots[int(i)] = xy
        target = colors[int(rng.integers(self.n_objects))]
        self._goal = self.placed[target][1][:2].copy()
        self.command = Command("go_to", target, self.placed[target][0])
        # The scene block: per pool slot [present, x, y, ahead, left, near ahead, near left].
        scene = np.zeros(self.scene_dim)
        points, boxes = [], []
        for i, centre in slots.items():
            half = np.array(OBSTACLE_HALF_SIZES[i])
            scene[7 * i : 7 * i + 3] = (1.0, centre[0], centre[1])
            points.append((centre, 7 * i + 3))
            boxes.append((centre - half, centre + half, 7 * i + 5))
        self._compose(self.placed, scene, points, boxes)
        # The base: clear of everything by a few centimetres, well away from the target.
        limit = self.half_width - robot.radius - 0.05
        for _ in range(10_000):
            xy = rng.uniform(-limit, limit, size=2)
            far = np.hypot(*(xy - self._goal)) >= self.min_start_distance
            if far and all(np.hypot(*(xy - c)) >= r + robot.radius + 0.05 for c, r in discs):
                break
        else:
            raise RuntimeError("found no free start pose for the base; the arena is too crowded")
        robot.reset(engine, (xy[0], xy[1], rng.uniform(-np.pi, np.pi)))
        self._plan = None  # the expert plans lazily, on its first call
        return self.command

    # --- expert --------------------------------------------------------------------------
    def clearance_map(self, points: np.ndarray) -> np.ndarray:
        """Distance from each point (..., 2) to the nearest wall, obstacle or non-target landmark."""
        x, y = points[..., 0], points[..., 1]
        clearance = self.half_width - np.maximum(np.abs(x), np.abs(y))
        for centre, half in self.obstacles:
            dx = np.maximum(np.abs(x - centre[0]) - half[0], 0.0)
            dy = np.maximum(np.abs(y - centre[1]) - half[1], 0.0)
            clearance = np.minimum(clearance, np.hypot(dx, dy))
        for color, (_, position) in self.placed.items():
            if color != self.command.color:
                clearance = np.minimum(clearance, np.hypot(x - position[0], y - position[1]) - LANDMARK_RADIUS)
        return clearance

    def _cells(self, points: np.ndarray, n: int) -> np.ndarray:
        """Indices (..., 2) of the ``n`` x ``n`` planning-grid cells holding ``points`` (..., 2)."""
        return np.clip(((points + self.half_width) / self.grid_resolution).astype(int), 0, n - 1)

    def _make_plan(self, robot) -> None:
        """Dijkstra over an occupancy grid from the goal: each cell's next cell towards it.

        Cells closer to an obstacle than the base radius are blocked; cells within 0.3 m of
        one cost more, so paths keep their distance where there is room.
        """
        n = int(round(2 * self.half_width / self.grid_resolution))
        centres = (np.arange(n) + 0.5) * self.grid_resolution - self.half_width
        grid = np.stack(np.meshgrid(centres, centres, indexing="ij"), axis=-1)
        clearance = self.clearance_map(grid)
        free = clearance > robot.radius + 0.01
        weight = 1.0 + 4.0 * np.clip((0.3 - clearance) / 0.15, 0.0, 1.0)
        goal = tuple(self._cells(self._goal, n))
        free[goal] = True
        distance = np.full((n, n), np.inf)
        parent = np.full((n, n, 2), -1, dtype=int)
        distance[goal] = 0.0
        heap = [(0.0, goal)]
        steps = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
        free_list, weight_list = free.tolist(), weight.tolist()
        dist_list = distance.tolist()
        while heap:
            d, (i, j) = heapq.heappop(heap)
            if d > dist_list[i][j]:
                continue
            for di, dj in steps:
                a, b = i + di, j + dj
                if 0 <= a < n and 0 <= b < n and free_list[a][b]:
                    nd = d + (_SQRT2 if di and dj else 1.0) * weight_list[a][b]
                    if nd < dist_list[a][b]:
                        dist_list[a][b] = nd
                        parent[a, b] = (i, j)
                        heapq.heappush(heap, (nd, (a, b)))
        self._plan = (n, np.array(dist_list), parent, centres)

    def path_length(self, robot, position) -> float:
        """Length (m) of the planned way from ``position`` to the goal around obstacles, from
        the expert's Dijkstra field (its cells near obstacles cost up to 5 times more)."""
        if self._plan is None:
            self._make_plan(robot)
        n, distance, _, _ = self._plan
        i, j = self._cells(np.asarray(position[:2]), n)
        window = distance[max(i - 2, 0) : i + 3, max(j - 2, 0) : j + 3]  # the base may overlap a blocked cell
        best = float(window.min())
        straight = float(np.hypot(*(self._goal - position[:2])))
        return max(straight, best * self.grid_resolution) if np.isfinite(best) else straight + 1.0

    def shaping_terms(self, engine, robot) -> dict[str, float]:
        """``detour``: minus the planned path's excess over the straight line, so the shaped
        reward is minus the distance around obstacles (no dead ends behind them)."""
        position = robot.base_position(engine)
        return {"detour": -(self.path_length(robot, position) - float(np.hypot(*(self._goal - position))))}

    turn_penalty = 0.05  # metres of planned path per radian of turn (the expert's tie-breaker)
    left_margin = 0.15  # metres: a sharp right turn loses to a left one at most this much longer
    _headings = np.linspace(-np.pi, np.pi, 64, endpoint=False)  # candidate turns, relative
    _fractions = np.array((1 / 3, 2 / 3, 1.0))  # where a candidate's straight line is checked

    def expert_action(self, engine, robot) -> np.ndarray:
        """Steers at the best free point ``lookahead`` away: the one with the least planned
        distance left to the goal, plus ``turn_penalty`` per radian of turn to face it; but a
        sharp right turn (over 45 degrees) gives way to the best left one (or straight on)
        when that is at most ``left_margin`` longer.

        The candidates lie in 64 directions around the base, each reachable in a straight
        line through free cells of the plan. The two rules make the choice between two ways
        around an obstacle consistent across neighbouring states: it goes the way the robot
        already faces, and when it faces the obstacle squarely, left unless right is clearly
        shorter. A plain path follower's left-or-right choice flips along a line through the
        obstacle, right where a policy that drives at it ends up, and cloned policies averaged
        the two into no turn at all, stuck against the obstacle.
        """
        if self._plan is None:
            self._make_plan(robot)
        n, distance, _, _ = self._plan
        x, y, yaw = robot.base_pose(engine).tolist()
        position = np.array((x, y))
        to_goal = float(np.hypot(*(self._goal - position)))
        if to_goal < 0.05:
            return np.zeros(2)
        reach = min(self.lookahead, to_goal)
        angles = yaw + self._headings
        directions = np.stack([np.cos(angles), np.sin(angles)], axis=1)
        samples = position + (self._fractions[:, None, None] * reach) * directions  # (3, 64, 2)
        cells = self._cells(samples, n)
        left = distance[cells[..., 0], cells[..., 1]]  # planned distance from each sample, cells
        free = np.isfinite(left).all(axis=0)
        if not free.any():  # pressed against something: follow the plan's path out
            return super().expert_action(engine, robot)
        score = np.where(free, left[-1] * self.grid_resolution + self.turn_penalty * np.abs(self._headings), np.inf)
        best = int(np.argmin(score))
        if self._headings[best] < -np.pi / 4:  # a sharp right turn: left, if nearly as good
            lefts = np.where(self._headings >= 0, score, np.inf)
            if lefts.min() <= score[best] + self.left_margin:
                best = int(np.argmin(lefts))
        error = float(self._headings[best])
        if to_goal <= self.lookahead:
            line = position + self._fractions[:, None] * (self._goal - position)
            line_cells = self._cells(line, n)
            if np.isfinite(distance[line_cells[:, 0], line_cells[:, 1]]).all():  # in straight reach: aim at the goal
                error = _wrap(math.atan2(self._goal[1] - y, self._goal[0] - x) - yaw)
        return _steer(error, to_goal, robot)

    def _expert_path(self, engine, robot, position: np.ndarray) -> np.ndarray:
        if self._plan is None:
            self._make_plan(robot)
        n, distance, parent, centres = self._plan
        i, j = self._cells(position, n)
        if not np.isfinite(distance[i, j]):  # pressed against an obstacle: start from the best cell nearby
            window = distance[max(i - 3, 0) : i + 4, max(j - 3, 0) : j + 4]
            if not np.isfinite(window).any():
                return self._goal[None, :].copy()
            a, b = np.unravel_index(np.argmin(window), window.shape)
            i, j = max(i - 3, 0) + a, max(j - 3, 0) + b
        points = [(centres[i], centres[j])]
        for _ in range(12):  # 0.6 m ahead is plenty for the look-ahead
            i, j = parent[i, j]
            if i < 0:
                break
            points.append((centres[i], centres[j]))
        if i < 0:  # the path reached the goal cell: end it at the goal itself
            points[-1] = tuple(self._goal)
        return np.array(points)


# ----------------------------------------------------------------------------------------
# Maze
# ----------------------------------------------------------------------------------------
MARKER_FLOAT_HEIGHT = 0.35  # the marker's shape floats above the walls, out of the scan plane
_MARKER_SHAPE_GEOMS = {
    "cube": lambda rgba: Geom("box", (0.06, 0.06, 0.06), rgba, pos=(0, 0, MARKER_FLOAT_HEIGHT), collides=False),
    "ball": lambda rgba: Geom("sphere", (0.07,), rgba, pos=(0, 0, MARKER_FLOAT_HEIGHT), collides=False),
    "cylinder": lambda rgba: Geom("cylinder", (0.06, 0.06), rgba, pos=(0, 0, MARKER_FLOAT_HEIGHT), collides=False),
}


def marker_name(color: str, shape: str) -> str:
    return f"marker_{color}_{shape}"


def maze_wall_name(kind: str, ix: int, iy: int) -> str:
    """``kind`` "v": the wall east of cell (ix, iy); "h": the wall north of it."""
    return f"maze_wall_{kind}_{ix}_{iy}"


def generate_maze(size: int, rng: np.random.Generator) -> set[tuple[tuple[int, int], tuple[int, int]]]:
    """A perfect maze on a ``size`` x ``size`` grid by randomised depth-first search.

    Returns the open passages as sorted pairs of neighbouring cells (ix, iy): a spanning
    tree, so every cell is reachable from every other by exactly one path.
    """
    start = (int(rng.integers(size)), int(rng.integers(size)))
    visited, stack, passages = {start}, [start], set()
    while stack:
        x, y = stack[-1]
        options = [
            (x + dx, y + dy)
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))
            if 0 <= x + dx < size and 0 <= y + dy < size and (x + dx, y + dy) not in visited
        ]
        if not options:
            stack.pop()
            continue
        cell = options[int(rng.integers(len(options)))]
        passages.add(tuple(sorted(((x, y), cell))))
        visited.add(cell)
        stack.append(cell)
    return passages


def maze_distances(size: int, passages, goal: tuple[int, int]) -> dict[tuple[int, int], tuple[int, tuple[int, int] | None]]:
    """Breadth-first search from ``goal``: cell -> (steps to the goal, next cell towards it)."""
    neighbours: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for a, b in passages:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    result = {goal: (0, None)}
    frontier = [goal]
    while frontier:
        following = []
        for cell in frontier:
            for other in neighbours.get(cell, ()):
                if other not in result:
                    result[other] = (result[cell][0] + 1, cell)
                    following.append(other)
        frontier = following
    return result


class MazeTask(NavigationTask):
    """Drive through a maze to the goal marker the command names.

    Every episode builds a new perfect maze (randomised depth-first search with the
    episode's rng) on a ``size`` x ``size`` grid of ``cell_size`` cells. All internal wall
    segments exist in the scene; the maze's walls are placed and the others parked below
    the floor. ``n_objects`` goal markers of distinct colours (a coloured floor disc with
    its shape floating above the walls; neither collides nor shows in the scan) sit in
    distinct cells other than the start cell. The commanded marker is between
    ``min_path_cells`` and ``max_path_cells`` cell-to-cell moves from the start.

    Observation (task part): egocentric tokens of the markers (module docstring), then the
    scene block: the maze's layout, one entry per possible internal wall (1 where the wall
    stands, 0 where there is a passage), in the order of :meth:`wall_segments` (for each
    cell ix, then iy: the wall east of it, then the one north of it). With
    ``cell_features`` (default) two one-hots over the cells follow, in the order ix * size
    + iy: the cell the robot is in, then the commanded marker's cell. The walls are laid
    out per cell, and so are the two places a route joins; the same facts as the robot's
    x, y and the marker's position, in the form a route is computed from. The robot block's
    8-beam range scan sees the walls too.
    Success: base centre within ``distance_threshold`` of the commanded marker's cell centre.
    """

    name = "maze"
    id_name, max_episode_steps = "Maze", 200
    person = ((0.0, -1.6), (0.0, 1.0))  # outside the maze's south wall, facing in
    person_stances = (person,)
    size = 4
    cell_size = 0.6
    wall_thickness = 0.04
    wall_height = 0.2
    n_walls = 2 * size * (size - 1)  # possible internal walls: the scene block's first entries
    grid = {"size": size, "cell_size": cell_size}  # the observation layout's "grid": what the scene block lays out

    def __init__(
        self,
        reward_type: str = "dense",
        n_objects: int = 3,
        distance_threshold: float = 0.3,
        min_path_cells: int = 2,
        max_path_cells: int = 6,
        n_rays: int = 8,
        cell_features: bool = True,
    ):
        self.cell_features = bool(cell_features)
        self.scene_dim = self.n_walls + (2 * self.size**2 if self.cell_features else 0)
        super().__init__(reward_type, n_objects, distance_threshold, n_rays)
        self._robot_cell = self.n_tokens * self.token_dim + self.n_walls  # index of the robot's one-hot
        if not 1 <= min_path_cells <= max_path_cells:
            raise ValueError(f"min_path_cells={min_path_cells} and max_path_cells={max_path_cells} must satisfy 1 <= min <= max")
        self.min_path_cells, self.max_path_cells = min_path_cells, max_path_cells
        self.half_width = self.size * self.cell_size / 2
        self._layout = np.zeros(self.scene_dim)
        self.passages: set = set()
        self.walls: list[str] = []
        self.placed: dict[str, tuple[str, np.ndarray]] = {}
        self.goal_cell: tuple[int, int] = (0, 0)
        self._routes: dict = {}
        markers = [marker_name(color, shape) for color in COLORS for shape in SHAPES]
        self.parking = Parking([name for name, *_ in self.wall_segments()] + markers, _PARKING)

    def cell_center(self, cell) -> np.ndarray:
        return (np.asarray(cell, dtype=float) + 0.5) * self.cell_size - self.half_width

    def cell_of(self, position) -> tuple[int, int]:
        index = np.clip(((np.asarray(position[:2]) + self.half_width) // self.cell_size).astype(int), 0, self.size - 1)
        return int(index[0]), int(index[1])

    def wall_segments(self):
        """Every possible internal wall: (name, centre xy, half extents xyz, the two cells it separates)."""
        half_length = self.cell_size / 2 + self.wall_thickness / 2
        t, h = self.wall_thickness / 2, self.wall_height / 2
        for ix in range(self.size):
            for iy in range(self.size):
                centre = self.cell_center((ix, iy))
                if ix + 1 < self.size:
                    yield maze_wall_name("v", ix, iy), centre + (self.cell_size / 2, 0), (t, half_length, h), ((ix, iy), (ix + 1, iy))
                if iy + 1 < self.size:
                    yield maze_wall_name("h", ix, iy), centre + (0, self.cell_size / 2), (half_length, t, h), ((ix, iy), (ix, iy + 1))

    def scene_bodies(self) -> list[Body]:
        floor = Body("floor", geoms=[Geom("plane", (self.half_width + 0.6,) * 2 + (0.1,), _FLOOR)])
        walls = [
            Body(name, pos=tuple(_PARKING), geoms=[Geom("box", half, _WALL, friction=0.3)], mocap=True)
            for name, _, half, _ in self.wall_segments()
        ]
        markers = [
            Body(
                marker_name(color, shape),
                pos=tuple(_PARKING),
                geoms=[
                    Geom("cylinder", (0.2, 0.003), COLOR_RGBA[color], pos=(0, 0, 0.003), collides=False),
                    _MARKER_SHAPE_GEOMS[shape](COLOR_RGBA[color]),
                ],
                mocap=True,
            )
            for color in COLORS
            for shape in SHAPES
        ]
        return [floor] + _outer_walls(self.half_width, self.wall_thickness, self.wall_height) + walls + markers

    def cameras(self) -> list[Camera]:
        return [
            Camera("overview", pos=(0.0, -2.5, 3.3), lookat=(0.0, -0.1, 0.0), fovy=45),
            Camera("top", pos=(0.0, 0.0, 3.5), lookat=(0.0, 0.0, 0.0), fovy=45),
        ]

    def reset(self, engine, robot, rng: np.random.Generator) -> Command:
        self.passages = generate_maze(self.size, rng)
        self.walls = []
        self._layout = np.zeros(self.scene_dim)
        self.parking.reset(engine)
        for k, (name, centre, half, cells) in enumerate(self.wall_segments()):
            if tuple(sorted(cells)) not in self.passages:
                self.parking.show(engine, name, (centre[0], centre[1], half[2]))
                self.walls.append(name)
                self._layout[k] = 1.0
        cells = [(ix, iy) for ix in range(self.size) for iy in range(self.size)]
        start = cells[int(rng.integers(len(cells)))]
        from_start = maze_distances(self.size, self.passages, start)
        candidates = [c for c in cells if self.min_path_cells <= from_start[c][0] <= self.max_path_cells]
        self.goal_cell = candidates[int(rng.integers(len(candidates)))]
        others = [c for c in cells if c not in (start, self.goal_cell)]
        other_cells = [others[i] for i in rng.choice(len(others), self.n_objects - 1, replace=False)]
        colors = [COLORS[i] for i in rng.permutation(len(COLORS))[: self.n_objects]]
        shapes = [SHAPES[i] for i in rng.integers(len(SHAPES), size=self.n_objects)]
        self.placed = {}
        for color, shape, cell in zip(colors, shapes, [self.goal_cell] + other_cells):
            xy = self.cell_center(cell)
            self.parking.show(engine, marker_name(color, shape), (xy[0], xy[1], 0.0))
            self.placed[color] = (shape, np.array([xy[0], xy[1], 0.0]))
        target = colors[0]
        if self.cell_features:
            self._layout[self.n_walls + self.size**2 + self.goal_cell[0] * self.size + self.goal_cell[1]] = 1.0
        self._goal = self.cell_center(self.goal_cell)
        self.command = Command("go_to", target, self.placed[target][0])
        self._compose(self.placed, self._layout)
        xy = self.cell_center(start) + rng.uniform(-0.05, 0.05, size=2)
        robot.reset(engine, (xy[0], xy[1], rng.uniform(-np.pi, np.pi)))
        self._routes = {}  # BFS from the goal, computed on the expert's first call
        return self.command

    def _observe(self, x: float, y: float, yaw: float) -> np.ndarray:
        observation = super()._observe(x, y, yaw)
        if self.cell_features:  # the robot's cell, as cell_of finds it (scalars: this runs every step)
            last = self.size - 1
            ix = min(max(int((x + self.half_width) // self.cell_size), 0), last)
            iy = min(max(int((y + self.half_width) // self.cell_size), 0), last)
            observation[self._robot_cell + ix * self.size + iy] = 1.0
        return observation

    def path_length(self, position) -> float:
        """Length of the way to the goal through the maze: straight to the next cell's centre,
        then one ``cell_size`` per remaining cell-to-cell move."""
        if not self._routes:
            self._routes = maze_distances(self.size, self.passages, self.goal_cell)
        steps, following = self._routes[self.cell_of(position)]
        if following is None:
            return float(np.hypot(*(self._goal - position[:2])))
        return float(np.hypot(*(self.cell_center(following) - position[:2]))) + (steps - 1) * self.cell_size

    def shaping_terms(self, engine, robot) -> dict[str, float]:
        """``detour``: minus the path length's excess over the straight-line distance, so the
        shaped reward is minus the distance along the maze."""
        position = robot.base_position(engine)
        return {"detour": -(self.path_length(position) - float(np.hypot(*(self._goal - position))))}

    def _expert_path(self, engine, robot, position: np.ndarray) -> np.ndarray:
        if not self._routes:
            self._routes = maze_distances(self.size, self.passages, self.goal_cell)
        cell = self.cell_of(position)
        points = [self.cell_center(cell)]
        for _ in range(3):
            cell = self._routes[cell][1]
            if cell is None:
                break
            points.append(self.cell_center(cell))
        return np.array(points)
