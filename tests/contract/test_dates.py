"""The date contract: values per granularity (BC years too), range order in time, ``mod``, and
the ``start_date``/``end_date`` DATE columns of the dates table, through to Parquet."""

from __future__ import annotations

import hashlib
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pydantic import ValidationError

from pipeline.contract.items import DateMention, DocumentRecord, chronological_key, value_parts
from pipeline.contract.tables import DateRow, DocumentResult, arrow_schema, to_arrow_row
from pipeline.store.writer import write_outputs

KINDS = {"day": "date", "month": "month", "year": "year", "decade": "decade"}
KEY = {"doc_id": "d" * 64, "source": "dates.txt"}


def _mention(start: str | None, end: str | None, granularity: str | None,
             kind: str | None = None, **extra) -> DateMention:
    if kind is None:
        kind = "range" if start != end and granularity != "decade" else KINDS[granularity]
    return DateMention(text="some date", start_char=0, end_char=9, kind=kind,
                       value_start=start, value_end=end, granularity=granularity, **extra)


def _row(start: str | None, end: str | None, granularity: str | None,
         kind: str | None = None) -> DateRow:
    return DateRow(**KEY, **_mention(start, end, granularity, kind).model_dump())


# --- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "granularity, start, end",
    [
        ("day", "2008-11-01", "2008-11-02"),
        ("day", "2008-02-29", "2008-02-29"),  # leap year
        ("day", "2000-02-29", "2000-02-29"),  # divisible by 400: leap
        ("day", "BC0480-08-15", "BC0480-08-15"),
        ("day", "BC0001-02-29", "BC0001-02-29"),  # 1 BC is astronomical year 0: leap
        ("day", "BC0005-02-29", "BC0005-02-29"),  # astronomical -4: leap
        ("month", "2008-02", "2008-02"),
        ("month", "BC0480-08", "BC0480-12"),
        ("year", "2008", "2008"),
        ("year", "BC0480", "BC0480"),
        ("year", "BC0499", "BC0493"),  # "499-493 BC"
        ("year", "BC0010", "0010"),  # across the era change
        ("year", "BC0001", "0001"),
        ("decade", "1980", "1989"),
        ("decade", "BC0479", "BC0470"),  # "470s BC": BC decades run backwards
    ],
)
def test_valid_values(granularity, start, end):
    d = _mention(start, end, granularity)
    assert (d.value_start, d.value_end, d.granularity) == (start, end, granularity)


@pytest.mark.parametrize(
    "granularity, value, message",
    [
        ("year", "2008-11", "not ISO 8601 at granularity year"),
        ("day", "2008-11", "not ISO 8601 at granularity day"),
        ("month", "2008-1", "not ISO 8601 at granularity month"),
        ("year", "BC480", "not ISO 8601 at granularity year"),
        ("year", "bc0480", "not ISO 8601 at granularity year"),
        ("year", "480BC", "not ISO 8601 at granularity year"),
        ("year", "-0479", "not ISO 8601 at granularity year"),  # BC years are written BC
        ("decade", "BC 0470", "not ISO 8601 at granularity decade"),
        ("year", "BC0000", "no year 0 BC"),
        ("decade", "BC0000", "no year 0 BC"),
        ("month", "2008-00", "month is out of range"),
        ("month", "2008-13", "month is out of range"),
        ("month", "BC0480-13", "month is out of range"),
        ("day", "2008-13-01", "month is out of range"),
        ("day", "2008-11-00", "day is out of range"),
        ("day", "2008-04-31", "day is out of range"),
        ("day", "2008-02-30", "day is out of range"),
        ("day", "2007-02-29", "day is out of range"),
        ("day", "1900-02-29", "day is out of range"),  # Gregorian: 1900 is no leap year
        ("day", "BC0002-02-29", "day is out of range"),  # astronomical -1
        ("day", "BC0101-02-29", "day is out of range"),  # astronomical -100
        ("day", "BC0480-08-32", "day is out of range"),
    ],
)
def test_invalid_values(granularity, value, message):
    with pytest.raises(ValidationError, match=message):
        _mention(value, value, granularity)
    with pytest.raises(ValidationError, match=message):  # alone, as an open range's start
        _mention(value, None, granularity, kind="range")


@pytest.mark.parametrize(
    "granularity, start, end",
    [
        ("year", "BC0493", "BC0499"),
        ("year", "0010", "BC0010"),
        ("decade", "BC0470", "BC0479"),
        ("month", "BC0480-09", "BC0480-08"),
        ("day", "BC0480-08-16", "BC0480-08-15"),
        ("year", "2009", "2008"),
    ],
)
def test_range_must_not_end_before_it_starts(granularity, start, end):
    with pytest.raises(ValidationError, match=f"ends {end} before it starts {start}"):
        _mention(start, end, granularity, kind="range")


def test_mod_is_optional_and_follows_granularity():
    assert _mention("1944", "1944", "year").mod is None
    for mod in ("start", "mid", "end", "approx", "before", "after"):
        assert _mention("1944", "1944", "year", mod=mod).mod == mod
    fields = list(DateMention.model_fields)
    assert fields[fields.index("granularity") + 1] == "mod"
    assert _mention("1944", "1944", "year").model_dump(mode="json")["mod"] is None


@pytest.mark.parametrize("mod", ["early", "late", "circa", "", "START"])
def test_mod_is_closed(mod):
    with pytest.raises(ValidationError, match="mod"):
        _mention("1944", "1944", "year", mod=mod)


@pytest.mark.parametrize(
    "value, parts",
    [
        ("2008", (2008, None, None)),
        ("2008-02", (2008, 2, None)),
        ("2008-02-29", (2008, 2, 29)),
        ("0001", (1, None, None)),
        ("BC0001", (0, None, None)),
        ("BC0480", (-479, None, None)),
        ("BC0480-08", (-479, 8, None)),
        ("BC0480-08-15", (-479, 8, 15)),
    ],
)
def test_value_parts_give_the_astronomical_year(value, parts):
    assert value_parts(value) == parts


@pytest.mark.parametrize("value", ["", "2008-", "BC0000", "-0479", "2008-13", "2008-02-30",
                                   "2008-11-01T00:00"])
def test_value_parts_reject_what_is_no_date(value):
    with pytest.raises(ValueError):
        value_parts(value)


def test_chronological_key_orders_in_time():
    in_time = ["BC0499", "BC0493", "BC0480-08", "BC0480-08-15", "BC0010", "BC0001", "0001",
               "0010", "1980", "2008-02", "2008-02-29", "2008-03-01"]
    shuffled = in_time[1::2] + in_time[-2::-2]
    assert sorted(shuffled, key=chronological_key) == in_time
    assert sorted(in_time) != in_time  # the string order the key replaces is wrong here
    assert chronological_key("2008") == chronological_key("2008-01-01")


# --- the DATE columns of the dates table ----------------------------------------------------


@pytest.mark.parametrize(
    "granularity, start, end, kind, dates",
    [
        ("year", "2008", "2008", None, (date(2008, 1, 1), date(2008, 12, 31))),
        ("year", "1983", "1992", None, (date(1983, 1, 1), date(1992, 12, 31))),
        ("month", "2008-02", "2008-02", None, (date(2008, 2, 1), date(2008, 2, 29))),
        ("month", "2007-02", "2007-02", None, (date(2007, 2, 1), date(2007, 2, 28))),
        ("month", "1900-02", "1900-02", None, (date(1900, 2, 1), date(1900, 2, 28))),
        ("month", "2008-11", "2008-12", None, (date(2008, 11, 1), date(2008, 12, 31))),
        ("day", "2008-11-01", "2008-11-02", None, (date(2008, 11, 1), date(2008, 11, 2))),
        ("day", "2008-11-01", "2008-11-01", None, (date(2008, 11, 1), date(2008, 11, 1))),
        ("decade", "1980", "1989", None, (date(1980, 1, 1), date(1989, 12, 31))),
        ("decade", "1980", "1980", None, (date(1980, 1, 1), date(1989, 12, 31))),
        ("year", "2006", None, "range", (date(2006, 1, 1), None)),  # "2006–present"
        (None, None, None, "relative", (None, None)),  # unresolved
        ("year", "BC0480", "BC0480", None, (None, None)),
        ("day", "BC0480-08-15", "BC0480-08-15", None, (None, None)),
        ("decade", "BC0009", "BC0001", None, (None, None)),  # BC, though its decade ends in AD
        ("year", "BC0010", "0010", None, (None, date(10, 12, 31))),
        ("year", "0000", "0001", "range", (None, date(1, 12, 31))),  # ISO 0000 is 1 BC
    ],
)
def test_start_and_end_date(granularity, start, end, kind, dates):
    row = _row(start, end, granularity, kind)
    assert (row.start_date, row.end_date) == dates
    assert (to_arrow_row(row)["start_date"], to_arrow_row(row)["end_date"]) == dates


def test_a_row_validates_again_from_its_own_dump():
    row = _row("2008-02", "2008-02", "month")
    dumped = row.model_dump()
    assert dumped["start_date"] == date(2008, 2, 1)
    assert DateRow.model_validate(dumped) == row
    assert DateRow.model_validate_json(row.model_dump_json()) == row
    # They follow from the values: an incoming pair that says otherwise is not kept.
    moved = DateRow.model_validate({**dumped, "start_date": date(1999, 1, 1), "end_date": None})
    assert (moved.start_date, moved.end_date) == (date(2008, 2, 1), date(2008, 2, 29))
    with pytest.raises(ValidationError, match="Extra inputs"):
        DateRow.model_validate({**dumped, "first_day": date(2008, 2, 1)})


def test_dates_schema_has_date32_columns():
    schema = arrow_schema(DateRow)
    # Then the run columns every table ends with.
    assert schema.names[-6:-2] == ["granularity", "mod", "start_date", "end_date"]
    for name in ("start_date", "end_date"):
        assert schema.field(name).type == pa.date32()
        assert schema.field(name).nullable
    assert schema.field("mod").type == pa.string()
    assert schema.field("mod").nullable


def test_dates_table_round_trip_through_the_writer(tmp_path):
    text = "Dates: 1980s, February 2008, 480 BC, 2006–present, the next season."
    spans = {"1980s": ("decade", "1980", "1989", "decade", None),
             "February 2008": ("month", "2008-02", "2008-02", "month", "start"),
             "480 BC": ("year", "BC0480", "BC0480", "year", "approx"),
             "2006–present": ("range", "2006", None, "year", None),
             "the next season": ("relative", None, None, None, None)}
    dates = []
    for phrase, (kind, start, end, granularity, mod) in spans.items():
        at = text.index(phrase)
        dates.append({"text": phrase, "start_char": at, "end_char": at + len(phrase),
                      "kind": kind, "value_start": start, "value_end": end,
                      "granularity": granularity, "mod": mod})
    doc_id = hashlib.sha256(text.encode()).hexdigest()
    record = DocumentRecord.model_validate(
        {"doc_id": doc_id, "source": "dates.txt", "title": None, "title_source": None,
         "series": {"name": None}, "dates": dates},
        context={"source": text},
    )
    write_outputs([DocumentResult(source="dates.txt", doc_id=doc_id, record=record)], tmp_path)

    path = tmp_path / "parquet" / "dates.parquet"
    table = pq.read_table(path)
    assert table.schema.field("start_date").type == pa.date32()
    assert table.schema.field("end_date").type == pa.date32()
    # The Parquet logical type other readers (DuckDB, polars, pandas) read as DATE.
    parquet_schema = pq.ParquetFile(path).schema
    names = parquet_schema.names
    for name in ("start_date", "end_date"):
        assert str(parquet_schema.column(names.index(name)).logical_type) == "Date"
    assert table.column("start_date").to_pylist() == [
        date(1980, 1, 1), date(2008, 2, 1), None, date(2006, 1, 1), None]
    assert table.column("end_date").to_pylist() == [
        date(1989, 12, 31), date(2008, 2, 29), None, None, None]
    assert table.column("mod").to_pylist() == [None, "start", "approx", None, None]
    assert table.column("value_start").to_pylist() == ["1980", "2008-02", "BC0480", "2006", None]
