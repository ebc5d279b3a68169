"""`Authorization: Bearer <jeton>` (or `Token <jeton>`): the request is made as the token's owner, so every
permission helper of the project (`roles_of`, the apps' readable querysets) answers for them, never more."""

import datetime

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from cooperer.api.models import ApiToken, digest_of

KEYWORDS = ("bearer", "token")
# `last_used_at` is written at most once a minute per token: not one write per request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)
INVALID = "Jeton d'accès invalide ou révoqué : créez-en un nouveau depuis « Mon compte »."


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "En-tête Authorization mal formé : « Bearer <jeton> » attendu, sans espace dans le jeton."
            )
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(INVALID) from exc
        token = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(digest=digest_of(secret), user__is_active=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token in the OpenAPI schema (drf-spectacular finds it by its target class)."""

    target_class = BearerTokenAuthentication
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton personnel créé depuis « Mon compte » → « Jetons d'accès à l'API ».",
        }
