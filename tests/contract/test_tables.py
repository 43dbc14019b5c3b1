"""The rows of the tables: ids of series, classes and relations, and the series index built
across documents (on invented articles)."""

from __future__ import annotations

import hashlib

from pipeline.contract.ids import article_id, class_id, name_id
from pipeline.contract.items import DocumentRecord
from pipeline.contract.tables import DocumentResult, SeriesIndex, document_rows
from pipeline.store.spill import Spill


def _record(source: str, text: str, series: dict, entities: list[tuple[str, str, str]] = ()
            ) -> DocumentRecord:
    """A record of ``text`` whose entities are (text, label, canonical) found in it."""
    spans = []
    for mention, label, canonical in entities:
        at = text.index(mention)
        spans.append({"text": mention, "label": label, "canonical": canonical,
                      "start_char": at, "end_char": at + len(mention)})
    return DocumentRecord.model_validate(
        {"doc_id": hashlib.sha256(text.encode()).hexdigest(), "source": source,
         "title": series.get("name"), "title_source": "heading" if series.get("name") else None,
         "series": series, "entities": spans},
        context={"source": text},
    )


NORDIC = _record(
    "nordic.txt",
    "The Nordic Rally Cup (NRC), formerly the Nordic Rally Trophy, succeeded the Baltic Rally "
    "Series.",
    {"name": "Nordic Rally Cup", "aliases": ["NRC"], "inaugural_year": 1995,
     "folded_year": 2010, "former_names": ["Nordic Rally Trophy"],
     "predecessors": ["Baltic Rally Series"], "classes": [{"name": "Class A", "parent": "A"}]},
    [("Nordic Rally Cup", "SERIES", "Nordic Rally Cup"),
     ("Baltic Rally Series", "SERIES", "Baltic Rally Series")],
)
BALTIC = _record(
    "baltic.txt",
    "The Baltic Rally Series ran from 1980 to 1994; the NRC replaced it.",
    {"name": "Baltic Rally Series", "inaugural_year": 1980, "folded_year": 1994,
     "successors": ["Nordic Rally Cup"], "classes": [{"name": "Class A"}]},
    [("NRC", "SERIES", "Nordic Rally Cup")],
)


def _index(*records: DocumentRecord) -> dict[str, dict]:
    index = SeriesIndex()
    for record in records:
        index.add(record)
    return {row.name: row.model_dump() for row in index.rows()}


def test_series_index_has_a_row_per_name_with_every_article_naming_it():
    index = _index(NORDIC, BALTIC)
    nordic_id, baltic_id = name_id("Nordic Rally Cup"), name_id("Baltic Rally Series")
    assert sorted(index) == ["Baltic Rally Series", "NRC", "Nordic Rally Cup",
                             "Nordic Rally Trophy"]
    nordic = index["Nordic Rally Cup"]
    assert nordic["name_id"] == nordic_id
    assert nordic["sources"] == ["baltic.txt", "nordic.txt"]
    assert nordic["article_ids"] == [article_id("baltic.txt"), article_id("nordic.txt")]
    assert nordic["roles"] == ["mention", "name", "successor"]
    assert (nordic["series_ids"], nordic["first_year"], nordic["last_year"]) == (
        [nordic_id], 1995, 2010)
    # An alias and a former name point to the series that goes by them, with its years.
    for name in ("NRC", "Nordic Rally Trophy"):
        assert index[name]["series_ids"] == [nordic_id]
        assert index[name]["first_year"] == 1995
    baltic = index["Baltic Rally Series"]
    assert baltic["roles"] == ["mention", "name", "predecessor"]
    assert (baltic["series_ids"], baltic["first_year"]) == ([baltic_id], 1980)


def test_a_name_only_mentioned_has_no_series_and_no_years():
    index = _index(BALTIC)
    nordic = index["Nordic Rally Cup"]  # named as a successor and mentioned, not described
    assert (nordic["series_ids"], nordic["first_year"], nordic["last_year"]) == ([], None, None)


def test_series_index_does_not_depend_on_the_order_of_articles():
    assert _index(NORDIC, BALTIC) == _index(BALTIC, NORDIC)


def test_spellings_of_one_name_share_a_row_written_as_most_articles_write_it():
    other = _record("other.txt", "The nordic rally cup and the Nordic Rally Cup.",
                    {"name": "Other Cup"},
                    [("nordic rally cup", "SERIES", "nordic rally cup")])
    index = _index(NORDIC, BALTIC, other)
    assert "nordic rally cup" not in index
    assert index["Nordic Rally Cup"]["sources"] == ["baltic.txt", "nordic.txt", "other.txt"]


def test_years_are_the_earliest_start_and_latest_end_of_the_series_going_by_a_name():
    # Two articles about series of one name (the second restarted it): the earliest start and
    # the latest end, whichever article gives them, and no year from an article that only
    # names it as a predecessor.
    later = _record("later.txt", "The Nordic Rally Cup returned.",
                    {"name": "Nordic Rally Cup", "inaugural_year": 2015})
    earlier = _record("earlier.txt", "The Nordic Rally Cup ran.",
                      {"name": "Nordic Rally Cup", "inaugural_year": 1990, "folded_year": 1999})
    named = _record("named.txt", "It replaced the Nordic Rally Cup.",
                    {"name": "Other Cup", "inaugural_year": 1970, "folded_year": 2030,
                     "predecessors": ["Nordic Rally Cup"]})
    index = _index(later, named, earlier)
    assert (index["Nordic Rally Cup"]["first_year"], index["Nordic Rally Cup"]["last_year"]) == (
        1990, 1999)


# Source names whose code-point order is not their order by UTF-16 units, by case folding or
# by locale ("𝔸" is beyond the BMP, "Z" < "a" < "é").
UNSORTED_SOURCES = ["é.txt", "𝔸.txt", "a.txt", "Z.txt", "ｚ.txt", "a b.txt", "a#10.txt",
                    "a#9.txt"]


def test_series_index_lists_articles_in_the_order_of_their_sources_as_python_sorts_them(
    tmp_path
):
    records = [_record(source, "It raced in the Nordic Rally Cup.", {"name": None},
                       [("Nordic Rally Cup", "SERIES", "Nordic Rally Cup")])
               for source in UNSORTED_SOURCES]
    # The articles spilled to a file, as a run keeps them, and in memory: the same rows.
    with Spill(tmp_path) as spill:
        index = SeriesIndex(spill.connection)
        for record in records:
            index.add(record)
        spilled = [row.model_dump() for row in index.rows()]
    in_memory = _index(*records)
    (row,) = spilled
    assert row["sources"] == sorted(UNSORTED_SOURCES)
    assert row["article_ids"] == [article_id(s) for s in sorted(UNSORTED_SOURCES)]
    assert in_memory == {row["name"]: row}


def test_classes_of_two_series_with_one_name_have_two_ids():
    nordic = document_rows(DocumentResult(source="nordic.txt", record=NORDIC))
    baltic = document_rows(DocumentResult(source="baltic.txt", record=BALTIC))
    (nordic_a,), (baltic_a,) = nordic["classes"], baltic["classes"]
    assert nordic_a.name == baltic_a.name == "Class A"
    assert nordic_a.class_id == class_id(name_id("Nordic Rally Cup"), "Class A")
    assert nordic_a.class_id != baltic_a.class_id
    has_class = [r for r in nordic["relations"] if r.relation == "has_class"]
    assert [r.object_id for r in has_class] == [nordic_a.class_id]


def test_relation_objects_join_the_series_and_entities_they_name():
    rows = document_rows(DocumentResult(source="nordic.txt", record=NORDIC))
    predecessor = next(r for r in rows["relations"] if r.relation == "predecessor")
    assert predecessor.object_kind == "series"
    assert predecessor.object_id == name_id("Baltic Rally Series")
    baltic_mention = next(e for e in rows["entities"] if e.canonical == "Baltic Rally Series")
    assert predecessor.object_id == baltic_mention.entity_id
    assert (predecessor.object_start_char, predecessor.object_end_char) == (
        baltic_mention.start_char, baltic_mention.end_char)
    assert rows["series"][0].series_id == name_id("Nordic Rally Cup")


def test_a_series_without_a_name_is_identified_by_its_source_as_relations_name_it():
    record = _record("untitled.txt", "A rally series, also called the URS.",
                     {"name": None, "aliases": ["URS"]})
    rows = document_rows(DocumentResult(source="untitled.txt", record=record))
    (series,), (alias,) = rows["series"], rows["relations"]
    assert alias.subject == "untitled.txt"
    assert series.series_id == alias.subject_id == name_id("untitled.txt")
    index = _index(record)
    assert sorted(index) == ["URS"]  # no name to index, its alias points to it
    assert index["URS"]["series_ids"] == [series.series_id]


def test_rows_validate_back_from_their_dumps_with_computed_ids():
    for rows in document_rows(DocumentResult(source="nordic.txt", record=NORDIC)).values():
        for row in rows:
            assert type(row).model_validate(row.model_dump()) == row


def test_two_articles_about_one_series_both_give_their_years():
    later = _record("nordic-2.txt", "The Nordic Rally Cup ran until 2012.",
                    {"name": "Nordic Rally Cup", "folded_year": 2012})
    nordic = _index(NORDIC, later)["Nordic Rally Cup"]
    assert nordic["sources"] == ["nordic-2.txt", "nordic.txt"]
    assert nordic["series_ids"] == [name_id("Nordic Rally Cup")]
    assert (nordic["first_year"], nordic["last_year"]) == (1995, 2012)
