"""A user's labelled pairs file (``storytrace eval mine.jsonl --pairs pairs.csv``), read as people write one.

Such files come from spreadsheets and pandas: a header in any case with spaces, a byte-order mark, tabs
or semicolons, gzip, labels written yes/no or true/false, ids written "3.0" for 3, the same pair twice.
Each of those was a refusal or a silent miscount; each bad row is now one problem line naming it, and the
rest are scored. A label must say yes or no: a graded one (an STS score) is refused with how to cut it,
rather than cut at 0.5 in silence.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Collection, Iterator
from pathlib import Path

from storytrace.errors import InputError

__all__ = ["read_pairs"]

_YES = {"1", "1.0", "true", "yes", "y", "t"}
_NO = {"0", "0.0", "false", "no", "n", "f"}
_SHOWN = 5  # problems of one kind shown in full; the rest are counted in one line


def _lines(path: Path) -> list[str]:
    raw = gzip.open(path, "rb").read() if path.name.lower().endswith(".gz") else path.read_bytes()
    return raw.decode("utf-8-sig", errors="replace").splitlines()


def _delimiter(path: Path, first: str) -> str:
    if path.name.lower().removesuffix(".gz").endswith(".tsv"):
        return "\t"
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _label(text: str) -> float | None:
    t = text.strip().lower()
    return 1.0 if t in _YES else 0.0 if t in _NO else None


def _id(text: str, known: Collection[str]) -> str:
    t = text.strip()
    if t not in known and t.endswith(".0") and t[:-2] in known:
        return t[:-2]  # pandas writes an integer id column with a missing value as floats
    return t


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []
        self.kinds: dict[str, list[int]] = {}

    def add(self, kind: str, line: int, message: str) -> None:
        seen = self.kinds.setdefault(kind, [0, 0, 0])
        seen[0] += 1
        if seen[0] <= _SHOWN:
            self.lines.append(f"{self.path}:{line}: {message}")
        else:
            seen[1] = seen[1] or line
            seen[2] = line

    def done(self) -> list[str]:
        for kind, (count, first, last) in self.kinds.items():
            if count > _SHOWN:
                self.lines.append(f"{self.path}:{first}: and {count - _SHOWN} more rows {kind} (lines {first}-{last})")
        return self.lines


def _rows(lines: list[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    for n, fields in enumerate(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter), 1):
        if any(f.strip() for f in fields):
            yield n, fields


def read_pairs(path: str | Path, known: Collection[str], articles_path: str | Path
               ) -> tuple[list[tuple[str, str, float]], list[str]]:
    """``(a, b, label)`` rows with labels 1.0 or 0.0, and one problem line per bad row (``path:LINE``).

    ``known``: the article ids of ``articles_path``. Columns a, b and label are found by name (any case,
    spaces around) in any order beside others; a file whose first row is already a pair is read as a, b,
    label. Raises InputError when no row can be used.
    """
    path = Path(path)
    lines = _lines(path)
    if not lines:
        raise InputError(f"{path}: empty (expected a header a,b,label and a row per pair)")
    rows = list(_rows(lines, _delimiter(path, lines[0])))
    if not rows:
        raise InputError(f"{path}: no rows (expected a header a,b,label and a row per pair)")
    header = [h.strip().lower() for h in rows[0][1]]
    if {"a", "b", "label"} <= set(header):
        at = {name: header.index(name) for name in ("a", "b", "label")}
        body = rows[1:]
    elif len(header) >= 3 and _label(header[2]) is not None:
        at = {"a": 0, "b": 1, "label": 2}  # no header: the first row is a pair
        body = rows
    else:
        raise InputError(f"{path}:1: expected columns a, b, label; found: {', '.join(rows[0][1][:10])}")
    problems = _Problems(path)
    out: list[tuple[str, str, float]] = []
    first_seen: dict[tuple[str, str], tuple[int, float]] = {}
    width = max(at.values()) + 1
    for n, fields in body:
        if len(fields) < width:
            problems.add("too short", n, f"expected a, b and label, found {len(fields)} field(s)")
            continue
        a, b, raw = _id(fields[at["a"]], known), _id(fields[at["b"]], known), fields[at["label"]]
        label = _label(raw)
        if label is None:
            problems.add("with a label that is no yes or no", n,
                         f"label {raw.strip()!r} is not 0 or 1 (yes/no, true/false); for a graded similarity, "
                         "write 1 where a pair is at or above your cut and 0 below it")
            continue
        missing = [x for x in (a, b) if x not in known]
        if missing:
            problems.add("naming an unknown article", n, f"no article {missing[0]!r} in {articles_path}")
            continue
        if a == b:
            problems.add("pairing an article with itself", n, f"pairs {a!r} with itself")
            continue
        key = (min(a, b), max(a, b))
        if key in first_seen:
            line, was = first_seen[key]
            said = "repeats" if was == label else "contradicts"
            problems.add("that repeat an earlier pair", n, f"{said} line {line} (the pair {a!r}, {b!r}): "
                                                           "the first one is kept")
            continue
        first_seen[key] = (n, label)
        out.append((a, b, label))
    found = problems.done()
    if not out:
        raise InputError(f"{path}: no usable pair" + (f"; first problem: {found[0]}" if found else ""))
    return out, found
