"""Hyperparameter and seed sweeps on Ray Tune: each trial is a normal run folder.

A sweep spec is a YAML file::

    preset: reach_ppo                  # a preset name or a config .yaml (required)
    overrides: [train.timesteps=50000] # dotted overrides every trial gets (optional)
    params:                            # config keys to vary (required)
      algo.learning_rate: {loguniform: [1.0e-4, 1.0e-3]}
      algo.n_epochs: {grid: [5, 10]}
      algo.gamma: {choice: [0.95, 0.99]}
      algo.clip_range: {uniform: [0.1, 0.3]}
      policy.net_arch: [[64, 64]]      # a plain value: fixed
    seeds: 0-2                         # a grid over seeds: "0-2", "0,5" or a list (default [0])
    samples: 4                         # draws of the random keys (choice, uniform, loguniform) per grid point
    asha: {grace_steps: 20000}         # optional ASHA early stopping on a periodic evaluation's score
                                       # (also: reduction_factor, report_every, eval_episodes)
    out: runs/sweeps/lr                # the sweep folder (default runs/sweeps/<spec file name>)

The sweep folder holds ``spec.yaml`` (a copy of the spec), ``trials/<params>/`` (one run folder
per trial: config.yaml, model.zip, eval.json, curves.png, ...), ``tune/`` (Ray Tune's own
experiment state), ``summary.csv`` (one row per trial, its keys and final success with its
95% Wilson interval) and ``best.yaml`` (the best trial's config as a preset file; trials that
share keys and differ only in seed are averaged). Running the same spec again resumes: Ray
Tune restores its experiment and a trial whose run folder already holds eval.json reports it
without training again. Ray does the scheduling: locally by default, on an existing cluster
with ``address``.

Ray Tune ranks trials by ``score``: a success rate with the mean return as a tie-breaker
(:func:`score`). With ``asha``, every report evaluates the policy so far on ``eval_episodes``
fixed scenes (default 5), so ASHA separates trials that all fail (success 0) by how close
they come; the final report's score is eval.json's.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import math
import os
import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import ray
import torch
import yaml
from ray import tune
from ray.tune.schedulers import ASHAScheduler
from ray.tune.search.basic_variant import BasicVariantGenerator
from stable_baselines3.common.callbacks import BaseCallback

from robocue.agents.agent import make_env
from robocue.agents.evaluation import run_episode
from robocue.agents.runs import CONFIG_FILE, EVAL_FILE
from robocue.agents.seeds import parse_seeds
from robocue.agents.training import check_runnable, train
from robocue.configs import ConfigError, load_config
from robocue.configs.schema import resolve_source
from robocue.files import atomic_path
from robocue.stats import wilson_interval

SPEC_KEYS = ("preset", "overrides", "params", "seeds", "samples", "asha", "out", "search_seed")
DOMAINS = ("grid", "choice", "uniform", "loguniform")
ASHA_KEYS = ("grace_steps", "reduction_factor", "report_every", "eval_episodes")
ASHA_EVAL_EPISODES = 5  # episodes of each periodic evaluation that ASHA ranks trials by (asha.eval_episodes)
ASHA_EVAL_SEED = 20_000  # its scenes: the same at every report and in every trial, apart from eval.json's (10_000 on)
METRIC = "score"  # what Ray Tune ranks trials by: success rate, ties broken by mean return (see score())
SPEC_COPY = "spec.yaml"
TRIALS_DIR = "trials"
TUNE_DIR = "tune"
SUMMARY_FILE = "summary.csv"
BEST_FILE = "best.yaml"
# What every trial gets unless the spec's overrides say otherwise: no video, no progress bar.
TRIAL_DEFAULTS = ["train.video=false", "train.progress_bar=false"]


class SpecError(ConfigError):
    """A sweep spec that cannot run; the message names the key and what is allowed."""


def _fail(message: str) -> None:
    raise SpecError(f"sweep spec: {message}")


def _check_domain(key: str, value) -> None:
    if not isinstance(value, dict):
        return  # a fixed value
    if len(value) != 1 or next(iter(value)) not in DOMAINS:
        forms = "{grid: [...]}, {choice: [...]}, {uniform: [low, high]}, {loguniform: [low, high]}"
        _fail(f"params.{key} must be a value or one of {forms}")
    kind, values = next(iter(value.items()))
    if kind in ("grid", "choice"):
        if not isinstance(values, list) or not values:
            _fail(f"params.{key}.{kind} must be a non-empty list of values, got {values!r}")
        return
    numbers = isinstance(values, list) and len(values) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    if not numbers or not values[0] < values[1]:
        _fail(f"params.{key}.{kind} must be [low, high] numbers with low < high, got {values!r}")
    if kind == "loguniform" and values[0] <= 0:
        _fail(f"params.{key}.loguniform needs low > 0, got {values[0]!r}")


def _examples(value) -> list:
    """Values of a domain that validation tries: each grid or choice value, or both bounds."""
    if not isinstance(value, dict):
        return [value]
    return list(next(iter(value.values())))


def _override(key: str, value) -> str:
    return f"{key}={json.dumps(value) if not isinstance(value, str) else value}"


def load_spec(path: str | Path) -> dict:
    """Reads and checks a sweep spec; every trial's config is validated before anything runs.

    Raises:
        SpecError: naming the key that is wrong and what is allowed.
    """
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"sweep spec {str(path)!r} does not exist")
    try:
        spec = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise SpecError(f"sweep spec {str(path)!r} is not valid YAML: {str(error).splitlines()[0]}") from None
    if not isinstance(spec, dict):
        _fail("must be a mapping with preset, params and optionally overrides, seeds, samples, asha, out")
    unknown = sorted(set(spec) - set(SPEC_KEYS))
    if unknown:
        _fail(f"key {unknown[0]!r} is unknown; valid keys: {', '.join(SPEC_KEYS)}")
    if not isinstance(spec.get("preset"), str):
        _fail("'preset' must name a preset or a config .yaml")
    overrides = spec.get("overrides") or []
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        _fail("'overrides' must be a list of key=value strings")
    params = spec.get("params")
    if not isinstance(params, dict) or not params:
        _fail("'params' must map config keys to values or domains (grid, choice, uniform, loguniform)")
    for key, value in params.items():
        if key in ("seed", "run.dir"):
            _fail(f"params.{key} is set by the sweep; use 'seeds' for seeds")
        _check_domain(key, value)
    seeds = spec.get("seeds", [0])
    try:
        seeds = parse_seeds(seeds if isinstance(seeds, str) else ",".join(str(int(s)) for s in seeds))
    except (ValueError, TypeError):
        _fail(f"'seeds' must be a list of non-negative integers or a range like 0-4, got {spec.get('seeds')!r}")
    samples = spec.get("samples", 1)
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
        _fail(f"'samples' must be a positive integer, got {samples!r}")
    asha = spec.get("asha")
    if asha is not None:
        if not isinstance(asha, dict) or set(asha) - set(ASHA_KEYS):
            _fail(f"'asha' must be a mapping with keys among {', '.join(ASHA_KEYS)}")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in asha.values()):
            _fail("'asha' values must be positive numbers")
        if not isinstance(asha.get("eval_episodes", 1), int) or asha.get("eval_episodes", 1) > 1000:
            _fail(f"'asha.eval_episodes' must be an integer from 1 to 1000, got {asha['eval_episodes']!r}")
    search_seed = spec.get("search_seed", 0)
    if not isinstance(search_seed, int) or isinstance(search_seed, bool):
        _fail(f"'search_seed' must be an integer, got {search_seed!r}")
    source = spec["preset"]
    if source.endswith((".yaml", ".yml")):  # a config file: next to the spec, else from here; absolute for Ray's workers
        beside = path.parent / source
        source = str((beside if beside.is_file() else Path(source)).resolve())
    try:
        resolve_source(source)
        base = load_config(source, [*TRIAL_DEFAULTS, *overrides])
        for key, value in params.items():
            for example in _examples(value):
                load_config(source, [*TRIAL_DEFAULTS, *overrides, _override(key, example)])
        check_runnable(base)
    except ConfigError as error:
        raise SpecError(f"sweep spec: {error}") from None
    out = spec.get("out") or str(Path(base.run.root) / "sweeps" / path.stem)
    return {
        "preset": source,
        "overrides": [*TRIAL_DEFAULTS, *overrides],
        "spec_overrides": overrides,
        "params": params,
        "seeds": seeds,
        "samples": samples,
        "asha": asha,
        "search_seed": search_seed,
        "out": str(Path(out).resolve()),
        "algo": base.algo.name,
        "timesteps": base.train.timesteps,
    }


def param_space(spec: dict) -> dict:
    """Ray Tune's search space: grid keys and seeds are crossed, random keys drawn ``samples`` times."""
    space = {}
    for key, value in spec["params"].items():
        if not isinstance(value, dict):
            space[key] = value
            continue
        kind, values = next(iter(value.items()))
        space[key] = {
            "grid": lambda v: tune.grid_search(v),
            "choice": lambda v: tune.choice(v),
            "uniform": lambda v: tune.uniform(*v),
            "loguniform": lambda v: tune.loguniform(*v),
        }[kind](values)
    space["seed"] = tune.grid_search(spec["seeds"])
    return space


def trial_name(params: dict) -> str:
    """A readable, filesystem-safe folder name for one trial's keys, with a short hash for uniqueness."""

    def short(value) -> str:
        if isinstance(value, float):
            return f"{value:.4g}"
        return re.sub(r"[^A-Za-z0-9.+-]+", "-", json.dumps(value) if not isinstance(value, str) else value).strip("-")

    keys = sorted(key for key in params if key != "seed")
    text = "__".join(f"{key.split('.')[-1]}={short(params[key])}" for key in keys)
    digest = hashlib.sha1(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:6]
    return f"{text[:80]}__seed={params['seed']}__{digest}" if text else f"seed={params['seed']}__{digest}"


def score(success_rate: float, mean_return: float, episodes: int) -> float:
    """The success rate with the mean return as a tie-breaker: ``success + 0.49 / episodes * r / (1 + |r|)``.

    Success rates over ``episodes`` episodes are multiples of ``1 / episodes``; the return term
    lies strictly within half of that step and rises with the return, so it orders trials of the
    same success rate (all 0 early on) by return and never reorders different success rates.
    """
    if not math.isfinite(mean_return):
        return float(success_rate)
    return float(success_rate) + 0.49 / max(episodes, 1) * mean_return / (1.0 + abs(mean_return))


class TuneReport(BaseCallback):
    """Reports to Ray Tune every ``every`` steps (for ASHA): the training success rate and return,
    and with ``eval_episodes`` > 0 a deterministic evaluation of the policy so far on
    ``eval_episodes`` fixed scenes (``eval_success``, ``eval_return``); ``score`` comes from the
    evaluation when there is one, else from the training episodes."""

    def __init__(self, every: int, config=None, eval_episodes: int = 0):
        super().__init__()
        self.every, self.next_report = every, every
        self.config, self.eval_episodes, self.eval_env = config, eval_episodes, None

    def _on_step(self) -> bool:
        return True

    def _on_rollout_end(self) -> None:
        if self.num_timesteps < self.next_report:
            return
        self.next_report += self.every
        metrics = _training_metrics(self.model)
        if self.eval_episodes:
            metrics.update(self.evaluate())
        tune.report(metrics)

    def evaluate(self) -> dict:
        """``eval_episodes`` deterministic episodes on seeds from ``ASHA_EVAL_SEED``; training's RNGs are left as they were."""
        if self.eval_env is None:
            self.eval_env = make_env(self.config)
        policy = lambda observation: self.model.predict(observation, deterministic=True)[0]  # noqa: E731
        with torch.random.fork_rng(devices=[]):  # a deterministic policy draws nothing, but an env may: keep training's stream
            episodes = [run_episode(self.eval_env, policy, ASHA_EVAL_SEED + i) for i in range(self.eval_episodes)]
        success = float(np.mean([e["success"] for e in episodes]))
        mean_return = float(np.mean([e["return"] for e in episodes]))
        return {"eval_success": success, "eval_return": mean_return, METRIC: score(success, mean_return, len(episodes))}

    def _on_training_end(self) -> None:
        if self.eval_env is not None:
            self.eval_env.close()
            self.eval_env = None


def _training_metrics(model) -> dict:
    success = float(np.mean(model.ep_success_buffer)) if model.ep_success_buffer else 0.0
    returns = [info["r"] for info in model.ep_info_buffer]
    mean_return = float(np.mean(returns)) if returns else math.nan
    return {
        "timesteps": int(model.num_timesteps),
        "train_success": success,
        "train_return": mean_return,
        METRIC: score(success, mean_return, len(model.ep_success_buffer)),
    }


def _final_metrics(run_dir: Path) -> dict:
    result = json.loads((run_dir / EVAL_FILE).read_text())
    return {
        "success_rate": result["success_rate"],
        "success_ci_low": result["success_ci"][0],
        "success_ci_high": result["success_ci"][1],
        "mean_return": result["mean_return"],
        "eval_episodes": result["n_episodes"],
        METRIC: score(result["success_rate"], result["mean_return"], result["n_episodes"]),
    }


def run_trial(params: dict, spec: dict) -> None:
    """One trial (inside a Ray worker): train a run folder, or report the one a previous attempt finished."""
    params = dict(params)
    run_dir = Path(spec["out"]) / TRIALS_DIR / trial_name(params)
    base = {"trial": run_dir.name, "run_dir": str(run_dir)}
    if (run_dir / EVAL_FILE).is_file():  # finished before the sweep was interrupted: do not train again
        final = _final_metrics(run_dir)
        tune.report({**base, "timesteps": spec["timesteps"], "train_success": final["success_rate"], **final, "resumed": True})
        return
    if run_dir.exists():  # an attempt that was killed part-way: start this trial over
        shutil.rmtree(run_dir)
    overrides = [*spec["overrides"], *(_override(key, value) for key, value in params.items()), f"run.dir={run_dir}"]
    config = load_config(spec["preset"], overrides)
    asha = spec.get("asha") or {}
    every = int(asha.get("report_every", max(1, config.train.timesteps // 20)))
    eval_episodes = int(asha.get("eval_episodes", ASHA_EVAL_EPISODES)) if spec.get("asha") else 0
    train(config, callbacks=[TuneReport(every, config, eval_episodes)])  # its output goes to the Ray worker's log
    final = _final_metrics(run_dir)
    # The last report carries eval.json's score, and its success rate in train_success too, so no report lacks a metric.
    tune.report({**base, "timesteps": config.train.timesteps, "train_success": final["success_rate"], **final, "resumed": False})


def _save_spec(spec: dict, out: Path) -> None:
    """Writes the spec into the sweep folder, or checks that a folder being resumed holds the same one."""
    copy = out / SPEC_COPY
    text = yaml.safe_dump(spec, sort_keys=True)
    if copy.is_file():
        if yaml.safe_load(copy.read_text()) != yaml.safe_load(text):
            raise SpecError(f"sweep folder {str(out)!r} holds a sweep of another spec; set 'out' to another folder or rerun that spec")
        return
    out.mkdir(parents=True, exist_ok=True)
    with atomic_path(copy) as tmp:
        tmp.write_text(text)


def connect_ray(address: str | None, runtime_env: dict) -> None:
    """``ray.init``: a local Ray without ``address``, else the cluster at ``address`` (``auto``,
    ``HOST:PORT``, or ``ray://HOST:PORT`` through Ray Client).

    Raises:
        SpecError: one line, when a Ray Client address does not connect (Ray gives up after about 40 s).
    """
    client = bool(address) and address.startswith("ray://")
    try:
        with warnings.catch_warnings():
            if client:  # Ray's own "connection timed out" warning and kwargs note: the error below says it in one line
                warnings.simplefilter("ignore", UserWarning)
                logging.getLogger("ray.client_builder").setLevel(logging.WARNING)
            ray.init(address=address, runtime_env=runtime_env, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    except (ConnectionError, TimeoutError, RuntimeError) as error:
        if not client:
            raise
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SpecError(
            f"--address {address}: Ray Client did not connect ({type(error).__name__}: {reason}); the head must run "
            f"`ray start --head --ray-client-server-port PORT` reachable from here, and Ray Client (ray {ray.__version__}) "
            "connects only to a cluster without token authentication (`RAY_AUTH_MODE=disabled ray start --head ...`); "
            "on a node of the cluster use --address auto"
        ) from None


def run_sweep(spec_path: str | Path, address: str | None = None, max_concurrent: int | None = None, log=print) -> dict:
    """Runs (or resumes) the sweep in ``spec_path`` on Ray Tune; writes summary.csv and best.yaml.

    Returns the sweep folder, the rows of summary.csv and the best trial.
    """
    spec = load_spec(spec_path)
    out = Path(spec["out"])
    _save_spec(spec, out)
    (out / TRIALS_DIR).mkdir(exist_ok=True)
    runtime_env = {"env_vars": {"RAY_CHDIR_TO_TRIAL_DIR": "0", "MUJOCO_GL": os.environ.get("MUJOCO_GL", "egl"), "WANDB_SILENT": "true"}}
    connect_ray(address, runtime_env)
    try:
        trainable = tune.with_parameters(run_trial, spec=spec)
        tune_path = out / TUNE_DIR
        if tune.Tuner.can_restore(str(tune_path)):
            log(f"resuming the sweep in {out} (finished trials are not run again)")
            tuner = tune.Tuner.restore(str(tune_path), trainable, resume_unfinished=True, resume_errored=True, restart_errored=False)
        else:
            scheduler = None
            if spec["asha"]:
                scheduler = ASHAScheduler(
                    time_attr="timesteps",
                    # Above the last report's steps: a trial that reaches train.timesteps is not stopped
                    # at its last progress report, before its evaluation, as one at max_t would be.
                    max_t=spec["timesteps"] + 1,
                    grace_period=int(spec["asha"].get("grace_steps", max(1, spec["timesteps"] // 4))),
                    reduction_factor=spec["asha"].get("reduction_factor", 2),
                )
            tuner = tune.Tuner(
                trainable,
                param_space=param_space(spec),
                tune_config=tune.TuneConfig(
                    metric=METRIC,
                    mode="max",
                    scheduler=scheduler,
                    num_samples=spec["samples"],
                    max_concurrent_trials=max_concurrent,
                    # The generator's own limit: with a search_alg, max_concurrent_trials alone does not bound it.
                    search_alg=BasicVariantGenerator(random_state=spec["search_seed"], max_concurrent=max_concurrent or 0),
                ),
                run_config=tune.RunConfig(name=TUNE_DIR, storage_path=str(out), verbose=1),
            )
        results = tuner.fit()
    finally:
        ray.shutdown()
    rows = summary_rows(spec, [result.config for result in results])
    write_summary(out / SUMMARY_FILE, spec, rows)
    best = write_best(out / BEST_FILE, spec, rows)
    return {"out": str(out), "rows": rows, "best": best, "errors": len(results.errors)}


def summary_rows(spec: dict, trial_params: list[dict]) -> list[dict]:
    """One row per trial, read from its run folder (so resumed and fresh trials look alike)."""
    rows = []
    for params in trial_params:
        params = {key: value for key, value in params.items() if key in spec["params"] or key == "seed"}
        run_dir = Path(spec["out"]) / TRIALS_DIR / trial_name(params)
        row = {"trial": run_dir.name, **params, "status": "not run"}
        if (run_dir / EVAL_FILE).is_file():
            row.update(_final_metrics(run_dir), status="finished")
        elif (run_dir / CONFIG_FILE).is_file():
            row["status"] = "stopped early"
        rows.append(row)
    return sorted(rows, key=lambda row: row["trial"])


def write_summary(path: Path, spec: dict, rows: list[dict]) -> None:
    columns = [
        "trial",
        *spec["params"],
        "seed",
        "status",
        "success_rate",
        "success_ci_low",
        "success_ci_high",
        "mean_return",
        "eval_episodes",
    ]
    with atomic_path(path) as tmp:
        with open(tmp, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: json.dumps(value) if isinstance(value, list) else value for key, value in row.items()})


def write_best(path: Path, spec: dict, rows: list[dict]) -> dict | None:
    """The best keys (highest success over their seeds' evaluation episodes, then return) as a preset file."""
    finished = [row for row in rows if row["status"] == "finished"]
    if not finished:
        return None
    groups: dict[str, list[dict]] = {}
    for row in finished:
        groups.setdefault(json.dumps({key: row[key] for key in spec["params"]}, sort_keys=True), []).append(row)

    def score(members: list[dict]) -> tuple[float, float]:
        return (float(np.mean([m["success_rate"] for m in members])), float(np.mean([m["mean_return"] for m in members])))

    key, members = max(groups.items(), key=lambda item: score(item[1]))
    params = json.loads(key)
    successes = sum(round(m["success_rate"] * m["eval_episodes"]) for m in members)
    episodes = sum(m["eval_episodes"] for m in members)
    best = {
        "params": params,
        "seeds": [m["seed"] for m in members],
        "success_rate": successes / episodes,
        "success_ci": list(wilson_interval(successes, episodes)),
        "mean_return": score(members)[1],
    }
    # The spec's own overrides, without the trials' defaults (no video, no progress bar).
    config = load_config(spec["preset"], [*spec["spec_overrides"], *(_override(k, v) for k, v in params.items())]).to_dict()
    config["run"]["dir"] = None
    config["seed"] = 0
    header = (
        f"# Best config of the sweep in {spec['out']}: {', '.join(f'{k}={v}' for k, v in params.items())}\n"
        f"# success rate {best['success_rate']:.3f} (95% Wilson CI {best['success_ci'][0]:.3f}-{best['success_ci'][1]:.3f}) "
        f"over {episodes} evaluation episodes of seeds {best['seeds']}, mean return {best['mean_return']:.2f}.\n"
        f"# Train it: robocue train {path}\n"
    )
    with atomic_path(path) as tmp:
        tmp.write_text(header + yaml.safe_dump(config, sort_keys=False))
    return best
