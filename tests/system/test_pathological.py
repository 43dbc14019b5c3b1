"""Pathological inputs go through the pipeline whole, and the algorithms that keep them linear
give what the naive ones gave. No time is asserted: ``python -m pipeline bench scaling``
measures it."""

from __future__ import annotations

import random
import re

import pytest
import spacy
from spacy.util import compile_suffix_regex

from pipeline.extract import process_source
from pipeline.ingest import reader
from pipeline.ingest.document import TextSpan
from pipeline.ingest.reader import read_bytes, read_text
from pipeline.nlp.tokenizer import (
    HEADING_MARKS,
    MAX_CHUNK_CHARS,
    bounded_suffix_search,
    customize_tokenizer,
)
from pipeline.tools.pathological import PATHOLOGICAL

SIZE = 6_000  # characters: past the tokenizer's chunk bound, small enough for a quick test


@pytest.fixture(scope="module")
def tokenizer_nlp():
    return customize_tokenizer(spacy.blank("en"))


def _assert_reader_offsets(document) -> None:
    text = document.text
    assert len(document.body) == len(text)
    spans: list[TextSpan] = [*document.categories, *document.see_also]
    if document.title:
        spans.append(document.title)
    for block in document.blocks:
        spans.extend(block.items)
        assert text[block.start_char:block.end_char].strip()
    for span in spans:
        assert text[span.start_char:span.end_char] == span.text
    for field in document.infobox:
        assert text[field.key_start:field.key_start + len(field.key)] == field.key
        assert text[field.value_start:field.value_end] == field.value
    for section in document.sections:
        assert text[section.heading_start:section.heading_end] == section.heading
        assert section.start_char <= section.heading_start <= section.end_char
    for link in document.interlanguage:
        assert text[link.start_char:link.end_char] == link.title


@pytest.mark.parametrize("kind", sorted(PATHOLOGICAL))
def test_every_kind_is_read_and_extracted_with_exact_offsets(kind):
    text = PATHOLOGICAL[kind](SIZE)
    assert SIZE * 0.8 <= len(text) <= SIZE * 1.2, "a generator's size is its length"
    data = text.encode("utf-8")
    _assert_reader_offsets(read_bytes(data, source=f"{kind}.txt"))

    result = process_source(data, f"{kind}.txt")
    assert not [e for e in result.errors if e.stage in ("read", "extract")], result.errors
    record = result.record
    assert record is not None
    # The record validates again against its source text (offsets checked by the models).
    type(record).model_validate(record.model_dump(), context={"source": text})
    for item in (*record.entities, *record.dates):
        assert text[item.start_char:item.end_char] == item.text
    for abbreviation in record.abbreviations:
        assert text[abbreviation.start_char:abbreviation.end_char] == abbreviation.short
        if abbreviation.long_start_char is not None:
            assert (text[abbreviation.long_start_char:abbreviation.long_end_char]
                    == abbreviation.long)


# --- tokenizer ---------------------------------------------------------------------------


def test_bounded_suffix_search_finds_what_the_full_search_finds():
    suffixes = list(HEADING_MARKS) + list(spacy.blank("en").Defaults.suffixes)
    full, bounded = compile_suffix_regex(suffixes).search, bounded_suffix_search(suffixes)
    alphabet = [*".)]}'\"%°C12aA-–=,;:!?…s", "'s", "km", "...", "²"]
    rng = random.Random(7)
    texts = ["", ")" * 3000, "a" + "." * 500, "(" * 50 + "x" + ")" * 50, "1" + "." * 40]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16)))
              for _ in range(20_000)]
    for text in texts:
        expected, got = full(text), bounded(text)
        assert (expected and expected.span()) == (got and got.span()), text


def test_deep_brackets_tokenize_one_bracket_a_token(tokenizer_nlp):
    depth = 3 * MAX_CHUNK_CHARS
    text = "Text " + "(" * depth + "A" + ")" * depth + " end."
    doc = tokenizer_nlp(text)
    assert doc.text == text
    assert [t.text for t in doc] == ["Text", *["("] * depth, "A", *[")"] * depth, "end", "."]


def test_a_long_chunk_is_cut_and_text_and_offsets_survive(tokenizer_nlp):
    text = "Before 2009. " + "Ab1-" * 800 + " after\n" + "x" * 2500 + " the end."
    doc = tokenizer_nlp(text)
    assert doc.text == text
    assert all(len(t) <= MAX_CHUNK_CHARS for t in doc)
    assert all(text[t.idx:t.idx + len(t)] == t.text for t in doc)
    assert [t.text for t in doc[:4]] == ["Before", "2009", ".", "Ab1"]
    assert [t.text for t in doc[-3:]] == ["the", "end", "."]


def test_ordinary_text_is_tokenized_as_by_spacy(tokenizer_nlp):
    plain = tokenizer_nlp.tokenizer.tokenizer  # spaCy's own, with the same rules
    text = "The JLMC (abbreviated) ran 1999–2000... in Fuji; LMP1/GT2 ==History== (IMSA GTP)."
    assert [t.text for t in tokenizer_nlp(text)] == [t.text for t in plain(text)]


# --- reader --------------------------------------------------------------------------------

# The line shapes as first written (lazy groups): the reference for what the linear ones match.
LAZY = {
    "TITLE_LINE": r"^[ \t]*=(?!=)[ \t]*(?P<t>[^=].*?)[ \t]*=[ \t]*$",
    "HEADING_LINE": r"^[ \t]*(?P<eq>={2,6})[ \t]*(?P<t>[^=].*?)[ \t]*(?P=eq)[ \t]*$",
    "BULLET_LINE": r"^[ \t]*[-*•][ \t]+(?P<t>\S.*?)[ \t]*$",
    "INFOBOX_FIELD": r"^[ \t]*[-*|][ \t]*(?P<k>[^:=\n]+?)[ \t]*[:=][ \t]*(?P<v>.*?)[ \t]*$",
    "INTERLANGUAGE_LINE": (
        r"^[ \t]*(?P<lang>[a-z]{2,3}(?:-[a-z]{2,8})*):[ \t]*(?P<t>\S.*?)[ \t]*$"
    ),
}


def _groups(match: re.Match | None) -> dict | None:
    return match and {name: match.span(name) for name in match.groupdict()}


@pytest.mark.parametrize("name", sorted(LAZY))
def test_line_shapes_match_as_the_lazy_ones_did(name):
    """Same groups on random lines, except where the lazy shape gave a name that starts with
    whitespace (a "title" of spaces in "=   =", a key "\\xa0"): the reader now reads no such
    line, since a name must start with a visible character."""
    lazy, linear = re.compile(LAZY[name]), getattr(reader, name)
    alphabet = [*"= -*•|:ab\tX\u00a0\r", "==", "en:", "- ", "= "]
    rng = random.Random(11)
    for _ in range(20_000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        expected, got = _groups(lazy.match(line)), _groups(linear.match(line))
        if expected != got:
            first = next(m for m in (lazy.match(line),) if m)
            group = first.group("k") if "k" in first.groupdict() else first.group("t")
            assert got is None and group[:1].isspace(), line


def test_long_runs_of_blanks_inside_lines_are_kept_in_the_text():
    gap = " " * 5000
    document = read_text(
        f"= Foo{gap}Cup =\n\nInfobox\n- Key{gap}name : a{gap}b   \n\nThe cup began in 2009.\n"
        f"- one{gap}two   \n==A{gap}B==\nText.\n",
        source="t.txt", doc_id="t",
    )
    assert document.title.text == f"Foo{gap}Cup"
    assert (document.infobox[0].key, document.infobox[0].value) == (f"Key{gap}name", f"a{gap}b")
    assert document.blocks[1].items[0].text == f"one{gap}two"
    assert document.sections[0].heading == f"A{gap}B"
    _assert_reader_offsets(document)


def test_section_ends_are_the_next_heading_of_the_same_or_a_higher_level():
    rng = random.Random(3)
    for _ in range(200):
        lines, levels = ["Intro text."], []
        for k in range(rng.randint(1, 30)):
            level = rng.randint(2, 5)
            levels.append(level)
            lines.append(f"{'=' * level}H{k}{'=' * level}")
            lines.extend(rng.choice([[], ["Body."], ["", "Body.", ""]]))
        text = "\n".join(lines) + "\n"
        sections = read_text(text, source="t.txt", doc_id="t").sections
        body_end = len(text.rstrip())
        for n, section in enumerate(sections):
            following = [s for s in sections[n + 1:] if s.level <= section.level]
            end = following[0].start_char if following else body_end
            assert section.end_char == max(section.heading_end, len(text[:end].rstrip()))


# --- sentences, dates, classes -------------------------------------------------------------


def test_every_line_starts_a_sentence_in_a_long_list():
    from pipeline.nlp import get_nlp

    text = "".join(f"- Item {i} of the list\n" for i in range(3000))
    doc = get_nlp()(text)
    starts = {s.start for s in doc.sents}
    assert all(t.i in starts for t in doc if t.text == "-")


def test_thousands_of_dates_take_the_year_of_their_own_paragraph():
    paragraphs = [f"The {1900 + k} season began. It raced on 5 May. The following year it grew."
                  for k in range(150)]
    result = process_source("\n\n".join(paragraphs).encode(), "dates.txt")
    by_text: dict[str, list[str]] = {}
    for date in result.record.dates:
        by_text.setdefault(date.text, []).append(date.value_start)
    assert by_text["5 May"] == [f"{1900 + k}-05-05" for k in range(150)]
    assert by_text["The following year"] == [str(1901 + k) for k in range(150)]


def test_one_sure_class_makes_a_long_linked_list_of_bare_codes_classes():
    from pipeline.nlp import get_nlp

    doc = get_nlp()("The classes were " + "GT, " * 500 + "and GT3.")
    names = [s.text for s in doc.spans["classes"]]
    assert names.count("GT") == 500 and names[-1] == "GT3"
    doc = get_nlp()("The cars were " + "GT, " * 50 + "and fast.")
    assert not [s for s in doc.spans["classes"] if s.text == "GT"]


# --- the benchmark -------------------------------------------------------------------------


def test_bench_scaling_reports_every_kind(tmp_path, capsys):
    import json

    from pipeline.cli import main

    path = tmp_path / "scaling.json"
    assert main(["bench", "scaling", "--size", "300", "--repeat", "1", "--json", str(path)]) == 0
    figures = json.loads(path.read_text())
    assert [row["kind"] for row in figures["kinds"]] == list(PATHOLOGICAL)
    for row in figures["kinds"]:
        assert len(row["seconds"]) == 3 and all(t > 0 for t in row["seconds"])
        assert row["chars"][0] < row["chars"][1] < row["chars"][2]
        assert row["outcome"] == "ok"
    printed = capsys.readouterr().out
    assert "growth" in printed and "nested" in printed
