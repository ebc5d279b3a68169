from django.apps import AppConfig


class MeasurementConfig(AppConfig):
    name = "cooperer.measurement"
    label = "measurement"
    verbose_name = "Mesure partagée"

    def ready(self):
        from cooperer.measurement import jobs_copil, jobs_uploads, receivers  # noqa: F401 - registers handlers
