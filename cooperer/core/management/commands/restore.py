from django.core.management.base import BaseCommand, CommandError

from cooperer.core.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde faite par « cooperer backup ». Refuse une base qui contient déjà des tables, "
        "sauf avec --force (son contenu est alors remplacé). Arrêtez d'abord les serveurs et les exécuteurs."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="fichier de la sauvegarde")
        parser.add_argument("--force", action="store_true", help="remplacer le contenu d'une base non vide")

    def handle(self, *args, path, force, **options):
        try:
            restore(path, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Sauvegarde restaurée : {path}.")
