"""Personal access tokens of the API. A token acts as its owner, with exactly their roles and territories: it
carries no rights of its own. Only the SHA-256 of the secret is stored; the secret is shown once, at creation."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "cop_"


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("nom", max_length=100, help_text="Pour le reconnaître : l'outil qui l'utilise.")
    prefix = models.CharField("début du jeton", max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "jeton d'accès à l'API"
        verbose_name_plural = "jetons d'accès à l'API"
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """A new token and its secret (returned once, never stored)."""
        secret = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=secret[:10], digest=digest_of(secret))
        return token, secret

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
