"""storytrace.language: a text in Latin letters keyed and weighed in its own language.

The behaviour tests use tests/fixtures/multilingual (German and Portuguese flood reports, a half copy and a
retelling of them, and a rate decision as another story; see its README).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace import compare
from storytrace.language import ENGLISH, LATIN_STEMMERS, MIN_WORDS, text_language
from storytrace.normalize import STOP_WORDS, fold, language_of, tokenize, word_key
from storytrace.weights import idf
from wordfreq import zipf_frequency

FIXTURES = Path(__file__).parent / "fixtures" / "multilingual"
GERMAN = (FIXTURES / "de_flood.txt").read_text(encoding="utf-8")
ENGLISH_TEXT = (
    "The regional council approved a budget of 40 million euros for the new tram line in Nantes on Tuesday. "
    "Construction of the line is due to start next spring and should be finished by 2027, the mayor said, "
    "and the tram will link the university campus with the main railway station."
)


def test_a_text_is_identified_by_its_words() -> None:
    assert language_of(GERMAN) == "de"
    assert language_of((FIXTURES / "pt_flood.txt").read_text(encoding="utf-8")) == "pt"
    assert language_of(ENGLISH_TEXT) == ENGLISH
    # a language storytrace has no stemmer and word list for, and a script other than Latin, stay English
    assert language_of((FIXTURES / "ru_flood.txt").read_text(encoding="utf-8")) == ENGLISH


def test_a_text_too_short_to_tell_stays_english() -> None:
    headline = "Hochwasser zwingt Tausende in Passau zur Flucht aus ihren Wohnungen"
    assert len(headline.split()) < MIN_WORDS
    assert language_of(headline) == ENGLISH
    assert text_language([fold(w) for w in GERMAN.split()][: MIN_WORDS - 1], STOP_WORDS) == ENGLISH


def test_a_disguised_copy_is_identified_as_its_source() -> None:
    # look-alike letters (Cyrillic а, е, о) and hidden characters are read before the text is identified
    disguised = GERMAN.replace("a", "\u0430").replace("e", "\u0435").replace("o", "\u043e").replace("ss", "s\u200bs")
    assert language_of(disguised) == "de"
    assert tokenize(disguised).keys == tokenize(GERMAN).keys


@pytest.mark.parametrize(("forms", "language"), [
    (("Regierung", "Regierungen"), "de"),
    (("Wohnung", "Wohnungen"), "de"),
    (("inondation", "inondations"), "fr"),
    (("l'armée", "armée", "armées"), "fr"),  # an elided article is no part of the word
    (("qu'il", "il"), "fr"),  # the word after the elision, even where both parts are as long
    (("auto's", "auto"), "nl"),  # a plural after the apostrophe
    (("evacuados", "evacuadas", "evacuado"), "es"),
    (("Türkiye'nin", "Türkiye"), "tr"),  # a suffix after a name's apostrophe
])
def test_inflected_forms_share_one_key_in_their_language(forms, language) -> None:
    assert len({word_key(w, language) for w in forms}) == 1, [word_key(w, language) for w in forms]


def test_english_keys_and_weights_are_unchanged() -> None:
    # (bench/identity.py checks whole corpora: identical stories, pairs and scores)
    assert word_key("Sanctions") == "sanction" and word_key("Syrian") == "syria"
    assert tokenize(ENGLISH_TEXT).language == ENGLISH
    assert tokenize(ENGLISH_TEXT).keys[:4] == ["the", "region", "council", "approv"]
    assert idf("said") == pytest.approx(9.0 - zipf_frequency("said", "en"))


def test_words_are_weighed_by_their_own_language() -> None:
    # German function words are rare in English, which made them weigh as much as a name
    assert idf("und") > 4.5 and idf("und", "de") < 2.0
    assert idf("hochwasser", "de") > idf("und", "de")
    # a folded form is weighed as the word it folds ("fur" is "für"; Turkish ı is read as i)
    assert idf("fur", "de") < 3.0 < idf("fur")
    assert idf(fold("yapıldı"), "tr") < 6.0
    # a word with an apostrophe is weighed as the part it is keyed as
    assert idf(fold("qu'il"), "fr") == idf("il", "fr")


def test_every_language_has_a_stemmer_and_a_word_list() -> None:
    import snowballstemmer
    from wordfreq import available_languages

    lists = available_languages()
    for code, (wordfreq_code, stemmer) in LATIN_STEMMERS.items():
        assert stemmer in snowballstemmer.algorithms(), code
        assert wordfreq_code in lists, code


def test_a_german_retelling_is_one_story_and_another_german_story_is_not() -> None:
    retold = compare(FIXTURES / "de_flood.txt", FIXTURES / "de_flood_retold.txt")
    other = compare(FIXTURES / "de_flood.txt", FIXTURES / "de_rates.txt")
    assert (retold.copy, retold.story) == ("none", "same")
    assert (other.copy, other.story) == ("none", "different")


def test_a_portuguese_retelling_is_one_story_and_another_portuguese_story_is_not() -> None:
    retold = compare(FIXTURES / "pt_flood.txt", FIXTURES / "pt_flood_retold.txt")
    other = compare(FIXTURES / "pt_flood.txt", FIXTURES / "pt_rates.txt")
    assert (retold.copy, retold.story) == ("none", "same")
    assert (other.copy, other.story) == ("none", "different")


def test_a_german_half_copy_with_a_paragraph_spliced_in_is_partial() -> None:
    rel = compare(FIXTURES / "de_flood.txt", FIXTURES / "de_flood_half.txt")
    assert (rel.copy, rel.story) == ("partial", "same")


def test_a_german_sentence_quoted_alone_is_a_partial_copy() -> None:
    # Too short to identify, the quote is keyed in its German source's language when compared with it.
    quote = next(s.strip() + "." for s in GERMAN.split(".") if "Dupper sagte" in s)
    assert len(quote.split()) < MIN_WORDS and language_of(quote) == ENGLISH
    assert compare(quote, FIXTURES / "de_flood.txt").copy == "partial"
    assert compare(FIXTURES / "de_flood.txt", quote).copy == "partial"
    # and it is keyed as English again outside that comparison
    assert tokenize(quote).language == ENGLISH and tokenize(quote).undecided


def test_a_short_english_text_is_not_keyed_in_another_language() -> None:
    # A sentence plainly English by its function words stays English beside a German article.
    assert not tokenize("The mayor of Passau said that the schools would open again on Monday.").undecided


def test_a_short_german_query_finds_its_german_source() -> None:
    from storytrace import Index
    from storytrace.ingest import read_paths

    quote = next(s.strip() + "." for s in GERMAN.split(".") if "Dupper sagte" in s)
    with Index(":memory:") as index:
        index.add([a for a in read_paths([FIXTURES / "de_flood.txt", FIXTURES / "de_rates.txt"])])
        matches = index.query(quote)
    assert [m.relation.copy for m in matches] == ["partial"]
    assert "Dupper" in matches[0].article.text


def test_a_short_query_is_keyed_in_a_language_only_when_py3langid_is_sure() -> None:
    from storytrace.normalize import query_language

    assert query_language("Hochwasser in Passau: Tausende verlassen ihre Wohnungen") == "de"
    # English keywords without function words are too few to tell, and stay English
    assert query_language("Putin Velayati meeting") == ENGLISH
    assert query_language(ENGLISH_TEXT) == ENGLISH
