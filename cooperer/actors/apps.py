from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "cooperer.actors"
    label = "actors"
    verbose_name = "Acteurs et coopérations"

    def ready(self):
        from cooperer.actors import jobs  # noqa: F401 - registers the job handlers
