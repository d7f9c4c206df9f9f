"""The public site (no login): results, candidates, statistics, certificate verification and
open data. Views in ceremonies.views_public."""

from django.urls import path

from . import views_public

app_name = "public"

urlpatterns = [
    path("verify/<str:serial>/", views_public.verify, name="verify"),
]
