"""JSON API under ``/api/``: read the index, compare and query texts, add articles (with a token).

Request bodies are pydantic models so the OpenAPI schema documents them and malformed input gets a 422
naming the field; responses reuse the model types' ``to_dict`` so the API says what the CLI's ``--json``
says.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal


import orjson
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from storytrace.arguments import date_bound
from storytrace.errors import ConfigError
from storytrace.ingest.records import build_article
from storytrace.model import Article, ReadError
from storytrace.network import SITE_ORDERS, rank_sites
from storytrace.server.access import IndexAccess, cpu_bound
from storytrace.server.config import ServerConfig
from storytrace.server.security import token_ok
from storytrace.server.views import compare_texts, take

router = APIRouter(prefix="/api", tags=["api"])

MAX_TEXT = 1_000_000  # characters per text; the body limit usually bites first


def access(request: Request) -> IndexAccess:
    return request.app.state.access


def config(request: Request) -> ServerConfig:
    return request.app.state.config


def article_summary(article: Article) -> dict[str, Any]:
    """An article without its text, for lists."""
    return {k: v for k, v in article.to_dict().items() if k != "text"}


def check_site_order(sort: str) -> str:
    """Accept one of the orders ``storytrace sites --sort`` knows; reject anything else with a 400 naming them."""
    if sort not in SITE_ORDERS:
        raise HTTPException(400, f"sort={sort!r}: use one of {', '.join(SITE_ORDERS)}")
    return sort


def check_date(value: str | None, name: str) -> str | None:
    """Accept an ISO date or datetime, as Index.stories reads it; reject anything else with a 400 that
    quotes the value."""
    try:
        return date_bound(value, name)
    except ConfigError as exc:
        raise HTTPException(400, str(exc)) from None


class CompareIn(BaseModel):
    """Two texts to align. Spans in the answer index into each text as given."""

    a: str = Field(min_length=1, max_length=MAX_TEXT)
    b: str = Field(min_length=1, max_length=MAX_TEXT)


class QueryIn(BaseModel):
    """A text to look up in the index; nothing is stored."""

    text: str = Field(min_length=1, max_length=MAX_TEXT)
    title: str = Field(default="", max_length=10_000)
    limit: int = Field(default=20, ge=1, le=100)


class ArticleIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    id: str = Field(default="", max_length=1000)
    title: str = Field(default="", max_length=10_000)
    url: str | None = Field(default=None, max_length=10_000)
    site: str | None = Field(default=None, max_length=1000)
    author: str | None = Field(default=None, max_length=1000)
    published: str | None = Field(default=None, max_length=64)

    def read(self, origin: str) -> list[Article | ReadError]:
        """The article as a scan reads the same record from a JSON Lines file (ingest.records.build_article):
        cleaned, repaired, its date normalised and its id the one a scan would give it, so a record posted
        and the same record scanned are one article."""
        return build_article(self.model_dump(), origin)


class ArticlesIn(BaseModel):
    articles: list[ArticleIn] = Field(min_length=1)


def require_token(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Writes need ``Authorization: Bearer <token>``; a server started without a token allows none."""
    cfg = config(request)
    if not cfg.writable:
        raise HTTPException(403, "this server is read-only: start it with --token (or $STORYTRACE_TOKEN) to allow writes")
    if not token_ok(authorization, cfg.token):
        raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})


@router.get("/health")
def health(request: Request) -> dict[str, Any]:
    """Readiness probe: the index opens and counts its articles."""
    return {"status": "ok", "articles": access(request).reader().count(), "writable": access(request).writable}


@router.get("/stories")
def list_stories(
    request: Request,
    q: Annotated[str | None, Query(max_length=500, description="words that must all appear in a headline")] = None,
    site: Annotated[str | None, Query(max_length=1000)] = None,
    since: Annotated[str | None, Query(description="ISO date, inclusive")] = None,
    until: Annotated[str | None, Query(description="ISO date, inclusive")] = None,
    order: Literal["size", "recent", "oldest"] = "size",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    min_size: Annotated[int, Query(ge=1, description="leave out stories with fewer articles")] = 1,
) -> dict[str, Any]:
    index = access(request).reader()
    stories = index.stories(
        limit=limit + 1,
        offset=offset,
        min_size=min_size,
        search=q or None,
        site=site or None,
        since=check_date(since, "since"),
        until=check_date(until, "until"),
        order=order,
    )
    more = len(stories) > limit
    return {
        "stories": [s.to_dict() for s in stories[:limit]],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }


@router.get("/stories/{story_id}")
def get_story(request: Request, story_id: str) -> dict[str, Any]:
    index = access(request).reader()
    story = index.story(story_id)
    return {**story.to_dict(), "articles": [article_summary(index.article(m)) for m in story.members]}


@router.get("/articles/{article_id:path}")
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    """An article with its text, its story and every stored relation it takes part in (scores only)."""
    index = access(request).reader()
    article = index.article(article_id)
    return {
        **article.to_dict(),
        "content": article.content,
        "story_id": index.article_story(article_id),
        "relations": [r.to_dict() for r in index.relations(article_id)],
    }


@router.get("/pairs")
def list_pairs(
    request: Request,
    copy: Literal["exact", "near", "partial", "none"] | None = None,
    story: Literal["same", "different"] | None = None,
    article: Annotated[str | None, Query(max_length=1000)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    index = access(request).reader()
    rows = list(index.pairs(copy=copy, story=story, article_id=article or None, limit=limit + 1, offset=offset))
    return {
        # Without passages, as `storytrace pairs --json` gives them: an empty passage list here read as "no
        # shared text" for copies whose passages only GET /api/pair loads.
        "pairs": [r.summary() for r in rows[:limit]],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.get("/pair")
async def get_pair(
    request: Request,
    a: Annotated[str, Query(min_length=1, max_length=1000)],
    b: Annotated[str, Query(min_length=1, max_length=1000)],
) -> dict[str, Any]:
    """Two stored articles' relation with passages, recomputed from their texts."""
    if a == b:
        raise HTTPException(400, "a and b must be two different articles")
    return await cpu_bound(request, lambda: access(request).reader().pair(a, b).to_dict())


@router.get("/duplicates")
async def list_duplicates(
    request: Request,
    level: Literal["exact", "near"] = "near",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """The articles a deduplicated corpus drops, each with the article kept in its place, as ``storytrace
    export --dedup LEVEL`` leaves them out (``Index.duplicates``), ordered by kept article then dropped."""

    def work() -> dict[str, Any]:
        dropped = access(request).reader().duplicates(level)
        rows = list(dropped.items())  # Index.duplicates orders them
        page = rows[offset : offset + limit]
        return {
            "duplicates": [{"article": d, "kept": k} for d, k in page],
            "total": len(rows),
            "level": level,
            "limit": limit,
            "offset": offset,
            "next_offset": offset + limit if offset + limit < len(rows) else None,
        }

    return await cpu_bound(request, work)


@router.get("/sites")
def list_sites(request: Request, sort: str = "articles",
               min_articles: Annotated[int, Query(ge=1)] = 1,
               limit: Annotated[int | None, Query(ge=1, description="at most this many (all when left out)")] = None,
               offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    """Sites with their copy signals, largest first or by ``sort`` (as ``storytrace sites --sort``)."""
    rows = rank_sites(access(request).reader().sites(), check_site_order(sort), min_articles)
    return {"sites": take(rows, limit, offset)}


@router.get("/sites/links")
def list_site_links(request: Request,
                    limit: Annotated[int | None, Query(ge=1, description="at most this many (all when left out)")] = None,
                    offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    """Who copies whom: one row per (site, copies_from), most copies first."""
    return {"links": take(access(request).reader().site_links(), limit, offset)}


@router.post("/compare")
async def compare(request: Request, body: CompareIn) -> dict[str, Any]:
    """Align two texts: the JSON of ``Relation.to_dict()`` (``storytrace compare --json``)."""
    return await cpu_bound(request, lambda: compare_texts(body.a, body.b).relation.to_dict())


@router.post("/query", response_model=dict[str, Any])
async def query(request: Request, body: QueryIn) -> Response:
    """The stored articles a text relates to, strongest first; stores nothing."""
    text: str | Article = Article(text=body.text, title=body.title, origin="query") if body.title else body.text

    def work() -> bytes:
        matches = access(request).reader().query(text, limit=body.limit)
        # Encoded here, off the event loop, by orjson: FastAPI's own encoding walks the passages' texts in
        # Python (about 1 ms a response, on the loop that every other request waits on).
        return orjson.dumps({"matches": [m.to_dict() for m in matches]})

    return Response(await cpu_bound(request, work), media_type="application/json")


@router.post("/articles", status_code=201, dependencies=[Depends(require_token)])
def add_articles(request: Request, body: ArticlesIn) -> dict[str, Any]:
    """Add articles to the index (incremental, idempotent) through the server's single writer. Each record
    is read as a scan reads a JSON Lines record: cleaned and repaired, with the same id; a record that
    cannot become an article is listed in ``errors`` and counted in ``skipped``."""
    cap = config(request).max_articles_per_post
    if len(body.articles) > cap:
        raise HTTPException(413, f"{len(body.articles)} articles in one request; at most {cap}")
    articles: list[Article] = []
    problems: list[ReadError] = []
    for n, posted in enumerate(body.articles):
        for item in posted.read(f"articles[{n}]"):
            if isinstance(item, Article):
                articles.append(item)
            else:
                problems.append(item)
    report = access(request).add(articles)
    for problem in problems:
        report.add_problem(problem)  # as a scan reports them
    return report.to_dict()
