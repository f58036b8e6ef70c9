"""Safe defaults: loopback binding, bearer tokens, Origin checks, body limits (no index needed)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from storytrace.errors import ConfigError
from storytrace.server.command import serve_cmd
from storytrace.server.config import ServerConfig, check_bind, is_loopback
from storytrace.server.security import GuardMiddleware, token_ok


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.5"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "8.8.8.8"])
def test_non_loopback_hosts(host: str) -> None:
    assert not is_loopback(host)


def test_non_loopback_bind_needs_token() -> None:
    with pytest.raises(ConfigError, match="without a token"):
        check_bind("0.0.0.0", "")
    check_bind("0.0.0.0", "a-long-enough-token")
    check_bind("127.0.0.1", "")


def test_serve_refuses_public_bind_without_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYTRACE_TOKEN", raising=False)
    result = CliRunner().invoke(serve_cmd, ["--db", str(tmp_path / "x.db"), "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code != 0
    assert "without a token" in result.output
    assert not (tmp_path / "x.db").exists()


def test_serve_refuses_missing_index_when_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYTRACE_TOKEN", raising=False)
    result = CliRunner().invoke(serve_cmd, ["--db", str(tmp_path / "missing.db"), "--port", "0"])
    assert result.exit_code != 0
    assert "no index at" in result.output


def test_short_token_rejected() -> None:
    with pytest.raises(ConfigError):
        ServerConfig(db=Path("x.db"), token="abc")


def test_token_check() -> None:
    assert token_ok("Bearer s3cret-token", "s3cret-token")
    assert token_ok("bearer s3cret-token", "s3cret-token")
    assert not token_ok("Bearer wrong-token", "s3cret-token")
    assert not token_ok("Basic s3cret-token", "s3cret-token")
    assert not token_ok(None, "s3cret-token")
    assert not token_ok("Bearer ", "")  # no token configured: nothing is accepted


async def _echo_app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": str(len(body)).encode()})


@pytest.fixture()
def guarded() -> httpx.AsyncClient:
    app = GuardMiddleware(_echo_app, max_body=1024)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:9")


async def _post(client: httpx.AsyncClient, **kwargs: object) -> httpx.Response:
    async with client:
        return await client.post("/x", **kwargs)  # type: ignore[arg-type]


def run(coro):  # type: ignore[no-untyped-def]
    import asyncio

    return asyncio.run(coro)


def test_guard_passes_small_body_and_adds_headers(guarded: httpx.AsyncClient) -> None:
    response = run(_post(guarded, content=b"x" * 100))
    assert response.status_code == 200 and response.text == "100"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_guard_refuses_declared_large_body(guarded: httpx.AsyncClient) -> None:
    response = run(_post(guarded, content=b"x" * 2000))
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


def test_guard_refuses_streamed_large_body(guarded: httpx.AsyncClient) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b"x" * 500

    response = run(_post(guarded, content=chunks()))
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "http://127.0.0.1:9"}, 200),
        ({"Origin": "https://evil.example"}, 403),
        ({"Origin": "null"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({}, 200),
    ],
)
def test_guard_checks_origin_on_posts(guarded: httpx.AsyncClient, headers: dict[str, str], status: int) -> None:
    assert run(_post(guarded, content=b"{}", headers=headers)).status_code == status
