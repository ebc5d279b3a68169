from decimal import Decimal

import pytest
from django.urls import reverse

from cooperer.accounts.enums import Funder, Role
from cooperer.accounts.models import RoleAssignment, User
from cooperer.measurement import followup
from cooperer.measurement.enums import BilanStatus
from cooperer.measurement.models import Measurement, Rollup
from tests.conftest import make_user
from tests.measurement.fixtures import fund


def member_of(structure, name="porteur@exemple.fr"):
    user = User.objects.create_user(username=name, email=name, password="x")
    RoleAssignment.objects.create(user=user, role=Role.STRUCTURE_MEMBER, epci=structure.commune.epci,
                                  structure=structure)  # fmt: skip
    return user


def form_data(bilan, **overrides):
    data = {
        "narrative": "Trois soirs par semaine, co-gérés avec les jeunes.", "participants": "60",
        "participants_qpv": "50", "sexe_femmes": "25", "sexe_hommes": "35",
    }  # fmt: skip
    for obligation in bilan.obligations.exclude(
        indicator__code__in=["personnes_touchees", "habitants_qpv_touches"]
    ):
        data[f"result_{obligation.pk}"] = "72"
    for expense in bilan.expenses.all():
        data[f"realised_{expense.pk}"] = str(expense.forecast).replace(".", ",")
        data[f"explanation_{expense.pk}"] = ""
    data.update(overrides)
    return data


def test_the_structure_keeps_its_draft_then_deposits_and_the_funder_returns_then_approves(
    client, funded, users, mailoutbox, django_capture_on_commit_callbacks
):
    bilan, application = funded["bilan"], funded["application"]
    member = member_of(application.applicant)
    client.force_login(member)
    url = reverse("measurement:bilan", args=[bilan.pk])
    assert "Déposer le bilan" in client.get(url).content.decode()
    staff = bilan.expenses.get(account="64")
    draft = form_data(bilan, participants="", **{f"realised_{staff.pk}": "22 000"})
    client.post(url, {**draft, "brouillon": ""})
    bilan.refresh_from_db()
    assert bilan.status == BilanStatus.DRAFT and bilan.narrative.startswith("Trois soirs")
    page = client.post(url, {**draft, "deposer": ""}).content.decode()
    assert "Indiquez le nombre de participants." in page and "Expliquez l&#x27;écart du compte 64" in page
    assert "Trois soirs par semaine" in page  # nothing typed is lost
    bilan.refresh_from_db()
    assert bilan.status == BilanStatus.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**draft, "participants": "60", f"explanation_{staff.pk}": "Poste vacant trois mois.",
                          "deposer": ""})  # fmt: skip
    bilan.refresh_from_db()
    assert bilan.status == BilanStatus.SUBMITTED
    assert mailoutbox[-1].to == [users["state_instructor"].email]
    client.force_login(users["state_instructor"])
    review = reverse("measurement:bilan_review", args=[bilan.pk])
    client.post(review, {"decision": "renvoyer", "comment": ""})
    bilan.refresh_from_db()
    assert bilan.status == BilanStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review, {"decision": "renvoyer", "comment": "Précisez les âges."})
    bilan.refresh_from_db()
    assert bilan.status == BilanStatus.RETURNED and mailoutbox[-1].to == [member.email]
    client.force_login(member)
    assert "Précisez les âges." in client.get(url).content.decode()
    client.post(url, {**form_data(bilan), f"explanation_{staff.pk}": "Poste vacant.", f"realised_{staff.pk}": "22000",
                      "deposer": ""})  # fmt: skip
    client.force_login(users["state_instructor"])
    client.post(review, {"decision": "approuver", "comment": ""})
    bilan.refresh_from_db()
    assert bilan.status == BilanStatus.APPROVED
    assert Measurement.objects.filter(application=application, validated=True).count() == 3
    total = Rollup.objects.get(
        scope=f"contract:{application.call.contract_id}", indicator__code="personnes_touchees"
    )
    assert total.total == Decimal("60")


def test_a_number_that_cannot_be_read_is_refused_on_its_field_and_nothing_is_lost(client, funded):
    bilan = funded["bilan"]
    client.force_login(member_of(funded["application"].applicant))
    page = client.post(reverse("measurement:bilan", args=[bilan.pk]),
                       {**form_data(bilan, participants="soixante"), "brouillon": ""}).content.decode()  # fmt: skip
    assert "Indiquez un nombre entier de personnes." in page and "soixante" in page
    bilan.refresh_from_db()
    assert bilan.status == BilanStatus.EXPECTED


@pytest.mark.parametrize("who", ["caf", "other_member", "other_animator", "anonymous"])
def test_others_neither_read_nor_review_the_bilan(client, funded, users, territory, who):
    bilan = funded["bilan"]
    from tests.calls.fixtures import make_structure

    people = {
        "caf": lambda: make_user("caf@exemple.fr", Role.INSTRUCTION, territory["sem"], Funder.CAF),
        "other_member": lambda: member_of(
            make_structure("Autre association (fictive)", 77), "autre@exemple.fr"
        ),
        "other_animator": lambda: users["m2a_animator"],
        "anonymous": lambda: None,
    }
    user = people[who]()
    if user:
        client.force_login(user)
    response = client.get(reverse("measurement:bilan", args=[bilan.pk]))
    assert response.status_code == (302 if user is None else 403)
    response = client.post(reverse("measurement:bilan_review", args=[bilan.pk]), {"decision": "approuver"})
    assert response.status_code == (302 if user is None else 403)


def test_the_animation_reads_but_does_not_write_or_approve(client, funded, users):
    bilan = funded["bilan"]
    client.force_login(users["se_animator"])
    url = reverse("measurement:bilan", args=[bilan.pk])
    page = client.get(url).content.decode()
    assert "Déposer le bilan" not in page and "Approuver le bilan" not in page
    assert client.post(url, {**form_data(bilan), "deposer": ""}).status_code == 403
    assert (
        client.post(
            reverse("measurement:bilan_review", args=[bilan.pk]), {"decision": "approuver"}
        ).status_code
        == 403
    )


def test_the_list_of_bilans_keeps_constant_queries(
    client, funded, users, django_assert_max_num_queries, call
):
    from cooperer.calls.models import Application
    from tests.calls.fixtures import make_structure

    client.force_login(users["state_instructor"])
    url = reverse("measurement:bilans") + "?liste=a_examiner&etat="  # every state, not only those deposited
    with django_assert_max_num_queries(12):
        assert "Un local jeunes ouvert le soir" in client.get(url).content.decode()
    source = funded["application"]
    for number in range(5):
        copy = Application.objects.create(
            call=call, applicant=make_structure(f"Association {number} (fictive)", 100 + number),
            title=f"Action {number}", purpose=f"Objet {number}", starts_on=source.starts_on,
            ends_on=source.ends_on, republican_commitment=True,
        )  # fmt: skip
        for line in source.budget.all():
            line.pk, line.application = None, copy
            line.save()
        for partner in source.partners.all():
            copy.partners.create(structure=partner.structure, role=partner.role)
        copy.indicators.create(name="Jeunes accueillis", target="80")
        copy.served.create(element=call.youth, justification="x")
        fund(copy, users)
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "Action 4" in page
    client.force_login(users["member"])
    assert client.get(url).status_code == 403  # a member of no structure has no bilan


def test_each_role_starts_from_its_own_bilans_on_the_measurement_page(client, funded, users, territory):
    member = member_of(funded["application"].applicant)
    client.force_login(member)
    page = client.get(reverse("measurement:home")).content.decode()
    assert "1 bilan à déposer" in page and "COPIL" not in page
    client.force_login(users["state_instructor"])
    page = client.get(reverse("measurement:home")).content.decode()
    assert "0 bilan déposé attend votre examen" in page and territory["se_contract"].name in page
    client.force_login(users["m2a_animator"])
    page = client.get(reverse("measurement:home")).content.decode()
    assert territory["se_contract"].name not in page and territory["m2a_contract"].name in page
    client.logout()
    assert client.get(reverse("measurement:home")).status_code == 302


def test_an_instructor_starts_from_the_bilans_deposited(client, funded, users):
    from tests.measurement.test_followup import fill

    client.force_login(users["state_instructor"])
    assert "Un local jeunes ouvert le soir" not in client.get(reverse("measurement:bilans")).content.decode()
    assert (
        "Un local jeunes ouvert le soir"
        in client.get(reverse("measurement:bilans"), {"etat": ""}).content.decode()
    )
    followup.submit(funded["bilan"], users["member"], results=fill(funded["bilan"]))
    assert "Un local jeunes ouvert le soir" in client.get(reverse("measurement:bilans")).content.decode()
