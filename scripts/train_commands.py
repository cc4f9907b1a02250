"""Retrain robocue's shipped command encoders (perception/weights/language.pt, gesture.pt).

    python scripts/train_commands.py                     # both, seed 0, the shipped settings
    python scripts/train_commands.py --only language --out-dir /tmp/weights

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

        encoder, metrics = train_gesture_encoder(seed=args.seed, steps=1200)
        encoder.save(args.out_dir / "gesture.pt")
        print("gesture:", json.dumps(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
