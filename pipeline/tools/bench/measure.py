"""What the benchmarks measure with: timers, peak memory, the machine, and the run command.

Timings of the extraction's parts (each pipeline component, a profile of ``extract_document``,
each component's matchers) explain where the time of figure (b) goes.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "component_seconds", "extraction_profile", "flow_startup", "log", "machine",
    "matcher_seconds", "measure_memory", "memory_child", "peak_rss_bytes", "run_command",
    "speed_figures", "timed", "timed_in_turn",
]

REPO_ROOT = Path(__file__).resolve().parents[3]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def timed_in_turn(actions: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    """Time the actions in turn, ``repeat`` rounds: on a machine whose load changes, each
    figure of a ratio then sees the same conditions."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for action, slot in zip(actions, times):
            slot.extend(timed(action, 1))
    return times


def speed_figures(times: list[float], docs: int, words: int) -> dict:
    median = statistics.median(times)
    return {
        "seconds": times,
        "median_s": median,
        "docs_per_s": docs / median if median else None,
        "words_per_s": words / median if median else None,
    }


def peak_rss_bytes() -> int:
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

    from flows.api import shared_api

    @flow(name="bench-noop")
    def noop() -> None:
        return None

    started = time.perf_counter()
    with shared_api():  # the server a run starts, with the run's start-up allowance
        noop()
        first = time.perf_counter() - started
        second = timed(noop, 1)[0]
    return {"first_flow_run_s": first, "later_flow_run_s": second}


# --- (e): memory in a subprocess ---------------------------------------------------------------


def memory_child(corpus: str, out: str, result_path: str) -> None:
    """Entry point of the memory subprocess: one run, then its own peak RSS."""
    import resource

    import flows.extract  # noqa: F401 - the baseline includes every import of the run

    from ...nlp import get_nlp

    get_nlp()
    baseline = peak_rss_bytes()
    start = time.perf_counter()
    exit_code = run_command(Path(corpus), Path(out))
    seconds = time.perf_counter() - start
    Path(result_path).write_text(json.dumps({
        "baseline_rss_bytes": baseline,
        "peak_rss_bytes": peak_rss_bytes(),
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
    command = [sys.executable, "-m", "pipeline.tools.bench", "--memory-child", str(corpus),
               str(out), str(result_path)]
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
    from ...nlp import get_nlp

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


# The stages of extract_document, by the function that runs each.
STAGE_NAMES = {
    "parse.parse_document": "parse: tokenizer and components",
    "__init__.document_facts": "facts: records from the Doc",
    "validation.validated_result": "contract: validation and the record",
}


def extraction_profile(documents) -> dict:
    """Where ``extract_document``'s time goes, by the functions it calls directly (cProfile over
    a sample; profiling slows everything down, so read the shares, not the seconds)."""
    import cProfile
    import pstats

    from ...extract import extract_document

    profiler = cProfile.Profile()
    profiler.runcall(lambda: [extract_document(d) for d in documents])
    stats = pstats.Stats(profiler).stats  # func -> (cc, nc, tottime, cumtime, callers)
    target = next(f for f in stats if f[2] == "extract_document" and f[0].endswith("extract.py"))
    total = stats[target][3]
    by_callee: dict[str, float] = {"extract_document (own code)": stats[target][2]}
    for (filename, _, function), (_, _, _, _, callers) in stats.items():
        if target in callers:
            name = f"{Path(filename).stem}.{function}" if filename != "~" else function
            name = STAGE_NAMES.get(name, name)
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

    from ...nlp import get_nlp

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
