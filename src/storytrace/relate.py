"""From evidence to the two decisions about a pair of articles: how much was copied, and is it one story.

Copying is decided from aligned verbatim passages (what was really reused), never from a single
similarity number; the story decision combines what news clustering systems use: weighted word vectors
of the body, of named entities and of the headline, inside a publication-time window.
"""

from __future__ import annotations

import dataclasses
import math
import os
import warnings
from contextlib import nullcontext
from datetime import datetime, timezone
from itertools import repeat
from operator import mul

from .align import Alignment, ParaphraseScorer, align, word_pairs
from .config import Settings
from .fingerprint import Fingerprint, fingerprint
from .errors import InputError
from .ingest import read_file, read_text
from .disguise import copy_disguises
from .language import ENGLISH
from .model import Article, CopyKind, Disguise, Relation, StoryKind
from .normalize import keyed_in, tokenize

__all__ = ["compare", "relate", "parse_published", "lifts_window", "story_similarity", "short_text_boost", "boost_length", "time_factor", "days_between", "decide_copy", "earlier_of",
           "word_pairs_kept"]


def _dot(x: dict[str, float], y: dict[str, float]) -> float:
    """``sum(v * y.get(k, 0.0) for k, v in x.items())`` over the smaller of the two, the same products
    added in the same order, with the loop in C (a query scores hundreds of stored vectors)."""
    if len(x) > len(y):
        x, y = y, x
    return sum(map(mul, x.values(), map(y.get, x, repeat(0.0))))


def parse_published(ts: str | None) -> datetime | None:
    """A stored ISO date as an aware datetime (UTC when it names no zone); None when absent or unreadable."""
    if not ts:
        return None
    try:
        d = datetime.fromisoformat(ts)
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def days_between(a: str | None, b: str | None) -> float | None:
    da, db = parse_published(a), parse_published(b)
    if da is None or db is None:
        return None
    return abs((da - db).total_seconds()) / 86400.0


def earlier_of(a: Article, b: Article) -> str | None:
    da, db = parse_published(a.published), parse_published(b.published)
    if da is None or db is None or da == db:
        return None
    return "a" if da < db else "b"


def boost_length(n_a: int, n_b: int, short_words: int) -> float:
    """The length that sets a pair's short-text boost: the shorter text's words, scaled up by
    sqrt(longer / short_words) once the longer text is longer than a headline.

    Two headlines can share only as many words as the shorter has, hence the boost. Against a full
    article a short text's few words are topic words that the article of a similar event holds as well,
    so its cosine says less and is boosted less. On the ECB+ dev split, pairs of a short text (mostly
    one-sentence reports) and a full article of the same topic, boosted as two headlines, were called
    one story 111 times across two similar events and 79 times within one; boosted this way, 21 and 74
    times. Pairs of two short texts (GoogleNews-T, STS-B) keep the boost they had."""
    lo, hi = min(n_a, n_b), max(n_a, n_b)
    return lo * math.sqrt(max(hi, short_words) / short_words)


def short_text_boost(n_a: int, n_b: int, settings: Settings) -> float:
    """Two headlines of one story share a word or two, two articles share dozens: similarity of short
    texts is raised (s -> 1 - (1 - s)^boost) so that one threshold serves both (chosen on the
    GoogleNews-T and ECB+ dev splits). See :func:`boost_length` for the length that counts."""
    if min(n_a, n_b) <= 0:
        return 1.0
    n = boost_length(n_a, n_b, settings.short_text_words)
    if n >= settings.short_text_words:
        return 1.0
    return float((settings.short_text_words / n) ** settings.short_text_power)


def time_factor(days: float, settings: Settings) -> float:
    """What publication distance leaves of a story score: nothing outside the window, and inside it a
    linear fall to ``1 - story_time_decay`` at the edge (two articles a day apart are likelier one story
    than two articles four weeks apart that share as many words)."""
    if days > settings.story_window_days:
        return 0.0
    return 1.0 - settings.story_time_decay * days / settings.story_window_days


def story_similarity(fa: Fingerprint, fb: Fingerprint, pub_a: str | None, pub_b: str | None,
                     settings: Settings) -> dict[str, float]:
    """The story score and its parts. Parts missing on either side (no headline, no names) drop out and
    the remaining weights are rescaled, so a plain-text comparison is not penalised for lacking them."""
    boost = short_text_boost(fa.n_words, fb.n_words, settings)
    parts = {"body": _dot(fa.body, fb.body)}
    weights = {"body": settings.weight_body}
    if fa.entities and fb.entities:
        parts["entities"] = _dot(fa.entities, fb.entities)
        # In a headline the names are most of the words: the body vector holds them already, and the names
        # counted twice outweigh what happened ("Tendulkar says ..." vs "Tendulkar scores ..."). The names'
        # own weight shrinks as the texts get shorter (STS-B dev story-pair average precision 0.77 -> 0.80).
        weights["entities"] = settings.weight_entities / boost
    if fa.title and fb.title:
        parts["title"] = _dot(fa.title, fb.title)
        weights["title"] = settings.weight_title
    total_w = sum(weights.values())
    score = sum(parts[k] * weights[k] for k in parts) / total_w
    if boost > 1.0:
        parts["short_boost"] = boost
        # 1 - (1 - s)^boost: about s * boost for small s, but never saturating, so scores still rank.
        score = 1.0 - (1.0 - min(score, 1.0)) ** boost
    days = days_between(pub_a, pub_b)
    out = {f"story_{k}": v for k, v in parts.items()}
    if days is not None:
        out["days_apart"] = days
        factor = time_factor(days, settings)
        if factor < 1.0:
            out["story_unwindowed"] = score
            score *= factor
    out["story"] = score
    return out


def word_pairs_kept(a: str, b: str) -> float:
    """Share of the adjacent content-word pairs of one text (the one with fewer) that the other has too.

    A revision edits its source's sentences and so keeps many of their word pairs in order; a text
    written independently about the same facts shares the words but seldom their sequence (word-bigram
    containment, the feature Clough & Stevenson found best at telling heavy revision from independent
    writing)."""
    pa, pb = word_pairs(a), word_pairs(b)
    if not pa or not pb:
        return 0.0
    return len(pa & pb) / min(len(pa), len(pb))


# Share of the aligned text whose order the other text keeps for an edited reprint: all of it but a stray
# sentence (synth dev: partial copies that reorder keep 0.25-0.86 of it, in-order copies 1.0).
_IN_ORDER = 0.9


def decide_copy(fa: Fingerprint, fb: Fingerprint, al: Alignment | None, settings: Settings,
                pairs_kept: float = 0.0) -> CopyKind:
    """exact, near or partial copy, or none. ``pairs_kept`` is :func:`word_pairs_kept` of the two texts,
    evidence of a rewrite besides the aligned passages."""
    if fa.exact == fb.exact and fa.n_words > 0:
        # The same words. Sentences glued together ("said.The") are a copier's trick, so a copy gluing more
        # or fewer of them is a near copy, as one with look-alike letters is (the exact hash ignores spacing,
        # and reads fullwidth and mathematical letters as plain ones).
        return "exact" if fa.glued == fb.glued and fa.styled == fb.styled else "near"
    if al is None:
        return "none"
    # A whole reprint with another story's paragraph spliced in, or lines of links between its paragraphs,
    # is still a reprint: text the alignment flags as unrelated is set aside before the shares are taken.
    # Only one side is the reprint, and which one is not known: where both hold such text, one side's is
    # text the copy left out, and setting both aside made an excerpt with a paragraph added a reprint.
    share_a, share_b = al.unrelated_share_a, al.unrelated_share_b
    if share_a and share_b:
        share_a = share_b = 0.0
    set_a = 1.0 - min(share_a, settings.near_unrelated_max)
    set_b = 1.0 - min(share_b, settings.near_unrelated_max)
    small, large = sorted((min(1.0, al.coverage_a / set_a), min(1.0, al.coverage_b / set_b)), reverse=True)
    # "small" is the larger coverage: the shorter text is the one mostly inside the shared passages.
    if small >= settings.near_coverage and large >= settings.near_coverage_longer:
        return "near"
    # A reprint with words swapped throughout (synonyms, figures, names): the runs between edits fall short
    # of a seed, so less of it is verbatim, but its passages, joined across the edits, still cover both
    # texts in the same order, as an excerpt with a paragraph spliced in or a reordered rewrite does not.
    if (large >= settings.edited_near_verbatim and al.in_order >= _IN_ORDER
            and min(al.aligned_a / set_a, al.aligned_b / set_b) >= settings.edited_near_coverage):
        return "near"
    if al.verbatim_words >= settings.min_passage_words and any(p.kind == "verbatim" for p in al.passages):
        return "partial"
    # A rewrite that follows its source sentence by sentence in other words is reuse too (heavy revision);
    # independent reports of one event share fewer aligned sentences, and fewer of their word pairs in order.
    # The two kinds of evidence add up: much of a text paired with the source's sentences, or less of it
    # but with the source's phrasing kept.
    rewritten = max(al.coverage_a + al.paraphrase_a, al.coverage_b + al.paraphrase_b)
    if rewritten + pairs_kept >= settings.rewrite_evidence and min(fa.n_words, fb.n_words) >= 20:
        return "partial"
    return "none"


def lifts_window(copy: CopyKind, scores: dict[str, float], settings: Settings) -> bool:
    """Whether a copy is evidence enough that its date lies. A reprint always is. A partial copy is only
    when it takes over a real share of one text: the stock paragraph that a running series (a weekly
    column, a campaign diary) repeats in every episode is a shared passage too, and with the window lifted
    it chained episodes months apart into one story (measured on the synth dev split, where same-story
    scraped copies carried at least 14% of a text, background paragraphs reused across episodes at most 10%)."""
    if copy in ("exact", "near"):
        return True
    if copy != "partial":
        return False
    return max(scores.get("coverage_a", 0.0), scores.get("coverage_b", 0.0)) >= settings.window_copy_coverage


def _jaccard(x: frozenset[int], y: frozenset[int]) -> tuple[float, float]:
    if not x or not y:
        return 0.0, 0.0
    inter = len(x & y)
    return inter / len(x | y), inter / min(len(x), len(y))


def relate(a: Article, b: Article, fa: Fingerprint | None = None, fb: Fingerprint | None = None,
           settings: Settings | None = None, *, with_alignment: bool = True,
           paraphrase_scorer: ParaphraseScorer | None = None, with_disguises: bool = False) -> Relation:
    """The full relation of two articles. ``with_alignment=False`` skips passage alignment (used when the
    index already knows the pair shares no text), and then the copy relation is only exact or none.
    ``paraphrase_scorer`` (see :func:`storytrace.align.align`) adds passages told in other words.
    ``with_disguises`` names the tricks each side of a copy plays (:mod:`storytrace.disguise`): evidence
    that scans store with the pair and decide nothing by.

    The same whichever article is given first (up to a and b exchanged): alignment reads its two texts in
    order and can cover a little more of one side when it comes first, so a pair is always related in
    the order of its ids, and a scan's answer does not depend on which article it met first."""
    if b.id < a.id or (b.id == a.id and b.content < a.content):  # texts joined only when the ids tie
        return _relate(b, a, fb, fa, settings, with_alignment=with_alignment, paraphrase_scorer=paraphrase_scorer,
                       with_disguises=with_disguises).swapped()
    return _relate(a, b, fa, fb, settings, with_alignment=with_alignment, paraphrase_scorer=paraphrase_scorer,
                   with_disguises=with_disguises)


def _shared_language(a: str, b: str) -> tuple[str, str] | None:
    """(language, text): the short text of the two to key in the other's language, when one is too short to
    identify (storytrace.language.undecided) and the other is identified as a language other than English.
    Otherwise a German sentence quoted alone, keyed as English, shares no key sequence with its German
    source. None when both are keyed alike already (always, for English text)."""
    ta, tb = tokenize(a), tokenize(b)
    if ta.language == tb.language:
        return None
    if ta.undecided and tb.language != ENGLISH:
        return tb.language, a
    if tb.undecided and ta.language != ENGLISH:
        return ta.language, b
    return None


def _relate(a: Article, b: Article, fa: Fingerprint | None, fb: Fingerprint | None, settings: Settings | None,
            *, with_alignment: bool, paraphrase_scorer: ParaphraseScorer | None, with_disguises: bool) -> Relation:
    shared = _shared_language(a.content, b.content) if with_alignment else None
    if shared is not None:  # the short side's fingerprint is made again, in the other's language
        language, short = shared
        fa, fb = (None if a.content == short else fa), (None if b.content == short else fb)
    with keyed_in(language, [short]) if shared is not None else nullcontext():
        return _related(a, fa, b, fb, settings, with_alignment=with_alignment,
                        paraphrase_scorer=paraphrase_scorer, with_disguises=with_disguises)


def _related(a: Article, fa: Fingerprint | None, b: Article, fb: Fingerprint | None, settings: Settings | None,
             *, with_alignment: bool, paraphrase_scorer: ParaphraseScorer | None, with_disguises: bool) -> Relation:
    st = settings or Settings()
    fa = fa or fingerprint(a, st)
    fb = fb or fingerprint(b, st)
    scores = story_similarity(fa, fb, a.published, b.published, st)
    jac, cont = _jaccard(fa.shingles, fb.shingles)
    scores["jaccard"] = jac
    scores["containment"] = cont
    al = align(a.content, b.content, st, paraphrase_scorer=paraphrase_scorer) if with_alignment else None
    pairs_kept = word_pairs_kept(a.content, b.content) if al is not None else 0.0
    copy = decide_copy(fa, fb, al, st, pairs_kept)
    if al is not None:
        scores["word_pairs"] = pairs_kept
        scores["coverage_a"] = al.coverage_a
        scores["coverage_b"] = al.coverage_b
        scores["aligned_a"] = al.aligned_a
        scores["aligned_b"] = al.aligned_b
        scores["rewritten"] = max(al.coverage_a + al.paraphrase_a, al.coverage_b + al.paraphrase_b)
        scores["reuse"] = min(1.0, max(al.coverage_a, al.coverage_b, cont, scores["rewritten"]))
    else:
        scores["reuse"] = 1.0 if copy == "exact" else cont
    if copy == "exact":
        scores["reuse"] = 1.0
    if "story_unwindowed" in scores and lifts_window(copy, scores, st):
        # Copied text is evidence that the dates lie (a scrape dated months later), not that the story
        # changed: the time window does not apply to copies.
        scores["story"] = scores.pop("story_unwindowed")
    story: StoryKind = "same" if (copy in ("exact", "near") or scores["story"] >= st.story_threshold) else "different"
    tricks_a: tuple[Disguise, ...] | None = () if with_disguises else None
    tricks_b: tuple[Disguise, ...] | None = () if with_disguises else None
    if with_disguises and copy != "none":
        tricks_a, tricks_b = copy_disguises(a.content, b.content, al.passages if al else ())
    return Relation(
        a=a.id,
        b=b.id,
        copy=copy,
        story=story,
        scores=scores,
        passages=tuple(al.passages) if al else (),
        unrelated_a=tuple(al.unrelated_a) if al else (),
        unrelated_b=tuple(al.unrelated_b) if al else (),
        earlier=earlier_of(a, b),
        disguises_a=tricks_a,
        disguises_b=tricks_b,
    )


def as_article(x: Article | str | os.PathLike[str], name: str) -> Article:
    """An Article as given; a string read in the .txt layout (a headline line, then the body; a
    ``Published:`` line is its date), named ``name`` unless it names itself; or the one article of a file
    given as a ``Path`` (a string is always text: one naming a file is compared as words, with a warning)."""
    if isinstance(x, Article):
        return x
    if isinstance(x, str):
        if "\n" not in x and len(x) < 4096 and os.path.isfile(x):
            # compare("a.txt", "b.txt") compared the two names and found nothing, which looked like an answer
            warnings.warn(f"{name}: {x!r} names a file but a string is compared as text; pass Path({x!r}) to "
                          "read the file", UserWarning, stacklevel=3)
        art = read_text(x, origin=name)
        return art if art.id else dataclasses.replace(art, id=name)
    if isinstance(x, os.PathLike):
        found, errors = read_file(x)
        if len(found) == 1:
            return found[0]
        problems = [e for e in errors if e.drops_article]
        raise InputError(str(problems[0]) if not found and problems else
                         f"{os.fspath(x)}: holds {len(found)} articles; compare takes one per side")
    raise TypeError(f"takes an Article, a str or a Path, got {type(x).__name__}")


def compare(a: Article | str | os.PathLike[str], b: Article | str | os.PathLike[str], settings: Settings | None = None, *,
            paraphrase_scorer: ParaphraseScorer | None = None) -> Relation:
    """How two articles relate, with the passages they share and, for a copy, the disguises each side
    plays. Strings are read in the .txt layout; a ``Path`` is a file holding one article."""
    if settings is not None and not isinstance(settings, Settings):
        raise TypeError(f"settings must be a Settings, got {type(settings).__name__}: Settings(**values)")
    return relate(as_article(a, "a"), as_article(b, "b"), settings=settings, paraphrase_scorer=paraphrase_scorer,
                  with_disguises=True)
