import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """The network drawing is cached per process: each test starts without it (ids are reused on SQLite)."""
    cache.clear()
    yield
    cache.clear()
