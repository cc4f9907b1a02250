"""What a DAgger resume state costs: size, save and load time for a data set of LABELS labels.

Builds PRESET's model, fills a synthetic labelled data set of its observation space (random
pixels and floats; the size does not depend on the values, as ``np.savez`` does not compress)
and times ``agents.resume.save_dagger_state`` and ``load_dagger_state`` on it, in a temporary
folder that is removed afterwards.

    python scripts/dagger_state_cost.py reach_pixels_dagger 10000
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from robocue.agents.resume import load_dagger_state, save_dagger_state
from robocue.agents.runs import CHECKPOINT_DIR
from robocue.agents.training import build_model
from robocue.configs import load_config


def synthetic(space, labels: int, rng: np.random.Generator) -> np.ndarray:
    if space.dtype == np.uint8:
        return rng.integers(0, 256, size=(labels, *space.shape), dtype=np.uint8)
    return rng.standard_normal((labels, *space.shape)).astype(space.dtype)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset")
    parser.add_argument("labels", type=int)
    args = parser.parse_args()
    config = load_config(args.preset, ["env.n_envs=1"])
    model = build_model(config, "cpu")
    rng, space = np.random.default_rng(0), model.observation_space
    if hasattr(space, "spaces"):
        observations = {key: synthetic(value, args.labels, rng) for key, value in space.spaces.items()}
    else:
        observations = synthetic(space, args.labels, rng)
    data = {
        "observations": observations,
        "actions": np.zeros((args.labels, model.action_space.shape[0]), np.float32),
        "goals": np.zeros((args.labels, 6), np.float32),
        "weights": np.ones(args.labels, np.float32),
        "goal_entries": 6,
    }
    run = Path(tempfile.mkdtemp(prefix="dagger-cost-"))
    try:
        started = time.perf_counter()
        save_dagger_state(run / CHECKPOINT_DIR, config, 1, data, model)
        saved = time.perf_counter() - started
        size = sum(path.stat().st_size for path in (run / CHECKPOINT_DIR).glob("dagger_1.*"))
        started = time.perf_counter()
        load_dagger_state(model, config, run)
        loaded = time.perf_counter() - started
    finally:
        shutil.rmtree(run, ignore_errors=True)
        model.get_env().close()
    what = f"{args.preset} ({config.env.id}), {args.labels} labels"
    print(f"{what}: {size / 2**20:.1f} MiB, saved in {saved:.2f} s, loaded in {loaded:.2f} s")


if __name__ == "__main__":
    main()
