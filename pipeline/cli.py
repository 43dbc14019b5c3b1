"""Command line: ``python -m pipeline COMMAND ...``, its commands listed in :data:`COMMANDS`.

Exit status of ``run``: 0 when every document and record was written, 3 when the run finished
but some were rejected (the rest are written; the ``errors`` table says which and why), 1 when
the run itself failed (the previous outputs are left as they were), 2 on a usage error. Other
commands: 0 success, 1 a failed check, 2 a usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["COMMANDS", "Command", "main"]


@dataclass(frozen=True)
class Command:
    """A command's line in ``python -m pipeline --help``, and where the command is defined:
    ``define`` names a function ``module:function`` that gives the command's parser its
    description, its arguments and its ``handler`` (``args -> exit status``)."""

    help: str
    define: str

    @property
    def module(self) -> str:
        return self.define.partition(":")[0]

    def load(self) -> Callable[[argparse.ArgumentParser], None]:
        module, _, function = self.define.partition(":")
        return getattr(importlib.import_module(module), function)


# In the order ``--help`` lists them. A command's module is imported only when that command is
# used, so the list (and one command's ``--help``) loads neither spaCy nor Prefect.
COMMANDS: dict[str, Command] = {
    "run": Command("extract every new or changed document of a folder into JSON and Parquet",
                   "flows.commands:define_run"),
    "serve": Command("serve the extraction flow on a schedule (cron or interval)",
                     "flows.commands:define_serve"),
    "evaluate": Command("score the JSON output against gold annotations",
                        "pipeline.tools.evaluation.command:define_evaluate"),
    "bench": Command("benchmark the extraction against spaCy's bare tokenizer",
                     "pipeline.tools.bench.command:define_bench"),
    "report": Command("write an HTML review report of the extraction output",
                      "pipeline.tools.report:define_report"),
    "schema": Command("write the JSON Schema of the documents and the reference of every "
                      "Parquet column (docs/schema/)", "pipeline.tools.schema:define_schema"),
}


class _VersionAction(argparse.Action):
    """``--version``: this package's version and those of the libraries a run depends on, read
    from the installed metadata (nothing is imported)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="print the version of the pipeline, Prefect and spaCy and exit"):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        from . import __version__

        def installed(name: str) -> str:
            try:
                return version(name)
            except PackageNotFoundError:
                return "not installed"

        print(f"{parser.prog} {__version__} (Prefect {installed('prefect')}, "
              f"spaCy {installed('spacy')})")
        parser.exit()


def _build_parser(argv: list[str]) -> argparse.ArgumentParser:
    """Every command is listed; only the one ``argv`` names gets its arguments."""
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Turn wiki-style motorsport series articles into validated JSON and "
        "Parquet.",
    )
    parser.add_argument("--version", action=_VersionAction)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    named = next((word for word in argv if not word.startswith("-")), None)
    for name, command in COMMANDS.items():
        command_parser = subparsers.add_parser(name, help=command.help)
        if name == named:
            command.load()(command_parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = _build_parser(argv).parse_args(argv)
    except SystemExit as exit_:  # argparse: 2 on a usage error, 0 after --help
        return exit_.code if isinstance(exit_.code, int) else 2
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
