"""API URLs of the shifts app: swaps (included by shifts/api_urls.py)."""

from django.urls import path

from shifts import api_swaps

urlpatterns: list = [
    path("duty-swaps/", api_swaps.SwapListApi.as_view(), name="api-duty-swaps"),
    path("duty-swaps/<int:swap_id>/", api_swaps.SwapDetailApi.as_view(), name="api-duty-swap"),
    *[
        path(
            f"duty-swaps/<int:swap_id>/{_action}/",
            getattr(api_swaps, f"Swap{_action.capitalize()}Api").as_view(),
            name=f"api-duty-swap-{_action}",
        )
        for _action in ("accept", "decline", "approve", "reject", "withdraw")
    ],
]
