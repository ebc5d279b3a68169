from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cooperer.audit"
    label = "audit"
    verbose_name = "Journal des actes"

    def ready(self):
        import cooperer.audit.receivers  # noqa: F401  (logins and failed logins)
