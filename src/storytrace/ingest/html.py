"""HTML pages through trafilatura: main text without navigation, footers or comments, plus metadata.

Paragraphs come back one per line; we separate them with blank lines like the other formats. The date
keeps its time when the page gives one (e.g. ``article:published_time``); htmldate's "extensive search"
is off because it guesses dates from copyright lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import trafilatura

from ..model import Article, ReadError
from .decode import looks_binary
from .records import build_article

_DATE_PARAMS = {"original_date": True, "extensive_search": False, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
_NO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00$")  # htmldate's form for "date without a time"

def parse_html(data: bytes | str, origin: str) -> list[Article | ReadError]:
    """Extract one article from an HTML document."""
    try:
        doc = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception as exc:  # noqa: BLE001 - trafilatura/lxml raise many kinds on broken markup
        return [ReadError(origin, f"cannot parse HTML: {exc}")]
    if doc is None or not (doc.text or "").strip():
        return [ReadError(origin, "no article text found in HTML")]
    paragraphs = [line for line in doc.text.split("\n") if line.strip()]
    date = doc.date
    if date and _NO_TIME.match(date):
        date = date[:10]
    fields = {
        "text": "\n\n".join(paragraphs),
        "title": doc.title,
        "author": doc.author,
        "published": date,
        "url": doc.url,
        "site": doc.sitename,
    }
    return build_article(fields, origin)


def read_html_file(path: Path, origin: str) -> list[Article | ReadError]:
    """Read one .html/.htm file (trafilatura detects its encoding)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [ReadError(origin, f"cannot read file: {exc.strerror or exc}")]
    if looks_binary(data[:8192]):
        return [ReadError(origin, "binary file (contains NUL bytes)")]
    return parse_html(data, origin)
