from django.urls import path

from flexwork.common import pwa
from flexwork.common.views import evidence_download

urlpatterns = [
    path("evidence/<int:evidence_id>/download/", evidence_download, name="evidence-download"),
    path("manifest.webmanifest", pwa.web_manifest, name="web-manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/", pwa.offline, name="offline"),
]
