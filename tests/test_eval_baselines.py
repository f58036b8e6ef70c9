"""Baselines behave as their textbook definitions say, on texts small enough to reason about."""

from __future__ import annotations

from storytrace.eval import baselines as bl
from storytrace.model import Article

WIRE = ("The harbour authority closed the northern pier on Monday after storm damage was found in the old "
        "timber supports, and ferries were sent to the southern terminal until repairs are finished.")
OTHER = ("A local bakery won the regional bread contest with a sourdough loaf that the judges praised for its "
         "crust, its open crumb and the sharp tang of a starter kept alive for forty years.")


def test_shingles():
    assert bl.shingles("One two three") == {b"one two three"}
    assert len(bl.shingles("a b c d e f")) == 2
    assert bl.shingles("") == set()


def test_components():
    assert bl.components(5, [(0, 1), (3, 4), (1, 0)]) == [0, 0, 2, 3, 3]


def test_minhash_clusters_copies_only():
    arts = [Article(WIRE, id="w1"), Article(WIRE + " Updated.", id="w2"), Article(OTHER, id="o1")]
    labels = bl.minhash_lsh_clusters(arts, 0.5)
    assert labels["w1"] == labels["w2"] != labels["o1"]
    scores = bl.minhash_pair_scores([(arts[0], arts[1]), (arts[0], arts[2])])
    assert scores[0] > 0.8 and scores[1] < 0.1


def test_tfidf_linkage_and_scores():
    arts = [Article(WIRE, id="w1"), Article(WIRE.replace("Monday", "Tuesday"), id="w2"), Article(OTHER, id="o1")]
    single = bl.tfidf_linkage(arts, "single")
    cut = single.cut(0.5)
    assert cut["w1"] == cut["w2"] != cut["o1"]
    assert len(set(single.cut(0.999).values())) <= 2 and len(set(single.cut(0.0).values())) == 3
    cos = bl.tfidf_pair_scores([(arts[0], arts[1]), (arts[0], arts[2])], arts)
    assert cos[0] > 0.8 and cos[1] < 0.1
    assert bl.tfidf_linkage(arts[:1], "average").cut(0.5) == {"w1": "c0"}


def test_same_tokens_is_exact_word_sequence():
    a = Article(WIRE, id="a", title="Pier closed")
    assert bl.same_tokens(a, Article(WIRE.replace(". ", ".  "), id="b", title="PIER closed"))
    assert not bl.same_tokens(a, Article(WIRE + " Related", id="c", title="Pier closed"))
    assert not bl.same_tokens(a, Article(WIRE, id="d", title="Pier shut"))


def test_exact_token_dedup_keeps_the_earliest_of_each_identical_text():
    arts = [Article(text="Storm hits the coast.", id="late", published="2020-02-02"),
            Article(text="storm  HITS the coast", id="early", published="2020-01-01"),
            Article(text="Storm hits the coast hard.", id="longer", published="2019-01-01"),
            Article(text="Storm hits the coast.", id="undated")]
    labels = bl.exact_token_clusters(arts)
    assert labels["late"] == labels["early"] == labels["undated"] != labels["longer"]
    assert bl.dedup_clusters(arts, labels) == {"late": "early", "undated": "early"}
