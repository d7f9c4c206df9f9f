from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# What the label of a choice (its __str__) reads beyond the row itself: a nomination is
# "<candidate> — <category> (<year>)", a rubric "<category> — <stage> (<year>)".
CHOICE_LABEL_RELATIONS = {
    "candidates.Nomination": ("candidate", "category__edition"),
    "scoring.Rubric": ("category", "stage__edition"),
}


def year_column(model, field: str = "year"):
    """A list column showing a year as written (2021): the admin formats every integer as a
    quantity, which Indonesian writes 2.021."""

    @admin.display(description=model._meta.get_field(field).verbose_name, ordering=field)
    def column(obj):
        value = getattr(obj, field)
        return "" if value is None else str(value)

    column.__name__ = field
    return column


class ChoiceLabelsAdmin(admin.ModelAdmin):
    """A select of nominations or rubrics on an admin form loads what their labels show with
    the choices (select_related) instead of three queries per option; the same options, in
    the same order, with the same labels."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = CHOICE_LABEL_RELATIONS.get(db_field.related_model._meta.label)
        if related and "queryset" not in kwargs:
            queryset = self.get_field_queryset(None, db_field, request)
            if queryset is None:
                queryset = db_field.related_model._default_manager.all()
            kwargs["queryset"] = queryset.select_related(*related)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ParitranaAdminSite(admin.AdminSite):
    site_header = _("Paritrana administration")
    site_title = _("Paritrana")
    index_title = _("Secretariat")

    def login(self, request, extra_context=None):
        """One way in: allauth's login, which is throttled and asks for the two-factor code.
        The admin's own form would check passwords without either."""
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))

    def has_permission(self, request):
        """Only active national admins (the secretariat) reach the Django admin."""
        from accounts.rules import is_national_admin

        user = request.user
        return user.is_active and user.is_staff and is_national_admin(user)


class ParitranaAdminConfig(AdminConfig):
    default_site = "paritrana.admin.ParitranaAdminSite"
