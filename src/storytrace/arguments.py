"""Checks of the Python API's paging and filter arguments, with messages that say what to pass.

The CLI's click types and the HTTP API's query models check their own; a Python caller reaches the index
directly, where a negative limit silently drops the last rows (a negative slice) and a date that is not one
is compared as text with the stored ones, so "yesterday" or "2020-13-01" lists the wrong stories.
"""

from __future__ import annotations

import datetime as dt
import numbers
from typing import Any

from .errors import ConfigError
from .ingest.dates import normalise_date

__all__ = ["count", "date_bound"]


def count(value: Any, name: str, minimum: int = 0, *, optional: bool = False) -> int | None:
    """``value`` as an int of at least ``minimum`` (None passes where ``optional``)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        allowed = f"an integer >= {minimum}" + (" or None" if optional else "")
        raise ConfigError(f"{name} must be {allowed}, got {value!r}")
    return int(value)


def date_bound(value: Any, name: str) -> str | None:
    """A date to filter on, as the index stores dates: ``YYYY-MM-DD`` as given (the whole day), a date and
    time in UTC. Accepts date and datetime values."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, dt.datetime):
            return normalise_date(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            if len(value.strip()) == 10:
                return dt.date.fromisoformat(value.strip()).isoformat()
            dt.datetime.fromisoformat(value.strip())
            return normalise_date(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an ISO date (YYYY-MM-DD) or date and time, got {value!r} ({exc})") from None
    raise ConfigError(f"{name} must be an ISO date (YYYY-MM-DD) or date and time, got {value!r}")
