"""The Ray engine: the same pure stage functions, run as Ray tasks on a cluster (or a local Ray).

``RayEngine.map`` cuts the items into chunks, runs each chunk as one task and returns the results in input
order, so ``Index(path, engine=RayEngine(...))`` computes exactly what the local engine computes; only where
the work runs changes. Storage stays in the driver's SQLite file (one writer).

``scan_with_ray`` is what ``storytrace scan --engine ray`` runs: read the shards (local paths, or URLs that
pyarrow's file systems understand: ``s3://``, ``gs://``, ``hdfs://``, ``file://``), index them with the Ray
engine, and optionally write stories, pairs and passages as a Parquet dataset.

Ray is imported here only, and only when used: without it, a clear "install storytrace[ray]" error.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..model import Article, ReadError, ScanReport

__all__ = ["RayEngine", "scan_with_ray", "write_parquet_dataset"]

_INSTALL = "the Ray engine needs Ray: pip install 'storytrace[ray]'"


def _ray() -> Any:
    try:
        import ray
    except ImportError as e:
        raise ConfigError(_INSTALL) from e
    return ray


def _run_chunk(fn: Callable[[Any], Any], chunk: Sequence[Any]) -> list[Any]:
    return [fn(x) for x in chunk]


class RayEngine:
    """Run ``map`` as Ray tasks, ``chunks_per_cpu`` chunks for each CPU of the cluster.

    ``address=None`` joins the cluster named by ``RAY_ADDRESS`` if set, else starts a local Ray with
    ``num_cpus`` CPUs (all by default); ``"auto"`` or ``"ray://host:10001"`` join an existing one. A Ray
    that is already initialised in this process is used as it is. The workers need storytrace installed
    (or shipped with ``runtime_env``).
    """

    name = "ray"
    concurrent = True  # tasks run elsewhere: the indexer overlaps the next batch's fingerprints with its work

    def __init__(self, address: str | None = None, num_cpus: int | None = None, *, chunks_per_cpu: int = 2,
                 min_chunk: int = 8, runtime_env: dict[str, Any] | None = None) -> None:
        if num_cpus is not None and (not isinstance(num_cpus, int) or num_cpus < 1):
            raise ConfigError(f"num_cpus must be a positive whole number, got {num_cpus!r}")
        self.address = address
        self.num_cpus = num_cpus
        self.chunks_per_cpu = max(1, chunks_per_cpu)
        self.min_chunk = max(1, min_chunk)
        self.runtime_env = runtime_env
        self._ray: Any = None
        self._remote: Any = None
        self._started = False
        self.tasks = 0  # tasks submitted so far (tests and reports use it)

    def _ensure(self) -> Any:
        if self._remote is not None:
            return self._ray
        ray = _ray()
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "ignore_reinit_error": True,
                                      "log_to_driver": False}
            if self.runtime_env:
                kwargs["runtime_env"] = self.runtime_env
            address = self.address or os.environ.get("RAY_ADDRESS") or None
            if address:
                ray.init(address=address, **kwargs)
            else:
                ray.init(num_cpus=self.num_cpus, **kwargs)
            self._started = True
        self._ray = ray
        self._remote = ray.remote(_run_chunk)
        return ray

    def cpus(self) -> int:
        ray = self._ensure()
        try:
            return max(1, int(ray.cluster_resources().get("CPU", 1)))
        except Exception:  # pragma: no cover - a cluster that cannot say
            return 1

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        items = list(items)
        if not items:
            return []
        ray = self._ensure()
        n_chunks = self.cpus() * self.chunks_per_cpu
        size = max(self.min_chunk, -(-len(items) // n_chunks))
        fn_ref = ray.put(fn)
        refs = [self._remote.remote(fn_ref, items[i : i + size]) for i in range(0, len(items), size)]
        self.tasks += len(refs)
        out: list[Any] = []
        for part in ray.get(refs):
            out.extend(part)
        return out

    def close(self) -> None:
        """Shut down the Ray this engine started (a Ray someone else started is left running)."""
        if self._started and self._ray is not None:
            self._ray.shutdown()
        self._started = False
        self._remote = None
        self._ray = None


# --- reading shards ------------------------------------------------------------------------------------

def _is_url(p: str) -> bool:
    return "://" in p


def _remote_files(url: str) -> list[tuple[Any, str, str]]:
    """(filesystem, path, url) of every supported file at ``url`` (a file or a folder, recursively)."""
    import pyarrow.fs as pafs

    from ..ingest import SUPPORTED_EXTENSIONS

    fs, root = pafs.FileSystem.from_uri(url)
    info = fs.get_file_info(root)
    if info.type == pafs.FileType.NotFound:
        raise FileNotFoundError(url)
    if info.type == pafs.FileType.File:
        return [(fs, root, url)]
    prefix = url.rstrip("/")
    out = []
    for f in sorted(fs.get_file_info(pafs.FileSelector(root, recursive=True)), key=lambda x: x.path):
        name = f.base_name
        if f.type != pafs.FileType.File or name.startswith("."):
            continue
        if any(name.lower().endswith(ext) for ext in SUPPORTED_EXTENSIONS):
            rel = f.path[len(root.rstrip("/")) :].lstrip("/")
            out.append((fs, f.path, f"{prefix}/{rel}"))
    return out


def read_shards(paths: Iterable[str | Path], mapping: dict[str, str] | None = None) -> Iterator[Article | ReadError]:
    """Like ``ingest.read_paths``, plus URLs: each remote file is copied to a temporary file, read by the
    same readers (so it parses exactly like a local one) and deleted; origins name the URL."""
    from ..ingest import read_paths

    for p in paths:
        s = str(p)
        if not _is_url(s):
            yield from read_paths([s], mapping=mapping)
            continue
        try:
            files = _remote_files(s)
        except (OSError, ValueError) as e:  # pyarrow: ArrowInvalid is a ValueError
            yield ReadError(s, f"cannot list: {e}")
            continue
        for fs, path, url in files:
            tmpdir = tempfile.mkdtemp(prefix="storytrace-shard-")
            local = os.path.join(tmpdir, os.path.basename(path))
            try:
                with fs.open_input_stream(path, compression=None) as src, open(local, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                for item in read_paths([local], mapping=mapping):
                    if isinstance(item, Article):
                        yield replace(item, origin=item.origin.replace(local, url))
                    else:
                        yield ReadError(item.origin.replace(local, url), item.message) \
                            if type(item) is ReadError else item
            except OSError as e:
                yield ReadError(url, f"cannot read: {e}")
            finally:
                shutil.rmtree(tmpdir, ignore_errors=True)


# --- writing results -----------------------------------------------------------------------------------

def write_parquet_dataset(index: Any, out_dir: str | Path) -> dict[str, int]:
    """Stories, pairs and passages of ``index`` as ``out_dir/{stories,pairs,passages}/part-0.parquet``."""
    import json

    import pyarrow as pa
    import pyarrow.fs as pafs
    import pyarrow.parquet as pq

    out = str(out_dir)
    if "://" in out:
        fs, base = pafs.FileSystem.from_uri(out)
    else:
        fs, base = pafs.LocalFileSystem(), str(Path(out).resolve())

    stories = []
    for s in index.stories():
        stories.append({"id": s.id, "headline": s.headline, "size": len(s.members), "members": list(s.members),
                        "first": s.first, "first_site": s.first_site, "first_published": s.first_published,
                        "last_published": s.last_published, "sites": list(s.sites),
                        "reprint_groups": [list(g) for g in s.reprint_groups]})
    pairs = []
    for r in index.pairs():
        pairs.append({"a": r.a, "b": r.b, "copy": r.copy, "story": r.story, "earlier": r.earlier,
                      "story_score": float(r.scores.get("story", 0.0)), "reuse": float(r.scores.get("reuse", 0.0)),
                      "scores": json.dumps(r.scores, sort_keys=True),
                      "disguises": None if (d := r.disguises_dict()) is None else json.dumps(d, ensure_ascii=False)})
    passages = list(index.store.iter_passages())

    schemas = {
        "stories": pa.schema([("id", pa.string()), ("headline", pa.string()), ("size", pa.int64()),
                              ("members", pa.list_(pa.string())), ("first", pa.string()),
                              ("first_site", pa.string()), ("first_published", pa.string()),
                              ("last_published", pa.string()), ("sites", pa.list_(pa.string())),
                              ("reprint_groups", pa.list_(pa.list_(pa.string())))]),
        "pairs": pa.schema([("a", pa.string()), ("b", pa.string()), ("copy", pa.string()), ("story", pa.string()),
                            ("earlier", pa.string()), ("story_score", pa.float64()), ("reuse", pa.float64()),
                            ("scores", pa.string()), ("disguises", pa.string())]),
        "passages": pa.schema([("a", pa.string()), ("b", pa.string()), ("kind", pa.string()),
                               ("score", pa.float64()), ("a_start", pa.int64()), ("a_end", pa.int64()),
                               ("b_start", pa.int64()), ("b_end", pa.int64())]),
    }
    counts = {}
    for name, rows in (("stories", stories), ("pairs", pairs), ("passages", passages)):
        folder = f"{base.rstrip('/')}/{name}"
        fs.create_dir(folder, recursive=True)
        table = pa.Table.from_pylist(rows, schema=schemas[name])
        pq.write_table(table, f"{folder}/part-0.parquet", filesystem=fs)
        counts[name] = len(rows)
    return counts


# --- the scan ------------------------------------------------------------------------------------------

def scan_with_ray(paths: Iterable[str | Path], db: str | Path = "storytrace.db", mapping: dict[str, str] | None = None,
                  address: str | None = None, out_dir: str | Path | None = None, *,
                  num_cpus: int | None = None, engine: RayEngine | None = None,
                  progress: Callable[[int], None] | None = None) -> ScanReport:
    """Scan shards into the SQLite index at ``db`` with fingerprinting and verification on Ray.

    The index is the same as a local scan's (same stories, pairs and passages). With ``out_dir``, also
    write stories, pairs and passages as Parquet there (a local folder or a pyarrow file-system URL).
    """
    from ..index import Index

    _ray()  # fail early and clearly without Ray
    own = engine is None
    eng = engine or RayEngine(address=address, num_cpus=num_cpus)
    started = time.perf_counter()
    report = ScanReport()
    try:
        with Index(db, engine=eng) as index:
            def articles() -> Iterator[Article]:
                for item in read_shards(paths, mapping):
                    if isinstance(item, ReadError):
                        report.add_problem(item)
                        continue
                    report.read += 1
                    yield item

            index._add(articles(), report, progress)
            if out_dir is not None:
                write_parquet_dataset(index, out_dir)
    finally:
        if own:
            eng.close()
    report.seconds = time.perf_counter() - started
    return report
