"""Arrangement, schedule-day, team-calendar, delegation, directive and recall paths under /api/v1/ (docs/api.md)."""

from django.urls import path

from schedules.apis import admin, arrangements, calendar

urlpatterns = [
    path("arrangements/", arrangements.ArrangementListApi.as_view(), name="api-arrangements"),
    path("arrangements/check/", arrangements.ArrangementCheckApi.as_view(), name="api-arrangement-check"),
    path("arrangements/<int:arrangement_id>/", arrangements.ArrangementDetailApi.as_view(), name="api-arrangement"),
    path(
        "arrangements/<int:arrangement_id>/submit/",
        arrangements.ArrangementSubmitApi.as_view(),
        name="api-arrangement-submit",
    ),
    path(
        "arrangements/<int:arrangement_id>/recommend/",
        arrangements.ArrangementRecommendApi.as_view(),
        name="api-arrangement-recommend",
    ),
    path(
        "arrangements/<int:arrangement_id>/approve/",
        arrangements.ArrangementApproveApi.as_view(),
        name="api-arrangement-approve",
    ),
    path(
        "arrangements/<int:arrangement_id>/reject/",
        arrangements.ArrangementRejectApi.as_view(),
        name="api-arrangement-reject",
    ),
    path(
        "arrangements/<int:arrangement_id>/return/",
        arrangements.ArrangementReturnApi.as_view(),
        name="api-arrangement-return",
    ),
    path(
        "arrangements/<int:arrangement_id>/withdraw/",
        arrangements.ArrangementWithdrawApi.as_view(),
        name="api-arrangement-withdraw",
    ),
    path(
        "arrangements/<int:arrangement_id>/cancel/",
        arrangements.ArrangementCancelApi.as_view(),
        name="api-arrangement-cancel",
    ),
    path(
        "arrangements/<int:arrangement_id>/revoke/",
        arrangements.ArrangementRevokeApi.as_view(),
        name="api-arrangement-revoke",
    ),
    path("schedule-days/", calendar.ScheduleDayListApi.as_view(), name="api-schedule-days"),
    path("team-calendar/", calendar.TeamCalendarApi.as_view(), name="api-team-calendar"),
    path("delegations/", admin.DelegationListApi.as_view(), name="api-delegations"),
    path("delegations/<int:delegation_id>/", admin.DelegationDetailApi.as_view(), name="api-delegation"),
    path("directives/", admin.DirectiveListApi.as_view(), name="api-directives"),
    path("directives/<int:directive_id>/", admin.DirectiveDetailApi.as_view(), name="api-directive"),
    path("recalls/", admin.RecallListApi.as_view(), name="api-recalls"),
    path("recalls/<int:recall_id>/", admin.RecallDetailApi.as_view(), name="api-recall"),
]
