"""Which articles a deduplicated corpus keeps: one per group of copies, and which one.

A data team deduplicating a news corpus wants what text-dedup writes: the corpus with each group of
duplicates reduced to one document. storytrace already knows the groups, as the exact and near copy
pairs it verified; this module only decides, from those pairs, which member stands for each group.
Partial copies are never folded: each holds text of its own that the kept article lacks.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence

from .cluster import components
from .errors import ConfigError

__all__ = ["LEVELS", "copy_kinds", "duplicate_map"]

#: Dedup level -> the copy kinds whose pairs join a group. ``exact``: the same words (spacing, case and
#: look-alike letters aside); ``near``: reprints too, edited, padded or disguised.
LEVELS: dict[str, tuple[str, ...]] = {"exact": ("exact",), "near": ("exact", "near")}


def copy_kinds(level: str) -> tuple[str, ...]:
    """The copy kinds that a dedup ``level`` folds together, or a ConfigError that lists the levels."""
    try:
        return LEVELS[level]
    except (KeyError, TypeError):
        raise ConfigError(f"dedup level must be one of {', '.join(LEVELS)}, got {level!r}") from None


def duplicate_map(edges: Iterable[tuple[str, str]], members: Sequence[tuple[str, str | None, int]],
                  copies: Container[str] = ()) -> dict[str, str]:
    """Dropped article id -> the id kept in its place, for the groups that ``edges`` join.

    ``members`` gives, for every article an edge names, ``(id, published, order scanned)``. The article
    kept is the group's earliest published, as a story names its first publisher (undated ones last), and
    among equals the first scanned, as text-dedup keeps the first in the input. ``copies`` are articles
    their own text shows to be copies (storytrace.provenance): one is kept only when the whole group is
    such, so a corpus keeps the clean text rather than the look-alike letters of an earlier-dated farm.
    Groups are connected components: a reprint of a reprint is folded into the same original.
    """
    info = {m[0]: m for m in members}
    out: dict[str, str] = {}
    for group in components(info, edges):
        if len(group) < 2:
            continue
        kept = min((info[i] for i in group), key=lambda m: (m[0] in copies, 0 if m[1] else 1, m[1] or "", m[2]))[0]
        out.update((i, kept) for i in group if i != kept)
    return out
