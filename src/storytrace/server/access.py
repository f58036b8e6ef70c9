"""How request handlers reach the index: many read-only readers, one writer.

SQLite connections belong to the thread that opened them, and request handlers run on a thread pool, so
each pool thread keeps its own read-only ``Index``. Writes run on one dedicated thread that owns the only
writable ``Index``. A write bumps a generation number; readers notice and reopen, so any state an
``Index`` caches in memory is never served stale after a write.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from storytrace.errors import StorytraceError

if TYPE_CHECKING:
    from storytrace import Index
    from storytrace.model import Article, ScanReport


T = TypeVar("T")



class WritesDisabled(StorytraceError):
    """The server was started without a token, so it never opens the index for writing."""


class IndexAccess:
    """Hands out a read-only index per thread and serialises writes through one writable index."""

    def __init__(self, db: Path, *, writable: bool) -> None:
        self.db = Path(db)
        self._local = threading.local()
        self._generation = 0
        self._all: list[Index] = []
        self._all_lock = threading.Lock()
        self._writer: Index | None = None
        self._write_thread: ThreadPoolExecutor | None = None
        if writable:
            # Opening the writer first creates the file and schema, so readers can open it read-only.
            self._write_thread = ThreadPoolExecutor(1, thread_name_prefix="storytrace-writer")
            try:
                self._writer = self._write_thread.submit(self._open, readonly=False).result()
            except BaseException:
                self._write_thread.shutdown(wait=False)
                raise
        elif not self.db.exists():
            raise StorytraceError(
                f"no index at {self.db}: build one with `storytrace scan`, or start with a token to allow writes"
            )

    def _open(self, *, readonly: bool) -> Index:
        from storytrace import Index

        return Index(str(self.db), readonly=readonly) if readonly else Index(str(self.db))

    def reader(self) -> Index:
        """This thread's read-only index, reopened if a write happened since it was opened."""
        local = self._local
        index: Index | None = getattr(local, "index", None)
        if index is not None and local.generation == self._generation:
            return index
        if index is not None:
            self._forget(index)
        index = self._open(readonly=True)
        local.index = index
        local.generation = self._generation
        with self._all_lock:
            self._all.append(index)
        return index

    def _forget(self, index: Index) -> None:
        with self._all_lock:
            if index in self._all:
                self._all.remove(index)
        try:
            index.close()
        except Exception:  # noqa: BLE001 - closing a stale reader must never fail a request
            pass

    @property
    def writable(self) -> bool:
        return self._writer is not None

    def add(self, articles: Iterable[Article]) -> ScanReport:
        """Add articles through the single writer; one write at a time."""
        writer, thread = self._writer, self._write_thread
        if writer is None or thread is None:
            raise WritesDisabled("this server is read-only: start it with --token to allow writes")
        batch = list(articles)

        def write() -> ScanReport:
            try:
                return writer.add(batch)
            finally:
                self._generation += 1  # even a failed write may have changed something

        return thread.submit(write).result()

    def close(self) -> None:
        """Close every index this object opened (at server shutdown)."""
        with self._all_lock:
            readers, self._all = self._all, []
        for index in readers:
            try:
                index.close()
            except Exception:  # noqa: BLE001
                pass
        writer, thread = self._writer, self._write_thread
        self._writer = self._write_thread = None
        if writer is not None and thread is not None:
            thread.submit(writer.close).result()
            thread.shutdown()


async def cpu_bound(request: Any, fn: Callable[[], T]) -> T:
    """Run matching work (alignment, queries) off the event loop, one call at a time per process.

    Pure-Python matching holds the GIL, so dozens of pool threads fighting over it only make every
    request slower. Waiting requests queue on an async limiter (``cpu_workers`` at a time) instead of
    holding pool threads; ``serve --workers N`` adds processes. A write runs on the writer thread and
    does not hold this limiter, so queries go on while articles are added.
    """
    import anyio.to_thread

    return await anyio.to_thread.run_sync(fn, limiter=request.app.state.cpu_limiter)
