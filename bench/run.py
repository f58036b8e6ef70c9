"""storytrace's benchmark: one synthetic corpus per size, every system on it, in one run.

    python bench/run.py --sizes 10000,100000

For each size it builds a corpus with ``storytrace.synth`` (150-2,000 words an article, 30% copies or
same-story rewrites) plus 10,000 further articles for the incremental test, then runs each system in its own
subprocess (peak RSS is that process's ``ru_maxrss``, plus its worker processes' where it has any):

- ``storytrace``: ``Index(fresh.db).scan(corpus)``, end to end (read, fingerprint, candidates, verify,
  passages, stories, SQLite);
- ``datasketch``: word 5-gram shingles, MinHash (128 permutations), MinHashLSH query + insert, connected
  components;
- ``rensa``: the same pipeline with rensa's RMinHash / RMinHashLSH;
- ``floor``: reading, normalising and hashing the same shingles with xxhash, nothing else.

Then, on the index storytrace built: query latency (p50/p99 over ``--queries`` texts) and the incremental
cost (adding the 10,000 extra articles to the big index vs. scanning them into an empty one).
Results go to stdout as a table and to ``bench/results.json``. Timings are machine-dependent and never
asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
SYSTEMS = ("storytrace", "datasketch", "rensa", "floor")
EXTRA = 10_000
_WORD = re.compile(r"\w+", re.UNICODE)


# --- corpus --------------------------------------------------------------------------------------------

def build_corpus(n: int, seed: int, extra: int = EXTRA) -> tuple[Path, Path]:
    """``corpus-N.jsonl`` (N articles) and ``extra-N.jsonl`` (the next ``extra`` of the same stream)."""
    WORK.mkdir(parents=True, exist_ok=True)
    main, more = WORK / f"corpus-{n}-s{seed}.jsonl", WORK / f"extra-{n}-{extra}-s{seed}.jsonl"
    if main.exists() and more.exists():
        return main, more
    from storytrace.synth import generate, load_sources

    corpus = generate(load_sources(), n_articles=n + extra, seed=seed)
    tmp_main, tmp_more = main.with_suffix(".tmp"), more.with_suffix(".tmp")
    with open(tmp_main, "w", encoding="utf-8") as fa, open(tmp_more, "w", encoding="utf-8") as fb:
        for i, item in enumerate(corpus):
            d = item.article.to_dict()
            d.pop("origin", None)
            (fa if i < n else fb).write(json.dumps(d, ensure_ascii=False) + "\n")
    tmp_main.replace(main)
    tmp_more.replace(more)
    return main, more


def read_texts(path: Path) -> list[tuple[str, str]]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            out.append((d["id"], ((d.get("title") or "") + "\n\n" + d["text"]).strip()))
    return out


def iter_texts(path: Path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            yield d["id"], ((d.get("title") or "") + "\n\n" + d["text"]).strip()


def shingles(text: str, k: int = 5) -> list[str]:
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]


def components(n: int, edges: list[tuple[int, int]]) -> int:
    """Number of connected components (the baselines' grouping step), via the project's helper."""
    from storytrace.eval.baselines import components as labels

    return len(set(labels(n, edges)))


# --- systems (each runs inside its own subprocess) -----------------------------------------------------

def run_storytrace(corpus: Path, db: Path, processes: int | None) -> dict:
    from storytrace import Index
    from storytrace.engine import LocalEngine

    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    engine = LocalEngine(processes)
    started = time.perf_counter()
    with Index(db, engine=engine) as index:
        report = index.scan([corpus])
        engine.close()
    seconds = time.perf_counter() - started
    return {"articles": report.added, "seconds": seconds, "pairs": report.pairs, "stories": report.stories,
            "processes": engine.processes, "db_mb": round(db.stat().st_size / 2**20, 1)}


def run_datasketch(corpus: Path, threshold: float) -> dict:
    from datasketch import MinHash, MinHashLSH

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    edges: list[tuple[int, int]] = []
    n = 0
    for i, (_, text) in enumerate(iter_texts(corpus)):
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([s.encode("utf-8") for s in shingles(text)])
        edges.extend((j, i) for j in lsh.query(m))
        lsh.insert(i, m)
        n += 1
    groups = components(n, edges)
    return {"articles": n, "seconds": time.perf_counter() - started, "pairs": len(edges), "groups": groups}


def run_rensa(corpus: Path, threshold: float) -> dict:
    from rensa import RMinHash, RMinHashLSH

    started = time.perf_counter()
    lsh = RMinHashLSH(threshold=threshold, num_perm=128, num_bands=16)
    edges: list[tuple[int, int]] = []
    n = 0
    for i, (_, text) in enumerate(iter_texts(corpus)):
        m = RMinHash(num_perm=128, seed=1)
        m.update(shingles(text))
        edges.extend((j, i) for j in lsh.query(m))
        lsh.insert(i, m)
        n += 1
    groups = components(n, edges)
    return {"articles": n, "seconds": time.perf_counter() - started, "pairs": len(edges), "groups": groups}


def run_floor(corpus: Path) -> dict:
    import xxhash

    h = xxhash.xxh3_64_intdigest
    started = time.perf_counter()
    n = total = 0
    acc = 0
    for _, text in iter_texts(corpus):
        for s in shingles(text):
            acc ^= h(s.encode("utf-8"))
            total += 1
        n += 1
    return {"articles": n, "seconds": time.perf_counter() - started, "shingles": total, "checksum": acc & 0xFFFF}


def query_text(i: int, text: str) -> str:
    """The i-th query of a sample: every other one an edited copy, a sentence-ish chunk dropped mid-text."""
    if i % 2 == 0:
        return text
    cut = len(text) // 3
    return text[:cut] + text[cut + len(text) // 10 :]


def run_queries(db: Path, corpus: Path, n_queries: int, seed: int) -> dict:
    """Query latency against a built index: stored articles (exact hits) and lightly edited ones."""
    from storytrace import Index

    texts = read_texts(corpus)
    rng = random.Random(seed)
    picks = [texts[rng.randrange(len(texts))][1] for _ in range(n_queries)]
    queries = [query_text(i, t) for i, t in enumerate(picks)]
    times: list[float] = []
    hits = 0
    with Index(db, readonly=True) as index:
        index.query(queries[0])  # warm
        for q in queries:
            t0 = time.perf_counter()
            found = index.query(q, limit=20)
            times.append(time.perf_counter() - t0)
            hits += bool(found)
    times.sort()

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))] * 1000

    return {"queries": len(times), "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99),
            "mean_ms": sum(times) / len(times) * 1000, "with_matches": hits, "seconds": sum(times)}


def run_incremental(db: Path, extra: Path, empty_db: Path, processes: int | None) -> dict:
    from storytrace import Index
    from storytrace.engine import LocalEngine

    out = {}
    for name, target in (("into_empty", empty_db), ("into_big", db)):
        if name == "into_empty":
            for suffix in ("", "-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
        engine = LocalEngine(processes)
        t0 = time.perf_counter()
        with Index(target, engine=engine) as index:
            before = index.count()
            report = index.scan([extra])
            engine.close()
        out[name] = {"articles": report.added, "seconds": time.perf_counter() - t0, "index_before": before,
                     "pairs": report.pairs}
    out["ratio"] = out["into_big"]["seconds"] / out["into_empty"]["seconds"]
    return out


def worker(args: argparse.Namespace) -> None:
    corpus = Path(args.corpus)
    if args.worker == "storytrace":
        res = run_storytrace(corpus, Path(args.db), args.processes)
    elif args.worker == "datasketch":
        res = run_datasketch(corpus, args.threshold)
    elif args.worker == "rensa":
        res = run_rensa(corpus, args.threshold)
    elif args.worker == "floor":
        res = run_floor(corpus)
    elif args.worker == "query":
        res = run_queries(Path(args.db), corpus, args.queries, args.seed)
    elif args.worker == "incremental":
        res = run_incremental(Path(args.db), Path(args.extra_corpus), Path(args.db + ".empty.db"), args.processes)
    else:
        raise SystemExit(f"unknown worker {args.worker}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    res["rss_main_mb"] = round(own, 1)
    res["rss_worker_max_mb"] = round(kids, 1)
    n_workers = res.get("processes", 1) if kids else 0
    # An upper bound: forked workers share pages with the main process that both counts include.
    res["peak_rss_mb"] = round(own + kids * (n_workers if n_workers > 1 else 1 if kids else 0), 1)
    print("RESULT " + json.dumps(res))


def spawn(argv: list[str], timeout: float | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), *argv]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")


# --- driver --------------------------------------------------------------------------------------------

def fmt_rate(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000", help="comma-separated corpus sizes (default 10000)")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help="subset of " + ",".join(SYSTEMS))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--queries", type=int, default=1000, help="query latency sample (0 to skip)")
    ap.add_argument("--extra", type=int, default=EXTRA, help="articles added for the incremental cost (default 10000)")
    ap.add_argument("--no-incremental", action="store_true", help="skip the incremental-cost measurement")
    ap.add_argument("--processes", type=int, default=None, help="storytrace worker processes (default: CPUs)")
    ap.add_argument("--threshold", type=float, default=0.5, help="LSH Jaccard threshold for the baselines")
    ap.add_argument("--timeout", type=float, default=None, help="seconds allowed per system run")
    ap.add_argument("--out", default=str(HERE / "results.json"))
    ap.add_argument("--keep", action="store_true", help="keep the built index files in bench/work/")
    # internal: run one system
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--extra-corpus", dest="extra_corpus", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    systems = [s for s in args.systems.split(",") if s]
    results: dict = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
                    "load_avg_start": os.getloadavg() if hasattr(os, "getloadavg") else None},
        "settings": {"seed": args.seed, "threshold": args.threshold, "processes": args.processes},
        "sizes": {},
    }
    proc_args = ["--processes", str(args.processes)] if args.processes else []
    for n in sizes:
        t0 = time.perf_counter()
        n_extra = 0 if args.no_incremental else args.extra
        corpus, extra = build_corpus(n, args.seed, n_extra)
        print(f"\n== {n:,} articles ({corpus.stat().st_size / 2**20:.0f} MiB; corpus built in "
              f"{time.perf_counter() - t0:.0f}s) ==", flush=True)
        db = WORK / f"index-{n}.db"
        row: dict = {"systems": {}}
        for system in systems:
            argv = ["--worker", system, "--corpus", str(corpus), "--db", str(db), "--threshold", str(args.threshold),
                    *proc_args]
            res = spawn(argv, args.timeout)
            res["articles_per_s"] = res["articles"] / res["seconds"]
            row["systems"][system] = res
            print(f"  {system:<11} {fmt_rate(res['articles_per_s']):>8} articles/s  {res['seconds']:8.1f} s  "
                  f"peak RSS {res['peak_rss_mb']:,.0f} MiB", flush=True)
        if "storytrace" in row["systems"]:
            st = row["systems"]["storytrace"]["articles_per_s"]
            row["ratios"] = {f"storytrace_vs_{s}": st / row["systems"][s]["articles_per_s"]
                             for s in systems if s != "storytrace"}
            if args.queries:
                row["query"] = spawn(["--worker", "query", "--corpus", str(corpus), "--db", str(db),
                                      "--queries", str(args.queries), "--seed", str(args.seed)], args.timeout)
                q = row["query"]
                print(f"  query       p50 {q['p50_ms']:.1f} ms  p99 {q['p99_ms']:.1f} ms over {q['queries']} queries")
            if not args.no_incremental:
                inc = spawn(["--worker", "incremental", "--corpus", str(corpus), "--extra-corpus", str(extra), "--db", str(db),
                             *proc_args], args.timeout)
                row["incremental"] = inc
                print(f"  +{n_extra:,} into the {n:,} index {inc['into_big']['seconds']:.1f} s vs into an empty one "
                      f"{inc['into_empty']['seconds']:.1f} s (x{inc['ratio']:.2f})")
            if not args.keep:
                for p in WORK.glob(f"index-{n}.db*"):
                    p.unlink()
        results["sizes"][str(n)] = row
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n")

    # summary table
    print("\n| articles | system | articles/s | seconds | peak RSS MiB | storytrace is |")
    print("|---:|---|---:|---:|---:|---:|")
    for n, row in results["sizes"].items():
        st = row["systems"].get("storytrace")
        for system, res in row["systems"].items():
            ratio = "" if system == "storytrace" or not st else f"{st['articles_per_s'] / res['articles_per_s']:.2f}x"
            print(f"| {int(n):,} | {system} | {fmt_rate(res['articles_per_s'])} | {res['seconds']:.1f} | "
                  f"{res['peak_rss_mb']:,.0f} | {ratio} |")
    for n, row in results["sizes"].items():
        if "query" in row:
            q = row["query"]
            print(f"query @ {int(n):,}: p50 {q['p50_ms']:.1f} ms, p99 {q['p99_ms']:.1f} ms")
        if "incremental" in row:
            inc = row["incremental"]
            print(f"incremental @ {int(n):,}: +{inc['into_big']['articles']:,} takes x{inc['ratio']:.2f} the time of an empty index")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
