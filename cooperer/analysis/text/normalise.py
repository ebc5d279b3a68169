"""French contributions as lists of lemmas: clean, tokenise, lemmatise, drop stop words.

A contribution can be empty, pasted from a web page (tags, scripts, entities), full of emoji, in several
scripts, or 50,000 characters long: `clean()` makes it plain text of bounded length and `tokens()` never fails.
Lemmas come from simplemma (its French tables load in about a second, once per process) and are memoised per
word, so that a corpus costs one dictionary look-up per word after the first occurrence.
"""

import functools
import html
import itertools
import re
import unicodedata
from typing import NamedTuple

from cooperer.analysis.text.lexicon import LEMMA_OVERRIDES, STOP_WORDS

# Beyond this, only the beginning is analysed (cut at a word boundary): a contribution says what matters first,
# and one very long text must not dominate a corpus or the time to analyse it.
MAX_ANALYSED_CHARS = 5_000

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,2000}>|<br\s*/?>", re.S)
_URL = re.compile(r"https?://\S+|www\.\S+")
_SPACES = re.compile(r"\s+")
# Letters only (any script): digits, punctuation, apostrophes, emoji and symbols separate words. Elided forms
# fall apart on their own: "l'école" gives "l" (too short) and "école"; "qu'il" gives "qu" (a stop word).
_WORD = re.compile(r"[^\W\d_]+")
_REPEATED = re.compile(r"([^\W\d_])\1{2,}")
_MIN_LETTERS = 2


class Token(NamedTuple):
    """A word as written (lowercase) and its folded lemma, the unit of every count."""

    surface: str
    lemma: str


def fold(value: str) -> str:
    """Lowercase without accents: "Éducation" -> "education" (same rule as core.text.fold, without punctuation)."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def clean(text: str | None, max_chars: int = MAX_ANALYSED_CHARS) -> str:
    """Plain text: no tags, scripts, styles, comments or URLs; entities decoded; spaces collapsed; cut at
    `max_chars` on a word boundary."""
    if not text:
        return ""
    # A pasted page can be huge: cut generously first so that the regular expressions stay linear and cheap.
    text = text[: max_chars * 4]
    if "<" in text:
        text = _SCRIPT_OR_STYLE.sub(" ", text)
        text = _COMMENT.sub(" ", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars]
    return text


def tokens(text: str | None, *, cleaned: bool = False) -> list[Token]:
    """Content words of a contribution, in order, as (surface, lemma); stop words and one-letter words dropped.
    `cleaned=True` when `text` already comes from `clean()`."""
    result = []
    plain = (text or "") if cleaned else clean(text)
    for word in _WORD.findall(plain.lower()):
        lemma = lemma_of(word)
        if lemma:
            result.append(Token(word, lemma))
    return result


def lemmas(text: str | None) -> list[str]:
    """The folded lemmas of `tokens(text)`."""
    return [lemma for word in _WORD.findall(clean(text).lower()) if (lemma := lemma_of(word))]


@functools.lru_cache(maxsize=300_000)
def lemma_of(word: str) -> str:
    """Folded lemma of one lowercase word, or "" for a stop word or a word too short to mean anything.

    Bounded cache: a corpus of a million contributions with typos does not grow it without limit."""
    if len(word) < _MIN_LETTERS:
        return ""
    word = _REPEATED.sub(r"\1\1", word)  # "suuuper" -> "suuper": shouted words meet their dictionary form
    folded_word = fold(word)
    if folded_word in STOP_WORDS:
        return ""
    lemma = fold(_lemmatize(word))
    if lemma in STOP_WORDS or len(lemma) < _MIN_LETTERS:
        return ""
    if len(display_forms) < _MAX_DISPLAY_FORMS:
        display_forms.setdefault(lemma, _lemmatize(word).lower())
    return lemma


@functools.lru_cache(maxsize=300_000)
def accented_lemma(word: str) -> str:
    """The lemma of one lowercase word with its accents (« écoles » → « école »): how the word vectors know it.
    Unlike `display_forms`, it depends on the word only, not on the words met before in the process."""
    return _lemmatize(_REPEATED.sub(r"\1\1", word)).lower()


# Folded lemma -> how it is shown to people (the accented lemma: "ecole" -> "école"). Filled as words are met.
display_forms: dict[str, str] = {}
_MAX_DISPLAY_FORMS = 300_000


def display(feature: str) -> str:
    """A feature (one lemma, or two joined by a space) as people read it."""
    return " ".join(display_forms.get(part, part) for part in feature.split(" "))


def _lemmatize(word: str) -> str:
    import simplemma  # imported on first use: importing the package must stay instant

    if word in LEMMA_OVERRIDES:
        return LEMMA_OVERRIDES[word]
    if not word.isascii() and not _is_latin(word):
        return word  # Arabic, Cyrillic…: kept as written, no French lemma to look for
    return simplemma.lemmatize(word, lang="fr")


def _is_latin(word: str) -> bool:
    return all("LATIN" in unicodedata.name(char, "") for char in word)


def features(words: list[str], bigrams: bool = True) -> list[str]:
    """Lemmas, and pairs of consecutive lemmas joined by a space ("piste cyclable", "espace vert")."""
    if not bigrams or len(words) < 2:
        return list(words)
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words) if a != b]
