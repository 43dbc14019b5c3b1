"""The reader's output: one source text, split into its wiki structure, with offsets.

Every ``start_char``/``end_char`` indexes ``SourceDocument.text`` (the decoded source, or for
wikitext, a dump page or HTML the plain text rendered from it), so ``text[start_char:end_char]``
gives back the item's text; ``origin`` maps rendered text back to the markup.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "Block", "InfoboxField", "InterlanguageLink", "OriginSpan", "SourceDocument", "SourceSection",
    "TextSpan",
]


class TextSpan(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    start_char: int
    end_char: int


class InfoboxField(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    value: str
    key_start: int
    value_start: int
    value_end: int


class SourceSection(BaseModel):
    """A headed section. ``start_char``/``end_char`` span the whole section (heading line to the
    next heading of the same or a higher level); ``heading_start``/``heading_end`` the heading."""

    model_config = ConfigDict(frozen=True)

    heading: str
    level: int
    start_char: int
    end_char: int
    heading_start: int
    heading_end: int


class Block(BaseModel):
    """A paragraph (one prose line) or a bullet list (consecutive ``- item`` lines)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["paragraph", "list"]
    start_char: int
    end_char: int
    section: int | None  # index into ``SourceDocument.sections``; None for the lead
    items: tuple[TextSpan, ...] = ()


class InterlanguageLink(BaseModel):
    model_config = ConfigDict(frozen=True)

    lang: str
    title: str
    start_char: int
    end_char: int


class OriginSpan(BaseModel):
    """Where a piece of rendered text came from: ``text[start_char:end_char]`` was rendered
    from ``markup[source_start:source_end]`` (one line or infobox field of wikitext or HTML)."""

    model_config = ConfigDict(frozen=True)

    start_char: int
    end_char: int
    source_start: int
    source_end: int


class SourceDocument(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str  # path relative to the input folder
    doc_id: str  # sha256 of the source bytes
    text: str  # decoded source, BOM removed
    body: str  # ``text`` with metadata lines blanked out; same length, so offsets agree
    title: TextSpan | None
    infobox: tuple[InfoboxField, ...]
    sections: tuple[SourceSection, ...]
    blocks: tuple[Block, ...]
    see_also: tuple[TextSpan, ...]
    categories: tuple[TextSpan, ...]
    interlanguage: tuple[InterlanguageLink, ...]
    # Set when ``text`` was rendered from markup (a wiki page, an HTML page): each rendered line
    # and where it came from in the markup. Empty for a plain text source (``text`` is it).
    origin: tuple[OriginSpan, ...] = ()

    @property
    def stem(self) -> str:
        name = self.source.rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[0] if "." in name else name

    def infobox_value(self, *keys: str) -> InfoboxField | None:
        """First infobox field whose key equals one of ``keys`` (case-insensitive)."""
        wanted = {k.casefold() for k in keys}
        return next((f for f in self.infobox if f.key.casefold() in wanted), None)

    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "paragraph"]
