"""How storytrace reads copies disguised in ways the synth generator never plays.

The generator's disguises (storytrace.synth) are the ones storytrace was tuned against, so its scores say
nothing about a trick it does not play. This script disguises real Wikinews articles with tricks written
independently of it (other look-alike alphabets and letters, small capitals, zero-width characters inside
words, a different synonym list, figures and names changed, a paragraph of another story spliced into a
whole copy, lines of links to other stories between its paragraphs, several tricks at once; then letters
in fullwidth or mathematical style, and curled quotes), compares each copy with its original, and counts the
copy kinds and the disguises named. Every copy here holds the whole original, so "near" is the right call
for each one, but for curled quotes: typography, not a disguise, so "exact". Letters misread as an OCR
reads a scanned page (4 and 6 in a hundred) are damage, not a disguise; such a copy is near too. Last,
damage that scrapers and PDFs leave (HTML entities, mojibake, markup, words broken at line ends, a page's
text caught twice), with both texts read through ingest, which repairs it: each of those copies should be
exact. And last, who
published first when the original carries a late scrape date, a month after its disguised copy: the
copier's tricks should name the original (storytrace.provenance); a copy playing none cannot be told.

    python scripts/disguise_probe.py [--articles 40] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial

from storytrace import Article, Index, Relation, compare
from storytrace.ingest import read_text
from storytrace.synth import delete_of, load_sources, misread

# Greek and Cyrillic look-alikes, upright strokes (І, Ӏ, palochka) included, which the generator never uses.
LOOKALIKES = {"a": "а", "o": "ο", "e": "е", "p": "р", "c": "с", "i": "і", "x": "х", "l": "ӏ", "h": "һ",
              "j": "ј", "s": "ѕ", "y": "у", "A": "Α", "B": "Β", "E": "Ε", "H": "Η", "I": "І", "K": "Κ",
              "M": "Μ", "O": "Ο", "P": "Ρ", "T": "Τ"}
SYNONYMS = {"said": "stated", "says": "states", "people": "persons", "government": "administration",
            "big": "large", "help": "assist", "show": "demonstrate", "start": "begin", "started": "began",
            "country": "nation", "police": "law enforcement", "killed": "slain", "world": "globe",
            "city": "town", "children": "kids", "important": "significant", "president": "head of state",
            "week": "seven days", "meeting": "gathering", "announced": "declared", "reported": "stated",
            "told": "informed", "officials": "authorities"}
# Small capitals, as "small caps" text generators write them; Unicode's confusables know only a few.
SMALL_CAPITALS = dict(zip("abdeghklmnprt", "ᴀʙᴅᴇɢʜᴋʟᴍɴᴘʀᴛ"))
_SYNONYM = re.compile(r"\b(" + "|".join(SYNONYMS) + r")\b")
NEW_NAMES = ("Kowalski", "Brandt")


def _letters_from(table: dict[str, str], text: str, rng: random.Random) -> str:
    """About a third of the letters ``table`` has a look-alike for, swapped for it."""
    return "".join(table[c] if c in table and rng.random() < 0.3 else c for c in text)


def lookalikes(text: str, rng: random.Random) -> str:
    return _letters_from(LOOKALIKES, text, rng)


def small_capitals(text: str, rng: random.Random) -> str:
    return _letters_from(SMALL_CAPITALS, text, rng)


def spliced(text: str, rng: random.Random, others: Sequence[Article] = ()) -> str:
    """A paragraph of another story put into the middle of the copy (a whole copy still)."""
    paras = text.split("\n\n")
    other = rng.choice(others).text.split("\n\n")
    paras.insert(len(paras) // 2, max(other, key=len))
    return "\n\n".join(paras)


def link_lines(text: str, rng: random.Random, others: Sequence[Article] = ()) -> str:
    """A "Related:" line with another story's headline after every paragraph, as scraped pages keep them."""
    return "\n\n".join(f"{p}\n\nRelated: {rng.choice(others).title}" for p in text.split("\n\n"))


def styled_letters(text: str, rng: random.Random) -> str:
    """Letters in fullwidth or mathematical bold style, which Unicode's compatibility form reads as plain."""
    def styled(c: str) -> str:
        base = 0x1D41A - ord("a") if c.islower() else 0x1D400 - ord("A")
        return chr(ord(c) + 0xFEE0) if rng.random() < 0.5 else chr(ord(c) + base)
    return "".join(styled(c) if c.isascii() and c.isalpha() and rng.random() < 0.3 else c for c in text)


def curled_quotes(text: str, rng: random.Random) -> str:
    """Straight quotes and apostrophes curled, as a CMS does to a wire story: typography, not a disguise."""
    text = re.sub(r'"(?=\w)', "\u201c", text).replace('"', "\u201d")
    return text.replace("'", "\u2019")


def hidden(text: str, rng: random.Random) -> str:
    """A zero-width space inside half the words of four letters or more."""
    return re.sub(r"\b(\w\w)(\w\w+)\b", lambda m: m[1] + "\u200b" + m[2] if rng.random() < 0.5 else m[0], text)


def no_spaces(text: str, rng: random.Random) -> str:
    return re.sub(r'([.!?]["”’)]?) (?=\S)', r"\1", text)


def no_of(text: str, rng: random.Random) -> str:
    return delete_of(text)  # one way to delete a word: the generator's


def synonyms(text: str, rng: random.Random) -> str:
    return _SYNONYM.sub(lambda m: SYNONYMS[m.group(1)], text)


def figures(text: str, rng: random.Random) -> str:
    return re.sub(r"\b\d+\b", lambda m: str(int(m.group()) + 3), text)


def names(text: str, rng: random.Random) -> str:
    """The two commonest capitalised words not opening a sentence, replaced everywhere."""
    common = Counter(re.findall(r"(?<![.!?]\s)\b[A-Z][a-z]{3,}\b", text)).most_common(len(NEW_NAMES))
    for (name, _), new in zip(common, NEW_NAMES):
        text = re.sub(rf"\b{name}\b", new, text)
    return text


# Played in this order: words are deleted and swapped before letters are disguised, as a spinner would (a
# deletion after the look-alikes would miss the words they disguised).
TRICKS: dict[str, Callable[[str, random.Random], str]] = {
    "no_of": no_of, "synonyms": synonyms, "figures": figures, "names": names, "lookalikes": lookalikes,
    "small_capitals": small_capitals, "hidden": hidden, "no_spaces": no_spaces}
# Tricks that add another story's text to the body (the title stays), played after the others.
ADDITIONS = {"spliced": spliced, "link_lines": link_lines}
BODY_ONLY = {"no_spaces", *ADDITIONS}
COMBOS = ([[t] for t in [*TRICKS, *ADDITIONS]]
          + [["no_of", "synonyms", "lookalikes", "hidden", "no_spaces"], list(TRICKS), [*TRICKS, *ADDITIONS],
             list(ADDITIONS)])
# Played last, each alone, with the copy kind each should get: styled letters are a disguise (the exact
# hash reads them as plain ones), curled quotes a CMS's typography.
# Letters an OCR misread (storytrace.synth.misread), 4 and 6 in a hundred: damage, not a disguise, but a
# scan of a reprint is still a reprint.
LAST = {"styled_letters": (styled_letters, "near"), "curled_quotes": (curled_quotes, "exact"),
        "misread_4%": (partial(misread, rate=0.04), "near"), "misread_6%": (partial(misread, rate=0.06), "near")}




def entities(text: str, rng: random.Random) -> str:
    """Quotes, apostrophes, dashes and ampersands as the HTML entities a feed escaped them to."""
    for c, e in (("&", "&amp;"), ("\u2019", "&#8217;"), ("'", "&#39;"), ('"', "&quot;"), ("\u2014", "&#8212;")):
        text = text.replace(c, e)
    return text


def _cp1252(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(b)  # the bytes cp1252 leaves undefined, read as browsers read them


def mojibake(text: str, rng: random.Random) -> str:
    """UTF-8 read as cp1252 ("Iran’s" -> "Iranâ€™s"); quotes curled first, so that every text has some."""
    return "".join(map(_cp1252, curled_quotes(text, rng).encode("utf-8")))


def markup(text: str, rng: random.Random) -> str:
    """Each paragraph in a <p> element, as a feed's content field holds it."""
    return "\n".join(f"<p>{p}</p>" for p in text.split("\n\n"))


def broken_lines(text: str, rng: random.Random) -> str:
    """Lines of about 60 characters, a long word at a line's end broken by a hyphen, as print does."""
    out = []
    for para in text.split("\n\n"):
        lines, line = [], ""
        for word in para.split(" "):
            if line and len(line) + 1 + len(word) > 60:
                if len(word) > 7 and word.isalpha():
                    cut = len(word) // 2
                    lines.append(f"{line} {word[:cut]}-")
                    line = word[cut:]
                    continue
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append("\n".join([*lines, line]))
    return "\n\n".join(out)


def captured_twice(text: str, rng: random.Random) -> str:
    """The whole text twice, as a scraper that caught two layouts of one page stores it."""
    return f"{text}\n\n{text}"


# Played on texts read through ingest, each alone and after all the rest; ingest repairs them, so each
# copy should be exact. All but the first two are played on the body only.
INGEST = {"entities": entities, "mojibake": mojibake, "markup": markup, "broken_lines": broken_lines,
          "captured_twice": captured_twice}
INGEST_BODY_ONLY = {"markup", "broken_lines", "captured_twice"}


NAMED = {"lookalikes": "lookalike_letters", "small_capitals": "lookalike_letters",
         "styled_letters": "lookalike_letters", "hidden": "hidden_characters",
         "no_spaces": "missing_spaces", "no_of": "dropped_words", "synonyms": "swapped_words",
         "figures": "changed_figures", "names": "swapped_words"}


def trick_missed(rel: Relation, combo: list[str], expected: str = "near") -> bool:
    named = {d.kind for d in rel.disguises_a or ()}
    return rel.copy != expected or any(NAMED[t] not in named for t in combo if t in NAMED)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=40, help="originals: the first Wikinews articles over 150 words")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", action="store_true", help="print each copy not called near, or with a trick unnamed")
    args = ap.parse_args()
    sources = load_sources()
    originals = [a for a in sources if len(a.content.split()) > 150][: args.articles]
    copied = {a.id for a in originals}
    others = [a for a in sources if a.id not in copied]  # what is spliced in never comes from a copied story
    tricks = {**TRICKS, **{k: partial(f, others=others) for k, f in ADDITIONS.items()},
              **{k: f for k, (f, _) in LAST.items()}}
    rng = random.Random(args.seed)
    print(f"{len(originals)} originals; every copy is whole, so each should be near (the last two: as said)")
    for combo, expected in [*((c, "near") for c in COMBOS), *(([k], want) for k, (_, want) in LAST.items())]:
        kinds: Counter[str] = Counter()
        named: Counter[str] = Counter()
        missed: list[str] = []
        for a in originals:
            text, title = a.text, a.title
            for trick in combo:
                text = tricks[trick](text, rng)
                title = title if trick in BODY_ONLY else tricks[trick](title, rng)
            if (text, title) == (a.text, a.title):
                kinds["unchanged"] += 1  # nothing for the trick to act on (an article without figures)
                continue
            copy = replace(a, id=a.id + "-copy", text=text, title=title, site="farm.example", published=None)
            rel = compare(copy, a)
            if args.show and trick_missed(rel, combo, expected):
                missed.append(f"  {a.id}: {rel.copy}, named {[d.kind for d in rel.disguises_a or ()]}")
            kinds[rel.copy] += 1
            named.update(d.kind for d in rel.disguises_a or ())
        should = "" if expected == "near" else f" (should be {expected})"
        print(f"{'+'.join(combo)}: copy {dict(sorted(kinds.items()))}; named {dict(sorted(named.items()))}{should}")
        if missed:
            print("\n".join(missed))
    for name, damage in INGEST.items():
        kinds, named, missed = Counter(), Counter(), []
        for a in originals:
            source = read_text(a.text, title=a.title, origin=a.id)
            title = a.title if name in INGEST_BODY_ONLY else damage(a.title, rng)
            rel = compare(read_text(damage(a.text, rng), title=title, origin=a.id + "-copy"), source)
            if args.show and rel.copy != "exact":
                missed.append(f"  {a.id}: {rel.copy}, named {[d.kind for d in rel.disguises_a or ()]}")
            kinds[rel.copy] += 1
            named.update(d.kind for d in rel.disguises_a or ())
        print(f"{name} (read through ingest): copy {dict(sorted(kinds.items()))}; named {dict(sorted(named.items()))} "
              "(should be exact)")
        if missed:
            print("\n".join(missed))
    for trick in PROVENANCE:
        print(f"{trick}, original scraped 30 days after its copy: first publisher is the original in "
              f"{scraped_original_first(originals, tricks[trick] if trick in tricks else None, rng)} of "
              f"{len(originals)}" + (" (no trick: the dates decide)" if trick == "reprint" else ""))


#: Copier tricks for the first-publisher rows, and a reprint that plays none.
PROVENANCE = ("lookalikes", "hidden", "no_spaces", "no_of", "reprint")


def scraped_original_first(originals: Sequence[Article], trick: Callable[[str, random.Random], str] | None,
                           rng: random.Random) -> int:
    """How many stories of (the original, dated 30 days late; its copy with ``trick``, dated a day after the
    original's true date) name the original their first publisher."""
    right = 0
    for a in originals:
        text = trick(a.text, rng) if trick else a.text
        copy = replace(a, id=a.id + "-copy", text=text, site="farm.example", published="2020-01-02T00:00:00Z")
        late = replace(a, published="2020-01-31T00:00:00Z")
        with Index(":memory:") as index:
            index.add([late, copy])
            right += any(s.first == a.id for s in index.stories())
    return right


if __name__ == "__main__":
    main()
