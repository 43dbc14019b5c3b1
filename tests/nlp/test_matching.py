"""The windowed matching engine finds what spaCy's Matcher finds, in document order."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from spacy.matcher import Matcher
from spacy.tokens import Doc

from pipeline.data import load_json, load_jsonl
from pipeline.nlp import build_nlp
from pipeline.nlp.matching import Operator, WindowedMatcher, parse_op
from pipeline.nlp.tokens import TokenTable
from pipeline.tools.pathological import PATHOLOGICAL
from pipeline.tools.synthetic import synthetic_texts
from tests.conftest import RAW


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


MATCHER_TEXT = (
    "The Northbay Cup was founded in 1994 and ran under FIA GT3 rules. It was renamed the "
    "Coastal Trophy in 2001, after being run by the Harbour Motor Club for a decade. Its "
    "successor , the Delta Series , merged with two other series to form the Ridge League. "
    "Cars raced in LMP2, GTE-Pro, GTE - Am, GT3 Pro-Am and Class B; Group C and Gr. 5 cars "
    "were also known as Le Mans Prototypes. The series ended in 2009 with its last season."
)
DATE_TEXT = (
    "The Vantor Cup ran from 1987 to 1992 and returned in the late 1990s. Round 3 ran on "
    "October 30–November 1, 2009; the 2010 season opened on March 3. At the end of 1995 the "
    "Harlan 2000 km race moved to May 24, two years later. No. 1999 finished ahead of 2004 cars "
    "in the 2003–04 campaign, the following year, in early June, 2011."
)


def _reference(matcher: WindowedMatcher, doc: Doc) -> list[tuple[int, int, int]]:
    return sorted(matcher.spacy_matcher()(doc))


def _assert_in_document_order(matcher: WindowedMatcher, found) -> None:
    """By start, then the order the patterns were added (one pattern per key here), then end:
    the classes component keeps the first of equal spans, the series facts sort stably."""
    order = {}
    for n, pattern in enumerate(matcher.patterns):
        order.setdefault(pattern.key, n)
    ranks = [(start, order[key], end) for key, start, end in found]
    assert ranks == sorted(ranks)


# --- the operator ------------------------------------------------------------------------------


@pytest.mark.parametrize("op, expected", [
    (None, Operator(1, 1)), ("1", Operator(1, 1)), ("?", Operator(0, 1)),
    ("*", Operator(0, None)), ("+", Operator(1, None)), ("!", Operator(1, 1, negated=True)),
    ("{2}", Operator(2, 2)), ("{1,3}", Operator(1, 3)), ("{2,}", Operator(2, None)),
    ("{,2}", Operator(0, 2)), ("{0}", Operator(0, 0)),
])
def test_operator_is_read_as_spacy_reads_it(nlp, op, expected):
    assert parse_op(op) == expected
    if op in ("!", "{0}"):
        return
    # The lengths of the matches from the first of five "a": low..high, none empty.
    doc = Doc(nlp.vocab, words=["a"] * 5)
    matcher = Matcher(nlp.vocab, validate=False)  # its schema refuses "1", which it reads
    matcher.add("A", [[{"ORTH": "a"} if op is None else {"ORTH": "a", "OP": op}]])
    lengths = sorted(end for _, start, end in matcher(doc) if start == 0)
    assert lengths == list(range(max(expected.low, 1), min(expected.high or 5, 5) + 1))


@pytest.mark.parametrize("op", ["{3,1}", "{,}", "{}", "{a}", "x", "**"])
def test_operator_spacy_refuses_is_refused(nlp, op):
    with pytest.raises(ValueError):
        Matcher(nlp.vocab).add("A", [[{"ORTH": "a", "OP": op}]])
    with pytest.raises(ValueError):
        parse_op(op)


# --- the engine against spaCy's Matcher on invented patterns ---------------------------------

SPECS = [
    {"ORTH": "a"}, {"ORTH": "b"}, {"LOWER": "b"}, {"LOWER": {"IN": ["a", "c"]}},
    {"LOWER": "B"},  # never matches: the Matcher does not lower-case LOWER values
    {"ORTH": {"NOT_IN": ["a"]}}, {"TEXT": {"REGEX": "^[bc]"}}, {"LOWER": {"REGEX": "^b"}},
    {"IS_UPPER": True}, {"IS_LOWER": False, "IS_PUNCT": False}, {"SHAPE": "X"},
]
OPS = [None, "?", "*", "+", "!", "{2}", "{1,2}", "{0,2}", "{2,}", "{,2}"]
spec = st.tuples(st.sampled_from(SPECS), st.sampled_from(OPS)).map(
    lambda s: {**s[0], "OP": s[1]} if s[1] else dict(s[0]))
pattern = st.lists(spec, min_size=1, max_size=4)
keys = st.lists(st.tuples(st.lists(pattern, min_size=1, max_size=3),
                          st.sampled_from([None, None, "FIRST", "LONGEST"])),
                min_size=1, max_size=3)
words = st.lists(st.sampled_from(["a", "b", "c", "A", "B", ",", "ab"]), min_size=1, max_size=12)


@given(keys=keys, words=words)
def test_engine_finds_what_the_matcher_finds(nlp, keys, words):
    doc = Doc(nlp.vocab, words=words)
    engine = WindowedMatcher(nlp.vocab)
    reference = Matcher(nlp.vocab)
    for n, (patterns, greedy) in enumerate(keys):
        engine.add(f"K{n}", patterns, greedy=greedy)
        reference.add(f"K{n}", patterns, greedy=greedy)
    found = engine(TokenTable(doc))
    assert sorted(found) == sorted(reference(doc))
    assert len(set(found)) == len(found)
    starts = [start for _, start, _ in found]
    assert starts == sorted(starts)


def test_equal_spans_come_in_the_order_the_patterns_were_added(nlp):
    doc = nlp.make_doc("raced in GT3 Pro")
    engine = WindowedMatcher(nlp.vocab)
    first = engine.add("first", [[{"TEXT": {"REGEX": "^GT"}}, {"LOWER": "pro"}]])
    second = engine.add("second", [[{"ORTH": "GT3"}, {"ORTH": "Pro"}]])
    code = engine.add("code", [[{"TEXT": {"REGEX": "^GT"}}]])
    assert engine(TokenTable(doc)) == [(first, 2, 4), (second, 2, 4), (code, 2, 3)]


def test_engine_refuses_what_it_cannot_read(nlp):
    with pytest.raises(ValueError):
        WindowedMatcher(nlp.vocab).add("P", [[{"POS": "NOUN"}]])
    with pytest.raises(ValueError):
        WindowedMatcher(nlp.vocab).add("P", [[{"LOWER": {"FUZZY": "series"}}]])
    with pytest.raises(ValueError):
        WindowedMatcher(nlp.vocab).add("P", [[{"ORTH": "a"}]], greedy="SHORTEST")


def test_a_long_run_before_an_anchor_is_matched_whole(nlp):
    """A pattern with no limit before its anchor starts anywhere in the run before it."""
    words = ["Alpha"] * 300 + ["Racing", "won"]
    doc = Doc(nlp.vocab, words=words)
    patterns = [[{"IS_TITLE": True}, {"IS_TITLE": True, "OP": "*"}, {"ORTH": "Racing"}]]
    engine = WindowedMatcher(nlp.vocab)
    engine.add("P", patterns, greedy="LONGEST")
    assert [(s, e) for _, s, e in engine(TokenTable(doc))] == [(0, 301)]
    engine = WindowedMatcher(nlp.vocab)
    engine.add("P", patterns)
    assert sorted(engine(TokenTable(doc))) == _reference(engine, doc)


# --- each user's patterns against spaCy's Matcher on real shapes of text -----------------------


@pytest.fixture(scope="module")
def docs(nlp):
    """The seed articles, synthetic variants of them, the pathological kinds that stress the
    matchers, and the sample sentences, tokenized as the pipeline does."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]
    texts += [text for _, text in synthetic_texts(RAW, 12, seed=5)]
    texts += [PATHOLOGICAL[kind](1500) for kind in (
        "date_ranges", "yearless_dates", "relative_dates", "ambiguous_classes", "class_codes",
        "class_enumerations", "series_cues", "body_cues", "people_and_teams", "headings")]
    texts += [MATCHER_TEXT, DATE_TEXT]
    return [nlp(text) for text in texts]


def _engines(nlp) -> dict[str, WindowedMatcher]:
    from pipeline.facts.cues import _matchers

    return {
        "entities": nlp.get_pipe("motorsport_entities").matcher,
        "classes": nlp.get_pipe("racing_classes").matcher,
        "dates": nlp.get_pipe("date_matcher").matcher,
        "series cues": _matchers(nlp.vocab).matcher,
    }


@pytest.mark.parametrize("user", ["entities", "classes", "dates", "series cues"])
def test_each_users_patterns_find_what_the_matcher_finds(nlp, docs, user):
    engine = _engines(nlp)[user]
    reference = engine.spacy_matcher()
    total = 0
    for doc in docs:
        found = engine(TokenTable(doc))
        assert sorted(found) == sorted(reference(doc))
        _assert_in_document_order(engine, found)
        total += len(found)
    assert total > 50, "the texts should exercise the patterns"


def test_users_build_their_engines_from_their_data(nlp):
    """The engines hold every pattern of the data files (the comparison above covers them)."""
    engines = _engines(nlp)
    assert len(engines["entities"]) == sum(1 for _ in load_jsonl("entity_patterns.jsonl"))
    assert len(engines["classes"]) == sum(1 for _ in load_jsonl("class_patterns.jsonl"))
    dates = load_json("date_patterns.json")
    # Each named day gives two patterns: with its year and, year-less, after a preposition.
    assert len(engines["dates"]) == len(dates["patterns"]) + 2 * len(dates["holidays"])
    assert len(engines["series cues"]) == len(load_json("series_cues.json")["cues"])


def test_alignments_are_the_matchers(nlp, docs):
    """Context tokens of a date are read from the alignment of its match: the first the
    Matcher's ``with_alignments`` gives for that extent."""
    dates = nlp.get_pipe("date_matcher")
    engine = dates.matcher
    with_context = [key for key, rule in dates.rules.items() if rule.context]
    reference = engine.spacy_matcher(with_context)
    checked = 0
    for doc in docs:
        first = {}
        for key, start, end, alignment in reference(doc, with_alignments=True):
            first.setdefault((key, start, end), alignment)
        for (key, start, end), alignment in first.items():
            assert engine.alignment(doc, key, start, end) == alignment
            checked += 1
    assert checked > 20
    # A context token and a date: never one token.
    assert all(engine.alignment(docs[0], key, 0, 1) is None for key in with_context)


def test_doc_of_another_vocab_is_matched_in_its_own(nlp):
    """Word classes are learnt per vocabulary: a doc made elsewhere gets the same matches."""
    import spacy

    from pipeline.nlp.tokenizer import customize_tokenizer

    other = customize_tokenizer(spacy.blank("en"))
    engine = nlp.get_pipe("date_matcher").matcher
    own, foreign = nlp.make_doc(DATE_TEXT), other.make_doc(DATE_TEXT)
    assert engine(TokenTable(foreign)) == engine(TokenTable(own))
    assert engine(TokenTable(own))


def test_counting_table_is_the_slot_table_as_numbers(nlp):
    engine = WindowedMatcher(nlp.vocab)
    engine.add("CUP", [[{"IS_TITLE": True, "OP": "+"}, {"LOWER": "cup"}]])
    doc = nlp.make_doc("The Northland Cup and the Valdoria cup ran .")
    # The counts pick each pattern's anchor: the matches are still the Matcher's.
    assert engine(TokenTable(doc)) == sorted(engine.spacy_matcher()(doc),
                                             key=lambda m: (m[1], m[2]))
    assert engine(TokenTable(doc))
    words = engine._word_classes(nlp.vocab)
    assert (words.counting_table() == words.table()).all()
    assert words.counting_table().dtype.kind == "f"
