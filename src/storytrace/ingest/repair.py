"""Text damaged on its way from the publisher, repaired: HTML markup, mojibake, HTML entities, words
broken across lines, and paragraphs captured twice.

A feed's "content" field often holds the page's HTML ("<p>...</p>"); a scraper that read a page's UTF-8 as
cp1252 stores "Trumpâ€™s"; a feed that escaped its text once too often stores "Trump&#8217;s". All are
the transport's damage, not words anyone wrote, and matching cannot see through them: a reprint scraped
that way no longer matches its source word for word (tags read as words, and the damage as swapped words).
Markup becomes paragraphs (lxml parses it); ftfy, the library made for the other two, repairs them. Only
those two of ftfy's fixes run: the others (straightening quotes, fullwidth letters to plain ones,
ligatures, NFC) would erase what the exact hash and the disguise names read (curled apostrophes, styled
letters), and whitespace is :mod:`storytrace.ingest.cleanup`'s job. Text from print or PDF breaks long
words at a line's end ("repor-\nted", or "repor- ted" where an OCR joined the lines with spaces), which
matching reads as two words: such a word is joined again,
unless it looks like a compound broken at its own hyphen ("long-\nterm"), which reads as its two words
either way. A scraper that caught a page's text twice (a teaser and the article, two layouts of one page)
repeats its paragraphs, and a reprint scraped that way would hold twice what its source does.
"""

from __future__ import annotations

import re

import ftfy
from lxml import etree
from lxml import html as lxml_html

from ..lookalike import english_frequencies as _english_frequencies
from ..normalize import _PARA

__all__ = ["REPAIRS", "drop_repeated_paragraphs", "join_broken_words", "markup_to_text", "repair", "repair_text"]

_CONFIG = ftfy.TextFixerConfig(
    unescape_html="auto",  # ftfy leaves entities alone in text that holds HTML tags
    fix_encoding=True,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)

# What cp1252 (or Latin-1) makes of a UTF-8 continuation byte, 0x80-0xBF.
_CONTINUATION = ("\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152"
                 "\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178")
# The two kinds of damage ftfy repairs here: an HTML entity, or a UTF-8 lead byte read as cp1252 ("Â".."ô")
# followed by a continuation byte read the same way. Most text shows neither, and these tests (an ASCII text
# needs only the first, after one "&" test) cost a small part of ftfy's own checks: with the tests for
# markup, broken words and repeated paragraphs below, 0.23 s against 2.1 s over the 5,000 texts of the bench
# corpus.
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_MOJIBAKE = re.compile(rf"[\u00c2-\u00f4][{_CONTINUATION}]")

# A closing tag, or a line break, of the markup articles are written in: text holding one is a fragment of
# HTML, not prose naming a tag ("browsers read <p> as a paragraph"); so is text with two paragraph tags or
# more, which HTML lets a page leave unclosed.
_OPEN_PARAGRAPH = re.compile(r"<p(?:\s[^<>]*)?>", re.IGNORECASE)
_TAG = re.compile(r"</(?:p|div|span|a|b|i|u|em|strong|ul|ol|li|h[1-6]|blockquote|figure|figcaption|table|tr|td|"
                  r"th|section|article|header|footer|aside|pre|code|sup|sub|small)\s*>|<br\s*/?>", re.IGNORECASE)
# Elements that start a paragraph of their own, and elements whose text is no part of the article.
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "figcaption", "table",
           "tr", "section", "article", "header", "footer", "aside", "pre", "ul", "ol")
_HIDDEN = ("script", "style", "noscript", "template")
_SPACES = re.compile(r"\s+")
_AROUND_BREAKS = re.compile(r"[ \t]*\n[ \t]*")


def markup_to_text(text: str) -> str:
    """An HTML fragment as plain text: one paragraph per block element, a line per ``<br>``, entities
    decoded, scripts and styles dropped. Hand-written over lxml's parse because no library at hand does
    only this: trafilatura's extractor also judges what is boilerplate, and dropped the text after a
    top-level ``<br>``; its ``html2txt`` and lxml's ``text_content`` run all paragraphs together."""
    try:
        root = lxml_html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        return text
    for el in list(root.iter(*_HIDDEN)):
        el.drop_tree()
    for el in root.iter():
        # HTML reads any run of whitespace, line breaks included, as one space
        if el.text and el.tag != "pre":
            el.text = _SPACES.sub(" ", el.text)
        if el.tail:
            el.tail = _SPACES.sub(" ", el.tail)
    for el in root.iter("br"):
        el.tail = "\n" + (el.tail or "")
    for el in root.iterdescendants(*_BLOCKS):
        el.text = "\n\n" + (el.text or "")
        el.tail = "\n\n" + (el.tail or "")
    return _AROUND_BREAKS.sub("\n", root.text_content())


# A word broken at a line's end: letters, a hyphen (or a soft one), the line break, letters (lower-case, see
# _joined: a capital starts a name, "Smith-\nJones"); or the break read as a space, as an OCR that joins a
# column's lines writes it ("gov- ernment").
_BROKEN = re.compile(r"(\w+)[-\u00ad\u2010](?:[ \t]*\n[ \t]*|[ \t]+)(\w+)")
# A cheap first test (most texts break no word): a hyphen straight before a line break or a space.
_LINE_END_HYPHENS = ("-\n", "- ", "\u00ad\n", "\u00ad ", "\u2010\n", "\u2010 ")
# Zipf frequency 3, once in a million words: "reported", "cooperation", "postwar" are common; "longterm"
# (2.8) and "wellknown" (1.6) are not.
_COMMON = 1e-6


_WORDS = re.compile(r"\w+")
_HYPHENATED = re.compile(r"\b\w+[-\u2010]\w+\b")


def _joined(m: re.Match[str], words: set[str], hyphenated: set[str]) -> str:
    """The broken word joined, unless it reads as a word broken at its own hyphen.

    The text's own spelling decides first: a compound it writes with a hyphen elsewhere ("long-term" inside
    a line) keeps it, and a word it writes whole elsewhere ("Wikinews", "MarineTraffic") is joined, what a
    typesetter's break cannot tell. Else the second half starting with a capital or a digit keeps the
    hyphen (a name, "Smith-Jones", or a range, "2019-2020"), and so do two common words ("long-term")
    that make no common word joined."""
    word = m[1] + m[2]
    if f"{m[1]}-{m[2]}".lower() in hyphenated:
        return m[0]
    freq = _english_frequencies()
    common = freq.get(word.lower(), 0.0) >= _COMMON
    if "\n" not in m[0]:
        # "gov- ernment" with no line break left: a dash written straight after a word ("Navalny- who died")
        # or a suspended hyphen ("24- to 48-hour") looks the same, so only a word the text writes whole, or
        # a common one, is joined.
        known = word.lower() in words or common
        return word if known and m[2][0].islower() and not any(c.isdigit() for c in word) else m[0]
    if word.lower() in words:
        return word
    if not m[2][0].islower():
        return m[0]
    if common:
        return word
    compound = freq.get(m[1].lower(), 0.0) >= _COMMON and freq.get(m[2].lower(), 0.0) >= _COMMON
    return m[0] if compound else word


def join_broken_words(text: str) -> str:
    """Words that print or PDF broke at a line's end joined again: a word the text writes whole elsewhere,
    a common English word ("repor-ted"), or a word whose parts are not both common words ("Magni-togorsk")."""
    if not any(h in text for h in _LINE_END_HYPHENS):
        return text
    words = {w.lower() for w in _WORDS.findall(text)}
    hyphenated = {h.lower().replace("\u2010", "-") for h in _HYPHENATED.findall(text)}
    return _BROKEN.sub(lambda m: _joined(m, words, hyphenated), text)


# Characters a paragraph needs before its repetition counts: an interview's "No." or a photo's caption may
# come twice (nine of the 5,000 bench texts repeat a paragraph, of 7 to 71 characters).
_REPEATED_CHARS = 120


def drop_repeated_paragraphs(text: str) -> str:
    """Paragraphs that repeat an earlier one character for character, kept once (the first time), with the
    short paragraphs around them that repeat as part of the same run (the text caught twice as a whole)."""
    # normalize.paragraph_spans' paragraphs (its pattern, each trimmed), split in one call: this runs for
    # every text read, and spans per paragraph cost more (0.053 against 0.031 s over the 5,000 bench texts)
    paragraphs = [p.strip() for p in _PARA.split(text)]
    if len(set(paragraphs)) == len(paragraphs):
        return text
    first: dict[str, int] = {}
    drop = [False] * len(paragraphs)
    i = 0
    while i < len(paragraphs):
        p = paragraphs[i]
        j = first.setdefault(p, i) if len(p) >= _REPEATED_CHARS else i
        if j == i:
            i += 1
            continue
        # a repeat of paragraph j: so are its neighbours that repeat j's, back to the last kept one
        back = 1
        while j - back >= 0 and i - back > j and not drop[i - back] and paragraphs[i - back] == paragraphs[j - back]:
            drop[i - back] = True
            back += 1
        while i < len(paragraphs) and j < i and paragraphs[i] == paragraphs[j]:
            drop[i] = True
            i, j = i + 1, j + 1
    if not any(drop):
        return text
    return "\n\n".join(p for p, gone in zip(paragraphs, drop) if not gone)


#: The repairs :func:`repair` names, in the order it makes them.
REPAIRS = ("markup", "broken words", "repeated paragraphs", "mojibake", "entities")


def repair(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` with HTML markup turned into paragraphs, broken words joined, repeated paragraphs kept
    once, mojibake decoded and HTML entities unescaped, and the names (:data:`REPAIRS`) of the repairs
    that changed it: which damage a site's pages carry says how they were scraped. The same string and
    no names when it shows none of them. Whitespace is left for cleanup."""
    made: list[str] = []
    if _TAG.search(text) or (("<p" in text or "<P" in text) and len(_OPEN_PARAGRAPH.findall(text)) > 1):
        text = markup_to_text(text)
        made.append("markup")
    for name, fix in (("broken words", join_broken_words), ("repeated paragraphs", drop_repeated_paragraphs)):
        fixed = fix(text)
        if fixed != text:
            made.append(name)
        text = fixed
    mojibake = not text.isascii() and _MOJIBAKE.search(text) is not None
    if mojibake:
        # A scraper misreads a whole page at once, so the whole text is judged as one: ftfy's fix_text
        # judges each line alone, and a line whose only damage is a name ("ErdoÄŸan") could be meant.
        fixed = ftfy.fix_encoding(text, _CONFIG)
        if fixed != text:
            made.append("mojibake")
        text = fixed
    if mojibake or ("&" in text and _ENTITY.search(text)):
        fixed = ftfy.fix_text(text, _CONFIG)
        if fixed != text:
            # fix_text decodes what fix_encoding left (mojibake inside an entity's text) and unescapes
            made.append("entities" if _ENTITY.search(text) else "mojibake")
        text = fixed
    return text, tuple(dict.fromkeys(made))


def repair_text(text: str) -> str:
    """:func:`repair`'s text alone; the same string when it shows no damage."""
    fixed, made = repair(text)
    return fixed if made else text
