"""Everything later stages need to know about one article, computed once.

A fingerprint is small and self-contained: the index stores it, candidate search reads its hashes, and
verification compares two fingerprints (plus the texts, for alignment) without re-reading the corpus.
"""

from __future__ import annotations

import math
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from itertools import repeat
from operator import add, itemgetter

import numpy as np
import xxhash
from rensa import RMinHash

from .config import Settings
from .model import Article
from .normalize import _WORD, Tokens, exact_marks, is_content, sentence_spans, tokenize
from .misread import reads_scanned, text_shares
from .weights import UNKNOWN_WEIGHT, idf, idfs

__all__ = ["Fingerprint", "fingerprint", "band_keys", "shingle_strings", "shingle_set", "from_state", "scan_signs"]

_MINHASH_SEED = 20180713
_INT64 = 1 << 63


def _signed(h: int) -> int:
    """SQLite integers are signed 64-bit."""
    return h - (1 << 64) if h >= _INT64 else h


def _h(s: str) -> int:
    return _signed(xxhash.xxh3_64_intdigest(s.encode("utf-8")))


@dataclass(slots=True)
class Fingerprint:
    """Hashes and term weights of one article's ``content`` (headline + body).

    ``sentences`` holds (hash, start, end) for every sentence long enough to be evidence of copying;
    ``body``, ``entities`` and ``title`` are L2-normalised sparse term vectors used for the story relation;
    ``block`` are the heaviest entity and body terms, used to find same-story candidates.
    """

    exact: int
    n_words: int
    shingles: frozenset[int]
    minhash: list[int]
    sentences: list[tuple[int, int, int]]
    body: dict[str, float]
    entities: dict[str, float]
    title: dict[str, float]
    block: list[str]
    # sentences glued together ("said.The"), a copier's trick: an exact copy must glue as many (relate.decide_copy)
    glued: int = 0
    # letters in fullwidth or mathematical style (ＦＵＬＬ, 𝐛𝐨𝐥𝐝), which the exact hash reads as plain ones: an
    # exact copy must hold as many (relate.decide_copy)
    styled: int = 0
    # share of content words said less than once in a million words: a scan's misread letters make rare
    # words (storytrace.misread), and break shingles, so such a text's same-story pairs are aligned too
    rare_share: float = 0.0
    # whether the text reads as scanned by its lower-case words no list knows (:func:`scan_signs`):
    # they are left out of its vectors, and its same-story pairs are aligned too (storytrace.index)
    scanned: bool = False

    def to_state(self) -> dict:
        """A JSON-able dict (what the index stores), without the shingle set (derivable, and large)."""
        return {
            "exact": self.exact,
            "n_words": self.n_words,
            "body": self.body,
            "entities": self.entities,
            "title": self.title,
            "block": self.block,
            "rare_share": self.rare_share,
            "scanned": self.scanned,
        }


def shingle_strings(keys: list[str], k: int) -> list[str]:
    content = [key for key in keys if is_content(key)]
    if len(content) < k:
        return [" ".join(content)] if content else []
    return [" ".join(content[i : i + k]) for i in range(len(content) - k + 1)]


def _content_shingles(content: list[str], k: int) -> list[str]:
    """``shingle_strings`` for keys already filtered to content words (the same windows, built by zipping
    k shifted views instead of slicing once per window)."""
    if len(content) < k:
        return [" ".join(content)] if content else []
    return list(map(" ".join, zip(*(content[i:] for i in range(k)))))


def _hash_set(strings: list[str]) -> frozenset[int]:
    """``frozenset(_h(x) for x in strings)``, with the unsigned-to-signed step done by numpy in one go."""
    if not strings:
        return frozenset()
    # str.encode's default is strict UTF-8, as in _h; map keeps the per-string loop in C.
    raw = np.fromiter(map(xxhash.xxh3_64_intdigest, map(str.encode, strings)), dtype=np.uint64, count=len(strings))
    return frozenset(raw.view(np.int64).tolist())


def shingle_set(content: str, k: int) -> frozenset[int]:
    """The ``shingles`` of a fingerprint of ``content``, without the rest of the fingerprint (the verifier
    and ``Index.query`` need it for stored articles, whose other parts are stored)."""
    tokens = tokenize(content)
    return _hash_set(_content_shingles([x for x, c in zip(tokens.keys, tokens.content) if c], k))


def _exact(content: str, words: list[str] | None = None, apostrophes: bool = True) -> int:
    """The exact-copy hash: the words (the tokenizer's, via the same pattern), each NFKC-normalised and
    case-folded, joined by a separator. ``words``: ``_WORD.findall(content)``, when already at hand.
    ``apostrophes``: a curly apostrophe is a straight one ("Trump’s" = "Trump's"): a CMS that curls
    them is no copier (off for indexes stored before, see Settings.exact_apostrophes)."""
    if words is None:
        words = _WORD.findall(content)
    if content.isascii():
        # NFKC leaves ASCII as it is and casefold is lower() there; both map character by character, so
        # folding the joined words equals joining the folded ones.
        return _h("\x1f".join(words).lower())
    # The same holds for any text: the separator is a starter that composes with nothing, so NFKC of the
    # joined words is the joined NFKC of each (a word's marks follow its first letter, never the
    # separator), and casefold has no context; one call over the whole string is cheaper than a cached call
    # per word. No character's NFKC form holds a curly apostrophe, so it is straightened after.
    folded = unicodedata.normalize("NFKC", "\x1f".join(words)).casefold()
    return _h(folded.replace("’", "'") if apostrophes else folded)


def _round5(values: np.ndarray) -> list[float]:
    """``[round(v, 5) for v in values]`` for values from 0 to 1, about five times faster.

    Hand-written because numpy's own rounding (multiply, round, divide) can differ from Python's
    correctly rounded ``round`` in the last bit: here the integer ``n = rint(v * 1e5)`` is the right one
    unless ``v * 1e5`` lies within rounding error of a half (those few values go to ``round``), and ``n / 1e5``,
    one IEEE division, is the double nearest to n/100000, which is what ``round`` returns.
    """
    scaled = values * 1e5
    n = np.rint(scaled)
    out = (n / 1e5).tolist()
    near_half = np.abs(np.abs(scaled - n) - 0.5) < 1e-6
    if near_half.any():
        for i in np.flatnonzero(near_half).tolist():
            out[i] = round(float(values[i]), 5)
    return out


def _vector(counts: dict[str, float], limit: int) -> dict[str, float]:
    if not counts:
        return {}
    # Heaviest first, ties by term: the order of ``sorted(items, key=lambda kv: (-kv[1], kv[0]))`` (terms are
    # unique, and a stable sort by weight alone, descending, keeps the term order of the first sort), with
    # both sorts in C. The first ``limit`` of it are what ``heapq.nsmallest`` with that key gives.
    top = sorted(sorted(counts.items()), key=itemgetter(1), reverse=True)[:limit]
    terms, weights = zip(*top)
    norm = math.sqrt(sum(v * v for v in weights)) or 1.0
    # numpy's division is IEEE division, as Python's ``v / norm``.
    return dict(zip(terms, _round5(np.array(weights, dtype=np.float64) / norm)))


# 1 + log(c) for each count c (index 0 unused), grown on demand: counts are small integers that recur.
_LOG_TF: list[float] = [0.0] + [1.0 + math.log(c) for c in range(1, 1024)]


def _weighted(tokens: Tokens, idx: list[int], keys: list[str] | None = None, lead: int = 0,
              scanned: bool = False) -> dict[str, float]:
    """Log term frequency times the idf of each key's first surface form (``keys``: the keys at ``idx``).

    Occurrences among the first ``lead`` tokens count twice: news is written as an inverted pyramid, the
    headline and lead say who did what where, and the background that two similar events share (the
    earlier scandal, the same mountain, the same navy) comes later (ECB+ dev: pairs of the two events
    of a topic were told apart better, story-pair average precision 0.945 -> 0.952, for any lead from
    60 to 150 words)."""
    ks = keys if keys is not None else list(map(tokens.keys.__getitem__, idx))
    tf = Counter(ks)
    if lead:
        tf.update(ks[: bisect_left(idx, lead)])
    # Walking backwards, the last write per key is its first occurrence.
    first = dict(zip(reversed(ks), map(tokens.folded.__getitem__, reversed(idx))))
    weights = idfs(list(map(first.__getitem__, tf)), tokens.language)
    if tf and max(tf.values()) >= len(_LOG_TF):
        _LOG_TF.extend(1.0 + math.log(c) for c in range(len(_LOG_TF), max(tf.values()) + 1))
    log_tf = _LOG_TF
    if scanned:
        # A scanned text's words no list knows are mostly its own misreadings, which no other text shares
        # (another scan of the page misreads other letters), and they weigh most: left out, the words it
        # read right carry its story.
        return {k: log_tf[c] * w for (k, c), w in zip(tf.items(), weights)
                if w < UNKNOWN_WEIGHT or not first[k].isascii()}
    # ``{k: (1.0 + log(c)) * idf(first[k]) ...}``: the same products, logs from a table, idf from a dict.
    return {k: log_tf[c] * w for (k, c), w in zip(tf.items(), weights)}


def _top_terms(weights: dict[str, float], n: int) -> list[str]:
    """The first ``n`` terms of ``sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))``.

    Only terms weighing at least the n-th largest weight can be among them, and those (ties included) are
    sorted as a whole: the same first ``n``, with the full sort of a few hundred pairs reduced to floats.
    """
    if len(weights) > n > 0:
        floor = sorted(weights.values(), reverse=True)[n - 1]
        items = [kv for kv in weights.items() if kv[1] >= floor]
    else:
        items = list(weights.items())
    return [k for k, _ in sorted(sorted(items), key=itemgetter(1), reverse=True)[:n]]


def _mostly_caseless(folded: list[str], keys: list[str], content_idx: list[int]) -> bool:
    """Whether most content words (figures aside) are of a script without capitals (a folded word beyond
    ASCII that upper-casing leaves as it is)."""
    words = list(map(folded.__getitem__, content_idx))
    named = len(words) - sum(map(str.isdigit, map(keys.__getitem__, content_idx)))  # figures are ASCII
    # A caseless word is never ASCII: most texts are settled by C-level counts, without a Python loop.
    if 2 * (len(words) - sum(map(str.isascii, words))) <= named:
        return False
    return 2 * sum(1 for w in words if not w.isascii() and w == w.upper()) > named


def fingerprint(article: Article, settings: Settings | None = None) -> Fingerprint:
    s = settings or Settings()
    content = article.content
    tokens = tokenize(content)
    keys = tokens.keys
    starts = tokens.starts
    # Exact means the same words letter for letter (case, width and spacing aside): a copy disguised
    # with look-alike letters is a near copy, and the alignment still sees through it.
    exact = _exact(content, tokens.words if len(tokens.words) == len(keys) else None, bool(s.exact_apostrophes))
    content_idx = [i for i, c in enumerate(tokens.content) if c]
    content_keys = [keys[i] for i in content_idx]

    shingles = _content_shingles(content_keys, s.shingle_size)
    m = RMinHash(num_perm=s.num_perm, seed=_MINHASH_SEED)
    if shingles:
        m.update(shingles)
    sig = m.digest() if shingles else []

    # Sentences: map each to its content keys through the token start offsets.
    sents = sentence_spans(content, bool(s.unwrap_lines))
    sentence_keys: list[tuple[int, int, int]] = []
    sentence_initial: set[int] = set()
    n_keys = len(keys)
    for a, b in sents:
        lo = bisect_left(starts, a)
        hi = bisect_left(starts, b, lo)
        if lo < n_keys:
            sentence_initial.add(lo)
        clo = bisect_left(content_idx, lo)
        chi = bisect_left(content_idx, hi, clo)
        if chi - clo >= s.min_sentence_words:
            sentence_keys.append((_h(" ".join(content_keys[clo:chi])), a, b))

    # Entities: capitalised words that are not merely sentence-initial, and numbers; they separate two
    # similar events (two earthquakes, two heists) that share most of their vocabulary.
    caps, folded = tokens.caps, tokens.folded
    ent_idx = [
        i for i in content_idx
        if (caps[i] and (i not in sentence_initial or idf(folded[i], tokens.language) >= 5.0))
        or (keys[i].isdigit() and len(keys[i]) >= 2)
    ]
    title_len = len(article.title)
    # Tokens start in increasing order, so the headline's content tokens are a prefix of content_idx.
    title_idx = content_idx[: bisect_left(content_idx, bisect_left(starts, title_len))] if article.title else []

    rare_share, unknown = text_shares(tokens)
    scanned = _reads_as_scanned(tokens, unknown, s)
    body = _vector(_weighted(tokens, content_idx, content_keys, s.lead_words, scanned), s.top_terms)
    caseless = not content.isascii() and _mostly_caseless(folded, keys, content_idx)
    entities = {} if caseless else _vector(_weighted(tokens, ent_idx, lead=s.lead_words, scanned=scanned),
                                           s.top_terms)
    if all(map(str.isdigit, entities)):
        # Names are found by their capitals; a script with none (Arabic, Hebrew, the Indic scripts, Thai,
        # Korean, CJK) leaves only figures, and one shared "25" then made the names part (weight_entities of
        # the story score) 1.0 for two unrelated reports. Figures alone still count in the body vector. In
        # such a text the only capitals are Latin tokens such as a wire's "(AFP)", which made two unrelated
        # Arabic reports one story (names 0.84): its names cannot be told either.
        entities = {}
    title = _vector(_weighted(tokens, title_idx, scanned=scanned), s.top_terms)
    # Entity weight plus body weight per term, entities' terms first (a Counter's ``+=`` in that order, without
    # its Python-level ``__missing__``), then heaviest first with ties by term, as in ``_vector``.
    block_w = dict(entities)
    block_w.update(zip(body, list(map(add, map(block_w.get, body, repeat(0)), body.values()))))
    block = _top_terms(block_w, s.block_terms)
    glued, styled = exact_marks(content)
    return Fingerprint(
        exact=exact,
        n_words=len(content_idx),
        shingles=_hash_set(shingles),
        minhash=list(sig),
        sentences=sentence_keys,
        body=body,
        entities=entities,
        title=title,
        block=block,
        glued=glued,
        styled=styled,
        rare_share=rare_share,
        scanned=scanned,
    )


def _reads_as_scanned(tokens: Tokens, unknown: float, settings: Settings) -> bool:
    """``Fingerprint.scanned``: long enough (``settings.scanned_min_words``, 0: never) and scanned by
    storytrace.misread.reads_scanned (``unknown``: its unknown share, from misread.text_shares)."""
    return 0 < settings.scanned_min_words <= sum(tokens.content) and reads_scanned(tokens, unknown)


def scan_signs(content: str, settings: Settings, rare_share: float | None = None,
               scanned: bool | None = None) -> tuple[float, bool]:
    """A text's ``rare_share`` and ``scanned`` as :func:`fingerprint` counts them, each counted from the text
    only where not given (None: a state stored before it was kept)."""
    if rare_share is None or scanned is None:
        tokens = tokenize(content)
        rare, unknown = text_shares(tokens)
        rare_share = rare if rare_share is None else rare_share
        scanned = _reads_as_scanned(tokens, unknown, settings) if scanned is None else scanned
    return rare_share, scanned


def from_state(state: dict, content: str, settings: Settings) -> Fingerprint:
    """A stored article's fingerprint as far as relating it to another needs (exact, words, vectors,
    shingles): rebuilt from its stored state plus its shingles, instead of fingerprinting it again.
    ``minhash`` and ``sentences`` are left empty (candidate search reads them from the store)."""
    glued, styled = exact_marks(content)
    rare_share, scanned = scan_signs(content, settings, state.get("rare_share"), state.get("scanned"))
    return Fingerprint(
        exact=state["exact"],
        n_words=state["n_words"],
        shingles=shingle_set(content, settings.shingle_size),
        minhash=[],
        sentences=[],
        body=state["body"],
        entities=state["entities"],
        title=state["title"],
        block=state["block"],
        glued=glued,
        styled=styled,
        rare_share=rare_share,
        scanned=scanned,
    )


def band_keys(minhash: list[int], bands: int) -> list[int]:
    """One hash per LSH band: two articles that agree on a whole band become candidates."""
    if not minhash:
        return []
    # Each band's bytes sliced from one ``tobytes`` of the whole signature (the bytes of ``arr[band].tobytes()``),
    # rather than a numpy slice and a copy per band.
    width = len(minhash) // bands * 4
    data = np.asarray(minhash, dtype=np.uint32).tobytes()
    digest = xxhash.xxh3_64_intdigest
    return [_signed(digest(data[b * width : (b + 1) * width], seed=b)) for b in range(bands)]
