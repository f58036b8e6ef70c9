#!/usr/bin/env python3
"""Query latency for A/B comparisons of two versions: ``bench/run.py``'s query sample (same texts, same
seed) against an index already built, p50/p90/p99 in ms. With ``--profile FILE`` it also writes a cProfile
of the timed queries.

    python bench/abquery.py --db INDEX --corpus CORPUS [--queries 1000] [--profile out.prof]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--profile", default=None)
    args = ap.parse_args()
    from run import run_queries  # bench/run.py

    if args.profile:
        import cProfile

        prof = cProfile.Profile()
        res = prof.runcall(run_queries, Path(args.db), Path(args.corpus), args.queries, args.seed)
        prof.dump_stats(args.profile)
    else:
        res = run_queries(Path(args.db), Path(args.corpus), args.queries, args.seed)
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in res.items()}))


if __name__ == "__main__":
    main()
