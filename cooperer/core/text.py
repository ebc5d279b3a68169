"""Text normalisation shared by search and imports."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(value: str) -> str:
    """Lowercase, strip accents and collapse punctuation to single spaces.

    "Crêt De Roc - Soleil" -> "cret de roc soleil"; used for accent-insensitive search on every
    database engine (see docs/adr/003-search.md).
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_ALNUM.sub(" ", without_marks.lower()).strip()
