"""Leave balance paths under /api/v1/ (docs/api.md)."""

from django.urls import path

from leave import apis

urlpatterns = [
    path("leave-balances/", apis.LeaveBalanceListApi.as_view(), name="api-leave-balances"),
]
