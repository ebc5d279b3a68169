from django.core.management.base import BaseCommand, CommandError

from cooperer.territories.importers import ReferenceImportError, import_reference

MAX_LISTED_ERRORS = 200


class Command(BaseCommand):
    help = (
        "Importe un fichier de référence officiel (contours ou liste des QPV, communes, EPCI, départements) "
        "depuis un chemin ou une URL. Rien n'est écrit si le fichier contient une erreur."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="CHEMIN_OU_URL")

    def handle(self, *args, **options):
        for source in options["sources"]:
            try:
                summary = import_reference(source)
            except ReferenceImportError as exc:
                for error in exc.errors[:MAX_LISTED_ERRORS]:
                    self.stderr.write(f"  {error}")
                if len(exc.errors) > MAX_LISTED_ERRORS:
                    self.stderr.write(f"  … et {len(exc.errors) - MAX_LISTED_ERRORS} autre(s) erreur(s).")
                raise CommandError(f"{source} : {exc}") from exc
            self.stdout.write(self.style.SUCCESS(f"{source} — {summary}"))
            for warning in summary.warnings:
                self.stdout.write(f"  avertissement : {warning}")
