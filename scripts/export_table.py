"""The results table of docs/export.md from run folders: one row per model and runtime.

For each ``RUN`` (or ``RUN=LABEL``) it reads what these commands wrote into the run folder::

    robocue export RUN --int8
    robocue eval RUN --episodes 200 --out RUN/eval200_torch.json                 # else RUN/eval.json
    robocue eval RUN --episodes 200 --runtime onnx --out RUN/eval200_onnx.json
    robocue eval RUN --episodes 200 --runtime onnx --int8 --out RUN/eval200_onnx_int8.json
    robocue bench --policy RUN --runtime torch --threads 1 --out RUN/bench_torch.json
    robocue bench --policy RUN --runtime onnx --threads 1 --out RUN/bench_onnx.json
    robocue bench --policy RUN --runtime onnx --int8 --threads 1 --out RUN/bench_onnx_int8.json

and prints the Markdown table; a runtime with neither its evaluation nor its bench file is left
out. "same" counts the episodes (matched by seed) whose success equals PyTorch's::

    python -m robocue.scripts.export_table runs/reach_ppo=reach_ppo runs/reach_pixels
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_USAGE = 2
HEAD = (
    "| model (acting parameters) | format | size KB | p50 / p99 ms | peak MB "
    "| success (95% CI), episodes | same as PyTorch | eval wall s |\n"
    "|---|---|---:|---|---:|---|---:|---:|"
)
# (format shown, evaluation files in order of preference, bench file)
RUNTIMES = (
    ("PyTorch (SB3) float32", ("eval200_torch.json", "eval.json"), "bench_torch.json"),
    ("ONNX float32", ("eval200_onnx.json",), "bench_onnx.json"),
    ("ONNX int8", ("eval200_onnx_int8.json",), "bench_onnx_int8.json"),
)


class TableError(ValueError):
    """A run folder that cannot make a row; the message is one line."""


def _read(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TableError(f"{path}: not a JSON file ({error})") from None


def _first(run: Path, names: tuple[str, ...]) -> dict | None:
    for name in names:
        if (found := _read(run / name)) is not None:
            return found
    return None


def _outcomes(evaluation: dict) -> dict[int, bool]:
    return {int(e["seed"]): bool(e["success"]) for e in evaluation.get("episodes", [])}


def rows(run: Path, label: str) -> list[str]:
    """The table's rows for one run folder."""
    if not run.is_dir():
        raise TableError(f"{run}: not a folder")
    manifest = _read(run / "export" / "manifest.json") or {}
    int8 = manifest.get("int8") or {}
    method = ", ".join(part for part in (int8.get("method"), int8.get("scope")) if part)
    reference = None
    out = []
    for shown, eval_names, bench_name in RUNTIMES:
        evaluation, bench = _first(run, eval_names), _read(run / bench_name)
        if evaluation is None and bench is None:
            continue
        if reference is None and shown.startswith("PyTorch"):
            reference = evaluation
        parameters = (bench or {}).get("parameters") or manifest.get("parameters")
        model = f"{label} ({parameters:,} params)" if parameters else label
        file_size = (manifest.get("sizes_kb") or {}).get({"ONNX float32": "policy", "ONNX int8": "policy_int8"}.get(shown, ""))
        size = f"{bench['size_kb']:.1f}" if bench else (f"{file_size:.1f}" if file_size else "")
        latency = f"{bench['p50_ms']:.3f} / {bench['p99_ms']:.2f}" if bench else ""
        memory = f"{bench['peak_memory_mb']:.0f}" if bench else ""
        success = same = wall = ""
        if evaluation is not None:
            low, high = evaluation["success_ci"]
            success = f"{evaluation['success_rate']:.3f} ({low:.2f}-{high:.2f}), {evaluation['n_episodes']}"
            wall = f"{evaluation['wall_time_s']:.0f}" if evaluation.get("wall_time_s") is not None else ""
            if reference is not None and evaluation is not reference:
                theirs, ours = _outcomes(reference), _outcomes(evaluation)
                common = sorted(set(theirs) & set(ours))
                same = f"{sum(theirs[s] == ours[s] for s in common)}/{len(common)}" if common else ""
        if shown == "ONNX int8" and method:
            shown = f"ONNX int8 ({method})"
        out.append(f"| {model} | {shown} | {size} | {latency} | {memory} | {success} | {same} | {wall} |")
    if not out:
        raise TableError(f"{run}: no eval200_*.json, eval.json or bench_*.json (the commands are in this script's --help)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", metavar="RUN[=LABEL]", help="run folders, each with the label its rows show (default: its name)")
    args = parser.parse_args(argv)
    lines = [HEAD]
    try:
        for item in args.runs:
            path, _, label = item.partition("=")
            lines += rows(Path(path), label or Path(path).name)
    except TableError as error:
        print(f"export_table: {error}", file=sys.stderr)
        return EXIT_USAGE
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
