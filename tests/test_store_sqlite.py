"""The SQLite store behind the index: schema, transactions, postings, pairs and passages, filters."""

from __future__ import annotations

import zlib
import sqlite3
from pathlib import Path

import pytest

from storytrace import Article, Passage, Story, StorytraceError
from storytrace.model import Disguise
from storytrace.store import SQLiteStore, open_store


def state(exact: int = 1, n_words: int = 3) -> dict:
    return {"exact": exact, "n_words": n_words, "body": {"x": 1.0}, "entities": {}, "title": {}, "block": []}


def art(id: str, *, site: str | None = None, published: str | None = None, title: str = "") -> Article:
    return Article(text=f"text of {id}", id=id, site=site, published=published, title=title)


def insert(store: SQLiteStore, *articles: Article, bands=(), sents=(), terms=(), exact: int | None = None) -> list[int]:
    rows = [(a, state(exact if exact is not None else zlib.crc32(a.id.encode()) % 1000), list(bands), list(sents), list(terms), None)
            for a in articles]
    with store.transaction():
        return store.insert_articles(rows)


@pytest.fixture(params=["memory", "file"])
def store(request, tmp_path: Path):
    s = open_store(":memory:" if request.param == "memory" else tmp_path / "s.db")
    yield s
    s.close()


def test_new_store_has_schema_and_meta(store: SQLiteStore) -> None:
    assert store.get_meta("schema") == "2"
    assert store.count() == 0 and store.story_count() == 0
    store.set_meta("k", "v")
    store.set_meta("k", "w")
    assert store.get_meta("k") == "w"
    assert store.get_meta("missing") is None


def test_file_store_uses_wal(tmp_path: Path) -> None:
    s = open_store(tmp_path / "w.db")
    assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    s.close()


def test_articles_round_trip(store: SQLiteStore) -> None:
    a = Article(text="Body\n\nmore", id="a1", title="T", url="https://x.example/1", site="x.example",
                author="Jo", published="2020-01-01", origin="f.txt:1")
    numbers = insert(store, a, art("a2"), exact=42)
    assert len(numbers) == 2 and numbers[0] != numbers[1]
    assert store.article("a1") == a
    assert store.article("nope") is None
    assert store.existing(["a1", "a2", "zz"]) == {"a1", "a2"}
    assert store.number_of("a2") == numbers[1]
    assert store.number_of("zz") is None
    assert sorted(store.exact_matches(42)) == sorted(numbers)
    loaded = store.load(numbers)
    assert loaded[numbers[0]][1] == a and loaded[numbers[0]][2]["exact"] == 42
    assert store.count() == 2


def test_duplicate_id_is_refused(store: SQLiteStore) -> None:
    insert(store, art("a1"))
    with pytest.raises(sqlite3.IntegrityError):
        insert(store, art("a1"))
    assert store.count() == 1


def test_transaction_rolls_back_on_error(store: SQLiteStore) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.insert_articles([(art("a1"), state(), [], [], [], None)])
            raise RuntimeError("interrupted")
    assert store.count() == 0
    insert(store, art("a2"))
    assert store.count() == 1


def test_postings_and_candidates(store: SQLiteStore) -> None:
    n1, = insert(store, art("a1"), bands=[10, 11], sents=[20], terms=[30, 31])
    n2, = insert(store, art("a2"), bands=[10], sents=[20, 21], terms=[30])
    assert store.key_postings("bands", [10, 11, 99], 10) == {10: [n1, n2], 11: [n1]}
    # a key shared by more articles than the limit seeds nothing
    assert store.key_postings("bands", [10, 11], 1) == {11: [n1]}
    found = store.candidates([10, 11], [20, 21], [30, 31], 10)
    assert found["bands"] == {n1: 2, n2: 1}
    assert found["sentences"] == {n1: 1, n2: 2}
    assert found["terms"] == {n1: 2, n2: 1}
    with pytest.raises(ValueError):
        store.key_postings("articles; DROP TABLE articles", [1], 10)


def test_pairs_passages_and_links(store: SQLiteStore) -> None:
    n1, n2, n3 = insert(store, art("a1", site="x.example", published="2020-01-01"),
                        art("a2", site="y.example", published="2020-01-02"), art("a3", site="y.example"))
    p = Passage(0, 5, 10, 15, "verbatim", 1.0)
    with store.transaction():
        store.put_pairs([(n1, n2, "near", "same", 0.9, 0.95, {"story": 0.9, "reuse": 0.95}, LOOKALIKE),
                         (n2, n3, "none", "same", 0.4, 0.0, {"story": 0.4}, None)], {(n1, n2): [p]})
    rels = list(store.pairs())
    assert [(r.a, r.b, r.copy, r.story) for r in rels] == [("a1", "a2", "near", "same"), ("a2", "a3", "none", "same")]
    assert rels[0].earlier == "a" and rels[1].earlier is None
    assert rels[0].scores == {"story": 0.9, "reuse": 0.95}
    # a copy's disguises read back as written; a pair that is no copy has none
    assert (rels[0].disguises_a, rels[0].disguises_b) == LOOKALIKE
    assert (rels[1].disguises_a, rels[1].disguises_b) == ((), ())
    assert [r.b for r in store.pairs(copy="near")] == ["a2"]
    assert [r.b for r in store.pairs(article_id="a3")] == ["a3"]
    assert list(store.pairs(story="different")) == []
    # passages come back in the order the ids are asked for
    assert store.passages("a1", "a2") == [Passage(0, 5, 10, 15, "verbatim", 1.0)]
    assert store.passages("a2", "a1") == [Passage(10, 15, 0, 5, "verbatim", 1.0)]
    assert store.passages("a1", "zz") is None
    assert sorted(store.linked([n2])) == [(n1, n2, "near", "same"), (n2, n3, "none", "same")]
    # what the site copy network is counted from: articles per site, and both ends of each copy pair
    assert store.site_counts() == {"x.example": 1, "y.example": 2}
    assert list(store.copy_pair_rows()) == [("x.example", "2020-01-01", n1, (), "y.example", "2020-01-02", n2,
                                             ("lookalike_letters",))]


LOOKALIKE = ((), (Disguise("lookalike_letters", 2, ("Mоscow", "Rоme")),))


def _version_1_file(path: Path) -> tuple[int, int]:
    """An index as storytrace wrote it before pairs had a disguises column: one copy pair in it."""
    w = open_store(path)
    n1, n2 = insert(w, art("a1", site="x.example", published="2020-01-01"),
                    art("a2", site="y.example", published="2020-01-02"))
    w.close()
    db = sqlite3.connect(path)
    db.executescript("""
        DROP TABLE pairs;
        CREATE TABLE pairs(a INTEGER NOT NULL, b INTEGER NOT NULL, copy TEXT NOT NULL, story TEXT NOT NULL,
            story_score REAL NOT NULL, reuse REAL NOT NULL, scores TEXT NOT NULL, PRIMARY KEY(a, b)) WITHOUT ROWID;
        UPDATE meta SET value = '1' WHERE key = 'schema';
    """)
    db.execute("INSERT INTO pairs VALUES (?, ?, 'near', 'same', 0.9, 0.9, '{\"story\":0.9}')", (n1, n2))
    db.commit()
    db.close()
    return n1, n2


def test_version_1_file_reads_its_copies_as_not_looked_at(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    n1, n2 = _version_1_file(path)
    r = open_store(path, readonly=True)  # a reader leaves the file as it is
    rel = next(r.pairs())
    assert (rel.copy, rel.disguises_a, rel.disguises_b) == ("near", None, None)
    assert list(r.copy_pair_rows()) == [("x.example", "2020-01-01", n1, None, "y.example", "2020-01-02", n2, None)]
    assert r.get_meta("schema") == "1"
    r.close()


def test_version_1_file_gains_the_disguises_column_when_opened_to_write(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    n1, n2 = _version_1_file(path)
    w = open_store(path)
    assert w.get_meta("schema") == "2"
    (n3,) = insert(w, art("a3", site="z.example", published="2020-01-03"))
    with w.transaction():
        w.put_pairs([(n2, n3, "near", "same", 0.9, 0.9, {"story": 0.9}, LOOKALIKE)], {})
    rels = {(r.a, r.b): r for r in w.pairs()}
    assert rels[("a1", "a2")].disguises_a is None  # stored before: not looked for, and nothing lost
    assert rels[("a1", "a2")].scores == {"story": 0.9}
    assert (rels[("a2", "a3")].disguises_a, rels[("a2", "a3")].disguises_b) == LOOKALIKE
    w.close()


def test_pairs_upsert(store: SQLiteStore) -> None:
    n1, n2 = insert(store, art("a1"), art("a2"))
    with store.transaction():
        store.put_pairs([(n1, n2, "partial", "same", 0.5, 0.2, {"story": 0.5}, None)], {})
    with store.transaction():
        store.put_pairs([(n1, n2, "near", "same", 0.9, 0.9, {"story": 0.9}, ((), ()))], {})
    assert [(r.copy, r.scores["story"]) for r in store.pairs()] == [("near", 0.9)]


def _story(id: str, members: list[str], headline: str, first_published: str | None, last: str | None,
           sites: tuple[str, ...] = ()) -> Story:
    return Story(id=id, headline=headline, members=tuple(members), first=members[0], first_site=None,
                 first_published=first_published, last_published=last, sites=sites)


def test_stories_filters_and_order(store: SQLiteStore) -> None:
    n = insert(store, art("a1", site="x.example", title="Flood in Dhaka"), art("a2", site="y.example"),
               art("a3", site="y.example", title="Quake hits Lima"), art("a4", title="Tax_evasion 100% case"))
    s1 = _story("s1", ["a1", "a2"], "Flood in Dhaka", "2020-01-01", "2020-01-05")
    s2 = _story("s2", ["a3"], "Quake hits Lima", "2020-03-01", "2020-03-01T10:00:00Z")
    s3 = _story("s3", ["a4"], "Tax_evasion 100% case", "2019-06-01", "2019-06-01")
    with store.transaction():
        store.replace_stories(n, [(s1, n[:2]), (s2, [n[2]]), (s3, [n[3]])])
    assert store.story_count() == 3
    assert store.story("s1") == s1
    assert store.story("nope") is None
    assert store.article_story("a2") == "s1"
    assert [s.id for s in store.stories()] == ["s1", "s2", "s3"]              # size, then most recent
    assert [s.id for s in store.stories(order="recent")] == ["s2", "s1", "s3"]
    assert [s.id for s in store.stories(order="oldest")] == ["s3", "s1", "s2"]
    assert [s.id for s in store.stories(limit=1, offset=1)] == ["s2"]
    assert [s.id for s in store.stories(search="dhaka")] == ["s1"]
    assert [s.id for s in store.stories(search="flood dhaka")] == ["s1"]
    assert [s.id for s in store.stories(search="flood lima")] == []
    assert [s.id for s in store.stories(site="y.example")] == ["s1", "s2"]
    assert [s.id for s in store.stories(since="2020-02-01")] == ["s2"]
    assert [s.id for s in store.stories(until="2020-01-01")] == ["s1", "s3"]   # a date includes its whole day
    assert [s.id for s in store.stories(until="2020-03-01")] == ["s1", "s2", "s3"]
    # LIKE wildcards typed by a user are literal characters
    assert [s.id for s in store.stories(search="%")] == ["s3"]
    assert [s.id for s in store.stories(search="Tax_")] == ["s3"]
    assert [s.id for s in store.stories(search="a_")] == []
    with pytest.raises(StorytraceError):
        store.stories(order="size; DROP TABLE stories")


def test_replace_stories_removes_the_old_ones(store: SQLiteStore) -> None:
    n = insert(store, art("a1"), art("a2"))
    with store.transaction():
        store.replace_stories(n, [(_story("s1", ["a1"], "A", None, None), [n[0]]),
                                  (_story("s2", ["a2"], "B", None, None), [n[1]])])
    merged = _story("s3", ["a1", "a2"], "A", None, None)
    with store.transaction():
        store.replace_stories(n, [(merged, n)])
    assert [s.id for s in store.stories()] == ["s3"]
    assert store.story_members([n[0]]) == set(n)


def test_iter_articles_in_insertion_order(store: SQLiteStore) -> None:
    insert(store, art("b"), art("a"))
    assert [a.id for a, _ in store.iter_articles()] == ["b", "a"]


def test_readonly_store(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    w = open_store(path)
    insert(w, art("a1"))
    r = open_store(path, readonly=True)
    assert r.readonly and r.count() == 1
    with pytest.raises(sqlite3.OperationalError):
        r.set_meta("k", "v")
    # a reader sees what the writer commits later (WAL)
    insert(w, art("a2"))
    assert r.count() == 2
    r.close()
    w.close()


def test_readonly_store_of_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StorytraceError, match="no index"):
        open_store(tmp_path / "missing.db", readonly=True)
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize("readonly", [False, True])
def test_not_a_database(tmp_path: Path, readonly: bool) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database " * 100)
    with pytest.raises(StorytraceError, match="not a storytrace index"):
        open_store(path, readonly=readonly)


def test_stored_states_read_back_as_json_wrote_them() -> None:
    """States are written with orjson where it writes the same numbers, else with json (NaN, infinity,
    integers over 64 bits); either way they read back equal, in the same key order."""
    import json
    import math

    from storytrace.store.sqlite import _dumps, _loads

    state = {"exact": 18446744073709551615, "n_words": 3, "body": {"ü": 0.1 + 0.2, "b": 1e-05},
             "entities": {}, "title": {"x": 1.0}, "block": ["ü", "b"]}
    text = _dumps(state)
    assert _loads(text) == state and list(_loads(text)["body"]) == ["ü", "b"]
    for odd in ({"body": {"a": float("nan")}}, {"body": {"a": float("inf")}}, {"exact": 2 ** 70},
                {"block": [["x", float("-inf")]]}):
        text = _dumps(odd)
        assert text == json.dumps(odd, separators=(",", ":"))
        back = _loads(text)
        if "body" in odd:
            v = back["body"]["a"]
            assert math.isnan(v) if math.isnan(odd["body"]["a"]) else v == odd["body"]["a"]
