"""Tasks: scene contents, goal sampling, rewards and success, written once for all engines."""

from robocue.envs.tasks.base import Task
from robocue.envs.tasks.go_to import GoToTask
from robocue.envs.tasks.manipulation import PickAndPlaceTask, PushTask
from robocue.envs.tasks.maze import MazeTask
from robocue.envs.tasks.reach import ReachTask

TASKS: dict[str, type[Task]] = {"reach": ReachTask}
TASKS.update({"push": PushTask, "pick_and_place": PickAndPlaceTask})
TASKS.update({"go_to": GoToTask, "maze": MazeTask})

__all__ = ["TASKS", "Task", "ReachTask"]
