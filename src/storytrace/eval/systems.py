"""storytrace itself seen as one more system under test, through its public API only.

The runner asks every system the same questions (cluster these, score these pairs, rank these sources);
this adapter answers them with ``storytrace.Index`` and ``storytrace.compare`` exactly as a user would, so
that the evaluation measures the shipped behaviour rather than internals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from storytrace.config import Settings
from storytrace.model import Article, Relation

__all__ = ["Clustering", "StorytraceSystem", "storytrace_api"]


@dataclass(slots=True)
class Clustering:
    """Article id → cluster label, and for each label the member a system names as first publisher."""

    labels: dict[str, str]
    first: dict[str, str] = field(default_factory=dict)


def storytrace_api() -> tuple[Any, Callable[[Article, Article], Relation]]:
    """``(Index, compare)`` from the package, falling back to their modules while ``__init__`` is young."""
    import storytrace

    index_cls = getattr(storytrace, "Index", None)
    if index_cls is None:
        from storytrace.index import Index as index_cls  # type: ignore[no-redef]
    compare = getattr(storytrace, "compare", None)
    if compare is None:
        from storytrace.relate import compare
    return index_cls, compare


class StorytraceSystem:
    """Answers the runner's questions with storytrace's public API; caches relations per article pair."""

    name = "storytrace"

    def __init__(self, settings: Settings | None = None) -> None:
        # ``settings``: what a user would pass to Index and compare (``storytrace eval --set``); None: defaults.
        self.settings = settings
        self._relations: dict[tuple[str, str], Relation] = {}

    def relation(self, a: Article, b: Article) -> Relation:
        key = (a.id, b.id)
        if key not in self._relations:
            _, compare = storytrace_api()
            self._relations[key] = compare(a, b, settings=self.settings)
        return self._relations[key]

    def _index(self, articles: Sequence[Article]) -> Any:
        """A fresh in-memory index holding ``articles``, as a user would build one."""
        index_cls, _ = storytrace_api()
        index = index_cls(":memory:", settings=self.settings)
        try:
            index.add(articles)
        except BaseException:
            index.close()
            raise
        return index

    def cluster(self, articles: Sequence[Article]) -> Clustering:
        """Stories from a fresh in-memory index; articles in no story are singletons."""
        labels: dict[str, str] = {}
        first: dict[str, str] = {}
        with self._index(articles) as index:
            for story in index.stories():
                for m in story.members:
                    labels[m] = story.id
                if story.first:
                    first[story.id] = story.first
        for a in articles:
            labels.setdefault(a.id, f"single:{a.id}")
        return Clustering(labels, first)

    def duplicates(self, articles: Sequence[Article]) -> dict[str, str]:
        """What ``storytrace export --dedup near`` leaves out: dropped id -> id kept in its place."""
        with self._index(articles) as index:
            return index.duplicates("near")

    def pair_scores(self, pairs: Sequence[tuple[Article, Article]], task: str) -> tuple[list[float], list[bool]]:
        """Ranking score and storytrace's own yes/no for each pair.

        ``task`` "reuse" ranks by ``scores["reuse"]`` and decides by copy != none; "story" ranks by
        ``scores["story"]`` and decides by story == same; "paraphrase" ranks two sentences by the similarity
        passage alignment uses and decides as alignment does (at least ``paraphrase_similarity``).
        """
        scores, decisions = [], []
        if task == "paraphrase":
            cut = (self.settings or Settings()).paraphrase_similarity
            scores = [self.sentence_similarity(a.content, b.content) for a, b in pairs]
            return scores, [s >= cut for s in scores]
        for a, b in pairs:
            r = self.relation(a, b)
            if task == "reuse":
                scores.append(float(r.scores.get("reuse", 0.0)))
                decisions.append(r.copy != "none")
            else:
                scores.append(float(r.scores.get("story", 0.0)))
                decisions.append(r.story == "same")
        return scores, decisions

    def copy_kinds(self, pairs: Sequence[tuple[Article, Article]]) -> list[str]:
        """storytrace's copy decision (``Relation.copy``: exact, near, partial or none) for each pair."""
        return [self.relation(a, b).copy for a, b in pairs]

    def passages(self, copy: Article, source: Article) -> list[tuple[int, int, int, int]]:
        """Detected passages as (copy start, copy end, source start, source end) into ``content``."""
        return [(p.a_start, p.a_end, p.b_start, p.b_end) for p in self.relation(copy, source).passages]

    def unrelated(self, copy: Article, source: Article) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Spans reported as unrelated (spliced-in) text, in ``copy`` and in ``source``, into ``content``."""
        r = self.relation(copy, source)
        return [(s.start, s.end) for s in r.unrelated_a], [(s.start, s.end) for s in r.unrelated_b]

    def disguises(self, copy: Article, source: Article) -> list[str]:
        """The kinds of disguise storytrace names in ``copy`` against ``source`` (``Relation.disguises_a``)."""
        return [d.kind for d in self.relation(copy, source).disguises_a or ()]

    def sentence_similarity(self, a: str, b: str) -> float:
        from storytrace.align import sentence_similarity

        return float(sentence_similarity(a, b))
