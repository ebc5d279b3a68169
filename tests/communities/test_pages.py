"""The pages of a large community: the network drawing apart and cached, paginated lists, constant queries."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cooperer.accounts.permissions import community_role
from cooperer.actors.models import CooperationLink
from cooperer.communities import chronology, services
from cooperer.communities.enums import MemberRole
from cooperer.communities.models import Decision, Idea, Meeting
from cooperer.communities.network import member_network_svg
from tests.actors.conftest import make_structure

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def grow(community, members=60, meetings=40):
    """Enough of everything to need several pages."""
    c = community["community"]
    for i in range(members):
        structure = make_structure(f"Membre {i:02d}", community["carre"].commune, offers=["competences"])
        services.add_member(c, structure, role=MemberRole.MEMBER, joined_on=datetime.date(2023, 1, 1))
    for i in range(meetings):
        meeting = Meeting.objects.create(
            instance=community["cotech"], starts_at=timezone.now() - datetime.timedelta(days=3 * i + 1)
        )
        Decision.objects.create(
            community=c, instance=community["cotech"], meeting=meeting,
            decided_on=timezone.localdate(meeting.starts_at), text=f"Décision {i}",
        )  # fmt: skip
        Idea.objects.create(community=c, text=f"Idée {i}", raised_on=datetime.date(2024, 1, 1))


def test_the_community_page_loads_the_network_apart_with_a_link_for_those_without_javascript(
    client, users, community
):
    client.force_login(users["m2a_animator"])
    c = community["community"]
    network_url = reverse("communities:network", args=[c.pk])
    detail = client.get(reverse("communities:detail", args=[c.pk])).content.decode()
    assert f'hx-get="{network_url}"' in detail and f'href="{network_url}"' in detail
    assert "<svg" not in detail
    fragment = client.get(network_url, headers=HTMX).content.decode()
    assert fragment.lstrip().startswith("<figure") and "<html" not in fragment
    assert fragment.count("<circle") == 3 and "Jeunes de Bourtzwiller, 0 lien" in fragment
    page = client.get(network_url).content.decode()
    assert "<html" in page and "<circle" in page and "tableau des membres" in page


def test_only_those_who_see_the_community_see_its_network(client, users, community):
    client.force_login(users["se_animator"])
    assert client.get(reverse("communities:network", args=[community["community"].pk])).status_code == 403


def test_the_network_drawing_is_cached_until_members_or_links_change(community, django_assert_num_queries):
    c = community["community"]
    first = member_network_svg(c)
    keys = list(cache._cache)  # LocMemCache: one entry per drawing
    assert len(keys) == 1
    with django_assert_num_queries(2):  # the structures and the links, no layout
        assert member_network_svg(c) == first
    CooperationLink.objects.create(source=community["carre"], target=community["caf"], kind="partenariat")
    second = member_network_svg(c)
    assert second != first and second.count("<line") == 1
    services.leave(community["members"][2], datetime.date(2025, 1, 1))
    third = member_network_svg(c)
    assert third.count("<circle") == 2 and len(cache._cache) == 3


def test_the_matrix_shows_the_members_of_the_page_and_counts_all_of_them(client, users, community):
    grow(community, members=60, meetings=0)
    client.force_login(users["m2a_animator"])
    url = reverse("communities:detail", args=[community["community"].pk])
    first = client.get(url).content.decode()
    assert "Membres 1 à 50 sur 63" in first and "membres 1 à 50 sur 63" in first
    assert first.count("Départ<span") == 50
    assert "Membres qui l'offrent (sur 63)" in first
    matrix = services.complementarity_matrix(community["community"])
    assert {row["need"]: row["covered"] for row in matrix["rows"]} == {
        "Locaux": 1, "Bénévoles": 1, "Compétences": 60,
    }  # fmt: skip
    second = client.get(url, {"membres": 2}).content.decode()
    assert "Membres 51 à 63 sur 63" in second and second.count("Départ<span") == 13
    assert "Membres précédents" in second


def test_the_timeline_goes_back_page_by_page_without_losing_an_event(client, users, community):
    grow(community, members=10, meetings=40)
    c = community["community"]
    expected = chronology.page(c, size=10_000).events
    assert len(expected) > 2 * chronology.PAGE_SIZE
    seen, before, pages = [], None, 0
    while True:
        page = chronology.page(c, before=before)
        assert len(page.events) >= min(chronology.PAGE_SIZE, page.total)
        seen += page.events
        pages += 1
        if page.older is None:
            break
        assert all(e["on"] >= page.older for e in page.events)  # whole days: the next page starts before
        before = page.older
    assert pages >= 3
    assert [(e["on"], e["kind"], e["text"]) for e in seen] == [
        (e["on"], e["kind"], e["text"]) for e in expected
    ]
    client.force_login(users["m2a_animator"])
    html = client.get(reverse("communities:timeline", args=[c.pk])).content.decode()
    first = chronology.page(c)
    assert f'?avant={first.older:%Y-%m-%d}"' in html and "Événements plus anciens" in html
    older = client.get(reverse("communities:timeline", args=[c.pk]), {"avant": first.older.isoformat()})
    assert "Revenir aux plus récents" in older.content.decode()
    assert (
        client.get(reverse("communities:timeline", args=[c.pk]), {"avant": "n'importe quoi"}).status_code
        == 200
    )


PAGES = ["detail", "network", "timeline", "timeline_older", "decisions", "fiche", "meeting"]


@pytest.mark.parametrize("page", PAGES)
def test_each_page_needs_the_same_number_of_queries_small_or_large(client, users, community, page, settings):
    settings.COOPERER_PAGE_CACHE = False  # what is counted is the page's computation, not a page kept ready
    c = community["community"]
    meeting = services.schedule_meeting(
        community["cotech"], starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    requests = {
        "detail": (reverse("communities:detail", args=[c.pk]), {}, {}),
        "network": (reverse("communities:network", args=[c.pk]), {}, HTMX),
        "timeline": (reverse("communities:timeline", args=[c.pk]), {}, {}),
        "timeline_older": (reverse("communities:timeline", args=[c.pk]), {"avant": "2025-01-01"}, {}),
        "decisions": (reverse("communities:decisions", args=[c.pk]), {"page": 2}, {}),
        "fiche": (reverse("communities:fiche", args=[c.pk]), {}, {}),
        "meeting": (meeting.get_absolute_url(), {}, {}),
    }
    url, params, headers = requests[page]
    client.force_login(users["m2a_animator"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params, headers=headers).status_code == 200
        return len(queries)

    count()  # warm-up (session, cached drawing)
    small = count()
    grow(community, members=60, meetings=60)
    services.record_attendance(meeting, set(c.memberships.values_list("pk", flat=True)[:30]))
    count()
    assert count() == small


def test_a_member_s_role_is_read_from_their_own_membership_only(community, django_assert_num_queries):
    grow(community, members=30, meetings=0)
    contributor = community["contributor"]
    with django_assert_num_queries(2):  # their roles, their current membership
        assert community_role(contributor, community["community"]) == MemberRole.MEMBER
    services.leave(community["members"][1], datetime.date(2025, 1, 1))
    assert community_role(contributor, community["community"]) == MemberRole.OBSERVER  # a role on the EPCI


def test_an_animatrice_needs_no_membership_query(users, community, django_assert_num_queries):
    with django_assert_num_queries(1):  # her roles
        assert community_role(users["m2a_animator"], community["community"]) == MemberRole.BACKBONE


def test_a_departure_is_confirmed_with_its_reason_and_kept_in_the_chronology(client, users, community):
    client.force_login(users["m2a_animator"])
    c = community["community"]
    caf = community["members"][2]
    html = client.get(reverse("communities:detail", args=[c.pk])).content.decode()
    leave = reverse("communities:member_leave", args=[c.pk, caf.pk])
    assert f'href="{leave}"' in html  # a link to a confirmation page, not a one-click button
    confirm = client.get(leave).content.decode()
    assert "Départ de CAF du Haut-Rhin" in confirm and "Motif du départ" in confirm
    caf.refresh_from_db()
    assert caf.left_on is None  # opening the page changes nothing
    refused = client.post(leave, {"on": timezone.localdate().isoformat(), "reason": ""})
    assert refused.status_code == 200 and "Ce champ est obligatoire" in refused.content.decode()
    response = client.post(
        leave, {"on": timezone.localdate().isoformat(), "reason": "Ses missions ont changé"}, follow=True
    )
    assert "« CAF du Haut-Rhin » a quitté la communauté" in response.content.decode()
    caf.refresh_from_db()
    assert (caf.left_on, caf.left_reason) == (timezone.localdate(), "Ses missions ont changé")
    page = client.get(reverse("communities:detail", args=[c.pk])).content.decode()
    assert "Anciens membres : CAF du Haut-Rhin." in page
    timeline = client.get(reverse("communities:timeline", args=[c.pk])).content.decode()
    assert "CAF du Haut-Rhin quitte la communauté : Ses missions ont changé" in timeline


def test_only_the_backbone_confirms_a_departure(client, users, community):
    c = community["community"]
    leave = reverse("communities:member_leave", args=[c.pk, community["members"][2].pk])
    client.force_login(users["se_animator"])
    assert client.get(leave).status_code == 403
    assert client.post(leave, {"on": timezone.localdate().isoformat(), "reason": "x"}).status_code == 403


def test_the_community_page_lists_the_next_and_the_last_meetings(community):
    now = timezone.now()
    for days in (-30, -20, -10, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 7):
        services.schedule_meeting(community["cotech"], starts_at=now + datetime.timedelta(days=days))
    upcoming, past = services.meetings_around(community["community"], count=5)
    assert [(m.starts_at - now).days for m in upcoming] == [1, 2, 3, 4, 5]
    assert [round((m.starts_at - now).total_seconds() / 86400) for m in past] == [-1, -2, -3, -4, -5]
