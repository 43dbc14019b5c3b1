"""The ``evaluate`` command: ``python -m pipeline evaluate GOLD_DIR [--out DIR] [--json]
[--misses] [--min FIELD=F1 ...]``."""

from __future__ import annotations

import argparse
import json
import sys

from .gold import DATE_FIELDS, FIELDS, EvaluationError
from .scores import VALUES_SUFFIX, check_thresholds, evaluate

__all__ = ["define_evaluate"]


def _parse_min(text: str) -> tuple[str, float]:
    """``FIELD=F1`` -> ``(field, minimum)``; an argparse ``type`` so a bad value is a usage
    error (exit 2) wherever the arguments are attached."""
    name, sep, number = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected FIELD=F1, got {text!r}")
    known = (name in FIELDS
             or (name.startswith("entities.") and len(name) > len("entities."))
             or name in {f"{d}{VALUES_SUFFIX}" for d in DATE_FIELDS})
    if not known:
        raise argparse.ArgumentTypeError(
            f"unknown field {name!r} (one of {', '.join(FIELDS)}, entities.<LABEL>,"
            f" dates.values, relative_dates.values)")
    try:
        minimum = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name}: {number!r} is not a number") from None
    if not 0.0 <= minimum <= 1.0:
        raise argparse.ArgumentTypeError(f"{name}: {minimum} is not between 0 and 1")
    return name, minimum


def define_evaluate(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Compare OUTPUT_DIR/json/ with a folder of gold files (the format of "
        "shared/gold/README.md): precision, recall and F1 per field, entities per label. "
        "Exit 1 when a --min threshold is not met, 2 on unusable input."
    )
    parser.add_argument("gold_dir", metavar="GOLD_DIR",
                        help="folder of gold *.json files (see gold/README.md)")
    parser.add_argument("--out", dest="output_dir", default="output", metavar="OUTPUT_DIR",
                        help="the pipeline's output folder, holding json/ (default: output)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--misses", action="store_true",
                        help="list missed, spurious and wrongly valued items per document")
    parser.add_argument("--min", dest="mins", action="append", type=_parse_min, default=[],
                        metavar="FIELD=F1",
                        help="fail (exit 1) when FIELD's F1 is below F1; repeatable; FIELD is a"
                             " table row, entities.<LABEL> or dates.values")
    parser.set_defaults(handler=_evaluate)


def _evaluate(args: argparse.Namespace) -> int:
    """0 when every threshold is met, 1 when one is not, 2 when the inputs are unusable."""
    mins = dict(args.mins or [])
    try:
        report = evaluate(args.gold_dir, args.output_dir)
    except EvaluationError as err:
        print(f"evaluate: error: {err}", file=sys.stderr)
        return 2
    failures = check_thresholds(report, mins)
    if args.json:
        payload = report.to_dict()
        payload["threshold_failures"] = failures
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(report.format_table(show_misses=args.misses))
    for failure in failures:
        print(f"below threshold: {failure}", file=sys.stderr)
    return 1 if failures else 0
