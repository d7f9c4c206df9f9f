from django.urls import path

from . import views

app_name = "candidates"

urlpatterns = [
    path("branch/nominations/", views.BranchWorklist.as_view(), name="branch_worklist"),
    path("panel/nominations/", views.PanelNominations.as_view(), name="panel_nominations"),
    path("jury/nominations/", views.JuryNominations.as_view(), name="jury_nominations"),
    path("audit/nominations/", views.AuditNominations.as_view(), name="audit_nominations"),
    path("secretariat/", views.SecretariatOverview.as_view(), name="secretariat"),
]
