from django.apps import AppConfig


class VisionsConfig(AppConfig):
    name = "cooperer.visions"
    label = "visions"
    verbose_name = "Visions partagées"
