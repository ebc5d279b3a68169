import datetime

import pytest
from django.core import mail
from django.utils import timezone

from cooperer.communities import chronology, services
from cooperer.communities.enums import ActionStatus, MemberRole, Phase
from cooperer.communities.models import Decision, PlannedAction

pytestmark = pytest.mark.django_db


def test_a_structure_cannot_be_added_twice_but_can_come_back_after_leaving(community):
    c = community
    with pytest.raises(services.CommunityError, match="est déjà membre de la communauté"):
        services.add_member(c["community"], c["caf"], role=MemberRole.MEMBER)
    services.leave(c["members"][2], datetime.date(2025, 1, 1))
    again = services.add_member(c["community"], c["caf"], role=MemberRole.OBSERVER)
    assert c["community"].memberships.filter(structure=c["caf"]).count() == 2
    assert again.left_on is None


def test_a_convocation_for_a_past_meeting_is_refused(community):
    with pytest.raises(services.CommunityError, match="réunion déjà passée"):
        services.schedule_meeting(
            community["cotech"], starts_at=timezone.now() - datetime.timedelta(days=1), convene=True
        )


def test_a_convocation_is_mailed_to_members(community):
    community["members"][1].structure.people.create(first_name="A", last_name="B", email="a@exemple.fr")
    community["members"][1].person = community["members"][1].structure.people.get()
    community["members"][1].save()
    meeting = services.schedule_meeting(
        community["cotech"], starts_at=community["future"], agenda="Assises", convene=True
    )
    assert meeting.convened_at is not None
    convocations = [
        m for m in mail.outbox if m.subject.startswith("[Communauté d'action jeunesse] Convocation")
    ]
    assert sorted(m.to[0] for m in convocations) == ["a@exemple.fr", "contrib@exemple.fr"]
    assert "Comité technique jeunesse" in convocations[0].subject


def test_a_decision_needs_an_instance_of_its_own_community(community):
    c = community
    with pytest.raises(services.CommunityError, match="prise par une instance"):
        services.record_decision(
            c["community"], instance=None, text="X", decided_on=datetime.date(2025, 1, 1)
        )
    with pytest.raises(services.CommunityError, match="autre communauté"):
        services.record_decision(
            c["community"], instance=c["other_instance"], text="X", decided_on=datetime.date(2025, 1, 1)
        )
    assert Decision.objects.filter(text="X").count() == 0


def test_a_roadmap_is_adopted_only_by_an_instance_of_its_community(community):
    v2 = services.new_roadmap_version(community["community"])
    with pytest.raises(services.CommunityError, match="sa propre communauté"):
        services.adopt_roadmap(v2, instance=community["other_instance"], on=datetime.date(2025, 6, 1))
    decision = services.adopt_roadmap(v2, instance=community["pleniere"], on=datetime.date(2025, 6, 1))
    assert decision.roadmap == v2
    with pytest.raises(services.CommunityError, match="déjà adoptée"):
        services.adopt_roadmap(v2, instance=community["pleniere"], on=datetime.date(2025, 6, 2))


def test_two_roadmap_versions_are_compared(community):
    v2 = services.new_roadmap_version(community["community"])
    lieu = PlannedAction.objects.get(axis__roadmap=v2, title="Trouver un lieu")
    lieu.status = ActionStatus.ONGOING
    lieu.save()
    v2.axes.get(title="Essaimage").delete()
    axis = v2.axes.create(title="Assises de la jeunesse", order=9)
    PlannedAction.objects.create(axis=axis, title="Organiser les assises")
    diff = services.compare_roadmaps(community["v1"], v2)
    assert diff.added_axes == ["Assises de la jeunesse"]
    assert diff.removed_axes == ["Essaimage"]
    assert diff.added_actions == [("Assises de la jeunesse", "Organiser les assises")]
    assert diff.changed_actions == [("Tiers-lieu jeunesse", "Trouver un lieu", "état : Prévue → En cours")]


def test_phases_move_forward_with_a_justification(community):
    c = community["community"]
    with pytest.raises(services.CommunityError, match="justifie"):
        services.change_phase(c, Phase.STRUCTURATION, datetime.date(2024, 1, 15), " ", None)
    services.change_phase(
        c, Phase.STRUCTURATION, datetime.date(2024, 1, 15), "Deux ans d'interconnaissance", None
    )
    with pytest.raises(services.CommunityError, match="précéder le précédent"):
        services.change_phase(c, Phase.SUSTAINING, datetime.date(2023, 1, 1), "Trop tôt", None)
    assert [step["current"] for step in services.phase_progress(c)] == [False, True, False]


def test_the_complementarity_matrix_shows_who_brings_what_and_the_gaps(community):
    matrix = services.complementarity_matrix(community["community"])
    rows = {row["need"]: row["covered"] for row in matrix["rows"]}
    assert rows == {"Locaux": 1, "Bénévoles": 1, "Compétences": 0}
    assert matrix["gaps"] == ["Compétences"]


def test_attendance_is_only_for_members(community):
    meeting = services.schedule_meeting(
        community["cotech"], starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    with pytest.raises(services.CommunityError, match="Seuls les membres"):
        services.record_attendance(meeting, {999999})
    services.record_attendance(meeting, {community["members"][0].pk})
    assert meeting.attendances.filter(present=True).count() == 1
    assert meeting.attendances.count() == 3


def test_an_invitation_is_accepted_once(community, users):
    invitation = services.invite(
        community["community"],
        community["outsider"],
        "voisine@exemple.fr",
        MemberRole.MEMBER,
        users["m2a_animator"],
    )
    assert "/communautes/invitation/" in mail.outbox[-1].body
    membership = services.accept_invitation(invitation.token, users["member"])
    assert membership.user == users["member"]
    with pytest.raises(services.CommunityError, match="déjà été acceptée"):
        services.accept_invitation(invitation.token, users["member"])


def test_the_timeline_lists_what_happened(community):
    services.log_idea(
        community["community"], "Organiser des assises de la jeunesse", raised_on=datetime.date(2025, 2, 1)
    )
    kinds = [event["kind"] for event in chronology.page(community["community"]).events]
    assert {"Idée", "Décision", "Feuille de route", "Arrivée"} <= set(kinds)
