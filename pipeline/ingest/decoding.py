"""Bytes -> text, or a precise reason why the bytes are not an article.

Sources arrive from outside, so before any parsing the bytes are checked against
:class:`InputLimits` and classified: too large, empty, a known binary format (by its magic
number), binary by content (NUL bytes, a high share of control bytes), or not decodable. UTF-8
is the encoding; a UTF-8 byte-order mark is dropped, and UTF-16/UTF-32 are decoded only when a
byte-order mark says so (then there is no guessing). Anything else is rejected with the byte and
offset at fault rather than turned into mojibake: guessing a legacy code page (charset-normalizer
and the like) would give wrong text and wrong offsets without telling anyone.

Every check is one pass over the bytes in C (``bytes.translate``, ``bytes.find``, the codec), so
the cost is linear in the size and bounded by ``max_bytes``.
"""

from __future__ import annotations

import codecs
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..data import load_json

__all__ = [
    "EXCERPT_CHARS", "InputLimits", "ReaderError", "SourceFormat", "WikiextractorDump",
    "byte_excerpt", "check_size", "decode_source", "printable",
]

# Bytes that never appear in text: C0 controls except \t \n \v \f \r, and DEL.
CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x20), 0x7F])
# Byte-order marks, longest first (the UTF-32-LE mark starts with the UTF-16-LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
EXCERPT_CHARS = 60


class ReaderError(ValueError):
    """The bytes are not a readable article.

    ``field`` names what was wrong (``size``, ``encoding``, ``source``, ``body``...), ``reason``
    says it in words, ``excerpt`` shows the bytes or text at fault, escaped so that it prints.
    """

    def __init__(self, reason: str, field: str = "source", excerpt: str | None = None) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason
        self.excerpt = excerpt


# The layouts a source can be read as (pipeline.ingest.formats); auto finds it.
SourceFormat = Literal["auto", "plain", "wikitext", "mediawiki-xml", "wikiextractor", "html"]


class WikiextractorDump(BaseModel):
    """The MediaWiki dump wikiextractor's output was made from (``--wikiextractor-dump``): each
    wikiextractor document is joined with the dump's page of the same id
    (:mod:`pipeline.ingest.dump_join`). ``sha256`` and ``index`` are filled in once per run by
    :func:`pipeline.ingest.dump_join.prepare`: the dump's content hash (part of the wikiextractor
    files' fingerprints) and the page index built from it, which every worker opens."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = Field(description="the dump file (.xml or .xml.bz2)")
    sha256: str = Field("", description="sha256 of the dump's bytes, once prepared")
    index: str = Field("", description="the SQLite page index of the dump, once prepared")


class InputLimits(BaseModel):
    """What a run accepts, and as what it reads it. Defaults live in
    ``data/input_limits.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_bytes: int = Field(gt=0, description="largest source file accepted, in bytes")
    max_control_ratio: float = Field(
        ge=0, le=1, description="largest share of control bytes (other than tab, newline, "
        "carriage return, form feed, vertical tab) a text may have")

    source_format: SourceFormat = Field(
        "auto", description="the layout sources are read as (--format); auto finds it from "
        "the content and the file name")
    wikiextractor_dump: WikiextractorDump | None = Field(
        None, description="the dump wikiextractor's output was made from (--wikiextractor-dump):"
        " its pages give wikiextractor's documents their infobox, categories, interlanguage "
        "links, see-also and section levels")

    @classmethod
    @cache
    def default(cls) -> InputLimits:
        data = load_json("input_limits.json")
        return cls(**{k: v for k, v in data.items() if not k.startswith("_")})

    @classmethod
    def from_options(cls, max_bytes: int | None = None, source_format: str | None = None,
                     wikiextractor_dump: str | None = None) -> InputLimits:
        """The defaults with the command-line overrides that were given (validated)."""
        limits = cls.default()
        dump = WikiextractorDump(path=wikiextractor_dump) if wikiextractor_dump else None
        overrides = {k: v for k, v in (("max_bytes", max_bytes),
                                       ("source_format", source_format),
                                       ("wikiextractor_dump", dump)) if v is not None}
        if not overrides:
            return limits
        return cls(**{**limits.model_dump(), **overrides})


@cache
def _signatures() -> tuple[tuple[bytes, str], ...]:
    entries = load_json("binary_signatures.json")["signatures"]
    return tuple((bytes.fromhex(e["magic"]), e["name"]) for e in entries)


def printable(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` with control characters escaped (``\\x00``), cut to ``limit`` characters."""
    escaped = "".join(
        c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii")
        for c in text[:limit]
    )
    return escaped[:limit] + ("…" if len(escaped) > limit or len(text) > limit else "")


def byte_excerpt(data: bytes, offset: int = 0, width: int = EXCERPT_CHARS) -> str:
    """The bytes around ``offset``, undecodable ones written as ``\\xe9``."""
    start = max(0, offset - width // 3)
    window = data[start:start + width].decode("utf-8", errors="backslashreplace")
    return ("…" if start else "") + printable(window, width)


def check_size(size: int, limits: InputLimits) -> None:
    """Raise when a file of ``size`` bytes is empty or beyond the limit."""
    if size > limits.max_bytes:
        raise ReaderError(
            f"too large: {size:,} bytes, the limit is {limits.max_bytes:,} (--max-bytes)",
            field="size",
        )
    if size == 0:
        raise ReaderError("empty file: 0 bytes", field="size")


def _format_name(data: bytes) -> str | None:
    return next((name for magic, name in _signatures() if data.startswith(magic)), None)


def _binary_reason(data: bytes, limits: InputLimits) -> str | None:
    nul = data.find(b"\x00")
    if nul >= 0:
        if len(data) >= 4 and data[1::2].count(0) > 0.9 * (len(data) // 2):
            return ("every second byte is NUL, so this looks like UTF-16 text without a "
                    "byte-order mark; save it as UTF-8")
        return f"a NUL byte at offset {nul}"
    controls = len(data) - len(data.translate(None, CONTROL_BYTES))
    if controls > limits.max_control_ratio * len(data):
        return (f"{controls:,} of {len(data):,} bytes ({controls / len(data):.1%}) are control "
                f"characters, the limit is {limits.max_control_ratio:.1%}")
    return None


def _binary_error(data: bytes, detail: str) -> ReaderError:
    """A binary rejection, naming the file format when its signature is known."""
    name = _format_name(data)
    what = f"binary content ({name})" if name else "binary content"
    return ReaderError(f"{what}, not text: {detail}", field="encoding",
                       excerpt=byte_excerpt(data))


def decode_source(data: bytes, limits: InputLimits | None = None) -> str:
    """Decode a source's bytes, or raise a :class:`ReaderError` saying precisely why not."""
    limits = limits or InputLimits.default()
    check_size(len(data), limits)
    encoding = "utf-8"
    for bom, name in BOMS:
        if data.startswith(bom):
            encoding, data = name, data[len(bom):]
            break
    if encoding == "utf-8":
        detail = _binary_reason(data, limits)
        if detail:
            raise _binary_error(data, detail)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _decode_error(data, encoding, exc) from None
    if encoding != "utf-8" and "\x00" in text:
        raise ReaderError(f"binary content: a NUL character in {encoding} text",
                          field="encoding", excerpt=printable(text))
    if not text.strip():
        raise ReaderError("empty document: only whitespace", field="source")
    return text


def _decode_error(data: bytes, encoding: str, exc: UnicodeDecodeError) -> ReaderError:
    if _format_name(data):
        return _binary_error(data, f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not "
                             f"{encoding.upper()}")
    excerpt = byte_excerpt(data, exc.start)
    if exc.end >= len(data) and "end of data" in exc.reason:
        return ReaderError(
            f"truncated: the file ends inside a {encoding.upper()} character "
            f"(offset {exc.start})",
            field="encoding", excerpt=excerpt,
        )
    hint = ("; the file may be in a legacy encoding such as Latin-1 or Windows-1252, save it "
            "as UTF-8" if encoding == "utf-8" and data[exc.start] >= 0x80 else "")
    return ReaderError(
        f"not valid {encoding.upper()}: byte 0x{data[exc.start]:02x} at offset {exc.start} "
        f"({exc.reason}){hint}",
        field="encoding", excerpt=excerpt,
    )
