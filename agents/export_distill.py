"""Distil a pixel policy into a small CNN for small computers, by DAgger from the full policy.

The student has the teacher's observations, env and recipe (``agents.demonstrations.warm_start``:
cloning the teacher's own episodes, then DAgger rounds in which the student drives and the
teacher labels every observation it meets, refitting on everything gathered so far, with the
teacher run's auxiliary goal-prediction loss), and a smaller policy: the ``small`` CNN trunk
(16-16-32 channels, ``perception.encoders``) and a 64-64 MLP (``STUDENT_POLICY``). The teacher
labels from the same pixels the student sees: no privileged state. The student is a normal run
folder: ``robocue eval``, ``robocue export --int8`` and ``robocue bench --policy`` take it. Like
``robocue train``, distillation ends by evaluating the student on the run's evaluation episodes
(``eval.json``); the teacher's success on the same episodes, when its ``eval.json`` holds them,
goes beside it in ``distill.json``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

from robocue.agents.agent import Agent, make_env
from robocue.agents.demonstrations import imitation_recipe, warm_start
from robocue.agents.evaluation import evaluate_run
from robocue.agents.export import _acting_parameters
from robocue.agents.runs import EVAL_FILE, MODEL_FILE, create_run_dir, load_run_config, save_config, save_model
from robocue.agents.training import build_model
from robocue.configs import ConfigError
from robocue.files import write_json

STUDENT_POLICY = ("policy.multimodal.image_encoder=small", "policy.net_arch=[64,64]")
MAX_PARAMETER_SHARE = 0.25  # the student's acting path has at most this share of the teacher's parameters
DISTILL_FILE = "distill.json"


class LastObservation(gym.Wrapper):
    """Keeps the observation the env last returned, for a teacher that labels from it."""

    def reset(self, **kwargs):
        self.last_observation, info = self.env.reset(**kwargs)
        return self.last_observation, info

    def step(self, action):
        self.last_observation, *rest = self.env.step(action)
        return (self.last_observation, *rest)


class ObservationTeacher:
    """Labels with a trained agent's deterministic action on the observation the student sees."""

    def __init__(self, agent: Agent):
        self.agent = agent

    def __call__(self, env: LastObservation) -> np.ndarray:
        return self.agent.act(env.last_observation, deterministic=True)


def distill(
    teacher_dir: str | Path, out_dir: str | Path, overrides: list[str] | tuple[str, ...] = (), log=print, progress: bool = True
) -> dict:
    """Trains a small student of the pixel agent in ``teacher_dir`` into the run folder ``out_dir``.

    ``overrides`` (dotted ``key=value``) apply after the teacher's config and ``STUDENT_POLICY``,
    for example ``train.imitation.dagger_iterations=6``.

    Raises:
        ConfigError: the teacher is no pixel run, or the student would have more than
            ``MAX_PARAMETER_SHARE`` of its parameters.
    """
    teacher = Agent.load(teacher_dir, device="cpu")
    if teacher.config.policy.features_extractor != "multimodal":
        raise ConfigError(f"{str(teacher_dir)!r} is not a pixel agent (policy.features_extractor=multimodal); distil a pixel run")
    base = [f"run.dir={out_dir}", "train.timesteps=0", "logging.wandb=disabled", "env.n_envs=1", "device=cpu", *STUDENT_POLICY]
    config = load_run_config(teacher_dir, [*base, *overrides])
    if config.train.imitation is None or not config.train.imitation.episodes:
        raise ConfigError("config key 'train.imitation.episodes' must be > 0: the student learns from the teacher's episodes")
    model = build_model(config, "cpu")
    teacher_parameters = _acting_parameters(teacher.model.policy)
    student_parameters = _acting_parameters(model.policy)
    if student_parameters > MAX_PARAMETER_SHARE * teacher_parameters:
        raise ConfigError(
            f"the student's acting path has {student_parameters:,} parameters, more than {MAX_PARAMETER_SHARE:.0%} of the "
            f"teacher's {teacher_parameters:,}; choose a smaller policy.net_arch or policy.multimodal.image_encoder"
        )
    run_dir = create_run_dir(config)
    save_config(run_dir, config)
    share = student_parameters / teacher_parameters
    log(f"student: {student_parameters:,} parameters ({share:.1%} of the teacher's {teacher_parameters:,})")
    model_path = run_dir / MODEL_FILE
    started = time.perf_counter()
    warm_start(
        model,
        lambda: LastObservation(make_env(config)),
        **imitation_recipe(config.train.imitation),
        # Past the teacher's own cloning and DAgger seeds (seed * 100000 + 50000 on, 2,600 episodes
        # for the preset): on the scenes it was fitted to, an unfinished pixel teacher succeeded in
        # 0.62 of 40 episodes against 0.07 of 200 held-out evaluation episodes.
        seed=config.seed * 100_000 + 70_000,
        log=log,
        on_fit=lambda _: save_model(model, model_path, config.env.id, config.algo.name),
        labeler=ObservationTeacher(teacher),
    )
    save_model(model, model_path, config.env.id, config.algo.name)
    record = {
        "teacher": str(teacher_dir),
        "teacher_parameters": teacher_parameters,
        "student_parameters": student_parameters,
        "parameter_share": student_parameters / teacher_parameters,
        "student_policy": list(STUDENT_POLICY),
        "overrides": list(overrides),
        "train_seconds": time.perf_counter() - started,
    }
    evaluation, _ = evaluate_run(run_dir, progress=progress)
    record["success"] = evaluation["success_rate"]
    record["teacher_success"] = _teacher_success(Path(teacher_dir), evaluation["seeds"])
    write_json(run_dir / DISTILL_FILE, record)
    return {"run_dir": str(run_dir), **record}


def _teacher_success(teacher_dir: Path, seeds: list[int]) -> float | None:
    """The teacher's success over exactly ``seeds``, from its ``eval.json`` (None when that holds other episodes)."""
    try:
        episodes = {e["seed"]: e["success"] for e in json.loads((teacher_dir / EVAL_FILE).read_text(encoding="utf-8"))["episodes"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all(seed in episodes for seed in seeds):
        return None
    return sum(bool(episodes[seed]) for seed in seeds) / len(seeds)
