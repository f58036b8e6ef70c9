"""Publication dates to ISO 8601 so that articles sort and compare without timezone surprises.

A value with no time of day becomes ``YYYY-MM-DD``; one with a time becomes ``YYYY-MM-DDTHH:MM:SSZ`` in
UTC (a time without a zone is taken as UTC). Ambiguous numeric dates such as ``03/04/2018`` follow
dateutil's month-first default. Dates missing a year, month or day are refused rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from typing import Any

from dateutil import parser as _parser
from dateutil import tz as _tz

_UTC = dt.timezone.utc
_DEFAULT_A = dt.datetime(1, 1, 1, 0, 0, 0)
_DEFAULT_B = dt.datetime(2, 2, 2, 1, 1, 1)
_MIN_YEAR, _MAX_YEAR = 1800, 2200

# Zone abbreviations dateutil does not know by itself; the common ones in English-language news.
_TZINFOS = {
    name: _tz.tzoffset(name, hours * 3600)
    for name, hours in {
        "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
        "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
        "AEST": 10, "AEDT": 11, "JST": 9,
    }.items()
}


# The Unix epoch is what a CMS or a scraper writes when it has no date. Taken at its word, it would make
# the article the first publisher of every story it copies, decades before the real source.
_PLACEHOLDERS = frozenset({"1970-01-01", "1970-01-01T00:00:00Z"})


def is_placeholder_date(iso: str | None) -> bool:
    """Whether a date from :func:`normalise_date` is the Unix epoch: a stand-in for "no date"."""
    return iso in _PLACEHOLDERS


def _from_datetime(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(_UTC)
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        raise ValueError(f"year {value.year} out of range")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _from_date(value: dt.date) -> str:
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        raise ValueError(f"year {value.year} out of range")
    return value.isoformat()


def _from_epoch(value: float) -> str:
    if value > 1e11:  # milliseconds since the epoch
        value /= 1000.0
    return _from_datetime(dt.datetime.fromtimestamp(value, tz=_UTC))


# Plain ISO 8601 (what most feeds and exports write): read without dateutil, which costs about 1 ms per
# date, twice (see _from_string). Anything else, or anything this reading refuses, goes to dateutil.
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?)?", re.ASCII)


def _from_iso(text: str) -> str | None:
    """What ``_from_string`` returns for a plain ISO date or date-time, or None to leave it to dateutil
    (dateutil reads these forms field by field, to the same date and time; a zone-less time is UTC)."""
    m = _ISO.fullmatch(text)
    if m is None:
        return None
    year, month, day, hour, minute, second, zone = m.groups()
    try:
        if hour is None:
            return _from_date(dt.date(int(year), int(month), int(day)))
        tzinfo = None
        if zone == "Z":
            tzinfo = _UTC
        elif zone is not None:
            sign = -1 if zone[0] == "-" else 1
            tzinfo = dt.timezone(sign * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
        value = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=tzinfo)
        return _from_datetime(value)
    except (ValueError, OverflowError):
        return None


def _from_string(text: str) -> str:
    if text.isdigit() and len(text) in (10, 13):
        return _from_epoch(float(text))
    fast = _from_iso(text)
    if fast is not None:
        return fast
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Parsing twice with different defaults tells which parts the string really gave.
        a = _parser.parse(text, default=_DEFAULT_A, tzinfos=_TZINFOS)
        b = _parser.parse(text, default=_DEFAULT_B, tzinfos=_TZINFOS)
    if (a.year, a.month, a.day) != (b.year, b.month, b.day):
        raise ValueError("incomplete date")
    if a.hour != b.hour:
        return _from_date(a.date())
    return _from_datetime(a)


def normalise_date(value: Any) -> str | None:
    """ISO 8601 form of ``value`` (string, datetime, date or epoch number); None when empty.

    Raises ValueError when a non-empty value is not a complete date.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, dt.datetime):
        return _from_datetime(value)
    if isinstance(value, dt.date):
        return _from_date(value)
    if isinstance(value, int) and len(str(abs(value))) == 8:
        # 20200301 written as a number: a YYYYMMDD date, as the same digits in a string are (an epoch of
        # eight digits would be 1970)
        return _from_string(str(value))
    if isinstance(value, (int, float)):
        if value != value:  # NaN from pandas-written files means "missing"
            return None
        try:
            return _from_epoch(float(value))
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"not a timestamp: {value!r}") from exc
    text = str(value).strip()
    if not text:
        return None
    try:
        return _from_string(text)
    except (ValueError, OverflowError, TypeError) as exc:
        raise ValueError(f"not a date: {text!r}") from exc
