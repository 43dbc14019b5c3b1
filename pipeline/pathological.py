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
* ``dated_headings``: thousands of ``==2009 season==`` headings over one line each.

Not extraction knowledge (nothing here is a rule): it lives outside ``pipeline/data``.
"""

from __future__ import annotations

from collections.abc import Callable


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
}
