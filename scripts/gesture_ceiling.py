"""How often a recognised `point` can pick the commanded object at all: the gesture ceiling.

    python scripts/gesture_ceiling.py --episodes 150
    python scripts/gesture_ceiling.py --tasks Reach --roll-scales 1 0 --stances fixed
    python scripts/gesture_ceiling.py --keep-roll

For each scene (seeds SEED, SEED+1, ...) a training performer (random, per scene) points at
the commanded object; the shipped gesture encoder recognises the direction, and the
nearest-bearing rule picks the object whose bearing from the person is closest to it (the
largest of envs.person.pointing_belief, what gesture agents read). The person is the
env's own (envs.person.simulated_point). The rule knows the
geometry exactly, so its accuracy bounds what any gesture-following policy can reach.
--stances: where the person stands, `best` (the env's simulated person, who walks to the
stance of envs.person.STANCES from which the target stands out most) or `fixed`
(always envs.person.PERSON, as before stances were chosen). The performers' camera roll
is scaled by each --roll-scales value (1: as generated, 0: a level camera); as in the env,
the robot turns the recognised direction back by it, unless --keep-roll (the env before it
did). Prints one JSON line per task, stance rule and scale.
"""

from __future__ import annotations

# lazy imports in this module: arguments are parsed (and --help answered) before the heavy
# imports; torch with Stable-Baselines3 takes 9.1 s to import on this 2-core machine under load
# (`python -X importtime -c "import stable_baselines3"`), which --help and bad arguments must not pay.
import argparse
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", nargs="+", default=["Reach", "Push", "GoTo"], choices=["Reach", "Push", "PickAndPlace", "GoTo"])
    parser.add_argument("--episodes", type=int, default=150, help="scenes per task and scale (default 150)")
    parser.add_argument("--seed", type=int, default=10000, help="seed of the first scene (default 10000)")
    parser.add_argument("--roll-scales", nargs="+", type=float, default=[1.0], help="camera-roll multipliers (default 1: as generated)")
    parser.add_argument("--stances", nargs="+", choices=["best", "fixed"], default=["best", "fixed"], help="where the person stands")
    parser.add_argument("--keep-roll", action="store_true", help="leave the camera roll in the recognised direction")
    args = parser.parse_args(argv)
    if args.episodes < 1:
        print("gesture_ceiling: error: --episodes must be at least 1", file=sys.stderr)
        return 2
    os.environ.setdefault("MUJOCO_GL", "egl")
    import gymnasium as gym
    import numpy as np

    from robocue import envs  # noqa: F401  (registers the ids)
    from robocue.envs.person import PERSON, angle_error, scene_objects
    from robocue.perception import gestures
    from robocue.perception.command_channels import pointing_belief, simulated_point
    from robocue.perception.command_heads import DECODER_FIELDS

    encoder = gestures.load_default_gesture_encoder()
    pool = gestures.performers("train")
    for task in args.tasks:
        env = gym.make(f"robocue/{task}-MuJoCo-v0")
        name = env.unwrapped.task.name
        try:
            for rule, scale in [(rule, scale) for rule in args.stances for scale in args.roll_scales]:
                rng = np.random.default_rng(0)
                picked, errors = 0, []
                for k in range(args.episodes):
                    env.reset(seed=args.seed + k)
                    objects = scene_objects(env)
                    target = env.unwrapped.task.command.color
                    point = simulated_point(
                        rng,
                        encoder,
                        pool,
                        name,
                        objects,
                        objects[target][1],
                        target,
                        stance=None if rule == "best" else PERSON[name],
                        roll_scale=scale,
                        turn_back_roll=not args.keep_roll,
                    )
                    if point["direction_deg"] is None:  # no point recognised: nothing picked
                        continue
                    errors.append(angle_error(point["direction_deg"], point["bearing_deg"]))
                    colors, _ = pointing_belief(objects, point["direction_deg"], point["stance"], name)
                    picked += DECODER_FIELDS["color"][int(np.argmax(colors))] == target
                result = {
                    "task": task,
                    "stances": rule,
                    "roll_scale": round(scale, 3),
                    "roll_turned_back": not args.keep_roll,
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
