"""Stable article ids from content, so that scanning the same input twice changes nothing."""

from __future__ import annotations

import xxhash

from ..model import Article

_SEP = "\x1f"  # ASCII unit separator: cannot occur in cleaned fields by accident


def make_id(article: Article) -> str:
    """``a`` + xxh3_64 hex over url, site, author, published, title and text.

    Metadata is part of the hash on purpose: an exact copy on another site or date is another article.
    """
    parts = (article.url, article.site, article.author, article.published, article.title, article.text)
    joined = _SEP.join("" if p is None else p for p in parts)
    return "a" + xxhash.xxh3_64_hexdigest(joined.encode("utf-8", "surrogatepass"))
