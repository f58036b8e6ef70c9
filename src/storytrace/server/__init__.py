"""Web UI and HTTP API over one storytrace index (``storytrace serve``).

Every page and the HTML report render article text as data: highlighting splits text at span offsets
and escapes each piece, so hostile titles and bodies stay inert text.
"""

from storytrace.server.app import create_app
from storytrace.server.config import ServerConfig

__all__ = ["ServerConfig", "create_app"]
