"""Fingerprints: exact hashes, sentence hashes that survive disguises, entities, vectors, LSH bands."""

from __future__ import annotations

import math
import re

import pytest

from storytrace import Article, Settings
from storytrace.fingerprint import band_keys, fingerprint, shingle_strings

TEXT = (
    "Firefighters in the north of Portugal battled a wildfire near the town of Braga on Sunday. "
    "The head of the civil protection agency said three villages were evacuated overnight. "
    "Police closed the motorway between Braga and Porto as smoke drifted across the valley."
)

LOOK_ALIKES = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441",
                             "T": "\u0422", "P": "\u0420"})


def look_alikes(text: str) -> str:
    return text.translate(LOOK_ALIKES)


def no_of(text: str) -> str:
    return re.sub(r"\bof\s+", "", text)


def glued(text: str) -> str:
    return re.sub(r"([.!?]) (?=[A-Z])", r"\1", text)


def disguise(text: str) -> str:
    """What a content farm does: look-alike letters, no space after full stops, every 'of' deleted."""
    return look_alikes(glued(no_of(text)))


def hashes(fp) -> list[int]:
    return [h for h, _, _ in fp.sentences]


def test_same_text_same_fingerprint() -> None:
    a = fingerprint(Article(text=TEXT, id="a"))
    b = fingerprint(Article(text=TEXT, id="b", site="other.example", published="2020-01-01"))
    assert a.exact == b.exact
    assert a.minhash == b.minhash
    assert a.sentences == b.sentences
    assert a.shingles == b.shingles


def test_case_and_spacing_do_not_change_the_exact_hash_but_look_alikes_do() -> None:
    a = fingerprint(Article(text=TEXT))
    b = fingerprint(Article(text=TEXT.upper()))
    spaced = fingerprint(Article(text=TEXT.replace(" ", "  \n ")))
    c = fingerprint(Article(text=look_alikes(TEXT)))
    d = fingerprint(Article(text=glued(TEXT)))
    assert look_alikes(TEXT) != TEXT and glued(TEXT) != TEXT
    assert a.exact == b.exact == spaced.exact == d.exact
    # a disguised copy is not letter-for-letter the same text: near, not exact (its sentences still match)
    assert c.exact != a.exact
    assert {h for h, _, _ in c.sentences} == {h for h, _, _ in a.sentences}
    # sentences glued together ("said.The") are counted, so that relate can tell that copier's trick apart
    assert a.glued == b.glued == spaced.glued == 0 and d.glued == TEXT.count(". ") > 0


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(look_alikes, id="look-alikes"),
        pytest.param(no_of, id="of-deleted"),
        pytest.param(glued, id="glued"),
        pytest.param(lambda t: look_alikes(no_of(t)), id="look-alikes+of-deleted"),
        pytest.param(lambda t: glued(no_of(t)), id="glued+of-deleted"),
        pytest.param(disguise, id="all-three"),
    ],
)
def test_disguised_copy_keeps_sentence_hashes(change) -> None:
    d = change(TEXT)
    assert d != TEXT
    a = fingerprint(Article(text=TEXT))
    b = fingerprint(Article(text=d))
    assert len(hashes(a)) == 3
    assert hashes(a) == hashes(b)
    assert a.shingles == b.shingles


def test_text_stored_decomposed_has_the_exact_hash_of_the_same_text_composed() -> None:
    import unicodedata

    accented = TEXT.replace("e", "é")
    decomposed = unicodedata.normalize("NFD", accented)
    assert decomposed != accented
    assert fingerprint(Article(text=decomposed)).exact == fingerprint(Article(text=accented)).exact


def test_deleting_words_changes_the_exact_hash() -> None:
    # the exact hash keeps function words: a copy with words deleted is near, not exact
    assert fingerprint(Article(text=TEXT)).exact != fingerprint(Article(text=no_of(TEXT))).exact


def test_sentence_hash_spans_point_into_content() -> None:
    art = Article(text=TEXT, title="Wildfire near Braga forces evacuations")
    fp = fingerprint(art)
    content = art.content
    starts = [s for _, s, _ in fp.sentences]
    assert content[starts[0]:].startswith("Wildfire near Braga")
    for _, s, e in fp.sentences:
        assert content[s:e].strip() == content[s:e]
        assert content[s:e]
    assert any(content[s:e].startswith("Police closed the motorway") for _, s, e in fp.sentences)


def test_different_text_different_hashes() -> None:
    other = ("Heavy rain flooded the centre of Valencia on Wednesday, cutting power to thousands of homes. "
             "Emergency services rescued drivers trapped in their cars on the ring road.")
    a = fingerprint(Article(text=TEXT))
    b = fingerprint(Article(text=other))
    assert a.exact != b.exact
    assert not set(hashes(a)) & set(hashes(b))
    assert not a.shingles & b.shingles


def test_one_changed_word_changes_exact_but_not_other_sentences() -> None:
    changed = TEXT.replace("three villages", "four villages")
    a = fingerprint(Article(text=TEXT))
    b = fingerprint(Article(text=changed))
    assert a.exact != b.exact
    shared = set(hashes(a)) & set(hashes(b))
    assert len(shared) == 2


def test_short_sentences_are_not_hashed() -> None:
    s = Settings()
    short = "It burned. Smoke rose. " + TEXT
    fp = fingerprint(Article(text=short), s)
    for _, start, end in fp.sentences:
        assert short[start:end] not in ("It burned.", "Smoke rose.")
    assert len(fp.sentences) == 3


def test_entities_include_names_not_sentence_initial_common_words() -> None:
    text = ("Police said the fire near Braga was under control by Monday. Officials in Lisbon praised the "
            "crews. Residents of Guimaraes returned home after Ana Ferreira, the mayor, lifted the order. "
            "The army sent two helicopters.")
    fp = fingerprint(Article(text=text))
    for name in ("braga", "lisbon", "guimara", "ferreira"):
        assert any(k.startswith(name) for k in fp.entities), (name, fp.entities)
    for common in ("polic", "offici", "resid", "the", "army"):
        assert common not in fp.entities, (common, fp.entities)


def test_entities_and_block_separate_two_similar_events() -> None:
    a = fingerprint(Article(text="A strong earthquake struck near Durres in Albania, killing 20 people."))
    b = fingerprint(Article(text="A strong earthquake struck near Arequipa in Peru, killing 20 people."))
    assert any(k.startswith("durr") for k in a.entities) and "albania" in a.entities, a.entities
    assert any(k.startswith("arequipa") for k in b.entities) and "peru" in b.entities, b.entities
    assert set(a.entities) & set(b.entities) <= {"20"}
    assert "earthquak" not in a.entities


def test_vectors_are_unit_length() -> None:
    fp = fingerprint(Article(text=TEXT, title="Wildfire near Braga forces evacuations"))
    for vec in (fp.body, fp.entities, fp.title):
        assert vec
        assert math.isclose(math.sqrt(sum(v * v for v in vec.values())), 1.0, abs_tol=1e-3)
    assert len(fp.block) <= Settings().block_terms
    assert set(fp.title) <= set(fp.body)


def test_no_title_no_title_vector() -> None:
    fp = fingerprint(Article(text=TEXT))
    assert fp.title == {}


def test_settings_change_the_signature_length() -> None:
    s = Settings(num_perm=64, lsh_bands=16)
    fp = fingerprint(Article(text=TEXT), s)
    assert len(fp.minhash) == 64
    assert len(band_keys(fp.minhash, s.lsh_bands)) == 16


def test_band_keys_deterministic_and_shared_for_copies() -> None:
    s = Settings()
    a = fingerprint(Article(text=TEXT), s)
    b = fingerprint(Article(text=look_alikes(no_of(TEXT))), s)
    ka, kb = band_keys(a.minhash, s.lsh_bands), band_keys(b.minhash, s.lsh_bands)
    assert len(ka) == s.lsh_bands
    assert ka == band_keys(list(a.minhash), s.lsh_bands)
    assert ka == kb
    assert band_keys([], s.lsh_bands) == []
    # all keys fit SQLite's signed 64-bit integers
    assert all(-(1 << 63) <= k < (1 << 63) for k in ka)


def test_empty_text() -> None:
    fp = fingerprint(Article(text=""))
    assert fp.n_words == 0
    assert fp.minhash == [] and fp.sentences == [] and fp.body == {}


def test_shingles_skip_function_words() -> None:
    keys = ["the", "collaps", "of", "the", "bridg", "in", "genoa"]
    assert shingle_strings(keys, 3) == ["collaps bridg genoa"]
    assert shingle_strings(["the", "bridg"], 3) == ["bridg"]
    assert shingle_strings(["the", "of"], 3) == []


def test_state_round_trips_through_json() -> None:
    import json

    fp = fingerprint(Article(text=TEXT, title="Wildfire near Braga"))
    state = json.loads(json.dumps(fp.to_state()))
    assert state["exact"] == fp.exact and state["body"] == fp.body and state["block"] == fp.block
    assert "shingles" not in state


def test_a_long_article_keeps_a_name_mentioned_once_in_its_story_vector() -> None:
    """The words that tell two similar events apart (a place, a name) are often mentioned once in a long
    article, below a hundred heavier terms; the story vector keeps them."""
    import itertools

    letters = "bcdfghjklmnpqrstvwxz"
    rare = ["".join(p) + "ov" for p in itertools.islice(itertools.product(letters, repeat=3), 150)]
    sentences = [" ".join(rare[i : i + 6]) + "." for i in range(0, len(rare), 6)]
    text = " ".join(sentences[:10]) + " The fire started in Newcastle. " + " ".join(sentences[10:])
    # made-up filler words, which no list knows: a scanned text's misreadings, as far as a real text goes
    fp = fingerprint(Article(text=text, id="long"), Settings(scanned_min_words=0))
    assert len(fp.body) > 100
    assert "newcastl" in fp.body


def test_terms_of_the_lead_weigh_more_than_the_same_terms_later() -> None:
    """Two names used once each, one in the opening sentence and one only far below: the lead's name
    gains weight against the other (its count doubles), and with the lead off it does not."""
    filler = " ".join(f"Paragraph {i} repeats the background of the day in plain words." for i in range(20))
    text = f"Investigators questioned Kowalczyk on Monday. {filler} Witnesses later named Nieminen."
    on = fingerprint(Article(text=text, id="lead"))
    off = fingerprint(Article(text=text, id="lead"), Settings(lead_words=0))
    for part in ("body", "entities"):
        v_on, v_off = getattr(on, part), getattr(off, part)
        ratio_on = v_on["kowalczyk"] / v_on["nieminen"]
        ratio_off = v_off["kowalczyk"] / v_off["nieminen"]
        assert ratio_on == pytest.approx(ratio_off * (1 + math.log(2)), rel=1e-3)


def test_the_exact_hash_of_cjk_text_reads_whole_clauses_as_before() -> None:
    # The tokenizer splits Han characters apart since word keys 5; the exact hash stays what indexes
    # stored before it hold, so a stored Chinese article still finds its exact copies.
    from storytrace.fingerprint import _exact
    from storytrace.normalize import _WORD

    text = "俄罗斯总统普京周二在莫斯科会见了伊朗官员。双方讨论了叙利亚局势。"
    fp = fingerprint(Article(id="zh", text=text))
    assert fp.exact == _exact(text, _WORD.findall(text)) == _exact(text)
    assert len(_WORD.findall(text)) == 2 and fp.n_words > 20


def test_figures_alone_make_no_names_vector() -> None:
    caseless = fingerprint(Article(id="ar", text="ارتفع منسوب المياه إلى 25 مترا في 2024 بعد أيام من الأمطار الغزيرة."))
    assert caseless.entities == {} and "25" in caseless.body
    named = fingerprint(Article(id="en", text="The water rose to 25 metres in Genoa in 2024 after days of rain."))
    assert {"genoa", "25"} <= set(named.entities)


def test_rare_share_reads_a_scan_apart_from_clean_text_and_is_stored() -> None:
    import random

    from storytrace import Settings
    from storytrace.fingerprint import from_state
    from storytrace.synth import misread

    text = ("The regional council approved a budget of 40 million euros for the new tram line on Tuesday. "
            "Construction of the line is due to start next spring and should be finished by 2027. ") * 5
    clean = fingerprint(Article(text=text, title="Tram budget approved"))
    scan = fingerprint(Article(text=misread(text, random.Random(1), 0.06), title="Tram budget approved"))
    assert clean.rare_share < 0.15 <= scan.rare_share
    state = scan.to_state()
    assert from_state(state, text, Settings()).rare_share == scan.rare_share
    del state["rare_share"]  # an index stored before the share was kept
    assert from_state(state, text, Settings()).rare_share == 0.0


def test_rare_share_counts_latin_letters_only() -> None:
    # The word lists weigh a Cyrillic, Greek or Arabic word as unknown: such a text does not read as scanned.
    from pathlib import Path

    from storytrace.ingest import read_paths

    root = Path(__file__).resolve().parent / "fixtures" / "multilingual"
    for name in ("ru_flood.txt", "el_flood.txt", "ar_flood.txt"):
        article = next(a for a in read_paths([root / name]) if isinstance(a, Article))
        assert fingerprint(article).rare_share == 0.0, name


def test_a_scanned_texts_unknown_words_are_left_out_of_its_story_vectors() -> None:
    # A scan's words no list knows are mostly its own misreadings, which weigh most and no other scan
    # shares: its story vectors keep the words it read right. A clean text keeps a name no list knows,
    # and so does a headline, where one such name is a fifth of the words.
    import random
    from dataclasses import replace
    from pathlib import Path

    from storytrace.normalize import tokenize
    from storytrace.synth import load_sources, misread
    from storytrace.weights import UNKNOWN_WEIGHT, idf

    root = Path(__file__).resolve().parents[1]
    original = next(a for a in load_sources(root / "data" / "wikinews-sample" / "articles.jsonl.gz")
                    if len(a.text.split()) > 300)
    scan = replace(original, text=misread(original.text, random.Random(3), 0.06))
    fp = fingerprint(scan)
    assert fp.n_words >= Settings().scanned_min_words

    tokens = tokenize(scan.content)
    first = dict(zip(reversed(tokens.keys), reversed(tokens.folded)))  # each key's first form, which weighs it

    def unknown(vector: dict[str, float]) -> list[str]:
        return [t for t in vector if t in first and first[t].isascii() and idf(first[t]) >= UNKNOWN_WEIGHT]

    assert unknown(fp.body) == unknown(fp.entities) == []
    # it is kept with the state, and read from the text for a state stored before it was
    from storytrace.fingerprint import from_state

    state = fp.to_state()
    assert fp.scanned and state["scanned"] is True
    del state["scanned"]
    assert from_state(state, scan.content, Settings()).scanned
    assert not from_state(state, scan.content, Settings(scanned_min_words=0)).scanned
    as_before = fingerprint(scan, Settings(scanned_min_words=0))
    assert unknown(as_before.body), "the scan has misreadings for the rule to leave out"
    clean = fingerprint(Article(text=original.text + " Velayatiqz said so.", title=original.title))
    assert "velayatiqz" in clean.body
    headline = fingerprint(Article(text="Zqworth wins vote", title=""))
    assert "zqworth" in headline.body
