from django.core.management.base import BaseCommand

from cooperer.jobs.probe import start_probes


class Command(BaseCommand):
    help = (
        "Met en file des traitements de vérification qui ne font qu'attendre, pour voir les exécuteurs les "
        "prendre (page « Traitements »)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jobs", type=int, default=10, help="nombre de traitements (par défaut 10)")
        parser.add_argument("--seconds", type=float, default=0.0, help="durée de chacun, en secondes")

    def handle(self, *args, jobs, seconds, **options):
        started = start_probes(max(1, jobs), seconds)
        self.stdout.write(
            f"{len(started)} traitements de vérification en file (n° {started[0].pk} et suivants)."
        )
