"""The site copy network: copy pairs oriented by date, and per-site copy signals counted by hand."""

from __future__ import annotations

import pytest

from storytrace.network import CopyEdge, copy_edges, site_signals


def test_copy_edges_point_from_the_later_article_to_the_earlier_one() -> None:
    rows = [
        ("farm.example", "2020-03-02T06:00:00Z", 2, ("lookalike_letters", "swapped_words", "changed_figures"),
         "wire.example", "2020-03-01T18:00:00Z", 1, ()),
        ("wire.example", "2020-03-01T18:00:00+00:00", 1, ("missing_spaces",),
         "blog.example", "2020-03-01T20:00:00+01:00", 3, None),
        (None, "2020-03-01", 4, (), "wire.example", None, 1, ()),  # one date missing: no direction
        ("a.example", "2020-03-01T10:00:00Z", 5, (), "b.example", "2020-03-01T11:00:00+01:00", 6, ()),  # same moment
    ]
    # each edge carries the copy's own disguises, whichever side of the stored pair it was, and of them
    # only the tricks no honest edit leaves (a newer figure, or a series episode's new name, is no disguise)
    assert copy_edges(rows) == [
        CopyEdge("farm.example", "wire.example", 2, 1, 12.0, ("lookalike_letters",)),
        CopyEdge("blog.example", "wire.example", 3, 1, 1.0, None),  # 20:00 at +01:00 is 19:00 UTC
    ]


def test_site_signals_count_copies_sources_and_lag() -> None:
    edges = [
        CopyEdge("farm.example", "wire.example", 10, 1, 2.0),
        CopyEdge("farm.example", "paper.example", 10, 7, 30.0),  # article 10 has two sources: 30 h after the earliest
        CopyEdge("farm.example", "wire.example", 11, 2, 6.0),
        CopyEdge("farm.example", "farm.example", 12, 10, 48.0),  # its own archive: in copied_from only
        CopyEdge("paper.example", "wire.example", 8, 1, 1.0),
    ]
    counts = {"farm.example": 4, "wire.example": 5, "paper.example": 3, "": 1}
    rows = site_signals(counts, edges)
    assert [r["site"] for r in rows] == ["wire.example", "farm.example", "paper.example", None]
    farm, wire, paper = (next(r for r in rows if r["site"] == s) for s in ("farm.example", "wire.example", "paper.example"))
    assert farm["copied_from"] == {"wire.example": 2, "paper.example": 1, "farm.example": 1}
    assert (farm["copies"], farm["copy_share"], farm["copied"]) == (2, 0.5, 0)
    assert farm["median_lag_hours"] == pytest.approx(18.0)  # median of 30 and 6
    assert (wire["copies"], wire["copied"], wire["median_lag_hours"]) == (0, 2, None)  # articles 1 and 2
    assert (paper["copies"], paper["copied"], paper["median_lag_hours"]) == (1, 1, 1.0)
    assert rows[-1] == {"site": None, "articles": 1, "copied_from": {}, "copies": 0, "copy_share": 0.0,
                        "copied": 0, "median_lag_hours": None, "disguised": 0, "disguised_share": None,
                        "disguises": {}}


def test_site_signals_count_disguised_copies_once_each() -> None:
    edges = [
        CopyEdge("farm.example", "wire.example", 10, 1, 2.0, ("lookalike_letters",)),
        CopyEdge("farm.example", "paper.example", 10, 7, 3.0, ("lookalike_letters", "dropped_words")),
        CopyEdge("farm.example", "wire.example", 11, 2, 2.0, ()),  # looked at, plain
        CopyEdge("farm.example", "wire.example", 12, 3, 2.0, None),  # stored before disguises: not counted
        CopyEdge("farm.example", "farm.example", 13, 10, 2.0, ("missing_spaces",)),  # its own archive
        CopyEdge("paper.example", "wire.example", 8, 1, 1.0, None),
    ]
    rows = {r["site"]: r for r in site_signals({"farm.example": 5, "wire.example": 3, "paper.example": 2}, edges)}
    farm = rows["farm.example"]
    assert farm["copies"] == 3
    # articles 10 (two sources, two kinds between them) and 11 were looked at; 10 is disguised
    assert (farm["disguised"], farm["disguised_share"]) == (1, 0.5)
    assert farm["disguises"] == {"dropped_words": 1, "lookalike_letters": 1}
    assert (rows["paper.example"]["disguised"], rows["paper.example"]["disguised_share"]) == (0, None)


def test_rank_sites_orders_by_a_signal_and_drops_small_sites() -> None:
    from storytrace.network import rank_sites

    rows = [{"site": "wire", "articles": 50, "copy_share": 0.02, "copies": 1, "copied": 30},
            {"site": "farm", "articles": 10, "copy_share": 0.9, "copies": 9, "copied": 0},
            {"site": "blog", "articles": 1, "copy_share": 1.0, "copies": 1, "copied": 0},
            {"site": "mill", "articles": 20, "copy_share": 0.9, "copies": 18, "copied": 2}]
    assert [r["site"] for r in rank_sites(rows)] == ["wire", "mill", "farm", "blog"]
    # ties on the share go to the larger site; the one-article site is left out
    assert [r["site"] for r in rank_sites(rows, "copy_share", min_articles=2)] == ["mill", "farm", "wire"]
    assert [r["site"] for r in rank_sites(rows, "copied")][0] == "wire"
    with pytest.raises(ValueError, match="copy_share"):
        rank_sites(rows, "lag")
    # a share nobody could measure goes last, not first
    shares = {"wire": None, "farm": 0.5, "blog": 1.0, "mill": 0.5}
    for r in rows:
        r["disguised_share"] = shares[r["site"]]
    assert [r["site"] for r in rank_sites(rows, "disguised_share")] == ["blog", "mill", "farm", "wire"]


def test_site_links_count_copies_pairs_lag_and_disguised_per_pair_of_sites() -> None:
    from storytrace.network import site_links

    edges = [
        CopyEdge("farm.example", "wire.example", 10, 1, 2.0, ("lookalike_letters",)),
        CopyEdge("farm.example", "wire.example", 10, 2, 4.0, ()),  # article 10 copies two wire articles
        CopyEdge("farm.example", "wire.example", 11, 1, 9.0, ()),
        CopyEdge("farm.example", "paper.example", 12, 7, 1.0, None),  # not looked at
        CopyEdge("", "wire.example", 13, 3, 5.0, ()),
    ]
    rows = site_links(edges)
    assert rows[0] == {"site": "farm.example", "copies_from": "wire.example", "copies": 2, "pairs": 3,
                       "median_lag_hours": 4.0, "disguised": 1}
    rest = {(r["site"], r["copies_from"]): r for r in rows[1:]}
    assert rest[("farm.example", "paper.example")]["disguised"] is None
    assert rest[(None, "wire.example")]["copies"] == 1
    assert site_links([]) == []


def test_an_undated_copy_is_oriented_by_the_tricks_only_a_copier_plays() -> None:
    rows = [
        # no date on the farm's side: it alone plays look-alike letters, so it is the copy
        ("farm.example", None, 2, ("lookalike_letters",), "wire.example", "2020-03-01T18:00:00Z", 1, ()),
        # the copy on the b side this time, with no dates at all
        ("wire.example", None, 3, (), "mill.example", None, 4, ("dropped_words", "swapped_words")),
        # swapped words alone say nothing of direction; tricks on both sides, or not looked at, neither
        ("a.example", None, 5, ("swapped_words",), "b.example", None, 6, ()),
        ("a.example", None, 7, ("lookalike_letters",), "b.example", None, 8, ("missing_spaces",)),
        ("a.example", None, 9, ("lookalike_letters",), "b.example", None, 10, None),
    ]
    assert copy_edges(rows) == [
        CopyEdge("farm.example", "wire.example", 2, 1, None, ("lookalike_letters",)),
        CopyEdge("mill.example", "wire.example", 4, 3, None, ("dropped_words",)),
    ]
    edges = copy_edges(rows) + [CopyEdge("farm.example", "wire.example", 11, 1, 6.0, ())]
    farm = next(r for r in site_signals({"farm.example": 4, "wire.example": 2}, edges) if r["site"] == "farm.example")
    # both copies count; the lag comes from the dated one only
    assert (farm["copies"], farm["copy_share"], farm["median_lag_hours"], farm["disguised"]) == (2, 0.5, 6.0, 1)
    from storytrace.network import site_links

    link = next(r for r in site_links(edges) if r["site"] == "mill.example")
    assert (link["copies"], link["median_lag_hours"]) == (1, None)


def test_copier_tricks_outrank_dates_that_say_otherwise() -> None:
    """An original scraped a month late looks like the copy of the farm's disguised reprint by its date;
    the farm's look-alike letters say which is the copy, and the lying dates give the edge no lag."""
    rows = [("wire.example", "2020-04-01T09:00:00Z", 1, (), "farm.example", "2020-03-02T06:00:00Z", 2,
             ("lookalike_letters",)),
            # at the same moment the tricks still orient the pair
            ("mill.example", "2020-03-01T10:00:00Z", 3, ("dropped_words",), "wire.example", "2020-03-01T10:00:00Z", 1, ())]
    assert copy_edges(rows) == [CopyEdge("farm.example", "wire.example", 2, 1, None, ("lookalike_letters",)),
                                CopyEdge("mill.example", "wire.example", 3, 1, None, ("dropped_words",))]
