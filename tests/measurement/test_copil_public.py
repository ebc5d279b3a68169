import datetime

import pytest
from django.urls import reverse

from cooperer.measurement import followup
from cooperer.visions import services as visions
from tests.measurement.test_followup import fill

pytestmark = pytest.mark.django_db


def _page(client, territory):
    return client.get(reverse("public_follow_up", args=[territory["sud_est"].code.lower()]))


def test_a_funded_project_shows_only_once_its_bilan_is_approved(client, funded, users, territory):
    bilan, application = funded["bilan"], funded["application"]
    response = _page(client, territory)
    assert response.status_code == 200
    text = response.content.decode()
    assert application.title in text
    assert "Où en est-on" in text
    assert reverse("public_vision", args=[territory["sud_est"].code]) in text
    followup.submit(bilan, users["member"], results=fill(bilan))
    assert "trois soirs par semaine" not in _page(client, territory).content.decode()
    bilan.refresh_from_db()
    followup.approve(bilan, users["state_instructor"])
    text = _page(client, territory).content.decode()
    assert "trois soirs par semaine" in text
    assert "Personnes touchées" in text and "60" in text
    assert "public" in _page(client, territory)["Cache-Control"]


def test_small_counts_are_never_printed(client, funded, users, territory):
    bilan = funded["bilan"]
    results = fill(bilan, participants=7, qpv=7)
    bilan.breakdown = {"sexe": {"femmes": 3, "hommes": 4}}
    bilan.save()
    followup.submit(bilan, users["member"], results=results)
    bilan.refresh_from_db()
    followup.approve(bilan, users["state_instructor"])
    text = _page(client, territory).content.decode()
    assert "moins de 11" in text
    assert ">7<" not in text and " 7\n" not in text and ": 7" not in text


def test_a_draft_application_is_not_shown(client, application, territory):
    assert application.title not in _page(client, territory).content.decode()


def test_the_page_queries_do_not_grow(client, funded, territory, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        _page(client, territory)


def test_residents_read_the_outcomes_of_the_adopted_vision_only(client, followed, users, territory):
    assert "Nos objectifs" not in _page(client, territory).content.decode()  # a draft is not public
    version = followed["element"].version
    visions.save_statement(version, "En 2030, les jeunes ont des lieux à eux.")
    visions.adopt(version, body="Comité de pilotage", reference="CP-2025-04", adopted_on=datetime.date(2025, 3, 1),
                  user=users["se_animator"])  # fmt: skip
    text = _page(client, territory).content.decode()
    assert "Nos objectifs : où en sommes-nous ?" in text
    assert "262 personnes en 2026, pour un objectif de 400 en 2030" in text
    assert "ça avance comme prévu" in text
    vision_page = client.get(reverse("public_vision", args=[territory["sud_est"].code])).content.decode()
    assert reverse("public_follow_up", args=[territory["sud_est"].code]) in vision_page


def test_a_small_count_of_an_outcome_is_secret_for_residents(client, followed, users, territory):
    version = followed["element"].version
    visions.save_statement(version, "En 2030, les jeunes ont des lieux à eux.")
    visions.adopt(version, body="Comité de pilotage", reference="CP-2025-04", adopted_on=datetime.date(2025, 3, 1),
                  user=users["se_animator"])  # fmt: skip
    followed["survey"].measurements.filter(period_end__year=2026).update(value=7)
    text = _page(client, territory).content.decode()
    assert "secret (trop peu de personnes) en 2026" in text and "7 personnes" not in text
