"""Argument types shared by the commands (argparse ``type=`` callables).

A bad value raises ``argparse.ArgumentTypeError``, which argparse reports as a usage error
(exit 2) naming the option.
"""

from __future__ import annotations

import argparse
import bz2
from pathlib import Path

__all__ = ["existing_dir", "mediawiki_dump", "positive_int"]

HEAD_BYTES = 4096  # how much of a dump's start is looked at for its <mediawiki> element


def existing_dir(value: str) -> str:
    if not Path(value).is_dir():
        raise argparse.ArgumentTypeError(f"not a folder: {value}")
    return value


def mediawiki_dump(value: str) -> str:
    """A file that starts as a MediaWiki XML export does (``.xml``, or bzip2-compressed)."""
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"not a file: {value}")
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        if head.startswith(b"BZh"):
            head = bz2.BZ2Decompressor().decompress(head, max_length=HEAD_BYTES)
    except (OSError, EOFError) as exc:
        raise argparse.ArgumentTypeError(f"cannot read {value}: {exc}") from None
    if b"<mediawiki" not in head:
        raise argparse.ArgumentTypeError(
            f"not a MediaWiki XML dump (no <mediawiki> element at its start): {value}")
    return value


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number
