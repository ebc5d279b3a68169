from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ActorsConfig(AppConfig):
    name = "cooperer.actors"
    label = "actors"
    verbose_name = "Acteurs et coopérations"

    def ready(self):
        from cooperer.actors import jobs  # noqa: F401 - registers the job handlers
        from cooperer.actors.models import Structure
        from cooperer.core import fulltext

        fulltext.register(Structure)
        post_migrate.connect(fulltext.on_post_migrate, sender=self, dispatch_uid="actors-fulltext")
