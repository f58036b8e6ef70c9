"""The seeds' .txt layout and read_text."""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace.errors import InputError
from storytrace.ingest import read_paths, read_text
from storytrace.model import Article, ReadError

SEEDS = Path(__file__).parents[1] / "data" / "seeds"
HEADLINE = "Russia's Putin meets Iran Supreme Leader's aide in Moscow"


def _seed(prefix: str) -> Article:
    (path,) = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    (item,) = list(read_paths([path]))
    assert isinstance(item, Article)
    return item


def test_seed_000_header_title_date_author():
    a = _seed("000")
    assert a.published == "2018-07-14"
    assert a.author == "Myra Stephens"
    assert a.title == HEADLINE
    assert a.origin.endswith("000_d334923fdb2bdcfa.txt")
    assert a.id.startswith("a") and len(a.id) == 17


def test_seed_000_repeated_headline_dropped_and_like_this_gone():
    a = _seed("000")
    assert a.text.startswith("Velayati was speaking at a forum in Moscow.")
    assert HEADLINE not in a.text
    assert "Like this" not in a.text
    assert a.text.endswith("held up his end of the 1974 agreement.")
    assert a.content.count(HEADLINE) == 1


def test_seed_001():
    a = _seed("001")
    assert a.published == "2018-07-13"
    assert a.author == "Leon Thompson"
    assert a.title == HEADLINE
    assert a.text.startswith("The United States pulled out of a multinational deal")
    assert not a.text.rstrip().endswith("Like this:")
    assert "\n\n\n" not in a.text


def test_seed_folder_is_read_in_sorted_order_and_skips_readme():
    items = list(read_paths([SEEDS]))
    assert [Path(a.origin).name[:3] for a in items] == ["000", "001"]
    assert all(isinstance(a, Article) for a in items)


def test_plain_text_has_no_title():
    a = read_text("Just a paragraph of news.\n\nAnother paragraph.")
    assert a.title == ""
    assert a.text == "Just a paragraph of news.\n\nAnother paragraph."
    assert a.published is None and a.author is None


def test_key_value_headers():
    text = (
        "Title: Floods in the valley\n"
        "URL: https://www.Example.org/a/1\n"
        "Author: Ann Lee\n"
        "Published: 2020-05-01 14:30:00+02:00\n"
        "\n"
        "Rivers burst their banks.\n"
    )
    a = read_text(text, origin="x.txt")
    assert a.title == "Floods in the valley"
    assert a.url == "https://www.Example.org/a/1"
    assert a.site == "example.org"
    assert a.author == "Ann Lee"
    assert a.published == "2020-05-01T12:30:00Z"
    assert a.text == "Rivers burst their banks."
    assert a.origin == "x.txt"


def test_site_header_wins_over_url_domain():
    a = read_text("Site: Daily Planet\nURL: https://planet.example/x\n\nHeadline\n\nBody.")
    assert a.site == "Daily Planet"
    assert a.title == "Headline"


def test_prose_that_looks_like_a_header_line_is_not_a_header():
    text = "Date: unknown, but the council met anyway\nand decided nothing.\n\nMore text."
    a = read_text(text)
    assert a.title == ""
    assert a.text.startswith("Date: unknown")


def test_meta_overrides_header():
    a = read_text("Published: 2018-07-14\nX | By A\n\nHead\n\nBody.", author="B", site="s.example")
    assert a.author == "B" and a.site == "s.example"


def test_unknown_meta_is_refused():
    with pytest.raises(TypeError):
        read_text("Body.", colour="red")


def test_empty_text_raises_input_error():
    with pytest.raises(InputError):
        read_text("  \n\n Like this:\n")


def test_crlf_blank_runs_and_trailing_spaces_cleaned_but_letters_untouched():
    a = read_text("Café  naïve ﬁ   \r\n\r\n\r\n\r\nSecond\u00a0line   \r\n")
    assert a.text == "Café  naïve ﬁ\n\nSecond\u00a0line"


def test_repeated_headline_compared_after_normalising():
    a = read_text("Published: 2018-07-14\n\nPutin meets aide\n\nPUTIN MEETS AIDE!\n\nThe body.")
    assert a.text == "The body."


def test_headline_only_article_is_kept():
    a = read_text("Published: 2018-07-14\n\nPutin meets aide\n\nPutin meets aide")
    assert a.title == "Putin meets aide"
    assert a.text == "Putin meets aide"


def test_unparseable_date_in_txt_file_keeps_article_and_warns(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Published: sometime soon\nNews | By X\n\nHead\n\nBody text.", encoding="utf-8")
    items = list(read_paths([p]))
    assert len(items) == 2
    article, warning = items
    assert isinstance(article, Article) and article.published is None and article.title == "Head"
    assert isinstance(warning, ReadError)
    assert warning.origin == str(p)
    assert "unparseable date 'sometime soon'" in warning.message
    assert read_text(p.read_text()).published is None
