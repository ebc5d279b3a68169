from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "cooperer.consultations"
    label = "consultations"
    verbose_name = "Concertations"

    def ready(self):
        from cooperer.consultations import jobs  # noqa: F401 - registers the job handlers
