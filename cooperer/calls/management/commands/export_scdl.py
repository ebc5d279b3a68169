from django.core.management.base import BaseCommand, CommandError

from cooperer.accounts.enums import Funder
from cooperer.calls.models import Call
from cooperer.calls.opendata import export


class Command(BaseCommand):
    help = (
        "Écrit les subventions attribuées au format SCDL « subventions » 2.1.1 (CSV UTF-8), pour publication en "
        "données ouvertes : toutes les conventions, ou celles d'un appel (--call) ou d'un financeur (--funder)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="fichier CSV à écrire")
        parser.add_argument("--call", type=int, default=None, help="identifiant de l'appel à projets")
        parser.add_argument(
            "--funder", default="", choices=["", *Funder.values], help="financeur (etat, epci, caf…)"
        )

    def handle(self, *args, out, call=None, funder="", **options):
        chosen = None
        if call is not None:
            chosen = Call.objects.filter(pk=call).first()
            if chosen is None:
                raise CommandError(f"Aucun appel à projets n'a l'identifiant {call}.")
        with open(out, "w", encoding="utf-8", newline="") as handle:
            result = export(handle, chosen, funder)
        for line in result.skipped:
            self.stderr.write(f"  non publiée : {line}")
        self.stdout.write(f"{result.written} subvention(s) écrite(s) dans {out}" + (
            f" ; {len(result.skipped)} non publiée(s), voir ci-dessus." if result.skipped else "."
        ))  # fmt: skip
