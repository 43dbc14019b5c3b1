"""Stable keys of the tables: deterministic hashes of source names and normalised names.

``doc_id`` is the sha256 of a document's content, so it changes with every edit; these ids do
not depend on the content, only on names, and are the same on every run and machine:

* ``article_id`` = the first 16 hex digits of ``sha256("article:" + NFC(source))``, where
  ``source`` is the document's source name as in the tables: the path relative to the input
  folder, and for a page of a dump or a block of a wikiextractor file, ``file#page-id``
  (``dump.xml#101``). It stays the same when the article's text is edited; it changes when the
  file is renamed or moved.
* ``name_id(name)`` = the first 16 hex digits of ``sha256(name_key(name))``. One id per name,
  whatever names it: it is the ``series_id`` of a series (from its name), the ``entity_id`` of
  an entity (from its canonical name, not its label) and the id of a relation's named object,
  so a series, the entities that mention it and the relations that name it join on one key.
* ``class_id(series_id, name)`` = the first 16 hex digits of
  ``sha256(series_id + "/" + name_key(name))``: classes are scoped by their series, so the
  "Class A" of two series are two classes.

``name_key`` normalises a name before hashing: Unicode NFKC, case folded (``str.casefold``),
typographic apostrophes and quotes (’ ‘ ʼ) read as ``'`` and dashes (‐ ‑ ‒ – — ―) as ``-``,
whitespace runs collapsed to one space and trimmed. So "Automobile Club de l’Ouest" and
"AUTOMOBILE  CLUB DE L'OUEST" have one id. Hashes are of the UTF-8 bytes; 16 hex digits are
64 bits, so an accidental clash is unlikely below billions of names.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata

__all__ = ["ID_LENGTH", "article_id", "class_id", "name_id", "name_key"]

ID_LENGTH = 16  # hex digits of the sha256 kept

_FOLD = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-", "‒": "-", "–": "-",
                       "—": "-", "―": "-"})


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:ID_LENGTH]


@functools.lru_cache(maxsize=1 << 16)  # names recur across rows and documents
def name_key(name: str) -> str:
    """The normalised form of a name that its id hashes (see the module's documentation)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    # casefold can produce text that is no longer NFKC ("ǰ" folds to j + combining caron).
    folded = unicodedata.normalize("NFKC", folded).translate(_FOLD)
    return " ".join(folded.split())


@functools.lru_cache(maxsize=1 << 16)
def name_id(name: str) -> str:
    """The id of a name: ``series_id`` of a series, ``entity_id`` of an entity."""
    return _digest(name_key(name))


@functools.lru_cache(maxsize=1 << 14)
def class_id(series_id: str, name: str) -> str:
    """The id of the class ``name`` of the series ``series_id``."""
    return _digest(f"{series_id}/{name_key(name)}")


@functools.lru_cache(maxsize=1 << 12)  # every row of a document asks for it
def article_id(source: str) -> str:
    """The id of an article, from its source name (with its page id for a page of a dump)."""
    return _digest("article:" + unicodedata.normalize("NFC", source))
