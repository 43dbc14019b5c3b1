"""Finding and opening source files: only regular files under the input folder are read.

An input folder is shared with whoever drops files into it, so listing and opening are
defensive. A symlink is followed only when its target lies inside the input folder (a link to
``/etc/passwd`` or to a folder elsewhere is rejected, not read), hidden files and folders are
skipped, and anything that is not a regular file (a named pipe would block the read forever, a
device would never end) is rejected with its kind named. A rejection is a :class:`SourceRejected`
carrying the reason; the run turns it into an ``errors`` row for that source.

Opening re-checks everything (the folder may change between listing and reading) and uses
``O_NONBLOCK`` so that even a file swapped for a named pipe cannot block the run. Reading keeps
at most ``max_bytes`` in memory however large the file, while hashing all of it, so an
oversized file is rejected without being loaded and its fingerprint stays exact.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "SourceBytes", "SourceRejected", "fingerprint", "list_sources", "name_problem", "open_source",
    "read_source", "rejected_fingerprint", "source_name",
]

CHUNK = 1 << 20

_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


class SourceRejected(Exception):
    """A path under the input folder that must not be read; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def source_name(path: Path | str, root: Path | str) -> str:
    """The source's name: its path relative to the input folder, with ``/`` separators.

    A file name that is not valid UTF-8 (Python holds its bytes as lone surrogates) is shown
    with those bytes escaped (``caf\\xe9.txt``), so the name can be written to JSON and Parquet;
    such a file is rejected (:func:`name_problem`).
    """
    name = Path(os.path.relpath(path, root)).as_posix()
    if name_problem(name):
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name


def name_problem(path: Path | str) -> str | None:
    """Why a path cannot name a source, or None: its name must be valid UTF-8 to appear in
    the outputs as itself, and renaming it is the only fix."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return ("the file name is not valid UTF-8 (its bytes are shown escaped): rename the "
                "file to read it")
    return None


def _hidden(name: str) -> bool:
    return name.startswith(".")


def list_sources(input_dir: Path | str, exclude: Path | str | None = None) -> list[Path]:
    """Every non-hidden entry below ``input_dir`` that is or claims to be a file, sorted.

    Files are not filtered by extension or kind here: a stray binary file, a symlink out of the
    folder or a named pipe is listed so that the run reports it as an error row rather than
    skipping it silently, and so is a folder that cannot be listed. Symlinked folders are not
    descended into (a loop would never end); one that points outside the folder is listed, to
    be rejected; one inside is skipped, since its files are listed under their real path.
    ``exclude`` is a folder left out (a run's output folder placed inside its input folder).
    """
    root = Path(input_dir)
    real_root = root.resolve()
    excluded = Path(exclude).resolve() if exclude is not None else None
    found: list[Path] = []

    def unlistable(error: OSError) -> None:
        if error.filename is None or Path(error.filename) == root:
            raise error  # the input folder itself: the run cannot start
        found.append(Path(error.filename))  # rejected when opened, with the reason

    for folder, dirnames, filenames in os.walk(root, onerror=unlistable, followlinks=False):
        here = Path(folder)
        kept = []
        for name in sorted(dirnames):
            if _hidden(name) or (here / name).resolve() == excluded:
                continue
            path = here / name
            if path.is_symlink():
                target = _link_target(path)
                if target is None or not _inside(target, real_root):
                    found.append(path)  # rejected when opened, with the reason
            else:
                kept.append(name)
        dirnames[:] = kept
        found.extend(here / name for name in filenames if not _hidden(name))
    return sorted(found, key=lambda p: source_name(p, root))


def _inside(path: Path, real_root: Path) -> bool:
    return path == real_root or path.is_relative_to(real_root)


def _link_target(path: Path) -> Path | None:
    """Where a symlink finally points, or None when it is broken or loops."""
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target; a loop (RuntimeError before 3.13)
        return None


def _check_path(path: Path, root: Path) -> Path:
    """The real path to open, or :class:`SourceRejected`."""
    real_root = Path(root).resolve()
    if path.is_symlink():
        target = _link_target(path)
        if target is None:
            raise SourceRejected(f"broken symlink: its target {os.readlink(path)!r} cannot be "
                                 "reached (missing, or a loop of links)")
        if not _inside(target, real_root):
            raise SourceRejected(
                f"symlink to {target} outside the input folder {real_root}: not read")
        return target
    real = path.resolve()
    if not _inside(real, real_root):
        raise SourceRejected(f"{real} is outside the input folder {real_root}: not read")
    return real


@contextmanager
def open_source(path: Path | str, root: Path | str) -> Iterator[BinaryIO]:
    """Open a regular file under ``root`` for reading, or raise :class:`SourceRejected`.

    OSError (a file removed meanwhile, a transient I/O failure) is raised as it is, so that the
    caller can retry.
    """
    real = _check_path(Path(path), Path(root))
    # O_NOFOLLOW: ``real`` has no symlink left, so one appearing now is refused; O_NONBLOCK: a
    # named pipe opens without waiting for a writer (and is then rejected by its kind).
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        if exc.errno == getattr(os, "ELOOP", None):
            raise SourceRejected("the file was replaced by a symlink while the run read the "
                                 "folder: not read") from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            try:
                os.listdir(real)
            except OSError as exc:
                raise SourceRejected(f"a folder that cannot be listed ({exc.strerror}): its "
                                     "files are not read") from None
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise SourceRejected(f"{kind}, not a regular file: not read")
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


@dataclass(frozen=True)
class SourceBytes:
    """A source file as read: its size and sha256 (of all of it) and its bytes, or None when
    it is larger than the limit it was read with."""

    size: int
    sha256: str
    data: bytes | None


def read_source(path: Path | str, root: Path | str, max_bytes: int) -> SourceBytes:
    """Read a source, holding at most ``max_bytes`` of it in memory."""
    return _read(path, root, max_bytes)


# The read loop of read_source and fingerprint, apart from both so that a read can be made to
# fail (tests/system/test_flow.py) without failing the fingerprints.
def _read(path: Path | str, root: Path | str, max_bytes: int) -> SourceBytes:
    digest = hashlib.sha256()
    kept: list[bytes] = []
    size = 0
    with open_source(path, root) as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if size + len(chunk) <= max_bytes:  # past the limit nothing is kept
                kept.append(chunk)
            size += len(chunk)
    data = b"".join(kept) if size <= max_bytes else None
    return SourceBytes(size=size, sha256=digest.hexdigest(), data=data)


def fingerprint(path: Path | str, root: Path | str) -> str:
    """The sha256 of a source's bytes; for a rejected path, a stable fingerprint of the reason
    (so an unchanged rejection is not recomputed on every run, and a changed one is)."""
    try:
        return _read(path, root, max_bytes=0).sha256  # hashed, nothing kept
    except SourceRejected as exc:
        return rejected_fingerprint(exc.reason)


def rejected_fingerprint(reason: str) -> str:
    return "rejected:" + hashlib.sha256(reason.encode("utf-8")).hexdigest()[:32]
