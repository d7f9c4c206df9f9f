from django.urls import path

from . import views, views_record, views_spreadsheets

app_name = "candidates"

urlpatterns = [
    path("branch/nominations/", views.BranchWorklist.as_view(), name="branch_worklist"),
    path(
        "branch/nominations/new/government/",
        views.NominationRegister.as_view(kind="government"),
        name="register_government",
    ),
    path(
        "branch/nominations/new/business/",
        views.NominationRegister.as_view(kind="business"),
        name="register_business",
    ),
    path(
        "branch/nominations/<int:pk>/", views.NominationDetail.as_view(), name="nomination_detail"
    ),
    path(
        "branch/nominations/<int:pk>/indicators/",
        views.NominationIndicatorsPreview.as_view(),
        name="nomination_indicators",
    ),
    path(
        "branch/nominations/<int:pk>/legal-products/",
        views.LegalProductSave.as_view(),
        name="legal_product_create",
    ),
    path(
        "branch/nominations/<int:pk>/legal-products/<int:product>/",
        views.LegalProductSave.as_view(),
        name="legal_product_edit",
    ),
    path(
        "branch/nominations/<int:pk>/legal-products/<int:product>/delete/",
        views.LegalProductDelete.as_view(),
        name="legal_product_delete",
    ),
    path(
        "branch/nominations/<int:pk>/innovations/",
        views.InnovationCreate.as_view(),
        name="innovation_create",
    ),
    path(
        "branch/nominations/<int:pk>/submit/",
        views.NominationSubmit.as_view(),
        name="nomination_submit",
    ),
    path(
        "branch/nominations/<int:pk>/withdraw/",
        views.NominationWithdraw.as_view(),
        name="nomination_withdraw",
    ),
    path("nominations/<int:pk>/", views.NominationView.as_view(), name="nomination_view"),
    path(
        "nominations/<int:pk>/record/",
        views_record.NominationRecordView.as_view(),
        name="nomination_record",
    ),
    path(
        "documents/legal-products/<int:pk>/",
        views.LegalProductDocument.as_view(),
        name="legal_product_document",
    ),
    path("panel/nominations/", views.PanelNominations.as_view(), name="panel_nominations"),
    path("jury/nominations/", views.JuryNominations.as_view(), name="jury_nominations"),
    path("audit/nominations/", views.AuditNominations.as_view(), name="audit_nominations"),
    path("secretariat/", views.SecretariatOverview.as_view(), name="secretariat"),
    # Spreadsheets (views_spreadsheets)
    path("branch/import/", views_spreadsheets.ImportStart.as_view(), name="import_start"),
    path(
        "branch/import/templates/<slug:kind>.<slug:fmt>",
        views_spreadsheets.ImportTemplate.as_view(),
        name="import_template",
    ),
    path(
        "branch/import/<int:pk>/", views_spreadsheets.ImportJobDetail.as_view(), name="import_job"
    ),
    path(
        "branch/import/<int:pk>/progress/",
        views_spreadsheets.ImportJobProgress.as_view(),
        name="import_progress",
    ),
    path(
        "branch/import/<int:pk>/confirm/",
        views_spreadsheets.ImportConfirm.as_view(),
        name="import_confirm",
    ),
    path(
        "nominations/export.xlsx",
        views_spreadsheets.NominationExport.as_view(fmt="xlsx"),
        name="nominations_export_xlsx",
    ),
    path(
        "nominations/export.csv",
        views_spreadsheets.NominationExport.as_view(fmt="csv"),
        name="nominations_export_csv",
    ),
]
