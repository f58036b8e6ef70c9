"""Clustering: connected components, average-link cuts, story records."""

from __future__ import annotations

import random

import numpy as np
import pytest

from storytrace import Article, Settings
from storytrace.cluster import Member, average_link, build_story, components, similarity_matrix, story_id
from storytrace.fingerprint import fingerprint


def member(id: str, published: str | None = None, *, title: str = "", site: str | None = None,
           body: dict[str, float] | None = None, entities: dict[str, float] | None = None,
           title_vec: dict[str, float] | None = None) -> Member:
    return Member(id=id, title=title, site=site, published=published, body=body or {"x": 1.0},
                  entities=entities or {}, title_vec=title_vec or {})


# -- components ------------------------------------------------------------------------------------

def test_components() -> None:
    got = components(["c", "a", "b", "d", "e"], [("b", "a"), ("d", "e")])
    assert got == [["a", "b"], ["c"], ["d", "e"]]


def test_components_ignore_edges_to_unknown_nodes() -> None:
    assert components(["a", "b"], [("a", "zz"), ("zz", "b")]) == [["a"], ["b"]]


def test_components_are_deterministic_whatever_the_order() -> None:
    nodes = [f"n{i:02d}" for i in range(30)]
    edges = [(nodes[i], nodes[i + 1]) for i in range(0, 29, 3)] + [(nodes[5], nodes[20]), (nodes[7], nodes[29])]
    expected = components(nodes, edges)
    rng = random.Random(7)
    for _ in range(20):
        n2, e2 = nodes[:], [(b, a) if rng.random() < 0.5 else (a, b) for a, b in edges]
        rng.shuffle(n2)
        rng.shuffle(e2)
        assert components(n2, e2) == expected
    assert all(c == sorted(c) for c in expected)
    assert [c[0] for c in expected] == sorted(c[0] for c in expected)
    assert sorted(x for c in expected for x in c) == sorted(nodes)


def test_components_of_nothing() -> None:
    assert components([], []) == []


# -- average link ----------------------------------------------------------------------------------

def test_average_link_splits_two_groups_joined_by_one_weak_link() -> None:
    t = Settings().story_threshold
    strong, weak = min(1.0, t + 0.5), t + 0.05   # one pair above the threshold links the groups ...
    s = np.full((6, 6), 0.0)
    for grp in ((0, 1, 2), (3, 4, 5)):
        for i in grp:
            for j in grp:
                s[i, j] = strong
    s[2, 3] = s[3, 2] = weak                     # ... but on average the groups are far apart
    np.fill_diagonal(s, 1.0)
    labels = average_link(s, t)
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4] == labels[5]
    assert labels[0] != labels[3]
    assert labels == [0, 0, 0, 1, 1, 1]     # numbered by first appearance


def test_average_link_keeps_a_tight_group_together() -> None:
    t = Settings().story_threshold
    s = np.full((4, 4), min(1.0, t + 0.2))
    np.fill_diagonal(s, 1.0)
    assert average_link(s, t) == [0, 0, 0, 0]


def test_average_link_separates_strangers() -> None:
    t = Settings().story_threshold
    s = np.eye(3)
    assert sorted(average_link(s, t)) == [0, 1, 2]


def test_average_link_single_item() -> None:
    assert average_link(np.array([[1.0]]), Settings().story_threshold) == [0]


# -- similarity matrix -----------------------------------------------------------------------------

def test_similarity_matrix_matches_vectors_window_and_forced_pairs() -> None:
    s = Settings()
    a = member("a", "2020-01-01", body={"flood": 0.8, "dhaka": 0.6}, entities={"dhaka": 1.0})
    b = member("b", "2020-01-02", body={"flood": 0.8, "dhaka": 0.6}, entities={"dhaka": 1.0})
    far = member("c", "2021-06-01", body={"flood": 0.8, "dhaka": 0.6}, entities={"dhaka": 1.0})
    other = member("d", "2020-01-01", body={"quake": 1.0}, entities={"lima": 1.0})
    sim = similarity_matrix([a, b, far, other], s)
    assert sim.shape == (4, 4)
    assert np.allclose(np.diag(sim), 1.0)
    assert np.allclose(sim, sim.T)
    from storytrace.relate import time_factor

    assert sim[0, 1] == pytest.approx(time_factor(1.0, s))  # same words, a day apart
    assert sim[0, 1] < 1.0 or s.story_time_decay == 0.0
    assert sim[0, 2] == 0.0                      # beyond the story window
    assert sim[0, 3] == pytest.approx(0.0)
    forced = similarity_matrix([a, b, far, other], s, forced=[(0, 3)])
    assert forced[0, 3] == forced[3, 0] == 1.0
    copied = similarity_matrix([a, b, far, other], s, copied=[(0, 2)])
    assert copied[0, 2] == pytest.approx(1.0)    # a copy is evidence against the dates: no window, no decay


def test_time_decay_is_linear_inside_the_window_and_zero_outside() -> None:
    from storytrace.relate import time_factor

    s = Settings(story_time_decay=0.5, story_window_days=30.0)
    assert time_factor(0.0, s) == 1.0
    assert time_factor(15.0, s) == pytest.approx(0.75)
    assert time_factor(30.0, s) == pytest.approx(0.5)
    assert time_factor(30.5, s) == 0.0
    assert time_factor(15.0, Settings(story_time_decay=0.0)) == 1.0


def test_similarity_matrix_agrees_with_relate(core) -> None:
    from storytrace.relate import story_similarity

    s = Settings()
    arts = [core["bridge_original"], core["bridge_rewrite"], core["quake_albania"], core["quake_peru"]]
    fps = [fingerprint(a, s) for a in arts]
    members = [Member(a.id, a.title, a.site, a.published, f.body, f.entities, f.title) for a, f in zip(arts, fps)]
    sim = similarity_matrix(members, s)
    for i in range(len(arts)):
        for j in range(i + 1, len(arts)):
            expected = story_similarity(fps[i], fps[j], arts[i].published, arts[j].published, s)["story"]
            assert sim[i, j] == pytest.approx(expected, abs=1e-6)


# -- story records ---------------------------------------------------------------------------------

def test_build_story_picks_earliest_dated_member_and_groups_reprints() -> None:
    members = [
        member("b", "2018-01-02", title="Second", site="b.example"),
        member("a", None, title="", site="a.example"),
        member("c", "2018-01-01T08:00:00Z", title="First", site="c.example"),
        member("d", "2018-01-03", title="Third", site="b.example"),
        member("e", "2018-01-02T12:00:00Z", title="Fourth", site=None),
    ]
    story = build_story(members, [("b", "d"), ("d", "e"), ("c", "not-a-member")])
    assert story.first == "c"
    assert story.first_site == "c.example"
    assert story.first_published == "2018-01-01T08:00:00Z"
    assert story.last_published == "2018-01-03"
    assert story.members == ("c", "b", "e", "d", "a")     # timeline, undated last
    assert story.headline == "First"
    assert story.sites == ("a.example", "b.example", "c.example")
    assert story.reprint_groups == (("b", "d", "e"),)
    assert story.size == 5
    assert story.id == story_id("c")


def test_build_story_without_dates() -> None:
    story = build_story([member("y", title="Y"), member("x", title="X")], [])
    assert story.first == "x"                        # ties broken by id, deterministically
    assert story.first_published is None and story.last_published is None
    assert story.reprint_groups == ()


def test_build_story_passes_over_members_shown_to_be_copies_however_early() -> None:
    members = [member("farm", "2018-01-01", site="farm.example"), member("wire", "2018-02-01", site="wire.example"),
               member("blog", "2018-03-01", site="blog.example")]
    story = build_story(members, [("farm", "wire")], copies={"farm"})
    assert (story.first, story.first_site, story.first_published) == ("wire", "wire.example", "2018-02-01")
    assert story.members == ("farm", "wire", "blog")  # the timeline keeps the dates as given
    assert story.id == story_id("wire")
    # when every member is shown to be a copy, the dates decide again
    assert build_story(members[:2], [], copies={"farm", "wire"}).first == "farm"


def test_story_ids_are_stable_strings() -> None:
    assert story_id("abc") == story_id("abc")
    assert story_id("abc") != story_id("abd")
    assert story_id("abc").startswith("s")
    int(story_id("abc")[1:], 16)


def test_story_to_dict() -> None:
    story = build_story([member("a", "2018-01-01", title="T", site="s.example"), member("b", "2018-01-02")],
                        [("a", "b")])
    d = story.to_dict()
    assert d["size"] == 2 and d["members"] == ["a", "b"]
    assert d["first_publisher"] == {"article": "a", "site": "s.example", "published": "2018-01-01"}
    assert d["reprint_groups"] == [["a", "b"]]


def test_vectorised_short_text_boost_agrees_with_relate() -> None:
    from storytrace.cluster import _boosts
    from storytrace.relate import short_text_boost

    s = Settings()
    lengths = [0, 1, 3, 7, 12, 29, 30, 31, 45, 120, 480, 2000]
    got = _boosts(lengths, lengths, s)
    for i, a in enumerate(lengths):
        for j, b in enumerate(lengths):
            assert got[i, j] == pytest.approx(short_text_boost(a, b, s), rel=1e-9)
    assert got.max() > 1.0 and (got[:, -1] == 1.0).any()


def test_similarity_matrix_and_row_blocks_agree_with_relate_on_short_texts(core) -> None:
    """Headlines against headlines and against a full article: boosts and the names' smaller weight in
    short texts are the same in relate, the dense matrix and the row blocks."""
    from storytrace.cluster import _rows_similarity
    from storytrace.relate import story_similarity

    s = Settings()
    arts = [Article(text="Sachin Tendulkar says he is not God", id="h1"),
            Article(text="Sachin Tendulkar scores his hundredth international century", id="h2"),
            Article(text="Tendulkar: I am not God, says Sachin in Mumbai", id="h3"),
            core["quake_albania"], core["quake_peru"]]
    fps = [fingerprint(a, s) for a in arts]
    members = [Member(a.id, a.title, a.site, None, f.body, f.entities, f.title, f.n_words) for a, f in zip(arts, fps)]
    sim = similarity_matrix(members, s)
    rows = _rows_similarity(members[:2], members, s)
    for i in range(len(arts)):
        for j in range(len(arts)):
            if i == j:
                continue
            expected = story_similarity(fps[i], fps[j], None, None, s)["story"]
            assert sim[i, j] == pytest.approx(expected, abs=1e-6)
            if i < 2:
                assert rows[i, j] == pytest.approx(expected, abs=1e-6)
    assert story_similarity(fps[0], fps[1], None, None, s).get("story_short_boost", 1.0) > 1.0


def _random_members(rng: random.Random, n: int) -> list[Member]:
    """Members with overlapping random vectors (shared terms in different dict orders, some parts empty)."""
    terms = [f"t{i}" for i in range(40)]

    def vec() -> dict[str, float]:
        if rng.random() < 0.15:
            return {}
        return {t: rng.random() for t in rng.sample(terms, rng.randint(1, 25))}

    return [Member(id=f"m{i}", title="", site=None,
                   published=rng.choice([None, "2020-01-01", "2020-01-09T12:00:00+00:00"]),
                   body=vec(), entities=vec(), title_vec=vec(), n_words=rng.choice([0, 5, 12, 40, 300]))
            for i in range(n)]


@pytest.mark.parametrize("seed", range(40))
def test_small_components_give_bit_identical_similarities(seed: int, monkeypatch) -> None:
    """The Python dot products of small components equal scipy's sparse products to the last bit."""
    from storytrace import cluster

    rng = random.Random(seed)
    members = _random_members(rng, rng.randint(2, cluster._SMALL))
    st = Settings()
    small = cluster._Vectors(members)
    assert small.small
    for part in range(3):
        vectors = [[m.body, m.entities, m.title_vec][part] for m in members]
        m = cluster._matrix(vectors, {})
        assert np.array_equal(cluster._small_dots(cluster._ranked(vectors), 0, len(members)), (m @ m.T).toarray())
    got = small.block(0, len(members), st)
    monkeypatch.setattr(cluster, "_SMALL", 0)
    sparse = cluster._Vectors(members)
    assert not sparse.small
    assert np.array_equal(got, sparse.block(0, len(members), st))
    assert np.array_equal(small.block(1, len(members), st), sparse.block(1, len(members), st))


# -- broad articles left alone by average-link -------------------------------------------------------

def _broad_case(n_words_broad: int = 100, group: int = 3) -> list[Member]:
    """A tight group (a, b, c) and a broad article d: one same-story link (to a, 0.40), the rest weak
    (0.20), so its mean similarity to the group, 0.27, is under the threshold but well above nothing."""
    group_members = [
        Member("a", "", None, None, {"x": 0.8, "z": 0.6}, {}, {}, 100),
        Member("b", "", None, None, {"x": 1.0}, {}, {}, 100),
        Member("c", "", None, None, {"x": 1.0}, {}, {}, 100),
    ][:group]
    broad = Member("d", "", None, None, {"x": 0.2, "z": 0.4, "y": (1 - 0.04 - 0.16) ** 0.5}, {}, {}, n_words_broad)
    return [*group_members, broad]


def test_broad_article_left_alone_joins_the_story_it_links_into() -> None:
    from storytrace.cluster import dense_average_link

    st = Settings()
    members = _broad_case()
    sim = similarity_matrix(members, st)
    assert sim[3, 0] >= st.story_threshold > sim[3, 1:3].max()
    assert st.attach_threshold <= sim[3, :3].mean() < st.story_threshold
    assert len(set(dense_average_link(members, st))) == 1
    # before attach_threshold existed (a stored index's settings): the broad article stayed alone
    old = Settings(attach_threshold=1.0)
    labels = dense_average_link(members, old)
    assert labels[0] == labels[1] == labels[2] != labels[3]


def test_attachment_needs_a_full_text_and_a_group_of_three() -> None:
    from storytrace.cluster import dense_average_link

    st = Settings()
    headline = _broad_case(n_words_broad=0)  # length unknown: no evidence it is a broad article
    labels = dense_average_link(headline, st)
    assert labels[3] not in labels[:3]
    pair = _broad_case(group=2)  # a pair's mean is little more than the pairwise judgment already made
    labels = dense_average_link(pair, st)
    assert labels[2] not in labels[:2]


def test_attachment_never_merges_two_clusters() -> None:
    from storytrace.cluster import dense_average_link

    st = Settings()
    members = _broad_case()
    members.append(Member("e", "", None, None, dict(members[3].body), {}, {}, 100))
    labels = dense_average_link(members, st)
    assert labels[3] == labels[4] != labels[0]
