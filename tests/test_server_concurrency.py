"""Many clients at once against a real server: no 500s, no dropped connections, writes seen by readers."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from server_helpers import REPO, SEED_SENTENCE, TOKEN, ServerProcess, build_index, seeds_dir
from storytrace.server.command import serve_cmd

pytestmark = pytest.mark.timeout(300)


def _texts() -> list[str]:
    return [p.read_text() for p in sorted(seeds_dir().glob("*.txt"))]


def test_concurrent_queries_and_pages_all_succeed(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    build_index(db, [seeds_dir()])
    texts = _texts()
    with ServerProcess(db) as srv, httpx.Client(base_url=srv.url, timeout=120,
                                                limits=httpx.Limits(max_connections=24)) as c:
        story = c.get("/api/stories").json()["stories"][0]["id"]

        def hit(i: int) -> int:
            if i % 3 == 0:
                return c.get(f"/stories/{story}").status_code
            if i % 3 == 1:
                return c.post("/api/compare", json={"a": texts[0], "b": texts[1]}).status_code
            return c.post("/api/query", json={"text": texts[i % 2]}).status_code

        with ThreadPoolExecutor(24) as pool:
            codes = list(pool.map(hit, range(96)))
        log = srv.stop()
    assert codes == [200] * 96, (codes, log[-3000:])
    assert "Traceback" not in log


def test_writes_while_reading(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    build_index(db, [seeds_dir()])
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with ServerProcess(db, token=TOKEN) as srv, httpx.Client(base_url=srv.url, timeout=120) as c:
        def write(i: int) -> int:
            art = {"id": f"w{i}", "title": f"Report {i}", "text": f"Officials said on day {i}. " + SEED_SENTENCE}
            return c.post("/api/articles", json={"articles": [art]}, headers=auth).status_code

        def read(i: int) -> int:
            return c.post("/api/query", json={"text": SEED_SENTENCE + " Velayati said."}).status_code

        with ThreadPoolExecutor(8) as pool:
            writes = pool.map(write, range(6))
            reads = pool.map(read, range(12))
            assert list(writes) == [201] * 6
            assert list(reads) == [200] * 12
        assert c.get("/api/health").json()["articles"] == 8
        found = {m["article"]["id"] for m in c.post("/api/query", json={"text": "Officials said on day 3. " + SEED_SENTENCE}).json()["matches"]}
        assert "w3" in found


def test_workers_serve_read_only(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    build_index(db, [seeds_dir()])
    with ServerProcess(db, extra_args=["--workers", "2"]) as srv, srv.client() as c:
        assert c.get("/api/health").json()["writable"] is False
        matches = c.post("/api/query", json={"text": SEED_SENTENCE}).json()["matches"]
        assert len(matches) >= 1


def test_workers_refused_with_token(tmp_path: Path) -> None:
    result = CliRunner().invoke(serve_cmd, ["--db", str(tmp_path / "x.db"), "--workers", "2", "--token", TOKEN])
    assert result.exit_code != 0
    assert "one writer" in result.output


LOADTEST = REPO / "bench" / "loadtest.py"


def _loadtest(*args: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(LOADTEST), *args], capture_output=True, text=True, timeout=timeout)


def _loaded(db: Path, *args: str) -> dict:
    """The JSON result of a short load test (4 clients, 2 s) on ``db``, which must exit 0."""
    done = _loadtest("--db", str(db), "--clients", "4", "--seconds", "2", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_loadtest_script_runs_and_stays_on_loopback(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    build_index(db, [seeds_dir()])
    result = _loaded(db)
    assert result["requests"] > 0 and result["errors"] == 0
    assert result["url"].startswith("http://127.0.0.1:")
    assert result["latency_ms"]["p50"] <= result["latency_ms"]["p99"]
    remote = _loadtest("--db", str(db), "--url", "http://10.1.2.3:8000", timeout=60)
    assert remote.returncode != 0 and "loopback" in remote.stderr


def test_loadtest_open_loop_sends_at_the_offered_rate(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    build_index(db, [seeds_dir()])
    result = _loaded(db, "--rate", "10")
    # every due request is sent and answered, whatever the server's pace
    assert result["mode"] == "open" and result["requests"] == 20 and result["errors"] == 0
    assert result["latency_ms"]["p50"] <= result["latency_ms"]["p99"]
    bad = _loadtest("--db", str(db), "--rate", "10", "--client", "wrk", timeout=60)
    assert bad.returncode != 0 and "--rate" in bad.stderr


def test_loadtest_reports_the_servers_cpu_per_request(tmp_path: Path) -> None:
    """The CPU the server spent per request (it and its worker processes), and the mean-latency floor
    that follows from it, come with the result; a script-run load works without wrk."""
    db = tmp_path / "c.db"
    build_index(db, [seeds_dir()])
    result = _loaded(db, "--workers", "2")
    assert result["requests"] > 0 and result["errors"] == 0
    if sys.platform.startswith("linux"):
        per_request = result["server_cpu_ms_per_request"]
        assert per_request > 0
        assert result["mean_latency_floor_ms"] == pytest.approx(per_request * 4 / result["cores"], abs=0.2)
    bad = _loadtest("--db", str(db), "--endpoint", "health", timeout=60)
    assert bad.returncode != 0 and "--endpoint health needs --client wrk" in bad.stderr


def test_tree_cpu_seconds_counts_child_processes() -> None:
    """A parent that only waits uses almost no CPU itself; its busy child's CPU must be counted."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from loadtest import tree_cpu_seconds
    finally:
        sys.path.pop(0)
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc")
    busy = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.6: pass\n"
    parent = subprocess.Popen([sys.executable, "-c",
                               f"import subprocess, sys; subprocess.run([sys.executable, '-c', {busy!r}])"])
    import time

    seen = 0.0
    while parent.poll() is None:
        seen = max(seen, tree_cpu_seconds(parent.pid) or 0.0)
        time.sleep(0.05)
    assert seen >= 0.3
