"""How much a word says about a story: inverse frequency in general English.

Word weights come from wordfreq's bundled frequency lists rather than from the corpus being scanned.
That keeps a comparison of two articles the same whether they sit in an index of ten articles or ten
million, makes incremental scans and the Ray engine give identical results whatever the batch order,
and still lets rare names ("Velayati") outweigh common words ("said").
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency

__all__ = ["idf"]

_MAX_ZIPF = 8.0


@lru_cache(maxsize=500_000)
def idf(folded_word: str) -> float:
    """-log10 of the word's frequency per billion words, shifted to [0, ~9]; unknown words weigh most."""
    if folded_word.isdigit():
        return 4.0 if len(folded_word) >= 3 else 2.0
    z = zipf_frequency(folded_word, "en")
    return max(0.3, 9.0 - min(z, _MAX_ZIPF)) if z > 0 else 9.0
