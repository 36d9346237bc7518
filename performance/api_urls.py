"""Performance paths under /api/v1/ (docs/api.md)."""

from django.urls import path

from performance import apis

urlpatterns = [
    path("skp/", apis.SkpListApi.as_view(), name="api-skp-list"),
    path("skp/<int:skp_id>/", apis.SkpDetailApi.as_view(), name="api-skp-detail"),
    path("skp/<int:skp_id>/submit/", apis.SkpSubmitApi.as_view(), name="api-skp-submit"),
    path("skp/<int:skp_id>/approve/", apis.SkpApproveApi.as_view(), name="api-skp-approve"),
    path("skp/<int:skp_id>/return/", apis.SkpReturnApi.as_view(), name="api-skp-return"),
    path("indicators/", apis.IndicatorListApi.as_view(), name="api-indicator-list"),
    path("indicators/<int:indicator_id>/", apis.IndicatorDetailApi.as_view(), name="api-indicator-detail"),
    path("realisations/", apis.RealisationListApi.as_view(), name="api-realisation-list"),
    path("evaluations/", apis.EvaluationListApi.as_view(), name="api-evaluation-list"),
    path("evaluations/<int:evaluation_id>/", apis.EvaluationDetailApi.as_view(), name="api-evaluation-detail"),
    path("feedback/", apis.FeedbackListApi.as_view(), name="api-feedback-list"),
]
