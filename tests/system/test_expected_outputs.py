"""The seeds' outputs are exactly the expected ones: a change of any rule, model or writer that
alters what the pipeline writes for them fails here, with the first differing lines.

The expected files (``tests/fixtures/expected/``) are the JSON documents as written and, per
Parquet table, its schema and rows as JSON (Parquet bytes also depend on the pyarrow version).
After a change that is meant to alter the outputs, write them again and review the diff:

    python -m tests.system.test_expected_outputs
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.contract.tables import TABLES
from pipeline.extract import process_source
from pipeline.store.writer import write_outputs
from tests.conftest import FIXTURES, RAW

EXPECTED = FIXTURES / "expected"


def write_seed_outputs(out: Path) -> None:
    results = [process_source(p.read_bytes(), p.name) for p in sorted(RAW.glob("*.txt"))]
    write_outputs(results, out)


def table_dump(path: Path) -> str:
    """A Parquet table as reviewable text: its schema, then one JSON line per row.

    Left out: ``pipeline_version`` (a hash of the code, so it changes with any edit; its
    column and metadata are tested in tests/store/test_writer.py) and the column
    descriptions (docs/schema/tables.md, kept current by tests/test_schema_docs.py).
    """
    table = pq.read_table(path)
    table = table.drop_columns(["pipeline_version"])
    lines = [table.schema.to_string(show_field_metadata=False, show_schema_metadata=False)]
    lines += [json.dumps(row, ensure_ascii=False, sort_keys=True, default=str)
              for row in table.to_pylist()]
    return "\n".join(lines) + "\n"


def outputs(out: Path) -> dict[str, str]:
    """Every output of a run, by name: the JSON documents and the dumps of the tables."""
    found = {f"json/{p.name}": p.read_text(encoding="utf-8")
             for p in sorted((out / "json").glob("*.json"))}
    found |= {f"parquet/{name}.txt": table_dump(out / "parquet" / f"{name}.parquet")
              for name in TABLES}
    return found


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("seed-outputs")
    write_seed_outputs(out)
    return outputs(out)


def test_every_expected_output_is_written(written):
    expected = sorted(p.relative_to(EXPECTED).as_posix() for p in EXPECTED.rglob("*")
                      if p.is_file())
    assert sorted(written) == expected


@pytest.mark.parametrize("name", sorted(p.relative_to(EXPECTED).as_posix()
                                        for p in EXPECTED.rglob("*") if p.is_file()))
def test_output_is_the_expected_one(written, name):
    expected = (EXPECTED / name).read_text(encoding="utf-8")
    actual = written.get(name, "")
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                    "expected", "written", lineterm="", n=1)
        pytest.fail(f"{name} differs:\n" + "\n".join(list(diff)[:40]))


def _write_expected() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        write_seed_outputs(Path(tmp))
        for name, text in outputs(Path(tmp)).items():
            path = EXPECTED / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    print(f"wrote {EXPECTED}", file=sys.stderr)


if __name__ == "__main__":
    _write_expected()
