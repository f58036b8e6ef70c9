"""Bad input: each problem is one ReadError naming the file (and line/row), and the batch goes on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storytrace.ingest import read_paths
from storytrace.model import Article, ReadError

GOOD = "Published: 2018-07-14\nNews | By Ann\n\nHeadline\n\nA body paragraph."


def _split(items):
    arts = [i for i in items if isinstance(i, Article)]
    errs = [i for i in items if isinstance(i, ReadError)]
    return arts, errs


@pytest.fixture
def good(tmp_path: Path) -> Path:
    p = tmp_path / "zz_good.txt"
    p.write_text(GOOD, encoding="utf-8")
    return p


def _one_error_then_good(bad: Path, good: Path) -> ReadError:
    items = list(read_paths([bad, good]))
    arts, errs = _split(items)
    assert len(errs) == 1, errs
    assert errs[0].origin == str(bad)
    assert len(arts) == 1 and arts[0].text == "A body paragraph."
    return errs[0]


def test_missing_path(tmp_path, good):
    err = _one_error_then_good(tmp_path / "nope.txt", good)
    assert "no such file" in err.message


def test_binary_txt(tmp_path, good):
    p = tmp_path / "bin.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "binary" in _one_error_then_good(p, good).message


def test_binary_jsonl_is_one_error_not_one_per_line(tmp_path, good):
    p = tmp_path / "bin.jsonl"
    p.write_bytes(b"\x00\x01\x02\n" * 50)
    assert "binary" in _one_error_then_good(p, good).message


def test_undecodable_txt_names_the_encodings(tmp_path, good):
    p = tmp_path / "enc.txt"
    p.write_bytes(b"Bad bytes \x81\x8d\x90 here")  # invalid UTF-8, and undefined in cp1252
    err = _one_error_then_good(p, good)
    assert "UTF-8" in err.message and "cp1252" in err.message


def test_cp1252_and_bom_txt_are_decoded(tmp_path):
    a = tmp_path / "a.txt"
    a.write_bytes("Caf\u00e9 \u201cquoted\u201d".encode("cp1252"))
    b = tmp_path / "b.txt"
    b.write_bytes(b"\xef\xbb\xbfWith a BOM.")
    c = tmp_path / "c.txt"
    c.write_bytes("UTF-16 text \u00e9".encode("utf-16"))
    texts = [x.text for x in read_paths([a, b, c])]
    assert texts == ["Caf\u00e9 \u201cquoted\u201d", "With a BOM.", "UTF-16 text \u00e9"]


@pytest.mark.parametrize("content", ["", "   \n\n  \r\n", "Like this:\n\nShare this:\n", "Published: 2018-07-14\n\nOnly a headline?\n"])
def test_empty_articles(tmp_path, good, content):
    p = tmp_path / "empty.txt"
    p.write_text(content, encoding="utf-8")
    _one_error_then_good(p, good)


def test_permission_denied_is_reported(tmp_path, good, monkeypatch):
    p = tmp_path / "locked.txt"
    p.write_text(GOOD)
    real = Path.read_bytes

    def fake(self: Path) -> bytes:
        if self == p:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", fake)
    assert "Permission denied" in _one_error_then_good(p, good).message


def test_permission_denied_jsonl(tmp_path, good, monkeypatch):
    from storytrace.ingest import tabular

    p = tmp_path / "locked.jsonl"
    p.write_text('{"text": "x"}\n')

    def fake(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(p))

    monkeypatch.setattr(tabular, "_open_binary", fake)
    assert "Permission denied" in _one_error_then_good(p, good).message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_real_chmod_000(tmp_path, good):
    p = tmp_path / "locked.txt"
    p.write_text(GOOD)
    p.chmod(0)
    try:
        _one_error_then_good(p, good)
    finally:
        p.chmod(0o644)


def test_corrupt_gzip(tmp_path, good):
    p = tmp_path / "x.jsonl.gz"
    p.write_bytes(b"not gzip at all")
    _one_error_then_good(p, good)


def test_truncated_gzip_keeps_earlier_lines(tmp_path):
    import gzip

    p = tmp_path / "t.jsonl.gz"
    data = gzip.compress(b"".join(b'{"text": "line %d"}\n' % i for i in range(2000)))
    p.write_bytes(data[: len(data) // 2])
    arts, errs = _split(list(read_paths([p])))
    assert len(errs) == 1 and errs[0].origin.startswith(f"{p}:")
    assert len(arts) > 10 and arts[0].text == "line 0"


def test_unknown_extension_named_explicitly(tmp_path, good):
    p = tmp_path / "notes.docx"
    p.write_text("whatever")
    assert "unsupported file type" in _one_error_then_good(p, good).message


def test_read_paths_never_raises_on_unexpected_reader_errors(tmp_path, good, monkeypatch):
    from storytrace.ingest import txt

    def boom(text, origin="", meta=None):
        raise RuntimeError("kaput")

    monkeypatch.setattr(txt, "parse_text", boom)
    p = tmp_path / "a.txt"
    p.write_text("x")
    items = list(read_paths([p]))
    assert len(items) == 1 and isinstance(items[0], ReadError) and "kaput" in items[0].message


def test_small_truncated_gzip_keeps_its_whole_lines_and_names_where_it_ends(tmp_path):
    import gzip

    p = tmp_path / "small.jsonl.gz"
    data = gzip.compress(b"".join(b'{"text": "line %d"}\n' % i for i in range(20)))
    p.write_bytes(data[:-12])  # the trailer and a little of the stream gone
    arts, errs = _split(list(read_paths([p])))
    assert len(errs) == 1 and "cannot read further" in errs[0].message
    assert arts and [a.text for a in arts] == [f"line {i}" for i in range(len(arts))]
    assert errs[0].origin == f"{p}:{len(arts) + 1}"


def test_one_line_with_nul_bytes_costs_that_line_only(tmp_path, good):
    p = tmp_path / "feed.jsonl"
    p.write_bytes(b'{"text": "first"}\n{"text": "bro\x00ken"}\n{"text": "third"}\n')
    arts, errs = _split(list(read_paths([p, good])))
    assert [a.text for a in arts] == ["first", "third", "A body paragraph."]
    assert len(errs) == 1 and errs[0].origin == f"{p}:2" and "NUL" in errs[0].message


def test_binary_without_nul_bytes_is_refused(tmp_path, good):
    import random

    p = tmp_path / "noise.txt"
    rng = random.Random(3)
    p.write_bytes(bytes(rng.choice([b for b in range(1, 256) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)])
                        for _ in range(4000)))
    assert "control characters" in _one_error_then_good(p, good).message


@pytest.mark.parametrize("name,body", [
    ("f.jsonl", '{"id": "u1", "text": "Sixteen bits a letter."}\n'),
    ("f.csv", 'id,text\r\nu1,"Sixteen bits a letter."\r\n'),
    ("f.tsv", 'id\ttext\r\nu1\tSixteen bits a letter.\r\n'),
])
def test_utf16_line_files_are_read_by_their_byte_order_mark(tmp_path, name, body):
    p = tmp_path / name
    p.write_bytes(body.encode("utf-16"))  # with a BOM, as Excel's "Unicode Text" writes it
    arts, errs = _split(list(read_paths([p])))
    assert not errs, errs
    assert [(a.id, a.text) for a in arts] == [("u1", "Sixteen bits a letter.")]


@pytest.mark.parametrize("name,body", [("e.jsonl", ""), ("h.csv", "id,text\n")])
def test_a_file_with_no_articles_is_named(tmp_path, good, name, body):
    p = tmp_path / name
    p.write_text(body)
    assert "no articles" in _one_error_then_good(p, good).message
