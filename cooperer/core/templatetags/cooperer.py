from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def display(value) -> str:
    """A job result value as plain French text: lists joined, numbers with French separators."""
    if isinstance(value, list | tuple | set):
        return " ; ".join(str(item) for item in value) or "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        return number_format(value, force_grouping=True)
    return str(value) if value not in (None, "") else "—"


@register.filter
def percent(value) -> str:
    """0.1234 -> "12,3 %"."""
    try:
        return f"{number_format(float(value) * 100, decimal_pos=1)} %"
    except (TypeError, ValueError):
        return "—"


@register.filter
def get(mapping, key):
    """`mapping|get:key` — a dictionary value in a template."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def euros(value) -> str:
    """Decimal("12345.5") -> "12 345,50 €" (narrow no-break spaces as French typography wants)."""
    if value in (None, ""):
        return "—"
    return f"{number_format(value, decimal_pos=2, force_grouping=True)}\u00a0€"


@register.inclusion_tag("core/_notices.html", takes_context=True)
def object_notices(context, obj):
    """`{% object_notices consultation %}`: the notices of the apps above this one (core.home.object_notices)."""
    from cooperer.core.home import object_notices as gather

    saved = (
        getattr(obj, "_meta", None) is not None and obj.pk is not None
    )  # a creation form has no object yet
    return {"notices": gather(obj, context["request"].user) if saved else []}
