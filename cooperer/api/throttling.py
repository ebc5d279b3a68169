"""Requests counted per token (per account for a browser session, per address without either) on the atomic
counters of `core/throttle.py`, so that every server process shares the same count."""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from cooperer.api.models import ApiToken
from cooperer.audit.context import client_address
from cooperer.core import throttle

WINDOW_SECONDS = 60


def _scope(request) -> tuple[str, str, int]:
    if isinstance(request.auth, ApiToken):
        return "api-token", str(request.auth.pk), settings.COOPERER_API_TOKEN_PER_MINUTE
    if request.user.is_authenticated:
        return "api-user", str(request.user.pk), settings.COOPERER_API_TOKEN_PER_MINUTE
    return "api-address", client_address(request), settings.COOPERER_API_ANONYMOUS_PER_MINUTE


class SharedCounterThrottle(BaseThrottle):
    def allow_request(self, request, view):
        scope, ident, limit = _scope(request)
        if limit <= 0:
            return True
        self.limit = limit
        if throttle.hit(scope, ident, WINDOW_SECONDS) <= limit:
            return True
        self.seconds = max(1, throttle.remaining_seconds(scope, ident))
        return False

    def wait(self):
        return getattr(self, "seconds", WINDOW_SECONDS)
