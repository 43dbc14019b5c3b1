"""Facts about the series an article describes: its name, years, bodies, names over time.

Read from the Doc alone (:func:`series_record`): the reader's structure on
``doc._.source_document`` (title, infobox, sections, categories), ``doc.ents``, the short forms
the abbreviation detector defined (``doc._.short_forms``) and the date records. Cues
(:mod:`pipeline.facts.cues`) count only in a sentence about this series
(:mod:`pipeline.facts.ownership`); sections about another series are skipped. Names the series
had, found in a first pass, make later sentences that use them about it too.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from ..ingest.document import SourceDocument
from .context import (
    BODY_LABELS,
    OTHER_SUBJECT_LABELS,
    PLACE_LABELS,
    FactContext,
    norm,
    series_cues,
    written,
)
from .cues import (
    YEAR,
    CueValues,
    body_after,
    body_before,
    cue_hits,
    name_after,
    name_before,
    names_after,
    year_after,
)
from .dates import date_records
from .ownership import Ownership, References, foreign_sections
from .title import defined_short_form, infer_title, initials_fit, lead_name, short_form_name

__all__ = ["series_record"]


def _infobox_year(document: SourceDocument, keys: list[str], last: bool) -> int | None:
    """First year of an inaugural key, last year of a folded key. A span of years
    ("Years active: 1983–1992") gives both ends, but "2006–present" has no last year."""
    field = document.infobox_value(*keys)
    if field is None:
        # A template's numbered variant of the key ("Inaugural2: 2015").
        wanted = {k.casefold() for k in keys}
        field = next((f for f in document.infobox
                      if f.key[-1:].isdigit() and f.key.rstrip("0123456789").casefold()
                      in wanted), None)
    if field is None:
        return None
    years = YEAR.findall(field.value)
    if not years:
        return None
    if last and field.key.casefold() in series_cues()["infobox_ranges"]:
        ongoing = any(w in field.value.casefold().split() or w in field.value.casefold()
                      for w in series_cues()["ongoing_words"])
        if ongoing or len(years) < 2:
            return None
    return int(years[-1] if last else years[0])


# --- the record --------------------------------------------------------------------------


def series_record(doc: Doc, *, dates: list[dict] | None = None,
                  context: FactContext | None = None) -> dict:
    """Series facts: name (and where it came from), aliases, years, country, bodies, names over
    time. ``dates``: the document's date records (default: :func:`date_records` of ``doc``);
    ``context``: the doc's fact context when the caller has one."""
    ctx = context if context is not None else FactContext(doc)
    document = ctx.document
    dates = date_records(doc) if dates is None else dates
    short_forms = doc._.short_forms or {}
    ownership = Ownership(ctx)
    hits = cue_hits(ctx.tokens)
    name, title_source = infer_title(ctx, ownership, hits)
    cues = series_cues()
    lead = ctx.lead
    short = defined_short_form(ctx.tokens, lead)
    aliases = [s for s, long in short_forms.items() if s and long and norm(long) == norm(name)]
    if short and short not in aliases and norm(short) != norm(name):
        aliases.append(short)
    use_fallback = not ctx.has_entities
    # Names the subject goes by besides its title: "World X Championship" for "FIA World X
    # Championship" (a body's prefix dropped), the long forms the text defines for them.
    variants = _name_variants(name, short_forms)
    # A page titled otherwise than the name its lead opens with ("Super X Championship" whose
    # lead opens "Super X, formerly known as ..."): the lead's name is the subject's too.
    if title_source in ("heading", "infobox"):
        opening = lead_name(ctx.tokens, lead)
        if opening and norm(opening) != norm(name):
            variants.append(opening)
    places = ctx.entities_of(PLACE_LABELS)
    foreign = foreign_sections(document, [name, *aliases])

    values = CueValues.of(ctx, ctx.entities_of(BODY_LABELS), places, dates, foreign,
                          ctx.entities_of(OTHER_SUBJECT_LABELS + PLACE_LABELS))
    facts: dict[str, list] = {}
    own_names = [name, *aliases, *variants]
    # Up to three passes: names the series had (found in sentences about it) make later sentences
    # that use them about it too.
    for _ in range(3):
        refs = ownership.references(own_names)
        facts = _collect(ctx, ownership, refs, hits, values, lead, use_fallback,
                         _parent_name(name))
        names = (facts.get("former_name", []) + facts.get("renamed_to", [])
                 + facts.get("ended_name", []) + facts.get("alias", []))
        if all(n in own_names for n in names):
            break
        own_names = list(dict.fromkeys(own_names + names))

    aliases += [a for a in facts.get("alias", []) if norm(a) != norm(name) and a not in aliases]
    renamed = facts.get("renamed_to", [])
    history = list(dict.fromkeys(facts.get("former_name", []) + renamed))
    current = {norm(name)} | {norm(a) for a in aliases}
    if renamed:
        # The latest rename is today's name unless the title says otherwise: a later name
        # than the title is not a former one.
        current.add(norm(renamed[-1]))
    # A name the text gives an end ("known as X until 2005") is a former one even if it was
    # the latest rename.
    ended = [n for n in facts.get("ended_name", []) if norm(n) not in {norm(name)}]
    former = [n for n in history if norm(n) not in current]
    former += [n for n in ended if n not in former]
    former = list(dict.fromkeys(part for n in former for part in _joined_names(n)))

    inaugural = _infobox_year(document, cues["infobox_inaugural"], last=False)
    folded = _infobox_year(document, cues["infobox_folded"], last=True)
    if ctx.lead_kind == "body" or _parent_name(name):
        # A club or a federation has no seasons: its founding is no inaugural year; a season
        # ("2011 X Cup") is one year of its series, whose first and last are not its own.
        facts.pop("inaugural", None)
        facts.pop("folded", None)
        if ctx.lead_kind == "body":
            inaugural = None  # "Founded: 1963" in a body's infobox: no first season either
    # The earliest start and the latest end the text gives: "a single season in 1987 ... and
    # most recently a championship that has run between 2005 and 2017".
    inaugural = inaugural or min(facts.get("inaugural", []), default=None)
    if folded is None:
        folded = max(facts.get("folded", []), default=None)
        if inaugural and folded and folded < inaugural:
            # An end the prose gives before the start belongs to something else it speaks
            # of (an infobox's conflict is the contract's to report).
            folded = None
        if folded and max(facts.get("revived", []), default=0) > folded:
            folded = None  # "cancelled in 2008 ... revived in 2010": running again

    country_field = document.infobox_value(*cues["infobox_country"])
    country = country_field.value.strip() if country_field else None
    country = country or next(iter(facts.get("country", [])), None) or _category_country(
        document, places, use_fallback)

    rule_bodies = list(facts.get("rule_body", []))
    if ctx.lead_kind == "category":
        # A category is a body's rules: who created or runs it made the rules.
        rule_bodies += facts.pop("organiser", []) + facts.pop("creator", [])
    # Bodies as written, short forms too: the text's own choice of name.
    sanctioning = list(facts.get("sanctioning", []))
    sanction_field = document.infobox_value(*cues["infobox_sanctioning"])
    if sanction_field and sanction_field.value.strip():
        sanctioning.insert(0, sanction_field.value.strip())
    if not sanctioning:
        # Who runs the series stands for the sanctioning body when the text names none
        # ("organised by X and sanctioned by the FIA" has one: the FIA), and without one
        # either, who introduced it ("introduced in 1970 by the X Club").
        sanctioning = list(facts.get("organiser", []) or facts.get("creator", []))
        organiser_field = document.infobox_value(*cues["infobox_organiser"])
        if organiser_field and organiser_field.value.strip():
            sanctioning.insert(0, organiser_field.value.strip())

    return {
        "name": name,
        "title_source": title_source,
        "aliases": aliases,
        "inaugural_year": inaugural,
        "folded_year": folded,
        "country": country,
        "sanctioning_bodies": _without_short_forms(sanctioning),
        "rule_bodies": _without_short_forms(rule_bodies),
        "former_names": former,
        "renamed_to": [n for n in renamed if norm(n) != norm(name)],
        # For an inferred title, the name its short form spells (see short_form_name).
        "short_form_name": (short_form_name(short, name) if short and title_source == "inferred"
                            else None),
        "predecessors": list(dict.fromkeys(
            n for n in facts.get("predecessor", []) if norm(n) not in current)),
        "successors": list(dict.fromkeys(
            n for n in facts.get("successor", []) if norm(n) not in current)),
    }


def _named_between(ctx: FactContext, refs: References, values: CueValues, sent: Span,
                   i: int) -> bool:
    """A capitalised name between the subject's last reference and token ``i`` that is no
    place: "Group C lies in the GTP category introduced by the ACO" introduces GTP."""
    words = ctx.tokens.words
    last = refs.last_own_end(sent, i)
    start = last if last is not None else sent.start + 1
    places = values.places_by_start
    k = start
    while k < i:
        place = places.get(k)
        if place is not None:
            k = place.end
        elif words[k].capital:
            return True
        else:
            k += 1
    return False


def _renamed_to_subject(ctx: FactContext, refs: References, sent: Span, start: int,
                        end: int) -> str | None:
    """The series named right before a rename cue whose new name is the subject's: "the X
    Cup was (later) renamed the <subject>" gives X as a former name."""
    doc, cues = ctx.doc, series_cues()
    j = end
    while j < sent.end and doc[j].lower_ in cues["determiners"]:
        j += 1
    if refs.ours_at(j) is None:
        return None
    k = start
    while k > sent.start and doc[k - 1].lower_ in cues["auxiliaries"]:
        k -= 1
    before = next((s for s in ctx.series_spans if s.end == k), None)
    return written(before) if before is not None else None


def _name_variants(name: str, short_forms: dict[str, str]) -> list[str]:
    """Other names of the subject: the title without a body's short form opening it ("FIA X
    Championship" -> "X Championship"), and the short forms defined for either."""
    words = name.split()
    variants = []
    if len(words) > 2 and words[0].isupper() and words[0].isalpha():
        variants.append(" ".join(words[1:]))
    forms = {norm(name), *(norm(v) for v in variants)}
    variants += [s for s, long in short_forms.items() if s and long and norm(long) in forms]
    return variants


def _joined_names(name: str) -> list[str]:
    """Two names joined by "&" read as one ("historically as X Supercars & Y Touring Car
    Championship"): each side of two words or more is a name of its own; "Rod & Gun Club"
    stays whole."""
    parts = [p.strip() for p in name.split(" & ")]
    if len(parts) > 1 and all(len(p.split()) >= 2 and p[:1].isupper() for p in parts):
        return parts
    return [name]


def _parent_name(name: str) -> str | None:
    """A season's series: "2011 X Cup" -> "X Cup"."""
    words = name.split()
    if len(words) > 1 and YEAR.fullmatch(words[0]):
        return " ".join(words[1:])
    return None


def _without_short_forms(names: list[str]) -> list[str]:
    """Distinct names, dropping a short form whose long form is also there ("ACO" beside
    "Automobile Club de l'Ouest"), for when no abbreviation list expanded it."""
    names = list(dict.fromkeys(names))
    return [n for n in names if not (n.isupper() and any(
        other != n and initials_fit(n, other) == 0 for other in names))]


def _collect(ctx: FactContext, ownership: Ownership, refs: References,
             hits: list[tuple[dict, int, int]], values: CueValues, lead: Span | None,
             use_fallback: bool, parent: str | None = None) -> dict[str, list]:
    doc = ctx.doc
    cues = series_cues()
    facts: dict[str, list] = {}
    for rule, start, end in hits:
        if values.in_foreign(ctx.token_starts[start]):
            continue
        sent = ctx.sent(start)
        # The lead's definition, and its continuation where a stray full stop split it
        # ("... (abbreviated as BPR.) was a series which ran from 1994 to 1996").
        in_lead = lead is not None and (sent.start == lead.start or (
            sent.start == lead.end and doc[sent.start].is_lower))
        subject = rule["subject"]
        if rule["relation"] == cues["rename_relation"]:
            # "In 2005 the X Cup was renamed the <subject>": X is a former name, whoever the
            # sentence is about.
            former = _renamed_to_subject(ctx, refs, sent, start, end)
            if former:
                facts.setdefault("former_name", []).append(former)
        if subject == "before":
            # Bodies are the objects of a body's relation and the agents of a change of name
            # ("taken over by X to become the Y Cup"): a body in between keeps the subject.
            nearest = not (rule["value"].startswith(("org", "location"))
                           or rule.get("bodies_keep_subject"))
            if not ownership.about_subject(refs, sent, start, in_lead, nearest=nearest) and not (
                    rule.get("unreferenced")
                    and refs.nearest_before(sent.start, start, series=True) is None) and not (
                    # "In 2000, renamed to X": a clause with no subject at all is the article's.
                    rule.get("subjectless") and ownership.opens_clause(start)) and not (
                    # A fronted participle ("Originally titled X, the series was ..."): its
                    # subject is the main clause's, after the phrase.
                    ownership.opens_clause(start)
                    and refs.nearest_before(sent.start, start) is None
                    and ownership.subject_after(refs, sent, end)):
                continue
            if rule.get("names_take_subject") and _named_between(ctx, refs, values, sent,
                                                                 start):
                continue
        elif subject == "within":
            # "At the end of 2009 the series was replaced": the subject inside the pattern.
            if not refs.nearest_before(sent.start, end, possessors=False):
                continue
        elif subject == "before_or_after":
            # "Run since 1923, it is ...": with nothing named before, the clause after.
            verdict = refs.nearest_before(sent.start, start, possessors=False)
            if verdict is None:
                verdict = ownership.subject_after(refs, sent, end)
            if not verdict:
                continue
        elif subject == "before_or_within":
            # "... and, for its first two seasons, was known as X" (the subject before, bodies
            # in between keep it); "For its first seasons, the series was known as X" (nothing
            # named before: the subject inside the phrase).
            if refs.nearest_before(sent.start, start) is not None:
                verdict = ownership.about_subject(refs, sent, start, in_lead, nearest=False)
            else:
                verdict = refs.nearest_before(start, end, possessors=False)
            if not verdict:
                continue
        elif subject == "first":
            # "... merged with X to form Y": the sentence's subject did the forming.
            if not refs.nearest_before(sent.start, start, first=True):
                continue
        elif subject == "nominal":
            if not ownership.nominal_about_subject(refs, sent, start, end):
                continue
        elif subject == "after":
            j = end
            while j < sent.end and (doc[j].lower_ in cues["determiners"] or doc[j].is_quote):
                j += 1
            if refs.ours_at(end) is None and refs.ours_at(j) is None and not (
                    parent and j < sent.end and ctx.text.startswith(parent, ctx.token_starts[j])):
                continue
        value = rule["value"]
        fact = None
        if value == "year_after" and rule.get("year_verbs"):
            # "The first X Championship, which was open to ..., was held in 1987": the year
            # of the verb that dates the cue's noun, wherever it stands in the sentence.
            verbs = rule["year_verbs"]
            verb = next((k for k in range(end, sent.end) if doc[k].lower_ in verbs), None)
            fact = None if verb is None else year_after(
                doc, verb + 1, sent, values.dates, last=rule["relation"] == "folded")
        elif value == "year_after":
            fact = year_after(doc, end, sent, values.dates, last=rule["relation"] == "folded",
                              fronted=rule.get("fronted_year", False))
        elif value in ("year_range_start", "year_range_end"):
            # The years the pattern itself holds: "ran from 1994 to 1996", "end of 2009".
            years = [int(t.text) for t in doc[start:end] if YEAR.fullmatch(t.text)]
            first_year = next(t.i for t in doc[start:end] if YEAR.fullmatch(t.text))
            if any(t.lower_ in cues["venue_prepositions"] for t in doc[start + 1:first_year]):
                # "The race was held at Interlagos from 1956 to 1996": its years at one venue,
                # not its own first and last.
                continue
            fact = years[0] if value == "year_range_start" else (
                years[-1] if len(years) > 1 else None)
        elif value == "name_before":
            fact = name_before(ctx.tokens, start, sent.start, ctx.series_spans,
                               capitalised=rule.get("capitalised", False))
        elif value == "name_after" and rule["relation"] in ("former_name", "ended_name"):
            # "formerly known as X prior to 2005 and Y prior to 1995"; "evolved from X by way
            # of Y and Z": every name listed.
            found = names_after(ctx.tokens, end, sent.end, ctx.series_by_start,
                                capitalised=rule.get("capitalised", False),
                                quoted=rule.get("quoted", False))
            if rule.get("name_then"):
                found = found[:1] if found and found[0][1] < sent.end and (
                    doc[found[0][1]].lower_ in rule["name_then"]) else []
            if rule.get("until"):
                found = [(n, e) for n, e in found
                         if e < sent.end and doc[e].lower_ in cues["until_words"]]
            facts.setdefault(rule["relation"], []).extend(n for n, _ in found)
            continue
        elif value == "name_after":
            fact = name_after(doc, end, sent.end, ctx.series_by_start)
            if fact and rule.get("until"):
                # "was known as X until 2005": a name with an end is a former one.
                after = next((s.end for s in ctx.series_spans
                              if fact in (s.text, s.kb_id_) and s.start >= end), sent.end)
                if after >= sent.end or doc[after].lower_ not in cues["until_words"]:
                    fact = None
        elif value == "org_category":
            # "FIA Group 2": the body whose category it is.
            body = values.bodies_by_start.get(start)
            fact = written(body) if body is not None else doc[start].text
        elif value == "org_after":
            fact = body_after(ctx.tokens, end, sent.end, values.bodies_by_start, use_fallback,
                              values.others_by_start)
            facts.setdefault(rule["relation"], []).extend(
                f for f in fact if norm(f) not in ctx.series_names)
            continue
        elif value == "org_inside":
            # The bodies the pattern itself names: "an SCCA/CASC sports car series".
            found = []
            for token in doc[start:end]:
                if not (token.is_upper and token.is_alpha and len(token) > 1):
                    continue
                body = values.bodies_by_start.get(token.i)
                if body is not None:
                    found.append(written(body))
                elif use_fallback or (rule.get("names_body") and values.others_by_start
                                      is not None and token.i not in values.others_by_start):
                    # "a CAMS-sanctioned title": the cue makes the short form a body's even
                    # where the entity set has no name for it.
                    found.append(token.text)
            facts.setdefault(rule["relation"], []).extend(
                f for f in found if norm(f) not in ctx.series_names)
            continue
        elif value == "org_before":
            # The pattern may hold the body itself ("under ACO rules"): look inside it first;
            # a bracketed short form in it follows the body ("X's (ACO) Cup").
            inside = [t for t in doc[start:end] if t.is_upper and t.is_alpha and len(t) > 1
                      and not (t.i > start and doc[t.i - 1].text == "(")]
            body = values.bodies_by_start.get(inside[0].i) if inside else None
            fact = (written(body) if body is not None else inside[0].text) if inside else (
                body_before(ctx.tokens, start, sent.start, values.bodies_by_end,
                            use_fallback and not rule.get("entities_only")))
            if inside and not use_fallback and inside[0].i not in values.bodies_by_start:
                fact = None
        elif value == "location_after":
            fact = next(iter(body_after(ctx.tokens, end, sent.end, values.places_by_start,
                                        use_fallback)), None)
        if not fact or (value.startswith(("org", "location"))
                        and norm(fact) in ctx.series_names):
            continue
        facts.setdefault(rule["relation"], []).append(fact)
    return facts


def _category_country(document: SourceDocument, places: list[Span],
                      use_fallback: bool) -> str | None:
    """"Auto racing series in Japan": a category naming where the series ran."""
    known = {span.text for span in places}
    for category in document.categories:
        m = re.search(r"\bseries in (?:the )?(?P<place>[A-Z][\w' -]+)$", category.text)
        if m and (m.group("place") in known or use_fallback):
            return m.group("place")
    return None
