"""The stable ids of the tables: their recipe, documented in pipeline/contract/ids.py."""

from __future__ import annotations

import hashlib

from pipeline.contract.ids import ID_LENGTH, article_id, class_id, name_id, name_key


def test_name_key_folds_case_width_quotes_dashes_and_spaces():
    assert name_key("  Automobile Club de l’Ouest ") == "automobile club de l'ouest"
    assert name_key("AUTOMOBILE\tCLUB  DE L'OUEST") == "automobile club de l'ouest"
    assert name_key("Ｎｏｒｄｉｃ Cup") == "nordic cup"  # NFKC: full-width letters
    assert name_key("Straße–Pokal") == "strasse-pokal"  # casefold, en dash
    assert name_key("Nordic Cup") != name_key("Nordic Cups")


def test_ids_are_the_documented_hashes():
    # Written out, so that a change of the recipe (which would change every published id)
    # fails here.
    assert name_id("Nordic Rally Cup") == hashlib.sha256(
        b"nordic rally cup").hexdigest()[:ID_LENGTH]
    series = name_id("Nordic Rally Cup")
    assert class_id(series, " Class  A") == hashlib.sha256(
        f"{series}/class a".encode()).hexdigest()[:16]
    assert article_id("raw/nordic.txt") == hashlib.sha256(
        b"article:raw/nordic.txt").hexdigest()[:16]


def test_one_name_one_id_whatever_its_spelling():
    assert name_id("Automobile Club de l’Ouest") == name_id("automobile club de l'ouest")
    assert name_id("Nordic Rally Cup") != name_id("Baltic Rally Cup")


def test_classes_are_scoped_by_their_series():
    nordic, baltic = name_id("Nordic Rally Cup"), name_id("Baltic Rally Cup")
    assert class_id(nordic, "Class A") != class_id(baltic, "Class A")
    assert class_id(nordic, "Class A") == class_id(nordic, "CLASS A")
    assert class_id(nordic, "Class A") != name_id("Class A")


def test_article_id_is_of_the_source_name_and_page():
    assert article_id("dump.xml#101") != article_id("dump.xml#102")
    assert article_id("dump.xml#101") == article_id("dump.xml#101")
    # A file name in decomposed Unicode (as macOS writes it) is the same article.
    assert article_id("Nu\u0308rburg.txt") == article_id("N\u00fcrburg.txt")
    assert article_id("a.txt") != article_id("A.txt")  # paths are case-sensitive


def test_ids_are_short_lowercase_hex():
    for value in (name_id("X"), class_id(name_id("X"), "Y"), article_id("x.txt")):
        assert len(value) == ID_LENGTH and set(value) <= set("0123456789abcdef")
