"""docs/results.md from run folders: one row per preset and engine, generated, never hand-written.

The small files of each run live under ``docs/results/<run>/`` (config.yaml, eval*.json,
train.json; never model files or videos), and ``build`` rebuilds docs/results.md and the
README's results table from them::

    python -m robocue.scripts.results_table add RUN_DIR [--name NAME] [--machine TEXT]
    python -m robocue.scripts.results_table build [--check]

``add`` copies a run folder's small files; a run without train.json (trained before robocue
wrote one) gets one built from its file times, with ``--machine`` saying where it ran.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from robocue.agents.runs import CONFIG_FILE, EVAL_FILE, MODEL_FILE, load_run_config
from robocue.agents.train_summary import TRAIN_FILE
from robocue.configs import Config, ConfigError, list_presets, load_config
from robocue.envs import ENGINE_IDS
from robocue.envs.randomization import PHYSICS_VARIANTS
from robocue.files import atomic_path

EXIT_USAGE = 2
REPO = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO / "docs" / "results"
RESULTS_MD = REPO / "docs" / "results.md"
README = REPO / "README.md"
README_START, README_END = "<!-- results-table:start -->", "<!-- results-table:end -->"
TRANSFER_MD = REPO / "docs" / "transfer.md"
TRANSFER_START, TRANSFER_END = "<!-- transfer-table:start -->", "<!-- transfer-table:end -->"
# The README's table lists these first (the main job of each task and command channel), then other runs, 10 rows at most.
README_PRESETS = (
    "reach_ppo",
    "reach_sac",
    "push_dagger",
    "push_robust",
    "pick_and_place_dagger",
    "pick_and_place_robust",
    "goto_finetune",
    "maze_dagger",
    "reach_pixels_dagger",
    "goto_pixels_finetune",
    "push_language_dagger",
    "push_gesture_dagger",
)
# Keys that change nothing a result depends on: where the run is written, what it shows while running.
_INCIDENTAL = ("run.", "logging.", "video.", "train.progress_bar", "train.video", "train.evaluate")
_MAX_JSON_BYTES = 5_000_000


class ResultsError(ValueError):
    """A run folder or results folder that cannot make a row; the message is one line."""


@dataclass
class Row:
    run: str
    preset: str
    engine: str
    what: str  # "" for the run's own evaluation; else the split, model or sampling it differs by
    success: float
    low: float
    high: float
    episodes: int
    wall_seconds: float | None
    wall_source: str  # "" when train.json measured it; else how it was estimated
    machine: str
    reproduce: str
    changes: str = ""  # the overrides on top of the preset (what the run changed), without eval.* keys
    transfer: str = ""  # the run's own row: its success in the other engine, and the gap
    held_out: str = ""  # the run's own row: its success in the held-out physics (robocue eval --physics held-out)


# --- reading the small files ----------------------------------------------------------------------


def _read_json(path: Path) -> dict:
    if path.stat().st_size > _MAX_JSON_BYTES:
        raise ResultsError(f"{path} is over {_MAX_JSON_BYTES // 1_000_000} MB; results keep only small JSON files")
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ResultsError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise ResultsError(f"{path} must hold a JSON object")
    return data


def _read_config(path: Path) -> Config:
    try:
        return load_run_config(path.parent)
    except yaml.YAMLError as error:
        raise ResultsError(f"{path} is not valid YAML: {str(error).splitlines()[0]}") from None
    except ConfigError as error:
        raise ResultsError(f"{path} does not validate against configs/schema.py: {error}") from None


def eval_files(run_dir: Path) -> list[Path]:
    """eval.json and every eval_<what>.json of a run folder (top level only)."""
    return sorted(p for p in Path(run_dir).glob("eval*.json") if p.is_file())


_LEAF_DICTS = ("env.domain_randomization",)  # dict-valued keys an override sets whole


def _flat(data: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in data.items():
        if isinstance(value, dict) and f"{prefix}{key}" not in _LEAF_DICTS:  # an empty section (env.kwargs: {}) adds no key
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _relevant(config: Config) -> dict[str, object]:
    relevant = {key: value for key, value in _flat(config.to_dict()).items() if not key.startswith(_INCIDENTAL)}
    if config.env.commands == "onehot":  # what a command channel reads changes nothing without one
        relevant.pop("env.command_features", None)
    return relevant


def preset_overrides(config: Config, preset: str) -> list[str] | None:
    """``key=value`` overrides that turn ``preset`` into ``config`` (None: a key of the preset is absent from it).

    An optional section (train.imitation, policy.attention, policy.multimodal) that only one of
    them has is one flat key, None, on the other side: the run's is an override ``section=null``,
    the preset's gives way to the run's keys in that section."""
    run, base = _relevant(config), _relevant(load_config(preset))
    for key in set(base) - set(run):
        section_of_run = any(other.startswith(f"{key}.") for other in run)
        section_not_in_run = run.get(key.rpartition(".")[0], _MISSING) is None
        if not (section_of_run or section_not_in_run):
            return None
    return [shlex.quote(f"{key}={_override_value(value)}") for key, value in sorted(run.items()) if base.get(key, _MISSING) != value]


_MISSING = object()


def _override_value(value: object) -> str:
    """A value as the override parser reads it back (YAML; lists without spaces)."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def find_preset(run_name: str, config: Config) -> tuple[str | None, list[str] | None]:
    """The preset a run was made from and the overrides on top: the folder's name (``<preset>`` or
    ``<preset>__<anything>``) when it names one, otherwise the preset needing the fewest overrides."""
    presets = list_presets()
    named = run_name.split("__")[0]
    if named in presets:
        return named, preset_overrides(config, named)
    candidates = [(len(o), p, o) for p in presets if (o := preset_overrides(config, p)) is not None]
    if not candidates:
        return None, None
    _, preset, overrides = min(candidates)
    return preset, overrides


def _physics_name(physics: dict) -> str:
    """A fixed physics variant as ``--physics`` names it: a name in PHYSICS_VARIANTS, or KEY=VALUE,..."""
    for name, fields in PHYSICS_VARIANTS.items():
        if all(physics.get(key) == value for key, value in fields.items()) and all(
            physics.get(key) in (1.0, 0, None) for key in set(physics) - set(fields)
        ):
            return name
    return ",".join(f"{key}={value:g}" for key, value in physics.items() if value not in (1.0, 0))


def _what(result: dict, config: Config) -> str:
    default_split = "gesture" if config.env.commands == "gesture" else "train"
    parts = []
    trained, evaluated = result.get("trained_engine"), result.get("eval_engine")
    if trained and evaluated and evaluated != trained:
        parts.append(f"in {ENGINE_IDS.get(evaluated, evaluated)} (trained in {ENGINE_IDS.get(trained, trained)})")
    if result.get("physics"):
        parts.append(f"physics {_physics_name(result['physics'])}")
    if result.get("commands", default_split) != default_split:
        parts.append(f"commands {result['commands']}")
    if Path(result.get("model_file") or MODEL_FILE) != Path(MODEL_FILE):
        parts.append(str(result["model_file"]))
    if result.get("deterministic", config.eval.deterministic) != config.eval.deterministic:
        parts.append("sampled actions" if not result["deterministic"] else "deterministic actions")
    return ", ".join(parts)


def _eval_flags(result: dict, config: Config, engine_id: str) -> str:
    trained = result.get("trained_engine")
    flags = []
    default_split = "gesture" if config.env.commands == "gesture" else "train"
    if result.get("commands", default_split) != default_split:
        flags.append(f"--commands {result['commands']}")
    if engine_id != trained:
        flags.append(f"--engine {engine_id}")
    if result.get("physics"):
        flags.append(f"--physics {_physics_name(result['physics'])}")
    if Path(result.get("model_file") or MODEL_FILE) != Path(MODEL_FILE):
        flags.append(f"--model {result['model_file']}")
    if result.get("deterministic", config.eval.deterministic) != config.eval.deterministic and not result["deterministic"]:
        flags.append("--sample")
    if result.get("n_episodes") != config.eval.episodes:
        flags.append(f"--episodes {result.get('n_episodes')}")
    seeds = result.get("seeds") or []
    if seeds and seeds[0] != config.eval.seed:
        flags.append(f"--seed {seeds[0]}")
    return " ".join(flags)


def run_rows(run_dir: Path, name: str | None = None) -> list[Row]:
    """The rows of one results folder (named ``name``, default its folder name): one per evaluation file."""
    run_dir = Path(run_dir)
    name = name or run_dir.name
    if not (run_dir / CONFIG_FILE).is_file():
        raise ResultsError(f"{run_dir} has no {CONFIG_FILE}; a results folder holds a run's config.yaml, eval*.json and train.json")
    config = _read_config(run_dir / CONFIG_FILE)
    evals = eval_files(run_dir)
    if not evals:
        raise ResultsError(f"{run_dir} has no eval*.json; evaluate the run first (robocue eval RUN_DIR)")
    train = _read_json(run_dir / TRAIN_FILE) if (run_dir / TRAIN_FILE).is_file() else {}
    machine = (train.get("machine") or {}).get("description") or "unknown"
    wall = train.get("train_seconds")
    wall_source = "file times" if str(train.get("wall_time_source", "")).startswith("file times") else ""
    preset, overrides = find_preset(name, config)
    run_path = f"runs/{name}"
    if preset is not None and overrides is not None:
        train_command = " ".join(["robocue train", preset, *overrides, f"run.dir={run_path}"])
    else:
        train_command = f"robocue train docs/results/{name}/{CONFIG_FILE} run.dir={run_path}"
    teacher = config.train.imitation.teacher if config.train.imitation else None
    needs = [value for value in (config.train.init_from, teacher) if value]
    if needs:
        train_command += f" (after the runs it starts from: {', '.join(needs)})"
    rows = []
    for path in evals:
        result = _read_json(path)
        for key in ("success_rate", "success_ci", "n_episodes"):
            if key not in result:
                raise ResultsError(f"{path} has no {key!r}; is it an eval.json written by robocue eval?")
        engine_id = result.get("eval_engine") or result.get("trained_engine") or ""
        flags = _eval_flags(result, config, engine_id)
        reproduce = train_command if path.name == EVAL_FILE and not flags else f"{train_command} && robocue eval {run_path} {flags}".strip()
        low, high = result["success_ci"]
        rows.append(
            Row(
                run=name,
                preset=preset or "(no preset)",
                engine=ENGINE_IDS.get(engine_id, engine_id or "?"),
                what=_what(result, config),
                success=float(result["success_rate"]),
                low=float(low),
                high=float(high),
                episodes=int(result["n_episodes"]),
                wall_seconds=float(wall) if wall is not None else None,
                wall_source=wall_source,
                machine=machine,
                reproduce=reproduce,
                changes=" ".join(o for o in overrides or [] if not o.lstrip("'").startswith("eval.")),
            )
        )
    own = [row for row in rows if not row.what]
    if len(own) == 1:  # the run's own evaluation carries what the others say about robustness
        own = own[0]
        others = [row for row in rows if row.what.startswith("in ") and "," not in row.what and row.episodes == own.episodes]
        own.transfer = "; ".join(f"{row.engine} {_success(row)}, gap {own.success - row.success:+.2f}" for row in others)
        held = [row for row in rows if row.what == "physics held-out" and row.episodes == own.episodes]
        own.held_out = "; ".join(_success(row) for row in held)
    return rows


def collect_rows(results_dir: Path) -> list[Row]:
    rows = []
    for run_dir in sorted(p for p in Path(results_dir).iterdir() if p.is_dir()) if Path(results_dir).is_dir() else []:
        rows += run_rows(run_dir)
    return sorted(rows, key=lambda r: (r.preset, r.engine, r.what, r.run))


# --- writing -------------------------------------------------------------------------------------


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _wall(row: Row) -> str:
    return format_seconds(row.wall_seconds) + (f" ({row.wall_source})" if row.wall_source and row.wall_seconds is not None else "")


def _success(row: Row) -> str:
    return f"{row.success:.2f} ({row.low:.2f}-{row.high:.2f})"


def _table(rows: list[Row], link_prefix: str, with_what: bool) -> list[str]:
    what = ["evaluation"] if with_what else []
    robustness = [] if with_what else ["other engine (gap)", "held-out physics"]
    head = ["preset", "engine", *what, "success (95% CI)", *robustness, "episodes", "training wall time", "training machine"]
    lines = ["| " + " | ".join(head) + " | reproduce |", "|" + "---|" * (len(head) + 1)]
    for row in rows:
        cells = [
            f"[{row.preset}]({link_prefix}{row.run}/)" if row.preset == row.run else f"[{row.preset}]({link_prefix}{row.run}/) ({row.run})",
            row.engine,
            *([row.what] if with_what else []),
            _success(row),
            *([row.transfer or "not measured", row.held_out or "not measured"] if not with_what else []),
            str(row.episodes),
            _wall(row),
            row.machine,
            f"`{row.reproduce}`",
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return lines


def results_markdown(rows: list[Row]) -> str:
    main = [r for r in rows if not r.what]
    more = [r for r in rows if r.what]
    lines = [
        "# Results",
        "",
        "Generated by `python -m robocue.scripts.results_table build` from the run folders under",
        "[docs/results/](results/) (each holds a run's config.yaml, eval*.json and train.json); do not edit by hand.",
        "Add a run with `python -m robocue.scripts.results_table add RUN_DIR`, then build.",
        "",
        "One row per run, in the engine it trained in. Success is the final policy's success rate over the evaluation",
        "episodes (seeds `eval.seed`, `eval.seed + 1`, ...; mean actions unless the config's",
        '`eval.deterministic` is false), with its 95% Wilson interval. "Other engine" is the same policy on',
        "the same seeds in the twin env of the other physics engine (`robocue eval RUN_DIR --engine both`), with",
        'the gap (trained engine minus the other); "held-out physics" the same policy in a physics neither',
        'engine trains in (`robocue eval RUN_DIR --physics held-out`; docs/transfer.md). "Not measured": the',
        "run folder holds no such evaluation with the run's own episode count.",
        "Training wall time is learning time (cloning, DAgger and RL steps; not evaluation) on the machine",
        'named, from the run\'s train.json; "file times" marks a run that had none, timed from its',
        "config.yaml to its model.zip. The reproduce command trains the preset with the run's config (the",
        "overrides are what the run changed) and evaluates it.",
        "",
    ]
    lines += _table(main, "results/", with_what=False) if main else ["No runs yet."]
    if more:
        lines += [
            "",
            "## More evaluations",
            "",
            "The other engine, held-out physics, held-out command splits, checkpoints and sampled actions of the same runs.",
            "",
            *_table(more, "results/", with_what=True),
        ]
    return "\n".join(lines) + "\n"


def readme_table(rows: list[Row]) -> str:
    """The README's results table: at most 10 runs in the engine they trained in, README_PRESETS first."""
    order = {preset: i for i, preset in enumerate(README_PRESETS)}
    own = {r.preset for r in rows if r.run == r.preset}  # a preset's own run stands for it; variants of it do not
    picked = [r for r in rows if not r.what and (r.run == r.preset or r.preset not in own)]
    picked = sorted(picked, key=lambda r: (order.get(r.preset, len(order)), r.preset, r.run))[:10]
    lines = [README_START, "| preset | engine | success (95% CI) | episodes | training wall time |", "|---|---|---|---|---|"]
    lines += [f"| [{r.preset}](docs/results/{r.run}/) | {r.engine} | {_success(r)} | {r.episodes} | {_wall(r)} |" for r in picked]
    if not picked:
        lines.append("| (no runs yet) | | | | |")
    lines.append(README_END)
    return "\n".join(lines)


def transfer_table(rows: list[Row]) -> str:
    """docs/transfer.md's table: every run whose other-engine success is measured, by task and recipe."""
    picked = sorted((r for r in rows if not r.what and r.transfer), key=lambda r: (r.preset.split("_")[0], r.engine, r.preset, r.run))
    lines = [
        TRANSFER_START,
        "| run | recipe (on top of the preset) | trained in | success there | other engine (gap) | held-out physics | episodes | "
        "training wall time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in picked:
        name = f"[{r.preset}](results/{r.run}/)" + ("" if r.preset == r.run else f" ({r.run})")
        changes = f"`{r.changes}`" if r.changes else "the preset"
        cells = [name, changes, r.engine, _success(r), r.transfer, r.held_out or "not measured", str(r.episodes), _wall(r)]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    if not picked:
        lines.append("| (no runs yet) | | | | | | | |")
    lines.append(TRANSFER_END)
    return "\n".join(lines)


def _with_block(text: str, start: str, end: str, block: str, name: str) -> str:
    if start not in text or end not in text:
        raise ResultsError(f"{name} has no {start} ... {end} block for its table")
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    return before + block + after


def readme_with_table(readme: str, rows: list[Row]) -> str:
    if README_START not in readme or README_END not in readme:
        raise ResultsError(f"README.md has no {README_START} ... {README_END} block for the results table")
    before, rest = readme.split(README_START, 1)
    _, after = rest.split(README_END, 1)
    return before + readme_table(rows) + after


def _write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def build(
    results_dir: Path = RESULTS_DIR,
    out: Path = RESULTS_MD,
    readme: Path | None = README,
    check: bool = False,
    transfer: Path | None = TRANSFER_MD,
) -> list[Path]:
    """Writes docs/results.md (and the README's and docs/transfer.md's tables); with ``check``, writes
    nothing and returns the stale files."""
    rows = collect_rows(results_dir)
    wanted = {Path(out): results_markdown(rows)}
    if readme is not None:
        wanted[Path(readme)] = readme_with_table(Path(readme).read_text(), rows)
    if transfer is not None:
        page = Path(transfer).read_text()
        wanted[Path(transfer)] = _with_block(page, TRANSFER_START, TRANSFER_END, transfer_table(rows), "docs/transfer.md")
    stale = [path for path, text in wanted.items() if not path.is_file() or path.read_text() != text]
    if not check:
        for path in stale:
            _write_text(path, text=wanted[path])
    return stale


# --- adding a run ---------------------------------------------------------------------------------


def summary_from_file_times(run_dir: Path, config: Config, machine: str) -> dict:
    """A train.json for a run that has none: wall time from model.zip's and config.yaml's file times."""
    started, ended = (run_dir / CONFIG_FILE).stat().st_mtime, (run_dir / MODEL_FILE).stat().st_mtime
    if ended <= started:
        raise ResultsError(f"{run_dir}: model.zip is not newer than config.yaml, so its file times cannot give the training wall time")
    return {
        "timesteps": config.train.timesteps,
        "train_seconds": round(ended - started, 1),
        "wall_time_source": "file times: model.zip minus config.yaml",
        "device": None,
        "machine": {"description": machine},
    }


_TRAINED_LINE = re.compile(r"^trained (?:(\d+) steps|by imitation only \(train\.timesteps=0\)) in (\d+(?:\.\d+)?)s", re.MULTILINE)


def summary_from_log(log: Path, config: Config, machine: str) -> dict:
    """A train.json for a run that has none, from the "trained N steps in Xs" line robocue train prints."""
    match = _TRAINED_LINE.search(Path(log).read_text(errors="replace"))
    if match is None:
        raise ResultsError(f"--train-log {log}: no line like 'trained 600064 steps in 228s' (robocue train's output)")
    return {
        "timesteps": int(match.group(1)) if match.group(1) else 0,
        "train_seconds": float(match.group(2)),
        "wall_time_source": "training log",
        "device": config.device,
        "machine": {"description": machine},
    }


def add_run(
    run_dir: Path, results_dir: Path = RESULTS_DIR, name: str | None = None, machine: str | None = None, train_log: Path | None = None
) -> Path:
    """Copies a run folder's small files (config.yaml, eval*.json, train.json) into ``results_dir/<name>``.

    A run without train.json gets one from ``train_log`` (robocue train's output) when given,
    else from its file times.
    """
    run_dir = Path(run_dir)
    if not (run_dir / CONFIG_FILE).is_file():
        raise ResultsError(f"{run_dir} is not a run folder (no {CONFIG_FILE})")
    config = _read_config(run_dir / CONFIG_FILE)
    evals = eval_files(run_dir)
    if not evals:
        raise ResultsError(f"{run_dir} has no eval*.json; evaluate it first (robocue eval {run_dir})")
    for path in evals:
        _read_json(path)
    name = name or run_dir.resolve().name
    if not name or "/" in name or name.startswith("."):
        raise ResultsError(f"--name {name!r} must be a plain folder name")
    if (run_dir / TRAIN_FILE).is_file():
        summary = _read_json(run_dir / TRAIN_FILE)
        if machine:
            summary.setdefault("machine", {})["description"] = machine
    elif train_log is not None:
        summary = summary_from_log(train_log, config, machine or "unknown")
    elif (run_dir / MODEL_FILE).is_file():
        summary = summary_from_file_times(run_dir, config, machine or "unknown")
    else:
        raise ResultsError(f"{run_dir} has neither {TRAIN_FILE} nor {MODEL_FILE}, so its training wall time is unknown")
    target = Path(results_dir) / name
    staging = Path(results_dir) / f".{name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        shutil.copyfile(run_dir / CONFIG_FILE, staging / CONFIG_FILE)
        for path in evals:
            shutil.copyfile(path, staging / path.name)
        (staging / TRAIN_FILE).write_text(json.dumps(summary, indent=2) + "\n")
        run_rows(staging, name)  # the folder must make rows before it replaces anything
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


# --- command line ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m robocue.scripts.results_table",
        description="Generate docs/results.md (and the README's results table) from the run folders under docs/results/.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add = commands.add_parser("add", help="copy a run folder's config.yaml, eval*.json and train.json into docs/results/<name>/")
    add.add_argument("run_dir", help="a run folder (config.yaml, eval.json, model.zip or train.json)")
    add.add_argument("--name", help="folder name under docs/results/ (default: the run folder's name); start it with the preset's name")
    add.add_argument("--machine", help="where the run trained, when its train.json does not say (e.g. '16 CPUs, NVIDIA H200')")
    add.add_argument("--train-log", type=Path, help="robocue train's output, for the wall time of a run without train.json")
    add.add_argument("--results", type=Path, default=RESULTS_DIR, help="results folder (default: docs/results)")
    make = commands.add_parser("build", help="rebuild docs/results.md and the README's table from docs/results/")
    make.add_argument("--results", type=Path, default=RESULTS_DIR, help="results folder (default: docs/results)")
    make.add_argument("--out", type=Path, default=RESULTS_MD, help="Markdown file to write (default: docs/results.md)")
    make.add_argument("--readme", type=Path, default=README, help="README whose results block is rewritten (default: README.md)")
    make.add_argument("--no-readme", action="store_true", help="leave the README alone")
    make.add_argument(
        "--transfer", type=Path, default=TRANSFER_MD, help="page whose transfer-table block is rewritten (default: docs/transfer.md)"
    )
    make.add_argument("--no-transfer", action="store_true", help="leave the transfer page alone")
    make.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is out of date")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "add":
            target = add_run(Path(args.run_dir), args.results, args.name, args.machine, args.train_log)
            print(f"copied {', '.join(sorted(p.name for p in target.iterdir()))} into {target}")
            return 0
        transfer = None if args.no_transfer else args.transfer
        stale = build(args.results, args.out, None if args.no_readme else args.readme, check=args.check, transfer=transfer)
    except (ResultsError, OSError) as error:
        print(f"results_table {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.check:
        for path in stale:
            print(f"{path} is out of date: python -m robocue.scripts.results_table build", file=sys.stderr)
        return 1 if stale else 0
    print("\n".join(f"wrote {path}" for path in stale) or "up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
