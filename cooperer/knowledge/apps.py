from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "cooperer.knowledge"
    label = "knowledge"
    verbose_name = "Capitalisation et essaimage"
