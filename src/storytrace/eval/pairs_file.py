"""A user's labelled pairs file (``storytrace eval mine.jsonl --pairs pairs.csv``), read as people write one.

Pairs files come out of spreadsheets and pandas, not out of storytrace: a header in any case with spaces, a
byte-order mark, tabs or semicolons, gzip, labels written yes/no or true/false, integer ids written "3.0",
the same pair twice. Each of those would be a refusal or, worse, a silent miscount of the score; here each
bad row costs that row and one problem line naming it (``path:LINE``, the header is line 1), and the rest
are scored. A label must say yes or no: a graded one (an STS score) is refused with how to cut it, rather
than cut somewhere in silence. Lines are parsed one at a time, since ids and labels never span lines and a
line number is then exact.
"""

from __future__ import annotations

import csv
import gzip
import zlib
from collections.abc import Collection
from pathlib import Path

from storytrace.errors import InputError
from storytrace.ingest.decode import DecodeError, decode_line, is_utf16
from storytrace.ingest.tabular import salvage_gzip

__all__ = ["more_lines", "read_pairs"]

COLUMNS = ("a", "b", "label")
_YES = frozenset({"1", "true", "yes", "y", "t"})
_NO = frozenset({"0", "false", "no", "n", "f"})
_DELIMITERS = (",", "\t", ";", "|")  # European spreadsheets save CSV with semicolons
SHOWN = 5  # problems of one kind written out in full; the rest of that kind are counted in one line

Row = tuple[str, str, float]


def _label(text: str) -> float | None:
    """1.0 or 0.0, from any way a spreadsheet writes yes or no; None for anything else (2, nan, 0.7)."""
    t = text.strip().lower()
    if t in _YES or t in _NO:
        return 1.0 if t in _YES else 0.0
    try:
        value = float(t)  # "1.0", "0.00": a pandas float column
    except ValueError:
        return None
    return float(value == 1.0) if value in (0.0, 1.0) else None


def _is_number(text: str) -> bool:
    try:
        return float(text) == float(text)  # not NaN
    except ValueError:
        return False


def _id(text: str, known: Collection[str]) -> str:
    """The id as the articles file has it: pandas writes an integer id column holding a gap as "3.0"."""
    t = text.strip()
    if t not in known and t.endswith(".0") and t[:-2] in known:
        return t[:-2]
    return t


def _raw_lines(path: Path) -> tuple[list[bytes | str], str | None]:
    """The file's lines, and a note when a cut-off .gz ended early: a truncated download loses its tail,
    not the pairs before it."""
    try:
        data, cut = path.read_bytes(), None
        if path.name.lower().endswith(".gz"):
            try:
                data = gzip.decompress(data)
            except (EOFError, OSError, zlib.error) as exc:
                data, cut = salvage_gzip(data), f"cannot read further: {exc}"
    except (OSError, zlib.error) as exc:
        raise InputError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if is_utf16(data):  # Excel's "Unicode Text" export
        try:
            return list(data.decode("utf-16").splitlines()), cut
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not valid UTF-16 despite its byte-order mark ({exc.reason})") from None
    return list(data.splitlines()), cut  # bytes split on \n, \r\n and \r only


def _fields(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _layout(first: str, path: Path, line: int) -> tuple[str, dict[str, int], bool]:
    """Delimiter, column positions and whether the first line is a header: a/b/label by name, else a
    first line that is already a pair (a, b, label), else an error naming what was found."""
    order = ("\t", *(d for d in _DELIMITERS if d != "\t")) if ".tsv" in path.suffixes else _DELIMITERS
    split: dict[str, list[str]] = {}
    for d in order:
        try:
            split[d] = _fields(first, d)
        except csv.Error:
            split[d] = [first]
    for d in order:
        names = [f.strip().lower() for f in split[d]]
        if set(COLUMNS) <= set(names):
            return d, {c: names.index(c) for c in COLUMNS}, True
    for d in order:
        if len(split[d]) >= 3 and _label(split[d][2]) is not None:
            return d, {c: i for i, c in enumerate(COLUMNS)}, False
    found = ", ".join(f.strip() for f in split[order[0]][:10])
    raise InputError(f"{path}:{line}: expected columns {', '.join(COLUMNS)}; found: {found}")


def more_lines(where: str, more: int, first: int, last: int, what: str) -> str:
    """The one line that counts the problems of a kind past the ones shown: "and 3 more lines WHAT (lines
    10-12)"."""
    return (f"{where}:{first}: and {more} more line{'s' if more > 1 else ''} {what} "
            + (f"(lines {first}-{last})" if last > first else f"(line {first})"))


class _Problems:
    """Problem lines, the first few of each kind in full and the rest of that kind counted in one line
    after them: a file of 10,000 unknown ids is one screen, not 10,000 lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.shown: list[tuple[int, str, str]] = []
        self.seen: dict[str, list[int]] = {}  # kind -> [count, first and last line not shown]

    def add(self, kind: str, line: int, message: str) -> None:
        seen = self.seen.setdefault(kind, [0, 0, 0])
        seen[0] += 1
        if seen[0] <= SHOWN:
            self.shown.append((line, kind, f"{self.path}:{line}: {message}"))
        else:
            seen[1] = seen[1] or line
            seen[2] = line

    def lines(self) -> list[str]:
        out: list[str] = []
        written: dict[str, int] = {}
        for _, kind, text in sorted(self.shown, key=lambda s: s[0]):
            out.append(text)
            written[kind] = written.get(kind, 0) + 1
            count, first, last = self.seen[kind]
            if count > SHOWN and written[kind] == SHOWN:
                out.append(more_lines(str(self.path), count - SHOWN, first, last, "like it"))
        return out


def read_pairs(path: str | Path, known: Collection[str], articles_path: str | Path) -> tuple[list[Row], list[str]]:
    """``(a, b, label)`` rows, labels 1.0 or 0.0, and one problem line per row left out (``path:LINE``).

    ``known`` holds the article ids of ``articles_path``, so that a pair naming an article the corpus lacks
    is named rather than scored as a miss. A pair given twice counts once (the first), whatever the second
    says. Raises InputError, naming the file, when no row can be used.
    """
    path = Path(path)
    raw, cut = _raw_lines(path)
    problems = _Problems(path)
    lines: list[tuple[int, str]] = []
    for n, line in enumerate(raw, 1):
        try:
            text = line if isinstance(line, str) else decode_line(line)
        except DecodeError as exc:
            problems.add("undecodable", n, f"{exc}; line left out")
            continue
        if text.strip():
            lines.append((n, text))
    if cut is not None:
        problems.add("cut", len(raw) + 1, cut)
    if not lines:
        first = problems.lines()
        raise InputError(f"{path}: no pairs (expected a header a,b,label and a line per pair)"
                         + (f"; first problem: {first[0]}" if first else ""))
    delimiter, at, has_header = _layout(lines[0][1], path, lines[0][0])
    width = max(at.values()) + 1
    rows: list[Row] = []
    graded: tuple[int, str] | None = None  # the first number label that is neither 0 nor 1
    first_seen: dict[frozenset[str], tuple[int, float]] = {}
    for n, line in lines[1:] if has_header else lines:
        try:
            fields = _fields(line, delimiter)
        except csv.Error as exc:
            problems.add("malformed", n, f"malformed line: {exc}")
            continue
        if not any(f.strip() for f in fields):
            continue  # ",,," rows a spreadsheet leaves below its data
        if len(fields) < width:
            problems.add("short", n, f"expected columns {', '.join(COLUMNS)}, found {len(fields)} field(s)")
            continue
        a, b, text = _id(fields[at["a"]], known), _id(fields[at["b"]], known), fields[at["label"]].strip()
        label = _label(text)
        if label is None:
            if graded is None and _is_number(text):
                graded = (n, text)
            problems.add("label", n, f"label {text!r} is not 0 or 1 (yes/no, true/false); for a graded "
                                     "similarity, write 1 where a pair is at or above your cut and 0 below it")
            continue
        missing = next((x for x in (a, b) if x not in known), None)
        if missing is not None:
            problems.add("unknown", n, f"no article {missing!r} in {articles_path}")
            continue
        if a == b:
            problems.add("self", n, f"pairs {a!r} with itself; line left out")
            continue
        key = frozenset((a, b))
        if key in first_seen:
            line_no, was = first_seen[key]
            if was == label:
                problems.add("repeat", n, f"repeats line {line_no} (the pair {a!r}, {b!r}); line left out")
            else:
                problems.add("contradict", n, f"contradicts line {line_no} (the pair {a!r}, {b!r} labelled "
                                              f"{was:g} there, {label:g} here); the first is kept")
            continue
        first_seen[key] = (n, label)
        rows.append((a, b, label))
    if graded is not None:
        # A graded file's 0s and 1s are its least and next-least similar pairs, not yes and no: scoring
        # them alone as labels would count "1 of 5" as the same.
        raise InputError(f"{path}:{graded[0]}: graded labels ({graded[1]!r} here): eval scores yes/no pairs; "
                         "write 1 where a pair is at or above your cut and 0 below it")
    found = problems.lines()
    if not rows:
        raise InputError(f"{path}: no usable pair" + (f"; first problem: {found[0]}" if found else ""))
    return rows, found
