"""``python -m storytrace.server``: the serve command without the rest of the CLI."""

from storytrace.server.command import serve_cmd

if __name__ == "__main__":
    serve_cmd(prog_name="storytrace serve")
