"""storytrace.provenance: a copy pair's own texts, when they say who copied whom."""

from __future__ import annotations

from storytrace.provenance import copier_side, copier_tricks, shown_copies


def test_only_copier_tricks_on_one_side_alone_orient_a_pair() -> None:
    assert copier_side(("lookalike_letters",), ()) == "a"
    assert copier_side((), ("dropped_words", "swapped_words")) == "b"
    # an honest edit leaves these too: no direction
    assert copier_side(("swapped_words", "changed_figures"), ()) is None
    # tricks on both sides, on neither, or a side nobody looked at: no direction
    assert copier_side(("lookalike_letters",), ("missing_spaces",)) is None
    assert copier_side((), ()) is None
    assert copier_side(("lookalike_letters",), None) is None
    assert copier_tricks(None) is None
    assert copier_tricks(("swapped_words", "hidden_characters")) == ("hidden_characters",)


def test_shown_copies_collects_the_copy_side_of_every_oriented_pair() -> None:
    pairs = [("farm", "wire", ("lookalike_letters",), ()), ("wire", "mill", (), ("missing_spaces",)),
             ("x", "y", ("swapped_words",), ()), ("p", "q", None, ("dropped_words",))]
    assert shown_copies(pairs) == {"farm", "mill"}
