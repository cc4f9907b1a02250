"""``python -m robocue.perception.gestures``: see :mod:`robocue.perception.gestures.cli`."""

from robocue.perception.gestures.cli import main

raise SystemExit(main())
