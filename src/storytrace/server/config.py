"""What one running server needs to know, validated once at start-up."""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

from storytrace.errors import ConfigError

DEFAULT_MAX_BODY = 2 * 1024 * 1024
TOKEN_ENV = "STORYTRACE_TOKEN"
DB_ENV = "STORYTRACE_DB"
DEFAULT_DB = "storytrace.db"


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Server settings.

    ``token`` empty means the server is read-only: write endpoints answer 403. ``max_body`` bounds every
    request body in bytes, so one request cannot make the server read without end.
    """

    db: Path
    host: str = "127.0.0.1"
    port: int = 8000
    token: str = ""
    max_body: int = DEFAULT_MAX_BODY
    max_articles_per_post: int = 1000
    query_limit_max: int = 100
    page_size: int = 50
    cpu_workers: int = 1  # concurrent matching calls per process (more only adds GIL contention)
    extra_origins: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port {self.port} is outside 0..65535")
        if self.max_body < 1024:
            raise ConfigError(f"max_body {self.max_body} is too small (at least 1024 bytes)")
        if self.token and len(self.token) < 8:
            raise ConfigError("token is too short: use at least 8 characters")

    @property
    def writable(self) -> bool:
        return bool(self.token)


def default_db() -> str:
    """The index path when none is given: $STORYTRACE_DB, else ./storytrace.db."""
    return os.environ.get(DB_ENV) or DEFAULT_DB


def is_loopback(host: str) -> bool:
    """True when every address ``host`` resolves to is a loopback address.

    Names are resolved rather than trusted, so ``localhost`` pointing somewhere odd is not let through.
    """
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def check_bind(host: str, token: str) -> None:
    """Refuse to listen beyond this machine without a token, so an index is never writable by the LAN."""
    if not is_loopback(host) and not token:
        raise ConfigError(
            f"refusing to bind {host!r} (not a loopback address) without a token: "
            f"pass --token or set ${TOKEN_ENV}, or bind 127.0.0.1"
        )
