"""The request being served, for the entries recorded while it runs: services record who acted and from which
address without taking the request as an argument. Outside a request (jobs, commands) both are unknown unless
the caller passes them."""

import contextvars

_request: contextvars.ContextVar = contextvars.ContextVar("cooperer_audit_request", default=None)


def client_address(request) -> str:
    """The address the request came from (behind a proxy, the proxy passes it as REMOTE_ADDR)."""
    return (request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else ""


def current_request():
    return _request.get()


class AuditContextMiddleware:
    """Makes the request known to `audit.services.record` while the view runs (after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
