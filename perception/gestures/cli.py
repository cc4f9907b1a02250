"""``python -m robocue.perception.gestures train|eval|render``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from robocue.perception.gestures.encoder import (
    DEFAULT_WEIGHTS,
    GestureEncoder,
)
from robocue.perception.gestures.generator import (
    sample_clip,
    sample_dataset,
)
from robocue.perception.gestures.rendering import (
    render_clip,
)
from robocue.perception.gestures.training import (
    evaluate_gesture_encoder,
    train_gesture_encoder,
)


def main(argv: list[str] | None = None) -> int:
    """``python -m robocue.perception.gestures train|eval|render ...``."""
    parser = argparse.ArgumentParser(prog="python -m robocue.perception.gestures", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    train = sub.add_parser("train", help="train the gesture encoder from scratch and print its metrics")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--steps", type=int, default=1200)
    train.add_argument("--batch-size", type=int, default=32)
    train.add_argument("--eval-clips", type=int, default=300)
    train.add_argument("--out", type=Path, default=None, help="where to save the weights")
    evaluate = sub.add_parser("eval", help="metrics of saved weights (default: the shipped ones)")
    evaluate.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--eval-clips", type=int, default=300)
    render = sub.add_parser("render", help="write a generated clip as .npy and .mp4")
    render.add_argument("out", type=Path, help="output path without extension")
    render.add_argument("--performer", type=int, default=1)
    render.add_argument("--seed", type=int, default=0)
    render.add_argument("--gestures", nargs="*", default=None)
    args = parser.parse_args(argv)
    if args.action == "train":
        encoder, metrics = train_gesture_encoder(
            seed=args.seed, steps=args.steps, batch_size=args.batch_size, eval_clips=args.eval_clips, log_every=100
        )
        if args.out is not None:
            encoder.save(args.out)
        print(json.dumps(metrics, indent=2))
    elif args.action == "eval":
        torch.set_num_threads(1)
        encoder = GestureEncoder.load(args.weights)
        metrics = {
            "train": evaluate_gesture_encoder(encoder, sample_dataset("train", args.eval_clips, seed=10_000 + args.seed)),
            "heldout": evaluate_gesture_encoder(encoder, sample_dataset("heldout", args.eval_clips, seed=20_000 + args.seed)),
        }
        print(json.dumps(metrics, indent=2))
    else:
        clip = sample_clip(np.random.default_rng(args.seed), args.performer, args.gestures)
        np.save(args.out.with_suffix(".npy"), clip.landmarks)
        render_clip(clip, args.out.with_suffix(".mp4"))
        print(json.dumps({"segments": clip.segments, "command": clip.command}))
    return 0
