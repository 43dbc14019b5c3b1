"""Date detection and normalisation: invented sentences about invented series, traps, and the
seed documents against their gold annotations."""

from __future__ import annotations

import json
import unicodedata

import pytest
import spacy

from pipeline.facts.dates import date_records
from pipeline.ingest.reader import read_file, read_text
from pipeline.nlp import build_nlp
from pipeline.nlp.components.dates import parse_cache_info, parse_calendar
from pipeline.nlp.parse import parse_document
from pipeline.nlp.tokenizer import customize_tokenizer
from pipeline.tools.evaluation.compare import without_modifier
from tests.conftest import ROOT

GOLD = sorted((ROOT / "tests" / "fixtures" / "gold").glob("*.json"))


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(["date_matcher"])


def records_of(nlp, text: str) -> list[dict]:
    document = read_text(text, source="test.txt", doc_id="test")
    return date_records(parse_document(document, nlp))


def triples(records):
    return [(r["text"], r["kind"], r["value_start"], r["value_end"]) for r in records]


# (sentence, [(text, kind, value_start, value_end), ...]) -- every detected date, in order.
CASES = [
    # years in context
    ("The Valdoria Touring Series was founded in 1994.", [("1994", "year", "1994", "1994")]),
    ("In 2031, the championship adopted hybrid engines.", [("2031", "year", "2031", "2031")]),
    ("In 2000 cars had to carry success ballast.", [("2000", "year", "2000", "2000")]),
    ("The 1968 Borealis 500 was its first event.", [("1968", "year", "1968", "1968")]),
    ("Korvin Racing won the title at the end of 2003.",
     [("the end of 2003", "year", "2003", "2003")]),
    ("The team folded at the start of 2011 after losing its sponsor.",
     [("the start of 2011", "year", "2011", "2011")]),
    ("Entries fell sharply in early 2015.", [("early 2015", "year", "2015", "2015")]),
    ("A new chassis arrived in mid-2017.", [("mid-2017", "year", "2017", "2017")]),
    # seasons
    ("Halvorsen won every race of the 2004 season.", [("2004", "season", "2004", "2004")]),
    ("The series was sold at the end of the 2012 season.",
     [("the end of the 2012", "season", "2012", "2012")]),
    ("He won the 2011 Varnland GT Championship season.", [("2011", "season", "2011", "2011")]),
    ("The 2012 and 2013 Varnland seasons were shortened.",
     [("2012", "year", "2012", "2012"), ("2013", "year", "2013", "2013")]),
    ("During that 1998 season the grid grew to thirty cars.",
     [("1998", "season", "1998", "1998")]),
    ("The 2008–09 season opened at Port Ellery.", [("2008–09", "season", "2008", "2009")]),
    ("It ran its winter 1999-00 season in the south.", [("1999-00", "season", "1999", "2000")]),
    ("The 2015–2016 season was its last.", [("2015–2016", "season", "2015", "2016")]),
    ("The 1999/2000 season ran in the southern summer.",
     [("1999/2000", "season", "1999", "2000")]),
    ("Its 2004/05 calendar had six rounds.", [("2004/05", "season", "2004", "2005")]),
    # year ranges
    # the opener makes the range but stays out of its text (the minimal span)
    ("Mirova supplied engines from 1983 to 1992.",
     [("1983 to 1992", "range", "1983", "1992")]),
    ("The cup was held between 1971 and 1975 in the north.",
     [("1971 and 1975", "range", "1971", "1975")]),
    ("The Orvel works team raced from 1986 until 1991.",
     [("1986 until 1991", "range", "1986", "1991")]),
    ("Its sponsor stayed on 2003 through 2007.",
     [("2003 through 2007", "range", "2003", "2007")]),
    ("The 1994 to 1996 seasons were run on gravel.",
     [("1994 to 1996", "range", "1994", "1996")]),
    ("Its golden era (1983–1992) ended with a fuel crisis.",
     [("1983–1992", "range", "1983", "1992")]),
    ("The trophy was contested in 1961—1964 only.", [("1961—1964", "range", "1961", "1964")]),
    ("The class was popular in 1983–87 across the region.",
     [("1983–87", "range", "1983", "1987")]),
    ("The Delmar Cup (2006–present) is run on street circuits.",
     [("2006–present", "range", "2006", None)]),
    # decades
    ("Group B cars dominated in the 1980s.", [("1980s", "decade", "1980", "1989")]),
    ("The circuit was rebuilt in the late 1970s.", [("late 1970s", "decade", "1970", "1979")]),
    ("Turbo engines returned in the mid-1990s.", [("mid-1990s", "decade", "1990", "1999")]),
    ("Its popularity fell from 2000s – 1990s levels.",  # no backward range: two decades
     [("2000s", "decade", "2000", "2009"), ("1990s", "decade", "1990", "1999")]),
    ("The final was moved from June 31 to July 2, 2011.",  # no June 31: the valid part stays
     [("July 2, 2011", "date", "2011-07-02", "2011-07-02")]),
    ("Open-wheel racing boomed in the 1950s–1960s.",
     [("1950s–1960s", "range", "1950", "1969")]),
    # full dates
    ("The opening round took place on June 14, 2009.", [("June 14, 2009", "date",
                                                         "2009-06-14", "2009-06-14")]),
    ("Practice began on 3 April 2016 at Kelmsby Park.", [("3 April 2016", "date",
                                                          "2016-04-03", "2016-04-03")]),
    ("The finale on Sept. 5, 2010 drew a record crowd.", [("Sept. 5, 2010", "date",
                                                           "2010-09-05", "2010-09-05")]),
    ("The race was moved to February 29, 2012.", [("February 29, 2012", "date",
                                                   "2012-02-29", "2012-02-29")]),
    ("The team was entered on 21st May 2005.", [("21st May 2005", "date",
                                                 "2005-05-21", "2005-05-21")]),
    ("The result was confirmed on 2009-11-02 by the stewards.",
     [("2009-11-02", "date", "2009-11-02", "2009-11-02")]),
    ("The title was decided on the 5th of May, 2019.", [("5th of May, 2019", "date",
                                                         "2019-05-05", "2019-05-05")]),
    ("The two-day meeting on 14 and 15 June 2008 drew 40 entries.",
     [("14 and 15 June 2008", "range", "2008-06-14", "2008-06-15")]),
    ("It ran on August 2 and 3, 2014 at Tarrow.",
     [("August 2 and 3, 2014", "range", "2014-08-02", "2014-08-03")]),
    # months
    ("The rules were published in November 2008.", [("November 2008", "month",
                                                     "2008-11", "2008-11")]),
    ("The merger was agreed in March of 2013.", [("March of 2013", "month",
                                                  "2013-03", "2013-03")]),
    ("The 2021 calendar ended in October, two weeks early.",
     [("2021", "year", "2021", "2021"), ("October", "month", "2021-10", "2021-10")]),
    ("Testing ran from January 2019 to March 2019.", [("January 2019 to March 2019",
                                                       "range", "2019-01", "2019-03")]),
    # day ranges
    ("A demonstration was held on August 9–10, 2014.", [("August 9–10, 2014", "range",
                                                         "2014-08-09", "2014-08-10")]),
    ("The endurance round ran 24-25 June 2000 at Varnholm.", [("24-25 June 2000", "range",
                                                               "2000-06-24", "2000-06-25")]),
    ("The event ran on April 28–May 1, 2011.", [("April 28–May 1, 2011", "range",
                                                 "2011-04-28", "2011-05-01")]),
    ("The winter meeting ran from December 30, 2001 to January 2, 2002.",
     [("December 30, 2001 to January 2, 2002", "range", "2001-12-30", "2002-01-02")]),
    # a day and month coordinated with a full date share its year: one two-day meeting
    ("The Halvard round was run on 29 September and 1 October 2017.",
     [("29 September and 1 October 2017", "range", "2017-09-29", "2017-10-01")]),
    ("Qualifying was held on June 30 and July 1, 2012 at Brenmoor.",
     [("June 30 and July 1, 2012", "range", "2012-06-30", "2012-07-01")]),
    ("The meeting ran June 30, 2018 – July 1, 2018 at Oxbury.",
     [("June 30, 2018 – July 1, 2018", "range", "2018-06-30", "2018-07-01")]),
    ("The festival was held on 30 September – 2 October 2022.",
     [("30 September – 2 October 2022", "range", "2022-09-30", "2022-10-02")]),
    # missing years, resolved from the sentence, the paragraph, the section
    ("The 2027 season had two rounds: Ostfeld on May 3–4 and Larkhill on June 7–8.",
     [("2027", "season", "2027", "2027"), ("May 3–4", "range", "2027-05-03", "2027-05-04"),
      ("June 7–8", "range", "2027-06-07", "2027-06-08")]),
    ("The series began in 2019. The first race was on July 21 at Breton Hill.",
     [("2019", "year", "2019", "2019"), ("July 21", "date", "2019-07-21", "2019-07-21")]),
    ("In 1996 the series moved south. Its finale ran December 30–January 2 at Cape Morrow.",
     [("1996", "year", "1996", "1996"),
      ("December 30–January 2", "range", "1996-12-30", "1997-01-02")]),
    ("On March 8, the 2024 season opened at Redfield.",
     [("March 8", "date", "2024-03-08", "2024-03-08"), ("2024", "season", "2024", "2024")]),
    ("The opener was set for 12 October.", [("12 October", "date", None, None)]),
    ("The 2023 leap-day race on February 29 was a misprint.",
     [("2023", "year", "2023", "2023"), ("February 29", "date", None, None)]),
    # relative expressions
    ("In 2001 the cup was renamed; the following year it became international.",
     [("2001", "year", "2001", "2001"), ("the following year", "relative", "2002", "2002")]),
    ("The Torvald Trophy began in 1990, two years after the first hillclimb.",
     [("1990", "year", "1990", "1990")]),
    ("The works team withdrew in 2005. It had joined three years earlier.",
     [("2005", "year", "2005", "2005"), ("three years earlier", "relative", "2002", "2002")]),
    ("Wexley won in 2012 and stayed for two more years.",
     [("2012", "year", "2012", "2012"), ("two more years", "relative", "2013", "2014")]),
    ("Kessler joined in 2014 and left that same season.",
     [("2014", "year", "2014", "2014"), ("that same season", "relative", "2014", "2014")]),
    ("The Norrland Cup ran 2006–present; the same year a junior class was added.",
     [("2006–present", "range", "2006", None), ("the same year", "relative", "2006", "2006")]),
    ("The rules changed in 1999; that year only six cars started.",
     [("1999", "year", "1999", "1999"), ("that year", "relative", "1999", "1999")]),
    ("A new owner arrived in 2010 and a year later the series folded.",
     [("2010", "year", "2010", "2010"), ("a year later", "relative", "2011", "2011")]),
    ("The previous season had seen no title fights.",
     [("The previous season", "relative", None, None)]),
    ("It was relaunched in 2016, after the previous year had been cancelled.",
     [("2016", "year", "2016", "2016"), ("the previous year", "relative", "2015", "2015")]),
    ("The format was kept for the next three seasons after 2003.",
     [("the next three seasons", "relative", None, None), ("2003", "year", "2003", "2003")]),
    ("The hybrid rules arrived in June 2020 and were dropped six months later.",
     [("June 2020", "month", "2020-06", "2020-06"),
      ("six months later", "relative", "2020-12", "2020-12")]),
    # years of any era where the context says they are years
    ("The first hillclimb was held on September 17, 1897.",
     [("September 17, 1897", "date", "1897-09-17", "1897-09-17")]),
    ("The club was formed in 1895.", [("1895", "year", "1895", "1895")]),
    ("Racing began in the 1890s.", [("1890s", "decade", "1890", "1899")]),
    ("The Paris–Rouen trial (1894) was the first contest.", [("1894", "year", "1894", "1894")]),
    ("Town-to-town racing ran from 1894 to 1903.",
     [("1894 to 1903", "range", "1894", "1903")]),
    ("The Gordon Bennett Cup of 1903 was held in Ireland.", [("1903", "year", "1903", "1903")]),
    ("Its founders met in the winter of 1899.", [("1899", "year", "1899", "1899")]),
    ("Early years\n\nAnaconda Plan and blockade, 1861\n\nThe series began then.",
     [("1861", "year", "1861", "1861")]),
    ("The track opened on Oct 10, 1945.", [("Oct 10, 1945", "date", "1945-10-10", "1945-10-10")]),
    ("The club was dissolved in October, 1917.",
     [("October, 1917", "month", "1917-10", "1917-10")]),
    ("The fort fell in 493 BC.", [("493 BC", "year", "BC0493", "BC0493")]),
    ("The revolt (499–493 BC) failed.", [("499–493 BC", "range", "BC0499", "BC0493")]),
    ("The league campaigned throughout the 470s BC.",
     [("470s BC", "decade", "BC0479", "BC0470")]),
    ("Having crossed in April 480 BC, the army marched.",
     [("April 480 BC", "month", "BC0480-04", "BC0480-04")]),
    ("The city was rebuilt in AD 70.", [("AD 70", "year", "0070", "0070")]),
    ("The siege ended on February 29, 5 BC.",  # 5 BC is a leap year (proleptic Gregorian)
     [("February 29, 5 BC", "date", "BC0005-02-29", "BC0005-02-29")]),
    # bare months, any position
    ("In 2019 the rules were changed in May and again in June.",
     [("2019", "year", "2019", "2019"), ("May", "month", "2019-05", "2019-05"),
      ("June", "month", "2019-06", "2019-06")]),
    ("In 2019 the calendar grew. By September the entry list was full.",
     [("2019", "year", "2019", "2019"), ("September", "month", "2019-09", "2019-09")]),
    ("The 1962 season was long. February to April was quiet.",
     [("1962", "season", "1962", "1962"), ("February", "month", "1962-02", "1962-02"),
      ("April", "month", "1962-04", "1962-04")]),
    ("On December 7, 1971 the works team left. In January, a privateer took its place.",
     [("December 7, 1971", "date", "1971-12-07", "1971-12-07"),
      ("January", "month", "1972-01", "1972-01")]),  # narrative time runs forward
    (("On 10 March 1975 the team was sold. Its rival planned a return in 1976. On 11 March "
      "the new owner arrived."),
     [("10 March 1975", "date", "1975-03-10", "1975-03-10"), ("1976", "year", "1976", "1976"),
      ("11 March", "date", "1975-03-11", "1975-03-11")]),  # the days carry the time line
    # modifiers: in the text, and in the mod field (MODIFIERS below)
    ("In 1987 the works team left in mid-November.",
     [("1987", "year", "1987", "1987"), ("mid-November", "month", "1987-11", "1987-11")]),
    ("In 1941 the team was sold by the end of March.",
     [("1941", "year", "1941", "1941"), ("the end of March", "month", "1941-03", "1941-03")]),
    ("In 1990 testing began in early April.",
     [("1990", "year", "1990", "1990"), ("early April", "month", "1990-04", "1990-04")]),
    ("Entries fell in late 1861.", [("late 1861", "year", "1861", "1861")]),
    ("It restarted early in 1862.", [("early in 1862", "year", "1862", "1862")]),
    ("At the beginning of 1864 the rules changed.",
     [("the beginning of 1864", "year", "1864", "1864")]),
    ("The car was built c. 1900.", [("c. 1900", "year", "1900", "1900")]),
    ("Peace came ca. 466 BC.", [("ca. 466 BC", "year", "BC0466", "BC0466")]),
    # anaphoric and counted relatives, resolved against a date as fine as their unit
    ("The final ran on May 10, 1970. The next day the team left.",
     [("May 10, 1970", "date", "1970-05-10", "1970-05-10"),
      ("The next day", "relative", "1970-05-11", "1970-05-11")]),
    ("Pole came on June 10, 1971; twelve days later the race was run.",
     [("June 10, 1971", "date", "1971-06-10", "1971-06-10"),
      ("twelve days later", "relative", "1971-06-22", "1971-06-22")]),
    ("The circuit opened on May 10, 1940. On that same day the first race was run.",
     [("May 10, 1940", "date", "1940-05-10", "1940-05-10"),
      ("that same day", "relative", "1940-05-10", "1940-05-10")]),
    ("The title was settled on 23 February 1918. The day before, the leader crashed.",
     [("23 February 1918", "date", "1918-02-23", "1918-02-23"),
      ("The day before", "relative", "1918-02-22", "1918-02-22")]),
    ("The race ran on 4 May 1965; the next day and the day following saw two more.",
     [("4 May 1965", "date", "1965-05-04", "1965-05-04"),
      ("the next day", "relative", "1965-05-05", "1965-05-05"),
      ("the day following", "relative", "1965-05-06", "1965-05-06")]),
    ("In 1960 the season opened. The next day it rained.",  # no day to count from
     [("1960", "year", "1960", "1960"), ("The next day", "relative", None, None)]),
    ("The series began in March 1975. Later that month a second round ran.",
     [("March 1975", "month", "1975-03", "1975-03"),
      ("Later that month", "relative", "1975-03", "1975-03")]),
    ("The rules arrived in May 1940, and by the end of the month all cars complied.",
     [("May 1940", "month", "1940-05", "1940-05"),
      ("the end of the month", "relative", "1940-05", "1940-05")]),
    ("In 1963 the team was sold, and by the end of the year it had folded.",
     [("1963", "year", "1963", "1963"), ("the end of the year", "relative", "1963", "1963")]),
    ("The cup began in 1946. Later in the year a junior class was added.",
     [("1946", "year", "1946", "1946"), ("Later in the year", "relative", "1946", "1946")]),
    ("The series was founded in 1940. In August of that year the first race ran.",
     [("1940", "year", "1940", "1940"), ("August of that year", "month", "1940-08", "1940-08")]),
    ("The cup was renamed in 1861, and on July 25 of that year a new trophy was given.",
     [("1861", "year", "1861", "1861"),
      ("July 25 of that year", "date", "1861-07-25", "1861-07-25")]),
    ("The club was founded in 1985, and in the following decade it grew.",
     [("1985", "year", "1985", "1985"),
      ("the following decade", "relative", "1990", "1999")]),
    ("Themistocles rose after 489 BC, and in the following decade he led Athens.",
     [("489 BC", "year", "BC0489", "BC0489"),
      ("the following decade", "relative", "BC0479", "BC0470")]),
    # named days
    ("The team hoped to win by Christmas 1963.",
     [("Christmas 1963", "date", "1963-12-25", "1963-12-25")]),
    ("The season started in 1970 and was over by Christmas.",
     [("1970", "year", "1970", "1970"), ("Christmas", "date", "1970-12-25", "1970-12-25")]),
    ("The first rally started on New Year's Eve 1950.",
     [("New Year's Eve 1950", "date", "1950-12-31", "1950-12-31")]),
]

# (sentence, text of its date, mod): the modifier is in the text and in ``mod``.
MODIFIERS = [
    ("Korvin Racing won the title at the end of 2003.", "the end of 2003", "end"),
    ("Entries fell sharply in early 2015.", "early 2015", "start"),
    ("Turbo engines returned in the mid-1990s.", "mid-1990s", "mid"),
    ("The works team left in mid-November.", "mid-November", "mid"),
    ("The series halted by the middle of August.", "the middle of August", "mid"),
    ("It restarted early in 1862.", "early in 1862", "start"),
    ("The car was built c. 1900.", "c. 1900", "approx"),
    ("The series started around 1990.", "around 1990", "approx"),
    ("The rule applied from no later than 2004.", "no later than 2004", "before"),
    ("The club was founded in 1994.", "1994", None),
]

# Sentences with numbers, month-like words and durations that are no calendar expressions.
NEGATIVE = [
    "The field comprised 1000 km races on a 5 km circuit.",
    "The Group GT300 class used the 2JZ-GTE engine.",
    "Several teams used the 956/962C chassis.",
    "The logo is 120px wide.",
    "Its engines displaced 2000 cc and produced 1998 hp.",
    "The prize fund was $2000 per race.",
    "Car No. 1999 was a replica.",
    "The No. 2004 Brant entry and car #2010 retired.",
    "The Formula Valdez 2000 class used a spec engine.",
    "Teams may enter two cars in each class.",
    "Porter drove a March chassis and an Augusta-built car.",
    "The race lasted 24 hours over 1983 laps.",
    "He won the final race of the year and two poor seasons followed.",
    "Over its ten-year run the series struggled in its earlier years.",
    "Only 2050 spectators attended the 12 hours.",
    "The LMP1 and LMP2 cars raced in the GC21 Championship.",
    "Brandt won the June 24 Hours twice.",
    "Over 2000 cars were built and 1950 entries received.",
    "The team fielded 2 March chassis.",
    # numbers beside a preposition or a dash that are no years of any era
    "The series ran 1000 km races in 1000 km format.",
    "It was raced over 1200 laps by 1500 cars.",
    "Between 1200 and 1500 men worked at the track.",
    "The crowd grew from 1200–1500 people a day to 1800 or 1900 people.",
    "Its engines were limited to 1600cc in the GT300 class.",
    "The Formula 2000 and Formula Ford 1600 cars shared the grid.",
    "Car No. 1864 and car #1901 retired.",
    "About 1500 spectators saw 1850 hp cars.",
    # month names that are no months
    "Sherman's March to the Sea is a famous campaign.",
    "James May and Richard Hammond drove a March chassis.",
    "August Horch founded the company.",
    "A team may enter one car; May Racing entered two.",
    # month abbreviations and named days that are names
    "Jan Magnussen and Dec Ireland shared the car.",
    "The Christmas Island rally joined the New Year Cup.",
    # relative words without a unit of time or a modifier
    "He was named driver of the year and the race of the month.",
    "The day was hot and the month was dry.",
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_dates_table(nlp, text, expected):
    assert triples(records_of(nlp, text)) == expected


@pytest.mark.parametrize("text,date,mod", MODIFIERS, ids=[m[0][:40] for m in MODIFIERS])
def test_modifier_is_in_the_text_and_the_mod(nlp, text, date, mod):
    [record] = records_of(nlp, text)
    assert (record["text"], record["mod"]) == (date, mod)


@pytest.mark.parametrize("text", NEGATIVE, ids=[t[:40] for t in NEGATIVE])
def test_no_false_dates(nlp, text):
    assert records_of(nlp, text) == []


def test_table_is_large_enough():
    assert sum(len(expected) for _, expected in CASES) >= 40


def test_records_have_the_contract_keys_and_offsets(nlp):
    text = "= Kestrel Cup =\n\nThe Kestrel Cup ran from 1983 to 1992.\n\nIn 1990 it moved east.\n"
    document = read_text(text, source="t.txt", doc_id="t")
    records = date_records(parse_document(document, nlp))
    assert [r["text"] for r in records] == ["1983 to 1992", "1990"]
    for record in records:
        assert list(record) == ["text", "start_char", "end_char", "kind", "value_start",
                                "value_end", "granularity", "mod"]
        assert text[record["start_char"]:record["end_char"]] == record["text"]


@pytest.mark.parametrize("text", [
    "1917\n\nIn December the army was formed in the south.\n",  # a headless first line
    "= Campaigns of 1917 =\n\nIn December the army was formed in the south.\n",
])
def test_dates_in_the_title_line_are_read_and_anchor_the_text(nlp, text):
    records = records_of(nlp, text)
    assert triples(records) == [("1917", "year", "1917", "1917"),
                                ("December", "month", "1917-12", "1917-12")]
    for record in records:
        assert text[record["start_char"]:record["end_char"]] == record["text"]


def test_dates_in_infobox_values_are_read_but_anchor_nothing(nlp):
    text = (
        "= Harbeck Sports Cup =\n\nInfobox\n- Inaugural season: 2011\n- Drivers: 24 (2019)\n"
        "- Folded: 2020\n\nThe Harbeck Sports Cup opened on 12 May at Tolvik.\n"
    )
    records = records_of(nlp, text)
    assert triples(records) == [
        ("2011", "year", "2011", "2011"),
        ("2019", "year", "2019", "2019"),
        ("2020", "year", "2020", "2020"),
        # A value is no point of the narrative: the lead's year-less date takes none of them.
        ("12 May", "date", None, None),
    ]
    for record in records:
        assert text[record["start_char"]:record["end_char"]] == record["text"]


def test_yearless_date_takes_the_year_of_its_section_then_of_the_text_before():
    nlp = build_nlp(["date_matcher"])
    text = (
        "= Ostmark Cup =\n\nThe Ostmark Cup was a touring car series founded in 1990.\n\n"
        "== 2004 season ==\nThe grid was small.\n\nThe finale ran on October 3.\n\n"
        "==Circuits==\nThe opener was on May 9.\n"
    )
    document = read_text(text, source="t.txt", doc_id="t2")
    records = date_records(parse_document(document, nlp))
    assert triples(records) == [
        ("1990", "year", "1990", "1990"),
        ("2004", "season", "2004", "2004"),
        ("October 3", "date", "2004-10-03", "2004-10-03"),  # its section's year, not the lead's
        ("May 9", "date", "2004-05-09", "2004-05-09"),  # no year in its section: the last one
    ]


def test_relative_anchor_is_its_paragraph_then_its_section_then_the_text_before(nlp):
    text = (
        "= Lindqvist Trophy =\n\nThe trophy began in 1977.\n\n"
        "==Later years==\nThe following year nothing changed.\n\n"
        "==Rules==\nIn 1980 it was renamed.\n\nA class was added in 1990.\n\n"
        "Two years later the trophy ended.\n"
    )
    assert triples(records_of(nlp, text)) == [
        ("1977", "year", "1977", "1977"),
        ("The following year", "relative", "1978", "1978"),  # no date in its section
        ("1980", "year", "1980", "1980"),
        ("1990", "year", "1990", "1990"),
        ("Two years later", "relative", "1992", "1992"),  # its section's latest
    ]


def test_parse_is_cached_and_uses_granularity_not_filled_parts():
    assert parse_calendar("2031") == (2031, None, None)
    assert parse_calendar("November 2031") == (2031, 11, None)
    assert parse_calendar("31 June 2031") is None
    before = parse_cache_info()
    parse_calendar("November 2031")
    after = parse_cache_info()
    assert after["hits"] == before["hits"] + 1 and after["misses"] == before["misses"]


# ------------------------------------------------------------------------------------------
# Seeds against gold


def fold(text: str) -> str:
    """The evaluation's text folding: case, white space, apostrophes and dashes."""
    text = unicodedata.normalize("NFKC", text).casefold()
    for dash in "‐‑‒–—−":
        text = text.replace(dash, "-")
    text = text.replace("’", "'").replace("‘", "'")
    return " ".join(text.split())


def score(found: list[dict], gold: list[dict]) -> dict:
    # The gold writes a date's minimal span: "1992" for "at the end of 1992".
    found_by_text = {fold(without_modifier(r["text"]) if r["mod"] else r["text"]):
                     (r["value_start"], r["value_end"]) for r in found}
    gold_by_text = {fold(g["text"]): (g["start"], g["end"]) for g in gold}
    hits = found_by_text.keys() & gold_by_text.keys()
    exact = {t for t in hits if found_by_text[t] == gold_by_text[t]}
    return {
        "found": set(found_by_text),
        "gold": set(gold_by_text),
        "false_positives": set(found_by_text) - set(gold_by_text),
        "missed": set(gold_by_text) - set(found_by_text),
        "exact": exact,
    }


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.stem for p in GOLD])
def test_seed_against_gold(nlp, gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    document = read_file(ROOT / "raw" / gold["doc"])
    records = date_records(parse_document(document, nlp))
    explicit = [r for r in records if r["kind"] != "relative"]
    relative = [r for r in records if r["kind"] == "relative"]

    dates = score(explicit, gold["dates"])
    assert dates["false_positives"] == set()
    assert dates["missed"] == set()  # detection F1 = 1.0
    assert dates["exact"] == dates["gold"]  # value accuracy = 1.0

    relatives = score(relative, gold.get("relative_dates", []))
    assert relatives["false_positives"] == set()
    assert len(relatives["exact"]) >= min(2, len(relatives["gold"]))


def test_year_inside_a_class_or_car_name_is_no_date_but_a_leading_year_is(nlp):
    from spacy.tokens import Span

    blank = customize_tokenizer(spacy.blank("en"))
    doc = blank("The 2011 Formula Valdez 2000 title went to a Brant 1995 in 2011.")
    doc.spans["classes"] = [Span(doc, 2, 5, label="single-seater")]  # 2011 Formula Valdez 2000
    doc.spans["entities"] = [Span(doc, 9, 11, label="CAR")]  # Brant 1995
    doc = nlp.get_pipe("date_matcher")(doc)
    assert [s.text for s in doc.spans["dates"]] == ["2011", "2011"]


def test_number_after_a_maker_is_a_model_not_a_year(nlp):
    from spacy.tokens import Span

    blank = customize_tokenizer(spacy.blank("en"))
    doc = blank("In 1971 he raced a Kessler 2002 against Kessler's 1970 car.")
    doc.spans["entities"] = [Span(doc, 5, 6, label="MANUFACTURER"),
                             Span(doc, 8, 9, label="MANUFACTURER")]
    doc = nlp.get_pipe("date_matcher")(doc)
    assert [s.text for s in doc.spans["dates"]] == ["1971", "1970"]


SPEED_PATH_SENTENCES = [
    "The Vantor Cup ran from 1987 to 1992 and returned in the late 1990s.",
    "Round 3 ran on October 30–November 1, 2009; the 2010 season opened on March 3.",
    "At the end of 1995 the Harlan 2000 km race moved to May 24, two years later.",
    "No. 1999 finished ahead of 2004 cars in the 2003–04 campaign, the following year.",
]


def _dates_of(nlp, text):
    doc = nlp(text)
    return [
        (s.start, s.end, s.label_, s._.date_value, s._.date_modifier, s._.date_relative)
        for s in doc.spans["dates"]
    ]


def test_matching_needs_no_free_lexeme_flags(nlp):
    """Lexeme flag bits are few (other components may take them all); the date patterns are
    matched on word classes of their own, so a vocabulary with no free bit finds the same."""
    crowded = customize_tokenizer(spacy.blank("en"))
    while True:
        try:
            crowded.vocab.add_flag(lambda text: False)
        except ValueError:
            break
    crowded.add_pipe("sentencizer")
    crowded.add_pipe("date_matcher").initialize()
    for text in SPEED_PATH_SENTENCES:
        expected = _dates_of(nlp, text)
        assert expected, text
        assert _dates_of(crowded, text) == expected


def test_doc_of_another_vocab_is_matched_like_our_own(nlp):
    """The flags live in the pipeline's vocab; a doc made elsewhere is matched without them."""
    other = customize_tokenizer(spacy.blank("en"))
    for text in SPEED_PATH_SENTENCES:
        doc = nlp.get_pipe("date_matcher")(other(text))
        own = _dates_of(nlp, text)
        assert [(s.start, s.end, s._.date_value) for s in doc.spans["dates"]] == [
            (start, end, value) for start, end, _, value, _, _ in own
        ]
