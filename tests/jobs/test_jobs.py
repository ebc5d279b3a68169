import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperer.jobs.enums import JobStatus
from cooperer.jobs.models import Job
from cooperer.territories.models import Qpv
from tests.conftest import run_jobs, square

pytestmark = pytest.mark.django_db(transaction=True)


def geojson_upload(features, name="qpv.geojson"):
    body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    return SimpleUploadedFile(name, body, content_type="application/geo+json")


def feature(code, name):
    return {
        "type": "Feature",
        "properties": {"code_qp": code, "lib_qp": name, "insee_com": "42218"},
        "geometry": square(4.5, 45.5),
    }


def run_worker():
    run_jobs()


def test_an_import_runs_in_the_background_and_shows_its_result(client, users):
    client.force_login(users["admin"])
    response = client.post(
        reverse("territories:import"), {"file": geojson_upload([feature("QN04213M", "Montreynaud")])}
    )
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.QUEUED
    assert "En attente" in client.get(job.get_absolute_url()).content.decode()
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.progress) == (JobStatus.SUCCEEDED, 100)
    assert Qpv.objects.filter(code="QN04213M").exists()
    html = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Terminé" in html and "hx-trigger" not in html


def test_a_failed_import_lists_its_row_errors_and_imports_nothing(client, users):
    client.force_login(users["admin"])
    client.post(
        reverse("territories:import"),
        {"file": geojson_upload([feature("QN04213M", "A"), feature("XX", "B")])},
    )
    run_worker()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.errors[0]["ligne"] == 2
    html = client.get(job.get_absolute_url()).content.decode()
    assert "Rien n'a été importé" in html
    assert Qpv.objects.filter(code="QN04213M").count() == 0


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("virus.exe", 10, "Type de fichier refusé"),
        ("enorme.csv", 60 * 1024 * 1024, "Fichier trop volumineux"),
    ],
)
def test_uploads_are_checked_for_type_and_size(client, users, name, size, message):
    client.force_login(users["admin"])
    upload = SimpleUploadedFile(name, b"x" * size)
    html = client.post(reverse("territories:import"), {"file": upload}).content.decode()
    assert message in html
    assert Job.objects.count() == 0


@pytest.mark.parametrize("who", ["se_animator", "state_instructor", "member"])
def test_only_administrators_import_reference_data(client, users, who):
    client.force_login(users[who])
    assert client.get(reverse("territories:import")).status_code == 403


def test_people_see_only_their_own_jobs(client, users):
    client.force_login(users["admin"])
    client.post(reverse("territories:import"), {"file": geojson_upload([feature("QN04213M", "Montreynaud")])})
    job = Job.objects.get()
    client.force_login(users["se_animator"])
    assert client.get(job.get_absolute_url()).status_code == 404
    assert job.label not in client.get(reverse("jobs:list")).content.decode()
