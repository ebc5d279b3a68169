"""Text normalisation shared by search and imports."""

import functools
import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"\w+")


def fold(value: str) -> str:
    """Lowercase, strip accents and collapse punctuation to single spaces.

    "Crêt De Roc - Soleil" -> "cret de roc soleil"; used for accent-insensitive search on every
    database engine (see docs/adr/003-search.md).
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_ALNUM.sub(" ", without_marks.lower()).strip()


_STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "ou",
        "par",
        "pour",
        "sa",
        "se",
        "ses",
        "sur",
        "un",
        "une",
    ]
)


def search_terms(value: str) -> list[tuple[str, ...]]:
    """Each word of `value` as (surface form, lemma) after folding: "Jeunes sportives" ->
    [("jeunes", "jeune"), ("sportives", "sportif")]. Stop words are dropped (docs/adr/003-search.md)."""
    return [terms for word in _WORD.findall((value or "").lower()) if (terms := word_terms(word))]


# Memoised, per word and per part: lemmatising is the slow part of building search texts, and the themes,
# publics, communes, legal forms and the words of names repeat from one structure to the next.
@functools.lru_cache(maxsize=100_000)
def word_terms(word: str) -> tuple[str, ...]:
    """(surface form, lemma) of one lowercase word, or () for a stop word."""
    import simplemma  # loaded on first use: its French data is read lazily

    folded = fold(word)
    if not folded or folded in _STOPWORDS:
        return ()
    lemma = fold(simplemma.lemmatize(word, lang="fr")).replace(" ", "")
    return tuple(dict.fromkeys(t for t in (folded.replace(" ", ""), lemma) if t))


@functools.lru_cache(maxsize=50_000)
def _part_tokens(part: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(token for term in search_terms(part) for token in term))


def search_document(*parts: str) -> str:
    """The stored search text: surface forms and lemmas, each preceded by a space, so that
    `contains(" tok")` matches whole words and word prefixes."""
    tokens = []
    for part in parts:
        tokens += _part_tokens(part or "")
    return " " + " ".join(dict.fromkeys(tokens)) + " "


# Derivational endings stripped from query words only, so that a search reaches the family of a word:
# « sportives » -> « sport » (sport, sportif), « associatif » -> « associat » (association), « jeunesse » -> « jeun ».
_DERIVED_ENDINGS = (
    "ations", "ation", "ements", "ement", "ives", "ifs", "ive", "if", "euses", "euse", "eurs", "eur",
    "rices", "rice", "elles", "elle", "esses", "esse", "istes", "iste",
)  # fmt: skip
_MIN_STEM = 4


def query_terms(value: str) -> list[tuple[str, ...]]:
    """`search_terms` of a query, each word widened to its stem when it has a derivational ending. Documents
    are not stemmed: a prefix of the stem finds the whole family in them."""
    widened = []
    for alternatives in search_terms(value):
        stems = []
        for token in alternatives:
            for ending in _DERIVED_ENDINGS:
                if token.endswith(ending) and len(token) - len(ending) >= _MIN_STEM:
                    stems.append(token[: -len(ending)])
                    break
        widened.append(tuple(dict.fromkeys((*alternatives, *stems))))
    return widened
