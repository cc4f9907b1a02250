"""Reach: move the arm's tool tip to the object the command names."""

from __future__ import annotations

import math

import numpy as np

from robocue.envs.commands import COLOR_RGBA, COLORS, SHAPES, Command
from robocue.envs.robots.arm import Arm
from robocue.envs.scene import Body, Camera, Geom
from robocue.envs.tasks.base import Parking, Task
from robocue.envs.tasks.table import TABLE_PERSON, TABLE_STANCES, table_bodies, table_cameras

OBJECT_HALF_SIZE = 0.025
_SHAPE_GEOMS = {
    "cube": lambda rgba: Geom("box", (OBJECT_HALF_SIZE,) * 3, rgba, collides=False),
    "ball": lambda rgba: Geom("sphere", (OBJECT_HALF_SIZE,), rgba, collides=False),
    "cylinder": lambda rgba: Geom("cylinder", (OBJECT_HALF_SIZE, OBJECT_HALF_SIZE), rgba, collides=False),
}
# Parked objects wait here, below the table and out of every camera's view.
_PARKING = np.array([0.0, 0.0, -2.0])


def object_name(color: str, shape: str) -> str:
    return f"obj_{color}_{shape}"


class ReachTask(Task):
    """Reach the commanded object among ``n_objects`` coloured objects on the table.

    Every colour appears at most once per scene, so colour alone identifies the target;
    the shape is random. Objects are markers: the arm passes through them.

    Observation (task part): one object token per colour in ``COLORS`` order, each
    ``[present, x, y, z, dx, dy, dz, one-hot color (4), one-hot shape (3)]`` with ``d*``
    the object's offset from the tool tip; tokens of absent colours are all zeros.
    Success: tool tip within ``distance_threshold`` of the object's centre.
    """

    name = "reach"
    verb = "reach"
    id_name, max_episode_steps, on_table = "Reach", 50, True
    person, person_stances = TABLE_PERSON, TABLE_STANCES
    robot_class = Arm
    goal_dim = 3
    token_dim = 7 + len(COLORS) + len(SHAPES)
    n_tokens = len(COLORS)
    # Objects are sampled in this region of the table (tool-tip reachable), metres.
    spawn_low = np.array([0.25, -0.35])
    spawn_high = np.array([0.60, 0.35])
    min_separation = 0.10

    def __init__(self, reward_type: str = "dense", n_objects: int = 3, distance_threshold: float = 0.05):
        super().__init__(reward_type)
        if not 1 <= n_objects <= len(COLORS):
            raise ValueError(f"n_objects={n_objects} must be between 1 and {len(COLORS)}")
        self.n_objects = n_objects
        self.distance_threshold = distance_threshold
        self.placed: dict[str, tuple[str, np.ndarray]] = {}  # colour -> (shape, position)
        self.parking = Parking([object_name(color, shape) for color in COLORS for shape in SHAPES], _PARKING)
        self.command: Command | None = None

    def scene_bodies(self) -> list[Body]:
        objects = [
            Body(
                object_name(color, shape),
                pos=tuple(_PARKING),
                geoms=[_SHAPE_GEOMS[shape](COLOR_RGBA[color])],
                mocap=True,
            )
            for color in COLORS
            for shape in SHAPES
        ]
        return table_bodies() + objects

    def cameras(self) -> list[Camera]:
        return table_cameras()

    def _sample_positions(self, rng: np.random.Generator) -> list[np.ndarray]:
        positions: list[np.ndarray] = []
        spawn_range = self.spawn_high - self.spawn_low
        while len(positions) < self.n_objects:
            xy = (self.spawn_low + spawn_range * rng.random(2)).tolist()  # = rng.uniform(low, high), bit for bit, cheaper
            if all(math.hypot(xy[0] - p[0], xy[1] - p[1]) >= self.min_separation for p in positions):
                positions.append(np.array([xy[0], xy[1], OBJECT_HALF_SIZE]))
        return positions

    def reset(self, engine, robot, rng: np.random.Generator) -> Command:
        self.parking.reset(engine)
        colors = [COLORS[i] for i in sorted(rng.choice(len(COLORS), self.n_objects, replace=False))]
        shapes = [SHAPES[i] for i in rng.integers(len(SHAPES), size=self.n_objects)]
        positions = self._sample_positions(rng)
        self.placed = {}
        for color, shape, position in zip(colors, shapes, positions):
            self.parking.show(engine, object_name(color, shape), position)
            self.placed[color] = (shape, position)
        target = colors[int(rng.integers(self.n_objects))]
        self.command = Command(self.verb, target, self.placed[target][0])
        # Everything but the offsets from the tip is fixed for the episode.
        self._tokens = np.zeros((self.n_tokens, self.token_dim))
        for i, color in enumerate(COLORS):
            if color in self.placed:
                shape, position = self.placed[color]
                self._tokens[i, 0] = 1.0
                self._tokens[i, 1:4] = position
                self._tokens[i, 7 + i] = 1.0
                self._tokens[i, 7 + len(COLORS) + SHAPES.index(shape)] = 1.0
        rows = np.array([i for i, color in enumerate(COLORS) if color in self.placed])
        self._positions = self._tokens[rows, 1:4].copy()
        # Flat indices of the present tokens' offsets (absent tokens stay zero): one scatter
        # per step into a copy of the flat tokens.
        self._flat_tokens = self._tokens.ravel()
        self._offset_indices = (rows[:, None] * self.token_dim + np.arange(4, 7)).ravel()
        robot.reset(engine)
        return self.command

    def observation(self, engine, robot) -> np.ndarray:
        tokens = self._flat_tokens.copy()
        tokens[self._offset_indices] = (self._positions - robot.tip_position(engine)).ravel()
        return tokens

    def expert_action(self, engine, robot) -> np.ndarray:
        """Moves the tool tip straight at the commanded object, slowing down near it."""
        offset = self.desired_goal(engine) - robot.tip_position(engine)
        return np.clip(offset / robot.max_step, -1.0, 1.0)

    def achieved_goal(self, engine, robot) -> np.ndarray:
        return robot.tip_position(engine)

    def desired_goal(self, engine) -> np.ndarray:
        return self.placed[self.command.color][1].copy()
