"""Command-line progress of a run: documents done/total, rate and ETA, on stderr.

The command line installs a bar with :func:`reporting`; the run reports through
:func:`current`, which is a no-op unless a bar is installed (a served flow, a test, a run whose
stderr is not a terminal, or ``--quiet``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["Reporter", "current", "reporting", "wanted"]


class Reporter:
    """Does nothing; the interface a run reports progress through."""

    def start(self, total: int, completed: int = 0) -> None:
        pass

    def advance(self, documents: int) -> None:
        pass

    def stop(self) -> None:
        pass


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("  -- docs/s" if speed is None else f"{speed:5.1f} docs/s")


class _BarReporter(Reporter):
    """A rich progress bar (rich ships with Prefect)."""

    def __init__(self, stream: TextIO) -> None:
        self.progress = Progress(
            TextColumn("extracting"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self.task = None
        self._lent: list[tuple[logging.Handler, Console]] = []

    def start(self, total: int, completed: int = 0) -> None:
        self._borrow_log_consoles()
        self.progress.start()
        # Reused documents count as done from the start; the rate and ETA are those of the
        # documents extracted by this run.
        self.task = self.progress.add_task("extract", total=total, completed=completed)

    def advance(self, documents: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, documents)

    def stop(self) -> None:
        self.progress.stop()
        for handler, console in self._lent:
            handler.console = console
        self._lent = []

    def _borrow_log_consoles(self) -> None:
        """Make log handlers that print through a rich console (Prefect's console handler) print
        through the bar's console, so that log lines scroll above the bar instead of through it.
        """
        self._lent = []
        loggers = [logging.getLogger()] + [
            logger for logger in logging.Logger.manager.loggerDict.values()
            if isinstance(logger, logging.Logger)
        ]
        for logger in loggers:
            for handler in logger.handlers:
                if isinstance(getattr(handler, "console", None), Console):
                    self._lent.append((handler, handler.console))
                    handler.console = self.progress.console


_current: Reporter = Reporter()


def current() -> Reporter:
    return _current


def wanted(quiet: bool, stream: TextIO | None = None) -> bool:
    """A bar only for a person watching: not under ``--quiet``, not into a file or a pipe."""
    stream = stream if stream is not None else sys.stderr
    return not quiet and hasattr(stream, "isatty") and stream.isatty()


@contextmanager
def reporting(enabled: bool, stream: TextIO | None = None) -> Iterator[Reporter]:
    """Install a progress bar on ``stream`` (stderr) for the duration of a run."""
    global _current
    previous = _current
    _current = _BarReporter(stream if stream is not None else sys.stderr) if enabled else Reporter()
    try:
        yield _current
    finally:
        _current.stop()
        _current = previous
