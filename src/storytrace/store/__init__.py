"""Storage behind one small interface; ``open_store`` picks the backend from the path."""

from __future__ import annotations

from pathlib import Path

from .base import Store
from .sqlite import SQLiteStore

__all__ = ["Store", "SQLiteStore", "open_store"]


def open_store(path: str | Path, *, readonly: bool = False) -> Store:
    """Only SQLite today: a path (or ":memory:") is a SQLite file. Other backends register here."""
    return SQLiteStore(path, readonly=readonly)
