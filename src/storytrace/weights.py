"""How much a word says about a story: inverse frequency in general English, or in the language of a text
that storytrace.language identifies as another.

Word weights come from wordfreq's bundled frequency lists rather than from the corpus being scanned.
That keeps a comparison of two articles the same whether they sit in an index of ten articles or ten
million, makes incremental scans and the Ray engine give identical results whatever the batch order,
and still lets rare names ("Velayati") outweigh common words ("said"). A Chinese or Japanese character
(the tokenizer's word there) is weighed by its frequency in wordfreq's Chinese and Japanese lists.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache

from wordfreq import freq_to_zipf, get_frequency_dict, zipf_frequency, zipf_to_freq

from .language import ENGLISH, LATIN_STEMMERS, apostrophe_word
from .normalize import fold, is_cjk

__all__ = ["UNKNOWN_WEIGHT", "idf", "idfs"]

_MAX_ZIPF = 8.0
# zipf_frequency's default floor (Zipf 0), as the frequency it passes on to word_frequency.
_MIN_FREQ = zipf_to_freq(0.0)


def _zipf_plain_word(word: str) -> float:
    """``zipf_frequency(word, "en")`` for a word of lowercase ASCII letters, without wordfreq's tokenizer.

    Hand-written because the tokenizer (a large regex, for any language and script) was most of the cost of
    a new word, and such a word is always one token of itself; the arithmetic below is wordfreq 3.1's own,
    step for step, so that the rounding is the same (a test compares it over wordfreq's whole English list).
    """
    freq = get_frequency_dict("en", "best").get(word)
    if freq is None:
        return round(freq_to_zipf(_MIN_FREQ), 2)
    freq = 1.0 / (0.0 + 1.0 / freq)
    unrounded = max(freq, _MIN_FREQ)
    return round(freq_to_zipf(round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)), 2)


@lru_cache(maxsize=1)
def _plain_words_agree() -> bool:
    """Whether the shortcut gives wordfreq's own numbers in the installed wordfreq (checked once, on common,
    rare and unknown words): a wordfreq whose arithmetic differs gets its own function, never other weights."""
    words = ("the", "said", "minister", "earthquake", "velayati", "zzyzx", "qqqqqq")
    return all(_zipf_plain_word(w) == zipf_frequency(w, "en") for w in words)


_IDFS: dict[str, float] = {}
_IDFS_SIZE = 500_000
_IDFS_IN: dict[str, dict[str, float]] = {ENGLISH: _IDFS}  # one per text language (storytrace.language)


@lru_cache(maxsize=1)
def _cjk_zipfs() -> dict[str, float]:
    """Zipf frequency of each Han or kana character in running text, the higher of wordfreq's Chinese and
    Japanese lists.

    The tokenizer splits CJK text into characters, which have no English frequency, and wordfreq lists
    words: a character's frequency is the summed frequency of the words it is written in (斯 is rare alone
    but common in 俄罗斯), so a character inside common words weighs little, as a common word does.
    """
    out: dict[str, float] = {}
    for lang in ("zh", "ja"):
        counts: dict[str, float] = {}
        for word, freq in get_frequency_dict(lang, "best").items():
            for char in word:
                if is_cjk(char):
                    counts[char] = counts.get(char, 0.0) + freq
        for char, freq in counts.items():
            key = fold(char)
            out[key] = max(out.get(key, 0.0), freq_to_zipf(freq))
    return out


def _idf(folded_word: str) -> float:
    if folded_word.isdigit():
        return 4.0 if len(folded_word) >= 3 else 2.0
    if folded_word.isascii() and folded_word.isalpha() and folded_word.islower() and _plain_words_agree():
        z = _zipf_plain_word(folded_word)
    elif len(folded_word) == 1 and is_cjk(folded_word):
        z = _cjk_zipfs().get(folded_word, 0.0)
    else:
        z = zipf_frequency(folded_word, "en")
    return _weight(z)


#: The weight of a word no list knows (and the most any word weighs): 9 less a zipf frequency of 0.
UNKNOWN_WEIGHT = 9.0


def _weight(zipf: float) -> float:
    return max(0.3, UNKNOWN_WEIGHT - min(zipf, _MAX_ZIPF)) if zipf > 0 else UNKNOWN_WEIGHT


_LISTS_LOCK = threading.Lock()


@lru_cache(maxsize=len(LATIN_STEMMERS))
def _folded_zipfs(language: str) -> dict[str, float]:
    """Zipf frequency of each folded word in wordfreq's list of ``language`` (storytrace.language's code).

    Keyed by the folded form, since that is what is weighed: "armée" and "armee" are one word there, and the
    forms that fold together ("a" and "à", Turkish "ı" and "i") add up. Folded by fold's own steps, without
    its cache, which the list's half a million words would flush. Built under a lock, once per process and
    language: German's, the largest, takes 1.5 s and raises peak memory by about 200 MB (French's 0.7 s and
    100 MB, Turkish's 0.3 s and 17 MB)."""
    with _LISTS_LOCK:
        out: dict[str, float] = {}
        for word, freq in get_frequency_dict(LATIN_STEMMERS[language][0], "best").items():
            key = word if word.isascii() else fold.__wrapped__(word)
            out[key] = out.get(key, 0.0) + freq
        return {k: freq_to_zipf(f) for k, f in out.items()}


def _idf_in(folded_word: str, language: str) -> float:
    if folded_word.isdigit() or (len(folded_word) == 1 and is_cjk(folded_word)):
        return _idf(folded_word)
    if "'" in folded_word:  # weighed as the part normalize.word_key keys ("qu'il" as "il")
        folded_word = apostrophe_word(folded_word, language)
    return _weight(_folded_zipfs(language).get(folded_word, 0.0))


def idf(folded_word: str, language: str = ENGLISH) -> float:
    """-log10 of the word's frequency per billion words, shifted to [0, ~9]; unknown words weigh most.
    ``language``: the text's (storytrace.language), whose frequency list weighs it.

    Remembered in a plain dict, emptied when full: a hit in a bounded LRU cache (which relinks its entry
    on every hit) cost more than the weighting it serves, for each term of each vector."""
    cache = _IDFS_IN.get(language) or _IDFS_IN.setdefault(language, {})
    v = cache.get(folded_word)
    if v is None:
        if len(cache) >= _IDFS_SIZE:
            cache.clear()
        v = cache[folded_word] = _idf(folded_word) if language == ENGLISH else _idf_in(folded_word, language)
    return v


def idfs(folded_words: list[str], language: str = ENGLISH) -> list[float]:
    """``[idf(w, language) for w in folded_words]``, with no Python call per word once every word has been
    seen."""
    cache = _IDFS_IN.get(language) or _IDFS_IN.setdefault(language, {})
    try:
        # Indexing raises on the first new word; testing the results for None compared every one of them.
        return list(map(cache.__getitem__, folded_words))
    except KeyError:
        return [idf(w, language) for w in folded_words]
