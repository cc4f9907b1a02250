"""Maze: drive the mobile base through a perfect maze generated from the episode's seed to
the coloured goal marker the command names (the shared robot, goal, reward and tokens:
``navigation``)."""

from __future__ import annotations

import numpy as np

from robocue.envs.commands import COLOR_RGBA, COLORS, SHAPES, Command
from robocue.envs.scene import Body, Camera, Geom
from robocue.envs.tasks.base import Parking
from robocue.envs.tasks.navigation import FLOOR_RGBA, PARKING, WALL_RGBA, NavigationTask, outer_walls

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
    verb = "go_to"
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
        self.parking = Parking([name for name, *_ in self.wall_segments()] + markers, PARKING)

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
                center = self.cell_center((ix, iy))
                if ix + 1 < self.size:
                    yield maze_wall_name("v", ix, iy), center + (self.cell_size / 2, 0), (t, half_length, h), ((ix, iy), (ix + 1, iy))
                if iy + 1 < self.size:
                    yield maze_wall_name("h", ix, iy), center + (0, self.cell_size / 2), (half_length, t, h), ((ix, iy), (ix, iy + 1))

    def scene_bodies(self) -> list[Body]:
        floor = Body("floor", geoms=[Geom("plane", (self.half_width + 0.6,) * 2 + (0.1,), FLOOR_RGBA)])
        walls = [
            Body(name, pos=tuple(PARKING), geoms=[Geom("box", half, WALL_RGBA, friction=0.3)], mocap=True)
            for name, _, half, _ in self.wall_segments()
        ]
        markers = [
            Body(
                marker_name(color, shape),
                pos=tuple(PARKING),
                geoms=[
                    Geom("cylinder", (0.2, 0.003), COLOR_RGBA[color], pos=(0, 0, 0.003), collides=False),
                    _MARKER_SHAPE_GEOMS[shape](COLOR_RGBA[color]),
                ],
                mocap=True,
            )
            for color in COLORS
            for shape in SHAPES
        ]
        return [floor] + outer_walls(self.half_width, self.wall_thickness, self.wall_height) + walls + markers

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
        for k, (name, center, half, cells) in enumerate(self.wall_segments()):
            if tuple(sorted(cells)) not in self.passages:
                self.parking.show(engine, name, (center[0], center[1], half[2]))
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
        self.command = Command(self.verb, target, self.placed[target][0])
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

    def path_length(self, robot, position) -> float:
        """Length of the way to the goal through the maze: straight to the next cell's centre,
        then one ``cell_size`` per remaining cell-to-cell move."""
        if not self._routes:
            self._routes = maze_distances(self.size, self.passages, self.goal_cell)
        steps, following = self._routes[self.cell_of(position)]
        if following is None:
            return float(np.hypot(*(self._goal - position[:2])))
        return float(np.hypot(*(self.cell_center(following) - position[:2]))) + (steps - 1) * self.cell_size

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
