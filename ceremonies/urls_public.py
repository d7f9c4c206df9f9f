"""The public site (no login): results, candidates, statistics, certificate verification and
open data. Views in ceremonies.views_public; the public API is in ceremonies.api_public."""

from django.urls import path

from . import views_public

app_name = "public"

urlpatterns = [
    path("language/<str:code>/", views_public.language, name="language"),
    path("results/", views_public.editions, name="editions"),
    path("results/<int:year>/", views_public.edition, name="edition"),
    path("results/<int:year>/province/<str:code>/", views_public.province, name="province"),
    path("results/<int:year>/statistics/", views_public.statistics, name="statistics"),
    path("results/candidate/<int:pk>/", views_public.candidate, name="candidate"),
    path("verify/", views_public.verify_form, name="verify_form"),
    path("verify/<str:serial>/", views_public.verify, name="verify"),
    path(
        "verify/<str:serial>/certificate.pdf",
        views_public.certificate_pdf,
        name="certificate_pdf",
    ),
    path("open-data/", views_public.open_data, name="open_data"),
    path(
        "open-data/<int:year>/<str:dataset>.<str:fmt>",
        views_public.open_data_file,
        name="open_data_file",
    ),
]
