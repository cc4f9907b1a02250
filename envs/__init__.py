"""robocue's simulated worlds, registered with Gymnasium on import.

Ids follow ``robocue/<Task>-<Engine>-v0``; ``ENV_IDS`` lists them all.
"""

from __future__ import annotations

import gymnasium as gym

from envs.robocue_env import OBS_MODES, RobocueEnv

__all__ = ["ENV_IDS", "ENV_SPECS", "OBS_MODES", "RobocueEnv"]

# task -> (id name, episode length in env steps)
_TASK_NAMES = {"reach": ("Reach", 50)}
_ENGINE_NAMES = {"mujoco": "MuJoCo"}

ENV_SPECS: dict[str, dict] = {}
for _task, (_task_name, _steps) in _TASK_NAMES.items():
    for _engine, _engine_name in _ENGINE_NAMES.items():
        _id = f"robocue/{_task_name}-{_engine_name}-v0"
        ENV_SPECS[_id] = {"task": _task, "engine": _engine, "max_episode_steps": _steps}
        if _id not in gym.registry:
            gym.register(
                id=_id,
                entry_point="envs.robocue_env:RobocueEnv",
                max_episode_steps=_steps,
                kwargs={"task": _task, "engine": _engine},
            )

ENV_IDS: list[str] = list(ENV_SPECS)
