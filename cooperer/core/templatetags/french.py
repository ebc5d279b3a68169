"""Template filters for French typography (cooperer.core.typography): `{% load french %}`."""

from django import template

from cooperer.core import typography

register = template.Library()


@register.filter
def nombre(value) -> str:
    """{{ 2000|nombre }} -> « 2 000 »."""
    if value in (None, ""):
        return ""
    return typography.number(value)


@register.filter
def effectif(value, nouns: str) -> str:
    """{{ n|effectif:"participant" }} -> « 1 participant », « 24 participants »;
    {{ n|effectif:"travail,travaux" }} for an irregular plural."""
    singular, _, plural = nouns.partition(",")
    return typography.count_of(int(value or 0), singular, plural)


@register.filter
def date_longue(value) -> str:
    """{{ d|date_longue }} -> « 1er mars 2024 »."""
    return typography.long_date(value)


@register.filter
def date_heure(value) -> str:
    """{{ dt|date_heure }} -> « 1er mars 2024 à 18:00 »."""
    return typography.long_datetime(value)


@register.filter
def de(value) -> str:
    """{{ name|de }} -> « de Centre social », « d'Accompagnement Emploi »."""
    return typography.of(value)
