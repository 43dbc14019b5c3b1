"""Task runners a run can use: ``thread``, ``process`` or ``dask`` (names in ``flows.RUNNERS``).

spaCy holds the GIL while it tokenizes and matches, so threads give no parallelism to the
extraction itself; processes do, but each worker process first pays its start-up (imports, the
spaCy pipeline, dateparser's language data, cold caches; measured in docs/benchmark.md, "Task
runners"). A process or Dask worker builds the spaCy pipeline once and keeps it for every batch
it runs (``pipeline.nlp.get_nlp`` is cached per process).
"""

from __future__ import annotations

import os

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from . import DEFAULT_RUNNER, RUNNERS

__all__ = ["make_task_runner"]


def _default_workers() -> int:
    return os.cpu_count() or 1


def make_task_runner(
    kind: str = DEFAULT_RUNNER, workers: int | None = None, dask_address: str | None = None
) -> TaskRunner:
    """The task runner for ``kind``; ``dask_address`` connects to an existing Dask cluster,
    otherwise a ``LocalCluster`` of ``workers`` single-threaded processes is started and
    closed with the flow run."""
    if dask_address and kind != "dask":
        raise ValueError("a Dask address needs the dask runner")
    workers = workers or _default_workers()
    if kind == "thread":
        return ThreadPoolTaskRunner(max_workers=workers)
    if kind == "process":
        return ProcessPoolTaskRunner(max_workers=workers)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(
            cluster_class="distributed.LocalCluster",
            # One thread per worker process: the work is CPU-bound and holds the GIL.
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                            "dashboard_address": None},
        )
    raise ValueError(f"unknown runner {kind!r}; expected one of {', '.join(RUNNERS)}")
