"""The language of a text written in Latin letters, for the stemmer and the word frequencies its words get.

Keys and weights were made for English: a German word went through the English stemmer, which left
"Regierungen" and "Regierung" two keys, and was weighed by its frequency in English, where "und" and "der"
are rare words. A retelling in German then shared few keys with its source, and two unrelated German
reports shared heavy function words. A text identified (py3langid, on its folded words) as one of the
languages below with confidence is keyed with that language's Snowball stemmer and weighed by wordfreq's
list of that language; any other text, and any text too short to tell, stays English, as before. The
language belongs to the whole text (one article), never to a word: a copy and its source are identified
alike, so they share keys whatever the language. A text under MIN_WORDS that is not plainly English (a
headline, a quoted sentence, a query) is keyed in the language of the long text it is compared with
(storytrace.relate), so that a German sentence quoted from a German article is still a copy of it, and a
query in the language py3langid is confident of however short (Index.query). A scan finds a short text's candidates by its
English keys, so there the quoted sentence is not found beside its German source.

Measured on the project's multilingual audit texts (one story per language: exact, near and half copies,
two other stories, a retelling): copies are decided as before; unrelated reports score lower (German 0.062
-> 0.046, Portuguese 0.059 -> 0.036, French 0.068 -> 0.044, Turkish 0.036 -> 0.018) and retellings higher
(0.302 -> 0.348, 0.312 -> 0.400, 0.435 -> 0.569, 0.304 -> 0.409), so the German, Portuguese and Turkish
ones are found (tests/test_language.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["ENGLISH", "LATIN_STEMMERS", "MIN_WORDS", "SAMPLE_WORDS", "apostrophe_word", "likeliest", "text_language", "undecided"]

ENGLISH = "en"

#: Languages written in Latin letters that have both a Snowball stemmer and a wordfreq list, by the code
#: py3langid gives them -> (wordfreq's code, Snowball's name).
LATIN_STEMMERS: dict[str, tuple[str, str]] = {
    "ca": ("ca", "catalan"), "cs": ("cs", "czech"), "da": ("da", "danish"), "de": ("de", "german"),
    "es": ("es", "spanish"), "fi": ("fi", "finnish"), "fr": ("fr", "french"), "hu": ("hu", "hungarian"),
    "id": ("id", "indonesian"), "it": ("it", "italian"), "lt": ("lt", "lithuanian"), "nl": ("nl", "dutch"),
    "no": ("nb", "norwegian"), "pl": ("pl", "polish"), "pt": ("pt", "portuguese"), "ro": ("ro", "romanian"),
    "sv": ("sv", "swedish"), "tr": ("tr", "turkish"),
}

# Languages that elide an article or pronoun onto the next word ("l'armée", "dell'esercito", "qu'il"): the
# word is the part after the apostrophe. Elsewhere a suffix follows it ("Türkiye'nin", Dutch "auto's",
# German "geht's"): the word is the part before.
_ELIDING = frozenset({"fr", "it", "ca"})


def apostrophe_word(word: str, language: str) -> str:
    """The part of ``word`` (apostrophes written as ') that is the word itself, in ``language``."""
    parts = word.split("'")
    return (parts[-1] if language in _ELIDING else parts[0]) or max(parts, key=len)


#: Fewer words than this (a headline) and a text stays English: too short to identify reliably, and a
#: headline corpus is then keyed one way throughout.
MIN_WORDS = 20
#: The words identified (a text's first): enough for a confident answer on any article, at the cost of a lead.
SAMPLE_WORDS = 300
# Confidence (py3langid's normalised probability) a language other than English needs. Full articles are
# identified at 0.98-1.0; a mixed or very short text is not, and stays English.
_CONFIDENT = 0.9
# A text whose words are this often English function words (normalize.STOP_WORDS) is English without
# asking the model: English running text holds 40-50% of them, other languages a few percent, through
# the short words they share ("a", "in", "an"). Most texts are English, and this keeps their cost at a
# set lookup per word.
_ENGLISH_SHARE = 0.25

_LOCK = threading.Lock()
_IDENTIFIER: Any = None


def _identifier() -> Any:
    global _IDENTIFIER
    if _IDENTIFIER is None:
        with _LOCK:
            if _IDENTIFIER is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _IDENTIFIER


def _english_by_function_words(sample: Sequence[str], stop_words: frozenset[str]) -> bool:
    return sum(map(stop_words.__contains__, sample)) >= _ENGLISH_SHARE * len(sample)


def text_language(folded: Sequence[str], stop_words: frozenset[str]) -> str:
    """The language (a key of :data:`LATIN_STEMMERS`, or :data:`ENGLISH`) of a text, from its folded words
    (``normalize.fold``: look-alike letters read, case and accents folded, so that a disguised copy is
    identified as its source is). ``stop_words``: English function words (normalize.STOP_WORDS)."""
    if len(folded) < MIN_WORDS:
        return ENGLISH
    sample = folded[:SAMPLE_WORDS]
    if _english_by_function_words(sample, stop_words):
        return ENGLISH
    return likeliest(sample)


def likeliest(folded: Sequence[str]) -> str:
    """The language py3langid is confident of, of those keyed in their own (else :data:`ENGLISH`), however
    short the text: for a query, whose keys only have to meet the index's, never another short text's. A
    few words ("Putin Velayati meeting": Indonesian at 0.18) stay English."""
    lang, confidence = _identifier().classify(" ".join(folded[:SAMPLE_WORDS]))
    return lang if lang in LATIN_STEMMERS and confidence >= _CONFIDENT else ENGLISH


def undecided(folded: Sequence[str], stop_words: frozenset[str]) -> bool:
    """Whether a text is keyed as English only for being too short to identify (a headline, a quoted
    sentence, a query) and not for its English function words: compared with a long text of another
    language, it is keyed in that one (storytrace.relate)."""
    return 0 < len(folded) < MIN_WORDS and not _english_by_function_words(folded, stop_words)
