import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperer.actors.models import Person
from cooperer.audit.enums import Action
from cooperer.audit.models import AuditEntry
from cooperer.consultations.models import Consultation, Contribution

pytestmark = pytest.mark.django_db

CONTACT = {"first_name": "Nadia", "last_name": "Benali", "role": "Directrice", "email": "n.benali@exemple.fr",
           "phone": "04 77 00 00 00", "retain_until": "2029-01-01"}  # fmt: skip


@pytest.fixture
def nadia(directory):
    fields = {**CONTACT, "retain_until": datetime.date(2029, 1, 1)}
    return Person.objects.create(structure=directory["jeunes"], consent_at=timezone.now(), **fields)


def test_a_member_of_the_structure_corrects_its_contact_and_the_journal_keeps_only_the_fields(
    client, directory, nadia
):
    client.force_login(directory["member"])
    url = reverse("actors:person_edit", args=[nadia.pk])
    assert "Nadia" in client.get(url).content.decode()
    response = client.post(url, {**CONTACT, "email": "nadia.benali@exemple.fr"})
    assert response.status_code == 302
    nadia.refresh_from_db()
    assert nadia.email == "nadia.benali@exemple.fr"
    entry = AuditEntry.objects.get(action=Action.CONTACT_CORRECTED)
    assert entry.after == {"champs corrigés": ["email"]}
    assert "benali" not in json.dumps([entry.object_label, entry.before, entry.after]).lower()


def test_a_member_of_another_structure_neither_sees_nor_corrects_nor_deletes(client, directory, nadia, users):
    for user in (users["member"], users["m2a_animator"], directory["nobody"]):
        client.force_login(user)
        assert client.get(reverse("actors:person_edit", args=[nadia.pk])).status_code == 403
        assert client.post(reverse("actors:person_edit", args=[nadia.pk]), CONTACT).status_code == 403
        assert client.post(reverse("actors:person_delete", args=[nadia.pk])).status_code == 403
    assert Person.objects.filter(pk=nadia.pk).exists()


def test_the_animation_deletes_a_contact_and_the_deletion_is_journaled(client, directory, nadia, users):
    client.force_login(users["se_animator"])
    assert client.get(reverse("actors:person_delete", args=[nadia.pk])).status_code == 405
    client.post(reverse("actors:person_delete", args=[nadia.pk]))
    assert not Person.objects.filter(pk=nadia.pk).exists()
    entry = AuditEntry.objects.get(action=Action.CONTACT_DELETED)
    assert entry.after == {"contact": nadia.pk} and "Nadia" not in entry.object_label
    assert entry.epci_id == directory["jeunes"].commune.epci_id


def test_the_animation_of_the_territory_exports_what_is_held_about_a_contact(client, directory, nadia, users):
    client.force_login(users["se_animator"])
    client.post(reverse("actors:person_edit", args=[nadia.pk]), {**CONTACT, "role": "Coordinatrice"})
    response = client.get(reverse("actors:person_export", args=[nadia.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["contact"]["courriel professionnel"] == "n.benali@exemple.fr"
    assert data["contact"]["structure"] == "Amicale des Jeunes Sportifs"
    assert [entry["action"] for entry in data["journal"]] == ["Contact corrigé"]
    exported = AuditEntry.objects.get(action=Action.ACCESS_EXPORTED)
    assert (exported.object_type, exported.object_id) == ("actors.person", str(nadia.pk))


def test_members_instructors_and_other_territories_may_not_export_a_contact(client, directory, nadia, users):
    for user in (directory["member"], users["state_instructor"], users["m2a_animator"]):
        client.force_login(user)
        assert client.get(reverse("actors:person_export", args=[nadia.pk])).status_code == 403
    assert not AuditEntry.objects.filter(action=Action.ACCESS_EXPORTED).exists()


def test_an_administrator_exports_what_is_held_about_a_user_account(
    client, directory, nadia, users, territory
):
    animator = users["se_animator"]
    Person.objects.create(
        structure=directory["centre"], first_name="Anne", last_name="Mio", email=animator.email
    )
    consultation = Consultation.objects.create(title="QIC 2030", epci=territory["sem"], created_by=animator,
                                               starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2026, 12, 31))  # fmt: skip
    Contribution.objects.create(consultation=consultation, audience="habitants", kind="constat", source="saisie_assistee",
                                text="Le bus ne passe plus.", entered_by=animator)  # fmt: skip
    client.force_login(animator)
    client.post(reverse("actors:person_delete", args=[nadia.pk]))  # an act of hers, in the journal
    assert client.get(reverse("actors:user_export", args=[animator.pk])).status_code == 403
    client.force_login(users["admin"])
    data = json.loads(client.get(reverse("actors:user_export", args=[animator.pk])).content)
    assert data["compte"]["adresse électronique"] == "anim.se@exemple.fr"
    assert [role["territoire"] for role in data["rôles"]] == [str(territory["sem"])]
    assert [contact["nom"] for contact in data["contacts de l'annuaire"]] == ["Mio"]
    assert [row["concertation"] for row in data["contributions saisies"]] == ["QIC 2030"]
    assert "Le bus ne passe plus." not in json.dumps(data, ensure_ascii=False)
    assert "Contact supprimé" in [entry["action"] for entry in data["journal"]]
    assert AuditEntry.objects.filter(action=Action.ACCESS_EXPORTED, object_type="accounts.user").count() == 1


def test_the_account_page_of_the_admin_links_to_its_access_export(client, users):
    animator = users["se_animator"]
    users["admin"].is_staff = users["admin"].is_superuser = True
    users["admin"].save()
    client.force_login(users["admin"])
    page = client.get(reverse("admin:accounts_user_change", args=[animator.pk])).content.decode()
    assert reverse("actors:user_export", args=[animator.pk]) in page
