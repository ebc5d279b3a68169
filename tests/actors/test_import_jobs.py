import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperer.actors.models import Structure
from cooperer.jobs.models import Job
from tests.conftest import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def test_structure_imports_are_previewed_then_committed_by_the_worker(client, users, territory):
    client.force_login(users["se_animator"])
    upload = SimpleUploadedFile("s.csv", b"nom;code_insee_commune\nA;42218\nB;42218\n")
    client.post(reverse("actors:import"), {"file": upload})
    run_jobs()
    preview = Job.objects.get()
    html = client.get(preview.get_absolute_url()).content.decode()
    assert "Importer ces 2 structures" in html and Structure.objects.count() == 0
    client.post(reverse("actors:import_commit", args=[preview.pk]))
    run_jobs()
    assert Structure.objects.count() == 2
