"""Render a dataset for the object detector (perception/detection.py has the format).

    python scripts/make_perception_data.py --out runs/perception/train --scenes 2000 --seed 0
    python scripts/make_perception_data.py --out runs/perception/test --scenes 1200 --seed 100000 \\
        --env-ids robocue/Reach-MuJoCo-v0 robocue/Push-PyBullet-v0

Writes OUT.npz (images and labels) and OUT.json (metadata), each complete or not at all.
"""

from __future__ import annotations

# lazy imports in this module: arguments are parsed (and --help answered) before the heavy
# imports; torch with Stable-Baselines3 takes 9.1 s to import on this 2-core machine under load
# (`python -X importtime -c "import stable_baselines3"`), which --help and bad arguments must not pay.
import argparse
import os
import sys
import time

DEFAULT_ENV_IDS = [
    "robocue/Reach-MuJoCo-v0",
    "robocue/Push-MuJoCo-v0",
    "robocue/PickAndPlace-MuJoCo-v0",
    "robocue/Reach-PyBullet-v0",
    "robocue/Push-PyBullet-v0",
    "robocue/PickAndPlace-PyBullet-v0",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="output stem: writes OUT.npz and OUT.json")
    parser.add_argument("--env-ids", nargs="+", default=DEFAULT_ENV_IDS, help="table-task env ids, cycled scene by scene")
    parser.add_argument("--scenes", type=int, default=1000, help="number of seeded scenes (default 1000)")
    parser.add_argument("--frames-per-scene", type=int, default=1, help="frames taken along each scene's arm motion (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="scene k is reset with seed SEED+k (default 0)")
    parser.add_argument("--image-size", type=int, default=84, help="policy-camera image size, pixels (default 84)")
    parser.add_argument("--expert-fraction", type=float, default=0.5, help="share of scenes whose arm the scripted expert drives")
    parser.add_argument(
        "--cameras",
        nargs="+",
        default=None,
        help="render every frame from each of these scene cameras, one row each (default: the policy camera; "
        "the modular agent looks through overview and front)",
    )
    parser.add_argument("--domain-randomization", action="store_true", help="jitter colours, light and camera per scene")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    os.environ.setdefault("MUJOCO_GL", "egl")
    import torch

    torch.set_num_threads(1)
    from robocue.perception.detection import DetectionError, check_env_id, dataset_paths, generate_dataset

    try:
        if args.scenes < 1 or args.frames_per_scene < 1:
            raise DetectionError("--scenes and --frames-per-scene must be at least 1")
        if not 0.0 <= args.expert_fraction <= 1.0:
            raise DetectionError(f"--expert-fraction={args.expert_fraction} must be between 0 and 1")
        npz, _ = dataset_paths(args.out)
        npz.parent.mkdir(parents=True, exist_ok=True)  # fail now, not after rendering
        for env_id in args.env_ids:
            check_env_id(env_id)
        started = time.perf_counter()
        dataset = generate_dataset(
            args.env_ids,
            args.scenes,
            seed=args.seed,
            frames_per_scene=args.frames_per_scene,
            image_size=args.image_size,
            domain_randomization=args.domain_randomization or None,
            expert_fraction=args.expert_fraction,
            progress=not args.no_progress,
            cameras=args.cameras,
        )
        dataset.metadata["wall_time_s"] = round(time.perf_counter() - started, 1)
        npz, meta = dataset.save(args.out)
    except (DetectionError, OSError) as error:
        print(f"make_perception_data: error: {error}", file=sys.stderr)
        return 2
    category = dataset.category()
    counts = ", ".join(f"{name} {(category == i).sum()}" for i, name in enumerate(("visible", "occluded", "out of view")))
    print(f"wrote {npz} and {meta}: {len(dataset)} frames in {dataset.metadata['wall_time_s']} s; objects: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
