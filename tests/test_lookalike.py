"""Reading look-alike letters: into Latin for a disguised Latin word, into its own script otherwise."""

from __future__ import annotations

import pytest

from storytrace.lookalike import confusable_table, read_letters


@pytest.mark.parametrize(("word", "read"), [
    ("R\u043eme", "Rome"),                 # Cyrillic о in a Latin word: Latin
    ("M\u043e\u0441\u043a\u0432a", "москва"),  # Latin M and a in a Russian word (в is Russian only): Russian, put small
    ("МОСКВА", "МОСКВА"),                  # capitals of look-alikes, small letters Russian: kept
    ("\u0421\u0410\u0420", "CAP"),         # all look-alikes, commoner in English: Latin
    ("২০০৪", "2004"),                      # digits by value
])
def test_a_word_is_read_in_the_script_it_is_written_in(word: str, read: str) -> None:
    assert read_letters(word) == read  # case is left to fold (Latin letters read into a script come small)


def test_the_table_reads_digits_by_value_and_letters_by_shape() -> None:
    table = confusable_table()
    assert table[ord("০")] == "0" and table[ord("٣")] == "3"  # Unicode's own data reads ০ as the letter O
    assert table[ord("\u043e")] == "o" and table[ord("ᴀ")] == "a"  # Cyrillic о; a small capital
