import json
import time

from django.core.management.base import BaseCommand, CommandError

from cooperer.territories.services import PointFileError, annotate_points_file, qpv_locator


class Command(BaseCommand):
    help = (
        "Trouve le QPV qui contient un point (LON LAT en degrés WGS84), ou ajoute code_qpv et nom_qpv à "
        "chaque ligne d'un CSV qui a des colonnes lon et lat (--csv ENTREE --out SORTIE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("lon", nargs="?", help="longitude, ex. 4.4036")
        parser.add_argument("lat", nargs="?", help="latitude, ex. 45.4253")
        parser.add_argument("--csv", dest="csv_in", help="fichier CSV avec des colonnes lon et lat")
        parser.add_argument("--out", dest="csv_out", help="fichier CSV à écrire")

    def handle(self, *args, lon=None, lat=None, csv_in=None, csv_out=None, **options):
        locator = qpv_locator()
        if not len(locator):
            raise CommandError(
                "Aucun contour de QPV n'est chargé : lancez d'abord « cooperer import-reference »."
            )
        if csv_in:
            if not csv_out:
                raise CommandError("Précisez le fichier de sortie avec --out.")
            started = time.perf_counter()
            try:
                figures = annotate_points_file(csv_in, csv_out, locator)
            except PointFileError as exc:
                raise CommandError(str(exc)) from exc
            figures["secondes"] = round(time.perf_counter() - started, 2)
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
            return
        if lon is None or lat is None:
            raise CommandError("Donnez une longitude et une latitude (ex. : cooperer qpv-at 4.4036 45.4253).")
        try:
            x, y = float(lon.replace(",", ".")), float(lat.replace(",", "."))
        except ValueError as exc:
            raise CommandError(f"Coordonnées illisibles : « {lon} » « {lat} ».") from exc
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            raise CommandError(
                f"Coordonnées hors limites ({x}, {y}) : attendu une longitude entre -180 et 180 "
                "et une latitude entre -90 et 90 (WGS84, en degrés)."
            )
        area = locator.locate_one(x, y)
        if area is None:
            self.stdout.write(f"Le point ({x}, {y}) n'est dans aucun QPV.")
        else:
            self.stdout.write(f"{area.code}\t{area.name}")
