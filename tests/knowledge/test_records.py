import datetime

import pytest
from django.urls import reverse

from cooperer.audit.enums import Action
from cooperer.audit.models import AuditEntry
from cooperer.knowledge import services
from cooperer.knowledge.enums import FactorKind, Origin, RecordStatus
from cooperer.knowledge.models import Record
from cooperer.knowledge.services import RecordError
from tests.knowledge.records_fixtures import complete, factor

pytestmark = pytest.mark.django_db


def test_a_record_started_from_a_community_is_prefilled_with_what_the_platform_knows(community, users):
    record = services.start_from_community(community["community"], users["m2a_animator"])
    assert record.status == RecordStatus.DRAFT and record.origin == Origin.COMMUNITY
    assert record.epci == community["community"].epci
    assert record.summary == "L'engagement des jeunes"
    actors = {a.name: a.role for a in record.actors.all()}
    assert actors["Carré des associations"].startswith("Fonction de soutien")
    assert set(actors) == {"Carré des associations", "Jeunes de Bourtzwiller", "CAF du Haut-Rhin"}
    steps = [s.title for s in record.steps.all()]
    assert steps == ["Animation de rue", "Tiers-lieu jeunesse", "Essaimage"]
    assert "Définir l'animation de rue" in record.steps.get(title="Animation de rue").description
    assert record.starts_on == datetime.date(2022, 3, 1)
    assert " bourtzwiller " in record.search_text


def test_a_record_started_from_a_funded_action_cites_its_approved_bilans(funded, users):
    from cooperer.measurement import followup

    bilan = funded["bilan"] if isinstance(funded, dict) else funded.bilans.first()
    application = bilan.application
    bilan.participants, bilan.participants_qpv, bilan.narrative = 75, 60, "Le local a ouvert en mars."
    bilan.save()
    bilan.status = "submitted"
    bilan.save()
    followup.approve(bilan, users["state_instructor"])
    record = services.start_from_application(application, users["se_animator"])
    assert record.origin == Origin.APPLICATION and record.application == application
    assert list(record.bilans.all()) == [bilan]
    assert "75 participants dont 60 habitants des QPV" in record.results
    assert "Financements accordés" in record.context
    roles = [a.role for a in record.actors.all()]
    assert roles[0] == "Porteur" and any(r.startswith("Partenaire opérationnel") for r in roles)


def test_submitting_an_incomplete_record_says_everything_missing_in_french(community, users):
    record = services.start_from_community(community["community"], users["m2a_animator"])
    with pytest.raises(RecordError) as error:
        services.submit(record, users["m2a_animator"])
    assert "Écrivez les enseignements" in error.value.message
    assert "Citez au moins un levier ou un frein." in error.value.message
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT


def test_a_draft_is_never_published_without_review(community, users):
    record = complete(services.start_from_community(community["community"], users["m2a_animator"]))
    with pytest.raises(RecordError, match="n'est publiée qu'après relecture"):
        services.publish(record, users["m2a_animator"])
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT and record.published_at is None


def test_a_forged_publication_post_on_a_draft_is_refused_and_publishes_nothing(client, community, users):
    record = complete(services.start_from_community(community["community"], users["m2a_animator"]))
    client.force_login(users["m2a_animator"])
    response = client.post(reverse("knowledge:publish", args=[record.pk]), follow=True)
    assert "n&#x27;est publiée qu&#x27;après relecture" in response.content.decode()
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    assert not AuditEntry.objects.filter(action=Action.RECORD_PUBLISHED).exists()


def test_only_the_animation_of_the_records_territory_publishes(client, community, users):
    record = complete(services.start_from_community(community["community"], community["contributor"]))
    services.submit(record, community["contributor"])
    for who in ("se_animator", "member"):
        with pytest.raises(RecordError, match="Seule l'animation du territoire"):
            services.publish(record, users[who])
    client.force_login(community["contributor"])
    client.post(reverse("knowledge:publish", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED
    client.force_login(users["m2a_animator"])
    client.post(reverse("knowledge:publish", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RecordStatus.PUBLISHED and record.published_by == users["m2a_animator"]
    entry = AuditEntry.objects.get(action=Action.RECORD_PUBLISHED)
    assert entry.object_id == str(record.pk) and entry.epci_id == record.epci_id
    assert entry.actor_id == users["m2a_animator"].pk


def test_a_record_returned_needs_a_comment_and_goes_back_to_draft(community, users):
    record = complete(services.start_from_community(community["community"], users["m2a_animator"]))
    services.submit(record, users["m2a_animator"])
    with pytest.raises(RecordError, match="Dites aux rédacteurs"):
        services.return_for_changes(record, users["m2a_animator"], "  ")
    services.return_for_changes(record, users["m2a_animator"], "Précisez les résultats.")
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT and record.review_comment == "Précisez les résultats."
    assert AuditEntry.objects.filter(action=Action.RECORD_RETURNED, object_id=str(record.pk)).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 403), ("se_animator", 403), ("member", 403), ("contributor", 200), ("m2a_animator", 200)],
)
def test_a_draft_is_read_only_by_its_writers_and_reviewers(client, community, users, who, status):
    record = services.start_from_community(community["community"], users["m2a_animator"])
    if who == "contributor":
        client.force_login(community["contributor"])
    elif who != "anonymous":
        client.force_login(users[who])
    assert client.get(reverse("knowledge:record", args=[record.pk])).status_code == status


def test_a_published_record_is_public_and_no_longer_edited(client, mulhouse_record, users):
    response = client.get(reverse("knowledge:record", args=[mulhouse_record.pk]))
    assert response.status_code == 200
    assert "Deux ans d&#x27;interconnaissance" in response.content.decode()
    client.force_login(users["m2a_animator"])
    assert client.get(reverse("knowledge:edit", args=[mulhouse_record.pk])).status_code == 403


def test_a_writer_edits_the_record_with_levers_and_obstacles(client, community, users):
    record = services.start_from_community(community["community"], users["m2a_animator"])
    trust, funding = factor("Confiance"), factor("Concurrence pour les financements")
    client.force_login(community["contributor"])
    url = reverse("knowledge:edit", args=[record.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Une fiche <script>alert(1)</script>", "summary": "Résumé", "licence": "cc-by-sa-4.0",
            "actors_text": "Carré des associations : anime\nNouvelle association : prête une salle",
            "steps_text": "Se connaître : deux ans de réunions", "lessons": "Le temps.",
            f"levier_{trust.pk}": "1", f"commentaire_{trust.pk}": "Gagnée pas à pas", f"frein_{funding.pk}": "1",
        },
    )  # fmt: skip
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.licence == "cc-by-sa-4.0"
    assert {(rf.factor.name, rf.kind, rf.comment) for rf in record.factors.all()} == {
        ("Confiance", FactorKind.LEVER, "Gagnée pas à pas"),
        ("Concurrence pour les financements", FactorKind.OBSTACLE, ""),
    }
    carre = record.actors.get(name="Carré des associations")
    assert carre.structure == community["carre"] and carre.role == "anime"
    html = client.get(reverse("knowledge:record", args=[record.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    client.force_login(users["se_animator"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Volée", "summary": "x", "licence": "cc-by-sa-4.0"}).status_code == 403


def test_a_bad_edit_keeps_what_was_written_and_says_why(client, community, users):
    record = services.start_from_community(community["community"], users["m2a_animator"])
    trust = factor("Confiance")
    client.force_login(users["m2a_animator"])
    response = client.post(
        reverse("knowledge:edit", args=[record.pk]),
        {"title": "Titre gardé", "summary": "", "licence": "etalab-2.0", "lessons": "Leçon gardée",
         f"levier_{trust.pk}": "1", f"commentaire_{trust.pk}": "x" * 301},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "dépasse 300 caractères" in html and "Titre gardé" in html and "Leçon gardée" in html
    assert f'name="levier_{trust.pk}"' in html and "checked" in html
    record.refresh_from_db()
    assert record.title != "Titre gardé"


def test_starting_from_a_community_needs_to_be_part_of_it(client, community, users):
    url = reverse("knowledge:start_community", args=[community["community"].pk])
    client.force_login(users["se_animator"])
    assert client.post(url).status_code == 403
    client.force_login(community["contributor"])
    response = client.post(url)
    record = Record.objects.get()
    assert response.url == reverse("knowledge:edit", args=[record.pk])
    assert record.created_by == community["contributor"]


def test_the_start_page_lists_the_readers_communities(client, community, users):
    client.force_login(users["m2a_animator"])
    html = client.get(reverse("knowledge:start")).content.decode()
    assert "Communauté d&#x27;action jeunesse" in html and "Collectif Sud-Est" not in html
    response = client.post(
        reverse("knowledge:start"),
        {"epci": users["m2a_animator"].role_assignments.get().epci_id, "title": "Libre"},
    )
    assert Record.objects.get(title="Libre").status == RecordStatus.DRAFT and response.status_code == 302
    response = client.post(
        reverse("knowledge:start"), {"epci": community["other"].epci_id, "title": "Ailleurs"}
    )
    assert response.status_code == 200 and not Record.objects.filter(title="Ailleurs").exists()


def test_starting_from_a_funded_action_needs_to_carry_or_animate_it(client, funded, users, territory):
    from cooperer.accounts.enums import Role
    from cooperer.accounts.models import RoleAssignment

    application = (
        funded["bilan"].application if isinstance(funded, dict) else funded.bilans.first().application
    )
    url = reverse("knowledge:start_application", args=[application.pk])
    for who in ("m2a_animator", "state_instructor", "member"):
        client.force_login(users[who])
        assert client.post(url).status_code == 403
    RoleAssignment.objects.filter(user=users["member"], role=Role.STRUCTURE_MEMBER).update(
        structure=application.applicant
    )
    client.force_login(users["member"])
    response = client.post(url)
    record = Record.objects.get()
    assert (
        response.status_code == 302
        and record.application == application
        and record.origin == Origin.APPLICATION
    )
