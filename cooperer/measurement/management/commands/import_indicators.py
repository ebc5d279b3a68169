import sys

from django.core.management.base import BaseCommand, CommandError

from cooperer.core.commands import MAX_LISTED, report_preview
from cooperer.measurement import importers


class Command(BaseCommand):
    help = (
        "Aperçu de l'import de données de contexte des QPV (tableau INSEE ou ONPV : une ligne par QPV, une colonne "
        "par indicateur ; CSV ou Excel .xlsx) : liste chaque erreur (ligne, colonne, raison), les colonnes ignorées "
        "et les codes QPV inconnus, et sort en erreur s'il y en a. Avec --commit, écrit toutes les valeurs ou aucune."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FICHIER")
        parser.add_argument(
            "--dictionary", metavar="DICTIONNAIRE", help="dictionnaire des données : colonne, libelle, unite [, code] "
            "[, annee]",
        )  # fmt: skip
        parser.add_argument(
            "--year", type=int, metavar="ANNEE",
            help="année des valeurs (millésime), si le fichier n'a pas de colonne « annee »",
        )  # fmt: skip
        parser.add_argument(
            "--commit", action="store_true", help="écrire les valeurs (refusé s'il reste des erreurs)"
        )

    def handle(self, *args, file, dictionary, year, commit, **options):
        try:
            result = importers.preview(file, dictionary=dictionary, year=year, allow_new_indicators=True)
        except importers.ContextImportError as exc:
            for error in exc.errors[:MAX_LISTED]:
                self.stderr.write(f"  {error}")
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result.source} : {result.lines} ligne(s) lue(s), {len(result.qpv_ids)} QPV, "
            f"{len(result.values)} valeur(s) à enregistrer, {len(result.errors)} erreur(s)."
        )
        for row in result.per_indicator():
            self.stdout.write(
                f"  {row['colonne']} → {row['indicateur']} ({row['code']}) : {row['valeurs']} valeur(s), "
                f"{row['non publiées']} non publiée(s)"
            )
        for column, reason in result.ignored.items():
            self.stdout.write(f"  colonne ignorée « {column} » : {reason}")
        for indicator in result.new_indicators:
            self.stdout.write(f"  nouvel indicateur national : {indicator.code} ({indicator.name})")
        report_preview(self, result.warnings, result.errors, commit=commit, noun="valeurs")
        if not commit:
            return
        try:
            written = importers.commit(result)
        except importers.ContextImportError as exc:
            for error in exc.errors[:MAX_LISTED]:
                self.stderr.write(f"  {error}")
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Import terminé : {written['créées']} valeur(s) créée(s), {written['mises à jour']} mise(s) à "
                f"jour, {written['inchangées']} inchangée(s)."
            )
        )
        sys.stdout.flush()
