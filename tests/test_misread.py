"""Misread words: which key of one text a misreading in the other stands for, and when none."""

from __future__ import annotations

from storytrace.misread import Keyed, looks_misread, max_distance, nearest, ocr_form, reconcile, unknown_share


def keyed(keys: list[str], rare: set[str] = frozenset(), joins: list[tuple[int, int, str]] = (),
          forms: list[str] | None = None, function_words: set[str] = frozenset({"the", "that", "with"}),
          zipf: dict[str, float] | None = None, scanned: bool = False) -> Keyed:
    """Words whose folded forms are their keys unless ``forms`` says otherwise; a rare word is unknown
    (zipf 0) and any other common (zipf 5) unless ``zipf`` says otherwise."""
    forms = forms or list(keys)
    known = {f: 0.0 if f in rare else 5.0 for f in [*forms, *function_words]}
    # each join's shorter piece: the other piece is the joined form less the first content word's letters
    pieces = [(x, p, f, min(len(forms[x]), len(f) - len(forms[x]))) for x, p, f in joins]
    return Keyed.of(keys, forms, [f in rare for f in forms], function_words, pieces, {**known, **(zipf or {})},
                    scanned=scanned)


def test_nearest_reads_one_letter_misread() -> None:
    assert nearest(["scnate", "polise"], ["senat", "scenario", "senate", "police"]) == {"scnate": "senate", "polise": "police"}


def test_nearest_leaves_a_tie_unread() -> None:
    # "bame" is one letter from both "bake" and "base": either could be meant, so neither is.
    assert nearest(["bame"], ["bake", "base"]) == {}


def test_nearest_two_edits_only_in_long_words() -> None:
    assert max_distance("govern") == 1 and max_distance("governmen") == 2
    assert nearest(["govemment"], ["government"]) == {"govemment": "government"}  # "rn" read as "m"
    assert nearest(["tiem"], ["time"]) == {}  # two edits in a four-letter word


def test_nearest_never_reads_short_words_or_figures() -> None:
    assert nearest(["tar"], ["tax"]) == {}
    assert nearest(["2018"], ["2019"]) == {}
    assert nearest(["1ndia"], ["india"]) == {"1ndia": "india"}  # a digit inside a word is a misread letter


def test_clean_texts_keep_their_keys() -> None:
    a = keyed(["senate", "vote", "budget", "velayati"], rare={"velayati"})
    b = keyed(["senate", "vote", "tax", "putin"], rare={"putin"})
    assert reconcile(a, b) == (a.keys, b.keys)


def test_a_rare_misreading_reads_as_the_other_texts_word() -> None:
    a = keyed(["scnate", "approv", "budget"], rare={"scnate"})
    b = keyed(["senate", "approv", "budget"])
    assert reconcile(a, b) == (["senate", "approv", "budget"], ["senate", "approv", "budget"])


def test_a_misreading_is_read_by_its_written_form() -> None:
    # "H0use" is keyed as written, "House" as its stem "hous": two edits apart, but one as written.
    a = keyed(["h0use", "vote"], rare={"h0use"}, forms=["h0use", "vote"])
    b = keyed(["hous", "vote"], forms=["house", "vote"])
    assert reconcile(a, b) == (["hous", "vote"], ["hous", "vote"])


def test_a_misread_function_word_is_left_out() -> None:
    # "fhe" is no word: a misread "the", which the other text writes, so it is no key either.
    a = keyed(["fhe", "senat", "vote"], rare={"fhe"})
    b = keyed(["senat", "vote"])
    assert reconcile(a, b) == ([None, "senat", "vote"], ["senat", "vote"])


def test_a_common_word_is_never_read_as_another() -> None:
    # "sell" is a word people say (not rare): a copy that says it where its source says "tell" changed it.
    a = keyed(["sell", "budget"])
    b = keyed(["tell", "budget"])
    assert reconcile(a, b) == (["sell", "budget"], ["tell", "budget"])


def test_both_misread_differently_meet_on_one_key() -> None:
    a = keyed(["presidcnt", "vote"], rare={"presidcnt"})
    b = keyed(["presldent", "vote"], rare={"presldent"})
    ka, kb = reconcile(a, b)
    assert ka[0] == kb[0] == "presldent"


def test_a_broken_word_reads_as_the_joined_word() -> None:
    a = keyed(["gover", "nment", "vote"], rare={"gover", "nment"},
              joins=[(0, 1, "government")])
    b = keyed(["govern", "vote"], forms=["government", "vote"])
    assert reconcile(a, b) == (["govern", None, "vote"], ["govern", "vote"])


def test_a_word_broken_beside_a_function_word_keeps_its_place() -> None:
    # "off icials": "off" is a function word, not a key; the key "icial" reads as "offici" in place.
    a = keyed(["icial", "said"], rare={"icial"}, joins=[(0, -1, "officials")])
    b = keyed(["offici", "said"], forms=["officials", "said"])
    assert reconcile(a, b) == (["offici", "said"], ["offici", "said"])


def test_a_word_and_an_ending_broken_off_it_read_as_one() -> None:
    # "report ed": the first half is a word the other text says, the second is not.
    a = keyed(["report", "ed", "vote"], joins=[(0, 1, "reported")])
    b = keyed(["report", "vote"], forms=["reported", "vote"])
    assert reconcile(a, b) == (["report", None, "vote"], ["report", "vote"])


def test_two_words_the_other_text_says_are_not_joined() -> None:
    a = keyed(["news", "paper", "vote"], joins=[(0, 1, "newspaper")])
    b = keyed(["newspap", "news", "paper", "vote"], forms=["newspaper", "news", "paper", "vote"])
    assert reconcile(a, b)[0] == ["news", "paper", "vote"]


def test_a_join_the_other_text_does_not_say_is_not_made() -> None:
    a = keyed(["gover", "nment"], rare={"gover", "nment"}, joins=[(0, 1, "government")])
    b = keyed(["budget", "vote"])
    assert reconcile(a, b) == (["gover", "nment"], ["budget", "vote"])


def test_words_of_one_key_are_no_tie() -> None:
    # The other text writes "Committee" and its own misreading "C0mmittee": one word, so "commiftee" is read.
    assert nearest(["commiftee"], ["c0mmittee", "committee"]) == {}
    assert nearest(["commiftee"], ["c0mmittee", "committee"],
                   readings={"c0mmittee": "committe", "committee": "committe"}) == {"commiftee": "c0mmittee"}


def test_a_word_tied_with_misreadings_of_it_is_no_tie() -> None:
    # "commiftee" is an edit from "committee" and from the other text's own misreading "c0mmittee" (keyed
    # apart): the known word is meant. Two known words tied stay a tie ("bame": "bake" or "base").
    assert nearest(["commiftee"], ["c0mmittee", "committee"], common={"committee"}) == {"commiftee": "committee"}
    assert nearest(["bame"], ["bake", "base"], common={"bake", "base"}) == {}
    a = keyed(["commifte", "vote"], rare={"commiftee"}, forms=["commiftee", "vote"])
    b = keyed(["committe", "c0mmitte", "vote"], rare={"c0mmittee"}, forms=["committee", "c0mmittee", "vote"])
    assert reconcile(a, b)[0][0] == "committe"


def test_a_misread_function_word_both_texts_write_is_left_out_of_both() -> None:
    # Each scan misreads some of its many "the"s as "thc": the other text writes "thc" too, so it is said
    # there, yet it stands for "the" in both.
    a = keyed(["thc", "senat", "vote", "thc", "budget"], rare={"thc"})
    b = keyed(["senat", "vote", "thc", "budget", "tax"], rare={"thc"})
    assert reconcile(a, b) == ([None, "senat", "vote", None, "budget"], ["senat", "vote", None, "budget", "tax"])


def test_a_misreading_both_texts_write_reads_as_the_word_in_both() -> None:
    # Both scans misread some "said"s as "aaid": said in both texts, it is still no word of its own. A
    # name both texts write ("velayati") is no misreading of anything, and stays.
    a = keyed(["aaid", "senat", "velayati", "said", "vote"], rare={"aaid", "velayati"})
    b = keyed(["said", "senat", "velayati", "aaid", "vote", "tax"], rare={"aaid", "velayati"})
    assert reconcile(a, b) == (["said", "senat", "velayati", "said", "vote"],
                               ["said", "senat", "velayati", "said", "vote", "tax"])


def test_a_short_word_far_rarer_than_a_function_word_is_left_out() -> None:
    # "ot" is known (an abbreviation), but "of" is ten thousand times as common: a misreading. "two" is a
    # word of its own, hardly rarer than "to".
    fw = {"of", "to", "the"}
    zipf = {"ot": 2.9, "of": 7.4, "to": 7.4, "two": 6.1, "the": 7.7}
    a = keyed(["member", "ot", "senat", "two", "vote"], function_words=fw, zipf=zipf, scanned=True)
    b = keyed(["member", "senat", "vote"], function_words=fw, zipf=zipf)
    assert reconcile(a, b)[0] == ["member", None, "senat", "two", "vote"]
    # in clean texts (an edited copy: none reads as scanned) a short known word is a word ("aid", "Tom")
    clean = keyed(["member", "ot", "senat", "two", "vote"], function_words=fw, zipf=zipf)
    assert reconcile(clean, b)[0] == ["member", "ot", "senat", "two", "vote"]


def test_initials_in_capitals_are_no_misread_function_word() -> None:
    # An interview marks its questions "((WSS))": written in capitals, an acronym, not "was" misread.
    fw = {"was", "the"}
    zipf = {"wss": 0.0, "was": 7.0, "the": 7.7}
    a = Keyed.of(["wss", "senat", "vote"], ["wss", "senat", "vote"], [True, False, False], fw, [], zipf, {"wss"})
    b = Keyed.of(["wss", "senat", "tax"], ["wss", "senat", "tax"], [True, False, False], fw, [], zipf, {"wss"})
    assert reconcile(a, b) == (["wss", "senat", "vote"], ["wss", "senat", "tax"])
    lower_a, lower_b = (Keyed.of(k.keys, k.keys, [True, False, False], fw, [], zipf) for k in (a, b))
    assert reconcile(lower_a, lower_b) == ([None, "senat", "vote"], [None, "senat", "tax"])


def test_a_broken_word_reads_as_the_other_texts_misreading_of_it() -> None:
    # "fr equently" in one scan, "frcquently" in the other: both misread, joined they are one edit apart.
    a = keyed(["fr", "equent", "vote"], rare={"fr", "equently"}, forms=["fr", "equently", "vote"],
              joins=[(0, 1, "frequently")])
    b = keyed(["frcquentli", "vote"], rare={"frcquently"}, forms=["frcquently", "vote"])
    assert reconcile(a, b)[0] == ["frcquentli", None, "vote"]


def test_a_word_beside_another_is_not_joined_into_it() -> None:
    # "al studied" joined is "studied" with two letters before it: no misreading of "studied".
    a = keyed(["al", "studi", "vote"], rare={"al"}, forms=["al", "studied", "vote"], joins=[(0, 1, "alstudied")])
    b = keyed(["studi", "vote"], forms=["studied", "vote"], function_words={"the"})
    assert reconcile(a, b)[0][:2] == ["al", "studi"]


def test_ocr_form_undoes_the_commonest_misreadings() -> None:
    assert ocr_form("govemment") == ocr_form("government") == "govemment"
    assert ocr_form("p0st") == "post" and ocr_form("a1so") == "also"
    # "p0st" is one edit from both "post" and "past" as written; read as an OCR reads, it is "post".
    assert nearest(["p0st"], ["past", "post"]) == {"p0st": "post"}


def test_looks_misread_tells_damage_from_a_copiers_swap() -> None:
    words = {"government", "residents", "blame", "gravement", "grievement", "said", "stated", "russia", "russian",
             "federation", "smith", "jones", "iran", "iraq", "monday", "sunday", "austria", "australia", "gover",
             "nment"}

    def unknown(w: str) -> bool:
        return w not in words

    assert looks_misread(["government"], ["gover", "nment"], unknown)
    assert looks_misread(["residents"], ["resideuts"], unknown)
    assert looks_misread(["blame"], ["blarne"], unknown)
    assert not looks_misread(["gravement"], ["grievement"], unknown)  # a French synonym, two letters apart
    assert not looks_misread(["said"], ["stated"], unknown)
    assert not looks_misread(["russia"], ["russian", "federation"], unknown)
    assert not looks_misread(["smith"], ["jones"], unknown)
    # one letter apart, but each a word of its own: a copier's choice
    assert not looks_misread(["iran"], ["iraq"], unknown)
    assert not looks_misread(["monday"], ["sunday"], unknown)
    assert not looks_misread(["austria"], ["australia"], unknown)
    # figures, with letters or without, are never misread
    assert not looks_misread(["12"], ["15"], unknown)
    assert not looks_misread(["15bn"], ["16bn"], unknown)
    assert not looks_misread(["1990s"], ["1980s"], unknown)


def test_figures_are_never_read_as_other_figures() -> None:
    assert nearest(["16bn", "1980s", "a321"], ["15bn", "1990s", "a320"]) == {}
    assert nearest(["looo"], ["1000"]) == {} and not looks_misread(["100"], ["101"], lambda w: True)
    a = keyed(["16bn", "1980s", "vote"], rare={"16bn", "1980s"})
    b = keyed(["15bn", "1990s", "vote"], rare={"15bn", "1990s"})
    assert reconcile(a, b) == (a.keys, b.keys)


def test_a_known_rare_word_is_no_misreading_of_another() -> None:
    # Tomsk and Omsk are two cities one letter apart, both rare: neither is read as the other.
    # "goverment" is a rare word too, but "government" is over a hundred times commoner: a misreading.
    zipf = {"tomsk": 2.0, "omsk": 2.3, "goverment": 2.7, "government": 5.5}
    a = keyed(["tomsk", "goverment", "vote"], rare={"tomsk", "goverment"}, zipf=zipf)
    b = keyed(["omsk", "govern", "vote"], rare={"omsk"}, forms=["omsk", "government", "vote"], zipf=zipf)
    assert reconcile(a, b)[0] == ["tomsk", "govern", "vote"]


def test_two_misreadings_of_one_word_keep_one_key() -> None:
    # a's "rep0rtcd" reads as b's "reportcd"; b's "reportcd" must then not read as a's "reported".
    a = keyed(["report", "rep0rtcd", "vote"], rare={"rep0rtcd"}, forms=["reported", "rep0rtcd", "vote"])
    b = keyed(["reportcd", "vote", "x"], rare={"reportcd"})
    ka, kb = reconcile(a, b)
    assert ka[1] == kb[0]


def test_unknown_share_counts_lower_case_words_no_list_knows_among_latin_ones() -> None:
    # weights: 9 is a word no list knows; names (capitalised), figures and other scripts' words are not
    # counted as such
    lower = [False] * 4
    assert unknown_share(["scnate", "vote", "budget", "tax"], [9.0, 4.0, 4.5, 4.0], lower) == 0.25
    assert unknown_share(["ishak", "vote", "budget", "tax"], [9.0, 4.0, 4.5, 4.0], [True, False, False, False]) == 0.0
    assert unknown_share(["2019", "vote"], [9.0, 4.0], lower) == 0.0
    assert unknown_share(["выборы", "голос", "vote"], [9.0, 9.0, 4.0], lower) == 0.0  # mostly Cyrillic: not judged


def test_nearest_by_length_gives_the_same_answers(monkeypatch) -> None:
    # Long texts compare each word only with words of about its length: the same readings, ties included.
    import random

    from storytrace import misread

    rng = random.Random(4)
    letters = "aeioumnrtlsc"
    vocabulary = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(4, 11))) for _ in range(400)})
    words = sorted({v[:k] + rng.choice(letters) + v[k + 1:] for v in vocabulary[:200] for k in [rng.randrange(len(v))]})
    whole = nearest(words, vocabulary, readings={v: v[:3] for v in vocabulary}, common=set(vocabulary[::3]))
    monkeypatch.setattr(misread, "_BUCKET_ABOVE", 0)
    assert nearest(words, vocabulary, readings={v: v[:3] for v in vocabulary}, common=set(vocabulary[::3])) == whole
    assert len(whole) > 50
