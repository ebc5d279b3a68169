"""The applicant is told by e-mail at deposit, at a request for complements and at the decision, and finds every
message again on « Mon compte »."""

import datetime
from decimal import Decimal

from django.urls import reverse

from cooperer.accounts.enums import Funder, Role
from cooperer.accounts.models import Notification, RoleAssignment
from cooperer.calls import services
from cooperer.calls.enums import Outcome
from tests.calls.fixtures import make_structure
from tests.conftest import make_user


def _member(structure, name):
    user = make_user(name)
    RoleAssignment.objects.create(user=user, role=Role.STRUCTURE_MEMBER, epci=structure.commune.epci,
                                  structure=structure)  # fmt: skip
    return user


def test_deposit_complements_and_decision_are_mailed_to_the_applicants_members(
    client, application, call, users, mailoutbox, django_capture_on_commit_callbacks
):
    porteur = _member(application.applicant, "porteur@exemple.fr")
    _member(make_structure("Autre association (fictive)", 61), "autre@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(application, porteur)
    [deposit] = mailoutbox
    assert deposit.to == ["porteur@exemple.fr"]
    assert deposit.subject == "[Coopérer] Demande déposée : « Un local jeunes ouvert le soir »"
    assert "est déposée sur l'appel « Quartiers 2030 – coopérer pour la jeunesse »" in deposit.body
    assert deposit.content_subtype == "plain"

    client.force_login(users["state_instructor"])
    deadline = datetime.date.today() + datetime.timedelta(days=10)
    url = reverse("calls:complements", args=[call.pk, application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"message": "Le RIB manque.", "deadline": deadline.isoformat()})
    assert mailoutbox[1].to == ["porteur@exemple.fr"] and "Le RIB manque." in mailoutbox[1].body
    assert f"avant le {deadline:%d/%m/%Y}" in mailoutbox[1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(application, porteur)
        services.decide(
            application, outcome=Outcome.PARTIAL, motivation="Sert l'élément sur les lieux des jeunes.",
            elements=[call.youth], criteria=call.criteria.all()[:1],
            amounts={call.funders.get(funder=Funder.STATE): Decimal("20000")}, committee="Comité de programmation",
            decided_on=datetime.date(2026, 11, 20), user=users["state_instructor"],
        )  # fmt: skip
    decision = mailoutbox[-1]
    assert decision.subject == "[Coopérer] Décision du comité : « Un local jeunes ouvert le soir »"
    assert "accordée en partie" in decision.body
    assert "- Préfecture de la Loire (BOP 147) : 20 000,00 €" in decision.body
    assert "Sert l'élément sur les lieux des jeunes." in decision.body
    assert all(message.to == ["porteur@exemple.fr"] for message in mailoutbox)
    assert Notification.objects.filter(user=porteur).count() == 4

    client.force_login(porteur)
    page = client.get(reverse("accounts:messages")).content.decode()
    assert "Messages reçus (4)" in page
    assert "Décision du comité : « Un local jeunes ouvert le soir »" in page
    assert "Compléments demandés : « Un local jeunes ouvert le soir »" in page


def test_the_messages_page_is_personal(client, users):
    Notification.objects.create(
        user=users["member"], subject="Convocation réservée au membre", body="Bonjour"
    )
    client.force_login(users["se_animator"])
    page = client.get(reverse("accounts:messages")).content.decode()
    assert "Convocation réservée au membre" not in page and "Aucun message pour l'instant." in page
    client.logout()
    assert client.get(reverse("accounts:messages")).status_code == 302
