"""The one shape every evaluation dataset is loaded into, whatever its original format.

A single shape lets the runner score storytrace and the baselines the same way on every dataset: it only
asks which labels a dataset carries (story clusters, pairs, sources, passages) and runs the tasks those
labels allow.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

from storytrace.model import Article

Split = Literal["dev", "test"]
PairTask = Literal["reuse", "story", "paraphrase"]
CopyLabel = Literal["exact", "near", "partial", "none"]


@dataclass(frozen=True, slots=True)
class LabeledPair:
    """Two article ids with a gold label: 0/1, or a graded score (STS-B's 0–5) when ``graded``."""

    a: str
    b: str
    label: float
    split: Split = "test"


@dataclass(frozen=True, slots=True)
class CopyPair:
    """A (derived, source) pair with the copy relation the truth gives it, in storytrace's own terms
    (``Relation.copy``): exact, near, partial or none. ``a`` is the later text, ``b`` the earlier one."""

    a: str
    b: str
    kind: CopyLabel
    split: Split = "test"


@dataclass(frozen=True, slots=True)
class TruthPassage:
    """A reused stretch of text: spans into the copy's and the source's ``Article.content``."""

    copy: str
    source: str
    copy_start: int
    copy_end: int
    source_start: int
    source_end: int
    kind: str = "verbatim"


@dataclass(slots=True)
class Dataset:
    """Articles plus whatever gold labels the dataset has.

    ``split`` maps every article id to ``dev`` or ``test``: thresholds are tuned on ``dev`` and numbers are
    reported on ``test``, so a split must never cut a gold story in two (it is assigned per group).
    ``sources`` maps a derived article to its true source and ``candidates`` to the sources it has to be
    told apart from (source attribution). ``copy_pairs`` carry the graded copy relation of (copy, source)
    pairs (copy-relation accuracy). ``duplicates`` are (article, the article it duplicates) pairs: exact and
    near copies, the groups a deduplication should reduce to one article. ``first`` maps a story to its true original (first publisher), only for
    stories that have one and at least one later article. ``unrelated`` maps a derived article to the spans
    (into its ``content``) of text spliced in from other stories; an article it names with no spans has none.
    ``pair_task`` says what the pair labels mean: text reuse, same story, or two sentences that say the same
    (paraphrase). ``binary_cut`` turns graded pair labels into positives (label >= cut). ``problems`` lists
    the records a loader skipped, so that one bad line costs that line and not the evaluation.
    """

    name: str
    articles: list[Article]
    split: dict[str, Split]
    stories: dict[str, str] = field(default_factory=dict)
    pairs: list[LabeledPair] = field(default_factory=list)
    pair_task: PairTask = "story"
    graded: bool = False
    binary_cut: float = 0.5
    sources: dict[str, str] = field(default_factory=dict)
    candidates: dict[str, list[str]] = field(default_factory=dict)
    passages: list[TruthPassage] = field(default_factory=list)
    copy_pairs: list[CopyPair] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    first: dict[str, str] = field(default_factory=dict)
    unrelated: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # a copy -> the disguises its generator applied (kinds of storytrace.disguise), judged against its source
    disguised: dict[str, frozenset[str]] = field(default_factory=dict)
    description: str = ""
    # records left out while loading, one line each naming the file and line ("mine.jsonl:7: not JSON ...")
    problems: list[str] = field(default_factory=list)

    def articles_in(self, split: Split) -> list[Article]:
        return [a for a in self.articles if self.split.get(a.id) == split]

    def storied_in(self, split: Split) -> list[Article]:
        """The articles of ``split`` with a story label (a corpus labelled by pairs may leave some without)."""
        return [a for a in self.articles_in(split) if a.id in self.stories]

    def pairs_in(self, split: Split) -> list[LabeledPair]:
        return [p for p in self.pairs if p.split == split]

    def sources_in(self, split: Split) -> dict[str, str]:
        return {k: v for k, v in self.sources.items() if self.split.get(k) == split}

    def duplicates_in(self, split: Split) -> list[tuple[str, str]]:
        return [(a, b) for a, b in self.duplicates if self.split.get(a) == split and self.split.get(b) == split]

    def copy_pairs_in(self, split: Split) -> list[CopyPair]:
        return [p for p in self.copy_pairs if p.split == split]

    def passages_in(self, split: Split) -> list[TruthPassage]:
        return [p for p in self.passages if self.split.get(p.copy) == split]

    def article_map(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}

    def is_positive(self, pair: LabeledPair) -> bool:
        return pair.label >= self.binary_cut

    def summary(self) -> dict[str, int]:
        """Counts per split, for the report header."""
        out: dict[str, int] = {"articles": len(self.articles)}
        for s in ("dev", "test"):
            out[f"{s}_articles"] = sum(1 for v in self.split.values() if v == s)
            out[f"{s}_pairs"] = sum(1 for p in self.pairs if p.split == s)
        if self.stories:
            out["stories"] = len(set(self.stories.values()))
        return out


def split_of(group: str, *, dev_share: float = 0.4, salt: str = "storytrace-eval") -> Split:
    """Deterministic dev/test assignment of a whole group (topic, story, participant) by a hash.

    A hash rather than a random draw so that the split is the same on every machine and in every version.
    """
    h = hashlib.sha1(f"{salt}:{group}".encode()).digest()
    return "dev" if int.from_bytes(h[:8], "big") / 2**64 < dev_share else "test"
