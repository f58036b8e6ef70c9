"""``storytrace report``: one self-contained HTML file, with hostile article text inert."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from server_helpers import SEED_SENTENCE, build_index, hostile_articles, seeds_dir
from storytrace.report import report_cmd

pytestmark = pytest.mark.timeout(300)


class Scan(HTMLParser):
    """Collects what would make a page active or fetch something: tags, event attributes, URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.urls: list[str] = []
        self.marks: list[list[str]] = []  # text of each <mark class="hl verbatim">, by column
        self._in_mark = 0
        self._side = ""
        self.side_marks: dict[str, list[str]] = {"a": [], "b": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        d = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name in ("src", "href", "action", "srcset", "poster", "data") and value:
                self.urls.append(value)
        if tag == "section" and d.get("data-side"):
            self._side = d["data-side"] or ""
        if tag == "mark" and "verbatim" in (d.get("class") or ""):
            self._in_mark += 1
            self.side_marks.setdefault(self._side, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self._in_mark:
            self._in_mark -= 1

    def handle_data(self, data: str) -> None:
        if self._in_mark:
            self.side_marks[self._side][-1] += data


def scan(html: str) -> Scan:
    parser = Scan()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "r.db"
    build_index(path, [seeds_dir()], hostile_articles())
    return path


def test_report_is_self_contained_and_inert(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(report_cmd, ["--db", str(db), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["out"] == str(out)
    html = out.read_text()
    found = scan(html)
    assert "script" not in found.tags and "link" not in found.tags and "iframe" not in found.tags
    assert "img" not in found.tags and "svg" not in found.tags
    assert found.handlers == []
    # Only in-page anchors: nothing is fetched and no javascript: link exists.
    assert all(u.startswith("#") for u in found.urls), found.urls
    assert "<style>" in html and "mark.verbatim" in html  # the stylesheet is inlined
    # Hostile text is present as escaped text.
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert "javascript:alert(4)" in html


def test_report_highlights_shared_sentence_in_both_columns(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert CliRunner().invoke(report_cmd, ["--db", str(db), "--out", str(out)]).exit_code == 0
    found = scan(out.read_text())
    for side in ("a", "b"):
        assert any(SEED_SENTENCE in " ".join(t.split()) for t in found.side_marks[side]), side


def test_report_single_story(db: Path, tmp_path: Path) -> None:
    from storytrace import Index

    with Index(str(db), readonly=True) as index:
        story = index.stories(limit=1)[0]
    out = tmp_path / "one.html"
    result = CliRunner().invoke(report_cmd, ["--db", str(db), "--out", str(out), "--story", story.id])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.count('class="pair"') == story.size - 1  # every member against the first publisher
    assert 'id="stories"' not in html


def test_report_errors_are_clear(db: Path, tmp_path: Path) -> None:
    missing = CliRunner().invoke(report_cmd, ["--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "x.html")])
    assert missing.exit_code != 0 and "no index at" in missing.output
    unknown = CliRunner().invoke(report_cmd, ["--db", str(db), "--out", str(tmp_path / "y.html"), "--story", "s000"])
    assert unknown.exit_code != 0 and "s000" in unknown.output
    assert not (tmp_path / "y.html").exists()
