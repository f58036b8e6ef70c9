"""A word of another script stemmed by its own language's Snowball stemmer.

Keys were made for English text: a Russian word went through the English stemmer, which leaves it as
written, so "Орска" and "Орском" (one town in two cases) were two keys. In an inflected language a
retelling then shared few keys with its source, and a copy's left-out paragraph shared few with the rest of
its story, was taken for a spliced one and set aside, so a half copy was called near. A word wholly in one
of these scripts is now stemmed by the stemmer of the script's main language (Russian for Cyrillic:
Ukrainian and Bulgarian share most of its endings; Arabic for Persian and Urdu too). Latin-script words are
stemmed as English, as before: one word cannot say whether it is English, Turkish or German.

Words are still weighed by their English frequency (storytrace.weights), so a Russian function word weighs
as an unknown word. Weighing each script's words by wordfreq's lists of its languages was tried: it split
related and unrelated reports further apart, but made the left-out paragraphs of Persian and Hebrew half
copies look spliced (called near), which the shared function words had prevented.
"""

from __future__ import annotations

import threading
import unicodedata
from typing import Any

import snowballstemmer

__all__ = ["STEMMED", "letter_script", "stem", "stemmer", "word_script"]

#: Script (the first word of a letter's Unicode name) -> the Snowball stemmer its words get.
STEMMED: dict[str, str] = {"CYRILLIC": "russian", "GREEK": "greek", "ARABIC": "arabic", "DEVANAGARI": "hindi",
                           "TAMIL": "tamil", "ARMENIAN": "armenian"}

# Snowball stemmers keep state while they work: one per thread and language (the web server tokenizes in
# threads).
_LOCAL = threading.local()


def letter_script(c: str) -> str:
    """The script of a letter: the first word of its Unicode name ("CYRILLIC", "LATIN", "GREEK")."""
    return unicodedata.name(c, "").split(" ", 1)[0]


def word_script(word: str) -> str | None:
    """The script of a word whose letters are all of one script other than Latin (None for any other)."""
    script = None
    for c in word:
        if c.isalpha():
            if c.isascii():
                return None
            s = letter_script(c)
            if script is None:
                script = s
            elif s != script:
                return None
    return None if script == "LATIN" else script


def stemmer(language: str) -> Any:
    """This thread's Snowball stemmer for ``language``."""
    stemmers: dict[str, Any] | None = getattr(_LOCAL, "stemmers", None)
    if stemmers is None:
        stemmers = _LOCAL.stemmers = {}
    st = stemmers.get(language)
    if st is None:
        st = stemmers[language] = snowballstemmer.stemmer(language)
    return st


def stem(word: str, script: str) -> str:
    """``word`` (lowercase, accents kept: Russian й and Hindi's virama are part of the endings the stemmer
    knows) stemmed by ``script``'s stemmer."""
    return stemmer(STEMMED[script]).stemWord(word)
