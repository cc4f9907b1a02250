"""How often a recognised `point` can pick the commanded object at all: the gesture ceiling.

    python scripts/gesture_ceiling.py --episodes 150
    python scripts/gesture_ceiling.py --tasks Reach --roll-scales 1 0

For each scene (seeds SEED, SEED+1, ...) a training performer (random, per scene) points at
the commanded object as the env's simulated person does (agents.commands.PERSON); the
shipped gesture encoder recognises the direction, and the nearest-bearing rule picks the
object whose bearing from the person is closest to it. The rule knows the geometry
exactly, so its accuracy bounds what any gesture-following policy can reach. The
performers' camera roll is scaled by each --roll-scales value (1: as generated, 0: a
level camera). Prints one JSON line per task and scale.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", nargs="+", default=["Reach", "Push", "GoTo"], choices=["Reach", "Push", "PickAndPlace", "GoTo"])
    parser.add_argument("--episodes", type=int, default=150, help="scenes per task and scale (default 150)")
    parser.add_argument("--seed", type=int, default=10000, help="seed of the first scene (default 10000)")
    parser.add_argument("--roll-scales", nargs="+", type=float, default=[1.0, 1 / 3, 0.0], help="camera-roll multipliers")
    args = parser.parse_args(argv)
    if args.episodes < 1:
        print("gesture_ceiling: error: --episodes must be at least 1", file=sys.stderr)
        return 2
    os.environ.setdefault("MUJOCO_GL", "egl")
    import gymnasium as gym
    import numpy as np

    import envs  # noqa: F401  (registers the ids)
    from agents.commands import _angle_error, object_bearings
    from perception import gestures

    encoder = gestures.load_default_gesture_encoder()
    pool = gestures.performers("train")
    for task in args.tasks:
        env = gym.make(f"robocue/{task}-MuJoCo-v0")
        try:
            for scale in args.roll_scales:
                rng = np.random.default_rng(0)
                picked, errors = 0, []
                for k in range(args.episodes):
                    env.reset(seed=args.seed + k)
                    bearings = object_bearings(env)
                    target = env.unwrapped.task.command.color
                    performer = gestures.Performer.from_seed(pool[int(rng.integers(len(pool)))])
                    performer = dataclasses.replace(performer, roll_deg=performer.roll_deg * scale)
                    clip = gestures.sample_clip(rng, performer, ["point"], point_deg=bearings[target])
                    direction = encoder.understand(clip.landmarks)["command"].get("direction_deg")
                    if direction is None:  # no point recognised: nothing picked
                        continue
                    errors.append(_angle_error(direction, bearings[target]))
                    picked += min(bearings, key=lambda color: _angle_error(bearings[color], direction)) == target
                result = {
                    "task": task,
                    "roll_scale": round(scale, 3),
                    "scenes": args.episodes,
                    "rule_accuracy": picked / args.episodes,
                    "median_direction_error_deg": float(np.median(errors)) if errors else None,
                }
                print(json.dumps(result), flush=True)
        finally:
            env.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
