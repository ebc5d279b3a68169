import re

import pytest
import shapely
from django.urls import reverse

from cooperer.territories.geometry import SvgProjection, place_labels
from cooperer.territories.models import Commune

pytestmark = pytest.mark.django_db

LABEL = re.compile(
    r'<text class="(map-label[^"]*)" x="([\d.]+)" y="([\d.]+)" text-anchor="middle">([^<]+)</text>'
)


def box(lon, lat, size):
    return shapely.box(lon, lat, lon + size, lat + size)


def test_a_name_sits_inside_its_shape_even_when_the_shape_is_hollow():
    ring = shapely.box(0, 0, 1, 1).difference(shapely.box(0.2, 0.2, 0.8, 0.8))  # the centroid is outside
    projection = SvgProjection((0, 0, 1, 1), width=800)
    [label] = place_labels([("Les Remparts", ring, "map-label")], projection)
    x, y = label.x, label.y - 11 / 3
    assert ring.contains(shapely.Point(x / projection.scale / projection.kx, 1 - (y - 12) / projection.scale))


def test_names_too_big_for_their_shape_or_overlapping_another_are_left_out():
    projection = SvgProjection((0, 0, 1, 1), width=800)
    labels = place_labels(
        [
            ("Grand Quartier", box(0, 0, 0.5), "map-label"),
            ("Le même endroit", box(0.01, 0.01, 0.48), "map-label"),  # its name would cover the first one
            ("Minuscule quartier au nom très long", box(0.9, 0.9, 0.01), "map-label"),
            ("Est", box(0.6, 0.0, 0.3), "map-label"),
        ],
        projection,
    )
    assert [label.text for label in labels] == ["Grand Quartier", "Est"]


def test_the_contract_map_writes_the_names_of_its_qpvs_and_communes(client, territory):
    Commune.objects.filter(insee_code="42218").update(contour=shapely.to_geojson(box(4.30, 45.37, 0.2)))
    html = client.get(reverse("territories:contract", args=["saint-etienne-metropole"])).content.decode()
    found = LABEL.findall(html)
    labels = {text: css for css, _x, _y, text in found}
    assert labels == {
        "Quartiers Sud-Est": "map-label",
        "Layat Bas-Mas": "map-label",
        "Saint-Étienne": "map-label map-label--commune",
    }  # « Crêt De Roc - Soleil » is too long for its small square: only its title and table row name it
    width, height = map(
        float, re.search(r'class="map"\s+data-zoomable\s+viewBox="0 0 (\d+) (\d+)"', html).groups()
    )
    assert all(0 < float(x) < width and 0 < float(y) < height for _css, x, y, _text in found)
    assert '<g class="map-labels" aria-hidden="true">' in html
    # Names stay where assistive technologies read them: the shapes' titles and the table.
    assert "<title>Quartiers Sud-Est (QN04215M)</title>" in html
    assert "<title>Crêt De Roc - Soleil (QN04214M)</title>" in html
    assert 'data-qpv-row="QN04215M"' in html


def test_the_qpv_page_writes_the_name_on_its_contour(client, territory):
    html = client.get(reverse("territories:qpv", args=["QN04215M"])).content.decode()
    [(css, x, y, text)] = LABEL.findall(html)
    assert css == "map-label" and float(y) > 0
    assert text == "Quartiers Sud-Est" and 0 < float(x) < 480
