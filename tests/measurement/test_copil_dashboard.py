import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from cooperer.measurement import copil
from cooperer.measurement.enums import Polarity

pytestmark = pytest.mark.django_db


def _url(territory):
    return reverse("measurement:copil_dashboard", args=[territory["se_contract"].slug])


def test_the_animatrice_sees_a_late_bilan(client, funded, users, territory):
    bilan = funded["bilan"]
    bilan.due_on = datetime.date(2020, 1, 1)
    bilan.save(update_fields=["due_on"])
    client.force_login(users["se_animator"])
    response = client.get(_url(territory))
    assert response.status_code == 200
    assert "Bilans en retard" in response.content.decode()
    assert funded["application"].title in response.content.decode()
    assert re.search(r"20\W000 €", response.content.decode())


def test_another_animatrice_is_refused(client, funded, users, territory):
    client.force_login(users["m2a_animator"])
    assert client.get(_url(territory)).status_code == 403


def test_an_anonymous_visitor_must_log_in(client, territory):
    assert client.get(_url(territory)).status_code == 302


def test_the_dashboard_queries_do_not_grow(client, funded, users, territory, django_assert_max_num_queries):
    client.force_login(users["se_animator"])
    with django_assert_max_num_queries(15):
        client.get(_url(territory))


def _link(polarity, baseline="10", target="20"):
    return SimpleNamespace(
        baseline=Decimal(baseline), target=Decimal(target), baseline_year=2024, target_year=2030,
        indicator=SimpleNamespace(polarity=polarity),
    )  # fmt: skip


def test_outcome_status_follows_the_straight_path():
    assert copil.outcome_status(_link(Polarity.UP), Decimal("15"), 2027) == copil.ON_TRACK
    assert copil.outcome_status(_link(Polarity.UP), Decimal("11"), 2027) == copil.OFF_TRACK
    assert copil.outcome_status(_link(Polarity.UP), Decimal("21"), 2027) == copil.REACHED
    assert copil.outcome_status(_link(Polarity.DOWN, "20", "10"), Decimal("14"), 2027) == copil.ON_TRACK
    assert copil.outcome_status(_link(Polarity.DOWN, "20", "10"), Decimal("19"), 2027) == copil.OFF_TRACK
    assert copil.outcome_status(_link(Polarity.UP), None, 2027) == copil.UNKNOWN
