"""A user's pairs file read as spreadsheets and pandas write them: each bad row named, the rest scored."""

from __future__ import annotations

import gzip
import os

import pytest

from storytrace.errors import InputError
from storytrace.eval.pairs_file import read_pairs

KNOWN = {"x1", "x2", "x3", "x4", "3", "7"}
GOOD = [("x1", "x2", 1.0), ("x3", "x4", 0.0)]


def _write(tmp_path, name: str, data: str | bytes):
    path = tmp_path / name
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path.write_bytes(gzip.compress(raw) if name.endswith(".gz") else raw)
    return path


def _read(tmp_path, name: str, data: str | bytes):
    return read_pairs(_write(tmp_path, name, data), KNOWN, "arts.jsonl")


# 1. headers, BOM, gzip, delimiters

@pytest.mark.parametrize(("name", "data"), [
    ("caps.csv", "A,B,Label\nx1,x2,1\nx3,x4,0\n"),
    ("spaces.csv", " a , b , label \nx1 , x2 , 1\nx3,x4,0\n"),
    ("order.csv", "label,note,b,a,extra\n1,n,x2,x1,e\n0,n,x4,x3,e\n"),
    ("bom.csv", "\ufeffa,b,label\r\nx1,x2,1\r\nx3,x4,0\r\n"),
    ("zipped.csv.gz", "a,b,label\nx1,x2,1\nx3,x4,0\n"),
    ("tabs.tsv", "a\tb\tlabel\nx1\tx2\t1\nx3\tx4\t0\n"),
    ("tabs.txt", "a\tb\tlabel\nx1\tx2\t1\nx3\tx4\t0\n"),
    ("semi.csv", "a;b;label\nx1;x2;1\nx3;x4;0\n"),
    ("quoted.csv", '"a","b","label"\n"x1","x2","1"\n"x3","x4","0"\n'),
])
def test_spreadsheet_shapes_are_read(tmp_path, name, data):
    assert _read(tmp_path, name, data) == (GOOD, [])


def test_excel_unicode_text_utf16_is_read(tmp_path):
    data = "a\tb\tlabel\r\nx1\tx2\t1\r\nx3\tx4\t0\r\n".encode("utf-16")
    assert _read(tmp_path, "excel.txt", data) == (GOOD, [])


def test_gzipped_tsv_uses_tabs(tmp_path):
    assert _read(tmp_path, "p.tsv.gz", "a\tb\tlabel\nx1\tx2\t1\nx3\tx4\t0\n") == (GOOD, [])


def test_cut_off_gzip_keeps_the_rows_before_the_cut(tmp_path):
    noise = "".join(f"x1,x3,1,{os.urandom(16).hex()}\n" for _ in range(2000))  # compresses poorly
    path = tmp_path / "cut.csv.gz"
    whole = gzip.compress(("a,b,label,note\nx1,x2,1,\nx3,x4,0,\n" + noise).encode())
    path.write_bytes(whole[: len(whole) // 2])
    rows, problems = read_pairs(path, KNOWN, "arts.jsonl")
    assert rows == GOOD + [("x1", "x3", 1.0)]
    assert problems[-1].endswith("cannot read further: Compressed file ended before the end-of-stream marker "
                                 "was reached")


# 2. no header

def test_headerless_file_is_read_as_a_b_label_without_a_problem(tmp_path):
    assert _read(tmp_path, "bare.csv", "x1,x2,1\nx3,x4,0\n") == (GOOD, [])


def test_headerless_semicolons(tmp_path):
    assert _read(tmp_path, "bare.csv", "x1;x2;yes\nx3;x4;no\n") == (GOOD, [])


def test_wrong_header_names_the_file_and_the_columns_found(tmp_path):
    with pytest.raises(InputError) as err:
        _read(tmp_path, "wrong.csv", "x,y\nx1,x2\n")
    message = str(err.value)
    assert "wrong.csv" in message
    assert "expected columns a, b, label; found: x, y" in message


def test_header_with_other_names_is_refused_not_read_as_data(tmp_path):
    with pytest.raises(InputError, match="found: id1, id2, same"):
        _read(tmp_path, "other.csv", "id1,id2,same\nx1,x2,1\n")


# 3. labels

@pytest.mark.parametrize(("yes", "no"), [
    ("1", "0"), ("1.0", "0.0"), ("true", "false"), ("TRUE", "False"), ("Yes", "NO"), (" yes ", " no "),
])
def test_yes_no_labels_in_any_spelling(tmp_path, yes, no):
    assert _read(tmp_path, "p.csv", f"a,b,label\nx1,x2,{yes}\nx3,x4,{no}\n") == (GOOD, [])


@pytest.mark.parametrize("graded", ["2", "-1", "inf", "3.4", "0.5"])
def test_a_file_with_a_graded_label_is_refused_whole(tmp_path, graded):
    # its 0s and 1s are the two lowest grades, not no and yes: scoring them alone would mislead
    with pytest.raises(InputError, match=f"p.csv:3: graded labels \\({graded!r} here\\).*at or above your cut"):
        _read(tmp_path, "p.csv", f"a,b,label\nx1,x2,1\nx3,x4,{graded}\n")


@pytest.mark.parametrize("bad", ["nan", "maybe", ""])
def test_other_labels_are_a_problem_quoting_the_value_and_saying_what_to_do(tmp_path, bad):
    rows, problems = _read(tmp_path, "p.csv", f"a,b,label\nx1,x2,1\nx3,x4,{bad}\n")
    assert rows == [("x1", "x2", 1.0)]
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'p.csv'}:3: ")
    assert f"label {bad!r} is not 0 or 1" in problems[0]
    assert "at or above your cut" in problems[0]


def test_negative_zero_is_a_plain_zero(tmp_path):
    rows, _ = _read(tmp_path, "p.csv", "a,b,label\nx1,x2,-0\n")
    assert rows == [("x1", "x2", 0.0)] and str(rows[0][2]) == "0.0"


# 4. ids

def test_ids_are_stripped_and_unknown_ids_named_with_the_articles_file(tmp_path):
    rows, problems = _read(tmp_path, "p.csv", "a,b,label\n  x1  ,\tx2 ,1\nx1,nope,0\n")
    assert rows == [("x1", "x2", 1.0)]
    assert problems == [f"{tmp_path / 'p.csv'}:3: no article 'nope' in arts.jsonl"]


def test_pandas_float_ids_are_matched_to_integer_ids(tmp_path):
    rows, problems = _read(tmp_path, "p.csv", "a,b,label\n3.0,7.0,1\n3,x1,0\n")
    assert rows == [("3", "7", 1.0), ("3", "x1", 0.0)]
    assert problems == []


def test_a_float_id_the_articles_file_has_is_kept_as_written(tmp_path):
    rows, _ = read_pairs(_write(tmp_path, "p.csv", "a,b,label\n3.0,3,1\n"), {"3", "3.0"}, "arts.jsonl")
    assert rows == [("3.0", "3", 1.0)]


# 5. self pairs and repeats

def test_a_pair_of_an_article_with_itself_is_left_out(tmp_path):
    rows, problems = _read(tmp_path, "p.csv", "a,b,label\nx1,x2,1\nx3,x3,1\n")
    assert rows == [("x1", "x2", 1.0)]
    assert len(problems) == 1 and ":3: " in problems[0] and "itself" in problems[0]


def test_a_repeated_pair_counts_once_and_names_the_line_it_repeats(tmp_path):
    rows, problems = _read(tmp_path, "p.csv", "a,b,label\nx1,x2,1\nx3,x4,0\nx2,x1,yes\n")
    assert rows == GOOD
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'p.csv'}:4: ") and "repeats line 2" in problems[0]


def test_a_contradicting_pair_keeps_the_first_and_says_so(tmp_path):
    rows, problems = _read(tmp_path, "p.csv", "a,b,label\nx1,x2,1\nx3,x4,0\nx2,x1,0\n")
    assert rows == GOOD
    assert len(problems) == 1
    assert ":4: " in problems[0] and "contradicts line 2" in problems[0] and "first is kept" in problems[0]


# 6. many problems of one kind

def test_many_problems_of_one_kind_are_summarised_in_one_line(tmp_path):
    body = "a,b,label\nx1,x2,1\n" + "".join(f"x1,gone{i},1\n" for i in range(12)) + "x3,x4,maybe\n"
    rows, problems = _read(tmp_path, "p.csv", body)
    assert rows == [("x1", "x2", 1.0)]
    unknown = [p for p in problems if "no article" in p]
    assert len(unknown) == 5
    assert [int(p.split(":")[-2].split()[-1]) for p in unknown] == [3, 4, 5, 6, 7]
    summary = problems[5]
    assert summary == f"{tmp_path / 'p.csv'}:8: and 7 more lines like it (lines 8-14)"
    assert "label 'maybe'" in problems[6]  # another kind is still shown in full
    assert len(problems) == 7


# 7. nothing usable

def test_a_file_with_no_usable_row_names_the_file_and_the_first_problem(tmp_path):
    with pytest.raises(InputError) as err:
        _read(tmp_path, "p.csv", "a,b,label\nx1,nope,1\nx1,x2,maybe\n")
    message = str(err.value)
    assert "p.csv" in message and "no usable pair" in message
    assert "no article 'nope'" in message


@pytest.mark.parametrize("data", ["", "\n\n", "a,b,label\n", "a,b,label\n,,\n"])
def test_empty_and_header_only_files_are_an_input_error(tmp_path, data):
    with pytest.raises(InputError, match="p.csv"):
        _read(tmp_path, "p.csv", data)


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_pairs(tmp_path / "absent.csv", KNOWN, "arts.jsonl")


def test_a_broken_gzip_is_an_input_error(tmp_path):
    (tmp_path / "p.csv.gz").write_bytes(b"not gzip at all")
    with pytest.raises(InputError, match="p.csv.gz"):
        read_pairs(tmp_path / "p.csv.gz", KNOWN, "arts.jsonl")


# 8. short rows and bad bytes

def test_short_rows_are_problems_not_crashes(tmp_path):
    rows, problems = _read(tmp_path, "p.csv", "label,a,b\n1,x1,x2\n0,x3\n1\n")
    assert rows == [("x1", "x2", 1.0)]
    assert [p.split(": ")[0].rsplit(":", 1)[1] for p in problems] == ["3", "4"]
    assert all("found" in p and "field(s)" in p for p in problems)


def test_blank_and_empty_field_rows_are_skipped_silently(tmp_path):
    assert _read(tmp_path, "p.csv", "a,b,label\n\nx1,x2,1\n,,\n  \nx3,x4,0\n") == (GOOD, [])


def test_non_utf8_bytes_cost_only_their_line(tmp_path):
    data = b"a,b,label\nx1,x2,1\nx\x81\x8d\x00,x2,1\nx3,x4,0\ncaf\xe9,x1,1\n"
    rows, problems = _read(tmp_path, "p.csv", data)
    assert rows == GOOD
    assert [p.split(": ")[0].rsplit(":", 1)[1] for p in problems] == ["3", "5"]
    assert "no article 'café'" in problems[1]  # cp1252, as the articles reader decodes it


def test_a_cp1252_id_matches_an_article_read_the_same_way(tmp_path):
    rows, problems = read_pairs(_write(tmp_path, "p.csv", b"a,b,label\ncaf\xe9,x1,1\n"), {"café", "x1"}, "arts")
    assert (rows, problems) == ([("café", "x1", 1.0)], [])


def test_a_stray_carriage_return_or_open_quote_is_one_problem_line(tmp_path):
    rows, problems = _read(tmp_path, "p.csv", 'a,b,label\nx1,x2,1\n"x3,x4,0\nx3,x4,0\n')
    assert rows == GOOD
    assert len(problems) == 1 and ":3: " in problems[0]


def test_one_more_problem_is_counted_in_the_singular(tmp_path):
    body = "a,b,label\nx1,x2,1\n" + "".join(f"x1,gone{i},1\n" for i in range(6))
    _, problems = _read(tmp_path, "p.csv", body)
    assert problems[-1] == f"{tmp_path / 'p.csv'}:8: and 1 more line like it (line 8)"
