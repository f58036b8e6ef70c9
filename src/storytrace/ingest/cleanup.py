"""Whitespace cleanup that never changes letters.

Matching folds case and Unicode on its own later; here we only tidy line endings and blank lines, so that
character spans computed on ``Article.text`` still point at what the publisher wrote.
"""

from __future__ import annotations

import re
import unicodedata

_BLANK_RUNS = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Normalise newlines, strip trailing spaces, collapse runs of blank lines to one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(map(str.rstrip, text.split("\n")))
    if "\n\n\n" in text:  # the regex's own scan costs ten times this test, and most texts have no such run
        text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n")


def clean_line(text: str) -> str:
    """One-line fields (title, author): newlines and runs of spaces become single spaces."""
    return " ".join(text.split())


# ASCII bytes that are not letters or digits: what ``comparable`` drops from an ASCII string.
_ASCII_NON_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())


def comparable(text: str) -> str:
    """A folded form used only to compare two strings (e.g. headline vs. first paragraph), never stored."""
    if text.isascii():
        # NFKC leaves ASCII as it is and casefold is lower() there: the same result, in C.
        return text.lower().encode("ascii").translate(None, _ASCII_NON_ALNUM).decode("ascii")
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())
