"""Joining the pieces of one edited copy, and never joining across a sentence only one text has."""

from storytrace.align import align

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
