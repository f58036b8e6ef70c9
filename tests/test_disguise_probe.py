"""scripts/disguise_probe.py: tricks the generator never plays, each doing what it says, on real articles."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from storytrace import Article
from storytrace.normalize import fold

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "disguise_probe.py"


def test_each_trick_changes_the_text_the_way_its_name_says(load_script):
    probe = load_script("disguise_probe.py")
    rng = random.Random(0)
    text = "The police said 12 people of the city were hurt. It is the third attack of the year in Ohio."
    glyphs = probe.lookalikes(text * 5, rng)
    assert glyphs != text * 5 and [fold(w) for w in glyphs.split()] == [fold(w) for w in (text * 5).split()]
    assert probe.no_spaces(text, rng) == text.replace("hurt. It", "hurt.It")
    zero_width = probe.hidden(text * 5, rng)
    assert "\u200b" in zero_width and zero_width.replace("\u200b", "") == text * 5
    assert " of " not in probe.no_of(text, rng)
    assert probe.synonyms(text, rng).startswith("The law enforcement stated 12 persons")
    assert "15 people" in probe.figures(text, rng)
    assert "Ohio" not in probe.names(text + " Ohio again.", rng)
    small = probe.small_capitals(text * 5, rng)
    assert small != text * 5 and [fold(w) for w in small.split()] == [fold(w) for w in (text * 5).split()]
    styled = probe.styled_letters(text * 5, rng)
    assert styled != text * 5 and [fold(w) for w in styled.split()] == [fold(w) for w in (text * 5).split()]
    assert probe.curled_quotes('He said "it\'s over" today.', rng) == "He said \u201cit\u2019s over\u201d today."
    other = Article(text="A first paragraph.\n\nA much longer second paragraph here.", title="Other news")
    assert probe.spliced("One.\n\nTwo.", rng, others=[other]) == "One.\n\nA much longer second paragraph here.\n\nTwo."
    assert probe.link_lines("One.\n\nTwo.", rng, others=[other]) == (
        "One.\n\nRelated: Other news\n\nTwo.\n\nRelated: Other news")


def test_each_kind_of_damage_changes_the_text_the_way_its_name_says(load_script):
    probe = load_script("disguise_probe.py")
    rng = random.Random(0)
    assert probe.entities("Iran’s \"R&D\" — 'ok'", rng) == "Iran&#8217;s &quot;R&amp;D&quot; &#8212; &#39;ok&#39;"
    assert probe.mojibake("Iran's deal", rng) == "Iranâ€™s deal"
    assert probe.markup("One.\n\nTwo.", rng) == "<p>One.</p>\n<p>Two.</p>"
    assert probe.captured_twice("One.\n\nTwo.", rng) == "One.\n\nTwo.\n\nOne.\n\nTwo."
    text = " ".join(["Officials", "reported", "international", "cooperation", "on"] * 10)
    broken = probe.broken_lines(text, rng)
    assert broken.count("\n") >= 6  # lines of about 60 characters
    assert "-\n" in broken and broken.replace("-\n", "").replace("\n", " ") == text


def test_the_probe_runs_on_the_bundled_articles_and_reads_other_lookalikes_as_letters(load_script):
    out = subprocess.run([sys.executable, str(SCRIPT), "--articles", "3"], capture_output=True, text=True,
                         check=True).stdout
    lines = {line.split(":")[0]: line for line in out.splitlines() if ": copy " in line}
    probe = load_script("disguise_probe.py")
    assert len(lines) == len(probe.COMBOS) + len(probe.LAST) + len(probe.INGEST)
    assert lines["markup (read through ingest)"].startswith("markup (read through ingest): copy {'exact': 3}")
    assert lines["lookalikes"].startswith("lookalikes: copy {'near': 3}; named {'lookalike_letters': 3}")


def test_a_copy_with_look_alike_letters_dated_before_its_scraped_original_is_not_first(load_script):
    probe = load_script("disguise_probe.py")
    originals = [a for a in probe.load_sources() if len(a.content.split()) > 150][:3]
    rng = random.Random(1)
    assert probe.scraped_original_first(originals, probe.lookalikes, rng) == 3
    assert probe.scraped_original_first(originals, None, rng) == 0  # a plain reprint: only the dates speak


def test_scan_probe_stores_scanned_reprints_as_near():
    script = SCRIPT.parent / "scan_probe.py"
    out = subprocess.run([sys.executable, str(script), "--articles", "3", "--rates", "0.04"], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "4% of letters misread, 3 articles each with one scan: {'near': 3}"


def test_scan_probe_sets_scans_in_columns():
    script = SCRIPT.parent / "scan_probe.py"
    out = subprocess.run([sys.executable, str(script), "--articles", "3", "--rates", "0,0.02", "--two", "--columns"],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()
    assert out[0].startswith("0% of letters misread, 3 articles two scans of each, set in columns: {")
    # the same words in other lines: exact copies, or near ones where a compound's break kept its hyphen
    assert "partial" not in out[0] and "none" not in out[0]
    assert out[1].startswith("2% of letters misread") and "'near'" in out[1]


def test_scan_probe_refuses_bad_rates_in_one_line():
    script = SCRIPT.parent / "scan_probe.py"
    for rates in ("0.04,x", "4"):
        run = subprocess.run([sys.executable, str(script), "--rates", rates], capture_output=True, text=True)
        assert run.returncode == 2 and "--rates" in run.stderr and "Traceback" not in run.stderr
