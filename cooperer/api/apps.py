from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cooperer.api"
    verbose_name = "API ouverte"
