from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "cooperer.territories"
    label = "territories"
    verbose_name = "Territoires"

    def ready(self):
        from cooperer.territories import jobs, receivers  # noqa: F401 - job handlers, the QPVs' stamp
