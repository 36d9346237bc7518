from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "flexwork.org"
    label = "org"
