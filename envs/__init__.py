"""robocue's simulated worlds, registered with Gymnasium on import.

Ids follow ``robocue/<Task><Mode>-<Engine>-v0``: ``Reach-MuJoCo-v0`` observes state,
``ReachPixels-MuJoCo-v0`` camera pixels, ``ReachPixelsState-MuJoCo-v0`` both, and
``ReachGoal-MuJoCo-v0`` a goal-conditioned Dict. ``ENV_IDS`` lists every id and
``ENV_SPECS`` what each is made of.
"""

from __future__ import annotations

import gymnasium as gym

from robocue.envs.robocue_env import OBS_MODES, RobocueEnv
from robocue.envs.tasks import TASKS

__all__ = ["ENV_IDS", "ENV_SPECS", "OBS_MODES", "RobocueEnv", "twin_id"]

# task -> (name in ids, episode length in env steps), as each task declares them.
TASK_IDS = {name: (task.id_name, task.max_episode_steps) for name, task in TASKS.items()}
ENGINE_IDS = {"mujoco": "MuJoCo", "pybullet": "PyBullet"}
# observation mode -> suffix of the task name in ids
OBS_MODE_IDS = {"state": "", "pixels": "Pixels", "pixels+state": "PixelsState", "goal": "Goal"}

ENV_SPECS: dict[str, dict] = {}
for _task, (_task_name, _steps) in TASK_IDS.items():
    for _engine, _engine_name in ENGINE_IDS.items():
        for _mode in OBS_MODES:
            _id = f"robocue/{_task_name}{OBS_MODE_IDS[_mode]}-{_engine_name}-v0"
            ENV_SPECS[_id] = {"task": _task, "engine": _engine, "obs_mode": _mode, "max_episode_steps": _steps}
            if _id not in gym.registry:
                gym.register(
                    id=_id,
                    entry_point="robocue.envs.robocue_env:RobocueEnv",
                    max_episode_steps=_steps,
                    kwargs={"task": _task, "engine": _engine, "obs_mode": _mode},
                    # Gymnasium's passive checker and order-enforcing wrapper each add a call
                    # to every step: the env itself refuses step() before reset(), and the
                    # tests run the full checkers (Gymnasium's and SB3's) on every id.
                    order_enforce=False,
                    disable_env_checker=True,
                )

ENV_IDS: list[str] = list(ENV_SPECS)


def twin_id(env_id: str, engine: str) -> str:
    """The id of ``env_id``'s twin in ``engine`` (same task and observation mode)."""
    if env_id not in ENV_SPECS:
        raise ValueError(f"{env_id!r} is not a robocue env")
    if engine not in ENGINE_IDS:
        raise ValueError(f"engine {engine!r} is not one of: {', '.join(ENGINE_IDS)}")
    spec = ENV_SPECS[env_id]
    return env_id.replace(f"-{ENGINE_IDS[spec['engine']]}-", f"-{ENGINE_IDS[engine]}-")
