"""Loaders read each corpus with its quirks; tests that need the shared data skip when it is absent."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from storytrace.errors import InputError
from storytrace.eval import loaders
from storytrace.eval.dataset import split_of


def _need(folder: str):
    path = loaders.data_root() / folder
    if not path.is_dir():
        pytest.skip(f"evaluation data {path} not present (set STORYTRACE_DATA)")
    return path


def test_split_is_deterministic_and_roughly_40_60():
    assert split_of("topic-7") == split_of("topic-7")
    share = Counter(split_of(f"g{i}") for i in range(2000))["dev"] / 2000
    assert 0.35 < share < 0.45


def test_ecbplus():
    _need("ecbplus-event-story-clusters")
    ds = loaders.load_ecbplus()
    assert len(ds.articles) == 982 and len(set(ds.stories.values())) == 86
    assert all(a.url is None for a in ds.articles)  # the url leaks the label
    assert all(a.published is None for a in ds.articles)
    a = next(x for x in ds.articles if x.id == "1_10ecb")
    assert a.title.startswith("Perennial party girl Tara Reid") and not a.text.startswith("Perennial")
    # a topic (its two events, the hard negatives) never straddles the split
    topics: dict[str, set[str]] = {}
    for doc, s in ds.split.items():
        topics.setdefault(doc.split("_")[0], set()).add(s)
    assert all(len(v) == 1 for v in topics.values())
    assert {p.label for p in ds.pairs} == {0.0, 1.0}
    assert all(p.a.split("_")[0] == p.b.split("_")[0] for p in ds.pairs)


def test_clough():
    _need("clough-stevenson-short-answer-reuse")
    ds = loaders.load_clough()
    assert len(ds.pairs) == 95 and sum(p.label for p in ds.pairs) == 57
    assert len(ds.sources) == 57 and all(len(c) == 5 for c in ds.candidates.values())
    assert all(s.startswith("orig_task") for s in ds.sources.values())
    assert all("\ufffd" not in a.text and a.text for a in ds.articles)  # cp1252 files decoded
    # one participant's answers never straddle the split
    parts: dict[str, set[str]] = {}
    for doc, s in ds.split.items():
        parts.setdefault(doc.split("_")[0], set()).add(s)
    assert all(len(v) == 1 for v in parts.values())
    assert {p.split for p in ds.pairs} == {"dev", "test"}


def test_googlenews_and_stsb():
    _need("googlenews-t-story-clusters")
    _need("stsb-headlines-pairs")
    gn = loaders.load_googlenews()
    assert len(gn.articles) == 11108 and len(set(gn.stories.values())) == 152
    sts = loaders.load_stsb()
    assert len(sts.pairs) == 2499 and len(sts.pairs_in("test")) == 250 and sts.graded
    assert sum(sts.is_positive(p) for p in sts.pairs) == sum(1 for p in sts.pairs if p.label >= 3)


def test_user_jsonl_and_pairs(tmp_path):
    rows = [{"id": "x1", "title": "T", "text": "a b c", "story": "s1", "date": "2020-01-02"},
            {"id": "x2", "text": "d e f", "story": "s1"},
            {"id": "x3", "text": "g h i", "story": "s2"}]
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("a,b,label\nx1,x2,1\nx1,x3,0\n")
    ds = loaders.load_dataset(str(path), pairs=pairs)
    assert [a.id for a in ds.articles] == ["x1", "x2", "x3"]
    assert ds.articles[0].published == "2020-01-02" and ds.stories["x2"] == "s1"
    assert ds.split["x1"] == ds.split["x2"]  # same story, same side
    across = ds.split["x1"] != ds.split["x3"]  # a pair across the split is left out (see below)
    assert [(p.a, p.b, p.label) for p in ds.pairs] == [("x1", "x2", 1.0)] + ([] if across else [("x1", "x3", 0.0)])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "no story"}\n')
    with pytest.raises(InputError, match="no usable article.*bad.jsonl:1"):
        loaders.load_jsonl(bad)
    with pytest.raises(InputError, match="unknown dataset"):
        loaders.load_dataset("no-such-dataset")
    with pytest.raises(InputError, match="JSONL"):
        loaders.load_dataset("clough", pairs=pairs)


def test_user_jsonl_labelled_by_pairs_alone(tmp_path):
    rows = [{"id": f"x{i}", "text": f"text {i}"} for i in range(8)] + [{"id": "s", "text": "t", "story": "k"}]
    path = tmp_path / "pairs-only.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("a,b,label\nx0,x1,1\nx1,x2,0\nx3,x4,1\nx5,x6,0\nx6,s,1\n")
    ds = loaders.load_jsonl(path, pairs, pair_task="reuse")
    assert len(ds.articles) == 9 and ds.problems == [] and ds.stories == {"s": "k"}
    # articles joined by pairs fall on one side, a story's side where one of them has a story
    assert ds.split["x0"] == ds.split["x1"] == ds.split["x2"] and ds.split["x3"] == ds.split["x4"]
    assert ds.split["x5"] == ds.split["x6"] == ds.split["s"]
    assert {p.split for p in ds.pairs} <= {"dev", "test"} and all(p.split == ds.split[p.a] for p in ds.pairs)
    # without a pairs file the story label is what a line is scored by, and it is required
    unlabelled = tmp_path / "no-stories.jsonl"
    unlabelled.write_text(json.dumps({"id": "x", "text": "t"}) + "\n")
    with pytest.raises(InputError, match="no 'story' label"):
        loaders.load_jsonl(unlabelled)


def test_pair_task_overrides_a_bundled_datasets_own(monkeypatch):
    tiny = loaders.Dataset("tiny", [], {}, pair_task="paraphrase")
    monkeypatch.setitem(loaders.DATASETS, "tiny", lambda: tiny)
    assert loaders.load_dataset("tiny").pair_task == "paraphrase"
    assert loaders.load_dataset("tiny", pair_task="story").pair_task == "story"


def test_user_jsonl_bad_records_are_named_and_left_out(tmp_path):
    good = [{"id": "x1", "text": "a b c", "story": "s1"}, {"id": "x2", "text": "d e f", "story": "s1"}]
    lines = [json.dumps(good[0]), "{not json", json.dumps({"id": "x9", "story": "s1", "title": "no text"}),
             json.dumps(good[1]), json.dumps({"id": "x1", "text": "again", "story": "s2"}), "[1, 2]"]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("a,b,label\nx1,x2,1\nx1,x9,0\nx2,x1,maybe\n")
    ds = loaders.load_jsonl(path, pairs, pair_task="reuse")
    assert [a.id for a in ds.articles] == ["x1", "x2"] and ds.pair_task == "reuse"
    assert [(p.a, p.b) for p in ds.pairs] == [("x1", "x2")]
    assert [p.split(": ")[0] for p in ds.problems] == [
        f"{path}:2", f"{path}:3", f"{path}:5", f"{path}:6", f"{pairs}:3", f"{pairs}:4"]
    assert "'x9'" in ds.problems[4] and "earlier line" in ds.problems[2]
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("x1,x2,1\n")  # the first row is a pair: read as a,b,label
    assert [(p.a, p.b, p.label) for p in loaders.load_jsonl(path, headerless).pairs] == [("x1", "x2", 1.0)]
    other = tmp_path / "other.csv"
    other.write_text("left,right,same\nx1,x2,1\n")
    with pytest.raises(InputError, match="other.csv:1: expected columns a, b, label; found: left, right, same"):
        loaders.load_jsonl(path, other)


def test_missing_data_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYTRACE_DATA", str(tmp_path))
    assert loaders.data_root() == tmp_path
    with pytest.raises(loaders.DataMissing, match="STORYTRACE_DATA"):
        loaders.load_clough()


def test_synth_dataset_labels():
    from storytrace import synth

    items = synth.generate(synth.load_sources(), n_articles=300, seed=4).items()
    ds = loaders.synth_dataset(items)
    assert len(ds.articles) == 300
    for copy, src in ds.sources.items():
        assert ds.stories[copy] == ds.stories[src] and ds.split[copy] == ds.split[src]
        assert ds.candidates[copy][0] == src and len(set(ds.candidates[copy])) == len(ds.candidates[copy])
    assert {p.label for p in ds.pairs} == {0.0, 1.0}
    assert all(ds.first[ds.stories[a]] != a for a in ds.sources)
    relation = {it.article.id: it.truth.relation for it in items}
    # every reuse copy says which disguises it was given, in storytrace's names for them
    from storytrace.disguise import DISGUISES

    ops = {it.article.id: set(it.truth.ops) for it in items}
    assert set(ds.disguised) == set(ds.sources)
    assert all(("glyphs" in ops[c]) == ("lookalike_letters" in k) for c, k in ds.disguised.items())
    assert set().union(*ds.disguised.values()) <= set(DISGUISES) and any(ds.disguised.values())
    assert ds.passages and all(relation[p.copy] in ("exact", "near", "partial") for p in ds.passages)
    # unrelated spans: for every copy (not the "same" rewrites), the spliced paragraphs and only those
    assert set(ds.unrelated) == {a for a, r in relation.items() if r in ("exact", "near", "partial")}
    spliced = {it.article.id: list(it.truth.unrelated) for it in items if it.truth.unrelated}
    assert spliced and {a: v for a, v in ds.unrelated.items() if v} == spliced
    # copy kinds: every (derived, source) pair, "same" rewrites as none, and every decoy against its model
    truth = {it.article.id: it.truth for it in items}
    expect = {"exact": "exact", "near": "near", "partial": "partial", "same": "none"}
    derived = [(a, t.source) for a, t in truth.items() if t.source is not None]
    decoys = [(a, t.decoy_of) for a, t in truth.items() if t.decoy_of is not None]
    assert decoys and [(p.a, p.b) for p in ds.copy_pairs] == sorted(derived + decoys)
    for p in ds.copy_pairs:
        t = truth[p.a]
        assert p.kind == (expect[t.relation] if t.source else "none") and p.split == ds.split[p.a]
    assert {p.kind for p in ds.copy_pairs} == {"exact", "near", "partial", "none"}
    assert len(ds.copy_pairs_in("dev")) + len(ds.copy_pairs_in("test")) == len(ds.copy_pairs)


def test_user_jsonl_lines_not_utf8_and_a_truncated_gzip_are_named(tmp_path):
    import gzip

    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"id": "x1", "text": "caf\xe9 news", "story": "s1"}\n'
                     + json.dumps({"id": "x2", "text": "fine", "story": "s1"}).encode() + b"\n")
    ds = loaders.load_jsonl(path)
    assert [a.id for a in ds.articles] == ["x2"]
    assert ds.problems == [f"{path}:1: not UTF-8 (byte 0xe9 at column 26)"]

    lines = b"".join(json.dumps({"id": f"a{i}", "text": f"report {i} " * 20, "story": f"s{i % 7}"}).encode() + b"\n"
                     for i in range(3000))
    packed = gzip.compress(lines)
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(packed[: len(packed) * 2 // 3])
    ds = loaders.load_jsonl(cut)
    assert 0 < len(ds.articles) < 3000
    assert [a.id for a in ds.articles] == [f"a{i}" for i in range(len(ds.articles))]  # the lines before the break
    assert len(ds.problems) == 1 and ds.problems[0].startswith(f"{cut}: unreadable after line ")


def test_synth_negative_pair_never_names_an_article_the_copy_took_text_from():
    """A copy with a paragraph spliced in from another article reuses that article's text: the reuse pair
    against it is no negative, even when the generator drew it as the copy's first distractor."""
    import dataclasses

    from storytrace import synth

    items = list(synth.generate(synth.load_sources(), n_articles=300, seed=4).items())
    k, item = next((k, it) for k, it in enumerate(items)
                   if it.truth.unrelated and any(p.source != it.truth.source for p in it.truth.passages))
    foreign = next(p.source for p in item.truth.passages if p.source != item.truth.source)
    others = tuple(d for d in item.truth.distractors if d != foreign)
    items[k] = synth.SynthItem(item.article, dataclasses.replace(item.truth, distractors=(foreign, *others)))
    ds = loaders.synth_dataset(items)
    negatives = [p.b for p in ds.pairs if p.a == item.article.id and p.label == 0.0]
    assert negatives == [others[0]]
    assert ds.candidates[item.article.id] == [item.truth.source, foreign, *others]



def _story_lines(n: int = 12) -> list[dict]:
    return [{"id": f"a{i}", "text": f"Report number {i} on the storm over the harbour of Genoa and its cranes.",
             "story": f"s{i % 4}"} for i in range(n)]


def test_a_renamed_or_gzipped_copy_of_a_user_file_splits_the_same(tmp_path) -> None:
    import gzip as gz

    text = "\n".join(json.dumps(r) for r in _story_lines()) + "\n"
    (tmp_path / "mine.jsonl").write_text(text)
    (tmp_path / "mine_v2.jsonl").write_text(text)
    (tmp_path / "mine.jsonl.gz").write_bytes(gz.compress(text.encode()))
    splits = [loaders.load_jsonl(tmp_path / name).split for name in ("mine.jsonl", "mine_v2.jsonl", "mine.jsonl.gz")]
    assert splits[0] == splits[1] == splits[2] and set(splits[0].values()) == {"dev", "test"}


def test_user_lines_are_read_as_a_scan_reads_them(tmp_path) -> None:
    rows = [{"id": 0, "text": "Officials say the minister survived.", "story": "s", "title": 12345},
            {"id": 3.0, "body": "Rain fell on the coast of Genoa.", "story": 7, "author": {"n": 1},
             "date": "yesterday"},
            {"id": "x", "text": "A third report on the storm.", "story": "s", "published": "2020-03-01T08:00:00+09:00"}]
    path = tmp_path / "typed.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(json.dumps(r) for r in rows).encode() + b"\n")  # with a BOM
    ds = loaders.load_jsonl(path)
    by_id = {a.id: a for a in ds.articles}
    assert set(by_id) == {"0", "3", "x"}  # an id 0 is "0", and 3.0 from pandas is 3
    assert by_id["0"].title == "12345" and by_id["3"].text.startswith("Rain") and isinstance(by_id["3"].author, str)
    assert by_id["x"].published == "2020-02-29T23:00:00Z" and ds.stories["3"] == "7"
    assert ds.problems == [f"{path}:2: unparseable date 'yesterday' (kept without a date)"]


def test_many_lines_with_one_mistake_are_counted_in_one_line(tmp_path) -> None:
    rows = _story_lines(4) + [{"id": f"n{i}", "text": "No label here."} for i in range(8)]
    path = tmp_path / "half.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ds = loaders.load_jsonl(path)
    assert len(ds.articles) == 4 and len(ds.problems) == 6
    assert all("no 'story' label" in p for p in ds.problems[:5])
    assert ds.problems[5] == f"{path}:10: and 3 more lines without a story label (lines 10-12)"


def test_pairs_that_join_the_dev_and_test_splits_are_left_out(tmp_path) -> None:
    rows = _story_lines(12)
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ds0 = loaders.load_jsonl(path)
    by_side = {side: [a for a, s in ds0.split.items() if s == side] for side in ("dev", "test")}
    (d, t) = by_side["dev"][0], by_side["test"][0]
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"a,b,label\n{d},{t},0\n{t},{by_side['test'][-1]},1\n")
    ds = loaders.load_jsonl(path, pairs)
    assert [(p.a, p.b) for p in ds.pairs] == [(t, by_side["test"][-1])]
    assert "1 of 2 pairs join articles whose stories fall on different sides" in ds.problems[-1]
