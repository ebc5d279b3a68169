"""`cooperer backup` and `cooperer restore` on the engine of DATABASE_URL (SQLite or PostgreSQL): what was saved
comes back, a non-empty database is only replaced when told, and a fresh database receives the whole copy."""

import io
import os
import sqlite3
import subprocess
import sys
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cooperer.territories.models import Epci, Region

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_restore_brings_back_what_was_saved(territory, tmp_path):
    path = tmp_path / "sauvegarde.bin"
    call_command("backup", "--output", str(path), stdout=io.StringIO())
    assert path.stat().st_size > 0
    Epci.objects.filter(siren="244200770").update(name="Nom changé après la sauvegarde")
    Region.objects.create(code="11", name="Île-de-France")
    call_command("restore", str(path), "--force", stdout=io.StringIO())
    assert Epci.objects.get(siren="244200770").name == "Saint-Étienne Métropole"
    assert not Region.objects.filter(code="11").exists()
    assert Region.objects.filter(code="84").exists()


def test_after_a_restore_nothing_kept_under_the_restored_stamps_is_served(territory, tmp_path):
    from cooperer.core import pagecache

    path = tmp_path / "sauvegarde.bin"
    call_command("backup", "--output", str(path), stdout=io.StringIO())
    Epci.objects.filter(siren="244200770").update(name="Nom changé après la sauvegarde")
    seen = pagecache.cached_value(("territories",), "nom", lambda: Epci.objects.get(siren="244200770").name)
    assert seen == "Nom changé après la sauvegarde"
    call_command("restore", str(path), "--force", stdout=io.StringIO())
    # One write: the territories' stamp is back to the number it had when the changed name was kept.
    Region.objects.create(code="11", name="Île-de-France")
    again = pagecache.cached_value(("territories",), "nom", lambda: Epci.objects.get(siren="244200770").name)
    assert again == "Saint-Étienne Métropole"


def test_a_restore_into_a_database_with_tables_is_refused_unless_forced(territory, tmp_path):
    path = tmp_path / "sauvegarde.bin"
    call_command("backup", "--output", str(path), stdout=io.StringIO())
    Region.objects.create(code="11", name="Île-de-France")
    with pytest.raises(CommandError, match=r"contient déjà .* tables.*--force"):
        call_command("restore", str(path))
    assert Region.objects.filter(code="11").exists()  # nothing was touched


def test_a_file_that_is_not_a_backup_is_refused(territory, tmp_path):
    path = tmp_path / "pas-une-sauvegarde.bin"
    path.write_bytes(b"ceci n'est pas une sauvegarde" * 100)
    with pytest.raises(CommandError, match=r"sauvegarde|pg_restore"):
        call_command("restore", str(path), "--force")
    assert Epci.objects.filter(siren="244200770").exists()


def test_a_fresh_database_receives_the_whole_backup(territory, tmp_path):
    path = tmp_path / "sauvegarde.bin"
    call_command("backup", "--output", str(path), stdout=io.StringIO())
    if connection.vendor == "sqlite":
        target = tmp_path / "neuve.sqlite3"
        url = f"sqlite:///{target}"
    else:
        name = f"cooperer_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cooperer.settings.test"}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "cooperer.cli", "restore", str(path)],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "Sauvegarde restaurée" in result.stdout
        query = "SELECT name FROM territories_epci WHERE siren = '244200770'"
        if connection.vendor == "sqlite":
            names = sqlite3.connect(target).execute(query).fetchall()
        else:
            check = subprocess.run(
                ["psql", "-h", db["HOST"], "-U", db["USER"], "-d", name, "-tAc", query],
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            names = [(check.stdout.strip(),)]
        assert names == [("Saint-Étienne Métropole",)]
    finally:
        if connection.vendor != "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
