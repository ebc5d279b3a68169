"""Partner suggestions lead to an action: propose a cooperation link, invite into a community one animates."""

import re

import pytest
from django.urls import reverse

from cooperer.communities.models import Community

pytestmark = pytest.mark.django_db


def _suggested(html: str) -> list[str]:
    return re.findall(r'\?partenaire=(\d+)"', html)


def test_the_animatrice_can_propose_a_link_or_invite_each_suggested_partner(
    client, users, directory, territory
):
    community = Community.objects.create(
        name="Collectif Sud-Est", epci=territory["sem"], objective="Les jeunes"
    )
    Community.objects.create(name="Communauté de Mulhouse", epci=territory["m2a"], objective="Les jeunes")
    client.force_login(users["se_animator"])
    html = client.get(reverse("actors:partners", args=[directory["jeunes"].pk])).content.decode()
    suggested = _suggested(html)
    assert suggested and "Proposer un lien de coopération" in html
    invite = reverse("communities:invite", args=[community.pk])
    assert (
        f'href="{invite}?structure={suggested[0]}"' in html and "Inviter dans « Collectif Sud-Est »" in html
    )
    assert "Communauté de Mulhouse" not in html  # not one she animates
    form = client.get(
        reverse("actors:link_create", args=[directory["jeunes"].pk]), {"partenaire": suggested[0]}
    )
    assert f'<option value="{suggested[0]}" selected>' in form.content.decode()
    invitation = client.get(invite, {"structure": suggested[0]}).content.decode()
    assert f'<option value="{suggested[0]}" selected>' in invitation


def test_an_instructor_reads_the_suggestions_without_actions(client, users, directory):
    client.force_login(users["state_instructor"])
    html = client.get(reverse("actors:partners", args=[directory["jeunes"].pk])).content.decode()
    assert "Ville de Saint-Étienne" in html  # suggested, as for the animatrice
    assert "Proposer un lien de coopération" not in html and "Inviter dans" not in html
