from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cooperer.core"
    label = "core"
    verbose_name = "Socle"
