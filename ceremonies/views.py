"""The national secretariat's ceremony pages: publishing an edition's results, its ceremonies
and their officials, generating the certificates in batches (with their progress), downloading
and revoking them.

Access, on every page and route: anonymous visitors are sent to the login page, anyone but the
national admin gets 403 (ceremonies.manage_ceremonies), before any object is looked up."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from candidates.models import Edition, Province
from scoring.forms import add_service_errors
from scoring.models import Panel

from . import selectors, services
from .certificates import batch_archive
from .enums import CertificateState
from .forms import CeremonyForm, PublishForm, RerenderForm, RevokeForm
from .models import Ceremony, Certificate, CertificateBatch

# A batch's ZIP is built in memory up to this size, in a temporary file beyond.


class SecretariatView(PermissionRequiredMixin, View):
    permission_required = "ceremonies.manage_ceremonies"

    def get_permission_object(self):
        # Checked before anything is looked up: a non-admin learns nothing of what exists.
        return None

    def render(self, template: str, context: dict, status: int = 200) -> TemplateResponse:
        return TemplateResponse(self.request, template, context, status=status)


def _refusal(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error) or _("You may not do this.")


# ---------------------------------------------------------------------------------------------
# Editions and publication


class IndexView(SecretariatView):
    """Every edition with the publication of its national and provincial results and its
    ceremonies."""

    def get(self, request):
        rows = selectors.publication_overview()
        return self.render("ceremonies/admin/index.html", {"rows": rows})


class EditionMixin:
    def get_edition(self) -> Edition:
        return get_object_or_404(Edition, year=self.kwargs["year"])

    def edition_page(self, edition: Edition, bound: tuple[str, PublishForm] | None = None):
        """The edition's results (national, then each province with a panel): published or
        what is missing, each with its publish form and its ceremony."""
        publications = {
            p.province_id: p
            for p in edition.publications.select_related("province", "published_by")
        }
        ceremonies = sorted(
            edition.ceremonies.select_related("province").annotate(
                n_certificates=Count("certificates")
            ),
            key=lambda c: (c.province_id is not None, c.province.name if c.province else ""),
        )
        ceremony_of = {c.province_id: c for c in ceremonies}
        provinces = [
            panel.province
            for panel in Panel.objects.filter(edition=edition, province__isnull=False)
            .select_related("province")
            .order_by("province__name")
        ]
        scopes = []
        for province in [None, *provinces]:
            key = province.pk if province else ""
            publication = publications.get(province.pk if province else None)
            if bound is not None and bound[0] == key:
                form = bound[1]
            elif publication is None:
                form = PublishForm(initial={"province": key}, auto_id=f"id_publish{key}_%s")
            else:
                form = None
            scopes.append(
                {
                    "province": province,
                    "key": key,
                    "publication": publication,
                    "readiness": None
                    if publication
                    else selectors.publication_readiness(edition, province),
                    "form": form,
                    "ceremony": ceremony_of.get(province.pk if province else None),
                }
            )
        # A province without a panel in this edition has no section to show its errors in.
        stray_errors = []
        if bound is not None and bound[0] not in {scope["key"] for scope in scopes}:
            stray_errors = [m for messages_ in bound[1].errors.values() for m in messages_]
        other_provinces = Province.objects.exclude(
            pk__in=[c.province_id for c in ceremonies if c.province_id]
        ).order_by("name")
        return self.render(
            "ceremonies/admin/edition.html",
            {
                "edition": edition,
                "scopes": scopes,
                "ceremonies": ceremonies,
                "other_provinces": other_provinces,
                "stray_errors": stray_errors,
            },
            status=200 if bound is None else 400,
        )


class EditionView(EditionMixin, SecretariatView):
    def get(self, request, year):
        return self.edition_page(self.get_edition())


class PublishView(EditionMixin, SecretariatView):
    """Publish the national results (no province) or one province's, after a confirmation."""

    def get(self, request, year):
        return redirect("ceremonies:edition", year=year)

    def post(self, request, year):
        edition = self.get_edition()
        key = request.POST.get("province", "")
        suffix = key[:2] if key.isalnum() else ""
        form = PublishForm(request.POST, auto_id=f"id_publish{suffix}_%s")
        if form.is_valid():
            province = form.cleaned_data["province"]
            try:
                services.results_publish(actor=request.user, edition=edition, province=province)
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, _refusal(error))
            else:
                if province is None:
                    message = _("The national results of %(year)s are published.") % {
                        "year": edition.year
                    }
                else:
                    message = _("The results of %(province)s in %(year)s are published.") % {
                        "year": edition.year,
                        "province": province.name,
                    }
                messages.success(request, message)
                return redirect("ceremonies:edition", year=edition.year)
        return self.edition_page(edition, bound=(key, form))


# ---------------------------------------------------------------------------------------------
# Ceremonies


class CeremonyFormMixin:
    def form_page(self, form, edition, province, ceremony=None, status=200):
        return self.render(
            "ceremonies/admin/ceremony_form.html",
            {"form": form, "edition": edition, "province": province, "ceremony": ceremony},
            status=status,
        )

    def save(self, form, edition, province, ceremony=None):
        if form.is_valid():
            try:
                saved = services.ceremony_save(
                    actor=self.request.user,
                    edition=edition,
                    province=province,
                    ceremony=ceremony,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, _refusal(error))
            else:
                messages.success(self.request, _("The ceremony is saved."))
                return redirect("ceremonies:ceremony", pk=saved.pk)
        return self.form_page(form, edition, province, ceremony, status=400)


class CeremonyCreate(CeremonyFormMixin, EditionMixin, SecretariatView):
    """The edition's national ceremony, or a province's (?province=<code>)."""

    def scope(self):
        edition = self.get_edition()
        code = self.request.GET.get("province", "")
        province = get_object_or_404(Province, code=code) if code else None
        return edition, province

    def get(self, request, year):
        edition, province = self.scope()
        existing = selectors.ceremony_of(edition, province)
        if existing is not None:
            messages.info(request, _("This ceremony exists already; change it here."))
            return redirect("ceremonies:ceremony_edit", pk=existing.pk)
        return self.form_page(CeremonyForm(), edition, province)

    def post(self, request, year):
        edition, province = self.scope()
        return self.save(CeremonyForm(request.POST), edition, province)


class CeremonyEdit(CeremonyFormMixin, SecretariatView):
    def get_ceremony(self) -> Ceremony:
        return get_object_or_404(
            Ceremony.objects.select_related("edition", "province").prefetch_related("officials"),
            pk=self.kwargs["pk"],
        )

    def get(self, request, pk):
        ceremony = self.get_ceremony()
        form = CeremonyForm(initial=CeremonyForm.initial_for(ceremony))
        return self.form_page(form, ceremony.edition, ceremony.province, ceremony)

    def post(self, request, pk):
        ceremony = self.get_ceremony()
        return self.save(CeremonyForm(request.POST), ceremony.edition, ceremony.province, ceremony)


def _batches(queryset):
    """Batches with their certificates (one query for all), newest first, with progress."""
    batches = list(
        queryset.select_related("created_by").prefetch_related(
            Prefetch("certificates", queryset=Certificate.objects.order_by("pk"))
        )
    )
    for batch in batches:
        batch.progress = selectors.batch_progress(batch)
    return batches


class CeremonyPageMixin:
    def ceremony_page(self, ceremony: Ceremony, rerender_form=None, status: int = 200):
        """The ceremony's page; `rerender_form` bound when rendering again was refused."""
        officials = list(ceremony.officials.all())
        certificates = list(ceremony.certificates.order_by("pk"))
        issued = {(c.award_id, c.nomination_id): c for c in certificates}
        presented = [
            {
                "item": item,
                "certificate": issued.get(
                    (item.award.pk if item.award else None, item.nomination.pk)
                ),
            }
            for item in selectors.presented_awards(ceremony)
        ]
        return self.render(
            "ceremonies/admin/ceremony.html",
            {
                "ceremony": ceremony,
                "edition": ceremony.edition,
                "handing_over": [o for o in officials if o.hands_over],
                "signatories": [o for o in officials if o.signs],
                "presented": presented,
                "certificates": certificates,
                "batches": _batches(ceremony.batches.all()),
                "published": selectors.publication_of(ceremony.edition, ceremony.province),
                "rerender_form": rerender_form or RerenderForm(auto_id="id_rerender_%s"),
                "site_url": settings.SITE_URL,
            },
            status=status,
        )


class CeremonyView(CeremonyPageMixin, SecretariatView):
    """A ceremony: its details and officials, the awards it presents, its certificates and
    their batches, and the buttons that generate them and render them again."""

    def get(self, request, pk):
        ceremony = get_object_or_404(Ceremony.objects.select_related("edition", "province"), pk=pk)
        return self.ceremony_page(ceremony)


class CertificatesIssue(SecretariatView):
    """Issue the ceremony's certificates and start generating them: the batch page follows.
    Pressing it again gives the same certificates and generates only what is missing."""

    def get(self, request, pk):
        return redirect("ceremonies:ceremony", pk=pk)

    def post(self, request, pk):
        ceremony = get_object_or_404(Ceremony, pk=pk)
        try:
            batch = services.certificates_issue(actor=request.user, ceremony=ceremony)
        except (ValidationError, PermissionDenied) as error:
            messages.error(
                request,
                _("No certificate was generated: %(reason)s") % {"reason": _refusal(error)},
            )
            return redirect("ceremonies:ceremony", pk=ceremony.pk)
        messages.success(
            request,
            _("Generating %(count)d certificates in the background.") % {"count": batch.total},
        )
        return redirect("ceremonies:batch", pk=batch.pk)


class CertificatesRerender(CeremonyPageMixin, SecretariatView):
    """Render every certificate of the ceremony again (same serial numbers, new files: the QR
    code follows the current SITE_URL), after a confirmation; the batch page follows."""

    def get(self, request, pk):
        return redirect("ceremonies:ceremony", pk=pk)

    def post(self, request, pk):
        ceremony = get_object_or_404(Ceremony.objects.select_related("edition", "province"), pk=pk)
        form = RerenderForm(request.POST, auto_id="id_rerender_%s")
        if not form.is_valid():
            return self.ceremony_page(ceremony, rerender_form=form, status=400)
        try:
            batch = services.certificates_rerender(actor=request.user, ceremony=ceremony)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _refusal(error))
            return self.ceremony_page(ceremony, rerender_form=form, status=400)
        messages.success(
            request,
            _(
                "Rendering %(count)d certificates again in the background, with the same "
                "serial numbers."
            )
            % {"count": batch.total},
        )
        return redirect("ceremonies:batch", pk=batch.pk)


# ---------------------------------------------------------------------------------------------
# Batches


class BatchView(SecretariatView):
    """A batch's progress (the partial polls itself while the worker runs), its failed
    certificates with their errors, and every certificate it asked for."""

    template_name = "ceremonies/admin/batch.html"

    def get(self, request, pk):
        batches = _batches(
            CertificateBatch.objects.filter(pk=pk).select_related(
                "ceremony__edition", "ceremony__province"
            )
        )
        if not batches:
            raise Http404
        batch = batches[0]
        certificates = list(batch.certificates.all())
        return self.render(
            self.template_name,
            {
                "batch": batch,
                "ceremony": batch.ceremony,
                "progress": batch.progress,
                "certificates": certificates,
                "failed": [c for c in certificates if c.state == CertificateState.FAILED],
            },
        )


class BatchProgress(BatchView):
    """The progress block alone, polled by the batch page every second while it runs."""

    template_name = "ceremonies/admin/_batch_progress.html"


class BatchZip(SecretariatView):
    """The batch's generated PDFs (not the revoked ones) in one ZIP, each named <serial>.pdf."""

    def get(self, request, pk):
        batch = get_object_or_404(
            CertificateBatch.objects.select_related("ceremony__edition", "ceremony__province"),
            pk=pk,
        )
        archive, count = batch_archive(batch)
        if not count:
            archive.close()
            messages.error(request, _("No certificate of this batch is generated yet."))
            return redirect("ceremonies:batch", pk=batch.pk)
        ceremony = batch.ceremony
        scope = ceremony.province_id or "nasional"
        response = FileResponse(
            archive,
            as_attachment=True,
            filename=f"piagam-{ceremony.edition.year}-{scope}-{batch.pk}.zip",
            content_type="application/zip",
        )
        response["Cache-Control"] = "private, no-store"
        return response


# ---------------------------------------------------------------------------------------------
# One certificate


class CertificatePdf(SecretariatView):
    """A certificate's PDF, revoked or not (the secretariat keeps the record)."""

    def get(self, request, pk):
        certificate = get_object_or_404(Certificate, pk=pk)
        if not certificate.file:
            raise Http404(_("This certificate is not generated yet."))
        try:
            pdf = certificate.file.open("rb")
        except FileNotFoundError as error:
            raise Http404(_("This certificate's file is missing; generate it again.")) from error
        response = FileResponse(
            pdf,
            as_attachment=True,
            filename=f"{certificate.serial}.pdf",
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class CertificateRevoke(SecretariatView):
    """Revoke a certificate with a reason; verification then says it is revoked."""

    def get_certificate(self) -> Certificate:
        return get_object_or_404(
            Certificate.objects.select_related("ceremony__edition", "ceremony__province"),
            pk=self.kwargs["pk"],
        )

    def page(self, certificate, form, status=200):
        return self.render(
            "ceremonies/admin/revoke.html",
            {"certificate": certificate, "ceremony": certificate.ceremony, "form": form},
            status=status,
        )

    def get(self, request, pk):
        return self.page(self.get_certificate(), RevokeForm())

    def post(self, request, pk):
        certificate = self.get_certificate()
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                services.certificate_revoke(
                    actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, _refusal(error))
            else:
                messages.success(
                    request,
                    _("Certificate %(serial)s is revoked.") % {"serial": certificate.serial},
                )
                return redirect(reverse("ceremonies:ceremony", args=[certificate.ceremony_id]))
        return self.page(certificate, form, status=400)
