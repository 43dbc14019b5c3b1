"""The contract's boundary: a document's plain facts validated into a :class:`DocumentRecord`.

Items are validated one by one against the source text (offsets must slice back to the item's
text); an invalid item becomes an error row and the rest is kept, and a series field that fails
is dropped to its default with an error row saying why.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..ingest.decoding import EXCERPT_CHARS, printable
from ..ingest.document import SourceDocument
from .ids import article_id as article_id_of
from .items import (
    Abbreviation,
    DateMention,
    DocumentRecord,
    Entity,
    RacingClass,
    Section,
    Series,
)
from .tables import DocumentResult, ErrorRow

__all__ = ["validated_result"]


def _reason(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in error.errors()
    )


@cache
def _list_adapter(model: type[BaseModel]) -> TypeAdapter:
    return TypeAdapter(list[model])


class _Validator:
    """Validates items one by one; an invalid item becomes an error row, the rest is kept."""

    def __init__(self, document: SourceDocument) -> None:
        self.document = document
        self.errors: list[ErrorRow] = []
        self.context = {"source": document.text}

    def error(self, stage: str, field: str, reason: str, excerpt: str | None = None) -> None:
        self.errors.append(
            ErrorRow(doc_id=self.document.doc_id, source=self.document.source,
                     stage=stage, field=field, reason=reason, excerpt=excerpt)
        )

    def items(self, model: type[BaseModel], field: str, raw: Iterable[dict]) -> list[Any]:
        raw = list(raw)
        try:
            # The whole list in one call (one call per item costs a third more); an item that
            # fails sends the list through one by one, to keep the others and name the failure.
            return _list_adapter(model).validate_python(raw, context=self.context)
        except ValidationError:
            pass
        valid = []
        for i, item in enumerate(raw):
            try:
                valid.append(model.model_validate(item, context=self.context))
            except ValidationError as exc:
                self.error("validate", f"{field}[{i}]", _reason(exc), self._excerpt(item))
        return valid

    def _excerpt(self, item: dict) -> str | None:
        """What the rejected item said: its text, else the source where it starts."""
        text = item.get("text") or item.get("name") or item.get("short")
        if not text and isinstance(item.get("start_char"), int):
            text = self.document.text[item["start_char"]:item["start_char"] + EXCERPT_CHARS]
        return printable(str(text)) if text else None

    def partial(self, model: type[BaseModel], field: str, data: dict) -> Any:
        """Validate ``data``, dropping (to their defaults) the fields that fail."""
        data = dict(data)
        while True:
            try:
                return model.model_validate(data, context=self.context)
            except ValidationError as exc:
                failing = {e["loc"][0] for e in exc.errors() if e["loc"]}
                if not failing:  # a check across fields ("folded before inaugural")
                    failing = self._clearing_field(model, data)
                droppable = failing & (set(data) - {"name"})
                self.error("validate", field, _reason(exc), self._excerpt(data))
                if not droppable:
                    raise
                for key in droppable:
                    data.pop(key)

    def _clearing_field(self, model: type[BaseModel], data: dict) -> set[str]:
        """The last-declared field whose removal makes ``data`` valid (none: empty set)."""
        for key in reversed(model.model_fields):
            if key in data and key != "name":
                try:
                    model.model_validate({k: v for k, v in data.items() if k != key},
                                         context=self.context)
                except ValidationError:
                    continue
                return {key}
        return set()


def validated_result(document: SourceDocument, facts: dict) -> DocumentResult:
    """The record of ``document`` from its facts (:func:`pipeline.facts.document_facts`), with
    an error row for every item or field that failed validation."""
    check = _Validator(document)
    abbreviation_items = check.items(Abbreviation, "abbreviations", facts["abbreviations"])
    entity_items = check.items(Entity, "entities", facts["entities"])
    date_items = check.items(DateMention, "dates", facts["dates"])
    class_items = check.items(RacingClass, "series.classes", facts["classes"])
    series_data = facts["series"]
    # The series facts give "" for a name they could not infer: no title, not an empty one.
    title = series_data.get("name") or None
    title_source = series_data.get("title_source") if title else None
    series_fields = {k: v for k, v in series_data.items() if k in Series.model_fields}
    series_fields["name"] = title
    series_fields["classes"] = class_items  # validated above: kept as they are
    series_item = check.partial(Series, "series", series_fields)

    warnings = []
    if title_source == "inferred":
        warnings.append(f"title inferred from the text: {title!r}")
    if title is None:
        warnings.append("no title: none written and none could be inferred")
    if series_item.inaugural_year is None:
        warnings.append("no inaugural year found")
    warnings.extend(f"dropped {e.field}: {e.reason}" for e in check.errors)

    # Every part is validated by now (the items and the series above, the sections below; the
    # rest is the reader's): constructed, since validating the record would run each item's
    # checks against the source again.
    record = DocumentRecord.model_construct(
        doc_id=document.doc_id,
        source=document.source,
        article_id=article_id_of(document.source),
        title=title,
        title_source=title_source,
        infobox={f.key: f.value for f in document.infobox},
        sections=[
            Section(heading=s.heading, level=s.level, start_char=s.start_char,
                    end_char=s.end_char)
            for s in document.sections
        ],
        abbreviations=abbreviation_items,
        series=series_item,
        entities=entity_items,
        dates=date_items,
        see_also=_unique(s.text for s in document.see_also),
        categories=_unique(c.text for c in document.categories),
        interlanguage={link.lang: link.title for link in document.interlanguage},
        warnings=warnings,
    )
    return DocumentResult(
        source=document.source, doc_id=document.doc_id, record=record, errors=check.errors
    )


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
