"""Argument types shared by the commands (argparse ``type=`` callables).

A bad value raises ``argparse.ArgumentTypeError``, which argparse reports as a usage error
(exit 2) naming the option.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["existing_dir", "existing_file", "positive_int"]


def existing_dir(value: str) -> str:
    if not Path(value).is_dir():
        raise argparse.ArgumentTypeError(f"not a folder: {value}")
    return value


def existing_file(value: str) -> str:
    if not Path(value).is_file():
        raise argparse.ArgumentTypeError(f"not a file: {value}")
    return value


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number
