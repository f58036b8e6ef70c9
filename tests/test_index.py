"""The Index: add/scan, stories, pairs, query, export, read-only use, in memory and in a file."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from storytrace import Article, ConfigError, Index, NotFound, Settings, StorytraceError, compare
from storytrace.ingest import make_id

BRIDGE = ["bridge_original", "bridge_exact", "bridge_reprint", "bridge_partial", "bridge_rewrite"]


@pytest.fixture(params=["memory", "file"])
def index(request, memory_index: Index, file_index: Index) -> Index:
    return memory_index if request.param == "memory" else file_index


@pytest.fixture
def full(index: Index, core) -> Index:
    index.add(core.values())
    return index


def snapshot(index: Index) -> tuple:
    return (index.count(), [s.to_dict() for s in index.stories()],
            [(r.a, r.b, r.copy, r.story) for r in index.pairs()])


# -- adding ----------------------------------------------------------------------------------------

def test_add_reports_counts(index: Index, core) -> None:
    report = index.add(core.values())
    assert report.read == len(core) == report.added
    assert report.unchanged == 0 and report.skipped == 0 and report.errors == []
    assert report.pairs > 0
    assert report.stories == len(index.stories())
    assert index.count() == len(core)


def test_add_is_idempotent(index: Index, core) -> None:
    index.add(core.values())
    before = snapshot(index)
    again = index.add(core.values())
    assert again.added == 0 and again.unchanged == len(core) and again.pairs == 0
    assert snapshot(index) == before


def test_add_fills_in_missing_ids(index: Index, core) -> None:
    a = dataclasses.replace(core["bridge_original"], id="")
    index.add([a])
    assert index.count() == 1
    stored = index.article(make_id(a))
    assert stored.text == a.text and stored.title == a.title
    # the same text again (still without an id) is recognised
    assert index.add([a]).unchanged == 1
    assert index.count() == 1


def test_duplicates_inside_one_batch(index: Index, core) -> None:
    a = core["bridge_original"]
    report = index.add([a, a])
    assert report.added == 1 and report.unchanged == 1
    assert index.count() == 1


def test_add_accepts_a_generator(index: Index, core) -> None:
    report = index.add(a for a in core.values())
    assert report.added == len(core)


def test_memory_and_file_indexes_agree(memory_index: Index, file_index: Index, core) -> None:
    memory_index.add(core.values())
    file_index.add(core.values())
    assert snapshot(memory_index) == snapshot(file_index)


def test_file_index_persists(tmp_path: Path, core) -> None:
    path = tmp_path / "p.db"
    with Index(path) as ix:
        ix.add(core.values())
        before = snapshot(ix)
    with Index(path) as ix:
        assert snapshot(ix) == before


# -- stories ---------------------------------------------------------------------------------------

def test_stories_group_the_fixtures(full: Index, core) -> None:
    ids = {k: a.id for k, a in core.items()}
    by_member = {m: s for s in full.stories() for m in s.members}
    bridge = by_member[ids["bridge_original"]]
    assert set(bridge.members) == {ids[k] for k in BRIDGE}
    assert bridge.first == ids["bridge_original"]
    assert bridge.first_published == core["bridge_original"].published
    assert bridge.first_site == core["bridge_original"].site
    assert bridge.headline == core["bridge_original"].title
    # reprints (exact and near copies) are grouped; the partial copy and the rewrite are not reprints
    groups = [set(g) for g in bridge.reprint_groups]
    assert {ids["bridge_original"], ids["bridge_exact"], ids["bridge_reprint"]} in groups
    assert not any(ids["bridge_partial"] in g or ids["bridge_rewrite"] in g for g in groups)
    # different events are different stories
    for x, y in [("court_tax", "court_bribery"), ("quake_albania", "quake_peru"), ("bridge_original", "court_tax")]:
        assert by_member[ids[x]].id != by_member[ids[y]].id
    assert len({s.id for s in by_member.values()}) == len(full.stories())


def test_story_lookup(full: Index, core) -> None:
    sid = full.article_story(core["bridge_rewrite"].id)
    assert sid is not None and sid.startswith("s")
    story = full.story(sid)
    assert core["bridge_rewrite"].id in story.members
    # members are on a timeline
    dates = [full.article(m).published for m in story.members]
    assert dates == sorted(dates)
    with pytest.raises(NotFound):
        full.story("s000000000000")
    with pytest.raises(NotFound):
        full.article("no-such-article")
    assert full.article_story("no-such-article") is None


def test_stories_filters(full: Index, core) -> None:
    assert full.stories()[0].size == len(BRIDGE)                 # biggest first
    assert len(full.stories(limit=2)) == 2
    assert [s.headline for s in full.stories(search="Genoa")] == [core["bridge_original"].title]
    nordic = full.stories(site="nordicnews.example.com")
    assert {m for s in nordic for m in s.members} == {core["court_tax"].id, core["court_bribery"].id}
    recent = full.stories(since="2021-01-01")
    assert {m for s in recent for m in s.members} == {core["court_tax"].id, core["court_bribery"].id}
    old = full.stories(until="2018-12-31")
    assert {m for s in old for m in s.members} == {core[k].id for k in BRIDGE}
    oldest = full.stories(order="oldest")
    assert oldest[0].first == core["bridge_original"].id


def test_story_ids_are_stable_across_indexes(memory_index: Index, file_index: Index, core) -> None:
    memory_index.add(core.values())
    file_index.add(reversed(list(core.values())))
    assert sorted(s.id for s in memory_index.stories()) == sorted(s.id for s in file_index.stories())


# -- pairs -----------------------------------------------------------------------------------------

def test_pairs(full: Index, core) -> None:
    ids = {k: a.id for k, a in core.items()}
    rels = {frozenset((r.a, r.b)): r for r in full.pairs()}
    assert rels[frozenset((ids["bridge_original"], ids["bridge_exact"]))].copy == "exact"
    assert rels[frozenset((ids["bridge_original"], ids["bridge_reprint"]))].copy == "near"
    assert rels[frozenset((ids["bridge_original"], ids["bridge_partial"]))].copy == "partial"
    rw = rels[frozenset((ids["bridge_original"], ids["bridge_rewrite"]))]
    assert (rw.copy, rw.story) == ("none", "same")
    assert frozenset((ids["court_tax"], ids["court_bribery"])) not in rels
    assert frozenset((ids["quake_albania"], ids["quake_peru"])) not in rels
    for r in full.pairs():
        assert r.related and "story" in r.scores and r.passages == ()
        a, b = full.article(r.a), full.article(r.b)
        if a.published != b.published:
            assert r.earlier == ("a" if a.published < b.published else "b")
    assert {r.copy for r in full.pairs(copy="near")} == {"near"}
    assert all(ids["bridge_partial"] in (r.a, r.b) for r in full.pairs(article_id=ids["bridge_partial"]))
    assert len(list(full.pairs(article_id=ids["bridge_partial"]))) == len(BRIDGE) - 1
    assert list(full.pairs(story="different")) == []
    with pytest.raises(ConfigError):
        full.pairs(copy="most")
    with pytest.raises(ConfigError):
        full.pairs(story="similar")


def test_relations_and_pair(full: Index, core) -> None:
    a, b = core["bridge_original"], core["bridge_partial"]
    rels = full.relations(a.id)
    assert len(rels) == len(BRIDGE) - 1
    assert all(a.id in (r.a, r.b) for r in rels)
    with pytest.raises(NotFound):
        full.relations("no-such-article")
    rel = full.pair(a.id, b.id)
    assert rel.copy == "partial"
    verbatim = [p for p in rel.passages if p.kind == "verbatim"]
    assert len(verbatim) == 2
    for p in verbatim:
        assert a.content[p.a_start:p.a_end] == p.a_text == b.content[p.b_start:p.b_end]


def test_sites(full: Index, core) -> None:
    sites = {s["site"]: s for s in full.sites()}
    assert sites["wire.example.com"]["articles"] == 3
    # the reprint site copied from the earlier wire report
    assert sites["dailyregister.example.net"]["copied_from"].get("wire.example.com") == 1
    assert sites["wire.example.com"]["copied_from"] == {}


# -- query -----------------------------------------------------------------------------------------

def test_query_finds_copies_and_stores_nothing(full: Index, core) -> None:
    before = snapshot(full)
    src = core["bridge_reprint"]
    matches = full.query(Article(text=src.text, title=src.title, id="q"))
    assert snapshot(full) == before
    by_id = {m.article.id: m for m in matches}
    assert set(by_id) == {core[k].id for k in BRIDGE}
    assert by_id[src.id].relation.copy == "exact"
    assert by_id[core["bridge_original"].id].relation.copy == "near"
    assert by_id[core["bridge_partial"].id].relation.copy == "partial"
    assert by_id[core["bridge_rewrite"].id].relation.copy == "none"
    order = {"exact": 0, "near": 1, "partial": 2, "none": 3}
    assert [order[m.relation.copy] for m in matches] == sorted(order[m.relation.copy] for m in matches)
    story = full.article_story(core["bridge_original"].id)
    assert all(m.story_id == story for m in matches)
    assert full.query(Article(text=src.text, title=src.title, id="q"), limit=2) == matches[:2]


def test_query_with_plain_text(full: Index, core) -> None:
    matches = full.query(core["bridge_partial"].text)
    assert any(m.article.id == core["bridge_original"].id and m.relation.copy == "partial" for m in matches)
    d = matches[0].to_dict()
    assert {"article", "story_id", "copy", "story", "scores", "passages", "unrelated", "earlier"} <= set(d)
    assert "text" not in d["article"]
    json.dumps(d)


def test_query_of_unrelated_text(full: Index) -> None:
    before = full.count()
    text = ("The city library reopened on Saturday after a two-year renovation that added a rooftop garden "
            "and a children's reading room. Volunteers helped move forty thousand books back onto the shelves.")
    assert full.query(text) == []
    assert full.count() == before


def test_query_on_an_empty_index(index: Index, core) -> None:
    assert index.query(core["bridge_original"]) == []
    assert index.count() == 0


def test_query_reads_a_string_in_the_txt_layout_as_compare_does(tmp_path: Path) -> None:
    text = ("Harbour cranes topple in a storm at Genoa\nPublished: 2020-03-01\n\n"
            + " ".join(f"Sentence {n} says the storm toppled the cranes of the harbour at Genoa overnight."
                       for n in ("one", "two", "three", "four", "five")))
    with Index(tmp_path / "q.db") as index:
        index.scan([_write(tmp_path / "in" / "a.txt", text)])
        (match,) = index.query(text)
        assert match.relation.copy == "exact"  # read as headline, date and body, as the file was
        assert match.relation.copy == compare(text, index.article(match.article.id)).copy


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- arguments, checked as the CLI checks its options ---------------------------------------------------

@pytest.mark.parametrize("kwargs", [dict(limit=-1), dict(limit=2.5), dict(offset=-3), dict(min_size=0),
                                    dict(min_size="2"), dict(since="yesterday"), dict(until="2020-13-01"),
                                    dict(order="SIZE")])
def test_stories_refuses_what_would_list_the_wrong_stories(full: Index, kwargs: dict) -> None:
    with pytest.raises(ConfigError, match=next(iter(kwargs))):
        full.stories(**kwargs)


def test_stories_compares_a_date_and_time_in_utc(tmp_path: Path) -> None:
    with Index(tmp_path / "d.db") as index:
        index.add([Article(id="a", text="Officials say the minister survived an attack on Monday.",
                           published="2020-09-30T20:17:36Z")])
        # 23:59 at +05:00 is 18:59 UTC, before the article: as text, "2020-09-30T23..." sorted after it
        assert index.stories(until="2020-09-30T23:59:59+05:00") == []
        assert len(index.stories(until="2020-09-30")) == 1  # a date is the whole day
        assert len(index.stories(since=date(2020, 9, 30))) == 1


def test_query_refuses_a_negative_limit(full: Index, core) -> None:
    with pytest.raises(ConfigError, match="limit"):
        full.query(core["bridge_original"], limit=-1)
    assert len(full.query(core["bridge_original"], limit=None)) >= len(full.query(core["bridge_original"], limit=1))


def test_index_refuses_what_is_no_path_or_no_settings() -> None:
    with pytest.raises(TypeError, match="path"):
        Index(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Settings"):
        Index(":memory:", settings={"story_threshold": 0.5})  # type: ignore[arg-type]


def test_an_index_with_no_articles_takes_the_settings_given(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    Index(db, Settings(story_threshold=0.9)).close()
    with Index(db, Settings(story_threshold=0.4)) as index:
        index.add([Article(text="Officials say the minister survived an attack on Monday.")])
    assert Index(db).settings.story_threshold == 0.4  # the settings its article was built with
    with pytest.raises(ConfigError, match="other settings"):
        Index(db, Settings(story_threshold=0.9))


# -- export ----------------------------------------------------------------------------------------

def test_export_jsonl(full: Index, core, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    n = full.export(path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert n == len(rows) == len(core)
    by_id = {r["id"]: r for r in rows}
    orig = core["bridge_original"]
    assert by_id[orig.id]["text"] == orig.text
    assert by_id[orig.id]["story"] == full.article_story(orig.id)
    assert set(Article(text="").to_dict()) | {"story"} == set(rows[0])


def test_export_to_a_text_stream(full: Index) -> None:
    buf = io.StringIO()
    n = full.export(buf, format="jsonl", what="stories")
    rows = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert n == len(rows) == len(full.stories())
    assert rows[0]["members"] and "first_publisher" in rows[0]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_to_a_binary_stream(full: Index, fmt: str) -> None:
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    n = full.export(buf, format=fmt, what="stories")
    assert not buf.closed and n == len(full.stories())
    data = buf.getvalue()
    if fmt == "parquet":
        assert pq.read_table(io.BytesIO(data)).num_rows == n
    elif fmt == "jsonl":
        assert len(data.decode("utf-8").splitlines()) == n
    else:
        assert len(list(csv.DictReader(io.StringIO(data.decode("utf-8"))))) == n


def test_parquet_to_a_text_stream_is_refused_before_anything_is_written(full: Index, capsysbinary) -> None:
    buf = io.StringIO()
    with pytest.raises(ConfigError, match="binary"):
        full.export(buf, format="parquet")
    assert buf.getvalue() == "" and capsysbinary.readouterr().out == b""


def test_export_csv_pairs(full: Index, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    n = full.export(path, format="csv", what="pairs")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert n == len(rows) == len(list(full.pairs()))
    assert list(rows[0]) == ["a", "b", "copy", "story", "story_score", "reuse", "earlier", "scores", "disguises"]
    assert {r["copy"] for r in rows} >= {"exact", "near", "partial", "none"}
    for r in rows:
        scores = json.loads(r["scores"])
        assert float(r["story_score"]) == scores["story"] and float(r["reuse"]) == scores.get("reuse", 0.0)


def test_export_csv_articles_round_trips_text(full: Index, core, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    full.export(path, format="csv")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    for a in core.values():
        assert rows[a.id]["text"] == a.text


@pytest.mark.parametrize("what", ["articles", "pairs", "stories"])
def test_export_parquet_round_trip(full: Index, core, tmp_path: Path, what: str) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    jsonl = io.StringIO()
    full.export(jsonl, format="jsonl", what=what)
    expected = [json.loads(line) for line in jsonl.getvalue().splitlines()]
    path = tmp_path / f"{what}.parquet"
    n = full.export(path, format="parquet", what=what)
    table = pq.read_table(path)
    assert n == table.num_rows == len(expected)
    rows = table.to_pylist()
    for got, want in zip(rows, expected):
        assert set(got) == set(want)
        for k, v in want.items():
            assert (json.loads(got[k]) if isinstance(v, (dict, list)) else got[k]) == v


def test_an_original_scraped_late_is_still_first_before_a_farms_disguised_copy(core) -> None:
    """The original carries its scrape date, a month after the farm's look-alike-letter copy: the copy's
    letters say which is the copy, so the story, the dedup and the copy network name the original."""
    orig = dataclasses.replace(core["bridge_original"], published="2018-09-14T13:05:00Z", id=None)
    glyphs = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e"})
    words = orig.text.split(" ")
    farm_text = " ".join(w.translate(glyphs) if i % 3 == 0 else w for i, w in enumerate(words))
    farm = Article(text=farm_text, title=orig.title, site="farm.example", published="2018-08-14T20:00:00Z")
    with Index(":memory:") as index:
        index.add([orig, farm])
        (story,) = index.stories()
        orig_id = make_id(orig)
        (rel,) = index.relations(orig_id)
        assert rel.copy == "near" and rel.earlier is not None  # the dates still say the farm came first
        assert story.first == orig_id and story.first_site == orig.site
        assert index.duplicates("near") == {make_id(farm): orig_id}
        (link,) = index.site_links()
        assert (link["site"], link["copies_from"], link["median_lag_hours"]) == ("farm.example", orig.site, None)


def test_stories_stored_by_an_older_storytrace_are_reheaded_by_provenance_once(core, tmp_path: Path) -> None:
    """An index whose story names the farm's earlier-dated disguised copy first, as one built before
    provenance did, gets the original as first publisher on its next scan, once."""
    from storytrace.cluster import build_story
    from storytrace.index import _member

    orig = dataclasses.replace(core["bridge_original"], published="2018-09-14T13:05:00Z", id=None)
    glyphs = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e"})
    farm = Article(text=" ".join(w.translate(glyphs) if i % 3 == 0 else w for i, w in enumerate(orig.text.split(" "))),
                   title=orig.title, site="farm.example", published="2018-08-14T20:00:00Z")
    path = tmp_path / "old.db"
    with Index(path) as index:
        index.add([orig, farm])
        numbers = index.store.story_members([index.store.number_of(make_id(orig))])
        by_date = build_story([_member(m) for m in index.store.load_members(numbers).values()], [])
        with index.store.transaction():
            index.store.replace_stories(numbers, [(by_date, sorted(numbers))])
            index.store.set_meta("firsts_by_provenance", "0")
        assert index.stories()[0].first == make_id(farm)  # as an older storytrace stored it
    with Index(path) as index:
        report = index.add([core["quake_peru"]])
        assert report.reheaded == 1
        assert index.story(index.article_story(make_id(orig))).first == make_id(orig)
        assert index.add([core["quake_albania"]]).reheaded == 0  # done once


def test_duplicates_fold_exact_copies_then_reprints_into_the_original(full: Index, core) -> None:
    orig, exact, reprint = (core[k].id for k in ("bridge_original", "bridge_exact", "bridge_reprint"))
    assert full.duplicates("exact") == {exact: orig}
    assert full.duplicates("near") == {exact: orig, reprint: orig}
    with pytest.raises(ConfigError, match="dedup level"):
        full.duplicates("story")


def test_duplicates_are_kept_until_the_index_changes_from_any_connection(core, tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    orig, exact = core["bridge_original"], core["bridge_exact"]
    with Index(path) as writer:
        writer.add([orig, core["quake_peru"]])
        with Index(path, readonly=True) as reader:
            assert reader.duplicates("exact") == {}
            writer.add([exact])  # another connection writes
            assert reader.duplicates("exact") == {exact.id: orig.id}
            answer = reader.duplicates("exact")
            answer.clear()  # a caller's copy: the kept answer is not touched
            assert reader.duplicates("exact") == {exact.id: orig.id}
        assert writer.duplicates("near") == {exact.id: orig.id}
        reprint = core["bridge_reprint"]
        writer.add([reprint])  # this connection writes
        assert writer.duplicates("near") == {exact.id: orig.id, reprint.id: orig.id}


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_dedup_writes_one_article_per_group(full: Index, core, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"d.{fmt}"
    n = full.export(path, format=fmt, dedup="near")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = ([json.loads(line) for line in fh] if fmt == "jsonl" else
                [{**r, "duplicates": json.loads(r["duplicates"])} for r in csv.DictReader(fh)])
    dropped = {core["bridge_exact"].id, core["bridge_reprint"].id}
    assert n == len(rows) == len(core) - 2
    by_id = {r["id"]: r for r in rows}
    assert not dropped & set(by_id)
    assert sorted(by_id[core["bridge_original"].id]["duplicates"]) == sorted(dropped)
    assert by_id[core["bridge_partial"].id]["duplicates"] == []


def test_export_dedup_is_for_articles_only(full: Index, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="articles only"):
        full.export(tmp_path / "p.jsonl", what="pairs", dedup="exact")
    with pytest.raises(ConfigError, match="dedup level"):
        full.export(tmp_path / "a.jsonl", dedup="fuzzy")
    assert not (tmp_path / "p.jsonl").exists() and not (tmp_path / "a.jsonl").exists()


def test_export_rejects_unknown_format_and_kind(full: Index, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="xml"):
        full.export(tmp_path / "x.xml", format="xml")
    with pytest.raises(ConfigError, match="authors"):
        full.export(tmp_path / "x.jsonl", what="authors")


def test_export_of_empty_index(index: Index, tmp_path: Path) -> None:
    assert index.export(tmp_path / "e.jsonl") == 0
    assert (tmp_path / "e.jsonl").read_text() == ""


@pytest.mark.parametrize(("what", "dedup"), [("articles", None), ("articles", "near"), ("pairs", None)])
def test_an_empty_csv_export_still_has_the_header_a_full_one_has(core, tmp_path: Path, what: str,
                                                                 dedup: str | None) -> None:
    with Index(":memory:") as empty, Index(":memory:") as full:
        full.add(core.values())
        assert empty.export(tmp_path / "e.csv", format="csv", what=what, dedup=dedup) == 0
        full.export(tmp_path / "f.csv", format="csv", what=what, dedup=dedup)
    header = (tmp_path / "f.csv").read_text(encoding="utf-8").splitlines()[0]
    assert (tmp_path / "e.csv").read_text(encoding="utf-8").splitlines() == [header]


# -- read-only use and settings --------------------------------------------------------------------

def test_readonly_index_refuses_writes(core_db: Path, core) -> None:
    with Index(core_db, readonly=True) as ro:
        n = ro.count()
        assert n == len(core)
        with pytest.raises(StorytraceError, match="read-only"):
            ro.add([Article(text="A new article about something else entirely.", id="new")])
        with pytest.raises(StorytraceError, match="read-only"):
            ro.scan([core_db.parent])
        assert ro.count() == n
        # reading works
        assert ro.stories() and list(ro.pairs())
        assert ro.query(core["bridge_original"])


def test_readonly_index_of_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(StorytraceError) as info:
        Index(missing, readonly=True)
    assert "missing.db" in str(info.value)
    assert not missing.exists()


def test_not_an_index(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("hello " * 200)
    with pytest.raises(StorytraceError, match="junk.db"):
        Index(junk)


def test_index_keeps_its_settings(tmp_path: Path, core) -> None:
    path = tmp_path / "s.db"
    custom = Settings(story_threshold=0.5)
    with Index(path, settings=custom) as ix:
        ix.add([core["bridge_original"]])
    with Index(path) as ix:
        assert ix.settings == custom
    with pytest.raises(ConfigError, match="other settings"):
        Index(path, settings=Settings())


def test_not_found_message_reads_as_plain_text(full: Index) -> None:
    with pytest.raises(NotFound) as info:
        full.story("s-missing")
    assert "s-missing" in str(info.value)


def test_not_found_str_is_the_message(full: Index) -> None:
    with pytest.raises(NotFound) as info:
        full.story("s-missing")
    assert str(info.value).startswith("no story")


# -- scan ------------------------------------------------------------------------------------------

def test_scan_folder_with_bad_files(index: Index, core_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("bridge_original.txt", "bridge_reprint.txt"):
        (folder / name).write_bytes((core_dir / name).read_bytes())
    (folder / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00\xff")
    (folder / "feed.jsonl").write_text('{"id": "j1", "text": "Heavy rain flooded Dhaka."}\n{not json\n',
                                       encoding="utf-8")
    seen = []
    report = index.scan([folder], on_error=seen.append)
    assert report.read == 3 and report.added == 3
    assert report.skipped == 2
    assert len(report.errors) == 2 and len(seen) == 2
    assert any("blob.txt" in e for e in report.errors)
    assert any("feed.jsonl:2" in e for e in report.errors)
    assert index.count() == 3
    again = index.scan([folder])
    assert again.added == 0 and again.unchanged == 3


def test_an_index_says_which_file_it_is(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    Index(db).close()
    assert repr(Index(":memory:")) == "Index(':memory:')"
    with Index(db, readonly=True) as index:
        assert repr(index) == f"Index({str(db)!r}, readonly)"


def test_pairs_page_as_the_cli_and_http_api_do(full: Index) -> None:
    every = [(r.a, r.b) for r in full.pairs()]
    assert len(every) >= 4
    assert [(r.a, r.b) for r in full.pairs(limit=2, offset=1)] == every[1:3]
    assert [(r.a, r.b) for r in full.pairs(offset=len(every) - 1)] == every[-1:]
    with pytest.raises(ConfigError, match="limit"):
        list(full.pairs(limit=-1))


def test_since_a_midnight_keeps_a_story_dated_by_that_day_alone() -> None:
    with Index(":memory:") as index:
        index.add([Article(id="oslo", text="The harbour cranes of Oslo toppled in the storm overnight, officials said.",
                           published="2020-03-01")])
        for since in ("2020-03-01", date(2020, 3, 1), datetime(2020, 3, 1), "2020-03-01T00:00:00Z"):
            assert [list(s.members) for s in index.stories(since=since)] == [["oslo"]], since
        assert index.stories(since="2020-03-02") == []
        with pytest.raises(ConfigError, match="since.*out of range"):
            index.stories(since=datetime(1700, 1, 1))


def test_a_scanned_reprint_is_stored_near_and_deduplicated(index: Index, core) -> None:
    # Two scans of one wire story in two papers, each with letters an OCR misread (storytrace.misread).
    import random

    from storytrace.synth import misread

    original = core["bridge_original"]
    scans = [Article(text=misread(original.text, random.Random(seed), 0.03), title=original.title,
                     id=f"scan-{seed}", site=f"paper{seed}.example") for seed in (1, 2)]
    index.add([original, *scans])
    kinds = {frozenset((r.a, r.b)): r.copy for r in index.pairs()}
    assert kinds[frozenset(("scan-1", "scan-2"))] == "near"
    # the original and its two scans are one group, of which one article stands for all
    dropped = index.duplicates("near")
    assert len({"bridge_original", "scan-1", "scan-2"} - set(dropped)) == 1


def test_a_scanned_copy_sharing_no_shingle_band_is_still_aligned(index: Index) -> None:
    # With 6% of letters misread, a copy shares too few word triples with its original for a MinHash band
    # (the candidates that get aligned); found by its terms only, it was stored as the same story with no
    # copy. A text this full of rare words reads as scanned, and its same-story pairs are aligned too.
    import random

    from storytrace.synth import load_sources, misread

    root = Path(__file__).resolve().parents[1]
    originals = [a for a in load_sources(root / "data" / "wikinews-sample" / "articles.jsonl.gz")
                 if len(a.text.split()) > 150][:8]
    rng = random.Random(5)
    copies = [dataclasses.replace(a, id=a.id + "-scan", text=misread(a.text, rng, 0.06), title=misread(a.title, rng, 0.06))
              for a in originals]
    index.add([*originals, *copies])
    kinds = {frozenset((r.a, r.b)): r.copy for r in index.pairs()}
    found = [kinds.get(frozenset((a.id, a.id + "-scan"))) for a in originals]
    assert found.count("near") >= 7, found


def _two_scans(path: Path, articles: int, rate: float, settings: Settings) -> list[str]:
    """The copy kind stored for each pair of two scans of the first sample articles, each misread at
    ``rate`` on its own ("not paired" where none is stored)."""
    import random

    from storytrace.synth import load_sources, misread

    root = Path(__file__).resolve().parents[1]
    originals = [a for a in load_sources(root / "data" / "wikinews-sample" / "articles.jsonl.gz")
                 if len(a.text.split()) > 150][:articles]
    rng = random.Random(5)
    scans = [dataclasses.replace(a, id=f"{a.id}-scan{k}", text=misread(a.text, rng, rate),
                                 title=misread(a.title, rng, rate)) for a in originals for k in (1, 2)]
    with Index(path, settings=settings) as index:
        index.add(scans)
        got = {frozenset((r.a, r.b)): r.copy for r in index.pairs()}
    return [got.get(frozenset((f"{a.id}-scan1", f"{a.id}-scan2")), "not paired") for a in originals]


def test_two_scans_each_misread_on_its_own_are_paired_as_copies(tmp_path: Path) -> None:
    # Two papers' scans of one wire story, 6% of letters misread in each: their misreadings, the words
    # that weigh most, differ, and left in their story vectors they kept some pairs from being found at
    # all. Left out (Settings.scanned_min_words), every pair is found, and read through, as a copy.
    now = _two_scans(tmp_path / "now.db", 16, 0.06, Settings())
    assert now.count("near") + now.count("partial") == 16 and now.count("near") >= 4, now
    assert "not paired" in _two_scans(tmp_path / "before.db", 16, 0.06, Settings(scanned_min_words=0))


def test_two_lightly_misread_scans_sharing_no_band_are_aligned(tmp_path: Path) -> None:
    # Two scans of a page with 2% of their letters misread each: too few rare words for either to read as
    # scanned by them (SCANNED_UNSHARED), and too few word triples shared for a MinHash band; each reads
    # as scanned by its lower-case words no list knows (Fingerprint.scanned), so the pair is aligned.
    now = _two_scans(tmp_path / "now.db", 60, 0.02, Settings())
    assert now.count("none") == now.count("not paired") == 0 and now.count("near") >= 55, now
    assert _two_scans(tmp_path / "before.db", 60, 0.02, Settings(scanned_min_words=0)).count("none") >= 3


def test_an_index_stored_before_scanned_flags_were_kept_decides_as_a_fresh_scan(tmp_path: Path) -> None:
    # Scans misread at 2% read as scanned by their lower-case unknown words only (their rare words fall
    # short): an index that stored them without the flag counts it from their texts, in a scan onward and
    # in a query, as a fresh index does.
    import random

    from storytrace.synth import load_sources, misread

    root = Path(__file__).resolve().parents[1]
    originals = [a for a in load_sources(root / "data" / "wikinews-sample" / "articles.jsonl.gz")
                 if len(a.text.split()) > 150][:60]
    rng = random.Random(5)
    scans = {k: [] for k in (1, 2)}
    for a in originals:
        for k in (1, 2):
            scans[k].append(dataclasses.replace(a, id=f"{a.id}-scan{k}", text=misread(a.text, rng, 0.02),
                                                title=misread(a.title, rng, 0.02)))

    def kinds(index: Index) -> list[str]:
        got = {frozenset((r.a, r.b)): r.copy for r in index.pairs()}
        return [got.get(frozenset((f"{a.id}-scan1", f"{a.id}-scan2")), "not paired") for a in originals]

    def queried(index: Index) -> list[list[tuple[str, str]]]:
        return [[(m.article.id, m.relation.copy) for m in index.query(dataclasses.replace(s, id="q"))
                 if m.article.id.endswith("-scan1")] for s in scans[2]]

    with Index(tmp_path / "fresh.db") as fresh:
        fresh.add(scans[1])
        want_query = queried(fresh)
        fresh.add(scans[2])
        want = kinds(fresh)
    with Index(tmp_path / "old.db") as old:
        old.add(scans[1])
        old.store.db.execute("UPDATE articles SET state = json_remove(state, '$.rare_share', '$.scanned')")
        old.store.db.commit()
    with Index(tmp_path / "old.db") as old:
        assert queried(old) == want_query
        old.add(scans[2])
        assert kinds(old) == want
    assert want.count("near") >= 55 and "none" not in want


def test_a_scan_scraped_months_later_is_still_found_as_a_copy(tmp_path: Path) -> None:
    # A second scan of the page, republished (or dated by its scrape) half a year later: too far apart to
    # be one story by their terms, and sharing no shingle band, it is still a copy, whose dates lie.
    import random

    from storytrace.synth import load_sources, misread

    root = Path(__file__).resolve().parents[1]
    originals = [a for a in load_sources(root / "data" / "wikinews-sample" / "articles.jsonl.gz")
                 if len(a.text.split()) > 150][:16]
    rng = random.Random(5)
    scans = [dataclasses.replace(a, id=f"{a.id}-scan{k}", text=misread(a.text, rng, 0.06),
                                 title=misread(a.title, rng, 0.06), published=when)
             for a in originals for k, when in ((1, "2020-01-01"), (2, "2020-07-01"))]
    with Index(tmp_path / "late.db") as index:
        index.add(scans)
        kinds = {frozenset((r.a, r.b)): r.copy for r in index.pairs()}
        got = [kinds.get(frozenset((f"{a.id}-scan1", f"{a.id}-scan2")), "not paired") for a in originals]
        assert got.count("not paired") == 0 and got.count("none") == 0, got
        # and a query with the late scan finds the early one as a copy too
        late = next(x for x in scans if x.id.endswith("-scan2"))
        matches = {m.article.id: m.relation.copy for m in index.query(dataclasses.replace(late, id="q"))}
        assert matches.get(late.id.replace("-scan2", "-scan1")) in {"near", "partial"}


def test_a_quote_of_a_wrapped_article_is_found_and_an_older_index_decides_as_before(tmp_path: Path) -> None:
    # A hard-wrapped article (a paper's 36-letter column) and another that quotes three of its sentences:
    # read line by line, no sentence of the one matched the other's. An index stored before wrapped lines
    # were read as sentences keeps hashing them line by line (Settings.unwrap_lines read back as 0), so
    # scanned onward it decides as a fresh scan with that setting does.
    import json
    import random

    from storytrace.synth import load_sources, set_in_columns

    root = Path(__file__).resolve().parents[1]
    src = [a for a in load_sources(root / "data" / "wikinews-sample" / "articles.jsonl.gz") if len(a.text.split()) > 250]
    x, y = src[0], src[40]
    quote = " ".join(part.strip() + "." for part in x.text.split(". ")[2:5])
    wrapped = Article(id="x", title=x.title, text=set_in_columns(x.text.replace("-", " "), random.Random(1), 36))
    quoting = Article(id="y", title=y.title, text=y.text + "\n\nAs an earlier report put it: " + quote)

    def pairs(index: Index) -> list[tuple[str, str, str]]:
        return sorted((r.a, r.b, r.copy) for r in index.pairs())

    with Index(tmp_path / "now.db") as now:
        now.add([wrapped, quoting])
        assert pairs(now) == [("x", "y", "partial")]
    with Index(tmp_path / "before.db", settings=Settings(unwrap_lines=0)) as before:
        before.add([wrapped, quoting])
        want = pairs(before)
    with Index(tmp_path / "old.db", settings=Settings(unwrap_lines=0)) as old:  # as an older version hashed
        old.add([wrapped])
        stored = json.loads(old.store.get_meta("settings"))
        del stored["unwrap_lines"]
        old.store.set_meta("settings", json.dumps(stored))
        old.store.db.commit()
    with Index(tmp_path / "old.db") as old:
        assert old.settings.unwrap_lines == 0
        old.add([quoting])
        assert pairs(old) == want == []


def test_a_scanned_looking_pair_that_relating_finds_unrelated_keeps_its_same_story_row(index: Index) -> None:
    # A short text too short to identify, keyed in German beside a German article when related in full,
    # scores lower than its same-story row found; it reads as scanned (rare words), and the row is kept.
    from storytrace.ingest import read_paths

    root = Path(__file__).resolve().parent / "fixtures" / "multilingual"
    rates = next(a for a in read_paths([root / "de_rates.txt"]) if isinstance(a, Article))
    short = Article(id="short", text="6,1 Prozent sei weiterhin viel zu Reuters")
    index.add([rates, short])
    assert [(r.copy, r.story) for r in index.pairs()] == [("none", "same")]


def test_an_index_stored_before_rare_shares_were_kept_decides_as_a_fresh_scan(tmp_path: Path) -> None:
    import random

    from storytrace.synth import load_sources, misread

    root = Path(__file__).resolve().parents[1]
    originals = [a for a in load_sources(root / "data" / "wikinews-sample" / "articles.jsonl.gz")
                 if len(a.text.split()) > 150][50:56]
    rng = random.Random(5)
    scans = [dataclasses.replace(a, id=a.id + "-scan", text=misread(a.text, rng, 0.06), title=misread(a.title, rng, 0.06))
             for a in originals]
    with Index(tmp_path / "fresh.db") as fresh:
        fresh.add(scans + originals)
        want = sorted((r.a, r.b, r.copy) for r in fresh.pairs())
    with Index(tmp_path / "old.db") as old:
        old.add(scans)
        old.store.db.execute("UPDATE articles SET state = json_remove(state, '$.rare_share', '$.scanned')")
        old.store.db.commit()
    with Index(tmp_path / "old.db") as old:
        old.add(originals)
        assert sorted((r.a, r.b, r.copy) for r in old.pairs()) == want
    assert [c for _, _, c in want].count("near") >= 5
