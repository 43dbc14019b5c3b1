"""Entry point of the memory subprocess of ``python -m pipeline bench`` (internal)."""

import os
import sys

from .measure import memory_child

__all__: list[str] = []

if sys.argv[1:2] == ["--memory-child"]:
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    memory_child(*sys.argv[2:5])
else:
    sys.exit("usage: python -m pipeline bench (this module's own entry is internal)")
