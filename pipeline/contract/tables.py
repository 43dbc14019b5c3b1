"""The Parquet tables: one row model per table (an item of :mod:`pipeline.contract.items` plus
the document key ``doc_id``, ``source``, ``article_id``), the rows one document contributes,
the cross-document ``series_index``, and the Arrow schema derived from each row model's type
annotations and field descriptions, so empty tables keep their schema and every column says
what it holds.

Every table also has the run columns of :class:`RunColumns` (``pipeline_version``,
``schema_version``), added by the writer, which writes them into the file metadata too.
Ids (``article_id``, ``series_id``, ``class_id``, ``entity_id``) are the hashes of
:mod:`pipeline.contract.ids`.
"""

from __future__ import annotations

import calendar
import functools
import sqlite3
import types
import typing
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from typing import Annotated, Any, Literal, Union

import pyarrow as pa
from pydantic import BaseModel, Field, computed_field, model_validator

from . import ids
from .items import (
    SCHEMA_VERSION,
    Abbreviation,
    DateMention,
    DocumentRecord,
    Entity,
    RacingClass,
    Record,
    Section,
    SeriesFacts,
    value_parts,
)

__all__ = [
    "DOCUMENT_TABLES",
    "KEY_COLUMNS",
    "TABLES",
    "AbbreviationRow",
    "ClassRow",
    "DateRow",
    "DocumentKey",
    "DocumentResult",
    "DocumentRow",
    "EntityRow",
    "ErrorRow",
    "RelationRow",
    "RunColumns",
    "SeriesIndex",
    "SeriesIndexRow",
    "SeriesRow",
    "arrow_schema",
    "document_rows",
    "series_subject",
    "to_arrow_row",
]

KEY_COLUMNS = ("doc_id", "source", "article_id")


def _described(model: type[BaseModel], name: str) -> Any:
    """A field declared again in a row model, with the item's description."""
    return Field(description=model.model_fields[name].description)


class DocumentKey(Record):
    """The key of every row: which document it comes from."""

    doc_id: str = Field(description=(
        "sha256 of the document's content: changes whenever its text does (\"\" for an "
        "input rejected before its content was read)."))
    source: str = _described(DocumentRecord, "source")

    # Computed fields follow from the stored ones, so they can never disagree with them. A
    # row's own dump carries them; they are dropped on the way back in.
    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        if isinstance(data, dict):
            computed = _computed_names(cls)
            if not computed.isdisjoint(data):
                data = {k: v for k, v in data.items() if k not in computed}
        return data

    @computed_field(description=(
        "Stable id of the article, from its source name (and page id): the same when its text "
        "is edited, unlike doc_id. See pipeline/contract/ids.py."))
    @property
    def article_id(self) -> str:
        return ids.article_id(self.source)


class DocumentRow(DocumentKey):
    """One row per document that produced a record: its title and structure."""

    title: str | None = _described(DocumentRecord, "title")
    title_source: str | None = _described(DocumentRecord, "title_source")
    infobox: dict[str, str] = _described(DocumentRecord, "infobox")
    sections: list[Section] = _described(DocumentRecord, "sections")
    see_also: list[str] = _described(DocumentRecord, "see_also")
    categories: list[str] = _described(DocumentRecord, "categories")
    interlanguage: dict[str, str] = _described(DocumentRecord, "interlanguage")
    warnings: list[str] = _described(DocumentRecord, "warnings")


_SERIES_ID = ("Id of the series: the hash of its name (pipeline/contract/ids.py), so the same "
              "name in two articles has one series_id; equal to the entity_id of entities with "
              "that canonical name and to series_index.name_id. A series without a name takes "
              "the id of its article's source name.")


class SeriesRow(DocumentKey, SeriesFacts):
    """One row per document: the facts about the series it is about."""

    series_id: str = Field(description=_SERIES_ID)


class ClassRow(DocumentKey, RacingClass):
    """One row per class of a document's series."""

    series: str | None = Field(description="The name of the series the class belongs to.")
    series_id: str = Field(description="Id of the series the class belongs to (series table).")

    @computed_field(description=(
        "Id of the class, scoped by its series: the hash of series_id and the class name, so "
        "two series' \"Class A\" are two classes."))
    @property
    def class_id(self) -> str:
        return ids.class_id(self.series_id, self.name)


class AbbreviationRow(DocumentKey, Abbreviation):
    """One row per short form a document defines."""


class EntityRow(DocumentKey, Entity):
    """One row per entity mention."""

    @computed_field(description=(
        "Id of what the entity names: the hash of its canonical name (not of its label), so "
        "mentions of one name in any article share it; equal to the series_id of a series of "
        "that name and to the object_id of relations naming it."))
    @property
    def entity_id(self) -> str:
        return ids.name_id(self.canonical)


def _first_day(value: str | None, granularity: str | None) -> date | None:
    """The first day of the period ``value`` writes; None where a ``date`` cannot hold it."""
    if value is None:
        return None
    year, month, day = value_parts(value)
    if granularity == "decade":
        year -= year % 10
    return date(year, month or 1, day or 1) if year >= 1 else None


def _last_day(value: str | None, granularity: str | None) -> date | None:
    """The last day of the period ``value`` writes (of its decade, at granularity decade: a
    decade's values are its earliest and latest year); None where a ``date`` cannot hold it."""
    if value is None:
        return None
    year, month, day = value_parts(value)
    if year < 1:  # BC: before the decade is widened, so no BC decade ends in AD
        return None
    if granularity == "decade":
        year += 9 - year % 10
    month = month or 12
    return date(year, month, day or calendar.monthrange(year, month)[1])


class DateRow(DocumentKey, DateMention):
    """One row per date mention, with ``start_date``/``end_date``, DATE columns for readers
    that filter and join on days rather than parse the ISO strings."""

    @computed_field(description=(
        "The first day of the period written, as a DATE (\"2008\" -> 2008-01-01, \"1980s\" "
        "-> 1980-01-01); null where value_start is null or BC."))
    @property
    def start_date(self) -> date | None:
        return _first_day(self.value_start, self.granularity)

    @computed_field(description=(
        "The last day of the period written, as a DATE (\"2008\" -> 2008-12-31, \"1980s\" "
        "-> 1989-12-31); null where value_end is null or BC."))
    @property
    def end_date(self) -> date | None:
        return _last_day(self.value_end, self.granularity)


RelationKind = Literal["series", "class", "entity"]


class RelationRow(DocumentKey):
    """One row per typed link between the series (or one of its classes) and another name:
    ``subject relation object``, by name and by id."""

    subject: str = Field(description=(
        "The series' name (its article's title or source name when it has none), or a class "
        "name for class_parent and class_equivalent."))
    relation: Literal[
        "sanctioned_by", "rules_by", "formerly_named", "renamed_to", "alias", "predecessor",
        "successor",
        "has_class", "class_parent", "class_equivalent",
    ] = Field(description=(
        "sanctioned_by, rules_by (bodies); alias, formerly_named, renamed_to, predecessor, "
        "successor (series names); has_class (series -> class); class_parent, "
        "class_equivalent (class -> class)."))
    object: str = Field(description="The name the subject is linked to.")
    subject_kind: Literal["series", "class"] = Field(description=(
        "What subject_id identifies: series (series.series_id) or class (classes.class_id)."))
    subject_id: str = Field(description="Id of the subject: a series_id or a class_id.")
    object_kind: RelationKind = Field(description=(
        "What object_id identifies: series (a series name: series_index.name_id, "
        "series.series_id), class (classes.class_id, of the same series) or entity (a body or "
        "an equivalent class of other rules: entities.entity_id)."))
    object_id: str = Field(description=(
        "Id of the object: the hash of its name (a series_id or entity_id), or a class_id."))
    object_start_char: int | None = Field(default=None, description=(
        "Where the text names the object: the first entity mention whose canonical name or "
        "text is the object (for an alias, the short form where it is defined); null when no "
        "mention in the text names it."))
    object_end_char: int | None = Field(default=None, description=(
        "Offset just past that mention; null with object_start_char."))


class ErrorRow(DocumentKey):
    """One row per rejected input or record: which document, which field, why, and what it
    looked like.

    ``excerpt`` is a short, printable piece of what was rejected (control characters and
    undecodable bytes escaped), or None when there is nothing to show (an empty file).
    """

    stage: Literal["read", "extract", "validate", "write"] = Field(description=(
        "Where it was rejected: read, extract, validate or write."))
    field: str = Field(description=(
        "What was rejected: the input's size, encoding, path, body or source, or a field of "
        "the record."))
    reason: str = Field(description="Why, in words.")
    excerpt: str | None = Field(default=None, description=(
        "A short printable excerpt of what was rejected (control characters and undecodable "
        "bytes escaped), or null when there is nothing to show."))


class SeriesIndexRow(Record):
    """Across documents: one row per distinct series name (by its normalised form), from every
    article that names it as its series' name, alias, former or later name, predecessor or
    successor, or mentions it as a SERIES entity."""

    name_id: str = Field(description=(
        "Id of the name (pipeline/contract/ids.py): the series_id of a series of this name, "
        "the entity_id of its mentions, the object_id of relations naming it."))
    name: str = Field(description=(
        "The name as written: its most frequent spelling (the first in sort order on a tie)."))
    roles: list[str] = Field(description=(
        "How the articles name it, sorted: name, alias, former_name, renamed_to (of their "
        "series), predecessor, successor, mention (a SERIES entity)."))
    article_ids: list[str] = Field(description=(
        "Every article that names it, in the order of their sources."))
    sources: list[str] = Field(description="The sources of those articles, in the same order.")
    series_ids: list[str] = Field(description=(
        "The series (series.series_id) that go by this name: as their name, an alias, a former "
        "or later name; empty when it is only mentioned or named as a predecessor or successor."))
    first_year: int | None = Field(description=(
        "The earliest inaugural_year of those series; null when none is known."))
    last_year: int | None = Field(description=(
        "The latest folded_year of those series; null when none is known (or still running)."))


# The tables one document contributes rows to, then the tables built across documents.
DOCUMENT_TABLES: dict[str, type[DocumentKey]] = {
    "documents": DocumentRow,
    "series": SeriesRow,
    "classes": ClassRow,
    "abbreviations": AbbreviationRow,
    "entities": EntityRow,
    "dates": DateRow,
    "relations": RelationRow,
    "errors": ErrorRow,
}
# Every table, in the order summaries list them (errors last, where people look for them).
TABLES: dict[str, type[Record]] = {
    **{name: model for name, model in DOCUMENT_TABLES.items() if name != "errors"},
    "series_index": SeriesIndexRow,
    "errors": ErrorRow,
}


class RunColumns(Record):
    """Columns every table ends with, the same in every row of a run (also in each file's
    metadata)."""

    pipeline_version: str = Field(description=(
        "Version of the pipeline that produced the rows: a hash of the extraction code, its "
        "data files, settings and libraries (pipeline/store/incremental.py)."))
    schema_version: int = Field(description=(
        "Version of the output contract the table follows (shared/spec/output.md)."))


class DocumentResult(BaseModel):
    """What one source produced: its record (None when rejected) and its error rows."""

    source: str
    doc_id: str | None = None
    record: DocumentRecord | None = None
    errors: list[ErrorRow] = []

    @property
    def ok(self) -> bool:
        return self.record is not None

    @classmethod
    def rejected(cls, source: str, doc_id: str | None, stage: str, field: str,
                 reason: str, excerpt: str | None = None) -> DocumentResult:
        """A document that produced no record: one error row says why."""
        return cls(source=source, doc_id=doc_id, errors=[ErrorRow(
            doc_id=doc_id or "", source=source, stage=stage, field=field, reason=reason,
            excerpt=excerpt)])


# --- the rows of one document --------------------------------------------------------------


def series_subject(record: DocumentRecord) -> str:
    """The name relations and ids give a document's series: its name, else the article's
    title, else its source name."""
    return record.series.name or record.title or record.source


def _first_mentions(record: DocumentRecord) -> dict[str, tuple[int, int]]:
    """Normalised name -> (start, end) of its first entity mention, by canonical name and by
    text."""
    spans: dict[str, tuple[int, int]] = {}
    for entity in record.entities:
        for name in (entity.canonical, entity.text):
            key = ids.name_key(name)
            if key not in spans or entity.start_char < spans[key][0]:
                spans[key] = (entity.start_char, entity.end_char)
    return spans


def _relations(key: dict, record: DocumentRecord) -> list[RelationRow]:
    s = record.series
    subject = series_subject(record)
    series_id = ids.name_id(subject)
    mentions = _first_mentions(record)
    definitions = {ids.name_key(a.short): (a.start_char, a.end_char)
                   for a in reversed(record.abbreviations)}  # the first definition wins

    def row(relation: str, subject_name: str, subject_kind: str, subject_id: str,
            name: str, kind: str, object_id: str) -> RelationRow:
        name_key = ids.name_key(name)
        span = definitions.get(name_key) if relation == "alias" else None
        span = span or mentions.get(name_key) or (None, None)
        return RelationRow(**key, subject=subject_name, relation=relation, object=name,
                           subject_kind=subject_kind, subject_id=subject_id, object_kind=kind,
                           object_id=object_id, object_start_char=span[0],
                           object_end_char=span[1])

    def of_series(relation: str, name: str, kind: str) -> RelationRow:
        return row(relation, subject, "series", series_id, name, kind, ids.name_id(name))

    rows = (
        [of_series("alias", v, "series") for v in s.aliases]
        + [of_series("sanctioned_by", v, "entity") for v in s.sanctioning_bodies]
        + [of_series("rules_by", v, "entity") for v in s.rule_bodies]
        + [of_series("formerly_named", v, "series") for v in s.former_names]
        + [of_series("renamed_to", v, "series") for v in s.renamed_to]
        + [of_series("predecessor", v, "series") for v in s.predecessors]
        + [of_series("successor", v, "series") for v in s.successors]
        + [row("has_class", subject, "series", series_id, c.name, "class",
               ids.class_id(series_id, c.name)) for c in s.classes]
    )
    for c in s.classes:
        class_id = ids.class_id(series_id, c.name)
        if c.parent:
            rows.append(row("class_parent", c.name, "class", class_id, c.parent, "class",
                            ids.class_id(series_id, c.parent)))
        # An equivalent belongs to other rules or series, so it is known by its name only.
        rows.extend(row("class_equivalent", c.name, "class", class_id, e, "entity",
                        ids.name_id(e)) for e in c.equivalents)
    return rows


def document_rows(result: DocumentResult) -> dict[str, list[DocumentKey]]:
    """The rows one document contributes to each of :data:`DOCUMENT_TABLES`, in document
    order."""
    rows: dict[str, list[DocumentKey]] = {name: [] for name in DOCUMENT_TABLES}
    rows["errors"].extend(result.errors)
    record = result.record
    if record is None:
        return rows
    key = {"doc_id": record.doc_id, "source": record.source}
    series_id = ids.name_id(series_subject(record))
    rows["documents"].append(DocumentRow(
        **key, title=record.title, title_source=record.title_source,
        infobox=record.infobox, sections=record.sections, see_also=record.see_also,
        categories=record.categories, interlanguage=record.interlanguage,
        warnings=record.warnings,
    ))
    series = record.series.model_dump(exclude={"classes"})
    rows["series"].append(SeriesRow(**key, **series, series_id=series_id))
    rows["classes"].extend(
        ClassRow(**key, series=record.series.name, series_id=series_id, **c.model_dump())
        for c in record.series.classes
    )
    rows["abbreviations"].extend(AbbreviationRow(**key, **a.model_dump())
                                 for a in record.abbreviations)
    rows["entities"].extend(EntityRow(**key, **e.model_dump()) for e in record.entities)
    rows["dates"].extend(DateRow(**key, **d.model_dump()) for d in record.dates)
    rows["relations"].extend(_relations(key, record))
    return rows


# --- the series index, across documents -----------------------------------------------------

# How an article names a series; the first four are names of its own series.
OWN_ROLES = ("name", "alias", "former_name", "renamed_to")


@dataclass
class _IndexedName:
    spellings: Counter = dataclass_field(default_factory=Counter)
    roles: set[str] = dataclass_field(default_factory=set)
    series_ids: set[str] = dataclass_field(default_factory=set)
    first_year: int | None = None
    last_year: int | None = None


class SeriesIndex:
    """Builds the ``series_index`` table from every document of a run, added one at a time.

    What grows with the documents, the articles that name each name, is kept in a table of
    ``database`` (the run's spill file, :mod:`pipeline.store.spill`; by default a database in
    memory) and read back a name at a time; the rest grows with the distinct names only."""

    def __init__(self, database: sqlite3.Connection | None = None) -> None:
        self.names: dict[str, _IndexedName] = {}
        self.db = database if database is not None else sqlite3.connect(":memory:")
        # Sorted by (key, source) as the key is: SQLite compares text as UTF-8 bytes, which
        # orders it by code point, as Python's sort of str does.
        self.db.execute("CREATE TABLE series_index_articles (key TEXT NOT NULL, "
                        "source TEXT NOT NULL, article_id TEXT NOT NULL, "
                        "PRIMARY KEY (key, source)) WITHOUT ROWID")

    def add(self, record: DocumentRecord) -> None:
        s = record.series
        series_id = ids.name_id(series_subject(record))
        article_id = ids.article_id(record.source)
        named = (
            [(n, "name") for n in [s.name] if n]
            + [(n, "alias") for n in s.aliases]
            + [(n, "former_name") for n in s.former_names]
            + [(n, "renamed_to") for n in s.renamed_to]
            + [(n, "predecessor") for n in s.predecessors]
            + [(n, "successor") for n in s.successors]
            + [(e.canonical, "mention") for e in record.entities if e.label == "SERIES"]
        )
        keys = set()
        for name, role in named:
            key = ids.name_key(name)
            keys.add(key)
            entry = self.names.setdefault(key, _IndexedName())
            entry.spellings[name] += 1
            entry.roles.add(role)
            if role in OWN_ROLES:
                # The years of every article whose series goes by the name.
                entry.series_ids.add(series_id)
                entry.first_year = _either(entry.first_year, s.inaugural_year, min)
                entry.last_year = _either(entry.last_year, s.folded_year, max)
        self.db.executemany("INSERT OR IGNORE INTO series_index_articles VALUES (?, ?, ?)",
                            [(key, record.source, article_id) for key in sorted(keys)])

    def rows(self) -> Iterator[SeriesIndexRow]:
        """One row per name, in the order of their normalised forms."""
        for key in sorted(self.names):
            entry = self.names[key]
            spelling = min(entry.spellings.items(), key=lambda item: (-item[1], item[0]))[0]
            articles = self.db.execute(
                "SELECT source, article_id FROM series_index_articles WHERE key = ? "
                "ORDER BY source", (key,)).fetchall()
            sources = [source for source, _ in articles]
            article_ids = [article_id for _, article_id in articles]
            del articles
            yield SeriesIndexRow(
                name_id=ids.name_id(spelling), name=spelling, roles=sorted(entry.roles),
                article_ids=article_ids, sources=sources, series_ids=sorted(entry.series_ids),
                first_year=entry.first_year, last_year=entry.last_year,
            )


def _either(kept: int | None, year: int | None, pick) -> int | None:
    """``pick`` (min or max) of two years, either of which may be unknown."""
    return kept if year is None else year if kept is None else pick(kept, year)


# --- Arrow schema from the models --------------------------------------------------------------

_SCALARS: dict[Any, pa.DataType] = {str: pa.string(), int: pa.int64(), bool: pa.bool_(),
                                    float: pa.float64(), date: pa.date32()}


def _arrow_type(annotation: Any) -> tuple[pa.DataType, bool]:
    """(Arrow type, nullable) for a field annotation."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _arrow_type(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        return _arrow_type(args[0])[0], True
    if origin is Literal:
        return pa.string(), False
    if origin is list:
        item_type, _ = _arrow_type(typing.get_args(annotation)[0])
        return pa.list_(item_type), False
    if origin is dict:
        key, value = typing.get_args(annotation)
        return pa.map_(_arrow_type(key)[0], _arrow_type(value)[0]), False
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(_fields(annotation)), False
    if annotation in _SCALARS:
        return _SCALARS[annotation], False
    raise TypeError(f"no Arrow type for {annotation!r}")


def _fields(model: type[BaseModel]) -> list[pa.Field]:
    """The model's fields, then its computed fields (in the order ``model_dump`` writes them),
    each with its description as field metadata (``description``)."""
    annotations = [(name, info.annotation, info.description)
                   for name, info in model.model_fields.items()]
    annotations += [(name, info.return_type, info.description)
                    for name, info in model.model_computed_fields.items()]
    fields = []
    for name, annotation, description in annotations:
        arrow_type, nullable = _arrow_type(annotation)
        metadata = {"description": description} if description else None
        fields.append(pa.field(name, arrow_type, nullable=nullable, metadata=metadata))
    return fields


def arrow_schema(model: type[BaseModel], pipeline_version: str | None = None) -> pa.Schema:
    """Arrow schema of a table's row model: key columns first, then the item's fields, then
    the :class:`RunColumns`. The schema metadata holds ``schema_version`` and, when given,
    ``pipeline_version``."""
    fields = _fields(model)
    key = sorted((f for f in fields if f.name in KEY_COLUMNS),
                 key=lambda f: KEY_COLUMNS.index(f.name))
    rest = [f for f in fields if f.name not in KEY_COLUMNS]
    metadata = {"schema_version": str(SCHEMA_VERSION)}
    if pipeline_version is not None:
        metadata["pipeline_version"] = pipeline_version
    return pa.schema(key + rest + _fields(RunColumns), metadata=metadata)


@functools.cache
def _computed_names(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(model.model_computed_fields)


@functools.cache
def _map_fields(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name, info in model.model_fields.items()
                 if typing.get_origin(info.annotation) is dict)


def to_arrow_row(row: BaseModel) -> dict:
    """Dump a row as Arrow takes it: dicts become (key, value) lists for map columns."""
    data = row.model_dump(mode="python")
    for name in _map_fields(type(row)):
        data[name] = list(data[name].items())
    return data
