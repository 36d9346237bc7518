"""The installable app: the web app manifest, the service worker (served from the root so that its
scope is the whole site) and the offline page it shows when the network is gone.

The service worker pre-caches only the offline page and static files. It never caches a page, an API
response or anything but a GET: pages carry personal data, and a check-in must reach the server,
which times and places it (docs/rules.md §4)."""

from __future__ import annotations

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

THEME_COLOUR = "#0b4f8a"
BACKGROUND_COLOUR = "#ffffff"
ICONS = (
    ("icons/icon-192.png", "192x192", "image/png"),
    ("icons/icon-512.png", "512x512", "image/png"),
    ("favicon.svg", "any", "image/svg+xml"),
)
PRECACHED_STATIC = ("css/app.css", "js/app.js", "favicon.svg", "icons/icon-192.png")
SERVICE_WORKER = "js/sw.js"


def _agency_name(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    from flexwork.org.models import Agency, Employee

    name = request.session.get("fw_agency_name") if hasattr(request, "session") else None
    if name:
        return name
    agency_id = Employee.objects.filter(user_id=user.pk).values_list("agency_id", flat=True).first()
    return Agency.objects.filter(id=agency_id).values_list("name", flat=True).first() or ""


@require_GET
def web_manifest(request: HttpRequest) -> HttpResponse:
    name = _agency_name(request) or settings.SITE_NAME
    manifest = {
        "name": name,
        "short_name": settings.SITE_NAME,
        "lang": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else settings.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": staticfiles_storage.url(path), "sizes": sizes, "type": kind, "purpose": "any"}
            for path, sizes, kind in ICONS
        ],
    }
    response = HttpResponse(json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json")
    # The name depends on who asks: never shared by a cache.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))
    return response


@functools.cache
def _service_worker_source() -> str:
    path = finders.find(SERVICE_WORKER)
    if path:
        with open(path, encoding="utf-8") as source:
            return source.read()
    with staticfiles_storage.open(SERVICE_WORKER) as source:
        return source.read().decode("utf-8")


def _precache_urls() -> list[str]:
    return [reverse("offline"), *(staticfiles_storage.url(path) for path in PRECACHED_STATIC)]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js: the script of static/js/sw.js after the list of what it pre-caches. The version
    changes with the static files' hashed names, so a deployment replaces the old cache."""
    urls = _precache_urls()
    version = hashlib.sha256("\n".join([*urls, _service_worker_source()]).encode()).hexdigest()[:12]
    config = json.dumps({"version": version, "offline": reverse("offline"), "precache": urls})
    body = f"self.FLEXWORK_SW = {config};\n{_service_worker_source()}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows when a page cannot be reached: both languages, nothing
    personal (it is cached for everyone on the device)."""
    response = render(request, "common/offline.html")
    patch_cache_control(response, public=True, max_age=0)
    return response
