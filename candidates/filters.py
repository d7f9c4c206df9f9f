"""Query-string filters of the candidates API (django-filter)."""

import re

import django_filters
from django import forms

from .enums import CandidateKind, NominationState
from .models import Branch, Candidate, Category, Nomination


class WholeNumberField(forms.IntegerField):
    """Digits only: Django's IntegerField also reads "2021.0" as 2021."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"\s*-?[0-9]+\s*", str(value)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class YearFilter(django_filters.NumberFilter):
    """An assessment year: a whole number ("2021.5", "2021.0" or "2e3" is refused with a 400,
    not read as a decimal that matches nothing)."""

    field_class = WholeNumberField


class BranchFilter(django_filters.FilterSet):
    province = django_filters.CharFilter(field_name="province", help_text="Province code, e.g. 32")

    class Meta:
        model = Branch
        fields = ["province"]


class CategoryFilter(django_filters.FilterSet):
    edition = YearFilter(field_name="edition__year", help_text="Assessment year, e.g. 2021")
    candidate_kind = django_filters.ChoiceFilter(choices=CandidateKind.choices)

    class Meta:
        model = Category
        fields = ["edition", "candidate_kind"]


class CandidateFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CandidateKind.choices)
    regency = django_filters.CharFilter(
        field_name="regency", help_text="Regency/city code, e.g. 32.75"
    )
    province = django_filters.CharFilter(
        method="filter_province",
        help_text="Province code, e.g. 32: its government, and its regencies' governments and "
        "businesses",
    )
    npp = django_filters.CharFilter(method="filter_npp", help_text="Employer number (NPP)")

    class Meta:
        model = Candidate
        fields = ["kind", "regency", "province", "npp"]

    def filter_province(self, queryset, name, value):
        return queryset.filter(home_province_code=value)

    def filter_npp(self, queryset, name, value):
        # NPPs are stored as validators.normalise_npp leaves them: upper case, no spaces.
        return queryset.filter(npp=value.strip().upper().replace(" ", ""))


class NominationFilter(django_filters.FilterSet):
    edition = YearFilter(
        field_name="category__edition__year", help_text="Assessment year, e.g. 2021"
    )
    category = django_filters.CharFilter(
        field_name="category__code", help_text="Category code, e.g. pemerintah-kabupaten-kota"
    )
    # The state the user reads (selectors.seen_by: a national outcome not yet published reads
    # "finalist"), so that a filter does not tell what the nomination shows.
    state = django_filters.ChoiceFilter(field_name="shown_state", choices=NominationState.choices)
    province = django_filters.CharFilter(
        method="filter_province", help_text="Province code of the candidate's region, e.g. 75"
    )
    kind = django_filters.ChoiceFilter(field_name="candidate__kind", choices=CandidateKind.choices)

    class Meta:
        model = Nomination
        fields = ["edition", "category", "state", "province", "kind"]

    def filter_province(self, queryset, name, value):
        return queryset.filter(candidate__home_province_code=value)
