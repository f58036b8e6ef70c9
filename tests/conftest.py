"""Shared fixtures for the core tests: the repository path, hand-written fixture articles, and indexes.

The fixture articles under ``tests/fixtures/core/`` are small hand-written news reports in the seeds'
.txt layout (header, headline, body). They cover the relations storytrace decides:

* ``bridge_original`` — a wire report of a bridge collapse (the source);
* ``bridge_exact`` — the same headline and text under another site and byline (exact copy);
* ``bridge_reprint`` — a reprint with a new byline, two edited words and a boilerplate tail (near copy);
* ``bridge_partial`` — a different article on the same event reusing two sentences (partial copy);
* ``bridge_rewrite`` — the same event in a different writer's own words (no copy, same story);
* ``court_tax`` / ``court_bribery`` — two trials of one politician seven months apart (different stories);
* ``quake_albania`` / ``quake_peru`` — two earthquakes four days apart (different stories).
"""

from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from storytrace import Article, Index
from storytrace.ingest import read_paths

REPO = Path(__file__).resolve().parents[1]
CORE = REPO / "tests" / "fixtures" / "core"
SEEDS = REPO / "data" / "seeds"


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def load_script() -> Callable[[str], ModuleType]:
    """A script of ``scripts/`` imported as a module (the folder is no package), by its file name."""
    def load(name: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(name.removesuffix(".py"), REPO / "scripts" / name)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return load


@pytest.fixture(scope="session")
def core_dir() -> Path:
    return CORE


def _load_core() -> dict[str, Article]:
    found: dict[str, Article] = {}
    for item in read_paths([CORE]):
        assert isinstance(item, Article), f"fixture did not read cleanly: {item}"
        found[Path(item.origin).stem] = item
    return found


@pytest.fixture(scope="session")
def core() -> dict[str, Article]:
    """The hand-written fixture articles by file stem (``core["bridge_original"]``)."""
    arts = _load_core()
    assert len(arts) >= 9
    return arts


_counter = itertools.count(1)


@pytest.fixture
def make_article() -> Callable[..., Article]:
    """A small article factory: ``make_article("text", title=..., published=...)``; ids are unique."""

    def make(text: str, *, title: str = "", id: str | None = None, published: str | None = None,
             site: str | None = None, author: str | None = None, url: str | None = None) -> Article:
        return Article(text=text, id=id if id is not None else f"t{next(_counter)}", title=title,
                       published=published, site=site, author=author, url=url)

    return make


@pytest.fixture
def memory_index() -> Iterator[Index]:
    """An empty in-memory index."""
    index = Index(":memory:")
    try:
        yield index
    finally:
        index.close()


@pytest.fixture
def file_index(tmp_path: Path) -> Iterator[Index]:
    """An empty index in a temporary SQLite file (``file_index.path``)."""
    index = Index(tmp_path / "index.db")
    try:
        yield index
    finally:
        index.close()


@pytest.fixture(scope="session")
def core_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temp-file index holding every core fixture article (built once; open it read-only)."""
    path = tmp_path_factory.mktemp("coredb") / "core.db"
    with Index(path) as index:
        index.add(_load_core().values())
    return path
