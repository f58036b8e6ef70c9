#!/usr/bin/env python3
"""Identity check for speed work: two versions of storytrace must give byte-identical results.

Not a test (it scans whole corpora): run it before committing a change to the pipeline. For each corpus it
scans into a fresh index once with the code under ``--base`` (a ``src`` folder, e.g. an old commit's, put
first on ``PYTHONPATH``) and once with the code under ``--new`` (default: this checkout's ``src``), each in
its own subprocess, dumps stories, pairs (with every score) and passages as JSON lines, and compares the
dumps byte for byte. Exit status 0 when every corpus matches.

    git archive d06b526 src | tar -x -C /tmp/base
    python bench/identity.py --base /tmp/base/src data/seeds,data/wikinews-sample /tmp/synth2k/articles.jsonl

A corpus is one path or several joined by commas (scanned together, in that order).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DUMP = r"""
import json, sys
from storytrace import Index
from storytrace.engine import LocalEngine
db, out, processes, paths = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
with Index(db, engine=LocalEngine(processes)) as index:
    index.scan(paths)
    with open(out, "w", encoding="utf-8") as fh:
        for s in index.stories():
            fh.write("story " + json.dumps(s.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        for r in index.pairs():
            fh.write("pair " + json.dumps({"a": r.a, "b": r.b, "copy": r.copy, "story": r.story,
                                           "earlier": r.earlier, "scores": r.scores}, sort_keys=True) + "\n")
        for p in index.store.iter_passages():
            fh.write("passage " + json.dumps(p, sort_keys=True) + "\n")
"""
QUERY = r"""
import dataclasses, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from run import query_text, read_texts
from storytrace import Index
db, corpus, out = sys.argv[1], sys.argv[2], sys.argv[3]
texts = read_texts(Path(corpus))
with Index(db, readonly=True) as index, open(out, "w", encoding="utf-8") as fh:
    for i, (_, t) in enumerate(texts[:: max(1, len(texts) // 500)]):
        for m in index.query(query_text(i, t), limit=20):
            r = m.relation
            fh.write(json.dumps({"q": i, "id": m.article.id, "story_id": m.story_id, "copy": r.copy,
                                 "story": r.story, "scores": r.scores,
                                 "passages": [dataclasses.astuple(p)
                                 for p in r.passages]},
                                sort_keys=True) + "\n")
"""


def dump_queries(src: Path, db: str, corpus: str, work: Path, tag: str) -> Path:
    out = work / f"{tag}.txt"
    env = dict(os.environ, PYTHONPATH=str(src))
    subprocess.run([sys.executable, "-c", QUERY, db, corpus, str(out), str(HERE)], env=env, check=True)
    return out


def dump(src: Path, paths: list[str], work: Path, tag: str, processes: int) -> Path:
    db, out = work / f"{tag}.db", work / f"{tag}.txt"
    env = dict(os.environ, PYTHONPATH=str(src))
    subprocess.run([sys.executable, "-c", DUMP, str(db), str(out), str(processes), *paths], env=env, check=True)
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpora", nargs="*", help="paths (comma-joined for one scan of several)")
    ap.add_argument("--base", required=True, type=Path, help="src folder of the reference version")
    ap.add_argument("--new", type=Path, default=HERE.parent / "src", help="src folder of the version checked")
    ap.add_argument("--query-db", help="also compare Index.query results on this index (about 500 queries: "
                    "stored texts and ones with a tenth cut out, as bench/run.py makes them)")
    ap.add_argument("--query-corpus", help="the corpus the query texts come from")
    ap.add_argument("--processes", type=int, default=2, help="worker processes for both scans (default 2)")
    args = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="storytrace-identity-") as tmp:
        work = Path(tmp)
        for k, corpus in enumerate(args.corpora):
            paths = corpus.split(",")
            old = dump(args.base.resolve(), paths, work, f"base{k}", args.processes)
            new = dump(args.new.resolve(), paths, work, f"new{k}", args.processes)
            same = old.read_bytes() == new.read_bytes()
            counts = {w: 0 for w in ("story", "pair", "passage")}
            for line in new.read_text(encoding="utf-8").splitlines():
                counts[line.split(" ", 1)[0]] += 1
            print(f"{'IDENTICAL' if same else 'DIFFERENT'} {corpus}: {counts['story']} stories, {counts['pair']} "
                  f"pairs, {counts['passage']} passages; base {digest(old)} new {digest(new)}", flush=True)
            if not same:
                ok = False
                lines = list(difflib.unified_diff(old.read_text(encoding="utf-8").splitlines(),
                                                  new.read_text(encoding="utf-8").splitlines(), "base", "new",
                                                  lineterm=""))
                # How many records differ, by kind, so that a cut diff is not read as the whole of it.
                changed = {w: sum(1 for x in lines if x.startswith(("-" + w + " ", "+" + w + " ")))
                           for w in ("story", "pair", "passage")}
                print(f"  lines removed or added: {changed['story']} story, {changed['pair']} pair, "
                      f"{changed['passage']} passage (the first 40 diff lines follow)", file=sys.stderr)
                for line in lines[:40]:
                    print(line[:300], file=sys.stderr)
        if args.query_db:
            old = dump_queries(args.base.resolve(), args.query_db, args.query_corpus, work, "qbase")
            new = dump_queries(args.new.resolve(), args.query_db, args.query_corpus, work, "qnew")
            same = old.read_bytes() == new.read_bytes()
            n = len(new.read_text(encoding="utf-8").splitlines())
            print(f"{'IDENTICAL' if same else 'DIFFERENT'} queries on {args.query_db}: {n} matches; "
                  f"base {digest(old)} new {digest(new)}", flush=True)
            ok = ok and same
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
