import datetime

import pytest
from django.core import mail
from django.urls import reverse

from cooperer.actors.models import Person
from cooperer.communities import services as communities
from cooperer.communities.enums import MemberRole
from cooperer.knowledge import circle
from cooperer.knowledge.models import CircleEvent, EventGuest
from cooperer.territories.models import Commune
from tests.actors.conftest import make_structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def assises(community, users):
    mulhouse = Commune.objects.get(insee_code="68224")
    community["outsider"].delete()
    newcomers = {
        "mjc": make_structure(
            "MJC de Bourtzwiller (fictive)", mulhouse, publics=["Jeunes"], themes=["Loisirs"]
        ),
        "club": make_structure("Club de foot des Coteaux (fictif)", mulhouse, publics=["Jeunes"]),
        "ehpad": make_structure("Résidence seniors (fictive)", mulhouse, publics=["Seniors"]),
    }
    Person.objects.create(
        structure=newcomers["mjc"], first_name="Inès", last_name="Exemple", email="mjc@exemple.fr"
    )
    community["jeunes"].publics.set(newcomers["mjc"].publics.all())  # a member with the same public: left out
    event = CircleEvent.objects.create(
        community=community["community"], title="Assises de la jeunesse", held_on=datetime.date(2026, 5, 16),
        place="Salle des fêtes", created_by=users["m2a_animator"],
    )  # fmt: skip
    from cooperer.actors.models import Public

    event.publics.set([Public.objects.get(name="Jeunes")])
    return {"event": event, **newcomers}


def test_suggestions_are_structures_of_the_territory_not_yet_members_with_why(assises, community):
    suggested = {s.structure.name: s.reasons for s in circle.suggestions(assises["event"])}
    assert "MJC de Bourtzwiller (fictive)" in suggested and "Club de foot des Coteaux (fictif)" in suggested
    assert "Résidence seniors (fictive)" not in suggested
    assert not {"Carré des associations", "Jeunes de Bourtzwiller", "CAF du Haut-Rhin"} & set(suggested)
    assert suggested["MJC de Bourtzwiller (fictive)"] == [
        "travaille avec les mêmes publics : Jeunes",
        "apporte d'autres compétences : Loisirs",
    ]


def test_the_backbone_invites_registers_and_sees_who_joined_afterwards(
    client, assises, community, users, django_capture_on_commit_callbacks
):
    event = assises["event"]
    client.force_login(users["m2a_animator"])
    page = client.get(event.get_absolute_url()).content.decode()
    assert "MJC de Bourtzwiller (fictive)" in page and 'value="mjc@exemple.fr"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("knowledge:event_invite", args=[event.pk]),
            {"structure": assises["mjc"].pk, "email": "mjc@exemple.fr"},
        )
    guest = EventGuest.objects.get()
    assert guest.reasons[0] == "travaille avec les mêmes publics : Jeunes"
    assert mail.outbox[-1].to == ["mjc@exemple.fr"] and "Assises de la jeunesse" in mail.outbox[-1].subject
    client.post(reverse("knowledge:event_register", args=[event.pk, guest.pk]), {"inscrite": "oui"})
    guest.refresh_from_db()
    assert guest.registered_at is not None
    communities.add_member(
        community["community"], assises["mjc"], role=MemberRole.MEMBER, joined_on=datetime.date(2026, 6, 2)
    )
    (joined,) = circle.joined_after(event)
    assert (joined.structure, joined.registered) == ("MJC de Bourtzwiller (fictive)", True)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "2 juin 2026" in page


def test_an_existing_member_or_an_already_invited_structure_is_not_invited_again(assises, community, users):
    event = assises["event"]
    with pytest.raises(circle.CircleError, match="déjà membre"):
        circle.invite(event, community["jeunes"], email="", reasons=[], by=users["m2a_animator"])
    circle.invite(event, assises["club"], email="", reasons=[], by=users["m2a_animator"])
    with pytest.raises(circle.CircleError, match="déjà invitée"):
        circle.invite(event, assises["club"], email="", reasons=[], by=users["m2a_animator"])


def test_a_structure_that_is_not_suggested_cannot_be_invited_through_the_page(
    client, assises, community, users
):
    client.force_login(users["m2a_animator"])
    response = client.post(
        reverse("knowledge:event_invite", args=[assises["event"].pk]),
        {"structure": community["jeunes"].pk},
        follow=True,
    )
    assert "pas parmi les suggestions" in response.content.decode() and not EventGuest.objects.exists()


def test_members_read_the_event_but_only_the_backbone_prepares_it(client, assises, community, users):
    event = assises["event"]
    client.force_login(community["contributor"])
    page = client.get(event.get_absolute_url())
    assert page.status_code == 200 and "Structures à inviter" not in page.content.decode()
    assert (
        client.post(
            reverse("knowledge:event_invite", args=[event.pk]), {"structure": assises["mjc"].pk}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("knowledge:events", args=[community["community"].pk]),
            {"title": "X", "held_on": "2026-09-01"},
        ).status_code
        == 403
    )
    client.force_login(users["se_animator"])  # no role on Mulhouse
    assert client.get(event.get_absolute_url()).status_code == 403


def test_the_backbone_creates_an_event_from_the_community(client, community, users):
    client.force_login(users["m2a_animator"])
    url = reverse("knowledge:events", args=[community["community"].pk])
    response = client.post(url, {"title": "Assises de la jeunesse", "held_on": "pas une date"})
    assert "Saisissez une date valide" in response.content.decode() and not CircleEvent.objects.exists()
    response = client.post(
        url, {"title": "Assises de la jeunesse", "held_on": "2026-05-16", "place": "Salle"}
    )
    event = CircleEvent.objects.get()
    assert response.url == event.get_absolute_url() and event.created_by == users["m2a_animator"]
    page = client.get(community["community"].get_absolute_url()).content.decode()
    assert url in page  # the community's page links to its open events (COOPERER_OBJECT_NOTICES)


def test_an_invitation_can_also_be_to_join_and_an_accepted_one_counts_as_joined(
    client, assises, community, users, django_capture_on_commit_callbacks
):
    from cooperer.communities.models import Invitation
    from tests.conftest import make_user

    event = assises["event"]
    client.force_login(users["m2a_animator"])
    url = reverse("knowledge:event_invite", args=[event.pk])
    response = client.post(url, {"structure": assises["club"].pk, "join": "on"}, follow=True)
    assert "Donnez un courriel" in response.content.decode() and not EventGuest.objects.exists()
    client.post(url, {"structure": assises["club"].pk, "email": "club@exemple.fr", "join": "on"})
    invitation = Invitation.objects.get(structure=assises["club"])
    newcomer = make_user("club@exemple.fr")
    communities.accept_invitation(invitation.token, newcomer)
    event.held_on = datetime.date.today() - datetime.timedelta(days=1)
    event.save()
    assert [j.structure for j in circle.joined_after(event)] == ["Club de foot des Coteaux (fictif)"]


def test_the_event_page_keeps_a_constant_number_of_queries(
    client, assises, users, django_assert_max_num_queries
):
    event = assises["event"]
    client.force_login(users["m2a_animator"])
    circle.invite(event, assises["mjc"], email="", reasons=["r"], by=users["m2a_animator"])
    with django_assert_max_num_queries(40) as few:
        client.get(event.get_absolute_url())
    mulhouse = Commune.objects.get(insee_code="68224")
    for i in range(15):
        guest = make_structure(f"Invitée {i} (fictive)", mulhouse, publics=["Jeunes"])
        circle.invite(event, guest, email="", reasons=["r"], by=users["m2a_animator"])
        make_structure(f"Suggérée {i} (fictive)", mulhouse, publics=["Jeunes"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(event.get_absolute_url()).content.decode()
    assert "Invitée 14 (fictive)" in page and "Suggérée 14 (fictive)" in page
