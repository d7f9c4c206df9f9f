"""Spreadsheet pages: import (upload → check → preview → confirm → result) and export. Thin:
each view checks the permission, calls candidates.spreadsheets and renders. Every upload is
checked by a Celery task; its page follows the job (htmx polling) until it is checked.

Anonymous visitors are sent to the login page; a logged-in user without the permission gets
403; an import job is seen only by its owner and the national admin (404 for anyone else)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView
from rules.contrib.views import PermissionRequiredMixin

from paritrana.broker import BrokerUnavailable

from . import exports, spreadsheets
from .enums import ImportKind
from .imports import jobs as import_jobs
from .models import Edition

IMPORT_PERMISSION = "candidates.import_nominations"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Data"), choices=ImportKind.choices, widget=forms.RadioSelect, initial="business"
    )
    edition = forms.ModelChoiceField(
        label=_("Edition"),
        queryset=Edition.objects.filter(nominations_open=True).order_by("-year"),
        empty_label=None,
        help_text=_("Only editions open for nominations."),
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An .xlsx or .csv file made from the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ImportStart(PermissionRequiredMixin, FormView):
    permission_required = IMPORT_PERMISSION
    template_name = "candidates/import/start.html"
    form_class = ImportForm

    def form_valid(self, form):
        try:
            job = spreadsheets.import_upload(
                user=self.request.user,
                kind=form.cleaned_data["kind"],
                edition=form.cleaned_data["edition"],
                upload=form.cleaned_data["file"],
            )
        except BrokerUnavailable as error:
            # Nothing was stored; the page says why, as a service that is unavailable for now.
            form.add_error(None, error.messages[0])
            response = self.form_invalid(form)
            response.status_code = 503
            return response
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)
        return redirect("candidates:import_job", pk=job.pk)

    def get_context_data(self, **kwargs):
        jobs = spreadsheets.import_jobs_of(self.request.user).filter(user=self.request.user)
        import_jobs.import_jobs_recover(jobs=jobs)
        return super().get_context_data(
            kinds=ImportKind.choices, recent_jobs=list(jobs[:10]), **kwargs
        )


class ImportTemplate(PermissionRequiredMixin, View):
    permission_required = IMPORT_PERMISSION

    def get(self, request, kind, fmt):
        if kind not in ImportKind.values or fmt not in ("xlsx", "csv"):
            raise Http404
        if fmt == "xlsx":
            content = spreadsheets.template_workbook(kind=kind, user=request.user)
            content_type = spreadsheets.XLSX_CONTENT_TYPE
        else:
            content = spreadsheets.template_csv(kind=kind)
            content_type = spreadsheets.CSV_CONTENT_TYPE
        name = "pemerintah" if kind == ImportKind.GOVERNMENT else "badan-usaha"
        return _download(content, content_type, f"template-paritrana-{name}.{fmt}")


class ImportJobMixin(PermissionRequiredMixin):
    permission_required = IMPORT_PERMISSION
    context_object_name = "job"

    def get_permission_object(self):
        # The permission is checked before the job is looked up; whose job it is decides
        # through the queryset (404 for anyone else's).
        return None

    def get_queryset(self):
        return spreadsheets.import_jobs_of(self.request.user)

    def get_object(self, queryset=None):
        job = super().get_object(queryset)
        # A job whose task was lost is failed when its page is opened (its file removed).
        if job.is_running:
            import_jobs.import_jobs_recover(jobs=self.get_queryset().filter(pk=job.pk))
            job.refresh_from_db()
        return job


class ImportJobDetail(ImportJobMixin, DetailView):
    """Preview with every error, or the confirm button; progress while a worker runs; result."""

    template_name = "candidates/import/job.html"


class ImportJobProgress(ImportJobDetail):
    """The status block alone, polled by the job page every second while the job runs."""

    template_name = "candidates/import/_status.html"


class ImportConfirm(ImportJobMixin, View):
    def post(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            spreadsheets.import_confirm(job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(reverse("candidates:import_job", args=[job.pk]))


class NominationExport(PermissionRequiredMixin, View):
    """The nominations the user may see, as XLSX or CSV, streamed (candidates.exports): the
    memory an export takes does not grow with its rows."""

    permission_required = "candidates.export_nominations"
    fmt = "xlsx"

    def get(self, request):
        try:
            export = exports.nominations_export(user=request.user, fmt=self.fmt)
        except exports.ExportTooLarge as too_large:
            return render(
                request,
                "candidates/export_too_large.html",
                {"rows": too_large.rows, "limit": too_large.limit},
                status=409,
            )
        if self.fmt == "xlsx":
            # Closing the response closes the temporary file, which deletes it.
            response = FileResponse(export.content, content_type=export.content_type)
        else:
            response = StreamingHttpResponse(export.content, content_type=export.content_type)
        return _attachment(response, export.filename)


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    return _attachment(HttpResponse(content, content_type=content_type), name)


def _attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
