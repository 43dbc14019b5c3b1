"""A test hook: stop a run dead at a named point, to prove that a crash there loses nothing.

``PIPELINE_TEST_KILL_AT=PHASE`` in the environment makes the process that reaches ``PHASE``
SIGKILL itself (no clean-up, no ``finally``: as a power cut or the OOM killer would). Read once
at import; when it is not set, :func:`reached` is one comparison. Used by
``tests/system/test_crash.py``; not for production.
"""

from __future__ import annotations

import os
import signal

__all__ = ["CHUNK_STORED", "PHASES", "reached"]

PHASES = (
    "listed",  # the sources are listed and hashed, nothing extracted yet
    "extracting",  # in the process extracting a batch, after its first document
    "checkpointed",  # the driver has stored the first finished batch
    "publishing-json",  # the first JSON file of the run is in place, the rest are not
    "publishing-parquet",  # the first table is in place, the others are not
    "manifest",  # the manifest is written, stale stored results not yet pruned
)

# Reached only by a run over a file stored in chunks (a dump with more documents than
# pipeline.store.incremental.CHUNK_DOCUMENTS): in the process extracting it, after its first
# chunk is stored and before the rest are.
CHUNK_STORED = "chunk-stored"

_KILL_AT = os.environ.get("PIPELINE_TEST_KILL_AT")


def reached(phase: str) -> None:
    """SIGKILL this process if the hook names ``phase``."""
    if _KILL_AT == phase:
        os.kill(os.getpid(), signal.SIGKILL)
