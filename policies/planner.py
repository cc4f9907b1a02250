"""Planners inside the Maze policy: a value-iteration network over the maze's wall grid,
and a value-iteration layer over its cell graph.

Driving through a maze from its state vector asks an MLP to find the way on a new maze
every episode: a breadth-first search over 16 cells, written into one forward pass of
dense layers. A value-iteration network (Tamar et al., "Value Iteration Networks", 2016)
gives the policy the shape of that computation instead and leaves the numbers to be
learned: a small convolution turns the map into a reward, and ``iterations`` rounds of
"convolve the values with the reward, keep the best of ``channels`` moves" spread the
goal's value along the passages. The policy reads the move values where the robot is,
less the best one's. Each move spreads value by a learned distribution over the 3 x 3
neighbouring squares (a transition model, so values stay bounded over the iterations),
starting as the grid's own moves (east, north, west, south, stay); everything is learned
from there.

The map is the maze's ``size`` x ``size`` cells and the walls around and between them on
one grid of ``2 * size + 1`` squares: cells at odd (x, y), the wall between two cells in the
square between them (1 where a wall stands, 0 for a passage), and the outer walls and the
posts between four cells always 1. The scene block's entries follow :meth:`envs.tasks.maze.MazeTask.
wall_segments`: for each cell ``ix``, then ``iy``, the wall east of it, then the one north of
it. The goal (the attended object's world position) and the robot (its own x, y) are put
on the grid as Gaussian bumps around square centres, so both stay differentiable.

:class:`CellGraphPlanner` is the cheap alternative: value iteration on the graph of the
maze's cells, whose edges are the passages the wall bits leave open, starting from the
commanded marker's cell (the scene block's cell one-hots give it and the robot's cell).
Its transitions are known rather than learned, so it is exact: after ``size**2 - 1``
rounds every cell's value is ``discount ** (moves to the goal)``. Only the discount is
learned. It costs a few gathers per round instead of convolutions, so it fits as fast as
the policy without it.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


def wall_squares(size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Grid (x, y) index of every possible internal wall, in the scene block's order."""
    xs, ys = [], []
    for ix in range(size):
        for iy in range(size):
            if ix + 1 < size:  # east of cell (ix, iy)
                xs.append(2 * ix + 2)
                ys.append(2 * iy + 1)
            if iy + 1 < size:  # north of it
                xs.append(2 * ix + 1)
                ys.append(2 * iy + 2)
    return torch.tensor(xs), torch.tensor(ys)


# The grid's own moves in [x, y] steps: east, north, west, south, stay.
MOVES = ((1, 0), (0, 1), (-1, 0), (0, -1), (0, 0))


class ValueIterationPlanner(nn.Module):
    """Move values at the robot's place on the maze grid, ``(batch, channels)``.

    Args:
        size: Cells per side of the maze.
        cell_size: Width of a cell, metres; the maze is centred on the world origin.
        iterations: Rounds of value iteration (each spreads value by one grid square; a
            cell-to-cell move is two squares).
        channels: Moves the network compares at every square (its Q channels).
    """

    def __init__(self, size: int, cell_size: float, iterations: int = 24, channels: int = 8):
        super().__init__()
        if size < 2 or cell_size <= 0 or iterations < 1 or channels < 1:
            raise ValueError(
                f"planner needs size >= 2, cell_size > 0, iterations >= 1, channels >= 1; got {size}, {cell_size}, {iterations}, {channels}"
            )
        self.size, self.iterations, self.channels = size, iterations, channels
        self.n_walls = 2 * size * (size - 1)
        n = 2 * size + 1
        xs, ys = wall_squares(size)
        self.register_buffer("wall_x", xs)
        self.register_buffer("wall_y", ys)
        fixed = torch.zeros(n, n)  # the outer walls and the posts
        fixed[::2, ::2] = 1.0
        fixed[[0, -1], :] = 1.0
        fixed[:, [0, -1]] = 1.0
        self.register_buffer("fixed", fixed)
        # World position of every square's centre along an axis: square k sits at
        # k / 2 cells from the maze's edge (cell ix's centre is square 2 ix + 1).
        centers = torch.arange(n, dtype=torch.float32) / 2 * cell_size - size * cell_size / 2
        self.register_buffer("centres", centers)  # the name saved in maze models' weights
        self.sigma = cell_size / 4
        self.reward = nn.Sequential(nn.Conv2d(2, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 1, 1))
        self.q_reward = nn.Conv2d(1, channels, 3, padding=1, bias=False)
        # Each move spreads value from the 3 x 3 squares around by a learned distribution
        # (softmax weights, as a transition model would), so over many iterations the
        # values can neither explode nor vanish. It starts as the grid's own moves (east,
        # north, west, south, stay: most weight on one neighbour).
        logits = torch.zeros(channels, 3, 3)
        for k, (dx, dy) in enumerate(MOVES[:channels]):
            logits[k, 1 + dx, 1 + dy] = 4.0
        self.move_logits = nn.Parameter(logits.view(channels, 9))

    def _bump(self, xy: torch.Tensor) -> torch.Tensor:
        """A normalised Gaussian bump around ``xy`` (batch, 2) on the grid, (batch, n, n)
        indexed [x, y]."""
        gx = torch.exp(-((self.centres - xy[:, :1]) ** 2) / (2 * self.sigma**2))
        gy = torch.exp(-((self.centres - xy[:, 1:2]) ** 2) / (2 * self.sigma**2))
        bump = gx.unsqueeze(2) * gy.unsqueeze(1)
        return bump / bump.sum(dim=(1, 2), keepdim=True).clamp_min(1e-8)

    def wall_map(self, walls: torch.Tensor) -> torch.Tensor:
        """(batch, n, n) indexed [x, y]: 1 on the outer walls, posts and standing walls."""
        grid = self.fixed.expand(walls.shape[0], -1, -1).clone()
        grid[:, self.wall_x, self.wall_y] = walls
        return grid

    def forward(self, walls: torch.Tensor, goal_xy: torch.Tensor, robot_xy: torch.Tensor) -> torch.Tensor:
        maps = torch.stack([self.wall_map(walls), self._bump(goal_xy)], dim=1)
        reward = self.reward(maps)
        from_reward = self.q_reward(reward)
        moves = torch.softmax(self.move_logits, dim=-1).view(self.channels, 1, 3, 3)
        value = torch.zeros_like(reward)
        for _ in range(self.iterations):
            q = from_reward + F.conv2d(value, moves, padding=1)
            value = q.max(dim=1, keepdim=True).values
        q = from_reward + F.conv2d(value, moves, padding=1)
        where = self._bump(robot_xy).unsqueeze(1)
        at_robot = (q * where).sum(dim=(2, 3))
        return at_robot - at_robot.max(dim=1, keepdim=True).values  # how much worse than the best move


class CellGraphPlanner(nn.Module):
    """Value iteration over a maze's cell graph; ``(batch, 4 + size**2)`` features.

    Inputs are the scene block's pieces: the wall bits (in :func:`wall_squares`' order: for
    each cell ``ix``, then ``iy``, the wall east of it, then the one north of it) and two
    one-hots over the cells (index ``ix * size + iy``), the robot's and the goal's.

    Every cell's value starts at 1 in the goal cell and 0 elsewhere; each round a cell takes
    the best of its own goal value and ``discount`` times its open neighbours' values. After
    ``size**2 - 1`` rounds (the longest route in a perfect maze) a cell's value is
    ``discount ** d``, ``d`` its moves to the goal. The features are, for the moves east,
    north, west and south out of the robot's cell, ``discount`` times the neighbour's value
    over the robot cell's value (1 for the move that starts the shortest route, ``discount**2``
    for one that leads away, 0 through a wall or off the maze), then every cell's value (how
    near the goal each cell is, from which the route's later turns can be read).
    """

    def __init__(self, size: int, discount: float = 0.5):
        super().__init__()
        if size < 2 or not 0.05 < discount < 0.95:
            raise ValueError(f"cell-graph planner needs size >= 2 and 0.05 < discount < 0.95; got {size}, {discount}")
        self.size, self.n_cells, self.n_walls = size, size * size, 2 * size * (size - 1)
        self.iterations = self.n_cells - 1
        self.features_dim = len(MOVES) - 1 + self.n_cells
        # Wall k stands on grid square (x, y) (wall_squares); the cells either side of it
        # are at the odd squares next to it: west and east of an even x, else south and north.
        wall_index = {}
        for k, (x, y) in enumerate(zip(*(t.tolist() for t in wall_squares(size)))):
            if x % 2 == 0:
                wall_index[(x // 2 - 1, y // 2), (x // 2, y // 2)] = k
            else:
                wall_index[(x // 2, y // 2 - 1), (x // 2, y // 2)] = k
        neighbour = torch.zeros(self.n_cells, 4, dtype=torch.long)  # 0 (any cell) where there is none
        wall = torch.zeros(self.n_cells, 4, dtype=torch.long)
        inside = torch.zeros(self.n_cells, 4)
        for ix in range(size):
            for iy in range(size):
                for d, (dx, dy) in enumerate(MOVES[:4]):
                    jx, jy = ix + dx, iy + dy
                    if 0 <= jx < size and 0 <= jy < size:
                        neighbour[ix * size + iy, d] = jx * size + jy
                        wall[ix * size + iy, d] = wall_index[tuple(sorted(((ix, iy), (jx, jy))))]
                        inside[ix * size + iy, d] = 1.0
        self.register_buffer("neighbour", neighbour)
        self.register_buffer("wall", wall)
        self.register_buffer("inside", inside)
        # The discount, learned, kept in (0.05, 0.95) so values neither vanish nor flatten.
        self.discount_logit = nn.Parameter(torch.logit(torch.tensor((discount - 0.05) / 0.9)))

    @property
    def discount(self) -> torch.Tensor:
        return 0.05 + 0.9 * torch.sigmoid(self.discount_logit)

    def forward(self, walls: torch.Tensor, robot_cell: torch.Tensor, goal_cell: torch.Tensor) -> torch.Tensor:
        discount = self.discount
        open_ = self.inside * (1.0 - walls[:, self.wall])  # (batch, cells, 4): 1 where a move is possible
        value = goal_cell
        for _ in range(self.iterations):
            onward = (value[:, self.neighbour] * open_).amax(dim=-1)
            value = torch.maximum(goal_cell, discount * onward)
        here = (value * robot_cell).sum(dim=-1, keepdim=True).clamp_min(1e-12)
        neighbours = (robot_cell.unsqueeze(-1) * value[:, self.neighbour] * open_).sum(dim=1)
        return torch.cat([discount * neighbours / here, value], dim=-1)
