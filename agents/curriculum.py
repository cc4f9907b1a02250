"""A goal-distance curriculum for the table tasks that move an object, learned without demonstrations.

With sparse reward and no expert, Push and PickAndPlace give a policy nothing to learn from until
the commanded object ends up near its goal. ``env.curriculum`` makes that happen early: training
goals start close to the object (on the way to its region, at most ``goal_range`` beyond the
success distance, so the object must always move), and each time
the training episodes succeed often enough (``advance_at`` over the last ``window`` finished
episodes at the current range) the range widens by ``widen_by``; from ``full_range`` on, training
goals are the regions' centres, as in evaluation. ``near_start`` of the training episodes start
with the tool tip next to the object, and ``air_goals`` of PickAndPlace's training goals are in the
air above it (lifting is rewarded before placing). Hindsight relabelling (``algo.her``) still learns from every
episode; the curriculum decides which goals the policy is asked for.

The range is logged as ``curriculum/goal_range`` (metrics/progress.csv, TensorBoard, wandb) and
each widening is printed. Evaluation, periodic and final, uses the task's own goals and starts.
"""

from __future__ import annotations

from collections import deque

from stable_baselines3.common.callbacks import BaseCallback

from robocue.configs import Config


def curriculum_env_kwargs(config: Config) -> dict:
    """The env kwargs that start a training env at the curriculum's first range (none without one)."""
    curriculum = config.env.curriculum
    if curriculum is None:
        return {}
    kwargs = {"goal_range": curriculum.goal_range, "near_start": curriculum.near_start}
    return {**kwargs, "air_goals": curriculum.air_goals} if curriculum.air_goals > 0 else kwargs


class GoalCurriculum(BaseCallback):
    """Widens the training envs' goal range as their episodes succeed (``env.curriculum``)."""

    def __init__(self, config: Config, log=print):
        super().__init__()
        self.settings, self.log = config.env.curriculum, log
        self.goal_range: float | None = self.settings.goal_range
        self.outcomes: deque[bool] = deque(maxlen=self.settings.window)

    def _on_training_start(self) -> None:
        self.training_env.env_method("set_goal_range", self.goal_range)

    def _on_step(self) -> bool:
        for done, info in zip(self.locals["dones"], self.locals["infos"]):
            if done:
                self.outcomes.append(bool(info.get("is_success", False)))
        if self.goal_range is not None:
            self.logger.record("curriculum/goal_range", self.goal_range)
            if len(self.outcomes) == self.outcomes.maxlen and sum(self.outcomes) >= self.settings.advance_at * len(self.outcomes):
                self._widen()
        return True

    def _widen(self) -> None:
        success = sum(self.outcomes) / len(self.outcomes)
        wider = self.goal_range + self.settings.widen_by
        self.goal_range = None if wider >= self.settings.full_range - 1e-9 else round(wider, 6)
        self.outcomes.clear()  # episodes begun at the old range do not count for the new one
        self.training_env.env_method("set_goal_range", self.goal_range)
        where = "the regions' centres" if self.goal_range is None else f"up to {self.goal_range:.2f} m from the object"
        self.log(f"curriculum: training success {success:.2f} at step {self.num_timesteps}; goals now {where}")
