"""The systems storytrace is measured against, run in the same process on the same articles.

Standard near-duplicate and story-clustering recipes, kept deliberately textbook: MinHash LSH over word
5-gram shingles with connected components (text-dedup style), and TF-IDF cosine with single-link and
average-link agglomeration. Each has one free threshold, tuned on the dev split by the runner (two for
the copy kind: the near and the partial cut-off, with exact meaning equal word sequences).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from storytrace.model import Article

__all__ = [
    "shingles",
    "same_tokens",
    "minhash_signatures",
    "minhash_lsh_clusters",
    "exact_token_clusters",
    "dedup_clusters",
    "minhash_pair_scores",
    "tfidf_matrix",
    "tfidf_pair_scores",
    "Linkage",
    "tfidf_linkage",
    "components",
]

_WORD = re.compile(r"\w+", re.UNICODE)
NUM_PERM = 128
SHINGLE = 5


def shingles(text: str, n: int = SHINGLE) -> set[bytes]:
    """Lower-cased word n-grams; a text shorter than n words is one shingle (so titles still match)."""
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}


def same_tokens(a: Article, b: Article) -> bool:
    """Exact duplicate in the textbook sense: the same lower-cased word sequence (headline and body)."""
    return _WORD.findall(a.content.lower()) == _WORD.findall(b.content.lower())


def minhash_signatures(texts: Sequence[str], num_perm: int = NUM_PERM, seed: int = 1) -> list:
    """datasketch MinHash of each text's shingles (bulk construction shares the permutations)."""
    from datasketch import MinHash

    sets = [sorted(shingles(t)) or [b""] for t in texts]
    return list(MinHash.bulk(sets, num_perm=num_perm, seed=seed))


def components(n: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    """Connected-component label of each of n nodes: the smallest node index in its component."""
    if n == 0:
        return []
    rows = [a for a, _ in edges]
    cols = [b for _, b in edges]
    graph = coo_matrix((np.ones(len(edges)), (rows, cols)), shape=(n, n))
    _, raw = connected_components(graph, directed=False)
    first: dict[int, int] = {}
    for i, lab in enumerate(raw):
        first.setdefault(int(lab), i)
    return [first[int(lab)] for lab in raw]


def minhash_lsh_clusters(articles: Sequence[Article], threshold: float, num_perm: int = NUM_PERM) -> dict[str, str]:
    """Article id → cluster label: LSH candidates at ``threshold`` as edges, then connected components."""
    from datasketch import MinHashLSH

    sigs = minhash_signatures([a.content for a in articles], num_perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for i, m in enumerate(sigs):
        lsh.insert(i, m)
    edges = [(i, j) for i, m in enumerate(sigs) for j in lsh.query(m) if j != i]
    labels = components(len(articles), edges)
    return {a.id: f"c{labels[i]}" for i, a in enumerate(articles)}


def exact_token_clusters(articles: Sequence[Article]) -> dict[str, str]:
    """Article id → cluster label: one cluster per lower-cased word sequence (exact deduplication by hash)."""
    first: dict[tuple[str, ...], str] = {}
    return {a.id: first.setdefault(tuple(_WORD.findall(a.content.lower())), f"x{i}") for i, a in enumerate(articles)}


def dedup_clusters(articles: Sequence[Article], labels: dict[str, str]) -> dict[str, str]:
    """Dropped id → kept id when each cluster is reduced to one article, kept by the same rule storytrace
    uses (earliest published, undated last, then the first in the input), so that a comparison of
    deduplications measures the groups, not the choice of which member to keep."""
    from storytrace.dedup import duplicate_map

    heads: dict[str, str] = {}
    edges = [(a.id, heads.setdefault(labels[a.id], a.id)) for a in articles]
    return duplicate_map(edges, [(a.id, a.published, i) for i, a in enumerate(articles)])


def minhash_pair_scores(pairs: Sequence[tuple[Article, Article]], num_perm: int = NUM_PERM) -> list[float]:
    """Estimated Jaccard of each pair's shingle sets."""
    texts: dict[str, str] = {}
    for a, b in pairs:
        texts[a.id] = a.content
        texts[b.id] = b.content
    ids = list(texts)
    sigs = dict(zip(ids, minhash_signatures([texts[i] for i in ids], num_perm), strict=True))
    return [float(sigs[a.id].jaccard(sigs[b.id])) for a, b in pairs]


def tfidf_matrix(texts: Sequence[str]):  # noqa: ANN201 - scipy sparse matrix
    """L2-normalised TF-IDF rows (sublinear tf, English stop words), fitted on the texts themselves."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    try:
        return vec.fit_transform(texts)
    except ValueError:  # every text empty or stop words only
        from scipy.sparse import csr_matrix

        return csr_matrix((len(texts), 1))


def tfidf_pair_scores(pairs: Sequence[tuple[Article, Article]], corpus: Sequence[Article]) -> list[float]:
    """Cosine of each pair's TF-IDF vectors, IDF fitted on ``corpus`` (the split's articles)."""
    index = {a.id: i for i, a in enumerate(corpus)}
    extra = [x for a, b in pairs for x in (a, b) if x.id not in index]
    for x in extra:
        if x.id not in index:
            index[x.id] = len(index)
            corpus = [*corpus, x]
    X = tfidf_matrix([a.content for a in corpus])
    ia = np.array([index[a.id] for a, _ in pairs])
    ib = np.array([index[b.id] for _, b in pairs])
    if not len(pairs):
        return []
    sims = np.asarray(X[ia].multiply(X[ib]).sum(axis=1)).ravel()
    return [float(s) for s in sims]


@dataclass(slots=True)
class Linkage:
    """An agglomerative merge tree over articles; ``cut(d)`` gives the flat clusters at cosine distance d.

    Built once per split so that tuning the threshold on dev costs one tree, not one clustering per try.
    """

    ids: list[str]
    tree: np.ndarray | None

    def cut(self, distance: float) -> dict[str, str]:
        from scipy.cluster.hierarchy import fcluster

        if self.tree is None:
            return {i: "c0" for i in self.ids}
        labels = fcluster(self.tree, t=distance, criterion="distance")
        return {i: f"c{labels[k]}" for k, i in enumerate(self.ids)}


def tfidf_linkage(articles: Sequence[Article], method: str) -> Linkage:
    """Single- or average-link tree over TF-IDF cosine distances (dense: fine up to ~15k articles)."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    ids = [a.id for a in articles]
    if len(ids) < 2:
        return Linkage(ids, None)
    X = tfidf_matrix([a.content for a in articles])
    sims = (X @ X.T).toarray().astype(np.float64)
    dist = np.clip(1.0 - sims, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    del sims
    condensed = squareform(dist, checks=False)
    del dist
    return Linkage(ids, linkage(condensed, method=method))
