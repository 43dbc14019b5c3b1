"""The extraction flow: list the input folder, extract in batches, write the outputs."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped

from pipeline.extract import process_batch
from pipeline.records import DocumentResult
from pipeline.run import RunSummary, batches, list_sources
from pipeline.writer import write_outputs

DEFAULT_BATCH_SIZE = 64


@task(name="extract-batch", retries=2, retry_delay_seconds=[1, 5])
def extract_batch(paths: list[str], root: str) -> list[dict]:
    # One task per batch, not per document: Prefect's per-task overhead is tens of ms.
    results = process_batch(paths, root)
    failed = sum(1 for r in results if r["record"] is None)
    get_run_logger().info("batch of %d documents: %d failed", len(results), failed)
    return results


@task(name="write-outputs")
def write_task(results: list[DocumentResult], output_dir: str) -> dict[str, int]:
    return write_outputs(results, Path(output_dir))


@flow(name="extract-motorsport-series")
def extract_series_flow(
    input_dir: str = "raw", output_dir: str = "output", batch_size: int = DEFAULT_BATCH_SIZE
) -> RunSummary:
    sources = [str(p) for p in list_sources(Path(input_dir))]
    futures = extract_batch.map(list(batches(sources, batch_size)), root=unmapped(input_dir))
    results = [DocumentResult.model_validate(item) for f in futures for item in f.result()]
    rows = write_task(results, output_dir)
    written = sum(1 for r in results if r.ok)
    return RunSummary(
        input_dir=input_dir,
        output_dir=output_dir,
        documents_read=len(results),
        documents_written=written,
        documents_failed=len(results) - written,
        error_rows=rows["errors"],
        rows=rows,
    )
