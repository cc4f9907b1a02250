"""Soak test: step pixel envs of both engines for many rendered steps and watch memory (RSS).

Not a unit test: it runs for hours at the issue's figure (10^6 rendered steps per engine).
Each engine runs in turn in this process, with random actions from a seeded generator and a
reset at every episode end. The resident set size (VmRSS) is read at the start, after the
first 10^4 steps (the baseline, once allocators and caches have warmed up), every
``--report-every`` steps, at the last step and after the env is closed;
``growth_over_baseline_pct`` compares the last step's reading with the baseline.

    nice -n 19 python scripts/soak.py --steps 1000000 --out soak.json
    python scripts/soak.py --steps 20000 --engines pybullet   # a short check

The JSON (rewritten after every report, so a stopped soak keeps what it measured) holds per
engine: env id, steps done, episodes, seconds, RSS at each report in MiB, and the growth of
the end over the baseline in percent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

from robocue import envs  # noqa: F401  (registers the robocue/ ids)

BASELINE_STEPS = 10_000
SOAK_ENVS = {"mujoco": "robocue/ReachPixels-MuJoCo-v0", "pybullet": "robocue/ReachPixels-PyBullet-v0"}


def rss_mib() -> float:
    """This process's resident set size in MiB (VmRSS from /proc/self/status)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise OSError("no VmRSS in /proc/self/status")


def soak_engine(env_id: str, steps: int, report_every: int, seed: int, deadline: float, on_report) -> dict:
    """Steps ``env_id`` ``steps`` times (or until ``deadline``), recording RSS as it goes."""
    record = {"env_id": env_id, "steps": 0, "episodes": 0, "seconds": 0.0, "rss_mib": {"start": round(rss_mib(), 1)}}
    rng = np.random.default_rng(seed)
    env = gym.make(env_id)
    started = time.perf_counter()
    try:
        env.reset(seed=seed)
        env.action_space.seed(seed)
        low, high = env.action_space.low, env.action_space.high
        for step in range(1, steps + 1):
            action = rng.uniform(low, high).astype(env.action_space.dtype)
            _, _, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                record["episodes"] += 1
                env.reset()
            record["steps"] = step
            stop = time.perf_counter() > deadline
            if step == BASELINE_STEPS or step % report_every == 0 or step == steps or stop:
                record["rss_mib"][str(step)] = round(rss_mib(), 1)
                record["seconds"] = round(time.perf_counter() - started, 1)
                on_report(record)
            if stop:
                break
    finally:
        env.close()
    record["seconds"] = round(time.perf_counter() - started, 1)
    record["rss_mib"]["after_close"] = round(rss_mib(), 1)
    baseline, last = record["rss_mib"].get(str(BASELINE_STEPS)), record["rss_mib"].get(str(record["steps"]))
    if baseline and last:  # the last reading while the env was open against the one after 10^4 steps
        record["growth_over_baseline_pct"] = round(100 * (last - baseline) / baseline, 2)
    on_report(record)
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=1_000_000, help="rendered steps per engine (default: 1000000)")
    parser.add_argument("--engines", nargs="+", default=list(SOAK_ENVS), choices=list(SOAK_ENVS), help="engines, in order (default: both)")
    parser.add_argument("--report-every", type=int, default=50_000, help="steps between RSS readings (default: 50000)")
    parser.add_argument("--max-seconds", type=float, default=0, help="wall-time budget per engine; 0: none (default: 0)")
    parser.add_argument("--until", type=float, default=0, help="stop every engine at this Unix time (seconds); 0: no deadline")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", metavar="FILE.json", help="also write the figures here (rewritten at every reading)")
    args = parser.parse_args(argv)
    if args.steps < 1 or args.report_every < 1:
        parser.error("--steps and --report-every must be positive integers")

    results: dict = {"pid": os.getpid(), "steps_asked": args.steps, "engines": {}}

    def on_report(record: dict) -> None:
        results["engines"][record["env_id"]] = record
        print(json.dumps(record), flush=True)
        if args.out:  # written whole, then renamed: a reader never sees half a file
            tmp = Path(f"{args.out}.tmp")
            tmp.write_text(json.dumps(results, indent=2) + "\n")
            tmp.replace(args.out)

    for engine in args.engines:
        deadline = time.perf_counter() + args.max_seconds if args.max_seconds else float("inf")
        if args.until:
            deadline = min(deadline, time.perf_counter() + args.until - time.time())
        soak_engine(SOAK_ENVS[engine], args.steps, args.report_every, args.seed, deadline, on_report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
