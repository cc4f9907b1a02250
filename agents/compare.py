"""Compare runs and groups of seeds: aggregate statistics with bootstrap intervals, a table and plots.

Each argument of :func:`compare` is one group: a group folder made by ``robocue train --seeds``
(its ``group.json`` lists the seeds' runs), a folder whose sub-folders are run folders (for
example a sweep's), or a single run folder (a group of one). A run's final score is its
``eval.json``: the success rate and mean return over its evaluation episodes. Across a group's
runs, the mean, median and interquartile mean (IQM, the mean of the middle 50%) come with 95%
stratified bootstrap intervals from ``rliable`` (Agarwal et al. 2021), as RL Baselines3 Zoo
reports them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml
from rliable import library as rly
from rliable import metrics

from robocue.agents.plots import Curve, plot_group_curves, plot_intervals, read_curve
from robocue.agents.runs import CONFIG_FILE, EVAL_FILE
from robocue.agents.seeds import GROUP_FILE, group_runs
from robocue.agents.train_summary import TRAIN_FILE
from robocue.files import atomic_path, write_json

SUMMARY_FILE = "summary.json"
TABLE_FILE = "summary.md"
STATISTICS = ("mean", "median", "iqm")
BOOTSTRAP_REPS = 2000
BOOTSTRAP_SEED = 0


def resolve_group(path: str | Path) -> list[Path]:
    """The run folders that ``path`` stands for.

    Raises:
        ValueError: the path is not a run folder, a group folder or a folder of run folders.
    """
    path = Path(path)
    if (path / GROUP_FILE).is_file():
        runs = group_runs(path)
    elif (path / CONFIG_FILE).is_file():
        runs = [path]
    elif path.is_dir():
        runs = sorted(child for child in path.iterdir() if (child / CONFIG_FILE).is_file())
    else:
        raise ValueError(f"{str(path)!r} does not exist; give run folders or group folders made by `robocue train --seeds`")
    if not runs:
        raise ValueError(
            f"{str(path)!r} is not a run folder (no {CONFIG_FILE}), a group folder (no {GROUP_FILE}) nor a folder of run folders"
        )
    return runs


def _read_eval(run: Path) -> dict | None:
    path = run / EVAL_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{str(path)!r} is not valid JSON ({error.msg}); re-run `robocue eval {run}`") from None
    if not isinstance(data, dict) or "success_rate" not in data or "mean_return" not in data:
        raise ValueError(f"{str(path)!r} has no success_rate and mean_return; re-run `robocue eval {run}`")
    return data


def _time_to_target(run: Path) -> dict:
    """The run's target success and its steps and seconds to it, from train.json (None where absent)."""
    keys = ("target_success", "steps_to_target", "seconds_to_target")
    try:
        data = json.loads((run / TRAIN_FILE).read_text())
    except (OSError, json.JSONDecodeError):
        return dict.fromkeys(keys)
    return {key: data.get(key) if isinstance(data, dict) else None for key in keys}


def _seed_of(run: Path) -> int | None:
    try:
        return int((yaml.safe_load((run / CONFIG_FILE).read_text()) or {}).get("seed", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _aggregate(scores: np.ndarray) -> np.ndarray:
    # rliable's aggregate_median is the median over tasks of per-task means; with one task and
    # many seeds, the median of the runs is what is meant.
    return np.array([metrics.aggregate_mean(scores), float(np.median(scores)), metrics.aggregate_iqm(scores)])


def interval_estimates(scores: list[float], reps: int = BOOTSTRAP_REPS, seed: int = BOOTSTRAP_SEED) -> dict[str, dict]:
    """Mean, median and IQM of per-run ``scores`` with 95% stratified bootstrap intervals (rliable).

    One run has no spread to resample: its interval is the point itself. Seeded, so repeatable.
    """
    matrix = np.asarray(scores, dtype=float).reshape(-1, 1)  # (runs, tasks=1)
    point = _aggregate(matrix)
    if len(matrix) < 2:
        intervals = np.stack([point, point])
    else:
        # rliable's StratifiedBootstrap draws its resamples from numpy's global generator (its
        # random_state argument does not reach them): seed that, and put it back afterwards.
        state = np.random.get_state()
        np.random.seed(seed)
        try:
            _, cis = rly.get_interval_estimates({"group": matrix}, _aggregate, reps=reps)
        finally:
            np.random.set_state(state)
        intervals = cis["group"]
    return {name: {"value": float(point[i]), "ci": [float(intervals[0, i]), float(intervals[1, i])]} for i, name in enumerate(STATISTICS)}


def summarize_group(name: str, runs: list[Path]) -> dict:
    """One group's entry of summary.json: per-run finals and the aggregate statistics."""
    per_run = []
    for run in runs:
        evaluation = _read_eval(run)
        curve = read_curve(run)
        per_run.append(
            {
                "run": str(run),
                "seed": _seed_of(run),
                "success_rate": None if evaluation is None else float(evaluation["success_rate"]),
                "mean_return": None if evaluation is None else float(evaluation["mean_return"]),
                "eval_episodes": None if evaluation is None else evaluation.get("n_episodes"),
                "steps": int(curve.steps[-1]) if len(curve) else None,
                "train_seconds": float(curve.seconds[-1]) if len(curve) else None,
                **_time_to_target(run),
            }
        )
    evaluated = [entry for entry in per_run if entry["success_rate"] is not None]
    if not evaluated:
        raise ValueError(f"no run of {name!r} has an {EVAL_FILE}; evaluate them with `robocue eval RUN_DIR` first")
    targets = sorted({entry["target_success"] for entry in per_run if entry["target_success"] is not None})
    return {
        "runs": len(runs),
        "evaluated_runs": len(evaluated),
        "time_to_target": _time_to_target_summary(per_run, targets) if targets else None,
        "success_rate": interval_estimates([entry["success_rate"] for entry in evaluated]),
        "return": interval_estimates([entry["mean_return"] for entry in evaluated]),
        "per_run": per_run,
    }


def _time_to_target_summary(per_run: list[dict], targets: list[float]) -> dict:
    """How many runs that measured time to their target reached it, and the median and range of steps and seconds."""
    measured = [entry for entry in per_run if entry["target_success"] is not None]
    reached = [entry for entry in measured if entry["steps_to_target"] is not None]
    summary = {"targets": targets, "measured_runs": len(measured), "reached_runs": len(reached)}
    for key in ("steps_to_target", "seconds_to_target"):
        values = [float(entry[key]) for entry in reached if entry[key] is not None]
        summary[key] = {"median": float(np.median(values)), "min": min(values), "max": max(values)} if values else None
    return summary


def _time_cell(entry: dict | None, key: str, digits: int) -> str:
    if entry is None or entry[key] is None:
        return "-"
    values = entry[key]
    return f"{values['median']:.{digits}f} [{values['min']:.{digits}f}, {values['max']:.{digits}f}]"


def _cell(estimate: dict, digits: int) -> str:
    low, high = estimate["ci"]
    return f"{estimate['value']:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def markdown_table(summary: dict) -> str:
    """One row per group: IQM, mean and median of success rate and return with their 95% intervals; and,
    when any run measured time to a target success (train.target_success), how many reached it and the
    median [min, max] of their steps and seconds to it."""
    timed = any(entry.get("time_to_target") for entry in summary.values())
    header = "| group | runs | success IQM [95% CI] | success mean [95% CI] | success median | return IQM [95% CI] | return mean [95% CI] |"
    rule = "|---|---:|---|---|---:|---|---|"
    if timed:
        header += " target | reached | steps to target, median [min, max] | seconds to target, median [min, max] |"
        rule += "---:|---:|---|---|"
    lines = [header, rule]
    for name, entry in summary.items():
        success, returns = entry["success_rate"], entry["return"]
        line = (
            f"| {name} | {entry['evaluated_runs']} | {_cell(success['iqm'], 2)} | {_cell(success['mean'], 2)} | "
            f"{success['median']['value']:.2f} | {_cell(returns['iqm'], 1)} | {_cell(returns['mean'], 1)} |"
        )
        if timed:
            ttt = entry.get("time_to_target")
            if ttt is None:
                line += " - | - | - | - |"
            else:
                target = "/".join(f"{value:g}" for value in ttt["targets"])
                line += (
                    f" {target} | {ttt['reached_runs']}/{ttt['measured_runs']} | {_time_cell(ttt, 'steps_to_target', 0)} | "
                    f"{_time_cell(ttt, 'seconds_to_target', 1)} |"
                )
        lines.append(line)
    return "\n".join(lines)


def _unique_names(paths: list[Path]) -> list[str]:
    names = [path.resolve().name or str(path) for path in paths]
    return [name if names.count(name) == 1 else f"{name} ({index})" for index, name in enumerate(names)]


def compare(paths: list[str | Path], out: str | Path | None = None) -> dict:
    """Writes summary.json, summary.md, curves_steps.png, curves_time.png and final.png into ``out``.

    ``out`` defaults to ``<first path>/compare``. Returns the summary, the table and the paths.

    Raises:
        ValueError: a path that is not a run or group folder, or a group without any eval.json.
    """
    if not paths:
        raise ValueError("give at least one run folder or group folder to compare")
    paths = [Path(path) for path in paths]
    groups = {name: resolve_group(path) for name, path in zip(_unique_names(paths), paths)}
    summary = {name: summarize_group(name, runs) for name, runs in groups.items()}  # all checks before writing
    out = Path(out) if out else paths[0] / "compare"
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "summary.json", summary)
    table = markdown_table(summary)
    with atomic_path(out / TABLE_FILE) as tmp:
        tmp.write_text(table + "\n")
    # Curves of the evaluated runs only: a run still training would cut every group's band short.
    evaluated = {name: [run for run in runs if (run / EVAL_FILE).is_file()] for name, runs in groups.items()}
    curves: dict[str, list[Curve]] = {name: [c for c in map(read_curve, runs) if len(c)] for name, runs in evaluated.items()}
    plots = [
        plot_group_curves(curves, "steps", out / "curves_steps.png"),
        plot_group_curves(curves, "seconds", out / "curves_time.png"),
        plot_intervals(summary, out / "final.png"),
    ]
    return {"out": str(out), "summary": summary, "table": table, "plots": [str(p) for p in plots]}
