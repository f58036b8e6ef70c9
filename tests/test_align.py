"""Passage alignment: verbatim and paraphrased sentences, merged passages, spans, spliced paragraphs."""

from __future__ import annotations

import math

import pytest

from storytrace import Settings
from storytrace.align import _beyond_chance, align, sentence_similarity, sentences_of

S1 = "The regional council approved a budget of 40 million euros for the new tram line in Nantes on Tuesday."
S2 = "Construction of the eleven-kilometre line is due to start next spring and should be finished by 2027."
S3 = "The mayor, Johanna Rolland, said the tram would link the university campus with the main railway station."
REWORDED_S1 = ("On Tuesday the council of the region backed a 40 million euro budget for the planned tram route "
               "in Nantes.")
SPLICE = ("Hollywood actress Maria Delgado married her longtime boyfriend, a Brazilian surfer, in a private "
          "ceremony on a Caribbean beach, her publicist confirmed.")

OWN_A = "Shopkeepers along the planned Nantes tram route had protested for months against the works."
OWN_B = "Opposition councillors in Nantes voted against the tram plan, calling it too costly for the city."


def check_spans(a: str, b: str, al) -> None:
    for p in al.passages:
        assert a[p.a_start:p.a_end] == p.a_text
        assert b[p.b_start:p.b_end] == p.b_text
        assert 0 <= p.a_start < p.a_end <= len(a)
        assert 0 <= p.b_start < p.b_end <= len(b)
    for text, spans in ((a, al.unrelated_a), (b, al.unrelated_b)):
        for s in spans:
            assert text[s.start:s.end] == s.text


def test_copied_sentence_inside_other_text_is_verbatim() -> None:
    a = "Local traders welcomed the decision after months of protests.\n\n" + S1 + " Work starts soon, the mayor said."
    b = "Opponents say the project is far too expensive for a city of this size. " + S1 + "\n\nThe vote was 31 to 12."
    al = align(a, b)
    check_spans(a, b, al)
    verbatim = [p for p in al.passages if p.kind == "verbatim"]
    assert len(verbatim) == 1
    p = verbatim[0]
    assert p.a_text == S1 and p.b_text == S1
    assert p.a_start == a.index(S1) and p.b_start == b.index(S1)
    assert 0 < al.coverage_a < 1 and 0 < al.coverage_b < 1
    assert al.verbatim_words >= Settings().min_passage_words


def test_reworded_sentence_is_a_paraphrase_not_verbatim() -> None:
    al = align(S1, REWORDED_S1)
    assert [p.kind for p in al.passages] == ["paraphrase"]
    assert al.coverage_a == 0 and al.coverage_b == 0
    assert al.passages[0].score >= Settings().paraphrase_similarity
    assert al.passages[0].score < 1.0


def test_disguised_sentence_is_still_verbatim() -> None:
    disguised = S1.replace(" of ", " ").replace("a", "\u0430").replace("o", "\u043e")
    al = align(S1, disguised)
    assert [p.kind for p in al.passages] == ["verbatim"]
    assert al.passages[0].b_text == disguised
    assert al.coverage_a == 1.0 and al.coverage_b == 1.0


def test_consecutive_copied_sentences_merge_into_one_passage() -> None:
    a = OWN_A + "\n\n" + S1 + " " + S2 + " " + S3
    b = S1 + " " + S2 + " " + S3 + "\n\n" + OWN_B
    al = align(a, b)
    check_spans(a, b, al)
    verbatim = [p for p in al.passages if p.kind == "verbatim"]
    assert len(verbatim) == 1
    assert verbatim[0].a_text == S1 + " " + S2 + " " + S3
    assert verbatim[0].b_text == verbatim[0].a_text


def test_aligned_share_counts_the_passages_as_joined_and_only_shared_text() -> None:
    a = OWN_A + "\n\n" + S1 + " " + S2 + " " + S3
    b = S1 + " " + S2 + " " + S3 + "\n\n" + OWN_B
    al = align(a, b)
    n_own, n_shared = len(sentences_of(OWN_A)[0].keys), sum(len(s.keys) for s in sentences_of(S1 + " " + S2 + " " + S3))
    assert al.aligned_a == pytest.approx(n_shared / (n_own + n_shared))
    assert al.aligned_a == pytest.approx(al.coverage_a)  # nothing edited: the verbatim passage is all there is
    # a sentence with three words changed has no run of words left to seed a verbatim passage, but it lies
    # inside the passage as joined
    s2 = S2.replace("line", "route").replace("spring", "summer").replace("2027", "2028")
    edited = align(S1 + " " + S2 + " " + S3, S1 + " " + s2 + " " + S3)
    assert len(edited.passages) == 1 and edited.aligned_a == edited.aligned_b == 1.0 > edited.coverage_a


def test_reordered_sentences_are_separate_passages() -> None:
    a = S1 + " " + S2 + " " + S3
    b = S3 + " " + S1
    al = align(a, b)
    check_spans(a, b, al)
    texts = sorted(p.a_text for p in al.passages if p.kind == "verbatim")
    assert texts == sorted([S1, S3])


def test_spliced_paragraph_is_unrelated() -> None:
    a = OWN_A + "\n\n" + S1 + " " + S2 + " " + S3
    b = S1 + " " + S2 + " " + S3 + "\n\n" + SPLICE + "\n\n" + OWN_B
    al = align(a, b)
    check_spans(a, b, al)
    assert [s.text for s in al.unrelated_b] == [SPLICE]
    assert al.unrelated_a == []


def test_two_paragraphs_spliced_in_together_are_unrelated_as_a_block() -> None:
    # Each names the wedding the other names too, so neither is unrelated on its own.
    splice_2 = ("Delgado and her Brazilian surfer husband will live in Rio de Janeiro after the ceremony, "
                "her publicist said of the actress.")
    a = OWN_A + "\n\n" + S1 + " " + S2 + " " + S3
    b = S1 + "\n\n" + SPLICE + "\n\n" + splice_2 + "\n\n" + S2 + " " + S3
    al = align(a, b)
    check_spans(a, b, al)
    assert [s.text for s in al.unrelated_b] == [SPLICE, splice_2]
    assert al.unrelated_share_b == pytest.approx(
        sum(len(s.keys) for s in sentences_of(SPLICE + " " + splice_2)) / sum(len(s.keys) for s in sentences_of(b)))
    # an on-topic paragraph beside them is not part of the block, and the splice alone is still found
    assert [s.text for s in align(a, b.replace(splice_2, OWN_B)).unrelated_b] == [SPLICE]


def test_link_lines_between_paragraphs_are_unrelated_together() -> None:
    links = ["Related: Flooding closes schools in Leeds", "Related: Chess champion retires at 31",
             "Related: Heatwave grips southern Spain"]
    a = OWN_A + "\n\n" + S1 + " " + S2 + "\n\n" + S3
    b = "\n\n".join([S1 + " " + S2, links[0], S3, links[1], OWN_B, links[2]])
    al = align(a, b)
    check_spans(a, b, al)
    assert all(len(sentences_of(x)[0].keys) < Settings().unrelated_min_words for x in links)  # each too short
    assert [s.text for s in al.unrelated_b] == links
    # one such line alone is too little to tell
    assert align(a, "\n\n".join([S1 + " " + S2, links[0], S3, OWN_B])).unrelated_b == []
    # headlines long enough to judge alone, of three Bradford stories: each shares "Bradford" with the
    # others, so lines that end no sentence are judged without one another
    long_links = ["Related: Flash flooding closes forty schools across Bradford districts overnight",
                  "Related: Bradford chess champion announces retirement from competitive tournaments",
                  "Related: Record heatwave grips Bradford as reservoirs fall to lowest levels"]
    assert all(len(sentences_of(x)[0].keys) >= Settings().unrelated_min_words for x in long_links)
    b = "\n\n".join([S1 + " " + S2, long_links[0], S3, long_links[1], OWN_B, long_links[2]])
    assert [s.text for s in align(a, b).unrelated_b] == long_links
    # the same lines ending a sentence are paragraphs, each judged with the rest of its text
    b = "\n\n".join([S1 + " " + S2, long_links[0] + ".", S3, long_links[1] + ".", OWN_B, long_links[2] + "."])
    assert align(a, b).unrelated_b == []


def test_link_lines_are_judged_without_the_template_they_repeat() -> None:
    # The story says "related" too, the word every link line starts with: it is the links' template, not
    # what any one of them is about, so it does not tie them to the story.
    said = "The mayor said the delays were not related to the budget."
    links = ["Related: Flooding closes schools in Leeds", "Related: Chess champion retires at 31",
             "Related: Heatwave grips southern Spain"]
    a = OWN_A + "\n\n" + S1 + " " + S2 + "\n\n" + S3 + " " + said
    b = "\n\n".join([S1 + " " + S2, links[0], S3 + " " + said, links[1], OWN_B, links[2]])
    assert [s.text for s in align(a, b).unrelated_b] == links
    # lines that end a sentence keep the words they repeat: a speaker's name before each short answer of an
    # interview is what the answers are about
    answers = ["((Johanna Rolland)) Probably not.", "((Johanna Rolland)) We cannot say yet.",
               "((Johanna Rolland)) To my knowledge, none."]
    assert align(a, "\n\n".join([S1 + " " + S2, answers[0], S3, answers[1], OWN_B, answers[2]])).unrelated_b == []


def test_lines_ending_in_another_scripts_full_stop_are_no_links() -> None:
    # An interview's answers, each given in English and Hindi, repeat "Hindi language" and end in a danda:
    # sentences, not a page's links, so the repeated words do not make them links.
    answers = ["((Akram Pasha)) For the past 30 years. ((hi))Hindi language: पिछले तीस साल से।",
               "((Akram Pasha)) I was fifteen when we came here. ((hi))Hindi language: पंद्रह साल का था।",
               "((WN)) Yes. ((hi))Hindi language: हाँ।"]
    a = OWN_A + "\n\n" + S1 + " " + S2 + "\n\n" + S3
    b = "\n\n".join([S1 + " " + S2, answers[0], S3, answers[1], OWN_B, answers[2]])
    assert align(a, b).unrelated_b == []
    # the same lines ending in nothing read as links
    bare = [x.rstrip("।") for x in answers]
    b = "\n\n".join([S1 + " " + S2, bare[0], S3, bare[1], OWN_B, bare[2]])
    assert [s.text for s in align(a, b).unrelated_b] == bare


def test_a_splice_between_link_lines_is_judged_without_them() -> None:
    # The spliced paragraph shares a word with each link line ("week", "season", "Spain"): with the link
    # lines counted as part of the story it would pass as related.
    links = ["Related: Flash flooding closes forty schools across Leeds after a week of storms",
             "Related: Chess champion announces retirement from tournaments at the end of the season",
             "Related: Record heatwave grips southern Spain as reservoirs fall to their lowest levels"]
    splice = ("The football club will leave its ground after this season, following a week of talks with its "
              "owners in Spain, a spokesman said.")
    a = OWN_A + "\n\n" + S1 + " " + S2 + "\n\n" + S3
    b = "\n\n".join([S1 + " " + S2, links[0], S3, splice, links[1], OWN_B, links[2]])
    assert [s.text for s in align(a, b).unrelated_b] == [links[0], splice, links[1], links[2]]


# (words both texts share, a splice that shares one of them, the splice made related by a word of the story)
_COMMON_WORD_SPLICES = {
    # "government" runs through the tram story (it is among the words its texts use most), and the
    # spliced paragraph about a broadcaster names a government too: too common a word to make it related;
    # a paragraph naming a word of the story's own ("tram") stays related, however new its other words.
    "a common word": (
        "The regional government pays half of the cost. The national government pays the rest. "
        "The city government pays nothing. Each government signed the deal on Monday.",
        "A broadcaster in Manila went off the air after the government ordered it shut over an "
        "expired licence, ending decades of evening bulletins.",
        "Tram enthusiasts from Angers travelled over for the vote, wearing matching scarves."),
    # "reported"/"reports" (rare enough to be core words) run through the story; the splice says "report",
    # a form as common as "government", which is no more evidence of its subject than that word; one of
    # the story's own forms of it ("reports") keeps the paragraph related.
    "a core key in a common form": (
        "Local papers reported the vote within minutes. Radio stations reported it too. "
        "Several reports reached Paris before midnight.",
        "A broadcaster in Manila went off the air after officials said it failed to report its "
        "earnings, ending decades of evening bulletins.",
        "A broadcaster in Manila went off the air after officials said it filed late reports of its "
        "earnings, ending decades of evening bulletins."),
}


@pytest.mark.parametrize("case", sorted(_COMMON_WORD_SPLICES))
def test_a_splice_sharing_only_a_common_word_with_the_story_is_unrelated(case: str) -> None:
    shared, splice, related = _COMMON_WORD_SPLICES[case]
    a = OWN_A + "\n\n" + S1 + " " + S2 + " " + S3 + " " + shared
    b = S1 + " " + S2 + " " + S3 + " " + shared + "\n\n" + splice + "\n\n" + OWN_B
    assert [s.text for s in align(a, b).unrelated_b] == [splice]
    assert align(a, b.replace(splice, related)).unrelated_b == []


def test_a_link_line_sharing_a_story_word_is_still_a_link() -> None:
    # Every line that ends no sentence repeats "Related": they are a page's links to other stories, so the
    # one whose headline happens to share a word of the story ("tram") is one of them too.
    links = ["Related: Flooding closes schools in Leeds", "Related: Tram drivers strike in Lyon",
             "Related: Heatwave grips southern Spain"]
    a = OWN_A + "\n\n" + S1 + " " + S2 + "\n\n" + S3
    b = "\n\n".join([S1 + " " + S2, links[0], S3, links[1], OWN_B, links[2]])
    assert [s.text for s in align(a, b).unrelated_b] == links
    # without the template the same line is judged by its words, and "tram" ties it to the story
    b = "\n\n".join([S1 + " " + S2, links[0], S3, "Tram drivers strike in Lyon", OWN_B, links[2]])
    assert "Tram drivers strike in Lyon" not in [s.text for s in align(a, b).unrelated_b]


def test_on_topic_paragraphs_sharing_names_are_not_unrelated() -> None:
    a = OWN_A + "\n\n" + S1 + "\n\n" + "Johanna Rolland said the Nantes tram would be finished by 2027."
    b = S2 + "\n\n" + OWN_B + "\n\n" + "Johanna Rolland defended the cost of the tram line."
    al = align(a, b)
    assert al.unrelated_a == [] and al.unrelated_b == []


def test_on_topic_paragraph_with_a_new_name_is_not_unrelated() -> None:
    a = OWN_A + "\n\n" + S1 + "\n\n" + S3
    b = S2 + "\n\n" + OWN_B
    al = align(a, b)
    assert al.unrelated_a == [] and al.unrelated_b == []


def test_unrelated_is_judged_only_between_texts_that_share_a_passage() -> None:
    # The same spliced paragraph: reported against a text it was copied around, not against an
    # independent report on the story (which shares no passage, so nothing shows a copy was spliced into).
    b = S1 + " " + S2 + " " + S3 + "\n\n" + SPLICE + "\n\n" + OWN_B
    assert [s.text for s in align(OWN_A + "\n\n" + S1 + " " + S2 + " " + S3, b).unrelated_b] == [SPLICE]
    independent = align(OWN_A + "\n\n" + OWN_A, b)
    assert independent.passages == [] and independent.unrelated_b == []


def test_a_common_shared_word_is_weak_evidence_in_a_long_story() -> None:
    # weight 2 = a word met once in 100 (Zipf 7): a 300-word rest holds it with chance 1 - e^-3
    assert _beyond_chance(2.0, 300) == pytest.approx(2.0 * math.exp(-3))
    assert _beyond_chance(2.0, 0) == 2.0
    # a rare word (once in a million, weight 6) shared with the same rest is near full evidence
    assert _beyond_chance(6.0, 300) == pytest.approx(6.0, rel=1e-3)
    assert _beyond_chance(3.0, 3000) < _beyond_chance(3.0, 300) < 3.0


def test_single_paragraph_has_no_unrelated_part() -> None:
    a = S1 + " " + SPLICE
    al = align(a, S1)
    assert al.unrelated_a == []


def test_unrelated_texts_share_nothing() -> None:
    al = align(S1 + " " + S2, SPLICE)
    assert al.passages == []
    assert al.coverage_a == al.coverage_b == 0.0
    assert al.verbatim_words == 0


def test_short_shared_sentence_is_not_verbatim_evidence() -> None:
    # "Police said." shares too few words to be evidence of copying
    a = "Police said. " + S1
    b = "Police said. " + SPLICE
    al = align(a, b)
    assert all(p.kind != "verbatim" for p in al.passages)


def test_alignment_is_one_to_one() -> None:
    a = S1 + " " + S1
    b = S1
    al = align(a, b)
    assert len([p for p in al.passages if p.kind == "verbatim"]) == 1


def test_empty_texts() -> None:
    al = align("", "")
    assert al.passages == [] and al.unrelated_a == [] and al.unrelated_b == []


def test_sentence_similarity() -> None:
    assert sentence_similarity(S1, S1) == 1.0
    assert sentence_similarity(S1, SPLICE) < Settings().paraphrase_similarity
    para = sentence_similarity(S1, REWORDED_S1)
    assert Settings().paraphrase_similarity <= para < 1.0
    assert sentence_similarity("", S1) == 0.0


def test_sentence_similarity_is_symmetric() -> None:
    assert sentence_similarity(S1, REWORDED_S1) == pytest.approx(sentence_similarity(REWORDED_S1, S1), abs=1e-9)


def test_sentences_of_keeps_content_keys_and_spans() -> None:
    text = S1 + " " + S2
    sents = sentences_of(text)
    assert [text[s.start:s.end] for s in sents] == [S1, S2]
    assert "of" not in sents[0].keys and "the" not in sents[0].keys
    assert sents[0].n == len(sents[0].keys) > 0
    assert sents[0].total == sum(sents[0].weights.values())


# --- a paraphrase scorer (sentence embeddings) plugged into the paraphrase step ---------------------------

_MEANING_A = ("The minister met the delegation in Moscow on Tuesday. "
              "Talks covered energy and trade deals between both nations.")
_MEANING_B = ("Officials gathered in the Russian capital this week. "
              "Discussions were about fuel supplies and commerce agreements for the two countries.")


def _flat_scorer(value: float):
    def score(xs, ys):
        return [[value] * len(ys) for _ in xs]
    return score


def test_scorer_pairs_sentences_that_share_no_words() -> None:
    plain = align(_MEANING_A, _MEANING_B)
    assert not plain.passages
    scored = align(_MEANING_A, _MEANING_B, paraphrase_scorer=_flat_scorer(0.9))
    assert [p.kind for p in scored.passages] == ["paraphrase"]
    p = scored.passages[0]
    assert _MEANING_A[p.a_start : p.a_end].startswith("The minister") and p.b_end == len(_MEANING_B)
    # meaning-level pairs are shown, but copy decisions stay lexical
    assert scored.paraphrase_a == 0.0 and scored.paraphrase_b == 0.0


def test_scorer_below_its_threshold_adds_nothing() -> None:
    low = Settings().semantic_paraphrase_similarity - 0.01
    assert not align(_MEANING_A, _MEANING_B, paraphrase_scorer=_flat_scorer(low)).passages


def test_scorer_never_removes_lexical_paraphrases() -> None:
    a = " ".join([S1, S2, OWN_A])
    b = " ".join([REWORDED_S1, SPLICE, S2])
    plain = align(a, b)
    scored = align(a, b, paraphrase_scorer=_flat_scorer(0.0))
    assert scored == plain


def test_sentences_naming_different_places_or_figures_are_less_alike() -> None:
    from storytrace.align import _dice

    def dice(a: str, b: str) -> float:
        return _dice(sentences_of(a)[0], sentences_of(b)[0])

    # the same wording about two different bombings: each names a toll (and a place) the other does not
    a, b = "Car bomb kills 20 near Idlib", "Car bomb kills 40 near Peshawar"
    assert sentence_similarity(a, b) == pytest.approx(0.7 * dice(a, b))
    # without names or figures, the plain overlap
    a, b = "Car bomb kills people in northwest region", "Car bomb kills people in northwest area"
    assert sentence_similarity(a, b) == pytest.approx(dice(a, b))
    # a name only one side gives is no contrast (a paraphrase may add a detail)
    a, b = "Mursi sworn in as president", "Mohamed Mursi sworn in as president"
    assert sentence_similarity(a, b) == pytest.approx(dice(a, b))
    # nor is a capitalised word opening the sentence
    assert sentence_similarity("Floods hit the valley again", "Landslides hit the valley again") == \
        sentence_similarity("floods hit the valley again", "landslides hit the valley again")


def test_paraphrase_passages_score_sentences_that_name_different_things_lower() -> None:
    from storytrace.align import _dice

    a = OWN_A + "\n\n" + "A car bomb killed 20 people near Idlib on Monday, officials said."
    b = OWN_B + "\n\n" + "A car bomb killed 40 people near Peshawar on Monday, officials said."
    (p,) = [p for p in align(a, b).passages if p.kind == "paraphrase"]
    dice = _dice(sentences_of(a)[1], sentences_of(b)[1])
    assert p.score == pytest.approx(0.7 * dice) and p.score < dice
    # the same sentences naming the same place and toll keep their full score
    c = OWN_B + "\n\n" + "A car bomb killed 20 people near Idlib on Monday evening, officials said."
    (q,) = [p for p in align(a, c).passages if p.kind == "paraphrase"]
    assert q.score == pytest.approx(_dice(sentences_of(a)[1], sentences_of(c)[1]))


def _scanned(text: str, rate: float, seed: int) -> str:
    import random

    from storytrace.synth import misread

    return misread(text, random.Random(seed), rate)


def _sample_reports(n: int) -> list[str]:
    from pathlib import Path

    from storytrace.synth import load_sources

    path = Path(__file__).resolve().parents[1] / "data" / "wikinews-sample" / "articles.jsonl.gz"
    return [a.text for a in load_sources(path) if len(a.text.split()) > 150][:n]


def test_a_scanned_copy_with_misread_letters_is_a_reprint() -> None:
    # Four letters in a hundred misread: about one content word in four, so few runs of four keys are left
    # whole. Before misread words were read as the other text's, 9 of 60 such copies were near.
    from storytrace import compare

    for i, text in enumerate(_sample_reports(5)):
        copy = _scanned(text, 0.04, seed=i)
        assert compare(copy, text).copy == "near", i
        al = align(copy, text)
        check_spans(copy, text, al)
        assert min(al.coverage_a, al.coverage_b) >= 0.8


def test_a_copy_set_in_a_papers_columns_is_a_reprint() -> None:
    # A paper sets the wire story in its own column width: a line break every 30 letters and words
    # hyphenated across lines (which ingest joins again). Each line read as a sentence made such a copy's
    # passages stop at every line: a fifth of it or more was left out of them.
    import random

    from storytrace import compare
    from storytrace.ingest.repair import repair_text
    from storytrace.synth import set_in_columns

    for i, text in enumerate(_sample_reports(5)):
        rng = random.Random(i)
        copy = set_in_columns(text, rng, 30)
        assert "-\n" in copy, "the column hyphenates some word"
        assert compare(copy, text).copy in {"exact", "near"}, i
        read = repair_text(copy)  # as a scan reads it
        al = align(read, text)
        check_spans(read, text, al)
        assert min(al.coverage_a, al.coverage_b) >= 0.95, i
        # and a scan of it, misread too
        assert compare(set_in_columns(_scanned(text, 0.04, seed=i), rng, 34), text).copy == "near", i


def test_a_word_broken_by_a_hyphen_and_a_space_is_read_whole_against_the_other_text() -> None:
    # An OCR that joined a column's lines leaves "gov- emment": no word ingest may join on its own (a dash
    # after a word looks the same), but beside a text that says "government" it is that word.
    from storytrace.align import _doc, _reread

    a = "The gov- emment said the new budget would pass the senate on Tuesday after the long debate."
    b = "The government said the new budget would pass the senate on Tuesday after the long debate."
    ra, rb = _reread(_doc(a), _doc(b), a, b)
    assert ra.keys == rb.keys
    assert a[ra.starts[0]:ra.ends[0]] == "gov- emment"
    # a hyphen inside a word is no break: "co-op" is not read as the other text's "coup"
    c = "Members of the farm co-op voted on Tuesday to sell the old mill after a long debate in the hall."
    d = "Members of the farm coup voted on Tuesday to sell the old mill after a long debate in the hall."
    rc, _ = _reread(_doc(c), _doc(d), c, d)
    assert "coup" not in rc.keys and rc.keys[2:4] == ["co", "op"]


def test_two_scans_misread_differently_are_reprints_of_each_other() -> None:
    from storytrace import compare

    text = _sample_reports(1)[0]
    assert compare(_scanned(text, 0.03, seed=1), _scanned(text, 0.03, seed=2)).copy == "near"
