"""Every error of the API as `application/problem+json` (RFC 9457), in French: `type`, `title`, `status`,
`detail`, `instance`, and `errors` (field or row, French message) when what was sent is refused."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.response import Response

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: ("requete-invalide", "Requête invalide"),
    401: ("authentification-requise", "Authentification requise"),
    403: ("acces-refuse", "Accès refusé"),
    404: ("introuvable", "Ressource introuvable"),
    405: ("methode-non-autorisee", "Méthode non autorisée"),
    406: ("format-non-disponible", "Format de réponse non disponible"),
    415: ("type-de-contenu-non-pris-en-charge", "Type de contenu non pris en charge"),
    429: ("trop-de-requetes", "Trop de requêtes"),
    500: ("erreur-du-serveur", "Erreur du serveur"),
}
INVALID = "Les données envoyées sont invalides : rien n'a été enregistré."


class RowErrors(exceptions.APIException):
    """A write refused as a whole, with every problem found ({"line", "field", "message"})."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, detail: str, errors: list[dict]):
        super().__init__(detail)
        self.errors = errors


def problem(status_code: int, detail: str, *, instance: str = "", errors=None, headers=None) -> Response:
    slug, title = TITLES.get(status_code, ("erreur", "Erreur"))
    body = {"type": f"/api/v1/problemes/{slug}", "title": title, "status": status_code, "detail": detail}
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=MEDIA_TYPE)


def _flatten(detail, path: str = "") -> list[dict]:
    if isinstance(detail, dict):
        return [error for key, value in detail.items() for error in _flatten(value, _join(path, key))]
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [{"field": path or None, "message": str(item)} for item in detail]
        return [error for index, item in enumerate(detail) for error in _flatten(item, _join(path, index))]
    return [{"field": path or None, "message": str(detail)}]


def _join(path: str, key) -> str:
    if key == "non_field_errors":
        return path
    return f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key))


def exception_handler(exc, context):
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Cette ressource n'existe pas, ou elle ne vous est pas accessible.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if not isinstance(exc, exceptions.APIException):
        logger.error("Erreur de l'API sur %s", instance, exc_info=exc)
        return problem(500, "Une erreur inattendue est survenue : elle est enregistrée.", instance=instance)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    errors = None
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, int(exc.wait or 1))
        headers["Retry-After"] = str(wait)
        detail = f"Trop de requêtes en une minute : réessayez dans {wait} seconde{'s' if wait > 1 else ''}."
    elif isinstance(exc, RowErrors):
        detail, errors = str(exc.detail), exc.errors
    elif isinstance(exc, exceptions.ValidationError):
        detail, errors = INVALID, _flatten(exc.detail)
    else:
        detail = str(exc.detail)
    return problem(exc.status_code, detail, instance=instance, errors=errors, headers=headers)


class JsonOnlyNegotiation(BaseContentNegotiation):
    """The API speaks JSON whatever the Accept header says (no 406 for `Accept: text/html`)."""

    def select_parser(self, request, parsers):
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "Une erreur (RFC 9457), en français.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "line": {"type": "integer", "nullable": True},
                    "message": {"type": "string"},
                },
                "required": ["message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}
DOCUMENTED = {
    "400": "Requête invalide (paramètre, curseur ou données) : le détail dit quoi.",
    "401": "Jeton absent, invalide ou révoqué.",
    "403": "Le rôle du titulaire du jeton ne le permet pas.",
    "404": "Introuvable, ou pas accessible au titulaire du jeton.",
    "405": "Méthode non autorisée.",
    "415": "Type de contenu non pris en charge (application/json attendu).",
    "429": "Trop de requêtes : l'en-tête Retry-After dit dans combien de secondes réessayer.",
}


def document_problems(result, generator, request, public):
    """drf-spectacular hook: every operation may answer these problems, with the same body."""
    result.setdefault("components", {}).setdefault("schemas", {})["Probleme"] = PROBLEM_SCHEMA
    reference = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Probleme"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = dict(DOCUMENTED)
            if method in ("get", "delete"):
                codes.pop("415")
            for code, description in codes.items():
                operation["responses"].setdefault(code, {"description": description, "content": reference})
    return result
