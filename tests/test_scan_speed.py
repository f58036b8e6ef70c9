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

    from storytrace.scripts import stemmer

    pure = EnglishStemmer()
    import wordfreq

    words = wordfreq.top_n_list("en", 50_000) + ["generously", "skies", "dying", "news", "nationalization", "'s"]
    assert [stemmer_c.stemWord(w) for w in words] == [pure.stemWord(w) for w in words]
    assert type(stemmer("english")).__module__ == "Stemmer"


def _vector_plain(counts: dict[str, float], limit: int) -> dict[str, float]:
    import heapq
    import math

    if not counts:
        return {}
    key = lambda kv: (-kv[1], kv[0])  # noqa: E731
    items = counts.items()
    top = sorted(items, key=key) if len(counts) <= limit else heapq.nsmallest(limit, items, key=key)
    norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
    return {k: round(v / norm, 5) for k, v in top}


@pytest.mark.parametrize("seed", range(6))
def test_vector_order_and_cut_equal_the_keyed_sort(seed: int) -> None:
    from storytrace.fingerprint import _vector

    rng = random.Random(seed)
    for size in (0, 1, 5, 199, 200, 201, 700):
        # Few distinct weights, so that many ties are broken by the term.
        counts = {f"t{rng.randint(0, 10_000)}": rng.choice([0.5, 1.0, 1.5, 2.25, rng.random()]) for _ in range(size)}
        got, want = _vector(counts, 200), _vector_plain(counts, 200)
        assert list(got.items()) == list(want.items())


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_content_shingles_and_hashes_equal_their_definitions(k: int) -> None:
    from storytrace.fingerprint import _content_shingles, _h, _hash_set

    rng = random.Random(k)
    for n in range(0, 12):
        words = [rng.choice(["flood", "dhaka", "rоme", "café", "2024", "ＦＵＬＬ"]) for _ in range(n)]
        want = ([" ".join(words)] if words else []) if n < k else [" ".join(words[i : i + k]) for i in range(n - k + 1)]
        got = _content_shingles(words, k)
        assert got == want
        assert _hash_set(got) == frozenset(_h(x) for x in want)


def _matrix_plain(vectors, vocab):
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for i, v in enumerate(vectors):
        for k, w in v.items():
            rows.append(i)
            cols.append(vocab.setdefault(k, len(vocab)))
            vals.append(w)
    return csr_matrix((vals, (rows, cols)), shape=(len(vectors), max(len(vocab), 1)))


@pytest.mark.parametrize("seed", range(4))
def test_cluster_matrix_has_scipys_layout_and_products(seed: int) -> None:
    import numpy as np

    from storytrace.cluster import _matrix

    rng = random.Random(seed)
    vectors = [{f"t{rng.randint(0, 60)}": round(rng.random(), 5) for _ in range(rng.randint(0, 25))}
               for _ in range(rng.randint(1, 30))]
    va: dict[str, int] = {}
    vb: dict[str, int] = {}
    got, want = _matrix(vectors, va), _matrix_plain(vectors, vb)
    assert va == vb
    assert got.shape == want.shape
    assert got.indptr.tolist() == want.indptr.tolist()
    assert got.indices.tolist() == want.indices.tolist()
    assert got.data.tobytes() == want.data.tobytes()
    assert np.array_equal((got @ got.T).toarray(), (want @ want.T).toarray())
    empty = _matrix([{}, {}], {})
    assert empty.shape == (2, 1) and empty.nnz == 0


def test_sentence_prechecks_never_miss_a_seam() -> None:
    """A line the prechecks refuse has no match of the full patterns (so no seam is lost)."""
    from storytrace.normalize import _BEFORE_TITLE, _GLUED, _MAY_GLUE, _MAY_TITLE

    rng = random.Random(7)
    pieces = ["said", "May", ".", "!", "?", '"', "“", "”", "’", "‘", ")", "Mr.", "Dr.", "St.", "Lt.", " ", "  ",
              "\t", "The", "Él", "Ωmega", "Дом", "é", "x", "4", "Prof.", "Rev.", "\u00a0"]
    lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(20_000)]
    lines += ['He left.The end.', 'noon." Then', 'said."The', 'noon. Dr. Anna Weber said', 'x) Mr. Y']
    glued = [ln for ln in lines if _GLUED.search(ln)]
    titled = [ln for ln in lines if _BEFORE_TITLE.search(ln)]
    assert len(glued) > 100 and len(titled) > 20  # the generator does produce seams
    assert all(_MAY_GLUE.search(ln) for ln in glued)
    assert all(_MAY_TITLE.search(ln) for ln in titled)


def test_scan_collects_less_often_and_restores_the_thresholds(tmp_path) -> None:
    import gc

    from storytrace import Article, Index
    from storytrace import index as index_module

    seen: list[int] = []
    real = index_module.Index._add

    def spy(self, *args, **kwargs):
        seen.append(gc.get_threshold()[0])
        return real(self, *args, **kwargs)

    before = gc.get_threshold()
    index_module.Index._add = spy
    try:
        with Index(tmp_path / "i.db", engine="local") as index:
            index.add([Article(text="A short report on the flood in Dhaka.", id="x")])
            (tmp_path / "a.txt").write_text("Another report on the flood in Dhaka, with more words.", "utf-8")
            report = index.scan([tmp_path / "a.txt"])
    finally:
        index_module.Index._add = real
    assert seen == [index_module._GC_GEN0] * 2
    assert gc.get_threshold() == before
    assert report.added == 1


def test_same_story_prefilter_keeps_every_pair_that_is_one_story(tmp_path) -> None:
    """The vectorised prefilter (one product of the stacked, weighted term matrices) never drops a pair whose
    exact score reaches the threshold, and does drop most of the others (else it would test nothing)."""
    import numpy as np

    from storytrace import Index
    from storytrace.engine import LocalEngine
    from storytrace.relate import story_similarity
    from storytrace.synth import generate, load_sources

    articles = [item.article for item in generate(load_sources(), n_articles=300, seed=5, max_words=400)]
    with Index(tmp_path / "p.db", engine=LocalEngine(1)) as index:
        index.add(articles)
        st = index.settings
        stored = index.store.load(range(1, 301))
        nodes = sorted(stored)
        codes = np.array(sorted((a << 32) | b for i, a in enumerate(nodes) for b in nodes[i + 1 :]), dtype=np.int64)
        kept = set(index._maybe_same_story(codes, {}))
        same, dropped = set(), 0
        for c in codes.tolist():
            a, b = c >> 32, c & 0xFFFFFFFF
            (_, aa, sa), (_, ab, sb) = stored[a], stored[b]
            # The prefilter ignores the time window: compare with the score of undated articles.
            score = story_similarity(_state_fp(sa), _state_fp(sb), None, None, st)["story"]
            if score >= st.story_threshold:
                same.add((a, b))
            dropped += (a, b) not in kept
    assert len(same) > 20
    assert same <= kept
    assert dropped > len(codes) // 2


def _state_fp(state):
    from storytrace.index import _StateFP

    return _StateFP(state)


@pytest.mark.parametrize("text", ["", "Plain words, only.", "Rоme café ＦＵＬＬ width — it's 2024’s news", "...!"])
def test_tokenizer_words_are_the_pattern_matches_and_give_the_same_exact_hash(text: str) -> None:
    from storytrace.fingerprint import _exact
    from storytrace.normalize import _WORD, tokenize

    tokens = tokenize(text)
    assert tokens.words == _WORD.findall(text)
    assert _exact(text, tokens.words) == _exact(text)


def test_cluster_blocks_of_some_rows_equal_the_rows_of_the_whole_block() -> None:
    from storytrace import Settings
    from storytrace.cluster import Member, _Vectors

    rng = random.Random(11)

    def vec() -> dict[str, float]:
        return {f"t{rng.randint(0, 30)}": round(rng.random(), 5) for _ in range(rng.randint(0, 12))}

    members = [Member(id=f"a{i}", title="", site=None, published=f"2020-01-{1 + i % 28:02d}", body=vec(),
                      entities=vec(), title_vec=vec(), n_words=rng.choice([0, 10, 80, 300])) for i in range(9)]
    st = Settings()
    vectors = _Vectors(members)
    whole = vectors.block(0, 9, st)
    assert whole.shape == (9, 9) and whole.max() > 0.0
    for lo, hi in ((0, 4), (3, 9), (2, 7)):
        assert vectors.block(lo, hi, st).tobytes() == whole[lo:hi].tobytes()


def test_boilerplate_and_cleanup_fast_paths_equal_the_line_by_line_definitions() -> None:
    from storytrace.ingest.boilerplate import is_boilerplate_line, strip_boilerplate
    from storytrace.ingest.cleanup import clean_text

    def strip_plain(text: str) -> str:
        return clean_text("\n".join(line for line in text.split("\n") if not is_boilerplate_line(line)))

    def clean_plain(text: str) -> str:
        import re

        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = "\n".join(line.rstrip() for line in text.split("\n"))
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")

    rng = random.Random(5)
    lines = ["The council met on Sunday.", "Like this:", "  Share this article  ", "Read more", "Tags: flood",
             "Advertisement " * 20, "", "   ", "\t", "related", "Follow us on X", "Subscribe now!", "tweet",
             "We use cookies to improve", "A sentence that says read more inside it.", "\u00a0", "\r", "x\x1f"]
    texts = ["\n".join(rng.choice(lines) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    assert sum(strip_plain(t) != clean_plain(t) for t in texts) > 100  # boilerplate was there to remove
    assert [strip_boilerplate(t) for t in texts] == [strip_plain(t) for t in texts]
    assert [clean_text(t) for t in texts] == [clean_plain(t) for t in texts]


# Pieces for random texts: look-alike letters, accents, full width, curly apostrophes, numbers, glued full
# stops, abbreviations, blank lines and odd spaces.
_PIECES = ["said", "May", "Rоme", "café", "ＦＵＬＬ", "2024", "4", "it's", "2024’s", "o’", "'", "’", "Mr.", "Dr.",
           "St.", ".", "!", "?", '"', "“", "”", ")", "The", "Él", "Ωmega", "Дом", "x", "_", " ", "  ", "\n", "\n\n",
           "\t", "\u00a0", "ﬁ", "Straße", "İstanbul", "日本", "の", "カ\u3099", "٣", "e\u0301", "—", "said.The", "Sanctions"]


def _random_texts(seed: int, n: int = 1500) -> list[str]:
    rng = random.Random(seed)
    texts = ["", " ", "\n", "...!", "word", "Plain words, only."]
    texts += ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 40))) for _ in range(n)]
    return texts


def _tokenize_plain(text: str):
    """The tokenizer as first written: one match object per word, each word's parts looked up directly (a
    text with Han or kana characters by the pattern that splits them apart, keeping no words)."""
    from storytrace.normalize import _CJK_WORD_SPLIT, _WORD, fold, has_cjk, is_content, word_key

    cjk = has_cjk(text)
    ms = list((_CJK_WORD_SPLIT if cjk else _WORD).finditer(text))
    keys = [word_key(m.group()) for m in ms]
    return (keys, [fold(m.group()) for m in ms], [m.start() for m in ms], [m.end() for m in ms],
            [m.group()[:1].isupper() for m in ms], [is_content(k) for k in keys],
            [] if cjk else [m.group() for m in ms])


@pytest.mark.parametrize("seed", range(3))
def test_split_tokenizer_equals_one_match_per_word(seed: int) -> None:
    from storytrace import normalize

    for text in _random_texts(seed):
        normalize._TOKEN_CACHE.clear()
        t = normalize.tokenize(text)
        assert (t.keys, t.folded, t.starts, t.ends, t.caps, t.content, t.words) == _tokenize_plain(text), text


def test_plain_word_zipf_equals_wordfreq_and_idf_takes_it() -> None:
    import string

    import wordfreq

    from storytrace import weights

    rng = random.Random(3)
    words = [w for w in wordfreq.iter_wordlist("en") if w.isascii() and w.isalpha() and w.islower()][::4]
    words += ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 12))) for _ in range(20_000)]
    assert len(words) > 80_000
    assert [weights._zipf_plain_word(w) for w in words] == [wordfreq.zipf_frequency(w, "en") for w in words]
    # idf gives wordfreq's weights for every kind of folded word, the fast path's and the others.
    others = ["said", "velayati", "rome", "café", "straße", "it's", "o'neill", "2024", "4", "x_y", "дом", "日本",
              "ﬁnal", "a", "zzzz", "covid19", "ωmega", "", "Said"]
    for w in words[::50] + others:
        weights._IDFS.clear()
        z = wordfreq.zipf_frequency(w, "en")
        want = (4.0 if len(w) >= 3 else 2.0) if w.isdigit() else (max(0.3, 9.0 - min(z, 8.0)) if z > 0 else 9.0)
        assert weights.idf(w) == want, w


def test_numpy_rounding_equals_round_to_five_places() -> None:
    import math

    import numpy as np

    from storytrace.fingerprint import _round5

    rng = random.Random(9)
    values = [rng.random() for _ in range(50_000)] + [0.0, 1.0, 1e-300, 5e-6, 4.99999e-6, 1 / 64, 3 / 64, 0.015625]
    for k in range(0, 100_001, 7):
        half = (k + 0.5) / 1e5  # the nearest double to a half, and its neighbours on both sides
        values += [half, math.nextafter(half, 0.0), math.nextafter(half, 2.0)]
    values += [n / 2**20 for n in range(0, 2**20, 97)]  # exact binary fractions, some of them exact halves
    values = [v for v in values if 0.0 <= v <= 1.0]
    got = _round5(np.array(values))
    want = [round(v, 5) for v in values]
    assert [x.hex() for x in got] == [x.hex() for x in want]
    # The values near a half really were there (else the fallback would go untested).
    near = np.abs(np.abs(np.array(values) * 1e5 - np.rint(np.array(values) * 1e5)) - 0.5) < 1e-6
    assert near.sum() > 1000


def _exact_plain(content: str) -> int:
    import unicodedata

    from storytrace.fingerprint import _h
    from storytrace.normalize import _WORD

    # a curly apostrophe is a straight one (Settings.exact_apostrophes)
    return _h("\x1f".join(unicodedata.normalize("NFKC", w).casefold().replace("\u2019", "'")
                          for w in _WORD.findall(content)))


@pytest.mark.parametrize("seed", range(3))
def test_exact_hash_of_the_whole_string_equals_the_per_word_definition(seed: int) -> None:
    import sys

    from storytrace.fingerprint import _exact
    from storytrace.normalize import _WORD

    texts = _random_texts(seed)
    assert sum(not t.isascii() for t in texts) > 1000
    assert [_exact(t) for t in texts] == [_exact_plain(t) for t in texts]
    if seed == 0:  # every word character of Unicode, alone and next to others
        chars = [c for c in map(chr, range(sys.maxunicode + 1)) if _WORD.fullmatch(c)]
        for i in range(0, len(chars), 40):
            text = " ".join(chars[i : i + 40]) + " " + "".join(chars[i : i + 40])
            assert _exact(text) == _exact_plain(text), chars[i : i + 40]


def test_block_terms_equal_the_counter_and_keyed_sort(tmp_path) -> None:
    from collections import Counter

    from storytrace import Article, Settings
    from storytrace.fingerprint import fingerprint

    st = Settings()
    short = _random_texts(4, 1200)
    texts = [" ".join(short[i : i + 4]) for i in range(0, len(short), 4)]
    rng = random.Random(4)
    seen = 0
    for i, text in enumerate(texts):
        fp = fingerprint(Article(text=text, title=rng.choice(["", "Flood in Dhaka", "Rоme 2024"]), id=str(i)), st)
        w: Counter[str] = Counter()
        for k, v in fp.entities.items():
            w[k] += v
        for k, v in fp.body.items():
            w[k] += v
        want = [k for k, _ in sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))[: st.block_terms]]
        assert fp.block == want
        seen += len(want) == st.block_terms
    assert seen > 50


def _weighted_plain(tokens, idx, keys=None, lead=0):
    """Log term frequency times idf of each key's first surface form, written out plainly."""
    import math

    from storytrace.weights import idf

    ks = keys if keys is not None else [tokens.keys[i] for i in idx]
    n_lead = sum(1 for i in idx if i < lead)
    tf: dict[str, int] = {}
    first: dict[str, str] = {}
    for j, (i, k) in enumerate(zip(idx, ks)):
        tf[k] = tf.get(k, 0) + (2 if j < n_lead else 1)
        first.setdefault(k, tokens.folded[i])
    return {k: (1.0 + math.log(c)) * idf(first[k]) for k, c in tf.items()}


@pytest.mark.parametrize("seed", range(2))
def test_weighted_terms_equal_the_plain_products(seed: int) -> None:
    from storytrace import fingerprint as fpm
    from storytrace import weights
    from storytrace.normalize import tokenize

    rng = random.Random(seed)
    short = _random_texts(seed, 900)
    texts = [" ".join(short[i : i + 3]) for i in range(0, len(short), 3)]
    texts.append(" ".join(["flood"] * 3000 + ["Dhaka"] * 1500))  # counts beyond the log table
    weights._IDFS.clear()
    for text in texts:
        t = tokenize(text)
        idx = [i for i, c in enumerate(t.content) if c and (rng.random() < 0.8 or t.caps[i])]
        for lead in (0, 5, 100):
            got, want = fpm._weighted(t, idx, lead=lead), _weighted_plain(t, idx, lead=lead)
            assert list(got.items()) == list(want.items())
    words = ["said", "rome", "café", "2024", "4", "дом", "velayati", "it's"] * 3
    assert weights.idfs(words) == [weights.idf(w) for w in words]


@pytest.mark.parametrize("seed", range(4))
def test_top_terms_equal_the_keyed_sort(seed: int) -> None:
    from storytrace.fingerprint import _top_terms

    rng = random.Random(seed)
    for size in (0, 1, 5, 11, 12, 13, 250):
        for n in (0, 1, 12, 200):
            # Few distinct weights, so that many ties at the cut are broken by the term.
            w = {f"t{rng.randint(0, 500)}": rng.choice([0.5, 1.0, 1.5, 0.0, rng.random()]) for _ in range(size)}
            want = [k for k, _ in sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
            assert _top_terms(w, n) == want


def test_band_keys_equal_a_hash_per_numpy_slice() -> None:
    import numpy as np
    import xxhash

    from storytrace.fingerprint import _signed, band_keys

    rng = random.Random(2)
    for n, bands in ((128, 32), (128, 16), (130, 32), (7, 3), (3, 8), (0, 4), (256, 64)):
        sig = [rng.randint(0, 2**32 - 1) for _ in range(n)]
        rows = n // bands
        arr = np.asarray(sig, dtype=np.uint32)
        want = [_signed(xxhash.xxh3_64_intdigest(arr[b * rows : (b + 1) * rows].tobytes(), seed=b))
                for b in range(bands)] if sig else []
        assert band_keys(sig, bands) == want


def test_clean_text_precheck_equals_the_plain_definition() -> None:
    """clean_text skips its blank-run regex when no three newlines meet; the result must not change."""
    import random
    import re

    from storytrace.ingest.cleanup import clean_text

    def plain(text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = "\n".join(map(str.rstrip, text.split("\n")))
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")

    rng = random.Random(5)
    pieces = ["word", " ", "\n", "\r\n", "\r", "\t", "  \n", "é", ".", ""]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 40))) for _ in range(3000)]
    texts += ["a\n \n\nb", "a\n\t\n \nb", "\n\n\na", "a\r\r\rb", "a\r\n\r\n\r\nb"]
    assert [clean_text(t) for t in texts] == [plain(t) for t in texts]
    assert any("\n\n\n" in t.replace("\r", "\n") for t in texts)


def test_idf_falls_back_to_wordfreq_when_the_shortcut_disagrees(monkeypatch) -> None:
    """If an installed wordfreq computed Zipf values differently, idf must use wordfreq itself."""
    from wordfreq import zipf_frequency

    from storytrace import weights

    monkeypatch.setattr(weights, "_zipf_plain_word", lambda word: 1.0)
    weights._plain_words_agree.cache_clear()
    weights._IDFS.clear()
    try:
        assert not weights._plain_words_agree()
        z = zipf_frequency("minister", "en")
        assert weights.idf("minister") == max(0.3, 9.0 - min(z, 8.0))
    finally:
        weights._plain_words_agree.cache_clear()
        weights._IDFS.clear()
    monkeypatch.undo()
    assert weights._plain_words_agree()
