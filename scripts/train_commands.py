"""Retrain robocue's shipped command encoders (perception/weights/language.pt, gesture.pt).

    python scripts/train_commands.py --only language --out-dir /tmp/weights
    git show 2b61d07:perception/weights/gesture.pt > /tmp/gesture_v1.pt
    python scripts/train_commands.py --only gesture --gesture-init /tmp/gesture_v1.pt   # the shipped gesture weights

The shipped gesture encoder was fine-tuned from the first shipped weights (feature version
1, commit 2b61d07) on the widened generator: 400 steps at a peak learning rate of 1e-3.
Without --gesture-init it trains from scratch (1200 steps at 3e-3 unless told otherwise).

Each prints its accuracy on the held-out splits (docs/commands.md has the shipped numbers).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

WEIGHTS = Path(__file__).resolve().parent.parent / "perception" / "weights"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("language", "gesture"), help="train just this encoder (default: both)")
    parser.add_argument("--seed", type=int, default=0, help="training seed (default: 0, as shipped)")
    parser.add_argument("--out-dir", type=Path, default=WEIGHTS, help=f"where the .pt files go (default: {WEIGHTS})")
    parser.add_argument("--gesture-init", type=Path, help="start the gesture encoder from these weights (version 1 files too)")
    parser.add_argument("--gesture-steps", type=int, help="gesture training steps (default: 400 with --gesture-init, else 1200)")
    parser.add_argument("--gesture-lr", type=float, help="gesture peak learning rate (default: 1e-3 with --gesture-init, else 3e-3)")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "language"):
        from robocue.perception.language import train_language_encoder

        _, results = train_language_encoder(seed=args.seed, steps=1500, save_path=args.out_dir / "language.pt")
        print("language:", json.dumps(results))
    if args.only in (None, "gesture"):
        from robocue.perception.gestures import train_gesture_encoder

        if args.gesture_init is not None and not args.gesture_init.is_file():
            parser.error(f"--gesture-init {str(args.gesture_init)!r}: no such file")
        warm = args.gesture_init is not None
        steps = args.gesture_steps or (400 if warm else 1200)
        lr = args.gesture_lr or (1e-3 if warm else 3e-3)
        encoder, metrics = train_gesture_encoder(seed=args.seed, steps=steps, lr=lr, init=args.gesture_init, log_every=25)
        encoder.save(args.out_dir / "gesture.pt")
        print("gesture:", json.dumps(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
