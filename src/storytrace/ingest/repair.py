"""Text damaged on its way from the publisher, repaired: mojibake and HTML entities.

A scraper that read a page's UTF-8 as cp1252 stores "Trumpâ€™s"; a feed that escaped its text once too
often stores "Trump&#8217;s". Both are the transport's damage, not words anyone wrote, and matching cannot
see through them: a reprint scraped that way no longer matches its source word for word, and the damage
reads as swapped words. ftfy, the library made for this, repairs them. Only those two of its fixes run:
the others (straightening quotes, fullwidth letters to plain ones, ligatures, NFC) would erase what the
exact hash and the disguise names read (curled apostrophes, styled letters), and whitespace is
:mod:`storytrace.ingest.cleanup`'s job.
"""

from __future__ import annotations

import re

import ftfy

__all__ = ["repair_text"]

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
# The two kinds of damage repaired: an HTML entity, or a UTF-8 lead byte read as cp1252 ("Â".."ô") followed
# by a continuation byte read the same way. Most text shows neither, and these tests (an ASCII text needs
# only the first, after one "&" test) cost a small part of ftfy's own checks: 0.08 s against 2.0 s over the
# 5,000 texts of the bench corpus.
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_MOJIBAKE = re.compile(rf"[\u00c2-\u00f4][{_CONTINUATION}]")


def repair_text(text: str) -> str:
    """``text`` with mojibake decoded and HTML entities unescaped; the same string when it shows neither."""
    if ("&" in text and _ENTITY.search(text)) or (not text.isascii() and _MOJIBAKE.search(text)):
        return ftfy.fix_text(text, _CONFIG)
    return text
