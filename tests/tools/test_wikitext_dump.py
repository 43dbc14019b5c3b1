"""The wikitext and dump writer, on invented articles: what it writes, and that the readers give
the plain reading back."""

from __future__ import annotations

import bz2
import io

import mwxml

from pipeline.ingest.formats import read_source_documents
from pipeline.ingest.reader import read_text
from pipeline.tools.wikitext_dump import (
    EXPORT_NAMESPACE,
    WikiPage,
    article_wikitext,
    dump_bytes,
    write_dump,
)

TITLED = """= Northland Endurance Cup =

Infobox
- Country: Valdoria
- Classes: NP1 | NP2
- Inaugural season: 1983

The Northland Endurance Cup is a sports car series founded in 1983, sometimes written [NEC].

== History ==

The series was renamed in 1992 after the ''Valdoria'' crisis.

=== Early years ===

* Cars raced at {{Valdoria}} & Northmoor.

== See also ==

- Southland Sprint Trophy
- Valdoria Motor Park

Category:Sports car racing series
Category:Motorsport in Valdoria
fr:Coupe d'endurance du Northland
de:Northland-Langstreckenpokal
"""

HEADLESS = """The Southland Sprint Trophy was a touring car series held from 1990 to 1995.

History

The trophy ran at Valdoria Motor Park every spring.

Touring car racing series
"""


def _plain(text: str):
    return read_text(text, source="a.txt", doc_id="a")


def _read_back(document, title=None):
    data = dump_bytes([WikiPage(7, title or document.title.text,
                                article_wikitext(document, title))])
    read = read_source_documents(data, "dump.xml", source_format="mediawiki-xml")
    documents = list(read.documents)
    assert [part.error for part in documents] == [None]
    return documents[0].document


def _structure(document):
    return ([(f.key, f.value) for f in document.infobox],
            [(s.heading, s.level) for s in document.sections],
            [document.text[b.start_char:b.end_char] for b in document.blocks
             if b.kind == "paragraph"],
            [[i.text for i in b.items] for b in document.blocks if b.kind == "list"],
            [s.text for s in document.see_also], [c.text for c in document.categories],
            [(link.lang, link.title) for link in document.interlanguage])


def test_wikitext_of_a_titled_article():
    wikitext = article_wikitext(_plain(TITLED))
    assert wikitext.startswith("{{Infobox motorsport championship\n| Country = Valdoria\n")
    assert "| Classes = NP1 <nowiki>|</nowiki> NP2\n" in wikitext  # "|" would end the field
    assert "The '''Northland Endurance Cup''' is a sports car series" in wikitext
    assert "\n== History ==\n" in wikitext and "\n=== Early years ===\n" in wikitext
    assert "\n* [[Southland Sprint Trophy]]\n* [[Valdoria Motor Park]]\n" in wikitext
    assert "<nowiki>''</nowiki>Valdoria<nowiki>''</nowiki>" in wikitext
    assert "[[Category:Motorsport in Valdoria]]" in wikitext
    assert wikitext.endswith("[[fr:Coupe d'endurance du Northland]]\n"
                             "[[de:Northland-Langstreckenpokal]]\n")


def test_a_titled_article_reads_back_as_its_plain_text():
    plain = _plain(TITLED)
    dumped = _read_back(plain)
    assert dumped.title.text == "Northland Endurance Cup"
    assert _structure(dumped) == _structure(plain)
    # Markup characters of the text are text again.
    assert "[NEC]" in dumped.text and "''Valdoria''" in dumped.text
    assert "{{Valdoria}} & Northmoor" in dumped.text


def test_a_headless_article_takes_the_page_title_it_is_given():
    plain = _plain(HEADLESS)
    assert plain.title is None
    wikitext = article_wikitext(plain, "Southland Sprint Trophy")
    assert wikitext.startswith("The '''Southland Sprint Trophy''' was a touring car series")
    dumped = _read_back(plain, "Southland Sprint Trophy")
    assert dumped.title.text == "Southland Sprint Trophy"
    assert _structure(dumped) == _structure(plain)


def test_the_lead_name_is_bold_only_in_the_first_sentence():
    plain = _plain("= Valdoria Cup =\n\nIt began in 1990. The Valdoria Cup ended in 1999.\n")
    assert "'''" not in article_wikitext(plain)


def test_the_export_is_a_mediawiki_dump_that_mwxml_reads(tmp_path):
    pages = [WikiPage(1, "Alpha Cup", "'''Alpha Cup''' is a series.\n"),
             WikiPage(2, "Category:Cups", "Cups & trophies <small>\n", namespace=14),
             WikiPage(3, "AC", "#REDIRECT [[Alpha Cup]]\n", redirect="Alpha Cup")]
    data = dump_bytes(pages)
    assert data.startswith(f'<mediawiki xmlns="{EXPORT_NAMESPACE}"'.encode())
    dump = mwxml.Dump.from_file(io.BytesIO(data))
    assert {ns.id: ns.name for ns in dump.site_info.namespaces}[14] == "Category"
    read = [(p.id, p.title, p.namespace, p.redirect, next(iter(p)).text) for p in dump]
    assert read == [(1, "Alpha Cup", 0, None, "'''Alpha Cup''' is a series.\n"),
                    (2, "Category:Cups", 14, None, "Cups & trophies <small>\n"),
                    (3, "AC", 0, "Alpha Cup", "#REDIRECT [[Alpha Cup]]\n")]
    write_dump(pages, tmp_path / "d.xml.bz2")
    assert bz2.decompress((tmp_path / "d.xml.bz2").read_bytes()) == data
    documents = read_source_documents(data, "d.xml").documents
    assert [d.source for d in documents] == ["d.xml#1"]
