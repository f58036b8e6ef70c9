"""Joining the pieces of one edited copy, and never joining across a sentence only one text has."""

from storytrace.align import align, sentence_similarity
from storytrace.config import Settings

S1 = "The regional council approved a budget of 40 million euros for the new tram line in Nantes on Tuesday."
S2 = "Construction of the eleven-kilometre line is due to start next spring and should be finished by 2027."
S3 = "The mayor, Johanna Rolland, said the tram would link the university campus with the main railway station."
OWN = "Shopkeepers protested for months."


def test_an_unmatched_sentence_between_two_copied_ones_keeps_them_apart() -> None:
    a = S1 + " " + OWN + " " + S2
    b = S1 + " " + S2
    al = align(a, b)
    verbatim = [p for p in al.passages if p.kind == "verbatim"]
    assert [p.a_text for p in verbatim] == [S1, S2]


def test_an_edited_word_does_not_split_a_copied_stretch() -> None:
    a = S1 + " " + S2 + " " + S3
    b = S1.replace("approved", "passed") + " " + S2 + " " + S3.replace("main", "central")
    al = align(a, b)
    assert len(al.passages) == 1
    p = al.passages[0]
    assert p.kind == "verbatim"
    assert (p.a_start, p.a_end) == (0, len(a)) and (p.b_start, p.b_end) == (0, len(b))



LIST = "Stations:\n\nCommerce\n\nGare Nord\n\nHotel Dieu\n\nDuchesse Anne\n\nMoutonnerie"
S4 = "Residents of the Doulon district asked the council to plant trees along the whole route of the line."
S5 = "Opponents of the project said the money should have gone to buses serving the outer suburbs instead."


def test_short_lines_both_copies_carry_do_not_split_a_copied_stretch() -> None:
    # Each line is too short to align on its own, and together they are more words than a run bridges.
    a = "\n\n".join([S1 + " " + S4, LIST, S3 + " " + S4])
    al = align(a, a.replace("approved", "passed"))
    assert len(al.passages) == 1
    assert (al.passages[0].a_start, al.passages[0].a_end) == (0, len(a))


def test_a_sentence_head_reworded_in_place_does_not_split_a_copied_stretch() -> None:
    # Spun words ("during" -> "throughout", "about" -> "approximately") at the head of a sentence whose
    # tail is copied: past the few words a run bridges, yet the same words in the same place.
    said = "{} his conference, {} countered claims {} his record on transport and said the plan had been misread by his rivals for years."
    a = " ".join([S1, S4, "Rolland, " + said.format("throughout", "additionally", "approximately"), S3])
    b = " ".join([S1, S4, "Rolland, " + said.format("during", "also", "about"), S3])
    al = align(a, b)
    assert len(al.passages) == 1
    assert (al.passages[0].a_start, al.passages[0].a_end) == (0, len(a))


def test_different_sentences_in_the_same_place_keep_two_passages_apart() -> None:
    a = " ".join([S1, S4, S2, S3])
    b = " ".join([S1, S4, S5, S3])
    verbatim = [p for p in align(a, b).passages if p.kind == "verbatim"]
    assert [p.a_text for p in verbatim] == [S1 + " " + S4, S3]


def test_different_sentences_that_share_words_only_as_a_whole_keep_two_passages_apart() -> None:
    # No sentence of one middle pairs with one of the other (each shares a word or two), but the two
    # middles share most of their words: whole sentences compared one by one and left unpaired are
    # different text, whatever their words add up to.
    x = ["Engineers inspected the bridge foundations near the cathedral square on Monday.",
         "Cyclists demanded wider lanes beside the river harbour all summer."]
    y = ["Engineers and cyclists gathered at the stadium to discuss a wider bridge.",
         "Photographers painted the cathedral foundations and the river lanes."]
    assert all(sentence_similarity(s, t) < Settings().paraphrase_similarity for s in x for t in y)
    assert sentence_similarity(" ".join(x), " ".join(y)) >= Settings().paraphrase_similarity
    a = " ".join([S1, *x, S3])
    b = " ".join([S1, *y, S3])
    assert [p.a_text for p in align(a, b).passages] == [S1, S3]
