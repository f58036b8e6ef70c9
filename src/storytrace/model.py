"""The few value types every stage speaks.

They are plain frozen dataclasses so that stages stay pure functions over lists of them, and so that the
local engine and the Ray engine can ship them between processes unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Literal

CopyKind = Literal["exact", "near", "partial", "none"]
StoryKind = Literal["same", "different"]
PassageKind = Literal["verbatim", "paraphrase"]

TITLE_SEPARATOR = "\n\n"

#: A stored copy pair as the store hands it to storytrace.network: (site, published, article number, the
#: disguise kinds it plays or None when not looked for) of a, then the same of b.
CopyPairRow = tuple[str | None, str | None, int, tuple[str, ...] | None,
                    str | None, str | None, int, tuple[str, ...] | None]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article after ingest: boilerplate removed, metadata parsed.

    ``published`` is an ISO 8601 string (date or UTC datetime) or None when unknown, so that articles
    sort and serialise without timezone surprises. Character spans elsewhere index into ``content``.
    """

    text: str
    id: str = ""
    title: str = ""
    url: str | None = None
    site: str | None = None
    author: str | None = None
    published: str | None = None
    origin: str = ""

    @property
    def content(self) -> str:
        """Headline and body as one string: the text that passages' character spans point into."""
        if self.title:
            return self.title + TITLE_SEPARATOR + self.text
        return self.text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ReadError:
    """Input that could not become an article; ``origin`` names the file and line or row."""

    origin: str
    message: str
    #: whether the input it concerns was dropped (a ReadWarning's article was read all the same)
    drops_article: ClassVar[bool] = True

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"

    @property
    def repairs(self) -> tuple[str, ...]:
        """Repairs the reader made to the input (ingest.repair): a scan counts them by name instead of
        listing a line for each."""
        return ()


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of text two articles share, with spans into each article's ``content``."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    kind: PassageKind
    score: float
    a_text: str = ""
    b_text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "score": round(self.score, 4),
            "a": {"start": self.a_start, "end": self.a_end, "text": self.a_text},
            "b": {"start": self.b_start, "end": self.b_end, "text": self.b_text},
        }


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


def disguise_label(kind: str) -> str:
    """A disguise kind in words: "lookalike_letters" -> "lookalike letters"."""
    return kind.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Disguise:
    """One trick a copy plays to hide that it is one (see storytrace.disguise): its kind, how many times,
    and a few examples ("Russia → Russian Federation")."""

    kind: str
    count: int
    examples: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The kind in words ("lookalike letters"), as the CLI and the pages show it."""
        return disguise_label(self.kind)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "count": self.count, "examples": list(self.examples)}


@dataclass(frozen=True, slots=True)
class Relation:
    """How two articles relate, with the evidence for it (what ``storytrace compare`` prints)."""

    a: str
    b: str
    copy: CopyKind
    story: StoryKind
    scores: dict[str, float]
    passages: tuple[Passage, ...] = ()
    unrelated_a: tuple[Span, ...] = ()
    unrelated_b: tuple[Span, ...] = ()
    earlier: Literal["a", "b"] | None = None
    # the tricks each side plays that the other does not (storytrace.disguise): computed by compare(),
    # Index.pair() and Index.query() (empty when the pair is no copy); None where nobody looked (stored
    # pairs), so that "not looked for" never reads as "none found"
    disguises_a: tuple[Disguise, ...] | None = None
    disguises_b: tuple[Disguise, ...] | None = None

    @property
    def related(self) -> bool:
        return self.copy != "none" or self.story == "same"

    def swapped(self) -> "Relation":
        """The same relation read from b's side: a and b, their spans, scores and disguises exchanged."""
        scores = {(k[:-2] + ("_b" if k.endswith("_a") else "_a") if k.endswith(("_a", "_b")) else k): v
                  for k, v in self.scores.items()}
        passages = sorted((Passage(p.b_start, p.b_end, p.a_start, p.a_end, p.kind, p.score, p.b_text, p.a_text)
                           for p in self.passages), key=lambda p: (p.a_start, p.b_start))
        earlier = {"a": "b", "b": "a"}.get(self.earlier or "")
        return Relation(self.b, self.a, self.copy, self.story, scores, tuple(passages), self.unrelated_b,
                        self.unrelated_a, earlier, self.disguises_b, self.disguises_a)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "copy": self.copy,
            "story": self.story,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "passages": [p.to_dict() for p in self.passages],
            "unrelated": {
                "a": [s.to_dict() for s in self.unrelated_a],
                "b": [s.to_dict() for s in self.unrelated_b],
            },
            "earlier": self.earlier,
            "disguises": self.disguises_dict(),
        }

    def disguises_dict(self) -> dict[str, list[dict[str, Any]]] | None:
        """Each side's disguises as plain data (None where nobody looked), as ``to_dict`` gives them."""
        if self.disguises_a is None or self.disguises_b is None:
            return None
        return {"a": [d.to_dict() for d in self.disguises_a], "b": [d.to_dict() for d in self.disguises_b]}

    def summary(self) -> dict[str, Any]:
        """The pair without its passages (what pair listings and exports give): a, b, copy, story, earlier,
        scores and disguises."""
        return {"a": self.a, "b": self.b, "copy": self.copy, "story": self.story, "earlier": self.earlier,
                "scores": self.scores, "disguises": self.disguises_dict()}


@dataclass(frozen=True, slots=True)
class Story:
    """A cluster of articles telling the same story.

    ``members`` are article ids in publication order; ``reprint_groups`` are the sets of members that
    are exact or near copies of each other; ``first`` is the earliest known member.
    """

    id: str
    headline: str
    members: tuple[str, ...]
    first: str | None = None
    first_site: str | None = None
    first_published: str | None = None
    last_published: str | None = None
    sites: tuple[str, ...] = ()
    reprint_groups: tuple[tuple[str, ...], ...] = ()

    @property
    def size(self) -> int:
        return len(self.members)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "headline": self.headline,
            "size": self.size,
            "members": list(self.members),
            "first_publisher": {"article": self.first, "site": self.first_site, "published": self.first_published},
            "first_published": self.first_published,
            "last_published": self.last_published,
            "sites": list(self.sites),
            "reprint_groups": [list(g) for g in self.reprint_groups],
        }


@dataclass(frozen=True, slots=True)
class Match:
    """A stored article that a queried text relates to."""

    article: Article
    relation: Relation
    story_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": {k: v for k, v in self.article.to_dict().items() if k != "text"},
            "story_id": self.story_id,
            **{k: v for k, v in self.relation.to_dict().items() if k not in ("a", "b")},
        }


@dataclass(slots=True)
class ScanReport:
    """What a scan did: counts, and one line for every input it had to skip."""

    read: int = 0
    added: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    stories: int = 0
    pairs: int = 0
    seconds: float = 0.0
    upgraded: int = 0  # stored copy pairs whose disguises an older storytrace had not named, named now
    relabelled: int = 0  # stored exact copies an older storytrace called exact though one side glues its sentences
    # or writes styled letters (normalize.exact_marks), now near
    reheaded: int = 0  # stored stories whose first publisher their copies' own texts changed (storytrace.provenance)
    repaired: dict[str, int] = field(default_factory=dict)  # articles read with each repair (ingest.repair)
    # "id (origin)" of each article left out because its id is stored (or came earlier) with another text
    conflicts: list[str] = field(default_factory=list)

    def add_problem(self, problem: ReadError) -> None:
        """One line for a problem with the input; skipped counts only the ones that dropped an article.
        Repairs are counted by name, not listed: a feed that mangles its text mangles all of it."""
        if problem.repairs:
            for name in problem.repairs:
                self.repaired[name] = self.repaired.get(name, 0) + 1
            return
        self.errors.append(str(problem))
        self.skipped += problem.drops_article

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
