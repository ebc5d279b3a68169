"""The public pages (a neighbourhood's vision, « Où en est-on ? », the public directory, the thanks page of a
consultation's public form) may be kept by browsers and
proxies for a few minutes and revalidated cheaply: `public_page` sends `Cache-Control: public, max-age=300` and an
`ETag` computed from the page, and answers `304 Not Modified` to a request whose `If-None-Match` matches.

Signed in, `SecurityHeadersMiddleware` turns the page to `no-store, private`, and the session makes it vary on the
cookie: nothing personal is stored by a shared cache. The page of a consultation's public form is not one of them:
it carries the visitor's CSRF token."""

from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page

from cooperer.core.pagecache import cached_page

PUBLIC_MAX_AGE = 300


def public_page(view):
    """Cacheable by browsers and proxies, revalidated by ETag, and kept ready at the origin (`pagecache`)."""
    return cache_control(public=True, max_age=PUBLIC_MAX_AGE)(
        conditional_page(cached_page(public=True)(view))
    )
