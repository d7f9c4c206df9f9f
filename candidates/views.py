from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from . import forms, indicators, selectors, services, validators
from .enums import EDITABLE_STATES, TRANSITIONS, NominationState
from .models import LegalProduct, Province, Regency

# Rows a page of a role's list of nominations.
NOMINATION_PAGE_SIZE = 50


class RoleNominationList(PermissionRequiredMixin, TemplateView):
    """A role's list of the nominations in its scope, grouped by edition and state, a page
    (NOMINATION_PAGE_SIZE rows) at a time, with a search by name or NPP and filters by edition
    and state above it.

    Anonymous visitors are sent to the login page; a logged-in user without the permission
    gets 403 (PermissionRequiredMixin's default)."""

    template_name = "candidates/nomination_list.html"
    selector = None
    title = ""
    intro = ""

    def get_context_data(self, **kwargs):
        scope = self.selector(self.request.user)
        # The editions the scope has, found by the database (not a year per nomination).
        years = list(
            scope.order_by("-category__edition__year")
            .values_list("category__edition__year", flat=True)
            .distinct()
        )
        filter_form = forms.NominationListFilter(self.request.GET or None, years=years)
        filters = filter_form.filters()
        filtered = any(filters.values())
        matching = selectors.nominations_matching(scope, **filters).order_by(
            "-category__edition__year", "shown_state", "category__order", "candidate__name", "pk"
        )
        page = Paginator(matching, NOMINATION_PAGE_SIZE).get_page(self.request.GET.get("page"))
        state_order = {state.value: i for i, state in enumerate(NominationState)}
        groups = []
        for edition, in_edition in groupby(page, key=lambda n: n.category.edition):
            by_state = sorted(in_edition, key=lambda n: (state_order[n.state], n.candidate.name))
            groups.append(
                {
                    "edition": edition,
                    "states": [
                        {
                            "label": NominationState(state).label,
                            "state": state,
                            "items": list(items),
                        }
                        for state, items in groupby(by_state, key=lambda n: n.state)
                    ],
                }
            )
        return super().get_context_data(
            title=self.title,
            intro=self.intro,
            groups=groups,
            page=page,
            filter_form=filter_form,
            filtered=filtered,
            total=scope.count() if filtered else page.paginator.count,
            **kwargs,
        )


class BranchWorklist(RoleNominationList):
    """What the branch has to do: its regions' nominations by edition and state, each with the
    deadline that applies and, for a returned dossier, the panel's reason."""

    template_name = "candidates/branch_worklist.html"
    permission_required = "candidates.view_branch_worklist"
    selector = staticmethod(selectors.branch_worklist)
    title = gettext_lazy("Branch nominations")
    intro = gettext_lazy(
        "Your branch's regions, by edition and state. Drafts and returned dossiers are yours "
        "to complete and submit."
    )


class PanelNominations(RoleNominationList):
    permission_required = "candidates.view_panel_nominations"
    selector = staticmethod(selectors.panel_nominations)
    title = gettext_lazy("Provincial panel")
    intro = gettext_lazy("Submitted nominations in the provinces and editions of your panel.")


class JuryNominations(RoleNominationList):
    permission_required = "candidates.view_jury_nominations"
    selector = staticmethod(selectors.jury_nominations)
    title = gettext_lazy("National jury")
    intro = gettext_lazy("Nominations in the national stage of your editions.")


class AuditNominations(RoleNominationList):
    permission_required = "candidates.view_audit_nominations"
    selector = staticmethod(selectors.audit_nominations)
    title = gettext_lazy("Audit")
    intro = gettext_lazy("Every nomination of the editions you observe, read-only.")


class SecretariatOverview(PermissionRequiredMixin, TemplateView):
    template_name = "candidates/secretariat.html"
    permission_required = "candidates.view_secretariat"

    def get_context_data(self, **kwargs):
        editions = list(selectors.edition_overview())
        rows = [
            {"state": state, "counts": [getattr(e, f"n_{state.value}") for e in editions]}
            for state in NominationState
        ]
        return super().get_context_data(editions=editions, rows=rows, **kwargs)


# ---------------------------------------------------------------------------------------------
# Branch staff: register, fill in, submit and withdraw nominations


class BranchAccessMixin(PermissionRequiredMixin):
    """Branch staff (and the national admin). A nomination outside the user's branch regions
    answers 404, whether read or written, so its existence does not leak."""

    permission_required = "candidates.view_branch_worklist"

    def get_nomination(self):
        return get_object_or_404(
            selectors.branch_worklist(self.request.user).select_related("created_by"),
            pk=self.kwargs["pk"],
        )


def _figures_form(nomination, data=None):
    kind = services.data_kind(nomination)
    instance = (
        getattr(nomination, "government_data", None)
        if kind == "government"
        else getattr(nomination, "business_data", None)
    )
    if kind == "government":
        return forms.GovernmentFiguresForm(data, instance=instance, prefix="f")
    return forms.BusinessFiguresForm(
        data, instance=instance, prefix="f", edition_year=nomination.category.edition.year
    )


def _indicator_rows(nomination, values=None):
    computed = selectors.nomination_indicators(nomination, values)
    by_name = {i.name: i for i in indicators.INDICATORS}
    return [
        {"label": by_name[name].label, "value": value, "unit": by_name[name].unit}
        for name, value in computed.items()
    ]


class NominationDetail(BranchAccessMixin, TemplateView):
    """A branch's nomination: its figures (editable while a draft or returned), live
    indicators, legal products, innovations, submit and withdraw."""

    template_name = "candidates/nomination_detail.html"

    def get(self, request, *args, **kwargs):
        nomination = self.get_nomination()
        return self.render(nomination, _figures_form(nomination))

    def post(self, request, *args, **kwargs):
        nomination = self.get_nomination()
        form = _figures_form(nomination, request.POST)
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "justification"}
            try:
                services.nomination_figures_update(
                    actor=request.user,
                    nomination=nomination,
                    values=values,
                    justification=form.cleaned_data.get("justification", ""),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The figures were saved."))
                return redirect("candidates:nomination_detail", pk=nomination.pk)
        return self.render(nomination, form, status=400)

    def render(self, nomination, form, *, legal_form=None, editing=None, status=200):
        editable = nomination.state in EDITABLE_STATES
        kind = services.data_kind(nomination)
        values = services.figures_of(nomination)
        context = self.get_context_data(
            nomination=nomination,
            kind=kind,
            form=form,
            editable=editable,
            flags=validators.flags(kind, values),
            indicator_rows=_indicator_rows(nomination),
            legal_products=nomination.legal_products.all(),
            legal_form=legal_form
            or forms.LegalProductForm(edition_year=nomination.category.edition.year),
            editing=editing,
            innovations=nomination.innovations.all(),
            innovation_form=forms.InnovationForm(),
            withdraw_form=forms.WithdrawForm(),
            transitions=selectors.transitions_seen_by(self.request.user, nomination),
            can_withdraw=NominationState.WITHDRAWN in TRANSITIONS[nomination.state]
            and not getattr(nomination, "outcome_withheld", False),
        )
        return self.render_to_response(context, status=status)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class NominationIndicatorsPreview(BranchAccessMixin, View):
    """htmx: the indicators and flags for the figures being typed, before they are saved."""

    def post(self, request, *args, **kwargs):
        nomination = self.get_nomination()
        form = _figures_form(nomination, request.POST)
        form.is_valid()  # cleaned_data holds whatever parsed; errors are shown on save
        values = {**services.figures_of(nomination), **form.cleaned_data}
        kind = services.data_kind(nomination)
        return TemplateResponse(
            request,
            "candidates/_indicators.html",
            {
                "indicator_rows": _indicator_rows(nomination, values),
                "flags": validators.flags(kind, values),
                "live": True,
            },
        )


class LegalProductSave(BranchAccessMixin, View):
    """Add a legal product, or (with `product` in the URL) change one in place: htmx swaps the
    section; without JavaScript the same URLs work as plain pages."""

    def get_product(self, nomination):
        if "product" not in self.kwargs:
            return None
        return get_object_or_404(nomination.legal_products, pk=self.kwargs["product"])

    def get(self, request, *args, **kwargs):
        nomination = self.get_nomination()
        product = self.get_product(nomination)
        if product is None:
            return redirect("candidates:nomination_detail", pk=nomination.pk)
        form = forms.LegalProductForm(
            instance=product, edition_year=nomination.category.edition.year
        )
        return _legal_products_response(request, nomination, form, False, editing=product)

    def post(self, request, *args, **kwargs):
        nomination = self.get_nomination()
        product = self.get_product(nomination)
        form = forms.LegalProductForm(
            request.POST,
            request.FILES,
            instance=product,
            edition_year=nomination.category.edition.year,
        )
        saved = False
        if form.is_valid():
            fields = dict(form.cleaned_data)
            if product is not None and not request.FILES.get("pdf"):
                fields.pop("pdf", None)  # keep the stored document
            try:
                services.legal_product_save(
                    actor=request.user, nomination=nomination, product=product, **fields
                )
                saved = True
            except ValidationError as error:
                _add_errors(form, error)
        return _legal_products_response(
            request, nomination, form, saved, editing=None if saved else product
        )


class LegalProductDelete(BranchAccessMixin, View):
    def post(self, request, *args, **kwargs):
        nomination = self.get_nomination()
        product = get_object_or_404(nomination.legal_products, pk=self.kwargs["product"])
        form = forms.LegalProductForm(edition_year=nomination.category.edition.year)
        try:
            services.legal_product_delete(
                actor=request.user, nomination=nomination, product=product
            )
        except ValidationError as error:
            form.cleaned_data = {}  # the form is unbound: add_error needs cleaned_data
            _add_errors(form, error)
            return _legal_products_response(request, nomination, form, False)
        return _legal_products_response(request, nomination, form, True)


def _legal_products_response(request, nomination, form, saved: bool, editing=None):
    """The legal-products section after an add, change or removal (htmx), or the page."""
    showing_edit_form = editing is not None and request.method == "GET"
    status = 200 if saved or showing_edit_form else 400
    if request.htmx:
        return TemplateResponse(
            request,
            "candidates/_legal_products.html",
            {
                "nomination": nomination,
                "legal_products": nomination.legal_products.all(),
                "legal_form": forms.LegalProductForm(edition_year=nomination.category.edition.year)
                if saved
                else form,
                "editing": editing,
                "editable": nomination.state in EDITABLE_STATES,
            },
            status=status,
        )
    if saved:
        messages.success(request, _("The legal products were updated."))
        return redirect("candidates:nomination_detail", pk=nomination.pk)
    view = NominationDetail()
    view.setup(request, pk=nomination.pk)
    return view.render(
        nomination, _figures_form(nomination), legal_form=form, editing=editing, status=status
    )


class InnovationCreate(BranchAccessMixin, View):
    def post(self, request, *args, **kwargs):
        nomination = self.get_nomination()
        form = forms.InnovationForm(request.POST)
        if form.is_valid():
            try:
                services.innovation_save(
                    actor=request.user, nomination=nomination, **form.cleaned_data
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The innovation was added."))
        else:
            messages.error(request, _("Give the innovation a title and a description."))
        return redirect("candidates:nomination_detail", pk=nomination.pk)


class NominationSubmit(BranchAccessMixin, View):
    def post(self, request, *args, **kwargs):
        nomination = self.get_nomination()
        try:
            services.nomination_submit(actor=request.user, nomination=nomination)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The nomination was submitted to the provincial panel."))
        return redirect("candidates:nomination_detail", pk=nomination.pk)


class NominationWithdraw(BranchAccessMixin, View):
    def post(self, request, *args, **kwargs):
        nomination = self.get_nomination()
        form = forms.WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.nomination_withdraw(
                    actor=request.user, nomination=nomination, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The nomination was withdrawn."))
        else:
            messages.error(request, _("Give a reason for the withdrawal."))
        return redirect("candidates:nomination_detail", pk=nomination.pk)


class NominationRegister(BranchAccessMixin, FormView):
    """Register a government or a business as a draft nomination."""

    template_name = "candidates/nomination_register.html"
    kind = ""

    def get_form(self, form_class=None):
        regencies, provinces = selectors.branch_regions(self.request.user)
        if selectors.is_admin(self.request.user):
            regencies = Regency.objects.select_related("province").all()
            provinces = Province.objects.all()
        else:
            provinces = Province.objects.filter(code__in=provinces)
        data = self.request.POST if self.request.method == "POST" else None
        if self.kind == "government":
            return forms.GovernmentNominationForm(
                data, regencies=regencies.order_by("code"), provinces=provinces
            )
        return forms.BusinessNominationForm(data, regencies=regencies.order_by("code"))

    def form_valid(self, form):
        user = self.request.user
        data = form.cleaned_data
        try:
            if self.kind == "government":
                prefix, code = data["region"].split(":", 1)
                candidate = services.government_candidate_get_or_create(
                    actor=user,
                    regency=Regency.objects.get(code=code) if prefix == "r" else None,
                    province=Province.objects.get(code=code) if prefix == "p" else None,
                )
            else:
                candidate = services.business_candidate_register(
                    actor=user,
                    npp=data["npp"],
                    name=data["name"],
                    sector=data["sector"],
                    scale=data["scale"],
                    regency=data["regency"],
                )
            nomination = services.nomination_create(
                actor=user, candidate=candidate, category=data["category"]
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The draft nomination was created; fill in its figures."))
        return redirect("candidates:nomination_detail", pk=nomination.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind=self.kind, **kwargs)


class LegalProductDocument(PermissionRequiredMixin, View):
    """A legal product's PDF, for anyone who may see its nomination, always as a download."""

    permission_required = "accounts.view_dashboard"

    def get(self, request, *args, **kwargs):
        product = get_object_or_404(
            LegalProduct.objects.filter(
                nomination__in=selectors.nominations_visible_to(request.user)
            ).exclude(pdf=""),
            pk=self.kwargs["pk"],
        )
        name = slugify(f"{product.get_type_display()} {product.number} {product.year}") or "dokumen"
        response = FileResponse(
            product.pdf.open("rb"),
            as_attachment=True,
            filename=f"{name}.pdf",
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class NominationView(PermissionRequiredMixin, TemplateView):
    """A nomination read-only, for every role that may see it (panels, jury, auditors): its
    figures, flags, indicators, legal products and history. Outside the user's scope: 404."""

    template_name = "candidates/nomination_view.html"
    permission_required = "accounts.view_dashboard"

    def get_context_data(self, **kwargs):
        nomination = get_object_or_404(
            selectors.nominations_visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        kind = services.data_kind(nomination)
        values = services.figures_of(nomination)
        form = _figures_form(nomination)
        figures = [
            (legend, [(field.label, values.get(field.name)) for field in fields])
            for legend, fields in form.fieldsets()
        ]
        return super().get_context_data(
            nomination=nomination,
            kind=kind,
            figures=figures,
            flags=validators.flags(kind, values),
            indicator_rows=_indicator_rows(nomination),
            legal_products=nomination.legal_products.all(),
            innovations=nomination.innovations.all(),
            transitions=selectors.transitions_seen_by(self.request.user, nomination),
            **kwargs,
        )
