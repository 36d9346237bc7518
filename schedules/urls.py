"""Arrangement pages. Notifications link to /arrangements/<id>/ and /schedule/: keep those paths."""

from django.urls import path, re_path

from schedules import directive_views, request_views, views

urlpatterns = [
    path("arrangements/", views.my_requests, name="schedules-my-requests"),
    path("arrangements/new/", request_views.request_new, name="schedules-request-new"),
    path("arrangements/new/days/", request_views.request_new_days, name="schedules-request-new-days"),
    path("arrangements/check/", request_views.request_rule_check, name="schedules-request-rule-check"),
    path("arrangements/queue/", views.approval_queue, name="schedules-queue"),
    path("arrangements/queue/approve/", views.queue_bulk_approve, name="schedules-queue-bulk-approve"),
    path("arrangements/all/", views.all_requests, name="schedules-all-requests"),
    path("arrangements/<int:arrangement_id>/", views.request_detail, name="schedules-request-detail"),
    path("arrangements/<int:arrangement_id>/edit/", request_views.request_edit, name="schedules-request-edit"),
    re_path(
        r"^arrangements/(?P<arrangement_id>[0-9]+)/edit/(?P<step>days|plan|check)/$",
        request_views.request_step,
        name="schedules-request-step",
    ),
    path("arrangements/<int:arrangement_id>/sent/", request_views.request_sent, name="schedules-request-sent"),
    path("arrangements/<int:arrangement_id>/<str:action>/", views.request_action, name="schedules-request-action"),
    path("schedule/", views.my_calendar, name="schedules-my-calendar"),
    path("schedule/team/", views.team_calendar, name="schedules-team-calendar"),
    path("schedule/recall/", views.recall, name="schedules-recall"),
    path("schedule/directives/", directive_views.directives, name="schedules-directives"),
    path("schedule/directives/<int:directive_id>/", directive_views.directive_detail, name="schedules-directive"),
    path(
        "schedule/directives/<int:directive_id>/withdraw/",
        directive_views.directive_withdraw_view,
        name="schedules-directive-withdraw",
    ),
    path("schedule/delegations/", views.delegations, name="schedules-delegations"),
    path(
        "schedule/delegations/<int:delegation_id>/revoke/",
        views.delegation_revoke,
        name="schedules-delegation-revoke",
    ),
    path("schedule/feeds/", views.feed_create, name="schedules-feed-create"),
    path("schedule/feeds/<int:feed_id>/revoke/", views.feed_revoke, name="schedules-feed-revoke"),
    path("schedule/ical/<str:token>.ics", views.ical_feed, name="schedules-ical"),
]
