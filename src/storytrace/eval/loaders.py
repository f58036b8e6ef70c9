"""Readers that turn each evaluation corpus into a :class:`Dataset`.

One function per corpus, each knowing that corpus' quirks (ECB+'s title that is also the first body
sentence, Clough's mixed encodings, GoogleNews' titles-only lines). The data is never shipped in the repo;
it is found through ``STORYTRACE_DATA`` or next to the checkout, and a missing folder raises
:class:`DataMissing` so that tests and the quality doc can skip it with a reason.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from storytrace.cluster import components
from storytrace.dedup import LEVELS
from storytrace.errors import InputError, StorytraceError
from storytrace.eval.dataset import CopyLabel, CopyPair, Dataset, LabeledPair, PairTask, Split, TruthPassage, split_of
from storytrace.eval.pairs_file import SHOWN, more_lines, read_pairs
from storytrace.ingest.records import build_article, pick_fields, resolve_columns
from storytrace.model import Article, ReadError

__all__ = [
    "DATASETS",
    "DataMissing",
    "data_root",
    "load_dataset",
    "load_ecbplus",
    "load_clough",
    "load_googlenews",
    "load_stsb",
    "load_synth",
    "load_jsonl",
    "SYNTH_SEED",
]

REPO_ROOT = Path(__file__).resolve().parents[3]


class DataMissing(StorytraceError):
    """The files of an evaluation dataset are not on this machine."""


def data_root() -> Path:
    """Where the shared evaluation data lives: ``$STORYTRACE_DATA``, else ``<repo>/../shared/data``."""
    env = os.environ.get("STORYTRACE_DATA")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / "data"


def _folder(name: str, root: Path | None = None) -> Path:
    path = (root or data_root()) / name
    if not path.is_dir():
        raise DataMissing(f"dataset folder {path} not found (set STORYTRACE_DATA to the shared data folder)")
    return path


def load_ecbplus(root: Path | None = None) -> Dataset:
    """ECB+: 982 full articles in 86 stories, two similar events per topic (hard negatives).

    Never reads ``url`` (it leaks the label) and has no dates. ECB+ repeats the first body sentence as the
    title, so it is cut from the text to keep ``content`` free of a duplicated line. Split by topic, so
    that both events of a topic, the hard negatives, land on the same side. Pairs are every same-topic
    pair: positive when same story, negative (a near-miss event) otherwise.
    """
    path = _folder("ecbplus-event-story-clusters", root) / "docs.jsonl.gz"
    articles: list[Article] = []
    stories: dict[str, str] = {}
    split: dict[str, Split] = {}
    topic_of: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            title, text = d.get("title") or "", d["text"]
            if title and text.startswith(title):
                text = text[len(title) :].lstrip("\n")
            doc = d["doc_id"]
            articles.append(Article(text=text, id=doc, title=title, origin=f"ecbplus:{doc}"))
            stories[doc] = d["story_id"]
            topic_of[doc] = str(d["topic"])
            split[doc] = split_of(f"ecb-topic-{d['topic']}")
    pairs = []
    by_topic: dict[str, list[str]] = {}
    for doc in stories:
        by_topic.setdefault(topic_of[doc], []).append(doc)
    for docs in by_topic.values():
        for i, a in enumerate(docs):
            for b in docs[i + 1 :]:
                pairs.append(LabeledPair(a, b, float(stories[a] == stories[b]), split[a]))
    return Dataset(
        name="ecbplus",
        articles=articles,
        split=split,
        stories=stories,
        pairs=pairs,
        pair_task="story",
        description="ECB+ full articles, 86 stories (43 topics x 2 similar events); split by topic",
    )


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").strip()


def load_clough(root: Path | None = None) -> Dataset:
    """Clough & Stevenson short answers: graded reuse pairs and source attribution.

    The pairs are the 95 (answer, source of its task) pairs, positive for cut/light/heavy reuse, negative
    for answers written independently on the same topic. Split by participant (19 of them), so one
    writer's answers are never both tuned on and reported. Sources get their own split label "dev" and
    "test" both: they are shared reference texts, so they appear in both splits' candidate lists.
    """
    folder = _folder("clough-stevenson-short-answer-reuse", root)
    texts = folder / "texts"
    articles: list[Article] = []
    split: dict[str, Split] = {}
    pairs: list[LabeledPair] = []
    sources: dict[str, str] = {}
    origs = sorted(p.stem for p in texts.glob("orig_task*.txt"))
    with open(folder / "pairs.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for stem in origs:
        articles.append(Article(text=_read_text(texts / f"{stem}.txt"), id=stem, origin=f"clough:{stem}.txt"))
    for row in rows:
        doc = Path(row["derived_file"]).stem
        src = Path(row["source_file"]).stem
        participant = doc.split("_")[0]
        s = split_of(f"clough-{participant}")
        split[doc] = s
        articles.append(Article(text=_read_text(texts / row["derived_file"]), id=doc, origin=f"clough:{doc}.txt"))
        pairs.append(LabeledPair(doc, src, float(row["is_reuse"]), s))
        if row["is_reuse"] == "1":
            sources[doc] = src
    candidates = {doc: list(origs) for doc in sources}
    return Dataset(
        name="clough",
        articles=articles,
        split=split,
        pairs=pairs,
        pair_task="reuse",
        sources=sources,
        candidates=candidates,
        description="Clough & Stevenson short answers: 95 answer/source pairs (cut, light, heavy vs non)",
    )


def load_googlenews(root: Path | None = None) -> Dataset:
    """GoogleNews-T: 11,108 preprocessed headlines in 152 (silver) stories. Split by story."""
    folder = _folder("googlenews-t-story-clusters", root)
    lines = (folder / "GoogleNews.txt").read_text(encoding="utf-8").splitlines()
    labels = (folder / "GoogleNews_LABEL.txt").read_text(encoding="utf-8").split()
    if len(lines) != len(labels):
        raise InputError(f"{folder}: {len(lines)} titles but {len(labels)} labels")
    articles, stories, split = [], {}, {}
    for i, (line, label) in enumerate(zip(lines, labels, strict=True)):
        doc = f"gn{i:05d}"
        articles.append(Article(text=line.strip(), id=doc, origin=f"googlenews:{i + 1}"))
        stories[doc] = label
        split[doc] = split_of(f"gn-story-{label}")
    return Dataset(
        name="googlenews",
        articles=articles,
        split=split,
        stories=stories,
        description="GoogleNews-T headlines (lower-cased, no stop words), 152 silver stories; split by story",
    )


def load_stsb(root: Path | None = None) -> Dataset:
    """STS-B headlines: 2,499 sentence pairs graded 0–5. Train+dev files are our dev, test is test.

    Positive for the binary pair metrics means score >= 3 ("roughly equivalent"), the common cut. That is a
    paraphrase judgement, not a story one: pairs graded 1-2.8 are often two headlines of one story ("US
    soldier accused of Afghan massacre hires prominent criminal lawyer" / "... identified", 2.0), so the pairs
    score storytrace's paraphrase decision, the one passage alignment makes; the story decision is scored on
    ECB+ and GoogleNews-T, whose labels are stories.
    """
    path = _folder("stsb-headlines-pairs", root) / "headlines.tsv"
    articles, split, pairs = [], {}, []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            s: Split = "test" if row["split"] == "test" else "dev"
            pid = f"sts{row['year']}-{row['split']}-{row['sts_id']}"
            a, b = f"{pid}a", f"{pid}b"
            articles.append(Article(text=row["sentence1"], id=a, origin=f"stsb:{pid}"))
            articles.append(Article(text=row["sentence2"], id=b, origin=f"stsb:{pid}"))
            split[a] = split[b] = s
            pairs.append(LabeledPair(a, b, float(row["score"]), s))
    return Dataset(
        name="stsb",
        articles=articles,
        split=split,
        pairs=pairs,
        pair_task="paraphrase",
        graded=True,
        binary_cut=3.0,
        description="STS-B headlines: 2,499 pairs graded 0-5 (positive = score >= 3); official test split",
    )


#: The synth corpus every default setting was chosen on (its dev split). Any other seed gives a corpus that
#: no setting has seen: ``storytrace eval synth --seed N``.
SYNTH_SEED = 7


def load_synth(n_articles: int = 1000, seed: int = SYNTH_SEED) -> Dataset:
    """A generated content-farm corpus over the Wikinews sample, with full ground truth.

    Split by story so that a copy and its source are always on the same side.
    """
    from storytrace import synth

    corpus = synth.generate(synth.load_sources(), n_articles=n_articles, seed=seed)
    ds = synth_dataset(corpus.items(), name="synth")
    if seed != SYNTH_SEED:
        ds.description += f" (seed {seed}: a corpus no setting was chosen on)"
    return ds


#: The generator's relation of a derived article to its source, as the copy kind storytrace should report:
#: a "same" rewrite tells the story in other words and shares no passage, so it is no copy.
SYNTH_COPY_KIND: dict[str, CopyLabel] = {"exact": "exact", "near": "near", "partial": "partial", "same": "none",
                                         "none": "none"}

#: The generator's disguise ops, as the disguise kinds storytrace names (storytrace.disguise).
SYNTH_DISGUISE: dict[str, str] = {"glyphs": "lookalike_letters", "no_space": "missing_spaces",
                                  "no_of": "dropped_words", "spin": "swapped_words"}


def synth_dataset(items: object, *, name: str = "synth") -> Dataset:
    """Turn generated items (article + truth) into a Dataset: stories, pairs, sources, passages.

    ``copy_pairs`` are every (derived, source) pair with its truth relation mapped by :data:`SYNTH_COPY_KIND`,
    plus every (decoy, article it imitates) pair as ``none``.
    """
    from storytrace.synth import SynthItem

    articles: list[Article] = []
    stories: dict[str, str] = {}
    split: dict[str, Split] = {}
    pairs: list[LabeledPair] = []
    sources: dict[str, str] = {}
    candidates: dict[str, list[str]] = {}
    passages: list[TruthPassage] = []
    copy_pairs: list[CopyPair] = []
    first: dict[str, str] = {}
    unrelated: dict[str, list[tuple[int, int]]] = {}
    disguised: dict[str, frozenset[str]] = {}
    for item in items:  # type: ignore[attr-defined]
        assert isinstance(item, SynthItem)
        t = item.truth
        aid = item.article.id
        articles.append(item.article)
        stories[aid] = t.story
        split[aid] = split_of(f"{name}-story-{t.story}")
        if t.source is None and t.relation == "none" and t.story not in first:
            first[t.story] = aid
        if t.source is not None:
            copy_pairs.append(CopyPair(aid, t.source, SYNTH_COPY_KIND[t.relation], split[aid]))
            label = 1.0 if t.relation in ("exact", "near", "partial") else 0.0
            pairs.append(LabeledPair(aid, t.source, label, split[aid]))
            if label:
                sources[aid] = t.source
                candidates[aid] = [t.source, *t.distractors]
                disguised[aid] = frozenset(SYNTH_DISGUISE[op] for op in t.ops if op in SYNTH_DISGUISE)
                # The decoy when there is one, else another original: a negative pair. Never an article the
                # copy took text from (a paragraph spliced in from another story is reuse of that story).
                took = {p.source for p in t.passages}
                negative = next((d for d in t.distractors if d not in took), None)
                if negative is not None:
                    pairs.append(LabeledPair(aid, negative, 0.0, split[aid]))
        if t.decoy_of is not None:
            pairs.append(LabeledPair(aid, t.decoy_of, 0.0, split[aid]))
            copy_pairs.append(CopyPair(aid, t.decoy_of, "none", split[aid]))
        # "same" rewrites are not copies (their pair label is 0), so their reworded sentences are not
        # plagdet cases either; spliced-in passages of other articles are.
        for p in t.passages if t.relation != "same" else ():
            passages.append(TruthPassage(aid, p.source, p.copy_start, p.copy_end, p.source_start, p.source_end, p.kind))
        if t.source is not None and t.relation != "same":
            unrelated[aid] = list(t.unrelated)
    # Only stories that actually grew copies have a "first publisher" to find.
    sizes: dict[str, int] = {}
    for s in stories.values():
        sizes[s] = sizes.get(s, 0) + 1
    first = {s: a for s, a in first.items() if sizes[s] > 1}
    # Distractor candidates may sit in the other split; attribution only needs their text.
    return Dataset(
        name=name,
        articles=articles,
        split=split,
        stories=stories,
        pairs=pairs,
        pair_task="reuse",
        sources=sources,
        candidates=candidates,
        passages=passages,
        copy_pairs=copy_pairs,
        duplicates=[(p.a, p.b) for p in copy_pairs if p.kind in LEVELS["near"]],
        first=first,
        unrelated=unrelated,
        disguised=disguised,
        description="synthetic content-farm corpus over the Wikinews sample (storytrace synth); split by story",
    )


def _json_lines(path: Path, problems: list[str]) -> Iterator[tuple[int, Any]]:
    """(line number, decoded JSON) of each non-blank line; a line that is not UTF-8 or not JSON is named in
    ``problems`` and left out, and a file that breaks off (a truncated .gz) keeps the lines read before.
    A byte-order mark (as Windows tools save UTF-8) is no part of the first line."""
    opener = gzip.open if path.suffix == ".gz" else open
    n = 0
    try:
        with opener(path, "rb") as fh:  # type: ignore[operator]
            for n, raw in enumerate(fh, 1):
                if n == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                if not raw.strip():
                    continue
                try:
                    yield n, json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError as exc:
                    problems.append(f"{path}:{n}: not UTF-8 (byte {raw[exc.start]:#04x} at column {exc.start + 1})")
                except json.JSONDecodeError as exc:
                    problems.append(f"{path}:{n}: not JSON ({exc.msg})")
    except (OSError, EOFError, zlib.error) as exc:
        problems.append(f"{path}: unreadable after line {n} ({exc}); the lines before it are used")


class _Problems:
    """Problem lines, the first few of each kind in full and the rest of that kind counted in one line: a
    file whose every other line lacks a label is one kind of mistake, not hundreds of lines to read. As the
    pairs file counts them (eval.pairs_file), with the same summary line."""

    def __init__(self, out: list[str]) -> None:
        self.out = out
        self.kinds: dict[str, list[int]] = {}  # kind -> [count, first line past the shown, last line]

    def add(self, kind: str, where: str, line: int, message: str) -> None:
        seen = self.kinds.setdefault(kind, [0, 0, 0])
        seen[0] += 1
        if seen[0] <= SHOWN:
            self.out.append(f"{where}:{line}: {message}")
        else:
            seen[1] = seen[1] or line
            seen[2] = line

    def close(self, where: str) -> None:
        for kind, (count, first, last) in self.kinds.items():
            if count > SHOWN:
                self.out.append(more_lines(where, count - SHOWN, first, last, kind))


def _label(value: Any) -> str | None:
    """A story or duplicate label as text; None for a missing one (null, empty, or not a scalar)."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    if isinstance(value, float):
        if value != value:
            return None
        value = int(value) if value.is_integer() else value
    text = str(value).strip()
    return text or None


def load_jsonl(path: str | Path, pairs_path: str | Path | None = None,
               pair_task: PairTask = "story") -> Dataset:
    """A user's labelled corpus: JSONL articles with a ``story`` field, optional ``a,b,label`` pairs CSV
    whose labels mean ``pair_task`` (same story, text reuse, or paraphrase). With a pairs file the ``story``
    field may be left out: the pairs are then the labels (clusters are scored on the articles that have one).
    An article may name the article it duplicates in ``duplicate_of`` (an id of the file), for the dedup
    task; a file that uses it needs no ``story`` field either.

    Each line is read as ``storytrace scan`` reads a JSON Lines record (the same column names and aliases,
    repairs, boilerplate, dates and ids), so the scores are those of the articles a scan would store. Split
    by story, and an article without one by the pairs it is in (all articles joined by pairs fall on one
    side, so that no article is scored on the split its pairs were tuned on); the split hashes the labels
    only, so a renamed or compressed copy of the file scores the same. A bad line or row (not JSON, no text,
    no ``story`` where no pairs file is given, a pair naming an article the file lacks) is left out and
    named in ``Dataset.problems``, as a scan would; only a file with no usable article is an error.
    """
    path = Path(path)
    problems: list[str] = []
    lines = list(_json_lines(path, problems))
    # duplicate_of labels a whole file: a line that names none is labelled as no duplicate
    by_duplicates = any(isinstance(d, dict) and _label(d.get("duplicate_of")) for _, d in lines)
    story_needed = pairs_path is None and not by_duplicates
    noted = _Problems(problems)
    articles, stories, split = [], {}, {}
    duplicate_of: dict[str, tuple[str, int]] = {}
    seen: set[str] = set()
    columns_of: dict[tuple[str, ...], dict[str, str]] = {}
    for n, d in lines:
        if not isinstance(d, dict):
            noted.add("that are no JSON object", str(path), n, "expected a JSON object")
            continue
        story = _label(d.get("story"))
        if story_needed and story is None:
            noted.add("without a story label", str(path), n, "no 'story' label (each article needs one, "
                      "unless --pairs gives the labels)")
            continue
        keys = tuple(map(str, d))
        columns = columns_of.get(keys)
        if columns is None:
            columns = columns_of[keys] = resolve_columns(keys, {})
        if "text" not in columns:
            noted.add("without a text", str(path), n, f"no text column (columns: {', '.join(keys[:12])})")
            continue
        read = build_article(pick_fields(d, columns), f"{path}:{n}")
        article = next((x for x in read if isinstance(x, Article)), None)
        for x in read:
            if isinstance(x, ReadError) and not x.repairs:
                problems.append(str(x))
        if article is None:
            continue
        if article.id in seen:
            noted.add("with a repeated id", str(path), n, f"id {article.id!r} was used by an earlier line")
            continue
        seen.add(article.id)
        articles.append(article)
        if story is not None:
            stories[article.id] = story
            split[article.id] = split_of(f"story-{story}")
        of = _label(d.get("duplicate_of"))
        if of is not None:
            duplicate_of[article.id] = (of, n)
    noted.close(str(path))
    if not articles:
        raise InputError(f"{path}: no usable article (each line needs a text"
                         + (" and a 'story' label" if story_needed else "") + ")"
                         + (f"; first problem: {problems[0]}" if problems else ""))
    rows: list[tuple[str, str, float]] = []
    if pairs_path is not None:
        rows, pair_problems = read_pairs(pairs_path, seen, path)
        problems += pair_problems
    dups: list[tuple[str, str]] = []
    for aid, (of, n) in duplicate_of.items():
        if of not in seen or of == aid:
            problems.append(f"{path}:{n}: duplicate_of names {'itself' if of == aid else f'no article {of!r} of the file'}")
        else:
            dups.append((aid, of))
    _split_by_pairs(split, [a.id for a in articles], rows + [(a, b, 1.0) for a, b in dups])
    # A pair joining two stories that fell on different sides would score a test pair with a dev article
    # (tuned on): such pairs are left out, counted in one line.
    across = [(a, b) for a, b, _ in rows if split[a] != split[b]]
    if across:
        problems.append(f"{pairs_path}: {len(across)} of {len(rows)} pairs join articles whose stories fall on "
                        f"different sides of the dev/test split (first: {across[0][0]!r}, {across[0][1]!r}); "
                        "left out")
    pairs = [LabeledPair(a, b, label, split[a]) for a, b, label in rows if split[a] == split[b]]
    return Dataset(name=path.stem, articles=articles, split=split, stories=stories, pairs=pairs,
                   pair_task=pair_task, description=f"user corpus {path}", problems=problems, duplicates=dups)


def _split_by_pairs(split: dict[str, Split], ids: list[str], pairs: list[tuple[str, str, float]]) -> None:
    """Give each article without a story the split of the articles its pairs join it to (a story's, when
    one of them has a story; else one hash of the group's first id)."""
    groups = components(ids, [(a, b) for a, b, _ in pairs])
    for group in groups:
        open_ids = [x for x in group if x not in split]
        if not open_ids:
            continue
        known = next((split[x] for x in group if x in split), None)
        side = known or split_of(f"pairs-{min(group)}")
        for x in open_ids:
            split[x] = side


DATASETS: dict[str, Callable[[], Dataset]] = {
    "synth": load_synth,
    "clough": load_clough,
    "stsb": load_stsb,
    "ecbplus": load_ecbplus,
    "googlenews": load_googlenews,
}


def load_dataset(name: str, *, pairs: str | Path | None = None, pair_task: PairTask | None = None,
                 seed: int | None = None) -> Dataset:
    """A dataset by its name, or a user's JSONL file by its path (``pairs``: see :func:`load_jsonl`; a
    bundled dataset brings its own). ``pair_task`` says which of storytrace's decisions the pair labels
    score, for a bundled dataset too (``stsb`` with "story": its story decision against graded headlines).
    ``seed`` picks the synth generator's seed (:data:`SYNTH_SEED` when None); only synth has one."""
    if seed is not None and name != "synth":
        raise InputError(f"--seed is the synth generator's seed; {name!r} is fixed data: leave --seed out")
    if name in DATASETS:
        if pairs is not None:
            raise InputError(f"{name} brings its own labelled pairs: --pairs is for a JSONL file")
        ds = load_synth(seed=seed) if seed is not None else DATASETS[name]()
        if pair_task is not None:
            ds.pair_task = pair_task
        return ds
    path = Path(name)
    if path.is_file():
        return load_jsonl(path, pairs, pair_task or "story")
    raise InputError(f"unknown dataset {name!r}: use one of {', '.join(DATASETS)} or a JSONL path")
