"""The value-iteration planner over Maze's wall grid (policies/planner.py)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch

from robocue import envs  # noqa: F401
from robocue.agents.training import build_model
from robocue.configs import ConfigError, load_config
from robocue.envs.tasks.maze import maze_distances
from robocue.policies.attention import CommandAttentionExtractor
from robocue.policies.planner import MOVES, CellGraphPlanner, ValueIterationPlanner


def _scene(env, observation):
    layout = env.unwrapped.observation_layout
    start = layout["robot"] + layout["objects"][0] * layout["objects"][1]
    walls = env.unwrapped.task.n_walls  # the scene block starts with the walls (cell one-hots follow)
    return torch.as_tensor(observation[start : start + walls])[None]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_wall_map_puts_every_standing_wall_where_it_stands(seed):
    env = gym.make("robocue/Maze-MuJoCo-v0")
    observation, _ = env.reset(seed=seed)
    task = env.unwrapped.task
    planner = ValueIterationPlanner(task.size, task.cell_size)
    grid = planner.wall_map(_scene(env, observation))[0]
    centers = planner.centres.numpy()
    for name, center, _, _ in task.wall_segments():
        ix, iy = int(np.argmin(abs(centers - center[0]))), int(np.argmin(abs(centers - center[1])))
        assert centers[ix] == pytest.approx(center[0]) and centers[iy] == pytest.approx(center[1])
        assert grid[ix, iy].item() == (1.0 if name in task.walls else 0.0), name
    assert torch.all(grid[::2, ::2] == 1.0)  # posts
    assert torch.all(grid[[0, -1]] == 1.0) and torch.all(grid[:, [0, -1]] == 1.0)  # outer walls
    assert torch.all(grid[1::2, 1::2] == 0.0)  # cells


def _hand_set(planner: ValueIterationPlanner) -> None:
    """Weights that make the planner an exact shortest-path search: reward -1 a square, 0 at
    the goal, -100 on walls; channel k takes the value one square along MOVES[k] (the last
    one staying, so the goal keeps its 0); the spare channels never win."""
    with torch.no_grad():
        for parameter in planner.parameters():
            parameter.zero_()
        first, second = planner.reward[0], planner.reward[2]
        first.weight[0, 0, 1, 1] = 1.0  # wall
        first.weight[1, 1, 1, 1] = 1.0  # goal
        second.weight[0, :2, 0, 0] = torch.tensor([-99.0, 1.0])
        second.bias.fill_(-1.0)
        planner.move_logits.fill_(-100.0)
        for k in range(planner.channels):
            dx, dy = MOVES[k] if k < len(MOVES) else (0, 0)
            planner.move_logits[k, 3 * (1 + dx) + 1 + dy] = 100.0  # kernels are indexed [x, y]
            planner.q_reward.weight[k, 0, 1, 1] = 1.0 if k < len(MOVES) else 1000.0  # x a negative reward: never the best


@pytest.mark.parametrize("seed", [0, 3, 7, 11])
def test_hand_set_planner_finds_the_way_to_the_goal_in_every_cell(seed):
    """Proof the grid, its orientation and the iterations suffice: with hand-set weights
    the best move channel at every cell's centre points at the maze's next cell to the goal."""
    env = gym.make("robocue/Maze-MuJoCo-v0")
    observation, _ = env.reset(seed=seed)
    task = env.unwrapped.task
    planner = ValueIterationPlanner(task.size, task.cell_size, iterations=40)
    planner.sigma = 0.02  # read exactly at the cell's centre
    _hand_set(planner)
    routes = maze_distances(task.size, task.passages, task.goal_cell)
    walls, goal = _scene(env, observation), torch.as_tensor(task.cell_center(task.goal_cell), dtype=torch.float32)[None]
    checked = 0
    for cell, (_, following) in routes.items():
        if following is None:
            continue
        robot = torch.as_tensor(task.cell_center(cell), dtype=torch.float32)[None]
        q = planner(walls, goal, robot)[0]
        step = (following[0] - cell[0], following[1] - cell[1])
        assert MOVES[int(q.argmax())] == step, (cell, following, q)  # never "stay"
        checked += 1
    assert checked == task.size**2 - 1


def test_planner_features_join_the_attention_features_and_learn():
    env = gym.make("robocue/Maze-MuJoCo-v0")
    observation, _ = env.reset(seed=0)
    layout = env.unwrapped.observation_layout
    plain = CommandAttentionExtractor(env.observation_space, layout)
    planned = CommandAttentionExtractor(env.observation_space, layout, planner_iterations=8)
    assert planned.features_dim == plain.features_dim + planned.planner.channels
    features = planned(torch.as_tensor(observation)[None])
    assert features.shape == (1, planned.features_dim) and torch.isfinite(features).all()
    features[0, -planned.planner.channels :].sum().backward()
    assert planned.planner.move_logits.grad is not None and planned.planner.move_logits.grad.abs().sum() > 0


def test_planner_is_refused_where_there_is_no_maze():
    env = gym.make("robocue/GoTo-MuJoCo-v0")
    with pytest.raises(ValueError, match="only Maze"):
        CommandAttentionExtractor(env.observation_space, env.unwrapped.observation_layout, planner_iterations=8)
    with pytest.raises(ConfigError, match="'policy.attention' applies to policy.features_extractor=attention only"):
        load_config("maze_dagger", ["policy.attention.planner_iterations=8", "policy.features_extractor=flatten"])


@pytest.mark.parametrize("planner", ["policy.attention.planner_iterations=4", "policy.attention.route_planner=true"])
def test_ppo_with_the_planner_builds_on_maze(planner):
    config = load_config("maze_dagger", ["env.n_envs=1", planner, "policy.net_arch=[16]"])
    model = build_model(config, "cpu")
    observation = model.get_env().reset()
    action, _ = model.predict(observation, deterministic=True)
    assert action.shape == (1, 2)
    model.get_env().close()


def test_values_stay_bounded_whatever_the_move_weights():
    """Moves are distributions over neighbours, so K iterations add at most K rewards."""
    torch.manual_seed(0)
    planner = ValueIterationPlanner(4, 0.6, iterations=50)
    with torch.no_grad():
        planner.move_logits.normal_(0, 10)
        planner.q_reward.weight.normal_(0, 3)
    walls = (torch.rand(8, planner.n_walls) < 0.5).float()
    goal, robot = torch.rand(8, 2) * 2.4 - 1.2, torch.rand(8, 2) * 2.4 - 1.2
    maps = torch.stack([planner.wall_map(walls), planner._bump(goal)], dim=1)
    largest = planner.q_reward(planner.reward(maps)).abs().max()
    out = planner(walls, goal, robot)
    assert torch.isfinite(out).all() and out.abs().max() <= 2 * (planner.iterations + 1) * largest


def _cell_blocks(env, observation):
    """The scene block's walls, robot-cell one-hot and goal-cell one-hot, batched."""
    task = env.unwrapped.task
    layout = env.unwrapped.observation_layout
    start = layout["robot"] + layout["objects"][0] * layout["objects"][1]
    scene = torch.as_tensor(observation[start : start + layout["scene"]], dtype=torch.float32)[None]
    walls, cells = task.n_walls, task.size**2
    return scene[:, :walls], scene[:, walls : walls + cells], scene[:, walls + cells :]


@pytest.mark.parametrize("seed", [0, 5, 9, 13])
def test_cell_graph_planner_values_are_the_discounted_route_lengths_and_point_the_way(seed):
    """Every cell's value is discount ** (moves to the goal), and the best move out of every
    cell but the goal's is the maze's next cell towards it, scored 1; moves away score
    discount ** 2 and moves through walls 0."""
    env = gym.make("robocue/Maze-MuJoCo-v0")
    observation, _ = env.reset(seed=seed)
    task = env.unwrapped.task
    walls, robot_cell, goal_cell = _cell_blocks(env, observation)
    assert robot_cell.sum() == 1 and goal_cell.sum() == 1
    assert goal_cell[0, task.goal_cell[0] * task.size + task.goal_cell[1]] == 1
    planner = CellGraphPlanner(task.size)
    routes = maze_distances(task.size, task.passages, task.goal_cell)
    for cell, (steps, following) in routes.items():
        here = torch.zeros(1, task.size**2)
        here[0, cell[0] * task.size + cell[1]] = 1.0
        features = planner(walls, here, goal_cell)[0].detach()
        values = features[4:].view(task.size, task.size)
        assert values[cell] == pytest.approx(0.5**steps)
        for move, (dx, dy) in enumerate(MOVES[:4]):
            other = (cell[0] + dx, cell[1] + dy)
            if tuple(sorted((cell, other))) not in task.passages:
                assert features[move] == 0.0
            elif other == following:
                assert features[move] == pytest.approx(1.0)
            else:
                assert features[move] == pytest.approx(0.25)


def test_cell_graph_planner_joins_the_features_learns_its_discount_and_needs_the_cells():
    env = gym.make("robocue/Maze-MuJoCo-v0")
    observation, _ = env.reset(seed=0)
    layout = env.unwrapped.observation_layout
    plain = CommandAttentionExtractor(env.observation_space, layout)
    routed = CommandAttentionExtractor(env.observation_space, layout, route_planner=True)
    assert routed.features_dim == plain.features_dim + 4 + 16
    features = routed(torch.as_tensor(observation)[None])
    assert features.shape == (1, routed.features_dim) and torch.isfinite(features).all()
    features[0, -20:].sum().backward()
    assert routed.router.discount_logit.grad is not None and routed.router.discount_logit.grad != 0
    no_cells = gym.make("robocue/Maze-MuJoCo-v0", cell_features=False)
    with pytest.raises(ValueError, match="cell_features=true"):
        CommandAttentionExtractor(no_cells.observation_space, no_cells.unwrapped.observation_layout, route_planner=True)
    goto = gym.make("robocue/GoTo-MuJoCo-v0")
    with pytest.raises(ValueError, match="only Maze"):
        CommandAttentionExtractor(goto.observation_space, goto.unwrapped.observation_layout, route_planner=True)
    with pytest.raises(ConfigError, match="'policy.attention' applies to policy.features_extractor=attention only"):
        load_config("maze_dagger", ["policy.attention.route_planner=true", "policy.features_extractor=flatten"])


@pytest.mark.parametrize(
    "overrides, message",
    [
        (["env.id=robocue/GoTo-MuJoCo-v0", "policy.attention.route_planner=true"], "only Maze"),
        (["env.id=robocue/GoTo-MuJoCo-v0", "policy.attention.planner_iterations=4"], "only Maze"),
        (["env.kwargs.cell_features=false"], "cell_features=true"),
    ],
)
def test_train_refuses_a_planner_the_env_cannot_feed_before_it_makes_a_run_folder(overrides, message, tmp_path):
    from robocue.agents.training import check_runnable, train

    config = load_config("maze_dagger", [*overrides, f"run.dir={tmp_path / 'run'}"])
    with pytest.raises(ConfigError, match=message):
        check_runnable(config)
    with pytest.raises(ConfigError, match=message):
        train(config)
    assert not (tmp_path / "run").exists()
