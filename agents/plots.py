"""Learning curves as PNG files, drawn with matplotlib's object API (no pyplot, no display needed).

A run's curves come from ``metrics/progress.csv``: SB3 writes one row per rollout (PPO) or
log interval (SAC) with ``time/total_timesteps``, ``time/time_elapsed``,
``rollout/success_rate`` and ``rollout/ep_rew_mean``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import EngFormatter, MaxNLocator

from robocue.agents.tracking import METRICS_DIR
from robocue.files import atomic_path

CURVES_FILE = "curves.png"
STEPS_FORMAT = EngFormatter(sep="")  # 600000 -> 600k
PROGRESS_FILE = "progress.csv"
# (column in progress.csv, label on the plot)
CURVE_METRICS = (("rollout/success_rate", "success rate (training episodes)"), ("rollout/ep_rew_mean", "episode return (training)"))


@dataclass
class Curve:
    """One run's training curves: per logged row, steps, seconds and each metric (NaN where absent)."""

    steps: np.ndarray
    seconds: np.ndarray
    values: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.steps)


def _number(text: str | None) -> float:
    try:
        return float(text) if text not in (None, "") else math.nan
    except ValueError:
        return math.nan


def read_curve(run_dir: str | Path) -> Curve:
    """The curves in ``run_dir/metrics/progress.csv`` (empty when the run logged no rows)."""
    path = Path(run_dir) / METRICS_DIR / PROGRESS_FILE
    rows = []
    if path.is_file():
        with open(path, newline="") as handle:
            rows = [row for row in csv.DictReader(handle) if math.isfinite(_number(row.get("time/total_timesteps")))]
    steps = np.array([_number(row.get("time/total_timesteps")) for row in rows], dtype=float)
    seconds = np.array([_number(row.get("time/time_elapsed")) for row in rows], dtype=float)
    values = {key: np.array([_number(row.get(key)) for row in rows], dtype=float) for key, _ in CURVE_METRICS}
    return Curve(steps, seconds, values)


def save_figure(figure: Figure, path: Path) -> Path:
    """Writes ``figure`` as PNG to ``path`` atomically."""
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
    return path


def plot_run_curves(run_dir: str | Path, out: str | Path | None = None) -> Path | None:
    """Draws a run's success rate and return against steps into ``curves.png``; None when it logged nothing."""
    run_dir = Path(run_dir)
    curve = read_curve(run_dir)
    if not len(curve):
        return None
    figure = Figure(figsize=(10, 3.6), layout="constrained")
    for axis, (key, label) in zip(figure.subplots(1, 2), CURVE_METRICS):
        finite = np.isfinite(curve.values[key])
        axis.plot(curve.steps[finite], curve.values[key][finite], color="tab:blue")
        axis.set_xlabel("environment steps")
        axis.xaxis.set_major_formatter(STEPS_FORMAT)
        axis.set_ylabel(label)
        axis.grid(alpha=0.3)
    figure.suptitle(run_dir.name, fontsize=9)
    return save_figure(figure, Path(out) if out else run_dir / CURVES_FILE)


def band(curves: list[Curve], key: str, x: str, points: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Curves of several seeds on one grid of ``x`` (``steps`` or ``seconds``): grid, mean, min and max.

    The grid ends where the shortest run ends, so every point averages every seed.
    """
    usable = []
    for curve in curves:
        xs, ys = getattr(curve, x), curve.values[key]
        finite = np.isfinite(xs) & np.isfinite(ys)
        if finite.sum() >= 1:
            usable.append((xs[finite], ys[finite]))
    if not usable:
        return (np.empty(0),) * 4
    start = max(xs[0] for xs, _ in usable)
    end = min(xs[-1] for xs, _ in usable)
    grid = np.linspace(start, end, points) if end > start else np.array([end])
    stacked = np.stack([np.interp(grid, xs, ys) for xs, ys in usable])
    return grid, stacked.mean(axis=0), stacked.min(axis=0), stacked.max(axis=0)


def plot_group_curves(groups: dict[str, list[Curve]], x: str, path: Path) -> Path:
    """Mean curve per group with a band from the lowest to the highest seed, against ``x``."""
    figure = Figure(figsize=(11, 4), layout="constrained")
    for axis, (key, label) in zip(figure.subplots(1, 2), CURVE_METRICS):
        for name, curves in groups.items():
            grid, mean, low, high = band(curves, key, x)
            if not len(grid):
                continue
            scale = 60.0 if x == "seconds" else 1.0
            (line,) = axis.plot(grid / scale, mean, label=f"{name} ({len(curves)} seed{'' if len(curves) == 1 else 's'})")
            axis.fill_between(grid / scale, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
        axis.set_xlabel("environment steps" if x == "steps" else "wall time (minutes)")
        if x == "steps":
            axis.xaxis.set_major_formatter(STEPS_FORMAT)
        axis.set_ylabel(label)
        axis.grid(alpha=0.3)
    handles, labels = figure.axes[0].get_legend_handles_labels()
    if handles:
        figure.legend(handles, labels, loc="outside lower center", ncol=min(3, len(handles)), fontsize=8)
    figure.suptitle("mean over seeds; band: lowest to highest seed", fontsize=9)
    return save_figure(figure, path)


def plot_intervals(summary: dict, path: Path) -> Path:
    """Final performance per group: IQM, median and mean of success rate and return with their 95% intervals."""
    names = list(summary)
    figure = Figure(figsize=(11, 2.2 + 0.8 * len(names)), layout="constrained")
    axes = figure.subplots(2, 3, sharey=True)
    for axes_row, metric in zip(axes, ("success_rate", "return")):
        for axis, statistic in zip(axes_row, ("iqm", "median", "mean")):
            for row, name in enumerate(names):
                estimate = summary[name][metric][statistic]
                low, high = estimate["ci"]
                axis.barh(row, max(high - low, 1e-9), left=low, height=0.6, color=f"C{row}", alpha=0.5)
                axis.plot([estimate["value"]] * 2, [row - 0.3, row + 0.3], color="black", linewidth=1.5)
            axis.set_title(f"{'IQM' if statistic == 'iqm' else statistic} {metric.replace('_', ' ')}", fontsize=9)
            if metric == "success_rate":
                axis.set_xlim(-0.03, 1.03)
            else:
                axis.margins(x=0.15)
                axis.xaxis.set_major_locator(MaxNLocator(4))
            axis.grid(axis="x", alpha=0.3)
            axis.tick_params(labelsize=8)
        axes_row[0].set_yticks(range(len(names)), names, fontsize=8)
    figure.suptitle("final evaluation: point estimate (line) and 95% stratified bootstrap interval (bar)", fontsize=9)
    return save_figure(figure, path)
