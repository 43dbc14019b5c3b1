"""The output contract (``shared/spec/output.md``, schema version 1) as pydantic v2 models.

The same models declare the Parquet schemas: each table's row model is the item model plus the
document key (``doc_id``, ``source``), and :func:`arrow_schema` derives the Arrow schema from the
model's type annotations, so there is one source of truth for both outputs.
"""

from __future__ import annotations

import re
import types
import typing
from datetime import date
from typing import Annotated, Any, Literal, Union

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

SCHEMA_VERSION = 1

EntityLabel = Literal[
    "ORG", "SERIES", "EVENT", "TEAM", "MANUFACTURER", "CAR", "CIRCUIT", "PERSON", "LOCATION",
    "CLASS",
]
DateKind = Literal["year", "date", "month", "range", "decade", "season", "relative"]
Granularity = Literal["day", "month", "year", "decade"]
TitleSource = Literal["heading", "infobox", "lead", "inferred"]
Year = Annotated[int, Field(ge=1800, le=2200)]

ISO_BY_GRANULARITY = {
    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
    "year": re.compile(r"^\d{4}$"),
    "decade": re.compile(r"^\d{4}$"),
}


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSpan(Record):
    """An item found at ``source[start_char:end_char]``.

    Validated against the source when it is passed as context
    (``model_validate(data, context={"source": text})``).
    """

    start_char: int = Field(ge=0)
    end_char: int = Field(ge=0)

    @model_validator(mode="after")
    def _offsets_index_the_source(self, info: ValidationInfo) -> SourceSpan:
        if self.end_char <= self.start_char:
            raise ValueError(f"end_char {self.end_char} <= start_char {self.start_char}")
        source = (info.context or {}).get("source")
        if source is not None:
            if self.end_char > len(source):
                raise ValueError(f"end_char {self.end_char} beyond the source ({len(source)})")
            expected = getattr(self, "text", None) or getattr(self, "short", None)
            if expected is not None and source[self.start_char:self.end_char] != expected:
                raise ValueError(
                    f"source[{self.start_char}:{self.end_char}] is "
                    f"{source[self.start_char:self.end_char]!r}, not {expected!r}"
                )
        return self


class Section(Record):
    heading: str = Field(min_length=1)
    level: int = Field(ge=1, le=6)
    start_char: int = Field(ge=0)
    end_char: int = Field(ge=0)


class Abbreviation(SourceSpan):
    """``start_char``/``end_char`` locate the short form where it is defined."""

    short: str = Field(min_length=1)
    long: str = Field(min_length=2)
    # Where the long form stands beside it, when it does ("the JAF" linked by initials to a
    # long form elsewhere has none).
    long_start_char: int | None = Field(default=None, ge=0)
    long_end_char: int | None = Field(default=None, ge=0)


class RacingClass(Record):
    name: str = Field(min_length=1)
    parent: str | None = None
    category: str | None = None
    equivalents: list[str] = []
    description: str | None = None


class SeriesFacts(Record):
    """The series' own facts; ``Series`` adds its classes (a table of their own in Parquet)."""

    name: str | None
    aliases: list[str] = []
    inaugural_year: Year | None = None
    folded_year: Year | None = None
    country: str | None = None
    sanctioning_bodies: list[str] = []
    rule_bodies: list[str] = []
    former_names: list[str] = []
    renamed_to: list[str] = []  # later names other than ``name`` ("was renamed X")
    predecessors: list[str] = []
    successors: list[str] = []

    @model_validator(mode="after")
    def _folds_after_it_starts(self) -> SeriesFacts:
        if self.inaugural_year and self.folded_year and self.folded_year < self.inaugural_year:
            raise ValueError(
                f"folded_year {self.folded_year} before inaugural_year {self.inaugural_year}"
            )
        return self


class Series(SeriesFacts):
    classes: list[RacingClass] = []


class Entity(SourceSpan):
    text: str = Field(min_length=1)
    label: EntityLabel
    canonical: str = Field(min_length=1)


class DateMention(SourceSpan):
    text: str = Field(min_length=1)
    kind: DateKind
    value_start: str | None
    value_end: str | None
    granularity: Granularity | None

    @model_validator(mode="after")
    def _values_match_granularity(self) -> DateMention:
        values = [v for v in (self.value_start, self.value_end) if v is not None]
        if len(values) < 2:
            # Unresolved: a relative date without an anchor, or a day or month whose year is
            # neither written nor found before it. Explicit years and decades always resolve.
            unresolved = self.kind not in ("year", "decade") and not values
            open_range = self.kind == "range" and self.value_start is not None
            if not (unresolved or open_range):
                raise ValueError(
                    "only a relative date or a yearless day or month may be unresolved (both "
                    "ends null), and only a range open-ended (\"2006–present\": value_end null)"
                )
        pattern = ISO_BY_GRANULARITY.get(self.granularity or "")
        for value in values:
            if pattern is None or not pattern.match(value):
                raise ValueError(f"{value!r} is not ISO 8601 at granularity {self.granularity}")
            if self.granularity == "day":
                date.fromisoformat(value)
        if len(values) == 2 and values[0] > values[1]:
            raise ValueError(f"range ends {self.value_end} before it starts {self.value_start}")
        return self


class DocumentRecord(Record):
    """One JSON document per source file. Field order is the key order written."""

    schema_version: Literal[1] = SCHEMA_VERSION
    doc_id: str = Field(pattern=r"^[0-9a-f]{64}$")
    source: str
    title: str | None
    title_source: TitleSource | None
    infobox: dict[str, str] = {}
    sections: list[Section] = []
    abbreviations: list[Abbreviation] = []
    series: Series
    entities: list[Entity] = []
    dates: list[DateMention] = []
    see_also: list[str] = []
    categories: list[str] = []
    interlanguage: dict[str, str] = {}
    warnings: list[str] = []


# --- Parquet rows: item models plus the document key ----------------------------------------


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


class DateRow(DocumentKey, DateMention):
    pass


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


# --- Arrow schema from the models --------------------------------------------------------------

_SCALARS: dict[Any, pa.DataType] = {str: pa.string(), int: pa.int64(), bool: pa.bool_(),
                                    float: pa.float64()}


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
    fields = []
    for name, info in model.model_fields.items():
        arrow_type, nullable = _arrow_type(info.annotation)
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
