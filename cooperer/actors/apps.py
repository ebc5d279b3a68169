from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "cooperer.actors"
    label = "actors"
    verbose_name = "Acteurs et coopérations"
