import pytest

from cooperer.core import stamps

pytestmark = pytest.mark.django_db


def test_a_value_is_cached_under_the_stamp_until_the_stamp_is_raised():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert stamps.current("essai") == 0
    assert stamps.cached("essai", "valeur", compute) == 1
    assert stamps.cached("essai", "valeur", compute) == 1  # served from the cache
    stamps.bump("essai")
    assert stamps.current("essai") == 1
    assert stamps.cached("essai", "valeur", compute) == 2  # recomputed under the new stamp
    stamps.bump("essai")
    stamps.bump("autre")
    assert (stamps.current("essai"), stamps.current("autre")) == (2, 1)


def test_a_raised_stamp_is_seen_only_once_its_transaction_commits(transactional_db):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        stamps.bump("essai")
        raise RuntimeError
    assert stamps.current("essai") == 0
