"""Each act partners must be able to trust leaves one entry: who, what, on which territory, from where."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperer.accounts.enums import Funder, Role
from cooperer.accounts.models import RoleAssignment
from cooperer.audit.enums import Action
from cooperer.audit.models import AuditEntry
from cooperer.calls import services as calls
from cooperer.calls.enums import Outcome
from cooperer.communities import services as communities
from cooperer.communities.models import Axis
from cooperer.consultations.enums import ContributionKind, ContributionSource
from cooperer.consultations.models import Contribution
from cooperer.consultations.services import erase_on_request, moderate
from cooperer.visions import services as visions

pytestmark = pytest.mark.django_db
PASSWORD = "mot-de-passe-solide-42"


def _only(action) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def test_a_grant_decision_is_recorded_with_its_amounts(application, call, users, territory):
    calls.submit(application, users["member"])
    state = call.funders.get(funder=Funder.STATE)
    decision = calls.decide(
        application, outcome=Outcome.PARTIAL, motivation="Sert la vision.", elements=[call.youth],
        criteria=call.criteria.all()[:1], amounts={state: Decimal("20000.50")}, committee="Comité du 20 novembre",
        decided_on=datetime.date(2026, 11, 20), user=users["se_animator"],
    )  # fmt: skip
    entry = _only(Action.GRANT_DECISION)
    assert (entry.object_type, entry.object_id) == ("calls.decision", str(decision.pk))
    assert entry.actor_label == "anim.se@exemple.fr" and entry.epci_id == territory["sem"].pk
    assert entry.after["montants"] == {"Préfecture de la Loire (BOP 147)": "20000.50"}
    assert entry.after["décision"] == Outcome.PARTIAL


def test_a_refused_decision_leaves_no_entry(application, call, users):
    calls.submit(application, users["member"])
    with pytest.raises(calls.CallError):
        calls.decide(
            application, outcome=Outcome.REFUSED, motivation="Hors sujet", elements=[], criteria=[], amounts={},
            committee="", decided_on=datetime.date(2026, 11, 20), user=users["se_animator"],
        )  # fmt: skip
    assert not AuditEntry.objects.filter(action=Action.GRANT_DECISION).exists()


def test_a_roadmap_adoption_is_recorded_on_the_community_territory(community, territory):
    c = community["community"]
    entry = _only(Action.ROADMAP_ADOPTED)  # the fixture adopts version 1
    assert entry.epci_id == territory["m2a"].pk and entry.after["version"] == 1
    v2 = communities.new_roadmap_version(c)
    Axis.objects.get_or_create(roadmap=v2, title="Essaimage", defaults={"order": 0})
    communities.adopt_roadmap(v2, instance=community["pleniere"], on=datetime.date(2025, 1, 15), notify=False)
    assert AuditEntry.objects.filter(action=Action.ROADMAP_ADOPTED).count() == 2


def test_the_adopting_person_and_address_come_from_the_request_being_served(rf, community):
    from cooperer.audit.context import _request

    request = rf.post("/", REMOTE_ADDR="203.0.113.7")
    request.user = community["contributor"]
    token = _request.set(request)
    try:
        v2 = communities.new_roadmap_version(community["community"])
        Axis.objects.get_or_create(roadmap=v2, title="Essaimage", defaults={"order": 0})
        communities.adopt_roadmap(
            v2, instance=community["pleniere"], on=datetime.date(2025, 1, 15), notify=False
        )
    finally:
        _request.reset(token)
    entry = AuditEntry.objects.filter(action=Action.ROADMAP_ADOPTED).first()
    assert (entry.actor_label, entry.address) == ("contrib@exemple.fr", "203.0.113.7")


def test_a_vision_adoption_is_recorded(sud_est_vision, users, territory):
    version = visions.current_version(sud_est_vision)
    visions.save_statement(version, "Un quartier où les jeunes ont leur place.")
    visions.add_element(version, "Les jeunes ont des lieux à eux.")
    visions.adopt(version, body="Comité de pilotage", reference="CP-2026-04", adopted_on=datetime.date(2026, 11, 20),
                  user=users["se_animator"])  # fmt: skip
    entry = _only(Action.VISION_ADOPTED)
    assert entry.object_id == str(version.pk) and entry.epci_id == territory["sem"].pk
    assert entry.after == {
        "instance": "Comité de pilotage",
        "référence": "CP-2026-04",
        "adoptée le": "2026-11-20",
    }


def test_moderation_and_erasure_are_recorded_without_the_words(consultation, users, territory):
    contribution = Contribution.objects.create(
        consultation=consultation, audience="habitants", kind=ContributionKind.NEED,
        text="Mon voisin Jean Dupont, 3 rue des Lilas, fait du bruit.", source=ContributionSource.FORM,
    )  # fmt: skip
    moderate(contribution, True, "Propos visant une personne", users["se_animator"])
    moderate(contribution, False, "Reformulée avec l'auteur", users["se_animator"])
    erase_on_request(contribution, "Courriel du 2 décembre", users["se_animator"])
    hidden, restored, erased = (_only(a) for a in (Action.CONTRIBUTION_HIDDEN, Action.CONTRIBUTION_RESTORED,
                                                    Action.CONTRIBUTION_ERASED))  # fmt: skip
    assert hidden.after == {"masquée": True, "motif": "Propos visant une personne"}
    assert restored.before == {"masquée": True} and erased.after == {"demande": "Courriel du 2 décembre"}
    assert {e.epci_id for e in (hidden, restored, erased)} == {territory["sem"].pk}
    assert not AuditEntry.objects.filter(after__icontains="Dupont").exists()


def test_role_grants_changes_and_removals_are_recorded(users, territory):
    role = RoleAssignment.objects.create(user=users["member"], role=Role.ANIMATION, epci=territory["m2a"])
    role.organisation = "m2A"
    role.save()
    pk = role.pk
    role.delete()
    mine = AuditEntry.objects.filter(object_type="accounts.roleassignment", object_id=str(pk))
    granted, changed, removed = (
        mine.get(action=a) for a in (Action.ROLE_GRANTED, Action.ROLE_CHANGED, Action.ROLE_REMOVED)
    )
    assert granted.after["rôle"] == "Animatrice / coordinateur de coopération"
    assert changed.before["organisation"] == "" and changed.after["organisation"] == "m2A"
    assert removed.before["personne"] == "membre@exemple.fr"
    assert {granted.epci_id, changed.epci_id, removed.epci_id} == {territory["m2a"].pk}


def test_logins_and_failed_logins_are_recorded_with_the_address(client, users):
    login = reverse("accounts:login")
    client.post(login, {"username": "anim.se@exemple.fr", "password": "faux"}, REMOTE_ADDR="198.51.100.4")
    client.post(login, {"username": "anim.se@exemple.fr", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4")
    failed, login_entry = _only(Action.LOGIN_FAILED), _only(Action.LOGIN)
    assert (failed.object_label, failed.address, failed.actor_id) == (
        "anim.se@exemple.fr",
        "198.51.100.4",
        None,
    )
    assert (login_entry.actor_label, login_entry.address) == ("anim.se@exemple.fr", "198.51.100.4")
    assert "faux" not in str(failed.after) + failed.object_label


def test_contribution_exports_are_recorded(client, users, consultation, territory):
    client.force_login(users["state_instructor"])
    for name in ("consultations:export_csv", "consultations:export_xlsx"):
        assert client.get(reverse(name, args=[consultation.pk])).status_code == 200
    entries = AuditEntry.objects.filter(action=Action.DATA_EXPORTED).order_by("pk")
    assert [e.after["format"] for e in entries] == ["csv", "xlsx"]
    assert {(e.actor_label, e.epci_id, e.object_id) for e in entries} == {
        ("etat@exemple.fr", territory["sem"].pk, str(consultation.pk))
    }


def test_the_directory_export_is_recorded(client, users):
    client.force_login(users["member"])
    client.get(reverse("actors:export"), {"q": "jeunesse"})
    entry = _only(Action.DATA_EXPORTED)
    assert entry.actor_label == "membre@exemple.fr" and entry.after["filtres"] == {"q": "jeunesse"}


@pytest.mark.django_db(transaction=True)
def test_a_structures_import_is_recorded_when_committed(client, users, territory):
    from cooperer.jobs.models import Job
    from tests.conftest import run_jobs

    client.force_login(users["se_animator"])
    upload = SimpleUploadedFile("annuaire.csv", b"nom;code_insee_commune\nA;42218\nB;42218\n")
    client.post(reverse("actors:import"), {"file": upload}, REMOTE_ADDR="192.0.2.10")
    run_jobs()
    assert not AuditEntry.objects.filter(action=Action.DATA_IMPORTED).exists()  # a preview writes nothing
    client.post(reverse("actors:import_commit", args=[Job.objects.get().pk]), REMOTE_ADDR="192.0.2.10")
    run_jobs()
    entry = _only(Action.DATA_IMPORTED)
    assert (entry.actor_label, entry.address) == ("anim.se@exemple.fr", "192.0.2.10")
    assert "annuaire.csv" in entry.object_label and entry.after == {"créées": 2, "mises à jour": 0}


@pytest.mark.django_db(transaction=True)
def test_a_contributions_import_is_recorded_on_the_consultation_territory(
    client, users, consultation, sessions
):
    from cooperer.jobs.models import Job
    from tests.conftest import run_jobs

    client.force_login(users["se_animator"])
    rows = "texte;nature;public;qpv;reference\nUn local pour les jeunes;proposition;jeunes;QN04215M;A1\n"
    client.post(reverse("consultations:import", args=[consultation.pk]), {
        "session": sessions["habitants"].pk, "default_kind": "aspiration",
        "file": SimpleUploadedFile("atelier.csv", rows.encode(), content_type="text/csv"),
    }, REMOTE_ADDR="192.0.2.20")  # fmt: skip
    run_jobs()
    preview = Job.objects.get(kind="contributions_preview")
    client.post(reverse("consultations:import_commit", args=[preview.pk]), REMOTE_ADDR="192.0.2.20")
    run_jobs()
    entry = _only(Action.DATA_IMPORTED)
    assert (entry.actor_label, entry.address, entry.epci_id) == (
        "anim.se@exemple.fr",
        "192.0.2.20",
        consultation.epci_id,
    )
    assert entry.object_label == "Contributions : atelier.csv"


def test_the_nightly_purge_of_expired_contacts_is_recorded(territory):
    from django.core.management import call_command

    from cooperer.actors.models import Person
    from tests.calls.fixtures import make_structure

    structure = make_structure("Centre social (fictif)", 40)
    Person.objects.create(
        structure=structure, first_name="A", last_name="B", retain_until=datetime.date(2020, 1, 1)
    )
    call_command("purge_contacts", stdout=io.StringIO())
    assert _only(Action.CONTACTS_PURGED).after == {"contacts supprimés": 1}
    call_command("purge_contacts", stdout=io.StringIO())  # nothing left to delete: nothing to record
    assert AuditEntry.objects.filter(action=Action.CONTACTS_PURGED).count() == 1


def test_a_structures_import_from_the_command_line_is_recorded(territory, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "annuaire.csv"
    path.write_bytes(b"nom;code_insee_commune\nA;42218\n")
    call_command("import_structures", str(path), "--commit", stdout=io.StringIO())
    entry = _only(Action.DATA_IMPORTED)
    assert "(ligne de commande)" in entry.object_label and entry.after == {"créées": 1, "mises à jour": 0}
