"""Matching keys for words and sentences, with character spans back into the original text.

Copies in the wild are disguised: look-alike letters from other alphabets, accents, case, spaces after
full stops removed, function words deleted. Matching therefore never compares raw strings: it compares
*keys* (folded, stemmed content words), while every key remembers the span of the original characters so
that passages can be shown in the text the user gave us.
"""

from __future__ import annotations

import ctypes
import importlib.util
import re
import string
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from typing import Any

import blingfire
import numpy as np
import orjson
import snowballstemmer

from .language import ENGLISH, LATIN_STEMMERS, SAMPLE_WORDS, apostrophe_word, likeliest, text_language, undecided
from .lookalike import read_letters
from .scripts import STEMMED, stem, stemmer, word_script

__all__ = [
    "Tokens",
    "fold",
    "forced_language",
    "keyed_in",
    "language_of",
    "query_language",
    "word_key",
    "tokenize",
    "sentence_spans",
    "paragraph_spans",
    "styled_letters",
    "exact_marks",
    "STOP_WORDS",
    "is_content",
    "is_cjk",
    "has_cjk",
    "glued_stops",
    "GLUED_STOPS",
    "INVISIBLE",
]

#: Characters that show nothing: zero-width space, non-joiner and joiner, word joiner, byte-order mark,
#: combining grapheme joiner, soft hyphen. Put inside a word ("Pu\u200btin"), they split it for any matcher
#: that reads \w, while a reader sees the word whole; so they belong to the word they sit in, and fold
#: drops them.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u034f"
_BEFORE_FOLD = dict.fromkeys(map(ord, INVISIBLE))
# Arabic-script spellings that vary by writer, keyboard and country, folded as search engines fold them
# (Lucene's Arabic and Persian normalizers): the Persian yeh and keheh and the alef maksura as Arabic yeh
# and kaf, teh marbuta as heh, and the tatweel, a stroke that only stretches a word, dropped. A Persian
# text typed on an Arabic keyboard otherwise shared a third of its words with the same text.
# (Hamza and madda on alef are marks, which fold drops with every accent.)
_BEFORE_FOLD.update({0x06CC: "\u064a", 0x0649: "\u064a", 0x06A9: "\u0643", 0x0629: "\u0647", 0x0640: None})


def _combining_marks() -> str:
    """Every combining mark of the Basic Multilingual Plane, as the body of a regex class.

    Python's ``\\w`` takes no mark, so "café" written decomposed (e + U+0301, as some systems store text) read
    as "caf" and "e", and every Devanagari word broke at its vowel signs; a mark belongs to its letter's
    word. Built from unicodedata once at import (about 20 ms) rather than from a hand list of blocks."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if b > a else f"\\u{a:04x}" for a, b in ranges)


_MARKS = _combining_marks()
_IN_WORD = rf"[\w{_MARKS}{INVISIBLE}]"
_WORD = re.compile(rf"\w{_IN_WORD}*(?:['’]{_IN_WORD}+)*", re.UNICODE)
# The same pattern as one capturing group, for ``re.split`` (which then keeps the words between the gaps).
_WORD_SPLIT = re.compile(f"({_WORD.pattern})", re.UNICODE)
# Chinese and Japanese put no space between words, so ``\w+`` reads a whole clause as one "word": a reprint
# with one comma moved shared no word with its source, and a Chinese article plus one line was no copy.
# Each Han or kana character is a word of its own there, as in Lucene's CJK analysis (its unigrams); that
# needs no dictionary, and the content-word shingles then run over characters. The iteration marks
# (々〆〇) count as Han; the katakana middle dot is punctuation. Hangul is written with spaces: left as is.
_CJK = ("\u3005-\u3007\u3041-\u3096\u3099-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
        "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f")
_HAS_CJK = re.compile(f"[{_CJK}]")
_IN_OTHER_WORD = rf"(?:[^\W{_CJK}]|[{_MARKS}{INVISIBLE}])"
_CJK_TOKEN = re.compile(rf"[{_CJK}][{_MARKS}{INVISIBLE}]*")
# A text with no such character keeps _WORD_SPLIT, so every other text is split exactly as before.
_CJK_WORD_SPLIT = re.compile(
    rf"({_CJK_TOKEN.pattern}|[^\W{_CJK}]{_IN_OTHER_WORD}*(?:['’]{_IN_OTHER_WORD}+)*)", re.UNICODE)
_BF_SENTENCES = blingfire.blingfire.TextToSentencesWithOffsets

# A small English function-word list. Dropping these from matching keys is what makes "every 'of'
# deleted" and similar function-word spinning invisible to shingles and sentence hashes.
STOP_WORDS: frozenset[str] = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves s t d ll m re ve mr mrs ms""".split()
)


@lru_cache(maxsize=500_000)
def fold(word: str) -> str:
    """Case, width, accents, invisible characters and look-alike letters folded away: 'Rоme' (Cyrillic о)
    -> 'rome'; a word of another script keeps its letters in any case ('МОСКВА', 'Mосквa' -> 'москва')."""
    w = _read(word)
    if not w.isascii():
        w = _without_marks(w)
    return w.casefold().replace("’", "'")


def _read(word: str) -> str:
    """``word`` in NFKC with its look-alike letters read and invisible characters dropped: fold's first step."""
    w = unicodedata.normalize("NFKC", word)
    return w if w.isascii() else read_letters(w.translate(_BEFORE_FOLD))


def _without_marks(w: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))


@lru_cache(maxsize=500_000)
def word_key(word: str, language: str = ENGLISH) -> str:
    """The matching key of one word: folded, possessive dropped, stemmed ('Sanctions' -> 'sanction'), and a
    country's adjective keyed as the country ('Syrian' -> 'syria'). A word of another script is stemmed in
    its own language (storytrace.scripts: 'Орском' -> 'орск'), and a word of Latin letters in the text's
    ``language`` (storytrace.language: 'Regierungen' -> 'regier' in German)."""
    w = fold(word)
    if not w.isascii():
        script = word_script(w)
        if script in STEMMED:
            # The stem is not folded again: its letters are already read, and reading a short stem for
            # look-alikes once more made Latin of it ("его" -> "er", "Сергей" -> "cepr").
            if script == "ARABIC":  # its stemmer reads unvocalised text: fold's hamza and vowel marks dropped
                return stem(w, script)
            # stemmed before fold drops the marks: Russian endings hold й, Hindi ones a virama
            return _without_marks(stem(_read(word).lower(), script)).casefold()
    if language != ENGLISH and not w.isdigit():
        read = _read(word).lower()
        if "'" in read or "’" in read:  # an elided article ("l'armée") or a suffix ("Türkiye'nin")
            read = apostrophe_word(read.replace("’", "'"), language)
        # stemmed with its accents, which French and Spanish endings hold, then folded as any key is (look-alike
        # letters are read first, so a disguised copy stems alike; Turkish ı is read as i, as fold reads it)
        return _without_marks(stemmer(LATIN_STEMMERS[language][1]).stemWord(read)).casefold()
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    if w.isdigit():
        return w
    k = stemmer("english").stemWord(w)
    return country_adjectives().get(k, k)


@lru_cache(maxsize=1)
def country_adjectives() -> dict[str, str]:
    """Stemmed country adjective -> stemmed country name, from countryinfo's data (one-word names only).

    News names a country both ways ("Syria's prime minister" / "Syrian prime minister", "Turkish police" /
    "police in Turkey"), and two headlines of one story often differ in just that: keyed apart, the
    country was a word they did not share. STS-B dev Spearman 0.727 -> 0.743, GoogleNews-T dev NMI 0.914
    -> 0.918, ECB+ and Clough dev unchanged. An adjective several countries share ("French": France,
    Réunion, ...) goes to the most populous; a multi-word country ("British", "American") is left alone,
    since one key cannot stand for two words. Keys carry no case, so the verb "polish" is keyed as Poland
    too: rare enough in news to accept.
    """
    stem = snowballstemmer.stemmer("english").stemWord  # its own stemmer: this may run in any thread
    out: dict[str, str] = {}
    population: dict[str, int] = {}
    # The package's data folder, found without importing the package (its import costs more than the read).
    spec = importlib.util.find_spec("countryinfo")
    folder = Path(next(iter(spec.submodule_search_locations or ()))) / "data" if spec else None
    if folder is None or not folder.is_dir():
        raise ImportError("countryinfo's data folder is missing: pip install 'countryinfo>=1.0.1,<2'")
    for path in sorted(folder.glob("*.json")):
        info = orjson.loads(path.read_bytes())
        name, adjective = info.get("name") or "", info.get("demonym") or ""
        if not name or not adjective or not name.isalpha() or not adjective.isalpha():
            continue
        country, key = stem(fold(name)), stem(fold(adjective))
        people = int(info.get("population") or 0)
        if key != country and people > population.get(key, -1):
            out[key] = country
            population[key] = people
    return out


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Han or kana character, which the tokenizer makes a word of its own."""
    return not text.isascii() and _HAS_CJK.search(text) is not None


def is_cjk(word: str) -> bool:
    """Whether ``word`` is one Han or kana character (with its marks): the tokenizer's word in Chinese and
    Japanese text."""
    return _CJK_TOKEN.fullmatch(word) is not None


@lru_cache(maxsize=1)
def cjk_function_characters() -> frozenset[str]:
    """The Han and kana characters that work as function words (的, 了, 是; の, は, を): those wordfreq's
    Chinese or Japanese list counts as a word of their own at Zipf 6.5 or more, about 40 characters.

    From the frequency lists rather than a hand list, as STOP_WORDS is for English: at that frequency a
    character says nothing about a story and is what a spinner adds or drops, like "of" in English.
    """
    from wordfreq import freq_to_zipf, get_frequency_dict

    out: set[str] = set()
    for lang in ("zh", "ja"):
        for word, freq in get_frequency_dict(lang, "best").items():
            if len(word) == 1 and is_cjk(word) and freq_to_zipf(freq) >= 6.5:
                out.add(fold(word))
    return frozenset(out)


def is_content(key: str) -> bool:
    """Content words carry the matching; function words are left out of every fingerprint."""
    if key in STOP_WORDS:
        return False
    if len(key) > 1 or key.isdigit():
        return True
    return is_cjk(key) and key not in cjk_function_characters()


@dataclass(frozen=True, slots=True)
class Tokens:
    """The words of a text as parallel lists: key, folded surface form, span, and capitalisation."""

    keys: list[str]
    folded: list[str]
    starts: list[int]
    ends: list[int]
    caps: list[bool]
    # ``is_content(keys[i])`` for every token, computed once per distinct word rather than per use.
    content: list[bool] = field(default_factory=list)
    # The words as written (``_WORD.findall`` of the text), when the tokenizer kept them (it does, but for a
    # text with Han or kana characters, which it splits otherwise).
    words: list[str] = field(default_factory=list)
    # The text's language (storytrace.language), which its keys were stemmed in and its words are weighed in.
    language: str = ENGLISH
    # Keyed as English only for being too short to identify (storytrace.language.undecided).
    undecided: bool = False

    def __post_init__(self) -> None:
        if len(self.content) != len(self.keys):
            object.__setattr__(self, "content", [is_content(k) for k in self.keys])

    def __len__(self) -> int:
        return len(self.keys)


_TOKEN_CACHE: dict[Any, Tokens] = {}  # text, or (language, text) for a text keyed_in a language
_TOKEN_CACHE_SIZE = 1536  # above a scan batch, so verifying a batch finds its texts still tokenized
_WORD_INFO: dict[str, tuple[str, str, bool, bool]] = {}
_WORD_INFO_SIZE = 1_000_000
# One per text language (storytrace.language): the same word is keyed apart in each.
_WORD_INFO_IN: dict[str, dict[str, tuple[str, str, bool, bool]]] = {ENGLISH: _WORD_INFO}


def remember(cache: dict[Any, Any], text: Any, value: Any, size: int = _TOKEN_CACHE_SIZE) -> None:
    """Keep the last ``size`` results (oldest out first); never fails, even with threads racing on the cache."""
    try:
        while len(cache) >= size:
            del cache[next(iter(cache))]
    except (KeyError, RuntimeError, StopIteration):
        pass
    cache[text] = value


def _word_info(w: str, language: str = ENGLISH) -> tuple[str, str, bool, bool]:
    key = word_key(w, language)
    info = (key, fold(w), w[:1].isupper(), is_content(key))
    cache = _WORD_INFO_IN.get(language) or _WORD_INFO_IN.setdefault(language, {})
    if len(cache) >= _WORD_INFO_SIZE:
        cache.clear()
    cache[w] = info
    return info


def _infos(words: list[str], language: str) -> list[tuple[str, str, bool, bool]]:
    """:func:`_word_info` of each word, from the cache where it is there."""
    cache = _WORD_INFO_IN.get(language) or _WORD_INFO_IN.setdefault(language, {})
    try:
        # Indexing raises on the first new word; testing the results for None compared every one of them.
        return list(map(cache.__getitem__, words))
    except KeyError:
        get = cache.get
        return [get(w) or _word_info(w, language) for w in words]


def language_of(text: str) -> str:
    """The language :func:`tokenize` keys ``text`` in (storytrace.language; English for a CJK text)."""
    if has_cjk(text):
        return ENGLISH
    return text_language(list(map(fold, _WORD_SPLIT.split(text, SAMPLE_WORDS)[1::2])), STOP_WORDS)


_I0, _I1, _I2, _I3 = (itemgetter(i) for i in range(4))


_KEYED_IN = threading.local()


@contextmanager
def keyed_in(language: str, texts: Iterable[str]) -> Iterator[None]:
    """Inside the block, in this thread, :func:`tokenize` keys ``texts`` in ``language`` instead of the one
    they are identified as (storytrace.relate: a short text beside a long one in another language)."""
    before = getattr(_KEYED_IN, "texts", None)
    _KEYED_IN.texts = {**(before or {}), **dict.fromkeys(texts, language)}
    try:
        yield
    finally:
        _KEYED_IN.texts = before


def query_language(text: str) -> str:
    """The language a query's words are keyed in: the one :func:`tokenize` identifies, or for a text too
    short for that and not plainly English (storytrace.language.undecided), the one py3langid is confident
    of even so (storytrace.language.likeliest)."""
    tokens = tokenize(text)
    return likeliest(tokens.folded) if tokens.undecided else tokens.language


def forced_language(text: str) -> str | None:
    """The language :func:`keyed_in` sets for ``text`` in this thread, if any."""
    texts = getattr(_KEYED_IN, "texts", None)
    return texts.get(text) if texts else None


def tokenize(text: str) -> Tokens:
    """The words of ``text`` with their keys and spans.

    The result is shared with later callers asking for the same text (matching tokenizes one text several
    times): treat its lists as read-only.
    """
    forced = forced_language(text)
    cache_key: Any = text if forced is None else (forced, text)
    hit = _TOKEN_CACHE.get(cache_key)
    if hit is not None:
        return hit
    # One split instead of a match object per word (which cost more than the matching): the pieces
    # alternate gap, word, gap, ..., gap, so the running sum of their lengths gives every start and end.
    cjk = has_cjk(text)
    parts = (_CJK_WORD_SPLIT if cjk else _WORD_SPLIT).split(text)
    if len(parts) == 1:
        tokens = Tokens([], [], [], [], [], [], [])
    else:
        words = parts[1::2]
        bounds = list(accumulate(map(len, parts)))
        # The first words keyed as English first: most texts are, and the English keys' folded forms (the
        # same in every language) are what the language is told from.
        infos = _infos(words[:SAMPLE_WORDS], ENGLISH)
        sample = list(map(_I1, infos))
        language = forced or (ENGLISH if cjk else text_language(sample, STOP_WORDS))
        if language != ENGLISH:
            infos = _infos(words, language)
        elif len(words) > SAMPLE_WORDS:
            infos += _infos(words[SAMPLE_WORDS:], ENGLISH)
        # A CJK text's words are not _WORD's (its characters split apart), so it keeps none: the exact
        # hash reads the text with _WORD, as indexes stored before the split did.
        tokens = Tokens(list(map(_I0, infos)), list(map(_I1, infos)), bounds[0:-1:2], bounds[1::2],
                        list(map(_I2, infos)), list(map(_I3, infos)), [] if cjk else words, language,
                        not forced and not cjk and undecided(sample, STOP_WORDS))
    remember(_TOKEN_CACHE, cache_key, tokens)
    return tokens


_PARA = re.compile(r"\n\s*\n")
# "said.The" — a full stop glued to the next sentence, a common scraping or spinning artifact.
_LOWER = "a-z0-9\u00df-\u00ff\u0430-\u045f\u03ac-\u03ce"
_UPPER = "A-Z\u00c0-\u00de\u0400-\u042f\u0386-\u03ab"
_GLUED = re.compile(rf"(?<=[{_LOWER}\)\"”’][.!?])(?=[\"“‘]?[{_UPPER}])|(?<=[{_LOWER}][.!?][\"”’])(?=[{_UPPER}])")
# blingfire keeps "noon. Dr. Anna Weber said" together; a title abbreviation after a sentence end starts one.
_BEFORE_TITLE = re.compile(rf"(?<=[{_LOWER}\)\"”’][.!?])\s+(?=(?:Mr|Mrs|Ms|Dr|Prof|Gen|Gov|Sen|Rep|St|Sgt|Col|Capt|Lt|Rev)\.\s)")
# What every match of _GLUED (a sentence end, an optional quote, a capital) and of _BEFORE_TITLE (a sentence
# end, space, a title and its full stop) contains, without the lookbehinds that make those slow to search: a
# line without it has no match, and most lines have none.
_MAY_GLUE = re.compile(rf"[.!?][\"“‘”’]?[{_UPPER}]")
_MAY_TITLE = re.compile(r"[.!?]\s+(?:Mr|Mrs|Ms|Dr|Prof|Gen|Gov|Sen|Rep|St|Sgt|Col|Capt|Lt|Rev)\.\s")
# A fragment that ends in a title abbreviation or an initial ("Dr.", "John F.") is not a sentence end.
_ABBREV_TAIL = re.compile(r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|Gen|Gov|Sen|Rep|St|Sgt|Col|Capt|Lt|Rev|[A-Z])\.$")


# A sentence end glued to the next sentence as a copier's trick: "said.The", "D.C.It", "well.I think" (an
# ASCII letter or digit before the stop and a capitalised word after it, or the word "I" or "A" after a
# lower-case letter or digit, so that "U.S.A." and "3.5" do not count; narrower than _GLUED, which repairs
# the sentence splitter for any script), and a quote's omission mark glued to both sides, "bus.[...]13"
# (news sets "[...]" apart with spaces; a stop written straight into it was glued). storytrace.disguise
# names it, and it keeps a copy from being exact (relate.decide_copy). The pattern starts at the stop, which
# is rare, rather than at the letter before it (three times faster over a text): glued_stops checks that
# letter.
_GLUED_TAIL = re.compile(r"[.!?][\"”’)]?(?:[A-Z][a-z]|[AI](?=[\s'’])|\[(?:\.\.\.|…)\][A-Za-z0-9])")
_BEFORE_GLUED = frozenset(string.ascii_lowercase + string.digits)
_BEFORE_GLUED_WORD = frozenset(string.ascii_uppercase)  # "D.C.It": only before a capitalised word
#: The version of glued_stops an index's exact copies were checked with (Index._relabel_exact_by_marks).
GLUED_STOPS = "3"


@lru_cache(maxsize=4096)
def _styled(c: str) -> bool:
    """A letter or digit in another style whose compatibility form is a plain ASCII one ("Ｆ", "𝐛", "²")."""
    plain = unicodedata.normalize("NFKC", c)
    return plain != c and len(plain) == 1 and plain.isascii() and plain.isalnum()


def styled_letters(text: str) -> int:
    """How many letters and digits of ``text`` are written in another style (fullwidth, mathematical
    bold): the exact hash reads them as plain ones, so an exact copy must hold as many (relate.decide_copy)."""
    if text.isascii():
        return 0
    # The regex hands over only the non-ASCII characters (in news, mostly quotes and dashes): three times
    # faster than a set of every character with a count per kind, and this runs for every text read.
    return sum(1 for c in _NON_ASCII.findall(text) if _styled(c))


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def exact_marks(text: str) -> tuple[int, int]:
    """What the exact hash does not see but an exact copy must match: its glued stops and its styled
    letters, each a copier's trick (relate.decide_copy)."""
    return len(glued_stops(text)), styled_letters(text)


def glued_stops(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """Each sentence end glued to the next sentence inside ``text[start:end]``, as its letter before the
    stop, the stop and the next two letters ("d.Th"), or the omission mark and the letter after it
    ("s.[...]1")."""
    stop = len(text) if end is None else end
    out: list[str] = []
    reach = start  # matches do not overlap: the letter before a stop cannot end the previous match
    for m in _GLUED_TAIL.finditer(text, start, stop):
        at = m.start() - 1
        if at >= reach and (text[at] in _BEFORE_GLUED
                            or (text[at] in _BEFORE_GLUED_WORD and text[m.end() - 1].islower())):
            out.append(text[at : m.end()])
            reach = m.end()
    return out


def _abbrev_tail(fragment: str) -> bool:
    """``_ABBREV_TAIL.search(fragment)``, looking only at the last 7 characters: a match spans at most a
    space, a 4-letter title and the full stop, and a slice's own start cannot fake the ``^`` (no title
    plus full stop is 7 characters long)."""
    if not fragment.endswith("."):
        return False
    return _ABBREV_TAIL.search(fragment[-7:] if len(fragment) > 7 else fragment) is not None


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Blocks separated by blank lines, trimmed of surrounding white space."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


class _Buffers(threading.local):
    size = 0
    out: Any = None
    starts: Any = None
    ends: Any = None


_BUF = _Buffers()


def _sentence_offsets(chunk: str) -> list[tuple[int, int]]:
    """``blingfire.text_to_sentences_and_offsets(chunk)[1]``, the same offsets, without its per-byte Python
    loop (which cost more than the splitting): reused buffers, and a byte-to-character map only for
    non-ASCII text. Anything unusual goes to blingfire's own wrapper."""
    data = chunk.encode("utf-8")
    nb = len(data)
    need = nb * 2
    buf = _BUF
    if buf.size < need:
        size = max(need, 4096)
        buf.out = ctypes.create_string_buffer(size)
        buf.starts = (ctypes.c_int32 * size)()
        buf.ends = (ctypes.c_int32 * size)()
        buf.size = size
    o_len = _BF_SENTENCES(ctypes.c_char_p(data), ctypes.c_int(nb), ctypes.byref(buf.out), ctypes.byref(buf.starts),
                          ctypes.byref(buf.ends), ctypes.c_int(need))
    if o_len <= 0 or o_len > need:
        return blingfire.text_to_sentences_and_offsets(chunk)[1]
    out = ctypes.string_at(buf.out, o_len)  # not .raw, which copies the whole (reused, large) buffer
    zero = out.find(b"\0")
    if zero >= 0:
        out = out[:zero]
    k = out.count(b"\n") + 1
    flat: list[int] = []
    for s, e in zip(buf.starts[:k], buf.ends[:k]):
        flat.append(s)
        flat.append(e + 1)
    # blingfire's wrapper matches offsets in order, only at character starts; the last end may be the end.
    prev = 0
    last = len(flat) - 1
    for i, v in enumerate(flat):
        if v < prev or v > nb or (v == nb and i != last):
            return blingfire.text_to_sentences_and_offsets(chunk)[1]
        prev = v
    if nb != len(chunk):
        lead = (np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80
        char_at = np.cumsum(lead) - 1
        mapped = []
        for v in flat:
            if v == nb:
                mapped.append(len(chunk))
            elif not lead[v]:
                return blingfire.text_to_sentences_and_offsets(chunk)[1]
            else:
                mapped.append(int(char_at[v]))
        flat = mapped
    return list(zip(flat[::2], flat[1::2]))


_SPAN_CACHE: dict[Any, list[tuple[int, int]]] = {}  # text, or (False, text) for its spans not unwrapped


def sentence_spans(text: str, unwrap: bool = True) -> list[tuple[int, int]]:
    """Sentences as character spans (shared with later callers asking for the same text: read-only).
    ``unwrap``: a hard-wrapped paragraph's lines are read as its sentences (:func:`unwrapped`); without,
    each line ends a sentence, as for an index stored before (Settings.unwrap_lines)."""
    key: Any = text if unwrap else (False, text)
    hit = _SPAN_CACHE.get(key)
    if hit is not None:
        return hit
    spans = _sentence_spans(text, unwrap)
    remember(_SPAN_CACHE, key, spans)
    return spans


# A paragraph whose lines are mostly about this wide (a newspaper column, a plain-text mail, a PDF's page:
# the median line, as a word joined across a break makes a line longer) and no narrower (a list of one-word
# lines, "Share this: / Twitter / Facebook") reads as wrapped.
_WRAP_WIDTHS = (25, 120)
# ... where a line this full, of that width, ends where the line ran out, not the sentence.
_WRAP_FULL = 0.6
_SENTENCE_ENDS = tuple(".!?:;\"'”’»)")


def unwrapped(text: str) -> str:
    """``text`` with each line break that only wraps a paragraph (hard-wrapped text: a scan or a scraper
    keeping a paper's lines, a plain-text mail) read as a space: same length, so spans still index
    ``text``. blingfire ends a sentence at every line break, so each line of a wrapped copy was a
    sentence of its own and none matched its source's.

    A paragraph (lines with no blank line between them) of three lines or more reads as wrapped when its
    median line's width lies within _WRAP_WIDTHS, most of its lines end mid-sentence and a third or more
    go on in lower case (a list, a poem, a table, a headline and byline block start their lines with
    capitals or marks; one sentence per line ends them); a line break there is a wrap when the line
    before it is at least _WRAP_FULL of that wide or ends in a hyphen. One paragraph per line (news as
    scraped) has lines far wider than any column. Hand-written: storytrace's own reading of layout."""
    if "\n" not in text:
        return text
    out: list[str] | None = None
    block: list[tuple[int, str]] = []  # (offset, line) of the paragraph so far
    at = 0
    for line in [*text.split("\n"), ""]:
        if line.strip():
            block.append((at, line))
        else:
            width = _wrapped_width(block) if len(block) >= 3 else 0
            if width:
                if out is None:
                    out = list(text)
                for start, x in block[:-1]:
                    kept = x.rstrip()
                    if len(kept) >= _WRAP_FULL * width or kept.endswith("-"):
                        out[start + len(x)] = " "
            block = []
        at += len(line) + 1
    return text if out is None else "".join(out)


def _wrapped_width(block: list[tuple[int, str]]) -> int:
    """The median width of a paragraph's lines (three or more) that read as prose wrapped in a column, or
    0 where they do not (see unwrapped)."""
    lines = [x.strip() for _, x in block]
    width = sorted(len(x.rstrip()) for _, x in block)[len(block) // 2]
    if not _WRAP_WIDTHS[0] <= width <= _WRAP_WIDTHS[1]:
        return 0
    ending = sum(1 for x in lines[:-1] if x.endswith(_SENTENCE_ENDS))
    going_on = sum(1 for x in lines[1:] if x[:1].islower())
    return width if 2 * ending < len(lines) - 1 and 3 * going_on >= len(lines) - 1 else 0


# The danda (। and ॥) ends a sentence in Hindi, Bengali, Marathi, Nepali and other Indic scripts; blingfire
# reads a paragraph of them as one sentence, so no sentence of a copied paragraph could match on its own.
_DANDA_END = re.compile("(?<=[\u0964\u0965])([\"”’'»)]*)\\s+")


def _split_at_dandas(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        for m in _DANDA_END.finditer(chunk, s, e):
            if m.end(1) > s:
                out.append((s, m.end(1)))  # a closing quote stays with its sentence
            s = m.end()
        if e > s:
            out.append((s, e))
    return out


def _sentence_spans(text: str, unwrap: bool = True) -> list[tuple[int, int]]:
    """Sentences as character spans: blingfire's splitter per line, plus two repairs it does not make.

    Repairs (storytrace's own, since they are about disguised copies rather than general English):
    a sentence glued to the next with no space ("May.He") is cut, and a fragment that is only a short
    title abbreviation ("Dr.") is joined back to the sentence it belongs to.
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", unwrapped(text) if unwrap else text):
        ls = line.start()
        chunk = line.group()
        if not chunk.strip():
            continue
        raw = _sentence_offsets(chunk)  # code-point offsets
        if "\u0964" in chunk or "\u0965" in chunk:
            raw = _split_at_dandas(chunk, raw)
        pieces: list[tuple[int, int]] = []
        # A match inside a sentence is a match in the whole line, so a line without one needs no search.
        may_glue = _MAY_GLUE.search(chunk) is not None and _GLUED.search(chunk) is not None
        may_title = _MAY_TITLE.search(chunk) is not None and _BEFORE_TITLE.search(chunk) is not None
        if not (may_glue or may_title):
            pieces = raw
        for s, e in raw if (may_glue or may_title) else ():
            cut = s
            glued = {m.start() for m in _GLUED.finditer(chunk, s, e)} if may_glue else set()
            for at in sorted(glued):
                if at + 1 in glued and chunk[at] in "\"”’":
                    # '."The': a closing quote (odd count so far) ends this sentence, else it opens the next.
                    glued.discard(at if chunk.count('"', s, at) % 2 else at + 1)
            seams = sorted(glued | {m.end() for m in _BEFORE_TITLE.finditer(chunk, s, e)} if may_title else glued)
            for at in seams:
                if at > cut:
                    pieces.append((cut, at))
                    cut = at
            pieces.append((cut, e))
        merged: list[tuple[int, int]] = []
        for s, e in pieces:
            if merged and _abbrev_tail(chunk[merged[-1][0] : merged[-1][1]].rstrip()):
                merged[-1] = (merged[-1][0], e)
                continue
            merged.append((s, e))
        for s, e in merged:
            while s < e and chunk[s].isspace():
                s += 1
            while e > s and chunk[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append((ls + s, ls + e))
    return spans
