"""Matching keys and sentence spans: folding, stop words, and spans that point at the original text."""

from __future__ import annotations

import pytest

from storytrace.normalize import (
    _WORD,
    STOP_WORDS,
    cjk_function_characters,
    fold,
    is_cjk,
    is_content,
    paragraph_spans,
    sentence_spans,
    styled_letters,
    tokenize,
    word_key,
)


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


# -- folding ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("disguised", "plain"),
    [
        ("R\u043ete", "rote"),            # Cyrillic o
        ("\u0420utin", "putin"),          # Cyrillic Er for P
        ("Mosc\u043ew", "moscow"),
        ("\u0391thens", "athens"),        # Greek Alpha
        ("\u039foslo", "ooslo"),           # Greek Omicron
        ("\u0441\u0430\u0440", "cap"),    # an all-look-alike word
    ],
)
def test_fold_maps_look_alike_letters_onto_latin(disguised: str, plain: str) -> None:
    assert not disguised.isascii()
    assert fold(disguised) == plain


@pytest.mark.parametrize(
    ("disguised", "plain"),
    [
        ("\u0406ran", "iran"),            # Cyrillic capital І: Unicode's prototype is "l"
        ("\u0399raq", "iraq"),            # Greek capital Iota
        ("he\u04cfp", "help"),            # Cyrillic palochka for l: Unicode's data reads it as "i"
        ("\u04c0nternational", "international"),
        ("m\u0456\u04cf\u04cfion", "million"),  # a dotted Cyrillic і and two strokes
        ("Kosza\u04cfin", "koszalin"),    # a name no reading makes known: a small stroke reads as l
        ("\u0406vanov", "ivanov"),        # ... and a capital one as I
        ("A\u0406S", "ais"),              # in a word of capitals, an I (not "ALS", the commoner word)
    ],
)
def test_fold_reads_upright_strokes_by_the_word_around_them(disguised: str, plain: str) -> None:
    assert fold(disguised) == plain


def test_fold_leaves_a_dotted_i_alone_where_l_would_make_a_word_too() -> None:
    assert fold("fa\u0456l") == "fail"   # Cyrillic і has its dot: never read as l ("fall")
    assert fold("fa\u04cfl") == "fall"   # a dotless stroke: the commoner word


@pytest.mark.parametrize(
    ("disguised", "plain"),
    [
        ("\u0299\u0280\u1d07\u1d00\u1d0b\u026a\u0274\u0262", "breaking"),  # small capitals: Unicode's
        ("\ua731\u1d0d\u1d00\u029f\u029f", "small"),                          # confusables lack most
        ("\u1d1b\u029c\u1d07", "the"),
        ("\u029ft", "lt"),   # a small capital L is drawn as an L, never read as I
    ],
)
def test_fold_maps_small_capitals_onto_their_letters(disguised: str, plain: str) -> None:
    assert fold(disguised) == plain


def test_styled_letters_are_counted_as_the_exact_hash_reads_them_plainly() -> None:
    assert styled_letters("Plain text, café and \u0420utin") == 0  # accents and Cyrillic are no style
    assert styled_letters("\uff26\uff35\uff2c\uff2c width and \U0001d41b\U0001d428\U0001d425\U0001d41d") == 8
    assert styled_letters("10 km\u00b2 of \ufb01elds") == 1  # a superscript two; a ligature is two letters, no style
    assert fold("\uff26\uff35\uff2c\uff2c") == "full"


def test_invisible_characters_belong_to_their_word_and_fold_away() -> None:
    text = "Pu\u200btin met Ve\u00adla\u2060ya\ufeffti in Mos\u200ccow."
    tokens = tokenize(text)
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends)] == [
        "Pu\u200btin", "met", "Ve\u00adla\u2060ya\ufeffti", "in", "Mos\u200ccow"]
    assert tokens.keys == tokenize("Putin met Velayati in Moscow.").keys
    assert fold("Pu\u200btin") == "putin"
    # between two words, a zero-width space still separates them
    assert len(tokenize("Putin \u200bmet").keys) == 2


def test_combining_marks_belong_to_their_word() -> None:
    decomposed = "Cafe\u0301 owners in Zu\u0308rich"  # accents stored as separate marks (NFD)
    assert tokenize(decomposed).keys == tokenize("Café owners in Zürich").keys
    assert len(tokenize("नमस्ते मेरा").keys) == 2  # Devanagari vowel signs are marks too
    assert fold("Pu\u0307tin") == fold("Pu\u034ftin") == "putin"  # a dot added above; a grapheme joiner


@pytest.mark.parametrize(("word", "plain"), [("Café", "cafe"), ("Zürich", "zurich"), ("São", "sao"),
                                             ("NAÏVE", "naive"), ("Ｇｅｎｏａ", "genoa")])
def test_fold_removes_accents_width_and_case(word: str, plain: str) -> None:
    assert fold(word) == plain


def test_fold_keeps_plain_ascii_words_apart() -> None:
    assert fold("Genoa") == "genoa"
    assert fold("Genoa") != fold("Geneva")


def test_word_key_stems_and_drops_possessive() -> None:
    assert word_key("Sanctions") == word_key("sanction")
    assert word_key("Putin's") == word_key("Putin")
    assert word_key("Putin\u2019s") == word_key("Putin")
    assert word_key("2018") == "2018"
    assert word_key("Sanctions") != word_key("Santions")


def test_word_key_of_disguised_word_equals_plain_key() -> None:
    assert word_key("s\u0430ncti\u043ens") == word_key("sanctions")
    assert word_key("Ir\u0430n") == word_key("Iran")


@pytest.mark.parametrize("word", ["of", "the", "and", "was", "in", "OF", "The"])
def test_stop_words_are_not_content(word: str) -> None:
    assert not is_content(word_key(word))


@pytest.mark.parametrize("word", ["bridge", "Genoa", "collapsed", "35", "2018"])
def test_content_words_are_content(word: str) -> None:
    assert is_content(word_key(word))


def test_content_keys_drop_stop_words() -> None:
    tokens = tokenize("The collapse of the bridge in Genoa was a tragedy")
    content = [k for k in tokens.keys if is_content(k)]
    assert content == [word_key(w) for w in ("collapse", "bridge", "Genoa", "tragedy")]
    assert not set(content) & STOP_WORDS


def test_content_keys_survive_deleting_every_of() -> None:
    a = tokenize("The head of the civil protection agency of Liguria")
    b = tokenize("The head the civil protection agency Liguria")
    assert [k for k in a.keys if is_content(k)] == [k for k in b.keys if is_content(k)]


# -- tokens keep their spans --------------------------------------------------------------------------

def test_token_spans_point_at_original_characters() -> None:
    text = "Th\u0435 Kremlin\u2019s  envoy, Ali Akbar Velayati, arrived."
    tokens = tokenize(text)
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends)] == [
        "Th\u0435", "Kremlin\u2019s", "envoy", "Ali", "Akbar", "Velayati", "arrived"]
    assert tokens.keys[0] == "the"
    assert tokens.caps[:2] == [True, True] and tokens.caps[2] is False
    assert len(tokens) == 7


@pytest.mark.parametrize("forms", [("Москва", "МОСКВА", "москва"), ("Банк", "БАНК", "банк"),
                                   ("Ελλάδα", "ΕΛΛΑΔΑ", "ελλάδα"), ("Дом", "ДОМ", "дом")])
def test_a_word_in_its_own_script_has_one_key_in_any_case(forms: tuple[str, ...]) -> None:
    # read through the look-alike table, "банк" was "6aнк" but "Банк" "бaнк": a capital and its small
    # letter are not always both look-alikes
    keys = {word_key(w) for w in forms}
    assert len(keys) == 1 and not next(iter(keys)).isascii()


@pytest.mark.parametrize(("disguised", "plain"), [("\u0441\u0430\u0440", "cap"), ("\u0421\u0410\u0420", "cap"),
                                                  ("\u03a4\u0397e", "the"), ("\u0397\u0435", "he"),
                                                  ("\u0410\u0031\u0030", "a10"), ("\u0406", "i"),
                                                  ("\u041c", "m"), ("\u041d\u0435", "he"), ("\u0441\u043e", "co"),
                                                  ("C\u0422", "ct")])
def test_a_word_wholly_of_look_alikes_is_still_read_as_latin(disguised: str, plain: str) -> None:
    # a common English word, a word of two scripts, a word no language knows, one letter, a word that is
    # not far commoner in Russian than in English, an abbreviation in capitals
    assert fold(disguised) == plain


@pytest.mark.parametrize(("disguised", "plain"), [("M\u043e\u0441\u043a\u0432a", "москва"), ("Бaнк", "банк"),
                                                  ("v\u03b1", "να"), ("k\u03b1i", "και"), ("\u0417a", "за"),
                                                  ("t\u03bf", "to"), ("h\u0435", "he")])
def test_latin_letters_put_into_a_word_of_another_script_are_read_in_that_script(disguised: str, plain: str) -> None:
    # a letter no Latin one looks like (в, б) makes the word Cyrillic, whatever look-alikes a copier put in;
    # with none, a word far commoner in Greek or Russian than in English is theirs ("να", "за"), else
    # English ("to", "he", though Greek "το" and Russian "не" are about as common)
    assert fold(disguised) == plain


@pytest.mark.parametrize(("variant", "plain"), [("کتاب", "كتاب"), ("ایران", "ايران"), ("مدرسة", "مدرسه"),
                                              ("الســيول", "السيول"), ("إلى", "الي"), ("أحمد", "احمد")])
def test_arabic_script_spelling_variants_have_one_key(variant: str, plain: str) -> None:
    # Persian yeh and keheh, alef maksura, teh marbuta, tatweel, hamza on alef
    assert word_key(variant) == word_key(plain)


# -- Chinese and Japanese ----------------------------------------------------------------------------

def test_han_and_kana_characters_are_words_of_their_own() -> None:
    text = "普京周二在莫斯科会见了ABC公司的代表。プーチン大統領が来日した。"
    tokens = tokenize(text)
    words = [text[s:e] for s, e in zip(tokens.starts, tokens.ends)]
    assert words[:4] == ["普", "京", "周", "二"]
    assert "ABC" in words  # a Latin word inside Chinese text stays whole
    assert "".join(words) == "".join(ch for ch in text if ch not in "。")


def test_a_voiced_sound_mark_stays_with_its_kana() -> None:
    decomposed = "か\u3099っこいい"  # が written as か plus the combining voiced sound mark
    tokens = tokenize(decomposed)
    assert [decomposed[s:e] for s, e in zip(tokens.starts, tokens.ends)][0] == "か\u3099"
    assert tokens.keys == tokenize("がっこいい").keys


@pytest.mark.parametrize("text", [
    "The Kremlin\u2019s envoy met O'Brien in Zu\u0308rich — 40% of votes, naïve café.",
    "Путин встретился с Велаяти в Москве.",
    "대통령이 서울에서 회견했다.",  # Hangul is written with spaces: left to \w
    "नमस्ते मेरा दोस्त",
])
def test_a_text_without_han_or_kana_is_split_as_before(text: str) -> None:
    tokens = tokenize(text)
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends)] == _WORD.findall(text) == tokens.words


def test_frequent_function_characters_are_not_content() -> None:
    function = cjk_function_characters()
    assert {"的", "了", "是", "の", "は", "を"} <= function
    assert 20 <= len(function) <= 80
    assert not is_content("的") and not is_content("の")
    assert is_content("普") and is_content("震") and is_cjk("普")
    assert not is_cjk("a") and not is_cjk("普京")


def test_han_characters_weigh_by_how_common_they_are_in_running_text() -> None:
    from storytrace.weights import idf

    # 斯 alone is a rare word but is written in common ones (俄罗斯): it weighs less than a rare character.
    assert idf("的") < idf("国") < idf("斯") < idf("韦")
    assert idf("的") < idf("said") < idf("韦")  # as common as a function word; rarer than "said"


@pytest.mark.parametrize("digits", ["২০০৪", "२००४", "٢٠٠٤", "۲۰۰۴", "๒๐๐๔", "２００４", "𝟐𝟎𝟎𝟒"])
def test_a_figure_in_any_script_is_the_same_number(digits: str) -> None:
    # Unicode's look-alikes read Bengali ০ as the letter O and ৪ as 8: a digit is read by its value
    assert word_key(digits) == "2004"


def test_a_danda_ends_a_sentence() -> None:
    text = 'बाढ़ से हज़ारों लोग बेघर हुए। उन्होंने कहा, "राहत जल्द आएगी।" फिर बारिश रुकी॥ अंत'
    assert sentences(text) == ["बाढ़ से हज़ारों लोग बेघर हुए।", 'उन्होंने कहा, "राहत जल्द आएगी।"', "फिर बारिश रुकी॥", "अंत"]


# -- sentences ----------------------------------------------------------------------------------------

def test_sentence_spans_simple_text() -> None:
    text = "The bridge fell on Tuesday. Rescuers searched all night! Was anyone warned?"
    assert sentences(text) == ["The bridge fell on Tuesday.", "Rescuers searched all night!", "Was anyone warned?"]


def test_glued_sentences_are_cut() -> None:
    text = "The vote took place in May.He resigned in June.Officials declined to comment."
    assert sentences(text) == ["The vote took place in May.", "He resigned in June.", "Officials declined to comment."]


def test_glued_cut_after_digit() -> None:
    text = "The deal was signed in 2015.In 2016 it was revived."
    assert sentences(text) == ["The deal was signed in 2015.", "In 2016 it was revived."]


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Smith spoke to reporters outside the court.",
        "Police arrested Dr. Anna Weber on Monday.",
        "He met Gen. Smith and Mrs. Jones at noon.",
        "Mr. Putin's reports in the meeting were discussed.",
        "He met John F. Kennedy in 1960.",
    ],
)
def test_abbreviation_does_not_end_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The fire started at noon. Dr. Anna Weber said it was contained.",
         ["The fire started at noon.", "Dr. Anna Weber said it was contained."]),
        ("It rained all day. Mr. Jones stayed at home.", ["It rained all day.", "Mr. Jones stayed at home."]),
    ],
)
def test_sentence_before_title_abbreviation_is_its_own_sentence(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("It was cold.A storm came in from the sea.",
                     ["It was cold.", "A storm came in from the sea."], id="next-sentence-starts-with-A"),
        pytest.param('The mayor said: "We will rebuild."The minister agreed.',
                     ['The mayor said: "We will rebuild."', "The minister agreed."], id="closing-quote"),
        pytest.param('Talks ended on Friday."We are done," he said.',
                     ["Talks ended on Friday.", '"We are done," he said.'], id="opening-quote"),
        pytest.param("It rained in M\u0430y.\u0422he river rose.",
                     ["It rained in M\u0430y.", "\u0422he river rose."], id="look-alike-letters"),
    ],
)
def test_glued_sentences_are_cut_in_harder_cases(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentence_spans_respect_line_breaks_and_offsets() -> None:
    text = "Headline of the day\n\nFirst sentence here. Second one.\n\nThird paragraph starts."
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "Headline of the day", "First sentence here.", "Second one.", "Third paragraph starts."]
    for s, e in spans:
        assert text[s:e] == text[s:e].strip()
    assert spans == sorted(spans)


def test_sentence_spans_of_empty_text() -> None:
    assert sentence_spans("") == []
    assert sentence_spans("\n\n  \n") == []


def test_paragraph_spans() -> None:
    text = "  First para line one.\nline two.\n\n\n Second para. \n \nThird."
    spans = paragraph_spans(text)
    assert [text[s:e] for s, e in spans] == ["First para line one.\nline two.", "Second para.", "Third."]
    assert paragraph_spans("") == []
    assert paragraph_spans("one block only") == [(0, 14)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café owners in São Paulo protested on Monday. Zé Müller said “no comment”.",
         ["Café owners in São Paulo protested on Monday.", "Zé Müller said “no comment”."]),
        ("北京 reported heavy rain on Friday. Tokyo stayed dry.", ["北京 reported heavy rain on Friday.", "Tokyo stayed dry."]),
        ("Cafe\u0301 owners protested. Th\u0435 m\u0430yor spoke.\u0422hen he left.",
         ["Cafe\u0301 owners protested.", "Th\u0435 m\u0430yor spoke.", "\u0422hen he left."]),
        ("Fans cheered 😀 all night. The police stayed calm.", ["Fans cheered 😀 all night.", "The police stayed calm."]),
    ],
)
def test_sentence_spans_are_character_offsets_in_non_ascii_text(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
    # a second call (cached) gives the same answer
    assert sentences(text) == expected


def test_a_country_and_its_adjective_share_a_key() -> None:
    from storytrace.normalize import word_key

    for country, forms in {"Syria": ("Syrian", "Syrians", "Syria's", "syrian"), "Turkey": ("Turkish",),
                           "Greece": ("Greek",), "Israel": ("Israeli", "Israelis"), "France": ("French",)}.items():
        assert {word_key(f) for f in forms} == {word_key(country)}, country
    # an adjective of a country named in two words has no one key to go to, and plain words keep theirs
    assert word_key("British") != word_key("Britain") and word_key("Syrup") != word_key("Syria")


def test_headlines_naming_a_country_two_ways_say_the_same() -> None:
    from storytrace.align import sentence_similarity

    assert sentence_similarity("Syrian prime minister survives attack", "Syria's prime minister survives attack") == 1.0


def test_sentences_of_a_wrapped_paragraph_are_its_sentences() -> None:
    from storytrace.normalize import sentence_spans, unwrapped

    flowing = ("A road accident on a Florida highway near Gainesville killed five children in a church bus. "
               "One semi truck and a car broke through the centre guardrail before colliding with other "
               "vehicles. Officials said diesel fuel spilled and ignited.")
    wrapped = ("A road accident on a Florida highway near\nGainesville killed five children in a\nchurch bus. "
               "One semi truck and a car broke\nthrough the centre guardrail before\ncolliding with other "
               "vehicles. Officials\nsaid diesel fuel spilled and ignited.")
    assert len(unwrapped(wrapped)) == len(wrapped)

    def said(text: str) -> list[str]:
        return [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]

    assert said(wrapped) == said(flowing) and len(said(flowing)) == 3
    # short lines of their own (a share box) and one paragraph per line are not wrapped text
    assert unwrapped("Share this:\nTwitter\nFacebook\nReddit") == "Share this:\nTwitter\nFacebook\nReddit"
    per_line = "\n".join([flowing, flowing, flowing])
    assert unwrapped(per_line) == per_line
    # nor is a corpus's one sentence per line, headline first
    by_sentence = "Bus crash kills five children\n" + "\n".join(said(flowing))
    assert unwrapped(by_sentence) == by_sentence
