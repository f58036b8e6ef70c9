"""Words one copy misreads: OCR and retyping errors ("Scnate", "govemment", "gov ernment").

A scanned newspaper's reprint of a wire story differs from another scan of it by a few letters in every
line, and each misread word breaks every seed of four keys it falls in: at four misread letters in a
hundred, a whole copy came out as scattered short passages, a partial copy (docs/quality.md, OCR probe in
the issue notes). Matching reads a misread word as the word the other text has there when the word is
nothing a dictionary knows (a name or a misreading), is not said in the other text as it stands, and is a
letter or two away from exactly one word the other text does say; a word broken in two by a stray space
reads as the joined word when the other text says that.

Pair-wise and pure: which word a misreading stands for depends on the text it is compared with, so the
keys of a stored fingerprint never change. Hand-written because it is storytrace's own rule for which
words may be read as which; rapidfuzz computes the distances.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

__all__ = ["Keyed", "looks_misread", "max_distance", "nearest", "ocr_form", "reconcile"]

#: Words shorter than this are never read as another content word: one letter changes too many short
#: words into other words ("tax"/"tar"). A misread function word ("fhe", "tbat") may be one letter shorter.
MIN_LENGTH = 4


# The misreadings an OCR makes most ("rn" for "m", a zero for "o", a one for "l"), undone in both words
# before they are compared, so that each costs one edit or none rather than two.
_OCR_READINGS = str.maketrans({"0": "o", "1": "l"})


def ocr_form(word: str) -> str:
    """``word`` as compared for misreadings: "rn" read as "m", "0" as "o", "1" as "l"."""
    return word.replace("rn", "m").translate(_OCR_READINGS)


def max_distance(word: str) -> int:
    """Edits a misreading of ``word`` may hold: one in a short word, two from eight letters ("rn" read as
    "m" is two edits)."""
    return 1 if len(word) < 8 else 2


def looks_misread(old: Sequence[str], new: Sequence[str]) -> bool:
    """Whether folded words ``new``, standing where another text has ``old``, read as a misreading of them
    rather than as words a copier chose: the same letters with spaces put in or taken out ("gover nment"),
    or at most half of them changed ("Fcdcral", "blarne" for "blame", "0tf" for "off"). A spinner's
    synonym changes more ("said" -> "stated", "Russia" -> "Russian Federation") and so does a new name;
    a changed figure is never a misreading."""
    if all(w.isdigit() for w in old) and all(w.isdigit() for w in new):
        return False
    was, now = ocr_form("".join(old)), ocr_form("".join(new))
    if was == now:
        return True
    bound = max(1, len(was) // 2)
    return Levenshtein.distance(was, now, score_cutoff=bound) <= bound


@dataclass(frozen=True, slots=True)
class Keyed:
    """A text's content words as :func:`reconcile` reads them, indexed once per text (a text meets many
    others): use :meth:`of`."""

    keys: list[str]
    said: frozenset[str]  # the keys
    written: dict[str, str]  # folded form as written -> its key (the first one's)
    rare: dict[str, list[int]]  # each rare form -> its positions
    function_words: frozenset[str]
    joined: dict[str, list[tuple[int, int]]]  # joined form -> (first content word, the second or -1)

    @classmethod
    def of(cls, keys: Sequence[str], forms: Sequence[str], rare: Sequence[bool], function_words: Iterable[str],
           joins: Iterable[tuple[int, int, str]]) -> Keyed:
        """From the content words' keys, folded forms and rarity (under one in a million words of text: a
        name, or a misreading), in order; the folded function words the text writes; and for two words
        written with one space between them, (the position of the first content word of the two, that of
        the second or -1 where one is a function word, the two forms joined)."""
        written = dict(zip(reversed(forms), reversed(keys)))  # the first key of each form
        rare_at: dict[str, list[int]] = {}
        for x in compress(range(len(keys)), rare):
            rare_at.setdefault(forms[x], []).append(x)
        joined: dict[str, list[tuple[int, int]]] = {}
        for x, partner, form in joins:
            joined.setdefault(form, []).append((x, partner))
        return cls(list(keys), frozenset(keys), written, rare_at, frozenset(function_words), joined)


def nearest(words: Sequence[str], vocabulary: Sequence[str], min_length: int = MIN_LENGTH,
            unique: bool = True) -> dict[str, str]:
    """Each word's one nearest vocabulary word within :func:`max_distance` of it (Levenshtein, between their
    :func:`ocr_form`), for the words that have exactly one; a tie reads as either, so as neither (unless
    not ``unique``: then the first). Figures are never read: a changed figure is a copier's edit, not
    noise."""
    words = [w for w in words if len(w) >= min_length and not w.isdigit()]
    vocabulary = [v for v in vocabulary if len(v) >= min_length and not v.isdigit()]
    if not words or not vocabulary:
        return {}
    distances = process.cdist([ocr_form(w) for w in words], [ocr_form(v) for v in vocabulary],
                              scorer=Levenshtein.distance, score_cutoff=2,
                              dtype=np.int8, workers=1)
    best = distances.min(axis=1)
    ties = (distances == best[:, None]).sum(axis=1)
    limits = np.fromiter(map(max_distance, words), dtype=np.int8, count=len(words))
    ok = best <= limits
    if unique:
        ok &= ties == 1
    return {words[r]: vocabulary[c] for r, c in zip(np.flatnonzero(ok).tolist(), distances.argmin(axis=1)[ok].tolist())}


def reconcile(a: Keyed, b: Keyed) -> tuple[list[str | None], list[str | None]]:
    """``a``'s and ``b``'s keys with each misread word read as the word the other text writes: its key, or
    None for a function word or the second half of a word broken in two (whose first half reads as the
    joined word), to be left out as function words are.

    Only rare words whose key the other text does not say are read anew, so two clean texts keep their
    keys; where both texts misread a word differently, ``a``'s reading is taken."""
    if a.said == b.said:
        return a.keys, b.keys
    keys_a, joined_a = _join(a, b)
    keys_b, joined_b = _join(b, a)
    read_a = _readings(a, joined_a, b, frozenset())
    read_b = _readings(b, joined_b, a, frozenset(read_a))
    return _read(keys_a, a, read_a, joined_a), _read(keys_b, b, read_b, joined_b)


def _join(text: Keyed, other: Keyed) -> tuple[list[str | None], set[int]]:
    """The text's keys with each word whose key the other text does not say, and which joined with a
    neighbour is a word the other text writes, read as that word's key (its second half None); the
    positions joined."""
    hits = text.joined.keys() & other.written.keys()
    if not hits:
        return text.keys, set()
    keys: list[str | None] = list(text.keys)
    done: set[int] = set()
    for x, partner, form in sorted((x, p, f) for f in hits for x, p in text.joined[f]):
        if x in done or partner in done or (text.keys[x] in other.said and (partner < 0 or text.keys[partner] in other.said)):
            continue
        keys[x] = other.written[form]
        done.add(x)
        if partner >= 0:
            keys[partner] = None
            done.add(partner)
    return keys, done


def _readings(text: Keyed, joined: set[int], other: Keyed, taken: frozenset[str]) -> dict[str, str | None]:
    """Each rare form of ``text`` whose key the other text does not say, read as the one content word (its
    key) or function word (None) of the other text it is nearest to; ``taken`` are forms of the other
    text that are themselves read anew, and so are no reading."""
    forms = sorted(f for f, at in text.rare.items()
                   if f not in other.written and text.keys[at[0]] not in other.said and not joined.issuperset(at))
    if not forms:
        return {}
    read: dict[str, str | None] = {}
    for form, target in nearest(forms, sorted(other.written.keys() - taken)).items():
        read[form] = other.written[target]
    # Any function word will do: each is left out alike.
    for form in nearest([f for f in forms if f not in read], sorted(other.function_words - taken),
                        min_length=MIN_LENGTH - 1, unique=False):
        read[form] = None
    return read


def _read(keys: list[str | None], text: Keyed, reading: dict[str, str | None], joined: set[int]) -> list[str | None]:
    if not reading:
        return keys
    keys = list(keys)
    for form, key in reading.items():
        for x in text.rare[form]:
            if x not in joined:
                keys[x] = key
    return keys
