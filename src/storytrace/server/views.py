"""View models: what each page shows, computed from the index once and rendered by both the server
and the HTML report, so the two never drift apart.

Functions here only read the index and return plain data; escaping is the templates' job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from storytrace.errors import NotFound
from storytrace.model import Article, Relation, Story, disguise_label
from storytrace.network import rank_sites
from storytrace.provenance import relation_copier
from storytrace.server.highlight import Segment, coverage, relation_marks, segments

if TYPE_CHECKING:
    from storytrace import Index

MAX_MEMBERS_SHOWN = 500
SAFE_URL_SCHEMES = ("http://", "https://")


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s), else None, so ``javascript:`` and friends never become links."""
    if not url:
        return None
    cleaned = url.strip()
    if cleaned.lower().startswith(SAFE_URL_SCHEMES) and not any(c in cleaned for c in "\x00\r\n\t "):
        return cleaned
    return None


def display_title(article: Article, limit: int = 140) -> str:
    """A one-line label for an article: its title, else the start of its text, else its id."""
    label = article.title.strip() or " ".join(article.text.split()[:20]) or article.id
    return label if len(label) <= limit else label[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Side:
    """One column of a side-by-side view."""

    article: Article
    segments: list[Segment]
    coverage: dict[str, float]


@dataclass(frozen=True, slots=True)
class PairView:
    """Two articles side by side with their shared passages highlighted."""

    relation: Relation
    a: Side
    b: Side

    @property
    def earlier_article(self) -> Article | None:
        if self.relation.earlier == "a":
            return self.a.article
        if self.relation.earlier == "b":
            return self.b.article
        return None


def pair_from_relation(relation: Relation, a: Article, b: Article) -> PairView:
    """Build the side-by-side view of a relation whose spans index into ``a.content`` and ``b.content``."""
    marks_a = relation_marks(relation, "a")
    marks_b = relation_marks(relation, "b")
    return PairView(
        relation=relation,
        a=Side(a, segments(a.content, marks_a), coverage(a.content, marks_a)),
        b=Side(b, segments(b.content, marks_b), coverage(b.content, marks_b)),
    )


def pair_view(index: Index, a_id: str, b_id: str) -> PairView:
    """Two stored articles side by side (``index.pair`` recomputes passages from the stored texts)."""
    if a_id == b_id:
        raise NotFound(f"pick two different articles (both are {a_id!r})")
    a = index.article(a_id)
    b = index.article(b_id)
    return pair_from_relation(index.pair(a_id, b_id), a, b)


def compare_texts(text_a: str, text_b: str, title_a: str = "", title_b: str = "") -> PairView:
    """Align two pasted texts; spans index into ``title + "\\n\\n" + text`` (or the text when untitled)."""
    from storytrace import compare

    a = Article(text=text_a, id="a", title=title_a, origin="pasted text A")
    b = Article(text=text_b, id="b", title=title_b, origin="pasted text B")
    return pair_from_relation(compare(a, b), a, b)


@dataclass(frozen=True, slots=True)
class Member:
    """A story member in the timeline, with how it relates to the first publisher."""

    article: Article
    is_first: bool
    vs_first: str | None  # copy kind relative to the first publisher, None for the first itself / unknown
    group: int  # 1-based reprint group number, 0 when in none


@dataclass(slots=True)
class StoryView:
    story: Story
    members: list[Member]
    first: Article | None
    groups: list[list[Article]]
    pair: PairView | None
    truncated: int = 0
    days: list[tuple[str, list[Member]]] = field(default_factory=list)


def _other(relation: Relation, article_id: str) -> str:
    return relation.b if relation.a == article_id else relation.a


def _sort_key(article: Article) -> tuple[int, str, str, str]:
    # Unknown dates go last; ties break by site then id so the order is stable.
    return (article.published is None, article.published or "", article.site or "", article.id)


def story_view(index: Index, story_id: str, a_id: str | None = None, b_id: str | None = None) -> StoryView:
    """A story's timeline, first publisher, reprint groups and one pair side by side.

    The pair defaults to the first publisher against the next member; ``a_id``/``b_id`` must be members.
    """
    story = index.story(story_id)
    member_ids = list(story.members[:MAX_MEMBERS_SHOWN])
    articles = {mid: index.article(mid) for mid in member_ids}
    group_of: dict[str, int] = {}
    for number, group in enumerate(story.reprint_groups, start=1):
        for mid in group:
            group_of[mid] = number
    vs_first: dict[str, str] = {}
    if story.first:
        for rel in index.pairs(article_id=story.first):
            vs_first[_other(rel, story.first)] = rel.copy
    ordered = sorted(articles.values(), key=_sort_key)
    members = [
        Member(art, art.id == story.first, None if art.id == story.first else vs_first.get(art.id), group_of.get(art.id, 0))
        for art in ordered
    ]
    first = articles.get(story.first) if story.first else None
    if first is None and story.first:
        first = index.article(story.first)
    groups = [[articles[m] for m in g if m in articles] for g in story.reprint_groups]

    chosen = [x for x in (a_id, b_id) if x]
    for x in chosen:
        if x not in story.members:
            raise NotFound(f"article {x!r} is not a member of story {story_id!r}")
    if not a_id:
        a_id = story.first or (ordered[0].id if ordered else None)
    if not b_id:
        b_id = next((m.article.id for m in members if m.article.id != a_id), None)
    pair = pair_view(index, a_id, b_id) if a_id and b_id and a_id != b_id else None

    days: list[tuple[str, list[Member]]] = []
    for m in members:
        day = (m.article.published or "unknown date")[:10]
        if days and days[-1][0] == day:
            days[-1][1].append(m)
        else:
            days.append((day, [m]))
    return StoryView(story, members, first, groups, pair, max(0, story.size - len(member_ids)), days)


@dataclass(frozen=True, slots=True)
class Link:
    """One relation seen from an article: the other article and the relation's verdict."""

    other: Article
    relation: Relation
    story_id: str | None
    tricks: tuple[str, ...] = ()  # the disguises the copy plays, in words


@dataclass(slots=True)
class ArticleView:
    article: Article
    story_id: str | None
    copies_from: list[Link]
    copied_by: list[Link]
    related: list[Link]


def article_view(index: Index, article_id: str) -> ArticleView:
    """An article, its story, what it copies and who copies it.

    A copy pair's copy is the side its own text shows to be one (storytrace.provenance), else the later
    side by date; a pair neither says orients (undated, no copier's trick) goes under "related".
    """
    article = index.article(article_id)
    story_id = index.article_story(article_id)
    copies_from: list[Link] = []
    copied_by: list[Link] = []
    related: list[Link] = []
    for rel in index.relations(article_id):
        other_id = _other(rel, article_id)
        try:
            other = index.article(other_id)
        except NotFound:
            continue
        me = "a" if rel.a == article_id else "b"
        copy_side = relation_copier(rel)
        if copy_side is None and rel.earlier is not None:
            copy_side = "b" if rel.earlier == "a" else "a"
        found = {"a": rel.disguises_a, "b": rel.disguises_b}.get(copy_side or "") or ()
        link = Link(other, rel, index.article_story(other_id), tuple(d.label for d in found))
        if rel.copy == "none" or copy_side is None:
            related.append(link)
        elif copy_side == me:
            copies_from.append(link)
        else:
            copied_by.append(link)
    return ArticleView(article, story_id, copies_from, copied_by, related)


@dataclass(slots=True)
class SiteRow:
    """One row of :meth:`Index.sites` (see :func:`storytrace.network.site_signals`)."""

    site: str
    articles: int
    copied_from: list[tuple[str, int]]  # sites it copies from, with pair counts, largest first
    copies: int  # its articles that copy an earlier article of another site
    copy_share: float
    copied: int  # its articles another site copied
    median_lag_hours: float | None
    disguised: int = 0  # its copies that disguise themselves against a source
    disguised_share: float | None = None  # ... among the copies whose disguises were looked for
    disguises: list[tuple[str, int]] = field(default_factory=list)  # kind (words) -> copies, most first


def site_rows(index: Index, order: str = "articles", min_articles: int = 1) -> list[SiteRow]:
    """:meth:`Index.sites` ranked as ``storytrace sites --sort`` ranks them."""
    return [
        SiteRow(
            site=r["site"] or "",
            articles=r["articles"],
            copied_from=sorted(r["copied_from"].items(), key=lambda kv: (-kv[1], kv[0])),
            copies=r["copies"],
            copy_share=r["copy_share"],
            copied=r["copied"],
            median_lag_hours=r["median_lag_hours"],
            disguised=r["disguised"],
            disguised_share=r["disguised_share"],
            disguises=[(disguise_label(k), n) for k, n in r["disguises"].items()],
        )
        for r in rank_sites(index.sites(), order, min_articles)
    ]


@dataclass(slots=True)
class SiteView:
    row: SiteRow
    articles: list[tuple[Article, str]]  # (article, story id)
    sources: list[tuple[str, int]]  # sites this site copies from, with pair counts, from its own pairs
    copiers: list[tuple[str, int]]  # sites that copy this site


def site_view(index: Index, site: str, limit: int = 500) -> SiteView:
    """A site's articles (found through the stories it takes part in) and who it copies / is copied by."""
    row = next((r for r in site_rows(index) if r.site == site), None)
    if row is None:
        raise NotFound(f"no site {site!r} in the index")
    found: list[tuple[Article, str]] = []
    seen: set[str] = set()
    for story in index.stories(site=site, limit=None):
        for mid in story.members:
            if mid in seen:
                continue
            art = index.article(mid)
            if art.site == site:
                seen.add(mid)
                found.append((art, story.id))
        if len(found) >= limit:
            break
    found.sort(key=lambda pair: _sort_key(pair[0]))
    sources: dict[str, int] = {}
    copiers: dict[str, int] = {}
    for art, _ in found[:limit]:
        for rel in index.pairs(article_id=art.id):
            if rel.copy == "none" or rel.earlier is None:
                continue
            other_id = _other(rel, art.id)
            try:
                other_site = index.article(other_id).site or "(unknown site)"
            except NotFound:
                continue
            me = "a" if rel.a == art.id else "b"
            target = copiers if rel.earlier == me else sources
            target[other_site] = target.get(other_site, 0) + 1
    order = lambda d: sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))  # noqa: E731
    return SiteView(row, found[:limit], order(sources), order(copiers))


def take(items: Iterable[Any], limit: int | None, offset: int = 0) -> list[Any]:
    """A page of an iterator without materialising the rest of it (``limit`` None: all after ``offset``)."""
    return list(islice(items, offset, None if limit is None else offset + limit))
