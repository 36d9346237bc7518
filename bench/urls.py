"""The application's URLconf plus the floor views; used only by flexwork.settings.bench."""

from django.urls import path

from bench import views
from flexwork.urls import handler400, handler403, handler404, handler429, handler500  # noqa: F401
from flexwork.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/bare-check-in/", views.bare_check_in, name="bench-bare-check-in"),
    path("bench/write-floor-check-in/", views.write_floor_check_in, name="bench-write-floor-check-in"),
    *app_urlpatterns,
]
