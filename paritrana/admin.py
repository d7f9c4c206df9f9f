from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
