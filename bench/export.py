#!/usr/bin/env python3
"""Time and peak memory of `storytrace export` against the floor of any export, on one index.

Not a test. The floor reads every article row with Python's sqlite3 and writes it as one JSON line: what
any exporter of the same file must do. Each system runs in its own subprocess, so its peak memory is its
own (Linux: sampled from /proc). Wall time is given as a ratio to the floor's in the same run, since
absolute numbers move with the machine; memory as the MiB an export adds to a process that only imports
storytrace and opens the index (its libraries alone weigh far more than the floor). An export that held
every row in memory would add about the size of the texts; a streaming one adds next to nothing.

    python bench/export.py INDEX.db [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

# Each system is a Python snippet run as ``python -c`` between these two: a thread samples the process's
# anonymous memory (its heap; RssAnon of /proc/self/status) every 5 ms, and the peak is printed last. The
# total RSS would count the index's pages too, which storytrace reads through mmap: file pages the kernel
# can drop at will, not memory the export holds.
_WATCH = """
import threading, time
_peak = [0]
def _watch():
    while True:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("RssAnon:"):
                    _peak[0] = max(_peak[0], int(line.split()[1]))
        time.sleep(0.005)
threading.Thread(target=_watch, daemon=True).start()
"""
_PEAK = "import sys; time.sleep(0.02); print(_peak[0], file=sys.stderr)"
FLOOR = """
import json, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
cols = ("id", "url", "site", "author", "title", "published", "origin", "text", "story")
with open(sys.argv[2], "w", encoding="utf-8") as fh:
    for row in db.execute(f"SELECT {', '.join(cols)} FROM articles ORDER BY n"):
        fh.write(json.dumps(dict(zip(cols, row)), ensure_ascii=False) + "\\n")
"""
STORYTRACE = """
import sys
from storytrace import Index
with Index(sys.argv[1], readonly=True) as index:
    index.export(sys.argv[2], format="jsonl", what="articles", dedup=(sys.argv[3] if len(sys.argv) > 3 else None))
"""
OPEN_ONLY = """
import sys
from storytrace import Index
with Index(sys.argv[1], readonly=True) as index:
    index.count()
"""
SYSTEMS = {"floor": (FLOOR, []), "storytrace, open only": (OPEN_ONLY, []), "storytrace": (STORYTRACE, []),
           "storytrace --dedup near": (STORYTRACE, ["near"])}


def run_once(code: str, db: Path, out: Path, extra: list[str]) -> tuple[float, float]:
    """(wall seconds, peak anonymous memory MiB) of one subprocess."""
    import time

    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WATCH + code + "\n" + _PEAK, str(db), str(out), *extra],
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    return wall, int(done.stderr.strip().splitlines()[-1]) / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path, help="an index built by `storytrace scan`")
    ap.add_argument("--runs", type=int, default=3, help="runs per system, alternated; the best is kept")
    args = ap.parse_args(argv)
    if not args.db.exists():
        ap.error(f"no index at {args.db}")
    best: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            for name, (code, extra) in SYSTEMS.items():
                wall, mem = run_once(code, args.db, Path(tmp) / "out.jsonl", extra)
                old = best.get(name)
                best[name] = (min(wall, old[0]) if old else wall, min(mem, old[1]) if old else mem)
    floor_wall, _ = best["floor"]
    _, open_mem = best["storytrace, open only"]
    rows = [{"system": name, "wall_s": round(w, 2), "peak_heap_mib": round(r, 1),
             "wall_vs_floor": round(w / floor_wall, 2),
             "added_mib": None if not name.startswith("storytrace") else round(r - open_mem, 1)}
            for name, (w, r) in best.items()]
    print(f"{'system':<26}{'wall s':>8}{'heap MiB':>10}{'wall/floor':>12}{'added MiB':>11}")
    for r in rows:
        added = "–" if r["added_mib"] is None else r["added_mib"]
        print(f"{r['system']:<26}{r['wall_s']:>8}{r['peak_heap_mib']:>10}{r['wall_vs_floor']:>12}{added:>11}")
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
