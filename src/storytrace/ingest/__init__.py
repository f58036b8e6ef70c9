"""Ingest: files and texts in, clean ``Article`` values out.

Readers never raise on bad data: every problem becomes one ``ReadError`` whose origin names the file and
line (``path:LINE`` for JSON Lines) or row (``path:row N`` for CSV/Parquet, counted from 1 after the
header), and the batch goes on. An article whose date cannot be parsed is still yielded
(``published=None``), followed by a ``ReadWarning``: a ReadError subclass, so a scan lists and counts it,
while callers that want "skipped" to mean "dropped" can tell the two apart with isinstance.

Readers clean whitespace, apply ``strip_boilerplate`` and ``repair_text`` (mojibake, HTML entities);
``remove_repeated_lines`` needs a batch of articles per site, so the indexer calls it.
"""

from __future__ import annotations

from .boilerplate import remove_repeated_lines, strip_boilerplate
from .cleanup import clean_text
from .dates import normalise_date
from .html import parse_html
from .ids import make_id
from .paths import SUPPORTED_EXTENSIONS, read_file, read_paths
from .records import ALIASES, FIELDS, ReadWarning, site_from_url
from .repair import repair_text
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
    "read_file",
    "read_paths",
    "read_text",
    "remove_repeated_lines",
    "repair_text",
    "site_from_url",
    "strip_boilerplate",
]
