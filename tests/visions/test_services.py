import datetime

import pytest

from cooperer.consultations.enums import Audience, ContributionKind, ContributionSource
from cooperer.consultations.models import Consultation, Contribution, ContributionTag
from cooperer.visions import services
from cooperer.visions.diff import compare_versions
from cooperer.visions.enums import AssumptionStatus, Horizon, Level, VersionStatus
from cooperer.visions.models import Grounding, Outcome
from cooperer.visions.reading import contributions_feeding, version_content
from cooperer.visions.services import VisionError

DAY = datetime.date(2026, 11, 20)


def _adoptable(vision):
    version = services.current_version(vision)
    services.save_statement(version, "Un quartier où les jeunes ont leur place.")
    services.add_element(version, "Les jeunes ont des lieux à eux et des adultes en qui ils ont confiance.")
    return version


def test_a_new_vision_starts_with_a_draft(sud_est_vision):
    version = services.current_version(sud_est_vision)
    assert (version.number, version.status) == (1, VersionStatus.DRAFT)


def test_adoption_refuses_an_empty_element(sud_est_vision, users):
    version = _adoptable(sud_est_vision)
    services.add_element(version, "   ")
    with pytest.raises(VisionError, match="L'élément n° 2 est vide"):
        services.adopt(
            version, body="Comité de pilotage", reference="", adopted_on=DAY, user=users["se_animator"]
        )
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_adoption_refuses_a_vision_without_statement_or_elements(sud_est_vision, users):
    version = services.current_version(sud_est_vision)
    with pytest.raises(VisionError, match="pas d'énoncé"):
        services.adopt(version, body="Comité", reference="", adopted_on=DAY, user=users["se_animator"])
    services.save_statement(version, "Un énoncé.")
    with pytest.raises(VisionError, match="aucun élément"):
        services.adopt(version, body="Comité", reference="", adopted_on=DAY, user=users["se_animator"])


def test_an_adopted_version_is_frozen(sud_est_vision, users):
    version = _adoptable(sud_est_vision)
    services.adopt(
        version, body="Comité de pilotage", reference="CP-2026-04", adopted_on=DAY, user=users["se_animator"]
    )
    element = version.elements.get()
    for attempt in (
        lambda: services.save_statement(version, "Autre chose"),
        lambda: services.add_element(version, "Encore"),
        lambda: services.update_element(element, "Changé"),
        lambda: services.delete_element(element),
        lambda: services.add_outcome(version, text="x", horizon=Horizon.LONG, level=Level.POPULATION),
    ):
        with pytest.raises(VisionError, match="adoptée"):
            attempt()
    element.refresh_from_db()
    assert element.text.startswith("Les jeunes ont des lieux")


def test_adoption_refuses_a_date_in_the_future(sud_est_vision, users):
    version = _adoptable(sud_est_vision)
    with pytest.raises(VisionError, match="futur"):
        services.adopt(
            version,
            body="Comité",
            reference="",
            adopted_on=datetime.date(2999, 1, 1),
            user=users["se_animator"],
        )


def test_a_revision_copies_everything_and_adoption_replaces_the_previous_version(
    sud_est_vision, users, sud_est_said
):
    user = users["se_animator"]
    version = _adoptable(sud_est_vision)
    element = version.elements.get()
    services.ground(element, sud_est_said[:2], user)
    short = services.add_outcome(
        version, text="Un local ouvert", horizon=Horizon.SHORT, level=Level.PRACTICES
    )
    long = services.add_outcome(
        version, text="Les jeunes s'engagent", horizon=Horizon.LONG, level=Level.POPULATION
    )
    services.link_outcomes(short, long)
    assumption = services.add_assumption(version, "Un lieu suffit à faire venir les jeunes", short)
    services.change_assumption_status(
        assumption, AssumptionStatus.CONFIRMED, "Fréquentation de 40 jeunes.", user
    )
    services.adopt(version, body="Comité", reference="", adopted_on=DAY, user=user)

    with pytest.raises(VisionError):
        services.ground(element, sud_est_said[2:3], user)
    draft = services.revise(sud_est_vision, user)
    assert draft.number == 2 and draft.statement == version.statement
    copied = draft.elements.get()
    assert copied.key == element.key and copied.groundings.count() == 2
    assert [o.text for o in draft.outcomes.get(key=short.key).leads_to.all()] == ["Les jeunes s'engagent"]
    copied_assumption = draft.assumptions.get()
    assert copied_assumption.status == AssumptionStatus.CONFIRMED
    assert copied_assumption.changes.get().evidence == "Fréquentation de 40 jeunes."
    with pytest.raises(VisionError, match="brouillon est déjà en cours"):
        services.revise(sud_est_vision, user)

    services.update_element(copied, "Les jeunes ont des lieux à eux, ouverts le soir.")
    services.adopt(draft, body="Comité", reference="", adopted_on=DAY, user=user)
    version.refresh_from_db()
    assert version.status == VersionStatus.SUPERSEDED
    diff = compare_versions(version, draft)
    assert [change.state for change in diff["elements"]] == ["modifié"]
    assert ("ins", "à eux, ouverts le soir.") in diff["elements"][0].words or any(
        op == "ins" and "soir" in text for op, text in diff["elements"][0].words
    )
    assert not diff["statement_changed"]


def test_a_link_that_closes_a_loop_is_refused(sud_est_vision):
    version = services.current_version(sud_est_vision)
    a, b, c = (
        services.add_outcome(version, text=text, horizon=Horizon.SHORT, level=Level.POPULATION)
        for text in ("A", "B", "C")
    )
    services.link_outcomes(a, b)
    services.link_outcomes(b, c)
    with pytest.raises(VisionError, match="boucle"):
        services.link_outcomes(c, a)
    with pytest.raises(VisionError, match="lui-même"):
        services.link_outcomes(a, a)
    assert not c.leads_to.exists()


def test_a_contribution_of_another_territory_cannot_ground_the_vision(
    sud_est_vision, territory, users, sud_est_said
):
    element = services.add_element(services.current_version(sud_est_vision), "Des lieux pour les jeunes")
    elsewhere = Consultation.objects.create(
        title="Mulhouse", epci=territory["m2a"], starts_on=DAY, ends_on=DAY
    )
    foreign = Contribution.objects.create(
        consultation=elsewhere, audience=Audience.RESIDENTS, kind=ContributionKind.NEED, text="Ailleurs",
        source=ContributionSource.ASSISTED,
    )  # fmt: skip
    with pytest.raises(VisionError, match="autre territoire"):
        services.ground(element, [sud_est_said[0], foreign], users["se_animator"])
    other_qpv = Contribution.objects.create(
        consultation=sud_est_said[0].consultation, qpv=territory["se_contract"].qpvs.exclude(pk=territory["sud_est"].pk).first(),
        audience=Audience.RESIDENTS, kind=ContributionKind.NEED, text="Un autre quartier",
        source=ContributionSource.ASSISTED,
    )  # fmt: skip
    with pytest.raises(VisionError, match="hors du périmètre"):
        services.ground(element, [other_qpv], users["se_animator"])
    assert not Grounding.objects.exists()


def test_support_counts_residents_professionals_and_young_people(sud_est_vision, users, sud_est_said):
    version = services.current_version(sud_est_vision)
    element = services.add_element(version, "Des lieux pour les jeunes")
    orphan = services.add_element(version, "Un quartier propre")
    assert services.ground(element, sud_est_said, users["se_animator"]) == 5
    assert services.ground(element, sud_est_said, users["se_animator"]) == 0
    content = version_content(version)
    backing = {e.pk: e.backing for e in content.elements}
    assert backing[element.pk].main == [("habitants", 3), ("professionnels", 1), ("jeunes", 1)]
    assert backing[element.pk].phrases == ["3 habitants", "1 professionnel", "1 jeune"]
    assert backing[orphan.pk].total == 0
    assert any("Un quartier propre" in sentence for sentence in content.orphans)
    feeding = contributions_feeding([sud_est_said[0].pk])
    assert feeding[sud_est_said[0].pk][0]["text"] == "Des lieux pour les jeunes"


def test_a_topic_links_all_its_contributions_in_the_scope(sud_est_vision, consultation, users, sud_est_said):
    theme = consultation.themes.get(name="Jeunesse")
    for contribution in sud_est_said[:2]:
        ContributionTag.objects.create(contribution=contribution, theme=theme, topic="local · soir")
    element = services.add_element(services.current_version(sud_est_vision), "Des lieux pour les jeunes")
    assert services.ground_topic(element, "Jeunesse", "local · soir", users["se_animator"]) == 2
    assert set(element.groundings.values_list("topic", flat=True)) == {"Jeunesse — local · soir"}
    with pytest.raises(VisionError, match="Aucune contribution"):
        services.ground_topic(element, "Jeunesse", "inconnu", users["se_animator"])


def test_a_wider_element_gathers_neighbourhood_elements_and_their_support(
    contract_vision, sud_est_vision, users, sud_est_said
):
    user = users["se_animator"]
    local = services.add_element(services.current_version(sud_est_vision), "Des lieux pour les jeunes")
    evening = services.add_element(services.current_version(sud_est_vision), "Un local ouvert le soir")
    services.ground(local, sud_est_said[:3], user)
    services.ground(evening, sud_est_said[3:4], user)
    contract_version = services.current_version(contract_vision)
    with pytest.raises(VisionError, match="au moins deux"):
        services.shared_element(contract_version, "Des lieux", [local, local])
    shared = services.shared_element(
        contract_version, "Dans chaque quartier, des lieux pour les jeunes", [local, evening]
    )
    assert set(shared.gathers.all()) == {local, evening}
    content = version_content(contract_version)
    assert content.elements[0].backing.total == 4
    unrelated = services.add_element(services.current_version(contract_vision), "Élément du contrat")
    with pytest.raises(VisionError, match="ne s'assemble pas"):
        services.gather(shared, [unrelated])


def test_an_assumption_changes_status_only_with_evidence(sud_est_vision, users):
    version = _adoptable(sud_est_vision)
    assumption = services.add_assumption(version, "Les familles viendront si l'accueil est en soirée")
    with pytest.raises(VisionError, match="preuve"):
        services.change_assumption_status(assumption, AssumptionStatus.REFUTED, " ", users["se_animator"])
    services.adopt(version, body="Comité", reference="", adopted_on=DAY, user=users["se_animator"])
    change = services.change_assumption_status(
        assumption, AssumptionStatus.REFUTED, "Trois soirées sans famille.", users["se_animator"]
    )
    assert (change.status_from, change.status_to) == (AssumptionStatus.TO_TEST, AssumptionStatus.REFUTED)
    with pytest.raises(VisionError, match="déjà"):
        services.change_assumption_status(
            assumption, AssumptionStatus.REFUTED, "Encore", users["se_animator"]
        )


def test_an_outcome_of_another_version_cannot_be_linked(sud_est_vision, contract_vision):
    mine = services.add_outcome(
        services.current_version(sud_est_vision), text="A", horizon=Horizon.SHORT, level=Level.POPULATION
    )
    theirs = services.add_outcome(
        services.current_version(contract_vision), text="B", horizon=Horizon.LONG, level=Level.POPULATION
    )
    with pytest.raises(VisionError, match="même version"):
        services.link_outcomes(mine, theirs)
    assert not Outcome.leads_to.through.objects.exists()


def test_support_is_cached_and_refreshed_when_a_neighbourhood_element_is_grounded(
    contract_vision, sud_est_vision, users, sud_est_said, django_assert_num_queries
):
    user = users["se_animator"]
    first = services.add_element(services.current_version(sud_est_vision), "Des lieux pour les jeunes")
    second = services.add_element(services.current_version(sud_est_vision), "Un local ouvert le soir")
    services.ground(first, sud_est_said[:1], user)
    services.shared_element(services.current_version(contract_vision), "Des lieux", [first, second])

    def total():
        version = services.current_version(contract_vision)  # as a page loads it
        return sum(sum(counts.values()) for counts in services.support(version)["elements"].values())

    assert total() == 1
    version = services.current_version(contract_vision)
    with django_assert_num_queries(0):
        services.support(version)
    services.ground(second, sud_est_said[1:3], user)
    assert total() == 3
    services.unground(second.groundings.first())
    assert total() == 2
