"""Page URLs of the shifts app: swaps and my duties (included by shifts/urls.py)."""

from django.urls import path

from shifts import swap_views

urlpatterns: list = [
    path("shifts/my/", swap_views.my_duties, name="my_duties"),
    path("shifts/swaps/", swap_views.swap_list, name="swaps"),
    path("shifts/swaps/new/", swap_views.swap_new, name="swap_new"),
    path("shifts/swaps/<int:swap_id>/", swap_views.swap_detail, name="swap"),
    path("shifts/swaps/<int:swap_id>/<str:action>/", swap_views.swap_action, name="swap_action"),
]
