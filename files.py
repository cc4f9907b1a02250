"""Small file utilities on robocue's lowest floor, for every package above it."""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from robocue.configs import ConfigError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_output_path(path: str | Path, what: str = "--out") -> Path:
    """Refuses, before any work, an output path that is not a regular file or a new name in a
    writable folder: a folder, symlink, FIFO or device there stays untouched.

    Raises:
        ConfigError: one line naming ``what`` and the path.
    """
    path = Path(path)
    if path.is_symlink():
        raise ConfigError(f"{what} {str(path)!r} is a symbolic link; robocue writes regular files only (give the real path)")
    if path.exists():
        if path.is_dir():
            raise ConfigError(f"{what} {str(path)!r} is a folder; give a file name")
        if not path.is_file():
            raise ConfigError(f"{what} {str(path)!r} exists and is not a regular file (a device, FIFO or socket); refused")
    folder = path.parent
    while not folder.exists():  # the nearest folder that exists must let us create the rest
        folder = folder.parent
    if not folder.is_dir():
        raise ConfigError(f"{what} {str(path)!r}: {str(folder)!r} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"{what} {str(path)!r}: the folder {str(folder)!r} is not writable")
    return path


@contextmanager
def atomic_path(path: Path):
    """Yields a temporary path in the same folder, moved over ``path`` only on success.

    Refuses a ``path`` that is a folder, symlink, FIFO or device (the rename would replace it);
    the file gets the permissions the umask gives a new file (not mkstemp's 0600).
    """
    path = check_output_path(path, "output")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, 0o666 & ~_umask())
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_json(path: Path, data) -> None:
    """Writes ``data`` as indented JSON, atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2) + "\n")
