from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "cooperer.calls"
    label = "calls"
    verbose_name = "Appels à projets"

    def ready(self):
        from cooperer.calls import jobs, receivers  # noqa: F401 - job handlers, stamps of the overlap index
