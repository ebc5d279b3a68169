from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cooperer.accounts"
    label = "accounts"
    verbose_name = "Comptes et rôles"

    def ready(self):
        import cooperer.accounts.receivers  # noqa: F401  (lockout counters, role grants in the journal)
