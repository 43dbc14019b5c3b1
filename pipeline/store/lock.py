"""One run per output folder: an exclusive lock on ``OUTPUT/.pipeline.lock``.

Two runs writing one folder would publish each other's half-written files (a second run
failed with ``FileNotFoundError`` on the first one's temporary file). The lock is an
``fcntl.flock`` on a file in the folder: the kernel releases it when its holder exits, however
it exits, so a crashed run never leaves the folder locked. The file is created once and never
written (an unchanged re-run rewrites nothing in the folder); the run that finds the folder
taken names the holding process from the kernel's lock table (``/proc/locks``, where there is
one).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["LOCK_FILE", "OutputInUse", "output_lock"]

LOCK_FILE = ".pipeline.lock"


class OutputInUse(RuntimeError):
    """The output folder is locked by another run."""

    def __init__(self, output_dir: Path, holder: int | None) -> None:
        self.output_dir, self.holder = output_dir, holder
        who = f"process {holder}" if holder else "another process"
        super().__init__(
            f"{output_dir} is in use by another run ({who}); wait for it to finish or write to "
            "another --out folder"
        )


@contextmanager
def output_lock(output_dir: Path | str) -> Iterator[None]:
    """Hold the output folder's lock for the block; ``OutputInUse`` at once if another run
    holds it (waiting could outlast a schedule's next run)."""
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputInUse(folder, _holder(os.fstat(fd))) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _holder(stat: os.stat_result) -> int | None:
    """The pid holding a flock on the file, from /proc/locks ("1: FLOCK ADVISORY WRITE 4242
    00:2f:1234 0 EOF"); None where the table is not there or does not say."""
    try:
        lines = Path("/proc/locks").read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return None
    wanted = (os.major(stat.st_dev), os.minor(stat.st_dev), stat.st_ino)
    for line in lines:
        fields = line.split()
        if len(fields) < 6 or fields[1] != "FLOCK" or fields[2] == "->":
            continue
        try:
            major, minor, inode = fields[5].split(":")
            if (int(major, 16), int(minor, 16), int(inode)) == wanted:
                return int(fields[4])
        except ValueError:
            continue
    return None
