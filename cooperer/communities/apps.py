from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "cooperer.communities"
    label = "communities"
    verbose_name = "Communautés d'action"
