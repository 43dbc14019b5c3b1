"""The ``run`` and ``serve`` commands: the extraction flow from the command line.

Defining the arguments imports neither Prefect nor spaCy (``--help`` stays fast); the handlers
import the flow, the task runner and the shared API when they run.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.arguments import existing_dir, mediawiki_dump, positive_int

from . import DEFAULT_RUNNER, RUNNERS

__all__ = ["define_run", "define_serve"]


class _UsageError(Exception):
    pass


def _cron(value: str) -> str:
    from prefect.client.schemas.schedules import CronSchedule  # Prefect's own check
    from pydantic import ValidationError

    try:
        CronSchedule(cron=value)
    except ValidationError:
        raise argparse.ArgumentTypeError(f"not a cron expression: {value!r}") from None
    return value


def _source_formats() -> tuple[str, ...]:
    from typing import get_args

    from pipeline.ingest.decoding import SourceFormat

    return get_args(SourceFormat)


def _default_max_bytes() -> int:
    from pipeline.ingest.decoding import InputLimits

    return InputLimits.default().max_bytes


def _component_settings(value: str) -> dict:
    """The components' settings from a JSON file (``{"motorsport_entities": {"gazetteer":
    "my_gazetteer.jsonl"}}``); a relative path in it is read from the file's folder."""
    import json

    from pipeline.nlp.build import pipeline_config

    path = Path(value)
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"cannot read {value}: {exc}") from None
    if not isinstance(settings, dict) or not all(isinstance(v, dict) for v in settings.values()):
        raise argparse.ArgumentTypeError(
            f"{value}: expected an object of settings by component, e.g. "
            '{"motorsport_entities": {"gazetteer": "my_gazetteer.jsonl"}}')
    base = path.resolve().parent
    settings = {component: {key: _resolved(base, setting) for key, setting in values.items()}
                for component, values in settings.items()}
    try:
        pipeline_config(config=settings)  # unknown components or settings are refused here
    except Exception as exc:  # noqa: BLE001 - spaCy's config errors have no common base
        raise argparse.ArgumentTypeError(f"{value}: {exc}") from None
    return settings


def _resolved(base: Path, setting):
    """A data file setting as an absolute path (a packaged file's name stays as it is)."""
    from pipeline.nlp.data_files import is_packaged

    if isinstance(setting, str) and not is_packaged(setting):
        return str((base / setting).resolve())
    return setting


def _add_flow_options(parser: argparse.ArgumentParser) -> None:
    """Options of one extraction run, shared by ``run`` and ``serve``."""
    parser.add_argument("input_dir", nargs="?", default="raw", type=existing_dir,
                        help="folder of source texts, read recursively (default: raw/)")
    parser.add_argument("--out", dest="output_dir", default="output", metavar="OUTPUT_DIR",
                        help="folder the outputs are written to (default: output/)")
    parser.add_argument("--batch-size", type=positive_int, default=None, metavar="N",
                        help="at most N documents per Prefect task (default: 64; fewer when "
                        "that gives each worker at least two tasks)")
    parser.add_argument("--full", action="store_true",
                        help="re-extract every document, even those whose bytes and pipeline "
                        "version are unchanged since the last run")
    parser.add_argument("--runner", choices=RUNNERS, default=None,
                        help="where the batches run: threads, a process pool, or Dask "
                        f"(default: {DEFAULT_RUNNER}, measured fastest on one machine; dask "
                        "when --dask-address is given)")
    parser.add_argument("--workers", type=positive_int, default=None, metavar="N",
                        help="worker threads or processes; for dask without an address, the "
                        "LocalCluster's single-threaded worker processes (default: CPU count)")
    parser.add_argument("--max-bytes", type=positive_int, default=None, metavar="N",
                        help="reject source files larger than N bytes (default: "
                        f"{_default_max_bytes():,}, from pipeline/data/input_limits.json)")
    parser.add_argument("--format", dest="source_format", default=None,
                        choices=_source_formats(),
                        help="the layout of the sources: a MediaWiki XML dump (.xml, .xml.bz2, "
                        "one document per article), wikitext, wikiextractor output (<doc> "
                        "blocks or --json lines, one document per block), or the plain "
                        "titled/headless text (default: auto, from the content and the name; "
                        "a file matching no layout is read as plain text with a warning)")
    parser.add_argument("--wikiextractor-dump", type=mediawiki_dump, default=None, metavar="DUMP",
                        help="the MediaWiki dump (.xml, .xml.bz2) the wikiextractor output in "
                        "INPUT_DIR was made from: each wikiextractor document gets the infobox, "
                        "section levels, see-also, categories and interlanguage links of the "
                        "dump page with its id (its text stays wikiextractor's); a change of "
                        "the dump re-extracts the documents whose page metadata changed")
    parser.add_argument("--component-settings", type=_component_settings, default=None,
                        metavar="FILE",
                        help="a JSON file of settings by component, to use data files of your "
                        'own: {"motorsport_entities": {"gazetteer": "my_gazetteer.jsonl"}} '
                        "(relative paths from the file's folder; default: the packaged data). "
                        "The settings and the files they name are part of the pipeline version")
    parser.add_argument("--dask-address", default=None, metavar="tcp://HOST:PORT",
                        help="use an existing Dask cluster (its scheduler address) instead of "
                        "starting a LocalCluster; the workers need this package installed and "
                        "the input folder at the same path")


def define_run(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run the extraction flow (Prefect, embedded server unless PREFECT_API_URL "
        "is set) over INPUT_DIR and write OUTPUT_DIR/json/<stem>.json and "
        "OUTPUT_DIR/parquet/<table>.parquet. Runs are incremental: a document whose bytes and "
        "pipeline version are unchanged since the last run is not extracted again, and the "
        "tables are rebuilt to equal a full run. Exit 0 when every document and record was "
        "written, 3 when some were rejected (the rest are written; see the errors table), 1 "
        "when the run failed, 2 on a usage error, 4 when another run holds OUTPUT_DIR, 130 "
        "on Ctrl-C and 143 on SIGTERM (the previous outputs are left as they were)."
    )
    _add_flow_options(parser)
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar and no Prefect log lines below WARNING; the "
                        "summary is still printed")
    parser.set_defaults(handler=_run)


def define_serve(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Serve the extraction flow with Prefect's flow.serve: a deployment with "
        "the schedule and these parameters is registered with the Prefect API "
"(PREFECT_API_URL, e.g. a `prefect server start` UI at http://127.0.0.1:4200; without "
        "it, a local `prefect server start` is started for as long as this command runs), and "
        "this process runs the scheduled runs until it is stopped (Ctrl-C). Runs can also be "
        "started from the UI."
    )
    _add_flow_options(parser)
    schedule = parser.add_mutually_exclusive_group(required=True)
    schedule.add_argument("--cron", type=_cron, metavar="EXPR",
                          help='cron schedule, e.g. "0 * * * *" (hourly, on the hour)')
    schedule.add_argument("--interval", type=positive_int, metavar="SECONDS",
                          help="run every SECONDS seconds")
    parser.add_argument("--name", default="scheduled-extraction",
                        help="deployment name shown in the Prefect UI "
                        "(default: scheduled-extraction)")
    parser.set_defaults(handler=_serve)


def _runner_options(args: argparse.Namespace) -> tuple[str, int | None, str | None]:
    runner = args.runner or ("dask" if args.dask_address else DEFAULT_RUNNER)
    if args.dask_address and runner != "dask":
        raise _UsageError(f"--dask-address needs --runner dask, not --runner {runner}")
    return runner, args.workers, args.dask_address


def _configured_flow(args: argparse.Namespace):
    from .extract import extract_series_flow
    from .runners import make_task_runner

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
        "source_format": args.source_format,
        "component_settings": args.component_settings,
        "wikiextractor_dump": (path(args.wikiextractor_dump) if args.wikiextractor_dump
                               else None),
    }


def _flow_or_usage_error(args: argparse.Namespace, command: str):
    """The flow with the runner the arguments ask for, or None once a usage error is told."""
    try:
        return _configured_flow(args)
    except _UsageError as exc:
        print(f"python -m pipeline {command}: error: {exc}", file=sys.stderr)
        return None


# Exit status of a run stopped by a signal: 128 + its number, as a shell reports it.
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143


@contextmanager
def _sigterm_stops_the_run() -> Iterator[None]:
    """SIGTERM (kill, systemctl stop) ends the run as Ctrl-C does, through Prefect's own
    ``TerminationSignal`` (the flow engine raises it too while a flow runs), instead of
    killing the process before it has reported the run and stopped its server."""
    from prefect.exceptions import TerminationSignal

    def terminate(signum, frame):
        raise TerminationSignal(signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _already_up_to_date(args: argparse.Namespace):
    """The run's summary when its outputs are already up to date, found without Prefect; None
    when the flow must run.

    An unchanged re-run has nothing to extract or publish, and the temporary API server a flow
    run needs cost it nearly all its time (docs/benchmark.md, "Issue 16: the flow"). So when
    the run would start that server (no ``PREFECT_API_URL``), the sources are hashed and
    checked against the manifest first, in this process, as the flow's first steps do (same
    summary, exit status and clean-up of stale files), and no flow run is made: its record
    would go to a server that is gone when the command exits. With a Prefect server of the
    user's, every run goes through the flow and is recorded there. ``--full`` always runs.
    """
    from prefect.settings import PREFECT_API_URL

    from pipeline.ingest.decoding import InputLimits
    from pipeline.run import SerialExecutor, run_incremental
    from pipeline.store.incremental import ResultStore

    if args.full or PREFECT_API_URL.value():
        return None
    if not ResultStore(args.output_dir).read_manifest().documents:
        return None  # a first run: everything to extract
    parameters = _flow_parameters(args)
    return run_incremental(
        parameters["input_dir"], parameters["output_dir"], executor=SerialExecutor(),
        batch_size=parameters["batch_size"],
        limits=InputLimits.from_options(args.max_bytes, args.source_format,
                                        args.wikiextractor_dump),
        settings=args.component_settings, only_if_up_to_date=True)


def _run(args: argparse.Namespace) -> int:
    import logging

    from prefect.exceptions import TerminationSignal

    from pipeline import progress
    from pipeline.run import EXIT_OUTPUT_IN_USE, remembered_fingerprints
    from pipeline.store.lock import OutputInUse, output_lock

    from .api import shared_api

    try:
        runner = _runner_options(args)[0]
    except _UsageError as exc:
        print(f"python -m pipeline run: error: {exc}", file=sys.stderr)
        return 2
    prepared = []

    def prepare() -> None:
        # What the flow needs and the server does not, done while the server starts: the
        # flow's imports (Prefect's engine, the pipeline) and, for threads, which extract in
        # this process, its spaCy pipeline (docs/benchmark.md, "Issue 16: the run command").
        prepared.append(_configured_flow(args))
        # Importing Prefect's flow engine the first time sets its logging up, levels included.
        quiet()
        if runner == "thread":
            from pipeline.run import build_nlp_ahead

            build_nlp_ahead(args.component_settings)

    loggers = [logging.getLogger(name) for name in ("prefect", "distributed")]
    levels = [logger.level for logger in loggers]
    quiet_env = {"PREFECT_LOGGING_LEVEL": "WARNING", "DASK_LOGGING__DISTRIBUTED": "warning"}
    previous_env = {name: os.environ.get(name) for name in quiet_env}

    def quiet() -> None:
        if args.quiet:
            for logger in loggers:  # Prefect's, and Dask's scheduler of --runner dask
                logger.setLevel(logging.WARNING)
            # Worker processes (--runner process, a Dask LocalCluster) set up their own
            # logging from the environment they inherit.
            os.environ.update(quiet_env)

    quiet()
    try:
        # A folder another run holds is refused here, before Prefect starts (the run takes the
        # lock itself, in run_incremental; this is only the early, quiet answer).
        with output_lock(args.output_dir):
            pass
        # The up-to-date check and the flow both hash the sources: each is read once.
        with remembered_fingerprints():
            with _sigterm_stops_the_run():
                summary = _already_up_to_date(args)
            if summary is None:
                with (_sigterm_stops_the_run(), shared_api(while_starting=prepare),
                      progress.reporting(progress.wanted(args.quiet))):
                    summary = prepared[0](**_flow_parameters(args))
    except (KeyboardInterrupt, TerminationSignal) as stop:
        print("interrupted: the previous outputs are unchanged; run again to finish",
              file=sys.stderr)
        # The interpreter's last garbage collection (spaCy's, dateparser's and Prefect's
        # objects) took 5 s and more on a busy machine: an interrupted run exits without it.
        import gc

        gc.freeze()
        return EXIT_TERMINATED if isinstance(stop, TerminationSignal) else EXIT_INTERRUPTED
    except OutputInUse as exc:
        print(f"run refused: {exc}", file=sys.stderr)
        return EXIT_OUTPUT_IN_USE
    except OSError as exc:
        if exc.errno != errno.ENOSPC and "No space left on device" not in str(exc):
            print(f"run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        print(f"run failed: the disk of {args.output_dir} is full ({exc}); nothing was "
              "published, the previous outputs are left as they were; free some space and run "
              "again (finished batches are kept)", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a failed run is reported, not a traceback
        print(f"run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        for logger, logger_level in zip(loggers, levels):
            logger.setLevel(logger_level)
        for name, value in previous_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    print(summary.format())
    return summary.exit_code


def _serve(args: argparse.Namespace) -> int:
    from .api import NoSchedulingServer, scheduling_api

    if (flow := _flow_or_usage_error(args, "serve")) is None:
        return 2
    schedule = {"cron": args.cron} if args.cron else {"interval": args.interval}
    try:
        with scheduling_api() as (api_url, server_pid):
            started = ("" if server_pid is None else
                       f" (a local Prefect server, pid {server_pid}, stopped with this command;"
                       " UI at " + api_url.removesuffix("/api") + ")")
            print(f"serving {flow.name!r} as deployment {args.name!r} ({schedule}) on "
                  f"{api_url}{started}", file=sys.stderr)
            # One run at a time: a run still going when the next is due would find its output
            # folder locked (pipeline.store.lock); the runner waits for it instead.
            flow.serve(name=args.name, parameters=_flow_parameters(args, absolute=True),
                       limit=1, **schedule)
    except NoSchedulingServer as exc:
        print(f"serve refused: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped serving", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0
