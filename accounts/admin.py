from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiToken, RoleAssignment, User

# Roles are scoped assignments (RoleAssignment), not Django groups; hide groups so nobody
# grants access through a mechanism the rules never read.
admin.site.unregister(Group)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["branch", "province", "edition"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Paritrana"), {"fields": ("organisation",)}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
    )
    list_display = ["email", "username", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["is_active", "is_staff", "role_assignments__role"]
    search_fields = ["email", "username", "first_name", "last_name", "organisation"]
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "branch", "province", "edition", "created_at"]
    list_filter = ["role", "edition", "province"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "branch__name"]
    autocomplete_fields = ["user", "branch", "province", "edition"]
    list_select_related = ["user", "branch", "province", "edition"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Everyone's API tokens, for the secretariat to see and revoke (never the secret, which is
    not stored, nor its digest). Tokens are made by their owners on their account page."""

    list_display = [
        "user", "name", "prefix", "scope", "edition", "created_at", "expires_at",
        "last_used_at", "revoked_at",
    ]  # fmt: skip
    list_filter = ["scope", "edition", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "name", "prefix"]
    list_select_related = ["user", "edition"]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected API tokens"), permissions=["view"])
    def revoke(self, request, queryset):
        count = services.api_tokens_revoke(tokens=queryset)
        self.message_user(request, _("%(count)d API token(s) revoked.") % {"count": count})
