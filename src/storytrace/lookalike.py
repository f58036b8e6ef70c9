"""Look-alike letters: which letters of other scripts stand for Latin ones, and how to read a word that
mixes them.

Content farms disguise a copy by putting Cyrillic "о" for Latin "o"; Unicode's confusables say which
letters look alike, but not which way to read a word: "Rоme" is Latin disguised, "Mосквa" Russian with
Latin letters put in, "МОСКВА" plain Russian in capitals. Reading each letter through the table made the
last one "mockba" and "Москва" another key. The rules here (storytrace's own; no library decides this) read
a word by the letters only one script has, and where it has none, by which reading is the commoner word.
"""

from __future__ import annotations

import json
import string
import unicodedata
from functools import lru_cache
from importlib import resources

from .scripts import letter_script

__all__ = ["confusable_table", "english_frequencies", "lookalike_letters", "read_letters"]


@lru_cache(maxsize=1)
def _unicode_confusables() -> dict[int, str]:
    """Letters of other scripts that Unicode's confusables.txt says look like an ASCII letter or digit.

    Built from confusable_homoglyphs' copy of the file rather than a hand list, so that every alphabet's
    look-alikes are covered, not just the Cyrillic ones seen so far.
    """
    data = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))
    table: dict[int, str] = {}
    for ch, glyphs in data.items():
        # A digit is read by its value (confusable_table), not its shape: Bengali ০ is no letter O.
        if len(ch) != 1 or ch.isascii() or unicodedata.category(ch) == "Nd":
            continue
        for g in glyphs:
            c = g.get("c", "")
            if len(c) == 1 and c.isascii() and c.isalnum():
                # Unicode's prototype of every upright stroke is "l", so Greek Iota and Cyrillic І would
                # fold "Іran" to "lran": a capital stroke stands for a capital I.
                table[ord(ch)] = "I" if c == "l" and ch.isupper() else c
                break
    return table


@lru_cache(maxsize=1)
def confusable_table() -> dict[int, str]:
    """Map letters of other scripts that look like ASCII letters or digits onto them (Unicode's data).

    Unicode's confusables, plus the small capitals (ᴀ, ʙ, ɢ, ʜ) of "small caps" text generators: the
    confusables have no prototype for most of them, and their Unicode names say which letter each one is.
    Digits of other scripts map to the ASCII digit of their value.
    """
    table = dict(_unicode_confusables())
    for letter in string.ascii_uppercase:
        try:
            table.setdefault(ord(unicodedata.lookup(f"LATIN LETTER SMALL CAPITAL {letter}")), letter.lower())
        except KeyError:  # no small capital X in Unicode
            pass
    # The digits of every script as the ASCII digit of their value, so that a figure matches whichever
    # digits it is written in ("২০০৪", "٢٠٠٤" and "2004" are one number) and is read as a number.
    for cp in range(0x80, 0x20000):
        if unicodedata.category(chr(cp)) == "Nd":
            table[cp] = str(unicodedata.decimal(chr(cp)))
    return table


#: Cyrillic palochka: Unicode's data reads it as "i", though it is drawn, dotless, like "l" and "I".
_PALOCHKA = "\u04cf"


@lru_cache(maxsize=1)
def _strokes() -> frozenset[str]:
    """Look-alike letters drawn as one upright stroke, which a copier may put for "l" as well as "I"."""
    # Unicode's own look-alikes only: a small capital L is drawn as an L, never as I
    return frozenset([chr(k) for k, v in _unicode_confusables().items() if v in "lI"] + [_PALOCHKA])


_MAX_STROKES = 4  # at most 2**4 readings of one word are tried


def _read_strokes(word: str, mapped: str) -> str:
    """The reading of a word's upright strokes ("l" or "i" each) that makes the commonest English word.

    storytrace's own rule: no table can say whether a stroke in "heӏp" or "Ӏran" stands for l or I, but the
    word around it can. A word that no reading makes known (a name) reads each stroke by its shape: a
    capital one as I, a small one, dotless, as l. In a word of capitals ("AІS") every stroke is an I.
    """
    at = [i for i, c in enumerate(word) if c in _strokes()]
    chars = list(mapped)
    for i in at:
        chars[i] = "I" if word[i].isupper() else "l"
    best = "".join(chars)
    if len(at) > _MAX_STROKES or best.isupper():
        return best
    freq = english_frequencies()
    best_freq = freq.get(best.casefold().replace("’", "'"), 0.0)
    for bits in range(1 << len(at)):
        for n, i in enumerate(at):
            chars[i] = "l" if bits >> n & 1 else "i"
        reading = "".join(chars)
        f = freq.get(reading.casefold().replace("’", "'"), 0.0)
        if f > best_freq:
            best, best_freq = reading, f
    return best


@lru_cache(maxsize=1)
def english_frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en", "best")  # the call storytrace.weights makes: one cached list


def _own_script(word: str) -> str | None:
    """The script of a word that holds a letter no Latin letter looks like (Cyrillic в, л, я; Greek λ,
    ω), other than Latin: such a word is of that script, whatever look-alikes it holds.

    Read through the look-alike table letter by letter, Russian "банк" became "6aнк" but "Банк" "бaнк",
    and "Москва", "москва" and "МОСКВА" three keys, since a capital and its small letter are not always
    both look-alikes; and a Russian word given Latin "a" and "o" by a copier would not match its own
    spelling. Letters that look like Latin ones say nothing either way ("Rоme" is Latin disguised)."""
    table = confusable_table()
    # A word in capitals is judged by its small letters, so that it has one script in any case ("МОСКВА",
    # "Москва"); any other as written ("Вloomberg": В stands for B; "Не" may be He).
    mixed = any(c.isascii() and c.isalpha() for c in word)
    if sum(c.isalpha() for c in word) < 2:
        return None  # one letter says nothing of its script ("М" for M)
    scripts = {letter_script(c) for c in word if not c.isascii() and c.isalpha()}
    if len(scripts - {"LATIN"}) > 1:
        return None  # Greek and Cyrillic in one word ("Ηе" for He): no language writes that, a copier does
    capitals = not mixed and word.isupper()
    for c in word:
        if not c.isascii() and c.isalpha():
            small = c.casefold() if capitals else c
            if len(small) == 1 and ord(small) not in table:
                script = letter_script(c)
                if script != "LATIN":
                    return script
    (script,) = scripts if len(scripts) == 1 else (None,)
    if mixed and script in _SCRIPT_LANGUAGES and not word.isupper():  # capitals: an abbreviation, "CТ" for CT
        # Latin and look-alike letters only ("vα", "kαi"): a word of the script's language read far more
        # often than the English one (Greek "να", "και") is of that script; else it is an English word a
        # copier disguised ("Rоme", and "tο" and "hе" though Greek "το" and Russian "не" are as common)
        own = _language_frequency(word.translate(_latin_into(script)).casefold(), script)
        if _far_commoner_than_english(own, word):
            return script
    return None


@lru_cache(maxsize=8)
def _latin_into(script: str) -> dict[int, str]:
    """ASCII letters onto the letters of ``script`` that look like them (Latin "a", "A" -> Cyrillic "а"),
    from the same Unicode table read backwards: the script's plain letters only (no modifiers, no small
    capitals), small, since fold casefolds after; a letter whose small form is no look-alike but whose
    capital is (Greek κ, Κ) counts by its capital."""
    found: dict[str, str] = {}
    for cp, latin in _unicode_confusables().items():
        c = chr(cp)
        name = unicodedata.name(c, "").split(" ")
        if len(latin) == 1 and latin.isalpha() and len(name) >= 4 and name[0] == script and \
                name[1] in ("SMALL", "CAPITAL") and name[2] == "LETTER":
            small, key = c.casefold(), latin.lower()
            if len(small) == 1 and (key not in found or small < found[key]):
                found[key] = small
    return {ord(x): c for key, c in found.items() for x in (key, key.upper())}


# The languages whose common words decide a word wholly of look-alike letters in these scripts.
_SCRIPT_LANGUAGES = {"CYRILLIC": ("ru", "uk"), "GREEK": ("el",)}


def _native(word: str) -> bool:
    """Whether a word with no ASCII letter, and no letter but look-alikes of Latin ones (Greek ΚΑΙ, Russian
    САР: see _own_script), is of its own script rather than a Latin word disguised: only a word far commoner
    in the script's language than in English ("και", "на"; not "САР" for CAP, "Не" for He, "со" for co), as
    the upright strokes are read by the word around them. A word neither knows ("А10"), or of one letter, reads as
    Latin, as the whole table read every such word before."""
    if any(c.isascii() and c.isalpha() for c in word):
        return False
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2:
        return False  # one letter says nothing of its language ("І": Ukrainian "and", or English "I")
    return _far_commoner_than_english(_language_frequency(word.casefold(), letter_script(letters[0])), word)


def _far_commoner_than_english(own: float, word: str) -> bool:
    """Whether a reading of ``word`` in its own script, ``own`` often, is more than ten times as common as
    its reading as a disguised English word."""
    return own > 0.0 and own > 10 * _frequencies("en").get(word.translate(confusable_table()).casefold(), 0.0)


def _language_frequency(word: str, script: str) -> float:
    """How common ``word`` is in the languages written in ``script`` (0 for a script storytrace knows none of)."""
    return max((_frequencies(lang).get(word, 0.0) for lang in _SCRIPT_LANGUAGES.get(script, ())), default=0.0)


def _frequencies(lang: str) -> dict[str, float]:  # wordfreq caches each list itself
    from wordfreq import get_frequency_dict

    # the small lists (words read at least once in a million): only common words decide, and they load in
    # 0.02-0.03 s where the full Russian list took 0.3 s of every process that met one Cyrillic look-alike
    return get_frequency_dict(lang, "small")


@lru_cache(maxsize=1)
def _digits() -> dict[int, str]:
    """The table's digits only (a native word's figures still read as their value)."""
    return {k: v for k, v in confusable_table().items() if v.isdigit() and chr(k).isdigit()}


@lru_cache(maxsize=1)
def lookalike_letters() -> frozenset[str]:
    """The characters the table reads as ASCII letters (its digits of other scripts aside)."""
    return frozenset(map(chr, confusable_table().keys() - _digits().keys()))


def read_letters(word: str) -> str:
    """A non-ASCII word with its look-alike letters read: into Latin where the word is a Latin one
    disguised ('Rоme' -> 'Rome'), into its own script where it is not ('Mосквa' -> 'Москва'), and digits of
    any script as their value. Case and accents are left to the caller (normalize.fold)."""
    script = _own_script(word)
    if script is not None:
        word = word.translate(_latin_into(script))  # Latin look-alikes put into a Cyrillic word: 'Mосквa'
    if script is not None or _native(word):
        return word.translate(_digits())
    mapped = word.translate(confusable_table())
    return _read_strokes(word, mapped) if not _strokes().isdisjoint(word) else mapped
