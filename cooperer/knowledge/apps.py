from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KnowledgeConfig(AppConfig):
    name = "cooperer.knowledge"
    label = "knowledge"
    verbose_name = "Capitalisation et essaimage"

    def ready(self):
        from cooperer.core import fulltext
        from cooperer.knowledge.factors import on_post_migrate
        from cooperer.knowledge.models import Record

        fulltext.register(Record)
        post_migrate.connect(fulltext.on_post_migrate, sender=self, dispatch_uid="knowledge-fulltext")
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="knowledge-factors")
