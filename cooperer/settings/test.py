"""Test settings: the same database engines as production (SQLite or PostgreSQL via DATABASE_URL)."""

from cooperer.settings.base import *  # noqa: F403
from cooperer.settings.base import VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
# The daily retention job is started by the first request of each process; tests start it themselves.
DAILY_JOBS = False
# Workers run by tests (`db_worker --batch`) write no sign of life from a thread of their own, which would commit
# outside the test's transaction; the reaper is tested in tests/jobs/test_workers.py and tests/production/.
WORKER_HEARTBEAT = False
# One process: the local-memory cache, emptied before each test (tests/conftest.py). The database cache of the
# embedded default and Redis are tested in tests/core/test_cache.py and tests/production/.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cooperer"}}
# Public pages follow the data at once in tests; the lag of production is tested in tests/core/test_pagecache.py.
COOPERER_PUBLIC_PAGE_LAG_SECONDS = 0
