"""The output contract (``shared/spec/output.md``, schema version 1): the items of one document
as pydantic v2 models. The Parquet rows (:mod:`pipeline.contract.tables`) are these items plus
the document key, so the models are the one source of truth for both outputs.
"""

from __future__ import annotations

import calendar
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from .ids import article_id as article_id_of

__all__ = [
    "SCHEMA_VERSION",
    "Abbreviation",
    "DateKind",
    "DateMention",
    "DateMod",
    "DocumentRecord",
    "Entity",
    "EntityLabel",
    "Granularity",
    "RacingClass",
    "Record",
    "Section",
    "Series",
    "SeriesFacts",
    "SourceSpan",
    "TitleSource",
    "Year",
    "chronological_key",
    "value_parts",
]

SCHEMA_VERSION = 1

EntityLabel = Literal[
    "ORG", "SERIES", "EVENT", "TEAM", "MANUFACTURER", "CAR", "CIRCUIT", "PERSON", "LOCATION",
    "CLASS",
]
DateKind = Literal["year", "date", "month", "range", "decade", "season", "relative"]
Granularity = Literal["day", "month", "year", "decade"]
# How the text qualifies the period: "early 1944" start, "mid-November" mid, "late 1944" end,
# "around 1990" approx; "before" and "after" as written.
DateMod = Literal["start", "mid", "end", "approx", "before", "after"]
TitleSource = Literal["heading", "infobox", "lead", "inferred"]
Year = Annotated[int, Field(ge=1800, le=2200)]

# ISO-like values at the granularity written. BC years are written TIMEX2 style, "BC" and the
# written (1-based) year: "BC0480" is 480 BC, "BC0480-08-15" a day of it. A decade is written as
# its earliest and latest year ("1980s" 1980..1989, "470s BC" BC0479..BC0470).
_YEAR = r"(?:BC)?\d{4}"
ISO_BY_GRANULARITY = {
    "day": re.compile(rf"^{_YEAR}-\d{{2}}-\d{{2}}$"),
    "month": re.compile(rf"^{_YEAR}-\d{{2}}$"),
    "year": re.compile(rf"^{_YEAR}$"),
    "decade": re.compile(rf"^{_YEAR}$"),
}
_VALUE = re.compile(r"^(BC)?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def value_parts(value: str) -> tuple[int, int | None, int | None]:
    """(astronomical year, month, day) of a date value: BC N is year 1 - N (BC0001 -> 0,
    BC0480 -> -479), so years count on through the era change; month and day are None where
    the value does not write them. Raises ValueError unless the value names a real period of
    the proleptic Gregorian calendar (leap years by the astronomical year, so 1 BC is one).
    """
    match = _VALUE.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not an ISO 8601 date value")
    bc, written, month, day = match.groups()
    year = int(written)
    if bc:
        if year == 0:
            raise ValueError(f"{value!r}: there is no year 0 BC (1 BC is BC0001)")
        year = 1 - year
    month_number = None if month is None else int(month)
    day_number = None if day is None else int(day)
    if month_number is not None and not 1 <= month_number <= 12:
        raise ValueError(f"{value!r}: month is out of range")
    if day_number is not None:
        # calendar.isleap is arithmetic only, so it holds for years before 1 too (datetime
        # does not go below year 1).
        days = calendar.mdays[month_number] + (month_number == 2 and calendar.isleap(year))
        if not 1 <= day_number <= days:
            raise ValueError(f"{value!r}: day is out of range for month")
    return year, month_number, day_number


def chronological_key(value: str) -> tuple[int, int, int]:
    """A sort key that orders date values in time, by the first day of the period they write
    (strings do not: "BC0499" sorts after "BC0010" and "2008")."""
    year, month, day = value_parts(value)
    return year, month or 1, day or 1


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSpan(Record):
    """An item found at ``source[start_char:end_char]``.

    Validated against the source when it is passed as context
    (``model_validate(data, context={"source": text})``).
    """

    start_char: int = Field(ge=0, description=(
        "Offset of the item's first character in the document's text (its decoded source, or "
        "the plain text rendered from wikitext or HTML): text == source[start_char:end_char]."))
    end_char: int = Field(ge=0, description="Offset just past the item's last character.")

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
    heading: str = Field(min_length=1, description="The section's heading, as written.")
    level: int = Field(ge=1, le=6, description=(
        "Heading level, as the = signs of wikitext count it: 2 for \"==History==\", up to 6."))
    start_char: int = Field(ge=0, description="Offset where the section's heading line starts.")
    end_char: int = Field(ge=0, description=(
        "Offset where the section ends: at the next heading of the same or a higher level, or "
        "the end of its text."))


class Abbreviation(SourceSpan):
    """``start_char``/``end_char`` locate the short form where it is defined."""

    short: str = Field(min_length=1, description=(
        "The short form (\"ACO\"), as written at start_char:end_char."))
    long: str = Field(min_length=2, description=(
        "The long form it stands for (\"Automobile Club de l'Ouest\")."))
    # Where the long form stands beside it, when it does ("the JAF" linked by initials to a
    # long form elsewhere has none).
    long_start_char: int | None = Field(default=None, ge=0, description=(
        "Offset of the long form where it stands beside the short one; null when the short "
        "form is linked to a long form written elsewhere."))
    long_end_char: int | None = Field(default=None, ge=0, description=(
        "Offset just past the long form; null with long_start_char."))


class RacingClass(Record):
    name: str = Field(min_length=1, description="The class's name (\"LMP1\", \"Class A\").")
    parent: str | None = Field(default=None, description=(
        "The class it belongs to (\"LMP\" for \"LMP1\"), or null."))
    category: str | None = Field(default=None, description=(
        "The kind of car it is for (\"prototype\", \"production\", ...), or null."))
    equivalents: list[str] = Field(default=[], description=(
        "Classes of other series or rules it corresponds to (\"Group C\")."))
    description: str | None = Field(default=None, description=(
        "What the text says the class is for, or null."))


class SeriesFacts(Record):
    """The series' own facts; ``Series`` adds its classes (a table of their own in Parquet)."""

    name: str | None = Field(description=(
        "The series' name: the article's title (written or inferred), or null when none."))
    aliases: list[str] = Field(default=[], description=(
        "Other names of the series, such as its abbreviation (\"JLMC\")."))
    inaugural_year: Year | None = Field(default=None, description=(
        "The year of its first season, or null when the text does not say."))
    folded_year: Year | None = Field(default=None, description=(
        "The year of its last season, or null (still running, or not said)."))
    country: str | None = Field(default=None, description=(
        "The country it is held in, or null (several, or not said)."))
    sanctioning_bodies: list[str] = Field(default=[], description=(
        "Bodies that sanction or organise it."))
    rule_bodies: list[str] = Field(default=[], description=(
        "Bodies whose rules or regulations it runs to."))
    former_names: list[str] = Field(default=[], description="Names it had before its name.")
    # later names other than ``name`` ("was renamed X")
    renamed_to: list[str] = Field(default=[], description=(
        "Later names other than its name (\"was renamed X\")."))
    predecessors: list[str] = Field(default=[], description="Series it replaced or continues.")
    successors: list[str] = Field(default=[], description="Series that replaced it.")

    @model_validator(mode="after")
    def _folds_after_it_starts(self) -> SeriesFacts:
        if self.inaugural_year and self.folded_year and self.folded_year < self.inaugural_year:
            raise ValueError(
                f"folded_year {self.folded_year} before inaugural_year {self.inaugural_year}"
            )
        return self


class Series(SeriesFacts):
    classes: list[RacingClass] = Field(default=[], description="The series' own classes.")


class Entity(SourceSpan):
    text: str = Field(min_length=1, description="The mention, as written at start_char:end_char.")
    label: EntityLabel = Field(description=(
        "What it is: ORG (bodies, federations, organisers), SERIES, EVENT, TEAM, MANUFACTURER, "
        "CAR, CIRCUIT, PERSON, LOCATION or CLASS."))
    canonical: str = Field(min_length=1, description=(
        "The name it refers to: its full name for a short form or alias (\"ACO\" -> "
        "\"Automobile Club de l'Ouest\"), else the text."))


class DateMention(SourceSpan):
    text: str = Field(min_length=1, description=(
        "The date as written at start_char:end_char, with its modifier (\"late 1944\")."))
    kind: DateKind = Field(description=(
        "year, date, month, range, decade, season or relative (\"two years later\")."))
    value_start: str | None = Field(description=(
        "ISO 8601 at the granularity written (\"2008\", \"2008-11\", \"2008-11-01\"; "
        "\"BC0480\" for 480 BC): the start of a range, or the point itself; null when it "
        "could not be resolved."))
    value_end: str | None = Field(description=(
        "As value_start, the end of a range (equal to value_start for a point); null when "
        "unresolved or open-ended (\"2006–present\")."))
    granularity: Granularity | None = Field(description=(
        "day, month, year or decade: how precise the values are; null when unresolved."))
    mod: DateMod | None = Field(default=None, description=(
        "How the text qualifies the period: start, mid, end, approx, before, after; null when "
        "it does not."))

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
        keys = []  # chronological_key of each value, from its parts read once
        for value in values:
            if pattern is None or not pattern.match(value):
                raise ValueError(f"{value!r} is not ISO 8601 at granularity {self.granularity}")
            year, month, day = value_parts(value)  # a real month and day
            keys.append((year, month or 1, day or 1))
        if len(values) == 2 and keys[0] > keys[1]:
            raise ValueError(f"range ends {self.value_end} before it starts {self.value_start}")
        return self


class DocumentRecord(Record):
    """One JSON document per source file. Field order is the key order written."""

    schema_version: Literal[1] = Field(default=SCHEMA_VERSION, description=(
        "Version of the output contract the document follows."))
    doc_id: str = Field(pattern=r"^[0-9a-f]{64}$", description=(
        "sha256 of the document's content (a file's bytes; a dump page's title and text): "
        "changes whenever the content does."))
    source: str = Field(description=(
        "The source file's path relative to the input folder; for one of many documents of a "
        "file (a dump's page), the file's path, \"#\" and the page or block id."))
    article_id: str = Field(pattern=r"^[0-9a-f]{16}$", description=(
        "Stable id of the article: a hash of its source name (pipeline/contract/ids.py), the "
        "same when its text is edited. Set from source when not given."))
    title: str | None = Field(description=(
        "The article's title: written, or inferred from the text (see title_source); null "
        "when none."))
    title_source: TitleSource | None = Field(description=(
        "Where the title came from: heading, infobox, lead or inferred; null without title."))
    infobox: dict[str, str] = Field(default={}, description=(
        "The infobox's fields as written: key -> value."))
    sections: list[Section] = Field(default=[], description="The sections, in text order.")
    abbreviations: list[Abbreviation] = Field(default=[], description=(
        "Short forms the text defines, with their long forms."))
    series: Series = Field(description="Facts about the series the article is about.")
    entities: list[Entity] = Field(default=[], description="Named things, in text order.")
    dates: list[DateMention] = Field(default=[], description=(
        "Dates, normalised, in text order."))
    see_also: list[str] = Field(default=[], description=(
        "The titles listed under \"See also\"."))
    categories: list[str] = Field(default=[], description="The article's categories.")
    interlanguage: dict[str, str] = Field(default={}, description=(
        "The article in other languages: language code -> title."))
    warnings: list[str] = Field(default=[], description=(
        "What was doubtful or dropped while reading and extracting the article."))

    @model_validator(mode="before")
    @classmethod
    def _article_id_from_source(cls, data: object) -> object:
        if isinstance(data, dict) and "article_id" not in data \
                and isinstance(data.get("source"), str):
            data = {**data, "article_id": article_id_of(data["source"])}
        return data

    @model_validator(mode="after")
    def _article_id_is_of_source(self) -> DocumentRecord:
        if self.article_id != article_id_of(self.source):
            raise ValueError(f"article_id {self.article_id} is not the id of {self.source!r}")
        return self
