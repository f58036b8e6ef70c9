"""A user's pairs file read as spreadsheets and pandas write them; each bad row named, the rest scored."""

from __future__ import annotations

import gzip

import pytest

from storytrace.errors import InputError
from storytrace.eval.labelled_pairs import read_pairs

KNOWN = {"x1", "x2", "x3", "x4", "3"}


def _read(tmp_path, name: str, text: str, **kw):
    path = tmp_path / name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_bytes(text.encode(kw.pop("encoding", "utf-8")))
    return read_pairs(path, KNOWN, "arts.jsonl")


@pytest.mark.parametrize(("name", "text"), [
    ("caps.csv", "A,B,Label\nx1,x2,1\nx3,x4,0\n"),
    ("spaces.csv", " a , b , label \nx1 , x2 , 1\nx3,x4,0\n"),
    ("order.csv", "label,note,b,a\n1,n,x2,x1\n0,n,x4,x3\n"),
    ("tabs.tsv", "a\tb\tlabel\nx1\tx2\t1\nx3\tx4\t0\n"),
    ("semi.csv", "a;b;label\nx1;x2;1\nx3;x4;0\n"),
    ("zipped.csv.gz", "a,b,label\nx1,x2,1\nx3,x4,0\n"),
    ("words.csv", "a,b,label\nx1,x2,Yes\nx3,x4,false\n"),
    ("floats.csv", "a,b,label\nx1,x2,1.0\nx3,x4,0.0\n"),
    ("headerless.csv", "x1,x2,1\nx3,x4,0\n"),
    ("crlf.csv", "a,b,label\r\nx1,x2,1\r\nx3,x4,0\r\n"),
])
def test_the_ways_people_write_a_pairs_file_all_read_the_same(tmp_path, name: str, text: str) -> None:
    assert _read(tmp_path, name, text) == ([("x1", "x2", 1.0), ("x3", "x4", 0.0)], [])


def test_a_byte_order_mark_is_no_part_of_the_header(tmp_path) -> None:
    assert _read(tmp_path, "bom.csv", "\ufeffa,b,label\nx1,x2,1\n") == ([("x1", "x2", 1.0)], [])


def test_each_bad_row_is_named_and_left_out(tmp_path) -> None:
    text = "a,b,label\nx1,x2,1\nx1,x3,3.4\nx1,nope,1\nx2,x2,1\nx2,x1,0\nx1,x2,1\nx3\n3.0,x4,1\n"
    rows, problems = _read(tmp_path, "p.csv", text)
    assert rows == [("x1", "x2", 1.0), ("3", "x4", 1.0)]  # "3.0" is the id 3 as pandas writes it
    assert [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in problems] == ["3", "4", "5", "6", "7", "8"]
    assert "'3.4' is not 0 or 1" in problems[0] and "your cut" in problems[0]
    assert "no article 'nope' in arts.jsonl" in problems[1]
    assert "with itself" in problems[2]
    assert "contradicts line 2" in problems[3] and "repeats line 2" in problems[4]
    assert "found 1 field" in problems[5]


def test_many_problems_of_one_kind_are_counted_in_one_line(tmp_path) -> None:
    text = "a,b,label\nx1,x2,1\n" + "".join(f"x1,x3,{g}\n" for g in (2, 3, 4, 5, 2.5, 4.5, 3.5))
    rows, problems = _read(tmp_path, "graded.csv", text)
    assert rows == [("x1", "x2", 1.0)] and len(problems) == 6
    assert problems[-1].endswith("graded.csv:8: and 2 more rows with a label that is no yes or no (lines 8-9)")


def test_a_file_with_no_usable_row_or_no_pair_columns_is_refused(tmp_path) -> None:
    with pytest.raises(InputError, match="no usable pair.*is not 0 or 1"):
        _read(tmp_path, "none.csv", "a,b,label\nx1,x2,maybe\n")
    with pytest.raises(InputError, match="expected columns a, b, label; found: left, right, same"):
        _read(tmp_path, "cols.csv", "left,right,same\nx1,x2,1\n")
    with pytest.raises(InputError, match="empty"):
        _read(tmp_path, "empty.csv", "")


def test_bytes_that_are_not_utf8_cost_their_row_only(tmp_path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("a,b,label\nx1,x2,1\nx\xe9,x3,1\n".encode("latin-1"))
    rows, problems = read_pairs(path, KNOWN, "arts.jsonl")
    assert rows == [("x1", "x2", 1.0)] and len(problems) == 1 and "no article" in problems[0]
