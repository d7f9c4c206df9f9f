from django.contrib import admin

from .models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only: the record is written by the services and never changed."""

    list_display = ["seq", "at", "actor", "action", "target_type", "target_id", "nomination_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor", "action", "target_id", "reason"]
    readonly_fields = [f.name for f in AuditRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
