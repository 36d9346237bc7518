import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flexwork.settings.production")

application = get_wsgi_application()


def warm_up() -> None:
    """Load what Django otherwise loads on a worker's first request: every URLconf (and so every view
    module) and both translation catalogues. gunicorn imports this module once in its master
    (preload_app), so a worker that replaces another after max_requests starts warm instead of making
    its first callers wait. Touches no database."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().reverse_dict  # noqa: B018 (populates the resolver, importing every URLconf)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Attendance")


warm_up()
