"""The fast paths of the scan give what the plain definitions give (same hashes, same spans, same passages).

Each test computes a result the straightforward way, as the code did before it was optimised, and compares.
"""

from __future__ import annotations

import heapq
import math
import random
import re
import unicodedata
from collections import Counter

import pytest

from storytrace import Article, Settings
from storytrace.align import Sentence, _unrelated, sentences_of
from storytrace.fingerprint import _h, _vector, _weighted, fingerprint, from_state, shingle_set, shingle_strings
from storytrace.normalize import _ABBREV_TAIL, _abbrev_tail, is_content, paragraph_spans, tokenize
from storytrace.store.sqlite import SQLiteStore
from storytrace.weights import idf

WORDS = ("the Minister said of a flood in Dhaka Mr. Dr. J. said.The council's 2024 figures Rоme café "
         "naïve ＦＵＬＬ width St. Prof. Lt. on Sunday, \"We will rebuild.\" Police closed roads").split()


def random_text(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        out.append(rng.choice(WORDS))
        r = rng.random()
        if r < 0.08:
            out.append(".\n\n" if r < 0.02 else ".")
    return " ".join(out)


TEXTS = [random_text(random.Random(seed), n) for seed, n in zip(range(40), [5, 40, 120, 300] * 10)]


@pytest.mark.parametrize("text", TEXTS)
def test_token_content_mask_is_is_content(text: str) -> None:
    tokens = tokenize(text)
    assert tokens.content == [is_content(k) for k in tokens.keys]


@pytest.mark.parametrize("text", TEXTS + ["Plain ASCII words, Only. Here"])
def test_exact_hash_equals_per_word_fold(text: str) -> None:
    content = Article(text=text, id="x").content
    tokens = tokenize(content)
    plain = _h("\x1f".join(unicodedata.normalize("NFKC", content[a:b]).casefold()
                           for a, b in zip(tokens.starts, tokens.ends)))
    assert fingerprint(Article(text=text, id="x")).exact == plain


@pytest.mark.parametrize("text", TEXTS)
def test_shingles_and_weights_equal_their_definitions(text: str) -> None:
    st = Settings()
    art = Article(text=text, title="Flood in Dhaka", id="x")
    fp = fingerprint(art, st)
    tokens = tokenize(art.content)
    assert fp.shingles == frozenset(_h(s) for s in shingle_strings(tokens.keys, st.shingle_size))
    idx = [i for i, k in enumerate(tokens.keys) if is_content(k)]
    tf: Counter[str] = Counter()
    w: dict[str, float] = {}
    for i in idx:
        tf[tokens.keys[i]] += 1
        w.setdefault(tokens.keys[i], idf(tokens.folded[i]))
    assert _weighted(tokens, idx) == {k: (1.0 + math.log(c)) * w[k] for k, c in tf.items()}


def test_vector_keeps_the_heaviest_terms_in_sorted_order() -> None:
    rng = random.Random(3)
    counts = {f"w{i}": float(rng.randrange(1, 20)) for i in range(300)}
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:100]
    norm = math.sqrt(sum(v * v for _, v in top))
    assert _vector(counts, 100) == {k: round(v / norm, 5) for k, v in top}


@pytest.mark.parametrize("text", TEXTS[:12])
def test_from_state_equals_a_fresh_fingerprint_for_relating(text: str) -> None:
    st = Settings()
    art = Article(text=text, title="Flood in Dhaka", id="x")
    fp = fingerprint(art, st)
    again = from_state(fp.to_state(), art.content, st)
    for name in ("exact", "n_words", "shingles", "body", "entities", "title", "block"):
        assert getattr(again, name) == getattr(fp, name), name
    assert shingle_set(art.content, st.shingle_size) == fp.shingles


def test_abbreviation_tail_equals_the_full_search() -> None:
    rng = random.Random(5)
    alphabet = ["Mr", "Dr", "Prof", "Capt", "J", "x", " ", ".", "said", "Lt", "ab", "\u00e9"]
    for _ in range(3000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 8))).rstrip()
        assert _abbrev_tail(s) == (_ABBREV_TAIL.search(s) is not None), repr(s)


def _unrelated_reference(text: str, own: list[Sentence], other: list[Sentence],
                         covered: list[tuple[int, int]], st: Settings) -> list[tuple[int, int]]:
    paras = paragraph_spans(text)
    if len(paras) < 2 or not covered:
        return []

    def within(s: Sentence, spans: list[tuple[int, int]]) -> bool:
        return any(s.start >= ps and s.end <= pe for ps, pe in spans)

    def words(spans: list[tuple[int, int]]) -> int:
        return sum(len(s.keys) for s in own if within(s, spans))

    def unrelated(spans: list[tuple[int, int]], min_words: int, apart: list[tuple[int, int]],
                  template: set[str] = set()) -> bool:
        inside = [s for s in own if within(s, spans)]
        weights: dict[str, float] = {}
        for s in inside:
            weights.update(s.weights)
        weights = {k: w for k, w in weights.items() if k not in template}
        if sum(len(s.keys) for s in inside) < min_words:
            return False
        rest_sentences = [s for s in own if not within(s, apart)] + other
        rest: dict[str, float] = {}
        for s in rest_sentences:
            for k, w in s.weights.items():
                rest[k] = rest.get(k, 0.0) + w
        total = sum(weights.values())
        n_rest = sum(len(s.keys) for s in rest_sentences)
        shared = sum(w * math.exp(-n_rest * 10.0 ** -w) for k, w in weights.items() if k in rest)
        # the story's core: its 8 most used words, counting only uses rarer than the commonest English
        # (weight >= 4; a stem's weight is that of its form in each sentence)
        rare: dict[str, float] = {}
        for s in rest_sentences:
            for k, w in s.weights.items():
                if w >= 4.0:
                    rare[k] = rare.get(k, 0.0) + w
        core = {k for k, _ in sorted(rare.items(), key=lambda kv: (-kv[1], kv[0]))[:8]}
        # a core word counts only in a form past the same floor here too
        return bool(total and shared / total < st.unrelated_share
                    and not any(weights[k] >= 4.0 for k in core & weights.keys()))

    # runs of adjacent paragraphs no passage touches. Lines too short alone, or ending no sentence, count
    # first: when each looks unrelated without the other such lines and without the words that at least
    # half of the lines ending no sentence, and three or more, hold, and together they are long enough;
    # they are then left out of the rest. Then a run's other paragraphs, each alone, or as one
    # block when none is unrelated alone (the test texts close no quotes)
    runs: list[list[tuple[int, int]]] = []
    for i, (ps, pe) in enumerate(paras):
        if any(s < pe and ps < e for s, e in covered):
            continue
        if runs and runs[-1][-1] == paras[i - 1]:
            runs[-1].append((ps, pe))
        else:
            runs.append([(ps, pe)])
    open_lines = [x for run in runs for x in run]
    # a line ends a sentence when, closing quotes and brackets and spaces stripped, it ends in a stop of any script
    stops, closers = ".!?…\u0964\u0965\u3002\uff01\uff1f\u061f\u06d4\u0589", "\"'”’“»«)]」』）"
    headlines = [x for x in open_lines if text[x[0]:x[1]].rstrip(" \n\t" + closers)[-1:] not in stops]
    short = [x for x in open_lines if x in headlines or words([x]) < st.unrelated_min_words]
    held = Counter(k for x in headlines for k in {k for s in own if within(s, [x]) for k in s.weights})
    template = {k for k, n in held.items() if len(headlines) >= 3 and n * 2 >= len(headlines) and n >= 3}
    # a line ending no sentence that holds a template word found nowhere else in either text is a link,
    # whatever else it shares
    line_keys = {x: {k for s in own if within(s, [x]) for k in s.weights} for x in headlines}
    elsewhere = {k for s in own if not within(s, headlines) for k in s.weights} | {k for s in other for k in s.weights}
    foreign = [x for x in short if (x in headlines and (line_keys[x] & template) - elsewhere)
               or unrelated([x], 1, short, template)]
    if words(foreign) < st.unrelated_min_words:
        foreign = []
    found = list(foreign)
    for run in runs:
        left = [x for x in run if x not in foreign]
        alone = [x for x in left if unrelated([x], st.unrelated_min_words, [x, *foreign])]
        found += alone or (left if len(left) > 1 and unrelated(left, st.unrelated_min_words, left + foreign) else [])
    return sorted(found)


@pytest.mark.parametrize("seed", range(30))
def test_unrelated_paragraphs_equal_the_plain_computation(seed: int) -> None:
    rng = random.Random(seed)
    topics = [["flood", "Dhaka", "river", "rescue", "boats", "villages"],
              ["election", "ballot", "senator", "turnout", "campaign", "county"],
              ["football", "striker", "goal", "league", "coach", "stadium"]]

    def para(topic: list[str]) -> str:
        return " ".join(" ".join(rng.choice(topic) for _ in range(rng.randrange(6, 12))) + "." for _ in range(2))

    a = "\n\n".join(para(topics[rng.choice([0, 0, 1, 2])]) for _ in range(rng.randrange(2, 6)))
    b = "\n\n".join(para(topics[0]) for _ in range(2))
    st = Settings(unrelated_share=rng.choice([0.12, 0.3, 0.6]))
    own, other = sentences_of(a), sentences_of(b)
    # the first paragraph stands for a shared passage (without one, nothing is judged)
    covered = paragraph_spans(a)[:1]
    got = [(s.start, s.end) for s in _unrelated(a, own, other, covered, st)]
    assert got == _unrelated_reference(a, own, other, covered, st)


def test_saturated_keys_are_skipped_but_lookups_are_unchanged(tmp_path) -> None:
    store = SQLiteStore(tmp_path / "x.db")
    rows = []
    for i in range(6):
        rows.append((Article(text=f"text {i}", id=f"a{i}"), {"exact": i, "n_words": 2, "body": {}, "entities": {},
                     "title": {}, "block": []}, [1, 2] if i < 4 else [2], [], [], None))
    store.insert_articles(rows)
    first = store.key_postings("bands", [1, 2, 3], 4)
    assert first == {1: [1, 2, 3, 4]}  # key 2 has 6 postings, over the limit
    assert 2 in store._saturated[("bands", 4)]
    assert store.key_postings("bands", [1, 2, 3], 4) == first
    assert store.key_postings("bands", [1, 2], 10) == {1: [1, 2, 3, 4], 2: [1, 2, 3, 4, 5, 6]}
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.key_postings("bands", [2], 4)
            raise RuntimeError
    assert store._saturated == {}
    store.close()


@pytest.fixture(scope="module")
def farm_index(tmp_path_factory):
    from storytrace import Index
    from storytrace.engine import LocalEngine
    from storytrace.synth import generate, load_sources

    corpus = generate(load_sources(), n_articles=400, seed=3, max_words=600)
    index = Index(tmp_path_factory.mktemp("farm") / "x.db", engine=LocalEngine(1))
    index.add([item.article for item in corpus])
    yield index, [item.article for item in corpus]
    index.close()


def test_query_prefilter_changes_no_match(farm_index, monkeypatch) -> None:
    from storytrace import Index

    index, articles = farm_index
    queries = [a.content for a in articles[::37]] + [articles[5].content[: len(articles[5].content) // 3]]
    fast = [index.query(q, limit=1000) for q in queries]
    seen = {}

    def spy(self, fp, top):  # the plain path: every same-story candidate scored exactly
        seen["top"] = max(seen.get("top", 0), len(top))
        return top, {}

    monkeypatch.setattr(Index, "_query_prefilter", spy)
    plain = [index.query(q, limit=1000) for q in queries]
    assert seen["top"] >= 64  # the prefilter had something to filter
    assert [[(m.article.id, m.relation.copy, m.relation.scores) for m in ms] for ms in fast] == \
        [[(m.article.id, m.relation.copy, m.relation.scores) for m in ms] for ms in plain]


@pytest.mark.parametrize("least", [1, 2, 3])
def test_shared_terms_counted_in_sql_equal_counting_the_postings(tmp_path, least: int) -> None:
    rng = random.Random(least)
    store = SQLiteStore(tmp_path / "x.db")
    rows = []
    for i in range(60):
        terms = rng.sample(range(8), rng.randrange(0, 7)) + [99]  # 99: saturated at 40
        rows.append((Article(text=f"text {i}", id=f"a{i}"), {"exact": i, "n_words": 2, "body": {}, "entities": {},
                     "title": {}, "block": []}, [], [], terms, None))
    store.insert_articles(rows)
    keys = [1, 3, 5, 7, 99, 123]
    plain: Counter[int] = Counter()  # the plain path: count the (non-saturated) postings in Python
    for ns in store.key_postings("terms", keys, 40).values():
        plain.update(ns)
    store._saturated.clear()
    found = store.candidates([], [], keys, 40, min_terms=least)["terms"]
    assert found == {n: c for n, c in plain.items() if c >= least}
    assert any(c >= least for c in found.values())
    assert 99 in store._saturated[("terms", 40)]
    assert store.candidates([], [], keys, 40, min_terms=least)["terms"] == found  # with the key known saturated
    store.close()


class _ThreadEngine:
    """Runs every map in the calling thread but says it is concurrent, so the indexer overlaps its own work
    with the map (the path a process pool takes), with no pool to make the test slow."""

    name = "threads"
    concurrent = True

    def __init__(self) -> None:
        self.threads: set[str] = set()

    def map(self, fn, items):
        import threading

        self.threads.add(threading.current_thread().name)
        return [fn(x) for x in items]


def test_verify_overlapped_with_same_story_checks_stores_the_same_rows(tmp_path) -> None:
    from storytrace import Index
    from storytrace.engine import LocalEngine
    from storytrace.synth import generate, load_sources

    articles = [item.article for item in generate(load_sources(), n_articles=300, seed=5, max_words=400)]
    engine = _ThreadEngine()
    results = []
    for name, eng in (("plain", LocalEngine(1)), ("overlapped", engine)):
        with Index(tmp_path / f"{name}.db", engine=eng) as index:
            index.add(articles)
            results.append(([(r.a, r.b, r.copy, r.story, r.scores, r.passages) for r in index.pairs()],
                            [s.to_dict() for s in index.stories()]))
    assert any(t.startswith("storytrace-verify") for t in engine.threads)  # the overlapped path ran
    assert results[0][0] and results[0] == results[1]


@pytest.mark.parametrize("seed", range(60))
def test_unrelated_paragraphs_with_any_passages_equal_the_plain_computation(seed: int) -> None:
    """Passages anywhere (unsorted, overlapping, touching a paragraph's edge, inside one), shares near
    where a paragraph flips, empty and unicode paragraphs: the bisected overlap test and the early stop
    of the shared sum decide as the plain loops do."""
    rng = random.Random(1000 + seed)
    # "reported" and "reports" in one story, "report" in another: one key in forms on both sides of the core
    # floor
    topics = [["flood", "Dhaka", "river", "rescue", "boats", "villages", "said", "the", "related", "reported",
               "reports"],
              ["élection", "ballot", "Zürich", "turnout", "campaign", "county", "said"],
              ["football", "striker", "goal", "league", "coach", "stadium", "naïve", "Rоme", "report"]]
    elsewhere = ["chess", "champion", "retires", "tournament", "heatwave", "Spain"]

    def para(topic: list[str]) -> str:
        if rng.random() < 0.15:  # a link line: its template word (which a story may use), then a headline
            return "Related: " + " ".join(rng.choice(rng.choice([topic, elsewhere])) for _ in range(rng.randrange(2, 8)))
        n = rng.choice([0, 1, 2, 3])
        # sentences end in a stop of any script, some with closing quotes after it
        text = " ".join(" ".join(rng.choice(topic) for _ in range(rng.randrange(2, 14)))
                        + rng.choice([".", ".", "\u0964", ".\u00bb", '."', " .)", "\u3002\u300d"]) for _ in range(n)) or "…"
        # some lines end no sentence (headlines)
        return text.rstrip(".\u0964\u00bb\") \u3002\u300d") if rng.random() < 0.2 else text

    a = "\n\n".join(para(topics[rng.choice([0, 0, 1, 2])]) for _ in range(rng.randrange(1, 9)))
    b = a if seed % 7 == 0 else "\n\n".join(para(topics[rng.choice([0, 0, 1])]) for _ in range(rng.randrange(1, 4)))
    paras = paragraph_spans(a)
    covered: list[tuple[int, int]] = []
    for _ in range(rng.choice([1, 1, 2, 5])):
        kind = rng.random()
        if kind < 0.3 and paras:
            covered.append(rng.choice(paras))
        elif kind < 0.5 and paras:
            ps, pe = rng.choice(paras)
            covered.append(rng.choice([(pe, pe + 3), (max(0, ps - 3), ps), (ps + 1, pe - 1)]))
        else:
            s0 = rng.randrange(0, len(a) + 1)
            covered.append((s0, min(len(a), s0 + rng.randrange(0, 60))))
    own, other = sentences_of(a), sentences_of(b)
    for share in (0.0, 0.05, 0.12, 0.3, 0.6, 0.99, 1.0):
        st = Settings(unrelated_share=share, unrelated_min_words=rng.choice([1, 4, 8]))
        got = [(s.start, s.end) for s in _unrelated(a, own, other, covered, st)]
        assert got == _unrelated_reference(a, own, other, covered, st)


def test_glued_stops_equal_the_plain_pattern() -> None:
    """normalize.glued_stops scans for the stop and checks the letter before it; the plain definition is
    one pattern from that letter on, whose matches never overlap."""
    from storytrace.normalize import glued_stops

    plain = re.compile(r"[a-z0-9][.!?][\"”’)]?(?:[A-Z][a-z]|[AI](?=[\s'’])|\[(?:\.\.\.|…)\][A-Za-z0-9])"
                       r"|[A-Z][.!?][\"”’)]?(?:[A-Z][a-z]|\[(?:\.\.\.|…)\][a-z])")
    rng = random.Random(5)
    alphabet = ["a", "Z", ".", "3", " ", "?", "!", "\"", "”", "’", ")", "b", "Q", "x", ".", "T", "t", "I", "A", ".",
                "C", "'", "[...]", "[…]", "[", "]"]
    texts = ["He said.The end", "U.S.A. and 3.5", "Ok.Ta?Tb.”Then", "D.C.It is", "so.I said", "U.S.A said",
             "the bus.[...]13 were", "A.[...]b"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30))) for _ in range(3000)]
    for t in texts:
        assert glued_stops(t) == plain.findall(t)
        s0 = rng.randrange(0, len(t) + 1)
        s1 = rng.randrange(s0, len(t) + 1)
        assert glued_stops(t, s0, s1) == plain.findall(t, s0, s1)
    assert glued_stops("He said.The end") == ["d.Th"] and glued_stops("U.S.A. and 3.5") == []
    assert glued_stops("D.C.It is") == ["C.It"] and glued_stops("so.I said") == ["o.I"]
    assert glued_stops("U.S.A said") == []  # an initialism, not "A" starting a sentence
    assert glued_stops("the bus.[...]13 were") == ["s.[...]1"] and glued_stops("the bus. [...] 13 were") == []
