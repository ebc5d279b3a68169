"""Production: refuses to start on a missing secret or a missing shared cache; HTTPS only; JSON logs."""

from cooperer.core.logs import logging_config
from cooperer.settings.base import *  # noqa: F403
from cooperer.settings.env import env_bool, env_float, env_int, env_required, env_str

DEBUG = False
SECRET_KEY = env_required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in env_required("DJANGO_ALLOWED_HOSTS").split(",") if host.strip()]
# The health check of a supervisor or a container on the same machine asks http://127.0.0.1/sante/.
ALLOWED_HOSTS += [host for host in ("127.0.0.1", "localhost") if host not in ALLOWED_HOSTS]

# Several web processes on several machines and the workers share one cache: Redis (docs/deploy.md, ADR 016).
# An unreachable Redis makes misses and a logged warning, never a failed page (core/cache.py).
REDIS_URL = env_required(
    "REDIS_URL",
    "Le cache partagé par tous les processus est Redis en production : "
    "indiquez son adresse, par exemple REDIS_URL=redis://127.0.0.1:6379/0.",
)
CACHES = {
    "default": {
        "BACKEND": "cooperer.core.cache.ForgivingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "cooperer",
        "OPTIONS": {
            "socket_connect_timeout": env_float("COOPERER_REDIS_TIMEOUT", 0.5),
            "socket_timeout": env_float("COOPERER_REDIS_TIMEOUT", 0.5),
        },
    }
}
# Sessions read from Redis (written to both; the database stays the reference when Redis is away or emptied):
# one database query less for every signed-in request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]  # the health check of a load balancer speaks plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False

LOGGING = logging_config(env_str("COOPERER_LOG_LEVEL", "INFO"), env_str("COOPERER_LOG_FORMAT", "json"))
