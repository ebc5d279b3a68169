from django.core.management.base import BaseCommand, CommandError

from cooperer.calls.opendata import import_file
from cooperer.core.sources import SourceError, read_bytes

MAX_LISTED = 200


class Command(BaseCommand):
    help = (
        "Importe une publication SCDL « subventions » d'un autre financeur (CSV, encodage et séparateur détectés, "
        "gzip ou zip acceptés) pour les historiques de financement. Les lignes illisibles ou en double sont listées "
        "avec leur numéro et la raison ; le fichier n'est refusé en entier que s'il est illisible, trop grand ou n'a "
        "pas les colonnes du schéma. Réimporter un fichier remplace ses lignes précédentes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV SCDL")

    def handle(self, *args, file, **options):
        try:
            name, data = read_bytes(file)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        result = import_file(data, name)
        if result.unusable:
            raise CommandError(result.unusable)
        for row in result.rejected[:MAX_LISTED]:
            column = f", colonne {row.column}" if row.column else ""
            self.stderr.write(f"  ligne {row.line}{column} : {row.reason}")
        if len(result.rejected) > MAX_LISTED:
            self.stderr.write(f"  … et {len(result.rejected) - MAX_LISTED} autres lignes refusées.")
        self.stdout.write(
            f"{result.read} ligne(s) lue(s) et importée(s), {len(result.rejected)} refusée(s)"
            + (
                f" ; {result.replaced} ligne(s) d'un import précédent de ce fichier remplacée(s)."
                if result.replaced
                else "."
            )
        )
