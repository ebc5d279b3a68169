"""Settings shared by every environment. dev, test and prod import only this module."""

from pathlib import Path

import dj_database_url

from cooperer.core.limits import ReadLimits
from cooperer.core.logs import logging_config
from cooperer.settings.env import env_bool, env_float, env_int, env_list, env_str

PROJECT_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(env_str("COOPERER_VAR_DIR", str(PROJECT_DIR / "var")))

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "cooperer.core",
    "cooperer.audit",
    "cooperer.accounts",
    "cooperer.territories",
    "cooperer.actors",
    "cooperer.communities",
    "cooperer.consultations",
    "cooperer.visions",
    "cooperer.calls",
    "cooperer.measurement",
    "cooperer.knowledge",
    "cooperer.jobs",
    "cooperer.api",
    # After cooperer.jobs, whose `db_worker` (with its heartbeat, jobs/workers.py) replaces this app's own.
    "django_tasks_db",
]

MIDDLEWARE = [
    "cooperer.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cooperer.audit.context.AuditContextMiddleware",
    "cooperer.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cooperer.jobs.schedule.DueJobsMiddleware",
]
# Start the daily retention job from the requests (cooperer/jobs/schedule.py); off in the test settings.
DAILY_JOBS = True

ROOT_URLCONF = "cooperer.urls"
WSGI_APPLICATION = "cooperer.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "cooperer" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cooperer.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cooperer.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the job worker writes. synchronous=NORMAL is WAL's usual setting:
    # a commit survives any crash of the application; only a power cut may lose the last commits (no fsync per
    # commit, which would cap the public form at ~160 submissions/s here). PostgreSQL keeps full durability.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Opening a SQLite connection costs more than most queries: keep it for a minute per server thread.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Refuses to check a password while its account or its address is locked out (accounts/throttle.py).
AUTHENTICATION_BACKENDS = ["cooperer.accounts.backends.ThrottledModelBackend"]
# Failed logins (or password-reset requests) allowed per account and per address in one window; then locked
# until the window ends, or until an administrator unlocks the account.
COOPERER_LOGIN_FAILURES_PER_ACCOUNT = env_int("COOPERER_LOGIN_FAILURES_PER_ACCOUNT", 5)
COOPERER_LOGIN_FAILURES_PER_ADDRESS = env_int("COOPERER_LOGIN_FAILURES_PER_ADDRESS", 20)
COOPERER_LOGIN_WINDOW_MINUTES = env_int("COOPERER_LOGIN_WINDOW_MINUTES", 15)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Coopérer <ne-pas-repondre@cooperer.localhost>")

# Uploads: refuse large bodies early; importers check type and size again.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
COOPERER_MAX_UPLOAD_BYTES = env_int("COOPERER_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# What an imported file may hold once read (cooperer/core/limits.py): refused beyond, with a French message.
COOPERER_MAX_INFLATED_BYTES = env_int("COOPERER_MAX_INFLATED_BYTES", ReadLimits.inflated_bytes)
COOPERER_MAX_ROWS = env_int("COOPERER_MAX_ROWS", ReadLimits.rows)
COOPERER_MAX_COLUMNS = env_int("COOPERER_MAX_COLUMNS", ReadLimits.columns)
COOPERER_MAX_CELL_CHARS = env_int("COOPERER_MAX_CELL_CHARS", ReadLimits.cell_chars)
COOPERER_MAX_JSON_DEPTH = env_int("COOPERER_MAX_JSON_DEPTH", ReadLimits.json_depth)
# Contributions accepted per minute from one address on the public forms (0: no limit).
COOPERER_PUBLIC_FORM_PER_MINUTE = env_int("COOPERER_PUBLIC_FORM_PER_MINUTE", 10)

# Where `cooperer demo` reads the official reference files (a folder laid out like
# ../shared/data); empty means: download them from their official URLs.
COOPERER_REFERENCE_DIR = env_str("COOPERER_REFERENCE_DIR", "")
# Shows the banner saying that people and structures on screen are fictional.
COOPERER_DEMO = env_bool("COOPERER_DEMO", False)
# Absolute address of the site, used in e-mails (invitation links).
COOPERER_SITE_URL = env_str("COOPERER_SITE_URL", "http://127.0.0.1:8000")

# The page after login gathers one section per app, in this order (cooperer/core/home.py): each function
# decides on the server whether the person sees its section. The QPV pages gather links the same way.
COOPERER_HOME_SECTIONS = [
    "cooperer.calls.home.applications_section",
    "cooperer.calls.home.instruction_section",
    "cooperer.measurement.home.bilans_section",
    "cooperer.consultations.home.section",
    "cooperer.communities.home.section",
    "cooperer.jobs.home.section",
]
COOPERER_QPV_LINKS = [
    "cooperer.visions.home.qpv_links",
    "cooperer.consultations.home.qpv_links",
    "cooperer.calls.home.qpv_links",
]
# Partner suggestions offer to invite the structure into what these apps run (a community of action).
COOPERER_PARTNER_INVITATIONS = ["cooperer.communities.home.invitations"]
# A consultation's, call's, community's or vision's pages show what these apps say about it (a copy's origin
# and what it still has to adapt, « Enregistrer comme modèle », « Essaimer », an open event of a community).
COOPERER_OBJECT_NOTICES = ["cooperer.knowledge.hooks.notices"]

# « Initiatives semblables ailleurs » on an application, a community and a vision element (core/home.py).
COOPERER_SIMILAR_ELSEWHERE = ["cooperer.knowledge.similar.entries"]

# Key pages answered from the shared cache until the data they read changes (cooperer/core/pagecache.py).
COOPERER_PAGE_CACHE = env_bool("COOPERER_PAGE_CACHE", True)
# How long a public page (already cacheable 5 minutes by browsers and proxies) may lag the data at the origin for
# an anonymous visitor: the stamps are read again by each process after this many seconds.
COOPERER_PUBLIC_PAGE_LAG_SECONDS = env_float("COOPERER_PUBLIC_PAGE_LAG_SECONDS", 1.0)
# A worker that gives no sign of life for this long is dead: its running task is retried or failed (jobs/workers.py).
COOPERER_WORKER_LEASE_SECONDS = env_int("COOPERER_WORKER_LEASE_SECONDS", 30)
WORKER_HEARTBEAT = True  # off in the test settings, where workers run inside a test's transaction
TASKS = {
    "default": {
        "BACKEND": env_str("COOPERER_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Everything cached is keyed by a version stamp or a fingerprint read from the database (core/stamps.py), so any
# process may compute and store it and none can serve it stale. The cache must be shared by every process: the
# web processes of `cooperer serve` and the worker that builds the overlap index. The embedded default keeps it
# in the database (the table is created by a migration); production uses Redis (settings/prod.py). ADR 016.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cooperer_cache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

# The open API (cooperer/api, docs/adr/015-api.md): personal tokens act as their owner; every error is
# application/problem+json in French; lists page by cursor; requests are counted per token (or per address
# without one) on the database-backed counters shared by every process (core/throttle.py).
COOPERER_API_TOKEN_PER_MINUTE = env_int("COOPERER_API_TOKEN_PER_MINUTE", 600)
COOPERER_API_ANONYMOUS_PER_MINUTE = env_int("COOPERER_API_ANONYMOUS_PER_MINUTE", 120)
COOPERER_API_PAGE_SIZE = env_int("COOPERER_API_PAGE_SIZE", 100)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cooperer.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["cooperer.api.throttling.SharedCounterThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "cooperer.api.problems.JsonOnlyNegotiation",
    "DEFAULT_PAGINATION_CLASS": "cooperer.api.pagination.IdCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cooperer.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API de Coopérer",
    "DESCRIPTION": (
        "API ouverte de Coopérer : territoires et QPV, annuaire public, appels à projets, décisions et "
        "subventions (SCDL), visions adoptées, indicateurs et mesures. Un jeton personnel (« Mon compte ») "
        "agit avec exactement les rôles et les territoires de son titulaire : `Authorization: Bearer <jeton>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cooperer.api.problems.document_problems",
    ],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features the site never uses (core/middleware.py); pages seen signed in are sent with no-store.
COOPERER_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# Content security policy: everything is served by the app itself (no CDN, no inline script).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# `text` (readable in a terminal) or `json` (one JSON object per line with the request id; core/logs.py).
LOGGING = logging_config(env_str("COOPERER_LOG_LEVEL", "INFO"), env_str("COOPERER_LOG_FORMAT", "text"))
