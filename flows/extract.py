"""The extraction flow: Prefect tasks wired into :func:`pipeline.run.run_incremental`.

The task runner (thread, process or Dask) is chosen by the caller with
``extract_series_flow.with_options(task_runner=...)`` (see :mod:`flows.runners`); the flow only
maps batches over whichever runner it was given and publishes the outputs at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.context import TaskRunContext
from prefect.futures import as_completed

from pipeline.ingest.decoding import InputLimits
from pipeline.ingest.sources import source_name
from pipeline.run import (
    DEFAULT_BATCH_SIZE,
    RunSummary,
    describe_batch,
    extract_paths,
    fingerprint_sources,
    request_stop,
    run_incremental,
)

__all__ = ["ARTIFACT_KEY", "extract_batch", "extract_series_flow"]

# Retries are for transient I/O errors only: a document that cannot be parsed or extracted is
# an error row of its own result, which no retry would change.
RETRIES = 2
RETRY_DELAYS = [1, 5]
ARTIFACT_KEY = "extraction-summary"


def _retry_on_os_error(task, task_run, state) -> bool:
    try:
        state.result()
    except OSError:
        return True
    except BaseException:  # noqa: BLE001 - anything else is not transient
        return False
    return False


def _final_attempt() -> bool:
    context = TaskRunContext.get()
    if context is None:
        return True
    return context.task_run.run_count > context.task.retries


@task(name="fingerprint-sources", retries=RETRIES, retry_delay_seconds=RETRY_DELAYS,
      retry_condition_fn=_retry_on_os_error)
def _fingerprint_task(paths: list[str], root: str) -> dict[str, str | None]:
    return fingerprint_sources(paths, root, final_attempt=_final_attempt())


@task(name="extract-batch", retries=RETRIES, retry_delay_seconds=RETRY_DELAYS,
      retry_condition_fn=_retry_on_os_error)
def extract_batch(paths: list[str], root: str, limits: dict, settings: dict | None,
                  unchanged: dict[str, dict[str, str]] | None = None,
                  store_dir: str | None = None) -> dict:
    # One task per batch, not per document: Prefect's cost per task run is more than one
    # document's extraction.
    output = extract_paths(paths, root, limits=limits, settings=settings,
                           final_attempt=_final_attempt(), unchanged=unchanged,
                           store_dir=store_dir)
    # Described from the plain data: validating the whole batch again for a log line cost as
    # much as the run's own validation of it.
    get_run_logger().info(describe_batch(output))
    return output


class _PrefectTasks:
    """Executor whose work units are Prefect task runs on the flow's task runner."""

    def fingerprint(self, paths: list[str], root: str) -> dict[str, str | None]:
        # Called, not submitted: hashing is I/O-light and runs in the flow's own process.
        return _fingerprint_task(paths, root)

    # Batches in flight at once. Submitted in waves, not all at once, so that finished
    # results are not all held by their futures until the run ends (memory bounded by the
    # wave, not by the corpus); two per core keeps every worker busy.
    WAVE = 2 * (os.cpu_count() or 1) + 2

    def extract(self, work: list[list[str]], root: str, limits: dict,
                settings: dict | None,
                unchanged: dict[str, dict[str, str]] | None = None,
                store_dir: str | None = None) -> Iterator[dict]:
        try:
            for start in range(0, len(work), self.WAVE):
                batches = work[start:start + self.WAVE]
                # Each batch gets the unchanged documents of its own files only.
                known = [{name: unchanged[name] for name in (source_name(p, root) for p in batch)
                          if name in (unchanged or {})} for batch in batches]
                futures = extract_batch.map(batches, root=unmapped(root),
                                            limits=unmapped(limits),
                                            settings=unmapped(settings), unchanged=known,
                                            store_dir=unmapped(store_dir))
                for future in as_completed(futures):
                    yield future.result()
                del futures
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM) or failed: batches still running in this
            # process's threads stop at their next document, so the run ends in seconds.
            request_stop()
            raise


@flow(name="extract-motorsport-series")
def extract_series_flow(
    input_dir: str = "raw",
    output_dir: str = "output",
    batch_size: int = DEFAULT_BATCH_SIZE,
    full: bool = False,
    max_bytes: int | None = None,
    component_settings: dict | None = None,
    source_format: str | None = None,
    wikiextractor_dump: str | None = None,
) -> RunSummary:
    """Bring ``output_dir`` up to date with ``input_dir``; ``full`` re-extracts everything;
    sources larger than ``max_bytes`` are rejected (default: ``data/input_limits.json``);
    ``source_format``: the layout sources are read as (default: auto, from each file);
    ``wikiextractor_dump``: the dump wikiextractor's output was made from, joined with it;
    ``component_settings``: the components' data files of your own, by component (default:
    the packaged ones)."""
    summary = run_incremental(
        input_dir, output_dir, executor=_PrefectTasks(), batch_size=batch_size, full=full,
        limits=InputLimits.from_options(max_bytes, source_format, wikiextractor_dump),
        settings=component_settings,
        # Two batches per core at least, so no worker idles while another has a long batch.
        min_batches=2 * (os.cpu_count() or 1), log=get_run_logger(),
    )
    create_markdown_artifact(
        key=ARTIFACT_KEY, markdown=summary.markdown(),
        description="documents new, changed, unchanged, removed and failed",
    )
    return summary
