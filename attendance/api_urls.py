"""Attendance, corrections, leave and output-log paths under /api/v1/ (docs/api.md)."""

from django.urls import path

from attendance.apis import checks, requests, worklogs

urlpatterns = [
    path("attendance/check-in/", checks.CheckInApi.as_view(), name="api-attendance-check-in"),
    path("attendance/check-out/", checks.CheckOutApi.as_view(), name="api-attendance-check-out"),
    path("attendance/days/", checks.DayStatusListApi.as_view(), name="api-attendance-days"),
    path("attendance/corrections/", requests.CorrectionListApi.as_view(), name="api-corrections"),
    path(
        "attendance/corrections/<int:correction_id>/",
        requests.CorrectionDetailApi.as_view(),
        name="api-correction",
    ),
    path("leaves/", requests.LeaveListApi.as_view(), name="api-leaves"),
    path("leaves/<int:leave_id>/", requests.LeaveDetailApi.as_view(), name="api-leave"),
    path("leaves/<int:leave_id>/change-dates/", requests.LeaveChangeDatesApi.as_view(), name="api-leave-change-dates"),
    path("leaves/<int:leave_id>/defer/", requests.LeaveDeferApi.as_view(), name="api-leave-defer"),
    path("worklogs/", worklogs.WorkLogListApi.as_view(), name="api-worklogs"),
    path("worklogs/<int:worklog_id>/", worklogs.WorkLogDetailApi.as_view(), name="api-worklog"),
    path("worklogs/<int:worklog_id>/verify/", worklogs.WorkLogVerifyApi.as_view(), name="api-worklog-verify"),
]

for _action in ("submit", "recommend", "approve", "reject", "return", "withdraw"):
    urlpatterns.append(
        path(
            f"attendance/corrections/<int:correction_id>/{_action}/",
            getattr(requests, f"Correction{_action.capitalize()}Api").as_view(),
            name=f"api-correction-{_action}",
        )
    )
for _action in ("submit", "recommend", "approve", "reject", "return", "withdraw", "cancel", "revoke"):
    urlpatterns.append(
        path(
            f"leaves/<int:leave_id>/{_action}/",
            getattr(requests, f"Leave{_action.capitalize()}Api").as_view(),
            name=f"api-leave-{_action}",
        )
    )
