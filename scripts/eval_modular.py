"""Evaluate a state policy fed by the object detector (the modular agent) vs the true state.

    python scripts/eval_modular.py runs/reach_state --detector runs/perception/detector.pt --episodes 50
    python scripts/eval_modular.py runs/reach_state --detector opencv --out runs/reach_state/modular_opencv.json
    python scripts/eval_modular.py runs/push_dagger --detector opencv --cameras overview --update-fraction 0.8  # the old tracker

Both play the same seeded episodes (default: the run's eval seed). Writes a JSON (default
RUN_DIR/modular.json) with both success rates, their gap, and the detector's token error.
"""

from __future__ import annotations

# lazy imports in this module: arguments are parsed (and --help answered) before the heavy
# imports; torch with Stable-Baselines3 takes 9.1 s to import on this 2-core machine under load
# (`python -X importtime -c "import stable_baselines3"`), which --help and bad arguments must not pay.
import argparse
import json
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", help="run folder of a policy trained on a state env (config.yaml + model.zip)")
    parser.add_argument("--detector", default="runs/perception/detector.pt", help="detector .pt, or 'opencv' for the baseline")
    parser.add_argument("--episodes", type=int, default=50, help="episodes per condition (default 50)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the first episode (default: the run's eval seed)")
    parser.add_argument("--no-memory", action="store_true", help="forget an object as soon as the detector misses it")
    parser.add_argument(
        "--update-fraction",
        type=float,
        default=0.0,
        help="move an estimate only when the best view's score is this share of its best (default 0: always; the old tracker used 0.8)",
    )
    parser.add_argument(
        "--cameras", nargs="+", default=None, help="scene cameras to detect in and fuse (default: all fixed ones, e.g. overview front)"
    )
    parser.add_argument(
        "--presence-threshold",
        type=float,
        default=0.5,
        help="CNN only: presence probability from which an object counts as seen (default 0.5)",
    )
    parser.add_argument(
        "--max-objects",
        type=int,
        default=0,
        help="track at most this many objects, dropping the lowest-scoring (the table tasks hold 3; default 0: no limit)",
    )
    parser.add_argument("--image-size", type=int, default=None, help="detector image size (default: the CNN's input size; 84 for opencv)")
    parser.add_argument("--out", default=None, help="JSON to write (default RUN_DIR/modular.json)")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("MUJOCO_GL", "egl")
    import torch

    torch.set_num_threads(1)
    from robocue.agents.modular import evaluate_modular
    from robocue.configs import ConfigError
    from robocue.files import atomic_path as atomic
    from robocue.perception.detection import DetectionError

    out = Path(args.out) if args.out else Path(args.run_dir) / "modular.json"
    try:
        if args.episodes < 1:
            raise DetectionError(f"--episodes={args.episodes} must be at least 1")
        if args.max_objects < 0:
            raise DetectionError(f"--max-objects={args.max_objects} must be 0 (no limit) or a number of objects")
        if not 0.0 < args.presence_threshold < 1.0:
            raise DetectionError(f"--presence-threshold={args.presence_threshold} must lie between 0 and 1")
        if args.presence_threshold != 0.5 and args.detector == "opencv":
            raise DetectionError("--presence-threshold applies to the CNN detector, not opencv")
        if not Path(args.run_dir).is_dir():
            raise DetectionError(f"no run folder {args.run_dir!r}")
        if args.detector != "opencv" and not Path(args.detector).is_file():
            raise DetectionError(f"no detector file {args.detector!r} (train one with scripts/train_perception.py, or pass opencv)")
        result = evaluate_modular(
            args.run_dir,
            args.detector,
            args.episodes,
            args.seed,
            memory=not args.no_memory,
            update_fraction=args.update_fraction,
            progress=not args.no_progress,
            cameras=args.cameras,
            image_size=args.image_size,
            presence_threshold=args.presence_threshold,
            max_objects=args.max_objects,
        )
        result["detector_path"] = args.detector
        with atomic(out) as tmp:
            tmp.write_text(json.dumps(result, indent=2) + "\n")
    except (ConfigError, DetectionError, OSError) as error:
        print(f"eval_modular: error: {error}", file=sys.stderr)
        return 2
    truth, modular = result["ground_truth"], result["modular"]
    print(
        f"{result['env_id']}: ground truth {truth['success_rate']:.2f}, modular ({result['detector']}) {modular['success_rate']:.2f} "
        f"over {args.episodes} episodes ({' + '.join(result['cameras'])} at {result['image_size']} px); "
        f"token error median {result['token_error_cm']['median']:.2f} cm; wrote {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
