import json
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cooperer.core import national


class Command(BaseCommand):
    help = (
        "Remplit la base avec le jeu de données national des bancs d'essai (docs/national-dataset.md) : les 1 584 "
        "QPV avec leurs contours et indicateurs de contexte réels (fichiers officiels de --reference-dir ou "
        "COOPERER_REFERENCE_DIR), et, à l'échelle 1, 50 000 structures, 200 000 liens, 500 communautés, "
        "1 000 000 de contributions, 20 000 demandes, 100 000 subventions et 1 000 000 de mesures, toutes "
        "fictives et marquées comme telles. Même graine, même jeu de données. Refuse une base non vide sans --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="taille relative (0 < échelle ≤ 1)")
        parser.add_argument("--seed", type=int, default=42, help="graine du tirage (déterministe)")
        parser.add_argument(
            "--reference-dir", default=None, help="dossier des fichiers de référence officiels"
        )
        parser.add_argument(
            "--squares", action="store_true",
            help="sans fichiers officiels : 1 584 QPV fictifs aux contours carrés et des valeurs de contexte générées",
        )  # fmt: skip
        parser.add_argument("--force", action="store_true", help="vider d'abord une base qui n'est pas vide")

    def handle(self, *args, scale, seed, reference_dir, squares, force, **options):
        folder = (
            "" if squares else (settings.COOPERER_REFERENCE_DIR if reference_dir is None else reference_dir)
        )
        if not folder and not squares:
            self.stderr.write(
                "Aucun dossier de fichiers de référence : indiquez --reference-dir ou COOPERER_REFERENCE_DIR "
                "(contours et indicateurs officiels des QPV), ou --squares pour des contours générés."
            )
            sys.exit(2)
        call_command("migrate", verbosity=0, interactive=False)
        if not national.is_empty():
            if not force:
                raise CommandError(
                    "La base n'est pas vide : le jeu national ne remplit qu'une base vide. --force la vide d'abord."
                )
            call_command("flush", interactive=False, verbosity=0)
        dataset = national.NationalDataset(
            scale=scale, seed=seed, reference_dir=folder, log=lambda message: self.stderr.write(message)
        )
        try:
            dataset.check_reference()
        except national.NationalDataError as exc:
            self.stderr.write(str(exc))
            sys.exit(2)
        summary = dataset.generate()
        self.stdout.write(json.dumps({"scale": scale, "seed": seed, **summary}, ensure_ascii=False))
