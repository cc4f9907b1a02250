"""GoTo: drive the mobile base to the landmark pillar the command names, in an arena with
box obstacles placed per episode (the shared robot, goal, reward and tokens: ``navigation``)."""

from __future__ import annotations

import heapq
import math

import numpy as np

from robocue.envs.commands import COLOR_RGBA, COLORS, SHAPES, Command
from robocue.envs.scene import Body, Camera, Geom
from robocue.envs.tasks.base import Parking
from robocue.envs.tasks.navigation import FLOOR_RGBA, OBSTACLE_RGBA, PARKING, SQRT2, NavigationTask, outer_walls, steer, wrap_angle

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
    verb = "go_to"
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
        self.parking = Parking(landmarks + [obstacle_name(i) for i in range(len(OBSTACLE_HALF_SIZES))], PARKING)

    def scene_bodies(self) -> list[Body]:
        floor = Body("floor", geoms=[Geom("plane", (self.half_width + 0.5,) * 2 + (0.1,), FLOOR_RGBA)])
        landmarks = [
            Body(landmark_name(color, shape), pos=tuple(PARKING), geoms=[_LANDMARK_GEOMS[shape](COLOR_RGBA[color])], mocap=True)
            for color in COLORS
            for shape in SHAPES
        ]
        obstacles = [
            Body(
                obstacle_name(i),
                pos=tuple(PARKING),
                geoms=[Geom("box", (hx, hy, OBSTACLE_HALF_HEIGHT), OBSTACLE_RGBA, friction=0.3)],
                mocap=True,
            )
            for i, (hx, hy) in enumerate(OBSTACLE_HALF_SIZES)
        ]
        return [floor] + outer_walls(self.half_width, self.wall_thickness, self.wall_height) + landmarks + obstacles

    def cameras(self) -> list[Camera]:
        return [
            Camera("overview", pos=(0.0, -3.4, 3.7), lookat=(0.0, -0.15, 0.0), fovy=45),
            Camera("top", pos=(0.0, 0.0, 4.3), lookat=(0.0, 0.0, 0.0), fovy=45),
        ]

    # --- sampling ------------------------------------------------------------------------
    def _sample_discs(self, rng, radii, placed, max_tries: int = 200) -> list[np.ndarray | None]:
        """Centres for discs of ``radii`` keeping ``min_gap`` to the walls and to ``placed``
        discs (a list of (centre, radius), extended in place); None where none was found."""
        centers = []
        for radius in radii:
            limit = self.half_width - radius - self.min_gap
            for _ in range(max_tries):
                xy = -limit + (limit - -limit) * rng.random(2)  # = rng.uniform(-limit, limit, 2), bit for bit, cheaper
                x, y = xy.tolist()
                if all(math.hypot(x - c[0], y - c[1]) >= radius + r + self.min_gap for c, r in placed):
                    placed.append((xy, radius))
                    centers.append(xy)
                    break
            else:
                centers.append(None)
        return centers

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
        self.command = Command(self.verb, target, self.placed[target][0])
        # The scene block: per pool slot [present, x, y, ahead, left, near ahead, near left].
        scene = np.zeros(self.scene_dim)
        points, boxes = [], []
        for i, center in slots.items():
            half = np.array(OBSTACLE_HALF_SIZES[i])
            scene[7 * i : 7 * i + 3] = (1.0, center[0], center[1])
            points.append((center, 7 * i + 3))
            boxes.append((center - half, center + half, 7 * i + 5))
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
        for center, half in self.obstacles:
            dx = np.maximum(np.abs(x - center[0]) - half[0], 0.0)
            dy = np.maximum(np.abs(y - center[1]) - half[1], 0.0)
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
        centers = (np.arange(n) + 0.5) * self.grid_resolution - self.half_width
        grid = np.stack(np.meshgrid(centers, centers, indexing="ij"), axis=-1)
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
                    nd = d + (SQRT2 if di and dj else 1.0) * weight_list[a][b]
                    if nd < dist_list[a][b]:
                        dist_list[a][b] = nd
                        parent[a, b] = (i, j)
                        heapq.heappush(heap, (nd, (a, b)))
        self._plan = (n, np.array(dist_list), parent, centers)

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
                error = wrap_angle(math.atan2(self._goal[1] - y, self._goal[0] - x) - yaw)
        return steer(error, to_goal, robot)

    def _expert_path(self, engine, robot, position: np.ndarray) -> np.ndarray:
        if self._plan is None:
            self._make_plan(robot)
        n, distance, parent, centers = self._plan
        i, j = self._cells(position, n)
        if not np.isfinite(distance[i, j]):  # pressed against an obstacle: start from the best cell nearby
            window = distance[max(i - 3, 0) : i + 4, max(j - 3, 0) : j + 4]
            if not np.isfinite(window).any():
                return self._goal[None, :].copy()
            a, b = np.unravel_index(np.argmin(window), window.shape)
            i, j = max(i - 3, 0) + a, max(j - 3, 0) + b
        points = [(centers[i], centers[j])]
        for _ in range(12):  # 0.6 m ahead is plenty for the look-ahead
            i, j = parent[i, j]
            if i < 0:
                break
            points.append((centers[i], centers[j]))
        if i < 0:  # the path reached the goal cell: end it at the goal itself
            points[-1] = tuple(self._goal)
        return np.array(points)
