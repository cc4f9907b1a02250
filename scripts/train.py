"""Train an agent: ``python scripts/train.py [PRESET|path.yaml] [key=value ...]`` (same as ``robocue train``)."""

import sys

from robocue.scripts.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
