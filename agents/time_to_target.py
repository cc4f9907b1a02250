"""Time to success: periodic evaluation on fixed seeds during training, and when it first reaches a target.

Every ``train.eval_every`` RL environment steps (at the first rollout start past each multiple,
that is right after a policy update) the policy plays ``train.eval_episodes`` episodes on seeds
20000, 20001, ... in an env of its own, with deterministic actions. Training's random streams are
left as they were: the evaluation draws nothing from the training envs, and the global torch,
numpy and Python generator states (which evaluation seeds per episode, and PPO and SAC sample
from) are saved before it and put back after it, so a run trains the same with evaluation on or
off. Imitation (cloning and DAgger rounds) evaluates after every fit instead, counting the
environment steps its episodes took.

Each evaluation is appended to ``metrics/evaluations.csv`` (step, seconds, success, return),
written to TensorBoard and wandb at its step as ``eval/success`` and ``eval/return``, and added
to the next row of ``metrics/progress.csv``. The first one whose success rate reaches
``train.target_success`` gives ``steps_to_target`` and ``seconds_to_target``: the wall seconds
of training since it began, *excluding* the time spent in periodic evaluations (the same figure
with them is ``wall_seconds_to_target``; the CPU seconds the training process used until then,
evaluations excluded, are ``cpu_seconds_to_target``, a figure that other jobs on a shared machine
disturb less). They go to ``train.json``; with ``train.stop_at_target`` training stops there.
"""

from __future__ import annotations

import csv
import random
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from stable_baselines3.common.callbacks import BaseCallback

from robocue.agents.agent import make_env
from robocue.agents.evaluation import evaluate_policy
from robocue.agents.tracking import METRICS_DIR
from robocue.configs import Config
from robocue.perception.command_channels import ENCODER_FILE

EVAL_SEED = 20_000  # periodic evaluation seeds: apart from the final evaluation's (eval.seed, 10000 by default)
EVALUATIONS_FILE = "evaluations.csv"
_COLUMNS = ("phase", "step", "seconds", "wall_seconds", "success", "return", "episodes")


@contextmanager
def random_state_kept():
    """Within the block, draws from torch's, numpy's and Python's global generators leave no trace."""
    states = (torch.get_rng_state(), np.random.get_state(), random.getstate())
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() and torch.cuda.is_initialized() else None
    try:
        yield
    finally:
        torch.set_rng_state(states[0])
        np.random.set_state(states[1])
        random.setstate(states[2])
        if cuda is not None:
            torch.cuda.set_rng_state_all(cuda)


class TimeToTarget(BaseCallback):
    """The periodic evaluation as an SB3 callback (RL) and as :meth:`evaluate` (imitation fits).

    ``started`` is the ``time.perf_counter()`` at which training began (before any imitation).
    """

    def __init__(self, config: Config, run_dir: Path, started: float, log=print, cpu_started: float | None = None):
        super().__init__()
        self.config, self.run_dir, self.started, self.log = config, Path(run_dir), started, log
        self.cpu_started = time.process_time() if cpu_started is None else cpu_started
        train = config.train
        self.target, self.every, self.episodes = train.target_success, train.eval_every, train.eval_episodes
        self.stop = train.stop_at_target
        self.eval_seconds = 0.0  # wall time spent in periodic evaluations so far
        self.eval_cpu_seconds = 0.0  # and CPU time of this process
        self.cpu_seconds_to_target: float | None = None
        self.steps_to_target: int | None = None
        self.seconds_to_target: float | None = None
        self.wall_seconds_to_target: float | None = None
        self.phase_at_target: str | None = None
        self.evaluations = 0
        self.env = None
        self.next_eval = self.every

    @property
    def reached(self) -> bool:
        return self.steps_to_target is not None

    def summary(self) -> dict:
        """The train.json entries: the target, when it was reached (None: never), the evaluations' cost."""
        return {
            "target_success": self.target,
            "steps_to_target": self.steps_to_target,
            "seconds_to_target": None if self.seconds_to_target is None else round(self.seconds_to_target, 1),
            "wall_seconds_to_target": None if self.wall_seconds_to_target is None else round(self.wall_seconds_to_target, 1),
            "cpu_seconds_to_target": None if self.cpu_seconds_to_target is None else round(self.cpu_seconds_to_target, 1),
            "target_phase": self.phase_at_target,
            "periodic_evaluations": self.evaluations,
            "periodic_eval_seconds": round(self.eval_seconds, 1),
        }

    def evaluate(self, model, step: int, phase: str = "rl") -> bool:
        """Evaluates ``model`` now, records it, and returns whether training should stop."""
        began, cpu_began = time.perf_counter(), time.process_time()
        train_seconds = began - self.started - self.eval_seconds
        cpu_seconds = cpu_began - self.cpu_started - self.eval_cpu_seconds
        training = model.policy.training
        with random_state_kept():
            if self.env is None:
                encoder = self.run_dir / ENCODER_FILE
                self.env = make_env(self.config, encoder_path=encoder if encoder.is_file() else None)
            policy = lambda observation: model.predict(observation, deterministic=True)[0]  # noqa: E731
            result = evaluate_policy(self.env, policy, self.config.env.id, self.episodes, EVAL_SEED, progress=False)
        model.policy.set_training_mode(training)
        self.eval_seconds += time.perf_counter() - began
        self.eval_cpu_seconds += time.process_time() - cpu_began
        self.evaluations += 1
        success, mean_return = float(result["success_rate"]), float(result["mean_return"])
        self._record(model, phase, step, train_seconds, began - self.started, success, mean_return)
        if self.target is not None and not self.reached and success >= self.target:
            self.steps_to_target, self.seconds_to_target = int(step), train_seconds
            self.wall_seconds_to_target, self.phase_at_target = began - self.started, phase
            self.cpu_seconds_to_target = cpu_seconds
            self.log(
                f"success {success:.2f} >= target {self.target:g} over {self.episodes} evaluation episodes at step {step} "
                f"after {train_seconds:.1f}s of training{' (stopping: train.stop_at_target)' if self.stop else ''}"
            )
        return self.stop and self.reached

    def _record(self, model, phase: str, step: int, seconds: float, wall_seconds: float, success: float, mean_return: float) -> None:
        folder = self.run_dir / METRICS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / EVALUATIONS_FILE
        new = not path.is_file()
        with open(path, "a", newline="") as handle:
            writer = csv.writer(handle)
            if new:
                writer.writerow(_COLUMNS)
            writer.writerow((phase, step, f"{seconds:.2f}", f"{wall_seconds:.2f}", f"{success:.4f}", f"{mean_return:.4f}", self.episodes))
        values = {"eval/success": success, "eval/return": mean_return, "eval/seconds": seconds}
        logger = getattr(model, "_logger", None)  # SB3's property raises before set_logger
        if logger is None:
            return
        for output in logger.output_formats:  # TensorBoard and wandb at the evaluation's own step
            if type(output).__name__ != "CSVOutputFormat":
                output.write(values, dict.fromkeys(values), step)
        for key, value in {**values, "eval/step": step}.items():  # progress.csv: its next row
            logger.record(key, value, exclude=("tensorboard", "wandb", "stdout", "log", "json"))

    # --- the SB3 callback (PPO, SAC) ----------------------------------------------------------

    def _on_training_start(self) -> None:
        self.next_eval = (self.num_timesteps // self.every + 1) * self.every
        self.stop_now = False

    def _on_rollout_start(self) -> None:
        # After an update (PPO: a whole rollout; SAC: every train_freq steps), so the policy
        # evaluated is the one trained on num_timesteps steps.
        if self.num_timesteps < self.next_eval or self.stop_now:
            return
        while self.next_eval <= self.num_timesteps:
            self.next_eval += self.every
        self.stop_now = self.evaluate(self.model, self.num_timesteps)

    def _on_step(self) -> bool:
        return not self.stop_now

    def close(self) -> None:
        if self.env is not None:
            self.env.close()
            self.env = None
