"""The plain-text layout of the seeds: optional header lines, a headline, then the body.

    Published: Sat, July 14, 2018
    Worldwide | By Myra Stephens

    Headline

    Body paragraphs...

Header lines are ``Key: value`` (Published/Date, URL, Site/Source, Author, Title/Headline, ID) or
``<Section> | By <Author>``. A block counts as a header only if *every* line in it is a header line, so
ordinary prose is never mistaken for one. Without a header the text has no title.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Article, ReadError
from .cleanup import clean_text
from .decode import DecodeError, decode_bytes
from .records import FIELDS, build_article

MAX_HEADLINE = 300

_KEYS = {
    "published": "published", "date": "published", "url": "url", "link": "url", "site": "site",
    "source": "site", "author": "author", "title": "title", "headline": "title", "id": "id",
}
_KEY_LINE = re.compile(r"^\s*(" + "|".join(_KEYS) + r")\s*:\s*(.*?)\s*$", re.IGNORECASE)
_BYLINE = re.compile(r"^\s*(?P<section>[^|]{0,80}?)\s*\|\s*By\s+(?P<author>\S.*?)\s*$", re.IGNORECASE)


def _header_fields(block: str) -> dict[str, str] | None:
    """Fields of a header block, or None when any line in it is not a header line."""
    found: dict[str, str] = {}
    for line in block.split("\n"):
        if m := _KEY_LINE.match(line):
            found.setdefault(_KEYS[m.group(1).lower()], m.group(2))
        elif m := _BYLINE.match(line):
            found.setdefault("author", m.group("author"))
        else:
            return None
    return found


def parse_text(text: str, origin: str = "", meta: dict[str, Any] | None = None) -> list[Article | ReadError]:
    """Split a .txt-layout text into fields and build the Article (plus a warning for a bad date)."""
    text = clean_text(text)
    fields: dict[str, Any] = {}
    has_header = False
    blocks = text.split("\n\n")
    i = 0
    while i < len(blocks) and (header := _header_fields(blocks[i])) is not None:
        for key, value in header.items():
            fields.setdefault(key, value)
        has_header = True
        i += 1
    if has_header and "title" not in fields and i < len(blocks):
        candidate = blocks[i].strip()
        if "\n" not in candidate and len(candidate) <= MAX_HEADLINE:
            fields["title"] = candidate
            i += 1
    fields["text"] = "\n\n".join(blocks[i:])
    for key, value in (meta or {}).items():
        if value is not None:
            fields[key] = value
    return build_article(fields, origin)


def read_text(text: str, *, origin: str = "", **meta: Any) -> Article:
    """One text in the seeds' layout (or plain text) as an Article; ``meta`` overrides header fields.

    An unparseable date leaves ``published`` None. Raises InputError when no text is left.
    """
    unknown = set(meta) - (set(FIELDS) - {"text"})
    if unknown:
        raise TypeError(f"read_text() got unexpected field(s): {', '.join(sorted(unknown))}")
    items = parse_text(text, origin, meta)
    for item in items:
        if isinstance(item, Article):
            return item
    raise InputError(f"{origin or '<text>'}: {items[0].message}")


def read_txt_file(path: Path, origin: str) -> list[Article | ReadError]:
    """Read one .txt file; decoding problems become a ReadError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [ReadError(origin, f"cannot read file: {exc.strerror or exc}")]
    try:
        text = decode_bytes(data)
    except DecodeError as exc:
        return [ReadError(origin, str(exc))]
    return parse_text(text, origin)
