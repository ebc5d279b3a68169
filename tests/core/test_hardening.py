"""Headers of every response, malformed list filters, uploaded documents, atomic counters."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperer.actors.models import Public, Theme
from cooperer.core import throttle
from cooperer.core.params import id_param
from cooperer.core.uploads import document_problem
from tests.conftest import run_together

HUGE = "99999999999999999999999"


@pytest.mark.django_db
def test_signed_in_pages_are_never_stored_and_every_page_has_a_permissions_policy(client, users):
    public = client.get(reverse("core:home"))
    assert "no-store" not in public.get("Cache-Control", "")
    assert "camera=()" in public["Permissions-Policy"] and "geolocation=()" in public["Permissions-Policy"]
    client.force_login(users["member"])
    for url in (reverse("core:home"), reverse("actors:directory")):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "microphone=()" in response["Permissions-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("param", ["publics", "qpvs", "themes", "epci"])
@pytest.mark.parametrize("value", [HUGE, "-1", "abc", "1e3", "٣"])
def test_malformed_partner_filters_are_refused_not_crashed(client, users, param, value):
    client.force_login(users["member"])
    response = client.get(reverse("actors:partner_search"), {"needs": "locaux", param: value})
    assert response.status_code in (200, 400)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, params",
    [
        ("actors:directory", {"epci": HUGE, "theme": HUGE}),
        ("actors:export", {"epci": HUGE, "theme": HUGE}),
        ("actors:network", {"epci": HUGE, "theme": HUGE, "year": HUGE}),
        ("actors:themes", {"modifier": HUGE}),
        ("actors:themes", {"modifier": "abc"}),
        ("consultations:list", {"page": HUGE}),
        ("visions:list", {"page": HUGE}),
        ("jobs:list", {"page": HUGE}),
        ("audit:journal", {"epci": HUGE, "page": HUGE, "since": "hier"}),
    ],
)
def test_other_lists_ignore_or_refuse_malformed_numbers(client, users, name, params):
    client.force_login(users["admin"])
    assert client.get(reverse(name), params).status_code in (200, 400, 404)


@pytest.mark.django_db
def test_an_out_of_range_id_matches_nothing_rather_than_crashing(territory):
    theme = Theme.objects.create(name="Jeunesse")
    assert list(Theme.objects.filter(pk__in=[int(HUGE)])) == []
    assert list(Theme.objects.filter(pk__in=[int(HUGE), theme.pk])) == [theme]
    assert not Public.objects.filter(pk__in=[-int(HUGE)]).exists()


def test_query_string_ids_are_positive_integers_the_database_can_hold():
    assert [id_param(v) for v in ("12", " 7 ", HUGE, "0", "-3", "abc", "٣", None, "")] == [
        12, 7, None, None, None, None, None, None, None,
    ]  # fmt: skip


def _upload(name, content):
    return SimpleUploadedFile(name, content)


REAL_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _office(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "application/vnd.oasis.opendocument.text")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("statuts.pdf", REAL_PDF, ""),
        ("statuts.pdf", b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n%%EOF", "page web"),
        ("statuts.pdf", b"%PDF-1.4\n" + b"0" * 5000, "incomplet"),
        ("statuts.pdf", REAL_PDF + b"<html>" + b" " * 2000, "page web"),
        ("statuts.pdf", REAL_PDF + b"x" * 4000, "incomplet"),
        ("statuts.pdf", b"<html>pas un pdf</html>", "ne correspond pas"),
        ("budget.odt", _office("mimetype"), ""),
        ("budget.odt", b"PK\x03\x04 pas une archive", "endommagé"),
        ("budget.docx", _office("mimetype"), "pas un document bureautique"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "endommagé"),
    ],
)
def test_documents_are_checked_beyond_their_first_bytes(name, content, problem):
    found = document_problem(_upload(name, content))
    assert (problem in found) if problem else found == ""


def test_a_real_image_is_accepted():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    assert document_problem(_upload("logo.png", buffer.getvalue())) == ""


@pytest.mark.django_db
def test_a_counter_counts_within_its_window_and_resets(territory):
    assert [throttle.hit("essai", "a", 60) for _ in range(3)] == [1, 2, 3]
    assert throttle.hit("essai", "b", 60) == 1 and throttle.current("essai", "a") == 3
    assert throttle.reset("essai", "a") and throttle.current("essai", "a") == 0


@pytest.mark.django_db(transaction=True)
def test_simultaneous_hits_never_read_the_same_count():
    counts = []
    run_together(8, lambda: counts.extend(throttle.hit("simultanés", "198.51.100.1", 60) for _ in range(10)))
    assert sorted(counts) == list(range(1, 81))


@pytest.mark.django_db
@pytest.mark.parametrize("linked", ["abc", f"element:{HUGE}", "outcome:", "element:-1"])
def test_a_malformed_grounding_filter_is_ignored(client, users, sud_est_vision, linked):
    client.force_login(users["se_animator"])
    response = client.get(reverse("visions:ground", args=[sud_est_vision.pk]), {"lie": linked})
    assert response.status_code in (200, 404)
