"""The README's example queries ("Querying the tables") run on a real run's output over the
seeds: the SQL with DuckDB, the Python with polars and with pandas. The queries are read from
the README, so an edit there is tested as written; each query must return rows, so a query
that silently matches nothing (a string compared with a DATE, a float year) fails."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

from pipeline.run import SerialExecutor, run_incremental
from tests.conftest import RAW

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "## Querying the tables"

duckdb = pytest.importorskip("duckdb")
pl = pytest.importorskip("polars")
pd = pytest.importorskip("pandas")


def readme_blocks() -> list[tuple[str, str]]:
    """(language, code) of every fenced block of the README's querying section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION):]
    section = section[:section.index("\n## ", len(SECTION))]
    return re.findall(r"^```(\w+)\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)


def sql_statements() -> list[str]:
    return [statement.strip() for language, code in readme_blocks() if language == "sql"
            for statement in code.split(";") if statement.strip()]


def python_blocks(library: str) -> list[str]:
    return [code for language, code in readme_blocks()
            if language == "python" and f"import {library}" in code]


@pytest.fixture(scope="module")
def output_folder(tmp_path_factory) -> Path:
    """A folder holding ``output/``, written by a run over the seeds."""
    folder = tmp_path_factory.mktemp("queries")
    run_incremental(RAW, folder / "output", executor=SerialExecutor())
    return folder


def test_the_readme_has_queries_for_each_reader():
    assert len(sql_statements()) >= 5
    assert python_blocks("polars") and python_blocks("pandas")


@pytest.mark.parametrize("statement", sql_statements(),
                         ids=lambda s: s.splitlines()[0].removeprefix("-- ")[:60])
def test_readme_sql_runs_on_duckdb(output_folder, monkeypatch, statement):
    monkeypatch.chdir(output_folder)
    rows = duckdb.connect().execute(statement).fetchall()
    assert rows, statement


def _run_block(code: str, folder: Path, monkeypatch) -> dict:
    """Run a README block as a script from ``folder``; its global variables."""
    monkeypatch.chdir(folder)
    script = folder / "readme_block.py"
    script.write_text(code, encoding="utf-8")
    return runpy.run_path(str(script))


def test_readme_polars_runs(output_folder, monkeypatch):
    for code in python_blocks("polars"):
        namespace = _run_block(code, output_folder, monkeypatch)
        frames = {k: v for k, v in namespace.items() if isinstance(v, pl.DataFrame)}
        assert frames and all(len(frame) for frame in frames.values()), frames
        assert namespace["series"].schema["inaugural_year"] == pl.Int64
        assert namespace["dates"].schema["start_date"] == pl.Date


def test_readme_pandas_runs_with_integer_years_and_dates(output_folder, monkeypatch):
    for code in python_blocks("pandas"):
        namespace = _run_block(code, output_folder, monkeypatch)
        frames = {k: v for k, v in namespace.items() if isinstance(v, pd.DataFrame)}
        assert frames and all(len(frame) for frame in frames.values()), frames
        series, dates = namespace["series"], namespace["dates"]
        # Nullable integers stay integers with the pyarrow backend (not float64 with NaN).
        for column in ("inaugural_year", "folded_year"):
            assert pd.api.types.is_integer_dtype(series[column].dtype), series[column].dtype
        assert str(dates["start_date"].dtype) == "date32[day][pyarrow]"


def test_pandas_with_the_pyarrow_backend_keeps_a_null_year_an_integer(tmp_path):
    # A year column with a null: pandas' default backend would make it float64 with NaN.
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "years.parquet"
    pq.write_table(pa.table({"year": pa.array([1983, None], pa.int64())}), path)
    years = pd.read_parquet(path, dtype_backend="pyarrow")["year"]
    assert pd.api.types.is_integer_dtype(years.dtype) and years.isna().tolist() == [False, True]
    assert pd.read_parquet(path)["year"].dtype == "float64"  # why the README says so
