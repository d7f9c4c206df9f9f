from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Conflict, Criterion, Panel, PanelMember, Rubric, Stage, StageEvent


class StageEventInline(admin.TabularInline):
    """The record of every state change; written by the services only."""

    model = StageEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_state", "to_state", "actor", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _run(modeladmin, request, queryset, service, done):
    moved = 0
    for stage in queryset.select_related("edition"):
        try:
            service(actor=request.user, stage=stage)
            moved += 1
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
    if moved:
        modeladmin.message_user(request, done % {"count": moved}, messages.SUCCESS)


@admin.action(description=_("Open the selected stages"))
def open_stages(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.stage_open, _("%(count)s stage(s) opened."))


@admin.action(description=_("Close the selected stages"))
def close_stages(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.stage_close, _("%(count)s stage(s) closed."))


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    """Schedules are edited here; states change only through the actions (services)."""

    list_display = ["edition", "order", "kind", "starts_on", "ends_on", "state"]
    list_filter = ["edition", "state", "kind"]
    search_fields = ["edition__year", "kind"]
    list_select_related = ["edition"]
    readonly_fields = ["state"]
    fields = ["edition", "kind", "order", "starts_on", "ends_on", "state"]
    actions = [open_stages, close_stages]
    inlines = [StageEventInline]


@admin.register(StageEvent)
class StageEventAdmin(admin.ModelAdmin):
    list_display = ["stage", "from_state", "to_state", "actor", "at"]
    list_filter = ["to_state", "stage__edition"]
    search_fields = ["reason", "actor__email"]
    list_select_related = ["stage__edition", "actor"]
    readonly_fields = ["stage", "from_state", "to_state", "actor", "at", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description=_("Finalise the selected stages"))
def finalise_stages(modeladmin, request, queryset):
    _run(
        modeladmin, request, queryset, services.stage_finalise, _("%(count)s stage(s) finalised.")
    )


StageAdmin.actions = [open_stages, close_stages, finalise_stages]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = [
        "order",
        "code",
        "name",
        "kind",
        "weight",
        "indicator",
        "mapping",
        "zero_at",
        "full_at",
        "tie_break_order",
    ]


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    """The secretariat edits rubrics here; the default ones are marked as such."""

    list_display = ["category", "stage", "aggregation", "zscore", "is_default"]
    list_filter = ["stage__edition", "stage__kind", "is_default"]
    list_select_related = ["category", "stage__edition"]
    inlines = [CriterionInline]


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    fields = ["user", "is_chair", "position", "organisation", "home_regency"]
    autocomplete_fields = ["user", "organisation", "home_regency"]


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    """Members are saved through scoring.services so that their roles and automatic conflicts
    follow."""

    list_display = ["__str__", "edition", "province", "exclude_own_region"]
    list_filter = ["edition"]
    list_select_related = ["edition", "province"]
    inlines = [PanelMemberInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not PanelMember:
            return super().save_formset(request, form, formset, change)
        members = formset.save(commit=False)
        for removed in formset.deleted_objects:
            services.panel_member_remove(panel=form.instance, user=removed.user)
        for member in members:
            services.panel_member_add(
                panel=form.instance,
                user=member.user,
                is_chair=member.is_chair,
                position=member.position,
                organisation=member.organisation,
                home_regency=member.home_regency,
            )
        services.conflicts_refresh(panel=form.instance)


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["nomination", "assessor", "source", "panel", "created_at"]
    list_filter = ["source", "panel__edition"]
    list_select_related = ["nomination__candidate", "assessor", "panel__edition"]
    readonly_fields = ["panel", "assessor", "nomination", "source", "reason", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
