"""The index in one SQLite file (WAL mode): one writer, any number of read-only readers.

Queries are fixed and parameterised; nothing the user types becomes SQL text. Readers open the file with
``mode=ro`` so that a page or an export never sees a half-written scan batch.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from ..errors import StorytraceError
from ..model import Article, Disguise, Passage, Relation, Story
from .base import CopyPairRow, PairRow, StoredArticle, Store

__all__ = ["SQLiteStore"]

# 2: pairs.disguises (the tricks each side of a copy plays), added to a version-1 file when it is opened to
# write; its copy pairs keep NULL there, which reads as "not looked for".
SCHEMA_VERSION = "2"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles(
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    url TEXT, site TEXT, author TEXT, title TEXT, published TEXT, origin TEXT,
    text TEXT NOT NULL,
    exact INTEGER NOT NULL,
    n_words INTEGER NOT NULL,
    state TEXT NOT NULL,
    story TEXT
);
CREATE INDEX IF NOT EXISTS articles_exact ON articles(exact);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story);
CREATE INDEX IF NOT EXISTS articles_site ON articles(site);
CREATE TABLE IF NOT EXISTS bands(key INTEGER NOT NULL, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS bands_key ON bands(key);
CREATE TABLE IF NOT EXISTS sentences(key INTEGER NOT NULL, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sentences_key ON sentences(key);
CREATE TABLE IF NOT EXISTS terms(key INTEGER NOT NULL, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS terms_key ON terms(key);
CREATE TABLE IF NOT EXISTS pairs(
    a INTEGER NOT NULL, b INTEGER NOT NULL,
    copy TEXT NOT NULL, story TEXT NOT NULL,
    story_score REAL NOT NULL, reuse REAL NOT NULL, scores TEXT NOT NULL,
    disguises TEXT,
    PRIMARY KEY(a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pairs_b ON pairs(b);
CREATE TABLE IF NOT EXISTS passages(
    a INTEGER NOT NULL, b INTEGER NOT NULL, kind TEXT NOT NULL, score REAL NOT NULL,
    a_start INTEGER NOT NULL, a_end INTEGER NOT NULL, b_start INTEGER NOT NULL, b_end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_ab ON passages(a, b);
CREATE TABLE IF NOT EXISTS stories(
    id TEXT PRIMARY KEY,
    headline TEXT NOT NULL,
    size INTEGER NOT NULL,
    first TEXT, first_site TEXT, first_published TEXT, last_published TEXT,
    sites TEXT NOT NULL, reprint_groups TEXT NOT NULL, members TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_size ON stories(size);
CREATE INDEX IF NOT EXISTS stories_last ON stories(last_published);
"""

_ARTICLE_COLS = "n, id, url, site, author, title, published, origin, text"
# Readers map the file instead of copying each page through read(): a query touches a few hundred rows
# scattered over the file (states of its candidates), and mapped pages are shared by every reader process.
_READER_MMAP = 1 << 30
# Term postings a store keeps in memory for queries (article numbers, 8 bytes each): at most ~32 MB.
_POSTINGS_KEPT = 4_000_000


def _loads(text: str | bytes) -> Any:
    """A stored JSON document (a fingerprint state): orjson, about three times faster than ``json`` on
    these (a query decodes hundreds), giving equal dicts in the same key order with the same floats;
    ``json`` for what orjson refuses (NaN, integers over 64 bits), which ``json.dumps`` may have written."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _dumps(doc: dict[str, Any]) -> str:
    """A fingerprint state as stored JSON: orjson (a tenth of ``json``'s time, on the scan's main process)
    when every number in it is one orjson writes back exactly, else ``json``. orjson would write NaN or
    infinity as null and refuses integers over 64 bits; both read back as ``json.dumps`` wrote them."""
    if _plain(doc):
        try:
            return orjson.dumps(doc).decode()
        except TypeError:  # an integer over 64 bits
            pass
    return json.dumps(doc, separators=(",", ":"))


def _plain(value: Any) -> bool:
    """No NaN or infinity anywhere in ``value`` (dicts, lists, numbers, strings). A container of numbers is
    checked by one sum (NaN and infinity survive it; an overflow only sends the state to ``json``)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, (list, tuple)):
        return True
    try:
        return math.isfinite(sum(value))
    except (OverflowError, TypeError):  # integers too big for a float, or not all numbers: one by one
        return all(map(_plain, value))


def _dump_disguises(copy: str, found: tuple[tuple[Disguise, ...], tuple[Disguise, ...]] | None) -> str | None:
    """A copy pair's disguises as stored: NULL for a pair that is no copy (it has none by definition) or
    whose disguises were not looked for."""
    if copy == "none" or found is None:
        return None
    return json.dumps({"a": [d.to_dict() for d in found[0]], "b": [d.to_dict() for d in found[1]]},
                      ensure_ascii=False, separators=(",", ":"))


def _load_disguises(copy: str, stored: str | None) -> tuple[tuple[Disguise, ...] | None, tuple[Disguise, ...] | None]:
    """What :func:`_dump_disguises` wrote: none for a pair that is no copy, None (not looked for) for a copy
    stored without them."""
    if copy == "none":
        return (), ()
    if stored is None:
        return None, None
    doc = json.loads(stored)
    return tuple(tuple(Disguise(d["kind"], d["count"], tuple(d["examples"])) for d in doc[side]) for side in "ab")


def _article(row: Sequence[Any]) -> Article:
    return Article(id=row[1], url=row[2], site=row[3], author=row[4], title=row[5] or "", published=row[6],
                   origin=row[7] or "", text=row[8])


def _story(row: Sequence[Any]) -> Story:
    return Story(id=row[0], headline=row[1], members=tuple(json.loads(row[9])), first=row[3], first_site=row[4],
                 first_published=row[5], last_published=row[6], sites=tuple(json.loads(row[7])),
                 reprint_groups=tuple(tuple(g) for g in json.loads(row[8])))


def _load_kinds(copy: str, stored: str | None) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The disguise kinds of each side, as :func:`_load_disguises` reads them (None: not looked for)."""
    if copy == "none":  # most stored pairs: skip the general path, read millions of times in a re-cluster
        return (), ()
    return tuple(None if side is None else tuple(d.kind for d in side)  # type: ignore[return-value]
                 for side in _load_disguises(copy, stored))


def _chunks(seq: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


class SQLiteStore(Store):
    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = str(path)
        self.readonly = readonly
        memory = self.path == ":memory:"
        try:
            if readonly and not memory:
                if not Path(self.path).exists():
                    raise StorytraceError(f"{self.path}: no index here; run `storytrace scan` first")
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
                self.db.execute(f"PRAGMA mmap_size={_READER_MMAP}")
            else:
                self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
                if not memory:
                    self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.executescript(_SCHEMA)
                if "disguises" not in self._columns("pairs"):  # a version-1 file: upgraded in place
                    self.db.execute("ALTER TABLE pairs ADD COLUMN disguises TEXT")
                if self.get_meta("schema") in (None, "1"):
                    self.set_meta("schema", SCHEMA_VERSION)
            self.db.execute("PRAGMA busy_timeout=10000")
            self.db.execute("PRAGMA cache_size=-65536")
        except sqlite3.DatabaseError as e:
            raise StorytraceError(f"{self.path}: not a storytrace index ({e})") from e
        # A version-1 file opened read-only has no disguises column: its pairs read as "not looked for".
        self._disguises_col = "p.disguises" if "disguises" in self._columns("pairs") else "NULL"
        self._in_tx = False
        # Keys already known to have more postings than a limit, per (table, limit): articles are never
        # removed, so such a key stays too common, and its (ever longer) postings need not be read again.
        self._saturated: dict[tuple[str, int], set[int]] = {}
        # Term postings read for queries (see _term_postings), and the state of the file they were read at.
        self._postings: dict[int, Any] = {}
        self._postings_size = 0
        self._postings_version: tuple[int, int, int] | None = None

    def _columns(self, table: str) -> set[str]:
        try:
            return {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
        except sqlite3.DatabaseError as e:
            raise StorytraceError(f"{self.path}: not a storytrace index ({e})") from e

    # writing -----------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_tx:
            yield
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._in_tx = True
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            # What this transaction counted may be gone again.
            self._saturated.clear()
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._in_tx = False

    def _by_id(self, columns: str, ids: Sequence[str]) -> Iterator[tuple]:
        """Rows of ``SELECT columns FROM articles`` for the stored ones of these ids."""
        for chunk in _chunks(list(ids)):
            yield from self.db.execute(f"SELECT {columns} FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                                       list(chunk))

    def existing(self, ids: Sequence[str]) -> set[str]:
        return {r[0] for r in self._by_id("id", ids)}

    def stored_texts(self, ids: Sequence[str]) -> dict[str, str]:
        return dict(self._by_id("id, text", ids))

    def insert_articles(self, rows: Sequence[tuple[Article, dict[str, Any], list[int], list[int], list[int],
                                                   int | None]]) -> list[int]:
        """Numbers are assigned as SQLite would (max + 1, in order); keys go in with one executemany each."""
        if not rows:
            return []
        if not self._in_tx:
            with self.transaction():
                return self.insert_articles(rows)
        top = self.db.execute("SELECT max(n) FROM articles").fetchone()[0] or 0
        numbers = list(range(top + 1, top + 1 + len(rows)))
        self.db.executemany(
            "INSERT INTO articles(n, id, url, site, author, title, published, origin, text, exact, n_words, state)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [(n, art.id, art.url, art.site, art.author, art.title, art.published, art.origin, art.text,
              state["exact"], state["n_words"], _dumps(state))
             for n, (art, state, *_rest) in zip(numbers, rows)],
        )
        self.db.executemany("INSERT INTO bands(key, n) VALUES (?, ?)",
                            [(k, n) for n, r in zip(numbers, rows) for k in r[2]])
        self.db.executemany("INSERT INTO sentences(key, n) VALUES (?, ?)",
                            [(k, n) for n, r in zip(numbers, rows) for k in dict.fromkeys(r[3])])
        self.db.executemany("INSERT INTO terms(key, n) VALUES (?, ?)",
                            [(k, n) for n, r in zip(numbers, rows) for k in r[4]])
        return numbers

    def _lookup(self, table: str, keys: list[int], limit: int) -> dict[int, list[int]]:
        saturated = self._saturated.setdefault((table, limit), set())
        if saturated:
            keys = [k for k in keys if k not in saturated]
        found: dict[int, list[int]] = {}
        for chunk in _chunks(keys):
            q = f"SELECT key, n FROM {table} WHERE key IN ({','.join('?' * len(chunk))})"
            for k, n in self.db.execute(q, list(chunk)):
                v = found.get(k)
                if v is None:
                    found[k] = [n]
                else:
                    v.append(n)
        # A key shared by too many articles (boilerplate, a ubiquitous name) seeds nothing.
        out = {}
        for k, v in found.items():
            if len(v) <= limit:
                out[k] = v
            else:
                saturated.add(k)
        return out

    def candidates(self, bands: Iterable[int], sentences: Iterable[int], terms: Iterable[int],
                   limit_per_key: int, min_terms: int = 1) -> dict[str, dict[int, int]]:
        """Per kind of key, how many of the given keys each stored article shares (keys held by more than
        ``limit_per_key`` articles left out). Under "terms" only articles sharing at least ``min_terms``."""
        out: dict[str, dict[int, int]] = {}
        for name, table, keys in (("bands", "bands", bands), ("sentences", "sentences", sentences),
                                  ("terms", "terms", terms)):
            if name == "terms" and min_terms > 1:
                out[name] = self._shared_terms(sorted(set(keys)), limit_per_key, min_terms)
                continue
            out[name] = self._count(table, sorted(set(keys)), limit_per_key)
        return out

    def _count(self, table: str, keys: list[int], limit: int) -> dict[int, int]:
        """``{n: how many of keys article n holds}``, keys over ``limit`` postings left out."""
        counts: dict[int, int] = {}
        for ns in self._lookup(table, keys, limit).values():
            for n in ns:
                counts[n] = counts.get(n, 0) + 1
        return counts

    def _shared_terms(self, keys: list[int], limit: int, least: int) -> dict[int, int]:
        """``{n: c}`` (by n) for the articles sharing ``c >= least`` of the term keys: what counting the rows
        of ``_lookup("terms", ...)`` gives, filtered. A query's block terms are a document's heaviest words,
        which many queries share, and reading a key's postings costs a table lookup per row (about 1,500
        a query): each key's postings are kept as an array (see ``_term_postings``) and counted by numpy."""
        import numpy as np

        saturated = self._saturated.setdefault(("terms", limit), set())
        keys = [k for k in keys if k not in saturated]
        if len(keys) > 500:  # more than one statement's worth: count in Python, across chunks
            return {n: c for n, c in self._count("terms", keys, limit).items() if c >= least}
        if not keys:
            return {}
        postings = self._term_postings(keys, limit, saturated)
        found = [postings[k] for k in keys if k in postings]
        if not found:
            return {}
        ns, counts = np.unique(np.concatenate(found), return_counts=True)
        keep = counts >= least
        return dict(zip(ns[keep].tolist(), counts[keep].tolist()))

    def _term_postings(self, keys: list[int], limit: int, saturated: set[int]) -> dict[int, Any]:
        """``{key: article numbers}`` (int64 arrays) for the keys with at most ``limit`` postings, from
        memory where read before; keys found to have more are added to ``saturated``. What is kept is
        dropped when the file has changed since (another connection's commit, or a write through this
        one), so a reader never misses an article added after it read a key."""
        import numpy as np

        version = (self.db.execute("PRAGMA data_version").fetchone()[0], self.db.total_changes, limit)
        cache = self._postings
        if version != self._postings_version or self._postings_size > _POSTINGS_KEPT:
            cache.clear()
            self._postings_size = 0
            self._postings_version = version
        missing = [k for k in keys if k not in cache]
        if missing:
            marks = ",".join("?" * len(missing))
            kept = []
            for k, c in self.db.execute(f"SELECT key, count(*) FROM terms WHERE key IN ({marks}) GROUP BY key",
                                        missing):
                if c <= limit:
                    kept.append(k)
                else:
                    saturated.add(k)
            # Keys no article holds (yet) are kept too, as empty.
            rows: dict[int, list[int]] = {k: [] for k in missing if k not in saturated}
            if kept:
                q = f"SELECT key, n FROM terms WHERE key IN ({','.join('?' * len(kept))})"
                for k, n in self.db.execute(q, kept):
                    rows[k].append(n)
            for k, ns in rows.items():
                cache[k] = np.array(ns, dtype=np.int64)
                self._postings_size += len(ns)
        return {k: cache[k] for k in keys if k in cache}

    def key_postings(self, table: str, keys: Sequence[int], limit_per_key: int) -> dict[int, list[int]]:
        """Postings per key (used by the indexer to pair articles within a batch and with the index)."""
        if table not in ("bands", "sentences", "terms"):
            raise ValueError(table)
        return self._lookup(table, sorted(set(keys)), limit_per_key)

    def load(self, numbers: Iterable[int]) -> dict[int, StoredArticle]:
        out: dict[int, StoredArticle] = {}
        for chunk in _chunks(sorted(set(numbers))):
            q = f"SELECT {_ARTICLE_COLS}, state FROM articles WHERE n IN ({','.join('?' * len(chunk))})"
            for row in self.db.execute(q, list(chunk)):
                out[row[0]] = (row[0], _article(row), _loads(row[9]))
        return out

    def number_of(self, article_id: str) -> int | None:
        row = self.db.execute("SELECT n FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def exact_matches(self, exact: int) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT n FROM articles WHERE exact = ?", (exact,))]

    def exact_postings(self, exacts: Iterable[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for chunk in _chunks(sorted(set(exacts))):
            q = f"SELECT exact, n FROM articles WHERE exact IN ({','.join('?' * len(chunk))})"
            for e, n in self.db.execute(q, list(chunk)):
                out.setdefault(e, []).append(n)
        return out

    def load_members(self, numbers: Iterable[int]) -> dict[int, StoredArticle]:
        """Like ``load``, but each text cut to its first 120 characters (all that clustering reads of it)."""
        out: dict[int, StoredArticle] = {}
        for chunk in _chunks(sorted(set(numbers))):
            q = (f"SELECT n, id, url, site, author, title, published, origin, substr(text, 1, 120), state"
                 f" FROM articles WHERE n IN ({','.join('?' * len(chunk))})")
            for row in self.db.execute(q, list(chunk)):
                out[row[0]] = (row[0], _article(row), _loads(row[9]))
        return out

    def load_states(self, numbers: Iterable[int]) -> dict[int, tuple[str | None, dict[str, Any]]]:
        out: dict[int, tuple[str | None, dict[str, Any]]] = {}
        for chunk in _chunks(sorted(set(numbers))):
            q = f"SELECT n, published, state FROM articles WHERE n IN ({','.join('?' * len(chunk))})"
            for n, pub, state in self.db.execute(q, list(chunk)):
                out[n] = (pub, _loads(state))
        return out

    def articles_with_story(self, numbers: Iterable[int]) -> dict[int, tuple[Article, str | None]]:
        """One statement for all of a query's matches (not one ``article_story`` each), and no state to
        decode."""
        out: dict[int, tuple[Article, str | None]] = {}
        for chunk in _chunks(sorted(set(numbers))):
            q = f"SELECT {_ARTICLE_COLS}, story FROM articles WHERE n IN ({','.join('?' * len(chunk))})"
            for row in self.db.execute(q, list(chunk)):
                out[row[0]] = (_article(row), row[9])
        return out

    def put_pairs(self, rows: Sequence[PairRow], passages: dict[tuple[int, int], Sequence[Passage]]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO pairs(a, b, copy, story, story_score, reuse, scores, disguises)"
            " VALUES (?,?,?,?,?,?,?,?)",
            [(a, b, c, s, ss, r, json.dumps({k: round(v, 5) for k, v in sc.items()}, separators=(",", ":")),
              _dump_disguises(c, dg))
             for a, b, c, s, ss, r, sc, dg in rows],
        )
        for (a, b), ps in passages.items():
            self.db.execute("DELETE FROM passages WHERE a = ? AND b = ?", (a, b))
            self.db.executemany(
                "INSERT INTO passages(a, b, kind, score, a_start, a_end, b_start, b_end) VALUES (?,?,?,?,?,?,?,?)",
                [(a, b, p.kind, p.score, p.a_start, p.a_end, p.b_start, p.b_end) for p in ps],
            )

    def copy_pairs_lacking_disguises(self, limit: int) -> list[tuple[int, int, str]]:
        if self._disguises_col == "NULL":
            return []
        return self.db.execute("SELECT a, b, copy FROM pairs WHERE copy != 'none' AND disguises IS NULL"
                               " ORDER BY a, b LIMIT ?", (limit,)).fetchall()

    def stored_passages(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[Passage]]:
        return {(a, b): self._pair_passages(a, b) for a, b in pairs}

    def _pair_passages(self, a: int, b: int) -> list[Passage]:
        """A stored pair's passages as stored (a's side first), in a's order."""
        rows = self.db.execute("SELECT kind, score, a_start, a_end, b_start, b_end FROM passages"
                               " WHERE a = ? AND b = ? ORDER BY a_start", (a, b)).fetchall()
        return [Passage(a0, a1, b0, b1, kind, score) for kind, score, a0, a1, b0, b1 in rows]

    def put_disguises(self, rows: Sequence[tuple[int, int, str, tuple[tuple[Disguise, ...], tuple[Disguise, ...]]]]) -> None:
        self.db.executemany("UPDATE pairs SET disguises = ? WHERE a = ? AND b = ?",
                            [(_dump_disguises(c, found), a, b) for a, b, c, found in rows])

    def exact_pairs_after(self, after: tuple[int, int], limit: int) -> list[tuple[int, int]]:
        return self.db.execute("SELECT a, b FROM pairs WHERE copy = 'exact' AND (a > ? OR (a = ? AND b > ?))"
                               " ORDER BY a, b LIMIT ?", (after[0], after[0], after[1], limit)).fetchall()

    def set_copy(self, rows: Sequence[tuple[int, int, str]]) -> None:
        self.db.executemany("UPDATE pairs SET copy = ? WHERE a = ? AND b = ?", [(c, a, b) for a, b, c in rows])

    def linked(self, numbers: Iterable[int], with_kinds: bool = False) -> list[tuple]:
        out: list[tuple] = []
        ns = sorted(set(numbers))
        cols = "a, b, copy, story" + (f", {self._disguises_col.removeprefix('p.')}" if with_kinds else "")
        for chunk in _chunks(ns):
            marks = ",".join("?" * len(chunk))
            q = f"SELECT {cols} FROM pairs WHERE a IN ({marks}) UNION SELECT {cols} FROM pairs WHERE b IN ({marks})"
            rows = self.db.execute(q, list(chunk) * 2)
            if with_kinds:
                rows = ((a, b, c, s, *_load_kinds(c, dg)) for a, b, c, s, dg in rows)
            out.extend(rows)
        return out

    def story_members(self, numbers: Iterable[int]) -> set[int]:
        """All members of the stories these articles currently belong to."""
        ns = sorted(set(numbers))
        stories: set[str] = set()
        for chunk in _chunks(ns):
            q = f"SELECT DISTINCT story FROM articles WHERE n IN ({','.join('?' * len(chunk))}) AND story IS NOT NULL"
            stories.update(r[0] for r in self.db.execute(q, list(chunk)))
        out: set[int] = set(ns)
        for chunk in _chunks(sorted(stories)):
            q = f"SELECT n FROM articles WHERE story IN ({','.join('?' * len(chunk))})"
            out.update(r[0] for r in self.db.execute(q, list(chunk)))
        return out

    def replace_stories(self, old_members: Iterable[int], stories: Sequence[tuple[Story, list[int]]]) -> None:
        ns = sorted(set(old_members))
        old: set[str] = set()
        for chunk in _chunks(ns):
            q = f"SELECT DISTINCT story FROM articles WHERE n IN ({','.join('?' * len(chunk))}) AND story IS NOT NULL"
            old.update(r[0] for r in self.db.execute(q, list(chunk)))
        self.db.executemany("DELETE FROM stories WHERE id = ?", [(s,) for s in sorted(old)])
        for story, members in stories:
            self.db.execute(
                "INSERT OR REPLACE INTO stories(id, headline, size, first, first_site, first_published, last_published,"
                " sites, reprint_groups, members) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (story.id, story.headline, story.size, story.first, story.first_site, story.first_published,
                 story.last_published, json.dumps(list(story.sites)),
                 json.dumps([list(g) for g in story.reprint_groups]), json.dumps(list(story.members))),
            )
            self.db.executemany("UPDATE articles SET story = ? WHERE n = ?", [(story.id, n) for n in members])

    # reading -----------------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def story_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM stories").fetchone()[0])

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute(f"SELECT {_ARTICLE_COLS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def article_story(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT story FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def stories(self, *, limit: int | None = None, offset: int = 0, search: str | None = None,
                site: str | None = None, since: str | None = None, until: str | None = None,
                order: str = "size", min_size: int = 1) -> list[Story]:
        where: list[str] = []
        args: list[Any] = []
        if min_size > 1:
            where.append("s.size >= ?")
            args.append(int(min_size))
        if search:
            for word in search.split():
                where.append("(s.headline LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM articles x WHERE x.story = s.id"
                             " AND x.title LIKE ? ESCAPE '\\'))")
                pat = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                args += [pat, pat]
        if site:
            where.append("EXISTS (SELECT 1 FROM articles x WHERE x.story = s.id AND x.site = ?)")
            args.append(site)
        if since:
            # A story dated by day only (no time known) that day counts from a time within it, as ``until``
            # takes a day whole: "2020-03-01" sorts before "2020-03-01T00:00:00Z" as text.
            where.append("(s.last_published >= ? OR (length(s.last_published) = 10 AND s.last_published >= ?))")
            args += [since, since[:10]]
        if until:
            where.append("s.first_published <= ?")
            args.append(until + "\uffff" if len(until) == 10 else until)
        orders = {
            "size": "s.size DESC, s.last_published DESC, s.id",
            "recent": "s.last_published DESC, s.size DESC, s.id",
            "oldest": "s.first_published ASC, s.id",
        }
        if order not in orders:
            raise StorytraceError(f"order must be one of {sorted(orders)}, got {order!r}")
        q = ("SELECT s.id, s.headline, s.size, s.first, s.first_site, s.first_published, s.last_published, s.sites,"
             " s.reprint_groups, s.members FROM stories s")
        if where:
            q += " WHERE " + " AND ".join(where)
        q += " ORDER BY " + orders[order]
        if limit is not None or offset:
            q += " LIMIT ? OFFSET ?"
            args += [-1 if limit is None else int(limit), int(offset)]  # SQLite: a negative limit is none
        return [_story(r) for r in self.db.execute(q, args)]

    def story(self, story_id: str) -> Story | None:
        row = self.db.execute(
            "SELECT id, headline, size, first, first_site, first_published, last_published, sites, reprint_groups,"
            " members FROM stories WHERE id = ?", (story_id,)).fetchone()
        return _story(row) if row else None

    def pairs(self, *, copy: str | None = None, story: str | None = None, article_id: str | None = None,
              limit: int | None = None, offset: int = 0) -> Iterator[Relation]:
        where: list[str] = []
        args: list[Any] = []
        if copy:
            where.append("p.copy = ?")
            args.append(copy)
        if story:
            where.append("p.story = ?")
            args.append(story)
        if article_id:
            where.append("(x.id = ? OR y.id = ?)")
            args += [article_id, article_id]
        q = (f"SELECT x.id, y.id, p.copy, p.story, p.scores, x.published, y.published, {self._disguises_col}"
             " FROM pairs p JOIN articles x ON x.n = p.a JOIN articles y ON y.n = p.b")
        if where:
            q += " WHERE " + " AND ".join(where)
        q += " ORDER BY p.a, p.b LIMIT ? OFFSET ?"  # paged here: a skipped row is never decoded
        args += [-1 if limit is None else limit, offset]
        for a, b, c, s, sc, pa, pb, dg in self.db.execute(q, args):
            earlier = None
            if pa and pb and pa != pb:
                earlier = "a" if pa < pb else "b"
            da, db = _load_disguises(c, dg)
            yield Relation(a=a, b=b, copy=c, story=s, scores=json.loads(sc), earlier=earlier,
                           disguises_a=da, disguises_b=db)

    def passages(self, a_id: str, b_id: str) -> list[Passage] | None:
        na, nb = self.number_of(a_id), self.number_of(b_id)
        if na is None or nb is None:
            return None
        if na > nb:
            return [Passage(p.b_start, p.b_end, p.a_start, p.a_end, p.kind, p.score) for p in self._pair_passages(nb, na)]
        return self._pair_passages(na, nb)

    def iter_passages(self) -> Iterator[dict[str, Any]]:
        """Every stored passage with the two article ids, in pair order."""
        q = ("SELECT x.id, y.id, p.kind, p.score, p.a_start, p.a_end, p.b_start, p.b_end FROM passages p"
             " JOIN articles x ON x.n = p.a JOIN articles y ON y.n = p.b ORDER BY p.a, p.b, p.a_start, p.rowid")
        for a, b, kind, score, a0, a1, b0, b1 in self.db.execute(q):
            yield {"a": a, "b": b, "kind": kind, "score": score, "a_start": a0, "a_end": a1, "b_start": b0,
                   "b_end": b1}

    def site_counts(self) -> dict[str, int]:
        """Articles per site ("" for articles with no known site)."""
        return {r[0]: r[1] for r in self.db.execute(
            "SELECT coalesce(site, ''), count(*) FROM articles GROUP BY coalesce(site, '')")}

    def copy_pair_rows(self) -> Iterator[CopyPairRow]:
        """(site, published, number, disguise kinds) of both articles of every stored copy pair (exact, near,
        partial); the kinds are None where the pair was stored before disguises were."""
        return self._copy_rows("site", ("exact", "near", "partial"))

    def version(self) -> tuple[int, int]:
        # data_version moves when another connection commits, total_changes when this one writes
        return int(self.db.execute("PRAGMA data_version").fetchone()[0]), self.db.total_changes

    def copy_links(self, kinds: Sequence[str]) -> Iterator[CopyPairRow]:
        return self._copy_rows("id", kinds)

    def _copy_rows(self, column: str, kinds: Sequence[str]) -> Iterator[CopyPairRow]:
        """(``column``, published, number, disguise kinds) of both articles of each pair of these copy kinds."""
        marks = ", ".join("?" * len(kinds))
        q = (f"SELECT x.{column}, x.published, p.a, y.{column}, y.published, p.b, p.copy, {self._disguises_col}"
             f" FROM pairs p JOIN articles x ON x.n = p.a JOIN articles y ON y.n = p.b WHERE p.copy IN ({marks})")
        for col_a, pub_a, a, col_b, pub_b, b, c, dg in self.db.execute(q, list(kinds)):
            kinds_a, kinds_b = _load_kinds(c, dg)
            yield (col_a, pub_a, a, kinds_a, col_b, pub_b, b, kinds_b)

    def iter_articles(self) -> Iterator[tuple[Article, str | None]]:
        for row in self.db.execute(f"SELECT {_ARTICLE_COLS}, story FROM articles ORDER BY n"):
            yield _article(row), row[9]

    def any_text(self, predicate: Callable[[str], bool]) -> bool:
        # In SQL, so that only a bool per row reaches Python rather than every article built as an object. The
        # predicate reads what storytrace keys: headline and body (Article.content).
        self.db.create_function("storytrace_match", 2,
                                lambda title, text: bool(predicate(Article(text=text, title=title or "").content)),
                                deterministic=True)
        return self.db.execute("SELECT 1 FROM articles WHERE storytrace_match(title, text) LIMIT 1").fetchone() is not None

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def close(self) -> None:
        self.db.close()
