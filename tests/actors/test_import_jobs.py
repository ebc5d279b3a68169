from pathlib import Path

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


def test_import_jobs_name_the_uploaded_file_not_its_stored_copy(client, users, territory):
    client.force_login(users["se_animator"])
    upload = SimpleUploadedFile("annuaire quartiers.csv", b"nom;code_insee_commune\nA;42218\nB;42000\n")
    client.post(reverse("actors:import"), {"file": upload})
    run_jobs()
    preview = Job.objects.get()
    stored = Path(preview.params["path"]).name
    html = client.get(preview.get_absolute_url()).content.decode()
    assert "annuaire quartiers.csv" in preview.label and preview.result["fichier"] == "annuaire quartiers.csv"
    assert stored not in html and stored not in str(preview.result)
    assert (preview.result["à créer"], preview.result["en erreur"]) == (1, 1)
    assert "ressemble à un code postal" in html


def test_a_commit_whose_file_is_gone_names_the_uploaded_file(client, users, territory):
    client.force_login(users["se_animator"])
    upload = SimpleUploadedFile("structures-2026.csv", b"nom;code_insee_commune\nA;42218\n")
    client.post(reverse("actors:import"), {"file": upload})
    run_jobs()
    preview = Job.objects.get()
    Path(preview.params["path"]).unlink()
    client.post(reverse("actors:import_commit", args=[preview.pk]))
    run_jobs()
    commit = Job.objects.exclude(pk=preview.pk).get()
    assert commit.status == "failed"
    assert "structures-2026.csv" in commit.message and preview.params["path"] not in commit.message


def test_a_broken_file_fails_the_preview_job_with_a_french_reason(client, users, territory):
    client.force_login(users["se_animator"])
    upload = SimpleUploadedFile("s.csv", b"nom;description\nA;" + b"x" * 131_073 + b"\n")
    client.post(reverse("actors:import"), {"file": upload})
    run_jobs()
    preview = Job.objects.get()
    assert preview.status == "failed"
    assert preview.message.startswith("Ligne 2 : une valeur dépasse 100\u202f000 caractères")
