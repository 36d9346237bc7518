from django.urls import path

from flexwork.common.views import evidence_download

urlpatterns = [
    path("evidence/<int:evidence_id>/download/", evidence_download, name="evidence-download"),
]
