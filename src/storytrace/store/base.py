"""The index's storage interface: what the indexer and the readers need, nothing about how it is kept.

SQLite is the only backend today; a second one (a server database, an object store) implements this
class and registers itself in ``open_store``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ..model import Article, CopyPairRow, Disguise, Passage, Relation, Story

__all__ = ["CopyPairRow", "PairRow", "Store", "StoredArticle"]

StoredArticle = tuple[int, Article, dict[str, Any]]  # (internal number, article, fingerprint state)
# a, b, copy, story, story score, reuse, scores, and the disguises of a and of b (None: not looked for)
PairRow = tuple[int, int, str, str, float, float, dict[str, float],
                tuple[tuple[Disguise, ...], tuple[Disguise, ...]] | None]


class Store(ABC):
    """Articles with their fingerprints and candidate keys, verified pairs, passages and stories."""

    readonly: bool

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """Everything written inside lands together or not at all (a scan batch)."""

    @abstractmethod
    def existing(self, ids: Sequence[str]) -> set[str]: ...

    @abstractmethod
    def stored_texts(self, ids: Sequence[str]) -> dict[str, str]:
        """The stored text of each of these ids that is stored."""

    @abstractmethod
    def insert_articles(self, rows: Sequence[tuple[Article, dict[str, Any], list[int], list[int], list[int],
                                                   int | None]]) -> list[int]:
        """Store articles with (state, band keys, sentence keys, block-term keys, day); return numbers."""

    @abstractmethod
    def candidates(self, bands: Iterable[int], sentences: Iterable[int], terms: Iterable[int],
                   limit_per_key: int, min_terms: int = 1) -> dict[str, dict[int, int]]:
        """For each kind of key, {article number: number of shared keys}; under "terms" only the articles
        that share at least ``min_terms`` (the rest is never used, and is most of the rows)."""

    @abstractmethod
    def load(self, numbers: Iterable[int]) -> dict[int, StoredArticle]: ...

    @abstractmethod
    def number_of(self, article_id: str) -> int | None: ...

    @abstractmethod
    def exact_matches(self, exact: int) -> list[int]: ...

    def exact_postings(self, exacts: Iterable[int]) -> dict[int, list[int]]:
        """{exact hash: article numbers with that exact text}, for many hashes at once."""
        out: dict[int, list[int]] = {}
        for e in set(exacts):
            found = self.exact_matches(e)
            if found:
                out[e] = found
        return out

    def load_members(self, numbers: Iterable[int]) -> dict[int, StoredArticle]:
        """What clustering needs: ``load``, where a backend may cut texts to their first 120 characters."""
        return self.load(numbers)

    def load_states(self, numbers: Iterable[int]) -> dict[int, tuple[str | None, dict[str, Any]]]:
        """{number: (published, fingerprint state)}: what the story similarity needs, without the texts."""
        return {n: (art.published, state) for n, (_, art, state) in self.load(numbers).items()}

    def articles_with_story(self, numbers: Iterable[int]) -> dict[int, tuple[Article, str | None]]:
        """{number: (article, its story id)}: what a query shows of its matches, without their states."""
        return {n: (art, self.article_story(art.id)) for n, (_, art, _state) in self.load(numbers).items()}

    @abstractmethod
    def key_postings(self, table: str, keys: Sequence[int], limit_per_key: int) -> dict[int, list[int]]: ...

    @abstractmethod
    def story_members(self, numbers: Iterable[int]) -> set[int]: ...

    @abstractmethod
    def put_pairs(self, rows: Sequence[PairRow], passages: dict[tuple[int, int], Sequence[Passage]]) -> None: ...

    @abstractmethod
    def copy_pairs_lacking_disguises(self, limit: int) -> list[tuple[int, int, str]]:
        """Up to ``limit`` stored copy pairs (a, b, copy) whose disguises were never looked for (stored by a
        storytrace that did not name them), in pair order."""

    @abstractmethod
    def stored_passages(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[Passage]]:
        """The stored passages of these pairs (spans as stored: a's side first)."""

    @abstractmethod
    def put_disguises(self, rows: Sequence[tuple[int, int, str, tuple[tuple[Disguise, ...], tuple[Disguise, ...]]]]) -> None:
        """Set the disguises of stored pairs: (a, b, copy, (disguises of a, disguises of b))."""

    @abstractmethod
    def exact_pairs_after(self, after: tuple[int, int], limit: int) -> list[tuple[int, int]]:
        """Up to ``limit`` stored exact-copy pairs (a, b) after ``after`` in pair order."""

    @abstractmethod
    def set_copy(self, rows: Sequence[tuple[int, int, str]]) -> None:
        """Set the copy kind of stored pairs: (a, b, copy)."""

    @abstractmethod
    def linked(self, numbers: Iterable[int], with_kinds: bool = False) -> list[tuple]:
        """Stored related pairs touching these articles: (a, b, copy, story), and with ``with_kinds`` the
        disguise kinds of a and of b too (None where a copy pair was stored before disguises were), read in
        the same pass."""

    @abstractmethod
    def replace_stories(self, old_members: Iterable[int], stories: Sequence[tuple[Story, list[int]]]) -> None: ...

    # readers
    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def story_count(self) -> int: ...

    @abstractmethod
    def article(self, article_id: str) -> Article | None: ...

    @abstractmethod
    def article_story(self, article_id: str) -> str | None: ...

    @abstractmethod
    def stories(self, *, limit: int | None, offset: int, search: str | None, site: str | None,
                since: str | None, until: str | None, order: str, min_size: int = 1) -> list[Story]: ...

    @abstractmethod
    def story(self, story_id: str) -> Story | None: ...

    @abstractmethod
    def pairs(self, *, copy: str | None, story: str | None, article_id: str | None, limit: int | None = None,
              offset: int = 0) -> Iterator[Relation]: ...

    @abstractmethod
    def passages(self, a_id: str, b_id: str) -> list[Passage] | None: ...

    def iter_passages(self) -> Iterator[dict[str, Any]]:
        """Every stored passage: a, b (article ids), kind, score, a_start, a_end, b_start, b_end."""
        raise NotImplementedError(f"{type(self).__name__} cannot list passages")

    @abstractmethod
    def site_counts(self) -> dict[str, int]: ...

    @abstractmethod
    def copy_pair_rows(self) -> Iterator[CopyPairRow]: ...

    @abstractmethod
    def version(self) -> Any:
        """A value that changes whenever the stored data does, by this connection or another: answers
        computed from the whole index can be kept while it stays the same."""

    @abstractmethod
    def copy_links(self, kinds: Sequence[str]) -> Iterator[CopyPairRow]:
        """``(id, published, number, disguise kinds)`` of both articles of every stored pair whose copy kind is
        in ``kinds`` (kinds None where not looked for), for grouping duplicates (storytrace.dedup)."""

    @abstractmethod
    def iter_articles(self) -> Iterator[tuple[Article, str | None]]: ...

    def any_text(self, predicate: Callable[[str], bool]) -> bool:
        """Whether any stored article's text (``Article.content``: headline and body) satisfies ``predicate``
        (stops at the first)."""
        return any(predicate(article.content) for article, _ in self.iter_articles())

    @abstractmethod
    def get_meta(self, key: str) -> str | None: ...

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None: ...

    @abstractmethod
    def close(self) -> None: ...
