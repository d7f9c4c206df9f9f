"""What each recorded action is called where people read the audit record: a nomination's
record page (candidates.views_record) and the record of every change of a decision file
(scoring.decision_record)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


def action_label(action: str) -> str:
    """The action's name in the active language; an action without one keeps its code."""
    return str(ACTIONS.get(action, action))
