from django.core.management.base import BaseCommand
from django.utils import timezone

from cooperer.actors.models import Person


class Command(BaseCommand):
    help = "Supprime les contacts dont la date de conservation est passée (RGPD). À planifier chaque nuit."

    def handle(self, *args, **options):
        deleted, _ = Person.objects.filter(retain_until__lt=timezone.localdate()).delete()
        self.stdout.write(f"{deleted} contact(s) supprimé(s) : date de conservation dépassée.")
