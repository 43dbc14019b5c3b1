"""Writing a file atomically: to a temporary file beside it, then ``os.replace``d into place,
with the mode a plain ``open()`` would give it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["FILE_MODE", "atomic_write_bytes", "write_temporary"]


def _file_mode() -> int:
    # mkstemp creates files readable by their owner only; outputs get the mode a plain
    # open() would give them (0o666 less the process umask).
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()


def write_temporary(path: Path, data: bytes | Iterable[bytes]) -> Path:
    """``data`` (or its parts, written as they come) in a new temporary file beside ``path``,
    on disk; ``os.replace`` it into place. Nothing is left behind when writing fails (a full
    disk)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            for part in [data] if isinstance(data, bytes) else data:
                handle.write(part)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write_bytes(path: Path, data: bytes | Iterable[bytes]) -> None:
    tmp = write_temporary(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
