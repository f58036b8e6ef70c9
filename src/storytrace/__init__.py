"""storytrace: find the same news story in a pile of articles.

Exact copies, reprints, partial copies and rewrites told in other words; stories, shared passages, who
published first.
"""

from __future__ import annotations

from .config import Settings
from .errors import ConfigError, InputError, NotFound, StorytraceError
from .index import Index
from .model import Article, Match, Passage, ReadError, Relation, ScanReport, Span, Story
from .relate import compare

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ConfigError",
    "Index",
    "InputError",
    "Match",
    "NotFound",
    "Passage",
    "ReadError",
    "Relation",
    "ScanReport",
    "Settings",
    "Span",
    "Story",
    "StorytraceError",
    "compare",
    "__version__",
]
