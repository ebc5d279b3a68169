"""A preview that fails or finds errors deletes its uploaded file: it will never be imported."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperer.core.uploads import discard_upload
from cooperer.jobs.models import Job
from tests.conftest import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def _preview_of(client, content: bytes) -> Job:
    client.post(reverse("actors:import"), {"file": SimpleUploadedFile("structures.csv", content)})
    run_jobs()
    return Job.objects.get(kind="structures_preview")


def test_a_failed_preview_deletes_its_file(client, users, territory):
    client.force_login(users["se_animator"])
    preview = _preview_of(client, b"\x00\x01\x02 pas un tableau")
    assert preview.status == "failed"
    assert not Path(preview.params["path"]).exists()


def test_a_preview_with_errors_deletes_its_file(client, users, territory):
    client.force_login(users["se_animator"])
    preview = _preview_of(client, b"nom;code_insee_commune\nA;42000\n")
    assert preview.status == "succeeded" and preview.errors
    assert not Path(preview.params["path"]).exists()


def test_a_good_preview_keeps_its_file_for_the_import(client, users, territory):
    client.force_login(users["se_animator"])
    preview = _preview_of(client, b"nom;code_insee_commune\nA;42218\n")
    assert Path(preview.params["path"]).exists()


def test_only_uploaded_files_are_ever_discarded(tmp_path):
    outside = tmp_path / "mon-fichier.csv"
    outside.write_text("nom\n")
    assert not discard_upload(str(outside)) and outside.exists()
    inside = Path(settings.VAR_DIR) / "uploads" / "essai" / "a-supprimer.csv"
    inside.parent.mkdir(parents=True, exist_ok=True)
    inside.write_text("nom\n")
    assert discard_upload(str(inside)) and not inside.exists()
