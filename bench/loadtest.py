#!/usr/bin/env python3
"""Bounded load test of ``POST /api/query`` on loopback: N concurrent clients for D seconds.

Not a unit test: it measures. It starts ``python -m storytrace.server`` over an index on a free
127.0.0.1 port (or uses ``--url`` of a server already listening on loopback), replays article texts from
that index as queries, and prints one JSON object: requests/s, latency percentiles and error count.
It refuses any target that is not a loopback address, so it cannot be pointed at someone else's server.

    python bench/loadtest.py --db storytrace.db --clients 200 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import httpx

REPO = Path(__file__).resolve().parents[1]
SAMPLE = [REPO / "data" / "seeds", REPO / "data" / "wikinews-sample"]
MAX_CLIENTS = 2000
MAX_SECONDS = 600


def loopback_url(url: str) -> str:
    """The URL without a trailing slash, if its host is a loopback IP literal; else exit."""
    host = urlsplit(url).hostname or ""
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        sys.exit(f"loadtest only targets loopback addresses such as 127.0.0.1, not {host or url!r}")
    return url.rstrip("/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_sample_index(db: Path) -> None:
    """A small index from the bundled seeds and Wikinews sample, for a run without --db."""
    from storytrace import Index

    with Index(str(db)) as index:
        index.scan([str(p) for p in SAMPLE if p.exists()])


def query_texts(db: Path, limit: int = 300, seed: int = 7) -> list[str]:
    """Article texts from the index (its own articles make realistic, matching queries)."""
    from storytrace import Index

    texts: list[str] = []
    with Index(str(db), readonly=True) as index:
        for story in index.stories(limit=limit):
            for member in story.members[:3]:
                texts.append(index.article(member).content)
            if len(texts) >= limit:
                break
    if not texts:
        sys.exit(f"{db} has no stories to draw queries from")
    random.Random(seed).shuffle(texts)
    return [t[:20_000] for t in texts]


def start_server(db: Path, log: Path, workers: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    """``python -m storytrace.server`` on a free loopback port, waited for with a bounded loop."""
    for _ in range(3):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k != "STORYTRACE_TOKEN"}
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "storytrace.server", "--db", str(db), "--host", "127.0.0.1",
                 "--port", str(port), "--log-level", "warning", "--workers", str(workers)],
                stdout=out, stderr=subprocess.STDOUT, env=env,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                    return proc, url
            except httpx.HTTPError:
                time.sleep(0.1)
        stop(proc)
    sys.exit(f"server did not start; see {log}:\n{log.read_text(errors='replace')[-2000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def _summary(latencies: list[float], statuses: dict[str, int], errors: int, elapsed: float,
             queries: int) -> dict:
    """What both Python load loops report: counts, rate and latency percentiles in milliseconds."""
    ordered = sorted(latencies)
    ms = lambda v: None if v is None else round(1000 * v, 2)  # noqa: E731
    return {
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "errors": errors,
        "requests_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {
            "p50": ms(percentile(ordered, 0.50)),
            "p90": ms(percentile(ordered, 0.90)),
            "p99": ms(percentile(ordered, 0.99)),
            "max": ms(ordered[-1] if ordered else None),
        },
        "status": statuses,
        "queries": queries,
    }


async def _post_query(http: httpx.AsyncClient, body: dict) -> str:
    """One ``POST /api/query``: its status code, or the name of the error that kept it from one."""
    try:
        response = await http.post("/api/query", json=body)
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return str(response.status_code)


async def run_load(url: str, texts: list[str], clients: int, seconds: float, timeout: float) -> dict:
    """Every client sends one query at a time until the deadline; requests in flight then finish."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as http:
        start = time.perf_counter()
        deadline = start + seconds

        async def client(n: int) -> None:
            nonlocal errors
            i = n
            while time.perf_counter() < deadline:
                body = {"text": texts[i % len(texts)], "limit": 10}
                i += clients
                t0 = time.perf_counter()
                key = await _post_query(http, body)
                errors += key != "200"
                latencies.append(time.perf_counter() - t0)
                statuses[key] = statuses.get(key, 0) + 1

        await asyncio.gather(*(client(n) for n in range(clients)))
        elapsed = time.perf_counter() - start
    return {"url": url + "/api/query", "clients": clients,
            **_summary(latencies, statuses, errors, elapsed, len(texts))}


async def run_open(url: str, texts: list[str], rate: float, clients: int, seconds: float,
                   timeout: float) -> dict:
    """Open loop: one request every 1/rate seconds, at most ``clients`` in flight, whatever the server's
    pace. A closed loop of N clients always measures about N / throughput once the server is saturated
    (Little's law); this asks what latency a user sees at a given offered load. Latency counts from the
    moment a request was due, so a request held back by the in-flight cap still counts its wait."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    gate = asyncio.Semaphore(clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as http:
        start = time.perf_counter()

        async def one(i: int, due: float) -> None:
            nonlocal errors
            async with gate:
                key = await _post_query(http, {"text": texts[i % len(texts)], "limit": 10})
            errors += key != "200"
            latencies.append(time.perf_counter() - due)
            statuses[key] = statuses.get(key, 0) + 1

        tasks = []
        for i in range(max(1, int(rate * seconds))):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(one(i, due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return {"url": url + "/api/query", "mode": "open", "offered_per_s": rate, "max_in_flight": clients,
            **_summary(latencies, statuses, errors, elapsed, len(texts))}


WRK_HEALTH = """request = function()
  return wrk.format("GET", "/api/health")
end
"""

WRK_SCRIPT = """bodies = dofile(%s)
i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/api/query", {["Content-Type"] = "application/json"}, bodies[(i %% #bodies) + 1])
end
"""


def _lua_string(s: str) -> str:
    """A Lua long string holding ``s`` verbatim (a level of '=' that ``s`` never closes)."""
    level = 0
    while f"]{'=' * level}]" in s:
        level += 1
    eq = "=" * level
    return f"[{eq}[{s}]{eq}]"


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by a process and all its descendants (Linux /proc; None
    elsewhere). The server's CPU per request times the clients, over the cores, is a floor under the mean
    latency of a closed loop, whatever the scheduling: it says whether a latency target is reachable."""
    proc = Path("/proc")
    if not (proc / str(pid) / "stat").exists():
        return None
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for d in proc.iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(d.name)] = int(fields[1])
        ticks[int(d.name)] = int(fields[11]) + int(fields[12])  # utime, stime
    total = 0
    for p in ticks:
        q = p
        while q and q != pid:
            q = parent.get(q, 0)
        if q == pid:
            total += ticks[p]
    return total / os.sysconf("SC_CLK_TCK")


def run_wrk(url: str, texts: list[str], clients: int, seconds: float, timeout: float, work: Path,
            endpoint: str = "query") -> dict:
    """The same load from wrk (C, one thread): a Python client on the same two cores takes CPU from the
    server and makes it look slower than it is. Parses wrk's --latency report. ``endpoint="health"``
    sends ``GET /api/health`` instead: the ceiling of the HTTP stack alone, with no work per request."""
    import re
    import shutil

    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("--client wrk needs wrk on PATH (Debian: apt-get install wrk)")
    bodies = work / "bodies.lua"
    bodies.write_text("return {" + ",".join(_lua_string(json.dumps({"text": t, "limit": 10})) for t in texts) + "}")
    script = work / "query.lua"
    script.write_text(WRK_HEALTH if endpoint == "health" else WRK_SCRIPT % _lua_string(str(bodies)))
    out = subprocess.run([wrk, "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--latency",
                          f"--timeout={max(1, round(timeout))}s", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}

    def latency(q: str) -> float | None:
        m = re.search(rf"^\s*{q}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        return round(float(m.group(1)) * unit[m.group(2)], 2) if m else None

    total = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
    return {
        "url": url + ("/api/health" if endpoint == "health" else "/api/query"),
        "client": "wrk",
        "clients": clients,
        "seconds": seconds,
        "requests": total,
        "errors": errors,
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "latency_ms": {"p50": latency("50"), "p90": latency("90"), "p99": latency("99")},
        "queries": len(texts),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="index to serve and draw queries from (default: build one "
                        "from data/seeds and data/wikinews-sample in a temp folder)")
    parser.add_argument("--url", help="a server already listening on loopback, e.g. http://127.0.0.1:8000 "
                        "(needs --db for the query texts)")
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients (default 200)")
    parser.add_argument("--seconds", type=float, default=30.0, help="duration (default 30)")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds")
    parser.add_argument("--client", choices=("python", "wrk"), default="python",
                        help="load generator: asyncio httpx clients (default) or wrk, which takes far less CPU "
                        "from a server on the same machine")
    parser.add_argument("--texts", type=int, default=3000,
                        help="distinct query texts (default 3000: more than any per-process cache holds)")
    parser.add_argument("--rate", type=float, help="open loop: send this many requests a second (at most "
                        "--clients in flight) instead of --clients clients each waiting for its answer; "
                        "python client only")
    parser.add_argument("--endpoint", choices=("query", "health"), default="query",
                        help="what to load: POST /api/query (default) or GET /api/health, the ceiling of the "
                        "HTTP stack with no work per request; --client wrk only")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server processes when the script starts the server (default: CPU count)")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be 1..{MAX_CLIENTS}")
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be in (0, {MAX_SECONDS}]")
    if args.texts < 1:
        parser.error("--texts must be at least 1")
    if args.rate is not None and (args.rate <= 0 or args.client != "python"):
        parser.error("--rate must be above 0 and needs --client python")
    if args.endpoint != "query" and args.client != "wrk":
        parser.error("--endpoint health needs --client wrk")
    if args.url and not args.db:
        parser.error("--url needs --db (the index the server runs on) to draw query texts from")

    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="storytrace-load-")))
        db = args.db
        if db is None:
            db = work / "sample.db"
            build_sample_index(db)
        elif not db.exists():
            parser.error(f"no index at {db}")
        texts = query_texts(db, limit=args.texts)
        server_pid = None
        if args.url:
            url = loopback_url(args.url)
        else:
            proc, url = start_server(db, work / "server.log", args.workers)
            stack.callback(stop, proc)
            server_pid = proc.pid
        cpu_before = tree_cpu_seconds(server_pid) if server_pid else None
        if args.rate is not None:
            result = asyncio.run(run_open(url, texts, args.rate, args.clients, args.seconds, args.timeout))
        elif args.client == "wrk":
            result = run_wrk(url, texts, args.clients, args.seconds, args.timeout, work, args.endpoint)
        else:
            result = asyncio.run(run_load(url, texts, args.clients, args.seconds, args.timeout))
        cpu_after = tree_cpu_seconds(server_pid) if server_pid else None
        if cpu_before is not None and cpu_after is not None and result.get("requests"):
            # Closed loop: mean latency >= clients x (CPU per request) / cores, however well it is scheduled.
            per_request = (cpu_after - cpu_before) / result["requests"]
            result["server_cpu_ms_per_request"] = round(1000 * per_request, 3)
            result["cores"] = os.cpu_count()
            result["mean_latency_floor_ms"] = round(1000 * per_request * args.clients / (os.cpu_count() or 1), 1)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
