"""Tasks: scene contents, goal sampling, rewards and success, written once for all engines.

``TASKS`` maps each task's name to its class. Every per-task table elsewhere is a
:class:`TaskFacts` view of it, read when used, so a task added later (``robocue.envs.register_task``)
appears in all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from robocue.envs.tasks.base import Task
from robocue.envs.tasks.go_to import GoToTask
from robocue.envs.tasks.manipulation import PickAndPlaceTask, PushTask
from robocue.envs.tasks.maze import MazeTask
from robocue.envs.tasks.reach import ReachTask

TASKS: dict[str, type[Task]] = {task.name: task for task in (ReachTask, PushTask, PickAndPlaceTask, GoToTask, MazeTask)}


class TaskFacts(Mapping):
    """A read-only mapping: task name -> ``fact(task class)``, for every task in ``TASKS`` now."""

    def __init__(self, fact: Callable[[type[Task]], object]):
        self._fact = fact

    def __getitem__(self, name: str):
        return self._fact(TASKS[name])

    def __iter__(self) -> Iterator[str]:
        return iter(TASKS)

    def __len__(self) -> int:
        return len(TASKS)


def table_tasks() -> tuple[str, ...]:
    """The table-top tasks (``Task.on_table``): object tokens in the world frame, seen by the detector."""
    return tuple(name for name, task in TASKS.items() if task.on_table)


__all__ = ["TASKS", "Task", "TaskFacts", "ReachTask", "table_tasks"]
