"""The CLI reference is generated from the code; fail when a command or option is undocumented."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _render() -> str:
    # In a fresh process: click keeps each command's help option once made, and a test that ran a command
    # on its own (not through the group, whose settings add "-h") left it without "-h" for the rest.
    code = ("import importlib.util, sys; spec = importlib.util.spec_from_file_location('m', sys.argv[1]); "
            "mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod); sys.stdout.write(mod.render())")
    return subprocess.run([sys.executable, "-c", code, str(ROOT / "scripts" / "make_cli_reference.py")],
                          capture_output=True, text=True, check=True, encoding="utf-8").stdout


def test_cli_reference_is_current() -> None:
    current = (ROOT / "docs" / "cli-reference.md").read_text(encoding="utf-8")
    assert current == _render(), "docs/cli-reference.md is stale: run python scripts/make_cli_reference.py"


def test_every_command_is_in_the_readme_tour() -> None:
    from storytrace.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("scan", "stories", "show", "compare", "query", "pairs", "export", "eval", "serve"):
        assert name in main.commands
        assert f"storytrace {name}" in readme


def test_the_readme_tour_shows_what_a_scan_of_the_sample_reports() -> None:
    import re

    from storytrace import Index

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"read (\d+) articles .*?; (\d+) new related pairs; (\d+) stories", readme)
    assert shown, "the README tour should show the scan's summary line"
    with Index(":memory:") as index:
        report = index.scan([ROOT / "data" / "seeds", ROOT / "data" / "wikinews-sample"])
    assert tuple(map(int, shown.groups())) == (report.read, report.pairs, report.stories), \
        "README.md's tour is stale: run `make run` and copy its scan line"
