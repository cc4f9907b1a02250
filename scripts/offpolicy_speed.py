"""Training throughput of off-policy RL, measured in one sitting: plain Stable-Baselines3 SAC with its
default settings on a goal env against robocue presets.

Each contender trains in this process, one after the other on the same machine: first its
``learning_starts`` random steps plus a short warm-up (not timed), then ``--steps`` environment
steps with learning, timed. Reported per contender: environment steps per second, gradient steps
per second and per environment step, and the torch threads it ran with.

``plain SB3 SAC`` is ``SAC("MultiInputPolicy", env, replay_buffer_class=HerReplayBuffer)`` with
every other argument at SB3's default (one env copy, a gradient step of 256 per env step,
[256, 256] networks) on the first preset's env, so it is the same task and reward::

    python -m robocue.scripts.offpolicy_speed --steps 6000 --out docs/results/offpolicy_speed.json
    python -m robocue.scripts.offpolicy_speed --markdown docs/results/offpolicy_speed.json   # its table

The table's last column is each contender's env steps per second over ``reach_sac``'s in the same
file (one sitting), when ``reach_sac`` is among them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from robocue.configs import OFF_POLICY, Config, ConfigError, load_config
from robocue.files import check_output_path, write_json

DEFAULT_PRESETS = ("reach_sac_her", "reach_sac_her+train.torch_threads=2", "reach_sac")
PLAIN = "plain SB3 SAC (defaults, HER)"  # the contender name of plain_sac's row
WARMUP_STEPS = 500  # learning steps before the clock starts (first updates allocate and warm caches)


def _timed(model, steps: int) -> dict:
    """Learns ``learning_starts`` + warm-up steps untimed, then ``steps`` timed."""
    model.learn(model.learning_starts + WARMUP_STEPS, progress_bar=False)
    updates_before = model._n_updates
    started = time.perf_counter()
    model.learn(steps, reset_num_timesteps=False, progress_bar=False)
    seconds = time.perf_counter() - started
    updates = model._n_updates - updates_before
    model.get_env().close()
    return {
        "steps": steps,
        "seconds": round(seconds, 2),
        "steps_per_second": round(steps / seconds, 1),
        "gradient_steps_per_second": round(updates / seconds, 1),
        "gradient_steps_per_env_step": round(updates / steps, 3),
        "torch_threads": torch.get_num_threads(),
    }


def plain_sac(env_id: str, env_kwargs: dict, seed: int = 0):
    """Stable-Baselines3 SAC with HER and every other setting at its default, on one copy of ``env_id``."""
    # lazy import: Stable-Baselines3 (with torch) takes about 9 s to import on this 2-core machine, which --help must not pay
    from stable_baselines3 import SAC, HerReplayBuffer
    from stable_baselines3.common.env_util import make_vec_env

    env = make_vec_env(env_id, n_envs=1, seed=seed, env_kwargs=env_kwargs)
    return SAC("MultiInputPolicy", env, replay_buffer_class=HerReplayBuffer, seed=seed, device="cpu", verbose=0)


def markdown(result: dict) -> str:
    """The Markdown table of one sitting's ``result`` (what ``--out`` writes)."""
    rows = result["rows"]
    base = next((r["steps_per_second"] for r in rows if r["contender"] == "reach_sac"), None)
    lines = [
        "| contender | env | env steps/s | gradient steps/s | gradient steps per env step | torch threads | env steps/s over `reach_sac` |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r["contender"] == PLAIN:
            label = "plain SB3 SAC + HER, every other setting at its default"
        else:
            preset, *overrides = r["contender"].split("+")
            label = f"`{preset}`" + (" with " + ", ".join(f"`{o}`" for o in overrides) if overrides else "")
        env = r["env_id"].split("/")[-1].removesuffix("-v0").removesuffix("-MuJoCo")
        ratio = f"{r['steps_per_second'] / base:.2f}" if base else ""
        lines.append(
            f"| {label} | {env} | {r['steps_per_second']:,.0f} | {r['gradient_steps_per_second']:,.0f} | "
            f"{r['gradient_steps_per_env_step']:g} | {r['torch_threads']} | {ratio} |"
        )
    return "\n".join(lines)


def contender_config(contender: str, seed: int = 0) -> Config:
    """``contender`` is a preset name, optionally with overrides joined by ``+`` (``reach_sac_her+train.torch_threads=2``)."""
    preset, *overrides = contender.split("+")
    config = load_config(preset, [*overrides, f"seed={seed}"])
    if config.algo.name not in OFF_POLICY:
        raise ConfigError(f"preset {preset!r} trains {config.algo.name}; this script measures off-policy presets ({', '.join(OFF_POLICY)})")
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--preset",
        action="append",
        metavar="NAME[+KEY=VALUE...]",
        help=f"off-policy preset to measure, overrides joined by + (repeatable; default: {DEFAULT_PRESETS})",
    )
    parser.add_argument("--steps", type=int, default=6000, help="timed environment steps per contender (default: 6000)")
    parser.add_argument("--no-plain", action="store_true", help="skip plain SB3 SAC")
    parser.add_argument("--out", metavar="FILE.json", help="also write the results as JSON")
    parser.add_argument("--markdown", metavar="FILE.json", help="print the Markdown table of results written by --out, and exit")
    args = parser.parse_args(argv)
    if args.markdown:
        try:
            result = json.loads(Path(args.markdown).read_text())
            print(markdown(result))
        except (OSError, ValueError, KeyError, TypeError) as error:
            print(f"offpolicy_speed: error: {args.markdown!r} is not a results file of this script ({error})", file=sys.stderr)
            return 2
        return 0
    if args.steps < 100:
        parser.error(f"--steps must be at least 100, got {args.steps}")
    try:
        if args.out:
            check_output_path(args.out)
        presets = args.preset or list(DEFAULT_PRESETS)
        configs = [contender_config(name) for name in presets]  # every contender checked before anything is timed
    except (ConfigError, ValueError) as error:
        print(f"offpolicy_speed: error: {error}", file=sys.stderr)
        return 2
    # lazy import: agents.training loads Stable-Baselines3 and the envs (about 9 s here), which --help must not pay
    from robocue.agents.training import build_model

    rows = []
    for name, config in zip(presets, configs):
        torch.set_num_threads(config.train.torch_threads or torch.get_num_threads())
        row = {"contender": name, "env_id": config.env.id, "algo": config.algo.name, **_timed(build_model(config, "cpu"), args.steps)}
        rows.append(row)
        print(row, flush=True)
    if not args.no_plain:
        first = configs[0]
        torch.set_num_threads(1)  # as robocue trains by default (train.torch_threads=1), so the two compare per thread
        model = plain_sac(first.env.id, dict(first.env.kwargs))
        row = {"contender": PLAIN, "env_id": first.env.id, "algo": "sac", **_timed(model, args.steps)}
        rows.append(row)
        print(row, flush=True)
    result = {"command": "python -m robocue.scripts.offpolicy_speed " + " ".join(argv if argv is not None else sys.argv[1:]), "rows": rows}
    if args.out:
        write_json(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
