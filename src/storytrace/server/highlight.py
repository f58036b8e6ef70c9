"""Cut an article's text into highlighted segments from a relation's character spans.

Highlighting is done by splitting the raw text at span offsets and handing each piece to the template,
which escapes it. Nothing here produces markup, so hostile text can never become live HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

from storytrace.model import Relation

SegmentKind = Literal["verbatim", "paraphrase", "unrelated", "plain"]

# When spans overlap, the strongest evidence wins the characters they share.
_PRIORITY: dict[str, int] = {"verbatim": 3, "paraphrase": 2, "unrelated": 1, "plain": 0}


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text with one highlight kind; ``passage`` numbers the shared passage (1-based) or is 0."""

    text: str
    kind: SegmentKind
    passage: int = 0


@dataclass(frozen=True, slots=True)
class Mark:
    """A span to highlight: ``[start, end)`` into the text, its kind and passage number."""

    start: int
    end: int
    kind: SegmentKind
    passage: int = 0


def segments(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """Split ``text`` into consecutive segments covering it exactly once.

    Out-of-range or empty spans are clipped or dropped rather than trusted, because spans come from
    stored relations that may be older than a re-ingested text.
    """
    n = len(text)
    clipped = [
        Mark(max(0, m.start), min(n, m.end), m.kind, m.passage) for m in marks if min(n, m.end) > max(0, m.start)
    ]
    if not clipped:
        return [Segment(text, "plain")] if text else []
    cuts = sorted({0, n, *(m.start for m in clipped), *(m.end for m in clipped)})
    out: list[Segment] = []
    for lo, hi in zip(cuts, cuts[1:]):
        if hi <= lo:
            continue
        best: Mark | None = None
        for m in clipped:
            if m.start <= lo and hi <= m.end and (best is None or _PRIORITY[m.kind] > _PRIORITY[best.kind]):
                best = m
        kind: SegmentKind = best.kind if best else "plain"
        passage = best.passage if best else 0
        piece = text[lo:hi]
        if out and out[-1].kind == kind and out[-1].passage == passage:
            out[-1] = Segment(out[-1].text + piece, kind, passage)
        else:
            out.append(Segment(piece, kind, passage))
    return out


def relation_marks(relation: Relation, side: Literal["a", "b"]) -> list[Mark]:
    """The marks of one side of a relation: its passages (numbered) and its unrelated/spliced spans."""
    marks: list[Mark] = []
    for number, p in enumerate(relation.passages, start=1):
        start, end = (p.a_start, p.a_end) if side == "a" else (p.b_start, p.b_end)
        marks.append(Mark(start, end, p.kind, number))
    for s in relation.unrelated_a if side == "a" else relation.unrelated_b:
        marks.append(Mark(s.start, s.end, "unrelated"))
    return marks


def coverage(text: str, marks: Iterable[Mark]) -> dict[str, float]:
    """Share of ``text`` (0..1) under each highlight kind, for the legend's percentages."""
    segs = segments(text, marks)
    total = max(1, len(text))
    share: dict[str, float] = {"verbatim": 0.0, "paraphrase": 0.0, "unrelated": 0.0, "plain": 0.0}
    for s in segs:
        share[s.kind] += len(s.text) / total
    return share
