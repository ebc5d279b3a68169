"""Pages kept ready in the shared cache, and the write tracking that keeps them from ever being served stale.

Writes. Every INSERT, UPDATE or DELETE that Django sends to a table of the product, whatever the process (web,
worker, command) and the path (a model's `save`, `bulk_create`, a queryset's `update`, raw SQL on Django's cursor),
raises the stamp `écrit:<application>` of that table (`core.stamps`) once per transaction, when the transaction
commits. Tables that say nothing a page shows (sessions, the stamps themselves, rate counters, the journal, the
workers' heartbeats) are not tracked.

Pages. A view decorated with `cached_page("actors", "territories", …)` (by default: every tracked application)
stores its answer in Django's cache (Redis in production, shared by every web process) under a key made of the
view, the path with its query, who asks (the session and its CSRF cookie: a page holds that browser's token, and
what its account may see), the HTMX headers, the day, and the current stamps of the applications it reads. The next
identical request is answered from the cache, until any process writes to one of those applications: the stamps are
read from the database at each request (one small query), so no process serves what another has already changed.

Nothing is stored for a request that carries messages to show, an answer other than a 200 HTML page, an answer that
sets a cookie, a page holding a CSRF token made for a browser that sent none (or any token, for an anonymous
visitor: every visitor shares one key), or a view that wrote to the database while answering (its writes must
happen each time). What a page says about the time (a deadline passed) may lag by at most `TIMEOUT`.
"""

import functools
import hashlib
import re
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection as default_connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from cooperer.core import stamps
from cooperer.core.models import Stamp

TRACKED_APPS = (
    "accounts", "auth", "territories", "actors", "communities", "consultations", "visions", "calls", "measurement",
    "knowledge", "jobs", "api",
)  # fmt: skip
UNTRACKED_TABLES = frozenset({"jobs_workerbeat", "jobs_dailyrun"})
PREFIX = "écrit:"
TIMEOUT = 600  # a page a bulk load outside Django's cursor (psql, COPY) could leave unseen lives no longer than this
_WRITE = re.compile(r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.IGNORECASE)
_tables: dict[str, str] | None = None
_BOOKKEEPING: frozenset = frozenset()
_migrating = False


def stamp_name(app: str) -> str:
    return PREFIX + app


def tables() -> dict[str, str]:
    """db_table → application label, for every tracked table (many-to-many tables included)."""
    global _tables
    if _tables is None:
        _tables = {
            model._meta.db_table: model._meta.app_label
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in TRACKED_APPS and model._meta.db_table not in UNTRACKED_TABLES
        }
    return _tables


class _Bump:
    """Raises one application's stamp when the transaction that wrote to it commits."""

    def __init__(self, app: str):
        self.app = app

    def __call__(self):
        stamps.bump(stamp_name(self.app))


def _counts_now(connection) -> bool:
    """Outside a transaction the write is already committed. Inside the transaction a test case opens (rolled back
    at its end, never committed, so its commit hooks never run) the write counts at once, as it would in production
    once the view's own transaction commits."""
    return not connection.in_atomic_block or connection.atomic_blocks[0]._from_testcase


def _bookkeeping() -> frozenset:
    """Tables written while answering any page that say nothing of what was done: the stamps, the sessions, the
    database cache. A write to any other table, tracked or not (the journal, a rate counter), is something the
    view does at each request: its answer is not kept."""
    tables = {Stamp._meta.db_table, "django_session"}
    for backend in settings.CACHES.values():
        if backend["BACKEND"].endswith("DatabaseCache"):
            tables.add(backend["LOCATION"])
    return frozenset(tables)


def wrote(connection, app: str) -> None:
    if _counts_now(connection):
        _Bump(app)()
    elif not any(isinstance(f, _Bump) and f.app == app for _ids, f, _robust in connection.run_on_commit):
        connection.on_commit(_Bump(app), robust=True)


def track(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not _migrating:
        match = _WRITE.match(sql)
        if match and match.group(1) not in _BOOKKEEPING:
            connection = context["connection"]
            connection.cooperer_writes = getattr(connection, "cooperer_writes", 0) + 1
            app = tables().get(match.group(1))
            if app:
                wrote(connection, app)
    return result


def install(sender, connection, **kwargs):
    """`connection_created`: every new connection of every process tracks its writes."""
    global _BOOKKEEPING
    _BOOKKEEPING = _BOOKKEEPING or _bookkeeping()
    if track not in connection.execute_wrappers:
        connection.execute_wrappers.append(track)


def migrating(sender, **kwargs):
    """`pre_migrate`: the stamps table may not exist yet, and a schema change is not a page's data."""
    global _migrating, _tables
    _migrating, _tables = True, None


def migrated(sender, **kwargs):
    global _migrating
    _migrating = False


_recent: dict[tuple, tuple[float, tuple]] = {}
_held_pages: dict[str, tuple[float, tuple]] = {}
HELD_PAGES = 256  # anonymous public pages a process keeps in its memory, each for at most the lag


def _held(key: str):
    """An anonymous public page this process took from the shared cache less than the lag ago: the same answer
    (its key holds the stamps it was made under), without asking Redis. Past the lag it is asked again, so a
    restored database or an emptied cache is seen within the lag, as the stamps are."""
    seen = _held_pages.get(key)
    return seen[1] if seen is not None and seen[0] > time.monotonic() else None


def _hold(key: str, kept: tuple, lag: float) -> None:
    if len(_held_pages) >= HELD_PAGES:
        _held_pages.clear()  # a crude bound: the pages asked often are back at their next request
    _held_pages[key] = (time.monotonic() + lag, kept)


def recent(names: tuple, lag: float) -> tuple:
    """The stamps as this process read them less than `lag` seconds ago (read again past that)."""
    now = time.monotonic()
    seen = _recent.get(names)
    if seen is None or seen[0] <= now:
        seen = _recent[names] = (now + lag, current(names))
    return seen[1]


def current(names: tuple) -> tuple:
    """The stamps of `names`, in one query written out (read at every request of a kept page: the ORM would
    cost more than the database)."""
    table = default_connection.ops.quote_name(Stamp._meta.db_table)
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, value FROM {table} WHERE name IN ({', '.join(['%s'] * len(names))})", names
        )
        values = dict(cursor.fetchall())
    return tuple(values.get(name, 0) for name in names)


def cached_value(depends_on: tuple, key: str, compute):
    """A value computed from the data of `depends_on` (application labels), shared by every process and every
    person who may see it, until one of those applications is written to."""
    names = tuple(stamp_name(app) for app in depends_on)
    return stamps.kept(f"valeur:{key}:{'.'.join(str(value) for value in current(names))}", compute, TIMEOUT)


def _who(request) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "-"
    seen = f"{request.session.session_key}|{request.COOKIES.get(settings.CSRF_COOKIE_NAME, '')}"
    return hashlib.sha256(seen.encode()).hexdigest()[:24]


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and (storage._queued_messages or storage._loaded_messages))


def _token_kept(request) -> bool:
    """A page holding a CSRF token may be kept only for the browser whose cookie made it: signed in, if the token
    comes from the cookie the browser sent (part of the key), not from a secret just made for a browser that had
    none; anonymous (one key for every visitor), never."""
    if not request.user.is_authenticated:
        return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # set by every `{% csrf_token %}` rendered
    secret = request.META.get("CSRF_COOKIE")
    return secret is None or secret == request.COOKIES.get(settings.CSRF_COOKIE_NAME)


def _key(request, view_name: str, names: tuple, lag: float = 0) -> str:
    asked = "|".join(
        [request.get_full_path(), request.headers.get("HX-Request", ""), request.headers.get("HX-Target", ""),
         request.headers.get("HX-Trigger", ""), request.method]
    )  # fmt: skip
    values = recent(names, lag) if lag > 0 else current(names)
    digest = hashlib.sha256(asked.encode()).hexdigest()[:24]
    day = timezone.localdate().isoformat()  # the day the pages count in (deadlines, « aujourd'hui »)
    return f"page:{view_name}:{digest}:{_who(request)}:{day}:{'.'.join(str(value) for value in values)}"


_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACE = "\x00jeton\x00"


def _keep_form(content: bytes) -> bytes | None:
    """The page with its CSRF token replaced by a mark, or None if it holds none."""
    kept, found = _TOKEN.subn(rf"\g<1>{_PLACE}\g<2>", content.decode())
    return kept.encode() if found else None


def cached_page(*depends_on: str, form: bool = False, public: bool = False):
    """Answers the view from the cache while none of `depends_on` (application labels; every tracked application
    if none is named) was written to, for the same request of the same session. `form=True`: an anonymous page
    holding a form (a consultation's public form) is kept once for every visitor with its CSRF token taken out,
    and served with the visitor's own token put back. `public=True`: a page that browsers and proxies may already
    keep for minutes (`core.caching.public_page`) reads the stamps, for anonymous visitors, as this process saw them
    within `COOPERER_PUBLIC_PAGE_LAG_SECONDS` (1 s by default; 0 reads them at every request); signed in, never."""
    names = tuple(stamp_name(app) for app in (depends_on or TRACKED_APPS))
    unknown = set(depends_on) - set(TRACKED_APPS)
    if unknown:
        raise ValueError(f"Applications non suivies : {', '.join(sorted(unknown))}")

    def decorator(view):
        view_name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if (
                not settings.COOPERER_PAGE_CACHE
                or request.method not in ("GET", "HEAD")
                or _has_messages(request)
            ):
                return view(request, *args, **kwargs)
            anonymous = not request.user.is_authenticated
            shared_form = form and anonymous
            lag = settings.COOPERER_PUBLIC_PAGE_LAG_SECONDS if public and anonymous else 0
            key = _key(request, view_name + (":formulaire" if shared_form else ""), names, lag)
            kept = _held(key) if lag > 0 else None
            if kept is None:
                kept = cache.get(key)
                if kept is not None and lag > 0:
                    _hold(key, kept, lag)
            if kept is not None:
                headers, content = kept
                if shared_form:
                    content = content.replace(_PLACE.encode(), get_token(request).encode())
                response = HttpResponse(content, headers=headers)
                response["X-Page-Cache"] = "hit"
                return response
            writes = getattr(default_connection, "cooperer_writes", 0)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and (shared_form or _token_kept(request))
                and getattr(default_connection, "cooperer_writes", 0) == writes
                and response.get("Content-Type", "").startswith("text/html")
            ):
                content = _keep_form(response.content) if shared_form else response.content
                if content is not None:
                    kept = (dict(response.headers), content)  # with the view's own headers
                    cache.set(key, kept, TIMEOUT)
                    if lag > 0:
                        _hold(key, kept, lag)
                    response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator
