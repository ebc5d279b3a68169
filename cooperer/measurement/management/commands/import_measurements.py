import sys

from django.core.management.base import BaseCommand, CommandError

from cooperer.core.commands import report_preview
from cooperer.measurement import uploads
from cooperer.measurement.enums import MeasurementSource
from cooperer.territories.models import Epci


class Command(BaseCommand):
    help = (
        "Aperçu de l'import de mesures en masse (CSV ou Excel .xlsx, une ligne par mesure : indicateur, action, QPV "
        "ou changement attendu, début, fin, valeur, ventilations) : compte les mesures et liste chaque erreur "
        "(ligne, colonne, raison), et sort en erreur s'il y en a. Avec --commit, écrit toutes les mesures ou aucune ; "
        "un fichier déjà importé est refusé."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FICHIER")
        parser.add_argument(
            "--commit", action="store_true", help="écrire les mesures (refusé s'il reste des erreurs)"
        )
        parser.add_argument(
            "--epci", metavar="SIREN", help="n'accepter que les mesures de ce territoire (SIREN de l'EPCI)"
        )

    def handle(self, *args, file, commit, epci, **options):
        epci_id = None
        if epci:
            epci_id = Epci.objects.filter(siren=epci.strip()).values_list("pk", flat=True).first()
            if epci_id is None:
                raise CommandError(f"EPCI inconnu : {epci} (SIREN attendu, 9 chiffres).")
        try:
            result = uploads.preview(file, uploader=uploads.Uploader(epci_id=epci_id))
        except uploads.UploadError as exc:
            raise CommandError(str(exc)) from exc
        summary = result.summary()
        self.stdout.write(
            f"{result.source} : {result.lines} ligne(s) lue(s), {len(result.rows)} mesure(s) à enregistrer "
            f"({summary['actions']} action(s), {summary['QPV']} QPV, {summary['changements attendus']} "
            f"changement(s) attendu(s)), {len(result.errors)} erreur(s)."
        )
        report_preview(self, result.warnings, result.errors, commit=commit, noun="mesures")
        if not commit:
            return
        try:
            written = uploads.commit(result, source=MeasurementSource.COMMAND)
        except uploads.UploadError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Import terminé : {written['créées']} mesure(s) créée(s), {written['mises à jour']} mise(s) à "
                f"jour, {written['inchangées']} inchangée(s)."
            )
        )
        sys.stdout.flush()
