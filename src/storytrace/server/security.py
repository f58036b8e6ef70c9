"""Request guards: body size limit, browser Origin check for POSTs, bearer token, response headers.

They are plain ASGI middleware so they run before any body is parsed: an oversized or cross-site request
is refused before the application reads it.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Pages load only their own stylesheet and script; nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make browsers send "Origin: null"
    (b"cross-origin-opener-policy", b"same-origin"),
]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"detail": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            + SECURITY_HEADERS,
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """Raised inside ``receive`` when a streamed body passes the limit."""


class GuardMiddleware:
    """Applies the body limit, the Origin check and the security headers to every HTTP request."""

    def __init__(self, app: ASGIApp, *, max_body: int, extra_origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_body = max_body
        self.extra_origins = frozenset(o.rstrip("/").lower() for o in extra_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope.get("method", "GET").upper()
        if method in UNSAFE_METHODS:
            problem = self.origin_problem(scope)
            if problem:
                await _refuse(send, 403, problem)
                return
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                await _refuse(send, 400, "Content-Length is not a number")
                return
            if length > self.max_body:
                await _refuse(send, 413, f"request body of {length} bytes is over the {self.max_body} byte limit")
                return

        seen = 0
        started = False
        completed = False
        refused = False

        async def limited_receive() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    # Answer now, then stop the application; whatever it tries to send is dropped.
                    if not started:
                        refused = True
                        await _refuse(send, 413, f"request body is over the {self.max_body} byte limit")
                    raise BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started, completed
            if refused:
                return
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                completed = True
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            pass
        except Exception:
            # The app's error handler has already logged it and, normally, answered 500. Re-raising
            # then would only make the server drop a healthy keep-alive connection.
            if completed:
                return
            if not started:
                await _refuse(send, 500, "internal error (see the server log)")
                return
            raise

    def origin_problem(self, scope: Scope) -> str | None:
        """Why a state-changing request looks cross-site, or None when it may proceed.

        Requests without Origin (curl, scripts) carry no ambient browser credentials and pass; a browser
        always sends Origin on POST, and it must name this server.
        """
        fetch_site = (_header(scope, b"sec-fetch-site") or "").lower()
        if fetch_site == "cross-site":
            return "cross-site request refused"
        origin = _header(scope, b"origin")
        if origin is None:
            return None
        origin = origin.strip().rstrip("/").lower()
        if origin in self.extra_origins:
            return None
        host = (_header(scope, b"host") or "").lower()
        parts = urlsplit(origin)
        if origin == "null" or not parts.scheme or parts.netloc != host:
            return f"Origin {origin!r} does not match this server ({host or 'unknown host'})"
        return None


def token_ok(authorization: str | None, token: str) -> bool:
    """Constant-time check of an ``Authorization: Bearer <token>`` header; False when no token is set."""
    if not token or not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
