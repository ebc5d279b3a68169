from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from cooperer.measurement.reminders import send_reminders


class Command(BaseCommand):
    help = "Envoie les rappels et relances des bilans (à lancer chaque jour)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None)

    def handle(self, *args, **options):
        sent = send_reminders(options["today"] or timezone.localdate())
        self.stdout.write(f"{sent} bilan(s) relancé(s).")
