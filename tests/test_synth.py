"""The generator's promises: determinism, ground-truth spans that really point at shared text, the mix."""

from __future__ import annotations

import json
import random
import unicodedata
from collections import Counter

import pytest
from rapidfuzz import fuzz
from click.testing import CliRunner

from storytrace import synth
from storytrace.model import Article


def _source(k: int) -> Article:
    """A small hand-made source with names, "of", several paragraphs and ~200 words."""
    sents = [
        f"Minister Ada Varga of Halvik said on Monday that talks number {k} with the United States had begun.",
        f"The meeting of officials in Halvik lasted about {k + 3} hours, according to the Harbour Authority.",
        "Russia also sent a delegation of several people, officials said.",
        f"Police in Halvik reported that {k} people were killed in a fire at a large house of the mayor.",
        "However, the government said the deal would help the city, and that it was important.",
        f"President Omar Haddad told reporters that the first round of talks ended after {k} days.",
    ]
    paras = [" ".join(sents[i : i + 2]) for i in range(0, 6, 2)] * 3
    return Article(text="\n\n".join(paras), id=f"src{k}", title=f"Talks of Halvik begin, round {k}",
                   published=f"2019-0{1 + k % 9}-1{k % 9}")


SOURCES = [_source(k) for k in range(40)]


def _undisguise(text: str) -> str:
    """Undo the disguises the generator applies, so near-equal text can be compared."""
    inv = {v: k for k, v in synth.HOMOGLYPHS.items()}
    text = "".join(inv.get(c, c) for c in unicodedata.normalize("NFC", text))
    text = text.replace(" of ", " ").replace(". ", ".")
    return " ".join(text.split())


def _words(text: str) -> set[str]:
    return {w.strip(".,;:!?\"'").lower() for w in text.split()} - {""}


def test_same_seed_same_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    runner = CliRunner()
    for out in (a, b):
        src = tmp_path / "src.jsonl"
        src.write_text("\n".join(json.dumps({"id": s.id, "title": s.title, "text": s.text, "date": s.published})
                                 for s in SOURCES))
        res = runner.invoke(synth.synth_cmd, ["-n", "120", "--seed", "5", "-o", str(out), "--sources", str(src)])
        assert res.exit_code == 0, res.output
    assert (a / "articles.jsonl").read_bytes() == (b / "articles.jsonl").read_bytes()
    assert (a / "truth.jsonl").read_bytes() == (b / "truth.jsonl").read_bytes()
    lines = (a / "articles.jsonl").read_text().splitlines()
    assert len(lines) == 120
    assert len({json.loads(x)["id"] for x in lines}) == 120


def test_different_seed_differs():
    one = [it.article.content for it in synth.generate(SOURCES, n_articles=60, seed=1)]
    two = [it.article.content for it in synth.generate(SOURCES, n_articles=60, seed=2)]
    assert one != two


def _corpus(n: int = 600, seed: int = 11) -> list[synth.SynthItem]:
    return synth.generate(SOURCES, n_articles=n, seed=seed).items()


def test_spans_point_at_shared_text():
    items = _corpus()
    by_id = {it.article.id: it.article for it in items}
    kinds: Counter[str] = Counter()
    ratios: list[float] = []
    for it in items:
        for p in it.truth.passages:
            copy = it.article.content[p.copy_start : p.copy_end]
            src = by_id[p.source].content[p.source_start : p.source_end]
            kinds[p.kind] += 1
            assert copy and src
            if p.kind == "verbatim":
                assert copy == src, (it.article.id, p)
            elif p.kind == "edited":
                ratio = fuzz.ratio(_undisguise(copy), _undisguise(src)) / 100  # optimal (Indel) alignment
                assert ratio > 0.55, (it.article.id, ratio, copy, src)  # a heavily spun short sentence
                ratios.append(ratio)
            else:  # paraphrase: most of its words come from the source or from the source words' synonyms
                allowed = _words(src) | {w for k, vs in synth.SYNONYMS.items() if k in src for v in vs for w in _words(v)}
                words = _words(copy)
                assert len(words & allowed) >= 0.7 * len(words), (copy, src)
    assert kinds["verbatim"] and kinds["edited"] and kinds["paraphrase"]
    assert sum(ratios) / len(ratios) > 0.8


def test_unrelated_spans_are_the_spliced_paragraphs():
    items = _corpus()
    by_id = {it.article.id: it.article for it in items}
    spliced = 0
    for it in items:
        others = [op.split(":", 1)[1] for op in it.truth.ops if op.startswith("unrelated:")]
        if not others:
            assert it.truth.unrelated == ()
            continue
        spliced += 1
        [(s, e)] = it.truth.unrelated
        content = it.article.content
        # a whole paragraph of the copy, word for word a paragraph of the other story's article
        assert content[s:e] in by_id[others[0]].content.split("\n\n")
        assert content[:s].endswith("\n\n") or s == 0
        assert content[e:].startswith("\n\n") or e == len(content)
        assert it.truth.to_dict(it.article.id)["unrelated"] == [[s, e]]
    assert spliced >= 3


def test_exact_copies_equal_their_source():
    items = _corpus()
    by_id = {it.article.id: it.article for it in items}
    exact = [it for it in items if it.truth.relation == "exact"]
    assert exact
    for it in exact:
        src = by_id[it.truth.source]
        assert it.article.content == src.content
        assert it.article.id != src.id and it.article.published > src.published


def test_relation_mix_and_story_consistency():
    items = _corpus(1000)
    by_id = {it.article.id: it for it in items}
    rel = Counter(it.truth.relation for it in items)
    derived = sum(rel[k] for k in ("exact", "near", "partial", "same"))
    assert 0.24 < derived / len(items) < 0.36, rel
    assert all(rel[k] > 10 for k in ("exact", "near", "partial", "same")), rel
    decoys = [it for it in items if it.truth.decoy_of]
    assert decoys
    for it in items:
        t = it.truth
        if t.source is not None:
            src = by_id[t.source]
            assert src.truth.source is None and src.truth.story == t.story  # copies come from originals
            assert it.article.published >= src.article.published  # copies are never earlier
            assert t.source not in t.distractors
        if t.decoy_of is not None:
            target = by_id[t.decoy_of].truth
            assert t.story != target.story and t.relation == "none"


def test_decoys_share_names_not_text():
    from storytrace.eval.baselines import shingles

    # real articles: the Markov model needs varied text (the hand-made sources repeat themselves)
    items = synth.generate(synth.load_sources(), n_articles=1000, seed=3).items()
    by_id = {it.article.id: it.article for it in items}
    for it in (x for x in items if x.truth.decoy_of):
        target = by_id[it.truth.decoy_of]
        shared = shingles(it.article.content) & shingles(target.content)
        assert len(shared) / max(1, len(shingles(it.article.content))) < 0.1
        cast = synth._cast_of(target.content)
        assert any(name in it.article.content for name in cast)


def test_decoys_and_same_story_rewrites_share_no_run_of_content_words_with_their_source():
    """Their label says no passage is shared: no four content words in a row (small words aside) may be."""
    items = synth.generate(synth.load_sources(), n_articles=1000, seed=3).items()
    by_id = {it.article.id: it.article for it in items}
    checked = 0
    for it in items:
        t = it.truth
        source = t.decoy_of or (t.source if t.relation == "same" else None)
        if source is None:
            continue
        checked += 1
        shared = synth._grams(it.article.content) & synth._grams(by_id[source].content)
        assert not shared, (it.article.id, sorted(shared)[:3])
    assert checked >= 50


def test_break_runs_removes_shared_runs_and_keeps_the_rest():
    source = synth._grams("A family reportedly upwards of the Internal Revenue Service.")
    out = synth._break_runs("Family reportedly upwards the of Internal Revenue Service today", source)
    assert not (synth._grams(out) & source)
    assert len(out.split()) >= 7  # one word out per shared run, not the whole headline
    assert synth._break_runs("Nothing here is shared", source) == "Nothing here is shared"


def test_lengths_and_disguises_present():
    items = _corpus(1000)
    words = [len(it.article.text.split()) for it in items]
    assert min(words) >= 100 and max(words) <= 2100
    ops = Counter(op for it in items for op in it.truth.ops)
    for op in ("spin", "glyphs", "no_of", "no_space", "tail", "scraped", "excerpt_unrelated", "rewrite"):
        assert ops[op] > 0, op
    glyphs = [it for it in items if "glyphs" in it.truth.ops]
    assert any(c in synth.HOMOGLYPHS.values() for c in glyphs[0].article.content)


def test_edit_helpers():
    rng = random.Random(0)
    assert synth.spin("Russia said no.", rng, 1.0).startswith("Russian Federation")
    assert synth.delete_of("the end of the year of") == "the end the year of"
    assert synth.nospace("One. Two. 3.5 three") == "One.Two.3.5 three"
    assert synth.homoglyphs("aaaa", rng, 1.0) == "\u0430" * 4
    assert synth.split_sentences("A b. C d.\n\nE f!") == [[(0, 4), (5, 9)], [(11, 15)]]


def test_parameters_checked():
    with pytest.raises(ValueError, match="n_articles"):
        synth.generate(SOURCES, n_articles=-1, seed=0)
    with pytest.raises(ValueError, match="Mix"):
        synth.Mix(exact=0.9, near=0.5)


def test_misread_damages_letters_at_its_rate_and_nothing_else():
    from rapidfuzz.distance import Levenshtein

    text = ("The Senate approved the budget on Tuesday, 52 votes to 48, after a debate of nine hours. " * 40)
    out = synth.misread(text, random.Random(3), rate=0.05)
    assert out == synth.misread(text, random.Random(3), rate=0.05)
    letters = sum(c.isalpha() for c in text)
    # Each damaged letter is one or two edits ("m" read as "rn"); about 5% of letters are damaged.
    assert 0.03 * letters < Levenshtein.distance(text, out) < 0.08 * letters
    # Figures and punctuation are left as they are.
    assert out.count("52") == out.count("48") == 40 and out.count(".") == text.count(".")
    assert synth.misread(text, random.Random(3), rate=0.0) == text


def test_set_in_columns_breaks_lines_and_hyphenates_but_keeps_the_words():
    import re

    text = ("The Senate approved the extraordinary budget on Tuesday, 52 votes to 48, after a debate of nine "
            "hours.\n\nOpposition senators said the government had ignored their amendments entirely.")
    out = synth.set_in_columns(text, random.Random(2), width=24)
    assert out == synth.set_in_columns(text, random.Random(2), width=24)
    assert out.count("\n\n") == 1 and "-\n" in out
    assert all(len(line) <= 24 for line in out.split("\n"))
    # undo the hyphens and line breaks: the same words
    assert re.sub(r"-\n", "", out).split() == text.split()
