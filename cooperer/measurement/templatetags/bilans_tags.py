from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key, "")


@register.simple_tag
def expense_value(typed, prefix, pk):
    return (typed or {}).get(f"{prefix}{pk}", "")


@register.simple_tag
def field_error(errors, prefix, pk):
    message = (errors or {}).get(f"{prefix}{pk}")
    if not message:
        return ""
    return format_html('<span class="errorlist" id="{}{}_erreur">{}</span>', prefix, pk, message)
