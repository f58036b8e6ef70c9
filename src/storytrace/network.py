"""Who copies whom, per site: the site copy network and the signals that mark a content farm.

A site whose articles mostly copy earlier articles of other sites, within hours, is what media researchers
call a content farm (or a churnalism outlet); a site whose articles others copy is a source. Both are read
off the stored copy pairs (exact, near or partial copies): the later article is the copy, and where a date
is missing, the side playing the tricks only copiers play (see :func:`copy_edges`). Pure: the store hands
over the rows, and these functions only count.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .provenance import copier_side, copier_tricks
from .model import CopyPairRow
from .relate import parse_published

__all__ = ["CopyEdge", "SITE_ORDERS", "copy_edges", "rank_sites", "site_links", "site_signals"]


@dataclass(frozen=True, slots=True)
class CopyEdge:
    """A copy and its source: their sites ("" when unknown), article numbers, hours between them, and the
    disguises the copy plays against the source (kinds of storytrace.disguise; None when not looked for)."""

    copy_site: str
    source_site: str
    copy: int
    source: int
    hours: float | None  # None: a date is missing, and the direction comes from the copy's tricks
    tricks: tuple[str, ...] | None = None


def copy_edges(rows: Iterable[CopyPairRow]) -> list[CopyEdge]:
    """Copy pairs oriented copy -> source. An edge keeps only the copy's tricks that no honest edit leaves
    (:data:`storytrace.disguise.COPIER_TRICKS`).

    A side that plays such tricks against the other while the other plays none is the copy
    (:mod:`storytrace.provenance`): a source does not put look-alike letters into its own text, and where
    the dates say otherwise they are a scraper's, so the edge has no lag. Otherwise the later article is
    the copy, and a pair with a date missing, or published at the same moment, has no direction and is
    left out."""
    out = []
    for site_a, pub_a, n_a, tricks_a, site_b, pub_b, n_b, tricks_b in rows:
        ta, tb = parse_published(pub_a), parse_published(pub_b)
        gap = None if ta is None or tb is None else (ta - tb).total_seconds() / 3600  # > 0: a is the later
        shown = copier_side(tricks_a, tricks_b)
        if shown is not None:
            a_copies = shown == "a"
        elif gap:
            a_copies = gap > 0
        else:
            continue
        hours = abs(gap) if gap and (gap > 0) == a_copies else None
        if a_copies:
            out.append(CopyEdge(site_a or "", site_b or "", n_a, n_b, hours, copier_tricks(tricks_a)))
        else:
            out.append(CopyEdge(site_b or "", site_a or "", n_b, n_a, hours, copier_tricks(tricks_b)))
    return out


def _median(hours: list[float | None]) -> float | None:
    dated = [h for h in hours if h is not None]
    return statistics.median(dated) if dated else None


def site_signals(articles: Mapping[str, int], edges: Iterable[CopyEdge]) -> list[dict[str, Any]]:
    """Per site, largest first: ``articles``; ``copied_from`` (site -> copy pairs, its own site included);
    ``copies``, its articles that copy an article of another site (an earlier one, or one it disguises
    itself against: see :func:`copy_edges`), and their ``copy_share``; ``copied``, its articles another
    site copied; ``median_lag_hours``, how long after the earliest dated such source its copies appeared
    (None without dated copies); ``disguised``, its copies that disguise themselves against a source with
    a trick only copiers play (look-alike letters, hidden characters, glued sentences, a function word
    dropped throughout: see :func:`copy_edges`), their ``disguised_share`` among the copies whose
    disguises were looked for (None when none were), and ``disguises``, kind -> copies playing it.
    A reprint of its own archive is not copying another site, so same-site pairs count only in
    ``copied_from``.

    Why disguises count here: a newsroom that syndicates a wire story reprints it as it is; swapping
    letters for look-alikes of other alphabets has no purpose but to hide the copy."""
    copied_from: dict[str, dict[str, int]] = {}
    # site -> copy article -> hours after its earliest other-site source (None: no dated source)
    lag: dict[str, dict[int, float | None]] = {}
    copied: dict[str, set[int]] = {}
    tricks: dict[str, dict[int, set[str]]] = {}  # site -> copy article looked at -> disguise kinds it plays
    for e in edges:
        sources = copied_from.setdefault(e.copy_site, {})
        sources[e.source_site] = sources.get(e.source_site, 0) + 1
        if e.copy_site == e.source_site:
            continue
        mine = lag.setdefault(e.copy_site, {})
        mine.setdefault(e.copy, None)
        if e.hours is not None:
            mine[e.copy] = max(mine[e.copy] or 0.0, e.hours)
        copied.setdefault(e.source_site, set()).add(e.source)
        if e.tricks is not None:
            tricks.setdefault(e.copy_site, {}).setdefault(e.copy, set()).update(e.tricks)
    out = []
    for site, n in sorted(articles.items(), key=lambda kv: (-kv[1], kv[0])):
        copies = lag.get(site, {})
        looked = tricks.get(site, {})
        disguised = sum(1 for kinds in looked.values() if kinds)
        kinds = Counter(k for found in looked.values() for k in found)
        out.append({
            "site": site or None,
            "articles": n,
            "copied_from": copied_from.get(site, {}),
            "copies": len(copies),
            "copy_share": len(copies) / n if n else 0.0,
            "copied": len(copied.get(site, ())),
            "median_lag_hours": _median(list(copies.values())),
            "disguised": disguised,
            "disguised_share": disguised / len(looked) if looked else None,
            "disguises": dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        })
    return out


def site_links(edges: Iterable[CopyEdge]) -> list[dict[str, Any]]:
    """The copy network as an edge list, most copies first: one row per (copying site, copied site) with
    ``copies``, the copying site's articles that copy an article of the other, ``pairs``, the copy pairs
    between them, ``median_lag_hours`` from source to copy over those pairs (None when none is dated),
    and ``disguised``, the copies that disguise themselves against that site with a copier's trick (None
    when none were looked at). Sites without a name are "" here and None in the rows. A site's own archive
    reprints are a link to itself.

    The shape network tools read (source, target, weight: Gephi, networkx, igraph), so that who copies
    whom can be drawn and analysed without counting the pairs again."""
    links: dict[tuple[str, str], dict[str, Any]] = {}
    for e in edges:
        link = links.setdefault((e.copy_site, e.source_site), {"copies": set(), "hours": [], "looked": {}})
        link["copies"].add(e.copy)
        link["hours"].append(e.hours)
        if e.tricks is not None:
            looked = link["looked"]
            looked[e.copy] = looked.get(e.copy, False) or bool(e.tricks)
    out = [{
        "site": copy_site or None,
        "copies_from": source_site or None,
        "copies": len(link["copies"]),
        "pairs": len(link["hours"]),
        "median_lag_hours": _median(link["hours"]),
        "disguised": sum(link["looked"].values()) if link["looked"] else None,
    } for (copy_site, source_site), link in links.items()]
    return sorted(out, key=lambda r: (-r["copies"], -r["pairs"], r["site"] or "", r["copies_from"] or ""))


#: How :func:`rank_sites` can order sites: each key sorts largest first (a share not known, last), ties by
#: size then name.
SITE_ORDERS = ("articles", "copy_share", "copies", "copied", "disguised_share")


def rank_sites(rows: list[dict[str, Any]], by: str = "articles", min_articles: int = 1) -> list[dict[str, Any]]:
    """:func:`site_signals` rows with at least ``min_articles`` articles, ordered by ``by``. Ordering by
    copy share with a floor on size is the content-farm view: a site with one article that happens to be
    a copy has a share of 100% and says nothing."""
    if by not in SITE_ORDERS:
        raise ValueError(f"by must be one of {', '.join(SITE_ORDERS)}, got {by!r}")
    kept = [r for r in rows if r["articles"] >= min_articles]
    return sorted(kept, key=lambda r: (r[by] is None, -(r[by] or 0), -r["articles"], r["site"] or ""))
