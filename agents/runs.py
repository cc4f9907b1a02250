"""Run folders: naming, creation, and the files inside them (written atomically with
``robocue.files``).

A run folder holds everything needed to evaluate or replay an agent later::

    config.yaml          the resolved config
    model.zip            the final model
    checkpoints/         step_<N>.zip every train.checkpoint_every steps
    metrics/             progress.csv and TensorBoard events
    eval.json            evaluation of the final model
    videos/              replay videos
    wandb/               offline wandb run (sync it later with `wandb sync`)
"""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import yaml

from robocue import __version__
from robocue.configs import Config, ConfigError
from robocue.configs.schema import apply_override, upgrade_legacy_keys, validate_config
from robocue.files import atomic_path

CONFIG_FILE = "config.yaml"
MODEL_FILE = "model.zip"
EVAL_FILE = "eval.json"
CHECKPOINT_DIR = "checkpoints"
STAMP_FILE = "robocue.json"  # an entry inside every model zip robocue writes: env id, algorithm, steps


def default_run_name(config: Config) -> str:
    """CleanRL-style ``<env>__<algo>__<seed>__<time>``."""
    env = config.env.id.split("/")[-1]
    return f"{env}__{config.algo.name}__{config.seed}__{time.strftime('%Y%m%d-%H%M%S')}"


def run_dir_for(config: Config) -> Path:
    return Path(config.run.dir) if config.run.dir else Path(config.run.root) / default_run_name(config)


def create_run_dir(config: Config) -> Path:
    """Creates the run folder. An explicit ``run.dir`` must be new or empty; a default name
    that another run started in the same second already took gets a ``-2``, ``-3``, ... suffix
    (claimed with an atomic mkdir, so concurrent runs never share a folder)."""
    if config.run.dir:
        run_dir = Path(config.run.dir)
        if run_dir.is_symlink() or (run_dir.exists() and not run_dir.is_dir()):
            raise ConfigError(f"config key 'run.dir': {str(run_dir)!r} exists and is not a folder")
        if run_dir.is_dir() and any(run_dir.iterdir()):
            what = "already holds a run" if (run_dir / CONFIG_FILE).exists() else "is not empty"
            raise ConfigError(f"config key 'run.dir': {str(run_dir)!r} {what}; choose a new or empty folder")
        run_dir.mkdir(parents=True, exist_ok=True)
        return run_dir
    base = run_dir_for(config)
    base.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 1000):
        run_dir = base if attempt == 1 else base.with_name(f"{base.name}-{attempt}")
        try:
            run_dir.mkdir()
            return run_dir
        except FileExistsError:
            continue
    raise ConfigError(f"config key 'run.root': could not find a free run folder name like {str(base)!r}")


def save_config(run_dir: Path, config: Config) -> None:
    with atomic_path(Path(run_dir) / CONFIG_FILE) as tmp:
        tmp.write_text(yaml.safe_dump(config.to_dict(), sort_keys=False))


def save_model(model, path: Path, env_id: str, algo: str) -> None:
    """Saves an SB3 model so that ``path`` is either the old file or the complete new one.

    The zip also holds robocue's stamp (``robocue.json``: env id, algorithm, steps), which
    loading checks against the run's config; SB3's own loader ignores it.
    """
    stamp = {"format": 1, "env_id": env_id, "algo": algo, "num_timesteps": int(model.num_timesteps), "robocue": __version__}
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            model.save(handle)
        with zipfile.ZipFile(tmp, "a") as archive:
            archive.writestr(STAMP_FILE, json.dumps(stamp))


def load_run_config(run_dir: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """The resolved config of a run folder, with ``key=value`` overrides applied, and a clear error
    when it is not one. A config.yaml with the flat keys of older runs loads too (``upgrade_legacy_keys``)."""
    run_dir = Path(run_dir)
    path = run_dir / CONFIG_FILE
    if not path.is_file():
        raise ConfigError(f"{str(run_dir)!r} is not a run folder (no {CONFIG_FILE}); pass a folder made by `robocue train`")
    data = upgrade_legacy_keys(yaml.safe_load(path.read_text()) or {})
    for override in overrides:
        apply_override(data, override)
    return validate_config(data)
