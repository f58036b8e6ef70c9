"""Engines decide how batches of work move (one process, a pool, a Ray cluster), never what is computed.

An engine is anything with ``map(fn, items) -> list`` that returns results in input order; the stage
functions it runs are pure and module-level, so every engine gives identical results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from ..errors import ConfigError

__all__ = ["Engine", "LocalEngine", "get_engine"]

T = TypeVar("T")
R = TypeVar("R")


class Engine(Protocol):
    name: str

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]: ...


class LocalEngine:
    """In-process, in order. Simple and fast for the small per-batch jobs of an incremental scan."""

    name = "local"

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        return [fn(x) for x in items]


def get_engine(name: str, **options: Any) -> Engine:
    if name == "local":
        return LocalEngine()
    if name == "ray":
        try:
            from .ray_engine import RayEngine
        except ImportError as e:  # pragma: no cover - depends on the optional extra
            raise ConfigError("the Ray engine needs Ray: pip install 'storytrace[ray]'") from e
        return RayEngine(**options)
    raise ConfigError(f"engine must be 'local' or 'ray', got {name!r}")
