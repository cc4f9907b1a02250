"""robocue: train robots that follow human commands, in MuJoCo and PyBullet.

The repository's top-level folders are this package's subpackages (``pyproject.toml`` maps
them with setuptools' ``package-dir``): ``robocue.envs`` (importing it registers the
``robocue/...`` Gymnasium ids), ``robocue.perception``, ``robocue.policies``,
``robocue.agents``, ``robocue.configs`` and ``robocue.scripts`` (the ``robocue`` command).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("robocue")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
