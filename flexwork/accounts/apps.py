from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "flexwork.accounts"
    label = "accounts"
