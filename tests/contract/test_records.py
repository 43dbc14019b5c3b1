from __future__ import annotations

import pyarrow as pa
import pytest
from pydantic import ValidationError

from pipeline.contract.items import DateMention, Entity, Series
from pipeline.contract.tables import TABLES, arrow_schema

SOURCE = "The Baltic Touring Trophy began in 1998 at Vastervik Raceway."


def test_entity_offsets_must_slice_back_to_text():
    ok = Entity.model_validate(
        {"text": "Vastervik Raceway", "label": "CIRCUIT", "start_char": 43, "end_char": 60,
         "canonical": "Vastervik Raceway"},
        context={"source": SOURCE},
    )
    assert SOURCE[ok.start_char:ok.end_char] == ok.text
    with pytest.raises(ValidationError, match="not 'Vastervik Raceway'"):
        Entity.model_validate(
            {"text": "Vastervik Raceway", "label": "CIRCUIT", "start_char": 42, "end_char": 59,
             "canonical": "Vastervik Raceway"},
            context={"source": SOURCE},
        )


def test_entity_label_is_closed():
    with pytest.raises(ValidationError, match="label"):
        Entity(text="x", label="DRIVER", start_char=0, end_char=1, canonical="x")


@pytest.mark.parametrize(
    "values, message",
    [
        (("1998-02", "1998-02", "year"), "not ISO 8601 at granularity year"),
        (("1998-02-30", "1998-02-30", "day"), "day is out of range"),
        (("1999", "1998", "year"), "ends 1998 before it starts 1999"),
        ((None, "1998", "year"), "only a relative date or a yearless day"),
        ((None, None, "year"), "only a relative date or a yearless day"),
    ],
)
def test_date_values_are_checked(values, message):
    start, end, granularity = values
    with pytest.raises(ValidationError, match=message):
        DateMention(text="1998", start_char=35, end_char=39, kind="year",
                    value_start=start, value_end=end, granularity=granularity)


def test_unresolved_relative_date_is_valid():
    d = DateMention(text="the next season", start_char=0, end_char=15, kind="relative",
                    value_start=None, value_end=None, granularity=None)
    assert d.value_start is None


def test_series_years_are_ordered_and_plausible():
    with pytest.raises(ValidationError, match="before inaugural_year"):
        Series(name="X", inaugural_year=2005, folded_year=2001)
    with pytest.raises(ValidationError, match="inaugural_year"):
        Series(name="X", inaugural_year=120)


def test_every_table_has_a_declared_schema_with_key_columns():
    for name, model in TABLES.items():
        schema = arrow_schema(model)
        assert schema.names[-2:] == ["pipeline_version", "schema_version"], name
        if name == "series_index":  # across documents: no document key
            continue
        assert schema.names[:3] == ["doc_id", "source", "article_id"], name
        assert schema.field("doc_id").type == pa.string()
    entities = arrow_schema(TABLES["entities"])
    assert entities.field("start_char").type == pa.int64()
    assert not entities.field("start_char").nullable
    dates = arrow_schema(TABLES["dates"])
    assert dates.field("value_start").nullable
    documents = arrow_schema(TABLES["documents"])
    assert documents.field("infobox").type == pa.map_(pa.string(), pa.string())
    assert documents.field("sections").type == pa.list_(pa.struct([
        pa.field("heading", pa.string(), nullable=False),
        pa.field("level", pa.int64(), nullable=False),
        pa.field("start_char", pa.int64(), nullable=False),
        pa.field("end_char", pa.int64(), nullable=False),
    ]))
    series = arrow_schema(TABLES["series"])
    assert series.field("inaugural_year").type == pa.int64()
    assert series.field("aliases").type == pa.list_(pa.string())
    assert "classes" not in series.names


def test_open_ended_range_keeps_its_start():
    d = DateMention(text="2011–present", start_char=0, end_char=12, kind="range",
                    value_start="2011", value_end=None, granularity="year")
    assert d.value_end is None
    with pytest.raises(ValidationError, match="only a range open-ended"):
        DateMention(text="2011", start_char=0, end_char=4, kind="year",
                    value_start="2011", value_end=None, granularity="year")
