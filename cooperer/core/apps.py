from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cooperer.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self):
        import cooperer.core.lookups  # noqa: F401  (registers the integer `in` lookup)
