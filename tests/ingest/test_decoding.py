"""Bytes -> text: limits, encodings and binary content, each rejected with a precise reason."""

from __future__ import annotations

import codecs

import pytest
from pydantic import ValidationError

from pipeline.ingest.decoding import (
    InputLimits,
    ReaderError,
    byte_excerpt,
    check_size,
    decode_source,
    printable,
)
from tests.conftest import FIXTURES

HOSTILE = FIXTURES / "hostile"
SMALL = InputLimits(max_bytes=1000, max_control_ratio=0.02)
TEXT = "= Nordic Touring Cup =\n\nThe Nordic Touring Cup ran from 1996 to 2001.\n"


@pytest.mark.parametrize("name, field, reason", [
    ("empty.txt", "size", "empty file: 0 bytes"),
    ("whitespace_only.txt", "source", "empty document: only whitespace"),
    ("nul_byte.txt", "encoding", "binary content, not text: a NUL byte at offset 72"),
    ("image.png", "encoding", "binary content (PNG image)"),
    ("article.txt.gz", "encoding", "binary content (gzip-compressed)"),
    ("document.pdf", "encoding", "binary content (PDF document)"),
    ("random_bytes.bin", "encoding", "binary content, not text"),
    ("latin1.txt", "encoding", "not valid UTF-8: byte 0xd6 at offset 2"),
    ("utf16_without_bom.txt", "encoding", "looks like UTF-16 text without a byte-order mark"),
    ("truncated_utf8.txt", "encoding", "truncated: the file ends inside a UTF-8 character"),
    ("terminal_log.txt", "encoding", "(5.9%) are control characters, the limit is 2.0%"),
])
def test_hostile_files_are_rejected_with_a_precise_reason(name, field, reason):
    with pytest.raises(ReaderError) as info:
        decode_source((HOSTILE / name).read_bytes())
    assert info.value.field == field
    assert reason in info.value.reason


def test_a_legacy_encoding_gets_a_hint_and_an_excerpt_of_the_bytes_at_fault():
    text = "Le Championnat de France des circuits à Magny-Cours"
    with pytest.raises(ReaderError) as info:
        decode_source(text.encode("cp1252"))
    assert "Latin-1 or Windows-1252" in info.value.reason
    assert f"byte 0xe0 at offset {text.index('à')}" in info.value.reason
    assert "\\xe0 Magny" in info.value.excerpt


def test_size_limit_is_checked_before_anything_else():
    data = TEXT.encode() * 20
    assert len(data) > SMALL.max_bytes
    with pytest.raises(ReaderError) as info:
        decode_source(data, SMALL)
    assert info.value.field == "size"
    assert info.value.reason == (f"too large: {len(data):,} bytes, the limit is 1,000 "
                                 "(--max-bytes)")
    assert decode_source(data[:1000], SMALL).startswith("= Nordic")  # at the limit: accepted
    with pytest.raises(ReaderError, match="too large"):
        check_size(1001, SMALL)
    check_size(1000, SMALL)


def test_the_default_limits_come_from_the_data_file_and_are_validated():
    limits = InputLimits.default()
    assert limits.max_bytes == 4 * 1024 * 1024
    assert InputLimits.from_options(None) == limits
    assert InputLimits.from_options(5000).max_bytes == 5000
    with pytest.raises(ValidationError):
        InputLimits.from_options(0)
    with pytest.raises(ValidationError):
        InputLimits(max_bytes=10, max_control_ratio=1.5)


def test_byte_order_marks_select_the_encoding():
    for bom, codec in [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF32_LE, "utf-32-le"),
                       (codecs.BOM_UTF32_BE, "utf-32-be")]:
        assert decode_source(bom + TEXT.encode(codec)) == TEXT, codec


def test_a_bom_does_not_excuse_undecodable_or_binary_content():
    with pytest.raises(ReaderError, match="not valid UTF-16-LE"):
        decode_source(codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xdc")
    with pytest.raises(ReaderError, match="a NUL character in utf-16-le text"):
        decode_source(codecs.BOM_UTF16_LE + "a\x00b".encode("utf-16-le"))


def test_a_few_control_characters_are_text_many_are_binary():
    few = TEXT.replace("ran", "ran\x07", 1).encode()
    assert "\x07" in decode_source(few)
    many = ("\x1b[0m" * 10 + TEXT).encode()
    with pytest.raises(ReaderError, match="are control characters"):
        decode_source(many)
    tabs_and_feeds = ("\t\f\v\r\n" * 50 + TEXT).encode()  # whitespace controls are text
    assert decode_source(tabs_and_feeds).endswith("2001.\n")


def test_a_text_that_starts_like_a_binary_format_is_still_text():
    # Signatures only name the format of bytes already rejected.
    assert decode_source(b"RIFF racing was a Belgian club series.\n").startswith("RIFF")
    assert decode_source(b"BZh engines powered the field.\n").startswith("BZh")


def test_excerpts_are_short_and_printable():
    assert printable("a\x00b\nc") == "a\\x00b\\nc"
    assert printable("x" * 100, limit=10) == "x" * 10 + "…"
    assert printable("\x01" * 30, limit=10) == "\\x01\\x01\\x" + "…"
    excerpt = byte_excerpt(b"A" * 100 + b"\xe9" + b"B" * 100, offset=100)
    assert excerpt.startswith("…") and "\\xe9" in excerpt and len(excerpt) <= 62
