"""Many seeds of one config: one run folder per seed inside a group folder.

A group folder holds ``group.json`` (the config source, the overrides, the seeds and the
member runs) and one run folder per seed, ``seed_<S>/``, each a normal run folder::

    runs/Reach-MuJoCo-v0__ppo__seeds0-4__20261204-160000/
        group.json
        seed_0/  seed_1/  ...      config.yaml, model.zip, metrics/, eval.json, curves.png, ...
        logs/seed_<S>.log          with --parallel N > 1: each seed's output

Seeds run one after another in this process, or ``parallel`` at a time in child processes
(``python -m robocue.scripts.cli train ...``), each child with its own log file.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from robocue.agents.runs import CONFIG_FILE
from robocue.agents.training import check_runnable, train
from robocue.configs import Config, ConfigError, load_config
from robocue.files import write_json

GROUP_FILE = "group.json"
_SEEDS = re.compile(r"^\d+(-\d+)?$")


def parse_seeds(text: str) -> list[int]:
    """``"0-4"`` -> [0, 1, 2, 3, 4]; ``"0,3,7"`` -> [0, 3, 7]; ranges and lists mix (``"0-2,9"``).

    Raises:
        ValueError: naming the text and the allowed forms.
    """
    seeds: list[int] = []
    for part in text.replace(" ", "").split(","):
        if not _SEEDS.match(part):
            raise ValueError(f"--seeds must be non-negative integers as a range or list, like 0-4 or 0,3,7; got {text!r}")
        low, _, high = part.partition("-")
        first, last = int(low), int(high or low)
        if last < first:
            raise ValueError(f"--seeds range {part!r} runs backwards; write it as {last}-{first}")
        seeds.extend(range(first, last + 1))
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"--seeds names a seed twice: {text!r}")
    return seeds


def seeds_label(seeds: list[int]) -> str:
    """A short name for a list of seeds: ``0-4`` for a contiguous range, else ``0_3_7``."""
    if seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"{seeds[0]}-{seeds[-1]}" if len(seeds) > 1 else str(seeds[0])
    return "_".join(map(str, seeds))


def group_dir_for(config: Config, seeds: list[int]) -> Path:
    """``run.dir`` when set, else ``<run.root>/<env>__<algo>__seeds<S>__<time>``."""
    if config.run.dir:
        return Path(config.run.dir)
    env = config.env.id.split("/")[-1]
    return Path(config.run.root) / f"{env}__{config.algo.name}__seeds{seeds_label(seeds)}__{time.strftime('%Y%m%d-%H%M%S')}"


def seed_configs(source: str | None, overrides: list[str], seeds: list[int]) -> tuple[Path, list[tuple[int, list[str], Config]]]:
    """The group folder and, per seed, its overrides and validated config; checks everything first.

    Raises:
        ConfigError: a bad config, a ``seed=`` override (``--seeds`` sets it), or a group folder in use.
    """
    if any(override.partition("=")[0].strip() == "seed" for override in overrides):
        raise ConfigError("config key 'seed' is set per run by --seeds; drop the seed=... override")
    base = load_config(source, overrides)
    group = group_dir_for(base, seeds)
    if (group / GROUP_FILE).exists() or (group / CONFIG_FILE).exists():
        raise ConfigError(f"config key 'run.dir': {str(group)!r} already holds a run or a group; choose another folder")
    check_runnable(base)
    members = []
    for seed in seeds:
        seed_overrides = [*overrides, f"seed={seed}", f"run.dir={group / f'seed_{seed}'}"]
        members.append((seed, seed_overrides, load_config(source, seed_overrides)))
    return group, members


def _run_child(source: str | None, overrides: list[str], log_path: Path) -> int:
    command = [sys.executable, "-m", "robocue.scripts.cli", "train", *([source] if source else []), *overrides, "train.progress_bar=false"]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as handle:
        return subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode


def train_seeds(source: str | None, overrides: list[str], seeds: list[int], parallel: int = 1, log=print) -> tuple[Path, dict[int, str]]:
    """Trains the config once per seed into one group folder; returns it and each seed's outcome.

    The outcome is ``"ok"`` or why the seed failed; a failed seed does not stop the others.
    """
    group, members = seed_configs(source, overrides, seeds)
    group.mkdir(parents=True, exist_ok=True)
    write_json(
        group / GROUP_FILE,
        {
            "source": source,
            "overrides": overrides,
            "seeds": seeds,
            "runs": [f"seed_{seed}" for seed in seeds],
            "command": " ".join(["robocue", "train", *([source] if source else []), *overrides, "--seeds", seeds_label(seeds)]),
        },
    )
    log(f"group folder: {group} ({len(seeds)} seeds, {parallel} at a time)")
    outcomes: dict[int, str] = {}
    if parallel <= 1:
        for seed, _, config in members:
            log(f"\n=== seed {seed} ===")
            try:
                train(config, log=log)
                outcomes[seed] = "ok"
            except (ConfigError, RuntimeError, ValueError) as error:
                outcomes[seed] = f"failed: {error}"
                log(f"seed {seed} failed: {error}", file=sys.stderr)
        return group, outcomes

    def run(member) -> None:
        seed, seed_overrides, _ = member
        log_path = group / "logs" / f"seed_{seed}.log"
        log(f"seed {seed}: started (log {log_path})")
        code = _run_child(source, seed_overrides, log_path)
        outcomes[seed] = "ok" if code == 0 else f"failed with exit code {code}; see {log_path}"
        log(f"seed {seed}: {outcomes[seed]}")

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(run, members))
    return group, dict(sorted(outcomes.items()))


def group_runs(folder: str | Path) -> list[Path]:
    """The run folders of a group folder, in seed order (only those that exist)."""
    folder = Path(folder)
    data = json.loads((folder / GROUP_FILE).read_text())
    return [folder / name for name in data.get("runs", []) if (folder / name / CONFIG_FILE).is_file()]
