"""Naming the tricks a copy plays: each one found when played, none when the texts merely share a trait."""

from __future__ import annotations

from storytrace import compare
from storytrace.disguise import disguises
from storytrace.model import Disguise

SOURCE = (
    "The mayor of Nantes said on Tuesday that the first of the new trams will run in 2027. "
    "Construction of the line is due to start next spring, and most of the money comes from the state. "
    "Residents of the Doulon district asked for trees along the whole route of the line. "
    "The council of the region approved a budget of 40 million euros for the project. "
    "Critics of the plan said buses would serve the outer suburbs better."
)
WHOLE = [(0, len(SOURCE), 0, len(SOURCE))]


def _kinds(found: tuple[Disguise, ...]) -> set[str]:
    return {d.kind for d in found}


def test_an_untouched_copy_plays_no_trick() -> None:
    assert disguises(SOURCE, SOURCE, WHOLE) == ()


def test_lookalike_letters_are_named_with_the_words_that_carry_them() -> None:
    copy = SOURCE.replace("mayor", "mаyor").replace("trams", "trаms").replace("spring", "sprіng")  # Cyrillic а, і
    (d,) = disguises(copy, SOURCE, WHOLE)
    assert (d.kind, d.count) == ("lookalike_letters", 3) and "mаyor" in d.examples
    # a name written in another script on both sides is no disguise, and one odd word is chance
    both = SOURCE + " Гомель."
    assert disguises(both, both, WHOLE) == ()
    assert disguises(SOURCE.replace("mayor", "mаyor"), SOURCE, WHOLE) == ()


def test_upright_stroke_lookalikes_are_letters_not_swapped_words() -> None:
    # Cyrillic І for I, palochka for l: Unicode's data reads both wrongly, and each word then looked swapped
    source = SOURCE.replace("The council", "In March the council")
    copy = (source.replace("In March", "\u0406n March").replace("will", "wi\u04cf\u04cf")
            .replace("Doulon", "Dou\u04cfon").replace("line", "\u04cfine"))
    assert _kinds(disguises(copy, source, WHOLE)) == {"lookalike_letters"}
    assert compare(copy, source).copy == "near"


def test_hidden_characters_are_named_by_name_but_a_soft_hyphen_is_not() -> None:
    copy = SOURCE.replace("mayor", "ma\u200byor").replace("trams", "tr\u2060ams").replace("spring", "spr\ufeffing")
    (d,) = disguises(copy, SOURCE, [(0, len(copy), 0, len(SOURCE))])
    assert (d.kind, d.count) == ("hidden_characters", 3) and d.examples[0] == "ma[ZWSP]yor"
    assert disguises(copy, copy, WHOLE) == ()  # both sides alike: no trick
    # Persian writes a non-joiner inside words as spelling ("می‌شود"): no trick either
    farsi = SOURCE + " می\u200cشود می\u200cکنیم می\u200cرود"
    assert disguises(farsi, SOURCE + " میشود میکنیم میرود", [(0, len(SOURCE), 0, len(SOURCE))]) == ()
    # a CMS hyphenates long words with soft hyphens: invisible too, but no copier's mark
    hyphenated = (SOURCE.replace("Construction", "Con\u00adstruc\u00adtion").replace("Residents", "Res\u00adidents")
                  .replace("approved", "ap\u00adproved"))
    assert disguises(hyphenated, SOURCE, [(0, len(hyphenated), 0, len(SOURCE))]) == ()


def test_missing_spaces_after_full_stops() -> None:
    copy = SOURCE.replace(". ", ".")
    (d,) = disguises(copy, SOURCE, [(0, len(copy), 0, len(SOURCE))])
    assert (d.kind, d.count) == ("missing_spaces", 4) and d.examples[0] == "7.Co"
    # "U.S." and "3.5" are not sentences glued together
    text = "The U.S. Senate passed it. Growth was 3.5 percent."
    assert disguises(text, text.replace("it. Growth", "it.Growth")) == ()  # one glued stop: below the bar
    # counted inside the shared passages only: captions a page glued to its own lines are not the copy's
    captions = "\n\nThe tram depot.Image: Nantes. The old station.Image: SNCF. A tram stop.Image: Ouest."
    page = SOURCE + captions
    assert disguises(page, SOURCE, [(0, len(SOURCE), 0, len(SOURCE))]) == ()
    assert _kinds(disguises(page, SOURCE, [(0, len(page), 0, len(SOURCE))])) == {"missing_spaces"}


def test_a_function_word_deleted_wherever_the_source_has_it() -> None:
    copy = SOURCE.replace("of ", "")
    spans = [(0, len(copy), 0, len(SOURCE))]
    (d,) = disguises(copy, SOURCE, spans)
    assert d.kind == "dropped_words" and d.examples == ('"of"',) and d.count == SOURCE.count("of ")
    # counted inside the shared passages only: text outside them (an excerpt's own paragraphs) says nothing
    assert disguises(copy, SOURCE, []) == ()


def test_a_function_word_deleted_all_but_once_is_still_dropped() -> None:
    # A copier whose spinner spared the headline keeps one "of" of nine: no likelier by chance than losing
    # all of five, which is the least that counts.
    first = SOURCE.index("of ") + 3
    copy = SOURCE[:first] + SOURCE[first:].replace("of ", "")
    assert copy.count("of ") == 1 and SOURCE.count("of ") == 9
    (d,) = disguises(copy, SOURCE, [(0, len(copy), 0, len(SOURCE))])
    assert d.kind == "dropped_words" and d.count == 8
    # keeping three of nine is what an editor's rewording can do: not named
    third = [i for i in range(len(SOURCE)) if SOURCE.startswith("of ", i)][2] + 3
    kept = SOURCE[:third] + SOURCE[third:].replace("of ", "")
    assert kept.count("of ") == 3
    assert disguises(kept, SOURCE, [(0, len(kept), 0, len(SOURCE))]) == ()


def test_swapped_words_and_changed_figures_inside_copied_passages() -> None:
    copy = SOURCE.replace("said on", "stated on").replace("Residents", "Inhabitants").replace("40 million", "45 million")
    found = {d.kind: d for d in disguises(copy, SOURCE, [(0, len(copy), 0, len(SOURCE))])}
    assert set(found) == {"swapped_words", "changed_figures"}
    assert found["swapped_words"].count == 2 and "said → stated" in found["swapped_words"].examples
    assert found["changed_figures"].examples == ("40 → 45",)
    # a whole sentence rewritten is a rewrite, not a swap
    rewritten = SOURCE.replace("Critics of the plan said buses would serve the outer suburbs better.",
                               "Opponents argued that more frequent bus lines were a cheaper answer for everyone.")
    assert disguises(rewritten, SOURCE, [(0, len(rewritten), 0, len(SOURCE))]) == ()


def test_letters_an_ocr_misread_are_no_swapped_words() -> None:
    # "Residents" read as "Resideuts", "said" broken by a stray space: a scan's damage, not a copier's edit.
    scan = SOURCE.replace("Residents", "Resideuts").replace("said on", "sa id on")
    assert scan != SOURCE
    assert disguises(scan, SOURCE, [(0, len(scan), 0, len(SOURCE))]) == ()
    # a word one letter from another that is a word of its own is a copier's choice, and named
    edited = SOURCE.replace("Residents", "Presidents")
    found = disguises(edited, SOURCE, [(0, len(edited), 0, len(SOURCE))])
    assert [d.kind for d in found] == ["swapped_words"] and found[0].examples == ("Residents → Presidents",)


def test_compare_names_each_sides_tricks_for_copies_only() -> None:
    copy = SOURCE.replace(". ", ".").replace("of ", "")
    rel = compare(copy, SOURCE)
    assert rel.copy in ("near", "exact", "partial")
    assert _kinds(rel.disguises_a) == {"missing_spaces", "dropped_words"} and rel.disguises_b == ()
    assert rel.to_dict()["disguises"]["a"][0]["kind"] in ("missing_spaces", "dropped_words")
    unrelated = compare(SOURCE, "Heavy rain flooded the valley road overnight, closing two schools and a bridge.")
    assert unrelated.copy == "none" and unrelated.disguises_a == unrelated.disguises_b == ()


def test_index_pair_names_the_tricks_and_scans_store_them() -> None:
    from storytrace import Article, Index

    copy = SOURCE.replace(". ", ".").replace("of ", "")
    with Index(":memory:") as index:
        index.add([Article(id="src", text=SOURCE, published="2024-01-01"),
                   Article(id="cp", text=copy, published="2024-01-02")])
        stored = next(index.pairs())
        full = index.pair("cp", "src")
        assert _kinds(full.disguises_a) == {"missing_spaces", "dropped_words"} and full.copy == stored.copy
        # the scan stored what Index.pair finds again (the stored pair is ordered src, cp)
        assert (stored.a, stored.disguises_b, stored.disguises_a) == ("src", full.disguises_a, full.disguises_b)
        # a pasted text is told which of its matches it copies in disguise
        glued = SOURCE.replace(". ", ".")
        best = index.query(glued)[0]
        assert best.article.id == "src" and _kinds(best.relation.disguises_a) == {"missing_spaces"}


def test_a_language_that_spells_with_dotless_i_plays_no_lookalike_trick(core_dir) -> None:
    from pathlib import Path

    from storytrace import Index

    folder = Path(core_dir).parent / "multilingual"
    original, excerpt = folder / "tr_flood.txt", folder / "tr_flood_excerpt.txt"
    rel = compare(original, excerpt)
    assert rel.copy != "none"
    assert not any(d.kind == "lookalike_letters" for d in rel.disguises_a + rel.disguises_b)
    with Index(":memory:") as index:
        index.scan([original, excerpt])
        (story,) = index.stories()
        assert index.article(story.first).origin == str(original)  # the dates speak: no trick says otherwise
    # a Cyrillic letter in a Turkish word is still a look-alike
    text = original.read_text(encoding="utf-8")
    faked = text.replace("kaldı", "kаldı").replace("binlerce", "binlеrce")
    assert [d.kind for d in disguises(faked, text)] == ["lookalike_letters"]
