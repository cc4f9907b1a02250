"""Train the object detector, then evaluate it and the OpenCV baseline on held-out scenes.

    python scripts/make_perception_data.py --out runs/perception/train --scenes 2000 --frames-per-scene 2
    python scripts/make_perception_data.py --out runs/perception/test --scenes 1200 --seed 100000
    python scripts/train_perception.py --train runs/perception/train --test runs/perception/test \\
        --out runs/perception/detector.pt

Writes the detector (OUT, a .pt with its config and state_dict) and the metrics (OUT with
.json: CNN and OpenCV side by side, overall and per env id), each complete or not at all.
The test set must come from other seeds than the training set (the script checks).
"""

from __future__ import annotations

# lazy imports in this module: arguments are parsed (and --help answered) before the heavy
# imports; torch with Stable-Baselines3 takes 9.1 s to import on this 2-core machine under load
# (`python -X importtime -c "import stable_baselines3"`), which --help and bad arguments must not pay.
import argparse
import json
import os
import sys
import time
from pathlib import Path


def _per_env(dataset, detections, evaluate) -> dict:
    out = {}
    for index, env_id in enumerate(dataset.metadata["env_ids"]):
        rows = dataset.env_index == index
        if rows.any():
            part = type(detections)(**{k: (v[rows] if v is not None else None) for k, v in vars(detections).items()})
            metrics = evaluate(dataset.subset(rows), part)
            out[env_id] = {k: metrics[k] for k in ("recall_visible", "recall_occluded", "precision", "error_cm")}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True, help="training dataset (stem, .npz or .json)")
    parser.add_argument("--test", required=True, help="held-out dataset, other seeds than --train")
    parser.add_argument("--out", required=True, help="detector file to write, e.g. runs/perception/detector.pt (metrics: same name, .json)")
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (default: DetectorConfig's)")
    parser.add_argument("--width", type=int, default=None, help="channels at half resolution (default: DetectorConfig's)")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--learning-rate", type=float, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--match-cm", type=float, default=5.0, help="a detection within this distance counts as correct (default 5)")
    parser.add_argument("--device", default="cpu", help="torch device (default cpu)")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("MUJOCO_GL", "egl")
    import numpy as np
    import torch

    torch.set_num_threads(1)
    from robocue.files import atomic_path as atomic
    from robocue.perception.detection import (
        DetectionDataset,
        DetectionError,
        DetectorConfig,
        OpenCVDetector,
        evaluate_detections,
        train_detector,
    )

    out = Path(args.out)
    metrics_path = out.with_suffix(".json")
    try:
        if out.suffix != ".pt":
            raise DetectionError(f"--out {str(out)!r} must end in .pt")
        out.parent.mkdir(parents=True, exist_ok=True)
        train = DetectionDataset.load(args.train)
        test = DetectionDataset.load(args.test)
        overlap = set(np.unique(train.seed).tolist()) & set(np.unique(test.seed).tolist())
        if overlap:
            raise DetectionError(
                f"--test shares {len(overlap)} scene seeds with --train (e.g. {min(overlap)}); make it with another --seed"
            )
        overrides = {
            key: value
            for key, value in (
                ("epochs", args.epochs),
                ("width", args.width),
                ("batch_size", args.batch_size),
                ("learning_rate", args.learning_rate),
            )
            if value is not None
        }
        config = DetectorConfig(image_size=int(train.images.shape[1]), seed=args.seed, **overrides)
        started = time.perf_counter()
        detector, history = train_detector(train, config, device=args.device, progress=not args.no_progress)
        train_time = time.perf_counter() - started
        evaluate = lambda d, det: evaluate_detections(d, det, match_cm=args.match_cm)  # noqa: E731
        started = time.perf_counter()
        cnn_detections = detector.predict(test.images)
        cnn_time = time.perf_counter() - started
        baseline = OpenCVDetector()
        started = time.perf_counter()
        cv_detections = baseline.predict(test.images)
        cv_time = time.perf_counter() - started
        metrics = {
            "train": {"path": str(args.train), "frames": len(train), "env_ids": train.metadata["env_ids"], "seed": train.metadata["seed"]},
            "test": {"path": str(args.test), "frames": len(test), "env_ids": test.metadata["env_ids"], "seed": test.metadata["seed"]},
            "detector_config": config.to_dict(),
            "train_wall_time_s": round(train_time, 1),
            "history": history,
            "cnn": {**evaluate(test, cnn_detections), "ms_per_image": 1000 * cnn_time / len(test)},
            "opencv": {**evaluate(test, cv_detections), "ms_per_image": 1000 * cv_time / len(test)},
            "cnn_per_env": _per_env(test, cnn_detections, evaluate),
            "opencv_per_env": _per_env(test, cv_detections, evaluate),
            "torch_threads": torch.get_num_threads(),
        }
        detector.save(out)
        with atomic(metrics_path) as tmp:
            tmp.write_text(json.dumps(metrics, indent=2) + "\n")
    except (DetectionError, OSError, ValueError) as error:  # DetectionError is a ValueError: bad files too
        print(f"train_perception: error: {error}", file=sys.stderr)
        return 2
    for name in ("cnn", "opencv"):
        m = metrics[name]
        print(
            f"{name:>6}: median error {m['error_cm']['median']:.2f} cm (visible), recall visible {m['recall_visible']:.3f}, "
            f"occluded {m['recall_occluded']}, precision {m['precision']:.3f}"
        )
    print(f"wrote {out} and {metrics_path} (training {train_time:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
