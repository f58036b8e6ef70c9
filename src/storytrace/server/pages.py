"""Server-rendered HTML pages: story list, story, article, sites, pairs and the compare form."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from storytrace.errors import StorytraceError
from storytrace.index import STORY_ORDERS
from storytrace.server.access import IndexAccess, cpu_bound
from storytrace.server.api import MAX_TEXT, check_date, check_site_order
from storytrace.server.render import ServerLinks, render
from storytrace.server.views import article_view, compare_texts, pair_view, site_rows, site_view, story_view

router = APIRouter(include_in_schema=False)
LINKS = ServerLinks()


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(template, links=LINKS, **context), status_code=status)


def _access(request: Request) -> IndexAccess:
    return request.app.state.access


@router.get("/", response_class=HTMLResponse)
def stories_page(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
    since: str = "",
    until: str = "",
    site: Annotated[str, Query(max_length=1000)] = "",
    order: str = "size",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    if order not in STORY_ORDERS:
        raise HTTPException(400, f"order={order!r}: use one of {', '.join(STORY_ORDERS)}")
    index = _access(request).reader()
    limit = request.app.state.config.page_size
    stories = index.stories(
        limit=limit + 1,
        offset=offset,
        search=q.strip() or None,
        site=site or None,
        since=check_date(since, "since"),
        until=check_date(until, "until"),
        order=order,
    )
    sites = sorted(r.site for r in site_rows(index) if r.site)
    return page(
        "stories.html",
        stories=stories[:limit],
        more=len(stories) > limit,
        q=q,
        since=since,
        until=until,
        site=site,
        order=order,
        offset=offset,
        limit=limit,
        sites=sites,
        total_articles=index.count(),
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story_page(request: Request, story_id: str, a: str = "", b: str = "") -> HTMLResponse:
    view = await cpu_bound(request, lambda: story_view(_access(request).reader(), story_id, a or None, b or None))
    return page("story.html", view=view)


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    return page("article.html", view=article_view(_access(request).reader(), article_id))


@router.get("/pairs", response_class=HTMLResponse)
async def pair_page(
    request: Request, a: Annotated[str, Query(min_length=1)], b: Annotated[str, Query(min_length=1)]
) -> HTMLResponse:
    return page("pair.html", pv=await cpu_bound(request, lambda: pair_view(_access(request).reader(), a, b)))


@router.get("/sites", response_class=HTMLResponse)
def sites_page(request: Request, sort: str = "articles",
               min_articles: Annotated[int, Query(ge=1)] = 1) -> HTMLResponse:
    """Sites by size, or by a copy signal (?sort=copy_share&min_articles=5: likely content farms first)."""
    rows = site_rows(_access(request).reader(), check_site_order(sort), min_articles)
    return page("sites.html", rows=rows, sort=sort, min_articles=min_articles)


@router.get("/sites/{site:path}", response_class=HTMLResponse)
def site_page(request: Request, site: str) -> HTMLResponse:
    return page("site.html", view=site_view(_access(request).reader(), site))


@router.get("/compare", response_class=HTMLResponse)
def compare_form() -> HTMLResponse:
    return page("compare.html", text_a="", text_b="", pv=None, error="")


@router.post("/compare", response_class=HTMLResponse)
async def compare_page(request: Request) -> HTMLResponse:
    """The pasted texts aligned side by side.

    The form body is parsed here (urlencoded) rather than through FastAPI's Form, which needs an extra
    multipart package; the guard middleware has already bounded its size.
    """
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise HTTPException(415, "send the form as application/x-www-form-urlencoded")
    raw = (await request.body()).decode("utf-8", "replace")
    fields = parse_qs(raw, keep_blank_values=True, max_num_fields=10)
    text_a = fields.get("a", [""])[0]
    text_b = fields.get("b", [""])[0]
    if not text_a.strip() or not text_b.strip():
        return page("compare.html", 400, text_a=text_a, text_b=text_b, pv=None, error="Paste a text in both boxes.")
    if len(text_a) > MAX_TEXT or len(text_b) > MAX_TEXT:
        return page("compare.html", 413, text_a="", text_b="", pv=None, error=f"Each text may have at most {MAX_TEXT} characters.")
    try:
        pv = await cpu_bound(request, lambda: compare_texts(text_a, text_b))
    except StorytraceError as exc:
        return page("compare.html", 400, text_a=text_a, text_b=text_b, pv=None, error=str(exc))
    return page("compare.html", text_a=text_a, text_b=text_b, pv=pv, error="")
