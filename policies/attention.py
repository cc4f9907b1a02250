"""Command-keyed attention over object tokens: the policy looks at the object it was told about.

A state observation is ``[robot | object tokens | scene | command]``
(``env.observation_layout`` gives the block sizes; the first entry of each token is 1 when
the object is present; the scene block, obstacles or maze walls, is empty in manipulation).
The command is projected to a query, each token to a key; a softmax over present objects
weights the tokens, and the weighted token joins the robot state, the scene block and the
command as the features for the actor and critic heads. Which command picks which object
is learned. With ``key="fields"`` there is no query or key: the object's colour and shape
one-hots meet the command's colour and shape features directly, one learned matrix each,
so colour-shape pairs never heard in training score as their parts do (held-out
compositions in words, docs/commands.md). With ``all_tokens`` every token joins them too: where the other objects
matter (GoTo: the landmarks not commanded are obstacles the robot must drive around),
attention alone would hide them. With ``planner_iterations`` (Maze) a value-iteration
network (:mod:`policies.planner`) plans on the maze's wall grid from the scene block, the
attended object's position and the robot's, and its move values join the features. With
``route_planner`` (Maze) a value-iteration layer over the maze's cell graph
(:class:`policies.planner.CellGraphPlanner`) reads the walls and the cell one-hots from the
scene block and adds which moves out of the robot's cell shorten the way.
"""

from __future__ import annotations

import math

import gymnasium as gym
import torch
import torch.nn as nn
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor

from robocue.policies.planner import CellGraphPlanner, ValueIterationPlanner


class CommandAttentionExtractor(BaseFeaturesExtractor):
    """Features ``[robot, attended object token, scene, command]`` from a flat state observation.

    Args:
        observation_space: Flat Box of size ``robot + n_tokens * token_dim + scene + command``.
        layout: ``{"robot": int, "objects": (n_tokens, token_dim), "scene": int, "command": int}``
            (``scene`` may be missing: runs saved before it existed have none).
        embed_dim: Size of the query and key vectors.
        key: ``linear`` (default) or ``mlp`` (one hidden layer of 64): how a token becomes its
            key, scored against a query made from the whole command. ``fields``: no key or
            query; each object is scored field by field, its colour one-hot against the
            command's colour features and its shape against the command's shape (one
            learned matrix per field), summed. No term pairs one field of the command with
            another of the object, so a colour-shape pair never heard in training scores as
            its colour and its shape do. Needs ``layout["token_fields"]`` and
            ``layout["command_fields"]`` (field -> (offset, size)).
        object_fields_to_heads: False: the heads get the command without its colour and
            shape fields (the attention alone reads them; needs ``layout["command_fields"]``).
        all_tokens: Also pass every object token through (features ``[robot, attended, all
            tokens, scene, command]``).
        planner_iterations: Rounds of value iteration of a planner over the maze grid
            (0: no planner). Needs ``layout["grid"]`` (``{"size": cells per side,
            "cell_size": metres}``, which Maze gives) and a robot block that starts with
            the robot's x, y; adds the planner's move values at the robot's place.
        route_planner: Add the cell-graph planner's features (Maze with its cell one-hots:
            ``layout["grid"]`` and a scene block of walls, robot cell, goal cell).
    """

    def __init__(
        self,
        observation_space: gym.spaces.Box,
        layout: dict,
        embed_dim: int = 32,
        key: str = "linear",
        all_tokens: bool = False,
        object_fields_to_heads: bool = True,
        planner_iterations: int = 0,
        route_planner: bool = False,
    ):
        robot, (n_tokens, token_dim), command = layout["robot"], tuple(layout["objects"]), layout["command"]
        scene = int(layout.get("scene", 0))
        expected = robot + n_tokens * token_dim + scene + command
        if observation_space.shape != (expected,):
            raise ValueError(
                f"the attention extractor expects a flat observation of {expected} entries "
                f"(layout {layout}), got shape {observation_space.shape}"
            )
        every = n_tokens * token_dim if all_tokens else 0
        planner = None
        if planner_iterations:
            grid = layout.get("grid")
            if not grid:
                raise ValueError(
                    "policy.attention.planner_iterations > 0 plans on a maze grid, and this env has none (only Maze does); use 0"
                )
            planner = ValueIterationPlanner(int(grid["size"]), float(grid["cell_size"]), iterations=planner_iterations)
            if planner.n_walls > scene:
                raise ValueError(f"the maze grid has {planner.n_walls} walls but the scene block only {scene} entries")
        router = None
        if route_planner:
            grid = layout.get("grid")
            if not grid:
                raise ValueError(
                    "policy.attention.route_planner plans on a maze's cells, and this env has none (only Maze does); use false"
                )
            router = CellGraphPlanner(int(grid["size"]))
            if scene != router.n_walls + 2 * router.n_cells:
                raise ValueError(
                    f"policy.attention.route_planner reads {router.n_walls} wall bits and two {router.n_cells}-cell one-hots from the "
                    f"scene block, which has {scene} entries; the env needs cell_features=true"
                )
        planned = (planner.channels if planner is not None else 0) + (router.features_dim if router is not None else 0)
        if key not in ("linear", "mlp", "fields"):
            raise ValueError(f"attention key {key!r} is not one of: linear, mlp, fields")
        command_fields = layout.get("command_fields")
        if (key == "fields" or not object_fields_to_heads) and not command_fields:
            raise ValueError(
                "this env's command features do not say where the colour and shape are (a raw embedding does not), which "
                "policy.attention.key=fields and policy.attention.object_fields_to_heads=false need; use linear and true"
            )
        heads_command = list(range(command))  # the command entries the heads get
        if not object_fields_to_heads:
            hidden = {i for name in ("color", "shape") for i in range(command_fields[name][0], sum(command_fields[name]))}
            heads_command = [i for i in heads_command if i not in hidden]
        super().__init__(observation_space, features_dim=robot + token_dim + every + scene + len(heads_command) + planned)
        self.register_buffer("heads_command", torch.tensor(heads_command, dtype=torch.long), persistent=False)
        self.object_fields_to_heads = object_fields_to_heads
        self.planner = planner
        self.router = router
        self.robot_dim, self.n_tokens, self.token_dim, self.command_dim = robot, n_tokens, token_dim, command
        self.all_tokens = all_tokens
        self.scene_dim = scene
        self.key_kind = key
        if key == "fields":
            token_fields = layout.get("token_fields") or {}
            self.matched = [(name, token_fields[name], command_fields[name]) for name in ("color", "shape") if name in token_fields]
            if not self.matched:
                raise ValueError("policy.attention.key=fields: this env's object tokens name no colour or shape; use linear")
            # one matrix per field: object colour x command colour features, and the same for shape
            self.match = nn.ParameterDict({name: nn.Parameter(0.1 * torch.randn(t[1], c[1])) for name, t, c in self.matched})
        else:
            self.query = nn.Linear(command, embed_dim)
            # An MLP key can compute non-linear token features (for example an object's bearing
            # from a person who points at it); a linear key only weighs the token's entries.
            self.key = (
                nn.Linear(token_dim, embed_dim)
                if key == "linear"
                else nn.Sequential(nn.Linear(token_dim, 64), nn.Tanh(), nn.Linear(64, embed_dim))
            )
        self.scale = 1.0 / math.sqrt(embed_dim)

    def attention(self, observations: torch.Tensor) -> torch.Tensor:
        """Attention weights over the object tokens, shape ``(batch, n_tokens)``."""
        tokens = self._tokens(observations)
        command = observations[..., -self.command_dim :]
        if self.key_kind == "fields":
            scores = sum(
                torch.einsum(
                    "...nt,tc,...c->...n",
                    tokens[..., t_start : t_start + t_size],
                    self.match[name],
                    command[..., c_start : c_start + c_size],
                )
                for name, (t_start, t_size), (c_start, c_size) in self.matched
            )
        else:
            scores = (self.key(tokens) * self.query(command).unsqueeze(-2)).sum(-1) * self.scale
        scores = scores.masked_fill(tokens[..., 0] < 0.5, -1e9)
        return torch.softmax(scores, dim=-1)

    def _tokens(self, observations: torch.Tensor) -> torch.Tensor:
        flat = observations[..., self.robot_dim : self.robot_dim + self.n_tokens * self.token_dim]
        return flat.reshape(*observations.shape[:-1], self.n_tokens, self.token_dim)

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        weights = self.attention(observations)
        attended = (weights.unsqueeze(-1) * self._tokens(observations)).sum(-2)
        robot = observations[..., : self.robot_dim]
        end = self.robot_dim + self.n_tokens * self.token_dim
        scene = observations[..., end : end + self.scene_dim]
        command = observations[..., -self.command_dim :]
        if not self.object_fields_to_heads:
            command = command.index_select(-1, self.heads_command)
        parts = [robot, attended]
        if self.all_tokens:
            parts.append(observations[..., self.robot_dim : end])
        parts += [scene, command]
        if self.planner is not None:  # the attended token's entries 1-2 are its world x, y
            parts.append(self.planner(scene[..., : self.planner.n_walls], attended[..., 1:3], robot[..., :2]))
        if self.router is not None:
            walls, cells = self.router.n_walls, self.router.n_cells
            robot_cell, goal_cell = scene[..., walls : walls + cells], scene[..., walls + cells : walls + 2 * cells]
            parts.append(self.router(scene[..., :walls], robot_cell, goal_cell))
        return torch.cat(parts, dim=-1)
