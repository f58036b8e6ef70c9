"""Stories from pairwise evidence: average-link clustering inside connected components.

Why this shape: average-link agglomeration over story similarity is the strong classic for news
stories, but it is global and order-dependent when run online. Any two articles that average-link can
put together are joined by at least one pair above the threshold, so clustering each connected component
of the thresholded candidate graph gives the global answer. A new batch then only re-clusters the
components it touches: the result is the same whether articles arrive in one scan or many, and whichever
engine computed the pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Sequence
from itertools import chain
from dataclasses import dataclass

import numpy as np
import xxhash
from scipy.sparse import csr_matrix

from .config import Settings
from .model import Story
from .relate import parse_published

__all__ = ["Member", "components", "similarity_matrix", "average_link", "build_story", "story_id"]

# Components larger than this are cut by their strongest edges only (dense average-link would need
# n^2 memory); in news this happens only for runaway topics, and the README says so.
MAX_DENSE = 12000


@dataclass(frozen=True, slots=True)
class Member:
    """What clustering needs of one article (the index loads these from storage)."""

    id: str
    title: str
    site: str | None
    published: str | None
    body: dict[str, float]
    entities: dict[str, float]
    title_vec: dict[str, float]
    n_words: int = 0


def components(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected components, each sorted, listed in order of their smallest member (deterministic)."""
    parent: dict[str, str] = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        if a not in parent or b not in parent:
            continue
        ra, rb = find(a), find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            parent[rb] = ra
    groups: dict[str, list[str]] = {}
    for n in parent:
        groups.setdefault(find(n), []).append(n)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def _matrix(vectors: Sequence[dict[str, float]], vocab: dict[str, int]) -> csr_matrix:
    """One row per vector; a term's column is its rank of first appearance in ``vocab`` (filled in here).

    Built in CSR form directly, laid out as scipy lays out the same matrix given as (row, column) triples:
    columns ascending within each row. The products summed over a row follow that layout, so the same
    layout keeps every similarity the same to the last bit.
    """
    keys = list(chain.from_iterable(vectors))
    for k in keys:
        if k not in vocab:
            vocab[k] = len(vocab)
    n = len(vectors)
    shape = (n, max(len(vocab), 1))
    if not keys:
        return csr_matrix(shape)
    cols = np.fromiter(map(vocab.__getitem__, keys), dtype=np.int32, count=len(keys))
    vals = np.fromiter(chain.from_iterable(map(dict.values, vectors)), dtype=np.float64, count=len(keys))
    lens = np.fromiter(map(len, vectors), dtype=np.int64, count=n)
    rows = np.repeat(np.arange(n, dtype=np.int64), lens)
    order = np.lexsort((cols, rows))
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lens, out=indptr[1:])
    return csr_matrix((vals[order], cols[order], indptr), shape=shape)


def similarity_matrix(members: Sequence[Member], settings: Settings,
                      forced: Iterable[tuple[int, int]] = (),
                      copied: Iterable[tuple[int, int]] = ()) -> np.ndarray:
    """All-pairs story similarity, the same formula as ``relate.story_similarity``, vectorised.

    ``forced`` pairs (exact and near copies) are set to 1: a reprint is always the same story.
    ``copied`` pairs (partial copies) keep their similarity outside the time window, as in relate().
    """
    n = len(members)
    vocab: dict[str, int] = {}
    body = _matrix([m.body for m in members], vocab)
    vocab = {}
    ent = _matrix([m.entities for m in members], vocab)
    vocab = {}
    tit = _matrix([m.title_vec for m in members], vocab)
    has_e = np.array([bool(m.entities) for m in members])
    has_t = np.array([bool(m.title_vec) for m in members])
    boosts = _boosts([m.n_words for m in members], [m.n_words for m in members], settings)
    we = settings.weight_entities * np.outer(has_e, has_e) / boosts  # as in relate.story_similarity
    wt = settings.weight_title * np.outer(has_t, has_t)
    num = settings.weight_body * (body @ body.T).toarray() + we * (ent @ ent.T).toarray() + wt * (tit @ tit.T).toarray()
    sim = num / (settings.weight_body + we + wt)
    sim = 1.0 - (1.0 - np.clip(sim, 0.0, 1.0)) ** boosts
    times = [parse_published(m.published) for m in members]
    if any(t is not None for t in times):
        secs = np.array([t.timestamp() if t is not None else np.nan for t in times])
        apart = np.abs(secs[:, None] - secs[None, :]) / 86400.0
        factor = _time_factors(apart, settings)
        for i, j in copied:
            factor[i, j] = factor[j, i] = 1.0
        sim *= factor
    for i, j in forced:
        sim[i, j] = sim[j, i] = 1.0
    np.fill_diagonal(sim, 1.0)
    return np.clip(sim, 0.0, 1.0)


def _time_factors(apart: np.ndarray, settings: Settings) -> np.ndarray:
    """relate.time_factor for a matrix of day distances (NaN, an undated article, counts as no distance)."""
    days = np.nan_to_num(apart, nan=0.0)
    factor = 1.0 - settings.story_time_decay * np.minimum(days, settings.story_window_days) / settings.story_window_days
    factor[days > settings.story_window_days] = 0.0
    return factor


def _boosts(rows: Sequence[int], cols: Sequence[int], settings: Settings) -> np.ndarray:
    """relate.short_text_boost (with relate.boost_length) for every pair, vectorised."""
    big = float(settings.short_text_words)
    r = np.asarray(rows, dtype=float)[:, None]
    c = np.asarray(cols, dtype=float)[None, :]
    n = np.minimum(r, c) * np.sqrt(np.maximum(np.maximum(r, c), big) / big)
    n = np.where(n > 0, n, big)  # 0 words on either side means "not known": no boost
    return np.where(n >= settings.short_text_words, 1.0, (settings.short_text_words / n) ** settings.short_text_power)


def average_link(sim: np.ndarray, threshold: float) -> list[int]:
    """Cluster labels (0..k-1, numbered by first appearance) cutting average-link at ``threshold``."""
    n = sim.shape[0]
    if n == 1:
        return [0]
    dist = 1.0 - sim
    np.fill_diagonal(dist, 0.0)
    from scipy.cluster.hierarchy import fcluster, linkage  # here, not at import: 0.4 s every command paid
    from scipy.spatial.distance import squareform

    z = linkage(squareform(dist, checks=False), method="average")
    raw = fcluster(z, t=1.0 - threshold + 1e-9, criterion="distance")
    relabel: dict[int, int] = {}
    return [relabel.setdefault(int(x), len(relabel)) for x in raw]


def centroid_link(members: Sequence[Member], settings: Settings, forced: Iterable[tuple[int, int]] = (),
                  block: int = 512) -> list[int]:
    """Clustering for components too large for a dense matrix: each article, in (published, id) order,
    joins the cluster whose mean similarity to it is highest if that mean reaches the threshold.

    Mean similarity to a cluster is what average-link merges on, so this is its one-pass approximation;
    it needs memory for one block of rows at a time rather than n^2.
    """
    order = sorted(range(len(members)), key=lambda i: _order_key(members[i]))
    labels = [-1] * len(members)
    sums: list[np.ndarray] = []  # per cluster: summed similarity of every article to the cluster's members
    sizes: list[int] = []
    n = len(members)
    for start in range(0, n, block):
        rows = order[start : start + block]
        sim = _rows_similarity([members[i] for i in rows], members, settings)
        for r, i in enumerate(rows):
            best, best_score = -1, settings.story_threshold
            for c in range(len(sizes)):
                score = sums[c][i] / sizes[c]
                if score >= best_score:
                    best, best_score = c, score
            if best < 0:
                best = len(sizes)
                sums.append(np.zeros(n))
                sizes.append(0)
            labels[i] = best
            sums[best] += sim[r]
            sizes[best] += 1
    return labels


_SMALL = 4  # members up to which _Vectors sums dot products in Python instead of scipy


def _ranked(vectors: Sequence[dict[str, float]]) -> list[list[tuple[str, float]]]:
    """Each vector's (term, weight) items in the column order ``_matrix`` gives them: terms ranked by
    first appearance across all the vectors, ascending within each row."""
    rank: dict[str, int] = {}
    for v in vectors:
        for k in v:
            if k not in rank:
                rank[k] = len(rank)
    return [sorted(v.items(), key=lambda kv: rank[kv[0]]) for v in vectors]


def _small_dots(ranked: list[list[tuple[str, float]]], lo: int, hi: int) -> np.ndarray:
    """Rows lo..hi of ``m @ m.T`` as scipy's csr_matmat computes them: for row i, the products with row j
    of the terms both hold, added to 0.0 one by one in row i's column order."""
    lookup = [dict(r) for r in ranked]
    out = np.zeros((hi - lo, len(ranked)))
    for r, i in enumerate(range(lo, hi)):
        row = ranked[i]
        for j, other in enumerate(lookup):
            acc = 0.0
            for k, w in row:
                x = other.get(k)
                if x is not None:
                    acc += w * x
            out[r, j] = acc
    return out


class _Vectors:
    """The three term matrices of a set of members, built once, so that blocks of rows are cheap."""

    def __init__(self, members: Sequence[Member]) -> None:
        self.parts = []
        # Most components a batch touches are two or three articles, where building sparse matrices costs
        # far more than the few dot products (scipy's overhead was most of re-clustering): those are
        # summed in Python, in the order scipy sums them, so every similarity stays the same to the bit.
        self.small = len(members) <= _SMALL
        for part in ("body", "entities", "title_vec"):
            vectors = [getattr(x, part) for x in members]
            has = np.array([bool(v) for v in vectors])
            if self.small:
                self.parts.append((_ranked(vectors), None, has))
                continue
            vocab: dict[str, int] = {}
            m = _matrix(vectors, vocab).tocsr()
            # The transpose in CSR form, converted once: the conversion ``m @ m.T`` makes on every call.
            self.parts.append((m, m.T.tocsr(), has))
        self.n_words = np.array([x.n_words for x in members], dtype=float)
        times = [parse_published(x.published) for x in members]
        self.secs = (np.array([t.timestamp() if t is not None else np.nan for t in times])
                     if any(t is not None for t in times) else None)

    def block(self, lo: int, hi: int, settings: Settings, copied: dict[int, set[int]] | None = None) -> np.ndarray:
        """Rows lo..hi of the similarity matrix (same formula as similarity_matrix and relate)."""
        weights = (settings.weight_body, settings.weight_entities, settings.weight_title)
        out = np.zeros((hi - lo, len(self.n_words)))
        weight = np.zeros_like(out)
        boosts = _boosts(list(self.n_words[lo:hi]), list(self.n_words), settings)
        for k, ((m, mt, has), w) in enumerate(zip(self.parts, weights)):
            if self.small:
                dots = _small_dots(m, lo, hi)
            else:
                rows = m if lo == 0 and hi == m.shape[0] else m[lo:hi]  # a slice of every row is a copy of m
                dots = (rows @ mt).toarray()
            # The body always counts; names and headline only where both articles have them (names less
            # in short texts, as in relate.story_similarity).
            ww = np.full(out.shape, w) if k == 0 else w * np.outer(has[lo:hi], has)
            if k == 1:
                ww = ww / boosts
            out += ww * dots
            weight += ww
        out /= np.where(weight > 0, weight, 1.0)
        np.clip(out, 0.0, 1.0, out=out)
        out = 1.0 - (1.0 - out) ** boosts
        if self.secs is not None:
            apart = np.abs(self.secs[lo:hi, None] - self.secs[None, :]) / 86400.0
            factor = _time_factors(apart, settings)
            for r in range(hi - lo):
                for j in (copied or {}).get(lo + r, ()):
                    factor[r, j] = 1.0
            out *= factor
        return out


def _rows_similarity(rows: Sequence[Member], members: Sequence[Member], settings: Settings) -> np.ndarray:
    """similarity_matrix restricted to some rows, without the n x n matrix."""
    vec = _Vectors(list(rows) + list(members))
    return vec.block(0, len(rows), settings)[:, len(rows):]


def dense_average_link(members: Sequence[Member], settings: Settings, forced: Iterable[tuple[int, int]] = (),
                       copied: Iterable[tuple[int, int]] = (), block: int = 1024) -> list[int]:
    """average_link over the full similarity matrix, built block by block straight into the condensed
    distance vector scipy needs (n^2/2 floats), so thousands of members fit in memory."""
    n = len(members)
    if n == 1:
        return [0]
    vec = _Vectors(members)
    cop: dict[int, set[int]] = {}
    for i, j in copied:
        cop.setdefault(i, set()).add(j)
        cop.setdefault(j, set()).add(i)
    force: dict[int, set[int]] = {}
    for i, j in forced:
        force.setdefault(min(i, j), set()).add(max(i, j))
    dist = np.empty(n * (n - 1) // 2)
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        sim = vec.block(lo, hi, settings, cop)
        for r in range(hi - lo):
            i = lo + r
            row = sim[r, i + 1 :]
            for j in force.get(i, ()):
                row[j - i - 1] = 1.0
            start = n * i - i * (i + 1) // 2
            dist[start : start + n - i - 1] = 1.0 - row
    np.clip(dist, 0.0, 1.0, out=dist)
    from scipy.cluster.hierarchy import fcluster, linkage

    z = linkage(dist, method="average")
    raw = fcluster(z, t=1.0 - settings.story_threshold + 1e-9, criterion="distance")
    raw = _attach_singletons(dist, [int(x) for x in raw], [m.n_words for m in members], settings)
    relabel: dict[int, int] = {}
    return [relabel.setdefault(int(x), len(relabel)) for x in raw]


def _condensed_row(dist: np.ndarray, n: int, i: int) -> np.ndarray:
    """Similarity of member ``i`` to every member (itself 1.0), from scipy's condensed distance vector."""
    j = np.arange(n)
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    pos = n * lo - lo * (lo + 1) // 2 + hi - lo - 1
    row = 1.0 - dist[np.clip(pos, 0, len(dist) - 1)]
    row[i] = 1.0
    return row


def _attach_singletons(dist: np.ndarray, labels: list[int], n_words: Sequence[int], settings: Settings) -> list[int]:
    """Articles that average-link left alone join the cluster they are closest to on average, when they
    have a same-story link into it and their mean similarity to it reaches ``attach_threshold``.

    Why: a broad article (a long feature, a round-up) shares with each report of its story only part of
    its words, so its cosine to every member is diluted, and average-link leaves it alone even though its
    same-story links all go into one cluster. Alone, it is its own story and a copy of nothing. Only
    singletons move: two clusters are never merged below the threshold (lowering the average-link cut
    itself merged the two events of ECB+ topics: dev B-cubed precision 1.00 -> 0.89 at 0.28), only
    full texts move (a headline's few words say too little, and GoogleNews-T dev headlines that would have
    moved went to the wrong story as often as the right one), and only into a cluster of at least
    ``attach_min_size`` members (see config.py). ECB+ dev: B-cubed recall 0.901 -> 0.943, precision stays
    1.000, 45 -> 37 clusters for 30 stories (the 8 moved articles all joined their own story).
    """
    if settings.attach_threshold >= settings.story_threshold:
        return labels
    n = len(labels)
    sizes = Counter(labels)
    alone = [i for i, lab in enumerate(labels) if sizes[lab] == 1 and n_words[i] >= settings.short_text_words]
    if not alone or len(sizes) == 1:
        return labels
    lab_arr = np.asarray(labels)
    width = int(lab_arr.max()) + 1
    out = list(labels)
    for i in alone:
        row = _condensed_row(dist, n, i)
        # Each cluster's strongest link in one pass, so that a large component with many clusters costs
        # O(members) per article, not O(members x clusters); means only where a link reaches the threshold.
        strongest = np.full(width, -np.inf)
        np.maximum.at(strongest, lab_arr, row)
        best, best_mean = None, settings.attach_threshold
        for lab, size in sizes.items():
            if size < settings.attach_min_size or lab == labels[i] or strongest[lab] < settings.story_threshold:
                continue
            mean = float(row[lab_arr == lab].mean())
            if mean >= best_mean:
                best, best_mean = lab, mean
        if best is not None:
            out[i] = best
    return out


def story_id(first_member: str) -> str:
    return "s" + xxhash.xxh3_64_hexdigest(first_member.encode("utf-8"))[:12]


def _order_key(m: Member) -> tuple[int, str, str]:
    return (0 if m.published else 1, m.published or "", m.id)


def build_story(members: Sequence[Member], reprint_edges: Iterable[tuple[str, str]],
                copies: Container[str] = ()) -> Story:
    """A story record: members on a timeline, earliest known publisher, groups of reprints.

    ``copies`` are members their own text shows to be copies of another member (storytrace.provenance):
    none of them is the first publisher while a member that is not one remains, however early its date."""
    ordered = sorted(members, key=_order_key)
    first = next((m for m in ordered if m.id not in copies), ordered[0])
    ids = [m.id for m in ordered]
    groups = [tuple(g) for g in components(ids, reprint_edges) if len(g) > 1]
    dated = [m.published for m in ordered if m.published]
    sites = sorted({m.site for m in ordered if m.site})
    headline = next((m.title for m in ordered if m.title), "")
    return Story(
        id=story_id(first.id),
        headline=headline,
        members=tuple(ids),
        first=first.id,
        first_site=first.site,
        first_published=first.published,
        last_published=max(dated) if dated else None,
        sites=tuple(sites),
        reprint_groups=tuple(groups),
    )
