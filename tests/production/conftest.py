"""The production-profile tests run against servers started by .ci/production-profile, on their database: the
test process writes its facts there for real (committed, so that the servers see them), and creates no test
database of its own."""

import os

import pytest

PROFILE = bool(os.environ.get("COOPERER_PRODUCTION_PROFILE"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/production/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.production)
            if not PROFILE:
                item.add_marker(
                    pytest.mark.skip(reason="profil de production : lancé par .ci/production-profile")
                )


@pytest.fixture(scope="session")
def django_db_setup():
    """The profile's database, migrated by .ci/production-profile: no test database."""


@pytest.fixture
def db(django_db_blocker):
    """Writes are committed (no test transaction): the web servers and the workers must see them."""
    with django_db_blocker.unblock():
        yield
