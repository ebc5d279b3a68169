"""Draft calls stay with those who may read them; the shared funding history is fed by managers only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperer.accounts.enums import Funder, Role
from cooperer.calls.enums import CallStatus
from cooperer.calls.models import ExternalGrant
from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
SCDL = (
    "nomAttribuant;idAttribuant;dateConvention;nomBeneficiaire;idBeneficiaire;objet;montant;nature\n"
    "Ville de Firminy;21420095100014;2025-03-01;Association;44306184100047;Soutien;1500;aide en numéraire\n"
)


@pytest.fixture
def draft(call):
    call.name = "Appel en préparation – santé mentale"
    call.status = CallStatus.DRAFT
    call.save()
    return call


@pytest.mark.parametrize(
    "who, sees", [("admin", True), ("se_animator", True), ("state_instructor", True), ("member", False),
                  ("m2a_animator", False), (None, False)],
)  # fmt: skip
def test_a_draft_call_is_listed_only_to_those_who_may_read_it(client, users, draft, who, sees):
    if who:
        client.force_login(users[who])
    html = client.get(reverse("calls:list")).content.decode()
    assert ("santé mentale" in html) is sees
    detail = client.get(draft.get_absolute_url()).status_code
    assert (detail == 200) is sees


def test_an_instructor_of_a_funder_the_draft_lacks_does_not_see_it(client, territory, draft):
    departement = make_user("cd42@exemple.fr", Role.INSTRUCTION, territory["sem"], Funder.DEPARTEMENT)
    client.force_login(departement)
    assert "santé mentale" not in client.get(reverse("calls:list")).content.decode()


@pytest.mark.parametrize("who", ["state_instructor", "member"])
def test_only_managers_import_scdl_publications(client, users, who):
    client.force_login(users[who])
    assert client.get(reverse("calls:scdl_import")).status_code == 403
    preview = Job.objects.create(kind="scdl_preview", label="Lecture", params={}, created_by=users[who],
                                 status=JobStatus.SUCCEEDED, result={"lignes lisibles": 1})  # fmt: skip
    assert client.post(reverse("calls:scdl_commit", args=[preview.pk])).status_code == 403
    assert not Job.objects.filter(kind="scdl_commit").exists()


def test_an_import_needs_a_preview_that_succeeded(client, users):
    client.force_login(users["se_animator"])
    failed = Job.objects.create(kind="scdl_preview", label="Lecture", params={"path": "/nulle/part", "name": "x.csv"},
                                created_by=users["se_animator"], status=JobStatus.FAILED)  # fmt: skip
    response = client.post(reverse("calls:scdl_commit", args=[failed.pk]), follow=True)
    assert "n&#x27;a pas abouti" in response.content.decode()
    assert not Job.objects.filter(kind="scdl_commit").exists() and not ExternalGrant.objects.exists()


def test_an_animatrice_starts_an_import(client, users):
    client.force_login(users["se_animator"])
    upload = SimpleUploadedFile("firminy.csv", SCDL.encode())
    response = client.post(reverse("calls:scdl_import"), {"file": upload})
    assert response.status_code == 302 and Job.objects.filter(kind="scdl_preview").exists()


@pytest.mark.parametrize("who, offered", [("se_animator", True), ("state_instructor", False)])
def test_the_committee_page_offers_the_scdl_import_to_managers_only(client, users, call, who, offered):
    client.force_login(users[who])
    html = client.get(reverse("calls:committee", args=[call.pk])).content.decode()
    assert (reverse("calls:scdl_import") in html) is offered
