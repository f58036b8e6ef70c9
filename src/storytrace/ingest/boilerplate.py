"""Blog and site boilerplate removal.

``strip_boilerplate`` knows a short list of widget lines ("Like this:", "Share this:", cookie banners...)
and removes only whole short lines that match one, so article sentences are never cut.
``remove_repeated_lines`` finds per-site chrome (navigation, footers, taglines) by frequency across a
batch: a line most of a site's articles carry is not part of any one story.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter, defaultdict

from ..errors import ConfigError
from ..model import Article
from .cleanup import clean_text

MAX_BOILERPLATE_LINE = 120
MAX_REPEATED_LINE = 200

_PATTERNS = [
    r"like this:?",
    r"like loading\s*(\.\.\.|…)?",
    r"loading\s*(\.\.\.|…)",
    r"share this( article| story| post)?:?",
    r"share (this )?on (facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|email|telegram)",
    # a share bar flattened into one line: "Share this: Facebook Twitter Email"
    r"share( this( article| story| post)?)?:?(\s*[,|·•]?\s*(facebook|twitter|x|linkedin|whatsapp|reddit|pinterest"
    r"|email|telegram|print|tumblr|pocket|more))+",
    r"click to (share|email|print)\b.*",
    r"related( posts| articles| stories| news| content)?:?",
    r"you (may|might) also like:?",
    r"read more:?",
    r"advertisement",
    r"sponsored( content)?",
    r"follow us on\b.*",
    r"(please )?(subscribe|sign up)\b.*\b(newsletter|updates|our channel|for free)\b.*",
    r"subscribe( now| today)?[.!]?",
    r"(this|our) (web)?site uses cookies\b.*",
    r"we use cookies\b.*",
    r"(accept|allow|manage)( all)? cookies\.?",
    r"by (continuing to use|using) (this|our) (web)?site,? you (agree|consent)\b.*",
    r"posted in\b.*",
    r"filed under\b.*",
    r"tags?:.*",
    r"print( this)?( article| page)?",
    r"email( this)?( article)?",
    r"tweet",
]
_BOILERPLATE = re.compile(r"^\s*(?:" + "|".join(_PATTERNS) + r")\s*$", re.IGNORECASE)
# The same pattern at every line start of a whole text: where a line matches _BOILERPLATE, this matches at
# that line's start, so a text this finds nothing in has no boilerplate line (most texts: one search).
_ANY_BOILERPLATE = re.compile(_BOILERPLATE.pattern, re.IGNORECASE | re.MULTILINE)


def is_boilerplate_line(line: str) -> bool:
    """True when the whole (short) line is a known widget/banner line."""
    return len(line) <= MAX_BOILERPLATE_LINE and bool(_BOILERPLATE.match(line))


def strip_boilerplate(text: str) -> str:
    """Drop whole short lines matching the built-in boilerplate patterns; leaves everything else alone."""
    if _ANY_BOILERPLATE.search(text) is None:
        return clean_text(text)
    lines = [line for line in text.split("\n") if not is_boilerplate_line(line)]
    return clean_text("\n".join(lines))


def _candidate_lines(text: str) -> set[str]:
    return {s for s in (line.strip() for line in text.split("\n")) if s and len(s) < MAX_REPEATED_LINE}


def remove_repeated_lines(
    articles: list[Article], *, min_articles: int = 3, min_share: float = 0.5
) -> list[Article]:
    """Remove, per site, short lines found in >= ``min_articles`` and >= ``min_share`` of its articles.

    Articles with no site are left alone (we cannot tell chrome from content without a site). Identical
    texts count once, so a story reprinted several times on one site does not erase itself. An article
    that would become empty is returned unchanged. Ids are not recomputed. Order is preserved.
    """
    if min_articles < 2:
        raise ConfigError(f"min_articles must be >= 2, got {min_articles}")
    if not 0.0 < min_share <= 1.0:
        raise ConfigError(f"min_share must be in (0, 1], got {min_share}")
    by_site: dict[str, list[int]] = defaultdict(list)
    for i, article in enumerate(articles):
        if article.site:
            by_site[article.site].append(i)
    result = list(articles)
    for indices in by_site.values():
        texts = {articles[i].text for i in indices}
        if len(texts) < min_articles:
            continue
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(_candidate_lines(text))
        need = max(min_articles, math.ceil(min_share * len(texts) - 1e-9))
        repeated = {line for line, n in counts.items() if n >= need}
        if not repeated:
            continue
        for i in indices:
            article = articles[i]
            kept = [line for line in article.text.split("\n") if line.strip() not in repeated]
            text = clean_text("\n".join(kept))
            if text and text != article.text:
                result[i] = dataclasses.replace(article, text=text)
    return result
