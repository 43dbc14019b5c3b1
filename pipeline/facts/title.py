"""The article's subject: its name as written (title line, infobox, the lead's definition), or
inferred from the text when the layout lost it.

A headless article that lost its name ("The , abbreviated as JSPC, formed by ...") gets the
series name in the text whose initials spell the defined short form with the fewest words left
over, preferring a name the series was renamed to (its latest). Names are taken as written, not
shortened to the letters: which words a short form skips is a guess.
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Doc, Span

from ..data import load_json
from ..nlp.acronyms import AcronymRules, leftover_words, spelled_words
from ..nlp.tokens import TokenTable
from .context import (
    SERIES_LABELS,
    FactContext,
    canonical,
    capitalised_after,
    expand,
    norm,
    series_cues,
    word_ids,
)
from .cues import cue_hits, name_after
from .ownership import Ownership

__all__ = [
    "article_title", "defined_short_form", "infer_title", "initials_fit", "lead_name",
    "short_form_name",
]


def defined_short_form(tokens: TokenTable, sentence: Span | None) -> str | None:
    """The short form the lead sentence defines: "(abbreviated JLMC)", ", abbreviated as JSPC,",
    "(FIA WTCC)" (a body's short form before the series' own)."""
    doc = tokens.doc
    if sentence is None:
        return None
    cues = series_cues()
    lower = tokens.lower_list
    for opener in cues["short_form_openers"]:
        ids = list(word_ids(doc.vocab, *opener))
        n = len(ids)
        for i in range(sentence.start, sentence.end):
            if lower[i] == ids[0] and lower[i:i + n] == ids:
                after = doc[i + n:i + n + 2]
                for candidate in after:
                    if candidate.is_upper and candidate.is_alpha and len(candidate) >= 2:
                        k = candidate.i + 1
                        while (k < sentence.end and k - candidate.i < 3 and doc[k].is_upper
                               and doc[k].is_alpha and len(doc[k]) >= 2):
                            k += 1
                        return doc[candidate.i:k].text
                    if candidate.lower_ not in cues["short_form_skips"]:
                        break
    return None


def lead_name(tokens: TokenTable, sentence: Span | None) -> str | None:
    """"The X (abbreviated Y) is/was a ...": the capitalised words opening the definition,
    followed by a bracket, a comma or the copula. "In 1990, ..." opens no name. A race or a
    season may open with a number: "The 24 Hours of X", "The 1000 km X", "The 2011 X Cup"."""
    doc = tokens.doc
    if sentence is None:
        return None
    cues = series_cues()
    name = _numbered_name(tokens, sentence) or capitalised_after(tokens, sentence.start,
                                                                  sentence.end)
    # "The Rolex 24 at Daytona": a place joined to a race's name.
    while (name is not None and name.end + 1 < sentence.end
           and doc[name.end].lower_ in cues["lead_name_joins"]):
        rest = capitalised_after(tokens, name.end + 1, sentence.end)
        if rest is None or rest.start != name.end + 1:
            break
        name = doc[name.start:rest.end]
    if (name is None or name[0].lower_ in cues["sentence_openers"]
            or name.text in cues["not_names"]):
        return None
    after = doc[name.end] if name.end < sentence.end else None
    if after is None or after.lower_ not in (*cues["lead_name_ends"], *cues["copulas"]):
        return None
    copula = any(t.lower_ in cues["copulas"] for t in doc[name.end:sentence.end])
    return name.text if copula else None


def _numbered_name(tokens: TokenTable, sentence: Span) -> Span | None:
    """A name opening with a number, then a length unit or a capitalised word: "24 Hours of
    Le Mans", "1000 km Suzuka", "2011 Intercontinental Le Mans Cup"."""
    doc, words = tokens.doc, tokens.words
    i = sentence.start
    while i < sentence.end and words[i].lower_ in series_cues()["determiners"]:
        i += 1
    if i + 1 >= sentence.end or not words[i].is_digit:
        return None
    j = i + 1
    if words[j].is_digit:  # a year before a race's number: "The 2024 24 Hours of X"
        j += 1
    if j < sentence.end and words[j].lower_ in series_cues()["length_units"]:
        j += 1
        if j < sentence.end and words[j].lower_ in series_cues()["name_connectors"]:
            j += 1  # "The 1000 km of Spa"
    rest = capitalised_after(tokens, j, sentence.end) if j < sentence.end else None
    if rest is None or rest.start != j:
        return None
    end = rest.end
    if end + 1 < sentence.end and words[end].lower_ == "season":
        end += 1  # "The 2015 X Championship season was ..."
    return doc[i:end]


def _headless(tokens: TokenTable, sentence: Span) -> bool:
    """A lead whose opening name the layout dropped: ", formerly known as ...", "The (X) is"."""
    words = tokens.words
    i = sentence.start
    while i < sentence.end and words[i].lower_ in series_cues()["determiners"]:
        i += 1
    return i < sentence.end and (words[i].is_punct or words[i].lower_ in series_cues()["copulas"])


def _name_used_for_subject(ctx: FactContext, sentence: Span) -> str | None:
    """For a headless lead: the series name the rest of the article uses most whose words all
    come from the names the lead gives (former, sponsored, full): the lead of "Super X Series"
    lists "Sponsor Super X Series" and "Super Y X Series", the article says "Super X"."""
    lead_words = {w for s in ctx.series_spans if sentence.start <= s.start < sentence.end
                  for w in norm(ctx.text_of(s)).split()}
    if not lead_words:
        return None
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    # Series names, and the names opening sentences ("X is a club series"), for a name the
    # entity component or the series nouns did not give.
    names = list(zip(ctx.series_spans, ctx.series_norms))
    for start in ctx.sents.starts:
        opening = capitalised_after(ctx.tokens, start, ctx.sents.bounds(start)[1])
        if opening is not None and opening.start == start:
            names.append((opening, norm(ctx.text_of(opening))))
    covered = {span.start for span, _ in names[:len(ctx.series_spans)]}
    for n, (span, name) in enumerate(names):
        if (sentence.start <= span.start < sentence.end or not name
                or (n >= len(ctx.series_spans) and span.start in covered)):
            continue
        if set(name.split()) <= lead_words:
            counts[name] = counts.get(name, 0) + 1
            first.setdefault(name, ctx.text_of(span))
    if not counts:
        return None
    best = max(counts, key=lambda n: (counts[n], len(n.split())))
    return first[best]


@cache
def _acronym_rules() -> AcronymRules:
    """The abbreviation detector's packaged acronym rules, so a name spells a short form here
    as it does in a definition."""
    return AcronymRules.from_data(load_json("abbreviation_rules.json"))


def initials_fit(short: str, name: str) -> int | None:
    """How many content words of ``name`` the letters of ``short`` leave over (fewer is
    better); None when they do not fit (see :func:`~pipeline.nlp.acronyms.leftover_words`)."""
    return leftover_words(short, name, _acronym_rules())


def short_form_name(short: str, name: str) -> str | None:
    """The words of ``name`` a short form spells (see
    :func:`~pipeline.nlp.acronyms.spelled_words`): a guess at the name the short form
    abbreviates, so the record keeps it apart from the name as written."""
    return spelled_words(short, name, _acronym_rules())


def infer_title(ctx: FactContext, ownership: Ownership,
                hits: list[tuple[dict, int, int]]) -> tuple[str, str]:
    """The article's subject and where it came from: "heading", "infobox", "lead", "inferred".
    ``hits`` are the document's cues (:func:`~pipeline.facts.cues.cue_hits`)."""
    doc, document = ctx.doc, ctx.document
    cues = series_cues()
    if document.title is not None:
        return document.title.text, "heading"
    field = document.infobox_value(*cues["infobox_name"])
    if field is not None and field.value.strip() and "." not in field.value[-5:]:
        return field.value.strip(), "infobox"
    sentence = ctx.lead
    lead = lead_name(ctx.tokens, sentence)
    if lead:
        return lead, "lead"
    short = defined_short_form(ctx.tokens, sentence)
    candidates = list(dict.fromkeys(ctx.text_of(s) for s in ctx.series_spans))
    candidates += [canonical(e) for e in doc.ents if e.label_ in SERIES_LABELS]
    refs = ownership.references([short] if short else [])
    renamed = set()
    for rule, start, end in hits:
        if rule["relation"] != cues["rename_relation"]:
            continue
        sent = ctx.sent(start)
        if ownership.about_subject(refs, sent, start, False):
            name = name_after(doc, end, sent.end, ctx.series_by_start)
            if name:
                renamed.add(norm(name))
    if short:
        # "FIA WTCC": the series' own short form is the last; a body's before it is a prefix
        # its name may carry ("FIA World Touring Car Championship").
        *prefix, own_short = short.split()
        scored = []
        for n, candidate in enumerate(dict.fromkeys(candidates)):
            words = candidate.split()
            if prefix and words[:len(prefix)] == prefix:
                words = words[len(prefix):]
            extra = initials_fit(own_short, " ".join(words))
            if extra is not None:
                scored.append((norm(candidate) not in renamed, not (
                    prefix and candidate.split()[:len(prefix)] == prefix), extra, n, candidate))
        if scored:
            return min(scored)[-1], "inferred"
        return expand(short, doc._.short_forms or {}), "inferred"
    if renamed:
        return next(c for c in candidates if norm(c) in renamed), "inferred"
    headless = sentence is not None and _headless(ctx.tokens, sentence)
    used = _name_used_for_subject(ctx, sentence) if headless else None
    if used:
        return used, "inferred"
    lead_spans = [s for s in ctx.series_spans if sentence is not None and s.start < sentence.end]
    if lead_spans:
        return lead_spans[0].text, "inferred"
    if headless and ctx.series_spans:
        # A lead naming nothing: the series name the article uses most.
        counts: dict[str, int] = {}
        for name in ctx.series_norms:
            counts[name] = counts.get(name, 0) + 1
        best = max(counts.values())
        return next(ctx.text_of(s) for s, n in zip(ctx.series_spans, ctx.series_norms)
                    if counts[n] == best), "inferred"
    return "", "inferred"


def article_title(doc: Doc) -> tuple[str, str]:
    """:func:`infer_title` of a parsed doc: (name, where it came from); "" when none."""
    ctx = FactContext(doc)
    return infer_title(ctx, Ownership(ctx), cue_hits(ctx.tokens))
