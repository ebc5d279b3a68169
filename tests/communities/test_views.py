import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperer.communities import services
from cooperer.communities.enums import MemberRole, RoadmapStatus
from cooperer.communities.models import Community, Decision, Idea, Meeting, RoadmapVersion
from tests.actors.conftest import make_structure

pytestmark = pytest.mark.django_db


def detail(community):
    return reverse("communities:detail", args=[community["community"].pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [("m2a_animator", 200), ("admin", 200), ("se_animator", 403), ("state_instructor", 403)],
)
def test_who_sees_a_community(client, users, community, who, status):
    client.force_login(users[who])
    assert client.get(detail(community)).status_code == status


def test_a_member_contributes_ideas_but_does_not_animate(client, community):
    client.force_login(community["contributor"])
    html = client.get(detail(community)).content.decode()
    assert "Noter une idée" in html and "Programmer une réunion" not in html
    client.post(
        reverse("communities:idea_create", args=[community["community"].pk]),
        {"text": "Un festival", "raised_on": "2025-05-01", "status": "nouvelle"},
    )
    assert Idea.objects.filter(text="Un festival").exists()
    assert (
        client.get(reverse("communities:meeting_create", args=[community["community"].pk])).status_code == 403
    )


def test_the_animatrice_creates_a_community_on_her_territory_only(client, users, territory):
    client.force_login(users["m2a_animator"])
    url = reverse("communities:create")
    data = {
        "name": "Nouvelle",
        "kind": "communaute_action",
        "objective": "Les jeunes",
        "sdgs": [4, 17],
        "needs": ["locaux"],
    }
    html = client.post(url, {**data, "epci": territory["sem"].pk}).content.decode()
    assert "Sélectionnez un choix valide" in html
    client.post(url, {**data, "epci": territory["m2a"].pk})
    assert Community.objects.get(name="Nouvelle").sdgs == [4, 17]
    client.force_login(users["member"])
    assert client.get(url).status_code == 403


def test_adding_a_member_twice_gets_a_clear_message(client, users, community):
    client.force_login(users["m2a_animator"])
    html = client.post(reverse("communities:member_add", args=[community["community"].pk]), {
        "structure": community["caf"].pk, "role": "membre", "level": "cooperation", "joined_on": "2025-01-01",
    }).content.decode()  # fmt: skip
    assert "« CAF du Haut-Rhin » est déjà membre de la communauté." in html


def test_a_past_convocation_is_refused_in_the_form(client, users, community):
    client.force_login(users["m2a_animator"])
    html = client.post(reverse("communities:meeting_create", args=[community["community"].pk]), {
        "instance": community["cotech"].pk, "starts_at": "2020-01-01T18:00", "convene": "on",
    }).content.decode()  # fmt: skip
    assert "Une convocation ne peut pas être envoyée pour une réunion déjà passée." in html
    assert Meeting.objects.count() == 0


def test_a_decision_without_instance_is_refused(client, users, community):
    client.force_login(users["m2a_animator"])
    url = reverse("communities:decision_create", args=[community["community"].pk])
    html = client.post(url, {"decided_on": "2025-01-01", "text": "Sans instance"}).content.decode()
    assert "Une décision est prise par une instance : choisissez-la." in html
    html = client.post(
        url, {"decided_on": "2025-01-01", "text": "Ailleurs", "instance": community["other_instance"].pk}
    ).content.decode()
    assert "Cette instance n&#x27;appartient pas à cette communauté." in html
    assert not Decision.objects.filter(text__in=["Sans instance", "Ailleurs"]).exists()


def test_a_roadmap_adopted_by_another_communitys_instance_is_refused(client, users, community):
    client.force_login(users["m2a_animator"])
    v2 = services.new_roadmap_version(community["community"])
    response = client.post(
        reverse("communities:roadmap_adopt", args=[v2.pk]),
        {"instance": community["other_instance"].pk, "on": "2025-06-01"},
        follow=True,
    )
    assert "Cette instance n&#x27;appartient pas à cette communauté." in response.content.decode()
    v2.refresh_from_db()
    assert v2.status == "brouillon"


def test_an_adopted_roadmap_is_frozen(client, users, community):
    client.force_login(users["m2a_animator"])
    assert client.get(reverse("communities:axis_create", args=[community["v1"].pk])).status_code == 403


def test_the_meeting_page_records_attendance_and_minutes(client, users, community):
    meeting = services.schedule_meeting(
        community["cotech"], starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    client.force_login(users["m2a_animator"])
    client.post(
        meeting.get_absolute_url(),
        {"present": [community["members"][0].pk, community["members"][2].pk], "minutes": "Idée d'assises"},
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "Idée d'assises"
    assert meeting.attendances.filter(present=True).count() == 2
    client.force_login(community["contributor"])
    assert client.post(meeting.get_absolute_url(), {"present": []}).status_code == 403


def test_compare_page_lists_the_differences(client, users, community):
    v2 = services.new_roadmap_version(community["community"])
    v2.axes.create(title="Assises de la jeunesse", order=4)
    client.force_login(users["m2a_animator"])
    html = client.get(
        reverse("communities:roadmap_compare", args=[community["community"].pk]), {"de": 1, "a": 2}
    ).content.decode()
    assert "Axes ajoutés" in html and "Assises de la jeunesse" in html


def test_the_fiche_exists_in_html_and_pdf(client, users, community):
    client.force_login(users["m2a_animator"])
    url = reverse("communities:fiche", args=[community["community"].pk])
    assert "L&#x27;engagement des jeunes" in client.get(url).content.decode()
    pdf = client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_community_page_uses_a_constant_number_of_queries(
    client, users, community, django_assert_max_num_queries
):
    client.force_login(users["m2a_animator"])
    with django_assert_max_num_queries(60) as few:
        client.get(detail(community))
    c = community["community"]
    for i in range(40):
        structure = make_structure(f"Membre {i}", community["carre"].commune, offers=["locaux"])
        services.add_member(c, structure, role=MemberRole.MEMBER)
    for i in range(30):
        meeting = Meeting.objects.create(
            instance=community["cotech"], starts_at=timezone.now() + datetime.timedelta(days=i - 15)
        )
        Decision.objects.create(
            community=c,
            instance=community["cotech"],
            meeting=meeting,
            decided_on=datetime.date(2025, 1, 1),
            text=f"D{i}",
        )
        Idea.objects.create(community=c, text=f"Idée {i}")
    # Adopted (and replaced) versions show who adopted them: one query for all, not one each.
    for number, status in [(5, RoadmapStatus.REPLACED), (6, RoadmapStatus.ADOPTED), (7, RoadmapStatus.DRAFT)]:
        adopted = status != RoadmapStatus.DRAFT
        RoadmapVersion.objects.create(
            community=c, number=number, status=status, adopted_on=datetime.date(2025, 1, number) if adopted else None,
            adopted_by=community["pleniere"] if adopted else None,
        )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(detail(community)).status_code == 200
    with django_assert_max_num_queries(12):
        client.get(reverse("communities:decisions", args=[c.pk]))


def test_working_groups_are_formed_per_axis_from_members(client, users, community):
    from cooperer.communities.models import WorkingGroup

    client.force_login(users["m2a_animator"])
    axis = community["v1"].axes.get(title="Tiers-lieu jeunesse")
    url = reverse("communities:working_group_create", args=[community["v1"].pk])
    client.post(
        url,
        {"axis": axis.pk, "name": "Groupe tiers-lieu", "members": [m.pk for m in community["members"][:2]]},
    )
    group = WorkingGroup.objects.get(name="Groupe tiers-lieu")
    assert group.members.count() == 2
    assert "Groupe tiers-lieu" in client.get(community["v1"].get_absolute_url()).content.decode()
