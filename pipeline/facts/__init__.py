"""Turning a parsed Doc into plain records: what the article says, before validation.

Every builder takes the Doc (with the reader's structure on it, see
:func:`pipeline.nlp.parse.parse_document`) and returns plain dicts in the shape of the contract's
items; :func:`document_facts` runs them all once per document, sharing one token table.
"""

from __future__ import annotations

from spacy.tokens import Doc

from .abbreviations import abbreviation_records, lost_long_form_pair
from .classes import class_records
from .context import FactContext
from .dates import date_records
from .entities import entity_records
from .series import series_record

__all__ = ["document_facts"]


def document_facts(doc: Doc) -> dict:
    """The document's abbreviations, entities, dates, own classes and series facts (with its
    name and where the name came from), as plain records."""
    context = FactContext(doc)
    dates = date_records(doc, tokens=context.tokens)
    series = series_record(doc, dates=dates, context=context)
    abbreviations = abbreviation_records(doc)
    lost_pair = lost_long_form_pair(doc, series)
    if lost_pair:
        abbreviations.append(lost_pair)
    return {
        "abbreviations": abbreviations,
        "entities": entity_records(doc, context=context),
        "dates": dates,
        "classes": class_records(doc, context=context, own_names=[
            n for n in [series.get("name"), *series.get("aliases", []),
                        *series.get("former_names", [])] if n]),
        "series": series,
    }
