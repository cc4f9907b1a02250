"""robocue's simulated worlds, registered with Gymnasium on import.

Ids follow ``robocue/<Task><Mode>-<Engine>-v0``: ``Reach-MuJoCo-v0`` observes state,
``ReachPixels-MuJoCo-v0`` camera pixels, ``ReachPixelsState-MuJoCo-v0`` both, and
``ReachGoal-MuJoCo-v0`` a goal-conditioned Dict. ``ENV_IDS`` lists every id and
``ENV_SPECS`` what each is made of.
"""

from __future__ import annotations

import gymnasium as gym

from robocue.envs.robocue_env import OBS_MODES, RobocueEnv
from robocue.envs.tasks import TASKS, Task, TaskFacts

__all__ = ["ENV_IDS", "ENV_SPECS", "OBS_MODES", "TASK_IDS", "RobocueEnv", "register_task", "twin_id"]

# task -> (name in ids, episode length in env steps), as each task declares them.
TASK_IDS = TaskFacts(lambda task: (task.id_name, task.max_episode_steps))
ENGINE_IDS = {"mujoco": "MuJoCo", "pybullet": "PyBullet"}
# observation mode -> suffix of the task name in ids
OBS_MODE_IDS = {"state": "", "pixels": "Pixels", "pixels+state": "PixelsState", "goal": "Goal"}

ENV_SPECS: dict[str, dict] = {}
ENV_IDS: list[str] = []


def _register_ids(task: type[Task]) -> list[str]:
    ids = []
    for engine, engine_name in ENGINE_IDS.items():
        for mode in OBS_MODES:
            env_id = f"robocue/{task.id_name}{OBS_MODE_IDS[mode]}-{engine_name}-v0"
            ENV_SPECS[env_id] = {"task": task.name, "engine": engine, "obs_mode": mode, "max_episode_steps": task.max_episode_steps}
            if env_id not in ENV_IDS:
                ENV_IDS.append(env_id)
            if env_id not in gym.registry:
                gym.register(
                    id=env_id,
                    entry_point="robocue.envs.robocue_env:RobocueEnv",
                    max_episode_steps=task.max_episode_steps,
                    kwargs={"task": task.name, "engine": engine, "obs_mode": mode},
                    # Gymnasium's passive checker and order-enforcing wrapper each add a call
                    # to every step: the env itself refuses step() before reset(), and the
                    # tests run the full checkers (Gymnasium's and SB3's) on every id.
                    order_enforce=False,
                    disable_env_checker=True,
                )
            ids.append(env_id)
    return ids


def register_task(task: type[Task]) -> list[str]:
    """Adds ``task`` to ``TASKS`` and registers its ids in every engine and observation mode.

    Everything else a task needs it declares itself (``Task``'s class attributes); the
    tables derived from tasks read ``TASKS`` when used. Returns the new ids.

    Raises:
        ValueError: another task already has this name or id name.
    """
    for other in TASKS.values():
        if other is not task and (other.name == task.name or other.id_name == task.id_name):
            raise ValueError(f"task {task.name!r} ({task.id_name}) clashes with the registered task {other.name!r} ({other.id_name})")
    TASKS[task.name] = task
    return _register_ids(task)


for _task in list(TASKS.values()):
    _register_ids(_task)


def twin_id(env_id: str, engine: str) -> str:
    """The id of ``env_id``'s twin in ``engine`` (same task and observation mode)."""
    if env_id not in ENV_SPECS:
        raise ValueError(f"{env_id!r} is not a robocue env")
    if engine not in ENGINE_IDS:
        raise ValueError(f"engine {engine!r} is not one of: {', '.join(ENGINE_IDS)}")
    spec = ENV_SPECS[env_id]
    return env_id.replace(f"-{ENGINE_IDS[spec['engine']]}-", f"-{ENGINE_IDS[engine]}-")
