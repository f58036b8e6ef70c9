"""The runner wires systems, tuning and metrics together; a fake system keeps these tests independent of
the matching code, and one CLI test runs the real storytrace on a tiny corpus."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest
from click.testing import CliRunner

from storytrace.eval import runner
from storytrace.cli import main
from storytrace.eval.dataset import CopyPair, Dataset, LabeledPair, TruthPassage
from rich.console import Console

from storytrace.eval.report import confusion_markdown, render_markdown, render_table, rows
from storytrace.eval.systems import Clustering
from storytrace.model import Article

TOPICS = [
    "harbour pier storm timber ferries terminal repairs closed",
    "bakery sourdough contest judges crust crumb starter loaf",
    "election ballots counting district turnout candidates recount",
    "river flood levee evacuation rainfall sandbags residents",
]


def _dataset() -> Dataset:
    """Two copies per topic story, stories split by hand: topics 0,1 dev; 2,3 test."""
    arts, stories, split, pairs, passages, copies = [], {}, {}, [], [], []
    for t, words in enumerate(TOPICS):
        s = "dev" if t < 2 else "test"
        for k in range(3):
            text = f"{words} report number {t}. " * (k + 2)
            a = Article(text=text, id=f"t{t}a{k}", published=f"2020-01-0{k + 1}")
            arts.append(a)
            stories[a.id] = f"s{t}"
            split[a.id] = s
        pairs.append(LabeledPair(f"t{t}a1", f"t{t}a0", 1.0, s))
        pairs.append(LabeledPair(f"t{t}a1", f"t{(t + 1) % 4}a0", 0.0, s))
        passages.append(TruthPassage(f"t{t}a1", f"t{t}a0", 0, 20, 0, 20))
        copies.append(CopyPair(f"t{t}a1", f"t{t}a0", "near", s))
        copies.append(CopyPair(f"t{t}a2", f"t{t}a0", "partial", s))
        copies.append(CopyPair(f"t{t}a1", f"t{(t + 1) % 4}a0", "none", s))
    return Dataset("tiny", arts, split, stories=stories, pairs=pairs, pair_task="reuse",
                   sources={f"t{t}a1": f"t{t}a0" for t in range(4)},
                   candidates={f"t{t}a1": [f"t{t}a0", f"t{(t + 1) % 4}a0"] for t in range(4)},
                   passages=passages, copy_pairs=copies, first={f"s{t}": f"t{t}a0" for t in range(4)},
                   duplicates=[(f"t{t}a1", f"t{t}a0") for t in range(4)])


class Fake:
    """Clusters by topic word, scores pairs by shared first word, finds one passage of 10 chars."""

    name = "storytrace"

    def cluster(self, articles):
        return Clustering({a.id: a.text.split()[0] for a in articles})

    def pair_scores(self, pairs, task):
        s = [float(a.text.split()[0] == b.text.split()[0]) for a, b in pairs]
        return s, [x > 0.5 for x in s]

    def passages(self, copy, source):
        return [(0, 10, 0, 10)]

    def copy_kinds(self, pairs):
        return ["exact" if a.text == b.text else "near" if a.text.split()[0] == b.text.split()[0] else "none"
                for a, b in pairs]

    def sentence_similarity(self, a, b):
        return float(a == b)


def test_run_eval_with_fake_system():
    ds = _dataset()
    res = runner.run_eval(ds, system=Fake())
    tasks = {t.task: t for t in res.tasks}
    assert set(tasks) == {"clusters", "pairs", "copy", "attribution", "passages"}
    c = tasks["clusters"].metrics["storytrace"]
    assert c["bcubed_f1"] == pytest.approx(1.0) and c["ari"] == pytest.approx(1.0)
    assert c["first_publisher_acc"] == pytest.approx(1.0)  # earliest member of each perfect cluster
    assert c["first_publisher_story_acc"] == pytest.approx(1.0)
    assert set(tasks["clusters"].metrics) >= {"minhash-lsh@0.5", "minhash-lsh@0.8", "tfidf-single", "tfidf-average"}
    assert tasks["pairs"].metrics["storytrace"]["f1"] == pytest.approx(1.0)
    assert tasks["attribution"].metrics["storytrace"]["top1_acc"] == pytest.approx(1.0)
    p = tasks["passages"].metrics["storytrace"]
    # one case of 20+20 chars, one detection of 10+10 inside it: precision 1, recall 0.5, granularity 1
    assert (p["precision"], p["recall"], p["granularity"]) == pytest.approx((1.0, 0.5, 1.0))
    # copy kinds on the test topics: the fake says near for both same-topic pairs (one truly near, one
    # partial) and none for the cross-topic pair: 4 of 6 right
    k = tasks["copy"]
    assert k.metrics["storytrace"] == pytest.approx(
        {"accuracy": 4 / 6, "recall_near": 1.0, "recall_partial": 0.0, "recall_none": 1.0})
    conf = k.notes["confusion"]["storytrace"]
    assert conf["partial"]["near"] == 2 and conf["near"]["near"] == 2 and conf["none"]["none"] == 2
    assert set(k.metrics) == {"storytrace", "minhash-jaccard", "tfidf-cosine"}
    assert set(k.notes["tuned_cuts"]) == {"minhash-jaccard", "tfidf-cosine"}
    assert all(c["partial"] <= c["near"] for c in k.notes["tuned_cuts"].values())
    assert k.notes["pairs"] == 6 and k.notes["gold"] == {"near": 2, "partial": 2, "none": 2}
    # margins of item-level tasks get a paired-bootstrap interval that holds the margin itself; clusters
    # and passages (items that are not independent) get none
    for t in ("pairs", "copy", "attribution"):
        for k, (lo, hi) in tasks[t].intervals.items():
            margin, _ = tasks[t].margin(k)
            assert lo - 1e-9 <= margin <= hi + 1e-9, (t, k)
    assert "f1" in tasks["pairs"].intervals and "accuracy" in tasks["copy"].intervals
    assert not tasks["clusters"].intervals and not tasks["passages"].intervals
    d = res.to_dict()
    json.dumps(d)
    assert d["tasks"]["copy"]["margins"]["accuracy"]["ci95"] == [round(x, 4) for x in tasks["copy"].intervals["accuracy"]]
    assert "ci95" not in d["tasks"]["clusters"]["margins"]["bcubed_f1"]
    assert d["tasks"]["pairs"]["notes"]["tuned_threshold"].keys() == {"minhash-jaccard", "tfidf-cosine"}
    assert "| clusters | bcubed_f1 |" in render_markdown(res)
    assert all(r[2][0] is not None for r in rows(res))
    assert "| copy | accuracy |" in render_markdown(res)
    assert "| partial | 0 | 2 | **0** | 0 |" in confusion_markdown(conf)
    console = Console(record=True, width=200, file=io.StringIO())
    render_table(res, console)
    out = console.export_text()
    assert "recall_partial" in out and "copy: storytrace confusion" in out
    lo, hi = tasks["copy"].intervals["accuracy"]
    shown = f"[{round(lo, 3) + 0.0:+.3f},{round(hi, 3) + 0.0:+.3f}]"
    assert "margin [95% interval]" in out and shown in out and shown in render_markdown(res)
    narrow = Console(record=True, width=80, file=io.StringIO())
    render_table(res, narrow)
    text = narrow.export_text()
    assert "[95% interval]" not in text and "--json (margins.*.ci95)" in text


def test_unrelated_spans_scored_on_copy_source_pairs_only():
    ds = _dataset()
    ds.unrelated = {"t0a1": [(0, 40)], "t1a1": []}
    # a pair with another source: a plagdet case, but not a pair to judge unrelated spans on
    ds.passages.append(TruthPassage("t0a1", "t3a0", 0, 5, 0, 5))

    class WithUnrelated(Fake):
        seen: list[tuple[str, str]] = []

        def unrelated(self, copy, source):
            self.seen.append((copy.id, source.id))
            # t0a1: 20 of its 40 true chars plus 10 false ones in the source; t1a1: 30 false chars
            return ([(20, 40)], [(0, 10)]) if copy.id == "t0a1" else ([(0, 30)], [])

    fake = WithUnrelated()
    task = runner.eval_passages(ds, "dev", fake)
    # tp 20, fp 10 + 30, fn 20: precision 1/3, recall 1/2
    got = task.metrics["storytrace"]
    assert (got["unrelated_precision"], got["unrelated_recall"]) == pytest.approx((1 / 3, 1 / 2))
    assert got["unrelated_f1"] == pytest.approx(0.4)
    assert sorted(fake.seen) == [("t0a1", "t0a0"), ("t1a1", "t1a0")]
    assert task.notes["unrelated_pairs"] == 2 and task.notes["unrelated_spans"] == 1
    assert "unrelated_f1" not in task.metrics["whole-document"]


def test_first_publisher_per_copy_and_per_story():
    """Hand-made truth and clustering. Stories: s1 = o1 + copy c1; s2 = o2 + copy c2; s3 = o3 + a rewrite
    r3 (no copy); s4 = o4 alone, earlier than everything; s5 = o5 + copy c5."""
    dates = {"o4": "2019-12-01", "o1": "2020-01-01", "c1": "2020-01-02", "o2": "2020-01-03", "c2": "2020-01-04",
             "o3": "2020-01-05", "r3": "2020-01-06", "o5": "2020-01-07", "c5": "2020-01-08"}
    arts = [Article(text=k, id=k, published=v) for k, v in dates.items()]
    ds = Dataset("fp", arts, {a.id: "test" for a in arts}, stories={a.id: f"s{a.id[1]}" for a in arts},
                 sources={"c1": "o1", "c2": "o2", "c5": "o5"},
                 first={"s1": "o1", "s2": "o2", "s3": "o3", "s5": "o5"})
    # {o1, c1} found; o2 merged into o4's older story and c2 alone; {o3, r3} found; o5 and c5 both alone
    c = Clustering({"o1": "A", "c1": "A", "o2": "B", "o4": "B", "c2": "C", "o3": "D", "r3": "D", "o5": "E",
                    "c5": "F"})
    # per derived article: c1 right (A headed by o1), c2 wrong (alone, names itself), r3 right, c5 wrong
    assert runner.first_publisher_accuracy(ds, arts, c) == pytest.approx(2 / 4)
    # per story with a copy (s1, s2, s5; s3 has only a rewrite): s1 right, s2 headed by o4, s5 not found
    assert runner.first_publisher_story_accuracy(ds, arts, c) == pytest.approx(1 / 3)
    # the system's own first publisher beats the earliest date: naming c1 first for A makes s1 wrong too
    assert runner.first_publisher_story_accuracy(ds, arts, Clustering(c.labels, {"A": "c1"})) == 0.0


def test_margin_respects_direction():
    t = runner.TaskResult("x", {"storytrace": {"f1": 0.7, "granularity": 1.2},
                                "b1": {"f1": 0.8, "granularity": 1.0}, "b2": {"f1": 0.6, "granularity": 1.5}})
    assert t.margin("f1") == (pytest.approx(-0.1), "b1")
    assert t.margin("granularity") == (pytest.approx(-0.2), "b1")


def test_ties_do_not_favour_the_listed_order():
    # a system that scores every candidate the same must not get the true source (listed first) for free
    ranked = [runner._rank(f"d{i}", ["true", "x", "y", "z"], [0.0] * 4)[0] for i in range(40)]
    assert 0 < ranked.count("true") < 40


def test_a_task_with_no_labels_in_the_split_is_named_not_scored_as_zeros():
    ds = _dataset()
    ds.pairs = [p for p in ds.pairs if p.split == "dev"]
    res = runner.run_eval(ds, system=Fake(), tasks=["clusters", "pairs"])
    assert [t.task for t in res.tasks] == ["clusters"]
    assert res.skipped == {"pairs": "none of the 4 labelled pairs is in the test split (--split dev scores them)"}
    assert res.to_dict()["skipped"] == res.skipped
    console = Console(file=io.StringIO(), width=200)
    render_table(res, console)
    assert "not scored: pairs: none of the 4 labelled pairs" in console.file.getvalue()
    # scored on the split that has them, and nothing said when nothing is skipped
    dev = runner.run_eval(ds, split="dev", system=Fake(), tasks=["pairs"])
    assert [t.task for t in dev.tasks] == ["pairs"] and "skipped" not in dev.to_dict()


def test_unknown_task_rejected():
    with pytest.raises(ValueError, match="unknown tasks"):
        runner.run_eval(_dataset(), system=Fake(), tasks=["nope"])


def _topic_corpus(tmp_path) -> tuple[str, int]:
    """A labelled JSONL corpus: three lightly varied texts for each of TOPICS (path, number of articles)."""
    path = tmp_path / "corpus.jsonl"
    lines = []
    for t, words in enumerate(TOPICS):
        for k in range(3):
            text = " ".join(f"{w}{k if j % 3 == 0 else ''}" for j, w in enumerate(words.split() * 6)) + "."
            lines.append(json.dumps({"id": f"t{t}-{k}", "title": words.split()[0].title(), "text": text,
                                     "story": f"s{t}"}))
    path.write_text("\n".join(lines) + "\n")
    return str(path), len(lines)


def test_eval_command_json_on_user_corpus(tmp_path):
    path, _ = _topic_corpus(tmp_path)
    # through the top-level group, as a user runs it: invoking eval_cmd on its own would make click cache a
    # help option without "-h" on the shared command object and stale the generated CLI reference
    res = CliRunner().invoke(main, ["eval", str(path), "--json", "--task", "clusters"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["dataset"] == "corpus" and set(doc["tasks"]) == {"clusters"}
    assert 0.0 <= doc["tasks"]["clusters"]["metrics"]["storytrace"]["bcubed_f1"] <= 1.0
    bad = CliRunner().invoke(main, ["eval", "no-such-thing"])
    assert bad.exit_code != 0 and "unknown dataset" in bad.output


def test_eval_set_scores_storytrace_with_changed_settings(tmp_path):
    """``--set`` reaches the index and compare the evaluation uses: with a story threshold no pair reaches
    and no near copies, topics the defaults group fall apart."""
    path, n_articles = _topic_corpus(tmp_path)

    def found(*extra: str) -> int:
        res = CliRunner().invoke(main, ["eval", str(path), "--json", "--task", "clusters", *extra])
        assert res.exit_code == 0, res.output
        return json.loads(res.output)["tasks"]["clusters"]["notes"]["clusters_found"]["storytrace"]

    default = found()
    assert default < n_articles
    assert found("--set", "story_threshold=1.0", "--set", "near_coverage=1.0") > default
    for bad, message in (("nope=1", "expected NAME=VALUE"), ("story_threshold", "expected NAME=VALUE"),
                         ("top_terms=many", "needs a int value"), ("story_threshold=2", "between 0 and 1")):
        res = CliRunner().invoke(main, ["eval", str(path), "--set", bad])
        assert res.exit_code != 0 and message in res.output, res.output


def test_eval_command_scores_a_corpus_labelled_by_pairs_alone(tmp_path):
    path, _ = _topic_corpus(tmp_path)
    lines = [json.loads(x) for x in open(path)]
    for d in lines[1:]:
        del d["story"]  # one article keeps its story label: clusters are scored on it alone
    open(path, "w").write("\n".join(json.dumps(d) for d in lines) + "\n")
    pairs = tmp_path / "pairs.csv"
    rows = [f"t{t}-{k},t{t}-0,1" for t in range(4) for k in (1, 2)] + [f"t{t}-1,t{(t + 1) % 4}-0,0" for t in range(4)]
    pairs.write_text("a,b,label\n" + "\n".join(rows) + "\n")
    res = CliRunner().invoke(main, ["eval", path, "--pairs", str(pairs), "--pair-task", "reuse", "--split", "dev",
                                    "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output[res.output.index("{"):])
    scored = [p for p in ("dev", "test") if doc["summary"][f"{p}_pairs"]]
    assert doc["summary"]["dev_pairs"] + doc["summary"]["test_pairs"] == len(rows) and scored
    assert ("pairs" in doc["tasks"]) == (doc["summary"]["dev_pairs"] > 0)
    assert doc["tasks"].get("clusters", {"notes": {"articles": 1}})["notes"]["articles"] <= 1


def test_settings_with_reads_each_value_as_its_fields_type():
    from storytrace.eval.command import settings_with

    st = settings_with(["top_terms=150", " story_threshold = 0.3"])
    assert st.top_terms == 150 and isinstance(st.top_terms, int) and st.story_threshold == 0.3
    assert settings_with([]) == settings_with([])


def test_eval_command_warns_for_bad_lines_and_scores_pairs_as_the_given_task(tmp_path):
    path, _ = _topic_corpus(tmp_path)
    with open(path, "a") as fh:
        fh.write("{broken\n")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("a,b,label\nt0-1,t0-0,1\nt1-1,t1-0,1\nt0-1,t1-0,0\nt2-1,t3-0,0\nt0-1,ghost,1\n")

    def run(*extra: str) -> dict:
        res = CliRunner().invoke(main, ["eval", path, "--json", "--task", "pairs",
                                           "--pairs", str(pairs), *extra])
        assert res.exit_code == 0, res.output + res.stderr
        assert f"warning: {path}:13: not JSON" in res.stderr and f"{pairs}:6: no article 'ghost'" in res.stderr
        return json.loads(res.stdout)["tasks"]["pairs"]

    story, reuse = run(), run("--pair-task", "reuse")
    assert story["notes"]["task"] == "story" and reuse["notes"]["task"] == "reuse"
    assert story["notes"]["pairs"] + story["notes"]["dev_pairs"] == 4
    res = CliRunner().invoke(main, ["eval", "clough", "--pairs", str(pairs)])
    assert res.exit_code != 0 and "for a JSONL file" in res.output


def test_margins_print_signed_with_no_negative_zero():
    from storytrace.eval.report import _fmt_margin

    assert _fmt_margin(-0.0001, (-0.0002, 0.0012)) == "+0.000 [+0.000,+0.001]"
    assert _fmt_margin(-0.0123, (-0.05, 0.02)) == "-0.012 [-0.050,+0.020]"
    assert _fmt_margin(None) == "–" and _fmt_margin(0.25) == "+0.250"


def test_behind_markdown_names_each_trailing_row_and_what_its_interval_says():
    from storytrace.eval.report import behind_markdown
    from storytrace.eval.runner import EvalResult, TaskResult

    t = TaskResult("pairs", metrics={"storytrace": {"f1": 0.70, "avg_precision": 0.80, "recall": 0.90},
                                     "tfidf-cosine": {"f1": 0.75, "avg_precision": 0.81, "recall": 0.80}})
    t.intervals = {"f1": (-0.08, -0.02), "avg_precision": (-0.04, 0.02)}
    c = TaskResult("clusters", metrics={"storytrace": {"nmi": 0.80}, "tfidf-average": {"nmi": 0.85}})
    res = EvalResult("tiny", "test", "", {}, tasks=[t, c])
    assert behind_markdown({"tiny": res}).splitlines() == [
        "- tiny pairs f1: -0.050 [-0.080,-0.020] vs tfidf-cosine: a loss on this split",
        "- tiny pairs avg_precision: -0.010 [-0.040,+0.020] vs tfidf-cosine: within noise",
        "- tiny clusters nmi: -0.050 vs tfidf-average: no interval",
    ]
    t.metrics["storytrace"] = {"f1": 0.80, "avg_precision": 0.90, "recall": 0.90}
    c.metrics["storytrace"] = {"nmi": 0.90}
    assert behind_markdown({"tiny": res}) == "- none"


def test_disguises_scored_per_kind_against_the_generators_ops():
    ds = _dataset()
    # test copies t2a1 and t3a1 (sources t2a0, t3a0); t0a1 is on dev and must not count
    ds.disguised = {"t2a1": frozenset({"missing_spaces", "swapped_words"}), "t3a1": frozenset({"swapped_words"}),
                    "t0a1": frozenset({"missing_spaces"})}

    class Named(Fake):
        def disguises(self, copy, source):
            assert ds.sources[copy.id] == source.id
            return {"t2a1": ["missing_spaces"], "t3a1": ["swapped_words", "missing_spaces"]}[copy.id]

    task = runner.eval_disguises(ds, "test", Named())
    got = task.metrics["storytrace"]
    # missing_spaces: said for both, true for t2a1 only -> P 1/2, R 1/1; swapped_words: said for t3a1 only,
    # true for both -> P 1/1, R 1/2; over all (copy, kind) cells: tp 2, fp 1, fn 1 -> F1 2/3
    assert got == pytest.approx({"missing_spaces_precision": 0.5, "missing_spaces_recall": 1.0,
                                 "swapped_words_precision": 1.0, "swapped_words_recall": 0.5, "f1": 2 / 3})
    assert task.notes == {"copies": 2, "with_disguises": {"missing_spaces": 1, "swapped_words": 2}}
    # a system that cannot name disguises gets no such task
    assert "disguises" not in {t.task for t in runner.run_eval(ds, system=Fake()).tasks}


def test_eval_seed_is_the_synth_generators_and_only_synths(tmp_path):
    """``--seed`` scores a synth corpus no setting was chosen on; fixed data sets and files refuse it."""
    from storytrace.eval.loaders import SYNTH_SEED, load_dataset

    default, other = load_dataset("synth"), load_dataset("synth", seed=SYNTH_SEED + 14)
    assert len(default.articles) == len(other.articles)
    assert {a.content for a in default.articles} != {a.content for a in other.articles}
    assert "no setting was chosen on" in other.description and "no setting" not in default.description
    path, _ = _topic_corpus(tmp_path)
    for name in ("clough", path):
        res = CliRunner().invoke(main, ["eval", name, "--seed", "3"])
        assert res.exit_code != 0 and "--seed is the synth generator's seed" in res.output, res.output


class _Wrong(Fake):
    """The fake, made wrong on purpose: it merges two topics' stories, calls every same-topic pair near, and
    ranks candidates backwards."""

    def cluster(self, articles):
        return Clustering({a.id: "merged" if a.id.startswith(("t2", "t3")) else a.id for a in articles})

    def pair_scores(self, pairs, task):
        s = [1.0 - float(a.text.split()[0] == b.text.split()[0]) for a, b in pairs]
        return s, [x > 0.5 for x in s]


def test_misses_list_the_items_storytrace_decides_wrongly():
    ds = _dataset()
    res = runner.run_eval(ds, system=_Wrong())
    tasks = {t.task: t for t in res.tasks}
    # pairs: the scores are inverted, so both test pairs of each topic are wrong (4 pairs on test)
    assert sorted((m["a"], m["b"], m["truth"], m["storytrace"]) for m in tasks["pairs"].misses) == [
        ("t2a1", "t2a0", True, False), ("t2a1", "t3a0", False, True),
        ("t3a1", "t0a0", False, True), ("t3a1", "t3a0", True, False)]
    # copy: the partial copies called near, and the cross-topic "none" pairs too (first words differ: none)
    assert sorted((m["a"], m["b"], m["truth"], m["storytrace"]) for m in tasks["copy"].misses) == [
        ("t2a2", "t2a0", "partial", "near"), ("t3a2", "t3a0", "partial", "near")]
    # attribution: the inverted score ranks the other topic's original first
    assert sorted((m["item"], m["truth"], m["storytrace"]) for m in tasks["attribution"].misses) == [
        ("t2a1", "t2a0", "t3a0"), ("t3a1", "t3a0", "t0a0")]
    # clusters: topics 2 and 3 in one cluster headed by t2a0 (dated first, id first): t3a0 does not head it
    story_miss, merged = tasks["clusters"].misses
    assert merged == {"metric": "merged", "members": 6, "stories": ["s2", "s3"],
                      "articles": ["t2a0", "t2a1", "t2a2", "t3a0", "t3a1"]}
    assert story_miss["original"] == "t3a0" and story_miss["named_first"] == "t2a0"
    assert story_miss["found_its_story"] and story_miss["other_stories"] == ["s2"]
    assert "misses" not in res.to_dict()["tasks"]["pairs"]
    assert res.to_dict(misses=True)["tasks"]["pairs"]["misses"] == tasks["pairs"].misses
    from storytrace.eval.report import render_misses

    console = Console(record=True, width=200, file=io.StringIO())
    render_misses(res, 1, console)
    out = console.export_text()
    assert "pairs: 4 items storytrace gets wrong (the first 1)" in out and "copy: 2 items" in out


def test_eval_misses_option_prints_and_dumps_them(tmp_path):
    path, _ = _topic_corpus(tmp_path)
    res = CliRunner().invoke(main, ["eval", str(path), "--json", "--task", "clusters", "--misses", "3"])
    assert res.exit_code == 0, res.output
    assert "misses" in json.loads(res.output)["tasks"]["clusters"]
    plain = CliRunner().invoke(main, ["eval", str(path), "--json", "--task", "clusters"])
    assert "misses" not in json.loads(plain.output)["tasks"]["clusters"]


def test_dedup_scored_against_groups_of_exact_and_near_copies():
    """On the test topics the truth has one group per topic (a1 near a0; a2 is partial and stays): the
    fake drops a1 and a2 into a0, so half of its drops are right, every true duplicate is dropped and each
    original is kept."""

    class Dedup(Fake):
        def duplicates(self, articles):
            return {a.id: a.id[:2] + "a0" for a in articles if not a.id.endswith("a0")}

    ds = _dataset()
    assert runner.true_duplicates(ds, "test") == {"t2a1": "t2a0", "t2a0": "t2a0", "t3a1": "t3a0", "t3a0": "t3a0"}
    res = runner.run_eval(ds, system=Dedup(), tasks=["dedup"])
    (task,) = res.tasks
    assert task.metrics["storytrace"] == pytest.approx(
        {"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "kept_original": 1.0})
    assert {"exact-tokens", "minhash-lsh@0.5", "minhash-lsh@0.8"} <= set(task.metrics)
    assert task.notes["groups"] == 2 and task.notes["duplicates"] == 2 and task.notes["dropped"]["storytrace"] == 4
    assert sorted(x["dropped"] for x in task.misses) == ["t2a2", "t3a2"]
    # a system without a dedup answers no dedup task
    assert "dedup" not in {t.task for t in runner.run_eval(ds, system=Fake()).tasks}


def test_a_user_corpus_labels_duplicates_with_duplicate_of_and_gets_the_dedup_task(tmp_path, repo):
    from storytrace.eval.loaders import load_jsonl
    from storytrace.eval.systems import StorytraceSystem
    from storytrace.ingest import read_paths

    news = [a for a in read_paths([repo / "data" / "wikinews-sample"]) if isinstance(a, Article)][:6]
    glyphs = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e"})
    rows = [{"id": f"w{i}", "title": a.title, "text": a.text, "story": f"s{i}"} for i, a in enumerate(news[:4])]
    rows += [{"id": "w0-reprint", "title": news[0].title, "text": news[0].text, "story": "s0", "duplicate_of": "w0"},
             {"id": "w1-farm", "title": news[1].title, "text": news[1].text.translate(glyphs), "story": "s1",
              "duplicate_of": "w1"},
             {"id": "w4", "text": news[4].text, "story": "s4", "duplicate_of": "w4"},
             {"id": "w5", "text": news[5].text, "story": "s5", "duplicate_of": "nobody"}]
    path = tmp_path / "dups.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ds = load_jsonl(path)
    assert sorted(ds.duplicates) == [("w0-reprint", "w0"), ("w1-farm", "w1")] and not ds.copy_pairs
    assert [p.split(": ", 1)[1] for p in ds.problems] == ["duplicate_of names itself",
                                                          "duplicate_of names no article 'nobody' of the file"]
    scores = {}
    for split in ("dev", "test"):
        if ds.duplicates_in(split):
            (task,) = runner.run_eval(ds, split=split, system=StorytraceSystem(), tasks=["dedup"]).tasks
            scores[split] = task.metrics
    assert scores and all(m["storytrace"]["f1"] == 1.0 for m in scores.values())
    farm_split = ds.split["w1-farm"]
    assert scores[farm_split]["exact-tokens"]["recall"] < 1.0  # look-alike letters defeat a hash of the words


def test_a_corpus_labelled_by_duplicate_of_alone_needs_no_story(tmp_path):
    from storytrace.eval.loaders import load_jsonl

    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Rain fell on the coast."}) + "\n"
                    + json.dumps({"id": "b", "text": "Rain fell on the coast.", "duplicate_of": "a"}) + "\n"
                    + json.dumps({"id": "c"}) + "\n", encoding="utf-8")
    ds = load_jsonl(path)
    assert [a.id for a in ds.articles] == ["a", "b"] and not ds.stories
    assert ds.duplicates == [("b", "a")]
    assert ds.problems == [f"{path}:3: no text column (columns: id)"]
    assert ds.split["a"] == ds.split["b"]


def test_a_baseline_the_dev_split_cannot_tune_is_left_out_not_scored_at_a_guess():
    ds = _dataset()
    ds.split = {k: "test" for k in ds.split}  # nothing on dev
    ds.pairs = [dataclasses.replace(p, split="test") for p in ds.pairs]
    ds.copy_pairs = [dataclasses.replace(p, split="test") for p in ds.copy_pairs]
    res = runner.run_eval(ds, system=Fake(), tasks=["clusters", "pairs", "copy"])
    tasks = {t.task: t for t in res.tasks}
    assert set(tasks["clusters"].metrics) == {"storytrace", "minhash-lsh@0.5", "minhash-lsh@0.8"}  # fixed cuts
    assert "two labelled stories" in tasks["clusters"].notes["untuned"]
    assert set(tasks["pairs"].metrics) == {"storytrace"} and "tfidf-cosine" in tasks["pairs"].notes["untuned"]
    assert tasks["pairs"].margin("f1") == (None, None)
    assert set(tasks["copy"].metrics) == {"storytrace"}


def test_a_task_asked_for_that_the_data_has_no_labels_for_is_named():
    ds = _dataset()
    ds.passages = []
    res = runner.run_eval(ds, system=Fake(), tasks=["passages", "sts", "pairs"])
    assert [t.task for t in res.tasks] == ["pairs"]
    assert set(res.skipped) == {"passages", "sts"} and "graded pair labels" in res.skipped["sts"]
    # not asked for by name: nothing said of the tasks the data cannot score
    assert "skipped" not in runner.run_eval(ds, system=Fake()).to_dict()


def test_the_settings_a_run_changed_are_recorded():
    from storytrace import Settings
    from storytrace.eval.systems import StorytraceSystem

    ds = _dataset()
    system = StorytraceSystem(Settings(story_threshold=0.4))
    res = runner.run_eval(ds, system=system, tasks=["pairs"])
    assert res.to_dict()["settings_changed"] == {"story_threshold": 0.4}
    assert "settings_changed" not in runner.run_eval(ds, system=StorytraceSystem(), tasks=["pairs"]).to_dict()
    console = Console(file=io.StringIO(), width=200)
    render_table(res, console)
    assert "story_threshold=0.4" in console.file.getvalue()


def test_eval_names_every_baseline_whole_when_its_table_goes_to_a_pipe(tmp_path):
    from click.testing import CliRunner

    from storytrace.cli import main

    rows = [{"id": f"a{i}", "text": f"{TOPICS[i % 4]} report {i}. " * 3, "story": f"s{i % 4}"} for i in range(24)]
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    res = CliRunner().invoke(main, ["eval", str(path)])
    assert res.exit_code == 0, res.output
    assert "minhash-lsh@0.5" in res.output and "minhash-lsh@0.8" in res.output and "storytrace" in res.output
    nothing = CliRunner().invoke(main, ["eval", str(path), "--task", "passages"])
    assert nothing.exit_code == 1 and "nothing to score" in nothing.output and "passages" in nothing.output


def test_cluster_misses_name_the_stories_merged_and_split():
    gold = {"a": "s1", "b": "s1", "c": "s2", "d": "s3", "e": "s3"}
    labels = {"a": "k1", "b": "k1", "c": "k1", "d": "k2", "e": "k3"}
    assert runner.cluster_misses(gold, labels) == [
        {"metric": "merged", "members": 3, "stories": ["s1", "s2"], "articles": ["a", "b", "c"]},
        {"metric": "split", "story": "s3", "clusters": 2, "members": 2}]
    assert runner.cluster_misses(gold, {"a": "x", "b": "x", "c": "y", "d": "z", "e": "z"}) == []


def test_a_split_of_one_story_is_flagged_as_too_small():
    ds = _dataset()
    ds.split = {k: ("test" if ds.stories[k] == "s3" else "dev") for k in ds.split}
    (task,) = runner.run_eval(ds, system=Fake(), tasks=["clusters"]).tasks
    assert "too few to tell systems apart" in task.notes["warning"]
    (full,) = runner.run_eval(_dataset(), system=Fake(), tasks=["clusters"]).tasks
    assert "warning" not in full.notes
