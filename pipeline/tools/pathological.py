"""Pathological inputs: text shapes that make careless rules take quadratic time.

``PATHOLOGICAL`` maps a kind to a generator ``size -> text`` of about ``size`` characters. The
benchmark (``python -m pipeline bench scaling``) times ``process_source`` on each kind at n, 2n
and 4n characters, and the tests run every kind at a moderate size. The kinds:

* ``spaces_line``: a bullet whose words are separated by one long run of spaces (regexes with a
  lazy group before ``[ \\t]*$`` backtrack over it);
* ``long_token``: one line of a single token, no space at all;
* ``long_line``: one sentence of many clauses, no sentence-final punctuation;
* ``bullets``: tens of thousands of short bullet lines with abbreviation-like codes;
* ``infobox_fields``: an infobox of tens of thousands of ``- Key: Value`` lines;
* ``headings``: thousands of ``==Heading==`` lines, each over one line of text;
* ``empty_headings``: thousands of ``==Heading==`` lines with nothing between them;
* ``categories``: tens of thousands of short category lines closing the document;
* ``nested``: one deep ``((((A))))`` nesting;
* ``brackets_sq``: ``[[[[`` then ``]]]]``, no content;
* ``mixed_nesting``: a deep nesting of ``([{`` brackets in turn, with words inside;
* ``abbreviations``: "Foo Bar (FB)" definitions repeated thousands of times in one paragraph;
* ``digits_dashes``: a paragraph of only digits, dashes and spaces;
* ``date_ranges``: thousands of date ranges in one sentence;
* ``yearless_dates``: thousands of dates without a year in one paragraph, after one year;
* ``relative_dates``: thousands of "the following year" after one year;
* ``dated_headings``: thousands of ``==2009 season==`` headings over one line each;
* ``ambiguous_classes``: one list of thousands of bare "GT" (a class only with context) that a
  sure class closes;
* ``class_codes``: thousands of distinct class codes in one enumeration (GT1 ... LMP999);
* ``class_definitions``: thousands of "Class A was for production cars (Group A)" clauses and
  "Grand Touring (GT)" forms in one sentence;
* ``class_enumerations``: thousands of "two classes: GT1 and GT2" in one sentence;
* ``series_sections``: thousands of sections titled with another series' name, each with a
  class list;
* ``series_cues``: thousands of renamings, foundings and seasons of named series in one
  sentence;
* ``nominal_seasons``: thousands of "the last season was held in 2004" in one clause;
* ``body_cues``: thousands of "was sanctioned by the FIA and run by the ACO" in one sentence;
* ``distinct_abbreviations``: thousands of different "Alpha Bravo Charlie (ABC)" definitions;
* ``people_and_teams``: thousands of driver names running on into team names in one sentence.

Not extraction knowledge (nothing here is a rule): it lives outside ``pipeline/data``.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["PATHOLOGICAL"]


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def _spaces_line(n: int) -> str:
    return "- x" + " " * n + "y\n\nSome text here."


def _long_token(n: int) -> str:
    return "Intro text of 2009.\n\n" + "Ab1-" * (n // 4) + "\n"


def _long_line(n: int) -> str:
    return "The series " + _repeat("raced at Fuji in 2009 and ", n) + "ended."


def _bullets(n: int) -> str:
    return "= T =\n\nIntro text of 2009.\n\n" + "".join(
        f"- Item {i} (IT{i})\n" for i in range(max(1, n // 16))
    )


def _infobox_fields(n: int) -> str:
    fields = "".join(f"- Key{i}: Value {i}\n" for i in range(max(1, n // 18)))
    return "= T =\n\nInfobox\n" + fields + "\nThe series began in 2009.\n"


def _headings(n: int) -> str:
    return "Intro 2009 text.\n\n" + "".join(
        f"==H{i}==\nText {i}.\n" for i in range(max(1, n // 16))
    )


def _empty_headings(n: int) -> str:
    return "Intro 2009 text.\n\n" + "".join(f"==H{i}==\n" for i in range(max(1, n // 9)))


def _categories(n: int) -> str:
    return "The series began in 2009.\n\n" + "".join(
        f"Category:Cat {i}\n" for i in range(max(1, n // 16))
    )


def _nested(n: int) -> str:
    return "Text " + "(" * (n // 2) + "A" + ")" * (n // 2) + " end."


def _brackets_sq(n: int) -> str:
    return "Text " + "[" * (n // 2) + "]" * (n // 2)


def _mixed_nesting(n: int) -> str:
    depth = max(1, n // 5)  # five characters a level
    opening = "".join("([{"[k % 3] + "Ab " for k in range(depth))
    closing = "".join(")]}"[k % 3] for k in reversed(range(depth)))
    return "Text " + opening + "x" + closing + " end."


def _abbreviations(n: int) -> str:
    return "The " + _repeat("Foo Bar (FB) and ", n) + "more."


def _digits_dashes(n: int) -> str:
    return "Start. " + _repeat("1999–2000-12 ", n)


def _date_ranges(n: int) -> str:
    return "The rounds ran on " + _repeat("5–7 May 2009, ", n) + "and later."


def _yearless_dates(n: int) -> str:
    return "The 2009 season began. " + _repeat("It raced on 5 May and 7 June. ", n)


def _relative_dates(n: int) -> str:
    return "The series began in 2009. " + _repeat("The following year it grew. ", n)


def _dated_headings(n: int) -> str:
    return "The series began in 2009.\n\n" + "".join(
        f"=={1950 + i % 70} season==\nRound {i} on 5 May.\n" for i in range(max(1, n // 34))
    )


def _ambiguous_classes(n: int) -> str:
    return "The classes were " + _repeat("GT, ", n) + "and GT3."


def _class_codes(n: int) -> str:
    codes = [f"{family}{k}" for k in range(1, 1000) for family in ("GT", "LMP")]
    count = max(1, n // 7)
    listed = ", ".join(codes[k % len(codes)] for k in range(count))
    return "The series had many classes: " + listed + " and GT3."


def _class_definitions(n: int) -> str:
    return "The series began in 2009, and " + _repeat(
        "Class A was for production cars (Group A) and Grand Touring (GT) cars, ", n
    ) + "all in one."


def _class_enumerations(n: int) -> str:
    return "The series had " + _repeat("two classes: GT1 and GT2, then ", n) + "none."


def _series_sections(n: int) -> str:
    return "The Foo Cup began in 2009.\n\n" + "".join(
        f"==Asian Bar Series {i}==\nThe series had two classes: GT1 and GT2.\n"
        for i in range(max(1, n // 68))
    )


def _series_cues(n: int) -> str:
    return "The Foo Cup " + _repeat(
        "was renamed the Bar Series, replaced the Baz Championship and the last season was held "
        "in 2004, then ", n
    ) + "it ended."


def _nominal_seasons(n: int) -> str:
    return ("The Foo Cup began in 1990 and " + _repeat("the last season was held in 2004 ", n)
            + "then.")


def _body_cues(n: int) -> str:
    return "The Foo Cup " + _repeat(
        "was sanctioned by the FIA and run by the ACO, then ", n
    ) + "it ended."


# Twenty capitalised words with distinct initials: their triples spell 8,000 acronyms.
_WORDS = [f"{syllable}ex" for syllable in (
    "Al", "Bo", "Ca", "De", "Ed", "Fa", "Ga", "Ho", "Iv", "Ju",
    "Ka", "Lo", "Ma", "No", "Os", "Pa", "Qu", "Ro", "Sa", "Ta",
)]


def _distinct_abbreviations(n: int) -> str:
    definitions = []
    for k in range(max(1, n // 26)):
        words = [_WORDS[k // 400 % 20], _WORDS[k // 20 % 20], _WORDS[k % 20]]
        definitions.append(" ".join(words) + f" ({''.join(w[0] for w in words)})")
    return "The series was run by " + ", ".join(definitions) + "."


def _people_and_teams(n: int) -> str:
    return "The entrants were " + _repeat("Juan Ortega Brenner Racing Team, ", n) + "and others."


PATHOLOGICAL: dict[str, Callable[[int], str]] = {
    "spaces_line": _spaces_line,
    "long_token": _long_token,
    "long_line": _long_line,
    "bullets": _bullets,
    "infobox_fields": _infobox_fields,
    "headings": _headings,
    "empty_headings": _empty_headings,
    "categories": _categories,
    "nested": _nested,
    "brackets_sq": _brackets_sq,
    "mixed_nesting": _mixed_nesting,
    "abbreviations": _abbreviations,
    "digits_dashes": _digits_dashes,
    "date_ranges": _date_ranges,
    "yearless_dates": _yearless_dates,
    "relative_dates": _relative_dates,
    "dated_headings": _dated_headings,
    "ambiguous_classes": _ambiguous_classes,
    "class_codes": _class_codes,
    "class_definitions": _class_definitions,
    "class_enumerations": _class_enumerations,
    "series_sections": _series_sections,
    "series_cues": _series_cues,
    "nominal_seasons": _nominal_seasons,
    "body_cues": _body_cues,
    "distinct_abbreviations": _distinct_abbreviations,
    "people_and_teams": _people_and_teams,
}
