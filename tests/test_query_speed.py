"""The fast paths of ``Index.query`` and of relating a pair give what the plain definitions give.

Each test computes a result the straightforward way, as the code did before it was optimised, and compares
(scores by ``repr``, so that a float summed in another order would show).
"""

from __future__ import annotations

import random

import pytest

from storytrace.align import _MAX_SEED_POSTINGS, _SEED, _doc, _extend, _runs
from storytrace.relate import _dot


def _runs_reference(a, b) -> list[tuple[int, int, int]]:
    k = _SEED
    if len(a.keys) < k or len(b.keys) < k:
        return []
    index: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(b.keys) - k + 1):
        index.setdefault(tuple(b.keys[j : j + k]), []).append(j)
    runs = []
    reach: dict[int, int] = {}
    na, nb = len(a.keys), len(b.keys)
    for i in range(na - k + 1):
        js = index.get(tuple(a.keys[i : i + k]))
        if not js or len(js) > _MAX_SEED_POSTINGS:
            continue
        for j in js:
            d = i - j
            if reach.get(d, -1) > i:
                continue
            n = k
            while i + n < na and j + n < nb and a.keys[i + n] == b.keys[j + n]:
                n += 1
            runs.append((i, j, n))
            reach[d] = i + n
    return runs


def _edited(rng: random.Random, words: list[str]) -> list[str]:
    """A copy with words changed, dropped and inserted, and whole stretches repeated."""
    out = []
    for w in words:
        r = rng.random()
        if r < 0.03:
            continue
        if r < 0.06:
            out.append(rng.choice(words))
        elif r < 0.07:
            out.extend(words[: rng.randrange(1, 60)])
        out.append(w)
    return out


@pytest.mark.parametrize("seed", range(40))
def test_runs_equal_the_plain_seed_and_extend(seed: int) -> None:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(rng.choice([3, 8, 40, 400]))]  # few words: many repeated seeds
    words = [rng.choice(vocab) for _ in range(rng.randrange(0, 700))]
    a = " ".join(words) + "."
    b = " ".join(_edited(rng, words) if rng.random() < 0.8 else [rng.choice(vocab) for _ in words]) + "."
    da, db = _doc(a), _doc(b)
    assert _runs(da, db) == _runs_reference(da, db)
    assert _runs(db, da) == _runs_reference(db, da)


@pytest.mark.parametrize("seed", range(20))
def test_extend_finds_the_first_difference(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        n = rng.randrange(0, 300)
        ak = [rng.choice("ab") for _ in range(n)]
        bk = list(ak) if rng.random() < 0.5 else [rng.choice("ab") for _ in range(rng.randrange(0, 300))]
        if rng.random() < 0.7 and bk:
            bk[rng.randrange(len(bk))] = "c"
        i, j = rng.randrange(0, n + 1), rng.randrange(0, len(bk) + 1)
        t = 0
        while i + t < len(ak) and j + t < len(bk) and ak[i + t] == bk[j + t]:
            t += 1
        start = rng.randrange(0, t + 1)
        assert _extend(ak, bk, i, j, start) == t


def test_dot_equals_the_plain_sum_bit_for_bit() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        x = {f"t{rng.randrange(300)}": round(rng.random(), 5) for _ in range(rng.randrange(0, 200))}
        y = {f"t{rng.randrange(300)}": round(rng.random(), 5) for _ in range(rng.randrange(0, 200))}
        small, large = (y, x) if len(x) > len(y) else (x, y)
        plain = sum(v * large.get(k, 0.0) for k, v in small.items())
        got = _dot(x, y)
        assert repr(got) == repr(plain) and type(got) is type(plain)
