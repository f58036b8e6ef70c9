"""HTML through trafilatura."""

from __future__ import annotations

from pathlib import Path

from storytrace.ingest import read_paths
from storytrace.model import Article, ReadError

PAGE = Path(__file__).parent / "fixtures" / "ingest" / "page.html"


def test_handmade_page_main_text_and_metadata():
    (a,) = list(read_paths([PAGE]))
    assert isinstance(a, Article)
    assert a.title == "Storm hits coast"
    assert a.author == "Jane Roe"
    assert a.url == "https://www.example.com/news/storm-hits-coast"
    assert a.site == "Example News"
    assert a.published == "2021-03-04T08:15:00Z"  # +02:00 converted to UTC
    assert a.text.startswith("A powerful storm struck the northern coast")
    assert "restore electricity" in a.text
    assert "\n\n" in a.text  # paragraphs separated like the other formats
    for junk in ("Home", "Sport", "Copyright", "Subscribe", "Share this", "Storm hits coast"):
        assert junk not in a.text, junk


def test_date_without_time_and_site_from_url(tmp_path):
    html = PAGE.read_text(encoding="utf-8")
    html = html.replace(
        '<meta property="article:published_time" content="2021-03-04T10:15:00+02:00">',
        '<meta name="date" content="2021-03-04">',
    ).replace('<meta property="og:site_name" content="Example News">', "")
    p = tmp_path / "b.HTM"
    p.write_text(html, encoding="utf-8")
    (a,) = list(read_paths([p]))
    assert isinstance(a, Article)
    assert a.published == "2021-03-04"
    assert a.site == "example.com"  # no og:site_name: the URL's domain, lower-case, without www.


def test_page_without_article_text_is_one_error(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text("<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>")
    items = list(read_paths([p]))
    assert len(items) == 1 and isinstance(items[0], ReadError)
    assert items[0].origin == str(p)
