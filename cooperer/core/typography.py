"""French typography for what the pages, documents and e-mails write: counts with their noun agreed
(« 1 structure », « 0 participant », « 2 participants »), numbers grouped by a non-breaking space
(« 2 000 »), long dates with « 1er » for the first day of the month."""

import datetime

from django.utils import dateformat, timezone
from django.utils.formats import number_format


def number(value) -> str:
    """12345 -> « 12 345 » (non-breaking space, as Django's French formats)."""
    return number_format(value, force_grouping=True)


def count_of(value: int, singular: str, plural: str = "") -> str:
    """« 0 participant », « 1 participant », « 2 participants »: in French 0 and 1 take the singular."""
    noun = singular if abs(value) < 2 else (plural or f"{singular}s")
    return f"{number(value)} {noun}"


VOWELS = set("aeiouyàâäéèêëîïôöùûüœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ")


def of(name: str) -> str:
    """« de Centre social », « d'Accompagnement Emploi », « d'Épicerie Solidaire »: the elision before a vowel
    (not before « h »: aspirated or not, the name does not say)."""
    name = str(name)
    first = name[:1]
    return f"d'{name}" if first in VOWELS and first else f"de {name}"


def long_date(value) -> str:
    """« 1er mars 2024 », « 12 mars 2024 »; an aware datetime is read in local time."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {dateformat.format(value, 'F Y')}"


def long_datetime(value) -> str:
    """« 1er mars 2024 à 18:00 », in local time."""
    if value in (None, ""):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{long_date(local)} à {local:%H:%M}"


def names_list(names: list[str], limit: int = 10) -> str:
    """« A, B et C » ; beyond `limit` names, « A, B et 12 autres »."""
    if len(names) > limit:
        shown, rest = names[:limit], len(names) - limit
        return f"{', '.join(shown)} et {count_of(rest, 'autre')}"
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} et {names[-1]}"
