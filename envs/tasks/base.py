"""The task interface. A task talks only to the engine adapter, so one task serves every engine."""

from __future__ import annotations

import math

import numpy as np

from robocue.envs.commands import COLORS, SHAPES, Command
from robocue.envs.scene import Body, Camera

REWARD_TYPES = ("dense", "sparse", "shaped")


def place(engine, body: str, position, visible: bool = True) -> None:
    """Moves a free or mocap body, shown in renders, or hidden where it waits out of use
    (parked bodies would still cost draw time)."""
    engine.set_body_position(body, position)
    engine.set_body_visible(body, visible)


def stances_on_arc(center, radius: float, angles_deg) -> tuple:
    """Person stances on a circle round ``center``, each facing it (for ``Task.person_stances``)."""
    stances = []
    for angle in angles_deg:
        c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        stances.append(((round(center[0] + radius * c, 6), round(center[1] + radius * s, 6)), (-c, -s)))
    return tuple(stances)


class Parking:
    """The bodies a task shows some episodes and parks, hidden, at ``spot`` the others.

    Every such body is built at ``spot``, so ``engine.reset()`` returns it there; a
    reset then only has to hide the bodies the last episode showed (a body stays hidden
    across engine resets) instead of all of them: Reach parks 3 objects instead of 12,
    GoTo 6 bodies instead of 22, which is most of a reset's cost.
    """

    def __init__(self, names, spot):
        self.spot = tuple(spot)
        self._shown = dict.fromkeys(names)  # a freshly built engine shows every body

    @property
    def shown(self) -> tuple[str, ...]:
        """The bodies shown since the last reset."""
        return tuple(self._shown)

    def reset(self, engine) -> None:
        """Parks and hides every body shown since the last reset."""
        for name in self._shown:
            place(engine, name, self.spot, visible=False)
        self._shown = {}

    def show(self, engine, name: str, position) -> None:
        """Places ``name`` at ``position``, visible, until the next reset."""
        place(engine, name, position)
        self._shown[name] = None


class Task:
    """What the robot must do in a scene: objects, goal sampling, reward and success.

    Subclasses set ``name``, ``robot_class``, ``goal_dim`` and the shape of their part of
    the state, ``n_tokens`` object tokens of ``token_dim`` entries each (the first entry of
    a token is 1 when its object is present), optionally a ``scene_dim``-entry scene block
    after the tokens (what the scene holds besides the objects a command can name, such as
    obstacles or walls), and implement the methods below. Rewards are goal-based (``achieved_goal`` vs
    ``desired_goal``) so they can be recomputed for relabelled goals (HER), except
    ``reward_type="shaped"``: the dense reward, plus ``success_bonus`` on every step that
    succeeds, plus the task's :meth:`shaping_terms`, which read the whole state (for
    example the tool tip's distance to the object) and so cannot be recomputed from goals.
    """

    name: str
    robot_class: type
    goal_dim: int
    n_tokens: int
    token_dim: int
    # Where a token names its object: field -> (offset, size) of its one-hots. Every task's
    # tokens are [present, x, y, z, dx, dy, dz, colour one-hot, shape one-hot].
    token_fields: dict = {"color": (7, len(COLORS)), "shape": (7 + len(COLORS), len(SHAPES))}
    scene_dim: int = 0
    distance_threshold: float
    # --- facts every table elsewhere is derived from (envs ids, wrappers, detector, person) ---
    # The command verb people use for this task, one of ``envs.commands.TASKS`` (the command
    # vocabulary, which the grammar and the command encoders know); a task with a verb of its
    # own adds it there with its grammar words.
    verb: str
    id_name: str  # the task's part of env ids: robocue/<id_name><mode>-<engine>-v0
    max_episode_steps: int  # episode length of the registered ids, env steps
    on_table: bool = False  # table-top task: object tokens in the world frame, seen by the object detector
    # Where the simulated person stands to give a command, ((x, y), (facing x, facing y)), and
    # the places they may walk to before pointing (the first is ``person``; the person picks
    # the one from which the target stands out most).
    person: tuple
    person_stances: tuple

    def __init__(self, reward_type: str = "dense"):
        if reward_type not in REWARD_TYPES:
            raise ValueError(f"reward_type={reward_type!r} is not one of: {', '.join(REWARD_TYPES)}")
        self.reward_type = reward_type

    def make_robot(self):
        """The robot this task drives (override to pass options, e.g. a gripper)."""
        return self.robot_class()

    def expert_action(self, engine, robot) -> np.ndarray:
        """A scripted expert's action for the current state (proves the task is solvable)."""
        raise NotImplementedError

    def scene_bodies(self) -> list[Body]:
        """Bodies the task adds to the scene (table, objects, markers)."""
        raise NotImplementedError

    def cameras(self) -> list[Camera]:
        """Fixed scene cameras; the first is the default for videos and pixels."""
        raise NotImplementedError

    def reset(self, engine, robot, rng: np.random.Generator) -> Command:
        """Samples a scene and a command from ``rng``, applies it to the engine, returns the command."""
        raise NotImplementedError

    @property
    def observation_dim(self) -> int:
        return self.n_tokens * self.token_dim + self.scene_dim

    def observation(self, engine, robot) -> np.ndarray:
        """The task's part of the state vector: object tokens, flattened, then the scene block
        (``scene_dim`` entries, none by default)."""
        raise NotImplementedError

    def achieved_goal(self, engine, robot) -> np.ndarray:
        raise NotImplementedError

    def desired_goal(self, engine) -> np.ndarray:
        raise NotImplementedError

    # --- goal-based reward, vectorised over leading dimensions ------------------------
    def goal_distance(self, achieved_goal, desired_goal) -> np.ndarray:
        """Euclidean distance over the last axis, computed in float64 (as :meth:`step_reward_terms`
        does with Python floats, so both give bit-identical results for the same goals)."""
        offset = np.asarray(achieved_goal, dtype=np.float64) - np.asarray(desired_goal, dtype=np.float64)
        return np.sqrt(np.sum(offset * offset, axis=-1))

    def is_success(self, achieved_goal, desired_goal) -> np.ndarray:
        return self.goal_distance(achieved_goal, desired_goal) < self.distance_threshold

    def reward_terms(self, achieved_goal, desired_goal) -> dict[str, np.ndarray]:
        """Every reward term; ``reward`` is the one selected by ``reward_type``."""
        distance = self.goal_distance(achieved_goal, desired_goal)
        dense = -distance
        sparse = np.where(distance >= self.distance_threshold, -1.0, 0.0)
        return {
            "distance": distance,
            "reward_dense": dense,
            "reward_sparse": sparse,
            "reward": dense if self.reward_type == "dense" else sparse,
        }

    success_bonus = 1.0  # added per step on success when reward_type="shaped"

    def shaping_terms(self, engine, robot) -> dict[str, float]:
        """Task-specific terms added to the dense reward when ``reward_type="shaped"``."""
        return {}

    def step_reward_terms(self, engine, robot, achieved_goal, desired_goal) -> dict:
        """The reward terms of the current state (one pair of goals), shaping included where
        selected, as Python floats, plus ``is_success``.

        The same numbers as :meth:`reward_terms` on these goals, computed with scalar
        arithmetic: on the env's step path numpy's per-call overhead would cost more than
        the arithmetic (the sum runs in the same order, so the results are bit-identical).
        """
        squares = 0.0
        for a, d in zip(achieved_goal.tolist(), desired_goal.tolist()):
            squares += (a - d) * (a - d)
        distance = math.sqrt(squares)
        success = distance < self.distance_threshold
        dense = -distance
        sparse = 0.0 if success else -1.0
        terms = {"distance": distance, "reward_dense": dense, "reward_sparse": sparse}
        if self.reward_type == "shaped":
            shaping = self.shaping_terms(engine, robot)
            shaping["success_bonus"] = self.success_bonus * float(success)
            shaped = dense + sum(shaping.values())
            terms.update(shaping)
            terms["reward_shaped"] = shaped
            terms["reward"] = shaped
        else:
            terms["reward"] = dense if self.reward_type == "dense" else sparse
        terms["is_success"] = success
        return terms

    def compute_reward(self, achieved_goal, desired_goal, info=None) -> np.ndarray:
        return self.reward_terms(achieved_goal, desired_goal)["reward"]
