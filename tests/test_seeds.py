"""The acceptance case: the two shipped seeds are one story with a partial copy.

``storytrace compare data/seeds/000_d334923fdb2bdcfa.txt data/seeds/001_7e7a81b451b61ef5.txt --json``
must say story same, copy partial, align the shared headline and the shared sentence verbatim (with spans
into each file's content), report the spliced Mexican-temple paragraph as unrelated in 001, and name the
13 July article (001) as the earlier one. Run through click's CliRunner and as a real process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import storytrace
from storytrace.cli import main
from storytrace.ingest import read_paths

SEED_A = "data/seeds/000_d334923fdb2bdcfa.txt"
SEED_B = "data/seeds/001_7e7a81b451b61ef5.txt"
HEADLINE = "Russia's Putin meets Iran Supreme Leader's aide in Moscow"
SENTENCE = ("The United States pulled out of a multinational deal in May to lift sanctions against Iran in return "
            "for curbs to its nuclear programme.")
TEMPLE = "Mexico natural disaster unearths ancient temple"


@pytest.fixture(scope="module")
def seeds(repo: Path) -> tuple[storytrace.Article, storytrace.Article]:
    out = []
    for rel in (SEED_A, SEED_B):
        items = list(read_paths([repo / rel]))
        assert len(items) == 1 and isinstance(items[0], storytrace.Article), items
        out.append(items[0])
    return out[0], out[1]


def check_acceptance(doc: dict, a: storytrace.Article, b: storytrace.Article) -> None:
    assert doc["a"] == a.id and doc["b"] == b.id
    assert doc["story"] == "same"
    assert doc["copy"] == "partial"
    verbatim = [p for p in doc["passages"] if p["kind"] == "verbatim"]
    for p in doc["passages"]:
        assert a.content[p["a"]["start"]:p["a"]["end"]] == p["a"]["text"]
        assert b.content[p["b"]["start"]:p["b"]["end"]] == p["b"]["text"]
    for shared in (HEADLINE, SENTENCE):
        hits = [p for p in verbatim if shared in p["a"]["text"] and shared in p["b"]["text"]]
        assert len(hits) == 1, (shared, verbatim)
        p = hits[0]
        a0 = p["a"]["start"] + p["a"]["text"].index(shared)
        b0 = p["b"]["start"] + p["b"]["text"].index(shared)
        assert a.content[a0:a0 + len(shared)] == shared
        assert b.content[b0:b0 + len(shared)] == shared
    # the headline is the start of both contents
    assert any(p["a"]["start"] == 0 and p["b"]["start"] == 0 for p in verbatim)
    # the spliced paragraph about a Mexican temple is reported in 001 (b), and is no shared passage
    unrelated_b = doc["unrelated"]["b"]
    temple = [s for s in unrelated_b if TEMPLE in s["text"]]
    assert len(temple) == 1
    s = temple[0]
    assert b.content[s["start"]:s["end"]] == s["text"]
    assert "ancient temple" in s["text"] and "Archaeologists" in s["text"]
    assert not any(TEMPLE in p["b"]["text"] for p in doc["passages"])
    assert doc["unrelated"]["a"] == [] or not any("Velayati" in u["text"] for u in doc["unrelated"]["a"])
    # 001 was published on 13 July, 000 on 14 July
    assert b.published.startswith("2018-07-13") and a.published.startswith("2018-07-14")
    assert doc["earlier"] == "b"


def test_seeds_read_cleanly(seeds) -> None:
    a, b = seeds
    for art in (a, b):
        assert "Like this:" not in art.content
        assert art.title == HEADLINE
        assert art.content.startswith(HEADLINE + "\n\n")
        assert SENTENCE in art.content
    assert a.author == "Myra Stephens" and b.author == "Leon Thompson"
    assert TEMPLE in b.content and TEMPLE not in a.content
    # the duplicated headline line of 000 is not repeated at the top of its body
    assert not a.text.startswith(HEADLINE)


def test_seeds_library(seeds) -> None:
    a, b = seeds
    rel = storytrace.compare(a, b)
    check_acceptance(json.loads(json.dumps(rel.to_dict())), a, b)


def test_seeds_cli_runner(repo: Path, seeds, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["compare", SEED_A, SEED_B, "--json"])
    assert result.exit_code == 0, result.output
    check_acceptance(json.loads(result.stdout), *seeds)


def _console_script() -> Path:
    return Path(sys.executable).with_name("storytrace")


@pytest.mark.parametrize("how", ["console-script", "python-m"])
def test_seeds_real_process(repo: Path, seeds, how: str) -> None:
    if how == "console-script":
        exe = _console_script()
        if not exe.exists():
            pytest.skip(f"{exe} is not installed")
        cmd = [str(exe)]
    else:
        cmd = [sys.executable, "-m", "storytrace.cli"]
    env = {k: v for k, v in os.environ.items() if k != "STORYTRACE_DB"}
    proc = subprocess.run([*cmd, "compare", SEED_A, SEED_B, "--json"], cwd=repo, capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    check_acceptance(json.loads(proc.stdout), *seeds)
    assert "Traceback" not in proc.stderr


def test_seeds_human_output(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["compare", SEED_A, SEED_B])
    assert result.exit_code == 0, result.output
    assert "copy: partial" in result.stdout and "story: same" in result.stdout
    assert f"earlier: {SEED_B}" in result.stdout
    assert "unrelated in b" in result.stdout and TEMPLE in result.stdout


def test_seeds_index(repo: Path, tmp_path: Path, seeds) -> None:
    a, b = seeds
    with storytrace.Index(tmp_path / "seeds.db") as index:
        report = index.scan([repo / "data" / "seeds"])
        assert report.added == 2 and report.skipped == 0
        stories = [s for s in index.stories() if a.id in s.members]
        assert len(stories) == 1 and set(stories[0].members) == {a.id, b.id}
        assert stories[0].first == b.id
        (rel,) = list(index.pairs())
        assert (rel.copy, rel.story) == ("partial", "same")
