"""Python values to articles: what ``Index.add`` reads, checked as the file readers check theirs.

A caller of the Python API hands over ``Article`` values or plain dicts (a JSON Lines record, a pandas
row's ``to_dict()``), often built from a feed. Each bad one gets one ReadError naming it and the rest go
on, as a bad line of a file does: an article with no text is left out, and a date that is not one is
dropped with a warning instead of being stored as text that sorts wrongly ("yesterday" after 2020, a
+09:00 time before the UTC one it follows).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from ..model import Article, ReadError
from .ids import make_id
from .records import build_article, pick_fields, read_date, resolve_columns

__all__ = ["check_items", "read_objects"]


def check_items(items: Any) -> None:
    """Refuse one article, or one text, where an iterable of them is due: iterating it would read its
    fields or characters as articles."""
    if isinstance(items, (Article, Mapping)):
        raise TypeError(f"add() takes an iterable of articles; wrap this {type(items).__name__} in a list: add([...])")
    if isinstance(items, (str, bytes)):
        raise TypeError("add() takes an iterable of articles, not a text: add([Article(text=...)])")
    if not isinstance(items, Iterable):
        raise TypeError(f"add() takes an iterable of Article values or dicts, got {type(items).__name__}")


def _origin(item: Any, position: int) -> str:
    origin = getattr(item, "origin", "") or (item.get("origin") if isinstance(item, Mapping) else "")
    if origin:
        return str(origin)
    ident = getattr(item, "id", "") or (item.get("id") if isinstance(item, Mapping) else "")
    return f"item {position}" + (f" (id {ident!r})" if ident else "")


def _dated(article: Article, origin: str) -> list[Article | ReadError]:
    if article.published is None:
        return [article]
    published, warnings = read_date(article.published, origin)
    return [article if published == article.published else replace(article, published=published), *warnings]


def read_objects(items: Iterable[Any]) -> Iterator[Article | ReadError]:
    """Articles from ``Article`` values (their text kept as given) and dicts (read as a JSON Lines record
    is: column aliases, boilerplate, repairs), with a ReadError for each one that cannot be an article."""
    for position, item in enumerate(items, 1):
        if isinstance(item, Article):
            origin = _origin(item, position)
            if item.title is None:  # Article(title=row.get("title")): no headline
                item = replace(item, title="")
            if not isinstance(item.text, str):
                yield ReadError(origin, f"text is not a string ({type(item.text).__name__})")
            elif not isinstance(item.title, str):
                yield ReadError(origin, f"title is not a string ({type(item.title).__name__})")
            elif not item.text.strip() and not item.title.strip():
                yield ReadError(origin, "no text")  # a headline alone is an article (a feed of headlines)
            elif item.id is not None and (not isinstance(item.id, (str, int)) or isinstance(item.id, bool)):
                yield ReadError(origin, f"id is not a string ({type(item.id).__name__})")
            else:
                # An int id is its digits, as a JSON Lines reader reads one; a missing one hashes the article
                # as given, before its date is put in UTC (as a reader hashes the fields as read).
                ident = item.id if isinstance(item.id, str) else "" if item.id is None else str(item.id)
                yield from _dated(replace(item, id=ident or make_id(item)), origin)
        elif isinstance(item, Mapping):
            yield from build_article(pick_fields(item, resolve_columns(map(str, item), {})), _origin(item, position))
        else:
            yield ReadError(_origin(item, position), f"expected an Article or a dict, found {type(item).__name__}"
                                                     + ("; for a text pass Article(text=...)" if isinstance(item, str)
                                                        else ""))
