"""The Ray engine on a real local Ray cluster (two worker CPUs) gives exactly the local engine's index."""

from __future__ import annotations

import gzip
import json
import random
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from storytrace import Index
from storytrace.engine import LocalEngine, get_engine
from storytrace.errors import ConfigError
from storytrace.ingest import read_paths
from storytrace.model import Article
from storytrace.synth import misread

ray = pytest.importorskip("ray")

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.timeout(300)


def _corpus() -> list[Article]:
    seeds = [a for a in read_paths([ROOT / "data" / "seeds"]) if isinstance(a, Article)]
    wiki = []
    with gzip.open(ROOT / "data" / "wikinews-sample" / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= 60:
                break
            d = json.loads(line)
            wiki.append(Article(text=d["text"], title=d.get("title") or "", id=f"w{i}",
                                published=d.get("published") or d.get("date"), site="wikinews.org"))
    made = []
    for i, a in enumerate(wiki[:8]):
        paras = a.text.split("\n\n")
        if i % 3 == 0:  # a reprint on another site
            made.append(replace(a, id=f"copy{i}", site="reprints.example"))
        elif i % 3 == 1:  # the first half, with an added sentence
            made.append(replace(a, id=f"part{i}", site="farm.example",
                                text="\n\n".join(paras[: max(1, len(paras) // 2)]) + "\n\nSubscribe for more news."))
        else:  # lightly edited copy
            made.append(replace(a, id=f"edit{i}", site="spin.example", text=a.text.replace(" said ", " stated ")))
    # scans with letters misread, whose same-story pairs are aligned too (storytrace.misread), on the workers too
    made += [replace(a, id=f"scan{i}", site="paper.example", text=misread(a.text, random.Random(i), 0.06),
                     title=misread(a.title, random.Random(i), 0.06)) for i, a in enumerate(wiki[8:12], 8)]
    # German and Portuguese reports (keyed in their own language, storytrace.language), on the workers too
    others = [a for a in read_paths(sorted((ROOT / "tests" / "fixtures" / "multilingual").glob("[dp][et]_*.txt")))
              if isinstance(a, Article)]
    return seeds + wiki + made + others


def _state(index: Index) -> tuple:
    stories = sorted((s.id, s.members, s.reprint_groups, s.first) for s in index.stories())
    pairs = [(r.a, r.b, r.copy, r.story, json.dumps(r.scores, sort_keys=True), r.disguises_a, r.disguises_b)
             for r in index.pairs()]
    passages = list(index.store.iter_passages())
    relations = {a.id: [(r.a, r.b, r.copy, r.story) for r in index.relations(a.id)] for a, _ in index.store.iter_articles()}
    return stories, pairs, passages, relations


@pytest.fixture(scope="module")
def local_ray(tmp_path_factory: pytest.TempPathFactory):
    if ray.is_initialized():
        ray.shutdown()
    tmp = tmp_path_factory.mktemp("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _temp_dir=str(tmp),
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT / "src")}})
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    return _corpus()


@pytest.fixture(scope="module")
def local_state(corpus: list[Article]) -> tuple:
    with Index(":memory:", engine=LocalEngine(1)) as index:
        index.add(corpus)
        return _state(index)


def test_ray_engine_matches_local(local_ray: None, corpus: list[Article], local_state: tuple) -> None:
    from storytrace.engine.ray_engine import RayEngine

    engine = RayEngine(min_chunk=1)
    with Index(":memory:", engine=engine) as index:
        report = index.add(corpus)
        state = _state(index)
    assert engine.tasks > 2  # the work really went through Ray tasks
    assert report.added == len(corpus)
    assert state[1], "the corpus should contain related pairs"
    assert any(p[2] in ("exact", "near") for p in state[1])
    assert state == local_state


def test_ray_map_keeps_order(local_ray: None) -> None:
    from storytrace.engine.ray_engine import RayEngine

    engine = get_engine("ray")
    assert isinstance(engine, RayEngine)
    assert engine.map(abs, list(range(-50, 50))) == [abs(x) for x in range(-50, 50)]
    assert engine.map(abs, []) == []


def test_scan_with_ray_writes_parquet(local_ray: None, corpus: list[Article], local_state: tuple,
                                      tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from storytrace.engine.ray_engine import scan_with_ray

    shard_dir = tmp_path / "shards"
    shard_dir.mkdir()
    for k in range(3):  # three JSONL shards
        with open(shard_dir / f"part-{k}.jsonl", "w", encoding="utf-8") as fh:
            for a in corpus[k::3]:
                fh.write(json.dumps(a.to_dict()) + "\n")
    db = tmp_path / "ray.db"
    out = tmp_path / "out"
    report = scan_with_ray([str(shard_dir)], db=str(db), mapping=None, address=None, out_dir=str(out))
    assert report.added == len(corpus) and not report.skipped
    with Index(db, readonly=True) as index:
        pairs = list(index.pairs())
        stories = index.stories()
        passages = list(index.store.iter_passages())
    assert pq.read_table(out / "pairs").num_rows == len(pairs)
    assert pq.read_table(out / "stories").num_rows == len(stories)
    assert pq.read_table(out / "passages").num_rows == len(passages)
    assert {tuple(m) for m in pq.read_table(out / "stories").column("members").to_pylist()} == \
        {s.members for s in stories}

    # Same articles through the local engine, in the same order, give the same index.
    with Index(tmp_path / "local.db", engine=LocalEngine(1)) as index:
        index.scan([str(shard_dir)])
        assert _state(index)[:3] == (sorted((s.id, s.members, s.reprint_groups, s.first) for s in stories),
                                     [(r.a, r.b, r.copy, r.story, json.dumps(r.scores, sort_keys=True),
                                       r.disguises_a, r.disguises_b) for r in pairs], passages)
    # every copy pair carries its disguises into the Parquet dataset too; a pair that is no copy has none
    exported = pq.read_table(out / "pairs").to_pylist()
    assert {r["copy"] for r in exported if r["disguises"] is None} <= {"none"}
    assert any(json.loads(r["disguises"])["a"] or json.loads(r["disguises"])["b"] for r in exported
               if r["disguises"])


def test_scan_with_ray_reads_file_urls(local_ray: None, corpus: list[Article], tmp_path: Path) -> None:
    from storytrace.engine.ray_engine import scan_with_ray

    shard = tmp_path / "one.jsonl"
    with open(shard, "w", encoding="utf-8") as fh:
        for a in corpus[:20]:
            fh.write(json.dumps(a.to_dict()) + "\n")
    report = scan_with_ray([shard.as_uri()], db=str(tmp_path / "u.db"), mapping=None, address=None, out_dir=None)
    assert report.added == 20 and not report.errors
    with Index(tmp_path / "u.db", readonly=True) as index:
        assert index.article(corpus[0].id).origin.startswith("file://")


def test_missing_ray_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from storytrace.engine import ray_engine

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ConfigError, match=r"storytrace\[ray\]"):
        ray_engine.RayEngine().map(abs, [1])
    with pytest.raises(ConfigError, match=r"storytrace\[ray\]"):
        ray_engine.scan_with_ray(["x"], db=":memory:")
