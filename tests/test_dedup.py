"""storytrace.dedup: which article stands for each group of copies."""

from __future__ import annotations

import pytest

from storytrace import ConfigError
from storytrace.dedup import LEVELS, copy_kinds, duplicate_map


def test_a_reprint_of_a_reprint_folds_into_the_earliest() -> None:
    members = [("c", "2020-01-03", 0), ("b", "2020-01-02", 1), ("a", "2020-01-01", 2)]
    assert duplicate_map([("c", "b"), ("b", "a")], members) == {"b": "a", "c": "a"}


def test_separate_groups_stay_separate_and_loners_are_absent() -> None:
    members = [("a", "2020-01-01", 0), ("b", "2020-01-02", 1), ("x", "2021-05-01", 2), ("y", "2021-04-01", 3),
               ("alone", "2019-01-01", 4)]
    assert duplicate_map([("a", "b"), ("x", "y")], members) == {"b": "a", "x": "y"}


def test_undated_members_are_kept_only_when_no_member_has_a_date() -> None:
    assert duplicate_map([("u", "d")], [("u", None, 0), ("d", "2022-02-02", 1)]) == {"u": "d"}
    assert duplicate_map([("u", "v")], [("u", None, 5), ("v", None, 3)]) == {"u": "v"}


def test_equal_dates_keep_the_first_scanned() -> None:
    members = [("zzz", "2020-01-01T10:00:00Z", 1), ("aaa", "2020-01-01T10:00:00Z", 2)]
    assert duplicate_map([("aaa", "zzz")], members) == {"aaa": "zzz"}


def test_levels() -> None:
    assert copy_kinds("exact") == ("exact",)
    assert set(copy_kinds("near")) == {"exact", "near"}
    assert "partial" not in {k for kinds in LEVELS.values() for k in kinds}
    with pytest.raises(ConfigError, match="exact, near.*'partial'"):
        copy_kinds("partial")


def test_an_article_shown_to_be_a_copy_is_kept_only_when_the_whole_group_is() -> None:
    members = [("farm", "2020-01-01", 0), ("wire", "2020-02-01", 1), ("blog", "2020-03-01", 2)]
    assert duplicate_map([("farm", "wire"), ("blog", "wire")], members, copies={"farm"}) == {"farm": "wire",
                                                                                           "blog": "wire"}
    assert duplicate_map([("farm", "wire")], members[:2], copies={"farm", "wire"}) == {"wire": "farm"}
