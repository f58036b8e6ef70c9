"""Words one copy misreads: OCR and retyping errors ("Scnate", "govemment", "gov ernment").

A scanned newspaper's reprint of a wire story differs from another scan of it by a few letters in every
line, and each misread word breaks every seed of four keys it falls in: at four misread letters in a
hundred, a whole copy came out as scattered short passages, a partial copy (``scripts/disguise_probe.py``,
the misread rows). Matching reads a word as the word the other text has there when it is not said in the
other text as it stands, is a letter or two away from exactly one word the other text does say, and is
likelier a misreading of that word than a word of its own: a word no list knows always is, a rare word
only when the other is a hundred times commoner for each letter changed ("goverment" for "government",
not "Tomsk" for "Omsk"). A word broken in two by a stray space reads as the joined word when the other text
says that.

Pair-wise and pure: which word a misreading stands for depends on the text it is compared with, so the
keys of a stored fingerprint never change. Hand-written because it is storytrace's own rule for which
words may be read as which; rapidfuzz computes the distances.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .normalize import Tokens
from .weights import UNKNOWN_WEIGHT, idfs

__all__ = ["RARE_WEIGHT", "SCANNED_FUNCTION_WORDS", "SCANNED_SHARE", "SCANNED_UNKNOWN", "SCANNED_UNSHARED", "Keyed", "is_figure", "looks_misread", "max_distance",
           "nearest", "ocr_form", "rare_share", "reads_scanned", "reconcile", "text_rare_share", "text_shares", "unknown_share"]

#: A word's weight (storytrace.weights: 9 less its zipf frequency) above which it is rare, said less than
#: once in a million words of text: a name, a rare word, or a misreading.
RARE_WEIGHT = 6.0
#: A text with at least this share of its content words rare reads as scanned (misread words are rare).
#: Clean news has less in 9 texts of 10 (text_rare_share, synth seed 5: median 0.10, 90th percentile 0.15;
#: the Wikinews sample: 0.07 and 0.13); the sample's texts with 4% of their letters misread (synth.misread)
#: more in 99 of 100 (1st percentile 0.18). Alignment reads misread words only for such texts, or for runs
#: broken often.
SCANNED_SHARE = 0.15
#: ... and with this share, beyond every clean text but about one in a hundred (99th percentile 0.18 and
#: 0.19; 5th percentile at 4% misread letters 0.22), a same-story pair that shares no shingle band or
#: sentence is aligned too (storytrace.index): misread letters break shingles as they break seeds.
SCANNED_UNSHARED = 0.2


#: ... and a text of which this share of words (in Latin letters) is lower-case words no list knows reads as
#: scanned when its story vectors are built (storytrace.fingerprint): the misreadings are left out of them.
#: In lower case, as names (which lists often lack: a football report's players) are written in capitals.
#: Clean news of 50 words or more has at most 0.044 (synth seed 5 and the Wikinews sample, 99th
#: percentile 0.015 and 0.036); the sample's texts with 4% of their letters misread have more in 19 of 20
#: (5th percentile 0.067), with 6% in all but 1 in 100.
SCANNED_UNKNOWN = 0.06
#: ... provided this share of its words at least are function words of its language: a text in a language
#: storytrace has no list for is keyed as English, and all its words are unknown (Swahili, Tagalog: 0 to
#: 0.01); clean news and scans have 0.26 or more in 99 texts of 100.
SCANNED_FUNCTION_WORDS = 0.2


def unknown_share(forms: Sequence[str], weights: Sequence[float], caps: Sequence[bool]) -> float:
    """Share of a text's content words (folded ``forms``, with their ``weights`` and whether each is
    capitalised) written in lower case in letters that no word list knows, among those written in Latin
    letters (as :func:`rare_share` counts)."""
    latin = [(f, w, c) for f, w, c in zip(forms, weights, caps) if f.isascii()]
    if not latin or 2 * len(latin) < len(forms):
        return 0.0
    return sum(1 for f, w, c in latin if w >= UNKNOWN_WEIGHT and not c and f.isalpha()) / len(latin)


def reads_scanned(tokens: Tokens, unknown: float) -> bool:
    """Whether a tokenized text, of which ``unknown`` (:func:`unknown_share`) is words no list knows, reads
    as a scan (SCANNED_UNKNOWN, SCANNED_FUNCTION_WORDS)."""
    keyed = len(tokens.keys)
    function_words = keyed - sum(tokens.content)
    return keyed > 0 and unknown >= SCANNED_UNKNOWN and function_words >= SCANNED_FUNCTION_WORDS * keyed


def rare_share(forms: Sequence[str], weights: Sequence[float]) -> float:
    """Share of a text's content words (folded ``forms``, with their ``weights``) that are rare, among
    those written in Latin letters (which fold to ASCII): the word lists weigh other scripts' words as
    unknown, and their misreadings are not read (0.0 where fewer than half the words are such)."""
    latin = list(compress(weights, map(str.isascii, forms)))
    if not latin or 2 * len(latin) < len(forms):
        return 0.0
    return sum(map(RARE_WEIGHT.__lt__, latin)) / len(latin)  # weights above RARE_WEIGHT


def text_rare_share(tokens: Tokens) -> float:
    """:func:`rare_share` of a tokenized text's content words, rounded as a fingerprint stores it, so that
    alignment, a scan and a query read one number for one text."""
    forms = list(compress(tokens.folded, tokens.content))
    return round(rare_share(forms, idfs(forms, tokens.language)), 4)


def text_shares(tokens: Tokens) -> tuple[float, float]:
    """:func:`text_rare_share` and :func:`unknown_share` of a tokenized text, its words weighed once."""
    forms = list(compress(tokens.folded, tokens.content))
    weights = idfs(forms, tokens.language)
    return round(rare_share(forms, weights), 4), unknown_share(forms, weights, list(compress(tokens.caps, tokens.content)))


#: Words shorter than this are never read as another content word: one letter changes too many short
#: words into other words ("tax"/"tar"). A misread function word ("fhe", "tbat") may be one letter shorter.
MIN_LENGTH = 4
#: Content words this short may be misread function words though a list knows them ("thc", "ot", "nd"
#: are abbreviations too): they are read as such only where the function word is far commoner.
SHORT = 3


# The misreadings an OCR makes most ("rn" for "m", a zero for "o", a one for "l"), undone in both words
# before they are compared, so that each costs one edit or none rather than two.
_OCR_READINGS = str.maketrans({"0": "o", "1": "l"})


def ocr_form(word: str) -> str:
    """``word`` as compared for misreadings: "rn" read as "m", "0" as "o", "1" as "l"."""
    return word.replace("rn", "m").translate(_OCR_READINGS)


def max_distance(word: str) -> int:
    """Edits a misreading of ``word`` may hold (after :func:`ocr_form`): one in a short word, two from
    eight letters, where two misread letters are as likely as one in a short word."""
    return 1 if len(word) < 8 else 2


def is_figure(word: str) -> bool:
    """A number, or a word with a digit :func:`ocr_form` does not read as a letter ("16bn", "1990s",
    "a320"): a figure, which a copier changes on purpose, and which is never read as another."""
    return word.isdigit() or (not word.isalpha() and any(c.isdigit() for c in ocr_form(word)))


#: How much commoner (in zipf, log10 of frequency) a word must be, for each letter told apart, than a
#: word the other text writes for it to be read as its misreading: an OCR misreads about one letter in
#: a hundred or fewer, so a known word is itself likelier than a misreading of one less than a hundred
#: times as common.
ZIPF_PER_EDIT = 2.0


def looks_misread(old: Sequence[str], new: Sequence[str], unknown: Callable[[str], bool]) -> bool:
    """Whether folded words ``new``, standing where another text has ``old``, read as a misreading of them
    rather than as words a copier chose: the same letters with spaces put in or taken out ("gover nment"),
    or one letter changed, put in or dropped, as :func:`ocr_form` reads them, turning known words into
    one that is not (``unknown``: "Resideuts", "blarne" for "blame"). A known word is a choice ("Iran" ->
    "Iraq"), so is a change between words ``unknown`` cannot judge (another language's), two edits are
    too many to tell from one ("gravement" and "grièvement" are French synonyms), and a figure is never a
    misreading."""
    if any(map(is_figure, (*old, *new))):
        return False
    was, now = "".join(old), "".join(new)
    if was == now:
        return True
    return (Levenshtein.distance(ocr_form(was), ocr_form(now), score_cutoff=1) <= 1
            and any(map(unknown, new)) and not any(map(unknown, old)))


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
    zipf: dict[str, float]  # each form's zipf frequency (0 where no list knows it)
    short: dict[str, list[int]]  # each other form of at most SHORT letters -> its positions
    shortest_piece: dict[str, int]  # each joined form -> the fewest letters of a piece it joins
    common: frozenset[str]  # the forms it writes that are not rare
    acronyms: frozenset[str] = frozenset()  # forms it writes in capitals ("WSS"): never misread function words
    # whether the text reads as scanned (SCANNED_SHARE): only then are its short known words ("ot", "aid")
    # read as misread function words, which an edited clean copy's are not
    scanned: bool = False

    @classmethod
    def of(cls, keys: Sequence[str], forms: Sequence[str], rare: Sequence[bool], function_words: Iterable[str],
           joins: Iterable[tuple[int, int, str, int]], zipf: dict[str, float],
           acronyms: Iterable[str] = (), scanned: bool = False) -> Keyed:
        """From the content words' keys, folded forms and rarity (under one in a million words of text: a
        name, or a misreading), in order; the folded function words the text writes; for two words
        written with one space between them, (the position of the first content word of the two, that of
        the second or -1 where one is a function word, the two forms joined, the letters of the shorter
        of the two); the zipf frequency of each form, function words' included; and the forms written in
        capitals somewhere (an interviewer's initials "WSS" are no misread "was")."""
        written = dict(zip(reversed(forms), reversed(keys)))  # the first key of each form
        rare_at: dict[str, list[int]] = {}
        short: dict[str, list[int]] = {}
        for x, (form, r) in enumerate(zip(forms, rare)):
            if r:
                rare_at.setdefault(form, []).append(x)
            elif len(form) <= SHORT:
                short.setdefault(form, []).append(x)
        joined: dict[str, list[tuple[int, int]]] = {}
        shortest: dict[str, int] = {}
        for x, partner, form, piece in joins:
            joined.setdefault(form, []).append((x, partner))
            shortest[form] = min(piece, shortest.get(form, piece))
        return cls(list(keys), frozenset(keys), written, rare_at, frozenset(function_words), joined, zipf, short, shortest,
                   frozenset(written.keys() - rare_at.keys()), frozenset(acronyms), scanned)


def nearest(words: Sequence[str], vocabulary: Sequence[str], min_length: int = MIN_LENGTH,
            unique: bool = True, readings: Mapping[str, object] | None = None,
            common: Container[str] = ()) -> dict[str, str]:
    """Each word's one nearest vocabulary word within :func:`max_distance` of it (Levenshtein, between their
    :func:`ocr_form`), for the words that have exactly one; a tie reads as either, so as neither (unless
    not ``unique``: then the first). Two kinds of tie are none: words that read as one (``readings``,
    each vocabulary word's key), and one ``common`` word tied with rare ones only, which are misreadings
    of it or names ("commiftee" between "committee" and the other text's own "c0mmittee"). Figures are
    never read, nor read into."""
    return {w: v for w, (v, _) in _nearest(words, vocabulary, min_length, unique, readings, common).items()}


def _nearest(words: Sequence[str], vocabulary: Sequence[str], min_length: int, unique: bool,
             readings: Mapping[str, object] | None = None, common: Container[str] = ()) -> dict[str, tuple[str, int]]:
    """:func:`nearest`, each with its distance."""
    words = [w for w in words if len(w) >= min_length and not is_figure(w)]
    vocabulary = [v for v in vocabulary if len(v) >= min_length and not is_figure(v)]
    if not words or not vocabulary:
        return {}
    seen, known = [ocr_form(w) for w in words], [ocr_form(v) for v in vocabulary]
    if len(words) * len(vocabulary) <= _BUCKET_ABOVE:
        return _nearest_in(words, seen, vocabulary, known, unique, readings, common)
    # Long texts: only words within two letters of a word's length can lie within two edits of it, so each
    # length is compared with those alone (the same answers, without a matrix of every pair).
    lengths = np.fromiter(map(len, known), dtype=np.int64, count=len(known))
    found: dict[str, tuple[str, int]] = {}
    for size in sorted(set(map(len, seen))):
        rows = [i for i, w in enumerate(seen) if len(w) == size]
        cols = np.flatnonzero(np.abs(lengths - size) <= 2).tolist()
        if cols:
            found.update(_nearest_in([words[i] for i in rows], [seen[i] for i in rows], [vocabulary[c] for c in cols],
                                     [known[c] for c in cols], unique, readings, common))
    return {w: found[w] for w in words if w in found}


# Word x vocabulary pairs beyond which _nearest compares by length.
_BUCKET_ABOVE = 40_000


def _nearest_in(words: list[str], seen: list[str], vocabulary: list[str], known: list[str], unique: bool,
                readings: Mapping[str, object] | None, common: Container[str]) -> dict[str, tuple[str, int]]:
    """:func:`_nearest` of ``words`` in ``vocabulary``, whose :func:`ocr_form` are ``seen`` and ``known``."""
    distances = process.cdist(seen, known, scorer=Levenshtein.distance, score_cutoff=2, dtype=np.int8, workers=1)
    best = distances.min(axis=1)
    tied = distances == best[:, None]
    ties = tied.sum(axis=1)
    limits = np.fromiter(map(max_distance, words), dtype=np.int8, count=len(words))
    ok = best <= limits
    choice = distances.argmin(axis=1)
    if unique:
        for r in np.flatnonzero(ok & (ties > 1)).tolist():
            cols = np.flatnonzero(tied[r]).tolist()
            plain = [c for c in cols if vocabulary[c] in common]
            if readings is not None and len({readings[vocabulary[c]] for c in cols}) == 1:
                ties[r] = 1
            elif len(plain) == 1:
                ties[r] = 1
                choice[r] = plain[0]
        ok &= ties == 1
    rows = np.flatnonzero(ok).tolist()
    return {words[r]: (vocabulary[c], int(best[r])) for r, c in zip(rows, choice[ok].tolist())}


def reconcile(a: Keyed, b: Keyed) -> tuple[list[str | None], list[str | None]]:
    """``a``'s and ``b``'s keys with each misread word read as the word the other text writes: its key, or
    None for a function word or the second half of a word broken in two (whose first half reads as the
    joined word), to be left out as function words are.

    Only rare words whose key the other text does not say are read anew, and only as a word much commoner
    than themselves (see the module's docstring); where both texts misread a word differently, ``a``'s
    reading is taken, and ``b``'s word that it reads as is read as nothing else."""
    if a.said == b.said:
        return a.keys, b.keys
    keys_a, joined_a = _join(a, b)
    keys_b, joined_b = _join(b, a)
    read_a, targets = _readings(a, joined_a, b, frozenset(), frozenset())
    read_b, targets_b = _readings(b, joined_b, a, frozenset(read_a), frozenset(targets))
    short = a.short.keys() | b.short.keys() if a.scanned or b.scanned else set()
    left = (a.rare.keys() | b.rare.keys() | short) - read_a.keys() - read_b.keys() - targets - targets_b
    zipf = {**b.zipf, **a.zipf}
    for form, key in _shared_misreadings(left, a, b, zipf).items():
        read_a[form] = read_b[form] = key
    # Misread function words of either text, left out of both alike: each scan misreads its own "the"s, so
    # the same misreading is often written in both, and is then no word either text says of its own. Two
    # letters suffice here ("ot" for "of").
    forms = sorted(left - read_a.keys() - a.acronyms - b.acronyms)
    for form, _ in _function_misreadings(forms, sorted(a.function_words | b.function_words), zipf, zipf, 2):
        for text, read in ((a, read_a), (b, read_b)):
            if form in text.rare or form in short and form in text.short:
                read.setdefault(form, None)
    return _read(keys_a, a, read_a, joined_a), _read(keys_b, b, read_b, joined_b)


def _shared_misreadings(forms: Iterable[str], a: Keyed, b: Keyed, zipf: dict[str, float]) -> dict[str, str]:
    """The rare ``forms`` both texts write that are misreadings of a word either writes ("aaid" for "said"),
    each with that word's key, to be read so in both texts alike: each scan misreads a common word its own
    way here and there, and the same way now and then, so that the misreading is said in both texts and
    no reading of one text's words as the other's reads it (``zipf``: both texts' forms')."""
    shared = sorted(f for f in forms if f in a.rare and f in b.rare)
    if not shared:
        return {}
    written = {**b.written, **a.written}
    common = a.common | b.common
    return {form: written[target] for form, (target, edits)
            in _nearest(shared, sorted(common), MIN_LENGTH, True, written, common).items()
            if _likelier_misread(zipf.get(form, 0.0), zipf.get(target, 0.0), edits)}


def _function_misreadings(forms: Sequence[str], function_words: Sequence[str], zipf: dict[str, float],
                          target_zipf: dict[str, float], min_length: int) -> list[tuple[str, str]]:
    """The ``forms`` that are misread function words ("fhe", "thc", "0f"), each with the function word it
    is nearest to (any will do: each is left out alike), where it is likelier a misreading of it."""
    found = _nearest(forms, function_words, min_length, False)
    return [(form, target) for form, (target, edits) in found.items()
            if _likelier_misread(zipf.get(form, 0.0), target_zipf.get(target, 0.0), edits)]


def _join(text: Keyed, other: Keyed) -> tuple[list[str | None], set[int]]:
    """The text's keys with each word whose key the other text does not say, and which joined with a
    neighbour is a word the other text writes, read as that word's key (its second half None); the
    positions joined."""
    reading = {f: other.written[f] for f in text.joined.keys() & other.written.keys()}
    # Both scans may misread the word, one of them breaking it too ("fr equently", "frcquently"): a joined
    # form reads as the one word it is an edit or two from, when fewer than the letters of its shorter
    # piece ("of gdansk" is "gdansk" with a word before it, not a misreading).
    rest = sorted(text.joined.keys() - reading.keys())
    if rest:
        reading.update((f, other.written[t]) for f, (t, edits) in
                       _nearest(rest, sorted(other.written), MIN_LENGTH, True, other.written, other.common).items()
                       if edits < text.shortest_piece[f])
    if not reading:
        return text.keys, set()
    keys: list[str | None] = list(text.keys)
    done: set[int] = set()
    for x, partner, form in sorted((x, p, f) for f in reading for x, p in text.joined[f]):
        both_said = text.keys[x] in other.said and (partner < 0 or text.keys[partner] in other.said)
        if x in done or partner in done or both_said:
            continue
        keys[x] = reading[form]
        done.add(x)
        if partner >= 0:
            keys[partner] = None
            done.add(partner)
    return keys, done


def _readings(text: Keyed, joined: set[int], other: Keyed, taken: frozenset[str],
              kept: frozenset[str]) -> tuple[dict[str, str | None], set[str]]:
    """Each rare form of ``text`` whose key the other text does not say, read as the one content word (its
    key) or function word (None) of the other text it is nearest to, where it is likelier a misreading of
    that word than a word of its own; and the other text's forms read into. ``taken`` are forms of the
    other text that are themselves read anew, and so are no reading; ``kept`` are this text's forms that
    the other text's words are read as, and so are read as nothing else."""
    forms = sorted(f for f, at in text.rare.items()
                   if f not in other.written and f not in kept and text.keys[at[0]] not in other.said
                   and not joined.issuperset(at))
    if not forms:
        return {}, set()
    read: dict[str, str | None] = {}
    targets: set[str] = set()
    for form, (target, edits) in _nearest(forms, sorted(other.written.keys() - taken), MIN_LENGTH, True,
                                          other.written, other.common).items():
        if _likelier_misread(text.zipf.get(form, 0.0), other.zipf.get(target, 0.0), edits):
            read[form] = other.written[target]
            targets.add(target)
    for form, target in _function_misreadings([f for f in forms if f not in read and f not in text.acronyms],
                                              sorted(other.function_words - taken), text.zipf, other.zipf,
                                              MIN_LENGTH - 1):
        read[form] = None
        targets.add(target)
    return read, targets


def _likelier_misread(zipf: float, target_zipf: float, edits: int) -> bool:
    """A word no list knows is a misreading; a known one only of a word ZIPF_PER_EDIT commoner for each
    letter told apart (none told apart, as "p0st" and "post" are by :func:`ocr_form`, still one)."""
    return zipf <= 0.0 or target_zipf - zipf >= ZIPF_PER_EDIT * max(1, edits)


def _read(keys: list[str | None], text: Keyed, reading: dict[str, str | None], joined: set[int]) -> list[str | None]:
    if not reading:
        return keys
    keys = list(keys)
    for form, key in reading.items():
        for x in text.rare.get(form) or text.short[form]:
            if x not in joined:
                keys[x] = key
    return keys
