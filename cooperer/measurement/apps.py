from django.apps import AppConfig


class MeasurementConfig(AppConfig):
    name = "cooperer.measurement"
    label = "measurement"
    verbose_name = "Mesure partagée"

    def ready(self):
        from cooperer.measurement import (  # noqa: F401 - registers job handlers and receivers
            jobs_context,
            jobs_copil,
            jobs_uploads,
            receivers,
        )
