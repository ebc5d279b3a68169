from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "cooperer.calls"
    label = "calls"
    verbose_name = "Appels à projets"
