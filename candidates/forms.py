"""Browser forms of the candidates app: they parse input and put every validator's message at
its field; the services do the writing (and check again)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import validators
from .enums import BusinessScale, CandidateKind, LegalProductType
from .models import BusinessData, Category, GovernmentData, LegalProduct, Regency

_NUMBER_ATTRS = {"inputmode": "numeric", "autocomplete": "off"}


def _localised_counts(form, fields):
    """Counts accept Indonesian thousand separators (929.199) and show them back."""
    for name in fields:
        field = form.fields.get(name)
        if field is not None:
            field.localize = True
            field.widget = forms.TextInput(attrs=_NUMBER_ATTRS)
            field.widget.is_localized = True


class FiguresForm(forms.ModelForm):
    """Government or business figures of a nomination (SPEC §5)."""

    kind = ""  # "government" or "business"
    groups: tuple = ()  # (legend, field names) shown as fieldsets

    def fieldsets(self):
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.groups
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.flags = validators.validate_figures(
                self.kind, cleaned, cleaned.get("justification", "")
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


class GovernmentFiguresForm(FiguresForm):
    kind = "government"
    groups = (
        (
            _("Head of region and contact"),
            (
                "head_of_region",
                "contact_name",
                "contact_position",
                "contact_email",
                "contact_phone",
            ),
        ),
        (
            _("Labour statistics (BPS)"),
            ("working_age_population", "labour_force", "formal_workers", "informal_workers"),
        ),
        (
            _("Participants (BPJS Ketenagakerjaan)"),
            (
                "active_pu",
                "active_bpu",
                "bpu_apbd_vulnerable",
                "non_asn_total",
                "non_asn_covered",
                "employers_registered",
            ),
        ),
        (_("Budget"), ("apbd_contribution_budget",)),
        (_("Justification"), ("justification",)),
    )

    class Meta:
        model = GovernmentData
        fields = [
            "head_of_region",
            "contact_name",
            "contact_position",
            "contact_email",
            "contact_phone",
            *validators.GOVERNMENT_COUNTS,
            "justification",
        ]
        widgets = {"justification": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _localised_counts(self, validators.GOVERNMENT_COUNTS)


class BusinessFiguresForm(FiguresForm):
    kind = "business"
    groups = (
        (_("Employees"), ("employees_total", "employees_registered")),
        (
            _("Enrolment per programme"),
            tuple(f"{p}_enrolled" for p in validators.PROGRAMMES),
        ),
        (_("Wages and arrears"), ("reported_wages", "actual_payroll", "arrears_months")),
        (
            _("Supply chain and CSR"),
            (
                "contractors",
                "contractor_workers",
                "contractor_workers_registered",
                "csr_vulnerable_workers",
            ),
        ),
        (_("Justification"), ("justification",)),
    )

    class Meta:
        model = BusinessData
        fields = [*validators.BUSINESS_COUNTS, "justification"]
        widgets = {"justification": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, edition_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        _localised_counts(self, validators.BUSINESS_COUNTS)
        if edition_year is not None and edition_year < validators.JKP_FROM_YEAR:
            # JKP exists from 2022: earlier editions do not ask for it.
            del self.fields["jkp_enrolled"]


class LegalProductForm(forms.ModelForm):
    class Meta:
        model = LegalProduct
        fields = ["type", "number", "year", "title", "scope", "pdf"]
        widgets = {"pdf": forms.FileInput(attrs={"accept": "application/pdf,.pdf"})}

    def __init__(self, *args, edition_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition_year = edition_year
        self.fields["type"].choices = LegalProductType.choices
        self.fields["year"].widget.attrs.update({"min": 1945, "max": edition_year})

    def clean_year(self):
        year = self.cleaned_data["year"]
        try:
            validators.validate_legal_product_year(year, edition_year=self.edition_year)
        except ValidationError as error:
            raise ValidationError(error.message_dict["year"]) from None
        return year

    def clean_pdf(self):
        pdf = self.cleaned_data.get("pdf")
        if pdf and hasattr(pdf, "content_type"):  # a new upload
            validators.validate_pdf(pdf)
        return pdf


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


def _category_field(edition_categories):
    return forms.ModelChoiceField(
        label=_("Edition and category"),
        queryset=edition_categories,
        empty_label=_("Choose…"),
    )


class GovernmentNominationForm(forms.Form):
    """Register a regional government: a regency/city of the branch, or its province."""

    region = forms.ChoiceField(label=_("Region"))

    def __init__(self, *args, regencies, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (f"p:{p.code}", _("Provincial government of %(name)s") % {"name": p.name})
            for p in provinces
        ]
        choices += [(f"r:{r.code}", f"{r.name} ({r.code})") for r in regencies]
        self.fields["region"].choices = [("", _("Choose…")), *choices]
        kinds = [CandidateKind.REGENCY_GOVERNMENT] + (
            [CandidateKind.PROVINCE_GOVERNMENT] if provinces else []
        )
        self.fields["category"] = _category_field(
            Category.objects.filter(
                edition__nominations_open=True, candidate_kind__in=kinds
            ).select_related("edition")
        )
        self.order_fields(["category", "region"])


class BusinessNominationForm(forms.Form):
    """Register a business by its NPP (it exists once across editions)."""

    npp = forms.CharField(label=_("NPP"), max_length=20)
    name = forms.CharField(label=_("Legal name"), max_length=200)
    sector = forms.CharField(label=_("Sector"), max_length=100, required=False)
    scale = forms.ChoiceField(label=_("Scale"), choices=BusinessScale.choices)
    regency = forms.ModelChoiceField(label=_("Regency or city"), queryset=Regency.objects.none())

    def __init__(self, *args, regencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = regencies
        self.fields["category"] = _category_field(
            Category.objects.filter(
                edition__nominations_open=True, candidate_kind=CandidateKind.BUSINESS
            ).select_related("edition")
        )
        self.order_fields(["category", "npp", "name", "sector", "scale", "regency"])

    def clean_npp(self):
        try:
            return validators.normalise_npp(self.cleaned_data["npp"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["npp"]) from None


class InnovationForm(forms.Form):
    """On the dossier's page beside the legal-product form, whose fields share its names: its
    own ids keep each label with its field."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the panel can check it: a regulation, a report, a link."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "innovation-%s")
        super().__init__(*args, **kwargs)


class NominationListFilter(forms.Form):
    """The search and filters above a role's list of nominations (a GET form): a part of the
    name or the NPP, an edition, a state. A value that is not valid is said by its field and
    not applied."""

    q = forms.CharField(
        label=_("Name or NPP"), required=False, max_length=100, widget=forms.SearchInput
    )
    edition = forms.TypedChoiceField(label=_("Edition"), required=False, coerce=int)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, data, *, years: list[int]):
        super().__init__(data, auto_id="filter-%s")
        self.fields["edition"].choices = [("", _("Every edition")), *((y, str(y)) for y in years)]
        from .enums import NominationState

        self.fields["state"].choices = [("", _("Every state")), *NominationState.choices]

    def filters(self) -> dict:
        """The valid values only (an invalid one is dropped, its error shown by its field)."""
        self.is_valid()
        for name in self.errors:
            self.fields[name].widget.attrs["aria-describedby"] = f"filter-{name}-error"
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "search": " ".join(str(cleaned.get("q") or "").split()),
            "year": cleaned.get("edition") or None,
            "state": cleaned.get("state") or None,
        }
