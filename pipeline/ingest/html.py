"""HTML pages of Wikipedia and its mirrors -> the titled layout text, with selectolax.

A saved article page keeps its structure in markup the MediaWiki skins share: the title in
``h1#firstHeading`` (else ``<title>``, less its " - Wikipedia" suffix), the article in
``.mw-parser-output``, the infobox as ``table.infobox`` rows (``th`` key, ``td`` value),
headings ``h2``-``h6``, paragraphs ``p``, lists ``ul``/``ol``, categories in
``#mw-normal-catlinks`` and interlanguage links as ``a[hreflang]`` in the language list. The
page is rendered to the titled layout for the reader, as a wiki page is. Footnote markers,
"[edit]" links, navigation boxes, tables other than the infobox, figures and styles are left
out. selectolax (the lexbor parser) gives no source offsets, so ``origin`` stays empty: the
document's offsets index the rendered text only.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

__all__ = ["render_html"]

WHITESPACE = re.compile(r"\s+")
# Not article text: footnote markers, edit links, navigation, figures, hidden and style nodes.
DROPPED = ("sup.reference, .mw-editsection, .navbox, .reflist, .references, figure, style, "
           "script, .mw-empty-elt, .hatnote, .noprint, .thumb")
TITLE_SUFFIX = re.compile(r"\s+[-–—]\s+[^-–—]*$")  # " - Wikipedia", " — Wikiwand"
CONTENT = (".mw-parser-output", "#mw-content-text", "#bodyContent", "main", "article", "body")


def _text(node) -> str:
    return WHITESPACE.sub(" ", node.text(deep=True, separator="")).strip()


def render_html(page: str) -> tuple[str, str | None]:
    """The page in the titled layout (``= Title =``, ``Infobox``, ``==Heading==``, ...), and a
    warning when it has no MediaWiki article markup (its text is then read from ``<main>``,
    ``<article>`` or ``<body>``)."""
    tree = LexborHTMLParser(page)
    lines: list[str] = []
    title_node = tree.css_first("h1#firstHeading") or tree.css_first("h1")
    if title_node is not None and _text(title_node):
        title = _text(title_node)
    else:
        head = tree.css_first("title")
        title = TITLE_SUFFIX.sub("", _text(head)) if head is not None else ""
    if title:
        lines += [f"= {title} =", ""]

    categories = [_text(a) for a in tree.css("#mw-normal-catlinks li a")]
    # The link's title is "Super GT – German": the article's title there, then the language.
    interlanguage = list(dict.fromkeys(
        (a.attributes.get("hreflang") or "", (a.attributes.get("title") or "").split(" – ")[0])
        for a in tree.css("li.interlanguage-link a[hreflang]")))

    found = next(((s, n) for s, n in ((s, tree.css_first(s)) for s in CONTENT)
                  if n is not None), None)
    if found is None:
        return "\n".join(lines) + "\n", "an HTML page with no <body>: nothing read from it"
    selector, content = found
    warning = None if selector == CONTENT[0] else (
        "an HTML page without MediaWiki's article markup (.mw-parser-output): its text is read "
        f"from {selector}, so menus and footers may be in it")
    for node in content.css(DROPPED):
        node.decompose()
    infobox = content.css_first("table.infobox")
    if infobox is not None:
        lines += ["Infobox"]
        for row in infobox.css("tr"):
            key, value = row.css_first("th"), row.css_first("td")
            if key is not None and value is not None and _text(key) and ":" not in _text(key):
                lines.append(f"- {_text(key)}: {_text(value)}")
        lines.append("")
        infobox.decompose()
    for table in content.css("table"):
        table.decompose()
    for node in content.css("h2, h3, h4, h5, h6, p, ul, ol"):
        if node.tag in ("ul", "ol"):
            if node.parent is not None and node.parent.tag == "li":
                continue  # a nested list: its items are in its parent item's text
            items = [_text(li) for li in node.css("li") if li.parent == node]
            lines += [f"- {item}" for item in items if item] + [""]
        elif node.tag == "p":
            if text := _text(node):
                lines += [text, ""]
        elif text := _text(node):
            marks = "=" * int(node.tag[1])
            lines += [f"{marks}{text}{marks}", ""]
    lines += [f"Category:{name}" for name in categories if name]
    lines += [f"{lang}:{name}" for lang, name in interlanguage if lang and name]
    return "\n".join(lines) + "\n", warning
