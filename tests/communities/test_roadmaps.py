"""Roadmap versions: a new version copies everything; adopting it replaces the one adopted before."""

import datetime
import re

import pytest
from django.urls import reverse

from cooperer.communities import services
from cooperer.communities.enums import RoadmapStatus
from cooperer.communities.models import PlannedAction, RoadmapVersion, WorkingGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1_with_partners_and_group(community):
    v1 = community["v1"]
    action = PlannedAction.objects.get(axis__roadmap=v1, title="Trouver un lieu")
    action.partners.set([community["carre"], community["caf"]])
    action.outcomes = "Un lieu ouvert aux jeunes"
    action.starts_on = datetime.date(2024, 4, 1)
    action.save()
    group = WorkingGroup.objects.create(axis=action.axis, name="Groupe tiers-lieu")
    carre_m, jeunes_m, caf_m = community["members"]
    services.leave(caf_m, datetime.date(2025, 1, 1))
    group.members.set([carre_m, jeunes_m, caf_m])
    return v1


def test_a_new_version_keeps_partners_and_working_groups(community, v1_with_partners_and_group):
    v2 = services.new_roadmap_version(community["community"])
    copy = PlannedAction.objects.get(axis__roadmap=v2, title="Trouver un lieu")
    assert sorted(p.name for p in copy.partners.all()) == ["CAF du Haut-Rhin", "Carré des associations"]
    assert copy.outcomes == "Un lieu ouvert aux jeunes" and copy.starts_on == datetime.date(2024, 4, 1)
    assert copy.lead == community["jeunes"]
    group = WorkingGroup.objects.get(axis__roadmap=v2)
    assert group.name == "Groupe tiers-lieu" and group.axis.title == "Tiers-lieu jeunesse"
    # those who left the community are not carried over
    assert sorted(str(m) for m in group.members.all()) == ["Carré des associations", "Jeunes de Bourtzwiller"]
    # the adopted version is untouched
    original = PlannedAction.objects.get(axis__roadmap=v1_with_partners_and_group, title="Trouver un lieu")
    assert original.partners.count() == 2 and original.pk != copy.pk
    assert WorkingGroup.objects.get(axis__roadmap=v1_with_partners_and_group).members.count() == 3


def test_adopting_a_new_version_replaces_the_previous_one(community):
    v2 = services.new_roadmap_version(community["community"])
    services.adopt_roadmap(v2, instance=community["pleniere"], on=datetime.date(2025, 6, 1))
    v1 = RoadmapVersion.objects.get(pk=community["v1"].pk)
    assert v1.status == RoadmapStatus.REPLACED and v1.is_replaced
    assert v1.adopted_on == datetime.date(2024, 3, 12)  # its history is kept
    assert RoadmapVersion.objects.get(pk=v2.pk).status == RoadmapStatus.ADOPTED
    with pytest.raises(services.CommunityError, match="adoptée puis remplacée"):
        services.adopt_roadmap(v1, instance=community["pleniere"], on=datetime.date(2025, 6, 2))


def test_an_older_draft_cannot_be_adopted_over_a_newer_version(community):
    v2 = services.new_roadmap_version(community["community"])
    v3 = services.new_roadmap_version(community["community"])
    services.adopt_roadmap(v3, instance=community["pleniere"], on=datetime.date(2025, 6, 1))
    with pytest.raises(services.CommunityError, match="La version 3, plus récente, est déjà adoptée"):
        services.adopt_roadmap(v2, instance=community["pleniere"], on=datetime.date(2025, 6, 2))


def test_the_pages_show_a_replaced_version_and_freeze_it(client, users, community):
    client.force_login(users["m2a_animator"])
    v2 = services.new_roadmap_version(community["community"])
    response = client.post(
        reverse("communities:roadmap_adopt", args=[v2.pk]),
        {"instance": community["pleniere"].pk, "on": "2025-06-01"},
        follow=True,
    )
    assert "La version 2 est adoptée ; la version 1 est remplacée." in response.content.decode()
    detail = client.get(reverse("communities:detail", args=[community["community"].pk])).content.decode()
    assert re.search(r"Feuille de route v1</a> —\s*remplacée \(adoptée le", detail)
    assert re.search(r"Feuille de route v2</a> —\s*adoptée le 1er juin 2025, instance :", detail)
    page = client.get(community["v1"].get_absolute_url()).content.decode()
    assert "Remplacée" in page and "remplacée par une version adoptée depuis" in page
    assert "Adopter la version" not in page
    assert client.get(reverse("communities:axis_create", args=[community["v1"].pk])).status_code == 403
