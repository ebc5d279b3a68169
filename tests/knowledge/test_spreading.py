import datetime

import pytest
from django.urls import reverse

from cooperer.audit.models import AuditEntry
from cooperer.consultations.models import Consultation, Contribution, Session
from cooperer.knowledge.models import Lineage
from cooperer.knowledge.spreading import SpreadError, checklist, spread, target_of

pytestmark = pytest.mark.django_db


def test_it_copies_a_consultation_design_to_another_territory_without_its_contributions(
    consultation, sessions, both_animator, territory, coteaux
):
    Contribution.objects.create(
        consultation=consultation, session=sessions["habitants"], qpv=territory["sud_est"], audience="habitants",
        kind="aspiration", text="Un parc pour les enfants.", source="saisie_assistee",
    )  # fmt: skip
    lineage = spread(user=both_animator, target_epci=territory["m2a"], source=consultation, qpvs=[coteaux])
    copy = target_of(lineage)
    assert isinstance(copy, Consultation) and copy.pk != consultation.pk
    assert copy.epci == territory["m2a"] and copy.status == "brouillon"
    assert copy.question == "Comment voulons-nous que notre quartier soit en 2030 ?"
    assert list(copy.qpvs.all()) == [coteaux]
    assert sorted(copy.sessions.values_list("audience", flat=True)) == ["habitants", "professionnels"]
    assert not copy.contributions.exists()
    assert copy.themes.count() == consultation.themes.count()
    assert (lineage.source_place, lineage.target_place) == ("Saint-Étienne", "Mulhouse")
    assert lineage.note.startswith("inspiré de Saint-Étienne, ")
    entry = AuditEntry.objects.get(action="method_spread")
    assert entry.epci_id == territory["m2a"].pk and entry.object_id == str(copy.pk)


def test_it_refuses_a_territory_the_person_does_not_animate_and_writes_nothing(
    consultation, users, territory
):
    before = Consultation.objects.count()
    with pytest.raises(
        SpreadError, match="Vous n'animez pas le territoire « CA Mulhouse Alsace Agglomération »"
    ):
        spread(user=users["se_animator"], target_epci=territory["m2a"], source=consultation)
    assert Consultation.objects.count() == before and not Lineage.objects.exists()


def test_it_refuses_a_qpv_outside_the_target_territory(consultation, both_animator, territory):
    with pytest.raises(SpreadError, match="Quartiers Sud-Est"):
        spread(
            user=both_animator, target_epci=territory["m2a"], source=consultation, qpvs=[territory["sud_est"]]
        )
    assert not Lineage.objects.exists()


def test_the_checklist_lists_what_to_adapt_and_empties_as_it_is_adapted(
    consultation, sessions, both_animator, territory, coteaux
):
    lineage = spread(user=both_animator, target_epci=territory["m2a"], source=consultation, qpvs=[coteaux])
    texts = [check.text for check in checklist(lineage)]
    assert any(text.startswith("Fixer les dates de la concertation") for text in texts)
    assert any(text.startswith("Dater 2 séances") for text in texts)
    copy = target_of(lineage)
    copy.starts_on, copy.ends_on = datetime.date(2027, 3, 1), datetime.date(2027, 6, 30)
    copy.title = "Concertation des Coteaux 2030"
    copy.save()
    for day, session in enumerate(copy.sessions.all(), start=2):
        session.date = datetime.date(2027, 3, day)
        session.place = "Maison de quartier"
        session.save()
    assert checklist(lineage) == []


def test_the_page_of_the_copy_warns_before_use_and_the_original_does_not(
    client, consultation, both_animator, territory, coteaux
):
    lineage = spread(user=both_animator, target_epci=territory["m2a"], source=consultation, qpvs=[coteaux])
    client.force_login(both_animator)
    page = client.get(reverse("consultations:edit", args=[lineage.target_id])).content.decode()
    assert "Attention :" in page and "À adapter avant usage" in page and lineage.note in page
    original = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "Attention :" not in original and "Enregistrer comme modèle du kit" in original


def test_an_animatrice_essaime_through_the_form_and_sees_the_checklist(
    client, consultation, both_animator, territory, coteaux
):
    client.force_login(both_animator)
    url = reverse("knowledge:spread_from", args=["concertation", consultation.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"target_epci": territory["m2a"].pk, "qpvs": [coteaux.pk], "place": "Mulhouse", "note": ""},
        follow=True,
    )
    lineage = Lineage.objects.get()
    assert response.redirect_chain[-1][0] == lineage.get_absolute_url()
    page = response.content.decode()
    assert "À adapter avant usage" in page and "Fixer les dates de la concertation" in page


def test_the_form_says_in_french_why_a_territory_is_refused_and_keeps_the_input(
    client, consultation, users, territory
):
    client.force_login(users["se_animator"])
    url = reverse("knowledge:spread_from", args=["concertation", consultation.pk])
    response = client.post(url, {"target_epci": territory["m2a"].pk, "note": "ma note"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sélectionnez un choix valide" in page and "ma note" in page
    assert not Lineage.objects.exists()


def test_people_without_access_to_the_source_cannot_spread_it(client, consultation, users):
    client.force_login(users["m2a_animator"])
    url = reverse("knowledge:spread_from", args=["concertation", consultation.pk])
    assert client.get(url).status_code == 403
    client.force_login(users["member"])
    assert client.get(url).status_code == 403


def test_it_copies_a_calls_grid_and_cooperation_rules_without_applications(
    call, application, both_animator, territory
):
    lineage = spread(user=both_animator, target_epci=territory["m2a"], source=call, place="Mulhouse")
    copy = target_of(lineage)
    assert copy.contract == territory["m2a_contract"] and copy.status == "draft"
    assert list(copy.criteria.values_list("label", "weight")) == list(
        call.criteria.values_list("label", "weight")
    )
    assert (copy.min_partners, copy.min_partner_sectors) == (call.min_partners, call.min_partner_sectors)
    assert not copy.applications.exists() and not copy.elements.exists()
    assert set(copy.funders.values_list("envelope", flat=True)) == {0}
    assert set(copy.funders.values_list("name", flat=True)) == {"{{ financeur }}"}
    texts = [check.text for check in checklist(lineage)]
    assert "Fixer l'enveloppe du financeur « CAF »." in texts
    assert "Nommer le financeur « CAF » de votre territoire." in texts
    assert "Choisir les éléments de la vision que l'appel finance." in texts


def test_a_call_needs_a_contract_on_the_target_territory(call, both_animator, territory):
    territory["m2a_contract"].delete()
    with pytest.raises(SpreadError, match="n'a pas encore de contrat de ville"):
        spread(user=both_animator, target_epci=territory["m2a"], source=call)
    assert not Lineage.objects.exists()


def test_it_copies_a_communitys_structure_without_its_members(community, users, territory):
    from cooperer.communities.models import WorkingGroup

    source = community["community"]
    WorkingGroup.objects.create(axis=community["v1"].axes.get(title="Essaimage"), name="Outils")
    lineage = spread(user=users["admin"], target_epci=territory["sem"], source=source, place="Saint-Étienne")
    copy = target_of(lineage)
    assert copy.objective == source.objective and not copy.memberships.exists()
    assert sorted(copy.instances.values_list("name", flat=True)) == ["Comité technique jeunesse", "Plénière"]
    roadmap = copy.roadmaps.get()
    assert roadmap.status == "brouillon"
    assert list(roadmap.axes.values_list("title", flat=True)) == [
        "Animation de rue",
        "Tiers-lieu jeunesse",
        "Essaimage",
    ]
    assert not roadmap.axes.filter(actions__isnull=False).exists()
    assert list(WorkingGroup.objects.filter(axis__roadmap=roadmap).values_list("name", flat=True)) == [
        "Outils"
    ]
    assert any(check.text.startswith("Inviter les premiers membres") for check in checklist(lineage))


def test_it_copies_a_visions_template_to_a_qpv(sud_est_vision, both_animator, territory, coteaux):
    from cooperer.visions import services as visions

    visions.add_element(visions.current_version(sud_est_vision), "Des jeunes qui ont des lieux à eux.")
    lineage = spread(user=both_animator, target_epci=territory["m2a"], source=sud_est_vision, qpvs=[coteaux])
    copy = target_of(lineage)
    assert copy.qpv == coteaux and copy.scope_kind == "qpv"
    assert list(visions.current_version(copy).elements.values_list("text", flat=True)) == [
        "Des jeunes qui ont des lieux à eux."
    ]
    assert not copy.versions.filter(elements__groundings__isnull=False).exists()


def test_sessions_of_the_copy_are_closed_to_the_public_form_until_adapted(
    consultation, sessions, both_animator, territory
):
    lineage = spread(user=both_animator, target_epci=territory["m2a"], source=consultation)
    assert not Session.objects.filter(consultation_id=lineage.target_id, accepts_online=True).exists()


def test_the_form_where_a_copied_call_is_published_warns_of_what_is_left(
    client, call, both_animator, users, territory
):
    lineage = spread(user=both_animator, target_epci=territory["m2a"], source=call, place="Mulhouse")
    client.force_login(both_animator)
    page = client.get(reverse("calls:edit", args=[lineage.target_id])).content.decode()
    assert "Attention :" in page and "Voir ce qu&#x27;il reste à adapter" in page
    client.force_login(users["m2a_animator"])
    detail = client.get(reverse("calls:detail", args=[lineage.target_id])).content.decode()
    assert "Attention :" in detail and "Essaimer" in detail


def test_the_original_says_where_it_was_taken_up(client, consultation, both_animator, territory, coteaux):
    spread(user=both_animator, target_epci=territory["m2a"], source=consultation, qpvs=[coteaux])
    spread(user=both_animator, target_epci=territory["sem"], source=consultation, place="Firminy")
    client.force_login(both_animator)
    page = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "Cet outil a été repris 2 fois : Mulhouse et Firminy." in page
