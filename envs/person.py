"""The simulated person who gives commands: where they stand and what they point at.

Each task declares where the person stands (``Task.person``) and where they may walk
before pointing (``Task.person_stances``); ``PERSON`` and ``STANCES`` collect them. The
geometry here is shared by the gesture command channel (perception), the tools that
measure it (scripts/gesture_ceiling.py) and the agents that follow a person's own clip.
"""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np

from robocue.envs.tasks import TaskFacts
from robocue.envs.tasks.reach import object_name

# task -> ((x, y), (facing x, facing y)): where a person stands to give a command. A
# person's own clip is taken to be shown from here.
PERSON = TaskFacts(lambda task: task.person)
# task -> the stances the person may walk to before pointing (:func:`choose_stance`), as
# people step aside so that nobody mistakes what they point at.
STANCES = TaskFacts(lambda task: task.person_stances)


def angle_error(a: float, b: float) -> float:
    """The absolute difference of two directions, degrees in [0, 180]."""
    return abs((a - b + 180.0) % 360.0 - 180.0)


def pointing_direction(task_name: str, target_xy, stance=None) -> float:
    """Image direction (deg, 0 = right, 90 = up) of a point at ``target_xy`` by a person
    standing at ``stance`` = ((x, y), (facing x, facing y)) (default: ``PERSON[task_name]``),
    seen by a camera facing them: straight ahead is 90, their left is less."""
    (px, py), (fx, fy) = PERSON[task_name] if stance is None else stance
    vx, vy = target_xy[0] - px, target_xy[1] - py
    left = math.degrees(math.atan2(fx * vy - fy * vx, fx * vx + fy * vy))
    return 90.0 - left


def scene_objects(env: gym.Env) -> dict[str, tuple[str, np.ndarray]]:
    """Colour -> (shape, (x, y)) of every object or landmark in the env's current scene: what
    the robot sees, and what a pointed direction is resolved against."""
    task, engine = env.unwrapped.task, env.unwrapped.engine
    objects = {}
    for color, placed in task.placed.items():
        if isinstance(placed, tuple):
            shape, position = placed
        else:
            shape, position = placed, engine.body_position(object_name(color, placed))
        objects[color] = (shape, np.asarray(position, dtype=np.float64)[:2])
    return objects


def object_bearings(env: gym.Env, stance=None) -> dict[str, float]:
    """Colour -> the pointing direction (:func:`pointing_direction`) of each object in the
    env's current scene, seen from ``stance`` (default: the task's ``PERSON``)."""
    name = env.unwrapped.task.name
    return {color: pointing_direction(name, xy, stance) for color, (_, xy) in scene_objects(env).items()}


def choose_stance(task_name: str, target_xy, others_xy) -> tuple:
    """The stance of ``STANCES[task_name]`` from which the target's bearing is furthest from
    every other object's (the first such, so the choice is deterministic)."""
    best, best_gap = None, -1.0
    for stance in STANCES[task_name]:
        bearing = pointing_direction(task_name, target_xy, stance)
        gap = min((angle_error(bearing, pointing_direction(task_name, xy, stance)) for xy in others_xy), default=180.0)
        if gap > best_gap:
            best, best_gap = stance, gap
    return best
