"""Passage alignment: which stretches of two texts say the same thing, verbatim or in other words.

The unit is the sentence (found by a real splitter), compared on folded content-word keys: that is what
survives the disguises copiers use (look-alike letters, dropped function words, glued sentences, a
swapped synonym). Consecutive matched sentences merge into passages, in the spirit of passim's seed-and-
extend and of PAN's sentence-level text-alignment systems. Paragraphs that share almost nothing with
either article's story are reported as unrelated (spliced-in) text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel

from .config import Settings
from .model import Passage, Span
from .normalize import is_content, paragraph_spans, sentence_spans, tokenize
from .weights import idf

__all__ = ["Alignment", "align", "sentence_similarity", "Sentence", "sentences_of"]


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    keys: list[str]            # content-word keys in order
    weights: dict[str, float]  # key -> idf weight (set semantics)
    total: float               # sum of weights

    @property
    def n(self) -> int:
        return len(self.keys)


@dataclass(slots=True)
class Alignment:
    passages: list[Passage]
    unrelated_a: list[Span]
    unrelated_b: list[Span]
    coverage_a: float   # share of a's content words inside verbatim passages
    coverage_b: float
    verbatim_words: int  # content words in the largest-side count of verbatim passages
    paraphrase_a: float  # share of a's content words inside paraphrase passages


def sentences_of(text: str) -> list[Sentence]:
    tokens = tokenize(text)
    starts = np.asarray(tokens.starts, dtype=np.int64)
    out: list[Sentence] = []
    for a, b in sentence_spans(text):
        lo = int(np.searchsorted(starts, a))
        hi = int(np.searchsorted(starts, b))
        keys: list[str] = []
        weights: dict[str, float] = {}
        for i in range(lo, hi):
            k = tokens.keys[i]
            if is_content(k):
                keys.append(k)
                if k not in weights:
                    weights[k] = idf(tokens.folded[i])
        out.append(Sentence(a, b, keys, weights, sum(weights.values())))
    return out


def _dice(a: Sentence, b: Sentence) -> float:
    if not a.total or not b.total:
        return 0.0
    shared = sum(w for k, w in a.weights.items() if k in b.weights)
    return 2.0 * shared / (a.total + b.total)


def sentence_similarity(a: str, b: str) -> float:
    """Similarity of two sentences in [0, 1]: idf-weighted Dice overlap of their content-word keys.

    This is the measure passage alignment uses to call a sentence pair a paraphrase; STS-B headlines
    measure how well it ranks paraphrases (docs/quality.md).
    """
    sa = _one(a)
    sb = _one(b)
    return _dice(sa, sb)


def _one(text: str) -> Sentence:
    tokens = tokenize(text)
    keys: list[str] = []
    weights: dict[str, float] = {}
    for k, f in zip(tokens.keys, tokens.folded):
        if is_content(k):
            keys.append(k)
            weights.setdefault(k, idf(f))
    return Sentence(0, len(text), keys, weights, sum(weights.values()))


def _candidates(sa: list[Sentence], sb: list[Sentence], min_dice: float) -> list[tuple[float, int, int, str]]:
    postings: dict[str, list[int]] = {}
    for j, s in enumerate(sb):
        for k in s.weights:
            postings.setdefault(k, []).append(j)
    scored: list[tuple[float, int, int, str]] = []
    for i, s in enumerate(sa):
        if not s.keys:
            continue
        shared: dict[int, float] = {}
        for k, w in s.weights.items():
            for j in postings.get(k, ()):
                shared[j] = shared.get(j, 0.0) + w
        for j, w in shared.items():
            t = sb[j]
            dice = 2.0 * w / (s.total + t.total)
            if dice < min_dice:
                continue
            scored.append((dice, i, j, ""))
    return scored


def align(a: str, b: str, settings: Settings | None = None) -> Alignment:
    """Align two texts. Spans index into ``a`` and ``b`` exactly as given."""
    st = settings or Settings()
    sa = sentences_of(a)
    sb = sentences_of(b)
    scored = _candidates(sa, sb, min(st.paraphrase_similarity, 0.5))
    matches: list[tuple[int, int, str, float]] = []
    for dice, i, j, _ in scored:
        x, y = sa[i], sb[j]
        seq = Indel.normalized_similarity(x.keys, y.keys)
        if seq >= st.verbatim_similarity and dice >= st.verbatim_similarity - 0.1:
            matches.append((i, j, "verbatim", max(seq, dice)))
        elif dice >= st.paraphrase_similarity and min(x.n, y.n) >= 3:
            matches.append((i, j, "paraphrase", dice))
    # One-to-one, best first (verbatim before paraphrase at equal score); ties broken by position.
    matches.sort(key=lambda m: (m[2] != "verbatim", -m[3], m[0], m[1]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen: list[tuple[int, int, str, float]] = []
    for i, j, kind, score in matches:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        chosen.append((i, j, kind, score))
    chosen.sort()

    # Merge runs that are consecutive in both texts and of one kind into passages.
    runs: list[list[tuple[int, int, str, float]]] = []
    for m in chosen:
        if runs:
            last = runs[-1][-1]
            if m[2] == last[2] and m[0] == last[0] + 1 and m[1] == last[1] + 1:
                runs[-1].append(m)
                continue
        runs.append([m])
    passages: list[Passage] = []
    verb_a = verb_b = para_a = 0
    for run in runs:
        i0, j0, kind, _ = run[0]
        i1, j1, _, _ = run[-1]
        n_a = sum(sa[m[0]].n for m in run)
        n_b = sum(sb[m[1]].n for m in run)
        if kind == "verbatim" and max(n_a, n_b) < st.min_passage_words and len(run) == 1:
            # Too short to be evidence of copying; still a paraphrase-level agreement.
            kind = "paraphrase"
        if kind == "verbatim":
            verb_a += n_a
            verb_b += n_b
        else:
            para_a += n_a
        score = sum(m[3] for m in run) / len(run)
        a0, a1 = sa[i0].start, sa[i1].end
        b0, b1 = sb[j0].start, sb[j1].end
        passages.append(Passage(a0, a1, b0, b1, kind, score, a[a0:a1], b[b0:b1]))  # type: ignore[arg-type]

    total_a = sum(s.n for s in sa) or 1
    total_b = sum(s.n for s in sb) or 1
    unrelated_a = _unrelated(a, sa, sb, [(p.a_start, p.a_end) for p in passages], st)
    unrelated_b = _unrelated(b, sb, sa, [(p.b_start, p.b_end) for p in passages], st)
    return Alignment(
        passages=passages,
        unrelated_a=unrelated_a,
        unrelated_b=unrelated_b,
        coverage_a=verb_a / total_a,
        coverage_b=verb_b / total_b,
        verbatim_words=max(verb_a, verb_b),
        paraphrase_a=para_a / total_a,
    )


def _unrelated(text: str, own: list[Sentence], other: list[Sentence],
               covered: list[tuple[int, int]], st: Settings) -> list[Span]:
    """Paragraphs whose words the rest of the story (own article minus it, plus the other) barely uses.

    Measured by weight, so that sharing "said" or "following" does not make a spliced paragraph look
    related, while sharing a name does.
    """
    paras = paragraph_spans(text)
    if len(paras) < 2:
        return []
    out: list[Span] = []
    for ps, pe in paras:
        if any(s < pe and ps < e for s, e in covered):
            continue
        inside = [s for s in own if s.start >= ps and s.end <= pe]
        weights: dict[str, float] = {}
        for s in inside:
            weights.update(s.weights)
        if sum(len(s.keys) for s in inside) < st.unrelated_min_words:
            continue
        rest: set[str] = set()
        for s in own:
            if not (s.start >= ps and s.end <= pe):
                rest.update(s.weights)
        for s in other:
            rest.update(s.weights)
        total = sum(weights.values())
        shared = sum(w for k, w in weights.items() if k in rest)
        if total and shared / total < st.unrelated_share:
            out.append(Span(ps, pe, text[ps:pe]))
    return out
