"""Command line: ``python -m pipeline COMMAND ...``.

Exit status: 0 success, 1 when some documents were rejected (the rest written) or a check
failed, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .bench import _add_bench
from .report import _add_report


def _existing_dir(value: str) -> str:
    if not Path(value).is_dir():
        raise argparse.ArgumentTypeError(f"not a folder: {value}")
    return value


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


def _add_run(subparsers) -> None:
    run = subparsers.add_parser(
        "run",
        help="extract every document of a folder into JSON and Parquet",
        description="Run the extraction flow (Prefect, embedded server unless PREFECT_API_URL "
        "is set) over INPUT_DIR and write OUTPUT_DIR/json/<stem>.json and "
        "OUTPUT_DIR/parquet/<table>.parquet. Exit 0 when every document succeeded, 1 when "
        "some were rejected (the rest are written; see the errors table), 2 on a usage error.",
    )
    run.add_argument("input_dir", nargs="?", default="raw", type=_existing_dir,
                     help="folder of source texts, read recursively (default: raw/)")
    run.add_argument("--out", dest="output_dir", default="output", metavar="OUTPUT_DIR",
                     help="folder the outputs are written to (default: output/)")
    run.add_argument("--batch-size", type=_positive_int, default=None, metavar="N",
                     help="documents per Prefect task (default: 64)")
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from flows.extract import DEFAULT_BATCH_SIZE, extract_series_flow

    summary = extract_series_flow(
        input_dir=args.input_dir,
        output_dir=args.output_dir,
        batch_size=args.batch_size or DEFAULT_BATCH_SIZE,
    )
    print(summary.format())
    return summary.exit_code


def _add_evaluate(subparsers) -> None:
    from .evaluation import add_evaluate_arguments, run_evaluate

    evaluate = subparsers.add_parser(
        "evaluate",
        help="score the JSON output against gold annotations",
        description="Compare OUTPUT_DIR/json/ with a folder of gold files (the format of "
        "shared/gold/README.md): precision, recall and F1 per field, entities per label. "
        "Exit 1 when a --min threshold is not met, 2 on unusable input.",
    )
    add_evaluate_arguments(evaluate)
    evaluate.set_defaults(handler=run_evaluate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Turn wiki-style motorsport series articles into validated JSON and "
        "Parquet.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_run(subparsers)
    _add_evaluate(subparsers)
    _add_bench(subparsers)
    _add_report(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # argparse: 2 on a usage error, 0 after --help
        return exit_.code if isinstance(exit_.code, int) else 2
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
