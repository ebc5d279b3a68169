from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConsultationsConfig(AppConfig):
    name = "cooperer.consultations"
    label = "consultations"
    verbose_name = "Concertations"

    def ready(self):
        from cooperer.consultations import jobs  # noqa: F401 - registers the job handlers
        from cooperer.consultations.models import Contribution
        from cooperer.core import fulltext

        fulltext.register(Contribution)
        post_migrate.connect(fulltext.on_post_migrate, sender=self, dispatch_uid="consultations-fulltext")
