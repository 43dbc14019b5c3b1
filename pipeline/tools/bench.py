"""``python -m pipeline bench``: how fast the extraction is, against spaCy's bare tokenizer.

One process, one run, over a synthetic corpus (:mod:`pipeline.synthetic`) written to a temporary
folder outside the repository. Each figure is the median of ``--repeat`` repetitions:

(a) ``spacy.blank("en")`` tokenizer over the texts with ``nlp.pipe``: the floor of any spaCy
    pipeline;
(b) ``extract_document`` over the read documents: rules, validation, record building;
(c) the ``run`` command end to end (flow, extraction, writing), each repetition into a fresh
    output folder; the flow engine's start-up is timed once, on a trivial flow, beforehand;
(d) the same run again over the unchanged input and output;
(e) peak memory of (c) at N and at 10xN documents, each in a fresh subprocess.

Breakdown figures (reading, writing, each pipeline component) explain where the time goes. No
figure is asserted anywhere; targets are reported as met or missed with the gap.

``python -m pipeline bench scaling`` times ``process_source`` on each pathological input
(:mod:`pipeline.pathological`) at n, 2n and 4n characters: time linear in the size shows as a
growth exponent log2(t(4n) / t(2n)) near 1, quadratic time near 2.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..arguments import existing_dir, positive_int

REPO_ROOT = Path(__file__).resolve().parents[2]

TARGETS = {
    # name: (description, comparison, threshold)
    "b_over_a": ("extraction speed / tokenizer speed", ">=", 0.35),
    "c_per_doc_over_b": ("flow cost per document / extraction cost per document", "<=", 1.15),
    "d_over_c": ("unchanged re-run time / flow run time", "<=", 0.03),
    "memory_10n_over_n": ("peak memory at 10xN / at N", "<=", 1.2),
}


# --- helpers -----------------------------------------------------------------------------------


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def _interleaved(actions: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    """Time the actions in turn, ``repeat`` rounds: on a machine whose load changes, each
    figure of a ratio then sees the same conditions."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for action, slot in zip(actions, times):
            slot.extend(_timed(action, 1))
    return times


def _timing(times: list[float], docs: int, words: int) -> dict:
    median = statistics.median(times)
    return {
        "seconds": times,
        "median_s": median,
        "docs_per_s": docs / median if median else None,
        "words_per_s": words / median if median else None,
    }


def _peak_rss_bytes() -> int:
    """This process's peak RSS. Linux: ``VmHWM``, which belongs to the current program image;
    ``ru_maxrss`` would also carry the parent's size over fork and exec."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    import resource

    return _maxrss_bytes(resource.RUSAGE_SELF)


def _maxrss_bytes(who: int) -> int:
    import resource

    rss = resource.getrusage(who).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return rss if sys.platform == "darwin" else rss * 1024


def machine() -> dict:
    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 ** 2, 1)
    with contextlib.suppress(AttributeError, ValueError):
        info["cpus_available"] = len(os.sched_getaffinity(0))
    with contextlib.suppress(AttributeError, OSError):
        info["load_average_1m"] = round(os.getloadavg()[0], 2)
    from importlib.metadata import version

    for package in ("spacy", "pydantic", "prefect", "dateparser"):
        with contextlib.suppress(Exception):
            info[package] = version(package)
    return info


# --- (c), (d): the run command, as the CLI runs it --------------------------------------------


def run_command(input_dir: Path, output_dir: Path, batch_size: int | None = None) -> int:
    """``python -m pipeline run INPUT --out OUTPUT --quiet`` in this process, parsed and
    handled by the run command's own definition; its summary is discarded."""
    from flows.commands import define_run

    argv = [str(input_dir), "--out", str(output_dir), "--quiet"]  # --quiet: no progress bar
    if batch_size:
        argv += ["--batch-size", str(batch_size)]
    parser = argparse.ArgumentParser(prog="python -m pipeline run")
    define_run(parser)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        args = parser.parse_args(argv)
        return args.handler(args)


def flow_startup() -> dict:
    """Seconds for a trivial flow run: the first starts the engine (Prefect's temporary server
    unless ``PREFECT_API_URL`` is set), the second is the per-run overhead."""
    from prefect import flow

    @flow(name="bench-noop")
    def noop() -> None:
        return None

    first = _timed(noop, 1)[0]
    second = _timed(noop, 1)[0]
    return {"first_flow_run_s": first, "later_flow_run_s": second}


# --- (e): memory in a subprocess ---------------------------------------------------------------


def _memory_child(corpus: str, out: str, result_path: str) -> None:
    """Entry point of the memory subprocess: one run, then its own peak RSS."""
    import resource

    import flows.extract  # noqa: F401 - the baseline includes every import of the run

    from ..nlp import get_nlp

    get_nlp()
    baseline = _peak_rss_bytes()
    start = time.perf_counter()
    exit_code = run_command(Path(corpus), Path(out))
    seconds = time.perf_counter() - start
    Path(result_path).write_text(json.dumps({
        "baseline_rss_bytes": baseline,
        "peak_rss_bytes": _peak_rss_bytes(),
        # Largest finished child (worker processes of a process pool, once reaped).
        "largest_child_rss_bytes": _maxrss_bytes(resource.RUSAGE_CHILDREN),
        "seconds": seconds,
        "exit_code": exit_code,
    }))


def _tree_rss(process) -> int:
    import psutil

    total = 0
    for p in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def measure_memory(corpus: Path, out: Path, log_path: Path) -> dict:
    """Run (c) in a fresh interpreter; its peak RSS (``ru_maxrss``) and, sampled every 50 ms,
    the peak RSS summed over its process tree (the engine's server, any worker processes)."""
    result_path = log_path.with_suffix(".json")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "pipeline.tools.bench", "--memory-child", str(corpus), str(out),
               str(result_path)]
    tree_peak = None
    with open(log_path, "wb") as log:
        child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            import psutil

            handle = psutil.Process(child.pid)
            tree_peak = 0
            while child.poll() is None:
                tree_peak = max(tree_peak, _tree_rss(handle))
                time.sleep(0.05)
        except ImportError:
            pass
        child.wait()
    if child.returncode != 0 or not result_path.exists():
        tail = log_path.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"memory run failed ({child.returncode}):\n{tail}")
    result = json.loads(result_path.read_text())
    result["tree_peak_rss_bytes"] = tree_peak
    return result


# --- (b) breakdown -----------------------------------------------------------------------------


def component_seconds(documents) -> dict[str, float]:
    """Seconds per pipeline step over ``documents``, calling the steps as ``nlp(text)`` does."""
    from ..nlp import get_nlp

    nlp = get_nlp()
    seconds = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}}
    clock = time.perf_counter
    for document in documents:
        start = clock()
        doc = nlp.make_doc(document.body)
        seconds["tokenizer"] += clock() - start
        for name, proc in nlp.pipeline:
            start = clock()
            doc = proc(doc)
            seconds[name] += clock() - start
    return seconds


PROFILE_SAMPLE = 200


def extraction_profile(documents) -> dict:
    """Where ``extract_document``'s time goes, by the functions it calls directly (cProfile over
    a sample; profiling slows everything down, so read the shares, not the seconds)."""
    import cProfile
    import pstats

    from ..extract import extract_document

    profiler = cProfile.Profile()
    profiler.runcall(lambda: [extract_document(d) for d in documents])
    stats = pstats.Stats(profiler).stats  # func -> (cc, nc, tottime, cumtime, callers)
    target = next(f for f in stats if f[2] == "extract_document" and f[0].endswith("extract.py"))
    total = stats[target][3]
    by_callee: dict[str, float] = {"extract_document (own code)": stats[target][2]}
    for (filename, _, function), (_, _, _, _, callers) in stats.items():
        if target in callers:
            name = f"{Path(filename).stem}.{function}" if filename != "~" else function
            if name == "language.__call__":
                name = "nlp(text): tokenizer and components"
            by_callee[name] = by_callee.get(name, 0.0) + callers[target][3]
    ranked = sorted(by_callee.items(), key=lambda item: -item[1])
    return {
        "documents": len(documents),
        "profiled_seconds": total,
        "share_by_direct_callee": {name: seconds / total for name, seconds in ranked
                                   if seconds / total >= 0.005},
    }


def matcher_seconds(documents) -> dict[str, float]:
    """Seconds spent in each component's own Matcher/PhraseMatcher, over tokenized texts."""
    from spacy.matcher import Matcher, PhraseMatcher

    from ..nlp import get_nlp

    nlp = get_nlp()
    docs = [nlp.make_doc(d.body) for d in documents]
    seconds = {}
    for name, proc in nlp.pipeline:
        for attribute, value in sorted(vars(proc).items() if hasattr(proc, "__dict__") else []):
            if isinstance(value, (Matcher, PhraseMatcher)):
                start = time.perf_counter()
                for doc in docs:
                    value(doc)
                seconds[f"{name}.{attribute} ({len(value)} keys)"] = time.perf_counter() - start
    return seconds


# --- the benchmark -----------------------------------------------------------------------------


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

    from ..extract import extract_document
    from ..ingest.reader import read_file
    from ..nlp import get_nlp
    from ..store.writer import write_outputs
    from .synthetic import write_corpus

    work = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        _log(f"corpus: {n_docs} documents (seed {seed}) in {work}")
        corpus = work / "corpus"
        paths = write_corpus(raw_dir, corpus, n_docs, seed)
        documents = [read_file(p, corpus) for p in paths]
        texts = [d.text for d in documents]
        words = sum(len(t.split()) for t in texts)
        docs = len(documents)

        def timing(times):
            return _timing(times, docs, words)

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

        _log("(r) reading (not part of b)")
        data = [p.read_bytes() for p in paths]
        from ..ingest.reader import read_bytes

        figures["read"] = timing(_timed(
            lambda: [read_bytes(b, source=p.name) for b, p in zip(data, paths)], repeat))

        _log("(a) spaCy blank('en') tokenizer and (b) extraction in-process, in turn")
        get_nlp()
        for document in documents[:5]:
            extract_document(document)  # warm-up: lazy imports, first-call set-up
        results: list = []

        def extract_all():
            results[:] = [extract_document(d) for d in documents]

        a_times, b_times = _interleaved([tokenize_all, extract_all], repeat)
        figures["a_tokenizer"] = timing(a_times)
        figures["b_extraction"] = timing(b_times)
        figures["b_extraction"]["documents_ok"] = sum(1 for r in results if r.ok)
        figures["b_extraction"]["error_rows"] = sum(len(r.errors) for r in results)

        _log("(b) breakdown per pipeline component")
        steps = component_seconds(documents)
        b_median = figures["b_extraction"]["median_s"]
        figures["b_breakdown_s"] = {
            **steps,
            # derived: b minus the pipeline steps timed one by one
            "records_and_validation": b_median - sum(steps.values()),
        }

        _log(f"(b) profile over {min(docs, PROFILE_SAMPLE)} documents")
        sample = documents[:PROFILE_SAMPLE]
        figures["b_profile"] = extraction_profile(sample)
        figures["b_profile"]["matcher_seconds"] = matcher_seconds(sample)
        blank_start = time.perf_counter()
        for _ in blank.pipe(d.text for d in sample):
            pass
        figures["b_profile"]["tokenizer_floor_seconds"] = time.perf_counter() - blank_start

        _log("(w) writing JSON and Parquet (not part of b)")
        write_dirs = iter(range(repeat))
        figures["write"] = timing(_timed(
            lambda: write_outputs(results, work / f"write-{next(write_dirs)}"), repeat))

        _log("(s) results shipped between processes, as the flow does (not part of b)")
        from ..contract.tables import DocumentResult

        figures["ship"] = timing(_timed(
            lambda: [DocumentResult.model_validate(r.model_dump(mode="json")) for r in results],
            repeat))
        results.clear()  # free them before the runs

        _log("(c) flow engine start-up")
        figures["flow_startup"] = flow_startup()

        _log("(c) run end to end into a fresh folder, then (d) the same run again, in turn")
        outputs = iter(range(repeat))
        last_out: list[Path] = []
        c_codes, d_codes = [], []

        def run_fresh():
            out = work / f"out-c-{next(outputs)}"
            last_out[:] = [out]
            c_codes.append(run_command(corpus, out, batch_size))

        def run_again():
            d_codes.append(run_command(corpus, last_out[0], batch_size))

        c_times, d_times = _interleaved([run_fresh, run_again], repeat)
        figures["c_flow"] = timing(c_times)
        figures["c_flow"]["exit_codes"] = c_codes
        figures["c_flow"]["documents_written"] = len(list((last_out[0] / "json").rglob("*.json")))
        figures["d_rerun"] = timing(d_times)
        figures["d_rerun"]["exit_codes"] = d_codes

        base = memory_docs or n_docs
        _log(f"(e) peak memory at {base} and {base * memory_scale} documents (subprocesses)")
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
            _log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    figures["load_average_1m_at_end"] = machine().get("load_average_1m")
    cpus = figures["machine"].get("cpus_available") or figures["machine"]["cpus"] or 1
    loads = [figures["machine"].get("load_average_1m"), figures["load_average_1m_at_end"]]
    if any(load is not None and load > cpus for load in loads):
        figures["notes"].append(
            f"the machine was busy (1-minute load {loads[0]} at start, {loads[1]} at end on "
            f"{cpus} cpus): other processes shared the cpus, so the times are noisy")
    figures["ratios"] = ratios(figures)
    figures["targets"] = targets(figures["ratios"])
    return figures


def _memory_peak(result: dict) -> int:
    return result.get("tree_peak_rss_bytes") or result["peak_rss_bytes"]


def ratios(figures: dict) -> dict:
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


def targets(values: dict) -> dict:
    out = {}
    for name, (description, comparison, threshold) in TARGETS.items():
        value = values.get(name)
        met = None
        if value is not None:
            met = value >= threshold if comparison == ">=" else value <= threshold
        out[name] = {"description": description, "target": f"{comparison} {threshold}",
                     "value": value, "met": met}
    return out


# --- printing ----------------------------------------------------------------------------------


def _mb(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 1024 ** 2:,.0f} MB"


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def format_figures(figures: dict) -> str:
    m, corpus = figures["machine"], figures["corpus"]
    lines = [
        (f"machine: {m.get('cpu')}, {m.get('cpus_available', m.get('cpus'))} cpus, "
         f"{m.get('memory_gb', '?')} GB, Python {m.get('python')}, spaCy {m.get('spacy')}, "
         f"Prefect {m.get('prefect')}"),
        (f"corpus:  {corpus['docs']} documents, {corpus['words']:,} words "
         f"(seed {corpus['seed']}); median of {figures['repeat']}"),
        "",
        f"{'':34}{'median s':>10}{'words/s':>12}{'docs/s':>10}",
    ]
    rows = [
        ("(a) tokenizer floor", "a_tokenizer"),
        ("(b) extraction in-process", "b_extraction"),
        ("(c) run end to end", "c_flow"),
        ("(d) unchanged re-run", "d_rerun"),
        ("    reading (outside b)", "read"),
        ("    writing (outside b)", "write"),
        ("    shipping results (outside b)", "ship"),
    ]
    for label, key in rows:
        f = figures[key]
        lines.append(f"{label:<34}{f['median_s']:>10.3f}{_num(f['words_per_s'], 0):>12}"
                     f"{_num(f['docs_per_s'], 1):>10}")
    startup = figures["flow_startup"]
    lines.append(f"flow engine start-up (first run of a trivial flow, not in c): "
                 f"{startup['first_flow_run_s']:.2f} s; later trivial run "
                 f"{startup['later_flow_run_s']:.2f} s")
    lines.append("")
    lines.append("(b) breakdown, seconds: " + ", ".join(
        f"{name} {seconds:.2f}" for name, seconds in figures["b_breakdown_s"].items()))
    profile = figures.get("b_profile")
    if profile:
        lines.append(f"(b) profile over {profile['documents']} documents, share of "
                     "extract_document by direct callee: " + ", ".join(
                         f"{name} {share:.0%}"
                         for name, share in profile["share_by_direct_callee"].items()))
        lines.append(f"    matchers over the same documents (tokenizer floor "
                     f"{profile['tokenizer_floor_seconds']:.2f} s): " + ", ".join(
                         f"{name} {seconds:.2f} s"
                         for name, seconds in profile["matcher_seconds"].items()))
    memory = figures["e_memory"]
    lines.append("")
    for key in ("n", "scaled"):
        e = memory[key]
        lines.append(
            f"(e) peak memory at {e['docs']:>6} docs: process tree "
            f"{_mb(e.get('tree_peak_rss_bytes'))}; run process {_mb(e['peak_rss_bytes'])} "
            f"(ready to run: {_mb(e['baseline_rss_bytes'])}); {e['seconds']:.1f} s"
        )
    lines.append("")
    r = figures["ratios"]
    lines.append(f"c/a speed: {_num(r['c_over_a'], 3)}; memory 10xN/N of the run process alone: "
                 f"{_num(r['memory_run_process_10n_over_n'], 2)}")
    for name, t in figures["targets"].items():
        status = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
        lines.append(f"  {name:<18} {_num(t['value'], 3):>8}  target {t['target']:<8} {status}"
                     f"  ({t['description']})")
    lines += [f"note: {n}" for n in figures.get("notes", [])]
    return "\n".join(lines)


# --- scaling over pathological inputs ----------------------------------------------------------

SCALING_FACTORS = (1, 2, 4)


def scaling_figures(size: int = 25_000, repeat: int = 3) -> dict:
    """Best of ``repeat`` times of ``process_source`` per pathological kind, at each of
    ``SCALING_FACTORS`` times ``size`` characters (the best, not the median: a slower repetition
    measures the machine's other load, not the input)."""
    from ..extract import process_source
    from ..nlp import get_nlp
    from .pathological import PATHOLOGICAL

    get_nlp()
    process_source(b"The series began in 2009.", "warm-up")  # builds lexemes and caches once
    kinds = []
    for kind, generate in PATHOLOGICAL.items():
        chars, seconds, outcome = [], [], "ok"
        for factor in SCALING_FACTORS:
            data = generate(size * factor).encode("utf-8")
            times = []
            for _ in range(repeat):
                gc.collect()  # the previous input's garbage is not this one's time
                start = time.perf_counter()
                result = process_source(data, f"{kind}.txt")
                times.append(time.perf_counter() - start)
            chars.append(len(data.decode("utf-8")))
            seconds.append(min(times))
            if result.record is None:
                outcome = "rejected: " + "; ".join(f"{e.stage} {e.field}" for e in result.errors)
        growth = math.log2(seconds[-1] / seconds[-2]) if seconds[-2] > 0 else None
        kinds.append({"kind": kind, "chars": chars, "seconds": seconds, "growth": growth,
                      "outcome": outcome})
        _log(f"{kind}: " + ", ".join(f"{t:.3f} s" for t in seconds))
    return {"machine": machine(), "size": size, "factors": list(SCALING_FACTORS),
            "repeat": repeat, "kinds": kinds}


def format_scaling(figures: dict) -> str:
    labels = [f"{f}n s" if f > 1 else "n s" for f in figures["factors"]]
    header = f"{'kind':<16} {'chars (n)':>10} " + " ".join(f"{x:>8}" for x in labels)
    lines = [
        (f"process_source on pathological inputs, best of {figures['repeat']}; "
         f"growth = log2(t(4n) / t(2n)): 1 is linear, 2 quadratic"),
        header + f" {'growth':>7}  outcome",
    ]
    for row in figures["kinds"]:
        lines.append(
            f"{row['kind']:<16} {row['chars'][0]:>10,} "
            + " ".join(f"{t:>8.3f}" for t in row["seconds"])
            + f" {_num(row['growth']):>7}  {row['outcome']}"
        )
    return "\n".join(lines)


# --- the largest accepted input ----------------------------------------------------------------


def largest_input_figures(raw_dir: Path, max_bytes: int | None = None) -> dict:
    """``process_source`` on one article-shaped document as large as a run accepts: the
    readable articles of ``raw_dir`` repeated up to the size limit (cut at a line end)."""
    from ..extract import process_source
    from ..ingest.decoding import InputLimits
    from ..nlp import get_nlp
    from .synthetic import load_templates

    limits = InputLimits.from_options(max_bytes)
    articles = [t.text.rstrip("\n").encode("utf-8") for t in load_templates(raw_dir)]
    unit = b"\n\n".join(articles) + b"\n\n"
    data = (unit * (limits.max_bytes // len(unit) + 1))[:limits.max_bytes]
    data = data[:data.rfind(b"\n") + 1]
    get_nlp()
    process_source(articles[0], "warm-up")  # builds lexemes and caches once, as a run would
    rss_before = _peak_rss_bytes()
    gc.collect()
    start = time.perf_counter()
    result = process_source(data, "largest.txt", limits)
    seconds = time.perf_counter() - start
    record = result.record
    return {
        "machine": machine(), "max_bytes": limits.max_bytes, "bytes": len(data),
        "seconds": round(seconds, 2), "mb_per_second": round(len(data) / seconds / 1e6, 3),
        "peak_rss_before": rss_before, "peak_rss_after": _peak_rss_bytes(),
        "entities": len(record.entities) if record else 0,
        "dates": len(record.dates) if record else 0,
        "error_rows": len(result.errors), "written": record is not None,
    }


def format_largest(figures: dict) -> str:
    return (
        f"largest accepted input: {figures['bytes']:,} bytes (limit {figures['max_bytes']:,}) "
        f"in {figures['seconds']:.2f} s ({figures['mb_per_second']:.2f} MB/s); "
        f"{figures['entities']:,} entities, {figures['dates']:,} dates, "
        f"{figures['error_rows']} error rows, written: {figures['written']}; peak RSS "
        f"{_mb(figures['peak_rss_before'])} before, {_mb(figures['peak_rss_after'])} after"
    )


# --- command line ------------------------------------------------------------------------------


def define_bench(bench: argparse.ArgumentParser) -> None:
    bench.description = (
        "Build a deterministic synthetic corpus of N documents from INPUT_DIR in a "
        "temporary folder and measure, as the median of R repetitions: (a) spaCy's blank "
        "tokenizer, (b) extraction in-process, (c) the run command end to end, (d) an "
        "unchanged re-run, (e) peak memory of (c) at N and at 10xN documents. Prints the "
        "figures and writes them as JSON. Targets are reported, never enforced (exit 0)."
    )
    bench.add_argument("--docs", type=positive_int, default=2000, metavar="N",
                       help="documents in the synthetic corpus (default: 2000)")
    bench.add_argument("--seed", type=int, default=0, help="corpus seed (default: 0)")
    bench.add_argument("--repeat", type=positive_int, default=3, metavar="R",
                       help="repetitions per figure; the median is reported (default: 3)")
    bench.add_argument("--memory-scale", type=positive_int, default=10, metavar="K",
                       help="memory is measured at N and K*N documents (default: 10)")
    bench.add_argument("--memory-docs", type=positive_int, default=None, metavar="M",
                       help="base size of the memory measurement (default: N)")
    bench.add_argument("--input", dest="raw_dir", default="raw", type=existing_dir,
                       metavar="INPUT_DIR", help="articles to vary (default: raw/)")
    bench.add_argument("--batch-size", type=positive_int, default=None, metavar="B",
                       help="passed to the run command (default: its own)")
    bench.add_argument("--json", dest="json_path", default="output/benchmark.json",
                       metavar="PATH", help="where to write the figures "
                       "(default: output/benchmark.json)")
    bench.add_argument("--keep", action="store_true",
                       help="keep the temporary corpus and outputs")
    bench.set_defaults(handler=_bench)

    kinds = bench.add_subparsers(dest="bench_command", metavar="KIND")
    scaling = kinds.add_parser(
        "scaling",
        help="time the extraction of pathological inputs at growing sizes",
        description="Time process_source (read and extract one document) on each "
        "pathological input of pipeline/pathological.py at N, 2N and 4N characters, best of R "
        "repetitions, and print the growth exponent log2(t(4N)/t(2N)): about 1 when the time "
        "is linear in the size. Nothing is asserted (exit 0).",
    )
    scaling.add_argument("--size", type=positive_int, default=25_000, metavar="N",
                         help="smallest size in characters (default: 25000)")
    scaling.add_argument("--repeat", type=positive_int, default=3, metavar="R",
                         help="repetitions per size; the best is kept (default: 3)")
    scaling.add_argument("--json", dest="json_path", default=None, metavar="PATH",
                         help="also write the figures as JSON to PATH")
    scaling.set_defaults(handler=_bench_scaling)
    largest = kinds.add_parser(
        "largest",
        help="time one article-shaped document at the input size limit",
        description="Repeat the articles of INPUT_DIR into one document of --max-bytes bytes "
        "(default: the run's limit) and time process_source on it, with the process's peak "
        "memory before and after. Nothing is asserted (exit 0).",
    )
    largest.add_argument("--input", dest="raw_dir", default="raw", type=existing_dir,
                         metavar="INPUT_DIR", help="articles to repeat (default: raw/)")
    largest.add_argument("--max-bytes", type=positive_int, default=None, metavar="N",
                         help="size of the document (default: the run's --max-bytes default)")
    largest.set_defaults(handler=_bench_largest)


def _bench(args: argparse.Namespace) -> int:
    # Prefect's INFO lines per task would drown the figures; warnings still show.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    figures = run_benchmark(
        n_docs=args.docs, seed=args.seed, repeat=args.repeat, raw_dir=Path(args.raw_dir),
        memory_scale=args.memory_scale, batch_size=args.batch_size, keep=args.keep,
        memory_docs=args.memory_docs,
    )
    print(format_figures(figures))
    _write_figures(figures, args.json_path)
    return 0


def _write_figures(figures: dict, json_path: str | None) -> None:
    if json_path:
        path = Path(json_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {path}")


def _bench_scaling(args: argparse.Namespace) -> int:
    figures = scaling_figures(size=args.size, repeat=args.repeat)
    print(format_scaling(figures))
    _write_figures(figures, args.json_path)
    return 0


def _bench_largest(args: argparse.Namespace) -> int:
    print(format_largest(largest_input_figures(Path(args.raw_dir), args.max_bytes)))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory-child"]:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        _memory_child(*sys.argv[2:5])
    else:
        sys.exit("usage: python -m pipeline bench (this module's own entry is internal)")
