from django.urls import path

from flexwork.common import audit_views, pwa
from flexwork.common.views import evidence_download

urlpatterns = [
    path("evidence/<int:evidence_id>/download/", evidence_download, name="evidence-download"),
    path("manifest.webmanifest", pwa.web_manifest, name="web-manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/", pwa.offline, name="offline"),
    path("hr/audit/", audit_views.audit_list, name="hr-audit"),
    path("hr/audit/export/", audit_views.audit_export, name="hr-audit-export"),
]
