"""The Parquet tables: one row model per table (an item of :mod:`pipeline.contract.items` plus
the document key ``doc_id``, ``source``), the rows one document contributes, and the Arrow
schema derived from each row model's type annotations, so empty tables keep their schema.
"""

from __future__ import annotations

import calendar
import types
import typing
from datetime import date
from typing import Annotated, Any, Literal, Union

import pyarrow as pa
from pydantic import BaseModel, computed_field, model_validator

from .items import (
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
    "SeriesRow",
    "arrow_schema",
    "document_rows",
    "to_arrow_row",
]


class DocumentKey(Record):
    doc_id: str
    source: str


class DocumentRow(DocumentKey):
    title: str | None
    title_source: str | None
    infobox: dict[str, str]
    sections: list[Section]
    see_also: list[str]
    categories: list[str]
    interlanguage: dict[str, str]
    warnings: list[str]


class SeriesRow(DocumentKey, SeriesFacts):
    pass


class ClassRow(DocumentKey, RacingClass):
    series: str | None


class AbbreviationRow(DocumentKey, Abbreviation):
    pass


class EntityRow(DocumentKey, Entity):
    pass


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
    """A date with ``start_date``/``end_date``, DATE columns for readers that filter and join
    on days rather than parse the ISO strings."""

    # Computed, not stored: they follow from the values and granularity, so they can never
    # disagree with them. A row's own dump carries them; they are dropped on the way back in.
    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in ("start_date", "end_date")}
        return data

    @computed_field
    @property
    def start_date(self) -> date | None:
        return _first_day(self.value_start, self.granularity)

    @computed_field
    @property
    def end_date(self) -> date | None:
        return _last_day(self.value_end, self.granularity)


class RelationRow(DocumentKey):
    """A typed link between the series and another name: ``subject relation object``."""

    subject: str
    relation: Literal[
        "sanctioned_by", "rules_by", "formerly_named", "renamed_to", "alias", "predecessor",
        "successor",
        "has_class", "class_parent", "class_equivalent",
    ]
    object: str


class ErrorRow(DocumentKey):
    """A rejected input or record: which document, which field, why, and what it looked like.

    ``excerpt`` is a short, printable piece of what was rejected (control characters and
    undecodable bytes escaped), or None when there is nothing to show (an empty file).
    """

    stage: Literal["read", "extract", "validate", "write"]
    field: str
    reason: str
    excerpt: str | None = None


TABLES: dict[str, type[DocumentKey]] = {
    "documents": DocumentRow,
    "series": SeriesRow,
    "classes": ClassRow,
    "abbreviations": AbbreviationRow,
    "entities": EntityRow,
    "dates": DateRow,
    "relations": RelationRow,
    "errors": ErrorRow,
}


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


def _relations(key: dict, record: DocumentRecord) -> list[RelationRow]:
    s = record.series
    subject = s.name or record.title or record.source
    pairs = (
        [("alias", v) for v in s.aliases]
        + [("sanctioned_by", v) for v in s.sanctioning_bodies]
        + [("rules_by", v) for v in s.rule_bodies]
        + [("formerly_named", v) for v in s.former_names]
        + [("renamed_to", v) for v in s.renamed_to]
        + [("predecessor", v) for v in s.predecessors]
        + [("successor", v) for v in s.successors]
        + [("has_class", c.name) for c in s.classes]
    )
    rows = [RelationRow(**key, subject=subject, relation=r, object=o) for r, o in pairs]
    for c in s.classes:
        if c.parent:
            rows.append(RelationRow(**key, subject=c.name, relation="class_parent",
                                    object=c.parent))
        rows.extend(RelationRow(**key, subject=c.name, relation="class_equivalent", object=e)
                    for e in c.equivalents)
    return rows


def document_rows(result: DocumentResult) -> dict[str, list[DocumentKey]]:
    """The rows one document contributes to each table, in document order."""
    rows: dict[str, list[DocumentKey]] = {name: [] for name in TABLES}
    rows["errors"].extend(result.errors)
    record = result.record
    if record is None:
        return rows
    key = {"doc_id": record.doc_id, "source": record.source}
    rows["documents"].append(DocumentRow(
        **key, title=record.title, title_source=record.title_source,
        infobox=record.infobox, sections=record.sections, see_also=record.see_also,
        categories=record.categories, interlanguage=record.interlanguage,
        warnings=record.warnings,
    ))
    series = record.series.model_dump(exclude={"classes"})
    rows["series"].append(SeriesRow(**key, **series))
    rows["classes"].extend(
        ClassRow(**key, series=record.series.name, **c.model_dump())
        for c in record.series.classes
    )
    rows["abbreviations"].extend(AbbreviationRow(**key, **a.model_dump())
                                 for a in record.abbreviations)
    rows["entities"].extend(EntityRow(**key, **e.model_dump()) for e in record.entities)
    rows["dates"].extend(DateRow(**key, **d.model_dump()) for d in record.dates)
    rows["relations"].extend(_relations(key, record))
    return rows


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
    """The model's fields, then its computed fields (in the order ``model_dump`` writes them)."""
    annotations = [(name, info.annotation) for name, info in model.model_fields.items()]
    annotations += [(name, info.return_type)
                    for name, info in model.model_computed_fields.items()]
    fields = []
    for name, annotation in annotations:
        arrow_type, nullable = _arrow_type(annotation)
        fields.append(pa.field(name, arrow_type, nullable=nullable))
    return fields


def arrow_schema(model: type[BaseModel]) -> pa.Schema:
    """Arrow schema of a row model: key columns first, then the item's fields."""
    fields = _fields(model)
    key = [f for f in fields if f.name in DocumentKey.model_fields]
    rest = [f for f in fields if f.name not in DocumentKey.model_fields]
    return pa.schema(key + rest)


def to_arrow_row(row: BaseModel) -> dict:
    """Dump a row for ``pa.Table.from_pylist``: dicts become (key, value) lists for map columns."""
    data = row.model_dump(mode="python")
    for name, info in type(row).model_fields.items():
        if typing.get_origin(info.annotation) is dict:
            data[name] = list(data[name].items())
    return data
