"""Many articles per file: JSON Lines, CSV/TSV (optionally gzipped) and Parquet, all streamed.

Lines and record batches are read one at a time so a large corpus never sits in memory whole. Problems
are reported per line/row (``path:LINE`` for JSON Lines, ``path:row N`` for CSV and Parquet, rows counted
from 1 after the header) and the rest of the file goes on.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from ..model import Article, ReadError
from .decode import SNIFF_BYTES, DecodeError, decode_line, looks_binary
from .records import build_article, pick_fields, resolve_columns

Item = Article | ReadError
PARQUET_BATCH_ROWS = 512

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # article bodies easily exceed csv's 128 KiB default


def _open_binary(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _open_checked(path: Path, origin: str) -> tuple[IO[bytes] | None, ReadError | None]:
    """Open (and for .gz, start decompressing) a file, refusing binary content in one ReadError."""
    try:
        handle = _open_binary(path)
    except OSError as exc:
        return None, ReadError(origin, f"cannot read file: {exc.strerror or exc}")
    try:
        head = handle.read(SNIFF_BYTES)
        handle.seek(0)
    except (OSError, EOFError) as exc:
        handle.close()
        return None, ReadError(origin, f"cannot read file: {exc}")
    if looks_binary(head):
        handle.close()
        return None, ReadError(origin, "binary file (contains NUL bytes)")
    return handle, None


def _no_text_message(columns: list[str]) -> str:
    shown = ", ".join(map(str, columns[:20])) or "none"
    return f"no text column (columns: {shown}); pass a mapping such as {{'<column>': 'text'}}"


def read_jsonl(path: Path, origin: str, mapping: Mapping[str, str]) -> Iterator[Item]:
    """One JSON object per line; blank lines are skipped."""
    handle, error = _open_checked(path, origin)
    if error:
        yield error
        return
    assert handle is not None
    cache: dict[tuple[str, ...], dict[str, str]] = {}
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
                    yield ReadError(where, f"malformed JSON: {exc.msg} at column {exc.colno}")
                    continue
                if not isinstance(record, dict):
                    yield ReadError(where, f"expected a JSON object, found {type(record).__name__}")
                    continue
                keys = tuple(record)
                columns = cache.get(keys)
                if columns is None:
                    columns = cache[keys] = resolve_columns(keys, mapping)
                if "text" not in columns:
                    yield ReadError(where, _no_text_message(list(keys)))
                    continue
                yield from build_article(pick_fields(record, columns), where)
        except (OSError, EOFError) as exc:
            yield ReadError(f"{origin}:{lineno + 1}", f"cannot read further: {exc}")


class _Lines:
    """Decoded lines for csv.reader; undecodable lines are skipped and remembered as errors."""

    def __init__(self, handle: IO[bytes], origin: str) -> None:
        self.handle = handle
        self.origin = origin
        self.lineno = 0
        self.errors: list[ReadError] = []

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.lineno += 1
            try:
                yield decode_line(raw)
            except DecodeError as exc:
                self.errors.append(ReadError(f"{self.origin}:line {self.lineno}", f"{exc}; line skipped"))


def read_csv(path: Path, origin: str, mapping: Mapping[str, str], delimiter: str = ",") -> Iterator[Item]:
    """A header row, then one article per row; rows with the wrong number of cells are reported."""
    handle, error = _open_checked(path, origin)
    if error:
        yield error
        return
    assert handle is not None
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
                yield ReadError(origin, _no_text_message(header))
                return
            index = {field: header.index(col) for field, col in columns.items()}
            for row in reader:
                yield from lines.errors
                lines.errors.clear()
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                rowno += 1
                where = f"{origin}:row {rowno}"
                if len(row) != len(header):
                    yield ReadError(
                        where,
                        f"expected {len(header)} columns, found {len(row)} (line {reader.line_num}); row skipped",
                    )
                    continue
                fields = {field: (row[i] if row[i] != "" else None) for field, i in index.items()}
                yield from build_article(fields, where)
            yield from lines.errors
        except csv.Error as exc:
            yield ReadError(f"{origin}:row {rowno + 1}", f"malformed CSV: {exc} (line {reader.line_num}); rest of file skipped")
        except (OSError, EOFError) as exc:
            yield ReadError(f"{origin}:row {rowno + 1}", f"cannot read further: {exc}")


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
