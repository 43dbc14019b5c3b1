"""``python -m pipeline bench``: figures (a) to (e) over a synthetic corpus, and their targets.

One process, one run, over a synthetic corpus (:mod:`pipeline.tools.synthetic`) written to a
temporary folder outside the repository. Each figure is the median of ``repeat`` repetitions:

(a) ``spacy.blank("en")`` tokenizer over the texts with ``nlp.pipe``: the floor of any spaCy
    pipeline;
(b) ``extract_document`` over the read documents: rules, validation, record building;
(c) the ``run`` command end to end (flow, extraction, writing), each repetition into a fresh
    output folder; the flow engine's start-up is timed once, on a trivial flow, beforehand;
(d) the same run again over the unchanged input and output;
(e) peak memory of (c) at N and at 10xN documents, each in a fresh subprocess.

Breakdown figures (reading, writing, each pipeline component) explain where the time goes. No
figure is asserted anywhere; targets are reported as met or missed with the gap.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from .measure import (
    component_seconds,
    extraction_profile,
    flow_startup,
    log,
    machine,
    matcher_seconds,
    measure_memory,
    run_command,
    speed_figures,
    timed,
    timed_in_turn,
)

__all__ = ["run_benchmark"]

TARGETS = {
    # name: (description, comparison, threshold)
    "b_over_a": ("extraction speed / tokenizer speed", ">=", 0.50),  # issue 16
    "c_per_doc_over_b": ("flow cost per document / extraction cost per document", "<=", 1.15),
    "d_over_c": ("unchanged re-run time / flow run time", "<=", 0.03),
    "memory_10n_over_n": ("peak memory at 10xN / at N", "<=", 1.2),
}
# Documents profiled for the (b) breakdown: profiling slows everything down, so a sample.
PROFILE_SAMPLE = 200


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def run_benchmark(
    n_docs: int = 2000,
    seed: int = 0,
    repeat: int = 3,
    raw_dir: Path = Path("raw"),
    memory_scale: int = 10,
    batch_size: int | None = None,
    keep: bool = False,
    memory_docs: int | None = None,
) -> dict:
    import spacy

    from ...extract import extract_document
    from ...ingest.reader import read_file
    from ...nlp import get_nlp
    from ...store.writer import write_outputs
    from ..synthetic import write_corpus

    work = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        log(f"corpus: {n_docs} documents (seed {seed}) in {work}")
        corpus = work / "corpus"
        paths = write_corpus(raw_dir, corpus, n_docs, seed)
        documents = [read_file(p, corpus) for p in paths]
        texts = [d.text for d in documents]
        words = sum(len(t.split()) for t in texts)
        docs = len(documents)

        def timing(times):
            return speed_figures(times, docs, words)

        figures: dict = {
            "machine": machine(),
            "corpus": {"docs": docs, "words": words, "seed": seed, "templates_dir": str(raw_dir),
                       "bytes": sum(len(t.encode()) for t in texts)},
            "repeat": repeat,
            "notes": [],
        }

        blank = spacy.blank("en")
        list(blank.pipe(texts[:20]))

        def tokenize_all():
            for _ in blank.pipe(texts):
                pass

        log("(r) reading (not part of b)")
        data = [p.read_bytes() for p in paths]
        from ...ingest.reader import read_bytes

        figures["read"] = timing(timed(
            lambda: [read_bytes(b, source=p.name) for b, p in zip(data, paths)], repeat))

        log("(a) spaCy blank('en') tokenizer and (b) extraction in-process, in turn")
        get_nlp()
        for document in documents[:5]:
            extract_document(document)  # warm-up: lazy imports, first-call set-up
        results: list = []

        def extract_all():
            results[:] = [extract_document(d) for d in documents]

        a_times, b_times = timed_in_turn([tokenize_all, extract_all], repeat)
        figures["a_tokenizer"] = timing(a_times)
        figures["b_extraction"] = timing(b_times)
        figures["b_extraction"]["documents_ok"] = sum(1 for r in results if r.ok)
        figures["b_extraction"]["error_rows"] = sum(len(r.errors) for r in results)

        log("(b) breakdown per pipeline component")
        steps = component_seconds(documents)
        b_median = figures["b_extraction"]["median_s"]
        figures["b_breakdown_s"] = {
            **steps,
            # derived: b minus the pipeline steps timed one by one
            "records_and_validation": b_median - sum(steps.values()),
        }

        log(f"(b) profile over {min(docs, PROFILE_SAMPLE)} documents")
        sample = documents[:PROFILE_SAMPLE]
        figures["b_profile"] = extraction_profile(sample)
        figures["b_profile"]["matcher_seconds"] = matcher_seconds(sample)
        blank_start = time.perf_counter()
        for _ in blank.pipe(d.text for d in sample):
            pass
        figures["b_profile"]["tokenizer_floor_seconds"] = time.perf_counter() - blank_start

        log("(w) writing JSON and Parquet (not part of b)")
        write_dirs = iter(range(repeat))
        figures["write"] = timing(timed(
            lambda: write_outputs(results, work / f"write-{next(write_dirs)}"), repeat))

        log("(s) results shipped between processes, as the flow does (not part of b)")
        from ...contract.tables import DocumentResult

        figures["ship"] = timing(timed(
            lambda: [DocumentResult.model_validate(r.model_dump(mode="json")) for r in results],
            repeat))
        results.clear()  # free them before the runs

        log("(c) flow engine start-up")
        figures["flow_startup"] = flow_startup()

        log("(c) run end to end into a fresh folder, then (d) the same run again, in turn")
        outputs = iter(range(repeat))
        last_out: list[Path] = []
        c_codes, d_codes = [], []

        def run_fresh():
            out = work / f"out-c-{next(outputs)}"
            last_out[:] = [out]
            c_codes.append(run_command(corpus, out, batch_size))

        def run_again():
            d_codes.append(run_command(corpus, last_out[0], batch_size))

        c_times, d_times = timed_in_turn([run_fresh, run_again], repeat)
        figures["c_flow"] = timing(c_times)
        figures["c_flow"]["exit_codes"] = c_codes
        figures["c_flow"]["documents_written"] = len(list((last_out[0] / "json").rglob("*.json")))
        figures["d_rerun"] = timing(d_times)
        figures["d_rerun"]["exit_codes"] = d_codes

        base = memory_docs or n_docs
        log(f"(e) peak memory at {base} and {base * memory_scale} documents (subprocesses)")
        memory = {}
        for label, size in (("n", base), ("scaled", base * memory_scale)):
            folder = corpus if size == n_docs else work / f"corpus-{size}"
            if size != n_docs:
                write_corpus(raw_dir, folder, size, seed)
            result = measure_memory(folder, work / f"out-mem-{label}", work / f"mem-{label}.log")
            result["docs"] = size
            memory[label] = result
        figures["e_memory"] = {"scale": memory_scale, **memory}
    finally:
        if keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    figures["load_average_1m_at_end"] = machine().get("load_average_1m")
    cpus = figures["machine"].get("cpus_available") or figures["machine"]["cpus"] or 1
    loads = [figures["machine"].get("load_average_1m"), figures["load_average_1m_at_end"]]
    if any(load is not None and load > cpus for load in loads):
        figures["notes"].append(
            f"the machine was busy (1-minute load {loads[0]} at start, {loads[1]} at end on "
            f"{cpus} cpus): other processes shared the cpus, so the times are noisy")
    figures["ratios"] = _ratios(figures)
    figures["targets"] = _targets(figures["ratios"])
    return figures


def _memory_peak(result: dict) -> int:
    return result.get("tree_peak_rss_bytes") or result["peak_rss_bytes"]


def _ratios(figures: dict) -> dict:
    a = figures["a_tokenizer"]["median_s"]
    b = figures["b_extraction"]["median_s"]
    c = figures["c_flow"]["median_s"]
    d = figures["d_rerun"]["median_s"]
    memory = figures["e_memory"]
    return {
        # speed ratios (higher is faster): time of a over time of x
        "b_over_a": _ratio(a, b),
        "c_over_a": _ratio(a, c),
        # cost ratios (lower is cheaper)
        "c_per_doc_over_b": _ratio(c, b),
        "d_over_c": _ratio(d, c),
        # All the memory the run needs: the process tree (the run, the flow engine's server,
        # any worker processes), sampled; without psutil, the run process's own peak.
        "memory_10n_over_n": _ratio(_memory_peak(memory["scaled"]), _memory_peak(memory["n"])),
        "memory_run_process_10n_over_n": _ratio(memory["scaled"]["peak_rss_bytes"],
                                                memory["n"]["peak_rss_bytes"]),
    }


def _targets(values: dict) -> dict:
    out = {}
    for name, (description, comparison, threshold) in TARGETS.items():
        value = values.get(name)
        met = None
        if value is not None:
            met = value >= threshold if comparison == ">=" else value <= threshold
        out[name] = {"description": description, "target": f"{comparison} {threshold}",
                     "value": value, "met": met}
    return out
