"""The ``bench`` command and its kinds ``scaling``, ``largest`` and ``dump``: arguments and
handlers."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from ...arguments import existing_dir, positive_int
from ..synthetic import synthetic_texts
from .corpus import run_benchmark
from .formatting import format_figures, format_largest, format_scaling
from .naive import format_naive, naive_figures, naive_ratios
from .sizes import largest_input_figures, scaling_figures

# What ``bench dump`` can measure (pipeline/tools/bench/dump.py).
DUMP_MODES = ("read", "extract", "run", "publish")

__all__ = ["define_bench"]


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
    bench.add_argument("--naive-docs", type=int, default=200, metavar="S",
                       help="documents of the corpus dateparser's search_dates is timed on "
                       "(about 0.1 s each; the EntityRuler runs on all; 0: no naive "
                       "baselines; default: 200)")
    bench.set_defaults(handler=_bench)

    kinds = bench.add_subparsers(dest="bench_command", metavar="KIND")
    scaling = kinds.add_parser(
        "scaling",
        help="time the extraction of pathological inputs at growing sizes",
        description="Time process_source (read and extract one document) on each "
        "pathological input of pipeline/tools/pathological.py at N, 2N and 4N characters, best "
        "of R repetitions, and print the growth exponent log2(t(4N)/t(2N)): about 1 when the time "
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
    dump = kinds.add_parser(
        "dump",
        help="peak memory of a MediaWiki dump streamed through reading, extraction and run",
        description="Write dumps of N and K*N small synthetic pages (articles of INPUT_DIR "
        "varied and cut to title, infobox and lead, as wikitext) and stream each, in a fresh "
        "interpreter, through the reader alone, through reading and extraction "
        "(iter_file_results, each result written out, not kept), and through the run command "
        "end to end (--runner thread, into a fresh output folder); print peak RSS, time and "
        "the ratio of peak memory. Nothing is asserted (exit 0).",
    )
    dump.add_argument("--pages", type=positive_int, default=10_000, metavar="N",
                      help="pages of the smaller dump (default: 10000)")
    dump.add_argument("--scale", type=positive_int, default=10, metavar="K",
                      help="the larger dump has K*N pages (default: 10)")
    dump.add_argument("--seed", type=int, default=0, help="pages seed (default: 0)")
    dump.add_argument("--read-only", action="store_true",
                      help="measure the reader alone, without extraction or run")
    dump.add_argument("--only", choices=DUMP_MODES, default=None, metavar="MODE",
                      help="measure one mode: read, extract, run, or publish (publishing alone, "
                      "from a result store of N and K*N pages repeated from a real run's)")
    dump.add_argument("--no-run", action="store_true",
                      help="measure reading and extraction, not the run command")
    dump.add_argument("--input", dest="raw_dir", default="raw", type=existing_dir,
                      metavar="INPUT_DIR", help="articles to vary (default: raw/)")
    dump.add_argument("--json", dest="json_path", default=None, metavar="PATH",
                      help="also write the figures as JSON to PATH")
    dump.set_defaults(handler=_bench_dump)


def _bench(args: argparse.Namespace) -> int:
    # Prefect's INFO lines per task would drown the figures; warnings still show.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    figures = run_benchmark(
        n_docs=args.docs, seed=args.seed, repeat=args.repeat, raw_dir=Path(args.raw_dir),
        memory_scale=args.memory_scale, batch_size=args.batch_size, keep=args.keep,
        memory_docs=args.memory_docs,
    )
    if args.naive_docs > 0:
        # The same corpus again (the same seed gives the same texts), after the run's figures.
        texts = [text for _, text in synthetic_texts(Path(args.raw_dir), args.docs, args.seed)]
        figures["naive"] = naive_figures(texts, args.repeat, args.naive_docs)
        figures["naive_ratios"] = naive_ratios(figures)
    print(format_figures(figures))
    if "naive" in figures:
        print(format_naive(figures))
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


def _bench_dump(args: argparse.Namespace) -> int:
    from .dump import dump_figures, format_dump

    modes = ("read",) if args.read_only else (args.only,) if args.only else \
        ("read", "extract") if args.no_run else ("read", "extract", "run")
    figures = dump_figures(Path(args.raw_dir), pages=args.pages, scale=args.scale,
                           seed=args.seed, modes=modes)
    print(format_dump(figures))
    _write_figures(figures, args.json_path)
    return 0


def _bench_largest(args: argparse.Namespace) -> int:
    print(format_largest(largest_input_figures(Path(args.raw_dir), args.max_bytes)))
    return 0
