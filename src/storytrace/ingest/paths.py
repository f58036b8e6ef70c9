"""Files and folders to articles: folder walking and dispatch by file extension.

Folders are walked recursively in sorted order (so two scans see the same sequence), hidden files and
folders are skipped, and files with an unknown extension inside a folder are ignored. A file named
explicitly must have a known extension.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path

from ..model import Article, ReadError
from .html import read_html_file
from .records import check_mapping
from .tabular import read_csv, read_jsonl, read_parquet
from .txt import read_txt_file

Item = Article | ReadError
Reader = Callable[[Path, str, Mapping[str, str]], Iterable[Item]]

_READERS: dict[str, Reader] = {
    ".txt": lambda p, o, m: read_txt_file(p, o),
    ".html": lambda p, o, m: read_html_file(p, o),
    ".htm": lambda p, o, m: read_html_file(p, o),
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".jsonl.gz": read_jsonl,
    ".ndjson.gz": read_jsonl,
    ".csv": read_csv,
    ".csv.gz": read_csv,
    ".tsv": partial(read_csv, delimiter="\t"),
    ".tsv.gz": partial(read_csv, delimiter="\t"),
    ".parquet": read_parquet,
}
SUPPORTED_EXTENSIONS = tuple(_READERS)


def reader_for(path: Path) -> Reader | None:
    """The reader for a file name, by its (case-insensitive, possibly double) extension."""
    name = path.name.lower()
    for ext in sorted(_READERS, key=len, reverse=True):
        if name.endswith(ext) and len(name) > len(ext):
            return _READERS[ext]
    return None


def _hidden(name: str) -> bool:
    return name.startswith(".")


def walk_folder(folder: Path) -> Iterator[Path | ReadError]:
    """Supported files under ``folder``, recursively, sorted by path, hidden entries skipped.

    A sub-folder that cannot be listed (permissions) is reported as a ReadError instead of vanishing.
    """
    found: list[Path] = []
    errors: list[ReadError] = []

    def on_error(exc: OSError) -> None:
        errors.append(ReadError(str(exc.filename or folder), f"cannot list folder: {exc.strerror or exc}"))

    for root, dirs, files in os.walk(folder, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        found.extend(Path(root) / f for f in files if not _hidden(f) and reader_for(Path(f)) is not None)
    found.sort(key=lambda p: p.relative_to(folder).parts)
    yield from errors
    yield from found


def _read_file(path: Path, mapping: Mapping[str, str], explicit: bool) -> Iterator[Item]:
    origin = str(path)
    reader = reader_for(path)
    if reader is None:
        if explicit:
            yield ReadError(
                origin, f"unsupported file type (expected one of: {', '.join(SUPPORTED_EXTENSIONS)})"
            )
        return
    items = 0
    try:
        for items, item in enumerate(reader(path, origin, mapping), 1):
            yield item
        if items == 0:
            # An empty JSON Lines file or a CSV with a header and no rows: said, not passed over in silence.
            yield ReadError(origin, "no articles in it (an empty file, or a header with no rows)")
    except Exception as exc:  # noqa: BLE001 - last line of defence: never stop a batch
        yield ReadError(origin, f"unexpected error while reading: {type(exc).__name__}: {exc}")


def _read_all(paths: list[Path], mapping: Mapping[str, str]) -> Iterator[Item]:
    for path in paths:
        if path.is_dir():
            for file in walk_folder(path):
                if isinstance(file, ReadError):
                    yield file
                else:
                    yield from _read_file(file, mapping, explicit=False)
        elif path.exists():
            yield from _read_file(path, mapping, explicit=True)
        else:
            yield ReadError(str(path), "no such file or directory")


def read_paths(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    mapping: Mapping[str, str] | None = None,
) -> Iterator[Article | ReadError]:
    """Read files and folders into Articles, yielding a ReadError for each problem instead of raising.

    ``mapping`` renames input columns to our fields (``{"their_col": "text"}``) and wins over the
    built-in aliases. An invalid mapping raises ConfigError at once (it is configuration, not data).
    """
    checked = check_mapping(mapping)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return _read_all([Path(p) for p in paths], checked)


def read_file(path: str | os.PathLike[str]) -> tuple[list[Article], list[ReadError]]:
    """The articles of one file (or folder) and the problems met reading it, apart: what ``compare`` and
    the CLI need of a path naming one article."""
    items = list(read_paths([path]))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, ReadError)]
