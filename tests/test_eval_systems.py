"""storytrace as a system under test: its answers are the public API's, under the settings it was given."""

from __future__ import annotations

from storytrace.align import sentence_similarity
from storytrace.config import Settings
from storytrace.eval.systems import StorytraceSystem
from storytrace.model import Article

SAME = ("Musharraf charged in Bhutto murder case", "Pakistan court charges Musharraf in Bhutto murder case")
OTHER = ("Musharraf charged in Bhutto murder case", "Suicide bomber strikes funeral in northern Iraq")


def _pairs() -> list[tuple[Article, Article]]:
    return [(Article(text=a, id=f"p{i}a"), Article(text=b, id=f"p{i}b")) for i, (a, b) in enumerate((SAME, OTHER))]


def test_paraphrase_pairs_rank_by_sentence_similarity_and_decide_at_the_alignment_cut() -> None:
    scores, decided = StorytraceSystem().pair_scores(_pairs(), "paraphrase")
    assert scores == [sentence_similarity(*SAME), sentence_similarity(*OTHER)]
    assert scores[0] > scores[1]
    assert decided == [s >= Settings().paraphrase_similarity for s in scores] == [True, False]


def test_paraphrase_decision_follows_the_given_setting() -> None:
    strict = Settings(paraphrase_similarity=min(1.0, sentence_similarity(*SAME) + 0.01))
    _, decided = StorytraceSystem(strict).pair_scores(_pairs(), "paraphrase")
    assert decided == [False, False]


def test_story_pairs_decide_by_the_story_relation() -> None:
    scores, decided = StorytraceSystem().pair_scores(_pairs(), "story")
    assert decided[0] and not decided[1]
    assert scores[0] > scores[1]
