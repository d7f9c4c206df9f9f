"""A nomination's audit record, for the auditors and the chairs (SPEC §2)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView

from . import selectors

# What each recorded action is called on the page.
ACTIONS = {
    "candidate.create": _("Candidate registered"),
    "candidate.update": _("Candidate's details changed"),
    "nomination.state": pgettext_lazy("audit action", "State changed"),
    "nomination.figures": _("Figures changed"),
    "nomination.provincial_label": _("Provincial label given"),
    "nomination.national_result": _("National result recorded"),
    "legal_product.create": _("Legal product added"),
    "legal_product.update": _("Legal product changed"),
    "legal_product.delete": _("Legal product removed"),
    "innovation.create": _("Innovation added"),
    "innovation.update": _("Innovation changed"),
    "conflict.create": _("Automatic conflict of interest"),
    "conflict.delete": _("Automatic conflict of interest lifted"),
    "conflict.declare": _("Conflict of interest declared"),
    "scoresheet.save": _("Scoresheet saved"),
    "tie.decide": _("Tie decided"),
    "ranking.finalise.row": _("Ranking finalised"),
    "ranking.sign_off.row": _("Ranking signed off"),
    "ranking.reopen.row": _("Ranking reopened"),
    "interview.update": _("Interview recorded"),
    "award.give": _("Award given"),
    "award.withdraw": _("Award withdrawn"),
    "certificate.issue": _("Certificate issued"),
    "certificate.generate": _("Certificate generated"),
    "certificate.revoke": _("Certificate revoked"),
}


def _lines(values: dict) -> list[tuple[str, str]]:
    return [(key, "—" if value in (None, "") else str(value)) for key, value in values.items()]


class NominationRecordView(LoginRequiredMixin, TemplateView):
    """Every recorded change to a nomination, its data, scores, ranking, awards and
    certificates, oldest first: who, when, what, old and new values, and why."""

    template_name = "candidates/nomination_record.html"

    def get_context_data(self, **kwargs):
        nomination = get_object_or_404(
            selectors.nominations_visible_to(self.request.user).select_related(
                "candidate__regency__province", "candidate__province", "category__edition"
            ),
            pk=self.kwargs["pk"],
        )
        if not self.request.user.has_perm("candidates.view_nomination_record", nomination):
            raise PermissionDenied
        entries = [
            {
                "record": record,
                "label": ACTIONS.get(record.action, record.action),
                "old": _lines(record.old),
                "new": _lines(record.new),
            }
            for record in selectors.records_seen_by(self.request.user, nomination)
        ]
        return super().get_context_data(nomination=nomination, entries=entries, **kwargs)
