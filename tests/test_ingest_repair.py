"""Markup, mojibake, HTML entities, broken words and paragraphs caught twice repaired at ingest; what the
exact hash and the disguise names read kept."""

from __future__ import annotations

import dataclasses
import json

from storytrace import compare
from storytrace import Index
from storytrace.ingest import clean_text, make_id, read_paths, repair_text
from storytrace.ingest.repair import REPAIRS, repair
from storytrace.model import Article

SOURCE = ("Russia’s president met Iran’s envoy in Moscow on Thursday. “We discussed the nuclear deal,” "
          "he said — and café owners nearby closed early.\n\nThe talks lasted three hours, officials said. "
          "Both sides called them useful and agreed to meet again in Tehran next month.")


def _byte(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(b)  # the five bytes cp1252 leaves undefined read as the C1 controls, as browsers read them


def _mojibake(text: str) -> str:
    """What a scraper that read UTF-8 bytes as cp1252 stores."""
    return "".join(map(_byte, text.encode("utf-8")))


def test_mojibake_and_entities_are_repaired() -> None:
    assert _mojibake("Iran’s") == "Iranâ€™s"
    assert repair_text(_mojibake(SOURCE)) == SOURCE
    # a line whose only damage is one name, which ftfy would keep when judging that line alone: the text is
    # judged as a whole, as a scraper misread it
    named = SOURCE + "\n\nRecep Tayyip Erdoğan agreed."
    assert _mojibake("Erdoğan") == "ErdoÄŸan"
    assert repair_text(_mojibake(named)) == named
    assert repair_text("Iran&#8217;s &quot;envoy&quot; &amp; caf&eacute; &#x2014; M&uuml;nchen") == (
        "Iran’s \"envoy\" & café — München")


def test_clean_text_is_the_same_string_and_marks_of_disguise_stay() -> None:
    clean = "Ｆｕｌｌ ﬁne “quoted” Pu\u200btin said ½ — Ѕоchi, café, naïve, Zürich, 20 °C"
    assert repair_text(clean) is clean and repair_text(SOURCE) is SOURCE  # nothing looks damaged: no ftfy
    assert repair_text("AT&T and R&D; Ｆｕｌｌ") == "AT&T and R&D; Ｆｕｌｌ"  # "&D;" looks like an entity, is none
    # damaged text is repaired without straightening what the other fixes of ftfy would
    damaged = "Ｆｕｌｌ ﬁne “quoted” Pu\u200btin&#8217;s"
    assert repair_text(damaged) == "Ｆｕｌｌ ﬁne “quoted” Pu\u200btin’s"


def test_markup_becomes_paragraphs_and_lines() -> None:
    fragment = ("Intro<div>\n  <p>The council approved\n  the budget on <b>Tuesday</b>.</p>\n<p>Work starts in "
                "spring, the mayor&#8217;s office said. <a href='/more'>Read more</a></p>Last line<br>after a "
                "break<ul><li>one</li><li>two</li></ul><script>var tracking = 1;</script></div>")
    assert clean_text(repair_text(fragment)) == (
        "Intro\n\nThe council approved the budget on Tuesday.\n\nWork starts in spring, the mayor’s office "
        "said. Read more\n\nLast line\nafter a break\n\none\n\ntwo")
    assert repair_text("5 &lt; 6 <b>in bold</b> &amp; more") == "5 < 6 in bold & more"
    # paragraphs HTML lets a page leave unclosed
    assert clean_text(repair_text("<p>One paragraph.\n<P class='x'>Another &amp; more.")) == (
        "One paragraph.\n\nAnother & more.")
    # prose that names a tag without writing one is no markup
    assert repair_text("Browsers read <p> as a paragraph.") == "Browsers read <p> as a paragraph."
    assert clean_text(repair_text("A <p>tag</p> inside.")) == "A\n\ntag\n\ninside."


def test_words_broken_at_a_line_end_are_joined_but_compounds_stay() -> None:
    printed = ("The police repor-\nted that the Govern-\nment in Magni-\ntogorsk had a long-\nterm plan, well-\n"
               "known to inter- \n national observers, Smith-\nJones said.\n\nA new para-\n\ngraph is no break.")
    assert repair_text(printed) == (
        "The police reported that the Government in Magnitogorsk had a long-\nterm plan, well-\nknown to "
        "international observers, Smith-\nJones said.\n\nA new para-\n\ngraph is no break.")
    assert repair_text("long-\nterm and well-\nknown") == "long-\nterm and well-\nknown"
    assert repair_text("Цены на газ для экс-\nпорта выросли, 2019-\n2020.") == "Цены на газ для экспорта выросли, 2019-\n2020."


def test_a_break_an_ocr_joined_with_a_space_is_joined_too() -> None:
    # An OCR that joins a column's lines with spaces leaves "gov- ernment"; a suspended hyphen ("pre- and
    # post-war") or a name ("Smith- Jones") is no such break.
    assert repair_text("The gov- ernment in Magni- togorsk said so.") == "The government in Magni- togorsk said so."
    assert repair_text("The gov- ernment in Magni- togorsk said so. Magnitogorsk is in the Urals.") == (
        "The government in Magnitogorsk said so. Magnitogorsk is in the Urals.")
    assert repair_text("The pre- and post-war plans, Smith- Jones said.") == "The pre- and post-war plans, Smith- Jones said."
    assert repair_text("A tax- free and long- term plan.") == "A tax- free and long- term plan."
    # a dash straight after a word, or a range, is no break either (joined would be no word)
    for dash in ("Navalny- who died", "Bolsonaro- a former captain", "a 24- to 48-hour window", "18- to 24-year-olds"):
        assert repair_text(dash) == dash


def test_the_texts_own_spelling_elsewhere_decides_a_break_first() -> None:
    # two common words ("chair", "woman") make an uncommon one: joined because the text writes it whole
    assert repair_text("The chairwoman spoke. Later the chair-\nwoman left.") == (
        "The chairwoman spoke. Later the chairwoman left.")
    assert repair_text("Later the chair-\nwoman left.") == "Later the chair-\nwoman left."
    # a capital after the break is joined too when the text spells the word whole ...
    assert repair_text("MarineTraffic showed it. Marine-\nTraffic data.") == "MarineTraffic showed it. MarineTraffic data."
    # ... and a common word the text hyphenates elsewhere keeps its hyphen
    assert repair_text("A co-operation deal. The co-\noperation ended.") == "A co-operation deal. The co-\noperation ended."
    assert repair_text("The co-\noperation ended.") == "The cooperation ended."


def test_paragraphs_captured_twice_are_kept_once_but_short_ones_may_repeat() -> None:
    caption = "The procession at the Rue du Château du Roi. Image: Genium."
    twice = f"{SOURCE}\n\n{caption}\n\n{caption}\n \n{SOURCE}"
    assert repair_text(twice) == f"{SOURCE}\n\n{caption}\n\n{caption}"
    assert repair_text(f"{caption}\n\n{caption}") == f"{caption}\n\n{caption}"
    # a short paragraph that repeats as part of a run around a long one goes with it
    assert repair_text(f"{caption}\n\n{SOURCE}\n\n{caption}\n\n{SOURCE}") == f"{caption}\n\n{SOURCE}"
    assert repair_text(f"{caption}\n\n{SOURCE}\n\nAn aside.\n\n{caption}\n\n{SOURCE}") == (
        f"{caption}\n\n{SOURCE}\n\nAn aside.")


def test_a_reprint_scraped_with_mojibake_or_entities_reads_as_an_exact_copy(tmp_path) -> None:
    entities = SOURCE.replace("’", "&#8217;").replace("“", "&#8220;").replace("”", "&#8221;").replace("é", "&eacute;")
    rows = [{"id": "src", "title": "Putin meets Iran’s envoy", "text": SOURCE},
            {"id": "moji", "title": _mojibake("Putin meets Iran’s envoy"), "text": _mojibake(SOURCE)},
            {"id": "ent", "title": "Putin meets Iran&#8217;s envoy", "text": entities},
            {"id": "html", "title": "Putin meets <i>Iran’s</i> envoy",
             "text": "".join(f"<p>{p}</p>\n" for p in entities.split("\n\n")) + "<p><a href='/'>Like this:</a></p>"},
            {"id": "twice", "title": "Putin meets Iran’s envoy", "text": SOURCE + "\n\n" + SOURCE}]
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    got = {a.id: a for a in read_paths([path]) if isinstance(a, Article)}
    assert got["moji"].text == got["ent"].text == got["html"].text == SOURCE  # the blog's tail dropped too
    assert got["moji"].title == got["ent"].title == got["html"].title == "Putin meets Iran’s envoy"
    assert got["twice"].text == SOURCE
    for copy in ("moji", "ent", "html", "twice"):
        rel = compare(got[copy], got["src"])
        assert rel.copy == "exact" and not rel.disguises_a
    # unrepaired, each reads as a copy with words swapped
    raw = Article(id="raw", text=_mojibake(SOURCE), title=_mojibake("Putin meets Iran’s envoy"))
    assert compare(raw, got["src"]).copy != "exact"


def test_a_record_of_markup_alone_gets_one_line_naming_it_and_the_rest_is_read(tmp_path) -> None:
    path = tmp_path / "feed.jsonl"
    rows = [{"id": "ok", "text": "<p>Heavy rain flooded Dhaka on Monday.</p>"},
            {"id": "tags", "text": "<p><script>track()</script></p><br>"},
            {"id": "also-ok", "text": "Rivers rose across the delta."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    items = list(read_paths([path]))
    assert [a.id for a in items if isinstance(a, Article)] == ["ok", "also-ok"]
    problems = [e for e in items if not isinstance(e, Article)]
    assert [str(e) for e in problems if not e.repairs] == [
        f"{path}:2: empty article (no text left after removing markup and boilerplate)"]
    assert [(e.origin, e.repairs) for e in problems if e.repairs] == [(f"{path}:1", ("markup",))]


def test_the_id_hashes_the_text_as_read_so_earlier_scans_keep_their_ids(tmp_path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"title": "Caf&eacute; closes", "text": "Caf&eacute; owners said it closed."}) + "\n",
                    encoding="utf-8")
    (article,) = [a for a in read_paths([path]) if isinstance(a, Article)]
    assert article.text == "Café owners said it closed." and article.title == "Café closes"
    as_read = dataclasses.replace(article, id="", text="Caf&eacute; owners said it closed.", title="Caf&eacute; closes")
    assert article.id == make_id(as_read)


def test_repair_names_each_repair_it_made() -> None:
    assert repair("Rain fell on Dhaka.") == ("Rain fell on Dhaka.", ())
    assert repair(_mojibake("Iran’s envoy met Putin."))[1] == ("mojibake",)
    assert repair("Iran&#8217;s envoy met Putin.")[1] == ("entities",)
    assert repair("<p>Rain fell.</p><p>Rivers rose.</p>")[1] == ("markup",)
    assert repair("The ministry repor-\nted it.")[1] == ("broken words",)
    twice = "A paragraph long enough to count as one that a scraper caught twice, from two layouts of a page. " * 2
    assert repair(f"{twice}\n\nMore.\n\n{twice}")[1] == ("repeated paragraphs",)
    text, names = repair("Iran&#8217;s envoy repor-\nted it.\n\nPutin listened.")
    assert names == ("broken words", "entities") and text.startswith("Iran’s envoy reported it.")
    assert set(REPAIRS) >= {"markup", "broken words", "repeated paragraphs", "mojibake", "entities"}


def test_a_scan_counts_repairs_by_name_and_lists_none_of_them(tmp_path) -> None:
    path = tmp_path / "feed.jsonl"
    rows = [{"id": "m", "text": _mojibake("Iran’s envoy met Putin in Moscow.")},
            {"id": "h", "text": "<p>Rain fell.</p><p>Rivers rose.</p>", "title": "Floods &amp; rain"},
            {"id": "clean", "text": "Nothing to repair here."},
            {"id": "bad-date", "text": "Iran&#8217;s envoy left.", "published": "someday"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with Index(":memory:") as index:
        report = index.scan([path])
    assert report.read == 4 and report.skipped == 0
    assert report.repaired == {"mojibake": 1, "markup": 1, "entities": 2}
    assert report.errors == [f"{path}:4: unparseable date 'someday' (kept without a date)"]
