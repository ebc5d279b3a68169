"""Backups of the whole database with the engine's own tools: SQLite's online backup API (a consistent copy
while the application runs), PostgreSQL's `pg_dump -Fc` and `pg_restore`. A restore replaces what the database
holds, so it refuses a database that already has tables unless told to replace them (docs/deploy.md)."""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone


class BackupError(Exception):
    """Raised with a French message for the person running the command."""


def engine_of(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Sauvegarde impossible : moteur de base {vendor} non pris en charge.")
    return vendor


def default_path(alias: str = "default") -> Path:
    suffix = "sqlite3" if engine_of(alias) == "sqlite" else "dump"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "sauvegardes" / f"cooperer-{stamp}.{suffix}"


def backup(path: Path | None = None, alias: str = "default") -> Path:
    path = Path(path) if path else default_path(alias)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    if engine_of(alias) == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)  # pages copied consistently, writers wait only briefly
        finally:
            target.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path)], alias, "la sauvegarde")
    return path


def table_count(alias: str = "default") -> int:
    with connections[alias].cursor() as cursor:
        return len(connections[alias].introspection.table_names(cursor))


def restore(path: Path, force: bool = False, alias: str = "default") -> None:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Fichier de sauvegarde introuvable : {path}.")
    tables = table_count(alias)
    if tables and not force:
        raise BackupError(
            f"La base contient déjà {tables} tables : la restauration remplacerait tout leur contenu. "
            "Restaurez dans une base vide, ou relancez avec --force pour la remplacer."
        )
    connection = connections[alias]
    if engine_of(alias) == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} n'est pas une sauvegarde SQLite lisible.")
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} n'est pas une sauvegarde SQLite lisible ({exc}).") from exc
        finally:
            source.close()
        connection.close()
    else:
        connection.close()  # holds no lock while pg_restore replaces the tables
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(path)],
            alias,
            "la restauration",
            database_flag="--dbname",
        )
    # The stamps went back with the database: pages and values kept under stamps it had after the backup would be
    # found again under the same numbers, with other data behind them.
    cache.clear()


def _run(command: list[str], alias: str, what: str, database_flag: str = "") -> None:
    db = connections[alias].settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = []
    if db.get("HOST"):
        options += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        options += ["--port", str(db["PORT"])]
    if db.get("USER"):
        options += ["--username", str(db["USER"])]
    options += [database_flag, db["NAME"]] if database_flag else [db["NAME"]]
    try:
        result = subprocess.run(
            [command[0], *options, *command[1:]], env=env, capture_output=True, text=True, timeout=3600
        )
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} est introuvable : installez les outils clients de PostgreSQL."
        ) from exc
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-3:]
        raise BackupError(f"Échec de {what} ({command[0]}) : " + " ".join(detail))
