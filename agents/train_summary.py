"""train.json: how long a run trained and on what machine, written when training ends.

It is one of the small files docs/results.md is generated from (scripts/results_table.py),
next to config.yaml and eval.json.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

import torch

from robocue.files import write_json

TRAIN_FILE = "train.json"


def cpu_name() -> str:
    """The CPU's model name (Linux /proc/cpuinfo), else what the platform module says."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.lower().startswith("model name") and ":" in line:
                return " ".join(line.split(":", 1)[1].split())
    return platform.processor() or platform.machine() or "unknown CPU"


def machine_summary(device: str) -> dict:
    """The machine a run trained on: CPU, core count, GPU (when the run used CUDA), and one line of all three."""
    gpu = torch.cuda.get_device_name(0) if device == "cuda" and torch.cuda.is_available() else None
    cores = os.cpu_count() or 0
    return {
        "cpu": cpu_name(),
        "cpu_count": cores,
        "gpu": gpu,
        "platform": platform.platform(),
        "description": f"{cores} CPU cores, {gpu or 'no GPU'}",
    }


def write_train_summary(run_dir: Path, timesteps: int, train_seconds: float, device: str, time_to_target: dict | None = None) -> dict:
    """Writes ``run_dir/train.json`` (atomically) and returns its body.

    ``time_to_target``: the periodic evaluation's entries (agents/time_to_target.py):
    ``target_success``, ``steps_to_target`` and ``seconds_to_target`` (None when never reached), ...
    """
    summary = {
        "timesteps": int(timesteps),
        "train_seconds": round(float(train_seconds), 1),
        "device": device,
        "torch_threads": torch.get_num_threads(),
        "machine": machine_summary(device),
        **(time_to_target or {}),
    }
    write_json(Path(run_dir) / TRAIN_FILE, summary)
    return summary
