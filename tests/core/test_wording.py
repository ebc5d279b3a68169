"""Wording fixed across the pages: elision, counts, codes said once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperer.calls import services as calls
from cooperer.calls.models import Criterion
from cooperer.core.typography import of
from tests.calls.fixtures import make_structure


def test_de_elides_before_a_vowel():
    assert of("Accompagnement Emploi Montreynaud") == "d'Accompagnement Emploi Montreynaud"
    assert of("Épicerie Solidaire") == "d'Épicerie Solidaire"
    assert of("Centre social") == "de Centre social"
    assert of("Habitat Sud-Est Forez") == "de Habitat Sud-Est Forez"


def test_an_overlap_without_a_known_name_says_its_code_once():
    from types import SimpleNamespace

    from cooperer.calls.report import explain

    overlap = SimpleNamespace(
        duplicate=False, same_applicant=False, same_qpvs=["QN04213M", "QN04215M"], same_publics=[],
        period_overlap_days=0, text_similarity=0, shared_terms=[], shared_elements=[], same_funders=[],
        shared_partners=[], same_call=True,
    )  # fmt: skip
    reasons = explain(overlap, {"qpvs": {"QN04215M": "Quartiers Sud-Est"}, "elements": {}, "funders": {},
                                "structures": {}})  # fmt: skip
    assert reasons[0] == "mêmes quartiers : QN04213M, Quartiers Sud-Est (QN04215M)"


@pytest.mark.django_db
def test_the_instruction_report_elides_agrees_its_notes_and_says_aucun_lien(client, application, users, call):
    application.applicant = make_structure("Accompagnement Jeunes (fictif)", 77)
    application.save(update_fields=["applicant"])
    calls.submit(application, users["member"], now=timezone.now())
    client.force_login(users["state_instructor"])
    url = reverse("calls:instruction", args=[call.pk, application.pk])
    page = client.get(url).content.decode()
    assert "La demande</a> d&#x27;Accompagnement Jeunes (fictif)" in page
    assert "aucun lien de coopération déjà connu" in page and "0 liens" not in page
    scores = {f"score-{c.pk}": "4" for c in Criterion.objects.filter(call=call)[:2]}
    response = client.post(reverse("calls:review", args=[call.pk, application.pk]), scores, follow=True)
    assert "2 notes enregistrées." in response.content.decode() and "note(s)" not in response.content.decode()
