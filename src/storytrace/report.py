"""``storytrace report``: the web UI's views as one self-contained HTML file.

The report inlines its stylesheet, carries no script and loads nothing from the network, so it can be
mailed or archived and opened anywhere. It renders through the same templates as the server, with
links turned into in-page anchors.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from storytrace.errors import StorytraceError

if TYPE_CHECKING:
    from storytrace import Index

MAX_ARTICLE_SECTIONS = 500


def render_report(index: Index, story_id: str | None = None, limit: int = 50, pairs: int = 3) -> str:
    """The report as an HTML string.

    With ``story_id`` it shows that story with every member side by side against the first publisher
    (up to ``pairs``, at least 50); otherwise the ``limit`` largest stories with ``pairs`` each.
    """
    from storytrace.server.render import ReportLinks, render, static_text
    from storytrace.server.views import article_view, pair_view, site_rows, story_view

    if limit < 1 or pairs < 0:
        raise StorytraceError(f"limit must be >= 1 and pairs >= 0 (got limit={limit}, pairs={pairs})")
    if story_id:
        ids = [index.story(story_id).id]
        pairs = max(pairs, 50)
    else:
        ids = [s.id for s in index.stories(limit=limit, order="size")]
    views = [story_view(index, sid) for sid in ids]
    shown: dict[str, list[Any]] = {}
    skipped: dict[str, int] = {}
    pair_keys: set[tuple[str, str]] = set()
    for view in views:
        first = view.first.id if view.first else None
        others = [m.article.id for m in view.members if m.article.id != first]
        chosen = others[:pairs] if first else []
        shown[view.story.id] = [pair_view(index, first, other) for other in chosen] if first else []
        skipped[view.story.id] = len(others) - len(chosen)
        pair_keys.update((first, other) for other in chosen if first)
    member_ids = [m.article.id for v in views for m in v.members][:MAX_ARTICLE_SECTIONS]
    articles = [article_view(index, aid) for aid in dict.fromkeys(member_ids)]
    rows = [] if story_id else site_rows(index)
    links = ReportLinks(
        stories={v.story.id for v in views},
        articles={a.article.id for a in articles},
        pairs=pair_keys,
        sites=set(),
    )
    try:
        from importlib.metadata import version

        pkg_version = version("storytrace")
    except Exception:  # noqa: BLE001 - a version string is decoration only
        pkg_version = "unknown"
    title = (views[0].story.headline or views[0].story.id) if story_id else "storytrace report"
    return render(
        "report.html",
        links=links,
        inline_css=static_text("style.css"),
        title=title,
        views=views,
        pairs=shown,
        skipped_pairs=skipped,
        articles=articles,
        rows=rows,
        total_articles=index.count(),
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        version=pkg_version,
    )


def write_report(index: Index, out: Path, story_id: str | None = None, limit: int = 50, pairs: int = 3) -> dict[str, Any]:
    """Write the report atomically (temp file + rename) so a failed run never leaves half a file."""
    html = render_report(index, story_id=story_id, limit=limit, pairs=pairs)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {"out": str(out), "bytes": len(html.encode("utf-8")), "story": story_id}


def _fail(message: str) -> NoReturn:
    """One line on stderr and exit 1, as every other command fails ("error: ...", not click's "Error:")."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.command("report")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="HTML file to write.")
@click.option("--story", "story_id", default=None, help="Only this story (id as shown by `storytrace stories`).")
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Index file (default: $STORYTRACE_DB or storytrace.db).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, None), help="Stories to include.")
@click.option("--pairs", default=3, show_default=True, type=click.IntRange(0, None),
              help="Members per story shown side by side with the first publisher.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of a sentence.")
def report_cmd(out: Path, story_id: str | None, db: Path | None, limit: int, pairs: int, as_json: bool) -> None:
    """Write stories, timelines and side-by-side passages to one self-contained HTML file."""
    from storytrace import Index
    from storytrace.server.config import default_db

    path = Path(db) if db else Path(default_db())
    if not path.exists():
        _fail(f"no index at {path}: build one with `storytrace scan`")
    try:
        index = Index(str(path), readonly=True)
        try:
            summary = write_report(index, out, story_id=story_id, limit=limit, pairs=pairs)
        finally:
            index.close()
    except StorytraceError as exc:
        _fail(str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc))
    if as_json:
        click.echo(json.dumps(summary))
    else:
        click.echo(f"wrote {summary['out']} ({summary['bytes']} bytes)")
