from django.core.management.base import BaseCommand

from cooperer.consultations.retention import RUN_RETENTION_DAYS, purge_old_runs


class Command(BaseCommand):
    help = (
        f"Applique la durée de conservation des analyses (RGPD) : supprime celles de plus de {RUN_RETENTION_DAYS} "
        "jours, sauf la dernière de chaque concertation. Lancée chaque jour par le traitement quotidien."
    )

    def handle(self, *args, **options):
        deleted = purge_old_runs()
        self.stdout.write(f"{deleted} analyse(s) supprimée(s) : durée de conservation dépassée.")
