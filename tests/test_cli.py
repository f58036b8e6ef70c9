"""The command line: scan with bad input, the reporting commands' JSON, --db, and one-line errors."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from storytrace import Article, Index
from storytrace.cli import main

STORY_KEYS = {"id", "headline", "size", "members", "first_publisher", "first_published", "last_published", "sites",
              "reprint_groups"}
RELATION_KEYS = {"a", "b", "copy", "story", "scores", "passages", "unrelated", "earlier", "disguises"}
ARTICLE_META = {"id", "title", "url", "site", "author", "published", "origin"}


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def check_one_line_error(result: Result, *needles: str) -> None:
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception
    err = result.stderr.strip()
    assert err.count("\n") == 0, err
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert err.startswith("error:")
    for n in needles:
        assert n in err, (n, err)


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder, with no STORYTRACE_DB from the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STORYTRACE_DB", raising=False)
    return tmp_path


@pytest.fixture
def inbox(cwd: Path, core_dir: Path) -> Path:
    """A folder with every core fixture article, a binary .txt and a JSONL file with one malformed line."""
    folder = cwd / "in"
    folder.mkdir()
    for f in core_dir.glob("*.txt"):
        shutil.copy(f, folder / f.name)
    (folder / "blob.txt").write_bytes(b"\x00\x01\x02 not text \xff\xfe\x00")
    (folder / "feed.jsonl").write_text(
        '{"id": "j1", "title": "Flood in Dhaka", "text": "Heavy monsoon rain flooded large parts of Dhaka on '
        'Monday, officials said."}\n{not json\n', encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def db(core_db: Path) -> str:
    """A scanned index of the core fixtures (shared by the read-only commands)."""
    return str(core_db)


@pytest.fixture(scope="module")
def core_index(db: str):
    with Index(db, readonly=True) as ix:
        yield ix


# -- scan ------------------------------------------------------------------------------------------

def test_scan_with_bad_files(inbox: Path, cwd: Path, core) -> None:
    result = run("scan", str(inbox), "--db", "news.db")
    assert result.exit_code == 0, result.output
    assert "blob.txt" in result.stderr
    assert "feed.jsonl:2" in result.stderr
    assert "Traceback" not in result.stderr
    n = len(core) + 1
    assert f"read {n} articles" in result.stdout
    assert "skipped 2" in result.stdout
    assert (cwd / "news.db").exists()
    assert not (cwd / "storytrace.db").exists()
    with Index(cwd / "news.db", readonly=True) as ix:
        assert ix.count() == n


def test_scan_json_report(inbox: Path, cwd: Path, core) -> None:
    result = run("scan", str(inbox), "--db", "news.db", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"read", "added", "unchanged", "skipped", "errors", "stories", "pairs", "seconds"} <= set(report)
    assert report["read"] == report["added"] == len(core) + 1
    assert report["skipped"] == 2
    assert len(report["errors"]) == 2
    again = json.loads(run("scan", str(inbox), "--db", "news.db", "--json").stdout)
    assert again["added"] == 0 and again["unchanged"] == len(core) + 1


def test_scan_counts_repairs_in_one_line_and_warns_for_none_of_them(cwd: Path) -> None:
    feed = cwd / "feed.jsonl"
    rows = [{"id": f"r{i}", "text": f"<p>Report {i} on the floods.</p><p>Rivers rose again.</p>"} for i in range(3)]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run("scan", str(feed), "--db", "news.db")
    assert result.exit_code == 0, result.output
    assert "repaired on reading: markup in 3" in result.stdout
    assert "warning" not in result.stderr and "skipped 0" in result.stdout
    report = json.loads(run("scan", str(feed), "--db", "other.db", "--json").stdout)
    assert report["repaired"] == {"markup": 3} and report["errors"] == []


def test_scan_of_only_bad_input_fails(cwd: Path) -> None:
    bad = cwd / "bad"
    bad.mkdir()
    (bad / "x.txt").write_bytes(b"\x00\x01\xff")
    (bad / "y.jsonl").write_text("{broken\n", encoding="utf-8")
    result = run("scan", str(bad), "--db", "t.db")
    assert result.exit_code != 0
    assert "x.txt" in result.stderr and "y.jsonl" in result.stderr
    assert "nothing could be read" in result.stderr
    assert "Traceback" not in result.stderr


def test_scan_of_missing_path_fails(cwd: Path) -> None:
    result = run("scan", str(cwd / "nowhere"), "--db", "t.db")
    assert result.exit_code != 0
    assert "nowhere" in result.stderr
    assert "Traceback" not in result.stderr


def test_scan_bad_map_option(inbox: Path) -> None:
    check_one_line_error(run("scan", str(inbox), "--db", "t.db", "--map", "body"), "THEIRS=OURS")


def test_db_from_environment(inbox: Path, cwd: Path) -> None:
    env = {"STORYTRACE_DB": str(cwd / "env.db")}
    assert run("scan", str(inbox), env=env).exit_code == 0
    assert (cwd / "env.db").exists() and not (cwd / "storytrace.db").exists()
    result = run("stories", "--json", env=env)
    assert result.exit_code == 0 and json.loads(result.stdout)


def test_default_db_is_in_the_working_folder(inbox: Path, cwd: Path) -> None:
    assert run("scan", str(inbox)).exit_code == 0
    assert (cwd / "storytrace.db").exists()
    assert json.loads(run("stories", "--json").stdout)


# -- reporting commands ----------------------------------------------------------------------------

def test_stories_json(db: str, core) -> None:
    result = run("stories", "--db", db, "--json")
    assert result.exit_code == 0, result.output
    stories = json.loads(result.stdout)
    assert stories and all(set(s) == STORY_KEYS for s in stories)
    assert stories[0]["size"] == max(s["size"] for s in stories)
    assert stories[0]["first_publisher"]["article"] == core["bridge_original"].id
    sizes = [s["size"] for s in stories]
    assert sizes == sorted(sizes, reverse=True)


def test_stories_options(db: str) -> None:
    assert len(json.loads(run("stories", "--db", db, "--json", "--limit", "1").stdout)) == 1
    big = json.loads(run("stories", "--db", db, "--json", "--min-size", "2").stdout)
    assert big and all(s["size"] >= 2 for s in big)
    found = json.loads(run("stories", "--db", db, "--json", "--search", "Genoa").stdout)
    assert len(found) == 1 and "Genoa" in found[0]["headline"]
    assert json.loads(run("stories", "--db", db, "--json", "--search", "zzzz").stdout) == []


def test_stories_table(db: str) -> None:
    result = run("stories", "--db", db)
    assert result.exit_code == 0
    assert "Genoa" in result.stdout


def test_show_json(db: str, core, core_index: Index) -> None:
    sid = core_index.article_story(core["bridge_original"].id)
    result = run("show", sid, "--db", db, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert STORY_KEYS | {"articles", "pairs"} <= set(doc)
    assert doc["id"] == sid and doc["size"] == 5
    assert [a["id"] for a in doc["articles"]] == doc["members"]
    assert all(set(a) == ARTICLE_META for a in doc["articles"])
    assert all(set(p) == RELATION_KEYS for p in doc["pairs"])
    assert len(doc["pairs"]) == 5 * 4 // 2
    contents = {m: core_index.article(m).content for m in doc["members"]}
    partial = [p for p in doc["pairs"] if p["copy"] == "partial"]
    assert partial
    for p in partial:
        verbatim = [x for x in p["passages"] if x["kind"] == "verbatim"]
        assert verbatim
        for x in verbatim:
            assert contents[p["a"]][x["a"]["start"]:x["a"]["end"]] == x["a"]["text"]
            assert contents[p["b"]][x["b"]["start"]:x["b"]["end"]] == x["b"]["text"]


def test_show_table(db: str, core, core_index: Index) -> None:
    sid = core_index.article_story(core["bridge_original"].id)
    result = run("show", sid, "--db", db)
    assert result.exit_code == 0
    assert core["bridge_original"].title in result.stdout
    assert "reprints:" in result.stdout


def test_pairs_json(db: str, core) -> None:
    result = run("pairs", "--db", db, "--json")
    assert result.exit_code == 0, result.output
    pairs = json.loads(result.stdout)
    assert pairs and all(set(p) == {"a", "b", "copy", "story", "earlier", "scores", "disguises"} for p in pairs)
    near = json.loads(run("pairs", "--db", db, "--json", "--copy", "near").stdout)
    assert near and {p["copy"] for p in near} == {"near"}
    mine = json.loads(run("pairs", "--db", db, "--json", "--article", core["bridge_rewrite"].id).stdout)
    assert mine and all(core["bridge_rewrite"].id in (p["a"], p["b"]) for p in mine)
    assert run("pairs", "--db", db, "--copy", "lots").exit_code != 0


def test_pairs_pages_with_limit_and_offset(db: str) -> None:
    every = json.loads(run("pairs", "--db", db, "--json").stdout)
    assert len(every) >= 3
    first = json.loads(run("pairs", "--db", db, "--json", "--limit", "2").stdout)
    rest = json.loads(run("pairs", "--db", db, "--json", "--offset", "2").stdout)
    assert first + rest == every
    middle = json.loads(run("pairs", "--db", db, "--json", "--limit", "1", "--offset", "1").stdout)
    assert middle == every[1:2]
    assert run("pairs", "--db", db, "--limit", "-1").exit_code != 0


def test_tables_keep_ids_whole_in_a_narrow_terminal(db: str) -> None:
    every = json.loads(run("pairs", "--db", db, "--json").stdout)
    table = run("pairs", "--db", db, env={"COLUMNS": "60"}).stdout
    assert max(len(line) for line in table.splitlines()) <= 60
    for p in every:
        assert p["a"] in table and p["b"] in table
    stories = json.loads(run("stories", "--db", db, "--json").stdout)
    listed = run("stories", "--db", db, env={"COLUMNS": "60"}).stdout
    assert all(s["id"] in listed for s in stories)


def test_query_json_stores_nothing(db: str, core, core_dir: Path, core_index: Index) -> None:
    before = core_index.count()
    result = run("query", str(core_dir / "bridge_partial.txt"), "--db", db, "--json")
    assert result.exit_code == 0, result.output
    matches = json.loads(result.stdout)
    assert matches
    for m in matches:
        assert {"article", "story_id", "copy", "story", "scores", "passages", "unrelated", "earlier"} <= set(m)
        assert set(m["article"]) == ARTICLE_META
    by_id = {m["article"]["id"]: m for m in matches}
    assert by_id[core["bridge_partial"].id]["copy"] == "exact"
    assert by_id[core["bridge_original"].id]["copy"] == "partial"
    assert core_index.count() == before


def test_query_table(db: str, core_dir: Path) -> None:
    result = run("query", str(core_dir / "bridge_reprint.txt"), "--db", db)
    assert result.exit_code == 0
    assert "near" in result.stdout


@pytest.mark.parametrize("what", ["articles", "pairs", "stories", "sites"])
def test_export_jsonl_to_stdout(db: str, what: str, core_index: Index) -> None:
    result = run("export", "--db", db, "--what", what)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    expected = {"articles": core_index.count(), "pairs": len(list(core_index.pairs())),
                "stories": len(core_index.stories()), "sites": len(core_index.sites())}[what]
    assert len(rows) == expected
    if what == "sites":
        assert rows == json.loads(json.dumps(core_index.sites()))
    assert f"wrote {expected} {what}" in result.stderr


def test_export_csv_and_parquet_files(db: str, cwd: Path, core_index: Index) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    assert run("export", "--db", db, "--format", "csv", "--out", "a.csv").exit_code == 0
    assert (cwd / "a.csv").read_text(encoding="utf-8").startswith("text,id,title")
    assert run("export", "--db", db, "--format", "parquet", "--what", "stories", "--out", "s.parquet").exit_code == 0
    table = pq.read_table(cwd / "s.parquet")
    assert table.num_rows == len(core_index.stories())
    assert "headline" in table.column_names
    assert run("export", "--db", db, "--format", "csv", "--what", "sites", "--out", "sites.csv").exit_code == 0
    header = (cwd / "sites.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ("site,articles,copied_from,copies,copy_share,copied,median_lag_hours,disguised,disguised_share,"
                      "disguises")


def test_show_says_why_an_earlier_dated_article_is_not_the_first_publisher(cwd: Path, core, db: str,
                                                                          core_index: Index) -> None:
    orig = dataclasses.replace(core["bridge_original"], published="2018-09-14T13:05:00Z")
    glyphs = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e"})
    farm = Article(text=" ".join(w.translate(glyphs) if i % 3 == 0 else w for i, w in enumerate(orig.text.split(" "))),
                   title=orig.title, site="farm.example", published="2018-08-14T20:00:00Z")
    with Index(cwd / "late.db") as index:
        index.add([orig, farm])
        (story,) = index.stories()
    result = run("show", story.id, "--db", "late.db")
    assert result.exit_code == 0, result.output
    assert f"first published: 2018-09-14T13:05:00Z by {orig.site}" in result.stdout
    assert "play tricks only copiers play" in " ".join(result.stdout.split())
    # a story whose first publisher is its earliest member gets no such line
    bridge = core_index.article_story(core["bridge_original"].id)
    assert "copiers" not in run("show", bridge, "--db", db).stdout


def test_export_dedup_says_what_it_left_out(db: str, core_index: Index) -> None:
    result = run("export", "--db", db, "--dedup", "near")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    left_out = len(core_index.duplicates("near"))
    assert left_out > 0 and len(rows) == core_index.count() - left_out
    assert sum(len(r["duplicates"]) for r in rows) == left_out
    assert f"({left_out} of {core_index.count()} left out)" in result.stderr


def test_export_parquet_to_stdout_is_refused(db: str) -> None:
    check_one_line_error(run("export", "--db", db, "--format", "parquet"), "--out")


def test_compare_fixture_files(core_dir: Path, core) -> None:
    result = run("compare", str(core_dir / "bridge_original.txt"), str(core_dir / "bridge_reprint.txt"), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == RELATION_KEYS
    assert (doc["copy"], doc["story"], doc["earlier"]) == ("near", "same", "a")


def test_compare_names_the_copy_by_its_tricks_when_the_dates_say_otherwise(cwd: Path) -> None:
    body = " ".join(f"Sentence number {n} of the report talks about the harbour of Genoa and its cranes."
                    for n in ("one", "two", "three", "four", "five", "six"))
    (cwd / "wire.txt").write_text(f"Published: 2021-06-01T08:00:00Z\n\nGenoa harbour\n\n{body}\n", encoding="utf-8")
    (cwd / "farm.txt").write_text(f"Published: 2021-05-01T08:00:00Z\n\nGenoa harbour\n\n"
                                  f"{body.replace('harbour', 'hаrbour')}\n", encoding="utf-8")
    result = run("compare", "wire.txt", "farm.txt")
    assert result.exit_code == 0, result.output
    assert "earlier: farm.txt" in result.stdout
    assert "the copy: b (farm.txt) plays tricks only copiers play" in " ".join(result.stdout.split())
    plain = run("compare", "wire.txt", "wire.txt")
    assert "the copy:" not in plain.stdout


# -- errors ----------------------------------------------------------------------------------------

def test_show_missing_story(db: str) -> None:
    check_one_line_error(run("show", "s000000000000", "--db", db), "s000000000000")


@pytest.mark.parametrize("cmd", [["stories"], ["show", "s1"], ["pairs"], ["export"], ["stories", "--json"]])
def test_missing_db(cmd: list[str], cwd: Path) -> None:
    result = run(*cmd, "--db", "missing.db")
    check_one_line_error(result, "missing.db")
    assert not (cwd / "missing.db").exists()


def test_query_with_missing_db(cwd: Path, core_dir: Path) -> None:
    check_one_line_error(run("query", str(core_dir / "bridge_original.txt"), "--db", "missing.db"), "missing.db")


def test_not_a_database(cwd: Path) -> None:
    (cwd / "junk.db").write_text("not a database " * 100)
    check_one_line_error(run("stories", "--db", "junk.db"), "junk.db")


def test_compare_unreadable_file(cwd: Path, core_dir: Path) -> None:
    (cwd / "blob.txt").write_bytes(b"\x00\x00\xff")
    check_one_line_error(run("compare", "blob.txt", str(core_dir / "bridge_original.txt")), "blob.txt")


def test_compare_missing_file(cwd: Path, core_dir: Path) -> None:
    result = run("compare", "nope.txt", str(core_dir / "bridge_original.txt"))
    assert result.exit_code != 0
    assert "nope.txt" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_and_help() -> None:
    result = run("--version")
    assert result.exit_code == 0 and "storytrace" in result.stdout
    result = run("--help")
    assert result.exit_code == 0
    for cmd in ("scan", "stories", "show", "compare", "query", "pairs", "export"):
        assert cmd in result.stdout


def test_db_in_a_missing_folder(inbox: Path, cwd: Path) -> None:
    check_one_line_error(run("scan", str(inbox), "--db", str(cwd / "no" / "such" / "x.db")), "x.db")


def test_stories_limit_zero_means_all(db: str, core_index: Index) -> None:
    stories = json.loads(run("stories", "--db", db, "--json", "--limit", "0").stdout)
    assert len(stories) == len(core_index.stories())


def test_compare_uses_the_first_article_of_a_multi_article_file(cwd: Path, core, core_dir: Path) -> None:
    orig = core["bridge_original"]
    rows = [{"id": "first", "title": orig.title, "text": orig.text, "published": "2018-08-14"},
            {"id": "second", "title": "Something else", "text": "A different text about a library opening."}]
    (cwd / "two.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = run("compare", "two.jsonl", str(core_dir / "bridge_original.txt"), "--json")
    assert result.exit_code == 0, result.output
    assert "holds 2 articles" in result.stderr
    doc = json.loads(result.stdout)
    assert doc["a"] == "first" and doc["copy"] == "exact"


def test_compare_semantic_needs_the_extra_or_adds_passages(cwd: Path) -> None:
    from storytrace import semantic

    (cwd / "a.txt").write_text("Talks in Moscow\n\nThe minister met the delegation in Moscow on Tuesday. "
                               "Talks covered energy and trade deals between both nations.\n")
    (cwd / "b.txt").write_text("Meeting in the capital\n\nOfficials gathered in the Russian capital this week. "
                               "Discussions were about fuel supplies and commerce agreements for the two countries.\n")
    plain = run("compare", "a.txt", "b.txt", "--json")
    assert plain.exit_code == 0
    result = run("compare", "a.txt", "b.txt", "--semantic", "--json")
    if not semantic.available():
        check_one_line_error(result, "storytrace[semantic]")
    else:
        assert result.exit_code == 0, result.output
        with_sem, without = json.loads(result.stdout), json.loads(plain.stdout)
        assert len(with_sem["passages"]) > len(without["passages"])
        assert with_sem["copy"] == without["copy"]  # copy decisions stay lexical


def test_text_that_looks_like_console_markup_is_printed_as_is(cwd: Path) -> None:
    """Article text is data: rich's markup in it (or a stray closing tag) must neither vanish nor crash."""
    body = ("The council approved [bold]forty[/bold] million euros for the tram line in Nantes on Tuesday [/x]. "
            "Construction of the eleven kilometre line is due to start next spring and end by 2027.")
    (cwd / "a.txt").write_text("Tram [red]budget[/red]\n\n" + body + "\n")
    (cwd / "b.txt").write_text("Tram budget\n\n" + body + "\n")
    result = run("compare", "a.txt", "b.txt")
    assert result.exit_code == 0, result.output
    assert "[bold]forty[/bold]" in result.stdout.replace("\n", " ").replace("│", " ") or "[bold]forty" in result.stdout


def test_compare_names_a_copys_disguises(cwd: Path, core_dir: Path) -> None:
    original = (core_dir / "bridge_original.txt").read_text(encoding="utf-8")
    head, body = original.split("\n\n", 1)
    (cwd / "spun.txt").write_text(head + "\n\n" + body.replace(". ", ".").replace(" of ", " "), encoding="utf-8")
    result = run("compare", "spun.txt", str(core_dir / "bridge_original.txt"))
    assert result.exit_code == 0, result.output
    assert "disguise in a: missing spaces x" in result.stdout and "disguise in b" not in result.stdout
    doc = json.loads(run("compare", "spun.txt", str(core_dir / "bridge_original.txt"), "--json").stdout)
    assert "missing_spaces" in {d["kind"] for d in doc["disguises"]["a"]} and doc["disguises"]["b"] == []


def test_limits_and_dates_are_checked_not_read_loosely(db: str, core_dir: Path) -> None:
    every = json.loads(run("stories", "--db", db, "--json", "--limit", "0").stdout)
    for args in (("stories", "--limit", "-1"), ("sites", "--limit", "-1"),
                 ("query", str(core_dir / "bridge_partial.txt"), "--limit", "-3")):
        result = run(*args, "--db", db)
        assert result.exit_code == 2 and "-" in result.output  # click's usage error, naming the value
    for bad in ("2020-13-01", "yesterday"):
        result = run("stories", "--db", db, "--since", bad)
        assert result.exit_code == 2 and "not an ISO date" in result.output
    assert json.loads(run("stories", "--db", db, "--json", "--since", "1900-01-01").stdout) == every
    some = json.loads(run("query", str(core_dir / "bridge_partial.txt"), "--db", db, "--json", "--limit", "1").stdout)
    every_match = json.loads(run("query", str(core_dir / "bridge_partial.txt"), "--db", db, "--json",
                                 "--limit", "0").stdout)
    assert len(some) == 1 and len(every_match) > 1 and every_match[0] == some[0]


def test_stories_table_shows_first_sites_whole(db: str) -> None:
    stories = json.loads(run("stories", "--db", db, "--json", "--limit", "0").stdout)
    table = run("stories", "--db", db, "--limit", "0", env={"COLUMNS": "200"}).stdout
    sites = {s["first_publisher"]["site"] for s in stories if s["first_publisher"]["site"]}
    assert sites and all(site in table for site in sites)


def test_scan_line_counts_new_pairs_and_says_article_once(cwd: Path, core_dir: Path) -> None:
    one = run("scan", str(core_dir / "bridge_original.txt"), "--db", "one.db")
    assert one.exit_code == 0 and "read 1 article (" in one.stdout and "new related pairs" in one.stdout


def test_compare_takes_stored_ids_with_db_and_agrees_with_the_files(db: str, core, core_dir: Path) -> None:
    a, b = core["bridge_original"], core["bridge_partial"]
    by_file = json.loads(run("compare", str(core_dir / "bridge_original.txt"), str(core_dir / "bridge_partial.txt"),
                             "--json").stdout)
    by_id = run("compare", a.id, b.id, "--db", db, "--json")
    assert by_id.exit_code == 0, by_id.output
    got = json.loads(by_id.stdout)
    assert (got["copy"], got["story"], got["scores"]) == (by_file["copy"], by_file["story"], by_file["scores"])
    mixed = json.loads(run("compare", str(core_dir / "bridge_original.txt"), b.id, "--db", db, "--json").stdout)
    assert mixed["copy"] == by_file["copy"]
    check_one_line_error(run("compare", a.id, "no-such-id", "--db", db), "no-such-id")


def test_pairs_of_an_unknown_article_is_an_error_not_an_empty_list(db: str) -> None:
    check_one_line_error(run("pairs", "--db", db, "--article", "no-such-id"), "no-such-id")


def test_stories_page_after_their_filters(db: str) -> None:
    every = json.loads(run("stories", "--db", db, "--json", "--limit", "0").stdout)
    big = [s for s in every if s["size"] >= 2]
    assert big and len(every) >= 3 and len(big) < len(every)
    assert json.loads(run("stories", "--db", db, "--json", "--limit", "1", "--min-size", "2").stdout) == big[:1]
    assert json.loads(run("stories", "--db", db, "--json", "--limit", "0", "--min-size", "2", "--offset",
                          "1").stdout) == big[1:]
    assert json.loads(run("stories", "--db", db, "--json", "--limit", "2", "--offset", "1").stdout) == every[1:3]
    assert json.loads(run("stories", "--db", db, "--json", "--limit", "0", "--offset", "2").stdout) == every[2:]


def test_scan_of_paths_that_do_not_exist_leaves_no_index_behind(cwd: Path) -> None:
    check_one_line_error(run("scan", "no/such/folder", "--db", "typo.db"), "no/such/folder")
    assert not (cwd / "typo.db").exists()


def test_stories_in_recent_order_show_the_date_they_are_ordered_by(db: str) -> None:
    stories = json.loads(run("stories", "--db", db, "--json", "--limit", "0", "--order", "recent").stdout)
    lasts = [s["last_published"] for s in stories if s["last_published"]]
    assert lasts == sorted(lasts, reverse=True)
    table = run("stories", "--db", db, "--limit", "0", "--order", "recent", env={"COLUMNS": "200"}).stdout
    assert "last published" in table
    shown = [line.split("│")[3].strip() for line in table.splitlines() if line.startswith("│") and line.split("│")[1].strip()]
    assert [d for d in shown if d != "?"] == [x[:10] for x in lasts]


def test_report_fails_in_one_line_like_the_other_commands(cwd: Path) -> None:
    check_one_line_error(run("report", "--out", "r.html", "--db", "none.db"), "no index at none.db")
