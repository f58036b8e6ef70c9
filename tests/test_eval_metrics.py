"""Metrics against examples computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import pytest

from storytrace.eval import metrics as m

# Five items: gold {a,b,c} {d,e}; predicted {a,b} {c,d,e}.
GOLD = {"a": "G1", "b": "G1", "c": "G1", "d": "G2", "e": "G2"}
PRED = {"a": "P1", "b": "P1", "c": "P2", "d": "P2", "e": "P2"}


def test_bcubed_by_hand():
    # precision per item: a 2/2, b 2/2, c 1/3 (only c of G1 in P2), d 2/3, e 2/3 -> 11/3 / 5 = 0.7333
    # recall per item:    a 2/3, b 2/3, c 1/3, d 2/2, e 2/2                      -> 11/3 / 5 = 0.7333
    b = m.bcubed(GOLD, PRED)
    assert b.precision == pytest.approx(11 / 15)
    assert b.recall == pytest.approx(11 / 15)
    assert b.f1 == pytest.approx(11 / 15)


def test_bcubed_one_big_cluster_and_singletons():
    # everything in one cluster: precision a,b,c 3/5, d,e 2/5 -> 13/25; recall 1; F1 = 2*.52/1.52
    b = m.bcubed(GOLD, {k: "X" for k in GOLD})
    assert (b.precision, b.recall) == pytest.approx((13 / 25, 1.0))
    assert b.f1 == pytest.approx(2 * 0.52 / 1.52)
    # nothing predicted: all singletons -> precision 1, recall a,b,c 1/3, d,e 1/2 -> (1 + 1)/5 = 0.4
    s = m.bcubed(GOLD, {})
    assert (s.precision, s.recall) == pytest.approx((1.0, 0.4))


def test_ari_nmi_by_hand():
    # contingency P1:(G1 2), P2:(G1 1, G2 2): sum C(n_ij,2) = 1+0+1 = 2; gold sizes 3,2 -> 3+1 = 4;
    # predicted sizes 2,3 -> 1+3 = 4; C(5,2) = 10; expected 4*4/10 = 1.6; max (4+4)/2 = 4
    # ARI = (2 - 1.6) / (4 - 1.6) = 1/6
    assert m.ari(GOLD, PRED) == pytest.approx(1 / 6)
    assert m.ari(GOLD, GOLD) == pytest.approx(1.0)
    assert m.nmi(GOLD, GOLD) == pytest.approx(1.0)
    assert 0.0 < m.nmi(GOLD, PRED) < 1.0


def test_pair_prf_and_threshold():
    gold = [True, True, False, True]
    scores = [0.9, 0.8, 0.7, 0.2]
    # cut 0.8: tp 2, fp 0, fn 1 -> p 1, r 2/3, f 0.8
    p = m.pair_prf(gold, [s >= 0.8 for s in scores])
    assert (p.precision, p.recall, p.f1) == pytest.approx((1.0, 2 / 3, 0.8))
    # cut 0.2: tp 3 fp 1 -> p .75 r 1 f .857 (best); cut .9: f .5; cut .7: f .667
    assert m.best_threshold(gold, scores) == 0.2
    assert m.prf(0, 0, 3) == m.PRF(0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        m.pair_prf([True], [True, False])


def test_average_precision_by_hand():
    # ranks: 1 (pos) precision 1/1, 2 (neg), 3 (pos) precision 2/3 -> AP = (1 + 2/3) / 2
    assert m.average_precision([True, False, True], [0.9, 0.8, 0.7]) == pytest.approx(5 / 6)
    assert m.average_precision([False, False], [0.1, 0.2]) == 0.0


def test_top1_and_spearman():
    truth = {"x": "s1", "y": "s2", "z": "s3"}
    assert m.top1_accuracy(truth, {"x": ["s1", "s2"], "y": ["s1", "s2"]}) == pytest.approx(1 / 3)
    assert m.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert m.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert m.spearman([1, 1, 1], [1, 2, 3]) == 0.0


def test_plagdet_split_detection_by_hand():
    # case s: susp [0,100) src [0,100). r1 = [0,50)/[0,50) lies inside s: precision 100/100 = 1.
    # r2 = [50,150)/[50,150): shares 50 + 50 of its 200 chars: 0.5. prec = 0.75.
    # s is covered by r1 u r2 completely: rec = 200/200 = 1. Two detections for one case: gran 2.
    # plagdet = F1 / log2(3), F1 = 2*.75*1/1.75
    s = m.SpanPair("d", 0, 100, 0, 100)
    r1 = m.SpanPair("d", 0, 50, 0, 50)
    r2 = m.SpanPair("d", 50, 150, 50, 150)
    p = m.plagdet([s], [r1, r2])
    assert (p.precision, p.recall, p.granularity) == pytest.approx((0.75, 1.0, 2.0))
    assert p.plagdet == pytest.approx((2 * 0.75 / 1.75) / math.log2(3))


def test_plagdet_needs_both_sides_and_same_document():
    s1 = m.SpanPair("d", 0, 100, 0, 100)
    s2 = m.SpanPair("e", 10, 20, 30, 40)
    r1 = m.SpanPair("d", 0, 100, 0, 100)
    r3 = m.SpanPair("e", 10, 20, 0, 10)  # right place in the copy, wrong place in the source: no detection
    r4 = m.SpanPair("x", 10, 20, 30, 40)  # right spans, other document pair
    # precision: r1 1, r3 0, r4 0 -> 1/3; recall: s1 1, s2 0 -> 1/2; granularity over s1 only: 1
    p = m.plagdet([s1, s2], [r1, r3, r4])
    assert (p.precision, p.recall, p.granularity) == pytest.approx((1 / 3, 0.5, 1.0))
    assert p.plagdet == pytest.approx(2 * (1 / 3) * 0.5 / (1 / 3 + 0.5))
    assert m.plagdet([s1], []) == m.Plagdet(0.0, 0.0, 1.0, 0.0)


def test_span_prf_by_hand():
    # doc x: truth [0,100); predicted [50,150) and [60,80) (inside the first: counted once) -> tp 50, fp 50
    # doc y: truth [0,10) and [20,30), nothing predicted -> fn 20; doc x misses [0,50) -> fn 50
    # doc z: no truth, predicted [0,30) -> fp 30
    # precision 50/130, recall 50/120
    truth = {"x": [(0, 100)], "y": [(0, 10), (20, 30)]}
    predicted = {"x": [(50, 150), (60, 80)], "z": [(0, 30)]}
    u = m.span_prf(truth, predicted)
    assert (u.precision, u.recall) == pytest.approx((50 / 130, 50 / 120))
    assert u.f1 == pytest.approx(2 * (50 / 130) * (50 / 120) / (50 / 130 + 50 / 120))
    assert m.span_prf(truth, truth) == m.PRF(1.0, 1.0, 1.0)
    assert m.span_prf(truth, {}) == m.PRF(0.0, 0.0, 0.0)


def test_copy_kind_accuracy_recall_confusion_by_hand():
    gold = ["exact", "near", "near", "partial", "none", "none"]
    pred = ["exact", "exact", "near", "near", "none", "partial"]
    # right: exact, the second near, the first none -> 3 of 6
    assert m.accuracy(gold, pred) == pytest.approx(0.5)
    assert [m.class_recall(gold, pred, k) for k in m.COPY_KINDS] == pytest.approx([1.0, 0.5, 0.0, 0.5])
    assert m.class_recall(["none"], ["none"], "exact") is None
    c = m.confusion(gold, pred)
    assert list(c) == list(m.COPY_KINDS) and all(list(row) == list(m.COPY_KINDS) for row in c.values())
    assert c["exact"] == {"exact": 1, "near": 0, "partial": 0, "none": 0}
    assert c["near"] == {"exact": 1, "near": 1, "partial": 0, "none": 0}
    assert c["partial"] == {"exact": 0, "near": 1, "partial": 0, "none": 0}
    assert c["none"] == {"exact": 0, "near": 0, "partial": 1, "none": 1}
    assert sum(v for row in c.values() for v in row.values()) == len(gold)
    assert m.accuracy([], []) == 0.0
    with pytest.raises(ValueError):
        m.accuracy(["none"], [])


def test_kind_of_score():
    assert m.kind_of_score(0.1, True, 0.8, 0.3) == "exact"  # equal texts win whatever the score
    assert [m.kind_of_score(s, False, 0.8, 0.3) for s in (0.8, 0.79, 0.3, 0.29)] == ["near", "partial", "partial", "none"]


def test_best_kind_cuts_finds_the_only_perfect_grid_point():
    gold = ["exact", "near", "near", "partial", "partial", "none", "none"]
    scores = [1.0, 0.9, 0.7, 0.5, 0.3, 0.2, 0.1]
    exact = [True] + [False] * 6
    # near needs a cut in (0.5, 0.7], partial one in (0.2, 0.3]: on this grid only 0.6 and 0.25
    grid = [0.0, 0.15, 0.25, 0.4, 0.6, 0.8, 0.95]
    assert m.best_kind_cuts(gold, scores, exact, grid) == pytest.approx((0.6, 0.25))
    # the default grid is the midpoints between adjacent scores: the same two cuts
    assert m.best_kind_cuts(gold, scores, exact) == pytest.approx((0.6, 0.25))
    near, part = m.best_kind_cuts(gold, scores, exact)
    assert m.accuracy(gold, [m.kind_of_score(s, e, near, part) for s, e in zip(scores, exact)]) == 1.0


def test_best_kind_cuts_trade_off_and_ties():
    gold = ["near", "partial", "near", "partial", "none", "none"]
    scores = [0.9, 0.8, 0.7, 0.4, 0.45, 0.1]
    exact = [False] * 6
    # Counted by hand over (near, partial) on the grid below: at most 4 of 6 right, reached by
    # (0.85, 0.75), (0.85, 0.5), (0.85, 0.3), (0.5, 0.5) and (0.5, 0.3); e.g. (0.75, *) gets 3 and
    # (0.3, 0.3) gets 3. Ties go to the highest near cut, then the highest partial cut.
    grid = [0.3, 0.5, 0.75, 0.85]
    assert m.best_kind_cuts(gold, scores, exact, grid) == pytest.approx((0.85, 0.75))
    acc = {(n, p): m.accuracy(gold, [m.kind_of_score(s, False, n, p) for s in scores])
           for n in grid for p in grid if p <= n}
    assert max(acc.values()) == pytest.approx(4 / 6)
    assert {k for k, v in acc.items() if v == max(acc.values())} == {
        (0.85, 0.75), (0.85, 0.5), (0.85, 0.3), (0.5, 0.5), (0.5, 0.3)}
    with pytest.raises(ValueError):
        m.best_kind_cuts(gold, scores[:2], exact)


def test_paired_bootstrap_of_fixed_differences_is_that_difference():
    right = [1.0] * 30
    wrong = [0.0] * 30

    def diffs(idx):
        return {"same": sum(right[i] - right[i] for i in idx) / len(idx),
                "always": sum(right[i] - wrong[i] for i in idx) / len(idx), "never": None}

    out = m.paired_bootstrap(diffs, 30, rounds=200)
    assert out["same"] == (0.0, 0.0) and out["always"] == (1.0, 1.0)
    assert "never" not in out  # undefined in every draw: no interval
    assert m.paired_bootstrap(diffs, 0) == {}


def test_paired_bootstrap_interval_of_a_half_right_system_matches_the_binomial_spread():
    # ours right on every other item, theirs on none: the margin is a resampled mean of 0/1 with p = 1/2,
    # whose 95% interval is about 0.5 +- 1.96 * sqrt(0.25 / 400) = 0.5 +- 0.049
    ours = [float(i % 2) for i in range(400)]

    def diffs(idx):
        return {"acc": sum(ours[i] for i in idx) / len(idx)}

    lo, hi = m.paired_bootstrap(diffs, 400, rounds=2000, seed=3)["acc"]
    assert lo == pytest.approx(0.451, abs=0.012) and hi == pytest.approx(0.549, abs=0.012)
    assert m.paired_bootstrap(diffs, 400, rounds=300, seed=3) == m.paired_bootstrap(diffs, 400, rounds=300, seed=3)
    # pairing: the same draw for both systems, so a constant offset has no spread at all
    assert m.paired_bootstrap(lambda idx: {"d": sum(ours[i] + 0.1 - ours[i] for i in idx) / len(idx)},
                              400, rounds=100)["d"] == pytest.approx((0.1, 0.1))


def test_dedup_scores_hand_computed() -> None:
    # two true groups: {a, a1, a2} with original a, {b, b1} with original b; x stands alone
    originals = {"a": "a", "a1": "a", "a2": "a", "b": "b", "b1": "b"}
    # drops: a1 -> a (right), a2 -> a1 (right: same group, though a1 is dropped too), b -> b1 (right, but the
    # copy is kept and the original dropped), x -> a (wrong)
    s = m.dedup_scores(originals, {"a1": "a", "a2": "a1", "b": "b1", "x": "a"})
    assert (s.precision, s.recall) == pytest.approx((3 / 4, 3 / 3))
    assert s.f1 == pytest.approx(2 * 0.75 / 1.75)
    assert s.kept_original == pytest.approx(1 / 2)  # group b lost its original
    nothing = m.dedup_scores(originals, {})
    assert (nothing.precision, nothing.recall, nothing.f1, nothing.kept_original) == (0.0, 0.0, 0.0, 0.0)
    assert m.dedup_scores({}, {"x": "y"}).kept_original is None
