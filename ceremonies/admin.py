from django.contrib import admin
from django.db import models

from .models import Ceremony, Certificate, CertificateBatch, Official, Publication


class ReadOnlyAdmin(admin.ModelAdmin):
    """Ceremonies, publications and certificates change through their pages (and services);
    the admin shows them."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OfficialInline(admin.TabularInline):
    model = Official
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["edition", "province", "published_at", "published_by"]
    list_select_related = ["edition", "province", "published_by"]
    search_fields = ["province__name", "edition__year"]


@admin.register(Ceremony)
class CeremonyAdmin(ReadOnlyAdmin):
    list_display = ["title", "edition", "province", "held_on", "place"]
    list_select_related = ["edition", "province"]
    search_fields = ["title", "place", "officials__name"]
    inlines = [OfficialInline]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["serial", "recipient", "title", "category_name", "generated_at", "revoked_at"]
    list_select_related = ["ceremony"]
    search_fields = ["serial", "recipient"]


@admin.register(CertificateBatch)
class CertificateBatchAdmin(ReadOnlyAdmin):
    list_display = ["ceremony", "total", "created_at", "created_by"]
    list_select_related = ["ceremony", "created_by"]
    search_fields = ["ceremony__title", "certificates__recipient"]


@admin.register(Official)
class OfficialAdmin(ReadOnlyAdmin):
    list_display = ["name", "position", "ceremony", "hands_over", "signs"]
    list_select_related = ["ceremony"]
    search_fields = ["name", "position", "ceremony__title"]
