"""The one Jinja environment pages and the report share: autoescape always on, no raw-HTML filters.

Templates link through a ``links`` object so the same template produces server URLs for the web UI and
in-page anchors for the single-file report.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.resources import files
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined

from storytrace.server.views import display_title, safe_url


class ServerLinks:
    """URLs of the running web UI."""

    report = False

    def stories(self, **params: Any) -> str:
        query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
        return "/" + ("?" + query if query else "")

    def story(self, story_id: str, a: str | None = None, b: str | None = None) -> str:
        url = "/stories/" + quote(story_id, safe="")
        params = {k: v for k, v in (("a", a), ("b", b)) if v}
        return url + ("?" + urlencode(params) + "#pair" if params else "")

    def article(self, article_id: str) -> str:
        return "/articles/" + quote(article_id, safe="")

    def pair(self, a: str, b: str) -> str:
        return "/pairs?" + urlencode({"a": a, "b": b})

    def sites(self) -> str:
        return "/sites"

    def site(self, site: str) -> str:
        return "/sites/" + quote(site, safe="")

    def compare(self) -> str:
        return "/compare"


def anchor(kind: str, key: str) -> str:
    """A stable HTML id for an object, hashed so that hostile ids cannot shape the attribute."""
    return kind + "-" + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]


class ReportLinks:
    """In-page anchors of the single-file report; objects not in the report get no link."""

    report = True

    def __init__(self, stories: set[str], articles: set[str], pairs: set[tuple[str, str]], sites: set[str]) -> None:
        self._stories, self._articles, self._pairs, self._sites = stories, articles, pairs, sites

    def stories(self, **params: Any) -> str:
        return "#stories"

    def story(self, story_id: str, a: str | None = None, b: str | None = None) -> str:
        if a and b and (a, b) in self._pairs:
            return "#" + anchor("pair", a + "\x00" + b)
        return "#" + anchor("story", story_id) if story_id in self._stories else ""

    def article(self, article_id: str) -> str:
        return "#" + anchor("article", article_id) if article_id in self._articles else ""

    def pair(self, a: str, b: str) -> str:
        if (a, b) in self._pairs:
            return "#" + anchor("pair", a + "\x00" + b)
        if (b, a) in self._pairs:
            return "#" + anchor("pair", b + "\x00" + a)
        return ""

    def sites(self) -> str:
        return "#sites"

    def site(self, site: str) -> str:
        return "#" + anchor("site", site) if site in self._sites else ""

    def compare(self) -> str:
        return ""


def pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def when(value: str | None) -> str:
    """An ISO date or datetime shown compactly: date, plus HH:MM when a time is known."""
    if not value:
        return "unknown date"
    if len(value) > 10 and "T" in value:
        day, _, time = value.partition("T")
        hhmm = time[:5]
        return day if hhmm in ("00:00", "") else f"{day} {hhmm}"
    return value


def score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("storytrace.server", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=pct, when=when, score=score, label=display_title, safe_url=safe_url)
    env.globals.update(anchor=anchor)
    return env


@lru_cache(maxsize=4)
def static_text(name: str) -> str:
    """A file shipped in ``server/static`` (the stylesheet the report inlines)."""
    return files("storytrace.server").joinpath("static", name).read_text("utf-8")


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
