"""Matching keys for words and sentences, with character spans back into the original text.

Copies in the wild are disguised: look-alike letters from other alphabets, accents, case, spaces after
full stops removed, function words deleted. Matching therefore never compares raw strings: it compares
*keys* (folded, stemmed content words), while every key remembers the span of the original characters so
that passages can be shown in the text the user gave us.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import blingfire
import snowballstemmer

__all__ = [
    "Tokens",
    "fold",
    "word_key",
    "tokenize",
    "sentence_spans",
    "paragraph_spans",
    "STOP_WORDS",
    "is_content",
]

_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("english")

# A small English function-word list. Dropping these from matching keys is what makes "every 'of'
# deleted" and similar function-word spinning invisible to shingles and sentence hashes.
STOP_WORDS: frozenset[str] = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves s t d ll m re ve mr mrs ms""".split()
)


@lru_cache(maxsize=1)
def _confusable_table() -> dict[int, str]:
    """Map letters of other scripts that look like ASCII letters or digits onto them (Unicode's data).

    Built from confusable_homoglyphs' copy of Unicode confusables.txt rather than a hand list, so that
    every alphabet's look-alikes are covered, not just the Cyrillic ones seen so far.
    """
    data = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))
    table: dict[int, str] = {}
    for ch, glyphs in data.items():
        if len(ch) != 1 or ch.isascii():
            continue
        for g in glyphs:
            c = g.get("c", "")
            if len(c) == 1 and c.isascii() and c.isalnum():
                table[ord(ch)] = c
                break
    return table


@lru_cache(maxsize=500_000)
def fold(word: str) -> str:
    """Case, width, accents and look-alike letters folded away: 'Rоme' (Cyrillic о) -> 'rome'."""
    w = unicodedata.normalize("NFKC", word)
    if not w.isascii():
        w = w.translate(_confusable_table())
        if not w.isascii():
            w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    return w.casefold().replace("’", "'")


@lru_cache(maxsize=500_000)
def word_key(word: str) -> str:
    """The matching key of one word: folded, possessive dropped, stemmed ('Sanctions' -> 'sanction')."""
    w = fold(word)
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    if w.isdigit():
        return w
    return _STEMMER.stemWord(w)


def is_content(key: str) -> bool:
    """Content words carry the matching; function words are left out of every fingerprint."""
    return key not in STOP_WORDS and (len(key) > 1 or key.isdigit())


@dataclass(frozen=True, slots=True)
class Tokens:
    """The words of a text as parallel lists: key, folded surface form, span, and capitalisation."""

    keys: list[str]
    folded: list[str]
    starts: list[int]
    ends: list[int]
    caps: list[bool]

    def __len__(self) -> int:
        return len(self.keys)


def tokenize(text: str) -> Tokens:
    keys: list[str] = []
    folded: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    caps: list[bool] = []
    for m in _WORD.finditer(text):
        w = m.group()
        keys.append(word_key(w))
        folded.append(fold(w))
        starts.append(m.start())
        ends.append(m.end())
        caps.append(w[:1].isupper())
    return Tokens(keys, folded, starts, ends, caps)


_PARA = re.compile(r"\n\s*\n")
# "said.The" — a full stop glued to the next sentence, a common scraping or spinning artifact.
_GLUED = re.compile(r"(?<=[a-z0-9\)\"”][.!?])(?=[A-Z][a-z])")
# A fragment that ends in a title abbreviation or an initial ("Dr.", "John F.") is not a sentence end.
_ABBREV_TAIL = re.compile(r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|Gen|Gov|Sen|Rep|St|Sgt|Col|Capt|Lt|Rev|[A-Z])\.$")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Blocks separated by blank lines, trimmed of surrounding white space."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences as character spans: blingfire's splitter per line, plus two repairs it does not make.

    Repairs (storytrace's own, since they are about disguised copies rather than general English):
    a sentence glued to the next with no space ("May.He") is cut, and a fragment that is only a short
    title abbreviation ("Dr.") is joined back to the sentence it belongs to.
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        ls = line.start()
        chunk = line.group()
        if not chunk.strip():
            continue
        raw = blingfire.text_to_sentences_and_offsets(chunk)[1]  # code-point offsets
        pieces: list[tuple[int, int]] = []
        for s, e in raw:
            cut = s
            for m in _GLUED.finditer(chunk, s, e):
                pieces.append((cut, m.start()))
                cut = m.start()
            pieces.append((cut, e))
        merged: list[tuple[int, int]] = []
        for s, e in pieces:
            if merged and _ABBREV_TAIL.search(chunk[merged[-1][0] : merged[-1][1]].rstrip()):
                merged[-1] = (merged[-1][0], e)
                continue
            merged.append((s, e))
        for s, e in merged:
            while s < e and chunk[s].isspace():
                s += 1
            while e > s and chunk[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append((ls + s, ls + e))
    return spans
