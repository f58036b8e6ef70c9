"""The JSON API against a real server process on a loopback port picked at run time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from server_helpers import SEED_SENTENCE, TOKEN, ServerProcess, build_index, hostile_articles, seeds_dir

from storytrace.ingest import read_paths
from storytrace.model import Article

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    db = tmp_path_factory.mktemp("api") / "seeds.db"
    build_index(db, [seeds_dir()])
    with ServerProcess(db, token=TOKEN) as proc:
        yield proc


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


@pytest.fixture(scope="module")
def seed_story(client: httpx.Client) -> dict:
    stories = client.get("/api/stories").json()["stories"]
    story = next(s for s in stories if s["size"] >= 2)
    return client.get(f"/api/stories/{story['id']}").json()


def test_health(client: httpx.Client) -> None:
    body = client.get("/api/health").json()
    assert body == {"status": "ok", "articles": 2, "writable": True}


def test_seeds_form_one_story_with_first_publisher(seed_story: dict) -> None:
    assert seed_story["size"] == 2
    assert seed_story["headline"] == "Russia's Putin meets Iran Supreme Leader's aide in Moscow"
    first = seed_story["first_publisher"]
    assert first["published"] == "2018-07-13"  # 001 (Fri July 13) predates 000 (Sat July 14)
    assert first["article"] == seed_story["members"][0]
    assert {a["id"] for a in seed_story["articles"]} == set(seed_story["members"])
    assert all("text" not in a for a in seed_story["articles"])


def test_story_search_and_filters(client: httpx.Client, seed_story: dict) -> None:
    def ids(**params: str) -> list[str]:
        response = client.get("/api/stories", params=params)
        assert response.status_code == 200, response.text
        return [s["id"] for s in response.json()["stories"]]

    assert seed_story["id"] in ids(q="Putin Moscow")
    assert ids(q="zebra") == []
    assert seed_story["id"] in ids(since="2018-07-14", until="2018-07-14")
    assert ids(since="2019-01-01") == []
    assert ids(until="2018-07-01") == []
    assert seed_story["id"] in ids(order="recent")


def test_stories_min_size_is_applied_before_the_page(client: httpx.Client) -> None:
    every = client.get("/api/stories", params={"limit": 500}).json()["stories"]
    biggest = max(s["size"] for s in every)
    got = client.get("/api/stories", params={"limit": 500, "min_size": biggest}).json()["stories"]
    assert got and [s["id"] for s in got] == [s["id"] for s in every if s["size"] >= biggest]
    assert client.get("/api/stories", params={"min_size": biggest + 1}).json()["stories"] == []
    assert client.get("/api/stories", params={"min_size": 0}).status_code == 422


def test_bad_parameters_are_4xx_with_reason(client: httpx.Client) -> None:
    response = client.get("/api/stories", params={"since": "last tuesday"})
    assert response.status_code == 400
    assert "last tuesday" in response.json()["detail"]
    assert client.get("/api/stories", params={"order": "random"}).status_code == 422
    assert client.get("/api/stories", params={"limit": 0}).status_code == 422


def test_unknown_ids_are_404(client: httpx.Client) -> None:
    for path in ("/api/stories/s000000000000", "/api/articles/nope", "/api/pair?a=nope&b=nada"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "nope" in response.json()["detail"] or "s000000000000" in response.json()["detail"]


def test_article_has_story_and_relations(client: httpx.Client, seed_story: dict) -> None:
    first, other = seed_story["members"]
    body = client.get(f"/api/articles/{first}").json()
    assert body["story_id"] == seed_story["id"]
    assert SEED_SENTENCE in body["text"]
    assert body["content"].startswith(body["title"])
    assert [(r["a"], r["b"]) for r in body["relations"]] in ([(first, other)], [(other, first)])


def test_pair_passages_point_at_the_shared_sentence(client: httpx.Client, seed_story: dict) -> None:
    a, b = seed_story["members"]
    rel = client.get("/api/pair", params={"a": a, "b": b}).json()
    content_a = client.get(f"/api/articles/{a}").json()["content"]
    content_b = client.get(f"/api/articles/{b}").json()["content"]
    verbatim = [p for p in rel["passages"] if p["kind"] == "verbatim"]
    hits = [
        p for p in verbatim
        if SEED_SENTENCE in content_a[p["a"]["start"]:p["a"]["end"]]
        and SEED_SENTENCE in content_b[p["b"]["start"]:p["b"]["end"]]
    ]
    assert hits, rel["passages"]
    assert rel["earlier"] == "a"  # a is the first publisher


def test_pairs_listing_filters(client: httpx.Client, seed_story: dict) -> None:
    all_pairs = client.get("/api/pairs").json()["pairs"]
    assert len(all_pairs) == 1
    # the listing's rows are those of `storytrace pairs --json`: no passage list that would read as empty
    assert set(all_pairs[0]) == {"a", "b", "copy", "story", "earlier", "scores", "disguises"}
    kind = all_pairs[0]["copy"]
    assert len(client.get("/api/pairs", params={"copy": kind}).json()["pairs"]) == 1
    other = next(k for k in ("exact", "near", "partial", "none") if k != kind)
    assert client.get("/api/pairs", params={"copy": other}).json()["pairs"] == []
    assert client.get("/api/pairs", params={"article": seed_story["members"][0]}).json()["pairs"] == all_pairs


def test_sites(client: httpx.Client) -> None:
    sites = client.get("/api/sites").json()["sites"]
    assert sum(s["articles"] for s in sites) == 2
    # the seeds name no site: their copy pair is one unknown site reprinting itself, not copying another
    assert [(s["site"], s["copied_from"], s["copies"], s["copied"], s["median_lag_hours"]) for s in sites] == [
        (None, {"": 1}, 0, 0, None)]
    page = client.get("/sites")
    assert page.status_code == 200 and "Copied by others" in page.text and "Median lag" in page.text
    for path, key in (("/api/sites", "sites"), ("/api/sites/links", "links")):
        every = client.get(path).json()[key]
        assert client.get(path, params={"limit": 1}).json()[key] == every[:1]
        assert client.get(path, params={"offset": 1}).json()[key] == every[1:]
        assert client.get(path, params={"offset": len(every)}).json()[key] == []
        assert client.get(path, params={"limit": 0}).status_code == 422


def test_compare_matches_library(client: httpx.Client) -> None:
    from storytrace import compare
    from storytrace.model import Article

    texts = [p.read_text() for p in sorted(seeds_dir().glob("*.txt"))]
    response = client.post("/api/compare", json={"a": texts[0], "b": texts[1]})
    assert response.status_code == 200
    expected = compare(Article(text=texts[0], id="a"), Article(text=texts[1], id="b")).to_dict()
    assert response.json() == json.loads(json.dumps(expected))
    passage = next(p for p in response.json()["passages"] if SEED_SENTENCE in p["a"]["text"] or
                   SEED_SENTENCE in texts[0][p["a"]["start"]:p["a"]["end"]])
    assert SEED_SENTENCE in texts[1][passage["b"]["start"]:passage["b"]["end"]]


def test_compare_validation(client: httpx.Client) -> None:
    assert client.post("/api/compare", json={"a": "only one"}).status_code == 422
    assert client.post("/api/compare", content=b"{not json", headers={"content-type": "application/json"}).status_code == 422


def test_query_finds_the_other_seed(client: httpx.Client, seed_story: dict) -> None:
    text = "Russia's Putin meets Iran Supreme Leader's aide\n\n" + SEED_SENTENCE + " Velayati was speaking at a forum in Moscow."
    matches = client.post("/api/query", json={"text": text}).json()["matches"]
    assert {m["article"]["id"] for m in matches} & set(seed_story["members"])
    assert all(m["story_id"] == seed_story["id"] for m in matches)
    assert all("text" not in m["article"] for m in matches)
    assert client.get("/api/health").json()["articles"] == 2  # a query stores nothing


def test_query_answer_is_the_json_of_the_matches(client: httpx.Client, server: ServerProcess) -> None:
    from storytrace import Index

    text = "Russia's Putin meets Iran Supreme Leader's aide\n\n" + SEED_SENTENCE
    response = client.post("/api/query", json={"text": text, "limit": 5})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    with Index(server.db, readonly=True) as index:
        expected = [m.to_dict() for m in index.query(text, limit=5)]
    assert expected and response.json() == {"matches": json.loads(json.dumps(expected))}


def test_openapi_schema(client: httpx.Client) -> None:
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/pair", "/api/compare", "/api/query", "/api/articles",
                 "/api/duplicates"):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/articles"]
    assert client.get("/docs").status_code == 404  # Swagger UI would pull scripts from a CDN


def test_body_limit(client: httpx.Client) -> None:
    big = "x" * (2 * 1024 * 1024 + 10)
    response = client.post("/api/compare", json={"a": big, "b": "y"})
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]

    def chunks() -> Iterator[bytes]:
        yield b'{"a": "'
        for _ in range(300):
            yield b"z" * 10_000
        yield b'", "b": "y"}'

    streamed = client.post("/api/compare", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


def test_cross_origin_post_refused(client: httpx.Client, server: ServerProcess) -> None:
    body = {"a": "one text here", "b": "another text here"}
    assert client.post("/api/compare", json=body, headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.post("/api/compare", json=body, headers={"Origin": server.url}).status_code == 200


def test_security_headers(client: httpx.Client) -> None:
    response = client.get("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def test_writes_need_the_token(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    build_index(db, [seeds_dir()])
    article = {"id": "new-1", "title": "Flood in Dhaka", "text": "Heavy rain flooded Dhaka on Monday.", "site": "a.example"}
    with ServerProcess(db, token=TOKEN) as srv, srv.client() as c:
        assert c.post("/api/articles", json={"articles": [article]}).status_code == 401
        wrong = c.post("/api/articles", json={"articles": [article]}, headers={"Authorization": "Bearer nope-nope-nope"})
        assert wrong.status_code == 401
        assert c.get("/api/articles/new-1").status_code == 404

        ok = c.post("/api/articles", json={"articles": [article]}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 201, ok.text
        assert ok.json()["added"] == 1
        # Readers see the write right away.
        assert c.get("/api/articles/new-1").json()["title"] == "Flood in Dhaka"
        assert c.get("/api/health").json()["articles"] == 3
        again = c.post("/api/articles", json={"articles": [article]}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert again.json()["added"] == 0  # idempotent

        empty = c.post("/api/articles", json={"articles": [{"text": ""}]}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert empty.status_code == 422


def test_a_posted_article_is_read_as_a_scan_reads_the_same_record(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    build_index(db, [seeds_dir()])
    record = {"title": "Flood in Dhaka", "site": "a.example", "published": "Mon, 13 Jul 2020 09:00:00 +0200",
              "text": "<p>Heavy rain flooded Dhaka&#8217;s old town on Monday.</p><p>Like this:</p>"}
    jsonl = tmp_path / "one.jsonl"
    jsonl.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (scanned,) = [a for a in read_paths([jsonl]) if isinstance(a, Article)]
    with ServerProcess(db, token=TOKEN) as srv, srv.client() as c:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        added = c.post("/api/articles", json={"articles": [record, {"text": "  ", "title": "blank"}]}, headers=auth)
        assert added.status_code == 201, added.text
        report = added.json()
        assert (report["added"], report["skipped"]) == (1, 1)
        assert report["errors"] == ["articles[1]: no text"]
        assert report["repaired"] == {"markup": 1}  # counted as a scan counts it, not listed
        stored = c.get(f"/api/articles/{scanned.id}").json()  # the id a scan of the same record gives
        assert stored["text"] == "Heavy rain flooded Dhaka’s old town on Monday." == scanned.text
        assert stored["published"] == "2020-07-13T07:00:00Z" == scanned.published


def test_read_only_server_refuses_writes(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    build_index(db, [seeds_dir()])
    with ServerProcess(db) as srv, srv.client() as c:
        assert c.get("/api/health").json()["writable"] is False
        response = c.post("/api/articles", json={"articles": [{"text": "x"}]}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 403
        assert "read-only" in response.json()["detail"]


def test_hostile_text_stays_inert(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    build_index(db, [seeds_dir()])
    with ServerProcess(db, token=TOKEN) as srv, srv.client() as c:
        added = c.post("/api/articles", json={"articles": hostile_articles()}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert added.status_code == 201, added.text
        api = c.get("/api/articles/xss-1")
        assert api.headers["content-type"].startswith("application/json")
        assert api.json()["title"].startswith("<script>")  # data comes back unchanged, as JSON
        site_page = "/sites/" + quote("evil.example<script>", safe="")
        for path in ("/articles/xss-1", f"/stories/{api.json()['story_id']}", "/sites", site_page, "/?q=Breaking"):
            html = c.get(path, headers={"Accept": "text/html"}).text
            assert "<script>alert" not in html, path
            assert "onerror=alert(2)>" not in html and "<svg onload" not in html, path
            assert 'href="javascript:' not in html, path
        # xss-1 reprints a seed sentence two days after the earlier seed: one of the site's two articles
        # copies another site, 48 hours on
        assert "1 (50%) copy an earlier article of another site, a median 48.0 h after it" in c.get(site_page).text
        page = c.get("/articles/xss-1").text
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page
        assert "javascript:alert(4)" in page  # shown as text, never as a link


def test_stored_copy_pairs_carry_their_disguises_to_sites_and_pages(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    build_index(db, [seeds_dir()])
    source = " ".join(f"Sentence number {n} of the report talks about the harbour of Genoa and its cranes."
                      for n in ("one", "two", "three", "four", "five", "six"))
    copy = source.replace(". ", ".").replace("harbour", "hаrbour")  # glued stops, Cyrillic а
    articles = [{"id": "genoa-wire", "text": source, "site": "wire.example", "published": "2021-05-01T08:00:00Z"},
                {"id": "genoa-farm", "text": copy, "site": "farm.example", "published": "2021-05-01T11:00:00Z"}]
    with ServerProcess(db, token=TOKEN) as srv, srv.client() as c:
        added = c.post("/api/articles", json={"articles": articles}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert added.status_code == 201, added.text
        sites = {s["site"]: s for s in c.get("/api/sites").json()["sites"]}
        farm = sites["farm.example"]
        assert (farm["copies"], farm["disguised"], farm["disguised_share"]) == (1, 1, 1.0)
        assert set(farm["disguises"]) == {"lookalike_letters", "missing_spaces"}
        assert sites["wire.example"]["disguised_share"] is None
        links = c.get("/api/sites/links").json()["links"]
        # the seeds (no site) reprint each other too: a link of the unknown site to itself
        assert {(r["site"], r["copies_from"], r["copies"], r["disguised"]) for r in links} == {
            ("farm.example", "wire.example", 1, 1), (None, None, 1, 0)}
        assert "1 (100%)" in c.get("/sites").text
        # ranked as `storytrace sites --sort` ranks: the farm first by its disguised share
        ranked = c.get("/sites", params={"sort": "disguised_share"}).text
        assert ranked.index("farm.example") < ranked.index("wire.example")
        assert "wire.example" not in c.get("/sites", params={"sort": "copies", "min_articles": 2}).text
        assert c.get("/sites", params={"sort": "lag"}).status_code == 400
        api = c.get("/api/sites", params={"sort": "disguised_share", "min_articles": 1}).json()["sites"]
        assert api[0]["site"] == "farm.example"
        assert c.get("/api/sites", params={"sort": "lag"}).status_code == 400
        site_page = c.get("/sites/farm.example").text
        assert "1 of them disguised (" in site_page and "lookalike letters 1" in site_page
        article = c.get("/articles/genoa-farm").text
        assert "disguised: " in article and "lookalike letters" in article
        # the wire's page lists the farm under "Copied by", with the farm's disguises, not its own
        assert "disguised: " in c.get("/articles/genoa-wire").text


def test_pages_name_the_original_first_when_its_date_is_a_late_scrape(tmp_path: Path) -> None:
    """The wire's page was scraped a month late; the farm's copy, dated first, plays look-alike letters:
    the story page names the wire first and says why, and the article pages orient the copy by its tricks."""
    db = tmp_path / "late.db"
    build_index(db, [seeds_dir()])
    source = " ".join(f"Sentence number {n} of the report talks about the harbour of Genoa and its cranes."
                      for n in ("one", "two", "three", "four", "five", "six"))
    copy = source.replace("harbour", "hаrbour").replace("cranes", "crаnes")  # Cyrillic а
    articles = [{"id": "genoa-wire", "text": source, "site": "wire.example", "published": "2021-06-01T08:00:00Z"},
                {"id": "genoa-farm", "text": copy, "site": "farm.example", "published": "2021-05-01T11:00:00Z"}]
    with ServerProcess(db, token=TOKEN) as srv, srv.client() as c:
        added = c.post("/api/articles", json={"articles": articles}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert added.status_code == 201, added.text
        story_id = c.get("/api/articles/genoa-wire").json()["story_id"]
        assert c.get(f"/api/stories/{story_id}").json()["first_publisher"]["article"] == "genoa-wire"
        page = c.get(f"/stories/{story_id}").text
        assert "play tricks only copiers play" in page
        farm = c.get("/articles/genoa-farm").text
        copies_from = farm[farm.index("Copies from"):farm.index("Copied by")]
        assert "genoa-wire" in copies_from and "lookalike letters" in copies_from
        wire = c.get("/articles/genoa-wire").text
        assert "genoa-farm" in wire[wire.index("Copied by"):]


def test_duplicates_endpoint_pages_what_export_dedup_leaves_out(tmp_path: Path) -> None:
    db = tmp_path / "dup.db"
    build_index(db, [seeds_dir()])
    source = " ".join(f"Sentence number {n} of the report talks about the harbour of Genoa and its cranes."
                      for n in ("one", "two", "three", "four", "five", "six"))
    articles = [{"id": "wire", "text": source, "published": "2021-05-01T08:00:00Z"},
                {"id": "reprint", "text": source, "published": "2021-05-01T09:00:00Z"},
                {"id": "farm", "text": source.replace("harbour", "hаrbour"), "published": "2021-05-01T10:00:00Z"}]
    with ServerProcess(db, token=TOKEN) as srv, srv.client() as c:
        assert c.post("/api/articles", json={"articles": articles},
                      headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 201
        near = c.get("/api/duplicates").json()
        assert (near["total"], near["level"]) == (2, "near")
        assert {(r["article"], r["kept"]) for r in near["duplicates"]} == {("reprint", "wire"), ("farm", "wire")}
        assert c.get("/api/duplicates", params={"level": "exact"}).json()["duplicates"] == [
            {"article": "reprint", "kept": "wire"}]
        first = c.get("/api/duplicates", params={"limit": 1}).json()
        assert len(first["duplicates"]) == 1 and first["next_offset"] == 1
        assert c.get("/api/duplicates", params={"offset": 1}).json()["next_offset"] is None
        assert c.get("/api/duplicates", params={"level": "story"}).status_code == 422


def test_compare_page_lists_each_sides_disguises_as_text(client: httpx.Client) -> None:
    source = " ".join(f"Sentence number {n} of the report talks about the harbour of Genoa and its cranes."
                      for n in ("one", "two", "three", "four", "five", "six"))
    copy = source.replace(". ", ".").replace("harbour", "hаrbour<b>")  # Cyrillic а, and markup to stay inert
    page = client.post("/compare", data={"a": copy, "b": source})
    assert page.status_code == 200
    assert '<span class="badge disguise">missing spaces</span>' in page.text
    assert '<span class="badge disguise">lookalike letters</span>' in page.text
    assert "hаrbour&lt;b&gt;" in page.text and "hаrbour<b>" not in page.text
    api = client.post("/api/compare", json={"a": copy, "b": source}).json()
    assert {d["kind"] for d in api["disguises"]["a"]} >= {"missing_spaces", "lookalike_letters"}
    assert api["disguises"]["b"] == []
