"""Index.add's input: Article values and dicts, each bad one named and left out, dates put in UTC."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from storytrace import Article, Index
from storytrace.ingest.objects import read_objects
from storytrace.model import ReadError

TEXT = "Officials say the minister survived an attack in Damascus on Monday, and two guards were hurt."


@pytest.mark.parametrize("items", [Article(text=TEXT), {"text": TEXT}, TEXT, b"x", 5])
def test_add_refuses_one_article_or_a_text_where_a_list_is_due(items) -> None:
    with Index(":memory:") as index, pytest.raises(TypeError, match="add"):
        index.add(items)


def test_each_bad_item_is_named_and_the_rest_are_added() -> None:
    items = [Article(text=TEXT, id="good"), "a text", Article(text=None, id="none"),  # type: ignore[arg-type]
             Article(text="   ", id="blank"), {"title": "no text"}, Article(text=TEXT + " Later.", id=[1])]  # type: ignore[arg-type]
    with Index(":memory:") as index:
        report = index.add(items)
        assert index.count() == 1 and report.read == 1 and report.skipped == 5
    assert report.errors == ["item 2: expected an Article or a dict, found str; for a text pass Article(text=...)",
                             "item 3 (id 'none'): text is not a string (NoneType)",
                             "item 4 (id 'blank'): no text", "item 5: no text",
                             "item 6 (id [1]): id is not a string (list)"]


def test_a_dict_is_read_as_a_json_lines_record_is() -> None:
    (article,) = read_objects([{"headline": "Minister survives", "body": TEXT + "\n\nShare this: Facebook Twitter",
                                "date": "2020-03-01", "id": 7}])
    assert (article.id, article.title, article.published) == ("7", "Minister survives", "2020-03-01")
    assert "Share this" not in article.text  # boilerplate, as a scan strips it


def test_dates_are_put_in_utc_and_a_bad_one_is_dropped_with_a_warning() -> None:
    tokyo = timezone(timedelta(hours=9))
    items = [Article(text=TEXT, id="a", published="2020-03-01T08:00:00+09:00"),
             Article(text=TEXT, id="b", published=datetime(2020, 3, 1, 8, tzinfo=tokyo)),  # type: ignore[arg-type]
             Article(text=TEXT, id="c", published=date(2020, 1, 2)),  # type: ignore[arg-type]
             Article(text=TEXT, id="d", published="yesterday"),
             Article(text=TEXT, id="e", published="1970-01-01T00:00:00Z")]
    out = list(read_objects(items))
    articles = {a.id: a.published for a in out if isinstance(a, Article)}
    assert articles == {"a": "2020-02-29T23:00:00Z", "b": "2020-02-29T23:00:00Z", "c": "2020-01-02",
                        "d": None, "e": None}
    warnings = [str(e) for e in out if isinstance(e, ReadError)]
    assert warnings == ["item 4 (id 'd'): unparseable date 'yesterday' (kept without a date)",
                        "item 5 (id 'e'): placeholder date '1970-01-01T00:00:00Z': the Unix epoch, which stands "
                        "for no date (kept without a date)"]
    assert not any(e.drops_article for e in out if isinstance(e, ReadError))


def test_a_missing_id_hashes_the_article_as_given() -> None:
    from storytrace.ingest import make_id

    given = Article(text=TEXT, published="2020-03-01T08:00:00+09:00")
    (article,) = read_objects([given])
    assert article.id == make_id(given) and article.published.endswith("Z")
    with Index(":memory:") as index:
        index.add([given])
        assert index.article(make_id(given)).published == "2020-02-29T23:00:00Z"


def test_a_headline_alone_is_an_article() -> None:
    # a feed of headlines (and ECB+'s title-only documents) gives articles with no body
    (article,) = read_objects([Article(id="h", title="Storm topples the harbour cranes of Genoa", text="")])
    assert isinstance(article, Article) and article.content.strip() == "Storm topples the harbour cranes of Genoa"


def test_a_missing_title_is_no_headline_and_a_number_date_of_eight_digits_is_a_day() -> None:
    (article,) = read_objects([Article(id="n", text=TEXT, title=None, published=20200301)])  # type: ignore[arg-type]
    assert (article.title, article.published) == ("", "2020-03-01")
    (epoch,) = read_objects([Article(id="e", text=TEXT, published=1583020800)])  # type: ignore[arg-type]
    assert epoch.published == "2020-03-01T00:00:00Z"
