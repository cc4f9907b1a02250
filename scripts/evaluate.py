"""Evaluate a run: ``python scripts/evaluate.py RUN_DIR [--episodes N] [--seed S] [--out FILE]`` (same as ``robocue eval``)."""

import sys

from robocue.scripts.cli import main

if __name__ == "__main__":
    sys.exit(main(["eval", *sys.argv[1:]]))
