import datetime

import pytest
from django.urls import reverse

from cooperer.knowledge.kit import KitKind
from cooperer.knowledge.lineage import layout, render_svg, summary
from cooperer.knowledge.models import Lineage
from cooperer.knowledge.spreading import spread

pytestmark = pytest.mark.django_db


def copies(territory, pairs):
    for i, (source, target, kind) in enumerate(pairs):
        Lineage.objects.create(
            kind=kind, source_place=source, target_place=target, target_epci=territory["sem"],
            spread_on=datetime.date(2024, 9, 1) + datetime.timedelta(days=i), note=f"inspiré de {source}",
        )  # fmt: skip


def test_the_lineage_counts_copies_per_source_place_and_kind(territory):
    copies(territory, [
        ("Saint-Étienne", "Firminy", KitKind.CONSULTATION), ("Saint-Étienne", "Rive-de-Gier", KitKind.CONSULTATION),
        ("Saint-Étienne", "Firminy", KitKind.CALL_GRID), ("Firminy", "Mulhouse", KitKind.VISION),
    ])  # fmt: skip
    data = summary()
    assert data["total"] == 4 and data["places"] == 4
    assert data["per_source"][0] == {"place": "Saint-Étienne", "counts": [2, 0, 1], "total": 3}
    assert [k.value for k in data["kinds"]] == ["concertation", "vision", "grille_appel"]
    nodes = {node.name: node for node in layout(data["edges"])}
    assert (nodes["Saint-Étienne"].depth, nodes["Firminy"].depth, nodes["Mulhouse"].depth) == (0, 1, 2)
    assert nodes["Saint-Étienne"].sent == 3 and nodes["Firminy"].received == 2


def test_the_drawing_is_named_and_escapes_place_names(territory):
    copies(territory, [("Saint-Étienne", "<b>Firminy</b>", KitKind.CONSULTATION)])
    svg = render_svg(summary()["edges"])
    assert 'role="img"' in svg and '<title id="lineage-title">' in svg
    assert "<b>" not in svg and "&lt;b&gt;Firminy&lt;/b&gt;" in svg
    assert render_svg([]) == ""


def test_a_copy_within_the_same_place_is_drawn_as_a_loop(territory):
    copies(territory, [("Saint-Étienne", "Saint-Étienne", KitKind.CONSULTATION)])
    assert '<path d="M ' in render_svg(summary()["edges"])


def test_the_lineage_page_is_public_with_its_table_alternative_and_a_constant_number_of_queries(
    client, territory, django_assert_max_num_queries
):
    copies(territory, [("Saint-Étienne", "Firminy", KitKind.CONSULTATION)])
    with django_assert_max_num_queries(12) as few:
        page = client.get(reverse("knowledge:spreading_index")).content.decode()
    assert "Copies par lieu d'origine et par outil" in page and "<svg" in page
    copies(territory, [(f"Lieu {i}", f"Ailleurs {i}", KitKind.CALL_GRID) for i in range(40)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("knowledge:spreading_index")).content.decode()
    assert "Page 1 sur 2" in page


def test_the_page_of_a_copy_is_for_people_with_a_role_on_its_territory(
    client, consultation, both_animator, users, territory
):
    lineage = spread(user=both_animator, target_epci=territory["m2a"], source=consultation)
    url = lineage.get_absolute_url()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(users["m2a_animator"])
    assert client.get(url).status_code == 200
    client.force_login(users["member"])  # a member of a structure of Saint-Étienne Métropole
    assert client.get(url).status_code == 403
