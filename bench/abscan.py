#!/usr/bin/env python3
"""One timed scan for A/B comparisons of two versions (run it with PYTHONPATH=<other src> for the other).

Prints wall seconds, articles/s and the CPU seconds of this process plus its worker processes: on a shared
machine the CPU total is the steadier number to compare (the wall time depends on what else runs).

    python bench/abscan.py CORPUS [--processes 2] [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import resource
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--db", default=":memory:")
    args = ap.parse_args()
    from storytrace import Index
    from storytrace.engine import LocalEngine

    t0 = time.perf_counter()
    engine = LocalEngine(args.processes)
    with Index(args.db, engine=engine) as index:
        report = index.scan([args.corpus])
        engine.close()  # reaps the workers, so that their CPU time is counted below
    wall = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    print(json.dumps({"articles": report.added, "pairs": report.pairs, "wall_s": round(wall, 2),
                      "articles_per_s": round(report.added / wall, 1), "cpu_s": round(cpu, 2)}))


if __name__ == "__main__":
    main()
