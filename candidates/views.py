from itertools import groupby

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from . import selectors
from .enums import NominationState


class RoleNominationList(PermissionRequiredMixin, TemplateView):
    """A role's list of the nominations in its scope, grouped by edition and state.

    Anonymous visitors are sent to the login page; a logged-in user without the permission
    gets 403 (PermissionRequiredMixin's default)."""

    template_name = "candidates/nomination_list.html"
    selector = None
    title = ""
    intro = ""

    def get_context_data(self, **kwargs):
        rows = list(
            self.selector(self.request.user).order_by(
                "-category__edition__year", "state", "category__order", "candidate__name"
            )
        )
        state_order = {state.value: i for i, state in enumerate(NominationState)}
        groups = []
        for edition, in_edition in groupby(rows, key=lambda n: n.category.edition):
            by_state = sorted(in_edition, key=lambda n: (state_order[n.state], n.candidate.name))
            groups.append(
                {
                    "edition": edition,
                    "states": [
                        {
                            "label": NominationState(state).label,
                            "state": state,
                            "items": list(items),
                        }
                        for state, items in groupby(by_state, key=lambda n: n.state)
                    ],
                }
            )
        return super().get_context_data(
            title=self.title, intro=self.intro, groups=groups, total=len(rows), **kwargs
        )


class BranchWorklist(RoleNominationList):
    permission_required = "candidates.view_branch_worklist"
    selector = staticmethod(selectors.branch_nominations)
    title = _("Branch nominations")
    intro = _("Nominations of your branch's regions in the current edition, by state.")


class PanelNominations(RoleNominationList):
    permission_required = "candidates.view_panel_nominations"
    selector = staticmethod(selectors.panel_nominations)
    title = _("Provincial panel")
    intro = _("Submitted nominations in the provinces and editions of your panel.")


class JuryNominations(RoleNominationList):
    permission_required = "candidates.view_jury_nominations"
    selector = staticmethod(selectors.jury_nominations)
    title = _("National jury")
    intro = _("Nominations in the national stage of your editions.")


class AuditNominations(RoleNominationList):
    permission_required = "candidates.view_audit_nominations"
    selector = staticmethod(selectors.audit_nominations)
    title = _("Audit")
    intro = _("Every nomination of the editions you observe, read-only.")


class SecretariatOverview(PermissionRequiredMixin, TemplateView):
    template_name = "candidates/secretariat.html"
    permission_required = "candidates.view_secretariat"

    def get_context_data(self, **kwargs):
        editions = list(selectors.edition_overview())
        rows = [
            {"state": state, "counts": [getattr(e, f"n_{state.value}") for e in editions]}
            for state in NominationState
        ]
        return super().get_context_data(editions=editions, rows=rows, **kwargs)
