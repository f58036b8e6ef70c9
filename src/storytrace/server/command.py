"""``storytrace serve``: the web UI and API over one index file, Datasette-style."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from storytrace.errors import StorytraceError
from storytrace.server.config import DB_ENV, DEFAULT_MAX_BODY, TOKEN_ENV, ServerConfig, check_bind, default_db


@click.command("serve")
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=default_db,
              show_default=f"${DB_ENV} or storytrace.db", help="Index file to serve.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything but loopback needs a token.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to bind.")
@click.option("--token", envvar=TOKEN_ENV, default="", show_envvar=True,
              help="Bearer token that allows writes (POST /api/articles). Without it the server is read-only.")
@click.option("--max-body", default=DEFAULT_MAX_BODY, show_default=True, type=click.IntRange(1024, None),
              help="Largest request body in bytes.")
@click.option("--allow-origin", "origins", multiple=True,
              help="Extra browser Origin allowed to POST (e.g. a reverse proxy's public URL).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes. Matching is CPU-bound, so more workers serve more queries at once; "
                   "read-only servers only (writes go through one writer).")
@click.option("--json", "as_json", is_flag=True, help="Print the address as one JSON line once listening.")
def serve_cmd(db: Path, host: str, port: int, token: str, max_body: int, origins: tuple[str, ...],
              log_level: str, workers: int, as_json: bool) -> None:
    """Serve the web UI and the JSON API (under /api/) over an index."""
    import uvicorn

    from storytrace.server.access import IndexAccess
    from storytrace.server.app import CONFIG_ENV, build

    try:
        check_bind(host, token)
        config = ServerConfig(db=db, host=host, port=port, token=token, max_body=max_body, extra_origins=origins)
        if workers > 1 and config.writable:
            raise StorytraceError("--workers above 1 serves read-only: writes need one writer, so drop --token "
                                  f"(or ${TOKEN_ENV}) or use --workers 1")
        access = IndexAccess(config.db, writable=config.writable)
    except StorytraceError as exc:
        raise click.ClickException(str(exc)) from None
    mode = "read-write (token required)" if config.writable else "read-only"
    shown = f"[{host}]" if ":" in host else host
    if as_json:
        click.echo(json.dumps({"url": f"http://{shown}:{port}/", "db": str(db), "writable": config.writable}))
    else:
        click.echo(f"storytrace: serving {db} {mode} on http://{shown}:{port}/", err=True)
    sys.stdout.flush()
    options = dict(host=host, port=port, log_level=log_level, access_log=log_level == "debug",
                   proxy_headers=False, server_header=False, timeout_graceful_shutdown=5)
    if workers == 1:
        uvicorn.run(build(config, access), **options)
        return
    access.close()  # each worker opens its own readers
    os.environ[CONFIG_ENV] = json.dumps({"db": str(db.resolve()), "host": host, "port": port,
                                         "max_body": max_body, "extra_origins": list(origins)})
    uvicorn.run("storytrace.server.app:app_from_env", factory=True, workers=workers, **options)
