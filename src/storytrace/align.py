"""Passage alignment: which stretches of two texts say the same thing, verbatim or in other words.

The unit is the sentence (found by a real splitter), compared on folded content-word keys: that is what
survives the disguises copiers use (look-alike letters, dropped function words, glued sentences, a
swapped synonym). Consecutive matched sentences merge into passages, in the spirit of passim's seed-and-
extend and of PAN's sentence-level text-alignment systems. Paragraphs that share almost nothing with
either article's story are reported as unrelated (spliced-in) text.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from itertools import accumulate, compress
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from .config import Settings
from .model import Passage, Span
from .language import ENGLISH
from .misread import RARE_WEIGHT, SCANNED_SHARE, Keyed, reconcile, text_rare_share
from .normalize import Tokens, forced_language, paragraph_spans, remember, sentence_spans, tokenize
from .weights import UNKNOWN_WEIGHT, idfs

__all__ = ["Alignment", "align", "sentence_similarity", "Sentence", "sentences_of", "word_pairs"]


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    keys: list[str]            # content-word keys in order
    weights: dict[str, float]  # key -> idf weight (set semantics)
    total: float               # sum of weights
    names: frozenset[str] = frozenset()  # keys of its names and figures (see _NAME_WEIGHT)

    @property
    def n(self) -> int:
        return len(self.keys)


@dataclass(slots=True)
class Alignment:
    passages: list[Passage]
    unrelated_a: list[Span]
    unrelated_b: list[Span]
    coverage_a: float   # share of a's content words inside verbatim passages
    coverage_b: float
    verbatim_words: int  # content words in the largest-side count of verbatim passages
    paraphrase_a: float  # share of a's content words inside paraphrase passages
    paraphrase_b: float = 0.0
    in_order: float = 1.0  # share of aligned text (by a's characters) whose order b keeps
    # share of a's content words inside the passages as shown: verbatim and paraphrase pieces and the
    # edits between them that joined them (relate.decide_copy: a reprint edited in place)
    aligned_a: float = 0.0
    aligned_b: float = 0.0
    # share of a's content words inside its unrelated (spliced-in) paragraphs
    unrelated_share_a: float = 0.0
    unrelated_share_b: float = 0.0


def sentences_of(text: str) -> list[Sentence]:
    tokens = tokenize(text)
    mask = tokens.content
    return _sentences(sentence_spans(text), list(compress(tokens.starts, mask)), list(compress(tokens.keys, mask)),
                      list(compress(tokens.folded, mask)), list(compress(tokens.caps, mask)), tokens.language)


# A name is a capitalised word as rare as a name (weight >= 5: Zipf frequency under 4) that does not open
# its sentence, or a figure. Two sentences that each name someone, somewhere or some figure the other does
# not ("Car bomb kills 20 in northwest Syria" / "Car bomb kills 40 in northwest Pakistan") tell of two
# things, however much of their wording they share: their similarity is multiplied by _NAME_CONTRAST.
# storytrace's own rule. STS-B dev Spearman 0.743 -> 0.767 and average precision 0.846 -> 0.871 at 0.7
# (1.0, 0.9, 0.8, 0.7, 0.6 tried: 0.743, 0.758, 0.766, 0.767, 0.763).
_NAME_WEIGHT = 5.0
_NAME_CONTRAST = 0.7


def _contrasted(dice: float, a: Sentence, b: Sentence) -> float:
    """``dice`` lowered by _NAME_CONTRAST when each sentence has a name or figure the other lacks."""
    if a.names and b.names and not a.names <= b.weights.keys() and not b.names <= a.weights.keys():
        return dice * _NAME_CONTRAST
    return dice


def _sentences(spans: list[tuple[int, int]], starts: list[int], keys: list[str],
               folded: list[str], caps: list[bool] | None = None, language: str = ENGLISH) -> list[Sentence]:
    """Sentences from the content tokens' starts, keys and folded forms (the weight of a key is that of
    its first form in the sentence, in the text's ``language``), with their names when ``caps``
    (capitalised or not) is given."""
    out: list[Sentence] = []
    # Every form's weight in one pass of C-level calls (idf is cached); a sentence's keys then become
    # its weights dict in one dict(zip(...)) when no key repeats, which is the common case.
    ws = idfs(folded, language)
    for a, b in spans:
        lo = bisect_left(starts, a)
        hi = bisect_left(starts, b, lo)
        ks = keys[lo:hi]
        weights = dict(zip(ks, ws[lo:hi]))
        if len(weights) != hi - lo:  # a repeated key keeps its first form's weight (dict(zip) keeps the last)
            weights = {}
            for k, w in zip(ks, ws[lo:hi]):
                if k not in weights:
                    weights[k] = w
        names = frozenset() if caps is None else frozenset(
            keys[t] for t in range(lo, hi)
            if keys[t].isdigit() or (caps[t] and starts[t] != a and ws[t] >= _NAME_WEIGHT))
        out.append(Sentence(a, b, ks, weights, sum(weights.values()), names))
    return out


def _dice(a: Sentence, b: Sentence) -> float:
    if not a.total or not b.total:
        return 0.0
    # Each side's own weight for a shared key, so the measure is symmetric.
    shared = sum(w + b.weights[k] for k, w in a.weights.items() if k in b.weights)
    return shared / (a.total + b.total)


def sentence_similarity(a: str, b: str) -> float:
    """Similarity of two sentences in [0, 1]: idf-weighted Dice overlap of their content-word keys, lowered
    when each names someone, somewhere or a figure the other does not.

    This is the measure passage alignment uses to call a sentence pair a paraphrase; STS-B headlines
    measure how well it ranks paraphrases (docs/quality.md).
    """
    sa = _one(a)
    sb = _one(b)
    return _contrasted(_dice(sa, sb), sa, sb)


def _one(text: str) -> Sentence:
    """The whole text as one sentence."""
    tokens = tokenize(text)
    mask = tokens.content
    return _sentences([(0, len(text))], list(compress(tokens.starts, mask)), list(compress(tokens.keys, mask)),
                      list(compress(tokens.folded, mask)), list(compress(tokens.caps, mask)), tokens.language)[0]


# Below this many sentence pairs the plain loop is cheaper than building sparse matrices.
_SPARSE_PAIRS = 2_000


def _candidates(sa: list[Sentence], sb: list[Sentence], min_dice: float) -> list[tuple[float, int, int, str]]:
    """Sentence pairs (dice, i, j, "") with idf-weighted Dice at least ``min_dice``, i ascending and each
    i's j in the order the plain postings loop meets them (that of :func:`_candidates_plain`)."""
    if len(sa) * len(sb) < _SPARSE_PAIRS or min_dice <= 1e-6:
        return _candidates_plain(sa, sb, min_dice)
    # scipy multiplies the sparse sentence x key matrices in C to find the few pairs that can reach
    # min_dice (approximately: another summation order, so with a margin far above rounding); only those
    # are then summed exactly as the plain loop sums them, which is what makes the scores identical.
    col: dict[str, int] = {}
    rows_a: list[int] = []
    cols_a: list[int] = []
    vals_a: list[float] = []
    for i, x in enumerate(sa):
        for k, w in x.weights.items():
            rows_a.append(i)
            cols_a.append(col.setdefault(k, len(col)))
            vals_a.append(w)
    rows_b: list[int] = []
    cols_b: list[int] = []
    vals_b: list[float] = []
    for j, y in enumerate(sb):
        for k, w in y.weights.items():
            c = col.get(k)
            if c is not None:  # a key only b has adds nothing to a shared weight
                rows_b.append(j)
                cols_b.append(c)
                vals_b.append(w)
    if not rows_b:
        return []
    v = len(col)
    ra, ca, wa = np.array(rows_a), np.array(cols_a), np.array(vals_a)
    rb, cb, wb = np.array(rows_b), np.array(cols_b), np.array(vals_b)
    # [a's weights | a's ones] @ [b's ones | b's weights]^T: each shared key adds both sides' weights.
    ma = sparse.csr_matrix((np.concatenate([wa, np.ones_like(wa)]), (np.concatenate([ra, ra]),
                            np.concatenate([ca, ca + v]))), shape=(len(sa), 2 * v))
    mb = sparse.csr_matrix((np.concatenate([np.ones_like(wb), wb]), (np.concatenate([rb, rb]),
                            np.concatenate([cb, cb + v]))), shape=(len(sb), 2 * v))
    approx = (ma @ mb.T).tocoo()
    ta = np.array([x.total for x in sa])
    tb = np.array([y.total for y in sb])
    keep = approx.data >= min_dice * (ta[approx.row] + tb[approx.col]) * (1 - 1e-9)
    near: dict[int, list[int]] = {}
    for i, j in sorted(zip(approx.row[keep].tolist(), approx.col[keep].tolist())):
        near.setdefault(i, []).append(j)
    scored: list[tuple[float, int, int, str]] = []
    for i, js in near.items():
        x = sa[i]
        found: list[tuple[int, int, float]] = []
        for j in js:
            bw = sb[j].weights
            acc = 0.0
            first = -1
            for p, (k, w) in enumerate(x.weights.items()):
                wb_k = bw.get(k)
                if wb_k is not None:
                    if first < 0:
                        first = p
                    acc = acc + w + wb_k
            if first >= 0:
                found.append((first, j, acc))
        found.sort()
        for _, j, acc in found:
            dice = acc / (x.total + sb[j].total)
            if dice >= min_dice:
                dice = _contrasted(dice, x, sb[j])
            if dice >= min_dice:
                scored.append((dice, i, j, ""))
    return scored


def _candidates_plain(sa: list[Sentence], sb: list[Sentence], min_dice: float) -> list[tuple[float, int, int, str]]:
    """The definition of :func:`_candidates` as a postings loop: cheaper than the sparse prefilter for a few
    sentences, and the order and float sums the prefiltered path reproduces."""
    # Each posting carries b's weight for the key, so the inner loop does no lookups in b's sentences.
    postings: dict[str, list[tuple[int, float]]] = {}
    for j, s in enumerate(sb):
        for k, wb in s.weights.items():
            at = postings.get(k)
            if at is None:
                postings[k] = [(j, wb)]
            else:
                at.append((j, wb))
    totals = [t.total for t in sb]
    scored: list[tuple[float, int, int, str]] = []
    for i, s in enumerate(sa):
        if not s.keys:
            continue
        shared: dict[int, float] = {}
        get = shared.get
        for k, w in s.weights.items():
            for j, wb in postings.get(k, ()):
                shared[j] = get(j, 0.0) + w + wb
        total = s.total
        for j, w in shared.items():
            dice = w / (total + totals[j])
            if dice < min_dice:
                continue
            dice = _contrasted(dice, s, sb[j])
            if dice >= min_dice:
                scored.append((dice, i, j, ""))
    return scored


@dataclass(slots=True)
class _Doc:
    """A text as content-word keys with character spans, and each key's sentence."""

    keys: list[str]
    starts: list[int]
    ends: list[int]
    sentence: list[int]
    sentences: list[Sentence]
    first: list[int]  # per sentence: index of its first content token (or -1)
    last: list[int]
    grams: list[tuple[str, ...]] | None = None  # every _SEED consecutive keys, made on first use
    pairs: frozenset[tuple[str, str]] | None = None  # adjacent content keys, made on first use
    cuts: list[int] | None = None  # where the sentence changes between two words, made on first use
    keyed: Keyed | None = None  # the keys as :mod:`storytrace.misread` reads them, made on first use
    own: list[str] | None = None  # for keys read as the other text's words, the text's own keys
    tokens: Tokens | None = None  # the text's tokens (all words), kept for _keyed
    rare_share: float | None = None  # made on first use by _rare_share


_DOC_CACHE: dict[Any, _Doc] = {}  # by text, or (language, text) for a text keyed_in a language
_DOC_CACHE_SIZE = 64


def _doc(text: str) -> _Doc:
    """The text's _Doc, shared with later pairs that hold the same text (a verifier's pairs are sorted, so
    one article's pairs come one after another): treat it as read-only."""
    forced = forced_language(text)
    key: Any = text if forced is None else (forced, text)
    hit = _DOC_CACHE.get(key)
    if hit is not None:
        return hit
    doc = _make_doc(text)
    remember(_DOC_CACHE, key, doc, _DOC_CACHE_SIZE)
    return doc


def _make_doc(text: str) -> _Doc:
    tokens = tokenize(text)
    mask = tokens.content
    keys = list(compress(tokens.keys, mask))
    starts = list(compress(tokens.starts, mask))
    ends = list(compress(tokens.ends, mask))
    sents = _sentences(sentence_spans(text), starts, keys, list(compress(tokens.folded, mask)),
                       list(compress(tokens.caps, mask)), tokens.language)
    which = [-1] * len(keys)
    first = [-1] * len(sents)
    last = [-1] * len(sents)
    # Sentences are disjoint and in order: a content token belongs to the one whose span holds its start.
    lo = 0
    for si, sent in enumerate(sents):
        lo = bisect_left(starts, sent.start, lo)
        hi = bisect_left(starts, sent.end, lo)
        if hi > lo:
            first[si] = lo
            last[si] = hi - 1
            which[lo:hi] = [si] * (hi - lo)
        lo = hi
    return _Doc(keys, starts, ends, which, sents, first, last, tokens=tokens)


_BREAKS = ("- ", "-\n")  # a hyphen and what a line's end left after it

# Runs covering this share of the longer text leave too little for misread words to change a decision.
_REREAD_BELOW = 0.95


# Runs broken this often by a few words each read as one copied stretch with words misread (or edited).
_BROKEN_RUNS = 3


def _broken_runs(runs: list[tuple[int, int, int]]) -> int:
    """How often one run follows another within three words in both texts: a copy whose words are misread
    here and there, in both texts maybe (two scans of one page, each with its own misreadings: neither need
    hold many rare words)."""
    out = 0
    ordered = sorted(runs)
    for (i, j, n), (i2, j2, _) in zip(ordered, ordered[1:]):
        gap_a, gap_b = i2 - i - n, j2 - j - n
        if 0 <= gap_a <= 3 and 0 <= gap_b <= 3 and gap_a + gap_b > 0:
            out += 1
    return out


def _rare_share(doc: _Doc, text: str) -> float:
    """The doc's :func:`storytrace.misread.text_rare_share` (its fingerprint's ``rare_share``)."""
    if doc.rare_share is None:
        doc.rare_share = text_rare_share(doc.tokens or tokenize(text))
    return doc.rare_share


def _keyed(doc: _Doc, text: str) -> Keyed:
    """The doc's words as :func:`storytrace.misread.reconcile` reads them, made once per doc."""
    if doc.keyed is None:
        tokens = doc.tokens or tokenize(text)
        mask = tokens.content
        n = len(mask)
        weights = np.fromiter(idfs(tokens.folded, tokens.language), dtype=float, count=n)
        content = np.fromiter(mask, dtype=bool, count=n)
        at = np.flatnonzero(content)  # each key's token
        forms = list(compress(tokens.folded, mask))
        function_words = frozenset(compress(tokens.folded, (not m for m in mask)))
        # A word broken by a stray space leaves a content piece that is rare or of three letters at most
        # ("gover nment", "report ed", "off icials"): only such a piece and its neighbour one space away
        # are joined.
        lengths = np.fromiter(map(len, tokens.folded), dtype=np.int32, count=n)
        piece = content & ((weights > RARE_WEIGHT) | (lengths <= 3))
        starts = np.fromiter(tokens.starts, dtype=np.int64, count=n)
        ends = np.fromiter(tokens.ends, dtype=np.int64, count=n)
        near = np.flatnonzero((starts[1:] == ends[:-1] + 1) & (piece[1:] | piece[:-1]))
        index = dict(zip(at.tolist(), range(len(at))))
        # ... and two words a hyphen and a space or line break apart, whatever the pieces: a word broken at a
        # line's end that ingest left in two, its joined form no word it knows ("gov- emment", misread).
        broken = np.flatnonzero((starts[1:] == ends[:-1] + 2) & (content[1:] | content[:-1])).tolist()
        joins = []
        # (a hyphen inside a word, "co-op", is no break: its pieces stay two words, as everywhere)
        for t in sorted([*(t for t in near.tolist() if text[tokens.ends[t]] == " "),
                         *(t for t in broken if text[tokens.ends[t]:tokens.ends[t] + 2] in _BREAKS)]):
            one, two = tokens.folded[t], tokens.folded[t + 1]
            first, second = (index[t], index.get(t + 1, -1)) if t in index else (index[t + 1], -1)
            joins.append((first, second, one + two, min(len(one), len(two))))
        # A weight is 9 less the word's zipf frequency, 9 where no list knows it (storytrace.weights).
        zipf = dict(zip(tokens.folded, np.where(weights < UNKNOWN_WEIGHT, UNKNOWN_WEIGHT - weights, 0.0).tolist()))
        # Only words in Latin letters are read: the lists weigh other scripts' words as unknown.
        rare = [r and f.isascii() for r, f in zip((weights[at] > RARE_WEIGHT).tolist(), forms)]
        # Written in capitals (two letters or more): an acronym or initials, never a misread function word.
        acronyms = {f for f, x in zip(forms, at.tolist())
                    if len(f) >= 2 and text[tokens.starts[x]:tokens.ends[x]].isupper()}
        doc.keyed = Keyed.of(doc.keys, forms, rare, function_words, joins, zipf, acronyms,
                             _rare_share(doc, text) >= SCANNED_SHARE)
    return doc.keyed


def _reread(da: _Doc, db: _Doc, a: str, b: str) -> tuple[_Doc, _Doc]:
    """The two docs with their misread words read as the other text's (storytrace.misread); the same
    docs when there are none."""
    keys_a, keys_b = reconcile(_keyed(da, a), _keyed(db, b))
    return _with_keys(da, keys_a), _with_keys(db, keys_b)


def _with_keys(doc: _Doc, keys: list[str | None]) -> _Doc:
    """The doc with new keys, a None leaving its word out (a misread function word, or the second half of
    a broken word: the span of the word before it in its sentence then reaches over it)."""
    if keys == doc.keys:
        return doc
    if None not in keys:
        return replace(doc, keys=keys, grams=None, pairs=None, own=doc.keys)
    kept = [x for x, k in enumerate(keys) if k is not None]
    ends = list(doc.ends)
    prev = -1
    for x, k in enumerate(keys):
        if k is not None:
            prev = x
        elif prev >= 0 and doc.sentence[prev] == doc.sentence[x]:
            ends[prev] = doc.ends[x]
    sentence = [doc.sentence[x] for x in kept]
    first = [-1] * len(doc.sentences)
    last = [-1] * len(doc.sentences)
    for y, si in enumerate(sentence):
        if si >= 0:
            if first[si] < 0:
                first[si] = y
            last[si] = y
    return _Doc([keys[x] for x in kept], [doc.starts[x] for x in kept], [ends[x] for x in kept],  # type: ignore[misc]
                sentence, doc.sentences, first, last, own=[doc.keys[x] for x in kept], tokens=doc.tokens)


# Seed length and gap are storytrace's own choices (passim-style seed-and-extend, hand-written because
# no library aligns on folded key sequences while keeping character spans): 4 content words rarely
# repeat by chance, and a gap of 4 lets a run survive a swapped synonym or a changed figure.
_SEED = 4
_GAP = 4
# Content words a sentence needs before it can pair with another as a paraphrase.
_PARAPHRASE_WORDS = 3
_MAX_SEED_POSTINGS = 50


def word_pairs(text: str) -> frozenset[tuple[str, str]]:
    """The text's adjacent content-key pairs, kept with its _Doc (which alignment has usually just made):
    treat as read-only."""
    doc = _doc(text)
    if doc.pairs is None:
        doc.pairs = frozenset(zip(doc.keys, doc.keys[1:]))
    return doc.pairs


def _grams(doc: _Doc) -> list[tuple[str, ...]]:
    """The doc's seeds: ``tuple(keys[j : j + _SEED])`` for every j, built by zip (in C) and kept with the
    doc, which may meet several other texts."""
    if doc.grams is None:
        keys = doc.keys
        doc.grams = list(zip(*(keys[t:] for t in range(_SEED))))
    return doc.grams


def _extend(ak: list[str], bk: list[str], i: int, j: int, n: int) -> int:
    """The length of the run of equal keys at (i, j), known to be at least n: the first t >= n where
    ``ak[i + t] != bk[j + t]`` or either list ends. Compares whole slices (in C), doubling their length
    while they match and halving it around the first mismatch, instead of one key at a time."""
    limit = min(len(ak) - i, len(bk) - j)
    step = 16
    while n < limit:
        m = min(limit, n + step)
        if ak[i + n : i + m] == bk[j + n : j + m]:
            n = m
            step *= 2
            continue
        while m - n > 8:  # the mismatch lies in [n, m)
            mid = (n + m) // 2
            if ak[i + n : i + mid] == bk[j + n : j + mid]:
                n = mid
            else:
                m = mid
        while ak[i + n] == bk[j + n]:
            n += 1
        return n
    return n


def _runs(a: _Doc, b: _Doc) -> list[tuple[int, int, int]]:
    """Maximal runs of identical content keys (at least _SEED long) as (i, j, length)."""
    k = _SEED
    if len(a.keys) < k or len(b.keys) < k:
        return []
    if a.keys == b.keys:
        return _self_runs(a)
    ga, gb = _grams(a), _grams(b)
    shared = set(ga).intersection(gb)
    if not shared:
        return []
    # Positions in b of each seed that a has too (ascending): the only ones a lookup can find.
    index = _seed_index(gb, (j for j, g in enumerate(gb) if g in shared))
    return _runs_from(ga, range(len(ga)), index, a.keys, b.keys)


def _seed_index(grams: list[tuple[str, ...]], positions: Iterable[int]) -> dict[tuple[str, ...], list[int]]:
    """Each seed's positions among ``positions`` (taken in the order given)."""
    index: dict[tuple[str, ...], list[int]] = {}
    for j in positions:
        g = grams[j]
        at = index.get(g)
        if at is None:
            index[g] = [j]
        else:
            at.append(j)
    return index


def _runs_from(ga: list[tuple[str, ...]], starts: Iterable[int], index: dict[tuple[str, ...], list[int]],
               ak: list[str], bk: list[str]) -> list[tuple[int, int, int]]:
    """The runs found from a's seeds at ``starts`` (ascending) through b's seed positions ``index``: each
    (i, j) extended to its full length unless a run on its diagonal already reaches past it."""
    runs: list[tuple[int, int, int]] = []
    reach: dict[int, int] = {}
    for i in starts:
        js = index.get(ga[i])
        if not js or len(js) > _MAX_SEED_POSTINGS:
            continue
        for j in js:
            d = i - j
            if reach.get(d, -1) > i:
                continue
            n = _extend(ak, bk, i, j, _SEED)
            runs.append((i, j, n))
            reach[d] = i + n
    return runs


def _self_runs(a: _Doc) -> list[tuple[int, int, int]]:
    """_runs of a text with itself (a query matching its own stored copy, a common and long pair).

    Every seed is shared, so the general loop would look each one up only to find the run on the main
    diagonal again. Here that run starts at the first seed that is not too common and reaches the end;
    the other runs are between repeats of a seed, so only positions whose seed occurs more than once are
    visited, in ascending order and with the general loop's body, which gives the same list.
    """
    ga = _grams(a)
    counts = Counter(ga)
    starts = [i for i, g in enumerate(ga) if counts[g] > 1] if len(counts) < len(ga) else []
    first = next((i for i, g in enumerate(ga) if counts[g] <= _MAX_SEED_POSTINGS), None)
    # A seed that occurs once and is not the first usable one only meets itself, on the main diagonal,
    # which the first usable seed's run already reaches past; so these positions are all that can start one.
    if first is not None and counts[ga[first]] == 1:
        insort(starts, first)
    return _runs_from(ga, starts, _seed_index(ga, starts), a.keys, a.keys)


def _split_at_sentences(runs: list[tuple[int, int, int]], a: _Doc, b: _Doc) -> list[tuple[int, int, int]]:
    """Cut runs where either text changes sentence, so that a run cannot borrow the last word of one
    sentence for the next; pieces of one copied stretch join again in _merge (their gap is empty)."""
    # The cut points come from each text's sorted list of sentence changes (bisected), not from a test
    # at every word of the run: a text meeting its own copy is one run as long as the text.
    ca, cb = _cuts(a), _cuts(b)
    out: list[tuple[int, int, int]] = []
    for i, j, n in runs:
        ts = [x - i for x in ca[bisect_right(ca, i) : bisect_left(ca, i + n)]]
        tb = [y - j for y in cb[bisect_right(cb, j) : bisect_left(cb, j + n)]]
        if tb:
            ts = sorted(set(ts).union(tb))
        ts.append(n)
        t0 = 0
        for t in ts:
            if t - t0 >= _SEED:
                out.append((i + t0, j + t0, t - t0))
            t0 = t
    return out


def _cuts(doc: _Doc) -> list[int]:
    """The positions x (0 < x < len(keys)) where ``doc.sentence[x] != doc.sentence[x - 1]``, ascending,
    kept with the doc. They are where a sentence's first word is or a sentence's last word was (words
    outside every sentence have -1, and sentences hold consecutive words), so come from first and last."""
    if doc.cuts is None:
        n = len(doc.keys)
        edges = {f for f in doc.first if f > 0}
        edges.update(t + 1 for t in doc.last if 0 <= t < n - 1)
        doc.cuts = sorted(edges)
    return doc.cuts


def _one_to_one(runs: list[tuple[int, int, int]], na: int, nb: int) -> list[tuple[int, int, int]]:
    """Longest runs first; a later run keeps only the stretches where both sides are still free."""
    free_a = [True] * na
    free_b = [True] * nb
    kept: list[tuple[int, int, int]] = []
    for i, j, n in sorted(runs, key=lambda r: (-r[2], r[0], r[1])):
        # A run whose words are all still free on both sides (most are) is kept whole, marked with slice
        # operations in C; the loop below gives the same for it, one word at a time.
        if n >= _SEED and False not in free_a[i : i + n] and False not in free_b[j : j + n]:
            kept.append((i, j, n))
            free_a[i : i + n] = [False] * n
            free_b[j : j + n] = [False] * n
            continue
        t = 0
        while t < n:
            if not (free_a[i + t] and free_b[j + t]):
                t += 1
                continue
            u = t
            while u < n and free_a[i + u] and free_b[j + u]:
                u += 1
            if u - t >= _SEED:
                kept.append((i + t, j + t, u - t))
                for x in range(t, u):
                    free_a[i + x] = False
                    free_b[j + x] = False
            t = u
    return sorted(kept)


def _bridgeable(doc: _Doc, end: int, start: int) -> bool:
    """A gap may be bridged when it is short and holds no sentence of its own (only the edges' ones)."""
    if not 0 <= start - end <= _GAP:
        return False
    edge = {doc.sentence[end - 1], doc.sentence[start]}
    return all(doc.sentence[x] in edge for x in range(end, start))


def _merge(runs: list[tuple[int, int, int]], a: _Doc, b: _Doc) -> list[list[tuple[int, int, int]]]:
    """Join runs into passages across short gaps: a changed word inside a sentence, or a short sentence
    (fewer content words than a seed) that both texts carry unchanged between two copied stretches."""
    groups: list[list[tuple[int, int, int]]] = []
    for r in runs:
        if groups:
            pi, pj, pn = groups[-1][-1]
            ea, eb = pi + pn, pj + pn
            same_gap = (0 <= r[0] - ea <= _GAP and r[0] - ea == r[1] - eb
                        and a.keys[ea : r[0]] == b.keys[eb : r[1]])
            if same_gap or (_bridgeable(a, ea, r[0]) and _bridgeable(b, eb, r[1])):
                groups[-1].append(r)
                continue
        groups.append([r])
    return groups


_EDGE = 3


def _widen(da: _Doc, db: _Doc, i0: int, j0: int, i1: int, j1: int) -> tuple[int, int, int, int]:
    """Stretch a passage to the start (end) of its sentences when both texts have only a few words
    before (after) it there: an edited first or last word should not cut a copied sentence short."""
    sa, sb = da.sentence[i0], db.sentence[j0]
    if sa >= 0 and sb >= 0:
        lead_a, lead_b = i0 - da.first[sa], j0 - db.first[sb]
        if max(lead_a, lead_b) <= _EDGE:
            i0, j0 = da.first[sa], db.first[sb]
    ta, tb = da.sentence[i1], db.sentence[j1]
    if ta >= 0 and tb >= 0:
        tail_a, tail_b = da.last[ta] - i1, db.last[tb] - j1
        if max(tail_a, tail_b) <= _EDGE:
            i1, j1 = da.last[ta], db.last[tb]
    return i0, j0, i1, j1


def _span(doc: _Doc, lo: int, hi: int) -> tuple[int, int, bool]:
    """Character span of content tokens lo..hi, widened to whole sentences where it covers them."""
    start, end = doc.starts[lo], doc.ends[hi]
    s_lo, s_hi = doc.sentence[lo], doc.sentence[hi]
    whole = False
    if s_lo >= 0 and doc.first[s_lo] == lo:
        start = doc.sentences[s_lo].start
        whole = True
    if s_hi >= 0 and doc.last[s_hi] == hi:
        end = doc.sentences[s_hi].end
    else:
        whole = False
    return start, end, whole


def _in_order(passages: list[Passage]) -> float:
    """Weighted longest increasing subsequence of b positions along a: a rewrite follows its source's
    order, two independent reports of one event do not."""
    if not passages:
        return 1.0
    w = [p.a_end - p.a_start for p in passages]
    best = list(w)
    for i in range(len(passages)):
        for j in range(i):
            if passages[j].b_start <= passages[i].b_start and best[j] + w[i] > best[i]:
                best[i] = best[j] + w[i]
    return max(best) / (sum(w) or 1)


def _gap_is_joinable(doc: _Doc, end: int, start: int) -> bool:
    """The text between two passages (character offsets) holds at most _GAP content words and no
    sentence of its own: only the tails of the sentences the two passages end and begin in."""
    lo, hi = bisect_left(doc.starts, end), bisect_left(doc.starts, start)
    if hi - lo > _GAP:
        return False
    if hi == lo:
        return True
    edge = {doc.sentence[lo - 1] if lo > 0 else -2, doc.sentence[hi] if hi < len(doc.keys) else -2}
    return all(doc.sentence[x] in edge for x in range(lo, hi))


def _gap_words(doc: _Doc, end: int, start: int) -> tuple[Sentence, bool]:
    """The content words between two character offsets, weighted as in their sentences, and whether a
    sentence long enough to pair as a paraphrase lies wholly between them."""
    lo, hi = bisect_left(doc.starts, end), bisect_left(doc.starts, start)
    weights: dict[str, float] = {}
    pairable = False
    for x in range(lo, hi):
        si = doc.sentence[x]
        if si < 0:
            continue
        if x == doc.first[si] and doc.last[si] < hi and doc.last[si] - x + 1 >= _PARAPHRASE_WORDS:
            pairable = True
        weights.setdefault(doc.keys[x], doc.sentences[si].weights[(doc.own or doc.keys)[x]])
    return Sentence(end, start, doc.keys[lo:hi], weights, sum(weights.values())), pairable


def _gaps_agree(da: _Doc, db: _Doc, q: Passage, p: Passage, min_dice: float) -> bool:
    """Whether what lies between two passages in one text says what lies between them in the other: short
    lines both copies carry (a heading, a list of names), too short to align on their own, or the edited
    head or tail of a sentence whose rest is copied. When both gaps hold whole sentences that could pair,
    those were compared one by one already and found no partner: two different stretches, kept apart."""
    (ga, pairable_a), (gb, pairable_b) = _gap_words(da, q.a_end, p.a_start), _gap_words(db, q.b_end, p.b_start)
    return not (pairable_a and pairable_b) and _dice(ga, gb) >= min_dice


def _join_adjacent(passages: list[Passage], da: _Doc, db: _Doc, a: str, b: str, min_dice: float) -> list[Passage]:
    """One copied stretch edited in places comes out as verbatim and paraphrase pieces that follow each
    other in both texts; join them so that a reader (and PAN's granularity) sees one passage. Two pieces
    join across a gap that holds only the edges of their sentences, or whose text in one copy matches
    that in the other (idf-weighted Dice at least ``min_dice``, the paraphrase cut)."""
    out: list[Passage] = []
    for p in passages:
        if out:
            q = out[-1]
            # Next in both texts; ``_widen`` can make neighbours overlap, which joins them as a gap would.
            if (q.a_start <= p.a_start and q.a_end < p.a_end and q.b_start <= p.b_start and q.b_end < p.b_end
                    and ((_gap_is_joinable(da, q.a_end, p.a_start) and _gap_is_joinable(db, q.b_end, p.b_start))
                         or _gaps_agree(da, db, q, p, min_dice))):
                la, lp = q.a_end - q.a_start, p.a_end - p.a_start
                kind = "verbatim" if "verbatim" in (q.kind, p.kind) else "paraphrase"
                score = (q.score * la + p.score * lp) / max(1, la + lp)
                out[-1] = Passage(q.a_start, p.a_end, q.b_start, p.b_end, kind, score,  # type: ignore[arg-type]
                                  a[q.a_start : p.a_end], b[q.b_start : p.b_end])
                continue
        out.append(p)
    return out


#: Scores every sentence text of one list against every one of another (a ``len(a) x len(b)`` array of
#: similarities in [0, 1]); :func:`storytrace.semantic.similarity_matrix` is one.
ParaphraseScorer = Callable[[Sequence[str], Sequence[str]], Any]


def align(a: str, b: str, settings: Settings | None = None, *,
          paraphrase_scorer: ParaphraseScorer | None = None) -> Alignment:
    """Align two texts. Spans index into ``a`` and ``b`` exactly as given.

    Verbatim passages come from runs of identical content-word keys (seed and extend, small gaps
    bridged), so they survive sentences split or merged by the copier; sentences left over are then
    paired by weighted word overlap to find paraphrases. A ``paraphrase_scorer`` (sentence embeddings)
    also pairs left-over sentences whose meaning agrees in other words, at
    ``settings.semantic_paraphrase_similarity``.
    """
    st = settings or Settings()
    da, db = _doc(a), _doc(b)
    runs = _runs(da, db)
    # Misread words read as the other text's (storytrace.misread), the docs from here on: only for texts
    # that share a run already (a scan's candidates mostly share none, or all of their words), whose runs
    # are broken by a word here and there or one of which reads as scanned.
    if (runs and sum(n for _, _, n in runs) < _REREAD_BELOW * max(len(da.keys), len(db.keys))
            and (_broken_runs(runs) >= _BROKEN_RUNS or max(_rare_share(da, a), _rare_share(db, b)) >= SCANNED_SHARE)):
        ra, rb = _reread(da, db, a, b)
        if ra is not da or rb is not db:
            da, db = ra, rb
            runs = _runs(da, db)
    passages: list[Passage] = []
    covered_a = [False] * len(da.keys)
    covered_b = [False] * len(db.keys)
    verb_a = verb_b = 0
    runs = _split_at_sentences(runs, da, db)
    for group in _merge(_one_to_one(runs, len(da.keys), len(db.keys)), da, db):
        i0, j0 = group[0][0], group[0][1]
        i1 = group[-1][0] + group[-1][2] - 1
        j1 = group[-1][1] + group[-1][2] - 1
        matched = sum(n for _, _, n in group)
        _, _, whole_a = _span(da, i0, i1)
        _, _, whole_b = _span(db, j0, j1)
        # A short run inside a sentence is often a shared name ("Prime Minister Benjamin Netanyahu"),
        # not copying: it counts only when it is a whole sentence or long enough on its own.
        if matched < st.min_passage_words or (matched < 2 * st.min_passage_words and not (whole_a or whole_b)):
            continue
        i0, j0, i1, j1 = _widen(da, db, i0, j0, i1, j1)
        a0, a1, _ = _span(da, i0, i1)
        b0, b1, _ = _span(db, j0, j1)
        covered_a[i0 : i1 + 1] = [True] * (i1 - i0 + 1)
        covered_b[j0 : j1 + 1] = [True] * (j1 - j0 + 1)
        verb_a += i1 - i0 + 1
        verb_b += j1 - j0 + 1
        score = matched / max(i1 - i0 + 1, j1 - j0 + 1)
        passages.append(Passage(a0, a1, b0, b1, "verbatim", score, a[a0:a1], b[b0:b1]))

    # Paraphrases among the sentences verbatim passages left (mostly) uncovered.
    def open_sentences(doc: _Doc, covered: list[bool]) -> list[int]:
        out = []
        for si, s in enumerate(doc.sentences):
            lo, hi = doc.first[si], doc.last[si]
            if lo < 0:
                continue
            if sum(covered[lo : hi + 1]) * 2 < hi - lo + 1:
                out.append(si)
        return out

    oa, ob = open_sentences(da, covered_a), open_sentences(db, covered_b)
    sa = [da.sentences[i] for i in oa]
    sb = [db.sentences[j] for j in ob]
    # Only sentences of 3 or more content words can pair, so only they are scored: the pairs and their
    # order are those of scoring all of them and dropping the rest afterwards (as before), for less work.
    pa = [x for x, s in enumerate(sa) if s.n >= _PARAPHRASE_WORDS]
    pb = [y for y, s in enumerate(sb) if s.n >= _PARAPHRASE_WORDS]
    matches = [(oa[pa[i]], ob[pb[j]], d)
               for d, i, j, _ in _candidates([sa[x] for x in pa], [sb[y] for y in pb], st.paraphrase_similarity)]
    # Pairs only the scorer found are shown as paraphrases but add nothing to paraphrase coverage: on
    # Clough, counting them towards the rewrite rule cost F1 (docs/semantic.md), so copy decisions stay lexical.
    semantic_only: set[tuple[int, int]] = set()
    if paraphrase_scorer is not None and sa and sb:
        lexical = {(i, j): d for i, j, d in matches}
        sim = paraphrase_scorer([a[x.start : x.end] for x in sa], [b[y.start : y.end] for y in sb])
        for i, x in enumerate(sa):
            for j, y in enumerate(sb):
                d = float(sim[i][j])
                key = (oa[i], ob[j])
                if d >= st.semantic_paraphrase_similarity and min(x.n, y.n) >= _PARAPHRASE_WORDS and d > lexical.get(key, -1.0):
                    if key not in lexical:
                        semantic_only.add(key)
                    lexical[key] = d
        matches = [(i, j, d) for (i, j), d in lexical.items()]
    matches.sort(key=lambda m: (-m[2], m[0], m[1]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen: list[tuple[int, int, float]] = []
    for i, j, score in matches:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        chosen.append((i, j, score))
    chosen.sort()
    runs: list[list[tuple[int, int, float]]] = []
    for m in chosen:
        if runs and m[0] == runs[-1][-1][0] + 1 and m[1] == runs[-1][-1][1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    para_a = para_b = 0
    for run in runs:
        x0, x1 = da.sentences[run[0][0]], da.sentences[run[-1][0]]
        y0, y1 = db.sentences[run[0][1]], db.sentences[run[-1][1]]
        para_a += sum(_words_of(da, m[0]) for m in run if (m[0], m[1]) not in semantic_only)
        para_b += sum(_words_of(db, m[1]) for m in run if (m[0], m[1]) not in semantic_only)
        score = sum(m[2] for m in run) / len(run)
        passages.append(Passage(x0.start, x1.end, y0.start, y1.end, "paraphrase", score,
                                a[x0.start : x1.end], b[y0.start : y1.end]))
    passages.sort(key=lambda p: (p.a_start, p.b_start))
    in_order = _in_order(passages)
    passages = _join_adjacent(passages, da, db, a, b, st.paraphrase_similarity)

    total_a = len(da.keys) or 1
    total_b = len(db.keys) or 1
    spans_a = [(p.a_start, p.a_end) for p in passages]
    spans_b = [(p.b_start, p.b_end) for p in passages]
    aligned_a = _words_inside(da, spans_a) / total_a
    aligned_b = _words_inside(db, spans_b) / total_b
    unrelated_a = _unrelated(a, da.sentences, db.sentences, spans_a, st)
    unrelated_b = _unrelated(b, db.sentences, da.sentences, spans_b, st)
    return Alignment(
        passages=passages,
        unrelated_a=unrelated_a,
        unrelated_b=unrelated_b,
        coverage_a=verb_a / total_a,
        coverage_b=verb_b / total_b,
        verbatim_words=max(verb_a, verb_b),
        paraphrase_a=para_a / total_a,
        paraphrase_b=para_b / total_b,
        in_order=in_order,
        aligned_a=aligned_a,
        aligned_b=aligned_b,
        unrelated_share_a=_words_inside(da, [(x.start, x.end) for x in unrelated_a]) / total_a,
        unrelated_share_b=_words_inside(db, [(x.start, x.end) for x in unrelated_b]) / total_b,
    )


def _words_of(doc: _Doc, si: int) -> int:
    """Content words of sentence si as the doc counts them (without words left out as misread), so that
    shares of a text add up to at most the whole."""
    return doc.last[si] - doc.first[si] + 1 if doc.first[si] >= 0 else 0


def _words_inside(doc: _Doc, spans: list[tuple[int, int]]) -> int:
    """Content words starting inside any of the character spans (counted once where spans overlap)."""
    total, reach = 0, 0
    for lo, hi in sorted(spans):
        lo = max(lo, reach)
        if hi > lo:
            total += bisect_left(doc.starts, hi) - bisect_left(doc.starts, lo)
            reach = hi
    return total


_CORE_TERMS = 8
# A word as common as "government", "people" or "year" (weight under 4, Zipf frequency over 5: about the
# thousand commonest English words) is no story's core: a spliced paragraph about another country's
# government named it and passed as related. Synth dev: unrelated recall 0.700 -> 0.781, precision 1.000
# both, and the same recall for any floor from 3.5 to 5.0.
_CORE_MIN_WEIGHT = 4.0


def _beyond_chance(weight: float, rest_words: int) -> float:
    """A shared word's weight, discounted by the chance that ``rest_words`` words of any text hold it.

    A common word ("state", "major", "run") turns up in the rest of a long article whatever a paragraph is
    about, so sharing it says little; a rare one shared is evidence. The chance comes from the word's
    general frequency, which is ``10 ** -weight`` since a weight is 9 minus its Zipf frequency (see
    :func:`storytrace.weights.idf`): the probability that none of ``rest_words`` words is it is
    ``exp(-rest_words * frequency)``. On synth dev this lets the spliced paragraphs that share only common
    words be found (unrelated recall 0.661 -> 0.700, precision 0.846 -> 0.853).
    """
    return weight * math.exp(-rest_words * 10.0 ** -weight)


# A paragraph that ends a sentence: its last character a stop, or closing quotes or brackets after one (a
# French » after a space too). The stops of other scripts count: the danda (। ॥), the CJK full stops and
# marks (。！？), the Arabic question mark, the Urdu and Armenian full stops (؟ ۔ ։); an interview whose
# answers end in a danda is no list of links.
_STOPS = ".!?…\u0964\u0965\u3002\uff01\uff1f\u061f\u06d4\u0589"
_CLOSERS = "\"'”’“»«)\\]」』）"
_SENTENCE_END = re.compile(rf"[{_STOPS}](?:\s*[{_CLOSERS}])*\s*$")


def _unrelated(text: str, own: list[Sentence], other: list[Sentence],
               covered: list[tuple[int, int]], st: Settings) -> list[Span]:
    """Paragraphs whose words the rest of the story (own article minus them, plus the other) barely uses.

    Measured by weight, so that sharing "said" or "following" does not make a spliced paragraph look
    related, while sharing a name does. Two or more paragraphs spliced in together from one other story
    share its words with each other: a run of adjacent paragraphs no passage covers, none of them unrelated
    on its own, is judged once more as one block. A line too short to judge alone (a "Related:" link to
    another story after every paragraph) is unrelated when it shares nothing with the story beyond the
    other short lines and the words most such headline-like lines repeat (their template), and such lines
    together reach the length a paragraph needs; they are then no part of the story other paragraphs
    are judged against.

    Only judged when the texts share a passage: a splice is text inserted into a copy, and without copied
    text there is nothing to tell a spliced paragraph from an independent report's own coverage (a new
    name quoted, a detail the other report left out), which shares few words with the other text too.
    """
    paras = paragraph_spans(text)
    if len(paras) < 2 or not covered:
        return []
    # A paragraph overlaps a passage when one starting before the paragraph's end ends after its start:
    # passages sorted by start with the running maximum of their ends answer that by bisection.
    spans = sorted(covered)
    cov_starts = [s for s, _ in spans]
    cov_reach = list(accumulate((e for _, e in spans), max))
    runs: list[list[tuple[int, int]]] = []  # adjacent paragraphs no passage touches
    previous_open = False
    for ps, pe in paras:
        x = bisect_left(cov_starts, pe)
        if x and cov_reach[x - 1] > ps:
            previous_open = False
        elif previous_open:
            runs[-1].append((ps, pe))
        else:
            runs.append([(ps, pe)])
            previous_open = True
    if not runs:
        return []  # an exact copy (a common pair) has no open paragraph and needs none of the counts below
    # Whether a key is in "the rest" depends only on which sentences hold it, so that test is done with
    # counts; the summed weights (and the core terms) are computed only for text that shares little
    # enough for them to matter.
    own_count: dict[str, int] = {}
    for s in own:
        for k in s.weights:
            own_count[k] = own_count.get(k, 0) + 1
    other_keys: set[str] = set()
    for s in other:
        other_keys.update(s.weights)
    # A text's sentences are disjoint and in order (see _make_doc), so those inside a span are one slice,
    # found by bisection instead of a pass over all of them per paragraph.
    starts = [s.start for s in own]
    ends = [s.end for s in own]
    own_words = sum(len(s.keys) for s in own)
    other_words = sum(len(s.keys) for s in other)

    def inside_of(spans: list[tuple[int, int]]) -> list[Sentence]:
        return [s for ps, pe in spans for s in own[bisect_left(starts, ps) : bisect_right(ends, pe)]]

    def unrelated(spans: list[tuple[int, int]], min_words: int = st.unrelated_min_words,
                  apart: list[tuple[int, int]] | None = None, template: frozenset[str] = frozenset()) -> bool:
        """Whether the text in ``spans`` is unrelated to the rest; ``apart`` (holding ``spans``) is left
        out of that rest too, and the ``template`` words out of the text judged."""
        inside = inside_of(spans)
        weights: dict[str, float] = {}
        for s in inside:
            weights.update(s.weights)
        for k in template:
            weights.pop(k, None)
        inside_words = sum(len(s.keys) for s in inside)
        if inside_words < min_words:
            return False
        left_out = inside if apart is None else inside_of(apart)
        inside_count: dict[str, int] = {}
        for s in left_out:
            for k in s.weights:
                inside_count[k] = inside_count.get(k, 0) + 1
        total = sum(weights.values())
        if not total:
            return False
        rest_words = own_words - sum(len(s.keys) for s in left_out) + other_words
        # The shared terms are >= 0, so once the running sum passes the share (by a margin far above any
        # rounding) the whole does too and the text is related: most paragraphs stop after a few words.
        # One that does not stop has summed every shared term, in order: the exact share.
        bar = st.unrelated_share * total * (1 + 1e-9)
        shared = 0.0
        for k, w in weights.items():
            if k in other_keys or own_count[k] > inside_count.get(k, 0):
                shared += _beyond_chance(w, rest_words)
                if shared >= bar:
                    break
        if shared / total >= st.unrelated_share:
            return False
        rest: dict[str, float] = {}
        inside_starts = {s.start for s in left_out}
        for s in own:
            if s.start not in inside_starts:
                for k, w in s.weights.items():
                    if w >= _CORE_MIN_WEIGHT:
                        rest[k] = rest.get(k, 0.0) + w
        for s in other:
            for k, w in s.weights.items():
                if w >= _CORE_MIN_WEIGHT:
                    rest[k] = rest.get(k, 0.0) + w
        # The story's core words: those the rest of both texts use most, by summed weight, among words
        # rarer than the commonest English (see _CORE_MIN_WEIGHT). Text that names one of them ("the
        # tram") is about the story even when it brings new names along.
        core = {k for k, _ in heapq.nsmallest(_CORE_TERMS, rest.items(), key=lambda kv: (-kv[1], kv[0]))}
        # The floor holds on this side too: a core key ("report", from "reported") written in a common form
        # ("report") is no more evidence than a common word.
        return not any(weights[k] >= _CORE_MIN_WEIGHT for k in core & weights.keys())

    # Lines too short to judge alone, and lines that end no sentence (headlines of links to other stories,
    # captions), are judged first and without one another: a link line after every paragraph shares
    # "Related" with the others. The words that most lines ending no sentence repeat are the page's link
    # template, not what a line is about ("Related" is also a word the story may use): not judged either. The
    # foreign-looking lines count together, and are then no part of the story that paragraphs are judged
    # against (their headlines would lend a spliced paragraph words).
    line_sentences = {x: inside_of([x]) for run in runs for x in run}
    headlines = {x for x in line_sentences if not _SENTENCE_END.search(text, x[0], x[1])}
    short = [x for x, inside in line_sentences.items()
             if x in headlines or sum(len(s.keys) for s in inside) < st.unrelated_min_words]
    template = _template([{k for s in line_sentences[x] for k in s.weights} for x in headlines])
    # A line that holds a template word the story never says elsewhere (in neither text) is one of those
    # links, whatever its headline shares with the story ("Related: ... dies aged 84" beside a report of
    # deaths). A word the story says too ("Syrian" down a map's legend) is no link's template.
    in_lines = Counter(k for x in headlines for s in line_sentences[x] for k in s.weights)
    link_words = {k for k in template if k not in other_keys and own_count[k] == in_lines[k]}
    foreign = [x for x in short
               if (x in headlines and any(link_words.intersection(s.weights) for s in line_sentences[x]))
               or unrelated([x], 1, short, template)]
    if sum(len(s.keys) for s in inside_of(foreign)) < st.unrelated_min_words:
        foreign = []
    found = list(foreign)
    # Two or more paragraphs spliced in together from one other story share its words with each other: a
    # run of adjacent open paragraphs none of which is unrelated alone is judged once more as one block.
    set_aside = set(foreign)
    for run in runs:
        left = [x for x in run if x not in set_aside]
        alone = [x for x in left if unrelated([x], apart=[x, *foreign])]
        if not alone and len(left) > 1 and unrelated(left, apart=left + foreign):
            alone = left
        found += alone
    return [Span(ps, pe, text[ps:pe]) for ps, pe in sorted(found)]


def _template(lines: list[set[str]]) -> frozenset[str]:
    """The words that at least half of the ``lines`` (each given by its words), and three or more, hold: a
    link template's ("Related", "Read more"), which no one line is about."""
    if len(lines) < 3:
        return frozenset()
    held = Counter(k for keys in lines for k in keys)
    return frozenset(k for k, n in held.items() if n * 2 >= len(lines) and n >= 3)
