"""How a scan reads pages an OCR misread: each Wikinews article with a copy whose letters are misread at a
rate (storytrace.synth.misread), or, with ``--two``, two such scans of it, each misread on its own, scanned
into a fresh index. Counts what the scan stores for each article's pair: every copy is whole, so "near" is
the right call; "none" is a pair stored as the same story with no copy found, "not paired" one not stored.

``--columns`` sets each scan in a newspaper column of its own width (26 to 40 characters), its words
hyphenated across lines (storytrace.synth.set_in_columns), and adds it as a record, as a scanned file is
read (ingest's repairs join the hyphenated words); with ``--rates 0`` that is all that differs.

    python scripts/scan_probe.py [--rates 0.02,0.04,0.06,0.1] [--articles 60] [--two] [--columns] [--seed 5]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

from storytrace import Article, Index
from storytrace.synth import load_sources, misread, set_in_columns


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rates", default="0.02,0.04,0.06,0.1", help="shares of letters misread, comma-separated")
    ap.add_argument("--articles", type=int, default=60, help="originals: the first Wikinews articles over 150 words")
    ap.add_argument("--two", action="store_true", help="pair two scans of each article instead of it and one scan")
    ap.add_argument("--columns", action="store_true", help="set each scan in a column of its own width, hyphenated")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    try:
        rates = [float(r) for r in args.rates.split(",")]
    except ValueError:
        ap.error(f"--rates: {args.rates!r} is not a comma-separated list of shares, such as 0.02,0.04")
    if not all(0.0 <= r <= 1.0 for r in rates):
        ap.error(f"--rates: {args.rates!r}: each share of letters misread lies between 0 and 1")
    originals = [a for a in load_sources() if len(a.content.split()) > 150][: args.articles]
    for rate in rates:
        rng = random.Random(args.seed)
        articles, pairs = [], []
        for a in originals:
            scans = [replace(a, id=f"{a.id}-scan{k}", text=misread(a.text, rng, rate), title=misread(a.title, rng, rate))
                     for k in range(2 if args.two else 1)]
            items: list[Article | dict] = list(scans)
            if args.columns:
                items = [{"id": x.id, "title": x.title, "text": set_in_columns(x.text, rng, rng.randint(26, 40))}
                         for x in scans]
            first = scans[0] if args.two else a
            articles += [*([] if args.two else [a]), *items]
            pairs.append(frozenset((first.id, scans[-1].id)))
        with tempfile.TemporaryDirectory() as tmp, Index(Path(tmp) / "probe.db") as index:
            index.add(articles)
            kinds = {frozenset((r.a, r.b)): r.copy for r in index.pairs()}
        found = Counter(kinds.get(p, "not paired") for p in pairs)
        what = ("two scans of each" if args.two else "each with one scan") + (", set in columns" if args.columns else "")
        print(f"{rate:.0%} of letters misread, {len(originals)} articles {what}: {dict(sorted(found.items()))}")


if __name__ == "__main__":
    main()
