"""Scoring functions: pure, small, each checked against hand-computed examples in the tests.

Pairs: precision/recall/F1 of the positive class and average precision. Clusters: B-cubed, ARI, NMI.
Attribution: top-1 accuracy. Passages: PAN plagdet over character spans. Copy kinds (exact/near/partial/
none): accuracy, per-class recall, a confusion matrix, and the two score cut-offs that turn a baseline's
similarity into a kind. Margins: a paired bootstrap interval, so that a test split of a few hundred items
does not pass noise off as a win or a loss.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "PRF",
    "prf",
    "pair_prf",
    "average_precision",
    "best_threshold",
    "bcubed",
    "ari",
    "nmi",
    "top1_accuracy",
    "SpanPair",
    "Plagdet",
    "plagdet",
    "span_prf",
    "spearman",
    "COPY_KINDS",
    "accuracy",
    "class_recall",
    "confusion",
    "kind_of_score",
    "best_kind_cuts",
    "paired_bootstrap",
    "DedupScore",
    "dedup_scores",
]

COPY_KINDS = ("exact", "near", "partial", "none")


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float


def prf(tp: float, fp: float, fn: float) -> PRF:
    """Precision, recall and F1 from counts; an empty denominator gives 0 (nothing found, nothing right)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PRF(p, r, f)


def pair_prf(gold: Sequence[bool], predicted: Sequence[bool]) -> PRF:
    """P/R/F1 of the positive class over labelled pairs."""
    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} pairs, predicted {len(predicted)}")
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p and not g)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g and not p)
    return prf(tp, fp, fn)


def average_precision(gold: Sequence[bool], scores: Sequence[float]) -> float:
    """Area under the precision-recall curve (sklearn's step-wise average precision)."""
    from sklearn.metrics import average_precision_score

    if not any(gold):
        return 0.0
    return float(average_precision_score([int(g) for g in gold], list(scores)))


def best_threshold(gold: Sequence[bool], scores: Sequence[float]) -> float:
    """The score cut (predict positive when score >= cut) that maximises F1; tune it on dev only.

    Ties go to the highest cut, the most conservative choice.
    """
    best_f, best_t = -1.0, 1.0
    for t in sorted(set(scores), reverse=True):
        f = pair_prf(gold, [s >= t for s in scores]).f1
        if f > best_f:
            best_f, best_t = f, t
    return best_t


def bcubed(gold: Mapping[str, str], predicted: Mapping[str, str]) -> PRF:
    """B-cubed precision/recall/F1 (Bagga & Baldwin 1998) over the items of ``gold``.

    Per item: precision = share of its predicted cluster that shares its gold cluster, recall = share of
    its gold cluster that shares its predicted cluster; both averaged over items. Items missing from
    ``predicted`` are singletons.
    """
    items = list(gold)
    pred = {i: predicted.get(i, f"\0singleton:{i}") for i in items}
    both = Counter((gold[i], pred[i]) for i in items)
    gsize = Counter(gold[i] for i in items)
    psize = Counter(pred[i] for i in items)
    if not items:
        return PRF(0.0, 0.0, 0.0)
    p = sum(both[(gold[i], pred[i])] / psize[pred[i]] for i in items) / len(items)
    r = sum(both[(gold[i], pred[i])] / gsize[gold[i]] for i in items) / len(items)
    return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0)


@dataclass(frozen=True, slots=True)
class DedupScore:
    precision: float
    recall: float
    f1: float
    kept_original: float | None


def dedup_scores(originals: Mapping[str, str], dropped: Mapping[str, str]) -> DedupScore:
    """How well a deduplication reduced each group of true duplicates to one article.

    ``originals`` maps every article of a true duplicate group (the original included) to the group's
    original; articles in no group are absent. ``dropped`` maps each article a system dropped to the one
    it kept in its place. A drop is right when both lie in one true group: precision is the share of drops
    that are right, recall the right drops over the drops the truth calls for (each group's size less
    one). ``kept_original`` is the share of true groups whose original was kept and stands for at least
    one dropped member (None without groups): keeping a copy and dropping the original loses the source.
    """
    right = sum(1 for d, k in dropped.items() if d in originals and originals.get(k) == originals[d])
    groups = set(originals.values())
    score = prf(right, len(dropped) - right, len(originals) - len(groups) - right)
    kept = {k for d, k in dropped.items() if originals.get(d) == k}
    kept_original = (sum(1 for o in groups if o not in dropped and o in kept) / len(groups)) if groups else None
    return DedupScore(score.precision, score.recall, score.f1, kept_original)


def _labels(gold: Mapping[str, str], predicted: Mapping[str, str]) -> tuple[list[str], list[str]]:
    items = list(gold)
    return [gold[i] for i in items], [predicted.get(i, f"\0singleton:{i}") for i in items]


def ari(gold: Mapping[str, str], predicted: Mapping[str, str]) -> float:
    """Adjusted Rand index over the items of ``gold`` (missing predictions are singletons)."""
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(*_labels(gold, predicted)))


def nmi(gold: Mapping[str, str], predicted: Mapping[str, str]) -> float:
    """Normalised mutual information (arithmetic mean normalisation, sklearn's default)."""
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(*_labels(gold, predicted)))


def top1_accuracy(truth: Mapping[str, str], ranked: Mapping[str, Sequence[str]]) -> float:
    """Share of items whose first-ranked candidate is the true one (no ranking counts as wrong)."""
    if not truth:
        return 0.0
    return sum(1 for k, v in truth.items() if ranked.get(k) and ranked[k][0] == v) / len(truth)


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman rank correlation (0 when either side is constant)."""
    from scipy.stats import spearmanr

    if len(set(x)) < 2 or len(set(y)) < 2:
        return 0.0
    return float(spearmanr(x, y).statistic)


# --- copy kinds ----------------------------------------------------------------------------------------


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of items whose predicted label equals the gold one (0 when there are none)."""
    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} items, predicted {len(predicted)}")
    return sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / len(gold) if gold else 0.0


def class_recall(gold: Sequence[str], predicted: Sequence[str], label: str) -> float | None:
    """Share of the items whose gold label is ``label`` that were predicted as ``label`` (None if none)."""
    hits = [p == label for g, p in zip(gold, predicted, strict=True) if g == label]
    return sum(hits) / len(hits) if hits else None


def confusion(gold: Sequence[str], predicted: Sequence[str],
              labels: Sequence[str] = COPY_KINDS) -> dict[str, dict[str, int]]:
    """``matrix[gold][predicted]`` counts; rows and columns are ``labels`` plus any other label seen."""
    names = list(labels) + sorted({x for x in (*gold, *predicted) if x not in labels})
    out = {g: {p: 0 for p in names} for g in names}
    for g, p in zip(gold, predicted, strict=True):
        out[g][p] += 1
    return out


def kind_of_score(score: float, exact: bool, near_cut: float, partial_cut: float) -> str:
    """A similarity score as a copy kind: exact when the texts are equal, near at or above ``near_cut``,
    partial at or above ``partial_cut``, else none."""
    if exact:
        return "exact"
    if score >= near_cut:
        return "near"
    if score >= partial_cut:
        return "partial"
    return "none"


def best_kind_cuts(gold: Sequence[str], scores: Sequence[float], exact: Sequence[bool],
                   grid: Sequence[float] | None = None) -> tuple[float, float]:
    """``(near_cut, partial_cut)`` with ``partial_cut <= near_cut`` that maximise the accuracy of
    :func:`kind_of_score` over labelled pairs; tune it on dev only.

    Every pair of grid points is tried. The default grid is 0, the midpoints between adjacent distinct scores
    and a point above the highest score (so each cut sits half way between two scores, never on one, and
    either band may be empty). Ties go to the highest near cut, then the highest partial cut: the most
    conservative choice.
    """
    if not (len(gold) == len(scores) == len(exact)):
        raise ValueError(f"gold, scores and exact differ in length: {len(gold)}, {len(scores)}, {len(exact)}")
    import numpy as np

    s = np.asarray(scores, dtype=np.float64)
    if grid is None:
        u = np.unique(s)
        top = float(u[-1]) + 1.0 if len(u) else 1.0
        grid = [0.0, *((u[:-1] + u[1:]) / 2.0).tolist(), top]
    cuts = np.unique(np.asarray(grid, dtype=np.float64))
    g = np.asarray(gold, dtype=object)
    ex = np.asarray(exact, dtype=bool)
    rest = ~ex
    base = int(np.sum(ex & (g == "exact")))

    def at_or_above(label: str) -> np.ndarray:
        """For each cut, how many non-exact pairs of gold ``label`` score at or above it."""
        x = np.sort(s[rest & (g == label)])
        return len(x) - np.searchsorted(x, cuts, side="left")

    near_ge, part_ge, none_ge = at_or_above("near"), at_or_above("partial"), at_or_above("none")
    n_none = int(np.sum(rest & (g == "none")))
    # correct[i, j] with partial cut = cuts[i], near cut = cuts[j]
    correct = (base + near_ge[None, :] + (part_ge[:, None] - part_ge[None, :]) + (n_none - none_ge[:, None]))
    valid = cuts[:, None] <= cuts[None, :]
    correct = np.where(valid, correct, -1)
    best = correct.max()
    ii, jj = np.nonzero(correct == best)
    i, j = max(zip(ii.tolist(), jj.tolist()), key=lambda ij: (ij[1], ij[0]))
    return float(cuts[j]), float(cuts[i])


# --- PAN plagdet -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpanPair:
    """A case or a detection: a span in the suspicious (copy) document and one in the source, in one
    document pair named ``doc`` (e.g. ``"copy-id|source-id"``). Ends are exclusive."""

    doc: str
    susp_start: int
    susp_end: int
    src_start: int
    src_end: int

    def __len__(self) -> int:
        return (self.susp_end - self.susp_start) + (self.src_end - self.src_start)


@dataclass(frozen=True, slots=True)
class Plagdet:
    precision: float
    recall: float
    granularity: float
    plagdet: float


def _overlap(a0: int, a1: int, b0: int, b1: int) -> tuple[int, int] | None:
    lo, hi = max(a0, b0), min(a1, b1)
    return (lo, hi) if lo < hi else None


def _detects(r: SpanPair, s: SpanPair) -> bool:
    """PAN: r detects s when they share characters in the suspicious *and* in the source document."""
    return (
        r.doc == s.doc
        and _overlap(r.susp_start, r.susp_end, s.susp_start, s.susp_end) is not None
        and _overlap(r.src_start, r.src_end, s.src_start, s.src_end) is not None
    )


def _union_len(intervals: list[tuple[int, int]]) -> int:
    total, end = 0, -1
    for lo, hi in sorted(intervals):
        if hi <= end:
            continue
        total += hi - max(lo, end)
        end = hi
    return total


def _covered(x: SpanPair, others: list[SpanPair]) -> int:
    """|⊔_{o} (x ⊓ o)|: characters of x (both documents) inside the others that detect / are detected."""
    susp, src = [], []
    for o in others:
        a = _overlap(x.susp_start, x.susp_end, o.susp_start, o.susp_end)
        b = _overlap(x.src_start, x.src_end, o.src_start, o.src_end)
        if a and b:
            susp.append(a)
            src.append(b)
    return _union_len(susp) + _union_len(src)


def plagdet(cases: Sequence[SpanPair], detections: Sequence[SpanPair]) -> Plagdet:
    """PAN text-alignment score (Potthast et al. 2010; PAN 2013–2015).

    prec = mean over detections r of |⊔_s (s ⊓ r)| / |r|; rec = mean over cases s of |⊔_r (s ⊓ r)| / |s|,
    where s ⊓ r is their shared characters in both documents when r detects s, else nothing;
    granularity = mean number of detections per detected case (1 when none is detected);
    plagdet = F1 / log2(1 + granularity). No detections give precision 0; no cases give recall 0.
    """
    cases = [c for c in cases if len(c) > 0]
    detections = [d for d in detections if len(d) > 0]
    by_doc_c: dict[str, list[SpanPair]] = {}
    by_doc_d: dict[str, list[SpanPair]] = {}
    for c in cases:
        by_doc_c.setdefault(c.doc, []).append(c)
    for d in detections:
        by_doc_d.setdefault(d.doc, []).append(d)
    prec = (
        sum(_covered(r, by_doc_c.get(r.doc, [])) / len(r) for r in detections) / len(detections)
        if detections
        else 0.0
    )
    rec = sum(_covered(s, by_doc_d.get(s.doc, [])) / len(s) for s in cases) / len(cases) if cases else 0.0
    counts = [sum(1 for r in by_doc_d.get(s.doc, []) if _detects(r, s)) for s in cases]
    detected = [n for n in counts if n > 0]
    gran = sum(detected) / len(detected) if detected else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return Plagdet(prec, rec, gran, f1 / math.log2(1 + gran))


# --- unrelated (spliced-in) spans ----------------------------------------------------------------------


def span_prf(truth: Mapping[str, Sequence[tuple[int, int]]],
             predicted: Mapping[str, Sequence[tuple[int, int]]]) -> PRF:
    """Character-level precision, recall and F1 of predicted spans against true ones, pooled over documents.

    Keys name a document (a side of a pair, e.g. ``"copy|source|a"``); spans are ``(start, end)`` with ends
    exclusive, and overlapping spans of one side count their characters once. Pooled (micro) rather than
    averaged per span, so that a long spliced paragraph weighs more than a short one, as it does for a
    reader; a document missing from one side has no spans there.
    """
    tp = fp = fn = 0
    for doc in set(truth) | set(predicted):
        t = list(truth.get(doc, ()))
        p = list(predicted.get(doc, ()))
        both = [o for a0, a1 in t for b0, b1 in p if (o := _overlap(a0, a1, b0, b1)) is not None]
        shared = _union_len(both)
        tp += shared
        fp += _union_len(p) - shared
        fn += _union_len(t) - shared
    return prf(tp, fp, fn)


# --- margins -------------------------------------------------------------------------------------------


def paired_bootstrap(differences: Callable[[np.ndarray], Mapping[str, float | None]], n_items: int,
                     rounds: int = 1000, seed: int = 0, level: float = 0.95) -> dict[str, tuple[float, float]]:
    """Percentile intervals of margins under resampling the items (Efron's paired bootstrap).

    ``differences(idx)`` scores both systems on the items ``idx`` (drawn with replacement, the same draw
    for both: that pairing is what makes a small margin measurable) and returns each metric's margin; a
    metric a draw leaves undefined (None or NaN: no positive left, say) is skipped for that draw.
    Seeded, so one run gives the same interval every time.
    """
    if n_items < 1:
        return {}
    rng = np.random.default_rng(seed)
    seen: dict[str, list[float]] = {}
    for _ in range(rounds):
        for k, d in differences(rng.integers(0, n_items, n_items)).items():
            if d is not None and d == d:
                seen.setdefault(k, []).append(float(d))
    tail = (1.0 - level) / 2 * 100
    return {k: (float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail))) for k, v in seen.items()}
