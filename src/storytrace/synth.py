"""A content-farm corpus with known answers: ``storytrace synth``.

Real copies in the wild (see the seed articles) are wire stories reprinted with light edits, rewrites that
keep a few sentences, splices of several reports and of unrelated snippets, synonym "spinning" and
disguises (look-alike letters, missing spaces, deleted "of"), under new bylines, sites and later dates.
Labelled data of that kind is rare, so this module makes it from real articles, recording for every
generated article its story, its source and the character spans of every reused passage. That ground truth
is what the passage (plagdet), attribution and first-publisher numbers of ``storytrace eval synth`` rest on.

The generator streams: it keeps only a window of recent originals to copy from, so a million articles cost
no more memory than a thousand. Once the real articles are used up, further originals are written by a
word-level Markov model of them with an invented cast (people, places), so they share no passages with
each other beyond the stock phrases any two news texts share.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import re
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

import click

from storytrace.model import TITLE_SEPARATOR, Article

__all__ = [
    "SynthItem",
    "SynthPassage",
    "SynthTruth",
    "SynthCorpus",
    "Mix",
    "generate",
    "load_sources",
    "synth_cmd",
    "SYNONYMS",
    "HOMOGLYPHS",
]

Relation = Literal["exact", "near", "partial", "same", "none"]

# --- tables --------------------------------------------------------------------------------------------

#: Synonym spinning, the way article spinners do it: whole words and names swapped for "equivalents".
SYNONYMS: dict[str, list[str]] = {
    "Russia": ["Russian Federation"],
    "United States": ["US", "USA", "United States of America"],
    "U.S.": ["US", "American"],
    "UK": ["United Kingdom", "Britain"],
    "said": ["stated", "stated that", "said that"],
    "says": ["states", "claims"],
    "told": ["informed", "advised"],
    "announced": ["declared", "revealed"],
    "reported": ["stated", "described"],
    "killed": ["slain", "left dead"],
    "died": ["passed away", "perished"],
    "people": ["individuals", "persons"],
    "police": ["law enforcement", "authorities"],
    "government": ["administration", "authorities"],
    "president": ["head of state", "leader"],
    "President": ["Head of State", "leader"],
    "minister": ["secretary", "official"],
    "official": ["functionary", "representative"],
    "officials": ["functionaries", "representatives"],
    "country": ["nation", "state"],
    "countries": ["nations", "states"],
    "city": ["town", "metropolis"],
    "meeting": ["assembly", "gathering"],
    "attack": ["assault", "strike"],
    "help": ["assist", "aid"],
    "began": ["commenced", "started"],
    "start": ["commence", "begin"],
    "started": ["commenced", "began"],
    "ended": ["concluded", "finished"],
    "large": ["massive", "big"],
    "big": ["large", "huge"],
    "small": ["little", "tiny"],
    "important": ["crucial", "vital"],
    "however": ["nevertheless", "nonetheless"],
    "However": ["Nevertheless", "Nonetheless"],
    "also": ["additionally", "as well"],
    "many": ["numerous", "plenty of"],
    "several": ["a number of", "various"],
    "about": ["approximately", "around"],
    "more than": ["over", "in excess of"],
    "because": ["since", "as"],
    "after": ["following", "subsequent to"],
    "before": ["prior to", "ahead of"],
    "during": ["throughout", "in the course of"],
    "week": ["seven days"],
    "year": ["twelve months"],
    "years": ["years and years", "decades"],
    "show": ["demonstrate", "display"],
    "showed": ["demonstrated", "displayed"],
    "found": ["discovered", "located"],
    "made": ["produced", "created"],
    "make": ["produce", "create"],
    "get": ["obtain", "acquire"],
    "got": ["obtained", "acquired"],
    "use": ["utilise", "employ"],
    "used": ["utilised", "employed"],
    "need": ["require"],
    "needs": ["requires"],
    "buy": ["purchase"],
    "bought": ["purchased"],
    "want": ["wish", "desire"],
    "wants": ["wishes", "desires"],
    "try": ["attempt"],
    "tried": ["attempted"],
    "fire": ["blaze", "flames"],
    "car": ["vehicle", "automobile"],
    "home": ["residence", "house"],
    "house": ["residence", "home"],
    "children": ["kids", "youngsters"],
    "man": ["male", "gentleman"],
    "woman": ["female", "lady"],
    "company": ["firm", "business"],
    "money": ["funds", "cash"],
    "talks": ["negotiations", "discussions"],
    "deal": ["agreement", "accord"],
    "new": ["fresh", "brand new"],
    "first": ["initial", "very first"],
    "last": ["final", "previous"],
    "next": ["following", "subsequent"],
    "according to": ["as stated by", "in accordance with"],
}

#: Latin letters and the Cyrillic letters that look the same (copy disguise).
HOMOGLYPHS: dict[str, str] = {
    "a": "\u0430", "c": "\u0441", "e": "\u0435", "o": "\u043e", "p": "\u0440", "x": "\u0445", "y": "\u0443",
    "A": "\u0410", "B": "\u0412", "C": "\u0421", "E": "\u0415", "H": "\u041d", "K": "\u041a", "M": "\u041c",
    "O": "\u041e", "P": "\u0420", "T": "\u0422", "X": "\u0425",
}  # fmt: skip

TAILS = [
    "Like this:",
    "Share this:\nTwitter\nFacebook",
    "Like this:\nLike Loading...",
    "Related",
    "Source: news agencies",
    "Click here to subscribe to our newsletter.",
]

FIRST_NAMES = (
    "Myra Leon Ada Omar Priya Lars Ines Tomasz Keiko Duncan Maren Felix Nadia Rhys Beatrix Caleb Yusuf Lena "
    "Marco Sigrid Hugo Tamsin Arjun Olga Rafael Greta Idris Noor Callum Elodie Mateo Anika Desmond Sunniva"
).split()
LAST_NAMES = (
    "Stephens Thompson Okafor Lindqvist Moreau Kowalski Tanaka Brennan Haddad Castillo Novak Whitfield "
    "Abernathy Varga Quinlan Osei Delacroix Ferreira Lindgren Petrov Marsh Achterberg Yilmaz Ogden Rasku "
    "Halloran Mbeki Strand Valdez Okonkwo Sorensen Iwata Kingsley Radu Fairbanks Esposito"
).split()
PLACES = (
    "Bergholm Castleford Duneport Elmstead Farrowmere Glenrock Halvik Ironbridge Juniper Falls Kestrel Bay "
    "Larchmont Millbrook Norwick Oakhaven Port Tallis Queensbury Redwater Saltash Thornbury Upton Vale "
    "Westmarch Yarrow Zellburg Ashcombe Brightwater Coldharbour"
).split()
ORGS = (
    "Ministry of Transport|Central Bank|Harbour Authority|National Weather Service|Supreme Court|"
    "Red Cross|Electoral Commission|Health Department|Chamber of Commerce|University Hospital"
).split("|")
SITE_WORDS_A = "daily global metro city national morning evening world prime true open free instant".split()
SITE_WORDS_B = "herald post wire times ledger gazette report news digest observer today tribune".split()
SITE_TLDS = ["com", "net", "news", "info", "co.uk", "org"]
SECTIONS = ["Worldwide", "People", "Politics", "World", "Business", "Top Stories", "Latest"]

# --- ground truth --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SynthPassage:
    """A reused stretch: spans into the copy's and the source's ``Article.content`` (ends exclusive).

    ``kind`` is ``verbatim`` (equal text), ``edited`` (spun or disguised: near-equal) or ``paraphrase``
    (reworded: same facts, few shared words in a row).
    """

    source: str
    copy_start: int
    copy_end: int
    source_start: int
    source_end: int
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "copy": [self.copy_start, self.copy_end],
            "source_span": [self.source_start, self.source_end],
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class SynthTruth:
    """What a generated article is: its story, its source (None for originals) and how it was made.

    ``unrelated`` holds the character spans (into ``Article.content``, ends exclusive) of the paragraphs
    spliced in from another story: the text a reader should see flagged as foreign to this one.
    """

    story: str
    relation: Relation
    source: str | None = None
    ops: tuple[str, ...] = ()
    passages: tuple[SynthPassage, ...] = ()
    decoy_of: str | None = None
    seed_article: str | None = None
    distractors: tuple[str, ...] = ()
    unrelated: tuple[tuple[int, int], ...] = ()

    def to_dict(self, article_id: str) -> dict[str, Any]:
        return {
            "id": article_id,
            "story": self.story,
            "source": self.source,
            "relation": self.relation,
            "ops": list(self.ops),
            "decoy_of": self.decoy_of,
            "seed_article": self.seed_article,
            "distractors": list(self.distractors),
            "passages": [p.to_dict() for p in self.passages],
            "unrelated": [list(u) for u in self.unrelated],
        }


@dataclass(frozen=True, slots=True)
class SynthItem:
    article: Article
    truth: SynthTruth


@dataclass(frozen=True, slots=True)
class Mix:
    """Share of each kind of generated article. Derived ones (exact..same) default to 30% in all."""

    exact: float = 0.05
    near: float = 0.10
    partial: float = 0.09
    same: float = 0.06
    decoy: float = 0.03

    def __post_init__(self) -> None:
        for name in ("exact", "near", "partial", "same", "decoy"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"Mix.{name} must be in [0, 1], got {v!r}")
        if self.exact + self.near + self.partial + self.same + self.decoy > 1.0:
            raise ValueError(f"Mix shares add up to more than 1: {self!r}")


# --- text handling -------------------------------------------------------------------------------------

_SENT_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_WORDS = re.compile(r"\S+")
_CAPS = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of\s+)?[A-Z][a-z]+)*")


def split_sentences(text: str, offset: int = 0) -> list[list[tuple[int, int]]]:
    """Paragraphs (blank-line separated) of sentence spans, offset into the enclosing string."""
    paras: list[list[tuple[int, int]]] = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text):
        start, para = m.start(), m.group()
        spans, s = [], 0
        for e in _SENT_END.finditer(para):
            spans.append((start + s, start + e.start() + len(e.group().rstrip())))
            s = e.end()
        if para[s:].strip():
            spans.append((start + s, start + len(para.rstrip())))
        spans = [(offset + a, offset + b) for a, b in spans if b > a]
        if spans:
            paras.append(spans)
    return paras


@dataclass(slots=True)
class _Doc:
    """An article we can copy from: its content and the sentence spans in it."""

    article: Article
    story: str
    paras: list[list[tuple[int, int]]]
    cast: list[str]
    published: datetime
    children_same: list[str] = field(default_factory=list)

    @property
    def content(self) -> str:
        return self.article.content

    def sentences(self) -> list[tuple[int, int]]:
        return [s for p in self.paras for s in p]

    def title_span(self) -> tuple[int, int]:
        return (0, len(self.article.title))


def _parse(article: Article, story: str, published: datetime) -> _Doc:
    off = len(article.title) + len(TITLE_SEPARATOR) if article.title else 0
    paras = split_sentences(article.text, off)
    return _Doc(article, story, paras, _cast_of(article.content), published)


_NOT_CAST = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December The He She It They We I This That".split()
)


def _cast_of(text: str, k: int = 6) -> list[str]:
    """The people, places and bodies an article is about: its most frequent capitalised names.

    A single capitalised word that opens a sentence is skipped (it is usually just "The" or "He")."""
    counts: Counter[str] = Counter()
    for m in _CAPS.finditer(text):
        name = re.sub(r"^(?:The|A|An|In|On|At|But|And)\s+", "", m.group())
        before = text[max(0, m.start() - 8) : m.start()].rstrip()
        if (not before or before[-1] in ".!?\n\"“") and " " not in name or name in _NOT_CAST:
            continue
        counts[name] += 1
    return [n for n, _ in counts.most_common(k)]


def _match_case(word: str, repl: str) -> str:
    return repl[0].upper() + repl[1:] if word[:1].isupper() and repl[:1].islower() else repl


_SYN_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)) + r")\b")


def spin(text: str, rng: random.Random, p: float) -> str:
    """Swap table words for their 'synonyms' with probability p each (what article spinners do)."""
    return _SYN_RE.sub(lambda m: rng.choice(SYNONYMS[m.group()]) if rng.random() < p else m.group(), text)


def homoglyphs(text: str, rng: random.Random, rate: float) -> str:
    """Replace a share of Latin letters by Cyrillic look-alikes (invisible to a reader, not to a hash)."""
    return "".join(HOMOGLYPHS[c] if c in HOMOGLYPHS and rng.random() < rate else c for c in text)


def delete_of(text: str) -> str:
    """Delete every "of" (a disguise seen in the wild)."""
    return re.sub(r"\bof\s+", "", text)


# Letters an OCR confuses in scans of old newspapers, each read as the other.
OCR_CONFUSIONS = {"m": "rn", "l": "1", "i": "l", "e": "c", "c": "e", "o": "0", "h": "b", "b": "h", "u": "n",
                  "n": "u", "t": "f", "f": "t", "s": "a", "a": "s"}


def misread(text: str, rng: random.Random, rate: float = 0.04) -> str:
    """The text as an OCR of a scanned page reads it (damage, not a disguise): each letter, with
    probability ``rate``, read as another (six times in ten), dropped (twice) or followed by a stray space
    that breaks its word (twice). Not played by :func:`generate`; ``scripts/disguise_probe.py`` and the
    tests use it."""
    out = []
    for c in text:
        if c.isalpha() and rng.random() < rate:
            r = rng.random()
            out.append(OCR_CONFUSIONS.get(c, "e") if r < 0.6 else ("" if r < 0.8 else c + " "))
        else:
            out.append(c)
    return "".join(out)


def set_in_columns(text: str, rng: random.Random, width: int = 30) -> str:
    """The text as a paper sets it in a column ``width`` characters wide and a scan or a scraper keeps its
    lines: each paragraph broken into lines, and a word of six letters or more that overflows a line
    hyphenated across it, at a point of its own (a typesetter hyphenates at syllables; where does not
    matter to matching). Layout, not a disguise: not played by :func:`generate`."""
    out = []
    for para in text.split("\n\n"):
        lines: list[str] = []
        line = ""
        for word in para.split():
            if not line:
                line = word
            elif len(line) + 1 + len(word) <= width:
                line += " " + word
            else:
                room = width - len(line) - 2  # a space and the hyphen
                if word.isalpha() and len(word) >= 6 and room >= 2:
                    cut = rng.randint(2, min(room, len(word) - 3))
                    lines.append(f"{line} {word[:cut]}-")
                    line = word[cut:]
                else:
                    lines.append(line)
                    line = word
        if line:
            lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)


def nospace(text: str) -> str:
    """Remove spaces after full stops (another disguise)."""
    return re.sub(r"(?<=[a-z0-9][.!?]) +(?=\S)", "", text)


def paraphrase(text: str, rng: random.Random) -> str:
    """A crude rewording: spin every table word, rotate clauses, drop some words, so that few runs of five
    words survive while the names and most content words do."""
    text = spin(text, rng, 1.0)
    text = text.rstrip()
    end = text[-1] if text and text[-1] in ".!?" else "."
    body = text.rstrip(".!?")
    clauses = [c for c in body.split(", ") if c]
    if len(clauses) > 1:
        k = rng.randrange(1, len(clauses))
        clauses = clauses[k:] + clauses[:k]
    words = " ".join(clauses).split()
    kept = [w for i, w in enumerate(words) if i < 2 or w[:1].isupper() or len(w) < 4 or rng.random() > 0.3]
    for i in range(2, len(kept) - 1, 5):  # break runs of five: swap neighbours now and then
        if rng.random() < 0.6:
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
    out = " ".join(kept)
    return (out[:1].upper() + out[1:] + end) if out else text


def _reworded(text: str, rng: random.Random, run: int = 4) -> str:
    """paraphrase(), then rotated until no run of ``run`` words of the original survives: a "same story"
    item must not share a passage (its headline included) with its source, or its label would be wrong."""
    out = paraphrase(text, rng)
    orig = [w.strip(".,;:!?\"'").lower() for w in text.split()]
    grams = {tuple(orig[i : i + run]) for i in range(len(orig) - run + 1)}
    words = out.split()
    for _ in range(len(words)):
        low = [w.strip(".,;:!?\"'").lower() for w in words]
        if not any(tuple(low[i : i + run]) in grams for i in range(len(low) - run + 1)):
            break
        k = max(1, len(words) // 3)
        words = words[k:] + words[:k]
        if len(words) > 3:
            i = rng.randrange(0, len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
    out = " ".join(words)
    return out[:1].upper() + out[1:] if out else text


_RUN = 4  # content words in a row that make a shared passage (function words and punctuation aside)


def _grams(text: str, run: int = _RUN) -> set[tuple[str, ...]]:
    """Runs of ``run`` content words: what a passage aligner matches, whatever the small words between."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = [w for w in re.findall(r"[^\W_]+", text.lower()) if w not in ENGLISH_STOP_WORDS]
    return {tuple(words[i : i + run]) for i in range(len(words) - run + 1)}


def _break_runs(text: str, grams: set[tuple[str, ...]], before: str = "") -> str:
    """``text`` with a word taken out of every run of content words it shares with ``grams`` (from _grams),
    counting runs that start in ``before``, the text that precedes it (left as it is).

    This is the last step of every text that must share no passage with its source: a decoy, or a
    same-story rewrite. A bigram model of the real articles, given the source's cast, now and then writes
    out a stretch of the source again ("... upwards of the Internal Revenue Service"), and a reworded
    sentence can keep one in order; left in, they are copied passages the truth does not know of. It is
    deterministic (no random draws), so the rest of the corpus stays as it was."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    head = before.split()
    words = head + text.split()
    for _ in range(len(words)):
        keys = [(i, w) for i, tok in enumerate(words) for w in re.findall(r"[^\W_]+", tok.lower())
                if w not in ENGLISH_STOP_WORDS]
        hit = next((k for k in range(len(keys) - _RUN + 1)
                    if tuple(w for _, w in keys[k : k + _RUN]) in grams), None)
        if hit is None:
            break
        # the last word of the run, which is never in ``before`` (earlier runs were broken already)
        victim = keys[hit + _RUN - 1][0]
        if victim < len(head):
            break
        del words[victim]
    out = " ".join(words[len(head):])
    return out[:1].upper() + out[1:] if out else text


def _unshared(texts: list[str], grams: set[tuple[str, ...]], before: str = "") -> list[str]:
    """_break_runs over a sequence of sentences, each checked together with the one before it."""
    out = []
    for t in texts:
        t = _break_runs(t, grams, before)
        out.append(t)
        before = t
    return out


class _Markov:
    """Word bigram model of the real articles: text for originals beyond the real pool and for decoys.

    First order on purpose: higher orders replay long runs of the training text and would plant passages
    of real articles (which are in the corpus too) into "original" text.
    """

    def __init__(self, docs: Sequence[Article]) -> None:
        nxt: dict[str, list[str]] = {}
        starts: list[str] = []
        for a in docs:
            for para in a.text.split("\n\n"):
                words = para.split()
                if not words:
                    continue
                starts.append(words[0])
                for w1, w2 in zip(words, words[1:], strict=False):
                    nxt.setdefault(w1, []).append(w2)
        self.next = nxt
        self.caps = frozenset(w for w in nxt if w[:1].isupper())
        self.starts = [w for w in starts if w[:1].isupper()] or ["The"]

    def sentence(self, rng: random.Random, cast: Sequence[str], lo: int = 8, hi: int = 30) -> str:
        nxt, starts, rnd = self.next, self.starts, rng.random  # hot loop: a million articles pass here
        words = [starts[int(rnd() * len(starts))]]
        while len(words) < hi:
            last = words[-1]
            ends = last[-1] in ".!?"
            if ends and len(words) >= lo:
                break
            options = None if ends else nxt.get(last)
            if not options:
                options = nxt.get(starts[int(rnd() * len(starts))]) or ["the"]
            words.append(options[int(rnd() * len(options))])
        out, i, n = [words[0]], 1, len(words)
        caps = self.caps
        while i < n:  # a run of capitalised words (a name) becomes one cast member, half the time
            j = i
            while j < n and words[j] in caps and words[j - 1][-1] not in ".!?":
                j += 1
            if j == i:
                out.append(words[i])
                i += 1
            elif cast and rnd() < 0.5:
                out.append(cast[int(rnd() * len(cast))] + re.sub(r"^[\w'’-]+", "", words[j - 1]))
                i = j
            else:
                out.extend(words[i:j])
                i = j
        s = " ".join(out)
        s = re.sub(r"[.!?]+(?=\s)", "", s[:-1]) + s[-1]  # one sentence, not several
        return s if s[-1] in ".!?" else s.rstrip(",;:") + "."

    def text(self, rng: random.Random, cast: Sequence[str], n_words: int) -> list[list[str]]:
        paras, count = [], 0
        while count < n_words:
            para = [self.sentence(rng, cast) for _ in range(rng.randint(1, 4))]
            count += sum(len(s.split()) for s in para)
            paras.append(para)
        return paras


# --- building one article ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Piece:
    text: str
    source: _Doc | None = None
    span: tuple[int, int] = (0, 0)
    kind: str = "verbatim"


class _Builder:
    """Assembles title and body from pieces; remembers which piece came from where, and merges
    consecutive pieces of one source into passages."""

    def __init__(self) -> None:
        self.title: list[_Piece] = []
        self.paras: list[list[_Piece]] = []
        self.sep = " "

    def add_para(self, pieces: list[_Piece]) -> None:
        if pieces:
            self.paras.append(pieces)

    def build(self) -> tuple[str, str, list[SynthPassage]]:
        title = "".join(p.text for p in self.title).strip()
        placed: list[tuple[int, int, _Piece]] = []
        pos = 0
        for p in self.title:
            placed.append((pos, pos + len(p.text), p))
            pos += len(p.text)
        body_parts: list[str] = []
        pos = len(title) + len(TITLE_SEPARATOR) if title else 0
        for k, para in enumerate(self.paras):
            if k:
                body_parts.append("\n\n")
                pos += 2
            for j, p in enumerate(para):
                if j:
                    body_parts.append(self.sep)
                    pos += len(self.sep)
                body_parts.append(p.text)
                placed.append((pos, pos + len(p.text), p))
                pos += len(p.text)
        text = "".join(body_parts)
        content = title + TITLE_SEPARATOR + text if title else text
        return title, text, _merge(placed, content)


def _kind(a: str, b: str) -> str | None:
    if a == b:
        return a
    if {a, b} <= {"verbatim", "edited"}:
        return "edited"
    return None


def _merge(placed: list[tuple[int, int, _Piece]], content: str) -> list[SynthPassage]:
    out: list[SynthPassage] = []
    for c0, c1, p in placed:
        if p.source is None or c1 <= c0:
            continue
        s0, s1 = p.span
        if out:
            last = out[-1]
            kind = _kind(last.kind, p.kind)
            src_gap = p.source.content[last.source_end : s0] if s0 >= last.source_end else "x"
            if (
                kind
                and last.source == p.source.article.id
                and not content[last.copy_end : c0].strip()
                and c0 - last.copy_end <= 4
                and not src_gap.strip()
                and len(src_gap) <= 4
            ):
                if kind == "verbatim" and content[last.copy_end : c0] != src_gap:
                    kind = "edited"  # e.g. the space after a full stop removed
                out[-1] = SynthPassage(last.source, last.copy_start, c1, last.source_start, s1, kind)
                continue
        out.append(SynthPassage(p.source.article.id, c0, c1, s0, s1, p.kind))
    return out


@dataclass(slots=True)
class _Edits:
    """The light edits one copy applies to every sentence it takes over."""

    spin_p: float = 0.0
    glyph_rate: float = 0.0
    no_of: bool = False
    no_space: bool = False

    def apply(self, text: str, rng: random.Random) -> tuple[str, str]:
        out = text
        if self.spin_p:
            out = spin(out, rng, self.spin_p)
        if self.no_of:
            out = delete_of(out)
        if self.no_space:
            out = nospace(out)
        if self.glyph_rate:
            out = homoglyphs(out, rng, self.glyph_rate)
        return out, ("verbatim" if out == text else "edited")


def _take(doc: _Doc, span: tuple[int, int], edits: _Edits, rng: random.Random) -> _Piece:
    text, kind = edits.apply(doc.content[span[0] : span[1]], rng)
    return _Piece(text, doc, span, kind)


# --- the generator -------------------------------------------------------------------------------------


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_date(s: str | None) -> datetime | None:
    if not s:
        return None
    try:
        t = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _truncate(article: Article, max_words: int) -> Article:
    """Cut an over-long source after the paragraph that crosses ``max_words``."""
    paras, n = [], 0
    for p in article.text.split("\n\n"):
        if n + len(p.split()) > max_words and paras:
            break
        paras.append(p)
        n += len(p.split())
    return Article(text="\n\n".join(paras), id=article.id, title=article.title, url=article.url,
                   site=article.site, author=article.author, published=article.published, origin=article.origin)


class _Generator:
    def __init__(self, sources: Sequence[Article], n_articles: int, seed: int, mix: Mix, window: int,
                 min_words: int, max_words: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.n = n_articles
        self.mix = mix
        self.min_words, self.max_words = min_words, max_words
        pool = [_truncate(a, max_words) for a in sources if len(a.text.split()) >= min_words]
        pool.sort(key=lambda a: a.id)
        self.rng.shuffle(pool)
        self.pool = deque(pool)
        self.markov = _Markov(pool or list(sources))
        self.window: deque[_Doc] = deque(maxlen=window)
        self.decoys: dict[str, str] = {}
        self.n_stories = 0
        self.sites = sorted({f"{a}{b}.{t}" for a in SITE_WORDS_A for b in SITE_WORDS_B for t in SITE_TLDS})
        self.wire_sites = self.sites[::37][:12]
        self.start = datetime(2019, 1, 1, tzinfo=timezone.utc)

    # -- helpers
    def _id(self, i: int) -> str:
        return f"syn{self.seed}-{i:07d}"

    def _story(self) -> str:
        self.n_stories += 1
        return f"g{self.seed}-{self.n_stories:07d}"

    def _person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _meta(self, i: int, title: str, when: datetime, site: str | None = None) -> dict[str, Any]:
        site = site or self.rng.choice(self.sites)
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "story"
        return {
            "id": self._id(i),
            "site": site,
            "author": self._person(),
            "published": _iso(when),
            "url": f"https://{site}/{when:%Y/%m}/{slug}-{i}",
            "origin": f"synth:{self.seed}:{i}",
        }

    def _length(self) -> int:
        return int(min(self.max_words, max(self.min_words, math.exp(self.rng.gauss(math.log(450), 0.6)))))

    # -- kinds
    def original(self, i: int) -> SynthItem:
        story = self._story()
        frac = i / max(1, self.n)
        if self.pool:
            real = self.pool.popleft()
            when = _parse_date(real.published) or self.start + timedelta(days=730 * frac)
            when = when.replace(hour=self.rng.randrange(6, 20), minute=self.rng.randrange(60))
            title, text, seed_id, ops = real.title, real.text, real.id, ("real",)
        else:
            when = self.start + timedelta(days=730 * frac, minutes=self.rng.randrange(1440))
            cast = [self._person(), self._person(), self.rng.choice(PLACES), self.rng.choice(ORGS)]
            paras = self.markov.text(self.rng, cast, self._length())
            title = " ".join(self.markov.sentence(self.rng, cast[:2], 6, 12).rstrip(".!?").split()[:12])
            text, seed_id, ops = "\n\n".join(" ".join(p) for p in paras), None, ("markov",)
        art = Article(text=text, title=title, **self._meta(i, title, when, self.rng.choice(self.wire_sites)))
        self.window.append(_parse(art, story, when))
        return SynthItem(art, SynthTruth(story=story, relation="none", ops=ops, seed_article=seed_id))

    def decoy(self, i: int, of: _Doc) -> SynthItem:
        """A hard negative: a different event told with the same people and places."""
        story = self._story()
        cast = of.cast or [self._person()]
        shared = _grams(of.content)
        paras = self.markov.text(self.rng, cast, self._length())
        title = " ".join(self.markov.sentence(self.rng, cast[:2], 6, 12).rstrip(".!?").split()[:12])
        title = _break_runs(title, shared)
        flat = iter(_unshared([x for p in paras for x in p], shared, title))
        paras = [[next(flat) for _ in p] for p in paras]
        when = of.published + timedelta(hours=self.rng.uniform(-72, 72))
        art = Article(text="\n\n".join(" ".join(p) for p in paras), title=title, **self._meta(i, title, when))
        self.decoys[of.article.id] = art.id
        return SynthItem(art, SynthTruth(story=story, relation="none", ops=("decoy",), decoy_of=of.article.id))

    def _when(self, src: _Doc, ops: list[str]) -> datetime:
        if self.rng.random() < 0.12:
            ops.append("scraped")
            return src.published + timedelta(days=self.rng.uniform(20, 400))
        return src.published + timedelta(minutes=math.exp(self.rng.uniform(math.log(10), math.log(2880))))

    def _distractors(self, src: _Doc) -> tuple[str, ...]:
        others = [d.article.id for d in self.window if d.article.id != src.article.id]
        picked = self.rng.sample(others, min(9, len(others)))
        decoy = self.decoys.get(src.article.id)
        if decoy:
            picked = [decoy, *picked[:8]]
        return tuple(picked)

    def _finish(self, i: int, b: _Builder, src: _Doc, relation: Relation, ops: list[str],
                site: str | None = None, foreign: str | None = None) -> SynthItem:
        """The item built by ``b``; ``foreign`` names the article of another story whose paragraph was
        spliced in, so that its span is recorded as unrelated."""
        when = self._when(src, ops)
        title, text, passages = b.build()
        art = Article(text=text, title=title, **self._meta(i, title, when, site))
        truth = SynthTruth(story=src.story, relation=relation, source=src.article.id, ops=tuple(ops),
                           passages=tuple(passages), distractors=self._distractors(src),
                           unrelated=_spliced_span(passages, foreign))
        return SynthItem(art, truth)

    def exact(self, i: int, src: _Doc) -> SynthItem:
        """A reprint: the source's title and text unchanged, under a new site, byline and date."""
        b = _Builder()
        item = self._finish(i, b, src, "exact", ["reprint"])
        meta = {k: getattr(item.article, k) for k in ("id", "url", "site", "author", "published", "origin")}
        art = Article(text=src.article.text, title=src.article.title, **meta)
        whole = SynthPassage(src.article.id, 0, len(art.content), 0, len(src.content), "verbatim")
        return SynthItem(art, SynthTruth(**{**_truth_fields(item.truth), "passages": (whole,)}))

    def near(self, i: int, src: _Doc) -> SynthItem:
        rng = self.rng
        ops: list[str] = []
        edits = _Edits()
        choices = ["spin", "glyphs", "no_of", "no_space", "tail", "title_dup", "drop", "cut_end"]
        for op in rng.sample(choices, rng.randint(1, 3)):
            ops.append(op)
            if op == "spin":
                edits.spin_p = rng.uniform(0.3, 0.9)
            elif op == "glyphs":
                edits.glyph_rate = rng.uniform(0.05, 0.3)
            elif op == "no_of":
                edits.no_of = True
        b = _Builder()
        if "no_space" in ops:
            b.sep = ""
            edits.no_space = True
        if src.article.title:
            b.title = [_take(src, src.title_span(), edits, rng)]
        sents = src.sentences()
        drop: set[tuple[int, int]] = set()
        if "drop" in ops and len(sents) > 4:
            drop = set(rng.sample(sents, max(1, len(sents) // 10)))
        if "cut_end" in ops and len(sents) > 6:
            drop |= set(sents[-max(1, len(sents) // 8) :])
        if "title_dup" in ops and src.article.title:
            b.add_para([_take(src, src.title_span(), edits, rng)])
        for p in src.paras:
            b.add_para([_take(src, s, edits, rng) for s in p if s not in drop])
        if "tail" in ops:
            b.add_para([_Piece(rng.choice(TAILS))])
        return self._finish(i, b, src, "near", ops)

    def partial(self, i: int, src: _Doc) -> SynthItem:
        rng = self.rng
        style = rng.choice(["rewrite", "excerpt_unrelated", "splice"])
        if style == "splice":
            siblings = [d for d in self.window if d.article.id in src.children_same]
            if not siblings:
                style = "rewrite"
        ops: list[str] = [style]
        edits = _Edits(spin_p=rng.choice([0.0, 0.0, 0.5]))
        if edits.spin_p:
            ops.append("spin")
        b = _Builder()
        sents = src.sentences()
        if style == "excerpt_unrelated":
            # a run of paragraphs from the source with a paragraph of some other story in the middle
            b.title = [_take(src, src.title_span(), edits, rng)] if src.article.title else []
            n = max(1, int(len(src.paras) * rng.uniform(0.4, 0.8)))
            start = rng.randrange(0, len(src.paras) - n + 1)
            paras = [[_take(src, s, edits, rng) for s in p] for p in src.paras[start : start + n]]
            others = [d for d in self.window if d.story != src.story and d.paras]
            foreign = None
            if others:
                other = rng.choice(others)
                op = rng.choice(other.paras)
                paras.insert(rng.randrange(0, len(paras) + 1), [_Piece(other.content[s0:s1], other, (s0, s1)) for s0, s1 in op])
                ops.append(f"unrelated:{other.article.id}")
                foreign = other.article.id
            for p in paras:
                b.add_para(p)
            self._pad(b, src)
            return self._finish(i, b, src, "partial", ops, foreign=foreign)
        # rewrite / splice: keep a few sentences, reword and reorder the rest
        if src.article.title:
            b.title = [_Piece(paraphrase(src.article.title, rng), src, src.title_span(), "paraphrase")]
        k = min(len(sents), rng.randint(2, 4))
        keep = sorted(rng.sample(range(len(sents)), k))
        pieces = []
        for j, s in enumerate(sents):
            if j in keep:
                pieces.append(_take(src, s, edits, rng))
            elif rng.random() < 0.6:
                pieces.append(_Piece(paraphrase(src.content[s[0] : s[1]], rng), src, s, "paraphrase"))
        if style == "splice":
            sib = rng.choice(siblings)
            ss = sib.sentences()
            for s in rng.sample(ss, min(len(ss), rng.randint(2, 4))):
                pieces.insert(rng.randrange(0, len(pieces) + 1), _Piece(sib.content[s[0] : s[1]], sib, s))
            ops.append(f"spliced:{sib.article.id}")
        # reorder, but keep the kept sentences in runs now and then (that is what rewrites look like)
        head, rest = pieces[:1], pieces[1:]
        rng.shuffle(rest)
        pieces = head + rest
        for j in range(0, len(pieces), 3):
            b.add_para(pieces[j : j + 3])
        self._pad(b, src)
        return self._finish(i, b, src, "partial", ops)

    def same(self, i: int, src: _Doc) -> SynthItem:
        """The same story in other words: a few facts reworded, new sentences about the same cast."""
        rng = self.rng
        b = _Builder()
        shared = _grams(src.content)
        title = ""
        if src.article.title:
            title = _break_runs(_reworded(src.article.title, rng), shared)  # see _break_runs
            b.title = [_Piece(title, src, src.title_span(), "paraphrase")]
        sents = src.sentences()
        facts = [_Piece(_reworded(src.content[s0:s1], rng), src, (s0, s1), "paraphrase")
                 for s0, s1 in rng.sample(sents, min(len(sents), rng.randint(1, 3)))]
        cast = src.cast or [self._person()]
        filler = [_Piece(s) for p in self.markov.text(rng, cast, max(self.min_words, self._length() // 2)) for s in p]
        pieces = facts + filler
        rng.shuffle(pieces)
        texts = _unshared([p.text for p in pieces], shared, title)
        pieces = [_Piece(t, p.source, p.span, p.kind) for p, t in zip(pieces, texts)]
        for j in range(0, len(pieces), 3):
            b.add_para(pieces[j : j + 3])
        item = self._finish(i, b, src, "same", ["rewrite_all"])
        src.children_same.append(item.article.id)
        return item

    def _pad(self, b: _Builder, src: _Doc) -> None:
        """Fill a short copy with new sentences about the same cast up to the minimum length."""
        n = sum(len(p.text.split()) for para in b.paras for p in para)
        if n < self.min_words:
            for para in self.markov.text(self.rng, src.cast, self.min_words - n):
                b.add_para([_Piece(s) for s in para])

    def __iter__(self) -> Iterator[SynthItem]:
        m = self.mix
        cuts = [("exact", m.exact), ("near", m.near), ("partial", m.partial), ("same", m.same), ("decoy", m.decoy)]
        for i in range(self.n):
            r = self.rng.random()
            kind = "original"
            for name, share in cuts:
                if r < share:
                    kind = name
                    break
                r -= share
            if kind != "original" and len(self.window) < 2:
                kind = "original"
            if kind == "original":
                yield self.original(i)
                continue
            src = self.window[min(len(self.window) - 1, int(len(self.window) * self.rng.random() ** 0.5))]
            yield getattr(self, kind)(i, src) if kind != "decoy" else self.decoy(i, src)


def _spliced_span(passages: Sequence[SynthPassage], foreign: str | None) -> tuple[tuple[int, int], ...]:
    """The copy span of the paragraph taken from ``foreign``: from its first passage's start to its last
    one's end, so that the spaces between its sentences count as part of it (it is one paragraph)."""
    mine = [p for p in passages if foreign is not None and p.source == foreign]
    if not mine:
        return ()
    return ((min(p.copy_start for p in mine), max(p.copy_end for p in mine)),)


def _truth_fields(t: SynthTruth) -> dict[str, Any]:
    return {k: getattr(t, k) for k in SynthTruth.__slots__}  # type: ignore[attr-defined]


# --- public API ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SynthCorpus:
    """A generated corpus, lazily: iterating runs the (deterministic) generator again.

    Lazy so that ``synth_cmd`` can stream a million articles to disk without holding them.
    """

    sources: tuple[Article, ...]
    n_articles: int
    seed: int
    mix: Mix = Mix()
    window: int = 300
    min_words: int = 150
    max_words: int = 2000

    def __iter__(self) -> Iterator[SynthItem]:
        return iter(_Generator(self.sources, self.n_articles, self.seed, self.mix, self.window,
                               self.min_words, self.max_words))

    def items(self) -> list[SynthItem]:
        return list(self)

    def articles(self) -> list[Article]:
        return [it.article for it in self]


def generate(sources: Sequence[Article], *, n_articles: int, seed: int, mix: Mix | None = None,
             window: int = 300, min_words: int = 150, max_words: int = 2000) -> SynthCorpus:
    """A seeded content-farm corpus of ``n_articles`` built from ``sources`` (see the module docstring)."""
    if n_articles < 0:
        raise ValueError(f"n_articles must be >= 0, got {n_articles!r}")
    if window < 2:
        raise ValueError(f"window must be >= 2, got {window!r}")
    if not 1 <= min_words <= max_words:
        raise ValueError(f"need 1 <= min_words <= max_words, got {min_words!r}, {max_words!r}")
    if not sources:
        raise ValueError("generate needs at least one source article")
    return SynthCorpus(tuple(sources), n_articles, seed, mix or Mix(), window, min_words, max_words)


def default_sources_path() -> Path:
    """The Wikinews sample: the copy shipped in the repo if present, else the shared data folder."""
    repo = Path(__file__).resolve().parents[2]
    shipped = repo / "data" / "wikinews-sample" / "articles.jsonl.gz"
    if shipped.exists():
        return shipped
    from storytrace.eval.loaders import data_root

    return data_root() / "wikinews-sample-2019-2020" / "articles.jsonl.gz"


def load_sources(path: str | Path | None = None) -> list[Article]:
    """Read seed articles from JSONL(.gz) with ``id, title, text`` and optional ``url, date|published``."""
    path = Path(path) if path else default_sources_path()
    if not path.exists():
        raise FileNotFoundError(f"no source articles at {path}")
    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        for n, line in enumerate(fh, 1):
            if line.strip():
                d = json.loads(line)
                out.append(Article(text=d["text"], id=str(d.get("id") or n), title=d.get("title") or "",
                                   url=d.get("url"), site=d.get("site"),
                                   published=d.get("published") or d.get("date"), origin=f"{path}:{n}"))
    return out


def write_corpus(corpus: SynthCorpus, articles_out: Path, truth_out: Path) -> Counter[str]:
    """Stream the corpus to two JSONL files (gzip when the name ends in .gz); return relation counts."""
    counts: Counter[str] = Counter()

    def opener(p: Path):  # noqa: ANN202
        return gzip.open(p, "wt", encoding="utf-8", compresslevel=6) if p.suffix == ".gz" else open(p, "w", encoding="utf-8")

    with opener(articles_out) as fa, opener(truth_out) as ft:
        for it in corpus:
            d = it.article.to_dict()
            d.pop("origin", None)
            fa.write(json.dumps(d, ensure_ascii=False) + "\n")
            ft.write(json.dumps(it.truth.to_dict(it.article.id), ensure_ascii=False) + "\n")
            counts[it.truth.relation if "decoy" not in it.truth.ops else "decoy"] += 1
    return counts


@click.command("synth")
@click.option("-n", "--n-articles", default=1000, show_default=True, type=click.IntRange(0), help="Articles to generate.")
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed (same seed, same bytes).")
@click.option("-o", "--out", "out_dir", default="synth-out", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for articles.jsonl and truth.jsonl.")
@click.option("--sources", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Seed articles (JSONL with id,title,text,date); default: the bundled Wikinews sample.")
@click.option("--gzip/--no-gzip", "use_gzip", default=False, help="Write .jsonl.gz files.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def synth_cmd(n_articles: int, seed: int, out_dir: Path, sources: Path | None, use_gzip: bool, as_json: bool) -> None:
    """Generate a content-farm corpus with ground truth (copies, rewrites, splices, disguises, decoys)."""
    try:
        src = load_sources(sources)
    except (OSError, ValueError, KeyError) as exc:
        raise click.ClickException(str(exc)) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    ext = ".jsonl.gz" if use_gzip else ".jsonl"
    a_out, t_out = out_dir / f"articles{ext}", out_dir / f"truth{ext}"
    counts = write_corpus(generate(src, n_articles=n_articles, seed=seed), a_out, t_out)
    summary = {"articles": str(a_out), "truth": str(t_out), "n": n_articles, "seed": seed, "relations": dict(sorted(counts.items()))}
    if as_json:
        click.echo(json.dumps(summary))
    else:
        mix = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        click.echo(f"wrote {n_articles} articles to {a_out} and ground truth to {t_out} ({mix})")
