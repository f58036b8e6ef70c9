"""Dates, ids, sites, boilerplate and per-site repeated lines."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from storytrace.errors import ConfigError
from storytrace.ingest import (
    make_id,
    normalise_date,
    remove_repeated_lines,
    site_from_url,
    strip_boilerplate,
)
from storytrace.model import Article


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Sat, July 14, 2018", "2018-07-14"),
        ("2018-07-14", "2018-07-14"),
        ("20180714", "2018-07-14"),
        ("2018-07-14T10:00:00+02:00", "2018-07-14T08:00:00Z"),
        ("2018-07-14 23:30", "2018-07-14T23:30:00Z"),
        ("Fri, 13 Jul 2018 22:15:00 EDT", "2018-07-14T02:15:00Z"),
        ("1531526400", "2018-07-14T00:00:00Z"),
        (1531526400000, "2018-07-14T00:00:00Z"),
        (dt.date(2018, 7, 14), "2018-07-14"),
        (dt.datetime(2018, 7, 14, 1, 2, 3), "2018-07-14T01:02:03Z"),
        (None, None),
        ("  ", None),
        (float("nan"), None),
    ],
)
def test_normalise_date(raw, expected):
    assert normalise_date(raw) == expected


@pytest.mark.parametrize("raw", ["sometime soon", "July 2018", "14 July", "5", "2018-13-45", True])
def test_normalise_date_refuses_incomplete_or_garbage(raw):
    with pytest.raises(ValueError):
        normalise_date(raw)


def test_site_from_url():
    assert site_from_url("https://WWW.Example.COM:8080/a?b") == "example.com"
    assert site_from_url("news.example.org/path") == "news.example.org"
    assert site_from_url("") is None and site_from_url(None) is None


def test_make_id_depends_on_each_field():
    base = Article(text="t", title="h", url="u", site="s", author="a", published="2020-01-01")
    ids = {make_id(base)}
    for field in ("text", "title", "url", "site", "author", "published"):
        ids.add(make_id(dataclasses.replace(base, **{field: "other"})))
    assert len(ids) == 7
    assert make_id(dataclasses.replace(base, origin="elsewhere", id="zzz")) == make_id(base)
    # the separator keeps field boundaries: moving text between fields changes the id
    assert make_id(Article(text="bc", title="a")) != make_id(Article(text="c", title="ab"))


def test_strip_boilerplate_only_whole_short_lines():
    text = (
        "Real paragraph. Share this: with friends, he said.\n\n"
        "Share this:\nClick to share on Twitter (Opens in new window)\nLike this:\nLike Loading...\n\n"
        "Related\n\nAdvertisement\n\nFollow us on Facebook\n\n"
        "We use cookies to improve your experience.\n\nSubscribe to our newsletter for daily updates\n\n"
        "Related coverage of the summit continues tomorrow, officials said.\n\nLast line."
    )
    assert strip_boilerplate(text) == (
        "Real paragraph. Share this: with friends, he said.\n\n"
        "Related coverage of the summit continues tomorrow, officials said.\n\nLast line."
    )


def test_a_share_bar_flattened_into_one_line_is_boilerplate_but_news_of_facebook_is_not():
    text = ("Facebook shares fell 5% on Monday.\n\nShare this: Facebook Twitter\n\n"
            "Share: Facebook | Twitter | Email\n\nShare this story about Facebook and its fines.")
    assert strip_boilerplate(text) == ("Facebook shares fell 5% on Monday.\n\n"
                                       "Share this story about Facebook and its fines.")


def _site_articles(site: str, n: int, footer: str) -> list[Article]:
    return [
        Article(id=f"{site}{i}", site=site, text=f"Home | World | Sport\n\nStory {i} about topic {i}.\n\n{footer}")
        for i in range(n)
    ]


def test_remove_repeated_lines_per_site():
    a = _site_articles("a.example", 4, "(c) A Corp")
    b = _site_articles("b.example", 2, "(c) B Corp")  # too few articles to judge
    lone = Article(id="n", text="Home | World | Sport\n\nNo site.")
    out = remove_repeated_lines(a + b + [lone])
    assert [x.id for x in out] == [x.id for x in a + b + [lone]]
    assert [x.text for x in out[:4]] == [f"Story {i} about topic {i}." for i in range(4)]
    assert out[4:] == b + [lone]
    assert a[0].text.startswith("Home")  # inputs untouched (pure)


def test_remove_repeated_lines_share_threshold_and_identical_texts():
    arts = [Article(id=str(i), site="s", text=f"Story {i}.\n\nTagline") for i in range(3)]
    arts += [Article(id=str(i), site="s", text=f"Other {i}.") for i in range(3, 10)]
    assert remove_repeated_lines(arts) == arts  # 3 of 10 < 50 %
    assert remove_repeated_lines(arts, min_share=0.3)[0].text == "Story 0."
    # one story reprinted many times on the same site does not erase itself
    copies = [Article(id=str(i), site="s", text="Same story.\n\nSame line.") for i in range(5)]
    assert remove_repeated_lines(copies) == copies


def test_remove_repeated_lines_never_empties_an_article():
    arts = [Article(id=str(i), site="s", text="Nav\n\nFooter") for i in range(2)]
    arts.append(Article(id="x", site="s", text="Nav\n\nStory.\n\nFooter"))
    arts.append(Article(id="y", site="s", text="Nav\n\nOther.\n\nFooter"))
    out = remove_repeated_lines(arts)
    assert out[0].text == "Nav\n\nFooter"
    assert out[2].text == "Story." and out[3].text == "Other."


def test_remove_repeated_lines_validates():
    with pytest.raises(ConfigError):
        remove_repeated_lines([], min_articles=1)
    with pytest.raises(ConfigError):
        remove_repeated_lines([], min_share=0)


@pytest.mark.parametrize("raw", [0, "0000000000", "1970-01-01", "1970-01-01T00:00:00Z", "1969-12-31T19:00:00-05:00"])
def test_the_unix_epoch_is_read_as_no_date_with_a_warning(raw):
    from storytrace.ingest.dates import is_placeholder_date
    from storytrace.ingest.records import build_article
    from storytrace.model import ReadError

    assert is_placeholder_date(normalise_date(raw))
    items = build_article({"text": "Body text of a report.", "published": raw}, "feed.jsonl:3")
    article = next(x for x in items if isinstance(x, Article))
    warning = next(x for x in items if isinstance(x, ReadError))
    assert article.published is None
    assert warning.origin == "feed.jsonl:3" and "placeholder date" in warning.message


@pytest.mark.parametrize("raw", ["1970-01-02", "1970-01-01T00:00:01Z", "2018-07-14"])
def test_real_dates_near_the_epoch_are_kept(raw):
    from storytrace.ingest.records import build_article

    article = next(x for x in build_article({"text": "Body.", "published": raw}, "f") if isinstance(x, Article))
    assert article.published == normalise_date(raw)
