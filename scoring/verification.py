"""Correcting a verification decision taken by mistake. The decisions themselves (verify,
return, declare ineligible) are scoring.services' nomination_verify, nomination_return and
nomination_declare_ineligible; this sits beside them, with the same guards, because that file
is already long."""

from django.db import transaction
from django.utils.translation import gettext as _

from candidates import services as candidate_services
from candidates.models import Nomination

from .services import (
    _chair_or_admin,
    _ensure_cohort_not_ranked,
    _panel_for,
    _verification_stage,
)


@transaction.atomic
def nomination_verification_correct(*, actor, nomination: Nomination, reason: str) -> Nomination:
    """The panel's chair (or the secretariat) corrects a verification decision: a verified or
    ineligible dossier goes back to those waiting for verification (submitted or resubmitted,
    as it was decided), and the panel decides again. The reason is recorded with the state
    change and in the audit record.

    Refused (PermissionDenied) to anyone but the chair of the nominee's panel and the
    secretariat; (StageNotOpen) outside the stage in which the panel verifies; (RankingFinalised)
    once the panel's ranking of the category is finalised; (ValidationError) without a reason;
    (TransitionNotAllowed) for a dossier that is neither verified nor ineligible. Its recorded
    indicators and conflicts stay until it is verified again, which records them anew."""
    panel = _panel_for(actor, nomination)
    _chair_or_admin(panel, actor)
    _verification_stage(nomination, _("Correcting a verification"))
    _ensure_cohort_not_ranked(panel, nomination)
    return candidate_services.nomination_verification_reopen(
        actor=actor, nomination=nomination, reason=reason
    )
