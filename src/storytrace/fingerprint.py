"""Everything later stages need to know about one article, computed once.

A fingerprint is small and self-contained: the index stores it, candidate search reads its hashes, and
verification compares two fingerprints (plus the texts, for alignment) without re-reading the corpus.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np
import xxhash
from rensa import RMinHash

from .config import Settings
from .model import Article
from .normalize import Tokens, is_content, sentence_spans, tokenize
from .weights import idf

__all__ = ["Fingerprint", "fingerprint", "band_keys", "shingle_strings"]

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

    def to_state(self) -> dict:
        """A JSON-able dict (what the index stores), without the shingle set (derivable, and large)."""
        return {
            "exact": self.exact,
            "n_words": self.n_words,
            "body": self.body,
            "entities": self.entities,
            "title": self.title,
            "block": self.block,
        }


def shingle_strings(keys: list[str], k: int) -> list[str]:
    content = [key for key in keys if is_content(key)]
    if len(content) < k:
        return [" ".join(content)] if content else []
    return [" ".join(content[i : i + k]) for i in range(len(content) - k + 1)]


def _vector(counts: dict[str, float], limit: int) -> dict[str, float]:
    if not counts:
        return {}
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
    return {k: round(v / norm, 5) for k, v in top}


def _weighted(tokens: Tokens, idx: list[int]) -> dict[str, float]:
    tf: Counter[str] = Counter()
    w: dict[str, float] = {}
    for i in idx:
        key = tokens.keys[i]
        tf[key] += 1
        if key not in w:
            w[key] = idf(tokens.folded[i])
    return {k: (1.0 + math.log(c)) * w[k] for k, c in tf.items()}


def fingerprint(article: Article, settings: Settings | None = None) -> Fingerprint:
    s = settings or Settings()
    content = article.content
    tokens = tokenize(content)
    keys = tokens.keys
    # Exact means the same words letter for letter (case, width and spacing aside): a copy disguised
    # with look-alike letters is a near copy, and the alignment still sees through it.
    exact = _h("\x1f".join(unicodedata.normalize("NFKC", content[s0:e0]).casefold()
                            for s0, e0 in zip(tokens.starts, tokens.ends)))
    content_idx = [i for i, k in enumerate(keys) if is_content(k)]

    shingles = shingle_strings(keys, s.shingle_size)
    m = RMinHash(num_perm=s.num_perm, seed=_MINHASH_SEED)
    if shingles:
        m.update(shingles)
    sig = m.digest() if shingles else []

    # Sentences: map each to its content keys through the token start offsets.
    sents = sentence_spans(content)
    starts = np.asarray(tokens.starts, dtype=np.int64)
    sentence_keys: list[tuple[int, int, int]] = []
    sentence_initial: set[int] = set()
    for a, b in sents:
        lo = int(np.searchsorted(starts, a))
        hi = int(np.searchsorted(starts, b))
        if lo < len(keys):
            sentence_initial.add(lo)
        ck = [keys[i] for i in range(lo, hi) if is_content(keys[i])]
        if len(ck) >= s.min_sentence_words:
            sentence_keys.append((_h(" ".join(ck)), a, b))

    # Entities: capitalised words that are not merely sentence-initial, and numbers; they separate two
    # similar events (two earthquakes, two heists) that share most of their vocabulary.
    ent_idx = [
        i for i in content_idx
        if (tokens.caps[i] and (i not in sentence_initial or idf(tokens.folded[i]) >= 5.0))
        or (keys[i].isdigit() and len(keys[i]) >= 2)
    ]
    title_len = len(article.title)
    title_idx = [i for i in content_idx if tokens.starts[i] < title_len] if article.title else []

    body = _vector(_weighted(tokens, content_idx), s.top_terms)
    entities = _vector(_weighted(tokens, ent_idx), s.top_terms)
    title = _vector(_weighted(tokens, title_idx), s.top_terms)
    block_w: Counter[str] = Counter()
    for k, v in entities.items():
        block_w[k] += v
    for k, v in body.items():
        block_w[k] += v
    block = [k for k, _ in sorted(block_w.items(), key=lambda kv: (-kv[1], kv[0]))[: s.block_terms]]
    return Fingerprint(
        exact=exact,
        n_words=len(content_idx),
        shingles=frozenset(_h(x) for x in shingles),
        minhash=list(sig),
        sentences=sentence_keys,
        body=body,
        entities=entities,
        title=title,
        block=block,
    )


def band_keys(minhash: list[int], bands: int) -> list[int]:
    """One hash per LSH band: two articles that agree on a whole band become candidates."""
    if not minhash:
        return []
    rows = len(minhash) // bands
    arr = np.asarray(minhash, dtype=np.uint32)
    return [
        _signed(xxhash.xxh3_64_intdigest(arr[b * rows : (b + 1) * rows].tobytes(), seed=b))
        for b in range(bands)
    ]
