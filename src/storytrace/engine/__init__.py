"""Engines decide how batches of work move (one process, a pool, a Ray cluster), never what is computed.

An engine is anything with ``map(fn, items) -> list`` that returns results in input order; the stage
functions it runs are pure and module-level, so every engine gives identical results.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from ..errors import ConfigError

__all__ = ["Engine", "LocalEngine", "get_engine", "default_processes"]

T = TypeVar("T")
R = TypeVar("R")


class Engine(Protocol):
    name: str

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]: ...


def default_processes() -> int:
    """Worker processes for a local scan: the CPUs this process may use (``STORYTRACE_PROCESSES`` overrides)."""
    env = os.environ.get("STORYTRACE_PROCESSES")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise ConfigError(f"STORYTRACE_PROCESSES must be a whole number, got {env!r}") from None
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 16))


def _only_main_thread() -> bool:
    """No threads but the main one, multiprocessing's own pool handlers (which fork workers themselves) and
    the indexer's fingerprint-ahead thread (which only waits on the pool)."""
    main = threading.main_thread()
    return all(t is main or t.name.startswith("storytrace-") or t.name.startswith("Thread-") and "_handle_" in t.name
               for t in threading.enumerate())


def _leave_interrupts() -> None:
    """Pool workers leave Ctrl-C to the main process. A terminal sends SIGINT to the whole process group;
    a worker it stopped took its chunk's results with it, and Pool.map then waited for them for ever (a
    scan hung instead of stopping). The main process stops between batches, and the workers finish the
    chunks already handed out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _close_pool(pool: Any) -> None:
    try:
        pool.terminate()
        pool.join()
    except Exception:  # pragma: no cover - interpreter shutdown
        pass


class LocalEngine:
    """This machine. Small maps (an incremental add of a few articles) run in-process, in order; maps of at
    least ``min_items`` go to a pool of ``processes`` worker processes in chunks, results in input order.

    ``processes=1`` never starts a pool; ``None`` uses :func:`default_processes`. The pool starts on the
    first large map and stops with :meth:`close` (``Index.close`` calls it) or at exit.
    """

    name = "local"

    def __init__(self, processes: int | None = 1, *, min_items: int = 256, chunks_per_worker: int = 4) -> None:
        if processes is not None and (not isinstance(processes, int) or processes < 1):
            raise ConfigError(f"processes must be a positive whole number, got {processes!r}")
        self.processes = processes if processes is not None else default_processes()
        # Work runs in other processes, so the indexer may overlap it with its own (see Index._add).
        self.concurrent = self.processes > 1
        self.min_items = min_items
        self.chunks_per_worker = chunks_per_worker
        self._pool: Any = None
        self._finalizer: Any = None
        self._lock = threading.Lock()

    def _get_pool(self) -> Any:
        with self._lock:
            if self._pool is None:
                # fork is cheap and inherits warm caches, but is unsafe once threads exist (a server).
                method = "fork" if _only_main_thread() and "fork" in multiprocessing.get_all_start_methods() \
                    else "spawn"
                self._pool = multiprocessing.get_context(method).Pool(self.processes, initializer=_leave_interrupts)
                self._finalizer = weakref.finalize(self, _close_pool, self._pool)
            return self._pool

    def remote_for(self, n_items: int) -> bool:
        """Whether a map of this many items runs in the pool (else here, in the calling thread)."""
        return self.processes > 1 and n_items >= self.min_items

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        if not self.remote_for(len(items)):
            return [fn(x) for x in items]
        chunksize = max(1, -(-len(items) // (self.processes * self.chunks_per_worker)))
        return self._get_pool().map(fn, items, chunksize)

    def close(self) -> None:
        with self._lock:
            if self._finalizer is not None:
                self._finalizer()
            self._pool = None
            self._finalizer = None

    def __getstate__(self) -> dict[str, Any]:
        return {"processes": self.processes, "min_items": self.min_items,
                "chunks_per_worker": self.chunks_per_worker}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["processes"], min_items=state["min_items"],  # type: ignore[misc]
                      chunks_per_worker=state["chunks_per_worker"])


def get_engine(name: str, **options: Any) -> Engine:
    """``local`` (a process pool for large maps, see :class:`LocalEngine`) or ``ray``."""
    if name == "local":
        options.setdefault("processes", None)
        return LocalEngine(**options)
    if name == "ray":
        try:
            from .ray_engine import RayEngine
        except ImportError as e:  # pragma: no cover - depends on the optional extra
            raise ConfigError("the Ray engine needs Ray: pip install 'storytrace[ray]'") from e
        return RayEngine(**options)
    raise ConfigError(f"engine must be 'local' or 'ray', got {name!r}")
