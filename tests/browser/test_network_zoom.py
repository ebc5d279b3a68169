"""The cooperation network's drawing zooms and pans like the maps: buttons, keyboard, and every structure stays
a link."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_directory_journey import mulhouse_network
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def view_box(page):
    return [float(v) for v in page.locator("svg.network").get_attribute("viewBox").split()]


def test_the_coordinator_zooms_into_the_network_and_opens_a_structure(page, users, assert_accessible):
    mulhouse_network()
    log_in(page, "anim.m2a@exemple.fr")
    page.goto("/acteurs/reseau/")
    full = view_box(page)
    toolbar = page.get_by_role("toolbar", name="Zoom du réseau")
    expect(toolbar).to_be_visible()
    assert_accessible(page)

    toolbar.get_by_role("button", name="Zoomer", exact=True).click()
    zoomed = view_box(page)
    assert zoomed[2] == pytest.approx(full[2] / 1.5, abs=0.2)
    page.keyboard.press("ArrowDown")
    assert view_box(page)[1] > zoomed[1]
    toolbar.get_by_role("button", name="Recentrer").click()
    assert view_box(page) == full

    page.locator("svg.network a", has=page.locator("title", has_text="Carré des associations")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carré des associations de Mulhouse")
