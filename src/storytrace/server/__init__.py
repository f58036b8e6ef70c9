"""Web UI and HTTP API over one storytrace index (``storytrace serve``).

Every page and the HTML report render article text as data: highlighting splits text at span offsets
and escapes each piece, so hostile titles and bodies stay inert text.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ServerConfig", "create_app"]


def __getattr__(name: str) -> Any:
    """Imported on first use: the CLI reads ``server.config`` for every command, and FastAPI's import
    (a third of a second) is only needed to serve."""
    if name == "create_app":
        from storytrace.server.app import create_app

        return create_app
    if name == "ServerConfig":
        from storytrace.server.config import ServerConfig

        return ServerConfig
    raise AttributeError(name)
