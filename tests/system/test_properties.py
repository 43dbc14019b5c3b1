"""Property and fuzz tests: any input is read, extracted, validated and written without raising.

Strategies make text shaped like the two article layouts (titled with an infobox, and headless
wikiextractor-style), fully arbitrary text and bytes, and mutations of the seeds in ``raw/``.
Properties: every reader offset slices back to its text; every extracted span lies inside the
document and equals its ``text``; the record and the Parquet rows validate against the models;
the JSON output round-trips and is written identically twice; ``process_source`` turns every
input into a record or exactly one error row.

The number of examples comes from the Hypothesis profile (``tests/conftest.py``): ``ci`` by
default, ``HYPOTHESIS_PROFILE=sweep`` for the larger run.
"""

from __future__ import annotations

import hashlib
import json

import pyarrow as pa
import pytest
from hypothesis import currently_in_test_context, event, given
from hypothesis import strategies as st

from pipeline.contract.items import DocumentRecord
from pipeline.contract.tables import (
    TABLES,
    DocumentResult,
    arrow_schema,
    document_rows,
    to_arrow_row,
)
from pipeline.extract import extract_document, process_source
from pipeline.ingest.document import SourceDocument
from pipeline.ingest.reader import ReaderError, read_bytes, read_text
from pipeline.store.writer import document_json
from tests.conftest import RAW

# --- strategies: article-shaped text -----------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December", "Jan.", "Sept", "Dec"]
VOCABULARY = [
    "the", "The", "series", "championship", "was", "founded", "in", "by", "and", "of", "a",
    "race", "season", "cars", "Group", "GT", "GT3", "LMP1", "class", "Cup", "Trophy", "Grand",
    "Prix", "Motor", "Club", "Federation", "Automobile", "International", "Team", "Racing",
    "Circuit", "Speedway", "Raceway", "Ring", "Nissan", "Porsche", "956", "Toyota", "Ferrari",
    "renamed", "replaced", "succeeded", "folded", "began", "sanctioned", "formerly", "known",
    "as", "abbreviated", "between", "from", "to", "until", "since", "present", "early", "late",
    "mid-", "1990s", "80s", "Le", "Mans", "Hours", "24", "FIA", "ACO", "JAF", "IMSA", "SCCA",
    "Formula", "Three", "Touring", "Car", "Masters", "Series", "Championship", "Japan", "France",
    "Autódromo", "Nürburgring", "Spa-Francorchamps", "São", "Paulo", "Zhuhai", "鈴鹿", "サーキット",
]
ODD_PIECES = [
    "(", ")", "((", "))", "[", "]", "{", "}", "–", "—", "-", "−", ",", ".", ";", ":", "'s", "\"",
    "&", "/", "...", "Gr.", "St.", "No.", "Mt.", "e.g.", "U.S.", "\t", "\x00", "\x0b", "\x0c",
    "\x1c", "\x1f", "\x7f", "\x85", "\u2028", "\u2029", "\u200b", "\ufeff", "\u00a0", "=", "==",
    "*", "•", "|", "Category:", "es:", "Infobox",
    # Characters whose case mapping changes length, digits int() may not read, joiners, RTL.
    "İstanbul", "Straße", "ﬁnal", "e\u0301", "²", "¹⁹⁹⁹", "１９９９", "١٩٩٩", "🏁", "\u202e",
]

SEEDS = tuple(p.read_bytes() for p in sorted(RAW.iterdir()) if p.is_file())
# The seeds' own words reach the rules' cues (class nouns, rename verbs, body names) in new orders.
SEED_WORDS = sorted({w for seed in SEEDS for w in seed.decode("utf-8").split()})
INFOBOX_KEYS = ["Name", "Inaugural", "Inaugural season", "Founded", "Folded", "Last season",
                "Years active", "Country", "Countries", "Sanctioning body", "Governing body",
                "Classes", "Lmp Classes", "Gt Classes", "Logo", "Category", "Champion"]

letters = st.text(st.characters(categories=("Lu", "Ll", "Lo", "Nd")), min_size=1, max_size=9)
word = st.sampled_from(VOCABULARY) | st.sampled_from(SEED_WORDS) | letters
capitalised = word.map(lambda w: w[:1].upper() + w[1:])
year = st.integers(1800, 2100).map(str) | st.integers(0, 99_999).map(str)
month = st.sampled_from(MONTHS)
day = st.integers(0, 40).map(str)
dash = st.sampled_from(["–", "—", "-", " – ", " to "])


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w).upper()


date_text = st.one_of(
    st.builds(lambda m, d, y: f"{m} {d}, {y}", month, day, year),
    st.builds(lambda d, m, y: f"{d} {m} {y}", day, month, year),
    st.builds(lambda m, y: f"{m} {y}", month, year),
    st.builds(lambda a, d, b: f"{a}{d}{b}", year, dash, year | st.just("present")),
    st.builds(lambda m, a, d, b, y: f"{m} {a}{d}{b}, {y}", month, day, dash, day, year),
    st.builds(lambda a, m1, d, b, m2, y: f"{a} {m1}{d}{b} {m2} {y}", day, month, dash, day,
              month, year),
    st.builds(lambda y: f"the {y}s", year),
    st.builds(lambda y: f"({y})", year),
    st.sampled_from(["the following year", "two years later", "the same season", "in the 1980s",
                     "mid-1990s", "early 2000s", "late '70s"]),
)
abbreviation_text = st.lists(capitalised, min_size=2, max_size=5).flatmap(
    lambda ws: st.sampled_from([f"{' '.join(ws)} ({_initials(ws)})",
                                f"{_initials(ws)} ({' '.join(ws)})",
                                f"the {' '.join(ws)}, abbreviated as {_initials(ws)},"])
)
token = st.one_of(word, word, word, year, date_text, abbreviation_text,
                  st.sampled_from(ODD_PIECES))
sentence = st.builds(
    lambda tokens, end: " ".join(tokens) + end,
    st.lists(token, min_size=1, max_size=30),
    st.sampled_from([".", ".", "", ":", "?", " ."]),
)
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
short_label = st.lists(capitalised, min_size=1, max_size=4).map(" ".join)
pad = st.sampled_from(["", "", " ", "\t", "  ", "\x0b"])


@st.composite
def heading_lines(draw) -> list[str]:
    level = draw(st.integers(2, 7))
    close = level if draw(st.booleans()) else draw(st.integers(1, 7))
    text = draw(short_label | sentence)
    return [f"{draw(pad)}{'=' * level}{draw(pad)}{text}{draw(pad)}{'=' * close}{draw(pad)}"]


@st.composite
def bare_heading_lines(draw) -> list[str]:
    return ["", draw(pad) + draw(short_label) + draw(pad), ""]


@st.composite
def bullet_lines(draw) -> list[str]:
    marker = draw(st.sampled_from(["-", "*", "•", "- ", "-\t"]))
    items = draw(st.lists(sentence | short_label | st.just(""), min_size=1, max_size=6))
    return [f"{draw(pad)}{marker} {item}" for item in items]


@st.composite
def infobox_lines(draw) -> list[str]:
    fields = draw(st.lists(
        st.tuples(st.sampled_from(INFOBOX_KEYS) | short_label | word | st.sampled_from(
            ["", " ", "\t", "\x0b"]), st.sampled_from([":", "=", " : ", ":: "]),
                  short_label | year | date_text | sentence | st.just("")),
        max_size=8,
    ))
    marker = draw(st.sampled_from(["Infobox", "infobox", " Infobox ", "Infobox racing series",
                                   "- Infobox"]))
    return [marker] + [f"{draw(st.sampled_from(['-', '*', '|', '- ']))} {k}{s}{v}"
                       for k, s, v in fields]


@st.composite
def trailer_lines(draw) -> list[str]:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["category", "interlanguage", "plain", "blank"]))
        if kind == "category":
            prefix = draw(st.sampled_from(["Category:", "Category: ", "Kategorie:", "Category:"]))
            lines.append(prefix + draw(short_label | st.just("")))
        elif kind == "interlanguage":
            lang = draw(st.sampled_from(["es", "fr", "de", "ja", "zh-yue", "pt-br", "xx", "en"]))
            lines.append(f"{lang}:{draw(pad)}{draw(short_label | word | st.just(''))}")
        elif kind == "plain":
            lines.append(draw(short_label))
        else:
            lines.append("")
    return lines


@st.composite
def articles(draw) -> str:
    """Text in either layout (or a mix), with the line ends of any platform."""
    lines: list[str] = []
    if draw(st.booleans()):
        lines += [f"{draw(pad)}={draw(pad)}{draw(short_label | sentence)}{draw(pad)}={draw(pad)}",
                  ""]
    elif draw(st.booleans()):
        lines += [draw(short_label), ""]
    if draw(st.booleans()):
        lines += draw(infobox_lines()) + [""]
    parts = st.one_of(paragraph.map(lambda p: [p]), paragraph.map(lambda p: [p, ""]),
                      heading_lines(), bare_heading_lines(), bullet_lines(), infobox_lines(),
                      st.just([""]))
    for part in draw(st.lists(parts, max_size=12)):
        lines += part
    lines += draw(trailer_lines())
    newline = draw(st.sampled_from(["\n", "\r\n", "mixed"]))
    if newline != "mixed":
        return newline.join(lines) + draw(st.sampled_from(["", newline]))
    return "".join(line + draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n"])) for line in lines)


# Arbitrary text, once fully random and once over the characters the layouts give meaning to.
arbitrary_text = st.text() | st.text(
    st.sampled_from("=-*•|:()[]–— \t\r\n\n\n\x00\x85\u2028\ufeffaAé1")
    | st.characters(codec="utf-8"),
    max_size=400,
)
any_text = articles() | arbitrary_text

# --- strategies: mutations of the seeds --------------------------------------------------------

CONTROL_CHARACTERS = [chr(c) for c in range(0x20)] + ["\x7f", "\x85", "\u2028", "\u200b",
                                                       "\ufeff"]
BRACKETS = ["(", ")", "[", "]", "{", "}", "((", "))", "[[", "]]", "(("]


def _offset(draw, data) -> int:
    return draw(st.integers(0, len(data)))


def _cut(draw, data: bytes) -> bytes:
    return data[:_offset(draw, data)]  # at the bytes level: may split a UTF-8 sequence


def _delete_slice(draw, data: bytes) -> bytes:
    start = _offset(draw, data)
    end = draw(st.integers(start, min(len(data), start + 400)))
    return data[:start] + data[end:]


def _duplicate_lines(draw, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        lines[i:i] = [lines[i]] * draw(st.integers(1, 3))
    return b"\n".join(lines)


def _shuffle_lines(draw, data: bytes) -> bytes:
    return b"\n".join(draw(st.permutations(data.split(b"\n"))))


def _insert(draw, data: bytes, pieces: list[str]) -> bytes:
    text = data.decode("utf-8", errors="surrogateescape")
    for _ in range(draw(st.integers(1, 6))):
        at = _offset(draw, text)  # at a character boundary, so the text stays valid
        text = text[:at] + draw(st.sampled_from(pieces)) + text[at:]
    return text.encode("utf-8", errors="surrogateescape")


def _insert_controls(draw, data: bytes) -> bytes:
    return _insert(draw, data, CONTROL_CHARACTERS)


def _insert_brackets(draw, data: bytes) -> bytes:
    return _insert(draw, data, BRACKETS)


def _crlf(draw, data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _replace_words(draw, data: bytes) -> bytes:
    """Words swapped for other words, dates, abbreviations or odd pieces, in the seeds' context."""
    words = data.decode("utf-8", errors="surrogateescape").split(" ")
    for _ in range(draw(st.integers(1, 8))):
        words[draw(st.integers(0, len(words) - 1))] = draw(token)
    return " ".join(words).encode("utf-8", errors="surrogateescape")


def _splice_lines(draw, data: bytes) -> bytes:
    """A line of any seed inserted anywhere: the two layouts mixed."""
    lines = data.split(b"\n")
    donor = draw(st.sampled_from(SEEDS)).split(b"\n")
    lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(donor)))
    return b"\n".join(lines)


MUTATIONS = [_cut, _delete_slice, _duplicate_lines, _shuffle_lines, _insert_controls,
             _insert_brackets, _crlf, _replace_words, _splice_lines]


@st.composite
def mutated_seeds(draw) -> bytes:
    data = draw(st.sampled_from(SEEDS))
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        data = mutation(draw, data)
    return data


# --- properties --------------------------------------------------------------------------------


def _slices(text: str, start: int, end: int, expected: str | None = None) -> None:
    assert 0 <= start <= end <= len(text), (start, end, len(text))
    if expected is not None:
        assert text[start:end] == expected, (start, end, text[start:end], expected)


def check_document(document: SourceDocument, text: str) -> None:
    """Every offset the reader gives slices back to its text."""
    assert document.text == text
    # Names the reader gives are visible text.
    names = [f.key for f in document.infobox] + [s.heading for s in document.sections]
    names += [span.text for span in (document.title, *document.categories) if span]
    names += [link.title for link in document.interlanguage]
    assert all(n.strip() for n in names), names
    assert len(document.body) == len(text)
    # The body is the text with metadata blanked: each character kept or made a space, and
    # line ends always kept.
    assert all(b == t or (b == " " and t not in "\r\n") for b, t in zip(document.body, text))
    if document.title is not None:
        _slices(text, document.title.start_char, document.title.end_char, document.title.text)
    for f in document.infobox:
        _slices(text, f.key_start, f.key_start + len(f.key), f.key)
        _slices(text, f.value_start, f.value_end, f.value)
    for s in document.sections:
        _slices(text, s.heading_start, s.heading_end, s.heading)
        _slices(text, s.start_char, s.end_char)
        assert s.start_char <= s.heading_start and s.heading_end <= s.end_char
        assert s.heading and 1 <= s.level <= 6
    for b in document.blocks:
        _slices(text, b.start_char, b.end_char)
        assert b.section is None or 0 <= b.section < len(document.sections)
        for item in b.items:
            _slices(text, item.start_char, item.end_char, item.text)
    for span in document.see_also + document.categories:
        _slices(text, span.start_char, span.end_char, span.text)
    for link in document.interlanguage:
        _slices(text, link.start_char, link.end_char, link.title)


def check_result(result: DocumentResult, text: str) -> None:
    """Spans inside the document, record and rows valid, JSON round-trips and is stable."""
    assert not [e for e in result.errors if e.stage == "extract"], result.errors
    # An item the extractors made that fails validation is dropped with an error row: a bug in
    # the extractor (an offset or a value out of shape). Only the series facts may conflict in
    # the text itself (a folded year before the inaugural one).
    assert not [e for e in result.errors if e.field != "series"], result.errors
    record = result.record
    assert record is not None
    for item in [*record.entities, *record.dates]:
        _slices(text, item.start_char, item.end_char, item.text)
        assert item.start_char < item.end_char
    for a in record.abbreviations:
        _slices(text, a.start_char, a.end_char, a.short)
        assert (a.long_start_char is None) == (a.long_end_char is None)
        if a.long_start_char is not None:
            _slices(text, a.long_start_char, a.long_end_char, a.long)
    for s in record.sections:
        _slices(text, s.start_char, s.end_char)
    # A name is visible text or absent: never "" or spaces.
    assert record.title == record.series.name
    assert (record.title is None) == (record.title_source is None)
    series = record.series
    names = [record.title, series.country, *series.aliases, *series.sanctioning_bodies,
             *series.rule_bodies, *series.former_names, *series.renamed_to,
             *series.predecessors, *series.successors, *[c.name for c in series.classes],
             *[e.canonical for e in record.entities], *[a.long for a in record.abbreviations]]
    assert all(n is None or n.strip() for n in names), names

    context = {"source": text}
    assert DocumentRecord.model_validate(record.model_dump(), context=context) == record
    for name, rows in document_rows(result).items():
        model = TABLES[name]
        for row in rows:
            model.model_validate(row.model_dump(), context=context)
        pa.Table.from_pylist([to_arrow_row(r) for r in rows], schema=arrow_schema(model))

    data = document_json(record)
    json.loads(data)
    assert DocumentRecord.model_validate_json(data, context=context) == record
    assert document_json(record) == data


def _event(value: str) -> None:
    """Count outcomes for ``--hypothesis-show-statistics`` (the checks also run outside it)."""
    if currently_in_test_context():
        event(value)


def check_source(data: bytes) -> DocumentResult:
    """``process_source`` gives a record, or no record and exactly one error row saying why."""
    result = process_source(data, "fuzz.txt")
    _event("record" if result.ok else f"rejected: {result.errors[0].field}")
    if result.record is None:
        assert len(result.errors) == 1, result.errors
        assert result.errors[0].reason.strip()
        assert result.errors[0].stage != "extract", result.errors[0].reason  # a crash
    else:
        check_result(result, read_bytes(data, "fuzz.txt").text)
    return result


def _read(text: str) -> SourceDocument | None:
    try:
        document = read_text(text, source="fuzz.txt", doc_id=hashlib.sha256(b"").hexdigest())
    except ReaderError as exc:
        _event(f"reader error: {exc.field}")
        assert exc.reason.strip() and exc.field
        return None
    _event("read")
    check_document(document, text)
    return document


@given(arbitrary_text)
def test_reader_offsets_slice_back_for_arbitrary_text(text):
    _read(text)


@given(articles())
def test_reader_offsets_slice_back_for_article_text(text):
    _read(text)


@given(any_text)
def test_extraction_spans_records_and_json_hold_for_any_readable_text(text):
    document = _read(text)
    if document is not None:
        check_result(extract_document(document), text)


@given(st.binary(max_size=2_000))
def test_process_source_accepts_arbitrary_bytes(data):
    check_source(data)


@given(any_text)
def test_process_source_accepts_any_utf8_text(text):
    check_source(text.encode("utf-8"))


@given(mutated_seeds())
def test_mutated_seeds_are_read_extracted_or_rejected_cleanly(data):
    check_source(data)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: hashlib.sha256(s).hexdigest()[:8])
def test_seeds_satisfy_the_properties(seed):
    result = check_source(seed)
    assert result.record is not None and not result.errors


@given(any_text | mutated_seeds().map(lambda b: b.decode("utf-8", "replace")), articles())
def test_a_document_gives_the_same_result_before_and_after_another(text, other):
    # Components cache parses and lookups between documents: nothing may leak from one to the
    # next.
    first = process_source(text.encode("utf-8"), "a.txt")
    process_source(other.encode("utf-8"), "b.txt")
    assert process_source(text.encode("utf-8"), "a.txt") == first
