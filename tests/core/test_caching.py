import pytest
from django.urls import reverse

from cooperer.actors.models import Structure
from cooperer.consultations.models import Session

pytestmark = pytest.mark.django_db


def public_urls(territory):
    return [
        reverse("public_vision", args=["QN04215M"]),
        reverse("public_follow_up", args=["QN04215M"]),
        reverse("public_directory", args=[territory["sem"].siren]),
    ]


def test_public_pages_send_an_etag_and_answer_304_when_it_matches(client, territory):
    Structure.objects.create(
        name="Centre social Sud-Est (fictif)", legal_form="centre_social",
        commune=territory["sem"].communes.first(), public_listing=True,
    )  # fmt: skip
    for url in public_urls(territory):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=300", url
        assert response.has_header("ETag"), url
        assert "csrftoken" not in response.cookies, url
        again = client.get(url, headers={"if-none-match": response["ETag"]})
        assert again.status_code == 304, url
        assert again.content == b""


def test_a_public_page_that_changed_is_sent_again(client, territory):
    url = reverse("public_directory", args=[territory["sem"].siren])
    before = client.get(url)
    Structure.objects.create(
        name="Jardins partagés (fictif)", legal_form="association", commune=territory["sem"].communes.first(),
        public_listing=True,
    )  # fmt: skip
    after = client.get(url, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "Jardins partagés" in after.content.decode()


def test_signed_in_a_public_page_is_never_stored(client, territory, users):
    client.force_login(users["se_animator"])
    for url in public_urls(territory):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"], url


def test_the_public_form_is_not_cacheable_it_carries_the_visitor_s_token(client, consultation):
    session = Session.objects.create(
        consultation=consultation, qpv=consultation.qpvs.first(), audience="habitants", format="atelier",
        date=consultation.starts_on,
    )  # fmt: skip
    response = client.get(reverse("public_form", args=[session.token]))
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")
    assert "csrftoken" in response.cookies
