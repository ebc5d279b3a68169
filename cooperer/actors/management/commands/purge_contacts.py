import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from cooperer.actors.models import Person
from cooperer.audit.enums import Action
from cooperer.audit.services import record
from cooperer.consultations.models import Contribution

# The address hash of a public contribution only serves the per-minute limit: two days is plenty.
CLIENT_HASH_DAYS = 2


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation (RGPD) : supprime les contacts dont la date de conservation est "
        "passée et efface l'empreinte d'adresse des contributions publiques de plus de deux jours. "
        "À planifier chaque nuit."
    )

    def handle(self, *args, **options):
        deleted, _ = Person.objects.filter(retain_until__lt=timezone.localdate()).delete()
        if deleted:
            record(
                Action.CONTACTS_PURGED, label="Commande purge-contacts", after={"contacts supprimés": deleted}
            )
        self.stdout.write(f"{deleted} contact(s) supprimé(s) : date de conservation dépassée.")
        since = timezone.now() - datetime.timedelta(days=CLIENT_HASH_DAYS)
        cleared = (
            Contribution.objects.filter(created_at__lt=since).exclude(client_hash="").update(client_hash="")
        )
        self.stdout.write(f"{cleared} empreinte(s) d'adresse effacée(s) sur les contributions publiques.")
