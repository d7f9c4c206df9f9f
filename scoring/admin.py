from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from paritrana.admin import ChoiceLabelsAdmin

from . import services
from .models import (
    Award,
    Conflict,
    Criterion,
    IndicatorValue,
    Interview,
    Panel,
    PanelMember,
    RankingConfirmation,
    RankingSnapshot,
    RankingSnapshotRow,
    Rubric,
    Score,
    ScoreRevision,
    Scoresheet,
    Stage,
    StageEvent,
    TieDecision,
)


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

    def save_model(self, request, obj, form, change):
        services.stage_save(actor=request.user, stage=obj)

    def has_delete_permission(self, request, obj=None):
        # A stage is the edition's record of who opened and closed what: never deleted here.
        return False


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
    _run(modeladmin, request, queryset, services.stage_finalise, _("%(count)s stage(s) finalised."))


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

    list_display = ["category", "stage", "aggregation", "zscore", "final_weight", "is_default"]
    search_fields = ["category__name", "stage__edition__year"]
    list_filter = ["stage__edition", "stage__kind", "is_default"]
    list_select_related = ["category", "stage__edition"]
    inlines = [CriterionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.rubric_record(actor=request.user, rubric=form.instance)


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
    search_fields = ["province__name", "edition__year", "members__user__email"]
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
    search_fields = ["nomination__candidate__name", "assessor__email", "reason"]
    list_filter = ["source", "panel__edition"]
    list_select_related = ["nomination__candidate", "assessor", "panel__edition"]
    readonly_fields = ["panel", "assessor", "nomination", "source", "reason", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _RecordAdmin(admin.ModelAdmin):
    """Records written only by the scoring services: readable, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Criterion)
class CriterionAdmin(ChoiceLabelsAdmin):
    list_display = ["name", "rubric", "kind", "weight", "indicator", "tie_break_order"]
    list_filter = ["kind", "rubric__stage__edition"]
    list_select_related = ["rubric__category", "rubric__stage__edition"]
    search_fields = ["name", "code", "rubric__category__name"]


@admin.register(PanelMember)
class PanelMemberAdmin(_RecordAdmin):
    """Shown for reference; members are added on their panel's page."""

    list_display = ["user", "panel", "is_chair", "position"]
    list_select_related = ["user", "panel__edition", "panel__province"]
    search_fields = ["user__email", "user__first_name", "panel__province__name", "position"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(_RecordAdmin):
    list_display = ["nomination", "indicator", "value", "recorded_at"]
    list_filter = ["indicator"]
    list_select_related = ["nomination__candidate", "nomination__category__edition"]
    search_fields = ["nomination__candidate__name"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = ["criterion", "value", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Scoresheet)
class ScoresheetAdmin(_RecordAdmin):
    list_display = ["nomination", "assessor", "stage", "state", "submitted_at"]
    list_filter = ["state", "stage__edition", "stage__kind"]
    list_select_related = [
        "nomination__candidate",
        "nomination__category__edition",
        "assessor",
        "stage__edition",
    ]
    search_fields = ["nomination__candidate__name", "assessor__email"]
    inlines = [ScoreInline]


@admin.register(Score)
class ScoreAdmin(_RecordAdmin):
    list_display = ["scoresheet", "criterion", "value"]
    list_select_related = [
        "scoresheet__nomination__candidate",
        "scoresheet__nomination__category__edition",
        "scoresheet__assessor",
        "criterion",
    ]
    search_fields = ["scoresheet__nomination__candidate__name", "criterion__name"]


@admin.register(ScoreRevision)
class ScoreRevisionAdmin(_RecordAdmin):
    list_display = ["score", "old_value", "new_value", "changed_by", "changed_at"]
    list_select_related = ["score__criterion", "changed_by"]
    search_fields = ["score__scoresheet__nomination__candidate__name", "reason"]


@admin.register(TieDecision)
class TieDecisionAdmin(_RecordAdmin):
    list_display = ["nomination", "position", "stage", "decided_by", "decided_at"]
    list_select_related = ["nomination__candidate", "stage__edition", "decided_by"]
    search_fields = ["nomination__candidate__name", "reason"]


class SnapshotRowInline(admin.TabularInline):
    model = RankingSnapshotRow
    extra = 0
    fields = ["rank", "nomination", "total", "label", "advanced", "tie_reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(_RecordAdmin):
    list_display = [
        "panel",
        "category",
        "stage",
        "finalised_by",
        "finalised_at",
        "signed_off_at",
        "reopened_at",
    ]
    list_filter = ["stage__edition"]
    list_select_related = ["panel__edition", "panel__province", "category", "stage__edition"]
    search_fields = ["panel__province__name", "category__name", "reopen_reason"]
    inlines = [SnapshotRowInline]


@admin.register(RankingSnapshotRow)
class RankingSnapshotRowAdmin(_RecordAdmin):
    list_display = ["nomination", "snapshot", "rank", "total", "label", "advanced"]
    list_select_related = [
        "nomination__candidate",
        "nomination__category__edition",
        "snapshot__panel__province",
        "snapshot__panel__edition",
        "snapshot__category",
    ]
    search_fields = ["nomination__candidate__name"]


@admin.register(RankingConfirmation)
class RankingConfirmationAdmin(_RecordAdmin):
    list_display = ["snapshot", "juror", "confirmed_at"]
    list_select_related = ["snapshot__category", "snapshot__panel__edition", "juror"]


@admin.register(Interview)
class InterviewAdmin(_RecordAdmin):
    """Read-only: the jury's chair and the secretariat schedule and record interviews on the
    interviews page, through scoring.services."""

    list_display = ["nomination", "scheduled_at", "attendance", "attendee", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_select_related = ["nomination__candidate", "nomination__category"]
    list_filter = ["panel__edition", "attendance"]
    search_fields = ["nomination__candidate__name", "attendee", "minutes"]


@admin.register(Award)
class AwardAdmin(_RecordAdmin):
    """Read-only: awards come from the signed-off national result or the jury's special
    awards page."""

    list_display = ["title", "nomination", "category", "kind", "rank", "given_at", "withdrawn_at"]
    list_select_related = ["nomination__candidate", "category__edition"]
    list_filter = ["category__edition", "kind"]
    search_fields = ["nomination__candidate__name", "title", "reason"]
