"""Response headers that no single view should have to remember."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """Pages seen signed in are never stored by the browser or a proxy (`Cache-Control: no-store`): the next
    person at a shared computer cannot read them back from the cache. Every response says which browser
    features the site never uses (`Permissions-Policy`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True, private=True)
        response.headers.setdefault("Permissions-Policy", settings.COOPERER_PERMISSIONS_POLICY)
        return response
