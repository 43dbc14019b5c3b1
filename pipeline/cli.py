"""Command line: ``python -m pipeline COMMAND ...``.

Exit status of ``run``: 0 when every document and record was written, 3 when the run finished
but some were rejected (the rest are written; the ``errors`` table says which and why), 1 when
the run itself failed (the previous outputs are left as they were), 2 on a usage error. Other
commands: 0 success, 1 a failed check, 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .tools.bench import _add_bench
from .tools.report import _add_report


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


RUNNERS = ("thread", "process", "dask")  # flows.runners.RUNNERS, without importing Prefect


def _cron(value: str) -> str:
    from prefect.client.schemas.schedules import CronSchedule  # Prefect's own check
    from pydantic import ValidationError

    try:
        CronSchedule(cron=value)
    except ValidationError:
        raise argparse.ArgumentTypeError(f"not a cron expression: {value!r}") from None
    return value


def _default_max_bytes() -> int:
    from .ingest.decoding import InputLimits

    return InputLimits.default().max_bytes


def _add_flow_options(parser: argparse.ArgumentParser) -> None:
    """Options of one extraction run, shared by ``run`` and ``serve``."""
    parser.add_argument("input_dir", nargs="?", default="raw", type=_existing_dir,
                        help="folder of source texts, read recursively (default: raw/)")
    parser.add_argument("--out", dest="output_dir", default="output", metavar="OUTPUT_DIR",
                        help="folder the outputs are written to (default: output/)")
    parser.add_argument("--batch-size", type=_positive_int, default=None, metavar="N",
                        help="at most N documents per Prefect task (default: 64; fewer when "
                        "that gives each worker at least two tasks)")
    parser.add_argument("--full", action="store_true",
                        help="re-extract every document, even those whose bytes and pipeline "
                        "version are unchanged since the last run")
    parser.add_argument("--runner", choices=RUNNERS, default=None,
                        help="where the batches run: threads, a process pool, or Dask "
                        "(default: thread, measured fastest on one machine; dask when "
                        "--dask-address is given)")
    parser.add_argument("--workers", type=_positive_int, default=None, metavar="N",
                        help="worker threads or processes; for dask without an address, the "
                        "LocalCluster's single-threaded worker processes (default: CPU count)")
    parser.add_argument("--max-bytes", type=_positive_int, default=None, metavar="N",
                        help="reject source files larger than N bytes (default: "
                        f"{_default_max_bytes():,}, from pipeline/data/input_limits.json)")
    parser.add_argument("--dask-address", default=None, metavar="tcp://HOST:PORT",
                        help="use an existing Dask cluster (its scheduler address) instead of "
                        "starting a LocalCluster; the workers need this package installed and "
                        "the input folder at the same path")


def _add_run(subparsers) -> None:
    run = subparsers.add_parser(
        "run",
        help="extract every new or changed document of a folder into JSON and Parquet",
        description="Run the extraction flow (Prefect, embedded server unless PREFECT_API_URL "
        "is set) over INPUT_DIR and write OUTPUT_DIR/json/<stem>.json and "
        "OUTPUT_DIR/parquet/<table>.parquet. Runs are incremental: a document whose bytes and "
        "pipeline version are unchanged since the last run is not extracted again, and the "
        "tables are rebuilt to equal a full run. Exit 0 when every document and record was "
        "written, 3 when some were rejected (the rest are written; see the errors table), 1 "
        "when the run failed, 2 on a usage error.",
    )
    _add_flow_options(run)
    run.add_argument("--quiet", action="store_true",
                     help="no progress bar and no Prefect log lines below WARNING; the "
                     "summary is still printed")
    run.set_defaults(handler=_run)


def _add_serve(subparsers) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="serve the extraction flow on a schedule (cron or interval)",
        description="Serve the extraction flow with Prefect's flow.serve: a deployment with "
        "the schedule and these parameters is registered with the Prefect API "
        "(PREFECT_API_URL, e.g. a `prefect server start` UI at http://127.0.0.1:4200), and "
        "this process runs the scheduled runs until it is stopped (Ctrl-C). Runs can also be "
        "started from the UI.",
    )
    _add_flow_options(serve)
    schedule = serve.add_mutually_exclusive_group(required=True)
    schedule.add_argument("--cron", type=_cron, metavar="EXPR",
                          help='cron schedule, e.g. "0 * * * *" (hourly, on the hour)')
    schedule.add_argument("--interval", type=_positive_int, metavar="SECONDS",
                          help="run every SECONDS seconds")
    serve.add_argument("--name", default="scheduled-extraction",
                       help="deployment name shown in the Prefect UI "
                       "(default: scheduled-extraction)")
    serve.set_defaults(handler=_serve)


def _runner_options(args: argparse.Namespace) -> tuple[str, int | None, str | None]:
    from flows.runners import DEFAULT_RUNNER

    runner = args.runner or ("dask" if args.dask_address else DEFAULT_RUNNER)
    if args.dask_address and runner != "dask":
        raise UsageError(f"--dask-address needs --runner dask, not --runner {runner}")
    return runner, args.workers, args.dask_address


class UsageError(Exception):
    pass


def _configured_flow(args: argparse.Namespace):
    from flows.extract import extract_series_flow
    from flows.runners import make_task_runner

    runner, workers, address = _runner_options(args)
    return extract_series_flow.with_options(
        task_runner=make_task_runner(runner, workers=workers, dask_address=address)
    )


def _flow_parameters(args: argparse.Namespace, *, absolute: bool = False) -> dict:
    from pipeline.run import DEFAULT_BATCH_SIZE

    def path(value: str) -> str:
        return str(Path(value).resolve()) if absolute else value

    return {
        "input_dir": path(args.input_dir),
        "output_dir": path(args.output_dir),
        "batch_size": args.batch_size or DEFAULT_BATCH_SIZE,
        "full": args.full,
        "max_bytes": args.max_bytes,
    }


def _run(args: argparse.Namespace) -> int:
    import logging

    from flows.api import shared_api
    from pipeline import progress

    try:
        flow = _configured_flow(args)
    except UsageError as exc:
        print(f"python -m pipeline run: error: {exc}", file=sys.stderr)
        return 2
    prefect_logger = logging.getLogger("prefect")
    level = prefect_logger.level
    if args.quiet:
        prefect_logger.setLevel(logging.WARNING)
    try:
        with shared_api(), progress.reporting(progress.wanted(args.quiet)):
            summary = flow(**_flow_parameters(args))
    except KeyboardInterrupt:
        print("interrupted: the previous outputs are unchanged; run again to finish",
              file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a failed run is reported, not a traceback
        print(f"run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        prefect_logger.setLevel(level)
    print(summary.format())
    return summary.exit_code


def _serve(args: argparse.Namespace) -> int:
    from flows.api import shared_api

    try:
        flow = _configured_flow(args)
    except UsageError as exc:
        print(f"python -m pipeline serve: error: {exc}", file=sys.stderr)
        return 2
    schedule = {"cron": args.cron} if args.cron else {"interval": args.interval}
    with shared_api() as api_url:
        print(f"serving {flow.name!r} as deployment {args.name!r} ({schedule}) on {api_url}",
              file=sys.stderr)
        flow.serve(name=args.name, parameters=_flow_parameters(args, absolute=True),
                   **schedule)
    return 0


def _add_evaluate(subparsers) -> None:
    from .tools.evaluation import add_evaluate_arguments, run_evaluate

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
    _add_serve(subparsers)
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
