"""The scan's fast paths give what the plain definitions give (same dates, same keys, same stories).

Each test computes a result the straightforward way, as the code did before it was optimised, and compares.
"""

from __future__ import annotations

import random
import unicodedata

import pytest

from storytrace.ingest import dates
from storytrace.ingest.cleanup import comparable


def _dateutil_only(value: str) -> str:
    """normalise_date with the ISO fast path switched off ("ERR" for a refused value)."""
    saved = dates._from_iso
    dates._from_iso = lambda text: None
    try:
        return dates.normalise_date(value) or ""
    except ValueError:
        return "ERR"
    finally:
        dates._from_iso = saved


def _normalised(value: str) -> str:
    try:
        return dates.normalise_date(value) or ""
    except ValueError:
        return "ERR"


DATES = [
    "2020-03-11", "2020-02-29", "2019-02-29", "1799-12-31", "1800-01-01", "2200-12-31T23:59:59Z", "2201-01-01",
    "2020-03-11T00:00:00", "2020-03-11T23:59:60Z", "2020-03-11T24:00:00", "2020-03-11 10:00:00+05:30",
    "2020-03-11T10:00:00-00:00", "2020-03-11T10:00:00+23:59", "2020-03-11T10:00:00+24:00",
    "1800-01-01T00:30:00+01:00", "2200-12-31T23:30:00-01:00", "0000-01-01", "2020-00-10", "2020-10-00",
    "2020-03-11T10:00:00+99:99", "2020-03-11T10:00:00.5Z", "2020-03-11t10:00:00", "Sat, July 14, 2018",
]


def test_iso_fast_path_equals_dateutil_and_is_taken() -> None:
    rng = random.Random(1)
    values = list(DATES)
    for _ in range(3000):
        s = f"{rng.randint(1790, 2210):04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}"
        if rng.random() < 0.7:
            s += rng.choice("T ") + f"{rng.randint(0, 25):02d}:{rng.randint(0, 61):02d}:{rng.randint(0, 61):02d}"
            r = rng.random()
            if r < 0.3:
                s += "Z"
            elif r < 0.6:
                s += rng.choice("+-") + f"{rng.randint(0, 25):02d}:{rng.randint(0, 61):02d}"
        values.append(s)
    assert [_normalised(v) for v in values] == [_dateutil_only(v) for v in values]
    # The fast path really answers the common forms (else this test would compare dateutil with itself).
    assert dates._from_iso("2020-03-11T10:00:00Z") == "2020-03-11T10:00:00Z"
    assert dates._from_iso("2020-03-11T10:00:00+02:00") == "2020-03-11T08:00:00Z"
    assert dates._from_iso("2020-03-11") == "2020-03-11"
    assert dates._from_iso("2020-02-30") is None


def _comparable_plain(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


@pytest.mark.parametrize("seed", range(5))
def test_comparable_ascii_path_equals_the_unicode_definition(seed: int) -> None:
    rng = random.Random(seed)
    texts = ["".join(chr(rng.randint(0, 127)) for _ in range(rng.randint(0, 60))) for _ in range(2000)]
    texts += ["".join(map(chr, range(128))), "Straße ﬁnal Ｆｕｌｌ", "Héllo, Wörld!"]
    assert [comparable(t) for t in texts] == [_comparable_plain(t) for t in texts]


def test_c_stemmer_gives_the_pure_python_stems() -> None:
    """PyStemmer (a dependency, used by snowballstemmer when installed) must stem as the pure-Python build."""
    stemmer_c = pytest.importorskip("Stemmer").Stemmer("english")
    from snowballstemmer.english_stemmer import EnglishStemmer

    from storytrace.normalize import _stemmer

    pure = EnglishStemmer()
    import wordfreq

    words = wordfreq.top_n_list("en", 50_000) + ["generously", "skies", "dying", "news", "nationalization", "'s"]
    assert [stemmer_c.stemWord(w) for w in words] == [pure.stemWord(w) for w in words]
    assert type(_stemmer()).__module__ == "Stemmer"
