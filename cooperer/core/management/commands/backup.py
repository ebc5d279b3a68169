from django.core.management.base import BaseCommand, CommandError

from cooperer.core.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Sauvegarde toute la base : copie en ligne pour SQLite, pg_dump (format personnalisé) pour PostgreSQL. "
        "Par défaut dans var/sauvegardes/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="fichier de la sauvegarde")

    def handle(self, *args, output=None, **options):
        try:
            path = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Sauvegarde écrite : {path} ({path.stat().st_size} octets).")
