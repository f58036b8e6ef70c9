"""Highlighting splits text at span offsets and never emits markup itself."""

from __future__ import annotations

from storytrace.model import Passage, Relation, Span
from storytrace.server.highlight import Mark, coverage, relation_marks, segments


def test_segments_cover_text_exactly_once() -> None:
    text = "alpha beta gamma delta"
    segs = segments(text, [Mark(6, 10, "verbatim", 1), Mark(17, 22, "unrelated")])
    assert "".join(s.text for s in segs) == text
    assert [(s.text, s.kind) for s in segs] == [
        ("alpha ", "plain"),
        ("beta", "verbatim"),
        (" gamma ", "plain"),
        ("delta", "unrelated"),
    ]


def test_overlap_goes_to_strongest_evidence() -> None:
    segs = segments("0123456789", [Mark(0, 6, "unrelated"), Mark(3, 8, "verbatim", 2)])
    assert [(s.text, s.kind, s.passage) for s in segs] == [
        ("012", "unrelated", 0),
        ("34567", "verbatim", 2),
        ("89", "plain", 0),
    ]


def test_out_of_range_spans_are_clipped_not_trusted() -> None:
    segs = segments("short", [Mark(-5, 2, "paraphrase"), Mark(3, 500, "verbatim"), Mark(9, 12, "verbatim")])
    assert "".join(s.text for s in segs) == "short"
    assert [(s.text, s.kind) for s in segs] == [("sh", "paraphrase"), ("o", "plain"), ("rt", "verbatim")]


def test_markup_in_text_stays_data() -> None:
    text = "<script>alert(1)</script> safe"
    segs = segments(text, [Mark(0, 8, "verbatim")])
    assert segs[0].text == "<script>"
    assert "".join(s.text for s in segs) == text


def test_relation_marks_pick_each_side() -> None:
    rel = Relation(
        a="x", b="y", copy="partial", story="same", scores={},
        passages=(Passage(0, 4, 10, 14, "verbatim", 1.0), Passage(5, 9, 0, 4, "paraphrase", 0.7)),
        unrelated_a=(Span(20, 25),), unrelated_b=(),
    )
    a = relation_marks(rel, "a")
    b = relation_marks(rel, "b")
    assert [(m.start, m.end, m.kind, m.passage) for m in a] == [
        (0, 4, "verbatim", 1), (5, 9, "paraphrase", 2), (20, 25, "unrelated", 0)
    ]
    assert [(m.start, m.end, m.kind, m.passage) for m in b] == [(10, 14, "verbatim", 1), (0, 4, "paraphrase", 2)]


def test_coverage_shares() -> None:
    share = coverage("aaaabbbbbb", [Mark(0, 4, "verbatim")])
    assert share["verbatim"] == 0.4
    assert share["plain"] == 0.6
