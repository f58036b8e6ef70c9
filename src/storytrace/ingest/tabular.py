"""Many articles per file: JSON Lines, CSV/TSV (optionally gzipped) and Parquet, all streamed.

Lines and record batches are read one at a time so a large corpus never sits in memory whole. Problems
are reported per line/row (``path:LINE`` for JSON Lines, ``path:row N`` for CSV and Parquet, rows counted
from 1 after the header) and the rest of the file goes on.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from ..model import Article, ReadError
from .decode import SNIFF_BYTES, DecodeError, decode_line, is_utf16, looks_binary_lines
from .records import build_article, pick_fields, resolve_columns

Item = Article | ReadError
PARQUET_BATCH_ROWS = 512

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # article bodies easily exceed csv's 128 KiB default


def _open_binary(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


class _Utf8Lines(io.RawIOBase):
    """A UTF-16 file (Excel's "Unicode Text" export) read as UTF-8 lines, so the line readers, which take
    bytes, read it as they read any other file, one line at a time."""

    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__()
        self._text = io.TextIOWrapper(handle, encoding="utf-16", newline="")

    def __iter__(self) -> Iterator[bytes]:  # type: ignore[override]
        for line in self._text:
            yield line.encode("utf-8")

    def close(self) -> None:
        self._text.close()
        super().close()


def salvage_gzip(data: bytes) -> bytes:
    """What cut-off gzip ``data`` still holds, up to its last whole line: a truncated download loses its
    tail, not its first lines."""
    whole = zlib.decompressobj(wbits=31).decompress(data)
    return whole[: whole.rfind(b"\n") + 1]


def _salvaged_gzip(path: Path) -> tuple[IO[bytes], int]:
    """:func:`salvage_gzip` of a file, and how many lines that is. (gzip.open raises before the first line
    of a file shorter than its read buffer.)"""
    whole = salvage_gzip(path.read_bytes())
    return io.BytesIO(whole), whole.count(b"\n")


def _open_checked(path: Path, origin: str) -> tuple[IO[bytes] | None, list[ReadError]]:
    """Open (and for .gz, start decompressing) a file, refusing binary content in one ReadError; a cut-off
    .gz gives what it holds and an error naming where it ends."""
    notes: list[ReadError] = []
    try:
        handle = _open_binary(path)
    except OSError as exc:
        return None, [ReadError(origin, f"cannot read file: {exc.strerror or exc}")]
    try:
        head = handle.read(SNIFF_BYTES)
        handle.seek(0)
    except EOFError as exc:
        handle.close()
        try:
            handle, lines = _salvaged_gzip(path)
        except (OSError, zlib.error):
            return None, [ReadError(origin, f"cannot read file: {exc}")]
        notes.append(ReadError(f"{origin}:{lines + 1}", f"cannot read further: {exc}"))
        head = handle.read(SNIFF_BYTES)
        handle.seek(0)
    except OSError as exc:
        handle.close()
        return None, [ReadError(origin, f"cannot read file: {exc}")]
    if is_utf16(head):
        return _Utf8Lines(handle), notes  # type: ignore[return-value]
    if looks_binary_lines(head):
        handle.close()
        return None, [ReadError(origin, "binary file (contains NUL bytes)")]
    return handle, notes


def _no_text_message(columns: list[str]) -> str:
    shown = ", ".join(map(str, columns[:20])) or "none"
    return f"no text column (columns: {shown}); pass a mapping such as {{'<column>': 'text'}}"


_JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true or false",
               type(None): "null"}


def read_jsonl(path: Path, origin: str, mapping: Mapping[str, str]) -> Iterator[Item]:
    """One JSON object per line; blank lines are skipped."""
    handle, notes = _open_checked(path, origin)
    if handle is None:
        yield from notes
        return
    cache: dict[tuple[str, ...], dict[str, str]] = {}
    # Lines without a text column, by their keys: the first is named, the rest counted in one line at the
    # end (a file of labels, such as synth's truth.jsonl beside its articles, is one warning, not thousands).
    textless: dict[tuple[str, ...], list[int]] = {}  # keys -> [lines, second line, last line]
    lineno = 0
    with handle:
        try:
            for lineno, raw in enumerate(handle, 1):
                where = f"{origin}:{lineno}"
                if not raw.strip():
                    continue
                try:
                    record = json.loads(decode_line(raw))
                except DecodeError as exc:
                    yield ReadError(where, str(exc))
                    continue
                except json.JSONDecodeError as exc:
                    # (json's own message may end in "at" already: "Invalid control character at")
                    yield ReadError(where, f"malformed JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}")
                    continue
                if not isinstance(record, dict):
                    yield ReadError(where, f"expected a JSON object, found {_JSON_TYPES.get(type(record), 'a value')}")
                    continue
                keys = tuple(record)
                columns = cache.get(keys)
                if columns is None:
                    columns = cache[keys] = resolve_columns(keys, mapping)
                if "text" not in columns:
                    seen = textless.get(keys)
                    if seen is None:
                        textless[keys] = [1, 0, lineno]
                        yield ReadError(where, _no_text_message(list(keys)))
                    else:
                        seen[0] += 1
                        seen[1] = seen[1] or lineno
                        seen[2] = lineno
                    continue
                yield from build_article(pick_fields(record, columns), where)
        except (OSError, EOFError) as exc:
            yield ReadError(f"{origin}:{lineno + 1}", f"cannot read further: {exc}")
    for keys, (count, second, last) in textless.items():
        if count > 1:
            yield ReadError(f"{origin}:{second}", f"and {count - 1} more lines without a text column "
                                                  f"(columns: {', '.join(map(str, keys[:20]))}), lines {second}-{last}")
    yield from notes


class _Lines:
    """Decoded lines for csv.reader; undecodable lines are skipped and remembered as errors. Counts the
    quote characters it passes on: an odd count at the end means a quoted field was never closed."""

    def __init__(self, handle: IO[bytes], origin: str) -> None:
        self.handle = handle
        self.origin = origin
        self.lineno = 0
        self.quotes = 0
        self.errors: list[ReadError] = []

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.lineno += 1
            try:
                line = decode_line(raw)
            except DecodeError as exc:
                self.errors.append(ReadError(f"{self.origin}:line {self.lineno}", f"{exc}; line skipped"))
                continue
            self.quotes += line.count('"')
            yield line


# Delimiters a one-column header is tried with before the file is called textless (European spreadsheets
# save CSV with semicolons; some exports use pipes).
_OTHER_DELIMITERS = (";", "\t", "|")


def read_csv(path: Path, origin: str, mapping: Mapping[str, str], delimiter: str = ",") -> Iterator[Item]:
    """A header row, then one article per row; rows with the wrong number of cells are reported."""
    handle, notes = _open_checked(path, origin)
    if handle is None:
        yield from notes
        return
    with handle:
        lines = _Lines(handle, origin)
        reader = csv.reader(lines, delimiter=delimiter)
        rowno = 0
        try:
            header = next(reader, None)
            yield from lines.errors
            lines.errors.clear()
            if header is None:
                yield ReadError(origin, "empty file (no header row)")
                return
            header = [h.strip() for h in header]
            columns = resolve_columns(header, mapping)
            if "text" not in columns:
                other = next((d for d in _OTHER_DELIMITERS if d != delimiter and len(header) == 1
                              and "text" in resolve_columns([h.strip() for h in header[0].split(d)], mapping)),
                             None)
                if other is None:
                    yield ReadError(origin, _no_text_message(header))
                    return
                handle.close()
                yield from read_csv(path, origin, mapping, delimiter=other)
                return
            index = {field: header.index(col) for field, col in columns.items()}
            # Each row is held back until the next is read: only at the end of the file is it known whether
            # the last one swallowed the rest of the file in a quote that never closed.
            held: tuple[dict[str, str | None], str, int] | None = None
            ended = reader.line_num  # the line the previous row ended on
            for row in reader:
                yield from lines.errors
                lines.errors.clear()
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if held is not None:
                    yield from build_article(held[0], held[1])
                    held = None
                start, ended = ended + 1, reader.line_num
                rowno += 1
                where = f"{origin}:row {rowno}"
                if len(row) != len(header):
                    yield ReadError(
                        where,
                        f"expected {len(header)} columns, found {len(row)} (line {reader.line_num}); row skipped",
                    )
                    continue
                held = ({field: (row[i] if row[i] != "" else None) for field, i in index.items()}, where, start)
            if held is not None:
                if lines.quotes % 2:
                    yield ReadError(held[1], f"a quoted field opened in this row (line {held[2]}) is never closed, "
                                             f"so the row runs on to the end of the file (line {lines.lineno}) "
                                             "and takes any rows after it; row skipped: check its quotes")
                else:
                    yield from build_article(held[0], held[1])
            yield from lines.errors
        except csv.Error as exc:
            yield ReadError(f"{origin}:row {rowno + 1}", f"malformed CSV: {exc} (line {reader.line_num}); rest of file skipped")
        except (OSError, EOFError) as exc:
            yield ReadError(f"{origin}:row {rowno + 1}", f"cannot read further: {exc}")
    yield from notes


def read_parquet(path: Path, origin: str, mapping: Mapping[str, str]) -> Iterator[Item]:
    """Parquet via pyarrow, one record batch at a time, reading only the columns we use."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        names = list(pf.schema_arrow.names)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises ArrowInvalid, OSError, ... on bad files
        yield ReadError(origin, f"cannot open as Parquet: {exc}")
        return
    columns = resolve_columns(names, mapping)
    if "text" not in columns:
        yield ReadError(origin, _no_text_message(names))
        return
    wanted = list(dict.fromkeys(columns.values()))
    rowno = 0
    try:
        for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=wanted):
            for record in batch.to_pylist():
                rowno += 1
                yield from build_article(pick_fields(record, columns), f"{origin}:row {rowno}")
    except Exception as exc:  # noqa: BLE001
        yield ReadError(f"{origin}:row {rowno + 1}", f"cannot read further: {exc}")
    finally:
        close = getattr(pf, "close", None)
        if close is not None:
            close()
