"""The national secretariat's ceremony pages (ceremonies.views), under /ceremonies/."""

from django.urls import path

from . import views

app_name = "ceremonies"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("<int:year>/", views.EditionView.as_view(), name="edition"),
    path("<int:year>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:year>/ceremonies/new/", views.CeremonyCreate.as_view(), name="ceremony_create"),
    path("ceremony/<int:pk>/", views.CeremonyView.as_view(), name="ceremony"),
    path("ceremony/<int:pk>/edit/", views.CeremonyEdit.as_view(), name="ceremony_edit"),
    path(
        "ceremony/<int:pk>/certificates/",
        views.CertificatesIssue.as_view(),
        name="certificates_issue",
    ),
    path(
        "ceremony/<int:pk>/certificates/rerender/",
        views.CertificatesRerender.as_view(),
        name="certificates_rerender",
    ),
    path("batch/<int:pk>/", views.BatchView.as_view(), name="batch"),
    path("batch/<int:pk>/progress/", views.BatchProgress.as_view(), name="batch_progress"),
    path("batch/<int:pk>/certificates.zip", views.BatchZip.as_view(), name="batch_zip"),
    path(
        "certificate/<int:pk>/certificate.pdf",
        views.CertificatePdf.as_view(),
        name="certificate_pdf",
    ),
    path(
        "certificate/<int:pk>/revoke/",
        views.CertificateRevoke.as_view(),
        name="certificate_revoke",
    ),
]
