from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Stage, StageEvent


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
