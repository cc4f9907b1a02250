"""Measure env speed: ``python scripts/benchmark.py [--env ID] [--steps N] [--out FILE]`` (same as ``robocue bench``)."""

import sys

from robocue.scripts.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
