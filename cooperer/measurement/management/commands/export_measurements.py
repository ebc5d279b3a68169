from django.core.management.base import BaseCommand

from cooperer.measurement import opendata


class Command(BaseCommand):
    help = (
        "Écrit les mesures publiques validées (CSV UTF-8, point-virgule ; petits effectifs masqués « secret ») "
        "et, avec --dictionary, le dictionnaire des indicateurs. Licence Ouverte 2.0."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="fichier CSV des mesures à écrire")
        parser.add_argument("--dictionary", default="", help="fichier CSV du dictionnaire des indicateurs")

    def handle(self, *args, out, dictionary="", **options):
        with open(out, "w", encoding="utf-8", newline="") as handle:
            written = opendata.write_csv(handle, opendata.measurement_rows())
        self.stdout.write(f"{written} mesure(s) écrite(s) dans {out}.")
        if dictionary:
            with open(dictionary, "w", encoding="utf-8", newline="") as handle:
                count = opendata.write_csv(handle, opendata.dictionary_rows())
            self.stdout.write(f"{count} indicateur(s) écrit(s) dans {dictionary}.")
