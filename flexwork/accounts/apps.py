from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "flexwork.accounts"
    label = "accounts"

    def ready(self):
        # Connect the signal receivers and register the OpenAPI security schemes.
        from flexwork.accounts import receivers, schema  # noqa: F401
        from flexwork.accounts.reset import kinds_register

        kinds_register()
