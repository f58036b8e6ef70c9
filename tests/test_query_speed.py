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


@pytest.mark.parametrize("seed", range(40))
def test_runs_of_a_text_with_itself_equal_the_plain_seed_and_extend(seed: int) -> None:
    """The path for two texts with the same keys (a query meeting its own copy): repeated seeds, seeds too
    common to use (the first usable one late in the text), none usable at all, short and empty texts."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(rng.choice([1, 2, 3, 8, 40, 400]))]
    n = rng.choice([0, 3, 4, 5, 60, 700])
    words = [rng.choice(vocab) for _ in range(n)]
    if seed % 5 == 0:  # a common seed many times over before anything else
        words = ["x", "x", "x", "x"] * rng.randrange(40, 70) + words
    a = " ".join(words) + "."
    twin = " " + a.replace(" ", "  ")  # another text, same keys: another _Doc
    da, dt = _doc(a), _doc(twin)
    assert da is not dt and da.keys == dt.keys
    assert _runs(da, da) == _runs_reference(da, da)
    assert _runs(da, dt) == _runs_reference(da, dt)


@pytest.mark.parametrize("text", ["", "Ünïcode café — naïve Zürich straße. Ünïcode café — naïve Zürich straße!",
                                  "One two three four five.\n\nOne two three four five. Six seven eight nine ten."])
def test_runs_of_a_short_or_unicode_text_with_itself(text: str) -> None:
    d = _doc(text)
    assert _runs(d, d) == _runs_reference(d, d)


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


# --- the store's read side ---------------------------------------------------------------------------

from storytrace import Article  # noqa: E402
from storytrace.store import open_store  # noqa: E402
from storytrace.store.sqlite import _loads  # noqa: E402


def _rows(ids: list[str], terms: list[list[int]]) -> list[tuple]:
    return [(Article(text=f"text of {i}", id=i), {"exact": k, "n_words": 3, "body": {"x": 0.5}, "entities": {},
             "title": {}, "block": []}, [], [], list(t), None) for k, (i, t) in enumerate(zip(ids, terms))]


def test_kept_term_postings_follow_another_connections_writes(tmp_path) -> None:
    path = tmp_path / "x.db"
    writer = open_store(path)
    writer.insert_articles(_rows(["a", "b", "c"], [[1, 2], [1, 2, 3], [3]]))
    reader = open_store(path, readonly=True)
    assert reader.candidates([], [], [1, 2, 3], 10, min_terms=2)["terms"] == {1: 2, 2: 3}
    assert reader._postings  # the keys' postings are kept ...
    writer.insert_articles(_rows(["d"], [[2, 3]]))
    # ... and not trusted once the file has changed: the new article is found
    assert reader.candidates([], [], [1, 2, 3], 10, min_terms=2)["terms"] == {1: 2, 2: 3, 4: 2}
    assert reader.candidates([], [], [1, 2, 3], 2, min_terms=1)["terms"] == {1: 1, 2: 1}  # 2 and 3: too common
    reader.close()
    writer.close()


def test_kept_term_postings_follow_writes_through_the_same_connection(tmp_path) -> None:
    store = open_store(tmp_path / "x.db")
    store.insert_articles(_rows(["a", "b"], [[1, 2], [1]]))
    assert store.candidates([], [], [1, 2], 10, min_terms=2)["terms"] == {1: 2}
    store.insert_articles(_rows(["c"], [[1, 2]]))
    assert store.candidates([], [], [1, 2], 10, min_terms=2)["terms"] == {1: 2, 3: 2}
    store.close()


def test_articles_with_story_equal_load_and_article_story(tmp_path) -> None:
    store = open_store(tmp_path / "x.db")
    numbers = store.insert_articles(_rows(["a", "b", "c"], [[], [], []]))
    store.db.execute("UPDATE articles SET story = 's1' WHERE id = 'b'")
    got = store.articles_with_story([numbers[2], numbers[1], 999])
    loaded = store.load(numbers)
    assert got == {n: (loaded[n][1], store.article_story(loaded[n][1].id)) for n in numbers[1:]}
    assert got[numbers[1]][1] == "s1" and got[numbers[2]][1] is None
    store.close()


def test_loads_reads_what_only_json_accepts() -> None:
    assert _loads('{"body": {"a": 0.25, "b": 1e-05}, "exact": -9223372036854775808}') == \
        {"body": {"a": 0.25, "b": 1e-05}, "exact": -9223372036854775808}
    assert list(_loads('{"z": 1, "a": 2}')) == ["z", "a"]
    nan = _loads('{"w": NaN, "big": 123456789012345678901234567890}')  # json.dumps may write these
    assert nan["w"] != nan["w"] and nan["big"] == 123456789012345678901234567890


# --- the index's vector cache ------------------------------------------------------------------------


def test_caching_many_vectors_equals_caching_them_one_by_one() -> None:
    from storytrace import Index

    rng = random.Random(3)
    words = [f"t{i}" for i in range(50)]
    items = [(n, rng.randrange(100), *({w: round(rng.random(), 5) for w in rng.sample(words, rng.randrange(0, 12))}
                                        for _ in range(3))) for n in range(40)]
    one, many = Index(":memory:"), Index(":memory:")
    rows = [one._cache_many([it])[it[0]] for it in items]
    batch = many._cache_many(items)
    assert one._vocab == many._vocab
    names = {i: w for w, i in many._vocab.items()}
    for it, row in zip(items, rows):
        got = batch[it[0]]
        assert got[3] == row[3] == it[1]
        for k in range(3):
            assert got[k][0].dtype == row[k][0].dtype
            assert got[k][0].tolist() == row[k][0].tolist() and got[k][1].tolist() == row[k][1].tolist()
            assert [names[i] for i in got[k][0].tolist()] == list(it[2 + k])
            assert got[k][1].tolist() == list(it[2 + k].values())
    one.close()
    many.close()


def test_query_matches_carry_their_story_and_do_not_depend_on_what_is_cached(tmp_path, monkeypatch) -> None:
    import storytrace.index
    from storytrace import Index

    monkeypatch.setattr(storytrace.index, "_QUERY_PREFILTER_MIN", 1)  # a small index: prefilter every query
    from storytrace.engine import LocalEngine
    from storytrace.synth import generate, load_sources

    corpus = [item.article for item in generate(load_sources(), n_articles=150, seed=11, max_words=400)]
    with Index(tmp_path / "x.db", engine=LocalEngine(1)) as index:
        index.add(corpus)
    queries = [a.content for a in corpus[::9]]
    with Index(tmp_path / "x.db", readonly=True) as reader:
        cold = [reader.query(q, limit=1000) for q in queries]
        assert reader._vec_cache and reader.store._postings
        warm = [reader.query(q, limit=1000) for q in reversed(queries)][::-1]
        assert sum(map(len, cold)) > len(queries)
        for ms in cold:
            for m in ms:
                assert m.story_id == reader.article_story(m.article.id)
    with Index(tmp_path / "x.db", readonly=True) as fresh:  # nothing cached
        one_by_one = []
        for q in queries:
            fresh._vec_cache.clear()
            fresh.store._postings.clear()
            one_by_one.append(fresh.query(q, limit=1000))

    def key(ms):
        return [(m.article.id, m.story_id, m.relation.copy, m.relation.story, repr(m.relation.scores)) for m in ms]

    assert list(map(key, cold)) == list(map(key, warm)) == list(map(key, one_by_one))


def test_serving_process_makes_garbage_collection_rare() -> None:
    import subprocess
    import sys

    code = ("import gc; from storytrace.server.app import GC_THRESHOLDS, tune_gc; before = gc.get_threshold(); "
            "tune_gc(); assert gc.get_threshold() == GC_THRESHOLDS != before, gc.get_threshold(); "
            "assert gc.get_freeze_count() > 1000")
    subprocess.run([sys.executable, "-c", code], check=True)  # a process of its own: GC settings are global


def _candidates_reference(sa, sb, min_dice):
    postings: dict[str, list[int]] = {}
    for j, s in enumerate(sb):
        for k in s.weights:
            postings.setdefault(k, []).append(j)
    scored = []
    for i, s in enumerate(sa):
        if not s.keys:
            continue
        shared: dict[int, float] = {}
        for k, w in s.weights.items():
            for j in postings.get(k, ()):
                shared[j] = shared.get(j, 0.0) + w + sb[j].weights[k]
        for j, w in shared.items():
            dice = w / (s.total + sb[j].total)
            t = sb[j]
            # two sentences that each name something the other does not: lowered by 0.7 (align._NAME_CONTRAST)
            if s.names and t.names and not s.names <= t.weights.keys() and not t.names <= s.weights.keys():
                dice *= 0.7
            if dice >= min_dice:
                scored.append((dice, i, j, ""))
    return scored


@pytest.mark.parametrize("seed", range(20))
def test_paraphrase_candidates_equal_the_plain_computation(seed: int) -> None:
    from storytrace.align import _candidates, sentences_of

    rng = random.Random(seed)
    words = "Dhaka flood river rescue boats villages council said police minister 2024 roads".split()

    def text() -> str:
        return " ".join(" ".join(rng.choice(words) for _ in range(rng.randrange(1, 12))) + "."
                        for _ in range(rng.randrange(0, 30)))

    sa, sb = sentences_of(text()), sentences_of(text())
    for min_dice in (0.0, 0.45, 0.9):
        got = _candidates(sa, sb, min_dice)
        assert repr(got) == repr(_candidates_reference(sa, sb, min_dice))


# --- alignment's later steps (fast paths: sentence cuts bisected, free runs marked by slices) -----------

def _split_reference(runs, a, b):
    out = []
    for i, j, n in runs:
        t0 = 0
        for t in range(1, n + 1):
            if t == n or a.sentence[i + t] != a.sentence[i + t - 1] or b.sentence[j + t] != b.sentence[j + t - 1]:
                if t - t0 >= _SEED:
                    out.append((i + t0, j + t0, t - t0))
                t0 = t
    return out


def _one_to_one_reference(runs, na, nb):
    free_a, free_b = [True] * na, [True] * nb
    kept = []
    for i, j, n in sorted(runs, key=lambda r: (-r[2], r[0], r[1])):
        t = 0
        while t < n:
            if not (free_a[i + t] and free_b[j + t]):
                t += 1
                continue
            u = t
            while u < n and free_a[i + u] and free_b[j + u]:
                u += 1
            if u - t >= _SEED:
                kept.append((i + t, j + t, u - t))
                for x in range(t, u):
                    free_a[i + x] = False
                    free_b[j + x] = False
            t = u
    return sorted(kept)


def _sentenced(rng: random.Random, words: list[str]) -> str:
    """Words with sentence ends (and paragraph breaks, unicode, a glued "May.He") sprinkled in."""
    out = []
    for w in words:
        out.append(w)
        r = rng.random()
        if r < 0.12:
            out.append(rng.choice([".", "!", ".\n\n", ". «Ünïcode»", " May.He", "?"]))
    return " ".join(out)


@pytest.mark.parametrize("seed", range(60))
def test_sentence_cuts_and_one_to_one_equal_the_plain_loops(seed: int) -> None:
    from storytrace.align import _cuts, _one_to_one, _split_at_sentences

    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(rng.choice([2, 8, 40, 400]))]
    words = [rng.choice(vocab) for _ in range(rng.choice([0, 4, 30, 300]))]
    a = _sentenced(rng, words)
    kind = seed % 4
    if kind == 0:
        b = a  # a text with itself
    elif kind == 1:
        b = _sentenced(rng, words)  # same words, sentences cut elsewhere
    elif kind == 2:  # reordered sentences
        parts = a.split(".")
        rng.shuffle(parts)
        b = ".".join(parts)
    else:
        b = _sentenced(rng, _edited(rng, words) if rng.random() < 0.7 else [rng.choice(vocab) for _ in words])
    da, db = _doc(a), _doc(b)
    for x, y in ((da, db), (db, da)):
        assert _cuts(x) == [t for t in range(1, len(x.keys)) if x.sentence[t] != x.sentence[t - 1]]
        runs = _runs(x, y)
        split = _split_at_sentences(runs, x, y)
        assert split == _split_reference(runs, x, y)
        assert _one_to_one(split, len(x.keys), len(y.keys)) == _one_to_one_reference(split, len(x.keys), len(y.keys))
        assert _one_to_one(runs, len(x.keys), len(y.keys)) == _one_to_one_reference(runs, len(x.keys), len(y.keys))


@pytest.mark.parametrize("seed", range(30))
def test_sentence_cuts_with_words_outside_every_sentence(seed: int) -> None:
    """Words the splitter left out of every sentence (sentence -1), and sentences without words."""
    from storytrace.align import _cuts, _Doc

    rng = random.Random(seed)
    sentence: list[int] = []
    first: list[int] = []
    last: list[int] = []
    for si in range(rng.randrange(0, 8)):
        sentence += [-1] * rng.choice([0, 0, 1, 3])
        n = rng.choice([0, 1, 2, 5])
        first.append(len(sentence) if n else -1)
        last.append(len(sentence) + n - 1 if n else -1)
        sentence += [si] * n
    sentence += [-1] * rng.choice([0, 2])
    keys = ["k"] * len(sentence)
    doc = _Doc(keys, list(range(len(keys))), list(range(len(keys))), sentence, [], first, last)
    assert _cuts(doc) == [t for t in range(1, len(keys)) if sentence[t] != sentence[t - 1]]


def _paraphrase_text(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(" ".join(rng.choice(words) for _ in range(rng.randrange(1, 12))) + rng.choice([".", "!", ".\n\n"])
                    for _ in range(n))


@pytest.mark.parametrize("seed", range(40))
def test_sparse_paraphrase_candidates_equal_the_plain_computation(seed: int, monkeypatch) -> None:
    """The sparse-matrix prefilter (forced on for small inputs too) keeps every pair the plain loop scores,
    with the same bits and order: a text with itself (Dice near 1, also at min_dice 1.0), disjoint texts,
    reordered sentences, unicode, empty texts, and texts large enough to take the path by themselves."""
    import storytrace.align as align_mod
    from storytrace.align import _candidates, sentences_of

    rng = random.Random(seed)
    words = ("Dhaka flood river rescue boats villages council said police minister 2024 roads "
             "Zürich naïve café Rоme élection").split()
    a = _paraphrase_text(rng, words, rng.choice([0, 1, 5, 30, 120]))
    kind = seed % 5
    if kind == 0:
        b = a
    elif kind == 1:
        b = _paraphrase_text(rng, ["tram", "depot", "strike", "union", "wages"], rng.choice([0, 3, 60]))
    elif kind == 2:
        parts = a.split(".")
        rng.shuffle(parts)
        b = ".".join(parts)
    else:
        b = _paraphrase_text(rng, words, rng.choice([0, 2, 40, 150]))
    sa, sb = sentences_of(a), sentences_of(b)
    for forced in (True, False):
        if forced:
            monkeypatch.setattr(align_mod, "_SPARSE_PAIRS", 0)
        else:
            monkeypatch.undo()
        for min_dice in (0.0, 0.2, 0.45, 0.7, 0.9, 1.0):
            got = _candidates(sa, sb, min_dice)
            assert repr(got) == repr(_candidates_reference(sa, sb, min_dice))
