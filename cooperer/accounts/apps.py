from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cooperer.accounts"
    label = "accounts"
    verbose_name = "Comptes et rôles"
