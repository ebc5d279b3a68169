from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "cooperer.calls"
    label = "calls"
    verbose_name = "Appels à projets"

    def ready(self):
        from cooperer.calls import jobs  # noqa: F401 - registers the job handlers
