from django.urls import path

from flexwork.common.apis import EvidenceDetailApi, EvidenceDownloadApi, EvidenceUploadApi
from flexwork.common.audit_apis import AuditEventListApi

urlpatterns = [
    path("audit/", AuditEventListApi.as_view(), name="api-audit-list"),
    path("evidence/", EvidenceUploadApi.as_view(), name="api-evidence-upload"),
    path("evidence/<int:evidence_id>/", EvidenceDetailApi.as_view(), name="api-evidence-detail"),
    path("evidence/<int:evidence_id>/download/", EvidenceDownloadApi.as_view(), name="api-evidence-download"),
]
