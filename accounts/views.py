from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from paritrana.navigation import visible_items

from .rules import assignments_of


class DashboardView(PermissionRequiredMixin, TemplateView):
    """Where a person lands after login: their roles and the pages those roles open."""

    template_name = "accounts/dashboard.html"
    permission_required = "accounts.view_dashboard"

    def get_context_data(self, **kwargs):
        user = self.request.user
        pages = [i for i in visible_items(user) if i["url_name"] not in ("home", "dashboard")]
        return super().get_context_data(assignments=assignments_of(user), pages=pages, **kwargs)
