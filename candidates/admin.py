from django.contrib import admin

from paritrana.admin import ChoiceLabelsAdmin, year_column

from .models import (
    Branch,
    BusinessData,
    Candidate,
    Category,
    Edition,
    GovernmentData,
    ImportJob,
    Innovation,
    LegalProduct,
    Nomination,
    NominationTransition,
    Province,
    Regency,
)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "zone"]
    list_filter = ["zone"]
    search_fields = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name"]
    list_select_related = ["province"]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "province", "handles_provincial_government", "head_name"]
    list_filter = ["province", "handles_provincial_government"]
    search_fields = ["name", "code", "head_name", "regencies__name"]
    autocomplete_fields = ["province", "regencies"]
    list_select_related = ["province"]


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = [year_column(Edition), "theme"]
    search_fields = ["year", "theme"]
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "edition",
        "candidate_kind",
        "business_scale",
        "has_provincial_round",
        "award_scheme",
        "provincial_quota",
        "finalist_quota",
    ]
    list_filter = ["edition", "candidate_kind", "award_scheme", "has_provincial_round"]
    search_fields = ["name", "code"]
    list_select_related = ["edition"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "regency", "npp", "scale"]
    list_filter = ["kind", "scale", "regency__province"]
    search_fields = ["name", "npp", "regency__name", "province__name"]
    autocomplete_fields = ["province", "regency"]
    list_select_related = ["province", "regency"]


class GovernmentDataInline(admin.StackedInline):
    model = GovernmentData
    extra = 0


class BusinessDataInline(admin.StackedInline):
    model = BusinessData
    extra = 0


class LegalProductInline(admin.TabularInline):
    model = LegalProduct
    extra = 0


class InnovationInline(admin.StackedInline):
    model = Innovation
    extra = 0


class TransitionInline(admin.TabularInline):
    """The state history is written by the services only; the admin shows it."""

    model = NominationTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_state", "to_state", "actor", "reason", "deadline"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = [
        "candidate",
        "category",
        "state",
        "provincial_label",
        "national_label",
        "national_rank",
    ]
    list_filter = [
        "category__edition",
        "category__candidate_kind",
        "state",
        "provincial_label",
        "national_label",
        "candidate__regency__province",
    ]
    search_fields = ["candidate__name", "candidate__npp", "category__name"]
    autocomplete_fields = ["candidate", "category"]
    list_select_related = ["candidate", "category__edition"]
    inlines = [
        GovernmentDataInline,
        BusinessDataInline,
        LegalProductInline,
        InnovationInline,
        TransitionInline,
    ]


@admin.register(GovernmentData)
class GovernmentDataAdmin(ChoiceLabelsAdmin):
    list_display = ["nomination", "head_of_region", "formal_workers", "active_pu", "active_bpu"]
    search_fields = ["nomination__candidate__name", "head_of_region", "contact_name"]
    list_filter = ["nomination__category__edition"]
    list_select_related = ["nomination__candidate", "nomination__category__edition"]


@admin.register(BusinessData)
class BusinessDataAdmin(ChoiceLabelsAdmin):
    list_display = ["nomination", "employees_total", "employees_registered", "arrears_months"]
    search_fields = ["nomination__candidate__name", "nomination__candidate__npp"]
    list_filter = ["nomination__category__edition"]
    list_select_related = ["nomination__candidate", "nomination__category__edition"]


@admin.register(LegalProduct)
class LegalProductAdmin(ChoiceLabelsAdmin):
    list_display = ["nomination", "type", "number", year_column(LegalProduct), "title"]
    list_filter = ["type", "nomination__category__edition"]
    search_fields = ["number", "title", "nomination__candidate__name"]
    list_select_related = ["nomination__candidate", "nomination__category__edition"]


@admin.register(Innovation)
class InnovationAdmin(ChoiceLabelsAdmin):
    list_display = ["title", "nomination"]
    search_fields = ["title", "description", "nomination__candidate__name"]
    list_filter = ["nomination__category__edition"]
    list_select_related = ["nomination__candidate", "nomination__category__edition"]


@admin.register(NominationTransition)
class NominationTransitionAdmin(admin.ModelAdmin):
    list_display = ["nomination", "from_state", "to_state", "actor", "at", "deadline"]
    list_filter = ["to_state", "nomination__category__edition"]
    search_fields = ["nomination__candidate__name", "reason", "actor__email"]
    list_select_related = ["nomination__candidate", "nomination__category__edition", "actor"]
    readonly_fields = ["nomination", "from_state", "to_state", "actor", "at", "reason", "deadline"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports are made on the import page (which checks and saves all or nothing); the admin
    only shows them."""

    list_display = ["pk", "user", "kind", "edition", "status", "total_rows", "created_at"]
    list_filter = ["status", "kind", "edition"]
    search_fields = ["user__email", "original_name"]
    list_select_related = ["user", "edition"]
    readonly_fields = [
        "user",
        "kind",
        "edition",
        "file",
        "checked_rows",
        "original_name",
        "language",
        "status",
        "total_rows",
        "processed_rows",
        "errors",
        "preview",
        "nominations_created",
        "nominations_updated",
        "created_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
