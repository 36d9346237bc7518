"""/api/schema/ from memory: the OpenAPI document takes about a second to generate, and it only
changes when the code does. Each process keeps the rendered bytes per language, version and format;
a deploy starts new processes, so a new release never serves the old schema. The key also holds the
URLconf's name and the code version (pyproject.toml), so a test or a process that swaps either one
gets a schema of its own. At most MAX_ENTRIES documents are kept: `?lang=` and `?version=` are the
caller's to choose."""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView

from flexwork.health.version import code_version

MAX_ENTRIES = 16

_documents: OrderedDict[tuple, tuple[bytes, str, str]] = OrderedDict()
_lock = threading.Lock()


def schema_cache_clear() -> None:
    with _lock:
        _documents.clear()


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "SPECTACULAR_SETTINGS", "REST_FRAMEWORK", "LANGUAGES", "INSTALLED_APPS"):
        schema_cache_clear()


def _language(lang: str | None) -> str:
    """The catalogue `?lang=` selects (drf-spectacular activates it as given): a supported code, or the
    default language for anything else, so "xx" and "id" share one document."""
    if not lang:
        return translation.get_language()
    try:
        return translation.get_supported_language_variant(lang)
    except LookupError:
        return settings.LANGUAGE_CODE


class CachedSpectacularAPIView(SpectacularAPIView):
    @extend_schema(**SCHEMA_KWARGS)  # as the parent's: the schema view is not part of the schema
    def get(self, request, *args, **kwargs):
        language = _language(request.GET.get("lang") if settings.USE_I18N else None)
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (
            code_version(),
            settings.ROOT_URLCONF,
            language,
            version,
            request.accepted_renderer.format,
            request.accepted_media_type,
        )
        with _lock:
            cached = _documents.get(key)
            if cached is not None:
                _documents.move_to_end(key)
        if cached is None:
            # One generation at a time: callers arriving meanwhile wait and then read the result.
            with _generating:
                with _lock:
                    cached = _documents.get(key)
                if cached is None:
                    cached = self._render(request, *args, **kwargs)
                    with _lock:
                        _documents[key] = cached
                        while len(_documents) > MAX_ENTRIES:
                            _documents.popitem(last=False)
        content, content_type, disposition = cached
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = disposition
        return response

    def _render(self, request, *args, **kwargs) -> tuple[bytes, str, str]:
        response = super().get(request, *args, **kwargs)
        response.accepted_renderer = request.accepted_renderer
        response.accepted_media_type = request.accepted_media_type
        response.renderer_context = self.get_renderer_context()
        response.render()
        return response.content, response["Content-Type"], response["Content-Disposition"]


_generating = threading.Lock()
