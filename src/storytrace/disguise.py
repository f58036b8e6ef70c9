"""How a copy was disguised: the tricks content farms play so that a reprint does not look like one.

Matching already sees through them (look-alike letters fold away, function words are left out of every
fingerprint); this module names them, as evidence of intent that a researcher can cite. Each trick is
measured on one text against the other, so a trait both share (a name written in Cyrillic, a writer who
never uses "of") is not taken for a disguise. storytrace's own rules, hand-written because no library
describes these tricks; the thresholds below are where a trick stops being chance.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Container, Sequence
from itertools import chain
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Indel

from .model import Disguise, Passage
from .lookalike import lookalike_letters
from .misread import looks_misread
from .normalize import _WORD, fold, glued_stops  # the tokenizer's own word pattern
from .weights import UNKNOWN_WEIGHT, idf

__all__ = ["COPIER_TRICKS", "DISGUISES", "copy_disguises", "disguises", "pair_disguises"]

DISGUISES = ("lookalike_letters", "hidden_characters", "missing_spaces", "dropped_words", "swapped_words",
             "changed_figures")
#: The tricks only a copier plays: no edit of one's own text, no newer figure and no episode of a series
#: written from a template leaves them. A site's disguised share counts these (storytrace.network).
#: Swapped words and changed figures are named per pair, as evidence to read, but the same trace is left
#: by an updated count or by the next "Wikinews interviews X" episode swapping in a new name: between
#: the Wikinews sample's same-site copies, 42 of the 47 disguises named were swapped words and the
#: other 5 changed figures.
COPIER_TRICKS = ("lookalike_letters", "hidden_characters", "missing_spaces", "dropped_words")

# The function words a spinner deletes wholesale; each must be common enough in the other text that
# losing every one of them is no accident.
_DROPPABLE = ("of", "the", "a", "an", "to", "and", "in", "that")
_MIN_DROPPED = 5       # occurrences in the other text before a word's absence counts
_KEPT_SHARE = 0.1      # ... and this text keeps at most this share of the expected number, or a number
# no likelier by chance (Poisson) than losing all of _MIN_DROPPED: a copier who spared the headline keeps
# 1 "of" of 10, which says as much as 0 of 5.
_DROP_CHANCE = math.exp(-_MIN_DROPPED)
_KEPT_AT_MOST = 0.25   # ... but never more than this share: a rewording drops some, a spinner all of them
_MIN_EXTRA = 2         # look-alike words, words with hidden characters or glued stops beyond the other text's
_MAX_SWAP_WORDS = 3    # a swap replaces at most this many words by at most this many
_EXAMPLES = 3


def _latin_words_with(text: str, marks: Container[str]) -> list[str]:
    """Words that mix ASCII letters with characters of ``marks``. Most non-ASCII news text holds only curly
    quotes and dashes: no mark at all, and then no word needs reading."""
    if text.isascii() or not any(c in marks for c in set(text)):
        return []
    return [w for w in _WORD.findall(text)
            if any(c in marks for c in w) and any(c.isascii() and c.isalpha() for c in w)]


# Letters the table folds (for matching) that a language spells with among ASCII letters, so no trick:
# Turkish and Azerbaijani write dotless ı beside i ("kaldı"), and a Turkish original was named a disguised
# copy of its own excerpt.
_NATIVE_LATIN = frozenset("ı")


@lru_cache(maxsize=1)
def _lookalikes() -> frozenset[str]:
    """Characters that stand in for ASCII letters: the look-alike table's, less native letters and the
    digits of other scripts (read by their value, not taken for letters)."""
    return lookalike_letters() - _NATIVE_LATIN


def _lookalike_words(text: str) -> list[str]:
    """Words that mix ASCII letters with letters of other scripts that look like ASCII ones ('Rоme')."""
    return _latin_words_with(text, _lookalikes())


# Zero-width characters inside words, shown by name in the examples. A soft hyphen is invisible too, and
# folded away for matching, but a CMS puts it into long words to hyphenate them: no copier's mark.
_HIDDEN = {"\u200b": "ZWSP", "\u200c": "ZWNJ", "\u200d": "ZWJ", "\u2060": "WJ", "\ufeff": "BOM", "\u034f": "CGJ"}


def _hidden_words(text: str) -> list[str]:
    """Words of Latin letters carrying a zero-width character, each one named: 'Pu[ZWSP]tin'. Persian and
    the Indic scripts write the joiners inside words as spelling, so only words with ASCII letters count."""
    return ["".join(f"[{_HIDDEN[c]}]" if c in _HIDDEN else c for c in w) for w in _latin_words_with(text, _HIDDEN)]


def _dropped(words: Counter[str], others: Counter[str]) -> list[tuple[str, int]]:
    """Function words the other text uses often inside the copied passages and this one (almost) never:
    counted in the passages only, since an excerpt's own paragraphs say nothing about what it dropped.
    ``words`` / ``others``: the passages' folded word counts, in this text and in the other."""
    n, n_other = sum(words.values()), sum(others.values())
    if not n or not n_other:
        return []
    out = []
    for w in _DROPPABLE:
        expected = others[w] * n / n_other
        if others[w] < _MIN_DROPPED or words[w] > _KEPT_AT_MOST * expected:
            continue
        if words[w] <= _KEPT_SHARE * expected or _poisson_cdf(words[w], expected) <= _DROP_CHANCE:
            out.append((w, others[w] - words[w]))
    return out


def _poisson_cdf(k: int, mean: float) -> float:
    from scipy.special import pdtr  # imported here: 30 ms that reading most pairs never needs

    return float(pdtr(k, mean))


def _unknown(word: str) -> bool:
    """English's word list does not know the word. Swaps are named without the text's language, so a word
    of another language is unknown too, and looks_misread then names a change between two of them a swap."""
    return idf(word) >= UNKNOWN_WEIGHT


def _swaps(mine: list[list[str]], theirs: list[list[str]]) -> tuple[list[str], list[str]]:
    """Word swaps inside copied passages, this text's words first: (words, figures). A passage's words are
    compared in order (case and look-alike letters folded); a stretch of at most three words standing
    where the other text has a different stretch of at most three is a swap."""
    words: list[str] = []
    figures: list[str] = []
    for ma, tb in zip(mine, theirs, strict=True):
        if ma == tb:
            continue
        a = [fold(w) for w in ma]
        b = [fold(w) for w in tb]
        if a == b:
            continue
        # Indel has no "replace": a swap is a deletion and an insertion next to each other.
        blocks = list(Indel.opcodes(b, a))
        i = 0
        while i < len(blocks):
            if blocks[i].tag == "equal":
                i += 1
                continue
            j = i
            while j + 1 < len(blocks) and blocks[j + 1].tag != "equal":
                j += 1
            lo_b, hi_b = blocks[i].src_start, blocks[j].src_end
            lo_a, hi_a = blocks[i].dest_start, blocks[j].dest_end
            i = j + 1
            if not (0 < hi_a - lo_a <= _MAX_SWAP_WORDS and 0 < hi_b - lo_b <= _MAX_SWAP_WORDS):
                continue
            if looks_misread(b[lo_b:hi_b], a[lo_a:hi_a], _unknown):
                continue  # an OCR's damage, not a copier's edit (storytrace.misread)
            old, new = " ".join(tb[lo_b:hi_b]), " ".join(ma[lo_a:hi_a])
            target = figures if all(w.isdigit() for w in a[lo_a:hi_a] + b[lo_b:hi_b]) else words
            target.append(f"{old} → {new}")
    return words, figures


@dataclass(slots=True)
class _Side:
    """What the tricks are measured by in one text: read once, compared against the other side."""

    lookalikes: list[str]
    hidden: list[str]
    glued: list[str]
    passages: list[list[str]]  # each shared passage's words, in order
    counts: Counter[str]       # the passages' folded words (a disguised "tһe" is still "the")


def _side(text: str, spans: Sequence[tuple[int, int]]) -> _Side:
    passages = [_WORD.findall(text[s0:s1]) for s0, s1 in spans]
    # Glued stops are counted in the copied text only: a page whose extraction glued its image captions
    # to the next line ("...attack.Image: ...") did so outside what it shares with the other text.
    glued = [g for s0, s1 in spans for g in glued_stops(text, s0, s1)]
    words = Counter(map(fold, chain.from_iterable(passages)))
    return _Side(_lookalike_words(text), _hidden_words(text), glued, passages, words)


def disguises(text: str, other: str, passages: Sequence[tuple[int, int, int, int]] = ()) -> tuple[Disguise, ...]:
    """The tricks ``text`` plays that ``other`` does not. ``passages``: (start, end) in ``text`` and in
    ``other`` of the verbatim passages they share, where dropped words, swapped words and changed figures
    are looked for."""
    return _tricks(*_sides(text, other, passages))


def pair_disguises(a: str, b: str, passages: Sequence[tuple[int, int, int, int]] = ()
                   ) -> tuple[tuple[Disguise, ...], tuple[Disguise, ...]]:
    """:func:`disguises` of ``a`` against ``b`` and of ``b`` against ``a``, each text read once."""
    sa, sb = _sides(a, b, passages)
    return _tricks(sa, sb), _tricks(sb, sa)


def copy_disguises(a: str, b: str, passages: Sequence[Passage]) -> tuple[tuple[Disguise, ...], tuple[Disguise, ...]]:
    """:func:`pair_disguises` looked for in a copy's verbatim passages: what a scan names for a copy pair,
    from its alignment or from its stored passages alike."""
    return pair_disguises(a, b, [(p.a_start, p.a_end, p.b_start, p.b_end) for p in passages if p.kind == "verbatim"])


def _sides(a: str, b: str, passages: Sequence[tuple[int, int, int, int]]) -> tuple[_Side, _Side]:
    return (_side(a, [(s0, s1) for s0, s1, _, _ in passages]),
            _side(b, [(o0, o1) for _, _, o0, o1 in passages]))


def _tricks(mine: _Side, theirs: _Side) -> tuple[Disguise, ...]:
    out: list[Disguise] = []
    own, others = mine.lookalikes, theirs.lookalikes
    if len(own) - len(others) >= _MIN_EXTRA:
        out.append(Disguise("lookalike_letters", len(own) - len(others), tuple(dict.fromkeys(own))[:_EXAMPLES]))
    hidden, hidden_other = mine.hidden, theirs.hidden
    if len(hidden) - len(hidden_other) >= _MIN_EXTRA:
        out.append(Disguise("hidden_characters", len(hidden) - len(hidden_other),
                            tuple(dict.fromkeys(hidden))[:_EXAMPLES]))
    glued, glued_other = mine.glued, theirs.glued
    if len(glued) - len(glued_other) >= _MIN_EXTRA:
        out.append(Disguise("missing_spaces", len(glued) - len(glued_other), tuple(glued[:_EXAMPLES])))
    dropped = _dropped(mine.counts, theirs.counts)
    if dropped:
        out.append(Disguise("dropped_words", sum(n for _, n in dropped), tuple(f'"{w}"' for w, _ in dropped)))
    words, figures = _swaps(mine.passages, theirs.passages)
    if words:
        out.append(Disguise("swapped_words", len(words), tuple(dict.fromkeys(words))[:_EXAMPLES]))
    if figures:
        out.append(Disguise("changed_figures", len(figures), tuple(dict.fromkeys(figures))[:_EXAMPLES]))
    return tuple(out)
