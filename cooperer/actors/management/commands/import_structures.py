import sys

from django.core.management.base import BaseCommand, CommandError

from cooperer.actors import importers
from cooperer.audit.enums import Action
from cooperer.audit.services import record
from cooperer.core.commands import report_preview


class Command(BaseCommand):
    help = (
        "Aperçu de l'import de structures (CSV, Excel .xlsx ou fichier ANCT .json) : liste chaque erreur "
        "(ligne, colonne, raison) et sort en erreur s'il y en a. Avec --commit, écrit toutes les lignes ou aucune."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FICHIER")
        parser.add_argument(
            "--commit", action="store_true", help="écrire les structures (refusé s'il reste des erreurs)"
        )

    def handle(self, *args, file, commit, **options):
        try:
            result = importers.preview(file)
        except importers.StructureImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result.source} : {len(result.rows)} ligne(s) lue(s), {result.creates} à créer, "
            f"{result.updates} à mettre à jour, {len(result.errors)} erreur(s)."
        )
        report_preview(self, result.warnings, result.errors, commit=commit, noun="structures")
        if not commit:
            return
        written = importers.commit(result)
        record(
            Action.DATA_IMPORTED,
            label=f"Structures et contacts : {result.source} (ligne de commande)",
            after=written,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Import terminé : {written['créées']} créée(s), {written['mises à jour']} mise(s) à jour."
            )
        )
        sys.stdout.flush()
