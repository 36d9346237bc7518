from django.urls import path

from flexwork.health import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/deps", views.healthz_deps, name="healthz-deps"),
]
