#!/usr/bin/env python3
"""CPU per article of the steps no scan or query can skip, measured in one process on bench articles.

Not a test: it measures the lower bounds behind the speed targets. A scan must at least read each
article, split it into words and hash its shingles (the benchmark's floor), fingerprint it and write it to
the index; a query must at least tokenize and fingerprint the pasted text. Prints one JSON object of
milliseconds of CPU per article (``time.process_time``, so other jobs on the machine matter less).

    python bench/costs.py [--corpus bench/work/corpus-10000-s7.jsonl] [--n 3000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=HERE / "work" / "corpus-10000-s7.jsonl")
    ap.add_argument("--n", type=int, default=3000, help="articles to measure (default 3000)")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        ap.error(f"no corpus at {args.corpus}: build one with `python bench/run.py --sizes 10000`")

    import xxhash

    from run import shingles
    from storytrace import Index
    from storytrace.fingerprint import band_keys, fingerprint
    from storytrace.index import _day, _h
    from storytrace.ingest import read_paths
    from storytrace.model import ReadError
    from storytrace.normalize import tokenize

    articles = []
    for item in read_paths([args.corpus]):
        if isinstance(item, ReadError):
            print(item, file=sys.stderr)  # names the file and line; the rest is still measured
            continue
        articles.append(item)
        if len(articles) >= args.n:
            break
    n = len(articles)

    def cpu_ms(fn) -> float:
        t = time.process_time()
        fn()
        return round(1000 * (time.process_time() - t) / n, 3)

    out: dict[str, float | int] = {"articles": n}
    h = xxhash.xxh3_64_intdigest

    def floor() -> None:
        """The benchmark's floor as bench/run.py times it (read the JSON lines, shingle, hash), over as many
        articles; a line that is not an article is passed over (the reader above has named it)."""
        done = 0
        with open(args.corpus, encoding="utf-8") as fh:
            for line in fh:
                try:
                    d = json.loads(line)
                    text = ((d.get("title") or "") + "\n\n" + d["text"]).strip()
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue
                for s in shingles(text):
                    h(s.encode("utf-8"))
                done += 1
                if done >= n:
                    return

    out["floor_ms"] = cpu_ms(floor)
    fingerprint(articles[0])  # imports and first-use caches
    out["tokenize_ms"] = cpu_ms(lambda: [tokenize(a.content) for a in articles])
    from storytrace import normalize

    normalize._TOKEN_CACHE.clear()  # the fingerprint must tokenize afresh, as a scan's first sight does
    normalize._SPAN_CACHE.clear()
    fps = []
    out["fingerprint_ms"] = cpu_ms(lambda: fps.extend(fingerprint(a) for a in articles))
    with tempfile.TemporaryDirectory() as tmp, Index(str(Path(tmp) / "costs.db")) as index:
        st = index.settings
        rows = [(a, fp.to_state(), band_keys(fp.minhash, st.lsh_bands), [x for x, _, _ in fp.sentences],
                 [_h(t) for t in fp.block], _day(a.published)) for a, fp in zip(articles, fps)]

        def insert() -> None:
            for lo in range(0, n, 1000):
                with index.store.transaction():
                    index.store.insert_articles(rows[lo : lo + 1000])

        out["sqlite_insert_ms"] = cpu_ms(insert)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
