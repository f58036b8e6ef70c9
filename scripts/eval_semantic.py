"""Measure the optional semantic layer (storytrace.semantic) against storytrace's lexical measures.

Every free number (blend weight, cosine threshold, coverage cut) is chosen on the dev split and then
applied unchanged to the test split, the same protocol as ``storytrace eval``. Run from the repository
root with the semantic extra installed::

    .venv/bin/python scripts/eval_semantic.py --out semantic-eval.json

Sections: ``sts`` (STS-B headlines, Spearman), ``clough`` (reuse vs non-reuse F1 and source top-1 with
the paraphrase plug-in simulated from outside align), ``synth`` (does the plug-in turn same-story
rewrites, which are no copies, into partial copies?) and ``speed`` (sentences per second on CPU).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from storytrace import Settings, compare, semantic
from storytrace.align import align, sentence_similarity, sentences_of
from storytrace.eval import baselines as bl
from storytrace.eval import metrics as m
from storytrace.eval.loaders import data_root, load_clough, load_stsb, load_synth

GRID = [round(0.40 + 0.025 * k, 3) for k in range(23)]  # cosine thresholds 0.40 .. 0.95
COVER_GRID = [round(0.05 * k, 2) for k in range(2, 15)]  # coverage cuts 0.10 .. 0.70


def midpoint_cut(gold: Sequence[bool], scores: Sequence[float]) -> float:
    """The F1-best cut on dev, moved halfway down to the next lower dev score (a cut exactly on a dev
    score over-fits a small split; ties go to the highest cut, as the runner's ``best_threshold``)."""
    t = m.best_threshold(gold, scores)
    lower = [s for s in scores if s < t]
    return (t + max(lower)) / 2 if lower else t


def prf(gold: Sequence[bool], decided: Sequence[bool]) -> dict[str, float]:
    p = m.pair_prf(gold, decided)
    return {"precision": round(p.precision, 4), "recall": round(p.recall, 4), "f1": round(p.f1, 4)}


# --- STS-B -----------------------------------------------------------------------------------------------


def eval_sts(enc: semantic.Encoder) -> dict[str, Any]:
    ds = load_stsb()
    amap = ds.article_map()
    out: dict[str, Any] = {}
    scores: dict[str, dict[str, list[float]]] = {}
    gold: dict[str, list[float]] = {}
    for split in ("dev", "test"):
        pairs = ds.pairs_in(split)  # type: ignore[arg-type]
        ap = [(amap[p.a], amap[p.b]) for p in pairs]
        gold[split] = [p.label for p in pairs]
        t = time.perf_counter()
        emb = [semantic.sentence_similarity(a.text, b.text, enc) for a, b in ap]
        t_emb = time.perf_counter() - t
        scores[split] = {
            "lexical": [sentence_similarity(a.text, b.text) for a, b in ap],
            "tfidf": bl.tfidf_pair_scores(ap, [x for pair in ap for x in pair]),
            "embedding": emb,
        }
        out.setdefault("seconds_embedding", {})[split] = round(t_emb, 2)
    # Blend weight w on the embedding cosine, chosen on dev by Spearman.
    def blend(split: str, w: float) -> list[float]:
        s = scores[split]
        return [w * e + (1 - w) * x for e, x in zip(s["embedding"], s["lexical"], strict=True)]

    weights = [round(0.05 * k, 2) for k in range(21)]
    dev_rho = {w: m.spearman(blend("dev", w), gold["dev"]) for w in weights}
    w_best = max(weights, key=lambda w: (round(dev_rho[w], 6), -w))
    for split in ("dev", "test"):
        res = {name: round(m.spearman(v, gold[split]), 4) for name, v in scores[split].items()}
        res[f"blend(w={w_best})"] = round(m.spearman(blend(split, w_best), gold[split]), 4)
        out[split] = res
    out["dev_choice"] = {"blend_weight_on_embedding": w_best, "dev_spearman_by_weight": {
        str(w): round(r, 4) for w, r in dev_rho.items()}}
    out["pairs"] = {s: len(gold[s]) for s in gold}
    # Binary paraphrase (score >= 3) F1 with a dev-chosen cut, for the pairs task.
    for name in ("lexical", "embedding"):
        g_dev = [x >= ds.binary_cut for x in gold["dev"]]
        g_test = [x >= ds.binary_cut for x in gold["test"]]
        cut = midpoint_cut(g_dev, scores["dev"][name])
        out.setdefault("binary_paraphrase", {})[name] = {
            "dev_cut": round(cut, 4), "test": prf(g_test, [s >= cut for s in scores["test"][name]])}
    return out


# --- Clough ------------------------------------------------------------------------------------------------


def clough_features(enc: semantic.Encoder, thresholds: Sequence[float]) -> tuple[Any, dict[tuple[str, str], Any]]:
    """Per (answer, source) pair: storytrace's relation, and the semantic reuse at every threshold."""
    ds = load_clough()
    amap = ds.article_map()
    wanted = {(p.a, p.b) for p in ds.pairs}
    for d, cands in ds.candidates.items():
        wanted.update((d, c) for c in cands)
    feats: dict[tuple[str, str], Any] = {}
    for a_id, b_id in sorted(wanted):
        a, b = amap[a_id], amap[b_id]
        rel = compare(a, b)
        al = align(a.content, b.content)
        sem = {t: semantic.semantic_reuse(a.content, b.content, al, t, enc) for t in thresholds}
        feats[(a_id, b_id)] = {"rel": rel, "sem": sem}
    return ds, feats


def eval_clough(enc: semantic.Encoder, sts_cut: float | None) -> tuple[dict[str, Any], dict[str, tuple[float, float]]]:
    """Returns the results and the plug-in configurations (cosine threshold, coverage cut) it chose."""
    st = Settings()
    thresholds = sorted(set(GRID) | ({round(sts_cut, 4)} if sts_cut is not None else set()))
    ds, feats = clough_features(enc, thresholds)
    out: dict[str, Any] = {}
    dev, test = ds.pairs_in("dev"), ds.pairs_in("test")
    g = {"dev": [p.label >= 0.5 for p in dev], "test": [p.label >= 0.5 for p in test]}
    P = {"dev": dev, "test": test}
    out["pairs"] = {s: len(P[s]) for s in P}
    out["positives"] = {s: sum(g[s]) for s in g}

    def lexical(p: Any) -> bool:
        return feats[(p.a, p.b)]["rel"].copy != "none"

    def plugin(p: Any, t: float, cut: float, ordered: bool = False) -> bool:
        sem = feats[(p.a, p.b)]["sem"][t]
        return lexical(p) or (sem.rewritten_in_order if ordered else sem.rewritten) >= cut

    systems: dict[str, dict[str, Any]] = {}
    systems["storytrace (lexical, current)"] = {s: prf(g[s], [lexical(p) for p in P[s]]) for s in P}

    # A: the plug-in as it would ship: embedding paraphrases added to align's paraphrase share, the
    #    decision unchanged (rewrite_coverage as it is); only the cosine threshold is chosen, on dev.
    dev_f1 = {t: m.pair_prf(g["dev"], [plugin(p, t, st.rewrite_coverage) for p in dev]).f1 for t in GRID}
    t_a = max(GRID, key=lambda t: (round(dev_f1[t], 6), t))
    systems[f"plug-in A (cos>={t_a}, rewrite_coverage={st.rewrite_coverage})"] = {
        s: prf(g[s], [plugin(p, t_a, st.rewrite_coverage) for p in P[s]]) for s in P}
    out["dev_f1_by_threshold_A"] = {str(t): round(f, 4) for t, f in dev_f1.items()}

    # B: cosine threshold and coverage cut chosen together on dev.
    grid_b = [(t, c) for t in GRID for c in COVER_GRID]
    dev_f1_b = {tc: m.pair_prf(g["dev"], [plugin(p, *tc) for p in dev]).f1 for tc in grid_b}
    t_b, c_b = max(grid_b, key=lambda tc: (round(dev_f1_b[tc], 6), tc[0], tc[1]))
    systems[f"plug-in B (cos>={t_b}, cut={c_b})"] = {s: prf(g[s], [plugin(p, t_b, c_b) for p in P[s]]) for s in P}

    # S: the cosine threshold taken from STS-B dev (the cut that best separates "roughly equivalent",
    #    score >= 3, headline pairs), nothing chosen on Clough; the decision unchanged. S-ordered counts
    #    only matches that keep both texts' sentence order.
    configs = {"A": (t_a, st.rewrite_coverage), "B": (t_b, c_b)}
    if sts_cut is not None:
        t_s = round(sts_cut, 4)
        configs["S"] = (t_s, st.rewrite_coverage)
        systems[f"plug-in S (cos>={t_s} from STS-B dev, rewrite_coverage={st.rewrite_coverage})"] = {
            s: prf(g[s], [plugin(p, t_s, st.rewrite_coverage) for p in P[s]]) for s in P}
        systems[f"plug-in S-ordered (cos>={t_s}, in-order matches only)"] = {
            s: prf(g[s], [plugin(p, t_s, st.rewrite_coverage, True) for p in P[s]]) for s in P}

    # C: a graded document score, mean over the answer's sentences of its best cosine to the source,
    #    alone and OR-ed with storytrace's decision; cut chosen on dev.
    def mean_max(p: Any) -> float:
        return feats[(p.a, p.b)]["sem"][GRID[0]].mean_max_a

    cut_c = midpoint_cut(g["dev"], [mean_max(p) for p in dev])
    systems[f"mean-max cosine alone (cut={cut_c:.4f})"] = {s: prf(g[s], [mean_max(p) >= cut_c for p in P[s]]) for s in P}
    cut_c2 = midpoint_cut(g["dev"], [1.0 if lexical(p) else mean_max(p) for p in dev])
    systems[f"storytrace OR mean-max cosine (cut={cut_c2:.4f})"] = {
        s: prf(g[s], [lexical(p) or mean_max(p) >= cut_c2 for p in P[s]]) for s in P}
    out["systems"] = systems

    # Average precision of the ranking scores (no threshold).
    def ap(split: str, score: Callable[[Any], float]) -> float:
        return round(m.average_precision(g[split], [score(p) for p in P[split]]), 4)

    out["avg_precision_test"] = {
        "storytrace reuse score": ap("test", lambda p: feats[(p.a, p.b)]["rel"].scores["reuse"]),
        f"plug-in rewritten (cos>={t_a})": ap("test", lambda p: feats[(p.a, p.b)]["sem"][t_a].rewritten),
        "mean-max cosine": ap("test", mean_max),
    }

    # Per category: which test answers each system misses / flags.
    cats = {}
    with open(data_root() / "clough-stevenson-short-answer-reuse" / "pairs.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            cats[row["derived_file"].rsplit(".", 1)[0]] = row["category"]
    errors: dict[str, list[str]] = {}
    for p, gold in zip(test, g["test"], strict=True):
        for name, dec in (("lexical", lexical(p)), *((f"plug-in {k}", plugin(p, *tc)) for k, tc in configs.items())):
            if dec != gold:
                errors.setdefault(name, []).append(f"{p.a} ({cats.get(p.a)}): {'FN' if gold else 'FP'}")
    out["test_errors"] = errors

    # Source attribution (top-1 among the 5 task sources) on the test answers.
    truth = ds.sources_in("test")

    def top1(score: Callable[[str, str], float]) -> float:
        ranked = {}
        for d in truth:
            cands = ds.candidates[d]
            s = [score(d, c) for c in cands]
            ranked[d] = [c for _, c in sorted(zip(s, cands), key=lambda x: (-x[0], x[1]))]
        return round(m.top1_accuracy(truth, ranked), 4)

    out["attribution_top1_test"] = {
        "items": len(truth),
        "storytrace reuse": top1(lambda d, c: feats[(d, c)]["rel"].scores["reuse"]),
        f"plug-in rewritten (cos>={t_a})": top1(lambda d, c: feats[(d, c)]["sem"][t_a].rewritten),
        "mean-max cosine": top1(lambda d, c: feats[(d, c)]["sem"][GRID[0]].mean_max_a),
    }
    out["dev_choice"] = {"A_threshold": t_a, "B_threshold_cut": [t_b, c_b], "C_cut": round(cut_c, 4),
                         "C2_cut": round(cut_c2, 4)}
    return out, configs


# --- synth: do rewrites that are no copies become copies? ---------------------------------------------------


def eval_synth(enc: semantic.Encoder, configs: dict[str, tuple[float, float]], limit: int) -> dict[str, Any]:
    """How many synth test pairs each plug-in configuration calls a copy, by the truth's kind.

    ``none`` pairs are same-story rewrites and decoys: the truth says no copy, and a plug-in that finds
    paraphrases by meaning is expected to be tempted by exactly these.
    """
    ds = load_synth()
    amap = ds.article_map()
    pairs = ds.copy_pairs_in("test")
    groups = {"none": [p for p in pairs if p.kind == "none"][:limit],
              "partial": [p for p in pairs if p.kind == "partial"][: limit // 2]}
    thresholds = sorted({t for t, _ in configs.values()})
    out: dict[str, Any] = {"configs": {k: list(v) for k, v in configs.items()},
                           "pairs": {k: len(v) for k, v in groups.items()}}
    for kind, group in groups.items():
        counts = {"lexical": 0, **{k: 0 for k in configs}}
        for p in group:
            a, b = amap[p.a], amap[p.b]
            is_copy = compare(a, b).copy != "none"
            al = align(a.content, b.content)
            sem = {t: semantic.semantic_reuse(a.content, b.content, al, t, enc) for t in thresholds}
            counts["lexical"] += is_copy
            for k, (t, cut) in configs.items():
                counts[k] += is_copy or sem[t].rewritten >= cut
        out[f"{kind}: called a copy"] = counts
    return out


# --- speed -------------------------------------------------------------------------------------------------


def eval_speed(enc: semantic.Encoder, n: int) -> dict[str, Any]:
    """Sentences per second, short (STS headlines) and long (Wikinews body sentences), cache bypassed."""
    from storytrace.eval.loaders import REPO_ROOT

    heads = [a.text for a in load_stsb().articles][: n]
    body: list[str] = []
    with gzip.open(REPO_ROOT / "data" / "wikinews-sample" / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            body += [text[s.start : s.end] for s in sentences_of(text) if s.n >= 3]
            if len(body) >= n:
                break
    body = body[:n]
    out: dict[str, Any] = {"threads": enc.threads, "batch_size": enc.batch_size}
    enc.model.encode(["warm up"] * 8)
    for name, texts in (("headlines", heads), ("body_sentences", body)):
        if not texts:
            continue
        t, c = time.perf_counter(), time.process_time()
        enc.model.encode(texts, batch_size=enc.batch_size, show_progress_bar=False)
        dt, dc = time.perf_counter() - t, time.process_time() - c
        words = sum(len(x.split()) for x in texts) / len(texts)
        # Wall time depends on what else runs on the machine; CPU time (all threads) much less so.
        out[name] = {"sentences": len(texts), "mean_words": round(words, 1), "seconds": round(dt, 2),
                     "sentences_per_s": round(len(texts) / dt, 1),
                     "sentences_per_cpu_s": round(len(texts) / dc, 1)}
    # What the plug-in adds to one compare(): Clough (answer, source) pairs, embeddings not cached.
    ds = load_clough()
    amap = ds.article_map()
    pairs = [(amap[p.a], amap[p.b]) for p in ds.pairs[:40]]
    fresh = semantic.Encoder(threads=enc.threads, batch_size=enc.batch_size)
    fresh._model = enc.model  # same loaded model, empty cache
    t = time.perf_counter()
    als = [align(a.content, b.content) for a, b in pairs]
    rels = [compare(a, b) for a, b in pairs]
    t_lex = time.perf_counter() - t
    t = time.perf_counter()
    for (a, b), al in zip(pairs, als, strict=True):
        semantic.semantic_reuse(a.content, b.content, al, 0.7, fresh)
    t_sem = time.perf_counter() - t
    out["clough_pair_cost_ms"] = {"pairs": len(rels), "lexical_align_plus_compare": round(1000 * t_lex / len(pairs), 1),
                                  "semantic_reuse_uncached_sources": round(1000 * t_sem / len(pairs), 1)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    ap.add_argument("--sections", default="speed,sts,clough,synth")
    ap.add_argument("--synth-limit", type=int, default=200, help="none-labelled synth pairs to check")
    ap.add_argument("--speed-n", type=int, default=2000)
    ap.add_argument("--out", help="write the results as JSON here")
    args = ap.parse_args(argv)
    if not semantic.available():
        print(f"semantic extra missing: {', '.join(semantic.missing())}", file=sys.stderr)
        return 2
    enc = semantic.Encoder(threads=args.threads)
    t0 = time.perf_counter()
    enc.model  # noqa: B018 - load now so that the load time is reported apart
    results: dict[str, Any] = {"model_load_s": round(time.perf_counter() - t0, 2)}
    sections = args.sections.split(",")
    configs: dict[str, tuple[float, float]] = {"default": (0.7, Settings().rewrite_coverage)}
    sts_cut = None
    if "speed" in sections:
        results["speed"] = eval_speed(enc, args.speed_n)
    if "sts" in sections:
        results["sts"] = eval_sts(enc)
        sts_cut = results["sts"]["binary_paraphrase"]["embedding"]["dev_cut"]
    if "clough" in sections:
        results["clough"], configs = eval_clough(enc, sts_cut)
    if "synth" in sections:
        results["synth"] = eval_synth(enc, configs, args.synth_limit)
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
