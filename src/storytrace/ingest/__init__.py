"""Ingest: files and texts in, clean ``Article`` values out.

Readers never raise on bad data: every problem becomes one ``ReadError`` naming the file and line or row,
and the batch goes on. An article whose date cannot be parsed is still yielded (``published=None``),
followed by a ``ReadWarning`` (a ReadError subclass) so that a scan lists it.
"""

from __future__ import annotations

from .boilerplate import remove_repeated_lines, strip_boilerplate
from .cleanup import clean_text
from .dates import normalise_date
from .html import parse_html
from .ids import make_id
from .paths import SUPPORTED_EXTENSIONS, read_paths
from .records import ALIASES, FIELDS, ReadWarning, site_from_url
from .txt import read_text

__all__ = [
    "ALIASES",
    "FIELDS",
    "SUPPORTED_EXTENSIONS",
    "ReadWarning",
    "clean_text",
    "make_id",
    "normalise_date",
    "parse_html",
    "read_paths",
    "read_text",
    "remove_repeated_lines",
    "site_from_url",
    "strip_boilerplate",
]
