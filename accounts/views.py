from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from paritrana.navigation import visible_items

from .enums import JURY_ROLES, PANEL_ROLES, Role
from .rules import assignments_of


class DashboardView(PermissionRequiredMixin, TemplateView):
    """Where a person lands after login: their roles, the pages those roles open, and per role
    what they watch: branch staff their nominations and what is due; panel and jury members the
    scoring progress (chairs: ties, missing scoresheets, disagreement; the jury: the finalists'
    interviews); the secretariat the edition's stages and every province's nominations."""

    template_name = "accounts/dashboard.html"
    permission_required = "accounts.view_dashboard"

    def get_context_data(self, **kwargs):
        # The higher apps' reads, imported here: accounts is the lowest app.
        from candidates.dashboard import branch_dashboard, national_progress
        from scoring.dashboard import scoring_dashboard

        user = self.request.user
        pages = [i for i in visible_items(user) if i["url_name"] not in ("home", "dashboard")]
        context = {"assignments": assignments_of(user), "pages": pages}
        if assignments_of(user, Role.BRANCH_STAFF):
            context["branch"] = branch_dashboard(user)
        if assignments_of(user, *PANEL_ROLES, *JURY_ROLES):
            context["panels"] = scoring_dashboard(user)
        if assignments_of(user, Role.NATIONAL_ADMIN):
            context["national"] = national_progress()
        return super().get_context_data(**context, **kwargs)
