"""Which side of a copy pair is the copy: the dates, unless the text says otherwise.

Dates lie. A scraper stores the day it fetched a page as "published", so an original fetched late looks
like a copy of the content farm's reprint that was fetched on time. The tricks only copiers play
(:data:`storytrace.disguise.COPIER_TRICKS`: look-alike letters, hidden characters, glued sentences, a
function word deleted throughout) do not lie that way: no source puts them into its own text. So a side
that plays such tricks against the other, while the other plays none, is the copy, whatever the dates
say; the first publisher of a story, the article a deduplication keeps and the site copy network all
follow that. storytrace's own rule: no library orients copies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from .disguise import COPIER_TRICKS
from .model import Relation

__all__ = ["copier_tricks", "copier_side", "relation_copier", "shown_copies"]


def copier_tricks(kinds: Iterable[str] | None) -> tuple[str, ...] | None:
    """The kinds among ``kinds`` that only a copier plays; None when nobody looked."""
    return None if kinds is None else tuple(k for k in kinds if k in COPIER_TRICKS)


def copier_side(kinds_a: Iterable[str] | None, kinds_b: Iterable[str] | None) -> Literal["a", "b"] | None:
    """The side of a copy pair that its own text shows to be the copy, or None when the text does not say
    (neither side, both, or a side nobody looked at plays copier tricks)."""
    ca, cb = copier_tricks(kinds_a), copier_tricks(kinds_b)
    if ca and cb == ():
        return "a"
    if cb and ca == ():
        return "b"
    return None


def relation_copier(rel: Relation) -> Literal["a", "b"] | None:
    """:func:`copier_side` of the disguises a relation names on each side."""
    return copier_side(*(None if ds is None else [d.kind for d in ds] for ds in (rel.disguises_a, rel.disguises_b)))


def shown_copies(pairs: Iterable[tuple[str, str, Iterable[str] | None, Iterable[str] | None]]) -> set[str]:
    """The ids that some ``(a, b, kinds of a, kinds of b)`` copy pair shows to be a copy of the other side."""
    out: set[str] = set()
    for a, b, kinds_a, kinds_b in pairs:
        side = copier_side(kinds_a, kinds_b)
        if side is not None:
            out.add(a if side == "a" else b)
    return out
