import pytest
import shapely
from playwright.sync_api import expect

from cooperer.territories.models import Commune

pytestmark = pytest.mark.django_db(transaction=True)

CONTRACT = "/territoires/contrats/saint-etienne-metropole/"


def view_box(page):
    return [float(v) for v in page.locator("svg.map").get_attribute("viewBox").split()]


def test_a_visitor_zooms_moves_and_recentres_the_contract_map(page, territory, assert_accessible):
    Commune.objects.filter(insee_code="42218").update(
        contour=shapely.to_geojson(shapely.box(4.30, 45.37, 4.50, 45.57))
    )
    page.goto(CONTRACT)
    full = view_box(page)
    expect(page.locator("svg.map text.map-label", has_text="Quartiers Sud-Est")).to_be_visible()
    zoom_in = page.get_by_role("button", name="Zoomer", exact=True)
    expect(zoom_in).to_be_visible()
    assert_accessible(page)

    zoom_in.click()
    zoomed = view_box(page)
    assert zoomed[2] == pytest.approx(full[2] / 1.5, abs=0.2)
    assert zoomed[0] > full[0]  # zoomed on the centre of the map

    page.keyboard.press("ArrowRight")  # the focus is still on « Zoomer », inside the map's toolbar
    moved = view_box(page)
    assert moved[0] > zoomed[0] and moved[2] == zoomed[2]

    page.get_by_role("button", name="Dézoomer").click()
    assert view_box(page)[2] == pytest.approx(full[2], abs=0.2)

    zoom_in.click()
    zoom_in.click()
    page.get_by_role("button", name="Recentrer").click()
    assert view_box(page) == full
    assert_accessible(page)


def test_the_wheel_zooms_and_a_drag_moves_the_map_without_following_a_link(page, territory):
    page.goto(CONTRACT)
    full = view_box(page)
    svg = page.locator("svg.map")
    target = page.locator('svg.map a[data-qpv="QN04215M"] path').bounding_box()
    start = (target["x"] + target["width"] / 2, target["y"] + target["height"] / 2)
    page.mouse.move(*start)
    page.mouse.wheel(0, -200)  # zooms around the pointer: the quartier stays under it
    expect(svg).not_to_have_attribute("viewBox", " ".join(f"{v:g}" for v in full))
    zoomed = view_box(page)
    assert zoomed[2] < full[2]

    page.mouse.down()
    page.mouse.move(start[0] - 60, start[1] - 40, steps=5)
    page.mouse.up()
    dragged = view_box(page)
    assert dragged[0] > zoomed[0] or dragged[1] > zoomed[1]
    assert page.url.endswith(CONTRACT)  # the press that moved the map did not follow the quartier's link
