"""Convocations and decisions say whom they reached, and who could not be told (no address)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from cooperer.communities import services
from cooperer.communities.models import Community

pytestmark = pytest.mark.django_db


def test_a_convocation_says_who_was_reached_and_who_has_no_address(community):
    meeting = services.schedule_meeting(community["cotech"], starts_at=community["future"], convene=True)
    assert meeting.notification.reached == ["Jeunes de Bourtzwiller"]  # through the member account
    assert meeting.notification.unreachable == ["CAF du Haut-Rhin", "Carré des associations"]
    assert meeting.notification.describe() == (
        "envoyée à 1 membre sur 3 ; sans adresse de courriel, non prévenues : "
        "CAF du Haut-Rhin et Carré des associations"
    )
    assert [m.to for m in mail.outbox if "Convocation" in m.subject] == [["contrib@exemple.fr"]]


def test_a_member_reached_by_two_addresses_counts_once(community):
    jeunes = community["members"][1]
    jeunes.person = jeunes.structure.people.create(first_name="A", last_name="B", email="a@exemple.fr")
    jeunes.save()
    meeting = services.schedule_meeting(community["cotech"], starts_at=community["future"], convene=True)
    assert meeting.notification.reached == ["Jeunes de Bourtzwiller"]
    assert meeting.notification.messages == 2
    assert meeting.notification.describe().startswith("envoyée à 1 membre sur 3 ;")


def test_nobody_reached_is_said_plainly(territory):
    empty = Community.objects.create(name="Vide", epci=territory["sem"], objective="Un objectif")
    assert services.Notification().describe() == "envoyée à personne : la communauté n'a pas de membre"
    notification = services.Notification(unreachable=["A", "B"])
    assert notification.describe() == (
        "envoyée à personne : aucun des 2 membres n'a d'adresse de courriel (A et B)"
    )
    assert services.member_recipients(empty) == []


def test_the_meeting_form_tells_how_many_members_were_convened(client, users, community):
    client.force_login(users["m2a_animator"])
    response = client.post(
        reverse("communities:meeting_create", args=[community["community"].pk]),
        {
            "instance": community["cotech"].pk,
            "starts_at": community["future"].strftime("%Y-%m-%dT18:00"),
            "convene": "on",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "La réunion est programmée ; convocation envoyée à 1 membre sur 3" in html
    assert "sans adresse de courriel, non prévenues : CAF du Haut-Rhin et Carré des associations" in html
    assert "convocation envoyée." not in html


def test_the_decision_form_tells_who_was_informed(client, users, community):
    client.force_login(users["m2a_animator"])
    response = client.post(
        reverse("communities:decision_create", args=[community["community"].pk]),
        {"instance": community["cotech"].pk, "decided_on": "2025-01-15", "text": "Lancer les assises"},
        follow=True,
    )
    html = response.content.decode()
    assert "La décision est enregistrée ; information envoyée à 1 membre sur 3" in html
    assert "les membres en sont informés" not in html


def test_history_entered_afterwards_notifies_nobody(community):
    decision = services.record_decision(
        community["community"], instance=community["cotech"], text="Ancienne décision",
        decided_on=datetime.date(2023, 5, 2), notify=False,
    )  # fmt: skip
    assert decision.notification is None
    assert not [m for m in mail.outbox if "Ancienne décision" in m.body]


def test_the_meeting_and_community_pages_say_whom_the_convocation_reached(client, users, community):
    meeting = services.schedule_meeting(community["cotech"], starts_at=community["future"], convene=True)
    meeting.refresh_from_db()
    assert meeting.convocation_reached == ["Jeunes de Bourtzwiller"]
    client.force_login(users["m2a_animator"])
    page = " ".join(client.get(meeting.get_absolute_url()).content.decode().split())
    assert "envoyée à 1 membre sur 3 ; sans adresse de courriel, non prévenues : CAF du Haut-Rhin et" in page
    detail = client.get(reverse("communities:detail", args=[community["community"].pk])).content.decode()
    assert "(convocation envoyée à 1 membre sur 3)" in " ".join(detail.split())


def test_short_and_long_forms_of_a_notification():
    everyone = services.Notification(reached=["A", "B", "C"])
    assert everyone.short() == everyone.describe() == "envoyée aux 3 membres"
    assert services.Notification(reached=["A"]).short() == "envoyée au seul membre"
    alone = services.Notification(unreachable=["A"])
    assert alone.describe() == "envoyée à personne : le seul membre, A, n'a pas d'adresse de courriel"
    assert alone.short() == "envoyée à personne"
