"""`storytrace sites`: who copies whom, from copied text and publication order."""

import json
from pathlib import Path

from click.testing import CliRunner

from storytrace import Article, Index
from storytrace.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _seed_body() -> str:
    """The body of a seed article (its header and headline cut off), the text the sites below copy."""
    seed = (ROOT / "data" / "seeds" / "001_7e7a81b451b61ef5.txt").read_text(encoding="utf-8")
    return seed.split("\n\n", 3)[3]


def _index(path: Path, articles: list[Article]) -> Path:
    with Index(path) as index:
        index.add(articles)
    return path


def test_sites_names_the_earlier_site_as_source(tmp_path: Path) -> None:
    body = _seed_body()
    db = tmp_path / "s.db"
    with Index(db) as index:
        index.add([
            Article(id="orig", text=body, title="Putin meets Velayati", site="wire.example", published="2018-07-12"),
            Article(id="copy", text=body + "\n\nLike this post? Share it.", title="Putin meets Velayati",
                    site="farm.example", published="2018-07-13"),
            Article(id="other", text="A completely different report about rainfall in Lima and floods.",
                    site="lima.example", published="2018-07-13"),
        ])
    res = CliRunner().invoke(main, ["sites", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    rows = {r["site"]: r for r in json.loads(res.output)}
    assert rows["farm.example"]["copied_from"] == {"wire.example": 1}
    assert rows["wire.example"]["copied_from"] == {}
    assert rows["lima.example"]["articles"] == 1
    # the copy signals: the farm's one article copies the wire a day later; the wire was copied once
    farm, wire = rows["farm.example"], rows["wire.example"]
    assert (farm["copies"], farm["copy_share"], farm["median_lag_hours"]) == (1, 1.0, 24.0)
    assert (wire["copies"], wire["copied"], wire["median_lag_hours"]) == (0, 1, None)
    table = CliRunner().invoke(main, ["sites", "--db", str(db)], terminal_width=160)
    assert table.exit_code == 0 and "1 (100%)" in table.output and "24.0 h" in table.output
    ranked = CliRunner().invoke(main, ["sites", "--db", str(db), "--json", "--sort", "copy_share"])
    assert [r["site"] for r in json.loads(ranked.output)][0] == "farm.example"
    big = CliRunner().invoke(main, ["sites", "--db", str(db), "--json", "--min-articles", "2"])
    assert json.loads(big.output) == []  # every site here has one article
    bad = CliRunner().invoke(main, ["sites", "--db", str(db), "--sort", "lag"])
    assert bad.exit_code != 0 and "copy_share" in bad.output


def test_sites_count_disguised_copies_and_pairs_keep_their_disguises(tmp_path: Path) -> None:
    """A copy that swaps Latin letters for Cyrillic look-alikes is named as disguised at scan time: the
    stored pair carries what compare() finds, and its site's disguised share counts it."""
    body = _seed_body()
    spoofed = body.replace("Putin", "Putіn").replace("Iran", "Irаn")  # Cyrillic і and а
    assert spoofed != body
    db = tmp_path / "d.db"
    arts = [
        Article(id="orig", text=body, title="Putin meets Velayati", site="wire.example", published="2018-07-12"),
        Article(id="spoof", text=spoofed, title="Putin meets Velayati", site="farm.example", published="2018-07-13"),
        Article(id="plain", text=body + "\n\nLike this post? Share it.", title="Putin meets Velayati",
                site="paper.example", published="2018-07-14"),
    ]
    with Index(db) as index:
        index.add(arts)
        stored = {(r.a, r.b): r for r in index.pairs()}
        live = index.pair("orig", "spoof")
    pair = stored[("orig", "spoof")]
    assert pair.copy != "none"
    assert [d.kind for d in pair.disguises_b] == ["lookalike_letters"] and pair.disguises_a == ()
    assert (pair.disguises_a, pair.disguises_b) == (live.disguises_a, live.disguises_b)
    res = CliRunner().invoke(main, ["sites", "--db", str(db), "--json", "--sort", "disguised_share"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows[0]["site"] == "farm.example"
    assert (rows[0]["disguised"], rows[0]["disguised_share"], rows[0]["disguises"]) == (1, 1.0, {"lookalike_letters": 1})
    paper = next(r for r in rows if r["site"] == "paper.example")
    # the plain reprint copies both earlier articles and plays no trick against either
    assert (paper["copies"], paper["disguised"], paper["disguised_share"]) == (1, 0, 0.0)
    wire = next(r for r in rows if r["site"] == "wire.example")
    assert wire["disguised_share"] is None  # it copies nobody
    table = CliRunner().invoke(main, ["sites", "--db", str(db)], terminal_width=160)
    assert "1 (100%)" in table.output and "0 (0%)" in table.output
    listed = CliRunner().invoke(main, ["pairs", "--db", str(db), "--json"])
    spoof = next(r for r in json.loads(listed.output) if {r["a"], r["b"]} == {"orig", "spoof"})
    assert [d["kind"] for d in spoof["disguises"]["b"]] == ["lookalike_letters"]
    table = CliRunner().invoke(main, ["pairs", "--db", str(db)], terminal_width=200)
    assert table.exit_code == 0 and "b: lookalike" in table.output
    links = CliRunner().invoke(main, ["sites", "--db", str(db), "--links", "--json"])
    assert links.exit_code == 0, links.output
    by_pair = {(r["site"], r["copies_from"]): r for r in json.loads(links.output)}
    assert by_pair[("farm.example", "wire.example")]["disguised"] == 1
    assert by_pair[("paper.example", "wire.example")]["disguised"] == 0
    assert "farm.example" in CliRunner().invoke(main, ["sites", "--db", str(db), "--links"]).output
    out = tmp_path / "pairs.jsonl"
    exported = CliRunner().invoke(main, ["export", "--db", str(db), "--what", "pairs", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    spoof = next(r for r in rows if {r["a"], r["b"]} == {"orig", "spoof"})
    assert spoof["disguises"]["b"][0]["kind"] == "lookalike_letters"


def test_export_links_writes_the_site_copy_network_as_an_edge_list(tmp_path: Path) -> None:
    body = _seed_body()
    db = _index(tmp_path / "l.db", [
        Article(id="orig", text=body, site="wire.example", published="2018-07-12T10:00:00Z"),
        Article(id="copy", text=body, site="farm.example", published="2018-07-12T16:00:00Z")])
    out = tmp_path / "links.csv"
    res = CliRunner().invoke(main, ["export", "--db", str(db), "--what", "links", "--format", "csv", "--out", str(out)])
    assert res.exit_code == 0, res.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == ["site,copies_from,copies,pairs,median_lag_hours,disguised", "farm.example,wire.example,1,1,6.0,0"]


def test_a_sites_own_reprints_are_named_as_such_not_as_another_source(tmp_path: Path) -> None:
    body = _seed_body()
    db = _index(tmp_path / "own.db", [
        Article(id="a", text=body, site="wire.example", published="2018-07-12"),
        Article(id="b", text=body + "\n\nAn update.", site="wire.example", published="2018-07-13")])
    rows = {r["site"]: r for r in json.loads(CliRunner().invoke(main, ["sites", "--db", str(db), "--json"]).output)}
    assert rows["wire.example"]["copied_from"] == {"wire.example": 1} and rows["wire.example"]["copies"] == 0
    table = CliRunner().invoke(main, ["sites", "--db", str(db)], env={"COLUMNS": "200"}).output
    assert "its own articles (1)" in table and "wire.example (1)" not in table
