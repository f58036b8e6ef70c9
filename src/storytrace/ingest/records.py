"""From loose field values (a JSON object, a CSV row, a parsed .txt header) to one clean Article.

Every reader funnels through ``build_article`` so that cleanup, boilerplate removal, dates, sites and ids
follow the same rules whatever the file format.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..model import Article, ReadError
from .boilerplate import strip_boilerplate
from .cleanup import clean_line, clean_text, comparable
from .dates import is_placeholder_date, normalise_date
from .ids import make_id
from .repair import repair

FIELDS = ("id", "url", "site", "title", "published", "author", "text")

# Common column names in the wild, tried after the canonical name (case-insensitive).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("doc_id", "article_id", "docid", "uid"),
    "url": ("link", "uri", "href", "source_url"),
    "site": ("source", "domain", "sitename", "site_name", "publisher", "outlet", "hostname"),
    "title": ("headline", "heading"),
    "published": ("date", "published_at", "publish_date", "publication_date", "pubdate", "datetime", "pub_date"),
    "author": ("byline", "authors", "creator"),
    # Not "story": in storytrace's own labelled JSONL (eval, synth's truth.jsonl) that is the story label.
    "text": ("body", "content", "article", "full_text", "maintext"),
}


@dataclass(frozen=True, slots=True)
class ReadWarning(ReadError):
    """A problem that did not stop the article from being read (e.g. an unparseable date).

    It is a ReadError, so a scan lists and counts it, but the article it concerns was yielded too.
    """

    drops_article: ClassVar[bool] = False


@dataclass(frozen=True, slots=True)
class Repaired(ReadWarning):
    """An article read after repairs to damage its text carried (:func:`storytrace.ingest.repair.repair`),
    named in ``names``. A scan counts these rather than listing them."""

    names: tuple[str, ...] = ()

    @property
    def repairs(self) -> tuple[str, ...]:
        return self.names


def check_mapping(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Validate a user's ``{"their_col": "our_field"}`` mapping up front (a config error, not bad data)."""
    if not mapping:
        return {}
    bad = {k: v for k, v in mapping.items() if v not in FIELDS}
    if bad:
        raise ConfigError(f"mapping targets must be among {', '.join(FIELDS)}; got {bad}")
    return dict(mapping)


def resolve_columns(columns: Iterable[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Which input column feeds each of our fields: mapping first, then canonical name, then aliases."""
    columns = list(columns)
    lower: dict[str, str] = {}
    for col in columns:
        lower.setdefault(str(col).strip().lower(), col)
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for theirs, ours in mapping.items():
        col = theirs if theirs in columns else lower.get(theirs.strip().lower())
        if col is not None and ours not in chosen:
            chosen[ours] = col
            used.add(col)
    for field in FIELDS:
        if field in chosen:
            continue
        for name in (field, *ALIASES[field]):
            col = lower.get(name)
            if col is not None and col not in used:
                chosen[field] = col
                used.add(col)
                break
    return chosen


def pick_fields(record: Mapping[str, Any], columns: Mapping[str, str]) -> dict[str, Any]:
    """Our field name -> raw value, for a record whose columns were resolved with ``resolve_columns``."""
    return {field: record.get(col) for field, col in columns.items()}


def site_from_url(url: str | None) -> str | None:
    """The URL's host, lower-case, without ``www.`` (the fallback when no site is given)."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host or None


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _as_line(value: Any) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value if not _missing(v) and str(v).strip())
    text = clean_line(str(value))
    return text or None


def read_date(raw: Any, origin: str) -> tuple[str | None, list[ReadError]]:
    """A date as stored (ISO 8601, UTC), or None with a warning naming ``origin`` when it is no date or the
    Unix epoch that stands for none: the article is kept either way."""
    try:
        published = normalise_date(None if _missing(raw) else raw)
    except ValueError:
        return None, [ReadWarning(origin, f"unparseable date {str(raw).strip()!r} (kept without a date)")]
    if is_placeholder_date(published):
        return None, [ReadWarning(origin, f"placeholder date {str(raw).strip()!r}: the Unix epoch, which "
                                          "stands for no date (kept without a date)")]
    return published, []


def drop_repeated_headline(title: str, text: str) -> str:
    """Remove the body's first paragraph when it only repeats the headline (common in scraped pages).

    A body that is nothing but the headline is kept: better a duplicated line than no article.
    """
    if not title:
        return text
    first, sep, rest = text.partition("\n\n")
    if "\n" in first and comparable(first.split("\n", 1)[0]) == comparable(title):
        first, sep, rest = first.partition("\n")  # headline on its own line, body right below
    rest = rest.lstrip("\n")
    if rest:
        head = comparable(first)
        if head and head == comparable(title):
            return rest
    return text


def build_article(fields: Mapping[str, Any], origin: str) -> list[Article | ReadError]:
    """One Article (plus a Repaired naming the repairs its text needed, and a ReadWarning if its date was
    unparseable or a placeholder), or one ReadError when it has no text."""
    raw_text = fields.get("text")
    if isinstance(raw_text, (list, tuple)) and all(isinstance(t, str) for t in raw_text):
        raw_text = "\n\n".join(raw_text)  # a list of paragraphs
    if _missing(raw_text) or (isinstance(raw_text, str) and not raw_text.strip()):
        return [ReadError(origin, "no text")]
    if not isinstance(raw_text, str):
        return [ReadError(origin, f"text is not a string ({type(raw_text).__name__})")]
    # The id hashes the fields as read; what is stored is their repair (ingest.repair), so an input scanned
    # before repairs were made keeps its id (scanning it again adds nothing).
    title_as_read = _as_line(fields.get("title")) or ""
    text_as_read = drop_repeated_headline(title_as_read, strip_boilerplate(clean_text(raw_text)))
    (title, title_repairs), (repaired, text_repairs) = repair(title_as_read), repair(raw_text)
    made = tuple(dict.fromkeys(text_repairs + title_repairs))
    if not made:
        title, text = title_as_read, text_as_read
    else:
        title = clean_line(title)
        text = drop_repeated_headline(title, strip_boilerplate(clean_text(repaired)))
    if not text:
        # of the repairs only markup's removal can leave nothing
        removed = "markup and boilerplate" if "markup" in made else "boilerplate"
        return [ReadError(origin, f"empty article (no text left after removing {removed})")]
    out: list[Article | ReadError] = []
    if made:
        out.append(Repaired(origin, f"repaired {', '.join(made)}", made))
    published, warnings = read_date(fields.get("published"), origin)
    out += warnings
    url = _as_line(fields.get("url"))
    site = _as_line(fields.get("site")) or site_from_url(url)
    article = Article(
        text=text_as_read,
        title=title_as_read,
        url=url,
        site=site,
        author=_as_line(fields.get("author")),
        published=published,
        origin=origin,
    )
    raw_id = fields.get("id")
    if isinstance(raw_id, float) and raw_id.is_integer():
        raw_id = int(raw_id)  # ids written through pandas come back as floats
    given_id = _as_line(raw_id)
    article = dataclasses.replace(article, id=given_id or make_id(article), text=text, title=title)
    out.insert(0, article)
    return out
