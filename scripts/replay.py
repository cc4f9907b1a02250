"""Record a run as video: ``python scripts/replay.py RUN_DIR [--episodes N] [--seed S] [--out FILE.mp4]`` (same as ``robocue replay``)."""

import sys

from robocue.scripts.cli import main

if __name__ == "__main__":
    sys.exit(main(["replay", *sys.argv[1:]]))
