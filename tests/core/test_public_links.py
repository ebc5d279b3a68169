"""Public pages invite people in: a QPV's vision page and its territory page link to the open consultation forms,
the upcoming sessions, the vision and the open calls, gathered from the apps that own them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperer.consultations.enums import Audience, ConsultationStatus, SessionFormat
from cooperer.consultations.models import Session
from cooperer.visions import services

pytestmark = pytest.mark.django_db


def _adopt(vision, user):
    version = services.current_version(vision)
    services.save_statement(version, "Un quartier où chacun trouve sa place.")
    services.add_element(version, "Les jeunes ont des lieux à eux.")
    services.adopt(
        version, body="Comité de pilotage", reference="CP-1", adopted_on=timezone.localdate(), user=user
    )


def _upcoming(consultation, qpv, days=6):
    return Session.objects.create(
        consultation=consultation, qpv=qpv, audience=Audience.YOUTH, format=SessionFormat.STAND,
        date=timezone.localdate() + datetime.timedelta(days=days), place="Place du marché",
    )  # fmt: skip


def test_a_neighbourhood_without_a_vision_yet_invites_to_its_open_forms_and_sessions(
    client, sessions, territory, consultation
):
    stand = _upcoming(consultation, territory["sud_est"])
    page = client.get(reverse("public_vision", args=["QN04215M"])).content.decode()
    assert "revenez bientôt" not in page and "Donner votre avis" in page
    assert f'href="{sessions["habitants"].public_url()}"' in page  # its form is still open
    assert f'href="{stand.public_url()}"' in page and "Rencontre des jeunes le" in page
    assert "Donner votre avis en ligne (formulaire des habitants)" in page
    assert "Place du marché" in page


def test_a_closed_consultation_invites_nobody(client, sessions, consultation):
    consultation.status = ConsultationStatus.CLOSED
    consultation.save(update_fields=["status"])
    page = client.get(reverse("public_vision", args=["QN04215M"])).content.decode()
    assert "revenez bientôt" in page and sessions["habitants"].public_url() not in page


def test_an_adopted_vision_names_its_instance_and_still_invites_people_in(
    client, sessions, sud_est_vision, users
):
    _adopt(sud_est_vision, users["se_animator"])
    page = client.get(reverse("public_vision", args=["QN04215M"])).content.decode()
    assert "(instance : Comité de pilotage)" in page and "par Comité de pilotage" not in page
    assert sessions["habitants"].public_url() in page


def test_the_qpv_page_links_to_its_vision_its_consultation_and_its_open_calls(
    client, call, sessions, sud_est_vision, users
):
    _adopt(sud_est_vision, users["se_animator"])
    page = client.get(reverse("territories:qpv", args=["QN04215M"])).content.decode()
    assert "Participer et suivre" in page
    assert reverse("public_vision", args=["QN04215M"]) in page
    assert sessions["habitants"].public_url() in page
    assert call.get_absolute_url() in page and call.name in page and "appel ouvert jusqu&#x27;au" in page


def test_the_qpv_page_of_another_contract_lists_neither_the_call_nor_the_forms(client, call, sessions):
    page = client.get(reverse("territories:qpv", args=["QN06803M"])).content.decode()
    assert call.get_absolute_url() not in page and sessions["habitants"].public_url() not in page
    assert "Participer et suivre" not in page
