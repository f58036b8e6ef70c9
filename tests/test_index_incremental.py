"""An index is the same however its articles arrive: one scan, many batches, many scans, a process pool,
or a scan that was interrupted and run again."""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

import storytrace.index as index_module
from storytrace import Index
from storytrace.engine import LocalEngine
from storytrace.index import EXACT_CHECK, WORD_KEYS
from storytrace.ingest import read_paths
from storytrace.model import Article
from storytrace.synth import misread

ROOT = Path(__file__).resolve().parents[1]


def _corpus() -> list[Article]:
    seeds = [a for a in read_paths([ROOT / "data" / "seeds"]) if isinstance(a, Article)]
    wiki = []
    with gzip.open(ROOT / "data" / "wikinews-sample" / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= 45:
                break
            d = json.loads(line)
            wiki.append(Article(text=d["text"], title=d.get("title") or "", id=f"w{i}",
                                published=d.get("published") or d.get("date"), site="wikinews.org"))
    made = []
    for i, a in enumerate(wiki[:12]):
        paras = a.text.split("\n\n")
        if i % 3 == 0:
            made.append(replace(a, id=f"copy{i}", site="reprints.example"))
        elif i % 3 == 1:
            # (no shared trailer: lines repeated on one site are boilerplate, removed per batch)
            made.append(replace(a, id=f"part{i}", site=f"farm{i}.example",
                                text="\n\n".join(paras[: max(1, len(paras) // 2)])))
        else:
            made.append(replace(a, id=f"edit{i}", site="spin.example", text=a.text.replace(" the ", " the very ")))
    # Scans with letters misread (storytrace.misread), some sharing no shingle band with their source: their
    # same-story pairs are aligned too (Index._same_story_rows), in whichever batch or process they land.
    made += [replace(a, id=f"scan{i}", site="paper.example", text=misread(a.text, random.Random(i), 0.06),
                     title=misread(a.title, random.Random(i), 0.06)) for i, a in enumerate(wiki[12:18], 12)]
    # German and Portuguese reports, a half copy and retellings: texts keyed in their own language
    # (storytrace.language), in whichever batch or process they land.
    others = [a for a in read_paths(sorted((ROOT / "tests" / "fixtures" / "multilingual").glob("[dp][et]_*.txt")))
              if isinstance(a, Article)]
    # Interleave so that copies land in other batches than their sources.
    out = seeds + wiki + others
    for k, m in enumerate(made):
        out.insert(min(len(out), 5 + 4 * k), m)
    return out


def _state(index: Index) -> tuple:
    stories = sorted((s.id, s.headline, s.members, s.reprint_groups, s.first, s.sites) for s in index.stories())
    pairs = [(r.a, r.b, r.copy, r.story, r.earlier, json.dumps(r.scores, sort_keys=True)) for r in index.pairs()]
    passages = list(index.store.iter_passages())
    membership = {a.id: story for a, story in index.store.iter_articles()}
    return stories, pairs, passages, membership


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    return _corpus()


@pytest.fixture(scope="module")
def one_go(corpus: list[Article]) -> tuple:
    with Index(":memory:", engine=LocalEngine(1)) as index:
        report = index.add(corpus)
        assert report.added == len(corpus)
        state = _state(index)
    assert state[1] and any(p[2] != "none" for p in state[1]), "the corpus should have copies"
    assert any(len(s[2]) > 1 for s in state[0])
    return state


def test_small_batches_give_the_same_index(corpus, one_go, monkeypatch) -> None:
    monkeypatch.setattr(index_module, "BATCH_SIZE", 7)
    with Index(":memory:", engine=LocalEngine(1)) as index:
        index.add(corpus)
        assert _state(index) == one_go


def test_several_scans_give_the_same_index(corpus, one_go, tmp_path) -> None:
    db = tmp_path / "inc.db"
    cuts = [0, 10, 11, 40, len(corpus)]
    for lo, hi in zip(cuts, cuts[1:]):
        with Index(db, engine=LocalEngine(1)) as index:
            index.add(corpus[lo:hi])
    with Index(db, readonly=True) as index:
        assert index.count() == len(corpus)
        assert _state(index) == one_go


def test_scanning_twice_adds_nothing(corpus, one_go, tmp_path) -> None:
    db = tmp_path / "twice.db"
    with Index(db, engine=LocalEngine(1)) as index:
        index.add(corpus)
        again = index.add(corpus)
        assert again.added == 0 and again.pairs == 0
        assert again.unchanged == len(corpus)
        assert _state(index) == one_go


def test_process_pool_gives_the_same_index(corpus, one_go) -> None:
    engine = LocalEngine(2, min_items=2)
    try:
        with Index(":memory:", engine=engine) as index:
            index.add(corpus)
            assert engine._pool is not None  # the pool really ran
            assert _state(index) == one_go
    finally:
        engine.close()


def test_interrupted_scan_resumes_to_the_same_index(corpus, one_go, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(index_module, "BATCH_SIZE", 9)
    db = tmp_path / "crash.db"
    real = Index._recluster
    calls = {"n": 0}

    def crashing(self, numbers):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("power cut in batch 3")
        return real(self, numbers)

    monkeypatch.setattr(Index, "_recluster", crashing)
    with Index(db, engine=LocalEngine(1)) as index:
        with pytest.raises(KeyboardInterrupt):
            index.add(corpus)
    monkeypatch.setattr(Index, "_recluster", real)
    with Index(db, readonly=True) as index:
        assert index.count() == 18  # two whole batches committed, the third rolled back
    with Index(db, engine=LocalEngine(1)) as index:
        report = index.add(corpus)
        assert report.added == len(corpus) - 18 and report.unchanged == 18
        assert _state(index) == one_go


def test_bulk_exact_lookup_matches_per_article(corpus) -> None:
    with Index(":memory:", engine=LocalEngine(1)) as index:
        index.add(corpus[:30])
        exacts = [r[0] for r in index.store.db.execute("SELECT exact FROM articles")]
        bulk = index.store.exact_postings(exacts + [12345])
        for e in exacts:
            assert sorted(bulk[e]) == sorted(index.store.exact_matches(e))
        assert 12345 not in bulk


def test_pool_with_fingerprints_ahead_resumes_and_skips_repeats(corpus, one_go, tmp_path, monkeypatch) -> None:
    """With a pool the next batch is fingerprinted while this one is stored: an id repeated in the next
    batch, and a crash mid-scan, must still give the one-go index."""
    monkeypatch.setattr(index_module, "BATCH_SIZE", 9)
    db = tmp_path / "pool.db"
    engine = LocalEngine(2, min_items=2)
    real = Index._recluster
    calls = {"n": 0}

    def crashing(self, numbers):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("worker lost in batch 4")
        return real(self, numbers)

    try:
        monkeypatch.setattr(Index, "_recluster", crashing)
        with Index(db, engine=engine) as index:
            with pytest.raises(RuntimeError):
                index.add(corpus)
        monkeypatch.setattr(Index, "_recluster", real)
        with Index(db, engine=engine) as index:
            # corpus[35] ends batch 4 (new) and starts batch 5 again, which was fingerprinted before batch 4
            # was stored: stored once, counted unchanged once.
            report = index.add(corpus[:36] + corpus[35:])
            assert report.added == len(corpus) - 27
            assert report.unchanged == 27 + 1
            assert _state(index) == one_go
    finally:
        engine.close()


def _headlines() -> list[Article]:
    """Headline-length texts: each Wikinews title, and a second telling of it with other words around
    the names, so that the pairs' plain scores sit below the threshold and only the short-text boost
    lifts them."""
    out: list[Article] = []
    with gzip.open(ROOT / "data" / "wikinews-sample" / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= 120:
                break
            title = (json.loads(line).get("title") or "").strip()
            if not title:
                continue
            out.append(Article(text=title, id=f"h{i}"))
            words = title.split()
            out.append(Article(text=" ".join(words[: max(2, len(words) // 2)]) + " reported on Monday, officials said",
                               id=f"v{i}"))
    return out


def test_short_texts_do_not_depend_on_batch_size(monkeypatch) -> None:
    """The vectorised prefilter runs only on big batches; it must keep every pair the exact score would."""
    corpus = _headlines()
    with Index(":memory:", engine=LocalEngine(1)) as index:
        index.add(corpus)
        big = _state(index)[1]
    monkeypatch.setattr(index_module, "BATCH_SIZE", 2)
    with Index(":memory:", engine=LocalEngine(1)) as index:
        index.add(corpus)
        small = _state(index)[1]
    assert any(p[3] == "same" for p in small), "the headlines should form some same-story pairs"
    assert big == small


def _to_schema_1(path) -> None:
    """Rewrite an index as storytrace wrote it before pairs had a disguises column."""
    import sqlite3

    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE pairs_v1(a INTEGER NOT NULL, b INTEGER NOT NULL, copy TEXT NOT NULL, story TEXT NOT NULL,
            story_score REAL NOT NULL, reuse REAL NOT NULL, scores TEXT NOT NULL, PRIMARY KEY(a, b)) WITHOUT ROWID;
        INSERT INTO pairs_v1 SELECT a, b, copy, story, story_score, reuse, scores FROM pairs;
        DROP TABLE pairs;
        ALTER TABLE pairs_v1 RENAME TO pairs;
        CREATE INDEX pairs_b ON pairs(b);
        UPDATE meta SET value = '1' WHERE key = 'schema';
        DELETE FROM meta WHERE key = 'disguises_named';
    """)
    db.commit()
    db.close()


def test_an_older_index_gets_its_copies_disguises_named_on_the_next_scan(tmp_path) -> None:
    from click.testing import CliRunner

    from storytrace.cli import main

    source = " ".join(f"Sentence number {n} of the report talks about the harbour of Genoa and its cranes."
                      for n in ("one", "two", "three", "four", "five", "six"))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "wire.txt").write_text(source, encoding="utf-8")
    (folder / "farm.txt").write_text(source.replace(". ", ".").replace("harbour", "hаrbour"), encoding="utf-8")
    (folder / "plain.txt").write_text(source + " It closes tonight.", encoding="utf-8")
    db = tmp_path / "old.db"
    with Index(db) as index:
        index.scan([folder])
        fresh = {(r.a, r.b): (r.disguises_a, r.disguises_b) for r in index.pairs()}
        copies = sum(1 for r in index.pairs() if r.copy != "none")
        fresh_dups = index.duplicates("near")
    assert copies >= 2
    assert any(a or b for a, b in fresh.values()), "the farm's copy should play tricks"
    _to_schema_1(db)
    with Index(db, readonly=True) as index:
        assert all(r.disguises_a is None for r in index.pairs() if r.copy != "none")
        # without disguises nothing is shown to be a copy, but the groups are the same
        old_dups = index.duplicates("near")
        assert set(old_dups) | set(old_dups.values()) == set(fresh_dups) | set(fresh_dups.values())
        assert len(old_dups) == len(fresh_dups) and index.sites()
    res = CliRunner().invoke(main, ["scan", str(folder), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert f"named the disguises of {copies} copy pairs" in res.output
    with Index(db) as index:
        assert {(r.a, r.b): (r.disguises_a, r.disguises_b) for r in index.pairs()} == fresh
        assert index.add([]).upgraded == 0  # done once
        assert index.store.get_meta("disguises_named") == "1"


def test_an_index_keyed_by_an_older_storytrace_is_named_on_scan(tmp_path) -> None:
    import sqlite3

    from click.testing import CliRunner

    from storytrace.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Syrian prime minister survives an attack in Damascus, officials say.", encoding="utf-8")
    db = tmp_path / "k.db"
    first = CliRunner().invoke(main, ["scan", str(folder), "--db", str(db)])
    assert first.exit_code == 0 and "keyed by an older storytrace" not in first.output
    with Index(db) as index:
        assert index.store.get_meta("word_keys") == WORD_KEYS and not index.older_keys
    con = sqlite3.connect(db)
    con.execute("DELETE FROM meta WHERE key = 'word_keys'")  # as an index built before word keys had versions
    con.commit()
    con.close()
    again = CliRunner().invoke(main, ["scan", str(folder), "--db", str(db)])
    assert again.exit_code == 0 and "keyed by an older storytrace" in again.output


def _mark_keys(db, version: str) -> None:
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = ? WHERE key = 'word_keys'", (version,))
    con.commit()
    con.close()


@pytest.mark.parametrize("version", ["4", "5", "6"])
def test_an_index_of_version_4_to_6_keys_with_english_text_only_is_current(tmp_path, version) -> None:
    # Versions 5 to 7 changed only how text in other scripts and other languages is keyed and weighed.
    db = tmp_path / "en.db"
    with Index(db) as index:
        index.add([Article(id="a", text="Syrian prime minister survives an attack in Damascus, officials say.")])
    _mark_keys(db, version)
    with Index(db, readonly=True) as index:
        assert index.older_keys  # a reader changes nothing
    with Index(db) as index:
        assert not index.older_keys and index.store.get_meta("word_keys") == WORD_KEYS


GERMAN = ("Das Hochwasser der Donau hat am Dienstag Tausende Menschen in Passau gezwungen, ihre Wohnungen zu "
          "verlassen. Die Feuerwehr brachte die Bewohner der Altstadt mit Booten in Sicherheit, und die Stadt "
          "richtete in mehreren Schulen Notunterkünfte ein.")


def test_a_version_6_index_is_judged_by_headline_and_body(tmp_path) -> None:
    # The body alone is too short to identify; with its headline it is German, and keyed so.
    title = "Hochwasser der Donau zwingt Tausende Menschen in der Stadt Passau zur Flucht aus ihren Wohnungen"
    body = "Die Feuerwehr brachte die Bewohner der Altstadt am Dienstag mit Booten in Sicherheit."
    db = tmp_path / "title.db"
    with Index(db) as index:
        index.add([Article(id="a", title=title, text=body)])
    _mark_keys(db, "6")
    with Index(db) as index:
        assert index.older_keys and index.store.get_meta("word_keys") == "6"


@pytest.mark.parametrize(("version", "other"), [("4", "俄罗斯总统普京周二在莫斯科会见了伊朗官员。"),
                                                ("5", "Президент России встретился в Москве с иранскими чиновниками."),
                                                ("5", GERMAN), ("6", GERMAN)])
def test_an_index_of_older_keys_holding_other_scripts_is_named_older(tmp_path, version, other) -> None:
    db = tmp_path / "other.db"
    with Index(db) as index:
        index.add([Article(id="a", text="Officials say the minister survived."), Article(id="b", text=other)])
    _mark_keys(db, version)
    with Index(db) as index:
        assert index.older_keys and index.store.get_meta("word_keys") == version


def test_an_interrupted_upgrade_keeps_what_it_named_and_finishes_on_the_next_scan(tmp_path, monkeypatch) -> None:
    import storytrace.index as index_mod

    source = " ".join(f"Sentence number {n} of the report talks about the harbour of Genoa and its cranes."
                      for n in ("one", "two", "three", "four", "five", "six"))
    db = tmp_path / "old.db"
    with Index(db) as index:
        index.add([Article(id=f"c{i}", text=source.replace("harbour", "hаrbour") + f" Copy {i}.") for i in range(3)]
                  + [Article(id="wire", text=source)])
        fresh = {(r.a, r.b): (r.disguises_a, r.disguises_b) for r in index.pairs()}
    assert len(fresh) >= 3
    _to_schema_1(db)
    monkeypatch.setattr(index_mod, "BATCH_SIZE", 1)
    calls = {"n": 0}
    real = index_mod._disguise_job

    def failing(job):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the run is stopped during the second batch
        return real(job)

    monkeypatch.setattr(index_mod, "_disguise_job", failing)
    with Index(db) as index, pytest.raises(KeyboardInterrupt):
        index.add([])
    with Index(db, readonly=True) as index:
        named = [r for r in index.pairs() if r.disguises_a is not None]
        assert len(named) == 1 and len(list(index.pairs())) == len(fresh)  # the first batch kept, no pair lost
    monkeypatch.setattr(index_mod, "_disguise_job", real)
    with Index(db) as index:
        assert index.add([]).upgraded == len(fresh) - 1
        assert {(r.a, r.b): (r.disguises_a, r.disguises_b) for r in index.pairs()} == fresh


def test_exact_copies_an_older_storytrace_stored_are_near_when_one_glues_its_sentences(tmp_path, monkeypatch) -> None:
    """An older storytrace called a copy that glues its sentences together exact; the next scan calls the
    stored pair near, as a scan today would, a batch at a time, resuming where an interrupted pass stopped."""
    import sqlite3

    from click.testing import CliRunner

    import storytrace.index as index_mod
    from storytrace.cli import main

    source = " ".join(f"Sentence number {n} of the report talks about the harbour of Genoa and its cranes."
                      for n in ("one", "two", "three", "four", "five", "six"))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "wire.txt").write_text(source, encoding="utf-8")
    (folder / "glued.txt").write_text(source.replace(". ", "."), encoding="utf-8")
    (folder / "glued2.txt").write_text(source.replace(". ", ".").replace("Genoa", "GENOA"), encoding="utf-8")
    (folder / "reprint.txt").write_text(source.replace("harbour", "HARBOUR"), encoding="utf-8")
    db = tmp_path / "old.db"
    with Index(db) as index:
        index.scan([folder])
        fresh = {(r.a, r.b): r.copy for r in index.pairs()}
    assert sorted(fresh.values()) == ["exact", "exact", "near", "near", "near", "near"]
    con = sqlite3.connect(db)  # as an older storytrace stored them: every same-words pair exact
    con.execute("UPDATE pairs SET copy = 'exact' WHERE copy = 'near'")
    con.execute("DELETE FROM meta WHERE key LIKE 'glued_exact%'")
    con.commit()
    con.close()
    monkeypatch.setattr(index_mod, "BATCH_SIZE", 2)
    real = index_mod.exact_marks
    calls = {"n": 0}

    def failing(text, *args):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt  # stopped in the second batch
        return real(text, *args)

    monkeypatch.setattr(index_mod, "exact_marks", failing)
    with Index(db) as index, pytest.raises(KeyboardInterrupt):
        index.add([])
    with Index(db, readonly=True) as index:
        first = {(r.a, r.b): r.copy for r in index.pairs()}
    assert first != fresh and len(first) == len(fresh)  # the first batch kept, no pair lost
    monkeypatch.setattr(index_mod, "exact_marks", real)
    res = CliRunner().invoke(main, ["scan", str(folder), "--db", str(db)])
    assert res.exit_code == 0, res.output
    changed = sum(1 for k in fresh if first[k] != fresh[k])
    assert f"{changed} stored exact copies are near now" in res.output
    with Index(db) as index:
        assert {(r.a, r.b): r.copy for r in index.pairs()} == fresh
        assert index.add([]).relabelled == 0 and index.store.get_meta("glued_exact_checked") == EXACT_CHECK


_DC = " ".join(f"In Washington, D.C. It rained on day {n} of the summit and I said so. I did." for n in
               ("one", "two", "three", "four"))
_GENOA = " ".join(f"Cranes at the harbour of Genoa stopped on day {n} of the dockers' strike." for n in
                  ("one", "two", "three", "four"))


@pytest.mark.parametrize(("source", "copy", "checked", "cursor"), [
    # glued only where version 1 of glued_stops did not look: before "I" and after a capital ("D.C.It"); version
    # 1 left a cursor of its own form
    (_DC, _DC.replace("D.C. It", "D.C.It").replace("so. I", "so.I"), "1", "9,9"),
    # letters in fullwidth style (ＧＥＮＯＡ), which the exact hash reads as plain ones: unchecked before ".2"
    (_GENOA, _GENOA.replace("Genoa", "\uff27\uff45\uff4e\uff4f\uff41"), "3", None),
])
def test_a_relabel_pass_done_by_an_older_check_runs_again(tmp_path, source, copy, checked, cursor) -> None:
    import sqlite3

    db = tmp_path / "old.db"
    with Index(db) as index:
        index.add([Article(id="wire", text=source), Article(id="farm", text=copy)])
        assert [r.copy for r in index.pairs()] == ["near"]
    con = sqlite3.connect(db)  # as the older version left it: exact, its own pass done
    con.execute("UPDATE pairs SET copy = 'exact'")
    con.execute("UPDATE meta SET value = ? WHERE key = 'glued_exact_checked'", (checked,))
    if cursor:
        con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('glued_exact_after', ?)", (cursor,))
    con.commit()
    con.close()
    with Index(db) as index:
        assert index.add([]).relabelled == 1 and [r.copy for r in index.pairs()] == ["near"]
        assert index.store.get_meta("glued_exact_checked") == EXACT_CHECK


def test_an_id_stored_with_another_text_is_reported_and_the_stored_text_kept(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = Article(id="x1", text="A dam burst in Ohio on Monday, flooding two towns.", origin="a.jsonl:1")
    fixed = Article(id="x1", text="CORRECTED: A dam burst in Kentucky on Monday.", origin="b.jsonl:1")
    with Index(db) as index:
        one = index.add([first, replace(first, origin="a.jsonl:2"), fixed])  # within one batch
        assert one.added == 1 and one.conflicts == ["x1 (b.jsonl:1)"]
        again = index.add([fixed])  # in a later scan
        assert again.added == 0 and again.conflicts == ["x1 (b.jsonl:1)"]
        assert index.article("x1").text == first.text
        same = index.add([first])
        assert same.conflicts == [] and same.unchanged == 1


def test_a_rescan_whose_site_lines_differ_by_batch_is_no_conflict() -> None:
    from storytrace.index import same_text

    stored = "Body line one.\nBody line two."
    assert same_text(stored, "Body line one.\nShare this: Facebook\nBody line two.")
    assert same_text("Body line one.\nShare this: Facebook\nBody line two.", stored)
    assert not same_text(stored, "Body line one.\nBody line two, corrected.")
    update = "UPDATE: " + "the toll rose overnight, the authorities said, as rescuers reached the last villages " * 3
    assert not same_text(stored, stored + "\n" + update)  # an update is news, not a site's repeated line


def test_a_hindi_quote_of_two_sentences_is_found_by_a_scan(core_dir) -> None:
    # Each danda ends a sentence, so the quoted sentences' hashes seed the pair as in English.
    folder = core_dir.parent / "multilingual"
    with Index(":memory:") as index:
        index.scan([folder / "hi_flood.txt", folder / "hi_quotes_flood.txt"])
        (rel,) = index.pairs()
        assert rel.copy == "partial"
