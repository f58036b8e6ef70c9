"""Shared test helpers for the server, UI and report tests: real index files, real server processes.

Servers run as ``python -m storytrace.server`` on a loopback port picked at run time, and are waited for
with a bounded readiness loop, so tests exercise what a user runs.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
SHARED_SEEDS = Path("/work/shared/seeds")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SEED_SENTENCE = (
    "The United States pulled out of a multinational deal in May to lift sanctions against Iran in return "
    "for curbs to its nuclear programme."
)
TOKEN = "test-token-0123456789"


def seeds_dir() -> Path:
    """The repository's seed articles, copied from the shared folder when the checkout lacks them."""
    seeds = REPO / "data" / "seeds"
    if not any(seeds.glob("*.txt")) and SHARED_SEEDS.is_dir():
        seeds.mkdir(parents=True, exist_ok=True)
        for src in SHARED_SEEDS.glob("*.txt"):
            shutil.copy2(src, seeds / src.name)
    return seeds


def hostile_articles() -> list[dict[str, Any]]:
    """Articles whose every field tries to become live markup or script."""
    return [
        {
            "id": "xss-1",
            "title": "<script>alert('title')</script> Breaking <b onmouseover=alert(1)>news",
            "text": (
                "<script>alert('body')</script> Officials said <img src=x onerror=alert(2)> that the plan "
                "<a href=\"javascript:alert(3)\">click</a> was </div></td></table> unfinished. "
                + SEED_SENTENCE
            ),
            "url": "javascript:alert(4)",
            "site": "evil.example<script>",
            "author": "\"><svg onload=alert(5)>",
            "published": "2018-07-15",
        },
        {
            "id": "xss-2\"><img src=x onerror=alert(6)>",
            "title": "<svg/onload=alert(7)> Second <iframe src=javascript:alert(8)>",
            "text": "<style>body{display:none}</style><script>alert(9)</script> " + SEED_SENTENCE
            + " Another <!-- broken comment <p onclick=alert(10)>paragraph.",
            "site": "evil.example<script>",
            "published": "2018-07-16",
        },
    ]


def build_index(db: Path, paths: Iterable[Path], articles: Iterable[dict[str, Any]] = ()) -> None:
    """A real index file from seed paths plus extra articles, added as one batch and closed before any
    server opens it."""
    from storytrace import Index
    from storytrace.ingest import read_paths
    from storytrace.model import Article

    batch = [a for a in read_paths([str(p) for p in paths]) if isinstance(a, Article)]
    batch += [Article(**a) for a in articles]
    index = Index(str(db))
    try:
        index.add(batch)
    finally:
        index.close()


def free_port() -> int:
    """A loopback port free right now (the OS picks it; nothing is hard-coded)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """``python -m storytrace.server`` in a subprocess, started and stopped as a context manager."""

    def __init__(self, db: Path, *, token: str = "", extra_args: Iterable[str] = (), ready_timeout: float = 60.0):
        self.db = db
        self.token = token
        self.extra_args = list(extra_args)
        self.ready_timeout = ready_timeout
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = db.with_suffix(".server.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerProcess:
        last_error = ""
        for _attempt in range(3):  # another process may grab the port between picking and binding it
            self.port = free_port()
            env = {**os.environ, "STORYTRACE_TOKEN": self.token} if self.token else {
                k: v for k, v in os.environ.items() if k != "STORYTRACE_TOKEN"
            }
            cmd = [sys.executable, "-m", "storytrace.server", "--db", str(self.db), "--host", "127.0.0.1",
                   "--port", str(self.port), "--log-level", "warning", *self.extra_args]
            log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=str(REPO))
            self._log = log
            if self._wait_ready():
                return self
            last_error = self.stop()
            if "address already in use" not in last_error.lower():
                break
        raise RuntimeError(f"server did not become ready:\n{last_error}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                return False
            try:
                if httpx.get(self.url + "/api/health", timeout=2.0).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        return False

    def stop(self) -> str:
        """Stop the process (SIGTERM, then SIGKILL after 10 s) and return its log."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if getattr(self, "_log", None) is not None:
            self._log.close()
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60.0, **kwargs)
