"""The incremental index: scan articles in, ask for stories, pairs, passages and matches.

This is the one place where the pure stages meet storage. A scan batch runs
fingerprint -> store keys -> find candidates -> verify pairs -> re-cluster touched stories,
inside one transaction: an interrupted scan loses at most the batch in flight, and running it again
skips what is stored and finishes the rest.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from itertools import chain, repeat
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from .cluster import MAX_DENSE, Member, centroid_link, dense_average_link, build_story, components, similarity_matrix
from .arguments import count, date_bound
from .config import Settings
from .engine import Engine, get_engine
from .dedup import copy_kinds, duplicate_map
from .disguise import copy_disguises
from .errors import ConfigError, NotFound, StorytraceError
from .fingerprint import Fingerprint, _h, band_keys, fingerprint, from_state, scan_signs
from .ingest import make_id, read_paths, remove_repeated_lines
from .ingest.boilerplate import MAX_REPEATED_LINE
from .ingest.objects import check_items, read_objects
from .model import Article, Disguise, Match, Passage, ReadError, Relation, ScanReport, Story
from .network import copy_edges, site_links, site_signals
from .language import ENGLISH
from .misread import SCANNED_UNSHARED
from .normalize import GLUED_STOPS, exact_marks, keyed_in, language_of, query_language, tokenize
from .provenance import copier_side, shown_copies
from .relate import as_article, relate, story_similarity
from .scripts import letter_script
from .store import open_store

__all__ = ["Index"]

BATCH_SIZE = 1000
#: The version of the word keys (normalize.word_key) an index's stored vectors were made with. 2: a
#: country's adjective is keyed as the country ("Syrian" -> "syria"). 3: a look-alike letter drawn as an
#: upright stroke reads as l or I by the word around it ("Іran" -> "iran", not "lran"), and a zero-width
#: character or a combining mark inside a word belongs to it ("Pu\u200btin" -> "putin", not "pu" and "tin";
#: "Cafe\u0301" -> "cafe", not "caf" and "e"). 4: small capitals read as their letters ("ʙʀᴇᴀᴋɪɴɢ" -> "break").
#: 5: each Han or kana character is a word of its own (a Chinese clause was one word), a digit of any script
#: is its ASCII digit ("২০০৪" -> "2004"; Bengali ০ read as the letter O), a danda (।) ends a sentence, and
#: figures alone make no names vector (a script without capitals has no other names), and a word wholly in
#: Cyrillic or Greek keeps its letters in any case ("Москва", "МОСКВА" -> "москва"; it was read half Latin).
#: 6: a word of Cyrillic, Greek, Arabic, Devanagari, Tamil or Armenian letters is stemmed in its own language
#: ("Орском" -> "орск"; storytrace.scripts). 7: a text in German, French, Spanish or another language of
#: storytrace.language is stemmed and weighed in it ("Regierungen" -> "regier").
WORD_KEYS = "7"
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def _keyed_otherwise_than_6(text: str) -> bool:
    """Whether storytrace keys ``text`` otherwise since word keys 7: a text in a language other than English
    (storytrace.language)."""
    return language_of(text) != ENGLISH


def _keyed_otherwise_than_4(text: str) -> bool:
    """Whether storytrace keys ``text`` otherwise since word keys 5, 6 or 7 (an index holding no such text
    is current): digits of other scripts, dandas, letters of any script but Latin, or another language."""
    if not text.isascii():
        if _OTHER_DIGIT.search(text) is not None or "\u0964" in text or "\u0965" in text:
            return True
        if any(c.isalpha() and letter_script(c) != "LATIN" for c in set(text) if not c.isascii()):
            return True
    return _keyed_otherwise_than_6(text)


#: The version of the check that calls near the stored exact copies of a disguised text
#: (Index._relabel_exact_by_marks): normalize.GLUED_STOPS's glued stops, and since ".2" letters in fullwidth or
#: mathematical style, which the exact hash reads as plain ones.
EXACT_CHECK = f"{GLUED_STOPS}.2"
#: What :meth:`Index.export` writes: articles (with their story), pairs, stories, sites (with their copy
#: signals) or links (the site copy network's edges).
EXPORTS = ("articles", "pairs", "stories", "sites", "links")
#: The columns of a pairs export, in order: the two scores the listings rank by sit beside the decisions.
PAIR_COLUMNS = ("a", "b", "copy", "story", "story_score", "reuse", "earlier", "scores", "disguises")
#: The orders :meth:`Index.stories` lists in.
STORY_ORDERS = ("size", "recent", "oldest")
# Pairs sharing this many heaviest terms are checked for being one story (one shared name is common).
MIN_SHARED_TERMS = 2


def _day(published: str | None) -> int | None:
    if not published:
        return None
    try:
        return datetime.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


class _StateFP:
    """The stored part of a fingerprint, enough for the story similarity (no shingles, no sentences)."""

    __slots__ = ("body", "entities", "title", "exact", "n_words", "rare_share", "scanned")

    def __init__(self, state: dict[str, Any]) -> None:
        self.body = state["body"]
        self.entities = state["entities"]
        self.title = state["title"]
        self.exact = state["exact"]
        self.n_words = state["n_words"]
        self.rare_share = state.get("rare_share")  # None: stored before it was kept (Index._same_story_rows)
        self.scanned = state.get("scanned")  # likewise


def _scanned_pair(a: Any, b: Any) -> bool:
    """Whether a same-story pair found by its terms alone is to be related in full, as one of its texts reads
    as scanned: a fifth of its words rare (storytrace.misread.SCANNED_UNSHARED), or its lower-case words
    no list knows (Fingerprint.scanned; two scans each misread at 2%, whose rare words fall short)."""
    return max(a.rare_share or 0.0, b.rare_share or 0.0) >= SCANNED_UNSHARED or bool(a.scanned or b.scanned)


class _Done:
    """A finished future (for a batch that is fingerprinted in this thread instead)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


# Cyclic garbage collection during a scan: a first-generation collection every this many new container
# objects instead of Python's 700. A scan makes millions of short-lived lists, dicts and tuples (postings,
# vectors, rows) next to a large heap that lives on (caches, stored states), and the default rate makes
# the collector walk that heap again and again: about a tenth of a posting lookup's time, for example.
_GC_GEN0 = 50_000


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect cyclic garbage less often while the block runs (worker processes forked in it keep that
    rate); the previous thresholds come back afterwards. Reference counting frees everything else as usual."""
    old = gc.get_threshold()
    if old[0]:  # 0 means collection is off: leave it so
        gc.set_threshold(max(old[0], _GC_GEN0), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def same_text(stored: str, new: str) -> bool:
    """Whether a text read again under a stored id is the stored text. The short lines a site repeats are
    taken out per batch (ingest.boilerplate), so one reading may hold such lines the other lacks: the same
    article when either's lines are all among the other's and the ones only one has are that short. A
    correction, an update, a rewrite or another article given the same id is not, and the scan says so
    rather than keeping the stored text in silence."""
    if stored == new:
        return True
    a = {x.strip() for x in stored.splitlines() if x.strip()}
    b = {x.strip() for x in new.splitlines() if x.strip()}
    return (a <= b or b <= a) and all(len(x) < MAX_REPEATED_LINE for x in a ^ b)


def _conflict(a: Article) -> str:
    """How ScanReport.conflicts names an article left out: its id and where it was read."""
    return f"{a.id} ({a.origin or 'no origin'})"


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for x in items:
        batch.append(x)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Index:
    """An index of articles in one SQLite file (``":memory:"`` for a throwaway one).

    >>> index = Index(":memory:")
    >>> _ = index.add([Article(text="A short report on the flood in Dhaka.", id="x")])
    >>> index.count()
    1
    """

    def __init__(self, path: str | Path = "storytrace.db", settings: Settings | None = None, *,
                 readonly: bool = False, engine: str | Engine = "local") -> None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"Index() takes a file path or ':memory:', got {type(path).__name__}")
        if settings is not None and not isinstance(settings, Settings):
            raise TypeError(f"settings must be a Settings, got {type(settings).__name__}: "
                            "Settings(**values) or Settings.from_dict(values)")
        self.path = str(path)
        self.store = open_store(self.path, readonly=readonly)
        stored = self.store.get_meta("settings")
        was = json.loads(stored) if stored else None
        articles = self.store.count()
        if settings is None:
            settings = Settings.from_dict(was) if was is not None else Settings()
        elif was is not None and was != settings.to_dict() and articles:
            raise ConfigError(
                f"{self.path} was built with other settings; use the stored ones (pass no settings) "
                "or scan into a new index")
        self.settings = settings
        # An index with no articles yet takes the settings given (nothing was built with the stored ones), so
        # that the next scan, which passes none, goes on with the settings its articles were built with.
        if not readonly and (not stored or (was != settings.to_dict() and not articles)):
            self.store.set_meta("settings", json.dumps(settings.to_dict()))
        # Articles stored by a storytrace whose word keys differ (see WORD_KEYS) keep their old keys: they
        # still match, a little less well, until the index is built again.
        keys = self.store.get_meta("word_keys")
        if not readonly and ((keys is None and not articles)
                             or (keys in ("4", "5") and not self.store.any_text(_keyed_otherwise_than_4))
                             or (keys == "6" and not self.store.any_text(_keyed_otherwise_than_6))):
            self.store.set_meta("word_keys", WORD_KEYS)
            keys = WORD_KEYS
        self.older_keys = keys != WORD_KEYS and bool(articles)
        self._owns_engine = isinstance(engine, str)
        self._vocab: dict[str, int] = {}
        self._vec_cache: dict[int, tuple] = {}
        # level -> (store version, dropped -> kept): a paged API reads the same answer many times
        self._duplicates: dict[str, tuple[Any, dict[str, str]]] = {}
        self._query_local = threading.local()
        self.engine = get_engine(engine) if isinstance(engine, str) else engine

    def __repr__(self) -> str:
        return f"Index({self.path!r}{', readonly' if self.store.readonly else ''})"

    # context manager -----------------------------------------------------------------------------
    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        closer = getattr(self.engine, "close", None)
        if callable(closer) and getattr(self, "_owns_engine", False):
            closer()
        self.store.close()

    # writing -------------------------------------------------------------------------------------
    def scan(self, paths: Iterable[str | Path], *, mapping: dict[str, str] | None = None,
             on_error: Callable[[ReadError], None] | None = None,
             progress: Callable[[int], None] | None = None) -> ScanReport:
        """Read files and folders and add their articles. Bad input is reported, never fatal."""
        report = ScanReport()
        started = time.perf_counter()

        def articles() -> Iterator[Article]:
            for item in read_paths(paths, mapping=mapping):
                if isinstance(item, ReadError):
                    report.add_problem(item)
                    if on_error and not item.repairs:
                        on_error(item)
                    continue
                report.read += 1
                yield item

        with _fewer_collections():
            self._add(articles(), report, progress)
        report.seconds = time.perf_counter() - started
        return report

    def add(self, articles: Iterable[Article | dict[str, Any]], *,
            progress: Callable[[int], None] | None = None) -> ScanReport:
        """Add articles (ids are filled in when missing). Articles already stored are left as they are.

        Takes ``Article`` values, whose text is kept as given (a headline with no body is an article), and
        dicts, read as a JSON Lines record is (column aliases, boilerplate and repairs; a text is needed). As in a scan, an item that cannot be an article (no text,
        not an article) is left out with a line in the report's ``errors``, and a date that is not one is
        dropped with a warning there; dates are stored in UTC."""
        check_items(articles)
        report = ScanReport()
        started = time.perf_counter()

        def counted() -> Iterator[Article]:
            for a in read_objects(articles):
                if isinstance(a, ReadError):
                    report.add_problem(a)
                    continue
                report.read += 1
                yield a

        with _fewer_collections():
            self._add(counted(), report, progress)
        report.seconds = time.perf_counter() - started
        return report

    def _add(self, articles: Iterable[Article], report: ScanReport,
             progress: Callable[[int], None] | None) -> None:
        if self.store.readonly:
            raise StorytraceError(f"{self.path} is open read-only")
        st = self.settings
        report.upgraded += self._name_old_disguises()
        report.relabelled += self._relabel_exact_by_marks()
        report.reheaded += self._head_stories_by_provenance()

        def prepared() -> Iterator[tuple[int, list[Article]]]:
            for batch in _batches(articles, BATCH_SIZE):
                batch = [a if a.id else _with_id(a) for a in batch]
                batch = remove_repeated_lines(batch)
                seen: dict[str, str] = {}
                unique: list[Article] = []
                for a in batch:
                    if a.id in seen:
                        report.unchanged += 1
                        if not same_text(seen[a.id], a.text):
                            report.conflicts.append(_conflict(a))
                        continue
                    seen[a.id] = a.text
                    unique.append(a)
                stored = self.store.stored_texts([a.id for a in unique])
                new = [a for a in unique if a.id not in stored]
                report.conflicts += [_conflict(a) for a in unique
                                     if a.id in stored and not same_text(stored[a.id], a.text)]
                report.unchanged += len(unique) - len(new)
                yield len(batch), new

        def finish(size: int, new: list[Article], fps: list[Fingerprint] | None) -> None:
            if new and fps is not None:
                # Fingerprinted before the previous batch was stored: drop what that batch has just added.
                stored_now = self.store.existing([a.id for a in new])
                if stored_now:
                    keep = [i for i, a in enumerate(new) if a.id not in stored_now]
                    report.unchanged += len(new) - len(keep)
                    new, fps = [new[i] for i in keep], [fps[i] for i in keep]
            if new:
                pairs, stories = self._add_batch(new, fps)
                report.added += len(new)
                report.pairs += pairs
                report.stories = stories
            if progress:
                progress(size)

        if not getattr(self.engine, "concurrent", False):
            for size, new in prepared():
                finish(size, new, None)
        else:
            # The engine computes elsewhere: fingerprint the next batch while this one is verified, clustered
            # and written. Same batches, same results; only the waiting overlaps.
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(1, thread_name_prefix="storytrace-fingerprint") as ahead:
                pending = None
                remote_for = getattr(self.engine, "remote_for", None)
                for size, new in prepared():
                    # Only work that really runs elsewhere goes ahead (the stemmer is not thread-safe).
                    if remote_for is not None and not remote_for(len(new)):
                        job = _Done(None)
                    else:
                        job = ahead.submit(self.engine.map, _fingerprint_job, [(a, st) for a in new])
                    if pending is not None:
                        finish(pending[0], pending[1], pending[2].result())
                    pending = (size, new, job)
                if pending is not None:
                    finish(pending[0], pending[1], pending[2].result())
        report.stories = self.store_story_count()

    def _name_old_disguises(self) -> int:
        """Name the disguises of copy pairs stored before scans named them (an index of schema 1), from
        their stored passages: what a scan today would have stored with them. One batch per transaction,
        so an interrupted upgrade goes on where it stopped; returns the pairs upgraded. Once none is left a
        mark in the index says so, and later writes (one article each, from the server) skip the search."""
        if self.store.get_meta("disguises_named") == "1":
            return 0
        done = 0
        while True:
            rows = self.store.copy_pairs_lacking_disguises(BATCH_SIZE)
            if not rows:
                self.store.set_meta("disguises_named", "1")
                return done
            # the articles without their fingerprint states, which naming disguises does not read
            texts = self.store.articles_with_story({x for a, b, _ in rows for x in (a, b)})
            stored = self.store.stored_passages([(a, b) for a, b, _ in rows])
            jobs = [(texts[a][0].content, texts[b][0].content, stored[(a, b)]) for a, b, _ in rows]
            found = self.engine.map(_disguise_job, jobs)
            with self.store.transaction():
                self.store.put_disguises([(a, b, c, f) for (a, b, c), f in zip(rows, found, strict=True)])
            done += len(rows)

    def _relabel_exact_by_marks(self) -> int:
        """Call near the stored exact copies of which one side glues more sentences together ("said.The")
        than the other, or writes more letters in fullwidth or mathematical style: an older storytrace called
        them exact, a scan today calls them near (relate.decide_copy). Stories are unchanged (exact and near
        copies both bind one). One batch per transaction, with the last pair checked kept in the index, so
        an interrupted pass goes on where it stopped; a mark names the version of the check it is done with
        (EXACT_CHECK: a later version looks in more places, so the pass runs again; the meta keys keep the
        glued_exact_ names that stored indexes hold). Returns the pairs relabelled."""
        if self.store.get_meta("glued_exact_checked") == EXACT_CHECK:
            return 0
        done = 0
        version, _, cursor = (self.store.get_meta("glued_exact_after") or "").rpartition(":")
        # a cursor left by another version's pass (version 1 wrote none) starts this one from the beginning
        after = tuple(int(x) for x in cursor.split(",")) if cursor and version == EXACT_CHECK else (-1, -1)
        while True:
            rows = self.store.exact_pairs_after(after, BATCH_SIZE)  # type: ignore[arg-type]
            if not rows:
                self.store.set_meta("glued_exact_checked", EXACT_CHECK)
                return done
            texts = self.store.articles_with_story({x for pair in rows for x in pair})
            marks = {n: exact_marks(art.content) for n, (art, _) in texts.items()}
            near = [(a, b, "near") for a, b in rows if marks[a] != marks[b]]
            after = rows[-1]
            with self.store.transaction():
                self.store.set_copy(near)
                self.store.set_meta("glued_exact_after", f"{EXACT_CHECK}:{after[0]},{after[1]}")
            done += len(near)

    def _head_stories_by_provenance(self) -> int:
        """Give a first publisher by the copies' own texts (storytrace.provenance) to stories stored before
        first publishers followed them, whose earliest-dated member may be a copy by its tricks. Only such
        stories are rebuilt, members unchanged, so the pass reads the copy pairs once and rewrites little;
        a mark in the index says it is done. Returns the stories whose first publisher changed."""
        if self.store.get_meta("firsts_by_provenance") == "1":
            return 0
        shown = {a if side == "a" else b for _, _, a, ka, _, _, b, kb in self.store.copy_pair_rows()
                 if (side := copier_side(ka, kb)) is not None}
        shown_in: dict[str, dict[str, int]] = {}  # story -> its members shown to be copies, id -> number
        for n, (art, story_id) in self.store.articles_with_story(shown).items():
            if story_id:
                shown_in.setdefault(story_id, {})[art.id] = n
        done = 0
        for story_id, copies_here in sorted(shown_in.items()):
            old = self.store.story(story_id)
            if old is None or old.first not in copies_here:
                continue  # a story headed by no shown copy keeps its first publisher
            numbers = self.store.story_members(copies_here.values())
            loaded = self.store.load_members(numbers)
            ids = {n: art.id for n, art, _ in loaded.values()}
            links = [(a, b, c, ka, kb) for a, b, c, _, ka, kb in self.store.linked(numbers, with_kinds=True)
                     if a in ids and b in ids and c != "none"]
            copies = shown_copies((ids[a], ids[b], ka, kb) for a, b, _, ka, kb in links)
            reprints = [(ids[a], ids[b]) for a, b, c, _, _ in links if c in ("exact", "near")]
            story = build_story([_member(loaded[n]) for n in sorted(loaded)], reprints, copies)
            if story.first != old.first:
                with self.store.transaction():
                    self.store.replace_stories(numbers, [(story, sorted(numbers))])
                done += 1
        self.store.set_meta("firsts_by_provenance", "1")
        return done

    def store_story_count(self) -> int:
        return self.store.story_count()

    def _add_batch(self, new: list[Article], fps: list[Fingerprint] | None = None) -> tuple[int, int]:
        st = self.settings
        if fps is None:
            fps = self.engine.map(_fingerprint_job, [(a, st) for a in new])
        rows = []
        for a, fp in zip(new, fps):
            rows.append((a, fp.to_state(), band_keys(fp.minhash, st.lsh_bands), [h for h, _, _ in fp.sentences],
                         [_h(t) for t in fp.block], _day(a.published)))
        with self.store.transaction():
            numbers = self.store.insert_articles(rows)
            by_number = {n: (a, fp) for n, a, fp in zip(numbers, new, fps)}
            new_set = set(numbers)
            lexical, topical = self._candidates(numbers, rows, fps, new_set)
            old_lex = {x for p in lexical for x in p} - new_set
            stored = self.store.load(old_lex)
            pair_rows, passages = self._verify(lexical, topical, by_number, stored)
            self.store.put_pairs(pair_rows, passages)
            n_stories = self._recluster(numbers)
        return len(pair_rows), n_stories

    def _candidates(self, numbers: list[int], rows: list[tuple], fps: list[Fingerprint],
                    new_set: set[int]) -> tuple[set[tuple[int, int]], Any]:
        """Pairs worth verifying: sharing an LSH band, a sentence or the exact text (lexical, a set), or two
        of their heaviest terms (topical, and not lexical: an int64 array of ``a << 32 | b``, sorted). Each
        pair once, as (lower number, higher number)."""
        import numpy as np

        st = self.settings
        limit = st.max_postings
        bands = self.store.key_postings("bands", [k for r in rows for k in r[2]], limit)
        sents = self.store.key_postings("sentences", [k for r in rows for k in r[3]], limit)
        terms = self.store.key_postings("terms", [k for r in rows for k in r[4]], limit)
        exact = self.store.exact_postings(fp.exact for fp in fps)
        lexical: set[tuple[int, int]] = set()
        empty: tuple[int, ...] = ()
        # Every stored number is below the batch's and the batch's numbers ascend, so "another article,
        # and each pair once" is simply m < n.
        tn: list[int] = []
        tm: list[int] = []
        tneed: list[int] = []
        for n, row, fp in zip(numbers, rows, fps):
            lex: set[int] = set(exact.get(fp.exact, empty))
            for k in row[2]:
                lex.update(bands.get(k, empty))
            for k in row[3]:
                lex.update(sents.get(k, empty))
            for m in lex:
                if m < n:
                    lexical.add((m, n))
            ms: list[int] = []
            for k in set(row[4]):
                ms += terms.get(k, empty)
            tm += ms
            tn += [n] * len(ms)
            tneed.append(1 if fp.n_words < st.short_text_words else MIN_SHARED_TERMS)
        if not tm:
            return lexical, np.zeros(0, dtype=np.int64)
        m_arr = np.asarray(tm, dtype=np.int64)
        n_arr = np.asarray(tn, dtype=np.int64)
        keep = m_arr < n_arr
        codes, counts = np.unique((m_arr[keep] << 32) | n_arr[keep], return_counts=True)
        need = np.asarray(tneed, dtype=np.int64)[(codes & 0xFFFFFFFF) - numbers[0]]
        codes = codes[counts >= need]
        if lexical and len(codes):
            lex_codes = np.fromiter(((a << 32) | b for a, b in lexical), dtype=np.int64, count=len(lexical))
            codes = codes[~np.isin(codes, lex_codes)]
        return lexical, codes

    def _vectors(self, nodes: Any, by_number: dict[int, tuple[Article, Fingerprint]],
                 states: dict[int, tuple[str | None, dict[str, Any]]] | None = None) -> list[tuple]:
        """Each node's body, entity and title vectors as (term ids, weights) arrays, from the batch's
        fingerprints, the cache, or (once) the stored state. ``states``, when given, receives the states
        read from the store, so that a caller needing some of them again does not read them twice."""
        cache = self._vec_cache
        ints = [int(n) for n in nodes]
        found = {n: cache[n] for n in ints if n in cache}
        missing = [n for n in ints if n not in found and n not in by_number]
        if missing:
            loaded = self.store.load_states(missing)
            if states is not None:
                states.update(loaded)
            found.update(self._cache_many([(n, s["n_words"], s["body"], s["entities"], s["title"])
                                           for n, (_, s) in loaded.items()]))
        fresh = [n for n in dict.fromkeys(ints) if n not in found]
        if fresh:
            found.update(self._cache_many([(n, fp.n_words, fp.body, fp.entities, fp.title)
                                           for n, fp in ((n, by_number[n][1]) for n in fresh)]))
        return [found[n] for n in ints]

    def _cache_many(self, items: list[tuple[Any, ...]]) -> dict[int, tuple]:
        """``(body, entities, title, n_words)`` rows, each vector as (term ids, weights) arrays, cached, for
        many ``(n, n_words, body, entities, title)`` at once: one vocabulary lookup
        and two array conversions for the whole lot (each row's arrays are slices of them) instead of six
        small conversions per article, which cost more than decoding the state. Term ids are handed out
        in the same order as one article at a time would."""
        import numpy as np

        if not items:
            return {}
        vocab = self._vocab
        vecs = [v for it in items for v in it[2:5]]
        keys = list(chain.from_iterable(vecs))
        ids = np.fromiter(map(vocab.get, keys, repeat(-1)), dtype=np.int64, count=len(keys))
        for i in np.flatnonzero(ids < 0).tolist():  # terms not seen before, in order
            ids[i] = vocab.setdefault(keys[i], len(vocab))
        ids32 = ids.astype(np.int32)
        weights = np.fromiter(chain.from_iterable(v.values() for v in vecs), dtype=np.float64, count=len(keys))
        ends = np.cumsum([len(v) for v in vecs]).tolist()
        cache = self._vec_cache
        if len(cache) + len(items) > _VEC_CACHE_SIZE:
            cache.clear()
        out: dict[int, tuple] = {}
        lo = 0
        for j, it in enumerate(items):
            parts = []
            for hi in ends[3 * j : 3 * j + 3]:
                parts.append((ids32[lo:hi], weights[lo:hi]))
                lo = hi
            row = (*parts, it[1])
            cache[it[0]] = row
            out[it[0]] = row
        return out

    def _verify(self, lexical: set[tuple[int, int]], topical: Any,
                by_number: dict[int, tuple[Article, Fingerprint]], stored: dict[int, tuple],
                ) -> tuple[list[tuple], dict[tuple[int, int], Sequence[Any]]]:
        st = self.settings

        def get(n: int) -> tuple[Article, Any]:
            if n in by_number:
                return by_number[n]
            _, art, state = stored[n]
            return art, _StateFP(state)

        def job(a: int, b: int) -> tuple:
            (aa, fa), (ab, fb) = get(a), get(b)
            # A stored article goes with its stored state: the worker rebuilds what relating needs from it
            # (see fingerprint.from_state) instead of fingerprinting the article again.
            return (a, b, aa, ab, fa if isinstance(fa, Fingerprint) else stored[a][2],
                    fb if isinstance(fb, Fingerprint) else stored[b][2], st)

        jobs = [job(a, b) for a, b in sorted(lexical)]
        # Where the engine relates the pairs in other processes, this thread checks the same-story pairs
        # meanwhile instead of waiting; the rows come out in the same order either way.
        remote_for = getattr(self.engine, "remote_for", None)
        ahead = None
        if jobs and getattr(self.engine, "concurrent", False) and (remote_for is None or remote_for(len(jobs))):
            from concurrent.futures import ThreadPoolExecutor

            ahead = ThreadPoolExecutor(1, thread_name_prefix="storytrace-verify")
            pending = ahead.submit(self.engine.map, _relate_job, jobs)
        try:
            same_story, scanned = self._same_story_rows(topical, by_number, stored)
            relations: list[tuple[int, int, Relation]] = (
                pending.result() if ahead is not None else self.engine.map(_relate_job, jobs))
        finally:
            if ahead is not None:
                ahead.shutdown(wait=True)
        if scanned:
            # Same-story pairs of scanned-looking texts, related in full after all (see _same_story_rows);
            # one that relating no longer finds related (a short text keyed in the other's language scores
            # otherwise) keeps the same-story row it had.
            stored = {**stored, **self.store.load({x for a, b, _ in scanned for x in (a, b)} - by_number.keys()
                                                  - stored.keys())}
            rows = {(a, b): row for a, b, row in scanned}
            for a, b, rel in self.engine.map(_relate_job, [job(a, b) for a, b, _ in scanned]):
                if rel.related:
                    relations.append((a, b, rel))
                elif rows[(a, b)] is not None:
                    same_story.append(rows[(a, b)])
        pair_rows: list[tuple] = []
        passages: dict[tuple[int, int], Sequence[Any]] = {}
        for a, b, rel in relations:
            if rel.related:
                found = None if rel.disguises_a is None or rel.disguises_b is None else (rel.disguises_a, rel.disguises_b)
                pair_rows.append((a, b, rel.copy, rel.story, rel.scores["story"], rel.scores.get("reuse", 0.0),
                                  rel.scores, found))
                if rel.passages:
                    passages[(a, b)] = rel.passages
        pair_rows += same_story
        return pair_rows, passages

    def _same_story_rows(self, topical: Any, by_number: dict[int, tuple[Article, Fingerprint]],
                         stored: dict[int, tuple]) -> tuple[list[tuple], list[tuple[int, int, tuple]]]:
        """Pair rows of the topical candidates (sharing no shingle band, sentence or exact text) that are one
        story; and, instead of rows, those of them of which a text reads as scanned (_scanned_pair), to be
        related in full: misread letters break the shingles
        that make candidates lexical, and a scanned reprint found only by its terms was stored as "same
        story" with no copy (60 Wikinews articles with 4% of letters misread: 16 of their copies). Each
        of those comes with the row it would have had, or None: a scanned-looking pair that would be one
        story but for its dates is related in full too, since a copy's dates do not bound its story (a
        scraped copy dated months later)."""
        st = self.settings
        pair_rows: list[tuple] = []
        scanned: list[tuple[int, int, tuple]] = []
        # A vectorised first pass drops the pairs that are clearly below the threshold; the survivors get
        # the exact scores of ``story_similarity`` (so the stored numbers are the same either way).
        survivors = self._maybe_same_story(topical, by_number)
        old = {x for p in survivors for x in p} - by_number.keys()
        states = self.store.load_states(old - stored.keys())
        vec: dict[int, tuple[str | None, Any]] = {}
        for n in {x for p in survivors for x in p}:
            if n in by_number:
                art, fp = by_number[n]
                vec[n] = (art.published, fp)
            elif n in states:
                pub, state = states[n]
                vec[n] = (pub, _StateFP(state))
            else:
                _, art, state = stored[n]
                vec[n] = (art.published, _StateFP(state))
        rows: list[tuple[int, int, tuple | None]] = []
        for a, b in survivors:
            (pa, fa), (pb, fb) = vec[a], vec[b]
            scores = story_similarity(fa, fb, pa, pb, st)
            if scores["story"] >= st.story_threshold:
                scores["reuse"] = 0.0
                rows.append((a, b, (a, b, "none", "same", scores["story"], 0.0, scores, None)))
            elif scores.get("story_unwindowed", 0.0) >= st.story_threshold:
                # one story but for its dates: a scraped copy dated months later is still one, if it is a copy
                rows.append((a, b, None))
        # An article stored before rare shares were kept has its share counted from its text (read once
        # for the batch), so that an index scanned onward decides as a fresh scan of the same articles.
        unknown = {n for a, b, _ in rows for n in (a, b) if vec[n][1].rare_share is None or vec[n][1].scanned is None}
        for n, (_, art, _) in self.store.load(unknown).items():
            fp = vec[n][1]
            fp.rare_share, fp.scanned = scan_signs(art.content, st, fp.rare_share, fp.scanned)
        for a, b, row in rows:
            if _scanned_pair(vec[a][1], vec[b][1]):
                scanned.append((a, b, row))
            elif row is not None:
                pair_rows.append(row)
        return pair_rows, scanned

    def _maybe_same_story(self, codes: Any, by_number: dict[int, tuple[Article, Fingerprint]]
                          ) -> list[tuple[int, int]]:
        """The pairs (``a << 32 | b`` codes, sorted) whose story score, ignoring the time window, is not
        clearly below the threshold, in the same order."""
        import numpy as np
        from scipy.sparse import csr_matrix
        from scipy.sparse import hstack as sparse_hstack

        st = self.settings
        if len(codes) < 64:
            return [(int(c) >> 32, int(c) & 0xFFFFFFFF) for c in codes]
        a_all = codes >> 32
        b_all = codes & 0xFFFFFFFF
        anodes, ia = np.unique(a_all, return_inverse=True)
        bnodes, ib = np.unique(b_all, return_inverse=True)

        def matrix(rows: list[tuple], k: int) -> tuple[Any, Any]:
            lens = np.fromiter((len(r[k][0]) for r in rows), dtype=np.int64, count=len(rows))
            indptr = np.zeros(len(rows) + 1, dtype=np.int64)
            np.cumsum(lens, out=indptr[1:])
            if indptr[-1]:
                indices = np.concatenate([r[k][0] for r in rows])
                data = np.concatenate([r[k][1] for r in rows])
            else:
                indices, data = np.zeros(0, dtype=np.int32), np.zeros(0)
            return csr_matrix((data, indices, indptr), shape=(len(rows), width)), lens > 0

        rows_b = self._vectors(bnodes, by_number)
        rows_a = self._vectors(anodes, by_number)
        width = max(1, len(self._vocab))
        # One product instead of three: the body, entity and title matrices side by side, the a-side rows
        # scaled by their weights, give the numerator of the score in one sum. A part missing on either
        # side adds nothing to it, so its weight (below) only matters in the denominator.
        weights = (st.weight_body, st.weight_entities, st.weight_title)
        parts_a, parts_b, pres_a, pres_b = [], [], [], []
        for k in range(3):
            ma, pa = matrix(rows_a, k)
            mb, pb = matrix(rows_b, k)
            parts_a.append(ma * weights[k])
            parts_b.append(mb)
            pres_a.append(pa)
            pres_b.append(pb)
        mat_a = sparse_hstack(parts_a, format="csr")
        mat_b = sparse_hstack(parts_b, format="csr").T.tocsr()
        num = np.zeros(len(codes))
        # codes are sorted, so ia ascends: each block of a-rows is one slice of the pairs.
        block = max(1, _PREFILTER_CELLS // max(1, len(bnodes)))
        for lo in range(0, len(anodes), block):
            a0, a1 = np.searchsorted(ia, [lo, lo + block])
            if a0 == a1:
                continue
            dense = (mat_a[lo : lo + block] @ mat_b).toarray()
            num[a0:a1] = dense[ia[a0:a1] - lo, ib[a0:a1]]
        we = st.weight_entities * (pres_a[1][ia] & pres_b[1][ib])
        wt = st.weight_title * (pres_a[2][ia] & pres_b[2][ib])
        score = num / (st.weight_body + we + wt)
        # Short texts get a boosted score in story_similarity, which this sum leaves out: keep them all,
        # so whether a pair survives never depends on how many others share its batch.
        words_a = np.fromiter((r[3] for r in rows_a), dtype=np.int64, count=len(rows_a))[ia]
        words_b = np.fromiter((r[3] for r in rows_b), dtype=np.int64, count=len(rows_b))[ib]
        short = np.minimum(words_a, words_b) < st.short_text_words
        keep = np.flatnonzero((score >= st.story_threshold - _PREFILTER_SLACK) | short)
        return list(zip(a_all[keep].tolist(), b_all[keep].tolist()))

    def _recluster(self, numbers: list[int]) -> int:
        """Re-cluster every story component the new articles touch (see cluster.py for why)."""
        st = self.settings
        nodes: set[int] = set(self.store.story_members(numbers))
        edges: dict[tuple[int, int], tuple[str, str]] = {}
        # the disguise kinds of each copy pair: what its texts say of who copied whom (storytrace.provenance)
        tricks: dict[tuple[int, int], tuple[tuple[str, ...] | None, tuple[str, ...] | None]] = {}
        frontier = set(nodes)
        while frontier and len(nodes) <= MAX_DENSE * 4:
            found = self.store.linked(frontier, with_kinds=True)
            nxt: set[int] = set()
            for a, b, copy, story, kinds_a, kinds_b in found:
                edges[(a, b)] = (copy, story)
                if copy != "none":
                    tricks[(a, b)] = (kinds_a, kinds_b)
                if story == "same":
                    for x in (a, b):
                        if x not in nodes:
                            nxt.add(x)
            nxt |= self.store.story_members(nxt) - nodes if nxt else set()
            nodes |= nxt
            frontier = nxt
        loaded = self.store.load_members(nodes)
        same_edges = [(a, b) for (a, b), (_, s) in edges.items() if s == "same" and a in loaded and b in loaded]
        comps = components([str(n) for n in sorted(loaded)], [(str(a), str(b)) for a, b in same_edges])
        # Each component's edges, in the order of ``edges`` (an edge lies in one component or in none).
        comp_of = {int(x): k for k, comp in enumerate(comps) for x in comp}
        comp_edges: dict[int, list[tuple[tuple[int, int], tuple[str, str]]]] = {}
        for (a, b), cs in edges.items():
            ka = comp_of.get(a)
            if ka is not None and ka == comp_of.get(b):
                comp_edges.setdefault(ka, []).append(((a, b), cs))
        stories: list[tuple[Story, list[int]]] = []
        for k, comp in enumerate(comps):
            ns = [int(x) for x in comp]
            members = [_member(loaded[n]) for n in ns]
            idx = {n: i for i, n in enumerate(ns)}
            mine = comp_edges.get(k, [])
            forced = [(idx[a], idx[b]) for (a, b), (c, s) in mine if c in ("exact", "near")]
            copied = [(idx[a], idx[b]) for (a, b), (c, s) in mine if c == "partial" and s == "same"]
            if len(ns) <= MAX_DENSE:
                labels = dense_average_link(members, st, forced, copied)
            else:
                labels = centroid_link(members, st, forced)
            groups: dict[int, list[int]] = {}
            label_of: dict[int, int] = {}
            for n, lab in zip(ns, labels):
                groups.setdefault(lab, []).append(n)
                label_of[n] = lab
            # Each group's reprint and copy edges in one pass over the component's edges, in their order:
            # filtering them once per group cost groups x edges (most of a 10k-headline scan).
            reprints: dict[int, list[tuple[str, str]]] = {}
            group_copies: dict[int, list[tuple[int, int]]] = {}
            for (a, b), (c, _) in mine:
                lab = label_of[a]
                if lab != label_of[b]:
                    continue
                if c in ("exact", "near"):
                    reprints.setdefault(lab, []).append((loaded[a][1].id, loaded[b][1].id))
                if (a, b) in tricks:
                    group_copies.setdefault(lab, []).append((a, b))
            for lab, g in groups.items():
                copies = shown_copies((loaded[a][1].id, loaded[b][1].id, *tricks[(a, b)])
                                      for a, b in group_copies.get(lab, ()))
                story = build_story([members[idx[n]] for n in g], reprints.get(lab, []), copies)
                stories.append((story, g))
        self.store.replace_stories(loaded.keys(), stories)
        return len(stories)

    # reading -------------------------------------------------------------------------------------
    def count(self) -> int:
        return self.store.count()

    def article(self, article_id: str) -> Article:
        a = self.store.article(article_id)
        if a is None:
            raise NotFound(f"no article {article_id!r} in {self.path}")
        return a

    def article_story(self, article_id: str) -> str | None:
        return self.store.article_story(article_id)

    def stories(self, limit: int | None = None, offset: int = 0, search: str | None = None,
                site: str | None = None, since: str | None = None, until: str | None = None,
                order: str = "size", min_size: int = 1) -> list[Story]:
        """Stories, biggest first (or ``order``: size, recent or oldest), filtered in the index so that
        ``limit`` and ``offset`` page what the filters leave; ``min_size`` 2 leaves out the articles no
        other joined. ``since`` and ``until`` are ISO dates (or dates and times, compared in UTC)."""
        if order not in STORY_ORDERS:
            raise ConfigError(f"order must be one of {', '.join(STORY_ORDERS)}, got {order!r}")
        return self.store.stories(limit=count(limit, "limit", optional=True), offset=count(offset, "offset"),
                                  search=search, site=site, since=date_bound(since, "since"),
                                  until=date_bound(until, "until"), order=order,
                                  min_size=count(min_size, "min_size", 1))

    def story(self, story_id: str) -> Story:
        s = self.store.story(story_id)
        if s is None:
            raise NotFound(f"no story {story_id!r} in {self.path}")
        return s

    def pairs(self, copy: str | None = None, story: str | None = None, article_id: str | None = None,
              limit: int | None = None, offset: int = 0) -> Iterator[Relation]:
        """Stored pairs as a scan decided them, ``offset`` skipped and at most ``limit`` (None: all), as the
        CLI's and the HTTP API's pages. A pair found by story similarity alone (no shared shingle band or
        sentence) is stored as copy none without aligning its texts, unless one of them reads as scanned
        (see _same_story_rows); :meth:`pair` aligns any two articles, so it can find a little shared text
        there (a partial copy) that this list does not."""
        if copy and copy not in ("exact", "near", "partial", "none"):
            raise ConfigError(f"copy must be exact, near, partial or none, got {copy!r}")
        if story and story not in ("same", "different"):
            raise ConfigError(f"story must be same or different, got {story!r}")
        limit, offset = count(limit, "limit", optional=True), count(offset, "offset")
        return self.store.pairs(copy=copy, story=story, article_id=article_id, limit=limit, offset=offset)

    def relations(self, article_id: str) -> list[Relation]:
        self.article(article_id)
        return list(self.store.pairs(copy=None, story=None, article_id=article_id))

    def pair(self, a_id: str, b_id: str) -> Relation:
        """The full relation of two stored articles, passages, unrelated spans and disguises included."""
        return relate(self.article(a_id), self.article(b_id), settings=self.settings, with_disguises=True)

    def sites(self) -> list[dict[str, Any]]:
        """Sites by size with their copy signals (:func:`storytrace.network.site_signals`)."""
        return site_signals(self.store.site_counts(), copy_edges(self.store.copy_pair_rows()))

    def site_links(self) -> list[dict[str, Any]]:
        """Who copies whom, one row per pair of sites (:func:`storytrace.network.site_links`)."""
        return site_links(copy_edges(self.store.copy_pair_rows()))

    def query(self, item: Article | str, limit: int | None = 20) -> list[Match]:
        """Stored articles this text copies or retells, best first (``limit`` None: all). Stores nothing.
        A string is read in the .txt layout, as ``compare`` reads one."""
        limit = count(limit, "limit", optional=True)
        art = as_article(item, "query")
        if not art.id:
            art = _with_id(art)
        # A short query in German is keyed in German to meet German articles' keys (a scan keys a text that
        # short as English: storytrace.language).
        language = query_language(art.content)
        with keyed_in(language, [art.content]) if language != tokenize(art.content).language else nullcontext():
            return self._query(art, limit)

    def _query(self, art: Article, limit: int | None) -> list[Match]:
        st = self.settings
        fp = fingerprint(art, st)
        need = 1 if fp.n_words < st.short_text_words else MIN_SHARED_TERMS
        found = self.store.candidates(band_keys(fp.minhash, st.lsh_bands), [h for h, _, _ in fp.sentences],
                                      [_h(t) for t in fp.block], st.max_postings, min_terms=need)
        lex = set(found["bands"]) | set(found["sentences"]) | set(self.store.exact_matches(fp.exact))
        top = {m for m, c in found["terms"].items() if c >= need} - lex
        stored = self.store.load(lex)
        # Same-story candidates need only their stored vectors; texts are read for the ones that match.
        top, states = self._query_prefilter(fp, top)
        unread = top - states.keys()
        if unread:
            states.update(self.store.load_states(unread))
        found_lex: list[tuple[int, Relation]] = []
        for m in sorted(lex):
            other = stored[m][1]
            # with_disguises: a desk pasting a new article wants to know whether it is a disguised copy
            rel = relate(art, other, fp, from_state(stored[m][2], other.content, st), st, with_disguises=True)
            if rel.related:
                found_lex.append((m, rel))
        found_top: list[tuple[int, dict[str, float], _StateFP]] = []
        for m in sorted(top):
            pub, state = states[m]
            state_fp = _StateFP(state)
            scores = story_similarity(fp, state_fp, art.published, pub, st)
            if max(scores["story"], scores.get("story_unwindowed", 0.0)) >= st.story_threshold:
                found_top.append((m, scores, state_fp))
        shown = self.store.articles_with_story([m for m, _ in found_lex] + [m for m, _, _ in found_top])
        matches: list[Match] = [Match(stored[m][1], rel, shown[m][1]) for m, rel in found_lex]
        for m, scores, state_fp in found_top:
            other, story_id = shown[m]
            rel: Relation | None = (Relation(a=art.id, b=other.id, copy="none", story="same", scores=scores)
                                    if scores["story"] >= st.story_threshold else None)
            # As a scan does (_same_story_rows): a scanned-looking text's same-story match is aligned too,
            # and so is one that is the same story but for its dates.
            # (a state stored before they were kept: counted from the text)
            state_fp.rare_share, state_fp.scanned = scan_signs(other.content, st, state_fp.rare_share, state_fp.scanned)
            if _scanned_pair(fp, state_fp):
                full = relate(art, other, fp, from_state(states[m][1], other.content, st), st, with_disguises=True)
                rel = full if full.related else rel
            if rel is not None:
                matches.append(Match(other, rel, story_id))
        rank = {"exact": 0, "near": 1, "partial": 2, "none": 3}
        # Among near copies, one with the query's very words (only its spacing differs) comes first.
        same_words = {stored[m][1].id for m, _ in found_lex if stored[m][2]["exact"] == fp.exact}
        matches.sort(key=lambda x: (rank[x.relation.copy], x.article.id not in same_words,
                                    -x.relation.scores.get("reuse", 0.0), -x.relation.scores["story"], x.article.id))
        return matches[:limit]

    def _query_prefilter(self, fp: Fingerprint, top: set[int],
                         ) -> tuple[set[int], dict[int, tuple[str | None, dict[str, Any]]]]:
        """The same-story candidates of a query whose score is not clearly below the threshold, from the
        vectors kept in memory (warm after the first queries), so that most are never parsed twice (or,
        once cached, at all); with the (published, state) of those it had to read, for the exact check.
        Short texts (whose score is boosted) and the time window are left to the exact check."""
        if len(top) < _QUERY_PREFILTER_MIN:
            return top, {}
        import numpy as np

        st = self.settings
        nodes = sorted(top)
        states: dict[int, tuple[str | None, dict[str, Any]]] = {}
        rows = self._vectors(nodes, {}, states)
        n = len(nodes)
        ids_of = self._vocab.get
        dense = self._query_buffer(len(self._vocab))
        dots = []
        present = []
        for k, q in enumerate((fp.body, fp.entities, fp.title)):
            lens = np.fromiter(map(len, (r[k][1] for r in rows)), dtype=np.int64, count=n)
            present.append((lens > 0) & bool(q))
            # Only terms some cached row has can score: the query's others are not in the vocabulary.
            qi = np.fromiter(map(ids_of, q, repeat(-1)), dtype=np.int64, count=len(q))
            known = qi >= 0
            if known.any() and lens.sum():
                qi = qi[known]
                ids = np.concatenate([r[k][0] for r in rows])
                ws = np.concatenate([r[k][1] for r in rows])
                dense[qi] = np.fromiter(q.values(), dtype=np.float64, count=len(q))[known]
                try:
                    dots.append(np.bincount(np.repeat(np.arange(n), lens), weights=dense[ids] * ws, minlength=n))
                finally:
                    dense[qi] = 0.0
            else:
                dots.append(np.zeros(n))
        we = st.weight_entities * present[1]
        wt = st.weight_title * present[2]
        score = (st.weight_body * dots[0] + we * dots[1] + wt * dots[2]) / (st.weight_body + we + wt)
        short = np.fromiter((min(fp.n_words, r[3]) < st.short_text_words for r in rows), dtype=bool, count=n)
        keep = (score >= st.story_threshold - _PREFILTER_SLACK) | short
        kept = {nodes[i] for i in np.flatnonzero(keep).tolist()}
        return kept, {m: states[m] for m in kept if m in states}

    def _query_buffer(self, size: int) -> Any:
        """A zeroed float array of at least ``size`` (the vocabulary) for scattering a query's weights by
        term id: allocated once per thread and index, since zeroing a vocabulary-sized array per query
        would cost more than the lookups. Callers put back the zeros they overwrite."""
        import numpy as np

        local = self._query_local
        buf = getattr(local, "buffer", None)
        if buf is None or len(buf) < size:
            buf = local.buffer = np.zeros(max(size * 2, 1024))
        return buf

    def duplicates(self, level: str = "near") -> dict[str, str]:
        """Each stored article that a deduplicated corpus drops -> the article kept in its place.

        ``level`` "exact" folds exact copies, "near" reprints too (:mod:`storytrace.dedup`); the article kept
        is a group's earliest published that its copies' texts do not show to be a copy, then its first
        scanned. Ordered by kept article, then dropped; the answer is kept until the index changes, from this
        connection or any other."""
        kinds = copy_kinds(level)
        version = self.store.version()
        cached = self._duplicates.get(level)
        if cached is not None and cached[0] == version:
            return dict(cached[1])
        edges: list[tuple[str, str]] = []
        members: dict[str, tuple[str, str | None, int]] = {}
        tricks = []
        for a, pub_a, n_a, kinds_a, b, pub_b, n_b, kinds_b in self.store.copy_links(kinds):
            edges.append((a, b))
            members[a] = (a, pub_a, n_a)
            members[b] = (b, pub_b, n_b)
            tricks.append((a, b, kinds_a, kinds_b))
        found = duplicate_map(edges, list(members.values()), shown_copies(tricks))
        found = dict(sorted(found.items(), key=lambda kv: (kv[1], kv[0])))  # by kept, then dropped: pages read it
        self._duplicates[level] = (version, found)
        return dict(found)

    def export(self, out: str | Path | IO[str] | IO[bytes], format: str = "jsonl", what: str = "articles",
               dedup: str | None = None) -> int:
        """Write one of :data:`EXPORTS` as jsonl, csv or parquet; returns rows.

        ``dedup`` ("exact" or "near", articles only) writes one article per group of copies, each kept row
        listing the ids it stands for in ``duplicates`` (see :meth:`duplicates`). JSONL and CSV rows are
        written as they are read, so a corpus larger than memory can be exported. ``out`` is a path or an
        open file: JSONL and CSV go to a text or a binary one (as UTF-8), Parquet to a binary one."""
        if format not in ("jsonl", "csv", "parquet"):
            raise ConfigError(f"format must be jsonl, csv or parquet, got {format!r}")
        if what not in EXPORTS:
            raise ConfigError(f"what must be one of {', '.join(EXPORTS)}, got {what!r}")
        if dedup is not None:
            copy_kinds(dedup)
            if what != "articles":
                raise ConfigError(f"dedup applies to articles only, not to {what}: drop it or export articles")
        if format == "parquet" and not isinstance(out, (str, os.PathLike)) and _is_text_stream(out):
            raise ConfigError("parquet is binary: pass a path, or a file opened with 'wb'")
        rows = self._export_rows(what, dedup)
        if format == "parquet":
            return _write_parquet(rows, out)
        close = detach = False
        if isinstance(out, (str, os.PathLike)):
            fh: IO[str] = open(out, "w", encoding="utf-8", newline="")
            close = True
        elif not _is_text_stream(out):
            fh = io.TextIOWrapper(out, encoding="utf-8", newline="")  # type: ignore[arg-type]
            detach = True
        else:
            fh = out  # type: ignore[assignment]
        n = 0
        try:
            if format == "jsonl":
                for n, r in enumerate(rows, 1):
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            else:
                w: csv.DictWriter | None = None
                for n, r in enumerate(rows, 1):
                    if w is None:
                        w = csv.DictWriter(fh, fieldnames=list(r.keys()))
                        w.writeheader()
                    w.writerow(_flat(r))
                if w is None and what in ("articles", "pairs"):
                    # no rows, still the header a loader (pandas, sqlite-utils) reads the columns from
                    csv.writer(fh).writerow(_empty_columns(what, dedup))
        finally:
            if close:
                fh.close()
            elif detach:
                fh.flush()
                fh.detach()  # the caller's binary file stays open, as it was given
        return n

    def _export_rows(self, what: str, dedup: str | None = None) -> Iterator[dict[str, Any]]:
        if what == "articles":
            dropped = self.duplicates(dedup) if dedup else {}
            stands_for: dict[str, list[str]] = {}
            for gone, kept in dropped.items():
                stands_for.setdefault(kept, []).append(gone)
            for art, story in self.store.iter_articles():
                if art.id in dropped:
                    continue
                d = art.to_dict()
                d["story"] = story
                if dedup:
                    d["duplicates"] = sorted(stands_for.get(art.id, ()))
                yield d
        elif what == "pairs":
            for rel in self.pairs():
                # The two scores the listings rank by, as columns of their own beside the decisions: in CSV and
                # Parquet the scores dict is JSON text, which sqlite-utils, Datasette or pandas cannot filter on.
                row = rel.summary() | {"story_score": float(rel.scores.get("story", 0.0)),
                                       "reuse": float(rel.scores.get("reuse", 0.0))}
                yield {k: row[k] for k in PAIR_COLUMNS}
        elif what == "sites":
            yield from self.sites()
        elif what == "links":
            yield from self.site_links()
        else:
            for s in self.stories():
                yield s.to_dict()


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A row for a flat format: lists and dicts as JSON text."""
    return {k: (json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in row.items()}


def _empty_columns(what: str, dedup: str | None) -> list[str]:
    """The columns an export of ``what`` has, for a header with no rows under it."""
    if what == "articles":
        return [*Article(text="").to_dict(), "story", *(["duplicates"] if dedup else [])]
    return list(PAIR_COLUMNS)


def _is_text_stream(out: Any) -> bool:
    """Whether ``out`` takes str (a text file, StringIO, sys.stdout) rather than bytes."""
    if isinstance(out, io.TextIOBase):
        return True
    if isinstance(out, (io.RawIOBase, io.BufferedIOBase)):
        return False
    return "b" not in getattr(out, "mode", "")


def _write_parquet(rows: Iterable[dict[str, Any]], out: str | Path | IO[str] | IO[bytes]) -> int:
    """Rows as one Parquet table. Built from Arrow batches rather than one list of dicts: Arrow holds the
    texts of a large export in about their own size."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    batches: list[Any] = []
    batch: list[dict[str, Any]] = []
    n = 0
    for r in rows:
        batch.append(_flat(r))
        n += 1
        if len(batch) >= 10_000:
            batches.append(pa.Table.from_pylist(batch))
            batch = []
    if batch:
        batches.append(pa.Table.from_pylist(batch))
    table = pa.concat_tables(batches, promote_options="permissive") if batches else pa.table({})
    pq.write_table(table, out)  # type: ignore[arg-type]
    return n


# Slack for the vectorised prefilter: it sums in another order than ``story_similarity``, so a pair within
# this of the threshold is always checked exactly.
_PREFILTER_SLACK = 1e-6
# Fewer same-story candidates than this are all scored exactly: vectorising them would cost more.
_QUERY_PREFILTER_MIN = 8
_PREFILTER_CELLS = 4_000_000  # dense block of (stored rows x new rows) per step
# Articles whose story vectors the indexer keeps in memory as arrays (about 2 KB each) for the prefilter.
_VEC_CACHE_SIZE = 300_000


def _with_id(a: Article) -> Article:
    from dataclasses import replace

    return replace(a, id=make_id(a))


def _member(stored: tuple) -> Member:
    _, art, state = stored
    return Member(id=art.id, title=art.title or art.text[:120].split("\n")[0], site=art.site,
                  published=art.published, body=state["body"], entities=state["entities"], title_vec=state["title"],
                  n_words=state["n_words"])


def _fingerprint_job(job: tuple[Article, Settings]) -> Fingerprint:
    return fingerprint(job[0], job[1])


def _disguise_job(job: tuple[str, str, list[Passage]]) -> tuple[tuple[Disguise, ...], tuple[Disguise, ...]]:
    return copy_disguises(*job)


def _relate_job(job: tuple) -> tuple[int, int, Relation]:
    a, b, aa, ab, fa, fb, st = job
    if not isinstance(fa, Fingerprint):
        fa = from_state(fa, aa.content, st)
    if not isinstance(fb, Fingerprint):
        fb = from_state(fb, ab.content, st)
    # Disguises are named at scan time and stored with the pair: they decide nothing, but a site's share of
    # disguised copies is a content-farm signal (storytrace.network) that needs them for every copy.
    return a, b, relate(aa, ab, fa, fb, st, with_disguises=True)
