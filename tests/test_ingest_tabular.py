"""JSON Lines, CSV and Parquet readers, with aliases and user mappings."""

from __future__ import annotations

import csv
import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from storytrace.errors import ConfigError
from storytrace.ingest import read_paths
from storytrace.model import Article, ReadError

ROWS = [
    {"id": "x1", "url": "https://www.news.example/a", "title": "First", "published": "2020-01-02", "text": "Alpha body."},
    {"url": "https://other.example/b", "site": "Other", "author": "Bo", "text": "Beta body."},
]


def _articles(items):
    return [i for i in items if isinstance(i, Article)]


def _write_jsonl(path, rows, opener=open):
    with opener(path, "wt", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")


@pytest.mark.parametrize("name,opener", [("a.jsonl", open), ("a.ndjson", open), ("a.jsonl.gz", gzip.open)])
def test_jsonl_fields(tmp_path, name, opener):
    p = tmp_path / name
    _write_jsonl(p, ROWS, opener)
    a, b = list(read_paths([p]))
    assert (a.id, a.title, a.published, a.site, a.text) == ("x1", "First", "2020-01-02", "news.example", "Alpha body.")
    assert a.origin == f"{p}:1"
    assert b.origin == f"{p}:2"
    assert (b.site, b.author, b.title) == ("Other", "Bo", "")
    assert b.id.startswith("a")


def test_jsonl_aliases(tmp_path):
    p = tmp_path / "a.jsonl"
    _write_jsonl(p, [{"doc_id": "d9", "headline": "H", "date": "July 4, 2019", "body": "Text here.", "domain": "d.example"}])
    (a,) = list(read_paths([p]))
    assert (a.id, a.title, a.published, a.text, a.site) == ("d9", "H", "2019-07-04", "Text here.", "d.example")


def test_canonical_name_beats_alias(tmp_path):
    p = tmp_path / "a.jsonl"
    _write_jsonl(p, [{"content": "menu", "text": "The story.", "date": "2019-01-01", "published": "2020-02-02"}])
    (a,) = list(read_paths([p]))
    assert a.text == "The story." and a.published == "2020-02-02"


def test_mapping_wins_over_aliases(tmp_path):
    p = tmp_path / "a.jsonl"
    _write_jsonl(p, [{"body": "teaser", "fulltext": "The real story.", "when": "2021-06-01T10:00:00Z", "title": "T"}])
    (a,) = list(read_paths([p], mapping={"fulltext": "text", "when": "published"}))
    assert a.text == "The real story."
    assert a.published == "2021-06-01T10:00:00Z"
    assert a.title == "T"
    (b,) = list(read_paths([p]))
    assert b.text == "teaser" and b.published is None


def test_bad_mapping_is_a_config_error():
    with pytest.raises(ConfigError):
        read_paths(["x.jsonl"], mapping={"col": "headline_text"})


def test_jsonl_bad_lines_each_one_error_rest_goes_on(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_bytes(
        b'{"text": "one"}\n'
        b'{"text": "two",\n'  # malformed
        b"\n"  # blank: skipped silently
        b"[1, 2]\n"  # not an object
        b'{"title": "no text here"}\n'
        b'{"text": "   "}\n'  # empty
        b'{"text": "caf\xe9 in cp1252"}\n'  # wrong encoding, recovered
        b'{"text": "three"}\n'
    )
    items = list(read_paths([p]))
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [e.origin for e in errors] == [f"{p}:2", f"{p}:4", f"{p}:5", f"{p}:6"]
    assert "malformed JSON" in errors[0].message
    assert "no text column" in errors[2].message
    assert [a.text for a in _articles(items)] == ["one", "café in cp1252", "three"]
    assert [a.origin for a in _articles(items)] == [f"{p}:1", f"{p}:7", f"{p}:8"]


def test_csv_fields_and_rows(tmp_path):
    p = tmp_path / "a.csv"
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["id", "url", "site", "title", "published", "author", "text"])
        w.writeheader()
        for row in ROWS:
            w.writerow(row)
        w.writerow({"text": "Multi\r\nline, with \"quotes\""})
    a, b, c = list(read_paths([p]))
    assert (a.id, a.site, a.published) == ("x1", "news.example", "2020-01-02")
    assert (a.origin, b.origin, c.origin) == (f"{p}:row 1", f"{p}:row 2", f"{p}:row 3")
    assert b.author == "Bo" and b.title == ""
    assert c.text == 'Multi\nline, with "quotes"'


def test_csv_gz_and_mapping(tmp_path):
    p = tmp_path / "a.csv.gz"
    with gzip.open(p, "wt", newline="", encoding="utf-8") as f:
        f.write("Story,Headline,When\nThe body.,Head,2019-03-03\n")
    (a,) = list(read_paths([p], mapping={"Story": "text", "When": "published"}))
    assert (a.text, a.title, a.published) == ("The body.", "Head", "2019-03-03")


def test_csv_bad_rows(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes(
        b"title,text\n"
        b"ok,good one\n"
        b"too,many,cells\n"
        b"no text,\n"
        b"short\n"
        b"fine,caf\xe9 au lait\n"
    )
    items = list(read_paths([p]))
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [e.origin for e in errors] == [f"{p}:row 2", f"{p}:row 3", f"{p}:row 4"]
    assert "expected 2 columns, found 3" in errors[0].message
    assert "no text" in errors[1].message
    assert [a.text for a in _articles(items)] == ["good one", "café au lait"]


def test_csv_without_text_column_is_one_error(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("title,summary\nA,B\nC,D\n")
    items = list(read_paths([p]))
    assert len(items) == 1 and isinstance(items[0], ReadError)
    assert items[0].origin == str(p) and "summary" in items[0].message


def test_tsv(tmp_path):
    p = tmp_path / "a.tsv"
    p.write_text("title\ttext\nH\tBody, with comma.\n")
    (a,) = list(read_paths([p]))
    assert (a.title, a.text) == ("H", "Body, with comma.")


def test_parquet_fields_aliases_mapping_and_batches(tmp_path, monkeypatch):
    from storytrace.ingest import tabular

    monkeypatch.setattr(tabular, "PARQUET_BATCH_ROWS", 2)  # force several record batches
    p = tmp_path / "a.parquet"
    n = 5
    table = pa.table(
        {
            "doc_id": [f"p{i}" for i in range(n)],
            "content": [f"Body {i}." if i != 3 else None for i in range(n)],
            "headline": [f"H{i}" for i in range(n)],
            "stamp": ["2020-01-0%d" % (i + 1) for i in range(n)],
            "source": ["s.example"] * n,
        }
    )
    pq.write_table(table, p)
    items = list(read_paths([p]))
    arts = _articles(items)
    assert [a.id for a in arts] == ["p0", "p1", "p2", "p4"]
    assert arts[0].title == "H0" and arts[0].text == "Body 0." and arts[0].site == "s.example"
    assert arts[0].published is None  # "stamp" is not a known alias
    assert [a.origin for a in arts] == [f"{p}:row {i}" for i in (1, 2, 3, 5)]
    (err,) = [i for i in items if isinstance(i, ReadError)]
    assert err.origin == f"{p}:row 4"
    mapped = _articles(read_paths([p], mapping={"stamp": "published"}))
    assert mapped[4 - 1].published == "2020-01-05"


def test_parquet_timestamp_column(tmp_path):
    import datetime as dt

    p = tmp_path / "t.parquet"
    when = dt.datetime(2020, 5, 6, 7, 8, 9, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    pq.write_table(pa.table({"text": ["x"], "published": pa.array([when], pa.timestamp("s", tz="+02:00"))}), p)
    (a,) = list(read_paths([p]))
    assert a.published == "2020-05-06T05:08:09Z"


def test_bad_parquet_is_one_error(tmp_path):
    p = tmp_path / "broken.parquet"
    p.write_bytes(b"PAR1 this is not really parquet")
    items = list(read_paths([p]))
    assert len(items) == 1 and isinstance(items[0], ReadError)
    assert items[0].origin == str(p) and "Parquet" in items[0].message


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_large_files_are_streamed(tmp_path, fmt):
    """Peak Python memory stays far below the file size while iterating."""
    import tracemalloc

    body = "word " * 2000  # ~10 kB per article
    n = 1500  # ~15 MB file
    p = tmp_path / f"big.{fmt}"
    with open(p, "w", encoding="utf-8", newline="") as f:
        if fmt == "jsonl":
            for i in range(n):
                f.write(json.dumps({"id": str(i), "text": body}) + "\n")
        else:
            w = csv.writer(f)
            w.writerow(["id", "text"])
            for i in range(n):
                w.writerow([str(i), body])
    size = p.stat().st_size
    tracemalloc.start()
    try:
        count = sum(1 for item in read_paths([p]) if isinstance(item, Article))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    assert peak < size / 10, (peak, size)


def test_text_as_list_of_paragraphs(tmp_path):
    p = tmp_path / "a.jsonl"
    _write_jsonl(p, [{"text": ["First para.", "Second para."]}, {"text": 42}])
    a, err = list(read_paths([p]))
    assert a.text == "First para.\n\nSecond para."
    assert isinstance(err, ReadError) and err.origin == f"{p}:2" and "not a string" in err.message


def test_read_warning_is_a_read_error_and_pickles(tmp_path):
    import pickle

    from storytrace.ingest import ReadWarning

    p = tmp_path / "a.jsonl"
    _write_jsonl(p, [{"text": "x", "date": "not a date"}])
    art, warn = list(read_paths([p]))
    assert isinstance(art, Article) and art.published is None
    assert isinstance(warn, ReadWarning) and isinstance(warn, ReadError)
    assert warn.origin == f"{p}:1" and "kept without a date" in warn.message
    assert pickle.loads(pickle.dumps(warn)) == warn


def test_csv_quote_never_closed_is_named_not_swallowed_in_silence(tmp_path):
    p = tmp_path / "q.csv"
    p.write_text('id,text\nu1,Row one about maps.\nu2,"never closed quote about wine\nu3,Row three about tulips.\n')
    items = list(read_paths([p]))
    assert [a.id for a in _articles(items)] == ["u1"]
    errs = [i for i in items if isinstance(i, ReadError)]
    assert len(errs) == 1 and errs[0].origin == f"{p}:row 2"
    assert "never closed" in errs[0].message and "line 3" in errs[0].message


def test_csv_with_semicolons_is_read_by_its_own_delimiter(tmp_path):
    p = tmp_path / "eu.csv"
    p.write_text('id;title;text\ns1;Erste;"Ein Text; mit Semikolon."\ns2;Zweite;Noch ein Text.\n')
    items = list(read_paths([p]))
    assert not [i for i in items if isinstance(i, ReadError)]
    assert [(a.id, a.title, a.text) for a in _articles(items)] == [
        ("s1", "Erste", "Ein Text; mit Semikolon."), ("s2", "Zweite", "Noch ein Text.")]


def test_jsonl_messages_name_json_types_and_say_at_once(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_text('null\n[1]\n{"text": "tab\there"}\n')
    msgs = [i.message for i in read_paths([p]) if isinstance(i, ReadError)]
    assert msgs[0] == "expected a JSON object, found null"
    assert msgs[1] == "expected a JSON object, found an array"
    assert " at at " not in msgs[2] and "at column" in msgs[2]


def test_a_file_of_story_labels_is_not_read_as_articles_and_warns_once(tmp_path):
    p = tmp_path / "truth.jsonl"  # what synth writes beside articles.jsonl: labels, no text
    p.write_text("".join(json.dumps({"id": f"a{i}", "story": f"g{i % 3}", "source": None}) + "\n" for i in range(50)))
    items = list(read_paths([tmp_path]))
    assert not _articles(items)
    errs = [i for i in items if isinstance(i, ReadError)]
    assert len(errs) == 2
    assert errs[0].origin == f"{p}:1" and "no text column" in errs[0].message
    assert errs[1].origin == f"{p}:2" and "49 more lines" in errs[1].message and "2-50" in errs[1].message
