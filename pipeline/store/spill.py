"""Scratch space on disk for what publishing must remember of every page of a run.

Publishing streams results one document at a time, but a few things must be known of all of
them at the end: the JSON files written (every other file under ``json/`` is stale), the ones
staged to be renamed into place, and each series name's articles (the ``series_index`` table).
A dump of 100,000 pages makes these hundreds of thousands of small Python objects, so a run
keeps them in an SQLite file instead (:class:`Spill`), whose page cache is bounded.

The file is ``OUTPUT_DIR/.state/.publishing.<random>.tmp``: the name of a temporary file, so
that a run killed while publishing leaves one that the next run removes with the other
temporaries (``ResultStore.remove_temporaries``), before it publishes again from the start;
a successful publish deletes it. Nothing in it is durable or read by another run (no journal,
no sync).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Self

__all__ = ["JsonFiles", "Spill"]

# SQLite's page cache for the file, in KiB (the rest stays on disk): SQLite's default size.
# Rows are added near a few places of each table (a page's names, the next JSON file), so a
# larger cache barely helps, and it filled up as a dump's pages were published (8 MB grew
# memory from 10,000 to 30,000 pages).
CACHE_KIB = 2_048


class Spill:
    """An SQLite database in a temporary file of ``folder`` (in memory when ``folder`` is
    None), deleted by :meth:`close`. Use as a context manager."""

    def __init__(self, folder: Path | str | None = None) -> None:
        self.path: Path | None = None
        if folder is None:
            self.connection = sqlite3.connect(":memory:")
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".publishing.", suffix=".tmp")
        os.close(fd)
        self.path = Path(name)
        self.connection = sqlite3.connect(self.path)
        # A scratch file: a crash loses it on purpose, so no journal and no sync.
        self.connection.execute("PRAGMA journal_mode = OFF")
        self.connection.execute("PRAGMA synchronous = OFF")
        self.connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")

    def close(self) -> None:
        self.connection.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()
        if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) in (
                sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
            # Told as the run tells any full disk (an OSError: "the disk of ... is full").
            raise OSError(errno.ENOSPC, f"No space left on device ({exc})",
                          str(self.path)) from exc


class JsonFiles:
    """The JSON files (names under ``json/``) a publish wrote, and which of them are staged
    (written to their temporary file, not yet renamed into place), in ``spill``."""

    def __init__(self, spill: Spill) -> None:
        self.db = spill.connection
        self.db.execute("CREATE TABLE json_files (name TEXT PRIMARY KEY, staged INTEGER NOT NULL)"
                        " WITHOUT ROWID")

    def add(self, name: str, *, staged: bool) -> None:
        self.db.execute("INSERT OR REPLACE INTO json_files VALUES (?, ?)", (name, int(staged)))

    def __contains__(self, name: object) -> bool:
        return self.db.execute("SELECT 1 FROM json_files WHERE name = ?",
                               (name,)).fetchone() is not None

    def staged(self) -> Iterator[str]:
        """The staged names, in name order (read a thousand at a time; add none meanwhile)."""
        cursor = self.db.execute("SELECT name FROM json_files WHERE staged ORDER BY name")
        while rows := cursor.fetchmany(1_000):
            yield from (name for (name,) in rows)
