"""The navigation each person sees: an entry appears only when its permission allows it, and
the page behind it checks the same permission."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: Promise
    url_name: str
    permission: str | None  # None: everyone

    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS = [
    NavItem(_("Home"), "home", None),
    NavItem(_("Results"), "public:editions", None),
    NavItem(_("My dashboard"), "dashboard", "accounts.view_dashboard"),
    NavItem(
        _("Branch nominations"), "candidates:branch_worklist", "candidates.view_branch_worklist"
    ),
    NavItem(_("Spreadsheet import"), "candidates:import_start", "candidates.import_nominations"),
    NavItem(
        _("Provincial panel"), "candidates:panel_nominations", "candidates.view_panel_nominations"
    ),
    NavItem(_("Scoring"), "scoring:panels", "scoring.access_panels"),
    NavItem(_("National jury"), "candidates:jury_nominations", "candidates.view_jury_nominations"),
    NavItem(_("Audit"), "candidates:audit_nominations", "candidates.view_audit_nominations"),
    NavItem(_("Secretariat"), "candidates:secretariat", "candidates.view_secretariat"),
    NavItem(_("Ceremonies"), "ceremonies:index", "ceremonies.manage_ceremonies"),
]


def visible_items(user) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if item.permission is None or user.has_perm(item.permission):
            items.append({"label": item.label, "url": item.url(), "url_name": item.url_name})
    return items


def navigation(request):
    user = request.user
    return {
        "nav_items": visible_items(user),
        "show_admin_link": user.is_authenticated
        and user.is_staff
        and user.has_perm("candidates.view_secretariat"),
    }
