"""Command line: arguments, exit codes, the schedule handed to flow.serve, the progress bar.

The flow itself is replaced by the same run without Prefect (real runs: test_flow.py).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.flows import Flow
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

import flows.api
from flows import DEFAULT_RUNNER, commands
from pipeline import progress
from pipeline.cli import COMMANDS, main
from pipeline.ingest.decoding import InputLimits
from pipeline.run import SerialExecutor, run_incremental


@pytest.fixture
def no_server(monkeypatch):
    """No Prefect API is started by these tests."""
    @contextlib.contextmanager
    def fake_api(while_starting=None):
        if while_starting is not None:
            while_starting()
        yield "http://127.0.0.1:4200/api"

    monkeypatch.setattr(flows.api, "shared_api", fake_api)
    @contextlib.contextmanager
    def fake_scheduling_api():
        yield "http://127.0.0.1:4200/api", None

    monkeypatch.setattr(flows.api, "scheduling_api", fake_scheduling_api)


@pytest.fixture
def plain_flow(monkeypatch, no_server):
    """``run`` executes the run without Prefect; records the runner options it was given."""
    seen = {}

    def configured(args):
        seen["runner"] = commands._runner_options(args)

        def run(input_dir, output_dir, batch_size, full, max_bytes, component_settings,
                source_format, wikiextractor_dump):
            seen["component_settings"] = component_settings
            seen["wikiextractor_dump"] = wikiextractor_dump
            return run_incremental(input_dir, output_dir, executor=SerialExecutor(),
                                   batch_size=batch_size, full=full,
                                   limits=InputLimits.from_options(max_bytes, source_format,
                                                                   wikiextractor_dump),
                                   settings=component_settings)
        return run

    monkeypatch.setattr(commands, "_configured_flow", configured)
    return seen


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["serve", "--help"]])
def test_help_exits_0(argv, capsys):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "usage: python -m pipeline" in out
    if argv[0] == "serve":
        assert "--cron" in out and "--interval" in out
    if argv[0] == "run":
        assert all(o in out for o in ("--full", "--runner", "--dask-address", "--quiet"))


def test_version_names_the_pipeline_prefect_and_spacy(capsys):
    from importlib.metadata import version

    from pipeline import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == (
        f"python -m pipeline {__version__} (Prefect {version('prefect')}, "
        f"spaCy {version('spacy')})\n")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_registered_command_is_listed_and_defined(name, capsys):
    assert main(["--help"]) == 0
    assert name in capsys.readouterr().out
    assert main([name, "--help"]) == 0
    assert f"usage: python -m pipeline {name}" in capsys.readouterr().out


def test_help_loads_neither_spacy_nor_prefect():
    # A fresh interpreter: this one has loaded both for other tests.
    script = (
        "import contextlib, io, sys\n"
        "from pipeline.cli import COMMANDS, main\n"
        "for argv in [[], *([name] for name in COMMANDS)]:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        assert main([*argv, '--help']) == 0, argv\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'prefect'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("argv", [
    [],
    ["run", "no/such/folder"],
    ["run", "raw", "--batch-size", "0"],
    ["run", "raw", "--runner", "cluster"],
    ["run", "raw", "--workers", "many"],
    ["run", "raw", "--wikiextractor-dump", "no/such/dump.xml"],
    ["run", "raw", "--wikiextractor-dump", "README.md"],  # no dump
    ["serve", "raw"],  # a schedule is required
    ["serve", "raw", "--cron", "61 * * * *"],
    ["serve", "raw", "--cron", "every hour"],
    ["serve", "raw", "--cron", "0 * * * *", "--interval", "60"],
    ["serve", "raw", "--interval", "0"],
])
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    assert "error" in capsys.readouterr().err


def test_a_dask_address_needs_the_dask_runner(raw_dir, capsys, no_server):
    argv = ["run", str(raw_dir), "--runner", "thread", "--dask-address", "tcp://10.0.0.5:8786"]
    assert main(argv) == 2
    assert "--dask-address needs --runner dask" in capsys.readouterr().err


def test_runner_defaults(raw_dir, tmp_path, plain_flow):
    out = str(tmp_path / "out")
    main(["run", str(raw_dir), "--out", out, "--quiet"])
    assert plain_flow["runner"] == (DEFAULT_RUNNER, None, None)
    # --full: an unchanged rerun configures no flow (the command answers it without one).
    main(["run", str(raw_dir), "--out", out, "--full", "--dask-address", "tcp://10.0.0.5:8786"])
    assert plain_flow["runner"] == ("dask", None, "tcp://10.0.0.5:8786")


def test_run_exits_0_when_every_document_is_written(raw_dir, tmp_path, plain_flow, capsys):
    assert main(["run", str(raw_dir), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "documents written: 2" in out and "extracted:         2" in out
    assert main(["run", str(raw_dir), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert "extracted:         0  (reused 2)" in capsys.readouterr().out


@pytest.fixture
def flow_runs(plain_flow, monkeypatch) -> list[str]:
    """One item per run that started the run's API server and went through the flow."""
    started = []

    @contextlib.contextmanager
    def counted_api(while_starting=None):
        started.append(True)
        if while_starting is not None:
            while_starting()
        yield "http://127.0.0.1:4200/api"

    monkeypatch.setattr(flows.api, "shared_api", counted_api)
    return started


@pytest.fixture
def no_api_url(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        yield


def test_an_unchanged_rerun_starts_no_flow_and_prints_what_the_flow_would(
    raw_dir, tmp_path, flow_runs, no_api_url, capsys
):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from tests.store.test_incremental import make_corpus, published

    corpus, out = make_corpus(tmp_path / "in", raw_dir), str(tmp_path / "out")
    status = main(["run", str(corpus), "--out", out, "--quiet"])
    assert len(flow_runs) == 1
    capsys.readouterr()
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        # A server of the user's: every run is a flow run, recorded there.
        assert main(["run", str(corpus), "--out", out, "--quiet"]) == status
    through_the_flow = capsys.readouterr().out
    assert len(flow_runs) == 2
    before = published(Path(out))

    (Path(out) / "json" / "stale.json").write_text("{}")  # a file no run published
    assert main(["run", str(corpus), "--out", out, "--quiet"]) == status
    assert len(flow_runs) == 2  # no server, no flow
    assert capsys.readouterr().out == through_the_flow
    assert published(Path(out)) == before  # the stale file is gone, as the flow removes it

    for changed in (["--full"], []):
        if not changed:
            (corpus / "added.txt").write_text((corpus / "harbour.txt").read_text() + "\nMore.\n")
        main(["run", str(corpus), "--out", out, "--quiet", *changed])
    assert len(flow_runs) == 4  # --full, and a changed input, go through the flow


def test_run_exits_3_when_a_document_is_rejected(tmp_path, plain_flow, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    assert main(["run", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 3
    assert "documents failed:  1" in capsys.readouterr().out


def test_run_exits_1_when_the_run_fails(raw_dir, tmp_path, monkeypatch, no_server, capsys):
    def broken(args):
        def run(**parameters):
            raise RuntimeError("the API is gone")
        return run

    monkeypatch.setattr(commands, "_configured_flow", broken)
    assert main(["run", str(raw_dir), "--out", str(tmp_path / "out")]) == 1
    assert "run failed: RuntimeError: the API is gone" in capsys.readouterr().err


def test_quiet_silences_prefect_info_logs_for_the_run_only(raw_dir, tmp_path, monkeypatch,
                                                          no_server):
    levels = []

    def configured(args):
        def run(**parameters):
            levels.append(logging.getLogger("prefect.flow_runs").getEffectiveLevel())
            return run_incremental(executor=SerialExecutor(), **parameters)
        return run

    monkeypatch.setattr(commands, "_configured_flow", configured)
    before = logging.getLogger("prefect").level
    main(["run", str(raw_dir), "--out", str(tmp_path / "out"), "--quiet"])
    assert levels == [logging.WARNING]
    assert logging.getLogger("prefect").level == before


# --- serve -----------------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch, no_server) -> dict:
    calls = {}

    def serve(self, **kwargs):
        calls["flow"] = self
        calls.update(kwargs)

    monkeypatch.setattr(Flow, "serve", serve)
    return calls


def test_serve_on_a_cron_schedule(raw_dir, tmp_path, served):
    assert main(["serve", str(raw_dir), "--out", str(tmp_path / "out"),
                 "--cron", "0 * * * *"]) == 0
    assert served["cron"] == "0 * * * *" and "interval" not in served
    assert served["name"] == "scheduled-extraction"
    # Absolute paths: the served runs do not depend on the server's working folder.
    assert served["parameters"] == {
        "input_dir": str(Path(raw_dir).resolve()), "output_dir": str(tmp_path / "out"),
        "batch_size": 64, "full": False, "max_bytes": None, "source_format": None,
        "component_settings": None, "wikiextractor_dump": None,
    }
    assert served["flow"].name == "extract-motorsport-series"
    assert isinstance(served["flow"].task_runner, ThreadPoolTaskRunner)  # the default
    assert served["limit"] == 1  # one flow run at a time: they share the output folder


def test_serve_on_an_interval_with_the_run_options(raw_dir, tmp_path, served):
    assert main(["serve", str(raw_dir), "--out", str(tmp_path / "out"), "--interval", "900",
                 "--runner", "dask", "--workers", "3", "--batch-size", "8", "--full",
                 "--name", "every-15-minutes"]) == 0
    assert served["interval"] == 900 and "cron" not in served
    assert served["name"] == "every-15-minutes"
    assert served["parameters"]["batch_size"] == 8 and served["parameters"]["full"] is True
    runner = served["flow"].task_runner
    assert isinstance(runner, DaskTaskRunner)
    assert runner.cluster_kwargs["n_workers"] == 3


def test_component_settings_name_files_from_their_own_folder(raw_dir, tmp_path, plain_flow,
                                                            capsys):
    own = tmp_path / "own"
    own.mkdir()
    (own / "gazetteer.jsonl").write_text('{"label": "ORG", "name": "Club Nord"}\n')
    (own / "settings.json").write_text(json.dumps(
        {"motorsport_entities": {"gazetteer": "gazetteer.jsonl",
                                 "patterns": "packaged:entity_patterns.jsonl"}}))
    assert main(["run", str(raw_dir), "--out", str(tmp_path / "out"), "--quiet",
                 "--component-settings", str(own / "settings.json")]) == 0
    assert plain_flow["component_settings"] == {"motorsport_entities": {
        "gazetteer": str(own / "gazetteer.jsonl"), "patterns": "packaged:entity_patterns.jsonl"}}


def test_the_wikiextractor_dump_reaches_the_run(tmp_path, plain_flow):
    """``--wikiextractor-dump`` is passed to the flow, whose documents are then joined."""
    from pipeline.tools.wikitext_dump import WikiPage, write_dump

    corpus = tmp_path / "extracted"
    corpus.mkdir()
    (corpus / "wiki_00").write_text(
        '<doc id="7" url="?curid=7" title="Alpine Rally Cup">\nAlpine Rally Cup\n\n'
        "Alpine Rally Cup is a rally series held in the Alps.\n\n</doc>\n", encoding="utf-8")
    dump = tmp_path / "dump.xml"
    write_dump([WikiPage(7, "Alpine Rally Cup", "'''Alpine Rally Cup''' is a rally series held "
                         "in the Alps.\n\n[[Category:Rally series]]\n")], dump)
    out = tmp_path / "out"
    assert main(["run", str(corpus), "--out", str(out), "--quiet",
                 "--wikiextractor-dump", str(dump)]) == 0
    assert plain_flow["wikiextractor_dump"] == str(dump)
    record = json.loads((out / "json" / "wiki_00#7.json").read_text(encoding="utf-8"))
    assert record["categories"] == ["Rally series"]


@pytest.mark.parametrize("settings, problem", [
    ("[1, 2]", "expected an object of settings by component"),
    ('{"motorsport_entities": {"gazeteer": "g.jsonl"}}', "gazeteer"),
    ('{"no_such_component": {}}', "unknown components"),
    ("{not json", "cannot read"),
])
def test_unusable_component_settings_are_a_usage_error(raw_dir, tmp_path, settings, problem,
                                                       capsys):
    path = tmp_path / "settings.json"
    path.write_text(settings)
    assert main(["run", str(raw_dir), "--component-settings", str(path)]) == 2
    assert problem in capsys.readouterr().err


def test_serve_on_an_existing_dask_cluster(raw_dir, served):
    assert main(["serve", str(raw_dir), "--interval", "60",
                 "--dask-address", "tcp://10.0.0.5:8786"]) == 0
    assert served["flow"].task_runner.address == "tcp://10.0.0.5:8786"


def test_serve_with_processes(raw_dir, served):
    assert main(["serve", str(raw_dir), "--interval", "60", "--runner", "process"]) == 0
    assert isinstance(served["flow"].task_runner, ProcessPoolTaskRunner)


# --- progress --------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_only_for_a_terminal_and_not_when_quiet():
    assert progress.wanted(quiet=False, stream=Terminal())
    assert not progress.wanted(quiet=True, stream=Terminal())
    assert not progress.wanted(quiet=False, stream=io.StringIO())


def test_the_progress_bar_shows_done_total_rate_and_eta():
    terminal = Terminal()
    with progress.reporting(True, terminal) as bar:
        assert progress.current() is bar
        bar.start(total=10, completed=4)
        bar.advance(3)
        bar.stop()
    assert type(progress.current()) is progress.Reporter  # the no-op is back
    shown = terminal.getvalue()
    assert "7/10" in shown and "docs/s" in shown and "ETA" in shown


def test_no_progress_output_when_disabled():
    terminal = Terminal()
    with progress.reporting(False, terminal) as bar:
        bar.start(total=10)
        bar.advance(10)
    assert terminal.getvalue() == ""


def test_a_changed_input_is_hashed_once_by_the_check_and_the_flow(
    raw_dir, tmp_path, flow_runs, no_api_url, monkeypatch
):
    from pipeline.ingest import sources
    from tests.store.test_incremental import make_corpus

    corpus, out = make_corpus(tmp_path / "in", raw_dir), str(tmp_path / "out")
    main(["run", str(corpus), "--out", out, "--quiet"])
    (corpus / "added.txt").write_text((corpus / "harbour.txt").read_text() + "\nMore.\n")
    reads = []
    real = sources.fingerprint
    monkeypatch.setattr(sources, "fingerprint",
                        lambda path, root: reads.append(path) or real(path, root))
    main(["run", str(corpus), "--out", out, "--quiet"])
    assert len(flow_runs) == 2  # the check found a change: the flow ran
    assert reads and len(reads) == len(set(reads))  # each source hashed once
