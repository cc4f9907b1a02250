"""Experiment tracking: SB3's logger writing CSV, TensorBoard and (offline) wandb."""

from __future__ import annotations

import json
import os
import re
import secrets
import string
import sys
import warnings
from pathlib import Path

import numpy as np
from stable_baselines3.common.logger import KVWriter, Logger, make_output_format

from robocue.configs import Config
from robocue.files import write_json

METRICS_DIR = "metrics"
WANDB_RUN_FILE = "wandb_run.json"  # {"id": ...}: the wandb run a resumed run continues


class WandbWriter(KVWriter):
    """Forwards SB3's scalar metrics to a wandb run."""

    def __init__(self, run):
        self.run = run

    def write(self, key_values: dict, key_excluded: dict, step: int = 0) -> None:
        scalars = {
            key: float(value)
            for key, value in key_values.items()
            if isinstance(value, (int, float, np.number)) and "wandb" not in (key_excluded.get(key) or ())
        }
        if scalars:
            self.run.log(scalars, step=step)

    def close(self) -> None:
        pass


def start_wandb(config: Config, run_dir: Path):
    """Starts a wandb run in ``run_dir/wandb``, or returns None when disabled.

    Offline mode never touches the network. Online mode gives up after a short timeout
    and falls back to offline, so a missing network never blocks or fails training. The run's
    wandb id is kept in ``run_dir/wandb_run.json``; a resumed run (``robocue train --resume``)
    starts wandb with the same id and ``resume="allow"``, so its metrics continue that wandb run.
    """
    mode = config.logging.wandb
    if mode == "disabled":
        return None
    os.environ.setdefault("WANDB_SILENT", "true")
    # lazy import: wandb takes 1.4 s to import (`python -X importtime -c "import wandb"`, 2-core
    # machine under load) and a run with logging.wandb=disabled never needs it.
    import wandb

    run_id = wandb_run_id(run_dir)

    def init(init_mode: str):
        return wandb.init(
            id=run_id,
            resume="allow",
            project=config.logging.wandb_project,
            name=run_dir.name,
            dir=str(run_dir),
            config=config.to_dict(),
            mode=init_mode,
            settings=wandb.Settings(init_timeout=20, silent=True, console="off", x_disable_stats=True),
            reinit="finish_previous",
        )

    try:
        return init(mode)
    except Exception as error:  # noqa: BLE001 - any wandb failure must not stop training
        if mode == "online":
            print(f"wandb online failed ({type(error).__name__}); logging offline instead", file=sys.stderr)
            try:
                return init("offline")
            except Exception as offline_error:  # noqa: BLE001
                error = offline_error
        warnings.warn(f"wandb disabled for this run: {error}", stacklevel=2)
        return None


def wandb_run_id(run_dir: Path) -> str:
    """The wandb run id of ``run_dir`` from its ``wandb_run.json``; a new one (8 random base-36 characters,
    as wandb makes them) is written there first."""
    path = Path(run_dir) / WANDB_RUN_FILE
    try:
        run_id = json.loads(path.read_text()).get("id")
    except (OSError, ValueError, AttributeError):
        run_id = None
    if not isinstance(run_id, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", run_id):
        run_id = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(8))
        write_json(path, {"id": run_id})
    return run_id


def make_logger(config: Config, run_dir: Path, wandb_run=None) -> Logger:
    """An SB3 logger writing metrics/progress.csv, TensorBoard events and wandb."""
    folder = run_dir / METRICS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    outputs = [make_output_format("csv", str(folder))]
    if config.logging.tensorboard:
        outputs.append(make_output_format("tensorboard", str(folder)))
    if wandb_run is not None:
        outputs.append(WandbWriter(wandb_run))
    return Logger(str(folder), outputs)


def finish_wandb(wandb_run) -> None:
    if wandb_run is not None:
        try:
            wandb_run.finish()
        except Exception as error:  # noqa: BLE001
            warnings.warn(f"wandb did not finish cleanly: {error}", stacklevel=2)
