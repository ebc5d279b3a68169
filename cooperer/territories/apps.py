from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "cooperer.territories"
    label = "territories"
    verbose_name = "Territoires"

    def ready(self):
        from cooperer.territories import jobs  # noqa: F401 - registers the job handlers
