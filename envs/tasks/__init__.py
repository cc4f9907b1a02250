"""Tasks: scene contents, goal sampling, rewards and success, written once for all engines."""

from envs.tasks.base import Task
from envs.tasks.reach import ReachTask

TASKS: dict[str, type[Task]] = {"reach": ReachTask}

__all__ = ["TASKS", "Task", "ReachTask"]
