"""Query parameters of the lists, read strictly: a malformed value is a 400 with a French reason, never a 500
and never silently ignored."""

import re

from rest_framework import exceptions

SIREN = re.compile(r"\d{9}", re.ASCII)
QPV = re.compile(r"QN(\d{3}|02[AB])\d{2}[MINC]|QP\d{6}", re.ASCII)  # as core.validators, both generations
INSEE_DEPARTEMENT = re.compile(r"\d{2,3}|2[AB]", re.ASCII)
CODE = re.compile(r"[A-Z0-9]{1,12}", re.ASCII)  # a code looked up as is (unknown ones are a 404)
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}", re.ASCII)


def text(request, name: str, pattern: re.Pattern, what: str) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    value = raw.strip().upper() if pattern is not SLUG else raw.strip()
    if not pattern.fullmatch(value):
        raise exceptions.ParseError(f"Le paramètre « {name} » attend {what} : « {raw[:40]} » reçu.")
    return value


def number(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise exceptions.ParseError(
            f"Le paramètre « {name} » attend un numéro (entier positif) : « {raw[:40]} » reçu."
        )
    return int(raw)


def choice(request, name: str, choices) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw not in choices.values:
        raise exceptions.ParseError(
            f"Le paramètre « {name} » vaut l'une de ces valeurs : {', '.join(choices.values)} ; « {raw[:40]} » reçu."
        )
    return raw
